//! `taintsim import`: Kubernetes objects to a scenario file; and the input options that
//! `taintsim run` shares with it.

use super::run::{EXIT_BAD_INPUT, EXIT_FAILURE};
use crate::import::{self, Composed, Inputs};
use crate::scenario::{self, Scenario, ScenarioError};
use clap::Args as ClapArgs;
use std::path::PathBuf;
use std::process::ExitCode;

/// Examples shown at the end of `taintsim import --help`.
pub const IMPORT_EXAMPLES: &str = "\
Examples:
  kubectl get nodes -o yaml > nodes.yaml
  kubectl get pods -A -o yaml > pods.yaml
  kubectl get pdb -A -o yaml > pdbs.yaml
  helm template deepfence-agent deepfence/deepfence-agent -f my-values.yaml > agents.yaml
  taintsim import --nodes nodes.yaml --pods pods.yaml --pdbs pdbs.yaml --agents agents.yaml -o my-cluster.ron
      Write a scenario of the cluster; `taintsim run my-cluster.ron` runs it.
  taintsim import --nodes nodes.yaml --agents scenarios/threatmapper-agents.yaml \\
      --policy values-prod.yaml:tolerations@deepfence-agent \\
      --policy values-prod.yaml:cluster_agent.tolerations@deepfence-agent-cluster
      Compare the tolerations of a values file (and nothing else) on these nodes.

Inputs:
  Files are YAML or JSON: single objects, List objects (kubectl's `kind: List`, NodeList, ...)
  and multi-document streams (helm template output). Every input is optional; what is not
  given comes from the embedded default scenario (its agents, policies, timeline, horizon,
  settings). Default timeline entries and generators naming nodes or workloads that the
  inputs do not have are left out, with a note on stderr and in the file.

Policies (--policy, repeatable; replaces the default policies):
  [NAME=]FILE[:KEY.PATH][@AGENT[,AGENT...]]
  FILE holds a list of tolerations, or a mapping with a top-level `tolerations` key, or (with
  :KEY.PATH) a Helm values file whose tolerations are at that dotted key path. NAME defaults
  to the file's stem plus the path without its last `tolerations`; @AGENT limits the policy to
  those agents (applies_to). With --agents, each agent also runs with the tolerations the
  manifest gives it (policy <agent>-as-rendered), the baseline the others are compared with.

Exit status: 0 on success; 2 on bad input (the message names file, document, object and
field); 1 when the scenario file cannot be written.";

/// The input files `import` and `run` accept.
#[derive(Clone, Debug, Default, ClapArgs)]
pub struct InputArgs {
    /// Node list (`kubectl get nodes -o yaml` or `-o json`); replaces the default scenario's
    /// nodes.
    #[arg(long, value_name = "FILE")]
    pub nodes: Option<PathBuf>,

    /// Pod list (`kubectl get pods -A -o yaml`): the business workloads, grouped by owner;
    /// replaces the default scenario's workloads.
    #[arg(long, value_name = "FILE")]
    pub pods: Option<PathBuf>,

    /// PodDisruptionBudgets (`kubectl get pdb -A -o yaml`); replaces the default budgets.
    #[arg(long, value_name = "FILE")]
    pub pdbs: Option<PathBuf>,

    /// The agent as `helm template` renders it: its DaemonSets and Deployments replace the
    /// default agents.
    #[arg(long, value_name = "FILE")]
    pub agents: Option<PathBuf>,

    /// A toleration policy from YAML: `[NAME=]FILE[:KEY.PATH][@AGENT,...]` (repeatable);
    /// replaces the default policies.
    #[arg(long = "policy", value_name = "SPEC")]
    pub policies: Vec<String>,

    /// Timeline entries (a RON list, as `run --dump-timeline` prints); replaces the default
    /// timeline and its generators.
    #[arg(long, value_name = "FILE")]
    pub timeline: Option<PathBuf>,

    /// Name of the composed scenario [default: the first input file's stem].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

impl InputArgs {
    /// The importer's inputs.
    pub fn inputs(&self) -> Inputs {
        Inputs {
            nodes: self.nodes.clone(),
            pods: self.pods.clone(),
            pdbs: self.pdbs.clone(),
            agents: self.agents.clone(),
            policies: self.policies.clone(),
            timeline: self.timeline.clone(),
            name: self.name.clone(),
        }
    }
}

/// Arguments of `taintsim import`.
#[derive(Clone, Debug, Default, ClapArgs)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct Args {
    /// The input files.
    #[command(flatten)]
    pub inputs: InputArgs,

    /// Scenario file to write (RON); stdout when omitted.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Why composing failed: bad input or an invalid composed scenario.
#[derive(Debug)]
pub enum ComposeError {
    /// An input file is unreadable or malformed.
    Input(import::ImportError),
    /// The composed scenario does not validate.
    Scenario(ScenarioError),
}

impl std::fmt::Display for ComposeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ComposeError::Input(e) => e.fmt(f),
            ComposeError::Scenario(e) => write!(f, "the composed scenario does not validate: {e}"),
        }
    }
}

/// Name under which a composed scenario reports its errors.
pub const COMPOSED_ORIGIN: &str = "(composed scenario)";

/// Composes the inputs and loads the result (with `seed` replacing the scenario's).
pub fn compose_and_load(inputs: &Inputs, seed: Option<u64>) -> Result<(Composed, Scenario), ComposeError> {
    let composed = import::compose(inputs).map_err(ComposeError::Input)?;
    let scenario =
        scenario::check_str_with_seed(&composed.source, COMPOSED_ORIGIN, seed).map_err(|mut e| {
            let first = e.swap_remove(0);
            // A rule broken by an input is reported at that input.
            match first.diagnostic().and_then(|d| composed.origins.locate(d)) {
                Some(at_input) => ComposeError::Input(at_input),
                None => ComposeError::Scenario(first),
            }
        })?;
    Ok((composed, scenario))
}

/// Notes of one kind beyond which stderr gets a count instead of every line.
const NOTES_SHOWN: usize = 3;

/// The kind of a note about a default entry left out (`default timeline entry`, ...), for
/// counting them; `None` for other notes.
fn note_kind(note: &str) -> Option<&'static str> {
    [
        ("default timeline entry ", "default timeline entries"),
        ("default workload ", "default workloads"),
        ("default generator ", "default generators"),
        ("default policy ", "default policies"),
        ("default budget ", "default budgets"),
    ]
    .into_iter()
    .find(|(prefix, _)| note.starts_with(prefix) && note.contains(" left out"))
    .map(|(_, plural)| plural)
}

/// The composition's notes as printed on stderr: notes about default entries left out are
/// shown up to [`NOTES_SHOWN`] of a kind, then counted (the scenario file `taintsim import`
/// writes lists every one).
pub fn note_lines(composed: &Composed) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for w in &composed.warnings {
        if let Some(kind) = note_kind(w) {
            *counts.entry(kind).or_default() += 1;
        }
    }
    let mut shown: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut lines = Vec::new();
    for w in &composed.warnings {
        let Some(kind) = note_kind(w) else {
            lines.push(w.clone());
            continue;
        };
        let n = shown.entry(kind).or_default();
        *n += 1;
        let total = counts[kind];
        if total <= NOTES_SHOWN || *n < NOTES_SHOWN {
            lines.push(w.clone());
        } else if *n == NOTES_SHOWN {
            lines.push(format!(
                "... and {} more {kind} left out (`taintsim import` with the same options lists each one as a \
                 `// Note:` line of the scenario file)",
                total - NOTES_SHOWN + 1
            ));
        }
    }
    lines
}

/// Prints the composition's notes to stderr.
pub fn print_notes(composed: &Composed) {
    for w in note_lines(composed) {
        eprintln!("taintsim: note: {w}");
    }
    for i in &composed.ignored {
        eprintln!("taintsim: ignored: {i}");
    }
}

/// Runs `taintsim import`.
pub fn run(args: &Args) -> ExitCode {
    let inputs = args.inputs.inputs();
    if inputs.is_empty() {
        eprintln!(
            "taintsim: import: give at least one input (--nodes, --pods, --pdbs, --agents, --policy, --timeline)"
        );
        return ExitCode::from(EXIT_BAD_INPUT);
    }
    let (composed, _) = match compose_and_load(&inputs, None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("taintsim: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    print_notes(&composed);
    let written = match &args.out {
        Some(path) => std::fs::write(path, &composed.source).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            match out.write_all(composed.source.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
                _ => Ok(()),
            }
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("taintsim: cannot write the scenario: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
