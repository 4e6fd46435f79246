//! Progress of `taintsim run` on stderr: one indicatif bar per policy run, filling as the
//! run's simulated clock advances, when stderr is a terminal; otherwise one plain
//! `[n/total] agent × policy` line per run. Nothing at all with `--quiet`.

use crate::engine::comparison::RunObserver;
use crate::time::{SimTime, format_duration};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::time::Duration;

/// How progress is shown.
enum Mode {
    Quiet,
    Lines,
    Bars { multi: MultiProgress, current: Option<ProgressBar> },
}

/// A [`RunObserver`] that shows progress on stderr.
pub struct Progress {
    mode: Mode,
    horizon: Duration,
}

impl Progress {
    /// Progress for runs of `horizon` simulated time: bars on a terminal, lines otherwise,
    /// nothing when `quiet`.
    pub fn new(quiet: bool, horizon: Duration) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            Mode::Bars { multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()), current: None }
        } else {
            Mode::Lines
        };
        Progress { mode, horizon }
    }
}

impl RunObserver for Progress {
    fn run_started(&mut self, number: usize, total: usize, agent: &str, policy: &str) {
        match &mut self.mode {
            Mode::Quiet => {}
            Mode::Lines => eprintln!("[{number}/{total}] {agent} × {policy}"),
            Mode::Bars { multi, current } => {
                let bar = multi.add(ProgressBar::new(self.horizon.as_secs().max(1)));
                let style = ProgressStyle::with_template(&format!(
                    "[{{prefix}}] {{msg:50}} {{bar:30.cyan/blue}} {{percent:>3}}% of {}",
                    format_duration(self.horizon)
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_prefix(format!("{number}/{total}"));
                bar.set_message(format!("{agent} × {policy}"));
                *current = Some(bar);
            }
        }
    }

    fn advanced(&mut self, at: SimTime) {
        if let Mode::Bars { current: Some(bar), .. } = &self.mode {
            bar.set_position(at.since_start().as_secs());
        }
    }

    fn run_finished(&mut self) {
        if let Mode::Bars { current, .. } = &mut self.mode {
            if let Some(bar) = current.take() {
                bar.set_position(self.horizon.as_secs().max(1));
                bar.finish();
            }
        }
    }
}
