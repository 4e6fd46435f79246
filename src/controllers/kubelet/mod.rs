//! The kubelet's node-pressure rules: critical pods, QoS classes, admission under pressure,
//! eviction signals and thresholds with their defaults, the pressure conditions and their
//! transition period, the ranking of pods for eviction and the grace period they get, and the
//! back-offs that follow a rejected or killed pod.
//!
//! Everything here is a pure function or a small state machine over plain values; nothing
//! reads JSON or the engine's world. The pieces an engine needs, in the order a housekeeping
//! pass uses them:
//!
//! 1. [`EvictionSettings::defaults`] (per [`Os`] and Kubernetes version), then
//!    [`EvictionManager::from_settings`], one manager per node.
//! 2. Every pass, [`EvictionManager::synchronize`] with the node's [`Observation`]s per
//!    [`Signal`] (in bytes, inodes or process ids, as [`Quantity`](crate::model::Quantity)s):
//!    it returns the pressure conditions (with their changes, which the node lifecycle
//!    controller turns into `NoSchedule` taints, [`Condition::taint_key`]) and, when a
//!    threshold drives eviction, the [`Reclaim`] signal.
//! 3. For a reclaim: [`rank_for_signal`] over the node's running pods, [`pick_victim`] with
//!    [`is_critical`], and [`eviction_grace_period_seconds`]; the evicted pod ends `Failed`
//!    with reason [`REJECTION_REASON`]. The next pass follows [`next_pass_after_eviction`];
//!    after a pass without eviction, [`next_pass_without_eviction`] (10 s).
//! 4. For a pod arriving on the node: [`admit()`] with the current conditions
//!    ([`PressureConditions::current_list`]); a rejected pod turns `Failed`.
//! 5. For what follows a failed or killed pod: [`daemon_failed_pod`] (the DaemonSet
//!    controller's back-off before recreating) and [`container_restart`] (CrashLoopBackOff).
//!
//! The simulator treats a pod as one container: its requests and limits are the pod's totals
//! ([`qos_class`], after [`requests_defaulted_from_limits`] for requests and limits as a chart
//! writes them); [`qos_class_of_containers`] handles several containers for the conformance
//! vectors.

pub mod admit;
pub mod backoff;
pub mod pressure;
pub mod ranking;
pub mod signals;

pub use admit::{
    API_SOURCE, AdmitPodView, CONFIG_SOURCE_ANNOTATION, QosClass, REJECTION_REASON, SYSTEM_CRITICAL_PRIORITY,
    admit, is_critical, is_mirror_pod, is_static_pod, qos_class, qos_class_of_containers, rejection_message,
    requests_defaulted_from_limits,
};
pub use backoff::{
    Backoff, CONTAINER_RESTART_BACKOFF_INITIAL, CONTAINER_RESTART_BACKOFF_MAX,
    DAEMON_FAILED_POD_BACKOFF_INITIAL, DAEMON_FAILED_POD_BACKOFF_MAX, FailedPodAction, backoff_delay,
    container_restart, daemon_failed_pod,
};
pub use pressure::{
    ConditionChange, EvictionManager, HOUSEKEEPING_INTERVAL, Observation, POD_CLEANUP_POLL,
    POD_CLEANUP_TIMEOUT, PassOutcome, PressureConditions, Reclaim, next_pass_after_eviction,
    next_pass_without_eviction, threshold_met,
};
pub use ranking::{
    IMMEDIATE_EVICTION_GRACE_PERIOD_SECONDS, PidRankView, PodUsage, UsageRankView,
    eviction_grace_period_seconds, pick_victim, rank_for_disk, rank_for_inodes, rank_for_memory,
    rank_for_pid, rank_for_signal,
};
pub use signals::{
    Condition, DEFAULT_EVICTION_MAX_POD_GRACE_PERIOD_SECONDS, DEFAULT_EVICTION_PRESSURE_TRANSITION_PERIOD,
    DEFAULT_MERGE_DEFAULT_EVICTION_SETTINGS, EvictionSettings, EvictionThreshold, Measure, Os, Signal,
    Threshold, add_allocatable_thresholds, default_eviction_hard, effective_eviction_hard,
    eviction_pressure_transition_period, hard_thresholds, has_merge_default_eviction_settings,
};
