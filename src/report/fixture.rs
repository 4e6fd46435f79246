//! A small synthetic scenario and comparison for the report tests.

use crate::measures::{
    AgentComparison, AgentCounters, BlindSpots, Comparison, IntervalStats, RunOutput, Sample,
};
use crate::model::{PodTemplate, Taint, TaintEffect, Toleration};
use crate::scenario::{
    ControllerSettings, KubeVersion, NodeDef, NodeTarget, Policy, Scenario, TimelineAction, TimelineEvent,
    Workload, WorkloadKind,
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

/// Two nodes, a DaemonSet and a Deployment agent, three policies, three timeline events.
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
        ],
        pdbs: Vec::new(),
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
        events: 1234,
    }
}

/// Results for [`scenario`]: on the DaemonSet agent `catch-all` and the tricky policy tie for
/// the shortest uncovered time; stranded time is equal everywhere.
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
    Comparison {
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
    }
}
