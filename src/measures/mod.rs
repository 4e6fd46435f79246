//! Measures computed from a run, judged on the truth (what really ran), not on the API view.

pub mod blind_spots;
pub mod intervals;
pub mod results;

pub use blind_spots::{BlindSpotTracker, BlindSpots, Sample};
pub use intervals::{IntervalStats, IntervalTracker};
pub use results::{
    AgentComparison, AgentCounters, AgentEvent, AgentEventKind, Comparison, Contention, DeletionCause,
    DrainOutcome, DrainResult, DrainTotals, RunOutput, SAMPLE_INTERVAL, StartIssue,
};
