//! Charts and `index.html`: written by `taintsim run`, drawn again by `taintsim chart`, and
//! opened in headless Chromium.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{taintsim, text};

const CHARTS: [&str; 4] = ["chart-coverage", "chart-blind-spots", "chart-drains", "chart-contention"];

/// Runs the default scenario into a fresh temporary folder; the reports are in `<tmp>/out`.
fn default_reports() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["run", "--quiet", "--out", "out"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    tmp
}

/// Decodes a PNG into (width, height, RGB bytes).
fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane image size")];
    let info = reader.next_frame(&mut buf).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    buf.truncate(info.buffer_size());
    let rgb = match info.color_type {
        png::ColorType::Rgb => buf,
        png::ColorType::Rgba => buf.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect(),
        other => panic!("{}: unexpected colour type {other:?}", path.display()),
    };
    (info.width, info.height, rgb)
}

/// Pixels that are clearly not white.
fn inked(rgb: &[u8]) -> usize {
    rgb.chunks(3).filter(|p| p.iter().any(|&c| c < 200)).count()
}

/// Pixels far from grey: coloured chart lines, bars and markers rather than text or axes.
fn coloured(rgb: &[u8]) -> usize {
    rgb.chunks(3)
        .filter(|p| {
            let (lo, hi) = (p.iter().min().unwrap(), p.iter().max().unwrap());
            hi - lo > 60
        })
        .count()
}

#[test]
fn run_writes_charts_whose_pngs_decode_and_hold_drawings() {
    let tmp = default_reports();
    let dir = &tmp.path().join("out");
    for chart in CHARTS {
        let (w, h, rgb) = decode_png(&dir.join(format!("{chart}.png")));
        assert!(w >= 800 && h >= 300, "{chart}: {w}x{h}");
        let total = (w * h) as usize;
        let ink = inked(&rgb);
        assert!(ink > total / 100, "{chart}: only {ink} of {total} pixels are not background");
        assert!(coloured(&rgb) > 500, "{chart}: hardly any coloured pixel");
        // The title band holds dark text.
        let title_band = &rgb[..(w * 40 * 3) as usize];
        assert!(inked(title_band) > 300, "{chart}: no title drawn");
    }
}

#[test]
fn charts_and_page_are_byte_identical_between_runs() {
    let tmp = tempfile::tempdir().unwrap();
    for out in ["first", "second"] {
        let o = taintsim(tmp.path(), &["run", "--quiet", "--out", out]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let mut names: Vec<String> =
        CHARTS.iter().flat_map(|c| [format!("{c}.svg"), format!("{c}.png")]).collect();
    names.push("index.html".into());
    for name in names {
        let a = fs::read(tmp.path().join("first").join(&name)).unwrap();
        let b = fs::read(tmp.path().join("second").join(&name)).unwrap();
        assert!(!a.is_empty() && a == b, "{name} differs between two runs");
    }
}

#[test]
fn svgs_carry_titles_and_axis_units() {
    let tmp = default_reports();
    let dir = &tmp.path().join("out");
    let svg = |name: &str| fs::read_to_string(dir.join(format!("{name}.svg"))).unwrap();
    let coverage = svg("chart-coverage");
    for needle in [
        "Agent coverage over time",
        // The default scenario runs eight days: its time axis is in days.
        "simulated time (days)",
        "nodes with business pods covered (%)",
        "running replicas (pods)",
        "deepfence-agent (DaemonSet)",
        "chart-exists-pair",
    ] {
        assert!(coverage.contains(needle), "chart-coverage.svg lacks {needle:?}");
    }
    let blind = svg("chart-blind-spots");
    assert!(blind.contains("Blind-spot time per policy"));
    assert!(blind.contains("node-time or pod-time (days)"), "unit of the DaemonSet panel");
    // The cluster agent's blind spots over the eight days add up to hours.
    assert!(blind.contains("time or pod-time (hours)"), "unit of the Deployment panel");
    let drains = svg("chart-drains");
    assert!(drains.contains("Drain durations per policy and drainer"));
    assert!(drains.contains("drain duration (seconds)"));
    assert!(drains.contains("timed out"), "the legend marks time-outs");
    for drainer in ["kubectl", "cluster-api", "karpenter", "cluster-autoscaler"] {
        assert!(drains.contains(drainer), "{drainer} in the legend");
    }
    let contention = svg("chart-contention");
    assert!(contention.contains("Contention over time"));
    assert!(contention.contains("agent pods (pods)"));
    assert!(contention.contains("evicted so far (pods)"));
    assert!(contention.contains("simulated time (days)"));
}

#[test]
fn index_html_is_self_contained_and_complete() {
    let tmp = default_reports();
    let html = fs::read_to_string(tmp.path().join("out/index.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for needle in [
        "What changed between policies",
        "Comparison tables",
        "<svg",
        "Agent coverage over time",
        "Timeline",
        "tolerations:\n- operator: Exists\n  effect: NoSchedule",
        "key: node.kubernetes.io/not-ready",
        "tolerationSeconds: 60",
    ] {
        assert!(html.contains(needle), "index.html lacks {needle:?}");
    }
    assert_eq!(html.matches("<svg").count(), CHARTS.len(), "every chart inline");
    for forbidden in ["<script", "http://", "https://", "src=\"", "@import", "url("] {
        let outside_svg_namespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!outside_svg_namespace.contains(forbidden), "index.html holds {forbidden:?}");
    }
}

#[test]
fn chart_draws_the_same_bytes_again_from_the_saved_files() {
    let reports = default_reports();
    let src = &reports.path().join("out");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("copy");
    fs::create_dir(&dir).unwrap();
    for name in ["summary.json", "timeseries.csv", "drains.csv"] {
        fs::copy(src.join(name), dir.join(name)).unwrap();
    }
    let o = taintsim(tmp.path(), &["chart", "copy"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("index.html"), "{}", text(&o.stdout));
    for chart in CHARTS {
        for ext in ["svg", "png"] {
            let name = format!("{chart}.{ext}");
            assert!(
                fs::read(src.join(&name)).unwrap() == fs::read(dir.join(&name)).unwrap(),
                "{name} differs"
            );
        }
    }
    assert_eq!(
        fs::read_to_string(src.join("index.html")).unwrap(),
        fs::read_to_string(dir.join("index.html")).unwrap()
    );
    // Without drains.csv the drains listed in summary.json are drawn: the same chart.
    fs::remove_file(dir.join("drains.csv")).unwrap();
    let o = taintsim(tmp.path(), &["chart", "copy", "--quiet"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    assert!(
        fs::read(src.join("chart-drains.svg")).unwrap() == fs::read(dir.join("chart-drains.svg")).unwrap()
    );
}

#[test]
fn names_from_the_input_are_escaped_in_the_page() {
    let reports = default_reports();
    let src = &reports.path().join("out");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let summary = fs::read_to_string(src.join("summary.json")).unwrap();
    let evil = "<b>x & \\\"y\\\"</b>";
    let summary = summary
        .replacen("\"description\": \"Deepfence", &format!("\"description\": \"{evil} Deepfence"), 1)
        .replace("\"none\"", "\"<i>none</i>\"")
        .replacen(
            "\"node_groups\": [",
            "\"ignored\": [\"<u>pod affinity</u>: 2 objects\"], \"node_groups\": [",
            1,
        );
    fs::write(dir.join("summary.json"), summary).unwrap();
    let series = fs::read_to_string(src.join("timeseries.csv")).unwrap().replace(",none,", ",<i>none</i>,");
    fs::write(dir.join("timeseries.csv"), series).unwrap();
    let o = taintsim(dir, &["chart", "."]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let html = fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(!html.contains("<b>") && !html.contains("<i>"), "markup from the input leaked into the page");
    assert!(html.contains("&lt;b&gt;x &amp; &quot;y&quot;&lt;/b&gt;"));
    assert!(html.contains("&lt;i&gt;none&lt;/i&gt;"));
    // Ignored input of an imported scenario has its own section.
    assert!(html.contains("<h3 id=\"ignored\">Ignored input</h3>"), "{html}");
    assert!(html.contains("<li>&lt;u&gt;pod affinity&lt;/u&gt;: 2 objects</li>"));
    assert!(!html.contains("<u>"));
}

#[test]
fn help_lists_the_chart_command() {
    let tmp = tempfile::tempdir().unwrap();
    let o = taintsim(tmp.path(), &["--help"]);
    assert!(o.status.success());
    assert!(text(&o.stdout).contains("chart"), "{}", text(&o.stdout));
    let o = taintsim(tmp.path(), &["chart", "--help"]);
    assert!(o.status.success());
    let help = text(&o.stdout);
    assert!(help.contains("summary.json") && help.contains("index.html"), "{help}");
    let o = taintsim(tmp.path(), &["--quiet", "chart", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("options go after the command"), "{}", text(&o.stderr));
}

fn chart_error(files: &[(&str, &str)]) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        fs::write(tmp.path().join(name), contents).unwrap();
    }
    let o = taintsim(tmp.path(), &["chart"]);
    assert!(!tmp.path().join("index.html").exists(), "nothing written on bad input");
    (o.status.code(), text(&o.stderr))
}

#[test]
fn chart_names_file_line_and_field_of_bad_input_and_exits_with_2() {
    let reports = default_reports();
    let src = &reports.path().join("out");
    let summary = fs::read_to_string(src.join("summary.json")).unwrap();
    let series = fs::read_to_string(src.join("timeseries.csv")).unwrap();

    let (code, err) = chart_error(&[("timeseries.csv", &series)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("summary.json: not found"), "{err}");

    let (code, err) = chart_error(&[("summary.json", &summary)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("timeseries.csv: not found"), "{err}");

    let broken = summary.replacen("\"seed\": 1,", "\"seed\": \"one\",", 1);
    let line = broken.lines().position(|l| l.contains("\"one\"")).unwrap() + 1;
    let (code, err) = chart_error(&[("summary.json", &broken), ("timeseries.csv", &series)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(&format!("summary.json:{line}:")), "{err}");

    let horizon_line = summary.lines().find(|l| l.trim_start().starts_with("\"horizon_s\":")).unwrap();
    let missing = summary.replacen(horizon_line, "", 1);
    let (code, err) = chart_error(&[("summary.json", &missing), ("timeseries.csv", &series)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("missing field `horizon_s`"), "{err}");

    let mut lines: Vec<String> = series.lines().map(str::to_string).collect();
    let mut fields: Vec<&str> = lines[2].split(',').collect();
    fields[7] = "eight";
    lines[2] = fields.join(",");
    let (code, err) =
        chart_error(&[("summary.json", &summary), ("timeseries.csv", &(lines.join("\n") + "\n"))]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("timeseries.csv:3: field `agent_running`: \"eight\" is not a whole number"),
        "{err}"
    );

    let short_header = series.replacen("agent_stranded,", "", 1);
    let (code, err) = chart_error(&[("summary.json", &summary), ("timeseries.csv", &short_header)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("timeseries.csv:1: field `agent_stranded`: column missing"), "{err}");

    let drains = "agent,policy,node,drainer,started_s,duration_s,outcome,left_behind\n\
                  deepfence-agent,none,n1,kubectl,10,5,exploded,0\n";
    let (code, err) =
        chart_error(&[("summary.json", &summary), ("timeseries.csv", &series), ("drains.csv", drains)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("drains.csv:2: field `outcome`: unknown outcome \"exploded\""), "{err}");
}

#[test]
fn chart_rejects_missing_runs_other_schemas_bad_horizons_and_rows_past_the_horizon() {
    let reports = default_reports();
    let src = &reports.path().join("out");
    let summary = fs::read_to_string(src.join("summary.json")).unwrap();
    let series = fs::read_to_string(src.join("timeseries.csv")).unwrap();
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;

    // A run summary.json lists has no row.
    let without: String = series
        .lines()
        .filter(|l| !l.starts_with("deepfence-agent,none,"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (code, err) = chart_error(&[("summary.json", &summary), ("timeseries.csv", &without)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "timeseries.csv: field `policy`: no rows for agent \"deepfence-agent\" with policy \"none\""
        ),
        "{err}"
    );

    let other = summary.replacen("taintsim.summary/v1", "taintsim.summary/v9", 1);
    let (code, err) = chart_error(&[("summary.json", &other), ("timeseries.csv", &series)]);
    assert_eq!(code, Some(2), "{err}");
    let line = line_of(&other, "\"schema\"");
    assert!(
        err.contains(&format!("summary.json:{line}: field `schema`: \"taintsim.summary/v9\" is not")),
        "{err}"
    );

    let horizon_line = summary.lines().find(|l| l.trim_start().starts_with("\"horizon_s\":")).unwrap();
    let zero = summary.replacen(horizon_line, "    \"horizon_s\": 0.0,", 1);
    let (code, err) = chart_error(&[("summary.json", &zero), ("timeseries.csv", &series)]);
    assert_eq!(code, Some(2), "{err}");
    let line = line_of(&zero, "\"horizon_s\"");
    assert!(
        err.contains(&format!("summary.json:{line}: field `scenario.horizon_s`: the horizon must be")),
        "{err}"
    );

    for bad in ["-5.0", "\"8d\""] {
        let broken = summary.replacen(horizon_line, &format!("    \"horizon_s\": {bad},"), 1);
        let (code, err) = chart_error(&[("summary.json", &broken), ("timeseries.csv", &series)]);
        assert_eq!(code, Some(2), "{err}");
        let line = line_of(&broken, "\"horizon_s\"");
        assert!(err.contains(&format!("summary.json:{line}:")), "{err}");
        assert!(err.contains("field `scenario.horizon_s`: "), "{err}");
    }

    // One row a day past the horizon.
    let last = series.lines().last().unwrap();
    let mut fields: Vec<String> = last.split(',').map(str::to_string).collect();
    fields[2] = "777600".into();
    let past = format!("{series}{}\n", fields.join(","));
    let rows = past.lines().count();
    let (code, err) = chart_error(&[("summary.json", &summary), ("timeseries.csv", &past)]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!("timeseries.csv:{rows}: field `time_s`: 9d is beyond the horizon")),
        "{err}"
    );
}

/// Finds Chromium: `TAINTSIM_CHROMIUM`, else `chromium` or `chromium-browser` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TAINTSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

#[test]
fn index_html_loads_in_headless_chromium_without_console_errors_and_shows_the_charts() {
    let Some(browser) = chromium() else {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("chromium is not installed, and CI needs the browser test (.ci/run installs it)");
        }
        // Written to the real stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "NOTICE: skipping the headless Chromium test: no chromium on the PATH"
        );
        return;
    };
    let tmp = default_reports();
    let page = tmp.path().join("out/index.html");
    let shot = tmp.path().join("shot.png");
    let profile = tmp.path().join("profile");
    let o = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    let stderr = text(&o.stderr);
    assert!(o.status.success(), "chromium failed: {stderr}");
    // The page has no script: any console message (an error, a blocked resource) is a fault.
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let (w, h, rgb) = decode_png(&shot);
    assert_eq!((w, h), (1280, 2000));
    let total = (w * h) as usize;
    assert!(inked(&rgb) > total / 50, "the screenshot is nearly blank");
    // The charts' colours (not only black text) are on the screen.
    assert!(coloured(&rgb) > 5000, "no chart drawn in the screenshot ({} coloured pixels)", coloured(&rgb));
}

/// The best-value marks of `report.md`'s policy tables: (agent, column, policy) per ★.
fn report_md_marks(md: &str) -> Vec<(String, String, String)> {
    let mut marks = Vec::new();
    let mut agent = String::new();
    let mut head: Vec<String> = Vec::new();
    for line in md.lines() {
        if let Some(rest) = line.strip_prefix("## Agent ") {
            agent = rest.split(" (").next().unwrap().to_string();
            head.clear();
        } else if line.starts_with("| Policy |") {
            head = line.split('|').map(|c| c.trim().to_string()).collect();
        } else if line.starts_with("|---") {
        } else if line.starts_with("| ") && !head.is_empty() {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            for (i, c) in cells.iter().enumerate().skip(2) {
                if c.contains('★') {
                    marks.push((agent.clone(), head[i].clone(), cells[1].to_string()));
                }
            }
        } else {
            head.clear();
        }
    }
    marks.sort();
    marks
}

/// The inner text of each `<tag ...>…</tag>` in `html`, with the opening tag.
fn elements<'a>(html: &'a str, tag: &str) -> Vec<(&'a str, &'a str)> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let gt = after.find('>').unwrap();
        let end = after.find(&close).unwrap();
        out.push((&after[..gt + 1], &after[gt + 1..end]));
        rest = &after[end + close.len()..];
    }
    out
}

/// The bold cells of the page's comparison tables: (agent, column, policy) per cell.
fn index_html_marks(html: &str) -> Vec<(String, String, String)> {
    let start = html.find("<h2 id=\"tables\">").unwrap();
    let end = html.find("<h2 id=\"scenario\">").unwrap();
    let mut marks = Vec::new();
    for section in html[start..end].split("<h3>").skip(1) {
        let agent = section.split(" (").next().unwrap().to_string();
        for (_, table) in elements(section, "table") {
            let head: Vec<&str> = elements(table, "th").iter().map(|(_, t)| *t).collect();
            for (_, row) in elements(table, "tr").iter().skip(1) {
                let cells = elements(row, "td");
                for (i, (open, _)) in cells.iter().enumerate() {
                    if open.contains("class=\"best\"") {
                        marks.push((agent.clone(), head[i].to_string(), cells[0].1.to_string()));
                    }
                }
            }
        }
    }
    marks.sort();
    marks
}

#[test]
fn the_page_marks_the_cells_report_md_stars_and_its_summary_counts_them() {
    let tmp = default_reports();
    let dir = tmp.path().join("out");
    let md = fs::read_to_string(dir.join("report.md")).unwrap();
    let html = fs::read_to_string(dir.join("index.html")).unwrap();
    // The scenario section lists the generators and details generated and scripted events.
    let summary = fs::read_to_string(dir.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert!(html.contains("<h3 id=\"generators\">Generators</h3>"), "no generators section");
    for g in v["scenario"]["generators"].as_array().unwrap() {
        let row = format!("<tr><td class=\"name\">{}</td>", g["name"].as_str().unwrap());
        assert!(html.contains(&row), "{row}");
    }
    assert!(html.contains("spot interruption: kubectl drain, 2m notice"), "spot drains not named");
    assert!(html.contains("8Gi more memory per pod of report-batch"), "spike details missing");
    let stars = report_md_marks(&md);
    assert!(stars.len() > 10, "{stars:?}");
    assert_eq!(index_html_marks(&html), stars);
    // The summary counts the same marks: per agent, the columns with a mark, and the most marks
    // one policy holds.
    let changes = &html[html.find("<h2 id=\"changes\">").unwrap()..html.find("<h2 id=\"charts\">").unwrap()];
    for section in changes.split("<h3>").skip(1) {
        let agent = section.split(" (").next().unwrap();
        let mine: Vec<_> = stars.iter().filter(|(a, _, _)| a == agent).collect();
        let mut columns: Vec<&str> = mine.iter().map(|(_, c, _)| c.as_str()).collect();
        columns.dedup();
        let mut per_policy = std::collections::BTreeMap::new();
        for (_, _, p) in &mine {
            *per_policy.entry(p.as_str()).or_insert(0) += 1;
        }
        let top = per_policy.values().max().copied().unwrap_or(0);
        let claim =
            format!("best on {top} of the {} ranked measures on which the policies differ", columns.len());
        assert!(section.contains(&claim), "{agent}: expected {claim:?} in\n{section}");
        for c in &columns {
            let c = if *c == "Of those, caused by the agent" {
                "Business pods evicted because of the agent"
            } else {
                c
            };
            assert!(section.contains(&format!("<strong>{c}</strong>")), "{agent}: {c} missing in\n{section}");
        }
    }
}
