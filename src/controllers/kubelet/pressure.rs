//! The eviction manager's housekeeping pass: which thresholds are met, which pressure
//! conditions the kubelet asserts, and which signal (if any) it evicts a pod for.
//!
//! Upstream: `pkg/kubelet/eviction/eviction_manager.go` (`Start`, `synchronize`,
//! `waitForPodsCleanup`) and `helpers.go` (`thresholdsMet`, `thresholdsFirstObservedAt`,
//! `thresholdsMetGracePeriod`, `nodeConditions`, `nodeConditionsLastObservedAt`,
//! `nodeConditionsObservedSince`, `byEvictionPriority`).
//!
//! One pass ([`EvictionManager::synchronize`]), given the signal observations of that instant:
//!
//! 1. a threshold is *met* when the signal's available amount is strictly below it; a
//!    threshold met at the previous pass stays met until the available amount reaches the
//!    threshold plus its minimum reclaim (0 by default, so "no longer below");
//! 2. every condition of a met threshold (grace period ignored, so a soft threshold raises its
//!    condition at once) is *observed* now; a condition is `True` while it was observed less
//!    than `evictionPressureTransitionPeriod` (5 min) ago ([`PressureConditions`]);
//! 3. a met threshold drives eviction once it has been met continuously for its grace period
//!    (at once for a hard one);
//! 4. of those, memory signals come first; the first one names the signal to reclaim. The
//!    caller ranks the pods for it ([`rank_for_signal`](super::rank_for_signal)), evicts the
//!    first non-critical one ([`pick_victim`](super::pick_victim)) and schedules the next pass
//!    ([`next_pass_after_eviction`]).
//!
//! Not modelled here: node-level reclaim before evicting for disk signals (image and container
//! garbage collection; the kubelet skips the eviction when that alone clears every
//! threshold), the memcg notifications that can start an extra pass (off by default), and the
//! "stats not updated since the last pass" filter (every observation is fresh in a
//! simulation).

use super::signals::{Condition, EvictionSettings, EvictionThreshold, Measure, Signal};
use crate::model::Quantity;
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// One signal observation: what is available and the capacity percentages refer to, in the
/// signal's unit (bytes, inodes, process ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Available amount (`memory.available` = capacity − working set, free bytes, free inodes,
    /// free process ids).
    pub available: Quantity,
    /// Capacity (node memory, filesystem size, inode count, PID limit).
    pub capacity: Quantity,
}

/// Whether `threshold` is met by `observed`: available strictly below the threshold amount,
/// plus the minimum reclaim when `enforce_min_reclaim` (upstream `thresholdsMet`).
pub fn threshold_met(
    threshold: &EvictionThreshold,
    observed: &Observation,
    enforce_min_reclaim: bool,
) -> bool {
    let mut amount = threshold.value.amount(observed.capacity);
    if enforce_min_reclaim {
        if let Some(extra) = threshold.min_reclaim {
            amount = amount + extra.amount(observed.capacity);
        }
    }
    amount > observed.available
}

/// A pressure condition turning `True` or `False`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConditionChange {
    /// The condition.
    pub condition: Condition,
    /// Its new status: `true` for `True`.
    pub status: bool,
}

/// The pressure conditions of one kubelet and their transition period.
///
/// [`observe`](PressureConditions::observe) is called at every pass with the conditions whose
/// thresholds are met at that instant. A condition turns `True` at the first pass that
/// observes it, stays `True` while it was last observed less than the transition period ago,
/// and turns `False` at the first pass at least that long after its last observation. Between
/// passes the status does not change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PressureConditions {
    transition_period: Duration,
    last_observed: BTreeMap<Condition, SimTime>,
    current: BTreeSet<Condition>,
}

impl PressureConditions {
    /// No condition, with `transition_period` (upstream default 5 min).
    pub fn new(transition_period: Duration) -> PressureConditions {
        PressureConditions { transition_period, last_observed: BTreeMap::new(), current: BTreeSet::new() }
    }

    /// Records a pass at `now` that observes `observed`; returns the conditions that changed,
    /// in condition order.
    pub fn observe(&mut self, now: SimTime, observed: &BTreeSet<Condition>) -> Vec<ConditionChange> {
        for c in observed {
            self.last_observed.insert(*c, now);
        }
        let next: BTreeSet<Condition> = self
            .last_observed
            .iter()
            .filter(|(_, at)| now.saturating_since(**at) < self.transition_period)
            .map(|(c, _)| *c)
            .collect();
        let changes = Condition::ALL
            .into_iter()
            .filter(|c| next.contains(c) != self.current.contains(c))
            .map(|c| ConditionChange { condition: c, status: next.contains(&c) })
            .collect();
        self.current = next;
        changes
    }

    /// The conditions `True` after the last pass.
    pub fn current(&self) -> &BTreeSet<Condition> {
        &self.current
    }

    /// Whether `condition` was `True` after the last pass.
    pub fn is_true(&self, condition: Condition) -> bool {
        self.current.contains(&condition)
    }

    /// The conditions `True` after the last pass, as a list in condition order (the form
    /// [`admit`](super::admit()) takes).
    pub fn current_list(&self) -> Vec<Condition> {
        self.current.iter().copied().collect()
    }

    /// When `condition` was last observed.
    pub fn last_observed(&self, condition: Condition) -> Option<SimTime> {
        self.last_observed.get(&condition).copied()
    }

    /// For a `True` condition: the instant from which a pass that does not observe it again
    /// turns it `False` (last observation + transition period). The condition actually turns
    /// `False` at the first pass at or after that instant.
    pub fn false_from(&self, condition: Condition) -> Option<SimTime> {
        if !self.is_true(condition) {
            return None;
        }
        self.last_observed(condition).map(|at| at + self.transition_period)
    }
}

/// The signal a pass evicts for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reclaim {
    /// The pressured signal; rank pods with [`rank_for_signal`](super::rank_for_signal).
    pub signal: Signal,
    /// Whether the threshold is hard (grace period 1 s) or soft
    /// ([`eviction_grace_period_seconds`](super::eviction_grace_period_seconds)).
    pub hard: bool,
}

/// What one pass decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassOutcome {
    /// Conditions `True` after the pass (what the kubelet reports and admits pods against).
    pub conditions: BTreeSet<Condition>,
    /// Conditions that changed in this pass.
    pub changes: Vec<ConditionChange>,
    /// The signal to evict one pod for, if any threshold drives eviction.
    pub reclaim: Option<Reclaim>,
}

/// The eviction manager of one kubelet: thresholds, their timers and the pressure conditions.
#[derive(Clone, Debug)]
pub struct EvictionManager {
    thresholds: Vec<EvictionThreshold>,
    conditions: PressureConditions,
    /// Threshold index → when it was first met (continuously since).
    first_met: BTreeMap<usize, SimTime>,
    /// Thresholds that drove eviction at the last pass (their min reclaim applies).
    driving: Vec<usize>,
}

impl EvictionManager {
    /// A manager evaluating `thresholds` with `transition_period`.
    pub fn new(thresholds: Vec<EvictionThreshold>, transition_period: Duration) -> EvictionManager {
        EvictionManager {
            thresholds,
            conditions: PressureConditions::new(transition_period),
            first_met: BTreeMap::new(),
            driving: Vec::new(),
        }
    }

    /// A manager with `settings` (for example [`EvictionSettings::defaults`]).
    pub fn from_settings(settings: &EvictionSettings) -> EvictionManager {
        EvictionManager::new(settings.thresholds(), settings.pressure_transition_period)
    }

    /// The thresholds evaluated.
    pub fn thresholds(&self) -> &[EvictionThreshold] {
        &self.thresholds
    }

    /// The pressure conditions after the last pass.
    pub fn conditions(&self) -> &PressureConditions {
        &self.conditions
    }

    /// One housekeeping pass at `now` with the signal observations of that instant. A
    /// threshold whose signal has no observation is not met.
    pub fn synchronize(&mut self, now: SimTime, observations: &BTreeMap<Signal, Observation>) -> PassOutcome {
        let met_now = |i: &usize, enforce: bool| {
            let t = &self.thresholds[*i];
            observations.get(&t.signal).is_some_and(|o| threshold_met(t, o, enforce))
        };
        let mut met: BTreeSet<usize> = (0..self.thresholds.len()).filter(|i| met_now(i, false)).collect();
        met.extend(self.driving.iter().copied().filter(|i| met_now(i, true)));

        let first_met: BTreeMap<usize, SimTime> =
            met.iter().map(|i| (*i, self.first_met.get(i).copied().unwrap_or(now))).collect();
        let observed: BTreeSet<Condition> =
            met.iter().map(|i| self.thresholds[*i].signal.condition()).collect();
        let changes = self.conditions.observe(now, &observed);

        let driving: Vec<usize> = first_met
            .iter()
            .filter(|(i, since)| now.saturating_since(**since) >= self.thresholds[**i].grace_period)
            .map(|(i, _)| *i)
            .collect();
        self.first_met = first_met;
        self.driving = driving;

        // Memory signals first, then the others in signal order.
        let reclaim = self
            .driving
            .iter()
            .map(|i| &self.thresholds[*i])
            .min_by_key(|t| (t.signal.measure() != Measure::Memory, t.signal))
            .map(|t| Reclaim { signal: t.signal, hard: t.is_hard() });
        PassOutcome { conditions: self.conditions.current().clone(), changes, reclaim }
    }
}

/// Period of the eviction manager's loop when a pass evicts nothing
/// (`evictionMonitoringPeriod`).
pub const HOUSEKEEPING_INTERVAL: Duration = Duration::from_secs(10);

/// Longest wait for an evicted pod's cleanup before the next pass (`podCleanupTimeout`).
pub const POD_CLEANUP_TIMEOUT: Duration = Duration::from_secs(30);

/// How often the cleanup wait checks the evicted pod (`podCleanupPollFreq`).
pub const POD_CLEANUP_POLL: Duration = Duration::from_secs(1);

/// When the next pass runs after a pass at `pass_at` that evicted nothing.
pub fn next_pass_without_eviction(pass_at: SimTime) -> SimTime {
    pass_at + HOUSEKEEPING_INTERVAL
}

/// When the next pass runs after an eviction. The kill is synchronous: the pass returns at
/// `killed_at`, when the pod's containers have stopped (at most its grace period after the
/// pass). The loop then polls every second for the pod's cleanup (`cleaned_up_at`, at or after
/// `killed_at`) for at most 30 s and runs the next pass right away, without the usual 10 s
/// pause: at the first poll tick at or after the cleanup, or at the timeout.
pub fn next_pass_after_eviction(killed_at: SimTime, cleaned_up_at: SimTime) -> SimTime {
    let waited = cleaned_up_at.saturating_since(killed_at);
    let poll = POD_CLEANUP_POLL.as_millis().max(1);
    let ticks = waited.as_millis().div_ceil(poll).max(1);
    let wait = Duration::from_millis(u64::try_from(ticks * poll).unwrap_or(u64::MAX));
    killed_at + wait.min(POD_CLEANUP_TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::super::signals::{Os, Threshold};
    use super::*;
    use crate::scenario::KubeVersion;

    fn t(s: u64) -> SimTime {
        SimTime::from_secs(s)
    }

    fn mi(n: i64) -> Quantity {
        Quantity::from_units(n << 20)
    }

    fn memory(available_mi: i64) -> BTreeMap<Signal, Observation> {
        let capacity = mi(8192);
        let mut obs = BTreeMap::new();
        for s in [Signal::MemoryAvailable, Signal::AllocatableMemoryAvailable] {
            obs.insert(s, Observation { available: mi(available_mi), capacity });
        }
        obs
    }

    fn set(conditions: &[Condition]) -> BTreeSet<Condition> {
        conditions.iter().copied().collect()
    }

    #[test]
    fn a_threshold_is_met_only_strictly_below_it() {
        let th = EvictionThreshold::hard(Signal::MemoryAvailable, Threshold::parse("100Mi").unwrap());
        let at = |n| Observation { available: mi(n), capacity: mi(1024) };
        assert!(threshold_met(&th, &at(99), false));
        assert!(!threshold_met(&th, &at(100), false));
        let with_reclaim = EvictionThreshold { min_reclaim: Some(Threshold::parse("50Mi").unwrap()), ..th };
        assert!(threshold_met(&with_reclaim, &at(120), true));
        assert!(!threshold_met(&with_reclaim, &at(120), false));
    }

    #[test]
    fn a_condition_turns_true_at_once_and_false_a_transition_period_after_its_last_observation() {
        let mut pc = PressureConditions::new(Duration::from_secs(300));
        let memory = set(&[Condition::MemoryPressure]);
        let changes = pc.observe(t(10), &memory);
        assert_eq!(changes, [ConditionChange { condition: Condition::MemoryPressure, status: true }]);
        assert!(pc.observe(t(20), &memory).is_empty());
        assert!(pc.observe(t(30), &BTreeSet::new()).is_empty());
        assert_eq!(pc.false_from(Condition::MemoryPressure), Some(t(320)));
        assert!(pc.observe(t(310), &BTreeSet::new()).is_empty());
        let changes = pc.observe(t(320), &BTreeSet::new());
        assert_eq!(changes, [ConditionChange { condition: Condition::MemoryPressure, status: false }]);
        assert_eq!(pc.false_from(Condition::MemoryPressure), None);
    }

    #[test]
    fn observing_again_within_the_period_extends_the_condition() {
        let mut pc = PressureConditions::new(Duration::from_secs(300));
        let disk = set(&[Condition::DiskPressure]);
        pc.observe(t(0), &disk);
        pc.observe(t(200), &disk);
        assert!(pc.observe(t(300), &BTreeSet::new()).is_empty());
        assert!(pc.is_true(Condition::DiskPressure));
        assert_eq!(pc.observe(t(500), &BTreeSet::new()).len(), 1);
    }

    #[test]
    fn default_thresholds_raise_memory_pressure_and_evict_for_memory_at_once() {
        let settings = EvictionSettings::defaults(Os::Linux, KubeVersion::DEFAULT);
        let mut manager = EvictionManager::from_settings(&settings);
        let quiet = manager.synchronize(t(0), &memory(2048));
        assert!(quiet.conditions.is_empty() && quiet.reclaim.is_none());
        let pressed = manager.synchronize(t(10), &memory(50));
        assert_eq!(pressed.conditions, set(&[Condition::MemoryPressure]));
        assert_eq!(pressed.reclaim, Some(Reclaim { signal: Signal::MemoryAvailable, hard: true }));
        let relieved = manager.synchronize(t(20), &memory(2048));
        assert!(relieved.reclaim.is_none());
        assert_eq!(relieved.conditions, set(&[Condition::MemoryPressure]));
        // Last observed at 10 s: False from 310 s.
        assert!(manager.synchronize(t(300), &memory(2048)).changes.is_empty());
        let cleared = manager.synchronize(t(310), &memory(2048));
        assert!(cleared.conditions.is_empty());
        assert_eq!(
            cleared.changes,
            [ConditionChange { condition: Condition::MemoryPressure, status: false }]
        );
    }

    #[test]
    fn memory_is_reclaimed_before_disk() {
        let settings = EvictionSettings::defaults(Os::Linux, KubeVersion::DEFAULT);
        let mut manager = EvictionManager::from_settings(&settings);
        let mut obs = memory(10);
        let disk = Observation { available: Quantity::from_units(5), capacity: Quantity::from_units(100) };
        obs.insert(Signal::NodeFsAvailable, disk);
        let outcome = manager.synchronize(t(0), &obs);
        assert_eq!(outcome.conditions, set(&[Condition::MemoryPressure, Condition::DiskPressure]));
        assert_eq!(outcome.reclaim.unwrap().signal, Signal::MemoryAvailable);
    }

    #[test]
    fn a_soft_threshold_raises_its_condition_at_once_but_evicts_after_its_grace_period() {
        let soft = EvictionThreshold::soft(
            Signal::MemoryAvailable,
            Threshold::parse("1Gi").unwrap(),
            Duration::from_secs(60),
        );
        let mut manager = EvictionManager::new(vec![soft], Duration::from_secs(300));
        let first = manager.synchronize(t(0), &memory(512));
        assert_eq!(first.conditions, set(&[Condition::MemoryPressure]));
        assert!(first.reclaim.is_none());
        assert!(manager.synchronize(t(50), &memory(512)).reclaim.is_none());
        let due = manager.synchronize(t(60), &memory(512));
        assert_eq!(due.reclaim, Some(Reclaim { signal: Signal::MemoryAvailable, hard: false }));
        // Clearing the threshold resets its grace period.
        manager.synchronize(t(70), &memory(2048));
        assert!(manager.synchronize(t(80), &memory(512)).reclaim.is_none());
    }

    #[test]
    fn a_minimum_reclaim_keeps_a_driving_threshold_met_until_enough_is_free() {
        let th = EvictionThreshold {
            min_reclaim: Some(Threshold::parse("500Mi").unwrap()),
            ..EvictionThreshold::hard(Signal::MemoryAvailable, Threshold::parse("100Mi").unwrap())
        };
        let mut manager = EvictionManager::new(vec![th], Duration::from_secs(300));
        assert!(manager.synchronize(t(0), &memory(50)).reclaim.is_some());
        assert!(manager.synchronize(t(10), &memory(400)).reclaim.is_some());
        assert!(manager.synchronize(t(20), &memory(700)).reclaim.is_none());
    }

    #[test]
    fn a_signal_without_observation_meets_no_threshold() {
        let settings = EvictionSettings::defaults(Os::Linux, KubeVersion::DEFAULT);
        let mut manager = EvictionManager::from_settings(&settings);
        assert!(manager.synchronize(t(0), &BTreeMap::new()).conditions.is_empty());
    }

    #[test]
    fn the_loop_waits_ten_seconds_after_a_quiet_pass_and_only_for_cleanup_after_an_eviction() {
        assert_eq!(next_pass_without_eviction(t(40)), t(50));
        assert_eq!(next_pass_after_eviction(t(41), t(41)), t(42));
        assert_eq!(
            next_pass_after_eviction(SimTime::from_millis(41_000), SimTime::from_millis(43_500)),
            t(44)
        );
        assert_eq!(next_pass_after_eviction(t(41), t(500)), t(71));
    }
}
