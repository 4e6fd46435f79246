//! The drawing of each chart, generic over the plotters backend (SVG and bitmap).

use super::FONT;
use super::data::{AgentInfo, ReportData, Row};
use crate::time::{SimTime, format_duration};
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::time::Duration;

/// A linear axis whose ticks are exactly the given values (category centres, whole numbers).
struct Keyed {
    range: std::ops::Range<f64>,
    keys: Vec<f64>,
}

trait KeyedExt {
    fn keyed(self, keys: Vec<f64>) -> Keyed;
}

impl KeyedExt for std::ops::Range<f64> {
    fn keyed(self, keys: Vec<f64>) -> Keyed {
        Keyed { range: self, keys }
    }
}

impl Ranged for Keyed {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span > 0.0 { (value - self.range.start) / span } else { 0.0 };
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, _hint: H) -> Vec<f64> {
        self.keys.clone()
    }
}

/// Which chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Coverage over time.
    Coverage,
    /// Blind-spot time per policy.
    BlindSpots,
    /// Drain durations.
    Drains,
    /// Contention over time.
    Contention,
}

/// The Okabe–Ito palette, in the order policies take it (yellow last: it is faint on white).
const POLICY_COLOURS: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// Drainers take colours of their own, none of them a policy colour, so a colour means a
/// policy in the line and bar charts and a drainer in the drain chart, never both (Paul Tol's
/// muted scheme, which also stays apart for the common forms of colour blindness).
const DRAINER_COLOURS: [RGBColor; 8] = [
    RGBColor(0x33, 0x22, 0x88), // indigo
    RGBColor(0x99, 0x99, 0x33), // olive
    RGBColor(0x88, 0x22, 0x55), // wine
    RGBColor(0x11, 0x77, 0x33), // green
    RGBColor(0xCC, 0x66, 0x77), // rose
    RGBColor(0x88, 0xCC, 0xEE), // cyan
    RGBColor(0xDD, 0xCC, 0x77), // sand
    RGBColor(0x77, 0x77, 0x77), // grey
];

const GREY: RGBColor = RGBColor(0x59, 0x59, 0x59);
const WIDTH: u32 = 1100;
const TITLE_H: u32 = 56;
const LEGEND_W: u32 = 270;
const PANEL_H: u32 = 330;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn policy_colour(i: usize) -> RGBColor {
    POLICY_COLOURS[i % POLICY_COLOURS.len()]
}

/// Line width of the `i`-th of `n` policies: earlier policies are drawn wider, so a later
/// identical line leaves the earlier one visible around it.
fn line_width(i: usize, n: usize) -> u32 {
    2 + 2 * (n.saturating_sub(1 + i).min(3)) as u32
}

/// The pixel size of a chart.
pub fn size(kind: Kind, data: &ReportData) -> (u32, u32) {
    let agents = data.summary.agents.len().max(1) as u32;
    // Panels grow when the legend needs more room than the default height: 41 pixels per
    // two-line entry (policies), 24 per one-line entry (drainers and the four outcomes).
    let most = |f: fn(&AgentInfo) -> usize| data.summary.agents.iter().map(f).max().unwrap_or(0) as u32;
    let legend = match kind {
        Kind::Coverage | Kind::Contention => 41 * (most(|a| a.runs.len()) + 1),
        Kind::BlindSpots => 24 * most(|a| a.runs.len()),
        Kind::Drains => {
            let drainers = |a: &AgentInfo| {
                let mut d: Vec<&str> =
                    a.runs.iter().flat_map(|r| &r.drains).map(|d| d.drainer.as_str()).collect();
                d.sort_unstable();
                d.dedup();
                d.len()
            };
            24 * (most(drainers) + 4)
        }
    };
    (WIDTH, TITLE_H + agents * PANEL_H.max(legend + 90))
}

/// Draws chart `kind` on `backend`.
pub fn draw<DB: DrawingBackend>(
    kind: Kind,
    title: &str,
    data: &ReportData,
    backend: DB,
) -> Result<(), String> {
    let root = backend.into_drawing_area();
    draw_on(kind, title, data, &root).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

fn draw_on<DB: DrawingBackend>(
    kind: Kind,
    title: &str,
    data: &ReportData,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(TITLE_H);
    let scenario = &data.summary.scenario;
    head.draw(&Text::new(
        title.to_string(),
        (16, 10),
        TextStyle::from((FONT, 24).into_font().style(FontStyle::Bold)).color(&BLACK),
    ))?;
    head.draw(&Text::new(
        format!(
            "scenario {}, Kubernetes {}, seed {}, {} simulated",
            scenario.name,
            scenario.kubernetes_version,
            scenario.seed,
            format_duration(scenario.horizon)
        ),
        (16, 38),
        TextStyle::from((FONT, 14).into_font()).color(&GREY),
    ))?;
    let agents = &data.summary.agents;
    if agents.is_empty() {
        body.draw(&Text::new("no agent in the summary", (16, 16), (FONT, 16).into_font()))?;
        return Ok(());
    }
    let panels = body.split_evenly((agents.len(), 1));
    for (area, agent) in panels.iter().zip(agents) {
        let (plot, legend) = area.split_horizontally(WIDTH - LEGEND_W);
        match kind {
            Kind::Coverage => coverage_panel(&plot, &legend, data, agent)?,
            Kind::BlindSpots => blind_spot_panel(&plot, &legend, agent)?,
            Kind::Drains => drain_panel(&plot, &legend, agent)?,
            Kind::Contention => contention_panel(&plot, &legend, data, agent)?,
        }
    }
    Ok(())
}

/// How simulated time is written on x axes.
struct TimeAxis {
    seconds_per_unit: f64,
    name: &'static str,
    end: f64,
}

fn time_axis(horizon: Duration) -> TimeAxis {
    let secs = horizon.as_secs_f64().max(1.0);
    let (seconds_per_unit, name) = if secs <= 2.0 * 3600.0 {
        (60.0, "minutes")
    } else if secs <= 3.0 * 86_400.0 {
        (3600.0, "hours")
    } else {
        (86_400.0, "days")
    };
    TimeAxis { seconds_per_unit, name, end: secs / seconds_per_unit }
}

impl TimeAxis {
    /// The x range with ticks on round numbers of the unit, at most about `most` of them.
    fn range(&self, most: usize) -> Keyed {
        let steps: &[f64] = match self.name {
            "minutes" => &[1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 60.0],
            "hours" => &[1.0, 2.0, 3.0, 4.0, 6.0, 12.0, 24.0],
            _ => &[1.0, 2.0, 5.0, 7.0, 10.0, 14.0, 30.0, 60.0, 90.0, 180.0],
        };
        let step = steps.iter().copied().find(|s| self.end / s <= most as f64).unwrap_or(self.end.max(1.0));
        let keys = (0..).map(|k| f64::from(k) * step).take_while(|v| *v <= self.end + 1e-9).collect();
        (0f64..self.end).keyed(keys)
    }

    fn x(&self, at: SimTime) -> f64 {
        at.as_secs_f64() / self.seconds_per_unit
    }

    fn desc(&self) -> String {
        format!("simulated time ({})", self.name)
    }
}

/// A unit for spans on a y axis, chosen from the largest value.
struct SpanUnit {
    seconds: f64,
    name: &'static str,
}

fn span_unit(max: Duration) -> SpanUnit {
    let s = max.as_secs_f64();
    if s < 120.0 {
        SpanUnit { seconds: 1.0, name: "seconds" }
    } else if s < 2.0 * 3600.0 {
        SpanUnit { seconds: 60.0, name: "minutes" }
    } else if s < 3.0 * 86_400.0 {
        SpanUnit { seconds: 3600.0, name: "hours" }
    } else {
        SpanUnit { seconds: 86_400.0, name: "days" }
    }
}

/// A number for an axis tick: no decimals when whole.
fn tick(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{:.0}", v) } else { format!("{:.1}", v) }
}

/// [`short_duration`] for legends, where a zero keeps its unit (`0s`).
fn legend_duration(d: Duration) -> String {
    if d.is_zero() { "0s".into() } else { short_duration(d) }
}

/// Compact span for labels: at most two units (`4d23h`, `3h41m`, `1m10s`, `0`).
pub fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    if d.is_zero() {
        return "0".into();
    }
    if s == 0 {
        return format!("{}ms", d.as_millis());
    }
    let parts = [(86_400, "d"), (3600, "h"), (60, "m"), (1, "s")];
    let first = parts.iter().position(|(len, _)| s >= *len).unwrap_or(3);
    let mut out = String::new();
    let mut rest = s;
    for (len, unit) in &parts[first..(first + 2).min(parts.len())] {
        let n = rest / len;
        rest %= len;
        if n > 0 || out.is_empty() {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

fn label_style() -> TextStyle<'static> {
    TextStyle::from((FONT, 13).into_font()).color(&BLACK)
}

fn desc_style() -> TextStyle<'static> {
    TextStyle::from((FONT, 14).into_font()).color(&BLACK)
}

fn caption_style() -> TextStyle<'static> {
    TextStyle::from((FONT, 17).into_font().style(FontStyle::Bold)).color(&BLACK)
}

fn agent_caption(agent: &AgentInfo) -> String {
    format!("{} ({})", agent.name, agent.kind)
}

/// Legend name of a policy: the name, and the policies it gives identical runs with.
fn policy_label(agent: &AgentInfo, policy: &str) -> String {
    let same = agent.same_as(policy);
    if same.is_empty() { policy.to_string() } else { format!("{policy} (= {})", same.join(", ")) }
}

/// One legend entry.
enum Swatch {
    Line(RGBColor, u32),
    Dashed(RGBColor, u32),
    Marker(RGBColor, Marker),
    Bar(RGBColor),
}

/// Draws a legend down the given column: a heading, then one swatch and up to two text lines
/// per entry.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    heading: &str,
    entries: &[(Swatch, String, Option<String>)],
) -> DrawResult<DB> {
    let left = Pos::new(HPos::Left, VPos::Center);
    let mut y = 44;
    area.draw(&Text::new(
        heading.to_string(),
        (8, y),
        TextStyle::from((FONT, 14).into_font().style(FontStyle::Bold)).color(&BLACK).pos(left),
    ))?;
    y += 24;
    for (swatch, text, second) in entries {
        match swatch {
            Swatch::Line(c, w) => {
                area.draw(&PathElement::new(vec![(10, y), (40, y)], c.stroke_width(*w)))?;
            }
            Swatch::Dashed(c, w) => {
                for x in [10, 23, 36] {
                    area.draw(&PathElement::new(vec![(x, y), (x + 6, y)], c.stroke_width(*w)))?;
                }
            }
            Swatch::Marker(c, m) => draw_marker(area, *m, (25, y), *c)?,
            Swatch::Bar(c) => {
                area.draw(&Rectangle::new([(12, y - 7), (38, y + 7)], c.filled()))?;
            }
        }
        area.draw(&Text::new(text.clone(), (48, y), TextStyle::from((FONT, 13).into_font()).pos(left)))?;
        if let Some(second) = second {
            y += 17;
            area.draw(&Text::new(
                second.clone(),
                (48, y),
                TextStyle::from((FONT, 12).into_font()).color(&GREY).pos(left),
            ))?;
        }
        y += 24;
    }
    Ok(())
}

/// Points of a step line: each value holds until the next sample; only changes are kept.
fn steps(rows: &[Row], axis: &TimeAxis, value: impl Fn(&Row) -> f64) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for r in rows {
        let v = value(r);
        let x = axis.x(r.at);
        match last {
            Some(prev) if (prev - v).abs() < 1e-12 => {}
            Some(prev) => {
                out.push((x, prev));
                out.push((x, v));
            }
            None => out.push((x, v)),
        }
        last = Some(v);
    }
    if let (Some(r), Some(v)) = (rows.last(), last) {
        let x = axis.x(r.at);
        if out.last().is_none_or(|p| p.0 < x) {
            out.push((x, v));
        }
    }
    out
}

fn no_data<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, caption: &str, note: &str) -> DrawResult<DB> {
    area.draw(&Text::new(caption.to_string(), (70, 14), caption_style()))?;
    area.draw(&Text::new(note.to_string(), (70, 60), label_style().color(&GREY)))
}

/// Draws the line of run `i`: solid, or dashed when an earlier policy gives an identical run,
/// so that the earlier line shows between the dashes.
fn draw_line<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<Keyed, Y>>,
    agent: &AgentInfo,
    i: usize,
    pts: Vec<(f64, f64)>,
    c: RGBColor,
    w: u32,
) -> DrawResult<DB> {
    let policy = &agent.runs[i].policy;
    let repeats_earlier =
        agent.same_as(policy).iter().any(|p| agent.runs[..i].iter().any(|r| &r.policy == p));
    if repeats_earlier {
        chart.draw_series(DashedLineSeries::new(pts, 10, 10, c.stroke_width(w)))?;
    } else {
        // One element per segment: a thick polyline whose segments fold back onto the same
        // pixel column (a one-sample dip at this scale) makes the bitmap backend's line joins
        // blow up.
        chart.draw_series(pts.windows(2).map(|s| PathElement::new(vec![s[0], s[1]], c.stroke_width(w))))?;
        if pts.len() == 1 {
            chart.draw_series(LineSeries::new(pts, c.stroke_width(w)))?;
        }
    }
    Ok(())
}

/// The frame of a panel over simulated time: caption style, right margin, at most how many
/// time ticks, and the room for the y labels.
struct TimeFrame {
    caption_style: TextStyle<'static>,
    margin_right: u32,
    x_ticks: usize,
    y_label_area: u32,
}

/// A chart over simulated time (x) and a keyed y axis.
type TimeChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Keyed, Keyed>>;

/// A chart with simulated time on x and `y_range` on y, its grid and axis descriptions drawn.
fn time_chart<'a, DB: DrawingBackend, S: AsRef<str>>(
    area: &'a DrawingArea<DB, Shift>,
    caption: S,
    frame: &TimeFrame,
    axis: &TimeAxis,
    y_range: Keyed,
    y_desc: &str,
) -> Result<TimeChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, frame.caption_style.clone())
        .margin_left(10)
        .margin_right(frame.margin_right)
        .margin_top(6)
        .x_label_area_size(46)
        .y_label_area_size(frame.y_label_area)
        .build_cartesian_2d(axis.range(frame.x_ticks), y_range)?;
    chart
        .configure_mesh()
        .x_desc(axis.desc())
        .y_desc(y_desc)
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .label_style(label_style())
        .axis_desc_style(desc_style())
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    Ok(chart)
}

fn coverage_panel<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend_area: &DrawingArea<DB, Shift>,
    data: &ReportData,
    agent: &AgentInfo,
) -> DrawResult<DB> {
    let axis = time_axis(data.summary.scenario.horizon);
    let ds = agent.is_daemon_set();
    let replicas = data
        .summary
        .scenario
        .agents
        .iter()
        .find(|a| a.name == agent.name)
        .and_then(|a| a.replicas)
        .unwrap_or(1);
    let n = agent.runs.len();
    let (y_max, y_desc) = if ds {
        (105.0, "nodes with business pods covered (%)".to_string())
    } else {
        let most = agent
            .runs
            .iter()
            .flat_map(|r| data.rows(&agent.name, &r.policy))
            .map(|r| r.agent_running)
            .max()
            .unwrap_or(0)
            .max(replicas);
        (f64::from(most) + 0.5, "running replicas (pods)".to_string())
    };
    let caption = if ds {
        format!("{}: agent pod running on nodes with business pods", agent_caption(agent))
    } else {
        format!("{}: running replicas (desired {replicas})", agent_caption(agent))
    };
    if agent.runs.iter().all(|r| data.rows(&agent.name, &r.policy).is_empty()) {
        return no_data(plot, &caption, "timeseries.csv has no rows for this agent");
    }
    let y_range = if ds {
        (0f64..y_max).keyed(vec![0.0, 25.0, 50.0, 75.0, 100.0])
    } else {
        (0f64..y_max).keyed((0..=y_max.floor() as u32).map(f64::from).collect())
    };
    let frame = TimeFrame { caption_style: caption_style(), margin_right: 20, x_ticks: 13, y_label_area: 64 };
    let mut chart = time_chart(plot, caption, &frame, &axis, y_range, &y_desc)?;
    let mut entries = Vec::new();
    for (i, run) in agent.runs.iter().enumerate() {
        let rows = data.rows(&agent.name, &run.policy);
        let pts = if ds {
            steps(rows, &axis, Row::covered_percent)
        } else {
            steps(rows, &axis, |r| f64::from(r.agent_running))
        };
        let (c, w) = (policy_colour(i), line_width(i, n));
        draw_line(&mut chart, agent, i, pts, c, w)?;
        let b = &run.blind_spots;
        let second = if ds {
            b.uncovered_nodes
                .map(|s| format!("uncovered {} node-time, {} gaps", legend_duration(s.total), s.count))
        } else {
            b.no_replica.map(|s| format!("no replica {}, {} spells", legend_duration(s.total), s.count))
        };
        entries.push((Swatch::Line(c, w), policy_label(agent, &run.policy), second));
    }
    if !ds {
        // Drawn over the policy lines, so a policy that holds the desired count leaves it visible.
        let desired = f64::from(replicas);
        chart.draw_series(DashedLineSeries::new(
            vec![(0.0, desired), (axis.end, desired)],
            6,
            7,
            GREY.stroke_width(2),
        ))?;
        entries.push((Swatch::Dashed(GREY, 2), "desired replicas (dashed)".to_string(), None));
    }
    legend(legend_area, "policy", &entries)
}

fn blind_spot_panel<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend_area: &DrawingArea<DB, Shift>,
    agent: &AgentInfo,
) -> DrawResult<DB> {
    let ds = agent.is_daemon_set();
    let measures: Vec<(&str, Vec<Duration>)> = if ds {
        vec![
            (
                "uncovered node-time",
                agent.runs.iter().map(|r| r.blind_spots.uncovered_nodes.unwrap_or_default().total).collect(),
            ),
            (
                "agent-less node-time",
                agent.runs.iter().map(|r| r.blind_spots.agentless_nodes.unwrap_or_default().total).collect(),
            ),
            (
                "stranded agent pod-time",
                agent.runs.iter().map(|r| r.blind_spots.stranded_agents.total).collect(),
            ),
        ]
    } else {
        vec![
            (
                "no-replica time",
                agent.runs.iter().map(|r| r.blind_spots.no_replica.unwrap_or_default().total).collect(),
            ),
            (
                "under-replicated time",
                agent.runs.iter().map(|r| r.blind_spots.under_replicated.unwrap_or_default().total).collect(),
            ),
            (
                "stranded agent pod-time",
                agent.runs.iter().map(|r| r.blind_spots.stranded_agents.total).collect(),
            ),
        ]
    };
    let max = measures.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or_default();
    let unit = span_unit(max);
    let top = (max.as_secs_f64() / unit.seconds * 1.18).max(1.0);
    let names: Vec<String> = measures.iter().map(|(n, _)| n.to_string()).collect();
    let m = measures.len();
    let mut chart = ChartBuilder::on(plot)
        .caption(format!("{}: summed blind-spot time", agent_caption(agent)), caption_style())
        .margin_left(10)
        .margin_right(20)
        .margin_top(6)
        .x_label_area_size(46)
        .y_label_area_size(64)
        .build_cartesian_2d((0f64..m as f64).keyed((0..m).map(|i| i as f64 + 0.5).collect()), 0f64..top)?;
    let kind_word = if ds { "node-time or pod-time" } else { "time or pod-time" };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("measure (lower is better)")
        .y_desc(format!("{kind_word} ({})", unit.name))
        .x_label_formatter(&|v| names.get(v.floor() as usize).cloned().unwrap_or_default())
        .y_label_formatter(&|v| tick(*v))
        .label_style(label_style())
        .axis_desc_style(desc_style())
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    let n = agent.runs.len().max(1);
    let slot = 0.8 / n as f64;
    for (mi, (_, values)) in measures.iter().enumerate() {
        for (i, v) in values.iter().enumerate() {
            let x0 = mi as f64 + 0.1 + slot * i as f64;
            let x1 = x0 + slot * 0.9;
            let y = v.as_secs_f64() / unit.seconds;
            let c = policy_colour(i);
            chart.draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, y)], c.filled())))?;
            chart
                .draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, y)], BLACK.stroke_width(1))))?;
            chart.draw_series(std::iter::once(Text::new(
                short_duration(*v),
                ((x0 + x1) / 2.0, y),
                TextStyle::from((FONT, 11).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))?;
        }
    }
    let entries: Vec<_> = agent
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| (Swatch::Bar(policy_colour(i)), policy_label(agent, &r.policy), None))
        .collect();
    legend(legend_area, "policy", &entries)
}

/// Marker shapes for drain outcomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Marker {
    Circle,
    Cross,
    Triangle,
    Square,
}

fn outcome_marker(outcome: &str) -> Marker {
    match outcome {
        "completed" => Marker::Circle,
        "timed_out" => Marker::Cross,
        "refused" | "failed" => Marker::Triangle,
        _ => Marker::Square,
    }
}

fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marker: Marker,
    (x, y): (i32, i32),
    c: RGBColor,
) -> DrawResult<DB> {
    match marker {
        Marker::Circle => area.draw(&Circle::new((x, y), 6, c.filled())),
        Marker::Cross => {
            area.draw(&PathElement::new(vec![(x - 7, y - 7), (x + 7, y + 7)], c.stroke_width(3)))?;
            area.draw(&PathElement::new(vec![(x - 7, y + 7), (x + 7, y - 7)], c.stroke_width(3)))
        }
        Marker::Triangle => {
            area.draw(&Polygon::new(vec![(x, y - 8), (x - 7, y + 6), (x + 7, y + 6)], c.filled()))
        }
        Marker::Square => area.draw(&Rectangle::new([(x - 6, y - 6), (x + 6, y + 6)], c.stroke_width(2))),
    }
}

fn drain_panel<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend_area: &DrawingArea<DB, Shift>,
    agent: &AgentInfo,
) -> DrawResult<DB> {
    let caption = format!("{}: drain durations", agent_caption(agent));
    let mut drainers: Vec<&str> = Vec::new();
    for d in agent.runs.iter().flat_map(|r| &r.drains) {
        if !drainers.contains(&d.drainer.as_str()) {
            drainers.push(&d.drainer);
        }
    }
    if drainers.is_empty() {
        return no_data(plot, &caption, "no drain in this scenario");
    }
    let max = agent.runs.iter().flat_map(|r| &r.drains).map(|d| d.duration).max().unwrap_or_default();
    let unit = span_unit(max);
    let top = (max.as_secs_f64() / unit.seconds * 1.2).max(1.0);
    let names: Vec<String> = agent.runs.iter().map(|r| r.policy.clone()).collect();
    let n = names.len();
    let mut chart = ChartBuilder::on(plot)
        .caption(caption, caption_style())
        .margin_left(10)
        .margin_right(20)
        .margin_top(6)
        .x_label_area_size(46)
        .y_label_area_size(64)
        .build_cartesian_2d((0f64..n as f64).keyed((0..n).map(|i| i as f64 + 0.5).collect()), 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("policy")
        .y_desc(format!("drain duration ({})", unit.name))
        .x_label_formatter(&|v| names.get(v.floor() as usize).cloned().unwrap_or_default())
        .y_label_formatter(&|v| tick(*v))
        .label_style(label_style())
        .axis_desc_style(desc_style())
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    // Policy slots are separated by thin lines; drainers sit side by side within a slot.
    for i in 1..n {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(i as f64, 0.0), (i as f64, top)],
            GREY.mix(0.4).stroke_width(1),
        )))?;
    }
    let k = drainers.len();
    let area = chart.plotting_area();
    for (pi, run) in agent.runs.iter().enumerate() {
        for (di, drainer) in drainers.iter().enumerate() {
            let x = pi as f64 + (di as f64 + 0.5 + 0.1 * k as f64) / (k as f64 * 1.2);
            let c = DRAINER_COLOURS[di % DRAINER_COLOURS.len()];
            let values: Vec<f64> = run
                .drains
                .iter()
                .filter(|d| d.drainer == *drainer)
                .map(|d| d.duration.as_secs_f64() / unit.seconds)
                .collect();
            if values.len() > 1 {
                let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = values.iter().copied().fold(0.0, f64::max);
                area.draw(&PathElement::new(vec![(x, lo), (x, hi)], c.stroke_width(2)))?;
            }
            for d in run.drains.iter().filter(|d| d.drainer == *drainer) {
                let y = d.duration.as_secs_f64() / unit.seconds;
                // The plotting area maps to backend pixels; the panel draws relative to its corner.
                let (px, py) = area.map_coordinate(&(x, y));
                let (ox, oy) = plot.get_base_pixel();
                draw_marker(plot, outcome_marker(&d.outcome), (px - ox, py - oy), c)?;
            }
        }
    }
    let mut entries: Vec<_> = drainers
        .iter()
        .enumerate()
        .map(|(i, d)| (Swatch::Bar(DRAINER_COLOURS[i % DRAINER_COLOURS.len()]), d.to_string(), None))
        .collect();
    for (m, name) in [
        (Marker::Circle, "completed"),
        (Marker::Cross, "timed out"),
        (Marker::Triangle, "refused or failed"),
        (Marker::Square, "unfinished at the horizon"),
    ] {
        entries.push((Swatch::Marker(GREY, m), name.to_string(), None));
    }
    legend(legend_area, "drainer / outcome", &entries)
}

/// A contention sub-panel: where, its caption, its y axis description and the value plotted.
type PanelSpec<'a, DB> = (&'a DrawingArea<DB, Shift>, String, &'static str, fn(&Row) -> u32);

fn contention_panel<DB: DrawingBackend>(
    plot: &DrawingArea<DB, Shift>,
    legend_area: &DrawingArea<DB, Shift>,
    data: &ReportData,
    agent: &AgentInfo,
) -> DrawResult<DB> {
    let axis = time_axis(data.summary.scenario.horizon);
    // The agent heads both panels of its row.
    let (head, plot) = plot.split_vertically(24);
    head.draw(&Text::new(
        agent_caption(agent),
        (((WIDTH - LEGEND_W) / 2) as i32, 12),
        caption_style().pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    let (left, right) = plot.split_horizontally((WIDTH - LEGEND_W) / 2);
    let n = agent.runs.len();
    let mut entries = Vec::new();
    for (i, run) in agent.runs.iter().enumerate() {
        let c = &run.contention;
        let evicted = c.business_evictions.map_or_else(String::new, |e| format!("{e} evicted, "));
        entries.push((
            Swatch::Line(policy_colour(i), line_width(i, n)),
            policy_label(agent, &run.policy),
            Some(format!(
                "{} pressured, {evicted}{} beside",
                legend_duration(c.pressured_time()),
                c.business_evictions_beside_agent
            )),
        ));
    }
    if !data.has_contention_series {
        let note = "timeseries.csv has no per-sample contention columns";
        no_data(&left, "agent pods on pressured nodes", note)?;
        no_data(&right, "business pods evicted by the kubelet", note)?;
        return legend(legend_area, "policy", &entries);
    }
    let panels: [PanelSpec<'_, DB>; 2] = [
        (&left, "agent pods on pressured nodes".to_string(), "agent pods (pods)", |r| {
            r.agent_pressured.unwrap_or(0)
        }),
        (&right, "business pods evicted by the kubelet".to_string(), "evicted so far (pods)", |r| {
            r.business_evicted.unwrap_or(0)
        }),
    ];
    for (area, caption, y_desc, value) in panels {
        let most = agent
            .runs
            .iter()
            .flat_map(|r| data.rows(&agent.name, &r.policy))
            .map(value)
            .max()
            .unwrap_or(0)
            .max(1);
        let step = (most / 8).max(1);
        let y_range = (0f64..f64::from(most) * 1.15 + 0.2)
            .keyed((0..=most).step_by(step as usize).map(f64::from).collect());
        let frame = TimeFrame {
            caption_style: TextStyle::from((FONT, 15).into_font().style(FontStyle::Bold)),
            margin_right: 16,
            x_ticks: 7,
            y_label_area: 56,
        };
        let mut chart = time_chart(area, caption, &frame, &axis, y_range, y_desc)?;
        for (i, run) in agent.runs.iter().enumerate() {
            let rows = data.rows(&agent.name, &run.policy);
            let pts = steps(rows, &axis, |r| f64::from(value(r)));
            draw_line(&mut chart, agent, i, pts, policy_colour(i), line_width(i, n))?;
        }
    }
    legend(legend_area, "policy", &entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_durations_keep_two_units() {
        assert_eq!(short_duration(Duration::ZERO), "0");
        assert_eq!(short_duration(Duration::from_secs(70)), "1m10s");
        assert_eq!(short_duration(Duration::from_secs(4 * 86_400 + 22 * 3600 + 59 * 60)), "4d22h");
        assert_eq!(short_duration(Duration::from_secs(3600 + 5)), "1h");
        assert_eq!(short_duration(Duration::from_millis(300)), "300ms");
    }

    #[test]
    fn earlier_policies_draw_wider_lines() {
        assert_eq!((0..4).map(|i| line_width(i, 4)).collect::<Vec<_>>(), [8, 6, 4, 2]);
        assert_eq!(line_width(0, 1), 2);
    }
}
