//! End-to-end tests of `taintsim run` through the built binary.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const REPORTS: [&str; 3] = ["report.md", "summary.json", "timeseries.csv"];

fn taintsim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taintsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the taintsim binary starts")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn default_scenario_reports_are_byte_identical_between_runs() {
    let tmp = tempfile::tempdir().unwrap();
    for out in ["first", "second"] {
        let o = taintsim(tmp.path(), &["run", "--out", out]);
        assert!(o.status.success(), "run into {out} failed: {}", text(&o.stderr));
        let stdout = text(&o.stdout);
        assert!(stdout.contains("policy"), "console table expected on stdout:\n{stdout}");
        for name in REPORTS {
            assert!(stdout.contains(name), "written path of {name} expected on stdout:\n{stdout}");
        }
        // Wall-clock figures go to stderr only.
        assert!(!stdout.contains("events/s"), "{stdout}");
        assert!(text(&o.stderr).contains("events/s"), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains("[1/"), "progress lines expected on stderr");
    }
    for name in REPORTS {
        let a = fs::read(tmp.path().join("first").join(name)).unwrap();
        let b = fs::read(tmp.path().join("second").join(name)).unwrap();
        assert!(!a.is_empty(), "{name} is empty");
        assert!(a == b, "{name} differs between two runs");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("first/summary.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], "taintsim.summary/v1");
    let csv = fs::read_to_string(tmp.path().join("first/timeseries.csv")).unwrap();
    assert!(csv.starts_with(
        "agent,policy,time_s,nodes_usable,nodes_with_business_pods,nodes_uncovered,agent_running,agent_pending,agent_stranded\n"
    ));
}

#[test]
fn no_command_runs_the_default_scenario_into_reports_name() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let entries: Vec<_> =
        fs::read_dir(tmp.path().join("reports")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "one scenario folder under reports/: {entries:?}");
    for name in REPORTS {
        assert!(entries[0].join(name).is_file(), "{name} missing in {}", entries[0].display());
    }
}

#[test]
fn another_seed_still_succeeds_and_is_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["run", "--seed", "12345", "--quiet", "--out", "seeded"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).is_empty(), "--quiet leaves stderr empty: {}", text(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("seeded/summary.json")).unwrap()).unwrap();
    assert_eq!(json["scenario"]["seed"], 12345);
}

#[test]
fn a_missing_scenario_file_fails_naming_it_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["run", "no-such-scenario.ron", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "bad input exits with 2");
    let stderr = text(&o.stderr);
    assert!(stderr.starts_with("taintsim: "), "{stderr}");
    assert!(stderr.contains("no-such-scenario.ron"), "{stderr}");
    assert!(!tmp.path().join("out").exists(), "no output folder for a failed load");
    assert!(!tmp.path().join("reports").exists());
}

#[test]
fn an_invalid_scenario_file_exits_with_2() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("broken.ron"), "Scenario(name: \"x\", horizon: )").unwrap();
    let o = taintsim(tmp.path(), &["run", "broken.ron", "--out", "out"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("broken.ron"), "{}", text(&o.stderr));
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn an_unwritable_report_folder_exits_with_1() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("taken"), "a file, not a folder").unwrap();
    let o = taintsim(tmp.path(), &["run", "--quiet", "--out", "taken"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("taken"), "{}", text(&o.stderr));
}

#[test]
fn help_mentions_both_commands() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    assert!(help.contains("run"), "{help}");
    assert!(help.contains("conformance"), "{help}");
    let o = taintsim(tmp.path(), &["run", "--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    for word in ["--out", "--seed", "--quiet", "Examples"] {
        assert!(help.contains(word), "run --help lacks {word}:\n{help}");
    }
}
