//! The go-plugin transport over the real unix socket and mTLS path.
//!
//! In-process tests run `plugin::server::serve` with the real provider and talk to it as
//! Terraform does: a P-521, CA:TRUE client certificate (like go-plugin's), ALPN h2, and the
//! server certificate pinned from the handshake. Process tests run the built binary to check
//! the startup rules and the handshake line.

use crate::common;
use crate::common::plugin_client;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use plugin_client::{
    go_plugin_like_client_cert, plain_channel, start_in_process, start_provider_in_process,
    tls_channel,
};
use tfvonage::plugin::handshake;
use tfvonage::tfplugin::goplugin::grpc_controller_client::GrpcControllerClient;
use tfvonage::tfplugin::goplugin::grpc_stdio_client::GrpcStdioClient;
use tfvonage::tfplugin::proto::provider_client::ProviderClient;
use tfvonage::tfplugin::proto::{get_provider_schema, stop_provider};

#[tokio::test]
async fn the_pinned_client_gets_the_schema_over_mtls() {
    let client_id = go_plugin_like_client_cert();
    let running = start_in_process(&client_id.pem);
    let channel = tls_channel(
        running.socket.clone(),
        running.server_cert.clone(),
        Some(&client_id),
    )
    .await
    .unwrap();
    let mut client = ProviderClient::new(channel.clone()).max_decoding_message_size(256 << 20);
    let schema = client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let caps = schema.server_capabilities.unwrap();
    assert!(caps.plan_destroy && caps.get_provider_schema_optional);
    for t in [
        "vonage_account_settings",
        "vonage_api_secret",
        "vonage_subaccount",
    ] {
        assert!(schema.resource_schemas.contains_key(t), "missing {t}");
    }
    let secret = &schema.resource_schemas["vonage_api_secret"]
        .block
        .as_ref()
        .unwrap()
        .attributes;
    assert!(
        secret
            .iter()
            .any(|a| a.name == "secret_wo" && a.write_only && !a.sensitive)
    );
    let provider = schema.provider.unwrap().block.unwrap();
    assert!(
        provider
            .attributes
            .iter()
            .any(|a| a.name == "api_secret" && a.sensitive)
    );

    // StopProvider cancels in-flight work but the server keeps answering.
    client
        .stop_provider(stop_provider::Request {})
        .await
        .unwrap();
    client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();

    // Health says SERVING for "plugin", as go-plugin's Ping expects.
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    let status = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        status.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );

    // GRPCController.Shutdown stops the server gracefully and removes the socket.
    GrpcControllerClient::new(channel)
        .shutdown(tfvonage::tfplugin::goplugin::Empty {})
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), running.task)
        .await
        .expect("server stops after Shutdown")
        .unwrap()
        .unwrap();
    // The accept loop, a task of its own, removes it once it sees the shutdown.
    let socket = running.socket.clone();
    common::wait_for("the socket file to be removed on exit", || {
        let gone = !socket.exists();
        async move { gone.then_some(()) }
    })
    .await;
}

#[tokio::test]
async fn a_client_with_another_certificate_is_refused() {
    let pinned = go_plugin_like_client_cert();
    let stranger = go_plugin_like_client_cert();
    let running = start_in_process(&pinned.pem);
    let result = match tls_channel(
        running.socket.clone(),
        running.server_cert.clone(),
        Some(&stranger),
    )
    .await
    {
        Ok(ch) => ProviderClient::new(ch)
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    assert!(result.is_err(), "a stranger's certificate must be refused");
    running.shutdown.cancel();
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused() {
    let pinned = go_plugin_like_client_cert();
    let running = start_in_process(&pinned.pem);
    let result = match tls_channel(running.socket.clone(), running.server_cert.clone(), None).await
    {
        Ok(ch) => ProviderClient::new(ch)
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    assert!(result.is_err(), "mTLS is mandatory");
    running.shutdown.cancel();
}

#[tokio::test]
async fn a_plaintext_client_is_refused() {
    let pinned = go_plugin_like_client_cert();
    let running = start_in_process(&pinned.pem);
    let result = match plain_channel(running.socket.clone()).await {
        Ok(ch) => {
            let mut client = ProviderClient::new(ch);
            let call = client.get_provider_schema(get_provider_schema::Request {});
            match tokio::time::timeout(Duration::from_secs(5), call).await {
                Ok(r) => r.map(|_| ()).map_err(|e| e.to_string()),
                Err(_) => Err("timed out".into()),
            }
        }
        Err(e) => Err(e.to_string()),
    };
    assert!(
        result.is_err(),
        "plaintext must not reach the provider when TLS is on"
    );
    running.shutdown.cancel();
}

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-vonage");

#[test]
fn run_by_hand_it_exits_1_with_a_sentence() {
    let out = Command::new(BIN)
        .env_remove(handshake::MAGIC_COOKIE_KEY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Terraform provider plugin, not a program to run by hand"),
        "{err}"
    );
}

#[test]
fn without_protocol_6_it_refuses_clearly() {
    let out = Command::new(BIN)
        .env(handshake::MAGIC_COOKIE_KEY, handshake::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol 6"));
}

#[test]
fn the_handshake_line_is_the_only_stdout_and_carries_the_server_cert() {
    let client = go_plugin_like_client_cert();
    let tmp = std::env::temp_dir().join(format!("tpv-handshake-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = Command::new(BIN)
        .env(handshake::MAGIC_COOKIE_KEY, handshake::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", &client.pem)
        .env("TMPDIR", &tmp)
        .env_remove("TF_LOG")
        // Debug logs say when the provider swallows a SIGINT (stderr only).
        .env("TF_LOG_PROVIDER", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let (log_tx, log_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for log_line in stderr.lines().map_while(Result::ok) {
            if log_tx.send(log_line).is_err() {
                break;
            }
        }
    });
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(&parts[..3], ["1", "6", "unix"], "{line}");
    assert!(
        parts[3].starts_with(tmp.to_str().unwrap()),
        "socket in $TMPDIR: {line}"
    );
    assert_eq!(parts[4], "grpc");
    assert!(
        parts[5].len() > 50 && !parts[5].contains('='),
        "unpadded base64 DER: {line}"
    );
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(parts[5])
        .unwrap();
    assert_eq!(der[0], 0x30, "a DER certificate");
    // SIGINT is ignored, like go-plugin: the process must survive it. It logs
    // the interrupt it swallowed; until then, there is nothing to look at
    // (no fixed wait: a stderr that ends first means the process died).
    unsafe { libc_kill(child.id() as i32, 2) };
    let swallowed = loop {
        match log_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(log_line) if log_line.contains("ignoring SIGINT") => break true,
            Ok(_) => continue,
            Err(_) => break false,
        }
    };
    assert!(
        swallowed,
        "no \"ignoring SIGINT\" line: SIGINT stopped the provider?"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "SIGINT must not stop the provider"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn the_socket_is_for_its_owner_only_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let client = go_plugin_like_client_cert();
    let tmp = std::env::temp_dir().join(format!("tpv-socket-mode-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    // A umask of 000 would leave a plain bind world-writable (srwxrwxrwx).
    let mut child = Command::new("sh")
        .args(["-c", "umask 000; exec \"$0\"", BIN])
        .env(handshake::MAGIC_COOKIE_KEY, handshake::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", &client.pem)
        .env("TMPDIR", &tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let socket = line.split('|').nth(3).expect("a handshake line").to_owned();
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    assert_eq!(mode, 0o600, "socket {socket} has mode {mode:o}");
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

#[tokio::test]
async fn debug_mode_prints_reattach_json_serves_plaintext_and_stops_on_ctrl_c() {
    let tmp = std::env::temp_dir().join(format!("tpv-debug-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut child = Command::new(BIN)
        .arg("--debug")
        .env("TMPDIR", &tmp)
        .env_remove(handshake::MAGIC_COOKIE_KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut reattach = None;
    for _ in 0..10 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            reattach = Some(rest.trim_end_matches('\'').to_string());
            break;
        }
    }
    let json: serde_json::Value =
        serde_json::from_str(&reattach.expect("a TF_REATTACH_PROVIDERS line")).unwrap();
    let entry = &json[handshake::PROVIDER_ADDRESS];
    assert_eq!(entry["Pid"], child.id());
    assert_eq!(entry["Test"], true);
    let socket = std::path::PathBuf::from(entry["Addr"]["String"].as_str().unwrap());
    assert!(socket.starts_with(&tmp));

    let channel = plain_channel(socket.clone()).await.unwrap();
    let schema = ProviderClient::new(channel)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.resource_schemas.contains_key("vonage_api_secret"));

    unsafe { libc_kill(child.id() as i32, 2) };
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.success(),
        "Ctrl-C ends a debug session cleanly: {status:?}"
    );
    assert!(!socket.exists(), "socket removed");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_work_and_keeps_serving() {
    use tfvonage::framework::cty::{Value, msgpack};
    use tfvonage::framework::data_source::DynDataSource;
    use tfvonage::framework::plan::object;
    use tfvonage::tfplugin::proto::{DynamicValue, configure_provider, read_data_source};

    // The sandbox holds the balance request for 10 s: only a cancellation can end it sooner.
    let sandbox = common::SandboxProcess::spawn(&[]);
    let hold = serde_json::json!({
        "route": "GET /account/get-balance", "kind": "latency", "latency_ms": 10000, "count": 1,
    });
    common::fault(&sandbox, hold).await;

    let client_id = go_plugin_like_client_cert();
    let running = start_in_process(&client_id.pem);
    let channel = tls_channel(
        running.socket.clone(),
        running.server_cert.clone(),
        Some(&client_id),
    )
    .await
    .unwrap();
    let mut client = ProviderClient::new(channel);

    let encode = |v: Value, ty: &tfvonage::framework::cty::Type| DynamicValue {
        msgpack: msgpack::encode(&v.conform(ty).unwrap(), ty).unwrap(),
        json: Vec::new(),
    };
    let provider_ty = tfvonage::provider::config::schema().value_type();
    let base = Value::string(sandbox.base_url.clone());
    let config = object([
        ("api_key", Value::string(common::KEY)),
        ("api_secret", Value::string(common::SECRET)),
        ("api_url", base.clone()),
        ("rest_url", base),
    ]);
    let configured = client
        .configure_provider(configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(encode(config, &provider_ty)),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        configured.diagnostics.is_empty(),
        "{:?}",
        configured.diagnostics
    );

    let balance_ty =
        DynDataSource::schema(&tfvonage::provider::data_sources::balance::Balance).value_type();
    let request = read_data_source::Request {
        type_name: "vonage_balance".into(),
        config: Some(encode(object([]), &balance_ty)),
        ..Default::default()
    };
    let mut reader = client.clone();
    let read = tokio::spawn(async move { reader.read_data_source(request).await });
    common::wait_until_faults_taken(&sandbox).await;
    assert!(!read.is_finished(), "the read is held by the sandbox");

    client
        .stop_provider(stop_provider::Request {})
        .await
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .expect("the in-flight read ends promptly after StopProvider")
        .unwrap()
        .unwrap()
        .into_inner();
    assert!(response.state.is_none());
    assert!(
        response
            .diagnostics
            .iter()
            .any(|d| d.summary.starts_with("Cancelled")),
        "{:?}",
        response.diagnostics
    );

    // The provider did not exit: it still answers.
    client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();
    running.shutdown.cancel();
    sandbox.kill();
}

#[tokio::test]
async fn after_shutdown_the_server_stops_without_waiting_for_the_client_to_hang_up() {
    let client_id = go_plugin_like_client_cert();
    let running = start_in_process(&client_id.pem);
    let channel = tls_channel(
        running.socket.clone(),
        running.server_cert.clone(),
        Some(&client_id),
    )
    .await
    .unwrap();
    // As go-plugin does: the stdio stream stays open for the process's life. A graceful HTTP/2
    // shutdown would wait for it, and for the client to close the connection.
    let stdio = GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .unwrap()
        .into_inner();
    ProviderClient::new(channel.clone())
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap();
    GrpcControllerClient::new(channel.clone())
        .shutdown(tfvonage::tfplugin::goplugin::Empty {})
        .await
        .expect("Shutdown is answered before the server stops");
    tokio::time::timeout(Duration::from_secs(5), running.task)
        .await
        .expect("the server stops with the connection and the stdio stream still open")
        .unwrap()
        .unwrap();
    drop((stdio, channel));
}

#[tokio::test]
async fn shutdown_during_an_rpc_lets_the_rpc_answer_first() {
    use tfvonage::framework::cty::{Value, msgpack};
    use tfvonage::framework::data_source::DynDataSource;
    use tfvonage::framework::plan::object;
    use tfvonage::tfplugin::proto::{DynamicValue, configure_provider, read_data_source};

    // The sandbox holds the balance request for 3 s; Shutdown comes once it holds it.
    let sandbox = common::SandboxProcess::spawn(&[]);
    let hold = serde_json::json!({
        "route": "GET /account/get-balance", "kind": "latency", "latency_ms": 3000, "count": 1,
    });
    common::fault(&sandbox, hold).await;

    let client_id = go_plugin_like_client_cert();
    let running = start_in_process(&client_id.pem);
    let channel = tls_channel(
        running.socket.clone(),
        running.server_cert.clone(),
        Some(&client_id),
    )
    .await
    .unwrap();
    let mut client = ProviderClient::new(channel.clone());
    let encode = |v: Value, ty: &tfvonage::framework::cty::Type| DynamicValue {
        msgpack: msgpack::encode(&v.conform(ty).unwrap(), ty).unwrap(),
        json: Vec::new(),
    };
    let provider_ty = tfvonage::provider::config::schema().value_type();
    let base = Value::string(sandbox.base_url.clone());
    let config = object([
        ("api_key", Value::string(common::KEY)),
        ("api_secret", Value::string(common::SECRET)),
        ("api_url", base.clone()),
        ("rest_url", base),
    ]);
    client
        .configure_provider(configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: Some(encode(config, &provider_ty)),
            client_capabilities: None,
        })
        .await
        .unwrap();
    let balance_ty =
        DynDataSource::schema(&tfvonage::provider::data_sources::balance::Balance).value_type();
    let request = read_data_source::Request {
        type_name: "vonage_balance".into(),
        config: Some(encode(object([]), &balance_ty)),
        ..Default::default()
    };
    let read = tokio::spawn(async move { client.read_data_source(request).await });
    common::wait_until_faults_taken(&sandbox).await;
    assert!(!read.is_finished(), "the read is held by the sandbox");

    let _ = GrpcControllerClient::new(channel)
        .shutdown(tfvonage::tfplugin::goplugin::Empty {})
        .await;
    let response = tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the read is answered")
        .unwrap()
        .expect("the read is answered, not cut off by the shutdown")
        .into_inner();
    assert!(
        response.diagnostics.is_empty(),
        "{:?}",
        response.diagnostics
    );
    assert!(response.state.is_some());
    tokio::time::timeout(Duration::from_secs(10), running.task)
        .await
        .expect("the server stops once the read is answered")
        .unwrap()
        .unwrap();
    sandbox.kill();
}

/// A test-only provider whose one resource panics in `read`, with a value in the message.
mod panicking {
    use std::sync::Arc;

    use async_trait::async_trait;
    use serde::{Deserialize, Serialize};
    use tfvonage::framework::cty::Value;
    use tfvonage::framework::data_source::DynDataSource;
    use tfvonage::framework::diagnostics::Diagnostics;
    use tfvonage::framework::provider::{ConfigureRequest, Provider};
    use tfvonage::framework::resource::{
        ApplyFailure, CreateRequest, Ctx, DynResource, Resource, UpdateRequest,
    };
    use tfvonage::framework::schema::{Attribute, Block, Schema};

    pub const SECRET: &str = "Hunter2SecretValue";

    pub struct PanickingProvider;
    struct Boom;

    #[derive(Serialize, Deserialize)]
    struct Model {
        id: Option<String>,
    }

    #[async_trait]
    impl Resource<()> for Boom {
        type Model = Model;
        fn type_name(&self) -> &'static str {
            "test_boom"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                0,
                Block::new("b").attribute(Attribute::string("id").computed()),
            )
        }
        async fn create(
            &self,
            _: &Ctx<'_, ()>,
            req: CreateRequest<Model>,
        ) -> Result<Model, ApplyFailure<Model>> {
            Ok(req.planned)
        }
        async fn read(&self, _: &Ctx<'_, ()>, state: Model) -> Result<Option<Model>, Diagnostics> {
            let id = state.id.unwrap_or_default();
            panic!("read of {id} failed with secret {SECRET}");
        }
        async fn update(
            &self,
            _: &Ctx<'_, ()>,
            req: UpdateRequest<Model>,
        ) -> Result<Model, ApplyFailure<Model>> {
            Ok(req.planned)
        }
        async fn delete(&self, _: &Ctx<'_, ()>, _: Model) -> Result<(), Diagnostics> {
            Ok(())
        }
        async fn import(&self, _: &Ctx<'_, ()>, id: &str) -> Result<Model, Diagnostics> {
            Ok(Model {
                id: Some(id.to_owned()),
            })
        }
    }

    #[async_trait]
    impl Provider for PanickingProvider {
        type Data = ();
        fn name(&self) -> &'static str {
            "test"
        }
        fn schema(&self) -> Schema {
            Schema::new(0, Block::new("p"))
        }
        async fn configure(&self, _: ConfigureRequest<'_>) -> Result<Option<()>, Diagnostics> {
            Ok(Some(()))
        }
        fn resources(&self) -> Vec<Arc<dyn DynResource<()>>> {
            vec![Arc::new(Boom)]
        }
        fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<()>>> {
            Vec::new()
        }
    }

    /// A state of `test_boom`.
    pub fn state(id: &str) -> Value {
        Value::Object([("id".to_owned(), Value::string(id))].into())
    }
}

#[tokio::test]
async fn a_panicking_rpc_answers_with_a_provider_bug_diagnostic_and_the_provider_keeps_serving() {
    use tfvonage::framework::cty::{Type, msgpack};
    use tfvonage::tfplugin::proto::{DynamicValue, read_resource};

    let client_id = go_plugin_like_client_cert();
    let running = start_provider_in_process(&client_id.pem, panicking::PanickingProvider);
    let channel = tls_channel(
        running.socket.clone(),
        running.server_cert.clone(),
        Some(&client_id),
    )
    .await
    .unwrap();
    let mut client = ProviderClient::new(channel);
    let ty = Type::object([("id", Type::String)]);
    let read = |id: &str| read_resource::Request {
        type_name: "test_boom".into(),
        current_state: Some(DynamicValue {
            msgpack: msgpack::encode(&panicking::state(id), &ty).unwrap(),
            json: Vec::new(),
        }),
        ..Default::default()
    };

    for id in ["first", "second"] {
        let response = client
            .read_resource(read(id))
            .await
            .expect("a panic is an answer, not a cancelled request")
            .into_inner();
        let d = &response.diagnostics[0];
        assert_eq!(d.summary, "Provider bug: ReadResource crashed");
        assert!(d.detail.contains("resource `test_boom`"), "{}", d.detail);
        assert!(
            d.detail.contains("plugin_transport.rs:"),
            "the location: {}",
            d.detail
        );
        assert!(d.detail.contains("provider keeps running"));
        assert!(!d.detail.contains(panicking::SECRET) && !d.detail.contains(id));
        assert!(response.new_state.is_none());
    }
    let schema = client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.resource_schemas.contains_key("test_boom"));
    running.shutdown.cancel();
}
