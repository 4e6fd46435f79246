//! From the file as written to the [`Scenario`] the engine runs: defaults filled in, node
//! groups and `for_duration` spells expanded, durations and quantities parsed, and every rule
//! checked. Problems are collected (not stopped at), each with the field path it concerns;
//! [`SourceMap`] turns the path into a line and column.

use super::error::Diagnostic;
use super::file::{
    AffinityFile, EventFile, EventKind, KindFile, NodeFile, NodeSelectorTermFile, PolicyFile, QuantityText,
    RequirementFile, ScenarioFile, SettingsFile, TaintFile, TolerationFile, WorkloadFile,
};
use super::locate::{FieldPath, LineCol, SourceMap};
use super::names;
use super::{
    ControllerSettings, KubeVersion, NodeDef, POOL_LABEL, Policy, Scenario, TimelineAction, TimelineEvent,
    Workload, WorkloadKind,
};
use crate::model::keys;
use crate::model::pod::DEFAULT_TERMINATION_GRACE_PERIOD;
use crate::model::selector::{
    NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm,
};
use crate::model::{Affinity, Operator, PodTemplate, Quantity, ResourceList, Taint, TaintEffect, Toleration};
use crate::time::{SimTime, format_duration, parse_duration};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Labels the kubelet always sets on its Node, filled in when a scenario leaves them out.
/// `kubernetes.io/hostname` gets the node name.
const KUBELET_LABELS: [(&str, &str); 2] = [("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64")];

/// Label the kubelet sets to the node's host name.
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// Built-in priority classes and their values (k/k `pkg/apis/scheduling/types.go`).
const SYSTEM_PRIORITY_CLASSES: [(&str, i32); 2] =
    [("system-cluster-critical", 2_000_000_000), ("system-node-critical", 2_000_001_000)];

/// Highest priority a user-defined priority class may have (`HighestUserDefinablePriority`).
const HIGHEST_USER_PRIORITY: i32 = 1_000_000_000;

/// Taints that have their own timeline events and that the node lifecycle controller owns:
/// written by hand they would be removed (or fought over) at its next pass.
const EVENT_OWNED_TAINTS: [(&str, &str); 3] = [
    (keys::NOT_READY, "use the NotReady event (kubelet reports Ready=False)"),
    (keys::UNREACHABLE, "use the Silent event (the node stops reporting)"),
    (keys::UNSCHEDULABLE, "use unschedulable: true or the Cordon event"),
];

/// Largest node group, replica count and bare-pod count accepted: far beyond the scale
/// Kubernetes supports (5,000 nodes, 150,000 pods), low enough that a typo cannot exhaust
/// memory.
const MAX_COUNT: u32 = 100_000;

/// How many node names an "unknown node" message lists before it abbreviates.
const KNOWN_NAMES_SHOWN: usize = 8;

/// Turns a parsed file into a scenario, or into every problem found (sorted by position).
pub(crate) fn resolve(
    file: &ScenarioFile,
    map: &SourceMap<'_>,
    origin: &str,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut r = Resolver { map, origin, problems: Vec::new() };
    let scenario = r.scenario(file);
    if r.problems.is_empty() {
        Ok(scenario)
    } else {
        let mut problems = r.problems;
        problems.sort_by_key(|d| (d.line, d.column));
        Err(problems)
    }
}

struct Resolver<'a> {
    map: &'a SourceMap<'a>,
    origin: &'a str,
    problems: Vec<Diagnostic>,
}

/// A node present at the start, with where its name came from.
struct StartNode {
    def: NodeDef,
    path: FieldPath,
}

/// A timeline action before sorting, with the path that names its node.
struct Pending {
    at: SimTime,
    action: TimelineAction,
    /// Where the node is named (or, for the end of a spell, its `for_duration`).
    path: FieldPath,
    /// The timeline entry it comes from.
    entry: FieldPath,
}

fn root() -> FieldPath {
    FieldPath::root()
}

impl Resolver<'_> {
    fn problem(&mut self, path: &FieldPath, message: impl Into<String>) {
        let lc = self.map.locate(path);
        self.problem_at(path.to_string(), lc, message);
    }

    fn problem_at(&mut self, field: String, lc: LineCol, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            origin: self.origin.to_string(),
            line: lc.line,
            column: Some(lc.column),
            field,
            message: message.into(),
        });
    }

    /// `"nodes[0] (line 12)"`: how messages point back at an earlier item.
    fn describe(&self, path: &FieldPath) -> String {
        format!("{path} (line {})", self.map.locate(path).line)
    }

    fn scenario(&mut self, f: &ScenarioFile) -> Scenario {
        let dups: Vec<(String, LineCol)> =
            self.map.duplicate_keys().map(|(p, lc)| (p.to_string(), lc)).collect();
        for (path, lc) in dups {
            self.problem_at(path, lc, "this key is written twice in the same map");
        }
        self.plain_name(&root().field("name"), &f.name);

        let version = match &f.kubernetes_version {
            None => KubeVersion::DEFAULT,
            Some(text) => KubeVersion::parse(text).unwrap_or_else(|e| {
                self.problem(&root().field("kubernetes_version"), e);
                KubeVersion::DEFAULT
            }),
        };
        let horizon = self.duration(&root().field("horizon"), &f.horizon).unwrap_or(Duration::ZERO);
        if horizon.is_zero() && parse_duration(&f.horizon).is_ok() {
            self.problem(&root().field("horizon"), "the horizon must be longer than zero");
        }
        let settings = self.settings(version, f.settings.as_ref());

        let start = self.nodes(&f.nodes);
        let start_names: BTreeSet<String> = start.iter().map(|n| n.def.name.clone()).collect();
        let workloads = self.workloads(&f.workloads, &f.agents, &start_names);
        let (workloads, agents) = workloads;
        let policies = self.policies(&f.policies, &f.agents, &f.workloads);
        let timeline = self.timeline(&f.timeline, &start, horizon);

        Scenario {
            name: f.name.clone(),
            description: f.description.clone(),
            kubernetes_version: version,
            seed: f.seed.unwrap_or(super::DEFAULT_SEED),
            horizon,
            settings,
            nodes: start.into_iter().map(|n| n.def).collect(),
            workloads,
            agents,
            policies,
            timeline,
        }
    }

    // ---------------------------------------------------------------------------------------
    // Scalars

    /// Names shown in reports and used as folder names: letters, digits, `.`, `_`, `-`.
    fn plain_name(&mut self, path: &FieldPath, name: &str) {
        if name.is_empty() {
            self.problem(path, "must not be empty");
        } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            self.problem(path, format!("{name:?}: use only letters, digits, '.', '_' and '-'"));
        }
    }

    fn duration(&mut self, path: &FieldPath, text: &str) -> Option<Duration> {
        parse_duration(text).map_err(|e| self.problem(path, e)).ok()
    }

    fn positive_duration(&mut self, path: &FieldPath, text: &str) -> Option<Duration> {
        let d = self.duration(path, text)?;
        if d.is_zero() {
            self.problem(path, "must be longer than zero");
            return None;
        }
        Some(d)
    }

    fn resources(&mut self, path: &FieldPath, map: &BTreeMap<String, QuantityText>) -> ResourceList {
        let mut out = ResourceList::default();
        for (name, text) in map {
            let p = path.key(name);
            if let Some(why) = names::qualified_name(name) {
                self.problem(&p, format!("resource name {why}"));
                continue;
            }
            match Quantity::parse(&text.0) {
                Ok(q) if q.milli() < 0 => self.problem(&p, format!("{:?} is negative", text.0)),
                Ok(q) => out.set(name, q),
                Err(e) => self.problem(&p, e),
            }
        }
        out
    }

    // ---------------------------------------------------------------------------------------
    // Settings

    fn settings(&mut self, version: KubeVersion, s: Option<&SettingsFile>) -> ControllerSettings {
        let mut out = ControllerSettings::defaults_for(version);
        let Some(s) = s else { return out };
        let p = root().field("settings");

        let positive = [
            ("node_monitor_period", &s.node_monitor_period, &mut out.node_monitor_period),
            ("node_monitor_grace_period", &s.node_monitor_grace_period, &mut out.node_monitor_grace_period),
        ];
        for (field, text, target) in positive {
            if let Some(text) = text {
                if let Some(d) = self.positive_duration(&p.field(field), text) {
                    *target = d;
                }
            }
        }
        let any = [
            ("pod_start_delay", &s.pod_start_delay, &mut out.pod_start_delay),
            ("pod_stop_delay", &s.pod_stop_delay, &mut out.pod_stop_delay),
            ("orphan_pod_gc_delay", &s.orphan_pod_gc_delay, &mut out.orphan_pod_gc_delay),
        ];
        for (field, text, target) in any {
            if let Some(text) = text {
                if let Some(d) = self.duration(&p.field(field), text) {
                    *target = d;
                }
            }
        }
        if let Some(b) = s.default_toleration_seconds_enabled {
            out.default_toleration_seconds_enabled = b;
        }
        let seconds = [
            (
                "default_not_ready_toleration_seconds",
                s.default_not_ready_toleration_seconds,
                &mut out.default_not_ready_toleration_seconds,
            ),
            (
                "default_unreachable_toleration_seconds",
                s.default_unreachable_toleration_seconds,
                &mut out.default_unreachable_toleration_seconds,
            ),
        ];
        for (field, value, target) in seconds {
            match value {
                Some(v) if v < 0 => {
                    self.problem(&p.field(field), format!("{v} is negative (whole seconds, 0 or more)"))
                }
                Some(v) => *target = v,
                None => {}
            }
        }
        let rates = [
            ("node_eviction_rate", s.node_eviction_rate, &mut out.node_eviction_rate, f64::INFINITY),
            (
                "secondary_node_eviction_rate",
                s.secondary_node_eviction_rate,
                &mut out.secondary_node_eviction_rate,
                f64::INFINITY,
            ),
            ("unhealthy_zone_threshold", s.unhealthy_zone_threshold, &mut out.unhealthy_zone_threshold, 1.0),
        ];
        for (field, value, target, max) in rates {
            match value {
                Some(v) if !v.is_finite() || v < 0.0 || v > max => {
                    let range = if max.is_finite() { "between 0 and 1" } else { "0 or more" };
                    self.problem(&p.field(field), format!("{v} is out of range (must be {range})"));
                }
                Some(v) => *target = v,
                None => {}
            }
        }
        if let Some(v) = s.large_cluster_size_threshold {
            out.large_cluster_size_threshold = v;
        }
        match s.percentage_of_nodes_to_score {
            Some(v) if v > 100 => self
                .problem(&p.field("percentage_of_nodes_to_score"), format!("{v} is more than 100 (percent)")),
            Some(v) => out.percentage_of_nodes_to_score = v,
            None => {}
        }
        out
    }

    // ---------------------------------------------------------------------------------------
    // Nodes

    fn nodes(&mut self, files: &[NodeFile]) -> Vec<StartNode> {
        let nodes_path = root().field("nodes");
        if files.is_empty() {
            self.problem(&nodes_path, "at least one node is needed at the start");
        }
        let mut out: Vec<StartNode> = Vec::new();
        for (i, nf) in files.iter().enumerate() {
            for (def, path) in self.node_entry(&nodes_path.index(i), nf) {
                if let Some(first) = out.iter().find(|n| n.def.name == def.name) {
                    let earlier = self.describe(&first.path.parent().unwrap_or_default());
                    self.problem(&path, format!("node name {:?} is already used by {earlier}", def.name));
                    continue;
                }
                out.push(StartNode { def, path });
            }
        }
        out
    }

    /// One file entry: a node, or the nodes of a group, each with the path of its name.
    fn node_entry(&mut self, path: &FieldPath, nf: &NodeFile) -> Vec<(NodeDef, FieldPath)> {
        let names = self.node_names(path, nf);
        let labels = self.node_labels(path, nf);
        let taints = self.node_taints(path, nf);
        let (capacity, allocatable) = self.node_resources(path, nf);
        names
            .into_iter()
            .map(|(name, zone, name_path)| {
                let mut labels = labels.clone();
                labels.entry(HOSTNAME_LABEL.to_string()).or_insert_with(|| name.clone());
                if let Some(zone) = zone {
                    labels.insert(keys::ZONE_LABEL.to_string(), zone);
                }
                let def = NodeDef {
                    name,
                    labels,
                    taints: taints.clone(),
                    unschedulable: nf.unschedulable,
                    capacity: capacity.clone(),
                    allocatable: allocatable.clone(),
                };
                (def, name_path)
            })
            .collect()
    }

    /// Names (with a group's round-robin zone) and the path each name is written at.
    fn node_names(&mut self, path: &FieldPath, nf: &NodeFile) -> Vec<(String, Option<String>, FieldPath)> {
        if nf.zone.is_some() && nf.zones.is_some() {
            self.problem(
                &path.field("zones"),
                "give zone (every node in one zone) or zones (spread a group), not both",
            );
        }
        if let Some(zones) = &nf.zones {
            if zones.is_empty() {
                self.problem(&path.field("zones"), "must list at least one zone");
            }
            for (i, z) in zones.iter().enumerate() {
                if let Some(why) = names::label_value(z) {
                    self.problem(&path.field("zones").index(i), why);
                }
            }
        }
        match (&nf.name, &nf.name_pattern, nf.count) {
            (Some(name), None, None) => {
                if nf.zones.is_some() {
                    self.problem(
                        &path.field("zones"),
                        "zones spreads a group over zones; a single node takes zone",
                    );
                }
                if nf.first_index.is_some() {
                    self.problem(
                        &path.field("first_index"),
                        "first_index numbers a group; this is a single node",
                    );
                }
                let name_path = path.field("name");
                if let Some(why) = names::dns_subdomain(name) {
                    self.problem(&name_path, why);
                }
                vec![(name.clone(), None, name_path)]
            }
            (None, Some(pattern), Some(count)) => self.group_names(path, nf, pattern, count),
            (Some(_), Some(_), _) => {
                self.problem(
                    &path.field("name_pattern"),
                    "give name (one node) or name_pattern and count (a group), not both",
                );
                Vec::new()
            }
            (None, Some(_), None) => {
                self.problem(&path.field("name_pattern"), "a node group needs count");
                Vec::new()
            }
            (Some(_), None, Some(_)) => {
                self.problem(
                    &path.field("count"),
                    "count makes a group: write name_pattern (e.g. \"worker-{i}\") instead of name",
                );
                Vec::new()
            }
            (None, None, _) => {
                self.problem(path, "a node needs name (one node) or name_pattern and count (a group)");
                Vec::new()
            }
        }
    }

    fn group_names(
        &mut self,
        path: &FieldPath,
        nf: &NodeFile,
        pattern: &str,
        count: u32,
    ) -> Vec<(String, Option<String>, FieldPath)> {
        let pattern_path = path.field("name_pattern");
        if count == 0 || count > MAX_COUNT {
            self.problem(&path.field("count"), format!("a node group needs a count from 1 to {MAX_COUNT}"));
            return Vec::new();
        }
        let parts = match NamePattern::parse(pattern) {
            Ok(p) => p,
            Err(e) => {
                self.problem(&pattern_path, e);
                return Vec::new();
            }
        };
        let first = nf.first_index.unwrap_or(1);
        let zones: Vec<Option<String>> = match (&nf.zones, &nf.zone) {
            (Some(zs), _) if !zs.is_empty() => zs.iter().cloned().map(Some).collect(),
            (_, z) => vec![z.clone()],
        };
        if parts.uses_zone && zones.iter().all(Option::is_none) {
            self.problem(&pattern_path, "{zone} needs zone or zones");
            return Vec::new();
        }
        let mut out = Vec::new();
        for k in 0..count {
            let zone = zones[k as usize % zones.len()].clone();
            let Some(index) = first.checked_add(k) else {
                self.problem(&path.field("first_index"), "first_index + count overflows");
                return out;
            };
            let name = parts.render(index, zone.as_deref().unwrap_or(""));
            if let Some(why) = names::dns_subdomain(&name) {
                self.problem(&pattern_path, format!("gives an invalid name: {why}"));
                return Vec::new();
            }
            out.push((name, zone, pattern_path.clone()));
        }
        out
    }

    fn node_labels(&mut self, path: &FieldPath, nf: &NodeFile) -> BTreeMap<String, String> {
        let mut labels = BTreeMap::new();
        for (k, v) in &nf.labels {
            let p = path.field("labels").key(k);
            if let Some(why) = names::qualified_name(k).or_else(|| names::label_value(v)) {
                self.problem(&p, why);
            }
            labels.insert(k.clone(), v.clone());
        }
        let shorthands = [("zone", keys::ZONE_LABEL, &nf.zone), ("pool", POOL_LABEL, &nf.pool)];
        for (field, label, value) in shorthands {
            let Some(value) = value else { continue };
            if let Some(why) = names::label_value(value) {
                self.problem(&path.field(field), why);
            }
            match labels.get(label) {
                Some(existing) if existing != value => self.problem(
                    &path.field(field),
                    format!("{field} {value:?} disagrees with labels[{label:?}] = {existing:?}"),
                ),
                _ => {
                    labels.insert(label.to_string(), value.clone());
                }
            }
        }
        for (k, v) in KUBELET_LABELS {
            labels.entry(k.to_string()).or_insert_with(|| v.to_string());
        }
        labels
    }

    fn node_taints(&mut self, path: &FieldPath, nf: &NodeFile) -> Vec<Taint> {
        let mut out: Vec<Taint> = Vec::new();
        for (i, tf) in nf.taints.iter().enumerate() {
            let p = path.field("taints").index(i);
            let Some(taint) = self.taint(&p, tf, true) else { continue };
            if out.iter().any(|t| t.same_taint(&taint)) {
                self.problem(
                    &p,
                    format!(
                        "the node already has a taint with key {:?} and effect {}",
                        taint.key, taint.effect
                    ),
                );
                continue;
            }
            out.push(taint);
        }
        out
    }

    fn node_resources(&mut self, path: &FieldPath, nf: &NodeFile) -> (ResourceList, ResourceList) {
        let cap_path = path.field("capacity");
        let Some(cap_map) = &nf.capacity else {
            self.problem(&cap_path, "capacity is required (at least cpu, memory and pods)");
            return Default::default();
        };
        let capacity = self.resources(&cap_path, cap_map);
        for needed in ["cpu", "memory", "pods"] {
            if !cap_map.contains_key(needed) {
                self.problem(&cap_path, format!("capacity must list {needed:?}"));
            } else if capacity.0.get(needed).is_some_and(|q| q.milli() == 0) {
                self.problem(&cap_path.key(needed), "must be more than zero");
            }
        }
        let mut allocatable = capacity.clone();
        if let Some(alloc_map) = &nf.allocatable {
            let alloc_path = path.field("allocatable");
            let given = self.resources(&alloc_path, alloc_map);
            for (name, q) in given.iter() {
                match capacity.0.get(name) {
                    None => self.problem(&alloc_path.key(name), format!("{name:?} is not in capacity")),
                    Some(c) if q > c => self
                        .problem(&alloc_path.key(name), format!("allocatable {q} is more than capacity {c}")),
                    _ => allocatable.set(name, *q),
                }
            }
        }
        (capacity, allocatable)
    }

    fn taint(&mut self, path: &FieldPath, tf: &TaintFile, adding: bool) -> Option<Taint> {
        let mut ok = true;
        if let Some(why) = names::qualified_name(&tf.key) {
            self.problem(&path.field("key"), why);
            ok = false;
        }
        if let Some(why) = names::label_value(&tf.value) {
            self.problem(&path.field("value"), why);
            ok = false;
        }
        if adding {
            if let Some((_, instead)) = EVENT_OWNED_TAINTS.iter().find(|(k, _)| *k == tf.key) {
                self.problem(
                    &path.field("key"),
                    format!("{:?} is managed by the node lifecycle controller: {instead}", tf.key),
                );
                ok = false;
            }
        }
        let effect = self.effect(&path.field("effect"), &tf.effect, false).flatten()?;
        ok.then(|| Taint { key: tf.key.clone(), value: tf.value.clone(), effect })
    }

    /// Parses an effect; `""` means "every effect" where `empty_ok`.
    fn effect(&mut self, path: &FieldPath, text: &str, empty_ok: bool) -> Option<Option<TaintEffect>> {
        if text.is_empty() {
            if empty_ok {
                return Some(None);
            }
            self.problem(path, "effect is required: NoSchedule, PreferNoSchedule or NoExecute");
            return None;
        }
        match TaintEffect::try_from(text.to_string()) {
            Ok(e) => Some(Some(e)),
            Err(e) => {
                self.problem(path, e);
                None
            }
        }
    }

    fn tolerations(&mut self, path: &FieldPath, files: &[TolerationFile]) -> Vec<Toleration> {
        files.iter().enumerate().filter_map(|(i, t)| self.toleration(&path.index(i), t)).collect()
    }

    fn toleration(&mut self, path: &FieldPath, t: &TolerationFile) -> Option<Toleration> {
        let effect = self.effect(&path.field("effect"), &t.effect, true)?;
        let tol = Toleration {
            key: t.key.clone(),
            operator: Operator::from(t.operator.clone()),
            value: t.value.clone(),
            effect,
            toleration_seconds: t.toleration_seconds,
        };
        let mut ok = true;
        if !t.key.is_empty() {
            if let Some(why) = names::qualified_name(&t.key) {
                self.problem(&path.field("key"), why);
                ok = false;
            }
        }
        for why in tol.validation_errors() {
            // Point at the field the sentence is about.
            let field = if why.starts_with("operator Exists requires") {
                "value"
            } else if why.starts_with("operator") {
                "operator"
            } else if why.starts_with("tolerationSeconds") {
                "tolerationSeconds"
            } else {
                "key"
            };
            self.problem(&path.field(field), why);
            ok = false;
        }
        ok.then_some(tol)
    }

    // ---------------------------------------------------------------------------------------
    // Workloads and agents

    fn workloads(
        &mut self,
        business: &[WorkloadFile],
        agents: &[WorkloadFile],
        nodes: &BTreeSet<String>,
    ) -> (Vec<Workload>, Vec<Workload>) {
        if agents.is_empty() {
            self.problem(
                &root().field("agents"),
                "at least one agent is needed (the workload the policies are compared for)",
            );
        }
        let lists = [("workloads", business), ("agents", agents)];

        // Names are unique across both lists; the later one in the file is the duplicate.
        let mut all: Vec<(&str, FieldPath)> = lists
            .iter()
            .flat_map(|(field, files)| {
                files.iter().enumerate().map(move |(i, w)| (w.name.as_str(), root().field(field).index(i)))
            })
            .collect();
        all.sort_by_key(|(_, path)| self.map.locate(path));
        for (k, (name, path)) in all.iter().enumerate() {
            if let Some((_, first)) = all[..k].iter().find(|(n, _)| n == name) {
                let earlier = self.describe(first);
                self.problem(
                    &path.field("name"),
                    format!("workload name {name:?} is already used by {earlier}"),
                );
            }
        }

        let [resolved_business, resolved_agents] = lists.map(|(field, files)| {
            let is_agent = field == "agents";
            files
                .iter()
                .enumerate()
                .filter_map(|(i, wf)| self.workload(&root().field(field).index(i), wf, is_agent, nodes))
                .collect::<Vec<_>>()
        });
        (resolved_business, resolved_agents)
    }

    fn workload(
        &mut self,
        path: &FieldPath,
        w: &WorkloadFile,
        agent: bool,
        nodes: &BTreeSet<String>,
    ) -> Option<Workload> {
        if let Some(why) = names::dns_subdomain(&w.name) {
            self.problem(&path.field("name"), why);
        }
        let namespace = w.namespace.clone().unwrap_or_else(|| "default".to_string());
        if let Some(why) = names::dns_label(&namespace) {
            self.problem(&path.field("namespace"), why);
        }
        let kind = self.kind(path, w, agent, nodes)?;
        let template = self.template(path, w)?;
        Some(Workload { name: w.name.clone(), namespace, kind, template })
    }

    fn kind(
        &mut self,
        path: &FieldPath,
        w: &WorkloadFile,
        agent: bool,
        nodes: &BTreeSet<String>,
    ) -> Option<WorkloadKind> {
        let misplaced = |field: &str, kind: &str| format!("{field} does not apply to a {kind}");
        match w.kind {
            KindFile::Deployment => {
                for (field, given) in [("count", w.count.is_some()), ("node_name", w.node_name.is_some())] {
                    if given {
                        self.problem(&path.field(field), misplaced(field, "Deployment (it takes replicas)"));
                    }
                }
                let replicas = w.replicas.unwrap_or(1);
                if replicas > MAX_COUNT {
                    self.problem(&path.field("replicas"), format!("{replicas} is more than {MAX_COUNT}"));
                }
                Some(WorkloadKind::Deployment { replicas })
            }
            KindFile::DaemonSet => {
                for (field, given) in [
                    ("replicas", w.replicas.is_some()),
                    ("count", w.count.is_some()),
                    ("node_name", w.node_name.is_some()),
                ] {
                    if given {
                        self.problem(
                            &path.field(field),
                            misplaced(field, "DaemonSet (one pod per eligible node)"),
                        );
                    }
                }
                Some(WorkloadKind::DaemonSet)
            }
            KindFile::Pod if agent => {
                self.problem(&path.field("kind"), "an agent runs as a DaemonSet or a Deployment");
                None
            }
            KindFile::Pod => {
                if w.replicas.is_some() {
                    self.problem(&path.field("replicas"), misplaced("replicas", "bare Pod (it takes count)"));
                }
                let count = w.count.unwrap_or(1);
                if count == 0 || count > MAX_COUNT {
                    self.problem(&path.field("count"), format!("must be from 1 to {MAX_COUNT}"));
                }
                if let Some(node) = &w.node_name {
                    if !nodes.contains(node) {
                        let known = known_list(nodes.iter());
                        self.problem(
                            &path.field("node_name"),
                            format!("unknown node {node:?} (nodes at the start: {known})"),
                        );
                    }
                }
                Some(WorkloadKind::Pod { count, node_name: w.node_name.clone() })
            }
        }
    }

    fn template(&mut self, path: &FieldPath, w: &WorkloadFile) -> Option<PodTemplate> {
        let limits = self.resources(&path.field("limits"), &w.limits);
        let mut requests = self.resources(&path.field("requests"), &w.requests);
        self.check_requests(path, &mut requests, &limits);

        let priority = self.priority(path, w);
        let tolerations = self.tolerations(&path.field("tolerations"), &w.tolerations);
        for (k, v) in &w.node_selector {
            if let Some(why) = names::qualified_name(k).or_else(|| names::label_value(v)) {
                self.problem(&path.field("node_selector").key(k), why);
            }
        }
        let affinity = w.affinity.as_ref().map(|a| self.affinity(&path.field("affinity"), a));
        let tgp_path = path.field("termination_grace_period");
        let termination_grace_period = match &w.termination_grace_period {
            None => DEFAULT_TERMINATION_GRACE_PERIOD,
            Some(text) => {
                let d = self.duration(&tgp_path, text)?;
                if d.subsec_millis() != 0 {
                    self.problem(&tgp_path, "must be whole seconds (terminationGracePeriodSeconds)");
                }
                d
            }
        };
        Some(PodTemplate {
            requests,
            limits,
            priority,
            priority_class_name: w.priority_class_name.clone().unwrap_or_default(),
            tolerations,
            node_selector: w.node_selector.clone(),
            affinity,
            host_network: w.host_network,
            termination_grace_period,
        })
    }

    /// The API server's container resource rules: a missing request takes the limit's value;
    /// a request may not exceed its limit; extended resources (a prefixed name outside
    /// `kubernetes.io/`) are whole numbers and cannot be overcommitted.
    fn check_requests(&mut self, path: &FieldPath, requests: &mut ResourceList, limits: &ResourceList) {
        for (name, limit) in limits.iter() {
            if !requests.0.contains_key(name) {
                requests.set(name, *limit);
            }
        }
        for (name, request) in requests.clone().iter() {
            let p = path.field("requests").key(name);
            let extended = name.contains('/') && !name.starts_with("kubernetes.io/");
            match limits.0.get(name) {
                Some(limit) if request > limit => {
                    self.problem(&p, format!("request {request} is more than the limit {limit}"))
                }
                Some(limit) if extended && request != limit => self.problem(
                    &p,
                    format!("extended resource {name:?} cannot be overcommitted: request {request} must equal limit {limit}"),
                ),
                None if extended => {
                    self.problem(&p, format!("extended resource {name:?} needs a limit equal to its request"))
                }
                _ => {}
            }
            if extended && request.milli() % 1000 != 0 {
                self.problem(&p, format!("extended resource {name:?} must be a whole number"));
            }
        }
    }

    /// The pod's priority: given, or from a built-in priority class, else 0.
    fn priority(&mut self, path: &FieldPath, w: &WorkloadFile) -> i32 {
        let class = w.priority_class_name.as_deref().unwrap_or("");
        let builtin = SYSTEM_PRIORITY_CLASSES.iter().find(|(n, _)| *n == class).map(|(_, v)| *v);
        match (w.priority, builtin) {
            (Some(p), Some(v)) if p != v => {
                self.problem(
                    &path.field("priority"),
                    format!("priority class {class:?} has priority {v}, not {p}"),
                );
                v
            }
            (Some(p), None) if p > HIGHEST_USER_PRIORITY => {
                self.problem(
                    &path.field("priority"),
                    format!(
                        "priorities above {HIGHEST_USER_PRIORITY} belong to the system-* priority classes"
                    ),
                );
                p
            }
            (Some(p), _) => p,
            (None, Some(v)) => v,
            (None, None) => 0,
        }
    }

    fn affinity(&mut self, path: &FieldPath, a: &AffinityFile) -> Affinity {
        let Some(na) = &a.node_affinity else { return Affinity::default() };
        let na_path = path.field("nodeAffinity");
        let required = na.required.as_ref().map(|sel| {
            let p = na_path.field("requiredDuringSchedulingIgnoredDuringExecution");
            if sel.node_selector_terms.is_empty() {
                self.problem(&p.field("nodeSelectorTerms"), "must have at least one term");
            }
            let terms = sel
                .node_selector_terms
                .iter()
                .enumerate()
                .map(|(i, t)| self.selector_term(&p.field("nodeSelectorTerms").index(i), t))
                .collect();
            NodeSelector { node_selector_terms: terms }
        });
        let preferred = na
            .preferred
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let p = na_path.field("preferredDuringSchedulingIgnoredDuringExecution").index(i);
                if !(1..=100).contains(&t.weight) {
                    self.problem(&p.field("weight"), format!("{} is out of range (1 to 100)", t.weight));
                }
                PreferredSchedulingTerm {
                    weight: t.weight,
                    preference: self.selector_term(&p.field("preference"), &t.preference),
                }
            })
            .collect();
        Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: required,
                preferred_during_scheduling_ignored_during_execution: preferred,
            }),
        }
    }

    fn selector_term(&mut self, path: &FieldPath, t: &NodeSelectorTermFile) -> NodeSelectorTerm {
        let reqs = |field: &str, list: &[RequirementFile], this: &mut Self| -> Vec<NodeSelectorRequirement> {
            list.iter()
                .enumerate()
                .map(|(i, r)| {
                    this.requirement(&path.field(field).index(i), r, field == "matchFields");
                    NodeSelectorRequirement {
                        key: r.key.clone(),
                        operator: r.operator.clone(),
                        values: r.values.clone(),
                    }
                })
                .collect()
        };
        let match_expressions = reqs("matchExpressions", &t.match_expressions, self);
        let match_fields = reqs("matchFields", &t.match_fields, self);
        NodeSelectorTerm { match_expressions, match_fields }
    }

    /// `ValidateNodeSelectorRequirement` and `validateNodeFieldSelectorRequirement`.
    fn requirement(&mut self, path: &FieldPath, r: &RequirementFile, field: bool) {
        let n = r.values.len();
        if field {
            if r.key != "metadata.name" {
                self.problem(
                    &path.field("key"),
                    format!("{:?}: matchFields only supports metadata.name", r.key),
                );
            }
            if !matches!(r.operator.as_str(), "In" | "NotIn") {
                self.problem(
                    &path.field("operator"),
                    format!("{:?}: matchFields supports In and NotIn", r.operator),
                );
            } else if n != 1 {
                self.problem(&path.field("values"), "matchFields needs exactly one value");
            }
            return;
        }
        if let Some(why) = names::qualified_name(&r.key) {
            self.problem(&path.field("key"), why);
        }
        let values_problem = match r.operator.as_str() {
            "In" | "NotIn" if n == 0 => Some("In and NotIn need at least one value"),
            "Exists" | "DoesNotExist" if n != 0 => Some("Exists and DoesNotExist take no values"),
            "Gt" | "Lt" if n != 1 || r.values[0].parse::<i64>().is_err() => {
                Some("Gt and Lt need exactly one integer value")
            }
            "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => None,
            other => {
                self.problem(
                    &path.field("operator"),
                    format!("{other:?} is not an operator (In, NotIn, Exists, DoesNotExist, Gt or Lt)"),
                );
                None
            }
        };
        if let Some(why) = values_problem {
            self.problem(&path.field("values"), why);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Policies

    fn policies(
        &mut self,
        files: &[PolicyFile],
        agents: &[WorkloadFile],
        business: &[WorkloadFile],
    ) -> Vec<Policy> {
        if files.is_empty() {
            self.problem(&root().field("policies"), "at least one policy is needed");
        }
        let agent_names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
        let mut out: Vec<Policy> = Vec::new();
        let mut seen: Vec<(&str, FieldPath)> = Vec::new();
        for (i, pf) in files.iter().enumerate() {
            let path = root().field("policies").index(i);
            let name_path = path.field("name");
            self.plain_name(&name_path, &pf.name);
            if let Some((_, first)) = seen.iter().find(|(n, _)| *n == pf.name) {
                let earlier = self.describe(first);
                self.problem(&name_path, format!("policy name {:?} is already used by {earlier}", pf.name));
            } else {
                seen.push((&pf.name, path.clone()));
            }
            let applies_to = self.applies_to(&path, pf, &agent_names, business);
            let tolerations = self.tolerations(&path.field("tolerations"), &pf.tolerations);
            out.push(Policy {
                name: pf.name.clone(),
                description: pf.description.clone(),
                tolerations,
                applies_to,
            });
        }
        out
    }

    fn applies_to(
        &mut self,
        path: &FieldPath,
        pf: &PolicyFile,
        agents: &[&str],
        business: &[WorkloadFile],
    ) -> Vec<String> {
        let Some(list) = &pf.applies_to else { return Vec::new() };
        let p = path.field("applies_to");
        if list.is_empty() {
            self.problem(&p, "an empty list applies the policy to no agent; leave applies_to out to apply it to every agent");
        }
        for (i, name) in list.iter().enumerate() {
            if agents.contains(&name.as_str()) {
                continue;
            }
            let known = known_list(agents.iter());
            let why = if business.iter().any(|w| w.name == *name) {
                format!("{name:?} is a business workload, not an agent (agents: {known})")
            } else {
                format!("unknown agent {name:?} (agents: {known})")
            };
            self.problem(&p.index(i), why);
        }
        list.clone()
    }

    // ---------------------------------------------------------------------------------------
    // Timeline

    fn timeline(
        &mut self,
        files: &[EventFile],
        start: &[StartNode],
        horizon: Duration,
    ) -> Vec<TimelineEvent> {
        let mut pending = Vec::new();
        for (i, ef) in files.iter().enumerate() {
            self.event(&root().field("timeline").index(i), ef, horizon, &mut pending);
        }
        pending.sort_by_key(|p| p.at);

        // Replay the node set in time order to check each event's node.
        let mut present: Vec<String> = start.iter().map(|n| n.def.name.clone()).collect();
        let mut removed: BTreeMap<String, (SimTime, FieldPath)> = BTreeMap::new();
        let added_later: BTreeMap<String, (SimTime, FieldPath)> = pending
            .iter()
            .filter(|p| matches!(p.action, TimelineAction::AddNode(_)))
            .map(|p| (p.action.node().to_string(), (p.at, p.entry.clone())))
            .collect();
        for p in &pending {
            let node = p.action.node().to_string();
            let exists = present.contains(&node);
            match &p.action {
                TimelineAction::AddNode(_) if exists => {
                    self.problem(&p.path, format!("node {node:?} already exists at {}", at_text(p.at)));
                }
                TimelineAction::AddNode(_) => {
                    removed.remove(&node);
                    present.push(node);
                }
                _ if exists => {
                    if matches!(p.action, TimelineAction::RemoveNode { .. }) {
                        present.retain(|n| *n != node);
                        removed.insert(node, (p.at, p.entry.clone()));
                    }
                }
                _ => {
                    let why = if let Some((t, by)) = removed.get(&node) {
                        format!("node {node:?} was removed at {} by {}", at_text(*t), self.describe(by))
                    } else if let Some((t, by)) = added_later.get(&node) {
                        format!(
                            "node {node:?} does not exist yet at {}: {} adds it at {}",
                            at_text(p.at),
                            self.describe(by),
                            at_text(*t)
                        )
                    } else {
                        format!("unknown node {node:?} (known: {})", known_list(present.iter()))
                    };
                    self.problem(&p.path, why);
                }
            }
        }
        pending.into_iter().map(|p| TimelineEvent { at: p.at, action: p.action }).collect()
    }

    /// One file entry: one action, two for a `for_duration` spell, several for a node group.
    fn event(&mut self, path: &FieldPath, ef: &EventFile, horizon: Duration, out: &mut Vec<Pending>) {
        let Some(at) = self.duration(&path.field("at"), &ef.at) else { return };
        if at > horizon {
            self.problem(
                &path.field("at"),
                format!("{} is after the horizon ({})", format_duration(at), format_duration(horizon)),
            );
        }
        let start = SimTime::from_duration(at);

        // Fields that belong to some events only.
        let kind = ef.event;
        let takes_taint = matches!(kind, EventKind::AddTaint | EventKind::RemoveTaint);
        let adds_node = kind == EventKind::AddNode;
        let checks = [
            ("taint", ef.taint.is_some(), takes_taint, "AddTaint and RemoveTaint"),
            ("new_node", ef.new_node.is_some(), adds_node, "AddNode"),
            (
                "node",
                ef.node.is_some(),
                !adds_node,
                "every event except AddNode (it names the node in new_node)",
            ),
            (
                "for_duration",
                ef.for_duration.is_some(),
                kind.closing().is_some(),
                "Silent, NotReady, AddTaint and Cordon",
            ),
        ];
        let mut shape_ok = true;
        for (field, given, allowed, which) in checks {
            if given && !allowed {
                self.problem(&path.field(field), format!("{field} is only for {which}"));
                shape_ok = false;
            } else if !given && allowed && field != "for_duration" {
                self.problem(&path.field(field), format!("{kind:?} needs {field}"));
                shape_ok = false;
            }
        }
        if !shape_ok {
            return;
        }
        let end = ef.for_duration.as_ref().and_then(|text| {
            let p = path.field("for_duration");
            let d = self.positive_duration(&p, text)?;
            if at + d > horizon {
                self.problem(
                    &p,
                    format!(
                        "the spell ends at {}, after the horizon ({})",
                        format_duration(at + d),
                        format_duration(horizon)
                    ),
                );
            }
            Some(start + d)
        });

        if adds_node {
            let node_path = path.field("new_node");
            let nf = ef.new_node.as_ref().expect("checked above: AddNode has new_node");
            for (def, name_path) in self.node_entry(&node_path, nf) {
                out.push(Pending {
                    at: start,
                    action: TimelineAction::AddNode(def),
                    path: name_path,
                    entry: path.clone(),
                });
            }
            return;
        }
        let node = ef.node.clone().expect("checked above: the event has node");
        let node_path = path.field("node");
        let taint = match &ef.taint {
            Some(tf) => match self.taint(&path.field("taint"), tf, kind == EventKind::AddTaint) {
                Some(t) => Some(t),
                None => return,
            },
            None => None,
        };
        let action = |kind: EventKind| -> TimelineAction {
            let node = node.clone();
            match kind {
                EventKind::Silent => TimelineAction::NodeSilent { node },
                EventKind::Back => TimelineAction::NodeBack { node },
                EventKind::NotReady => TimelineAction::KubeletNotReady { node },
                EventKind::Ready => TimelineAction::KubeletReady { node },
                EventKind::Cordon => TimelineAction::Cordon { node },
                EventKind::Uncordon => TimelineAction::Uncordon { node },
                EventKind::RemoveNode => TimelineAction::RemoveNode { node },
                EventKind::AddTaint => TimelineAction::AddTaint {
                    node,
                    taint: taint.clone().expect("checked above: AddTaint has taint"),
                },
                EventKind::RemoveTaint => {
                    let t = taint.as_ref().expect("checked above: RemoveTaint has taint");
                    TimelineAction::RemoveTaint { node, key: t.key.clone(), effect: t.effect }
                }
                EventKind::AddNode => unreachable!("AddNode is handled above"),
            }
        };
        out.push(Pending { at: start, action: action(kind), path: node_path, entry: path.clone() });
        if let (Some(end), Some(closing)) = (end, kind.closing()) {
            out.push(Pending {
                at: end,
                action: action(closing),
                path: path.field("for_duration"),
                entry: path.clone(),
            });
        }
    }
}

/// `"1h30m"` for an instant, as messages print times on the timeline.
fn at_text(t: SimTime) -> String {
    format_duration(t.since_start())
}

/// `"a, b, c"`, shortened to the first few with a total.
fn known_list<'s>(names: impl ExactSizeIterator<Item = impl AsRef<str>> + 's) -> String {
    let total = names.len();
    if total == 0 {
        return "none".into();
    }
    let shown: Vec<String> = names.take(KNOWN_NAMES_SHOWN).map(|n| n.as_ref().to_string()).collect();
    if total > KNOWN_NAMES_SHOWN {
        format!("{}, ... ({total} in all)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// A parsed `name_pattern`: text with `{i}`, `{i:0N}` and `{zone}` placeholders.
#[derive(Debug)]
struct NamePattern {
    parts: Vec<PatternPart>,
    uses_zone: bool,
}

#[derive(Debug)]
enum PatternPart {
    Text(String),
    /// The node's index, zero-padded to `width` digits.
    Index {
        width: usize,
    },
    Zone,
}

impl NamePattern {
    fn parse(pattern: &str) -> Result<NamePattern, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        let mut has_index = false;
        let mut uses_zone = false;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(PatternPart::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("{pattern:?} has an unclosed '{{'"));
            };
            let inner = &rest[open + 1..open + close];
            match inner {
                "i" => {
                    parts.push(PatternPart::Index { width: 0 });
                    has_index = true;
                }
                "zone" => {
                    parts.push(PatternPart::Zone);
                    uses_zone = true;
                }
                _ => {
                    let width = inner
                        .strip_prefix("i:0")
                        .and_then(|w| w.parse::<usize>().ok())
                        .filter(|w| (1..=9).contains(w))
                        .ok_or_else(|| {
                            format!("unknown placeholder {{{inner}}} in {pattern:?} (use {{i}}, {{i:03}} or {{zone}})")
                        })?;
                    parts.push(PatternPart::Index { width });
                    has_index = true;
                }
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PatternPart::Text(rest.to_string()));
        }
        if !has_index {
            return Err(format!("{pattern:?} needs {{i}} (or {{i:02}}) so every node gets its own name"));
        }
        Ok(NamePattern { parts, uses_zone })
    }

    fn render(&self, index: u32, zone: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PatternPart::Text(t) => out.push_str(t),
                PatternPart::Index { width } => out.push_str(&format!("{index:0width$}")),
                PatternPart::Zone => out.push_str(zone),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_number_and_pad() {
        let p = NamePattern::parse("worker-{i:03}-{zone}").unwrap();
        assert_eq!(p.render(7, "a"), "worker-007-a");
        assert_eq!(NamePattern::parse("w{i}").unwrap().render(12, ""), "w12");
    }

    #[test]
    fn patterns_reject_unknown_or_missing_placeholders() {
        assert!(NamePattern::parse("worker").unwrap_err().contains("needs {i}"));
        assert!(NamePattern::parse("worker-{n}").unwrap_err().contains("unknown placeholder {n}"));
        assert!(NamePattern::parse("worker-{i").unwrap_err().contains("unclosed"));
        assert!(NamePattern::parse("worker-{i:0}").is_err());
    }

    #[test]
    fn long_name_lists_are_shortened() {
        let names: Vec<String> = (1..=10).map(|i| format!("n{i}")).collect();
        assert_eq!(known_list(names.iter()), "n1, n2, n3, n4, n5, n6, n7, n8, ... (10 in all)");
        assert_eq!(known_list(Vec::<String>::new().iter()), "none");
    }
}
