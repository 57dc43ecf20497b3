//! The go-plugin handshake: the startup checks and the one line Terraform reads from stdout.
//!
//! Owns the magic-cookie check, the choice of protocol 6 from `PLUGIN_PROTOCOL_VERSIONS`, the
//! handshake line (`1|6|unix|<socket>|grpc|<server cert, base64 without padding>`) and the
//! `TF_REATTACH_PROVIDERS` JSON of debug mode.
//!
//! Must not: print anything itself; the caller owns stdout and prints exactly one line.

use base64::Engine;

/// Terraform's magic cookie: a check that we were started by Terraform, not a security measure.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The only application protocol this provider speaks.
pub const PROTOCOL_VERSION: u32 = 6;

/// The provider's address, as Terraform users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/vonage/vonage";

pub const NOT_A_PROGRAM: &str = "\
                                terraform-provider-vonage is a Terraform provider plugin, not a \
                                program to run by hand. Declare it in a Terraform configuration \
                                (required_providers { vonage = { source = \"vonage/vonage\" } }) \
                                and run `terraform init`; Terraform starts it for you. To attach \
                                a debugger, run it with --debug.";

/// Why the provider refuses to start.
#[derive(Debug, PartialEq, Eq)]
pub enum StartupError {
    NotStartedByTerraform,
    NoProtocol6 { offered: String },
}

impl std::fmt::Display for StartupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartupError::NotStartedByTerraform => f.write_str(NOT_A_PROGRAM),
            StartupError::NoProtocol6 { offered } => write!(
                f,
                "\
                This Terraform offers plugin protocol versions [{offered}], but \
                terraform-provider-vonage speaks only protocol 6, which Terraform 1.0 and later \
                support. Upgrade Terraform (1.11 or later is recommended)."
            ),
        }
    }
}

/// Check the cookie and pick protocol 6. `env` looks a variable up.
pub fn check(env: impl Fn(&str) -> Option<String>) -> Result<u32, StartupError> {
    if env(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(StartupError::NotStartedByTerraform);
    }
    let offered = env("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    if offered.split(',').any(|v| v.trim() == "6") {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(StartupError::NoProtocol6 { offered })
    }
}

/// The handshake line, without its newline. `server_cert_der` is empty when TLS is off.
pub fn line(socket_path: &str, server_cert_der: &[u8]) -> String {
    let cert = base64::engine::general_purpose::STANDARD_NO_PAD.encode(server_cert_der);
    format!("1|{PROTOCOL_VERSION}|unix|{socket_path}|grpc|{cert}")
}

/// The `TF_REATTACH_PROVIDERS` value that attaches Terraform to a provider started with --debug.
pub fn reattach_json(socket_path: &str, pid: u32) -> String {
    serde_json::json!({
        PROVIDER_ADDRESS: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": {"Network": "unix", "String": socket_path},
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn refuses_to_run_without_the_cookie() {
        assert_eq!(check(env(&[])), Err(StartupError::NotStartedByTerraform));
        assert_eq!(
            check(env(&[(MAGIC_COOKIE_KEY, "nope")])),
            Err(StartupError::NotStartedByTerraform)
        );
    }

    #[test]
    fn picks_protocol_6_in_any_order_and_refuses_without_it() {
        let ok = env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "6,5"),
        ]);
        assert_eq!(check(ok), Ok(6));
        let old = env(&[
            (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
        ]);
        let err = check(old).unwrap_err();
        assert!(err.to_string().contains("[4,5]"), "{err}");
    }

    #[test]
    fn handshake_line_uses_unpadded_standard_base64() {
        // 4 bytes would need "==" padding in padded base64.
        assert_eq!(
            line("/tmp/plugin1", &[0xff, 0xfe, 0xfd, 0xfc]),
            "1|6|unix|/tmp/plugin1|grpc|//79/A"
        );
        assert_eq!(line("/tmp/p", &[]), "1|6|unix|/tmp/p|grpc|");
    }

    #[test]
    fn reattach_json_names_the_provider_and_marks_test_mode() {
        let v: serde_json::Value = serde_json::from_str(&reattach_json("/tmp/s", 42)).unwrap();
        let p = &v[PROVIDER_ADDRESS];
        assert_eq!(p["Pid"], 42);
        assert_eq!(p["Test"], true);
        assert_eq!(p["Addr"]["Network"], "unix");
        assert_eq!(p["ProtocolVersion"], 6);
    }
}
