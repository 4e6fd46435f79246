//! The policy comparison: one run per (agent, policy) pair, and which policies behave alike.

use super::sim::{Simulation, apply_policy, effective_tolerations};
use crate::measures::{AgentComparison, Comparison};
use crate::model::keys::{
    DISK_PRESSURE, MEMORY_PRESSURE, NETWORK_UNAVAILABLE, NOT_READY, PID_PRESSURE, UNREACHABLE, UNSCHEDULABLE,
};
use crate::model::{Taint, TaintEffect, Toleration};
use crate::scenario::{Scenario, TimelineAction};
use crate::time::SimTime;
use std::collections::BTreeSet;

/// Taints drain tools put on nodes; probed so that equivalence covers maintenance too.
const DRAIN_TAINT_KEYS: [&str; 2] = ["karpenter.sh/disrupted", "ToBeDeletedByClusterAutoscaler"];
/// A key no scenario uses, standing for "any other taint".
const OTHER_KEY: &str = "taintsim.invalid/any-other-taint";

/// Follows a comparison as it runs (progress display); it cannot influence the runs.
pub trait RunObserver {
    /// A run starts: run number from 1, total runs, agent, policy.
    fn run_started(&mut self, number: usize, total: usize, agent: &str, policy: &str);
    /// The current run's clock has passed `at` (called once per time series instant).
    fn advanced(&mut self, _at: SimTime) {}
    /// The current run is over.
    fn run_finished(&mut self) {}
}

/// Runs every policy for every agent it applies to. `progress` is called before each run with
/// (run number from 1, total runs, agent, policy).
pub fn run_comparison(scenario: &Scenario, progress: impl FnMut(usize, usize, &str, &str)) -> Comparison {
    struct Calls<F>(F);
    impl<F: FnMut(usize, usize, &str, &str)> RunObserver for Calls<F> {
        fn run_started(&mut self, number: usize, total: usize, agent: &str, policy: &str) {
            (self.0)(number, total, agent, policy);
        }
    }
    run_comparison_observed(scenario, &mut Calls(progress))
}

/// [`run_comparison`], telling `observer` when each run starts, how far its clock has got, and
/// when it ends.
pub fn run_comparison_observed(scenario: &Scenario, observer: &mut dyn RunObserver) -> Comparison {
    let total: usize = scenario
        .agents
        .iter()
        .map(|a| scenario.policies.iter().filter(|p| p.applies_to(&a.name)).count())
        .sum();
    let mut done = 0;
    let mut agents = Vec::new();
    for (ai, agent) in scenario.agents.iter().enumerate() {
        let mut runs = Vec::new();
        for policy in scenario.policies.iter().filter(|p| p.applies_to(&agent.name)) {
            done += 1;
            observer.run_started(done, total, &agent.name, &policy.name);
            let sim = Simulation::new(scenario, ai, policy);
            runs.push(sim.run_with_progress(&policy.name, &mut |at| observer.advanced(at)));
            observer.run_finished();
        }
        let effective: Vec<(String, Vec<Toleration>)> = scenario
            .policies
            .iter()
            .filter(|p| p.applies_to(&agent.name))
            .map(|p| (p.name.clone(), effective_tolerations(&apply_policy(agent, p), scenario)))
            .collect();
        agents.push(AgentComparison {
            agent: agent.name.clone(),
            kind: agent.kind.label(),
            runs,
            equivalent: equivalence_groups(&effective, &probe_taints(scenario)),
        });
    }
    Comparison { agents }
}

/// Every taint the scenario's nodes, timeline and controllers can produce, plus a stand-in for
/// any other key, each with its own value and with a different one, under every effect.
pub fn probe_taints(scenario: &Scenario) -> Vec<Taint> {
    let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
    for k in [
        NOT_READY,
        UNREACHABLE,
        UNSCHEDULABLE,
        MEMORY_PRESSURE,
        DISK_PRESSURE,
        PID_PRESSURE,
        NETWORK_UNAVAILABLE,
    ]
    .into_iter()
    .chain(DRAIN_TAINT_KEYS)
    .chain([OTHER_KEY])
    {
        keys.insert((k.to_string(), String::new()));
    }
    let mut add = |t: &Taint| {
        keys.insert((t.key.clone(), t.value.clone()));
    };
    scenario.nodes.iter().flat_map(|n| &n.taints).for_each(&mut add);
    for e in &scenario.timeline {
        match &e.action {
            TimelineAction::AddTaint { taint, .. } => add(taint),
            TimelineAction::AddNode(def) => def.taints.iter().for_each(&mut add),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (key, value) in keys {
        for effect in TaintEffect::ALL {
            out.push(Taint::with_value(&key, &value, effect));
            out.push(Taint::with_value(&key, &format!("{value}-other"), effect));
        }
    }
    out
}

/// How a toleration list treats one taint: tolerated at all, and for `NoExecute` the seconds
/// of the first matching toleration (which is what eviction timing uses).
fn treatment(tolerations: &[Toleration], taint: &Taint) -> (bool, Option<Option<i64>>) {
    let first = tolerations.iter().find(|t| t.tolerates(taint));
    let seconds = (taint.effect == TaintEffect::NoExecute).then(|| first.and_then(|t| t.toleration_seconds));
    (first.is_some(), seconds)
}

/// Groups policies whose tolerations treat every probe taint identically.
pub fn equivalence_groups(effective: &[(String, Vec<Toleration>)], probes: &[Taint]) -> Vec<Vec<String>> {
    let signature = |tols: &[Toleration]| probes.iter().map(|t| treatment(tols, t)).collect::<Vec<_>>();
    let sigs: Vec<_> = effective.iter().map(|(_, t)| signature(t)).collect();
    let mut seen = vec![false; effective.len()];
    let mut groups = Vec::new();
    for i in 0..effective.len() {
        if seen[i] {
            continue;
        }
        let group: Vec<usize> = (i..effective.len()).filter(|&j| !seen[j] && sigs[j] == sigs[i]).collect();
        for &j in &group {
            seen[j] = true;
        }
        if group.len() > 1 {
            groups.push(group.into_iter().map(|j| effective[j].0.clone()).collect());
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exists_pair_and_catch_all_differ_only_on_prefer_no_schedule() {
        let pair = vec![
            Toleration::exists("", Some(TaintEffect::NoSchedule)),
            Toleration::exists("", Some(TaintEffect::NoExecute)),
        ];
        let all = vec![Toleration::exists("", None)];
        let probes = vec![Taint::new("x", TaintEffect::NoSchedule), Taint::new("x", TaintEffect::NoExecute)];
        let eff = vec![("pair".to_string(), pair.clone()), ("all".to_string(), all.clone())];
        assert_eq!(equivalence_groups(&eff, &probes), vec![vec!["pair".to_string(), "all".to_string()]]);
        let probes = vec![Taint::new("x", TaintEffect::PreferNoSchedule)];
        assert!(equivalence_groups(&eff, &probes).is_empty());
    }
}
