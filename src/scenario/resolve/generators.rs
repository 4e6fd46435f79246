//! Generators as written to [`Generator`]s: defaults filled in, every parameter checked.

use super::{Resolver, known_list};
use crate::controllers::drain::Drainer;
use crate::model::Quantity;
use crate::model::usage::UsageResource;
use crate::scenario::Workload;
use crate::scenario::file::{DistributionFile, FailureFile, GeneratorFile};
use crate::scenario::generators::{Distribution, FailureMode, Generator, GeneratorKind};
use crate::scenario::locate::FieldPath;
use crate::time::format_duration;
use std::collections::BTreeSet;
use std::time::Duration;

const DAY: u64 = 86_400;

/// The defaults; the table in [`crate::scenario::generators`] gives their sources.
pub(crate) mod defaults {
    use super::{DAY, Distribution, Duration};

    pub(crate) fn time_between_failures() -> Distribution {
        Distribution::Weibull { shape: 0.7, mean: Duration::from_secs(657 * DAY) }
    }
    pub(crate) fn time_to_repair() -> Distribution {
        Distribution::LogNormal { median: Duration::from_secs(3600), sigma: 1.0 }
    }
    pub(crate) fn zone_time_between() -> Distribution {
        Distribution::Exponential { mean: Duration::from_secs(365 * DAY) }
    }
    pub(crate) fn zone_duration() -> Distribution {
        Distribution::Fixed(Duration::from_secs(6 * 3600))
    }
    pub(crate) fn pressure_time_between() -> Distribution {
        Distribution::Exponential { mean: Duration::from_secs(7 * DAY) }
    }
    pub(crate) fn pressure_duration() -> Distribution {
        Distribution::Uniform { min: Duration::from_secs(600), max: Duration::from_secs(3600) }
    }
    pub(crate) const MAX_UNAVAILABLE: u32 = 1;
    pub(crate) const MAINTENANCE_TIMEOUT: Duration = Duration::from_secs(15 * 60);
    pub(crate) const DOWN_FOR: Duration = Duration::from_secs(5 * 60);
    pub(crate) const SPOT_NOTICE: Duration = Duration::from_secs(120);
    pub(crate) fn spot_time_between() -> Distribution {
        Distribution::Exponential { mean: Duration::from_secs(600 * DAY) }
    }
}

/// Weibull shapes accepted: outside this range the draws are numerically meaningless.
const SHAPE_RANGE: (f64, f64) = (0.1, 10.0);
/// Log-normal spreads accepted.
const SIGMA_MAX: f64 = 5.0;

impl Resolver<'_> {
    pub(super) fn generators(
        &mut self,
        files: &[GeneratorFile],
        horizon: Duration,
        pools: &BTreeSet<String>,
        zones: &BTreeSet<String>,
        placed: &[&Workload],
    ) -> Vec<Generator> {
        let mut out = Vec::new();
        let mut names: Vec<(String, FieldPath)> = Vec::new();
        for (i, gf) in files.iter().enumerate() {
            let path = super::root().field("generators").index(i);
            let name = gf.name();
            if let Some((_, first)) = names.iter().find(|(n, _)| n == name) {
                let first = self.describe(first);
                self.problem(&path.field("name"), format!("{name:?} is also the name of {first}"));
            } else {
                names.push((name.to_string(), path.clone()));
            }
            if let Some(g) = self.generator(&path, gf, horizon, pools, zones, placed) {
                out.push(g);
            }
        }
        out
    }

    fn generator(
        &mut self,
        path: &FieldPath,
        gf: &GeneratorFile,
        horizon: Duration,
        pools: &BTreeSet<String>,
        zones: &BTreeSet<String>,
        placed: &[&Workload],
    ) -> Option<Generator> {
        let before = self.problems.len();
        let (name, from_text, until_text) = match gf {
            GeneratorFile::NodeFailures { name, from, until, .. }
            | GeneratorFile::ZoneOutages { name, from, until, .. }
            | GeneratorFile::PressureEpisodes { name, from, until, .. }
            | GeneratorFile::SpotInterruptions { name, from, until, .. } => {
                (name, from.as_deref(), until.as_deref())
            }
            GeneratorFile::RollingMaintenance { name, until, .. } => (name, None, until.as_deref()),
        };
        self.plain_name(&path.field("name"), name);
        let from = match from_text {
            Some(text) => self.duration(&path.field("from"), text).unwrap_or_default(),
            None => Duration::ZERO,
        };
        let until = match until_text {
            Some(text) => self.duration(&path.field("until"), text).unwrap_or(horizon),
            None => horizon,
        };
        let not_before_horizon = |d: Duration| {
            format!("{} is not before the horizon ({})", format_duration(d), format_duration(horizon))
        };
        if from >= horizon && from_text.is_some() {
            self.problem(&path.field("from"), not_before_horizon(from));
        } else if until_text.is_some() && until <= from {
            self.problem(
                &path.field("until"),
                format!("{} is not after from ({})", format_duration(until), format_duration(from)),
            );
        }
        if until > horizon {
            self.problem(
                &path.field("until"),
                format!("{} is after the horizon ({})", format_duration(until), format_duration(horizon)),
            );
        }
        let kind = match gf {
            GeneratorFile::NodeFailures { pool, failure, time_between_failures, time_to_repair, .. } => {
                self.pool(&path.field("pool"), pool, pools);
                GeneratorKind::NodeFailures {
                    pool: pool.clone(),
                    failure: failure_mode(*failure),
                    time_between_failures: self.distribution(
                        &path.field("time_between_failures"),
                        time_between_failures.as_ref(),
                        defaults::time_between_failures,
                    ),
                    time_to_repair: self.distribution(
                        &path.field("time_to_repair"),
                        time_to_repair.as_ref(),
                        defaults::time_to_repair,
                    ),
                }
            }
            GeneratorFile::ZoneOutages { zones: named, failure, time_between, duration, .. } => {
                if let Some(list) = named {
                    if list.is_empty() {
                        self.problem(
                            &path.field("zones"),
                            "an empty list names no zone (leave zones out for every zone)",
                        );
                    }
                    for (j, z) in list.iter().enumerate() {
                        if list[..j].contains(z) {
                            self.problem(
                                &path.field("zones").index(j),
                                format!("zone {z:?} is listed twice"),
                            );
                        } else if !zones.contains(z) {
                            let known = known_list(zones.iter().map(|z| format!("{z:?}")));
                            self.problem(
                                &path.field("zones").index(j),
                                format!("no node is in zone {z:?} (zones: {known})"),
                            );
                        }
                    }
                }
                GeneratorKind::ZoneOutages {
                    zones: named.clone(),
                    failure: failure_mode(*failure),
                    time_between: self.distribution(
                        &path.field("time_between"),
                        time_between.as_ref(),
                        defaults::zone_time_between,
                    ),
                    duration: self.distribution(
                        &path.field("duration"),
                        duration.as_ref(),
                        defaults::zone_duration,
                    ),
                }
            }
            GeneratorFile::PressureEpisodes {
                pool,
                workload,
                resource,
                amount,
                amount_max,
                time_between,
                duration,
                ..
            } => {
                self.pool(&path.field("pool"), pool, pools);
                if let Some(w) = workload {
                    if !placed.iter().any(|p| p.name == *w) {
                        let known = known_list(placed.iter().map(|p| &p.name));
                        self.problem(
                            &path.field("workload"),
                            format!("unknown workload {w:?} (known: {known})"),
                        );
                    }
                }
                let resource = match resource.as_deref() {
                    None => UsageResource::Memory,
                    Some(text) => UsageResource::parse(text).unwrap_or_else(|| {
                        let names: Vec<&str> = UsageResource::ALL.iter().map(|r| r.as_str()).collect();
                        self.problem(
                            &path.field("resource"),
                            format!("unknown resource {text:?} ({})", names.join(", ")),
                        );
                        UsageResource::Memory
                    }),
                };
                let amount_q = self.usage_quantity(&path.field("amount"), resource, amount);
                if amount_q == Some(Quantity::ZERO) {
                    self.problem(&path.field("amount"), "must be more than zero");
                }
                let max_q = amount_max
                    .as_ref()
                    .and_then(|m| self.usage_quantity(&path.field("amount_max"), resource, m));
                if let (Some(a), Some(m)) = (amount_q, max_q) {
                    if m < a {
                        self.problem(
                            &path.field("amount_max"),
                            format!("{} is less than amount ({})", m.to_k8s_string(), a.to_k8s_string()),
                        );
                    }
                }
                GeneratorKind::PressureEpisodes {
                    pool: pool.clone(),
                    workload: workload.clone(),
                    resource,
                    amount: amount_q.unwrap_or(Quantity::ZERO),
                    amount_max: max_q,
                    time_between: self.distribution(
                        &path.field("time_between"),
                        time_between.as_ref(),
                        defaults::pressure_time_between,
                    ),
                    duration: self.distribution(
                        &path.field("duration"),
                        duration.as_ref(),
                        defaults::pressure_duration,
                    ),
                }
            }
            GeneratorFile::RollingMaintenance {
                pool,
                at,
                every,
                max_unavailable,
                drainer,
                timeout,
                down_for,
                ..
            } => {
                self.pool(&path.field("pool"), pool, pools);
                let at_d = self.duration(&path.field("at"), at).unwrap_or_default();
                if at_d >= horizon {
                    self.problem(&path.field("at"), not_before_horizon(at_d));
                } else if until_text.is_some() && until <= at_d {
                    self.problem(
                        &path.field("until"),
                        format!("{} is not after at ({})", format_duration(until), format_duration(at_d)),
                    );
                }
                let every = every.as_deref().and_then(|t| self.positive_duration(&path.field("every"), t));
                let max_unavailable = max_unavailable.unwrap_or(defaults::MAX_UNAVAILABLE);
                if max_unavailable == 0 {
                    self.problem(&path.field("max_unavailable"), "must be at least 1");
                }
                let drainer = self.drainer(&path.field("drainer"), drainer.as_deref());
                let timeout = self.optional_positive(
                    &path.field("timeout"),
                    timeout.as_deref(),
                    defaults::MAINTENANCE_TIMEOUT,
                );
                let down_for =
                    self.optional_positive(&path.field("down_for"), down_for.as_deref(), defaults::DOWN_FOR);
                if let Some(e) = every {
                    if e < timeout + down_for {
                        self.problem(
                            &path.field("every"),
                            format!(
                                "{} is shorter than one batch (timeout + down_for = {})",
                                format_duration(e),
                                format_duration(timeout + down_for)
                            ),
                        );
                    }
                }
                GeneratorKind::RollingMaintenance {
                    pool: pool.clone(),
                    at: at_d,
                    every,
                    max_unavailable,
                    drainer,
                    timeout,
                    down_for,
                }
            }
            GeneratorFile::SpotInterruptions { pool, time_between, notice, drainer, down_for, .. } => {
                self.pool(&path.field("pool"), pool, pools);
                GeneratorKind::SpotInterruptions {
                    pool: pool.clone(),
                    time_between: self.distribution(
                        &path.field("time_between"),
                        time_between.as_ref(),
                        defaults::spot_time_between,
                    ),
                    notice: self.optional_positive(
                        &path.field("notice"),
                        notice.as_deref(),
                        defaults::SPOT_NOTICE,
                    ),
                    drainer: self.drainer(&path.field("drainer"), drainer.as_deref()),
                    down_for: self.optional_positive(
                        &path.field("down_for"),
                        down_for.as_deref(),
                        defaults::DOWN_FOR,
                    ),
                }
            }
        };
        (self.problems.len() == before).then(|| Generator { name: name.clone(), kind, from, until })
    }

    fn pool(&mut self, path: &FieldPath, pool: &Option<String>, pools: &BTreeSet<String>) {
        if let Some(p) = pool {
            if !pools.contains(p) {
                let known = known_list(pools.iter());
                self.problem(path, format!("no node is in pool {p:?} (pools: {known})"));
            }
        }
    }

    fn drainer(&mut self, path: &FieldPath, text: Option<&str>) -> Drainer {
        match text {
            None => Drainer::Kubectl,
            Some(t) => Drainer::parse(t).unwrap_or_else(|| {
                self.problem(
                    path,
                    format!("unknown drainer {t:?} (kubectl, cluster-api, karpenter or cluster-autoscaler)"),
                );
                Drainer::Kubectl
            }),
        }
    }

    fn optional_positive(&mut self, path: &FieldPath, text: Option<&str>, default: Duration) -> Duration {
        match text {
            None => default,
            Some(t) => self.positive_duration(path, t).unwrap_or(default),
        }
    }

    fn distribution(
        &mut self,
        path: &FieldPath,
        written: Option<&DistributionFile>,
        default: fn() -> Distribution,
    ) -> Distribution {
        let Some(written) = written else { return default() };
        let positive = |r: &mut Self, field: Option<&str>, text: &str| -> Duration {
            let p = match field {
                Some(f) => path.field(f),
                None => path.clone(),
            };
            r.positive_duration(&p, text).unwrap_or(Duration::from_secs(1))
        };
        match written {
            DistributionFile::Fixed(text) => Distribution::Fixed(positive(self, None, text)),
            DistributionFile::Exponential { mean } => {
                Distribution::Exponential { mean: positive(self, Some("mean"), mean) }
            }
            DistributionFile::Uniform { min, max } => {
                let lo = positive(self, Some("min"), min);
                let hi = positive(self, Some("max"), max);
                if hi < lo {
                    self.problem(
                        &path.field("max"),
                        format!("{} is less than min ({})", format_duration(hi), format_duration(lo)),
                    );
                }
                Distribution::Uniform { min: lo, max: hi }
            }
            DistributionFile::LogNormal { median, sigma } => {
                let median = positive(self, Some("median"), median);
                if !sigma.is_finite() || *sigma < 0.0 || *sigma > SIGMA_MAX {
                    self.problem(&path.field("sigma"), format!("{sigma} is out of range (0 to {SIGMA_MAX})"));
                }
                Distribution::LogNormal { median, sigma: *sigma }
            }
            DistributionFile::Weibull { shape, mean } => {
                let mean = positive(self, Some("mean"), mean);
                if !shape.is_finite() || *shape < SHAPE_RANGE.0 || *shape > SHAPE_RANGE.1 {
                    self.problem(
                        &path.field("shape"),
                        format!("{shape} is out of range ({} to {})", SHAPE_RANGE.0, SHAPE_RANGE.1),
                    );
                }
                Distribution::Weibull { shape: *shape, mean }
            }
        }
    }
}

impl GeneratorFile {
    fn name(&self) -> &str {
        match self {
            GeneratorFile::NodeFailures { name, .. }
            | GeneratorFile::ZoneOutages { name, .. }
            | GeneratorFile::PressureEpisodes { name, .. }
            | GeneratorFile::RollingMaintenance { name, .. }
            | GeneratorFile::SpotInterruptions { name, .. } => name,
        }
    }
}

fn failure_mode(f: Option<FailureFile>) -> FailureMode {
    match f {
        None | Some(FailureFile::Silent) => FailureMode::Silent,
        Some(FailureFile::NotReady) => FailureMode::NotReady,
    }
}
