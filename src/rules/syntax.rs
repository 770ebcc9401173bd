//! The pattern's JSON text → a small syntax tree.
//!
//! A hand-written parser rather than `serde_json::Value` because event-pattern semantics
//! depend on things `Value` throws away: key order (a later duplicate path overrides an
//! earlier one, also across `$or`), duplicate keys themselves, the literal text of numbers
//! (`[123456789012345678]` is compared by its text, not as an `f64`) and byte offsets for
//! error positions. Error wording follows Jackson's, which is what AWS reports.

use super::error::PatternError;

/// One JSON value of the pattern, with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    /// The number exactly as written (already checked against the JSON grammar).
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in text order, duplicates kept.
    Object(Vec<Member>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub(crate) key: String,
    pub(crate) value: Node,
}

impl Node {
    /// The token text Jackson's `getText()` would give for this value's first token; used in
    /// messages such as `Invalid member in numeric match: <token>`.
    pub(crate) fn token_text(&self) -> String {
        match &self.kind {
            NodeKind::Null => "null".to_owned(),
            NodeKind::Bool(b) => b.to_string(),
            NodeKind::Number(raw) => raw.clone(),
            NodeKind::String(s) => s.clone(),
            NodeKind::Array(_) => "[".to_owned(),
            NodeKind::Object(_) => "{".to_owned(),
        }
    }
}

/// Parses `text` as one JSON value. `max_depth` bounds nesting so hostile input cannot
/// exhaust the stack (the parser is recursive).
pub(crate) fn parse(text: &str, max_depth: usize) -> Result<Node, PatternError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        max_depth,
    };
    // Jackson skips a UTF-8 byte-order mark.
    if text.starts_with('\u{feff}') {
        parser.pos = '\u{feff}'.len_utf8();
    }
    parser.skip_ws();
    if parser.pos >= parser.bytes.len() {
        return Err(parser.error_at(parser.pos, "No content to map due to end-of-input"));
    }
    let node = parser.value(0)?;
    parser.skip_ws();
    if parser.pos < parser.bytes.len() {
        let found = parser.describe_char(parser.pos);
        return Err(parser.error_at(
            parser.pos,
            &format!("Unexpected character ({found}): expected end of input after the pattern"),
        ));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    max_depth: usize,
}

const VALUE_EXPECTED: &str =
    "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

impl Parser<'_> {
    fn error_at(&self, offset: usize, message: &str) -> PatternError {
        PatternError::syntax(message, self.text, offset)
    }

    /// Jackson's rendering of an offending character: `'x' (code 120)`.
    fn describe_char(&self, offset: usize) -> String {
        match self.text.get(offset..).and_then(|rest| rest.chars().next()) {
            Some(c) if (c as u32) < 0x20 => format!("(CTRL-CHAR, code {})", c as u32),
            Some(c) => format!("'{c}' (code {})", c as u32),
            None => "end-of-input".to_owned(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> Result<Node, PatternError> {
        let offset = self.pos;
        let Some(b) = self.peek() else {
            return Err(self.error_at(
                offset,
                &format!("Unexpected end-of-input: {VALUE_EXPECTED}"),
            ));
        };
        let kind = match b {
            b'{' => self.object(depth)?,
            b'[' => self.array(depth)?,
            b'"' => NodeKind::String(self.string()?),
            b'-' | b'0'..=b'9' => NodeKind::Number(self.number()?),
            b't' | b'f' | b'n' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.literal()?,
            _ => {
                let found = self.describe_char(offset);
                return Err(self.error_at(
                    offset,
                    &format!("Unexpected character ({found}): {VALUE_EXPECTED}"),
                ));
            }
        };
        Ok(Node { kind, offset })
    }

    fn enter(&self, depth: usize) -> Result<(), PatternError> {
        if depth >= self.max_depth {
            return Err(self.error_at(
                self.pos,
                &format!("Pattern nesting is deeper than {} levels", self.max_depth),
            ));
        }
        Ok(())
    }

    fn object(&mut self, depth: usize) -> Result<NodeKind, PatternError> {
        self.enter(depth)?;
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(NodeKind::Object(members));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                None => {
                    return Err(self.error_at(
                        self.pos,
                        "Unexpected end-of-input: expected close marker for Object",
                    ))
                }
                Some(_) => {
                    let found = self.describe_char(self.pos);
                    return Err(self.error_at(
                        self.pos,
                        &format!("Unexpected character ({found}): was expecting double-quote to start field name"),
                    ));
                }
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.pos += 1,
                None => {
                    return Err(self.error_at(
                        self.pos,
                        "Unexpected end-of-input: expected close marker for Object",
                    ))
                }
                Some(_) => {
                    let found = self.describe_char(self.pos);
                    return Err(self.error_at(
                        self.pos,
                        &format!(
                            "Unexpected character ({found}): was expecting a colon to separate field name and value"
                        ),
                    ));
                }
            }
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push(Member { key, value });
            self.skip_ws();
            if self.comma_or_close(b'}', "Object")? {
                return Ok(NodeKind::Object(members));
            }
        }
    }

    /// After a member or an item: `,` goes on (`false`), the closing bracket ends the
    /// container (`true`); anything else is Jackson's error for that container.
    fn comma_or_close(&mut self, close: u8, container: &str) -> Result<bool, PatternError> {
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            None => Err(self.error_at(
                self.pos,
                &format!("Unexpected end-of-input: expected close marker for {container}"),
            )),
            Some(_) => {
                let found = self.describe_char(self.pos);
                Err(self.error_at(
                    self.pos,
                    &format!("Unexpected character ({found}): was expecting comma to separate {container} entries"),
                ))
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<NodeKind, PatternError> {
        self.enter(depth)?;
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(NodeKind::Array(items));
        }
        loop {
            self.skip_ws();
            if self.peek().is_none() {
                return Err(self.error_at(
                    self.pos,
                    "Unexpected end-of-input: expected close marker for Array",
                ));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            if self.comma_or_close(b']', "Array")? {
                return Ok(NodeKind::Array(items));
            }
        }
    }

    fn literal(&mut self) -> Result<NodeKind, PatternError> {
        let start = self.pos;
        let mut end = start;
        // Jackson reports the whole run of token characters: `Unrecognized token 'nul'`.
        for (i, c) in self.text[start..].char_indices() {
            if c.is_alphanumeric() || c == '_' {
                end = start + i + c.len_utf8();
            } else {
                break;
            }
        }
        let word = &self.text[start..end];
        let kind = match word {
            "true" => NodeKind::Bool(true),
            "false" => NodeKind::Bool(false),
            "null" => NodeKind::Null,
            _ => {
                return Err(self.error_at(
                    start,
                    &format!(
                        "Unrecognized token '{word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
                    ),
                ))
            }
        };
        self.pos = end;
        Ok(kind)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<String, PatternError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                let found = self.describe_char(self.pos);
                return Err(self.error_at(
                    self.pos,
                    &format!(
                        "Unexpected character ({found}) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value"
                    ),
                ));
            }
        }
        let int_start = self.pos;
        let int_len = self.digits();
        if int_len > 1 && self.bytes[int_start] == b'0' {
            return Err(self.error_at(
                int_start,
                "Invalid numeric value: Leading zeroes not allowed",
            ));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                let found = self.describe_char(self.pos);
                return Err(self.error_at(
                    self.pos,
                    &format!("Unexpected character ({found}) in numeric value: Decimal point not followed by a digit"),
                ));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                let found = self.describe_char(self.pos);
                return Err(self.error_at(
                    self.pos,
                    &format!("Unexpected character ({found}) in numeric value: Exponent indicator not followed by a digit"),
                ));
            }
        }
        Ok(self.text[start..self.pos].to_owned())
    }

    fn hex4(&mut self) -> Result<u32, PatternError> {
        let mut value = 0u32;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.error_at(
                    self.pos,
                    "Unexpected end-of-input in character escape sequence",
                ));
            };
            let digit = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => {
                    let found = self.describe_char(self.pos);
                    return Err(self.error_at(
                        self.pos,
                        &format!("Unexpected character ({found}): expected a hex-digit for character escape sequence"),
                    ));
                }
            };
            value = value * 16 + u32::from(digit);
            self.pos += 1;
        }
        Ok(value)
    }

    fn string(&mut self) -> Result<String, PatternError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            // Copy the run of ordinary characters in one go.
            let run_start = self.pos;
            while let Some(&b) = self.bytes.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.text[run_start..self.pos]);
            match self.peek() {
                None => {
                    return Err(self.error_at(self.pos, "Unexpected end-of-input in a String value"))
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(esc) = self.peek() else {
                        return Err(self.error_at(
                            self.pos,
                            "Unexpected end-of-input in character escape sequence",
                        ));
                    };
                    self.pos += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            out.push(self.finish_unicode_escape(unit)?);
                        }
                        _ => {
                            let found = self.describe_char(self.pos - 1);
                            return Err(self.error_at(
                                self.pos - 1,
                                &format!("Unrecognized character escape {found}"),
                            ));
                        }
                    }
                }
                Some(_) => {
                    let found = self.describe_char(self.pos);
                    return Err(self.error_at(
                        self.pos,
                        &format!(
                            "Illegal unquoted character ({found}): has to be escaped using backslash to be included in string value"
                        ),
                    ));
                }
            }
        }
    }

    /// Combines a `\uD83D\uDE80` surrogate pair. A lone surrogate, which Jackson keeps as an
    /// unpaired UTF-16 unit, cannot live in a Rust string: it becomes U+FFFD.
    fn finish_unicode_escape(&mut self, unit: u32) -> Result<char, PatternError> {
        if (0xD800..0xDC00).contains(&unit)
            && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
        {
            let save = self.pos;
            self.pos += 2;
            let low = self.hex4()?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{fffd}'));
            }
            self.pos = save;
        }
        Ok(char::from_u32(unit).unwrap_or('\u{fffd}'))
    }
}
