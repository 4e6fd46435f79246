//! `kubectl drain` (and kured, which drives the same library).
//!
//! The command cordons the node first (and leaves it cordoned if the drain then fails), lists
//! the node's pods once, runs every pod through the filters below, and only if no pod was
//! refused sends the evictions, all at once. Pods that reach the node after that one listing
//! are never looked at.
//!
//! Filters, in order; the first that decides, decides (upstream kubectl `pkg/drain/filters.go`
//! `makeFilters` with `skipDeletedFilter`, `daemonSetFilter`, `mirrorPodFilter`,
//! `localStorageFilter`, `unreplicatedFilter`; `pkg/drain/drain.go` `GetPodsForDeletion`,
//! `filterPods`):
//!
//! 1. `--skip-wait-for-delete-timeout` above zero and the deletion timestamp older than that
//!    many whole seconds → skip ([`skip_deleted`](super::skip_deleted));
//! 2. a controller reference `apps/v1` `DaemonSet` on a pod that is not finished: the DaemonSet
//!    is gone → refuse, unless `--force` (then carry on with the next filter); the DaemonSet
//!    exists → skip with `--ignore-daemonsets`, refuse without;
//! 3. the mirror annotation → skip;
//! 4. any `emptyDir` volume (whatever its medium; `hostPath` does not count) on a pod that is
//!    not finished → refuse, unless `--delete-emptydir-data` (then carry on);
//! 5. no controller reference on a pod that is not finished → refuse, unless `--force`;
//! 6. otherwise evict.
//!
//! A single refusal fails the node before any eviction is sent. Evictions answered 429 are
//! retried every [`EVICTION_RETRY_DELAY`] with no limit unless `--timeout` is set; 404 means
//! the pod is already gone; any other error fails the node (`pkg/drain/drain.go` `evictPods`).

use super::skip_deleted::skip_deleted;
use super::{Action, DrainPlan, DrainPodView, EvictionReaction, PodDecision, RefuseReason, abort_on_refusal};
use std::time::Duration;

/// The delay between two attempts after a 429, as the `kubectl drain` command sets it
/// (`EvictErrorRetryDelay`).
pub const EVICTION_RETRY_DELAY: Duration = Duration::from_secs(5);

/// How often kubectl polls an evicted pod until it is gone.
pub const DELETE_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// `kubectl drain` flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KubectlOptions {
    /// `--force`: evict pods without a controller, and DaemonSet pods whose DaemonSet is gone.
    pub force: bool,
    /// `--ignore-daemonsets`: leave DaemonSet pods alone instead of refusing.
    pub ignore_daemonsets: bool,
    /// `--delete-emptydir-data`: evict pods with `emptyDir` volumes.
    pub delete_emptydir_data: bool,
    /// `--skip-wait-for-delete-timeout`: skip pods deleted longer ago than this; zero is off.
    pub skip_wait_for_delete_timeout: Duration,
    /// `--timeout` for the eviction and wait phase; `None` (the default, `0`) waits forever.
    pub timeout: Option<Duration>,
    /// Delay between attempts after a 429.
    pub eviction_retry_delay: Duration,
}

impl Default for KubectlOptions {
    /// The command's defaults: every flag off, no timeout, 5 s between attempts.
    fn default() -> Self {
        KubectlOptions {
            force: false,
            ignore_daemonsets: false,
            delete_emptydir_data: false,
            skip_wait_for_delete_timeout: Duration::ZERO,
            timeout: None,
            eviction_retry_delay: EVICTION_RETRY_DELAY,
        }
    }
}

impl KubectlOptions {
    /// The options kured drains with by default: force, delete emptyDir data, ignore every
    /// DaemonSet, no timeout, and no delay between attempts after a 429 (kured leaves the
    /// library's retry delay at zero).
    pub fn kured() -> KubectlOptions {
        KubectlOptions {
            force: true,
            ignore_daemonsets: true,
            delete_emptydir_data: true,
            eviction_retry_delay: Duration::ZERO,
            ..KubectlOptions::default()
        }
    }
}

/// Whether the controller reference names an `apps/v1` DaemonSet.
fn daemon_set_controlled(pod: &DrainPodView<'_>) -> bool {
    pod.controller().is_some_and(|c| c.is("apps/v1", "DaemonSet"))
}

/// The filters' verdict on one pod: `Evict`, `Skip` or `Refuse`.
pub fn decide_pod(pod: &DrainPodView<'_>, options: &KubectlOptions) -> Action {
    if skip_deleted(pod.deleted_for, options.skip_wait_for_delete_timeout) {
        return Action::Skip;
    }
    let finished = pod.is_finished();
    if daemon_set_controlled(pod) && !finished {
        if !pod.controller_exists {
            if !options.force {
                return Action::Refuse { reason: RefuseReason::DaemonSetMissing };
            }
        } else if options.ignore_daemonsets {
            return Action::Skip;
        } else {
            return Action::Refuse { reason: RefuseReason::DaemonSetManaged };
        }
    }
    if pod.is_mirror {
        return Action::Skip;
    }
    if pod.has_empty_dir() && !finished && !options.delete_emptydir_data {
        return Action::Refuse { reason: RefuseReason::LocalStorage };
    }
    if pod.controller().is_none() && !finished && !options.force {
        return Action::Refuse { reason: RefuseReason::NotReplicated };
    }
    Action::Evict
}

/// Decides the pods of the one listing: every pod through [`decide_pod`], then, if any was
/// refused, every eviction becomes `Aborted` and the drain fails. kubectl always cordons.
pub fn plan(pods: &[DrainPodView<'_>], options: &KubectlOptions) -> DrainPlan {
    let mut decisions: Vec<PodDecision> =
        pods.iter().map(|p| PodDecision::of(decide_pod(p, options))).collect();
    let fails = abort_on_refusal(&mut decisions);
    DrainPlan { cordons: true, fails, decisions }
}

/// What kubectl does after the Eviction API answers `http_status`: success or 404 ends the
/// request (the pod is then waited for, or already gone), 429 is retried after the options'
/// delay, anything else fails the node.
pub fn eviction_reaction(http_status: u16, options: &KubectlOptions) -> EvictionReaction {
    match http_status {
        200..=299 | 404 => EvictionReaction::Done,
        429 => EvictionReaction::RetryAfter(options.eviction_retry_delay),
        _ => EvictionReaction::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::TestPod;
    use super::super::{MIRROR_ANNOTATION, OwnerReference};
    use super::*;
    use crate::model::pod::PodPhase;

    fn opts() -> KubectlOptions {
        KubectlOptions::default()
    }

    fn decide(pod: &TestPod, options: KubectlOptions) -> Action {
        decide_pod(&pod.view(), &options)
    }

    fn refuse(reason: RefuseReason) -> Action {
        Action::Refuse { reason }
    }

    #[test]
    fn a_replicated_pod_is_evicted() {
        assert_eq!(decide(&TestPod::new("p").owned_by("v1", "ReplicationController"), opts()), Action::Evict);
    }

    #[test]
    fn a_long_deleted_pod_is_skipped_only_when_the_timeout_is_set() {
        let pod = TestPod::new("p").deleted_secs_ago(100);
        assert_eq!(decide(&pod, opts()), refuse(RefuseReason::NotReplicated));
        let o = KubectlOptions { skip_wait_for_delete_timeout: Duration::from_secs(20), ..opts() };
        assert_eq!(decide(&pod, o), Action::Skip);
    }

    #[test]
    fn a_daemon_set_pod_is_refused_without_ignore_daemonsets_and_skipped_with_it() {
        let pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet");
        assert_eq!(decide(&pod, opts()), refuse(RefuseReason::DaemonSetManaged));
        let o = KubectlOptions { ignore_daemonsets: true, ..opts() };
        assert_eq!(decide(&pod, o), Action::Skip);
    }

    #[test]
    fn the_daemon_set_filter_decides_before_the_empty_dir_filter() {
        let pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet").with_empty_dir("scratch", "");
        assert_eq!(decide(&pod, KubectlOptions { ignore_daemonsets: true, ..opts() }), Action::Skip);
    }

    #[test]
    fn an_orphaned_daemon_set_pod_is_refused_unless_forced() {
        let pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet").orphaned();
        assert_eq!(decide(&pod, opts()), refuse(RefuseReason::DaemonSetMissing));
        assert_eq!(decide(&pod, KubectlOptions { force: true, ..opts() }), Action::Evict);
    }

    #[test]
    fn a_finished_daemon_set_pod_is_evicted() {
        let pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet").in_phase(PodPhase::Succeeded);
        assert_eq!(decide(&pod, opts()), Action::Evict);
    }

    #[test]
    fn only_an_apps_v1_daemon_set_reference_counts_as_a_daemon_set() {
        let pod = TestPod::new("p").owned_by("extensions/v1beta1", "DaemonSet");
        assert_eq!(decide(&pod, opts()), Action::Evict);
    }

    #[test]
    fn a_mirror_pod_is_skipped_even_when_owned_by_its_node() {
        let mut pod = TestPod::new("static").annotated(MIRROR_ANNOTATION, "hash");
        pod.owners.push(OwnerReference {
            api_version: "v1".into(),
            kind: "Node".into(),
            name: "n".into(),
            controller: true,
        });
        assert_eq!(decide(&pod, opts()), Action::Skip);
    }

    #[test]
    fn an_empty_dir_is_refused_even_with_force_unless_its_data_may_go() {
        let pod = TestPod::new("p").with_empty_dir("scratch", "Memory");
        assert_eq!(
            decide(&pod, KubectlOptions { force: true, ..opts() }),
            refuse(RefuseReason::LocalStorage)
        );
        let o = KubectlOptions { force: true, delete_emptydir_data: true, ..opts() };
        assert_eq!(decide(&pod, o), Action::Evict);
    }

    #[test]
    fn a_host_path_volume_is_not_local_storage_for_kubectl() {
        let pod = TestPod::new("p").owned_by("apps/v1", "ReplicaSet").with_host_path("logs");
        assert_eq!(decide(&pod, opts()), Action::Evict);
    }

    #[test]
    fn a_finished_pod_with_an_empty_dir_and_no_controller_is_evicted() {
        let pod = TestPod::new("p").with_empty_dir("scratch", "").in_phase(PodPhase::Failed);
        assert_eq!(decide(&pod, opts()), Action::Evict);
    }

    #[test]
    fn a_naked_pod_is_refused_unless_forced() {
        let pod = TestPod::new("p");
        assert_eq!(decide(&pod, opts()), refuse(RefuseReason::NotReplicated));
        assert_eq!(decide(&pod, KubectlOptions { force: true, ..opts() }), Action::Evict);
    }

    #[test]
    fn one_refusal_fails_the_node_and_aborts_every_eviction() {
        let good = TestPod::new("good").owned_by("apps/v1", "ReplicaSet");
        let naked = TestPod::new("naked");
        let p = plan(&[good.view(), naked.view()], &opts());
        assert!(p.cordons && p.fails);
        assert_eq!(p.decisions[0].action, Action::Aborted);
        assert!(!p.evicts_any());
    }

    #[test]
    fn an_empty_node_drains_and_is_still_cordoned() {
        let p = plan(&[], &opts());
        assert!(p.cordons && !p.fails && p.decisions.is_empty());
    }

    #[test]
    fn too_many_requests_are_retried_every_five_seconds_and_other_errors_fail() {
        assert_eq!(eviction_reaction(201, &opts()), EvictionReaction::Done);
        assert_eq!(eviction_reaction(404, &opts()), EvictionReaction::Done);
        assert_eq!(eviction_reaction(429, &opts()), EvictionReaction::RetryAfter(Duration::from_secs(5)));
        assert_eq!(eviction_reaction(500, &opts()), EvictionReaction::Fail);
        assert_eq!(eviction_reaction(403, &opts()), EvictionReaction::Fail);
    }

    #[test]
    fn kured_retries_without_delay_and_forces_everything() {
        let k = KubectlOptions::kured();
        assert!(k.force && k.ignore_daemonsets && k.delete_emptydir_data && k.timeout.is_none());
        assert_eq!(eviction_reaction(429, &k), EvictionReaction::RetryAfter(Duration::ZERO));
    }
}
