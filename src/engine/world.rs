//! The simulated world: nodes and pods, each with two views kept apart.
//!
//! * The **truth** is what really happens: whether a node is up (its kubelet alive and
//!   reachable), whether its kubelet considers it ready, whether a pod's containers run.
//!   Measures are judged on it.
//! * The **API view** is what the control plane knows and acts on: node conditions, taints,
//!   `spec.unschedulable`, pod bindings, deletion timestamps and phases. It follows the truth
//!   only through the controllers and their upstream delays.

use crate::controllers::node_lifecycle::{ConditionStatus, NodeConditions};
use crate::controllers::replicaset;
use crate::model::pod::PodPhase;
use crate::model::{Affinity, ResourceList, Taint, Toleration};
use crate::scenario::NodeDef;
use crate::time::SimTime;
use std::collections::BTreeSet;

/// Index of a node in a run's node list; nodes are never removed from it (a deleted Node object
/// keeps its slot, marked deleted).
pub type NodeId = usize;
/// Index of a pod in a run's pod list; pods are never removed from it (a pod that is gone keeps
/// its slot, marked gone).
pub type PodId = usize;
/// Index of a workload in a run's workload list (business workloads first, then agents).
pub type WorkloadId = usize;

/// A node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Name, labels, capacity and allocatable.
    pub def: NodeDef,
    /// Zone label value (`""` when absent).
    pub zone: String,

    /// API: `spec.taints`.
    pub taints: Vec<Taint>,
    /// API: `spec.unschedulable`.
    pub unschedulable: bool,
    /// API: `status.conditions`.
    pub conditions: NodeConditions,
    /// API: the Node object was deleted.
    pub deleted: bool,

    /// Truth: the node is up and its kubelet reachable.
    pub up: bool,
    /// Truth: the kubelet reports Ready (meaningful while up).
    pub kubelet_ready: bool,
    /// Truth: the last heartbeat (lease renewal) reached the API server at this instant.
    pub last_heartbeat: SimTime,

    /// Pods bound to the node and not yet gone.
    pub pods: BTreeSet<PodId>,
    /// Summed requests of [`Node::pods`] (terminating pods included until gone).
    pub requested: ResourceList,
    /// Summed cpu request in millicores with the scheduler's non-zero default (100m).
    pub nonzero_cpu_milli: i64,
    /// Summed memory request (thousandths of a byte) with the non-zero default (200Mi).
    pub nonzero_memory_milli: i64,
    /// Waiting in its zone's rate-limited `NoExecute` tainting queue.
    pub queued_for_no_execute: bool,
}

impl Node {
    /// A node as it registers: up, ready, with its spec taints.
    pub fn new(def: NodeDef, now: SimTime) -> Node {
        Node {
            zone: def.zone().to_string(),
            taints: def.taints.clone(),
            unschedulable: def.unschedulable,
            conditions: NodeConditions::healthy(),
            deleted: false,
            up: true,
            kubelet_ready: true,
            last_heartbeat: now,
            pods: BTreeSet::new(),
            requested: ResourceList::default(),
            nonzero_cpu_milli: 0,
            nonzero_memory_milli: 0,
            queued_for_no_execute: false,
            def,
        }
    }

    /// Truth: pods on the node can run (up, kubelet ready, object present).
    pub fn usable(&self) -> bool {
        self.up && self.kubelet_ready && !self.deleted
    }

    /// API: the Ready condition.
    pub fn ready(&self) -> ConditionStatus {
        self.conditions.ready
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        &self.def.name
    }
}

/// API: `status.phase` of a pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not bound, or bound and not started.
    Pending,
    /// Started on its node.
    Running,
    /// Terminated with failure (for example evicted by the kubelet).
    Failed,
}

/// A pod.
#[derive(Clone, Debug)]
pub struct Pod {
    /// `metadata.name`.
    pub name: String,
    /// The workload that owns it.
    pub workload: WorkloadId,
    /// Tolerations after the DaemonSet controller and admission.
    pub tolerations: Vec<Toleration>,
    /// Affinity (for daemon pods: pinned to their node).
    pub affinity: Option<Affinity>,
    /// For daemon pods: the node the controller made it for.
    pub daemon_node: Option<NodeId>,
    /// Creation time.
    pub created: SimTime,

    /// API: `spec.nodeName`.
    pub node: Option<NodeId>,
    /// API: `status.phase`.
    pub phase: Phase,
    /// API: `metadata.deletionTimestamp`.
    pub deletion: Option<SimTime>,
    /// The object is gone from the API.
    pub gone: bool,
    /// The scheduler found no node at its last attempt (waits for a cluster change).
    pub unschedulable: bool,

    /// Truth: containers run (and, for an agent, it reports).
    pub running: bool,
    /// Bumped whenever a pending start becomes invalid.
    pub start_epoch: u32,

    /// Truth: current use per [`crate::model::usage::UsageResource`] (memory, cpu,
    /// ephemeral storage, pids), in thousandths of the unit, before spikes.
    pub usage: [i64; 4],
    /// When the random walks last moved.
    pub usage_stepped: SimTime,
    /// The random stream of this pod's usage walks, derived from the seed, its name and its
    /// creation time: the same pod meets the same walk under every policy.
    pub usage_rng: crate::engine::rng::SimRng,
    /// Container restarts after OOM kills.
    pub restarts: u32,
    /// The kubelet's restart back-off of the pod's container.
    pub restart_backoff: crate::controllers::kubelet::Backoff,
}

impl From<Phase> for PodPhase {
    fn from(phase: Phase) -> PodPhase {
        match phase {
            Phase::Pending => PodPhase::Pending,
            Phase::Running => PodPhase::Running,
            Phase::Failed => PodPhase::Failed,
        }
    }
}

impl Pod {
    /// Counts as a replica for its controller ([`replicaset::is_active`]): not gone, not
    /// terminating, not failed.
    pub fn active(&self) -> bool {
        !self.gone && replicaset::is_active(self.deletion.is_some(), self.phase.into())
    }
}
