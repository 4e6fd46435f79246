//! Evaluators for the controller checks: taint eviction (`noExecuteEviction`,
//! `minTolerationSeconds`), admission (`defaultTolerationSeconds`, `admissionOperations`), the
//! DaemonSet controller (`daemonSetTolerations`, `daemonSetShouldRun`, `daemonSetNodeSync`,
//! `daemonSetPodAffinity`), the node lifecycle controller (`nodeConditionTaints`, `zoneState`,
//! `zoneNoExecuteRate`, `nodeMonitorGrace`) and the ReplicaSet controller
//! (`replicaSetReplacement`).
//!
//! They translate a case's `input` into calls of the modules under
//! [`controllers`](crate::controllers) and the result back into the vector's form; the rules
//! themselves live in those modules, which the engine runs too.

use super::objects::{Node, Pod};
use super::{EvalError, Registry, json_equal, json_equal_within, parse_input};
use crate::controllers::admission::{self, DefaultTolerationSeconds, Operation};
use crate::controllers::daemonset::{
    self, DaemonPodState, ShouldRun, TemplateView, daemon_pod_tolerations, node_should_run, pinned_affinity,
};
use crate::controllers::node_lifecycle::{
    ConditionStatus, NodeConditions, RateFlags, ZoneState, ready_unknown_at, reconcile_no_execute_taints,
    reconcile_no_schedule_taints, zone_no_execute_rate, zone_state,
};
use crate::controllers::replicaset;
use crate::controllers::taint_eviction::{Action, TaintEvictionController, min_toleration_seconds};
use crate::model::pod::PodPhase;
use crate::model::{Affinity, Taint, TaintEffect, Toleration};
use crate::time::SimTime;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Registers this area's checks.
pub fn register(registry: &mut Registry) {
    registry
        .add("noExecuteEviction", no_execute_eviction)
        .add("minTolerationSeconds", min_toleration)
        .add("defaultTolerationSeconds", default_toleration_seconds)
        .add("admissionOperations", admission_operations)
        .add("daemonSetTolerations", daemon_set_tolerations)
        .add("daemonSetShouldRun", daemon_set_should_run)
        .add("daemonSetNodeSync", daemon_set_node_sync)
        .add("daemonSetPodAffinity", daemon_set_pod_affinity)
        .add_with_comparator("nodeConditionTaints", node_condition_taints, taint_lists_as_sets)
        .add("zoneState", zone_state_check)
        .add_with_comparator("zoneNoExecuteRate", zone_no_execute_rate_check, |want, got| {
            json_equal_within(want, got, 1e-9)
        })
        .add("nodeMonitorGrace", node_monitor_grace)
        .add("replicaSetReplacement", replica_set_replacement);
}

// ---------------------------------------------------------------------------------------------
// Shared translation helpers
// ---------------------------------------------------------------------------------------------

/// A span written as a JSON number of seconds (fractions allowed, millisecond resolution).
fn seconds(value: f64, what: &str) -> Result<Duration, EvalError> {
    if !value.is_finite() || value < 0.0 {
        return Err(EvalError::Input(format!(
            "{what} must be a non-negative number of seconds, not {value}"
        )));
    }
    Ok(Duration::from_millis((value * 1000.0).round() as u64))
}

/// An instant written as a JSON number of seconds since the start of the case.
fn instant(value: f64, what: &str) -> Result<SimTime, EvalError> {
    seconds(value, what).map(SimTime::from_duration)
}

/// An instant as the vectors write it: seconds, as a number.
fn seconds_value(t: SimTime) -> Value {
    if t.as_millis() % 1000 == 0 { json!(t.as_millis() / 1000) } else { json!(t.as_secs_f64()) }
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, EvalError> {
    serde_json::to_value(value).map_err(|e| EvalError::Rule(format!("cannot serialize the result: {e}")))
}

/// The list at `pointer` in `input` exactly as written (empty when absent).
fn written_list(input: &Value, pointer: &str) -> Vec<Value> {
    input.pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default()
}

/// A controller's resulting toleration list in the vectors' form. A toleration the controller
/// left as it was (same position, same value) is given back exactly as the case wrote it, so a
/// field written with its zero value (`"key": ""`) stays; every other one is serialized with
/// Kubernetes' field names, zero-valued fields left out.
fn tolerations_value(
    result: &[Toleration],
    written: &[Toleration],
    raw: &[Value],
) -> Result<Value, EvalError> {
    result
        .iter()
        .enumerate()
        .map(|(i, t)| match (written.get(i), raw.get(i)) {
            (Some(w), Some(r)) if w == t => Ok(r.clone()),
            _ => to_value(t),
        })
        .collect::<Result<Vec<Value>, EvalError>>()
        .map(Value::Array)
}

/// The decision's JSON form.
fn should_run_value(d: ShouldRun) -> Value {
    json!({ "shouldRun": d.should_run, "shouldContinueRunning": d.should_continue_running })
}

// ---------------------------------------------------------------------------------------------
// Taint eviction
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvictionInput {
    pod: Pod,
    timeline: Vec<TimelineEvent>,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase", deny_unknown_fields)]
enum TimelineEvent {
    NodeTaints { at_seconds: f64, node_name: String, taints: Vec<Taint> },
    PodCreated { at_seconds: f64 },
    PodBound { at_seconds: f64, node_name: String },
    PodTolerationsChanged { at_seconds: f64, tolerations: Vec<Toleration> },
}

impl TimelineEvent {
    fn at_seconds(&self) -> f64 {
        match self {
            TimelineEvent::NodeTaints { at_seconds, .. }
            | TimelineEvent::PodCreated { at_seconds }
            | TimelineEvent::PodBound { at_seconds, .. }
            | TimelineEvent::PodTolerationsChanged { at_seconds, .. } => *at_seconds,
        }
    }
}

fn no_execute_taints(taints: &[Taint]) -> Vec<&Taint> {
    taints.iter().filter(|t| t.effect == TaintEffect::NoExecute).collect()
}

/// Runs the taint-eviction controller over the timeline for the one pod. The controller is
/// woken by every change of a node's `NoExecute` taints (for the pod on it) and by every change
/// of the pod (creation, binding, tolerations) while it is scheduled; a deletion it schedules
/// fires at its time unless an event before then cancels it. A deletion due at the very instant
/// of an event fires first (it was scheduled earlier); the README promises no case needs this.
fn no_execute_eviction(input: &Value) -> Result<Value, EvalError> {
    let i: EvictionInput = parse_input(input)?;
    let key = format!("{}/{}", i.pod.metadata.namespace, i.pod.metadata.name);
    let mut exists = !i.timeline.iter().any(|e| matches!(e, TimelineEvent::PodCreated { .. }));
    let mut node_name = i.pod.spec.node_name.clone();
    let mut tolerations = i.pod.spec.tolerations.clone();
    let mut node_taints: BTreeMap<String, Vec<Taint>> = BTreeMap::new();
    let mut controller: TaintEvictionController<String> = TaintEvictionController::new();
    let mut last = SimTime::ZERO;

    for event in &i.timeline {
        let now = instant(event.at_seconds(), "atSeconds")?;
        if now < last {
            return Err(EvalError::Input("timeline times must not decrease".into()));
        }
        last = now;
        if let Some(due) = controller.pending_deadline(&key).filter(|&due| due <= now) {
            if controller.fire(due, &key) {
                return Ok(json!({ "evictAtSeconds": seconds_value(due) }));
            }
        }
        let reevaluate = match event {
            TimelineEvent::NodeTaints { node_name: node, taints, .. } => {
                let before = node_taints.insert(node.clone(), taints.clone());
                let changed = before.is_none_or(|old| no_execute_taints(&old) != no_execute_taints(taints));
                changed && exists && !node_name.is_empty() && *node == node_name
            }
            TimelineEvent::PodCreated { .. } => {
                exists = true;
                !node_name.is_empty()
            }
            TimelineEvent::PodBound { node_name: node, .. } => {
                if !exists {
                    return Err(EvalError::Input("podBound before podCreated".into()));
                }
                let changed = *node != node_name;
                node_name = node.clone();
                changed && !node_name.is_empty()
            }
            TimelineEvent::PodTolerationsChanged { tolerations: new, .. } => {
                let changed = *new != tolerations;
                tolerations = new.clone();
                changed && exists && !node_name.is_empty()
            }
        };
        if reevaluate {
            let taints = node_taints.get(&node_name).map(Vec::as_slice).unwrap_or_default();
            if controller.process(now, &key, taints, &tolerations) == Action::DeleteNow {
                return Ok(json!({ "evictAtSeconds": seconds_value(now) }));
            }
        }
    }
    // Nothing changes after the last event: a pending deletion fires at its time.
    let evicted = controller.pending_deadline(&key).filter(|&due| controller.fire(due, &key));
    Ok(json!({ "evictAtSeconds": evicted.map_or(Value::Null, seconds_value) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MinTolerationInput {
    used_toleration_seconds: Vec<Option<i64>>,
}

fn min_toleration(input: &Value) -> Result<Value, EvalError> {
    let i: MinTolerationInput = parse_input(input)?;
    Ok(json!({ "minTolerationSeconds": min_toleration_seconds(&i.used_toleration_seconds) }))
}

// ---------------------------------------------------------------------------------------------
// Admission
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultTolerationFlags {
    #[serde(rename = "default-not-ready-toleration-seconds")]
    not_ready: i64,
    #[serde(rename = "default-unreachable-toleration-seconds")]
    unreachable: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultTolerationInput {
    operation: String,
    pod: Pod,
    flags: DefaultTolerationFlags,
}

fn operation(name: &str) -> Result<Operation, EvalError> {
    Operation::parse(name).ok_or_else(|| EvalError::Input(format!("unknown operation {name:?}")))
}

fn default_toleration_seconds(input: &Value) -> Result<Value, EvalError> {
    let i: DefaultTolerationInput = parse_input(input)?;
    let op = operation(&i.operation)?;
    let written = &i.pod.spec.tolerations;
    let plugin = DefaultTolerationSeconds {
        not_ready_seconds: i.flags.not_ready,
        unreachable_seconds: i.flags.unreachable,
    };
    let result = if admission::handles(op) { plugin.admit(written) } else { written.clone() };
    let raw = written_list(input, "/pod/spec/tolerations");
    Ok(json!({ "tolerations": tolerations_value(&result, written, &raw)? }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdmissionOperationsInput {
    plugin: String,
}

fn admission_operations(input: &Value) -> Result<Value, EvalError> {
    let i: AdmissionOperationsInput = parse_input(input)?;
    if i.plugin != "DefaultTolerationSeconds" {
        return Err(EvalError::Rule(format!("taintsim does not model the admission plugin {:?}", i.plugin)));
    }
    let operations: serde_json::Map<String, Value> = Operation::ALL
        .into_iter()
        .map(|op| (op.as_str().to_string(), json!(admission::handles(op))))
        .collect();
    Ok(json!({ "operations": operations }))
}

// ---------------------------------------------------------------------------------------------
// DaemonSet controller
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateInput {
    template: Pod,
}

fn daemon_set_tolerations(input: &Value) -> Result<Value, EvalError> {
    let i: TemplateInput = parse_input(input)?;
    let written = &i.template.spec.tolerations;
    let result = daemon_pod_tolerations(written, i.template.spec.host_network);
    let raw = written_list(input, "/template/spec/tolerations");
    Ok(json!({ "tolerations": tolerations_value(&result, written, &raw)? }))
}

/// The controller's decision for `node` with the DaemonSet pod template `template`.
fn should_run(node: &Node, template: &Pod) -> ShouldRun {
    let spec = &template.spec;
    let tolerations = daemon_pod_tolerations(&spec.tolerations, spec.host_network);
    let view = TemplateView {
        node_name: Some(spec.node_name.as_str()).filter(|n| !n.is_empty()),
        node_selector: &spec.node_selector,
        affinity: spec.affinity.as_ref(),
        tolerations: &tolerations,
    };
    node_should_run(&node.metadata.name, &node.metadata.labels, &node.spec.taints, &view)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShouldRunInput {
    node: Node,
    template: Pod,
}

fn daemon_set_should_run(input: &Value) -> Result<Value, EvalError> {
    let i: ShouldRunInput = parse_input(input)?;
    Ok(should_run_value(should_run(&i.node, &i.template)))
}

/// The parts of a daemon pod one node sync looks at.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DaemonPod {
    metadata: DaemonPodMeta,
    status: DaemonPodStatus,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct DaemonPodMeta {
    deletion_timestamp: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DaemonPodStatus {
    phase: Option<String>,
}

impl DaemonPod {
    fn state(&self) -> Result<DaemonPodState, EvalError> {
        let phase = match self.status.phase.as_deref() {
            None | Some("") => PodPhase::Pending,
            Some(p) => {
                PodPhase::parse(p).ok_or_else(|| EvalError::Input(format!("unknown pod phase {p:?}")))?
            }
        };
        Ok(DaemonPodState::classify(self.metadata.deletion_timestamp.is_some(), phase))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct NodeSyncInput {
    #[allow(dead_code, reason = "no part of one node sync depends on the age of anything")]
    now: String,
    node: Node,
    template: Pod,
    daemon_pods: Vec<DaemonPod>,
}

fn daemon_set_node_sync(input: &Value) -> Result<Value, EvalError> {
    let i: NodeSyncInput = parse_input(input)?;
    let states = i.daemon_pods.iter().map(DaemonPod::state).collect::<Result<Vec<_>, _>>()?;
    let plan = daemonset::node_sync(should_run(&i.node, &i.template), &states);
    Ok(json!({ "creates": plan.creates, "deletes": plan.deletes.len() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AffinityTemplateSpec {
    #[serde(default)]
    affinity: Option<Affinity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AffinityTemplate {
    spec: AffinityTemplateSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PodAffinityInput {
    template: AffinityTemplate,
    node_name: String,
}

/// The controller creates the pod unbound (the scheduler binds it, as in the engine) with its
/// affinity pinned to the node.
fn daemon_set_pod_affinity(input: &Value) -> Result<Value, EvalError> {
    let i: PodAffinityInput = parse_input(input)?;
    let affinity = pinned_affinity(i.template.spec.affinity.as_ref(), &i.node_name);
    Ok(json!({ "spec": { "affinity": to_value(&affinity)?, "nodeName": "" } }))
}

// ---------------------------------------------------------------------------------------------
// Node lifecycle controller
// ---------------------------------------------------------------------------------------------

/// The conditions of a node as the controller reads them; a condition that is absent is not
/// set (only `Ready` must be there).
fn node_conditions(node: &Node) -> Result<NodeConditions, EvalError> {
    let mut c = NodeConditions {
        ready: ConditionStatus::False,
        memory_pressure: ConditionStatus::False,
        disk_pressure: ConditionStatus::False,
        pid_pressure: ConditionStatus::False,
        network_unavailable: ConditionStatus::False,
    };
    let mut ready = false;
    for cond in &node.status.conditions {
        let status = ConditionStatus::parse(&cond.status).ok_or_else(|| {
            EvalError::Input(format!("condition {} has status {:?}", cond.kind, cond.status))
        })?;
        let slot = match cond.kind.as_str() {
            "Ready" => {
                ready = true;
                &mut c.ready
            }
            "MemoryPressure" => &mut c.memory_pressure,
            "DiskPressure" => &mut c.disk_pressure,
            "PIDPressure" => &mut c.pid_pressure,
            "NetworkUnavailable" => &mut c.network_unavailable,
            _ => continue,
        };
        *slot = status;
    }
    if !ready {
        return Err(EvalError::Input("the node has no Ready condition".into()));
    }
    Ok(c)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeInput {
    node: Node,
}

fn node_condition_taints(input: &Value) -> Result<Value, EvalError> {
    let i: NodeInput = parse_input(input)?;
    let conditions = node_conditions(&i.node)?;
    let mut taints = i.node.spec.taints.clone();
    reconcile_no_schedule_taints(&mut taints, &conditions, i.node.spec.unschedulable);
    reconcile_no_execute_taints(&mut taints, conditions.ready);
    let with_effect =
        |effect: TaintEffect| -> Vec<&Taint> { taints.iter().filter(|t| t.effect == effect).collect() };
    Ok(json!({
        "noScheduleTaints": to_value(&with_effect(TaintEffect::NoSchedule))?,
        "noExecuteTaints": to_value(&with_effect(TaintEffect::NoExecute))?,
    }))
}

/// A list of taints as a set of (key, value, effect), or `None` when it is not a taint list.
fn taint_set(value: &Value) -> Option<BTreeSet<(String, String, TaintEffect)>> {
    let taints: Vec<Taint> = serde_json::from_value(value.clone()).ok()?;
    Some(taints.into_iter().map(|t| (t.key, t.value, t.effect)).collect())
}

/// `nodeConditionTaints` compares its two taint lists as sets of (key, value, effect); any
/// other member as JSON.
fn taint_lists_as_sets(expected: &Value, actual: &Value) -> bool {
    let (Value::Object(want), Value::Object(got)) = (expected, actual) else {
        return json_equal(expected, actual);
    };
    want.len() == got.len()
        && want.iter().all(|(k, w)| {
            got.get(k).is_some_and(|g| match (k.as_str(), taint_set(w), taint_set(g)) {
                ("noScheduleTaints" | "noExecuteTaints", Some(a), Some(b)) => a == b,
                _ => json_equal(w, g),
            })
        })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZoneStateFlags {
    #[serde(rename = "unhealthy-zone-threshold")]
    unhealthy_zone_threshold: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ZoneStateInput {
    ready_nodes: u32,
    not_ready_nodes: u32,
    flags: ZoneStateFlags,
}

fn zone_state_check(input: &Value) -> Result<Value, EvalError> {
    let i: ZoneStateInput = parse_input(input)?;
    let state = zone_state(i.ready_nodes, i.not_ready_nodes, i.flags.unhealthy_zone_threshold);
    Ok(json!({ "state": state.as_str() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RateFlagsInput {
    #[serde(rename = "node-eviction-rate")]
    node_eviction_rate: f64,
    #[serde(rename = "secondary-node-eviction-rate")]
    secondary_node_eviction_rate: f64,
    #[serde(rename = "large-cluster-size-threshold")]
    large_cluster_size_threshold: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ZoneRateInput {
    zone_state: String,
    zone_size: u32,
    all_zones_fully_disrupted: bool,
    flags: RateFlagsInput,
}

fn zone_no_execute_rate_check(input: &Value) -> Result<Value, EvalError> {
    let i: ZoneRateInput = parse_input(input)?;
    let state = ZoneState::parse(&i.zone_state)
        .ok_or_else(|| EvalError::Input(format!("unknown zone state {:?}", i.zone_state)))?;
    let flags = RateFlags {
        node_eviction_rate: i.flags.node_eviction_rate,
        secondary_node_eviction_rate: i.flags.secondary_node_eviction_rate,
        large_cluster_size_threshold: i.flags.large_cluster_size_threshold,
    };
    let (qps, remove) = zone_no_execute_rate(state, i.zone_size, i.all_zones_fully_disrupted, &flags);
    Ok(json!({ "noExecuteTaintQPS": qps, "removeNotReadyUnreachableNoExecuteTaints": remove }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonitorFlags {
    #[serde(rename = "node-monitor-period")]
    period: f64,
    #[serde(rename = "node-monitor-grace-period")]
    grace: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct MonitorGraceInput {
    last_heartbeat_seconds: f64,
    flags: MonitorFlags,
}

fn node_monitor_grace(input: &Value) -> Result<Value, EvalError> {
    let i: MonitorGraceInput = parse_input(input)?;
    let period = seconds(i.flags.period, "node-monitor-period")?;
    if period.is_zero() {
        return Err(EvalError::Input("node-monitor-period must be positive".into()));
    }
    let grace = seconds(i.flags.grace, "node-monitor-grace-period")?;
    let heartbeat = instant(i.last_heartbeat_seconds, "lastHeartbeatSeconds")?;
    Ok(json!({ "readyUnknownAtSeconds": seconds_value(ready_unknown_at(heartbeat, period, grace)) }))
}

// ---------------------------------------------------------------------------------------------
// ReplicaSet controller
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplicaSetSpec {
    replicas: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReplicaSetObject {
    spec: ReplicaSetSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ReplicaSetEvent {
    at_seconds: f64,
    #[allow(dead_code, reason = "the pods of the case are interchangeable")]
    pod_name: String,
    #[serde(rename = "type")]
    kind: String,
    #[allow(dead_code, reason = "the replacement does not wait for the old pod to go")]
    termination_grace_period_seconds: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ReplicaSetInput {
    replica_set: ReplicaSetObject,
    event: ReplicaSetEvent,
}

/// One pod as the ReplicaSet controller sees it.
#[derive(Clone, Copy)]
struct ReplicaPod {
    terminating: bool,
    phase: PodPhase,
}

/// The ReplicaSet starts with `replicas` running pods; the event changes one of them and the
/// controller, reacting with zero latency, syncs at the event's instant.
fn replica_set_replacement(input: &Value) -> Result<Value, EvalError> {
    let i: ReplicaSetInput = parse_input(input)?;
    let replicas = i.replica_set.spec.replicas;
    if replicas == 0 {
        return Err(EvalError::Input("a ReplicaSet with 0 replicas has no pod to lose".into()));
    }
    let at = instant(i.event.at_seconds, "atSeconds")?;
    let mut pods = vec![ReplicaPod { terminating: false, phase: PodPhase::Running }; replicas as usize];
    match i.event.kind.as_str() {
        "deletionTimestampSet" => pods[0].terminating = true,
        "phaseFailed" => pods[0].phase = PodPhase::Failed,
        other => return Err(EvalError::Input(format!("unknown event type {other:?}"))),
    }
    let active = pods.iter().filter(|p| replicaset::is_active(p.terminating, p.phase)).count() as u32;
    let created = (replicaset::replacements_needed(replicas, active) > 0).then_some(at);
    Ok(json!({
        "replacementCreatedAtSeconds": created.map_or(Value::Null, seconds_value),
        "activeReplicasAfterEvent": active,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eviction(pod_tolerations: Value, timeline: Value) -> Value {
        let input = json!({
            "pod": {"metadata": {"name": "p", "namespace": "ns"}, "spec": {"nodeName": "n1", "tolerations": pod_tolerations}},
            "timeline": timeline,
        });
        no_execute_eviction(&input).unwrap()["evictAtSeconds"].clone()
    }

    fn no_execute(key: &str) -> Value {
        json!({"key": key, "effect": "NoExecute"})
    }

    #[test]
    fn a_pending_deletion_fires_between_events_and_ends_the_run() {
        let tols =
            json!([{"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]);
        let timeline = json!([
            {"atSeconds": 0, "type": "nodeTaints", "nodeName": "n1", "taints": [no_execute("a")]},
            {"atSeconds": 40, "type": "nodeTaints", "nodeName": "n1", "taints": []},
        ]);
        assert_eq!(eviction(tols, timeline), json!(30));
    }

    #[test]
    fn taints_of_other_nodes_and_other_effects_do_not_wake_the_controller() {
        let tols =
            json!([{"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}]);
        let timeline = json!([
            {"atSeconds": 0, "type": "nodeTaints", "nodeName": "n2", "taints": [no_execute("b")]},
            {"atSeconds": 5, "type": "nodeTaints", "nodeName": "n1", "taints": [no_execute("a")]},
            {"atSeconds": 10, "type": "nodeTaints", "nodeName": "n1",
             "taints": [no_execute("a"), {"key": "c", "effect": "NoSchedule"}]},
        ]);
        assert_eq!(eviction(tols, timeline), json!(35));
    }

    #[test]
    fn a_pod_created_later_is_not_there_before() {
        let input = json!({
            "pod": {"metadata": {"name": "p"}, "spec": {"nodeName": "n1"}},
            "timeline": [
                {"atSeconds": 0, "type": "nodeTaints", "nodeName": "n1", "taints": [no_execute("a")]},
                {"atSeconds": 0, "type": "nodeTaints", "nodeName": "n1", "taints": []},
                {"atSeconds": 2.5, "type": "podCreated"},
                {"atSeconds": 3, "type": "nodeTaints", "nodeName": "n1", "taints": [no_execute("a")]},
            ],
        });
        assert_eq!(no_execute_eviction(&input).unwrap(), json!({"evictAtSeconds": 3}));
    }

    #[test]
    fn unchanged_tolerations_keep_their_written_form() {
        let input = json!({"template": {"spec": {"tolerations": [{"key": "", "operator": "Exists"}]}}});
        let out = daemon_set_tolerations(&input).unwrap();
        assert_eq!(out["tolerations"][0], json!({"key": "", "operator": "Exists"}));
        assert_eq!(
            out["tolerations"][1],
            json!({"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"})
        );
    }

    #[test]
    fn taint_lists_compare_as_sets_with_values() {
        let a = json!({"noScheduleTaints": [{"key": "x", "effect": "NoSchedule"}, {"key": "y", "value": "1", "effect": "NoSchedule"}], "noExecuteTaints": []});
        let b = json!({"noScheduleTaints": [{"key": "y", "value": "1", "effect": "NoSchedule"}, {"key": "x", "value": "", "effect": "NoSchedule"}], "noExecuteTaints": []});
        assert!(taint_lists_as_sets(&a, &b));
        let c = json!({"noScheduleTaints": [{"key": "y", "effect": "NoSchedule"}, {"key": "x", "effect": "NoSchedule"}], "noExecuteTaints": []});
        assert!(!taint_lists_as_sets(&a, &c));
    }
}
