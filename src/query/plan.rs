//! A syntax tree bound to one store: aliases resolved to columns, and each column
//! condition turned into a set of accepted symbols, computed once over the column's
//! distinct values, so that evaluating it is an integer test per event.
//!
//! Entry points: [`compile`] and [`Plan`]. A plan describes the store as it was: compile
//! again after loading more data (values first seen later may not be accepted).

use std::collections::HashMap;

use crate::store::intern::Sym;
use crate::store::{Column, Store};
use crate::time::{parse_json_timestamp, parse_timestamp, EpochMillis};

use super::ast::{Ast, Bound, Field, Value};
use super::field::{self, parse_number, range_kind, time_range, time_span, RangeKind, Target};
use super::json::{anchor_safe, Reached};
use super::matcher::{Finder, Matcher};

/// A compiled query; see [`compile`].
#[derive(Clone, Debug)]
pub struct Plan {
    pub(crate) root: Node,
}

#[derive(Clone, Debug)]
pub(crate) enum Node {
    Const(bool),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// A string column's symbol is accepted.
    Column {
        column: Column,
        accept: Accept,
    },
    /// `lo <= time < hi`; events without a time never match.
    Time {
        lo: EpochMillis,
        hi: EpochMillis,
    },
    /// A condition on the JSON at a path.
    Path(Box<PathLeaf>),
    /// Free text over every string value.
    Text(Box<TextLeaf>),
}

#[derive(Clone, Debug)]
pub(crate) enum Accept {
    One(Sym),
    /// Any value at all (not `Sym::NONE`).
    Present,
    /// A bitset over symbols.
    Set(Vec<u64>),
}

impl Accept {
    #[inline]
    pub(crate) fn contains(&self, s: Sym) -> bool {
        match self {
            Accept::One(one) => s == *one,
            Accept::Present => !s.is_none(),
            Accept::Set(bits) => crate::bits::get(bits, s.0 as usize),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct PathLeaf {
    pub path: Vec<String>,
    pub test: PathTest,
    /// Lowercased byte strings the text must contain for the leaf to hold.
    pub anchors: Vec<Finder>,
}

#[derive(Clone, Debug)]
pub(crate) enum PathTest {
    /// Some value that is not null and not "".
    Exists,
    Value(ValueTest),
}

#[derive(Clone, Debug)]
pub(crate) struct TextLeaf {
    pub matcher: Matcher,
    pub anchors: Vec<Finder>,
    /// The needle, when the text is a literal that [`anchor_safe`] allows to be searched
    /// in the raw text directly.
    pub literal: Option<Finder>,
}

/// A test on one scalar value.
#[derive(Clone, Debug)]
pub(crate) enum ValueTest {
    /// The value's text matches (numbers as serde_json prints them, booleans as
    /// `true`/`false`).
    Match(Matcher),
    /// The value is a number (or a string holding one) within the bounds.
    Number { lower: NumEnd, upper: NumEnd },
    /// The value is a timestamp (a string in any dialect, or an epoch number) in
    /// `[lo, hi)`.
    Time { lo: EpochMillis, hi: EpochMillis },
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum NumEnd {
    Open,
    Included(f64),
    Excluded(f64),
}

impl ValueTest {
    fn number_in(&self, n: f64) -> bool {
        let ValueTest::Number { lower, upper } = self else {
            return false;
        };
        let lo = match *lower {
            NumEnd::Open => true,
            NumEnd::Included(b) => n >= b,
            NumEnd::Excluded(b) => n > b,
        };
        let hi = match *upper {
            NumEnd::Open => true,
            NumEnd::Included(b) => n <= b,
            NumEnd::Excluded(b) => n < b,
        };
        lo && hi
    }

    /// Tests a column's (non-empty) string.
    pub(crate) fn test_str(&self, s: &str) -> bool {
        match self {
            ValueTest::Match(m) => m.is_match(s.as_bytes()),
            ValueTest::Number { .. } => parse_number(s).is_some_and(|n| self.number_in(n)),
            ValueTest::Time { lo, hi } => parse_timestamp(s).is_some_and(|t| *lo <= t && t < *hi),
        }
    }

    /// Tests a value reached in the JSON.
    pub(crate) fn test_reached(&self, r: &Reached) -> bool {
        match r {
            Reached::Str(s) => !s.is_empty() && self.test_str(s),
            Reached::Bool(b) => {
                matches!(self, ValueTest::Match(m) if m.is_match(if *b { b"true" } else { b"false" }))
            }
            Reached::Number(n) => match self {
                ValueTest::Match(m) => m.is_match(n.to_string().as_bytes()),
                ValueTest::Number { .. } => n.as_f64().is_some_and(|f| self.number_in(f)),
                ValueTest::Time { lo, hi } => {
                    parse_json_timestamp(&serde_json::Value::Number(n.clone()))
                        .is_some_and(|t| *lo <= t && t < *hi)
                }
            },
            Reached::Null | Reached::Object => false,
        }
    }
}

impl PathTest {
    pub(crate) fn test(&self, r: &Reached) -> bool {
        match self {
            PathTest::Exists => match r {
                Reached::Str(s) => !s.is_empty(),
                Reached::Null => false,
                _ => true,
            },
            PathTest::Value(v) => v.test_reached(r),
        }
    }
}

/// Binds a syntax tree to `store`. Never fails: a tree from [`super::parse()`] is always
/// valid, and a hand-built one with a bad range or timestamp compiles to "no match".
/// (Parsed trees nest at most [`super::MAX_DEPTH`] deep; compiling and evaluating
/// recurse along the tree, so a hand-built tree thousands deep could exhaust the stack.)
pub fn compile(ast: &Ast, store: &Store) -> Plan {
    let mut c = Compiler {
        store,
        domains: HashMap::new(),
    };
    Plan { root: c.node(ast) }
}

struct Compiler<'s> {
    store: &'s Store,
    /// Distinct non-empty symbols per column, computed on first use.
    domains: HashMap<Column, Vec<Sym>>,
}

/// Rough evaluation cost, to run cheap conditions first.
fn cost(n: &Node) -> u8 {
    match n {
        Node::Const(_) => 0,
        Node::Column { .. } | Node::Time { .. } => 1,
        Node::Path(_) => 10,
        Node::Text(_) => 20,
        Node::Not(inner) => cost(inner),
        Node::And(v) | Node::Or(v) => v.iter().map(cost).max().unwrap_or(0),
    }
}

impl Compiler<'_> {
    fn node(&mut self, ast: &Ast) -> Node {
        match ast {
            Ast::All => Node::Const(true),
            Ast::And(items) => self.junction(items, true),
            Ast::Or(items) => self.junction(items, false),
            Ast::Not(inner) => match self.node(inner) {
                Node::Const(b) => Node::Const(!b),
                Node::Not(n) => *n,
                n => Node::Not(Box::new(n)),
            },
            Ast::Term { field, value } => self.term(field, value),
            Ast::Range {
                field,
                lower,
                upper,
            } => self.range(field, lower, upper),
            Ast::Exists { field } => self.exists(field),
            Ast::Text { value } => self.text(value),
        }
    }

    /// `AND` (`all`) or `OR`: constants folded, cheap children first.
    fn junction(&mut self, items: &[Ast], all: bool) -> Node {
        let mut nodes = Vec::new();
        for item in items {
            match self.node(item) {
                // The identity (true for AND, false for OR) drops out…
                Node::Const(b) if b == all => {}
                // …and the absorbing element decides.
                Node::Const(b) => return Node::Const(b),
                n => nodes.push(n),
            }
        }
        crate::sort::sort_by_key(&mut nodes, cost);
        match nodes.len() {
            0 => Node::Const(all),
            1 => nodes.pop().unwrap_or(Node::Const(all)),
            _ if all => Node::And(nodes),
            _ => Node::Or(nodes),
        }
    }

    fn term(&mut self, field: &Field, value: &Value) -> Node {
        match field::resolve(field) {
            Target::Time => match value {
                Value::Text(t) => match time_span(t) {
                    Some((lo, hi)) => time_node(lo, hi),
                    None => Node::Const(false),
                },
                Value::Pattern(_) => Node::Const(false),
            },
            Target::Column(column) => {
                let m = Matcher::whole(value);
                self.column(column, |s| m.is_match(s.as_bytes()))
            }
            Target::Path => {
                let m = Matcher::whole(value);
                // The value's literal part is the better filter (keys like `userName`
                // are in most records); one scan is cheaper than two. Numbers are
                // matched as serde_json prints them, which need not be how the text
                // wrote them (`5e1` is 50.0): no anchor for those.
                let value_anchor = m.longest_literal().filter(|lit| {
                    let numeric = lit
                        .iter()
                        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'));
                    anchor_safe(lit) && !numeric
                });
                let anchors = match value_anchor {
                    Some(lit) => vec![Finder::new(lit)],
                    None => key_anchor(field),
                };
                path_node(field, PathTest::Value(ValueTest::Match(m)), anchors)
            }
        }
    }

    fn range(&mut self, field: &Field, lower: &Bound, upper: &Bound) -> Node {
        let test = match range_kind(field, lower, upper) {
            Err(_) => return Node::Const(false),
            Ok(RangeKind::Any) => return self.exists(field),
            Ok(RangeKind::Time) => {
                let (lo, hi) = time_range(lower, upper);
                ValueTest::Time { lo, hi }
            }
            Ok(RangeKind::Number) => {
                let end = |b: &Bound| match b {
                    Bound::Unbounded => NumEnd::Open,
                    Bound::Included(t) => parse_number(t).map_or(NumEnd::Open, NumEnd::Included),
                    Bound::Excluded(t) => parse_number(t).map_or(NumEnd::Open, NumEnd::Excluded),
                };
                ValueTest::Number {
                    lower: end(lower),
                    upper: end(upper),
                }
            }
        };
        match field::resolve(field) {
            Target::Time => match test {
                ValueTest::Time { lo, hi } => time_node(lo, hi),
                _ => Node::Const(false),
            },
            Target::Column(column) => self.column(column, |s| test.test_str(s)),
            Target::Path => path_node(field, PathTest::Value(test), key_anchor(field)),
        }
    }

    fn exists(&mut self, field: &Field) -> Node {
        match field::resolve(field) {
            Target::Time => time_node(i64::MIN, i64::MAX),
            Target::Column(column) => self.column(column, |_| true),
            Target::Path => path_node(field, PathTest::Exists, key_anchor(field)),
        }
    }

    fn text(&mut self, value: &Value) -> Node {
        let matcher = Matcher::within(value);
        if matches!(matcher, Matcher::Any) {
            return Node::Const(true);
        }
        let anchors = matcher
            .longest_literal()
            .filter(|lit| anchor_safe(lit))
            .map(Finder::new)
            .into_iter()
            .collect();
        let literal = match &matcher {
            Matcher::Contains(f) if anchor_safe(f.needle()) => Some(f.clone()),
            _ => None,
        };
        Node::Text(Box::new(TextLeaf {
            matcher,
            anchors,
            literal,
        }))
    }

    /// A column condition: `test` run once per distinct value.
    fn column(&mut self, column: Column, test: impl Fn(&str) -> bool) -> Node {
        let store = self.store;
        let (hits, distinct_values): (Vec<Sym>, usize) = if column == Column::EventId {
            // One event per eventID: the column is its own domain, tested in place rather
            // than copied (4 MB at a million events).
            let present = store.column(column).iter().filter(|s| !s.is_none());
            let hits = present
                .clone()
                .copied()
                .filter(|&s| test(store.resolve(s)))
                .collect();
            (hits, present.count())
        } else {
            let domain = self
                .domains
                .entry(column)
                .or_insert_with(|| distinct(store, column));
            let hits = domain
                .iter()
                .copied()
                .filter(|&s| test(store.resolve(s)))
                .collect();
            (hits, domain.len())
        };
        let accept = match hits.as_slice() {
            [] => return Node::Const(false),
            _ if hits.len() == distinct_values => Accept::Present,
            [one] => Accept::One(*one),
            _ => {
                let mut bits = vec![0u64; store.symbol_count().div_ceil(64)];
                for s in hits {
                    crate::bits::insert(&mut bits, s.0 as usize);
                }
                Accept::Set(bits)
            }
        };
        Node::Column { column, accept }
    }
}

fn time_node(lo: EpochMillis, hi: EpochMillis) -> Node {
    // Events without a time hold `Store::TIMELESS`, i64::MAX, which `t < hi` excludes
    // for every `hi`.
    const _: () = assert!(Store::TIMELESS == i64::MAX);
    if lo >= hi {
        return Node::Const(false);
    }
    Node::Time { lo, hi }
}

fn path_node(field: &Field, test: PathTest, anchors: Vec<Finder>) -> Node {
    Node::Path(Box::new(PathLeaf {
        path: field.segments().to_vec(),
        test,
        anchors,
    }))
}

/// The last path segment, which the text must contain as a key.
fn key_anchor(field: &Field) -> Vec<Finder> {
    field
        .segments()
        .last()
        .map(|s| s.as_bytes().to_vec())
        .filter(|b| anchor_safe(b))
        .map(Finder::new)
        .into_iter()
        .collect()
}

/// The distinct non-empty symbols of a column (unsorted: first-seen order).
fn distinct(store: &Store, column: Column) -> Vec<Sym> {
    let mut seen = vec![0u64; store.symbol_count().div_ceil(64)];
    let mut out = Vec::new();
    for &s in store.column(column) {
        let i = s.0 as usize;
        let Some(w) = seen.get_mut(i / 64) else {
            continue;
        };
        let bit = 1u64 << (i % 64);
        if *w & bit == 0 {
            *w |= bit;
            if !s.is_none() {
                out.push(s);
            }
        }
    }
    out
}
