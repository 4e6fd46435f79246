//! The parts of Kubernetes objects the vectors write, with Kubernetes' JSON field names.
//!
//! Every field is optional and takes the Kubernetes zero value when absent; fields a check does
//! not need are ignored. Taints, tolerations, quantities and node affinity deserialize straight
//! into the [`model`](crate::model) types.

use crate::model::{Affinity, ResourceList, Taint, Toleration};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `metadata`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// `resources` of a container.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResourceRequirements {
    /// `requests`.
    pub requests: ResourceList,
    /// `limits`.
    pub limits: ResourceList,
}

/// A container.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Container {
    /// `name`.
    pub name: String,
    /// `resources`.
    pub resources: ResourceRequirements,
}

/// `spec` of a pod (or of a pod template).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    /// `spec.nodeName` (`""` = not scheduled).
    pub node_name: String,
    /// `spec.nodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// `spec.affinity`.
    pub affinity: Option<Affinity>,
    /// `spec.tolerations`.
    pub tolerations: Vec<Toleration>,
    /// `spec.containers`.
    pub containers: Vec<Container>,
    /// `spec.hostNetwork`.
    pub host_network: bool,
    /// `spec.priority`.
    pub priority: Option<i32>,
    /// `spec.initContainers`.
    pub init_containers: Vec<Container>,
    /// `spec.resources`: pod-level requests and limits.
    pub resources: Option<ResourceRequirements>,
}

/// A pod (or a pod template: `{spec}`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Pod {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: PodSpec,
    /// `status`.
    pub status: PodStatus,
}

/// `status` of a pod.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodStatus {
    /// `status.qosClass` (`""` when not reported).
    pub qos_class: String,
}

impl Pod {
    /// The sum of the containers' requests.
    pub fn summed_requests(&self) -> ResourceList {
        let mut total = ResourceList::default();
        for c in &self.spec.containers {
            total.add(&c.resources.requests);
        }
        total
    }
}

/// `spec` of a node.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeSpec {
    /// `spec.unschedulable`.
    pub unschedulable: bool,
    /// `spec.taints`.
    pub taints: Vec<Taint>,
}

/// A node condition.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeCondition {
    /// `type` (`Ready`, `MemoryPressure`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// `status` (`True`, `False`, `Unknown`).
    pub status: String,
}

/// `status` of a node.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodeStatus {
    /// `status.allocatable`.
    pub allocatable: ResourceList,
    /// `status.conditions`.
    pub conditions: Vec<NodeCondition>,
}

/// A node.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Node {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: NodeSpec,
    /// `status`.
    pub status: NodeStatus,
}
