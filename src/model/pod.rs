//! Pod templates: what a workload stamps onto each pod it creates.

use super::quantity::ResourceList;
use super::selector::Affinity;
use super::toleration::Toleration;
use std::collections::BTreeMap;
use std::time::Duration;

/// The parts of a pod spec the simulator models.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodTemplate {
    /// Summed container requests (the scheduler's view of the pod).
    pub requests: ResourceList,
    /// Summed container limits.
    pub limits: ResourceList,
    /// `spec.priority` (resolved from the priority class).
    pub priority: i32,
    /// `spec.priorityClassName`, kept for drainers that look at the name.
    pub priority_class_name: String,
    /// Tolerations as written in the template, before admission or controllers add any.
    pub tolerations: Vec<Toleration>,
    /// `spec.nodeSelector`.
    pub node_selector: BTreeMap<String, String>,
    /// `spec.affinity` (node affinity only).
    pub affinity: Option<Affinity>,
    /// `spec.hostNetwork`.
    pub host_network: bool,
    /// `spec.terminationGracePeriodSeconds` (API default 30 s).
    pub termination_grace_period: Duration,
    /// `metadata.labels` (the engine adds [`WORKLOAD_LABEL`]).
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations` (drainers read some: `safe-to-evict`, `do-not-disrupt`).
    pub annotations: BTreeMap<String, String>,
    /// `spec.volumes`, as far as drainers look at them.
    pub volumes: Vec<Volume>,
    /// Required pod anti-affinity on `kubernetes.io/hostname` against the workload's own pods:
    /// at most one of its pods per node.
    pub one_per_node: bool,
    /// What each pod really uses (memory working set, cpu, ephemeral storage, PIDs).
    pub usage: super::usage::PodUsage,
}

/// Label the simulator puts on every pod: the name of its workload, so that budgets and
/// anti-affinity can select a workload's pods.
pub const WORKLOAD_LABEL: &str = "taintsim.io/workload";

/// The API server's default `terminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD: Duration = Duration::from_secs(30);

/// `status.phase` of a pod.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PodPhase {
    /// Accepted, not (yet) running: unbound, or bound and starting.
    #[default]
    Pending,
    /// Bound and started.
    Running,
    /// Every container terminated successfully and will not restart.
    Succeeded,
    /// Every container terminated, at least one in failure (for example evicted by the
    /// kubelet).
    Failed,
}

impl PodPhase {
    /// Parses the phase as Kubernetes writes it (`Pending`, `Running`, `Succeeded`, `Failed`).
    pub fn parse(s: &str) -> Option<PodPhase> {
        match s {
            "Pending" => Some(PodPhase::Pending),
            "Running" => Some(PodPhase::Running),
            "Succeeded" => Some(PodPhase::Succeeded),
            "Failed" => Some(PodPhase::Failed),
            _ => None,
        }
    }

    /// `Succeeded` or `Failed`: the pod will not run again.
    pub fn is_finished(self) -> bool {
        matches!(self, PodPhase::Succeeded | PodPhase::Failed)
    }
}

/// An entry of `metadata.ownerReferences`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct OwnerReference {
    /// `apiVersion`, such as `apps/v1` or `v1`.
    pub api_version: String,
    /// `kind`, such as `ReplicaSet`.
    pub kind: String,
    /// `name` (the owner lives in the pod's namespace).
    pub name: String,
    /// `controller: true`.
    pub controller: bool,
}

impl OwnerReference {
    /// The API group of `api_version`: the part before the `/`, or `""` for the core group
    /// (`v1`).
    pub fn group(&self) -> &str {
        self.api_version.split_once('/').map_or("", |(group, _)| group)
    }

    /// Whether this reference names exactly `api_version` and `kind`.
    pub fn is(&self, api_version: &str, kind: &str) -> bool {
        self.api_version == api_version && self.kind == kind
    }
}

/// What a volume is backed by, as far as drainers care.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VolumeSource {
    /// `emptyDir`, with its `medium` (`""` for node disk, `"Memory"` for tmpfs).
    EmptyDir {
        /// `emptyDir.medium`.
        medium: String,
    },
    /// `hostPath`.
    HostPath,
    /// Any other source (configMap, secret, persistentVolumeClaim, ...).
    Other,
}

/// A pod volume.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Volume {
    /// `name`.
    pub name: String,
    /// Its source.
    pub source: VolumeSource,
}

/// `spec.restartPolicy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum RestartPolicy {
    /// `Always` (the API default).
    #[default]
    Always,
    /// `OnFailure`.
    OnFailure,
    /// `Never`.
    Never,
}

impl RestartPolicy {
    /// Parses the policy as Kubernetes writes it.
    pub fn parse(s: &str) -> Option<RestartPolicy> {
        match s {
            "Always" => Some(RestartPolicy::Always),
            "OnFailure" => Some(RestartPolicy::OnFailure),
            "Never" => Some(RestartPolicy::Never),
            _ => None,
        }
    }
}
