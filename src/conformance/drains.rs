//! Evaluators for the drain and disruption checks: `drainPlan`, `skipDeletedFilter`,
//! `pdbStatus` and `evictionRequest`.
//!
//! They turn the vectors' Kubernetes objects into the views of
//! [`controllers::drain`](crate::controllers::drain) and
//! [`controllers::disruption`](crate::controllers::disruption), call the rule code there, and
//! write the answer back in the vectors' form. Timestamps are RFC 3339 UTC strings; ages are
//! measured against the case's `input.now`.

use super::objects::Node;
use super::{EvalError, Registry, parse_input};
use crate::controllers::disruption::{
    self, BudgetPodView, BudgetRule, BudgetView, EvictionPodView, IntOrPercent, LabelSelector,
    SelectorOperator, SelectorRequirement, UnhealthyPodEvictionPolicy,
};
use crate::controllers::drain::cluster_autoscaler::ClusterAutoscalerOptions;
use crate::controllers::drain::kubectl::KubectlOptions;
use crate::controllers::drain::skip_deleted::skip_deleted;
use crate::controllers::drain::{
    Action, DrainPlan, DrainPodView, Drainer, EvictionReaction, OwnedDrainPod, OwnerReference, PodDecision,
    RestartPolicy, Volume, VolumeSource, cluster_api, cluster_autoscaler, karpenter, kubectl,
};
use crate::controllers::node_lifecycle::ConditionStatus;
use crate::model::Toleration;
use crate::model::pod::PodPhase;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

/// Registers this area's checks.
pub fn register(registry: &mut Registry) {
    registry
        .add("drainPlan", drain_plan)
        .add("skipDeletedFilter", skip_deleted_filter)
        .add("pdbStatus", pdb_status)
        .add("evictionRequest", eviction_request);
}

// ---------------------------------------------------------------------------------------------
// Timestamps
// ---------------------------------------------------------------------------------------------

/// An instant as nanoseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Timestamp(i128);

/// Days from 1970-01-01 to the given proleptic Gregorian date. Years are counted from March so
/// that the leap day ends a year; 400-year eras repeat exactly (146 097 days).
fn days_since_epoch(year: i64, month: u32, day: u32) -> i64 {
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Reads `YYYY-MM-DDTHH:MM:SSZ`, optionally with a fraction of 1 to 9 digits before the `Z`.
/// Offsets other than `Z`, lower-case separators, leap seconds and out-of-range fields are
/// rejected.
fn parse_timestamp(text: &str, what: &str) -> Result<Timestamp, EvalError> {
    let bad = |why: &str| {
        EvalError::Input(format!(
            "{what}: {text:?} is not a UTC RFC 3339 timestamp of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z ({why})"
        ))
    };
    let b = text.as_bytes();
    if b.len() < 20 {
        return Err(bad("too short"));
    }
    let digits = |range: std::ops::Range<usize>| -> Result<u32, EvalError> {
        let part = &b[range];
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
        } else {
            Err(bad("a digit is expected"))
        }
    };
    for (i, sep) in [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')] {
        if b[i] != sep {
            return Err(bad(&format!("{:?} expected at position {}", sep as char, i + 1)));
        }
    }
    let year = i64::from(digits(0..4)?);
    let month = digits(5..7)?;
    let day = digits(8..10)?;
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return Err(bad("no such date"));
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err(bad("no such time of day"));
    }
    let rest = &b[19..];
    let (fraction, zone) = match rest.first() {
        Some(b'.') => {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return Err(bad("the fraction needs 1 to 9 digits"));
            }
            let value = digits(20..20 + n)?;
            (i128::from(value) * 10i128.pow(9 - n as u32), &rest[1 + n..])
        }
        _ => (0, rest),
    };
    if zone != b"Z" {
        return Err(bad("it must end in Z"));
    }
    let seconds = days_since_epoch(year, month, day) * 86_400
        + i64::from(hour) * 3600
        + i64::from(minute) * 60
        + i64::from(second);
    Ok(Timestamp(i128::from(seconds) * 1_000_000_000 + fraction))
}

/// How long before `now` the instant `then` was; zero when `then` is later.
fn age(now: Timestamp, then: Timestamp) -> Duration {
    let nanos = (now.0 - then.0).max(0);
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    Duration::new(secs, (nanos % 1_000_000_000) as u32)
}

/// The age of an optional timestamp field.
fn optional_age(now: Timestamp, field: &Option<String>, what: &str) -> Result<Option<Duration>, EvalError> {
    field.as_deref().map(|t| parse_timestamp(t, what).map(|then| age(now, then))).transpose()
}

// ---------------------------------------------------------------------------------------------
// Kubernetes objects
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct OwnerRef {
    api_version: String,
    kind: String,
    name: String,
    controller: bool,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PodMeta {
    name: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    owner_references: Vec<OwnerRef>,
    deletion_timestamp: Option<String>,
    creation_timestamp: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EmptyDir {
    medium: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct VolumeObject {
    name: String,
    empty_dir: Option<EmptyDir>,
    host_path: Option<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PodSpec {
    volumes: Vec<VolumeObject>,
    priority_class_name: String,
    restart_policy: String,
    termination_grace_period_seconds: Option<i64>,
    tolerations: Vec<Toleration>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Condition {
    #[serde(rename = "type")]
    kind: String,
    status: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PodStatus {
    phase: String,
    conditions: Vec<Condition>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PodObject {
    metadata: PodMeta,
    spec: PodSpec,
    status: PodStatus,
}

impl PodObject {
    /// The Ready condition is `True`.
    fn ready(&self) -> bool {
        self.status.conditions.iter().any(|c| c.kind == "Ready" && c.status == "True")
    }

    /// The controller reference, as upstream finds it.
    fn controller(&self) -> Option<&OwnerRef> {
        self.metadata.owner_references.iter().find(|o| o.controller)
    }
}

/// `status.phase`: `None` when not set; an unknown value is an input error.
fn phase(written: &str) -> Result<Option<PodPhase>, EvalError> {
    if written.is_empty() {
        return Ok(None);
    }
    PodPhase::parse(written)
        .map(Some)
        .ok_or_else(|| EvalError::Input(format!("unknown pod phase {written:?}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ObjectName {
    name: String,
    namespace: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ControllerSpec {
    replicas: Option<i32>,
}

/// An entry of `controllers`: an object that exists.
#[derive(Deserialize)]
struct ControllerObject {
    kind: String,
    metadata: ObjectName,
    #[serde(default)]
    spec: ControllerSpec,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Requirement {
    key: String,
    operator: String,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SelectorObject {
    match_labels: BTreeMap<String, String>,
    match_expressions: Vec<Requirement>,
}

impl SelectorObject {
    fn to_selector(&self) -> Result<LabelSelector, EvalError> {
        let match_expressions = self
            .match_expressions
            .iter()
            .map(|r| {
                let operator = SelectorOperator::parse(&r.operator).ok_or_else(|| {
                    EvalError::Input(format!("unknown label selector operator {:?}", r.operator))
                })?;
                Ok(SelectorRequirement {
                    key: r.key.clone(),
                    operator,
                    values: r.values.iter().cloned().collect(),
                })
            })
            .collect::<Result<Vec<_>, EvalError>>()?;
        Ok(LabelSelector { match_labels: self.match_labels.clone(), match_expressions })
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DrainBudgetSpec {
    selector: Option<SelectorObject>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct DrainBudgetStatus {
    disruptions_allowed: i32,
}

/// A PodDisruptionBudget as `drainPlan` writes it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct DrainBudget {
    metadata: ObjectName,
    spec: DrainBudgetSpec,
    status: DrainBudgetStatus,
}

// ---------------------------------------------------------------------------------------------
// drainPlan
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DrainPlanInput {
    drainer: String,
    options: Value,
    now: String,
    node: Node,
    pods: Vec<PodObject>,
    pods_arriving_later: Vec<PodObject>,
    controllers: Vec<ControllerObject>,
    pod_disruption_budgets: Vec<DrainBudget>,
    eviction_response: String,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct KubectlFlags {
    force: bool,
    ignore_daemonsets: bool,
    delete_emptydir_data: bool,
    skip_wait_for_delete_timeout: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct AutoscalerFlags {
    #[serde(default = "yes")]
    skip_nodes_with_system_pods: bool,
    #[serde(default = "yes")]
    skip_nodes_with_local_storage: bool,
    #[serde(default = "yes")]
    skip_nodes_with_custom_controller_pods: bool,
    #[serde(default)]
    min_replica_count: i32,
    #[serde(default)]
    blocking_system_pod_distruption_timeout: Option<f64>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoFlags {}

/// A non-negative number of seconds.
fn seconds(value: f64, what: &str) -> Result<Duration, EvalError> {
    if !value.is_finite() || value < 0.0 {
        return Err(EvalError::Input(format!(
            "{what} must be a non-negative number of seconds, not {value}"
        )));
    }
    Ok(Duration::from_secs_f64(value))
}

/// The Eviction API's answers for one pod under `evictionResponse`, in order.
fn eviction_answers(response: &str) -> Result<&'static [u16], EvalError> {
    match response {
        "Allowed" => Ok(&[201]),
        "TooManyRequestsThenAllowed" => Ok(&[429, 201]),
        "Error" => Ok(&[500]),
        other => Err(EvalError::Input(format!(
            "unknown evictionResponse {other:?} (expected Allowed, TooManyRequestsThenAllowed or Error)"
        ))),
    }
}

/// Whether kubectl's eviction of one pod ends in a failure, given the answers it gets in turn.
/// With no `--timeout` a 429 is retried until another answer comes.
fn kubectl_eviction_fails(answers: &[u16], options: &KubectlOptions) -> bool {
    for &status in answers {
        match kubectl::eviction_reaction(status, options) {
            EvictionReaction::Done => return false,
            EvictionReaction::Fail => return true,
            EvictionReaction::RetryAfter(_) => {}
        }
    }
    false
}

/// A vector's pod turned into what drainers read.
fn pod_data(
    pod: &PodObject,
    now: Timestamp,
    controllers: &[ControllerObject],
) -> Result<OwnedDrainPod, EvalError> {
    let meta = &pod.metadata;
    let found = pod.controller().and_then(|c| {
        controllers
            .iter()
            .find(|o| o.kind == c.kind && o.metadata.name == c.name && o.metadata.namespace == meta.namespace)
    });
    let volumes = pod
        .spec
        .volumes
        .iter()
        .map(|v| {
            let source = match (&v.empty_dir, &v.host_path) {
                (Some(e), _) => VolumeSource::EmptyDir { medium: e.medium.clone() },
                (None, Some(_)) => VolumeSource::HostPath,
                (None, None) => VolumeSource::Other,
            };
            Volume { name: v.name.clone(), source }
        })
        .collect();
    let restart_policy = match pod.spec.restart_policy.as_str() {
        "" => RestartPolicy::Always,
        other => RestartPolicy::parse(other)
            .ok_or_else(|| EvalError::Input(format!("unknown restartPolicy {other:?}")))?,
    };
    let termination_grace_period =
        pod.spec.termination_grace_period_seconds.map(|s| Duration::from_secs(u64::try_from(s).unwrap_or(0)));
    Ok(OwnedDrainPod {
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        labels: meta.labels.clone(),
        annotations: meta.annotations.clone(),
        owners: meta
            .owner_references
            .iter()
            .map(|o| OwnerReference {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                name: o.name.clone(),
                controller: o.controller,
            })
            .collect(),
        controller_exists: found.is_some(),
        controller_replicas: found.and_then(|c| c.spec.replicas),
        volumes,
        // The API server sets Pending on creation, so a missing phase is Pending.
        phase: phase(&pod.status.phase)?.unwrap_or(PodPhase::Pending),
        deleted_for: optional_age(now, &meta.deletion_timestamp, "metadata.deletionTimestamp")?,
        age: optional_age(now, &meta.creation_timestamp, "metadata.creationTimestamp")?,
        priority_class_name: pod.spec.priority_class_name.clone(),
        restart_policy,
        termination_grace_period,
        tolerations: pod.spec.tolerations.clone(),
    })
}

/// The node's Ready condition (`False` when it has none, which is never "unreachable").
fn node_ready(node: &Node) -> Result<ConditionStatus, EvalError> {
    match node.status.conditions.iter().find(|c| c.kind == "Ready") {
        None => Ok(ConditionStatus::False),
        Some(c) => ConditionStatus::parse(&c.status)
            .ok_or_else(|| EvalError::Input(format!("unknown Ready condition status {:?}", c.status))),
    }
}

/// `status.disruptionsAllowed` of every budget that matches `pod`.
fn matching_budgets(pod: &DrainPodView<'_>, budgets: &[(String, Option<LabelSelector>, i32)]) -> Vec<i32> {
    budgets
        .iter()
        .filter(|(namespace, selector, _)| {
            namespace == pod.namespace && disruption::selects(selector.as_ref(), pod.labels)
        })
        .map(|(_, _, allowed)| *allowed)
        .collect()
}

fn decision_value(d: PodDecision) -> Value {
    json!({ "action": d.action.as_str(), "tier": d.tier.map(|t| t.number()) })
}

fn drain_plan(input: &Value) -> Result<Value, EvalError> {
    let i: DrainPlanInput = parse_input(input)?;
    let drainer = Drainer::parse(&i.drainer).ok_or_else(|| {
        EvalError::Input(format!(
            "unknown drainer {:?} (expected kubectl, cluster-api, karpenter or cluster-autoscaler)",
            i.drainer
        ))
    })?;
    let now = parse_timestamp(&i.now, "now")?;
    let answers = eviction_answers(&i.eviction_response)?;

    let mut seen = HashSet::new();
    for pod in i.pods.iter().chain(&i.pods_arriving_later) {
        if !seen.insert(pod.metadata.name.as_str()) {
            return Err(EvalError::Input(format!("pod name {:?} appears twice", pod.metadata.name)));
        }
    }
    let listed: Vec<OwnedDrainPod> =
        i.pods.iter().map(|p| pod_data(p, now, &i.controllers)).collect::<Result<_, _>>()?;
    let later: Vec<OwnedDrainPod> =
        i.pods_arriving_later.iter().map(|p| pod_data(p, now, &i.controllers)).collect::<Result<_, _>>()?;

    let (plan, later_decisions): (DrainPlan, Vec<PodDecision>) = match drainer {
        Drainer::Kubectl => {
            let flags: KubectlFlags = parse_input(&i.options)?;
            let options = KubectlOptions {
                force: flags.force,
                ignore_daemonsets: flags.ignore_daemonsets,
                delete_emptydir_data: flags.delete_emptydir_data,
                skip_wait_for_delete_timeout: Duration::from_secs(
                    u64::try_from(flags.skip_wait_for_delete_timeout).unwrap_or(0),
                ),
                ..KubectlOptions::default()
            };
            let views: Vec<DrainPodView<'_>> = listed.iter().map(OwnedDrainPod::view).collect();
            let mut plan = kubectl::plan(&views, &options);
            if !plan.fails && plan.evicts_any() && kubectl_eviction_fails(answers, &options) {
                plan.fails = true;
            }
            // kubectl lists the node once: later pods are never seen.
            (plan, vec![PodDecision::of(Action::Skip); later.len()])
        }
        other => {
            let all: Vec<DrainPodView<'_>> = listed.iter().chain(&later).map(OwnedDrainPod::view).collect();
            let plan = match other {
                Drainer::ClusterApi => {
                    let _: NoFlags = parse_input(&i.options)?;
                    cluster_api::plan(&all, node_ready(&i.node)?)
                }
                Drainer::Karpenter => {
                    let _: NoFlags = parse_input(&i.options)?;
                    karpenter::plan(&all)
                }
                _ => {
                    let flags: AutoscalerFlags = parse_input(&i.options)?;
                    let mut options = ClusterAutoscalerOptions {
                        skip_nodes_with_system_pods: flags.skip_nodes_with_system_pods,
                        skip_nodes_with_local_storage: flags.skip_nodes_with_local_storage,
                        skip_nodes_with_custom_controller_pods: flags.skip_nodes_with_custom_controller_pods,
                        min_replica_count: flags.min_replica_count,
                        ..ClusterAutoscalerOptions::default()
                    };
                    if let Some(t) = flags.blocking_system_pod_distruption_timeout {
                        options.system_pod_timeout = seconds(t, "blocking-system-pod-distruption-timeout")?;
                    }
                    let budgets = i
                        .pod_disruption_budgets
                        .iter()
                        .map(|b| {
                            let selector =
                                b.spec.selector.as_ref().map(SelectorObject::to_selector).transpose()?;
                            Ok((b.metadata.namespace.clone(), selector, b.status.disruptions_allowed))
                        })
                        .collect::<Result<Vec<_>, EvalError>>()?;
                    let per_pod: Vec<Vec<i32>> = all.iter().map(|p| matching_budgets(p, &budgets)).collect();
                    cluster_autoscaler::plan(&all, &options, &per_pod)
                }
            };
            let mut decisions = plan.decisions.clone();
            let later_decisions = decisions.split_off(listed.len());
            (DrainPlan { decisions, ..plan }, later_decisions)
        }
    };
    debug_assert_eq!(plan.cordons, drainer.cordons());

    let mut pods = Map::new();
    for (data, decision) in listed.iter().zip(&plan.decisions).chain(later.iter().zip(&later_decisions)) {
        pods.insert(data.name.clone(), decision_value(*decision));
    }
    Ok(json!({ "nodeCordoned": plan.cordons, "drainFails": plan.fails, "pods": pods }))
}

// ---------------------------------------------------------------------------------------------
// skipDeletedFilter
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SkipDeletedInput {
    now: String,
    skip_wait_for_delete_timeout_seconds: i64,
    pod: PodObject,
}

fn skip_deleted_filter(input: &Value) -> Result<Value, EvalError> {
    let i: SkipDeletedInput = parse_input(input)?;
    let now = parse_timestamp(&i.now, "now")?;
    let deleted_for = optional_age(now, &i.pod.metadata.deletion_timestamp, "metadata.deletionTimestamp")?;
    let timeout = Duration::from_secs(u64::try_from(i.skip_wait_for_delete_timeout_seconds).unwrap_or(0));
    Ok(json!({ "skip": skip_deleted(deleted_for, timeout) }))
}

// ---------------------------------------------------------------------------------------------
// pdbStatus
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct BudgetSpecInput {
    min_available: Option<Value>,
    max_unavailable: Option<Value>,
}

#[derive(Deserialize)]
struct StatusBudgetInput {
    spec: BudgetSpecInput,
}

#[derive(Deserialize)]
struct StatusControllerSpec {
    replicas: i32,
}

#[derive(Deserialize)]
struct StatusController {
    spec: StatusControllerSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PdbStatusInput {
    pod_disruption_budget: StatusBudgetInput,
    controller: StatusController,
    matching_pods: i32,
    ready_pods: i32,
    recently_disrupted_ready_pods: i32,
}

/// A budget value as written: an integer, or a percentage string.
fn int_or_percent(value: &Value, what: &str) -> Result<IntOrPercent, EvalError> {
    match value {
        Value::Number(n) => {
            n.as_i64().and_then(|n| i32::try_from(n).ok()).map(IntOrPercent::Int).ok_or_else(|| {
                EvalError::Input(format!("{what} must be a 32-bit integer or a percentage, not {n}"))
            })
        }
        Value::String(s) => {
            IntOrPercent::parse_percent(s).map_err(|e| EvalError::Input(format!("{what}: {e}")))
        }
        other => {
            Err(EvalError::Input(format!("{what} must be an integer or a percentage string, not {other}")))
        }
    }
}

fn budget_rule(spec: &BudgetSpecInput) -> Result<BudgetRule, EvalError> {
    match (&spec.min_available, &spec.max_unavailable) {
        (Some(v), None) => Ok(BudgetRule::MinAvailable(int_or_percent(v, "minAvailable")?)),
        (None, Some(v)) => Ok(BudgetRule::MaxUnavailable(int_or_percent(v, "maxUnavailable")?)),
        (Some(_), Some(_)) => Err(EvalError::Input("set only one of minAvailable and maxUnavailable".into())),
        (None, None) => Err(EvalError::Input("one of minAvailable and maxUnavailable is required".into())),
    }
}

fn pdb_status(input: &Value) -> Result<Value, EvalError> {
    let i: PdbStatusInput = parse_input(input)?;
    let rule = budget_rule(&i.pod_disruption_budget.spec)?;
    let (matching, ready, recent) = (i.matching_pods, i.ready_pods, i.recently_disrupted_ready_pods);
    if recent < 0 || recent > ready || ready > matching {
        return Err(EvalError::Input(format!(
            "expected 0 <= recentlyDisruptedReadyPods ({recent}) <= readyPods ({ready}) <= matchingPods ({matching})"
        )));
    }
    // One pod view per matching pod: Ready ones, of which the recently disrupted carry a fresh
    // disruptedPods entry, then the rest not Ready.
    let fresh = Some(Duration::ZERO);
    let pods: Vec<BudgetPodView> = (0..matching)
        .map(|n| BudgetPodView {
            ready: n < ready,
            terminating: false,
            disrupted_for: if n < recent { fresh } else { None },
        })
        .collect();
    let current = disruption::count_healthy(&pods);
    let scale = disruption::expected_scale([("controller", i.controller.spec.replicas)]);
    let status = disruption::budget_status(rule, matching, scale, current);
    Ok(json!({ "status": {
        "expectedPods": status.expected_pods,
        "desiredHealthy": status.desired_healthy,
        "currentHealthy": status.current_healthy,
        "disruptionsAllowed": status.disruptions_allowed,
    }}))
}

// ---------------------------------------------------------------------------------------------
// evictionRequest
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct EvictionBudgetMeta {
    generation: i64,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct EvictionBudgetSpec {
    unhealthy_pod_eviction_policy: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct EvictionBudgetStatus {
    observed_generation: i64,
    disruptions_allowed: i32,
    current_healthy: i32,
    desired_healthy: i32,
    disrupted_pods: BTreeMap<String, Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EvictionBudget {
    metadata: EvictionBudgetMeta,
    spec: EvictionBudgetSpec,
    status: EvictionBudgetStatus,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct EvictionInput {
    pod: PodObject,
    pod_disruption_budgets: Vec<EvictionBudget>,
}

fn eviction_request(input: &Value) -> Result<Value, EvalError> {
    let i: EvictionInput = parse_input(input)?;
    if let Some(t) = &i.pod.metadata.deletion_timestamp {
        parse_timestamp(t, "metadata.deletionTimestamp")?;
    }
    let pod = EvictionPodView {
        phase: phase(&i.pod.status.phase)?,
        ready: i.pod.ready(),
        terminating: i.pod.metadata.deletion_timestamp.is_some(),
    };
    let budgets = i
        .pod_disruption_budgets
        .iter()
        .map(|b| {
            let policy = match b.spec.unhealthy_pod_eviction_policy.as_deref() {
                None | Some("") => UnhealthyPodEvictionPolicy::default(),
                Some(p) => UnhealthyPodEvictionPolicy::parse(p).ok_or_else(|| {
                    EvalError::Input(format!(
                        "unknown unhealthyPodEvictionPolicy {p:?} (expected IfHealthyBudget or AlwaysAllow)"
                    ))
                })?,
            };
            Ok(BudgetView {
                generation: b.metadata.generation,
                observed_generation: b.status.observed_generation,
                disruptions_allowed: b.status.disruptions_allowed,
                current_healthy: b.status.current_healthy,
                desired_healthy: b.status.desired_healthy,
                disrupted_pods: b.status.disrupted_pods.len(),
                unhealthy_pod_eviction_policy: policy,
            })
        })
        .collect::<Result<Vec<_>, EvalError>>()?;
    let answer = disruption::decide_eviction(&pod, &budgets);
    Ok(json!({
        "httpStatus": answer.http_status(),
        "podDeleted": answer.pod_deleted(),
        "pdbDecremented": answer.budget_decremented(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        parse_timestamp(s, "t").unwrap()
    }

    #[test]
    fn timestamps_count_from_the_unix_epoch() {
        assert_eq!(ts("1970-01-01T00:00:00Z").0, 0);
        assert_eq!(ts("2025-01-01T00:00:00Z").0, 1_735_689_600 * 1_000_000_000);
        assert_eq!(ts("2000-02-29T12:30:15Z").0, 951_827_415 * 1_000_000_000);
        assert_eq!(ts("1969-12-31T23:59:59Z").0, -1_000_000_000);
    }

    #[test]
    fn fractions_of_a_second_are_kept() {
        assert_eq!(ts("1970-01-01T00:00:01.5Z").0, 1_500_000_000);
        assert_eq!(ts("1970-01-01T00:00:00.000000001Z").0, 1);
    }

    #[test]
    fn other_timestamp_forms_are_rejected_with_the_field_name() {
        for bad in [
            "2025-01-01T00:00:00",
            "2025-01-01T00:00:00+00:00",
            "2025-01-01t00:00:00z",
            "2025-01-01 00:00:00Z",
            "2025-1-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "2025-01-01T24:00:00Z",
            "2025-01-01T23:59:60Z",
            "2025-01-01T00:00:00.Z",
            "2025-01-01T00:00:00.1234567890Z",
            "2025-01-01T00:00:00ZZ",
            "",
        ] {
            let err = parse_timestamp(bad, "now").unwrap_err().to_string();
            assert!(err.contains("now") && err.contains("RFC 3339"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn ages_are_measured_back_from_now_and_never_negative() {
        let now = ts("2025-01-01T00:00:00Z");
        assert_eq!(age(now, ts("2024-12-31T23:58:20Z")), Duration::from_secs(100));
        assert_eq!(age(now, ts("2025-01-01T00:00:30Z")), Duration::ZERO);
    }

    #[test]
    fn kubectl_fails_only_on_an_error_answer() {
        let o = KubectlOptions::default();
        assert!(!kubectl_eviction_fails(eviction_answers("Allowed").unwrap(), &o));
        assert!(!kubectl_eviction_fails(eviction_answers("TooManyRequestsThenAllowed").unwrap(), &o));
        assert!(kubectl_eviction_fails(eviction_answers("Error").unwrap(), &o));
        assert!(eviction_answers("Sometimes").is_err());
    }

    #[test]
    fn a_pod_arriving_later_is_skipped_by_kubectl_but_decided_by_cluster_api() {
        let pod = |name: &str| {
            json!({"metadata": {"name": name, "namespace": "default",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "controller": true}]},
                "spec": {"nodeName": "node", "tolerations": [{"operator": "Exists"}]}})
        };
        let input = |drainer: &str| {
            json!({"drainer": drainer, "options": {}, "now": "2025-01-01T00:00:00Z",
                "node": {"metadata": {"name": "node"}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
                "pods": [pod("a")], "podsArrivingLater": [pod("b")],
                "controllers": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "rs", "namespace": "default"}}],
                "podDisruptionBudgets": [], "evictionResponse": "Allowed"})
        };
        let k = drain_plan(&input("kubectl")).unwrap();
        assert_eq!(k["pods"]["b"]["action"], "skip");
        assert_eq!(k["pods"]["a"]["action"], "evict");
        let c = drain_plan(&input("cluster-api")).unwrap();
        assert_eq!(c["pods"]["b"]["action"], "evict");
        let kp = drain_plan(&input("karpenter")).unwrap();
        assert_eq!(kp["pods"]["b"], json!({"action": "skip", "tier": null}));
    }

    #[test]
    fn budget_values_must_be_integers_or_strict_percentages() {
        assert_eq!(int_or_percent(&json!(2), "x").unwrap(), IntOrPercent::Int(2));
        assert_eq!(int_or_percent(&json!("25%"), "x").unwrap(), IntOrPercent::Percent(25));
        assert!(int_or_percent(&json!("25"), "x").is_err());
        assert!(int_or_percent(&json!(1.5), "x").is_err());
        let both = BudgetSpecInput { min_available: Some(json!(1)), max_unavailable: Some(json!(1)) };
        assert!(budget_rule(&both).is_err());
    }
}
