//! Reading Kubernetes objects from YAML or JSON: single objects, `List` objects (`kubectl get
//! -o yaml` prints `kind: List`, and `NodeList`, `PodList`, ... are read the same way) and
//! multi-document streams such as `helm template` output.

use super::error::{ImportError, Place};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::path::Path;

/// One object of an input file, untyped, with where it came from.
#[derive(Clone, Debug)]
pub(crate) struct RawObject {
    /// File, document, item and `Kind namespace/name`.
    pub(crate) place: Place,
    /// `kind` as written (`""` when absent).
    pub(crate) kind: String,
    /// The object.
    pub(crate) value: Value,
}

/// Reads every object of the input file `path` (the file name in messages is `path` as given).
/// A file holding no document at all (empty, or comments only) is refused with `hint`: most
/// likely the command meant to write it failed after its output redirect had created it. An
/// empty `List` is a valid empty input.
pub(crate) fn read_input(path: &Path, hint: &str) -> Result<Vec<RawObject>, ImportError> {
    let file = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| ImportError::file(&file, format!("cannot read: {e}")))?;
    let documents = documents(&text, &file)?;
    if documents.iter().all(Value::is_null) {
        return Err(ImportError::file(
            &file,
            format!("the file holds no object (it is empty or holds only comments): {hint}"),
        ));
    }
    objects(documents, &file)
}

/// Reads every object of `text`; `file` names it in messages.
#[cfg(test)]
pub(crate) fn read_str(text: &str, file: &str) -> Result<Vec<RawObject>, ImportError> {
    objects(documents(text, file)?, file)
}

/// The objects of a file's documents.
fn objects(documents: Vec<Value>, file: &str) -> Result<Vec<RawObject>, ImportError> {
    let mut out = Vec::new();
    for (i, doc) in documents.into_iter().enumerate() {
        let place = Place { file: file.to_string(), document: Some(i + 1), ..Place::default() };
        if doc.is_null() {
            continue;
        }
        let Value::Object(map) = &doc else {
            return Err(ImportError::at(
                &place,
                "",
                "expected a Kubernetes object (a mapping with kind and metadata)",
            ));
        };
        let kind = map.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
        let is_list = kind == "List" || (kind.ends_with("List") && map.contains_key("items"));
        if is_list {
            let items = match map.get("items") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items.clone(),
                Some(_) => return Err(ImportError::at(&place, "items", "expected a list of objects")),
            };
            for (j, item) in items.into_iter().enumerate() {
                let place = Place { item: Some(j), ..place.clone() };
                out.push(object(place, item, kind.strip_suffix("List").filter(|k| !k.is_empty()))?);
            }
        } else {
            out.push(object(place, doc, None)?);
        }
    }
    Ok(out)
}

/// An object with its `Kind namespace/name` filled in; `list_kind` is the kind a typed list
/// (`NodeList`) implies for items that leave `kind` out.
fn object(mut place: Place, value: Value, list_kind: Option<&str>) -> Result<RawObject, ImportError> {
    let Value::Object(map) = &value else {
        return Err(ImportError::at(
            &place,
            "",
            "expected a Kubernetes object (a mapping with kind and metadata)",
        ));
    };
    let kind = map.get("kind").and_then(Value::as_str).or(list_kind).unwrap_or("").to_string();
    let meta = map.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
    let namespace = meta.and_then(|m| m.get("namespace")).and_then(Value::as_str).unwrap_or("");
    let shown_kind = if kind.is_empty() { "object" } else { kind.as_str() };
    place.object = Some(match (namespace, name) {
        (_, "") => format!("{shown_kind} without a name"),
        ("", n) => format!("{shown_kind} {n:?}"),
        (ns, n) => format!("{shown_kind} \"{ns}/{n}\""),
    });
    let needs_kind = list_kind.is_some() && !map.contains_key("kind");
    let mut value = value;
    if needs_kind {
        if let Value::Object(m) = &mut value {
            m.insert("kind".into(), Value::String(kind.clone()));
        }
    }
    Ok(RawObject { place, kind, value })
}

/// The documents of a file: JSON (one value or a stream of values) when it starts with `{` or
/// `[`, YAML otherwise.
fn documents(text: &str, file: &str) -> Result<Vec<Value>, ImportError> {
    let first = text.trim_start_matches('\u{feff}').trim_start().chars().next();
    if matches!(first, Some('{' | '[')) {
        let mut docs = Vec::new();
        for (i, doc) in serde_json::Deserializer::from_str(text).into_iter::<Value>().enumerate() {
            let doc = doc.map_err(|e| json_error(file, i + 1, &e))?;
            docs.push(doc);
        }
        return Ok(docs);
    }
    // Cluster dumps are large (a 20,000-pod list is a few million YAML nodes): the default
    // budget guards configuration files, so the limits grow with the input, staying finite.
    let scale = text.len().max(1 << 20);
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: scale / 8,
            max_nodes: scale,
            max_events: scale * 2,
            max_total_scalar_bytes: scale,
            max_reader_input_bytes: None,
        },
        // YAML 1.2 booleans only: `n`, `no`, `on` and `yes` stay text, as names and label
        // values need them to.
        strict_booleans: true,
    };
    serde_saphyr::from_multiple_with_options::<Value>(text, options).map_err(|e| yaml_error(file, &e))
}

/// A JSON error with its location said once, before the message (`serde_json` appends it).
fn json_error(file: &str, document: usize, e: &serde_json::Error) -> ImportError {
    let message = e.to_string();
    if e.line() == 0 {
        return ImportError::file(file, format!("document {document}: not valid JSON: {message}"));
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = message.strip_suffix(&suffix).unwrap_or(&message);
    ImportError::file(file, format!("line {} column {}: not valid JSON: {message}", e.line(), e.column()))
}

/// A YAML error as one line, its location said once, before the message: the parser's own
/// rendering repeats it (`... at line 3, column 9`) and adds a source snippet.
fn yaml_error(file: &str, e: &serde_saphyr::Error) -> ImportError {
    use serde_saphyr::MessageFormatter;
    let at = e
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| format!("line {} column {}: ", l.line(), l.column()))
        .unwrap_or_default();
    // An unquoted number beyond what a float holds (`cpu: 1e999`): say what to do about it.
    if let serde_saphyr::Error::NonFiniteFloat { value, .. } = e.without_snippet() {
        let lower = value.to_ascii_lowercase();
        let what = if lower.contains("nan") || lower.contains("inf") {
            format!("{value} is not a number")
        } else {
            format!("the number {value} is too large to read")
        };
        return ImportError::file(
            file,
            format!("{at}{what}; write quantities in quotes, as kubectl prints them ({value:?})"),
        );
    }
    let message = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet());
    let first = message.lines().next().unwrap_or("").trim();
    // Hints about the parser's options mean nothing to someone running the importer.
    let first =
        first.split_once(", set ").filter(|(_, hint)| hint.contains("Options")).map_or(first, |(m, _)| m);
    let one_line: String = first.chars().filter(|c| !c.is_control()).collect();
    ImportError::file(file, format!("{at}not valid YAML: {one_line}"))
}

/// Converts an object into a typed Kubernetes object; a mismatch names the field.
pub(crate) fn typed<T: DeserializeOwned>(obj: &RawObject) -> Result<T, ImportError> {
    serde_path_to_error::deserialize(&obj.value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        ImportError::at(&obj.place, field, e.into_inner().to_string())
    })
}

/// The documents of a YAML or JSON file as untyped values (a Helm values file, a toleration
/// list).
pub(crate) fn read_values(path: &Path) -> Result<Vec<Value>, ImportError> {
    let file = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| ImportError::file(&file, format!("cannot read: {e}")))?;
    documents(&text, &file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(objs: &[RawObject]) -> Vec<String> {
        objs.iter().map(|o| format!("{} {}", o.kind, o.place)).collect()
    }

    #[test]
    fn lists_streams_and_json_are_read_alike() {
        let stream = "# Source: a\n---\n# Source: empty\n---\nkind: Node\nmetadata: {name: a}\n---\n\
                      kind: NodeList\nitems:\n- metadata: {name: b}\n- {kind: Node, metadata: {name: c}}\n";
        assert_eq!(
            kinds(&read_str(stream, "f.yaml").unwrap()),
            [
                "Node f.yaml: document 1: Node \"a\"",
                "Node f.yaml: document 2, items[0]: Node \"b\"",
                "Node f.yaml: document 2, items[1]: Node \"c\"",
            ]
        );
        let json =
            r#"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}}]}"#;
        assert_eq!(
            kinds(&read_str(json, "f.json").unwrap()),
            ["Pod f.json: document 1, items[0]: Pod \"n/p\""]
        );
        let yes = read_str("kind: Node\nmetadata: {name: n, labels: {a: yes, b: on}}\n", "f").unwrap();
        assert_eq!(yes[0].value["metadata"]["labels"]["a"], "yes");
        assert_eq!(yes[0].value["metadata"]["name"], "n");
    }

    #[test]
    fn malformed_documents_name_the_file() {
        let e = read_str("kind: Node\n  bad: [\n", "x.yaml").unwrap_err().to_string();
        assert!(e.starts_with("x.yaml: line"), "{e}");
        let e = read_str("- 1\n- 2\n", "y.yaml").unwrap_err().to_string();
        assert!(e.starts_with("y.yaml: document 1: expected a Kubernetes object"), "{e}");
        let e = read_str("{\"kind\": ", "z.json").unwrap_err().to_string();
        assert!(e.starts_with("z.json: line 1 column 9: not valid JSON: "), "{e}");
    }

    #[test]
    fn syntax_errors_say_their_location_once() {
        let cases = [
            (
                "kind: Node\nmetadata:\n  name: [x\n",
                "n.yaml: line 3 column 9: not valid YAML: unclosed bracket '['",
            ),
            ("a: *nope\n", "n.yaml: line 1 column 4: not valid YAML: alias references unknown anchor"),
            (
                "kind: Node\nkind: Pod\n",
                "n.yaml: line 2 column 1: not valid YAML: duplicate mapping key: kind",
            ),
            (
                "kind: Node\nstatus:\n  capacity: {memory: 1Gi,\n    cpu: 1e999}\n",
                "n.yaml: line 4 column 10: the number 1e999 is too large to read; write quantities in quotes, \
                 as kubectl prints them (\"1e999\")",
            ),
            (
                "kind: Node\nstatus:\n  capacity:\n    cpu: .inf\n",
                "n.yaml: line 4 column 10: .inf is not a number; write quantities in quotes, as kubectl prints \
                 them (\".inf\")",
            ),
            (
                "{\"kind\": \"Node\",\n \"metadata\": {\"name\": }}\n",
                "n.yaml: line 2 column 23: not valid JSON: expected value",
            ),
            (
                "{\"kind\": \"Node\"}\n{\"kind\": ",
                "n.yaml: line 2 column 9: not valid JSON: EOF while parsing a value",
            ),
        ];
        for (text, want) in cases {
            let e = read_str(text, "n.yaml").unwrap_err().to_string();
            assert_eq!(e, want);
            assert_eq!(e.matches("line").count(), 1, "{e}");
        }
    }
}
