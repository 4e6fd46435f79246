//! `taintsim conformance PATH... [--allow-unsupported] [--failures-only]`

use crate::conformance::{KNOWN_CHECKS, Registry, run as run_vectors};
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Examples, output and exit status shown at the end of `taintsim conformance --help`.
pub const CONFORMANCE_HELP: &str = "\
Examples:
  taintsim conformance ../shared/conformance --allow-unsupported
      Evaluate every vector file of the shared folder; checks taintsim cannot evaluate yet
      are listed as unsupported without failing the run.
  taintsim conformance ../shared/conformance/feasibleNodes.json
      Evaluate one check's file.
  taintsim conformance ../shared/conformance --allow-unsupported --failures-only
      Print only the failing cases, the per-check table and the totals.

Files:
  A vector file is <check>.json: a JSON array of cases, each naming that same check. A case
  whose check differs from its file name, or is not one of the checks of the vector format,
  is an error. Folders are read for their *.json files (not recursively).

Output:
  stdout  one line per case (PASS, FAIL, UNSUPPORTED), an ERROR line per unreadable file, a
          per-check table and the totals line
  stderr  why the run failed when no case failed (nothing found, unsupported cases)

Exit status: 0 when every case passed (unsupported cases accepted with --allow-unsupported);
1 when a case failed or could not be evaluated, a file could not be read, no case was found,
or a case is unsupported without --allow-unsupported; 2 on a bad command line.";

/// Arguments of `taintsim conformance`.
#[derive(Debug, ClapArgs)]
#[command(after_help = CONFORMANCE_HELP)]
pub struct Args {
    /// Vector files (`<check>.json`) or folders holding them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Succeed even when some cases belong to checks taintsim cannot evaluate yet.
    #[arg(long)]
    pub allow_unsupported: bool,

    /// Print only FAIL and ERROR lines, then the per-check table and the totals.
    #[arg(long)]
    pub failures_only: bool,
}

/// Evaluates the vectors and prints one line per case (only failures with
/// `--failures-only`), a per-check table and the totals. Fails when a case fails, a file
/// cannot be read, no case is found, or (without `--allow-unsupported`) a case is
/// unsupported.
pub fn run(args: &Args) -> ExitCode {
    let report = run_vectors(&Registry::with_all_areas(), &args.paths);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(e) = report.write_to(&mut out, args.failures_only).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("taintsim: cannot write the report: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.success(args.allow_unsupported) {
        return ExitCode::SUCCESS;
    }
    let t = report.totals();
    if report.is_empty() {
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "taintsim: no conformance case found in {} (expected <check>.json files holding a JSON \
             array of cases, one of the {} checks of the vector format)",
            paths.join(", "),
            KNOWN_CHECKS.len()
        );
    } else if t.failed == 0 && report.load_errors.is_empty() && t.unsupported > 0 {
        eprintln!("taintsim: {} case(s) unsupported (pass --allow-unsupported to accept)", t.unsupported);
    }
    ExitCode::FAILURE
}
