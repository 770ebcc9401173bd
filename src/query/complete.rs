//! Autocomplete in the search box: what is being typed at the cursor (a field name, or a
//! field's value) and how a chosen suggestion replaces it.
//!
//! Entry points: [`at_cursor`] and [`Completion::apply`]. The suggestions themselves come
//! from the data ([`super::fields_in`], [`super::top_values`]).

use std::ops::Range;

use super::ast::Value;

/// What the word at the cursor is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// `Some(field)` when completing that field's value, `None` for a field name.
    pub field: Option<String>,
    /// What is typed so far (unescaped, without an opening quote).
    pub prefix: String,
    /// The bytes of the query a suggestion replaces.
    pub replace: Range<usize>,
}

/// The completion at byte offset `cursor` (clamped to the text, moved back to a char
/// boundary); `None` inside a phrase, after a space, or on an operator.
pub fn at_cursor(text: &str, cursor: usize) -> Option<Completion> {
    let mut cursor = cursor.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    let before = &text[..cursor];
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == ')')
        .map_or(0, |(i, c)| i + c.len_utf8());
    // Inside a phrase that started before this word: nothing to complete.
    if before[..start].matches('"').count() % 2 == 1 {
        return None;
    }
    let mut word_start = start;
    let word = &before[start..];
    let word = match word.strip_prefix('-') {
        Some(rest) => {
            word_start += 1;
            rest
        }
        None => word,
    };
    if word.is_empty() && start > 0 && before[..start].trim_end().ends_with(':') {
        // `field: ` with a space after the colon is not completed.
        return None;
    }
    if ["AND", "OR", "NOT", "TO"].contains(&word) || word.starts_with('"') {
        return None;
    }
    match word.find(':') {
        None => Some(Completion {
            field: None,
            prefix: word.to_owned(),
            replace: word_start..cursor,
        }),
        Some(colon) => {
            let field = &word[..colon];
            let value = &word[colon + 1..];
            let value_start = word_start + colon + 1;
            if field == "_exists_" {
                return Some(Completion {
                    field: None,
                    prefix: value.to_owned(),
                    replace: value_start..cursor,
                });
            }
            if field.is_empty() || value.starts_with(['[', '{', '>', '<']) {
                return None;
            }
            Some(Completion {
                field: Some(field.replace('\\', "")),
                prefix: value.trim_start_matches('"').to_owned(),
                replace: value_start..cursor,
            })
        }
    }
}

/// Whether `text` starts with `prefix`, ignoring ASCII case (how suggestions match).
pub fn has_prefix(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text.is_char_boundary(prefix.len())
        && text[..prefix.len()].eq_ignore_ascii_case(prefix)
}

impl Completion {
    /// The query with `choice` in place of the word, and where the cursor goes: after
    /// `field:` for a field name, after the value and a space for a value (quoted or
    /// escaped as the language needs).
    pub fn apply(&self, text: &str, choice: &str) -> (String, usize) {
        let insert = match self.field {
            None => format!("{choice}:"),
            Some(_) => format!("{} ", Value::Text(choice.to_owned())),
        };
        let end = self.replace.end.min(text.len());
        let start = self.replace.start.min(end);
        let mut out = String::with_capacity(text.len() + insert.len());
        out.push_str(&text[..start]);
        out.push_str(&insert);
        let cursor = out.len();
        // A value replaces the rest of its word too (an old value after the cursor).
        let rest = &text[end..];
        let rest = if self.field.is_some() {
            let cut = rest.find(char::is_whitespace).unwrap_or(rest.len());
            rest[cut..].trim_start()
        } else {
            rest
        };
        out.push_str(rest);
        (out, cursor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Option<Completion> {
        at_cursor(text, text.len())
    }

    #[test]
    fn finds_what_is_typed() {
        let c = at_end("errorCode:* AND event").unwrap();
        assert_eq!((c.field, c.prefix.as_str()), (None, "event"));
        let c = at_end("(eventName:Create").unwrap();
        assert_eq!(c.field.as_deref(), Some("eventName"));
        assert_eq!(c.prefix, "Create");
        assert_eq!(c.replace, 11..17);
        let c = at_end("-principal:\"al").unwrap();
        assert_eq!(
            (c.field.as_deref(), c.prefix.as_str()),
            (Some("principal"), "al")
        );
        let c = at_end("_exists_:req").unwrap();
        assert_eq!((c.field, c.prefix.as_str()), (None, "req"));
        assert_eq!(at_end("\"some phrase"), None);
        assert_eq!(at_end("eventTime:[2020"), None);
        assert_eq!(at_end("a AND"), None);
        assert_eq!(at_end("x: "), None);
        // Non-ASCII and out-of-range cursors never panic.
        assert!(at_cursor("é", 1).is_some());
        assert!(at_cursor("abc", 99).is_some());
    }

    #[test]
    fn applying_a_choice_writes_valid_query_text() {
        let text = "errorCode:* AND event";
        let c = at_end(text).unwrap();
        assert_eq!(
            c.apply(text, "eventName"),
            ("errorCode:* AND eventName:".into(), 26)
        );
        let text = "principal:al region:x";
        let c = at_cursor(text, 12).unwrap();
        let (out, cursor) = c.apply(text, "alice smith \"x\"");
        assert_eq!(out, "principal:\"alice smith \\\"x\\\"\" region:x");
        assert_eq!(&out[cursor..], "region:x");
        assert!(crate::query::parse(&out).is_ok());
    }
}
