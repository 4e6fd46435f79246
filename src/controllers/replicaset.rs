//! The ReplicaSet controller: which pods count as replicas, and how many replacements one sync
//! creates.
//!
//! Rules (upstream `pkg/controller/replicaset`, `controller_utils.IsPodActive`):
//!
//! 1. A pod counts as a replica only while it is *active*: no deletion timestamp, and phase
//!    neither `Succeeded` nor `Failed`.
//! 2. The controller treats a pod that gains a deletion timestamp, or turns `Failed` or
//!    `Succeeded`, like a deleted one and syncs at once: the replacement is created at the
//!    instant the old pod stops counting, while it is still terminating (its grace period) or
//!    while the finished object lingers, not when it disappears.

use crate::model::pod::PodPhase;

/// Whether a pod counts as a replica (`IsPodActive`): not terminating and not finished.
pub fn is_active(terminating: bool, phase: PodPhase) -> bool {
    !terminating && !phase.is_finished()
}

/// How many pods one sync creates for a ReplicaSet that wants `replicas` and has `active`
/// active pods (surplus pods are the scale-down path, which the simulator does not need).
pub fn replacements_needed(replicas: u32, active: u32) -> u32 {
    replicas.saturating_sub(active)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminating_and_finished_pods_stop_counting_at_once() {
        assert!(is_active(false, PodPhase::Pending));
        assert!(is_active(false, PodPhase::Running));
        assert!(!is_active(true, PodPhase::Running));
        assert!(!is_active(false, PodPhase::Failed));
        assert!(!is_active(false, PodPhase::Succeeded));
    }

    #[test]
    fn one_replacement_per_missing_replica() {
        assert_eq!(replacements_needed(3, 2), 1);
        assert_eq!(replacements_needed(3, 3), 0);
        assert_eq!(replacements_needed(1, 2), 0);
    }
}
