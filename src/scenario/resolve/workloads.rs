//! Workloads and agents (kind, pod template, tolerations, affinity) and policies.

use super::{MAX_COUNT, Resolver, known_list, names, root};
use crate::model::pod::{DEFAULT_TERMINATION_GRACE_PERIOD, Volume, VolumeSource, WORKLOAD_LABEL};
use crate::model::selector::{
    NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm,
};
use crate::model::{Affinity, Operator, PodTemplate, ResourceList, Toleration};
use crate::scenario::file::{
    AffinityFile, KindFile, NodeSelectorTermFile, PolicyFile, RequirementFile, TolerationFile, VolumeFile,
    WorkloadFile,
};
use crate::scenario::locate::FieldPath;
use crate::scenario::{Policy, Workload, WorkloadKind};
use std::collections::BTreeSet;

/// Built-in priority classes and their values (k/k `pkg/apis/scheduling/types.go`).
const SYSTEM_PRIORITY_CLASSES: [(&str, i32); 2] =
    [("system-cluster-critical", 2_000_000_000), ("system-node-critical", 2_000_001_000)];

/// Highest priority a user-defined priority class may have (`HighestUserDefinablePriority`).
const HIGHEST_USER_PRIORITY: i32 = 1_000_000_000;

/// Most bytes a pod's annotations may take, keys and values together
/// (`TotalAnnotationSizeLimitB`).
const ANNOTATIONS_SIZE_LIMIT: usize = 256 * 1024;

/// `emptyDir.medium` values the kubelet knows: the node's disk (`""`), tmpfs, huge pages (of
/// the default size or of a named one).
fn valid_medium(medium: &str) -> bool {
    match medium {
        "" | "Memory" | "HugePages" => true,
        _ => medium
            .strip_prefix("HugePages-")
            .is_some_and(|size| crate::model::Quantity::parse(size).is_ok_and(|q| q.milli() > 0)),
    }
}

impl Resolver<'_> {
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

    pub(super) fn workloads(
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
        if let Some(why) = names::dns_label(&namespace, "namespace") {
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
                    ("one_per_node", w.one_per_node),
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
                    if w.one_per_node {
                        self.problem(
                            &path.field("one_per_node"),
                            "pods bound by node_name skip the scheduler, which is what keeps them one per node",
                        );
                    }
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
        self.label_map(&path.field("node_selector"), &w.node_selector);
        self.pod_labels(&path.field("labels"), w);
        self.annotations(&path.field("annotations"), w);
        let volumes = self.volumes(&path.field("volumes"), &w.volumes);
        let affinity = w.affinity.as_ref().map(|a| self.affinity(&path.field("affinity"), a));
        let usage = self.usage(&path.field("usage"), w.usage.as_ref());
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
            labels: w.labels.clone(),
            annotations: w.annotations.clone(),
            volumes,
            one_per_node: w.one_per_node,
            usage,
        })
    }

    /// `labels`: the API's label rules, and the simulator's own workload label left alone.
    fn pod_labels(&mut self, path: &FieldPath, w: &WorkloadFile) {
        self.label_map(path, &w.labels);
        if w.labels.contains_key(WORKLOAD_LABEL) {
            self.key_problem(
                &path.key(WORKLOAD_LABEL),
                format!(
                    "{WORKLOAD_LABEL:?} is reserved: the simulator sets it to the workload's name on every pod (a budget's selector may use it)"
                ),
            );
        }
    }

    /// `annotations`: keys are qualified names, values free text, all of it at most
    /// [`ANNOTATIONS_SIZE_LIMIT`] bytes.
    fn annotations(&mut self, path: &FieldPath, w: &WorkloadFile) {
        for k in w.annotations.keys() {
            if let Some(why) = names::qualified_name(k) {
                self.key_problem(&path.key(k), why);
            }
        }
        let size: usize = w.annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
        if size > ANNOTATIONS_SIZE_LIMIT {
            self.problem(
                path,
                format!(
                    "annotations take {size} bytes, more than the API's limit of {ANNOTATIONS_SIZE_LIMIT}"
                ),
            );
        }
    }

    /// `volumes`: unique DNS-label names, each with exactly one source.
    fn volumes(&mut self, path: &FieldPath, files: &[VolumeFile]) -> Vec<Volume> {
        let mut out: Vec<Volume> = Vec::new();
        let mut seen: Vec<(&str, FieldPath)> = Vec::new();
        for (i, vf) in files.iter().enumerate() {
            let p = path.index(i);
            let name_path = p.field("name");
            let mut ok = true;
            if let Some(why) = names::dns_label(&vf.name, "volume name") {
                self.problem(&name_path, why);
                ok = false;
            } else if let Some((_, first)) = seen.iter().find(|(n, _)| *n == vf.name) {
                let earlier = self.describe(first);
                self.problem(&name_path, format!("volume name {:?} is already used by {earlier}", vf.name));
                ok = false;
            } else {
                seen.push((&vf.name, p.clone()));
            }
            let sources: Vec<(&str, VolumeSource)> = [
                vf.empty_dir
                    .as_ref()
                    .map(|e| ("emptyDir", VolumeSource::EmptyDir { medium: e.medium.clone() })),
                vf.host_path.as_ref().map(|_| ("hostPath", VolumeSource::HostPath)),
                vf.other.as_ref().map(|_| ("other", VolumeSource::Other)),
            ]
            .into_iter()
            .flatten()
            .collect();
            let source = match sources.as_slice() {
                [(_, source)] => Some(source.clone()),
                [] => {
                    self.problem(&p, "a volume needs a source: emptyDir: (), hostPath: () or other: ()");
                    None
                }
                [_, (second, _), ..] => {
                    self.problem(&p.field(second), "a volume has exactly one source");
                    None
                }
            };
            if let Some(VolumeSource::EmptyDir { medium }) = &source {
                if !valid_medium(medium) {
                    self.problem(
                        &p.field("emptyDir").field("medium"),
                        format!(
                            "unknown medium {medium:?} (\"\" for the node's disk, \"Memory\", \"HugePages\" or \"HugePages-<size>\")"
                        ),
                    );
                    ok = false;
                }
            }
            if let (true, Some(source)) = (ok, source) {
                out.push(Volume { name: vf.name.clone(), source });
            }
        }
        out
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

    pub(super) fn policies(
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
}

#[cfg(test)]
mod tests {
    use super::valid_medium;

    #[test]
    fn empty_dir_media_are_the_kubelets() {
        for ok in ["", "Memory", "HugePages", "HugePages-2Mi", "HugePages-1Gi"] {
            assert!(valid_medium(ok), "{ok}");
        }
        for bad in ["memory", "Disk", "HugePages-", "HugePages-0", "HugePages-x", "HugePages-2 Mi"] {
            assert!(!valid_medium(bad), "{bad}");
        }
    }
}
