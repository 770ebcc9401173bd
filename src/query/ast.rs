//! The syntax tree: what the user typed, as strings only. Nothing here knows the store;
//! [`super::compile`] binds a tree to one.
//!
//! Entry point: [`Ast`]. Its `Display` prints canonical query text that parses back to
//! the same tree (the parser's round-trip property test relies on it).

use std::fmt::{self, Write as _};

use serde::{Serialize, Serializer};

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ast {
    /// Every event: the empty query, or a bare `*`.
    All,
    /// All of these (explicit `AND`, or terms side by side). Never fewer than two.
    And(Vec<Ast>),
    /// Any of these. Never fewer than two.
    Or(Vec<Ast>),
    /// `NOT x`, `-x`.
    Not(Box<Ast>),
    /// `field:value`, `field:"a phrase"`, `field:Create*`.
    Term { field: Field, value: Value },
    /// `field:[lower TO upper]`, `field:{lower TO upper}`, `field:>=lower`.
    Range {
        field: Field,
        lower: Bound,
        upper: Bound,
    },
    /// `_exists_:field`, `field:*`.
    Exists { field: Field },
    /// A bare word or phrase: free text over the record's string values.
    Text { value: Value },
}

/// A field as typed: one name (`eventName`, an alias or a top-level key) or a dotted path
/// (`requestParameters.bucketName`). Segments are unescaped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field(pub Vec<String>);

/// A term's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// Literal text (a word without wildcards, or a phrase).
    Text(String),
    /// A wildcard pattern: `*` is any run of characters, `?` exactly one; `\*`, `\?` and
    /// `\\` stand for the literal characters (no other escapes occur).
    Pattern(String),
}

/// One end of a range, as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// `*`: open.
    Unbounded,
    /// `[x` or `x]`, `>=x`, `<=x`.
    Included(String),
    /// `{x` or `x}`, `>x`, `<x`.
    Excluded(String),
}

impl Ast {
    /// Whether every event this query matches certainly matches `previous` too (a
    /// conservative test: `false` when unsure). True when each of `previous`'s `AND`ed
    /// conditions is one of this query's, or a free-text word this query extends
    /// (`denied` narrows `deni`), or an `OR` one of whose branches is such.
    pub fn narrows(&self, previous: &Ast) -> bool {
        let mine = conjuncts(self);
        conjuncts(previous)
            .iter()
            .all(|p| mine.iter().any(|m| implies(m, p)))
    }
}

fn conjuncts(ast: &Ast) -> Vec<&Ast> {
    match ast {
        Ast::All => Vec::new(),
        Ast::And(items) => items.iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

/// `m` matching an event implies `p` matching it.
fn implies(m: &Ast, p: &Ast) -> bool {
    match (m, p) {
        _ if m == p => true,
        (_, Ast::Or(branches)) => branches.iter().any(|b| implies(m, b)),
        (
            Ast::Text {
                value: Value::Text(longer),
            },
            Ast::Text {
                value: Value::Text(shorter),
            },
        ) => longer
            .to_ascii_lowercase()
            .contains(&shorter.to_ascii_lowercase()),
        _ => false,
    }
}

impl Field {
    pub fn new<S: Into<String>>(segments: impl IntoIterator<Item = S>) -> Self {
        Field(segments.into_iter().map(Into::into).collect())
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

impl Bound {
    /// The bound's text, `None` when open.
    pub fn text(&self) -> Option<&str> {
        match self {
            Bound::Unbounded => None,
            Bound::Included(s) | Bound::Excluded(s) => Some(s),
        }
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// --- printing

/// Characters that end a word or change its meaning anywhere in it. A `:` also does,
/// except in a field's value (after `field:`, or in a range), where it is read as text:
/// see [`Place`].
fn always_escaped(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\\' | '[' | ']' | '{' | '}')
}

/// Where a word is printed: where a `:` would make it a field name (free text, a field
/// name), or in a field's value, where the lexer reads `:` as text
/// (`userIdentity.arn:arn:aws:iam::1:root`, `eventTime:[2020-09-16T21:15:50Z TO *]`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Free,
    FieldValue,
}

impl Place {
    fn escapes(self, c: char) -> bool {
        always_escaped(c) || (self == Place::Free && c == ':')
    }
}

/// Characters that mean something only at the start of a word.
fn escaped_first(c: char) -> bool {
    matches!(c, '-' | '<' | '>')
}

/// Writes literal text as one word, escaping what the lexer would read specially.
/// `extra` names characters that must also be escaped in this context.
fn write_word(
    out: &mut String,
    text: &str,
    place: Place,
    extra: &dyn Fn(char) -> bool,
    keyword: &[&str],
) {
    let is_keyword = keyword.iter().any(|k| text.eq_ignore_ascii_case(k));
    for (i, c) in text.chars().enumerate() {
        if place.escapes(c) || extra(c) || (i == 0 && (escaped_first(c) || is_keyword)) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Literal text as a phrase when it has spaces (easier to read), else as an escaped word.
fn write_literal(out: &mut String, text: &str, place: Place, keyword: &[&str]) {
    if text.chars().any(char::is_whitespace) {
        out.push('"');
        for c in text.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        write_word(out, text, place, &|c| matches!(c, '*' | '?'), keyword);
    }
}

const KEYWORDS: &[&str] = &["and", "or", "not"];

fn write_value(out: &mut String, value: &Value, place: Place) {
    match value {
        Value::Text(text) => write_literal(out, text, place, KEYWORDS),
        Value::Pattern(pattern) => {
            let mut chars = pattern.chars();
            let mut first = true;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        out.push('\\');
                        if let Some(next) = chars.next() {
                            out.push(next);
                        }
                    }
                    '*' | '?' => out.push(c),
                    c => {
                        if place.escapes(c) || (first && escaped_first(c)) {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                }
                first = false;
            }
        }
    }
}

fn write_bound(out: &mut String, bound: &Bound) {
    match bound.text() {
        None => out.push('*'),
        Some(text) => write_literal(out, text, Place::FieldValue, &["to"]),
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            write_word(
                &mut out,
                segment,
                Place::Free,
                &|c| matches!(c, '.' | '*' | '?'),
                &[],
            );
        }
        f.write_str(&out)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_value(&mut out, self, Place::Free);
        f.write_str(&out)
    }
}

impl fmt::Display for Ast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        write_ast(&mut out, self);
        f.write_str(&out)
    }
}

fn write_child(out: &mut String, ast: &Ast) {
    if matches!(ast, Ast::And(v) | Ast::Or(v) if v.len() > 1) {
        out.push('(');
        write_ast(out, ast);
        out.push(')');
    } else {
        write_ast(out, ast);
    }
}

fn write_ast(out: &mut String, ast: &Ast) {
    match ast {
        Ast::All => out.push('*'),
        Ast::And(items) | Ast::Or(items) if items.is_empty() => {
            out.push_str(if matches!(ast, Ast::And(_)) {
                "*"
            } else {
                "NOT *"
            });
        }
        Ast::And(items) | Ast::Or(items) => {
            let op = if matches!(ast, Ast::And(_)) {
                " AND "
            } else {
                " OR "
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                write_child(out, item);
            }
        }
        Ast::Not(inner) => {
            out.push_str("NOT ");
            write_child(out, inner);
        }
        Ast::Term { field, value } => {
            let _ = write!(out, "{field}:");
            write_value(out, value, Place::FieldValue);
        }
        Ast::Range {
            field,
            lower,
            upper,
        } => {
            let _ = write!(out, "{field}:");
            out.push(if matches!(lower, Bound::Excluded(_)) {
                '{'
            } else {
                '['
            });
            write_bound(out, lower);
            out.push_str(" TO ");
            write_bound(out, upper);
            out.push(if matches!(upper, Bound::Excluded(_)) {
                '}'
            } else {
                ']'
            });
        }
        Ast::Exists { field } => {
            let _ = write!(out, "_exists_:{field}");
        }
        Ast::Text { value } => write_value(out, value, Place::Free),
    }
}
