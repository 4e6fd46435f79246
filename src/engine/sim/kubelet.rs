//! The kubelet's side of node pressure: what pods really use, the eviction manager's
//! housekeeping pass every 10 s, OOM kills and restarts, admission under pressure, and
//! pressure conditions set from the timeline.
//!
//! Signals are derived from usage as follows (documented in the README's limitations): the
//! node's own daemons are taken to use exactly what the node reserves for them, so
//! `memory.available = allocatable + 100Mi - pods' working set` (the 100Mi being the default
//! hard threshold that allocatable already subtracts), `allocatableMemory.available =
//! allocatable - pods' working set`, and `nodefs.available = allocatable + 10% of capacity -
//! pods' ephemeral storage` for nodes that list `ephemeral-storage`. Image filesystem, inode and
//! PID signals are not observed (no images are modeled, PIDs have no default threshold).

use super::{Ev, Simulation};
use crate::controllers::kubelet::{
    self as rules, AdmitPodView, Backoff, Condition, EvictionManager, EvictionSettings, Observation, Os,
    Signal,
};
use crate::controllers::node_lifecycle::ConditionStatus;
use crate::engine::world::{NodeId, Phase, PodId};
use crate::measures::{AgentEventKind, DeletionCause};
use crate::model::Quantity;
use crate::model::usage::{UsageModel, UsageResource};
use crate::scenario::{PressureCondition, WorkloadKind};
use rand::RngExt;
use std::collections::BTreeMap;
use std::time::Duration;

/// The kubelet of one node.
pub(super) struct KubeletRt {
    manager: EvictionManager,
    /// Conditions the eviction manager reports (before injected ones are added).
    observed: Vec<Condition>,
}

impl KubeletRt {
    pub(super) fn new(settings: &EvictionSettings) -> KubeletRt {
        KubeletRt { manager: EvictionManager::from_settings(settings), observed: Vec::new() }
    }
}

fn index(resource: UsageResource) -> usize {
    match resource {
        UsageResource::Memory => 0,
        UsageResource::Cpu => 1,
        UsageResource::EphemeralStorage => 2,
        UsageResource::Pids => 3,
    }
}

fn condition_of(c: PressureCondition) -> Condition {
    match c {
        PressureCondition::Memory => Condition::MemoryPressure,
        PressureCondition::Disk => Condition::DiskPressure,
        PressureCondition::Pid => Condition::PidPressure,
    }
}

/// The default eviction hard threshold of `memory.available`, which allocatable subtracts.
const MEMORY_THRESHOLD_MILLI: i64 = 100 * 1024 * 1024 * 1000;

impl Simulation<'_> {
    /// The kubelet settings every node runs with: the defaults of the scenario's version.
    pub(super) fn eviction_settings(&self) -> EvictionSettings {
        EvictionSettings::defaults(Os::Linux, self.sc.kubernetes_version)
    }

    /// Registers the kubelet of a new node and schedules its first housekeeping pass.
    pub(super) fn start_kubelet(&mut self, n: NodeId) {
        let settings = self.eviction_settings();
        while self.kubelets.len() <= n {
            self.kubelets.push(KubeletRt::new(&settings));
        }
        self.queue.push(self.now + rules::HOUSEKEEPING_INTERVAL, Ev::KubeletPass { node: n });
    }

    /// A new pod's starting use: its model's start, else its request.
    pub(super) fn initial_usage(&self, p: PodId) -> [i64; 4] {
        let tpl = &self.workloads[self.pods[p].workload].def.template;
        let mut usage = [0; 4];
        for r in UsageResource::ALL {
            usage[index(r)] = match tpl.usage.model(r) {
                Some(UsageModel::Constant(q)) => q.milli(),
                Some(UsageModel::RandomWalk { start, .. }) => start.milli(),
                None => match r {
                    UsageResource::Pids => 0,
                    _ => tpl.requests.get(r.as_str()).milli(),
                },
            };
        }
        usage
    }

    /// Moves the random walks of pod `p` up to now.
    fn step_usage(&mut self, p: PodId) {
        let w = self.pods[p].workload;
        for r in UsageResource::ALL {
            let Some(UsageModel::RandomWalk { min, max, step, every, .. }) =
                self.workloads[w].def.template.usage.model(r).cloned()
            else {
                continue;
            };
            let every_ms = every.as_millis().max(1) as u64;
            let from = self.pods[p].usage_stepped.as_millis() / every_ms;
            let to = self.now.as_millis() / every_ms;
            let mut value = self.pods[p].usage[index(r)];
            for _ in from..to {
                let delta = if step.milli() > 0 {
                    self.pods[p].usage_rng.random_range(-step.milli()..=step.milli())
                } else {
                    0
                };
                value = (value + delta).clamp(min.milli(), max.milli());
            }
            self.pods[p].usage[index(r)] = value;
        }
        self.pods[p].usage_stepped = self.now;
    }

    /// What pod `p` uses of `r` now, spikes included; zero while its containers do not run.
    pub(super) fn current_usage(&self, p: PodId, r: UsageResource) -> i64 {
        let pod = &self.pods[p];
        if pod.gone || !pod.running {
            return 0;
        }
        let spike = pod.node.and_then(|n| self.spikes.get(&(n, pod.workload, r))).copied().unwrap_or(0);
        pod.usage[index(r)] + spike
    }

    /// The signals of node `n` now, with `exclude` pods' use left out (for the question "would
    /// this have happened without the agent?").
    fn observations(&self, n: NodeId, exclude: impl Fn(PodId) -> bool) -> BTreeMap<Signal, Observation> {
        let node = &self.nodes[n];
        let pods: Vec<PodId> = node.pods.iter().copied().filter(|&p| !exclude(p)).collect();
        // Use outside pods (node-level spikes) counts whatever is left out.
        let sum = |r: UsageResource| -> i64 {
            let outside = self.node_spikes.get(&(n, r)).copied().unwrap_or(0);
            outside + pods.iter().map(|&p| self.current_usage(p, r)).sum::<i64>()
        };
        let mut obs = BTreeMap::new();
        let alloc_mem = node.def.allocatable.get("memory").milli();
        let cap_mem = node.def.capacity.get("memory").milli().max(alloc_mem);
        if cap_mem > 0 {
            let used = sum(UsageResource::Memory);
            let q = |m: i64| Quantity::from_milli(m.max(0));
            obs.insert(
                Signal::MemoryAvailable,
                Observation { available: q(alloc_mem + MEMORY_THRESHOLD_MILLI - used), capacity: q(cap_mem) },
            );
            obs.insert(
                Signal::AllocatableMemoryAvailable,
                Observation { available: q(alloc_mem - used), capacity: q(alloc_mem) },
            );
        }
        let cap_eph = node.def.capacity.get("ephemeral-storage").milli();
        if cap_eph > 0 {
            let alloc_eph = node.def.allocatable.get("ephemeral-storage").milli();
            let used = sum(UsageResource::EphemeralStorage);
            let available = alloc_eph + cap_eph / 10 - used;
            obs.insert(
                Signal::NodeFsAvailable,
                Observation {
                    available: Quantity::from_milli(available.max(0)),
                    capacity: Quantity::from_milli(cap_eph),
                },
            );
        }
        obs
    }

    /// One housekeeping pass of node `n`'s kubelet.
    pub(super) fn kubelet_pass(&mut self, n: NodeId) {
        if self.nodes[n].deleted {
            return;
        }
        let mut next = self.now + rules::HOUSEKEEPING_INTERVAL;
        if self.nodes[n].up && self.nodes[n].kubelet_ready {
            let pods: Vec<PodId> = self.nodes[n].pods.iter().copied().collect();
            for &p in &pods {
                self.step_usage(p);
            }
            // Containers over their memory limit are killed by the kernel.
            for &p in &pods {
                let limit = self.workloads[self.pods[p].workload].def.template.limits.get("memory").milli();
                let pod = &self.pods[p];
                if limit > 0
                    && pod.running
                    && pod.deletion.is_none()
                    && self.current_usage(p, UsageResource::Memory) > limit
                {
                    self.oom_kill(p);
                }
            }
            let obs = self.observations(n, |_| false);
            let outcome = self.kubelets[n].manager.synchronize(self.now, &obs);
            self.kubelets[n].observed = outcome.conditions.iter().copied().collect();
            self.publish_conditions(n);
            if let Some(reclaim) = outcome.reclaim {
                if self.evict_one(n, reclaim.signal, &obs) {
                    next = self.now + Duration::from_secs(1);
                }
            }
        }
        self.queue.push(next, Ev::KubeletPass { node: n });
    }

    /// The conditions the kubelet reports for node `n`: observed ones plus injected ones.
    pub(super) fn kubelet_conditions(&self, n: NodeId) -> Vec<Condition> {
        let mut conds: Vec<Condition> = self.kubelets.get(n).map(|k| k.observed.clone()).unwrap_or_default();
        for c in [PressureCondition::Memory, PressureCondition::Disk, PressureCondition::Pid] {
            if self.injected.get(&(n, c)).copied().unwrap_or(false) && !conds.contains(&condition_of(c)) {
                conds.push(condition_of(c));
            }
        }
        conds.sort();
        conds
    }

    /// Writes the kubelet's conditions into the API view (the node lifecycle controller then
    /// taints the node).
    pub(super) fn publish_conditions(&mut self, n: NodeId) {
        if self.nodes[n].conditions.ready == ConditionStatus::Unknown || !self.nodes[n].up {
            return;
        }
        let conds = self.kubelet_conditions(n);
        let status =
            |c: Condition| if conds.contains(&c) { ConditionStatus::True } else { ConditionStatus::False };
        let node = &mut self.nodes[n];
        let wanted = (
            status(Condition::MemoryPressure),
            status(Condition::DiskPressure),
            status(Condition::PidPressure),
        );
        let current =
            (node.conditions.memory_pressure, node.conditions.disk_pressure, node.conditions.pid_pressure);
        if wanted != current {
            node.conditions.memory_pressure = wanted.0;
            node.conditions.disk_pressure = wanted.1;
            node.conditions.pid_pressure = wanted.2;
            self.reconcile_condition_taints(n);
            self.node_api_changed(n);
            self.truth_changed = true;
        }
    }

    /// Evicts the first non-critical pod in the kubelet's ranking for `signal`. Returns whether
    /// one was evicted.
    fn evict_one(&mut self, n: NodeId, signal: Signal, obs: &BTreeMap<Signal, Observation>) -> bool {
        let candidates: Vec<PodId> = self.nodes[n]
            .pods
            .iter()
            .copied()
            .filter(|&p| {
                let pod = &self.pods[p];
                !pod.gone && pod.deletion.is_none() && pod.phase != Phase::Failed
            })
            .collect();
        let views: Vec<rules::PodUsage> = candidates
            .iter()
            .map(|&p| {
                let tpl = &self.workloads[self.pods[p].workload].def.template;
                rules::PodUsage {
                    priority: tpl.priority,
                    memory: Quantity::from_milli(self.current_usage(p, UsageResource::Memory)),
                    memory_request: tpl.requests.get("memory"),
                    ephemeral_storage: Quantity::from_milli(
                        self.current_usage(p, UsageResource::EphemeralStorage),
                    ),
                    ephemeral_storage_request: tpl.requests.get("ephemeral-storage"),
                    inodes: 0,
                    processes: (self.current_usage(p, UsageResource::Pids) / 1000).max(0) as u64,
                }
            })
            .collect();
        let ranked = rules::rank_for_signal(signal, &views);
        let critical = |i: usize| {
            let tpl = &self.workloads[self.pods[candidates[i]].workload].def.template;
            rules::is_critical(&tpl.annotations, tpl.priority)
        };
        let Some(victim) = rules::pick_victim(&ranked, critical) else { return false };
        let p = candidates[victim];

        // Contention: a business pod evicted beside a running agent pod, and whether the
        // agent's own use is what tipped the node over.
        if self.is_business[self.pods[p].workload] {
            self.contention.business_evictions += 1;
            let agent = self.agent;
            let beside_agent =
                self.nodes[n].pods.iter().any(|&q| self.pods[q].workload == agent && self.pods[q].running);
            if beside_agent {
                self.contention.business_evictions_beside_agent += 1;
                let without = self.observations(n, |q| self.pods[q].workload == agent);
                let still_met = self.kubelets[n]
                    .manager
                    .thresholds()
                    .iter()
                    .filter(|t| t.signal == signal)
                    .any(|t| without.get(&signal).is_some_and(|o| rules::threshold_met(t, o, false)));
                if !still_met && obs.contains_key(&signal) {
                    self.contention.business_evictions_caused_by_agent += 1;
                }
            }
        } else if self.pods[p].workload == self.agent {
            self.contention.agent_evictions += 1;
        }
        self.fail_pod(p, DeletionCause::KubeletEviction);
        true
    }

    /// The kubelet kills pod `p`'s containers and marks it Failed (evicted or not admitted);
    /// its controller replaces it: a ReplicaSet at once, a DaemonSet after its back-off.
    pub(super) fn fail_pod(&mut self, p: PodId, cause: DeletionCause) {
        let pod = &mut self.pods[p];
        if pod.gone || pod.phase == Phase::Failed {
            return;
        }
        let was_running = pod.running;
        pod.phase = Phase::Failed;
        pod.running = false;
        pod.start_epoch += 1;
        self.truth_changed = true;
        if was_running {
            self.log(p, AgentEventKind::Stopped);
        }
        self.log(p, AgentEventKind::Deleted(cause));
        self.taint_eviction.forget(&p);
        let w = self.pods[p].workload;
        match (self.workloads[w].def.kind.clone(), self.pods[p].daemon_node) {
            (WorkloadKind::DaemonSet, Some(_)) => self.daemon_failed_pod(p),
            _ => {
                self.queue.push(self.now + Duration::from_secs(1), Ev::PodGone { pod: p });
                self.replicaset_sync(w);
            }
        }
    }

    /// The kernel kills pod `p`'s container for exceeding its memory limit; the kubelet
    /// restarts it after the container restart back-off.
    fn oom_kill(&mut self, p: PodId) {
        if self.pods[p].workload == self.agent {
            self.contention.agent_oom_kills += 1;
        }
        self.log(p, AgentEventKind::OomKilled);
        let now = self.now;
        let pod = &mut self.pods[p];
        pod.running = false;
        pod.start_epoch += 1;
        pod.restarts += 1;
        let at = rules::container_restart(&mut pod.restart_backoff, now);
        // The restarted container starts from its model's initial use again.
        let fresh = self.initial_usage(p);
        let pod = &mut self.pods[p];
        pod.usage = fresh;
        let epoch = pod.start_epoch;
        self.truth_changed = true;
        self.queue.push(at.max(now), Ev::PodStart { pod: p, epoch });
    }

    /// The DaemonSet controller meets failed daemon pod `p` in a sync: outside the back-off
    /// since its last deletion on that node it steps the back-off and deletes the pod (gone a
    /// second later; the replacement is created in the next sync, with no wait of its own);
    /// inside it, it looks again when the current delay has passed.
    pub(super) fn daemon_failed_pod(&mut self, p: PodId) {
        let pod = &self.pods[p];
        let (true, false, Some(n)) = (pod.phase == Phase::Failed, pod.gone, pod.daemon_node) else { return };
        let w = pod.workload;
        let b = self.ds_backoff.entry((w, n)).or_insert_with(Backoff::daemon_failed_pods);
        match rules::daemon_failed_pod(b, self.now) {
            rules::FailedPodAction::Delete => {
                self.queue.push(self.now + Duration::from_secs(1), Ev::PodGone { pod: p })
            }
            rules::FailedPodAction::RetryAt(t) => {
                self.queue.push(t.max(self.now + Duration::from_secs(1)), Ev::DaemonFailedPod { pod: p })
            }
        }
    }

    /// The kubelet's admission check when pod `p` arrives on node `n` under pressure; a
    /// rejected pod ends Failed. Returns whether it was admitted.
    pub(super) fn kubelet_admits(&mut self, p: PodId, n: NodeId) -> bool {
        let conditions = self.kubelet_conditions(n);
        if conditions.is_empty() {
            return true;
        }
        let pod = &self.pods[p];
        let tpl = &self.workloads[pod.workload].def.template;
        let view = AdmitPodView {
            annotations: &tpl.annotations,
            priority: tpl.priority,
            qos: rules::qos_class(&tpl.requests, &tpl.limits),
            tolerations: &pod.tolerations,
        };
        if rules::admit(&conditions, &view) {
            return true;
        }
        if pod.workload == self.agent {
            self.contention.agent_admission_rejections += 1;
        }
        self.fail_pod(p, DeletionCause::KubeletAdmission);
        false
    }

    /// Sets a pressure condition directly: the node lifecycle controller taints the node as for
    /// a condition the kubelet reported, but nothing is evicted because of it.
    pub(super) fn inject_condition(&mut self, n: NodeId, condition: PressureCondition, status: bool) {
        self.injected.insert((n, condition), status);
        self.publish_conditions(n);
    }

    /// Starts (`on`) or ends a usage spike of `workload`'s pods on node `n` (of the node
    /// itself, outside its pods, without a workload).
    pub(super) fn usage_spike(
        &mut self,
        n: NodeId,
        workload: Option<&str>,
        resource: UsageResource,
        amount: Quantity,
        on: bool,
    ) {
        let extra = match workload {
            Some(name) => {
                let Some(w) = self.workloads.iter().position(|wl| wl.def.name == name) else { return };
                self.spikes.entry((n, w, resource)).or_default()
            }
            None => self.node_spikes.entry((n, resource)).or_default(),
        };
        if on {
            *extra += amount.milli();
        } else {
            *extra = (*extra - amount.milli()).max(0);
        }
    }
}
