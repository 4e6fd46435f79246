//! Drains through whole runs: each drainer against an agent whose replacement tolerates the
//! cordon, PodDisruptionBudgets, and the drain field cases (B01, B02, B03, B05, B09 in the
//! shared field-case list). Times are seconds from the start; drains start at 600 s.

use std::time::Duration;
use taintsim::engine::Simulation;
use taintsim::measures::{AgentEventKind, DrainOutcome, DrainResult, RunOutput};
use taintsim::scenario::{Scenario, load_str};
use taintsim::time::SimTime;

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
/// runs under the chart's old Exists pair, `[]`, the not-ready 60 s set or the catch-all.
/// B01(a), B02 and B05 in one shape.
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
            (name: "not-ready-60s", tolerations: [
                (key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60)]),
            (name: "catch-all", tolerations: [(operator: "Exists")]),
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

#[test]
fn b01a_empty_and_not_ready_60s_replacements_leave_the_drained_node_empty_by_602s() {
    // B01(a): with B or C the replacement is filtered off the cordoned w1; only the DaemonSet
    // pod is left when the node goes down, well within the 30 s grace period.
    for policy in ["none", "not-ready-60s"] {
        let out = run(&drained_agent_node("kubectl", ""), "cluster-agent", policy);
        let d = only_drain(&out);
        assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 602.0)), "{policy}");
        assert_eq!((d.eviction_attempts, d.came_back, d.left_behind), (1, 0, 0), "{policy}");
        assert_eq!(d.killed, 1, "{policy}: only the node-exporter pod goes down with w1");
        let moved = bound_nodes(&out);
        assert_eq!(moved.len(), 2, "{policy}: {moved:?}");
        assert!(moved[1] == "w2" || moved[1] == "w3", "{policy}: {moved:?}");
        // Down from the eviction (600 s) until the replacement runs (605 s).
        assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::from_secs(5), "{policy}");
    }
}

#[test]
fn b05_a_wildcard_pod_arriving_after_the_eviction_list_dies_with_the_node() {
    // B05: the replacement passes the filter on the tainted w1 after the autoscaler listed the
    // node's pods; the node goes down at 605 s with it, and the pod, never evicted, waits there
    // until the node is back (1505 s) and runs at 1510 s.
    for policy in ["exists-pair", "catch-all"] {
        let out = run(&drained_agent_node("cluster-autoscaler", ""), "cluster-agent", policy);
        let d = only_drain(&out);
        assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 605.0)), "{policy}");
        // The agent and the node-exporter pod were on the eviction list; the replacement was not.
        assert_eq!(d.eviction_attempts, 2, "{policy}");
        assert_eq!((d.came_back, d.left_behind, d.killed), (1, 1, 1), "{policy}");
        assert!(d.agent_left_behind, "{policy}");
        assert_eq!(bound_nodes(&out), vec!["w1", "w1"], "{policy}");
        assert_eq!(out.blind_spots.stranded_agents.total, Duration::from_secs(900), "{policy}");
        assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::from_secs(910), "{policy}");
    }
}

#[test]
fn b05_empty_and_not_ready_60s_pods_never_land_on_the_node_being_deleted() {
    // B05: B and C do not tolerate ToBeDeletedByClusterAutoscaler:NoSchedule.
    for policy in ["none", "not-ready-60s"] {
        let out = run(&drained_agent_node("cluster-autoscaler", ""), "cluster-agent", policy);
        let d = only_drain(&out);
        assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 605.0)), "{policy}");
        assert_eq!((d.came_back, d.left_behind, d.killed), (0, 0, 0), "{policy}");
        let nodes = bound_nodes(&out);
        assert_eq!(nodes.len(), 2, "{policy}: {nodes:?}");
        assert!(nodes[1..].iter().all(|n| n != "w1"), "{policy}: {nodes:?}");
        assert_eq!(out.blind_spots.no_replica.unwrap().total, Duration::from_secs(5), "{policy}");
    }
}

// ----- B02: Calico Deployments during a node-group rolling update --------------------------------

/// An old node `w-old` running the three Calico Deployments (one replica each) and the
/// calico-node DaemonSet, drained at 600 s by `drainer` (timeout 10 min, down 15 min); the two
/// new nodes are half full, so the emptied old node scores best. `chart` is the tolerations of
/// all three Deployments; `typha_pdb` adds a Typha budget allowing no disruption.
fn b02(chart: &str, drainer: &str, typha_pdb: bool) -> Scenario {
    let pdbs = if typha_pdb {
        r#"pdbs: [(name: "calico-typha", workload: "calico-typha", max_unavailable: 0)],"#
    } else {
        ""
    };
    scenario(&format!(
        r#"(
        name: "b02", horizon: "2h",
        nodes: [
            (name: "w-old", zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}}),
            (name_pattern: "w-new{{i}}", count: 2, zone: "z1", capacity: {{"cpu": "4", "memory": "16Gi", "pods": "110"}}),
        ],
        workloads: [
            (name: "app-new1", kind: Pod, node_name: "w-new1", requests: {{"cpu": "2", "memory": "8Gi"}}),
            (name: "app-new2", kind: Pod, node_name: "w-new2", requests: {{"cpu": "2", "memory": "8Gi"}}),
            (name: "calico-node", namespace: "calico-system", kind: DaemonSet, host_network: true,
             requests: {{"cpu": "250m", "memory": "128Mi"}}, tolerations: [(operator: "Exists")]),
        ],
        agents: [
            (name: "tigera-operator", namespace: "tigera-operator", kind: Deployment,
             requests: {{"cpu": "10m", "memory": "64Mi"}}, tolerations: {chart}),
            (name: "calico-typha", namespace: "calico-system", kind: Deployment,
             requests: {{"cpu": "10m", "memory": "64Mi"}}, tolerations: {chart}),
            (name: "calico-kube-controllers", namespace: "calico-system", kind: Deployment,
             requests: {{"cpu": "10m", "memory": "64Mi"}}, tolerations: {chart}),
        ],
        policies: [(name: "chart", tolerations: {chart})],
        {pdbs}
        timeline: [(at: "10m", node: "w-old", event: Drain, drainer: "{drainer}", timeout: "10m", down_for: "15m")],
    )"#
    ))
}

/// Calico's hard-coded Deployment tolerations, the same as ThreatMapper's old pair.
const CALICO_TOLERATIONS: &str =
    r#"[(effect: "NoExecute", operator: "Exists"), (effect: "NoSchedule", operator: "Exists")]"#;

#[test]
fn b02_calico_deployments_with_the_exists_pair_come_back_to_the_cordoned_node() {
    // B02: the three evicted pods are re-created on w-old (their tolerations cover the cordon and
    // it is the emptiest node); kubectl reports success with the three left behind.
    let out = run(&b02(CALICO_TOLERATIONS, "kubectl", false), "calico-typha", "chart");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 602.0)));
    assert_eq!((d.eviction_attempts, d.came_back, d.left_behind), (3, 3, 3));
    // The three replacements and the calico-node pod go down with the node.
    assert_eq!(d.killed, 4);
    assert_eq!(bound_nodes(&out), vec!["w-old", "w-old"]);
}

#[test]
fn b02_an_upgrade_drain_that_waits_for_no_evictable_pods_never_finishes_with_the_exists_pair() {
    // B02: a re-listing drainer evicts the three returning pods at every 20 s pass
    // (600 s, 620 s, ..., 1180 s) until its 10 min timeout.
    let out = run(&b02(CALICO_TOLERATIONS, "cluster-api", false), "calico-typha", "chart");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::TimedOut, (600.0, 1200.0)));
    assert_eq!((d.eviction_attempts, d.came_back, d.left_behind), (90, 90, 3));
}

#[test]
fn b02_with_empty_tolerations_the_pods_move_to_new_nodes_in_one_eviction_round() {
    // B02: without the unschedulable toleration each pod is evicted once and lands on a new
    // node; kubectl is done when the evicted pods are gone, Cluster API at its next listing.
    for (drainer, ended) in [("kubectl", 602.0), ("cluster-api", 620.0)] {
        let out = run(&b02("[]", drainer, false), "calico-typha", "chart");
        let d = only_drain(&out);
        assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, ended)), "{drainer}");
        assert_eq!((d.eviction_attempts, d.came_back, d.left_behind), (3, 0, 0), "{drainer}");
        let nodes = bound_nodes(&out);
        assert_eq!(nodes.len(), 2, "{drainer}: {nodes:?}");
        assert!(nodes[1].starts_with("w-new"), "{drainer}: {nodes:?}");
    }
}

#[test]
fn b02_a_typha_budget_allowing_no_disruption_refuses_each_eviction_retried_every_5s() {
    // B02 (as B09): Typha's eviction is answered 429 at 600, 605, ..., 1195 s; the other two
    // Deployments are evicted once each. The drain gives up at its timeout and keeps the node.
    for (chart, came_back) in [(CALICO_TOLERATIONS, 2), ("[]", 0)] {
        let out = run(&b02(chart, "kubectl", true), "calico-typha", "chart");
        let d = only_drain(&out);
        assert_eq!((d.outcome, secs(d)), (DrainOutcome::TimedOut, (600.0, 1200.0)), "{chart}");
        assert_eq!((d.eviction_attempts, d.pdb_refusals), (122, 120), "{chart}");
        assert_eq!(d.came_back, came_back, "{chart}");
        assert_eq!(d.killed, 0, "{chart}");
        assert_eq!(bound_nodes(&out), vec!["w-old"], "{chart}: Typha never moves");
    }
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
fn b03_the_narrowed_operator_moves_off_the_drained_node_within_the_grace_period() {
    // B03: the narrowed list fails the cordon filter on cp1; the one node left for the evicted
    // replica (anti-affinity) is cp3 with room, and the drain completes when the old pod is gone.
    let out = run(&b03(true), "cilium-operator", "narrowed");
    let d = only_drain(&out);
    assert_eq!((d.outcome, secs(d)), (DrainOutcome::Completed, (600.0, 602.0)));
    assert_eq!((d.eviction_attempts, d.came_back, d.left_behind), (1, 0, 0));
    assert_eq!(bound_nodes(&out).last().map(String::as_str), Some("cp3"));
    let moved =
        out.agent_log.iter().find(|e| e.what == AgentEventKind::Bound && e.node.as_deref() == Some("cp3"));
    assert_eq!(moved.map(|e| e.at.as_secs_f64()), Some(600.0));
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
    // The written day's four drains come first; the generated week's upgrades and spot
    // interruptions follow.
    let day = |r: &RunOutput| r.drains.iter().filter(|d| d.started < SimTime::from_secs(86_400)).count();
    let drainers = |r: &RunOutput| r.drains[..day(r)].iter().map(|d| d.drainer).collect::<Vec<_>>();
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
