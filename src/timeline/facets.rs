//! Facets: the fields the timeline counts values of, and how facet choices live in the
//! query text.
//!
//! The query is the one source of truth. A facet choice is a top-level `AND`ed condition
//! on one facet field (`eventName:CreateUser`, `-errorCode:AccessDenied`,
//! `eventName:(A OR B)`): typing it checks the facet, clicking the facet writes it. A
//! facet's counts leave out its own conditions, so its other values stay visible and
//! selectable, while every other condition applies.
//!
//! Entry points: [`Facet`], [`split`], [`choices`], [`toggle`].

use serde::{Deserialize, Serialize};

use crate::query::{self, Ast, Field, Target, Value};
use crate::store::Column;

/// A field the timeline counts values of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Facet {
    EventSource,
    EventName,
    Principal,
    IdentityType,
    Account,
    Region,
    ErrorCode,
    SourceIp,
    AgentFamily,
    ReadOnly,
    EventType,
    /// Whether a valid loaded digest vouches for the event's file.
    Integrity,
}

impl Facet {
    /// Every facet, in the order the page lists them.
    pub const ALL: [Facet; 12] = [
        Facet::EventSource,
        Facet::EventName,
        Facet::Principal,
        Facet::IdentityType,
        Facet::Account,
        Facet::Region,
        Facet::ErrorCode,
        Facet::SourceIp,
        Facet::AgentFamily,
        Facet::ReadOnly,
        Facet::EventType,
        Facet::Integrity,
    ];

    pub fn column(self) -> Column {
        match self {
            Facet::EventSource => Column::EventSource,
            Facet::EventName => Column::EventName,
            Facet::Principal => Column::Principal,
            Facet::IdentityType => Column::IdentityType,
            Facet::Account => Column::Account,
            Facet::Region => Column::Region,
            Facet::ErrorCode => Column::ErrorCode,
            Facet::SourceIp => Column::SourceIp,
            Facet::AgentFamily => Column::AgentFamily,
            Facet::ReadOnly => Column::ReadOnly,
            Facet::EventType => Column::EventType,
            Facet::Integrity => Column::Integrity,
        }
    }

    /// The query language's name for the field (an alias of the column).
    pub fn field(self) -> &'static str {
        match self {
            Facet::EventSource => "eventSource",
            Facet::EventName => "eventName",
            Facet::Principal => "principal",
            Facet::IdentityType => "identityType",
            Facet::Account => "account",
            Facet::Region => "awsRegion",
            Facet::ErrorCode => "errorCode",
            Facet::SourceIp => "sourceIPAddress",
            Facet::AgentFamily => "userAgentFamily",
            Facet::ReadOnly => "readOnly",
            Facet::EventType => "eventType",
            Facet::Integrity => "integrity",
        }
    }

    /// A heading for people.
    pub fn label(self) -> &'static str {
        match self {
            Facet::EventSource => "Service",
            Facet::EventName => "Event",
            Facet::Principal => "Principal",
            Facet::IdentityType => "Identity type",
            Facet::Account => "Account",
            Facet::Region => "Region",
            Facet::ErrorCode => "Error",
            Facet::SourceIp => "Source IP",
            Facet::AgentFamily => "User agent",
            Facet::ReadOnly => "Read only",
            Facet::EventType => "Event type",
            Facet::Integrity => "Integrity",
        }
    }

    fn of_column(column: Column) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.column() == column)
    }

    fn of_field(field: &Field) -> Option<Facet> {
        match query::resolve(field) {
            Target::Column(column) => Facet::of_column(column),
            _ => None,
        }
    }
}

/// The facet a condition is about: every field in it is that facet's, and it has no free
/// text. `None` for anything else (mixed fields, paths, time, free text).
fn facet_of(ast: &Ast) -> Option<Facet> {
    let mut found = None;
    let mut same = |field: &Field| match (Facet::of_field(field), found) {
        (None, _) => false,
        (Some(f), None) => {
            found = Some(f);
            true
        }
        (Some(f), Some(g)) => f == g,
    };
    fn walk(ast: &Ast, same: &mut dyn FnMut(&Field) -> bool) -> bool {
        match ast {
            Ast::All | Ast::Text { .. } => false,
            Ast::And(items) | Ast::Or(items) => items.iter().all(|a| walk(a, same)),
            Ast::Not(inner) => walk(inner, same),
            Ast::Term { field, .. } | Ast::Range { field, .. } | Ast::Exists { field } => {
                same(field)
            }
        }
    }
    if walk(ast, &mut same) {
        found
    } else {
        None
    }
}

fn conjuncts(ast: Ast) -> Vec<Ast> {
    match ast {
        Ast::All => Vec::new(),
        Ast::And(items) => items.into_iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

fn join(mut items: Vec<Ast>) -> Ast {
    match items.len() {
        0 => Ast::All,
        1 => items.pop().unwrap_or(Ast::All),
        _ => Ast::And(items),
    }
}

/// A query split for facet counting: the conditions on no facet, and each facet's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Split {
    pub rest: Ast,
    /// Facets with conditions, each with all of its conditions `AND`ed.
    pub own: Vec<(Facet, Ast)>,
}

pub fn split(ast: &Ast) -> Split {
    let mut rest = Vec::new();
    let mut own: Vec<(Facet, Vec<Ast>)> = Vec::new();
    for c in conjuncts(ast.clone()) {
        match facet_of(&c) {
            None => rest.push(c),
            Some(f) => match own.iter_mut().find(|(g, _)| *g == f) {
                Some((_, list)) => list.push(c),
                None => own.push((f, vec![c])),
            },
        }
    }
    Split {
        rest: join(rest),
        own: own.into_iter().map(|(f, list)| (f, join(list))).collect(),
    }
}

/// A facet value chosen in the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub facet: Facet,
    pub value: String,
    pub exclude: bool,
}

/// The plain choices of a query: `f:v` and `f:(v OR w)` include, `-f:v` and
/// `NOT f:(v OR w)` exclude. Other conditions on a facet still filter but check nothing.
pub fn choices(ast: &Ast) -> Vec<Choice> {
    let mut out = Vec::new();
    for c in conjuncts(ast.clone()) {
        let Some(facet) = facet_of(&c) else { continue };
        let (inner, exclude) = match c {
            Ast::Not(inner) => (*inner, true),
            other => (other, false),
        };
        for value in plain_values(&inner).unwrap_or_default() {
            out.push(Choice {
                facet,
                value,
                exclude,
            });
        }
    }
    out
}

/// The literal values of `f:v` or `f:v OR f:w …`; `None` for any other shape.
fn plain_values(ast: &Ast) -> Option<Vec<String>> {
    match ast {
        Ast::Term {
            value: Value::Text(v),
            ..
        } => Some(vec![v.clone()]),
        Ast::Or(items) => items
            .iter()
            .map(|a| {
                plain_values(a)
                    .filter(|v| v.len() == 1)
                    .map(|mut v| v.remove(0))
            })
            .collect(),
        _ => None,
    }
}

fn term(facet: Facet, value: &str) -> Ast {
    Ast::Term {
        field: Field::new([facet.field()]),
        value: Value::Text(value.to_owned()),
    }
}

fn same_value(a: &str, b: &str) -> bool {
    // Terms compare ignoring ASCII case (see the query language's "Values").
    a.eq_ignore_ascii_case(b)
}

/// The query with one facet value switched: including a value that is included removes
/// it, including another value of an included facet widens it (`f:(a OR b)`), excluding
/// adds `-f:v` (and drops `f:v`), excluding an excluded value removes the exclusion.
///
/// The result is canonical query text; a query that does not parse gets the condition
/// appended as typed, so a click never loses what the user wrote.
pub fn toggle(query_text: &str, facet: Facet, value: &str, exclude: bool) -> String {
    let Ok(ast) = query::parse(query_text) else {
        let clause = if exclude {
            Ast::Not(Box::new(term(facet, value)))
        } else {
            term(facet, value)
        };
        return format!("{} {clause}", query_text.trim_end());
    };
    let mut items = conjuncts(ast);
    let is_plain = |a: &Ast, want_not: bool| -> Option<Vec<String>> {
        if facet_of(a) != Some(facet) {
            return None;
        }
        match (a, want_not) {
            (Ast::Not(inner), true) => plain_values(inner),
            (Ast::Not(_), false) | (_, true) => None,
            (other, false) => plain_values(other),
        }
    };
    // Remove `value` from the plain conditions of one polarity; true if it was there.
    let remove = |items: &mut Vec<Ast>, negated: bool| -> bool {
        let mut found = false;
        let mut out = Vec::with_capacity(items.len());
        for a in items.drain(..) {
            match is_plain(&a, negated) {
                Some(values) if values.iter().any(|v| same_value(v, value)) => {
                    found = true;
                    let kept: Vec<Ast> = values
                        .iter()
                        .filter(|v| !same_value(v, value))
                        .map(|v| term(facet, v))
                        .collect();
                    if !kept.is_empty() {
                        let any = if kept.len() == 1 {
                            kept.into_iter().next().unwrap_or(Ast::All)
                        } else {
                            Ast::Or(kept)
                        };
                        out.push(if negated {
                            Ast::Not(Box::new(any))
                        } else {
                            any
                        });
                    }
                }
                _ => out.push(a),
            }
        }
        *items = out;
        found
    };
    if exclude {
        if !remove(&mut items, true) {
            remove(&mut items, false);
            items.push(Ast::Not(Box::new(term(facet, value))));
        }
    } else if !remove(&mut items, false) {
        remove(&mut items, true);
        match items.iter().position(|a| is_plain(a, false).is_some()) {
            Some(i) => {
                let mut values = is_plain(&items[i], false).unwrap_or_default();
                values.push(value.to_owned());
                items[i] = Ast::Or(values.iter().map(|v| term(facet, v)).collect());
            }
            None => items.push(term(facet, value)),
        }
    }
    match join(items) {
        Ast::All => String::new(),
        ast => ast.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Ast {
        query::parse(text).unwrap()
    }

    #[test]
    fn facet_conditions_split_from_the_rest() {
        let s = split(&q(
            "eventName:CreateUser -errorCode:AccessDenied denied source:iam* (principal:x OR principal:y) (region:a OR eventName:b)",
        ));
        assert_eq!(s.rest, q("denied (region:a OR eventName:b)"));
        assert_eq!(
            s.own,
            vec![
                (Facet::EventName, q("eventName:CreateUser")),
                (Facet::ErrorCode, q("-errorCode:AccessDenied")),
                (Facet::EventSource, q("source:iam*")),
                (Facet::Principal, q("principal:x OR principal:y")),
            ]
        );
        // A path is no facet, nor is the time.
        let s = split(&q("requestParameters.x:1 eventTime:2020"));
        assert!(s.own.is_empty());
    }

    #[test]
    fn choices_read_plain_includes_and_excludes() {
        let got = choices(&q(
            "eventName:(A OR B) -errorCode:X NOT region:(r1 OR r2) source:iam* free",
        ));
        let want = [
            (Facet::EventName, "A", false),
            (Facet::EventName, "B", false),
            (Facet::ErrorCode, "X", true),
            (Facet::Region, "r1", true),
            (Facet::Region, "r2", true),
        ];
        assert_eq!(
            got,
            want.map(|(facet, value, exclude)| Choice {
                facet,
                value: value.into(),
                exclude
            })
        );
    }

    #[test]
    fn toggling_writes_and_removes_conditions() {
        let t = toggle("", Facet::EventName, "CreateUser", false);
        assert_eq!(q(&t), q("eventName:CreateUser"));
        let t2 = toggle(&t, Facet::EventName, "DeleteUser", false);
        assert_eq!(q(&t2), q("eventName:(CreateUser OR DeleteUser)"));
        let t3 = toggle(&t2, Facet::EventName, "createuser", false);
        assert_eq!(q(&t3), q("eventName:DeleteUser"));
        let t4 = toggle(&t3, Facet::EventName, "DeleteUser", true);
        assert_eq!(q(&t4), q("-eventName:DeleteUser"));
        assert_eq!(toggle(&t4, Facet::EventName, "DeleteUser", true), "");
        // Other conditions stay; values with spaces and quotes are quoted.
        let t = toggle(
            "denied eventTime:2020",
            Facet::Principal,
            "a \"b\" c",
            false,
        );
        let choices = choices(&q(&t));
        assert_eq!(choices[0].value, "a \"b\" c");
        assert_eq!(split(&q(&t)).rest, q("denied eventTime:2020"));
        // A query with an error keeps its text; the condition is appended.
        let t = toggle("eventName:(", Facet::Region, "us-east-1", true);
        assert!(t.starts_with("eventName:( "), "{t}");
    }
}
