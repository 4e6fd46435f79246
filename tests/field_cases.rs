//! End-to-end runs of small scenarios whose outcome upstream semantics fix, including the field
//! cases about NotReady, unreachable and tainted pools (B01(c), B07, B08, B11, B12, B17 in the
//! shared field-case list). Times are seconds from the start of the run; `t0` is on a node-monitor
//! pass, so with v1.35 defaults a silent node is marked unreachable at `t0 + 55 s`.

use std::time::Duration;
use taintsim::engine::Simulation;
use taintsim::measures::{AgentEvent, AgentEventKind, DeletionCause, RunOutput};
use taintsim::scenario::{Scenario, load_str};
use taintsim::time::SimTime;

fn scenario(source: &str) -> Scenario {
    load_str(source, "inline").unwrap_or_else(|e| panic!("test scenario does not load: {e}"))
}

/// Runs the scenario with `agent` carrying `policy`.
fn run(sc: &Scenario, agent: &str, policy: &str) -> RunOutput {
    let ai = sc.agents.iter().position(|a| a.name == agent).expect("agent exists");
    let p = sc.policies.iter().find(|p| p.name == policy).expect("policy exists");
    Simulation::new(sc, ai, p).run(&p.name)
}

fn secs(t: SimTime) -> f64 {
    t.as_secs_f64()
}

fn events<'a>(out: &'a RunOutput, pred: impl Fn(&AgentEvent) -> bool + 'a) -> Vec<&'a AgentEvent> {
    out.agent_log.iter().filter(|e| pred(e)).collect()
}

fn deletions(out: &RunOutput) -> Vec<(f64, String, DeletionCause)> {
    out.agent_log
        .iter()
        .filter_map(|e| match e.what {
            AgentEventKind::Deleted(c) => Some((secs(e.at), e.node.clone().unwrap_or_default(), c)),
            _ => None,
        })
        .collect()
}

fn bindings(out: &RunOutput) -> Vec<(f64, String)> {
    events(out, |e| e.what == AgentEventKind::Bound)
        .into_iter()
        .map(|e| (secs(e.at), e.node.clone().unwrap_or_default()))
        .collect()
}

/// Three workers in one zone; `w2` and `w3` are half full, so a lone small pod lands on `w1`
/// (LeastAllocated prefers the emptiest node).
const WORKERS: &str = r#"
    nodes: [
        (name: "w1", zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
        (name: "w2", zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
        (name: "w3", zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
    ],
    workloads: [
        (name: "filler-w2", kind: Pod, node_name: "w2", requests: {"cpu": "2", "memory": "8Gi"}),
        (name: "filler-w3", kind: Pod, node_name: "w3", requests: {"cpu": "2", "memory": "8Gi"}),
    ],
"#;

const CLUSTER_AGENT_POLICIES: &str = r#"
    agents: [
        (name: "cluster-agent", kind: Deployment, replicas: 1,
         requests: {"cpu": "25m", "memory": "80Mi"}, limits: {"cpu": "1500m", "memory": "1536Mi"}),
    ],
    policies: [
        (name: "exists-pair", tolerations: [
            (operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
        (name: "none", tolerations: []),
        (name: "not-ready-60s", tolerations: [
            (key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60)]),
    ],
"#;

fn cluster_agent_scenario(timeline: &str) -> Scenario {
    scenario(&format!(
        r#"(name: "cluster-agent", horizon: "1h", {WORKERS} {CLUSTER_AGENT_POLICIES} timeline: [{timeline}])"#
    ))
}

// ----- the cluster agent (Deployment) through a silent spell and a NotReady spell -----------

#[test]
fn exists_pair_keeps_the_cluster_agent_bound_through_a_whole_silent_spell() {
    let sc = cluster_agent_scenario(r#"(at: "10m", event: Silent, node: "w1", for_duration: "20m")"#);
    let out = run(&sc, "cluster-agent", "exists-pair");
    assert_eq!(bindings(&out), vec![(0.0, "w1".to_string())]);
    assert!(deletions(&out).is_empty(), "never deleted: {:?}", deletions(&out));
    // Not running from 600 s until the node is back (1800 s) and the container restarted (5 s).
    let under = out.blind_spots.under_replicated.unwrap();
    assert_eq!(under.total, Duration::from_secs(1205));
    assert_eq!(out.blind_spots.stranded_agents.total, Duration::from_secs(1200));
}

#[test]
fn empty_tolerations_delete_the_cluster_agent_300s_after_the_unreachable_taint() {
    let sc = cluster_agent_scenario(r#"(at: "10m", event: Silent, node: "w1", for_duration: "20m")"#);
    let out = run(&sc, "cluster-agent", "none");
    // t0 = 600: unreachable at 655, deletion at 955, replacement bound elsewhere at once.
    assert_eq!(deletions(&out), vec![(955.0, "w1".into(), DeletionCause::TaintEviction)]);
    let b = bindings(&out);
    assert_eq!(b.len(), 2);
    assert_eq!(b[1].0, 955.0);
    assert_ne!(b[1].1, "w1");
    // Down from 600 s until the replacement runs at 960 s.
    assert_eq!(out.blind_spots.under_replicated.unwrap().total, Duration::from_secs(360));
}

#[test]
fn not_ready_60s_does_nothing_when_the_node_goes_silent() {
    let sc = cluster_agent_scenario(r#"(at: "10m", event: Silent, node: "w1", for_duration: "20m")"#);
    let out = run(&sc, "cluster-agent", "not-ready-60s");
    assert_eq!(deletions(&out), vec![(955.0, "w1".into(), DeletionCause::TaintEviction)]);
}

#[test]
fn not_ready_60s_evicts_60s_after_the_kubelet_reports_ready_false() {
    let sc = cluster_agent_scenario(r#"(at: "10m", event: NotReady, node: "w1", for_duration: "20m")"#);
    let out = run(&sc, "cluster-agent", "not-ready-60s");
    assert_eq!(deletions(&out), vec![(660.0, "w1".into(), DeletionCause::TaintEviction)]);
    let none = run(&sc, "cluster-agent", "none");
    assert_eq!(deletions(&none), vec![(900.0, "w1".into(), DeletionCause::TaintEviction)]);
    let pair = run(&sc, "cluster-agent", "exists-pair");
    assert!(deletions(&pair).is_empty());
}

// ----- the node agent (DaemonSet) on a NoSchedule-tainted node ------------------------------

fn node_agent_scenario(extra_node_taint: &str, agent_tolerations: &str) -> Scenario {
    scenario(&format!(
        r#"(
        name: "node-agent", horizon: "1h",
        nodes: [
            (name_pattern: "w{{i}}", count: 2, zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}}),
            (name: "w3", zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}},
             taints: [{extra_node_taint}]),
        ],
        workloads: [
            (name: "app", kind: Deployment, replicas: 2, requests: {{"cpu": "500m", "memory": "1Gi"}}),
            (name: "pinned", kind: Pod, node_name: "w3", requests: {{"cpu": "100m", "memory": "128Mi"}},
             tolerations: [(operator: "Exists")]),
        ],
        agents: [
            (name: "node-agent", kind: DaemonSet, host_network: true, requests: {{"cpu": "150m", "memory": "512Mi"}},
             tolerations: {agent_tolerations}),
        ],
        policies: [
            (name: "exists-pair", tolerations: [
                (operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
            (name: "none", tolerations: []),
            (name: "chart", tolerations: {agent_tolerations}),
        ],
    )"#
    ))
}

fn agent_nodes(out: &RunOutput) -> Vec<String> {
    let mut nodes: Vec<String> = bindings(out).into_iter().map(|(_, n)| n).collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

#[test]
fn daemonset_with_no_tolerations_skips_a_custom_no_schedule_node_and_exists_pair_covers_it() {
    let sc = node_agent_scenario(r#"(key: "dedicated", value: "security", effect: "NoSchedule")"#, "[]");
    let none = run(&sc, "node-agent", "none");
    assert_eq!(agent_nodes(&none), vec!["w1", "w2"]);
    // w3 runs a business pod all hour with no agent: one gap of the whole horizon.
    let gaps = none.blind_spots.uncovered_nodes.unwrap();
    assert_eq!((gaps.count, gaps.total), (1, Duration::from_secs(3600)));
    let pair = run(&sc, "node-agent", "exists-pair");
    assert_eq!(agent_nodes(&pair), vec!["w1", "w2", "w3"]);
    assert_eq!(pair.blind_spots.uncovered_nodes.unwrap().total, Duration::ZERO);
}

// ----- B11: node-exporter and a custom NoExecute taint ---------------------------------------

#[test]
fn b11_node_exporter_is_kept_off_a_no_execute_tainted_node() {
    let chart = r#"[(effect: "NoSchedule", operator: "Exists")]"#;
    let sc = node_agent_scenario(r#"(key: "dedicated", value: "batch", effect: "NoExecute")"#, chart);
    let out = run(&sc, "node-agent", "chart");
    assert_eq!(agent_nodes(&out), vec!["w1", "w2"]);
    assert_eq!(out.blind_spots.uncovered_nodes.unwrap().total, Duration::from_secs(3600));
    let pair = run(&sc, "node-agent", "exists-pair");
    assert_eq!(agent_nodes(&pair), vec!["w1", "w2", "w3"]);
}

#[test]
fn b11_a_no_execute_taint_added_later_removes_the_running_daemon_pod_at_once() {
    let chart = r#"[(effect: "NoSchedule", operator: "Exists")]"#;
    let src = node_agent_scenario(r#"(key: "other", value: "x", effect: "PreferNoSchedule")"#, chart);
    let mut sc = src.clone();
    let taint =
        taintsim::model::Taint::with_value("dedicated", "batch", taintsim::model::TaintEffect::NoExecute);
    sc.timeline.push(taintsim::scenario::TimelineEvent {
        target: taintsim::scenario::NodeTarget::Named,
        at: SimTime::from_secs(600),
        action: taintsim::scenario::TimelineAction::AddTaint { node: "w3".into(), taint },
    });
    let out = run(&sc, "node-agent", "chart");
    let d = deletions(&out);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].0, d[0].1.as_str()), (600.0, "w3"));
    // Uncovered from 600 s to the end of the hour.
    assert_eq!(out.blind_spots.uncovered_nodes.unwrap().total, Duration::from_secs(3000));
}

// ----- B12: falco's control-plane toleration key mismatch ------------------------------------

#[test]
fn b12_master_key_toleration_does_not_cover_the_control_plane_taint() {
    let chart = r#"[(key: "node-role.kubernetes.io/master", effect: "NoSchedule")]"#;
    let sc =
        node_agent_scenario(r#"(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule")"#, chart);
    let out = run(&sc, "node-agent", "chart");
    assert_eq!(agent_nodes(&out), vec!["w1", "w2"]);
    assert_eq!(out.blind_spots.uncovered_nodes.unwrap().count, 1);
    // A GPU-style taint is not covered either.
    let sc = node_agent_scenario(r#"(key: "nvidia.com/gpu", value: "present", effect: "NoSchedule")"#, chart);
    assert_eq!(agent_nodes(&run(&sc, "node-agent", "chart")), vec!["w1", "w2"]);
}

// ----- B07: calico-typha on a node whose infrastructure is deleted ----------------------------

fn b07_scenario(with_second_node: bool) -> Scenario {
    let second = if with_second_node {
        r#"(at: "5m", event: AddNode, new_node: (name: "n2", zone: "z1", capacity: {"cpu": "4", "memory": "8Gi", "pods": "110"})),"#
    } else {
        ""
    };
    scenario(&format!(
        r#"(
        name: "b07", horizon: "2h",
        nodes: [(name: "n1", zone: "z1", capacity: {{"cpu": "4", "memory": "8Gi", "pods": "110"}})],
        agents: [(name: "calico-typha", kind: Deployment, replicas: 1, requests: {{"cpu": "100m", "memory": "128Mi"}})],
        policies: [
            (name: "old-keyed-300s", tolerations: [
                (key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300),
                (key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300)]),
            (name: "new-blanket", tolerations: [
                (key: "CriticalAddonsOnly", operator: "Exists"),
                (effect: "NoSchedule", operator: "Exists"),
                (effect: "NoExecute", operator: "Exists")]),
        ],
        timeline: [ {second} (at: "10m", event: Silent, node: "n1") ],
    )"#
    ))
}

#[test]
fn b07_keyed_tolerations_move_typha_at_t0_plus_355s_and_the_blanket_set_never_does() {
    let sc = b07_scenario(true);
    let old = run(&sc, "calico-typha", "old-keyed-300s");
    assert_eq!(deletions(&old), vec![(955.0, "n1".into(), DeletionCause::TaintEviction)]);
    assert_eq!(bindings(&old).last().unwrap(), &(955.0, "n2".to_string()));
    let new = run(&sc, "calico-typha", "new-blanket");
    assert!(deletions(&new).is_empty());
    // Stranded on n1 from 600 s to the end (7200 s).
    assert_eq!(new.blind_spots.stranded_agents.total, Duration::from_secs(6600));
    assert_eq!(new.blind_spots.no_replica.unwrap().total, Duration::from_secs(6600));
}

#[test]
fn b07_the_blanket_set_keeps_typha_bound_until_the_node_object_is_deleted() {
    // B07: with the new tolerations typha is replaced only once the Node object is deleted
    // (1 h), by the pod garbage collector 40 s later; it lands on n2 at once.
    let mut sc = b07_scenario(true);
    sc.timeline.push(taintsim::scenario::TimelineEvent::named(
        SimTime::from_secs(3600),
        taintsim::scenario::TimelineAction::RemoveNode { node: "n1".into() },
    ));
    let new = run(&sc, "calico-typha", "new-blanket");
    assert_eq!(deletions(&new), vec![(3640.0, "n1".into(), DeletionCause::GarbageCollection)]);
    assert_eq!(bindings(&new).last().unwrap(), &(3640.0, "n2".to_string()));
    assert_eq!(new.blind_spots.stranded_agents.total, Duration::from_secs(3040));
    // The keyed 300 s set had moved it long before: at t0 + 355 s.
    let old = run(&sc, "calico-typha", "old-keyed-300s");
    assert_eq!(deletions(&old), vec![(955.0, "n1".into(), DeletionCause::TaintEviction)]);
}

#[test]
fn b07_when_every_zone_is_fully_disrupted_nothing_is_evicted() {
    let sc = b07_scenario(false);
    let old = run(&sc, "calico-typha", "old-keyed-300s");
    assert!(deletions(&old).is_empty(), "{:?}", deletions(&old));
}

// ----- B08: operators with infinite tolerations on a halted master -----------------------------

#[test]
fn b08_fixed_operator_tolerations_reschedule_at_t0_plus_175s() {
    let sc = scenario(
        r#"(
        name: "b08", horizon: "1h",
        nodes: [
            (name_pattern: "cp{i}", count: 3, zone: "z1",
             taints: [(key: "node-role.kubernetes.io/master", effect: "NoSchedule")],
             capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
        ],
        workloads: [
            (name: "etcd-cp2", kind: Pod, node_name: "cp2", requests: {"cpu": "2", "memory": "8Gi"}),
            (name: "etcd-cp3", kind: Pod, node_name: "cp3", requests: {"cpu": "2", "memory": "8Gi"}),
        ],
        agents: [(name: "operator", kind: Deployment, replicas: 1, requests: {"cpu": "10m", "memory": "50Mi"})],
        policies: [
            (name: "catch-all", tolerations: [(operator: "Exists")]),
            (name: "fixed-120s", tolerations: [
                (key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule"),
                (key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 120),
                (key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 120)]),
            (name: "master-only", tolerations: [
                (key: "node-role.kubernetes.io/master", operator: "Exists", effect: "NoSchedule")]),
        ],
        timeline: [(at: "10m", event: Silent, node: "cp1")],
    )"#,
    );
    assert!(deletions(&run(&sc, "operator", "catch-all")).is_empty());
    let fixed = run(&sc, "operator", "fixed-120s");
    assert_eq!(deletions(&fixed), vec![(775.0, "cp1".into(), DeletionCause::TaintEviction)]);
    let to = bindings(&fixed).last().unwrap().1.clone();
    assert!(to == "cp2" || to == "cp3", "rescheduled to {to}");
    // Only the master toleration: the API adds the 300 s defaults.
    let b = run(&sc, "operator", "master-only");
    assert_eq!(deletions(&b), vec![(955.0, "cp1".into(), DeletionCause::TaintEviction)]);
}

// ----- B17: tolerationSeconds timing -----------------------------------------------------------

fn b17_scenario(version: &str) -> Scenario {
    b17_scenario_with(version, r#"(at: "10m", event: Silent, node: "w1")"#)
}

fn b17_scenario_with(version: &str, timeline: &str) -> Scenario {
    scenario(&format!(
        r#"(
        name: "b17", horizon: "1h", kubernetes_version: "{version}",
        {WORKERS}
        agents: [(name: "app", kind: Deployment, replicas: 1, requests: {{"cpu": "100m", "memory": "100Mi"}})],
        policies: [
            (name: "defaults", tolerations: []),
            (name: "zero", tolerations: [
                (key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0)]),
            (name: "forever", tolerations: [
                (key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute")]),
            (name: "negative", tolerations: [
                (key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: -10)]),
            (name: "not-ready-60s", tolerations: [
                (key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60)]),
        ],
        timeline: [{timeline}],
    )"#
    ))
}

#[test]
fn b17_default_tolerations_evict_at_t0_plus_355s_on_v1_35_and_345s_on_v1_31() {
    let out = run(&b17_scenario("1.35"), "app", "defaults");
    assert_eq!(deletions(&out), vec![(955.0, "w1".into(), DeletionCause::TaintEviction)]);
    let out = run(&b17_scenario("1.31"), "app", "defaults");
    assert_eq!(deletions(&out), vec![(945.0, "w1".into(), DeletionCause::TaintEviction)]);
}

#[test]
fn b17_zero_seconds_means_immediately_and_omitted_means_forever() {
    let sc = b17_scenario("1.35");
    let zero = run(&sc, "app", "zero");
    assert_eq!(deletions(&zero), vec![(655.0, "w1".into(), DeletionCause::TaintEviction)]);
    assert!(deletions(&run(&sc, "app", "forever")).is_empty());
}

#[test]
fn b17_negative_toleration_seconds_evict_as_soon_as_the_taint_appears() {
    // B17: tolerationSeconds <= 0 means "now": deleted when unreachable appears at t0 + 55 s.
    let out = run(&b17_scenario("1.35"), "app", "negative");
    assert_eq!(deletions(&out), vec![(655.0, "w1".into(), DeletionCause::TaintEviction)]);
    assert_eq!(bindings(&out)[1].0, 655.0);
}

#[test]
fn b17_set_c_goes_at_t0_plus_355s_on_a_silent_node_and_60s_after_ready_false() {
    // B17: C's 60 s covers only not-ready; a silent node is unreachable, where the API's 300 s apply.
    let silent = run(&b17_scenario("1.35"), "app", "not-ready-60s");
    assert_eq!(deletions(&silent), vec![(955.0, "w1".into(), DeletionCause::TaintEviction)]);
    let sc = b17_scenario_with("1.35", r#"(at: "10m", event: NotReady, node: "w1", for_duration: "20m")"#);
    let not_ready = run(&sc, "app", "not-ready-60s");
    assert_eq!(deletions(&not_ready), vec![(660.0, "w1".into(), DeletionCause::TaintEviction)]);
    let defaults = run(&sc, "app", "defaults");
    assert_eq!(deletions(&defaults), vec![(900.0, "w1".into(), DeletionCause::TaintEviction)]);
}

// ----- B01(c): the ThreatMapper agents on a node that stops heartbeating ----------------------

/// The cluster agent's node goes silent at 10 min and its Node object is deleted at 30 min.
fn b01c_cluster_agent() -> Scenario {
    cluster_agent_scenario(
        r#"(at: "10m", event: Silent, node: "w1"), (at: "30m", event: RemoveNode, node: "w1")"#,
    )
}

#[test]
fn b01c_exists_pair_cluster_agent_stays_bound_until_the_node_object_is_deleted() {
    // B01(c): TM is never taint-evicted; the pod is replaced only once the Node object is gone
    // (deleted at 1800 s, pod garbage-collected 40 s later).
    let out = run(&b01c_cluster_agent(), "cluster-agent", "exists-pair");
    assert_eq!(deletions(&out), vec![(1840.0, "w1".into(), DeletionCause::GarbageCollection)]);
    assert_eq!(out.counters.taint_evictions, 0);
    let b = bindings(&out);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[1].0, 1840.0);
    assert!(b[1].1 == "w2" || b[1].1 == "w3", "{b:?}");
    // Stranded from 600 s to 1840 s; no replica until the replacement runs at 1845 s.
    assert_eq!(out.blind_spots.stranded_agents.total, Duration::from_secs(1240));
    assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::from_secs(1245));
}

#[test]
fn b01c_empty_and_not_ready_60s_cluster_agents_move_at_t0_plus_355s() {
    // B01(c): B and C are deleted at t0 + 355 s and replaced on w2 or w3 at once.
    for policy in ["none", "not-ready-60s"] {
        let out = run(&b01c_cluster_agent(), "cluster-agent", policy);
        assert_eq!(deletions(&out), vec![(955.0, "w1".into(), DeletionCause::TaintEviction)], "{policy}");
        let b = bindings(&out);
        assert_eq!(b.len(), 2, "{policy}: {b:?}");
        assert_eq!(b[1].0, 955.0, "{policy}");
        assert!(b[1].1 == "w2" || b[1].1 == "w3", "{policy}: {b:?}");
        assert_eq!(out.blind_spots.stranded_agents.total, Duration::from_secs(355), "{policy}");
        assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::from_secs(360), "{policy}");
    }
}

#[test]
fn b01c_node_agent_on_a_silent_node_is_never_evicted_and_resumes_when_it_is_back() {
    // B01(c): the DaemonSet's own tolerations keep its pod with TM and with B; the node-level
    // gap lasts only while the node is down (silent 600 s to 1800 s, restarted at 1805 s).
    let sc = scenario(
        r#"(
        name: "b01c-node-agent", horizon: "1h",
        nodes: [(name_pattern: "w{i}", count: 3, zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"})],
        workloads: [(name: "app", kind: Deployment, replicas: 3, one_per_node: true, requests: {"cpu": "100m", "memory": "100Mi"})],
        agents: [(name: "deepfence-agent", kind: DaemonSet,
                  requests: {"cpu": "150m", "memory": "512Mi"}, limits: {"cpu": "1500m", "memory": "1536Mi"})],
        policies: [
            (name: "exists-pair", tolerations: [
                (operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
            (name: "none", tolerations: []),
        ],
        timeline: [(at: "10m", event: Silent, node: "w1", for_duration: "20m")],
    )"#,
    );
    for policy in ["exists-pair", "none"] {
        let out = run(&sc, "deepfence-agent", policy);
        assert!(deletions(&out).is_empty(), "{policy}: {:?}", deletions(&out));
        assert_eq!(bindings(&out).len(), 3, "{policy}: no pod is ever replaced");
        let w1_starts: Vec<f64> =
            events(&out, |e| e.what == AgentEventKind::Started && e.node.as_deref() == Some("w1"))
                .into_iter()
                .map(|e| secs(e.at))
                .collect();
        assert_eq!(w1_starts, vec![0.0, 1805.0], "{policy}");
        assert_eq!(out.blind_spots.stranded_agents.total, Duration::from_secs(1200), "{policy}");
        // Usable but agent-less only for the 5 s start-up after the node is back.
        let agentless = out.blind_spots.agentless_nodes.unwrap();
        assert_eq!((agentless.count, agentless.total), (1, Duration::from_secs(5)), "{policy}");
    }
}

// ----- events aimed at the node running the agent ---------------------------------------------

#[test]
fn a_spell_aimed_at_the_agent_follows_it_wherever_its_policy_placed_it() {
    let sc = cluster_agent_scenario(
        r#"(at: "10m", event: Silent, node_of: "cluster-agent", for_duration: "20m")"#,
    );
    let pair = run(&sc, "cluster-agent", "exists-pair");
    assert_eq!(pair.blind_spots.under_replicated.unwrap().total, Duration::from_secs(1205));
    let none = run(&sc, "cluster-agent", "none");
    assert_eq!(deletions(&none), vec![(955.0, "w1".into(), DeletionCause::TaintEviction)]);
}

// ----- agent-less nodes, start-up problems, time series ---------------------------------------

#[test]
fn an_idle_tainted_node_without_the_agent_is_agentless_but_not_uncovered() {
    let sc = scenario(
        r#"(
        name: "idle", horizon: "1h",
        nodes: [
            (name: "w1", zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"}),
            (name: "cp1", zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"},
             taints: [(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule")]),
        ],
        workloads: [(name: "app", kind: Deployment, replicas: 1, requests: {"cpu": "100m"})],
        agents: [(name: "node-agent", kind: DaemonSet, requests: {"cpu": "100m"})],
        policies: [(name: "none", tolerations: []), (name: "all", tolerations: [(operator: "Exists")])],
    )"#,
    );
    let none = run(&sc, "node-agent", "none");
    assert_eq!(none.blind_spots.uncovered_nodes.unwrap().total, Duration::ZERO);
    let agentless = none.blind_spots.agentless_nodes.unwrap();
    assert_eq!((agentless.count, agentless.total), (1, Duration::from_secs(3600)));
    assert_eq!(run(&sc, "node-agent", "all").blind_spots.agentless_nodes.unwrap().total, Duration::ZERO);
}

#[test]
fn pods_that_cannot_start_are_reported_as_start_issues() {
    let sc = scenario(
        r#"(
        name: "overcommit", horizon: "10m",
        nodes: [(name: "w1", zone: "z1", capacity: {"cpu": "2", "memory": "8Gi", "pods": "110"})],
        workloads: [
            (name: "huge", kind: Pod, node_name: "w1", requests: {"cpu": "100"}),
            (name: "trainer", kind: Deployment, replicas: 2, limits: {"nvidia.com/gpu": "1"}),
        ],
        agents: [(name: "cluster-agent", kind: Deployment, replicas: 1, requests: {"cpu": "100m"})],
        policies: [(name: "none", tolerations: [])],
    )"#,
    );
    let out = run(&sc, "cluster-agent", "none");
    let issues: Vec<(String, u32, String)> =
        out.start_issues.iter().map(|i| (i.workload.clone(), i.pods, i.reason.clone())).collect();
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert_eq!((issues[0].0.as_str(), issues[0].1), ("huge", 1));
    assert!(
        issues[0].2.contains("kubelet on w1 rejected it") && issues[0].2.contains("Insufficient cpu"),
        "{issues:?}"
    );
    assert_eq!((issues[1].0.as_str(), issues[1].1), ("trainer", 2));
    assert!(issues[1].2.contains("0/1 nodes are available"), "{issues:?}");
    // The rejected pod holds nothing: the agent still fits and runs.
    assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::ZERO);
}

#[test]
fn a_time_series_row_shows_the_state_after_every_event_at_its_instant() {
    // The replacement starts at 960 s, exactly on a sample instant.
    let sc = cluster_agent_scenario(r#"(at: "10m", event: Silent, node: "w1", for_duration: "20m")"#);
    let out = run(&sc, "cluster-agent", "none");
    let row = out.samples.iter().find(|s| s.at == SimTime::from_secs(960)).expect("a row at 960 s");
    assert_eq!(row.agent_running, 1);
    let before = out.samples.iter().find(|s| s.at == SimTime::from_secs(900)).unwrap();
    assert_eq!(before.agent_running, 0);
    assert_eq!(out.samples.len(), 61, "one row a minute from 0 to 1 h inclusive");
}
