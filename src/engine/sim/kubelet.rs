//! The kubelet's side of node pressure: conditions set from the timeline, usage spikes.

use super::Simulation;
use crate::controllers::node_lifecycle::ConditionStatus;
use crate::engine::world::NodeId;
use crate::model::Quantity;
use crate::model::usage::UsageResource;
use crate::scenario::PressureCondition;

impl Simulation<'_> {
    /// Sets a pressure condition directly: the node lifecycle controller taints the node as for
    /// a condition the kubelet reported, but nothing is evicted because of it.
    pub(super) fn inject_condition(&mut self, n: NodeId, condition: PressureCondition, status: bool) {
        self.injected.insert((n, condition), status);
        let value = if status { ConditionStatus::True } else { ConditionStatus::False };
        let node = &mut self.nodes[n];
        if node.conditions.ready == ConditionStatus::Unknown {
            return;
        }
        let slot = match condition {
            PressureCondition::Memory => &mut node.conditions.memory_pressure,
            PressureCondition::Disk => &mut node.conditions.disk_pressure,
            PressureCondition::Pid => &mut node.conditions.pid_pressure,
        };
        if *slot != value {
            *slot = value;
            self.reconcile_condition_taints(n);
            self.node_api_changed(n);
        }
    }

    /// Starts (`on`) or ends a usage spike of `workload`'s pods on node `n`.
    pub(super) fn usage_spike(
        &mut self,
        n: NodeId,
        workload: &str,
        resource: UsageResource,
        amount: Quantity,
        on: bool,
    ) {
        let Some(w) = self.workloads.iter().position(|wl| wl.def.name == workload) else { return };
        let extra = self.spikes.entry((n, w, resource)).or_default();
        if on {
            *extra += amount.milli();
        } else {
            *extra = (*extra - amount.milli()).max(0);
        }
    }
}
