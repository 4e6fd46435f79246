//! What pods really use, as opposed to what they request.

use super::quantity::Quantity;
use std::time::Duration;

/// A resource whose use the kubelet watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UsageResource {
    /// Memory working set (bytes).
    Memory,
    /// CPU (cores); never evicts, recorded for contention.
    Cpu,
    /// Ephemeral storage on the node's root filesystem (bytes).
    EphemeralStorage,
    /// Process IDs (a count).
    Pids,
}

impl UsageResource {
    /// All four, in this order.
    pub const ALL: [UsageResource; 4] =
        [UsageResource::Memory, UsageResource::Cpu, UsageResource::EphemeralStorage, UsageResource::Pids];

    /// The name used in scenario files and reports (`memory`, `cpu`, `ephemeral-storage`,
    /// `pids`).
    pub fn as_str(self) -> &'static str {
        match self {
            UsageResource::Memory => "memory",
            UsageResource::Cpu => "cpu",
            UsageResource::EphemeralStorage => "ephemeral-storage",
            UsageResource::Pids => "pids",
        }
    }

    /// Parses [`UsageResource::as_str`] names.
    pub fn parse(s: &str) -> Option<UsageResource> {
        UsageResource::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// How one pod's use of one resource evolves.
#[derive(Clone, Debug, PartialEq)]
pub enum UsageModel {
    /// Always the same amount.
    Constant(Quantity),
    /// A seeded random walk: starts at `start`, moves by a uniformly drawn amount in
    /// `[-step, +step]` every `every`, clamped to `[min, max]`. Each pod draws its own walk.
    RandomWalk {
        /// Initial amount.
        start: Quantity,
        /// Lower bound.
        min: Quantity,
        /// Upper bound.
        max: Quantity,
        /// Largest move per interval.
        step: Quantity,
        /// Interval between moves.
        every: Duration,
    },
}

/// A pod template's usage, per resource. A resource without a model uses exactly its request
/// (zero when it requests none).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodUsage {
    /// Memory working set.
    pub memory: Option<UsageModel>,
    /// CPU.
    pub cpu: Option<UsageModel>,
    /// Ephemeral storage.
    pub ephemeral_storage: Option<UsageModel>,
    /// Process IDs.
    pub pids: Option<UsageModel>,
}

impl PodUsage {
    /// The model of `resource`, if one is set.
    pub fn model(&self, resource: UsageResource) -> Option<&UsageModel> {
        match resource {
            UsageResource::Memory => self.memory.as_ref(),
            UsageResource::Cpu => self.cpu.as_ref(),
            UsageResource::EphemeralStorage => self.ephemeral_storage.as_ref(),
            UsageResource::Pids => self.pids.as_ref(),
        }
    }
}
