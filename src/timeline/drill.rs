//! Drill-downs as queries: `lifecycle:car-…` (an Organizations lifecycle's events) and
//! `rule:"Account created"` (a watch rule's matches). Other tabs show events by writing
//! one of these into the query, so a drill-down is in the address, can be read, edited
//! and shared, and Back undoes it like any query.
//!
//! Entry points: [`split`] (the session: the scope and the rest of the query), [`query`]
//! (a tab: the query text for a clause).

use std::fmt;

use crate::query::{self, Ast, Field, Value};

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
    match ast {
        Ast::All | Ast::Text { .. } => false,
        Ast::And(items) | Ast::Or(items) => items.iter().any(mentions),
        Ast::Not(inner) => mentions(inner),
        Ast::Term { field, .. } | Ast::Range { field, .. } | Ast::Exists { field } => {
            names(field).is_some()
        }
    }
}

/// Splits the clause off a query: the clause, and the rest of the query as text.
/// `Ok((None, _))` when there is none (or the query does not parse: its own error says
/// why); an error when a clause stands anywhere but at the top level (inside OR or NOT,
/// with a wildcard), or there is more than one.
pub fn split(text: &str) -> Result<(Option<Clause>, String), String> {
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
    for item in items {
        match &item {
            Ast::Term {
                field,
                value: Value::Text(value),
            } if names(field).is_some() => {
                if clause.is_some() {
                    return Err(
                        "one lifecycle: or rule: condition at a time: remove the others".into(),
                    );
                }
                clause = Some(match names(field) {
                    Some(0) => Clause::Lifecycle(value.clone()),
                    _ => Clause::Rule(value.clone()),
                });
            }
            other if mentions(other) => {
                return Err(format!(
                    "lifecycle: and rule: take one exact value and stand on their own, joined with AND (not in OR, NOT or a wildcard): {other}"
                ));
            }
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
