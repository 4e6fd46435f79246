//! Drains as processes over simulated time, and the Eviction API with PodDisruptionBudgets.
//!
//! A `Drain` timeline event starts one process. Each drainer follows its rule module in
//! [`crate::controllers::drain`] at every step:
//!
//! * **kubectl**: cordon, list the node's pods once, refuse the node if a pod fails the filters
//!   (the node is then uncordoned again, as node automation does after a failed drain), else
//!   evict every listed pod (a 429 is retried every 5 s) and poll every second until all
//!   listed pods are gone. Pods that arrive later are neither evicted nor waited for. At its
//!   timeout the drain fails like a refusal: uncordoned, not taken down.
//! * **cluster-api**: cordon and re-list every 20 s, evicting whatever is there (replacements
//!   that came back included); finished at the first listing with nothing to evict or wait
//!   for. At `nodeDrainTimeout` the drain is abandoned and the machine goes down anyway.
//! * **karpenter**: taint `karpenter.sh/disrupted:NoSchedule` (no cordon); every second, list
//!   the pods it waits for (pods tolerating that taint are ignored), evict the lowest tier with
//!   per-pod back-off on 429; with a limit (the NodeClaim's `terminationGracePeriod`) a pod
//!   still there when `limit - its own grace period` has passed is deleted directly, bypassing
//!   budgets. Finished when nothing it waits for remains, and at least 5 s after it started.
//! * **cluster-autoscaler**: the drainability rules first (a refusal keeps the node and
//!   nothing happens); then the `ToBeDeletedByClusterAutoscaler:NoSchedule` taint, evictions of
//!   every pod (DaemonSet pods included; 429 retried every 10 s), polling every 5 s until they
//!   are gone. At `--max-graceful-termination-sec` the node is deleted anyway.
//!
//! A drain that lets the node go takes it down: the node goes silent (its pods stop) for the
//! drain's `down_for`, then comes back uncordoned and without the drainer's taint. The same
//! node returns: node replacement (a new instance under a new name) is not modeled.
//!
//! A spot interruption is a drain whose limit is the provider's notice: the node is lost when
//! the notice runs out, whatever the drain's outcome (a kubectl drain that was refused or
//! has not finished included); a drain over sooner leaves the node cordoned (or tainted) until
//! then.

use super::{Ev, Simulation};
use crate::controllers::disruption::{
    self, BudgetPodView, BudgetView, EvictionPodView, EvictionResponse, TooManyRequestsReason,
};
use crate::controllers::drain::{
    self, Action, DrainPodView, Drainer, EvictionReaction, PodDecision, cluster_api, cluster_autoscaler,
    karpenter, kubectl,
};
use crate::controllers::node_lifecycle::ConditionStatus;
use crate::engine::world::{NodeId, Phase, PodId};
use crate::measures::{DeletionCause, DrainOutcome, DrainResult};
use crate::model::pod::PodPhase;
use crate::model::taint;
use crate::model::{Taint, TaintEffect};
use crate::scenario::{DrainSpec, WorkloadKind};
use crate::time::SimTime;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// cluster-autoscaler's taint on nodes it is removing.
pub const CLUSTER_AUTOSCALER_TAINT: &str = "ToBeDeletedByClusterAutoscaler";
/// How often kubectl polls for the deletion of evicted pods.
const KUBECTL_POLL: Duration = Duration::from_secs(1);
/// How often cluster-autoscaler retries a refused eviction.
const CLUSTER_AUTOSCALER_RETRY: Duration = Duration::from_secs(10);
/// How often cluster-autoscaler checks whether the evicted pods are gone.
const CLUSTER_AUTOSCALER_POLL: Duration = Duration::from_secs(5);
/// Karpenter's shortest drain (`MinDrainTime`).
const KARPENTER_MIN_DRAIN: Duration = Duration::from_secs(5);

/// One drain in progress (or over).
pub(super) struct DrainRt {
    node: NodeId,
    node_name: String,
    spec: DrainSpec,
    started: SimTime,
    /// kubectl: the pods listed at the start, which it waits for.
    listed: Vec<PodId>,
    /// Pods whose eviction was accepted.
    evicted: BTreeSet<PodId>,
    /// Earliest instant the next eviction request for a pod may go out.
    retry_at: BTreeMap<PodId, SimTime>,
    /// Karpenter: refused requests so far per pod (for its back-off).
    failures: BTreeMap<PodId, u32>,
    came_back: BTreeSet<PodId>,
    attempts: u32,
    pdb_refusals: u32,
    force_deletions: u32,
    /// Set when the drain is over.
    end: Option<DrainEnd>,
}

struct DrainEnd {
    at: SimTime,
    outcome: DrainOutcome,
    refusal: Option<String>,
    left_behind: u32,
    killed: u32,
    agent_left_behind: bool,
}

impl DrainRt {
    /// The drain's result; an unfinished drain is closed at `horizon` with the counts the run
    /// last saw.
    pub(super) fn into_result(self, horizon: SimTime) -> DrainResult {
        let end = self.end.unwrap_or(DrainEnd {
            at: horizon,
            outcome: DrainOutcome::Unfinished,
            refusal: None,
            left_behind: 0,
            killed: 0,
            agent_left_behind: false,
        });
        DrainResult {
            node: self.node_name,
            drainer: if self.spec.interruption {
                spot_label(self.spec.drainer)
            } else {
                self.spec.drainer.as_str()
            },
            started: self.started,
            ended: end.at,
            outcome: end.outcome,
            refusal: end.refusal,
            eviction_attempts: self.attempts,
            pdb_refusals: self.pdb_refusals,
            force_deletions: self.force_deletions,
            came_back: self.came_back.len() as u32,
            left_behind: end.left_behind,
            killed: end.killed,
            agent_left_behind: end.agent_left_behind,
        }
    }
}

/// How reports name a drain started by a spot interruption notice.
fn spot_label(drainer: Drainer) -> &'static str {
    match drainer {
        Drainer::Kubectl => "kubectl (spot notice)",
        Drainer::ClusterApi => "cluster-api (spot notice)",
        Drainer::Karpenter => "karpenter (spot notice)",
        Drainer::ClusterAutoscaler => "cluster-autoscaler (spot notice)",
    }
}

/// Whether the drainer gives up (and keeps the node) when its limit runs out.
fn gives_up_on_timeout(drainer: Drainer) -> bool {
    matches!(drainer, Drainer::Kubectl)
}

/// The taint a drainer puts on the node instead of (or besides) the cordon.
fn drainer_taint(drainer: Drainer) -> Option<Taint> {
    match drainer {
        Drainer::Karpenter => Some(karpenter::disrupted_taint()),
        Drainer::ClusterAutoscaler => Some(Taint::new(CLUSTER_AUTOSCALER_TAINT, TaintEffect::NoSchedule)),
        Drainer::Kubectl | Drainer::ClusterApi => None,
    }
}

/// The options kubectl runs with here: as node automation calls it (`--ignore-daemonsets
/// --delete-emptydir-data`), with the drain's timeout.
fn kubectl_options(spec: &DrainSpec) -> kubectl::KubectlOptions {
    kubectl::KubectlOptions {
        ignore_daemonsets: true,
        delete_emptydir_data: true,
        timeout: spec.timeout,
        ..kubectl::KubectlOptions::default()
    }
}

impl Simulation<'_> {
    // ----- the process --------------------------------------------------------------------

    /// Starts draining node `n`.
    pub(super) fn start_drain(&mut self, n: NodeId, spec: &DrainSpec) {
        if self.draining.contains_key(&n) || !self.nodes[n].up {
            return;
        }
        let d = self.drains.len();
        self.drains.push(DrainRt {
            node: n,
            node_name: self.nodes[n].name().to_string(),
            spec: spec.clone(),
            started: self.now,
            listed: Vec::new(),
            evicted: BTreeSet::new(),
            retry_at: BTreeMap::new(),
            failures: BTreeMap::new(),
            came_back: BTreeSet::new(),
            attempts: 0,
            pdb_refusals: 0,
            force_deletions: 0,
            end: None,
        });
        self.draining.insert(n, d);
        match spec.drainer {
            Drainer::Kubectl => {
                self.set_cordon(n, true);
                let pods = self.pods_on(n);
                let opts = kubectl_options(spec);
                let plan = {
                    let views: Vec<DrainPodView> = pods.iter().map(|&p| self.drain_view(p)).collect();
                    kubectl::plan(&views, &opts)
                };
                if plan.fails {
                    let why = refusal_text(&pods, &plan.decisions, |p| self.pods[p].name.clone());
                    self.finish_drain(d, DrainOutcome::Refused, Some(why));
                    return;
                }
                self.drains[d].listed = zip_action(&pods, &plan.decisions, Action::Evict);
            }
            Drainer::ClusterAutoscaler => {
                let pods = self.pods_on(n);
                let budgets = self.remaining_budget_allowances(&pods);
                let plan = {
                    let views: Vec<DrainPodView> = pods.iter().map(|&p| self.drain_view(p)).collect();
                    cluster_autoscaler::plan(
                        &views,
                        &cluster_autoscaler::ClusterAutoscalerOptions::default(),
                        &budgets,
                    )
                };
                if plan.fails {
                    let why = refusal_text(&pods, &plan.decisions, |p| self.pods[p].name.clone());
                    self.finish_drain(d, DrainOutcome::Refused, Some(why));
                    return;
                }
                self.add_drainer_taint(n, Drainer::ClusterAutoscaler);
                self.drains[d].listed = pods;
            }
            Drainer::Karpenter => self.add_drainer_taint(n, Drainer::Karpenter),
            Drainer::ClusterApi => self.set_cordon(n, true),
        }
        self.drain_step(d);
    }

    /// One step of drain `d`.
    pub(super) fn drain_step(&mut self, d: usize) {
        if self.drains[d].end.is_some() {
            return;
        }
        let spec = self.drains[d].spec.clone();
        let n = self.drains[d].node;
        let deadline = spec.timeout.map(|t| self.drains[d].started + t);
        let next = match spec.drainer {
            Drainer::Kubectl => self.kubectl_step(d, deadline),
            Drainer::ClusterApi => self.cluster_api_step(d, n, deadline),
            Drainer::Karpenter => self.karpenter_step(d, n, deadline),
            Drainer::ClusterAutoscaler => self.cluster_autoscaler_step(d, deadline),
        };
        if let Some(at) = next {
            self.queue.push(at, Ev::DrainStep { drain: d });
        }
    }

    fn kubectl_step(&mut self, d: usize, deadline: Option<SimTime>) -> Option<SimTime> {
        let opts = kubectl_options(&self.drains[d].spec);
        let listed = self.drains[d].listed.clone();
        if deadline.is_some_and(|t| self.now >= t) && !listed.iter().all(|&p| self.pods[p].gone) {
            self.finish_drain(d, DrainOutcome::TimedOut, None);
            return None;
        }
        for &p in &listed {
            if self.pods[p].gone || self.drains[d].evicted.contains(&p) || !self.retry_due(d, p) {
                continue;
            }
            let status = self.request_eviction(d, p);
            match kubectl::eviction_reaction(status, &opts) {
                EvictionReaction::Done => {
                    self.drains[d].evicted.insert(p);
                }
                EvictionReaction::RetryAfter(wait) => {
                    self.drains[d].retry_at.insert(p, self.now + wait);
                }
                EvictionReaction::Fail => {
                    self.finish_drain(d, DrainOutcome::Failed, None);
                    return None;
                }
            }
        }
        self.await_listed(d, &listed, deadline, KUBECTL_POLL)
    }

    fn cluster_api_step(&mut self, d: usize, n: NodeId, deadline: Option<SimTime>) -> Option<SimTime> {
        if deadline.is_some_and(|t| self.now >= t) {
            self.finish_drain(d, DrainOutcome::TimedOut, None);
            return None;
        }
        self.set_cordon(n, true);
        let pods = self.pods_on(n);
        let plan = {
            let views: Vec<DrainPodView> = pods.iter().map(|&p| self.drain_view(p)).collect();
            cluster_api::plan(&views, self.nodes[n].conditions.ready)
        };
        if !plan.decisions.iter().any(|dec| dec.action.holds_drain()) {
            self.finish_drain(d, DrainOutcome::Completed, None);
            return None;
        }
        let opts = cluster_api::ClusterApiOptions::default();
        for p in zip_action(&pods, &plan.decisions, Action::Evict) {
            if self.pods[p].deletion.is_some() {
                continue;
            }
            let status = self.request_eviction(d, p);
            if cluster_api::eviction_reaction(status, &opts) == EvictionReaction::Done {
                self.drains[d].evicted.insert(p);
            }
        }
        Some(self.next_step_at(self.now + opts.relist_interval, deadline))
    }

    fn karpenter_step(&mut self, d: usize, n: NodeId, deadline: Option<SimTime>) -> Option<SimTime> {
        let pods = self.pods_on(n);
        let decisions: Vec<PodDecision> = {
            let views: Vec<DrainPodView> = pods.iter().map(|&p| self.drain_view(p)).collect();
            karpenter::plan(&views).decisions
        };
        let waiting: Vec<(PodId, PodDecision)> = pods
            .iter()
            .copied()
            .zip(decisions.iter().copied())
            .filter(|(_, dec)| dec.action.holds_drain())
            .collect();
        if waiting.is_empty() {
            if self.now >= self.drains[d].started + KARPENTER_MIN_DRAIN {
                let forced = self.drains[d].force_deletions > 0;
                let outcome = if forced { DrainOutcome::TimedOut } else { DrainOutcome::Completed };
                self.finish_drain(d, outcome, None);
                return None;
            }
            return Some(self.drains[d].started + KARPENTER_MIN_DRAIN);
        }
        // Past the grace period: delete what is still there, bypassing budgets.
        if let Some(termination) = deadline {
            for &(p, _) in &waiting {
                let pod = &self.pods[p];
                let tgp = self.workloads[pod.workload].def.template.termination_grace_period;
                if pod.deletion.is_none() && self.now + tgp > termination {
                    self.drains[d].force_deletions += 1;
                    self.delete_pod(p, DeletionCause::ForceDeletion);
                }
            }
        }
        let tier = karpenter::current_tier(&decisions);
        for &(p, dec) in &waiting {
            if dec.action != Action::Evict || dec.tier != tier || self.pods[p].deletion.is_some() {
                continue;
            }
            if !self.retry_due(d, p) {
                continue;
            }
            let failures = self.drains[d].failures.get(&p).copied().unwrap_or(0);
            let status = self.request_eviction(d, p);
            match karpenter::eviction_reaction(status, failures) {
                EvictionReaction::RetryAfter(wait) => {
                    self.drains[d].failures.insert(p, failures + 1);
                    self.drains[d].retry_at.insert(p, self.now + wait);
                }
                EvictionReaction::Done | EvictionReaction::Fail => {
                    self.drains[d].evicted.insert(p);
                }
            }
        }
        Some(self.now + Duration::from_secs(1))
    }

    fn cluster_autoscaler_step(&mut self, d: usize, deadline: Option<SimTime>) -> Option<SimTime> {
        let listed = self.drains[d].listed.clone();
        for &p in &listed {
            let pod = &self.pods[p];
            if pod.gone || pod.deletion.is_some() || !self.retry_due(d, p) {
                continue;
            }
            let status = self.request_eviction(d, p);
            if status == 201 || status == 404 {
                self.drains[d].evicted.insert(p);
            } else {
                self.drains[d].retry_at.insert(p, self.now + CLUSTER_AUTOSCALER_RETRY);
            }
        }
        self.await_listed(d, &listed, deadline, CLUSTER_AUTOSCALER_POLL)
    }

    /// The end of a step of a drainer that waits for the pods it listed: completed when they
    /// are all gone, timed out at the deadline, else polled again after `poll`.
    fn await_listed(
        &mut self,
        d: usize,
        listed: &[PodId],
        deadline: Option<SimTime>,
        poll: Duration,
    ) -> Option<SimTime> {
        if listed.iter().all(|&p| self.pods[p].gone) {
            self.finish_drain(d, DrainOutcome::Completed, None);
            return None;
        }
        if deadline.is_some_and(|t| self.now >= t) {
            self.finish_drain(d, DrainOutcome::TimedOut, None);
            return None;
        }
        Some(self.next_step_at(self.now + poll, deadline))
    }

    /// Ends drain `d`; lets the node go (down for maintenance) or releases it.
    fn finish_drain(&mut self, d: usize, outcome: DrainOutcome, refusal: Option<String>) {
        let n = self.drains[d].node;
        let drainer = self.drains[d].spec.drainer;
        let on_node = self.pods_on(n);
        let left: Vec<PodId> = on_node
            .iter()
            .copied()
            .filter(|&p| self.drainable(p) && self.pods[p].deletion.is_none())
            .collect();
        let agent_left_behind = left.iter().any(|&p| self.pods[p].workload == self.agent);
        let spec = &self.drains[d].spec;
        // A spot interruption loses the node when the notice runs out, whatever happened.
        let lets_go = spec.interruption || outcome.lets_node_go(gives_up_on_timeout(drainer));
        let lost_at = match (spec.interruption, spec.timeout) {
            (true, Some(notice)) => (self.drains[d].started + notice).max(self.now),
            _ => self.now,
        };
        self.drains[d].end = Some(DrainEnd {
            at: self.now,
            outcome,
            refusal,
            left_behind: left.len() as u32,
            killed: 0,
            agent_left_behind,
        });
        if !lets_go {
            self.release_node(d);
        } else if lost_at > self.now {
            // Cordoned (or tainted) until the instance goes.
            self.queue.push(lost_at, Ev::NodeLost { drain: d });
        } else {
            self.take_down(d);
        }
    }

    /// The node of drain `d` goes down (maintenance, or the end of an interruption notice),
    /// killing what still runs there, and comes back after the drain's `down_for`.
    pub(super) fn take_down(&mut self, d: usize) {
        let n = self.drains[d].node;
        let killed = self.pods_on(n).iter().filter(|&&p| self.pods[p].deletion.is_none()).count() as u32;
        if let Some(end) = self.drains[d].end.as_mut() {
            end.killed = killed;
        }
        self.node_goes_silent(n);
        let down_for = self.drains[d].spec.down_for;
        self.queue.push(self.now + down_for, Ev::MaintenanceOver { drain: d });
    }

    /// The node is back from maintenance.
    pub(super) fn maintenance_over(&mut self, d: usize) {
        let n = self.drains[d].node;
        self.release_node(d);
        self.node_comes_back(n);
    }

    /// Uncordons the node and removes the drainer's taint; the drain no longer holds it.
    fn release_node(&mut self, d: usize) {
        let n = self.drains[d].node;
        let drainer = self.drains[d].spec.drainer;
        self.draining.remove(&n);
        if let Some(t) = drainer_taint(drainer) {
            if taint::remove(&mut self.nodes[n].taints, &t.key, t.effect) {
                self.node_api_changed(n);
            }
        }
        if drainer.cordons() {
            self.set_cordon(n, false);
        }
    }

    // ----- helpers ------------------------------------------------------------------------

    /// Records a pod that the scheduler bound to a node being drained.
    pub(super) fn note_arrival(&mut self, p: PodId, n: NodeId) {
        if let Some(&d) = self.draining.get(&n) {
            if self.drainable(p) {
                self.drains[d].came_back.insert(p);
            }
        }
    }

    /// Whether a drain is meant to move pod `p` off its node: neither a DaemonSet pod nor the
    /// mirror of a static pod.
    fn drainable(&self, p: PodId) -> bool {
        let def = &self.workloads[self.pods[p].workload].def;
        def.kind != WorkloadKind::DaemonSet
            && !def.template.annotations.contains_key(drain::MIRROR_ANNOTATION)
    }

    fn set_cordon(&mut self, n: NodeId, on: bool) {
        if self.nodes[n].unschedulable != on {
            self.nodes[n].unschedulable = on;
            self.reconcile_condition_taints(n);
            self.node_api_changed(n);
        }
    }

    fn add_drainer_taint(&mut self, n: NodeId, drainer: Drainer) {
        if let Some(t) = drainer_taint(drainer) {
            if taint::add_or_update(&mut self.nodes[n].taints, t) {
                self.node_api_changed(n);
            }
        }
    }

    /// Pods bound to node `n` and not gone, in creation order.
    fn pods_on(&self, n: NodeId) -> Vec<PodId> {
        self.nodes[n].pods.iter().copied().filter(|&p| !self.pods[p].gone).collect()
    }

    fn retry_due(&self, d: usize, p: PodId) -> bool {
        self.drains[d].retry_at.get(&p).is_none_or(|&t| t <= self.now)
    }

    fn next_step_at(&self, at: SimTime, deadline: Option<SimTime>) -> SimTime {
        deadline.map_or(at, |t| at.min(t.max(self.now)))
    }

    /// What a drainer sees of pod `p`.
    fn drain_view(&self, p: PodId) -> DrainPodView<'_> {
        let pod = &self.pods[p];
        let w = &self.workloads[pod.workload];
        let tpl = &w.def.template;
        // The API server sets the deletion timestamp to the request time plus the grace period.
        let deleted_for = pod.deletion.map(|at| self.now.saturating_since(at + tpl.termination_grace_period));
        DrainPodView {
            name: &pod.name,
            namespace: &w.def.namespace,
            labels: &w.labels,
            annotations: &tpl.annotations,
            owner_references: &w.owners,
            controller_exists: true,
            controller_replicas: match w.def.kind {
                WorkloadKind::Deployment { replicas } => Some(replicas as i32),
                _ => None,
            },
            is_mirror: tpl.annotations.contains_key(drain::MIRROR_ANNOTATION),
            volumes: &tpl.volumes,
            phase: api_phase(pod.phase),
            deleted_for,
            age: Some(self.now.saturating_since(pod.created)),
            priority_class_name: &tpl.priority_class_name,
            restart_policy: drain::RestartPolicy::Always,
            termination_grace_period: Some(tpl.termination_grace_period),
            tolerations: &pod.tolerations,
        }
    }

    // ----- the Eviction API ---------------------------------------------------------------

    /// Sends one eviction request for pod `p` on behalf of drain `d` and returns the HTTP
    /// status; an accepted request deletes the pod.
    fn request_eviction(&mut self, d: usize, p: PodId) -> u16 {
        if self.pods[p].gone {
            return 404;
        }
        self.drains[d].attempts += 1;
        let response = self.evict(p);
        if matches!(response, EvictionResponse::TooManyRequests(TooManyRequestsReason::BudgetExhausted)) {
            self.drains[d].pdb_refusals += 1;
        }
        response.http_status()
    }

    /// The Eviction API's answer for pod `p`, applied.
    fn evict(&mut self, p: PodId) -> EvictionResponse {
        let budgets = self.matching_budgets(p);
        let views: Vec<BudgetView> = budgets.iter().map(|&b| self.budget_view(b)).collect();
        let pod = &self.pods[p];
        let view = EvictionPodView {
            phase: Some(api_phase(pod.phase)),
            ready: self.pod_ready(p),
            terminating: pod.deletion.is_some(),
        };
        let response = disruption::decide_eviction(&view, &views);
        if response.pod_deleted() {
            if response.budget_decremented() {
                if let Some(&b) = budgets.first() {
                    self.pdb_disrupted[b].insert(p, self.now);
                }
            }
            self.delete_pod(p, DeletionCause::Eviction);
        }
        response
    }

    /// API readiness: the pod runs and its node is reported Ready.
    fn pod_ready(&self, p: PodId) -> bool {
        let pod = &self.pods[p];
        pod.running && pod.node.is_some_and(|n| self.nodes[n].conditions.ready == ConditionStatus::True)
    }

    /// Indexes of the budgets that select pod `p`.
    fn matching_budgets(&self, p: PodId) -> Vec<usize> {
        let w = &self.workloads[self.pods[p].workload];
        (0..self.sc.pdbs.len())
            .filter(|&b| {
                let pdb = &self.sc.pdbs[b];
                pdb.namespace == w.def.namespace && pdb.selector.matches(&w.labels)
            })
            .collect()
    }

    /// For each pod in turn, the `disruptionsAllowed` left in every budget selecting it once the
    /// earlier pods of the list have drawn on them: two pods of a budget allowing one disruption
    /// block the node (cluster-autoscaler's remaining-budget tracking in its scale-down
    /// simulation).
    fn remaining_budget_allowances(&self, pods: &[PodId]) -> Vec<Vec<i32>> {
        let mut drawn: BTreeMap<usize, i32> = BTreeMap::new();
        let mut out = Vec::with_capacity(pods.len());
        for &p in pods {
            let matching = self.matching_budgets(p);
            out.push(
                matching
                    .iter()
                    .map(|&b| self.budget_view(b).disruptions_allowed - drawn.get(&b).copied().unwrap_or(0))
                    .collect(),
            );
            for b in matching {
                *drawn.entry(b).or_default() += 1;
            }
        }
        out
    }

    /// The disruption controller's status of budget `b` now.
    fn budget_view(&self, b: usize) -> BudgetView {
        let pdb = &self.sc.pdbs[b];
        let mut matching = 0;
        let mut scales: Vec<(usize, i32)> = Vec::new();
        let mut health = Vec::new();
        for (w, wl) in self.workloads.iter().enumerate() {
            if wl.def.namespace != pdb.namespace || !pdb.selector.matches(&wl.labels) {
                continue;
            }
            let pods: Vec<PodId> = wl.pods.iter().copied().filter(|&p| !self.pods[p].gone).collect();
            matching += pods.len() as i32;
            match wl.def.kind {
                WorkloadKind::Deployment { replicas } => scales.push((w, replicas as i32)),
                WorkloadKind::DaemonSet => scales.push((w, pods.len() as i32)),
                WorkloadKind::Pod { .. } => {}
            }
            for p in pods {
                health.push(BudgetPodView {
                    ready: self.pod_ready(p),
                    terminating: self.pods[p].deletion.is_some(),
                    disrupted_for: self.pdb_disrupted[b].get(&p).map(|&t| self.now.saturating_since(t)),
                });
            }
        }
        let scale = disruption::expected_scale(scales);
        let status = disruption::budget_status(pdb.rule, matching, scale, disruption::count_healthy(&health));
        let recent = self.pdb_disrupted[b]
            .values()
            .filter(|&&t| disruption::is_recently_disrupted(self.now.saturating_since(t)))
            .count();
        BudgetView {
            generation: 1,
            observed_generation: 1,
            disruptions_allowed: status.disruptions_allowed,
            current_healthy: status.current_healthy,
            desired_healthy: status.desired_healthy,
            disrupted_pods: recent,
            unhealthy_pod_eviction_policy: pdb.unhealthy_pod_eviction_policy,
        }
    }
}

fn api_phase(phase: Phase) -> PodPhase {
    match phase {
        Phase::Pending => PodPhase::Pending,
        Phase::Running => PodPhase::Running,
        Phase::Failed => PodPhase::Failed,
    }
}

/// The pods whose decision is `action`, in order.
fn zip_action(pods: &[PodId], decisions: &[PodDecision], action: Action) -> Vec<PodId> {
    pods.iter().zip(decisions).filter(|(_, d)| d.action == action).map(|(&p, _)| p).collect()
}

/// "pod-a: reason; pod-b: reason" for the refused pods.
fn refusal_text(pods: &[PodId], decisions: &[PodDecision], name: impl Fn(PodId) -> String) -> String {
    let parts: Vec<String> = pods
        .iter()
        .zip(decisions)
        .filter_map(|(&p, d)| match d.action {
            Action::Refuse { reason } => Some(format!("{}: {}", name(p), reason.as_str())),
            _ => None,
        })
        .collect();
    parts.join("; ")
}
