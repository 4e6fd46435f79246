//! What a comparison produced: per run and per agent results, the input of every report.

use super::blind_spots::{BlindSpots, Sample};
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

/// Why a pod was deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeletionCause {
    /// The taint-eviction controller (untolerated or expired `NoExecute` taint).
    TaintEviction,
    /// Its DaemonSet controller (the node no longer qualifies).
    DaemonSet,
    /// The pod garbage collector (its node object was deleted).
    GarbageCollection,
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
    /// It received a deletion timestamp.
    Deleted(DeletionCause),
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
