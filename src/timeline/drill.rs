//! Drill-downs as queries: `lifecycle:car-…` (an Organizations lifecycle's events) and
//! `rule:"Account created"` (a watch rule's matches). Other tabs show events by writing
//! one of these into the query, so a drill-down is in the address, can be read, edited
//! and shared, and Back undoes it like any query.
//!
//! Entry points: [`split`] (the session: the scope and the rest of the query), [`query`]
//! (a tab: the query text for a clause).

use std::fmt;

use crate::query::{self, Ast, Field, QueryError, QueryErrorKind, Value};

/// The fields the session answers from what it reconstructs, not from a record.
pub const FIELDS: [&str; 2] = ["lifecycle", "rule"];

/// A condition on what another tab reconstructed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Clause {
    /// An Organizations lifecycle by its id (`car-…`, `h-…`).
    Lifecycle(String),
    /// A watch rule by its name.
    Rule(String),
}

impl Clause {
    /// The clause as query text (quoted as needed).
    pub fn query(&self) -> String {
        let (field, value) = match self {
            Clause::Lifecycle(v) => (FIELDS[0], v),
            Clause::Rule(v) => (FIELDS[1], v),
        };
        Ast::Term {
            field: Field::new([field]),
            value: Value::Text(value.clone()),
        }
        .to_string()
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Lifecycle(id) => write!(f, "lifecycle {id}"),
            Clause::Rule(name) => write!(f, "rule {name}"),
        }
    }
}

fn names(f: &Field) -> Option<usize> {
    let [one] = f.segments() else { return None };
    FIELDS.iter().position(|v| v.eq_ignore_ascii_case(one))
}

fn mentions(ast: &Ast) -> bool {
    count(ast) > 0
}

/// How many conditions on a drill-down field `ast` holds.
fn count(ast: &Ast) -> usize {
    match ast {
        Ast::All | Ast::Text { .. } => 0,
        Ast::And(items) | Ast::Or(items) => items.iter().map(count).sum(),
        Ast::Not(inner) => count(inner),
        Ast::Term { field, .. } | Ast::Range { field, .. } | Ast::Exists { field } => {
            usize::from(names(field).is_some())
        }
    }
}

/// Where the `nth` drill-down condition of `text` is: its `field:` and value, in text
/// order (the order of the parsed query's conditions); the whole text if it has no such
/// token (a drill-down field named in `_exists_:`).
fn nth_span(text: &str, nth: usize) -> std::ops::Range<usize> {
    let (tokens, _) = crate::query::lex::lex(text);
    let is_drill = |t: &crate::query::lex::Token| {
        matches!(&t.kind, crate::query::lex::Tok::Field(raw)
            if FIELDS.iter().any(|f| f.eq_ignore_ascii_case(raw)))
    };
    let at = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| is_drill(t))
        .nth(nth);
    match at {
        Some((i, t)) => t.span.start..tokens.get(i + 1).map_or(t.span.end, |v| v.span.end),
        None => 0..text.len(),
    }
}

/// Splits the clause off a query: the clause, and the rest of the query as text.
/// `Ok((None, _))` when there is none (or the query does not parse: its own error says
/// why); an error when a clause stands anywhere but at the top level (inside OR or NOT,
/// with a wildcard), or there is more than one.
pub fn split(text: &str) -> Result<(Option<Clause>, String), QueryError> {
    let Ok(ast) = query::parse(text) else {
        return Ok((None, String::new()));
    };
    if !mentions(&ast) {
        return Ok((None, String::new()));
    }
    let items = match ast {
        Ast::And(items) => items,
        other => vec![other],
    };
    let mut clause = None;
    let mut rest = Vec::new();
    // Drill-down conditions in the items before this one.
    let mut seen = 0;
    for item in items {
        let at = seen;
        seen += count(&item);
        let error = |kind| Err(QueryError::new(nth_span(text, at), kind));
        match &item {
            Ast::Term {
                field,
                value: Value::Text(value),
            } if names(field).is_some() => {
                if clause.is_some() {
                    return error(QueryErrorKind::DrillTwice);
                }
                clause = Some(match names(field) {
                    Some(0) => Clause::Lifecycle(value.clone()),
                    _ => Clause::Rule(value.clone()),
                });
            }
            other if mentions(other) => return error(QueryErrorKind::DrillMisplaced),
            _ => rest.push(item),
        }
    }
    let rest = match rest.len() {
        0 => String::new(),
        1 => rest.remove(0).to_string(),
        _ => Ast::And(rest).to_string(),
    };
    Ok((clause, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_clause_where_it_stands() {
        let q = "rule:a eventName:X lifecycle:car-1";
        let e = split(q).unwrap_err();
        assert_eq!(e.kind, QueryErrorKind::DrillTwice);
        assert_eq!(&q[e.span], "lifecycle:car-1");
        let q = "rule:a (eventName:X OR lifecycle:car-1)";
        let e = split(q).unwrap_err();
        assert_eq!(e.kind, QueryErrorKind::DrillMisplaced);
        assert_eq!(&q[e.span], "lifecycle:car-1");
    }

    #[test]
    fn a_clause_splits_off_and_the_rest_stays() {
        let (c, rest) = split("lifecycle:car-1 eventName:CreateAccount").unwrap();
        assert_eq!(c, Some(Clause::Lifecycle("car-1".into())));
        assert_eq!(rest, "eventName:CreateAccount");
        let (c, rest) = split(&Clause::Rule("Account created".into()).query()).unwrap();
        assert_eq!(c, Some(Clause::Rule("Account created".into())));
        assert_eq!(rest, "");
        assert_eq!(split("eventName:X").unwrap(), (None, String::new()));
    }

    #[test]
    fn a_clause_inside_or_not_or_twice_is_refused() {
        assert!(split("lifecycle:a OR eventName:X").is_err());
        assert!(split("-rule:x").is_err());
        assert!(split("lifecycle:car-*").is_err());
        assert!(split("lifecycle:a rule:b").is_err());
    }
}
