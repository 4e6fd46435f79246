//! Eviction signals, the node conditions they drive, thresholds, and the kubelet's default
//! eviction settings per operating system and Kubernetes version.
//!
//! Upstream: `pkg/kubelet/eviction/api/types.go` (signals, `GetThresholdQuantity`),
//! `helpers.go` (`signalToNodeCondition`, `parseThresholdStatement`, `addAllocatableThresholds`),
//! `defaults_linux.go`, `defaults_windows.go`, `defaults_others.go` (`DefaultEvictionHard`),
//! `pkg/kubelet/apis/config/v1beta1/defaults.go` and `cmd/kubelet/app/server.go`
//! (`loadConfigFile`: defaults and `mergeDefaultEvictionSettings`).

use crate::model::Quantity;
use crate::model::keys::{DISK_PRESSURE, MEMORY_PRESSURE, PID_PRESSURE};
use crate::scenario::KubeVersion;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A node condition the kubelet's eviction manager sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Condition {
    /// `MemoryPressure`.
    MemoryPressure,
    /// `DiskPressure`.
    DiskPressure,
    /// `PIDPressure`.
    PidPressure,
}

impl Condition {
    /// The three conditions, in the order Kubernetes lists them.
    pub const ALL: [Condition; 3] =
        [Condition::MemoryPressure, Condition::DiskPressure, Condition::PidPressure];

    /// The condition type as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::MemoryPressure => "MemoryPressure",
            Condition::DiskPressure => "DiskPressure",
            Condition::PidPressure => "PIDPressure",
        }
    }

    /// Parses a condition type (`MemoryPressure`, `DiskPressure`, `PIDPressure`).
    pub fn parse(s: &str) -> Option<Condition> {
        Condition::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The `NoSchedule` taint the node lifecycle controller adds while the condition is `True`.
    pub fn taint_key(self) -> &'static str {
        match self {
            Condition::MemoryPressure => MEMORY_PRESSURE,
            Condition::DiskPressure => DISK_PRESSURE,
            Condition::PidPressure => PID_PRESSURE,
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a signal counts, which decides how pods are ranked when it is under pressure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Bytes of memory (working set).
    Memory,
    /// Bytes of disk (a pod's local ephemeral storage).
    DiskBytes,
    /// Inodes of a filesystem.
    Inodes,
    /// Process ids.
    Pids,
}

/// An eviction signal: an amount the kubelet observes and compares with its thresholds.
///
/// `swap.available` exists upstream as a name but has no resource to reclaim, so the kubelet
/// refuses it in a threshold; it is left out here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// `memory.available`: node memory capacity minus the working set of everything on it.
    MemoryAvailable,
    /// `allocatableMemory.available`: node allocatable memory minus the pods' working set.
    AllocatableMemoryAvailable,
    /// `nodefs.available`: free bytes of the kubelet's filesystem (volumes, logs).
    NodeFsAvailable,
    /// `nodefs.inodesFree`: free inodes of that filesystem.
    NodeFsInodesFree,
    /// `imagefs.available`: free bytes of the runtime's image filesystem.
    ImageFsAvailable,
    /// `imagefs.inodesFree`: free inodes of the image filesystem.
    ImageFsInodesFree,
    /// `containerfs.available`: free bytes of the filesystem holding writable layers.
    ContainerFsAvailable,
    /// `containerfs.inodesFree`: free inodes of that filesystem.
    ContainerFsInodesFree,
    /// `pid.available`: process ids left before the node's limit.
    PidAvailable,
}

impl Signal {
    /// Every signal a threshold may name.
    pub const ALL: [Signal; 9] = [
        Signal::MemoryAvailable,
        Signal::AllocatableMemoryAvailable,
        Signal::NodeFsAvailable,
        Signal::NodeFsInodesFree,
        Signal::ImageFsAvailable,
        Signal::ImageFsInodesFree,
        Signal::ContainerFsAvailable,
        Signal::ContainerFsInodesFree,
        Signal::PidAvailable,
    ];

    /// The signal's name as kubelet configuration writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::MemoryAvailable => "memory.available",
            Signal::AllocatableMemoryAvailable => "allocatableMemory.available",
            Signal::NodeFsAvailable => "nodefs.available",
            Signal::NodeFsInodesFree => "nodefs.inodesFree",
            Signal::ImageFsAvailable => "imagefs.available",
            Signal::ImageFsInodesFree => "imagefs.inodesFree",
            Signal::ContainerFsAvailable => "containerfs.available",
            Signal::ContainerFsInodesFree => "containerfs.inodesFree",
            Signal::PidAvailable => "pid.available",
        }
    }

    /// Parses a signal name (case-sensitive, as the kubelet reads it).
    pub fn parse(s: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|sig| sig.as_str() == s)
    }

    /// The condition a met threshold on this signal sets: the memory signals set
    /// `MemoryPressure`, every filesystem signal `DiskPressure`, `pid.available`
    /// `PIDPressure`.
    pub fn condition(self) -> Condition {
        match self.measure() {
            Measure::Memory => Condition::MemoryPressure,
            Measure::DiskBytes | Measure::Inodes => Condition::DiskPressure,
            Measure::Pids => Condition::PidPressure,
        }
    }

    /// What the signal counts.
    pub fn measure(self) -> Measure {
        match self {
            Signal::MemoryAvailable | Signal::AllocatableMemoryAvailable => Measure::Memory,
            Signal::NodeFsAvailable | Signal::ImageFsAvailable | Signal::ContainerFsAvailable => {
                Measure::DiskBytes
            }
            Signal::NodeFsInodesFree | Signal::ImageFsInodesFree | Signal::ContainerFsInodesFree => {
                Measure::Inodes
            }
            Signal::PidAvailable => Measure::Pids,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A threshold value as configuration writes it: an absolute amount (`100Mi`) or a percentage
/// of the signal's capacity (`10%`). A signal is under pressure while its available amount is
/// strictly below the threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// An amount in the signal's unit (bytes, inodes, process ids); always positive.
    Quantity(Quantity),
    /// A percentage of the capacity, as written (`10.0` for `10%`), between 0 and 100.
    Percent(f32),
}

impl Threshold {
    /// Parses `"100Mi"`, `"5%"`, `"2.5%"`. Amounts must be positive; percentages must lie in
    /// 0..=100 (`0%` and `100%` parse, and [`is_ignored`](Threshold::is_ignored) tells that
    /// the kubelet drops them).
    pub fn parse(text: &str) -> Result<Threshold, String> {
        if let Some(number) = text.strip_suffix('%') {
            let percent: f32 = number.trim().parse().map_err(|_| {
                format!("invalid eviction threshold {text:?}: expected a percentage such as 10%")
            })?;
            if !(0.0..=100.0).contains(&percent) {
                return Err(format!(
                    "invalid eviction threshold {text:?}: a percentage must lie in 0%..100%"
                ));
            }
            return Ok(Threshold::Percent(percent));
        }
        let q = Quantity::parse(text).map_err(|e| format!("invalid eviction threshold: {e}"))?;
        if q.milli() <= 0 {
            return Err(format!("invalid eviction threshold {text:?}: it must be positive"));
        }
        Ok(Threshold::Quantity(q))
    }

    /// Whether the kubelet ignores this entry: `0%` and `100%` switch a signal off. (Upstream
    /// compares the text literally; any spelling of 0 or 100 percent counts here.)
    pub fn is_ignored(&self) -> bool {
        matches!(self, Threshold::Percent(p) if *p == 0.0 || *p == 100.0)
    }

    /// The threshold as an amount for a signal whose capacity is `capacity`. A percentage is
    /// computed as upstream does: the percentage divided by 100 in single precision, times the
    /// capacity in whole units, truncated.
    pub fn amount(&self, capacity: Quantity) -> Quantity {
        match *self {
            Threshold::Quantity(q) => q,
            Threshold::Percent(p) => {
                let fraction = p / 100.0;
                let units = capacity.units_ceil() as f64 * f64::from(fraction);
                Quantity::from_units(units as i64)
            }
        }
    }
}

impl fmt::Display for Threshold {
    /// `100Mi`, `10%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Threshold::Quantity(q) => write!(f, "{q}"),
            Threshold::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// One configured threshold: a hard one (`evictionHard`, no grace period) or a soft one
/// (`evictionSoft` with its `evictionSoftGracePeriod`), with an optional
/// `evictionMinimumReclaim`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EvictionThreshold {
    /// The signal compared.
    pub signal: Signal,
    /// The value it is compared with.
    pub value: Threshold,
    /// How long the threshold must be met before it drives eviction; zero for a hard one.
    pub grace_period: Duration,
    /// Once met, the threshold stays met until the available amount reaches the value plus
    /// this much.
    pub min_reclaim: Option<Threshold>,
}

impl EvictionThreshold {
    /// A hard threshold.
    pub fn hard(signal: Signal, value: Threshold) -> EvictionThreshold {
        EvictionThreshold { signal, value, grace_period: Duration::ZERO, min_reclaim: None }
    }

    /// A soft threshold with its grace period.
    pub fn soft(signal: Signal, value: Threshold, grace_period: Duration) -> EvictionThreshold {
        EvictionThreshold { signal, value, grace_period, min_reclaim: None }
    }

    /// Whether it is hard (upstream `isHardEvictionThreshold`: no grace period).
    pub fn is_hard(&self) -> bool {
        self.grace_period.is_zero()
    }
}

/// The hard thresholds of an `evictionHard` map, skipping ignored entries (`0%`, `100%`), in
/// signal order.
pub fn hard_thresholds(eviction_hard: &BTreeMap<Signal, Threshold>) -> Vec<EvictionThreshold> {
    eviction_hard
        .iter()
        .filter(|(_, t)| !t.is_ignored())
        .map(|(s, t)| EvictionThreshold::hard(*s, *t))
        .collect()
}

/// `addAllocatableThresholds`: when `enforceNodeAllocatable` contains `pods` (the default),
/// every hard `memory.available` threshold is copied to `allocatableMemory.available`.
pub fn add_allocatable_thresholds(thresholds: &mut Vec<EvictionThreshold>) {
    let copies: Vec<EvictionThreshold> = thresholds
        .iter()
        .filter(|t| t.signal == Signal::MemoryAvailable && t.is_hard())
        .map(|t| EvictionThreshold { signal: Signal::AllocatableMemoryAvailable, ..*t })
        .collect();
    thresholds.extend(copies);
}

/// The operating system of a node, as far as kubelet defaults differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Os {
    /// Linux.
    Linux,
    /// Windows.
    Windows,
    /// Any other build target of the kubelet.
    Other,
}

impl Os {
    /// Parses `linux`, `windows`, or any other name as [`Os::Other`] (lower case, as
    /// `kubernetes.io/os` writes it).
    pub fn parse(s: &str) -> Os {
        match s {
            "linux" => Os::Linux,
            "windows" => Os::Windows,
            _ => Os::Other,
        }
    }
}

const V1_30: KubeVersion = KubeVersion { major: 1, minor: 30 };
const V1_33: KubeVersion = KubeVersion { major: 1, minor: 33 };

fn literal(text: &str) -> Threshold {
    Threshold::parse(text).expect("built-in eviction threshold is valid")
}

/// The kubelet's default `evictionHard` for `os` at `version`:
///
/// * Linux: `memory.available<100Mi`, `nodefs.available<10%`, `nodefs.inodesFree<5%`,
///   `imagefs.available<15%`, and from 1.30 `imagefs.inodesFree<5%` (kubernetes PR #121834).
/// * Windows: from 1.30 `memory.available<500Mi`, `nodefs.available<10%`,
///   `imagefs.available<15%` (PR #122922); before 1.30 Windows used the set of other systems.
/// * Other systems: `memory.available<100Mi`, `nodefs.available<10%`,
///   `imagefs.available<15%`.
///
/// No system has a `pid.available` default. The sets are modelled for the versions a scenario
/// may name (1.20 and later); older history is not.
pub fn default_eviction_hard(os: Os, version: KubeVersion) -> BTreeMap<Signal, Threshold> {
    let mut map = BTreeMap::new();
    let memory = if os == Os::Windows && version >= V1_30 { "500Mi" } else { "100Mi" };
    map.insert(Signal::MemoryAvailable, literal(memory));
    map.insert(Signal::NodeFsAvailable, literal("10%"));
    map.insert(Signal::ImageFsAvailable, literal("15%"));
    if os == Os::Linux {
        map.insert(Signal::NodeFsInodesFree, literal("5%"));
        if version >= V1_30 {
            map.insert(Signal::ImageFsInodesFree, literal("5%"));
        }
    }
    map
}

/// Default `evictionPressureTransitionPeriod`: how long a pressure condition stays `True`
/// after its thresholds were last met.
pub const DEFAULT_EVICTION_PRESSURE_TRANSITION_PERIOD: Duration = Duration::from_secs(300);

/// The default `evictionPressureTransitionPeriod` (5 minutes, unchanged across versions).
pub fn eviction_pressure_transition_period() -> Duration {
    DEFAULT_EVICTION_PRESSURE_TRANSITION_PERIOD
}

/// Default of `mergeDefaultEvictionSettings`.
pub const DEFAULT_MERGE_DEFAULT_EVICTION_SETTINGS: bool = false;

/// Whether the kubelet of `version` knows `mergeDefaultEvictionSettings` (from 1.33). Older
/// kubelets always behave as if it were `false`.
pub fn has_merge_default_eviction_settings(version: KubeVersion) -> bool {
    version >= V1_33
}

/// Default `evictionMaxPodGracePeriod` (seconds): the grace period of soft evictions.
pub const DEFAULT_EVICTION_MAX_POD_GRACE_PERIOD_SECONDS: i64 = 0;

/// The `evictionHard` map the kubelet runs with:
///
/// * not configured (`None`): the defaults;
/// * configured and `merge_default_eviction_settings`: the configured entries, plus every
///   default entry for a signal the configuration does not name;
/// * configured without merging: only the configured entries; every other signal has no hard
///   threshold at all (setting one entry silently drops the other defaults).
///
/// An entry written as `0%` or `100%` still takes its signal's place (it blocks the default
/// when merging) and is then ignored by [`hard_thresholds`].
pub fn effective_eviction_hard(
    configured: Option<&BTreeMap<Signal, Threshold>>,
    merge_default_eviction_settings: bool,
    defaults: &BTreeMap<Signal, Threshold>,
) -> BTreeMap<Signal, Threshold> {
    match configured {
        None => defaults.clone(),
        Some(map) if merge_default_eviction_settings => {
            let mut merged = map.clone();
            for (signal, value) in defaults {
                merged.entry(*signal).or_insert(*value);
            }
            merged
        }
        Some(map) => map.clone(),
    }
}

/// The kubelet's eviction settings that the simulator uses.
#[derive(Clone, Debug, PartialEq)]
pub struct EvictionSettings {
    /// `evictionHard` as in effect (after [`effective_eviction_hard`]).
    pub eviction_hard: BTreeMap<Signal, Threshold>,
    /// `evictionSoft` thresholds with their grace periods (none by default).
    pub eviction_soft: Vec<EvictionThreshold>,
    /// `evictionPressureTransitionPeriod`.
    pub pressure_transition_period: Duration,
    /// `mergeDefaultEvictionSettings`.
    pub merge_default_eviction_settings: bool,
    /// `evictionMaxPodGracePeriod` in seconds.
    pub max_pod_grace_period_seconds: i64,
    /// `enforceNodeAllocatable` contains `pods` (the default), which adds
    /// `allocatableMemory.available` thresholds ([`add_allocatable_thresholds`]).
    pub enforce_node_allocatable_pods: bool,
}

impl EvictionSettings {
    /// The defaults of a kubelet on `os` at `version`.
    pub fn defaults(os: Os, version: KubeVersion) -> EvictionSettings {
        EvictionSettings {
            eviction_hard: default_eviction_hard(os, version),
            eviction_soft: Vec::new(),
            pressure_transition_period: eviction_pressure_transition_period(),
            merge_default_eviction_settings: DEFAULT_MERGE_DEFAULT_EVICTION_SETTINGS,
            max_pod_grace_period_seconds: DEFAULT_EVICTION_MAX_POD_GRACE_PERIOD_SECONDS,
            enforce_node_allocatable_pods: true,
        }
    }

    /// Every threshold the eviction manager evaluates: hard ones, soft ones, and the
    /// allocatable copies.
    pub fn thresholds(&self) -> Vec<EvictionThreshold> {
        let mut all = hard_thresholds(&self.eviction_hard);
        all.extend(self.eviction_soft.iter().filter(|t| !t.value.is_ignored()).copied());
        if self.enforce_node_allocatable_pods {
            add_allocatable_thresholds(&mut all);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(minor: u32) -> KubeVersion {
        KubeVersion { major: 1, minor }
    }

    fn texts(map: &BTreeMap<Signal, Threshold>) -> Vec<(String, String)> {
        map.iter().map(|(s, t)| (s.to_string(), t.to_string())).collect()
    }

    #[test]
    fn linux_defaults_gain_imagefs_inodes_free_in_1_30() {
        let before = default_eviction_hard(Os::Linux, v(29));
        let after = default_eviction_hard(Os::Linux, v(35));
        assert_eq!(before.len(), 4);
        assert!(!before.contains_key(&Signal::ImageFsInodesFree));
        assert_eq!(
            texts(&after),
            [
                ("memory.available", "100Mi"),
                ("nodefs.available", "10%"),
                ("nodefs.inodesFree", "5%"),
                ("imagefs.available", "15%"),
                ("imagefs.inodesFree", "5%"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn windows_defaults_reserve_500_mebibytes_from_1_30_and_have_no_inode_signals() {
        let now = default_eviction_hard(Os::Windows, v(35));
        assert_eq!(now[&Signal::MemoryAvailable].to_string(), "500Mi");
        assert_eq!(now.len(), 3);
        assert_eq!(default_eviction_hard(Os::Windows, v(29))[&Signal::MemoryAvailable].to_string(), "100Mi");
        assert!(!default_eviction_hard(Os::Other, v(35)).contains_key(&Signal::NodeFsInodesFree));
    }

    #[test]
    fn no_system_has_a_pid_default() {
        for os in [Os::Linux, Os::Windows, Os::Other] {
            assert!(!default_eviction_hard(os, v(35)).contains_key(&Signal::PidAvailable));
        }
    }

    #[test]
    fn setting_one_entry_replaces_the_whole_map_unless_merging() {
        let defaults = default_eviction_hard(Os::Linux, v(35));
        let mut configured = BTreeMap::new();
        configured.insert(Signal::MemoryAvailable, literal("1Gi"));
        let replaced = effective_eviction_hard(Some(&configured), false, &defaults);
        assert_eq!(replaced.len(), 1);
        let merged = effective_eviction_hard(Some(&configured), true, &defaults);
        assert_eq!(merged.len(), 5);
        assert_eq!(merged[&Signal::MemoryAvailable].to_string(), "1Gi");
        assert_eq!(effective_eviction_hard(None, false, &defaults), defaults);
    }

    #[test]
    fn a_zero_percent_entry_switches_its_signal_off_even_when_merging() {
        let defaults = default_eviction_hard(Os::Linux, v(35));
        let mut configured = BTreeMap::new();
        configured.insert(Signal::NodeFsAvailable, literal("0%"));
        let merged = effective_eviction_hard(Some(&configured), true, &defaults);
        let signals: Vec<Signal> = hard_thresholds(&merged).iter().map(|t| t.signal).collect();
        assert!(!signals.contains(&Signal::NodeFsAvailable));
        assert_eq!(signals.len(), 4);
    }

    #[test]
    fn thresholds_parse_amounts_and_percentages_and_refuse_nonsense() {
        assert_eq!(
            Threshold::parse("100Mi").unwrap(),
            Threshold::Quantity(Quantity::parse("100Mi").unwrap())
        );
        assert_eq!(Threshold::parse("7.5%").unwrap().to_string(), "7.5%");
        for bad in ["0", "-1Mi", "101%", "-5%", "abc%", "many"] {
            assert!(Threshold::parse(bad).is_err(), "{bad}");
        }
        assert!(Threshold::parse("100%").unwrap().is_ignored());
    }

    #[test]
    fn a_percentage_is_taken_of_the_capacity_in_single_precision_and_truncated() {
        let capacity = Quantity::from_units(100 * (1 << 30));
        let amount = literal("10%").amount(capacity);
        // 0.1 in single precision is a little above one tenth.
        assert_eq!(amount, Quantity::from_units(10_737_418_400));
        assert_eq!(literal("5%").amount(Quantity::from_units(1000)), Quantity::from_units(50));
    }

    #[test]
    fn every_signal_maps_to_its_condition() {
        assert_eq!(Signal::AllocatableMemoryAvailable.condition(), Condition::MemoryPressure);
        for s in [Signal::NodeFsInodesFree, Signal::ImageFsAvailable, Signal::ContainerFsInodesFree] {
            assert_eq!(s.condition(), Condition::DiskPressure);
        }
        assert_eq!(Signal::PidAvailable.condition(), Condition::PidPressure);
        for s in Signal::ALL {
            assert_eq!(Signal::parse(s.as_str()), Some(s));
        }
        assert_eq!(Condition::parse("PIDPressure"), Some(Condition::PidPressure));
    }

    #[test]
    fn default_settings_add_an_allocatable_copy_of_the_memory_threshold() {
        let settings = EvictionSettings::defaults(Os::Linux, v(35));
        let thresholds = settings.thresholds();
        assert_eq!(thresholds.len(), 6);
        let copy = thresholds.iter().find(|t| t.signal == Signal::AllocatableMemoryAvailable).unwrap();
        assert_eq!(copy.value.to_string(), "100Mi");
        assert!(thresholds.iter().all(EvictionThreshold::is_hard));
        assert_eq!(settings.pressure_transition_period, Duration::from_secs(300));
        assert!(!settings.merge_default_eviction_settings);
        assert!(has_merge_default_eviction_settings(v(33)) && !has_merge_default_eviction_settings(v(32)));
    }
}
