//! The event model: typed access to the fields people filter on, with the whole record
//! kept as its original JSON text so nothing is ever dropped.
//!
//! Entry points: [`Record::from_json`] (one CloudTrail record's text → [`Record`]) and
//! [`Identity::principal`] (a readable name for whoever made the call).
//!
//! Implementation note: records are read with a hand-written serde visitor, not a derived
//! struct, for three reasons seen in real files: duplicate keys (AWS's own doc examples
//! have them; the last one wins, as in every JSON reader people compare us to), fields of
//! the "wrong" type (`readOnly` as `"true"`, `eventTime` as an epoch number, `null`
//! anywhere), and speed (unknown subtrees are skipped with `IgnoredAny`, never built).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::time::{parse_timestamp, EpochMillis};

/// One CloudTrail record: the typed fields plus the record's JSON text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    pub event_id: Option<String>,
    pub event_time: Option<EpochMillis>,
    pub event_version: Option<String>,
    pub event_name: Option<String>,
    pub event_source: Option<String>,
    pub aws_region: Option<String>,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub read_only: Option<bool>,
    pub event_type: Option<String>,
    pub event_category: Option<String>,
    pub recipient_account_id: Option<String>,
    pub request_id: Option<String>,
    pub identity: Identity,
    /// The record exactly as it was read (for CSV rows: a JSON record built from the row).
    pub raw: String,
    /// True when the source held only a summary of the event (the console's CSV export).
    pub summary_only: bool,
}

/// The `userIdentity` block, flattened to what people filter and read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub kind: Option<String>,
    pub principal_id: Option<String>,
    pub arn: Option<String>,
    pub account_id: Option<String>,
    pub user_name: Option<String>,
    pub invoked_by: Option<String>,
    pub session_issuer_name: Option<String>,
    pub session_issuer_arn: Option<String>,
    /// `onBehalfOf.userId` (IAM Identity Center users).
    pub on_behalf_of_user_id: Option<String>,
}

impl Record {
    /// Parses one record from its JSON text. Errors are serde_json's, with line and column
    /// relative to `text`.
    pub fn from_json(text: &str) -> Result<Record, serde_json::Error> {
        let mut record: Record = serde_json::from_str::<RecordFields>(text)?.0;
        record.raw = text.to_owned();
        Ok(record)
    }

    /// The account the event belongs to: the trail's recipient, else the caller's.
    pub fn account(&self) -> Option<&str> {
        self.recipient_account_id
            .as_deref()
            .or(self.identity.account_id.as_deref())
    }
}

impl Identity {
    /// Reads a `userIdentity` object (any JSON: non-objects give an empty identity).
    pub fn from_value(user_identity: &serde_json::Value) -> Identity {
        IdentityFields::deserialize(user_identity).map_or_else(|_| Identity::default(), |f| f.0)
    }

    /// A readable principal: the IAM user name, `role/session` for assumed roles, `root`,
    /// the service for AWS services, `… via service` when a service acted for someone;
    /// `None` when nothing identifies the caller.
    pub fn principal(&self) -> Option<String> {
        let principal = match self.kind.as_deref() {
            Some("Root") => Some("root".to_owned()),
            Some("IAMUser") => self.user_name.clone().or_else(|| self.arn_tail()),
            Some("AssumedRole") => self
                .arn_resource()
                .and_then(|r| r.strip_prefix("assumed-role/").map(str::to_owned))
                .or_else(|| self.issuer_session()),
            Some("FederatedUser") => self
                .arn_resource()
                .map(str::to_owned)
                .or_else(|| self.issuer_session().map(|s| format!("federated-user/{s}"))),
            Some("AWSService") => self
                .invoked_by
                .clone()
                .or_else(|| Some("AWS service".to_owned())),
            Some("AWSAccount") => self
                .account_id
                .clone()
                .or_else(|| self.principal_id.clone())
                .map(|a| format!("account {a}")),
            Some("IdentityCenterUser") => self
                .on_behalf_of_user_id
                .as_ref()
                .map(|u| format!("identity-center user {u}")),
            _ => None,
        };
        let principal = principal
            .or_else(|| self.user_name.clone())
            .or_else(|| self.arn_tail())
            .or_else(|| self.invoked_by.clone())
            .or_else(|| self.principal_id.clone())
            .or_else(|| self.account_id.as_ref().map(|a| format!("account {a}")))?;
        // A principal acting through a service (CloudFormation, Control Tower…) says so.
        Some(match &self.invoked_by {
            Some(via) if *via != principal && via.ends_with(".amazonaws.com") => {
                format!("{principal} via {via}")
            }
            _ => principal,
        })
    }

    /// The resource part of the ARN: `user/path/name`, `assumed-role/role/session`.
    fn arn_resource(&self) -> Option<&str> {
        let resource = self.arn.as_deref()?.splitn(6, ':').nth(5)?;
        (!resource.is_empty()).then_some(resource)
    }

    /// The last path segment of the ARN's resource (`user/path/NAME` → `NAME`).
    fn arn_tail(&self) -> Option<String> {
        let resource = self.arn_resource()?;
        let tail = resource.rsplit('/').next()?;
        (!tail.is_empty()).then(|| tail.to_owned())
    }

    /// `ISSUER/SESSION` from the session issuer's name and the principal id
    /// (`AROA…:session`).
    fn issuer_session(&self) -> Option<String> {
        let session = self
            .principal_id
            .as_deref()
            .and_then(|p| p.split_once(':').map(|(_, s)| s.to_owned()));
        match (&self.session_issuer_name, session) {
            (Some(i), Some(s)) => Some(format!("{i}/{s}")),
            (Some(i), None) => Some(i.clone()),
            (None, s) => s,
        }
    }
}

// --- deserialisation

/// A JSON value read only as far as the model needs: text, bool or number; objects and
/// arrays are skipped.
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Bool(bool),
    Number(f64),
    Absent,
}

impl Scalar<'_> {
    fn into_string(self) -> Option<String> {
        match self {
            Scalar::Text(s) if !s.is_empty() => Some(s.into_owned()),
            Scalar::Number(n) => Some(n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Text(_) | Scalar::Absent => None,
        }
    }
    fn into_bool(self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(b),
            Scalar::Text(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Scalar::Text(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
    fn into_time(self) -> Option<EpochMillis> {
        match self {
            Scalar::Text(s) => parse_timestamp(&s),
            Scalar::Number(n) => parse_timestamp(&n.to_string()),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Number(v))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Absent)
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Absent)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Absent)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Absent)
            }
        }
        d.deserialize_any(V)
    }
}

struct RecordFields(Record);

impl<'de> Deserialize<'de> for RecordFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RecordFields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CloudTrail record (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RecordFields, A::Error> {
                let mut r = Record::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    // Duplicate keys: each assignment overwrites, so the last one wins.
                    match &*key {
                        "userIdentity" => r.identity = map.next_value::<IdentityFields>()?.0,
                        "eventTime" => r.event_time = map.next_value::<Scalar>()?.into_time(),
                        "readOnly" => r.read_only = map.next_value::<Scalar>()?.into_bool(),
                        _ => {
                            let slot = match &*key {
                                "eventID" => &mut r.event_id,
                                "eventVersion" => &mut r.event_version,
                                "eventName" => &mut r.event_name,
                                "eventSource" => &mut r.event_source,
                                "awsRegion" => &mut r.aws_region,
                                "sourceIPAddress" => &mut r.source_ip,
                                "userAgent" => &mut r.user_agent,
                                "errorCode" => &mut r.error_code,
                                "errorMessage" => &mut r.error_message,
                                "eventType" => &mut r.event_type,
                                "eventCategory" => &mut r.event_category,
                                "recipientAccountId" => &mut r.recipient_account_id,
                                "requestID" => &mut r.request_id,
                                _ => {
                                    map.next_value::<IgnoredAny>()?;
                                    continue;
                                }
                            };
                            *slot = map.next_value::<Scalar>()?.into_string();
                        }
                    }
                }
                Ok(RecordFields(r))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Default)]
struct IdentityFields(Identity);

impl<'de> Deserialize<'de> for IdentityFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdentityFields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a userIdentity object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdentityFields, A::Error> {
                let mut id = Identity::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let slot = match &*key {
                        "onBehalfOf" => {
                            let on_behalf: serde_json::Value = map.next_value()?;
                            id.on_behalf_of_user_id = on_behalf
                                .get("userId")
                                .and_then(|u| u.as_str())
                                .map(str::to_owned);
                            continue;
                        }
                        "sessionContext" => {
                            let issuer = map.next_value::<SessionIssuer>()?;
                            id.session_issuer_name = issuer.name;
                            id.session_issuer_arn = issuer.arn;
                            continue;
                        }
                        "type" => &mut id.kind,
                        "principalId" => &mut id.principal_id,
                        "arn" => &mut id.arn,
                        "accountId" => &mut id.account_id,
                        "userName" => &mut id.user_name,
                        "invokedBy" => &mut id.invoked_by,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<Scalar>()?.into_string();
                }
                Ok(IdentityFields(id))
            }
        }
        // `"userIdentity": null` (seen in AWS's own test files) reads as an empty identity.
        d.deserialize_any(AnyAsMap(V))
    }
}

/// `sessionContext.sessionIssuer.{userName,arn}`; everything else in the context is skipped.
#[derive(Default)]
struct SessionIssuer {
    name: Option<String>,
    arn: Option<String>,
}

impl<'de> Deserialize<'de> for SessionIssuer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SessionIssuer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sessionContext object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SessionIssuer, A::Error> {
                let mut out = SessionIssuer::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "sessionIssuer" {
                        // Small and rare enough to read whole.
                        let issuer: serde_json::Value = map.next_value()?;
                        let text = |k: &str| issuer.get(k)?.as_str().map(str::to_owned);
                        out.name = text("userName");
                        out.arn = text("arn");
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_any(AnyAsMap(V))
    }
}

/// Wraps a map visitor so that any non-object value (a string, a number, an array) is
/// skipped and read as "nothing here" rather than failing the whole record.
struct AnyAsMap<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for AnyAsMap<V>
where
    V::Value: Default,
{
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(map)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<V::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(V::Value::default())
    }
    fn visit_str<E>(self, _: &str) -> Result<V::Value, E> {
        Ok(V::Value::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<V::Value, E> {
        Ok(V::Value::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<V::Value, E> {
        Ok(V::Value::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<V::Value, E> {
        Ok(V::Value::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<V::Value, E> {
        Ok(V::Value::default())
    }
    fn visit_unit<E>(self) -> Result<V::Value, E> {
        Ok(V::Value::default())
    }
}
