//! The DefaultTolerationSeconds admission plugin of kube-apiserver (on by default).
//!
//! On pod CREATE and UPDATE it gives every pod a bounded toleration for the `not-ready` and
//! `unreachable` NoExecute taints unless the pod already has one. "Already has one" only looks
//! at key and effect: a toleration whose key is the taint key or empty, and whose effect is
//! `NoExecute` or empty, counts, whatever its operator, value or seconds. So `{operator:
//! Exists}` and `{operator: Exists, effect: NoExecute}` suppress both defaults and leave the
//! pod tolerating the taints forever.

use crate::model::keys::{NOT_READY, UNREACHABLE};
use crate::model::{TaintEffect, Toleration};

/// An API request operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Object creation.
    Create,
    /// Object update.
    Update,
    /// Object deletion.
    Delete,
    /// Connect (exec, attach, port-forward).
    Connect,
}

impl Operation {
    /// Every operation, in the order Kubernetes lists them.
    pub const ALL: [Operation; 4] =
        [Operation::Create, Operation::Update, Operation::Delete, Operation::Connect];

    /// The operation as admission requests write it (`CREATE`, `UPDATE`, `DELETE`, `CONNECT`).
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }

    /// Parses the form [`Operation::as_str`] gives.
    pub fn parse(s: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.as_str() == s)
    }
}

/// Whether the plugin acts on `op` (create and update only).
pub fn handles(op: Operation) -> bool {
    matches!(op, Operation::Create | Operation::Update)
}

/// The settings the plugin reads from kube-apiserver flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultTolerationSeconds {
    /// `--default-not-ready-toleration-seconds` (300).
    pub not_ready_seconds: i64,
    /// `--default-unreachable-toleration-seconds` (300).
    pub unreachable_seconds: i64,
}

impl Default for DefaultTolerationSeconds {
    fn default() -> Self {
        DefaultTolerationSeconds { not_ready_seconds: 300, unreachable_seconds: 300 }
    }
}

fn covers_key(toleration: &Toleration, key: &str) -> bool {
    (toleration.key.is_empty() || toleration.key == key)
        && (toleration.effect.is_none() || toleration.effect == Some(TaintEffect::NoExecute))
}

impl DefaultTolerationSeconds {
    /// The pod's tolerations after admission: the input, followed by the missing defaults
    /// (not-ready first, then unreachable).
    pub fn admit(&self, tolerations: &[Toleration]) -> Vec<Toleration> {
        let mut out = tolerations.to_vec();
        let has_not_ready = tolerations.iter().any(|t| covers_key(t, NOT_READY));
        let has_unreachable = tolerations.iter().any(|t| covers_key(t, UNREACHABLE));
        if !has_not_ready {
            out.push(Toleration::exists_for(NOT_READY, TaintEffect::NoExecute, self.not_ready_seconds));
        }
        if !has_unreachable {
            out.push(Toleration::exists_for(UNREACHABLE, TaintEffect::NoExecute, self.unreachable_seconds));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Operator;

    #[test]
    fn empty_list_gets_both_defaults_not_ready_first() {
        let out = DefaultTolerationSeconds::default().admit(&[]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].key, NOT_READY);
        assert_eq!(out[1].key, UNREACHABLE);
        assert_eq!(out[1].toleration_seconds, Some(300));
    }

    #[test]
    fn exists_no_execute_suppresses_both() {
        let tols = vec![Toleration::exists("", Some(TaintEffect::NoExecute))];
        assert_eq!(DefaultTolerationSeconds::default().admit(&tols), tols);
    }

    #[test]
    fn not_ready_60s_gets_only_unreachable_default() {
        let tols = vec![Toleration::exists_for(NOT_READY, TaintEffect::NoExecute, 60)];
        let out = DefaultTolerationSeconds::default().admit(&tols);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].key, UNREACHABLE);
    }

    #[test]
    fn an_equal_toleration_with_a_value_still_counts() {
        let tols = vec![Toleration {
            key: NOT_READY.into(),
            operator: Operator::Equal,
            value: "x".into(),
            effect: Some(TaintEffect::NoExecute),
            toleration_seconds: None,
        }];
        let out = DefaultTolerationSeconds::default().admit(&tols);
        assert_eq!(out.len(), 2, "only unreachable is appended");
    }

    #[test]
    fn a_no_schedule_toleration_does_not_count() {
        let tols = vec![Toleration::exists(NOT_READY, Some(TaintEffect::NoSchedule))];
        assert_eq!(DefaultTolerationSeconds::default().admit(&tols).len(), 3);
    }

    #[test]
    fn operations_round_trip_through_their_names() {
        for op in Operation::ALL {
            assert_eq!(Operation::parse(op.as_str()), Some(op));
        }
        assert_eq!(Operation::parse("create"), None);
    }

    #[test]
    fn acts_on_create_and_update_only() {
        assert!(handles(Operation::Create) && handles(Operation::Update));
        assert!(!handles(Operation::Delete) && !handles(Operation::Connect));
    }
}
