//! Words a query uses that nothing in the data answers: an unknown field gives an empty
//! table, and an empty table with no word about why is what a typo looks like.
//!
//! Entry point: [`unknown_fields`]. It runs only when a query matched nothing, over the
//! field paths seen in the data, so a field that is rare (missing from a sample) but
//! present still answers and is never called unknown.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::ast::{Ast, Field};
use super::field::{self, Target};

/// A word of the query worth a warning, positioned for underlining.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryNote {
    /// Byte range in the query text (char boundaries); empty when the word could not be
    /// found as typed.
    pub span: Range<usize>,
    /// The word itself (the field as typed).
    pub word: String,
    pub message: String,
}

/// Every field the query names that is neither an alias, one of `extra` (fields the
/// session answers itself), nor a path in `known` (paths seen in the data, as
/// [`super::fields_in`] prints them), or a prefix of one: with the closest known name.
pub fn unknown_fields(text: &str, ast: &Ast, known: &[String], extra: &[&str]) -> Vec<QueryNote> {
    let mut fields = Vec::new();
    collect(ast, &mut fields);
    let mut notes: Vec<QueryNote> = Vec::new();
    for f in fields {
        if field::resolve(f) != Target::Path {
            continue;
        }
        let typed = f.to_string();
        let known_here = extra.iter().any(|e| e.eq_ignore_ascii_case(&typed))
            || known.iter().any(|k| {
                k.eq_ignore_ascii_case(&typed)
                    || (k.len() > typed.len()
                        && k.is_char_boundary(typed.len())
                        && k.as_bytes()[typed.len()] == b'.'
                        && k[..typed.len()].eq_ignore_ascii_case(&typed))
            });
        if known_here || notes.iter().any(|n| n.word == typed) {
            continue;
        }
        let mut names: Vec<&str> = extra.to_vec();
        for alias in field::aliases() {
            names.push(alias);
        }
        names.extend(known.iter().map(String::as_str));
        let message = match closest(&typed, &names) {
            Some(best) => format!("no field {typed} in the loaded events — did you mean {best}?"),
            None => format!("no field {typed} in the loaded events"),
        };
        notes.push(QueryNote {
            span: find_field(text, &typed),
            word: typed,
            message,
        });
    }
    notes
}

/// Whether the query names a field read from `column` (by any of its aliases).
pub fn names_column(ast: &Ast, column: crate::store::Column) -> bool {
    let mut fields = Vec::new();
    collect(ast, &mut fields);
    fields
        .into_iter()
        .any(|f| field::resolve(f) == Target::Column(column))
}

fn collect<'a>(ast: &'a Ast, out: &mut Vec<&'a Field>) {
    match ast {
        Ast::All | Ast::Text { .. } => {}
        Ast::And(items) | Ast::Or(items) => items.iter().for_each(|a| collect(a, out)),
        Ast::Not(inner) => collect(inner, out),
        Ast::Term { field, .. } | Ast::Range { field, .. } | Ast::Exists { field } => {
            out.push(field)
        }
    }
}

/// Where `field:` (or `_exists_:field`) stands in the text, ignoring ASCII case.
fn find_field(text: &str, field: &str) -> Range<usize> {
    let lower = text.to_ascii_lowercase();
    let want = field.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower.get(from..).and_then(|t| t.find(&want)) {
        let start = from + at;
        let end = start + want.len();
        let before = lower[..start].chars().next_back();
        let after = lower[end..].chars().next();
        let starts_word = before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '-'));
        // `field:value`, or the field of `_exists_:field`.
        let as_field = after == Some(':') && starts_word;
        let as_exists = lower[..start].ends_with("_exists_:")
            && after.is_none_or(|c| c.is_whitespace() || c == ')');
        if as_field || as_exists {
            return start..end;
        }
        from = start + want.len().max(1);
    }
    0..0
}

/// The name nearest to `typed` by edit distance (ignoring ASCII case), if near enough to
/// be a typo: at most a third of its length, and at most 3 edits.
fn closest(typed: &str, names: &[&str]) -> Option<String> {
    let limit = (typed.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for &name in names {
        let d = distance(&typed.to_ascii_lowercase(), &name.to_ascii_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, name));
        }
    }
    best.map(|(_, n)| n.to_owned())
}

/// Optimal string alignment distance (a swap of two neighbours is one edit: `eventNmae`).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(q: &str, known: &[&str]) -> Vec<QueryNote> {
        let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
        let ast = crate::query::parse(q).unwrap();
        unknown_fields(q, &ast, &known, &["lifecycle", "rule"])
    }

    #[test]
    fn a_typo_of_an_alias_is_named_with_the_alias() {
        let n = notes("eventNmae:CreateAccount", &["eventName"]);
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].word, "eventNmae");
        assert_eq!(n[0].span, 0..9);
        assert!(
            n[0].message.contains("did you mean eventName?"),
            "{}",
            n[0].message
        );
    }

    #[test]
    fn known_paths_prefixes_aliases_and_session_fields_are_not_unknown() {
        let known = ["requestParameters.accountId"];
        assert!(notes("requestParameters.accountId:1*", &known).is_empty());
        assert!(notes("_exists_:requestParameters", &known).is_empty());
        assert!(notes("account:1 eventName:X lifecycle:car-1 rule:x", &known).is_empty());
        let far = notes("errorCode:x foo:bar", &known);
        assert_eq!(far.len(), 1);
        assert_eq!(far[0].span, 12..15);
        assert_eq!(far[0].message, "no field foo in the loaded events");
    }

    #[test]
    fn the_span_is_the_field_where_it_is_a_field() {
        let q = "eventnmae eventNmae:x";
        let n = notes(q, &[]);
        assert_eq!(&q[n[0].span.clone()], "eventNmae");
        assert_eq!(n[0].span.start, 10);
    }
}
