//! `summary.json`: the machine-readable results, schema `taintsim.summary/v1`.
//!
//! The document is built from structs, so keys always come out in declaration order. Times are
//! seconds as JSON numbers, computed from whole milliseconds (at most three decimals). The
//! schema is described field by field in the README (section "Reports"); a change that removes
//! or re-types a field gets a new schema name.

use super::csv::outcome_token;
use crate::measures::{
    AgentComparison, Comparison, Contention, DrainResult, DrainTotals, IntervalStats, RunOutput,
    SAMPLE_INTERVAL, StartIssue,
};
use crate::model::{Taint, TaintEffect, Toleration};
use crate::scenario::{DrainSpec, NodeTarget, Scenario, TimelineAction, TimelineEvent, WorkloadKind};
use serde::Serialize;
use std::time::Duration;

/// The schema name written in the `schema` field.
pub const SCHEMA: &str = "taintsim.summary/v1";

/// Renders `summary.json` (pretty-printed, two-space indent, ending with a newline).
pub fn render(scenario: &Scenario, cmp: &Comparison) -> String {
    let doc = Summary {
        schema: SCHEMA,
        generator: Generator { name: env!("CARGO_PKG_NAME"), version: env!("CARGO_PKG_VERSION") },
        scenario: ScenarioDoc::new(scenario),
        agents: cmp.agents.iter().map(AgentDoc::new).collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the summary always serializes");
    text.push('\n');
    text
}

fn secs(d: Duration) -> f64 {
    // Whole milliseconds divided once: the nearest double to a three-decimal number, which
    // serde_json prints without noise digits.
    d.as_millis() as f64 / 1000.0
}

#[derive(Serialize)]
struct Summary<'a> {
    schema: &'static str,
    generator: Generator,
    scenario: ScenarioDoc<'a>,
    agents: Vec<AgentDoc<'a>>,
}

#[derive(Serialize)]
struct Generator {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct ScenarioDoc<'a> {
    name: &'a str,
    description: &'a str,
    kubernetes_version: String,
    seed: u64,
    horizon_s: f64,
    sample_interval_s: f64,
    node_count: usize,
    agents: Vec<AgentDef<'a>>,
    policies: Vec<PolicyDef<'a>>,
    timeline: Vec<EventDoc<'a>>,
    generators: Vec<GeneratorDoc<'a>>,
    node_groups: Vec<NodeGroupDoc<'a>>,
    /// Imported input the simulator does not model; absent when there is none.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    ignored: &'a [String],
}

/// A generator and what it drew.
#[derive(Serialize)]
struct GeneratorDoc<'a> {
    name: &'a str,
    kind: &'static str,
    parameters: String,
    occurrences: u32,
    skipped: u32,
}

/// Nodes present at the start that carry the same taints and cordon state.
#[derive(Serialize)]
struct NodeGroupDoc<'a> {
    count: usize,
    taints: &'a [Taint],
    unschedulable: bool,
    first_node: &'a str,
}

/// Groups the scenario's initial nodes by taints and `spec.unschedulable`, in order of first
/// appearance.
fn node_groups(sc: &Scenario) -> Vec<NodeGroupDoc<'_>> {
    let mut groups: Vec<NodeGroupDoc<'_>> = Vec::new();
    for n in &sc.nodes {
        match groups
            .iter_mut()
            .find(|g| g.taints == n.taints.as_slice() && g.unschedulable == n.unschedulable)
        {
            Some(g) => g.count += 1,
            None => groups.push(NodeGroupDoc {
                count: 1,
                taints: &n.taints,
                unschedulable: n.unschedulable,
                first_node: &n.name,
            }),
        }
    }
    groups
}

impl<'a> ScenarioDoc<'a> {
    fn new(sc: &'a Scenario) -> ScenarioDoc<'a> {
        ScenarioDoc {
            name: &sc.name,
            description: &sc.description,
            kubernetes_version: sc.kubernetes_version.to_string(),
            seed: sc.seed,
            horizon_s: secs(sc.horizon),
            sample_interval_s: secs(SAMPLE_INTERVAL),
            node_count: sc.nodes.len(),
            agents: sc
                .agents
                .iter()
                .map(|a| AgentDef {
                    name: &a.name,
                    namespace: &a.namespace,
                    kind: a.kind.label(),
                    replicas: match a.kind {
                        WorkloadKind::Deployment { replicas } => Some(replicas),
                        _ => None,
                    },
                    priority: a.template.priority,
                    priority_class_name: &a.template.priority_class_name,
                })
                .collect(),
            policies: sc
                .policies
                .iter()
                .map(|p| PolicyDef {
                    name: &p.name,
                    description: &p.description,
                    tolerations: &p.tolerations,
                    applies_to: &p.applies_to,
                })
                .collect(),
            timeline: sc.timeline.iter().map(EventDoc::new).collect(),
            generators: sc
                .generators
                .iter()
                .map(|(g, t)| GeneratorDoc {
                    name: &g.name,
                    kind: g.kind.as_str(),
                    parameters: g.describe(),
                    occurrences: t.occurrences,
                    skipped: t.skipped,
                })
                .collect(),
            node_groups: node_groups(sc),
            ignored: &sc.ignored,
        }
    }
}

#[derive(Serialize)]
struct AgentDef<'a> {
    name: &'a str,
    namespace: &'a str,
    kind: &'static str,
    replicas: Option<u32>,
    priority: i32,
    priority_class_name: &'a str,
}

#[derive(Serialize)]
struct PolicyDef<'a> {
    name: &'a str,
    description: &'a str,
    tolerations: &'a [Toleration],
    applies_to: &'a [String],
}

#[derive(Serialize)]
struct EventDoc<'a> {
    at_s: f64,
    action: &'static str,
    node: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    node_of: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    taint: Option<TaintRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    taints: Option<&'a [Taint]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    drain: Option<DrainSpecDoc>,
    /// `UsageSpike`, `UsageSpikeEnd`: the workload whose pods spike; null for use outside pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    workload: Option<Option<&'a str>>,
    /// `UsageSpike`, `UsageSpikeEnd`: the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'static str>,
    /// `UsageSpike`, `UsageSpikeEnd`: the extra use per pod, as a Kubernetes quantity.
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<String>,
    /// `InjectCondition`: the condition type.
    #[serde(skip_serializing_if = "Option::is_none")]
    condition: Option<&'static str>,
    /// `InjectCondition`: `true` sets the condition, `false` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<bool>,
}

#[derive(Serialize)]
struct DrainSpecDoc {
    drainer: &'static str,
    timeout_s: Option<f64>,
    down_for_s: f64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    spot_interruption: bool,
}

impl From<&DrainSpec> for DrainSpecDoc {
    fn from(d: &DrainSpec) -> DrainSpecDoc {
        DrainSpecDoc {
            drainer: d.drainer.as_str(),
            timeout_s: d.timeout.map(secs),
            down_for_s: secs(d.down_for),
            spot_interruption: d.interruption,
        }
    }
}

#[derive(Serialize)]
struct TaintRef<'a> {
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    effect: TaintEffect,
}

impl<'a> EventDoc<'a> {
    fn new(e: &'a TimelineEvent) -> EventDoc<'a> {
        let (action, taint, taints) = match &e.action {
            TimelineAction::AddTaint { taint, .. } => {
                let value = (!taint.value.is_empty()).then_some(taint.value.as_str());
                ("AddTaint", Some(TaintRef { key: &taint.key, value, effect: taint.effect }), None)
            }
            TimelineAction::RemoveTaint { key, effect, .. } => {
                ("RemoveTaint", Some(TaintRef { key, value: None, effect: *effect }), None)
            }
            TimelineAction::Cordon { .. } => ("Cordon", None, None),
            TimelineAction::Uncordon { .. } => ("Uncordon", None, None),
            TimelineAction::NodeSilent { .. } => ("NodeSilent", None, None),
            TimelineAction::NodeBack { .. } => ("NodeBack", None, None),
            TimelineAction::KubeletNotReady { .. } => ("KubeletNotReady", None, None),
            TimelineAction::KubeletReady { .. } => ("KubeletReady", None, None),
            TimelineAction::AddNode(def) => ("AddNode", None, Some(def.taints.as_slice())),
            TimelineAction::RemoveNode { .. } => ("RemoveNode", None, None),
            TimelineAction::Drain { .. } => ("Drain", None, None),
            TimelineAction::UsageSpike { .. } => ("UsageSpike", None, None),
            TimelineAction::UsageSpikeEnd { .. } => ("UsageSpikeEnd", None, None),
            TimelineAction::InjectCondition { .. } => ("InjectCondition", None, None),
        };
        let node_of = match &e.target {
            NodeTarget::Named => None,
            NodeTarget::NodeOf { workload, .. } | NodeTarget::SpellEnd { workload, .. } => {
                Some(workload.as_str())
            }
        };
        let spike = match &e.action {
            TimelineAction::UsageSpike { workload, resource, amount, .. }
            | TimelineAction::UsageSpikeEnd { workload, resource, amount, .. } => {
                Some((workload.as_deref(), resource.as_str(), amount))
            }
            _ => None,
        };
        let (condition, status) = match &e.action {
            TimelineAction::InjectCondition { condition, status, .. } => {
                (Some(condition.as_str()), Some(*status))
            }
            _ => (None, None),
        };
        EventDoc {
            at_s: e.at.as_millis() as f64 / 1000.0,
            action,
            node: e.action.node(),
            node_of,
            taint,
            taints,
            drain: match &e.action {
                TimelineAction::Drain { drain, .. } => Some(DrainSpecDoc::from(drain)),
                _ => None,
            },
            workload: spike.map(|(w, _, _)| w),
            resource: spike.map(|(_, r, _)| r),
            amount: spike.map(|(_, _, a)| a.to_string()),
            condition,
            status,
        }
    }
}

#[derive(Serialize)]
struct AgentDoc<'a> {
    name: &'a str,
    kind: &'static str,
    runs: Vec<RunDoc<'a>>,
    equivalent_policies: &'a [Vec<String>],
}

impl<'a> AgentDoc<'a> {
    fn new(a: &'a AgentComparison) -> AgentDoc<'a> {
        AgentDoc {
            name: &a.agent,
            kind: a.kind,
            runs: a.runs.iter().map(RunDoc::new).collect(),
            equivalent_policies: &a.equivalent,
        }
    }
}

#[derive(Serialize)]
struct RunDoc<'a> {
    policy: &'a str,
    effective_tolerations: &'a [Toleration],
    blind_spots: BlindSpotsDoc,
    counters: CountersDoc,
    start_issues: &'a [StartIssue],
    drain_totals: DrainTotalsDoc,
    drains: Vec<DrainDoc<'a>>,
    contention: ContentionDoc,
    events_processed: u64,
    samples: usize,
}

impl<'a> RunDoc<'a> {
    fn new(r: &'a RunOutput) -> RunDoc<'a> {
        let b = &r.blind_spots;
        let c = &r.counters;
        RunDoc {
            policy: &r.policy,
            effective_tolerations: &r.effective_tolerations,
            blind_spots: BlindSpotsDoc {
                uncovered_nodes: b.uncovered_nodes.map(StatsDoc::from),
                agentless_nodes: b.agentless_nodes.map(StatsDoc::from),
                stranded_agents: StatsDoc::from(b.stranded_agents),
                under_replicated: b.under_replicated.map(StatsDoc::from),
                no_replica: b.no_replica.map(StatsDoc::from),
            },
            counters: CountersDoc {
                pods_created: c.pods_created,
                taint_evictions: c.taint_evictions,
                daemonset_deletions: c.daemonset_deletions,
                garbage_collected: c.garbage_collected,
                scheduling_failures: c.scheduling_failures,
            },
            start_issues: &r.start_issues,
            drain_totals: DrainTotalsDoc::from(DrainTotals::of(&r.drains)),
            drains: r.drains.iter().map(DrainDoc::from).collect(),
            contention: ContentionDoc::from(&r.contention),
            events_processed: r.events,
            samples: r.samples.len(),
        }
    }
}

#[derive(Serialize)]
struct BlindSpotsDoc {
    uncovered_nodes: Option<StatsDoc>,
    agentless_nodes: Option<StatsDoc>,
    stranded_agents: StatsDoc,
    under_replicated: Option<StatsDoc>,
    no_replica: Option<StatsDoc>,
}

#[derive(Serialize)]
struct StatsDoc {
    total_s: f64,
    count: u32,
    longest_s: f64,
}

impl From<IntervalStats> for StatsDoc {
    fn from(s: IntervalStats) -> StatsDoc {
        StatsDoc { total_s: secs(s.total), count: s.count, longest_s: secs(s.longest) }
    }
}

#[derive(Serialize)]
struct ContentionDoc {
    memory_pressure: StatsDoc,
    disk_pressure: StatsDoc,
    pid_pressure: StatsDoc,
    business_evictions: u32,
    business_evictions_beside_agent: u32,
    business_evictions_caused_by_agent: u32,
    agent_evictions: u32,
    agent_admission_rejections: u32,
    agent_oom_kills: u32,
}

impl From<&Contention> for ContentionDoc {
    fn from(c: &Contention) -> ContentionDoc {
        ContentionDoc {
            memory_pressure: StatsDoc::from(c.memory_pressure),
            disk_pressure: StatsDoc::from(c.disk_pressure),
            pid_pressure: StatsDoc::from(c.pid_pressure),
            business_evictions: c.business_evictions,
            business_evictions_beside_agent: c.business_evictions_beside_agent,
            business_evictions_caused_by_agent: c.business_evictions_caused_by_agent,
            agent_evictions: c.agent_evictions,
            agent_admission_rejections: c.agent_admission_rejections,
            agent_oom_kills: c.agent_oom_kills,
        }
    }
}

#[derive(Serialize)]
struct CountersDoc {
    pods_created: u32,
    taint_evictions: u32,
    daemonset_deletions: u32,
    garbage_collected: u32,
    scheduling_failures: u32,
}

#[derive(Serialize)]
struct DrainDoc<'a> {
    node: &'a str,
    drainer: &'static str,
    started_s: f64,
    ended_s: f64,
    duration_s: f64,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refusal: Option<&'a str>,
    eviction_attempts: u32,
    pdb_refusals: u32,
    force_deletions: u32,
    came_back: u32,
    left_behind: u32,
    agent_left_behind: bool,
    killed: u32,
}

impl<'a> From<&'a DrainResult> for DrainDoc<'a> {
    fn from(d: &'a DrainResult) -> DrainDoc<'a> {
        DrainDoc {
            node: &d.node,
            drainer: d.drainer,
            started_s: secs(d.started.since_start()),
            ended_s: secs(d.ended.since_start()),
            duration_s: secs(d.duration()),
            outcome: outcome_token(d.outcome),
            refusal: d.refusal.as_deref(),
            eviction_attempts: d.eviction_attempts,
            pdb_refusals: d.pdb_refusals,
            force_deletions: d.force_deletions,
            came_back: d.came_back,
            left_behind: d.left_behind,
            agent_left_behind: d.agent_left_behind,
            killed: d.killed,
        }
    }
}

#[derive(Serialize)]
struct DrainTotalsDoc {
    drains: u32,
    completed: u32,
    timed_out: u32,
    refused_or_failed: u32,
    unfinished: u32,
    total_duration_s: f64,
    longest_blocked_s: f64,
    longest_blocked_node: Option<String>,
    eviction_attempts: u32,
    pdb_refusals: u32,
    came_back: u32,
    left_behind: u32,
    killed: u32,
}

impl From<DrainTotals> for DrainTotalsDoc {
    fn from(t: DrainTotals) -> DrainTotalsDoc {
        DrainTotalsDoc {
            drains: t.drains,
            completed: t.completed,
            timed_out: t.timed_out,
            refused_or_failed: t.refused_or_failed,
            unfinished: t.unfinished,
            total_duration_s: secs(t.total_duration),
            longest_blocked_s: secs(t.longest_blocked),
            longest_blocked_node: t.longest_blocked_node,
            eviction_attempts: t.eviction_attempts,
            pdb_refusals: t.pdb_refusals,
            came_back: t.came_back,
            left_behind: t.left_behind,
            killed: t.killed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{self, TRICKY};
    use super::*;

    #[test]
    fn has_the_schema_field_first() {
        let text = render(&fixture::scenario(), &fixture::comparison());
        assert!(text.starts_with("{\n  \"schema\": \"taintsim.summary/v1\",\n"), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["schema"], SCHEMA);
    }

    #[test]
    fn renders_byte_identical_twice() {
        let a = render(&fixture::scenario(), &fixture::comparison());
        let b = render(&fixture::scenario(), &fixture::comparison());
        assert_eq!(a.as_bytes(), b.as_bytes());
    }

    #[test]
    fn carries_runs_with_seconds_tolerations_and_groups() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&fixture::scenario(), &fixture::comparison())).unwrap();
        assert_eq!(v["scenario"]["horizon_s"], 3600.0);
        assert_eq!(v["scenario"]["seed"], 7);
        assert_eq!(v["scenario"]["timeline"][1]["taint"]["value"], "yes");
        let ds = &v["agents"][0];
        assert_eq!(ds["kind"], "DaemonSet");
        let run = &ds["runs"][0];
        assert_eq!(run["blind_spots"]["uncovered_nodes"]["total_s"], 2400.0);
        assert_eq!(run["blind_spots"]["uncovered_nodes"]["count"], 3);
        assert!(run["blind_spots"]["under_replicated"].is_null());
        assert_eq!(run["effective_tolerations"][0]["key"], "node.kubernetes.io/unreachable");
        assert_eq!(run["effective_tolerations"][0]["tolerationSeconds"], 300);
        assert_eq!(run["counters"]["taint_evictions"], 1);
        assert_eq!(run["events_processed"], 1234);
        assert_eq!(ds["equivalent_policies"][0][1], TRICKY);
        let dep = &v["agents"][1]["runs"][1]["blind_spots"];
        assert_eq!(dep["no_replica"]["longest_s"], 1500.0);
        assert!(dep["uncovered_nodes"].is_null());
        let agent = &v["scenario"]["agents"][0];
        assert!(agent["priority"].is_i64() && agent["priority_class_name"].is_string(), "{agent}");
    }

    #[test]
    fn agentless_nodes_follow_uncovered_nodes_and_are_null_for_deployments() {
        let text = render(&fixture::scenario(), &fixture::comparison());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let ds = &v["agents"][0]["runs"][1]["blind_spots"];
        assert_eq!(ds["agentless_nodes"]["total_s"], 90.0);
        assert_eq!(ds["agentless_nodes"]["count"], 1);
        let keys: Vec<&str> = ds.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["uncovered_nodes", "agentless_nodes", "stranded_agents", "under_replicated", "no_replica"]
        );
        let dep = &v["agents"][1]["runs"][0]["blind_spots"];
        assert!(dep.as_object().unwrap().contains_key("agentless_nodes"));
        assert!(dep["agentless_nodes"].is_null());
    }

    #[test]
    fn start_issues_are_listed_per_run_and_empty_otherwise() {
        let mut cmp = fixture::comparison();
        cmp.agents[1].runs[0].start_issues = vec![StartIssue {
            workload: "web".into(),
            pods: 2,
            reason: "0/2 nodes are available: 2 Insufficient cpu.".into(),
        }];
        let v: serde_json::Value = serde_json::from_str(&render(&fixture::scenario(), &cmp)).unwrap();
        let issues = &v["agents"][1]["runs"][0]["start_issues"];
        assert_eq!(
            issues,
            &serde_json::json!([{"workload": "web", "pods": 2, "reason": "0/2 nodes are available: 2 Insufficient cpu."}])
        );
        assert_eq!(v["agents"][0]["runs"][0]["start_issues"], serde_json::json!([]));
        let run = v["agents"][1]["runs"][0].as_object().unwrap();
        let keys: Vec<&str> = run.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "policy",
                "effective_tolerations",
                "blind_spots",
                "counters",
                "start_issues",
                "drain_totals",
                "drains",
                "contention",
                "events_processed",
                "samples"
            ]
        );
    }

    #[test]
    fn initial_nodes_are_grouped_by_taints_and_cordon_state_after_the_timeline() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&fixture::scenario(), &fixture::comparison())).unwrap();
        let keys: Vec<&str> = v["scenario"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.last(), Some(&"node_groups"));
        let groups = v["scenario"]["node_groups"].as_array().unwrap();
        let counted: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
        assert_eq!(counted, fixture::scenario().nodes.len() as u64);
        assert_eq!(groups[0]["first_node"], fixture::scenario().nodes[0].name.as_str());
        assert!(groups[0]["taints"].is_array());
        assert!(groups[0]["unschedulable"].is_boolean());
    }

    #[test]
    fn fractional_seconds_print_without_noise() {
        assert_eq!(serde_json::to_string(&secs(Duration::from_millis(1001))).unwrap(), "1.001");
        assert_eq!(serde_json::to_string(&secs(Duration::from_millis(300_100))).unwrap(), "300.1");
    }

    #[test]
    fn drains_are_listed_per_run_with_seconds_and_outcome_tokens() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&fixture::scenario(), &fixture::comparison())).unwrap();
        let drains = &v["agents"][1]["runs"][1]["drains"];
        assert_eq!(
            drains[0],
            serde_json::json!({
                "node": "node-b",
                "drainer": "kubectl",
                "started_s": 1200.0,
                "ended_s": 1245.0,
                "duration_s": 45.0,
                "outcome": "completed",
                "eviction_attempts": 2,
                "pdb_refusals": 0,
                "force_deletions": 0,
                "came_back": 1,
                "left_behind": 1,
                "agent_left_behind": true,
                "killed": 0
            })
        );
        assert_eq!(drains[1]["outcome"], "unfinished");
        assert_eq!(drains[1]["ended_s"], 3600.0);
        assert_eq!(drains[1]["force_deletions"], 2);
        assert_eq!(v["agents"][0]["runs"][1]["drains"][0]["outcome"], "timed_out");
        // The refusal is there only for the refused drain, after the outcome.
        let refused = v["agents"][1]["runs"][0]["drains"][0].as_object().unwrap();
        let keys: Vec<&str> = refused.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "node",
                "drainer",
                "started_s",
                "ended_s",
                "duration_s",
                "outcome",
                "refusal",
                "eviction_attempts",
                "pdb_refusals",
                "force_deletions",
                "came_back",
                "left_behind",
                "agent_left_behind",
                "killed"
            ]
        );
        assert_eq!(refused["outcome"], "refused");
        assert_eq!(refused["refusal"], "web-0: pod with local storage | emptyDir");
        assert!(!drains[0].as_object().unwrap().contains_key("refusal"));
    }

    #[test]
    fn drain_totals_sum_each_run() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&fixture::scenario(), &fixture::comparison())).unwrap();
        assert_eq!(
            v["agents"][1]["runs"][1]["drain_totals"],
            serde_json::json!({
                "drains": 2,
                "completed": 1,
                "timed_out": 0,
                "refused_or_failed": 0,
                "unfinished": 1,
                "total_duration_s": 1245.0,
                "longest_blocked_s": 1200.0,
                "longest_blocked_node": "node-a",
                "eviction_attempts": 11,
                "pdb_refusals": 7,
                "came_back": 1,
                "left_behind": 1,
                "killed": 0
            })
        );
        let totals = v["agents"][0]["runs"][0]["drain_totals"].as_object().unwrap();
        let keys: Vec<&str> = totals.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "drains",
                "completed",
                "timed_out",
                "refused_or_failed",
                "unfinished",
                "total_duration_s",
                "longest_blocked_s",
                "longest_blocked_node",
                "eviction_attempts",
                "pdb_refusals",
                "came_back",
                "left_behind",
                "killed"
            ]
        );
        // No blocked drain: zero and null, always present.
        assert_eq!(totals["longest_blocked_s"], 0.0);
        assert!(totals["longest_blocked_node"].is_null());
        // A run without drains still has both fields.
        let mut cmp = fixture::comparison();
        cmp.agents[0].runs[0].drains.clear();
        let v: serde_json::Value = serde_json::from_str(&render(&fixture::scenario(), &cmp)).unwrap();
        assert_eq!(v["agents"][0]["runs"][0]["drains"], serde_json::json!([]));
        assert_eq!(v["agents"][0]["runs"][0]["drain_totals"]["drains"], 0);
    }

    #[test]
    fn contention_is_given_per_run_with_interval_summaries_in_a_fixed_key_order() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&fixture::scenario(), &fixture::comparison())).unwrap();
        assert_eq!(
            v["agents"][0]["runs"][1]["contention"],
            serde_json::json!({
                "memory_pressure": {"total_s": 1200.0, "count": 1, "longest_s": 1200.0},
                "disk_pressure": {"total_s": 300.0, "count": 1, "longest_s": 300.0},
                "pid_pressure": {"total_s": 0.0, "count": 0, "longest_s": 0.0},
                "business_evictions": 5,
                "business_evictions_beside_agent": 4,
                "business_evictions_caused_by_agent": 2,
                "agent_evictions": 2,
                "agent_admission_rejections": 1,
                "agent_oom_kills": 3
            })
        );
        let contention = v["agents"][0]["runs"][0]["contention"].as_object().unwrap();
        let keys: Vec<&str> = contention.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "memory_pressure",
                "disk_pressure",
                "pid_pressure",
                "business_evictions",
                "business_evictions_beside_agent",
                "business_evictions_caused_by_agent",
                "agent_evictions",
                "agent_admission_rejections",
                "agent_oom_kills"
            ]
        );
        let memory = contention["memory_pressure"].as_object().unwrap();
        let keys: Vec<&str> = memory.keys().map(String::as_str).collect();
        assert_eq!(keys, ["total_s", "count", "longest_s"]);
        assert_eq!(contention["memory_pressure"]["longest_s"], 400.0);
        // A run without contention still has every field, all zero.
        let dep = &v["agents"][1]["runs"][0]["contention"];
        assert_eq!(dep["agent_oom_kills"], 0);
        assert_eq!(dep["pid_pressure"], serde_json::json!({"total_s": 0.0, "count": 0, "longest_s": 0.0}));
        // The schema name is unchanged: fields were only added.
        assert_eq!(v["schema"], "taintsim.summary/v1");
    }

    #[test]
    fn drain_events_carry_their_drainer_limit_and_down_time() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&fixture::scenario(), &fixture::comparison())).unwrap();
        let timeline = &v["scenario"]["timeline"];
        assert_eq!(timeline[3]["action"], "Drain");
        assert_eq!(
            timeline[3]["drain"],
            serde_json::json!({"drainer": "kubectl", "timeout_s": 600.0, "down_for_s": 300.0})
        );
        assert!(timeline[4]["drain"]["timeout_s"].is_null());
        assert_eq!(timeline[4]["drain"]["drainer"], "karpenter");
        assert!(!timeline[0].as_object().unwrap().contains_key("drain"));
    }

    #[test]
    fn spike_and_condition_events_carry_what_they_change() {
        use crate::model::Quantity;
        use crate::model::usage::UsageResource;
        use crate::scenario::PressureCondition;
        use crate::time::SimTime;
        let mut sc = fixture::scenario();
        let at = SimTime::from_duration(Duration::from_secs(60));
        let spike = |workload: Option<&str>, end: bool| {
            let (node, workload) = ("node-a".to_string(), workload.map(str::to_string));
            let (resource, amount) = (UsageResource::Memory, Quantity::parse("512Mi").unwrap());
            TimelineEvent::named(
                at,
                if end {
                    TimelineAction::UsageSpikeEnd { node, workload, resource, amount }
                } else {
                    TimelineAction::UsageSpike { node, workload, resource, amount }
                },
            )
        };
        sc.timeline = vec![
            spike(Some("web"), false),
            spike(None, true),
            TimelineEvent::named(
                at,
                TimelineAction::InjectCondition {
                    node: "node-a".into(),
                    condition: PressureCondition::Disk,
                    status: false,
                },
            ),
        ];
        let v: serde_json::Value = serde_json::from_str(&render(&sc, &fixture::comparison())).unwrap();
        let t = &v["scenario"]["timeline"];
        assert_eq!(t[0]["workload"], "web");
        assert_eq!(t[0]["resource"], "memory");
        assert_eq!(t[0]["amount"], "512Mi");
        assert_eq!(t[1]["action"], "UsageSpikeEnd");
        assert!(t[1]["workload"].is_null() && t[1].as_object().unwrap().contains_key("workload"));
        assert_eq!(t[2]["condition"], "DiskPressure");
        assert_eq!(t[2]["status"], false);
        assert!(!t[2].as_object().unwrap().contains_key("resource"));
    }
}
