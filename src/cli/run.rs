//! `taintsim run [SCENARIO] [--out DIR] [--seed N] [--quiet]`

use crate::engine::comparison::run_comparison_observed;
use crate::measures::{Comparison, StartIssue};
use crate::report;
use crate::scenario::{self, Scenario, ScenarioError};
use clap::Args as ClapArgs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Exit code for bad input (a missing, unreadable or invalid scenario; a bad command line).
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code for other failures (reports could not be written).
pub const EXIT_FAILURE: u8 = 1;

/// Examples and notes shown at the end of `taintsim run --help`.
pub const RUN_EXAMPLES: &str = "\
Examples:
  taintsim run
      Compare the policies of the embedded default scenario; reports go to reports/<name>/.
  taintsim run scenarios/threatmapper.ron --out /tmp/tm
      Run a scenario file and write the reports into /tmp/tm.
  taintsim run my-cluster.ron --seed 7 --quiet
      Same scenario with seed 7, no progress output.
  for s in 1 2 3 4 5; do taintsim run my-cluster.ron --seed $s --quiet --out reports/seed-$s; done
      Run a few seeds before drawing conclusions (see Seeds).
  taintsim run --dump-timeline --seed 7 > week-seed7.txt
      Print every timeline entry, the generated week included, as scenario file entries
      (each with a comment naming its source) to paste into a scenario's `timeline: [...]`.
  taintsim run --nodes nodes.yaml --out reports/my-nodes
      The default agents, policies and timeline on your nodes (`kubectl get nodes -o yaml`).
  taintsim run --nodes nodes.yaml --pods pods.yaml --agents agents.yaml --policy values.yaml:tolerations
      Your cluster, your rendered agent and your values file's tolerations; see `taintsim import --help`.

Seeds:
  The seed fixes the events the scenario's generators draw (node failures, outages,
  pressure episodes, maintenance, spot interruptions; the same for every policy) and the
  scheduler's tie-breaks between equally good nodes. A single-replica
  agent's landing node can therefore change with the seed, and with it which timeline events
  hit the agent: its measures can change a lot from one seed to another. Compare a few seeds
  before concluding.

Output:
  stdout  one comparison table per agent, then the paths of the report files
  stderr  progress per run and timing (left out with --quiet); warnings about pods the
          cluster could not start with, notes on input files and ignored input (always);
          errors
  files   report.md, summary.json (schema taintsim.summary/v1), timeseries.csv, drains.csv,
          the charts (chart-*.svg and chart-*.png) and index.html; identical bytes for
          identical input; replaced all together or not at all

Options go after the command: `taintsim run --seed 3`, not `taintsim --seed 3 run`.

Exit status: 0 on success; 2 on bad input (a scenario file or an input file of --nodes,
--pods, --pdbs, --agents, --policy or --timeline that is missing, unreadable or invalid, or a
bad command line); 1 when the reports cannot be written.";

/// Arguments of `taintsim run`.
#[derive(Clone, Debug, Default, ClapArgs)]
#[command(after_help = RUN_EXAMPLES)]
pub struct Args {
    /// Scenario file (RON); the embedded default scenario when omitted.
    #[arg(value_name = "SCENARIO")]
    pub scenario: Option<PathBuf>,

    /// Folder for the report files, created if needed; `reports/<scenario name>/` by default.
    #[arg(
        long,
        short,
        value_name = "DIR",
        help = "Folder for the report files, created if needed [default: reports/<scenario name>/]"
    )]
    pub out: Option<PathBuf>,

    /// Seed replacing the scenario's own: it fixes the generated events, the usage walks and
    /// the scheduler's tie-breaks (see Seeds below, and the README's section "Seeds").
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// No progress and timing lines on stderr (warnings and errors are still printed).
    #[arg(long, short)]
    pub quiet: bool,

    /// Input files replacing parts of the scenario (see `taintsim import --help`).
    #[command(flatten)]
    pub inputs: super::import::InputArgs,

    /// Print the whole timeline (written and generated entries, in time order, as scenario
    /// file entries with their source) to stdout, and stop without running.
    #[arg(long)]
    pub dump_timeline: bool,
}

/// Loads the scenario named by `path`, or the embedded default, with its seed replaced by
/// `seed` when given (generated events are drawn from it while loading).
pub fn load(path: Option<&Path>, seed: Option<u64>) -> Result<Scenario, ScenarioError> {
    match path {
        Some(p) => scenario::load_file_with_seed(p, seed),
        None => Ok(scenario::default_scenario_with_seed(seed)),
    }
}

/// The default report folder for a scenario: `reports/<name>`, with any character other than
/// letters, digits, `.`, `_` and `-` replaced by `_` (and `.`/`..` avoided), so the name can
/// never point outside `reports/`.
pub fn default_out_dir(scenario_name: &str) -> PathBuf {
    let mut safe: String = scenario_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .collect();
    if safe.chars().all(|c| c == '.') {
        safe = format!("scenario{}", safe.replace('.', "_"));
    }
    Path::new("reports").join(safe)
}

/// One warning line per distinct start-up problem of `cmp` (same workload, pod count and
/// reason), saying in how many runs it happened; in order of first appearance.
pub fn start_warnings(cmp: &Comparison) -> Vec<String> {
    let runs: Vec<_> = cmp.agents.iter().flat_map(|a| &a.runs).collect();
    let mut distinct: Vec<(&StartIssue, usize)> = Vec::new();
    for issue in runs.iter().flat_map(|r| &r.start_issues) {
        match distinct.iter_mut().find(|(seen, _)| *seen == issue) {
            Some((_, n)) => *n += 1,
            None => distinct.push((issue, 1)),
        }
    }
    distinct
        .into_iter()
        .map(|(issue, n)| {
            let pods = if issue.pods == 1 { "1 pod".to_string() } else { format!("{} pods", issue.pods) };
            let which =
                if n == runs.len() { "every run".to_string() } else { format!("{n} of {} runs", runs.len()) };
            format!(
                "warning: {pods} of {} not running at the start ({which}): {}",
                issue.workload.replace(['\n', '\r'], " "),
                issue.reason.trim().replace(['\n', '\r'], " ")
            )
        })
        .collect()
}

/// Writes to stdout; a closed pipe (`taintsim run | head`) is not an error.
fn stdout_write(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Runs the comparison and writes the reports; returns the process exit code.
pub fn run(args: &Args) -> ExitCode {
    let inputs = args.inputs.inputs();
    let loaded = if inputs.is_empty() {
        load(args.scenario.as_deref(), args.seed).map_err(|e| e.to_string())
    } else if args.scenario.is_some() {
        Err("a scenario file and input files (--nodes, --pods, ...) cannot be combined: input files \
             replace parts of the default scenario; import them into a scenario file instead"
            .to_string())
    } else {
        super::import::compose_and_load(&inputs, args.seed)
            .map(|(composed, scenario)| {
                super::import::print_notes(&composed);
                scenario
            })
            .map_err(|e| e.to_string())
    };
    let scenario = match loaded {
        Ok(s) => s,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    if inputs.is_empty() {
        for i in &scenario.ignored {
            eprintln!("taintsim: ignored: {i}");
        }
    }
    if args.dump_timeline {
        return match stdout_write(&scenario.dump_timeline()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("taintsim: cannot write to stdout: {e}");
                ExitCode::from(EXIT_FAILURE)
            }
        };
    }
    let out_dir = args.out.clone().unwrap_or_else(|| default_out_dir(&scenario.name));

    let started = Instant::now();
    let cmp =
        run_comparison_observed(&scenario, &mut super::progress::Progress::new(args.quiet, scenario.horizon));
    let elapsed = started.elapsed();
    let warnings = start_warnings(&cmp);
    for w in &warnings {
        eprintln!("taintsim: {w}");
    }
    if !warnings.is_empty() {
        eprintln!(
            "taintsim: warning: the cluster did not start as the scenario writes it; see \"Start-up problems\" in {}",
            out_dir.join(report::REPORT_MD).display()
        );
    }

    if let Err(e) = stdout_write(&report::console::render(&scenario, &cmp)) {
        eprintln!("taintsim: cannot write to stdout: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }
    let paths = match report::write_reports(&out_dir, &scenario, &cmp) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut listing = String::from("\nReports written:\n");
    for p in &paths {
        listing.push_str(&format!("  {}\n", p.display()));
    }
    if let Err(e) = stdout_write(&listing) {
        eprintln!("taintsim: cannot write to stdout: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }

    if !args.quiet {
        let events: u64 = cmp.agents.iter().flat_map(|a| &a.runs).map(|r| r.events).sum();
        let runs: usize = cmp.agents.iter().map(|a| a.runs.len()).sum();
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { format!("{:.0}", events as f64 / secs) } else { "n/a".into() };
        eprintln!("{runs} runs, {events} events in {secs:.3} s ({rate} events/s)");
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::{AgentComparison, BlindSpots, RunOutput};

    fn run_with(policy: &str, issues: Vec<StartIssue>) -> RunOutput {
        RunOutput {
            agent: "a".into(),
            agent_kind: "DaemonSet",
            policy: policy.into(),
            effective_tolerations: Vec::new(),
            blind_spots: BlindSpots::default(),
            counters: Default::default(),
            samples: Vec::new(),
            agent_log: Vec::new(),
            start_issues: issues,
            drains: Vec::new(),
            contention: Default::default(),
            events: 0,
        }
    }

    fn issue(workload: &str, pods: u32, reason: &str) -> StartIssue {
        StartIssue { workload: workload.into(), pods, reason: reason.into() }
    }

    #[test]
    fn one_warning_per_distinct_start_up_problem() {
        let web = issue("web", 2, "0/3 nodes are available: 3 Insufficient cpu.");
        let pinned = issue("pinned", 1, "kubelet on w1 rejected it: Insufficient memory");
        let cmp = Comparison {
            agents: vec![AgentComparison {
                agent: "a".into(),
                kind: "DaemonSet",
                runs: vec![
                    run_with("p1", vec![web.clone(), pinned.clone()]),
                    run_with("p2", vec![web.clone()]),
                    run_with("p3", vec![web]),
                ],
                equivalent: Vec::new(),
            }],
        };
        assert_eq!(
            start_warnings(&cmp),
            [
                "warning: 2 pods of web not running at the start (every run): 0/3 nodes are available: 3 \
                 Insufficient cpu.",
                "warning: 1 pod of pinned not running at the start (1 of 3 runs): kubelet on w1 rejected it: \
                 Insufficient memory",
            ]
        );
        let clean = Comparison { agents: vec![] };
        assert!(start_warnings(&clean).is_empty());
    }

    #[test]
    fn default_folder_stays_inside_reports() {
        assert_eq!(default_out_dir("threatmapper"), Path::new("reports/threatmapper"));
        assert_eq!(default_out_dir("../etc"), Path::new("reports/.._etc"));
        assert_eq!(default_out_dir(".."), Path::new("reports/scenario__"));
        assert_eq!(default_out_dir("a/b c"), Path::new("reports/a_b_c"));
    }
}
