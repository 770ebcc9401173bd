//! What the Organization tab shows of an [`OrgReport`], as plain data: each section's
//! heading, columns and empty text, the words and badge of every state, the labels of rows
//! (the Events tab's banner, the detail pane's links), the query that shows a row's events,
//! and the tree slider's stops. Pure, so it is tested natively; `crate::web::orgs` only
//! draws it.
//!
//! Entry points: the section constants ([`CREATIONS`] … [`SWIMLANES`], and [`nav`]), the
//! `*_badge` functions, the `*_label` functions, [`lifecycle_links`], [`drill_query`] and
//! [`TreeStops`].

use super::{
    AccountCreation, ChangeOutcome, CreationState, Handshake, HandshakeState, LifecycleRef,
    MembershipChange, MembershipKind, OrgChange, OrgReport, TreeOp, WarningKind,
};
use crate::display;
use crate::query::{Ast, Field, Value};
use crate::time::EpochMillis;
use crate::timeline::drill::Clause;

// --- the sections

/// One section of the tab: where it is (`id`, the header's link target), its test hook,
/// its heading and link text, and, for a table, its columns and what it says when empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub id: &'static str,
    pub testid: &'static str,
    pub title: &'static str,
    /// The header's link text (shorter than the title).
    pub nav: &'static str,
    /// Column headings; every table also ends with a screen-reader-only "Events" column.
    pub columns: &'static [&'static str],
    pub empty: &'static str,
}

pub const CREATIONS: Section = Section {
    id: "org-creations",
    testid: "creations",
    title: "Account creations",
    nav: "Account creations",
    columns: &[
        "Account",
        "Requested by",
        "Requested (UTC)",
        "State",
        "Request",
        "New account",
        "Failure / notes",
        "Took",
    ],
    empty: "No CreateAccount request or CreateAccountResult is loaded.",
};

pub const HANDSHAKES: Section = Section {
    id: "org-handshakes",
    testid: "handshakes",
    title: "Handshakes",
    nav: "Handshakes",
    columns: &[
        "Handshake",
        "Target / parties",
        "Invitation notes",
        "Requested / expires (UTC)",
        "State",
        "Requested by",
        "Notes",
    ],
    empty: "No invitation or handshake event is loaded.",
};

pub const MEMBERSHIP: Section = Section {
    id: "org-membership",
    testid: "membership",
    title: "Membership changes",
    nav: "Membership",
    columns: &["Time (UTC)", "Account", "Change", "By", "Details"],
    empty: "No account joined, left, was removed or closed in the loaded events.",
};

pub const CHANGES: Section = Section {
    id: "org-changes",
    testid: "changes",
    title: "Structure and policy changes",
    nav: "Structure and policy",
    columns: &["Time (UTC)", "Change", "By", "Targets", "Details", "Result"],
    empty: "No OU, policy or other organization change is loaded.",
};

pub const TREE: Section = Section {
    id: "org-tree",
    testid: "tree-section",
    title: "Organization tree",
    nav: "Tree",
    columns: &[],
    empty: "No loaded event has a time, so no tree can be drawn.",
};

pub const SWIMLANES: Section = Section {
    id: "org-swimlanes",
    testid: "swimlanes",
    title: "Accounts over time",
    nav: "Swimlanes",
    columns: &[],
    empty: "No account has a lifecycle with a known time in the loaded events.",
};

/// The header's links, in page order, with the row count the four tables show.
pub fn nav(report: &OrgReport) -> [(Section, Option<usize>); 6] {
    [
        (CREATIONS, Some(report.creations.len())),
        (HANDSHAKES, Some(report.handshakes.len())),
        (MEMBERSHIP, Some(report.membership.len())),
        (CHANGES, Some(report.changes.len())),
        (TREE, None),
        (SWIMLANES, None),
    ]
}

// --- words for states and kinds

/// A state as a test hook (`attr`), a badge's words and its CSS class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Badge {
    pub attr: &'static str,
    pub text: &'static str,
    pub class: &'static str,
}

const fn badge(attr: &'static str, text: &'static str, class: &'static str) -> Badge {
    Badge { attr, text, class }
}

/// An account creation's state. A refused CreateAccount call is `FAILED`; a result whose
/// state is missing or unknown to this version is `UNKNOWN` (it is not in progress).
pub fn creation_badge(state: CreationState) -> Badge {
    match state {
        CreationState::Succeeded => badge("SUCCEEDED", "SUCCEEDED", "ok"),
        CreationState::Failed => badge("FAILED", "FAILED", "bad"),
        CreationState::InProgress => badge("IN_PROGRESS", "IN PROGRESS", "pending"),
        CreationState::FailedCall => badge("FAILED", "failed call", "bad"),
        CreationState::Unknown => badge("UNKNOWN", "unknown", "unknown"),
    }
}

/// A handshake's state. A refused call never produced a handshake whose state could be
/// known, so it is `UNKNOWN`.
pub fn handshake_badge(state: HandshakeState) -> Badge {
    match state {
        HandshakeState::Open => badge("OPEN", "OPEN", "pending"),
        HandshakeState::Accepted => badge("ACCEPTED", "ACCEPTED", "ok"),
        HandshakeState::Declined => badge("DECLINED", "DECLINED", "bad"),
        HandshakeState::Canceled => badge("CANCELED", "CANCELED", "muted-badge"),
        HandshakeState::Expired => badge("EXPIRED", "EXPIRED", "muted-badge"),
        HandshakeState::Unknown => badge("UNKNOWN", "UNKNOWN", "unknown"),
        HandshakeState::FailedCall => badge("UNKNOWN", "failed call", "bad"),
    }
}

/// A membership change's kind.
pub fn membership_badge(kind: MembershipKind) -> Badge {
    match kind {
        MembershipKind::Created => badge("CREATED", "created", "ok"),
        MembershipKind::InvitedJoined => badge("INVITED_JOINED", "joined (invited)", "ok"),
        MembershipKind::Left => badge("LEFT", "left", "bad"),
        MembershipKind::LeftDenied => badge("LEFT_DENIED", "leave denied", "warn-badge"),
        MembershipKind::Removed => badge("REMOVED", "removed", "bad"),
        MembershipKind::Closed => badge("CLOSED", "closed", "bad"),
    }
}

/// (`data-outcome`, words) of a membership change.
pub fn outcome_words(outcome: ChangeOutcome) -> (&'static str, &'static str) {
    match outcome {
        ChangeOutcome::Done => ("DONE", "done"),
        ChangeOutcome::Pending => ("PENDING", "requested, completion not loaded"),
        ChangeOutcome::Failed => ("FAILED", "failed"),
    }
}

pub fn warning_title(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::NoUsEast1Events => "No us-east-1 events",
        WarningKind::InvitedAccountNotLoaded => "Invited accounts' events not loaded",
        WarningKind::ResultWithoutRequest => "Results without their requests",
        WarningKind::CreationWithoutResult => "Creations without results",
        WarningKind::ResponseWithoutInvitation => "Responses without their invitations",
        WarningKind::LeaveDenied => "Denied attempts to leave",
        WarningKind::AccountsDeparted => "Accounts departed",
        WarningKind::FailedWriteCalls => "Rejected write calls",
        WarningKind::GuardrailsWeakened => "Guardrails weakened",
        WarningKind::ConflictingEventIds => "Conflicting eventIDs",
        WarningKind::MissingEventTime => "Events without a time",
        WarningKind::SeveralOrganizations => "Several organizations",
    }
}

/// Warnings about the load itself (what is missing) rather than about what happened.
pub fn warning_is_about_data(kind: WarningKind) -> bool {
    matches!(
        kind,
        WarningKind::NoUsEast1Events
            | WarningKind::InvitedAccountNotLoaded
            | WarningKind::ResultWithoutRequest
            | WarningKind::CreationWithoutResult
            | WarningKind::ResponseWithoutInvitation
            | WarningKind::ConflictingEventIds
            | WarningKind::MissingEventTime
            | WarningKind::SeveralOrganizations
    )
}

/// `1 min 35 s`, `2 h 5 min`, `3 d 4 h`.
pub fn human_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else if m > 0 {
        format!("{m} min {sec} s")
    } else {
        format!("{sec} s")
    }
}

// --- what rows say beyond their fields

/// A creation's `data-failure-reason`: the failure reason, else a refused call's error
/// code, else empty.
pub fn creation_failure(c: &AccountCreation) -> String {
    c.failure_reason
        .clone()
        .or_else(|| c.error_code.clone())
        .unwrap_or_default()
}

/// A handshake's `data-invited-loaded`: whether the invited account's events are loaded.
pub fn invited_loaded(h: &Handshake) -> &'static str {
    match h.invited_account_loaded {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    }
}

/// How a handshake ended (or that it has not): by whom and when.
pub fn handshake_resolution(h: &Handshake) -> Option<String> {
    match h.state {
        HandshakeState::Accepted | HandshakeState::Declined | HandshakeState::Canceled => {
            let by = h
                .resolved_by
                .clone()
                .unwrap_or_else(|| "unknown".to_owned());
            let account = h
                .resolved_account_id
                .as_deref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            Some(format!(
                "by {by}{account} at {} UTC",
                display::time(h.resolved_time)
            ))
        }
        HandshakeState::Expired => Some(format!(
            "at {} UTC, unanswered",
            display::time(h.expiration_time)
        )),
        HandshakeState::Open => Some(format!(
            "unanswered; expires {} UTC",
            display::time(h.expiration_time)
        )),
        HandshakeState::Unknown | HandshakeState::FailedCall => None,
    }
}

/// "answered after 2 h 5 min", when both ends are known.
pub fn handshake_wait(h: &Handshake) -> Option<String> {
    match (h.requested_time, h.resolved_time) {
        (Some(a), Some(b)) if b >= a => Some(format!("answered after {}", human_duration(b - a))),
        _ => None,
    }
}

/// The "invited account not loaded" badge's explanation: for an unanswered handshake, the
/// answer may be in the trail that is missing.
pub fn invited_not_loaded_note(h: &Handshake) -> &'static str {
    if matches!(
        h.state,
        HandshakeState::Open | HandshakeState::Expired | HandshakeState::Unknown
    ) {
        "The invited account's events are not loaded: an acceptance or decline, logged in its own trail, would not be visible here."
    } else {
        "The invited account's events are not loaded."
    }
}

// --- labels (the Events tab's banner, and the detail pane's links)

pub fn creation_label(c: &AccountCreation) -> String {
    let state = creation_badge(c.state).text;
    match &c.request_id {
        Some(id) => format!("account creation {id} ({})", state.to_uppercase()),
        None => {
            let name = c
                .account_name
                .as_deref()
                .map(|n| format!(" for {n}"))
                .unwrap_or_default();
            let why = c
                .error_code
                .as_deref()
                .or(c.failure_reason.as_deref())
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            format!(
                "account creation call{name} ({}{why})",
                state.to_uppercase()
            )
        }
    }
}

pub fn handshake_label(h: &Handshake) -> String {
    let state = handshake_badge(h.state).text;
    let action = h.action.as_deref().unwrap_or("handshake");
    let target = h
        .target
        .as_deref()
        .map(|t| format!(" → {t}"))
        .unwrap_or_default();
    match &h.handshake_id {
        Some(id) => format!("handshake {id} {action}{target} ({state})"),
        None => {
            let call = h
                .failed_attempts
                .first()
                .map(|a| format!("{} ({})", a.event_name, a.error_code))
                .unwrap_or_else(|| action.to_owned());
            format!("failed call {call}{target}")
        }
    }
}

pub fn membership_label(m: &MembershipChange) -> String {
    let kind = membership_badge(m.kind).attr;
    let account = m.account_id.as_deref().unwrap_or("unknown account");
    format!(
        "membership change {kind} {account} at {} UTC",
        display::time(m.time)
    )
}

pub fn change_label(c: &OrgChange) -> String {
    format!(
        "{}{} at {} UTC",
        c.event_name,
        if c.succeeded { "" } else { " (failed)" },
        display::time(c.time)
    )
}

/// The query that shows a row's events: its lifecycle (`lifecycle:car-…`, `lifecycle:h-…`)
/// when it has an id, else its events by eventID.
pub fn drill_query(lifecycle: Option<&str>, event_ids: &[String]) -> String {
    if let Some(id) = lifecycle {
        return Clause::Lifecycle(id.to_owned()).query();
    }
    let term = |id: &String| Ast::Term {
        field: Field::new(["eventID"]),
        value: Value::Text(id.clone()),
    };
    match event_ids {
        [one] => term(one).to_string(),
        many => Ast::Or(many.iter().map(term).collect()).to_string(),
    }
}

/// One lifecycle an event belongs to, for the detail pane.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleLink {
    /// `creation`, `handshake`, `membership` or `change`.
    pub kind: &'static str,
    pub label: String,
    pub event_ids: Vec<String>,
    /// The query that shows them ([`drill_query`]).
    pub query: String,
}

/// The lifecycles built from the event with this eventID (none for other events).
pub fn lifecycle_links(report: &OrgReport, event_id: &str) -> Vec<LifecycleLink> {
    let Some(refs) = report.event_links.get(event_id) else {
        return Vec::new();
    };
    refs.iter()
        .filter_map(|r| {
            let (kind, label, id, ids) = match *r {
                LifecycleRef::Creation(i) => {
                    let c = report.creations.get(i as usize)?;
                    (
                        "creation",
                        creation_label(c),
                        c.request_id.as_deref(),
                        &c.event_ids,
                    )
                }
                LifecycleRef::Handshake(i) => {
                    let h = report.handshakes.get(i as usize)?;
                    (
                        "handshake",
                        handshake_label(h),
                        h.handshake_id.as_deref(),
                        &h.event_ids,
                    )
                }
                LifecycleRef::Membership(i) => {
                    let m = report.membership.get(i as usize)?;
                    ("membership", membership_label(m), None, &m.event_ids)
                }
                LifecycleRef::Change(i) => {
                    let c = report.changes.get(i as usize)?;
                    ("change", change_label(c), None, &c.event_ids)
                }
            };
            Some(LifecycleLink {
                kind,
                label,
                query: drill_query(id, ids),
                event_ids: ids.clone(),
            })
        })
        .collect()
}

// --- the tree as of a time

/// The tree slider's stops: the times the tree changes, then the end of the data, sorted
/// and distinct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeStops(pub Vec<EpochMillis>);

impl TreeStops {
    pub fn new(report: &OrgReport) -> Self {
        let mut steps: Vec<EpochMillis> =
            report.tree_events.iter().filter_map(|e| e.time).collect();
        steps.extend(report.reference_time);
        steps.sort_unstable();
        steps.dedup();
        TreeStops(steps)
    }

    /// The slider's position for a time: the last stop at or before it (0 before the first).
    pub fn index(&self, at: EpochMillis) -> usize {
        self.0.iter().rposition(|t| *t <= at).unwrap_or(0)
    }

    /// The stop before `at` ("◀"): the slider's own stop when `at` lies after it.
    pub fn previous(&self, at: EpochMillis) -> Option<EpochMillis> {
        let index = self.index(at);
        match self.0.get(index) {
            Some(t) if *t < at => Some(*t),
            _ => index.checked_sub(1).and_then(|i| self.0.get(i).copied()),
        }
    }

    /// The first stop after `at` ("▶").
    pub fn next(&self, at: EpochMillis) -> Option<EpochMillis> {
        self.0.iter().find(|t| **t > at).copied()
    }

    /// The end of the data (or the last change): where the tree starts.
    pub fn last(&self) -> Option<EpochMillis> {
        self.0.last().copied()
    }
}

/// What changed the tree at exactly `at`, in words (mere references left out).
pub fn tree_changes_at(report: &OrgReport, at: EpochMillis) -> Vec<String> {
    report
        .tree_events
        .iter()
        .filter(|e| e.time == Some(at) && !matches!(e.op, TreeOp::Referenced { .. }))
        .map(|e| describe_op(&e.op))
        .collect()
}

fn describe_op(op: &TreeOp) -> String {
    let opt = |x: &Option<String>| x.clone().unwrap_or_else(|| "?".to_owned());
    match op {
        TreeOp::OrganizationCreated {
            organization_id, ..
        } => format!("organization {} created", opt(organization_id)),
        TreeOp::OrganizationDeleted => "organization deleted".to_owned(),
        TreeOp::OuCreated {
            ou_id,
            name,
            parent_id,
        } => format!(
            "OU {} ({ou_id}) created under {}",
            opt(name),
            opt(parent_id)
        ),
        TreeOp::OuRenamed { ou_id, name } => format!("OU {ou_id} renamed {name}"),
        TreeOp::OuDeleted { ou_id } => format!("OU {ou_id} deleted"),
        TreeOp::AccountMoved {
            account_id,
            source_parent_id,
            destination_parent_id,
        } => format!(
            "account {account_id} moved from {} to {}",
            opt(source_parent_id),
            opt(destination_parent_id)
        ),
        TreeOp::AccountJoined { account_id, .. } => format!("account {account_id} joined"),
        TreeOp::AccountDeparted { account_id } => format!("account {account_id} departed"),
        TreeOp::AccountClosed { account_id } => format!("account {account_id} closed"),
        TreeOp::Referenced { id } => format!("{id} seen"),
    }
}
