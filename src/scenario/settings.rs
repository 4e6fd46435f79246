//! Controller settings and the Kubernetes-version defaults behind them.

use std::fmt;
use std::time::Duration;

/// A Kubernetes minor version such as 1.35.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    /// Major version (always 1).
    pub major: u32,
    /// Minor version.
    pub minor: u32,
}

impl KubeVersion {
    /// The version simulated when a scenario names none.
    pub const DEFAULT: KubeVersion = KubeVersion { major: 1, minor: 35 };

    /// Parses `"1.35"` or `"v1.35"`.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let t = text.trim().trim_start_matches('v');
        let (ma, mi) = t
            .split_once('.')
            .ok_or_else(|| format!("bad Kubernetes version {text:?}: write it as \"1.35\""))?;
        let mi = mi.split('.').next().unwrap_or(mi);
        let major =
            ma.parse().map_err(|_| format!("bad Kubernetes version {text:?}: write it as \"1.35\""))?;
        let minor =
            mi.parse().map_err(|_| format!("bad Kubernetes version {text:?}: write it as \"1.35\""))?;
        if major != 1 || !(20..=40).contains(&minor) {
            return Err(format!("unsupported Kubernetes version {text:?}: taintsim models 1.20 to 1.40"));
        }
        Ok(KubeVersion { major, minor })
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Settings of the simulated control plane and kubelets. Every field has the upstream default
/// of the scenario's Kubernetes version unless the scenario overrides it.
#[derive(Clone, Debug, PartialEq)]
pub struct ControllerSettings {
    /// kube-controller-manager `--node-monitor-period` (5 s).
    pub node_monitor_period: Duration,
    /// kube-controller-manager `--node-monitor-grace-period` (50 s from 1.32, 40 s before).
    pub node_monitor_grace_period: Duration,
    /// kube-apiserver admission plugin DefaultTolerationSeconds enabled (on by default).
    pub default_toleration_seconds_enabled: bool,
    /// kube-apiserver `--default-not-ready-toleration-seconds` (300).
    pub default_not_ready_toleration_seconds: i64,
    /// kube-apiserver `--default-unreachable-toleration-seconds` (300).
    pub default_unreachable_toleration_seconds: i64,
    /// kube-controller-manager `--node-eviction-rate` in nodes per second (0.1).
    pub node_eviction_rate: f64,
    /// kube-controller-manager `--secondary-node-eviction-rate` (0.01).
    pub secondary_node_eviction_rate: f64,
    /// kube-controller-manager `--unhealthy-zone-threshold` (0.55).
    pub unhealthy_zone_threshold: f64,
    /// kube-controller-manager `--large-cluster-size-threshold` (50).
    pub large_cluster_size_threshold: u32,
    /// kube-scheduler `percentageOfNodesToScore` (0 = adaptive).
    pub percentage_of_nodes_to_score: u32,
    /// Time from a pod being bound to a ready node until its containers run (image pull,
    /// start-up). Not an upstream setting: a modeling parameter (default 5 s).
    pub pod_start_delay: Duration,
    /// Time a container takes to exit after SIGTERM on a working node, capped by the pod's
    /// termination grace period. A modeling parameter (default 2 s).
    pub pod_stop_delay: Duration,
    /// Time from a node object being deleted until the pod garbage collector removes its pods
    /// (kube-controller-manager's orphaned-pod quarantine, 40 s).
    pub orphan_pod_gc_delay: Duration,
}

impl ControllerSettings {
    /// Upstream defaults for `version`.
    pub fn defaults_for(version: KubeVersion) -> ControllerSettings {
        let grace = if version >= (KubeVersion { major: 1, minor: 32 }) { 50 } else { 40 };
        ControllerSettings {
            node_monitor_period: Duration::from_secs(5),
            node_monitor_grace_period: Duration::from_secs(grace),
            default_toleration_seconds_enabled: true,
            default_not_ready_toleration_seconds: 300,
            default_unreachable_toleration_seconds: 300,
            node_eviction_rate: 0.1,
            secondary_node_eviction_rate: 0.01,
            unhealthy_zone_threshold: 0.55,
            large_cluster_size_threshold: 50,
            percentage_of_nodes_to_score: 0,
            pod_start_delay: Duration::from_secs(5),
            pod_stop_delay: Duration::from_secs(2),
            orphan_pod_gc_delay: Duration::from_secs(40),
        }
    }
}

impl Default for ControllerSettings {
    fn default() -> Self {
        ControllerSettings::defaults_for(KubeVersion::DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grace_period_follows_the_version() {
        let v131 = KubeVersion::parse("1.31").unwrap();
        let v135 = KubeVersion::parse("v1.35").unwrap();
        assert_eq!(ControllerSettings::defaults_for(v131).node_monitor_grace_period, Duration::from_secs(40));
        assert_eq!(ControllerSettings::defaults_for(v135).node_monitor_grace_period, Duration::from_secs(50));
    }
}
