//! kube-scheduler's default profile, as far as the modeled fields go.
//!
//! # What a scheduling cycle does here
//!
//! [`Scheduler::schedule`] places one pending pod, given the API view of every node:
//!
//! 1. **PreFilter of NodeAffinity.** When every required node-affinity term names nodes through
//!    `matchFields: metadata.name In [...]` (the DaemonSet controller pins its pods that way),
//!    only those nodes are examined; terms that name no common node make the pod unschedulable
//!    everywhere.
//! 2. **Filters**, in the default profile's order, stopping at the first one that rejects a
//!    node (as the framework does): NodeUnschedulable ([`filter_node_unschedulable`]),
//!    TaintToleration ([`filter_taint_toleration`]), NodeAffinity ([`filter_node_affinity`]) and
//!    NodeResourcesFit ([`filter_resources_fit`]).
//! 3. **percentageOfNodesToScore.** Filtering stops once
//!    [`num_feasible_nodes_to_find`] feasible nodes are found. The scan starts at the index where
//!    the previous cycle stopped and wraps around (the round-robin start index lives in the
//!    [`Scheduler`]), so which nodes get scored depends on history in clusters of 100 nodes or
//!    more.
//! 4. **One feasible node** is taken as it is: no scoring, no random draw.
//! 5. **Scores**, each 0..=100, summed with the upstream default weights:
//!    TaintToleration × 3 ([`taint_toleration_scores`]), NodeResourcesFit with the
//!    LeastAllocated strategy × 1 ([`least_allocated_score`]) and
//!    NodeResourcesBalancedAllocation × 1 ([`balanced_allocation_score`]).
//! 6. **Selection.** Among the nodes with the best total, one is drawn uniformly at random with
//!    reservoir sampling over the feasible nodes in the order they were found, like upstream
//!    `selectHost` ([`select_host`]); the draws come from the [`SimRng`] passed in, so a seed
//!    fixes every choice.
//!
//! # NodeResourcesBalancedAllocation
//!
//! Read in kubernetes/kubernetes `pkg/scheduler/framework/plugins/noderesources/`
//! `balanced_allocation.go` (`balancedResourceScorer`, `PreScore`) and `resource_allocation.go`
//! (`calculateResourceAllocatableRequest`, `isBestEffortPod`) on the current main line:
//!
//! * the default resources are cpu and memory; unlike LeastAllocated the plugin reads the
//!   node's *actual* requested sums (`useRequested`), and the pod's requests without the
//!   100m / 200Mi non-zero defaults;
//! * PreScore skips the plugin for a pod whose cpu and memory requests are both zero (a
//!   best-effort pod, kubernetes issue 129138), so such a pod gets 0 from it on every node;
//! * per resource whose allocatable is positive, `fraction = requested / allocatable` as a
//!   float, capped at 1;
//! * with exactly two fractions the deviation is `|f1 - f2| / 2`; with more, the population
//!   standard deviation around their mean; with fewer, 0;
//! * score = `(1 - deviation) * 100` truncated to an integer; no normalisation; weight 1.
//!
//! # What is not modeled
//!
//! * **Filters:** NodeName (a pod that already names its node never reaches the scheduler),
//!   NodePorts, the volume filters (VolumeRestrictions, VolumeBinding, VolumeZone,
//!   NodeVolumeLimits), DynamicResources, PodTopologySpread and InterPodAffinity.
//! * **Scores:** NodeAffinity's preferred terms (weight 2): a pod's
//!   `preferredDuringSchedulingIgnoredDuringExecution` is ignored. PodTopologySpread (weight 2),
//!   including the system default constraints that upstream applies to pods selected by a
//!   Service, ReplicaSet or StatefulSet (spread over hostnames and zones, `ScheduleAnyway`):
//!   real Deployment replicas are therefore spread somewhat more evenly than here.
//!   InterPodAffinity (weight 2) and ImageLocality (weight 1): with no pod (anti-)affinity
//!   terms and no image model they would give every node the same score, so leaving them out
//!   changes no choice.
//! * **Resources:** each pod is one container, so its summed `requests` are the container's;
//!   a pod without a cpu (memory) request counts 100m (200Mi) for LeastAllocated. Init
//!   containers, sidecars, pod overhead and pod-level resources do not exist. Every amount is
//!   in thousandths of its unit, as [`Quantity`](crate::model::Quantity) holds it; upstream counts cpu in millicores
//!   but memory and other resources in whole units rounded up per pod, which gives the same
//!   comparisons and scores whenever amounts are whole bytes (whole devices, ...).
//! * **Cycle machinery:** preemption (an unschedulable pod simply stays pending), nominated
//!   nodes, scheduling gates, queueing hints and backoff, extenders, parallel filtering (the
//!   scan here is sequential, which is the order upstream's parallel scan approximates), and
//!   the randomised iteration order of PreFilter node-name sets (node order is used).

use crate::engine::rng::SimRng;
use crate::model::keys::UNSCHEDULABLE;
use crate::model::selector::{Affinity, node_matches};
use crate::model::toleration::{blocks_scheduling, find_untolerated_taint};
use crate::model::{PodTemplate, ResourceList, Taint, TaintEffect, Toleration};
use rand::RngExt;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Add, AddAssign, SubAssign};
use std::sync::LazyLock;

/// Upstream `MaxNodeScore`: every plugin score lies in `0..=MAX_NODE_SCORE`.
pub const MAX_NODE_SCORE: i64 = 100;
/// Default weight of the TaintToleration score.
pub const TAINT_TOLERATION_WEIGHT: i64 = 3;
/// Default weight of the NodeResourcesFit score (LeastAllocated strategy).
pub const NODE_RESOURCES_FIT_WEIGHT: i64 = 1;
/// Default weight of the NodeResourcesBalancedAllocation score.
pub const BALANCED_ALLOCATION_WEIGHT: i64 = 1;
/// cpu counted for a container without a cpu request when scoring, in millicores (100m).
pub const DEFAULT_CPU_REQUEST_MILLI: i64 = 100;
/// memory counted for a container without a memory request when scoring, in thousandths of a
/// byte (200Mi).
pub const DEFAULT_MEMORY_REQUEST_MILLI: i64 = 200 * 1024 * 1024 * 1000;
/// Below this many nodes every node is examined; above it, at least this many feasible nodes
/// are looked for.
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// Lower bound of the adaptive percentage of nodes to score.
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;

/// NodeAffinity's PreFilter message when the required terms name nodes but none satisfies them
/// all (upstream `errReasonConflict`).
pub const NODE_AFFINITY_CONFLICT: &str = "pod affinity terms conflict";

static UNSCHEDULABLE_TAINT: LazyLock<Taint> =
    LazyLock::new(|| Taint::new(UNSCHEDULABLE, TaintEffect::NoSchedule));

// ---------------------------------------------------------------------------------------------
// Filter outcomes
// ---------------------------------------------------------------------------------------------

/// Why a filter rejected a node. A closed set with stable codes for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// NodeUnschedulable: `spec.unschedulable` is set and the pod does not tolerate
    /// `node.kubernetes.io/unschedulable:NoSchedule`.
    NodeUnschedulable,
    /// TaintToleration: a `NoSchedule` or `NoExecute` taint is not tolerated. Which taint is
    /// told apart where it is reported ([`untolerated_taint`], [`FitError::record_taint`]), so
    /// that upstream's `node(s) had untolerated taint {KEY: VALUE}` can be printed.
    UntoleratedTaint,
    /// NodeAffinity: `nodeSelector` or required node affinity does not match.
    NodeAffinity,
    /// NodeAffinity's PreFilter left the node out: the required terms name nodes with
    /// `matchFields: metadata.name In [...]` and not this one.
    NodeAffinityPreFilter,
    /// NodeResourcesFit: the node already holds its allocatable number of pods.
    TooManyPods,
    /// NodeResourcesFit: not enough cpu left.
    InsufficientCpu,
    /// NodeResourcesFit: not enough memory left.
    InsufficientMemory,
    /// NodeResourcesFit: not enough ephemeral-storage left.
    InsufficientEphemeralStorage,
    /// NodeResourcesFit: not enough of an extended resource (such as `nvidia.com/gpu`) left.
    /// One reason for every extended resource: which ones are short is told apart where it is
    /// reported ([`short_extended_resources`], [`FitError::extended`]), so that upstream's
    /// `Insufficient nvidia.com/gpu` can be printed.
    InsufficientExtendedResource,
    /// InterPodAffinity: required pod anti-affinity (the `one_per_node` form) rules the node
    /// out. The simulation rules such nodes out before the other filters run (see
    /// [`FitError::add_ruled_out`]).
    PodAntiAffinity,
}

impl Reason {
    /// Every reason, in report order.
    pub const ALL: [Reason; 10] = [
        Reason::NodeUnschedulable,
        Reason::UntoleratedTaint,
        Reason::NodeAffinity,
        Reason::NodeAffinityPreFilter,
        Reason::TooManyPods,
        Reason::InsufficientCpu,
        Reason::InsufficientMemory,
        Reason::InsufficientEphemeralStorage,
        Reason::InsufficientExtendedResource,
        Reason::PodAntiAffinity,
    ];

    /// A stable, machine-friendly code (`untolerated-taint`, `insufficient-cpu`, ...).
    /// `insufficient-extended-resource` stands for a shortage of any extended resource; the
    /// resource's name is not part of the code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::NodeUnschedulable => "node-unschedulable",
            Reason::UntoleratedTaint => "untolerated-taint",
            Reason::NodeAffinity => "node-affinity",
            Reason::NodeAffinityPreFilter => "node-affinity-prefilter",
            Reason::PodAntiAffinity => "pod-anti-affinity",
            Reason::TooManyPods => "too-many-pods",
            Reason::InsufficientCpu => "insufficient-cpu",
            Reason::InsufficientMemory => "insufficient-memory",
            Reason::InsufficientEphemeralStorage => "insufficient-ephemeral-storage",
            Reason::InsufficientExtendedResource => "insufficient-extended-resource",
        }
    }

    /// The text kube-scheduler uses for this reason in its "0/N nodes are available" message.
    /// Upstream names the extended resource (`Insufficient nvidia.com/gpu`) and the first
    /// untolerated taint (`node(s) had untolerated taint {dedicated: gpu}`); without the name
    /// or the taint at hand, [`Reason::InsufficientExtendedResource`] reads `Insufficient
    /// extended resource` and [`Reason::UntoleratedTaint`] `node(s) had untolerated taint(s)`,
    /// which the scheduler's messages print only if nothing was recorded (see [`FitError`],
    /// [`untolerated_taint_message`] and [`resources_fit_messages`]).
    pub fn message(self) -> &'static str {
        match self {
            Reason::NodeUnschedulable => "node(s) were unschedulable",
            Reason::UntoleratedTaint => "node(s) had untolerated taint(s)",
            Reason::NodeAffinity => "node(s) didn't match Pod's node affinity/selector",
            Reason::NodeAffinityPreFilter => "node(s) didn't satisfy plugin(s) [NodeAffinity]",
            Reason::PodAntiAffinity => "node(s) didn't match pod anti-affinity rules",
            Reason::TooManyPods => "Too many pods",
            Reason::InsufficientCpu => "Insufficient cpu",
            Reason::InsufficientMemory => "Insufficient memory",
            Reason::InsufficientEphemeralStorage => "Insufficient ephemeral-storage",
            Reason::InsufficientExtendedResource => "Insufficient extended resource",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The NodeResourcesFit reason for a shortage of `resource`.
    fn insufficient(resource: &str) -> Reason {
        match resource {
            "cpu" => Reason::InsufficientCpu,
            "memory" => Reason::InsufficientMemory,
            "ephemeral-storage" => Reason::InsufficientEphemeralStorage,
            _ => Reason::InsufficientExtendedResource,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A set of [`Reason`]s (one filter can report several, e.g. short of cpu and of memory).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Reasons(u16);

impl Reasons {
    /// No reason.
    pub const EMPTY: Reasons = Reasons(0);

    /// The set holding only `reason`.
    pub fn one(reason: Reason) -> Reasons {
        Reasons(reason.bit())
    }

    /// This set with `reason` added.
    pub fn with(self, reason: Reason) -> Reasons {
        Reasons(self.0 | reason.bit())
    }

    /// Whether `reason` is in the set.
    pub fn contains(self, reason: Reason) -> bool {
        self.0 & reason.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The reasons in the set, in [`Reason::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Reason> {
        Reason::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl From<Reason> for Reasons {
    fn from(reason: Reason) -> Reasons {
        Reasons::one(reason)
    }
}

/// The outcome of a filter for one pod on one node (upstream status codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterStatus {
    /// The node passes.
    Success,
    /// The node fails, but preemption could make room (`Unschedulable`).
    Unschedulable(Reasons),
    /// The node fails and preemption cannot help (`UnschedulableAndUnresolvable`).
    UnschedulableAndUnresolvable(Reasons),
}

impl FilterStatus {
    /// Whether the node passes.
    pub fn is_success(&self) -> bool {
        matches!(self, FilterStatus::Success)
    }

    /// Why the node failed; empty on success.
    pub fn reasons(&self) -> Reasons {
        match *self {
            FilterStatus::Success => Reasons::EMPTY,
            FilterStatus::Unschedulable(r) | FilterStatus::UnschedulableAndUnresolvable(r) => r,
        }
    }

    /// The upstream status code: `Success`, `Unschedulable` or `UnschedulableAndUnresolvable`.
    pub fn code(&self) -> &'static str {
        match self {
            FilterStatus::Success => "Success",
            FilterStatus::Unschedulable(_) => "Unschedulable",
            FilterStatus::UnschedulableAndUnresolvable(_) => "UnschedulableAndUnresolvable",
        }
    }
}

/// Why no node was chosen: how many nodes failed for each reason (a node short of two
/// resources counts under both), like upstream's `FitError` diagnosis. Extended resources are
/// also counted by name, and untolerated taints by key and value, as upstream's reasons name
/// them. The taints are borrowed from the nodes (`'n`): recording one copies no string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FitError<'n> {
    num_all_nodes: usize,
    counts: [u32; Reason::ALL.len()],
    /// Nodes short of each extended resource, in name order; empty (no allocation) unless an
    /// extended resource was short.
    extended: Vec<(Box<str>, u32)>,
    /// Nodes whose first untolerated taint has each key and value, in (key, value) order, with
    /// one of those taints; empty (no allocation) unless a node failed on a taint.
    taints: Vec<(&'n Taint, u32)>,
    /// The PreFilter's rejection of every node, which replaces the counts in the message.
    pre_filter_msg: Option<&'static str>,
}

impl<'n> FitError<'n> {
    /// An error for a cluster of `num_all_nodes` nodes with no reason counted yet.
    pub fn new(num_all_nodes: usize) -> FitError<'n> {
        FitError {
            num_all_nodes,
            counts: [0; Reason::ALL.len()],
            extended: Vec::new(),
            taints: Vec::new(),
            pre_filter_msg: None,
        }
    }

    /// Counts `nodes` more nodes, ruled out for `reason` before the scheduler saw them.
    pub fn add_ruled_out(&mut self, reason: Reason, nodes: usize) {
        self.num_all_nodes += nodes;
        self.counts[reason as usize] += u32::try_from(nodes).unwrap_or(u32::MAX);
    }

    /// Counts one node that failed for `reasons`. For a node with
    /// [`Reason::InsufficientExtendedResource`], also call [`FitError::record_extended`] for
    /// each resource it is short of; for a node with [`Reason::UntoleratedTaint`], call
    /// [`FitError::record_taint`] with its first untolerated taint.
    pub fn record(&mut self, reasons: Reasons) {
        for r in reasons.iter() {
            self.counts[r as usize] += 1;
        }
    }

    /// Counts one node short of the extended resource `resource`.
    pub fn record_extended(&mut self, resource: &str) {
        match self.extended.binary_search_by(|(name, _)| (**name).cmp(resource)) {
            Ok(i) => self.extended[i].1 += 1,
            Err(i) => self.extended.insert(i, (resource.into(), 1)),
        }
    }

    /// Counts one node whose first untolerated taint (see [`untolerated_taint`]) is `taint`.
    /// Nodes whose taints have the same key and value share an entry, whatever the effect, as
    /// upstream's reason text leaves the effect out.
    pub fn record_taint(&mut self, taint: &'n Taint) {
        let key = (taint.key.as_str(), taint.value.as_str());
        match self.taints.binary_search_by(|(t, _)| (t.key.as_str(), t.value.as_str()).cmp(&key)) {
            Ok(i) => self.taints[i].1 += 1,
            Err(i) => self.taints.insert(i, (taint, 1)),
        }
    }

    /// Notes that a PreFilter rejected the pod outright with `msg` (upstream
    /// `Diagnosis.PreFilterMsg`): the message then gives `msg` instead of the counts.
    pub fn reject_in_pre_filter(&mut self, msg: &'static str) {
        self.pre_filter_msg = Some(msg);
    }

    /// Nodes in the cluster when the pod was tried.
    pub fn num_all_nodes(&self) -> usize {
        self.num_all_nodes
    }

    /// Nodes that failed for `reason` (for [`Reason::InsufficientExtendedResource`], nodes
    /// short of at least one extended resource).
    pub fn count(&self, reason: Reason) -> u32 {
        self.counts[reason as usize]
    }

    /// (reason, node count) for every reason with a non-zero count, in [`Reason::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Reason, u32)> + '_ {
        Reason::ALL.into_iter().map(|r| (r, self.count(r))).filter(|(_, n)| *n > 0)
    }

    /// (extended resource, nodes short of it), in name order.
    pub fn extended(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.extended.iter().map(|(name, n)| (&**name, *n))
    }

    /// (key, value, nodes whose first untolerated taint has them), in (key, value) order.
    pub fn untolerated_taints(&self) -> impl Iterator<Item = (&'n str, &'n str, u32)> + '_ {
        self.taints.iter().map(|&(t, n)| (t.key.as_str(), t.value.as_str(), n))
    }
}

impl fmt::Display for FitError<'_> {
    /// `0/5 nodes are available: 2 node(s) had untolerated taint {dedicated: gpu}, 3 Too many
    /// pods.` As upstream's `FitError.Error()` writes it: one `"<count> <reason>"` per reason,
    /// sorted as text (so `"1 Insufficient cpu"` comes before `"1 node(s) were unschedulable"`,
    /// and `"10 ..."` before `"2 ..."`), an extended resource under its own name
    /// (`3 Insufficient nvidia.com/gpu`), an untolerated taint by key and value (see
    /// [`untolerated_taint_message`]).
    ///
    /// When a PreFilter rejected the pod, its message stands alone, as upstream writes it:
    /// `0/5 nodes are available: pod affinity terms conflict.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(msg) = self.pre_filter_msg {
            return write!(f, "0/{} nodes are available: {msg}.", self.num_all_nodes);
        }
        let mut parts: Vec<String> = Vec::new();
        for (reason, n) in self.iter() {
            if reason == Reason::InsufficientExtendedResource && !self.extended.is_empty() {
                parts.extend(self.extended().map(|(name, n)| format!("{n} Insufficient {name}")));
            } else if reason == Reason::UntoleratedTaint && !self.taints.is_empty() {
                parts.extend(
                    self.untolerated_taints()
                        .map(|(key, value, n)| format!("{n} {}", untolerated_taint_message(key, value))),
                );
            } else {
                parts.push(format!("{n} {}", reason.message()));
            }
        }
        parts.sort_unstable();
        write!(f, "0/{} nodes are available", self.num_all_nodes)?;
        if !parts.is_empty() {
            write!(f, ": {}", parts.join(", "))?;
        }
        f.write_str(".")
    }
}

impl std::error::Error for FitError<'_> {}

// ---------------------------------------------------------------------------------------------
// Views and amounts
// ---------------------------------------------------------------------------------------------

/// A container's request of `resource` as scoring counts it (upstream
/// `GetNonzeroRequestForResource`), in thousandths of the unit: a missing `cpu` request counts
/// [`DEFAULT_CPU_REQUEST_MILLI`] and a missing `memory` request
/// [`DEFAULT_MEMORY_REQUEST_MILLI`]; an explicit zero stays zero, and other resources get no
/// default.
pub fn nonzero_request(resource: &str, container_requests: &ResourceList) -> i64 {
    match (resource, container_requests.0.get(resource)) {
        ("cpu", None) => DEFAULT_CPU_REQUEST_MILLI,
        ("memory", None) => DEFAULT_MEMORY_REQUEST_MILLI,
        (_, q) => q.copied().unwrap_or_default().milli(),
    }
}

/// cpu and memory requests with the scoring defaults applied per container (upstream
/// `NonZeroRequested`), in thousandths of the unit. Summed over a node's pods, these are what
/// [`NodeView::nonzero_cpu_milli`] and [`NodeView::nonzero_memory_milli`] hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct NonZeroRequested {
    /// Millicores.
    pub cpu_milli: i64,
    /// Thousandths of a byte.
    pub memory_milli: i64,
}

impl NonZeroRequested {
    /// One container's non-zero requests (see [`nonzero_request`]).
    pub fn of_container(requests: &ResourceList) -> NonZeroRequested {
        NonZeroRequested {
            cpu_milli: nonzero_request("cpu", requests),
            memory_milli: nonzero_request("memory", requests),
        }
    }

    /// A simulated pod's non-zero requests. The simulator models every pod as one container,
    /// so this is [`NonZeroRequested::of_container`] of the pod's summed requests.
    pub fn of_pod(requests: &ResourceList) -> NonZeroRequested {
        NonZeroRequested::of_container(requests)
    }
}

impl Add for NonZeroRequested {
    type Output = NonZeroRequested;
    fn add(self, o: NonZeroRequested) -> NonZeroRequested {
        NonZeroRequested {
            cpu_milli: self.cpu_milli + o.cpu_milli,
            memory_milli: self.memory_milli + o.memory_milli,
        }
    }
}

impl AddAssign for NonZeroRequested {
    fn add_assign(&mut self, o: NonZeroRequested) {
        *self = *self + o;
    }
}

impl SubAssign for NonZeroRequested {
    fn sub_assign(&mut self, o: NonZeroRequested) {
        self.cpu_milli -= o.cpu_milli;
        self.memory_milli -= o.memory_milli;
    }
}

/// What the scheduler reads about one node (its API view plus the scheduler cache's sums).
#[derive(Clone, Copy, Debug)]
pub struct NodeView<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.labels`.
    pub labels: &'a BTreeMap<String, String>,
    /// `spec.taints`, in node order.
    pub taints: &'a [Taint],
    /// `spec.unschedulable`.
    pub unschedulable: bool,
    /// `status.allocatable`; a missing `pods` entry allows no pod at all.
    pub allocatable: &'a ResourceList,
    /// Sum of the requests of the pods bound to the node, terminating ones included.
    pub requested: &'a ResourceList,
    /// Pods bound to the node, terminating ones included.
    pub pod_count: u32,
    /// Sum over the same pods of [`NonZeroRequested::cpu_milli`] (see
    /// [`NonZeroRequested::of_pod`]).
    pub nonzero_cpu_milli: i64,
    /// Sum over the same pods of [`NonZeroRequested::memory_milli`].
    pub nonzero_memory_milli: i64,
}

/// What the scheduler reads about the pod to place.
#[derive(Clone, Copy, Debug)]
pub struct PodView<'a> {
    /// The pod's tolerations as stored (after admission and controllers).
    pub tolerations: &'a [Toleration],
    /// The pod's summed requests.
    pub requests: &'a ResourceList,
    /// `spec.nodeSelector`.
    pub node_selector: &'a BTreeMap<String, String>,
    /// `spec.affinity`.
    pub affinity: Option<&'a Affinity>,
}

impl<'a> PodView<'a> {
    /// The view of a pod stamped from `template` whose effective tolerations are `tolerations`.
    pub fn new(template: &'a PodTemplate, tolerations: &'a [Toleration]) -> PodView<'a> {
        PodView {
            tolerations,
            requests: &template.requests,
            node_selector: &template.node_selector,
            affinity: template.affinity.as_ref(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Filters
// ---------------------------------------------------------------------------------------------

/// NodeUnschedulable: a node with `spec.unschedulable` rejects (unresolvably) a pod that does
/// not tolerate the taint `node.kubernetes.io/unschedulable:NoSchedule` with no value. The
/// node's actual taints are not looked at.
pub fn filter_node_unschedulable(tolerations: &[Toleration], unschedulable: bool) -> FilterStatus {
    if unschedulable && !tolerations.iter().any(|t| t.tolerates(&UNSCHEDULABLE_TAINT)) {
        FilterStatus::UnschedulableAndUnresolvable(Reason::NodeUnschedulable.into())
    } else {
        FilterStatus::Success
    }
}

/// TaintToleration: the node is rejected (unresolvably) when one of its `NoSchedule` or
/// `NoExecute` taints is tolerated by none of the pod's tolerations. `PreferNoSchedule` taints
/// never reject.
pub fn filter_taint_toleration(tolerations: &[Toleration], taints: &[Taint]) -> FilterStatus {
    match untolerated_taint(tolerations, taints) {
        Some(_) => FilterStatus::UnschedulableAndUnresolvable(Reason::UntoleratedTaint.into()),
        None => FilterStatus::Success,
    }
}

/// The taint TaintToleration names when it rejects a node: the first of `taints`, in node
/// order, whose effect is `NoSchedule` or `NoExecute` and that none of `tolerations`
/// tolerates (upstream `FindMatchingUntoleratedTaint` with `DoNotScheduleTaintsFilterFunc`).
pub fn untolerated_taint<'t>(tolerations: &[Toleration], taints: &'t [Taint]) -> Option<&'t Taint> {
    find_untolerated_taint(taints, tolerations, blocks_scheduling)
}

/// TaintToleration's reason text for a node whose first untolerated taint has `key` and
/// `value`: `node(s) had untolerated taint {KEY: VALUE}`, the value left empty when the taint
/// has none (`{node-role.kubernetes.io/control-plane: }`). The effect is not part of it.
pub fn untolerated_taint_message(key: &str, value: &str) -> String {
    format!("node(s) had untolerated taint {{{key}: {value}}}")
}

/// NodeAffinity: `nodeSelector` and the required node affinity must both hold.
pub fn filter_node_affinity(pod: &PodView, node: &NodeView) -> FilterStatus {
    if node_matches(node.name, node.labels, pod.node_selector, pod.affinity) {
        FilterStatus::Success
    } else {
        FilterStatus::UnschedulableAndUnresolvable(Reason::NodeAffinity.into())
    }
}

/// NodeResourcesFit (upstream `fitsRequest`) for a pod requesting `requests` on a node with
/// `allocatable`, where the pods already bound request `requested` in total and number
/// `pod_count`.
///
/// One more pod than `allocatable.pods` is a shortfall. A pod that requests nothing is checked
/// for nothing else. Every other resource the pod requests (> 0), extended resources included,
/// is short when the request exceeds `allocatable - requested`. Any shortfall gives
/// `UnschedulableAndUnresolvable` when some short resource's request exceeds the node's whole
/// allocatable of it, `Unschedulable` otherwise. Requests are used as given: no defaults.
///
/// The status names no extended resource, only [`Reason::InsufficientExtendedResource`]; ask
/// [`short_extended_resources`] which ones are short (the rare case), so that the common one
/// allocates nothing.
pub fn filter_resources_fit(
    requests: &ResourceList,
    allocatable: &ResourceList,
    requested: &ResourceList,
    pod_count: u32,
) -> FilterStatus {
    let mut short = Reasons::EMPTY;
    let mut unresolvable = false;
    if i64::from(pod_count) + 1 > allocatable.get("pods").units_ceil() {
        short = short.with(Reason::TooManyPods);
    }
    for (name, beyond_node) in short_resources(requests, allocatable, requested) {
        short = short.with(Reason::insufficient(name));
        unresolvable |= beyond_node;
    }
    match (short.is_empty(), unresolvable) {
        (true, _) => FilterStatus::Success,
        (false, false) => FilterStatus::Unschedulable(short),
        (false, true) => FilterStatus::UnschedulableAndUnresolvable(short),
    }
}

/// The resources other than `pods` that a pod requesting `requests` is short of on a node
/// (see [`filter_resources_fit`]), in name order, each with whether the request exceeds the
/// node's whole allocatable of it.
fn short_resources<'r>(
    requests: &'r ResourceList,
    allocatable: &'r ResourceList,
    requested: &'r ResourceList,
) -> impl Iterator<Item = (&'r str, bool)> + 'r {
    let checked = if requests.is_zero() { None } else { Some(requests.iter()) };
    checked.into_iter().flatten().filter_map(|(name, q)| {
        let request = q.milli();
        if name == "pods" || request <= 0 {
            return None;
        }
        let total = allocatable.get(name).milli();
        let used = requested.get(name).milli();
        (request > total - used).then_some((name.as_str(), request > total))
    })
}

/// The extended resources (every resource but `pods`, cpu, memory and ephemeral-storage) that
/// a pod requesting `requests` is short of on a node, in name order: the resources behind a
/// [`Reason::InsufficientExtendedResource`] from [`filter_resources_fit`] with the same
/// arguments.
pub fn short_extended_resources<'r>(
    requests: &'r ResourceList,
    allocatable: &'r ResourceList,
    requested: &'r ResourceList,
) -> impl Iterator<Item = &'r str> + 'r {
    short_resources(requests, allocatable, requested)
        .map(|(name, _)| name)
        .filter(|name| Reason::insufficient(name) == Reason::InsufficientExtendedResource)
}

/// kube-scheduler's text for each reason in `reasons`, a status of [`filter_resources_fit`]
/// for the same `requests`, `allocatable` and `requested`, in [`Reason::ALL`] order: an
/// extended-resource shortfall is named per resource (`Insufficient nvidia.com/gpu`), in name
/// order.
pub fn resources_fit_messages(
    reasons: Reasons,
    requests: &ResourceList,
    allocatable: &ResourceList,
    requested: &ResourceList,
) -> Vec<String> {
    let mut out = Vec::new();
    for r in reasons.iter() {
        if r == Reason::InsufficientExtendedResource {
            let before = out.len();
            let names = short_extended_resources(requests, allocatable, requested);
            out.extend(names.map(|name| format!("Insufficient {name}")));
            if out.len() > before {
                continue;
            }
        }
        out.push(r.message().to_string());
    }
    out
}

/// Every modeled filter of the default profile, in its order (NodeUnschedulable,
/// TaintToleration, NodeAffinity, NodeResourcesFit); the first rejection is the node's status.
pub fn run_filters(pod: &PodView, node: &NodeView) -> FilterStatus {
    run_filters_noting_taint(pod, node).0
}

/// [`run_filters`], also giving the untolerated taint behind a TaintToleration rejection (the
/// one [`untolerated_taint`] finds), so that it need not be looked for twice.
fn run_filters_noting_taint<'n>(pod: &PodView, node: &NodeView<'n>) -> (FilterStatus, Option<&'n Taint>) {
    let unschedulable = filter_node_unschedulable(pod.tolerations, node.unschedulable);
    if !unschedulable.is_success() {
        return (unschedulable, None);
    }
    if let Some(taint) = untolerated_taint(pod.tolerations, node.taints) {
        let status = FilterStatus::UnschedulableAndUnresolvable(Reason::UntoleratedTaint.into());
        return (status, Some(taint));
    }
    let affinity = filter_node_affinity(pod, node);
    if !affinity.is_success() {
        return (affinity, None);
    }
    (filter_resources_fit(pod.requests, node.allocatable, node.requested, node.pod_count), None)
}

/// Which nodes NodeAffinity's PreFilter lets through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreFilterNodes<'p> {
    /// No restriction.
    All,
    /// Only the nodes with these names (every required term pins names with
    /// `matchFields: metadata.name In`).
    Named(Vec<&'p str>),
    /// The terms pin names but no node satisfies them all: the pod fits nowhere.
    Conflict,
}

/// NodeAffinity's PreFilter: when every required term holds at least one
/// `matchFields` requirement `metadata.name In [...]`, the candidate nodes are the union over
/// the terms of the intersection of each term's name lists; a term without such a requirement
/// (or no required affinity at all) lifts the restriction.
pub fn prefilter_node_names(affinity: Option<&Affinity>) -> PreFilterNodes<'_> {
    let Some(required) = affinity.and_then(Affinity::required) else {
        return PreFilterNodes::All;
    };
    if required.node_selector_terms.is_empty() {
        return PreFilterNodes::All;
    }
    let mut union: Vec<&str> = Vec::new();
    for term in &required.node_selector_terms {
        let mut names: Option<Vec<&str>> = None;
        for r in &term.match_fields {
            if r.key != "metadata.name" || r.operator != "In" {
                continue;
            }
            names = Some(match names {
                None => r.values.iter().map(String::as_str).collect(),
                Some(prev) => prev.into_iter().filter(|n| r.values.iter().any(|v| v == n)).collect(),
            });
        }
        let Some(names) = names else {
            return PreFilterNodes::All;
        };
        for n in names {
            if !union.contains(&n) {
                union.push(n);
            }
        }
    }
    if union.is_empty() { PreFilterNodes::Conflict } else { PreFilterNodes::Named(union) }
}

// ---------------------------------------------------------------------------------------------
// Scores
// ---------------------------------------------------------------------------------------------

/// TaintToleration's raw score on one node: the number of its `PreferNoSchedule` taints that
/// none of the pod's tolerations with an empty or `PreferNoSchedule` effect tolerates.
pub fn taint_toleration_raw_score(tolerations: &[Toleration], taints: &[Taint]) -> i64 {
    let counted = |t: &&Toleration| matches!(t.effect, None | Some(TaintEffect::PreferNoSchedule));
    let untolerated = taints
        .iter()
        .filter(|taint| taint.effect == TaintEffect::PreferNoSchedule)
        .filter(|taint| !tolerations.iter().filter(counted).any(|t| t.tolerates(taint)))
        .count();
    untolerated as i64
}

/// Upstream `DefaultNormalizeScore` with maximum [`MAX_NODE_SCORE`]: scales scores so the
/// largest becomes 100 (`100 * s / max`, integer division) and, with `reverse`, turns each `s`
/// into `100 - s`. When every score is 0 they stay 0, or all become 100 with `reverse`.
pub fn default_normalize_score(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0).max(0);
    for s in scores.iter_mut() {
        let scaled = if max == 0 { 0 } else { MAX_NODE_SCORE * *s / max };
        *s = if reverse { MAX_NODE_SCORE - scaled } else { scaled };
    }
}

/// TaintToleration's normalised score for each node, given each node's taints: the raw
/// [`taint_toleration_raw_score`] normalised in reverse over the nodes given (100 = fewest
/// untolerated `PreferNoSchedule` taints).
pub fn taint_toleration_scores<'t>(
    tolerations: &[Toleration],
    nodes_taints: impl IntoIterator<Item = &'t [Taint]>,
) -> Vec<i64> {
    let mut scores: Vec<i64> =
        nodes_taints.into_iter().map(|taints| taint_toleration_raw_score(tolerations, taints)).collect();
    default_normalize_score(&mut scores, true);
    scores
}

/// One resource's input to a resource-allocation score. Any unit works as long as requested
/// and allocatable share it; the simulator uses thousandths.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScoredResource {
    /// Requested on the node including the incoming pod.
    pub requested: i64,
    /// Allocatable on the node; 0 leaves the resource out of the score.
    pub allocatable: i64,
    /// The strategy's weight for the resource.
    pub weight: i64,
}

impl ScoredResource {
    /// The input for `resource` (upstream `calculateResourceAllocatableRequest`): requested =
    /// `node_requested + pod_request`. A resource other than cpu, memory and ephemeral-storage
    /// that the pod does not request is left out (allocatable 0).
    pub fn new(
        resource: &str,
        pod_request: i64,
        node_requested: i64,
        allocatable: i64,
        weight: i64,
    ) -> ScoredResource {
        let native = matches!(resource, "cpu" | "memory" | "ephemeral-storage");
        if pod_request == 0 && !native {
            return ScoredResource { requested: 0, allocatable: 0, weight };
        }
        ScoredResource { requested: node_requested + pod_request, allocatable, weight }
    }
}

/// LeastAllocated's score of one resource: 0 when nothing is allocatable or the request
/// exceeds it, else `(allocatable - requested) * 100 / allocatable` (integer division).
pub fn least_requested_score(requested: i64, allocatable: i64) -> i64 {
    if allocatable == 0 || requested > allocatable {
        return 0;
    }
    let free = i128::from(allocatable - requested) * i128::from(MAX_NODE_SCORE);
    (free / i128::from(allocatable)) as i64
}

/// LeastAllocated's node score: `Σ score × weight / Σ weight` (integer division) over the
/// resources whose allocatable is non-zero; 0 when none is left.
pub fn least_allocated(resources: &[ScoredResource]) -> i64 {
    let (mut total, mut weights) = (0i64, 0i64);
    for r in resources.iter().filter(|r| r.allocatable != 0) {
        total += least_requested_score(r.requested, r.allocatable) * r.weight;
        weights += r.weight;
    }
    if weights == 0 { 0 } else { total / weights }
}

/// NodeResourcesFit's score on `node` with the default strategy (LeastAllocated, cpu and memory
/// with weight 1 each), for a pod whose non-zero requests are `pod`. The node side uses
/// [`NodeView::nonzero_cpu_milli`] and [`NodeView::nonzero_memory_milli`].
pub fn least_allocated_score(pod: NonZeroRequested, node: &NodeView) -> i64 {
    let cpu = ScoredResource::new(
        "cpu",
        pod.cpu_milli,
        node.nonzero_cpu_milli,
        node.allocatable.get("cpu").milli(),
        1,
    );
    let memory = ScoredResource::new(
        "memory",
        pod.memory_milli,
        node.nonzero_memory_milli,
        node.allocatable.get("memory").milli(),
        1,
    );
    least_allocated(&[cpu, memory])
}

/// BalancedAllocation's formula (see the module documentation): one minus the deviation of
/// the resources' requested fractions (capped at 1), times 100, truncated. Resources with zero
/// allocatable are left out; weights play no part.
pub fn balanced_allocation(resources: &[ScoredResource]) -> i64 {
    let fractions = || {
        resources
            .iter()
            .filter(|r| r.allocatable != 0)
            .map(|r| (r.requested as f64 / r.allocatable as f64).min(1.0))
    };
    let count = fractions().count();
    let deviation = match count {
        0 | 1 => 0.0,
        2 => {
            let mut it = fractions();
            let (a, b) = (it.next().unwrap_or(0.0), it.next().unwrap_or(0.0));
            ((a - b) / 2.0).abs()
        }
        n => {
            let mean = fractions().sum::<f64>() / n as f64;
            let squares: f64 = fractions().map(|f| (f - mean) * (f - mean)).sum();
            (squares / n as f64).sqrt()
        }
    };
    ((1.0 - deviation) * MAX_NODE_SCORE as f64) as i64
}

/// NodeResourcesBalancedAllocation's score on `node` for a pod requesting `requests` (cpu and
/// memory, actual requests on both sides, no defaults). `None` when the plugin skips the pod
/// because it requests neither cpu nor memory; it then adds nothing on any node.
pub fn balanced_allocation_score(requests: &ResourceList, node: &NodeView) -> Option<i64> {
    let pod_cpu = requests.get("cpu").milli();
    let pod_memory = requests.get("memory").milli();
    if pod_cpu == 0 && pod_memory == 0 {
        return None;
    }
    let part = |name: &str, pod_request: i64| {
        ScoredResource::new(
            name,
            pod_request,
            node.requested.get(name).milli(),
            node.allocatable.get(name).milli(),
            1,
        )
    };
    Some(balanced_allocation(&[part("cpu", pod_cpu), part("memory", pod_memory)]))
}

// ---------------------------------------------------------------------------------------------
// Cycle
// ---------------------------------------------------------------------------------------------

/// How many feasible nodes a cycle looks for before it stops filtering (upstream
/// `numFeasibleNodesToFind`). Fewer than 100 nodes: all of them. Otherwise the configured
/// percentage (0 = adaptive: `50 - num_all_nodes / 125`, at least 5; values above 100 act as
/// 100) of the nodes, rounded down, but at least 100.
pub fn num_feasible_nodes_to_find(num_all_nodes: usize, percentage_of_nodes_to_score: u32) -> usize {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let n = num_all_nodes as u128;
    let percentage = match percentage_of_nodes_to_score {
        0 => (50i128 - (n / 125) as i128).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND as i128) as u128,
        p => u128::from(p.min(100)),
    };
    let found = (n * percentage / 100) as usize;
    found.max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// The index of a best score, ties broken uniformly at random by reservoir sampling in list
/// order (the k-th tie replaces the current choice with probability 1/k; one draw per tie
/// after the first). `None` for an empty list.
pub fn select_host(scores: &[i64], rng: &mut SimRng) -> Option<usize> {
    let mut chosen: Option<usize> = None;
    let mut best = i64::MIN;
    let mut ties: u32 = 0;
    for (i, &score) in scores.iter().enumerate() {
        if chosen.is_none() || score > best {
            chosen = Some(i);
            best = score;
            ties = 1;
        } else if score == best {
            ties += 1;
            if rng.random_range(0..ties) == 0 {
                chosen = Some(i);
            }
        }
    }
    chosen
}

/// The scheduler: its configuration and the state it carries from one cycle to the next (the
/// round-robin start index), plus scratch buffers reused across cycles.
#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    next_start: usize,
    percentage_of_nodes_to_score: u32,
    candidates: Vec<usize>,
    feasible: Vec<usize>,
    taint_scores: Vec<i64>,
    totals: Vec<i64>,
}

impl Scheduler {
    /// A scheduler with `percentageOfNodesToScore` (0 = adaptive) starting its scans at node 0.
    pub fn new(percentage_of_nodes_to_score: u32) -> Scheduler {
        Scheduler { percentage_of_nodes_to_score, ..Scheduler::default() }
    }

    /// The configured `percentageOfNodesToScore`.
    pub fn percentage_of_nodes_to_score(&self) -> u32 {
        self.percentage_of_nodes_to_score
    }

    /// Where the next cycle starts its scan (an index into the node list, taken modulo its
    /// length).
    pub fn next_start(&self) -> usize {
        self.next_start
    }

    /// One scheduling cycle for `pod` over `nodes` (see the module documentation). Returns the
    /// index in `nodes` of the chosen node, or why none fits. `nodes` should be in a stable
    /// order from cycle to cycle for the round-robin start to mean anything.
    pub fn schedule<'n>(
        &mut self,
        pod: &PodView,
        nodes: &[NodeView<'n>],
        rng: &mut SimRng,
    ) -> Result<usize, FitError<'n>> {
        let num_all = nodes.len();
        let mut error = FitError::new(num_all);
        if num_all == 0 {
            return Err(error);
        }

        // PreFilter: NodeAffinity's node-name restriction.
        self.candidates.clear();
        let restricted = match prefilter_node_names(pod.affinity) {
            PreFilterNodes::All => false,
            PreFilterNodes::Conflict => {
                for _ in 0..num_all {
                    error.record(Reason::NodeAffinity.into());
                }
                error.reject_in_pre_filter(NODE_AFFINITY_CONFLICT);
                return Err(error);
            }
            PreFilterNodes::Named(names) => {
                self.candidates.extend(
                    nodes.iter().enumerate().filter(|(_, n)| names.contains(&n.name)).map(|(i, _)| i),
                );
                for _ in self.candidates.len()..num_all {
                    error.record(Reason::NodeAffinityPreFilter.into());
                }
                true
            }
        };
        let num_candidates = if restricted { self.candidates.len() } else { num_all };

        // Filter, from the round-robin start, until enough feasible nodes are found.
        let to_find = num_feasible_nodes_to_find(num_candidates, self.percentage_of_nodes_to_score);
        self.feasible.clear();
        let mut processed = 0;
        for i in 0..num_candidates {
            if self.feasible.len() >= to_find {
                break;
            }
            let pos = (self.next_start + i) % num_candidates;
            let index = if restricted { self.candidates[pos] } else { pos };
            processed += 1;
            match run_filters_noting_taint(pod, &nodes[index]) {
                (FilterStatus::Success, _) => self.feasible.push(index),
                (rejected, taint) => {
                    let reasons = rejected.reasons();
                    error.record(reasons);
                    if let Some(taint) = taint {
                        error.record_taint(taint);
                    }
                    if reasons.contains(Reason::InsufficientExtendedResource) {
                        let node = &nodes[index];
                        for name in short_extended_resources(pod.requests, node.allocatable, node.requested) {
                            error.record_extended(name);
                        }
                    }
                }
            }
        }
        self.next_start = (self.next_start + processed) % num_all;

        match self.feasible.len() {
            0 => return Err(error),
            1 => return Ok(self.feasible[0]),
            _ => {}
        }

        // Score.
        let pod_nonzero = NonZeroRequested::of_pod(pod.requests);
        self.taint_scores.clear();
        self.taint_scores.extend(
            self.feasible.iter().map(|&i| taint_toleration_raw_score(pod.tolerations, nodes[i].taints)),
        );
        default_normalize_score(&mut self.taint_scores, true);
        self.totals.clear();
        for (k, &i) in self.feasible.iter().enumerate() {
            let node = &nodes[i];
            let total = TAINT_TOLERATION_WEIGHT * self.taint_scores[k]
                + NODE_RESOURCES_FIT_WEIGHT * least_allocated_score(pod_nonzero, node)
                + BALANCED_ALLOCATION_WEIGHT * balanced_allocation_score(pod.requests, node).unwrap_or(0);
            self.totals.push(total);
        }
        let chosen = select_host(&self.totals, rng).unwrap_or(0);
        Ok(self.feasible[chosen])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::seeded;
    use crate::model::selector::{NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm};
    use crate::model::{Operator, Quantity};

    /// Owned node data for building [`NodeView`]s in tests.
    #[derive(Clone)]
    struct Node {
        name: String,
        labels: BTreeMap<String, String>,
        taints: Vec<Taint>,
        unschedulable: bool,
        allocatable: ResourceList,
        requested: ResourceList,
        pods: Vec<ResourceList>,
    }

    impl Node {
        fn new(name: &str) -> Node {
            Node {
                name: name.into(),
                labels: BTreeMap::new(),
                taints: vec![],
                unschedulable: false,
                allocatable: ResourceList::from([("cpu", "4"), ("memory", "8Gi"), ("pods", "110")]),
                requested: ResourceList::default(),
                pods: vec![],
            }
        }

        fn taint(mut self, t: Taint) -> Node {
            self.taints.push(t);
            self
        }

        fn label(mut self, k: &str, v: &str) -> Node {
            self.labels.insert(k.into(), v.into());
            self
        }

        fn with_pod(mut self, requests: ResourceList) -> Node {
            self.requested.add(&requests);
            self.pods.push(requests);
            self
        }

        fn view(&self) -> NodeView<'_> {
            let mut nonzero = NonZeroRequested::default();
            for p in &self.pods {
                nonzero += NonZeroRequested::of_pod(p);
            }
            NodeView {
                name: &self.name,
                labels: &self.labels,
                taints: &self.taints,
                unschedulable: self.unschedulable,
                allocatable: &self.allocatable,
                requested: &self.requested,
                pod_count: self.pods.len() as u32,
                nonzero_cpu_milli: nonzero.cpu_milli,
                nonzero_memory_milli: nonzero.memory_milli,
            }
        }
    }

    struct Pod {
        tolerations: Vec<Toleration>,
        requests: ResourceList,
        node_selector: BTreeMap<String, String>,
        affinity: Option<Affinity>,
    }

    impl Pod {
        fn new(tolerations: Vec<Toleration>, requests: ResourceList) -> Pod {
            Pod { tolerations, requests, node_selector: BTreeMap::new(), affinity: None }
        }

        fn view(&self) -> PodView<'_> {
            PodView {
                tolerations: &self.tolerations,
                requests: &self.requests,
                node_selector: &self.node_selector,
                affinity: self.affinity.as_ref(),
            }
        }
    }

    fn views(nodes: &[Node]) -> Vec<NodeView<'_>> {
        nodes.iter().map(Node::view).collect()
    }

    fn uu(r: Reason) -> FilterStatus {
        FilterStatus::UnschedulableAndUnresolvable(r.into())
    }

    fn pinned_to(names: &[&str]) -> Affinity {
        Affinity {
            node_affinity: Some(NodeAffinity {
                required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                    node_selector_terms: vec![NodeSelectorTerm {
                        match_fields: vec![NodeSelectorRequirement {
                            key: "metadata.name".into(),
                            operator: "In".into(),
                            values: names.iter().map(|s| s.to_string()).collect(),
                        }],
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn a_cordoned_node_rejects_a_pod_without_the_unschedulable_toleration() {
        assert_eq!(filter_node_unschedulable(&[], true), uu(Reason::NodeUnschedulable));
        assert_eq!(filter_node_unschedulable(&[], false), FilterStatus::Success);
    }

    #[test]
    fn the_catch_all_and_the_keyed_toleration_pass_the_cordon_check_but_a_no_execute_one_does_not() {
        let catch_all = [Toleration::exists("", None)];
        let keyed = [Toleration {
            key: UNSCHEDULABLE.into(),
            effect: Some(TaintEffect::NoSchedule),
            ..Default::default()
        }];
        let no_execute = [Toleration::exists(UNSCHEDULABLE, Some(TaintEffect::NoExecute))];
        assert!(filter_node_unschedulable(&catch_all, true).is_success());
        assert!(filter_node_unschedulable(&keyed, true).is_success());
        assert!(!filter_node_unschedulable(&no_execute, true).is_success());
    }

    #[test]
    fn prefer_no_schedule_taints_never_filter_but_no_execute_ones_do() {
        let soft = [Taint::new("soft", TaintEffect::PreferNoSchedule)];
        assert!(filter_taint_toleration(&[], &soft).is_success());
        let hard = [Taint::new("hard", TaintEffect::NoExecute)];
        assert_eq!(filter_taint_toleration(&[], &hard), uu(Reason::UntoleratedTaint));
        let tol = [Toleration::exists("hard", None)];
        assert!(filter_taint_toleration(&tol, &hard).is_success());
    }

    #[test]
    fn the_named_taint_is_the_first_untolerated_blocking_one_in_node_order() {
        let taints = [
            Taint::with_value("soft", "x", TaintEffect::PreferNoSchedule),
            Taint::with_value("tolerated", "y", TaintEffect::NoSchedule),
            Taint::with_value("dedicated", "gpu", TaintEffect::NoExecute),
            Taint::new("later", TaintEffect::NoSchedule),
        ];
        let tol = [Toleration::exists("tolerated", None)];
        assert_eq!(untolerated_taint(&tol, &taints), Some(&taints[2]));
        assert_eq!(untolerated_taint(&tol, &taints[..2]), None);
        assert_eq!(
            untolerated_taint_message("dedicated", "gpu"),
            "node(s) had untolerated taint {dedicated: gpu}"
        );
        assert_eq!(
            untolerated_taint_message("node-role.kubernetes.io/control-plane", ""),
            "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
        );
    }

    #[test]
    fn node_selector_and_required_affinity_must_both_hold() {
        let node = Node::new("n1").label("pool", "gpu");
        let mut pod = Pod::new(vec![], ResourceList::default());
        pod.node_selector.insert("pool".into(), "gpu".into());
        assert!(filter_node_affinity(&pod.view(), &node.view()).is_success());
        pod.affinity = Some(pinned_to(&["n2"]));
        assert_eq!(filter_node_affinity(&pod.view(), &node.view()), uu(Reason::NodeAffinity));
    }

    #[test]
    fn one_pod_too_many_is_resolvable() {
        let alloc = ResourceList::from([("pods", "2")]);
        let none = ResourceList::default();
        assert!(filter_resources_fit(&none, &alloc, &none, 1).is_success());
        assert_eq!(
            filter_resources_fit(&none, &alloc, &none, 2),
            FilterStatus::Unschedulable(Reason::TooManyPods.into())
        );
    }

    #[test]
    fn a_node_without_a_pods_entry_takes_no_pod() {
        let none = ResourceList::default();
        assert!(!filter_resources_fit(&none, &ResourceList::from([("cpu", "4")]), &none, 0).is_success());
    }

    #[test]
    fn a_request_above_what_is_left_is_unschedulable_and_above_the_whole_node_unresolvable() {
        let alloc = ResourceList::from([("cpu", "1"), ("memory", "1Gi"), ("pods", "110")]);
        let used = ResourceList::from([("cpu", "600m")]);
        let fits = filter_resources_fit(&ResourceList::from([("cpu", "400m")]), &alloc, &used, 3);
        assert!(fits.is_success());
        let short = filter_resources_fit(&ResourceList::from([("cpu", "500m")]), &alloc, &used, 3);
        assert_eq!(short, FilterStatus::Unschedulable(Reason::InsufficientCpu.into()));
        let huge = filter_resources_fit(
            &ResourceList::from([("cpu", "1500m"), ("memory", "2Gi")]),
            &alloc,
            &used,
            3,
        );
        assert_eq!(
            huge,
            FilterStatus::UnschedulableAndUnresolvable(
                Reasons::one(Reason::InsufficientCpu).with(Reason::InsufficientMemory)
            )
        );
    }

    #[test]
    fn extended_resources_are_checked_like_cpu_and_missing_ones_are_unresolvable() {
        let gpu_node = ResourceList::from([("nvidia.com/gpu", "1"), ("pods", "110")]);
        let plain_node = ResourceList::from([("pods", "110")]);
        let one_gpu = ResourceList::from([("nvidia.com/gpu", "1")]);
        let none = ResourceList::default();
        assert!(filter_resources_fit(&one_gpu, &gpu_node, &none, 0).is_success());
        assert_eq!(
            filter_resources_fit(&one_gpu, &gpu_node, &one_gpu, 1),
            FilterStatus::Unschedulable(Reason::InsufficientExtendedResource.into())
        );
        assert_eq!(
            filter_resources_fit(&one_gpu, &plain_node, &none, 0),
            FilterStatus::UnschedulableAndUnresolvable(Reason::InsufficientExtendedResource.into())
        );
    }

    #[test]
    fn the_short_extended_resources_are_named_in_order_and_cpu_is_left_out() {
        let alloc = ResourceList::from([("cpu", "1"), ("nvidia.com/gpu", "1"), ("pods", "1")]);
        let used = ResourceList::from([("nvidia.com/gpu", "1")]);
        let pod = ResourceList::from([
            ("cpu", "2"),
            ("memory", "1Gi"),
            ("nvidia.com/gpu", "1"),
            ("example.com/fpga", "1"),
            ("example.com/nic", "0"),
        ]);
        let names: Vec<&str> = short_extended_resources(&pod, &alloc, &used).collect();
        assert_eq!(names, ["example.com/fpga", "nvidia.com/gpu"]);
        let status = filter_resources_fit(&pod, &alloc, &used, 1);
        assert_eq!(
            resources_fit_messages(status.reasons(), &pod, &alloc, &used),
            [
                "Too many pods",
                "Insufficient cpu",
                "Insufficient memory",
                "Insufficient example.com/fpga",
                "Insufficient nvidia.com/gpu"
            ]
        );
        let fits = ResourceList::from([("nvidia.com/gpu", "1")]);
        assert_eq!(short_extended_resources(&fits, &alloc, &ResourceList::default()).count(), 0);
    }

    #[test]
    fn a_pod_requesting_nothing_only_checks_the_pod_count() {
        let alloc = ResourceList::from([("cpu", "1"), ("pods", "110")]);
        let full = ResourceList::from([("cpu", "1")]);
        assert!(filter_resources_fit(&ResourceList::default(), &alloc, &full, 5).is_success());
    }

    #[test]
    fn filters_stop_at_the_first_rejection_in_profile_order() {
        let mut node = Node::new("n").taint(Taint::new("hard", TaintEffect::NoSchedule));
        node.unschedulable = true;
        let pod = Pod::new(vec![], ResourceList::from([("cpu", "100")]));
        assert_eq!(run_filters(&pod.view(), &node.view()), uu(Reason::NodeUnschedulable));
    }

    #[test]
    fn missing_requests_count_the_defaults_for_scoring_but_an_explicit_zero_does_not() {
        let nothing = NonZeroRequested::of_pod(&ResourceList::default());
        assert_eq!(nothing, NonZeroRequested { cpu_milli: 100, memory_milli: 200 * 1024 * 1024 * 1000 });
        let zero_memory = NonZeroRequested::of_pod(&ResourceList::from([("cpu", "250m"), ("memory", "0")]));
        assert_eq!(zero_memory, NonZeroRequested { cpu_milli: 250, memory_milli: 0 });
    }

    #[test]
    fn taint_scores_are_normalised_in_reverse() {
        let a: Vec<Taint> = vec![];
        let b = vec![Taint::new("x", TaintEffect::PreferNoSchedule)];
        let c = vec![
            Taint::new("x", TaintEffect::PreferNoSchedule),
            Taint::new("y", TaintEffect::PreferNoSchedule),
        ];
        let scores = taint_toleration_scores(&[], [a.as_slice(), b.as_slice(), c.as_slice()]);
        assert_eq!(scores, vec![100, 50, 0]);
        assert_eq!(taint_toleration_scores(&[], [a.as_slice(), a.as_slice()]), vec![100, 100]);
    }

    #[test]
    fn no_schedule_tolerations_do_not_lift_the_prefer_no_schedule_penalty() {
        let taints = [Taint::new("x", TaintEffect::PreferNoSchedule)];
        let no_schedule = [Toleration::exists("x", Some(TaintEffect::NoSchedule))];
        let any_effect = [Toleration::exists("x", None)];
        assert_eq!(taint_toleration_raw_score(&no_schedule, &taints), 1);
        assert_eq!(taint_toleration_raw_score(&any_effect, &taints), 0);
    }

    #[test]
    fn least_allocated_averages_the_free_share_and_leaves_out_empty_resources() {
        let parts = [
            ScoredResource { requested: 3000, allocatable: 4000, weight: 1 },
            ScoredResource { requested: 5000, allocatable: 10000, weight: 1 },
        ];
        assert_eq!(least_allocated(&parts), 37);
        let with_empty = [parts[0], ScoredResource { requested: 5, allocatable: 0, weight: 1 }];
        assert_eq!(least_allocated(&with_empty), 25);
        assert_eq!(least_allocated(&[]), 0);
        assert_eq!(least_requested_score(5, 4), 0);
    }

    #[test]
    fn extended_resources_the_pod_does_not_request_are_left_out_of_scoring() {
        assert_eq!(ScoredResource::new("nvidia.com/gpu", 0, 1, 4, 1).allocatable, 0);
        assert_eq!(ScoredResource::new("nvidia.com/gpu", 1, 1, 4, 1).requested, 2);
        assert_eq!(ScoredResource::new("cpu", 0, 1, 4, 1).allocatable, 4);
    }

    #[test]
    fn balanced_allocation_is_one_minus_half_the_gap_between_two_fractions() {
        let parts = [
            ScoredResource { requested: 1, allocatable: 4, weight: 1 },
            ScoredResource { requested: 3, allocatable: 4, weight: 1 },
        ];
        assert_eq!(balanced_allocation(&parts), 75);
        let over = [
            ScoredResource { requested: 8, allocatable: 4, weight: 1 },
            ScoredResource { requested: 0, allocatable: 4, weight: 1 },
        ];
        assert_eq!(balanced_allocation(&over), 50);
        let three = [
            ScoredResource { requested: 0, allocatable: 1, weight: 1 },
            ScoredResource { requested: 1, allocatable: 2, weight: 1 },
            ScoredResource { requested: 1, allocatable: 1, weight: 1 },
        ];
        // mean 0.5, population deviation sqrt(1/6) = 0.408..., so 59.
        assert_eq!(balanced_allocation(&three), 59);
        assert_eq!(balanced_allocation(&parts[..1]), 100);
    }

    #[test]
    fn balanced_allocation_skips_pods_requesting_neither_cpu_nor_memory() {
        let node = Node::new("n");
        assert_eq!(balanced_allocation_score(&ResourceList::default(), &node.view()), None);
        let pod = ResourceList::from([("cpu", "1"), ("memory", "2Gi")]);
        // cpu 1/4, memory 2/8: perfectly balanced.
        assert_eq!(balanced_allocation_score(&pod, &node.view()), Some(100));
    }

    #[test]
    fn the_number_of_nodes_to_find_follows_the_upstream_table() {
        let cases = [
            (10, 0, 10),
            (10, 40, 10),
            (99, 5, 99),
            (100, 0, 100),
            (1000, 0, 420),
            (1000, 40, 400),
            (6000, 40, 2400),
            (7000, 0, 350),
            (200, 10, 100),
            (500, 100, 500),
            (500, 150, 500),
            (1_000_000, 0, 50_000),
        ];
        for (n, pct, want) in cases {
            assert_eq!(num_feasible_nodes_to_find(n, pct), want, "{n} nodes at {pct}%");
        }
    }

    #[test]
    fn filtering_stops_once_enough_nodes_are_found_and_the_next_cycle_resumes_there() {
        // 200 nodes, 10% => look for 100 feasible nodes; every third node is tainted.
        let nodes: Vec<Node> = (0..200)
            .map(|i| {
                let n = Node::new(&format!("n{i}"));
                if i % 3 == 0 { n.taint(Taint::new("hard", TaintEffect::NoSchedule)) } else { n }
            })
            .collect();
        let v = views(&nodes);
        let pod = Pod::new(vec![], ResourceList::from([("cpu", "100m")]));
        let mut sched = Scheduler::new(10);
        let mut rng = seeded(1);
        let chosen = sched.schedule(&pod.view(), &v, &mut rng).unwrap();
        // The 100th feasible node from 0 is n149 (nodes 0..=149 hold 50 tainted ones).
        assert_eq!(sched.next_start(), 150);
        assert!(chosen < 150 && chosen % 3 != 0);
        let chosen = sched.schedule(&pod.view(), &v, &mut rng).unwrap();
        assert!(chosen >= 150 || chosen <= 100, "second cycle scans from n150 and wraps: {chosen}");
        // From n150: n150..n199 hold 33 feasible nodes and n0..n99 66, so the 100th is n100.
        assert_eq!(sched.next_start(), (150 + 50 + 101) % 200);
    }

    #[test]
    fn a_pod_pinned_by_match_fields_examines_only_its_node_and_advances_the_start_by_one() {
        let nodes: Vec<Node> = (0..5).map(|i| Node::new(&format!("n{i}"))).collect();
        let v = views(&nodes);
        let mut pod = Pod::new(vec![], ResourceList::default());
        pod.affinity = Some(pinned_to(&["n3"]));
        let mut sched = Scheduler::new(0);
        let mut rng = seeded(1);
        assert_eq!(sched.schedule(&pod.view(), &v, &mut rng), Ok(3));
        assert_eq!(sched.next_start(), 1);
        pod.affinity = Some(pinned_to(&["gone"]));
        let err = sched.schedule(&pod.view(), &v, &mut rng).unwrap_err();
        assert_eq!(err.count(Reason::NodeAffinityPreFilter), 5);
        assert_eq!(
            err.to_string(),
            "0/5 nodes are available: 5 node(s) didn't satisfy plugin(s) [NodeAffinity]."
        );
        // n3 is there but full: the other nodes were left out by the PreFilter.
        let mut nodes = nodes;
        nodes[3].allocatable = ResourceList::from([("pods", "0")]);
        pod.affinity = Some(pinned_to(&["n3"]));
        let err = sched.schedule(&pod.view(), &views(&nodes), &mut rng).unwrap_err();
        assert_eq!(
            err.to_string(),
            "0/5 nodes are available: 1 Too many pods, 4 node(s) didn't satisfy plugin(s) [NodeAffinity]."
        );
    }

    #[test]
    fn conflicting_pinned_terms_fit_nowhere() {
        let mut affinity = pinned_to(&["a"]);
        let term = &mut affinity
            .node_affinity
            .as_mut()
            .unwrap()
            .required_during_scheduling_ignored_during_execution
            .as_mut()
            .unwrap()
            .node_selector_terms[0];
        term.match_fields.push(NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: vec!["b".into()],
        });
        assert_eq!(prefilter_node_names(Some(&affinity)), PreFilterNodes::Conflict);
        let nodes = [Node::new("a"), Node::new("b")];
        let mut pod = Pod::new(vec![], ResourceList::default());
        pod.affinity = Some(affinity.clone());
        let err = Scheduler::new(0).schedule(&pod.view(), &views(&nodes), &mut seeded(1)).unwrap_err();
        assert_eq!(err.to_string(), "0/2 nodes are available: pod affinity terms conflict.");
        assert_eq!(
            prefilter_node_names(Some(&pinned_to(&["a", "b"]))),
            PreFilterNodes::Named(vec!["a", "b"])
        );
        assert_eq!(prefilter_node_names(None), PreFilterNodes::All);
    }

    #[test]
    fn no_feasible_node_reports_how_many_nodes_failed_for_each_reason() {
        let mut cordoned = Node::new("c");
        cordoned.unschedulable = true;
        let tainted = Node::new("t").taint(Taint::new("hard", TaintEffect::NoExecute));
        let mut small = Node::new("s");
        small.allocatable = ResourceList::from([("cpu", "1"), ("memory", "1Gi"), ("pods", "110")]);
        let nodes = [cordoned, tainted, small];
        let pod = Pod::new(vec![], ResourceList::from([("cpu", "2"), ("memory", "2Gi")]));
        let err = Scheduler::new(0).schedule(&pod.view(), &views(&nodes), &mut seeded(3)).unwrap_err();
        assert_eq!(err.num_all_nodes(), 3);
        assert_eq!(
            err.to_string(),
            "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, \
             1 node(s) had untolerated taint {hard: }, 1 node(s) were unschedulable."
        );
    }

    #[test]
    fn each_short_extended_resource_is_counted_under_its_own_name() {
        let with = |name: &str, extended: &[(&str, &str)]| {
            let mut node = Node::new(name);
            for (resource, amount) in extended {
                node.allocatable.set(resource, Quantity::parse(amount).unwrap());
            }
            node
        };
        let nodes = [
            with("fpga-only", &[("example.com/fpga", "1")]),
            with("gpu-only", &[("nvidia.com/gpu", "1")]),
            with("plain", &[]),
            with("both-busy", &[("nvidia.com/gpu", "1"), ("example.com/fpga", "1")])
                .with_pod(ResourceList::from([("cpu", "4")])),
        ];
        let pod = Pod::new(
            vec![],
            ResourceList::from([("cpu", "1"), ("nvidia.com/gpu", "1"), ("example.com/fpga", "1")]),
        );
        let err = Scheduler::new(0).schedule(&pod.view(), &views(&nodes), &mut seeded(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "0/4 nodes are available: 1 Insufficient cpu, 2 Insufficient example.com/fpga, \
             2 Insufficient nvidia.com/gpu."
        );
        // Nodes short of at least one extended resource, the plain node once.
        assert_eq!(err.count(Reason::InsufficientExtendedResource), 3);
        let named: Vec<(&str, u32)> = err.extended().collect();
        assert_eq!(named, [("example.com/fpga", 2), ("nvidia.com/gpu", 2)]);
    }

    #[test]
    fn one_extended_resource_short_everywhere_reads_like_upstream() {
        let mut gpu = Node::new("gpu");
        gpu.allocatable.set("nvidia.com/gpu", Quantity::parse("1").unwrap());
        let gpu = gpu.with_pod(ResourceList::from([("nvidia.com/gpu", "1")]));
        let nodes =
            [gpu, Node::new("cpu-a"), Node::new("cpu-b").taint(Taint::new("hard", TaintEffect::NoSchedule))];
        let pod = Pod::new(vec![], ResourceList::from([("nvidia.com/gpu", "1")]));
        let err = Scheduler::new(0).schedule(&pod.view(), &views(&nodes), &mut seeded(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "0/3 nodes are available: 1 node(s) had untolerated taint {hard: }, \
             2 Insufficient nvidia.com/gpu."
        );
    }

    #[test]
    fn nodes_are_counted_under_their_first_untolerated_taint_by_key_and_value() {
        let control_plane = Taint::new("node-role.kubernetes.io/control-plane", TaintEffect::NoSchedule);
        let gpu = |effect| Taint::with_value("dedicated", "gpu", effect);
        let mut nodes = [
            Node::new("cp").taint(control_plane.clone()),
            Node::new("gpu-a").taint(gpu(TaintEffect::NoSchedule)),
            // Same key and value, another effect: the same entry.
            Node::new("gpu-b").taint(gpu(TaintEffect::NoExecute)),
            // The tolerated taint comes first; the next one is named.
            Node::new("infra")
                .taint(Taint::new("tolerated", TaintEffect::NoSchedule))
                .taint(Taint::with_value("dedicated", "infra", TaintEffect::NoSchedule))
                .taint(control_plane),
            Node::new("cordoned").taint(gpu(TaintEffect::NoSchedule)),
        ];
        nodes[4].unschedulable = true;
        let pod = Pod::new(vec![Toleration::exists("tolerated", None)], ResourceList::default());
        let err = Scheduler::new(0).schedule(&pod.view(), &views(&nodes), &mut seeded(1)).unwrap_err();
        assert_eq!(err.count(Reason::UntoleratedTaint), 4);
        let named: Vec<(&str, &str, u32)> = err.untolerated_taints().collect();
        assert_eq!(
            named,
            [
                ("dedicated", "gpu", 2),
                ("dedicated", "infra", 1),
                ("node-role.kubernetes.io/control-plane", "", 1)
            ]
        );
        assert_eq!(
            err.to_string(),
            "0/5 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, \
             1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, \
             1 node(s) were unschedulable, 2 node(s) had untolerated taint {dedicated: gpu}."
        );
    }

    #[test]
    fn nodes_ruled_out_by_anti_affinity_count_among_all_nodes() {
        let mut err = FitError::new(2);
        err.record(Reason::InsufficientCpu.into());
        err.record(Reason::TooManyPods.into());
        err.add_ruled_out(Reason::PodAntiAffinity, 3);
        assert_eq!(
            err.to_string(),
            "0/5 nodes are available: 1 Insufficient cpu, 1 Too many pods, \
             3 node(s) didn't match pod anti-affinity rules."
        );
        let mut none_left = FitError::new(0);
        none_left.add_ruled_out(Reason::PodAntiAffinity, 4);
        assert_eq!(
            none_left.to_string(),
            "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules."
        );
    }

    #[test]
    fn a_fit_error_without_names_falls_back_to_the_generic_text() {
        let mut err = FitError::new(2);
        err.record(Reason::InsufficientExtendedResource.into());
        err.record(Reasons::one(Reason::InsufficientExtendedResource).with(Reason::InsufficientCpu));
        assert_eq!(
            err.to_string(),
            "0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient extended resource."
        );
        let mut tainted = FitError::new(1);
        tainted.record(Reason::UntoleratedTaint.into());
        assert_eq!(tainted.to_string(), "0/1 nodes are available: 1 node(s) had untolerated taint(s).");
        err.record_extended("vendor.example/b");
        err.record_extended("vendor.example/a");
        err.record_extended("vendor.example/b");
        assert_eq!(
            err.to_string(),
            "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient vendor.example/a, \
             2 Insufficient vendor.example/b."
        );
    }

    #[test]
    fn the_emptier_node_wins_and_a_prefer_no_schedule_taint_outweighs_emptiness() {
        let busy = Node::new("busy").with_pod(ResourceList::from([("cpu", "3"), ("memory", "6Gi")]));
        let empty = Node::new("empty");
        let pod = Pod::new(vec![], ResourceList::from([("cpu", "500m"), ("memory", "1Gi")]));
        let mut sched = Scheduler::new(0);
        let nodes = [busy.clone(), empty.clone()];
        for seed in 0..20 {
            assert_eq!(sched.schedule(&pod.view(), &views(&nodes), &mut seeded(seed)), Ok(1));
        }
        let soft = empty.taint(Taint::new("soft", TaintEffect::PreferNoSchedule));
        let nodes = [busy, soft];
        assert_eq!(sched.schedule(&pod.view(), &views(&nodes), &mut seeded(0)), Ok(0));
    }

    #[test]
    fn ties_are_broken_the_same_way_for_the_same_seed() {
        let nodes: Vec<Node> = (0..8).map(|i| Node::new(&format!("n{i}"))).collect();
        let pod = Pod::new(
            vec![Toleration { operator: Operator::Exists, ..Default::default() }],
            ResourceList::default(),
        );
        let run = |seed: u64| {
            let mut sched = Scheduler::new(0);
            let mut rng = seeded(seed);
            (0..20)
                .map(|_| sched.schedule(&pod.view(), &views(&nodes), &mut rng).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }

    #[test]
    fn ties_are_broken_uniformly() {
        let scores = [7, 9, 9, 3, 9];
        let mut rng = seeded(11);
        let mut hits = [0u32; 5];
        for _ in 0..3000 {
            hits[select_host(&scores, &mut rng).unwrap()] += 1;
        }
        assert_eq!((hits[0], hits[3]), (0, 0));
        for i in [1, 2, 4] {
            assert!((850..1150).contains(&hits[i]), "{hits:?}");
        }
        assert_eq!(select_host(&[], &mut rng), None);
    }

    #[test]
    fn a_single_feasible_node_is_chosen_without_drawing_randomness() {
        let mut cordoned = Node::new("a");
        cordoned.unschedulable = true;
        let nodes = [cordoned, Node::new("b")];
        let pod = Pod::new(vec![], ResourceList::default());
        let mut rng = seeded(5);
        let before = rng.clone();
        assert_eq!(Scheduler::new(0).schedule(&pod.view(), &views(&nodes), &mut rng), Ok(1));
        assert_eq!(rng, before);
    }
}
