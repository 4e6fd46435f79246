//! The input of the charts and of `index.html`: the saved report files read back.
//!
//! Charts and the HTML page are drawn from `summary.json`, `timeseries.csv` and (when present)
//! `drains.csv`, never from the simulation's memory. `taintsim run` renders those three files,
//! reads them back with [`ReportData::parse`] and draws from the result, and `taintsim chart`
//! does the same with the files it finds on disk, so both give the same bytes for the same
//! reports.
//!
//! Every error names the file, the line (and for JSON the column) and the field concerned.
//! Unknown JSON fields and unknown CSV columns are ignored, so reports of later versions that
//! only add fields still load. The per-sample contention columns of `timeseries.csv` are
//! optional: reports written before they existed load without them.

use crate::measures::{AgentCounters, BlindSpots, Contention, DrainTotals, IntervalStats};
use crate::model::Toleration;
use crate::report::table::RunFigures;
use crate::time::SimTime;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// Why the saved reports could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file (as given).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// The field or column concerned, when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InputError {}

impl InputError {
    fn csv(file: &str, line: usize, field: Option<&str>, message: impl Into<String>) -> InputError {
        InputError {
            file: file.to_string(),
            line: Some(line),
            column: None,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Seconds as written in `summary.json`, read into a span; negative or absurd values are
/// errors.
fn de_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = f64::deserialize(d)?;
    secs_to_duration(s).map_err(serde::de::Error::custom)
}

fn de_opt_secs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    match Option::<f64>::deserialize(d)? {
        None => Ok(None),
        Some(s) => secs_to_duration(s).map(Some).map_err(serde::de::Error::custom),
    }
}

fn de_instant<'de, D: Deserializer<'de>>(d: D) -> Result<SimTime, D::Error> {
    de_secs(d).map(SimTime::from_duration)
}

fn secs_to_duration(s: f64) -> Result<Duration, String> {
    if !(0.0..=1e12).contains(&s) {
        return Err(format!("{s} is not a number of seconds from 0 up"));
    }
    Ok(Duration::from_millis((s * 1000.0).round() as u64))
}

/// `summary.json` as far as the charts and the page use it.
#[derive(Clone, Debug, Deserialize)]
pub struct Summary {
    /// Schema name (`taintsim.summary/v1`).
    pub schema: String,
    /// The scenario's parameters.
    pub scenario: ScenarioInfo,
    /// Results per agent.
    pub agents: Vec<AgentInfo>,
}

/// The scenario part of the summary.
#[derive(Clone, Debug, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Simulated Kubernetes version.
    pub kubernetes_version: String,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated time span.
    #[serde(rename = "horizon_s", deserialize_with = "de_secs")]
    pub horizon: Duration,
    /// Interval between two rows of the time series.
    #[serde(rename = "sample_interval_s", deserialize_with = "de_secs")]
    pub sample_interval: Duration,
    /// Nodes present at the start.
    pub node_count: usize,
    /// The agent workloads.
    pub agents: Vec<AgentDef>,
    /// The policies compared.
    pub policies: Vec<PolicyInfo>,
    /// Scripted events.
    #[serde(default)]
    pub timeline: Vec<EventInfo>,
    /// Generators (absent in older summaries).
    #[serde(default)]
    pub generators: Vec<GeneratorInfo>,
    /// Initial nodes grouped by taints and cordon state (absent in older summaries).
    #[serde(default)]
    pub node_groups: Vec<NodeGroupInfo>,
    /// Present but unsupported input of an imported scenario, one line per kind of field.
    #[serde(default)]
    pub ignored: Vec<String>,
}

/// Initial nodes sharing their taints and cordon state.
#[derive(Clone, Debug, Deserialize)]
pub struct NodeGroupInfo {
    /// How many nodes.
    pub count: usize,
    /// Their taints.
    #[serde(default)]
    pub taints: Vec<TaintInfo>,
    /// Whether they are cordoned.
    #[serde(default)]
    pub unschedulable: bool,
    /// The first of them, in scenario order.
    pub first_node: String,
}

/// One agent workload of the scenario.
#[derive(Clone, Debug, Deserialize)]
pub struct AgentDef {
    /// Workload name.
    pub name: String,
    /// Namespace.
    #[serde(default)]
    pub namespace: String,
    /// `DaemonSet` or `Deployment`.
    pub kind: String,
    /// Desired replicas of a Deployment.
    #[serde(default)]
    pub replicas: Option<u32>,
    /// Pod priority (absent in older summaries).
    #[serde(default)]
    pub priority: i32,
    /// Priority class name; empty when none.
    #[serde(default)]
    pub priority_class_name: String,
}

/// One policy of the scenario.
#[derive(Clone, Debug, Deserialize)]
pub struct PolicyInfo {
    /// Policy name.
    pub name: String,
    /// Why someone would pick it.
    #[serde(default)]
    pub description: String,
    /// Tolerations as written.
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
    /// Agents it applies to; empty = every agent.
    #[serde(default)]
    pub applies_to: Vec<String>,
}

/// A taint as the summary writes it.
#[derive(Clone, Debug, Deserialize)]
pub struct TaintInfo {
    /// Key.
    pub key: String,
    /// Value.
    #[serde(default)]
    pub value: Option<String>,
    /// Effect.
    pub effect: String,
}

/// A drain's parameters as the summary writes them.
#[derive(Clone, Debug, Deserialize)]
pub struct DrainSpecInfo {
    /// Drainer.
    pub drainer: String,
    /// The drainer's limit, if any.
    #[serde(rename = "timeout_s", default, deserialize_with = "de_opt_secs")]
    pub timeout: Option<Duration>,
    /// Down time after the drain.
    #[serde(rename = "down_for_s", deserialize_with = "de_secs")]
    pub down_for: Duration,
    /// Whether the drain is a spot interruption (its limit is the notice).
    #[serde(default)]
    pub spot_interruption: bool,
}

/// A generator of timeline events and what it drew.
#[derive(Clone, Debug, Deserialize)]
pub struct GeneratorInfo {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: String,
    /// Parameters, as written for people.
    #[serde(default)]
    pub parameters: String,
    /// Events it added.
    #[serde(default)]
    pub occurrences: u32,
    /// Draws that found no node to act on.
    #[serde(default)]
    pub skipped: u32,
}

/// One timeline event.
#[derive(Clone, Debug, Deserialize)]
pub struct EventInfo {
    /// When.
    #[serde(rename = "at_s", deserialize_with = "de_instant")]
    pub at: SimTime,
    /// What.
    pub action: String,
    /// Node (empty when decided at run time).
    #[serde(default)]
    pub node: String,
    /// Workload whose node the event aims at.
    #[serde(default)]
    pub node_of: Option<String>,
    /// Taint of AddTaint/RemoveTaint.
    #[serde(default)]
    pub taint: Option<TaintInfo>,
    /// Taints of AddNode.
    #[serde(default)]
    pub taints: Option<Vec<TaintInfo>>,
    /// Drain parameters.
    #[serde(default)]
    pub drain: Option<DrainSpecInfo>,
    /// Usage spikes: the workload whose pods spike; none for use outside pods.
    #[serde(default)]
    pub workload: Option<String>,
    /// Usage spikes: the resource.
    #[serde(default)]
    pub resource: Option<String>,
    /// Usage spikes: the extra use per pod.
    #[serde(default)]
    pub amount: Option<String>,
    /// Injected conditions: the condition type.
    #[serde(default)]
    pub condition: Option<String>,
    /// Injected conditions: set (`true`) or cleared.
    #[serde(default)]
    pub status: Option<bool>,
}

/// Results for one agent.
#[derive(Clone, Debug, Deserialize)]
pub struct AgentInfo {
    /// Agent name.
    pub name: String,
    /// `DaemonSet` or `Deployment`.
    pub kind: String,
    /// One run per policy.
    pub runs: Vec<RunInfo>,
    /// Groups of policies with identical runs.
    #[serde(default)]
    pub equivalent_policies: Vec<Vec<String>>,
}

impl AgentInfo {
    /// Whether the agent is a DaemonSet.
    pub fn is_daemon_set(&self) -> bool {
        self.kind == "DaemonSet"
    }

    /// The other policies whose runs are identical to `policy`'s, earlier ones first.
    pub fn same_as(&self, policy: &str) -> Vec<&str> {
        self.equivalent_policies
            .iter()
            .filter(|g| g.iter().any(|p| p == policy))
            .flat_map(|g| g.iter().map(String::as_str).filter(|p| *p != policy))
            .collect()
    }
}

/// Interval summary.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq)]
pub struct Stats {
    /// Summed time.
    #[serde(rename = "total_s", deserialize_with = "de_secs")]
    pub total: Duration,
    /// Number of spells.
    pub count: u32,
    /// Longest spell.
    #[serde(rename = "longest_s", deserialize_with = "de_secs")]
    pub longest: Duration,
}

/// Blind-spot figures of one run.
#[derive(Clone, Debug, Deserialize)]
pub struct BlindSpotsInfo {
    /// DaemonSet agents.
    #[serde(default)]
    pub uncovered_nodes: Option<Stats>,
    /// DaemonSet agents.
    #[serde(default)]
    pub agentless_nodes: Option<Stats>,
    /// Both kinds.
    pub stranded_agents: Stats,
    /// Deployment agents.
    #[serde(default)]
    pub under_replicated: Option<Stats>,
    /// Deployment agents.
    #[serde(default)]
    pub no_replica: Option<Stats>,
}

/// Counters of one run.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CountersInfo {
    /// Agent pods created.
    #[serde(default)]
    pub pods_created: u32,
    /// Taint evictions.
    #[serde(default)]
    pub taint_evictions: u32,
    /// DaemonSet deletions.
    #[serde(default)]
    pub daemonset_deletions: u32,
    /// Garbage-collected agent pods.
    #[serde(default)]
    pub garbage_collected: u32,
    /// Failed scheduling attempts.
    #[serde(default)]
    pub scheduling_failures: u32,
}

/// A start-up problem.
#[derive(Clone, Debug, Deserialize)]
pub struct StartIssueInfo {
    /// Workload.
    pub workload: String,
    /// Pods concerned.
    pub pods: u32,
    /// Why.
    pub reason: String,
}

/// Drain totals of one run.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DrainTotalsInfo {
    /// Drains.
    #[serde(default)]
    pub drains: u32,
    /// Completed.
    #[serde(default)]
    pub completed: u32,
    /// Timed out.
    #[serde(default)]
    pub timed_out: u32,
    /// Refused or failed.
    #[serde(default)]
    pub refused_or_failed: u32,
    /// Unfinished.
    #[serde(default)]
    pub unfinished: u32,
    /// Longest blocked drain.
    #[serde(rename = "longest_blocked_s", default, deserialize_with = "de_secs")]
    pub longest_blocked: Duration,
    /// Node of the longest blocked drain; none when no drain was blocked.
    #[serde(default)]
    pub longest_blocked_node: Option<String>,
    /// Summed drain time.
    #[serde(rename = "total_duration_s", default, deserialize_with = "de_secs")]
    pub total_duration: Duration,
    /// Eviction attempts.
    #[serde(default)]
    pub eviction_attempts: u32,
    /// PDB refusals.
    #[serde(default)]
    pub pdb_refusals: u32,
    /// Pods that came back.
    #[serde(default)]
    pub came_back: u32,
    /// Pods left behind.
    #[serde(default)]
    pub left_behind: u32,
    /// Pods killed.
    #[serde(default)]
    pub killed: u32,
}

/// One drain.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct DrainInfo {
    /// Node.
    pub node: String,
    /// Drainer.
    pub drainer: String,
    /// Start.
    #[serde(rename = "started_s", deserialize_with = "de_instant")]
    pub started: SimTime,
    /// Duration.
    #[serde(rename = "duration_s", deserialize_with = "de_secs")]
    pub duration: Duration,
    /// `completed`, `timed_out`, `refused`, `failed` or `unfinished`.
    pub outcome: String,
    /// Pods left behind.
    #[serde(default)]
    pub left_behind: u32,
    /// Whether the agent was left behind.
    #[serde(default)]
    pub agent_left_behind: bool,
}

/// Contention figures of one run.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContentionInfo {
    /// Agent pod-time under MemoryPressure.
    pub memory_pressure: Stats,
    /// Agent pod-time under DiskPressure.
    pub disk_pressure: Stats,
    /// Agent pod-time under PIDPressure.
    pub pid_pressure: Stats,
    /// Business pods the kubelet evicted (absent in older summaries).
    #[serde(default)]
    pub business_evictions: Option<u32>,
    /// Of those, beside a running agent pod.
    pub business_evictions_beside_agent: u32,
    /// Of those, caused by the agent.
    pub business_evictions_caused_by_agent: u32,
    /// Agent pods evicted.
    #[serde(default)]
    pub agent_evictions: u32,
    /// Agent pods rejected at admission.
    #[serde(default)]
    pub agent_admission_rejections: u32,
    /// Agent OOM kills.
    #[serde(default)]
    pub agent_oom_kills: u32,
}

impl ContentionInfo {
    /// Agent pod-time under any pressure condition, summed over the three conditions.
    pub fn pressured_time(&self) -> Duration {
        self.memory_pressure.total + self.disk_pressure.total + self.pid_pressure.total
    }
}

impl From<Stats> for IntervalStats {
    fn from(s: Stats) -> IntervalStats {
        IntervalStats { count: s.count, longest: s.longest, total: s.total }
    }
}

impl RunInfo {
    /// The figures the comparison columns of the reports are built from, so the page ranks
    /// exactly what `report.md` and the console rank.
    pub fn figures(&self) -> RunFigures {
        let b = &self.blind_spots;
        let c = &self.counters;
        let d = &self.drain_totals;
        let k = &self.contention;
        RunFigures {
            blind_spots: BlindSpots {
                uncovered_nodes: b.uncovered_nodes.map(Into::into),
                agentless_nodes: b.agentless_nodes.map(Into::into),
                stranded_agents: b.stranded_agents.into(),
                under_replicated: b.under_replicated.map(Into::into),
                no_replica: b.no_replica.map(Into::into),
            },
            counters: AgentCounters {
                pods_created: c.pods_created,
                taint_evictions: c.taint_evictions,
                daemonset_deletions: c.daemonset_deletions,
                garbage_collected: c.garbage_collected,
                scheduling_failures: c.scheduling_failures,
            },
            drains: DrainTotals {
                drains: d.drains,
                completed: d.completed,
                timed_out: d.timed_out,
                refused_or_failed: d.refused_or_failed,
                unfinished: d.unfinished,
                total_duration: d.total_duration,
                longest_blocked: d.longest_blocked,
                longest_blocked_node: d.longest_blocked_node.clone(),
                eviction_attempts: d.eviction_attempts,
                pdb_refusals: d.pdb_refusals,
                came_back: d.came_back,
                left_behind: d.left_behind,
                killed: d.killed,
            },
            contention: Contention {
                memory_pressure: k.memory_pressure.into(),
                disk_pressure: k.disk_pressure.into(),
                pid_pressure: k.pid_pressure.into(),
                business_evictions: k.business_evictions.unwrap_or(0),
                business_evictions_beside_agent: k.business_evictions_beside_agent,
                business_evictions_caused_by_agent: k.business_evictions_caused_by_agent,
                agent_evictions: k.agent_evictions,
                agent_admission_rejections: k.agent_admission_rejections,
                agent_oom_kills: k.agent_oom_kills,
            },
        }
    }
}

/// One run's results.
#[derive(Clone, Debug, Deserialize)]
pub struct RunInfo {
    /// Policy name.
    pub policy: String,
    /// Effective tolerations.
    #[serde(default)]
    pub effective_tolerations: Vec<Toleration>,
    /// Blind spots.
    pub blind_spots: BlindSpotsInfo,
    /// Counters.
    #[serde(default)]
    pub counters: CountersInfo,
    /// Start-up problems.
    #[serde(default)]
    pub start_issues: Vec<StartIssueInfo>,
    /// Drain totals.
    #[serde(default)]
    pub drain_totals: DrainTotalsInfo,
    /// Drains, in the order they started.
    #[serde(default)]
    pub drains: Vec<DrainInfo>,
    /// Contention.
    #[serde(default)]
    pub contention: ContentionInfo,
}

/// One row of `timeseries.csv`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// Sample instant.
    pub at: SimTime,
    /// Usable nodes.
    pub nodes_usable: u32,
    /// Usable nodes running business pods.
    pub nodes_with_business_pods: u32,
    /// Of those, without a running agent pod.
    pub nodes_uncovered: u32,
    /// Selected usable nodes without a running agent pod.
    pub nodes_agentless: u32,
    /// Running agent pods.
    pub agent_running: u32,
    /// Pending agent pods.
    pub agent_pending: u32,
    /// Stranded agent pods.
    pub agent_stranded: u32,
    /// Agent pods on pressured nodes (absent in older files).
    pub agent_pressured: Option<u32>,
    /// Business pods evicted by the kubelet so far (absent in older files).
    pub business_evicted: Option<u32>,
    /// Of those, beside a running agent pod (absent in older files).
    pub business_evicted_beside_agent: Option<u32>,
}

impl Row {
    /// Percentage of usable nodes running business pods that have a running agent pod; 100
    /// when no node runs business pods.
    pub fn covered_percent(&self) -> f64 {
        if self.nodes_with_business_pods == 0 {
            return 100.0;
        }
        let covered = self.nodes_with_business_pods.saturating_sub(self.nodes_uncovered);
        100.0 * f64::from(covered) / f64::from(self.nodes_with_business_pods)
    }
}

/// Everything the charts and the page need.
#[derive(Clone, Debug)]
pub struct ReportData {
    /// `summary.json`.
    pub summary: Summary,
    /// Time series per (agent, policy).
    pub series: BTreeMap<(String, String), Vec<Row>>,
    /// Whether `timeseries.csv` had the per-sample contention columns.
    pub has_contention_series: bool,
}

impl ReportData {
    /// Reads the saved reports. `names` are the file names used in error messages (summary,
    /// time series, drains); `drains` is `None` when there is no `drains.csv`, and the drains
    /// listed in `summary.json` are used.
    pub fn parse(
        names: [&str; 3],
        summary: &str,
        timeseries: &str,
        drains: Option<&str>,
    ) -> Result<ReportData, InputError> {
        let [summary_name, series_name, drains_name] = names;
        let text = summary;
        let mut de = serde_json::Deserializer::from_str(text);
        let mut summary: Summary =
            serde_path_to_error::deserialize(&mut de).map_err(|e| json_error(summary_name, &e))?;
        let summary_field = |key: &str, field: &str, message: String| {
            let line = json_key_line(text, key);
            InputError {
                file: summary_name.to_string(),
                line,
                column: None,
                field: Some(field.to_string()),
                message,
            }
        };
        if summary.schema != SUMMARY_SCHEMA {
            return Err(summary_field(
                "schema",
                "schema",
                format!("{:?} is not {SUMMARY_SCHEMA:?}, the schema this version reads", summary.schema),
            ));
        }
        let horizon = summary.scenario.horizon;
        if horizon.is_zero() {
            return Err(summary_field(
                "horizon_s",
                "scenario.horizon_s",
                "the horizon must be more than 0 seconds".to_string(),
            ));
        }
        let runs: Vec<(String, String)> = summary
            .agents
            .iter()
            .flat_map(|a| a.runs.iter().map(|r| (a.name.clone(), r.policy.clone())))
            .collect();
        let (series, has_contention_series) = parse_series(series_name, timeseries, &runs, horizon)?;
        if let Some((agent, policy)) = runs.iter().find(|k| !series.contains_key(*k)) {
            return Err(InputError {
                file: series_name.to_string(),
                line: None,
                column: None,
                field: Some("policy".into()),
                message: format!(
                    "no rows for agent {agent:?} with policy {policy:?}, a run {summary_name} lists"
                ),
            });
        }
        if let Some(text) = drains {
            let mut by_run = parse_drains(drains_name, text, &runs, horizon)?;
            for agent in &mut summary.agents {
                for run in &mut agent.runs {
                    run.drains = by_run.remove(&(agent.name.clone(), run.policy.clone())).unwrap_or_default();
                }
            }
        }
        Ok(ReportData { summary, series, has_contention_series })
    }

    /// The rows of one run (empty when the time series has none).
    pub fn rows(&self, agent: &str, policy: &str) -> &[Row] {
        self.series.get(&(agent.to_string(), policy.to_string())).map_or(&[], Vec::as_slice)
    }
}

/// Reads back the summary, time series and drains among freshly rendered report files.
pub fn from_rendered(files: &[super::super::ReportFile]) -> Result<ReportData, super::ChartError> {
    use super::super::{DRAINS_CSV, SUMMARY_JSON, TIMESERIES_CSV};
    let text = |name: &str| {
        files.iter().find(|f| f.name == name).map(|f| String::from_utf8_lossy(&f.contents).into_owned())
    };
    let fail = |message: String| super::ChartError { stem: "index", message };
    let summary = text(SUMMARY_JSON).ok_or_else(|| fail(format!("{SUMMARY_JSON} was not rendered")))?;
    let series = text(TIMESERIES_CSV).ok_or_else(|| fail(format!("{TIMESERIES_CSV} was not rendered")))?;
    let drains = text(DRAINS_CSV);
    ReportData::parse([SUMMARY_JSON, TIMESERIES_CSV, DRAINS_CSV], &summary, &series, drains.as_deref())
        .map_err(|e| fail(e.to_string()))
}

/// The schema of `summary.json` this version reads.
pub const SUMMARY_SCHEMA: &str = "taintsim.summary/v1";

/// The 1-based line of the first `"key":` in JSON text.
fn json_key_line(text: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let at = text.find(&quoted)?;
    Some(text[..at].matches('\n').count() + 1)
}

fn json_error(file: &str, e: &serde_path_to_error::Error<serde_json::Error>) -> InputError {
    let path = e.path().to_string();
    let field = (path != "." && !path.is_empty()).then_some(path);
    let e = e.inner();
    let text = e.to_string();
    // serde_json appends " at line L column C"; the position is given separately.
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let known = e.line() > 0;
    InputError {
        file: file.to_string(),
        line: known.then_some(e.line()),
        column: known.then_some(e.column()),
        field,
        message,
    }
}

/// Splits CSV text into records of fields, with the line each record starts on. Quoted fields
/// may hold commas, doubled quotes and line breaks (RFC 4180).
pub fn csv_records(file: &str, text: &str) -> Result<Vec<(usize, Vec<String>)>, InputError> {
    let mut records = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        let start = line;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        loop {
            let Some(c) = chars.next() else {
                if quoted {
                    return Err(InputError::csv(file, start, None, "a quoted field is not closed"));
                }
                fields.push(std::mem::take(&mut field));
                break;
            };
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    '\n' => {
                        line += 1;
                        field.push(c);
                    }
                    _ => field.push(c),
                }
                continue;
            }
            match c {
                '"' if field.is_empty() && !was_quoted => {
                    quoted = true;
                    was_quoted = true;
                }
                '"' => {
                    return Err(InputError::csv(file, line, None, "a double quote inside an unquoted field"));
                }
                ',' => {
                    fields.push(std::mem::take(&mut field));
                    was_quoted = false;
                }
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    fields.push(std::mem::take(&mut field));
                    break;
                }
                _ if was_quoted => {
                    return Err(InputError::csv(file, line, None, "text after a closing double quote"));
                }
                _ => field.push(c),
            }
        }
        records.push((start, fields));
    }
    Ok(records)
}

/// Column positions of a CSV header, looked up by name.
struct Columns {
    file: String,
    index: BTreeMap<String, usize>,
    width: usize,
}

impl Columns {
    fn new(file: &str, records: &[(usize, Vec<String>)]) -> Result<Columns, InputError> {
        let Some((_, header)) = records.first() else {
            return Err(InputError::csv(file, 1, None, "the file is empty (a header line is expected)"));
        };
        let index = header.iter().enumerate().map(|(i, h)| (h.trim().to_string(), i)).collect();
        Ok(Columns { file: file.to_string(), index, width: header.len() })
    }

    fn require(&self, names: &[&str]) -> Result<(), InputError> {
        for n in names {
            if !self.index.contains_key(*n) {
                return Err(InputError::csv(&self.file, 1, Some(n), "column missing from the header"));
            }
        }
        Ok(())
    }

    fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    fn check_width(&self, line: usize, fields: &[String]) -> Result<(), InputError> {
        if fields.len() != self.width {
            return Err(InputError::csv(
                &self.file,
                line,
                None,
                format!("{} fields, but the header has {}", fields.len(), self.width),
            ));
        }
        Ok(())
    }

    fn text<'a>(&self, fields: &'a [String], name: &str) -> &'a str {
        &fields[self.index[name]]
    }

    fn count(&self, line: usize, fields: &[String], name: &str) -> Result<u32, InputError> {
        let v = self.text(fields, name);
        v.parse().map_err(|_| {
            InputError::csv(&self.file, line, Some(name), format!("{v:?} is not a whole number"))
        })
    }

    fn opt_count(&self, line: usize, fields: &[String], name: &str) -> Result<Option<u32>, InputError> {
        if self.has(name) { self.count(line, fields, name).map(Some) } else { Ok(None) }
    }

    fn secs(&self, line: usize, fields: &[String], name: &str) -> Result<Duration, InputError> {
        let v = self.text(fields, name);
        v.parse::<f64>()
            .map_err(|_| format!("{v:?} is not a number of seconds"))
            .and_then(secs_to_duration)
            .map_err(|m| InputError::csv(&self.file, line, Some(name), m))
    }
}

const SERIES_COLUMNS: [&str; 10] = [
    "agent",
    "policy",
    "time_s",
    "nodes_usable",
    "nodes_with_business_pods",
    "nodes_uncovered",
    "nodes_agentless",
    "agent_running",
    "agent_pending",
    "agent_stranded",
];

const SERIES_CONTENTION_COLUMNS: [&str; 3] =
    ["agent_pressured", "business_evicted", "business_evicted_beside_agent"];

type Series = BTreeMap<(String, String), Vec<Row>>;

fn parse_series(
    file: &str,
    text: &str,
    runs: &[(String, String)],
    horizon: Duration,
) -> Result<(Series, bool), InputError> {
    let records = csv_records(file, text)?;
    let cols = Columns::new(file, &records)?;
    cols.require(&SERIES_COLUMNS)?;
    let contention = SERIES_CONTENTION_COLUMNS.iter().all(|c| cols.has(c));
    let mut series: Series = BTreeMap::new();
    for (line, fields) in &records[1..] {
        let line = *line;
        if fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        cols.check_width(line, fields)?;
        let key = (cols.text(fields, "agent").to_string(), cols.text(fields, "policy").to_string());
        if !runs.contains(&key) {
            return Err(InputError::csv(
                file,
                line,
                Some("policy"),
                format!("agent {:?} with policy {:?} is not a run of the summary", key.0, key.1),
            ));
        }
        let time = cols.secs(line, fields, "time_s")?;
        if time > horizon {
            return Err(beyond_horizon(file, line, "time_s", time, horizon));
        }
        let at = SimTime::from_duration(time);
        let row = Row {
            at,
            nodes_usable: cols.count(line, fields, "nodes_usable")?,
            nodes_with_business_pods: cols.count(line, fields, "nodes_with_business_pods")?,
            nodes_uncovered: cols.count(line, fields, "nodes_uncovered")?,
            nodes_agentless: cols.count(line, fields, "nodes_agentless")?,
            agent_running: cols.count(line, fields, "agent_running")?,
            agent_pending: cols.count(line, fields, "agent_pending")?,
            agent_stranded: cols.count(line, fields, "agent_stranded")?,
            agent_pressured: if contention { cols.opt_count(line, fields, "agent_pressured")? } else { None },
            business_evicted: if contention {
                cols.opt_count(line, fields, "business_evicted")?
            } else {
                None
            },
            business_evicted_beside_agent: if contention {
                cols.opt_count(line, fields, "business_evicted_beside_agent")?
            } else {
                None
            },
        };
        let rows = series.entry(key).or_default();
        if rows.last().is_some_and(|last| last.at >= at) {
            return Err(InputError::csv(file, line, Some("time_s"), "times of one run must increase"));
        }
        rows.push(row);
    }
    Ok((series, contention))
}

fn beyond_horizon(file: &str, line: usize, field: &str, at: Duration, horizon: Duration) -> InputError {
    let (at, horizon) = (crate::time::format_duration(at), crate::time::format_duration(horizon));
    InputError::csv(file, line, Some(field), format!("{at} is beyond the horizon of the summary ({horizon})"))
}

const DRAIN_COLUMNS: [&str; 8] =
    ["agent", "policy", "node", "drainer", "started_s", "duration_s", "outcome", "left_behind"];

fn parse_drains(
    file: &str,
    text: &str,
    runs: &[(String, String)],
    horizon: Duration,
) -> Result<BTreeMap<(String, String), Vec<DrainInfo>>, InputError> {
    let records = csv_records(file, text)?;
    let cols = Columns::new(file, &records)?;
    cols.require(&DRAIN_COLUMNS)?;
    let mut out: BTreeMap<(String, String), Vec<DrainInfo>> = BTreeMap::new();
    for (line, fields) in &records[1..] {
        let line = *line;
        if fields.len() == 1 && fields[0].is_empty() {
            continue;
        }
        cols.check_width(line, fields)?;
        let key = (cols.text(fields, "agent").to_string(), cols.text(fields, "policy").to_string());
        if !runs.contains(&key) {
            return Err(InputError::csv(
                file,
                line,
                Some("policy"),
                format!("agent {:?} with policy {:?} is not a run of the summary", key.0, key.1),
            ));
        }
        let outcome = cols.text(fields, "outcome");
        if !["completed", "timed_out", "refused", "failed", "unfinished"].contains(&outcome) {
            return Err(InputError::csv(file, line, Some("outcome"), format!("unknown outcome {outcome:?}")));
        }
        let agent_left_behind = if cols.has("agent_left_behind") {
            match cols.text(fields, "agent_left_behind") {
                "true" => true,
                "false" => false,
                v => {
                    return Err(InputError::csv(
                        file,
                        line,
                        Some("agent_left_behind"),
                        format!("{v:?} is not true or false"),
                    ));
                }
            }
        } else {
            false
        };
        let started = cols.secs(line, fields, "started_s")?;
        if started > horizon {
            return Err(beyond_horizon(file, line, "started_s", started, horizon));
        }
        out.entry(key).or_default().push(DrainInfo {
            node: cols.text(fields, "node").to_string(),
            drainer: cols.text(fields, "drainer").to_string(),
            started: SimTime::from_duration(started),
            duration: cols.secs(line, fields, "duration_s")?,
            outcome: outcome.to_string(),
            left_behind: cols.count(line, fields, "left_behind")?,
            agent_left_behind,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::super::{csv, fixture, json};
    use super::*;

    fn rendered() -> (String, String, String) {
        let (sc, cmp) = (fixture::scenario(), fixture::comparison());
        (json::render(&sc, &cmp), csv::render(&sc, &cmp), csv::render_drains(&sc, &cmp))
    }

    #[test]
    fn reads_back_what_the_reports_render() {
        let (summary, series, drains) = rendered();
        let names = ["summary.json", "timeseries.csv", "drains.csv"];
        let data = ReportData::parse(names, &summary, &series, Some(&drains)).unwrap();
        assert!(data.has_contention_series);
        assert_eq!(data.summary.agents.len(), 2);
        let rows = data.rows("ds-agent", "none");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].at, SimTime::from_secs(60));
        assert_eq!(rows[1].covered_percent(), 50.0);
        // drains.csv and the drains of summary.json agree.
        let from_summary = ReportData::parse(names, &summary, &series, None).unwrap();
        for (a, b) in data.summary.agents.iter().zip(&from_summary.summary.agents) {
            for (ra, rb) in a.runs.iter().zip(&b.runs) {
                assert_eq!(ra.drains, rb.drains);
            }
        }
    }

    #[test]
    fn a_time_series_without_the_contention_columns_still_loads() {
        let (summary, series, _) = rendered();
        let old: String = series
            .lines()
            .map(|l| {
                let cut = l.rmatch_indices(',').nth(2).map_or(l.len(), |(i, _)| i);
                format!("{}\n", &l[..cut])
            })
            .collect();
        assert!(old.starts_with("agent,policy,time_s,nodes_usable,nodes_with_business_pods,nodes_uncovered,nodes_agentless,agent_running,agent_pending,agent_stranded\n"));
        let data = ReportData::parse(["s", "t", "d"], &summary, &old, None).unwrap();
        assert!(!data.has_contention_series);
        assert_eq!(data.rows("ds-agent", "none")[0].agent_pressured, None);
    }

    #[test]
    fn a_run_missing_from_the_summary_or_a_row_out_of_order_is_an_error() {
        let (summary, series, _) = rendered();
        let extra = format!("{series}ghost,none,0,1,1,0,0,1,0,0,0,0,0\n");
        let err = ReportData::parse(["s", "t", "d"], &summary, &extra, None).unwrap_err();
        assert_eq!(err.line, Some(extra.lines().count()));
        assert!(err.to_string().contains("not a run of the summary"), "{err}");
        let mut lines: Vec<&str> = series.lines().collect();
        lines.swap(1, 2);
        let err = ReportData::parse(["s", "t", "d"], &summary, &(lines.join("\n") + "\n"), None).unwrap_err();
        assert_eq!(err.to_string(), "t:3: field `time_s`: times of one run must increase");
    }

    #[test]
    fn csv_records_handle_quotes_commas_and_line_breaks() {
        let text = "a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\nplain,\r\n";
        let recs = csv_records("t.csv", text).unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[1], (2, vec!["x, \"y\"".to_string(), "two\nlines".to_string()]));
        assert_eq!(recs[2], (4, vec!["plain".to_string(), String::new()]));
        let err = csv_records("t.csv", "a\n\"open\n").unwrap_err();
        assert_eq!(err.to_string(), "t.csv:2: a quoted field is not closed");
        let err = csv_records("t.csv", "a\nx\"y\n").unwrap_err();
        assert_eq!(err.line, Some(2));
    }
}
