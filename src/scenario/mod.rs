//! Scenarios: what a run simulates.
//!
//! A scenario file (RON, see the README's "Scenario files" section) is parsed and validated
//! into a [`Scenario`], the resolved form the engine consumes: node groups expanded into
//! nodes, quantities and durations parsed, defaults of the named Kubernetes version filled in.
//!
//! [`load_file`] and [`load_str`] do both steps; every error they return names the file, the
//! line and column, and the field path (`scenarios/x.ron:42:7: timeline[3].node: unknown node
//! "w9" (known: w1, w2)`). [`default_scenario`] is the embedded `scenarios/threatmapper.ron`.

use crate::controllers::disruption::{BudgetRule, LabelSelector, UnhealthyPodEvictionPolicy};
use crate::controllers::drain::Drainer;
use crate::model::usage::UsageResource;
use crate::model::{PodTemplate, Quantity, ResourceList, Taint, TaintEffect, Toleration};
use crate::time::SimTime;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

mod error;
pub(crate) mod file;
pub mod generators;
mod locate;
pub(crate) mod names;
mod resolve;
pub mod settings;

pub use error::{Diagnostic, ScenarioError};
pub use generators::{Generator, GeneratorTally};
pub use settings::{ControllerSettings, KubeVersion};

/// The label the `pool:` shorthand of a scenario node sets. Real clusters use a provider's
/// own key (`cloud.google.com/gke-nodepool`, `eks.amazonaws.com/nodegroup`, `agentpool`, ...);
/// scenarios that need one of those write it under `labels`.
pub const POOL_LABEL: &str = "taintsim.io/pool";

/// Seed used when a scenario file names none.
pub const DEFAULT_SEED: u64 = 1;

/// The embedded default scenario (`scenarios/threatmapper.ron`).
pub const DEFAULT_SCENARIO_SOURCE: &str = include_str!("../../scenarios/threatmapper.ron");

/// Name under which the embedded default scenario reports its errors.
const DEFAULT_SCENARIO_ORIGIN: &str = "scenarios/threatmapper.ron";

/// Reads, parses and validates a scenario file. Errors name `path` as given.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    load_file_with_seed(path, None)
}

/// [`load_file`] with the file's seed replaced by `seed` when given. Generators draw their
/// events from the seed while loading, so a seed given on the command line is passed here
/// rather than set on the loaded scenario.
pub fn load_file_with_seed(path: &Path, seed: Option<u64>) -> Result<Scenario, ScenarioError> {
    let origin = path.display().to_string();
    let source =
        std::fs::read_to_string(path).map_err(|source| ScenarioError::Io { path: origin.clone(), source })?;
    check_str_with_seed(&source, &origin, seed).map_err(|mut errors| errors.swap_remove(0))
}

/// Parses and validates scenario text; `origin` (usually the file name) starts every error
/// message. When the text has several problems, the first in file order is returned;
/// [`check_str`] returns them all.
pub fn load_str(source: &str, origin: &str) -> Result<Scenario, ScenarioError> {
    check_str(source, origin).map_err(|mut errors| errors.swap_remove(0))
}

/// Like [`load_str`], but returns every problem found, in file order. A syntax error stops the
/// check, so it is then the only one. The error list is never empty.
pub fn check_str(source: &str, origin: &str) -> Result<Scenario, Vec<ScenarioError>> {
    check_str_with_seed(source, origin, None)
}

/// [`check_str`] with the file's seed replaced by `seed` when given.
pub fn check_str_with_seed(
    source: &str,
    origin: &str,
    seed: Option<u64>,
) -> Result<Scenario, Vec<ScenarioError>> {
    let map = locate::SourceMap::new(source);
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let parsed: file::ScenarioFile = options
        .from_str(source)
        .map_err(|e| vec![ScenarioError::Syntax(syntax_diagnostic(&e, &map, origin))])?;
    resolve::resolve(&parsed, &map, origin, seed)
        .map_err(|problems| problems.into_iter().map(ScenarioError::Invalid).collect())
}

/// The embedded default scenario: the ThreatMapper agents on a real OpenShift-on-GCP node list.
///
/// # Panics
///
/// Never in a released build: the embedded file is loaded by the test suite, so a broken copy
/// fails the tests first.
pub fn default_scenario() -> Scenario {
    default_scenario_with_seed(None)
}

/// The embedded default scenario with its seed replaced by `seed` when given (its generated
/// week drawn from that seed).
pub fn default_scenario_with_seed(seed: Option<u64>) -> Scenario {
    check_str_with_seed(DEFAULT_SCENARIO_SOURCE, DEFAULT_SCENARIO_ORIGIN, seed)
        .unwrap_or_else(|e| panic!("the embedded default scenario is valid (tested): {}", e[0]))
}

/// Turns a `ron` error into a diagnostic with the field path around its position.
fn syntax_diagnostic(e: &ron::error::SpannedError, map: &locate::SourceMap<'_>, origin: &str) -> Diagnostic {
    use ron::error::Error as E;
    // `ron` sometimes stops just before the blank that precedes the offending token.
    let offset = map.skip_blanks(map.offset_of(e.span.start.line, e.span.start.col));
    let locate::LineCol { line, column } = map.line_col(offset);
    let mut field = map.path_at(offset);
    let mut message = e.code.to_string();
    match &e.code {
        // `ron` places a missing field at the closing parenthesis of its struct.
        E::MissingStructField { field: missing, .. } => {
            field = if field.is_empty() { missing.to_string() } else { format!("{field}.{missing}") };
            message = format!("missing field `{missing}`");
        }
        E::ExpectedIdentifier if field.ends_with("kind") || field.ends_with("event") => {
            message.push_str(" (kinds and events are bare words: kind: Deployment, event: Silent)");
        }
        E::ExpectedString => message.push_str(" (write text in double quotes)"),
        _ => {}
    }
    Diagnostic { origin: origin.to_string(), line, column: Some(column), field, message }
}

/// A validated scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short name; also the default report folder name.
    pub name: String,
    /// Free text shown at the top of reports.
    pub description: String,
    /// Simulated Kubernetes version; decides version-dependent defaults.
    pub kubernetes_version: KubeVersion,
    /// Seed of the run's random number generator and of the generators. The generated
    /// events are drawn while loading: setting another seed here afterwards changes the
    /// runs' own draws only; load with [`load_file_with_seed`] to draw them again.
    pub seed: u64,
    /// Simulated time span of each run.
    pub horizon: Duration,
    /// Controller, kubelet and API server settings.
    pub settings: ControllerSettings,
    /// Nodes present at the start, in file order (groups expanded).
    pub nodes: Vec<NodeDef>,
    /// Business workloads (everything that is not an agent).
    pub workloads: Vec<Workload>,
    /// Agent workloads whose tolerations the policies replace.
    pub agents: Vec<Workload>,
    /// Toleration policies to compare.
    pub policies: Vec<Policy>,
    /// Scripted events, written and generated, sorted by time (stable for equal times).
    pub timeline: Vec<TimelineEvent>,
    /// PodDisruptionBudgets.
    pub pdbs: Vec<PdbDef>,
    /// Generators, in file order, each with what it drew.
    pub generators: Vec<(Generator, GeneratorTally)>,
    /// The timeline entries as written and as generated, in time order, for people.
    pub listing: Vec<ListedEvent>,
    /// Input the scenario was imported from that the simulator does not model (inter-pod
    /// affinity, topology spread constraints, ...), one line each; shown in the reports.
    pub ignored: Vec<String>,
}

impl Scenario {
    /// The whole timeline as scenario-file entries, one per line, each followed by a comment
    /// naming where it comes from; pasted into a scenario's `timeline: [...]` it replays the
    /// same events without the generators.
    pub fn dump_timeline(&self) -> String {
        let generated = self.listing.iter().filter(|l| l.source.starts_with("generators")).count();
        let mut out = format!(
            "// Timeline of scenario {:?}, seed {}, horizon {}: {} written and {} generated entries in time\n\
             // order. Entries aimed at node_of a workload find their node during each run.\n",
            self.name,
            self.seed,
            crate::time::format_duration(self.horizon),
            self.listing.len() - generated,
            generated
        );
        for (i, (g, tally)) in self.generators.iter().enumerate() {
            out.push_str(&format!(
                "// generators[{i}] {:?} ({}): {} generated, {} skipped (node already disrupted); {}\n",
                g.name,
                g.kind.as_str(),
                tally.occurrences,
                tally.skipped,
                g.describe()
            ));
        }
        out.push_str("[\n");
        for l in &self.listing {
            out.push_str(&format!("    {}, // {}\n", l.entry, l.source));
        }
        out.push_str("]\n");
        out
    }
}

/// One timeline entry for people: when, where it comes from (`timeline[3]`,
/// `generators[0] "worker-crashes"`) and the entry as a scenario file writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedEvent {
    /// When it starts.
    pub at: SimTime,
    /// The field path of its source.
    pub source: String,
    /// The entry as written in a scenario file.
    pub entry: String,
}

/// A PodDisruptionBudget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdbDef {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`; it selects pods of this namespace only.
    pub namespace: String,
    /// `spec.selector`.
    pub selector: LabelSelector,
    /// `spec.minAvailable` or `spec.maxUnavailable`.
    pub rule: BudgetRule,
    /// `spec.unhealthyPodEvictionPolicy`.
    pub unhealthy_pod_eviction_policy: UnhealthyPodEvictionPolicy,
}

/// A node pressure condition the kubelet reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PressureCondition {
    /// `MemoryPressure`.
    Memory,
    /// `DiskPressure`.
    Disk,
    /// `PIDPressure`.
    Pid,
}

impl PressureCondition {
    /// The condition type as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            PressureCondition::Memory => "MemoryPressure",
            PressureCondition::Disk => "DiskPressure",
            PressureCondition::Pid => "PIDPressure",
        }
    }

    /// Parses [`PressureCondition::as_str`] names.
    pub fn parse(s: &str) -> Option<PressureCondition> {
        [PressureCondition::Memory, PressureCondition::Disk, PressureCondition::Pid]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
}

/// How a node is drained and taken down for maintenance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrainSpec {
    /// Who drains.
    pub drainer: Drainer,
    /// The drainer's time limit: kubectl `--timeout` and Cluster API `nodeDrainTimeout` (the
    /// drain gives up), Karpenter's NodeClaim `terminationGracePeriod` (pods are force-deleted
    /// then), cluster-autoscaler's `--max-graceful-termination-sec`. `None`: no limit.
    pub timeout: Option<Duration>,
    /// How long the node stays down once the drain has let it go; it then comes back,
    /// uncordoned and without the drainer's taint.
    pub down_for: Duration,
    /// A spot interruption: the node is lost when `timeout` (the notice) runs out, whatever
    /// the drain has done by then; a drain over sooner leaves it cordoned until then.
    pub interruption: bool,
}

/// cluster-autoscaler's default `--max-graceful-termination-sec` (600 s): the timeout of a
/// `cluster-autoscaler` drain that names none.
pub const CLUSTER_AUTOSCALER_DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

impl DrainSpec {
    /// The timeout of a Drain event that names none: the drainer's own default. kubectl's
    /// `--timeout` (0 = forever), Cluster API's `nodeDrainTimeout` and Karpenter's NodeClaim
    /// `terminationGracePeriod` are unset by default; cluster-autoscaler waits at most
    /// [`CLUSTER_AUTOSCALER_DEFAULT_TIMEOUT`].
    pub fn default_timeout(drainer: Drainer) -> Option<Duration> {
        match drainer {
            Drainer::Kubectl | Drainer::ClusterApi | Drainer::Karpenter => None,
            Drainer::ClusterAutoscaler => Some(CLUSTER_AUTOSCALER_DEFAULT_TIMEOUT),
        }
    }
}

/// One node.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDef {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.labels` (zone in `topology.kubernetes.io/zone`, pool in the scenario's pool
    /// label).
    pub labels: BTreeMap<String, String>,
    /// `spec.taints` at the start (the controller-managed condition taints are not listed
    /// here; the node lifecycle controller adds them).
    pub taints: Vec<Taint>,
    /// `spec.unschedulable`.
    pub unschedulable: bool,
    /// `status.capacity`.
    pub capacity: ResourceList,
    /// `status.allocatable`.
    pub allocatable: ResourceList,
}

impl NodeDef {
    /// The node's zone label, `""` when absent.
    pub fn zone(&self) -> &str {
        self.labels.get(crate::model::keys::ZONE_LABEL).map(String::as_str).unwrap_or("")
    }
}

/// How a workload's pods are created and replaced.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkloadKind {
    /// A Deployment (through its ReplicaSet) keeping `replicas` pods.
    Deployment {
        /// Desired replicas.
        replicas: u32,
    },
    /// A DaemonSet: one pod per eligible node.
    DaemonSet,
    /// Bare pods, never replaced. `node_name` set means the pod is bound there directly.
    Pod {
        /// How many identical pods.
        count: u32,
        /// `spec.nodeName` when bound at creation.
        node_name: Option<String>,
    },
}

impl WorkloadKind {
    /// `Deployment`, `DaemonSet` or `Pod`.
    pub fn label(&self) -> &'static str {
        match self {
            WorkloadKind::Deployment { .. } => "Deployment",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Pod { .. } => "Pod",
        }
    }
}

/// A workload (business or agent).
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Name; pods are named `<name>-<n>`.
    pub name: String,
    /// Namespace.
    pub namespace: String,
    /// Kind and replica count.
    pub kind: WorkloadKind,
    /// Pod template (tolerations as written in the chart or manifest).
    pub template: PodTemplate,
}

/// A named toleration set to compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Name shown in reports.
    pub name: String,
    /// Why someone would pick it.
    pub description: String,
    /// Tolerations, written as Kubernetes writes them.
    pub tolerations: Vec<Toleration>,
    /// Agent workload names this policy is compared for; empty = every agent.
    pub applies_to: Vec<String>,
}

impl Policy {
    /// Whether this policy is compared for the agent named `agent`.
    pub fn applies_to(&self, agent: &str) -> bool {
        self.applies_to.is_empty() || self.applies_to.iter().any(|a| a == agent)
    }
}

/// A scripted event.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineEvent {
    /// When it happens.
    pub at: SimTime,
    /// What happens.
    pub action: TimelineAction,
    /// Which node it happens to.
    pub target: NodeTarget,
}

impl TimelineEvent {
    /// An event on the node the action names.
    pub fn named(at: SimTime, action: TimelineAction) -> TimelineEvent {
        TimelineEvent { at, action, target: NodeTarget::Named }
    }

    /// The node as written for people: its name, or `node of <workload>`.
    pub fn node_label(&self) -> String {
        match &self.target {
            NodeTarget::Named => self.action.node().to_string(),
            NodeTarget::NodeOf { workload, .. } | NodeTarget::SpellEnd { workload, .. } => {
                format!("node of {workload}")
            }
        }
    }
}

/// How a timeline event's node is chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeTarget {
    /// The node named in the action.
    Named,
    /// The node running the workload's oldest running pod when the event happens (or, with
    /// none running, its oldest bound pod); the event is skipped when the workload has no pod
    /// on a node. The action's node name is empty. `spell` links the event to the end of its
    /// `for_duration` spell.
    NodeOf {
        /// Workload (business or agent) name.
        workload: String,
        /// Spell number, when the event opens a spell.
        spell: Option<u32>,
    },
    /// The node the opening event of spell `spell` went to (skipped when that was skipped).
    SpellEnd {
        /// Workload named by the opening event (for display).
        workload: String,
        /// Spell number.
        spell: u32,
    },
}

/// What a timeline event does. Truth events (`NodeSilent`, `NodeBack`, `KubeletNotReady`,
/// `KubeletReady`) change the real state of a node; the API view follows through the node
/// lifecycle controller. API events (taints, cordon, node add/remove) change the API directly.
#[derive(Clone, Debug, PartialEq)]
pub enum TimelineAction {
    /// Add (or change the value of) a taint on a node.
    AddTaint {
        /// Node name.
        node: String,
        /// The taint.
        taint: Taint,
    },
    /// Remove the taint with this key and effect.
    RemoveTaint {
        /// Node name.
        node: String,
        /// Taint key.
        key: String,
        /// Taint effect.
        effect: TaintEffect,
    },
    /// Set `spec.unschedulable: true`.
    Cordon {
        /// Node name.
        node: String,
    },
    /// Set `spec.unschedulable: false`.
    Uncordon {
        /// Node name.
        node: String,
    },
    /// The node stops (power loss, network partition): no heartbeats, pods stop running.
    NodeSilent {
        /// Node name.
        node: String,
    },
    /// The node is reachable again and its kubelet reports `Ready=True`.
    NodeBack {
        /// Node name.
        node: String,
    },
    /// The kubelet is alive but reports `Ready=False` (runtime or network plugin broken);
    /// pods on the node do not function.
    KubeletNotReady {
        /// Node name.
        node: String,
    },
    /// The kubelet reports `Ready=True` again.
    KubeletReady {
        /// Node name.
        node: String,
    },
    /// A new node registers.
    AddNode(NodeDef),
    /// The Node object is deleted (pods bound to it are garbage-collected).
    RemoveNode {
        /// Node name.
        node: String,
    },
    /// The pods of `workload` on the node (without a workload: the node itself, outside its
    /// pods) use `amount` more of `resource` until the matching
    /// [`TimelineAction::UsageSpikeEnd`] (a usage-driven pressure episode).
    UsageSpike {
        /// Node name.
        node: String,
        /// Workload whose pods on that node spike; `None`: use outside pods.
        workload: Option<String>,
        /// The resource.
        resource: UsageResource,
        /// Extra use per pod.
        amount: Quantity,
    },
    /// Ends a spike started by [`TimelineAction::UsageSpike`] with the same fields.
    UsageSpikeEnd {
        /// Node name.
        node: String,
        /// Workload, or `None` for use outside pods.
        workload: Option<String>,
        /// The resource.
        resource: UsageResource,
        /// The extra use being removed.
        amount: Quantity,
    },
    /// Sets a pressure condition directly ("injected"): the node lifecycle controller taints
    /// the node accordingly, but the kubelet evicts nothing because of it.
    InjectCondition {
        /// Node name.
        node: String,
        /// The condition.
        condition: PressureCondition,
        /// `true` sets it, `false` clears it.
        status: bool,
    },
    /// A drainer empties the node, then the node goes down for maintenance (unless the drain
    /// was refused or gave up) and comes back.
    Drain {
        /// Node name.
        node: String,
        /// Drainer, limit and down time.
        drain: DrainSpec,
    },
}

impl TimelineAction {
    /// The node the event concerns.
    pub fn node(&self) -> &str {
        match self {
            TimelineAction::AddTaint { node, .. }
            | TimelineAction::RemoveTaint { node, .. }
            | TimelineAction::Cordon { node }
            | TimelineAction::Uncordon { node }
            | TimelineAction::NodeSilent { node }
            | TimelineAction::NodeBack { node }
            | TimelineAction::KubeletNotReady { node }
            | TimelineAction::KubeletReady { node }
            | TimelineAction::RemoveNode { node }
            | TimelineAction::Drain { node, .. }
            | TimelineAction::UsageSpike { node, .. }
            | TimelineAction::UsageSpikeEnd { node, .. }
            | TimelineAction::InjectCondition { node, .. } => node,
            TimelineAction::AddNode(def) => &def.name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_cluster_autoscaler_has_a_default_drain_timeout() {
        assert_eq!(DrainSpec::default_timeout(Drainer::ClusterAutoscaler), Some(Duration::from_secs(600)));
        for d in [Drainer::Kubectl, Drainer::ClusterApi, Drainer::Karpenter] {
            assert_eq!(DrainSpec::default_timeout(d), None, "{d:?}");
        }
    }
}
