//! Monitoring blind spots of one agent workload.
//!
//! Definitions (all judged on the truth):
//!
//! * A pod **runs** from the moment its containers have started on a usable node (bound, node
//!   up, kubelet ready, plus the start-up delay) until it stops: it is deleted (it stops
//!   reporting at SIGTERM), its node goes down or NotReady, or its node object is deleted.
//! * **Uncovered node** (DaemonSet agents): a node that is usable and runs at least one
//!   business pod, but runs no pod of the agent. Measured in node-seconds; a gap is one
//!   continuous uncovered spell of one node.
//! * **Agent-less node** (DaemonSet agents): a usable node that the agent's node selector and
//!   required node affinity admit but that runs no pod of the agent, whatever else runs there
//!   (control-plane and idle nodes included). Measured in node-seconds.
//! * **Stranded agent** (both kinds): a pod of the agent that is bound to a node that is down,
//!   NotReady or deleted, and is not terminating. It holds its place (its controller does not
//!   replace it) while reporting nothing. A pod deleted while its node is down stays in the API
//!   until the node returns, but it is no longer stranded: its replacement exists. Measured in
//!   pod-seconds.
//! * **Under-replicated** (Deployment agents): fewer running pods than desired replicas;
//!   **no replica**: desired > 0 and none running. Measured in seconds.

use super::intervals::{IntervalStats, IntervalTracker};
use crate::controllers::node_lifecycle::{ConditionStatus, NodeConditions};
use crate::engine::world::{Node, NodeId, Phase, Pod, PodId, WorkloadId};
use crate::model::Affinity;
use crate::model::selector::node_matches;
use crate::time::SimTime;
use serde::Serialize;
use std::collections::BTreeMap;

/// Blind-spot figures of one run for the agent under test.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct BlindSpots {
    /// Uncovered node spells (DaemonSet agents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered_nodes: Option<IntervalStats>,
    /// Agent-less node spells: selected, usable nodes without a running agent pod (DaemonSet
    /// agents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agentless_nodes: Option<IntervalStats>,
    /// Agent pods bound to down, NotReady or deleted nodes.
    pub stranded_agents: IntervalStats,
    /// Spells with fewer running replicas than desired (Deployment agents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub under_replicated: Option<IntervalStats>,
    /// Spells with no running replica (Deployment agents only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_replica: Option<IntervalStats>,
}

/// One row of the time series.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sample {
    /// Sample instant.
    #[serde(skip)]
    pub at: SimTime,
    /// Usable nodes.
    pub nodes_usable: u32,
    /// Usable nodes running business pods.
    pub nodes_with_business_pods: u32,
    /// Of those, nodes with no running agent pod (DaemonSet agents; 0 for Deployments).
    pub nodes_uncovered: u32,
    /// Usable nodes the agent's node selection admits with no running agent pod (DaemonSet
    /// agents; 0 for Deployments).
    pub nodes_agentless: u32,
    /// Running agent pods.
    pub agent_running: u32,
    /// Agent pods not bound to a node.
    pub agent_pending: u32,
    /// Agent pods bound to down, NotReady or deleted nodes and not terminating.
    pub agent_stranded: u32,
    /// Agent pods bound to a node whose MemoryPressure, DiskPressure or PIDPressure condition
    /// is True in the API (each pod counted once, whatever the number of conditions).
    pub agent_pressured: u32,
    /// Business pods the kubelet evicted for node pressure since the start of the run, up to
    /// and including the sample instant (filled in by the run, not by the tracker).
    pub business_evicted: u32,
    /// Of those, evicted from a node where a pod of the agent was running (filled in by the
    /// run).
    pub business_evicted_beside_agent: u32,
}

/// Follows one agent workload through a run.
#[derive(Clone, Debug)]
pub struct BlindSpotTracker {
    agent: WorkloadId,
    daemon_set: bool,
    desired: u32,
    agent_pods: Vec<PodId>,
    selection: Option<(BTreeMap<String, String>, Option<Affinity>)>,
    uncovered: IntervalTracker<NodeId>,
    agentless: IntervalTracker<NodeId>,
    stranded: IntervalTracker<PodId>,
    under: IntervalTracker<()>,
    none: IntervalTracker<()>,
    /// Agent pods on nodes under MemoryPressure, DiskPressure, PIDPressure.
    pressure: [IntervalTracker<PodId>; 3],
    last: Sample,
}

impl BlindSpotTracker {
    /// A tracker for workload `agent`; `desired` is the replica count of a Deployment.
    pub fn new(agent: WorkloadId, daemon_set: bool, desired: u32) -> BlindSpotTracker {
        BlindSpotTracker {
            agent,
            daemon_set,
            desired,
            agent_pods: Vec::new(),
            selection: None,
            uncovered: IntervalTracker::default(),
            agentless: IntervalTracker::default(),
            stranded: IntervalTracker::default(),
            under: IntervalTracker::default(),
            none: IntervalTracker::default(),
            pressure: Default::default(),
            last: Sample::default(),
        }
    }

    /// For a DaemonSet agent: the node selection of its template, which decides the nodes
    /// counted as agent-less (all nodes when never set).
    pub fn with_node_selection(
        mut self,
        node_selector: BTreeMap<String, String>,
        affinity: Option<Affinity>,
    ) -> BlindSpotTracker {
        self.selection = Some((node_selector, affinity));
        self
    }

    /// The workload followed.
    pub fn agent(&self) -> WorkloadId {
        self.agent
    }

    /// Registers a newly created pod (any workload; only the agent's are kept).
    pub fn pod_created(&mut self, pod: PodId, workload: WorkloadId) {
        if workload == self.agent {
            self.agent_pods.push(pod);
        }
    }

    /// Re-reads the world at `now`, after something in the truth changed.
    pub fn observe(&mut self, now: SimTime, nodes: &[Node], pods: &[Pod], is_business: &[bool]) {
        let mut sample = Sample { at: now, ..Sample::default() };
        for (id, node) in nodes.iter().enumerate() {
            let usable = node.usable();
            let mut business = false;
            let mut agent = false;
            if usable {
                sample.nodes_usable += 1;
                for &p in &node.pods {
                    let pod = &pods[p];
                    if pod.running {
                        business |= is_business[pod.workload];
                        agent |= pod.workload == self.agent;
                    }
                }
            }
            if business {
                sample.nodes_with_business_pods += 1;
            }
            if self.daemon_set {
                let selected = usable
                    && self.selection.as_ref().is_none_or(|(sel, aff)| {
                        node_matches(node.name(), &node.def.labels, sel, aff.as_ref())
                    });
                sample.nodes_uncovered += u32::from(business && !agent);
                sample.nodes_agentless += u32::from(selected && !agent);
                self.uncovered.set(&id, business && !agent, now);
                self.agentless.set(&id, selected && !agent, now);
            }
        }
        // Pods gone since the last observation are still listed here, so that every interval
        // they held closes now; they are dropped below.
        for &p in &self.agent_pods {
            let pod = &pods[p];
            // A Failed pod (evicted, waiting for its controller to delete it) uses nothing.
            let live = !pod.gone && pod.phase != Phase::Failed;
            let stranded = live && pod.deletion.is_none() && pod.node.is_some_and(|n| !nodes[n].usable());
            self.stranded.set(&p, stranded, now);
            let conditions = pod.node.filter(|_| live).map(|n| nodes[n].conditions);
            let pressured = |status: fn(&NodeConditions) -> ConditionStatus| {
                conditions.as_ref().is_some_and(|c| status(c) == ConditionStatus::True)
            };
            self.pressure[0].set(&p, pressured(|c| c.memory_pressure), now);
            self.pressure[1].set(&p, pressured(|c| c.disk_pressure), now);
            self.pressure[2].set(&p, pressured(|c| c.pid_pressure), now);
            sample.agent_pressured += u32::from(
                pressured(|c| c.memory_pressure)
                    || pressured(|c| c.disk_pressure)
                    || pressured(|c| c.pid_pressure),
            );
            sample.agent_running += u32::from(pod.running);
            sample.agent_pending += u32::from(!pod.gone && pod.node.is_none());
            sample.agent_stranded += u32::from(stranded);
        }
        self.agent_pods.retain(|&p| !pods[p].gone);
        if !self.daemon_set {
            self.under.set(&(), sample.agent_running < self.desired, now);
            self.none.set(&(), self.desired > 0 && sample.agent_running == 0, now);
        }
        self.last = sample;
    }

    /// The figures as of the last observation (for the time series).
    pub fn current(&self, at: SimTime) -> Sample {
        Sample { at, ..self.last }
    }

    /// Closes the run at `end`: the blind spots, and the agent pod-time under memory, disk and
    /// PID pressure.
    pub fn finish(self, end: SimTime) -> (BlindSpots, [IntervalStats; 3]) {
        let [m, d, p] = self.pressure;
        let pressure = [m.finish(end), d.finish(end), p.finish(end)];
        let spots = BlindSpots {
            uncovered_nodes: self.daemon_set.then(|| self.uncovered.finish(end)),
            agentless_nodes: self.daemon_set.then(|| self.agentless.finish(end)),
            stranded_agents: self.stranded.finish(end),
            under_replicated: (!self.daemon_set).then(|| self.under.finish(end)),
            no_replica: (!self.daemon_set).then(|| self.none.finish(end)),
        };
        (spots, pressure)
    }
}
