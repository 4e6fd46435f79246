//! The command line: `taintsim run`, `taintsim conformance`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod conformance;

/// Compare Kubernetes toleration policies for agent pods by simulation.
#[derive(Debug, Parser)]
#[command(name = "taintsim", version, about, long_about = None)]
pub struct Cli {
    /// What to do; `run` on the embedded default scenario when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate conformance vector files against the simulator's rules.
    Conformance(conformance::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Conformance(args)) => conformance::run(&args),
        None => {
            eprintln!("taintsim: the run command is not available yet");
            ExitCode::FAILURE
        }
    }
}
