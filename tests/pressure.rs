//! Node pressure through whole runs: OOM kills and restart back-off (B16), kubelet eviction of an
//! agent whose use exceeds its request and the workload memory it takes (B16), the kubelet's
//! eviction ranking and a DaemonSet agent evicted again and again under pressure, recreated
//! with the controller's growing back-off (B15), and the pressure transition period (B01(b)).
//! Usage models are set on the loaded scenario directly or written in the scenario text.

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
            workload: Some("api".into()),
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

/// One 4 CPU / 8Gi node (allocatable 7Gi, so memory pressure starts once the pods use more
/// than 7Gi - 100Mi) with a two-replica business Deployment `api` and a DaemonSet agent; `api`
/// and `agent` are the rest of each workload entry (priority, requests, limits, usage).
fn pressured_node(api: &str, agent: &str) -> Scenario {
    load_str(
        &format!(
            r#"(
        name: "ranking", horizon: "5m",
        nodes: [(name: "w1", zone: "z1", capacity: {{"cpu": "4", "memory": "8Gi", "pods": "110"}},
                 allocatable: {{"cpu": "4", "memory": "7Gi", "pods": "110"}})],
        workloads: [(name: "api", kind: Deployment, replicas: 2, {api})],
        agents: [(name: "node-agent", kind: DaemonSet, {agent})],
        policies: [(name: "chart", tolerations: [(operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")])],
    )"#
        ),
        "inline",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Business pods at priority 1000 using 3Gi each against a 1Gi request.
const GREEDY_HIGH_PRIORITY_API: &str =
    r#"priority: 1000, requests: {"cpu": "500m", "memory": "1Gi"}, usage: (memory: "3Gi")"#;

fn kubelet_evictions(out: &RunOutput) -> Vec<f64> {
    times(out, |w| *w == AgentEventKind::Deleted(DeletionCause::KubeletEviction))
}

fn bound_at(out: &RunOutput) -> Vec<f64> {
    times(out, |w| *w == AgentEventKind::Bound)
}

#[test]
fn b15_a_best_effort_priority_0_daemon_pod_is_evicted_first() {
    // B15: business pods within their requests (3300Mi each) and a BestEffort agent using 600Mi:
    // only the agent exceeds its (zero) request, so each pressure pass takes the agent.
    let sc =
        pressured_node(r#"requests: {"cpu": "500m", "memory": "3300Mi"}"#, r#"usage: (memory: "600Mi")"#);
    let out = run(&sc, "chart");
    // The first housekeeping pass (10 s) sees the pressure; the replacements run 5 s after they
    // are bound and go at the pass after that.
    assert_eq!(kubelet_evictions(&out)[..3], [10.0, 21.0, 32.0]);
    assert_eq!(out.contention.business_evictions_beside_agent, 0);
    assert_eq!(out.contention.agent_evictions as usize, kubelet_evictions(&out).len());
}

#[test]
fn b15_a_guaranteed_agent_goes_last_even_below_higher_priority_workloads() {
    // B15: a Guaranteed agent (Sysdig "small": 1 CPU / 1Gi, request = limit) using its request
    // never exceeds it, so the priority-1000 business pods using 3x theirs go first. One api
    // pod is evicted at 10 s; its replacement cannot return while MemoryPressure lasts.
    let guaranteed = r#"requests: {"cpu": "1", "memory": "1Gi"}, limits: {"cpu": "1", "memory": "1Gi"}, usage: (memory: "1Gi")"#;
    let out = run(&pressured_node(GREEDY_HIGH_PRIORITY_API, guaranteed), "chart");
    assert!(kubelet_evictions(&out).is_empty(), "{:?}", out.agent_log);
    assert_eq!(out.contention.agent_evictions, 0);
    assert_eq!(out.contention.business_evictions_beside_agent, 1);
    // The agent sits on the pressured node from 10 s to the horizon.
    assert_eq!(out.contention.memory_pressure.total, Duration::from_secs(290));
}

#[test]
fn b15_the_same_agent_as_burstable_priority_0_goes_before_higher_priority_workloads() {
    // B15: with 512Mi requested and 1Gi used the agent exceeds its request too; among pods
    // exceeding their requests the lower priority goes first, so the agent does, at 10 s.
    let burstable = r#"requests: {"cpu": "150m", "memory": "512Mi"}, limits: {"cpu": "1", "memory": "1536Mi"}, usage: (memory: "1Gi")"#;
    let out = run(&pressured_node(GREEDY_HIGH_PRIORITY_API, burstable), "chart");
    assert_eq!(kubelet_evictions(&out).first(), Some(&10.0));
    assert_eq!(out.contention.business_evictions_beside_agent, 0);
}

#[test]
fn b15_a_daemon_pod_evicted_less_often_than_its_back_off_is_recreated_as_soon_as_it_is_gone() {
    // B15 (k/k pkg/controller/daemon/daemon_controller.go podsShouldBeOnNode): a failed daemon
    // pod is deleted at once unless the previous deletion on that node is younger than the
    // current back-off (1 s, 2 s, 4 s, 8 s, ...), and a node without a daemon pod gets one in
    // the same sync, without a back-off of its own. Evicted every 11 s (5 s start-up plus the
    // pass after it), the first five pods are therefore each replaced as soon as the failed one
    // is removed (1 s later here), and evicted at 10, 21, 32, 43 and 54 s.
    let sc =
        pressured_node(r#"requests: {"cpu": "500m", "memory": "3300Mi"}"#, r#"usage: (memory: "600Mi")"#);
    let out = run(&sc, "chart");
    assert_eq!(kubelet_evictions(&out)[..5], [10.0, 21.0, 32.0, 43.0, 54.0]);
    assert_eq!(bound_at(&out)[..5], [0.0, 11.0, 22.0, 33.0, 44.0]);
}

#[test]
fn b16_the_workload_memory_the_agent_takes_shows_as_evictions_it_caused() {
    // B16: the agent (512Mi request, 1536Mi limit) uses 1400Mi, under its limit, so no OOM kill;
    // with the api pods at 3000Mi each the node needs more than its 7Gi. The api pods exceed
    // their 2Gi requests by more than the agent exceeds its own, so an api pod is evicted
    // (10 s), beside the agent; without the agent's use the node would not be under pressure.
    let api = r#"requests: {"cpu": "500m", "memory": "2Gi"}, usage: (memory: "3000Mi")"#;
    let agent = |use_: &str| {
        format!(
            r#"requests: {{"cpu": "150m", "memory": "512Mi"}}, limits: {{"cpu": "1500m", "memory": "1536Mi"}}, usage: (memory: "{use_}")"#
        )
    };
    let hungry = run(&pressured_node(api, &agent("1400Mi")), "chart");
    let c = &hungry.contention;
    assert_eq!((c.business_evictions_beside_agent, c.business_evictions_caused_by_agent), (1, 1), "{c:?}");
    assert_eq!((c.agent_evictions, c.agent_oom_kills), (0, 0), "{c:?}");
    assert_eq!(c.memory_pressure.total, Duration::from_secs(290), "{c:?}");
    // The same agent at 300Mi leaves the node out of pressure: nothing is evicted.
    let lean = run(&pressured_node(api, &agent("300Mi")), "chart");
    assert_eq!(lean.contention, Default::default());
}

#[test]
fn b01b_after_real_pressure_the_empty_set_waits_out_the_5_min_transition_period() {
    // B01(b): w2's only business pod spikes at 10 min; the kubelet sees the pressure at that
    // pass (600 s) and evicts it at once, but keeps MemoryPressure until the first pass 5 min
    // after the last observation (901 s). The cluster agent's node w1 is deleted at 11 min 40 s
    // (pod removed at 740 s): TM lands on the pressured w2 at once, B only at 901 s.
    let sc = load_str(
        r#"(
        name: "b01b-transition", horizon: "1h",
        nodes: [(name_pattern: "w{i}", count: 2, zone: "z1", capacity: {"cpu": "4", "memory": "8Gi", "pods": "110"},
                 allocatable: {"cpu": "4", "memory": "7Gi", "pods": "110"})],
        workloads: [(name: "batch", kind: Pod, node_name: "w2", requests: {"cpu": "1", "memory": "2Gi"})],
        agents: [(name: "cluster-agent", kind: Deployment, replicas: 1,
                  requests: {"cpu": "25m", "memory": "80Mi"}, limits: {"cpu": "1500m", "memory": "1536Mi"})],
        policies: [
            (name: "exists-pair", tolerations: [(operator: "Exists", effect: "NoSchedule"), (operator: "Exists", effect: "NoExecute")]),
            (name: "none", tolerations: []),
        ],
        timeline: [
            (at: "10m", node: "w2", event: UsageSpike, workload: "batch", resource: "memory", amount: "5Gi"),
            (at: "11m40s", node: "w1", event: RemoveNode),
        ],
    )"#,
        "inline",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let pair = run(&sc, "exists-pair");
    assert_eq!(bound_at(&pair), [0.0, 740.0]);
    // On the MemoryPressure node from 740 s until the condition clears at 901 s.
    assert_eq!(pair.contention.memory_pressure.total, Duration::from_secs(161));
    let none = run(&sc, "none");
    assert_eq!(bound_at(&none), [0.0, 901.0]);
    assert_eq!(none.contention.memory_pressure.total, Duration::ZERO);
}
