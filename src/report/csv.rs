//! `timeseries.csv`: every sample of every run, in long format.
//!
//! One header line, then one row per sample per run, runs in report order (agents in scenario
//! order, policies in scenario order). Fields are quoted as RFC 4180 says (when they hold a
//! comma, a double quote or a line break; quotes doubled); lines end with `\n`.

use crate::measures::Comparison;
use crate::scenario::Scenario;
use crate::time::SimTime;
use std::fmt::Write as _;

/// The header line (without its line break).
pub const HEADER: &str = "agent,policy,time_s,nodes_usable,nodes_with_business_pods,nodes_uncovered,nodes_agentless,agent_running,agent_pending,agent_stranded";

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
                    "{prefix},{},{},{},{},{},{},{},{}",
                    seconds(s.at),
                    s.nodes_usable,
                    s.nodes_with_business_pods,
                    s.nodes_uncovered,
                    s.nodes_agentless,
                    s.agent_running,
                    s.agent_pending,
                    s.agent_stranded
                );
            }
        }
    }
    out
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
        assert!(csv.contains("\nds-agent,\"odd, \"\"quoted\"\" | name\",60,2,2,1,1,2,0,0\n"), "{csv}");
    }

    #[test]
    fn header_and_one_row_per_sample_per_run() {
        let csv = render(&fixture::scenario(), &fixture::comparison());
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(HEADER));
        // Five runs of three samples each.
        assert_eq!(lines.count(), 15);
        assert!(csv.ends_with('\n'));
        assert!(csv.contains("\nds-agent,none,0,2,2,0,0,2,0,0\n"));
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
}
