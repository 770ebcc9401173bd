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
use serde::Deserialize;

use crate::time::{parse_timestamp, EpochMillis};

/// One CloudTrail record: the typed fields plus the record's JSON text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record<'a> {
    pub event_id: Option<Cow<'a, str>>,
    pub event_time: Option<EpochMillis>,
    pub event_version: Option<Cow<'a, str>>,
    pub event_name: Option<Cow<'a, str>>,
    pub event_source: Option<Cow<'a, str>>,
    pub aws_region: Option<Cow<'a, str>>,
    pub source_ip: Option<Cow<'a, str>>,
    pub user_agent: Option<Cow<'a, str>>,
    pub error_code: Option<Cow<'a, str>>,
    pub error_message: Option<Cow<'a, str>>,
    pub read_only: Option<bool>,
    pub event_type: Option<Cow<'a, str>>,
    pub event_category: Option<Cow<'a, str>>,
    pub recipient_account_id: Option<Cow<'a, str>>,
    pub request_id: Option<Cow<'a, str>>,
    pub identity: Identity<'a>,
    /// The record exactly as it was read (for CSV rows: a JSON record built from the row).
    pub raw: Cow<'a, str>,
    /// True when the source held only a summary of the event (the console's CSV export).
    pub summary_only: bool,
}

/// What makes two records one event: the same eventID, eventTime, eventName and
/// eventSource. CloudTrail's own repeats (an organization trail and an account trail
/// delivering the same call, a file loaded twice) agree on all four; documentation
/// examples and rule-test fixtures reuse one eventID for different records, which are
/// different events. The store, the Organizations view, the rules and exports all use
/// this one definition (`S` is a string or an interned symbol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventKey<S> {
    pub event_id: S,
    pub time: Option<EpochMillis>,
    pub name: S,
    pub source: S,
}

impl<S: PartialEq> EventKey<S> {
    /// Whether a full record is the event a console CSV summary (`self`) describes: the
    /// summary's fields must agree where it has them (a summary may lack some).
    pub fn summarises(&self, full: &EventKey<S>, absent: &S) -> bool {
        let agrees = |a: &S, b: &S| a == b || a == absent;
        self.event_id == full.event_id
            && (self.time.is_none() || self.time == full.time)
            && agrees(&self.name, &full.name)
            && agrees(&self.source, &full.source)
    }
}

/// The `userIdentity` block, flattened to what people filter and read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity<'a> {
    pub kind: Option<Cow<'a, str>>,
    pub principal_id: Option<Cow<'a, str>>,
    pub arn: Option<Cow<'a, str>>,
    pub account_id: Option<Cow<'a, str>>,
    pub user_name: Option<Cow<'a, str>>,
    pub invoked_by: Option<Cow<'a, str>>,
    pub session_issuer_name: Option<Cow<'a, str>>,
    pub session_issuer_arn: Option<Cow<'a, str>>,
    /// `onBehalfOf.userId` (IAM Identity Center users).
    pub on_behalf_of_user_id: Option<Cow<'a, str>>,
    /// `sessionContext.sessionIssuer.type`: `Role`, `IAMUser` (federation tokens), `Root`.
    pub session_issuer_type: Option<Cow<'a, str>>,
    /// `identityProvider` (SAML and web identity users).
    pub identity_provider: Option<Cow<'a, str>>,
    /// `sessionContext.webIdFederationData.federatedProvider` (a role assumed with a web
    /// identity token: OIDC, EKS service accounts, Cognito).
    pub web_id_provider: Option<Cow<'a, str>>,
}

/// An owned field from a borrowed one.
fn owned(field: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    field.map(|f| Cow::Owned(f.into_owned()))
}

impl<'a> Record<'a> {
    /// Parses one record from its JSON text, borrowing its strings (and `raw`) from `text`
    /// wherever they need no unescaping. Errors are serde_json's, with line and column
    /// relative to `text`.
    pub fn from_json(text: &'a str) -> Result<Record<'a>, serde_json::Error> {
        let mut record: Record<'a> = serde_json::from_str::<RecordFields>(text)?.0;
        record.raw = Cow::Borrowed(text);
        Ok(record)
    }

    /// The record with every string owned, to outlive the text it was read from.
    pub fn into_owned(self) -> Record<'static> {
        Record {
            event_id: owned(self.event_id),
            event_time: self.event_time,
            event_version: owned(self.event_version),
            event_name: owned(self.event_name),
            event_source: owned(self.event_source),
            aws_region: owned(self.aws_region),
            source_ip: owned(self.source_ip),
            user_agent: owned(self.user_agent),
            error_code: owned(self.error_code),
            error_message: owned(self.error_message),
            read_only: self.read_only,
            event_type: owned(self.event_type),
            event_category: owned(self.event_category),
            recipient_account_id: owned(self.recipient_account_id),
            request_id: owned(self.request_id),
            identity: self.identity.into_owned(),
            raw: Cow::Owned(self.raw.into_owned()),
            summary_only: self.summary_only,
        }
    }

    /// The record's [`EventKey`]; `None` without an eventID (such records are one event
    /// only when their texts are equal).
    pub fn key(&self) -> Option<EventKey<&str>> {
        Some(EventKey {
            event_id: self.event_id.as_deref()?,
            time: self.event_time,
            name: self.event_name.as_deref().unwrap_or(""),
            source: self.event_source.as_deref().unwrap_or(""),
        })
    }

    /// The account the event belongs to: the trail's recipient, else the caller's.
    pub fn account(&self) -> Option<&str> {
        self.recipient_account_id
            .as_deref()
            .or(self.identity.account_id.as_deref())
    }
}

impl<'a> Identity<'a> {
    /// Reads a `userIdentity` object (any JSON: non-objects give an empty identity).
    pub fn from_value(user_identity: &'a serde_json::Value) -> Identity<'a> {
        IdentityFields::deserialize(user_identity).map_or_else(|_| Identity::default(), |f| f.0)
    }

    /// The identity with every string owned.
    pub fn into_owned(self) -> Identity<'static> {
        Identity {
            kind: owned(self.kind),
            principal_id: owned(self.principal_id),
            arn: owned(self.arn),
            account_id: owned(self.account_id),
            user_name: owned(self.user_name),
            invoked_by: owned(self.invoked_by),
            session_issuer_name: owned(self.session_issuer_name),
            session_issuer_arn: owned(self.session_issuer_arn),
            on_behalf_of_user_id: owned(self.on_behalf_of_user_id),
            session_issuer_type: owned(self.session_issuer_type),
            identity_provider: owned(self.identity_provider),
            web_id_provider: owned(self.web_id_provider),
        }
    }

    /// A readable principal: the IAM user name, `role/session` for assumed roles, `root`,
    /// the service for AWS services, `… via service` when a service acted for someone;
    /// `None` when nothing identifies the caller. Borrowed from the identity when it can
    /// be (the store reads one per event).
    pub fn principal<'s>(&'s self) -> Option<Cow<'s, str>> {
        let text = |s: &'s Option<Cow<'a, str>>| s.as_deref().map(Cow::Borrowed);
        let principal = match self.kind.as_deref() {
            Some("Root") => Some(Cow::Borrowed("root")),
            Some("IAMUser") => text(&self.user_name).or_else(|| self.arn_tail().map(Cow::Borrowed)),
            Some("AssumedRole") => self
                .arn_resource()
                .and_then(|r| r.strip_prefix("assumed-role/"))
                .map(Cow::Borrowed)
                .or_else(|| self.issuer_session()),
            Some("FederatedUser") => self.arn_resource().map(Cow::Borrowed).or_else(|| {
                self.issuer_session()
                    .map(|s| Cow::Owned(format!("federated-user/{s}")))
            }),
            Some("AWSService") => text(&self.invoked_by).or(Some(Cow::Borrowed("AWS service"))),
            Some("AWSAccount") => self
                .account_id
                .as_deref()
                .or(self.principal_id.as_deref())
                .map(|a| Cow::Owned(format!("account {a}"))),
            Some("IdentityCenterUser") => self
                .on_behalf_of_user_id
                .as_deref()
                .map(|u| Cow::Owned(format!("identity-center user {u}"))),
            _ => None,
        };
        let principal = principal
            .or_else(|| text(&self.user_name))
            .or_else(|| self.arn_tail().map(Cow::Borrowed))
            .or_else(|| text(&self.invoked_by))
            .or_else(|| text(&self.principal_id))
            .or_else(|| {
                let a = self.account_id.as_deref()?;
                Some(Cow::Owned(format!("account {a}")))
            })?;
        // A principal acting through a service (CloudFormation, Control Tower…) says so.
        Some(match self.invoked_by.as_deref() {
            Some(via) if via != principal && via.ends_with(".amazonaws.com") => {
                Cow::Owned(format!("{principal} via {via}"))
            }
            _ => principal,
        })
    }

    /// Who made the call, in one sentence for people who don't read `userIdentity` blocks
    /// every day: "IAM user alice in account 111122223333.", "IAM Identity Center user
    /// alice@example.com via permission set AdministratorAccess in account 111111111111
    /// (role AWSReservedSSO_AdministratorAccess_0123456789abcdef).", "Called by AWS service
    /// secretsmanager.amazonaws.com on behalf of IAM user bert-jan in account 123837392027."
    ///
    /// Covers every `userIdentity.type` CloudTrail documents (Root, IAMUser, AssumedRole,
    /// FederatedUser, SAMLUser, WebIdentityUser, AWSService, AWSAccount,
    /// IdentityCenterUser, Unknown) and says what it can of any other.
    pub fn explain(&self) -> String {
        let base = self.explain_caller();
        let sentence = match self.invoked_by.as_deref() {
            // A service's own call names the service already.
            Some(_) if self.kind.as_deref() == Some("AWSService") => base,
            Some(via) if self.is_anonymous() => {
                let account = self
                    .account()
                    .map_or(String::new(), |a| format!(" for account {a}"));
                format!("called by {}{account}", service_words(via))
            }
            Some(via) => format!("called by {} on behalf of {base}", service_words(via)),
            None => base,
        };
        let mut chars = sentence.chars();
        match chars.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
            None => String::new(),
        }
    }

    /// The caller without the service acting for it, lower-case first, no full stop.
    fn explain_caller(&self) -> String {
        let account = self.account();
        let in_account = |what: String| match account {
            Some(a) => format!("{what} in account {a}"),
            None => what,
        };
        let name = || {
            self.user_name
                .as_deref()
                .or_else(|| self.arn_tail())
                .or(self.principal_id.as_deref())
        };
        match self.kind.as_deref() {
            Some("Root") => match account {
                Some(a) => format!("the root user of account {a}"),
                None => "the root user of an account".to_owned(),
            },
            Some("IAMUser") => in_account(format!(
                "IAM user {}",
                name().unwrap_or("(no name recorded)")
            )),
            Some("AssumedRole") => self.explain_role(),
            Some("FederatedUser") => {
                let user = self
                    .arn_resource()
                    .and_then(|r| r.strip_prefix("federated-user/"))
                    .map(str::to_owned)
                    .or_else(|| {
                        let id = self.principal_id.as_deref()?;
                        Some(id.split_once(':').map_or(id, |(_, u)| u).to_owned())
                    })
                    .unwrap_or_else(|| "(no name recorded)".to_owned());
                let issuer = match (
                    self.session_issuer_type.as_deref(),
                    &self.session_issuer_name,
                ) {
                    (Some("Root"), _) => {
                        " with temporary credentials from the root user".to_owned()
                    }
                    (_, Some(issuer)) => {
                        format!(" with temporary credentials from IAM user {issuer}")
                    }
                    _ => String::new(),
                };
                format!(
                    "{} (GetFederationToken){issuer}",
                    in_account(format!("federated user {user}"))
                )
            }
            Some("SAMLUser") => in_account(format!(
                "SAML-federated user {}{}",
                name().unwrap_or("(no name recorded)"),
                self.identity_provider
                    .as_ref()
                    .map_or(String::new(), |p| format!(" (identity provider {p})"))
            )),
            Some("WebIdentityUser") => in_account(format!(
                "web identity user {}{}",
                name().unwrap_or("(no name recorded)"),
                self.identity_provider
                    .as_ref()
                    .map_or(String::new(), |p| format!(" signed in with {p}"))
            )),
            Some("AWSService") => {
                let service = self
                    .invoked_by
                    .as_ref()
                    .map_or_else(|| "an AWS service".to_owned(), |s| service_words(s));
                match account {
                    Some(a) => format!("{service}, for account {a}"),
                    None => service,
                }
            }
            Some("AWSAccount") => {
                let id = self
                    .principal_id
                    .as_ref()
                    .map_or(String::new(), |p| format!(" (principal {p})"));
                match account {
                    Some(a) => format!("a principal in another AWS account, {a}{id}"),
                    None => format!("a principal in another AWS account{id}"),
                }
            }
            Some("IdentityCenterUser") => in_account(match &self.on_behalf_of_user_id {
                Some(user) => format!("IAM Identity Center user {user}"),
                None => "an IAM Identity Center user".to_owned(),
            }),
            Some(other) => {
                let who = name().map_or(String::new(), |n| format!(" ({n})"));
                let kind = if other == "Unknown" {
                    "an identity CloudTrail records as Unknown".to_owned()
                } else {
                    format!("a caller of type {other}")
                };
                in_account(format!("{kind}{who}"))
            }
            None => match name() {
                Some(n) => in_account(format!("{n} (identity type not recorded)")),
                None => in_account("an unidentified caller".to_owned()),
            },
        }
    }

    /// An assumed role: Identity Center, service-linked, an EC2 instance's, web identity,
    /// or plain `AssumeRole`.
    fn explain_role(&self) -> String {
        // `assumed-role/ROLE/SESSION` (the ARN never holds the role's path).
        let from_arn = self
            .arn_resource()
            .and_then(|r| r.strip_prefix("assumed-role/"))
            .map(|r| match r.split_once('/') {
                Some((role, session)) => (role.to_owned(), Some(session.to_owned())),
                None => (r.to_owned(), None),
            });
        let session_from_id = || {
            self.principal_id
                .as_deref()
                .and_then(|p| p.split_once(':').map(|(_, s)| s.to_owned()))
        };
        let (role, session) = match from_arn {
            Some((role, session)) => (Some(role), session.or_else(session_from_id)),
            None => (
                self.session_issuer_name.as_deref().map(str::to_owned),
                session_from_id(),
            ),
        };
        let role = role.unwrap_or_else(|| "(no name recorded)".to_owned());
        let issuer_arn = self.session_issuer_arn.as_deref().unwrap_or("");
        let account = self
            .account()
            .map_or(String::new(), |a| format!(" in account {a}"));

        // Identity Center: `AWSReservedSSO_<permission set>_<16 hex>`, under the
        // `aws-reserved/sso.amazonaws.com/` path.
        if role.starts_with("AWSReservedSSO_")
            || issuer_arn.contains(":role/aws-reserved/sso.amazonaws.com/")
        {
            let set = role.strip_prefix("AWSReservedSSO_").unwrap_or(&role);
            let set = match set.rsplit_once('_') {
                Some((name, suffix))
                    if suffix.len() == 16 && suffix.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    name
                }
                _ => set,
            };
            let user = session.map_or_else(|| "(no name recorded)".to_owned(), |s| s.clone());
            return format!(
                "IAM Identity Center user {user} via permission set {set}{account} (role {role})"
            );
        }
        let session_words = session
            .as_ref()
            .map_or(String::new(), |s| format!(" (session {s})"));
        let role_arn = if issuer_arn.is_empty() {
            String::new()
        } else {
            format!(", role {issuer_arn}")
        };
        // Service-linked: `role/aws-service-role/<service>/AWSServiceRoleFor…`.
        if let Some(service) = issuer_arn
            .split_once(":role/aws-service-role/")
            .and_then(|(_, rest)| rest.split('/').next())
            .filter(|s| !s.is_empty())
        {
            return format!(
                "service-linked role {role} used by AWS service {service}{session_words}{account}"
            );
        }
        if let Some(provider) = &self.web_id_provider {
            return format!(
                "role {role} assumed with a web identity from {provider}{session_words}{account}{role_arn}"
            );
        }
        // EC2 names an instance profile's session after the instance.
        if let Some(instance) = session.as_deref().filter(|s| is_instance_id(s)) {
            return format!("EC2 instance {instance} using role {role}{account}{role_arn}");
        }
        format!("assumed role {role}{session_words}{account}{role_arn}")
    }

    /// The caller's account: `accountId`, else the ARN's account field.
    fn account(&self) -> Option<&str> {
        self.account_id.as_deref().or_else(|| {
            let account = self.arn.as_deref()?.split(':').nth(4)?;
            (!account.is_empty()).then_some(account)
        })
    }

    /// Nothing names the caller but (at most) the account.
    fn is_anonymous(&self) -> bool {
        self.kind.is_none()
            && self.arn.is_none()
            && self.user_name.is_none()
            && self.principal_id.is_none()
    }

    /// The resource part of the ARN: `user/path/name`, `assumed-role/role/session`.
    fn arn_resource(&self) -> Option<&str> {
        let resource = self.arn.as_deref()?.splitn(6, ':').nth(5)?;
        (!resource.is_empty()).then_some(resource)
    }

    /// The last path segment of the ARN's resource (`user/path/NAME` → `NAME`).
    fn arn_tail(&self) -> Option<&str> {
        let tail = self.arn_resource()?.rsplit('/').next()?;
        (!tail.is_empty()).then_some(tail)
    }

    /// `ISSUER/SESSION` from the session issuer's name and the principal id
    /// (`AROA…:session`).
    fn issuer_session(&self) -> Option<Cow<'_, str>> {
        let session = self
            .principal_id
            .as_deref()
            .and_then(|p| p.split_once(':').map(|(_, s)| s));
        match (self.session_issuer_name.as_deref(), session) {
            (Some(i), Some(s)) => Some(Cow::Owned(format!("{i}/{s}"))),
            (Some(i), None) => Some(Cow::Borrowed(i)),
            (None, s) => s.map(Cow::Borrowed),
        }
    }
}

/// `AWS service s3.amazonaws.com`; `AWS internally` for `AWS Internal`.
fn service_words(invoked_by: &str) -> String {
    if invoked_by.eq_ignore_ascii_case("AWS Internal") {
        "AWS internally".to_owned()
    } else if invoked_by.ends_with(".amazonaws.com") {
        format!("AWS service {invoked_by}")
    } else {
        invoked_by.to_owned()
    }
}

/// `i-` and 8 or 17 hex digits.
fn is_instance_id(s: &str) -> bool {
    s.strip_prefix("i-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
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

struct RecordFields<'a>(Record<'a>);

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
struct IdentityFields<'a>(Identity<'a>);

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn explain(user_identity: serde_json::Value) -> String {
        Identity::from_value(&user_identity).explain()
    }

    // Shapes from tests/fixtures/real and AWS's CloudTrail userIdentity documentation.

    #[test]
    fn root_user() {
        assert_eq!(
            explain(json!({"type": "Root", "principalId": "222222222222",
                "arn": "arn:aws:iam::222222222222:root", "accountId": "222222222222",
                "accessKeyId": "ASIAEXAMPLEROOTKEY12"})),
            "The root user of account 222222222222."
        );
        // No accountId: the ARN's account.
        assert_eq!(
            explain(json!({"type": "Root", "arn": "arn:aws:iam::619193117841:root"})),
            "The root user of account 619193117841."
        );
    }

    #[test]
    fn iam_user() {
        assert_eq!(
            explain(
                json!({"type": "IAMUser", "principalId": "AIDATFQR7NSC5AU2ZV3IE",
                "arn": "arn:aws:iam::123837392027:user/bert-jan", "accountId": "123837392027",
                "accessKeyId": "ASIATFQR7NSCVDQK5XKV", "userName": "bert-jan",
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                    "attributes": {"creationDate": "2023-07-10T12:27:45Z", "mfaAuthenticated": "true"}}})
            ),
            "IAM user bert-jan in account 123837392027."
        );
        // No userName: the ARN's last segment (paths dropped).
        assert_eq!(
            explain(
                json!({"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ops/carol",
                "accountId": "111122223333"})
            ),
            "IAM user carol in account 111122223333."
        );
    }

    #[test]
    fn service_acting_for_a_user_or_root() {
        assert_eq!(
            explain(json!({"type": "IAMUser", "principalId": "AIDATFQR7NSC5AU2ZV3IE",
                "arn": "arn:aws:iam::123837392027:user/bert-jan", "accountId": "123837392027",
                "userName": "bert-jan", "invokedBy": "secretsmanager.amazonaws.com"})),
            "Called by AWS service secretsmanager.amazonaws.com on behalf of IAM user bert-jan in account 123837392027."
        );
        assert_eq!(
            explain(json!({"type": "Root", "principalId": "619193117841",
                "arn": "arn:aws:iam::619193117841:root", "accountId": "619193117841",
                "invokedBy": "autoscaling.amazonaws.com"})),
            "Called by AWS service autoscaling.amazonaws.com on behalf of the root user of account 619193117841."
        );
        // No type, only an account (seen in Organizations records).
        assert_eq!(
            explain(json!({"accountId": "111111111111", "invokedBy": "AWS Internal"})),
            "Called by AWS internally for account 111111111111."
        );
    }

    #[test]
    fn assumed_role() {
        assert_eq!(
            explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLEID:deploy-1700000000",
                "arn": "arn:aws:sts::111122223333:assumed-role/Deployer/deploy-1700000000",
                "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLE",
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEID",
                    "arn": "arn:aws:iam::111122223333:role/ci/Deployer", "accountId": "111122223333",
                    "userName": "Deployer"}, "webIdFederationData": {},
                    "attributes": {"creationDate": "2023-11-14T22:13:20Z", "mfaAuthenticated": "false"}}})),
            "Assumed role Deployer (session deploy-1700000000) in account 111122223333, role arn:aws:iam::111122223333:role/ci/Deployer."
        );
        // tests/fixtures/real: an instance profile, called through AWS internally.
        assert_eq!(
            explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:i-0123456789abcdef0",
                "arn": "arn:aws:sts::123456789012:assumed-role/web/i-0123456789abcdef0",
                "accountId": "123456789012",
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                    "arn": "arn:aws:iam::123456789012:role/web", "accountId": "123456789012",
                    "userName": "web"}, "ec2RoleDelivery": "2.0"},
                "invokedBy": "AWS Internal"})),
            "Called by AWS internally on behalf of EC2 instance i-0123456789abcdef0 using role web in account 123456789012, role arn:aws:iam::123456789012:role/web."
        );
        // No ARN: the issuer's name and the principal id's session.
        assert_eq!(
            explain(
                json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:nightly",
                "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Backup"}}})
            ),
            "Assumed role Backup (session nightly)."
        );
    }

    #[test]
    fn identity_center_permission_sets() {
        assert_eq!(
            explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLEROLEID1234:alice@example.com",
                "arn": "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com",
                "accountId": "111111111111", "accessKeyId": "ASIAEXAMPLEKEY123456",
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLEID1234",
                    "arn": "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                    "accountId": "111111111111", "userName": "AWSReservedSSO_AdministratorAccess_0123456789abcdef"},
                    "webIdFederationData": {}, "attributes": {"creationDate": "2020-01-01T00:00:00Z", "mfaAuthenticated": "true"}}})),
            "IAM Identity Center user alice@example.com via permission set AdministratorAccess in account 111111111111 (role AWSReservedSSO_AdministratorAccess_0123456789abcdef)."
        );
        // tests/fixtures/real (anonymised): the reserved path alone marks it.
        assert_eq!(
            explain(json!({"type": "AssumedRole", "principalId": "ARxxxxyyyyzzzzP3XWQIX:john.foo@example.com",
                "arn": "arn:aws:sts::111111111111:assumed-role/AWSAdministratorAccess/john.foo@example.com",
                "accountId": "111111111111",
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "ARxxxxyyyyzzzzP26DQHT",
                    "arn": "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSAdministratorAccess",
                    "accountId": "111111111111", "userName": "AWSAdministratorAccess"}}})),
            "IAM Identity Center user john.foo@example.com via permission set AWSAdministratorAccess in account 111111111111 (role AWSAdministratorAccess)."
        );
    }

    #[test]
    fn service_linked_and_web_identity_roles() {
        assert_eq!(
            explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:AutoScaling",
                "arn": "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
                "accountId": "111122223333",
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                    "arn": "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                    "accountId": "111122223333", "userName": "AWSServiceRoleForAutoScaling"}},
                "invokedBy": "autoscaling.amazonaws.com"})),
            "Called by AWS service autoscaling.amazonaws.com on behalf of service-linked role AWSServiceRoleForAutoScaling used by AWS service autoscaling.amazonaws.com (session AutoScaling) in account 111122223333."
        );
        assert_eq!(
            explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:GitHubActions",
                "arn": "arn:aws:sts::111122223333:assumed-role/gha-deploy/GitHubActions",
                "accountId": "111122223333",
                "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                    "arn": "arn:aws:iam::111122223333:role/gha-deploy", "accountId": "111122223333",
                    "userName": "gha-deploy"},
                    "webIdFederationData": {"federatedProvider": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                        "attributes": {}}}})),
            "Role gha-deploy assumed with a web identity from arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com (session GitHubActions) in account 111122223333, role arn:aws:iam::111122223333:role/gha-deploy."
        );
    }

    #[test]
    fn federated_saml_and_web_identity_users() {
        assert_eq!(
            explain(json!({"type": "FederatedUser", "principalId": "123456789012:Bob",
                "arn": "arn:aws:sts::123456789012:federated-user/Bob", "accountId": "123456789012",
                "accessKeyId": "ASIAEXAMPLE",
                "sessionContext": {"sessionIssuer": {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
                    "arn": "arn:aws:iam::123456789012:user/Alice", "accountId": "123456789012",
                    "userName": "Alice"}}})),
            "Federated user Bob in account 123456789012 (GetFederationToken) with temporary credentials from IAM user Alice."
        );
        assert_eq!(
            explain(
                json!({"type": "SAMLUser", "principalId": "SampleUkh1i4+ExamplexL/jEvs=:SamlExample",
                "userName": "SamlExample", "identityProvider": "bdGOnTesti4+ExamplexL/jEvs="})
            ),
            "SAML-federated user SamlExample (identity provider bdGOnTesti4+ExamplexL/jEvs=)."
        );
        assert_eq!(
            explain(json!({"type": "WebIdentityUser",
                "principalId": "accounts.google.com:app-id.apps.googleusercontent.com:user-id",
                "userName": "user-id", "identityProvider": "accounts.google.com"})),
            "Web identity user user-id signed in with accounts.google.com."
        );
    }

    #[test]
    fn services_accounts_and_identity_center() {
        assert_eq!(
            explain(json!({"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"})),
            "AWS service cloudtrail.amazonaws.com."
        );
        assert_eq!(
            explain(
                json!({"type": "AWSAccount", "principalId": "AIDAEXAMPLE", "accountId": "444455556666"})
            ),
            "A principal in another AWS account, 444455556666 (principal AIDAEXAMPLE)."
        );
        assert_eq!(
            explain(json!({"type": "AWSAccount", "accountId": "444455556666", "invokedBy": "s3.amazonaws.com"})),
            "Called by AWS service s3.amazonaws.com on behalf of a principal in another AWS account, 444455556666."
        );
        assert_eq!(
            explain(json!({"type": "IdentityCenterUser", "accountId": "111122223333",
                "onBehalfOf": {"userId": "906a0554-0061-7022-4b1e-EXAMPLE11111",
                    "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1234567890"},
                "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"})),
            "IAM Identity Center user 906a0554-0061-7022-4b1e-EXAMPLE11111 in account 111122223333."
        );
    }

    #[test]
    fn unknown_and_missing_identities() {
        assert_eq!(
            explain(
                json!({"type": "Unknown", "principalId": "111122223333", "accountId": "111122223333",
                "userName": "alice"})
            ),
            "An identity CloudTrail records as Unknown (alice) in account 111122223333."
        );
        assert_eq!(explain(json!({})), "An unidentified caller.");
        assert_eq!(explain(json!(null)), "An unidentified caller.");
        assert_eq!(
            explain(json!({"type": "userIdentityType3", "userName": "userIdentityUserName3",
                "accountId": "userIdentityAccountId3"})),
            "A caller of type userIdentityType3 (userIdentityUserName3) in account userIdentityAccountId3."
        );
    }
}
