//! `timeseries.csv`: every sample of every run, in long format; `drains.csv`: every drain of
//! every run.
//!
//! One header line, then one row per sample (per drain) per run, runs in report order (agents
//! in scenario order, policies in scenario order). Fields are quoted as RFC 4180 says (when
//! they hold a comma, a double quote or a line break; quotes doubled); lines end with `\n`.

use crate::measures::{Comparison, DrainOutcome};
use crate::scenario::Scenario;
use crate::time::SimTime;
use std::fmt::Write as _;

/// The header line (without its line break).
pub const HEADER: &str = "agent,policy,time_s,nodes_usable,nodes_with_business_pods,nodes_uncovered,nodes_agentless,agent_running,agent_pending,agent_stranded,agent_pressured,business_evicted,business_evicted_beside_agent";

/// Renders `timeseries.csv`.
pub fn render(_scenario: &Scenario, cmp: &Comparison) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push('\n');
    for agent in &cmp.agents {
        for run in &agent.runs {
            let prefix = format!("{},{}", field(&run.agent), field(&run.policy));
            for s in &run.samples {
                let _ = writeln!(
                    out,
                    "{prefix},{},{},{},{},{},{},{},{},{},{},{}",
                    seconds(s.at),
                    s.nodes_usable,
                    s.nodes_with_business_pods,
                    s.nodes_uncovered,
                    s.nodes_agentless,
                    s.agent_running,
                    s.agent_pending,
                    s.agent_stranded,
                    s.agent_pressured,
                    s.business_evicted,
                    s.business_evicted_beside_agent
                );
            }
        }
    }
    out
}

/// The header line of `drains.csv` (without its line break).
pub const DRAINS_HEADER: &str = "agent,policy,node,drainer,started_s,ended_s,duration_s,outcome,refusal,eviction_attempts,pdb_refusals,force_deletions,came_back,left_behind,agent_left_behind,killed";

/// Renders `drains.csv`: one row per drain per run, drains in the order they started. Only
/// the header when no run drained a node.
pub fn render_drains(_scenario: &Scenario, cmp: &Comparison) -> String {
    let mut out = String::new();
    out.push_str(DRAINS_HEADER);
    out.push('\n');
    for agent in &cmp.agents {
        for run in &agent.runs {
            for d in &run.drains {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    field(&run.agent),
                    field(&run.policy),
                    field(&d.node),
                    field(d.drainer),
                    seconds(d.started),
                    seconds(d.ended),
                    seconds(SimTime::from_duration(d.duration())),
                    outcome_token(d.outcome),
                    field(d.refusal.as_deref().unwrap_or("")),
                    d.eviction_attempts,
                    d.pdb_refusals,
                    d.force_deletions,
                    d.came_back,
                    d.left_behind,
                    d.agent_left_behind,
                    d.killed
                );
            }
        }
    }
    out
}

/// A drain outcome as one word, the same as in `summary.json`: `completed`, `timed_out`,
/// `refused`, `failed`, `unfinished`.
pub fn outcome_token(o: DrainOutcome) -> &'static str {
    match o {
        DrainOutcome::Completed => "completed",
        DrainOutcome::TimedOut => "timed_out",
        DrainOutcome::Refused => "refused",
        DrainOutcome::Failed => "failed",
        DrainOutcome::Unfinished => "unfinished",
    }
}

/// One CSV field: as is, or in double quotes with inner quotes doubled when it holds a comma,
/// a quote or a line break.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Seconds since the start of the run, exact: an integer for whole seconds, otherwise with the
/// milliseconds as up to three decimals (no float arithmetic involved).
pub fn seconds(at: SimTime) -> String {
    let ms = at.as_millis();
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        let frac = format!("{:03}", ms % 1000);
        format!("{}.{}", ms / 1000, frac.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn names_with_commas_and_quotes_are_quoted() {
        assert_eq!(field("plain-name"), "plain-name");
        assert_eq!(field("odd, \"quoted\" | name"), "\"odd, \"\"quoted\"\" | name\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        let csv = render(&fixture::scenario(), &fixture::comparison());
        assert!(csv.contains("\nds-agent,\"odd, \"\"quoted\"\" | name\",60,2,2,1,1,2,0,0,0,0,0\n"), "{csv}");
    }

    #[test]
    fn header_and_one_row_per_sample_per_run() {
        let csv = render(&fixture::scenario(), &fixture::comparison());
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(HEADER));
        // Five runs of three samples each.
        assert_eq!(lines.count(), 15);
        assert!(csv.ends_with('\n'));
        assert!(csv.contains("\nds-agent,none,0,2,2,0,0,2,0,0,0,0,0\n"));
    }

    #[test]
    fn agentless_nodes_come_after_uncovered_nodes() {
        let header: Vec<&str> = HEADER.split(',').collect();
        let at = header.iter().position(|&c| c == "nodes_uncovered").unwrap();
        assert_eq!(header[at + 1], "nodes_agentless");
        let mut cmp = fixture::comparison();
        cmp.agents[0].runs[0].samples[2].nodes_agentless = 7;
        let csv = render(&fixture::scenario(), &cmp);
        let row = csv.lines().find(|l| l.starts_with("ds-agent,none,120,")).unwrap();
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), header.len());
        assert_eq!(fields[at], "1");
        assert_eq!(fields[at + 1], "7");
    }

    #[test]
    fn seconds_are_exact() {
        assert_eq!(seconds(SimTime::from_secs(120)), "120");
        assert_eq!(seconds(SimTime::from_millis(1500)), "1.5");
        assert_eq!(seconds(SimTime::from_millis(61_005)), "61.005");
    }

    #[test]
    fn drains_csv_has_one_row_per_drain_per_run() {
        let csv = render_drains(&fixture::scenario(), &fixture::comparison());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], DRAINS_HEADER);
        // Five runs of two drains each.
        assert_eq!(lines.len(), 11);
        assert!(csv.ends_with('\n'));
        assert_eq!(lines[1], "ds-agent,none,node-b,kubectl,1200,1230,30,completed,,2,0,0,0,0,false,0");
        assert_eq!(lines[3], "ds-agent,catch-all,node-b,kubectl,1200,1800,600,timed_out,,5,4,0,1,1,false,0");
        assert_eq!(
            lines[5],
            "ds-agent,\"odd, \"\"quoted\"\" | name\",node-b,kubectl,1200,1230,30,completed,,2,0,0,0,0,false,0"
        );
        assert_eq!(
            lines[7],
            "dep-agent,none,node-b,kubectl,1200,1200,0,refused,web-0: pod with local storage | emptyDir,0,0,0,0,0,false,0"
        );
        assert_eq!(lines[9], "dep-agent,catch-all,node-b,kubectl,1200,1245,45,completed,,2,0,0,1,1,true,0");
        assert_eq!(
            lines[10],
            "dep-agent,catch-all,node-a,karpenter,2400,3600,1200,unfinished,,9,7,2,0,0,false,0"
        );
        let columns = DRAINS_HEADER.split(',').count();
        assert!(lines[1..].iter().all(|l| l.matches(',').count() + 1 == columns || l.contains('"')));
        assert_eq!(csv, render_drains(&fixture::scenario(), &fixture::comparison()));
    }

    #[test]
    fn drains_csv_quotes_refusals_and_is_only_a_header_without_drains() {
        let mut cmp = fixture::comparison();
        cmp.agents[1].runs[0].drains[0].refusal = Some("a: x, y; b: \"z\"".into());
        cmp.agents[1].runs[0].drains[0].started = SimTime::from_millis(1_200_500);
        let csv = render_drains(&fixture::scenario(), &cmp);
        assert!(
            csv.contains(
                "\ndep-agent,none,node-b,kubectl,1200.5,1200,0,refused,\"a: x, y; b: \"\"z\"\"\",0,"
            ),
            "{csv}"
        );
        for run in cmp.agents.iter_mut().flat_map(|a| a.runs.iter_mut()) {
            run.drains.clear();
        }
        assert_eq!(render_drains(&fixture::scenario(), &cmp), format!("{DRAINS_HEADER}\n"));
    }
}
