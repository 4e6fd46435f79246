//! The DaemonSet controller: the tolerations it gives its pods, which nodes get a pod, and what
//! one sync does on one node.

use crate::model::keys::{
    DISK_PRESSURE, MEMORY_PRESSURE, NETWORK_UNAVAILABLE, NOT_READY, PID_PRESSURE, UNREACHABLE, UNSCHEDULABLE,
};
use crate::model::pod::PodPhase;
use crate::model::selector::{
    Affinity, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, node_matches,
};
use crate::model::toleration::find_untolerated_taint;
use crate::model::{Taint, TaintEffect, Toleration};
use std::collections::BTreeMap;

/// The tolerations of a daemon pod: the template's, with the controller's own added in this
/// order (all `Exists`, no seconds): not-ready and unreachable `NoExecute`; disk-pressure,
/// memory-pressure, pid-pressure and unschedulable `NoSchedule`; network-unavailable
/// `NoSchedule` only with `hostNetwork`. A template toleration with the same identity (key,
/// effect, operator, value) is replaced in place, which drops its `tolerationSeconds`;
/// otherwise the controller's toleration is appended.
pub fn daemon_pod_tolerations(template: &[Toleration], host_network: bool) -> Vec<Toleration> {
    let mut out = template.to_vec();
    let mut added = vec![
        Toleration::exists(NOT_READY, Some(TaintEffect::NoExecute)),
        Toleration::exists(UNREACHABLE, Some(TaintEffect::NoExecute)),
        Toleration::exists(DISK_PRESSURE, Some(TaintEffect::NoSchedule)),
        Toleration::exists(MEMORY_PRESSURE, Some(TaintEffect::NoSchedule)),
        Toleration::exists(PID_PRESSURE, Some(TaintEffect::NoSchedule)),
        Toleration::exists(UNSCHEDULABLE, Some(TaintEffect::NoSchedule)),
    ];
    if host_network {
        added.push(Toleration::exists(NETWORK_UNAVAILABLE, Some(TaintEffect::NoSchedule)));
    }
    for t in added {
        match out.iter_mut().find(|existing| existing.same_toleration(&t)) {
            Some(slot) => *slot = t,
            None => out.push(t),
        }
    }
    out
}

/// The parts of a DaemonSet's pod template the placement decision reads.
#[derive(Clone, Copy, Debug)]
pub struct TemplateView<'a> {
    /// `spec.nodeName` of the template, when set.
    pub node_name: Option<&'a str>,
    /// `spec.nodeSelector`.
    pub node_selector: &'a BTreeMap<String, String>,
    /// `spec.affinity`.
    pub affinity: Option<&'a Affinity>,
    /// Tolerations of the daemon pod, i.e. already passed through [`daemon_pod_tolerations`].
    pub tolerations: &'a [Toleration],
}

/// The controller's per-node decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShouldRun {
    /// A pod should be created on the node if it has none.
    pub should_run: bool,
    /// An existing pod may stay.
    pub should_continue_running: bool,
}

/// `NodeShouldRunDaemonPod`: node name and node selection first, then taints. Node readiness,
/// `spec.unschedulable` and resources are not looked at.
pub fn node_should_run(
    node_name: &str,
    labels: &BTreeMap<String, String>,
    taints: &[Taint],
    t: &TemplateView<'_>,
) -> ShouldRun {
    let no = ShouldRun { should_run: false, should_continue_running: false };
    if t.node_name.is_some_and(|n| !n.is_empty() && n != node_name) {
        return no;
    }
    if !node_matches(node_name, labels, t.node_selector, t.affinity) {
        return no;
    }
    let blocking = |taint: &Taint| matches!(taint.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute);
    if find_untolerated_taint(taints, t.tolerations, blocking).is_none() {
        return ShouldRun { should_run: true, should_continue_running: true };
    }
    let no_execute = |taint: &Taint| taint.effect == TaintEffect::NoExecute;
    ShouldRun {
        should_run: false,
        should_continue_running: find_untolerated_taint(taints, t.tolerations, no_execute).is_none(),
    }
}

/// The affinity of a pod the controller creates for `node`: the template's required terms are
/// replaced by one term pinning the pod to the node by name; preferred terms are kept.
pub fn pinned_affinity(template: Option<&Affinity>, node: &str) -> Affinity {
    let preferred = template
        .and_then(|a| a.node_affinity.as_ref())
        .map(|na| na.preferred_during_scheduling_ignored_during_execution.clone())
        .unwrap_or_default();
    Affinity {
        node_affinity: Some(NodeAffinity {
            required_during_scheduling_ignored_during_execution: Some(NodeSelector {
                node_selector_terms: vec![NodeSelectorTerm {
                    match_expressions: Vec::new(),
                    match_fields: vec![NodeSelectorRequirement {
                        key: "metadata.name".into(),
                        operator: "In".into(),
                        values: vec![node.to_string()],
                    }],
                }],
            }),
            preferred_during_scheduling_ignored_during_execution: preferred,
        }),
    }
}

/// The node a daemon pod is meant for: its `nodeName`, or the node its pinned affinity names.
pub fn target_node_name<'a>(node_name: Option<&'a str>, affinity: Option<&'a Affinity>) -> Option<&'a str> {
    if let Some(n) = node_name.filter(|n| !n.is_empty()) {
        return Some(n);
    }
    let terms = &affinity?.required()?.node_selector_terms;
    terms.iter().flat_map(|t| &t.match_fields).find_map(|r| {
        (r.key == "metadata.name" && r.operator == "In" && r.values.len() == 1).then(|| r.values[0].as_str())
    })
}

/// What the controller knows of one of its pods on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonPodState {
    /// Pending or running, not terminating.
    Active,
    /// Has a deletion timestamp.
    Terminating,
    /// Phase Failed.
    Failed,
    /// Phase Succeeded.
    Succeeded,
}

impl DaemonPodState {
    /// How the controller sees a pod: a deletion timestamp wins over the phase (a terminating
    /// pod is left alone whatever its phase); then `Failed` and `Succeeded`; every other pod is
    /// active.
    pub fn classify(terminating: bool, phase: PodPhase) -> DaemonPodState {
        match phase {
            _ if terminating => DaemonPodState::Terminating,
            PodPhase::Failed => DaemonPodState::Failed,
            PodPhase::Succeeded => DaemonPodState::Succeeded,
            PodPhase::Pending | PodPhase::Running => DaemonPodState::Active,
        }
    }
}

/// What one sync does for one node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSyncPlan {
    /// Pods to create (0 or 1).
    pub creates: u32,
    /// Indexes (into the pod slice given) of pods to delete.
    pub deletes: Vec<usize>,
}

/// `podsShouldBeOnNode`: with `pods` this DaemonSet's pods on the node (in creation order),
/// create one when the node should run a pod and has none (a terminating pod counts as
/// present); when pods may continue, delete Failed and Succeeded pods and keep at most one
/// active pod (the oldest); when they may not, delete every pod that is not terminating.
pub fn node_sync(decision: ShouldRun, pods: &[DaemonPodState]) -> NodeSyncPlan {
    let mut plan = NodeSyncPlan::default();
    if decision.should_run && pods.is_empty() {
        plan.creates = 1;
    }
    if decision.should_continue_running {
        let mut kept_one = false;
        for (i, state) in pods.iter().enumerate() {
            match state {
                DaemonPodState::Terminating => {}
                DaemonPodState::Failed | DaemonPodState::Succeeded => plan.deletes.push(i),
                DaemonPodState::Active if kept_one => plan.deletes.push(i),
                DaemonPodState::Active => kept_one = true,
            }
        }
    } else {
        plan.deletes = (0..pods.len()).filter(|&i| pods[i] != DaemonPodState::Terminating).collect();
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template<'a>(tols: &'a [Toleration], sel: &'a BTreeMap<String, String>) -> TemplateView<'a> {
        TemplateView { node_name: None, node_selector: sel, affinity: None, tolerations: tols }
    }

    #[test]
    fn injected_tolerations_replace_same_identity_and_drop_seconds() {
        let tpl = vec![Toleration::exists_for(NOT_READY, TaintEffect::NoExecute, 60)];
        let out = daemon_pod_tolerations(&tpl, false);
        assert_eq!(out.len(), 6);
        assert_eq!(out[0], Toleration::exists(NOT_READY, Some(TaintEffect::NoExecute)));
        assert_eq!(daemon_pod_tolerations(&[], true).len(), 7);
    }

    #[test]
    fn untolerated_no_schedule_keeps_running_pods_but_creates_none() {
        let tols = daemon_pod_tolerations(&[], false);
        let sel = BTreeMap::new();
        let taints = vec![Taint::with_value("dedicated", "x", TaintEffect::NoSchedule)];
        let d = node_should_run("n", &BTreeMap::new(), &taints, &template(&tols, &sel));
        assert_eq!(d, ShouldRun { should_run: false, should_continue_running: true });
        let taints = vec![Taint::with_value("dedicated", "x", TaintEffect::NoExecute)];
        let d = node_should_run("n", &BTreeMap::new(), &taints, &template(&tols, &sel));
        assert_eq!(d, ShouldRun { should_run: false, should_continue_running: false });
    }

    #[test]
    fn cordoned_node_still_runs_daemon_pods() {
        let tols = daemon_pod_tolerations(&[], false);
        let sel = BTreeMap::new();
        let taints = vec![Taint::new(UNSCHEDULABLE, TaintEffect::NoSchedule)];
        let d = node_should_run("n", &BTreeMap::new(), &taints, &template(&tols, &sel));
        assert!(d.should_run && d.should_continue_running);
    }

    #[test]
    fn a_terminating_pod_blocks_its_replacement() {
        let yes = ShouldRun { should_run: true, should_continue_running: true };
        assert_eq!(node_sync(yes, &[DaemonPodState::Terminating]), NodeSyncPlan::default());
        assert_eq!(node_sync(yes, &[]).creates, 1);
        let plan = node_sync(yes, &[DaemonPodState::Active, DaemonPodState::Failed, DaemonPodState::Active]);
        assert_eq!(plan.deletes, vec![1, 2]);
    }

    #[test]
    fn a_terminating_pod_is_terminating_whatever_its_phase() {
        assert_eq!(DaemonPodState::classify(true, PodPhase::Failed), DaemonPodState::Terminating);
        assert_eq!(DaemonPodState::classify(false, PodPhase::Failed), DaemonPodState::Failed);
        assert_eq!(DaemonPodState::classify(false, PodPhase::Succeeded), DaemonPodState::Succeeded);
        assert_eq!(DaemonPodState::classify(false, PodPhase::Running), DaemonPodState::Active);
    }

    #[test]
    fn pinned_affinity_names_the_node_and_round_trips() {
        let a = pinned_affinity(None, "w1");
        assert_eq!(target_node_name(None, Some(&a)), Some("w1"));
    }
}
