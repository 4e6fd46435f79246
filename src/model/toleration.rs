//! Tolerations and the one matching rule every component shares.
//!
//! [`Toleration::tolerates`] is the single implementation of upstream
//! `Toleration.ToleratesTaint`; the scheduler's filter and score, the taint-eviction
//! controller, the DaemonSet controller and the admission plugins all go through it.

use super::taint::{Taint, TaintEffect};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A toleration operator as written. An unset operator behaves as `Equal` but is kept apart,
/// because toleration identity compares operators as written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Operator {
    /// No operator given (`""`): behaves as `Equal`.
    #[default]
    Unset,
    /// The taint value must equal the toleration value.
    Equal,
    /// Any taint value.
    Exists,
    /// Numeric less-than (alpha gate `TaintTolerationComparisonOperators`, off by default).
    Lt,
    /// Numeric greater-than (same gate).
    Gt,
    /// Any other string: never matches.
    Other(String),
}

impl Operator {
    /// The operator as Kubernetes writes it (`""` when unset).
    pub fn as_str(&self) -> &str {
        match self {
            Operator::Unset => "",
            Operator::Equal => "Equal",
            Operator::Exists => "Exists",
            Operator::Lt => "Lt",
            Operator::Gt => "Gt",
            Operator::Other(s) => s,
        }
    }

    /// Whether the field was left empty.
    pub fn is_unset(&self) -> bool {
        matches!(self, Operator::Unset)
    }
}

impl From<String> for Operator {
    fn from(s: String) -> Operator {
        match s.as_str() {
            "" => Operator::Unset,
            "Equal" => Operator::Equal,
            "Exists" => Operator::Exists,
            "Lt" => Operator::Lt,
            "Gt" => Operator::Gt,
            _ => Operator::Other(s),
        }
    }
}

impl From<Operator> for String {
    fn from(o: Operator) -> String {
        o.as_str().to_string()
    }
}

/// A pod toleration, with Kubernetes' field names. A missing `effect` (or `""`) matches every
/// effect; a missing `tolerationSeconds` means forever.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    /// Taint key to match; `""` matches every key (only valid with `Exists`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// How the value is compared.
    #[serde(default, skip_serializing_if = "Operator::is_unset")]
    pub operator: Operator,
    /// Value compared by `Equal`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// Effect to match; `None` matches all effects.
    #[serde(default, deserialize_with = "effect_or_empty", skip_serializing_if = "Option::is_none")]
    pub effect: Option<TaintEffect>,
    /// For `NoExecute`: how long a pod stays bound after the taint appears; `None` = forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

fn effect_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TaintEffect>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref() {
        None | Some("") => Ok(None),
        Some(other) => TaintEffect::try_from(other.to_string()).map(Some).map_err(de::Error::custom),
    }
}

impl Toleration {
    /// `{key, operator: Exists, effect}` without seconds.
    pub fn exists(key: &str, effect: Option<TaintEffect>) -> Toleration {
        Toleration { key: key.into(), operator: Operator::Exists, effect, ..Default::default() }
    }

    /// `{key, operator: Exists, effect, tolerationSeconds}`.
    pub fn exists_for(key: &str, effect: TaintEffect, seconds: i64) -> Toleration {
        Toleration { toleration_seconds: Some(seconds), ..Toleration::exists(key, Some(effect)) }
    }

    /// Whether this toleration tolerates `taint` (upstream `ToleratesTaint`):
    ///
    /// 1. a set effect must equal the taint's effect (unset matches all three);
    /// 2. a non-empty key must equal the taint's key exactly (empty matches every key);
    /// 3. `Exists` matches any value; `Equal` or unset compares values as plain strings
    ///    (`""` equals an absent value); `Lt`/`Gt` belong to an alpha feature gate that is off
    ///    in the simulated versions, so they never match, and nor does any other operator;
    /// 4. `tolerationSeconds` plays no part.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if let Some(effect) = self.effect {
            if effect != taint.effect {
                return false;
            }
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator {
            Operator::Exists => true,
            Operator::Equal | Operator::Unset => self.value == taint.value,
            Operator::Lt | Operator::Gt | Operator::Other(_) => false,
        }
    }

    /// Toleration identity (`MatchToleration`): key, effect, operator and value as written;
    /// `tolerationSeconds` is ignored.
    pub fn same_toleration(&self, other: &Toleration) -> bool {
        self.key == other.key
            && self.effect == other.effect
            && self.operator == other.operator
            && self.value == other.value
    }

    /// Problems API validation would reject (`validateTolerations`), as sentences. Empty when
    /// the toleration is valid.
    pub fn validation_errors(&self) -> Vec<String> {
        let mut errs = Vec::new();
        match &self.operator {
            Operator::Other(op) => errs.push(format!("operator {op:?} is not supported (use Exists or Equal)")),
            Operator::Lt | Operator::Gt => errs.push(format!(
                "operator {} needs the alpha feature gate TaintTolerationComparisonOperators, which is off in the simulated versions",
                self.operator.as_str()
            )),
            _ => {}
        }
        if self.key.is_empty() && self.operator != Operator::Exists {
            errs.push("an empty key requires operator Exists".into());
        }
        if self.operator == Operator::Exists && !self.value.is_empty() {
            errs.push("operator Exists requires an empty value".into());
        }
        if self.toleration_seconds.is_some() && self.effect != Some(TaintEffect::NoExecute) {
            errs.push("tolerationSeconds is only allowed with effect NoExecute".into());
        }
        errs
    }
}

impl fmt::Display for Toleration {
    /// Compact form used in reports: `key=value:Effect (op) for Ns`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = if self.key.is_empty() { "*" } else { &self.key };
        let op = match self.operator {
            Operator::Exists => "Exists".to_string(),
            Operator::Unset | Operator::Equal => format!("={}", self.value),
            ref o => o.as_str().to_string(),
        };
        let effect = self.effect.map(|e| e.as_str()).unwrap_or("*");
        write!(f, "{key} {op} {effect}")?;
        if let Some(s) = self.toleration_seconds {
            write!(f, " {s}s")?;
        }
        Ok(())
    }
}

/// Whether any toleration in `tolerations` tolerates `taint`.
pub fn tolerations_tolerate(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| t.tolerates(taint))
}

/// The first taint, in node order, that passes `filter` and that no toleration tolerates
/// (upstream `FindMatchingUntoleratedTaint`).
pub fn find_untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    filter: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints.iter().filter(|t| filter(t)).find(|t| !tolerations_tolerate(tolerations, t))
}

/// The taint filter the scheduler and the DaemonSet controller use: only `NoSchedule` and
/// `NoExecute` taints count.
pub fn blocks_scheduling(taint: &Taint) -> bool {
    matches!(taint.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tol(key: &str, op: Operator, value: &str, effect: Option<TaintEffect>) -> Toleration {
        Toleration { key: key.into(), operator: op, value: value.into(), effect, toleration_seconds: None }
    }

    #[test]
    fn empty_effect_matches_every_effect_and_empty_key_every_key() {
        let all = tol("", Operator::Exists, "", None);
        for effect in TaintEffect::ALL {
            assert!(all.tolerates(&Taint::with_value("any", "v", effect)));
        }
    }

    #[test]
    fn unset_operator_compares_values_like_equal() {
        let t = tol("k", Operator::Unset, "", Some(TaintEffect::NoSchedule));
        assert!(t.tolerates(&Taint::new("k", TaintEffect::NoSchedule)));
        assert!(!t.tolerates(&Taint::with_value("k", "bar", TaintEffect::NoSchedule)));
    }

    #[test]
    fn comparison_operators_never_match_with_the_gate_off() {
        let t = tol("k", Operator::Lt, "10", Some(TaintEffect::NoSchedule));
        assert!(!t.tolerates(&Taint::with_value("k", "5", TaintEffect::NoSchedule)));
    }

    #[test]
    fn effect_must_equal_when_set() {
        let t = tol("k", Operator::Exists, "", Some(TaintEffect::NoExecute));
        assert!(!t.tolerates(&Taint::new("k", TaintEffect::NoSchedule)));
        assert!(t.tolerates(&Taint::new("k", TaintEffect::NoExecute)));
    }

    #[test]
    fn keys_are_case_sensitive() {
        let t = tol("Key", Operator::Exists, "", None);
        assert!(!t.tolerates(&Taint::new("key", TaintEffect::NoSchedule)));
    }

    #[test]
    fn identity_ignores_seconds_but_not_unset_operator() {
        let a = Toleration::exists_for("k", TaintEffect::NoExecute, 60);
        let b = Toleration::exists("k", Some(TaintEffect::NoExecute));
        assert!(a.same_toleration(&b));
        let c = tol("k", Operator::Unset, "", None);
        let d = tol("k", Operator::Equal, "", None);
        assert!(!c.same_toleration(&d));
    }

    #[test]
    fn validation_reports_api_rules() {
        assert!(Toleration::exists("", None).validation_errors().is_empty());
        let bad = Toleration { toleration_seconds: Some(5), ..Toleration::exists("", None) };
        assert_eq!(bad.validation_errors().len(), 1);
        assert!(!tol("", Operator::Equal, "", None).validation_errors().is_empty());
    }
}
