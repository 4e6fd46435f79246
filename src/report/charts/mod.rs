//! Charts of a comparison, as SVG and PNG: coverage over time, blind-spot time per policy,
//! drain durations, and contention over time.
//!
//! Drawn with plotters on its SVG and bitmap backends. Text is laid out with the DejaVu Sans
//! font compiled into the binary (registered with plotters before anything is drawn), so no
//! system font library is needed; the bitmap is encoded to PNG with the `png` crate. Colours
//! come from the Okabe–Ito palette, which stays distinct for colour-blind readers; lines of
//! different policies also differ in width, so identical runs drawn on top of each other stay
//! visible.
//!
//! Every chart is a pure function of [`ReportData`], which is read back from the saved report
//! files, so `taintsim run` and `taintsim chart` draw the same bytes.

pub mod data;
mod draw;

pub use data::{InputError, ReportData};

use super::ReportFile;
use std::sync::OnceLock;

/// One chart in both formats.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File name without extension (`chart-coverage`).
    pub stem: &'static str,
    /// Title, as drawn at the top of the chart.
    pub title: &'static str,
    /// What the chart shows, one sentence (used under the chart in `index.html`).
    pub caption: &'static str,
    /// The SVG document.
    pub svg: String,
    /// The PNG file.
    pub png: Vec<u8>,
}

/// The chart files, in the order [`render`] returns them.
pub const CHART_STEMS: [&str; 4] =
    ["chart-coverage", "chart-blind-spots", "chart-drains", "chart-contention"];

/// File names of the charts: SVG then PNG of each chart, in the order of [`CHART_STEMS`].
pub const CHART_FILES: [&str; 8] = [
    "chart-coverage.svg",
    "chart-coverage.png",
    "chart-blind-spots.svg",
    "chart-blind-spots.png",
    "chart-drains.svg",
    "chart-drains.png",
    "chart-contention.svg",
    "chart-contention.png",
];

/// Renders the charts and `index.html` from saved (or just rendered) report contents: the
/// chart files in the order of [`CHART_FILES`], then the page.
pub fn render_files(data: &ReportData) -> Result<Vec<ReportFile>, ChartError> {
    let charts = render(data)?;
    let mut files = Vec::new();
    for (i, chart) in charts.iter().enumerate() {
        files.push(ReportFile { name: CHART_FILES[2 * i], contents: chart.svg.clone().into_bytes() });
        files.push(ReportFile { name: CHART_FILES[2 * i + 1], contents: chart.png.clone() });
    }
    files.push(ReportFile {
        name: super::html::INDEX_HTML,
        contents: super::html::render(data, &charts).into_bytes(),
    });
    Ok(files)
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("{stem}: cannot draw the chart: {message}")]
pub struct ChartError {
    /// The chart concerned.
    pub stem: &'static str,
    /// What went wrong.
    pub message: String,
}

/// Family name under which the embedded font is registered.
const FONT: &str = "sans-serif";

/// Registers the embedded DejaVu Sans with plotters, once per process. Text drawn before this
/// would find no font.
pub fn register_fonts() -> Result<(), String> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        use plotters::style::{FontStyle, register_font};
        register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
            .map_err(|_| "the embedded regular font does not load".to_string())?;
        register_font(FONT, FontStyle::Bold, dejavu::sans::bold())
            .map_err(|_| "the embedded bold font does not load".to_string())
    })
    .clone()
}

/// Draws every chart of `data`.
pub fn render(data: &ReportData) -> Result<Vec<Chart>, ChartError> {
    register_fonts().map_err(|message| ChartError { stem: CHART_STEMS[0], message })?;
    let specs: [(&'static str, &'static str, &'static str, draw::Kind); 4] = [
        (
            CHART_STEMS[0],
            "Agent coverage over time",
            "DaemonSet agents: share of usable nodes running business pods that also run an agent pod. \
             Deployment agents: running replicas against the desired count.",
            draw::Kind::Coverage,
        ),
        (
            CHART_STEMS[1],
            "Blind-spot time per policy",
            "Summed over the run: node-time without an agent pod, agent pod-time stranded on dead nodes, \
             time without (enough) cluster-agent replicas.",
            draw::Kind::BlindSpots,
        ),
        (
            CHART_STEMS[2],
            "Drain durations per policy and drainer",
            "Each marker is one drain; its shape gives the outcome, a cross marks a time-out.",
            draw::Kind::Drains,
        ),
        (
            CHART_STEMS[3],
            "Contention over time",
            "Agent pods on nodes under memory, disk or PID pressure, and business pods the kubelet has \
             evicted since the start.",
            draw::Kind::Contention,
        ),
    ];
    specs
        .into_iter()
        .map(|(stem, title, caption, kind)| {
            let fail = |message: String| ChartError { stem, message };
            let size = draw::size(kind, data);
            let mut svg = String::new();
            draw::draw(kind, title, data, plotters::prelude::SVGBackend::with_string(&mut svg, size))
                .map_err(fail)?;
            let mut buf = vec![0u8; size.0 as usize * size.1 as usize * 3];
            draw::draw(kind, title, data, plotters::prelude::BitMapBackend::with_buffer(&mut buf, size))
                .map_err(fail)?;
            let png = encode_png(&buf, size).map_err(fail)?;
            Ok(Chart { stem, title, caption, svg, png })
        })
        .collect()
}

/// Encodes an RGB buffer as PNG.
fn encode_png(rgb: &[u8], (w, h): (u32, u32)) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}
