//! Display helpers for the UI: numbers, sizes and times as people read them. Pure, so
//! they are tested natively.

use crate::time::{format_iso, EpochMillis};

/// `1,234,567`.
pub fn count(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `12.3 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `2020-09-16 21:20:50` (UTC), or an em dash for no time.
pub fn time(t: Option<EpochMillis>) -> String {
    t.map_or_else(
        || "—".to_owned(),
        |t| {
            format_iso(t)
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_owned()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers() {
        assert_eq!(count(0u32), "0");
        assert_eq!(count(999u32), "999");
        assert_eq!(count(1_234_567u32), "1,234,567");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_500_000), "1.5 MB");
        assert_eq!(time(Some(1_600_291_250_000)), "2020-09-16 21:20:50");
        assert_eq!(time(None), "—");
    }
}

/// Re-indents JSON text for reading, keeping its key order and exact values. Works on the
/// text, so any nesting depth is fine (no recursion), and invalid JSON just comes out
/// re-spaced rather than failing.
pub fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = text.chars().peekable();
    // Indentation stops growing past this depth, so hostile nesting costs linear, not
    // quadratic, output.
    const MAX_INDENT: usize = 24;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth.min(MAX_INDENT)));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Keep empty containers on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod pretty_tests {
    use super::pretty_json;

    #[test]
    fn keeps_order_and_strings() {
        let text = r#"{"b":1,"a":{"x":[1, 2],"e":{},"s":"a, {b}: \"c\""}}"#;
        assert_eq!(
            pretty_json(text),
            "{\n  \"b\": 1,\n  \"a\": {\n    \"x\": [\n      1,\n      2\n    ],\n    \"e\": {},\n    \"s\": \"a, {b}: \\\"c\\\"\"\n  }\n}"
        );
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let pretty = pretty_json(&deep);
        assert!(
            pretty.len() > 200_000 && pretty.len() < 20_000_000,
            "{}",
            pretty.len()
        );
    }
}
