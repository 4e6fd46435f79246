//! Evaluators for the kubelet checks: `kubeletAdmit`, `kubeletCriticalPod`,
//! `kubeletEvictionOrder` and `kubeletEvictionDefaults`. They translate a case into calls of
//! [`controllers::kubelet`](crate::controllers::kubelet), which holds the rules.

use super::objects::Pod;
use super::{EvalError, Registry, parse_input};
use crate::controllers::kubelet::{
    AdmitPodView, Condition, EvictionSettings, Measure, Os, QosClass, Signal, UsageRankView, admit,
    eviction_grace_period_seconds, has_merge_default_eviction_settings, is_critical, pick_victim, qos_class,
    qos_class_of_containers, rank_for_memory,
};
use crate::model::ResourceList;
use crate::scenario::KubeVersion;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Registers this area's checks.
pub fn register(registry: &mut Registry) {
    registry
        .add("kubeletAdmit", kubelet_admit)
        .add("kubeletCriticalPod", kubelet_critical_pod)
        .add("kubeletEvictionOrder", kubelet_eviction_order)
        .add("kubeletEvictionDefaults", kubelet_eviction_defaults);
}

/// `spec.priority`, 0 when absent.
fn priority(pod: &Pod) -> i32 {
    pod.spec.priority.unwrap_or(0)
}

/// The pod's QoS class: `status.qosClass` when reported, otherwise pod-level
/// `spec.resources` when set, otherwise computed from the app and init containers.
fn pod_qos(pod: &Pod) -> Result<QosClass, EvalError> {
    let written = pod.status.qos_class.as_str();
    if !written.is_empty() {
        return QosClass::parse(written)
            .ok_or_else(|| EvalError::Input(format!("status.qosClass {written:?} is not a QoS class")));
    }
    if let Some(resources) = &pod.spec.resources {
        return Ok(qos_class(&resources.requests, &resources.limits));
    }
    let containers = pod.spec.containers.iter().chain(&pod.spec.init_containers);
    Ok(qos_class_of_containers(containers.map(|c| (&c.resources.requests, &c.resources.limits))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AdmitInput {
    node_conditions_true: Vec<String>,
    pod: Pod,
}

fn kubelet_admit(input: &Value) -> Result<Value, EvalError> {
    let i: AdmitInput = parse_input(input)?;
    let conditions = i
        .node_conditions_true
        .iter()
        .map(|name| {
            Condition::parse(name).ok_or_else(|| {
                EvalError::Input(format!(
                    "unknown node condition {name:?} (expected MemoryPressure, DiskPressure or PIDPressure)"
                ))
            })
        })
        .collect::<Result<Vec<Condition>, EvalError>>()?;
    let view = AdmitPodView {
        annotations: &i.pod.metadata.annotations,
        priority: priority(&i.pod),
        qos: pod_qos(&i.pod)?,
        tolerations: &i.pod.spec.tolerations,
    };
    Ok(json!({ "admit": admit(&conditions, &view) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CriticalInput {
    pod: Pod,
}

fn kubelet_critical_pod(input: &Value) -> Result<Value, EvalError> {
    let i: CriticalInput = parse_input(input)?;
    Ok(json!({ "critical": is_critical(&i.pod.metadata.annotations, priority(&i.pod)) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RankedPod {
    pod: Pod,
    usage: ResourceList,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EvictionOrderInput {
    signal: String,
    threshold_type: String,
    pods: Vec<RankedPod>,
}

fn kubelet_eviction_order(input: &Value) -> Result<Value, EvalError> {
    let i: EvictionOrderInput = parse_input(input)?;
    let signal = Signal::parse(&i.signal)
        .ok_or_else(|| EvalError::Input(format!("unknown eviction signal {:?}", i.signal)))?;
    if signal.measure() != Measure::Memory {
        return Err(EvalError::Input(format!(
            "signal {signal}: the vector format gives pods' memory usage only, so only memory signals can be ranked"
        )));
    }
    let hard = match i.threshold_type.as_str() {
        "hard" => true,
        "soft" => {
            return Err(EvalError::Input(
                "a soft threshold needs evictionMaxPodGracePeriod, which the vector format does not carry"
                    .into(),
            ));
        }
        other => return Err(EvalError::Input(format!("thresholdType {other:?} is neither hard nor soft"))),
    };
    let views: Vec<UsageRankView> = i
        .pods
        .iter()
        .map(|p| UsageRankView {
            priority: priority(&p.pod),
            usage: p.usage.get("memory"),
            request: p.pod.summed_requests().get("memory"),
        })
        .collect();
    let order = rank_for_memory(&views);
    let name = |index: usize| i.pods[index].pod.metadata.name.clone();
    let victim = pick_victim(&order, |index| {
        let pod = &i.pods[index].pod;
        is_critical(&pod.metadata.annotations, priority(pod))
    });
    // A hard threshold's grace period does not depend on the evicted pod.
    let grace = victim.map(|_| eviction_grace_period_seconds(hard, 0, None));
    Ok(json!({
        "evictionOrder": order.iter().map(|&index| name(index)).collect::<Vec<_>>(),
        "evictedThisPass": victim.map(name),
        "gracePeriodSeconds": grace,
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DefaultsInput {
    os: String,
    kubernetes_version: String,
}

fn kubelet_eviction_defaults(input: &Value) -> Result<Value, EvalError> {
    let i: DefaultsInput = parse_input(input)?;
    let version = KubeVersion::parse(&i.kubernetes_version).map_err(EvalError::Input)?;
    let settings = EvictionSettings::defaults(Os::parse(&i.os), version);
    let eviction_hard: Map<String, Value> = settings
        .eviction_hard
        .iter()
        .map(|(signal, value)| (signal.to_string(), json!(value.to_string())))
        .collect();
    // Before 1.33 the setting does not exist; kubelets then behave as with `false`.
    let merge = settings.merge_default_eviction_settings && has_merge_default_eviction_settings(version);
    Ok(json!({
        "evictionHard": eviction_hard,
        "evictionPressureTransitionPeriodSeconds": settings.pressure_transition_period.as_secs(),
        "mergeDefaultEvictionSettings": merge,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reported_qos_class_wins_over_the_containers() {
        let pod: Pod = serde_json::from_value(json!({
            "spec": {"containers": [{"name": "c"}]},
            "status": {"qosClass": "Burstable"}
        }))
        .unwrap();
        assert_eq!(pod_qos(&pod).unwrap(), QosClass::Burstable);
    }

    #[test]
    fn pod_level_resources_win_over_the_containers() {
        let pod: Pod = serde_json::from_value(json!({
            "spec": {
                "resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                "containers": [{"name": "c"}]
            }
        }))
        .unwrap();
        assert_eq!(pod_qos(&pod).unwrap(), QosClass::Guaranteed);
    }

    #[test]
    fn an_init_container_request_makes_the_pod_burstable() {
        let pod: Pod = serde_json::from_value(json!({
            "spec": {
                "containers": [{"name": "c"}],
                "initContainers": [{"name": "i", "resources": {"requests": {"memory": "10Mi"}}}]
            }
        }))
        .unwrap();
        assert_eq!(pod_qos(&pod).unwrap(), QosClass::Burstable);
    }

    #[test]
    fn a_best_effort_pod_tolerating_only_disk_pressure_is_rejected_under_memory_pressure() {
        let input = json!({
            "nodeConditionsTrue": ["MemoryPressure"],
            "pod": {"spec": {"containers": [{"name": "c"}], "tolerations": [
                {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"}
            ]}}
        });
        assert_eq!(kubelet_admit(&input).unwrap(), json!({"admit": false}));
    }

    #[test]
    fn unknown_conditions_and_signals_are_input_errors() {
        let admit = json!({"nodeConditionsTrue": ["Ready"], "pod": {}});
        assert!(matches!(kubelet_admit(&admit), Err(EvalError::Input(_))));
        let order = json!({"signal": "cpu.available", "thresholdType": "hard", "pods": []});
        assert!(matches!(kubelet_eviction_order(&order), Err(EvalError::Input(_))));
    }

    #[test]
    fn when_every_pod_is_critical_nothing_is_evicted() {
        let input = json!({
            "signal": "memory.available",
            "thresholdType": "hard",
            "pods": [{
                "pod": {"metadata": {"name": "S", "annotations": {"kubernetes.io/config.source": "file"}}},
                "usage": {"memory": "1Gi"}
            }]
        });
        let got = kubelet_eviction_order(&input).unwrap();
        assert_eq!(got, json!({"evictionOrder": ["S"], "evictedThisPass": null, "gracePeriodSeconds": null}));
    }

    #[test]
    fn defaults_before_1_30_lack_imagefs_inodes_free() {
        let got = kubelet_eviction_defaults(&json!({"os": "linux", "kubernetesVersion": "1.29"})).unwrap();
        assert_eq!(got["evictionHard"].as_object().unwrap().len(), 4);
        assert_eq!(got["mergeDefaultEvictionSettings"], json!(false));
        let windows =
            kubelet_eviction_defaults(&json!({"os": "windows", "kubernetesVersion": "1.35"})).unwrap();
        assert_eq!(windows["evictionHard"]["memory.available"], json!("500Mi"));
    }
}
