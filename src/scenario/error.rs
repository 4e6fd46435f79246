//! Errors from loading a scenario file.

use std::fmt;

/// Where a problem is and what it is: `file:line:column: field.path: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name (or other origin) given to the loader.
    pub origin: String,
    /// Line, counted from 1.
    pub line: usize,
    /// Column in characters, counted from 1, when known.
    pub column: Option<usize>,
    /// Field path such as `timeline[3].node`; empty when the problem concerns the whole file.
    pub field: String,
    /// What is wrong, and where it helps, what to write instead.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.origin, self.line)?;
        if let Some(col) = self.column {
            write!(f, ":{col}")?;
        }
        f.write_str(": ")?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a scenario could not be loaded. Every variant is fatal for that file; its `Display` is
/// one line naming the file, and for content errors the line, column and field path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read scenario file: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid RON, or does not have the scenario's shape (unknown field,
    /// wrong type, malformed duration or quantity found while reading).
    #[error("{0}")]
    Syntax(Diagnostic),
    /// The file reads fine but breaks a rule (unknown node, duplicate name, a toleration the
    /// API would reject, ...).
    #[error("{0}")]
    Invalid(Diagnostic),
}

impl ScenarioError {
    /// The position and field of the problem; `None` for I/O errors.
    pub fn diagnostic(&self) -> Option<&Diagnostic> {
        match self {
            ScenarioError::Io { .. } => None,
            ScenarioError::Syntax(d) | ScenarioError::Invalid(d) => Some(d),
        }
    }
}
