//! The go-plugin transport: how Terraform starts us and talks to us.
//!
//! [`run`] is the whole life of a provider process: check the magic cookie and protocol
//! version ([`handshake`]), bind a unix socket in `$TMPDIR`, set up AutoMTLS with the pinned
//! client certificate ([`tls`]), print the handshake line (the only thing we ever print on
//! stdout), serve ([`server`]) until `GRPCController.Shutdown`, then remove the socket.
//! SIGINT is ignored, as go-plugin does: Terraform stops us through `StopProvider` and
//! `Shutdown`, and a Ctrl-C in the terminal must not kill us mid-RPC. Started by Terraform (not
//! in `--debug`), it also watches its parent ([`parent_watch`]) and exits within 2 s when
//! Terraform dies without stopping it.
//!
//! It also moves the process through the phases its log lines outside any RPC name
//! (`logging::Phase`): `startup` until the server listens, then `serving`, then `shutdown` once
//! the server stops (or, earlier, from `GRPCController.Shutdown` or Ctrl-C in `--debug`).
//!
//! Must not: know any resource, or print to stdout anything but the handshake line.

pub mod exit;
pub mod handshake;
pub mod parent_watch;
pub mod server;
pub mod side_services;
pub mod tls;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::framework::provider::Provider;
use crate::logging::{self, Phase};

/// How the process was asked to run.
pub enum Mode {
    /// Started by Terraform (the normal case).
    Managed,
    /// `--debug`: serve plaintext until Ctrl-C and print how to attach Terraform.
    Debug,
    /// `--version`: print the version and exit.
    Version,
}

pub fn mode_from_args(args: &[String]) -> Result<Mode, String> {
    match args {
        [] => Ok(Mode::Managed),
        [flag] if flag == "--debug" || flag == "-debug" => Ok(Mode::Debug),
        [flag] if flag == "--version" || flag == "-version" => Ok(Mode::Version),
        _ => Err(format!(
            "unexpected arguments {args:?}. {}",
            handshake::NOT_A_PROGRAM
        )),
    }
}

/// Run a provider process to completion.
pub fn run<P: Provider>(provider: P, mode: Mode) -> ExitCode {
    if let Mode::Managed | Mode::Version = mode
        && let Err(e) = handshake::check(|k| std::env::var(k).ok())
    {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terraform-provider-vonage: could not start its runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let served = runtime.block_on(serve_until_shutdown(provider, mode));
    // Work still running (an RPC Terraform will never read, if it died) is dropped, not awaited.
    runtime.shutdown_timeout(Duration::from_millis(100));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            logging::error("provider stopped with an error", &[("error", &e)]);
            eprintln!("terraform-provider-vonage: {e}");
            ExitCode::from(1)
        }
    }
}

async fn serve_until_shutdown<P: Provider>(provider: P, mode: Mode) -> Result<(), String> {
    let dir = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let socket = server::PluginSocket::bind_in(&dir).map_err(|e| {
        format!(
            "could not create the plugin socket in {}: {e}",
            dir.display()
        )
    })?;
    let path = socket.path.to_string_lossy().into_owned();
    let shutdown = CancellationToken::new();
    let orphaned = match mode {
        Mode::Debug => CancellationToken::new(),
        Mode::Managed | Mode::Version => parent_watch::watch(socket.path.clone()),
    };

    let (tls, cert_der) = match (
        &mode,
        std::env::var("PLUGIN_CLIENT_CERT")
            .ok()
            .filter(|c| !c.is_empty()),
    ) {
        (Mode::Managed, Some(client_pem)) => {
            let identity = tls::generate_server_identity().map_err(|e| e.to_string())?;
            let config = tls::server_config(&identity, &client_pem).map_err(|e| e.to_string())?;
            (Some(config), identity.cert_der.to_vec())
        }
        // Terraform disabled plugin TLS (TF_DISABLE_PLUGIN_TLS), or debug mode: plaintext.
        _ => (None, Vec::new()),
    };

    match mode {
        Mode::Managed | Mode::Version => {
            // SIGINT belongs to Terraform; swallow it like go-plugin does. The handler is
            // installed now, before the handshake, so no interrupt can slip in unhandled.
            let mut interrupts =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                    .map_err(|e| format!("could not take over SIGINT: {e}"))?;
            tokio::spawn(async move {
                while interrupts.recv().await.is_some() {
                    logging::debug("ignoring SIGINT; Terraform will stop the provider", &[]);
                }
            });
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}", handshake::line(&path, &cert_der))
                .and_then(|_| out.flush())
                .map_err(|e| format!("could not write the handshake: {e}"))?;
        }
        Mode::Debug => {
            let stop = shutdown.clone();
            let mut interrupts =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                    .map_err(|e| format!("could not take over SIGINT: {e}"))?;
            tokio::spawn(async move {
                interrupts.recv().await;
                logging::enter_phase(Phase::Shutdown);
                stop.cancel();
            });
            println!(
                "\
                Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS \
                environment variable with the following:\n\n\tTF_REATTACH_PROVIDERS='{}'\n",
                handshake::reattach_json(&path, std::process::id())
            );
        }
    }
    logging::debug(
        "plugin server listening",
        &[
            ("socket", &path),
            ("tls", if tls.is_some() { "mutual" } else { "off" }),
        ],
    );
    logging::enter_phase(Phase::Serving);
    let served = server::serve(socket, tls, provider, shutdown, orphaned).await;
    logging::enter_phase(Phase::Shutdown);
    served.map_err(|e| format!("the plugin server failed: {e}"))
}
