//! Karpenter: the drain that runs when a Node with Karpenter's termination finalizer is deleted.
//!
//! Karpenter taints the node `karpenter.sh/disrupted:NoSchedule` (it does not set
//! `spec.unschedulable`), then on every pass (about once a second) lists the node's pods and
//! waits for the ones it drains. Those are evicted group by group: a group is queued only when
//! every earlier group is empty. DaemonSet pods are evicted too, after the others. A failed
//! eviction is retried with a per-pod exponential back-off; nothing fails the drain, which can
//! therefore block forever unless the NodeClaim sets a `terminationGracePeriod`.
//!
//! Per pod, in order (upstream karpenter `pkg/utils/pod/scheduling.go` `IsWaitingEviction`,
//! `IsDrainable`, `IsEvictable`, `ToleratesDisruptedNoScheduleTaint`, `IsStuckTerminating`,
//! `IsOwnedByNode`, `IsOwnedByDaemonSet`, `HasDoNotDisrupt`;
//! `pkg/controllers/node/termination/terminator/terminator.go` `Drain`, `groupPodsByPriority`):
//!
//! 1. a finished pod → skip;
//! 2. a pod that tolerates `karpenter.sh/disrupted:NoSchedule` (checked with the shared
//!    matcher, so `{operator: Exists}` counts) → skip, it is never drained;
//! 3. a pod with an owner reference `v1` `Node` (a static pod's mirror) → skip;
//! 4. a deletion timestamp more than [`STUCK_TERMINATING_AFTER`] old → skip (stuck);
//! 5. every other pod is waited for, in a tier: 1 neither critical nor DaemonSet, 2 DaemonSet,
//!    3 critical, 4 critical DaemonSet, where critical means priority class
//!    `system-cluster-critical` or `system-node-critical` and DaemonSet means an owner
//!    reference `apps/v1` `DaemonSet`;
//! 6. of those, pods annotated `karpenter.sh/do-not-disrupt: "true"` and pods already
//!    terminating are only waited for; the others are evicted, tier by tier.

use super::{Action, DrainPlan, DrainPodView, EvictionReaction, EvictionTier, PodDecision};
use crate::model::{Taint, TaintEffect};
use std::time::Duration;

/// The taint key Karpenter puts on a node it is about to remove.
pub const DISRUPTED_TAINT_KEY: &str = "karpenter.sh/disrupted";

/// The pod annotation that stops Karpenter from evicting a pod.
pub const DO_NOT_DISRUPT_ANNOTATION: &str = "karpenter.sh/do-not-disrupt";

/// How long after its deletion timestamp a terminating pod is considered stuck and no longer
/// waited for.
pub const STUCK_TERMINATING_AFTER: Duration = Duration::from_secs(60);

/// How often the termination controller comes back while the drain goes on.
pub const DRAIN_REQUEUE_INTERVAL: Duration = Duration::from_secs(1);

/// First retry delay of the eviction queue's per-pod back-off.
pub const EVICTION_BACKOFF_BASE: Duration = Duration::from_millis(100);

/// Longest retry delay of the eviction queue's per-pod back-off.
pub const EVICTION_BACKOFF_MAX: Duration = Duration::from_secs(10);

/// The priority classes Karpenter treats as critical.
pub const CRITICAL_PRIORITY_CLASSES: [&str; 2] = ["system-cluster-critical", "system-node-critical"];

/// The taint Karpenter puts on the node: `karpenter.sh/disrupted:NoSchedule`, no value.
pub fn disrupted_taint() -> Taint {
    Taint::new(DISRUPTED_TAINT_KEY, TaintEffect::NoSchedule)
}

/// Whether any of the pod's tolerations tolerates [`disrupted_taint`].
pub fn tolerates_disrupted_taint(pod: &DrainPodView<'_>) -> bool {
    let taint = disrupted_taint();
    pod.tolerations.iter().any(|t| t.tolerates(&taint))
}

/// Whether any owner reference is exactly `api_version`/`kind`.
fn owned_by(pod: &DrainPodView<'_>, api_version: &str, kind: &str) -> bool {
    pod.owner_references.iter().any(|o| o.is(api_version, kind))
}

/// The tier of a pod Karpenter waits for.
pub fn tier(pod: &DrainPodView<'_>) -> EvictionTier {
    let critical = CRITICAL_PRIORITY_CLASSES.contains(&pod.priority_class_name);
    let daemon = owned_by(pod, "apps/v1", "DaemonSet");
    match (critical, daemon) {
        (false, false) => EvictionTier::NonCritical,
        (false, true) => EvictionTier::NonCriticalDaemon,
        (true, false) => EvictionTier::Critical,
        (true, true) => EvictionTier::CriticalDaemon,
    }
}

/// Whether Karpenter waits for the pod before it lets the node go (rules 1 to 4).
pub fn waits_for(pod: &DrainPodView<'_>) -> bool {
    !pod.is_finished()
        && !tolerates_disrupted_taint(pod)
        && !owned_by(pod, "v1", "Node")
        && pod.deleted_for.is_none_or(|age| age <= STUCK_TERMINATING_AFTER)
}

/// Decides one pod: `Skip` without a tier, or `Evict`/`Wait` with its tier.
pub fn decide_pod(pod: &DrainPodView<'_>) -> PodDecision {
    if !waits_for(pod) {
        return PodDecision::of(Action::Skip);
    }
    let held = pod.annotation(DO_NOT_DISRUPT_ANNOTATION) == Some("true") || pod.is_terminating();
    let action = if held { Action::Wait } else { Action::Evict };
    PodDecision { action, tier: Some(tier(pod)) }
}

/// The tier queued for eviction in the current pass: the lowest tier among the pods waited for
/// (`None` when none is left, so the drain is done).
pub fn current_tier(decisions: &[PodDecision]) -> Option<EvictionTier> {
    decisions.iter().filter(|d| d.action.holds_drain()).filter_map(|d| d.tier).min()
}

/// Decides the pods of one pass: Karpenter does not cordon and never fails the drain.
pub fn plan(pods: &[DrainPodView<'_>]) -> DrainPlan {
    DrainPlan { cordons: false, fails: false, decisions: pods.iter().map(decide_pod).collect() }
}

/// The eviction queue's delay before the next attempt for a pod that has already failed
/// `failures` times (at least once): 100 ms doubling up to 10 s.
pub fn eviction_backoff(failures: u32) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    EVICTION_BACKOFF_BASE.saturating_mul(1 << exponent).min(EVICTION_BACKOFF_MAX)
}

/// What Karpenter does after the Eviction API answers `http_status` for a pod that had failed
/// `previous_failures` times before: success, 404 and 409 (the pod is gone or was replaced)
/// end the request; anything else is retried after [`eviction_backoff`].
pub fn eviction_reaction(http_status: u16, previous_failures: u32) -> EvictionReaction {
    match http_status {
        200..=299 | 404 | 409 => EvictionReaction::Done,
        _ => EvictionReaction::RetryAfter(eviction_backoff(previous_failures.saturating_add(1))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::OwnerReference;
    use super::super::test_support::TestPod;
    use super::*;
    use crate::model::Toleration;
    use crate::model::pod::PodPhase;

    fn decide(pod: &TestPod) -> PodDecision {
        decide_pod(&pod.view())
    }

    fn evict(tier: EvictionTier) -> PodDecision {
        PodDecision { action: Action::Evict, tier: Some(tier) }
    }

    #[test]
    fn an_ordinary_pod_is_evicted_first() {
        assert_eq!(
            decide(&TestPod::new("p").owned_by("apps/v1", "ReplicaSet")),
            evict(EvictionTier::NonCritical)
        );
    }

    #[test]
    fn daemon_set_pods_are_evicted_after_the_others() {
        let pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet");
        assert_eq!(decide(&pod), evict(EvictionTier::NonCriticalDaemon));
    }

    #[test]
    fn critical_pods_come_last() {
        let mut pod = TestPod::new("p").owned_by("apps/v1", "ReplicaSet");
        pod.priority_class_name = "system-cluster-critical".into();
        assert_eq!(decide(&pod), evict(EvictionTier::Critical));
        let mut ds = TestPod::new("d").owned_by("apps/v1", "DaemonSet");
        ds.priority_class_name = "system-node-critical".into();
        assert_eq!(decide(&ds), evict(EvictionTier::CriticalDaemon));
    }

    #[test]
    fn a_pod_tolerating_the_disrupted_taint_is_never_drained() {
        let mut pod = TestPod::new("p").owned_by("apps/v1", "ReplicaSet");
        pod.tolerations.push(Toleration::exists("", None));
        assert_eq!(decide(&pod), PodDecision::of(Action::Skip));
        let mut keyed = TestPod::new("q");
        keyed.tolerations.push(Toleration::exists(DISRUPTED_TAINT_KEY, Some(TaintEffect::NoSchedule)));
        assert_eq!(decide(&keyed).action, Action::Skip);
    }

    #[test]
    fn the_daemon_set_controllers_own_tolerations_do_not_cover_the_disrupted_taint() {
        let mut pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet");
        pod.tolerations = crate::controllers::daemonset::daemon_pod_tolerations(&[], false);
        assert_eq!(decide(&pod), evict(EvictionTier::NonCriticalDaemon));
    }

    #[test]
    fn a_pod_owned_by_its_node_is_skipped() {
        let mut pod = TestPod::new("static");
        pod.owners.push(OwnerReference {
            api_version: "v1".into(),
            kind: "Node".into(),
            name: "n".into(),
            controller: false,
        });
        assert_eq!(decide(&pod).action, Action::Skip);
    }

    #[test]
    fn finished_pods_are_skipped() {
        for phase in [PodPhase::Succeeded, PodPhase::Failed] {
            assert_eq!(decide(&TestPod::new("p").in_phase(phase)).action, Action::Skip);
        }
    }

    #[test]
    fn a_pod_terminating_for_over_a_minute_is_stuck_and_skipped() {
        assert_eq!(decide(&TestPod::new("p").deleted_secs_ago(90)).action, Action::Skip);
        let recent = decide(&TestPod::new("p").deleted_secs_ago(60));
        assert_eq!(recent, PodDecision { action: Action::Wait, tier: Some(EvictionTier::NonCritical) });
    }

    #[test]
    fn do_not_disrupt_pods_hold_the_drain_without_being_evicted() {
        let pod = TestPod::new("p").annotated(DO_NOT_DISRUPT_ANNOTATION, "true");
        assert_eq!(decide(&pod), PodDecision { action: Action::Wait, tier: Some(EvictionTier::NonCritical) });
        let other = TestPod::new("p").annotated(DO_NOT_DISRUPT_ANNOTATION, "false");
        assert_eq!(decide(&other).action, Action::Evict);
    }

    #[test]
    fn the_lowest_waiting_tier_is_queued_first() {
        let a = TestPod::new("a").owned_by("apps/v1", "DaemonSet");
        let b = TestPod::new("b").in_phase(PodPhase::Succeeded);
        let p = plan(&[a.view(), b.view()]);
        assert!(!p.cordons && !p.fails);
        assert_eq!(current_tier(&p.decisions), Some(EvictionTier::NonCriticalDaemon));
        assert_eq!(current_tier(&[]), None);
    }

    #[test]
    fn evictions_back_off_from_a_tenth_of_a_second_to_ten_seconds() {
        assert_eq!(eviction_backoff(1), Duration::from_millis(100));
        assert_eq!(eviction_backoff(2), Duration::from_millis(200));
        assert_eq!(eviction_backoff(8), Duration::from_secs(10));
        assert_eq!(eviction_backoff(100), Duration::from_secs(10));
        assert_eq!(eviction_reaction(429, 0), EvictionReaction::RetryAfter(Duration::from_millis(100)));
        assert_eq!(eviction_reaction(409, 3), EvictionReaction::Done);
        assert_eq!(eviction_reaction(500, 1), EvictionReaction::RetryAfter(Duration::from_millis(200)));
    }
}
