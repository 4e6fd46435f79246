//! Exponential back-offs around pods the kubelet rejects or kills: the DaemonSet controller's
//! back-off before deleting (and so recreating) a failed daemon pod, and the kubelet's
//! container restart back-off (`CrashLoopBackOff`) after an OOM kill or any other exit.
//!
//! Both use client-go's per-item back-off (`k8s.io/client-go/util/flowcontrol/backoff.go`:
//! `Next`, `IsInBackOffSince`, `IsInBackOffSinceUpdate`, `hasExpired`), created without jitter:
//!
//! * the first `Next` (or the first after the entry expired) sets the delay to the initial
//!   value; each further one doubles it, capped at the maximum;
//! * `Next` stamps the entry with the current time; an entry not stamped for more than twice
//!   the maximum has expired and starts over.
//!
//! Constants: the DaemonSet controller's `failedPodsBackoff` is 1 s doubling to 15 min
//! (`cmd/kube-controller-manager`, `startDaemonSetController`); the kubelet's container
//! back-off is 10 s doubling to 300 s (`pkg/kubelet/kubelet.go` `backOffPeriod`,
//! `MaxContainerBackOff`). The alpha gates `KubeletCrashLoopBackOffMax` (1.32) and
//! `ReduceDefaultCrashLoopBackOffDecay` (1.33), off by default, change the latter and are not
//! modelled.

use crate::time::SimTime;
use std::time::Duration;

/// First delay of the DaemonSet controller's back-off for failed daemon pods.
pub const DAEMON_FAILED_POD_BACKOFF_INITIAL: Duration = Duration::from_secs(1);
/// Longest delay of that back-off.
pub const DAEMON_FAILED_POD_BACKOFF_MAX: Duration = Duration::from_secs(15 * 60);
/// First delay of the kubelet's container restart back-off.
pub const CONTAINER_RESTART_BACKOFF_INITIAL: Duration = Duration::from_secs(10);
/// Longest delay of that back-off.
pub const CONTAINER_RESTART_BACKOFF_MAX: Duration = Duration::from_secs(300);

/// The delay after `step` doublings: `initial × 2^step`, capped at `max`.
pub fn backoff_delay(initial: Duration, max: Duration, step: u32) -> Duration {
    let factor = 1u32.checked_shl(step).unwrap_or(u32::MAX);
    initial.saturating_mul(factor).min(max)
}

/// One item's back-off (one DaemonSet on one node, or one container of one pod).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    /// Current delay and when it was last stamped.
    entry: Option<(Duration, SimTime)>,
}

impl Backoff {
    /// A back-off with no history.
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff { initial, max, entry: None }
    }

    /// The DaemonSet controller's back-off for failed pods of one DaemonSet on one node.
    pub fn daemon_failed_pods() -> Backoff {
        Backoff::new(DAEMON_FAILED_POD_BACKOFF_INITIAL, DAEMON_FAILED_POD_BACKOFF_MAX)
    }

    /// The kubelet's restart back-off of one container.
    pub fn container_restart() -> Backoff {
        Backoff::new(CONTAINER_RESTART_BACKOFF_INITIAL, CONTAINER_RESTART_BACKOFF_MAX)
    }

    /// The current delay, if any (upstream `Get`).
    pub fn current(&self) -> Option<Duration> {
        self.entry.map(|(delay, _)| delay)
    }

    /// When the entry was last stamped.
    pub fn last_update(&self) -> Option<SimTime> {
        self.entry.map(|(_, at)| at)
    }

    /// Whether the history is forgotten at `event_time`: more than twice the maximum since the
    /// last stamp (upstream `hasExpired`). An empty history counts as expired.
    pub fn expired_at(&self, event_time: SimTime) -> bool {
        match self.entry {
            None => true,
            Some((_, at)) => event_time.saturating_since(at) > self.max.saturating_mul(2),
        }
    }

    /// Moves to the next delay at `now`, judging expiry at `event_time` (upstream `Next`;
    /// callers that have no separate event time pass `now` twice).
    pub fn next(&mut self, event_time: SimTime, now: SimTime) {
        let delay = match self.entry {
            Some((delay, _)) if !self.expired_at(event_time) => delay.saturating_mul(2).min(self.max),
            _ => self.initial,
        };
        self.entry = Some((delay, now));
    }

    /// Whether `now` is still within the delay counted from the last stamp (upstream
    /// `IsInBackOffSinceUpdate`).
    pub fn in_backoff_since_update(&self, now: SimTime) -> bool {
        match self.entry {
            Some((delay, at)) if !self.expired_at(now) => now.saturating_since(at) < delay,
            _ => false,
        }
    }

    /// Whether `now` is still within the delay counted from `event_time` (upstream
    /// `IsInBackOffSince`).
    pub fn in_backoff_since(&self, event_time: SimTime, now: SimTime) -> bool {
        match self.entry {
            Some((delay, _)) if !self.expired_at(event_time) => now.saturating_since(event_time) < delay,
            _ => false,
        }
    }
}

/// What the DaemonSet controller does with a failed daemon pod in a sync at some instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailedPodAction {
    /// Delete it now (the controller then creates a replacement in the same sync).
    Delete,
    /// Leave it; the controller syncs this DaemonSet again at this instant.
    RetryAt(SimTime),
}

/// The DaemonSet controller meeting a failed daemon pod on a node in a sync at `now`
/// (`podsShouldBeOnNode`): inside the back-off since its last deletion on that node it
/// leaves the pod and requeues the DaemonSet after the current delay (counted from `now`, not
/// from the last deletion); otherwise it steps the back-off and deletes the pod.
///
/// A pod the kubelet keeps rejecting (for example under DiskPressure) is thus deleted at
/// once, then after at least 1 s, 2 s, 4 s, ... up to 15 min, measured from the sync that
/// found it in back-off; 30 min without a deletion on that node resets the sequence.
pub fn daemon_failed_pod(backoff: &mut Backoff, now: SimTime) -> FailedPodAction {
    if backoff.in_backoff_since_update(now) {
        let delay = backoff.current().unwrap_or(backoff.initial);
        return FailedPodAction::RetryAt(now + delay);
    }
    backoff.next(now, now);
    FailedPodAction::Delete
}

/// When the kubelet restarts a container that exited (for example OOM-killed) at
/// `finished_at`, and records that restart in `backoff` (`doBackOff` in
/// `kuberuntime_manager.go`, with `restartPolicy` `Always` or `OnFailure`):
///
/// * no history, or the container ran long enough that more than twice the maximum (10 min)
///   passed since the last restart: restart at once and reset the delay to 10 s;
/// * otherwise restart once the current delay has passed since the exit, and double the delay
///   (capped at 5 min).
///
/// Successive restart delays of a container that keeps crashing are therefore 0 s, 10 s,
/// 20 s, 40 s, 80 s, 160 s, 300 s, 300 s, ... The real kubelet notices the moment at its next
/// pod sync, which can add a few seconds.
pub fn container_restart(backoff: &mut Backoff, finished_at: SimTime) -> SimTime {
    let restart_at = match backoff.current() {
        Some(delay) if !backoff.expired_at(finished_at) => finished_at + delay,
        _ => finished_at,
    };
    backoff.next(finished_at, restart_at);
    restart_at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: u64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn delays_double_from_the_initial_value_up_to_the_maximum() {
        let one = Duration::from_secs(1);
        let cap = Duration::from_secs(900);
        let delays: Vec<u64> = (0..12).map(|n| backoff_delay(one, cap, n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(backoff_delay(one, cap, 200), cap);
    }

    #[test]
    fn a_failed_daemon_pod_is_deleted_at_once_then_after_growing_delays() {
        let mut b = Backoff::daemon_failed_pods();
        assert_eq!(daemon_failed_pod(&mut b, t(100)), FailedPodAction::Delete);
        // The replacement fails again at once: requeued one second after this sync.
        let now = SimTime::from_millis(100_200);
        assert_eq!(daemon_failed_pod(&mut b, now), FailedPodAction::RetryAt(SimTime::from_millis(101_200)));
        assert_eq!(daemon_failed_pod(&mut b, SimTime::from_millis(101_200)), FailedPodAction::Delete);
        assert_eq!(b.current(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn the_daemon_back_off_starts_over_after_thirty_quiet_minutes() {
        let mut b = Backoff::daemon_failed_pods();
        for s in [0, 10, 20, 40] {
            daemon_failed_pod(&mut b, t(s));
        }
        assert_eq!(b.current(), Some(Duration::from_secs(8)));
        assert_eq!(daemon_failed_pod(&mut b, t(40 + 1801)), FailedPodAction::Delete);
        assert_eq!(b.current(), Some(Duration::from_secs(1)));
    }

    #[test]
    fn a_crashing_container_restarts_at_once_then_after_ten_twenty_forty_seconds_up_to_five_minutes() {
        let mut b = Backoff::container_restart();
        let mut finished = t(0);
        let mut delays = Vec::new();
        for _ in 0..9 {
            let restart = container_restart(&mut b, finished);
            delays.push((restart - finished).as_secs());
            finished = restart + Duration::from_secs(5); // it crashes five seconds after each start
        }
        assert_eq!(delays, [0, 10, 20, 40, 80, 160, 300, 300, 300]);
    }

    #[test]
    fn a_container_that_ran_over_ten_minutes_restarts_at_once_with_a_fresh_delay() {
        let mut b = Backoff::container_restart();
        container_restart(&mut b, t(0));
        let second = container_restart(&mut b, t(5));
        assert_eq!(second, t(15));
        assert_eq!(container_restart(&mut b, t(15 + 601)), t(616));
        assert_eq!(b.current(), Some(Duration::from_secs(10)));
        assert_eq!(container_restart(&mut b, t(620)), t(630));
    }

    #[test]
    fn in_backoff_checks_count_from_the_stamp_or_from_the_event() {
        let mut b = Backoff::container_restart();
        assert!(!b.in_backoff_since_update(t(0)));
        b.next(t(0), t(0));
        assert!(b.in_backoff_since_update(t(9)));
        assert!(!b.in_backoff_since_update(t(10)));
        assert!(b.in_backoff_since(t(50), t(59)));
        assert!(!b.in_backoff_since(t(50), t(60)));
        assert!(!b.in_backoff_since(t(700), t(701)));
    }
}
