//! Evaluators for the matching checks: `tolerationMatches`, `taintsTolerated`,
//! `taintIdentity` and `tolerationIdentity`. They call the model's one matcher
//! ([`Toleration::tolerates`]) and identity helpers.

use super::{EvalError, Registry, parse_input};
use crate::model::toleration::find_untolerated_taint;
use crate::model::{Taint, TaintEffect, Toleration};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

/// Registers this area's checks.
pub fn register(registry: &mut Registry) {
    registry
        .add("tolerationMatches", toleration_matches)
        .add("taintsTolerated", taints_tolerated)
        .add("taintIdentity", taint_identity)
        .add("tolerationIdentity", toleration_identity);
}

/// A value that must be present but may be `null`.
fn required_nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::deserialize(d)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TolerationMatchesInput {
    toleration: Toleration,
    taint: Taint,
}

fn toleration_matches(input: &Value) -> Result<Value, EvalError> {
    let i: TolerationMatchesInput = parse_input(input)?;
    Ok(json!({ "tolerated": i.toleration.tolerates(&i.taint) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaintsToleratedInput {
    tolerations: Vec<Toleration>,
    taints: Vec<Taint>,
    #[serde(deserialize_with = "required_nullable")]
    effects: Option<Vec<TaintEffect>>,
}

fn taints_tolerated(input: &Value) -> Result<Value, EvalError> {
    let i: TaintsToleratedInput = parse_input(input)?;
    let considered = |t: &Taint| i.effects.as_ref().is_none_or(|effects| effects.contains(&t.effect));
    let untolerated = find_untolerated_taint(&i.taints, &i.tolerations, considered);
    Ok(json!({ "allTolerated": untolerated.is_none() }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TaintIdentityInput {
    taint: Taint,
    taint_to_match: Taint,
}

fn taint_identity(input: &Value) -> Result<Value, EvalError> {
    let i: TaintIdentityInput = parse_input(input)?;
    Ok(json!({ "match": i.taint.same_taint(&i.taint_to_match) }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TolerationIdentityInput {
    toleration: Toleration,
    toleration_to_match: Toleration,
}

fn toleration_identity(input: &Value) -> Result<Value, EvalError> {
    let i: TolerationIdentityInput = parse_input(input)?;
    Ok(json!({ "match": i.toleration.same_toleration(&i.toleration_to_match) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_effects_consider_every_taint_and_an_empty_list_none() {
        let taints = json!([{"key": "k", "effect": "NoExecute"}]);
        let all = json!({"tolerations": [], "taints": taints, "effects": null});
        assert_eq!(taints_tolerated(&all).unwrap(), json!({"allTolerated": false}));
        let none = json!({"tolerations": [], "taints": taints, "effects": []});
        assert_eq!(taints_tolerated(&none).unwrap(), json!({"allTolerated": true}));
    }

    #[test]
    fn a_missing_effects_member_is_malformed() {
        let input = json!({"tolerations": [], "taints": []});
        assert!(matches!(taints_tolerated(&input), Err(EvalError::Input(_))));
    }

    #[test]
    fn an_unknown_effect_is_malformed() {
        let input = json!({"toleration": {"key": "k"}, "taint": {"key": "k", "effect": "Sometimes"}});
        assert!(
            matches!(toleration_matches(&input), Err(EvalError::Input(e)) if e.contains("unknown taint effect"))
        );
    }
}
