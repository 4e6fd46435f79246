//! The comparison tables for the terminal: plain text, columns aligned, best values marked `*`.
//! Per agent, the measures table, then (when the scenario has drains) a compact drain table,
//! then (when some run has a non-zero contention figure) a compact contention table.

use super::table::{
    Column, agent_columns, console_drain_columns, contention_columns, has_contention, has_drains,
};
use crate::measures::Comparison;
use crate::scenario::Scenario;
use crate::time::format_duration;
use std::fmt::Write as _;

/// Renders one table per agent, preceded by a one-line scenario summary and followed by a
/// legend.
pub fn render(scenario: &Scenario, cmp: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scenario {}: Kubernetes {}, seed {}, horizon {}, {} node{}",
        one_line(&scenario.name),
        scenario.kubernetes_version,
        scenario.seed,
        format_duration(scenario.horizon),
        scenario.nodes.len(),
        if scenario.nodes.len() == 1 { "" } else { "s" }
    );
    let mut any_drains = false;
    let mut any_contention = false;
    for agent in &cmp.agents {
        let _ = writeln!(out, "\n{} ({})", one_line(&agent.agent), agent.kind);
        if agent.runs.is_empty() {
            out.push_str("  no policy applies to this agent\n");
            continue;
        }
        let cols = agent_columns(agent);
        let names: Vec<String> = agent.runs.iter().map(|r| one_line(&r.policy)).collect();
        table(&mut out, &names, &cols);
        for group in &agent.equivalent {
            let names: Vec<String> = group.iter().map(|n| one_line(n)).collect();
            let _ = writeln!(out, "  equivalent: {}", names.join(" = "));
        }
        if has_drains(scenario, agent) {
            any_drains = true;
            out.push_str("  drains\n");
            table(&mut out, &names, &console_drain_columns(agent));
        }
        if has_contention(agent) {
            any_contention = true;
            out.push_str("  contention\n");
            table(&mut out, &names, &contention_columns(agent));
        }
    }
    out.push_str(
        "\n* best value in a ranked column (lower is better; ties share the mark); counters are not \
         ranked, nor is stranded for DaemonSet agents (fewer nodes covered, fewer pods to strand)\n",
    );
    if any_drains {
        out.push_str(
            "  drains: refused counts refused or failed drains; longest-blocked is the longest drain that \
             timed out, was refused or failed, is unfinished or left pods behind (none ranks best); \
             left-behind and killed count pods; drains and completed are not ranked, nor is killed for \
             DaemonSet agents\n",
        );
    }
    if any_contention {
        out.push_str(
            "  contention: mem-, disk- and pid-pressure are agent pod-time on nodes under MemoryPressure, \
             DiskPressure and PIDPressure; evicted-beside counts business pods the kubelet evicted next to \
             a running agent pod, caused those that would not have been evicted without the agent's use; \
             agent-evicted, rejected (at admission) and oom-kills (each a container restart) count agent \
             pods; only the pressure times and caused are ranked\n",
        );
    }
    out
}

fn one_line(text: &str) -> String {
    text.replace(['\n', '\r', '\t'], " ")
}

fn width(text: &str) -> usize {
    text.chars().count()
}

fn table(out: &mut String, names: &[String], cols: &[Column]) {
    let policy_w = names.iter().map(|n| width(n)).chain([width("policy")]).max().unwrap_or(0);
    let cells: Vec<Vec<String>> = cols.iter().map(|c| c.values.iter().map(|v| v.human()).collect()).collect();
    let marks: Vec<Vec<bool>> = cols.iter().map(Column::marks).collect();
    // Each column is its header and values right-aligned, plus one place for the mark.
    let widths: Vec<usize> = cols
        .iter()
        .zip(&cells)
        .map(|(c, vals)| vals.iter().map(|v| width(v)).chain([width(c.short)]).max().unwrap_or(0) + 1)
        .collect();
    let mut line = format!("  {:<policy_w$}", "policy");
    for (c, w) in cols.iter().zip(&widths) {
        let w = w - 1;
        let _ = write!(line, "  {:>w$} ", c.short);
    }
    let _ = writeln!(out, "{}", line.trim_end());
    let rule: usize = policy_w + widths.iter().map(|w| w + 2).sum::<usize>();
    let _ = writeln!(out, "  {}", "-".repeat(rule));
    for (row, name) in names.iter().enumerate() {
        let pad = policy_w.saturating_sub(width(name));
        let mut line = format!("  {name}{}", " ".repeat(pad));
        for c in 0..cols.len() {
            let mark = if marks[c][row] { '*' } else { ' ' };
            let w = widths[c] - 1;
            let _ = write!(line, "  {:>w$}{mark}", cells[c][row]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn columns_line_up_and_best_values_are_starred() {
        let text = render(&fixture::scenario(), &fixture::comparison());
        let lines: Vec<&str> = text.lines().collect();
        let head =
            lines.iter().position(|l| l.starts_with("  policy ") && l.contains(" uncovered ")).unwrap();
        let header = lines[head];
        let catch_all = lines[head + 3];
        assert!(catch_all.trim_start().starts_with("catch-all"));
        // Values end where their header ends; marks sit one past it.
        let end = header.find("uncovered").unwrap() + "uncovered".len();
        assert_eq!(&catch_all[end - 5..end + 1], "1m30s*");
        assert!(text.contains("equivalent: none = odd, \"quoted\" | name"));
        // Agent-less node-time sits next to uncovered node-time.
        let agentless = header.find(" agentless ").unwrap();
        assert!(agentless > end, "{header}");
        assert!(header[end..agentless].contains("longest"), "{header}");
    }

    #[test]
    fn stranded_time_of_a_daemon_set_is_never_starred() {
        let mut cmp = fixture::comparison();
        cmp.agents[0].runs[0].blind_spots.stranded_agents.total = std::time::Duration::ZERO;
        let text = render(&fixture::scenario(), &cmp);
        let lines: Vec<&str> = text.lines().collect();
        let head = lines.iter().position(|l| l.contains(" stranded ")).unwrap();
        let end = lines[head].find("stranded").unwrap() + "stranded".len();
        for row in &lines[head + 2..head + 5] {
            assert_eq!(&row[end..end + 1], " ", "{row}");
        }
        assert!(text.contains("nor is stranded for DaemonSet agents"), "{text}");
    }

    #[test]
    fn each_agent_has_a_compact_drain_table_with_marks() {
        let text = render(&fixture::scenario(), &fixture::comparison());
        let lines: Vec<&str> = text.lines().collect();
        let heads: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.starts_with("  policy ") && l.contains(" longest-blocked "))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(heads.len(), 2, "{text}");
        let header: Vec<&str> = lines[heads[0]].split_whitespace().collect();
        assert_eq!(
            header,
            [
                "policy",
                "drains",
                "completed",
                "timed-out",
                "refused",
                "longest-blocked",
                "left-behind",
                "killed"
            ]
        );
        assert_eq!(lines[heads[0] - 1], "  drains");
        // The DaemonSet agent's rows: none and the tricky policy are best; killed is not ranked.
        let row: Vec<&str> = lines[heads[0] + 2].split_whitespace().collect();
        assert_eq!(row, ["none", "2", "2", "0*", "0", "none*", "0*", "1"]);
        let row: Vec<&str> = lines[heads[0] + 3].split_whitespace().collect();
        assert_eq!(row, ["catch-all", "2", "1", "1", "0", "10m", "1", "1"]);
        // The Deployment agent's: a refused drain ranks on refused, not on longest-blocked.
        let row: Vec<&str> = lines[heads[1] + 2].split_whitespace().collect();
        assert_eq!(row, ["none", "2", "1", "0", "1", "0s*", "0*", "0"]);
        let row: Vec<&str> = lines[heads[1] + 3].split_whitespace().collect();
        assert_eq!(row, ["catch-all", "2", "1", "0", "0*", "20m", "1", "0"]);
        // Values end under their header.
        let header = lines[heads[1]];
        let end = header.find("longest-blocked").unwrap() + "longest-blocked".len();
        assert_eq!(&lines[heads[1] + 3][end - 3..end + 1], "20m ");
        assert!(text.contains("nor is killed for DaemonSet agents"), "{text}");
    }

    #[test]
    fn no_drain_table_without_drains() {
        let mut sc = fixture::scenario();
        sc.timeline.retain(|e| !matches!(e.action, crate::scenario::TimelineAction::Drain { .. }));
        let mut cmp = fixture::comparison();
        for run in cmp.agents.iter_mut().flat_map(|a| a.runs.iter_mut()) {
            run.drains.clear();
        }
        let text = render(&sc, &cmp);
        assert!(!text.contains("longest-blocked"), "{text}");
        assert!(!text.contains("  drains"), "{text}");
    }

    /// The lines of the table under the `  contention` line of the `nth` agent that has one.
    fn contention_table(text: &str, nth: usize) -> Vec<&str> {
        let lines: Vec<&str> = text.lines().collect();
        let start = lines.iter().enumerate().filter(|(_, l)| **l == "  contention").nth(nth).unwrap().0;
        lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("  ") && **l != "  contention")
            .copied()
            .collect()
    }

    #[test]
    fn an_agent_with_contention_has_a_compact_table_with_marks() {
        let text = render(&fixture::scenario(), &fixture::comparison());
        assert_eq!(text.matches("\n  contention\n").count(), 1, "{text}");
        let lines = contention_table(&text, 0);
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(
            header,
            [
                "policy",
                "mem-pressure",
                "disk-pressure",
                "pid-pressure",
                "evicted-beside",
                "caused",
                "agent-evicted",
                "rejected",
                "oom-kills"
            ]
        );
        // Pressure times and caused are ranked; the others are not, whatever their values.
        let row: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(row, ["none", "10m*", "0s*", "0s", "3", "1*", "0", "0", "1"]);
        let row: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(row, ["catch-all", "20m", "5m", "0s", "4", "2", "2", "1", "3"]);
        assert!(lines[4].starts_with("  odd, \"quoted\" | name "), "{}", lines[4]);
        assert_eq!(lines.len(), 5, "{lines:#?}");
        // It follows the DaemonSet agent's drain table, before the Deployment agent.
        let at = text.find("  contention\n").unwrap();
        assert!(text.find("  drains\n").unwrap() < at);
        assert!(at < text.find("dep-agent (Deployment)").unwrap());
        // Values end under their header.
        let end = lines[0].find("mem-pressure").unwrap() + "mem-pressure".len();
        assert_eq!(&lines[3][end - 3..end + 1], "20m ");
        assert!(text.contains("oom-kills (each a container restart)"), "{text}");
    }

    #[test]
    fn no_contention_table_or_legend_when_every_figure_is_zero() {
        let mut cmp = fixture::comparison();
        for run in cmp.agents.iter_mut().flat_map(|a| a.runs.iter_mut()) {
            run.contention = Default::default();
        }
        let text = render(&fixture::scenario(), &cmp);
        assert!(!text.contains("contention"), "{text}");
        assert!(!text.contains("mem-pressure"), "{text}");
        // One non-zero figure in one run is enough.
        cmp.agents[1].runs[1].contention.agent_admission_rejections = 1;
        let text = render(&fixture::scenario(), &cmp);
        let lines = contention_table(&text, 0);
        let row: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(row, ["catch-all", "0s", "0s", "0s", "0", "0", "0", "1", "0"]);
    }

    #[test]
    fn the_header_counts_one_node_in_the_singular() {
        let mut sc = fixture::scenario();
        sc.nodes.truncate(1);
        let text = render(&sc, &fixture::comparison());
        let first = text.lines().next().unwrap();
        assert!(first.ends_with(", 1 node"), "{first}");
        let mut sc = fixture::scenario();
        sc.nodes.extend(sc.nodes.clone());
        let text = render(&sc, &fixture::comparison());
        assert!(text.lines().next().unwrap().ends_with(&format!(", {} nodes", sc.nodes.len())));
    }

    #[test]
    fn renders_byte_identical_twice() {
        let a = render(&fixture::scenario(), &fixture::comparison());
        let b = render(&fixture::scenario(), &fixture::comparison());
        assert_eq!(a.as_bytes(), b.as_bytes());
    }
}
