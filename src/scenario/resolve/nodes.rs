//! Nodes: single nodes and groups, labels, taints, capacity and allocatable.

use super::{MAX_COUNT, Resolver, names, root};
use crate::model::keys;
use crate::model::{ResourceList, Taint, TaintEffect};
use crate::scenario::file::{NodeFile, TaintFile};
use crate::scenario::locate::FieldPath;
use crate::scenario::{NodeDef, POOL_LABEL};
use std::collections::BTreeMap;

/// Labels the kubelet always sets on its Node, filled in when a scenario leaves them out.
/// `kubernetes.io/hostname` gets the node name.
const KUBELET_LABELS: [(&str, &str); 2] = [("kubernetes.io/os", "linux"), ("kubernetes.io/arch", "amd64")];

/// Label the kubelet sets to the node's host name.
const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// Taints that have their own timeline events and that the node lifecycle controller owns:
/// written by hand they would be removed (or fought over) at its next pass.
const EVENT_OWNED_TAINTS: [(&str, &str); 3] = [
    (keys::NOT_READY, "use the NotReady event (kubelet reports Ready=False)"),
    (keys::UNREACHABLE, "use the Silent event (the node stops reporting)"),
    (keys::UNSCHEDULABLE, "use unschedulable: true or the Cordon event"),
];

/// A node present at the start, with where its name came from.
pub(super) struct StartNode {
    pub(super) def: NodeDef,
    pub(super) path: FieldPath,
}

impl Resolver<'_> {
    pub(super) fn nodes(&mut self, files: &[NodeFile]) -> Vec<StartNode> {
        let nodes_path = root().field("nodes");
        if files.is_empty() {
            self.problem(&nodes_path, "at least one node is needed at the start");
        }
        let mut out: Vec<StartNode> = Vec::new();
        for (i, nf) in files.iter().enumerate() {
            for (def, path) in self.node_entry(&nodes_path.index(i), nf) {
                if let Some(first) = out.iter().find(|n| n.def.name == def.name) {
                    let earlier = self.describe(&first.path.parent().unwrap_or_default());
                    self.problem(&path, format!("node name {:?} is already used by {earlier}", def.name));
                    continue;
                }
                out.push(StartNode { def, path });
            }
        }
        out
    }

    /// One file entry: a node, or the nodes of a group, each with the path of its name.
    pub(super) fn node_entry(&mut self, path: &FieldPath, nf: &NodeFile) -> Vec<(NodeDef, FieldPath)> {
        let names = self.node_names(path, nf);
        let labels = self.node_labels(path, nf);
        let taints = self.node_taints(path, nf);
        let (capacity, allocatable) = self.node_resources(path, nf);
        names
            .into_iter()
            .map(|(name, zone, name_path)| {
                let mut labels = labels.clone();
                labels.entry(HOSTNAME_LABEL.to_string()).or_insert_with(|| name.clone());
                if let Some(zone) = zone {
                    labels.insert(keys::ZONE_LABEL.to_string(), zone);
                }
                let def = NodeDef {
                    name,
                    labels,
                    taints: taints.clone(),
                    unschedulable: nf.unschedulable,
                    capacity: capacity.clone(),
                    allocatable: allocatable.clone(),
                };
                (def, name_path)
            })
            .collect()
    }

    /// Names (with a group's round-robin zone) and the path each name is written at.
    fn node_names(&mut self, path: &FieldPath, nf: &NodeFile) -> Vec<(String, Option<String>, FieldPath)> {
        if nf.zone.is_some() && nf.zones.is_some() {
            self.problem(
                &path.field("zones"),
                "give zone (every node in one zone) or zones (spread a group), not both",
            );
        }
        if let Some(zones) = &nf.zones {
            if zones.is_empty() {
                self.problem(&path.field("zones"), "must list at least one zone");
            }
            for (i, z) in zones.iter().enumerate() {
                if let Some(why) = names::label_value(z) {
                    self.problem(&path.field("zones").index(i), why);
                }
            }
        }
        match (&nf.name, &nf.name_pattern, nf.count) {
            (Some(name), None, None) => {
                if nf.zones.is_some() {
                    self.problem(
                        &path.field("zones"),
                        "zones spreads a group over zones; a single node takes zone",
                    );
                }
                if nf.first_index.is_some() {
                    self.problem(
                        &path.field("first_index"),
                        "first_index numbers a group; this is a single node",
                    );
                }
                let name_path = path.field("name");
                if let Some(why) = names::dns_subdomain(name) {
                    self.problem(&name_path, why);
                }
                vec![(name.clone(), None, name_path)]
            }
            (None, Some(pattern), Some(count)) => self.group_names(path, nf, pattern, count),
            (Some(_), Some(_), _) => {
                self.problem(
                    &path.field("name_pattern"),
                    "give name (one node) or name_pattern and count (a group), not both",
                );
                Vec::new()
            }
            (None, Some(_), None) => {
                self.problem(&path.field("name_pattern"), "a node group needs count");
                Vec::new()
            }
            (Some(_), None, Some(_)) => {
                self.problem(
                    &path.field("count"),
                    "count makes a group: write name_pattern (e.g. \"worker-{i}\") instead of name",
                );
                Vec::new()
            }
            (None, None, _) => {
                self.problem(path, "a node needs name (one node) or name_pattern and count (a group)");
                Vec::new()
            }
        }
    }

    fn group_names(
        &mut self,
        path: &FieldPath,
        nf: &NodeFile,
        pattern: &str,
        count: u32,
    ) -> Vec<(String, Option<String>, FieldPath)> {
        let pattern_path = path.field("name_pattern");
        if count == 0 || count > MAX_COUNT {
            self.problem(&path.field("count"), format!("a node group needs a count from 1 to {MAX_COUNT}"));
            return Vec::new();
        }
        let parts = match NamePattern::parse(pattern) {
            Ok(p) => p,
            Err(e) => {
                self.problem(&pattern_path, e);
                return Vec::new();
            }
        };
        let first = nf.first_index.unwrap_or(1);
        let zones: Vec<Option<String>> = match (&nf.zones, &nf.zone) {
            (Some(zs), _) if !zs.is_empty() => zs.iter().cloned().map(Some).collect(),
            (_, z) => vec![z.clone()],
        };
        if parts.uses_zone && zones.iter().all(Option::is_none) {
            self.problem(&pattern_path, "{zone} needs zone or zones");
            return Vec::new();
        }
        let mut out = Vec::new();
        for k in 0..count {
            let zone = zones[k as usize % zones.len()].clone();
            let Some(index) = first.checked_add(k) else {
                self.problem(&path.field("first_index"), "first_index + count overflows");
                return out;
            };
            let name = parts.render(index, zone.as_deref().unwrap_or(""));
            if let Some(why) = names::dns_subdomain(&name) {
                self.problem(&pattern_path, format!("gives an invalid name: {why}"));
                return Vec::new();
            }
            out.push((name, zone, pattern_path.clone()));
        }
        out
    }

    fn node_labels(&mut self, path: &FieldPath, nf: &NodeFile) -> BTreeMap<String, String> {
        self.label_map(&path.field("labels"), &nf.labels);
        let mut labels = nf.labels.clone();
        let shorthands = [("zone", keys::ZONE_LABEL, &nf.zone), ("pool", POOL_LABEL, &nf.pool)];
        for (field, label, value) in shorthands {
            let Some(value) = value else { continue };
            if let Some(why) = names::label_value(value) {
                self.problem(&path.field(field), why);
            }
            match labels.get(label) {
                Some(existing) if existing != value => self.problem(
                    &path.field(field),
                    format!("{field} {value:?} disagrees with labels[{label:?}] = {existing:?}"),
                ),
                _ => {
                    labels.insert(label.to_string(), value.clone());
                }
            }
        }
        for (k, v) in KUBELET_LABELS {
            labels.entry(k.to_string()).or_insert_with(|| v.to_string());
        }
        labels
    }

    fn node_taints(&mut self, path: &FieldPath, nf: &NodeFile) -> Vec<Taint> {
        let mut out: Vec<Taint> = Vec::new();
        for (i, tf) in nf.taints.iter().enumerate() {
            let p = path.field("taints").index(i);
            let Some(taint) = self.taint(&p, tf, true) else { continue };
            if out.iter().any(|t| t.same_taint(&taint)) {
                self.problem(
                    &p,
                    format!(
                        "the node already has a taint with key {:?} and effect {}",
                        taint.key, taint.effect
                    ),
                );
                continue;
            }
            out.push(taint);
        }
        out
    }

    fn node_resources(&mut self, path: &FieldPath, nf: &NodeFile) -> (ResourceList, ResourceList) {
        let cap_path = path.field("capacity");
        let Some(cap_map) = &nf.capacity else {
            self.problem(&cap_path, "capacity is required (at least cpu, memory and pods)");
            return Default::default();
        };
        let capacity = self.resources(&cap_path, cap_map);
        for needed in ["cpu", "memory", "pods"] {
            if !cap_map.contains_key(needed) {
                self.problem(&cap_path, format!("capacity must list {needed:?}"));
            } else if capacity.0.get(needed).is_some_and(|q| q.milli() == 0) {
                self.problem(&cap_path.key(needed), "must be more than zero");
            }
        }
        let mut allocatable = capacity.clone();
        if let Some(alloc_map) = &nf.allocatable {
            let alloc_path = path.field("allocatable");
            let given = self.resources(&alloc_path, alloc_map);
            for (name, q) in given.iter() {
                match capacity.0.get(name) {
                    None => self.problem(&alloc_path.key(name), format!("{name:?} is not in capacity")),
                    Some(c) if q > c => self
                        .problem(&alloc_path.key(name), format!("allocatable {q} is more than capacity {c}")),
                    _ => allocatable.set(name, *q),
                }
            }
        }
        (capacity, allocatable)
    }

    pub(super) fn taint(&mut self, path: &FieldPath, tf: &TaintFile, adding: bool) -> Option<Taint> {
        let mut ok = true;
        if let Some(why) = names::qualified_name(&tf.key) {
            self.problem(&path.field("key"), why);
            ok = false;
        }
        if let Some(why) = names::label_value(&tf.value) {
            self.problem(&path.field("value"), why);
            ok = false;
        }
        if adding {
            if let Some((_, instead)) = EVENT_OWNED_TAINTS.iter().find(|(k, _)| *k == tf.key) {
                self.problem(
                    &path.field("key"),
                    format!("{:?} is managed by the node lifecycle controller: {instead}", tf.key),
                );
                ok = false;
            }
        }
        let effect = self.effect(&path.field("effect"), &tf.effect, false).flatten()?;
        ok.then(|| Taint { key: tf.key.clone(), value: tf.value.clone(), effect })
    }

    /// Parses an effect; `""` means "every effect" where `empty_ok`.
    pub(super) fn effect(
        &mut self,
        path: &FieldPath,
        text: &str,
        empty_ok: bool,
    ) -> Option<Option<TaintEffect>> {
        if text.is_empty() {
            if empty_ok {
                return Some(None);
            }
            self.problem(path, "effect is required: NoSchedule, PreferNoSchedule or NoExecute");
            return None;
        }
        match TaintEffect::try_from(text.to_string()) {
            Ok(e) => Some(Some(e)),
            Err(e) => {
                self.problem(path, e);
                None
            }
        }
    }
}

/// A parsed `name_pattern`: text with `{i}`, `{i:0N}` and `{zone}` placeholders.
#[derive(Debug)]
struct NamePattern {
    parts: Vec<PatternPart>,
    uses_zone: bool,
}

#[derive(Debug)]
enum PatternPart {
    Text(String),
    /// The node's index, zero-padded to `width` digits.
    Index {
        width: usize,
    },
    Zone,
}

impl NamePattern {
    fn parse(pattern: &str) -> Result<NamePattern, String> {
        let mut parts = Vec::new();
        let mut rest = pattern;
        let mut has_index = false;
        let mut uses_zone = false;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(PatternPart::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("{pattern:?} has an unclosed '{{'"));
            };
            let inner = &rest[open + 1..open + close];
            match inner {
                "i" => {
                    parts.push(PatternPart::Index { width: 0 });
                    has_index = true;
                }
                "zone" => {
                    parts.push(PatternPart::Zone);
                    uses_zone = true;
                }
                _ => {
                    let width = inner
                        .strip_prefix("i:0")
                        .and_then(|w| w.parse::<usize>().ok())
                        .filter(|w| (1..=9).contains(w))
                        .ok_or_else(|| {
                            format!("unknown placeholder {{{inner}}} in {pattern:?} (use {{i}}, {{i:03}} or {{zone}})")
                        })?;
                    parts.push(PatternPart::Index { width });
                    has_index = true;
                }
            }
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(PatternPart::Text(rest.to_string()));
        }
        if !has_index {
            return Err(format!("{pattern:?} needs {{i}} (or {{i:02}}) so every node gets its own name"));
        }
        Ok(NamePattern { parts, uses_zone })
    }

    fn render(&self, index: u32, zone: &str) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                PatternPart::Text(t) => out.push_str(t),
                PatternPart::Index { width } => out.push_str(&format!("{index:0width$}")),
                PatternPart::Zone => out.push_str(zone),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_number_and_pad() {
        let p = NamePattern::parse("worker-{i:03}-{zone}").unwrap();
        assert_eq!(p.render(7, "a"), "worker-007-a");
        assert_eq!(NamePattern::parse("w{i}").unwrap().render(12, ""), "w12");
    }

    #[test]
    fn patterns_reject_unknown_or_missing_placeholders() {
        assert!(NamePattern::parse("worker").unwrap_err().contains("needs {i}"));
        assert!(NamePattern::parse("worker-{n}").unwrap_err().contains("unknown placeholder {n}"));
        assert!(NamePattern::parse("worker-{i").unwrap_err().contains("unclosed"));
        assert!(NamePattern::parse("worker-{i:0}").is_err());
    }
}
