//! The timeline: events parsed, `for_duration` spells expanded, sorted, and every event's
//! node checked against the nodes present at its time.

use super::nodes::StartNode;
use super::{Resolver, at_text, known_list, root};
use crate::controllers::drain::Drainer;
use crate::model::Quantity;
use crate::model::usage::UsageResource;
use crate::scenario::file::{EventFile, EventKind};
use crate::scenario::generators::{self, Calendar, Generator, GeneratorTally, NodeLife};
use crate::scenario::locate::FieldPath;
use crate::scenario::{
    DrainSpec, NodeTarget, PressureCondition, TimelineAction, TimelineEvent, Workload, WorkloadKind,
};
use crate::scenario::{ListedEvent, POOL_LABEL};
use crate::time::{SimTime, format_duration, parse_duration};
use std::collections::BTreeMap;
use std::time::Duration;

/// A timeline action before sorting, with the path that names its node.
struct Pending {
    at: SimTime,
    action: TimelineAction,
    /// Where the node is named (or, for the end of a spell, its `for_duration`).
    path: FieldPath,
    /// The timeline entry it comes from.
    entry: FieldPath,
    /// How the node is chosen.
    target: NodeTarget,
}

/// The timeline entries as written and as generated, for `run --dump-timeline`.
pub(super) struct Listing {
    pub(super) events: Vec<ListedEvent>,
}

impl Resolver<'_> {
    /// The timeline: the written entries, then what the generators draw around them (from
    /// `seed`), all resolved alike and sorted by time (written before generated at the same
    /// instant).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn timeline(
        &mut self,
        files: &[EventFile],
        generators: &[Generator],
        seed: u64,
        start: &[StartNode],
        horizon: Duration,
        workloads: &[Workload],
        agents: &[Workload],
    ) -> (Vec<TimelineEvent>, Listing, Vec<GeneratorTally>) {
        let mut pending = Vec::new();
        let mut listing = Vec::new();
        let placed: Vec<&Workload> = workloads.iter().chain(agents).collect();
        for (i, ef) in files.iter().enumerate() {
            let path = root().field("timeline").index(i);
            self.event(&path, ef, horizon, &placed, i as u32, &mut pending);
            if let Ok(at) = parse_duration(&ef.at) {
                listing.push(ListedEvent {
                    at: SimTime::from_duration(at),
                    source: path.to_string(),
                    entry: entry_text(ef),
                });
            }
        }
        pending.sort_by_key(|p| p.at);

        let tallies = if generators.is_empty() {
            Vec::new()
        } else {
            let lives = node_lives(start, &pending, horizon);
            let mut calendar = written_disruptions(&pending, horizon);
            let (generated, tallies) =
                generators::materialize(generators, seed, horizon, &lives, &mut calendar);
            for (g, tally) in tallies.iter().enumerate() {
                if tally.truncated {
                    self.problem(
                        &root().field("generators").index(g),
                        format!(
                            "{:?} draws more than {} occurrences before the horizon; its time between \
                             occurrences is far too short",
                            generators[g].name,
                            generators::MAX_DRAWS
                        ),
                    );
                }
            }
            let mut drawn = Vec::new();
            for (k, g) in generated.iter().enumerate() {
                let path = root().field("generators").index(g.generator);
                self.event(&path, &g.entry, horizon, &placed, (files.len() + k) as u32, &mut drawn);
                listing.push(ListedEvent {
                    at: SimTime::from_duration(parse_duration(&g.entry.at).unwrap_or_default()),
                    source: format!("{path} {:?}", generators[g.generator].name),
                    entry: entry_text(&g.entry),
                });
            }
            pending.extend(drawn);
            pending.sort_by_key(|p| p.at);
            tallies
        };
        listing.sort_by_key(|l| l.at);

        // Replay the node set in time order to check each event's node.
        let mut present: Vec<String> = start.iter().map(|n| n.def.name.clone()).collect();
        let mut removed: BTreeMap<String, (SimTime, FieldPath)> = BTreeMap::new();
        let added_later: BTreeMap<String, (SimTime, FieldPath)> = pending
            .iter()
            .filter(|p| matches!(p.action, TimelineAction::AddNode(_)))
            .map(|p| (p.action.node().to_string(), (p.at, p.entry.clone())))
            .collect();
        for p in pending.iter().filter(|p| p.target == NodeTarget::Named) {
            let node = p.action.node().to_string();
            let exists = present.contains(&node);
            match &p.action {
                TimelineAction::AddNode(_) if exists => {
                    self.problem(&p.path, format!("node {node:?} already exists at {}", at_text(p.at)));
                }
                TimelineAction::AddNode(_) => {
                    removed.remove(&node);
                    present.push(node);
                }
                _ if exists => {
                    if matches!(p.action, TimelineAction::RemoveNode { .. }) {
                        present.retain(|n| *n != node);
                        removed.insert(node, (p.at, p.entry.clone()));
                    }
                }
                _ => {
                    let why = if let Some((t, by)) = removed.get(&node) {
                        format!("node {node:?} was removed at {} by {}", at_text(*t), self.describe(by))
                    } else if let Some((t, by)) = added_later.get(&node) {
                        format!(
                            "node {node:?} does not exist yet at {}: {} adds it at {}",
                            at_text(p.at),
                            self.describe(by),
                            at_text(*t)
                        )
                    } else {
                        format!("unknown node {node:?} (known: {})", known_list(present.iter()))
                    };
                    self.problem(&p.path, why);
                }
            }
        }
        let events = pending
            .into_iter()
            .map(|p| TimelineEvent { at: p.at, action: p.action, target: p.target })
            .collect();
        (events, Listing { events: listing }, tallies)
    }

    /// One file entry: one action, two for a `for_duration` spell, several for a node group.
    fn event(
        &mut self,
        path: &FieldPath,
        ef: &EventFile,
        horizon: Duration,
        placed: &[&Workload],
        spell: u32,
        out: &mut Vec<Pending>,
    ) {
        let Some(at) = self.duration(&path.field("at"), &ef.at) else { return };
        if at > horizon {
            self.problem(
                &path.field("at"),
                format!("{} is after the horizon ({})", format_duration(at), format_duration(horizon)),
            );
        }
        let start = SimTime::from_duration(at);

        // Fields that belong to some events only.
        let kind = ef.event;
        let takes_taint = matches!(kind, EventKind::AddTaint | EventKind::RemoveTaint);
        let adds_node = kind == EventKind::AddNode;
        let drains = kind == EventKind::Drain;
        let spot = kind == EventKind::SpotInterruption;
        let spikes = kind == EventKind::UsageSpike;
        let injects = kind == EventKind::InjectCondition;
        let spell_hint = if drains || spot {
            " (a Drain or SpotInterruption brings the node back itself, after down_for)"
        } else {
            ""
        };
        // (field, given, allowed for this event, required when allowed, which events take it)
        let checks = [
            ("taint", ef.taint.is_some(), takes_taint, true, "AddTaint and RemoveTaint"),
            ("new_node", ef.new_node.is_some(), adds_node, true, "AddNode"),
            (
                "node",
                ef.node.is_some() || ef.node_of.is_some(),
                !adds_node,
                true,
                "every event except AddNode (it names the node in new_node)",
            ),
            (
                "for_duration",
                ef.for_duration.is_some(),
                kind.closing().is_some(),
                false,
                "Silent, NotReady, AddTaint, Cordon, UsageSpike and InjectCondition",
            ),
            ("drainer", ef.drainer.is_some(), drains || spot, drains, "Drain and SpotInterruption"),
            ("timeout", ef.timeout.is_some(), drains, false, "Drain (a SpotInterruption has notice)"),
            ("notice", ef.notice.is_some(), spot, false, "SpotInterruption"),
            ("down_for", ef.down_for.is_some(), drains || spot, true, "Drain and SpotInterruption"),
            ("workload", ef.workload.is_some(), spikes, false, "UsageSpike"),
            ("resource", ef.resource.is_some(), spikes, true, "UsageSpike"),
            ("amount", ef.amount.is_some(), spikes, true, "UsageSpike"),
            ("condition", ef.condition.is_some(), injects, true, "InjectCondition"),
            ("status", ef.status.is_some(), injects, false, "InjectCondition"),
        ];
        let mut shape_ok = true;
        for (field, given, allowed, required, which) in checks {
            if given && !allowed {
                let hint = if field == "for_duration" { spell_hint } else { "" };
                self.problem(&path.field(field), format!("{field} is only for {which}{hint}"));
                shape_ok = false;
            } else if !given && allowed && required {
                self.problem(&path.field(field), format!("{kind:?} needs {field}"));
                shape_ok = false;
            }
        }
        let drain = if drains || spot { self.drain_spec(path, ef) } else { None };
        if (drains || spot) && drain.is_none() {
            shape_ok = false;
        }
        let spike = if spikes && shape_ok { self.usage_spike(path, ef, placed) } else { None };
        if spikes && spike.is_none() {
            shape_ok = false;
        }
        let condition = if injects && shape_ok { self.injected_condition(path, ef) } else { None };
        if injects && condition.is_none() {
            shape_ok = false;
        }
        if ef.node.is_some() && ef.node_of.is_some() {
            self.problem(&path.field("node_of"), "give either node or node_of, not both".to_string());
            shape_ok = false;
        }
        if !shape_ok {
            return;
        }
        let target = match &ef.node_of {
            None => NodeTarget::Named,
            Some(name) => {
                match placed.iter().find(|w| w.name == *name) {
                    Some(w) if matches!(w.kind, WorkloadKind::DaemonSet) => {
                        self.problem(
                        &path.field("node_of"),
                        format!("{name:?} is a DaemonSet, which runs on many nodes; name a Deployment or a Pod"),
                    );
                        return;
                    }
                    Some(_) => NodeTarget::NodeOf {
                        workload: name.clone(),
                        spell: ef.for_duration.as_ref().map(|_| spell),
                    },
                    None => {
                        let known = known_list(placed.iter().map(|w| &w.name));
                        self.problem(
                            &path.field("node_of"),
                            format!("unknown workload {name:?} (known: {known})"),
                        );
                        return;
                    }
                }
            }
        };
        let end = ef.for_duration.as_ref().and_then(|text| {
            let p = path.field("for_duration");
            let d = self.positive_duration(&p, text)?;
            if at + d > horizon {
                self.problem(
                    &p,
                    format!(
                        "the spell ends at {}, after the horizon ({})",
                        format_duration(at + d),
                        format_duration(horizon)
                    ),
                );
            }
            Some(start + d)
        });

        if adds_node {
            let node_path = path.field("new_node");
            let nf = ef.new_node.as_ref().expect("checked above: AddNode has new_node");
            for (def, name_path) in self.node_entry(&node_path, nf) {
                out.push(Pending {
                    at: start,
                    action: TimelineAction::AddNode(def),
                    path: name_path,
                    entry: path.clone(),
                    target: NodeTarget::Named,
                });
            }
            return;
        }
        let node = ef.node.clone().unwrap_or_default();
        let node_path = path.field(if ef.node.is_some() { "node" } else { "node_of" });
        let taint = match &ef.taint {
            Some(tf) => match self.taint(&path.field("taint"), tf, kind == EventKind::AddTaint) {
                Some(t) => Some(t),
                None => return,
            },
            None => None,
        };
        // `end`: the action closes a spell (only the events that close themselves look at it).
        let action = |kind: EventKind, end: bool| -> TimelineAction {
            let node = node.clone();
            match kind {
                EventKind::Silent => TimelineAction::NodeSilent { node },
                EventKind::Back => TimelineAction::NodeBack { node },
                EventKind::NotReady => TimelineAction::KubeletNotReady { node },
                EventKind::Ready => TimelineAction::KubeletReady { node },
                EventKind::Cordon => TimelineAction::Cordon { node },
                EventKind::Uncordon => TimelineAction::Uncordon { node },
                EventKind::RemoveNode => TimelineAction::RemoveNode { node },
                EventKind::AddTaint => TimelineAction::AddTaint {
                    node,
                    taint: taint.clone().expect("checked above: AddTaint has taint"),
                },
                EventKind::RemoveTaint => {
                    let t = taint.as_ref().expect("checked above: RemoveTaint has taint");
                    TimelineAction::RemoveTaint { node, key: t.key.clone(), effect: t.effect }
                }
                EventKind::Drain | EventKind::SpotInterruption => TimelineAction::Drain {
                    node,
                    drain: drain.clone().expect("checked above: a Drain has its spec"),
                },
                EventKind::UsageSpike => {
                    let (workload, resource, amount) =
                        spike.clone().expect("checked above: a UsageSpike has its fields");
                    if end {
                        TimelineAction::UsageSpikeEnd { node, workload, resource, amount }
                    } else {
                        TimelineAction::UsageSpike { node, workload, resource, amount }
                    }
                }
                EventKind::InjectCondition => {
                    let (condition, status) =
                        condition.expect("checked above: an InjectCondition has its fields");
                    TimelineAction::InjectCondition { node, condition, status: status && !end }
                }
                EventKind::AddNode => unreachable!("AddNode is handled above"),
            }
        };
        let end_target = match &target {
            NodeTarget::NodeOf { workload, spell: Some(spell) } => {
                NodeTarget::SpellEnd { workload: workload.clone(), spell: *spell }
            }
            other => other.clone(),
        };
        out.push(Pending {
            at: start,
            action: action(kind, false),
            path: node_path,
            entry: path.clone(),
            target,
        });
        if let (Some(end), Some(closing)) = (end, kind.closing()) {
            out.push(Pending {
                at: end,
                action: action(closing, true),
                path: path.field("for_duration"),
                entry: path.clone(),
                target: end_target,
            });
        }
    }

    /// The `workload`, `resource` and `amount` of a UsageSpike, or `None` (problems reported)
    /// when one is wrong.
    fn usage_spike(
        &mut self,
        path: &FieldPath,
        ef: &EventFile,
        placed: &[&Workload],
    ) -> Option<(Option<String>, UsageResource, Quantity)> {
        let workload = ef.workload.clone();
        let known_workload = workload.as_ref().is_none_or(|name| placed.iter().any(|w| w.name == *name));
        if !known_workload {
            let workload = workload.as_deref().unwrap_or_default();
            let known = known_list(placed.iter().map(|w| &w.name));
            self.problem(&path.field("workload"), format!("unknown workload {workload:?} (known: {known})"));
        }
        let text = ef.resource.as_deref().expect("checked by the caller: a UsageSpike has resource");
        let resource = UsageResource::parse(text);
        if resource.is_none() {
            let names: Vec<&str> = UsageResource::ALL.iter().map(|r| r.as_str()).collect();
            self.problem(
                &path.field("resource"),
                format!("unknown resource {text:?} ({})", names.join(", ")),
            );
        }
        let amount_path = path.field("amount");
        let amount_text = ef.amount.as_ref().expect("checked by the caller: a UsageSpike has amount");
        // With an unknown resource the amount is still checked, as a quantity of no kind.
        let as_resource = resource.unwrap_or(UsageResource::Memory);
        let amount = self.usage_quantity(&amount_path, as_resource, amount_text);
        if amount == Some(Quantity::ZERO) {
            self.problem(&amount_path, "must be more than zero (a spike of nothing changes nothing)");
            return None;
        }
        let (true, Some(resource), Some(amount)) = (known_workload, resource, amount) else { return None };
        Some((workload, resource, amount))
    }

    /// The `condition` and `status` of an InjectCondition, or `None` (problems reported) when
    /// one is wrong.
    fn injected_condition(&mut self, path: &FieldPath, ef: &EventFile) -> Option<(PressureCondition, bool)> {
        let text = ef.condition.as_deref().expect("checked by the caller: an InjectCondition has condition");
        let status = ef.status.unwrap_or(true);
        let mut ok = true;
        let condition = PressureCondition::parse(text);
        if condition.is_none() {
            self.problem(
                &path.field("condition"),
                format!("unknown condition {text:?} (MemoryPressure, DiskPressure or PIDPressure)"),
            );
            ok = false;
        }
        if !status && ef.for_duration.is_some() {
            self.problem(
                &path.field("for_duration"),
                "for_duration needs status: true (the spell sets the condition and clears it at its end)",
            );
            ok = false;
        }
        let condition = condition?;
        ok.then_some((condition, status))
    }

    /// The `drainer`, `timeout` and `down_for` of a Drain (`drainer`, `notice` and `down_for`
    /// of a SpotInterruption), or `None` (problems reported) when one is missing or wrong.
    fn drain_spec(&mut self, path: &FieldPath, ef: &EventFile) -> Option<DrainSpec> {
        let spot = ef.event == EventKind::SpotInterruption;
        let drainer_text = ef.drainer.as_deref().or(spot.then_some("kubectl"));
        let drainer = drainer_text.and_then(|text| {
            Drainer::parse(text).or_else(|| {
                self.problem(
                    &path.field("drainer"),
                    format!(
                        "unknown drainer {text:?} (kubectl, cluster-api, karpenter or cluster-autoscaler)"
                    ),
                );
                None
            })
        });
        let down_for =
            ef.down_for.as_deref().and_then(|text| self.positive_duration(&path.field("down_for"), text));
        if spot {
            let notice = match ef.notice.as_deref() {
                None => Some(super::generators::defaults::SPOT_NOTICE),
                Some(text) => self.positive_duration(&path.field("notice"), text),
            };
            return Some(DrainSpec {
                drainer: drainer?,
                timeout: Some(notice?),
                down_for: down_for?,
                interruption: true,
            });
        }
        let drainer = drainer?;
        let timeout = match &ef.timeout {
            None => Some(DrainSpec::default_timeout(drainer)),
            Some(text) => {
                let p = path.field("timeout");
                match self.duration(&p, text) {
                    Some(d) if d.is_zero() => {
                        let instead = match DrainSpec::default_timeout(drainer) {
                            None => "leave timeout out for no limit".to_string(),
                            Some(d) => format!("leave timeout out for the default {}", format_duration(d)),
                        };
                        self.problem(&p, format!("must be longer than zero ({instead})"));
                        None
                    }
                    Some(d) => Some(Some(d)),
                    None => None,
                }
            }
        };
        Some(DrainSpec { drainer, timeout: timeout?, down_for: down_for?, interruption: false })
    }
}

/// Where each node is and when it exists: the starting nodes from the start, nodes added and
/// removed by name in the written timeline from and until then.
fn node_lives(start: &[StartNode], written: &[Pending], horizon: Duration) -> Vec<NodeLife> {
    let end = SimTime::from_duration(horizon);
    let life = |def: &crate::scenario::NodeDef, from: SimTime| NodeLife {
        name: def.name.clone(),
        pool: def.labels.get(POOL_LABEL).cloned(),
        zone: def.zone().to_string(),
        present: vec![(from, end)],
    };
    let mut lives: Vec<NodeLife> = start.iter().map(|n| life(&n.def, SimTime::ZERO)).collect();
    for p in written.iter().filter(|p| p.target == NodeTarget::Named) {
        match &p.action {
            TimelineAction::AddNode(def) => match lives.iter_mut().find(|l| l.name == def.name) {
                Some(l) => l.present.push((p.at, end)),
                None => lives.push(life(def, p.at)),
            },
            TimelineAction::RemoveNode { node } => {
                if let Some(span) =
                    lives.iter_mut().find(|l| l.name == *node).and_then(|l| l.present.last_mut())
                {
                    span.1 = span.1.min(p.at);
                }
            }
            _ => {}
        }
    }
    lives
}

/// The spans during which written events (by node name) disrupt a node: Silent to Back,
/// NotReady to Ready, a drain from its start to the end of its limit and down time (an hour
/// stands for a drain without a limit).
fn written_disruptions(written: &[Pending], horizon: Duration) -> Calendar {
    let end = SimTime::from_duration(horizon);
    let mut calendar = Calendar::default();
    let mut open: BTreeMap<(String, bool), SimTime> = BTreeMap::new();
    for p in written.iter().filter(|p| p.target == NodeTarget::Named) {
        let node = p.action.node().to_string();
        match &p.action {
            TimelineAction::NodeSilent { .. } => {
                open.entry((node, true)).or_insert(p.at);
            }
            TimelineAction::KubeletNotReady { .. } => {
                open.entry((node, false)).or_insert(p.at);
            }
            TimelineAction::NodeBack { .. } | TimelineAction::KubeletReady { .. } => {
                let silent = matches!(p.action, TimelineAction::NodeBack { .. });
                if let Some(from) = open.remove(&(node.clone(), silent)) {
                    calendar.claim(&node, from, p.at);
                }
            }
            TimelineAction::Drain { drain, .. } => {
                let limit = drain.timeout.unwrap_or(Duration::from_secs(3600));
                calendar.claim(&node, p.at, (p.at + limit + drain.down_for).min(end));
            }
            _ => {}
        }
    }
    for ((node, _), from) in open {
        calendar.claim(&node, from, end);
    }
    calendar
}

/// One timeline entry as a line of a scenario file.
pub(crate) fn entry_text(ef: &EventFile) -> String {
    let options = ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
    let config = ron::ser::PrettyConfig::new().compact_structs(true).compact_maps(true).compact_arrays(true);
    options.to_string_pretty(ef, config).unwrap_or_else(|e| format!("/* {e} */"))
}

#[cfg(test)]
mod tests {
    use crate::scenario::{TimelineAction, check_str};

    const HEAD: &str = r#"(name: "t", horizon: "1d",
 nodes: [(name: "w1", capacity: {"cpu": "1", "memory": "1Gi", "pods": "10"})],
 agents: [(name: "a", kind: DaemonSet)],
 policies: [(name: "p")],
"#;

    fn load(timeline: &str) -> Result<Vec<TimelineAction>, Vec<String>> {
        let src = format!("{HEAD} timeline: [{timeline}],\n)");
        check_str(&src, "t")
            .map(|s| s.timeline.into_iter().map(|e| e.action).collect())
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_drain_reports_each_bad_field_and_is_left_out() {
        let errors = load(
            r#"(at: "1h", node: "w1", event: Drain, drainer: "kubeadm", timeout: "-1m", down_for: "0s")"#,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.split(": ").nth(1).unwrap_or("")).collect();
        assert_eq!(fields, ["timeline[0].drainer", "timeline[0].down_for"], "{errors:?}");
        // With a known drainer the timeout is checked too.
        let errors = load(
            r#"(at: "1h", node: "w1", event: Drain, drainer: "kubectl", timeout: "-1m", down_for: "0s")"#,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.split(": ").nth(1).unwrap_or("")).collect();
        assert_eq!(fields, ["timeline[0].timeout", "timeline[0].down_for"], "{errors:?}");
    }

    #[test]
    fn spike_and_condition_spells_close_by_undoing_themselves() {
        use crate::model::Quantity;
        use crate::model::usage::UsageResource;
        use crate::scenario::PressureCondition;
        let actions = load(
            r#"(at: "1h", node: "w1", event: UsageSpike, workload: "a", resource: "cpu", amount: "1500m", for_duration: "1h"),
               (at: "1h", node: "w1", event: InjectCondition, condition: "DiskPressure", for_duration: "2h")"#,
        )
        .unwrap();
        let (node, workload, resource, amount) =
            ("w1".to_string(), Some("a".to_string()), UsageResource::Cpu, Quantity::from_milli(1500));
        assert_eq!(
            actions,
            [
                TimelineAction::UsageSpike {
                    node: node.clone(),
                    workload: workload.clone(),
                    resource,
                    amount
                },
                TimelineAction::InjectCondition {
                    node: node.clone(),
                    condition: PressureCondition::Disk,
                    status: true
                },
                TimelineAction::UsageSpikeEnd { node: node.clone(), workload, resource, amount },
                TimelineAction::InjectCondition { node, condition: PressureCondition::Disk, status: false },
            ]
        );
    }

    #[test]
    fn a_spike_reports_each_bad_field_and_is_left_out() {
        let errors = load(
            r#"(at: "1h", node: "w1", event: UsageSpike, workload: "b", resource: "gpu", amount: "-1")"#,
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.split(": ").nth(1).unwrap_or("")).collect();
        assert_eq!(
            fields,
            ["timeline[0].workload", "timeline[0].resource", "timeline[0].amount"],
            "{errors:?}"
        );
    }

    #[test]
    fn a_drain_has_no_closing_event() {
        let actions =
            load(r#"(at: "1h", node: "w1", event: Drain, drainer: "karpenter", down_for: "1h")"#).unwrap();
        assert_eq!(actions.len(), 1);
        assert!(matches!(&actions[0], TimelineAction::Drain { node, .. } if node == "w1"));
    }
}
