//! Autocomplete material: the field paths present in the data, and a field's frequent
//! values.
//!
//! Entry points: [`fields_in`] and [`top_values`]. Both read a bounded, evenly spread
//! sample of records for JSON paths (a million records are too many to walk per
//! keystroke); alias columns are counted exactly.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value as Json;

use crate::store::{EventId, Store};

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
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    match field::resolve(field) {
        Target::Time => {}
        Target::Column(column) => {
            let mut by_sym: BTreeMap<u32, u32> = BTreeMap::new();
            for s in store.column(column).iter().filter(|s| !s.is_none()) {
                *by_sym.entry(s.0).or_default() += 1;
            }
            for (sym, n) in by_sym {
                let text = store.resolve(crate::intern::Sym(sym)).to_owned();
                *counts.entry(text).or_default() += n;
            }
        }
        Target::Path => {
            for json in sampled_records(store, sample) {
                let mut seen = BTreeSet::new();
                reach(&json, field.segments(), &mut seen);
                for v in seen {
                    *counts.entry(v).or_default() += 1;
                }
            }
        }
    }
    let mut out: Vec<(String, u32)> = counts.into_iter().collect();
    // Distinct values of a sample or of a column: hundreds to thousands, not one per event.
    crate::sort::sort_by(&mut out, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(limit);
    out
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
