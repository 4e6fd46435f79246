//! Reports: `report.md`, `summary.json`, `timeseries.csv` and the console table.
//!
//! Every renderer is a pure function of the scenario and the comparison: no clock, no hash
//! order, fixed number formats. Running the same scenario twice therefore gives byte-identical
//! files. [`write_reports`] renders everything in memory before touching the disk, and moves
//! each file into place only once all of them are written, so a failure never leaves a
//! half-written report behind.

use crate::measures::Comparison;
use crate::scenario::Scenario;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

pub mod console;
pub mod csv;
pub mod json;
pub mod markdown;
pub mod table;

#[cfg(test)]
mod fixture;

/// File name of the Markdown report.
pub const REPORT_MD: &str = "report.md";
/// File name of the JSON summary.
pub const SUMMARY_JSON: &str = "summary.json";
/// File name of the CSV time series.
pub const TIMESERIES_CSV: &str = "timeseries.csv";

/// A rendered report file, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    /// File name inside the report folder.
    pub name: &'static str,
    /// Full contents.
    pub contents: String,
}

/// Why the reports could not be written. Each message names the path concerned.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The report folder could not be created.
    #[error("{}: cannot create the report folder: {source}", path.display())]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A temporary file could not be written.
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        /// The temporary file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A finished temporary file could not be renamed into place.
    #[error("{}: cannot move the new report into place: {source}", path.display())]
    Rename {
        /// The final path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// Renders the three report files in memory, in the order they are written.
pub fn render_all(scenario: &Scenario, cmp: &Comparison) -> Vec<ReportFile> {
    vec![
        ReportFile { name: REPORT_MD, contents: markdown::render(scenario, cmp) },
        ReportFile { name: SUMMARY_JSON, contents: json::render(scenario, cmp) },
        ReportFile { name: TIMESERIES_CSV, contents: csv::render(scenario, cmp) },
    ]
}

/// Renders every report and writes it into `dir` (created if needed). Returns the paths
/// written, in the order of [`render_all`].
///
/// Each file is first written to a hidden temporary name in `dir`; only when all of them are
/// complete are they renamed into place. On failure the temporary files are removed and any
/// earlier reports in `dir` stay as they were (up to files already renamed when a later rename
/// fails).
pub fn write_reports(dir: &Path, scenario: &Scenario, cmp: &Comparison) -> Result<Vec<PathBuf>, ReportError> {
    write_files(dir, &render_all(scenario, cmp))
}

/// Writes already rendered files into `dir` as [`write_reports`] does.
pub fn write_files(dir: &Path, files: &[ReportFile]) -> Result<Vec<PathBuf>, ReportError> {
    fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir { path: dir.to_path_buf(), source })?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in temps {
            let _ = fs::remove_file(tmp);
        }
    };
    for file in files {
        let tmp = dir.join(format!(".{}.{}.tmp", file.name, std::process::id()));
        let target = dir.join(file.name);
        if let Err(source) = write_synced(&tmp, file.contents.as_bytes()) {
            let _ = fs::remove_file(&tmp);
            cleanup(&temps);
            return Err(ReportError::Write { path: tmp, source });
        }
        temps.push((tmp, target));
    }
    let mut written = Vec::new();
    for (i, (tmp, target)) in temps.iter().enumerate() {
        if let Err(source) = fs::rename(tmp, target) {
            cleanup(&temps[i..]);
            return Err(ReportError::Rename { path: target.clone(), source });
        }
        written.push(target.clone());
    }
    Ok(written)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_all_files_and_leaves_no_temporaries() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nested").join("out");
        let paths = write_reports(&dir, &fixture::scenario(), &fixture::comparison()).unwrap();
        let names: Vec<_> =
            paths.iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_string()).collect();
        assert_eq!(names, [REPORT_MD, SUMMARY_JSON, TIMESERIES_CSV]);
        let mut listing: Vec<_> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        listing.sort();
        assert_eq!(listing, ["report.md", "summary.json", "timeseries.csv"]);
        let json = fs::read_to_string(dir.join(SUMMARY_JSON)).unwrap();
        assert_eq!(json, json::render(&fixture::scenario(), &fixture::comparison()));
    }

    #[test]
    fn a_folder_that_is_a_file_is_an_error_naming_it() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("taken");
        fs::write(&file, "x").unwrap();
        let err = write_reports(&file, &fixture::scenario(), &fixture::comparison()).unwrap_err();
        assert!(matches!(err, ReportError::CreateDir { .. }));
        assert!(err.to_string().contains("taken"), "{err}");
    }

    #[test]
    fn a_failed_rename_keeps_no_temporaries() {
        let tmp = tempfile::tempdir().unwrap();
        // A folder where a report file should go makes the rename fail.
        fs::create_dir(tmp.path().join(SUMMARY_JSON)).unwrap();
        fs::write(tmp.path().join(SUMMARY_JSON).join("keep"), "x").unwrap();
        let err = write_reports(tmp.path(), &fixture::scenario(), &fixture::comparison()).unwrap_err();
        assert!(matches!(err, ReportError::Rename { .. }), "{err}");
        assert!(err.to_string().contains(SUMMARY_JSON));
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
