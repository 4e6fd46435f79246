//! `report.md`: the human-readable comparison.
//!
//! Layout: a title and the scenario's vital data; the start-up problems, if any; per agent a
//! table (one row per policy, one column per measure, best values in bold with a ★), the
//! drains when the scenario has any (a summary per policy, then every drain), the contention
//! between the agent and the workloads (a table per policy, or one sentence when there was
//! none), where the agent's pods ran, each policy's effective tolerations as YAML and the
//! equivalent policies; the timeline; and a short guide to the measures.

use super::table::{
    Column, agent_columns, contention_columns, drain_columns, has_contention, has_drains, is_daemon_set,
};
use crate::measures::{
    AgentComparison, AgentEvent, AgentEventKind, Comparison, DeletionCause, DrainResult, RunOutput,
    SAMPLE_INTERVAL, StartIssue,
};
use crate::model::Toleration;
use crate::scenario::{Scenario, TimelineAction, TimelineEvent, WorkloadKind};
use crate::time::format_duration;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Most placement and deletion entries listed per run of a Deployment agent.
pub const MAX_PLACEMENTS: usize = 12;
/// Most node names listed per run of a DaemonSet agent.
pub const MAX_NODES_LISTED: usize = 20;

/// Renders `report.md`.
pub fn render(scenario: &Scenario, cmp: &Comparison) -> String {
    let mut out = String::new();
    header(&mut out, scenario);
    ignored_input(&mut out, scenario);
    start_up_problems(&mut out, cmp);
    for agent in &cmp.agents {
        agent_section(&mut out, scenario, agent);
    }
    generators(&mut out, scenario);
    timeline(&mut out, &scenario.timeline);
    guide(
        &mut out,
        cmp.agents.iter().any(|a| has_drains(scenario, a)),
        cmp.agents.iter().any(has_contention),
    );
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
    let _ = writeln!(out, "| Timeline events (spell ends included) | {} |", sc.timeline.len());
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

/// The `Ignored input` section: what the importer found in the Kubernetes objects but the
/// simulator does not model. Nothing when the list is empty.
fn ignored_input(out: &mut String, scenario: &Scenario) {
    if scenario.ignored.is_empty() {
        return;
    }
    out.push_str(
        "## Ignored input\n\n\
         The scenario was imported from Kubernetes objects that use fields the simulator does not \
         model. They were left out, so the runs treat those objects as if the fields were absent:\n\n",
    );
    for line in &scenario.ignored {
        let _ = writeln!(out, "- {}", escape(line));
    }
    out.push('\n');
}

/// The `Start-up problems` section: per agent, the runs whose cluster did not settle as the
/// scenario writes it, runs with identical lists named together. Nothing when every run
/// started cleanly.
fn start_up_problems(out: &mut String, cmp: &Comparison) {
    if cmp.agents.iter().flat_map(|a| &a.runs).all(|r| r.start_issues.is_empty()) {
        return;
    }
    out.push_str(
        "## Start-up problems\n\n\
         The cluster did not start as the scenario writes it: some pods were not running at time 0, \
         because no node could take them or because the kubelet of the node they name rejected them. \
         The affected runs measure the cluster that did start; correct the scenario (capacity, taints, \
         node selection, node names) to compare the policies on the cluster you meant.\n\n",
    );
    for agent in &cmp.agents {
        let mut groups: Vec<(&[StartIssue], Vec<String>)> = Vec::new();
        for run in agent.runs.iter().filter(|r| !r.start_issues.is_empty()) {
            let name = escape(&run.policy);
            match groups.iter_mut().find(|(issues, _)| *issues == run.start_issues.as_slice()) {
                Some((_, runs)) => runs.push(name),
                None => groups.push((&run.start_issues, vec![name])),
            }
        }
        for (issues, runs) in groups {
            let which = if runs.len() == agent.runs.len() && runs.len() > 1 {
                format!("every run ({})", join_and(&runs))
            } else if runs.len() == 1 {
                format!("run {}", runs[0])
            } else {
                format!("runs {}", join_and(&runs))
            };
            let _ = writeln!(out, "**Agent {}**, {which}:\n", escape(&agent.agent));
            for issue in issues {
                let pods = if issue.pods == 1 { "1 pod".to_string() } else { format!("{} pods", issue.pods) };
                let _ = writeln!(
                    out,
                    "- {}: {pods} not running at the start: {}",
                    escape(&issue.workload),
                    escape(issue.reason.trim())
                );
            }
            out.push('\n');
        }
    }
}

fn agent_section(out: &mut String, scenario: &Scenario, agent: &AgentComparison) {
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
             Stranded pod-time and the counters are not ranked: a DaemonSet that covers fewer nodes \
             has fewer pods to strand.\n\n",
        );
    } else {
        out.push_str(
            "Pod-time sums over agent pods. Best value per blind-spot column in **bold ★** (lower is \
             better; ties share the mark; no mark when all policies agree). Counters are not ranked.\n\n",
        );
    }

    if has_drains(scenario, agent) {
        drains_section(out, agent);
    }

    contention_section(out, agent);

    where_it_ran(out, scenario, agent);

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
    policy_table(out, agent, &agent_columns(agent));
}

/// One row per policy, one column per [`Column`]; best values in bold with a ★, a column's
/// note (if any) after the value.
fn policy_table(out: &mut String, agent: &AgentComparison, cols: &[Column]) {
    let marks: Vec<Vec<bool>> = cols.iter().map(Column::marks).collect();
    out.push_str("| Policy |");
    for c in cols {
        let _ = write!(out, " {} |", c.title);
    }
    out.push_str("\n|---|");
    for _ in cols {
        out.push_str("---:|");
    }
    out.push('\n');
    for (row, run) in agent.runs.iter().enumerate() {
        let _ = write!(out, "| {} |", escape(&run.policy));
        for (c, col) in cols.iter().enumerate() {
            let v = col.values[row].human();
            let note = match col.notes.get(row) {
                Some(Some(note)) => format!(" ({})", escape(note)),
                _ => String::new(),
            };
            if marks[c][row] {
                let _ = write!(out, " **{v} ★**{note} |");
            } else {
                let _ = write!(out, " {v}{note} |");
            }
        }
        out.push('\n');
    }
    out.push('\n');
}

/// The `Drains` subsection: the per-policy summary, then one table of drains per group of
/// policies whose drains went identically.
fn drains_section(out: &mut String, agent: &AgentComparison) {
    out.push_str("### Drains\n\n");
    policy_table(out, agent, &drain_columns(agent));
    out.push_str(
        "Best value per ranked column in **bold ★** (lower is better; ties share the mark; no mark when \
         all policies agree). Ranked: timed out, refused or failed, unfinished, the longest blocked drain \
         (its node in brackets; `none` when every drain ended cleanly, which ranks best), pods back on \
         the node",
    );
    if is_daemon_set(agent) {
        out.push_str(
            " and pods left behind. Not ranked: pods killed (a DaemonSet pod stays on its node until the node goes down, so \
             a DaemonSet that covers fewer nodes loses fewer pods), drains",
        );
    } else {
        out.push_str(", pods left behind and pods killed. Not ranked: drains");
    }
    out.push_str(
        " and completed drains (their shortfall is in the ranked outcome columns), total drain time (a \
         refused drain ends at once, so a short total can mean drains that never happened), eviction \
         attempts and PDB refusals (how hard the drainers worked, not how the drains ended).\n\n",
    );
    let mut groups: Vec<(&[DrainResult], Vec<String>)> = Vec::new();
    for run in &agent.runs {
        let name = format!("**{}**", escape(&run.policy));
        match groups.iter_mut().find(|(drains, _)| *drains == run.drains.as_slice()) {
            Some((_, names)) => names.push(name),
            None => groups.push((&run.drains, vec![name])),
        }
    }
    for (drains, names) in groups {
        if names.len() == agent.runs.len() && names.len() > 1 {
            let _ = writeln!(out, "Every policy ({}), identical drains:\n", join_and(&names));
        } else if names.len() > 1 {
            let _ = writeln!(out, "{}, identical drains:\n", join_and(&names));
        } else {
            let _ = writeln!(out, "{}:\n", names[0]);
        }
        drain_table(out, drains);
    }
}

/// The sentence the `Contention` subsection holds when no run has a contention figure above
/// zero.
pub const NO_CONTENTION: &str = "No agent pod was on a node under MemoryPressure, DiskPressure or \
     PIDPressure in any run, and the kubelet evicted no business pod beside the agent and evicted, \
     rejected or OOM-killed no agent pod.";

/// The `Contention` subsection: one row per policy with the agent's pod-time under each
/// pressure condition and what the kubelet evicted, rejected or killed; one sentence instead
/// when every figure of every run is zero.
fn contention_section(out: &mut String, agent: &AgentComparison) {
    out.push_str("### Contention\n\n");
    if !has_contention(agent) {
        let _ = writeln!(out, "{NO_CONTENTION}\n");
        return;
    }
    policy_table(out, agent, &contention_columns(agent));
    out.push_str(
        "Pod-time sums over agent pods. Best value per ranked column in **bold ★** (lower is better; \
         ties share the mark; no mark when all policies agree). Ranked: pod-time under each pressure \
         condition (the agent competed with the workloads on a starved node and was itself a \
         candidate for eviction there) and business pods evicted because of the agent (harm the agent \
         did). Not ranked: business pods evicted beside the agent (exposure, not harm: an agent on \
         more nodes is beside more evictions), and agent pods evicted, rejected at admission or \
         OOM-killed (what happened to the agent; the cost is already in the blind-spot measures, and \
         an agent kept off pressured nodes has fewer pods to lose). A policy that keeps the agent off \
         pressured nodes ranks well here, so read this next to the blind-spot table. Spell counts and \
         the longest spell are in `summary.json`.\n\n",
    );
}

/// One row per drain, in the order they started.
fn drain_table(out: &mut String, drains: &[DrainResult]) {
    if drains.is_empty() {
        out.push_str("No drain started in this run.\n\n");
        return;
    }
    out.push_str(
        "| Start | Node | Drainer | Outcome | Duration | Eviction attempts | PDB refusals | Came back \
         | Left behind | Killed |\n\
         |---:|---|---|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for d in drains {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            d.started,
            escape(&d.node),
            escape(d.drainer),
            escape(&outcome_words(d)),
            format_duration(d.duration()),
            d.eviction_attempts,
            d.pdb_refusals,
            d.came_back,
            left_behind_words(d),
            d.killed
        );
    }
    out.push('\n');
}

/// `completed`, `refused: pod-a: reason`, `timed out, 2 force-deleted`: the outcome, the
/// refusal reason when there is one and the pods deleted past the budgets.
fn outcome_words(d: &DrainResult) -> String {
    let mut text = d.outcome.as_str().to_string();
    if let Some(reason) = d.refusal.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        let _ = write!(text, ": {reason}");
    }
    if d.force_deletions > 0 {
        let _ = write!(text, ", {} force-deleted", d.force_deletions);
    }
    text
}

/// `0`, `2`, or `1 (agent among them)`.
fn left_behind_words(d: &DrainResult) -> String {
    if d.agent_left_behind {
        format!("{} (agent among them)", d.left_behind)
    } else {
        d.left_behind.to_string()
    }
}

/// The `Where the agent ran` subsection: placements and deletions of a Deployment agent's pods,
/// or the nodes a DaemonSet agent never ran on.
fn where_it_ran(out: &mut String, scenario: &Scenario, agent: &AgentComparison) {
    out.push_str("### Where the agent ran\n\n");
    if is_daemon_set(agent) {
        let nodes = scenario_node_names(scenario);
        out.push_str(
            "Nodes of the scenario (those added by the timeline included) on which no agent pod ever \
             ran during the run.\n\n",
        );
        for run in &agent.runs {
            let _ = writeln!(out, "- **{}**: {}", escape(&run.policy), never_ran_on(&nodes, &run.agent_log));
        }
    } else {
        let replicas = scenario.agents.iter().find(|a| a.name == agent.agent).map_or(1, |a| match a.kind {
            WorkloadKind::Deployment { replicas } => replicas,
            _ => 1,
        });
        out.push_str("Placements and deletions of the agent's pods, in time order.\n\n");
        for run in &agent.runs {
            let _ = writeln!(out, "- **{}**: {}", escape(&run.policy), placements(run, replicas > 1));
        }
    }
    out.push('\n');
}

/// Every node name the scenario knows: nodes at the start, then nodes added by the timeline,
/// each once, in that order.
fn scenario_node_names(scenario: &Scenario) -> Vec<&str> {
    let mut seen = BTreeSet::new();
    let added = scenario.timeline.iter().filter_map(|e| match &e.action {
        TimelineAction::AddNode(def) => Some(def.name.as_str()),
        _ => None,
    });
    scenario.nodes.iter().map(|n| n.name.as_str()).chain(added).filter(|n| seen.insert(*n)).collect()
}

/// `never ran on a, b (2 of 5 nodes)`, or that it ran on every node, from the `Started` entries
/// of `log`.
fn never_ran_on(nodes: &[&str], log: &[AgentEvent]) -> String {
    let ran: BTreeSet<&str> =
        log.iter().filter(|e| e.what == AgentEventKind::Started).filter_map(|e| e.node.as_deref()).collect();
    let never: Vec<String> = nodes.iter().filter(|n| !ran.contains(*n)).map(|n| escape(n)).collect();
    if never.is_empty() {
        return format!("ran on every node ({} of {}).", nodes.len(), nodes.len());
    }
    let listed = never.len().min(MAX_NODES_LISTED);
    let mut text = format!("never ran on {}", never[..listed].join(", "));
    if never.len() > listed {
        let _ = write!(text, " … {} more", never.len() - listed);
    }
    let _ = write!(text, " ({} of {} nodes).", never.len(), nodes.len());
    text
}

/// `00:00:00 bound to a · 08:01:00 deleted (taint eviction) · …`, at most [`MAX_PLACEMENTS`]
/// entries; pod names are shown when the Deployment has more than one replica.
fn placements(run: &RunOutput, with_pod_names: bool) -> String {
    let entries: Vec<String> = run
        .agent_log
        .iter()
        .filter_map(|e| {
            let what = match &e.what {
                AgentEventKind::Bound => format!("bound to {}", escape(e.node.as_deref().unwrap_or("?"))),
                AgentEventKind::Deleted(cause) => format!("deleted ({})", cause_words(*cause)),
                _ => return None,
            };
            Some(if with_pod_names {
                format!("{} {} {what}", e.at, escape(&e.pod))
            } else {
                format!("{} {what}", e.at)
            })
        })
        .collect();
    if entries.is_empty() {
        return "no agent pod was ever bound to a node.".to_string();
    }
    let listed = entries.len().min(MAX_PLACEMENTS);
    let mut text = entries[..listed].join(" · ");
    if entries.len() > listed {
        let _ = write!(text, " · … {} more", entries.len() - listed);
    }
    text
}

fn cause_words(cause: DeletionCause) -> &'static str {
    match cause {
        DeletionCause::TaintEviction => "taint eviction",
        DeletionCause::DaemonSet => "DaemonSet controller",
        DeletionCause::GarbageCollection => "node deleted, garbage collected",
        DeletionCause::Eviction => "evicted by a drain",
        DeletionCause::ForceDeletion => "force-deleted by a drain",
        DeletionCause::KubeletEviction => "evicted by the kubelet (node pressure)",
        DeletionCause::KubeletAdmission => "rejected by the kubelet (node pressure)",
    }
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
        TimelineAction::UsageSpike { workload, resource, amount, .. } => match workload {
            Some(w) => format!("pods of {} use {} more {}", escape(w), amount, resource.as_str()),
            None => format!("the node uses {} more {} outside its pods", amount, resource.as_str()),
        },
        TimelineAction::UsageSpikeEnd { workload, resource, .. } => match workload {
            Some(w) => format!("{} spike of {} ends", resource.as_str(), escape(w)),
            None => format!("{} spike outside pods ends", resource.as_str()),
        },
        TimelineAction::InjectCondition { condition, status, .. } => {
            format!("{} set to {} (injected)", condition.as_str(), if *status { "True" } else { "False" })
        }
        TimelineAction::AddNode(def) => {
            if def.taints.is_empty() {
                "node registers".into()
            } else {
                let taints: Vec<String> = def.taints.iter().map(|t| escape(&t.to_string())).collect();
                format!("node registers with taints {}", taints.join(", "))
            }
        }
        TimelineAction::RemoveNode { .. } => "node object deleted".into(),
        TimelineAction::Drain { drain, .. } if drain.interruption => format!(
            "spot interruption: drained by {} on a {} notice, lost when it runs out, back {} later",
            drain.drainer.as_str(),
            drain.timeout.map_or("0s".to_string(), format_duration),
            format_duration(drain.down_for)
        ),
        TimelineAction::Drain { drain, .. } => {
            let limit = drain.timeout.map_or("no limit".to_string(), format_duration);
            format!(
                "drained by {} ({limit}), then down for {}",
                drain.drainer.as_str(),
                format_duration(drain.down_for)
            )
        }
    }
}

fn generators(out: &mut String, sc: &Scenario) {
    if sc.generators.is_empty() {
        return;
    }
    out.push_str(
        "## Generators\n\nEvents drawn from the seed before the runs, the same for every policy; they are \
         part of the timeline below (`taintsim run --dump-timeline` lists each with its source). An \
         occurrence is skipped when its node (for an outage, every node of the zone) is already \
         disrupted then; an outage counts once however many nodes it took.\n\n\
         | Generator | Kind | Generated | Skipped | Parameters |\n|---|---|---:|---:|---|\n",
    );
    for (g, tally) in &sc.generators {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            escape(&g.name),
            g.kind.as_str(),
            tally.occurrences,
            tally.skipped,
            escape(&g.describe())
        );
    }
    out.push('\n');
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

fn guide(out: &mut String, with_drains: bool, with_contention: bool) {
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
         - **Agent-less node-time** (DaemonSet agents): the time usable nodes that the agent's node \
         selector and required node affinity admit spent running no agent pod, whatever else runs \
         there (control-plane and idle nodes included), summed over nodes; gaps and the longest \
         gap as for uncovered node-time.\n\
         - **Stranded agent pod-time**: the time agent pods spent bound to a node that was down, \
         NotReady or deleted without being deleted itself, summed over pods. Such a pod holds \
         its place (its controller does not replace it) but reports nothing. It is ranked for \
         Deployment agents only: a DaemonSet that covers fewer nodes has fewer pods that can be \
         stranded, so a best mark there would reward lower coverage. Read it next to the \
         uncovered and agent-less node-time.\n\
         - **Under-replicated time** (Deployment agents): how long fewer agent pods ran than the \
         desired replica count, and in how many spells. **No-replica time**: how long none ran.\n\
         - Spells still open at the end of the run are closed at the horizon and counted.\n\
         - Counters: *taint evictions* are agent pods deleted by the taint-eviction controller, \
         *DaemonSet deletions* agent pods the DaemonSet controller deleted for an untolerated \
         NoExecute taint, *scheduling failures* scheduling attempts of agent pods that found no \
         feasible node. They explain the measures and are not ranked. When a node gains a \
         NoExecute taint the agent does not tolerate, both the taint-eviction controller and the \
         DaemonSet controller delete its agent pod at that same instant; the taint-eviction \
         controller acts first, so such a deletion counts as a taint eviction, and DaemonSet \
         deletions stay at 0 in that case.\n\
         - *Where the agent ran* lists, for a Deployment agent, when its pods were bound to which \
         node and when they were deleted, and for a DaemonSet agent the nodes on which no agent \
         pod ever ran.\n\
         - *Effective tolerations* are what the agent pods really carry: the policy's tolerations \
         plus those the DaemonSet controller and the DefaultTolerationSeconds admission plugin \
         add. Policies listed as equivalent give identical runs.\n\
         - The seed fixes the scheduler's tie-breaks, so with another seed a single-replica agent \
         can land on another node and meet other timeline events; its measures can then change a \
         lot. Run a few seeds (`taintsim run SCENARIO --seed N`) before drawing conclusions.\n",
    );
    if with_drains {
        out.push_str(
            "\n\
             **Drains.** Each Drain event of the timeline starts one drain (none when its node is \
             already down or being drained). It lasts from its start until its drainer is done with \
             the node; a drain still going at the end of the run is closed at the horizon and counted \
             as *unfinished*. It is *completed* when every pod the drainer waits for is gone; *timed \
             out* when the drainer's limit ran out first (kubectl then keeps the node, uncordoned; the \
             other drainers take it down anyway, Karpenter after deleting the pods still there \
             directly, past their budgets: *force-deleted*); *refused* when a pod made the drainer \
             decline the node before evicting anything (kubectl's filters, cluster-autoscaler's \
             drainability rules; the reason names the pods); *failed* when an eviction got an error \
             other than 429 and kubectl gave up. A drain is *blocked* when it did not complete, or \
             completed with pods left behind; the longest blocked drain is the longest of those. \
             *Eviction attempts* count the Eviction API requests the drainer sent, *PDB refusals* \
             those answered 429 because a PodDisruptionBudget allowed no disruption. *Came back* \
             counts pods (DaemonSet and static pods aside) bound to the node after the drain \
             started; *left behind* the pods (DaemonSet, static and terminating pods aside) still on \
             the node when the drain ended, noting when the agent under test was one of them; \
             *killed* the pods of any kind still on the node, and not being deleted, when it went \
             down for maintenance (0 when the drain kept the node); it is ranked for Deployment \
             agents only, for the reason stranded pod-time is.\n",
        );
    }
    if with_contention {
        out.push_str(
            "\n\
             **Contention.** The kubelet of each usable node runs a housekeeping pass every 10 s: it \
             derives the memory and disk signals from what the pods really use, reports \
             MemoryPressure or DiskPressure while an eviction threshold of that signal is met and for \
             the pressure transition period after (the timeline can also set a condition directly, \
             PIDPressure included, without evicting anything), and once a threshold has been met for \
             its grace period (at once for the default hard thresholds) evicts one pod per pass. \
             *Pod-time under MemoryPressure* (DiskPressure, PIDPressure) is the time agent \
             pods spent bound to a node whose condition was True, summed over pods, whether their \
             containers ran or not. A *business pod evicted beside the agent* is a business pod the \
             kubelet evicted from a node on which a pod of the agent under test was running at that \
             moment. Such an eviction is *caused by the agent* when, at the eviction, the pressured \
             signal recomputed without the agent pods' use is on the safe side of every threshold \
             for that signal: without the agent's use, that signal would not have called for an \
             eviction. *Agent pods \
             evicted* are agent pods the kubelet evicted for node pressure (they end Failed and \
             their controller replaces them, a DaemonSet after its back-off); *rejected at \
             admission* are agent pods the kubelet refused on a node under pressure (they end Failed \
             too); an *OOM kill* is an agent container killed for using more memory than its \
             limit: the pod stays on its node and the kubelet restarts the container after the \
             restart back-off, so each OOM kill is one container restart.\n",
        );
    }
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

    fn event(secs: u64, pod: &str, node: Option<&str>, what: AgentEventKind) -> AgentEvent {
        AgentEvent {
            at: crate::time::SimTime::from_secs(secs),
            pod: pod.into(),
            node: node.map(str::to_string),
            what,
        }
    }

    fn issue(workload: &str, pods: u32, reason: &str) -> StartIssue {
        StartIssue { workload: workload.into(), pods, reason: reason.into() }
    }

    #[test]
    fn settings_count_timeline_events_with_spell_ends() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        assert!(md.contains("| Timeline events (spell ends included) | 5 |"), "{md}");
    }

    #[test]
    fn stranded_time_is_not_starred_for_daemon_sets_and_the_guide_says_why() {
        let mut cmp = fixture::comparison();
        cmp.agents[0].runs[0].blind_spots.stranded_agents.total = std::time::Duration::from_secs(60);
        cmp.agents[1].runs[0].blind_spots.stranded_agents.total = std::time::Duration::from_secs(60);
        let md = render(&fixture::scenario(), &cmp);
        let dep_row = section(&md, "## Agent dep-agent").lines().find(|l| l.starts_with("| none |")).unwrap();
        assert!(dep_row.contains("**0s ★**"), "{dep_row}");
        let ds_row = md.lines().find(|l| l.starts_with("| none |")).unwrap();
        assert!(ds_row.contains("| 1m |"), "{ds_row}");
        assert!(md.contains("Stranded pod-time and the counters are not ranked"), "{md}");
        assert!(md.contains("a best mark there would reward lower coverage"), "{md}");
    }

    #[test]
    fn agentless_columns_follow_the_uncovered_ones() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        assert!(
            md.contains(
                "| Policy | Uncovered node-time | Uncovered gaps | Longest uncovered gap | Agent-less node-time \
                 | Agent-less gaps | Longest agent-less gap | Stranded agent pod-time |"
            ),
            "{md}"
        );
        assert!(md.contains("**Agent-less node-time** (DaemonSet agents)"));
    }

    #[test]
    fn the_guide_attributes_simultaneous_deletions_to_taint_eviction() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        assert!(md.contains(
            "the taint-eviction controller acts first, so such a deletion counts as a taint eviction"
        ));
        assert!(md.contains("--seed N"));
    }

    #[test]
    fn no_start_up_section_when_every_run_started_cleanly() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        assert!(!md.contains("Start-up problems"), "{md}");
    }

    #[test]
    fn identical_start_up_problems_are_stated_once_naming_the_runs() {
        let mut cmp = fixture::comparison();
        let common = vec![
            issue("web", 2, "0/2 nodes are available: 2 Insufficient cpu."),
            issue("pinned", 1, "kubelet on node-a rejected it: Insufficient memory"),
        ];
        for run in &mut cmp.agents[0].runs {
            run.start_issues = common.clone();
        }
        cmp.agents[1].runs[1].start_issues = vec![issue("web", 1, "no | node")];
        let md = render(&fixture::scenario(), &cmp);
        let section: String = md
            .split("## Start-up problems")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("a start-up section")
            .to_string();
        assert!(
            section.contains(
                "**Agent ds-agent**, every run (none, catch-all and odd, \"quoted\" \\| name):\n\n\
                 - web: 2 pods not running at the start: 0/2 nodes are available: 2 Insufficient cpu.\n\
                 - pinned: 1 pod not running at the start: kubelet on node-a rejected it: Insufficient memory\n"
            ),
            "{section}"
        );
        assert_eq!(section.matches("**Agent ds-agent**").count(), 1, "{section}");
        assert!(section.contains(
            "**Agent dep-agent**, run catch-all:\n\n- web: 1 pod not running at the start: no \\| node\n"
        ));
        assert!(md.find("## Start-up problems").unwrap() < md.find("## Agent ds-agent").unwrap());
    }

    #[test]
    fn runs_with_different_problems_are_listed_apart() {
        let mut cmp = fixture::comparison();
        cmp.agents[0].runs[0].start_issues = vec![issue("web", 1, "a")];
        cmp.agents[0].runs[1].start_issues = vec![issue("web", 2, "a")];
        cmp.agents[0].runs[2].start_issues = vec![issue("web", 1, "a")];
        let md = render(&fixture::scenario(), &cmp);
        assert!(md.contains("**Agent ds-agent**, runs none and odd, \"quoted\" \\| name:\n"), "{md}");
        assert!(md.contains("**Agent ds-agent**, run catch-all:\n\n- web: 2 pods"), "{md}");
    }

    #[test]
    fn deployment_placements_are_listed_in_order_and_capped() {
        let mut cmp = fixture::comparison();
        let mut log = vec![
            event(0, "dep-agent-1", None, AgentEventKind::Created),
            event(0, "dep-agent-1", Some("node-b"), AgentEventKind::Bound),
            event(0, "dep-agent-1", Some("node-b"), AgentEventKind::Started),
            event(481, "dep-agent-1", Some("node-b"), AgentEventKind::Deleted(DeletionCause::TaintEviction)),
            event(481, "dep-agent-2", Some("node-a"), AgentEventKind::Bound),
        ];
        cmp.agents[1].runs[0].agent_log = log.clone();
        for i in 0..20 {
            log.push(event(1000 + i, "dep-agent-2", Some("node-a"), AgentEventKind::Bound));
        }
        cmp.agents[1].runs[1].agent_log = log;
        let md = render(&fixture::scenario(), &cmp);
        // Two replicas: pod names are shown.
        assert!(
            md.contains(
                "- **none**: 00:00:00 dep-agent-1 bound to node-b · 00:08:01 dep-agent-1 deleted (taint eviction) \
                 · 00:08:01 dep-agent-2 bound to node-a\n"
            ),
            "{md}"
        );
        let capped = md.lines().find(|l| l.starts_with("- **catch-all**: 00:00:00")).unwrap();
        assert_eq!(capped.matches(" · ").count(), MAX_PLACEMENTS);
        assert!(capped.ends_with(&format!("· … {} more", 23 - MAX_PLACEMENTS)), "{capped}");

        // A single replica: no pod names.
        let mut sc = fixture::scenario();
        sc.agents[1].kind = WorkloadKind::Deployment { replicas: 1 };
        let md = render(&sc, &cmp);
        assert!(
            md.contains("- **none**: 00:00:00 bound to node-b · 00:08:01 deleted (taint eviction) · "),
            "{md}"
        );
    }

    #[test]
    fn daemon_set_lists_the_nodes_it_never_ran_on() {
        let mut sc = fixture::scenario();
        let mut added = sc.nodes[0].clone();
        added.name = "node-c".into();
        sc.timeline.push(crate::scenario::TimelineEvent {
            target: crate::scenario::NodeTarget::Named,
            at: crate::time::SimTime::from_secs(2000),
            action: TimelineAction::AddNode(added),
        });
        let mut cmp = fixture::comparison();
        cmp.agents[0].runs[0].agent_log = vec![
            event(0, "ds-agent-node-a", Some("node-a"), AgentEventKind::Bound),
            event(0, "ds-agent-node-a", Some("node-a"), AgentEventKind::Started),
            // Bound but never started: the node did not run it.
            event(0, "ds-agent-node-b", Some("node-b"), AgentEventKind::Bound),
        ];
        cmp.agents[0].runs[1].agent_log = ["node-a", "node-b", "node-c"]
            .iter()
            .map(|n| event(0, &format!("ds-agent-{n}"), Some(n), AgentEventKind::Started))
            .collect();
        let md = render(&sc, &cmp);
        assert!(md.contains("- **none**: never ran on node-b, node-c (2 of 3 nodes).\n"), "{md}");
        assert!(md.contains("- **catch-all**: ran on every node (3 of 3).\n"), "{md}");

        let names: Vec<String> = (0..30).map(|i| format!("n{i:02}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let line = never_ran_on(&refs, &[]);
        assert!(line.ends_with("n19 … 10 more (30 of 30 nodes)."), "{line}");
    }

    /// The text from `heading` to the next heading of the same or a higher level.
    fn section<'a>(md: &'a str, heading: &str) -> &'a str {
        let level = heading.chars().take_while(|&c| c == '#').count();
        let start = md.find(heading).unwrap_or_else(|| panic!("no {heading}"));
        let rest = &md[start + heading.len()..];
        let end = rest
            .match_indices("\n#")
            .find(|(i, _)| rest[i + 1..].chars().take_while(|&c| c == '#').count() <= level)
            .map_or(rest.len(), |(i, _)| i + 1);
        &md[start..start + heading.len() + end]
    }

    #[test]
    fn renders_byte_identical_twice() {
        let a = render(&fixture::scenario(), &fixture::comparison());
        let b = render(&fixture::scenario(), &fixture::comparison());
        assert_eq!(a.as_bytes(), b.as_bytes());
    }

    #[test]
    fn the_drain_section_of_a_deployment_agent_renders_exactly() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let agent = section(&md, "## Agent dep-agent");
        let drains = section(agent, "### Drains");
        let expected = "### Drains\n\
\n\
| Policy | Drains | Completed | Timed out | Refused or failed | Unfinished | Longest blocked drain | Total drain time | Eviction attempts | PDB refusals | Pods back on the node | Pods left behind | Pods killed at node down |\n\
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n\
| none | 2 | 1 | 0 | 1 | **0 ★** | **0s ★** (node-b) | 1m | 1 | 0 | **0 ★** | **0 ★** | 0 |\n\
| catch-all | 2 | 1 | 0 | **0 ★** | 1 | 20m (node-a) | 20m45s | 11 | 7 | 1 | 1 | 0 |\n\
\n\
Best value per ranked column in **bold ★** (lower is better; ties share the mark; no mark when all policies agree). Ranked: timed out, refused or failed, unfinished, the longest blocked drain (its node in brackets; `none` when every drain ended cleanly, which ranks best), pods back on the node, pods left behind and pods killed. Not ranked: drains and completed drains (their shortfall is in the ranked outcome columns), total drain time (a refused drain ends at once, so a short total can mean drains that never happened), eviction attempts and PDB refusals (how hard the drainers worked, not how the drains ended).\n\
\n\
**none**:\n\
\n\
| Start | Node | Drainer | Outcome | Duration | Eviction attempts | PDB refusals | Came back | Left behind | Killed |\n\
|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n\
| 00:20:00 | node-b | kubectl | refused: web-0: pod with local storage \\| emptyDir | 0s | 0 | 0 | 0 | 0 | 0 |\n\
| 00:40:00 | node-a | karpenter | completed | 1m | 1 | 0 | 0 | 0 | 0 |\n\
\n\
**catch-all**:\n\
\n\
| Start | Node | Drainer | Outcome | Duration | Eviction attempts | PDB refusals | Came back | Left behind | Killed |\n\
|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n\
| 00:20:00 | node-b | kubectl | completed | 45s | 2 | 0 | 1 | 1 (agent among them) | 0 |\n\
| 00:40:00 | node-a | karpenter | unfinished, 2 force-deleted | 20m | 9 | 7 | 0 | 0 | 0 |\n\
\n";
        assert_eq!(drains, expected);
        // The drains come right after the comparison table, before where the agent ran.
        assert!(agent.find("### Drains").unwrap() < agent.find("### Where the agent ran").unwrap());
        assert!(agent.find("| Policy | Under-replicated time").unwrap() < agent.find("### Drains").unwrap());
    }

    #[test]
    fn drain_marks_follow_the_ranking_rules() {
        let mut cmp = fixture::comparison();
        // Pods killed differ on both agents: ranked for the Deployment agent only.
        cmp.agents[0].runs[1].drains[1].killed = 0;
        cmp.agents[1].runs[0].drains[1].killed = 3;
        let md = render(&fixture::scenario(), &cmp);
        fn row<'a>(text: &'a str, name: &str) -> &'a str {
            text.lines().find(|l| l.starts_with(&format!("| {name} |"))).unwrap()
        }
        let ds = section(section(&md, "## Agent ds-agent"), "### Drains");
        // Drains and completed (2 vs 1), attempts (3 vs 6) and budget refusals are never marked;
        // timed out, longest blocked, came back and left behind are; killed is not (DaemonSet).
        assert_eq!(
            row(ds, "none"),
            "| none | 2 | 2 | **0 ★** | 0 | 0 | **none ★** | 1m30s | 3 | 0 | **0 ★** | **0 ★** | 1 |"
        );
        assert_eq!(
            row(ds, "catch-all"),
            "| catch-all | 2 | 1 | 1 | 0 | 0 | 10m (node-b) | 11m | 6 | 4 | 1 | 1 | 0 |"
        );
        assert_eq!(
            row(ds, "odd, \"quoted\" \\| name"),
            "| odd, \"quoted\" \\| name | 2 | 2 | **0 ★** | 0 | 0 | **none ★** | 1m30s | 3 | 0 | **0 ★** | **0 ★** | 1 |"
        );
        assert!(ds.contains("Not ranked: pods killed (a DaemonSet pod stays on its node"), "{ds}");
        let dep = section(section(&md, "## Agent dep-agent"), "### Drains");
        assert!(row(dep, "none").ends_with("| **0 ★** | **0 ★** | 3 |"), "{}", row(dep, "none"));
        assert!(row(dep, "catch-all").ends_with("| 1 | 1 | **0 ★** |"), "{}", row(dep, "catch-all"));
        // A refused drain of 0s is blocked: it beats a longer blocked drain, loses to none.
        assert!(row(dep, "none").contains("| **0s ★** (node-b) |"));
    }

    #[test]
    fn policies_with_identical_drains_share_one_table() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let ds = section(section(&md, "## Agent ds-agent"), "### Drains");
        assert!(ds.contains("\n**none** and **odd, \"quoted\" \\| name**, identical drains:\n"), "{ds}");
        assert!(ds.contains("\n**catch-all**:\n"), "{ds}");
        assert_eq!(ds.matches("| Start | Node |").count(), 2, "{ds}");

        let mut cmp = fixture::comparison();
        let same = cmp.agents[0].runs[0].drains.clone();
        for run in &mut cmp.agents[0].runs {
            run.drains = same.clone();
        }
        let md = render(&fixture::scenario(), &cmp);
        let ds = section(section(&md, "## Agent ds-agent"), "### Drains");
        assert!(
            ds.contains("\nEvery policy (**none**, **catch-all** and **odd, \"quoted\" \\| name**), identical drains:\n"),
            "{ds}"
        );
        assert_eq!(ds.matches("| Start | Node |").count(), 1, "{ds}");
        // All policies agree: nothing is marked.
        assert!(ds.lines().filter(|l| l.starts_with("| ")).all(|l| !l.contains('★')), "{ds}");
    }

    #[test]
    fn a_run_without_drains_says_so() {
        let mut cmp = fixture::comparison();
        cmp.agents[1].runs[1].drains.clear();
        let md = render(&fixture::scenario(), &cmp);
        let dep = section(section(&md, "## Agent dep-agent"), "### Drains");
        assert!(
            dep.contains("\n| catch-all | 0 | 0 | 0 | **0 ★** | 0 | **none ★** | 0s | 0 | 0 | 0 | 0 | 0 |\n"),
            "{dep}"
        );
        assert!(dep.contains("**catch-all**:\n\nNo drain started in this run.\n"), "{dep}");
    }

    #[test]
    fn no_drain_section_or_guide_paragraph_without_drains() {
        let mut sc = fixture::scenario();
        sc.timeline.retain(|e| !matches!(e.action, TimelineAction::Drain { .. }));
        let mut cmp = fixture::comparison();
        for run in cmp.agents.iter_mut().flat_map(|a| a.runs.iter_mut()) {
            run.drains.clear();
        }
        let md = render(&sc, &cmp);
        assert!(!md.contains("### Drains"), "{md}");
        assert!(!md.contains("**Drains.**"), "{md}");
        // Drains in the runs alone are enough to show the section.
        let md = render(&sc, &fixture::comparison());
        assert_eq!(md.matches("### Drains").count(), 2);
    }

    #[test]
    fn the_guide_defines_every_drain_figure() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let guide = section(&md, "## How to read this");
        let para = guide.split("**Drains.**").nth(1).expect("a drain paragraph");
        for term in [
            "*unfinished*",
            "*completed*",
            "*timed out*",
            "*force-deleted*",
            "*refused*",
            "*failed*",
            "*blocked*",
            "*Eviction attempts*",
            "*PDB refusals*",
            "*Came back*",
            "*left behind*",
            "*killed*",
        ] {
            assert!(para.contains(term), "{term} is not defined: {para}");
        }
    }

    #[test]
    fn the_contention_section_of_a_daemon_set_agent_renders_exactly() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let agent = section(&md, "## Agent ds-agent");
        let contention = section(agent, "### Contention");
        let expected = "### Contention\n\
\n\
| Policy | Pod-time under MemoryPressure | Pod-time under DiskPressure | Pod-time under PIDPressure | Business pods evicted beside the agent | Of those, caused by the agent | Agent pods evicted | Agent pods rejected at admission | Agent OOM kills (container restarts) |\n\
|---|---:|---:|---:|---:|---:|---:|---:|---:|\n\
| none | **10m ★** | **0s ★** | 0s | 3 | **1 ★** | 0 | 0 | 1 |\n\
| catch-all | 20m | 5m | 0s | 4 | 2 | 2 | 1 | 3 |\n\
| odd, \"quoted\" \\| name | **10m ★** | **0s ★** | 0s | 3 | **1 ★** | 0 | 0 | 1 |\n\
\n\
Pod-time sums over agent pods. Best value per ranked column in **bold ★** (lower is better; ties share the mark; no mark when all policies agree). Ranked: pod-time under each pressure condition (the agent competed with the workloads on a starved node and was itself a candidate for eviction there) and business pods evicted because of the agent (harm the agent did). Not ranked: business pods evicted beside the agent (exposure, not harm: an agent on more nodes is beside more evictions), and agent pods evicted, rejected at admission or OOM-killed (what happened to the agent; the cost is already in the blind-spot measures, and an agent kept off pressured nodes has fewer pods to lose). A policy that keeps the agent off pressured nodes ranks well here, so read this next to the blind-spot table. Spell counts and the longest spell are in `summary.json`.\n\
\n";
        assert_eq!(contention, expected);
        // After the drains, before where the agent ran.
        assert!(agent.find("### Drains").unwrap() < agent.find("### Contention").unwrap());
        assert!(agent.find("### Contention").unwrap() < agent.find("### Where the agent ran").unwrap());
    }

    #[test]
    fn contention_marks_skip_the_unranked_columns() {
        let mut cmp = fixture::comparison();
        // The tricky policy now has the fewest evictions beside the agent, agent evictions,
        // rejections and OOM kills: none of those columns is marked.
        let c = &mut cmp.agents[0].runs[2].contention;
        c.business_evictions_beside_agent = 0;
        c.business_evictions_caused_by_agent = 0;
        c.agent_oom_kills = 0;
        cmp.agents[0].runs[0].contention.agent_admission_rejections = 2;
        cmp.agents[0].runs[0].contention.pid_pressure.total = std::time::Duration::from_secs(30);
        let md = render(&fixture::scenario(), &cmp);
        let contention = section(section(&md, "## Agent ds-agent"), "### Contention");
        let row = |name: &str| contention.lines().find(|l| l.starts_with(&format!("| {name} |"))).unwrap();
        assert_eq!(row("none"), "| none | **10m ★** | **0s ★** | 30s | 3 | 1 | 0 | 2 | 1 |");
        assert_eq!(row("catch-all"), "| catch-all | 20m | 5m | **0s ★** | 4 | 2 | 2 | 1 | 3 |");
        assert_eq!(
            row("odd, \"quoted\" \\| name"),
            "| odd, \"quoted\" \\| name | **10m ★** | **0s ★** | **0s ★** | 0 | **0 ★** | 0 | 0 | 0 |"
        );
    }

    #[test]
    fn without_contention_one_sentence_says_so() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let dep = section(section(&md, "## Agent dep-agent"), "### Contention");
        assert_eq!(dep, format!("### Contention\n\n{NO_CONTENTION}\n\n"));
        assert!(NO_CONTENTION.starts_with("No agent pod was on a node under MemoryPressure"));
        // Without drains, the subsection follows the comparison table.
        let mut sc = fixture::scenario();
        sc.timeline.retain(|e| !matches!(e.action, TimelineAction::Drain { .. }));
        let mut cmp = fixture::comparison();
        for run in cmp.agents.iter_mut().flat_map(|a| a.runs.iter_mut()) {
            run.drains.clear();
            run.contention = Default::default();
        }
        let md = render(&sc, &cmp);
        assert_eq!(md.matches(NO_CONTENTION).count(), 2, "{md}");
        assert!(!md.contains("| Policy | Pod-time under MemoryPressure"), "{md}");
        let agent = section(&md, "## Agent ds-agent");
        let table_end = agent.find("Stranded pod-time and the counters are not ranked").unwrap();
        assert!(table_end < agent.find("### Contention").unwrap());
        // No guide paragraph either.
        assert!(!md.contains("**Contention.**"), "{md}");
    }

    #[test]
    fn the_guide_defines_every_contention_figure() {
        let md = render(&fixture::scenario(), &fixture::comparison());
        let guide = section(&md, "## How to read this");
        let para = guide.split("**Contention.**").nth(1).expect("a contention paragraph");
        for term in [
            "*Pod-time under MemoryPressure*",
            "*business pod evicted beside the agent*",
            "*caused by the agent*",
            "*Agent pods evicted*",
            "*rejected at admission*",
            "*OOM kill*",
        ] {
            assert!(para.contains(term), "{term} is not defined: {para}");
        }
        assert!(
            para.contains(
                "the pressured signal recomputed without the agent pods' use is on the safe side of every \
                 threshold for that signal"
            ),
            "{para}"
        );
        assert!(para.contains("each OOM kill is one container restart"), "{para}");
    }

    #[test]
    fn a_render_with_contention_is_byte_identical_twice() {
        let mut cmp = fixture::comparison();
        cmp.agents[1].runs[0].contention.agent_oom_kills = 4;
        let a = render(&fixture::scenario(), &cmp);
        let b = render(&fixture::scenario(), &cmp);
        assert_eq!(a.as_bytes(), b.as_bytes());
        assert_eq!(a.matches("### Contention").count(), 2);
        assert!(!a.contains(NO_CONTENTION), "both agents have a table now");
    }
}
