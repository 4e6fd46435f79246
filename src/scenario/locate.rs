//! Where things are in a scenario file.
//!
//! Serde hands the loader values without positions, and `ron` reports positions without field
//! paths. [`SourceMap`] bridges the two: a small, forgiving scan of the RON text that records,
//! for every struct field, list item and map entry, its field path (`timeline[3].node`) and
//! where its key and value start and end. Semantic checks then name a path and get a line and
//! column back; `ron` syntax errors give a position and get the innermost path around it.
//!
//! The scan never fails: on text it does not understand it skips one character and goes on,
//! so a file with a syntax error still yields the paths around the error.

use std::collections::BTreeSet;
use std::fmt;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A struct field: `.name`.
    Field(String),
    /// A list item: `[3]`.
    Index(usize),
    /// A map entry: `["kubernetes.io/os"]`.
    Key(String),
}

/// A field path such as `nodes[2].labels["kubernetes.io/os"]`; empty for the whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct FieldPath(Vec<Seg>);

impl FieldPath {
    /// The whole file.
    pub(crate) fn root() -> FieldPath {
        FieldPath(Vec::new())
    }

    /// This path extended by a struct field.
    pub(crate) fn field(&self, name: &str) -> FieldPath {
        self.with(Seg::Field(name.to_string()))
    }

    /// This path extended by a list index.
    pub(crate) fn index(&self, i: usize) -> FieldPath {
        self.with(Seg::Index(i))
    }

    /// This path extended by a map key.
    pub(crate) fn key(&self, k: &str) -> FieldPath {
        self.with(Seg::Key(k.to_string()))
    }

    fn with(&self, seg: Seg) -> FieldPath {
        let mut segs = self.0.clone();
        segs.push(seg);
        FieldPath(segs)
    }

    /// The enclosing path, or `None` for the root.
    pub(crate) fn parent(&self) -> Option<FieldPath> {
        let (_, rest) = self.0.split_last()?;
        Some(FieldPath(rest.to_vec()))
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) if i == 0 => f.write_str(name)?,
                Seg::Field(name) => write!(f, ".{name}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}

/// A line and a column, both counted from 1; columns count characters, as `ron` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct LineCol {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// One recorded field, item or map entry (byte offsets into the source).
#[derive(Clone, Debug)]
struct Entry {
    path: String,
    /// Start of the key (fields, map entries) or of the value (list items).
    start: usize,
    /// Start of the value.
    value: usize,
    /// Just past the value.
    end: usize,
}

/// Field paths and their places in one RON source text.
#[derive(Debug)]
pub(crate) struct SourceMap<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
    entries: Vec<Entry>,
    /// Offset of the top-level value.
    root: usize,
    /// Map keys written twice: (path of the second entry, offset of its key).
    duplicate_keys: Vec<(String, usize)>,
}

impl<'a> SourceMap<'a> {
    /// Scans `src`.
    pub(crate) fn new(src: &'a str) -> SourceMap<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        let mut scan =
            Scanner { src, b: src.as_bytes(), pos: 0, entries: Vec::new(), duplicates: Vec::new() };
        scan.trivia();
        scan.attributes();
        let root = scan.pos;
        scan.value(&FieldPath::root(), 0);
        SourceMap { src, line_starts, entries: scan.entries, root, duplicate_keys: scan.duplicates }
    }

    /// Line and column of byte offset `off`.
    pub(crate) fn line_col(&self, off: usize) -> LineCol {
        let off = off.min(self.src.len());
        let line = self.line_starts.partition_point(|&s| s <= off);
        let start = self.line_starts[line - 1];
        let column = self.src.get(start..off).map_or(off - start, |s| s.chars().count()) + 1;
        LineCol { line, column }
    }

    /// Byte offset of a `ron` position (1-based line, character column).
    pub(crate) fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.src.len();
        };
        let rest = &self.src[start..];
        rest.char_indices().nth(column.saturating_sub(1)).map_or(self.src.len(), |(i, _)| start + i)
    }

    /// The first offset at or after `off` that is not a space, tab or line break.
    pub(crate) fn skip_blanks(&self, off: usize) -> usize {
        let rest = self.src.get(off..).unwrap_or("");
        off + (rest.len() - rest.trim_start().len())
    }

    /// Where the value at `path` starts. When the path is not written in the file (a missing
    /// field), the nearest enclosing path that is written is used instead.
    pub(crate) fn locate(&self, path: &FieldPath) -> LineCol {
        let mut p = Some(path.clone());
        while let Some(cur) = p {
            let text = cur.to_string();
            if text.is_empty() {
                break;
            }
            if let Some(e) = self.entries.iter().find(|e| e.path == text) {
                return self.line_col(e.value);
            }
            p = cur.parent();
        }
        self.line_col(self.root)
    }

    /// Where the key of the map entry (or the name of the field) at `path` starts; like
    /// [`SourceMap::locate`] when the path is not written in the file.
    pub(crate) fn locate_key(&self, path: &FieldPath) -> LineCol {
        let text = path.to_string();
        match self.entries.iter().find(|e| e.path == text) {
            Some(e) => self.line_col(e.start),
            None => self.locate(path),
        }
    }

    /// The innermost recorded path whose key or value spans byte offset `off`; `""` when
    /// none does. An entry left open by the end of the text spans the end too.
    pub(crate) fn path_at(&self, off: usize) -> String {
        let len = self.src.len();
        self.entries
            .iter()
            .filter(|e| e.start <= off && (off < e.end || e.end == len))
            .max_by_key(|e| (e.start, std::cmp::Reverse(e.end)))
            .map(|e| e.path.clone())
            .unwrap_or_default()
    }

    /// Map keys written twice, in file order: (path, position of the repeated key).
    pub(crate) fn duplicate_keys(&self) -> impl Iterator<Item = (&str, LineCol)> + '_ {
        self.duplicate_keys.iter().map(|(p, off)| (p.as_str(), self.line_col(*off)))
    }
}

/// Nesting deeper than this is not followed (the text is still consumed).
const MAX_DEPTH: usize = 256;

struct Scanner<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    entries: Vec<Entry>,
    duplicates: Vec<(String, usize)>,
}

impl Scanner<'_> {
    /// The source between two byte offsets; `""` when they do not fall on characters (only
    /// after malformed escapes).
    fn text(&self, from: usize, to: usize) -> &str {
        self.src.get(from..to).unwrap_or("")
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.b.get(self.pos + ahead).copied()
    }

    /// Skips whitespace and comments (`//` lines and nestable `/* */` blocks).
    fn trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_ascii_whitespace() => self.pos += 1,
                (Some(b'/'), Some(b'/')) => {
                    while self.peek().is_some_and(|c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                (Some(b'/'), Some(b'*')) => {
                    self.pos += 2;
                    let mut depth = 1;
                    while depth > 0 && self.pos < self.b.len() {
                        match (self.peek(), self.peek_at(1)) {
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// Skips leading `#![enable(...)]` attributes.
    fn attributes(&mut self) {
        while self.peek() == Some(b'#') {
            while self.peek().is_some_and(|c| c != b'[') {
                self.pos += 1;
            }
            self.skip_balanced(b'[', b']');
            self.trivia();
        }
    }

    /// Skips from an opening delimiter to its match, ignoring what lies between.
    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.string();
                }
                _ if c == open => {
                    depth += 1;
                    self.pos += 1;
                }
                _ if c == close => {
                    self.pos += 1;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.pos += 1,
            }
        }
    }

    fn is_ident_byte(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
    }

    fn ident(&mut self) -> &str {
        let start = self.pos;
        while self.peek().is_some_and(Self::is_ident_byte) {
            self.pos += 1;
        }
        self.text(start, self.pos)
    }

    /// Consumes a `"..."` string and returns its text with the common escapes resolved.
    fn string(&mut self) -> String {
        let mut out = String::new();
        self.pos += 1;
        let mut seg_start = self.pos;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    out.push_str(self.text(seg_start, self.pos));
                    self.pos += 1;
                    return out;
                }
                b'\\' => {
                    out.push_str(self.text(seg_start, self.pos));
                    let escaped = self.peek_at(1);
                    self.pos = (self.pos + 2).min(self.b.len());
                    match escaped {
                        Some(b'n') => out.push('\n'),
                        Some(b't') => out.push('\t'),
                        Some(b'r') => out.push('\r'),
                        Some(b'0') => out.push('\0'),
                        Some(e @ (b'"' | b'\\' | b'\'')) => out.push(e as char),
                        // `\xNN` and `\u{N..}`: skipped; keys never need them resolved.
                        Some(b'x') => self.pos = (self.pos + 2).min(self.b.len()),
                        Some(b'u') => {
                            while self.peek().is_some_and(|c| c != b'}' && c != b'"') {
                                self.pos += 1;
                            }
                            if self.peek() == Some(b'}') {
                                self.pos += 1;
                            }
                        }
                        _ => {}
                    }
                    seg_start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        out.push_str(self.text(seg_start, self.b.len()));
        out
    }

    /// Consumes `r"..."` or `r#"..."#` (after the `r`, `pos` is at `"` or `#`).
    fn raw_string(&mut self) -> String {
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.pos += 1; // the opening quote
        let start = self.pos;
        while self.pos < self.b.len() {
            if self.b[self.pos] == b'"'
                && self.b[self.pos + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes
            {
                let text = self.text(start, self.pos).to_string();
                self.pos += 1 + hashes;
                return text;
            }
            self.pos += 1;
        }
        self.text(start, self.b.len()).to_string()
    }

    fn char_literal(&mut self) {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'\'' => return,
                _ => {}
            }
        }
    }

    /// Consumes one value; records entries for what it contains.
    fn value(&mut self, path: &FieldPath, depth: usize) {
        self.trivia();
        let Some(c) = self.peek() else { return };
        match c {
            b'"' => {
                self.string();
            }
            b'\'' => self.char_literal(),
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#')) => {
                self.pos += 1;
                self.raw_string();
            }
            b'b' if self.peek_at(1) == Some(b'"') => {
                self.pos += 1;
                self.string();
            }
            b'[' if depth < MAX_DEPTH => self.list(path, depth),
            b'{' if depth < MAX_DEPTH => self.map(path, depth),
            b'(' if depth < MAX_DEPTH => self.parens(path, depth, false),
            b'[' => self.skip_balanced(b'[', b']'),
            b'{' => self.skip_balanced(b'{', b'}'),
            b'(' => self.skip_balanced(b'(', b')'),
            _ if Self::is_ident_byte(c) && !c.is_ascii_digit() => {
                self.ident();
                self.trivia();
                if self.peek() == Some(b'(') {
                    if depth < MAX_DEPTH {
                        self.parens(path, depth, true);
                    } else {
                        self.skip_balanced(b'(', b')');
                    }
                }
            }
            _ => {
                // A number or something unexpected: up to the next delimiter.
                let start = self.pos;
                while self.peek().is_some_and(|c| !c.is_ascii_whitespace() && !b",:()[]{}\"".contains(&c)) {
                    self.pos += 1;
                }
                if self.pos == start {
                    self.pos += 1;
                }
            }
        }
    }

    fn record(&mut self, path: &FieldPath, start: usize, value: usize) {
        self.entries.push(Entry { path: path.to_string(), start, value, end: self.pos });
    }

    /// After an item: skips a comma; returns false at the closing delimiter or the end.
    fn after_item(&mut self, close: u8) -> bool {
        self.trivia();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                true
            }
            Some(c) if c == close => true,
            None => false,
            // Missing comma (a syntax error `ron` reports): keep going.
            Some(_) => true,
        }
    }

    /// At a closing delimiter: consumes it and returns true.
    fn close(&mut self, close: u8) -> bool {
        self.trivia();
        match self.peek() {
            Some(c) if c == close => {
                self.pos += 1;
                true
            }
            None => true,
            _ => false,
        }
    }

    fn list(&mut self, path: &FieldPath, depth: usize) {
        self.pos += 1;
        let mut i = 0;
        loop {
            if self.close(b']') {
                return;
            }
            let start = self.pos;
            let item = path.index(i);
            self.value(&item, depth + 1);
            if self.pos == start {
                self.pos += 1;
                continue;
            }
            self.record(&item, start, start);
            i += 1;
            if !self.after_item(b']') {
                return;
            }
        }
    }

    fn map(&mut self, path: &FieldPath, depth: usize) {
        self.pos += 1;
        let mut seen = BTreeSet::new();
        loop {
            if self.close(b'}') {
                return;
            }
            let start = self.pos;
            let key = match self.peek() {
                Some(b'"') => self.string(),
                Some(b'r') if matches!(self.peek_at(1), Some(b'"' | b'#')) => {
                    self.pos += 1;
                    self.raw_string()
                }
                _ => {
                    self.value(path, depth + 1);
                    self.text(start, self.pos).trim().to_string()
                }
            };
            if self.pos == start {
                self.pos += 1;
                continue;
            }
            let entry = path.key(&key);
            if !seen.insert(key) {
                self.duplicates.push((entry.to_string(), start));
            }
            self.trivia();
            if self.peek() == Some(b':') {
                self.pos += 1;
            }
            self.trivia();
            let value = self.pos;
            self.value(&entry, depth + 1);
            self.record(&entry, start, value);
            if !self.after_item(b'}') {
                return;
            }
        }
    }

    /// Whether the parenthesised body starting here holds `name: value` fields.
    fn looks_like_fields(&self) -> bool {
        let mut p = self.pos;
        while self.b.get(p).is_some_and(|c| c.is_ascii_whitespace()) {
            p += 1;
        }
        let id_start = p;
        if self.b.get(p) == Some(&b'"') {
            // A quoted field name (a mistake `ron` reports; the path still helps).
            p += 1;
            while self.b.get(p).is_some_and(|&c| c != b'"' && c != b'\n') {
                p += 1;
            }
            if self.b.get(p) != Some(&b'"') {
                return false;
            }
            p += 1;
        } else {
            while self.b.get(p).is_some_and(|&c| Self::is_ident_byte(c)) {
                p += 1;
            }
            if p == id_start || self.b[id_start].is_ascii_digit() {
                return false;
            }
        }
        while self.b.get(p).is_some_and(|c| c.is_ascii_whitespace()) {
            p += 1;
        }
        self.b.get(p) == Some(&b':') && self.b.get(p + 1) != Some(&b':')
    }

    /// `(field: value, ...)` or `(value, ...)`. After an identifier (`Some(x)`, `Name(...)`)
    /// a tuple's first item shares the enclosing path, so `Some(...)` is transparent.
    fn parens(&mut self, path: &FieldPath, depth: usize, named: bool) {
        self.pos += 1;
        self.trivia();
        if self.looks_like_fields() {
            loop {
                if self.close(b')') {
                    return;
                }
                let start = self.pos;
                let quoted = self.peek() == Some(b'"');
                if !quoted && !self.peek().is_some_and(Self::is_ident_byte) {
                    // Not a field name: skip one value so the scan moves on.
                    self.value(path, depth + 1);
                    if self.pos == start {
                        self.pos += 1;
                    }
                    self.after_item(b')');
                    continue;
                }
                let name = if quoted { self.string() } else { self.ident().to_string() };
                let field = path.field(&name);
                self.trivia();
                if self.peek() == Some(b':') {
                    self.pos += 1;
                }
                self.trivia();
                let value = self.pos;
                self.value(&field, depth + 1);
                self.record(&field, start, value);
                if !self.after_item(b')') {
                    return;
                }
            }
        }
        let mut i = 0;
        loop {
            if self.close(b')') {
                return;
            }
            let start = self.pos;
            let item = if named && i == 0 { path.clone() } else { path.index(i) };
            self.value(&item, depth + 1);
            if self.pos == start {
                self.pos += 1;
                continue;
            }
            if item != *path {
                self.record(&item, start, start);
            }
            i += 1;
            if !self.after_item(b')') {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"#![enable(implicit_some)]
// a comment with (parens) and "quotes"
Scenario(
    name: "x", /* block /* nested */ comment */
    nodes: [
        (name: "a", labels: {"kubernetes.io/os": "linux", "k": "v"}),
        (
            name: "b",
            taints: [(key: "k", effect: "NoSchedule")],
        ),
    ],
    timeline: [(at: "1h", node: Some("b"), event: Silent)],
)
"#;

    #[test]
    fn paths_render_like_field_accessors() {
        let p = FieldPath::root().field("nodes").index(2).field("labels").key("kubernetes.io/os");
        assert_eq!(p.to_string(), r#"nodes[2].labels["kubernetes.io/os"]"#);
        assert_eq!(p.parent().unwrap().to_string(), "nodes[2].labels");
    }

    #[test]
    fn values_are_found_by_path() {
        let map = SourceMap::new(SRC);
        let at = |p: &FieldPath| {
            let lc = map.locate(p);
            (lc.line, lc.column)
        };
        let root = FieldPath::root();
        assert_eq!(at(&root.field("name")), (4, 11));
        assert_eq!(at(&root.field("nodes").index(1)), (7, 9));
        assert_eq!(at(&root.field("nodes").index(1).field("taints").index(0).field("effect")), (9, 41));
        assert_eq!(at(&root.field("nodes").index(0).field("labels").key("k")), (6, 64));
        // `Some(...)` is transparent.
        assert_eq!(at(&root.field("timeline").index(0).field("node")), (12, 33));
        // A missing field falls back to the nearest written parent.
        assert_eq!(at(&root.field("nodes").index(0).field("capacity")), (6, 9));
        let key = |p: &FieldPath| {
            let lc = map.locate_key(p);
            (lc.line, lc.column)
        };
        assert_eq!(key(&root.field("nodes").index(0).field("labels").key("k")), (6, 59));
        assert_eq!(key(&root.field("nodes").index(0).field("capacity")), (6, 9));
        assert_eq!(at(&root.field("seed")), (3, 1));
    }

    #[test]
    fn positions_map_back_to_the_innermost_path() {
        let map = SourceMap::new(SRC);
        let off = map.offset_of(9, 40);
        assert_eq!(map.path_at(off), "nodes[1].taints[0].effect");
        let off = map.offset_of(6, 16);
        assert_eq!(map.path_at(off), "nodes[0].name");
    }

    #[test]
    fn repeated_map_keys_are_reported() {
        let map = SourceMap::new("(labels: {\"a\": \"1\",\n \"a\": \"2\"})");
        let dups: Vec<_> = map.duplicate_keys().map(|(p, lc)| (p.to_string(), lc.line, lc.column)).collect();
        assert_eq!(dups, vec![(r#"labels["a"]"#.to_string(), 2, 2)]);
    }

    #[test]
    fn broken_text_still_scans() {
        for src in ["(", "(a: [", "(a: \"unterminated", "(a: r#\"x", "(a: {\"k\" \"v\"}", ")))", "(a: 'x"] {
            let map = SourceMap::new(src);
            let _ = map.path_at(src.len());
        }
    }
}
