//! The records [`super::reconstruct`] works on: filtered, deduplicated, sorted, with their
//! common fields read once. Entry point: [`prepare`].
//!
//! Implementation note (determinism): the report must not depend on input order or
//! duplication, so every record gets a total sort key (time, eventID, canonical content) and
//! every later step processes records in that order only.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::identity::describe_identity;
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

/// The top-level fields [`read`] uses, so the rest of a record (most of an Organizations
/// record is fields no lifecycle reads) is skipped rather than built into a `Value`.
/// Absent and null are alike for all of them, as for [`get`]; strings are as [`text`]
/// makes them.
#[derive(serde::Deserialize)]
pub(crate) struct Fields {
    #[serde(rename = "eventID", default, deserialize_with = "trimmed")]
    pub(super) event_id: Option<String>,
    #[serde(rename = "eventSource", default, deserialize_with = "trimmed")]
    pub(super) source: Option<String>,
    #[serde(rename = "eventName", default, deserialize_with = "trimmed")]
    pub(super) name: Option<String>,
    #[serde(rename = "awsRegion", default, deserialize_with = "trimmed")]
    pub(super) region: Option<String>,
    #[serde(rename = "errorCode", default, deserialize_with = "trimmed")]
    pub(super) error_code: Option<String>,
    #[serde(rename = "errorMessage", default, deserialize_with = "trimmed")]
    pub(super) error_message: Option<String>,
    #[serde(rename = "recipientAccountId", default, deserialize_with = "trimmed")]
    pub(super) recipient: Option<String>,
    #[serde(rename = "eventTime", default, deserialize_with = "time")]
    pub(super) time: Option<EpochMillis>,
    /// `userIdentity.accountId`, the one identity field every record needs. The rest is
    /// skipped: most records never become a row, and a row's actor is described from the
    /// record read again ([`Rec::actor`]).
    #[serde(rename = "userIdentity", default, deserialize_with = "account_of")]
    pub(super) caller_account: Option<String>,
    #[serde(rename = "requestParameters", default)]
    pub(super) req: Value,
    #[serde(rename = "responseElements", default)]
    pub(super) resp: Value,
    #[serde(rename = "serviceEventDetails", default)]
    pub(super) service: Value,
    #[serde(rename = "additionalEventData", default)]
    pub(super) additional: Value,
    #[serde(default)]
    pub(super) resources: Value,
}

/// [`text`] of a string or null (anything else refuses the typed parse, so the record is
/// read as a whole `Value`, where [`text`] decides).
fn trimmed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s: Option<Cow<'de, str>> = serde::Deserialize::deserialize(d)?;
    Ok(s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

/// A JSON value as the scalar readers below see it (read without building a `Value`:
/// strings are not copied, objects and arrays are skipped).
enum Scalar<'s> {
    Str(&'s str),
    Num(serde_json::Number),
    Other,
}

impl Scalar<'_> {
    /// [`text`] of the value.
    fn text(self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string),
            Scalar::Num(n) if n.is_u64() || n.is_i64() => Some(n.to_string()),
            _ => None,
        }
    }

    /// [`timestamp`] of the value.
    fn timestamp(self) -> Option<EpochMillis> {
        match self {
            Scalar::Str(s) => timestamp_text(s),
            Scalar::Num(n) => parse_json_timestamp(&Value::Number(n)),
            Scalar::Other => None,
        }
    }
}

/// Reads any JSON value as a [`Scalar`], handing it to `f`.
fn scalar<'de, D, T>(d: D, f: impl FnOnce(Scalar<'_>) -> T) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Visit<F>(F);
    impl<'de, T, F: FnOnce(Scalar<'_>) -> T> serde::de::Visitor<'de> for Visit<F> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_str<E>(self, s: &str) -> Result<T, E> {
            Ok((self.0)(Scalar::Str(s)))
        }
        fn visit_u64<E>(self, n: u64) -> Result<T, E> {
            Ok((self.0)(Scalar::Num(n.into())))
        }
        fn visit_i64<E>(self, n: i64) -> Result<T, E> {
            Ok((self.0)(Scalar::Num(n.into())))
        }
        fn visit_f64<E>(self, n: f64) -> Result<T, E> {
            Ok((self.0)(
                serde_json::Number::from_f64(n).map_or(Scalar::Other, Scalar::Num),
            ))
        }
        fn visit_bool<E>(self, _: bool) -> Result<T, E> {
            Ok((self.0)(Scalar::Other))
        }
        fn visit_unit<E>(self) -> Result<T, E> {
            Ok((self.0)(Scalar::Other))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok((self.0)(Scalar::Other))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok((self.0)(Scalar::Other))
        }
    }
    d.deserialize_any(Visit(f))
}

/// `accountId` of an identity, as [`text_at`] reads it: `None` for anything but an object.
/// A repeated `accountId` refuses the typed parse, so the record is read as a `Value`
/// (the last one wins), as everywhere else.
fn account_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Visit;
    impl<'de> Visitor<'de> for Visit {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a userIdentity")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut account = None;
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                if key != "accountId" {
                    map.next_value::<IgnoredAny>()?;
                } else if account.is_some() {
                    return Err(serde::de::Error::duplicate_field("accountId"));
                } else {
                    account = Some(map.next_value_seed(TextSeed)?);
                }
            }
            Ok(account.flatten())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    /// [`text_of`] as a seed, for one map value.
    struct TextSeed;
    impl<'de> serde::de::DeserializeSeed<'de> for TextSeed {
        type Value = Option<String>;
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            text_of(d)
        }
    }
    d.deserialize_any(Visit)
}

/// [`timestamp`] of a field, read without building a `Value`.
fn time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<EpochMillis>, D::Error> {
    scalar(d, |s| s.timestamp())
}

/// [`text`] of a field, read without building a `Value`.
fn text_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, |s| s.text())
}

/// What [`Fields::parse`] makes of a record's text. Short-lived (one record at a time,
/// straight into [`super::OrgRecords`]), so the large variant stays unboxed.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Parsed {
    Fields(Fields),
    /// Text the typed parse refused (numbers for strings, repeated keys, not an object):
    /// parsed whole, as a `Value` the reading is the same for.
    Whole(Value),
    /// Not JSON.
    Unreadable,
}

impl Fields {
    /// A record's text. A record nested deeper than serde_json's limit (128) only in
    /// fields [`read`] skips is read, where a whole `Value` would be refused.
    pub fn parse(text: &str) -> Parsed {
        // Not only objects deserialize into a struct: an array would fill it in order.
        let object = text.trim_start().starts_with('{');
        match serde_json::from_str::<Fields>(text) {
            Ok(fields) if object => Parsed::Fields(fields),
            _ => serde_json::from_str(text).map_or(Parsed::Unreadable, Parsed::Whole),
        }
    }
}

/// Where a record's canonical form comes from: its `Value`, or its text read again.
#[derive(Clone, Copy)]
pub(super) enum Whole<'a> {
    Value(&'a Value),
    At(usize),
}

/// Reads record `at`'s text again as a whole `Value` (for records read from [`Fields`]).
pub(crate) type Reread<'r> = &'r dyn Fn(usize) -> Option<Value>;

/// One Organizations record with the fields every lifecycle needs.
pub(crate) struct Rec<'a> {
    pub event_id: Option<Cow<'a, str>>,
    pub source: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub time: Option<EpochMillis>,
    pub region: Option<Cow<'a, str>>,
    pub error_code: Option<Cow<'a, str>>,
    pub error_message: Option<Cow<'a, str>>,
    /// `userIdentity`, for [`Rec::actor`].
    pub(super) identity: Identity<'a>,
    /// `userIdentity.accountId`.
    pub caller_account: Option<Cow<'a, str>>,
    pub recipient: Option<Cow<'a, str>>,
    pub req: &'a Value,
    pub resp: &'a Value,
    pub service: &'a Value,
    pub additional: &'a Value,
    pub resources: &'a Value,
    pub(super) whole: Whole<'a>,
    /// The whole record's canonical form, where [`prepare`] needed it.
    pub(super) canonical: Option<String>,
}

/// A record's `userIdentity`: a `Value`, or where to read the record again.
pub(super) enum Identity<'a> {
    Value(&'a Value),
    Reread(usize, Reread<'a>),
}

impl Rec<'_> {
    /// [`describe_identity`] of `userIdentity` (worked out only for rows that show it).
    pub fn actor(&self) -> String {
        match self.identity {
            Identity::Value(v) => describe_identity(v),
            Identity::Reread(at, reread) => {
                let record = reread(at);
                describe_identity(get(record.as_ref().unwrap_or(&NULL), "userIdentity"))
            }
        }
    }

    pub fn failed(&self) -> bool {
        self.error_code.is_some()
    }

    /// The account the call was made in: the caller's account, else the trail's.
    pub fn account(&self) -> Option<String> {
        let account = self.caller_account.as_deref().or(self.recipient.as_deref());
        account.map(str::to_string)
    }

    /// The event id as a list, for rows (records without an eventID cannot be linked).
    pub fn ids(&self) -> Vec<String> {
        self.event_id.iter().map(|id| id.to_string()).collect()
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
/// Duplicates are one event by [`crate::event::EventKey`], the store's definition; among copies that
/// differ otherwise the smallest canonical form wins. Records without an eventID are
/// duplicates when their canonical forms are equal.
///
/// The order is (time, eventID, canonical form). Only records sharing a (time, eventID)
/// need their canonical form, to order and deduplicate them (equal forms have equal
/// times, so a group holds every copy): nearly all records are alone in theirs, and the
/// form costs more than everything else here.
pub(crate) fn prepare<'a>(mut read: Vec<Rec<'a>>, reread: Reread<'a>) -> Prepared<'a> {
    crate::sort::sort_by(&mut read, |a, b| {
        (a.time, &a.event_id).cmp(&(b.time, &b.event_id))
    });
    let mut recs = Vec::with_capacity(read.len());
    let mut group: Vec<Rec<'a>> = Vec::new();
    let mut rest = read.into_iter().peekable();
    while let Some(first) = rest.next() {
        while let Some(next) =
            rest.next_if(|r| (r.time, &r.event_id) == (first.time, &first.event_id))
        {
            group.push(next);
        }
        // First, as it came (nearly always alone).
        group.insert(0, first);
        if group.len() > 1 {
            for rec in &mut group {
                let mut out = String::new();
                match rec.whole {
                    Whole::Value(v) => write_canonical(v, &mut out),
                    Whole::At(i) => write_canonical(&reread(i).unwrap_or_default(), &mut out),
                }
                rec.canonical = Some(out);
            }
            // One event: the same (name, source) with an eventID, the same content
            // without (which means the same name and source). After this sort, the first
            // of each run of copies has the smallest canonical form.
            crate::sort::sort_by(&mut group, |a, b| {
                (&a.name, &a.source, &a.canonical).cmp(&(&b.name, &b.source, &b.canonical))
            });
            group.dedup_by(|later, kept| match kept.event_id {
                Some(_) => (&later.name, &later.source) == (&kept.name, &kept.source),
                None => later.canonical == kept.canonical,
            });
            crate::sort::sort_by(&mut group, |a, b| a.canonical.cmp(&b.canonical));
        }
        recs.append(&mut group);
    }
    // Each record is one event now: an eventID seen twice is shared.
    let mut seen: HashSet<&str, foldhash::fast::RandomState> = HashSet::default();
    let conflicting: BTreeSet<&str> = crate::sort::set_of(
        recs.iter()
            .filter_map(|r| r.event_id.as_deref())
            .filter(|id| !seen.insert(id)),
    );
    let conflicting_ids = conflicting.into_iter().map(str::to_string).collect();
    let missing: Vec<&Rec> = recs.iter().filter(|r| r.time.is_none()).collect();
    let missing_time = missing.len();
    let missing_time_ids: BTreeSet<String> = crate::sort::set_of(
        missing
            .iter()
            .filter_map(|r| Some(r.event_id.as_deref()?.to_string())),
    );
    Prepared {
        recs,
        conflicting_ids,
        missing_time,
        missing_time_ids: missing_time_ids.into_iter().collect(),
    }
}

/// Reads a record's `Value`: `None` for anything but an Organizations record.
pub(crate) fn read(raw: &Value) -> Option<Rec<'_>> {
    let source = text_at(raw, "eventSource")?;
    let name = text_at(raw, "eventName")?;
    if !super::is_org_event(&source, &name) {
        return None;
    }
    let identity = get(raw, "userIdentity");
    let text = |key| text_at(raw, key).map(Cow::Owned);
    Some(Rec {
        event_id: text("eventID"),
        time: timestamp(get(raw, "eventTime")),
        region: text("awsRegion"),
        error_code: text("errorCode"),
        error_message: text("errorMessage"),
        caller_account: text_at(identity, "accountId").map(Cow::Owned),
        identity: Identity::Value(identity),
        recipient: text("recipientAccountId"),
        req: get(raw, "requestParameters"),
        resp: get(raw, "responseElements"),
        service: get(raw, "serviceEventDetails"),
        additional: get(raw, "additionalEventData"),
        resources: get(raw, "resources"),
        source: Cow::Owned(source),
        name: Cow::Owned(name),
        whole: Whole::Value(raw),
        canonical: None,
    })
}

/// [`parse_json_timestamp`], refusing month-name dialect texts with absurd years first:
/// `crate::time` overflows on them (debug builds panic), e.g. `Sep 16, 99999999999 9:20 PM`.
pub(crate) fn timestamp(v: &Value) -> Option<EpochMillis> {
    match v {
        Value::String(s) => timestamp_text(s),
        other => parse_json_timestamp(other),
    }
}

fn timestamp_text(s: &str) -> Option<EpochMillis> {
    let month_name = s.trim_start().starts_with(|c: char| c.is_alphabetic());
    let longest_digits = s
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if month_name && longest_digits > MAX_YEAR_DIGITS {
        return None;
    }
    crate::time::parse_timestamp(s)
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

/// An owned copy of one of a [`Rec`]'s optional fields, for the report.
pub(crate) fn owned(field: &Option<Cow<'_, str>>) -> Option<String> {
    field.as_deref().map(str::to_string)
}
