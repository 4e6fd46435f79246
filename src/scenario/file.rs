//! The scenario file as written: serde types that mirror the RON text one to one.
//!
//! Every struct rejects unknown fields, so a misspelt field is an error rather than a silently
//! ignored line. Durations and quantities stay text here; [`super::resolve`] parses them so
//! that their errors carry the field path. Serde names (`rename`) are what `ron` prints in its
//! own messages ("Unexpected field named `x` in `Node`"). Maps are read into ordinary maps; a
//! key written twice is caught from the source text ([`super::locate::SourceMap`]).

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
pub(crate) struct ScenarioFile {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) kubernetes_version: Option<String>,
    pub(crate) seed: Option<u64>,
    pub(crate) horizon: String,
    pub(crate) settings: Option<SettingsFile>,
    #[serde(default)]
    pub(crate) nodes: Vec<NodeFile>,
    #[serde(default)]
    pub(crate) workloads: Vec<WorkloadFile>,
    #[serde(default)]
    pub(crate) agents: Vec<WorkloadFile>,
    #[serde(default)]
    pub(crate) policies: Vec<PolicyFile>,
    #[serde(default)]
    pub(crate) timeline: Vec<EventFile>,
    #[serde(default)]
    pub(crate) pdbs: Vec<PdbFile>,
    #[serde(default)]
    pub(crate) generators: Vec<GeneratorFile>,
    /// Notes of `taintsim import` on input it could not carry over; shown in the reports.
    #[serde(default)]
    pub(crate) ignored: Vec<String>,
}

/// Overrides of the version defaults; every field optional.
#[derive(Debug, Default, Deserialize)]
#[serde(rename = "Settings", deny_unknown_fields)]
pub(crate) struct SettingsFile {
    pub(crate) node_monitor_period: Option<String>,
    pub(crate) node_monitor_grace_period: Option<String>,
    pub(crate) default_toleration_seconds_enabled: Option<bool>,
    pub(crate) default_not_ready_toleration_seconds: Option<i64>,
    pub(crate) default_unreachable_toleration_seconds: Option<i64>,
    pub(crate) node_eviction_rate: Option<f64>,
    pub(crate) secondary_node_eviction_rate: Option<f64>,
    pub(crate) unhealthy_zone_threshold: Option<f64>,
    pub(crate) large_cluster_size_threshold: Option<u32>,
    pub(crate) percentage_of_nodes_to_score: Option<u32>,
    pub(crate) pod_start_delay: Option<String>,
    pub(crate) pod_stop_delay: Option<String>,
    pub(crate) orphan_pod_gc_delay: Option<String>,
}

/// A single node (`name`) or a group of alike nodes (`name_pattern` + `count`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename = "Node", deny_unknown_fields)]
pub(crate) struct NodeFile {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name_pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) first_index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) zones: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) pool: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) taints: Vec<TaintFile>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub(crate) unschedulable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) capacity: Option<BTreeMap<String, QuantityText>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) allocatable: Option<BTreeMap<String, QuantityText>>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A taint, with Kubernetes' field names.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename = "Taint", deny_unknown_fields)]
pub(crate) struct TaintFile {
    pub(crate) key: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) value: String,
    pub(crate) effect: String,
    /// Accepted so `kubectl get node -o yaml` output can be pasted; not used.
    #[serde(rename = "timeAdded", skip_serializing_if = "Option::is_none")]
    #[allow(dead_code)]
    pub(crate) time_added: Option<String>,
}

/// A toleration, with Kubernetes' field names; enum values as strings.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Toleration", deny_unknown_fields)]
pub(crate) struct TolerationFile {
    #[serde(default)]
    pub(crate) key: String,
    #[serde(default)]
    pub(crate) operator: String,
    #[serde(default)]
    pub(crate) value: String,
    #[serde(default)]
    pub(crate) effect: String,
    #[serde(rename = "tolerationSeconds")]
    pub(crate) toleration_seconds: Option<i64>,
}

/// How a workload makes pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename = "Kind")]
pub(crate) enum KindFile {
    Deployment,
    DaemonSet,
    Pod,
}

/// A business workload or an agent.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Workload", deny_unknown_fields)]
pub(crate) struct WorkloadFile {
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
    pub(crate) kind: KindFile,
    pub(crate) replicas: Option<u32>,
    pub(crate) count: Option<u32>,
    pub(crate) node_name: Option<String>,
    #[serde(default)]
    pub(crate) requests: BTreeMap<String, QuantityText>,
    #[serde(default)]
    pub(crate) limits: BTreeMap<String, QuantityText>,
    pub(crate) priority: Option<i32>,
    pub(crate) priority_class_name: Option<String>,
    #[serde(default)]
    pub(crate) tolerations: Vec<TolerationFile>,
    #[serde(default)]
    pub(crate) node_selector: BTreeMap<String, String>,
    pub(crate) affinity: Option<AffinityFile>,
    #[serde(default)]
    pub(crate) host_network: bool,
    pub(crate) termination_grace_period: Option<String>,
    #[serde(default)]
    pub(crate) labels: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) volumes: Vec<VolumeFile>,
    #[serde(default)]
    pub(crate) one_per_node: bool,
    pub(crate) usage: Option<UsageFile>,
}

/// `usage`: what each pod really uses, per resource; a resource left out uses its request.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename = "Usage", deny_unknown_fields)]
pub(crate) struct UsageFile {
    pub(crate) memory: Option<UsageModelFile>,
    pub(crate) cpu: Option<UsageModelFile>,
    pub(crate) ephemeral_storage: Option<UsageModelFile>,
    pub(crate) pids: Option<UsageModelFile>,
}

/// One resource's usage as written: a quantity (`"700Mi"`, `120`) for a constant amount, or a
/// parenthesised random walk.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum UsageModelFile {
    /// Always this amount.
    Constant(QuantityText),
    /// `(start: .., min: .., max: .., step: .., every: ..)`.
    RandomWalk(RandomWalkFile),
}

/// A random walk's fields; every one is required.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RandomWalkFile {
    pub(crate) start: QuantityText,
    pub(crate) min: QuantityText,
    pub(crate) max: QuantityText,
    pub(crate) step: QuantityText,
    pub(crate) every: String,
}

impl RandomWalkFile {
    const FIELDS: [&'static str; 5] = ["start", "min", "max", "step", "every"];

    /// Reads the fields by hand rather than through a derived struct: a struct reached
    /// through `deserialize_any` has no name of its own, and `ron` would name the enclosing
    /// `Usage` in messages about an unknown or repeated field.
    fn from_map<'de, A: de::MapAccess<'de>>(mut map: A) -> Result<RandomWalkFile, A::Error> {
        let mut quantities: [Option<QuantityText>; 4] = Default::default();
        let mut every: Option<String> = None;
        while let Some(key) = map.next_key::<String>()? {
            let Some(i) = Self::FIELDS.iter().position(|f| *f == key) else {
                let expected: Vec<String> = Self::FIELDS.iter().map(|f| format!("`{f}`")).collect();
                return Err(de::Error::custom(format!(
                    "Unexpected field named `{key}` in `RandomWalk`, expected one of {}",
                    expected.join(", ")
                )));
            };
            let seen = match quantities.get(i) {
                Some(slot) => slot.is_some(),
                None => every.is_some(),
            };
            if seen {
                return Err(de::Error::custom(format!(
                    "Unexpected duplicate field named `{key}` in `RandomWalk`"
                )));
            }
            match quantities.get_mut(i) {
                Some(slot) => *slot = Some(map.next_value()?),
                None => every = Some(map.next_value()?),
            }
        }
        let [start, min, max, step] = quantities;
        let need = |value: Option<QuantityText>, field: &'static str| {
            value.ok_or_else(|| de::Error::missing_field(field))
        };
        Ok(RandomWalkFile {
            start: need(start, "start")?,
            min: need(min, "min")?,
            max: need(max, "max")?,
            step: need(step, "step")?,
            every: every.ok_or_else(|| de::Error::missing_field("every"))?,
        })
    }
}

impl<'de> Deserialize<'de> for UsageModelFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<UsageModelFile, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = UsageModelFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a quantity such as \"700Mi\" or 120, or a random walk (start: .., min: .., max: .., step: .., every: ..)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<UsageModelFile, E> {
                Ok(UsageModelFile::Constant(QuantityText(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<UsageModelFile, E> {
                Ok(UsageModelFile::Constant(QuantityText(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<UsageModelFile, E> {
                Ok(UsageModelFile::Constant(QuantityText(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<UsageModelFile, E> {
                Ok(UsageModelFile::Constant(QuantityText(v.to_string())))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<UsageModelFile, A::Error> {
                RandomWalkFile::from_map(map).map(UsageModelFile::RandomWalk)
            }
        }
        d.deserialize_any(V)
    }
}

/// A pod volume: a name and exactly one source, written with Kubernetes' source names.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Volume", deny_unknown_fields)]
pub(crate) struct VolumeFile {
    pub(crate) name: String,
    #[serde(rename = "emptyDir")]
    pub(crate) empty_dir: Option<EmptyDirFile>,
    #[serde(rename = "hostPath")]
    pub(crate) host_path: Option<HostPathFile>,
    pub(crate) other: Option<OtherSourceFile>,
}

/// `emptyDir`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename = "EmptyDir", deny_unknown_fields)]
pub(crate) struct EmptyDirFile {
    #[serde(default)]
    pub(crate) medium: String,
}

/// `hostPath`; the path itself plays no part in any rule.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename = "HostPath", deny_unknown_fields)]
pub(crate) struct HostPathFile {}

/// Any other volume source (configMap, secret, persistentVolumeClaim, ...).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename = "OtherSource", deny_unknown_fields)]
pub(crate) struct OtherSourceFile {}

/// A PodDisruptionBudget.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Pdb", deny_unknown_fields)]
pub(crate) struct PdbFile {
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
    pub(crate) min_available: Option<IntOrPercentText>,
    pub(crate) max_unavailable: Option<IntOrPercentText>,
    pub(crate) selector: Option<LabelSelectorFile>,
    pub(crate) workload: Option<String>,
    pub(crate) unhealthy_pod_eviction_policy: Option<String>,
}

/// A label selector (`metav1.LabelSelector`), snake_case like the rest of a budget.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename = "LabelSelector", deny_unknown_fields)]
pub(crate) struct LabelSelectorFile {
    #[serde(default)]
    pub(crate) match_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) match_expressions: Vec<LabelRequirementFile>,
}

/// A `LabelSelectorRequirement`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "LabelSelectorRequirement", deny_unknown_fields)]
pub(crate) struct LabelRequirementFile {
    pub(crate) key: String,
    pub(crate) operator: String,
    #[serde(default)]
    pub(crate) values: Vec<String>,
}

/// `affinity`, Kubernetes' structure (only node affinity is modeled).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Affinity", deny_unknown_fields)]
pub(crate) struct AffinityFile {
    #[serde(rename = "nodeAffinity")]
    pub(crate) node_affinity: Option<NodeAffinityFile>,
}

/// `affinity.nodeAffinity`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "NodeAffinity", deny_unknown_fields)]
pub(crate) struct NodeAffinityFile {
    #[serde(rename = "requiredDuringSchedulingIgnoredDuringExecution")]
    pub(crate) required: Option<NodeSelectorFile>,
    #[serde(rename = "preferredDuringSchedulingIgnoredDuringExecution", default)]
    pub(crate) preferred: Vec<PreferredTermFile>,
}

/// A `NodeSelector`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "NodeSelector", deny_unknown_fields)]
pub(crate) struct NodeSelectorFile {
    #[serde(rename = "nodeSelectorTerms", default)]
    pub(crate) node_selector_terms: Vec<NodeSelectorTermFile>,
}

/// A `PreferredSchedulingTerm`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "PreferredSchedulingTerm", deny_unknown_fields)]
pub(crate) struct PreferredTermFile {
    pub(crate) weight: i32,
    pub(crate) preference: NodeSelectorTermFile,
}

/// A `NodeSelectorTerm`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "NodeSelectorTerm", deny_unknown_fields)]
pub(crate) struct NodeSelectorTermFile {
    #[serde(rename = "matchExpressions", default)]
    pub(crate) match_expressions: Vec<RequirementFile>,
    #[serde(rename = "matchFields", default)]
    pub(crate) match_fields: Vec<RequirementFile>,
}

/// A `NodeSelectorRequirement`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "NodeSelectorRequirement", deny_unknown_fields)]
pub(crate) struct RequirementFile {
    pub(crate) key: String,
    pub(crate) operator: String,
    #[serde(default)]
    pub(crate) values: Vec<String>,
}

/// A toleration policy.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Policy", deny_unknown_fields)]
pub(crate) struct PolicyFile {
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) applies_to: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) tolerations: Vec<TolerationFile>,
}

/// What a timeline entry does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename = "Event")]
pub(crate) enum EventKind {
    #[default]
    Silent,
    Back,
    NotReady,
    Ready,
    AddTaint,
    RemoveTaint,
    Cordon,
    Uncordon,
    AddNode,
    RemoveNode,
    Drain,
    UsageSpike,
    InjectCondition,
    SpotInterruption,
}

impl EventKind {
    /// The event that ends a `for_duration` spell begun by this one.
    pub(crate) fn closing(self) -> Option<EventKind> {
        match self {
            EventKind::Silent => Some(EventKind::Back),
            EventKind::NotReady => Some(EventKind::Ready),
            EventKind::AddTaint => Some(EventKind::RemoveTaint),
            EventKind::Cordon => Some(EventKind::Uncordon),
            // Closed by the same action undone: the spike's end, the condition cleared.
            EventKind::UsageSpike => Some(EventKind::UsageSpike),
            EventKind::InjectCondition => Some(EventKind::InjectCondition),
            _ => None,
        }
    }
}

/// One timeline entry. Also written back out (`run --dump-timeline`), fields in this order,
/// absent ones left out.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename = "TimelineEvent", deny_unknown_fields)]
pub(crate) struct EventFile {
    pub(crate) at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) node: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) node_of: Option<String>,
    pub(crate) event: EventKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) taint: Option<TaintFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new_node: Option<NodeFile>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) drainer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) notice: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) down_for: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) workload: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) amount: Option<QuantityText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) condition: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) for_duration: Option<String>,
}

/// A generator of timeline events: the cluster's weather, materialized from the seed.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Generator", deny_unknown_fields)]
pub(crate) enum GeneratorFile {
    /// Each node of the pool fails and is repaired, over and over.
    NodeFailures {
        name: String,
        pool: Option<String>,
        failure: Option<FailureFile>,
        time_between_failures: Option<DistributionFile>,
        time_to_repair: Option<DistributionFile>,
        from: Option<String>,
        until: Option<String>,
    },
    /// Every node of a zone fails at once.
    ZoneOutages {
        name: String,
        zones: Option<Vec<String>>,
        failure: Option<FailureFile>,
        time_between: Option<DistributionFile>,
        duration: Option<DistributionFile>,
        from: Option<String>,
        until: Option<String>,
    },
    /// Usage spikes on the nodes of a pool.
    PressureEpisodes {
        name: String,
        pool: Option<String>,
        workload: Option<String>,
        resource: Option<String>,
        amount: QuantityText,
        amount_max: Option<QuantityText>,
        time_between: Option<DistributionFile>,
        duration: Option<DistributionFile>,
        from: Option<String>,
        until: Option<String>,
    },
    /// A node-pool upgrade: the pool drained `max_unavailable` nodes at a time.
    RollingMaintenance {
        name: String,
        pool: Option<String>,
        at: String,
        every: Option<String>,
        max_unavailable: Option<u32>,
        drainer: Option<String>,
        timeout: Option<String>,
        down_for: Option<String>,
        until: Option<String>,
    },
    /// Spot or preemptible nodes reclaimed by the provider after a notice.
    SpotInterruptions {
        name: String,
        pool: Option<String>,
        time_between: Option<DistributionFile>,
        notice: Option<String>,
        drainer: Option<String>,
        down_for: Option<String>,
        from: Option<String>,
        until: Option<String>,
    },
}

/// How a generated node failure shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename = "Failure")]
pub(crate) enum FailureFile {
    Silent,
    NotReady,
}

/// A distribution of durations, as written.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename = "Distribution", deny_unknown_fields)]
pub(crate) enum DistributionFile {
    Fixed(String),
    Exponential { mean: String },
    Uniform { min: String, max: String },
    LogNormal { median: String, sigma: f64 },
    Weibull { shape: f64, mean: String },
}

/// A quantity as written: a string (`"500m"`) or a bare number (`250`, `0.5`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct QuantityText(pub(crate) String);

impl Serialize for QuantityText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for QuantityText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<QuantityText, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = QuantityText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as \"500m\", \"2Gi\" or 4")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<QuantityText, E> {
                Ok(QuantityText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A budget value as written: a bare integer (`1`) or a string (`"50%"`). Checked by the
/// resolver, so that a bad value gets its field path.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum IntOrPercentText {
    /// A bare integer.
    Int(i64),
    /// A bare number with a fraction.
    Float(f64),
    /// A string.
    Text(String),
}

impl<'de> Deserialize<'de> for IntOrPercentText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IntOrPercentText, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrPercentText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a count such as 1 or a percentage such as \"50%\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrPercentText, E> {
                Ok(IntOrPercentText::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrPercentText, E> {
                Ok(IntOrPercentText::Int(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrPercentText, E> {
                Ok(IntOrPercentText::Int(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntOrPercentText, E> {
                Ok(IntOrPercentText::Float(v))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<IntOrPercentText, ron::error::SpannedError> {
        ron::from_str(text)
    }

    #[test]
    fn budget_values_keep_what_was_written() {
        assert_eq!(read("2").unwrap(), IntOrPercentText::Int(2));
        assert_eq!(read("-1").unwrap(), IntOrPercentText::Int(-1));
        assert_eq!(read("1.5").unwrap(), IntOrPercentText::Float(1.5));
        assert_eq!(read("\"50%\"").unwrap(), IntOrPercentText::Text("50%".into()));
        assert_eq!(read("18446744073709551615").unwrap(), IntOrPercentText::Int(i64::MAX));
        assert!(read("true").unwrap_err().to_string().contains("a count such as 1"));
    }

    #[test]
    fn usage_models_read_from_a_quantity_or_a_walk() {
        let options =
            ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let read = |text: &str| options.from_str::<UsageModelFile>(text);
        let constant = |text: &str| UsageModelFile::Constant(QuantityText(text.into()));
        assert_eq!(read("\"700Mi\"").unwrap(), constant("700Mi"));
        assert_eq!(read("120").unwrap(), constant("120"));
        assert_eq!(read("-1").unwrap(), constant("-1"));
        assert_eq!(read("0.5").unwrap(), constant("0.5"));
        let walk = read(r#"(every: "1m", step: 5, max: "9", min: "1", start: "2")"#).unwrap();
        assert_eq!(
            walk,
            UsageModelFile::RandomWalk(RandomWalkFile {
                start: QuantityText("2".into()),
                min: QuantityText("1".into()),
                max: QuantityText("9".into()),
                step: QuantityText("5".into()),
                every: "1m".into(),
            })
        );
        let unknown = read(r#"(start: "2", low: "1")"#).unwrap_err().code.to_string();
        assert!(unknown.starts_with("Unexpected field named `low` in `RandomWalk`"), "{unknown}");
        let twice = read(r#"(start: "2", start: "1")"#).unwrap_err().code.to_string();
        assert_eq!(twice, "Unexpected duplicate field named `start` in `RandomWalk`");
        let missing = read(r#"(start: "2", min: "1", max: "3", step: "1")"#).unwrap_err().code.to_string();
        assert!(missing.contains("missing field named `every`"), "{missing}");
        assert!(read("true").unwrap_err().code.to_string().contains("a quantity such as"));
    }

    #[test]
    fn empty_volume_sources_read_from_empty_parentheses() {
        let options =
            ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let v: VolumeFile = options.from_str("(name: \"a\", emptyDir: (), hostPath: ())").unwrap();
        assert_eq!(v.empty_dir.map(|e| e.medium), Some(String::new()));
        assert!(v.host_path.is_some() && v.other.is_none());
    }
}
