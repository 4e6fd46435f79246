//! Simulated time.
//!
//! [`SimTime`] is an instant on the simulation clock, counted in whole milliseconds from the
//! start of a run. Spans between instants are [`std::time::Duration`]s. Nothing in the engine
//! passes a bare number of seconds around: numbers only appear at the edges (scenario files,
//! conformance vectors, reports), where their unit is part of the field name or the syntax.

use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

/// An instant on the simulation clock (milliseconds since the start of the run).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any instant a run reaches; used for "never".
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// The instant `d` after the start of the run.
    pub fn from_duration(d: Duration) -> SimTime {
        SimTime(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    /// The instant `secs` whole seconds after the start of the run.
    pub fn from_secs(secs: u64) -> SimTime {
        SimTime(secs.saturating_mul(1000))
    }

    /// The instant `ms` milliseconds after the start of the run.
    pub fn from_millis(ms: u64) -> SimTime {
        SimTime(ms)
    }

    /// Time elapsed since the start of the run.
    pub fn since_start(self) -> Duration {
        Duration::from_millis(self.0)
    }

    /// Milliseconds since the start of the run.
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Seconds since the start of the run, with a fraction.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// The span from `earlier` to `self`, or zero when `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// The first instant at or after `self` that is a whole multiple of `period`.
    pub fn ceil_to(self, period: Duration) -> SimTime {
        let p = period.as_millis() as u64;
        if p == 0 {
            return self;
        }
        SimTime(self.0.div_ceil(p) * p)
    }

    /// The first instant strictly after `self` that is a whole multiple of `period`.
    pub fn next_multiple_after(self, period: Duration) -> SimTime {
        let p = period.as_millis() as u64;
        if p == 0 {
            return self;
        }
        SimTime((self.0 / p + 1) * p)
    }
}

impl Add<Duration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: Duration) -> SimTime {
        SimTime(self.0.saturating_add(u64::try_from(rhs.as_millis()).unwrap_or(u64::MAX)))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = Duration;
    fn sub(self, rhs: SimTime) -> Duration {
        self.saturating_since(rhs)
    }
}

impl serde::Serialize for SimTime {
    /// Serialized as seconds since the start of the run (a number, millisecond precision).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_secs_f64())
    }
}

impl fmt::Display for SimTime {
    /// Formats as `[Nd]HH:MM:SS[.mmm]`, the way reports print instants.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == SimTime::NEVER {
            return f.write_str("never");
        }
        let ms = self.0 % 1000;
        let s = self.0 / 1000;
        let (d, h, m, sec) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
        if d > 0 {
            write!(f, "{d}d")?;
        }
        write!(f, "{h:02}:{m:02}:{sec:02}")?;
        if ms > 0 {
            write!(f, ".{ms:03}")?;
        }
        Ok(())
    }
}

/// Formats a span compactly for humans: `55s`, `20m`, `1h30m`, `2d3h`, `1.5s`.
pub fn format_duration(d: Duration) -> String {
    let total_ms = d.as_millis();
    if total_ms == 0 {
        return "0s".to_string();
    }
    if total_ms % 1000 != 0 {
        let secs = format!("{:.3}", d.as_secs_f64());
        return format!("{}s", secs.trim_end_matches('0').trim_end_matches('.'));
    }
    let mut s = (total_ms / 1000) as u64;
    let mut out = String::new();
    for (unit, len) in [("d", 86_400u64), ("h", 3600), ("m", 60), ("s", 1)] {
        if s >= len {
            out.push_str(&format!("{}{unit}", s / len));
            s %= len;
        }
    }
    out
}

/// Parses a span written like Go and Kubernetes write durations: one or more
/// `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d` (for example `300s`, `1h30m`,
/// `1.5s`). `d` (24 h) is accepted for long horizons.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration; write for example \"300s\" or \"1h30m\"".into());
    }
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    if t.starts_with('-') {
        return Err(format!("bad duration {text:?}: durations cannot be negative"));
    }
    let mut total_ms: f64 = 0.0;
    let mut rest = t;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!("bad duration {text:?}: expected a number at {rest:?}"));
        }
        let number: f64 = rest[..num_len]
            .parse()
            .map_err(|_| format!("bad duration {text:?}: {:?} is not a number", &rest[..num_len]))?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let factor = match unit {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            "" => {
                return Err(format!("bad duration {text:?}: missing unit (ms, s, m, h or d)"));
            }
            other => {
                return Err(format!("bad duration {text:?}: unknown unit {other:?} (use ms, s, m, h or d)"));
            }
        };
        total_ms += number * factor;
    }
    if !total_ms.is_finite() || total_ms > 1e15 {
        return Err(format!("bad duration {text:?}: too long"));
    }
    Ok(Duration::from_millis(total_ms.round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_trip_through_text() {
        for (text, ms) in
            [("300s", 300_000), ("1h30m", 5_400_000), ("1.5s", 1500), ("2d", 172_800_000), ("250ms", 250)]
        {
            assert_eq!(parse_duration(text).unwrap(), Duration::from_millis(ms), "{text}");
        }
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
    }

    #[test]
    fn durations_without_units_are_rejected() {
        assert!(parse_duration("300").is_err());
        assert!(parse_duration("5x").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn instants_align_to_monitor_passes() {
        let p = Duration::from_secs(5);
        assert_eq!(SimTime::from_secs(10).ceil_to(p), SimTime::from_secs(10));
        assert_eq!(SimTime::from_millis(10_001).ceil_to(p), SimTime::from_secs(15));
        assert_eq!(SimTime::from_secs(10).next_multiple_after(p), SimTime::from_secs(15));
        assert_eq!(SimTime::from_secs(90_061).to_string(), "1d01:01:01");
    }
}
