//! Reports: `report.md`, `summary.json`, `timeseries.csv`, `drains.csv`, the charts
//! (`chart-*.svg`, `chart-*.png`), `index.html` and the console table.
//!
//! Every renderer is a pure function of the scenario and the comparison: no clock, no hash
//! order, fixed number formats. Running the same scenario twice therefore gives byte-identical
//! files. [`write_reports`] renders everything in memory before touching the disk and replaces
//! the files all or nothing: a failure leaves the earlier reports exactly as they were.

use crate::measures::Comparison;
use crate::scenario::Scenario;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

pub mod charts;
pub mod console;
pub mod csv;
pub mod html;
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
/// File name of the CSV list of drains.
pub const DRAINS_CSV: &str = "drains.csv";

/// A rendered report file, not yet written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFile {
    /// File name inside the report folder.
    pub name: &'static str,
    /// Full contents.
    pub contents: Vec<u8>,
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
    /// An existing report could not be moved aside to make room for the new one. Every report
    /// already replaced has been restored.
    #[error("{}: cannot move the old report aside (no report was replaced): {source}", path.display())]
    Backup {
        /// The existing report.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A folder stands where a report file should go. Every report already replaced has been
    /// restored.
    #[error("{}: is a folder, not a report file (no report was replaced)", path.display())]
    FolderInTheWay {
        /// The final path.
        path: PathBuf,
    },
    /// A chart or the HTML page could not be drawn.
    #[error(transparent)]
    Chart(#[from] charts::ChartError),
    /// A finished temporary file could not be renamed into place. Every report already
    /// replaced has been restored.
    #[error("{}: cannot move the new report into place (no report was replaced): {source}", path.display())]
    Rename {
        /// The final path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// Renders the four report files in memory, in the order they are written.
pub fn render_all(scenario: &Scenario, cmp: &Comparison) -> Vec<ReportFile> {
    vec![
        ReportFile { name: REPORT_MD, contents: markdown::render(scenario, cmp).into_bytes() },
        ReportFile { name: SUMMARY_JSON, contents: json::render(scenario, cmp).into_bytes() },
        ReportFile { name: TIMESERIES_CSV, contents: csv::render(scenario, cmp).into_bytes() },
        ReportFile { name: DRAINS_CSV, contents: csv::render_drains(scenario, cmp).into_bytes() },
    ]
}

/// Renders every report, then the charts and `index.html` from the rendered summary, time
/// series and drains (as `taintsim chart` does from the saved files), and writes them all into
/// `dir` (created if needed). Returns the paths written: those of [`render_all`], then the
/// charts and the page.
///
/// All or nothing: see [`write_files`].
pub fn write_reports(dir: &Path, scenario: &Scenario, cmp: &Comparison) -> Result<Vec<PathBuf>, ReportError> {
    let mut files = render_all(scenario, cmp);
    files.extend(charts::render_files(&charts::data::from_rendered(&files)?)?);
    write_files(dir, &files)
}

/// One report being replaced: where it goes, where the new contents wait, and where the old
/// file was moved (if there was one).
struct Swap {
    target: PathBuf,
    temp: PathBuf,
    backup: PathBuf,
    had_old: bool,
    installed: bool,
}

/// Writes already rendered files into `dir`, all or nothing.
///
/// 1. Every file is written to a hidden temporary name in `dir` (`.<name>.<pid>.tmp`) and
///    synced.
/// 2. For each file in turn, an existing report is moved aside to `.<name>.<pid>.old`, then
///    the new one is renamed into place.
/// 3. When every file is in place, the moved-aside reports are removed.
///
/// If any step fails, every report already replaced is put back from its backup, new files
/// that had no predecessor are removed, and the temporary files are deleted, so `dir` holds
/// the old reports exactly as before (as far as the file system lets the restoring renames
/// succeed). A folder standing where a report should go is an error, never moved.
pub fn write_files(dir: &Path, files: &[ReportFile]) -> Result<Vec<PathBuf>, ReportError> {
    fs::create_dir_all(dir).map_err(|source| ReportError::CreateDir { path: dir.to_path_buf(), source })?;
    let pid = std::process::id();
    let mut swaps: Vec<Swap> = files
        .iter()
        .map(|f| Swap {
            target: dir.join(f.name),
            temp: dir.join(format!(".{}.{pid}.tmp", f.name)),
            backup: dir.join(format!(".{}.{pid}.old", f.name)),
            had_old: false,
            installed: false,
        })
        .collect();
    for (i, file) in files.iter().enumerate() {
        if let Err(source) = write_synced(&swaps[i].temp, &file.contents) {
            let path = swaps[i].temp.clone();
            roll_back(&swaps[..=i]);
            return Err(ReportError::Write { path, source });
        }
    }
    for i in 0..swaps.len() {
        if let Err(e) = install(&mut swaps[i]) {
            roll_back(&swaps);
            return Err(e);
        }
    }
    for swap in &swaps {
        if swap.had_old {
            let _ = fs::remove_file(&swap.backup);
        }
    }
    Ok(swaps.into_iter().map(|s| s.target).collect())
}

/// Moves the old report aside (if any) and the new one into place.
fn install(swap: &mut Swap) -> Result<(), ReportError> {
    match fs::symlink_metadata(&swap.target) {
        Ok(meta) if meta.is_dir() => {
            return Err(ReportError::FolderInTheWay { path: swap.target.clone() });
        }
        Ok(_) => {
            fs::rename(&swap.target, &swap.backup)
                .map_err(|source| ReportError::Backup { path: swap.target.clone(), source })?;
            swap.had_old = true;
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(source) => return Err(ReportError::Backup { path: swap.target.clone(), source }),
    }
    fs::rename(&swap.temp, &swap.target)
        .map_err(|source| ReportError::Rename { path: swap.target.clone(), source })?;
    swap.installed = true;
    Ok(())
}

/// Undoes [`install`] for every swap, last first, and removes the temporary files.
fn roll_back(swaps: &[Swap]) {
    for swap in swaps.iter().rev() {
        if swap.installed {
            let _ = fs::remove_file(&swap.target);
        }
        if swap.had_old {
            let _ = fs::rename(&swap.backup, &swap.target);
        }
        let _ = fs::remove_file(&swap.temp);
    }
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
        let mut expected = vec![REPORT_MD, SUMMARY_JSON, TIMESERIES_CSV, DRAINS_CSV];
        expected.extend(charts::CHART_FILES);
        expected.push(html::INDEX_HTML);
        assert_eq!(names, expected);
        let mut listing: Vec<_> =
            fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        listing.sort();
        expected.sort();
        assert_eq!(listing, expected, "no temporary or backup file is left");
        let json = fs::read_to_string(dir.join(SUMMARY_JSON)).unwrap();
        assert_eq!(json, json::render(&fixture::scenario(), &fixture::comparison()));
        let drains = fs::read_to_string(dir.join(DRAINS_CSV)).unwrap();
        assert_eq!(drains, csv::render_drains(&fixture::scenario(), &fixture::comparison()));
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

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        names
    }

    fn file(name: &'static str, contents: &str) -> ReportFile {
        ReportFile { name, contents: contents.into() }
    }

    #[test]
    fn a_folder_in_place_of_the_second_file_restores_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join(REPORT_MD), "old report").unwrap();
        fs::write(dir.join(TIMESERIES_CSV), "old series").unwrap();
        fs::create_dir(dir.join(SUMMARY_JSON)).unwrap();
        fs::write(dir.join(SUMMARY_JSON).join("keep"), "x").unwrap();
        let err = write_reports(dir, &fixture::scenario(), &fixture::comparison()).unwrap_err();
        assert!(matches!(err, ReportError::FolderInTheWay { .. }), "{err}");
        assert!(err.to_string().contains(SUMMARY_JSON), "{err}");
        assert!(err.to_string().contains("no report was replaced"), "{err}");
        assert_eq!(fs::read_to_string(dir.join(REPORT_MD)).unwrap(), "old report");
        assert_eq!(fs::read_to_string(dir.join(TIMESERIES_CSV)).unwrap(), "old series");
        assert_eq!(fs::read_to_string(dir.join(SUMMARY_JSON).join("keep")).unwrap(), "x");
        // No temporary or backup file is left behind.
        assert_eq!(listing(dir), [REPORT_MD, SUMMARY_JSON, TIMESERIES_CSV]);
    }

    #[test]
    fn a_folder_in_place_of_the_third_file_restores_the_first_two_and_removes_new_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // report.md existed before, summary.json did not.
        fs::write(dir.join(REPORT_MD), "old report").unwrap();
        fs::create_dir(dir.join(TIMESERIES_CSV)).unwrap();
        let err = write_reports(dir, &fixture::scenario(), &fixture::comparison()).unwrap_err();
        assert!(matches!(err, ReportError::FolderInTheWay { .. }), "{err}");
        assert_eq!(fs::read_to_string(dir.join(REPORT_MD)).unwrap(), "old report");
        assert!(!dir.join(SUMMARY_JSON).exists(), "a new file without predecessor is removed");
        assert!(dir.join(TIMESERIES_CSV).is_dir());
        assert_eq!(listing(dir), [REPORT_MD, TIMESERIES_CSV]);
    }

    #[test]
    fn a_successful_write_replaces_every_file_and_removes_the_backups() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        for name in [REPORT_MD, SUMMARY_JSON, TIMESERIES_CSV] {
            fs::write(dir.join(name), "old").unwrap();
        }
        let files =
            [file(REPORT_MD, "new md"), file(SUMMARY_JSON, "new json"), file(TIMESERIES_CSV, "new csv")];
        write_files(dir, &files).unwrap();
        assert_eq!(fs::read_to_string(dir.join(REPORT_MD)).unwrap(), "new md");
        assert_eq!(fs::read_to_string(dir.join(SUMMARY_JSON)).unwrap(), "new json");
        assert_eq!(fs::read_to_string(dir.join(TIMESERIES_CSV)).unwrap(), "new csv");
        assert_eq!(listing(dir), [REPORT_MD, SUMMARY_JSON, TIMESERIES_CSV]);
    }

    #[test]
    fn a_failed_temporary_write_touches_no_report() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::write(dir.join(REPORT_MD), "old report").unwrap();
        // A folder under the second temporary name makes its write fail.
        let blocker = format!(".{SUMMARY_JSON}.{}.tmp", std::process::id());
        fs::create_dir(dir.join(&blocker)).unwrap();
        let files =
            [file(REPORT_MD, "new md"), file(SUMMARY_JSON, "new json"), file(TIMESERIES_CSV, "new csv")];
        let err = write_files(dir, &files).unwrap_err();
        assert!(matches!(err, ReportError::Write { .. }), "{err}");
        assert_eq!(fs::read_to_string(dir.join(REPORT_MD)).unwrap(), "old report");
        let mut expected = vec![blocker, REPORT_MD.to_string()];
        expected.sort();
        assert_eq!(listing(dir), expected);
    }
}
