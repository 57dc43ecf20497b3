//! `vonage-sandbox`: see `tfvonage::sandbox::cli` and `--help`.
//!
//! Must not: hold logic; `sandbox::cli` does.

fn main() -> std::process::ExitCode {
    tfvonage::sandbox::cli::main()
}
