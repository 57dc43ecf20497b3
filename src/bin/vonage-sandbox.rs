//! `vonage-sandbox`: see `tfvonage::sandbox::cli` and `--help`.

fn main() -> std::process::ExitCode {
    tfvonage::sandbox::cli::main()
}
