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

use serde::Deserialize;

use crate::time::EpochMillis;
use read::{IdentityFields, RecordFields};

mod read;
pub mod schema;
#[cfg(test)]
mod tests;

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
