//! Drains through whole runs: each drainer against an agent whose replacement tolerates the
//! cordon, PodDisruptionBudgets, and the drain field cases (B01, B02, B03, B05, B09 in the
//! shared field-case list). Times are seconds from the start; drains start at 600 s.

use std::time::Duration;
use taintsim::engine::Simulation;
use taintsim::measures::{AgentEventKind, DrainOutcome, DrainResult, RunOutput};
use taintsim::scenario::{Scenario, load_str};

fn scenario(source: &str) -> Scenario {
    load_str(source, "inline").unwrap_or_else(|e| panic!("test scenario does not load: {e}"))
}

fn run(sc: &Scenario, agent: &str, policy: &str) -> RunOutput {
    let ai = sc.agents.iter().position(|a| a.name == agent).expect("agent exists");
    let p = sc.policies.iter().find(|p| p.name == policy).expect("policy exists");
    Simulation::new(sc, ai, p).run(&p.name)
}

fn only_drain(out: &RunOutput) -> &DrainResult {
    assert_eq!(out.drains.len(), 1, "{:?}", out.drains);
    &out.drains[0]
}

fn secs(d: &DrainResult) -> (f64, f64) {
    (d.started.as_secs_f64(), d.ended.as_secs_f64())
}

/// Nodes the agent's pods were bound to, in order.
fn bound_nodes(out: &RunOutput) -> Vec<String> {
    out.agent_log.iter().filter(|e| e.what == AgentEventKind::Bound).filter_map(|e| e.node.clone()).collect()
}

/// Three workers; w2 and w3 half full, so the single cluster-agent replica sits on the emptiest
/// node, w1, which is drained at 600 s by `drainer` (timeout 10 min, down 15 min). The agent
/// runs under the chart's old Exists pair or under `[]`. B01(a) and B02 in one shape.
fn drained_agent_node(drainer: &str, extra: &str) -> Scenario {
    scenario(&format!(
        r#"(
        name: "drain", horizon: "2h",
        nodes: [(name_pattern: "w{{i}}", count: 3, zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}})],
        workloads: [
            (name: "filler-w2", kind: Pod, node_name: "w2", requests: {{"cpu": "2", "memory": "8Gi"}}),
            (name: "filler-w3", kind: Pod, node_name: "w3", requests: {{"cpu": "2", "memory": "8Gi"}}),
            (name: "node-exporter", kind: DaemonSet, requests: {{"cpu": "50m", "memory": "64Mi"}}),
        ],
        agents: [(name: "cluster-agent", kind: Deployment, replicas: 1,
                  requests: {{"cpu": "25m", "memory": "80Mi"}} {extra})],
        policies: [
            (name: "exists-pair", tolerations: [
                (operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
            (name: "none", tolerations: []),
        ],
        timeline: [(at: "10m", node: "w1", event: Drain, drainer: "{drainer}", timeout: "10m", down_for: "15m")],
    )"#
    ))
}

#[test]
fn exists_pair_replacement_lands_back_on_the_cordoned_node_and_kubectl_completes_with_it_left_behind() {
    let out = run(&drained_agent_node("kubectl", ""), "cluster-agent", "exists-pair");
    let d = only_drain(&out);
    // Evicted at 600 s, gone 2 s later; kubectl polls each second and is done at 602 s.
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 602.0)));
    assert_eq!(bound_nodes(&out), vec!["w1", "w1"]);
    assert_eq!((d.came_back, d.left_behind), (1, 1));
    assert!(d.agent_left_behind);
    // The node then goes down with the agent (and the node-exporter pod) on it.
    assert_eq!(d.killed, 2);
}

#[test]
fn exists_pair_keeps_a_relisting_drain_busy_until_its_timeout() {
    let out = run(&drained_agent_node("cluster-api", ""), "cluster-agent", "exists-pair");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::TimedOut, (600.0, 1200.0)));
    // Evicted again at every 20 s listing: 600, 620, ..., 1180.
    assert_eq!(d.eviction_attempts, 30);
    assert_eq!(d.came_back, 30);
    assert!(d.agent_left_behind);
}

#[test]
fn karpenter_never_evicts_a_pod_that_tolerates_its_taint() {
    let out = run(&drained_agent_node("karpenter", ""), "cluster-agent", "exists-pair");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 605.0)));
    // Only the node-exporter pod is evicted (tier 2: a DaemonSet pod, after tier 1 is empty).
    assert_eq!(d.eviction_attempts, 1);
    assert!(d.agent_left_behind);
    assert!(!out.agent_log.iter().any(|e| matches!(e.what, AgentEventKind::Deleted(_))));
}

#[test]
fn with_empty_tolerations_every_drainer_completes_before_its_timeout() {
    for drainer in ["kubectl", "cluster-api", "karpenter", "cluster-autoscaler"] {
        let out = run(&drained_agent_node(drainer, ""), "cluster-agent", "none");
        let d = only_drain(&out);
        assert_eq!(d.outcome, DrainOutcome::Completed, "{drainer}: {d:?}");
        assert!(d.duration() < Duration::from_secs(60), "{drainer}: {d:?}");
        assert_eq!((d.came_back, d.left_behind), (0, 0), "{drainer}: {d:?}");
        let moved = bound_nodes(&out);
        assert_eq!(moved.len(), 2, "{drainer}");
        assert_ne!(moved[1], "w1", "{drainer}: the replacement avoids the drained node");
    }
}

#[test]
fn b05_cluster_autoscaler_taint_does_not_keep_a_wildcard_pod_away() {
    let out = run(&drained_agent_node("cluster-autoscaler", ""), "cluster-agent", "exists-pair");
    let d = only_drain(&out);
    // The evicted agent comes straight back (it tolerates ToBeDeletedByClusterAutoscaler) and
    // dies with the node.
    assert_eq!(d.outcome, DrainOutcome::Completed);
    assert_eq!(bound_nodes(&out), vec!["w1", "w1"]);
    assert!(d.agent_left_behind);
}

// ----- PodDisruptionBudgets ------------------------------------------------------------------

/// B09: the Datadog cluster agent's budget (`minAvailable: 1`, one replica).
fn b09(drainer: &str, replicas: u32) -> Scenario {
    scenario(&format!(
        r#"(
        name: "b09", horizon: "2h",
        nodes: [(name_pattern: "w{{i}}", count: 3, zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}})],
        workloads: [
            (name: "filler-w2", kind: Pod, node_name: "w2", requests: {{"cpu": "2", "memory": "8Gi"}}),
            (name: "filler-w3", kind: Pod, node_name: "w3", requests: {{"cpu": "3", "memory": "8Gi"}}),
        ],
        agents: [(name: "datadog-cluster-agent", kind: Deployment, replicas: {replicas}, one_per_node: true,
                  requests: {{"cpu": "200m", "memory": "256Mi"}})],
        policies: [(name: "none", tolerations: [])],
        pdbs: [(name: "datadog-cluster-agent", workload: "datadog-cluster-agent", min_available: 1)],
        timeline: [(at: "10m", node: "w1", event: Drain, drainer: "{drainer}", timeout: "10m", down_for: "15m")],
    )"#
    ))
}

#[test]
fn b09_a_one_replica_budget_refuses_every_eviction_until_the_kubectl_timeout() {
    let out = run(&b09("kubectl", 1), "datadog-cluster-agent", "none");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::TimedOut, (600.0, 1200.0)));
    // 600, 605, ..., 1195: every 5 s, each one a 429.
    assert_eq!((d.eviction_attempts, d.pdb_refusals), (120, 120));
    // A failed kubectl drain leaves the node up and uncordoned: the agent keeps running.
    assert_eq!(d.killed, 0);
    assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::ZERO);
}

#[test]
fn b09_cluster_autoscaler_refuses_the_node_outright() {
    let out = run(&b09("cluster-autoscaler", 1), "datadog-cluster-agent", "none");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::Refused, (600.0, 600.0)));
    assert!(d.refusal.as_deref().unwrap_or("").contains("PodDisruptionBudget"), "{d:?}");
    assert_eq!(d.eviction_attempts, 0);
}

#[test]
fn b09_two_replicas_on_different_nodes_let_the_drain_through() {
    let out = run(&b09("kubectl", 2), "datadog-cluster-agent", "none");
    let d = only_drain(&out);
    assert_eq!(d.outcome, DrainOutcome::Completed, "{d:?}");
    assert_eq!(d.pdb_refusals, 0);
}

// ----- B03: a blanket toleration and required anti-affinity ------------------------------------

/// cilium-operator: 2 replicas, one per node, on cp1 and cp2; `spare` decides whether the third
/// node has room for an operator pod.
fn b03(spare: bool) -> Scenario {
    let cp3_used = if spare { "500m" } else { "3900m" };
    scenario(&format!(
        r#"(
        name: "b03", horizon: "2h",
        nodes: [(name_pattern: "cp{{i}}", count: 3, zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}})],
        workloads: [(name: "busy-cp3", kind: Pod, node_name: "cp3", requests: {{"cpu": "{cp3_used}", "memory": "1Gi"}})],
        agents: [(name: "cilium-operator", kind: Deployment, replicas: 2, one_per_node: true,
                  requests: {{"cpu": "200m", "memory": "128Mi"}})],
        policies: [
            (name: "catch-all", tolerations: [(operator: "Exists")]),
            (name: "narrowed", tolerations: [
                (key: "node-role.kubernetes.io/control-plane", operator: "Exists"),
                (key: "node-role.kubernetes.io/master", operator: "Exists"),
                (key: "node.kubernetes.io/not-ready", operator: "Exists")]),
        ],
        timeline: [(at: "10m", node_of: "cilium-operator", event: Drain, drainer: "kubectl", down_for: "15m")],
    )"#
    ))
}

#[test]
fn b03_with_no_other_room_the_catch_all_operator_returns_to_the_drained_node() {
    let out = run(&b03(false), "cilium-operator", "catch-all");
    let d = only_drain(&out);
    // The old pod still counts for anti-affinity while it terminates; once it is gone (602 s)
    // kubectl reports success, and the only node left for the replacement is the cordoned one,
    // which it tolerates: it binds there as the node goes down.
    assert_eq!(d.outcome, DrainOutcome::Completed);
    assert_eq!(d.came_back, 1);
    assert_eq!(bound_nodes(&out).last().map(String::as_str), Some("cp1"));
    assert!(out.blind_spots.stranded_agents.total > Duration::from_secs(800), "{:?}", out.blind_spots);
    let narrowed = run(&b03(false), "cilium-operator", "narrowed");
    let d = only_drain(&narrowed);
    assert_eq!((d.came_back, d.left_behind), (0, 0), "the cordon keeps it off: {d:?}");
}

#[test]
fn b03_with_room_elsewhere_the_replacement_moves_even_with_the_catch_all() {
    let out = run(&b03(true), "cilium-operator", "catch-all");
    let d = only_drain(&out);
    assert_eq!((d.outcome, d.came_back), (DrainOutcome::Completed, 0));
    assert_eq!(bound_nodes(&out).last().map(String::as_str), Some("cp3"));
}

// ----- the default scenario's maintenance drains -----------------------------------------------

#[test]
fn default_scenario_drains_strand_the_exists_pair_cluster_agent_but_not_the_empty_set() {
    use taintsim::engine::comparison::run_comparison;
    let sc = taintsim::scenario::default_scenario();
    let cmp = run_comparison(&sc, |_, _, _, _| {});
    let cluster = cmp.agents.iter().find(|a| a.agent == "deepfence-agent-cluster").unwrap();
    let by_policy = |name: &str| cluster.runs.iter().find(|r| r.policy == name).unwrap();
    let drainers = |r: &RunOutput| r.drains.iter().map(|d| d.drainer).collect::<Vec<_>>();
    let pair = by_policy("chart-exists-pair");
    assert_eq!(drainers(pair), vec!["kubectl", "cluster-api", "karpenter", "cluster-autoscaler"]);
    // Karpenter ignores a pod tolerating its taint; the autoscaler's taint does not keep the
    // replacement away: both leave the agent on the node that goes down.
    assert!(pair.drains[2].agent_left_behind && pair.drains[3].agent_left_behind, "{:?}", pair.drains);
    for policy in ["none", "not-ready-60s", "recommended-cluster-agent"] {
        let run = by_policy(policy);
        assert!(
            run.drains.iter().all(|d| d.outcome == DrainOutcome::Completed && d.left_behind == 0),
            "{policy}"
        );
    }
}

#[test]
fn cluster_autoscaler_refuses_a_node_whose_pods_need_more_disruptions_than_the_budget_allows() {
    // Two replicas, both on w1 (no anti-affinity; the other nodes are nearly full), one budget
    // allowing one disruption: the second pod finds the budget used up.
    let sc = scenario(
        r#"(
        name: "two-on-one", horizon: "1h",
        nodes: [(name_pattern: "w{i}", count: 3, zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"})],
        workloads: [
            (name: "filler-w2", kind: Pod, node_name: "w2", requests: {"cpu": "3900m", "memory": "8Gi"}),
            (name: "filler-w3", kind: Pod, node_name: "w3", requests: {"cpu": "3900m", "memory": "8Gi"}),
        ],
        agents: [(name: "cluster-agent", kind: Deployment, replicas: 2, requests: {"cpu": "200m", "memory": "256Mi"})],
        policies: [(name: "none", tolerations: [])],
        pdbs: [(name: "ca", workload: "cluster-agent", min_available: 1)],
        timeline: [(at: "10m", node: "w1", event: Drain, drainer: "cluster-autoscaler", down_for: "15m")],
    )"#,
    );
    let out = run(&sc, "cluster-agent", "none");
    assert_eq!(bound_nodes(&out), vec!["w1", "w1"]);
    let d = only_drain(&out);
    assert_eq!(d.outcome, DrainOutcome::Refused, "{d:?}");
    assert_eq!(d.eviction_attempts, 0);
}
