//! What a comparison produced: per run and per agent results, the input of every report.

use super::blind_spots::{BlindSpots, Sample};
use super::intervals::IntervalStats;
use crate::model::Toleration;
use crate::time::SimTime;
use serde::Serialize;
use std::time::Duration;

/// Interval between two rows of the time series.
pub const SAMPLE_INTERVAL: Duration = Duration::from_secs(60);

/// Counts of what happened to the agent under test.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AgentCounters {
    /// Agent pods created (initial ones included).
    pub pods_created: u32,
    /// Agent pods deleted by the taint-eviction controller.
    pub taint_evictions: u32,
    /// Agent pods deleted by their DaemonSet controller (untolerated `NoExecute` taint).
    pub daemonset_deletions: u32,
    /// Agent pods removed by the pod garbage collector after their node object was deleted.
    pub garbage_collected: u32,
    /// Scheduling attempts of agent pods that found no feasible node.
    pub scheduling_failures: u32,
}

/// What one run produced.
#[derive(Clone, Debug)]
pub struct RunOutput {
    /// Agent workload name.
    pub agent: String,
    /// `DaemonSet` or `Deployment`.
    pub agent_kind: &'static str,
    /// Policy name.
    pub policy: String,
    /// The agent pods' tolerations after the DaemonSet controller and admission.
    pub effective_tolerations: Vec<Toleration>,
    /// Blind-spot figures.
    pub blind_spots: BlindSpots,
    /// Counters.
    pub counters: AgentCounters,
    /// Time series, one row per [`SAMPLE_INTERVAL`].
    pub samples: Vec<Sample>,
    /// What happened to the agent's pods, in order.
    pub agent_log: Vec<AgentEvent>,
    /// Pods the run could not start with: the cluster did not settle as the scenario wrote it.
    pub start_issues: Vec<StartIssue>,
    /// One entry per drain of the timeline, in the order they started.
    pub drains: Vec<DrainResult>,
    /// Resource contention between the agent and the node's workloads.
    pub contention: Contention,
    /// Events processed.
    pub events: u64,
}

/// Pods of one workload that were not running when the run started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StartIssue {
    /// Workload name.
    pub workload: String,
    /// How many of its pods.
    pub pods: u32,
    /// Why, in words (the scheduler's or the kubelet's reason).
    pub reason: String,
}

/// Resource contention of one run (definitions in the README, "Measures").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Contention {
    /// Agent pod-time on nodes whose MemoryPressure condition is True.
    pub memory_pressure: IntervalStats,
    /// Agent pod-time on nodes whose DiskPressure condition is True.
    pub disk_pressure: IntervalStats,
    /// Agent pod-time on nodes whose PIDPressure condition is True.
    pub pid_pressure: IntervalStats,
    /// Business pods the kubelet evicted for node pressure, wherever the agent ran.
    pub business_evictions: u32,
    /// Business pods the kubelet evicted from a node where an agent pod was running.
    pub business_evictions_beside_agent: u32,
    /// Of those, evictions that would not have happened without the agents' use: the
    /// pressured signal plus the agent pods' use of it is on the safe side of the threshold.
    pub business_evictions_caused_by_agent: u32,
    /// Agent pods the kubelet evicted.
    pub agent_evictions: u32,
    /// Agent pods the kubelet refused to admit on a node under pressure.
    pub agent_admission_rejections: u32,
    /// Agent containers killed for exceeding their memory limit.
    pub agent_oom_kills: u32,
}

/// How a drain ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DrainOutcome {
    /// Every pod the drainer waits for is gone.
    Completed,
    /// The drainer's time limit ran out first (kubectl gives up and keeps the node; Cluster API
    /// abandons the drain and lets the node go; Karpenter force-deletes; cluster-autoscaler
    /// deletes the node).
    TimedOut,
    /// The drainer refused the node because of a pod (kubectl's filters, cluster-autoscaler's
    /// drainability rules); nothing was evicted.
    Refused,
    /// An eviction failed with an error other than 429 (kubectl gives up on the node).
    Failed,
    /// Still draining when the run ended.
    Unfinished,
}

impl DrainOutcome {
    /// Whether the node was let go (taken down for maintenance) at the end of the drain.
    pub fn lets_node_go(self, drainer_gives_up_on_timeout: bool) -> bool {
        match self {
            DrainOutcome::Completed => true,
            DrainOutcome::TimedOut => !drainer_gives_up_on_timeout,
            _ => false,
        }
    }

    /// Lower-case name for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            DrainOutcome::Completed => "completed",
            DrainOutcome::TimedOut => "timed out",
            DrainOutcome::Refused => "refused",
            DrainOutcome::Failed => "failed",
            DrainOutcome::Unfinished => "unfinished",
        }
    }
}

/// What one drain did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DrainResult {
    /// The drained node.
    pub node: String,
    /// `kubectl`, `cluster-api`, `karpenter` or `cluster-autoscaler`.
    pub drainer: &'static str,
    /// When the drain started.
    pub started: SimTime,
    /// When it ended (the horizon for an unfinished drain).
    pub ended: SimTime,
    /// How it ended.
    pub outcome: DrainOutcome,
    /// Why the drainer refused the node, for [`DrainOutcome::Refused`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Eviction API requests sent.
    pub eviction_attempts: u32,
    /// Of those, answered 429 because a PodDisruptionBudget allowed no disruption.
    pub pdb_refusals: u32,
    /// Pods deleted without the Eviction API when the drainer's limit ran out (Karpenter).
    pub force_deletions: u32,
    /// Pods, other than DaemonSet and static (mirror) pods, bound to the node after the drain
    /// started.
    pub came_back: u32,
    /// Pods, other than DaemonSet, static (mirror) and terminating pods, still on the node when
    /// the drain ended.
    pub left_behind: u32,
    /// Pods (any) still on the node, not terminating, when it went down for maintenance.
    pub killed: u32,
    /// Whether the agent under test was among the pods left behind.
    pub agent_left_behind: bool,
}

impl DrainResult {
    /// How long the drain took.
    pub fn duration(&self) -> Duration {
        self.ended.saturating_since(self.started)
    }
}

/// A run's drains summed up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DrainTotals {
    /// Drains in the run.
    pub drains: u32,
    /// Of those, completed.
    pub completed: u32,
    /// Timed out.
    pub timed_out: u32,
    /// Refused or failed.
    pub refused_or_failed: u32,
    /// Still running at the horizon.
    pub unfinished: u32,
    /// Summed duration of all drains.
    #[serde(serialize_with = "secs")]
    pub total_duration: Duration,
    /// The longest drain that did not complete cleanly (timed out, refused, failed,
    /// unfinished, or completed with pods left behind), by duration; zero when none.
    #[serde(serialize_with = "secs")]
    pub longest_blocked: Duration,
    /// Node of that drain.
    pub longest_blocked_node: Option<String>,
    /// Eviction requests sent.
    pub eviction_attempts: u32,
    /// 429 answers from budgets.
    pub pdb_refusals: u32,
    /// Pods that came back onto draining nodes.
    pub came_back: u32,
    /// Non-DaemonSet pods left on nodes when their drain ended.
    pub left_behind: u32,
    /// Pods on nodes when they went down.
    pub killed: u32,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl DrainResult {
    /// Whether the drain did not end cleanly: not completed, or completed with pods left
    /// behind.
    pub fn blocked(&self) -> bool {
        self.outcome != DrainOutcome::Completed || self.left_behind > 0
    }
}

impl DrainTotals {
    /// Sums `drains`.
    pub fn of(drains: &[DrainResult]) -> DrainTotals {
        let mut t = DrainTotals::default();
        for d in drains {
            t.drains += 1;
            match d.outcome {
                DrainOutcome::Completed => t.completed += 1,
                DrainOutcome::TimedOut => t.timed_out += 1,
                DrainOutcome::Refused | DrainOutcome::Failed => t.refused_or_failed += 1,
                DrainOutcome::Unfinished => t.unfinished += 1,
            }
            t.total_duration += d.duration();
            if d.blocked() && (t.longest_blocked_node.is_none() || d.duration() > t.longest_blocked) {
                t.longest_blocked = d.duration();
                t.longest_blocked_node = Some(d.node.clone());
            }
            t.eviction_attempts += d.eviction_attempts;
            t.pdb_refusals += d.pdb_refusals;
            t.came_back += d.came_back;
            t.left_behind += d.left_behind;
            t.killed += d.killed;
        }
        t
    }
}

/// Why a pod was deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeletionCause {
    /// The taint-eviction controller (untolerated or expired `NoExecute` taint).
    TaintEviction,
    /// Its DaemonSet controller (the node no longer qualifies).
    DaemonSet,
    /// The pod garbage collector (its node object was deleted).
    GarbageCollection,
    /// The Eviction API, on a drainer's request.
    Eviction,
    /// A drainer deleted it directly, bypassing budgets (Karpenter at its grace period's end).
    ForceDeletion,
    /// The kubelet evicted it for node pressure (the pod ends Failed).
    KubeletEviction,
    /// The kubelet refused to admit it on a node under pressure (the pod ends Failed).
    KubeletAdmission,
}

/// Something that happened to one agent pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AgentEventKind {
    /// The pod object was created (pending).
    Created,
    /// The scheduler bound it to a node.
    Bound,
    /// Its containers started.
    Started,
    /// Its containers stopped running (node down or NotReady, or deletion).
    Stopped,
    /// It received a deletion timestamp (or, for the kubelet's causes, ended Failed).
    Deleted(DeletionCause),
    /// Its container was killed for exceeding its memory limit; it restarts after a back-off.
    OomKilled,
    /// The object is gone from the API.
    Gone,
}

/// One entry of a run's agent log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AgentEvent {
    /// When.
    pub at: SimTime,
    /// Pod name.
    pub pod: String,
    /// The node the pod is bound to, if any.
    pub node: Option<String>,
    /// What happened.
    pub what: AgentEventKind,
}

/// Results for one agent workload.
#[derive(Clone, Debug)]
pub struct AgentComparison {
    /// Agent workload name.
    pub agent: String,
    /// `DaemonSet` or `Deployment`.
    pub kind: &'static str,
    /// One run per policy that applies to this agent, in scenario order.
    pub runs: Vec<RunOutput>,
    /// Groups (two or more) of policy names whose effective tolerations treat every taint the
    /// scenario can produce identically; such policies give identical runs.
    pub equivalent: Vec<Vec<String>>,
}

/// Results for a whole scenario.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Per agent, in scenario order.
    pub agents: Vec<AgentComparison>,
}
