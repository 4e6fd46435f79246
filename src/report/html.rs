//! `index.html`: one self-contained page for a design review.
//!
//! The page holds a generated summary of what changed between policies, the comparison tables,
//! the charts as inline SVG, the scenario's parameters and timeline, and every policy's
//! tolerations as Kubernetes YAML. Styles are inline CSS; there is no script and no reference
//! to anything outside the file, so it opens the same offline. Every text that comes from the
//! input (names, descriptions, reasons) goes through [`escape`].
//!
//! Like the charts, the page is drawn from [`ReportData`] (the saved report files read back),
//! so `taintsim chart` writes the same page as `taintsim run`.

use super::charts::Chart;
use super::charts::data::{AgentInfo, EventInfo, ReportData, RunInfo, TaintInfo};
use super::table::{Column, RunFigures, Value, contention_columns_of, drain_columns_of, measure_columns};
use crate::measures::Contention;
use crate::model::Toleration;
use crate::time::format_duration;
use std::fmt::Write as _;
use std::time::Duration;

/// File name of the page.
pub const INDEX_HTML: &str = "index.html";

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; color: #1a1a1a; background: #fff;
       max-width: 1180px; margin: 0 auto; padding: 16px 24px 48px; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.35em; border-bottom: 2px solid #0072b2; padding-bottom: 4px; margin-top: 2em; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
p.lead { color: #444; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.9em; }
th, td { border: 1px solid #c8c8c8; padding: 4px 8px; text-align: right; vertical-align: top; }
th { background: #eef3f8; }
td.name, th.name { text-align: left; }
td.best { font-weight: bold; background: #e3f1ea; }
td.text { text-align: left; }
figure { margin: 16px 0 28px; }
figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #444; font-size: 0.9em; margin-top: 4px; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 8px 12px; font-size: 0.88em; overflow-x: auto; }
ul.changes li { margin-bottom: 6px; }
.note { color: #555; font-size: 0.88em; }
nav a { margin-right: 14px; }
";

/// Renders the page.
pub fn render(data: &ReportData, charts: &[Chart]) -> String {
    let sc = &data.summary.scenario;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<link rel=\"icon\" href=\"data:,\">\n");
    let _ = writeln!(out, "<title>taintsim: {}</title>", escape(&sc.name));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>Toleration policies compared: {}</h1>", escape(&sc.name));
    if !sc.description.is_empty() {
        let _ = writeln!(out, "<p class=\"lead\">{}</p>", escape(&sc.description));
    }
    let _ = writeln!(
        out,
        "<p>Kubernetes {}, seed {}, {} simulated, {} node{} at the start, {} polic{}, {} agent{}.</p>",
        escape(&sc.kubernetes_version),
        sc.seed,
        format_duration(sc.horizon),
        sc.node_count,
        if sc.node_count == 1 { "" } else { "s" },
        sc.policies.len(),
        if sc.policies.len() == 1 { "y" } else { "ies" },
        data.summary.agents.len(),
        if data.summary.agents.len() == 1 { "" } else { "s" }
    );
    out.push_str(
        "<nav><a href=\"#changes\">What changed</a><a href=\"#charts\">Charts</a><a href=\"#tables\">Tables</a>\
         <a href=\"#scenario\">Scenario</a><a href=\"#policies\">Policies</a></nav>\n",
    );

    out.push_str("<h2 id=\"changes\">What changed between policies</h2>\n");
    out.push_str(
        "<p class=\"note\">Generated from the numbers below. Lower is better for every measure. \
         One seed is one draw of the scheduler's tie-breaks; compare a few seeds before concluding.</p>\n",
    );
    for agent in &data.summary.agents {
        changes(&mut out, data, agent);
    }

    out.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for chart in charts {
        let _ = writeln!(out, "<figure id=\"{}\">", chart.stem);
        // Screen readers announce the chart by its title.
        let labelled = format!("<svg role=\"img\" aria-label=\"{}\" ", escape(chart.title));
        out.push_str(&svg_body(&chart.svg).replacen("<svg ", &labelled, 1));
        let _ = writeln!(
            out,
            "\n<figcaption><strong>{}.</strong> {} Also as <a href=\"{stem}.svg\">{stem}.svg</a> and \
             <a href=\"{stem}.png\">{stem}.png</a>.</figcaption>\n</figure>",
            escape(chart.title),
            escape(chart.caption),
            stem = chart.stem
        );
    }

    out.push_str("<h2 id=\"tables\">Comparison tables</h2>\n");
    out.push_str(
        "<p class=\"note\">Bold cells are the best value of a ranked column (ties share it). Times are \
         summed over nodes (node-time) or agent pods (pod-time) where the column says so.</p>\n",
    );
    for agent in &data.summary.agents {
        tables(&mut out, data, agent);
    }

    out.push_str("<h2 id=\"scenario\">Scenario</h2>\n");
    scenario_section(&mut out, data);

    out.push_str("<h2 id=\"policies\">Policies</h2>\n");
    policies_section(&mut out, data);

    out.push_str("</body>\n</html>\n");
    out
}

/// The `<svg>` element of an SVG document, without an XML declaration.
fn svg_body(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(i) => svg[i..].trim_end(),
        None => svg.trim_end(),
    }
}

/// The comparison tables of one agent, as `report.md` and the console build them: the
/// blind-spot and counter columns, the drain columns (when the scenario drains or a run
/// drained) and the contention columns (when some run has a contention figure).
fn column_groups(data: &ReportData, agent: &AgentInfo) -> Vec<(&'static str, Vec<Column>)> {
    let runs: Vec<RunFigures> = agent.runs.iter().map(RunInfo::figures).collect();
    let daemon_set = agent.is_daemon_set();
    let mut groups = vec![("Blind spots", measure_columns(daemon_set, &runs))];
    let drains = data.summary.scenario.timeline.iter().any(|e| e.action == "Drain")
        || runs.iter().any(|r| r.drains.drains > 0);
    if drains {
        groups.push(("Drains", drain_columns_of(daemon_set, &runs)));
    }
    if runs.iter().any(|r| r.contention != Contention::default()) {
        groups
            .push(("Contention (evictions by the kubelet for node pressure)", contention_columns_of(&runs)));
    }
    groups
}

/// Names of runs, joined for prose.
fn names(agent: &AgentInfo, idx: &[usize]) -> String {
    let names: Vec<String> =
        idx.iter().map(|&i| format!("<em>{}</em>", escape(&agent.runs[i].policy))).collect();
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// A column's title as it reads on its own in the summary.
fn measure_name(col: &Column) -> &'static str {
    match col.short {
        "caused" => "Business pods evicted because of the agent",
        _ => col.title,
    }
}

/// A column's value in one row, with its note (the node of the longest blocked drain).
fn cell(col: &Column, row: usize) -> String {
    match col.notes.get(row) {
        Some(Some(note)) => format!("{} ({})", col.values[row].human(), escape(note)),
        _ => col.values[row].human(),
    }
}

fn changes(out: &mut String, data: &ReportData, agent: &AgentInfo) {
    let _ =
        writeln!(out, "<h3>{} ({})</h3>\n<ul class=\"changes\">", escape(&agent.name), escape(&agent.kind));
    if agent.runs.len() < 2 {
        out.push_str("<li>Only one policy applies to this agent: nothing to compare.</li>\n</ul>\n");
        return;
    }
    // Tally, per run, the ranked columns on which it holds the best mark.
    let mut wins = vec![0usize; agent.runs.len()];
    let mut differing = 0;
    let mut same = Vec::new();
    let mut lines = Vec::new();
    for (_, cols) in column_groups(data, agent) {
        for col in cols.iter().filter(|c| c.ranked) {
            let marks = col.marks();
            if !marks.contains(&true) {
                same.push(format!("{} ({})", measure_name(col), col.values[0].human()));
                continue;
            }
            differing += 1;
            for (i, marked) in marks.iter().enumerate() {
                if *marked {
                    wins[i] += 1;
                }
            }
            let mut distinct: Vec<Value> = col.values.clone();
            distinct.sort();
            distinct.dedup();
            let groups: Vec<String> = distinct
                .iter()
                .map(|v| {
                    let idx: Vec<usize> = (0..col.values.len()).filter(|&i| col.values[i] == *v).collect();
                    format!("{} under {}", escape(&cell(col, idx[0])), names(agent, &idx))
                })
                .collect();
            lines.push(format!(
                "<li><strong>{}</strong>: {}.</li>",
                escape(measure_name(col)),
                groups.join("; ")
            ));
        }
    }
    if differing > 0 {
        let top = *wins.iter().max().unwrap_or(&0);
        let leaders: Vec<usize> = (0..wins.len()).filter(|&i| wins[i] == top).collect();
        let _ = writeln!(
            out,
            "<li>{} {} best on {top} of the {differing} ranked measures on which the policies differ.</li>",
            names(agent, &leaders),
            if leaders.len() == 1 { "is" } else { "are each" }
        );
        let mut others: Vec<usize> = (0..wins.len()).filter(|&i| wins[i] > 0 && wins[i] < top).collect();
        others.sort_by_key(|&i| std::cmp::Reverse(wins[i]));
        for i in others {
            let _ = writeln!(out, "<li>{} is best on {} of them.</li>", names(agent, &[i]), wins[i]);
        }
    } else {
        out.push_str("<li>Every ranked measure is the same under every policy.</li>\n");
    }
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    if !same.is_empty() && differing > 0 {
        let _ = writeln!(out, "<li>The same under every policy: {}.</li>", escape(&same.join(", ")));
    }
    for group in &agent.equivalent_policies {
        let idx: Vec<usize> =
            group.iter().filter_map(|p| agent.runs.iter().position(|r| &r.policy == p)).collect();
        let _ = writeln!(
            out,
            "<li>{} treat every taint this scenario can produce alike, so their runs are identical.</li>",
            names(agent, &idx)
        );
    }
    let stranded: Vec<Duration> = agent.runs.iter().map(|r| r.blind_spots.stranded_agents.total).collect();
    if agent.is_daemon_set() && stranded.iter().any(|v| *v != stranded[0]) {
        let worst = stranded.iter().max().copied().unwrap_or_default();
        let idx: Vec<usize> = (0..stranded.len()).filter(|&i| stranded[i] == worst).collect();
        let _ = writeln!(
            out,
            "<li>Agent pods stay stranded on dead nodes longest under {} ({}); not ranked for a DaemonSet, \
             since a DaemonSet that covers fewer nodes has fewer pods to strand.</li>",
            names(agent, &idx),
            format_duration(worst)
        );
    }
    for (i, run) in agent.runs.iter().enumerate() {
        if !run.start_issues.is_empty() {
            let _ = writeln!(
                out,
                "<li>Under {}, {} workload(s) did not start as the scenario writes them: see the start-up problems \
                 in report.md before comparing.</li>",
                names(agent, &[i]),
                run.start_issues.len()
            );
        }
    }
    out.push_str("</ul>\n");
}

/// One table per column group; the best values of ranked columns (the cells `report.md` marks
/// with a ★) in bold.
fn tables(out: &mut String, data: &ReportData, agent: &AgentInfo) {
    let _ = writeln!(out, "<h3>{} ({})</h3>", escape(&agent.name), escape(&agent.kind));
    for (caption, cols) in column_groups(data, agent) {
        let _ = writeln!(
            out,
            "<table>\n<caption class=\"note\">{}</caption>\n<tr><th class=\"name\">policy</th>",
            escape(caption)
        );
        for c in &cols {
            let rank = if c.ranked { "ranked" } else { "not ranked" };
            let _ = write!(out, "<th title=\"{rank}\">{}</th>", escape(c.title));
        }
        out.push_str("</tr>\n");
        let marks: Vec<Vec<bool>> = cols.iter().map(Column::marks).collect();
        for (i, run) in agent.runs.iter().enumerate() {
            let _ = write!(out, "<tr><td class=\"name\">{}</td>", escape(&run.policy));
            for (c, col) in cols.iter().enumerate() {
                let class = if marks[c][i] { " class=\"best\"" } else { "" };
                let _ = write!(out, "<td{class}>{}</td>", escape(&cell(col, i)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
}

/// A taint as `key=value:Effect`, escaped.
fn taint_text(t: &TaintInfo) -> String {
    let value = t.value.as_deref().map(|v| format!("={v}")).unwrap_or_default();
    format!("{}{}:{}", escape(&t.key), escape(&value), escape(&t.effect))
}

fn event_detail(e: &EventInfo) -> String {
    let mut parts = Vec::new();
    if let Some(w) = &e.node_of {
        parts.push(format!("node of {}", escape(w)));
    }
    if let Some(t) = &e.taint {
        parts.push(format!("taint {}", taint_text(t)));
    }
    if let Some(ts) = e.taints.as_ref().filter(|ts| !ts.is_empty()) {
        let list: Vec<String> = ts.iter().map(taint_text).collect();
        parts.push(format!("taints {}", list.join(", ")));
    }
    if let Some(d) = &e.drain {
        if d.spot_interruption {
            let notice = d
                .timeout
                .map_or_else(|| "no notice".to_string(), |t| format!("{} notice", format_duration(t)));
            parts.push(format!(
                "spot interruption: {} drain, {notice}, down {}",
                escape(&d.drainer),
                format_duration(d.down_for)
            ));
        } else {
            let timeout =
                d.timeout.map_or_else(|| "no limit".to_string(), |t| format!("limit {}", format_duration(t)));
            parts.push(format!(
                "{} drain, {timeout}, down {}",
                escape(&d.drainer),
                format_duration(d.down_for)
            ));
        }
    }
    if let Some(resource) = &e.resource {
        let whose = e
            .workload
            .as_ref()
            .map_or_else(|| "outside pods".to_string(), |w| format!("per pod of {}", escape(w)));
        let amount = e.amount.as_deref().map(escape).unwrap_or_default();
        let ends = if e.action == "UsageSpikeEnd" { "ends: " } else { "" };
        parts.push(format!("{ends}{amount} more {} {whose}", escape(resource)));
    }
    if let Some(condition) = &e.condition {
        let status = match e.status {
            Some(true) => "set",
            Some(false) => "cleared",
            None => "changed",
        };
        parts.push(format!("{} {status}", escape(condition)));
    }
    parts.join("; ")
}

fn scenario_section(out: &mut String, data: &ReportData) {
    let sc = &data.summary.scenario;
    out.push_str("<table>\n");
    let rows = [
        ("name", escape(&sc.name)),
        ("Kubernetes version", escape(&sc.kubernetes_version)),
        ("seed", sc.seed.to_string()),
        ("horizon (simulated)", format_duration(sc.horizon)),
        ("time series interval", format_duration(sc.sample_interval)),
        ("nodes at the start", sc.node_count.to_string()),
        ("timeline events", sc.timeline.len().to_string()),
    ];
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th class=\"name\">{k}</th><td class=\"text\">{v}</td></tr>");
    }
    out.push_str("</table>\n<h3>Agents</h3>\n<table>\n<tr><th class=\"name\">agent</th><th class=\"name\">namespace</th>\
                  <th class=\"name\">kind</th><th>replicas</th><th>priority</th></tr>\n");
    for a in &sc.agents {
        let class = if a.priority_class_name.is_empty() {
            String::new()
        } else {
            format!(" ({})", escape(&a.priority_class_name))
        };
        let _ = writeln!(
            out,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td><td>{}</td>\
             <td>{}{class}</td></tr>",
            escape(&a.name),
            escape(&a.namespace),
            escape(&a.kind),
            a.replicas.map_or_else(|| "–".to_string(), |r| r.to_string()),
            a.priority
        );
    }
    out.push_str("</table>\n");
    if !sc.node_groups.is_empty() {
        out.push_str(
            "<h3>Nodes at the start, by taints</h3>\n<table>\n<tr><th>nodes</th><th class=\"name\">taints</th>\
             <th class=\"name\">cordoned</th><th class=\"name\">first of them</th></tr>\n",
        );
        for g in &sc.node_groups {
            let taints: Vec<String> = g.taints.iter().map(taint_text).collect();
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td></tr>",
                g.count,
                if taints.is_empty() { "none".to_string() } else { taints.join("<br>") },
                if g.unschedulable { "yes" } else { "no" },
                escape(&g.first_node)
            );
        }
        out.push_str("</table>\n");
    }
    generators_section(out, data);
    if !sc.ignored.is_empty() {
        out.push_str(
            "<h3 id=\"ignored\">Ignored input</h3>\n<p class=\"note\">The scenario was imported from \
             Kubernetes objects that use fields the simulator does not model; the runs treat those objects \
             as if the fields were absent.</p>\n<ul>\n",
        );
        for line in &sc.ignored {
            let _ = writeln!(out, "<li>{}</li>", escape(line));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h3>Timeline</h3>\n");
    if sc.timeline.is_empty() {
        out.push_str("<p>No scripted events.</p>\n");
        return;
    }
    out.push_str(
        "<table>\n<tr><th>at</th><th class=\"name\">event</th><th class=\"name\">node</th>\
         <th class=\"name\">details</th></tr>\n",
    );
    for e in &sc.timeline {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"text\">{}</td></tr>",
            e.at,
            escape(&e.action),
            escape(&e.node),
            event_detail(e)
        );
    }
    out.push_str("</table>\n");
}

/// The scenario's generators: what each draws and how many events it added.
fn generators_section(out: &mut String, data: &ReportData) {
    let gens = &data.summary.scenario.generators;
    out.push_str("<h3 id=\"generators\">Generators</h3>\n");
    if gens.is_empty() {
        out.push_str("<p>No generators: the timeline is as the scenario writes it.</p>\n");
        return;
    }
    out.push_str(
        "<p class=\"note\">Generators draw events from the seed and add them to the timeline below; \
         skipped draws found no node to act on.</p>\n<table>\n<tr><th class=\"name\">generator</th>\
         <th class=\"name\">kind</th><th class=\"name\">parameters</th><th>occurrences</th><th>skipped</th></tr>\n",
    );
    for g in gens {
        let _ = writeln!(
            out,
            "<tr><td class=\"name\">{}</td><td class=\"name\">{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&g.name),
            escape(&g.kind),
            escape(&g.parameters),
            g.occurrences,
            g.skipped
        );
    }
    out.push_str("</table>\n");
}

/// A YAML scalar: plain when that reads back as the same string, double-quoted otherwise.
pub fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "inf" | "nan"
        );
    if plain { s.to_string() } else { serde_json::to_string(s).expect("a string serializes") }
}

/// Tolerations as the `tolerations:` field of a pod spec.
pub fn tolerations_yaml(tolerations: &[Toleration]) -> String {
    if tolerations.is_empty() {
        return "tolerations: []\n".into();
    }
    let mut out = String::from("tolerations:\n");
    for t in tolerations {
        let mut fields: Vec<String> = Vec::new();
        if !t.key.is_empty() {
            fields.push(format!("key: {}", yaml_scalar(&t.key)));
        }
        if !t.operator.is_unset() {
            fields.push(format!("operator: {}", yaml_scalar(t.operator.as_str())));
        }
        if !t.value.is_empty() {
            fields.push(format!("value: {}", yaml_scalar(&t.value)));
        }
        if let Some(e) = t.effect {
            fields.push(format!("effect: {}", e.as_str()));
        }
        if let Some(s) = t.toleration_seconds {
            fields.push(format!("tolerationSeconds: {s}"));
        }
        if fields.is_empty() {
            out.push_str("- {}\n");
            continue;
        }
        for (i, f) in fields.iter().enumerate() {
            out.push_str(if i == 0 { "- " } else { "  " });
            out.push_str(f);
            out.push('\n');
        }
    }
    out
}

fn policies_section(out: &mut String, data: &ReportData) {
    out.push_str(
        "<p class=\"note\">Each policy replaces the agent's own <code>tolerations</code> in its runs. \
         Effective tolerations add what the DaemonSet controller and the DefaultTolerationSeconds admission \
         plugin add.</p>\n",
    );
    for p in &data.summary.scenario.policies {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&p.name));
        if !p.description.is_empty() {
            let _ = writeln!(out, "<p>{}</p>", escape(&p.description));
        }
        let applies = if p.applies_to.is_empty() {
            "every agent".to_string()
        } else {
            p.applies_to.iter().map(|a| escape(a)).collect::<Vec<_>>().join(", ")
        };
        let _ = writeln!(out, "<p class=\"note\">Applies to: {applies}.</p>");
        let _ = writeln!(out, "<pre>{}</pre>", escape(&tolerations_yaml(&p.tolerations)));
        for agent in &data.summary.agents {
            if let Some(run) = agent.runs.iter().find(|r| r.policy == p.name) {
                let _ = writeln!(
                    out,
                    "<details><summary>Effective on {} ({})</summary>\n<pre>{}</pre></details>",
                    escape(&agent.name),
                    escape(&agent.kind),
                    escape(&tolerations_yaml(&run.effective_tolerations))
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TaintEffect;

    #[test]
    fn event_details_tell_set_from_cleared_and_name_spikes() {
        let event = |json: &str| -> EventInfo { serde_json::from_str(json).unwrap() };
        let set = event(
            r#"{"at_s": 60.0, "action": "InjectCondition", "node": "n", "condition": "DiskPressure", "status": true}"#,
        );
        let cleared = event(
            r#"{"at_s": 60.0, "action": "InjectCondition", "node": "n", "condition": "DiskPressure", "status": false}"#,
        );
        assert_eq!(event_detail(&set), "DiskPressure set");
        assert_eq!(event_detail(&cleared), "DiskPressure cleared");
        let spike = event(
            r#"{"at_s": 0.0, "action": "UsageSpike", "node": "n", "workload": "<w>", "resource": "memory", "amount": "1Gi"}"#,
        );
        assert_eq!(event_detail(&spike), "1Gi more memory per pod of &lt;w&gt;");
        let spot = event(
            r#"{"at_s": 0.0, "action": "Drain", "node": "n", "drain": {"drainer": "kubectl", "timeout_s": 120.0, "down_for_s": 300.0, "spot_interruption": true}}"#,
        );
        assert_eq!(event_detail(&spot), "spot interruption: kubectl drain, 2m notice, down 5m");
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn tolerations_print_as_kubernetes_yaml() {
        let tols = vec![
            Toleration::exists("", Some(TaintEffect::NoSchedule)),
            Toleration::exists_for("node.kubernetes.io/not-ready", TaintEffect::NoExecute, 60),
            Toleration { key: "dedicated".into(), value: "yes".into(), ..Toleration::default() },
        ];
        assert_eq!(
            tolerations_yaml(&tols),
            "tolerations:\n- operator: Exists\n  effect: NoSchedule\n- key: node.kubernetes.io/not-ready\n  \
             operator: Exists\n  effect: NoExecute\n  tolerationSeconds: 60\n- key: dedicated\n  value: \"yes\"\n"
        );
        assert_eq!(tolerations_yaml(&[]), "tolerations: []\n");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
        assert_eq!(yaml_scalar("300"), "\"300\"");
    }
}
