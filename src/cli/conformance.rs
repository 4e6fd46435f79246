//! `taintsim conformance PATH...`

use crate::conformance::{Registry, run as run_vectors};
use clap::Args as ClapArgs;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `taintsim conformance`.
#[derive(Debug, ClapArgs)]
pub struct Args {
    /// Vector files (`<check>.json`) or folders holding them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Succeed even when some cases belong to checks taintsim cannot evaluate yet.
    #[arg(long)]
    pub allow_unsupported: bool,
}

/// Evaluates the vectors and prints one line per case, a per-check table and the totals.
/// Fails when a case fails, a file cannot be read, or (without `--allow-unsupported`) a case is
/// unsupported.
pub fn run(args: &Args) -> ExitCode {
    let report = run_vectors(&Registry::with_all_areas(), &args.paths);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(e) = report.write_to(&mut out).and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("taintsim: cannot write the report: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.success(args.allow_unsupported) {
        ExitCode::SUCCESS
    } else {
        let t = report.totals();
        if t.failed == 0 && report.load_errors.is_empty() && t.unsupported > 0 {
            eprintln!("taintsim: {} case(s) unsupported (pass --allow-unsupported to accept)", t.unsupported);
        }
        ExitCode::FAILURE
    }
}
