//! The node lifecycle controller: node health from heartbeats, condition taints, and the
//! rate-limited `NoExecute` tainting per zone.
//!
//! * Every `--node-monitor-period` (5 s) a monitor pass runs, at 0, 5 s, 10 s, ... The probe
//!   time of a node is the first pass at or after its last heartbeat; the first pass strictly
//!   later than probe + `--node-monitor-grace-period` sets `Ready` (and the pressure
//!   conditions) to `Unknown`.
//! * Conditions map to `NoSchedule` taints at once ([`reconcile_no_schedule_taints`]).
//! * `Ready=False` wants `not-ready:NoExecute`, `Unknown` wants `unreachable:NoExecute`, `True`
//!   wants neither. Removing, and swapping one for the other, happens at once; adding goes
//!   through a per-zone token bucket ([`ZoneLimiter`]) whose rate depends on the zone state.
//! * When every zone is fully disrupted, the controller strips all not-ready/unreachable
//!   `NoExecute` taints and adds none.

use crate::model::keys::{
    DISK_PRESSURE, MEMORY_PRESSURE, NETWORK_UNAVAILABLE, NOT_READY, PID_PRESSURE, UNREACHABLE, UNSCHEDULABLE,
};
use crate::model::{Taint, TaintEffect, taint};
use crate::time::SimTime;
use std::time::Duration;

/// Status of a node condition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConditionStatus {
    /// `True`.
    True,
    /// `False`.
    #[default]
    False,
    /// `Unknown`.
    Unknown,
}

impl ConditionStatus {
    /// Parses `"True"`, `"False"`, `"Unknown"`.
    pub fn parse(s: &str) -> Option<ConditionStatus> {
        match s {
            "True" => Some(ConditionStatus::True),
            "False" => Some(ConditionStatus::False),
            "Unknown" => Some(ConditionStatus::Unknown),
            _ => None,
        }
    }
}

/// The node conditions the simulator tracks in the API view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeConditions {
    /// `Ready`.
    pub ready: ConditionStatus,
    /// `MemoryPressure`.
    pub memory_pressure: ConditionStatus,
    /// `DiskPressure`.
    pub disk_pressure: ConditionStatus,
    /// `PIDPressure`.
    pub pid_pressure: ConditionStatus,
    /// `NetworkUnavailable`.
    pub network_unavailable: ConditionStatus,
}

impl NodeConditions {
    /// A healthy node: Ready, no pressure, network available.
    pub fn healthy() -> NodeConditions {
        NodeConditions {
            ready: ConditionStatus::True,
            memory_pressure: ConditionStatus::False,
            disk_pressure: ConditionStatus::False,
            pid_pressure: ConditionStatus::False,
            network_unavailable: ConditionStatus::False,
        }
    }

    /// What the controller writes when the grace period runs out: Ready and the pressure
    /// conditions become `Unknown` (NetworkUnavailable is left alone).
    pub fn mark_unknown(&mut self) {
        self.ready = ConditionStatus::Unknown;
        self.memory_pressure = ConditionStatus::Unknown;
        self.disk_pressure = ConditionStatus::Unknown;
        self.pid_pressure = ConditionStatus::Unknown;
    }
}

/// The taint keys this controller manages with effect `NoSchedule`.
pub const MANAGED_NO_SCHEDULE_KEYS: [&str; 7] = [
    NOT_READY,
    UNREACHABLE,
    MEMORY_PRESSURE,
    DISK_PRESSURE,
    PID_PRESSURE,
    NETWORK_UNAVAILABLE,
    UNSCHEDULABLE,
];

/// The `NoSchedule` condition taint keys the conditions (and `spec.unschedulable`) call for.
pub fn wanted_no_schedule_keys(c: &NodeConditions, unschedulable: bool) -> Vec<&'static str> {
    let mut keys = Vec::new();
    match c.ready {
        ConditionStatus::False => keys.push(NOT_READY),
        ConditionStatus::Unknown => keys.push(UNREACHABLE),
        ConditionStatus::True => {}
    }
    for (status, key) in [
        (c.memory_pressure, MEMORY_PRESSURE),
        (c.disk_pressure, DISK_PRESSURE),
        (c.pid_pressure, PID_PRESSURE),
        (c.network_unavailable, NETWORK_UNAVAILABLE),
    ] {
        if status == ConditionStatus::True {
            keys.push(key);
        }
    }
    if unschedulable {
        keys.push(UNSCHEDULABLE);
    }
    keys
}

/// Brings the node's managed `NoSchedule` taints in line with its conditions: wanted ones are
/// added (an existing one keeps its value), unwanted managed ones removed, all other taints
/// untouched. Returns whether the list changed.
pub fn reconcile_no_schedule_taints(
    taints: &mut Vec<Taint>,
    c: &NodeConditions,
    unschedulable: bool,
) -> bool {
    let wanted = wanted_no_schedule_keys(c, unschedulable);
    let before = taints.len();
    taints.retain(|t| {
        t.effect != TaintEffect::NoSchedule
            || !MANAGED_NO_SCHEDULE_KEYS.contains(&t.key.as_str())
            || wanted.contains(&t.key.as_str())
    });
    let mut changed = taints.len() != before;
    for key in wanted {
        if !taints.iter().any(|t| t.key == key && t.effect == TaintEffect::NoSchedule) {
            taints.push(Taint::new(key, TaintEffect::NoSchedule));
            changed = true;
        }
    }
    changed
}

/// The `NoExecute` taint key the Ready status calls for, if any.
pub fn wanted_no_execute_key(ready: ConditionStatus) -> Option<&'static str> {
    match ready {
        ConditionStatus::False => Some(NOT_READY),
        ConditionStatus::Unknown => Some(UNREACHABLE),
        ConditionStatus::True => None,
    }
}

/// The key opposite to `key` among not-ready / unreachable.
pub fn opposite_key(key: &str) -> &'static str {
    if key == NOT_READY { UNREACHABLE } else { NOT_READY }
}

/// Brings the node's not-ready/unreachable `NoExecute` taints in line with its Ready status, as
/// they end up once the controller has processed the node with the rate limiter allowing:
/// `False` -> `not-ready` present and `unreachable` absent, `Unknown` -> the reverse, `True` ->
/// neither. A wanted taint that is already there keeps its value; every other taint is
/// untouched. Returns whether the list changed.
///
/// Removing a taint, or swapping one for the other, needs no token; only adding the wanted taint
/// to a node that has neither goes through the zone's rate limiter, so the engine calls this at
/// once in the first cases and from its tainting queue in the last.
pub fn reconcile_no_execute_taints(taints: &mut Vec<Taint>, ready: ConditionStatus) -> bool {
    match wanted_no_execute_key(ready) {
        None => {
            let a = taint::remove(taints, NOT_READY, TaintEffect::NoExecute);
            let b = taint::remove(taints, UNREACHABLE, TaintEffect::NoExecute);
            a || b
        }
        Some(key) => {
            let removed = taint::remove(taints, opposite_key(key), TaintEffect::NoExecute);
            let present = taints.iter().any(|t| t.key == key && t.effect == TaintEffect::NoExecute);
            if !present {
                taints.push(Taint::new(key, TaintEffect::NoExecute));
            }
            removed || !present
        }
    }
}

/// What a zone looks like to the controller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneState {
    /// Healthy enough for normal eviction rates.
    Normal,
    /// Many nodes not ready: eviction slows down or stops.
    PartialDisruption,
    /// No node is ready.
    FullDisruption,
}

impl ZoneState {
    /// Every state, from healthy to fully disrupted.
    pub const ALL: [ZoneState; 3] =
        [ZoneState::Normal, ZoneState::PartialDisruption, ZoneState::FullDisruption];

    /// Parses the form [`ZoneState::as_str`] gives.
    pub fn parse(s: &str) -> Option<ZoneState> {
        ZoneState::ALL.into_iter().find(|z| z.as_str() == s)
    }

    /// `Normal`, `PartialDisruption` or `FullDisruption`.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneState::Normal => "Normal",
            ZoneState::PartialDisruption => "PartialDisruption",
            ZoneState::FullDisruption => "FullDisruption",
        }
    }
}

/// `ComputeZoneState`: no ready node and at least one not ready -> full disruption; more than
/// two not-ready nodes making up at least `threshold` of the zone -> partial; else normal.
pub fn zone_state(ready: u32, not_ready: u32, threshold: f64) -> ZoneState {
    if ready == 0 && not_ready > 0 {
        return ZoneState::FullDisruption;
    }
    let total = ready + not_ready;
    if not_ready > 2 && total > 0 && f64::from(not_ready) / f64::from(total) >= threshold {
        return ZoneState::PartialDisruption;
    }
    ZoneState::Normal
}

/// Eviction-rate flags.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateFlags {
    /// `--node-eviction-rate` (0.1 nodes/s).
    pub node_eviction_rate: f64,
    /// `--secondary-node-eviction-rate` (0.01 nodes/s).
    pub secondary_node_eviction_rate: f64,
    /// `--large-cluster-size-threshold` (50).
    pub large_cluster_size_threshold: u32,
}

/// The `NoExecute` tainting rate of a zone (nodes per second), and whether the controller
/// strips all not-ready/unreachable `NoExecute` taints (every zone fully disrupted).
pub fn zone_no_execute_rate(
    state: ZoneState,
    zone_size: u32,
    all_fully_disrupted: bool,
    f: &RateFlags,
) -> (f64, bool) {
    if all_fully_disrupted {
        return (0.0, true);
    }
    match state {
        ZoneState::Normal | ZoneState::FullDisruption => (f.node_eviction_rate, false),
        ZoneState::PartialDisruption => {
            if zone_size > f.large_cluster_size_threshold {
                (f.secondary_node_eviction_rate, false)
            } else {
                (0.0, false)
            }
        }
    }
}

/// When a node whose last heartbeat was at `last_heartbeat` is marked `Ready=Unknown`, with
/// monitor passes every `period` from time zero.
pub fn ready_unknown_at(last_heartbeat: SimTime, period: Duration, grace: Duration) -> SimTime {
    let probe = last_heartbeat.ceil_to(period);
    (probe + grace).next_multiple_after(period)
}

/// The tick of the controller's rate-limited tainting queue (`NodeEvictionPeriod`, 100 ms).
pub const EVICTION_QUEUE_TICK: Duration = Duration::from_millis(100);

/// A token bucket with burst 1, as the controller uses per zone. A rate of zero never admits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoneLimiter {
    rate: f64,
    tokens: f64,
    last: SimTime,
}

impl ZoneLimiter {
    /// A full bucket with `rate` tokens per second.
    pub fn new(rate: f64, now: SimTime) -> ZoneLimiter {
        ZoneLimiter { rate, tokens: 1.0, last: now }
    }

    /// The rate.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    fn refill(&mut self, now: SimTime) {
        let elapsed = now.saturating_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(1.0);
        self.last = now;
    }

    /// Takes a token if one is available at `now`.
    pub fn try_take(&mut self, now: SimTime) -> bool {
        if self.rate <= 0.0 {
            return false;
        }
        self.refill(now);
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// The first queue tick at or after `now` at which a token will be available, or `None`
    /// when the rate is zero.
    pub fn next_token_at(&self, now: SimTime) -> Option<SimTime> {
        if self.rate <= 0.0 {
            return None;
        }
        let missing = (1.0 - self.tokens).max(0.0);
        let wait_ms = (missing / self.rate * 1000.0).ceil() as u64;
        let at = self.last + Duration::from_millis(wait_ms);
        Some(at.max(now).ceil_to(EVICTION_QUEUE_TICK))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_node_turns_unknown_after_grace_on_a_pass() {
        let p = Duration::from_secs(5);
        assert_eq!(ready_unknown_at(SimTime::ZERO, p, Duration::from_secs(50)), SimTime::from_secs(55));
        assert_eq!(ready_unknown_at(SimTime::ZERO, p, Duration::from_secs(40)), SimTime::from_secs(45));
        assert_eq!(
            ready_unknown_at(SimTime::from_secs(3), p, Duration::from_secs(50)),
            SimTime::from_secs(60)
        );
    }

    #[test]
    fn condition_taints_follow_conditions_and_keep_other_taints() {
        let mut taints = vec![Taint::with_value("dedicated", "x", TaintEffect::NoSchedule)];
        let mut c = NodeConditions::healthy();
        c.ready = ConditionStatus::Unknown;
        assert!(reconcile_no_schedule_taints(&mut taints, &c, true));
        let keys: Vec<_> = taints.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, vec!["dedicated", UNREACHABLE, UNSCHEDULABLE]);
        c.ready = ConditionStatus::True;
        reconcile_no_schedule_taints(&mut taints, &c, false);
        assert_eq!(taints.len(), 1);
    }

    #[test]
    fn no_execute_condition_taints_follow_ready_and_exclude_each_other() {
        let custom = Taint::with_value("dedicated", "x", TaintEffect::NoExecute);
        let both = vec![
            custom.clone(),
            Taint::new(NOT_READY, TaintEffect::NoExecute),
            Taint::with_value(UNREACHABLE, "v", TaintEffect::NoExecute),
        ];
        let mut taints = both.clone();
        assert!(reconcile_no_execute_taints(&mut taints, ConditionStatus::Unknown));
        assert_eq!(taints, vec![custom.clone(), Taint::with_value(UNREACHABLE, "v", TaintEffect::NoExecute)]);
        assert!(!reconcile_no_execute_taints(&mut taints, ConditionStatus::Unknown));
        assert!(reconcile_no_execute_taints(&mut taints, ConditionStatus::False));
        assert_eq!(taints, vec![custom.clone(), Taint::new(NOT_READY, TaintEffect::NoExecute)]);
        let mut taints = both;
        assert!(reconcile_no_execute_taints(&mut taints, ConditionStatus::True));
        assert_eq!(taints, vec![custom]);
        let mut no_schedule = vec![Taint::new(NOT_READY, TaintEffect::NoSchedule)];
        assert!(!reconcile_no_execute_taints(&mut no_schedule, ConditionStatus::True));
    }

    #[test]
    fn zone_states() {
        assert_eq!(zone_state(0, 1, 0.55), ZoneState::FullDisruption);
        assert_eq!(zone_state(2, 3, 0.55), ZoneState::PartialDisruption);
        assert_eq!(zone_state(1, 2, 0.55), ZoneState::Normal);
        for z in ZoneState::ALL {
            assert_eq!(ZoneState::parse(z.as_str()), Some(z));
        }
    }

    #[test]
    fn limiter_admits_one_then_waits_ten_seconds_at_point_one() {
        let mut l = ZoneLimiter::new(0.1, SimTime::ZERO);
        assert!(l.try_take(SimTime::ZERO));
        assert!(!l.try_take(SimTime::from_secs(5)));
        assert_eq!(l.next_token_at(SimTime::from_secs(5)), Some(SimTime::from_secs(10)));
        assert!(l.try_take(SimTime::from_secs(10)));
    }
}
