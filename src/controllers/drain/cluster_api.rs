//! Cluster API: the drain a Machine deletion runs before the infrastructure goes.
//!
//! Every reconcile of the deleting Machine cordons the node, lists its pods again, decides each
//! one, evicts (one by one, within a ten-second budget) the pods of the lowest drain order that
//! still have to go, and, while any pod still holds the drain, comes back after
//! [`DRAIN_RETRY_INTERVAL`]. Nothing a pod does fails the drain; it only keeps it going, until
//! the Machine's `nodeDrainTimeoutSeconds` (unlimited by default) runs out. Because the pods
//! are listed again on every pass, a pod that lands on the node again (it tolerates the
//! cordon) is evicted again on the next pass.
//!
//! Per pod, first match wins (upstream cluster-api `internal/controllers/machine/drain/filters.go`
//! `skipDeletedFilter`, `daemonSetFilter`, `mirrorPodFilter`, `localStorageFilter`,
//! `unreplicatedFilter`, `drainLabelFilter`, `machineDrainRulesFilter`; `drain.go` `EvictPods`;
//! `machine_controller.go` `drainNode`):
//!
//! 1. only on an unreachable node (Ready `Unknown`): a deletion timestamp more than one whole
//!    second old → skip;
//! 2. a controller reference of kind `DaemonSet` (any apiVersion) on a pod that is not
//!    finished: the DaemonSet exists → skip; it is gone → carry on (evicted with a warning);
//! 3. the mirror annotation → skip;
//! 4. `emptyDir` volumes and a missing controller only produce warnings;
//! 5. label `cluster.x-k8s.io/drain`: `skip` (any letter case) → skip; `wait-completed` (any
//!    letter case, the first dash optional) → wait for the pod to complete, without evicting it;
//! 6. the first MachineDrainRule that applies (the caller finds it, rules sorted by name):
//!    `Skip` → skip, `WaitCompleted` → wait, `Drain` → drain with the rule's order; no rule →
//!    drain with order 0;
//! 7. a pod to drain that already has a deletion timestamp is only waited for; any other is
//!    evicted.
//!
//! Only pods with the lowest order among the pods still to drain or wait for are acted on in a
//! pass ([`min_drain_order`]); the drain is complete when no pod holds it.

use super::skip_deleted::{CLUSTER_API_UNREACHABLE_TIMEOUT, skip_deleted};
use super::{Action, DrainPlan, DrainPodView, EvictionReaction, PodDecision};
use crate::controllers::node_lifecycle::ConditionStatus;
use std::time::Duration;

/// The pod label that overrides the drain behaviour.
pub const DRAIN_LABEL: &str = "cluster.x-k8s.io/drain";

/// How long a Machine reconcile waits before the next drain pass (`drainRetryInterval`).
pub const DRAIN_RETRY_INTERVAL: Duration = Duration::from_secs(20);

/// The time budget for sending evictions in one pass.
pub const EVICTION_BUDGET_PER_PASS: Duration = Duration::from_secs(10);

/// Cluster API drain settings (from the Machine spec and the controller's constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClusterApiOptions {
    /// Time between two passes while the drain is not complete.
    pub relist_interval: Duration,
    /// Time budget for evictions in one pass.
    pub eviction_budget_per_pass: Duration,
    /// `spec.nodeDrainTimeoutSeconds`: after this long the drain is given up and the Machine
    /// deleted anyway; `None` (unset or 0, the default) never gives up.
    pub node_drain_timeout: Option<Duration>,
}

impl Default for ClusterApiOptions {
    fn default() -> Self {
        ClusterApiOptions {
            relist_interval: DRAIN_RETRY_INTERVAL,
            eviction_budget_per_pass: EVICTION_BUDGET_PER_PASS,
            node_drain_timeout: None,
        }
    }
}

/// What the first applicable MachineDrainRule says (`spec.drain.behavior` and `order`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DrainRuleBehavior {
    /// Evict, in the given order (lower first).
    Drain {
        /// `spec.drain.order`.
        order: i32,
    },
    /// Leave the pod alone.
    Skip,
    /// Wait for the pod to complete without evicting it.
    WaitCompleted,
}

/// One pod's decision, with the drain order it is acted on in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClusterApiDecision {
    /// `Evict`, `Wait` or `Skip`.
    pub action: Action,
    /// The drain order for pods that hold the drain (`Evict`, `Wait`); `None` for skipped pods.
    pub order: Option<i32>,
}

/// Go's `strings.EqualFold`: equal under Unicode simple case folding. Two characters match
/// when they are equal or when the lower case of their upper case is the same (which also pairs
/// the Kelvin sign with `k` and the long s with `s`).
fn equal_fold(a: &str, b: &str) -> bool {
    fn fold(c: char) -> char {
        let mut upper = c.to_uppercase();
        let u = match (upper.next(), upper.next()) {
            (Some(u), None) => u,
            _ => return c,
        };
        let mut lower = u.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    }
    let mut x = a.chars();
    let mut y = b.chars();
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q || fold(p) == fold(q) => {}
            _ => return false,
        }
    }
}

/// What the drain label asks for, if anything: `skip` or `wait-completed`.
fn label_behavior(value: &str) -> Option<DrainRuleBehavior> {
    if equal_fold(value, "Skip") {
        return Some(DrainRuleBehavior::Skip);
    }
    if equal_fold(&value.replacen('-', "", 1), "WaitCompleted") {
        return Some(DrainRuleBehavior::WaitCompleted);
    }
    None
}

/// Whether the node counts as unreachable: its Ready condition is `Unknown`.
pub fn node_unreachable(node_ready: ConditionStatus) -> bool {
    node_ready == ConditionStatus::Unknown
}

/// Decides one pod on a node whose Ready condition is `node_ready`, given the behaviour of the
/// first MachineDrainRule that applies to it (`None` when none does).
pub fn decide_pod(
    pod: &DrainPodView<'_>,
    node_ready: ConditionStatus,
    rule: Option<DrainRuleBehavior>,
) -> ClusterApiDecision {
    let skip = ClusterApiDecision { action: Action::Skip, order: None };
    if node_unreachable(node_ready) && skip_deleted(pod.deleted_for, CLUSTER_API_UNREACHABLE_TIMEOUT) {
        return skip;
    }
    let daemon_set = pod.controller().is_some_and(|c| c.kind == "DaemonSet");
    if daemon_set && !pod.is_finished() && pod.controller_exists {
        return skip;
    }
    if pod.is_mirror {
        return skip;
    }
    let behavior = pod.label(DRAIN_LABEL).and_then(label_behavior).or(rule);
    let order = match behavior {
        Some(DrainRuleBehavior::Skip) => return skip,
        Some(DrainRuleBehavior::WaitCompleted) => {
            return ClusterApiDecision { action: Action::Wait, order: Some(0) };
        }
        Some(DrainRuleBehavior::Drain { order }) => order,
        None => 0,
    };
    let action = if pod.is_terminating() { Action::Wait } else { Action::Evict };
    ClusterApiDecision { action, order: Some(order) }
}

/// The lowest drain order among pods that hold the drain; only pods of that order are evicted
/// or waited for in the current pass. `None` when no pod holds the drain (it is complete).
pub fn min_drain_order(decisions: &[ClusterApiDecision]) -> Option<i32> {
    decisions.iter().filter(|d| d.action.holds_drain()).filter_map(|d| d.order).min()
}

/// Decides the pods of one pass (no MachineDrainRules): Cluster API cordons on every pass and
/// never fails the drain because of a pod.
pub fn plan(pods: &[DrainPodView<'_>], node_ready: ConditionStatus) -> DrainPlan {
    let decisions = pods.iter().map(|p| PodDecision::of(decide_pod(p, node_ready, None).action)).collect();
    DrainPlan { cordons: true, fails: false, decisions }
}

/// What Cluster API does after the Eviction API answers `http_status`: success and 404 end the
/// request; every other answer is recorded and the eviction is tried again on the next pass.
pub fn eviction_reaction(http_status: u16, options: &ClusterApiOptions) -> EvictionReaction {
    match http_status {
        200..=299 | 404 => EvictionReaction::Done,
        _ => EvictionReaction::RetryAfter(options.relist_interval),
    }
}

#[cfg(test)]
mod tests {
    use super::super::MIRROR_ANNOTATION;
    use super::super::test_support::TestPod;
    use super::*;
    use crate::model::pod::PodPhase;

    const READY: ConditionStatus = ConditionStatus::True;

    fn action(pod: &TestPod, ready: ConditionStatus) -> Action {
        decide_pod(&pod.view(), ready, None).action
    }

    #[test]
    fn deleted_pods_are_skipped_only_on_an_unreachable_node() {
        let pod = TestPod::new("p").owned_by("apps/v1", "ReplicaSet").deleted_secs_ago(100);
        assert_eq!(action(&pod, ConditionStatus::Unknown), Action::Skip);
        assert_eq!(action(&pod, READY), Action::Wait);
        assert_eq!(action(&pod, ConditionStatus::False), Action::Wait);
    }

    #[test]
    fn a_pod_of_an_existing_daemon_set_is_skipped_whatever_its_api_version() {
        assert_eq!(action(&TestPod::new("p").owned_by("apps/v1", "DaemonSet"), READY), Action::Skip);
        assert_eq!(
            action(&TestPod::new("p").owned_by("extensions/v1beta1", "DaemonSet"), READY),
            Action::Skip
        );
    }

    #[test]
    fn an_orphaned_or_finished_daemon_set_pod_is_evicted() {
        assert_eq!(
            action(&TestPod::new("p").owned_by("apps/v1", "DaemonSet").orphaned(), READY),
            Action::Evict
        );
        let done = TestPod::new("p").owned_by("apps/v1", "DaemonSet").in_phase(PodPhase::Succeeded);
        assert_eq!(action(&done, READY), Action::Evict);
    }

    #[test]
    fn a_mirror_pod_is_skipped() {
        assert_eq!(action(&TestPod::new("m").annotated(MIRROR_ANNOTATION, "x"), READY), Action::Skip);
    }

    #[test]
    fn naked_pods_and_empty_dirs_are_evicted_with_warnings_only() {
        assert_eq!(action(&TestPod::new("p"), READY), Action::Evict);
        assert_eq!(action(&TestPod::new("p").with_empty_dir("scratch", ""), READY), Action::Evict);
    }

    #[test]
    fn the_drain_label_skips_or_waits_in_any_letter_case() {
        for v in ["skip", "Skip", "SKIP", "\u{17f}kip"] {
            assert_eq!(action(&TestPod::new("p").labelled(DRAIN_LABEL, v), READY), Action::Skip, "{v}");
        }
        for v in ["wait-completed", "WaitCompleted", "WAIT-COMPLETED", "-waitcompleted"] {
            assert_eq!(action(&TestPod::new("p").labelled(DRAIN_LABEL, v), READY), Action::Wait, "{v}");
        }
        for v in ["wait--completed", "skipped", "drain", ""] {
            assert_eq!(action(&TestPod::new("p").labelled(DRAIN_LABEL, v), READY), Action::Evict, "{v}");
        }
    }

    #[test]
    fn the_label_wins_over_a_machine_drain_rule() {
        let pod = TestPod::new("p").labelled(DRAIN_LABEL, "skip");
        let d = decide_pod(&pod.view(), READY, Some(DrainRuleBehavior::WaitCompleted));
        assert_eq!(d.action, Action::Skip);
    }

    #[test]
    fn machine_drain_rules_skip_wait_or_order_the_drain() {
        let pod = TestPod::new("p");
        let v = pod.view();
        assert_eq!(decide_pod(&v, READY, Some(DrainRuleBehavior::Skip)).action, Action::Skip);
        assert_eq!(decide_pod(&v, READY, Some(DrainRuleBehavior::WaitCompleted)).action, Action::Wait);
        let d = decide_pod(&v, READY, Some(DrainRuleBehavior::Drain { order: 5 }));
        assert_eq!(d, ClusterApiDecision { action: Action::Evict, order: Some(5) });
    }

    #[test]
    fn only_the_lowest_order_is_acted_on() {
        let d = |action, order| ClusterApiDecision { action, order };
        let ds = [d(Action::Evict, Some(5)), d(Action::Wait, Some(-1)), d(Action::Skip, None)];
        assert_eq!(min_drain_order(&ds), Some(-1));
        assert_eq!(min_drain_order(&[d(Action::Skip, None)]), None);
    }

    #[test]
    fn a_pod_already_deleting_is_waited_for_instead_of_evicted_again() {
        let pod = TestPod::new("p").owned_by("apps/v1", "ReplicaSet").deleted_secs_ago(5);
        assert_eq!(action(&pod, READY), Action::Wait);
    }

    #[test]
    fn the_plan_cordons_and_never_fails() {
        let naked = TestPod::new("p");
        let p = plan(&[naked.view()], READY);
        assert!(p.cordons && !p.fails);
        assert_eq!(p.decisions[0].action, Action::Evict);
    }

    #[test]
    fn every_failed_eviction_is_retried_on_the_next_pass() {
        let o = ClusterApiOptions::default();
        assert_eq!(eviction_reaction(201, &o), EvictionReaction::Done);
        assert_eq!(eviction_reaction(404, &o), EvictionReaction::Done);
        assert_eq!(eviction_reaction(429, &o), EvictionReaction::RetryAfter(Duration::from_secs(20)));
        assert_eq!(eviction_reaction(500, &o), EvictionReaction::RetryAfter(Duration::from_secs(20)));
    }
}
