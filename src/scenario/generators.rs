//! Generators: a cluster's weather (node failures, zone outages, pressure episodes, rolling
//! maintenance, spot interruptions) described by rates and distributions, and drawn from the
//! scenario seed into ordinary timeline entries before any run starts.
//!
//! Every policy of a scenario meets the same generated events: they are drawn once, from the
//! scenario seed, not from a run's own randomness. Each generator draws from its own stream
//! (the seed and the generator's name), and within it each node or zone from its own
//! sub-stream, so adding a generator, a node or a policy leaves the other draws as they were.
//! Generated times and durations are whole seconds.
//!
//! A node is disrupted by one thing at a time. A generated failure, outage, maintenance or
//! interruption is dropped ("skipped") when its node is absent at that time (not yet added,
//! already removed) or already disrupted then by a written timeline event on that node by
//! name or by an earlier generator (generators claim nodes in file order). Written events
//! aimed at `node_of` a workload are placed during the run, so they cannot be avoided this
//! way. Pressure episodes are not disruptions: they only need the node to be present.
//!
//! The defaults, and where they come from:
//!
//! | generator | parameter | default | source |
//! |---|---|---|---|
//! | `NodeFailures` | `time_between_failures` | Weibull, shape 0.7, mean 657 d | mean: about 1,000 machine failures in the first year of a 1,800-machine cluster (J. Dean, *Designs, Lessons and Advice from Building Large Distributed Systems*, LADIS 2009), 0.56 per machine-year; shape: time between failures fits a Weibull with decreasing hazard, shape 0.7 to 0.8 (B. Schroeder, G. Gibson, *A Large-Scale Study of Failures in High-Performance Computing Systems*, DSN 2006) |
//! | | `time_to_repair` | log-normal, median 1 h, sigma 1.0 | form: repair times fit a log-normal (Schroeder and Gibson); the median is chosen inside their range of mean repair times (under an hour to over a day) |
//! | | `failure` | `Silent` | chosen |
//! | `ZoneOutages` | `time_between` | exponential, mean 365 d | about one power-distribution-unit failure a year (Dean) |
//! | | `duration` | 6 h | "about 6 hours" to bring such a failure back (Dean) |
//! | `PressureEpisodes` | `time_between` | exponential, mean 7 d | chosen (no published rate) |
//! | | `duration` | uniform, 10 min to 1 h | chosen |
//! | | `resource` | `memory` | chosen |
//! | `RollingMaintenance` | `max_unavailable` | 1 | EKS managed node groups' default `maxUnavailable`; GKE's surge upgrades also take one node at a time by default |
//! | | `timeout` | 15 min | EKS managed node group updates fail a node whose pods are not evicted within 15 minutes |
//! | | `drainer` | `kubectl` | chosen |
//! | | `down_for` | 5 min | chosen (time until the node is back) |
//! | `SpotInterruptions` | `notice` | 2 min | EC2 Spot interruption notice (GCE Spot and preemptible VMs give 30 s) |
//! | | `time_between` | exponential, mean 600 d | the lowest band of the EC2 Spot Instance Advisor, "<5%" of instances interrupted a month |
//! | | `drainer` | `kubectl` | as interruption handlers drain on the notice (cordon, then evictions) |
//! | | `down_for` | 5 min | chosen (until a replacement serves under the same name) |

use super::file::{EventFile, EventKind, QuantityText};
use crate::controllers::drain::Drainer;
use crate::engine::rng::{SimRng, derive_seed, seeded};
use crate::model::Quantity;
use crate::model::usage::UsageResource;
use crate::time::{SimTime, format_duration};
use rand::RngExt;
use std::collections::BTreeMap;
use std::time::Duration;

/// A distribution of durations.
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    /// Always the same.
    Fixed(Duration),
    /// Exponential (memoryless: a constant rate), with this mean.
    Exponential {
        /// Mean.
        mean: Duration,
    },
    /// Uniform between two bounds.
    Uniform {
        /// Lower bound.
        min: Duration,
        /// Upper bound.
        max: Duration,
    },
    /// Log-normal: the logarithm is normal, centred on `ln(median)`, spread `sigma`.
    LogNormal {
        /// Median.
        median: Duration,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Weibull with this shape, scaled so that its mean is `mean`. A shape below 1 gives a
    /// decreasing hazard (failures cluster), 1 the exponential, above 1 wear-out.
    Weibull {
        /// Shape (k).
        shape: f64,
        /// Mean.
        mean: Duration,
    },
}

/// Durations drawn are capped here (ten years), far beyond any horizon.
const LONGEST_DRAW: f64 = 10.0 * 365.0 * 86_400.0;

impl Distribution {
    /// One draw, rounded to whole seconds (at least one).
    pub fn sample(&self, rng: &mut SimRng) -> Duration {
        let secs = match *self {
            Distribution::Fixed(d) => d.as_secs_f64(),
            Distribution::Exponential { mean } => mean.as_secs_f64() * -open_unit(rng).ln(),
            Distribution::Uniform { min, max } => {
                let (a, b) = (min.as_secs_f64(), max.as_secs_f64());
                a + (b - a) * rng.random::<f64>()
            }
            Distribution::LogNormal { median, sigma } => {
                median.as_secs_f64() * (sigma * standard_normal(rng)).exp()
            }
            Distribution::Weibull { shape, mean } => {
                let scale = mean.as_secs_f64() / gamma(1.0 + 1.0 / shape);
                scale * (-open_unit(rng).ln()).powf(1.0 / shape)
            }
        };
        let secs = if secs.is_finite() { secs.clamp(1.0, LONGEST_DRAW) } else { LONGEST_DRAW };
        Duration::from_secs(secs.round() as u64)
    }

    /// The distribution as written in a scenario file.
    pub fn describe(&self) -> String {
        let f = format_duration;
        match *self {
            Distribution::Fixed(d) => format!("Fixed(\"{}\")", f(d)),
            Distribution::Exponential { mean } => format!("Exponential(mean: \"{}\")", f(mean)),
            Distribution::Uniform { min, max } => {
                format!("Uniform(min: \"{}\", max: \"{}\")", f(min), f(max))
            }
            Distribution::LogNormal { median, sigma } => {
                format!("LogNormal(median: \"{}\", sigma: {sigma})", f(median))
            }
            Distribution::Weibull { shape, mean } => {
                format!("Weibull(shape: {shape}, mean: \"{}\")", f(mean))
            }
        }
    }
}

/// A uniform draw in (0, 1], safe to take the logarithm of.
fn open_unit(rng: &mut SimRng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// A standard normal draw (Box-Muller).
fn standard_normal(rng: &mut SimRng) -> f64 {
    let u1 = open_unit(rng);
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The gamma function for positive arguments (Lanczos approximation, g = 7; relative error
/// below 1e-13 where it is used here, 1 < x <= 11).
pub fn gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x));
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + G + 0.5;
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    (std::f64::consts::TAU).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
}

/// How a generated node failure shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureMode {
    /// The node stops: no heartbeats (`unreachable` after the grace period).
    Silent,
    /// The kubelet runs but reports `Ready=False` (`not-ready`).
    NotReady,
}

impl FailureMode {
    fn event(self) -> EventKind {
        match self {
            FailureMode::Silent => EventKind::Silent,
            FailureMode::NotReady => EventKind::NotReady,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            FailureMode::Silent => "Silent",
            FailureMode::NotReady => "NotReady",
        }
    }
}

/// One generator, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Generator {
    /// Its name (unique in the scenario); also names its random stream.
    pub name: String,
    /// What it generates.
    pub kind: GeneratorKind,
    /// Nothing starts before this instant.
    pub from: Duration,
    /// Nothing starts after this instant (the horizon by default).
    pub until: Duration,
}

/// What a generator generates.
#[derive(Clone, Debug, PartialEq)]
pub enum GeneratorKind {
    /// Each node of the pool (every node without one) fails after a draw of
    /// `time_between_failures`, stays failed for a draw of `time_to_repair`, and so on.
    NodeFailures {
        /// Nodes whose pool is this (all nodes when `None`).
        pool: Option<String>,
        /// Silent or NotReady.
        failure: FailureMode,
        /// Time from a repair (or the start) to the next failure.
        time_between_failures: Distribution,
        /// Time a failure lasts.
        time_to_repair: Distribution,
    },
    /// Every node of a zone fails at the same instant, and comes back together.
    ZoneOutages {
        /// Zones (all zones of the nodes when `None`).
        zones: Option<Vec<String>>,
        /// Silent or NotReady.
        failure: FailureMode,
        /// Time from the end of an outage (or the start) to the next, per zone.
        time_between: Distribution,
        /// Time an outage lasts.
        duration: Distribution,
    },
    /// Usage spikes on each node of the pool: a workload's pods there use more, or, without a
    /// workload, the node itself uses more outside its pods.
    PressureEpisodes {
        /// Nodes whose pool is this (all nodes when `None`).
        pool: Option<String>,
        /// Workload whose pods on the node spike; `None`: use outside pods.
        workload: Option<String>,
        /// The resource.
        resource: UsageResource,
        /// Extra use (the least, when `amount_max` is given).
        amount: Quantity,
        /// With it, the extra use is uniform between `amount` and this.
        amount_max: Option<Quantity>,
        /// Time from the end of an episode (or the start) to the next, per node.
        time_between: Distribution,
        /// Time an episode lasts.
        duration: Distribution,
    },
    /// A node-pool upgrade: the pool's nodes in a seeded random order, drained
    /// `max_unavailable` at a time; a batch starts when the one before has had its full
    /// `timeout + down_for`. Starts at `at`, again every `every` when given.
    RollingMaintenance {
        /// Nodes whose pool is this (all nodes when `None`).
        pool: Option<String>,
        /// When the first upgrade starts.
        at: Duration,
        /// Repeat interval.
        every: Option<Duration>,
        /// Nodes drained at once.
        max_unavailable: u32,
        /// Who drains.
        drainer: Drainer,
        /// The drainer's limit.
        timeout: Duration,
        /// How long each node stays down once drained.
        down_for: Duration,
    },
    /// Each node of the pool is reclaimed by the provider after a draw of `time_between`:
    /// a drain starts on the notice, the node is lost when the notice runs out, and it serves
    /// again `down_for` later.
    SpotInterruptions {
        /// Nodes whose pool is this (all nodes when `None`).
        pool: Option<String>,
        /// Time from a return (or the start) to the next interruption, per node.
        time_between: Distribution,
        /// Time from the notice to the loss of the node.
        notice: Duration,
        /// Who drains on the notice.
        drainer: Drainer,
        /// Time until the node serves again.
        down_for: Duration,
    },
}

impl Generator {
    /// Its parameters and window as one line for reports, defaults filled in.
    pub fn describe(&self) -> String {
        let window = match self.kind {
            GeneratorKind::RollingMaintenance { .. } => {
                format!("rounds starting before {}", format_duration(self.until))
            }
            _ => format!("starting from {} to {}", format_duration(self.from), format_duration(self.until)),
        };
        format!("{}; {window}", self.kind.describe())
    }
}

impl GeneratorKind {
    /// The kind's name as written in scenario files.
    pub fn as_str(&self) -> &'static str {
        match self {
            GeneratorKind::NodeFailures { .. } => "NodeFailures",
            GeneratorKind::ZoneOutages { .. } => "ZoneOutages",
            GeneratorKind::PressureEpisodes { .. } => "PressureEpisodes",
            GeneratorKind::RollingMaintenance { .. } => "RollingMaintenance",
            GeneratorKind::SpotInterruptions { .. } => "SpotInterruptions",
        }
    }

    /// Its parameters as one line for reports, defaults filled in.
    pub fn describe(&self) -> String {
        let f = format_duration;
        let pool = |p: &Option<String>| match p {
            Some(p) => format!("pool {p}"),
            None => "every node".to_string(),
        };
        match self {
            GeneratorKind::NodeFailures { pool: p, failure, time_between_failures, time_to_repair } => {
                format!(
                    "{}: {} failures, time between failures {}, time to repair {}",
                    pool(p),
                    failure.as_str(),
                    time_between_failures.describe(),
                    time_to_repair.describe()
                )
            }
            GeneratorKind::ZoneOutages { zones, failure, time_between, duration } => format!(
                "{}: {} outages, time between {}, duration {}",
                match zones {
                    Some(z) => format!("zones {}", z.join(", ")),
                    None => "every zone".to_string(),
                },
                failure.as_str(),
                time_between.describe(),
                duration.describe()
            ),
            GeneratorKind::PressureEpisodes {
                pool: p,
                workload,
                resource,
                amount,
                amount_max,
                time_between,
                duration,
            } => format!(
                "{}: {} of {} up by {}{}, time between {}, duration {}",
                pool(p),
                resource.as_str(),
                match workload {
                    Some(w) => format!("{w}'s pods"),
                    None => "the node outside its pods".to_string(),
                },
                amount.to_k8s_string(),
                amount_max.map(|m| format!(" to {}", m.to_k8s_string())).unwrap_or_default(),
                time_between.describe(),
                duration.describe()
            ),
            GeneratorKind::RollingMaintenance {
                pool: p,
                at,
                every,
                max_unavailable,
                drainer,
                timeout,
                down_for,
            } => {
                format!(
                    "{}: from {}{}, {max_unavailable} node(s) at a time, {} drain with timeout {}, down {}",
                    pool(p),
                    f(*at),
                    every.map(|e| format!(" every {}", f(e))).unwrap_or_default(),
                    drainer.as_str(),
                    f(*timeout),
                    f(*down_for)
                )
            }
            GeneratorKind::SpotInterruptions { pool: p, time_between, notice, drainer, down_for } => format!(
                "{}: time between {}, notice {}, {} drain on the notice, down {}",
                pool(p),
                time_between.describe(),
                f(*notice),
                drainer.as_str(),
                f(*down_for)
            ),
        }
    }
}

/// A node as the generators see it: where it is and when it exists.
#[derive(Clone, Debug)]
pub(crate) struct NodeLife {
    pub(crate) name: String,
    pub(crate) pool: Option<String>,
    pub(crate) zone: String,
    /// Spans during which the Node object exists, in time order.
    pub(crate) present: Vec<(SimTime, SimTime)>,
}

impl NodeLife {
    fn present_over(&self, from: SimTime, to: SimTime) -> bool {
        self.present.iter().any(|&(a, b)| a <= from && to <= b)
    }

    /// The end of the span of existence that holds instant `t`, if the node exists then.
    fn present_until(&self, t: SimTime) -> Option<SimTime> {
        self.present.iter().find(|&&(a, b)| a <= t && t < b).map(|&(_, b)| b)
    }

    fn in_pool(&self, pool: &Option<String>) -> bool {
        pool.as_ref().is_none_or(|p| self.pool.as_deref() == Some(p))
    }
}

/// When each node is already disrupted: per node, disjoint spans keyed by their start (spans
/// claimed across each other are merged).
#[derive(Clone, Debug, Default)]
pub(crate) struct Calendar {
    busy: BTreeMap<String, BTreeMap<SimTime, SimTime>>,
}

impl Calendar {
    pub(crate) fn claim(&mut self, node: &str, from: SimTime, to: SimTime) {
        let spans = self.busy.entry(node.to_string()).or_default();
        let (mut from, mut to) = (from, to.max(from));
        if let Some((&start, &end)) = spans.range(..=from).next_back() {
            if end >= from {
                from = start;
                to = to.max(end);
            }
        }
        let inside: Vec<SimTime> = spans.range(from..=to).map(|(&start, _)| start).collect();
        for start in inside {
            if let Some(end) = spans.remove(&start) {
                to = to.max(end);
            }
        }
        spans.insert(from, to);
    }

    /// Whether the node is disrupted at instant `t`.
    fn busy_at(&self, node: &str, t: SimTime) -> bool {
        !self.free(node, t, t)
    }

    /// The start of the node's first disruption after `t`.
    fn next_start_after(&self, node: &str, t: SimTime) -> Option<SimTime> {
        let spans = self.busy.get(node)?;
        spans
            .range((std::ops::Bound::Excluded(t), std::ops::Bound::Unbounded))
            .next()
            .map(|(&start, _)| start)
    }

    fn free(&self, node: &str, from: SimTime, to: SimTime) -> bool {
        // Spans are disjoint: only the last one starting before `to` can reach `from`.
        self.busy
            .get(node)
            .and_then(|spans| spans.range(..=to).next_back())
            .is_none_or(|(_, &end)| end < from)
    }
}

/// A generated timeline entry and the generator it comes from.
#[derive(Clone, Debug)]
pub(crate) struct Generated {
    pub(crate) generator: usize,
    pub(crate) entry: EventFile,
}

/// What one generator produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GeneratorTally {
    /// Occurrences generated: failures, outages (each counted once, however many nodes it
    /// took), episodes, node drains, interruptions.
    pub occurrences: u32,
    /// Occurrences dropped because their node (for an outage: every node of the zone) was
    /// already disrupted. Draws while a node does not exist are not counted.
    pub skipped: u32,
    /// Node-time spent failed, drained-and-down or interrupted (pressure episodes: the
    /// episodes' total length).
    pub total: Duration,
    /// The generator stopped at [`MAX_DRAWS`] occurrences (drawn or skipped); the scenario
    /// is then refused.
    pub truncated: bool,
}

/// Most occurrences (kept or skipped) one generator may draw: far more than a year of any
/// realistic weather on thousands of nodes, few enough that a typo in a rate cannot exhaust
/// memory.
pub const MAX_DRAWS: u32 = 100_000;

/// Draws every generator's events, in generator order (earlier generators claim nodes
/// first). `calendar` holds the disruptions written in the timeline; `horizon` cuts spells
/// that would outlast the run.
pub(crate) fn materialize(
    generators: &[Generator],
    seed: u64,
    horizon: Duration,
    nodes: &[NodeLife],
    calendar: &mut Calendar,
) -> (Vec<Generated>, Vec<GeneratorTally>) {
    let end_of_run = SimTime::from_duration(horizon);
    let mut out = Vec::new();
    let mut tallies = Vec::new();
    for (g, gen_def) in generators.iter().enumerate() {
        let mut ctx = Draw {
            g,
            seed: derive_seed(seed, &format!("generator/{}", gen_def.name)),
            from: SimTime::from_duration(gen_def.from),
            until: SimTime::from_duration(gen_def.until.min(horizon)),
            end_of_run,
            out: &mut out,
            tally: GeneratorTally::default(),
        };
        match &gen_def.kind {
            GeneratorKind::NodeFailures { pool, failure, time_between_failures, time_to_repair } => {
                for node in nodes.iter().filter(|n| n.in_pool(pool)) {
                    ctx.renewals(&node.name, time_between_failures, |ctx, rng, t| {
                        let end = ctx.cut(t + time_to_repair.sample(rng));
                        ctx.spell(calendar, node, t, end, failure.event());
                        end
                    });
                }
            }
            GeneratorKind::ZoneOutages { zones, failure, time_between, duration } => {
                let all: Vec<String> = {
                    let mut z: Vec<String> = nodes.iter().map(|n| n.zone.clone()).collect();
                    z.sort();
                    z.dedup();
                    z
                };
                for zone in zones.as_ref().unwrap_or(&all) {
                    ctx.renewals(&format!("zone/{zone}"), time_between, |ctx, rng, t| {
                        let end = ctx.cut(t + duration.sample(rng));
                        let (mut took, mut busy) = (0, 0);
                        for node in nodes.iter().filter(|n| n.zone == *zone) {
                            match ctx.place_spell(calendar, node, t, end, failure.event()) {
                                Placed::Yes => took += 1,
                                Placed::Busy => busy += 1,
                                Placed::Absent => {}
                            }
                        }
                        if took > 0 {
                            ctx.tally.occurrences += 1;
                        } else if busy > 0 {
                            ctx.tally.skipped += 1;
                        }
                        end
                    });
                }
            }
            GeneratorKind::PressureEpisodes {
                pool,
                workload,
                resource,
                amount,
                amount_max,
                time_between,
                duration,
            } => {
                for node in nodes.iter().filter(|n| n.in_pool(pool)) {
                    ctx.renewals(&node.name, time_between, |ctx, rng, t| {
                        let end = ctx.cut(t + duration.sample(rng));
                        let extra = match amount_max {
                            Some(max) => draw_amount(rng, *resource, *amount, *max),
                            None => *amount,
                        };
                        // Over a second before the node is removed.
                        let end = node
                            .present_until(t)
                            .map_or(t, |gone| if gone < end { before(gone) } else { end });
                        if end > t {
                            ctx.tally.occurrences += 1;
                            ctx.tally.total += end.saturating_since(t);
                            ctx.out.push(Generated {
                                generator: g,
                                entry: EventFile {
                                    at: at_text(t),
                                    node: Some(node.name.clone()),
                                    event: EventKind::UsageSpike,
                                    workload: workload.clone(),
                                    resource: Some(resource.as_str().to_string()),
                                    amount: Some(QuantityText(extra.to_k8s_string())),
                                    for_duration: Some(format_duration(end.saturating_since(t))),
                                    ..EventFile::default()
                                },
                            });
                        }
                        end
                    });
                }
            }
            GeneratorKind::RollingMaintenance {
                pool,
                at,
                every,
                max_unavailable,
                drainer,
                timeout,
                down_for,
            } => {
                let mut rng = ctx.stream("order");
                let batch_time = *timeout + *down_for;
                let mut start = SimTime::from_duration(*at);
                while start < ctx.until && !ctx.full() {
                    let mut members: Vec<&NodeLife> =
                        nodes.iter().filter(|n| n.in_pool(pool) && n.present_over(start, start)).collect();
                    shuffle(&mut members, &mut rng);
                    let batches = members.chunks((*max_unavailable).max(1) as usize);
                    let round_end = start + batch_time * batches.len() as u32;
                    for (b, batch) in batches.enumerate() {
                        let t = start + batch_time * b as u32;
                        if t >= ctx.until {
                            break;
                        }
                        for node in batch {
                            ctx.claimed(calendar, node, t, ctx.cut(t + batch_time), |e| {
                                e.event = EventKind::Drain;
                                e.drainer = Some(drainer.as_str().to_string());
                                e.timeout = Some(format_duration(*timeout));
                                e.down_for = Some(format_duration(*down_for));
                            });
                        }
                    }
                    // A round longer than `every` delays the next: one round at a time.
                    match every {
                        Some(e) => start = (start + *e).max(round_end),
                        None => break,
                    }
                }
            }
            GeneratorKind::SpotInterruptions { pool, time_between, notice, drainer, down_for } => {
                for node in nodes.iter().filter(|n| n.in_pool(pool)) {
                    ctx.renewals(&node.name, time_between, |ctx, _, t| {
                        let end = ctx.cut(t + *notice + *down_for);
                        ctx.claimed(calendar, node, t, end, |e| {
                            e.event = EventKind::SpotInterruption;
                            e.notice = Some(format_duration(*notice));
                            e.drainer = Some(drainer.as_str().to_string());
                            e.down_for = Some(format_duration(*down_for));
                        });
                        end
                    });
                }
            }
        }
        tallies.push(ctx.tally);
    }
    (out, tallies)
}

/// The state of one generator's drawing.
struct Draw<'a> {
    g: usize,
    seed: u64,
    from: SimTime,
    until: SimTime,
    end_of_run: SimTime,
    out: &'a mut Vec<Generated>,
    tally: GeneratorTally,
}

impl Draw<'_> {
    /// Whether the generator has drawn [`MAX_DRAWS`] occurrences (marks it truncated).
    fn full(&mut self) -> bool {
        if self.tally.occurrences + self.tally.skipped >= MAX_DRAWS {
            self.tally.truncated = true;
        }
        self.tally.truncated
    }

    /// A renewal process on one node or zone (`label` names its stream): a draw of `between`
    /// after the start of the window or the end of the previous occurrence, `occur` places an
    /// occurrence at that instant and returns when it ends; until the window closes.
    fn renewals(
        &mut self,
        label: &str,
        between: &Distribution,
        mut occur: impl FnMut(&mut Self, &mut SimRng, SimTime) -> SimTime,
    ) {
        let mut rng = self.stream(label);
        let mut t = self.from;
        while !self.full() {
            t = t + between.sample(&mut rng);
            if t >= self.until {
                break;
            }
            t = occur(self, &mut rng, t);
        }
    }

    /// The random stream of one node, zone or purpose within this generator.
    fn stream(&self, label: &str) -> SimRng {
        seeded(derive_seed(self.seed, label))
    }

    /// `t`, or the end of the run when later.
    fn cut(&self, t: SimTime) -> SimTime {
        t.min(self.end_of_run)
    }

    /// A failure spell `event` from `from` to `to` on `node`, counted in the tally.
    fn spell(
        &mut self,
        calendar: &mut Calendar,
        node: &NodeLife,
        from: SimTime,
        to: SimTime,
        event: EventKind,
    ) {
        match self.place_spell(calendar, node, from, to, event) {
            Placed::Yes => self.tally.occurrences += 1,
            Placed::Busy => self.tally.skipped += 1,
            Placed::Absent => {}
        }
    }

    /// Places a failure spell `event` from `from` to `to` on `node` (not counted): nothing when
    /// the node does not exist at `from` or is disrupted then; otherwise the spell, cut short
    /// where the node's next disruption begins or where the node is removed.
    fn place_spell(
        &mut self,
        calendar: &mut Calendar,
        node: &NodeLife,
        from: SimTime,
        to: SimTime,
        event: EventKind,
    ) -> Placed {
        let Some(gone) = node.present_until(from) else { return Placed::Absent };
        if calendar.busy_at(&node.name, from) {
            return Placed::Busy;
        }
        // Cut a second before the node's removal or its next disruption, so that the spell's
        // end never shares an instant with what follows it.
        let mut end = to;
        if gone < end {
            end = before(gone);
        }
        if let Some(next) = calendar.next_start_after(&node.name, from).filter(|&next| next <= end) {
            end = before(next);
        }
        if end <= from {
            return Placed::Busy;
        }
        calendar.claim(&node.name, from, end);
        self.tally.total += end.saturating_since(from);
        let entry = EventFile {
            at: at_text(from),
            node: Some(node.name.clone()),
            event,
            for_duration: Some(format_duration(end.saturating_since(from))),
            ..EventFile::default()
        };
        self.out.push(Generated { generator: self.g, entry });
        Placed::Yes
    }

    /// An entry at `from` on `node` that disrupts it until `to` (a drain and its down time),
    /// when the node exists throughout and is free all that time; the node is claimed for it.
    fn claimed(
        &mut self,
        calendar: &mut Calendar,
        node: &NodeLife,
        from: SimTime,
        to: SimTime,
        fill: impl FnOnce(&mut EventFile),
    ) {
        if !node.present_over(from, to) {
            return;
        }
        if !calendar.free(&node.name, from, to) {
            self.tally.skipped += 1;
            return;
        }
        calendar.claim(&node.name, from, to);
        self.tally.occurrences += 1;
        self.tally.total += to.saturating_since(from);
        let mut entry =
            EventFile { at: at_text(from), node: Some(node.name.clone()), ..EventFile::default() };
        fill(&mut entry);
        self.out.push(Generated { generator: self.g, entry });
    }
}

/// What became of a failure spell on one node.
enum Placed {
    Yes,
    Busy,
    Absent,
}

/// A second before `t`.
fn before(t: SimTime) -> SimTime {
    SimTime::from_millis(t.as_millis().saturating_sub(1000))
}

fn at_text(t: SimTime) -> String {
    format_duration(t.since_start())
}

/// A uniform amount between `min` and `max`, rounded to a readable unit (whole Mi for bytes,
/// whole millicores for CPU, whole units otherwise).
fn draw_amount(rng: &mut SimRng, resource: UsageResource, min: Quantity, max: Quantity) -> Quantity {
    let unit: i64 = match resource {
        UsageResource::Memory | UsageResource::EphemeralStorage => 1024 * 1024 * 1000,
        UsageResource::Cpu => 1,
        UsageResource::Pids => 1000,
    };
    let (lo, hi) = (min.milli() / unit, (max.milli() / unit).max(min.milli() / unit));
    let units = rng.random_range(lo..=hi);
    Quantity::from_milli((units * unit).max(min.milli().min(max.milli())))
}

/// Fisher-Yates with the generator's stream.
fn shuffle<T>(items: &mut [T], rng: &mut SimRng) {
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(d: Duration) -> f64 {
        d.as_secs_f64()
    }

    fn mean_of(d: &Distribution, n: usize) -> f64 {
        let mut rng = seeded(42);
        (0..n).map(|_| secs(d.sample(&mut rng))).sum::<f64>() / n as f64
    }

    #[test]
    fn gamma_matches_known_values() {
        assert!((gamma(1.0) - 1.0).abs() < 1e-12);
        assert!((gamma(5.0) - 24.0).abs() < 1e-9);
        assert!((gamma(0.5) - std::f64::consts::PI.sqrt()).abs() < 1e-12);
        // Γ(1 + 1/0.7), the Weibull mean factor of the default shape.
        assert!((gamma(1.0 + 1.0 / 0.7) - 1.265_823).abs() < 1e-5);
    }

    #[test]
    fn draws_have_the_written_means() {
        let day = Duration::from_secs(86_400);
        let exp = Distribution::Exponential { mean: day };
        let weibull = Distribution::Weibull { shape: 0.7, mean: day };
        let uniform = Distribution::Uniform { min: Duration::from_secs(600), max: Duration::from_secs(3600) };
        for (d, want) in [(&exp, 86_400.0), (&weibull, 86_400.0), (&uniform, 2_100.0)] {
            let got = mean_of(d, 40_000);
            assert!((got / want - 1.0).abs() < 0.03, "{d:?}: mean {got}, want {want}");
        }
        // The median of a log-normal is its `median`.
        let ln = Distribution::LogNormal { median: Duration::from_secs(3600), sigma: 1.0 };
        let mut rng = seeded(7);
        let mut v: Vec<f64> = (0..20_001).map(|_| secs(ln.sample(&mut rng))).collect();
        v.sort_by(f64::total_cmp);
        assert!((v[10_000] / 3600.0 - 1.0).abs() < 0.05, "median {}", v[10_000]);
        assert_eq!(Distribution::Fixed(day).sample(&mut rng), day);
    }

    #[test]
    fn draws_are_whole_seconds_and_at_least_one() {
        let tiny = Distribution::Exponential { mean: Duration::from_millis(10) };
        let mut rng = seeded(1);
        for _ in 0..100 {
            let d = tiny.sample(&mut rng);
            assert!(d >= Duration::from_secs(1) && d.subsec_millis() == 0, "{d:?}");
        }
    }

    fn life(name: &str, pool: &str, zone: &str, horizon: u64) -> NodeLife {
        NodeLife {
            name: name.into(),
            pool: Some(pool.into()),
            zone: zone.into(),
            present: vec![(SimTime::ZERO, SimTime::from_duration(Duration::from_secs(horizon)))],
        }
    }

    fn failures(name: &str, mean_days: u64) -> Generator {
        Generator {
            name: name.into(),
            kind: GeneratorKind::NodeFailures {
                pool: Some("w".into()),
                failure: FailureMode::Silent,
                time_between_failures: Distribution::Exponential {
                    mean: Duration::from_secs(mean_days * 86_400),
                },
                time_to_repair: Distribution::Fixed(Duration::from_secs(3600)),
            },
            from: Duration::ZERO,
            until: Duration::from_secs(30 * 86_400),
        }
    }

    #[test]
    fn same_seed_same_events_and_streams_are_independent() {
        let horizon = 30 * 86_400;
        let nodes = vec![life("a", "w", "z1", horizon), life("b", "w", "z2", horizon)];
        let run = |gens: &[Generator], seed: u64| {
            let (out, _) =
                materialize(gens, seed, Duration::from_secs(horizon), &nodes, &mut Calendar::default());
            out.into_iter()
                .filter(|g| gens[g.generator].name == "f")
                .map(|g| (g.entry.at, g.entry.node))
                .collect::<Vec<_>>()
        };
        let one = [failures("f", 3)];
        assert_eq!(run(&one, 1), run(&one, 1));
        assert_ne!(run(&one, 1), run(&one, 2));
        // A generator listed after does not change what "f" draws.
        let two = [failures("f", 3), failures("g", 3)];
        assert_eq!(run(&one, 1), run(&two, 1));
        assert!(!run(&one, 1).is_empty());
    }

    #[test]
    fn the_calendar_merges_spans_and_sees_any_overlap() {
        let t = SimTime::from_secs;
        let mut cal = Calendar::default();
        cal.claim("a", t(100), t(200));
        cal.claim("a", t(50), t(400)); // covers the first
        cal.claim("a", t(500), t(600));
        assert!(!cal.free("a", t(300), t(310)));
        assert!(!cal.free("a", t(10), t(50)));
        assert!(cal.free("a", t(401), t(499)));
        assert!(!cal.free("a", t(450), t(500)));
        assert!(cal.free("a", t(601), t(700)));
        assert!(cal.free("b", t(0), t(1000)));
    }

    #[test]
    fn a_busy_or_absent_node_skips_the_occurrence() {
        let horizon = 30 * 86_400;
        let mut nodes = vec![life("a", "w", "z1", horizon)];
        let mut cal = Calendar::default();
        cal.claim("a", SimTime::ZERO, SimTime::from_duration(Duration::from_secs(horizon)));
        let (out, tally) =
            materialize(&[failures("f", 1)], 1, Duration::from_secs(horizon), &nodes, &mut cal);
        assert!(out.is_empty());
        assert!(tally[0].skipped > 10, "{tally:?}");
        nodes[0].present = vec![];
        let (out, _) = materialize(
            &[failures("f", 1)],
            1,
            Duration::from_secs(horizon),
            &nodes,
            &mut Calendar::default(),
        );
        assert!(out.is_empty());
    }

    #[test]
    fn rolling_maintenance_takes_batches_one_after_another() {
        let horizon = 86_400;
        let nodes: Vec<NodeLife> = (0..5).map(|i| life(&format!("n{i}"), "w", "z", horizon)).collect();
        let g = Generator {
            name: "upgrade".into(),
            kind: GeneratorKind::RollingMaintenance {
                pool: Some("w".into()),
                at: Duration::from_secs(3600),
                every: None,
                max_unavailable: 2,
                drainer: Drainer::Kubectl,
                timeout: Duration::from_secs(900),
                down_for: Duration::from_secs(300),
            },
            from: Duration::ZERO,
            until: Duration::from_secs(horizon),
        };
        let (out, tally) =
            materialize(&[g], 1, Duration::from_secs(horizon), &nodes, &mut Calendar::default());
        let ats: Vec<&str> = out.iter().map(|g| g.entry.at.as_str()).collect();
        assert_eq!(ats, ["1h", "1h", "1h20m", "1h20m", "1h40m"]);
        let mut names: Vec<String> = out.iter().map(|g| g.entry.node.clone().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["n0", "n1", "n2", "n3", "n4"]);
        assert_eq!(tally[0].occurrences, 5);
        assert!(out.iter().all(|g| g.entry.event == EventKind::Drain));
    }

    #[test]
    fn a_zone_outage_takes_every_node_of_the_zone_at_once() {
        let horizon = 60 * 86_400;
        let nodes =
            vec![life("a", "w", "z1", horizon), life("b", "w", "z1", horizon), life("c", "w", "z2", horizon)];
        let g = Generator {
            name: "zones".into(),
            kind: GeneratorKind::ZoneOutages {
                zones: Some(vec!["z1".into()]),
                failure: FailureMode::Silent,
                time_between: Distribution::Exponential { mean: Duration::from_secs(10 * 86_400) },
                duration: Distribution::Fixed(Duration::from_secs(6 * 3600)),
            },
            from: Duration::ZERO,
            until: Duration::from_secs(horizon),
        };
        let (out, _) = materialize(&[g], 3, Duration::from_secs(horizon), &nodes, &mut Calendar::default());
        assert!(!out.is_empty() && out.len() % 2 == 0);
        for pair in out.chunks(2) {
            assert_eq!(pair[0].entry.at, pair[1].entry.at);
            assert_eq!(pair[0].entry.node.as_deref(), Some("a"));
            assert_eq!(pair[1].entry.node.as_deref(), Some("b"));
            assert_eq!(pair[0].entry.for_duration.as_deref(), Some("6h"));
        }
    }
}
