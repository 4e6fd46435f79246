//! Critical pods, QoS classes and the eviction manager's admission check.
//!
//! Upstream: `pkg/kubelet/types/pod_update.go` (`IsCriticalPod`, `IsStaticPod`,
//! `IsMirrorPod`), `pkg/apis/core/v1/helper/qos/qos.go` (`GetPodQOS`, `ComputePodQOS`),
//! `pkg/kubelet/eviction/eviction_manager.go` (`managerImpl.Admit`).

use super::signals::Condition;
use crate::controllers::drain::MIRROR_ANNOTATION;
use crate::model::keys::MEMORY_PRESSURE;
use crate::model::toleration::tolerations_tolerate;
use crate::model::{Quantity, ResourceList, Taint, TaintEffect, Toleration};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Annotation naming where the kubelet got a pod from (`file`, `http`, `api`).
pub const CONFIG_SOURCE_ANNOTATION: &str = "kubernetes.io/config.source";

/// The config source of pods that come from the API server.
pub const API_SOURCE: &str = "api";

/// Priority from which a pod is critical (`SystemCriticalPriority`, the value of
/// `system-cluster-critical`; `system-node-critical` is 2 000 001 000).
pub const SYSTEM_CRITICAL_PRIORITY: i32 = 2_000_000_000;

/// A static pod: the config-source annotation is present and names a source other than the
/// API server.
pub fn is_static_pod(annotations: &BTreeMap<String, String>) -> bool {
    annotations.get(CONFIG_SOURCE_ANNOTATION).is_some_and(|source| source != API_SOURCE)
}

/// The API mirror of a static pod: the mirror annotation is present (any value).
pub fn is_mirror_pod(annotations: &BTreeMap<String, String>) -> bool {
    annotations.contains_key(MIRROR_ANNOTATION)
}

/// Whether the kubelet treats a pod as critical (`IsCriticalPod`): static, mirror, or
/// `spec.priority >= 2 000 000 000`. Critical pods are never evicted for node pressure and
/// always pass the eviction manager's admission. The owner (a DaemonSet, say) plays no part.
/// An absent priority is 0.
pub fn is_critical(annotations: &BTreeMap<String, String>, priority: i32) -> bool {
    is_static_pod(annotations) || is_mirror_pod(annotations) || priority >= SYSTEM_CRITICAL_PRIORITY
}

/// A pod's quality-of-service class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QosClass {
    /// Every container sets cpu and memory limits, and requests equal limits.
    Guaranteed,
    /// Neither of the other two.
    Burstable,
    /// No container sets any cpu or memory request or limit.
    BestEffort,
}

impl QosClass {
    /// The class as `status.qosClass` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            QosClass::Guaranteed => "Guaranteed",
            QosClass::Burstable => "Burstable",
            QosClass::BestEffort => "BestEffort",
        }
    }

    /// Parses `Guaranteed`, `Burstable`, `BestEffort`.
    pub fn parse(s: &str) -> Option<QosClass> {
        [QosClass::Guaranteed, QosClass::Burstable, QosClass::BestEffort]
            .into_iter()
            .find(|q| q.as_str() == s)
    }
}

impl fmt::Display for QosClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The resources that decide the QoS class.
const QOS_RESOURCES: [&str; 2] = ["cpu", "memory"];

/// Adds the positive cpu and memory amounts of `list` to `total`; returns which of the two
/// `list` sets to a positive amount.
fn add_qos_amounts(
    total: &mut BTreeMap<&'static str, Quantity>,
    list: &ResourceList,
) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    for name in QOS_RESOURCES {
        let amount = list.get(name);
        if amount.milli() > 0 {
            found.insert(name);
            let slot = total.entry(name).or_default();
            *slot = *slot + amount;
        }
    }
    found
}

/// The QoS class of a pod made of `containers` (app and init containers alike), each given as
/// `(requests, limits)` (`ComputePodQOS`). Only cpu and memory count, and only positive
/// amounts (an explicit `"0"` counts as not set):
///
/// * no container sets any of them → BestEffort;
/// * every container sets positive cpu and memory limits, and the summed requests equal the
///   summed limits for exactly the same resources → Guaranteed;
/// * otherwise Burstable.
///
/// Requests are taken as given. The API server defaults a missing request to its limit
/// before anything reads the pod, so callers holding objects as written (a chart, a scenario)
/// should fill requests from limits first when they want the class a cluster would report.
pub fn qos_class_of_containers<'a>(
    containers: impl IntoIterator<Item = (&'a ResourceList, &'a ResourceList)>,
) -> QosClass {
    let mut requests = BTreeMap::new();
    let mut limits = BTreeMap::new();
    let mut guaranteed = true;
    for (container_requests, container_limits) in containers {
        add_qos_amounts(&mut requests, container_requests);
        let limited = add_qos_amounts(&mut limits, container_limits);
        guaranteed &= limited.len() == QOS_RESOURCES.len();
    }
    if requests.is_empty() && limits.is_empty() {
        return QosClass::BestEffort;
    }
    if guaranteed && requests == limits {
        return QosClass::Guaranteed;
    }
    QosClass::Burstable
}

/// The QoS class of a pod the simulator treats as one container (or of pod-level
/// `spec.resources`, which upstream classifies the same way): `requests` and `limits` are
/// the pod's totals. BestEffort when neither sets a positive cpu or memory amount;
/// Guaranteed when both cpu and memory limits are set and requests equal limits for cpu and
/// memory; Burstable otherwise.
pub fn qos_class(requests: &ResourceList, limits: &ResourceList) -> QosClass {
    qos_class_of_containers([(requests, limits)])
}

/// A container's requests after API defaulting: every resource with a limit but no request
/// gets a request equal to its limit (`SetDefaults_Pod`). Use it on requests and limits as a
/// chart writes them before [`qos_class`], so that a pod with limits only is Guaranteed as a
/// cluster would report it.
pub fn requests_defaulted_from_limits(requests: &ResourceList, limits: &ResourceList) -> ResourceList {
    let mut out = requests.clone();
    for (name, amount) in limits.iter() {
        out.0.entry(name.clone()).or_insert(*amount);
    }
    out
}

/// What the eviction manager's admission check reads of a pod.
#[derive(Clone, Copy, Debug)]
pub struct AdmitPodView<'a> {
    /// `metadata.annotations` (config source, mirror).
    pub annotations: &'a BTreeMap<String, String>,
    /// `spec.priority` (0 when absent).
    pub priority: i32,
    /// The pod's QoS class (`status.qosClass` when known, else computed).
    pub qos: QosClass,
    /// `spec.tolerations`.
    pub tolerations: &'a [Toleration],
}

/// The eviction manager's admission decision for a pod arriving on a node whose kubelet
/// currently asserts `conditions_true` (`managerImpl.Admit`):
///
/// 1. no condition → admit;
/// 2. a critical pod ([`is_critical`]) → admit;
/// 3. MemoryPressure is the only condition → admit unless the pod is BestEffort; a BestEffort
///    pod only if it tolerates `node.kubernetes.io/memory-pressure:NoSchedule` (the shared
///    matcher);
/// 4. anything else (DiskPressure, PIDPressure, or MemoryPressure with another) → reject.
///
/// Tolerating the disk-pressure or pid-pressure taint does not help: DaemonSet pods, which
/// the DaemonSet controller gives those tolerations, are rejected under DiskPressure too (and
/// turn `Failed`). `conditions_true` is read as a set.
pub fn admit(conditions_true: &[Condition], pod: &AdmitPodView<'_>) -> bool {
    let conditions: BTreeSet<Condition> = conditions_true.iter().copied().collect();
    if conditions.is_empty() || is_critical(pod.annotations, pod.priority) {
        return true;
    }
    if conditions.len() == 1 && conditions.contains(&Condition::MemoryPressure) {
        if pod.qos != QosClass::BestEffort {
            return true;
        }
        let taint = Taint::new(MEMORY_PRESSURE, TaintEffect::NoSchedule);
        return tolerations_tolerate(pod.tolerations, &taint);
    }
    false
}

/// `status.reason` of a pod the eviction manager rejects (and of an evicted pod).
pub const REJECTION_REASON: &str = "Evicted";

/// `status.message` of a rejected pod: `The node had condition: [DiskPressure].`
pub fn rejection_message(conditions_true: &[Condition]) -> String {
    let names: Vec<&str> = conditions_true.iter().map(|c| c.as_str()).collect();
    format!("The node had condition: [{}].", names.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotations(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn view<'a>(
        annotations: &'a BTreeMap<String, String>,
        qos: QosClass,
        tolerations: &'a [Toleration],
    ) -> AdmitPodView<'a> {
        AdmitPodView { annotations, priority: 0, qos, tolerations }
    }

    #[test]
    fn static_pods_are_critical_unless_their_source_is_the_api_server() {
        assert!(is_critical(&annotations(&[(CONFIG_SOURCE_ANNOTATION, "file")]), 0));
        assert!(!is_critical(&annotations(&[(CONFIG_SOURCE_ANNOTATION, "api")]), 0));
    }

    #[test]
    fn mirror_pods_are_critical_whatever_the_annotation_value() {
        assert!(is_critical(&annotations(&[(MIRROR_ANNOTATION, "")]), 0));
    }

    #[test]
    fn priority_makes_a_pod_critical_from_two_billion() {
        let none = BTreeMap::new();
        assert!(!is_critical(&none, 1_999_999_999));
        assert!(is_critical(&none, 2_000_000_000));
        assert!(is_critical(&none, 2_000_001_000));
    }

    #[test]
    fn a_pod_without_cpu_or_memory_amounts_is_best_effort() {
        let empty = ResourceList::default();
        assert_eq!(qos_class(&empty, &empty), QosClass::BestEffort);
        let zero = ResourceList::from([("memory", "0"), ("ephemeral-storage", "1Gi")]);
        assert_eq!(qos_class(&zero, &empty), QosClass::BestEffort);
    }

    #[test]
    fn equal_cpu_and_memory_requests_and_limits_are_guaranteed() {
        let both = ResourceList::from([("cpu", "500m"), ("memory", "1Gi")]);
        assert_eq!(qos_class(&both, &both), QosClass::Guaranteed);
        let less = ResourceList::from([("cpu", "250m"), ("memory", "1Gi")]);
        assert_eq!(qos_class(&less, &both), QosClass::Burstable);
        let memory_only = ResourceList::from([("memory", "1Gi")]);
        assert_eq!(qos_class(&memory_only, &memory_only), QosClass::Burstable);
        assert_eq!(qos_class(&ResourceList::default(), &both), QosClass::Burstable);
    }

    #[test]
    fn limits_without_requests_are_guaranteed_once_defaulted() {
        let limits = ResourceList::from([("cpu", "1"), ("memory", "1Gi")]);
        let written = ResourceList::default();
        assert_eq!(qos_class(&written, &limits), QosClass::Burstable);
        let defaulted = requests_defaulted_from_limits(&written, &limits);
        assert_eq!(qos_class(&defaulted, &limits), QosClass::Guaranteed);
        let half = ResourceList::from([("cpu", "500m")]);
        assert_eq!(
            requests_defaulted_from_limits(&half, &limits).get("cpu"),
            Quantity::parse("500m").unwrap()
        );
    }

    #[test]
    fn one_container_without_limits_makes_the_pod_burstable() {
        let both = ResourceList::from([("cpu", "1"), ("memory", "1Gi")]);
        let empty = ResourceList::default();
        assert_eq!(qos_class_of_containers([(&both, &both), (&both, &both)]), QosClass::Guaranteed);
        assert_eq!(qos_class_of_containers([(&both, &both), (&empty, &empty)]), QosClass::Burstable);
    }

    #[test]
    fn without_pressure_every_pod_is_admitted() {
        let none = BTreeMap::new();
        assert!(admit(&[], &view(&none, QosClass::BestEffort, &[])));
    }

    #[test]
    fn under_memory_pressure_only_best_effort_pods_need_the_toleration() {
        let none = BTreeMap::new();
        let memory = [Condition::MemoryPressure];
        assert!(admit(&memory, &view(&none, QosClass::Burstable, &[])));
        assert!(!admit(&memory, &view(&none, QosClass::BestEffort, &[])));
        let tolerates = [Toleration::exists(MEMORY_PRESSURE, Some(TaintEffect::NoSchedule))];
        assert!(admit(&memory, &view(&none, QosClass::BestEffort, &tolerates)));
        let wrong_effect = [Toleration::exists(MEMORY_PRESSURE, Some(TaintEffect::NoExecute))];
        assert!(!admit(&memory, &view(&none, QosClass::BestEffort, &wrong_effect)));
    }

    #[test]
    fn disk_or_pid_pressure_rejects_every_non_critical_pod_even_a_tolerating_one() {
        let none = BTreeMap::new();
        let everything = [Toleration::exists("", None)];
        assert!(!admit(&[Condition::DiskPressure], &view(&none, QosClass::Guaranteed, &everything)));
        assert!(!admit(&[Condition::PidPressure], &view(&none, QosClass::Burstable, &[])));
        let both = [Condition::MemoryPressure, Condition::PidPressure];
        assert!(!admit(&both, &view(&none, QosClass::Burstable, &[])));
        let critical =
            AdmitPodView { priority: SYSTEM_CRITICAL_PRIORITY, ..view(&none, QosClass::BestEffort, &[]) };
        assert!(admit(&both, &critical));
    }

    #[test]
    fn the_rejection_names_the_conditions() {
        assert_eq!(
            rejection_message(&[Condition::DiskPressure, Condition::PidPressure]),
            "The node had condition: [DiskPressure PIDPressure]."
        );
    }
}
