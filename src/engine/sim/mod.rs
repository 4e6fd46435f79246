//! One simulation run: a scenario with one agent's tolerations replaced by one policy.
//!
//! Controllers react with zero latency: at the instant the event that triggers them is
//! processed. The upstream delays that matter (node-monitor period and grace, tolerations, the
//! zone rate limiter, start-up and shutdown of containers) are modeled explicitly.

use super::queue::EventQueue;
use super::rng::{SimRng, derive_seed, seeded};
use super::world::{Node, NodeId, Phase, Pod, PodId, WorkloadId};
use crate::controllers::admission::DefaultTolerationSeconds;
use crate::controllers::daemonset::{self, DaemonPodState, TemplateView};
use crate::controllers::drain::MIRROR_ANNOTATION;
use crate::controllers::node_lifecycle::{
    self, ConditionStatus, NodeConditions, RateFlags, ZoneLimiter, ZoneState, reconcile_no_execute_taints,
    reconcile_no_schedule_taints,
};
use crate::controllers::replicaset;
use crate::controllers::scheduler::{
    FilterStatus, FitError, NodeView, PodView, Reason, Scheduler, filter_resources_fit,
    resources_fit_messages,
};
use crate::controllers::taint_eviction::{Action, TaintEvictionController};
use crate::measures::{
    AgentCounters, AgentEvent, AgentEventKind, BlindSpotTracker, Contention, DeletionCause, RunOutput,
    Sample, StartIssue,
};
use crate::model::keys::{NOT_READY, UNREACHABLE};
use crate::model::pod::{OwnerReference, WORKLOAD_LABEL};
use crate::model::taint;
use crate::model::usage::UsageResource;
use crate::model::{TaintEffect, Toleration};
use crate::scenario::{
    NodeTarget, Policy, PressureCondition, Scenario, TimelineAction, Workload, WorkloadKind,
};
use crate::time::SimTime;

mod drains;
mod kubelet;

use drains::DrainRt;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use crate::measures::SAMPLE_INTERVAL;

/// Default non-zero requests the scheduler's scoring assumes for a pod without one.
const DEFAULT_CPU_MILLI: i64 = 100;
const DEFAULT_MEMORY_MILLI: i64 = 200 * 1024 * 1024 * 1000;

#[derive(Clone, Copy, Debug)]
enum Ev {
    Timeline(usize),
    MonitorPass,
    NoExecuteQueue,
    ScheduleCycle,
    PodStart {
        pod: PodId,
        epoch: u32,
    },
    PodGone {
        pod: PodId,
    },
    TaintEvictionDue {
        pod: PodId,
    },
    OrphanGc {
        node: NodeId,
    },
    DrainStep {
        drain: usize,
    },
    KubeletPass {
        node: NodeId,
    },
    MaintenanceOver {
        drain: usize,
    },
    /// The DaemonSet controller looks again at a failed daemon pod it left for its back-off.
    DaemonFailedPod {
        pod: PodId,
    },
    /// The notice of a spot interruption has run out: the node goes.
    NodeLost {
        drain: usize,
    },
}

/// The tolerations pods of `workload` end up with: the DaemonSet controller's additions for
/// DaemonSets, then DefaultTolerationSeconds when enabled.
pub fn effective_tolerations(workload: &Workload, scenario: &Scenario) -> Vec<Toleration> {
    let t = &workload.template;
    let base = match workload.kind {
        WorkloadKind::DaemonSet => daemonset::daemon_pod_tolerations(&t.tolerations, t.host_network),
        _ => t.tolerations.clone(),
    };
    let s = &scenario.settings;
    if s.default_toleration_seconds_enabled {
        DefaultTolerationSeconds {
            not_ready_seconds: s.default_not_ready_toleration_seconds,
            unreachable_seconds: s.default_unreachable_toleration_seconds,
        }
        .admit(&base)
    } else {
        base
    }
}

/// The agent workload with its tolerations replaced by `policy`.
pub fn apply_policy(agent: &Workload, policy: &Policy) -> Workload {
    let mut w = agent.clone();
    w.template.tolerations = policy.tolerations.clone();
    w
}

struct WorkloadRt {
    def: Workload,
    effective: Vec<Toleration>,
    pods: Vec<PodId>,
    next_ordinal: u32,
    /// Pod labels: the template's plus [`WORKLOAD_LABEL`].
    labels: BTreeMap<String, String>,
    /// Owner references its pods carry (a ReplicaSet, a DaemonSet, or none for bare pods).
    owners: Vec<OwnerReference>,
}

impl WorkloadRt {
    fn new(def: Workload, scenario: &Scenario) -> WorkloadRt {
        let mut labels = def.template.labels.clone();
        labels.insert(WORKLOAD_LABEL.to_string(), def.name.clone());
        let owner = |kind: &str, name: String| OwnerReference {
            api_version: "apps/v1".into(),
            kind: kind.into(),
            name,
            controller: true,
        };
        let owners = match &def.kind {
            WorkloadKind::Deployment { .. } => vec![owner("ReplicaSet", format!("{}-rs", def.name))],
            WorkloadKind::DaemonSet => vec![owner("DaemonSet", def.name.clone())],
            // The API mirror of a static pod is owned by its Node.
            WorkloadKind::Pod { node_name: Some(node), .. }
                if def.template.annotations.contains_key(MIRROR_ANNOTATION) =>
            {
                vec![OwnerReference {
                    api_version: "v1".into(),
                    kind: "Node".into(),
                    name: node.clone(),
                    controller: true,
                }]
            }
            WorkloadKind::Pod { .. } => Vec::new(),
        };
        WorkloadRt {
            effective: effective_tolerations(&def, scenario),
            def,
            pods: Vec::new(),
            next_ordinal: 0,
            labels,
            owners,
        }
    }
}

/// A single run in progress.
pub struct Simulation<'a> {
    sc: &'a Scenario,
    now: SimTime,
    horizon: SimTime,
    queue: EventQueue<Ev>,
    rng: SimRng,
    nodes: Vec<Node>,
    node_index: BTreeMap<String, NodeId>,
    pods: Vec<Pod>,
    workloads: Vec<WorkloadRt>,
    is_business: Vec<bool>,
    scheduler: Scheduler,
    taint_eviction: TaintEvictionController<PodId>,
    zone_states: BTreeMap<String, ZoneState>,
    limiters: BTreeMap<String, ZoneLimiter>,
    no_execute_queue: BTreeMap<String, VecDeque<NodeId>>,
    queue_wakeup: Option<SimTime>,
    pending: BTreeSet<PodId>,
    cycle_queued: bool,
    cluster_changed: bool,
    truth_changed: bool,
    settling: bool,
    tracker: BlindSpotTracker,
    samples: Vec<Sample>,
    counters: AgentCounters,
    agent: WorkloadId,
    agent_log: Vec<AgentEvent>,
    spell_nodes: BTreeMap<u32, NodeId>,
    start_problems: Vec<(WorkloadId, String)>,
    drains: Vec<DrainRt>,
    draining: BTreeMap<NodeId, usize>,
    pdb_disrupted: Vec<BTreeMap<PodId, SimTime>>,
    /// Extra use per pod of a workload on a node, from usage spikes.
    spikes: BTreeMap<(NodeId, WorkloadId, UsageResource), i64>,
    /// Extra use of a node outside its pods, from usage spikes without a workload.
    node_spikes: BTreeMap<(NodeId, UsageResource), i64>,
    /// Pressure conditions set by the timeline rather than by the kubelet's signals.
    injected: BTreeMap<(NodeId, PressureCondition), bool>,
    /// Per node: the kubelet's eviction manager.
    kubelets: Vec<kubelet::KubeletRt>,
    /// Randomness of usage walks (its own stream, so usage does not shift placement).
    /// Per DaemonSet and node: the back-off between deletions of failed daemon pods.
    ds_backoff: BTreeMap<(WorkloadId, NodeId), crate::controllers::kubelet::Backoff>,
    contention: Contention,
    events: u64,
}

impl<'a> Simulation<'a> {
    /// Prepares a run of `scenario` where agent number `agent_index` carries `policy`.
    pub fn new(scenario: &'a Scenario, agent_index: usize, policy: &Policy) -> Simulation<'a> {
        let mut workloads = Vec::new();
        let mut is_business = Vec::new();
        for w in &scenario.workloads {
            workloads.push(w.clone());
            is_business.push(true);
        }
        let agent = workloads.len() + agent_index;
        for (i, a) in scenario.agents.iter().enumerate() {
            workloads.push(if i == agent_index { apply_policy(a, policy) } else { a.clone() });
            is_business.push(false);
        }
        let workloads: Vec<WorkloadRt> =
            workloads.into_iter().map(|def| WorkloadRt::new(def, scenario)).collect();
        let (daemon_set, desired) = match workloads[agent].def.kind {
            WorkloadKind::Deployment { replicas } => (false, replicas),
            _ => (true, 0),
        };
        // Every run of a scenario draws from the same stream, so runs make the same choices
        // until their policies make them diverge, and adding a policy changes no other run.
        let seed = derive_seed(scenario.seed, "scheduler");
        let tpl = &workloads[agent].def.template;
        let tracker = BlindSpotTracker::new(agent, daemon_set, desired)
            .with_node_selection(tpl.node_selector.clone(), tpl.affinity.clone());
        let mut nodes = Vec::new();
        let mut node_index = BTreeMap::new();
        for def in &scenario.nodes {
            node_index.insert(def.name.clone(), nodes.len());
            nodes.push(Node::new(def.clone(), SimTime::ZERO));
        }
        Simulation {
            sc: scenario,
            now: SimTime::ZERO,
            horizon: SimTime::from_duration(scenario.horizon),
            queue: EventQueue::new(),
            rng: seeded(seed),
            nodes,
            node_index,
            pods: Vec::new(),
            workloads,
            is_business,
            scheduler: Scheduler::new(scenario.settings.percentage_of_nodes_to_score),
            taint_eviction: TaintEvictionController::new(),
            zone_states: BTreeMap::new(),
            limiters: BTreeMap::new(),
            no_execute_queue: BTreeMap::new(),
            queue_wakeup: None,
            pending: BTreeSet::new(),
            cycle_queued: false,
            cluster_changed: false,
            truth_changed: false,
            settling: true,
            tracker,
            samples: Vec::new(),
            counters: AgentCounters::default(),
            agent,
            agent_log: Vec::new(),
            spell_nodes: BTreeMap::new(),
            start_problems: Vec::new(),
            drains: Vec::new(),
            draining: BTreeMap::new(),
            pdb_disrupted: vec![BTreeMap::new(); scenario.pdbs.len()],
            spikes: BTreeMap::new(),
            node_spikes: BTreeMap::new(),
            injected: BTreeMap::new(),
            kubelets: Vec::new(),
            ds_backoff: BTreeMap::new(),
            contention: Contention::default(),
            events: 0,
        }
    }

    /// Runs to the horizon and returns the results.
    ///
    /// The time series row for instant `t` shows the state after every event at or before `t`:
    /// rows are written when the clock is about to move past them.
    pub fn run(self, policy_name: &str) -> RunOutput {
        self.run_with_progress(policy_name, &mut |_| {})
    }

    /// [`Simulation::run`], calling `progress` with each time series instant as the clock
    /// passes it (for progress bars; it does not influence the run).
    pub fn run_with_progress(mut self, policy_name: &str, progress: &mut dyn FnMut(SimTime)) -> RunOutput {
        self.start();
        let mut next_sample = SimTime::ZERO;
        while let Some(at) = self.queue.peek_time() {
            if at > self.horizon {
                break;
            }
            // Measures see the state once every event of an instant is applied, so changes
            // undone within the same instant (a container restarted and killed again) leave no
            // zero-length spells behind.
            if self.truth_changed && at > self.now {
                self.truth_changed = false;
                self.tracker.observe(self.now, &self.nodes, &self.pods, &self.is_business);
            }
            while next_sample < at {
                self.samples.push(self.sample(next_sample));
                progress(next_sample);
                next_sample = next_sample + SAMPLE_INTERVAL;
            }
            let (at, ev) = self.queue.pop().expect("peeked an event");
            self.now = at;
            self.events += 1;
            self.handle(ev);
        }
        if self.truth_changed {
            self.truth_changed = false;
            self.tracker.observe(self.now, &self.nodes, &self.pods, &self.is_business);
        }
        while next_sample <= self.horizon {
            self.samples.push(self.sample(next_sample));
            next_sample = next_sample + SAMPLE_INTERVAL;
        }
        let start_issues = self.start_issues();
        let (blind_spots, [memory_pressure, disk_pressure, pid_pressure]) = self.tracker.finish(self.horizon);
        let contention = Contention { memory_pressure, disk_pressure, pid_pressure, ..self.contention };
        let agent = &self.workloads[self.agent];
        RunOutput {
            agent: agent.def.name.clone(),
            agent_kind: agent.def.kind.label(),
            policy: policy_name.to_string(),
            effective_tolerations: agent.effective.clone(),
            blind_spots,
            counters: self.counters,
            samples: self.samples,
            agent_log: self.agent_log,
            start_issues,
            drains: self.drains.into_iter().map(|d| d.into_result(self.horizon)).collect(),
            contention,
            events: self.events,
        }
    }

    /// The time series row for `at`: the tracker's last observation and the eviction counts
    /// so far.
    fn sample(&self, at: SimTime) -> Sample {
        Sample {
            business_evicted: self.contention.business_evictions,
            business_evicted_beside_agent: self.contention.business_evictions_beside_agent,
            ..self.tracker.current(at)
        }
    }

    fn start(&mut self) {
        // Node states written at time zero are the state the cluster starts in: applied
        // before the first placement, a node silent at zero as one silent for longer than
        // the grace period (Ready=Unknown).
        let initial: Vec<usize> = (0..self.sc.timeline.len()).filter(|&i| self.initial_state(i)).collect();
        for &i in &initial {
            self.timeline(i);
            if let TimelineAction::NodeSilent { node } = &self.sc.timeline[i].action {
                if let Some(&n) = self.node_index.get(node) {
                    self.nodes[n].conditions.mark_unknown();
                    self.reconcile_condition_taints(n);
                    self.node_api_changed(n);
                }
            }
        }
        // Timeline first, so that at equal instants scripted changes precede controller passes.
        for (i, e) in self.sc.timeline.iter().enumerate() {
            if !initial.contains(&i) {
                self.queue.push(e.at, Ev::Timeline(i));
            }
        }
        // The cluster starts settled: every initial pod is placed and running at time zero.
        for w in 0..self.workloads.len() {
            match self.workloads[w].def.kind.clone() {
                WorkloadKind::Deployment { replicas } => {
                    for _ in 0..replicas {
                        self.create_pod(w, None);
                    }
                }
                WorkloadKind::Pod { count, node_name } => {
                    for _ in 0..count {
                        let p = self.create_pod(w, None);
                        if let Some(n) = node_name.as_ref().and_then(|n| self.node_index.get(n).copied()) {
                            self.pending.remove(&p);
                            self.admit_on_node(p, n);
                        }
                    }
                }
                WorkloadKind::DaemonSet => {}
            }
        }
        for n in 0..self.nodes.len() {
            self.daemonset_sync_node(n);
        }
        self.schedule_cycle();
        self.settling = false;
        self.tracker.observe(self.now, &self.nodes, &self.pods, &self.is_business);
        self.queue.push(SimTime::ZERO, Ev::MonitorPass);
        for n in 0..self.nodes.len() {
            self.start_kubelet(n);
        }
    }

    /// Whether timeline event `i` sets a node's starting state: at time zero, by node name, and
    /// one of the events that change a node's state rather than start a process.
    fn initial_state(&self, i: usize) -> bool {
        let e = &self.sc.timeline[i];
        e.at == SimTime::ZERO
            && e.target == NodeTarget::Named
            && matches!(
                e.action,
                TimelineAction::NodeSilent { .. }
                    | TimelineAction::KubeletNotReady { .. }
                    | TimelineAction::InjectCondition { .. }
                    | TimelineAction::Cordon { .. }
                    | TimelineAction::AddTaint { .. }
                    | TimelineAction::AddNode(_)
            )
    }

    /// Groups the problems met while settling by workload and reason, in workload order.
    fn start_issues(&self) -> Vec<StartIssue> {
        let mut grouped: BTreeMap<(WorkloadId, &str), u32> = BTreeMap::new();
        for (w, why) in &self.start_problems {
            *grouped.entry((*w, why.as_str())).or_default() += 1;
        }
        grouped
            .into_iter()
            .map(|((w, why), pods)| StartIssue {
                workload: self.workloads[w].def.name.clone(),
                pods,
                reason: why.to_string(),
            })
            .collect()
    }

    fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Timeline(i) => self.timeline(i),
            Ev::MonitorPass => {
                self.monitor_pass();
                self.queue.push(self.now + self.sc.settings.node_monitor_period, Ev::MonitorPass);
            }
            Ev::NoExecuteQueue => {
                self.queue_wakeup = None;
                self.process_no_execute_queue();
            }
            Ev::ScheduleCycle => {
                self.cycle_queued = false;
                self.schedule_cycle();
            }
            Ev::PodStart { pod, epoch } => self.pod_start(pod, epoch),
            Ev::PodGone { pod } => {
                // Only a live kubelet can confirm that the containers stopped.
                if self.pods[pod].node.is_none_or(|n| self.nodes[n].up && !self.nodes[n].deleted) {
                    self.pod_gone(pod);
                }
            }
            Ev::TaintEvictionDue { pod } => {
                if self.taint_eviction.fire(self.now, &pod) {
                    self.count_taint_eviction(pod);
                    self.delete_pod(pod, DeletionCause::TaintEviction);
                }
            }
            Ev::OrphanGc { node } => self.orphan_gc(node),
            Ev::DrainStep { drain } => self.drain_step(drain),
            Ev::KubeletPass { node } => self.kubelet_pass(node),
            Ev::MaintenanceOver { drain } => self.maintenance_over(drain),
            Ev::NodeLost { drain } => self.take_down(drain),
            Ev::DaemonFailedPod { pod } => self.daemon_failed_pod(pod),
        }
    }

    // ----- timeline ---------------------------------------------------------------------

    fn timeline(&mut self, i: usize) {
        let action = self.sc.timeline[i].action.clone();
        if let TimelineAction::AddNode(def) = &action {
            let id = self.nodes.len();
            self.node_index.insert(def.name.clone(), id);
            self.nodes.push(Node::new(def.clone(), self.now));
            self.start_kubelet(id);
            self.truth_changed = true;
            self.node_api_changed(id);
            return;
        }
        let Some(n) = self.event_node(i) else { return };
        if self.nodes[n].deleted {
            return;
        }
        match action {
            TimelineAction::AddTaint { taint, .. } => {
                if taint::add_or_update(&mut self.nodes[n].taints, taint) {
                    self.node_api_changed(n);
                }
            }
            TimelineAction::RemoveTaint { key, effect, .. } => {
                if taint::remove(&mut self.nodes[n].taints, &key, effect) {
                    self.node_api_changed(n);
                }
            }
            TimelineAction::Cordon { .. } | TimelineAction::Uncordon { .. } => {
                self.nodes[n].unschedulable = matches!(action, TimelineAction::Cordon { .. });
                self.reconcile_condition_taints(n);
                self.node_api_changed(n);
            }
            TimelineAction::NodeSilent { .. } => self.node_goes_silent(n),
            TimelineAction::NodeBack { .. } => self.node_comes_back(n),
            TimelineAction::KubeletNotReady { .. } => {
                let node = &mut self.nodes[n];
                let was_usable = node.usable();
                node.kubelet_ready = false;
                if node.up {
                    node.conditions.ready = ConditionStatus::False;
                    self.reconcile_condition_taints(n);
                    self.node_api_changed(n);
                }
                if was_usable {
                    self.node_unusable(n);
                }
            }
            TimelineAction::KubeletReady { .. } => {
                let node = &mut self.nodes[n];
                let was_usable = node.usable();
                node.kubelet_ready = true;
                if node.up {
                    node.conditions.ready = ConditionStatus::True;
                    self.reconcile_condition_taints(n);
                    self.node_api_changed(n);
                    if !was_usable {
                        self.node_usable(n);
                    }
                }
            }
            TimelineAction::RemoveNode { .. } => {
                self.nodes[n].deleted = true;
                for q in self.no_execute_queue.values_mut() {
                    q.retain(|&x| x != n);
                }
                self.node_unusable(n);
                self.queue.push(self.now + self.sc.settings.orphan_pod_gc_delay, Ev::OrphanGc { node: n });
                self.cluster_changed = true;
                self.queue_cycle();
            }
            TimelineAction::Drain { drain, .. } => self.start_drain(n, &drain),
            TimelineAction::InjectCondition { condition, status, .. } => {
                self.inject_condition(n, condition, status)
            }
            TimelineAction::UsageSpike { workload, resource, amount, .. } => {
                self.usage_spike(n, workload.as_deref(), resource, amount, true)
            }
            TimelineAction::UsageSpikeEnd { workload, resource, amount, .. } => {
                self.usage_spike(n, workload.as_deref(), resource, amount, false)
            }
            TimelineAction::AddNode(_) => unreachable!("handled above"),
        }
    }

    /// Truth: the node stops (no heartbeats, its pods stop running).
    fn node_goes_silent(&mut self, n: NodeId) {
        let node = &mut self.nodes[n];
        if node.up {
            node.up = false;
            node.last_heartbeat = self.now;
            self.node_unusable(n);
        }
    }

    /// Truth: the node runs again and its kubelet reports Ready at once.
    fn node_comes_back(&mut self, n: NodeId) {
        if !self.nodes[n].up {
            let node = &mut self.nodes[n];
            node.up = true;
            node.kubelet_ready = true;
            node.last_heartbeat = self.now;
            node.conditions = NodeConditions::healthy();
            self.reconcile_condition_taints(n);
            self.node_api_changed(n);
            self.node_usable(n);
        }
    }

    /// The node timeline event `i` applies to, resolving `node_of` targets now.
    fn event_node(&mut self, i: usize) -> Option<NodeId> {
        let event = &self.sc.timeline[i];
        match &event.target {
            NodeTarget::Named => self.node_index.get(event.action.node()).copied(),
            NodeTarget::NodeOf { workload, spell } => {
                let n = self.node_of(workload);
                if let (Some(spell), Some(n)) = (spell, n) {
                    self.spell_nodes.insert(*spell, n);
                }
                n
            }
            NodeTarget::SpellEnd { spell, .. } => self.spell_nodes.remove(spell),
        }
    }

    /// The node of the workload's oldest running pod, else of its oldest bound active pod.
    fn node_of(&self, workload: &str) -> Option<NodeId> {
        let w = self.workloads.iter().position(|w| w.def.name == workload)?;
        let pods = &self.workloads[w].pods;
        let running = pods.iter().find(|&&p| self.pods[p].running);
        let bound = || pods.iter().find(|&&p| self.pods[p].active() && self.pods[p].node.is_some());
        running.or_else(bound).and_then(|&p| self.pods[p].node)
    }

    // ----- node lifecycle ---------------------------------------------------------------

    fn reconcile_condition_taints(&mut self, n: NodeId) -> bool {
        let node = &mut self.nodes[n];
        reconcile_no_schedule_taints(&mut node.taints, &node.conditions, node.unschedulable)
    }

    /// Something in the node's API object changed: taints, conditions, spec.
    fn node_api_changed(&mut self, n: NodeId) {
        self.taint_eviction_node(n);
        self.daemonset_sync_node(n);
        self.cluster_changed = true;
        self.queue_cycle();
    }

    fn monitor_pass(&mut self) {
        let s = &self.sc.settings;
        let (period, grace) = (s.node_monitor_period, s.node_monitor_grace_period);
        // Health: silent nodes turn Unknown once the grace period has run out.
        for n in 0..self.nodes.len() {
            let node = &self.nodes[n];
            if node.deleted || node.up || node.conditions.ready == ConditionStatus::Unknown {
                continue;
            }
            if self.now >= node_lifecycle::ready_unknown_at(node.last_heartbeat, period, grace) {
                self.nodes[n].conditions.mark_unknown();
                self.reconcile_condition_taints(n);
                self.node_api_changed(n);
            }
        }
        self.handle_disruption();
    }

    fn handle_disruption(&mut self) {
        let s = &self.sc.settings;
        let flags = RateFlags {
            node_eviction_rate: s.node_eviction_rate,
            secondary_node_eviction_rate: s.secondary_node_eviction_rate,
            large_cluster_size_threshold: s.large_cluster_size_threshold,
        };
        let mut counts: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for node in self.nodes.iter().filter(|n| !n.deleted) {
            let e = counts.entry(node.zone.clone()).or_default();
            if node.conditions.ready == ConditionStatus::True {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
        let states: BTreeMap<String, ZoneState> = counts
            .iter()
            .map(|(z, &(r, nr))| (z.clone(), node_lifecycle::zone_state(r, nr, s.unhealthy_zone_threshold)))
            .collect();
        let all_full = !states.is_empty() && states.values().all(|st| *st == ZoneState::FullDisruption);
        for (zone, state) in &states {
            let size = counts[zone].0 + counts[zone].1;
            let (rate, _) = node_lifecycle::zone_no_execute_rate(*state, size, all_full, &flags);
            let changed = self.zone_states.get(zone) != Some(state);
            let limiter = self.limiters.get(zone);
            if changed || limiter.is_none_or(|l| l.rate() != rate) {
                self.limiters.insert(zone.clone(), ZoneLimiter::new(rate, self.now));
            }
        }
        self.zone_states = states;
        if all_full {
            // Every zone fully disrupted: strip the NoExecute condition taints, add none.
            for n in 0..self.nodes.len() {
                let t = &mut self.nodes[n].taints;
                let a = taint::remove(t, NOT_READY, TaintEffect::NoExecute);
                let b = taint::remove(t, UNREACHABLE, TaintEffect::NoExecute);
                self.nodes[n].queued_for_no_execute = false;
                if a || b {
                    self.node_api_changed(n);
                }
            }
            self.no_execute_queue.clear();
            return;
        }
        for n in 0..self.nodes.len() {
            if !self.nodes[n].deleted {
                self.process_taint_based_eviction(n);
            }
        }
        self.process_no_execute_queue();
    }

    fn has_no_execute(&self, n: NodeId, key: &str) -> bool {
        self.nodes[n].taints.iter().any(|t| t.key == key && t.effect == TaintEffect::NoExecute)
    }

    fn process_taint_based_eviction(&mut self, n: NodeId) {
        let ready = self.nodes[n].conditions.ready;
        let wanted = node_lifecycle::wanted_no_execute_key(ready);
        match wanted {
            None => {
                let node = &mut self.nodes[n];
                if node.queued_for_no_execute {
                    node.queued_for_no_execute = false;
                    if let Some(q) = self.no_execute_queue.get_mut(&node.zone) {
                        q.retain(|&x| x != n);
                    }
                }
                if reconcile_no_execute_taints(&mut node.taints, ready) {
                    self.node_api_changed(n);
                }
            }
            // The opposite taint is there: swap at once, without a token.
            Some(key) if self.has_no_execute(n, node_lifecycle::opposite_key(key)) => {
                reconcile_no_execute_taints(&mut self.nodes[n].taints, ready);
                self.node_api_changed(n);
            }
            Some(key) => {
                if !self.has_no_execute(n, key) && !self.nodes[n].queued_for_no_execute {
                    self.nodes[n].queued_for_no_execute = true;
                    let zone = self.nodes[n].zone.clone();
                    self.no_execute_queue.entry(zone).or_default().push_back(n);
                }
            }
        }
    }

    fn process_no_execute_queue(&mut self) {
        let zones: Vec<String> = self.no_execute_queue.keys().cloned().collect();
        let mut wake: Option<SimTime> = None;
        for zone in zones {
            while let Some(&n) = self.no_execute_queue.get(&zone).and_then(|q| q.front()) {
                let ready = self.nodes[n].conditions.ready;
                if node_lifecycle::wanted_no_execute_key(ready).is_none() || self.nodes[n].deleted {
                    self.no_execute_queue.get_mut(&zone).map(VecDeque::pop_front);
                    self.nodes[n].queued_for_no_execute = false;
                    continue;
                }
                let now = self.now;
                let limiter = self.limiters.entry(zone.clone()).or_insert_with(|| ZoneLimiter::new(0.1, now));
                if !limiter.try_take(now) {
                    if let Some(at) = limiter.next_token_at(now) {
                        wake = Some(wake.map_or(at, |w| w.min(at)));
                    }
                    break;
                }
                self.no_execute_queue.get_mut(&zone).map(VecDeque::pop_front);
                self.nodes[n].queued_for_no_execute = false;
                reconcile_no_execute_taints(&mut self.nodes[n].taints, ready);
                self.node_api_changed(n);
            }
        }
        if let Some(at) = wake {
            if self.queue_wakeup.is_none_or(|w| at < w) {
                self.queue_wakeup = Some(at);
                self.queue.push(at, Ev::NoExecuteQueue);
            }
        }
    }

    // ----- taint eviction ---------------------------------------------------------------

    fn taint_eviction_node(&mut self, n: NodeId) {
        let pods: Vec<PodId> = self.nodes[n].pods.iter().copied().collect();
        for p in pods {
            self.taint_eviction_pod(p);
        }
    }

    fn taint_eviction_pod(&mut self, p: PodId) {
        let pod = &self.pods[p];
        let Some(n) = pod.node else { return };
        if pod.gone || pod.deletion.is_some() {
            return;
        }
        match self.taint_eviction.process(self.now, &p, &self.nodes[n].taints, &pod.tolerations) {
            Action::None | Action::Cancelled => {}
            Action::ScheduleAt(at) => self.queue.push(at, Ev::TaintEvictionDue { pod: p }),
            Action::DeleteNow => {
                self.count_taint_eviction(p);
                self.delete_pod(p, DeletionCause::TaintEviction);
            }
        }
    }

    fn count_taint_eviction(&mut self, p: PodId) {
        if self.pods[p].workload == self.agent {
            self.counters.taint_evictions += 1;
        }
    }

    fn log(&mut self, p: PodId, what: AgentEventKind) {
        let pod = &self.pods[p];
        if pod.workload != self.agent {
            return;
        }
        let node = pod.node.map(|n| self.nodes[n].name().to_string());
        self.agent_log.push(AgentEvent { at: self.now, pod: pod.name.clone(), node, what });
    }

    // ----- pods -------------------------------------------------------------------------

    fn create_pod(&mut self, w: WorkloadId, daemon_node: Option<NodeId>) -> PodId {
        let id = self.pods.len();
        let wl = &mut self.workloads[w];
        wl.next_ordinal += 1;
        let name = match daemon_node {
            Some(n) => format!("{}-{}", wl.def.name, self.nodes[n].name()),
            None => format!("{}-{}", wl.def.name, wl.next_ordinal),
        };
        let affinity = match daemon_node {
            Some(n) => {
                Some(daemonset::pinned_affinity(wl.def.template.affinity.as_ref(), self.nodes[n].name()))
            }
            None => wl.def.template.affinity.clone(),
        };
        let usage_seed = derive_seed(self.sc.seed, &format!("usage/{name}/{}", self.now.as_millis()));
        self.pods.push(Pod {
            name,
            workload: w,
            tolerations: wl.effective.clone(),
            affinity,
            daemon_node,
            created: self.now,
            node: None,
            phase: Phase::Pending,
            deletion: None,
            gone: false,
            unschedulable: false,
            running: false,
            start_epoch: 0,
            usage: [0; 4],
            usage_stepped: self.now,
            usage_rng: seeded(usage_seed),
            restarts: 0,
            restart_backoff: crate::controllers::kubelet::Backoff::container_restart(),
        });
        wl.pods.push(id);
        self.pods[id].usage = self.initial_usage(id);
        self.tracker.pod_created(id, w);
        if w == self.agent {
            self.counters.pods_created += 1;
        }
        self.pending.insert(id);
        self.queue_cycle();
        self.truth_changed = true;
        self.log(id, AgentEventKind::Created);
        id
    }

    fn queue_cycle(&mut self) {
        if !self.cycle_queued && !self.settling {
            self.cycle_queued = true;
            self.queue.push(self.now, Ev::ScheduleCycle);
        }
    }

    fn schedule_cycle(&mut self) {
        if self.cluster_changed {
            self.cluster_changed = false;
            for &p in &self.pending {
                self.pods[p].unschedulable = false;
            }
        }
        let mut order: Vec<PodId> =
            self.pending.iter().copied().filter(|&p| !self.pods[p].unschedulable).collect();
        order.sort_by_key(|&p| {
            let pod = &self.pods[p];
            (std::cmp::Reverse(self.workloads[pod.workload].def.template.priority), pod.created, p)
        });
        for p in order {
            match self.try_schedule(p) {
                Ok(n) => {
                    self.pending.remove(&p);
                    self.bind(p, n);
                }
                Err(why) => {
                    if self.settling {
                        self.start_problems.push((self.pods[p].workload, why));
                    }
                    self.pods[p].unschedulable = true;
                    if self.pods[p].workload == self.agent {
                        self.counters.scheduling_failures += 1;
                    }
                }
            }
        }
    }

    fn try_schedule(&mut self, p: PodId) -> Result<NodeId, String> {
        let pod = &self.pods[p];
        let tpl = &self.workloads[pod.workload].def.template;
        let view = PodView {
            tolerations: &pod.tolerations,
            requests: &tpl.requests,
            node_selector: &tpl.node_selector,
            affinity: pod.affinity.as_ref(),
        };
        // InterPodAffinity, for the one form modeled: required anti-affinity on the hostname
        // against the workload's own pods (terminating ones included, as upstream counts them).
        let w = pod.workload;
        let spread = tpl.one_per_node;
        let mut ruled_out = 0;
        let mut ids: Vec<NodeId> = Vec::with_capacity(self.nodes.len());
        for n in (0..self.nodes.len()).filter(|&n| !self.nodes[n].deleted) {
            if spread && self.nodes[n].pods.iter().any(|&q| q != p && self.pods[q].workload == w) {
                ruled_out += 1;
            } else {
                ids.push(n);
            }
        }
        if ids.is_empty() {
            let mut e = FitError::new(0);
            e.add_ruled_out(Reason::PodAntiAffinity, ruled_out);
            return Err(e.to_string());
        }
        let views: Vec<NodeView> = ids
            .iter()
            .map(|&n| {
                let node = &self.nodes[n];
                NodeView {
                    name: node.name(),
                    labels: &node.def.labels,
                    taints: &node.taints,
                    unschedulable: node.unschedulable,
                    allocatable: &node.def.allocatable,
                    requested: &node.requested,
                    pod_count: node.pods.len() as u32,
                    nonzero_cpu_milli: node.nonzero_cpu_milli,
                    nonzero_memory_milli: node.nonzero_memory_milli,
                }
            })
            .collect();
        self.scheduler.schedule(&view, &views, &mut self.rng).map(|i| ids[i]).map_err(|mut e| {
            e.add_ruled_out(Reason::PodAntiAffinity, ruled_out);
            e.to_string()
        })
    }

    fn nonzero_requests(&self, p: PodId) -> (i64, i64) {
        let r = &self.workloads[self.pods[p].workload].def.template.requests;
        let cpu = r.0.get("cpu").map_or(DEFAULT_CPU_MILLI, |q| q.milli());
        let mem = r.0.get("memory").map_or(DEFAULT_MEMORY_MILLI, |q| q.milli());
        (cpu, mem)
    }

    fn bind(&mut self, p: PodId, n: NodeId) {
        let (cpu, mem) = self.nonzero_requests(p);
        let requests = self.workloads[self.pods[p].workload].def.template.requests.clone();
        let node = &mut self.nodes[n];
        node.pods.insert(p);
        node.requested.add(&requests);
        node.nonzero_cpu_milli += cpu;
        node.nonzero_memory_milli += mem;
        self.pods[p].node = Some(n);
        self.truth_changed = true;
        self.log(p, AgentEventKind::Bound);
        self.note_arrival(p, n);
        if self.nodes[n].up && !self.settling && !self.kubelet_admits(p, n) {
            return;
        }
        if self.nodes[n].usable() {
            if self.settling {
                self.pods[p].running = true;
                self.pods[p].phase = Phase::Running;
                self.log(p, AgentEventKind::Started);
            } else {
                let epoch = self.pods[p].start_epoch;
                self.queue.push(self.now + self.sc.settings.pod_start_delay, Ev::PodStart { pod: p, epoch });
            }
        }
        self.taint_eviction_pod(p);
    }

    /// A pod that names its node skips the scheduler; the kubelet admits it only if its
    /// requests fit the node's free allocatable (otherwise it fails, as with `OutOfcpu`).
    fn admit_on_node(&mut self, p: PodId, n: NodeId) {
        let requests = &self.workloads[self.pods[p].workload].def.template.requests;
        let node = &self.nodes[n];
        let fit =
            filter_resources_fit(requests, &node.def.allocatable, &node.requested, node.pods.len() as u32);
        if let FilterStatus::Success = fit {
            self.bind(p, n);
            return;
        }
        let reasons = resources_fit_messages(fit.reasons(), requests, &node.def.allocatable, &node.requested);
        let why = format!("kubelet on {} rejected it: {}", node.name(), reasons.join(", "));
        self.start_problems.push((self.pods[p].workload, why));
        let pod = &mut self.pods[p];
        pod.phase = Phase::Failed;
        pod.gone = true;
        self.truth_changed = true;
    }

    fn pod_start(&mut self, p: PodId, epoch: u32) {
        let pod = &self.pods[p];
        if pod.start_epoch != epoch || pod.gone || pod.deletion.is_some() || pod.running {
            return;
        }
        let Some(n) = pod.node else { return };
        if self.nodes[n].usable() {
            let pod = &mut self.pods[p];
            pod.running = true;
            pod.phase = Phase::Running;
            self.truth_changed = true;
            self.log(p, AgentEventKind::Started);
        }
    }

    fn node_unusable(&mut self, n: NodeId) {
        let pods: Vec<PodId> = self.nodes[n].pods.iter().copied().collect();
        for p in pods {
            let pod = &mut self.pods[p];
            let was_running = pod.running;
            pod.running = false;
            pod.start_epoch += 1;
            if was_running {
                self.log(p, AgentEventKind::Stopped);
            }
        }
        self.truth_changed = true;
    }

    fn node_usable(&mut self, n: NodeId) {
        let pods: Vec<PodId> = self.nodes[n].pods.iter().copied().collect();
        for p in pods {
            if self.pods[p].deletion.is_some() {
                self.queue.push(self.now + self.stop_delay(p), Ev::PodGone { pod: p });
            } else {
                let epoch = self.pods[p].start_epoch;
                self.queue.push(self.now + self.sc.settings.pod_start_delay, Ev::PodStart { pod: p, epoch });
            }
        }
        self.truth_changed = true;
    }

    fn stop_delay(&self, p: PodId) -> Duration {
        let tgp = self.workloads[self.pods[p].workload].def.template.termination_grace_period;
        self.sc.settings.pod_stop_delay.min(tgp)
    }

    /// An API DELETE with the pod's own grace period.
    fn delete_pod(&mut self, p: PodId, cause: DeletionCause) {
        let pod = &mut self.pods[p];
        if pod.gone || pod.deletion.is_some() {
            return;
        }
        pod.deletion = Some(self.now);
        let was_running = pod.running;
        pod.running = false;
        self.truth_changed = true;
        if was_running {
            self.log(p, AgentEventKind::Stopped);
        }
        self.log(p, AgentEventKind::Deleted(cause));
        let pod = &self.pods[p];
        self.taint_eviction.forget(&p);
        let w = pod.workload;
        match pod.node {
            None => {
                self.pending.remove(&p);
                self.pod_gone(p);
            }
            Some(n) => {
                let node = &self.nodes[n];
                if node.up && !node.deleted {
                    self.queue.push(self.now + self.stop_delay(p), Ev::PodGone { pod: p });
                }
            }
        }
        self.replicaset_sync(w);
    }

    fn pod_gone(&mut self, p: PodId) {
        if self.pods[p].gone {
            return;
        }
        let (cpu, mem) = self.nonzero_requests(p);
        let requests = self.workloads[self.pods[p].workload].def.template.requests.clone();
        self.log(p, AgentEventKind::Gone);
        let pod = &mut self.pods[p];
        pod.gone = true;
        pod.running = false;
        let w = pod.workload;
        let node = pod.node;
        self.taint_eviction.forget(&p);
        self.truth_changed = true;
        if let Some(n) = node {
            let node = &mut self.nodes[n];
            node.pods.remove(&p);
            node.requested.sub(&requests);
            node.nonzero_cpu_milli -= cpu;
            node.nonzero_memory_milli -= mem;
            self.cluster_changed = true;
            self.queue_cycle();
        }
        let wl = &mut self.workloads[w];
        wl.pods.retain(|&x| x != p);
        if let Some(n) = self.pods[p].daemon_node {
            self.daemonset_sync_node(n);
        }
    }

    fn orphan_gc(&mut self, n: NodeId) {
        let pods: Vec<PodId> = self.nodes[n].pods.iter().copied().collect();
        for p in pods {
            if self.pods[p].workload == self.agent {
                self.counters.garbage_collected += 1;
            }
            self.delete_pod(p, DeletionCause::GarbageCollection);
            self.pod_gone(p);
        }
    }

    // ----- workload controllers ---------------------------------------------------------

    fn replicaset_sync(&mut self, w: WorkloadId) {
        let WorkloadKind::Deployment { replicas } = self.workloads[w].def.kind else { return };
        let active = self.workloads[w].pods.iter().filter(|&&p| self.pods[p].active()).count() as u32;
        for _ in 0..replicaset::replacements_needed(replicas, active) {
            self.create_pod(w, None);
        }
    }

    fn daemonset_sync_node(&mut self, n: NodeId) {
        if self.nodes[n].deleted {
            return;
        }
        for w in 0..self.workloads.len() {
            if self.workloads[w].def.kind != WorkloadKind::DaemonSet {
                continue;
            }
            let wl = &self.workloads[w];
            let node = &self.nodes[n];
            let view = TemplateView {
                node_name: None,
                node_selector: &wl.def.template.node_selector,
                affinity: wl.def.template.affinity.as_ref(),
                tolerations: &wl.effective,
            };
            let decision = daemonset::node_should_run(node.name(), &node.def.labels, &node.taints, &view);
            let pods: Vec<PodId> = wl
                .pods
                .iter()
                .copied()
                .filter(|&p| self.pods[p].daemon_node == Some(n) && !self.pods[p].gone)
                .collect();
            let states: Vec<DaemonPodState> = pods
                .iter()
                .map(|&p| {
                    // A pod the kubelet failed is on its way out: the kubelet path removes it once
                    // the controller's back-off allows, so here it only blocks a replacement.
                    let leaving = self.pods[p].deletion.is_some() || self.pods[p].phase == Phase::Failed;
                    DaemonPodState::classify(leaving, self.pods[p].phase.into())
                })
                .collect();
            let plan = daemonset::node_sync(decision, &states);
            for i in plan.deletes {
                if w == self.agent {
                    self.counters.daemonset_deletions += 1;
                }
                self.delete_pod(pods[i], DeletionCause::DaemonSet);
            }
            for _ in 0..plan.creates {
                self.create_pod(w, Some(n));
            }
        }
    }
}
