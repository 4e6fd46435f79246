//! Where the entries of a composed scenario came from.
//!
//! A composed scenario is checked by the same loader as any scenario file, and that loader
//! names a field of the composed text (`workloads[2].requests["cpu"]`). An input that reads
//! well can still break a scenario rule (a request above its limit, a budget with both bounds,
//! a toleration operator the API rejects); the user should then hear about *their* file. For
//! every entry the importer writes, an [`Origin`] keeps the input's file, document, object and
//! how the entry's fields map to the object's fields; [`Origins::locate`] turns a loader
//! diagnostic into an [`ImportError`] at that place. Entries carried over from the default
//! scenario have no origin, and their diagnostics stay at the composed scenario.

use super::error::{ImportError, Place};
use crate::scenario::Diagnostic;
use std::collections::BTreeMap;

/// One field mapping of an [`Origin`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct FieldOrigin {
    /// Path inside the scenario entry (`taints[0]`, `requests`); empty for the whole entry.
    scenario: String,
    /// The input field it came from (`spec.taints[2]`); empty for the whole object.
    input: String,
    /// Another place than the entry's (a command-line option rather than a file).
    place: Option<Place>,
    /// Whether everything below `scenario` is `input` too (the entry has no finer mapping).
    whole: bool,
}

/// Where one scenario entry came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(crate) struct Origin {
    place: Place,
    fields: Vec<FieldOrigin>,
}

impl Origin {
    /// An entry written from the object at `place`, with no field mapped yet.
    pub(crate) fn new(place: &Place) -> Origin {
        Origin { place: place.clone(), fields: Vec::new() }
    }

    /// Maps the entry's `scenario` path (and everything below it) to the input's `input` path.
    pub(crate) fn field(mut self, scenario: impl Into<String>, input: impl Into<String>) -> Origin {
        self.fields.push(FieldOrigin {
            scenario: scenario.into(),
            input: input.into(),
            place: None,
            whole: false,
        });
        self
    }

    /// Maps the whole entry to one input field (a timeline event made from a node condition).
    pub(crate) fn whole(mut self, input: impl Into<String>) -> Origin {
        self.fields.push(FieldOrigin {
            scenario: String::new(),
            input: input.into(),
            place: None,
            whole: true,
        });
        self
    }

    /// Maps the entry's `scenario` path to a place of its own (a command-line option).
    pub(crate) fn field_at(
        mut self,
        scenario: impl Into<String>,
        place: Place,
        input: impl Into<String>,
    ) -> Origin {
        self.fields.push(FieldOrigin {
            scenario: scenario.into(),
            input: input.into(),
            place: Some(place),
            whole: true,
        });
        self
    }

    /// The fields of a workload entry written from a pod spec at `spec` (`spec` for a pod,
    /// `spec.template.spec` for a controller) with its metadata at `meta`.
    pub(crate) fn pod_fields(mut self, spec: &str, meta: &str) -> Origin {
        let table = [
            ("requests", "containers[*].resources.requests"),
            ("limits", "containers[*].resources.limits"),
            ("priority", "priority"),
            ("priority_class_name", "priorityClassName"),
            ("tolerations", "tolerations"),
            ("node_selector", "nodeSelector"),
            ("affinity", "affinity"),
            ("one_per_node", "affinity.podAntiAffinity"),
            ("host_network", "hostNetwork"),
            ("termination_grace_period", "terminationGracePeriodSeconds"),
            ("node_name", "nodeName"),
            ("volumes", "volumes"),
        ];
        for (s, i) in table {
            self = self.field(s, format!("{spec}.{i}"));
        }
        self.field("labels", format!("{meta}.labels")).field("annotations", format!("{meta}.annotations"))
    }

    /// The input place and field of the entry's path `rest`.
    fn translate(&self, rest: &str) -> (Place, String) {
        let best = self
            .fields
            .iter()
            .filter(|f| {
                f.scenario.is_empty()
                    || rest == f.scenario
                    || rest.strip_prefix(f.scenario.as_str()).is_some_and(|r| r.starts_with(['.', '[']))
            })
            .max_by_key(|f| f.scenario.len());
        match best {
            Some(f) => {
                let below = &rest[f.scenario.len()..];
                let below = if f.whole {
                    String::new()
                } else if f.scenario.is_empty() && !below.is_empty() && !below.starts_with('[') {
                    input_style(&format!(".{below}"))
                } else {
                    input_style(below)
                };
                let field = match (f.input.is_empty(), below.strip_prefix('.')) {
                    (true, Some(b)) => b.to_string(),
                    _ => format!("{}{below}", f.input),
                };
                (f.place.clone().unwrap_or_else(|| self.place.clone()), field)
            }
            None => (self.place.clone(), String::new()),
        }
    }
}

/// A scenario path written as Kubernetes writes field paths: map keys that are plain words
/// as `.cpu`, others in brackets (`[nvidia.com/gpu]`).
fn input_style(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(i) = rest.find("[\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find("\"]") {
            Some(j) if !after[..j].contains('\\') => {
                let key = &after[..j];
                if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                    out.push('.');
                    out.push_str(key);
                } else {
                    out.push('[');
                    out.push_str(key);
                    out.push(']');
                }
                rest = &after[j + 2..];
            }
            _ => {
                out.push_str(&rest[i..i + 2]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Entries of a timeline file copied into the composed scenario word for word.
#[derive(Clone, Debug, Default)]
struct TimelineFile {
    file: String,
    /// The index in the composed `timeline` of the file's first entry.
    first_index: usize,
    /// Per entry: its first line in the file, and (once the text is composed) in the scenario.
    lines: Vec<(usize, usize)>,
}

/// The origins of a composed scenario's entries.
#[derive(Clone, Debug, Default)]
pub struct Origins {
    /// Per top-level list (`nodes`, `workloads`, ...): the origin of each entry, `None` for
    /// entries from the default scenario.
    lists: BTreeMap<String, Vec<Option<Origin>>>,
    /// Top-level fields given by a command-line option (`name` from `--name`).
    options: BTreeMap<String, String>,
    timeline_file: Option<TimelineFile>,
}

impl Origins {
    /// Records the origins of the entries of list `field`, in the order written.
    pub(crate) fn set_list(&mut self, field: &str, origins: Vec<Option<Origin>>) {
        self.lists.insert(field.to_string(), origins);
    }

    /// Records that top-level `field` was given by `option`.
    pub(crate) fn set_option(&mut self, field: &str, option: &str) {
        self.options.insert(field.to_string(), option.to_string());
    }

    /// Records that the timeline entries from `first_index` on are those of `file`, each
    /// starting at the given line of the file (counted from 1).
    pub(crate) fn set_timeline_file(&mut self, file: &str, first_index: usize, file_lines: Vec<usize>) {
        self.timeline_file = Some(TimelineFile {
            file: file.to_string(),
            first_index,
            lines: file_lines.into_iter().map(|l| (l, 0)).collect(),
        });
    }

    /// Finds where the timeline file's entries start in the composed `source` (each is there
    /// word for word, in order, after the `timeline:` field).
    pub(crate) fn place_timeline_entries(&mut self, source: &str, entries: &[String]) {
        let Some(tf) = &mut self.timeline_file else { return };
        let mut from = source.find("\n    timeline: [").unwrap_or(0);
        // The entries follow the condition events, which are written on one line each.
        for ((_, composed), text) in tf.lines.iter_mut().zip(entries) {
            if let Some(at) = source[from..].find(text.as_str()) {
                let offset = from + at;
                *composed = line_of(source, offset);
                from = offset + text.len();
            }
        }
    }

    /// The input place of a problem the loader found in the composed scenario; `None` when
    /// the problem is in a part carried over from the default scenario.
    pub fn locate(&self, d: &Diagnostic) -> Option<ImportError> {
        let (head, index, rest) = split_path(&d.field);
        let scenario_field =
            if d.field.is_empty() { String::new() } else { format!(" (scenario field {})", d.field) };
        if index.is_none() {
            let option = self.options.get(head)?;
            return Some(ImportError {
                place: Box::new(Place { file: option.clone(), ..Place::default() }),
                field: String::new(),
                message: format!("{}{scenario_field}", d.message),
            });
        }
        let index = index?;
        if head == "timeline" {
            if let Some(tf) = self.timeline_file.as_ref().filter(|tf| index >= tf.first_index) {
                let (file_line, composed_line) = *tf.lines.get(index - tf.first_index)?;
                if composed_line == 0 || d.line < composed_line {
                    return None;
                }
                let line = file_line + (d.line - composed_line);
                let field = format!(
                    "[{}]{}",
                    index - tf.first_index,
                    if rest.is_empty() { String::new() } else { format!(".{rest}") }
                );
                return Some(ImportError {
                    place: Box::new(Place {
                        file: tf.file.clone(),
                        line: Some(line),
                        column: d.column,
                        ..Place::default()
                    }),
                    field,
                    message: d.message.clone(),
                });
            }
        }
        let origin = self.lists.get(head)?.get(index)?.as_ref()?;
        let (place, field) = origin.translate(rest);
        Some(ImportError { place: Box::new(place), field, message: format!("{}{scenario_field}", d.message) })
    }
}

/// `workloads[3].requests["cpu"]` as (`workloads`, `Some(3)`, `requests["cpu"]`).
fn split_path(path: &str) -> (&str, Option<usize>, &str) {
    let end = path.find(['.', '[']).unwrap_or(path.len());
    let head = &path[..end];
    let Some(after) = path[end..].strip_prefix('[') else { return (head, None, "") };
    let Some(close) = after.find(']') else { return (head, None, "") };
    let Ok(index) = after[..close].parse::<usize>() else { return (head, None, "") };
    let rest = &after[close + 1..];
    (head, Some(index), rest.strip_prefix('.').unwrap_or(rest))
}

/// The line (from 1) of byte `offset` of `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(field: &str, line: usize) -> Diagnostic {
        Diagnostic {
            origin: "(composed scenario)".into(),
            line,
            column: Some(9),
            field: field.into(),
            message: "broken".into(),
        }
    }

    #[test]
    fn paths_split_into_list_index_and_rest() {
        assert_eq!(split_path("workloads[3].requests[\"cpu\"]"), ("workloads", Some(3), "requests[\"cpu\"]"));
        assert_eq!(split_path("nodes[0]"), ("nodes", Some(0), ""));
        assert_eq!(split_path("name"), ("name", None, ""));
        assert_eq!(input_style("[\"cpu\"]"), ".cpu");
        assert_eq!(input_style(".x[\"nvidia.com/gpu\"].y[2]"), ".x[nvidia.com/gpu].y[2]");
    }

    #[test]
    fn entry_fields_map_to_the_input_object() {
        let place = Place {
            file: "nodes.yaml".into(),
            document: Some(2),
            object: Some("Node \"w1\"".into()),
            ..Place::default()
        };
        let node = Origin::new(&place)
            .field("taints[0]", "spec.taints[2]")
            .field("capacity", "status.capacity")
            .field("", "");
        let mut o = Origins::default();
        o.set_list("nodes", vec![None, Some(node)]);
        assert!(o.locate(&diag("nodes[0].capacity[\"cpu\"]", 4)).is_none(), "default entries stay");
        let e = o.locate(&diag("nodes[1].capacity[\"cpu\"]", 4)).unwrap();
        assert_eq!(
            e.to_string(),
            "nodes.yaml: document 2: Node \"w1\": status.capacity.cpu: broken (scenario field nodes[1].capacity[\"cpu\"])"
        );
        let e = o.locate(&diag("nodes[1].taints[0].effect", 4)).unwrap();
        assert_eq!(e.field, "spec.taints[2].effect");
        let e = o.locate(&diag("nodes[1].labels", 4)).unwrap();
        assert_eq!(e.field, "labels", "the catch-all keeps the scenario's own path");
        let e = o.locate(&diag("nodes[1]", 4)).unwrap();
        assert_eq!(e.field, "");
    }

    #[test]
    fn options_and_timeline_files_are_located() {
        let mut o = Origins::default();
        o.set_option("name", "--name");
        assert_eq!(o.locate(&diag("name", 2)).unwrap().to_string(), "--name: broken (scenario field name)");
        let source = "Scenario(\n    timeline: [\n        (at: \"0s\", node: \"a\", event: Silent),\n        // mine\n        (at: \"1h\",\n         node: \"b\", event: Silent),\n    ],\n)\n";
        o.set_timeline_file("t.ron", 1, vec![3]);
        o.place_timeline_entries(
            source,
            &["        // mine\n        (at: \"1h\",\n         node: \"b\", event: Silent)".to_string()],
        );
        let e = o.locate(&diag("timeline[1].node", 6)).unwrap();
        assert_eq!(e.to_string(), "t.ron:5:9: [0].node: broken");
        assert!(o.locate(&diag("timeline[0].node", 3)).is_none());
    }
}
