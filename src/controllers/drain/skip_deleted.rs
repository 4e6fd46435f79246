//! The filter that stops a drain from waiting for pods deleted long ago.
//!
//! kubectl applies it with `--skip-wait-for-delete-timeout` (off by default); Cluster API
//! applies it with a one-second timeout when the node is unreachable, because pods on such a
//! node never finish terminating.
//!
//! Rule (upstream kubectl `pkg/drain/filters.go` `shouldSkipPod` / `skipDeletedFilter`, and the
//! copy in cluster-api `internal/controllers/machine/drain/filters.go`): skip the pod when
//!
//! 1. the timeout is above zero,
//! 2. the pod has a deletion timestamp, and
//! 3. the whole seconds elapsed since that timestamp (the fraction dropped) are strictly more
//!    than the timeout's whole seconds.

use std::time::Duration;

/// The timeout Cluster API uses on an unreachable node.
pub const CLUSTER_API_UNREACHABLE_TIMEOUT: Duration = Duration::from_secs(1);

/// Whether a pod whose deletion timestamp is `deleted_for` old (`None`: not deleted) is skipped
/// under `timeout` (zero: the filter is off). Only whole seconds count on both sides, as the
/// upstream flag is a whole number of seconds.
pub fn skip_deleted(deleted_for: Option<Duration>, timeout: Duration) -> bool {
    let timeout_secs = timeout.as_secs();
    timeout_secs > 0 && deleted_for.is_some_and(|age| age.as_secs() > timeout_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWENTY: Duration = Duration::from_secs(20);

    #[test]
    fn a_pod_without_a_deletion_timestamp_is_never_skipped() {
        assert!(!skip_deleted(None, TWENTY));
    }

    #[test]
    fn a_zero_timeout_turns_the_filter_off() {
        assert!(!skip_deleted(Some(Duration::from_secs(3600)), Duration::ZERO));
    }

    #[test]
    fn the_age_must_exceed_the_timeout_in_whole_seconds() {
        assert!(!skip_deleted(Some(Duration::from_secs(1)), TWENTY));
        assert!(!skip_deleted(Some(Duration::from_secs(20)), TWENTY));
        assert!(!skip_deleted(Some(Duration::from_millis(20_999)), TWENTY));
        assert!(skip_deleted(Some(Duration::from_secs(21)), TWENTY));
        assert!(skip_deleted(Some(Duration::from_secs(100)), TWENTY));
    }

    #[test]
    fn cluster_api_skips_pods_deleted_more_than_one_second_ago_on_unreachable_nodes() {
        assert!(!skip_deleted(Some(Duration::from_millis(1999)), CLUSTER_API_UNREACHABLE_TIMEOUT));
        assert!(skip_deleted(Some(Duration::from_secs(2)), CLUSTER_API_UNREACHABLE_TIMEOUT));
    }
}
