//! The Kubernetes components the simulator reproduces, one module each.
//!
//! Each module holds the component's rules as plain functions or small state machines that take
//! the API view and return decisions; the engine applies those decisions to the world. The
//! conformance evaluators call the same code.

pub mod admission;
pub mod daemonset;
pub mod disruption;
pub mod drain;
pub mod kubelet;
pub mod node_lifecycle;
pub mod replicaset;
pub mod scheduler;
pub mod taint_eviction;
