//! Running a [`Plan`]: one event at a time ([`Plan::matches`]), or over the whole store
//! a column at a time ([`filter`]).
//!
//! Implementation note: [`filter`] evaluates every node into a bitset over event ids,
//! under a mask of the events whose answer still matters. Column and time conditions
//! run as tight loops over their column; JSON conditions (paths, free text) only visit
//! events in the mask, so `eventName:X AND requestParameters.y:z` reads the JSON of
//! the `eventName:X` events only. `AND` narrows the mask for later children, `OR`
//! removes the events already accepted.

use crate::bits;
use crate::store::{EventId, RawText, Store};

use super::json::{any_path_value, any_string_value, may_contain, needle_in_values};
use super::matcher::Finder;
use super::plan::{Node, PathLeaf, Plan, TextLeaf};

impl Plan {
    /// Whether event `id` matches (false for an id the store does not hold).
    pub fn matches(&self, store: &Store, id: EventId) -> bool {
        let i = id.0 as usize;
        i < store.len() && node_matches(&self.root, store, i)
    }

    /// Whether the plan matches every event (the empty query, `*`).
    pub fn is_all(&self) -> bool {
        matches!(self.root, Node::Const(true))
    }
}

/// The matching events, in the store's time order ([`Store::sorted`]).
pub fn filter(store: &Store, plan: &Plan) -> Vec<EventId> {
    let mut out = Vec::new();
    filter_into(store, plan, &mut out);
    out
}

/// [`filter`] into `out` (cleared first), so a caller asking again and again (the
/// timeline) reuses one buffer instead of allocating a million ids per question.
pub fn filter_into(store: &Store, plan: &Plan, out: &mut Vec<EventId>) {
    out.clear();
    if plan.is_all() {
        out.extend_from_slice(store.sorted());
        return;
    }
    let all = Bits::full(store.len());
    let hits = eval(&plan.root, store, &all);
    out.extend(
        store
            .sorted()
            .iter()
            .copied()
            .filter(|id| hits.get(id.0 as usize)),
    );
}

/// The events of `candidates` that match, in the order given: for refining a previous
/// result when the new query is known to be narrower ([`Ast::narrows`]), so that typing a
/// longer word only rescans the events the shorter one matched.
///
/// [`Ast::narrows`]: super::Ast::narrows
pub fn filter_within(store: &Store, plan: &Plan, candidates: &[EventId]) -> Vec<EventId> {
    let hits = eval(&plan.root, store, &mask_of(store, candidates));
    candidates
        .iter()
        .copied()
        .filter(|id| hits.get(id.0 as usize))
        .collect()
}

/// [`filter_within`] into `out` (cleared first).
pub fn filter_within_into(
    store: &Store,
    plan: &Plan,
    candidates: &[EventId],
    out: &mut Vec<EventId>,
) {
    let hits = eval(&plan.root, store, &mask_of(store, candidates));
    out.clear();
    out.extend(
        candidates
            .iter()
            .copied()
            .filter(|id| hits.get(id.0 as usize)),
    );
}

/// [`filter_within`] in place: keeps the events of `ids` that match.
pub fn retain_matching(store: &Store, plan: &Plan, ids: &mut Vec<EventId>) {
    let hits = eval(&plan.root, store, &mask_of(store, ids));
    ids.retain(|id| hits.get(id.0 as usize));
}

fn mask_of(store: &Store, ids: &[EventId]) -> Bits {
    let mut mask = Bits::empty(store.len());
    for id in ids {
        bits::insert(&mut mask.words, id.0 as usize);
    }
    mask
}

fn node_matches(node: &Node, store: &Store, i: usize) -> bool {
    match node {
        Node::Const(b) => *b,
        Node::And(items) => items.iter().all(|n| node_matches(n, store, i)),
        Node::Or(items) => items.iter().any(|n| node_matches(n, store, i)),
        Node::Not(inner) => !node_matches(inner, store, i),
        Node::Column { column, accept } => store
            .column(*column)
            .get(i)
            .is_some_and(|&s| accept.contains(s)),
        Node::Time { lo, hi } => store
            .time_column()
            .get(i)
            .is_some_and(|t| lo <= t && t < hi),
        Node::Path(leaf) => raw(store, i).is_some_and(|r| path_matches(leaf, &r)),
        Node::Text(leaf) => raw(store, i).is_some_and(|r| text_matches(leaf, &r)),
    }
}

fn path_matches(leaf: &PathLeaf, raw: &str) -> bool {
    may_contain(raw, &leaf.anchors) && any_path_value(raw, &leaf.path, &mut |r| leaf.test.test(&r))
}

fn text_matches(leaf: &TextLeaf, raw: &str) -> bool {
    if let Some(needle) = &leaf.literal {
        return needle_in_values(raw, needle);
    }
    may_contain(raw, &leaf.anchors) && any_string_value(raw, &mut |s| leaf.matcher.is_match(s))
}

// --- whole-store evaluation

/// A fixed-size bitset over event indexes; bits past `len` stay zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    pub(crate) fn empty(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    pub(crate) fn full(len: usize) -> Bits {
        let mut b = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        b.trim();
        b
    }

    fn trim(&mut self) {
        if self.len % 64 != 0 {
            if let Some(last) = self.words.last_mut() {
                *last &= (1u64 << (self.len % 64)) - 1;
            }
        }
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        bits::get(&self.words, i)
    }

    fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    fn and(mut self, other: &Bits) -> Bits {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
        self
    }

    fn and_not(mut self, other: &Bits) -> Bits {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
        self
    }

    fn or(mut self, other: &Bits) -> Bits {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
        self
    }

    fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        bits::ones(&self.words)
    }

    /// Sets bit `i` for every `i < len` where `f(i)`, 64 at a time.
    fn from_fn(len: usize, f: impl Fn(usize) -> bool) -> Bits {
        let mut words = vec![0u64; len.div_ceil(64)];
        for (wi, w) in words.iter_mut().enumerate() {
            let base = wi * 64;
            let n = (len - base).min(64);
            let mut acc = 0u64;
            for b in 0..n {
                acc |= u64::from(f(base + b)) << b;
            }
            *w = acc;
        }
        Bits { words, len }
    }
}

/// Evaluates `node` for the events in `mask`; the result is a subset of `mask`.
fn eval(node: &Node, store: &Store, mask: &Bits) -> Bits {
    let len = mask.len;
    match node {
        Node::Const(true) => mask.clone(),
        Node::Const(false) => Bits::empty(len),
        Node::Column { column, accept } => {
            let col = store.column(*column);
            Bits::from_fn(len, |i| col.get(i).is_some_and(|&s| accept.contains(s))).and(mask)
        }
        Node::Time { lo, hi } => {
            let (lo, hi) = (*lo, *hi);
            let times = store.time_column();
            Bits::from_fn(len, |i| times.get(i).is_some_and(|&t| lo <= t && t < hi)).and(mask)
        }
        Node::Path(leaf) => {
            let needles = needles(&leaf.anchors, None);
            raw_scan(store, mask, &needles, |raw| path_matches(leaf, raw))
        }
        Node::Text(leaf) => {
            let needles = needles(&leaf.anchors, leaf.literal.as_ref());
            raw_scan(store, mask, &needles, |raw| text_matches(leaf, raw))
        }
        Node::Not(inner) => mask.clone().and_not(&eval(inner, store, mask)),
        Node::And(items) => {
            let mut acc = mask.clone();
            for item in items {
                if acc.is_empty() {
                    break;
                }
                acc = eval(item, store, &acc);
            }
            acc
        }
        Node::Or(items) => {
            let mut acc = Bits::empty(len);
            let mut rest = mask.clone();
            for item in items {
                if rest.is_empty() {
                    break;
                }
                let hit = eval(item, store, &rest);
                rest = rest.and_not(&hit);
                acc = acc.or(&hit);
            }
            acc
        }
    }
}

fn raw(store: &Store, i: usize) -> Option<RawText<'_>> {
    store.raw(EventId(u32::try_from(i).ok()?))
}

/// What a leaf's text must contain: every anchor, and the literal needle if any (see
/// [`path_matches`] and [`text_matches`]).
fn needles<'a>(anchors: &'a [Finder], literal: Option<&'a Finder>) -> Vec<&'a [u8]> {
    anchors.iter().chain(literal).map(Finder::needle).collect()
}

/// The events of `mask` whose record passes `test`, reading only the records that may
/// contain every one of `needles` (which `test` requires).
fn raw_scan(store: &Store, mask: &Bits, needles: &[&[u8]], test: impl Fn(&str) -> bool) -> Bits {
    let mut out = Bits::empty(mask.len);
    let filter = store.texts_holding(needles);
    for i in mask.ones() {
        let id = EventId(u32::try_from(i).unwrap_or(u32::MAX));
        if filter.may_hold(id) && store.raw(id).is_some_and(|r| test(&r)) {
            bits::insert(&mut out.words, i);
        }
    }
    out
}
