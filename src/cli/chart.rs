//! `taintsim chart [DIR]`: draws the charts and `index.html` again from saved reports.

use crate::report::charts::{self, ReportData};
use crate::report::{DRAINS_CSV, SUMMARY_JSON, TIMESERIES_CSV, write_files};
use clap::Args as ClapArgs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::run::{EXIT_BAD_INPUT, EXIT_FAILURE};

/// Examples and notes shown at the end of `taintsim chart --help`.
const CHART_EXAMPLES: &str = "\
Examples:
  taintsim chart reports/threatmapper
      Draw the charts and index.html of an earlier run again, without simulating.

Input:   summary.json and timeseries.csv (required), drains.csv (used when present; otherwise
         the drains listed in summary.json)
Output:  chart-coverage, chart-blind-spots, chart-drains, chart-contention (.svg and .png) and
         index.html, written into DIR all together or not at all

Exit status: 0 on success; 2 when an input file is missing or malformed (the message names
the file, line and field); 1 when the files cannot be written.";

/// Arguments of `taintsim chart`.
#[derive(Clone, Debug, Default, ClapArgs)]
#[command(after_help = CHART_EXAMPLES)]
pub struct Args {
    /// Report folder holding summary.json and timeseries.csv (the current folder by default).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// No listing of the files written.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Why the saved reports could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// A file could not be read.
    Read(PathBuf, io::Error),
    /// A file's contents are malformed.
    Input(charts::InputError),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Read(path, e) if e.kind() == io::ErrorKind::NotFound => {
                write!(f, "{}: not found (is this a taintsim report folder?)", path.display())
            }
            LoadError::Read(path, e) => write!(f, "{}: cannot read: {e}", path.display()),
            LoadError::Input(e) => write!(f, "{e}"),
        }
    }
}

fn read(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Read(path.to_path_buf(), e))?;
    String::from_utf8(bytes).map_err(|e| {
        LoadError::Read(
            path.to_path_buf(),
            io::Error::new(io::ErrorKind::InvalidData, format!("not UTF-8 text: {e}")),
        )
    })
}

/// Reads the report files of `dir`.
pub fn load(dir: &Path) -> Result<ReportData, LoadError> {
    let summary_path = dir.join(SUMMARY_JSON);
    let series_path = dir.join(TIMESERIES_CSV);
    let drains_path = dir.join(DRAINS_CSV);
    let summary = read(&summary_path)?;
    let series = read(&series_path)?;
    let drains = if drains_path.exists() { Some(read(&drains_path)?) } else { None };
    let names = [summary_path, series_path, drains_path].map(|p| p.display().to_string());
    ReportData::parse([&names[0], &names[1], &names[2]], &summary, &series, drains.as_deref())
        .map_err(LoadError::Input)
}

/// Runs `taintsim chart`; returns the process exit code.
pub fn run(args: &Args) -> ExitCode {
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let data = match load(&dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    let files = match charts::render_files(&data) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let paths = match write_files(&dir, &files) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    if !args.quiet {
        let mut listing = String::from("Charts written:\n");
        for p in &paths {
            listing.push_str(&format!("  {}\n", p.display()));
        }
        let mut out = io::stdout().lock();
        let _ = out.write_all(listing.as_bytes()).and_then(|()| out.flush());
    }
    ExitCode::SUCCESS
}
