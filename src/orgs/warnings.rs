//! Warnings: what a demanding administrator should know about the load itself (missing
//! trails and regions, orphaned halves of lifecycles) and about alarming changes. Entry
//! point: [`collect`].

use std::collections::BTreeSet;

use super::model::*;
use super::record::{owned, Prepared, Rec};
use crate::sort::set_of;

/// Regions where Organizations logs: us-east-1, and the GovCloud and China partitions'
/// equivalents.
const HOME_REGIONS: [&str; 3] = ["us-east-1", "us-gov-west-1", "cn-northwest-1"];

/// A CreateAccount with no result this long before the end of the data is worth a warning
/// (creations normally finish within minutes).
const STALE_CREATION_MS: i64 = 3600 * 1000;

fn warning(kind: WarningKind, message: String, event_ids: Vec<String>) -> Warning {
    let mut event_ids = event_ids;
    crate::sort::sort(&mut event_ids);
    event_ids.dedup();
    Warning {
        kind,
        message,
        event_ids,
    }
}

pub(crate) fn collect(report: &OrgReport, prepared: &Prepared, ctx: &OrgContext) -> Vec<Warning> {
    let recs = &prepared.recs;
    let mut out = Vec::new();
    if recs.is_empty() {
        return out;
    }
    let mut regions: BTreeSet<&str> = set_of(ctx.regions_seen.iter().map(String::as_str));
    regions.extend(recs.iter().filter_map(|r| r.region.as_deref()));
    if !HOME_REGIONS.iter().any(|h| regions.contains(h)) {
        out.push(warning(
            WarningKind::NoUsEast1Events,
            format!(
                "{} Organizations event(s) are loaded, but no event from us-east-1: Organizations logs only in us-east-1, so most of its activity is probably missing. Load the us-east-1 logs of the management account.",
                recs.len()
            ),
            recs.iter().filter_map(|r| owned(&r.event_id)).collect(),
        ));
    }
    let missing: Vec<&Handshake> = report
        .handshakes
        .iter()
        .filter(|h| {
            h.invited_account_loaded == Some(false)
                && matches!(
                    h.state,
                    HandshakeState::Open | HandshakeState::Expired | HandshakeState::Unknown
                )
        })
        .collect();
    if !missing.is_empty() {
        let accounts = set_of(missing.iter().filter_map(|h| h.target.as_deref()));
        out.push(warning(
            WarningKind::InvitedAccountNotLoaded,
            format!(
                "{} handshake(s) invite accounts whose events are not loaded ({}): an acceptance or decline, logged in the invited account's trail, would not be visible.",
                missing.len(),
                accounts.into_iter().collect::<Vec<_>>().join(", ")
            ),
            missing.iter().flat_map(|h| h.event_ids.clone()).collect(),
        ));
    }
    let orphans: Vec<&AccountCreation> = report
        .creations
        .iter()
        .filter(|c| c.result_seen && !c.request_seen)
        .collect();
    if !orphans.is_empty() {
        out.push(warning(
            WarningKind::ResultWithoutRequest,
            format!(
                "{} CreateAccountResult event(s) without their CreateAccount request: who asked for the account is unknown.",
                orphans.len()
            ),
            orphans.iter().flat_map(|c| c.event_ids.clone()).collect(),
        ));
    }
    let stale: Vec<&AccountCreation> = report
        .creations
        .iter()
        .filter(|c| {
            c.state == CreationState::InProgress
                && !c.result_seen
                && matches!((c.requested_time, report.reference_time),
                    (Some(asked), Some(now)) if now.saturating_sub(asked) > STALE_CREATION_MS)
        })
        .collect();
    if !stale.is_empty() {
        out.push(warning(
            WarningKind::CreationWithoutResult,
            format!(
                "{} account creation(s) have no CreateAccountResult more than an hour later: the result may be in logs that are not loaded, or the creation is stuck.",
                stale.len()
            ),
            stale.iter().flat_map(|c| c.event_ids.clone()).collect(),
        ));
    }
    let no_invite: Vec<&Handshake> = report
        .handshakes
        .iter()
        .filter(|h| h.handshake_id.is_some() && !h.request_seen)
        .collect();
    if !no_invite.is_empty() {
        out.push(warning(
            WarningKind::ResponseWithoutInvitation,
            format!(
                "{} handshake(s) are seen only through responses: the invitations (management account, us-east-1) are not loaded.",
                no_invite.len()
            ),
            no_invite.iter().flat_map(|h| h.event_ids.clone()).collect(),
        ));
    }
    let denied: Vec<&MembershipChange> = report
        .membership
        .iter()
        .filter(|m| m.kind == MembershipKind::LeftDenied)
        .collect();
    if !denied.is_empty() {
        let accounts = set_of(denied.iter().filter_map(|m| m.account_id.as_deref()));
        out.push(warning(
            WarningKind::LeaveDenied,
            format!(
                "{} denied LeaveOrganization call(s) from account(s) {}: someone tried to take an account out of the organization (and out of its SCPs).",
                denied.len(),
                accounts.into_iter().collect::<Vec<_>>().join(", ")
            ),
            denied.iter().flat_map(|m| m.event_ids.clone()).collect(),
        ));
    }
    let departed: Vec<&MembershipChange> = report
        .membership
        .iter()
        .filter(|m| matches!(m.kind, MembershipKind::Left | MembershipKind::Removed))
        .collect();
    if !departed.is_empty() {
        let accounts = set_of(departed.iter().filter_map(|m| m.account_id.as_deref()));
        out.push(warning(
            WarningKind::AccountsDeparted,
            format!(
                "{} account departure(s) ({}): these accounts are no longer governed by the organization's policies.",
                departed.len(),
                accounts.into_iter().collect::<Vec<_>>().join(", ")
            ),
            departed.iter().flat_map(|m| m.event_ids.clone()).collect(),
        ));
    }
    let failed: Vec<&Rec> = recs
        .iter()
        .filter(|r| r.failed() && !r.read_only() && r.name != "LeaveOrganization")
        .collect();
    if !failed.is_empty() {
        let codes = set_of(failed.iter().filter_map(|r| r.error_code.as_deref()));
        out.push(warning(
            WarningKind::FailedWriteCalls,
            format!(
                "{} Organizations write call(s) were rejected ({}).",
                failed.len(),
                codes.into_iter().collect::<Vec<_>>().join(", ")
            ),
            failed.iter().filter_map(|r| owned(&r.event_id)).collect(),
        ));
    }
    let weakened: Vec<&OrgChange> = report
        .changes
        .iter()
        .filter(|c| {
            c.succeeded
                && matches!(
                    c.kind,
                    ChangeKind::DisablePolicyType
                        | ChangeKind::DetachPolicy
                        | ChangeKind::DeletePolicy
                        | ChangeKind::DeregisterDelegatedAdministrator
                        | ChangeKind::DisableAwsServiceAccess
                        | ChangeKind::DeleteOrganization
                )
        })
        .collect();
    if !weakened.is_empty() {
        out.push(warning(
            WarningKind::GuardrailsWeakened,
            format!(
                "{} change(s) removed guardrails or integrations (policy types disabled, policies detached or deleted, trusted access or delegated administrators removed).",
                weakened.len()
            ),
            weakened.iter().flat_map(|c| c.event_ids.clone()).collect(),
        ));
    }
    if !prepared.conflicting_ids.is_empty() {
        out.push(warning(
            WarningKind::ConflictingEventIds,
            format!(
                "{} eventID(s) are shared by different events (sanitised or hand-made data?); they were kept apart, but links by eventID are ambiguous.",
                prepared.conflicting_ids.len()
            ),
            prepared.conflicting_ids.clone(),
        ));
    }
    if prepared.missing_time > 0 {
        out.push(warning(
            WarningKind::MissingEventTime,
            format!(
                "{} Organizations record(s) have no readable eventTime; they are ordered first.",
                prepared.missing_time
            ),
            prepared.missing_time_ids.clone(),
        ));
    }
    if report.organization_ids.len() > 1 || report.management_account_ids.len() > 1 {
        out.push(warning(
            WarningKind::SeveralOrganizations,
            format!(
                "The load mixes several organizations ({}) or management accounts ({}); the organization tree assumes one.",
                report.organization_ids.join(", "),
                report.management_account_ids.join(", ")
            ),
            Vec::new(),
        ));
    }
    out
}
