//! The in-process harness of the sandbox's HTTP tests: `app()` driven
//! through `tower::ServiceExt::oneshot` (no socket), with helpers to call the
//! API as the seeded primary, post forms, call the admin API and check
//! problem bodies. One test file per route group uses it
//! (`sandbox_account.rs`, `sandbox_secrets.rs`, …); socket-only behaviour
//! (ready line, TLS, dropped connections, kill -9) lives in
//! `sandbox_socket.rs` and `sandbox_persistence.rs`.
#![allow(dead_code)]

use axum::Router;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tfvonage::sandbox::{ConnectionDrop, SandboxOptions, SandboxState, app};
use tower::ServiceExt;

pub const KEY: &str = "abcd1234";
pub const SECRET: &str = "SandboxSecret1";

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: String,
    pub dropped: bool,
    /// The body ended in an error (a `truncate` fault): `raw` is what came
    /// before it.
    pub body_failed: bool,
}

impl Reply {
    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn problem_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or("")
    }

    pub fn assert_problem(&self, status: u16, type_suffix: &str) {
        assert_eq!(self.status.as_u16(), status, "{}", self.raw);
        assert!(
            self.problem_type().ends_with(type_suffix),
            "type {} does not end with {type_suffix}: {}",
            self.problem_type(),
            self.raw
        );
        assert_eq!(self.content_type(), "application/problem+json");
        assert!(!self.body["title"].as_str().unwrap_or("").is_empty());
        assert!(!self.body["detail"].as_str().unwrap_or("").is_empty());
        assert_eq!(self.body["instance"].as_str().unwrap_or("").len(), 36);
    }

    pub fn invalid_parameter_names(&self) -> Vec<String> {
        self.body["invalid_parameters"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| p["name"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub struct Sandbox {
    pub app: Router,
}

pub fn basic(key: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"))
    )
}

impl Sandbox {
    /// The command line's defaults (Vonage's rules) without the rate limit:
    /// these tests send bursts with one key, faster than 30 a second.
    pub fn new() -> Sandbox {
        Sandbox::with(SandboxOptions {
            rate_limit: None,
            ..SandboxOptions::default()
        })
    }

    /// Exactly the command line's defaults, rate limit included.
    pub fn vonage_defaults() -> Sandbox {
        Sandbox::with(SandboxOptions::default())
    }

    pub fn with(options: SandboxOptions) -> Sandbox {
        Sandbox {
            app: app(SandboxState::new(options)),
        }
    }

    /// Sends `request` as a loopback client would (the socket server tells
    /// the app its peer; the admin API answers loopback peers only).
    pub async fn send(&self, request: Request<Body>) -> Reply {
        self.send_from("127.0.0.1:40000".parse().unwrap(), request)
            .await
    }

    /// Sends `request` as a client at `peer`.
    pub async fn send_from(&self, peer: SocketAddr, mut request: Request<Body>) -> Reply {
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let dropped = response.extensions().get::<ConnectionDrop>().is_some();
        let mut body = response.into_body();
        let mut bytes = Vec::new();
        let mut body_failed = false;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Some(data) = frame.data_ref() {
                        bytes.extend_from_slice(data);
                    }
                }
                Err(_) => {
                    body_failed = true;
                    break;
                }
            }
        }
        let raw = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            raw,
            dropped,
            body_failed,
        }
    }

    /// A JSON (or empty) request with Basic credentials.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        creds: Option<(&str, &str)>,
        body: Option<Value>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        if let Some((k, s)) = creds {
            builder = builder.header(header::AUTHORIZATION, basic(k, s));
        }
        let body = match body {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).unwrap()).await
    }

    pub async fn primary(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call(method, path, Some((KEY, SECRET)), body).await
    }

    pub async fn form(&self, path: &str, creds: Option<(&str, &str)>, form: &str) -> Reply {
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some((k, s)) = creds {
            builder = builder.header(header::AUTHORIZATION, basic(k, s));
        }
        self.send(builder.body(Body::from(form.to_string())).unwrap())
            .await
    }

    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call(method, path, None, body).await
    }

    /// Creates a subaccount; returns (api_key, secret).
    pub async fn subaccount(&self, name: &str, shared: bool) -> (String, String) {
        let reply = self
            .primary(
                Method::POST,
                &format!("/accounts/{KEY}/subaccounts"),
                Some(json!({"name": name, "use_primary_account_balance": shared})),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.raw);
        (
            reply.body["api_key"].as_str().unwrap().to_string(),
            reply.body["secret"].as_str().unwrap().to_string(),
        )
    }
}

pub fn is_seconds_z(text: &str) -> bool {
    text.len() == 20 && text.ends_with('Z') && text.as_bytes()[10] == b'T'
}

pub fn is_millis_z(text: &str) -> bool {
    text.len() == 24 && text.ends_with('Z') && text.as_bytes()[19] == b'.'
}
