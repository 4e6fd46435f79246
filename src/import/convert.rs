//! From typed Kubernetes objects to scenario-file entries: nodes (with their conditions as
//! timeline events at time 0), pod templates, budgets and tolerations. Fields the simulator
//! does not model are recorded in [`Notes`], never dropped silently.

use super::error::{ImportError, Place};
use super::origin::Origin;
use super::out::{
    AffinityOut, Empty, EmptyDirOut, IntOrPercent, LabelSelectorOut, NodeAffinityOut, NodeSelectorOut,
    PdbOut, PodShape, PreferredOut, RequirementOut, TermOut, TolerationOut, VolumeOut,
};
use super::out::{NodeOut, QuantityOut, ResourcesOut, TaintOut};
use super::read::{RawObject, typed};
use crate::model::Quantity;
use crate::model::quantity::QuantityFormat;
use crate::scenario::file::{EventFile, EventKind};
use crate::scenario::{POOL_LABEL, names};
use k8s_openapi::api::core::v1::{Node, NodeSelectorTerm, PodSpec, Toleration};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::{BTreeMap, BTreeSet};

/// How many objects an "ignored" line names before it abbreviates.
const EXAMPLES_SHOWN: usize = 3;

/// What the importer left out or changed, for the run's output and the report.
#[derive(Clone, Debug, Default)]
pub(crate) struct Notes {
    /// Present but unsupported inputs: what, then the objects it was found on (all of them,
    /// and the first few in input order).
    ignored: BTreeMap<String, (BTreeSet<String>, Vec<String>)>,
    /// Ignored inputs counted as something other than objects (singular, plural).
    nouns: BTreeMap<String, (&'static str, &'static str)>,
    /// Things the user should know that are not about unsupported fields.
    pub(crate) warnings: Vec<String>,
}

impl Notes {
    /// Records that `what` (a field and why it is ignored) was found on `object`.
    pub(crate) fn ignore(&mut self, what: impl Into<String>, object: impl Into<String>) {
        let (all, first) = self.ignored.entry(what.into()).or_default();
        let object = object.into();
        if all.insert(object.clone()) && first.len() < EXAMPLES_SHOWN {
            first.push(object);
        }
    }

    /// Records that `what` was found, counting `item`s that are not objects (`nouns`: the
    /// singular and the plural of what they are).
    pub(crate) fn ignore_counted(
        &mut self,
        what: impl Into<String>,
        item: impl Into<String>,
        nouns: (&'static str, &'static str),
    ) {
        let what = what.into();
        self.nouns.insert(what.clone(), nouns);
        self.ignore(what, item);
    }

    /// One line per ignored input, sorted: `what: N objects (a, b, c, ...)`.
    pub(crate) fn ignored_lines(&self) -> Vec<String> {
        self.ignored
            .iter()
            .map(|(what, (all, first))| {
                let mut shown: Vec<&str> = first.iter().map(String::as_str).collect();
                if all.len() > EXAMPLES_SHOWN {
                    shown.push("...");
                }
                let n = all.len();
                let (one, many) = self.nouns.get(what).copied().unwrap_or(("object", "objects"));
                let noun = if n == 1 { one } else { many };
                format!("{what}: {n} {noun} ({})", shown.join(", "))
            })
            .collect()
    }
}

/// The taint keys the node lifecycle controller and the kubelet manage from the node's
/// conditions and `spec.unschedulable`; the simulator sets them itself, so the importer
/// takes the conditions and leaves these taints out.
const CONDITION_TAINTS: [&str; 7] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/memory-pressure",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/pid-pressure",
    "node.kubernetes.io/network-unavailable",
];

/// Node annotations that keep a drainer from choosing the node, and that drainer. The
/// simulator's drains come from the timeline, which names its nodes.
const NODE_ANNOTATIONS: [(&str, &str); 2] = [
    ("cluster-autoscaler.kubernetes.io/scale-down-disabled", "cluster-autoscaler"),
    ("karpenter.sh/do-not-disrupt", "Karpenter"),
];

/// Parses a quantity as Kubernetes does; the error names the field.
pub(crate) fn quantity(place: &Place, field: &str, q: &K8sQuantity) -> Result<Quantity, ImportError> {
    let parsed = Quantity::parse(&q.0).map_err(|e| ImportError::at(place, field, e))?;
    if parsed.milli() < 0 {
        return Err(ImportError::at(place, field, format!("negative quantity {:?}", q.0)));
    }
    Ok(parsed)
}

/// A resource map with every quantity checked; values kept as written.
fn resource_map(
    place: &Place,
    field: &str,
    map: Option<&BTreeMap<String, K8sQuantity>>,
) -> Result<ResourcesOut, ImportError> {
    let mut out = BTreeMap::new();
    for (name, q) in map.into_iter().flatten() {
        let value = quantity(place, &format!("{field}.{name}"), q)?;
        out.insert(name.clone(), QuantityOut { text: q.0.trim().to_string(), value });
    }
    Ok(out)
}

/// Labels that pass the API's rules; others are recorded as ignored.
fn valid_labels(
    labels: Option<&BTreeMap<String, String>>,
    object: &str,
    field: &str,
    notes: &mut Notes,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in labels.into_iter().flatten() {
        if names::qualified_name(k).is_some() || names::label_value(v).is_some() {
            notes.ignore_counted(
                format!("{field} that are not valid labels (left out)"),
                format!("{object} {k}={v}"),
                ("label", "labels"),
            );
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// A node entry and the timeline events at time 0 that give it the state its conditions
/// report.
pub(crate) fn node(obj: &RawObject, notes: &mut Notes) -> Result<(NodeOut, Vec<EventFile>), ImportError> {
    let node: Node = typed(obj)?;
    let place = &obj.place;
    let name = node.metadata.name.clone().unwrap_or_default();
    if let Some(problem) = names::dns_subdomain(&name) {
        return Err(ImportError::at(place, "metadata.name", format!("{name:?}: {problem}")));
    }
    let labels = valid_labels(node.metadata.labels.as_ref(), &name, "node labels", notes);
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    let mut origin = Origin::new(place)
        .field("name", "metadata.name")
        .field("labels", "metadata.labels")
        .field("unschedulable", "spec.unschedulable")
        .field("allocatable", "status.allocatable");
    let mut taints = Vec::new();
    for (i, t) in spec.taints.iter().flatten().enumerate() {
        if CONDITION_TAINTS.contains(&t.key.as_str()) {
            continue;
        }
        if !matches!(t.effect.as_str(), "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            return Err(ImportError::at(
                place,
                format!("spec.taints[{i}].effect"),
                format!("unknown effect {:?} (NoSchedule, PreferNoSchedule or NoExecute)", t.effect),
            ));
        }
        if t.time_added.is_some() {
            notes.ignore(
                "node spec.taints[].timeAdded (taints are there from time 0: the eviction timers of \
                 NoExecute taints, tolerationSeconds, count from the start of the simulation)",
                name.clone(),
            );
        }
        origin = origin.field(format!("taints[{}]", taints.len()), format!("spec.taints[{i}]"));
        taints.push(TaintOut {
            key: t.key.clone(),
            value: t.value.clone().unwrap_or_default(),
            effect: t.effect.clone(),
        });
    }
    let mut capacity = resource_map(place, "status.capacity", status.capacity.as_ref())?;
    let allocatable = resource_map(place, "status.allocatable", status.allocatable.as_ref())?;
    if capacity.is_empty() {
        capacity = allocatable.clone();
        origin = origin.field("capacity", "status.allocatable");
    } else {
        origin = origin.field("capacity", "status.capacity");
    }
    for needed in ["cpu", "memory", "pods"] {
        if !capacity.contains_key(needed) {
            return Err(ImportError::at(
                place,
                format!("status.capacity.{needed}"),
                "missing (neither status.capacity nor status.allocatable gives it)",
            ));
        }
    }
    let mut events = Vec::new();
    let event = |kind: EventKind| EventFile {
        at: "0s".into(),
        node: Some(name.clone()),
        event: kind,
        ..EventFile::default()
    };
    for c in status.conditions.iter().flatten() {
        let before = events.len();
        match (c.type_.as_str(), c.status.as_str()) {
            ("Ready", "False") => events.push(event(EventKind::NotReady)),
            ("Ready", "Unknown") => events.push(event(EventKind::Silent)),
            ("MemoryPressure" | "DiskPressure" | "PIDPressure", "True") => events.push(EventFile {
                condition: Some(c.type_.clone()),
                ..event(EventKind::InjectCondition)
            }),
            ("NetworkUnavailable", "True") => notes.ignore(
                "node condition NetworkUnavailable=True (not simulated: the node starts with a working network)",
                name.clone(),
            ),
            _ => {}
        }
        if events.len() > before && c.last_transition_time.is_some() {
            notes.ignore(
                "node status.conditions[].lastTransitionTime of a NotReady, unreachable or pressure \
                 state (the state starts at time 0: its taints and the evictions they bring count \
                 from the start of the simulation)",
                name.clone(),
            );
        }
    }
    // Ready=Unknown already covers every condition: a silent node reports nothing.
    if events.iter().any(|e| e.event == EventKind::Silent) {
        events.retain(|e| e.event == EventKind::Silent);
    }
    if status.images.as_ref().is_some_and(|v| !v.is_empty()) {
        notes.ignore("node status.images (ImageLocality scoring is not simulated)", name.clone());
    }
    for (key, who) in NODE_ANNOTATIONS {
        if node.metadata.annotations.as_ref().is_some_and(|a| a.contains_key(key)) {
            notes.ignore(
                format!(
                    "node annotation {key} (drains of the node in the timeline go ahead; {who} would \
                     not choose it)"
                ),
                name.clone(),
            );
        }
    }
    if status.volumes_attached.as_ref().is_some_and(|v| !v.is_empty()) {
        notes.ignore("node status.volumesAttached (volume limits are not simulated)", name.clone());
    }
    let allocatable = if allocatable == capacity { BTreeMap::new() } else { allocatable };
    let pool = (!labels.contains_key(POOL_LABEL)).then(|| pool_of(&labels).to_string());
    let def = NodeOut {
        name,
        pool,
        labels,
        taints,
        unschedulable: spec.unschedulable.unwrap_or(false),
        capacity,
        allocatable,
        origin: Some(origin),
    };
    Ok((def, events))
}

/// Role labels that make a node part of the control plane.
const CONTROL_PLANE_ROLES: [&str; 2] =
    ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"];

/// The pool of an imported node that does not carry [`POOL_LABEL`]: `control-plane` when it
/// has a control-plane (or master) role label, `worker` otherwise. These are the pools the
/// default scenario's generators act on (crashes, memory bursts and upgrades of the workers,
/// upgrades of the control plane).
pub(crate) fn pool_of(labels: &BTreeMap<String, String>) -> &'static str {
    if CONTROL_PLANE_ROLES.iter().any(|r| labels.contains_key(*r)) { "control-plane" } else { "worker" }
}

/// A toleration as written.
pub(crate) fn toleration(t: &Toleration) -> TolerationOut {
    TolerationOut {
        key: t.key.clone().unwrap_or_default(),
        operator: t.operator.clone().unwrap_or_default(),
        value: t.value.clone().unwrap_or_default(),
        effect: t.effect.clone().unwrap_or_default(),
        toleration_seconds: t.toleration_seconds,
    }
}

/// Annotations the simulated drainers read; other annotations are left out of the scenario.
const KEPT_ANNOTATIONS: [&str; 5] = [
    "kubernetes.io/config.mirror",
    "cluster-autoscaler.kubernetes.io/safe-to-evict",
    "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes",
    "cluster-autoscaler.kubernetes.io/daemonset-pod",
    "karpenter.sh/do-not-disrupt",
];

/// Labels that differ from one pod of a controller to the next and would keep alike pods
/// apart; left out.
const PER_POD_LABELS: [&str; 5] = [
    "pod-template-hash",
    "controller-revision-hash",
    "pod-template-generation",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
];

/// What a pod (or a pod template) looks like to the simulator.
pub(crate) struct PodInput<'a> {
    pub(crate) place: &'a Place,
    /// Prefix of field paths: `spec` for a pod, `spec.template.spec` for a template.
    pub(crate) spec_path: &'a str,
    /// `namespace/name` for notes.
    pub(crate) object: &'a str,
    pub(crate) spec: &'a PodSpec,
    pub(crate) labels: Option<&'a BTreeMap<String, String>>,
    pub(crate) annotations: Option<&'a BTreeMap<String, String>>,
    /// A DaemonSet's pod: the node pinning the DaemonSet controller adds is removed.
    pub(crate) daemon_pod: bool,
    /// Keep `spec.nodeName` (bare pods).
    pub(crate) keep_node_name: bool,
}

/// An amount of a pod's requests or limits: its value, its text when it is one container's
/// quantity passed through unchanged, and the suffix family of the quantities it comes from.
#[derive(Clone, Debug)]
struct Amount {
    value: Quantity,
    written: Option<String>,
    format: QuantityFormat,
}

impl Default for Amount {
    fn default() -> Amount {
        Amount { value: Quantity::ZERO, written: None, format: QuantityFormat::BinarySi }
    }
}

impl Amount {
    /// A quantity as written in the input (already checked).
    fn written(text: &str, value: Quantity) -> Amount {
        Amount { value, written: Some(text.trim().to_string()), format: QuantityFormat::of(text) }
    }

    /// `self + o`: a zero side leaves the other as it is; a sum is written in binary units
    /// only when both sides are. `None` beyond what the simulator holds.
    fn plus(&self, o: &Amount) -> Option<Amount> {
        if o.value == Quantity::ZERO {
            return Some(self.clone());
        }
        if self.value == Quantity::ZERO {
            return Some(o.clone());
        }
        let format = if self.format == QuantityFormat::BinarySi && o.format == QuantityFormat::BinarySi {
            QuantityFormat::BinarySi
        } else {
            QuantityFormat::DecimalSi
        };
        Some(Amount { value: self.value.checked_add(o.value)?, written: None, format })
    }

    /// The scenario file's entry: the written text, or the canonical text of a computed
    /// amount.
    fn out(self) -> QuantityOut {
        let text = self.written.unwrap_or_else(|| self.value.canonical(self.format));
        QuantityOut { text, value: self.value }
    }
}

/// Sums `add` into `total`. A sum beyond what the simulator holds stays at that limit, and
/// its resource is recorded in `over`.
fn add_into(
    total: &mut BTreeMap<String, Amount>,
    add: &BTreeMap<String, Amount>,
    over: &mut BTreeSet<String>,
) {
    for (k, v) in add {
        let e = total.entry(k.clone()).or_default();
        *e = e.plus(v).unwrap_or_else(|| {
            over.insert(k.clone());
            Amount { value: Quantity::MAX, written: None, format: QuantityFormat::DecimalSi }
        });
    }
}

/// `total[k] = max(total[k], other[k])` for every key.
fn max_into(total: &mut BTreeMap<String, Amount>, other: &BTreeMap<String, Amount>) {
    for (k, v) in other {
        let e = total.entry(k.clone()).or_default();
        if v.value > e.value {
            *e = v.clone();
        }
    }
}

/// The pod's shape: requests and limits summed as the scheduler sums them, tolerations,
/// node selection, priority and the rest; unsupported fields recorded in `notes`.
pub(crate) fn pod_shape(p: &PodInput<'_>, notes: &mut Notes) -> Result<PodShape, ImportError> {
    let spec = p.spec;
    let sp = p.spec_path;
    // Per container: requests defaulted from limits, as the API server does.
    type Res = BTreeMap<String, Amount>;
    let container_res =
        |c: &k8s_openapi::api::core::v1::Container, path: &str| -> Result<(Res, Res), ImportError> {
            let mut req = Res::new();
            let mut lim = Res::new();
            if let Some(r) = &c.resources {
                for (k, q) in r.limits.iter().flatten() {
                    let v = quantity(p.place, &format!("{path}.resources.limits.{k}"), q)?;
                    lim.insert(k.clone(), Amount::written(&q.0, v));
                }
                for (k, q) in r.requests.iter().flatten() {
                    let v = quantity(p.place, &format!("{path}.resources.requests.{k}"), q)?;
                    req.insert(k.clone(), Amount::written(&q.0, v));
                }
            }
            for (k, v) in &lim {
                req.entry(k.clone()).or_insert_with(|| v.clone());
            }
            Ok((req, lim))
        };
    // Resources whose requests or limits add up beyond what the simulator holds: refused
    // below (limits only when the pod keeps the limit).
    let mut over_requests = BTreeSet::new();
    let mut over_limits = BTreeSet::new();
    let mut requests = Res::new();
    let mut limits = Res::new();
    // A pod has a limit on a resource only when every container that runs alongside the
    // others sets one.
    let mut unlimited: std::collections::BTreeSet<String> = Default::default();
    let mut limit_keys: std::collections::BTreeSet<String> = Default::default();
    let mut regular: Vec<(Res, Res)> = Vec::new();
    for (i, c) in spec.containers.iter().enumerate() {
        regular.push(container_res(c, &format!("{sp}.containers[{i}]"))?);
    }
    for (_, lim) in &regular {
        limit_keys.extend(lim.keys().cloned());
    }
    let mut sidecars = Res::new();
    let mut sidecar_limits = Res::new();
    let mut init_peak = Res::new();
    let mut init_limit_peak = Res::new();
    let mut sidecar_list: Vec<Res> = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let (req, lim) = container_res(c, &format!("{sp}.initContainers[{i}]"))?;
        if c.restart_policy.as_deref() == Some("Always") {
            add_into(&mut sidecars, &req, &mut over_requests);
            add_into(&mut sidecar_limits, &lim, &mut over_limits);
            limit_keys.extend(lim.keys().cloned());
            sidecar_list.push(lim.clone());
        } else {
            let mut during = sidecars.clone();
            add_into(&mut during, &req, &mut over_requests);
            max_into(&mut init_peak, &during);
            let mut during_lim = sidecar_limits.clone();
            add_into(&mut during_lim, &lim, &mut over_limits);
            max_into(&mut init_limit_peak, &during_lim);
        }
    }
    for (req, lim) in &regular {
        add_into(&mut requests, req, &mut over_requests);
        add_into(&mut limits, lim, &mut over_limits);
    }
    for key in &limit_keys {
        if regular.iter().any(|(_, l)| !l.contains_key(key))
            || sidecar_list.iter().any(|l| !l.contains_key(key))
        {
            unlimited.insert(key.clone());
        }
    }
    add_into(&mut requests, &sidecars, &mut over_requests);
    add_into(&mut limits, &sidecar_limits, &mut over_limits);
    max_into(&mut requests, &init_peak);
    max_into(&mut limits, &init_limit_peak);
    for (k, q) in spec.overhead.iter().flatten() {
        let v = quantity(p.place, &format!("{sp}.overhead.{k}"), q)?;
        let overhead: Res = [(k.clone(), Amount::written(&q.0, v))].into();
        add_into(&mut requests, &overhead, &mut over_requests);
        if limits.contains_key(k) {
            add_into(&mut limits, &overhead, &mut over_limits);
        }
    }
    for k in &unlimited {
        limits.remove(k);
    }
    let over_limits = over_limits.iter().filter(|k| limits.contains_key(*k));
    let mut over = over_requests.iter().map(|k| ("requests", k)).chain(over_limits.map(|k| ("limits", k)));
    if let Some((what, resource)) = over.next() {
        return Err(ImportError::at(
            p.place,
            sp,
            format!(
                "the pod's {what} of {resource} add up to more than the simulator holds (at most 1P, \
                 10^15 cores, bytes or other units, of a resource)"
            ),
        ));
    }
    if spec.resources.is_some() {
        notes.ignore(format!("{sp}.resources (pod-level resources; container resources are used)"), p.object);
    }
    let text = |m: Res| -> ResourcesOut {
        m.into_iter().filter(|(_, v)| v.value != Quantity::ZERO).map(|(k, v)| (k, v.out())).collect()
    };

    let mut affinity = None;
    let mut one_per_node = false;
    if let Some(a) = &spec.affinity {
        if let Some(na) = &a.node_affinity {
            let mut required = na
                .required_during_scheduling_ignored_during_execution
                .as_ref()
                .map(|r| r.node_selector_terms.iter().map(term).collect::<Vec<_>>());
            if p.daemon_pod {
                if let Some(terms) = &mut required {
                    for t in terms.iter_mut() {
                        t.match_fields.retain(|f| f.key != "metadata.name");
                    }
                    terms.retain(|t| !t.match_expressions.is_empty() || !t.match_fields.is_empty());
                    if terms.is_empty() {
                        required = None;
                    }
                }
            }
            let preferred: Vec<PreferredOut> = na
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .map(|t| PreferredOut { weight: t.weight, preference: term(&t.preference) })
                .collect();
            if required.is_some() || !preferred.is_empty() {
                affinity = Some(AffinityOut {
                    node_affinity: NodeAffinityOut {
                        required: required.map(|terms| NodeSelectorOut { terms }),
                        preferred,
                    },
                });
            }
        }
        if a.pod_affinity.is_some() {
            notes
                .ignore(format!("{sp}.affinity.podAffinity (inter-pod affinity is not simulated)"), p.object);
        }
        if let Some(anti) = &a.pod_anti_affinity {
            if self_anti_affinity(anti, p.labels) && !p.daemon_pod {
                one_per_node = true;
            } else {
                notes.ignore(
                    format!(
                        "{sp}.affinity.podAntiAffinity (only a required term on kubernetes.io/hostname that \
                         selects the workload's own pods is simulated, as one_per_node)"
                    ),
                    p.object,
                );
            }
        }
    }
    if spec.topology_spread_constraints.as_ref().is_some_and(|t| !t.is_empty()) {
        notes.ignore(format!("{sp}.topologySpreadConstraints (not simulated)"), p.object);
    }
    if spec.scheduling_gates.as_ref().is_some_and(|g| !g.is_empty()) {
        notes.ignore(format!("{sp}.schedulingGates (pods are scheduled as if ungated)"), p.object);
    }
    if spec.resource_claims.as_ref().is_some_and(|g| !g.is_empty()) {
        notes.ignore(format!("{sp}.resourceClaims (dynamic resource allocation is not simulated)"), p.object);
    }
    if spec.scheduler_name.as_deref().is_some_and(|s| s != "default-scheduler") {
        notes.ignore(format!("{sp}.schedulerName (every pod is placed by the default scheduler)"), p.object);
    }
    let host_ports = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .flat_map(|c| c.ports.iter().flatten())
        .any(|port| port.host_port.is_some_and(|h| h != 0));
    if host_ports && !spec.host_network.unwrap_or(false) {
        notes.ignore(
            format!("{sp}.containers[].ports[].hostPort (the NodePorts filter is not simulated)"),
            p.object,
        );
    }
    let mut volumes = Vec::new();
    for v in spec.volumes.iter().flatten() {
        let (empty_dir, host_path, other) = if let Some(e) = &v.empty_dir {
            (Some(EmptyDirOut { medium: e.medium.clone().unwrap_or_default() }), None, None)
        } else if v.host_path.is_some() {
            (None, Some(Empty {}), None)
        } else {
            if v.persistent_volume_claim.is_some() || v.ephemeral.is_some() {
                notes.ignore(
                    format!("{sp}.volumes[].persistentVolumeClaim (volume binding and node volume limits are not simulated)"),
                    p.object,
                );
            }
            (None, None, Some(Empty {}))
        };
        volumes.push(VolumeOut { name: v.name.clone(), empty_dir, host_path, other });
    }
    let mut labels = valid_labels(p.labels, p.object, "pod labels", notes);
    for k in PER_POD_LABELS.iter().chain(["taintsim.io/workload"].iter()) {
        labels.remove(*k);
    }
    let annotations: BTreeMap<String, String> = p
        .annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| KEPT_ANNOTATIONS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let priority_class_name = spec.priority_class_name.clone().filter(|c| !c.is_empty());
    let priority = spec.priority.filter(|&p| p != 0 || priority_class_name.is_some());
    if let (Some(class), None) = (&priority_class_name, spec.priority) {
        if !class.starts_with("system-") {
            notes.ignore(
                format!("{sp}.priorityClassName without spec.priority (the class's value is unknown here: priority 0)"),
                format!("{} ({class})", p.object),
            );
        }
    }
    let node_name = if p.keep_node_name { spec.node_name.clone().filter(|n| !n.is_empty()) } else { None };
    Ok(PodShape {
        node_name,
        requests: text(requests),
        limits: text(limits),
        priority,
        priority_class_name,
        tolerations: spec.tolerations.iter().flatten().map(toleration).collect(),
        node_selector: spec.node_selector.clone().unwrap_or_default(),
        affinity,
        host_network: spec.host_network.unwrap_or(false),
        termination_grace_period: spec
            .termination_grace_period_seconds
            .filter(|&s| s != 30)
            .map(|s| format!("{}s", s.max(0))),
        labels,
        annotations,
        volumes,
        one_per_node,
    })
}

fn term(t: &NodeSelectorTerm) -> TermOut {
    let req = |r: &k8s_openapi::api::core::v1::NodeSelectorRequirement| RequirementOut {
        key: r.key.clone(),
        operator: r.operator.clone(),
        values: r.values.clone().unwrap_or_default(),
    };
    TermOut {
        match_expressions: t.match_expressions.iter().flatten().map(req).collect(),
        match_fields: t.match_fields.iter().flatten().map(req).collect(),
    }
}

/// Whether pod anti-affinity is exactly "at most one pod of this workload per node": one
/// required term, topology key `kubernetes.io/hostname`, no namespace selection, and a label
/// selector (match labels only) that the pod's own labels satisfy; no preferred terms.
fn self_anti_affinity(
    anti: &k8s_openapi::api::core::v1::PodAntiAffinity,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let required = anti.required_during_scheduling_ignored_during_execution.as_deref().unwrap_or(&[]);
    let preferred = anti.preferred_during_scheduling_ignored_during_execution.as_deref().unwrap_or(&[]);
    let [t] = required else { return false };
    if !preferred.is_empty() || t.topology_key != "kubernetes.io/hostname" {
        return false;
    }
    if t.namespaces.as_ref().is_some_and(|n| !n.is_empty()) || t.namespace_selector.is_some() {
        return false;
    }
    let Some(sel) = &t.label_selector else { return false };
    if sel.match_expressions.as_ref().is_some_and(|e| !e.is_empty()) {
        return false;
    }
    let want = sel.match_labels.clone().unwrap_or_default();
    let have = labels.cloned().unwrap_or_default();
    !want.is_empty() && want.iter().all(|(k, v)| have.get(k) == Some(v))
}

/// A PodDisruptionBudget entry, or `None` (with a note) for a budget the scenario cannot
/// express.
pub(crate) fn pdb(obj: &RawObject, notes: &mut Notes) -> Result<Option<PdbOut>, ImportError> {
    let b: PodDisruptionBudget = typed(obj)?;
    let name = b.metadata.name.clone().unwrap_or_default();
    let namespace =
        b.metadata.namespace.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| "default".into());
    let object = format!("{namespace}/{name}");
    let spec = b.spec.unwrap_or_default();
    let value = |v: &IntOrString, field: &str| -> Result<IntOrPercent, ImportError> {
        match v {
            IntOrString::Int(i) => Ok(IntOrPercent::Int(i64::from(*i))),
            IntOrString::String(s) if s.ends_with('%') => Ok(IntOrPercent::Text(s.clone())),
            IntOrString::String(s) => s.parse::<i64>().map(IntOrPercent::Int).map_err(|_| {
                ImportError::at(&obj.place, field, format!("{s:?} is neither a count nor a percentage"))
            }),
        }
    };
    let min_available = spec.min_available.as_ref().map(|v| value(v, "spec.minAvailable")).transpose()?;
    let max_unavailable =
        spec.max_unavailable.as_ref().map(|v| value(v, "spec.maxUnavailable")).transpose()?;
    if min_available.is_none() && max_unavailable.is_none() {
        notes.ignore("PodDisruptionBudget without minAvailable or maxUnavailable (left out)", object);
        return Ok(None);
    }
    let Some(sel) = spec.selector else {
        notes.ignore("PodDisruptionBudget without a selector (it selects no pod; left out)", object);
        return Ok(None);
    };
    let selector = LabelSelectorOut {
        match_labels: sel.match_labels.unwrap_or_default(),
        match_expressions: sel
            .match_expressions
            .unwrap_or_default()
            .into_iter()
            .map(|r| RequirementOut {
                key: r.key,
                operator: r.operator,
                values: r.values.unwrap_or_default(),
            })
            .collect(),
    };
    Ok(Some(PdbOut {
        name,
        namespace,
        min_available,
        max_unavailable,
        selector,
        unhealthy_pod_eviction_policy: spec.unhealthy_pod_eviction_policy,
        origin: Some(
            Origin::new(&obj.place)
                .field("name", "metadata.name")
                .field("namespace", "metadata.namespace")
                .field("min_available", "spec.minAvailable")
                .field("max_unavailable", "spec.maxUnavailable")
                .field("selector", "spec.selector")
                .field("selector.match_labels", "spec.selector.matchLabels")
                .field("selector.match_expressions", "spec.selector.matchExpressions")
                .field("unhealthy_pod_eviction_policy", "spec.unhealthyPodEvictionPolicy"),
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The requests and limits of a pod spec given as JSON, as the scenario file gets them.
    /// Resource name and text, in order.
    type Texts = Vec<(String, String)>;

    fn resources(spec: serde_json::Value) -> Result<(Texts, Texts), String> {
        let spec: PodSpec = serde_json::from_value(spec).unwrap();
        let place = Place { file: "pods.yaml".into(), document: Some(1), ..Place::default() };
        let input = PodInput {
            place: &place,
            spec_path: "spec",
            object: "ns/p",
            spec: &spec,
            labels: None,
            annotations: None,
            daemon_pod: false,
            keep_node_name: false,
        };
        let shape = pod_shape(&input, &mut Notes::default()).map_err(|e| e.to_string())?;
        let list = |m: &ResourcesOut| -> Texts {
            m.iter()
                .map(|(k, v)| {
                    // The text reads back as exactly the value the importer computed.
                    assert_eq!(Quantity::parse(&v.text), Ok(v.value), "{k}: {}", v.text);
                    (k.clone(), v.text.clone())
                })
                .collect()
        };
        Ok((list(&shape.requests), list(&shape.limits)))
    }

    fn pairs(list: &[(&str, &str)]) -> Texts {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn container(requests: serde_json::Value, limits: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"name": "c", "resources": {"requests": requests, "limits": limits}})
    }

    fn node_notes(value: serde_json::Value) -> (NodeOut, Vec<String>) {
        let obj = RawObject {
            place: Place { file: "nodes.yaml".into(), document: Some(1), ..Place::default() },
            kind: "Node".into(),
            value,
        };
        let mut notes = Notes::default();
        let (node, _) = node(&obj, &mut notes).unwrap();
        (node, notes.ignored_lines())
    }

    #[test]
    fn unmodeled_node_fields_that_bear_on_scheduling_or_eviction_are_listed_once() {
        let status = serde_json::json!({
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
            "conditions": [
                {"type": "Ready", "status": "False", "lastTransitionTime": "2026-01-01T00:00:00Z"},
                {"type": "DiskPressure", "status": "False", "lastTransitionTime": "2026-01-01T00:00:00Z"},
            ],
            "images": [{"names": ["registry.example/app:1"], "sizeBytes": 1000}],
        });
        let taint = |effect: &str| serde_json::json!({"key": "dedicated", "value": "x", "effect": effect, "timeAdded": "2026-01-01T00:00:00Z"});
        let (out, ignored) = node_notes(serde_json::json!({
            "kind": "Node",
            "metadata": {"name": "w1", "annotations": {"karpenter.sh/do-not-disrupt": "true", "other": "x"}},
            "spec": {"taints": [taint("NoExecute"), taint("NoSchedule")], "podCIDR": "10.0.0.0/24"},
            "status": status,
        }));
        assert_eq!(out.taints.len(), 2, "the taints themselves are kept");
        let expected = [
            "node annotation karpenter.sh/do-not-disrupt (",
            "node spec.taints[].timeAdded (taints are there from time 0: the eviction timers of NoExecute \
             taints, tolerationSeconds, count from the start of the simulation): 1 object (w1)",
            "node status.conditions[].lastTransitionTime of a NotReady",
            "node status.images (ImageLocality scoring is not simulated): 1 object (w1)",
        ];
        assert_eq!(ignored.len(), expected.len(), "{ignored:#?}");
        for (line, want) in ignored.iter().zip(expected) {
            assert!(line.starts_with(want), "{line}");
        }
        // Without them, nothing is listed: a healthy condition's transition time plays no part.
        let (_, ignored) = node_notes(serde_json::json!({
            "kind": "Node",
            "metadata": {"name": "w2"},
            "spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]},
            "status": {
                "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"},
                "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
            },
        }));
        assert!(ignored.is_empty(), "{ignored:?}");
    }

    #[test]
    fn invalid_node_labels_are_counted_as_labels() {
        let status = serde_json::json!({"capacity": {"cpu": "4", "memory": "16Gi", "pods": "110"}});
        let mut notes = Notes::default();
        for (name, labels) in [
            ("w1", serde_json::json!({"ami": "<ami-id>", "ok": "x", "bad key!": "y"})),
            ("w2", serde_json::json!({"ami": "<ami-id>", "subnet": "<subnet>", "zone": "<zone>"})),
        ] {
            let obj = RawObject {
                place: Place { file: "nodes.yaml".into(), document: Some(1), ..Place::default() },
                kind: "Node".into(),
                value: serde_json::json!({"kind": "Node", "metadata": {"name": name, "labels": labels}, "status": status}),
            };
            node(&obj, &mut notes).unwrap();
        }
        assert_eq!(
            notes.ignored_lines(),
            ["node labels that are not valid labels (left out): 5 labels (w1 ami=<ami-id>, w1 bad key!=y, \
              w2 ami=<ami-id>, ...)"]
        );
    }

    #[test]
    fn one_containers_quantities_are_kept_as_written() {
        let (req, lim) = resources(serde_json::json!({
            "containers": [container(
                serde_json::json!({"cpu": "0.25", "memory": "1.5Gi"}),
                serde_json::json!({"memory": "2000M", "nvidia.com/gpu": "1"}),
            )],
        }))
        .unwrap();
        assert_eq!(req, pairs(&[("cpu", "0.25"), ("memory", "1.5Gi"), ("nvidia.com/gpu", "1")]));
        assert_eq!(lim, pairs(&[("memory", "2000M"), ("nvidia.com/gpu", "1")]));
    }

    #[test]
    fn computed_amounts_are_canonical_in_the_family_of_their_inputs() {
        let (req, lim) = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({"cpu": "250m", "memory": "1G"}), serde_json::json!({"memory": "1Gi"})),
                container(serde_json::json!({"cpu": "0.5", "memory": "500M"}), serde_json::json!({"memory": "512Mi"})),
            ],
            // Runs alone, and asks for more memory than the two together.
            "initContainers": [container(serde_json::json!({"memory": "2Gi"}), serde_json::json!({}))],
            "overhead": {"cpu": "10m"},
        }))
        .unwrap();
        assert_eq!(req, pairs(&[("cpu", "760m"), ("memory", "2Gi")]));
        assert_eq!(lim, pairs(&[("memory", "1536Mi")]));
        // Binary and decimal inputs together give a decimal sum.
        let (req, _) = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({"memory": "1Gi", "cpu": "1"}), serde_json::json!({})),
                container(serde_json::json!({"memory": "1G", "cpu": "1000m"}), serde_json::json!({})),
            ],
        }))
        .unwrap();
        assert_eq!(req, pairs(&[("cpu", "2"), ("memory", "2073741824")]));
        // A zero request leaves the other's text alone.
        let (req, _) = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({"memory": "0"}), serde_json::json!({})),
                container(serde_json::json!({"memory": "3920Mi"}), serde_json::json!({})),
            ],
        }))
        .unwrap();
        assert_eq!(req, pairs(&[("memory", "3920Mi")]));
    }

    #[test]
    fn sums_beyond_the_limit_name_the_pod_and_the_limit() {
        let err = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({"cpu": "600T"}), serde_json::json!({})),
                container(serde_json::json!({"cpu": "500T"}), serde_json::json!({})),
            ],
        }))
        .unwrap_err();
        assert_eq!(
            err,
            "pods.yaml: document 1: spec: the pod's requests of cpu add up to more than the simulator holds \
             (at most 1P, 10^15 cores, bytes or other units, of a resource)"
        );
        let err = resources(serde_json::json!({
            "containers": [container(serde_json::json!({}), serde_json::json!({"memory": "1P"}))],
            "overhead": {"memory": "1"},
        }))
        .unwrap_err();
        assert!(err.contains("the pod's requests of memory add up"), "{err}");
        let limits = |a: &str, b: &str| {
            resources(serde_json::json!({
                "containers": [
                    container(serde_json::json!({"cpu": "1"}), serde_json::json!({"cpu": "600T", "memory": a})),
                    container(serde_json::json!({"cpu": "1"}), serde_json::json!({"cpu": "500T", "memory": b})),
                ],
            }))
        };
        let err = limits("1Gi", "1Gi").unwrap_err();
        assert!(err.contains("the pod's limits of cpu add up"), "{err}");
        let err = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({}), serde_json::json!({"memory": "600T"})),
                container(serde_json::json!({}), serde_json::json!({"memory": "500T"})),
                container(serde_json::json!({}), serde_json::json!({})),
            ],
        }))
        .unwrap_err();
        assert!(err.contains("the pod's requests of memory add up"), "requests default to limits: {err}");
        // Limits that add up beyond the limit are no matter when the pod has no limit on that
        // resource (a container without one).
        let (req, lim) = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({"memory": "1Mi"}), serde_json::json!({"memory": "600T"})),
                container(serde_json::json!({"memory": "1Mi"}), serde_json::json!({"memory": "500T"})),
                container(serde_json::json!({"memory": "1Mi"}), serde_json::json!({})),
            ],
        }))
        .unwrap();
        assert_eq!((req, lim), (pairs(&[("memory", "3Mi")]), pairs(&[])));
        // Exactly the limit is kept.
        let (req, _) = resources(serde_json::json!({
            "containers": [
                container(serde_json::json!({"cpu": "600T"}), serde_json::json!({})),
                container(serde_json::json!({"cpu": "400T"}), serde_json::json!({})),
            ],
        }))
        .unwrap();
        assert_eq!(req, pairs(&[("cpu", "1P")]));
    }
}
