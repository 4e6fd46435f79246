//! Keyed intervals: how often a condition held, for how long at most, and in total.

use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Summary of the intervals during which a condition held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IntervalStats {
    /// Number of intervals (gaps).
    pub count: u32,
    /// Longest interval.
    #[serde(serialize_with = "secs")]
    pub longest: Duration,
    /// Sum of all intervals (for keyed trackers: summed over keys, e.g. node-seconds).
    #[serde(serialize_with = "secs")]
    pub total: Duration,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Tracks, per key, when a condition starts and stops holding. An interval still open when the
/// run ends is closed at the horizon and counted.
#[derive(Clone, Debug)]
pub struct IntervalTracker<K: Ord + Clone> {
    open: BTreeMap<K, SimTime>,
    stats: IntervalStats,
}

impl<K: Ord + Clone> Default for IntervalTracker<K> {
    fn default() -> Self {
        IntervalTracker { open: BTreeMap::new(), stats: IntervalStats::default() }
    }
}

impl<K: Ord + Clone> IntervalTracker<K> {
    /// Records that the condition holds (`true`) or not for `key` from `now` on.
    pub fn set(&mut self, key: &K, holds: bool, now: SimTime) {
        match (holds, self.open.get(key).copied()) {
            (true, None) => {
                self.open.insert(key.clone(), now);
            }
            (false, Some(start)) => {
                self.open.remove(key);
                self.close(start, now);
            }
            _ => {}
        }
    }

    fn close(&mut self, start: SimTime, end: SimTime) {
        let len = end.saturating_since(start);
        if len.is_zero() {
            return;
        }
        self.stats.count += 1;
        self.stats.longest = self.stats.longest.max(len);
        self.stats.total += len;
    }

    /// Whether the condition currently holds for `key`.
    pub fn holds(&self, key: &K) -> bool {
        self.open.contains_key(key)
    }

    /// Number of keys for which the condition currently holds.
    pub fn open_count(&self) -> usize {
        self.open.len()
    }

    /// Closes every open interval at `end` and returns the summary.
    pub fn finish(mut self, end: SimTime) -> IntervalStats {
        let open = std::mem::take(&mut self.open);
        for start in open.into_values() {
            self.close(start, end);
        }
        self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_longest_and_total_and_closes_at_the_end() {
        let mut t = IntervalTracker::default();
        let s = SimTime::from_secs;
        t.set(&1, true, s(10));
        t.set(&1, true, s(12));
        t.set(&2, true, s(15));
        t.set(&1, false, s(20));
        t.set(&3, true, s(30));
        t.set(&3, false, s(30));
        let stats = t.finish(s(100));
        assert_eq!(stats.count, 2);
        assert_eq!(stats.longest, Duration::from_secs(85));
        assert_eq!(stats.total, Duration::from_secs(95));
    }
}
