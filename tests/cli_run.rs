//! End-to-end tests of `taintsim run` through the built binary.

use std::fs;

mod common;
use common::{taintsim, text};

const REPORTS: [&str; 4] = ["report.md", "summary.json", "timeseries.csv", "drains.csv"];

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
        "agent,policy,time_s,nodes_usable,nodes_with_business_pods,nodes_uncovered,nodes_agentless,agent_running,agent_pending,agent_stranded,"
    ));
    // The default scenario drains nodes: every run lists its drains, and so does drains.csv.
    let runs: Vec<&serde_json::Value> =
        json["agents"].as_array().unwrap().iter().flat_map(|a| a["runs"].as_array().unwrap()).collect();
    let drains: usize = runs.iter().map(|r| r["drains"].as_array().unwrap().len()).sum();
    assert!(drains > 0, "the default scenario has drains");
    for run in &runs {
        assert_eq!(run["drain_totals"]["drains"], run["drains"].as_array().unwrap().len());
    }
    let drains_csv = fs::read_to_string(tmp.path().join("first/drains.csv")).unwrap();
    assert_eq!(drains_csv.lines().count(), drains + 1, "a header and one row per drain");
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
    assert!(help.contains("taintsim conformance ../shared/conformance --allow-unsupported"), "{help}");
    assert!(help.contains("Options go after the command"), "{help}");
    let o = taintsim(tmp.path(), &["run", "--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    for word in ["--out", "--seed", "--quiet", "Examples", "Exit status", "missing, unreadable or"] {
        assert!(help.contains(word), "run --help lacks {word}:\n{help}");
    }
}

#[test]
fn run_help_says_what_the_seed_decides() {
    let tmp = tempfile::tempdir().unwrap();
    let help = text(&taintsim(tmp.path(), &["run", "--help"]).stdout);
    assert!(help.contains("tie-breaks"), "{help}");
    assert!(help.contains("single-replica"), "{help}");
    assert!(help.contains("--seed $s"), "{help}");
    assert!(!help.contains("changes only the randomized choices"), "{help}");
}

#[test]
fn conformance_help_has_examples_and_exit_status() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["conformance", "--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    for word in ["Examples", "Exit status", "--failures-only", "--allow-unsupported", "<check>.json"] {
        assert!(help.contains(word), "conformance --help lacks {word}:\n{help}");
    }
}

#[test]
fn options_before_the_command_word_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["--seed", "3", "run", "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("options go after the command"), "{stderr}");
    assert!(stderr.contains("`taintsim run --seed 3 --quiet`"), "{stderr}");
    assert!(!tmp.path().join("reports").exists());
    // A scenario file really called `run` is still a scenario.
    fs::write(tmp.path().join("run"), "not a scenario").unwrap();
    let o = taintsim(tmp.path(), &["--seed", "3", "run"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!text(&o.stderr).contains("options go after the command"), "{}", text(&o.stderr));
}

/// A scenario whose cluster cannot start as written: a Deployment too big for any node and a
/// bare pod its kubelet rejects.
const UNSETTLED: &str = r#"Scenario(
    name: "unsettled",
    horizon: "1h",
    nodes: [(name_pattern: "w{i}", count: 2, capacity: {"cpu": "2", "memory": "4Gi", "pods": "110"})],
    workloads: [
        (name: "big", kind: Deployment, replicas: 2, requests: {"cpu": "3"}),
        (name: "pinned", kind: Pod, node_name: "w1", requests: {"memory": "8Gi"}),
    ],
    agents: [
        (name: "node-agent", kind: DaemonSet, requests: {"cpu": "100m"}),
        (name: "cluster-agent", kind: Deployment),
    ],
    policies: [(name: "none", tolerations: []), (name: "all", tolerations: [(operator: "Exists")])],
)"#;

#[test]
fn start_up_problems_are_warned_about_even_when_quiet_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("unsettled.ron"), UNSETTLED).unwrap();
    let o = taintsim(tmp.path(), &["run", "unsettled.ron", "--quiet", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    let (summary, warnings): (Vec<&str>, Vec<&str>) = stderr
        .lines()
        .filter(|l| l.starts_with("taintsim: warning: "))
        .partition(|l| l.contains("the cluster did not start as the scenario writes it"));
    assert_eq!(warnings.len(), 2, "one line per distinct problem:\n{stderr}");
    assert_eq!(summary.len(), 1, "then one line pointing to the report:\n{stderr}");
    assert!(warnings[0].contains("2 pods of big") && warnings[0].contains("Insufficient cpu"), "{stderr}");
    assert!(warnings[1].contains("1 pod of pinned") && warnings[1].contains("kubelet on w1"), "{stderr}");
    assert!(!stderr.contains("events/s"), "--quiet still hides timing: {stderr}");

    let md = fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert!(md.contains("## Start-up problems"), "{md}");
    assert!(md.contains("**Agent node-agent**, every run (none and all):"), "{md}");
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("out/summary.json")).unwrap()).unwrap();
    let issues = &json["agents"][1]["runs"][0]["start_issues"];
    assert_eq!(issues[0]["workload"], "big");
    assert_eq!(issues[0]["pods"], 2);
    assert_eq!(issues[1]["workload"], "pinned");
}

#[test]
fn the_default_report_shows_where_the_agents_ran_and_agentless_time() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["run", "--quiet", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let md = fs::read_to_string(tmp.path().join("out/report.md")).unwrap();
    assert_eq!(md.matches("### Where the agent ran").count(), 2, "{md}");
    assert!(md.contains(" bound to node-"), "{md}");
    assert!(md.contains("| Agent-less node-time |"), "{md}");
    assert!(md.contains("| Timeline events (spell ends included) |"), "{md}");
    assert!(text(&o.stdout).contains(" agentless "), "{}", text(&o.stdout));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("out/summary.json")).unwrap()).unwrap();
    for agent in json["agents"].as_array().unwrap() {
        let b = &agent["runs"][0]["blind_spots"];
        assert_eq!(b["agentless_nodes"].is_null(), agent["kind"] == "Deployment", "{b}");
    }
}

#[test]
fn a_failed_write_leaves_the_previous_reports_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("report.md"), "previous report").unwrap();
    fs::create_dir(out.join("summary.json")).unwrap();
    let o = taintsim(tmp.path(), &["run", "--quiet", "--out", "out"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("summary.json"), "{}", text(&o.stderr));
    assert_eq!(fs::read_to_string(out.join("report.md")).unwrap(), "previous report");
    let mut names: Vec<String> =
        fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["report.md", "summary.json"]);
}

fn conformance_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        fs::write(dir.path().join(name), contents).unwrap();
    }
    dir
}

const PASSING_CASE: &str = r#"[{"id": "n-1", "check": "numNodesToScore", "source": "t", "derived": true,
    "input": {"numAllNodes": 10, "percentageOfNodesToScore": 0}, "expect": {"numNodes": 10}}]"#;

#[test]
fn conformance_without_any_case_fails() {
    for files in [vec![], vec![("notes.txt", "hello")], vec![("numNodesToScore.json", "[]")]] {
        let dir = conformance_dir(&files);
        let o = taintsim(dir.path(), &["conformance", ".", "--allow-unsupported"]);
        assert_eq!(o.status.code(), Some(1), "{files:?}: {}", text(&o.stdout));
        assert!(text(&o.stderr).contains("no conformance case found"), "{}", text(&o.stderr));
    }
}

#[test]
fn conformance_rejects_unknown_checks_and_misnamed_files() {
    let unknown = PASSING_CASE.replace("numNodesToScore", "mystery").replace("n-1", "m-1");
    let dir = conformance_dir(&[("mystery.json", &unknown), ("feasibleNodes.json", PASSING_CASE)]);
    let o = taintsim(dir.path(), &["conformance", ".", "--allow-unsupported"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("unknown check \"mystery\""), "{stdout}");
    assert!(stdout.contains("differs from its file name \"feasibleNodes.json\""), "{stdout}");
    assert!(stdout.ends_with("0 passed, 2 failed, 0 unsupported\n"), "{stdout}");
}

#[test]
fn conformance_failures_only_hides_passing_cases() {
    let failing = PASSING_CASE.replace("\"n-1\"", "\"n-2\"").replace("\"numNodes\": 10", "\"numNodes\": 3");
    let both = format!("[{}, {}]", &PASSING_CASE[1..PASSING_CASE.len() - 1], &failing[1..failing.len() - 1]);
    let dir = conformance_dir(&[("numNodesToScore.json", &both)]);
    let o = taintsim(dir.path(), &["conformance", ".", "--failures-only"]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    assert!(stdout.starts_with("FAIL n-2: "), "{stdout}");
    assert!(!stdout.contains("PASS"), "{stdout}");
    assert!(stdout.contains("numNodesToScore"), "per-check table expected: {stdout}");
    assert!(stdout.ends_with("1 passed, 1 failed, 0 unsupported\n"), "{stdout}");
}
