//! `cargo bench --bench sandbox`: figures for the sandbox and the client.
//!
//! Starts the real `vonage-sandbox` binary on loopback and prints
//! * throughput (requests/s) of `GET /account/get-balance` and
//!   `GET /accounts/{key}/secrets` over a few concurrent keep-alive
//!   connections, bounded by a request count and a time limit;
//! * the client's per-call overhead: mean and median latency of
//!   `Client::get_balance()` next to a raw reqwest request to the same route
//!   (same run, interleaved).
//!
//! It prints figures and asserts nothing about timing. Tunables (env):
//! `BENCH_REQUESTS` (per throughput run, default 4000), `BENCH_CONNECTIONS`
//! (default 4), `BENCH_CALLS` (per overhead sample, default 1000).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tfvonage::vonage::{Client, ClientConfig, Secret};
use tfvonage::wire::account::BalanceResponse;

const KEY: &str = "abcd1234";
const SECRET: &str = "SandboxSecret1";
const TIME_LIMIT: Duration = Duration::from_secs(10);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|v| *v > 0)
        .unwrap_or(default)
}

struct Sandbox {
    child: Child,
    base: String,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sandbox() -> Sandbox {
    // Unthrottled: the bench measures the server, not Vonage's 30/s limit.
    let mut child = Command::new(env!("CARGO_BIN_EXE_vonage-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--rate-limit", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn vonage-sandbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ready line");
    let base = line
        .trim()
        .strip_prefix("vonage-sandbox listening on ")
        .expect("ready line format")
        .to_string();
    Sandbox { child, base }
}

/// Requests/s for `path` over `connections` keep-alive connections.
async fn throughput(base: &str, path: &str, total: usize, connections: usize) -> (usize, f64) {
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let http = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        let url = format!("{base}{path}");
        let issued = issued.clone();
        tasks.push(tokio::spawn(async move {
            let mut done = 0usize;
            while issued.fetch_add(1, Ordering::Relaxed) < total && started.elapsed() < TIME_LIMIT {
                let response = http
                    .get(&url)
                    .basic_auth(KEY, Some(SECRET))
                    .send()
                    .await
                    .expect("request");
                assert!(response.status().is_success());
                response.bytes().await.expect("body");
                done += 1;
            }
            done
        }));
    }
    let mut done = 0;
    for task in tasks {
        done += task.await.expect("task");
    }
    (done, done as f64 / started.elapsed().as_secs_f64())
}

fn summary(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let mean = samples.iter().sum::<Duration>() / samples.len().max(1) as u32;
    let median = samples[samples.len() / 2];
    (mean, median)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let requests = setting("BENCH_REQUESTS", 4000);
    let connections = setting("BENCH_CONNECTIONS", 4);
    let calls = setting("BENCH_CALLS", 1000);
    let mut startups: Vec<Duration> = (0..setting("BENCH_STARTS", 10))
        .map(|_| {
            let started = Instant::now();
            drop(start_sandbox());
            started.elapsed()
        })
        .collect();
    startups.sort();
    println!(
        "startup to ready line: median {:.1} ms, max {:.1} ms (target < 1000 ms)",
        micros(startups[startups.len() / 2]) / 1000.0,
        micros(*startups.last().expect("at least one start")) / 1000.0
    );
    let sandbox = start_sandbox();
    println!(
        "vonage-sandbox at {} ({connections} keep-alive connections)",
        sandbox.base
    );

    let routes = [
        "/account/get-balance".to_string(),
        format!("/accounts/{KEY}/secrets"),
    ];
    for route in &routes {
        throughput(&sandbox.base, route, 200, connections).await; // warm-up
        let (done, rate) = throughput(&sandbox.base, route, requests, connections).await;
        println!("throughput GET {route:<28} {rate:>9.0} req/s ({done} requests)");
    }

    let mut config = ClientConfig::new(KEY, Secret::from(SECRET));
    config.rest_url = sandbox.base.clone();
    config.api_url = sandbox.base.clone();
    config.rate_limit_per_second = 1e9;
    let client = Client::new(config).expect("client");
    let raw = reqwest::Client::builder().build().expect("raw client");
    let url = format!("{}/account/get-balance", sandbox.base);
    let raw_call = || async {
        let response = raw
            .get(&url)
            .basic_auth(KEY, Some(SECRET))
            .header("accept", "application/json")
            .send()
            .await
            .expect("raw request");
        let body = response.bytes().await.expect("raw body");
        serde_json::from_slice::<BalanceResponse>(&body).expect("raw decode")
    };
    for _ in 0..100 {
        raw_call().await;
        client.get_balance().await.expect("client call");
    }
    let (mut raw_samples, mut client_samples) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for _ in 0..calls {
        if started.elapsed() > TIME_LIMIT {
            break;
        }
        let t = Instant::now();
        raw_call().await;
        raw_samples.push(t.elapsed());
        let t = Instant::now();
        client.get_balance().await.expect("client call");
        client_samples.push(t.elapsed());
    }
    let n = raw_samples.len();
    let (raw_mean, raw_median) = summary(raw_samples);
    let (client_mean, client_median) = summary(client_samples);
    println!("latency GET /account/get-balance over {n} sequential calls each:");
    println!(
        "  raw reqwest      mean {:>8.1} µs   median {:>8.1} µs",
        micros(raw_mean),
        micros(raw_median)
    );
    println!(
        "  vonage::Client   mean {:>8.1} µs   median {:>8.1} µs",
        micros(client_mean),
        micros(client_median)
    );
    println!(
        "  client overhead  mean {:>+8.1} µs   median {:>+8.1} µs",
        micros(client_mean) - micros(raw_mean),
        micros(client_median) - micros(raw_median)
    );
}
