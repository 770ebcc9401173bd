//! AWS Organizations lifecycles reconstructed from CloudTrail records.
//!
//! Organizations logs each step of a lifecycle as a separate event, in no order, often in
//! different accounts' trails: a CreateAccount call and its CreateAccountResult, an
//! invitation and its acceptance (in the invited account), a RemoveAccountFromOrganization
//! and the AccountDepartedOrganization service event. This module owns joining them back
//! into rows a person can read, and says what the loaded data cannot show.
//!
//! Entry points:
//! - [`is_org_event`]: which records the caller passes in;
//! - [`reconstruct`]: records → [`OrgReport`] (creations, handshakes, membership changes,
//!   structure and policy changes, warnings, links from events back to rows);
//!   [`reconstruct_texts`] does the same from records' texts;
//! - [`org_tree_at`]: the organization tree as of a time, from a report;
//! - [`sections`] and [`swimlane`]: what the Organization tab shows of a report (words,
//!   labels, drill-down queries, tree stops; per-account lanes and their time axis).
//!
//! Implementation note (determinism): the report is identical for any input order and any
//! duplication. Records are deduplicated and sorted by (time, eventID, content) first, and
//! every step works in that order; every output list is sorted by time, then id.
//! [`describe_identity`] and [`explain_create_failure`] are reused by the timeline.

mod creation;
mod handshake;
mod identity;
mod membership;
mod model;
mod parsed;
mod record;
pub mod sections;
mod structure;
pub mod swimlane;
mod tree;
mod warnings;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod view_tests;

use std::collections::{BTreeMap, BTreeSet};

pub use creation::explain_create_failure;
pub use identity::describe_identity;
pub use membership::MERGE_WINDOW_MS;
pub use model::*;
pub use tree::{org_tree_at, UNKNOWN_ROOT};

pub use parsed::OrgRecords;
use record::{is_account_id, text_at, Prepared, Rec, ACCOUNT, ORGANIZATIONS};

/// Whether the caller must pass a record to [`reconstruct`]: every Organizations event, and
/// account closures made from the Account Management side.
pub fn is_org_event(event_source: &str, event_name: &str) -> bool {
    event_source == ORGANIZATIONS || (event_source == ACCOUNT && event_name == "CloseAccount")
}

/// Calls only the management account can make: their caller account is the management
/// account.
fn management_only(event_name: &str) -> bool {
    matches!(
        event_name,
        "CreateAccount"
            | "CreateGovCloudAccount"
            | "InviteAccountToOrganization"
            | "RemoveAccountFromOrganization"
            | "EnableAllFeatures"
            | "CreateOrganization"
            | "DeleteOrganization"
    )
}

/// Reconstructs every Organizations lifecycle in `records` (full CloudTrail records, already
/// out of any envelope; other records are ignored). Never panics on malformed records.
pub fn reconstruct<'a>(
    records: impl IntoIterator<Item = &'a serde_json::Value>,
    ctx: &OrgContext,
) -> OrgReport {
    let read = records.into_iter().filter_map(record::read).collect();
    build(record::prepare(read, &|_| None), ctx)
}

/// [`reconstruct`] over `count` record texts, `text(i)` being the i-th (`None`: gone).
/// Only the fields lifecycles read are parsed; `text` is called again for the rare
/// records that must be compared whole (copies sharing a time and eventID).
pub fn reconstruct_texts<T: AsRef<str>>(
    count: usize,
    text: impl Fn(usize) -> Option<T>,
    ctx: &OrgContext,
) -> OrgReport {
    let mut records = OrgRecords::default();
    for i in 0..count {
        match text(i) {
            Some(t) => records.push(t.as_ref()),
            None => records.push(""),
        }
    }
    let reread = |i: usize| serde_json::from_str(text(i)?.as_ref()).ok();
    reconstruct_parsed(&records, |_| true, &reread, ctx)
}

/// [`reconstruct`] over records parsed as they arrived; `keep(i)` says whether record `i`
/// still counts, `reread(i)` reads its text again (for the rare records compared whole,
/// and the actors of rows).
pub fn reconstruct_parsed(
    records: &OrgRecords,
    keep: impl Fn(usize) -> bool,
    reread: &dyn Fn(usize) -> Option<serde_json::Value>,
    ctx: &OrgContext,
) -> OrgReport {
    let objects = records.parse_objects();
    let read = (0..records.len())
        .filter(|&i| keep(i))
        .filter_map(|i| records.read(i, &objects, reread))
        .collect();
    build(record::prepare(read, reread), ctx)
}

fn build(prepared: Prepared, ctx: &OrgContext) -> OrgReport {
    let recs = &prepared.recs;
    let reference_time = ctx
        .latest_event_time
        .or_else(|| recs.iter().filter_map(|r| r.time).max());
    // The context should list every account; the org events' own accounts are loaded too.
    let mut accounts_seen = ctx.accounts_seen.clone();
    for account in recs.iter().flat_map(|r| [&r.recipient, &r.caller_account]) {
        // Nearly all are seen already: copied only when new.
        match account {
            Some(a) if !accounts_seen.contains(&**a) => _ = accounts_seen.insert(a.to_string()),
            _ => {}
        }
    }
    let creations = creation::build(recs);
    let handshakes = handshake::build(recs, &accounts_seen, reference_time);
    let membership = membership::build(recs, &creations, &handshakes);
    let names = structure::NameBook::collect(recs);
    let (changes, mut tree_events) = structure::build(recs, &names);

    let (organization_ids, management_account_ids) = org_and_management_ids(recs, &handshakes);
    tree_events.extend(membership_tree_events(&membership, &creations));
    for rec in recs {
        if management_only(&rec.name) && !rec.failed() {
            if let Some(account) = rec.account().filter(|a| is_account_id(a)) {
                tree_events.push(TreeEvent {
                    time: rec.time,
                    op: TreeOp::Referenced { id: account },
                    event_ids: rec.ids(),
                });
            }
        }
    }
    // Stable: ops of one time keep their (deterministic) generation order.
    crate::sort::sort_by_key(&mut tree_events, |a| a.time);

    let mut report = OrgReport {
        creations,
        handshakes,
        membership,
        changes,
        tree_events,
        warnings: Vec::new(),
        event_links: BTreeMap::new(),
        organization_ids,
        management_account_ids,
        org_event_count: u32::try_from(recs.len()).unwrap_or(u32::MAX),
        reference_time,
    };
    report.warnings = warnings::collect(&report, &prepared, ctx);
    report.event_links = links(&report);
    report
}

fn org_and_management_ids(recs: &[Rec], handshakes: &[Handshake]) -> (Vec<String>, Vec<String>) {
    let mut orgs: BTreeSet<String> = BTreeSet::new();
    let mut management: BTreeSet<String> = BTreeSet::new();
    for rec in recs {
        let org = record::get(rec.resp, "organization");
        orgs.extend(text_at(org, "id"));
        management.extend(text_at(org, "masterAccountId"));
        for arn in [
            text_at(record::get(rec.resp, "organizationalUnit"), "arn"),
            text_at(
                record::get(record::get(rec.resp, "policy"), "policySummary"),
                "arn",
            ),
            text_at(record::get(rec.resp, "handshake"), "arn"),
        ]
        .into_iter()
        .flatten()
        {
            orgs.extend(handshake::org_from_arn(&arn));
        }
        if management_only(&rec.name) && !rec.failed() {
            management.extend(rec.account().filter(|a| is_account_id(a)));
        }
    }
    for h in handshakes {
        orgs.extend(h.organization_id.clone());
    }
    orgs.retain(|o| o.starts_with("o-"));
    (orgs.into_iter().collect(), management.into_iter().collect())
}

fn membership_tree_events(
    membership: &[MembershipChange],
    creations: &[AccountCreation],
) -> Vec<TreeEvent> {
    let names: BTreeMap<&str, &str> = crate::sort::map_of(
        creations
            .iter()
            .filter_map(|c| Some((c.account_id.as_deref()?, c.account_name.as_deref()?))),
    );
    let mut out = Vec::new();
    for m in membership {
        let Some(account) = m.account_id.clone() else {
            continue;
        };
        let mut push = |op: TreeOp| {
            out.push(TreeEvent {
                time: m.time,
                op,
                event_ids: m.event_ids.clone(),
            })
        };
        match (m.kind, m.outcome) {
            (MembershipKind::Created | MembershipKind::InvitedJoined, _) => {
                push(TreeOp::AccountJoined {
                    name: names.get(account.as_str()).map(|n| n.to_string()),
                    account_id: account,
                })
            }
            (MembershipKind::Left | MembershipKind::Removed, _) => push(TreeOp::AccountDeparted {
                account_id: account,
            }),
            // A denied leave still shows the account was a member then.
            (MembershipKind::LeftDenied, _) => push(TreeOp::Referenced { id: account }),
            (MembershipKind::Closed, ChangeOutcome::Failed) => {
                push(TreeOp::Referenced { id: account })
            }
            (MembershipKind::Closed, _) => {
                let cleaned = m
                    .method
                    .as_deref()
                    .is_some_and(|x| x.to_ascii_uppercase().starts_with("CLEAN"));
                if cleaned {
                    push(TreeOp::AccountDeparted {
                        account_id: account,
                    });
                } else {
                    push(TreeOp::AccountClosed {
                        account_id: account,
                    });
                }
            }
        }
    }
    out
}

fn links(report: &OrgReport) -> BTreeMap<String, Vec<LifecycleRef>> {
    let mut links: BTreeMap<String, BTreeSet<LifecycleRef>> = BTreeMap::new();
    let mut add = |ids: &[String], r: LifecycleRef| {
        for id in ids {
            links.entry(id.clone()).or_default().insert(r);
        }
    };
    let index = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    for (i, row) in report.creations.iter().enumerate() {
        add(&row.event_ids, LifecycleRef::Creation(index(i)));
    }
    for (i, row) in report.handshakes.iter().enumerate() {
        add(&row.event_ids, LifecycleRef::Handshake(index(i)));
    }
    for (i, row) in report.membership.iter().enumerate() {
        add(&row.event_ids, LifecycleRef::Membership(index(i)));
    }
    for (i, row) in report.changes.iter().enumerate() {
        add(&row.event_ids, LifecycleRef::Change(index(i)));
    }
    crate::sort::map_of(
        links
            .into_iter()
            .map(|(id, refs)| (id, refs.into_iter().collect())),
    )
}
