//! Node drains: what each drainer decides for the pods on a node it empties.
//!
//! Four drainers are modelled, one module each, with the same shape: an options struct with the
//! upstream defaults, a per-pod decision function that applies the drainer's rules in order
//! (the first rule that decides wins), and a `plan` function that decides every pod of one pass
//! and says whether the node is cordoned and whether the drain fails:
//!
//! | module | drainer | cordons | lists pods | a pod can fail the drain |
//! |---|---|---|---|---|
//! | [`kubectl`] | `kubectl drain` (and kured, which uses its library) | yes, first | once | yes |
//! | [`cluster_api`] | Cluster API Machine deletion | yes, every pass | every 20 s | no |
//! | [`karpenter`] | Karpenter node termination | no (taints `karpenter.sh/disrupted`) | every pass | no |
//! | [`cluster_autoscaler`] | cluster-autoscaler scale-down | no (taints later) | every check | yes |
//!
//! [`skip_deleted`] holds the "long-deleted pod" filter kubectl and Cluster API share.
//!
//! Everything here is a pure function of a [`DrainPodView`] (and the node's Ready status where
//! a drainer looks at it); the engine runs a drain as a process over simulated time (cordon,
//! list, evict with retries, wait, time out) and calls these functions at each step. The
//! per-drainer `eviction_reaction` functions say what a drainer does with each Eviction API
//! answer.

use crate::model::Toleration;
use crate::model::pod::PodPhase;
use std::collections::BTreeMap;
use std::time::Duration;

pub mod cluster_api;
pub mod cluster_autoscaler;
pub mod karpenter;
pub mod kubectl;
pub mod skip_deleted;

/// Annotation the kubelet puts on the API mirror of a static pod.
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// The API server's default `terminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD: Duration = Duration::from_secs(30);

pub use crate::model::pod::{OwnerReference, RestartPolicy, Volume, VolumeSource};

static NO_STRINGS: BTreeMap<String, String> = BTreeMap::new();

/// What a drainer looks at in one pod. It borrows from the caller's pod record, so the engine
/// can build one per pod and pass without copying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrainPodView<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.namespace`.
    pub namespace: &'a str,
    /// `metadata.labels`.
    pub labels: &'a BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: &'a BTreeMap<String, String>,
    /// `metadata.ownerReferences`, in order; the controller is the first with `controller`.
    pub owner_references: &'a [OwnerReference],
    /// Whether the object the controller reference names exists (meaningless without one).
    pub controller_exists: bool,
    /// The controller's `spec.replicas` when it has one and it is known (cluster-autoscaler's
    /// `min-replica-count` check); `None` otherwise.
    pub controller_replicas: Option<i32>,
    /// The pod is the mirror of a static pod (annotation [`MIRROR_ANNOTATION`] present).
    pub is_mirror: bool,
    /// `spec.volumes`.
    pub volumes: &'a [Volume],
    /// `status.phase`.
    pub phase: PodPhase,
    /// How long ago the pod's `metadata.deletionTimestamp` was, or `None` when it has none.
    /// Upstream puts that timestamp at the delete request plus the grace period, so it can lie
    /// in the future; a future timestamp is given as zero (every rule only asks whether the
    /// age exceeds a positive threshold).
    pub deleted_for: Option<Duration>,
    /// Time since `metadata.creationTimestamp`, or `None` when the pod has none.
    pub age: Option<Duration>,
    /// `spec.priorityClassName`.
    pub priority_class_name: &'a str,
    /// `spec.restartPolicy`.
    pub restart_policy: RestartPolicy,
    /// `spec.terminationGracePeriodSeconds`; `None` means the API default
    /// ([`DEFAULT_TERMINATION_GRACE_PERIOD`]).
    pub termination_grace_period: Option<Duration>,
    /// `spec.tolerations`.
    pub tolerations: &'a [Toleration],
}

impl Default for DrainPodView<'_> {
    fn default() -> Self {
        DrainPodView {
            name: "",
            namespace: "",
            labels: &NO_STRINGS,
            annotations: &NO_STRINGS,
            owner_references: &[],
            controller_exists: false,
            controller_replicas: None,
            is_mirror: false,
            volumes: &[],
            phase: PodPhase::Pending,
            deleted_for: None,
            age: None,
            priority_class_name: "",
            restart_policy: RestartPolicy::Always,
            termination_grace_period: None,
            tolerations: &[],
        }
    }
}

impl<'a> DrainPodView<'a> {
    /// The controller reference: the first owner reference with `controller: true`.
    pub fn controller(&self) -> Option<&'a OwnerReference> {
        self.owner_references.iter().find(|o| o.controller)
    }

    /// The annotation `key`, if present.
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        self.annotations.get(key).map(String::as_str)
    }

    /// The label `key`, if present.
    pub fn label(&self, key: &str) -> Option<&'a str> {
        self.labels.get(key).map(String::as_str)
    }

    /// `Succeeded` or `Failed`.
    pub fn is_finished(&self) -> bool {
        self.phase.is_finished()
    }

    /// The pod has a deletion timestamp.
    pub fn is_terminating(&self) -> bool {
        self.deleted_for.is_some()
    }

    /// Any `emptyDir` volume, whatever its medium.
    pub fn has_empty_dir(&self) -> bool {
        self.volumes.iter().any(|v| matches!(v.source, VolumeSource::EmptyDir { .. }))
    }

    /// The grace period the API server uses for this pod.
    pub fn grace_period(&self) -> Duration {
        self.termination_grace_period.unwrap_or(DEFAULT_TERMINATION_GRACE_PERIOD)
    }
}

/// Why a drainer gives up on a node because of a pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefuseReason {
    /// kubectl: a pod of an existing DaemonSet, without `--ignore-daemonsets`.
    DaemonSetManaged,
    /// kubectl: a DaemonSet pod whose DaemonSet is gone, without `--force`.
    DaemonSetMissing,
    /// kubectl: an `emptyDir` volume without `--delete-emptydir-data`; cluster-autoscaler: a
    /// blocking local volume.
    LocalStorage,
    /// kubectl: no controller, without `--force`; cluster-autoscaler: no controller, or one of a
    /// kind it does not treat as replicating.
    NotReplicated,
    /// cluster-autoscaler: the controller object does not exist.
    ControllerNotFound,
    /// cluster-autoscaler: the ReplicaSet or ReplicationController has fewer replicas than
    /// `--min-replica-count`.
    MinReplicasReached,
    /// cluster-autoscaler: a `kube-system` pod that no PodDisruptionBudget covers.
    UnmovableKubeSystemPod,
    /// cluster-autoscaler: annotation `safe-to-evict: "false"`.
    NotSafeToEvict,
    /// cluster-autoscaler: a matching PodDisruptionBudget allows no disruption.
    NotEnoughPdb,
}

impl RefuseReason {
    /// A short description.
    pub fn as_str(self) -> &'static str {
        match self {
            RefuseReason::DaemonSetManaged => "DaemonSet-managed pod (needs --ignore-daemonsets)",
            RefuseReason::DaemonSetMissing => "its DaemonSet does not exist (needs --force)",
            RefuseReason::LocalStorage => "pod with local storage",
            RefuseReason::NotReplicated => "pod without a replicating controller",
            RefuseReason::ControllerNotFound => "its controller does not exist",
            RefuseReason::MinReplicasReached => "its controller has fewer replicas than the minimum",
            RefuseReason::UnmovableKubeSystemPod => "kube-system pod without a PodDisruptionBudget",
            RefuseReason::NotSafeToEvict => "annotated not safe to evict",
            RefuseReason::NotEnoughPdb => "its PodDisruptionBudget allows no disruption",
        }
    }
}

/// What a drainer does with one pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// An eviction request is sent (cluster-autoscaler: the pod is one it would move).
    Evict,
    /// Left alone, not waited for; does not hold the drain.
    Skip,
    /// Not evicted by the drainer, but the drain does not finish while the pod remains.
    Wait,
    /// The pod makes the drainer give up on the node.
    Refuse {
        /// Why.
        reason: RefuseReason,
    },
    /// The pod passed the drainer's checks, but nothing is sent because another pod of the node
    /// was refused.
    Aborted,
}

impl Action {
    /// The action's name in the conformance vectors.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Evict => "evict",
            Action::Skip => "skip",
            Action::Wait => "wait",
            Action::Refuse { .. } => "refuse",
            Action::Aborted => "aborted",
        }
    }

    /// Whether this is a refusal.
    pub fn is_refusal(self) -> bool {
        matches!(self, Action::Refuse { .. })
    }

    /// Whether the drain cannot finish while the pod is on the node (`Evict` or `Wait`).
    pub fn holds_drain(self) -> bool {
        matches!(self, Action::Evict | Action::Wait)
    }
}

/// Karpenter's eviction groups, emptied in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvictionTier {
    /// 1: neither critical nor owned by a DaemonSet.
    NonCritical,
    /// 2: not critical, owned by a DaemonSet.
    NonCriticalDaemon,
    /// 3: critical, not owned by a DaemonSet.
    Critical,
    /// 4: critical and owned by a DaemonSet.
    CriticalDaemon,
}

impl EvictionTier {
    /// The group's number, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            EvictionTier::NonCritical => 1,
            EvictionTier::NonCriticalDaemon => 2,
            EvictionTier::Critical => 3,
            EvictionTier::CriticalDaemon => 4,
        }
    }
}

/// One pod's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PodDecision {
    /// What the drainer does with the pod.
    pub action: Action,
    /// Karpenter's group for pods it waits for; `None` for other drainers and skipped pods.
    pub tier: Option<EvictionTier>,
}

impl PodDecision {
    /// A decision without a tier.
    pub fn of(action: Action) -> PodDecision {
        PodDecision { action, tier: None }
    }
}

/// The decisions of one drain pass over a node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DrainPlan {
    /// The drainer sets `spec.unschedulable: true` on the node.
    pub cordons: bool,
    /// The drain ends in failure because of a pod (kubectl reports an error for the node,
    /// cluster-autoscaler refuses to remove it). Eviction errors come on top, see the
    /// drainers' `eviction_reaction`.
    pub fails: bool,
    /// One decision per pod, in the order the pods were given.
    pub decisions: Vec<PodDecision>,
}

impl DrainPlan {
    /// Whether the plan sends at least one eviction.
    pub fn evicts_any(&self) -> bool {
        self.decisions.iter().any(|d| d.action == Action::Evict)
    }
}

/// Turns every `Evict` into `Aborted` when any pod was refused, and says whether one was: the
/// all-or-nothing rule of drainers that give up on the whole node.
pub fn abort_on_refusal(decisions: &mut [PodDecision]) -> bool {
    let refused = decisions.iter().any(|d| d.action.is_refusal());
    if refused {
        for d in decisions.iter_mut().filter(|d| d.action == Action::Evict) {
            d.action = Action::Aborted;
        }
    }
    refused
}

/// What a drainer does after one answer of the Eviction API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EvictionReaction {
    /// The request is over: the pod was evicted (the drainer now waits for it to go) or is
    /// already gone.
    Done,
    /// The drainer asks again after this delay.
    RetryAfter(Duration),
    /// The drainer reports a failure for the node.
    Fail,
}

/// The four drainers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Drainer {
    /// `kubectl drain`.
    Kubectl,
    /// Cluster API Machine deletion.
    ClusterApi,
    /// Karpenter node termination.
    Karpenter,
    /// cluster-autoscaler scale-down.
    ClusterAutoscaler,
}

impl Drainer {
    /// Parses the names the vectors use: `kubectl`, `cluster-api`, `karpenter`,
    /// `cluster-autoscaler`.
    pub fn parse(s: &str) -> Option<Drainer> {
        match s {
            "kubectl" => Some(Drainer::Kubectl),
            "cluster-api" => Some(Drainer::ClusterApi),
            "karpenter" => Some(Drainer::Karpenter),
            "cluster-autoscaler" => Some(Drainer::ClusterAutoscaler),
            _ => None,
        }
    }

    /// The drainer's name as [`Drainer::parse`] reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Drainer::Kubectl => "kubectl",
            Drainer::ClusterApi => "cluster-api",
            Drainer::Karpenter => "karpenter",
            Drainer::ClusterAutoscaler => "cluster-autoscaler",
        }
    }

    /// Whether the drainer sets `spec.unschedulable: true`.
    pub fn cordons(self) -> bool {
        matches!(self, Drainer::Kubectl | Drainer::ClusterApi)
    }

    /// Whether the drainer lists the node's pods again on later passes, so pods that arrive
    /// during the drain are decided too (kubectl lists once and never sees them).
    pub fn relists(self) -> bool {
        !matches!(self, Drainer::Kubectl)
    }
}

/// The owned data a [`DrainPodView`] borrows from, for callers that hold no pod record of their
/// own (the conformance evaluators and tests); fields as in the view.
#[derive(Clone, Debug, Default)]
pub struct OwnedDrainPod {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `metadata.ownerReferences`.
    pub owners: Vec<OwnerReference>,
    /// Whether the controller object exists.
    pub controller_exists: bool,
    /// The controller's replicas, when known.
    pub controller_replicas: Option<i32>,
    /// `spec.volumes`.
    pub volumes: Vec<Volume>,
    /// `status.phase`.
    pub phase: PodPhase,
    /// Age of the deletion timestamp.
    pub deleted_for: Option<Duration>,
    /// Time since creation.
    pub age: Option<Duration>,
    /// `spec.priorityClassName`.
    pub priority_class_name: String,
    /// `spec.restartPolicy`.
    pub restart_policy: RestartPolicy,
    /// `spec.terminationGracePeriodSeconds`.
    pub termination_grace_period: Option<Duration>,
    /// `spec.tolerations`.
    pub tolerations: Vec<Toleration>,
}

impl OwnedDrainPod {
    /// The view a drainer's rules read.
    pub fn view(&self) -> DrainPodView<'_> {
        DrainPodView {
            name: &self.name,
            namespace: &self.namespace,
            labels: &self.labels,
            annotations: &self.annotations,
            owner_references: &self.owners,
            controller_exists: self.controller_exists,
            controller_replicas: self.controller_replicas,
            is_mirror: self.annotations.contains_key(MIRROR_ANNOTATION),
            volumes: &self.volumes,
            phase: self.phase,
            deleted_for: self.deleted_for,
            age: self.age,
            priority_class_name: &self.priority_class_name,
            restart_policy: self.restart_policy,
            termination_grace_period: self.termination_grace_period,
            tolerations: &self.tolerations,
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! An owned pod to borrow [`DrainPodView`]s from in tests.

    use super::*;

    pub use super::OwnedDrainPod as TestPod;

    impl OwnedDrainPod {
        /// A pod in `default` with no owner.
        pub fn new(name: &str) -> TestPod {
            TestPod { name: name.into(), namespace: "default".into(), ..TestPod::default() }
        }

        /// Adds a controller reference to an existing object.
        pub fn owned_by(mut self, api_version: &str, kind: &str) -> TestPod {
            self.owners.push(OwnerReference {
                api_version: api_version.into(),
                kind: kind.into(),
                name: "owner".into(),
                controller: true,
            });
            self.controller_exists = true;
            self
        }

        /// Marks the controller object as missing.
        pub fn orphaned(mut self) -> TestPod {
            self.controller_exists = false;
            self
        }

        /// Adds an annotation.
        pub fn annotated(mut self, key: &str, value: &str) -> TestPod {
            self.annotations.insert(key.into(), value.into());
            self
        }

        /// Adds a label.
        pub fn labelled(mut self, key: &str, value: &str) -> TestPod {
            self.labels.insert(key.into(), value.into());
            self
        }

        /// Adds an `emptyDir` volume.
        pub fn with_empty_dir(mut self, name: &str, medium: &str) -> TestPod {
            self.volumes
                .push(Volume { name: name.into(), source: VolumeSource::EmptyDir { medium: medium.into() } });
            self
        }

        /// Adds a `hostPath` volume.
        pub fn with_host_path(mut self, name: &str) -> TestPod {
            self.volumes.push(Volume { name: name.into(), source: VolumeSource::HostPath });
            self
        }

        /// Sets the phase.
        pub fn in_phase(mut self, phase: PodPhase) -> TestPod {
            self.phase = phase;
            self
        }

        /// Gives the pod a deletion timestamp `secs` seconds old.
        pub fn deleted_secs_ago(mut self, secs: u64) -> TestPod {
            self.deleted_for = Some(Duration::from_secs(secs));
            self
        }

        /// Moves the pod to `namespace`.
        pub fn in_namespace(mut self, namespace: &str) -> TestPod {
            self.namespace = namespace.into();
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::TestPod;
    use super::*;

    #[test]
    fn the_controller_is_the_first_owner_marked_controller() {
        let mut pod = TestPod::new("p");
        pod.owners.push(OwnerReference {
            api_version: "v1".into(),
            kind: "Node".into(),
            name: "n".into(),
            controller: false,
        });
        let pod = pod.owned_by("apps/v1", "ReplicaSet");
        assert_eq!(pod.view().controller().map(|o| o.kind.as_str()), Some("ReplicaSet"));
        assert_eq!(TestPod::new("q").view().controller(), None);
    }

    #[test]
    fn the_group_is_the_part_before_the_slash() {
        let o = |v: &str| OwnerReference { api_version: v.into(), ..OwnerReference::default() };
        assert_eq!(o("apps/v1").group(), "apps");
        assert_eq!(o("v1").group(), "");
        assert_eq!(o("").group(), "");
    }

    #[test]
    fn refusals_abort_every_eviction_of_the_node() {
        let mut d = vec![
            PodDecision::of(Action::Evict),
            PodDecision::of(Action::Skip),
            PodDecision::of(Action::Refuse { reason: RefuseReason::LocalStorage }),
        ];
        assert!(abort_on_refusal(&mut d));
        assert_eq!(d[0].action, Action::Aborted);
        assert_eq!(d[1].action, Action::Skip);
        let mut ok = vec![PodDecision::of(Action::Evict)];
        assert!(!abort_on_refusal(&mut ok));
        assert_eq!(ok[0].action, Action::Evict);
    }

    #[test]
    fn drainer_names_round_trip_and_only_kubectl_lists_once() {
        for d in [Drainer::Kubectl, Drainer::ClusterApi, Drainer::Karpenter, Drainer::ClusterAutoscaler] {
            assert_eq!(Drainer::parse(d.as_str()), Some(d));
        }
        assert!(!Drainer::Kubectl.relists() && Drainer::ClusterApi.relists());
        assert!(
            Drainer::Kubectl.cordons()
                && !Drainer::Karpenter.cordons()
                && !Drainer::ClusterAutoscaler.cordons()
        );
    }

    #[test]
    fn tiers_are_numbered_one_to_four() {
        let n: Vec<u8> = [
            EvictionTier::NonCritical,
            EvictionTier::NonCriticalDaemon,
            EvictionTier::Critical,
            EvictionTier::CriticalDaemon,
        ]
        .map(EvictionTier::number)
        .into();
        assert_eq!(n, vec![1, 2, 3, 4]);
    }
}
