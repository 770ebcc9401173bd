//! Handshakes: invitations (and the other handshake kinds) joined with their responses by
//! `h-` id, with the state as of the end of the loaded data. Entry point: [`build`].
//!
//! Acceptances and declines are logged in the invited account's trail, the invitation and
//! cancellations in the management account's: a load often holds only one side, and the
//! rows say so rather than guessing.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::model::{FailedAttempt, Handshake, HandshakeState, Party};
use super::record::{get, is_account_id, owned, text, text_at, timestamp, Rec};
use crate::time::EpochMillis;

/// The response calls and the state a successful one leaves the handshake in.
pub(crate) fn response_state(event_name: &str) -> Option<HandshakeState> {
    match event_name {
        "AcceptHandshake" => Some(HandshakeState::Accepted),
        "DeclineHandshake" => Some(HandshakeState::Declined),
        "CancelHandshake" => Some(HandshakeState::Canceled),
        _ => None,
    }
}

/// Calls that create a handshake (their failures are listed as failed attempts).
fn is_invitation(event_name: &str) -> bool {
    matches!(
        event_name,
        "InviteAccountToOrganization" | "InviteOrganizationToTransferResponsibility"
    )
}

/// Handshake actions whose response comes from the member (invited) account.
fn member_responds(action: Option<&str>) -> bool {
    matches!(action, None | Some("INVITE") | Some("ENABLE_ALL_FEATURES"))
}

struct Resolution {
    state: HandshakeState,
    time: Option<EpochMillis>,
    actor: String,
    account: Option<String>,
}

struct Acc {
    row: Handshake,
    first_seen: Option<EpochMillis>,
    /// The target the invitation asked for (wins over the parties' copy).
    requested_target: Option<(String, Option<String>)>,
    resolutions: Vec<Resolution>,
}

fn empty_row(handshake_id: Option<String>) -> Handshake {
    Handshake {
        handshake_id,
        action: None,
        organization_id: None,
        parties: Vec::new(),
        target: None,
        target_type: None,
        invitation_notes: None,
        requester: None,
        requester_account_id: None,
        requested_time: None,
        expiration_time: None,
        request_seen: false,
        state: HandshakeState::Unknown,
        resolved_by: None,
        resolved_account_id: None,
        resolved_time: None,
        invited_account_loaded: None,
        failed_attempts: Vec::new(),
        remarks: Vec::new(),
        event_ids: Vec::new(),
    }
}

impl Acc {
    fn new(handshake_id: Option<String>) -> Self {
        Acc {
            row: empty_row(handshake_id),
            first_seen: None,
            requested_target: None,
            resolutions: Vec::new(),
        }
    }

    fn touch(&mut self, rec: &Rec) {
        if let Some(id) = &rec.event_id {
            self.row.event_ids.push(id.to_string());
        }
        if self.first_seen.is_none() {
            self.first_seen = rec.time;
        }
    }
}

fn failed_attempt(rec: &Rec) -> FailedAttempt {
    FailedAttempt {
        event_name: rec.name.to_string(),
        event_id: owned(&rec.event_id),
        time: rec.time,
        actor: rec.actor(),
        account_id: rec.account(),
        error_code: owned(&rec.error_code).unwrap_or_default(),
        error_message: owned(&rec.error_message),
    }
}

/// `(id, type)` of `requestParameters.target`.
fn request_target(rec: &Rec) -> Option<(String, Option<String>)> {
    let target = get(rec.req, "target");
    let id = text_at(target, "id")?;
    Some((id, text_at(target, "type").map(|t| t.to_ascii_uppercase())))
}

/// Builds one row per `h-` id (plus failed calls without one), sorted by time then id.
///
/// `accounts_seen` holds every account with an event in the load; `reference_time` is "now".
pub(crate) fn build(
    recs: &[Rec],
    accounts_seen: &BTreeSet<String>,
    reference_time: Option<EpochMillis>,
) -> Vec<Handshake> {
    let mut by_id: BTreeMap<String, Acc> = BTreeMap::new();
    let mut loose: Vec<Acc> = Vec::new();
    for rec in recs {
        if rec.read_only() {
            continue;
        }
        let handshake = get(rec.resp, "handshake");
        if let Some(state) = response_state(&rec.name) {
            let id = text_at(rec.req, "handshakeId").or_else(|| text_at(handshake, "id"));
            let acc = match id {
                Some(id) => by_id
                    .entry(id.clone())
                    .or_insert_with(|| Acc::new(Some(id))),
                None => {
                    loose.push(Acc::new(None));
                    let Some(acc) = loose.last_mut() else {
                        continue;
                    };
                    if rec.failed() {
                        acc.row.state = HandshakeState::FailedCall;
                    }
                    acc
                }
            };
            acc.touch(rec);
            absorb(&mut acc.row, handshake, false);
            if rec.failed() {
                acc.row.failed_attempts.push(failed_attempt(rec));
            } else {
                acc.resolutions.push(Resolution {
                    state,
                    time: rec.time,
                    actor: rec.actor(),
                    account: rec.account(),
                });
            }
            continue;
        }
        let handshake_id = text_at(handshake, "id").filter(|id| id.starts_with("h-"));
        let creates = is_invitation(&rec.name) || rec.name == "EnableAllFeatures";
        if !creates && handshake_id.is_none() {
            continue;
        }
        let acc = match handshake_id {
            Some(id) => by_id
                .entry(id.clone())
                .or_insert_with(|| Acc::new(Some(id))),
            None if rec.failed() && is_invitation(&rec.name) => {
                loose.push(Acc::new(None));
                let Some(acc) = loose.last_mut() else {
                    continue;
                };
                acc.row.state = HandshakeState::FailedCall;
                acc
            }
            // A failed EnableAllFeatures is a structure change; nothing to show here.
            None => continue,
        };
        acc.touch(rec);
        if rec.failed() {
            acc.row.failed_attempts.push(failed_attempt(rec));
            if acc.row.handshake_id.is_none() {
                // The failed call is the row: show what it asked for.
                acc.row.action = Some(action_of_call(&rec.name).to_string());
                acc.row.requester = Some(rec.actor());
                acc.row.requester_account_id = rec.account();
                acc.row.requested_time = rec.time;
                acc.requested_target = request_target(rec);
                acc.row.invitation_notes = text_at(rec.req, "notes");
            }
            continue;
        }
        // The invitation itself: its details win over copies seen in responses.
        acc.row.request_seen = true;
        if acc.row.requester.is_none() {
            acc.row.requester = Some(rec.actor());
            acc.row.requester_account_id = rec.account();
        }
        absorb(&mut acc.row, handshake, true);
        if acc.row.action.is_none() {
            acc.row.action = Some(action_of_call(&rec.name).to_string());
        }
        if let Some(target) = request_target(rec) {
            acc.requested_target = Some(target);
        }
        if let Some(notes) = text_at(rec.req, "notes") {
            acc.row.invitation_notes = Some(notes);
        }
        if acc.row.requested_time.is_none() {
            acc.row.requested_time = rec.time;
        }
    }
    let mut rows: Vec<(Option<EpochMillis>, Handshake)> = by_id
        .into_values()
        .chain(loose)
        .map(|acc| {
            let first_seen = acc.first_seen;
            let row = finish(acc, accounts_seen, reference_time);
            (row.requested_time.or(first_seen), row)
        })
        .collect();
    crate::sort::sort_by(&mut rows, |a, b| {
        (a.0, &a.1.handshake_id, a.1.event_ids.first()).cmp(&(
            b.0,
            &b.1.handshake_id,
            b.1.event_ids.first(),
        ))
    });
    rows.into_iter().map(|(_, row)| row).collect()
}

fn action_of_call(event_name: &str) -> &'static str {
    match event_name {
        "EnableAllFeatures" => "ENABLE_ALL_FEATURES",
        "InviteOrganizationToTransferResponsibility" => "TRANSFER_RESPONSIBILITY",
        _ => "INVITE",
    }
}

/// Takes what a handshake object says. `authoritative` (the invitation's own response)
/// overwrites; otherwise only gaps are filled.
fn absorb(row: &mut Handshake, hs: &Value, authoritative: bool) {
    if !hs.is_object() {
        return;
    }
    let set = |slot: &mut Option<String>, value: Option<String>| {
        if value.is_some() && (authoritative || slot.is_none()) {
            *slot = value;
        }
    };
    set(
        &mut row.action,
        text_at(hs, "action").map(|a| a.to_ascii_uppercase()),
    );
    let parties = parse_parties(get(hs, "parties"));
    if !parties.is_empty() && (authoritative || row.parties.is_empty()) {
        row.parties = parties;
    }
    let org = row
        .parties
        .iter()
        .find(|p| p.party_type == "ORGANIZATION")
        .map(|p| p.id.clone())
        .or_else(|| text_at(hs, "arn").and_then(|arn| org_from_arn(&arn)));
    set(&mut row.organization_id, org);
    let notes = resources(get(hs, "resources"))
        .into_iter()
        .find(|(ty, _)| ty == "NOTES")
        .map(|(_, v)| v);
    set(&mut row.invitation_notes, notes);
    let set_time = |slot: &mut Option<EpochMillis>, value: Option<EpochMillis>| {
        if value.is_some() && (authoritative || slot.is_none()) {
            *slot = value;
        }
    };
    set_time(
        &mut row.requested_time,
        timestamp(get(hs, "requestedTimestamp")),
    );
    set_time(
        &mut row.expiration_time,
        timestamp(get(hs, "expirationTimestamp")),
    );
}

fn parse_parties(v: &Value) -> Vec<Party> {
    let Value::Array(items) = v else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|p| {
            Some(Party {
                party_type: text_at(p, "type")
                    .unwrap_or_else(|| "UNKNOWN".to_string())
                    .to_ascii_uppercase(),
                id: text_at(p, "id")?,
            })
        })
        .collect()
}

/// `(type, value)` of a handshake's resources, nested ones included.
fn resources(v: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, u32)> = vec![(v, 0)];
    while let Some((node, depth)) = stack.pop() {
        let Value::Array(items) = node else { continue };
        for item in items {
            if let (Some(ty), Some(value)) = (text_at(item, "type"), text(get(item, "value"))) {
                out.push((ty.to_ascii_uppercase(), value));
            }
            if depth < 4 {
                stack.push((get(item, "resources"), depth + 1));
            }
        }
    }
    out
}

/// `o-…` from `arn:aws:organizations::111:handshake/o-xxx/invite/h-yyy` (or any org ARN).
pub(crate) fn org_from_arn(arn: &str) -> Option<String> {
    arn.split('/')
        .find(|part| part.starts_with("o-") && part.len() > 2)
        .map(str::to_string)
}

fn finish(
    acc: Acc,
    accounts_seen: &BTreeSet<String>,
    reference_time: Option<EpochMillis>,
) -> Handshake {
    let Acc {
        mut row,
        requested_target,
        resolutions,
        ..
    } = acc;
    crate::sort::sort(&mut row.event_ids);
    row.event_ids.dedup();
    // Target: what the invitation asked for, else the party that is not the organization.
    let party_target = row
        .parties
        .iter()
        .find(|p| p.party_type != "ORGANIZATION")
        .map(|p| (p.id.clone(), Some(p.party_type.clone())));
    match (&requested_target, &party_target) {
        (Some((asked, _)), Some((party, _))) if asked != party => row.remarks.push(format!(
            "The invitation asked for {asked}, but the handshake's party is {party}."
        )),
        _ => {}
    }
    if let Some((target, ty)) = requested_target.or(party_target) {
        row.target_type = ty.or_else(|| {
            Some(
                if is_account_id(&target) {
                    "ACCOUNT"
                } else {
                    "EMAIL"
                }
                .to_string(),
            )
        });
        row.target = Some(target);
    }
    if row.state == HandshakeState::FailedCall {
        if let Some(attempt) = row.failed_attempts.first() {
            row.remarks.push(format!(
                "{} failed ({}) and produced no handshake.",
                attempt.event_name, attempt.error_code
            ));
        }
        return row;
    }
    // State as of the end of the data: a successful response decides; the first one wins.
    if let Some(first) = resolutions.first() {
        row.state = first.state;
        row.resolved_by = Some(first.actor.clone());
        row.resolved_account_id = first.account.clone();
        row.resolved_time = first.time;
        let others: BTreeSet<HandshakeState> = crate::sort::set_of(
            resolutions
                .iter()
                .map(|r| r.state)
                .filter(|s| *s != first.state),
        );
        if !others.is_empty() {
            row.remarks.push(format!(
                "Later responses conflict with the first one ({:?}): {:?}.",
                first.state, others
            ));
        }
    } else {
        row.state = match (row.expiration_time, reference_time) {
            (Some(expires), Some(now)) if expires <= now => HandshakeState::Expired,
            (Some(_), Some(_)) => HandshakeState::Open,
            _ => HandshakeState::Unknown,
        };
        if row.state == HandshakeState::Unknown {
            row.remarks.push(if row.expiration_time.is_none() {
                "No loaded event gives the expiration time, so the state is unknown.".to_string()
            } else {
                "No event time is known to compare the expiration with.".to_string()
            });
        }
    }
    let member_side = member_responds(row.action.as_deref());
    let target_account =
        row.target
            .clone()
            .filter(|t| is_account_id(t))
            .or_else(|| match row.state {
                HandshakeState::Accepted | HandshakeState::Declined => {
                    row.resolved_account_id.clone()
                }
                _ => None,
            });
    if member_side {
        if let Some(account) = &target_account {
            let loaded = accounts_seen.contains(account);
            row.invited_account_loaded = Some(loaded);
            let unresolved = matches!(
                row.state,
                HandshakeState::Open | HandshakeState::Expired | HandshakeState::Unknown
            );
            if !loaded && unresolved {
                row.remarks.push(format!(
                    "The invited account's events ({account}) are not loaded; an acceptance or decline would not be visible."
                ));
            }
        } else if row.target_type.as_deref() == Some("EMAIL")
            && matches!(row.state, HandshakeState::Open | HandshakeState::Expired)
        {
            row.remarks.push(
                "Invited by email address: the invited account is unknown, so an acceptance or decline in its trail may be missing."
                    .to_string(),
            );
        }
    }
    if let (Some(target), Some(by)) = (&row.target, &row.resolved_account_id) {
        if matches!(
            row.state,
            HandshakeState::Accepted | HandshakeState::Declined
        ) && is_account_id(target)
            && target != by
        {
            row.remarks.push(format!(
                "Responded from account {by}, not the invited account {target}."
            ));
        }
    }
    if !row.request_seen {
        row.remarks.push(
            "The invitation is not loaded (it is logged in the management account's trail, in us-east-1)."
                .to_string(),
        );
    }
    if row.parties.is_empty() {
        row.remarks
            .push("No loaded event lists the handshake's parties.".to_string());
    }
    row
}
