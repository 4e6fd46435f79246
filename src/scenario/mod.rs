//! Scenarios: what a run simulates.
//!
//! A scenario file (RON, see the README's "Scenario files" section) is parsed and validated
//! into a [`Scenario`], the resolved form the engine consumes: node groups expanded into
//! nodes, quantities and durations parsed, defaults of the named Kubernetes version filled in.

use crate::model::{PodTemplate, ResourceList, Taint, TaintEffect, Toleration};
use crate::time::SimTime;
use std::collections::BTreeMap;
use std::time::Duration;

pub mod settings;

pub use settings::{ControllerSettings, KubeVersion};

/// A validated scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short name; also the default report folder name.
    pub name: String,
    /// Free text shown at the top of reports.
    pub description: String,
    /// Simulated Kubernetes version; decides version-dependent defaults.
    pub kubernetes_version: KubeVersion,
    /// Seed of the run's random number generator.
    pub seed: u64,
    /// Simulated time span of each run.
    pub horizon: Duration,
    /// Controller, kubelet and API server settings.
    pub settings: ControllerSettings,
    /// Nodes present at the start, in file order (groups expanded).
    pub nodes: Vec<NodeDef>,
    /// Business workloads (everything that is not an agent).
    pub workloads: Vec<Workload>,
    /// Agent workloads whose tolerations the policies replace.
    pub agents: Vec<Workload>,
    /// Toleration policies to compare.
    pub policies: Vec<Policy>,
    /// Scripted events, sorted by time (stable for equal times).
    pub timeline: Vec<TimelineEvent>,
}

/// One node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDef {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.labels` (zone in `topology.kubernetes.io/zone`, pool in the scenario's pool
    /// label).
    pub labels: BTreeMap<String, String>,
    /// `spec.taints` at the start (the controller-managed condition taints are not listed
    /// here; the node lifecycle controller adds them).
    pub taints: Vec<Taint>,
    /// `spec.unschedulable`.
    pub unschedulable: bool,
    /// `status.capacity`.
    pub capacity: ResourceList,
    /// `status.allocatable`.
    pub allocatable: ResourceList,
}

impl NodeDef {
    /// The node's zone label, `""` when absent.
    pub fn zone(&self) -> &str {
        self.labels.get(crate::model::keys::ZONE_LABEL).map(String::as_str).unwrap_or("")
    }
}

/// How a workload's pods are created and replaced.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkloadKind {
    /// A Deployment (through its ReplicaSet) keeping `replicas` pods.
    Deployment {
        /// Desired replicas.
        replicas: u32,
    },
    /// A DaemonSet: one pod per eligible node.
    DaemonSet,
    /// Bare pods, never replaced. `node_name` set means the pod is bound there directly.
    Pod {
        /// How many identical pods.
        count: u32,
        /// `spec.nodeName` when bound at creation.
        node_name: Option<String>,
    },
}

impl WorkloadKind {
    /// `Deployment`, `DaemonSet` or `Pod`.
    pub fn label(&self) -> &'static str {
        match self {
            WorkloadKind::Deployment { .. } => "Deployment",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Pod { .. } => "Pod",
        }
    }
}

/// A workload (business or agent).
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Name; pods are named `<name>-<n>`.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Kind and replica count.
    pub kind: WorkloadKind,
    /// Pod template (tolerations as written in the chart or manifest).
    pub template: PodTemplate,
}

/// A named toleration set to compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Name shown in reports.
    pub name: String,
    /// Why someone would pick it.
    pub description: String,
    /// Tolerations, written as Kubernetes writes them.
    pub tolerations: Vec<Toleration>,
    /// Agent workload names this policy is compared for; empty = every agent.
    pub applies_to: Vec<String>,
}

impl Policy {
    /// Whether this policy is compared for the agent named `agent`.
    pub fn applies_to(&self, agent: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|a| a == agent)
    }
}

/// A scripted event.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    /// When it happens.
    pub at: SimTime,
    /// What happens.
    pub action: TimelineAction,
}

/// What a timeline event does. Truth events (`NodeSilent`, `NodeBack`, `KubeletNotReady`,
/// `KubeletReady`) change the real state of a node; the API view follows through the node
/// lifecycle controller. API events (taints, cordon, node add/remove) change the API directly.
#[derive(Clone, Debug, PartialEq)]
pub enum TimelineAction {
    /// Add (or change the value of) a taint on a node.
    AddTaint {
        /// Node name.
        node: String,
        /// The taint.
        taint: Taint,
    },
    /// Remove the taint with this key and effect.
    RemoveTaint {
        /// Node name.
        node: String,
        /// Taint key.
        key: String,
        /// Taint effect.
        effect: TaintEffect,
    },
    /// Set `spec.unschedulable: true`.
    Cordon {
        /// Node name.
        node: String,
    },
    /// Set `spec.unschedulable: false`.
    Uncordon {
        /// Node name.
        node: String,
    },
    /// The node stops (power loss, network partition): no heartbeats, pods stop running.
    NodeSilent {
        /// Node name.
        node: String,
    },
    /// The node is reachable again and its kubelet reports `Ready=True`.
    NodeBack {
        /// Node name.
        node: String,
    },
    /// The kubelet is alive but reports `Ready=False` (runtime or network plugin broken);
    /// pods on the node do not function.
    KubeletNotReady {
        /// Node name.
        node: String,
    },
    /// The kubelet reports `Ready=True` again.
    KubeletReady {
        /// Node name.
        node: String,
    },
    /// A new node registers.
    AddNode(NodeDef),
    /// The Node object is deleted (pods bound to it are garbage-collected).
    RemoveNode {
        /// Node name.
        node: String,
    },
}

impl TimelineAction {
    /// The node the event concerns.
    pub fn node(&self) -> &str {
        match self {
            TimelineAction::AddTaint { node, .. }
            | TimelineAction::RemoveTaint { node, .. }
            | TimelineAction::Cordon { node }
            | TimelineAction::Uncordon { node }
            | TimelineAction::NodeSilent { node }
            | TimelineAction::NodeBack { node }
            | TimelineAction::KubeletNotReady { node }
            | TimelineAction::KubeletReady { node }
            | TimelineAction::RemoveNode { node } => node,
            TimelineAction::AddNode(def) => &def.name,
        }
    }
}
