//! A CloudTrail record as EventBridge delivers it:
//!
//! ```json
//! {"version": "0", "id": "<eventID>", "detail-type": "AWS API Call via CloudTrail",
//!  "source": "aws.organizations", "account": "<recipientAccountId>", "time": "<eventTime>",
//!  "region": "<awsRegion>", "resources": [], "detail": <the record, unchanged>}
//! ```
//!
//! [`wrap`] builds that event as a `Value`. [`EnvelopeFields`] holds the same envelope
//! without the record, plus a few of the record's own fields already decided, so
//! [`Pattern::matches_record`](super::Pattern::matches_record) can often answer without
//! reading the record text at all.
//!
//! Choices where EventBridge's documentation is silent: a field whose source is missing is
//! left out of the envelope (not set to `""`); an unknown `eventType` gives no
//! `detail-type`; a missing `eventID` gives a stable id hashed from the record's time,
//! source, name, region and account (a UUIDv8, so it cannot collide with real ids, which
//! are v4).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::leaves::{collect, extract, Leaf, Num, Scalar, Target};

/// The envelope fields a pattern path can name (besides `detail`; `resources` is always
/// empty and so has no leaves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvelopeKey {
    Version,
    Id,
    DetailType,
    Source,
    Account,
    Time,
    Region,
}

/// Where a flattened pattern path lands in a wrapped CloudTrail record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    Envelope(EnvelopeKey),
    /// Inside `detail`: `rest` is the path relative to the record (`None`: the record
    /// itself); `slot` indexes [`SLOTS`] when the path is one [`EnvelopeFields`] caches.
    Detail {
        rest: Option<String>,
        slot: Option<usize>,
    },
    /// No such field in a wrapped record (`resources` included: it is always empty).
    Nowhere,
}

pub(crate) fn place_of(path: &str) -> Place {
    let key = match path {
        "version" => EnvelopeKey::Version,
        "id" => EnvelopeKey::Id,
        "detail-type" => EnvelopeKey::DetailType,
        "source" => EnvelopeKey::Source,
        "account" => EnvelopeKey::Account,
        "time" => EnvelopeKey::Time,
        "region" => EnvelopeKey::Region,
        "detail" => {
            return Place::Detail {
                rest: None,
                slot: None,
            }
        }
        _ => {
            return match path.strip_prefix("detail.") {
                Some(rest) => Place::Detail {
                    rest: Some(rest.to_owned()),
                    slot: SLOTS.iter().position(|s| *s == rest),
                },
                None => Place::Nowhere,
            }
        }
    };
    Place::Envelope(key)
}

/// Record paths whose leaves [`EnvelopeFields`] keeps: the fields rules filter on most, so
/// those conditions are decided without reading the record text.
pub(crate) const SLOTS: &[&str] = &[
    "eventSource",
    "eventName",
    "eventType",
    "eventID",
    "eventTime",
    "awsRegion",
    "recipientAccountId",
    "errorCode",
    "readOnly",
    "sourceIPAddress",
    "userIdentity.type",
    "userIdentity.accountId",
    "userIdentity.arn",
    "userIdentity.invokedBy",
];

const SLOT_EVENT_SOURCE: usize = 0;
const SLOT_EVENT_NAME: usize = 1;
const SLOT_EVENT_TYPE: usize = 2;
const SLOT_EVENT_ID: usize = 3;
const SLOT_EVENT_TIME: usize = 4;
const SLOT_AWS_REGION: usize = 5;
const SLOT_RECIPIENT: usize = 6;
const SLOT_IDENTITY_ACCOUNT: usize = 11;

/// A string stored in [`EnvelopeFields`]' buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// No string (the field is left out).
    const NONE: Span = Span {
        start: u32::MAX,
        end: u32::MAX,
    };
}

/// What is known about the leaves at one cached record path. Numbers are split into
/// 32-bit halves so the enum stays 12 bytes: an app keeps one of these arrays per record.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Known {
    /// Not known: read the record text.
    Unknown,
    /// No leaf at all.
    Absent,
    /// Exactly one leaf, not inside an array: a string (in the buffer) ...
    Str(Span),
    /// ... or a number (`u64`, `i64` or `f64` bits, high half first) ...
    U([u32; 2]),
    I([u32; 2]),
    F([u32; 2]),
    /// ... or another scalar.
    Bool(bool),
    Null,
}

fn split(bits: u64) -> [u32; 2] {
    [(bits >> 32) as u32, bits as u32]
}

fn join([hi, lo]: [u32; 2]) -> u64 {
    (u64::from(hi) << 32) | u64::from(lo)
}

/// The typed fields of a CloudTrail record that the envelope is computed from. Each is the
/// record's top-level value for that key *when it is a JSON string* (`None` when absent or
/// not a string); [`EnvelopeFields::new`] trusts this.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EnvelopeParts<'a> {
    pub event_id: Option<&'a str>,
    pub event_type: Option<&'a str>,
    pub event_source: Option<&'a str>,
    pub event_name: Option<&'a str>,
    pub event_time: Option<&'a str>,
    pub aws_region: Option<&'a str>,
    pub recipient_account_id: Option<&'a str>,
    /// `userIdentity.accountId`.
    pub user_identity_account_id: Option<&'a str>,
}

const SLOT_COUNT: usize = SLOTS.len();

/// The EventBridge envelope of one CloudTrail record (everything but `detail`), plus the
/// record fields in `SLOTS` when they were read from the record itself.
///
/// Compact on purpose (one heap buffer, the rest inline): an app keeps one per record and
/// evaluates every rule against it, so locality is most of the cost.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvelopeFields {
    /// Every string below, concatenated.
    text: Box<str>,
    /// id, detail-type, source, account, time, region ([`Span::NONE`]: left out of the
    /// envelope).
    fields: [Span; 6],
    known: [Known; SLOT_COUNT],
}

impl EnvelopeFields {
    /// From typed fields (cheap; no record text involved). Only the given fields are known
    /// to the fast path; conditions on other record fields (`errorCode`,
    /// `userIdentity.type`, ...) read the record text on every evaluation, so prefer
    /// [`EnvelopeFields::from_record_json`] once per record when rules run over many records.
    pub fn new(parts: &EnvelopeParts<'_>) -> EnvelopeFields {
        let mut builder = Builder::default();
        let mut known = [Known::Unknown; SLOT_COUNT];
        let given = [
            (SLOT_EVENT_ID, parts.event_id),
            (SLOT_EVENT_TYPE, parts.event_type),
            (SLOT_EVENT_SOURCE, parts.event_source),
            (SLOT_EVENT_NAME, parts.event_name),
            (SLOT_EVENT_TIME, parts.event_time),
            (SLOT_AWS_REGION, parts.aws_region),
            (SLOT_RECIPIENT, parts.recipient_account_id),
            (SLOT_IDENTITY_ACCOUNT, parts.user_identity_account_id),
        ];
        for (slot, value) in given {
            if let (Some(k), Some(v)) = (known.get_mut(slot), value) {
                *k = builder.string(v).map_or(Known::Unknown, Known::Str);
            }
        }
        builder.finish(parts, known)
    }

    /// From a parsed record: exact, and caches every field in `SLOTS`.
    pub fn from_record(record: &Value) -> EnvelopeFields {
        let mut leaves = Vec::with_capacity(SLOT_COUNT);
        for path in SLOTS {
            let mut found = Vec::new();
            collect(record, Some(path), &mut found);
            leaves.push(found);
        }
        EnvelopeFields::from_leaves(&leaves)
    }

    /// From the record's JSON text in one pass (only the `SLOTS` fields are built).
    /// Gives exactly what [`EnvelopeFields::from_record`] gives for the parsed text.
    pub fn from_record_json(record_json: &str) -> Result<EnvelopeFields, serde_json::Error> {
        let targets: Vec<Target<'_>> = SLOTS
            .iter()
            .enumerate()
            .map(|(slot, path)| Target {
                slot,
                rest: Some(path),
            })
            .collect();
        let leaves = extract(record_json, &targets, SLOT_COUNT)?;
        Ok(EnvelopeFields::from_leaves(&leaves))
    }

    fn from_leaves(leaves: &[Vec<Leaf<'_>>]) -> EnvelopeFields {
        let mut builder = Builder::default();
        let mut known = [Known::Unknown; SLOT_COUNT];
        for (k, found) in known.iter_mut().zip(leaves) {
            *k = match found.as_slice() {
                [] => Known::Absent,
                [leaf] if leaf.membership.is_empty() => match &leaf.value {
                    Scalar::Str(s) => builder.string(s).map_or(Known::Unknown, Known::Str),
                    Scalar::Num(Num::U(u)) => Known::U(split(*u)),
                    Scalar::Num(Num::I(i)) => Known::I(split(*i as u64)),
                    Scalar::Num(Num::F(f)) => Known::F(split(f.to_bits())),
                    Scalar::Bool(b) => Known::Bool(*b),
                    Scalar::Null => Known::Null,
                },
                _ => Known::Unknown,
            };
        }
        let text = |slot: usize| match (known.get(slot), leaves.get(slot).map(Vec::as_slice)) {
            (Some(Known::Str(_)), Some([leaf])) => match &leaf.value {
                Scalar::Str(s) => Some(s.as_ref()),
                _ => None,
            },
            _ => None,
        };
        let parts = EnvelopeParts {
            event_id: text(SLOT_EVENT_ID),
            event_type: text(SLOT_EVENT_TYPE),
            event_source: text(SLOT_EVENT_SOURCE),
            event_name: text(SLOT_EVENT_NAME),
            event_time: text(SLOT_EVENT_TIME),
            aws_region: text(SLOT_AWS_REGION),
            recipient_account_id: text(SLOT_RECIPIENT),
            user_identity_account_id: text(SLOT_IDENTITY_ACCOUNT),
        };
        builder.finish(&parts, known)
    }

    fn get(&self, span: Span) -> Option<&str> {
        if span == Span::NONE {
            return None;
        }
        self.text.get(span.start as usize..span.end as usize)
    }

    /// `eventID`, or a stable id derived from the record (see the module doc).
    pub fn id(&self) -> &str {
        self.get(self.fields[0]).unwrap_or("")
    }

    pub fn detail_type(&self) -> Option<&str> {
        self.get(self.fields[1])
    }

    pub fn source(&self) -> Option<&str> {
        self.get(self.fields[2])
    }

    /// `recipientAccountId`, else `userIdentity.accountId`.
    pub fn account(&self) -> Option<&str> {
        self.get(self.fields[3])
    }

    pub fn time(&self) -> Option<&str> {
        self.get(self.fields[4])
    }

    pub fn region(&self) -> Option<&str> {
        self.get(self.fields[5])
    }

    /// The envelope value for `key`, as a leaf.
    pub(crate) fn leaf(&self, key: EnvelopeKey) -> Option<Scalar<'_>> {
        let text = match key {
            EnvelopeKey::Version => Some("0"),
            EnvelopeKey::Id => Some(self.id()),
            EnvelopeKey::DetailType => self.detail_type(),
            EnvelopeKey::Source => self.source(),
            EnvelopeKey::Account => self.account(),
            EnvelopeKey::Time => self.time(),
            EnvelopeKey::Region => self.region(),
        };
        text.map(|t| Scalar::Str(Cow::Borrowed(t)))
    }

    /// What is known about cached record path `slot`: `None` when it must be read from the
    /// record text, `Some(None)` when it has no leaf, `Some(Some(v))` for its one leaf.
    pub(crate) fn known(&self, slot: usize) -> Option<Option<Scalar<'_>>> {
        Some(match self.known.get(slot)? {
            Known::Unknown => return None,
            Known::Absent => None,
            Known::Str(span) => Some(Scalar::Str(Cow::Borrowed(self.get(*span)?))),
            Known::U(bits) => Some(Scalar::Num(Num::U(join(*bits)))),
            Known::I(bits) => Some(Scalar::Num(Num::I(join(*bits) as i64))),
            Known::F(bits) => Some(Scalar::Num(Num::F(f64::from_bits(join(*bits))))),
            Known::Bool(b) => Some(Scalar::Bool(*b)),
            Known::Null => Some(Scalar::Null),
        })
    }

    /// The envelope as a JSON object around `record` (what [`wrap`] returns).
    pub fn to_event(&self, record: &Value) -> Value {
        let mut map = Map::new();
        map.insert("version".into(), Value::from("0"));
        map.insert("id".into(), Value::from(self.id()));
        let optional = [
            ("detail-type", self.detail_type()),
            ("source", self.source()),
            ("account", self.account()),
            ("time", self.time()),
            ("region", self.region()),
        ];
        for (key, value) in optional {
            if let Some(v) = value {
                map.insert(key.into(), Value::from(v));
            }
        }
        map.insert("resources".into(), Value::Array(Vec::new()));
        map.insert("detail".into(), record.clone());
        Value::Object(map)
    }
}

/// Collects strings into one buffer.
#[derive(Default)]
struct Builder {
    text: String,
}

impl Builder {
    /// `None` only past 4 GiB of text, which no record reaches.
    fn string(&mut self, s: &str) -> Option<Span> {
        let start = u32::try_from(self.text.len()).ok()?;
        let end = u32::try_from(self.text.len() + s.len()).ok()?;
        self.text.push_str(s);
        Some(Span { start, end })
    }

    fn finish(mut self, parts: &EnvelopeParts<'_>, known: [Known; SLOT_COUNT]) -> EnvelopeFields {
        let account = parts
            .recipient_account_id
            .or(parts.user_identity_account_id);
        let id = parts
            .event_id
            .map_or_else(|| derived_id(parts, account), str::to_owned);
        let source = parts.event_source.and_then(source);
        let fields = [
            Some(id.as_str()),
            parts.event_type.and_then(detail_type),
            source.as_deref(),
            account,
            parts.event_time,
            parts.aws_region,
        ]
        .map(|f| f.and_then(|f| self.string(f)).unwrap_or(Span::NONE));
        EnvelopeFields {
            text: self.text.into_boxed_str(),
            fields,
            known,
        }
    }
}

/// Wraps a CloudTrail record as EventBridge would deliver it.
pub fn wrap(record: &Value) -> Value {
    EnvelopeFields::from_record(record).to_event(record)
}

/// `detail-type` for a CloudTrail `eventType` (EventBridge User Guide, "AWS service events
/// delivered via AWS CloudTrail").
pub fn detail_type(event_type: &str) -> Option<&'static str> {
    Some(match event_type {
        "AwsApiCall" => "AWS API Call via CloudTrail",
        "AwsServiceEvent" => "AWS Service Event via CloudTrail",
        // sic: "Signin", one word, lower-case "in".
        "AwsConsoleSignIn" => "AWS Console Signin via CloudTrail",
        "AwsConsoleAction" => "AWS Console Action via CloudTrail",
        "AwsCloudTrailInsight" => "AWS Insight via CloudTrail",
        _ => return None,
    })
}

/// `source` for a CloudTrail `eventSource`: `aws.` + the part before `.amazonaws.com`,
/// except where EventBridge names the service differently.
pub fn source(event_source: &str) -> Option<String> {
    const EXCEPTIONS: &[(&str, &str)] = &[("monitoring.amazonaws.com", "aws.cloudwatch")];
    if let Some((_, s)) = EXCEPTIONS.iter().find(|(from, _)| *from == event_source) {
        return Some((*s).to_owned());
    }
    let service = match event_source.find(".amazonaws.com") {
        Some(i) => &event_source[..i],
        None => event_source.split('.').next().unwrap_or(""),
    };
    (!service.is_empty()).then(|| format!("aws.{service}"))
}

/// A UUIDv8 from FNV-1a hashes of the identifying fields: stable across runs and machines.
fn derived_id(parts: &EnvelopeParts<'_>, account: Option<&str>) -> String {
    let fields = [
        parts.event_time,
        parts.event_source,
        parts.event_name,
        parts.aws_region,
        account,
    ];
    let hash = |seed: u64| {
        let mut h = seed;
        for f in fields {
            // A separator byte that cannot occur in UTF-8 keeps ("ab","c") apart from ("a","bc").
            for b in f.unwrap_or("").bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        h
    };
    let hi = (hash(0xcbf2_9ce4_8422_2325) & !0xf000) | 0x8000; // version 8
    let lo = (hash(0x8422_2325_cbf2_9ce4) & !(0b11 << 62)) | (0b10 << 62); // RFC 9562 variant
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}
