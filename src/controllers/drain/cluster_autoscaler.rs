//! cluster-autoscaler: whether scale-down may remove a node, judged pod by pod.
//!
//! Before it removes an underused node, cluster-autoscaler checks that every pod on it may be
//! moved. It does not cordon for that check; a single pod that blocks makes it keep the node.
//! Upstream stops at the first blocking pod; here every pod is decided, and when one blocks the
//! others' evictions become `Aborted` (the node stays, nothing is moved). (Moving also needs
//! room elsewhere in the scheduling simulation, which the engine checks separately.)
//!
//! Rules in order; the first with an outcome decides (upstream autoscaler
//! `simulator/drainability/rules/rules.go` `Default`, with the rule packages `mirror`,
//! `longterminating`, `replicacount`, `daemonset`, `safetoevict`, `terminal`, `oncompletion`,
//! `replicated`, `system`, `notsafetoevict`, `localstorage`, `pdb`; helpers in `utils/drain`
//! and `utils/pod`):
//!
//! 1. a mirror pod → skip;
//! 2. a deletion timestamp older than the pod's grace period (30 s when unset) plus 30 s →
//!    skip;
//! 3. with `skip-nodes-with-custom-controller-pods` (default on), the controller lookup:
//!    a ReplicationController that is missing, or has fewer replicas than `min-replica-count`
//!    → refuse; a DaemonSet pod (see 4) whose controller is an `apps` DaemonSet that is missing
//!    → refuse; a missing Job → refuse; a ReplicaSet that is missing or has too few replicas →
//!    refuse; a missing `apps` StatefulSet → refuse; DaemonSets and StatefulSets of other API
//!    groups are not looked up;
//! 4. a DaemonSet pod (controller of kind `DaemonSet`, any group, or annotation
//!    `cluster-autoscaler.kubernetes.io/daemonset-pod: "true"`) → evict;
//! 5. annotation `cluster-autoscaler.kubernetes.io/safe-to-evict: "true"` → evict;
//! 6. a terminal pod (`Failed`, or `Succeeded` with restart policy `Never` or `OnFailure`) →
//!    evict;
//! 7. annotation `safe-to-evict: "on-completion"` → wait for the pod to finish;
//! 8. no controller, or (with `skip-nodes-with-custom-controller-pods`) a controller of a kind
//!    other than ReplicationController, Job, ReplicaSet or StatefulSet → refuse;
//! 9. with `skip-nodes-with-system-pods` (default on), a `kube-system` pod that no
//!    PodDisruptionBudget matches → refuse, unless it was created more than
//!    `blocking-system-pod-distruption-timeout` (default one hour) ago, which makes it
//!    movable (evict, deciding; a pod without a creation time never gets there);
//! 10. annotation `safe-to-evict: "false"` → refuse;
//! 11. with `skip-nodes-with-local-storage` (default on), a `hostPath` volume or an `emptyDir`
//!     whose medium is not `Memory`, unless its name is listed in the comma-separated
//!     annotation `cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes` → refuse;
//! 12. a matching PodDisruptionBudget with `disruptionsAllowed` below 1 → refuse;
//! 13. otherwise evict.

use super::{
    Action, DrainPlan, DrainPodView, PodDecision, RefuseReason, RestartPolicy, VolumeSource, abort_on_refusal,
};
use crate::model::pod::PodPhase;
use std::time::Duration;

/// The annotation that marks a pod safe (`"true"`), unsafe (`"false"`) or safe once complete
/// (`"on-completion"`) to evict.
pub const SAFE_TO_EVICT_ANNOTATION: &str = "cluster-autoscaler.kubernetes.io/safe-to-evict";

/// The annotation listing local volumes that do not block scale-down.
pub const SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION: &str =
    "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";

/// The annotation that makes cluster-autoscaler treat a pod as a DaemonSet pod.
pub const DAEMON_SET_POD_ANNOTATION: &str = "cluster-autoscaler.kubernetes.io/daemonset-pod";

/// Extra time after a pod's grace period before a terminating pod is ignored.
pub const LONG_TERMINATING_EXTRA: Duration = Duration::from_secs(30);

/// The default `blocking-system-pod-distruption-timeout`.
pub const DEFAULT_SYSTEM_POD_TIMEOUT: Duration = Duration::from_secs(3600);

/// The namespace whose pods need a PodDisruptionBudget to be moved.
pub const SYSTEM_NAMESPACE: &str = "kube-system";

/// cluster-autoscaler flags that shape the drainability rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClusterAutoscalerOptions {
    /// `--skip-nodes-with-system-pods` (default true).
    pub skip_nodes_with_system_pods: bool,
    /// `--skip-nodes-with-local-storage` (default true).
    pub skip_nodes_with_local_storage: bool,
    /// `--skip-nodes-with-custom-controller-pods` (default true).
    pub skip_nodes_with_custom_controller_pods: bool,
    /// `--min-replica-count` (default 0).
    pub min_replica_count: i32,
    /// `--blocking-system-pod-distruption-timeout` (default 1 h).
    pub system_pod_timeout: Duration,
}

impl Default for ClusterAutoscalerOptions {
    fn default() -> Self {
        ClusterAutoscalerOptions {
            skip_nodes_with_system_pods: true,
            skip_nodes_with_local_storage: true,
            skip_nodes_with_custom_controller_pods: true,
            min_replica_count: 0,
            system_pod_timeout: DEFAULT_SYSTEM_POD_TIMEOUT,
        }
    }
}

/// Controller kinds cluster-autoscaler treats as replicating their pods.
const REPLICATED_KINDS: [&str; 4] = ["ReplicationController", "Job", "ReplicaSet", "StatefulSet"];

/// Whether cluster-autoscaler treats the pod as a DaemonSet pod.
pub fn is_daemon_set_pod(pod: &DrainPodView<'_>) -> bool {
    pod.controller().is_some_and(|c| c.kind == "DaemonSet")
        || pod.annotation(DAEMON_SET_POD_ANNOTATION) == Some("true")
}

/// Whether the pod has been terminating for longer than its grace period plus
/// [`LONG_TERMINATING_EXTRA`].
pub fn is_long_terminating(pod: &DrainPodView<'_>) -> bool {
    pod.deleted_for.is_some_and(|age| age > pod.grace_period() + LONG_TERMINATING_EXTRA)
}

/// Whether the pod will never run again: `Failed`, or `Succeeded` under restart policy `Never`
/// or `OnFailure`.
pub fn is_terminal(pod: &DrainPodView<'_>) -> bool {
    match pod.phase {
        PodPhase::Failed => true,
        PodPhase::Succeeded => matches!(pod.restart_policy, RestartPolicy::Never | RestartPolicy::OnFailure),
        _ => false,
    }
}

/// Whether a volume that keeps data on the node (a `hostPath`, or an `emptyDir` not in memory)
/// is not listed as safe to lose.
pub fn has_blocking_local_storage(pod: &DrainPodView<'_>) -> bool {
    let listed = pod.annotation(SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION).unwrap_or("");
    let is_listed = |name: &str| !listed.is_empty() && listed.split(',').any(|v| v == name);
    pod.volumes.iter().any(|v| {
        let local = match &v.source {
            VolumeSource::HostPath => true,
            VolumeSource::EmptyDir { medium } => medium != "Memory",
            VolumeSource::Other => false,
        };
        local && !is_listed(&v.name)
    })
}

/// Rule 3: the controller lookup, when it blocks.
fn replica_count_block(pod: &DrainPodView<'_>, options: &ClusterAutoscalerOptions) -> Option<RefuseReason> {
    let controller = pod.controller()?;
    // An apiVersion with more than one slash does not parse and stops the lookup.
    if controller.api_version.matches('/').count() > 1 {
        return None;
    }
    let group = controller.group();
    let missing = !pod.controller_exists;
    let too_few = pod.controller_replicas.is_some_and(|r| r < options.min_replica_count);
    let replicating = || {
        if missing {
            Some(RefuseReason::ControllerNotFound)
        } else if too_few {
            Some(RefuseReason::MinReplicasReached)
        } else {
            None
        }
    };
    // Upstream tests the kinds in this order; a DaemonSet pod (which the annotation can make of
    // any pod) is only looked up as an `apps` DaemonSet, before the ReplicaSet lookup.
    match controller.kind.as_str() {
        "ReplicationController" => replicating(),
        _ if is_daemon_set_pod(pod) => (group == "apps" && controller.kind == "DaemonSet" && missing)
            .then_some(RefuseReason::ControllerNotFound),
        "Job" => missing.then_some(RefuseReason::ControllerNotFound),
        "ReplicaSet" => replicating(),
        "StatefulSet" => (group == "apps" && missing).then_some(RefuseReason::ControllerNotFound),
        _ => None,
    }
}

/// Decides one pod. `matching_budgets` holds the `status.disruptionsAllowed` of every
/// PodDisruptionBudget that matches the pod (same namespace, selector matching its labels).
pub fn decide_pod(
    pod: &DrainPodView<'_>,
    options: &ClusterAutoscalerOptions,
    matching_budgets: &[i32],
) -> Action {
    let refuse = |reason| Action::Refuse { reason };
    if pod.is_mirror || is_long_terminating(pod) {
        return Action::Skip;
    }
    if options.skip_nodes_with_custom_controller_pods {
        if let Some(reason) = replica_count_block(pod, options) {
            return refuse(reason);
        }
    }
    let safe_to_evict = pod.annotation(SAFE_TO_EVICT_ANNOTATION);
    if is_daemon_set_pod(pod) || safe_to_evict == Some("true") || is_terminal(pod) {
        return Action::Evict;
    }
    if safe_to_evict == Some("on-completion") {
        return Action::Wait;
    }
    let replicated = match pod.controller() {
        None => false,
        Some(c) => {
            !options.skip_nodes_with_custom_controller_pods || REPLICATED_KINDS.contains(&c.kind.as_str())
        }
    };
    if !replicated {
        return refuse(RefuseReason::NotReplicated);
    }
    if options.skip_nodes_with_system_pods && pod.namespace == SYSTEM_NAMESPACE && matching_budgets.is_empty()
    {
        let timed_out = pod.age.is_some_and(|age| age > options.system_pod_timeout);
        return if timed_out { Action::Evict } else { refuse(RefuseReason::UnmovableKubeSystemPod) };
    }
    if safe_to_evict == Some("false") {
        return refuse(RefuseReason::NotSafeToEvict);
    }
    if options.skip_nodes_with_local_storage && has_blocking_local_storage(pod) {
        return refuse(RefuseReason::LocalStorage);
    }
    if matching_budgets.iter().any(|&allowed| allowed < 1) {
        return refuse(RefuseReason::NotEnoughPdb);
    }
    Action::Evict
}

/// Decides every pod of the node; `matching_budgets[i]` belongs to `pods[i]`. One refusal
/// keeps the node (the drain fails) and turns the other pods' evictions into `Aborted`.
/// cluster-autoscaler does not cordon for this check.
///
/// # Panics
///
/// When the two slices differ in length.
pub fn plan(
    pods: &[DrainPodView<'_>],
    options: &ClusterAutoscalerOptions,
    matching_budgets: &[Vec<i32>],
) -> DrainPlan {
    assert_eq!(pods.len(), matching_budgets.len(), "one budget list per pod");
    let mut decisions: Vec<PodDecision> =
        pods.iter().zip(matching_budgets).map(|(p, b)| PodDecision::of(decide_pod(p, options, b))).collect();
    let fails = abort_on_refusal(&mut decisions);
    DrainPlan { cordons: false, fails, decisions }
}

#[cfg(test)]
mod tests {
    use super::super::MIRROR_ANNOTATION;
    use super::super::test_support::TestPod;
    use super::*;

    fn opts() -> ClusterAutoscalerOptions {
        ClusterAutoscalerOptions::default()
    }

    fn decide(pod: &TestPod) -> Action {
        decide_pod(&pod.view(), &opts(), &[])
    }

    fn refuse(reason: RefuseReason) -> Action {
        Action::Refuse { reason }
    }

    fn rs_pod() -> TestPod {
        TestPod::new("p").owned_by("apps/v1", "ReplicaSet")
    }

    #[test]
    fn a_mirror_pod_is_ignored() {
        assert_eq!(decide(&TestPod::new("m").annotated(MIRROR_ANNOTATION, "x")), Action::Skip);
    }

    #[test]
    fn a_pod_terminating_past_its_grace_period_and_thirty_seconds_is_ignored() {
        assert_eq!(decide(&rs_pod().deleted_secs_ago(61)), Action::Skip);
        assert_eq!(decide(&rs_pod().deleted_secs_ago(60)), Action::Evict);
        let mut long_grace = rs_pod().deleted_secs_ago(61);
        long_grace.termination_grace_period = Some(Duration::from_secs(300));
        assert_eq!(decide(&long_grace), Action::Evict);
    }

    #[test]
    fn a_missing_controller_blocks_with_custom_controller_checks_on() {
        assert_eq!(decide(&rs_pod().orphaned()), refuse(RefuseReason::ControllerNotFound));
        assert_eq!(
            decide(&TestPod::new("p").owned_by("v1", "ReplicationController").orphaned()),
            refuse(RefuseReason::ControllerNotFound)
        );
        assert_eq!(
            decide(&TestPod::new("p").owned_by("batch/v1", "Job").orphaned()),
            refuse(RefuseReason::ControllerNotFound)
        );
        assert_eq!(
            decide(&TestPod::new("p").owned_by("apps/v1", "StatefulSet").orphaned()),
            refuse(RefuseReason::ControllerNotFound)
        );
        assert_eq!(
            decide(&TestPod::new("p").owned_by("apps/v1", "DaemonSet").orphaned()),
            refuse(RefuseReason::ControllerNotFound)
        );
        let o = ClusterAutoscalerOptions { skip_nodes_with_custom_controller_pods: false, ..opts() };
        assert_eq!(decide_pod(&rs_pod().orphaned().view(), &o, &[]), Action::Evict);
    }

    #[test]
    fn daemon_sets_and_stateful_sets_outside_apps_are_not_looked_up() {
        assert_eq!(
            decide(&TestPod::new("p").owned_by("example.com/v1", "DaemonSet").orphaned()),
            Action::Evict
        );
        let ss = TestPod::new("p").owned_by("example.com/v1", "StatefulSet").orphaned();
        assert_eq!(decide(&ss), Action::Evict);
    }

    #[test]
    fn a_pod_annotated_as_a_daemon_set_pod_skips_the_replica_set_lookup() {
        let pod = rs_pod().orphaned().annotated(DAEMON_SET_POD_ANNOTATION, "true");
        assert_eq!(decide(&pod), Action::Evict);
        let rc = TestPod::new("p").owned_by("v1", "ReplicationController").orphaned();
        assert_eq!(
            decide(&rc.annotated(DAEMON_SET_POD_ANNOTATION, "true")),
            refuse(RefuseReason::ControllerNotFound)
        );
    }

    #[test]
    fn too_few_replicas_block_only_below_the_minimum() {
        let mut pod = rs_pod();
        pod.controller_replicas = Some(1);
        let o = ClusterAutoscalerOptions { min_replica_count: 2, ..opts() };
        assert_eq!(decide_pod(&pod.view(), &o, &[]), refuse(RefuseReason::MinReplicasReached));
        pod.controller_replicas = Some(2);
        assert_eq!(decide_pod(&pod.view(), &o, &[]), Action::Evict);
    }

    #[test]
    fn daemon_set_pods_are_movable_even_with_local_storage() {
        let pod = TestPod::new("p").owned_by("apps/v1", "DaemonSet").with_host_path("logs");
        assert_eq!(decide(&pod), Action::Evict);
        let annotated = TestPod::new("p").annotated(DAEMON_SET_POD_ANNOTATION, "true");
        assert_eq!(decide(&annotated), Action::Evict);
    }

    #[test]
    fn safe_to_evict_true_overrides_the_blocking_rules() {
        let pod = TestPod::new("p").annotated(SAFE_TO_EVICT_ANNOTATION, "true").in_namespace("kube-system");
        assert_eq!(decide(&pod), Action::Evict);
    }

    #[test]
    fn terminal_pods_are_movable() {
        assert_eq!(decide(&TestPod::new("p").in_phase(PodPhase::Failed)), Action::Evict);
        let mut done = TestPod::new("p").in_phase(PodPhase::Succeeded);
        assert_eq!(decide(&done), refuse(RefuseReason::NotReplicated));
        done.restart_policy = RestartPolicy::OnFailure;
        assert_eq!(decide(&done), Action::Evict);
    }

    #[test]
    fn on_completion_pods_are_waited_for() {
        assert_eq!(
            decide(&TestPod::new("p").annotated(SAFE_TO_EVICT_ANNOTATION, "on-completion")),
            Action::Wait
        );
    }

    #[test]
    fn unreplicated_and_custom_controller_pods_block() {
        assert_eq!(decide(&TestPod::new("p")), refuse(RefuseReason::NotReplicated));
        let custom = TestPod::new("p").owned_by("example.com/v1", "Workflow");
        assert_eq!(decide(&custom), refuse(RefuseReason::NotReplicated));
        let o = ClusterAutoscalerOptions { skip_nodes_with_custom_controller_pods: false, ..opts() };
        assert_eq!(decide_pod(&custom.view(), &o, &[]), Action::Evict);
    }

    #[test]
    fn a_kube_system_pod_needs_a_budget_until_it_is_old_enough() {
        let mut pod = rs_pod().in_namespace("kube-system");
        assert_eq!(decide(&pod), refuse(RefuseReason::UnmovableKubeSystemPod));
        assert_eq!(decide_pod(&pod.view(), &opts(), &[1]), Action::Evict);
        pod.age = Some(Duration::from_secs(3600));
        assert_eq!(decide(&pod), refuse(RefuseReason::UnmovableKubeSystemPod));
        pod.age = Some(Duration::from_secs(3601));
        let pod = pod.annotated(SAFE_TO_EVICT_ANNOTATION, "false");
        assert_eq!(decide(&pod), Action::Evict);
        let o = ClusterAutoscalerOptions { skip_nodes_with_system_pods: false, ..opts() };
        assert_eq!(decide_pod(&rs_pod().in_namespace("kube-system").view(), &o, &[]), Action::Evict);
    }

    #[test]
    fn safe_to_evict_false_blocks() {
        assert_eq!(
            decide(&rs_pod().annotated(SAFE_TO_EVICT_ANNOTATION, "false")),
            refuse(RefuseReason::NotSafeToEvict)
        );
    }

    #[test]
    fn local_storage_blocks_unless_in_memory_or_listed() {
        assert_eq!(decide(&rs_pod().with_empty_dir("scratch", "")), refuse(RefuseReason::LocalStorage));
        assert_eq!(decide(&rs_pod().with_host_path("logs")), refuse(RefuseReason::LocalStorage));
        assert_eq!(decide(&rs_pod().with_empty_dir("scratch", "Memory")), Action::Evict);
        let listed = rs_pod()
            .with_empty_dir("scratch", "")
            .with_host_path("logs")
            .annotated(SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "scratch,logs");
        assert_eq!(decide(&listed), Action::Evict);
        let partly = rs_pod()
            .with_empty_dir("a", "")
            .with_empty_dir("b", "")
            .annotated(SAFE_TO_EVICT_LOCAL_VOLUMES_ANNOTATION, "a");
        assert_eq!(decide(&partly), refuse(RefuseReason::LocalStorage));
        let o = ClusterAutoscalerOptions { skip_nodes_with_local_storage: false, ..opts() };
        assert_eq!(decide_pod(&rs_pod().with_host_path("logs").view(), &o, &[]), Action::Evict);
    }

    #[test]
    fn an_exhausted_budget_blocks() {
        assert_eq!(decide_pod(&rs_pod().view(), &opts(), &[0]), refuse(RefuseReason::NotEnoughPdb));
        assert_eq!(decide_pod(&rs_pod().view(), &opts(), &[2, 1]), Action::Evict);
    }

    #[test]
    fn one_blocking_pod_keeps_the_node_without_cordoning_it() {
        let good = rs_pod();
        let naked = TestPod::new("naked");
        let p = plan(&[good.view(), naked.view()], &opts(), &[vec![], vec![]]);
        assert!(!p.cordons && p.fails);
        assert_eq!(p.decisions[0].action, Action::Aborted);
    }
}
