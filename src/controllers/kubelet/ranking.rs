//! Which pod the kubelet evicts for node pressure, and with which grace period.
//!
//! Upstream: `pkg/kubelet/eviction/helpers.go` (`rankMemoryPressure`, `rankDiskPressureFunc`,
//! `rankPIDPressure`, `exceedMemoryRequests`, `exceedDiskRequests`, `priority`, `memory`,
//! `disk`, `process`, `buildSignalToRankFunc`) and `eviction_manager.go` (`synchronize`,
//! `evictPod`, `immediateEvictionGracePeriodSeconds`).
//!
//! There is no QoS term in the ranking: a BestEffort pod requests nothing, so any usage puts
//! it in the first group ("usage above request").
//!
//! Ties: upstream sorts with Go's unstable `sort.Sort`, so pods equal on every key come out in
//! an unspecified order. Here they keep their input order, which is one of the orders
//! upstream can produce. Every pod is assumed to have stats; upstream ranks a pod without
//! stats first.

use super::signals::{Measure, Signal};
use crate::model::Quantity;
use std::cmp::Ordering;

/// A pod as the memory and disk rankings see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageRankView {
    /// `spec.priority` (0 when absent).
    pub priority: i32,
    /// What the pod uses of the measured resource (memory working set, or local ephemeral
    /// storage bytes, or inodes).
    pub usage: Quantity,
    /// The pod's request of the resource (summed over its containers).
    pub request: Quantity,
}

/// A pod as the PID ranking sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PidRankView {
    /// `spec.priority` (0 when absent).
    pub priority: i32,
    /// Processes the pod runs.
    pub processes: u64,
}

/// Indices `0..len` sorted by `cmp`, stable.
fn sorted_indices(len: usize, cmp: impl Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// `true` before `false`.
fn true_first(a: bool, b: bool) -> Ordering {
    b.cmp(&a)
}

/// Usage-then-priority-then-excess ordering shared by memory and disk bytes.
fn rank_by_usage(pods: &[UsageRankView], exceeds: impl Fn(&UsageRankView) -> bool) -> Vec<usize> {
    sorted_indices(pods.len(), |a, b| {
        let (p, q) = (&pods[a], &pods[b]);
        true_first(exceeds(p), exceeds(q))
            .then(p.priority.cmp(&q.priority))
            .then((q.usage - q.request).cmp(&(p.usage - p.request)))
    })
}

/// Eviction order under memory pressure (`memory.available`, `allocatableMemory.available`),
/// first to go first:
///
/// 1. pods whose usage exceeds their request before the others;
/// 2. then lower priority first;
/// 3. then larger `usage - request` first.
pub fn rank_for_memory(pods: &[UsageRankView]) -> Vec<usize> {
    rank_by_usage(pods, |p| p.usage > p.request)
}

/// Eviction order under disk pressure on bytes (`*.available` of a filesystem), with the
/// memory ranking's shape on local ephemeral storage: usage above the `ephemeral-storage`
/// request first, then lower priority, then larger `usage - request`.
///
/// Which bytes count depends on the node's filesystems: with one filesystem, a pod's whole
/// local usage (writable layers, logs, `emptyDir` and `hostPath` volumes); with a dedicated
/// image filesystem, logs and local volumes for `nodefs` signals and writable layers for
/// `imagefs` ones.
pub fn rank_for_disk(pods: &[UsageRankView]) -> Vec<usize> {
    rank_by_usage(pods, |p| p.usage > p.request)
}

/// Eviction order under inode pressure (`*.inodesFree`), reproducing two upstream quirks:
/// every pod with any inode in use counts as exceeding its request (no pod can request
/// inodes), and the last key subtracts the pod's `ephemeral-storage` request in bytes from
/// its inode count. `usage` is the inode count (as a plain quantity), `request` the
/// `ephemeral-storage` request.
pub fn rank_for_inodes(pods: &[UsageRankView]) -> Vec<usize> {
    rank_by_usage(pods, |p| p.usage > Quantity::ZERO)
}

/// Eviction order under PID pressure: lower priority first, then more processes first.
pub fn rank_for_pid(pods: &[PidRankView]) -> Vec<usize> {
    sorted_indices(pods.len(), |a, b| {
        let (p, q) = (&pods[a], &pods[b]);
        p.priority.cmp(&q.priority).then(q.processes.cmp(&p.processes))
    })
}

/// Everything the rankings may need of one pod, for [`rank_for_signal`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodUsage {
    /// `spec.priority` (0 when absent).
    pub priority: i32,
    /// Memory working set.
    pub memory: Quantity,
    /// Memory request.
    pub memory_request: Quantity,
    /// Local ephemeral storage in use, in bytes, as the pressured filesystem counts it (see
    /// [`rank_for_disk`]).
    pub ephemeral_storage: Quantity,
    /// `ephemeral-storage` request.
    pub ephemeral_storage_request: Quantity,
    /// Inodes in use on the pressured filesystem.
    pub inodes: u64,
    /// Processes running.
    pub processes: u64,
}

/// The eviction order for pressure on `signal` (upstream `buildSignalToRankFunc`): the memory
/// ranking for memory signals, the disk ranking for byte signals, the inode ranking for
/// inode signals, the PID ranking for `pid.available`.
pub fn rank_for_signal(signal: Signal, pods: &[PodUsage]) -> Vec<usize> {
    match signal.measure() {
        Measure::Memory => rank_for_memory(
            &pods
                .iter()
                .map(|p| UsageRankView { priority: p.priority, usage: p.memory, request: p.memory_request })
                .collect::<Vec<_>>(),
        ),
        Measure::DiskBytes => rank_for_disk(
            &pods
                .iter()
                .map(|p| UsageRankView {
                    priority: p.priority,
                    usage: p.ephemeral_storage,
                    request: p.ephemeral_storage_request,
                })
                .collect::<Vec<_>>(),
        ),
        Measure::Inodes => rank_for_inodes(
            &pods
                .iter()
                .map(|p| UsageRankView {
                    priority: p.priority,
                    usage: Quantity::from_units(i64::try_from(p.inodes).unwrap_or(i64::MAX)),
                    request: p.ephemeral_storage_request,
                })
                .collect::<Vec<_>>(),
        ),
        Measure::Pids => rank_for_pid(
            &pods
                .iter()
                .map(|p| PidRankView { priority: p.priority, processes: p.processes })
                .collect::<Vec<_>>(),
        ),
    }
}

/// The pod evicted in this pass: the first in `ranked` that is not critical. The kubelet
/// evicts at most one pod per pass; `evictPod` refuses critical pods and the loop moves on to
/// the next. `None` when every candidate is critical (nothing is evicted).
pub fn pick_victim(ranked: &[usize], is_critical: impl Fn(usize) -> bool) -> Option<usize> {
    ranked.iter().copied().find(|&i| !is_critical(i))
}

/// Grace period of a pod evicted for a hard threshold (`immediateEvictionGracePeriodSeconds`).
pub const IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS: i64 = 1;

/// The grace period, in seconds, the kubelet kills an evicted pod with:
///
/// * hard threshold: 1 s, whatever the pod's `terminationGracePeriodSeconds`;
/// * soft threshold: `evictionMaxPodGracePeriod` (default 0), or the pod's
///   `terminationGracePeriodSeconds` when that is smaller. The API server always sets the
///   latter (default 30), so `None` only arises for objects that skipped defaulting.
///
/// A value of 0 or less kills the containers at once. (A negative `evictionMaxPodGracePeriod`
/// is documented upstream as "defer to the pod" but is passed on as is; this reproduces the
/// code.)
pub fn eviction_grace_period_seconds(
    hard: bool,
    max_pod_grace_period_seconds: i64,
    termination_grace_period_seconds: Option<i64>,
) -> i64 {
    if hard {
        return IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS;
    }
    match termination_grace_period_seconds {
        Some(tgp) => max_pod_grace_period_seconds.min(tgp),
        None => max_pod_grace_period_seconds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mi(n: i64) -> Quantity {
        Quantity::from_units(n << 20)
    }

    fn pod(priority: i32, usage: i64, request: i64) -> UsageRankView {
        UsageRankView { priority, usage: mi(usage), request: mi(request) }
    }

    #[test]
    fn pods_above_their_memory_request_go_first_then_lower_priority_then_larger_excess() {
        let pods = [pod(0, 100, 0), pod(0, 400, 500), pod(1000, 300, 100)];
        assert_eq!(rank_for_memory(&pods), [0, 2, 1]);
    }

    #[test]
    fn among_equal_priority_the_larger_excess_goes_first() {
        let pods = [pod(0, 150, 100), pod(0, 900, 100), pod(0, 100, 500), pod(0, 450, 500)];
        assert_eq!(rank_for_memory(&pods), [1, 0, 3, 2]);
    }

    #[test]
    fn usage_equal_to_the_request_does_not_exceed_it() {
        let pods = [pod(0, 100, 100), pod(5, 101, 100)];
        assert_eq!(rank_for_memory(&pods), [1, 0]);
    }

    #[test]
    fn pods_equal_on_every_key_keep_their_order() {
        let pods = [pod(0, 10, 0), pod(0, 10, 0), pod(0, 10, 0)];
        assert_eq!(rank_for_memory(&pods), [0, 1, 2]);
    }

    #[test]
    fn disk_ranking_has_the_memory_shape_on_ephemeral_storage() {
        let pods = [pod(0, 100, 200), pod(10, 300, 100), pod(0, 50, 0)];
        assert_eq!(rank_for_disk(&pods), [2, 1, 0]);
    }

    #[test]
    fn inode_ranking_treats_any_inode_use_as_exceeding_and_subtracts_the_byte_request() {
        let pods = [
            UsageRankView {
                priority: 0,
                usage: Quantity::from_units(1000),
                request: Quantity::from_units(10),
            },
            UsageRankView { priority: 0, usage: Quantity::from_units(500), request: Quantity::ZERO },
            UsageRankView { priority: 0, usage: Quantity::ZERO, request: Quantity::ZERO },
        ];
        assert_eq!(rank_for_inodes(&pods), [0, 1, 2]);
        let big_request = [
            UsageRankView { priority: 0, usage: Quantity::from_units(1000), request: mi(1) },
            UsageRankView { priority: 0, usage: Quantity::from_units(500), request: Quantity::ZERO },
        ];
        assert_eq!(rank_for_inodes(&big_request), [1, 0]);
    }

    #[test]
    fn pid_ranking_is_priority_then_process_count() {
        let pods = [
            PidRankView { priority: 10, processes: 500 },
            PidRankView { priority: 0, processes: 5 },
            PidRankView { priority: 0, processes: 50 },
        ];
        assert_eq!(rank_for_pid(&pods), [2, 1, 0]);
    }

    #[test]
    fn rank_for_signal_picks_the_ranking_of_the_signal() {
        let pods = [
            PodUsage { memory: mi(10), processes: 1, ..PodUsage::default() },
            PodUsage { ephemeral_storage: mi(10), processes: 9, inodes: 7, ..PodUsage::default() },
        ];
        assert_eq!(rank_for_signal(Signal::AllocatableMemoryAvailable, &pods), [0, 1]);
        assert_eq!(rank_for_signal(Signal::ImageFsAvailable, &pods), [1, 0]);
        assert_eq!(rank_for_signal(Signal::NodeFsInodesFree, &pods), [1, 0]);
        assert_eq!(rank_for_signal(Signal::PidAvailable, &pods), [1, 0]);
    }

    #[test]
    fn the_victim_is_the_first_ranked_pod_that_is_not_critical() {
        let critical = [true, false, false];
        assert_eq!(pick_victim(&[0, 2, 1], |i| critical[i]), Some(2));
        assert_eq!(pick_victim(&[0], |i| critical[i]), None);
        assert_eq!(pick_victim(&[], |_| false), None);
    }

    #[test]
    fn a_hard_eviction_gives_one_second_and_a_soft_one_the_smaller_of_the_two_settings() {
        assert_eq!(eviction_grace_period_seconds(true, 600, Some(3600)), 1);
        assert_eq!(eviction_grace_period_seconds(false, 0, Some(30)), 0);
        assert_eq!(eviction_grace_period_seconds(false, 60, Some(30)), 30);
        assert_eq!(eviction_grace_period_seconds(false, 60, Some(600)), 60);
        assert_eq!(eviction_grace_period_seconds(false, 60, None), 60);
    }
}
