//! Node pressure through whole runs: OOM kills and restart back-off (B16), kubelet eviction of an
//! agent whose use exceeds its request (B16), and a DaemonSet agent evicted again and again under
//! pressure, recreated with the controller's growing back-off (B15). Usage models are set on
//! the loaded scenario directly.

use std::time::Duration;
use taintsim::engine::Simulation;
use taintsim::measures::{AgentEventKind, DeletionCause, RunOutput};
use taintsim::model::Quantity;
use taintsim::model::usage::{UsageModel, UsageResource};
use taintsim::scenario::{Scenario, TimelineAction, TimelineEvent, load_str};
use taintsim::time::SimTime;

fn q(text: &str) -> Quantity {
    Quantity::parse(text).unwrap()
}

fn run(sc: &Scenario, policy: &str) -> RunOutput {
    let p = sc.policies.iter().find(|p| p.name == policy).expect("policy exists");
    Simulation::new(sc, 0, p).run(&p.name)
}

fn times(out: &RunOutput, what: impl Fn(&AgentEventKind) -> bool) -> Vec<f64> {
    out.agent_log.iter().filter(|e| what(&e.what)).map(|e| e.at.as_secs_f64()).collect()
}

/// One 4 CPU / 8Gi node (allocatable 7Gi) with the ThreatMapper node agent (requests
/// 150m/512Mi, limits 1500m/1536Mi) and a business Deployment.
fn one_node(agent_priority: i32, business_priority: i32) -> Scenario {
    load_str(
        &format!(
            r#"(
        name: "pressure", horizon: "30m",
        nodes: [(name: "w1", zone: "z1", capacity: {{"cpu": "4", "memory": "8Gi", "pods": "110"}},
                 allocatable: {{"cpu": "4", "memory": "7Gi", "pods": "110"}})],
        workloads: [(name: "api", kind: Deployment, replicas: 2, priority: {business_priority},
                     requests: {{"cpu": "500m", "memory": "1Gi"}}, limits: {{"memory": "6Gi"}})],
        agents: [(name: "deepfence-agent", kind: DaemonSet, priority: {agent_priority},
                  requests: {{"cpu": "150m", "memory": "512Mi"}}, limits: {{"cpu": "1500m", "memory": "1536Mi"}})],
        policies: [(name: "chart", tolerations: [(operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")])],
    )"#
        ),
        "inline",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn b16_an_agent_over_its_memory_limit_is_oom_killed_and_restarts_with_growing_back_off() {
    let mut sc = one_node(0, 0);
    sc.agents[0].template.usage.memory = Some(UsageModel::Constant(q("1700Mi")));
    let out = run(&sc, "chart");
    let kills = times(&out, |w| *w == AgentEventKind::OomKilled);
    assert!(kills.len() >= 5, "{kills:?}");
    let gaps: Vec<f64> = kills.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "restart delays never shrink: {gaps:?}");
    assert!(gaps.last().unwrap() > &100.0, "back-off grows towards 5 min: {gaps:?}");
    assert_eq!(out.contention.agent_oom_kills as usize, kills.len());
    // It is killed, not evicted: the node itself is not under pressure.
    assert_eq!(out.contention.agent_evictions, 0);
}

#[test]
fn b16_under_memory_pressure_the_kubelet_evicts_the_agent_using_three_times_its_request() {
    let mut sc = one_node(0, 0);
    sc.agents[0].template.usage.memory = Some(UsageModel::Constant(q("1500Mi")));
    // The api pods spike to 3Gi each at 5 min: 1500Mi + 2 x 3Gi > 7Gi allocatable.
    sc.timeline.push(TimelineEvent::named(
        SimTime::from_secs(300),
        TimelineAction::UsageSpike {
            node: "w1".into(),
            workload: "api".into(),
            resource: UsageResource::Memory,
            amount: q("2Gi"),
        },
    ));
    let out = run(&sc, "chart");
    // Both api pods and the agent exceed their requests; at equal priority the largest excess
    // goes first: the api pods at 2Gi over, then the agent at 988Mi over. After the api pods
    // are gone the node recovers, so the agent may be spared; the api pods are evicted beside it.
    assert!(out.contention.business_evictions_beside_agent >= 1, "{:?}", out.contention);
    assert!(out.contention.memory_pressure.total > Duration::ZERO, "agent time on a MemoryPressure node");
}

#[test]
fn b15_a_low_priority_agent_under_pressure_is_evicted_and_recreated_with_back_off() {
    // Business pods outrank the agent (priority 1000 vs 0), so under memory pressure the agent,
    // using more than its request, goes first every time.
    let mut sc = one_node(0, 1000);
    sc.agents[0].template.usage.memory = Some(UsageModel::Constant(q("900Mi")));
    sc.workloads[0].template.usage.memory = Some(UsageModel::Constant(q("3200Mi")));
    let out = run(&sc, "chart");
    let evictions = times(&out, |w| *w == AgentEventKind::Deleted(DeletionCause::KubeletEviction));
    assert!(evictions.len() >= 3, "{evictions:?}");
    assert_eq!(out.contention.agent_evictions as usize, evictions.len());
    let gaps: Vec<f64> = evictions.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.windows(2).all(|g| g[1] >= g[0]), "DaemonSet back-off never shrinks: {gaps:?}");
    // No business pod was evicted: the agent's own use is what the kubelet reclaims.
    assert_eq!(out.contention.business_evictions_beside_agent, 0);
    // The node agent is missing during each back-off: agent-less time accumulates.
    assert!(out.blind_spots.agentless_nodes.unwrap().total > Duration::from_secs(60));
}

#[test]
fn an_injected_condition_taints_the_node_but_evicts_nothing() {
    let mut sc = one_node(0, 0);
    sc.agents[0].template.usage.memory = Some(UsageModel::Constant(q("1500Mi")));
    sc.timeline.push(TimelineEvent::named(
        SimTime::from_secs(60),
        TimelineAction::InjectCondition {
            node: "w1".into(),
            condition: taintsim::scenario::PressureCondition::Memory,
            status: true,
        },
    ));
    let out = run(&sc, "chart");
    assert_eq!(out.contention.agent_evictions, 0);
    assert_eq!(out.contention.memory_pressure.total, Duration::from_secs(30 * 60 - 60));
}

#[test]
fn default_scenario_memory_episode_evicts_a_business_pod_beside_the_node_agent() {
    use taintsim::engine::comparison::run_comparison;
    let sc = taintsim::scenario::default_scenario();
    let cmp = run_comparison(&sc, |_, _, _, _| {});
    let node_agent = cmp.agents.iter().find(|a| a.agent == "deepfence-agent").unwrap();
    for run in &node_agent.runs {
        let c = &run.contention;
        assert!(c.memory_pressure.total >= Duration::from_secs(300), "{}: {c:?}", run.policy);
        assert!(c.business_evictions_beside_agent >= 1, "{}: {c:?}", run.policy);
        assert!(c.business_evictions_caused_by_agent <= c.business_evictions_beside_agent);
    }
}

#[test]
fn an_evicted_agent_pod_stops_counting_as_under_pressure_once_it_is_gone() {
    let mut sc = one_node(0, 1000);
    sc.agents[0].template.usage.memory = Some(UsageModel::Constant(q("900Mi")));
    sc.workloads[0].template.usage.memory = Some(UsageModel::Constant(q("3200Mi")));
    let out = run(&sc, "chart");
    // Each pod is on the pressured node from its start until its eviction a few seconds later;
    // the back-off gaps in between have no agent pod at all.
    let under = out.contention.memory_pressure;
    assert!(under.total < Duration::from_secs(5 * 60), "{under:?}");
    assert!(under.longest < Duration::from_secs(60), "{under:?}");
}

#[test]
fn a_container_killed_as_it_restarts_leaves_one_unbroken_outage() {
    let mut sc = one_node(0, 0);
    let agent = &mut sc.agents[0];
    agent.kind = taintsim::scenario::WorkloadKind::Deployment { replicas: 1 };
    agent.template.usage.memory = Some(UsageModel::Constant(q("1700Mi")));
    let out = run(&sc, "chart");
    assert!(out.contention.agent_oom_kills >= 5);
    let under = out.blind_spots.under_replicated.unwrap();
    // Killed at the 10 s pass and restarted at once, it runs until the 20 s pass; from then on
    // each restart lands on a pass instant and is killed in that same instant, so the outage
    // is one unbroken spell to the end.
    assert_eq!(under.count, 1, "{under:?}");
}

/// B01(b): nodes under MemoryPressure stay feasible for the chart's old Exists pair, not for
/// `[]`. The cluster agent loses its node (w1 deleted at 15 min) while w2 and w3 report
/// MemoryPressure (injected from 10 min to 1 h 10 min).
#[test]
fn b01b_pressured_nodes_take_the_exists_pair_agent_but_not_the_empty_set() {
    let sc = load_str(
        r#"(
        name: "b01b", horizon: "2h",
        nodes: [(name_pattern: "w{i}", count: 3, zone: "z1", capacity: {"cpu": "4", "memory": "16Gi", "pods": "110"})],
        workloads: [
            (name: "filler-w2", kind: Pod, node_name: "w2", requests: {"cpu": "2", "memory": "8Gi"}),
            (name: "filler-w3", kind: Pod, node_name: "w3", requests: {"cpu": "2", "memory": "8Gi"}),
        ],
        agents: [(name: "cluster-agent", kind: Deployment, replicas: 1,
                  requests: {"cpu": "25m", "memory": "80Mi"}, limits: {"cpu": "1500m", "memory": "1536Mi"})],
        policies: [
            (name: "exists-pair", tolerations: [(operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
            (name: "none", tolerations: []),
        ],
        timeline: [
            (at: "10m", node: "w2", event: InjectCondition, condition: "MemoryPressure", for_duration: "1h"),
            (at: "10m", node: "w3", event: InjectCondition, condition: "MemoryPressure", for_duration: "1h"),
            (at: "15m", node: "w1", event: RemoveNode),
        ],
    )"#,
        "inline",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let bound = |out: &RunOutput| -> Vec<(f64, String)> {
        out.agent_log
            .iter()
            .filter(|e| e.what == AgentEventKind::Bound)
            .map(|e| (e.at.as_secs_f64(), e.node.clone().unwrap_or_default()))
            .collect()
    };
    // The pod on the deleted node is removed after the 40 s pod-GC quarantine (940 s).
    let pair = run(&sc, "exists-pair");
    let b = bound(&pair);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[1].0, 940.0);
    assert!(b[1].1 == "w2" || b[1].1 == "w3");
    assert!(pair.contention.memory_pressure.total > Duration::from_secs(3000), "{:?}", pair.contention);
    // `[]` waits until the pressure ends at 1 h 10 min.
    let none = run(&sc, "none");
    let b = bound(&none);
    assert_eq!(b.len(), 2, "{b:?}");
    assert_eq!(b[1].0, 4200.0);
    assert_eq!(none.contention.memory_pressure.total, Duration::ZERO);
}
