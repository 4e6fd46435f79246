//! The command line: `taintsim run`, `taintsim conformance`, `taintsim chart`.

use clap::{Parser, Subcommand};
use std::path::Path;
use std::process::ExitCode;

pub mod chart;
pub mod conformance;
pub mod import;
pub mod progress;
pub mod run;

/// Examples shown at the end of `taintsim --help`.
const EXAMPLES: &str = "\
Examples:
  taintsim
      Same as `taintsim run`: compare the policies of the embedded default scenario and write
      the reports to reports/<scenario name>/.
  taintsim run my-cluster.ron --out reports/my-cluster --seed 7
      Run a scenario file with another seed.
  taintsim run --nodes nodes.yaml --out reports/my-nodes
      The default agents, policies and timeline on the nodes of `kubectl get nodes -o yaml`.
  taintsim import --nodes nodes.yaml --pods pods.yaml --agents agents.yaml -o my-cluster.ron
      Write a scenario file from kubectl and helm template output.
  taintsim conformance ../shared/conformance --allow-unsupported
      Evaluate the shared conformance vectors against the simulator's rules.
  taintsim chart reports/threatmapper
      Draw the charts and index.html of an earlier run again from its saved files.

Options go after the command: `taintsim run --seed 3`, not `taintsim --seed 3 run`.
See `taintsim <command> --help` for each command's options.

Exit status: 0 on success; 2 on bad input (a scenario file that is missing, unreadable or
invalid, or a bad command line); 1 on other failures (reports not written, conformance
failures).";

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
    /// Turn Kubernetes objects (nodes, pods, budgets, a rendered agent manifest) into a
    /// scenario file.
    Import(import::Args),
    /// Draw the charts and index.html again from a report folder, without simulating.
    Chart(chart::Args),
}

/// Command names that can be mistaken for a scenario path when options come first.
const COMMANDS: [&str; 4] = ["run", "conformance", "import", "chart"];

/// Options of `run` that take a value in the next argument.
const VALUE_OPTIONS: [&str; 10] =
    ["--out", "-o", "--seed", "--nodes", "--pods", "--pdbs", "--agents", "--policy", "--timeline", "--name"];

/// When `args` (without the program name) put options before a command word, as in
/// `taintsim --seed 3 run --quiet`, the message saying that options go after the command,
/// with the command line reordered. `None` when the word is not preceded by options, when a
/// file of that name exists (then it is a scenario), or for `--help` and `--version`.
pub fn misplaced_command(args: &[String]) -> Option<String> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if a == "--" {
            return None;
        }
        if matches!(a, "-h" | "--help" | "-V" | "--version") {
            return None;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += if VALUE_OPTIONS.contains(&a) { 2 } else { 1 };
            continue;
        }
        break;
    }
    let word = args.get(i)?.as_str();
    if i == 0 || !COMMANDS.contains(&word) || Path::new(word).symlink_metadata().is_ok() {
        return None;
    }
    let reordered: Vec<String> = std::iter::once(word.to_string())
        .chain(args.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, a)| shell_word(a)))
        .collect();
    Some(format!(
        "`{word}` is a command, not a scenario file (there is no file named {word:?} here): options \
         go after the command, as in `taintsim {}`",
        reordered.join(" ")
    ))
}

/// `word` as a shell would need it: as is when it holds only safe characters, otherwise in
/// single quotes.
fn shell_word(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '=' | ':' | ','));
    if safe { word.to_string() } else { format!("'{}'", word.replace('\'', "'\\''")) }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    if let Some(message) = misplaced_command(&args) {
        eprintln!("taintsim: {message}");
        return ExitCode::from(run::EXIT_BAD_INPUT);
    }
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::Conformance(args)) => conformance::run(&args),
        Some(Command::Import(args)) => import::run(&args),
        Some(Command::Chart(args)) => chart::run(&args),
        None => run::run(&cli.run),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn options_before_a_command_word_are_pointed_out() {
        let msg = misplaced_command(&args("--seed 3 run --quiet")).unwrap();
        assert!(msg.contains("options go after the command"), "{msg}");
        assert!(msg.ends_with("`taintsim run --seed 3 --quiet`"), "{msg}");
        let msg = misplaced_command(&args("--allow-unsupported conformance vectors")).unwrap();
        assert!(msg.ends_with("`taintsim conformance --allow-unsupported vectors`"), "{msg}");
        let spaced: Vec<String> = ["-q", "--out", "my dir", "run"].map(String::from).to_vec();
        let msg = misplaced_command(&spaced).unwrap();
        assert!(msg.ends_with("`taintsim run -q --out 'my dir'`"), "{msg}");
    }

    #[test]
    fn ordinary_command_lines_pass() {
        for line in
            ["", "run --seed 3", "--seed 3", "--seed 3 my.ron", "conformance x", "--help run", "--out run"]
        {
            assert_eq!(misplaced_command(&args(line)), None, "{line}");
        }
    }
}
