//! `taintsim run [SCENARIO] [--out DIR] [--seed N] [--quiet]`

use crate::engine::comparison::run_comparison;
use crate::report;
use crate::scenario::{self, Scenario, ScenarioError};
use clap::Args as ClapArgs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Exit code for bad input (unreadable or invalid scenario).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for other failures (reports could not be written).
pub const EXIT_FAILURE: u8 = 1;

/// Examples shown at the end of `taintsim run --help`.
pub const RUN_EXAMPLES: &str = "\
Examples:
  taintsim run
      Compare the policies of the embedded default scenario; reports go to reports/<name>/.
  taintsim run scenarios/threatmapper.ron --out /tmp/tm
      Run a scenario file and write the reports into /tmp/tm.
  taintsim run my-cluster.ron --seed 7 --quiet
      Same scenario, another seed (changes only the randomized choices), no progress output.

Output:
  stdout  one comparison table per agent, then the paths of the report files
  stderr  progress per run, timing, and errors
  files   report.md, summary.json (schema taintsim.summary/v1), timeseries.csv; identical
          bytes for identical input

Exit status: 0 on success, 2 when the scenario cannot be read or is invalid, 1 when the
reports cannot be written.";

/// Arguments of `taintsim run`.
#[derive(Clone, Debug, Default, ClapArgs)]
#[command(after_help = RUN_EXAMPLES)]
pub struct Args {
    /// Scenario file (RON); the embedded default scenario when omitted.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,

    /// Folder for the report files, created if needed; `reports/<scenario name>/` by default.
    #[arg(
        long,
        short,
        value_name = "DIR",
        help = "Folder for the report files, created if needed [default: reports/<scenario name>/]"
    )]
    pub out: Option<PathBuf>,

    /// Seed of the random number generator, replacing the scenario's own.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// No progress and timing lines on stderr (errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Loads the scenario named by `path`, or the embedded default.
pub fn load(path: Option<&Path>) -> Result<Scenario, ScenarioError> {
    match path {
        Some(p) => scenario::load_file(p),
        None => Ok(scenario::default_scenario()),
    }
}

/// The default report folder for a scenario: `reports/<name>`, with any character other than
/// letters, digits, `.`, `_` and `-` replaced by `_` (and `.`/`..` avoided), so the name can
/// never point outside `reports/`.
pub fn default_out_dir(scenario_name: &str) -> PathBuf {
    let mut safe: String = scenario_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .collect();
    if safe.chars().all(|c| c == '.') {
        safe = format!("scenario{}", safe.replace('.', "_"));
    }
    Path::new("reports").join(safe)
}

/// Writes to stdout; a closed pipe (`taintsim run | head`) is not an error.
fn stdout_write(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs the comparison and writes the reports; returns the process exit code.
pub fn run(args: &Args) -> ExitCode {
    let mut scenario = match load(args.scenario.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if let Some(seed) = args.seed {
        scenario.seed = seed;
    }
    let out_dir = args.out.clone().unwrap_or_else(|| default_out_dir(&scenario.name));

    let started = Instant::now();
    let cmp = run_comparison(&scenario, |n, total, agent, policy| {
        if !args.quiet {
            eprintln!("[{n}/{total}] {agent} × {policy}");
        }
    });
    let elapsed = started.elapsed();

    if let Err(e) = stdout_write(&report::console::render(&scenario, &cmp)) {
        eprintln!("taintsim: cannot write to stdout: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }
    let paths = match report::write_reports(&out_dir, &scenario, &cmp) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut listing = String::from("\nReports written:\n");
    for p in &paths {
        listing.push_str(&format!("  {}\n", p.display()));
    }
    if let Err(e) = stdout_write(&listing) {
        eprintln!("taintsim: cannot write to stdout: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }

    if !args.quiet {
        let events: u64 = cmp.agents.iter().flat_map(|a| &a.runs).map(|r| r.events).sum();
        let runs: usize = cmp.agents.iter().map(|a| a.runs.len()).sum();
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { format!("{:.0}", events as f64 / secs) } else { "n/a".into() };
        eprintln!("{runs} runs, {events} events in {secs:.3} s ({rate} events/s)");
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_folder_stays_inside_reports() {
        assert_eq!(default_out_dir("threatmapper"), Path::new("reports/threatmapper"));
        assert_eq!(default_out_dir("../etc"), Path::new("reports/.._etc"));
        assert_eq!(default_out_dir(".."), Path::new("reports/scenario__"));
        assert_eq!(default_out_dir("a/b c"), Path::new("reports/a_b_c"));
    }
}
