//! The per-agent comparison table, shared by the Markdown report and the console.
//!
//! One row per policy, one [`Column`] per measure. Blind-spot columns are *ranked*: lower is
//! better, and [`best_marks`] says which rows hold the best value. Counter columns are shown
//! but not ranked, because a count such as an eviction can be what ends a blind spot.
//! Stranded pod-time is ranked for Deployment agents only: a DaemonSet that covers fewer nodes
//! has fewer pods that can be stranded, so a best mark there would reward lower coverage.

use crate::measures::{AgentComparison, IntervalStats, RunOutput};
use crate::time::format_duration;
use std::time::Duration;

/// One cell value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// A span of time (or node-time, pod-time).
    Duration(Duration),
    /// A count.
    Count(u64),
}

impl Value {
    /// The value for humans: durations through [`format_duration`], counts as integers.
    pub fn human(&self) -> String {
        match self {
            Value::Duration(d) => format_duration(*d),
            Value::Count(n) => n.to_string(),
        }
    }
}

/// One measure across the policies of an agent.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Header in the Markdown report.
    pub title: &'static str,
    /// Header on the console.
    pub short: &'static str,
    /// Whether the column is a blind-spot measure (lower is better, best value marked).
    pub ranked: bool,
    /// One value per run, in run (policy) order.
    pub values: Vec<Value>,
}

impl Column {
    /// Which rows carry the best-value mark; all `false` for unranked columns.
    pub fn marks(&self) -> Vec<bool> {
        if self.ranked { best_marks(&self.values) } else { vec![false; self.values.len()] }
    }
}

/// Marks the lowest value(s): every row holding the minimum is marked (ties share the mark),
/// and nothing is marked when all rows hold the same value or there is only one row.
pub fn best_marks(values: &[Value]) -> Vec<bool> {
    let Some(min) = values.iter().min() else {
        return Vec::new();
    };
    if values.iter().all(|v| v == min) {
        return vec![false; values.len()];
    }
    values.iter().map(|v| v == min).collect()
}

/// Whether the agent is a DaemonSet (otherwise it is treated as a Deployment).
pub fn is_daemon_set(agent: &AgentComparison) -> bool {
    agent.kind == "DaemonSet"
}

fn stats(
    agent: &AgentComparison,
    title: &'static str,
    short: &'static str,
    get: impl Fn(&RunOutput) -> Value,
) -> Column {
    Column { title, short, ranked: true, values: agent.runs.iter().map(get).collect() }
}

fn unranked(column: Column) -> Column {
    Column { ranked: false, ..column }
}

fn counter(
    agent: &AgentComparison,
    title: &'static str,
    short: &'static str,
    get: impl Fn(&RunOutput) -> u32,
) -> Column {
    Column {
        title,
        short,
        ranked: false,
        values: agent.runs.iter().map(|r| Value::Count(u64::from(get(r)))).collect(),
    }
}

fn total(s: Option<IntervalStats>) -> Value {
    Value::Duration(s.unwrap_or_default().total)
}

fn longest(s: Option<IntervalStats>) -> Value {
    Value::Duration(s.unwrap_or_default().longest)
}

fn count(s: Option<IntervalStats>) -> Value {
    Value::Count(u64::from(s.unwrap_or_default().count))
}

/// The measure columns for `agent`: the blind-spot measures of its kind, stranded pod-time
/// (unranked for DaemonSet agents), then the counters.
pub fn agent_columns(agent: &AgentComparison) -> Vec<Column> {
    let daemon_set = is_daemon_set(agent);
    let mut cols = if daemon_set {
        vec![
            stats(agent, "Uncovered node-time", "uncovered", |r| total(r.blind_spots.uncovered_nodes)),
            stats(agent, "Uncovered gaps", "gaps", |r| count(r.blind_spots.uncovered_nodes)),
            stats(agent, "Longest uncovered gap", "longest", |r| longest(r.blind_spots.uncovered_nodes)),
            stats(agent, "Agent-less node-time", "agentless", |r| total(r.blind_spots.agentless_nodes)),
            stats(agent, "Agent-less gaps", "al-gaps", |r| count(r.blind_spots.agentless_nodes)),
            stats(agent, "Longest agent-less gap", "al-longest", |r| longest(r.blind_spots.agentless_nodes)),
        ]
    } else {
        vec![
            stats(agent, "Under-replicated time", "under-repl", |r| total(r.blind_spots.under_replicated)),
            stats(agent, "Under-replicated spells", "spells", |r| count(r.blind_spots.under_replicated)),
            stats(agent, "Longest under-replicated spell", "longest", |r| {
                longest(r.blind_spots.under_replicated)
            }),
            stats(agent, "No-replica time", "no-replica", |r| total(r.blind_spots.no_replica)),
            stats(agent, "Longest no-replica spell", "longest-none", |r| longest(r.blind_spots.no_replica)),
        ]
    };
    let stranded =
        stats(agent, "Stranded agent pod-time", "stranded", |r| total(Some(r.blind_spots.stranded_agents)));
    cols.push(if daemon_set { unranked(stranded) } else { stranded });
    cols.push(counter(agent, "Taint evictions", "taint-evict", |r| r.counters.taint_evictions));
    cols.push(counter(agent, "DaemonSet deletions", "ds-delete", |r| r.counters.daemonset_deletions));
    cols.push(counter(agent, "Scheduling failures", "sched-fail", |r| r.counters.scheduling_failures));
    cols
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn d(s: u64) -> Value {
        Value::Duration(Duration::from_secs(s))
    }

    #[test]
    fn lowest_value_is_marked() {
        assert_eq!(best_marks(&[d(30), d(10), d(20)]), vec![false, true, false]);
    }

    #[test]
    fn ties_for_best_are_all_marked() {
        assert_eq!(best_marks(&[d(10), d(30), d(10)]), vec![true, false, true]);
        assert_eq!(best_marks(&[Value::Count(0), Value::Count(0), Value::Count(2)]), vec![true, true, false]);
    }

    #[test]
    fn nothing_is_marked_when_all_values_are_equal() {
        assert_eq!(best_marks(&[d(10), d(10), d(10)]), vec![false; 3]);
        assert_eq!(best_marks(&[d(5)]), vec![false]);
        assert!(best_marks(&[]).is_empty());
    }

    fn column<'a>(cols: &'a [Column], short: &str) -> &'a Column {
        cols.iter().find(|c| c.short == short).unwrap_or_else(|| panic!("no column {short}"))
    }

    #[test]
    fn daemon_set_columns_put_agentless_next_to_uncovered() {
        let cmp = fixture::comparison();
        let shorts: Vec<&str> = agent_columns(&cmp.agents[0]).iter().map(|c| c.short).collect();
        assert_eq!(
            shorts,
            [
                "uncovered",
                "gaps",
                "longest",
                "agentless",
                "al-gaps",
                "al-longest",
                "stranded",
                "taint-evict",
                "ds-delete",
                "sched-fail"
            ]
        );
        let dep: Vec<&str> = agent_columns(&cmp.agents[1]).iter().map(|c| c.short).collect();
        assert!(!dep.contains(&"agentless"), "{dep:?}");
    }

    #[test]
    fn stranded_time_is_ranked_for_deployments_only() {
        let mut cmp = fixture::comparison();
        for agent in &mut cmp.agents {
            for (i, run) in agent.runs.iter_mut().enumerate() {
                run.blind_spots.stranded_agents.total = Duration::from_secs(60 * (i as u64 + 1));
            }
        }
        let ds = agent_columns(&cmp.agents[0]);
        let stranded = column(&ds, "stranded");
        assert!(!stranded.ranked);
        assert_eq!(stranded.marks(), vec![false; 3]);
        assert!(column(&ds, "agentless").ranked);
        let dep = agent_columns(&cmp.agents[1]);
        let stranded = column(&dep, "stranded");
        assert!(stranded.ranked);
        assert_eq!(stranded.marks(), vec![true, false]);
    }
}
