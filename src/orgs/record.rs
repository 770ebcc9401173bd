//! The records [`super::reconstruct`] works on: filtered, deduplicated, sorted, with their
//! common fields read once. Entry point: [`prepare`].
//!
//! Implementation note (determinism): the report must not depend on input order or
//! duplication, so every record gets a total sort key (time, eventID, canonical content) and
//! every later step processes records in that order only.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use serde_json::value::RawValue;
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

/// A record as [`super::reconstruct`] receives it.
pub(crate) enum Input<'t> {
    Value(&'t Value),
    /// Parsed from text: only the fields [`read`] uses (see [`Input::parse`]).
    Fields(Box<Fields>),
    /// Text the typed parse refused (numbers for strings, repeated keys, not an object):
    /// parsed whole, as a `Value` the reading is the same for.
    Whole(Value),
}

/// The top-level fields [`read`] uses, so the rest of a record (most of an Organizations
/// record is fields no lifecycle reads) is skipped rather than built into a `Value`.
/// Absent and null are alike for all of them, as for [`get`]; strings are as [`text`]
/// makes them.
#[derive(serde::Deserialize)]
pub(crate) struct Fields {
    /// Where the text came from, to read it whole again if [`prepare`] needs to.
    #[serde(skip)]
    at: usize,
    #[serde(rename = "eventID", default, deserialize_with = "trimmed")]
    event_id: Option<String>,
    #[serde(rename = "eventSource", default, deserialize_with = "trimmed")]
    source: Option<String>,
    #[serde(rename = "eventName", default, deserialize_with = "trimmed")]
    name: Option<String>,
    #[serde(rename = "awsRegion", default, deserialize_with = "trimmed")]
    region: Option<String>,
    #[serde(rename = "errorCode", default, deserialize_with = "trimmed")]
    error_code: Option<String>,
    #[serde(rename = "errorMessage", default, deserialize_with = "trimmed")]
    error_message: Option<String>,
    #[serde(rename = "recipientAccountId", default, deserialize_with = "trimmed")]
    recipient: Option<String>,
    #[serde(rename = "eventTime", default, deserialize_with = "time")]
    time: Option<EpochMillis>,
    /// Kept as text: most records never become a row, so their actor is never described
    /// (building the `Value` of every identity, and dropping it, cost more than the rest).
    #[serde(rename = "userIdentity", default)]
    identity: Option<Box<RawValue>>,
    #[serde(rename = "requestParameters", default)]
    req: Value,
    #[serde(rename = "responseElements", default)]
    resp: Value,
    #[serde(rename = "serviceEventDetails", default)]
    service: Value,
    #[serde(rename = "additionalEventData", default)]
    additional: Value,
    #[serde(default)]
    resources: Value,
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
    use serde::de::{IgnoredAny, MapAccess, SeqAccess};
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

/// [`timestamp`] of a field, read without building a `Value`.
fn time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<EpochMillis>, D::Error> {
    scalar(d, |s| s.timestamp())
}

/// [`text`] of a field, read without building a `Value`.
fn text_of<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar(d, |s| s.text())
}

impl Input<'_> {
    /// Record `at`'s text; `None` for text that is not JSON. A record nested deeper than
    /// serde_json's limit (128) only in fields [`read`] skips is read, where a whole
    /// `Value` would be refused.
    pub fn parse(at: usize, text: &str) -> Option<Input<'static>> {
        // Not only objects deserialize into a struct: an array would fill it in order.
        let object = text.trim_start().starts_with('{');
        match serde_json::from_str::<Fields>(text) {
            Ok(fields) if object => Some(Input::Fields(Box::new(Fields { at, ..fields }))),
            _ => serde_json::from_str(text).ok().map(Input::Whole),
        }
    }
}

/// Where a record's canonical form comes from: its `Value`, or its text read again.
#[derive(Clone, Copy)]
enum Whole<'a> {
    Value(&'a Value),
    At(usize),
}

/// Reads record `at`'s text again as a whole `Value` (for [`Input::Fields`]).
pub(crate) type Reread<'r> = &'r dyn Fn(usize) -> Option<Value>;

/// One Organizations record with the fields every lifecycle needs.
pub(crate) struct Rec<'a> {
    pub event_id: Option<String>,
    pub source: String,
    pub name: String,
    pub time: Option<EpochMillis>,
    pub region: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// `userIdentity`, for [`Rec::actor`].
    identity: Identity<'a>,
    /// `userIdentity.accountId`.
    pub caller_account: Option<String>,
    pub recipient: Option<String>,
    pub req: &'a Value,
    pub resp: &'a Value,
    pub service: &'a Value,
    pub additional: &'a Value,
    pub resources: &'a Value,
    whole: Whole<'a>,
    /// The whole record's canonical form, where [`prepare`] needed it.
    canonical: Option<String>,
}

/// A record's `userIdentity`: a `Value`, or its text (`None`: absent or null).
enum Identity<'a> {
    Value(&'a Value),
    Text(Option<&'a RawValue>),
}

impl Identity<'_> {
    /// `userIdentity.accountId`, as [`text_at`] reads it.
    fn account(&self) -> Option<String> {
        /// The one field, so the rest of the identity is skipped, not built.
        #[derive(serde::Deserialize)]
        struct Account {
            #[serde(rename = "accountId", default, deserialize_with = "text_of")]
            id: Option<String>,
        }
        match self {
            Identity::Value(v) => text_at(v, "accountId"),
            Identity::Text(None) => None,
            // A struct also reads an array in order: objects only. Anything the typed
            // read refuses (a repeated key, …) is read whole, as the `Value` path would.
            Identity::Text(Some(raw)) => match raw.get().trim_start().starts_with('{') {
                true => match serde_json::from_str::<Account>(raw.get()) {
                    Ok(a) => a.id,
                    Err(_) => text_at(&serde_json::from_str(raw.get()).ok()?, "accountId"),
                },
                false => None,
            },
        }
    }
}

impl Rec<'_> {
    /// [`describe_identity`] of `userIdentity` (worked out only for rows that show it).
    pub fn actor(&self) -> String {
        match self.identity {
            Identity::Value(v) => describe_identity(v),
            Identity::Text(raw) => {
                let v = raw.and_then(|r| serde_json::from_str(r.get()).ok());
                describe_identity(v.as_ref().unwrap_or(&NULL))
            }
        }
    }

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
/// Duplicates are one event by [`crate::event::EventKey`], the store's definition; among copies that
/// differ otherwise the smallest canonical form wins. Records without an eventID are
/// duplicates when their canonical forms are equal.
///
/// The order is (time, eventID, canonical form). Only records sharing a (time, eventID)
/// need their canonical form, to order and deduplicate them (equal forms have equal
/// times, so a group holds every copy): nearly all records are alone in theirs, and the
/// form costs more than everything else here.
pub(crate) fn prepare<'a>(records: &'a mut [Input<'_>], reread: Reread) -> Prepared<'a> {
    let mut read: Vec<Rec<'a>> = records.iter_mut().filter_map(read).collect();
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
    let missing_time_ids: BTreeSet<String> =
        crate::sort::set_of(missing.iter().filter_map(|r| r.event_id.clone()));
    Prepared {
        recs,
        conflicting_ids,
        missing_time,
        missing_time_ids: missing_time_ids.into_iter().collect(),
    }
}

fn read<'a>(input: &'a mut Input<'_>) -> Option<Rec<'a>> {
    let raw: &'a Value = match input {
        Input::Value(v) => v,
        Input::Whole(v) => v,
        Input::Fields(f) => return read_fields(f),
    };
    let source = text_at(raw, "eventSource")?;
    let name = text_at(raw, "eventName")?;
    if !super::is_org_event(&source, &name) {
        return None;
    }
    let identity = Identity::Value(get(raw, "userIdentity"));
    Some(Rec {
        event_id: text_at(raw, "eventID"),
        time: timestamp(get(raw, "eventTime")),
        region: text_at(raw, "awsRegion"),
        error_code: text_at(raw, "errorCode"),
        error_message: text_at(raw, "errorMessage"),
        caller_account: identity.account(),
        identity,
        recipient: text_at(raw, "recipientAccountId"),
        req: get(raw, "requestParameters"),
        resp: get(raw, "responseElements"),
        service: get(raw, "serviceEventDetails"),
        additional: get(raw, "additionalEventData"),
        resources: get(raw, "resources"),
        source,
        name,
        whole: Whole::Value(raw),
        canonical: None,
    })
}

/// [`read`] of parsed fields: the same record, its strings moved rather than copied.
fn read_fields(f: &mut Fields) -> Option<Rec<'_>> {
    let Fields {
        at,
        event_id,
        source,
        name,
        region,
        error_code,
        error_message,
        recipient,
        time,
        identity,
        req,
        resp,
        service,
        additional,
        resources,
    } = f;
    let (source, name) = (source.take()?, name.take()?);
    if !super::is_org_event(&source, &name) {
        return None;
    }
    let identity = Identity::Text(identity.as_deref());
    Some(Rec {
        event_id: event_id.take(),
        time: *time,
        region: region.take(),
        error_code: error_code.take(),
        error_message: error_message.take(),
        caller_account: identity.account(),
        identity,
        recipient: recipient.take(),
        req,
        resp,
        service,
        additional,
        resources,
        source,
        name,
        whole: Whole::At(*at),
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
