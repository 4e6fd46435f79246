//! `report.md`: the human-readable comparison.
//!
//! Layout: a title and the scenario's vital data; per agent a table (one row per policy, one
//! column per measure, best values in bold with a ★), each policy's effective tolerations as
//! YAML and the equivalent policies; the timeline; and a short guide to the measures.

use super::table::{Column, agent_columns, is_daemon_set};
use crate::measures::{AgentComparison, Comparison, SAMPLE_INTERVAL};
use crate::model::Toleration;
use crate::scenario::{Scenario, TimelineAction, TimelineEvent, WorkloadKind};
use crate::time::format_duration;
use std::fmt::Write as _;

/// Renders `report.md`.
pub fn render(scenario: &Scenario, cmp: &Comparison) -> String {
    let mut out = String::new();
    header(&mut out, scenario);
    for agent in &cmp.agents {
        agent_section(&mut out, agent);
    }
    timeline(&mut out, &scenario.timeline);
    guide(&mut out);
    out
}

/// Escapes text for Markdown inline contexts, table cells included: ASCII punctuation that
/// Markdown or tables give a meaning gets a backslash, and line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Keeps an already escaped line from starting a list, a heading underline or a quote: a
/// leading `-`, `+`, `=` or an ordered-list number (`1.`, `2)`) gets a backslash.
fn escape_line_start(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if line.starts_with(['-', '+', '=']) {
        format!("\\{line}")
    } else if digits > 0
        && line[digits..].starts_with(['.', ')'])
        && line[digits + 1..].chars().next().is_none_or(char::is_whitespace)
    {
        format!("{}\\{}", &line[..digits], &line[digits..])
    } else {
        line.to_string()
    }
}

fn header(out: &mut String, sc: &Scenario) {
    let _ = writeln!(out, "# taintsim report: {}\n", escape(&sc.name));
    for line in sc.description.trim().lines() {
        let _ = writeln!(out, "{}", escape_line_start(&escape(line.trim())));
    }
    if !sc.description.trim().is_empty() {
        out.push('\n');
    }
    out.push_str("| Setting | Value |\n|---|---|\n");
    let _ = writeln!(out, "| Kubernetes version | {} |", sc.kubernetes_version);
    let _ = writeln!(out, "| Seed | {} |", sc.seed);
    let _ = writeln!(out, "| Horizon | {} |", format_duration(sc.horizon));
    let _ = writeln!(out, "| Nodes at start | {} |", sc.nodes.len());
    let _ = writeln!(out, "| Timeline events | {} |", sc.timeline.len());
    let _ = writeln!(out, "| Sample interval | {} |", format_duration(SAMPLE_INTERVAL));
    out.push_str("\n**Agents**\n\n");
    if sc.agents.is_empty() {
        out.push_str("None.\n");
    }
    for a in &sc.agents {
        let kind = match a.kind {
            WorkloadKind::Deployment { replicas: 1 } => "Deployment, 1 replica".to_string(),
            WorkloadKind::Deployment { replicas } => format!("Deployment, {replicas} replicas"),
            ref k => k.label().to_string(),
        };
        let _ = writeln!(out, "- {} ({kind}, namespace {})", escape(&a.name), escape(&a.namespace));
    }
    out.push_str("\n**Policies**\n\n");
    if sc.policies.is_empty() {
        out.push_str("None.\n");
    }
    for p in &sc.policies {
        let _ = write!(out, "- {}", escape(&p.name));
        if !p.description.trim().is_empty() {
            let _ = write!(out, ": {}", escape(p.description.trim()));
        }
        if !p.applies_to.is_empty() {
            let names: Vec<String> = p.applies_to.iter().map(|a| escape(a)).collect();
            let _ = write!(out, " (only for {})", names.join(", "));
        }
        out.push('\n');
    }
    out.push('\n');
}

fn agent_section(out: &mut String, agent: &AgentComparison) {
    let _ = writeln!(out, "## Agent {} ({})\n", escape(&agent.agent), escape(agent.kind));
    if agent.runs.is_empty() {
        out.push_str("No policy applies to this agent.\n\n");
        return;
    }
    comparison_table(out, agent);
    if is_daemon_set(agent) {
        out.push_str(
            "Node-time sums over nodes, pod-time over agent pods. Best value per blind-spot column in \
             **bold ★** (lower is better; ties share the mark; no mark when all policies agree). \
             Counters are not ranked.\n\n",
        );
    } else {
        out.push_str(
            "Pod-time sums over agent pods. Best value per blind-spot column in **bold ★** (lower is \
             better; ties share the mark; no mark when all policies agree). Counters are not ranked.\n\n",
        );
    }

    out.push_str("### Effective tolerations\n\n");
    out.push_str("After the DaemonSet controller's additions and admission (DefaultTolerationSeconds).\n\n");
    for run in &agent.runs {
        let _ = writeln!(out, "**{}**\n", escape(&run.policy));
        code_block(out, "yaml", &tolerations_yaml(&run.effective_tolerations));
    }

    out.push_str("### Equivalent policies\n\n");
    if agent.equivalent.is_empty() {
        out.push_str("No two policies are equivalent for this agent.\n\n");
    }
    for group in &agent.equivalent {
        let names: Vec<String> = group.iter().map(|n| escape(n)).collect();
        let _ = writeln!(
            out,
            "- Policies {} are equivalent for this agent: their effective tolerations treat every taint \
             this scenario can produce identically, so their runs are identical.",
            join_and(&names)
        );
    }
    if !agent.equivalent.is_empty() {
        out.push('\n');
    }
}

fn comparison_table(out: &mut String, agent: &AgentComparison) {
    let cols = agent_columns(agent);
    let marks: Vec<Vec<bool>> = cols.iter().map(Column::marks).collect();
    out.push_str("| Policy |");
    for c in &cols {
        let _ = write!(out, " {} |", c.title);
    }
    out.push_str("\n|---|");
    for _ in &cols {
        out.push_str("---:|");
    }
    out.push('\n');
    for (row, run) in agent.runs.iter().enumerate() {
        let _ = write!(out, "| {} |", escape(&run.policy));
        for (c, col) in cols.iter().enumerate() {
            let v = col.values[row].human();
            if marks[c][row] {
                let _ = write!(out, " **{v} ★** |");
            } else {
                let _ = write!(out, " {v} |");
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A fenced code block whose fence is longer than any backtick run in `body`.
fn code_block(out: &mut String, lang: &str, body: &str) {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(out, "{fence}{lang}\n{body}{fence}\n");
}

/// Tolerations as a YAML block sequence of flow mappings, one line each, with Kubernetes field
/// names in Kubernetes order; `[]` when empty. Ends with a newline.
pub fn tolerations_yaml(tolerations: &[Toleration]) -> String {
    if tolerations.is_empty() {
        return "[]\n".to_string();
    }
    let mut out = String::new();
    for t in tolerations {
        let value = serde_json::to_value(t).expect("a toleration always serializes");
        let fields: Vec<String> = match value {
            serde_json::Value::Object(map) => {
                map.iter().map(|(k, v)| format!("{k}: {}", yaml_scalar(v))).collect()
            }
            other => vec![yaml_scalar(&other)],
        };
        let _ = writeln!(out, "- {{{}}}", fields.join(", "));
    }
    out
}

/// A YAML scalar: plain when that cannot be misread, otherwise double-quoted (JSON string
/// syntax is valid YAML).
fn yaml_scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => {
            let plain_chars =
                s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'));
            let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            let reserved = matches!(
                s.to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
            );
            if plain_chars && first_ok && !reserved { s.clone() } else { v.to_string() }
        }
        other => other.to_string(),
    }
}

/// One line describing a timeline action, Markdown-escaped.
fn describe(action: &TimelineAction) -> String {
    match action {
        TimelineAction::AddTaint { taint, .. } => format!("taint {} added", escape(&taint.to_string())),
        TimelineAction::RemoveTaint { key, effect, .. } => {
            format!("taint {}:{} removed", escape(key), effect)
        }
        TimelineAction::Cordon { .. } => "cordoned".into(),
        TimelineAction::Uncordon { .. } => "uncordoned".into(),
        TimelineAction::NodeSilent { .. } => "goes silent (no heartbeats, pods stop)".into(),
        TimelineAction::NodeBack { .. } => "back (reachable, kubelet Ready)".into(),
        TimelineAction::KubeletNotReady { .. } => "kubelet reports NotReady".into(),
        TimelineAction::KubeletReady { .. } => "kubelet reports Ready again".into(),
        TimelineAction::AddNode(def) => {
            if def.taints.is_empty() {
                "node registers".into()
            } else {
                let taints: Vec<String> = def.taints.iter().map(|t| escape(&t.to_string())).collect();
                format!("node registers with taints {}", taints.join(", "))
            }
        }
        TimelineAction::RemoveNode { .. } => "node object deleted".into(),
    }
}

fn timeline(out: &mut String, events: &[TimelineEvent]) {
    out.push_str("## Timeline\n\n");
    if events.is_empty() {
        out.push_str("The timeline is empty: nothing scripted happens to the nodes.\n\n");
        return;
    }
    out.push_str("| Time | Node | Event |\n|---:|---|---|\n");
    for e in events {
        let _ = writeln!(out, "| {} | {} | {} |", e.at, escape(&e.node_label()), describe(&e.action));
    }
    out.push('\n');
}

fn guide(out: &mut String) {
    out.push_str(
        "## How to read this\n\
         \n\
         Every policy is simulated once per agent, with the same seed, nodes, workloads and \
         timeline; only the agent's tolerations differ. All measures are taken on what really \
         ran, not on what the API showed, and lower is better for each of them.\n\
         \n\
         - An agent pod *runs* from the moment its containers have started on a usable node (up, \
         kubelet Ready) until it stops: it is deleted (it stops reporting at SIGTERM), its node \
         goes down or NotReady, or its Node object is deleted.\n\
         - **Uncovered node-time** (DaemonSet agents): the time nodes spent usable and running \
         business pods while running no agent pod, summed over nodes. A *gap* is one unbroken \
         uncovered spell of one node; the longest gap is the worst single spell.\n\
         - **Stranded agent pod-time**: the time agent pods spent bound to a node that was down, \
         NotReady or deleted without being deleted itself, summed over pods. Such a pod holds \
         its place (its controller does not replace it) but reports nothing.\n\
         - **Under-replicated time** (Deployment agents): how long fewer agent pods ran than the \
         desired replica count, and in how many spells. **No-replica time**: how long none ran.\n\
         - Spells still open at the end of the run are closed at the horizon and counted.\n\
         - Counters: *taint evictions* are agent pods deleted by the taint-eviction controller, \
         *DaemonSet deletions* agent pods the DaemonSet controller deleted for an untolerated \
         NoExecute taint, *scheduling failures* scheduling attempts of agent pods that found no \
         feasible node. They explain the measures and are not ranked.\n\
         - *Effective tolerations* are what the agent pods really carry: the policy's tolerations \
         plus those the DaemonSet controller and the DefaultTolerationSeconds admission plugin \
         add. Policies listed as equivalent give identical runs.\n",
    );
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{self, TRICKY};
    use super::*;

    #[test]
    fn pipes_in_names_are_escaped() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        assert!(md.contains("# taintsim report: demo \\| test"));
        let row = md.lines().find(|l| l.starts_with("| odd")).expect("a row for the tricky policy");
        assert!(row.starts_with("| odd, \"quoted\" \\| name |"), "{row}");
        assert!(!md.contains(TRICKY), "the raw name must not appear unescaped");
        // Every table row of the DaemonSet table has the same number of unescaped pipes.
        let table: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.starts_with("| Policy | Uncovered"))
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(table.len(), 5);
        let pipes = |l: &str| l.replace("\\|", "").matches('|').count();
        assert!(table.iter().all(|l| pipes(l) == pipes(table[0])), "{table:#?}");
    }

    #[test]
    fn best_values_are_bold_with_a_star_and_ties_share_it() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let row =
            |name: &str| md.lines().find(|l| l.starts_with(&format!("| {name} |"))).unwrap().to_string();
        // Uncovered node-time: catch-all and the tricky policy tie at 1m30s.
        assert!(row("catch-all").contains("| **1m30s ★** |"));
        assert!(row("odd, \"quoted\" \\| name").contains("| **1m30s ★** |"));
        assert!(row("none").starts_with("| none | 40m |"));
        // Stranded time is 5m everywhere: no mark.
        assert!(!md.contains("**5m ★**"));
        assert!(md.contains("- Policies none and odd, \"quoted\" \\| name are equivalent"));
    }

    #[test]
    fn description_lines_cannot_start_lists() {
        assert_eq!(escape_line_start("- not a list"), "\\- not a list");
        assert_eq!(escape_line_start("12. not a list"), "12\\. not a list");
        assert_eq!(escape_line_start("1.35 is a version"), "1.35 is a version");
        let mut sc = fixture::scenario();
        sc.description = "Intro\n- dash\n3) three".into();
        let md = render(&sc, &fixture::comparison());
        assert!(md.contains("\nIntro\n\\- dash\n3\\) three\n"), "{md}");
    }

    #[test]
    fn tolerations_render_as_yaml_with_kubernetes_names() {
        let tols = vec![
            Toleration::exists("", None),
            Toleration::exists_for(
                "node.kubernetes.io/unreachable",
                crate::model::TaintEffect::NoExecute,
                300,
            ),
            Toleration { key: "k".into(), value: "true".into(), ..Default::default() },
        ];
        assert_eq!(
            tolerations_yaml(&tols),
            "- {operator: Exists}\n\
             - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300}\n\
             - {key: k, value: \"true\"}\n"
        );
        assert_eq!(tolerations_yaml(&[]), "[]\n");
    }
}
