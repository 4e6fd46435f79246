//! Runs the shared conformance vectors through the evaluator library and the binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use taintsim::conformance::{KNOWN_CHECKS, Outcome, Registry, run};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/conformance");

/// The vector folder. The shared material lies beside the repository (as in CI); its absence
/// fails the test rather than letting it pass unchecked.
fn vectors() -> Option<PathBuf> {
    let dir = Path::new(VECTORS);
    assert!(
        dir.is_dir(),
        "no conformance vectors at {VECTORS}: the shared folder must lie beside the repository"
    );
    Some(dir.to_path_buf())
}

#[test]
fn every_case_of_every_evaluated_check_passes() {
    let Some(dir) = vectors() else { return };
    let registry = Registry::with_all_areas();
    let report = run(&registry, &[dir]);
    assert!(report.load_errors.is_empty(), "unreadable vector files: {:?}", report.load_errors);
    let failures: Vec<String> = report
        .results
        .iter()
        .filter_map(|r| match &r.outcome {
            Outcome::Fail { expected, got } => {
                Some(format!("{} ({}): expected {expected}, got {got}", r.id, r.check))
            }
            Outcome::Error(e) => Some(format!("{} ({}): {e}", r.id, r.check)),
            Outcome::Pass | Outcome::Unsupported => None,
        })
        .collect();
    assert!(failures.is_empty(), "{} failing case(s):\n{}", failures.len(), failures.join("\n"));
    let per_check = report.per_check();
    for name in registry.names() {
        if let Some(t) = per_check.get(name) {
            assert_eq!(t.unsupported, 0, "{name} is registered but reported unsupported");
        }
    }
    // Every check of the vector format is evaluated, and each has passing cases.
    for name in KNOWN_CHECKS {
        assert!(
            per_check.get(name).is_some_and(|t| t.passed > 0 && t.unsupported == 0),
            "no passing case for {name}"
        );
    }
}

#[test]
fn the_binary_accepts_unsupported_checks_only_when_asked() {
    let Some(dir) = vectors() else { return };
    let unsupported = run(&Registry::with_all_areas(), std::slice::from_ref(&dir)).totals().unsupported;
    let taintsim = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_taintsim"))
            .arg("conformance")
            .args(extra)
            .arg(&dir)
            .output()
            .expect("the taintsim binary runs")
    };

    let lenient = taintsim(&["--allow-unsupported"]);
    let stdout = String::from_utf8_lossy(&lenient.stdout);
    assert!(lenient.status.success(), "--allow-unsupported failed:\n{stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    let words: Vec<&str> = last.split_whitespace().collect();
    assert!(
        matches!(words.as_slice(), [_, "passed,", "0", "failed,", _, "unsupported"]),
        "unexpected summary line {last:?}"
    );

    let strict = taintsim(&[]);
    assert_eq!(
        strict.status.success(),
        unsupported == 0,
        "strict run with {unsupported} unsupported case(s)"
    );
}
