//! The per-agent comparison table, shared by the Markdown report and the console.
//!
//! One row per policy, one [`Column`] per measure. Blind-spot columns are *ranked*: lower is
//! better, and [`best_marks`] says which rows hold the best value. Counter columns are shown
//! but not ranked, because a count such as an eviction can be what ends a blind spot.
//! Stranded pod-time is ranked for Deployment agents only: a DaemonSet that covers fewer nodes
//! has fewer pods that can be stranded, so a best mark there would reward lower coverage.
//!
//! [`drain_columns`] builds the drain summary the same way: one row per policy, the outcome
//! and damage columns ranked (lower is better), the effort columns shown but not ranked.
//!
//! [`contention_columns`] builds the contention summary: agent pod-time under each pressure
//! condition and the business evictions the agent caused are ranked (lower is better); the
//! evictions beside the agent and what the kubelet did to the agent's own pods are shown but not
//! ranked.

use crate::measures::{
    AgentComparison, AgentCounters, BlindSpots, Contention, DrainTotals, IntervalStats, RunOutput,
};
use crate::scenario::{Scenario, TimelineAction};
use crate::time::format_duration;
use std::time::Duration;

/// One cell value.
///
/// Values of one column are compared in declaration order of the variants first, so
/// [`Value::Absent`] ranks below (better than) any duration or count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    /// Nothing to measure (no blocked drain at all); shown as `none`.
    Absent,
    /// A span of time (or node-time, pod-time).
    Duration(Duration),
    /// A count.
    Count(u64),
}

impl Value {
    /// The value for humans: durations through [`format_duration`], counts as integers.
    pub fn human(&self) -> String {
        match self {
            Value::Absent => "none".to_string(),
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
    /// Words the Markdown report shows after a value (the node of the longest blocked drain),
    /// one per run; empty when the column has none.
    pub notes: Vec<Option<String>>,
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

/// The figures of one run that the comparison columns are built from.
///
/// The report written after a run builds them from the run's results, the page that
/// `taintsim chart` draws from the saved `summary.json`; both then rank the same columns the same
/// way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunFigures {
    /// Blind-spot figures.
    pub blind_spots: BlindSpots,
    /// Counters.
    pub counters: AgentCounters,
    /// Drain totals.
    pub drains: DrainTotals,
    /// Contention figures.
    pub contention: Contention,
}

impl RunFigures {
    /// The figures of a finished run.
    pub fn of(run: &RunOutput) -> RunFigures {
        RunFigures {
            blind_spots: run.blind_spots.clone(),
            counters: run.counters.clone(),
            drains: DrainTotals::of(&run.drains),
            contention: run.contention.clone(),
        }
    }
}

fn figures(agent: &AgentComparison) -> Vec<RunFigures> {
    agent.runs.iter().map(RunFigures::of).collect()
}

fn stats(
    runs: &[RunFigures],
    title: &'static str,
    short: &'static str,
    get: impl Fn(&RunFigures) -> Value,
) -> Column {
    Column { title, short, ranked: true, values: runs.iter().map(get).collect(), notes: Vec::new() }
}

fn unranked(column: Column) -> Column {
    Column { ranked: false, ..column }
}

fn counter(
    runs: &[RunFigures],
    title: &'static str,
    short: &'static str,
    get: impl Fn(&RunFigures) -> u32,
) -> Column {
    Column {
        title,
        short,
        ranked: false,
        values: runs.iter().map(|r| Value::Count(u64::from(get(r)))).collect(),
        notes: Vec::new(),
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
    measure_columns(is_daemon_set(agent), &figures(agent))
}

/// [`agent_columns`] from the figures of each run, for an agent that is a DaemonSet or not.
pub fn measure_columns(daemon_set: bool, agent: &[RunFigures]) -> Vec<Column> {
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

/// Whether the drain section is shown for `agent`: the scenario's timeline has a `Drain` event
/// or some run of the agent drained a node.
pub fn has_drains(scenario: &Scenario, agent: &AgentComparison) -> bool {
    scenario.timeline.iter().any(|e| matches!(e.action, TimelineAction::Drain { .. }))
        || agent.runs.iter().any(|r| !r.drains.is_empty())
}

/// Short names of the drain columns the console shows, in order.
pub const CONSOLE_DRAIN_COLUMNS: [&str; 7] =
    ["drains", "completed", "timed-out", "refused", "longest-blocked", "left-behind", "killed"];

/// The drain summary columns for `agent`, from each run's [`DrainTotals`].
///
/// Ranked (lower is better): timed out, refused or failed, unfinished, the longest blocked
/// drain (no blocked drain at all ranks best), pods that came back onto a draining node, pods
/// left behind and, for Deployment agents, pods killed. Not ranked: the number of drains and
/// completed drains (their shortfall is in the ranked outcome columns), the total drain time
/// (a refused drain ends at once, so a short total can mean drains that never happened),
/// eviction attempts and budget refusals (how hard a drain worked, not how it ended), and pods
/// killed for DaemonSet agents (a DaemonSet pod stays on its node until the node goes down, so
/// a DaemonSet that covers fewer nodes loses fewer pods, as with stranded pod-time).
pub fn drain_columns(agent: &AgentComparison) -> Vec<Column> {
    drain_columns_of(is_daemon_set(agent), &figures(agent))
}

/// [`drain_columns`] from the figures of each run.
pub fn drain_columns_of(daemon_set: bool, runs: &[RunFigures]) -> Vec<Column> {
    let totals: Vec<&DrainTotals> = runs.iter().map(|r| &r.drains).collect();
    let count = |title, short, ranked, get: fn(&DrainTotals) -> u32| Column {
        title,
        short,
        ranked,
        values: totals.iter().map(|t| Value::Count(u64::from(get(t)))).collect(),
        notes: Vec::new(),
    };
    let longest = Column {
        title: "Longest blocked drain",
        short: "longest-blocked",
        ranked: true,
        values: totals
            .iter()
            .map(|t| match t.longest_blocked_node {
                Some(_) => Value::Duration(t.longest_blocked),
                None => Value::Absent,
            })
            .collect(),
        notes: totals.iter().map(|t| t.longest_blocked_node.clone()).collect(),
    };
    let total_time = Column {
        title: "Total drain time",
        short: "drain-time",
        ranked: false,
        values: totals.iter().map(|t| Value::Duration(t.total_duration)).collect(),
        notes: Vec::new(),
    };
    vec![
        count("Drains", "drains", false, |t| t.drains),
        count("Completed", "completed", false, |t| t.completed),
        count("Timed out", "timed-out", true, |t| t.timed_out),
        count("Refused or failed", "refused", true, |t| t.refused_or_failed),
        count("Unfinished", "unfinished", true, |t| t.unfinished),
        longest,
        total_time,
        count("Eviction attempts", "evictions", false, |t| t.eviction_attempts),
        count("PDB refusals", "pdb-429", false, |t| t.pdb_refusals),
        count("Pods back on the node", "came-back", true, |t| t.came_back),
        count("Pods left behind", "left-behind", true, |t| t.left_behind),
        count("Pods killed at node down", "killed", !daemon_set, |t| t.killed),
    ]
}

/// The drain columns the console shows ([`CONSOLE_DRAIN_COLUMNS`]).
pub fn console_drain_columns(agent: &AgentComparison) -> Vec<Column> {
    let all = drain_columns(agent);
    CONSOLE_DRAIN_COLUMNS.iter().filter_map(|short| all.iter().find(|c| c.short == *short).cloned()).collect()
}

/// Whether some run of `agent` has a non-zero contention figure; the contention table is shown
/// only then.
pub fn has_contention(agent: &AgentComparison) -> bool {
    agent.runs.iter().any(|r| r.contention != Contention::default())
}

/// The contention columns for `agent`, from each run's [`Contention`], in the order of the
/// Markdown table and the console.
///
/// Ranked (lower is better): agent pod-time under MemoryPressure, DiskPressure and PIDPressure
/// (time the agent spent competing with workloads on a starved node, where it is itself a
/// candidate for eviction) and business evictions caused by the agent (evictions that would not
/// have happened without the agent's use). Not ranked: business evictions beside the agent
/// (exposure, not harm: an agent on more nodes is beside more evictions), agent pods evicted,
/// agent pods rejected at admission and agent OOM kills (what happened to the agent; their cost
/// is already in the blind-spot measures, and an agent kept off nodes has fewer pods to lose).
pub fn contention_columns(agent: &AgentComparison) -> Vec<Column> {
    contention_columns_of(&figures(agent))
}

/// [`contention_columns`] from the figures of each run.
pub fn contention_columns_of(runs: &[RunFigures]) -> Vec<Column> {
    let time = |title, short, get: fn(&Contention) -> IntervalStats| Column {
        title,
        short,
        ranked: true,
        values: runs.iter().map(|r| Value::Duration(get(&r.contention).total)).collect(),
        notes: Vec::new(),
    };
    let count = |title, short, ranked, get: fn(&Contention) -> u32| Column {
        title,
        short,
        ranked,
        values: runs.iter().map(|r| Value::Count(u64::from(get(&r.contention)))).collect(),
        notes: Vec::new(),
    };
    vec![
        time("Pod-time under MemoryPressure", "mem-pressure", |c| c.memory_pressure),
        time("Pod-time under DiskPressure", "disk-pressure", |c| c.disk_pressure),
        time("Pod-time under PIDPressure", "pid-pressure", |c| c.pid_pressure),
        count("Business pods evicted beside the agent", "evicted-beside", false, |c| {
            c.business_evictions_beside_agent
        }),
        count("Of those, caused by the agent", "caused", true, |c| c.business_evictions_caused_by_agent),
        count("Agent pods evicted", "agent-evicted", false, |c| c.agent_evictions),
        count("Agent pods rejected at admission", "rejected", false, |c| c.agent_admission_rejections),
        count("Agent OOM kills (container restarts)", "oom-kills", false, |c| c.agent_oom_kills),
    ]
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

    #[test]
    fn no_blocked_drain_ranks_below_any_duration() {
        assert!(Value::Absent < Value::Duration(Duration::ZERO));
        assert_eq!(Value::Absent.human(), "none");
        assert_eq!(best_marks(&[Value::Absent, d(0), d(600)]), vec![true, false, false]);
        assert_eq!(best_marks(&[d(0), d(600)]), vec![true, false]);
    }

    #[test]
    fn drain_columns_rank_outcomes_and_damage_not_effort() {
        let cmp = fixture::comparison();
        let ranked = |agent| -> Vec<(&'static str, bool)> {
            drain_columns(agent).iter().map(|c| (c.short, c.ranked)).collect()
        };
        let expected = |killed| {
            vec![
                ("drains", false),
                ("completed", false),
                ("timed-out", true),
                ("refused", true),
                ("unfinished", true),
                ("longest-blocked", true),
                ("drain-time", false),
                ("evictions", false),
                ("pdb-429", false),
                ("came-back", true),
                ("left-behind", true),
                ("killed", killed),
            ]
        };
        assert_eq!(ranked(&cmp.agents[0]), expected(false), "killed is not ranked for a DaemonSet");
        assert_eq!(ranked(&cmp.agents[1]), expected(true));
        let dep = drain_columns(&cmp.agents[1]);
        let longest = column(&dep, "longest-blocked");
        assert_eq!(longest.values, [d(0), d(1200)]);
        assert_eq!(longest.notes, [Some("node-b".to_string()), Some("node-a".to_string())]);
        let ds = drain_columns(&cmp.agents[0]);
        assert_eq!(column(&ds, "longest-blocked").values, [Value::Absent, d(600), Value::Absent]);
        assert_eq!(column(&ds, "longest-blocked").marks(), [true, false, true]);
        // Every column has a value per run; only the longest blocked drain has notes.
        for (cols, runs) in [(&ds, 3), (&dep, 2)] {
            for c in cols.iter() {
                assert_eq!(c.values.len(), runs, "{}", c.short);
                assert!(c.notes.is_empty() || c.short == "longest-blocked", "{}", c.short);
            }
        }
        let shorts: Vec<&str> = console_drain_columns(&cmp.agents[0]).iter().map(|c| c.short).collect();
        assert_eq!(shorts, CONSOLE_DRAIN_COLUMNS);
    }

    #[test]
    fn drains_show_when_the_timeline_or_a_run_has_one() {
        let mut sc = fixture::scenario();
        let mut cmp = fixture::comparison();
        assert!(has_drains(&sc, &cmp.agents[0]));
        sc.timeline.retain(|e| !matches!(e.action, TimelineAction::Drain { .. }));
        assert!(has_drains(&sc, &cmp.agents[0]));
        for run in &mut cmp.agents[0].runs {
            run.drains.clear();
        }
        assert!(!has_drains(&sc, &cmp.agents[0]));
    }

    #[test]
    fn contention_ranks_pressure_time_and_caused_evictions_only() {
        let cmp = fixture::comparison();
        let cols = contention_columns(&cmp.agents[0]);
        let ranked: Vec<(&str, bool)> = cols.iter().map(|c| (c.short, c.ranked)).collect();
        assert_eq!(
            ranked,
            [
                ("mem-pressure", true),
                ("disk-pressure", true),
                ("pid-pressure", true),
                ("evicted-beside", false),
                ("caused", true),
                ("agent-evicted", false),
                ("rejected", false),
                ("oom-kills", false),
            ]
        );
        assert_eq!(column(&cols, "mem-pressure").values, [d(600), d(1200), d(600)]);
        assert_eq!(column(&cols, "mem-pressure").marks(), [true, false, true]);
        assert_eq!(column(&cols, "caused").marks(), [true, false, true]);
        assert_eq!(column(&cols, "oom-kills").marks(), [false; 3]);
        assert_eq!(column(&cols, "oom-kills").values, [Value::Count(1), Value::Count(3), Value::Count(1)]);
        assert!(cols.iter().all(|c| c.notes.is_empty() && c.values.len() == 3));
    }

    #[test]
    fn contention_shows_when_any_figure_of_any_run_is_non_zero() {
        let mut cmp = fixture::comparison();
        assert!(has_contention(&cmp.agents[0]));
        assert!(!has_contention(&cmp.agents[1]));
        cmp.agents[1].runs[1].contention.disk_pressure.count = 1;
        assert!(has_contention(&cmp.agents[1]));
    }
}
