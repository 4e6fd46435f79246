//! Policies from Kubernetes YAML: a `tolerations:` list, a bare list of tolerations, or the
//! tolerations at a key path of a Helm values file.
//!
//! A policy option reads `[NAME=]FILE[:KEY.PATH][@AGENT[,AGENT...]]`:
//! `values-prod.yaml:clusterAgent.tolerations@deepfence-agent-cluster`.

use super::convert::toleration;
use super::error::{ImportError, Place};
use super::origin::Origin;
use super::out::PolicyOut;
use super::read::read_values;
use k8s_openapi::api::core::v1::Toleration;
use serde_json::Value;
use std::path::Path;

/// A parsed policy option.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PolicySpec {
    pub(crate) name: Option<String>,
    pub(crate) file: String,
    pub(crate) path: Vec<String>,
    pub(crate) applies_to: Option<Vec<String>>,
    /// The option as given.
    pub(crate) text: String,
}

fn valid_policy_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Splits a policy option into its parts.
pub(crate) fn parse_spec(text: &str) -> Result<PolicySpec, String> {
    let mut rest = text;
    let mut name = None;
    if let Some((n, r)) = rest.split_once('=') {
        if valid_policy_name(n) {
            name = Some(n.to_string());
            rest = r;
        }
    }
    let mut applies_to = None;
    if let Some((r, agents)) = rest.rsplit_once('@') {
        if !agents.contains('/') {
            let list: Vec<String> =
                agents.split(',').map(str::trim).filter(|a| !a.is_empty()).map(String::from).collect();
            if list.is_empty() {
                return Err(format!("{text:?}: no agent name after @"));
            }
            applies_to = Some(list);
            rest = r;
        }
    }
    let mut path = Vec::new();
    if let Some((f, p)) = rest.rsplit_once(':') {
        if !p.contains('/') && !f.is_empty() {
            path = p.split('.').map(String::from).collect();
            if path.iter().any(String::is_empty) {
                return Err(format!("{text:?}: empty part in the key path {p:?}"));
            }
            rest = f;
        }
    }
    if rest.is_empty() {
        return Err(format!("{text:?}: no file named"));
    }
    Ok(PolicySpec { name, file: rest.to_string(), path, applies_to, text: text.to_string() })
}

/// The policy a spec names.
pub(crate) fn load(spec: &PolicySpec) -> Result<PolicyOut, ImportError> {
    let docs = read_values(Path::new(&spec.file))?;
    let place = Place { file: spec.file.clone(), document: Some(1), ..Place::default() };
    // An empty (or comment-only) file is a policy with no tolerations, like `[]`.
    let mut value = match docs.into_iter().find(|d| !d.is_null()) {
        Some(v) => v,
        None if spec.path.is_empty() => Value::Null,
        None => {
            return Err(ImportError::file(
                &spec.file,
                format!("the file holds no YAML document, so no {:?}", spec.path.join(".")),
            ));
        }
    };
    let mut walked = Vec::new();
    for key in &spec.path {
        let next = match &value {
            Value::Object(m) => m.get(key).cloned(),
            Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i).cloned()),
            _ => None,
        };
        let Some(next) = next else {
            let here = if walked.is_empty() { "the top level".to_string() } else { walked.join(".") };
            let keys = match &value {
                Value::Object(m) => {
                    format!(" (keys there: {})", m.keys().cloned().collect::<Vec<_>>().join(", "))
                }
                _ => String::new(),
            };
            return Err(ImportError::at(
                &place,
                spec.path.join("."),
                format!("no key {key:?} under {here}{keys}"),
            ));
        };
        walked.push(key.clone());
        value = next;
    }
    let mut field = spec.path.join(".");
    if spec.path.is_empty() {
        if let Value::Object(m) = &value {
            let Some(t) = m.get("tolerations") else {
                return Err(ImportError::at(
                    &place,
                    "",
                    "no top-level `tolerations` key and no key path given (write FILE:KEY.PATH for a values file)",
                ));
            };
            value = t.clone();
            field = "tolerations".into();
        }
    }
    let list = match value {
        Value::Null => Vec::new(),
        Value::Array(a) => a,
        _ => return Err(ImportError::at(&place, field, "expected a list of tolerations")),
    };
    let list_field = field.clone();
    let mut tolerations = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let item_field = if field.is_empty() { format!("[{i}]") } else { format!("{field}[{i}]") };
        let parsed: Toleration = serde_path_to_error::deserialize(t).map_err(|e| {
            let path = e.path().to_string();
            let f = if path == "." { item_field.clone() } else { format!("{item_field}.{path}") };
            ImportError::at(&place, f, e.into_inner().to_string())
        })?;
        tolerations.push(toleration(&parsed));
    }
    let stem =
        Path::new(&spec.file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = spec.name.clone().unwrap_or_else(|| {
        let mut parts: Vec<&str> = spec.path.iter().map(String::as_str).collect();
        if parts.last() == Some(&"tolerations") {
            parts.pop();
        }
        let raw = std::iter::once(stem.as_str()).chain(parts).collect::<Vec<_>>().join(".");
        raw.chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
            .collect()
    });
    let file_name =
        Path::new(&spec.file).file_name().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let source =
        if spec.path.is_empty() { file_name } else { format!("{file_name}:{}", spec.path.join(".")) };
    let option = Place { file: format!("--policy {:?}", spec.text), ..Place::default() };
    let origin = Origin::new(&place)
        .field("tolerations", list_field)
        .field_at("name", option.clone(), "")
        .field_at("applies_to", option, "");
    Ok(PolicyOut {
        name,
        description: format!("Tolerations from {source}."),
        applies_to: spec.applies_to.clone(),
        tolerations,
        origin: Some(origin),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_options_split_into_name_file_path_and_agents() {
        let s = parse_spec("prod=values.yaml:clusterAgent.tolerations@a,b").unwrap();
        assert_eq!(s.name.as_deref(), Some("prod"));
        assert_eq!(s.file, "values.yaml");
        assert_eq!(s.path, ["clusterAgent", "tolerations"]);
        assert_eq!(s.applies_to, Some(vec!["a".to_string(), "b".to_string()]));
        let s = parse_spec("dir/x.yaml").unwrap();
        assert_eq!((s.name, s.file.as_str(), s.path.len(), s.applies_to), (None, "dir/x.yaml", 0, None));
        assert!(parse_spec("x.yaml:a..b").is_err());
        assert!(parse_spec("x.yaml@").is_err());
    }
}
