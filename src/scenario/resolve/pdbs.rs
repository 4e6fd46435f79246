//! PodDisruptionBudgets: the budget value, the selector (or the `workload` shorthand), the
//! namespace, and the API's validation rules.

use super::{Resolver, known_list, names, root};
use crate::controllers::disruption::{
    BudgetRule, BudgetValueError, IntOrPercent, LabelSelector, SelectorOperator, SelectorRequirement,
    UnhealthyPodEvictionPolicy,
};
use crate::model::pod::WORKLOAD_LABEL;
use crate::scenario::PdbDef;
use crate::scenario::file::{IntOrPercentText, LabelSelectorFile, PdbFile, WorkloadFile};
use crate::scenario::locate::FieldPath;
use std::collections::{BTreeMap, BTreeSet};

/// The namespace of a budget that names none (and no workload).
const DEFAULT_NAMESPACE: &str = "default";

impl Resolver<'_> {
    /// Every budget, in file order. Workloads are looked up as written, so that a workload
    /// with a problem of its own does not also make its budget fail.
    pub(super) fn pdbs(
        &mut self,
        files: &[PdbFile],
        business: &[WorkloadFile],
        agents: &[WorkloadFile],
    ) -> Vec<PdbDef> {
        let workloads: Vec<&WorkloadFile> = business.iter().chain(agents).collect();
        let mut out = Vec::new();
        let mut seen: Vec<(String, String, FieldPath)> = Vec::new();
        for (i, pf) in files.iter().enumerate() {
            let path = root().field("pdbs").index(i);
            let Some(pdb) = self.pdb(&path, pf, &workloads) else { continue };
            let first = seen.iter().find(|(ns, name, _)| *ns == pdb.namespace && *name == pdb.name);
            if let Some((_, _, first)) = first {
                let earlier = self.describe(first);
                self.problem(
                    &path.field("name"),
                    format!(
                        "budget {:?} in namespace {:?} is already defined by {earlier}",
                        pdb.name, pdb.namespace
                    ),
                );
                continue;
            }
            seen.push((pdb.namespace.clone(), pdb.name.clone(), path));
            out.push(pdb);
        }
        out
    }

    fn pdb(&mut self, path: &FieldPath, pf: &PdbFile, workloads: &[&WorkloadFile]) -> Option<PdbDef> {
        let mut ok = true;
        if let Some(why) = names::dns_subdomain(&pf.name) {
            self.problem(&path.field("name"), why);
            ok = false;
        }
        if let Some(why) = pf.namespace.as_deref().and_then(|ns| names::dns_label(ns, "namespace")) {
            self.problem(&path.field("namespace"), why);
            ok = false;
        }
        let target = self.pdb_target(path, pf, workloads);
        let rule = self.budget_rule(path, pf);
        let policy = match &pf.unhealthy_pod_eviction_policy {
            None => Some(UnhealthyPodEvictionPolicy::default()),
            Some(text) => UnhealthyPodEvictionPolicy::parse(text).or_else(|| {
                self.problem(
                    &path.field("unhealthy_pod_eviction_policy"),
                    format!("{text:?} is not a policy (IfHealthyBudget or AlwaysAllow)"),
                );
                None
            }),
        };
        let ((namespace, selector), rule, policy) = (target?, rule?, policy?);
        ok.then(|| PdbDef {
            name: pf.name.clone(),
            namespace,
            selector,
            rule,
            unhealthy_pod_eviction_policy: policy,
        })
    }

    /// The namespace and the selector: from `selector` (namespace as written, else
    /// `"default"`), or from `workload` (the workload's label and namespace).
    fn pdb_target(
        &mut self,
        path: &FieldPath,
        pf: &PdbFile,
        workloads: &[&WorkloadFile],
    ) -> Option<(String, LabelSelector)> {
        match (&pf.selector, &pf.workload) {
            (Some(_), Some(_)) => {
                self.problem(
                    &path.field("workload"),
                    "give selector or workload, not both (workload is a shorthand for a selector)",
                );
                None
            }
            (None, None) => {
                self.problem(path, "a budget needs selector or workload (the pods it covers)");
                None
            }
            (Some(sel), None) => {
                let namespace = pf.namespace.clone().unwrap_or_else(|| DEFAULT_NAMESPACE.to_string());
                let selector = self.label_selector(&path.field("selector"), sel)?;
                Some((namespace, selector))
            }
            (None, Some(name)) => {
                let p = path.field("workload");
                let Some(w) = workloads.iter().find(|w| w.name == *name) else {
                    let known = known_list(workloads.iter().map(|w| &w.name));
                    self.problem(&p, format!("unknown workload {name:?} (known: {known})"));
                    return None;
                };
                let own = w.namespace.as_deref().unwrap_or(DEFAULT_NAMESPACE);
                // (An invalid namespace is reported on its own.)
                if let Some(written) = &pf.namespace {
                    if written != own && names::dns_label(written, "namespace").is_none() {
                        self.problem(
                            &path.field("namespace"),
                            format!(
                                "workload {name:?} runs in namespace {own:?}, and a budget only covers pods of its own namespace (leave namespace out to take the workload's)"
                            ),
                        );
                        return None;
                    }
                }
                let match_labels = BTreeMap::from([(WORKLOAD_LABEL.to_string(), name.clone())]);
                Some((own.to_string(), LabelSelector { match_labels, match_expressions: Vec::new() }))
            }
        }
    }

    /// Exactly one of `min_available` and `max_unavailable`.
    fn budget_rule(&mut self, path: &FieldPath, pf: &PdbFile) -> Option<BudgetRule> {
        match (&pf.min_available, &pf.max_unavailable) {
            (Some(_), Some(_)) => {
                self.problem(
                    &path.field("max_unavailable"),
                    "give min_available or max_unavailable, not both",
                );
                None
            }
            (None, None) => {
                self.problem(path, "a budget needs min_available or max_unavailable");
                None
            }
            (Some(v), None) => {
                self.budget_value(&path.field("min_available"), v).map(BudgetRule::MinAvailable)
            }
            (None, Some(v)) => {
                self.budget_value(&path.field("max_unavailable"), v).map(BudgetRule::MaxUnavailable)
            }
        }
    }

    /// A count (bare integer, 0 or more) or a percentage string from `"0%"` to `"100%"`.
    fn budget_value(&mut self, path: &FieldPath, v: &IntOrPercentText) -> Option<IntOrPercent> {
        let why = match v {
            IntOrPercentText::Int(n) if *n < 0 => format!("{n} is negative (a count is 0 or more)"),
            IntOrPercentText::Int(n) => match i32::try_from(*n) {
                Ok(n) => return Some(IntOrPercent::Int(n)),
                Err(_) => format!("{n} is too large"),
            },
            IntOrPercentText::Float(x) => {
                format!("{x} is not a whole number (write a count such as 2 or a percentage such as \"50%\")")
            }
            IntOrPercentText::Text(text) => match IntOrPercent::parse_percent(text) {
                Ok(IntOrPercent::Percent(p)) if p > 100 => format!("{text:?} is more than 100%"),
                Ok(value) => return Some(value),
                Err(BudgetValueError::NotAPercentage(_))
                    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    format!("{text:?} is a count written as text: write it as a bare number ({text})")
                }
                Err(e) => e.to_string(),
            },
        };
        self.problem(path, why);
        None
    }

    /// `metav1.LabelSelector` with the API's rules (`ValidateLabelSelector`).
    fn label_selector(&mut self, path: &FieldPath, sel: &LabelSelectorFile) -> Option<LabelSelector> {
        let before = self.problems.len();
        self.label_map(&path.field("match_labels"), &sel.match_labels);
        let mut match_expressions = Vec::new();
        for (i, r) in sel.match_expressions.iter().enumerate() {
            let p = path.field("match_expressions").index(i);
            if let Some(why) = names::qualified_name(&r.key) {
                self.problem(&p.field("key"), why);
            }
            let Some(operator) = SelectorOperator::parse(&r.operator) else {
                self.problem(
                    &p.field("operator"),
                    format!("{:?} is not an operator (In, NotIn, Exists or DoesNotExist)", r.operator),
                );
                continue;
            };
            let takes_values = matches!(operator, SelectorOperator::In | SelectorOperator::NotIn);
            if takes_values && r.values.is_empty() {
                self.problem(&p.field("values"), "In and NotIn need at least one value");
            } else if !takes_values && !r.values.is_empty() {
                self.problem(&p.field("values"), "Exists and DoesNotExist take no values");
            }
            for (j, v) in r.values.iter().enumerate() {
                if let Some(why) = names::label_value(v) {
                    self.problem(&p.field("values").index(j), why);
                }
            }
            let values: BTreeSet<String> = r.values.iter().cloned().collect();
            match_expressions.push(SelectorRequirement { key: r.key.clone(), operator, values });
        }
        (self.problems.len() == before)
            .then(|| LabelSelector { match_labels: sel.match_labels.clone(), match_expressions })
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::check_str;

    const HEAD: &str = r#"(name: "t", horizon: "1d",
 nodes: [(name: "w1", capacity: {"cpu": "1", "memory": "1Gi", "pods": "10"})],
 agents: [(name: "a", kind: Deployment, namespace: "ops")],
 policies: [(name: "p")],
"#;

    fn problems(pdbs: &str) -> Vec<String> {
        let src = format!("{HEAD} pdbs: [{pdbs}],\n)");
        match check_str(&src, "t") {
            Ok(_) => Vec::new(),
            Err(errors) => errors.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn every_problem_of_a_budget_is_reported() {
        let got = problems(r#"(name: "X", min_available: -1, unhealthy_pod_eviction_policy: "Never")"#);
        let fields: Vec<&str> = got.iter().map(|e| e.split(": ").nth(1).unwrap_or("")).collect();
        assert_eq!(
            fields,
            ["pdbs[0]", "pdbs[0].name", "pdbs[0].min_available", "pdbs[0].unhealthy_pod_eviction_policy"]
        );
    }

    #[test]
    fn the_workload_shorthand_takes_the_workload_namespace() {
        assert!(problems(r#"(name: "x", workload: "a", min_available: 1)"#).is_empty());
        assert!(problems(r#"(name: "x", workload: "a", namespace: "ops", min_available: 1)"#).is_empty());
        let got = problems(r#"(name: "x", workload: "a", namespace: "default", min_available: 1)"#);
        assert_eq!(got.len(), 1);
        assert!(got[0].contains(r#"workload "a" runs in namespace "ops""#), "{got:?}");
        // Same name, different namespaces: two budgets.
        assert!(problems(r#"(name: "x", workload: "a", max_unavailable: "0%"), (name: "x", selector: (), max_unavailable: "100%")"#).is_empty());
    }
}
