//! [`relayout`]: JSON text laid out again without touching a token.
//!
//! Works on the text, not on a parsed value, so key order, duplicate keys and number
//! spelling survive (a rule pattern's meaning can depend on them, and a record is shown
//! as it was written). No recursion, so any nesting depth is fine, and invalid JSON just
//! comes out re-spaced rather than failing.

/// How [`relayout`] lays the text out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLayout {
    /// No whitespace outside strings: `{"a":[1,2]}`.
    Compact,
    /// One value per line, indented by two spaces per level starting at `level`; empty
    /// containers stay `{}` / `[]`.
    Indented {
        level: usize,
        /// Arrays of plain values that fit on one line stay there: `["a", "b"]`.
        inline_short_arrays: bool,
    },
}

impl JsonLayout {
    /// Every value on its own line (event records).
    pub const EXPANDED: JsonLayout = JsonLayout::Indented {
        level: 0,
        inline_short_arrays: false,
    };

    /// Short value lists on one line, as AWS shows event patterns; `level` is the
    /// indentation of the pattern's own lines after the first.
    pub const fn pattern(level: usize) -> JsonLayout {
        JsonLayout::Indented {
            level,
            inline_short_arrays: true,
        }
    }
}

/// Indentation stops growing past this depth, so hostile nesting costs linear, not
/// quadratic, output.
const MAX_INDENT: usize = 24;

/// Widest array, in characters, that [`JsonLayout::pattern`] keeps on one line.
const SHORT_ARRAY_CHARS: usize = 72;

/// `text` laid out as `layout` says, every token kept as written.
pub fn relayout(text: &str, layout: JsonLayout) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let (indented, inline_short_arrays, mut depth) = match layout {
        JsonLayout::Compact => (false, false, 0),
        JsonLayout::Indented {
            level,
            inline_short_arrays,
        } => (true, inline_short_arrays, level),
    };
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth.min(MAX_INDENT)));
    };
    let next_token = |from: usize| chars[from..].iter().copied().find(|c| !c.is_whitespace());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                let end = string_end(&chars, i);
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            c if c.is_whitespace() => {}
            '{' | '[' => {
                if indented && inline_short_arrays && c == '[' {
                    if let Some((inline, end)) = short_array(&chars, i) {
                        out.push_str(&inline);
                        i = end;
                        continue;
                    }
                }
                out.push(c);
                if indented && !matches!(next_token(i + 1), Some('}' | ']')) {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                // An empty container closes on its opening line.
                if indented && !out.ends_with(['{', '[']) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                if indented {
                    newline(&mut out, depth);
                }
            }
            ':' => out.push_str(if indented { ": " } else { ":" }),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The index just after the string starting at `start` (a `"`).
fn string_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// An array at `start` holding only plain values and short enough for one line:
/// `["a", "b"]`, and the index just after it.
fn short_array(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut out = String::from("[");
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '"' => {
                let end = string_end(chars, i);
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            '{' | '[' => return None,
            ']' => {
                out.push(']');
                return (out.chars().count() <= SHORT_ARRAY_CHARS).then_some((out, i + 1));
            }
            ',' => out.push_str(", "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expanded_keeps_order_and_strings() {
        let text = r#"{"b":1,"a":{"x":[1, 2],"e":{},"s":"a, {b}: \"c\""}}"#;
        assert_eq!(
            relayout(text, JsonLayout::EXPANDED),
            "{\n  \"b\": 1,\n  \"a\": {\n    \"x\": [\n      1,\n      2\n    ],\n    \"e\": {},\n    \"s\": \"a, {b}: \\\"c\\\"\"\n  }\n}"
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        for layout in [JsonLayout::EXPANDED, JsonLayout::pattern(0)] {
            let pretty = relayout(&deep, layout);
            assert!(
                pretty.len() > 200_000 && pretty.len() < 20_000_000,
                "{}",
                pretty.len()
            );
        }
    }

    #[test]
    fn pattern_keeps_tokens_and_indents() {
        let text = r#"{"a":{"b":["x","y"],"c":[{"numeric":[">",1e3]}],"d":{}, "e":[]}}"#;
        let pretty = relayout(text, JsonLayout::pattern(0));
        assert_eq!(
            pretty,
            "{\n  \"a\": {\n    \"b\": [\"x\", \"y\"],\n    \"c\": [\n      {\n        \"numeric\": [\">\", 1e3]\n      }\n    ],\n    \"d\": {},\n    \"e\": []\n  }\n}"
        );
        assert_eq!(
            relayout(&pretty, JsonLayout::Compact),
            text.replace(", ", ",")
        );
        let valid = r#"{"detail":{"eventName":["A","B"],"x":[{"numeric":[">",1e3]}]}}"#;
        assert!(crate::rules::compile(&relayout(valid, JsonLayout::pattern(0))).is_ok());
    }

    #[test]
    fn pattern_indents_from_its_level_and_wraps_long_arrays() {
        let long = format!(r#"{{"a":["{}","{}"]}}"#, "x".repeat(40), "y".repeat(40));
        let pretty = relayout(&long, JsonLayout::pattern(2));
        assert!(
            pretty.starts_with("{\n      \"a\": [\n        \"xxx"),
            "{pretty}"
        );
        assert!(pretty.ends_with("\"\n      ]\n    }"), "{pretty}");
        assert_eq!(relayout(&pretty, JsonLayout::Compact), long);
    }

    #[test]
    fn compact_drops_whitespace_outside_strings_only() {
        assert_eq!(
            relayout("{ \"a b\" :\n\t[ 1 , \"c : d\" ] }", JsonLayout::Compact),
            r#"{"a b":[1,"c : d"]}"#
        );
    }
}
