//! `taintsim conformance PATH...`

use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `taintsim conformance`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Vector files (`<check>.json`) or folders holding them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

/// Evaluates the vectors and prints the results.
pub fn run(_args: &Args) -> ExitCode {
    eprintln!("taintsim: conformance evaluation is not available yet");
    ExitCode::FAILURE
}
