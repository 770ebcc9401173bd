//! The records [`super::reconstruct`] works on: filtered, deduplicated, sorted, with their
//! common fields read once. Entry point: [`prepare`].
//!
//! Implementation note (determinism): the report must not depend on input order or
//! duplication, so every record gets a total sort key (time, eventID, canonical content) and
//! every later step processes records in that order only.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::identity::describe_identity;
use crate::event::EventKey;
use crate::time::{parse_json_timestamp, EpochMillis};

/// Digit runs longer than this in a month-name timestamp are not years.
const MAX_YEAR_DIGITS: usize = 8;

pub(crate) const ORGANIZATIONS: &str = "organizations.amazonaws.com";
pub(crate) const ACCOUNT: &str = "account.amazonaws.com";

static NULL: Value = Value::Null;

/// `v[key]`, or null when `v` is not an object or has no such key.
pub(crate) fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&NULL)
}

/// The first of `keys` present (not null) in `v`.
pub(crate) fn get_any<'a>(v: &'a Value, keys: &[&str]) -> &'a Value {
    keys.iter()
        .map(|k| get(v, k))
        .find(|x| !x.is_null())
        .unwrap_or(&NULL)
}

/// A non-empty string, or an integer written as one (account ids typed as numbers).
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) fn text_at(v: &Value, key: &str) -> Option<String> {
    text(get(v, key))
}

pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// One Organizations record with the fields every lifecycle needs.
pub(crate) struct Rec<'a> {
    pub event_id: Option<String>,
    pub source: String,
    pub name: String,
    pub time: Option<EpochMillis>,
    pub region: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// [`describe_identity`] of `userIdentity`.
    pub actor: String,
    /// `userIdentity.accountId`.
    pub caller_account: Option<String>,
    pub recipient: Option<String>,
    pub req: &'a Value,
    pub resp: &'a Value,
    pub service: &'a Value,
    pub additional: &'a Value,
    pub resources: &'a Value,
    canonical: String,
}

impl Rec<'_> {
    pub fn failed(&self) -> bool {
        self.error_code.is_some()
    }

    /// The account the call was made in: the caller's account, else the trail's.
    pub fn account(&self) -> Option<String> {
        self.caller_account
            .clone()
            .or_else(|| self.recipient.clone())
    }

    /// The event id as a list, for rows (records without an eventID cannot be linked).
    pub fn ids(&self) -> Vec<String> {
        self.event_id.iter().cloned().collect()
    }

    /// Read-only calls never change a lifecycle.
    pub fn read_only(&self) -> bool {
        ["Describe", "List", "Get"]
            .iter()
            .any(|p| self.name.starts_with(p))
    }
}

/// What [`prepare`] found besides the records.
pub(crate) struct Prepared<'a> {
    pub recs: Vec<Rec<'a>>,
    /// eventIDs shared by different events.
    pub conflicting_ids: Vec<String>,
    /// Records (their eventIDs, where present) with no readable eventTime.
    pub missing_time: usize,
    pub missing_time_ids: Vec<String>,
}

/// Filters with [`super::is_org_event`], removes duplicates and sorts.
///
/// Duplicates are one event by [`EventKey`], the store's definition; among copies that
/// differ otherwise the smallest canonical form wins. Records without an eventID are
/// duplicates when their canonical forms are equal.
pub(crate) fn prepare<'a>(records: impl IntoIterator<Item = &'a Value>) -> Prepared<'a> {
    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    enum Key {
        Event(EventKey<String>),
        Content(String),
    }
    let mut unique: BTreeMap<Key, Rec<'a>> = BTreeMap::new();
    for raw in records {
        let Some(rec) = read(raw) else { continue };
        let key = match &rec.event_id {
            Some(id) => Key::Event(EventKey {
                event_id: id.clone(),
                time: rec.time,
                name: rec.name.clone(),
                source: rec.source.clone(),
            }),
            None => Key::Content(rec.canonical.clone()),
        };
        match unique.get(&key) {
            Some(kept) if kept.canonical <= rec.canonical => {}
            _ => {
                unique.insert(key, rec);
            }
        }
    }
    let mut keys_per_id: BTreeMap<&str, usize> = BTreeMap::new();
    for rec in unique.values() {
        if let Some(id) = &rec.event_id {
            *keys_per_id.entry(id.as_str()).or_default() += 1;
        }
    }
    let conflicting_ids: Vec<String> = keys_per_id
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id.to_string())
        .collect();
    let mut recs: Vec<Rec<'a>> = unique.into_values().collect();
    crate::sort::sort_by(&mut recs, |a, b| {
        (a.time, &a.event_id, &a.canonical).cmp(&(b.time, &b.event_id, &b.canonical))
    });
    let missing: Vec<&Rec> = recs.iter().filter(|r| r.time.is_none()).collect();
    let missing_time = missing.len();
    let missing_time_ids: BTreeSet<String> =
        crate::sort::set_of(missing.iter().filter_map(|r| r.event_id.clone()));
    Prepared {
        recs,
        conflicting_ids,
        missing_time,
        missing_time_ids: missing_time_ids.into_iter().collect(),
    }
}

fn read(raw: &Value) -> Option<Rec<'_>> {
    let source = text_at(raw, "eventSource")?;
    let name = text_at(raw, "eventName")?;
    if !super::is_org_event(&source, &name) {
        return None;
    }
    let identity = get(raw, "userIdentity");
    let mut canonical = String::new();
    write_canonical(raw, &mut canonical);
    Some(Rec {
        event_id: text_at(raw, "eventID"),
        time: timestamp(get(raw, "eventTime")),
        region: text_at(raw, "awsRegion"),
        error_code: text_at(raw, "errorCode"),
        error_message: text_at(raw, "errorMessage"),
        actor: describe_identity(identity),
        caller_account: text_at(identity, "accountId"),
        recipient: text_at(raw, "recipientAccountId"),
        req: get(raw, "requestParameters"),
        resp: get(raw, "responseElements"),
        service: get(raw, "serviceEventDetails"),
        additional: get(raw, "additionalEventData"),
        resources: get(raw, "resources"),
        source,
        name,
        canonical,
    })
}

/// [`parse_json_timestamp`], refusing month-name dialect texts with absurd years first:
/// `crate::time` overflows on them (debug builds panic), e.g. `Sep 16, 99999999999 9:20 PM`.
pub(crate) fn timestamp(v: &Value) -> Option<EpochMillis> {
    if let Value::String(s) = v {
        let month_name = s.trim_start().starts_with(|c: char| c.is_alphabetic());
        let longest_digits = s
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()
            .unwrap_or(0);
        if month_name && longest_digits > MAX_YEAR_DIGITS {
            return None;
        }
    }
    parse_json_timestamp(v)
}

/// JSON with object keys sorted, so equal content compares equal whatever the key order
/// (serde_json's map order depends on a feature another crate may turn on).
fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(val, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push_str(&Value::String(s.to_string()).to_string());
}

/// Finds a field of a service event wherever Organizations put it: `serviceEventDetails`,
/// `requestParameters`, `responseElements` or `additionalEventData`, directly or one object
/// down, matching keys case-insensitively (the membership events are new and their exact
/// layout is not documented).
pub(crate) fn find_field<'a>(rec: &Rec<'a>, keys: &[&str]) -> &'a Value {
    let matches = |k: &str| keys.iter().any(|want| want.eq_ignore_ascii_case(k));
    let search = |place: &'a Value| -> Option<&'a Value> {
        let Value::Object(map) = place else {
            return None;
        };
        // Key order can vary; pick the smallest matching key so the answer is stable.
        map.iter()
            .filter(|(k, v)| matches(k) && !v.is_null())
            .min_by(|a, b| a.0.cmp(b.0))
            .map(|(_, v)| v)
    };
    for place in [rec.service, rec.req, rec.resp, rec.additional] {
        if let Some(v) = search(place) {
            return v;
        }
    }
    for place in [rec.service, rec.req, rec.resp, rec.additional] {
        if let Value::Object(map) = place {
            let mut inner: Vec<(&String, &Value)> = map.iter().collect();
            crate::sort::sort_by(&mut inner, |a, b| a.0.cmp(b.0));
            for (_, v) in inner {
                if let Some(found) = search(v) {
                    return found;
                }
            }
        }
    }
    &NULL
}
