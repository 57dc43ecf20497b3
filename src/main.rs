//! The provider binary: Terraform starts it; everything it does lives in the library.
//!
//! Must not: hold logic beyond choosing the mode.

use std::process::ExitCode;

use tfvonage::plugin::{self, Mode};
use tfvonage::provider::VonageProvider;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match plugin::mode_from_args(&args) {
        Ok(Mode::Version) => {
            println!("terraform-provider-vonage {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(mode) => plugin::run(VonageProvider, mode),
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}
