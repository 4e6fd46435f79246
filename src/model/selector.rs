//! Node selection: `nodeSelector` and required node affinity, with Kubernetes' field names.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One `matchExpressions` / `matchFields` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorRequirement {
    /// Label key (or `metadata.name` in `matchFields`).
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`.
    pub operator: String,
    /// Values for `In`/`NotIn` (any number) and `Gt`/`Lt` (exactly one integer).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl NodeSelectorRequirement {
    fn holds(&self, value: Option<&str>) -> bool {
        match self.operator.as_str() {
            "In" => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            "NotIn" => value.is_none_or(|v| !self.values.iter().any(|x| x == v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            "Gt" | "Lt" => {
                let (Some(v), [bound]) = (value, self.values.as_slice()) else {
                    return false;
                };
                let (Ok(v), Ok(bound)) = (v.parse::<i64>(), bound.parse::<i64>()) else {
                    return false;
                };
                if self.operator == "Gt" { v > bound } else { v < bound }
            }
            _ => false,
        }
    }
}

/// A `nodeSelectorTerms` entry: every expression and every field requirement must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    /// Label requirements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Field requirements; only `metadata.name` with `In`/`NotIn` is known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_fields: Vec<NodeSelectorRequirement>,
}

impl NodeSelectorTerm {
    /// Whether the node matches this term. A term with no requirement matches nothing.
    pub fn matches(&self, node_name: &str, labels: &BTreeMap<String, String>) -> bool {
        if self.match_expressions.is_empty() && self.match_fields.is_empty() {
            return false;
        }
        self.match_expressions.iter().all(|r| r.holds(labels.get(&r.key).map(String::as_str)))
            && self.match_fields.iter().all(|r| {
                r.key == "metadata.name"
                    && matches!(r.operator.as_str(), "In" | "NotIn")
                    && r.holds(Some(node_name))
            })
    }
}

/// `requiredDuringSchedulingIgnoredDuringExecution`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelector {
    /// At least one term must match; an empty list matches nothing.
    #[serde(default)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// A preferred scheduling term (kept so the DaemonSet controller can carry it over; the
/// simulator's scheduler does not score it, see the README's limitations).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreferredSchedulingTerm {
    /// Weight 1..100.
    pub weight: i32,
    /// The term.
    pub preference: NodeSelectorTerm,
}

/// `affinity.nodeAffinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeAffinity {
    /// Hard requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    /// Soft preferences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// `spec.affinity` (only node affinity is modeled).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    /// Node affinity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
}

impl Affinity {
    /// The required node selector, if any.
    pub fn required(&self) -> Option<&NodeSelector> {
        self.node_affinity.as_ref()?.required_during_scheduling_ignored_during_execution.as_ref()
    }
}

/// Whether a node with `node_name` and `labels` satisfies both the `nodeSelector` map and the
/// required node affinity (when set, at least one term must match).
pub fn node_matches(
    node_name: &str,
    labels: &BTreeMap<String, String>,
    node_selector: &BTreeMap<String, String>,
    affinity: Option<&Affinity>,
) -> bool {
    if !node_selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
        return false;
    }
    match affinity.and_then(Affinity::required) {
        Some(req) => req.node_selector_terms.iter().any(|t| t.matches(node_name, labels)),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn req(key: &str, op: &str, values: &[&str]) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: key.into(),
            operator: op.into(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn not_in_holds_for_a_missing_label() {
        let term = NodeSelectorTerm {
            match_expressions: vec![req("pool", "NotIn", &["gpu"])],
            ..Default::default()
        };
        assert!(term.matches("n", &labels(&[])));
        assert!(!term.matches("n", &labels(&[("pool", "gpu")])));
    }

    #[test]
    fn empty_term_matches_nothing() {
        assert!(!NodeSelectorTerm::default().matches("n", &labels(&[("a", "b")])));
    }

    #[test]
    fn match_fields_know_only_the_node_name() {
        let term = NodeSelectorTerm {
            match_fields: vec![req("metadata.name", "In", &["n1"])],
            ..Default::default()
        };
        assert!(term.matches("n1", &labels(&[])));
        assert!(!term.matches("n2", &labels(&[])));
    }

    #[test]
    fn gt_compares_integers() {
        let term =
            NodeSelectorTerm { match_expressions: vec![req("cores", "Gt", &["4"])], ..Default::default() };
        assert!(term.matches("n", &labels(&[("cores", "8")])));
        assert!(!term.matches("n", &labels(&[("cores", "4")])));
    }
}
