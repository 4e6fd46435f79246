//! A small synthetic scenario and comparison for the report tests.

use crate::controllers::drain::Drainer;
use crate::measures::{
    AgentComparison, AgentCounters, BlindSpots, Comparison, Contention, DrainOutcome, DrainResult,
    IntervalStats, RunOutput, Sample,
};
use crate::model::{PodTemplate, Taint, TaintEffect, Toleration};
use crate::scenario::{
    ControllerSettings, DrainSpec, KubeVersion, NodeDef, NodeTarget, Policy, Scenario, TimelineAction,
    TimelineEvent, Workload, WorkloadKind,
};
use crate::time::SimTime;
use std::time::Duration;

/// A policy name that needs quoting in CSV and escaping in Markdown.
pub(crate) const TRICKY: &str = "odd, \"quoted\" | name";

fn stats(count: u32, longest: u64, total: u64) -> IntervalStats {
    IntervalStats { count, longest: Duration::from_secs(longest), total: Duration::from_secs(total) }
}

fn node(name: &str) -> NodeDef {
    NodeDef {
        name: name.into(),
        labels: Default::default(),
        taints: Vec::new(),
        unschedulable: false,
        capacity: Default::default(),
        allocatable: Default::default(),
    }
}

fn workload(name: &str, kind: WorkloadKind) -> Workload {
    Workload { name: name.into(), namespace: "agents".into(), kind, template: PodTemplate::default() }
}

fn policy(name: &str, tolerations: Vec<Toleration>) -> Policy {
    Policy { name: name.into(), description: format!("about {name}"), tolerations, applies_to: Vec::new() }
}

/// A `Drain` timeline event.
fn drain_event(secs: u64, node: &str, drainer: Drainer, timeout: Option<u64>) -> TimelineEvent {
    TimelineEvent {
        target: NodeTarget::Named,
        at: SimTime::from_secs(secs),
        action: TimelineAction::Drain {
            node: node.into(),
            drain: DrainSpec {
                drainer,
                timeout: timeout.map(Duration::from_secs),
                down_for: Duration::from_secs(300),
                interruption: false,
            },
        },
    }
}

/// Two nodes, a DaemonSet and a Deployment agent, three policies, five timeline events (the
/// last two drains: node-b by kubectl at 20m with a 10-minute limit, node-a by Karpenter at
/// 40m without one).
pub(crate) fn scenario() -> Scenario {
    Scenario {
        name: "demo | test".into(),
        description: "A synthetic scenario.".into(),
        kubernetes_version: KubeVersion::DEFAULT,
        seed: 7,
        horizon: Duration::from_secs(3600),
        settings: ControllerSettings::default(),
        nodes: vec![node("node-a"), node("node-b")],
        workloads: Vec::new(),
        agents: vec![
            workload("ds-agent", WorkloadKind::DaemonSet),
            workload("dep-agent", WorkloadKind::Deployment { replicas: 2 }),
        ],
        policies: vec![
            policy("none", Vec::new()),
            policy("catch-all", vec![Toleration::exists("", None)]),
            policy(
                TRICKY,
                vec![Toleration::exists_for("node.kubernetes.io/unreachable", TaintEffect::NoExecute, 60)],
            ),
        ],
        timeline: vec![
            TimelineEvent {
                target: NodeTarget::Named,
                at: SimTime::from_secs(600),
                action: TimelineAction::NodeSilent { node: "node-a".into() },
            },
            TimelineEvent {
                target: NodeTarget::Named,
                at: SimTime::from_secs(900),
                action: TimelineAction::AddTaint {
                    node: "node-b".into(),
                    taint: Taint::with_value("maintenance", "yes", TaintEffect::NoExecute),
                },
            },
            TimelineEvent {
                target: NodeTarget::Named,
                at: SimTime::from_secs(1800),
                action: TimelineAction::NodeBack { node: "node-a".into() },
            },
            drain_event(1200, "node-b", Drainer::Kubectl, Some(600)),
            drain_event(2400, "node-a", Drainer::Karpenter, None),
        ],
        pdbs: Vec::new(),
        generators: Vec::new(),
        listing: Vec::new(),
        ignored: Vec::new(),
    }
}

fn samples(uncovered: u32) -> Vec<Sample> {
    (0..3u64)
        .map(|i| Sample {
            at: SimTime::from_secs(i * 60),
            nodes_usable: 2,
            nodes_with_business_pods: 2,
            nodes_uncovered: if i == 0 { 0 } else { uncovered },
            nodes_agentless: if i == 0 { 0 } else { uncovered },
            agent_running: 2,
            agent_pending: 0,
            agent_stranded: 0,
            ..Sample::default()
        })
        .collect()
}

fn run(
    agent: &str,
    kind: &'static str,
    policy: &str,
    blind_spots: BlindSpots,
    tols: Vec<Toleration>,
) -> RunOutput {
    RunOutput {
        agent: agent.into(),
        agent_kind: kind,
        policy: policy.into(),
        effective_tolerations: tols,
        blind_spots,
        counters: AgentCounters { pods_created: 2, taint_evictions: 1, ..AgentCounters::default() },
        samples: samples(1),
        agent_log: Vec::new(),
        start_issues: Vec::new(),
        drains: Vec::new(),
        contention: Default::default(),
        events: 1234,
    }
}

/// A drain with no eviction, nothing left and nothing killed.
pub(crate) fn drain(
    node: &str,
    drainer: &'static str,
    start: u64,
    end: u64,
    outcome: DrainOutcome,
) -> DrainResult {
    DrainResult {
        node: node.into(),
        drainer,
        started: SimTime::from_secs(start),
        ended: SimTime::from_secs(end),
        outcome,
        refusal: None,
        eviction_attempts: 0,
        pdb_refusals: 0,
        force_deletions: 0,
        came_back: 0,
        left_behind: 0,
        killed: 0,
        agent_left_behind: false,
    }
}

/// The two drains of [`scenario`] as each run saw them, in run order (three DaemonSet runs,
/// then two Deployment runs).
///
/// * ds-agent / none and ds-agent / tricky (equivalent policies, identical drains): both
///   complete (30s and 1m); Karpenter's node goes down with the agent's DaemonSet pod on it
///   (1 killed).
/// * ds-agent / catch-all: kubectl times out after 10m (5 attempts, 4 budget refusals, 1 pod
///   back, 1 left behind); Karpenter completes in 1m, 1 killed.
/// * dep-agent / none: kubectl refuses at once (a `|` in the reason); Karpenter completes.
/// * dep-agent / catch-all: kubectl completes in 45s but leaves the agent behind (it came
///   back); Karpenter is still draining at the horizon, 2 force deletions so far.
fn drains() -> Vec<Vec<DrainResult>> {
    use DrainOutcome::*;
    let kubectl = |end: u64, outcome| drain("node-b", "kubectl", 1200, end, outcome);
    let karpenter = |end: u64, outcome| drain("node-a", "karpenter", 2400, end, outcome);
    let clean = |mut d: DrainResult, attempts: u32| {
        d.eviction_attempts = attempts;
        d
    };
    let killed = |mut d: DrainResult, n: u32| {
        d.killed = n;
        d
    };
    let mut timed_out = kubectl(1800, TimedOut);
    timed_out.eviction_attempts = 5;
    timed_out.pdb_refusals = 4;
    timed_out.came_back = 1;
    timed_out.left_behind = 1;
    let mut refused = kubectl(1200, Refused);
    refused.refusal = Some("web-0: pod with local storage | emptyDir".into());
    let mut agent_left = kubectl(1245, Completed);
    agent_left.eviction_attempts = 2;
    agent_left.came_back = 1;
    agent_left.left_behind = 1;
    agent_left.agent_left_behind = true;
    let mut unfinished = karpenter(3600, Unfinished);
    unfinished.eviction_attempts = 9;
    unfinished.pdb_refusals = 7;
    unfinished.force_deletions = 2;
    let both_clean =
        vec![clean(kubectl(1230, Completed), 2), killed(clean(karpenter(2460, Completed), 1), 1)];
    vec![
        both_clean.clone(),
        vec![timed_out, killed(clean(karpenter(2460, Completed), 1), 1)],
        both_clean,
        vec![refused, clean(karpenter(2460, Completed), 1)],
        vec![agent_left, unfinished],
    ]
}

/// The contention of each run, in run order, as in [`drains`].
///
/// * ds-agent / none and ds-agent / tricky (identical): 10m under MemoryPressure in 2 spells
///   (longest 6m40s), 3 business pods evicted beside the agent, 1 of them caused by it, 1 agent
///   OOM kill.
/// * ds-agent / catch-all: 20m under MemoryPressure (1 spell), 5m under DiskPressure, 4 evicted
///   beside (of 5 business pods evicted in all), 2 caused, 2 agent pods evicted, 1 rejected at
///   admission, 3 OOM kills.
/// * dep-agent (both runs): nothing; no node running it came under pressure.
pub(crate) fn contention() -> Vec<Contention> {
    let mild = Contention {
        memory_pressure: stats(2, 400, 600),
        business_evictions: 3,
        business_evictions_beside_agent: 3,
        business_evictions_caused_by_agent: 1,
        agent_oom_kills: 1,
        ..Contention::default()
    };
    let heavy = Contention {
        memory_pressure: stats(1, 1200, 1200),
        disk_pressure: stats(1, 300, 300),
        business_evictions: 5,
        business_evictions_beside_agent: 4,
        business_evictions_caused_by_agent: 2,
        agent_evictions: 2,
        agent_admission_rejections: 1,
        agent_oom_kills: 3,
        ..Contention::default()
    };
    vec![mild.clone(), heavy, mild, Contention::default(), Contention::default()]
}

/// Results for [`scenario`]: on the DaemonSet agent `catch-all` and the tricky policy tie for
/// the shortest uncovered time; stranded time is equal everywhere. Drains as in [`drains`],
/// contention as in [`contention`].
pub(crate) fn comparison() -> Comparison {
    let ds = |uncovered: IntervalStats| BlindSpots {
        uncovered_nodes: Some(uncovered),
        agentless_nodes: Some(uncovered),
        stranded_agents: stats(1, 300, 300),
        under_replicated: None,
        no_replica: None,
    };
    let dep = |under: IntervalStats, none: IntervalStats| BlindSpots {
        uncovered_nodes: None,
        agentless_nodes: None,
        stranded_agents: stats(0, 0, 0),
        under_replicated: Some(under),
        no_replica: Some(none),
    };
    let unreachable =
        vec![Toleration::exists_for("node.kubernetes.io/unreachable", TaintEffect::NoExecute, 300)];
    let mut cmp = Comparison {
        agents: vec![
            AgentComparison {
                agent: "ds-agent".into(),
                kind: "DaemonSet",
                runs: vec![
                    run("ds-agent", "DaemonSet", "none", ds(stats(3, 1200, 2400)), unreachable.clone()),
                    run(
                        "ds-agent",
                        "DaemonSet",
                        "catch-all",
                        ds(stats(1, 90, 90)),
                        vec![Toleration::exists("", None)],
                    ),
                    run("ds-agent", "DaemonSet", TRICKY, ds(stats(2, 60, 90)), unreachable.clone()),
                ],
                equivalent: vec![vec!["none".into(), TRICKY.into()]],
            },
            AgentComparison {
                agent: "dep-agent".into(),
                kind: "Deployment",
                runs: vec![
                    run(
                        "dep-agent",
                        "Deployment",
                        "none",
                        dep(stats(1, 400, 400), stats(0, 0, 0)),
                        unreachable,
                    ),
                    run(
                        "dep-agent",
                        "Deployment",
                        "catch-all",
                        dep(stats(2, 1500, 1600), stats(1, 1500, 1500)),
                        vec![Toleration::exists("", None)],
                    ),
                ],
                equivalent: Vec::new(),
            },
        ],
    };
    let runs = cmp.agents.iter_mut().flat_map(|a| a.runs.iter_mut());
    for ((run, drains), contention) in runs.zip(drains()).zip(contention()) {
        run.drains = drains;
        run.contention = contention;
    }
    cmp
}
