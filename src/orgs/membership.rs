//! Membership changes: accounts created, invited in, leaving, removed, closed. Entry point:
//! [`build`].
//!
//! One change is often logged twice: the API call (RemoveAccountFromOrganization,
//! LeaveOrganization, CloseAccount, AcceptHandshake, CreateAccountResult) and a membership
//! service event (AccountJoinedOrganization / AccountDepartedOrganization, CloseAccountResult).
//! Service events are merged into the nearest call-based row of the same account and kind
//! within [`MERGE_WINDOW_MS`]; only unmatched ones become rows of their own.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{
    AccountCreation, ChangeOutcome, CreationState, Handshake, HandshakeState, MembershipChange,
    MembershipKind,
};
use super::record::{find_field, get, is_account_id, owned, text, text_at, timestamp, Rec};
use crate::time::EpochMillis;

/// How far apart a call and its service event may be and still be one change.
/// - Larger: tolerates delayed service events.
/// - Smaller: a quick leave-rejoin-leave is less likely to be merged wrongly (the nearest
///   candidate wins anyway).
pub const MERGE_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// Which service events a row has absorbed (each at most once).
#[derive(Default)]
struct Absorbed {
    joined: bool,
    departed: bool,
    close_result: Option<String>,
}

struct Row {
    change: MembershipChange,
    /// What produced the row: an API call name or a service event name.
    origin: String,
    absorbed: Absorbed,
}

fn row(kind: MembershipKind, account_id: Option<String>, time: Option<EpochMillis>) -> Row {
    Row {
        change: MembershipChange {
            kind,
            account_id,
            account_name: None,
            time,
            actor: None,
            outcome: ChangeOutcome::Done,
            method: None,
            error_code: None,
            error_message: None,
            lifecycle_id: None,
            details: String::new(),
            event_ids: Vec::new(),
        },
        origin: String::new(),
        absorbed: Absorbed::default(),
    }
}

/// Builds the membership rows, sorted by time then account.
pub(crate) fn build(
    recs: &[Rec],
    creations: &[AccountCreation],
    handshakes: &[Handshake],
) -> Vec<MembershipChange> {
    let mut rows: Vec<Row> = Vec::new();
    for c in creations {
        if c.state != CreationState::Succeeded {
            continue;
        }
        let mut r = row(
            MembershipKind::Created,
            c.account_id.clone(),
            c.completed_time,
        );
        r.change.actor = c.requester.clone();
        r.change.lifecycle_id = c.request_id.clone();
        r.change.event_ids = c.event_ids.clone();
        r.origin = match (c.request_seen, c.govcloud) {
            (false, _) => "CreateAccountResult",
            (true, true) => "CreateGovCloudAccount",
            (true, false) => "CreateAccount",
        }
        .to_string();
        rows.push(r);
    }
    for h in handshakes {
        if h.state != HandshakeState::Accepted || h.action.as_deref() != Some("INVITE") {
            continue;
        }
        let account = h
            .resolved_account_id
            .clone()
            .or_else(|| h.target.clone().filter(|t| is_account_id(t)));
        let mut r = row(MembershipKind::InvitedJoined, account, h.resolved_time);
        r.change.actor = h.resolved_by.clone();
        r.change.lifecycle_id = h.handshake_id.clone();
        r.change.event_ids = h.event_ids.clone();
        r.origin = "AcceptHandshake".to_string();
        rows.push(r);
    }
    for rec in recs {
        let kind = match &*rec.name {
            "LeaveOrganization" if rec.failed() => MembershipKind::LeftDenied,
            "LeaveOrganization" => MembershipKind::Left,
            "RemoveAccountFromOrganization" if !rec.failed() => MembershipKind::Removed,
            "CloseAccount" if !rec.failed() => MembershipKind::Closed,
            _ => continue,
        };
        let account = match kind {
            MembershipKind::Left | MembershipKind::LeftDenied => rec.account(),
            _ => text_at(rec.req, "accountId").or_else(|| {
                // The account console closes the calling account itself.
                (rec.source == super::record::ACCOUNT)
                    .then(|| rec.account())
                    .flatten()
            }),
        };
        let mut r = row(kind, account, rec.time);
        r.change.actor = Some(rec.actor());
        r.change.event_ids = rec.ids();
        r.change.error_code = owned(&rec.error_code);
        r.change.error_message = owned(&rec.error_message);
        r.origin = rec.name.to_string();
        match kind {
            MembershipKind::LeftDenied => r.change.outcome = ChangeOutcome::Failed,
            MembershipKind::Closed => r.change.outcome = ChangeOutcome::Pending,
            _ => {}
        }
        rows.push(r);
    }
    // Service events, in time order, each to the nearest free matching row.
    for rec in recs {
        match &*rec.name {
            "CloseAccountResult" => close_result(&mut rows, rec),
            "AccountJoinedOrganization" => joined(&mut rows, rec),
            "AccountDepartedOrganization" => departed(&mut rows, rec),
            _ => {}
        }
    }
    let names: BTreeMap<&str, &str> = crate::sort::map_of(
        creations
            .iter()
            .filter_map(|c| Some((c.account_id.as_deref()?, c.account_name.as_deref()?))),
    );
    let mut out: Vec<MembershipChange> = rows
        .into_iter()
        .map(|mut r| {
            crate::sort::sort(&mut r.change.event_ids);
            r.change.event_ids.dedup();
            r.change.account_name = r
                .change
                .account_id
                .as_deref()
                .and_then(|a| names.get(a))
                .map(|n| n.to_string());
            r.change.details = details(&r);
            r.change
        })
        .collect();
    crate::sort::sort_by(&mut out, |a, b| {
        (a.time, &a.account_id, a.kind, a.event_ids.first()).cmp(&(
            b.time,
            &b.account_id,
            b.kind,
            b.event_ids.first(),
        ))
    });
    out
}

/// The member account a membership service event is about.
fn subject_account(rec: &Rec) -> Option<String> {
    let found = find_field(rec, &["accountId", "memberAccountId", "account"]);
    // `"account": {"id": "…"}` as well as `"accountId": "…"`.
    let direct = text(found)
        .or_else(|| text_at(found, "id"))
        .or_else(|| text_at(found, "accountId"))
        .filter(|a| is_account_id(a));
    if direct.is_some() {
        return direct;
    }
    // Else a resource: `{"type":"AWS::Organizations::Account","ARN":"…:account/o-x/ID"}`.
    let Value::Array(items) = rec.resources else {
        return None;
    };
    items.iter().find_map(|item| {
        let arn = text_at(item, "ARN").or_else(|| text_at(item, "arn"))?;
        let last = arn.rsplit('/').next()?;
        (arn.contains(":account/") && is_account_id(last)).then(|| last.to_string())
    })
}

fn event_time(rec: &Rec, keys: &[&str]) -> Option<EpochMillis> {
    timestamp(find_field(rec, keys)).or(rec.time)
}

/// Index of the nearest row accepted by `fits`, within the window (`any_time` lifts it).
fn nearest(
    rows: &[Row],
    time: Option<EpochMillis>,
    any_time: bool,
    fits: impl Fn(&Row) -> bool,
) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| fits(r))
        .filter_map(|(i, r)| {
            let gap = match (time, r.change.time) {
                (Some(a), Some(b)) => a.abs_diff(b),
                // Without both times, a match is possible but the last resort.
                _ => u64::MAX - 1,
            };
            let within = any_time || gap <= MERGE_WINDOW_MS.unsigned_abs() || gap == u64::MAX - 1;
            within.then_some((gap, i))
        })
        .min()
        .map(|(_, i)| i)
}

fn close_result(rows: &mut Vec<Row>, rec: &Rec) {
    let status = find_field(rec, &["closeAccountStatus"]);
    let status = if status.is_object() {
        status
    } else {
        rec.service
    };
    let account = text_at(status, "accountId")
        .filter(|a| is_account_id(a))
        .or_else(|| subject_account(rec));
    let state = text_at(status, "state").map(|s| s.to_ascii_uppercase());
    let time = timestamp(get(status, "completedTimestamp")).or(rec.time);
    let found = nearest(rows, time, false, |r| {
        r.change.kind == MembershipKind::Closed
            && r.absorbed.close_result.is_none()
            && r.change.account_id == account
    });
    let index = match found {
        Some(i) => i,
        None => {
            let mut r = row(MembershipKind::Closed, account, time);
            r.change.actor = Some(rec.actor());
            r.origin = rec.name.to_string();
            rows.push(r);
            rows.len() - 1
        }
    };
    let Some(r) = rows.get_mut(index) else { return };
    r.change.event_ids.extend(rec.ids());
    r.absorbed.close_result = Some(state.clone().unwrap_or_default());
    r.change.outcome = match state.as_deref() {
        Some("FAILED") => ChangeOutcome::Failed,
        Some("SUCCEEDED") | None => ChangeOutcome::Done,
        Some(_) => ChangeOutcome::Pending,
    };
    if r.change.outcome == ChangeOutcome::Failed {
        r.change.error_code = text_at(status, "failureReason").or(r.change.error_code.take());
    }
}

fn joined(rows: &mut Vec<Row>, rec: &Rec) {
    let method = text(find_field(rec, &["joinedMethod", "joinMethod"]));
    let upper = method.as_deref().map(str::to_ascii_uppercase);
    let kind = match upper.as_deref() {
        Some(m) if m.starts_with("CREATE") => Some(MembershipKind::Created),
        Some(m) if m.starts_with("INVITE") => Some(MembershipKind::InvitedJoined),
        _ => None,
    };
    let account = subject_account(rec);
    let time = event_time(rec, &["joinedTime", "joinedTimestamp", "joinTime"]);
    // An account is created once, so a creation matches at any distance.
    let found = nearest(rows, time, kind == Some(MembershipKind::Created), |r| {
        let kind_fits = match kind {
            Some(k) => r.change.kind == k,
            None => matches!(
                r.change.kind,
                MembershipKind::Created | MembershipKind::InvitedJoined
            ),
        };
        kind_fits && !r.absorbed.joined && r.change.account_id == account
    });
    let index = match found {
        Some(i) => i,
        None => {
            let mut r = row(kind.unwrap_or(MembershipKind::InvitedJoined), account, time);
            r.change.actor = Some(rec.actor());
            r.origin = rec.name.to_string();
            rows.push(r);
            rows.len() - 1
        }
    };
    let Some(r) = rows.get_mut(index) else { return };
    r.absorbed.joined = true;
    r.change.event_ids.extend(rec.ids());
    if method.is_some() {
        r.change.method = method;
    }
}

fn departed(rows: &mut Vec<Row>, rec: &Rec) {
    let method = text(find_field(
        rec,
        &["departureMethod", "departedMethod", "departMethod"],
    ));
    let upper = method.as_deref().map(str::to_ascii_uppercase);
    let kind = match upper.as_deref() {
        Some(m) if m.starts_with("LEFT") || m.starts_with("LEAVE") => Some(MembershipKind::Left),
        Some(m) if m.starts_with("REMOVE") => Some(MembershipKind::Removed),
        Some(m) if m.starts_with("CLEAN") || m.starts_with("CLOSE") => Some(MembershipKind::Closed),
        _ => None,
    };
    let account = subject_account(rec);
    let time = event_time(
        rec,
        &["departureTime", "departedTime", "departureTimestamp"],
    );
    let found = nearest(rows, time, false, |r| {
        let kind_fits = match kind {
            Some(k) => r.change.kind == k,
            None => matches!(
                r.change.kind,
                MembershipKind::Left | MembershipKind::Removed | MembershipKind::Closed
            ),
        };
        kind_fits && !r.absorbed.departed && r.change.account_id == account
    });
    let index = match found {
        Some(i) => i,
        None => {
            let mut r = row(kind.unwrap_or(MembershipKind::Left), account, time);
            r.change.actor = Some(rec.actor());
            r.origin = rec.name.to_string();
            rows.push(r);
            rows.len() - 1
        }
    };
    let Some(r) = rows.get_mut(index) else { return };
    r.absorbed.departed = true;
    r.change.event_ids.extend(rec.ids());
    if method.is_some() {
        r.change.method = method;
    }
}

fn details(r: &Row) -> String {
    let c = &r.change;
    let mut text = match (c.kind, r.origin.as_str()) {
        (MembershipKind::Created, "CreateAccount" | "CreateGovCloudAccount") => format!(
            "Created by {}{}.",
            r.origin,
            c.lifecycle_id
                .as_ref()
                .map(|id| format!(" (request {id})"))
                .unwrap_or_default()
        ),
        (MembershipKind::Created, "CreateAccountResult") => format!(
            "Created{}; the CreateAccount request is not loaded.",
            c.lifecycle_id
                .as_ref()
                .map(|id| format!(" (request {id})"))
                .unwrap_or_default()
        ),
        (MembershipKind::Created, _) => {
            "Joined as a newly created account (AccountJoinedOrganization).".to_string()
        }
        (MembershipKind::InvitedJoined, "AcceptHandshake") => format!(
            "Joined by accepting invitation {}.",
            c.lifecycle_id.as_deref().unwrap_or("(no id)")
        ),
        (MembershipKind::InvitedJoined, _) if c.method.is_none() => {
            "Joined the organization; the join method is not recorded.".to_string()
        }
        (MembershipKind::InvitedJoined, _) => {
            "Joined by invitation (AccountJoinedOrganization).".to_string()
        }
        (MembershipKind::Left, "LeaveOrganization") => {
            "Left the organization by its own LeaveOrganization call.".to_string()
        }
        (MembershipKind::Left, _) if c.method.is_none() => {
            "Departed the organization; the departure method is not recorded.".to_string()
        }
        (MembershipKind::Left, _) => {
            "Left the organization (AccountDepartedOrganization).".to_string()
        }
        (MembershipKind::LeftDenied, _) => format!(
            "LeaveOrganization was rejected ({}): someone in the account tried to leave the organization.",
            c.error_code.as_deref().unwrap_or("error")
        ),
        (MembershipKind::Removed, "RemoveAccountFromOrganization") => {
            "Removed by the management account (RemoveAccountFromOrganization).".to_string()
        }
        (MembershipKind::Removed, _) => {
            "Removed from the organization (AccountDepartedOrganization).".to_string()
        }
        (MembershipKind::Closed, "AccountDepartedOrganization") => {
            "Permanently closed and cleaned out of the organization (AccountDepartedOrganization)."
                .to_string()
        }
        (MembershipKind::Closed, _) => match (&r.absorbed.close_result, c.outcome) {
            (None, _) => {
                "Closure requested (CloseAccount); no CloseAccountResult is loaded, so it may still be pending."
                    .to_string()
            }
            (Some(_), ChangeOutcome::Failed) => format!(
                "The closure failed{}.",
                c.error_code
                    .as_ref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
            (Some(_), _) => "Closed (CloseAccountResult); the account is suspended.".to_string(),
        },
    };
    if r.absorbed.joined && r.origin != "AccountJoinedOrganization" {
        text.push_str(" Confirmed by AccountJoinedOrganization.");
    }
    if r.absorbed.departed && r.origin != "AccountDepartedOrganization" {
        text.push_str(" Confirmed by AccountDepartedOrganization.");
    }
    if let Some(method) = &c.method {
        text.push_str(&format!(" Method as logged: {method}."));
    }
    if c.account_id.is_none() {
        text.push_str(" The account id is not in the loaded event.");
    }
    text
}
