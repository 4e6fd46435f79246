//! Generated weeks: generators drawn from the seed into the timeline, `--dump-timeline`, spot
//! interruptions and pressure outside pods in whole runs, and the determinism of reports.

use std::fs;
use std::time::Duration;
use taintsim::engine::Simulation;
use taintsim::engine::comparison::run_comparison;
use taintsim::measures::{AgentEventKind, DeletionCause, DrainOutcome, RunOutput};
use taintsim::report;
use taintsim::scenario::{Scenario, check_str, check_str_with_seed, load_str};
use taintsim::time::SimTime;

mod common;
use common::{taintsim, text};

const REPORTS: [&str; 4] = ["report.md", "summary.json", "timeseries.csv", "drains.csv"];

/// Four workers in two zones, a spot pool of one node, a DaemonSet agent and a one-replica
/// Deployment agent, two policies; `{timeline}` and `{generators}` are filled in.
const BASE: &str = r#"(
    name: "weather",
    horizon: "3d",
    seed: 11,
    nodes: [
        (name_pattern: "w{i}", count: 4, zones: ["a", "b"], pool: "work",
         capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
        (name: "s1", zone: "a", pool: "spot", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
    ],
    workloads: [
        (name: "web", kind: Deployment, replicas: 4, requests: {"cpu": "500m", "memory": "2Gi"},
         usage: (memory: (start: "2Gi", min: "1Gi", max: "3Gi", step: "100Mi", every: "1m"))),
    ],
    agents: [
        (name: "node-agent", kind: DaemonSet, requests: {"cpu": "100m", "memory": "256Mi"}),
        (name: "cluster-agent", kind: Deployment, replicas: 1, requests: {"cpu": "100m", "memory": "128Mi"}),
    ],
    policies: [
        (name: "exists-pair", tolerations: [(operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
        (name: "none"),
    ],
    timeline: [TIMELINE],
    generators: [GENERATORS],
)"#;

const WRITTEN: &str = r#"(at: "12h", node: "w1", event: Silent, for_duration: "1h")"#;

const WEATHER: &str = r#"
    NodeFailures(name: "crashes", pool: "work", time_between_failures: Weibull(shape: 0.7, mean: "1d"),
                 time_to_repair: LogNormal(median: "20m", sigma: 1.0)),
    NodeFailures(name: "kubelets", failure: NotReady, time_between_failures: Exponential(mean: "2d"),
                 time_to_repair: Uniform(min: "5m", max: "15m")),
    ZoneOutages(name: "zones", zones: ["b"], time_between: Exponential(mean: "2d"), duration: Fixed("1h")),
    PressureEpisodes(name: "bursts", pool: "work", amount: "12Gi", amount_max: "14Gi",
                     time_between: Exponential(mean: "1d"), duration: Uniform(min: "10m", max: "30m")),
    RollingMaintenance(name: "upgrade", pool: "work", at: "2d", max_unavailable: 2, drainer: "kubectl",
                       timeout: "10m", down_for: "5m"),
    SpotInterruptions(name: "spot", pool: "spot", time_between: Exponential(mean: "12h"), notice: "2m",
                      down_for: "5m"),
"#;

fn source(timeline: &str, generators: &str) -> String {
    BASE.replace("TIMELINE", timeline).replace("GENERATORS", generators)
}

fn weather() -> Scenario {
    load_str(&source(WRITTEN, WEATHER), "weather.ron").unwrap()
}

// ----- drawing --------------------------------------------------------------------------------

#[test]
fn every_generator_draws_and_reports_what_it_drew() {
    let sc = weather();
    let names: Vec<&str> = sc.generators.iter().map(|(g, _)| g.name.as_str()).collect();
    assert_eq!(names, ["crashes", "kubelets", "zones", "bursts", "upgrade", "spot"]);
    for (g, tally) in &sc.generators {
        assert!(tally.occurrences > 0, "{} drew nothing: {tally:?}", g.name);
    }
    let generated = |name: &str| {
        sc.listing.iter().filter(|l| l.source.ends_with(&format!("{name:?}"))).collect::<Vec<_>>()
    };
    // Zone b holds w2 and w4: each outage takes both at the same instant.
    let zones = generated("zones");
    assert!(zones.len() % 2 == 0 && !zones.is_empty());
    for pair in zones.chunks(2) {
        assert_eq!(pair[0].at, pair[1].at);
        assert!(pair[0].entry.contains("\"w2\"") && pair[1].entry.contains("\"w4\""), "{pair:?}");
    }
    // The upgrade drains the four workers two at a time, a batch every timeout + down_for.
    let upgrade: Vec<f64> = generated("upgrade").iter().map(|l| l.at.as_secs_f64()).collect();
    let day2 = 2.0 * 86_400.0;
    assert!(upgrade.iter().all(|&t| t == day2 || t == day2 + 900.0), "{upgrade:?}");
    // Spot interruptions and pressure episodes are written as the timeline writes them.
    assert!(generated("spot").iter().all(|l| {
        l.entry.contains("event: SpotInterruption, drainer: \"kubectl\", notice: \"2m\", down_for: \"5m\"")
    }));
    assert!(generated("bursts").iter().all(|l| l.entry.contains("event: UsageSpike, resource: \"memory\"")));
    // Two disruptions never overlap on a node: the written silent spell of w1 (12h to 13h)
    // keeps every generated failure of w1 out of that hour.
    for l in sc.listing.iter().filter(|l| l.source.starts_with("generators") && l.entry.contains("\"w1\"")) {
        let t = l.at.as_secs_f64();
        assert!(!(12.0 * 3600.0..=13.0 * 3600.0).contains(&t), "{l:?}");
    }
}

#[test]
fn the_same_seed_draws_the_same_week_and_another_seed_another() {
    let a = check_str_with_seed(&source(WRITTEN, WEATHER), "w", Some(3)).unwrap();
    let b = check_str_with_seed(&source(WRITTEN, WEATHER), "w", Some(3)).unwrap();
    let c = check_str_with_seed(&source(WRITTEN, WEATHER), "w", Some(4)).unwrap();
    assert_eq!(a.dump_timeline(), b.dump_timeline());
    assert_ne!(a.dump_timeline(), c.dump_timeline());
    assert_eq!(a.seed, 3);
    // A generator added after the others leaves their draws as they were.
    let more =
        format!("{WEATHER} NodeFailures(name: \"extra\", time_between_failures: Exponential(mean: \"1d\")),");
    let d = check_str_with_seed(&source(WRITTEN, &more), "w", Some(3)).unwrap();
    let crashes = |s: &Scenario| {
        s.listing
            .iter()
            .filter(|l| l.source.contains("\"crashes\""))
            .map(|l| l.entry.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(crashes(&a), crashes(&d));
}

#[test]
fn the_dumped_timeline_replays_the_same_runs_without_the_generators() {
    let sc = weather();
    let dump = sc.dump_timeline();
    let list = &dump[dump.find("\n[").unwrap() + 1..];
    let entries = list.trim().trim_start_matches('[').trim_end_matches(']');
    let replay = load_str(&source(entries, ""), "replay.ron").unwrap();
    assert!(replay.generators.is_empty());
    assert_eq!(replay.timeline, sc.timeline);
    let a = run_comparison(&sc, |_, _, _, _| {});
    let b = run_comparison(&replay, |_, _, _, _| {});
    assert_eq!(report::console::render(&sc, &a), report::console::render(&replay, &b));
}

// ----- whole runs -----------------------------------------------------------------------------

fn run(sc: &Scenario, agent: &str, policy: &str) -> RunOutput {
    let a = sc.agents.iter().position(|w| w.name == agent).unwrap();
    let p = sc.policies.iter().find(|x| x.name == policy).unwrap();
    Simulation::new(sc, a, p).run(&p.name)
}

/// One worker with the cluster agent on it, guarded by a budget that allows no disruption, and
/// a spot interruption of that worker at 1h with a two-minute notice.
fn spot_scenario(drainer: &str) -> Scenario {
    let src = format!(
        r#"(name: "spot", horizon: "2h",
        nodes: [(name: "s1", zone: "a", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}}),
                (name: "w1", zone: "a", taints: [(key: "full", effect: "NoSchedule")], capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}})],
        agents: [(name: "node-agent", kind: DaemonSet, tolerations: [(operator: "Exists")]),
                 (name: "cluster-agent", kind: Deployment, replicas: 1)],
        policies: [(name: "none")],
        pdbs: [(name: "ca", workload: "cluster-agent", min_available: 1)],
        timeline: [(at: "1h", node: "s1", event: SpotInterruption, drainer: "{drainer}", down_for: "5m")],
    )"#
    );
    load_str(&src, "spot.ron").unwrap()
}

#[test]
fn a_spot_node_is_lost_when_the_notice_runs_out_even_if_its_drain_is_blocked() {
    let out = run(&spot_scenario("kubectl"), "cluster-agent", "none");
    let d = &out.drains[0];
    assert_eq!(d.drainer, "kubectl (spot notice)");
    // The budget refuses every eviction; at the end of the notice the drain times out and
    // the instance goes anyway, taking the cluster agent with it.
    assert_eq!(
        (d.outcome, d.started.as_secs_f64(), d.ended.as_secs_f64()),
        (DrainOutcome::TimedOut, 3600.0, 3720.0)
    );
    // Killed with the node: the cluster agent and the node agent's daemon pod.
    assert!(d.pdb_refusals > 0 && d.killed == 2 && d.agent_left_behind, "{d:?}");
    let stopped: Vec<f64> = out
        .agent_log
        .iter()
        .filter(|e| e.what == AgentEventKind::Stopped)
        .map(|e| e.at.as_secs_f64())
        .collect();
    assert_eq!(stopped.first(), Some(&3720.0), "{:?}", out.agent_log);
}

#[test]
fn a_drained_spot_node_stays_cordoned_until_the_notice_runs_out() {
    let out = run(&spot_scenario("kubectl"), "node-agent", "none");
    // Nothing the drain waits for blocks it: the DaemonSet pod is ignored, the cluster agent is
    // another run's agent but still a pod here, refused by its budget. The node agent runs
    // until the instance goes, then again once it is back 5 minutes later.
    let on_s1 = |what: AgentEventKind| -> Vec<f64> {
        out.agent_log
            .iter()
            .filter(|e| e.what == what && e.node.as_deref() == Some("s1"))
            .map(|e| e.at.as_secs_f64())
            .collect()
    };
    assert_eq!(on_s1(AgentEventKind::Stopped), [3720.0]);
    assert!(on_s1(AgentEventKind::Started).iter().any(|&t| t > 3720.0 + 300.0));
    let d = &out.drains[0];
    assert_eq!(d.ended.as_secs_f64(), 3720.0, "{d:?}");
}

#[test]
fn a_spike_outside_pods_puts_the_node_under_memory_pressure() {
    let src = r#"(name: "burst", horizon: "1h",
        nodes: [(name: "w1", zone: "a", capacity: {"cpu": "4", "memory": "8Gi", "pods": "110"})],
        workloads: [(name: "web", kind: Deployment, replicas: 2, requests: {"cpu": "100m", "memory": "1Gi"},
                     usage: (memory: "2Gi"))],
        agents: [(name: "node-agent", kind: DaemonSet, requests: {"memory": "100Mi"}, usage: (memory: "200Mi"))],
        policies: [(name: "none")],
        timeline: [(at: "10m", node: "w1", event: UsageSpike, resource: "memory", amount: "5Gi", for_duration: "20m")],
    )"#;
    let sc = load_str(src, "burst.ron").unwrap();
    let out = run(&sc, "node-agent", "none");
    // 4Gi of web + 200Mi of agent + 5Gi outside pods on an 8Gi node: the kubelet evicts, and
    // the agent is on a pressured node from the first pass after 10m.
    assert!(out.contention.memory_pressure.total >= Duration::from_secs(60), "{:?}", out.contention);
    let evicted = out
        .agent_log
        .iter()
        .filter(|e| e.what == AgentEventKind::Deleted(DeletionCause::KubeletEviction))
        .count() as u32;
    assert!(out.contention.business_evictions_beside_agent + evicted >= 1, "{:?}", out.contention);
    // Before the spike nothing is pressured: 4.2Gi of 8Gi used.
    let first_eviction = out
        .agent_log
        .iter()
        .find(|e| e.what == AgentEventKind::Deleted(DeletionCause::KubeletEviction))
        .map(|e| e.at);
    assert!(first_eviction.is_none_or(|t| t >= SimTime::from_secs(600)), "{first_eviction:?}");
    // Without the spike the node is never under pressure.
    let mut quiet = sc.clone();
    quiet.timeline.clear();
    assert_eq!(run(&quiet, "node-agent", "none").contention.memory_pressure.total, Duration::ZERO);
}

#[test]
fn same_seed_same_report_files_and_another_seed_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("weather.ron");
    fs::write(&file, source(WRITTEN, WEATHER)).unwrap();
    let path = file.to_str().unwrap();
    for (out, seed) in [("a", "5"), ("b", "5"), ("c", "6")] {
        let o = taintsim(tmp.path(), &["run", path, "--seed", seed, "--quiet", "--out", out]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let read = |dir: &str, name: &str| fs::read(tmp.path().join(dir).join(name)).unwrap();
    for name in REPORTS {
        assert!(read("a", name) == read("b", name), "{name} differs between two runs with seed 5");
    }
    assert!(read("a", "summary.json") != read("c", "summary.json"), "seeds 5 and 6 gave the same summary");
    assert!(read("a", "report.md") != read("c", "report.md"));
    // The reports name the generators and what they drew.
    let md = text(&read("a", "report.md"));
    assert!(md.contains("## Generators") && md.contains("| spot | SpotInterruptions |"), "{md}");
    let json: serde_json::Value = serde_json::from_slice(&read("a", "summary.json")).unwrap();
    assert_eq!(json["scenario"]["generators"][5]["name"], "spot");
    assert_eq!(json["scenario"]["seed"], 5);
}

#[test]
fn dump_timeline_prints_the_week_and_runs_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["run", "--dump-timeline", "--seed", "2"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.starts_with("// Timeline of scenario \"threatmapper\", seed 2, horizon 8d"), "{out}");
    assert!(out.contains("// timeline[0]") && out.contains("generators[0] \"worker-crashes\""), "{out}");
    assert!(fs::read_dir(tmp.path()).unwrap().next().is_none(), "nothing written");
    // The default scenario's week starts after the written day.
    let sc = taintsim::scenario::default_scenario_with_seed(Some(2));
    let generated: Vec<SimTime> =
        sc.listing.iter().filter(|l| l.source.starts_with("generators")).map(|l| l.at).collect();
    assert!(generated.len() >= 10, "{generated:?}");
    assert!(generated.iter().all(|&t| t >= SimTime::from_secs(86_400)));
    assert_ne!(sc.dump_timeline(), taintsim::scenario::default_scenario().dump_timeline());
}

// ----- bad generators -------------------------------------------------------------------------

fn problems(generators: &str) -> Vec<String> {
    check_str(&source("", generators), "g.ron").unwrap_err().iter().map(ToString::to_string).collect()
}

#[test]
fn bad_generators_are_reported_with_their_field_path() {
    let errors = problems(
        r#"
   NodeFailures(name: "crashes", pool: "wrok"),
   NodeFailures(name: "x", time_between_failures: Weibull(shape: 0, mean: "2d"),
        time_to_repair: Uniform(min: "1h", max: "10m")),
   PressureEpisodes(name: "crashes", amount: "2Gi", amount_max: "1Gi", workload: "nope"),
   ZoneOutages(name: "z", zones: ["c"]),
   RollingMaintenance(name: "u", at: "9d", every: "5m", drainer: "kubeadm"),
   SpotInterruptions(name: "s", notice: "0s", time_between: LogNormal(median: "1h", sigma: -1)),
"#,
    );
    let want = [
        "g.ron:24:40: generators[0].pool: no node is in pool \"wrok\" (pools: spot, work)",
        "g.ron:25:66: generators[1].time_between_failures.shape: 0 is out of range (0.1 to 10)",
        "g.ron:26:49: generators[1].time_to_repair.max: 10m is less than min (1h)",
        "g.ron:27:27: generators[2].name: \"crashes\" is also the name of generators[0] (line 24)",
        "g.ron:27:65: generators[2].amount_max: 1Gi is less than amount (2Gi)",
        "g.ron:27:82: generators[2].workload: unknown workload \"nope\" (known: web, node-agent, cluster-agent)",
        "g.ron:28:35: generators[3].zones[0]: no node is in zone \"c\" (zones: \"a\", \"b\")",
        "g.ron:29:38: generators[4].at: 9d is not before the horizon (3d)",
        "g.ron:29:51: generators[4].every: 5m is shorter than one batch (timeout + down_for = 20m)",
        "g.ron:29:66: generators[4].drainer: unknown drainer \"kubeadm\" (kubectl, cluster-api, karpenter or cluster-autoscaler)",
        "g.ron:30:41: generators[5].notice: must be longer than zero",
        "g.ron:30:92: generators[5].time_between.sigma: -1 is out of range (0 to 5)",
    ];
    assert_eq!(errors, want);
}

#[test]
fn a_misspelt_generator_or_field_is_a_syntax_error_with_the_choices() {
    let errors = problems(r#"NodeFailure(name: "a")"#);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("generators[0]: Unexpected variant named `NodeFailure`"), "{errors:?}");
    assert!(errors[0].contains("`NodeFailures`"), "{errors:?}");
    let errors = problems(r#"ZoneOutages(name: "a", duration: Normal(mean: "1h"))"#);
    assert!(errors[0].contains("Unexpected variant named `Normal`"), "{errors:?}");
    assert!(errors[0].contains("`Weibull`"), "{errors:?}");
}

#[test]
fn a_rate_far_too_high_is_refused_instead_of_filling_memory() {
    let errors = problems(
        r#"NodeFailures(name: "storm", time_between_failures: Fixed("1s"), time_to_repair: Fixed("1s"))"#,
    );
    assert_eq!(
        errors,
        ["g.ron:23:18: generators[0]: \"storm\" draws more than 100000 occurrences before the horizon; its \
             time between occurrences is far too short"]
    );
}

#[test]
fn generator_windows_are_checked_against_the_horizon_and_each_other() {
    let errors = problems(
        r#"
   NodeFailures(name: "late", from: "4d"),
   NodeFailures(name: "long", until: "5d"),
   NodeFailures(name: "backwards", from: "2d", until: "1d"),
   RollingMaintenance(name: "upgrade", at: "2d", until: "1d"),
   ZoneOutages(name: "z", zones: ["a", "a"]),
"#,
    );
    assert_eq!(
        errors,
        [
            "g.ron:24:37: generators[0].from: 4d is not before the horizon (3d)",
            "g.ron:25:38: generators[1].until: 5d is after the horizon (3d)",
            "g.ron:26:55: generators[2].until: 1d is not after from (2d)",
            "g.ron:27:57: generators[3].until: 1d is not after at (2d)",
            "g.ron:28:40: generators[4].zones[1]: zone \"a\" is listed twice",
        ]
    );
}

/// Each node's disruptions in time order, from the dump: (start, end) in seconds.
fn disruptions(sc: &Scenario) -> std::collections::BTreeMap<String, Vec<(f64, f64)>> {
    let mut by_node: std::collections::BTreeMap<String, Vec<(f64, f64)>> = Default::default();
    let mut open: std::collections::BTreeMap<String, f64> = Default::default();
    for e in &sc.timeline {
        use taintsim::scenario::TimelineAction as A;
        let at = e.at.as_secs_f64();
        match &e.action {
            A::NodeSilent { node } | A::KubeletNotReady { node } => {
                open.insert(node.clone(), at);
            }
            A::NodeBack { node } | A::KubeletReady { node } => {
                let from = open.remove(node).expect("a spell ends after it starts");
                by_node.entry(node.clone()).or_default().push((from, at));
            }
            A::Drain { node, drain } => {
                let end = at + (drain.timeout.unwrap_or_default() + drain.down_for).as_secs_f64();
                by_node.entry(node.clone()).or_default().push((at, end));
            }
            _ => {}
        }
    }
    by_node
}

#[test]
fn rounds_of_a_rolling_maintenance_never_overlap_even_with_a_short_every() {
    let sc = load_str(
        &source(
            "",
            r#"RollingMaintenance(name: "upgrade", pool: "work", at: "1h", every: "30m", timeout: "15m", down_for: "15m")"#,
        ),
        "rm.ron",
    )
    .unwrap();
    // Four workers, one at a time, 30 minutes each: a round takes 2 hours, so rounds start at
    // 1h, 3h, 5h, ... however short `every` is.
    let mut starts: Vec<f64> = disruptions(&sc).values().flatten().map(|&(from, _)| from).collect();
    starts.sort_by(f64::total_cmp);
    let hours: Vec<f64> = starts.iter().take(8).map(|s| s / 3600.0).collect();
    assert_eq!(hours, [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5]);
    // At most one node is disrupted at any instant.
    let mut spans: Vec<(f64, f64)> = disruptions(&sc).values().flatten().copied().collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(spans.windows(2).all(|w| w[0].1 <= w[1].0), "{spans:?}");
}

#[test]
fn a_zone_outage_takes_every_node_of_the_zone_cutting_short_where_another_failure_was_drawn() {
    // The first generator draws frequent NotReady spells on w2; the outage of zone b (w2 and
    // w4) still takes w2 whenever w2 is not already failing at that instant.
    let sc = load_str(
        &source(
            "",
            r#"NodeFailures(name: "flaky", pool: "work", failure: NotReady, time_between_failures: Exponential(mean: "6h"), time_to_repair: Fixed("30m")),
               ZoneOutages(name: "zones", zones: ["b"], time_between: Exponential(mean: "12h"), duration: Fixed("3h"))"#,
        ),
        "zone.ron",
    )
    .unwrap();
    let outages: Vec<&taintsim::scenario::ListedEvent> =
        sc.listing.iter().filter(|l| l.source.contains("\"zones\"")).collect();
    let (zones_tally, flaky_tally) = (&sc.generators[1].1, &sc.generators[0].1);
    assert!(zones_tally.occurrences >= 2 && flaky_tally.occurrences >= 5, "{zones_tally:?} {flaky_tally:?}");
    // Every outage that went ahead took both nodes unless one was already failing then.
    let spans = disruptions(&sc);
    for pair in outages.chunk_by(|a, b| a.at == b.at) {
        let t = pair[0].at.as_secs_f64();
        for node in ["w2", "w4"] {
            let failing_before = spans[node].iter().any(|&(from, to)| from < t && t < to);
            let taken = pair.iter().any(|l| l.entry.contains(&format!("\"{node}\"")));
            assert!(taken || failing_before, "{node} at {t}: {pair:?}");
        }
    }
    // No two disruptions of a node overlap; cut spells end where the next one starts.
    for (node, list) in &spans {
        let mut list = list.clone();
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(list.windows(2).all(|w| w[0].1 <= w[1].0), "{node}: {list:?}");
    }
    assert!(outages.iter().any(|l| !l.entry.contains("for_duration: \"3h\"")), "some outage was cut short");
}

#[test]
fn nodes_without_a_zone_label_form_one_zone() {
    let src = r#"(name: "nz", horizon: "30d",
        nodes: [(name_pattern: "n{i}", count: 2, capacity: {"cpu": "1", "memory": "1Gi", "pods": "10"})],
        agents: [(name: "a", kind: DaemonSet)],
        policies: [(name: "p")],
        generators: [ZoneOutages(name: "z", time_between: Exponential(mean: "5d"))],
    )"#;
    let sc = load_str(src, "nz.ron").unwrap();
    assert!(sc.generators[0].1.occurrences > 0, "{:?}", sc.generators[0].1);
    let zoned = load_str(
        &src.replace("ZoneOutages(name: \"z\",", "ZoneOutages(name: \"z\", zones: [\"\"],"),
        "nz.ron",
    );
    assert!(zoned.is_ok(), "{zoned:?}");
}
