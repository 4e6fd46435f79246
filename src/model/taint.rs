//! Taints and their effects.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a taint does to pods that do not tolerate it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TaintEffect {
    /// New pods are not scheduled onto the node.
    NoSchedule,
    /// The scheduler avoids the node (scoring only; never filters).
    PreferNoSchedule,
    /// New pods are not scheduled and running pods are evicted.
    NoExecute,
}

impl TaintEffect {
    /// All three effects, in the order Kubernetes lists them.
    pub const ALL: [TaintEffect; 3] =
        [TaintEffect::NoSchedule, TaintEffect::PreferNoSchedule, TaintEffect::NoExecute];

    /// The effect's name as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

impl TryFrom<String> for TaintEffect {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        TaintEffect::ALL.into_iter().find(|e| e.as_str() == s).ok_or_else(|| {
            format!("unknown taint effect {s:?} (expected NoSchedule, PreferNoSchedule or NoExecute)")
        })
    }
}

impl From<TaintEffect> for String {
    fn from(e: TaintEffect) -> String {
        e.as_str().to_string()
    }
}

impl fmt::Display for TaintEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A node taint: `key[=value]:effect`. `timeAdded` is accepted in input and ignored, since no
/// rule the simulator applies reads it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    /// The taint key.
    pub key: String,
    /// The taint value; `""` when absent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// The taint effect.
    pub effect: TaintEffect,
}

impl Taint {
    /// A taint with an empty value.
    pub fn new(key: &str, effect: TaintEffect) -> Taint {
        Taint { key: key.to_string(), value: String::new(), effect }
    }

    /// A taint with a value.
    pub fn with_value(key: &str, value: &str, effect: TaintEffect) -> Taint {
        Taint { key: key.to_string(), value: value.to_string(), effect }
    }

    /// Taint identity on a node (`Taint.MatchTaint`): same key and same effect; the value is
    /// ignored. A node holds at most one taint per identity.
    pub fn same_taint(&self, other: &Taint) -> bool {
        self.key == other.key && self.effect == other.effect
    }
}

impl fmt::Display for Taint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}:{}", self.key, self.effect)
        } else {
            write!(f, "{}={}:{}", self.key, self.value, self.effect)
        }
    }
}

/// Adds `taint` to `taints` unless a taint with the same identity is there; when one is, its
/// value is replaced. Returns whether the list changed.
pub fn add_or_update(taints: &mut Vec<Taint>, taint: Taint) -> bool {
    if let Some(existing) = taints.iter_mut().find(|t| t.same_taint(&taint)) {
        if existing.value == taint.value {
            return false;
        }
        existing.value = taint.value;
        return true;
    }
    taints.push(taint);
    true
}

/// Removes every taint with the identity of `key`/`effect`. Returns whether one was removed.
pub fn remove(taints: &mut Vec<Taint>, key: &str, effect: TaintEffect) -> bool {
    let before = taints.len();
    taints.retain(|t| !(t.key == key && t.effect == effect));
    taints.len() != before
}
