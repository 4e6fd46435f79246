//! Errors of the importer: each names the file, the document, the object and the field.

use std::fmt;

/// Where in the input a problem is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Place {
    /// The file as given on the command line (or the option, such as `--name`).
    pub file: String,
    /// The line in the file, counted from 1, for text files such as a timeline file.
    pub line: Option<usize>,
    /// The column of that line, counted from 1.
    pub column: Option<usize>,
    /// The document of a multi-document stream, counted from 1 (empty documents, such as
    /// those Helm writes for disabled templates, are not counted).
    pub document: Option<usize>,
    /// The entry of a `List` object's `items`, counted from 0.
    pub item: Option<usize>,
    /// `Kind namespace/name` of the object, as far as known.
    pub object: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        if let Some(d) = self.document {
            write!(f, ": document {d}")?;
        }
        if let Some(i) = self.item {
            write!(f, ", items[{i}]")?;
        }
        if let Some(o) = &self.object {
            write!(f, ": {o}")?;
        }
        Ok(())
    }
}

/// Why an input could not be imported. Its `Display` is one line:
/// `nodes.yaml: document 3: Node "w1": status.allocatable.cpu: invalid quantity "x": ...`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {}{message}", field_prefix(.field))]
pub struct ImportError {
    /// File, document and object.
    pub place: Box<Place>,
    /// The field path inside the object (`spec.containers[0].resources.requests.cpu`); empty
    /// when the problem is the whole object or file.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() { String::new() } else { format!("{field}: ") }
}

impl ImportError {
    /// A problem with a whole file (unreadable, not YAML or JSON).
    pub fn file(file: &str, message: impl Into<String>) -> ImportError {
        ImportError {
            place: Box::new(Place { file: file.to_string(), ..Place::default() }),
            field: String::new(),
            message: message.into(),
        }
    }

    /// A problem at `place`, field `field`.
    pub fn at(place: &Place, field: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError { place: Box::new(place.clone()), field: field.into(), message: message.into() }
    }
}
