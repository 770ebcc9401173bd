//! Autocomplete material: the field paths present in the data, and a field's frequent
//! values.
//!
//! Entry points: [`fields_in`] and [`top_values`]. Both read a bounded, evenly spread
//! sample of records for JSON paths (a million records are too many to walk per
//! keystroke); alias columns are counted exactly.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use serde::Serialize;
use serde_json::Value as Json;

use crate::store::{Column, EventId, Store};

use super::ast::Field;
use super::field::{self, Target};

/// A field path seen in the data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldInfo {
    /// As it would be typed (`requestParameters.bucketName`, dots in keys escaped).
    pub path: String,
    /// Sampled records with a value there.
    pub events: u32,
}

/// Evenly spread ids of at most `sample` events, in time order.
fn sample_ids(store: &Store, sample: usize) -> Vec<EventId> {
    let sorted = store.sorted();
    if sample == 0 || sorted.is_empty() {
        return Vec::new();
    }
    let step = sorted.len().div_ceil(sample).max(1);
    sorted.iter().step_by(step).copied().collect()
}

/// The parsed records of [`sample_ids`] (records whose text is not JSON are skipped).
fn sampled_records(store: &Store, sample: usize) -> impl Iterator<Item = Json> + '_ {
    sample_ids(store, sample)
        .into_iter()
        .filter_map(|id| serde_json::from_str::<Json>(&store.raw(id)?).ok())
}

/// The paths to scalar values (strings, numbers, booleans; not null or "") in a sample of
/// at most `sample` records, most common first, then by path. Arrays are walked through,
/// as queries do.
pub fn fields_in(store: &Store, sample: usize) -> Vec<FieldInfo> {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for json in sampled_records(store, sample) {
        let mut paths = BTreeSet::new();
        collect(&json, &mut Vec::new(), &mut paths);
        for p in paths {
            *counts.entry(p).or_default() += 1;
        }
    }
    let mut out: Vec<FieldInfo> = counts
        .into_iter()
        .map(|(path, events)| FieldInfo { path, events })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        b.events.cmp(&a.events).then_with(|| a.path.cmp(&b.path))
    });
    out
}

fn collect(v: &Json, path: &mut Vec<String>, out: &mut BTreeSet<String>) {
    // Deeper than this is not worth suggesting (and keeps recursion bounded).
    const MAX_DEPTH: usize = 16;
    match v {
        Json::Object(map) if path.len() < MAX_DEPTH => {
            for (k, x) in map {
                path.push(k.clone());
                collect(x, path, out);
                path.pop();
            }
        }
        Json::Array(items) if path.len() < MAX_DEPTH => {
            for x in items {
                collect(x, path, out);
            }
        }
        Json::Null | Json::Object(_) | Json::Array(_) => {}
        Json::String(s) if s.is_empty() => {}
        _ if !path.is_empty() => {
            out.insert(Field(path.clone()).to_string());
        }
        _ => {}
    }
}

/// The most frequent values of `field` with their counts, most frequent first, then by
/// value: exact over the whole store for alias columns, over a sample of at most
/// `sample` records for paths. Empty for `eventTime`.
pub fn top_values(store: &Store, field: &Field, sample: usize, limit: usize) -> Vec<(String, u32)> {
    top_values_with(store, field, sample, limit, &mut Vec::new())
}

/// [`top_values`], counting a column's values in `scratch` (counts by symbol, all zeros
/// before and after; grown as needed): a caller asking on every keystroke lends the same
/// buffer each time. Counting by value text instead (a map of a million `String`s for
/// `eventID`) took ~120 MB at a million events, which the worker's wasm memory kept.
pub fn top_values_with(
    store: &Store,
    field: &Field,
    sample: usize,
    limit: usize,
    scratch: &mut Vec<u32>,
) -> Vec<(String, u32)> {
    match field::resolve(field) {
        Target::Time => Vec::new(),
        Target::Column(column) => top_symbols(store, column, limit, scratch),
        Target::Path => {
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for json in sampled_records(store, sample) {
                let mut seen = BTreeSet::new();
                reach(&json, field.segments(), &mut seen);
                for v in seen {
                    *counts.entry(v).or_default() += 1;
                }
            }
            let mut out: Vec<(String, u32)> = counts.into_iter().collect();
            // Distinct values of a sample: hundreds to thousands, not one per event.
            crate::sort::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            out.truncate(limit);
            out
        }
    }
}

/// A column's `limit` most frequent values, most first, ties by text: counted by symbol
/// (the interner keeps one symbol per text), the best kept in a heap of `limit`.
fn top_symbols(
    store: &Store,
    column: Column,
    limit: usize,
    scratch: &mut Vec<u32>,
) -> Vec<(String, u32)> {
    /// Orders worse first, so the heap's top is the one to drop.
    #[derive(PartialEq, Eq)]
    struct Ranked<'a>(u32, &'a str);
    impl Ord for Ranked<'_> {
        fn cmp(&self, other: &Self) -> Ordering {
            other.0.cmp(&self.0).then_with(|| self.1.cmp(other.1))
        }
    }
    impl PartialOrd for Ranked<'_> {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
    if scratch.len() < store.symbol_count() {
        scratch.resize(store.symbol_count(), 0);
    }
    let values = store.column(column);
    for s in values.iter().filter(|s| !s.is_none()) {
        scratch[s.0 as usize] += 1;
    }
    let mut best: BinaryHeap<Ranked> = BinaryHeap::with_capacity(limit.min(1 << 10) + 1);
    for s in values.iter().filter(|s| !s.is_none()) {
        // Taken (zeroed) the first time the symbol is met: each value is ranked once.
        let n = std::mem::take(&mut scratch[s.0 as usize]);
        if n == 0 {
            continue;
        }
        let r = Ranked(n, store.resolve(*s));
        if best.len() == limit && best.peek().is_none_or(|worst| r >= *worst) {
            continue;
        }
        best.push(r);
        if best.len() > limit {
            best.pop();
        }
    }
    best.into_sorted_vec()
        .into_iter()
        .map(|Ranked(n, text)| (text.to_owned(), n))
        .collect()
}

/// Scalar texts at a path, as queries read them.
fn reach(v: &Json, path: &[String], out: &mut BTreeSet<String>) {
    match (v, path.split_first()) {
        (Json::Array(items), _) => items.iter().for_each(|x| reach(x, path, out)),
        (Json::Object(map), Some((head, rest))) => {
            for (k, x) in map {
                if k.eq_ignore_ascii_case(head) {
                    reach(x, rest, out);
                }
            }
        }
        (Json::String(s), None) if !s.is_empty() => {
            out.insert(s.clone());
        }
        (Json::Number(n), None) => {
            out.insert(n.to_string());
        }
        (Json::Bool(b), None) => {
            out.insert(b.to_string());
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Session;

    #[test]
    fn fields_and_values_of_a_small_store() {
        let mut session = Session::default();
        let text = serde_json::json!({"Records": [
            {"eventVersion": "1", "eventID": "a", "eventName": "GetObject",
             "requestParameters": {"bucketName": "logs", "a.b": 1, "items": [{"arn": "x"}, {"arn": "y"}]}},
            {"eventVersion": "1", "eventID": "b", "eventName": "GetObject",
             "requestParameters": {"bucketName": "logs", "none": null}},
            {"eventVersion": "1", "eventID": "c", "eventName": "PutObject"},
        ]})
        .to_string();
        session.add_file("f.json", text.as_bytes());
        session.finish();
        let store = session.store();
        let fields = fields_in(store, 100);
        let path = |p: &str| fields.iter().find(|f| f.path == p).map(|f| f.events);
        assert_eq!(path("eventName"), Some(3));
        assert_eq!(path("requestParameters.bucketName"), Some(2));
        assert_eq!(path(r"requestParameters.a\.b"), Some(1));
        assert_eq!(path("requestParameters.items.arn"), Some(1));
        assert_eq!(path("requestParameters.none"), None);
        assert_eq!(fields[0].events, 3);

        let names = top_values(store, &Field::new(["EVENTNAME"]), 100, 10);
        assert_eq!(
            names,
            [("GetObject".to_owned(), 2), ("PutObject".to_owned(), 1)]
        );
        let arns = top_values(
            store,
            &Field::new(["requestParameters", "items", "arn"]),
            100,
            1,
        );
        assert_eq!(arns, [("x".to_owned(), 1)]);
        assert!(top_values(store, &Field::new(["eventTime"]), 100, 10).is_empty());
    }
}
