//! The command line: `taintsim run`, `taintsim conformance`.

use clap::{Parser, Subcommand};
use std::process::ExitCode;

pub mod conformance;
pub mod run;

/// Examples shown at the end of `taintsim --help`.
const EXAMPLES: &str = "\
Examples:
  taintsim
      Same as `taintsim run`: compare the policies of the embedded default scenario and write
      the reports to reports/<scenario name>/.
  taintsim run my-cluster.ron --out reports/my-cluster --seed 7
      Run a scenario file with another seed.
  taintsim conformance vectors/
      Evaluate the conformance vector files in vectors/ against the simulator's rules.

See `taintsim <command> --help` for each command's options.";

/// Compare Kubernetes toleration policies for agent pods by simulation.
#[derive(Debug, Parser)]
#[command(
    name = "taintsim",
    version,
    about,
    long_about = None,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; `run` when omitted (the options below are then `run`'s).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Options of `run`, accepted without the word `run`.
    #[command(flatten)]
    pub run: run::Args,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate every toleration policy for every agent and write the reports.
    Run(run::Args),
    /// Evaluate conformance vector files against the simulator's rules.
    Conformance(conformance::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Conformance(args)) => conformance::run(&args),
        None => run::run(&cli.run),
    }
}
