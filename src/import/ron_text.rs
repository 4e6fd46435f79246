//! A small scanner over RON text that splits a struct's fields and a list's entries without
//! parsing them, so that parts of the default scenario can be carried into a composed
//! scenario word for word, comments included.

/// What the scanner is inside of at a given byte.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Str,
    RawStr(usize),
    LineComment,
    BlockComment(usize),
}

/// Splits `text` (the inside of a bracketed value, brackets excluded) at the commas that are
/// at depth 0 and outside strings and comments. Each part keeps its leading comments and
/// blanks; a trailing part holding nothing but blanks and comments is dropped.
pub(crate) fn split_top_level(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut parts = Vec::new();
    let mut depth: i64 = 0;
    let mut state = State::Code;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match state {
            State::Code => match b {
                b'"' => state = State::Str,
                b'r' if matches!(next, Some(b'"' | b'#')) && !ident_before(bytes, i) => {
                    let hashes = bytes[i + 1..].iter().take_while(|&&c| c == b'#').count();
                    if bytes.get(i + 1 + hashes) == Some(&b'"') {
                        state = State::RawStr(hashes);
                        i += hashes + 1;
                    }
                }
                b'/' if next == Some(b'/') => {
                    state = State::LineComment;
                    i += 1;
                }
                b'/' if next == Some(b'*') => {
                    state = State::BlockComment(1);
                    i += 1;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    parts.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            },
            State::Str => match b {
                b'\\' => i += 1,
                b'"' => state = State::Code,
                _ => {}
            },
            State::RawStr(hashes) => {
                if b == b'"' && bytes[i + 1..].iter().take(hashes).filter(|&&c| c == b'#').count() == hashes {
                    state = State::Code;
                    i += hashes;
                }
            }
            State::LineComment => {
                if b == b'\n' {
                    state = State::Code;
                }
            }
            State::BlockComment(n) => {
                if b == b'*' && next == Some(b'/') {
                    state = if n == 1 { State::Code } else { State::BlockComment(n - 1) };
                    i += 1;
                } else if b == b'/' && next == Some(b'*') {
                    state = State::BlockComment(n + 1);
                    i += 1;
                }
            }
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts.into_iter().filter(|p| !strip_comments(p).trim().is_empty()).collect()
}

fn ident_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

/// `text` with its comments replaced by blanks of the same byte length (line breaks kept),
/// so that offsets into the result are offsets into `text`.
pub(crate) fn strip_comments(text: &str) -> String {
    fn blank(out: &mut String, c: char) {
        if c == '\n' {
            out.push('\n');
        } else {
            out.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if c == '\\' {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_str = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                blank(&mut out, c);
                while let Some(&n) = chars.peek() {
                    if n == '\n' {
                        break;
                    }
                    blank(&mut out, n);
                    chars.next();
                }
            }
            ('/', Some('*')) => {
                blank(&mut out, c);
                let star = chars.next().unwrap_or('*');
                blank(&mut out, star);
                let mut depth = 1;
                let mut prev = ' ';
                for n in chars.by_ref() {
                    blank(&mut out, n);
                    if prev == '*' && n == '/' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                        prev = ' ';
                        continue;
                    }
                    if prev == '/' && n == '*' {
                        depth += 1;
                        prev = ' ';
                        continue;
                    }
                    prev = n;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A top-level field of a scenario file as written: its name and its whole text (leading
/// comments, `name:` and value).
pub(crate) struct Field<'a> {
    pub(crate) name: String,
    pub(crate) text: &'a str,
}

impl<'a> Field<'a> {
    /// The value's text: everything after the first `:` outside comments.
    pub(crate) fn value(&self) -> &'a str {
        match colon_offset(self.text) {
            Some(colon) => &self.text[colon + 1..],
            None => "",
        }
    }
}

/// Byte offset of the first `:` of `text` that is outside comments and strings.
fn colon_offset(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b':' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The fields of a scenario file's top-level struct (`Scenario( ... )` or `( ... )`), in file
/// order, and the text before the struct (its leading comments).
pub(crate) fn scenario_fields(source: &str) -> Result<(&str, Vec<Field<'_>>), String> {
    let stripped = strip_comments(source);
    let open = stripped.find('(').ok_or("no opening parenthesis")?;
    let close = stripped.rfind(')').ok_or("no closing parenthesis")?;
    if close <= open {
        return Err("unbalanced parentheses".into());
    }
    let inner = &source[open + 1..close];
    let mut fields = Vec::new();
    for part in split_top_level(inner) {
        let clean = strip_comments(part);
        let name = clean.split(':').next().unwrap_or("").trim().to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("cannot read a field name in {:?}", clean.trim()));
        }
        fields.push(Field { name, text: part });
    }
    // The text before the opening parenthesis, without the struct name.
    let head_end = source[..open].rfind("Scenario").filter(|&i| stripped[i..open].trim() == "Scenario");
    Ok((&source[..head_end.unwrap_or(open)], fields))
}

/// The entries of a list value (`[ a, b, ]`), each with its leading comments.
pub(crate) fn list_entries(value: &str) -> Result<Vec<&str>, String> {
    let stripped = strip_comments(value);
    let open = stripped.find('[').ok_or("expected a list in [ ]")?;
    let close = stripped.rfind(']').ok_or("expected a list in [ ]")?;
    if close < open {
        return Err("unbalanced brackets".into());
    }
    Ok(split_top_level(&value[open + 1..close]))
}

/// An entry's text with leading blank lines removed and trailing blanks trimmed.
pub(crate) fn tidy(entry: &str) -> &str {
    let trimmed = entry.trim_end();
    let mut start = 0;
    for line in trimmed.split_inclusive('\n') {
        if line.trim().is_empty() {
            start += line.len();
        } else {
            break;
        }
    }
    &trimmed[start..]
}

/// The fields of one struct entry (`( ... )` or `Kind( ... )`), name to value text with comments
/// blanked; `None` when the text is not a parenthesised entry.
pub(crate) fn entry_fields(entry: &str) -> Option<std::collections::BTreeMap<String, String>> {
    let stripped = strip_comments(entry);
    let open = stripped.find('(')?;
    let close = stripped.rfind(')')?;
    let mut out = std::collections::BTreeMap::new();
    for field in split_top_level(stripped.get(open + 1..close)?) {
        let (key, value) = field.split_once(':')?;
        out.insert(key.trim().to_string(), value.trim().to_string());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_fields_and_entries_keeping_comments() {
        let src = "// head\nScenario(\n    name: \"a,b\", // x, y\n    list: [\n        // first\n        (at: \"1h\", s: r#\"q,\"#),\n        (at: \"2h\"), /* c, d */\n    ],\n)\n";
        let (head, fields) = scenario_fields(src).unwrap();
        assert_eq!(head, "// head\n");
        let names: Vec<_> = fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["name", "list"]);
        assert_eq!(fields[0].value().trim(), "\"a,b\"");
        let entries = list_entries(fields[1].value()).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(tidy(entries[0]), "        // first\n        (at: \"1h\", s: r#\"q,\"#)");
        assert_eq!(tidy(entries[1]).trim(), "(at: \"2h\")");
    }
}
