//! The scenario-file entries the importer writes, as serde types that print the README's
//! RON format (snake_case fields, Kubernetes field names inside tolerations and affinity).

use super::origin::Origin;
use crate::model::Quantity;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A quantity of the scenario file: its text, as the input wrote it or (for an amount the
/// importer computed) in canonical form, and its value. Entries compare by value, so pods that
/// ask for `1Gi` and for `1024Mi` are alike; the scenario file gets the text.
#[derive(Clone, Debug)]
pub(crate) struct QuantityOut {
    pub(crate) text: String,
    pub(crate) value: Quantity,
}

impl PartialEq for QuantityOut {
    fn eq(&self, other: &QuantityOut) -> bool {
        self.value == other.value
    }
}

impl Eq for QuantityOut {}

impl std::hash::Hash for QuantityOut {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl Serialize for QuantityOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Resource name -> amount.
pub(crate) type ResourcesOut = BTreeMap<String, QuantityOut>;

/// A workload or agent entry. Its pod fields repeat [`PodShape`]'s because the entry must print
/// as one flat RON struct, and `ron` writes a `#[serde(flatten)]` field as a map instead.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct WorkloadOut {
    pub(crate) name: String,
    pub(crate) namespace: String,
    pub(crate) kind: KindOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) replicas: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) node_name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) requests: ResourcesOut,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) limits: ResourcesOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority_class_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tolerations: Vec<TolerationOut>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) affinity: Option<AffinityOut>,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) host_network: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) termination_grace_period: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) volumes: Vec<VolumeOut>,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) one_per_node: bool,
    /// Where the entry came from (not written).
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

impl WorkloadOut {
    /// The entry for pods of `shape`.
    pub(crate) fn new(
        name: String,
        namespace: String,
        kind: KindOut,
        replicas: Option<u32>,
        count: Option<u32>,
        shape: PodShape,
    ) -> WorkloadOut {
        let PodShape {
            node_name,
            requests,
            limits,
            priority,
            priority_class_name,
            tolerations,
            node_selector,
            affinity,
            host_network,
            termination_grace_period,
            labels,
            annotations,
            volumes,
            one_per_node,
        } = shape;
        WorkloadOut {
            name,
            namespace,
            kind,
            replicas,
            count,
            node_name,
            requests,
            limits,
            priority,
            priority_class_name,
            tolerations,
            node_selector,
            affinity,
            host_network,
            termination_grace_period,
            labels,
            annotations,
            volumes,
            one_per_node,
            origin: None,
        }
    }

    /// The entry with its origin.
    pub(crate) fn with_origin(self, origin: Origin) -> WorkloadOut {
        WorkloadOut { origin: Some(origin), ..self }
    }
}

/// Everything of a workload entry that describes its pods; pods with equal shapes are alike
/// to every simulated component.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct PodShape {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) node_name: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) requests: ResourcesOut,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) limits: ResourcesOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) priority_class_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) tolerations: Vec<TolerationOut>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) affinity: Option<AffinityOut>,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) host_network: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) termination_grace_period: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) volumes: Vec<VolumeOut>,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) one_per_node: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `kind:` of a workload entry.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq, Hash)]
pub(crate) enum KindOut {
    #[default]
    Deployment,
    DaemonSet,
    Pod,
}

/// A toleration, field for field.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct TolerationOut {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) operator: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) effect: String,
    #[serde(rename = "tolerationSeconds", skip_serializing_if = "Option::is_none")]
    pub(crate) toleration_seconds: Option<i64>,
}

/// `affinity` (node affinity only).
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct AffinityOut {
    #[serde(rename = "nodeAffinity")]
    pub(crate) node_affinity: NodeAffinityOut,
}

/// `affinity.nodeAffinity`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct NodeAffinityOut {
    #[serde(
        rename = "requiredDuringSchedulingIgnoredDuringExecution",
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) required: Option<NodeSelectorOut>,
    #[serde(
        rename = "preferredDuringSchedulingIgnoredDuringExecution",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub(crate) preferred: Vec<PreferredOut>,
}

/// A `NodeSelector`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct NodeSelectorOut {
    #[serde(rename = "nodeSelectorTerms")]
    pub(crate) terms: Vec<TermOut>,
}

/// A `PreferredSchedulingTerm`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct PreferredOut {
    pub(crate) weight: i32,
    pub(crate) preference: TermOut,
}

/// A `NodeSelectorTerm`.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct TermOut {
    #[serde(rename = "matchExpressions", skip_serializing_if = "Vec::is_empty")]
    pub(crate) match_expressions: Vec<RequirementOut>,
    #[serde(rename = "matchFields", skip_serializing_if = "Vec::is_empty")]
    pub(crate) match_fields: Vec<RequirementOut>,
}

/// A `NodeSelectorRequirement` or a budget's `LabelSelectorRequirement`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct RequirementOut {
    pub(crate) key: String,
    pub(crate) operator: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) values: Vec<String>,
}

/// A volume: name and kind of source.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct VolumeOut {
    pub(crate) name: String,
    #[serde(rename = "emptyDir", skip_serializing_if = "Option::is_none")]
    pub(crate) empty_dir: Option<EmptyDirOut>,
    #[serde(rename = "hostPath", skip_serializing_if = "Option::is_none")]
    pub(crate) host_path: Option<Empty>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) other: Option<Empty>,
}

/// `emptyDir`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct EmptyDirOut {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) medium: String,
}

/// A source without fields of interest: printed `()`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, Hash)]
pub(crate) struct Empty {}

/// A PodDisruptionBudget entry.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct PdbOut {
    pub(crate) name: String,
    pub(crate) namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) min_available: Option<IntOrPercent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) max_unavailable: Option<IntOrPercent>,
    pub(crate) selector: LabelSelectorOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unhealthy_pod_eviction_policy: Option<String>,
    /// Where the entry came from (not written).
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

/// A budget count or percentage.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(untagged)]
pub(crate) enum IntOrPercent {
    Int(i64),
    Text(String),
}

/// A budget's selector.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub(crate) struct LabelSelectorOut {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) match_labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) match_expressions: Vec<RequirementOut>,
}

/// A policy entry.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct PolicyOut {
    pub(crate) name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) applies_to: Option<Vec<String>>,
    pub(crate) tolerations: Vec<TolerationOut>,
    /// Where the entry came from (not written).
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

/// Prints `value` as RON, indented to sit at `indent` spaces inside the scenario struct.
pub(crate) fn to_ron<T: Serialize>(value: &T, indent: usize) -> String {
    to_ron_depth(value, indent, 2)
}

/// `value` as RON on one line: `(at: "0s", node: "w1", event: NotReady)`.
pub(crate) fn to_ron_line<T: Serialize>(value: &T) -> String {
    let text = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .to_string(value)
        .expect("importer entries always serialize");
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut in_str = false;
    let mut escaped = false;
    for c in text.chars() {
        out.push(c);
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
        } else if c == ':' || c == ',' {
            out.push(' ');
        }
    }
    out
}

/// [`to_ron`] with structures deeper than `depth` written on one line.
pub(crate) fn to_ron_depth<T: Serialize>(value: &T, indent: usize, depth: usize) -> String {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(depth)
        .indentor("    ".to_string())
        .separate_tuple_members(false)
        .enumerate_arrays(false);
    let text = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .to_string_pretty(value, config)
        .expect("importer entries always serialize");
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    out
}

/// A node entry.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct NodeOut {
    pub(crate) name: String,
    /// The pool the importer puts a node in that names none (`taintsim.io/pool`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pool: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) taints: Vec<TaintOut>,
    #[serde(skip_serializing_if = "is_false")]
    pub(crate) unschedulable: bool,
    pub(crate) capacity: ResourcesOut,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) allocatable: ResourcesOut,
    /// Where the entry came from (not written).
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

/// A taint.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub(crate) struct TaintOut {
    pub(crate) key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub(crate) value: String,
    pub(crate) effect: String,
}
