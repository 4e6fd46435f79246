//! From the file as written to the [`Scenario`] the engine runs: defaults filled in, node
//! groups and `for_duration` spells expanded, durations and quantities parsed, and every rule
//! checked. Problems are collected (not stopped at), each with the field path it concerns;
//! [`SourceMap`] turns the path into a line and column.

use super::error::Diagnostic;
use super::file::{QuantityText, ScenarioFile, SettingsFile};
use super::locate::{FieldPath, LineCol, SourceMap};
use super::names;
use super::{ControllerSettings, KubeVersion, Scenario};
use crate::model::{Quantity, ResourceList};
use crate::time::{SimTime, format_duration, parse_duration};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

mod generators;
mod nodes;
mod pdbs;
mod timeline;
mod usage;
mod workloads;

/// Largest node group, replica count and bare-pod count accepted: far beyond the scale
/// Kubernetes supports (5,000 nodes, 150,000 pods), low enough that a typo cannot exhaust
/// memory.
const MAX_COUNT: u32 = 100_000;

/// How many node names an "unknown node" message lists before it abbreviates.
const KNOWN_NAMES_SHOWN: usize = 8;

/// Turns a parsed file into a scenario, or into every problem found (sorted by position).
/// The longest horizon a scenario may ask for: a year of simulated time runs in seconds, far
/// longer ones only fill memory with time series.
pub const MAX_HORIZON: Duration = Duration::from_secs(366 * 86_400);

pub(crate) fn resolve(
    file: &ScenarioFile,
    map: &SourceMap<'_>,
    origin: &str,
    seed: Option<u64>,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut r = Resolver { map, origin, problems: Vec::new() };
    let scenario = r.scenario(file, seed);
    if r.problems.is_empty() {
        Ok(scenario)
    } else {
        let mut problems = r.problems;
        problems.sort_by_key(|d| (d.line, d.column));
        Err(problems)
    }
}

struct Resolver<'a> {
    map: &'a SourceMap<'a>,
    origin: &'a str,
    problems: Vec<Diagnostic>,
}

fn root() -> FieldPath {
    FieldPath::root()
}

impl Resolver<'_> {
    fn problem(&mut self, path: &FieldPath, message: impl Into<String>) {
        let lc = self.map.locate(path);
        self.problem_at(path.to_string(), lc, message);
    }

    /// A problem with the key of a map entry: the position is the key's, not the value's.
    fn key_problem(&mut self, path: &FieldPath, message: impl Into<String>) {
        let lc = self.map.locate_key(path);
        self.problem_at(path.to_string(), lc, message);
    }

    fn problem_at(&mut self, field: String, lc: LineCol, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            origin: self.origin.to_string(),
            line: lc.line,
            column: Some(lc.column),
            field,
            message: message.into(),
        });
    }

    /// `"nodes[0] (line 12)"`: how messages point back at an earlier item.
    fn describe(&self, path: &FieldPath) -> String {
        format!("{path} (line {})", self.map.locate(path).line)
    }

    fn scenario(&mut self, f: &ScenarioFile, seed: Option<u64>) -> Scenario {
        let dups: Vec<(String, LineCol)> =
            self.map.duplicate_keys().map(|(p, lc)| (p.to_string(), lc)).collect();
        for (path, lc) in dups {
            self.problem_at(path, lc, "this key is written twice in the same map");
        }
        self.plain_name(&root().field("name"), &f.name);

        let version = match &f.kubernetes_version {
            None => KubeVersion::DEFAULT,
            Some(text) => KubeVersion::parse(text).unwrap_or_else(|e| {
                self.problem(&root().field("kubernetes_version"), e);
                KubeVersion::DEFAULT
            }),
        };
        let horizon = self.duration(&root().field("horizon"), &f.horizon).unwrap_or(Duration::ZERO);
        if horizon.is_zero() && parse_duration(&f.horizon).is_ok() {
            self.problem(&root().field("horizon"), "the horizon must be longer than zero");
        }
        if horizon > MAX_HORIZON {
            self.problem(
                &root().field("horizon"),
                format!(
                    "the horizon may be at most {} (one year)",
                    crate::time::format_duration(MAX_HORIZON)
                ),
            );
        }
        let settings = self.settings(version, f.settings.as_ref());

        let start = self.nodes(&f.nodes);
        let start_names: BTreeSet<String> = start.iter().map(|n| n.def.name.clone()).collect();
        let workloads = self.workloads(&f.workloads, &f.agents, &start_names);
        let (workloads, agents) = workloads;
        let policies = self.policies(&f.policies, &f.agents, &f.workloads);
        let seed = seed.or(f.seed).unwrap_or(super::DEFAULT_SEED);
        let generators = {
            let added = f.timeline.iter().filter_map(|e| e.new_node.as_ref());
            let (mut pools, mut zones) = (BTreeSet::new(), BTreeSet::new());
            for def in start.iter().map(|n| &n.def) {
                pools.extend(def.labels.get(super::POOL_LABEL).cloned());
                zones.insert(def.zone().to_string());
            }
            for nf in added {
                pools.extend(nf.pool.clone().or_else(|| nf.labels.get(super::POOL_LABEL).cloned()));
                zones.extend(nf.zone.clone());
                zones.extend(nf.zones.iter().flatten().cloned());
            }
            let placed: Vec<&super::Workload> = workloads.iter().chain(&agents).collect();
            self.generators(&f.generators, horizon, &pools, &zones, &placed)
        };
        let (timeline, listing, tallies) =
            self.timeline(&f.timeline, &generators, seed, &start, horizon, &workloads, &agents);
        let pdbs = self.pdbs(&f.pdbs, &f.workloads, &f.agents);

        Scenario {
            name: f.name.clone(),
            description: f.description.clone(),
            kubernetes_version: version,
            seed,
            horizon,
            settings,
            nodes: start.into_iter().map(|n| n.def).collect(),
            workloads,
            agents,
            policies,
            timeline,
            pdbs,
            generators: generators
                .into_iter()
                .zip(tallies.into_iter().chain(std::iter::repeat_with(Default::default)))
                .collect(),
            listing: listing.events,
            ignored: f.ignored.clone(),
        }
    }

    // ---------------------------------------------------------------------------------------
    // Scalars

    /// Names shown in reports and used as folder names: letters, digits, `.`, `_`, `-`.
    fn plain_name(&mut self, path: &FieldPath, name: &str) {
        if name.is_empty() {
            self.problem(path, "must not be empty");
        } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
            self.problem(path, format!("{name:?}: use only letters, digits, '.', '_' and '-'"));
        }
    }

    fn duration(&mut self, path: &FieldPath, text: &str) -> Option<Duration> {
        parse_duration(text).map_err(|e| self.problem(path, e)).ok()
    }

    fn positive_duration(&mut self, path: &FieldPath, text: &str) -> Option<Duration> {
        let d = self.duration(path, text)?;
        if d.is_zero() {
            self.problem(path, "must be longer than zero");
            return None;
        }
        Some(d)
    }

    /// A `metadata.labels`-like map: every key a qualified name, every value a label value.
    /// A bad key is reported at the key, a bad value at the value.
    fn label_map(&mut self, path: &FieldPath, map: &BTreeMap<String, String>) {
        for (k, v) in map {
            let p = path.key(k);
            if let Some(why) = names::qualified_name(k) {
                self.key_problem(&p, why);
            } else if let Some(why) = names::label_value(v) {
                self.problem(&p, why);
            }
        }
    }

    fn resources(&mut self, path: &FieldPath, map: &BTreeMap<String, QuantityText>) -> ResourceList {
        let mut out = ResourceList::default();
        for (name, text) in map {
            let p = path.key(name);
            if let Some(why) = names::qualified_name(name) {
                self.problem(&p, format!("resource name {why}"));
                continue;
            }
            match Quantity::parse(&text.0) {
                Ok(q) if q.milli() < 0 => self.problem(&p, format!("{:?} is negative", text.0)),
                Ok(q) => out.set(name, q),
                Err(e) => self.problem(&p, e),
            }
        }
        out
    }

    // ---------------------------------------------------------------------------------------
    // Settings

    fn settings(&mut self, version: KubeVersion, s: Option<&SettingsFile>) -> ControllerSettings {
        let mut out = ControllerSettings::defaults_for(version);
        let Some(s) = s else { return out };
        let p = root().field("settings");

        let positive = [
            ("node_monitor_period", &s.node_monitor_period, &mut out.node_monitor_period),
            ("node_monitor_grace_period", &s.node_monitor_grace_period, &mut out.node_monitor_grace_period),
        ];
        for (field, text, target) in positive {
            if let Some(text) = text {
                if let Some(d) = self.positive_duration(&p.field(field), text) {
                    *target = d;
                }
            }
        }
        let any = [
            ("pod_start_delay", &s.pod_start_delay, &mut out.pod_start_delay),
            ("pod_stop_delay", &s.pod_stop_delay, &mut out.pod_stop_delay),
            ("orphan_pod_gc_delay", &s.orphan_pod_gc_delay, &mut out.orphan_pod_gc_delay),
        ];
        for (field, text, target) in any {
            if let Some(text) = text {
                if let Some(d) = self.duration(&p.field(field), text) {
                    *target = d;
                }
            }
        }
        if let Some(b) = s.default_toleration_seconds_enabled {
            out.default_toleration_seconds_enabled = b;
        }
        let seconds = [
            (
                "default_not_ready_toleration_seconds",
                s.default_not_ready_toleration_seconds,
                &mut out.default_not_ready_toleration_seconds,
            ),
            (
                "default_unreachable_toleration_seconds",
                s.default_unreachable_toleration_seconds,
                &mut out.default_unreachable_toleration_seconds,
            ),
        ];
        for (field, value, target) in seconds {
            match value {
                Some(v) if v < 0 => {
                    self.problem(&p.field(field), format!("{v} is negative (whole seconds, 0 or more)"))
                }
                Some(v) => *target = v,
                None => {}
            }
        }
        let rates = [
            ("node_eviction_rate", s.node_eviction_rate, &mut out.node_eviction_rate, f64::INFINITY),
            (
                "secondary_node_eviction_rate",
                s.secondary_node_eviction_rate,
                &mut out.secondary_node_eviction_rate,
                f64::INFINITY,
            ),
            ("unhealthy_zone_threshold", s.unhealthy_zone_threshold, &mut out.unhealthy_zone_threshold, 1.0),
        ];
        for (field, value, target, max) in rates {
            match value {
                Some(v) if !v.is_finite() || v < 0.0 || v > max => {
                    let range = if max.is_finite() { "between 0 and 1" } else { "0 or more" };
                    self.problem(&p.field(field), format!("{v} is out of range (must be {range})"));
                }
                Some(v) => *target = v,
                None => {}
            }
        }
        if let Some(v) = s.large_cluster_size_threshold {
            out.large_cluster_size_threshold = v;
        }
        match s.percentage_of_nodes_to_score {
            Some(v) if v > 100 => self
                .problem(&p.field("percentage_of_nodes_to_score"), format!("{v} is more than 100 (percent)")),
            Some(v) => out.percentage_of_nodes_to_score = v,
            None => {}
        }
        out
    }
}

/// `"1h30m"` for an instant, as messages print times on the timeline.
pub(super) fn at_text(t: SimTime) -> String {
    format_duration(t.since_start())
}

/// `"a, b, c"`, shortened to the first few with a total.
pub(super) fn known_list<'s>(names: impl ExactSizeIterator<Item = impl AsRef<str>> + 's) -> String {
    let total = names.len();
    if total == 0 {
        return "none".into();
    }
    let shown: Vec<String> = names.take(KNOWN_NAMES_SHOWN).map(|n| n.as_ref().to_string()).collect();
    if total > KNOWN_NAMES_SHOWN {
        format!("{}, ... ({total} in all)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn long_name_lists_are_shortened() {
        let names: Vec<String> = (1..=10).map(|i| format!("n{i}")).collect();
        assert_eq!(known_list(names.iter()), "n1, n2, n3, n4, n5, n6, n7, n8, ... (10 in all)");
        assert_eq!(known_list(Vec::<String>::new().iter()), "none");
    }
}
