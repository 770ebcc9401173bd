//! Reading a record with a hand-written serde visitor (why: see the module above): only the
//! fields the model keeps are built, unknown subtrees are skipped, wrong types tolerated.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::{Identity, Record};
use crate::time::{parse_timestamp, EpochMillis};

/// A JSON value read only as far as the model needs: text, bool or number; objects and
/// arrays are skipped.
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Bool(bool),
    Number(f64),
    Absent,
}

impl<'a> Scalar<'a> {
    fn into_text(self) -> Option<Cow<'a, str>> {
        match self {
            Scalar::Text(s) if !s.is_empty() => Some(s),
            Scalar::Number(n) => Some(Cow::Owned(n.to_string())),
            Scalar::Bool(b) => Some(Cow::Borrowed(if b { "true" } else { "false" })),
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

pub(super) struct RecordFields<'a>(pub(super) Record<'a>);

impl<'de> Deserialize<'de> for RecordFields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RecordFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a CloudTrail record (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RecordFields<'de>, A::Error> {
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
                            *slot = map.next_value::<Scalar>()?.into_text();
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
pub(super) struct IdentityFields<'a>(pub(super) Identity<'a>);

impl<'de> Deserialize<'de> for IdentityFields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdentityFields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a userIdentity object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<IdentityFields<'de>, A::Error> {
                let mut id = Identity::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    let slot = match &*key {
                        "onBehalfOf" => {
                            let [user] = map.next_value_seed(Pick(["userId"]))?;
                            id.on_behalf_of_user_id = user;
                            continue;
                        }
                        "sessionContext" => {
                            let issuer = map.next_value::<SessionIssuer<'de>>()?;
                            id.session_issuer_name = issuer.name;
                            id.session_issuer_arn = issuer.arn;
                            id.session_issuer_type = issuer.kind;
                            id.web_id_provider = issuer.web_id_provider;
                            continue;
                        }
                        "type" => &mut id.kind,
                        "principalId" => &mut id.principal_id,
                        "arn" => &mut id.arn,
                        "accountId" => &mut id.account_id,
                        "userName" => &mut id.user_name,
                        "invokedBy" => &mut id.invoked_by,
                        "identityProvider" => &mut id.identity_provider,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<Scalar>()?.into_text();
                }
                Ok(IdentityFields(id))
            }
        }
        // `"userIdentity": null` (seen in AWS's own test files) reads as an empty identity.
        d.deserialize_any(AnyAsMap(V))
    }
}

/// `sessionContext.sessionIssuer.{userName,arn,type}` and
/// `sessionContext.webIdFederationData.federatedProvider`; everything else in the context
/// is skipped.
#[derive(Default)]
struct SessionIssuer<'a> {
    name: Option<Cow<'a, str>>,
    arn: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    web_id_provider: Option<Cow<'a, str>>,
}

impl<'de> Deserialize<'de> for SessionIssuer<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SessionIssuer<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sessionContext object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = SessionIssuer::default();
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key == "sessionIssuer" {
                        let [name, arn, kind] =
                            map.next_value_seed(Pick(["userName", "arn", "type"]))?;
                        (out.name, out.arn, out.kind) = (name, arn, kind);
                    } else if key == "webIdFederationData" {
                        // Usually `{}`; a provider name and a few attributes otherwise.
                        let [provider] = map.next_value_seed(Pick(["federatedProvider"]))?;
                        out.web_id_provider = provider.filter(|p| !p.is_empty());
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

/// The string values of a few keys of an object, borrowed where they can be: the last of
/// duplicate keys wins, other values (and a value that is not an object) read as absent.
/// Nothing else of the object is built.
struct Pick<const N: usize>([&'static str; N]);

/// What [`Pick`] found, one slot per key.
struct Picked<'a, const N: usize>([Option<Cow<'a, str>>; N]);

impl<const N: usize> Default for Picked<'_, N> {
    fn default() -> Self {
        Picked(std::array::from_fn(|_| None))
    }
}

impl<'de, const N: usize> de::DeserializeSeed<'de> for Pick<N> {
    type Value = [Option<Cow<'de, str>>; N];
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Ok(d.deserialize_any(AnyAsMap(self))?.0)
    }
}

impl<'de, const N: usize> Visitor<'de> for Pick<N> {
    type Value = Picked<'de, N>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Picked::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.0.iter().position(|k| *k == key) {
                Some(i) => {
                    out.0[i] = match map.next_value::<Scalar>()? {
                        Scalar::Text(s) => Some(s),
                        _ => None,
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(out)
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
