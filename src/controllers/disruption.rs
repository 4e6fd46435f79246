//! PodDisruptionBudgets: the disruption controller's status computation and the Eviction API's
//! decision.
//!
//! Both halves are pure functions over small views, so the engine can keep budgets in its own
//! world state and the conformance evaluators can feed them straight from the vectors.
//!
//! # Status (upstream k/k `pkg/controller/disruption/disruption.go`: `getExpectedPodCount`,
//! `getExpectedScale`, `countHealthyPods`, `buildDisruptedPodMap`, `updatePdbStatus`)
//!
//! 1. The budget's pods are the pods of its namespace its selector matches (in `policy/v1` an
//!    empty selector matches every pod; a missing one matches none, see [`LabelSelector`]).
//! 2. `maxUnavailable` (a count or a percentage): the expected count is the sum of the scales
//!    (`spec.replicas`) of the distinct controllers of those pods ([`expected_scale`]; pods
//!    without a controller add nothing); a percentage is taken of that sum and rounded up; the
//!    desired healthy count is the expected count minus that, never below zero.
//! 3. `minAvailable` as a count: the desired healthy count is the value itself and the expected
//!    count is the number of matching pods.
//! 4. `minAvailable` as a percentage: the expected count is the sum of controller scales and the
//!    desired healthy count is the percentage of it, rounded up.
//! 5. The current healthy count counts the pods that are Ready, carry no deletion timestamp,
//!    and are not listed in `status.disruptedPods` with an entry younger than
//!    [`DELETION_TIMEOUT`] (two minutes: an accepted eviction whose deletion is not visible yet).
//! 6. Disruptions allowed = current − desired, clamped at zero, and zero whenever the expected
//!    count is zero or less.
//!
//! # Eviction API (upstream k/k `pkg/registry/core/pod/storage/eviction.go`:
//! `EvictionREST.Create`, `canIgnorePDB`, `checkAndDecrement`)
//!
//! 1. A pod that is `Succeeded`, `Failed`, `Pending` or already terminating is deleted at once;
//!    budgets are not looked at.
//! 2. More than one matching budget: HTTP 500, never accepted.
//! 3. No matching budget: the pod is deleted.
//! 4. A pod that is not Ready is deleted without touching the budget when the budget's
//!    `unhealthyPodEvictionPolicy` is `AlwaysAllow`, or, with `IfHealthyBudget` (also the
//!    behaviour when unset), when the budget currently has `currentHealthy ≥ desiredHealthy`
//!    and `desiredHealthy > 0`. Otherwise it goes through the budget check like a Ready pod.
//! 5. Budget check, in order: a status older than the budget's generation → 429; a negative
//!    `disruptionsAllowed` → 403; more than [`MAX_DISRUPTED_PODS`] unconfirmed evictions
//!    recorded → 403; `disruptionsAllowed` zero → 429; otherwise the budget is decremented, the
//!    pod recorded in `disruptedPods` with the current time, and the pod deleted (201).

use crate::model::pod::PodPhase;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

/// How long an accepted eviction keeps its pod out of the healthy count while the pod's
/// deletion is not yet visible (upstream `DeletionTimeout`).
pub const DELETION_TIMEOUT: Duration = Duration::from_secs(120);

/// The most unconfirmed evictions a budget may record before the Eviction API refuses further
/// ones (upstream `MaxDisruptedPodSize`).
pub const MAX_DISRUPTED_PODS: usize = 2000;

// ---------------------------------------------------------------------------------------------
// Budget specification
// ---------------------------------------------------------------------------------------------

/// A budget value: a plain count or a percentage (Kubernetes `IntOrString`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntOrPercent {
    /// A count of pods.
    Int(i32),
    /// A percentage (`"50%"` is `Percent(50)`).
    Percent(u32),
}

/// Why a budget value could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BudgetValueError {
    /// A string that is not digits followed by `%`.
    #[error("{0:?} is not a percentage (expected digits followed by %, such as \"50%\")")]
    NotAPercentage(String),
    /// A percentage too large to compute with.
    #[error("percentage {0:?} is out of range")]
    OutOfRange(String),
}

impl IntOrPercent {
    /// Reads the string form of a budget value. Only percentages are valid strings, written as
    /// one or more ASCII digits followed by `%` (no sign, no blanks, no fraction); a plain
    /// count must be given as a number, not a string.
    pub fn parse_percent(s: &str) -> Result<IntOrPercent, BudgetValueError> {
        let digits = s.strip_suffix('%').ok_or_else(|| BudgetValueError::NotAPercentage(s.to_string()))?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BudgetValueError::NotAPercentage(s.to_string()));
        }
        digits
            .parse::<u32>()
            .map(IntOrPercent::Percent)
            .map_err(|_| BudgetValueError::OutOfRange(s.to_string()))
    }

    /// The value against `total` (upstream `GetScaledValueFromIntOrPercent`): a count as is; a
    /// percentage of `total`, rounded up when `round_up` and down otherwise.
    pub fn scaled(self, total: i32, round_up: bool) -> i32 {
        match self {
            IntOrPercent::Int(n) => n,
            IntOrPercent::Percent(p) => {
                let product = i64::from(p) * i64::from(total);
                let value = if round_up {
                    product.div_euclid(100) + i64::from(product.rem_euclid(100) != 0)
                } else {
                    product.div_euclid(100)
                };
                value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
            }
        }
    }
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// The budget a PodDisruptionBudget sets: exactly one of `spec.minAvailable` and
/// `spec.maxUnavailable` (API validation rejects both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BudgetRule {
    /// `spec.minAvailable`.
    MinAvailable(IntOrPercent),
    /// `spec.maxUnavailable`.
    MaxUnavailable(IntOrPercent),
}

impl BudgetRule {
    /// Whether the expected count comes from the controllers' scales (percentages and
    /// `maxUnavailable`) rather than from the number of matching pods (a `minAvailable` count).
    pub fn uses_controller_scale(self) -> bool {
        !matches!(self, BudgetRule::MinAvailable(IntOrPercent::Int(_)))
    }
}

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

/// The operator of a label selector requirement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SelectorOperator {
    /// The label is present with one of the values.
    In,
    /// The label is absent, or present with none of the values.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
}

impl SelectorOperator {
    /// Parses the operator as Kubernetes writes it.
    pub fn parse(s: &str) -> Option<SelectorOperator> {
        match s {
            "In" => Some(SelectorOperator::In),
            "NotIn" => Some(SelectorOperator::NotIn),
            "Exists" => Some(SelectorOperator::Exists),
            "DoesNotExist" => Some(SelectorOperator::DoesNotExist),
            _ => None,
        }
    }
}

/// One `matchExpressions` item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SelectorRequirement {
    /// The label key.
    pub key: String,
    /// How the label is tested.
    pub operator: SelectorOperator,
    /// The values for `In` and `NotIn`.
    pub values: BTreeSet<String>,
}

impl SelectorRequirement {
    /// Whether `labels` satisfy this requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            SelectorOperator::In => value.is_some_and(|v| self.values.contains(v)),
            SelectorOperator::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            SelectorOperator::Exists => value.is_some(),
            SelectorOperator::DoesNotExist => value.is_none(),
        }
    }
}

/// A label selector (`metav1.LabelSelector`): every `matchLabels` pair and every requirement
/// must hold, so an empty selector matches every set of labels. Where a selector may be
/// missing altogether, callers hold an `Option<LabelSelector>` and use [`selects`]: a missing
/// selector matches nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LabelSelector {
    /// `matchLabels`.
    pub match_labels: BTreeMap<String, String>,
    /// `matchExpressions`.
    pub match_expressions: Vec<SelectorRequirement>,
}

impl LabelSelector {
    /// Whether `labels` satisfy the selector.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }
}

/// Whether a budget's selector, possibly missing, selects a pod with `labels`.
pub fn selects(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    selector.is_some_and(|s| s.matches(labels))
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/// The counts the disruption controller writes into a budget's status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PdbStatus {
    /// `status.expectedPods`.
    pub expected_pods: i32,
    /// `status.desiredHealthy`.
    pub desired_healthy: i32,
    /// `status.currentHealthy`.
    pub current_healthy: i32,
    /// `status.disruptionsAllowed`.
    pub disruptions_allowed: i32,
}

/// What the controller looks at in one pod a budget selects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BudgetPodView {
    /// The pod's Ready condition is `True`.
    pub ready: bool,
    /// The pod has a deletion timestamp.
    pub terminating: bool,
    /// How long ago the budget recorded an accepted eviction of this pod in
    /// `status.disruptedPods`; `None` when it has no entry.
    pub disrupted_for: Option<Duration>,
}

/// Whether a `disruptedPods` entry this old still keeps its pod out of the healthy count
/// (younger than [`DELETION_TIMEOUT`]).
pub fn is_recently_disrupted(disrupted_for: Duration) -> bool {
    disrupted_for < DELETION_TIMEOUT
}

/// Whether one pod counts as healthy: Ready, not terminating, not recently disrupted.
pub fn is_healthy(pod: &BudgetPodView) -> bool {
    pod.ready && !pod.terminating && !pod.disrupted_for.is_some_and(is_recently_disrupted)
}

/// The budget's current healthy count over the pods it selects.
pub fn count_healthy<'a>(pods: impl IntoIterator<Item = &'a BudgetPodView>) -> i32 {
    let n = pods.into_iter().filter(|p| is_healthy(p)).count();
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The expected count from controller scales: the sum of the scales of the distinct controllers
/// (`key` identifies a controller; a controller met twice counts once, with its first scale).
pub fn expected_scale<K: Ord>(controllers: impl IntoIterator<Item = (K, i32)>) -> i32 {
    let mut seen = BTreeMap::new();
    for (key, scale) in controllers {
        seen.entry(key).or_insert(scale);
    }
    seen.values().fold(0i32, |sum, s| sum.saturating_add(*s))
}

/// Expected and desired healthy counts for `rule`, given the number of matching pods and the
/// summed scale of their controllers (see [`expected_scale`]).
pub fn expected_and_desired(rule: BudgetRule, matching_pods: i32, controller_scale: i32) -> (i32, i32) {
    match rule {
        BudgetRule::MaxUnavailable(value) => {
            let max_unavailable = value.scaled(controller_scale, true);
            (controller_scale, controller_scale.saturating_sub(max_unavailable).max(0))
        }
        BudgetRule::MinAvailable(IntOrPercent::Int(n)) => (matching_pods, n),
        BudgetRule::MinAvailable(value) => (controller_scale, value.scaled(controller_scale, true)),
    }
}

/// `disruptionsAllowed` from the three counts: current − desired, never negative, and zero when
/// nothing is expected.
pub fn disruptions_allowed(expected_pods: i32, desired_healthy: i32, current_healthy: i32) -> i32 {
    if expected_pods <= 0 { 0 } else { current_healthy.saturating_sub(desired_healthy).max(0) }
}

/// The whole status of a budget.
pub fn budget_status(
    rule: BudgetRule,
    matching_pods: i32,
    controller_scale: i32,
    current_healthy: i32,
) -> PdbStatus {
    let (expected_pods, desired_healthy) = expected_and_desired(rule, matching_pods, controller_scale);
    PdbStatus {
        expected_pods,
        desired_healthy,
        current_healthy,
        disruptions_allowed: disruptions_allowed(expected_pods, desired_healthy, current_healthy),
    }
}

// ---------------------------------------------------------------------------------------------
// Eviction API
// ---------------------------------------------------------------------------------------------

/// `spec.unhealthyPodEvictionPolicy` of a budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnhealthyPodEvictionPolicy {
    /// Not-Ready pods may be evicted without the budget only while the budget is healthy
    /// (also the behaviour when the field is unset).
    #[default]
    IfHealthyBudget,
    /// Not-Ready pods may always be evicted without the budget.
    AlwaysAllow,
}

impl UnhealthyPodEvictionPolicy {
    /// Parses the policy as Kubernetes writes it.
    pub fn parse(s: &str) -> Option<UnhealthyPodEvictionPolicy> {
        match s {
            "IfHealthyBudget" => Some(UnhealthyPodEvictionPolicy::IfHealthyBudget),
            "AlwaysAllow" => Some(UnhealthyPodEvictionPolicy::AlwaysAllow),
            _ => None,
        }
    }
}

/// The pod an eviction names, as the Eviction API sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct EvictionPodView {
    /// `status.phase`; `None` for a phase that is not set (the API server sets `Pending` on
    /// creation, so only hand-written objects lack it).
    pub phase: Option<PodPhase>,
    /// The pod's Ready condition is `True`.
    pub ready: bool,
    /// The pod already has a deletion timestamp.
    pub terminating: bool,
}

/// The parts of a matching budget the Eviction API reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BudgetView {
    /// `metadata.generation`.
    pub generation: i64,
    /// `status.observedGeneration`.
    pub observed_generation: i64,
    /// `status.disruptionsAllowed`.
    pub disruptions_allowed: i32,
    /// `status.currentHealthy`.
    pub current_healthy: i32,
    /// `status.desiredHealthy`.
    pub desired_healthy: i32,
    /// Entries in `status.disruptedPods`.
    pub disrupted_pods: usize,
    /// `spec.unhealthyPodEvictionPolicy`.
    pub unhealthy_pod_eviction_policy: UnhealthyPodEvictionPolicy,
}

/// Why an eviction was answered 429.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TooManyRequestsReason {
    /// The controller has not yet written a status for the budget's current generation.
    BudgetNotObserved,
    /// The budget allows no disruption now.
    BudgetExhausted,
}

/// Why an eviction was answered 403.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForbiddenReason {
    /// The budget's `disruptionsAllowed` is negative.
    NegativeDisruptionsAllowed,
    /// The budget records more than [`MAX_DISRUPTED_PODS`] unconfirmed evictions.
    TooManyDisruptedPods,
}

/// The Eviction API's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvictionResponse {
    /// 201: the pod is deleted (it starts terminating).
    Accepted {
        /// The budget's `disruptionsAllowed` was decremented and the pod recorded in its
        /// `disruptedPods`; the caller applies that to its copy of the budget.
        budget_decremented: bool,
    },
    /// 429: retry later.
    TooManyRequests(TooManyRequestsReason),
    /// 403: refused outright.
    Forbidden(ForbiddenReason),
    /// 500: the pod matches more than one budget, which the Eviction API does not support.
    InternalError,
}

impl EvictionResponse {
    /// The HTTP status code of the answer.
    pub fn http_status(self) -> u16 {
        match self {
            EvictionResponse::Accepted { .. } => 201,
            EvictionResponse::TooManyRequests(_) => 429,
            EvictionResponse::Forbidden(_) => 403,
            EvictionResponse::InternalError => 500,
        }
    }

    /// Whether the pod was deleted.
    pub fn pod_deleted(self) -> bool {
        matches!(self, EvictionResponse::Accepted { .. })
    }

    /// Whether the matching budget was decremented.
    pub fn budget_decremented(self) -> bool {
        matches!(self, EvictionResponse::Accepted { budget_decremented: true })
    }
}

/// Whether the Eviction API deletes this pod without looking at budgets: finished, pending or
/// already terminating (upstream `canIgnorePDB`).
pub fn bypasses_budgets(pod: &EvictionPodView) -> bool {
    pod.terminating || matches!(pod.phase, Some(PodPhase::Succeeded | PodPhase::Failed | PodPhase::Pending))
}

/// The Eviction API's answer for `pod`, whose matching budgets are `budgets` (see the module
/// documentation for the rules). The decision does not change `budgets`; on
/// `Accepted { budget_decremented: true }` the caller decrements the one budget's
/// `disruptionsAllowed` and records the pod with the current time.
pub fn decide_eviction(pod: &EvictionPodView, budgets: &[BudgetView]) -> EvictionResponse {
    if bypasses_budgets(pod) {
        return EvictionResponse::Accepted { budget_decremented: false };
    }
    let budget = match budgets {
        [] => return EvictionResponse::Accepted { budget_decremented: false },
        [one] => one,
        _ => return EvictionResponse::InternalError,
    };
    if !pod.ready {
        let healthy_budget = budget.current_healthy >= budget.desired_healthy && budget.desired_healthy > 0;
        let skip_budget = match budget.unhealthy_pod_eviction_policy {
            UnhealthyPodEvictionPolicy::AlwaysAllow => true,
            UnhealthyPodEvictionPolicy::IfHealthyBudget => healthy_budget,
        };
        if skip_budget {
            return EvictionResponse::Accepted { budget_decremented: false };
        }
    }
    if budget.observed_generation < budget.generation {
        return EvictionResponse::TooManyRequests(TooManyRequestsReason::BudgetNotObserved);
    }
    if budget.disruptions_allowed < 0 {
        return EvictionResponse::Forbidden(ForbiddenReason::NegativeDisruptionsAllowed);
    }
    if budget.disrupted_pods > MAX_DISRUPTED_PODS {
        return EvictionResponse::Forbidden(ForbiddenReason::TooManyDisruptedPods);
    }
    if budget.disruptions_allowed == 0 {
        return EvictionResponse::TooManyRequests(TooManyRequestsReason::BudgetExhausted);
    }
    EvictionResponse::Accepted { budget_decremented: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn running(ready: bool) -> EvictionPodView {
        EvictionPodView { phase: Some(PodPhase::Running), ready, terminating: false }
    }

    fn budget(allowed: i32, current: i32, desired: i32) -> BudgetView {
        BudgetView {
            generation: 1,
            observed_generation: 1,
            disruptions_allowed: allowed,
            current_healthy: current,
            desired_healthy: desired,
            ..BudgetView::default()
        }
    }

    #[test]
    fn percentages_are_read_strictly() {
        assert_eq!(IntOrPercent::parse_percent("50%"), Ok(IntOrPercent::Percent(50)));
        assert_eq!(IntOrPercent::parse_percent("0%"), Ok(IntOrPercent::Percent(0)));
        for bad in ["50", "%", "+5%", "-5%", " 5%", "5 %", "5.5%", "5%%", ""] {
            assert!(IntOrPercent::parse_percent(bad).is_err(), "{bad:?}");
        }
        assert!(matches!(IntOrPercent::parse_percent("99999999999%"), Err(BudgetValueError::OutOfRange(_))));
    }

    #[test]
    fn percentages_round_up_or_down_on_request() {
        assert_eq!(IntOrPercent::Percent(50).scaled(3, true), 2);
        assert_eq!(IntOrPercent::Percent(50).scaled(3, false), 1);
        assert_eq!(IntOrPercent::Percent(10).scaled(10, true), 1);
        assert_eq!(IntOrPercent::Percent(1).scaled(0, true), 0);
        assert_eq!(IntOrPercent::Int(7).scaled(3, true), 7);
    }

    #[test]
    fn max_unavailable_takes_the_controller_scale_and_never_goes_below_zero() {
        let rule = BudgetRule::MaxUnavailable(IntOrPercent::Int(1));
        assert_eq!(
            budget_status(rule, 3, 3, 3),
            PdbStatus { expected_pods: 3, desired_healthy: 2, current_healthy: 3, disruptions_allowed: 1 }
        );
        let rule = BudgetRule::MaxUnavailable(IntOrPercent::Int(5));
        assert_eq!(expected_and_desired(rule, 3, 3), (3, 0));
    }

    #[test]
    fn a_max_unavailable_percentage_rounds_up_against_the_expected_count() {
        let rule = BudgetRule::MaxUnavailable(IntOrPercent::Percent(50));
        assert_eq!(budget_status(rule, 3, 3, 3).desired_healthy, 1);
        assert_eq!(budget_status(rule, 3, 3, 3).disruptions_allowed, 2);
    }

    #[test]
    fn a_min_available_count_expects_the_matching_pods() {
        let rule = BudgetRule::MinAvailable(IntOrPercent::Int(1));
        assert_eq!(
            budget_status(rule, 1, 5, 1),
            PdbStatus { expected_pods: 1, desired_healthy: 1, current_healthy: 1, disruptions_allowed: 0 }
        );
        assert!(!rule.uses_controller_scale());
    }

    #[test]
    fn a_min_available_percentage_rounds_up_against_the_controller_scale() {
        let rule = BudgetRule::MinAvailable(IntOrPercent::Percent(50));
        assert_eq!(
            budget_status(rule, 7, 3, 3),
            PdbStatus { expected_pods: 3, desired_healthy: 2, current_healthy: 3, disruptions_allowed: 1 }
        );
    }

    #[test]
    fn nothing_expected_means_no_disruption_allowed() {
        assert_eq!(disruptions_allowed(0, 0, 3), 0);
        assert_eq!(disruptions_allowed(-1, 0, 3), 0);
        assert_eq!(disruptions_allowed(3, 4, 2), 0);
    }

    #[test]
    fn distinct_controllers_are_summed_once_each() {
        assert_eq!(expected_scale([("rs-a", 3), ("rs-a", 3), ("rs-b", 2)]), 5);
        assert_eq!(expected_scale(Vec::<(&str, i32)>::new()), 0);
    }

    #[test]
    fn recently_disrupted_and_terminating_pods_are_not_healthy() {
        let ready = BudgetPodView { ready: true, ..BudgetPodView::default() };
        let fresh = BudgetPodView { disrupted_for: Some(Duration::from_secs(119)), ..ready };
        let stale = BudgetPodView { disrupted_for: Some(Duration::from_secs(120)), ..ready };
        let terminating = BudgetPodView { terminating: true, ..ready };
        let not_ready = BudgetPodView::default();
        assert_eq!(count_healthy(&[ready, fresh, stale, terminating, not_ready]), 2);
    }

    #[test]
    fn selectors_combine_labels_and_expressions_and_a_missing_selector_matches_nothing() {
        let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
        let empty = LabelSelector::default();
        assert!(selects(Some(&empty), &labels));
        assert!(!selects(None, &labels));
        let sel = LabelSelector {
            match_labels: [("app".to_string(), "web".to_string())].into(),
            match_expressions: vec![SelectorRequirement {
                key: "tier".into(),
                operator: SelectorOperator::NotIn,
                values: ["db".to_string()].into(),
            }],
        };
        assert!(sel.matches(&labels));
        let exists = SelectorRequirement {
            key: "tier".into(),
            operator: SelectorOperator::Exists,
            values: BTreeSet::new(),
        };
        assert!(!exists.matches(&labels));
    }

    #[test]
    fn finished_pending_and_terminating_pods_bypass_every_budget() {
        let exhausted = [budget(0, 2, 2), budget(0, 2, 2)];
        for phase in [PodPhase::Pending, PodPhase::Succeeded, PodPhase::Failed] {
            let pod = EvictionPodView { phase: Some(phase), ready: false, terminating: false };
            assert_eq!(
                decide_eviction(&pod, &exhausted),
                EvictionResponse::Accepted { budget_decremented: false }
            );
        }
        let terminating = EvictionPodView { terminating: true, ..running(true) };
        assert_eq!(decide_eviction(&terminating, &exhausted).http_status(), 201);
    }

    #[test]
    fn a_pod_without_a_phase_does_not_bypass_budgets() {
        let pod = EvictionPodView { phase: None, ready: true, terminating: false };
        assert_eq!(decide_eviction(&pod, &[budget(0, 2, 2)]).http_status(), 429);
    }

    #[test]
    fn two_budgets_are_an_internal_error_and_none_deletes() {
        let r = decide_eviction(&running(true), &[budget(1, 3, 2), budget(1, 3, 2)]);
        assert_eq!((r.http_status(), r.pod_deleted()), (500, false));
        assert_eq!(
            decide_eviction(&running(true), &[]),
            EvictionResponse::Accepted { budget_decremented: false }
        );
    }

    #[test]
    fn a_ready_pod_decrements_a_budget_with_room() {
        let r = decide_eviction(&running(true), &[budget(1, 3, 2)]);
        assert!(r.pod_deleted() && r.budget_decremented());
        assert_eq!(r.http_status(), 201);
    }

    #[test]
    fn an_exhausted_or_unobserved_budget_answers_too_many_requests() {
        assert_eq!(
            decide_eviction(&running(true), &[budget(0, 2, 2)]),
            EvictionResponse::TooManyRequests(TooManyRequestsReason::BudgetExhausted)
        );
        let stale = BudgetView { generation: 2, ..budget(1, 3, 2) };
        assert_eq!(
            decide_eviction(&running(true), &[stale]),
            EvictionResponse::TooManyRequests(TooManyRequestsReason::BudgetNotObserved)
        );
    }

    #[test]
    fn a_negative_or_overfull_budget_is_forbidden() {
        assert_eq!(decide_eviction(&running(true), &[budget(-1, 1, 2)]).http_status(), 403);
        let overfull = BudgetView { disrupted_pods: MAX_DISRUPTED_PODS + 1, ..budget(1, 3, 2) };
        assert_eq!(
            decide_eviction(&running(true), &[overfull]),
            EvictionResponse::Forbidden(ForbiddenReason::TooManyDisruptedPods)
        );
    }

    #[test]
    fn an_unhealthy_pod_skips_a_healthy_budget_by_default() {
        assert_eq!(
            decide_eviction(&running(false), &[budget(0, 2, 2)]),
            EvictionResponse::Accepted { budget_decremented: false }
        );
        assert_eq!(decide_eviction(&running(false), &[budget(0, 1, 2)]).http_status(), 429);
        // desiredHealthy 0 is not a healthy budget: the normal check applies.
        assert_eq!(decide_eviction(&running(false), &[budget(0, 0, 0)]).http_status(), 429);
    }

    #[test]
    fn always_allow_lets_any_unhealthy_pod_go_without_the_budget() {
        let b = BudgetView {
            unhealthy_pod_eviction_policy: UnhealthyPodEvictionPolicy::AlwaysAllow,
            ..budget(0, 0, 2)
        };
        assert_eq!(
            decide_eviction(&running(false), &[b]),
            EvictionResponse::Accepted { budget_decremented: false }
        );
        assert_eq!(decide_eviction(&running(true), &[b]).http_status(), 429);
    }

    #[test]
    fn policies_parse_as_written() {
        assert_eq!(
            UnhealthyPodEvictionPolicy::parse("AlwaysAllow"),
            Some(UnhealthyPodEvictionPolicy::AlwaysAllow)
        );
        assert_eq!(
            UnhealthyPodEvictionPolicy::parse("IfHealthyBudget"),
            Some(UnhealthyPodEvictionPolicy::IfHealthyBudget)
        );
        assert_eq!(UnhealthyPodEvictionPolicy::parse("alwaysallow"), None);
    }
}
