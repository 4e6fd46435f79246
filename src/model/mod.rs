//! The Kubernetes vocabulary the simulator works with: taints, tolerations, quantities,
//! resource lists, node selection and pod templates.
//!
//! Field names follow the Kubernetes API (camelCase in files), so a toleration is written in a
//! scenario or a conformance vector exactly as `kubectl get -o yaml` prints it.

pub mod pod;
pub mod quantity;
pub mod selector;
pub mod taint;
pub mod toleration;
pub mod usage;

pub use pod::PodTemplate;
pub use quantity::{Quantity, ResourceList};
pub use selector::{Affinity, NodeSelectorTerm};
pub use taint::{Taint, TaintEffect};
pub use toleration::{Operator, Toleration};

/// Well-known taint keys that Kubernetes components put on nodes.
pub mod keys {
    /// Ready condition `False` (kubelet reports not ready).
    pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
    /// Ready condition `Unknown` (node stopped posting status).
    pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
    /// `spec.unschedulable` is true (cordon).
    pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
    /// MemoryPressure condition `True`.
    pub const MEMORY_PRESSURE: &str = "node.kubernetes.io/memory-pressure";
    /// DiskPressure condition `True`.
    pub const DISK_PRESSURE: &str = "node.kubernetes.io/disk-pressure";
    /// PIDPressure condition `True`.
    pub const PID_PRESSURE: &str = "node.kubernetes.io/pid-pressure";
    /// NetworkUnavailable condition `True`.
    pub const NETWORK_UNAVAILABLE: &str = "node.kubernetes.io/network-unavailable";
    /// Label holding a node's zone.
    pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
}
