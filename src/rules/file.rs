//! Rule sets as JSON text: the one format of browser storage, shared links and rules
//! files.
//!
//! A rules file is an array of `{"name", "pattern", "enabled"}`. Patterns that are JSON
//! objects are written as objects (so each pastes into AWS unchanged), re-laid out token
//! by token and never re-serialised: a pattern's meaning can depend on its key order,
//! duplicate keys and number spelling. An invalid pattern is written as a JSON string, so
//! it survives the round trip as it was.
//!
//! Entry points: [`parse_file`] → [`ParsedRule`]s or a [`FileError`]; [`name_rules`] →
//! [`RuleSpec`]s; [`print_file`] in a [`FileLayout`].

use std::fmt;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::TextPosition;
use super::RuleSpec;
use crate::json_layout::{relayout, JsonLayout};

/// A rule read from JSON; unnamed ones (bare patterns) are named by [`name_rules`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRule {
    pub name: Option<String>,
    pub pattern: String,
    pub enabled: bool,
}

/// How [`print_file`] lays the rule array out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileLayout {
    /// Patterns exactly as written (browser storage).
    Verbatim,
    /// No whitespace outside strings (the page address).
    Compact,
    /// Indented, for people and for pasting into AWS (exported files).
    Pretty,
}

/// Why a text is not a rules file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    kind: FileErrorKind,
    position: TextPosition,
}

/// What kind of problem a [`FileError`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileErrorKind {
    /// The text is not JSON (`nope`); holds serde_json's reason.
    NotJson(String),
    /// JSON, but neither an array nor an object (`"rules"`).
    NotAList,
    /// An item that is JSON but cannot be read, e.g. a pattern string holding a lone
    /// surrogate escape (`{"name": "a", "pattern": "\ud800"}`); holds serde_json's reason.
    Unreadable(String),
    /// An array item that is neither a rule nor a pattern object (`[1]`); `item` counts
    /// from 1.
    NotARule { item: usize },
}

impl FileError {
    pub fn kind(&self) -> &FileErrorKind {
        &self.kind
    }

    /// Where in the text the problem is: the failing JSON token, or the start of the
    /// item that is not a rule.
    pub fn position(&self) -> TextPosition {
        self.position
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FileErrorKind::NotJson(reason) => write!(f, "not JSON: {reason}"),
            FileErrorKind::NotAList => {
                f.write_str("expected a JSON array of rules or of event patterns")
            }
            FileErrorKind::Unreadable(reason) => f.write_str(reason),
            FileErrorKind::NotARule { item } => write!(
                f,
                "item {item} is neither a rule ({{\"name\", \"pattern\", \"enabled\"}}) nor an event pattern object"
            ),
        }
    }
}

impl std::error::Error for FileError {}

#[derive(Deserialize)]
struct Entry {
    name: String,
    pattern: Box<RawValue>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// Reads an array of rules (`{"name", "pattern", "enabled"}`, the pattern an object or
/// its text as a string) or of bare pattern objects, or one of either.
pub fn parse_file(file: &str) -> Result<Vec<ParsedRule>, FileError> {
    let text = file.trim_start_matches('\u{feff}').trim();
    // Every slice below borrows from `file`, so its offset there is where it is.
    let at = |slice: &str| TextPosition::locate(file, offset_in(file, slice));
    let json_error = |e: serde_json::Error, within: &str| FileError {
        kind: FileErrorKind::NotJson(e.to_string()),
        position: TextPosition::locate(file, offset_in(file, within) + error_offset(within, &e)),
    };
    let top: &RawValue = serde_json::from_str(text).map_err(|e| json_error(e, text))?;
    let items: Vec<&RawValue> = if top.get().starts_with('[') {
        serde_json::from_str(top.get()).map_err(|e| FileError {
            kind: FileErrorKind::Unreadable(e.to_string()),
            position: at(top.get()),
        })?
    } else if top.get().starts_with('{') {
        vec![top]
    } else {
        return Err(FileError {
            kind: FileErrorKind::NotAList,
            position: at(top.get()),
        });
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let raw = item.get().trim();
            if let Ok(entry) = serde_json::from_str::<Entry>(raw) {
                let pattern = entry.pattern.get().trim();
                let pattern = if pattern.starts_with('"') {
                    serde_json::from_str::<String>(pattern).map_err(|e| FileError {
                        kind: FileErrorKind::Unreadable(e.to_string()),
                        position: at(raw),
                    })?
                } else {
                    pattern.to_owned()
                };
                let name = entry.name.trim();
                Ok(ParsedRule {
                    name: (!name.is_empty()).then(|| name.to_owned()),
                    pattern,
                    enabled: entry.enabled,
                })
            } else if raw.starts_with('{') {
                Ok(ParsedRule {
                    name: None,
                    pattern: relayout(raw, JsonLayout::pattern(0)),
                    enabled: true,
                })
            } else {
                Err(FileError {
                    kind: FileErrorKind::NotARule { item: i + 1 },
                    position: at(raw),
                })
            }
        })
        .collect()
}

/// The byte offset of `slice` within `outer`, which it borrows from (0 if it does not).
fn offset_in(outer: &str, slice: &str) -> usize {
    (slice.as_ptr() as usize)
        .checked_sub(outer.as_ptr() as usize)
        .filter(|&offset| offset <= outer.len())
        .unwrap_or(0)
}

/// The byte offset in `text` of serde_json's line and column (1-based; the column counts
/// bytes, and is 0 before a line's first byte).
fn error_offset(text: &str, e: &serde_json::Error) -> usize {
    let line_start = match e.line() {
        0 | 1 => 0,
        line => text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    line_start + e.column().saturating_sub(1)
}

/// Names unnamed rules "imported 1", "imported 2", … avoiding the names in `taken` and
/// in the list itself; within the list a later rule replaces an earlier one of its name.
pub fn name_rules(parsed: Vec<ParsedRule>, taken: &[RuleSpec]) -> Vec<RuleSpec> {
    let mut used: Vec<String> = taken
        .iter()
        .map(|r| r.name.clone())
        .chain(parsed.iter().filter_map(|p| p.name.clone()))
        .collect();
    let mut next = 1;
    let mut out: Vec<RuleSpec> = Vec::new();
    for p in parsed {
        let name = p.name.unwrap_or_else(|| {
            while used.contains(&format!("imported {next}")) {
                next += 1;
            }
            let name = format!("imported {next}");
            used.push(name.clone());
            name
        });
        let rule = RuleSpec {
            name,
            pattern: p.pattern,
            enabled: p.enabled,
        };
        match out.iter().position(|r| r.name == rule.name) {
            Some(i) => out[i] = rule,
            None => out.push(rule),
        }
    }
    out
}

/// The rule array as JSON; patterns that are JSON objects are written as objects.
pub fn print_file(rules: &[RuleSpec], layout: FileLayout) -> String {
    let mut out = String::from("[");
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let name = json_string(&r.name);
        let pattern = pattern_json(&r.pattern, layout);
        if layout == FileLayout::Pretty {
            out.push_str(&format!(
                "\n  {{\n    \"name\": {name},\n    \"pattern\": {pattern},\n    \"enabled\": {}\n  }}",
                r.enabled
            ));
        } else {
            out.push_str(&format!(
                "{{\"name\":{name},\"pattern\":{pattern},\"enabled\":{}}}",
                r.enabled
            ));
        }
    }
    if layout == FileLayout::Pretty && !rules.is_empty() {
        out.push('\n');
    }
    out.push(']');
    out
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A pattern for a rule array: its text when that is a JSON object, else a JSON string
/// holding the text.
fn pattern_json(text: &str, layout: FileLayout) -> String {
    let text = text.trim();
    let is_object = text.starts_with('{') && serde_json::from_str::<&RawValue>(text).is_ok();
    if !is_object {
        return json_string(text);
    }
    match layout {
        FileLayout::Verbatim => text.to_owned(),
        FileLayout::Compact => relayout(text, JsonLayout::Compact),
        FileLayout::Pretty => relayout(text, JsonLayout::pattern(2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, pattern: &str, enabled: bool) -> RuleSpec {
        RuleSpec {
            name: name.to_owned(),
            pattern: pattern.to_owned(),
            enabled,
        }
    }

    #[test]
    fn rule_arrays_round_trip_in_every_layout() {
        let rules = vec![
            spec(
                "a",
                "{\n  \"b\": [1.50, \"x y\"],\n  \"b\": [\"dup\"]\n}",
                true,
            ),
            spec("broken", "{\"a\":", false),
            spec(
                "quote \" and & = #",
                "{\"c\":[{\"prefix\":\"\\\"\"}]}",
                true,
            ),
        ];
        for layout in [
            FileLayout::Verbatim,
            FileLayout::Compact,
            FileLayout::Pretty,
        ] {
            let text = print_file(&rules, layout);
            let back = name_rules(parse_file(&text).unwrap(), &[]);
            assert_eq!(back.len(), 3);
            for (a, b) in rules.iter().zip(&back) {
                assert_eq!(a.name, b.name);
                assert_eq!(a.enabled, b.enabled);
                // Same tokens: key order, duplicates and number spelling kept.
                assert_eq!(
                    relayout(&a.pattern, JsonLayout::Compact),
                    relayout(&b.pattern, JsonLayout::Compact)
                );
            }
            if layout == FileLayout::Verbatim {
                assert_eq!(back, rules);
            }
        }
        // Patterns are objects in files (pastable into AWS), strings only when invalid.
        let v: serde_json::Value =
            serde_json::from_str(&print_file(&rules, FileLayout::Pretty)).unwrap();
        assert!(v[0]["pattern"].is_object());
        assert!(v[1]["pattern"].is_string());
    }

    #[test]
    fn pretty_files_indent_patterns_inside_the_array() {
        let rules = [spec("a", r#"{"source":["aws.s3"],"detail":{}}"#, false)];
        assert_eq!(
            print_file(&rules, FileLayout::Pretty),
            "[\n  {\n    \"name\": \"a\",\n    \"pattern\": {\n      \"source\": [\"aws.s3\"],\n      \"detail\": {}\n    },\n    \"enabled\": false\n  }\n]"
        );
        assert_eq!(print_file(&[], FileLayout::Pretty), "[]");
    }

    #[test]
    fn bare_patterns_are_named_imported_n() {
        let parsed = parse_file(r#"[{"source":["aws.s3"]}, {"detail":{"x":[1]}}]"#).unwrap();
        let named = name_rules(parsed, &[spec("imported 1", "{}", true)]);
        let names: Vec<_> = named.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["imported 2", "imported 3"]);
        assert!(parse_file("[1]").is_err());
        assert!(parse_file("nope").is_err());
        assert_eq!(parse_file(r#"{"source":["aws.s3"]}"#).unwrap().len(), 1);
    }

    #[test]
    fn a_later_rule_replaces_an_earlier_one_of_its_name() {
        let parsed = parse_file(
            r#"[{"name":" a ","pattern":"{}"},{"name":"a","pattern":"x","enabled":false}]"#,
        )
        .unwrap();
        assert_eq!(parsed[0].name.as_deref(), Some("a"));
        assert_eq!(name_rules(parsed, &[]), [spec("a", "x", false)]);
    }

    #[test]
    fn errors_say_what_and_where() {
        let error = |text: &str| {
            let e = parse_file(text).unwrap_err();
            let p = e.position();
            (e.to_string(), p.line, p.column)
        };
        assert_eq!(
            error("\u{feff}\n  nope"),
            (
                "not JSON: expected ident at line 1 column 2".to_owned(),
                2,
                4
            )
        );
        assert_eq!(
            error("[\n  {\"source\": [\"a\"]},\n]"),
            (
                "not JSON: expected value at line 3 column 1".to_owned(),
                3,
                1
            )
        );
        assert_eq!(
            error("\"rules\""),
            (
                "expected a JSON array of rules or of event patterns".to_owned(),
                1,
                1
            )
        );
        assert_eq!(
            error("[{\"source\": [\"a\"]},\n 1]"),
            (
                "item 2 is neither a rule ({\"name\", \"pattern\", \"enabled\"}) nor an event pattern object"
                    .to_owned(),
                2,
                2
            )
        );
        let e = parse_file(r#"[{"name": "a", "pattern": "\ud800"}]"#).unwrap_err();
        assert!(matches!(e.kind(), FileErrorKind::Unreadable(_)), "{e:?}");
        assert_eq!(e.position().offset, 1);
        assert!(matches!(
            parse_file("").unwrap_err().kind(),
            FileErrorKind::NotJson(_)
        ));
    }
}
