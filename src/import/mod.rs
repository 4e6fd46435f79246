//! Importing a cluster: Kubernetes objects as `kubectl get -o yaml|json` prints them and as
//! `helm template` renders them, turned into a scenario.
//!
//! [`compose`] reads the inputs given (nodes, pods, budgets, the agent manifest, policy files,
//! a timeline file) and writes a complete scenario file: what was given replaces the
//! corresponding part of the embedded default scenario, everything else (version, horizon,
//! settings, policies, timeline, generators) is carried over from it word for word. `taintsim
//! import` writes that text; `taintsim run --nodes ...` composes the same text and runs it,
//! so both give the same reports.
//!
//! Submodules: [`read`] (YAML/JSON documents, `List` objects), `convert` (Kubernetes objects
//! to scenario entries), `group` (pods into workloads), `policy` (toleration files),
//! `ron_text` (splitting the default scenario's text).

mod convert;
pub mod error;
mod group;
mod origin;
mod out;
mod policy;
pub(crate) mod read;
mod ron_text;

pub use error::{ImportError, Place};
pub use origin::Origins;

use crate::scenario::file::EventFile;
use crate::scenario::{DEFAULT_SCENARIO_SOURCE, POOL_LABEL};
use convert::Notes;
use out::{PolicyOut, to_ron};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The inputs of an import; each one given replaces that part of the default scenario.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    /// Node list (`kubectl get nodes -o yaml`).
    pub nodes: Option<PathBuf>,
    /// Pod list (`kubectl get pods -A -o yaml`): the business workloads.
    pub pods: Option<PathBuf>,
    /// PodDisruptionBudgets (`kubectl get pdb -A -o yaml`).
    pub pdbs: Option<PathBuf>,
    /// The agent as `helm template` renders it: its DaemonSets and Deployments are the agents.
    pub agents: Option<PathBuf>,
    /// Policy options, `[NAME=]FILE[:KEY.PATH][@AGENT,...]`.
    pub policies: Vec<String>,
    /// A RON list of timeline entries (the format `run --dump-timeline` prints).
    pub timeline: Option<PathBuf>,
    /// The scenario's name.
    pub name: Option<String>,
}

impl Inputs {
    /// Whether no input is given (then there is nothing to compose).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_none()
            && self.pods.is_none()
            && self.pdbs.is_none()
            && self.agents.is_none()
            && self.policies.is_empty()
            && self.timeline.is_none()
    }
}

/// A composed scenario.
#[derive(Clone, Debug)]
pub struct Composed {
    /// The scenario file's text.
    pub source: String,
    /// What was adapted (default timeline entries dropped, pods left out, ...), one line each.
    pub warnings: Vec<String>,
    /// Present but unsupported input, one line per kind of field (also in the scenario's
    /// `ignored` list).
    pub ignored: Vec<String>,
    /// Where the entries written from the inputs came from, to report a scenario rule they
    /// break at the input.
    pub origins: Origins,
}

/// The name of a composed scenario when none is given: the stem of the first input file.
fn default_name(inputs: &Inputs) -> String {
    let first = [&inputs.nodes, &inputs.pods, &inputs.agents, &inputs.pdbs, &inputs.timeline]
        .into_iter()
        .flatten()
        .next()
        .cloned()
        .or_else(|| {
            inputs.policies.first().and_then(|p| policy::parse_spec(p).ok()).map(|s| PathBuf::from(s.file))
        });
    let stem = first
        .as_deref()
        .and_then(Path::file_stem)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into());
    let safe: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    if safe.is_empty() || safe.chars().all(|c| c == '.') { "imported".into() } else { safe }
}

/// What to say about an empty input file that `kubectl get WHAT -o yaml` should have written.
fn empty_list_hint(what: &str) -> String {
    format!(
        "did `kubectl get {what} -o yaml` fail? (Where there are none, kubectl prints a `kind: List` with \
         `items: []`, which is read as none.)"
    )
}

/// `1 node`, `2 nodes`.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| p.display().to_string())
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

/// Reads the inputs and composes the scenario text (see the module documentation).
pub fn compose(inputs: &Inputs) -> Result<Composed, ImportError> {
    let mut notes = Notes::default();
    let mut described: Vec<String> = Vec::new();

    // Nodes and the timeline events that give them their current state.
    let mut nodes = None;
    let mut condition_events: Vec<EventFile> = Vec::new();
    let mut condition_origins: Vec<Option<origin::Origin>> = Vec::new();
    let mut node_names: BTreeSet<String> = BTreeSet::new();
    let mut pools: BTreeSet<String> = BTreeSet::new();
    let mut zones: BTreeSet<String> = BTreeSet::new();
    if let Some(path) = &inputs.nodes {
        let objs = read::read_input(path, "did `kubectl get nodes -o yaml` fail?")?;
        let mut list = Vec::new();
        for obj in &objs {
            if obj.kind != "Node" {
                return Err(ImportError::at(
                    &obj.place,
                    "kind",
                    format!("expected a Node, found {:?}", obj.kind),
                ));
            }
            let (node, events) = convert::node(obj, &mut notes)?;
            let name = node.name.clone();
            if !node_names.insert(name.clone()) {
                return Err(ImportError::at(
                    &obj.place,
                    "metadata.name",
                    format!("a second node named {name:?}"),
                ));
            }
            pools.extend(node.labels.get(POOL_LABEL).cloned().or_else(|| node.pool.clone()));
            zones.extend(node.labels.get(crate::model::keys::ZONE_LABEL).cloned());
            condition_origins.extend(
                events.iter().map(|_| Some(origin::Origin::new(&obj.place).whole("status.conditions"))),
            );
            condition_events.extend(events);
            list.push(node);
        }
        if list.is_empty() {
            return Err(ImportError::file(&path.display().to_string(), "no Node object found"));
        }
        described.push(format!("{} from {}", plural(list.len(), "node", "nodes"), file_name(path)));
        nodes = Some(list);
    }

    let mut agents = None;
    let mut agent_ids = Vec::new();
    let mut agent_objs = Vec::new();
    if let Some(path) = &inputs.agents {
        agent_objs = read::read_input(path, "did `helm template` fail?")?;
        let objs = &agent_objs;
        let (list, ids) = group::agents(objs, &mut notes)?;
        if list.is_empty() {
            return Err(ImportError::file(&path.display().to_string(), "no DaemonSet or Deployment found"));
        }
        let names: Vec<String> = list.iter().map(|a| a.name.clone()).collect();
        described.push(format!("agents {} from {}", names.join(", "), file_name(path)));
        agents = Some(list);
        agent_ids = ids;
    } else {
        // The default agents: their pods in a pod list are left out too.
        if let Some(f) = field_value("agents") {
            for entry in ron_text::list_entries(f).unwrap_or_default() {
                if let Some(w) = EntryRefs::read(entry) {
                    agent_ids.push(group::AgentId {
                        namespace: Some(w.get("namespace").unwrap_or_else(|| "default".into())),
                        name: w.get("name").unwrap_or_default(),
                        daemon_set: w.word("kind") == "DaemonSet",
                    });
                }
            }
        }
    }

    let mut workloads = None;
    let mut agent_namespaces = group::AgentNamespaces::new();
    if let Some(path) = &inputs.pods {
        let objs = read::read_input(path, &empty_list_hint("pods -A"))?;
        if !objs.is_empty() && objs.iter().all(|o| o.kind != "Pod") {
            let mut kinds: Vec<&str> = objs.iter().map(|o| o.kind.as_str()).collect();
            kinds.sort_unstable();
            kinds.dedup();
            return Err(ImportError::file(
                &path.display().to_string(),
                format!("the pod list holds no Pod (only {})", kinds.join(", ")),
            ));
        }
        let (list, pods, seen) = group::business(&objs, &agent_ids, &mut notes)?;
        agent_namespaces = seen;
        described.push(format!(
            "{} ({}) from {}",
            plural(list.len(), "business workload", "business workloads"),
            plural(pods, "pod", "pods"),
            file_name(path)
        ));
        workloads = Some(list);
    }

    // Bare pods bound to a node that the cluster does not have cannot start anywhere.
    let known_nodes: Option<BTreeSet<String>> = if nodes.is_some() {
        Some(node_names.clone())
    } else {
        crate::scenario::check_str(DEFAULT_SCENARIO_SOURCE, "default")
            .ok()
            .map(|sc| sc.nodes.into_iter().map(|n| n.name).collect())
    };
    if let (Some(list), Some(known)) = (&mut workloads, &known_nodes) {
        list.retain(|w| match &w.node_name {
            Some(n) if !known.contains(n) => {
                notes.warnings.push(format!(
                    "{} bare pod(s) {}/{} left out: bound to node {n:?}, which is not in the node list",
                    w.count.unwrap_or(1),
                    w.namespace,
                    w.name
                ));
                false
            }
            _ => true,
        });
    }

    let mut pdbs = None;
    if let Some(path) = &inputs.pdbs {
        let objs = read::read_input(path, &empty_list_hint("pdb -A"))?;
        let mut list = Vec::new();
        for obj in &objs {
            if obj.kind != "PodDisruptionBudget" {
                return Err(ImportError::at(
                    &obj.place,
                    "kind",
                    format!("expected a PodDisruptionBudget, found {:?}", obj.kind),
                ));
            }
            list.extend(convert::pdb(obj, &mut notes)?);
        }
        described.push(format!(
            "{} from {}",
            plural(list.len(), "PodDisruptionBudget", "PodDisruptionBudgets"),
            file_name(path)
        ));
        pdbs = Some(list);
    }

    // The agent manifest's own budgets, after the others.
    let agent_pdbs = match (&mut agents, &inputs.agents) {
        (Some(list), Some(path)) => group::manifest_pdbs(
            &group::Manifest { objs: &agent_objs, ids: &agent_ids, file: &file_name(path) },
            list,
            &agent_namespaces,
            pdbs.as_deref().unwrap_or_default(),
            &mut notes,
        )?,
        _ => Vec::new(),
    };
    if let (false, Some(path)) = (agent_pdbs.is_empty(), &inputs.agents) {
        described.push(format!(
            "{} from {}",
            plural(agent_pdbs.len(), "PodDisruptionBudget", "PodDisruptionBudgets"),
            file_name(path)
        ));
    }
    if let Some(given) = &mut pdbs {
        given.retain(|b| {
            let replaced = agent_pdbs.iter().any(|a| a.namespace == b.namespace && a.name == b.name);
            if replaced {
                notes.warnings.push(format!(
                    "budget {}/{} of the budget list left out: the agent manifest has its own",
                    b.namespace, b.name
                ));
            }
            !replaced
        });
        given.extend(agent_pdbs.iter().cloned());
    }

    let mut policies = None;
    if !inputs.policies.is_empty() {
        let mut list: Vec<PolicyOut> = Vec::new();
        for text in &inputs.policies {
            let spec = policy::parse_spec(text).map_err(|m| ImportError::file(text, m))?;
            let p = policy::load(&spec)?;
            if list.iter().any(|q| q.name == p.name) {
                return Err(ImportError::file(
                    &spec.file,
                    format!("a second policy named {:?}: give it another name with NAME=FILE", p.name),
                ));
            }
            list.push(p);
        }
        let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
        described.push(format!("policies {}", names.join(", ")));
        policies = Some(list);
    }

    // Names known in the composed scenario, to adapt the default parts that refer to them.
    let default_names = |field: &str| -> Vec<String> {
        field_value(field)
            .and_then(|v| ron_text::list_entries(v).ok())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| EntryRefs::read(e).and_then(|w| w.get::<String>("name")))
            .collect()
    };
    // Each agent of a manifest is also run with the tolerations the manifest gives it: the
    // baseline the other policies are compared against.
    let mut as_rendered: Vec<PolicyOut> = Vec::new();
    if let (Some(list), Some(path)) = (&agents, &inputs.agents) {
        let taken: BTreeSet<String> = match &policies {
            Some(given) => given.iter().map(|p| p.name.clone()).collect(),
            None => default_names("policies").into_iter().collect(),
        };
        for a in list {
            let name = format!("{}-as-rendered", a.name);
            if taken.contains(&name) {
                continue;
            }
            let kind = match a.kind {
                out::KindOut::DaemonSet => "DaemonSet",
                _ => "Deployment",
            };
            as_rendered.push(PolicyOut {
                name,
                description: format!(
                    "The tolerations {} gives {kind} {}/{} (the manifest as rendered).",
                    file_name(path),
                    a.namespace,
                    a.name
                ),
                applies_to: Some(vec![a.name.clone()]),
                tolerations: a.tolerations.clone(),
                origin: a.origin.clone(),
            });
        }
    }
    if !as_rendered.is_empty() {
        let names: Vec<&str> = as_rendered.iter().map(|p| p.name.as_str()).collect();
        described.push(format!("the manifest's own tolerations as policies {}", names.join(", ")));
    }
    let policies = match policies {
        Some(given) if !as_rendered.is_empty() => Some(as_rendered.iter().cloned().chain(given).collect()),
        other => other,
    };

    let timeline_file = match &inputs.timeline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ImportError::file(&path.display().to_string(), format!("cannot read: {e}")))?;
            let entries = ron_text::list_entries(&text).map_err(|e| {
                ImportError::file(
                    &path.display().to_string(),
                    format!("{e} (a RON list of timeline entries)"),
                )
            })?;
            let entries: Vec<&str> = entries.into_iter().map(ron_text::tidy).collect();
            // Where each entry starts in the file (the entries are slices of its text).
            let lines: Vec<usize> = entries
                .iter()
                .map(|e| origin::line_of(&text, e.as_ptr() as usize - text.as_ptr() as usize))
                .collect();
            let entries: Vec<String> = entries.into_iter().map(str::to_string).collect();
            described.push(format!("timeline from {}", file_name(path)));
            Some((path.display().to_string(), entries, lines))
        }
        None => None,
    };

    let agent_names: BTreeSet<String> = match &agents {
        Some(list) => list.iter().map(|a| a.name.clone()).collect(),
        None => default_names("agents").into_iter().collect(),
    };

    let name = inputs.name.clone().unwrap_or_else(|| default_name(inputs));
    let (_, default_fields) = ron_text::scenario_fields(DEFAULT_SCENARIO_SOURCE)
        .expect("the embedded default scenario has a top-level struct (tested)");
    let default_scenario_name = default_fields
        .iter()
        .find(|f| f.name == "name")
        .and_then(|f| ron_options().from_str::<String>(f.value()).ok())
        .unwrap_or_default();

    // Default entries aimed at a default agent follow the manifest's agent of the same kind.
    let renames = match &agents {
        Some(list) => agent_renames(list, &mut notes),
        None => BTreeMap::new(),
    };
    let adapted = |field: &ron_text::Field<'_>| -> String { rename_strings(field.value(), &renames) };

    let mut body: Vec<String> = Vec::new();
    let mut default_policy_count = 0;
    let mut default_pdb_count = 0;
    let mut written: BTreeSet<String> = BTreeSet::new();
    let mut kept_workload_names: BTreeSet<String> = BTreeSet::new();
    let nodes_given = nodes.is_some();

    // Workloads first: the timeline and budgets depend on which names exist.
    let workloads_text = match &workloads {
        Some(list) => {
            kept_workload_names.extend(list.iter().map(|w| w.name.clone()));
            Some(to_ron(list, 4))
        }
        None => {
            let entries = field_value("workloads")
                .map(|v| ron_text::list_entries(v).unwrap_or_default())
                .unwrap_or_default();
            let mut kept = Vec::new();
            for e in entries {
                let Some(refs) = EntryRefs::read(e) else {
                    kept.push(ron_text::tidy(e).to_string());
                    continue;
                };
                let w = DefaultWorkload {
                    name: refs.get("name").unwrap_or_default(),
                    node_name: refs.get("node_name"),
                };
                if nodes_given && w.node_name.as_ref().is_some_and(|n| !node_names.contains(n)) {
                    notes.warnings.push(format!(
                        "default workload {:?} left out: it is bound to node {:?}, which is not in the node list",
                        w.name,
                        w.node_name.clone().unwrap_or_default()
                    ));
                    continue;
                }
                if agent_names.contains(&w.name) {
                    notes
                        .warnings
                        .push(format!("default workload {:?} left out: an agent has that name", w.name));
                    continue;
                }
                kept_workload_names.insert(w.name.clone());
                kept.push(ron_text::tidy(e).to_string());
            }
            if nodes_given || agents.is_some() { Some(list_text(&kept)) } else { None }
        }
    };
    let all_names: BTreeSet<String> = kept_workload_names.union(&agent_names).cloned().collect();

    for field in &default_fields {
        let replaced: Option<String> = match field.name.as_str() {
            "name" => Some(quote(&name)),
            "description" => Some(quote(&format!(
                "Imported: {}. Everything else from the default scenario {default_scenario_name:?}.",
                described.join("; ")
            ))),
            "nodes" => nodes.as_ref().map(|n| to_ron(n, 4)),
            "workloads" => workloads_text.clone(),
            "agents" => agents.as_ref().map(|a| to_ron(a, 4)),
            "policies" => match &policies {
                Some(p) => Some(to_ron(p, 4)),
                None if agents.is_some() => {
                    let rendered = to_ron(&as_rendered, 4);
                    let mut entries: Vec<String> = ron_text::list_entries(&rendered)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| ron_text::tidy(e).to_string())
                        .collect();
                    let defaults = default_policies(&adapted(field), &agent_names, &mut notes);
                    default_policy_count = defaults.len();
                    entries.extend(defaults);
                    Some(list_text(&entries))
                }
                None => None,
            },
            "pdbs" => match &pdbs {
                Some(p) => Some(to_ron(p, 4)),
                None => {
                    let mut entries = default_pdbs(&adapted(field), &all_names, &mut notes);
                    default_pdb_count = entries.len();
                    entries.extend(entry_texts(&agent_pdbs));
                    Some(list_text(&entries))
                }
            },
            "timeline" => Some(timeline_text(
                &condition_events,
                timeline_file.as_ref().map(|(_, e, _)| e.as_slice()),
                Some(&adapted(field)),
                nodes_given.then_some(&node_names),
                &all_names,
                &mut notes,
            )),
            "generators" => Some(if timeline_file.is_some() {
                "[]".to_string()
            } else {
                default_generators(
                    &adapted(field),
                    nodes_given.then_some((&pools, &zones)),
                    &all_names,
                    &mut notes,
                )
            }),
            "ignored" => Some(String::new()),
            _ => None,
        };
        written.insert(field.name.clone());
        match replaced {
            Some(v) if field.name == "ignored" && v.is_empty() => {}
            Some(v) => body.push(format!("    {}: {v},", field.name)),
            None => body.push(format!("{},", ron_text::tidy(field.text))),
        }
    }
    for (field, value) in [
        ("workloads", workloads_text.clone()),
        ("pdbs", pdbs.as_ref().or((!agent_pdbs.is_empty()).then_some(&agent_pdbs)).map(|p| to_ron(p, 4))),
        ("policies", policies.as_ref().map(|p| to_ron(p, 4))),
    ] {
        if let (false, Some(v)) = (written.contains(field), value) {
            body.push(format!("    {field}: {v},"));
        }
    }
    if !written.contains("timeline") && (!condition_events.is_empty() || timeline_file.is_some()) {
        let t = timeline_text(
            &condition_events,
            timeline_file.as_ref().map(|(_, e, _)| e.as_slice()),
            None,
            None,
            &all_names,
            &mut notes,
        );
        body.push(format!("    timeline: {t},"));
    }
    let ignored = notes.ignored_lines();
    if !ignored.is_empty() {
        body.push(format!("    ignored: {},", to_ron(&ignored, 4)));
    }

    let mut origins = Origins::default();
    if let Some(list) = &nodes {
        origins.set_list("nodes", list.iter().map(|n| n.origin.clone()).collect());
    }
    if let Some(list) = &workloads {
        origins.set_list("workloads", list.iter().map(|w| w.origin.clone()).collect());
    }
    if let Some(list) = &agents {
        origins.set_list("agents", list.iter().map(|w| w.origin.clone()).collect());
    }
    match &pdbs {
        Some(list) => origins.set_list("pdbs", list.iter().map(|p| p.origin.clone()).collect()),
        None if !agent_pdbs.is_empty() => origins.set_list(
            "pdbs",
            std::iter::repeat_n(None, default_pdb_count)
                .chain(agent_pdbs.iter().map(|p| p.origin.clone()))
                .collect(),
        ),
        None => {}
    }
    match &policies {
        Some(list) => origins.set_list("policies", list.iter().map(|p| p.origin.clone()).collect()),
        None => origins.set_list(
            "policies",
            as_rendered
                .iter()
                .map(|p| p.origin.clone())
                .chain(std::iter::repeat_n(None, default_policy_count))
                .collect(),
        ),
    }
    origins.set_list("timeline", condition_origins);
    if inputs.name.is_some() {
        origins.set_option("name", "--name");
    }
    if let Some((file, _, lines)) = &timeline_file {
        origins.set_timeline_file(file, condition_events.len(), lines.clone());
    }

    let mut source = String::new();
    source.push_str(&format!(
        "// Scenario {name:?}, composed by `taintsim import` (or `taintsim run` with input files).\n// {}.\n\
         // Parts not given come from the default scenario {default_scenario_name:?}, word for word.\n",
        described.join("; ")
    ));
    for w in &notes.warnings {
        source.push_str(&format!("// Note: {}\n", w.replace('\n', " ")));
    }
    source.push_str("Scenario(\n");
    for b in &body {
        source.push_str(b);
        source.push('\n');
    }
    source.push_str(")\n");
    if let Some((_, entries, _)) = &timeline_file {
        origins.place_timeline_entries(&source, entries);
    }
    Ok(Composed { source, warnings: notes.warnings.clone(), ignored, origins })
}

/// The default agents that a manifest's agents stand in for: when the default scenario has
/// one agent of a kind (DaemonSet, Deployment) and the manifest one of the same kind under
/// another name, the default timeline, policies, budgets and generators aimed at the default
/// one are aimed at the manifest's.
fn agent_renames(agents: &[out::WorkloadOut], notes: &mut Notes) -> BTreeMap<String, String> {
    let defaults: Vec<(String, String)> = field_value("agents")
        .and_then(|v| ron_text::list_entries(v).ok())
        .unwrap_or_default()
        .into_iter()
        .filter_map(EntryRefs::read)
        .map(|e| (e.get::<String>("name").unwrap_or_default(), e.word("kind").to_string()))
        .collect();
    let mut renames = BTreeMap::new();
    for (kind, out_kind) in [("DaemonSet", out::KindOut::DaemonSet), ("Deployment", out::KindOut::Deployment)]
    {
        let old: Vec<&String> = defaults.iter().filter(|(_, k)| k == kind).map(|(n, _)| n).collect();
        let new: Vec<&String> = agents.iter().filter(|a| a.kind == out_kind).map(|a| &a.name).collect();
        if let ([old], [new]) = (old.as_slice(), new.as_slice()) {
            if old != new {
                notes.warnings.push(format!(
                    "default timeline entries, policies, budgets and generators aimed at agent {old:?} are aimed at \
                     {new:?}, the manifest's {kind}"
                ));
                renames.insert((*old).clone(), (*new).clone());
            }
        }
    }
    renames
}

/// `text` (RON) with every string literal that is exactly a key of `renames` replaced by its
/// value; comments and other strings are kept as written.
fn rename_strings(text: &str, renames: &BTreeMap<String, String>) -> String {
    if renames.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['"', '/']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(comment) = tail.strip_prefix("//") {
            let end = comment.find('\n').map_or(tail.len(), |n| n + 2);
            out.push_str(&tail[..end]);
            rest = &tail[end..];
        } else if let Some(comment) = tail.strip_prefix("/*") {
            let end = comment.find("*/").map_or(tail.len(), |n| n + 4);
            out.push_str(&tail[..end]);
            rest = &tail[end..];
        } else if tail.starts_with('"') {
            // The literal's end: the next quote not escaped.
            let mut end = None;
            let mut escaped = false;
            for (j, c) in tail.char_indices().skip(1) {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => {
                        end = Some(j);
                        break;
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                out.push_str(tail);
                return out;
            };
            match renames.get(&tail[1..end]) {
                Some(new) => out.push_str(&quote(new)),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        } else {
            out.push('/');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// What an entry of the default scenario names, read from its text without knowing every
/// field the scenario format has (so entries with fields added later are still understood).
#[derive(Debug, Default)]
struct EntryRefs {
    fields: std::collections::BTreeMap<String, String>,
}

impl EntryRefs {
    fn read(entry: &str) -> Option<EntryRefs> {
        ron_text::entry_fields(entry).map(|fields| EntryRefs { fields })
    }

    /// A field's value, parsed; `None` when absent or not of that type.
    fn get<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.fields.get(key).and_then(|v| ron_options().from_str(v).ok())
    }

    /// A field's value as written (bare words such as `kind: DaemonSet`).
    fn word(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }
}

/// The value text of a top-level field of the default scenario.
fn field_value(name: &str) -> Option<&'static str> {
    let (_, fields) = ron_text::scenario_fields(DEFAULT_SCENARIO_SOURCE).ok()?;
    fields.into_iter().find(|f| f.name == name).map(|f| f.value())
}

/// A list from entry texts as written (each keeps its own indentation and comments).
fn list_text(entries: &[String]) -> String {
    if entries.is_empty() {
        return "[]".into();
    }
    let mut out = String::from("[\n");
    for e in entries {
        out.push_str(e);
        out.push_str(",\n");
    }
    out.push_str("    ]");
    out
}

/// The default policies, with `applies_to` narrowed to the agents present; a policy left
/// with none is dropped.
fn default_policies(value: &str, agents: &BTreeSet<String>, notes: &mut Notes) -> Vec<String> {
    let mut kept = Vec::new();
    for e in ron_text::list_entries(value).unwrap_or_default() {
        let Some(p) = EntryRefs::read(e) else {
            kept.push(ron_text::tidy(e).to_string());
            continue;
        };
        match p.get::<Vec<String>>("applies_to") {
            None => kept.push(ron_text::tidy(e).to_string()),
            Some(list) if list.iter().all(|a| agents.contains(a)) => kept.push(ron_text::tidy(e).to_string()),
            Some(list) => {
                let name: String = p.get("name").unwrap_or_default();
                let present: Vec<String> = list.iter().filter(|a| agents.contains(*a)).cloned().collect();
                if present.is_empty() {
                    notes.warnings.push(format!(
                        "default policy {name:?} left out: it applies only to agents not in the agent manifest ({})",
                        list.join(", ")
                    ));
                    continue;
                }
                // The same entry, fields as written, with the agents that remain.
                let fields: Vec<String> = p
                    .fields
                    .iter()
                    .map(|(k, v)| match k.as_str() {
                        "applies_to" => format!("{k}: {}", out::to_ron_line(&present)),
                        _ => format!("{k}: {v}"),
                    })
                    .collect();
                kept.push(format!("        ({})", fields.join(", ")));
            }
        }
    }
    kept
}

/// The entries of a list as `list_text` takes them.
fn entry_texts<T: serde::Serialize>(list: &[T]) -> Vec<String> {
    let text = to_ron(&list, 4);
    ron_text::list_entries(&text)
        .unwrap_or_default()
        .into_iter()
        .map(|e| ron_text::tidy(e).to_string())
        .collect()
}

/// The default budgets whose `workload` still exists.
fn default_pdbs(value: &str, names: &BTreeSet<String>, notes: &mut Notes) -> Vec<String> {
    let mut kept = Vec::new();
    for e in ron_text::list_entries(value).unwrap_or_default() {
        if let Some(p) = EntryRefs::read(e) {
            if let Some(w) = p.get::<String>("workload").filter(|w| !names.contains(w)) {
                let name: String = p.get("name").unwrap_or_default();
                notes.warnings.push(format!("default budget {name:?} left out: no workload {w:?}"));
                continue;
            }
        }
        kept.push(ron_text::tidy(e).to_string());
    }
    kept
}

/// The timeline: the node conditions at time 0, then the timeline file's entries or the
/// default timeline's entries that still make sense (their node is in the node list or added
/// by the timeline, their workloads exist).
fn timeline_text(
    conditions: &[EventFile],
    file: Option<&[String]>,
    default: Option<&str>,
    nodes: Option<&BTreeSet<String>>,
    names: &BTreeSet<String>,
    notes: &mut Notes,
) -> String {
    let mut entries: Vec<String> =
        conditions.iter().map(|e| format!("        {}", out::to_ron_line(e))).collect();
    if !conditions.is_empty() {
        entries[0] = format!("        // The nodes' conditions when they were listed.\n{}", entries[0]);
    }
    if let Some(file) = file {
        entries.extend(file.iter().cloned());
        return list_text(&entries);
    }
    let Some(default) = default else { return list_text(&entries) };
    let parsed: Vec<(&str, Option<DefaultEvent>)> = ron_text::list_entries(default)
        .unwrap_or_default()
        .into_iter()
        .map(|e| (e, EntryRefs::read(e).map(DefaultEvent::new)))
        .collect();
    for (text, e) in parsed {
        let Some(e) = e else {
            entries.push(ron_text::tidy(text).to_string());
            continue;
        };
        let what = e.event.clone();
        let mut why = None;
        if let Some(nodes) = nodes {
            if let Some(n) = &e.node {
                if !nodes.contains(n) {
                    why = Some(format!("node {n:?} is not in the node list"));
                }
            }
            // A node the default cluster adds is not one of the user's either.
            if let Some(n) = e.new_node.as_ref().and_then(|n| n.name.as_ref()) {
                why = Some(format!("it adds node {n:?} of the default cluster, not one of the node list"));
            }
        }
        for w in [&e.node_of, &e.workload].into_iter().flatten() {
            if !names.contains(w) {
                why = Some(format!("no workload {w:?}"));
            }
        }
        match why {
            Some(why) => {
                notes.warnings.push(format!("default timeline entry at {} ({what}) left out: {why}", e.at))
            }
            None => entries.push(ron_text::tidy(text).to_string()),
        }
    }
    list_text(&entries)
}

/// The default generators that still have nodes and workloads to act on.
fn default_generators(
    value: &str,
    nodes: Option<(&BTreeSet<String>, &BTreeSet<String>)>,
    names: &BTreeSet<String>,
    notes: &mut Notes,
) -> String {
    let mut kept = Vec::new();
    for e in ron_text::list_entries(value).unwrap_or_default() {
        let Some(g) = GeneratorRefs::read(e) else {
            kept.push(ron_text::tidy(e).to_string());
            continue;
        };
        let (name, pool, gen_zones, workload) =
            (&g.name, g.pool.as_ref(), g.zones.as_ref(), g.workload.as_ref());
        let mut why = None;
        if let Some((pools, zones)) = nodes {
            if let Some(p) = pool.filter(|p| !pools.contains(*p)) {
                why = Some(format!("no node of the node list is in pool {p:?}"));
            }
            if let Some(z) = gen_zones.and_then(|z| z.iter().find(|z| !zones.contains(*z))) {
                why = Some(format!("no node of the node list is in zone {z:?}"));
            }
        }
        if let Some(w) = workload.filter(|w| !names.contains(*w)) {
            why = Some(format!("no workload {w:?}"));
        }
        match why {
            Some(why) => notes.warnings.push(format!("default generator {name:?} left out: {why}")),
            None => kept.push(ron_text::tidy(e).to_string()),
        }
    }
    list_text(&kept)
}

/// What a default workload entry names.
struct DefaultWorkload {
    name: String,
    node_name: Option<String>,
}

/// What a default timeline entry names.
struct DefaultEvent {
    at: String,
    event: String,
    node: Option<String>,
    node_of: Option<String>,
    workload: Option<String>,
    new_node: Option<NewNode>,
}

/// The added node of an `AddNode` entry.
struct NewNode {
    name: Option<String>,
}

impl DefaultEvent {
    fn new(r: EntryRefs) -> DefaultEvent {
        DefaultEvent {
            at: r.get("at").unwrap_or_default(),
            event: r.word("event").to_string(),
            node: r.get("node"),
            node_of: r.get("node_of"),
            workload: r.get("workload"),
            new_node: r
                .fields
                .get("new_node")
                .and_then(|v| EntryRefs::read(v))
                .map(|n| NewNode { name: n.get("name") }),
        }
    }
}

/// What a generator entry of any kind names: its name, pool, zones and workload. Read from
/// the entry's text without knowing the generator kinds or their other fields, so that kinds
/// added to the scenario format are carried over too.
#[derive(Debug, Default)]
struct GeneratorRefs {
    name: String,
    pool: Option<String>,
    zones: Option<Vec<String>>,
    workload: Option<String>,
}

impl GeneratorRefs {
    fn read(entry: &str) -> Option<GeneratorRefs> {
        let r = EntryRefs::read(entry)?;
        Some(GeneratorRefs {
            name: r.get("name").unwrap_or_default(),
            pool: r.get("pool"),
            zones: r.get("zones"),
            workload: r.get("workload"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generators_of_any_kind_are_read_for_their_references() {
        let g = GeneratorRefs::read(
            r#"NodeFailures(name: "crashes", pool: "worker", // the pool
               time_to_repair: LogNormal(median: "1h", sigma: 1.0), failure: Silent)"#,
        )
        .unwrap();
        assert_eq!(
            (g.name.as_str(), g.pool.as_deref(), g.zones, g.workload),
            ("crashes", Some("worker"), None, None)
        );
        let g = GeneratorRefs::read(
            r#"SomeFutureKind(name: "z", zones: ["a", "b"], workload: "w", other: (x: 1))"#,
        )
        .unwrap();
        assert_eq!(g.zones, Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(g.workload.as_deref(), Some("w"));
        let mut notes = Notes::default();
        let pools: BTreeSet<String> = ["gpu".to_string()].into();
        let zones = BTreeSet::new();
        let names: BTreeSet<String> = ["w".to_string()].into();
        let kept = default_generators(
            r#"[NodeFailures(name: "a", pool: "worker"), NodeFailures(name: "b"), PressureEpisodes(name: "c", workload: "gone", amount: "1Gi")]"#,
            Some((&pools, &zones)),
            &names,
            &mut notes,
        );
        assert!(kept.contains("name: \"b\"") && !kept.contains("\"a\"") && !kept.contains("\"c\""), "{kept}");
        assert_eq!(notes.warnings.len(), 2, "{:?}", notes.warnings);
    }

    #[test]
    fn only_whole_string_literals_are_renamed() {
        let renames: BTreeMap<String, String> =
            [("a".to_string(), "x".to_string()), ("a-b".to_string(), "a".to_string())].into();
        let text = r#"[(node_of: "a", w: "a-b", d: "a b", e: "say \"a\""), // "a" stays
            /* "a" */ (n: "ab")]"#;
        assert_eq!(
            rename_strings(text, &renames),
            r#"[(node_of: "x", w: "a", d: "a b", e: "say \"a\""), // "a" stays
            /* "a" */ (n: "ab")]"#
        );
    }

    #[test]
    fn default_policies_keep_the_agents_that_remain() {
        let mut notes = Notes::default();
        let agents: BTreeSet<String> = ["a".to_string()].into();
        let text = default_policies(
            r#"[
                (name: "both", applies_to: ["a", "b"], tolerations: [(operator: "Exists")]), // c
                (name: "only-b", applies_to: ["b"]),
                (name: "all"),
            ]"#,
            &agents,
            &mut notes,
        )
        .join("\n");
        assert!(
            text.contains(r#"(applies_to: ["a"], name: "both", tolerations: [(operator: "Exists")])"#),
            "{text}"
        );
        assert!(!text.contains("only-b") && text.contains("(name: \"all\")"), "{text}");
        assert_eq!(notes.warnings.len(), 1);
    }
}
