//! The API server's name rules (k/k `staging/src/k8s.io/apimachinery/pkg/util/validation`),
//! applied to what a scenario names: label keys and values, taint and toleration keys, object
//! names and namespaces. Each check returns why a text is rejected, or `None`.

/// `IsDNS1123Subdomain`: lowercase letters, digits, `-` and `.`, starting and ending with a
/// letter or digit, at most 253 characters. Node and workload names.
pub(crate) fn dns_subdomain(text: &str) -> Option<String> {
    if text.is_empty() {
        return Some("must not be empty".into());
    }
    if text.len() > 253 {
        return Some("must be at most 253 characters".into());
    }
    let ok = text.split('.').all(|part| dns_label_chars(part).is_none() && !part.is_empty());
    (!ok).then(|| {
        format!(
            "{text:?} is not a valid name: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit"
        )
    })
}

/// `IsDNS1123Label`: like a subdomain without dots, at most 63 characters. Namespaces and
/// volume names; `what` names the thing in the message (`"namespace"`).
pub(crate) fn dns_label(text: &str, what: &str) -> Option<String> {
    if text.is_empty() {
        return Some("must not be empty".into());
    }
    if text.len() > 63 {
        return Some("must be at most 63 characters".into());
    }
    dns_label_chars(text).map(|_| {
        format!("{text:?} is not a valid {what}: use lowercase letters, digits and '-', starting and ending with a letter or digit")
    })
}

fn dns_label_chars(part: &str) -> Option<()> {
    let b = part.as_bytes();
    let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = b.iter().all(inner) && b.first().is_none_or(edge) && b.last().is_none_or(edge);
    (!ok).then_some(())
}

/// The name part of a qualified name or a label value: at most 63 characters of letters,
/// digits, `-`, `_` and `.`, starting and ending with a letter or digit.
fn name_part(text: &str) -> bool {
    let b = text.as_bytes();
    let edge = |c: &u8| c.is_ascii_alphanumeric();
    !b.is_empty()
        && b.len() <= 63
        && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(edge)
        && b.last().is_some_and(edge)
}

/// `IsQualifiedName`: `[prefix/]name`, prefix a DNS subdomain. Label keys, taint keys and
/// toleration keys.
pub(crate) fn qualified_name(text: &str) -> Option<String> {
    let ok = match text.split_once('/') {
        Some((prefix, name)) => !prefix.is_empty() && dns_subdomain(prefix).is_none() && name_part(name),
        None => name_part(text),
    };
    (!ok).then(|| {
        format!(
            "{text:?} is not a valid key: write [prefix/]name, name at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit, prefix a DNS subdomain"
        )
    })
}

/// `IsValidLabelValue`: empty, or like the name part of a qualified name. Label and taint
/// values.
pub(crate) fn label_value(text: &str) -> Option<String> {
    (!text.is_empty() && !name_part(text)).then(|| {
        format!(
            "{text:?} is not a valid value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_keys_are_qualified_names() {
        for key in
            ["node-role.kubernetes.io/master", "kubernetes.io/os", "dedicated", "nvidia.com/gpu", "sku"]
        {
            assert_eq!(qualified_name(key), None, "{key}");
        }
        for key in ["", "/x", "a b", "node.kubernetes.io/", "-x", "a/b/c"] {
            assert!(qualified_name(key).is_some(), "{key}");
        }
    }

    #[test]
    fn names_follow_dns_rules() {
        assert_eq!(dns_subdomain("node-worker-b-0"), None);
        assert_eq!(dns_subdomain("a.b-c"), None);
        assert!(dns_subdomain("Worker-1").is_some());
        assert!(dns_subdomain("worker-{i}").is_some());
        assert!(dns_subdomain("a..b").is_some());
        assert_eq!(dns_label("kube-system", "namespace"), None);
        assert!(dns_label("a.b", "namespace").is_some());
        assert_eq!(label_value(""), None);
        assert!(label_value("a b").is_some());
    }
}
