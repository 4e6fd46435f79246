//! Node lifecycle behaviour seen through whole runs: the per-zone rate limit on `NoExecute`
//! tainting, partial disruption, recovery, and the DefaultTolerationSeconds switch.

use std::time::Duration;
use taintsim::engine::Simulation;
use taintsim::measures::{AgentEventKind, RunOutput};
use taintsim::scenario::{Scenario, load_str};

fn run(source: &str, policy: &str) -> RunOutput {
    let sc: Scenario = load_str(source, "inline").unwrap_or_else(|e| panic!("{e}"));
    let p = sc.policies.iter().find(|p| p.name == policy).expect("policy exists");
    Simulation::new(&sc, 0, p).run(&p.name)
}

fn deletion_times(out: &RunOutput) -> Vec<f64> {
    let mut t: Vec<f64> = out
        .agent_log
        .iter()
        .filter(|e| matches!(e.what, AgentEventKind::Deleted(_)))
        .map(|e| e.at.as_secs_f64())
        .collect();
    t.sort_by(f64::total_cmp);
    t
}

/// `count` equal nodes in one zone, an agent Deployment with one replica per node (scoring
/// spreads them), and `silent` of the nodes going silent at 600 s.
fn spread_scenario(count: u32, silent: u32, settings: &str) -> String {
    let timeline: Vec<String> =
        (1..=silent).map(|i| format!(r#"(at: "10m", event: Silent, node: "n{i}")"#)).collect();
    format!(
        r#"(
        name: "zone", horizon: "1h", {settings}
        nodes: [(name_pattern: "n{{i}}", count: {count}, zone: "z1",
                 capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}})],
        agents: [(name: "agent", kind: Deployment, replicas: {count}, requests: {{"cpu": "500m", "memory": "1Gi"}})],
        policies: [(name: "none", tolerations: [])],
        timeline: [{}],
    )"#,
        timeline.join(", ")
    )
}

#[test]
fn replicas_spread_one_per_node() {
    let out = run(&spread_scenario(6, 0, ""), "none");
    let mut nodes: Vec<_> = out.agent_log.iter().filter_map(|e| e.node.clone()).collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), 6);
}

#[test]
fn no_execute_taints_are_added_at_one_node_per_ten_seconds_in_a_zone() {
    // 3 of 10 nodes silent: the zone stays Normal (3/10 < 0.55); the token bucket admits the
    // first taint at 655 s and one more every 10 s.
    let out = run(&spread_scenario(10, 3, ""), "none");
    assert_eq!(deletion_times(&out), vec![955.0, 965.0, 975.0]);
}

#[test]
fn a_partially_disrupted_small_zone_gets_no_new_no_execute_taints() {
    // 4 of 6 nodes silent: more than 2 and at least 55 % -> PartialDisruption; the zone has
    // no more than 50 nodes, so the rate is 0 and nothing is evicted.
    let out = run(&spread_scenario(6, 4, ""), "none");
    assert!(deletion_times(&out).is_empty(), "{:?}", deletion_times(&out));
}

#[test]
fn the_eviction_rate_setting_changes_the_spacing() {
    let out = run(&spread_scenario(10, 3, "settings: (node_eviction_rate: 0.05),"), "none");
    assert_eq!(deletion_times(&out), vec![955.0, 975.0, 995.0]);
}

#[test]
fn without_default_toleration_seconds_an_empty_list_is_evicted_at_once() {
    let settings = "settings: (default_toleration_seconds_enabled: false),";
    let out = run(&spread_scenario(10, 1, settings), "none");
    assert_eq!(deletion_times(&out), vec![655.0]);
}

#[test]
fn a_node_back_before_the_deadline_cancels_the_eviction() {
    let src = spread_scenario(4, 0, "")
        .replace("timeline: []", r#"timeline: [(at: "10m", event: Silent, node: "n1", for_duration: "4m")]"#);
    let out = run(&src, "none");
    assert!(deletion_times(&out).is_empty());
    // The replica on n1 is down from 600 s until 840 s + 5 s start-up.
    assert_eq!(out.blind_spots.under_replicated.unwrap().total, Duration::from_secs(245));
}

#[test]
fn nodes_not_ready_silent_or_pressured_at_zero_start_that_way() {
    // Written at 0s, the states are the cluster's starting state: the first placement already
    // sees the condition taints, so the agent's replicas all go to the one healthy node.
    let source = r#"(
        name: "start", horizon: "1h",
        nodes: [(name_pattern: "n{i}", count: 4, zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"})],
        agents: [(name: "agent", kind: Deployment, replicas: 3, requests: {"cpu": "100m", "memory": "100Mi"})],
        policies: [(name: "none", tolerations: [])],
        timeline: [
            (at: "0s", node: "n1", event: NotReady),
            (at: "0s", node: "n2", event: Silent),
            (at: "0s", node: "n3", event: InjectCondition, condition: "MemoryPressure"),
        ],
    )"#;
    let out = run(source, "none");
    let bound: Vec<&str> = out
        .agent_log
        .iter()
        .filter(|e| e.what == AgentEventKind::Bound)
        .filter_map(|e| e.node.as_deref())
        .collect();
    assert_eq!(bound, ["n4", "n4", "n4"], "{:?}", out.agent_log);
    assert!(out.blind_spots.stranded_agents.total.is_zero());
    // Written a moment later, the same events find the replicas already spread over the nodes.
    let late = run(&source.replace("at: \"0s\"", "at: \"1s\""), "none");
    let first: Vec<&str> = late
        .agent_log
        .iter()
        .filter(|e| e.what == AgentEventKind::Bound && e.at.as_secs_f64() == 0.0)
        .filter_map(|e| e.node.as_deref())
        .collect();
    assert!(first.iter().any(|n| *n != "n4"), "{first:?}");
}
