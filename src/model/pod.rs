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
}

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
