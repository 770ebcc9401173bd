//! Organizations lifecycles over the fixtures in `tests/fixtures/orgs/`: hand-written
//! histories, AWS's documented examples and real files (envelopes unwrapped here by hand;
//! the real ingest lives elsewhere).

// Test helpers fail loudly; clippy's test allowance covers only `#[test]` functions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value;
use trailglass::orgs::*;
use trailglass::time::parse_timestamp;

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/orgs")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The records of a `{"Records":[...]}` file.
fn records(name: &str) -> Vec<Value> {
    match fixture(name) {
        Value::Object(mut map) => match map.remove("Records") {
            Some(Value::Array(items)) => items,
            other => panic!("{name}: Records is {other:?}"),
        },
        other => panic!("{name}: not an object: {other}"),
    }
}

fn context(records: &[Value]) -> OrgContext {
    OrgContext::from_records(records)
}

fn run(records: &[Value]) -> OrgReport {
    let org: Vec<&Value> = records
        .iter()
        .filter(|r| {
            is_org_event(
                r["eventSource"].as_str().unwrap_or(""),
                r["eventName"].as_str().unwrap_or(""),
            )
        })
        .collect();
    reconstruct(org, &context(records))
}

fn t(text: &str) -> i64 {
    parse_timestamp(text).unwrap()
}

fn kinds(report: &OrgReport) -> BTreeSet<WarningKind> {
    report.warnings.iter().map(|w| w.kind).collect()
}

fn creation<'a>(report: &'a OrgReport, car_prefix: &str) -> &'a AccountCreation {
    report
        .creations
        .iter()
        .find(|c| {
            c.request_id
                .as_deref()
                .is_some_and(|id| id.starts_with(car_prefix))
        })
        .unwrap_or_else(|| panic!("no creation {car_prefix}"))
}

fn handshake<'a>(report: &'a OrgReport, id: &str) -> &'a Handshake {
    report
        .handshakes
        .iter()
        .find(|h| h.handshake_id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no handshake {id}"))
}

/// One report section: each row's event ids, and how to refer to a row.
type Section<'a> = (Vec<&'a Vec<String>>, fn(u32) -> LifecycleRef);

/// Every row's event ids link back to that row.
fn assert_links(report: &OrgReport) {
    let sections: [Section; 4] = [
        (
            report.creations.iter().map(|r| &r.event_ids).collect(),
            LifecycleRef::Creation,
        ),
        (
            report.handshakes.iter().map(|r| &r.event_ids).collect(),
            LifecycleRef::Handshake,
        ),
        (
            report.membership.iter().map(|r| &r.event_ids).collect(),
            LifecycleRef::Membership,
        ),
        (
            report.changes.iter().map(|r| &r.event_ids).collect(),
            LifecycleRef::Change,
        ),
    ];
    for (rows, make) in sections {
        for (i, ids) in rows.into_iter().enumerate() {
            let mut sorted = ids.clone();
            sorted.sort();
            assert_eq!(&sorted, ids, "event ids are sorted");
            for id in ids {
                assert!(report.event_links[id].contains(&make(i as u32)), "{id}");
            }
        }
    }
}

#[test]
fn creations_fixture() {
    let report = run(&records("creations.json"));
    assert_links(&report);
    assert_eq!(
        report.org_event_count, 13,
        "the duplicated result counts once"
    );
    assert_eq!(report.creations.len(), 8);

    let ok = creation(&report, "car-sandbox");
    assert_eq!(ok.state, CreationState::Succeeded);
    assert!(ok.request_seen && ok.result_seen);
    assert_eq!(ok.account_id.as_deref(), Some("444455556666"));
    assert_eq!(ok.duration_ms, Some(3000));
    assert_eq!(
        ok.requester.as_deref(),
        Some("AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com")
    );
    assert_eq!(ok.event_ids.len(), 2);

    let dup = creation(&report, "car-dupemail");
    assert_eq!(dup.state, CreationState::Failed);
    assert_eq!(dup.failure_reason.as_deref(), Some("EMAIL_ALREADY_EXISTS"));
    assert!(dup.failure_explanation.is_some());
    assert_eq!(
        dup.duration_ms,
        Some(41_000),
        "`Mar 1, 2021, 10:00:41\u{202F}AM`"
    );

    let limit = creation(&report, "car-limit");
    assert_eq!(
        limit.failure_reason.as_deref(),
        Some("ACCOUNT_LIMIT_EXCEEDED")
    );
    assert_eq!(
        limit.requested_time,
        Some(t("2021-04-01T10:00:00Z")),
        "epoch seconds"
    );
    assert_eq!(limit.duration_ms, Some(5000));

    let future = creation(&report, "car-future");
    assert_eq!(future.failure_reason.as_deref(), Some("SOME_NEW_REASON"));
    assert_eq!(future.failure_explanation, None);

    let gov = creation(&report, "car-gov");
    assert!(gov.govcloud);
    assert_eq!(gov.govcloud_account_id.as_deref(), Some("777700002222"));

    let pending = creation(&report, "car-pending");
    assert_eq!(pending.state, CreationState::InProgress);

    let orphan = creation(&report, "car-orphan");
    assert!(!orphan.request_seen);
    assert_eq!(orphan.duration_ms, Some(4000));

    let failed_call = report
        .creations
        .iter()
        .find(|c| c.request_id.is_none())
        .unwrap();
    assert_eq!(failed_call.state, CreationState::FailedCall);
    assert_eq!(failed_call.requester.as_deref(), Some("intern"));

    // Sorted by request time.
    let times: Vec<Option<i64>> = report.creations.iter().map(|c| c.requested_time).collect();
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);

    let created: Vec<&str> = report
        .membership
        .iter()
        .filter(|m| m.kind == MembershipKind::Created)
        .filter_map(|m| m.account_id.as_deref())
        .collect();
    assert_eq!(
        created,
        vec!["444455556666", "777700001111", "888800001111"]
    );
    let warnings = kinds(&report);
    for kind in [
        WarningKind::ResultWithoutRequest,
        WarningKind::CreationWithoutResult,
        WarningKind::FailedWriteCalls,
    ] {
        assert!(warnings.contains(&kind), "{kind:?}");
    }
    assert!(!warnings.contains(&WarningKind::NoUsEast1Events));
}

#[test]
fn handshakes_fixture() {
    let report = run(&records("handshakes.json"));
    assert_links(&report);
    assert_eq!(report.reference_time, Some(t("2021-02-22T10:00:00Z")));
    let states: Vec<(&str, HandshakeState)> = [
        ("h-accepted000001", HandshakeState::Accepted),
        ("h-declined000001", HandshakeState::Declined),
        ("h-canceled000001", HandshakeState::Canceled),
        ("h-expired0000001", HandshakeState::Expired),
        ("h-open0000000001", HandshakeState::Open),
        ("h-unknown0000001", HandshakeState::Unknown),
        ("h-noparties00001", HandshakeState::Accepted),
        ("h-enableall000001", HandshakeState::Open),
    ]
    .into();
    for (id, state) in &states {
        assert_eq!(handshake(&report, id).state, *state, "{id}");
    }
    assert_eq!(report.handshakes.len(), states.len() + 1);
    let failed = report
        .handshakes
        .iter()
        .find(|h| h.handshake_id.is_none())
        .unwrap();
    assert_eq!(failed.state, HandshakeState::FailedCall);
    assert_eq!(
        failed.failed_attempts[0].error_code,
        "DuplicateHandshakeException"
    );

    let declined = handshake(&report, "h-declined000001");
    assert_eq!(declined.failed_attempts.len(), 1);
    assert_eq!(
        declined.failed_attempts[0].actor,
        "ci-deployer/botocore-session-1690000000"
    );
    let expired = handshake(&report, "h-expired0000001");
    assert_eq!(expired.invited_account_loaded, Some(false));
    assert!(expired.remarks.iter().any(|r| r.contains("not loaded")));
    let open = handshake(&report, "h-open0000000001");
    assert_eq!(open.target.as_deref(), Some("bob@example.com"));
    assert_eq!(open.invitation_notes.as_deref(), Some("Please join"));
    assert_eq!(open.requester_account_id.as_deref(), Some("111111111111"));
    let enable = handshake(&report, "h-enableall000001");
    assert_eq!(enable.action.as_deref(), Some("ENABLE_ALL_FEATURES"));

    // The acceptance and AccountJoinedOrganization are one change.
    let joined: Vec<&MembershipChange> = report
        .membership
        .iter()
        .filter(|m| m.kind == MembershipKind::InvitedJoined)
        .collect();
    assert_eq!(joined.len(), 2);
    assert_eq!(joined[0].account_id.as_deref(), Some("222222222222"));
    assert_eq!(joined[0].event_ids.len(), 3);
    assert_eq!(joined[0].method.as_deref(), Some("INVITED"));
    assert_eq!(joined[1].account_id.as_deref(), Some("121212121212"));
    let warnings = kinds(&report);
    assert!(warnings.contains(&WarningKind::InvitedAccountNotLoaded));
    assert!(warnings.contains(&WarningKind::ResponseWithoutInvitation));
    assert_eq!(report.organization_ids, vec!["o-exampleorgid"]);
}

#[test]
fn membership_fixture() {
    let report = run(&records("membership.json"));
    assert_links(&report);
    let rows: Vec<(MembershipKind, &str, usize)> = report
        .membership
        .iter()
        .map(|m| {
            (
                m.kind,
                m.account_id.as_deref().unwrap_or("?"),
                m.event_ids.len(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (MembershipKind::Left, "222222222222", 2),
            (MembershipKind::LeftDenied, "444455556666", 1),
            (MembershipKind::Removed, "101010101010", 2),
            (MembershipKind::Closed, "121212121212", 2),
            (MembershipKind::Closed, "131313131313", 1),
            (MembershipKind::Closed, "141414141414", 1),
            (MembershipKind::Created, "151515151515", 1),
            (MembershipKind::Removed, "161616161616", 1),
        ]
    );
    assert_eq!(report.membership[4].outcome, ChangeOutcome::Pending);
    let failed_removal = &report.changes[0];
    assert_eq!(failed_removal.kind, ChangeKind::RemoveAccountFailed);
    assert!(!failed_removal.succeeded);
    let warnings = kinds(&report);
    assert!(warnings.contains(&WarningKind::LeaveDenied));
    assert!(warnings.contains(&WarningKind::AccountsDeparted));
}

#[test]
fn structure_fixture_and_tree() {
    let report = run(&records("structure.json"));
    assert_links(&report);
    assert_eq!(
        report.changes.len(),
        17,
        "all but the read and the creation pair"
    );
    let early = org_tree_at(&report, t("2020-01-10T00:00:00Z"));
    let root = &early.roots[0];
    assert_eq!(root.id, "r-exmp");
    let ids: Vec<&str> = root.children.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["ou-exmp-dev11111", "ou-exmp-legacy99", "111111111111"]
    );
    assert_eq!(root.children[0].children[0].id, "444455556666");
    assert!(root.children[1].inferred);

    let late = org_tree_at(&report, t("2020-02-10T00:00:00Z"));
    let root = &late.roots[0];
    let dev = root
        .children
        .iter()
        .find(|c| c.id == "ou-exmp-dev11111")
        .unwrap();
    assert_eq!(dev.name.as_deref(), Some("Development"));
    assert!(dev.children.is_empty());
    let prod = root
        .children
        .iter()
        .find(|c| c.id == "ou-exmp-prod2222")
        .unwrap();
    let in_prod: Vec<&str> = prod.children.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(in_prod, vec!["444455556666", "777788889999"]);
    assert!(kinds(&report).contains(&WarningKind::GuardrailsWeakened));
}

#[test]
fn aws_documentation_examples() {
    let report = run(&records("aws_doc_examples.json"));
    assert_links(&report);
    // All six examples share one eventID: kept apart, and said so.
    assert_eq!(report.org_event_count, 6);
    assert!(kinds(&report).contains(&WarningKind::ConflictingEventIds));
    let c = creation(&report, "car-examplecreateaccountrequestid111");
    assert!(c.request_seen && c.result_seen);
    assert!(c.remarks.iter().any(|r| r.contains("Conflicting")));
    assert_eq!(c.requester.as_deref(), Some("my-session-id"));
    let h = handshake(&report, "h-examplehandshakeid111");
    assert_eq!(h.action.as_deref(), Some("INVITE"));
    assert_eq!(h.expiration_time, Some(t("2017-02-02T21:41:16Z")));
    // The page's invitation asks for one account and names another as the party.
    assert!(h.remarks.iter().any(|r| r.contains("222222222222")));
    let attach = report
        .changes
        .iter()
        .find(|c| c.kind == ChangeKind::AttachPolicy)
        .unwrap();
    assert_eq!(
        attach.error_code.as_deref(),
        Some("PolicyTypeNotEnabledException")
    );
    let tree = org_tree_at(&report, t("2020-01-01T00:00:00Z"));
    assert_eq!(tree.roots[0].id, "r-examplerootid111");
}

#[test]
fn real_create_account_result_in_eventbridge_envelope() {
    let record = fixture("sample-aws-organizations-event.json")["detail"].clone();
    let report = run(&[record]);
    let c = &report.creations[0];
    assert_eq!(c.state, CreationState::Succeeded);
    assert!(!c.request_seen);
    assert_eq!(c.account_id.as_deref(), Some("123456789012"));
    assert_eq!(c.duration_ms, Some(4000));
    assert_eq!(c.event_ids, vec!["0000000-0000-0000-1111-123456789012"]);
    assert!(kinds(&report).contains(&WarningKind::ResultWithoutRequest));
}

#[test]
fn real_denied_leave_from_stratus() {
    let items = match fixture("aws.defense-evasion.organizations-leave.json") {
        Value::Array(items) => items,
        other => panic!("not an array: {other}"),
    };
    let report = run(&items);
    assert_eq!(report.org_event_count, 1);
    let m = &report.membership[0];
    assert_eq!(m.kind, MembershipKind::LeftDenied);
    assert_eq!(m.account_id.as_deref(), Some("307578594326"));
    assert_eq!(
        m.actor.as_deref(),
        Some("stratus-red-team-leave-org-role/aws-go-sdk-1722587398902687000")
    );
    // Anonymised regions: nothing from us-east-1.
    let warnings = kinds(&report);
    assert!(warnings.contains(&WarningKind::NoUsEast1Events));
    assert!(warnings.contains(&WarningKind::LeaveDenied));
}

#[test]
fn real_denied_leave_in_a_full_trail_file() {
    let all = records("218007301253_CloudTrail_us-east-1_20230710T1205Z_zs3JGxETHr59VpkX.json");
    assert_eq!(all.len(), 196);
    // Passing everything is fine too: other services are ignored.
    let report = reconstruct(&all, &context(&all));
    assert_eq!(report, run(&all));
    assert_eq!(report.org_event_count, 1);
    assert_eq!(report.membership.len(), 1);
    assert_eq!(report.membership[0].kind, MembershipKind::LeftDenied);
    assert_eq!(
        report.membership[0].account_id.as_deref(),
        Some("123837392027")
    );
    assert!(!kinds(&report).contains(&WarningKind::NoUsEast1Events));
}

#[test]
fn real_templates_with_placeholders() {
    let moved = fixture("move-account-template.json")["detail"].clone();
    let tagged = fixture("tag-account-template.json")["detail"].clone();
    // SQS: the CloudTrail record is a JSON string in `body`.
    let queued: Value = serde_json::from_str(
        fixture("queued-event-template.json")["Records"][0]["body"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let report = run(&[moved, tagged, queued]);
    assert_links(&report);
    let kinds_seen: Vec<ChangeKind> = report.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds_seen,
        vec![
            ChangeKind::MoveAccount,
            ChangeKind::TagResource,
            ChangeKind::TagResource
        ]
    );
    assert_eq!(
        report.changes[0].actor,
        "AWSAdministratorAccess/john.foo@example.com"
    );
    assert!(report.changes[1].details.contains("CostCenter=1234"));
    let tree = org_tree_at(&report, t("2022-02-01T00:00:00Z"));
    assert!(tree.roots.iter().all(|r| r.inferred));
}

/// Every hand-written history at once.
fn rich_history() -> Vec<Value> {
    [
        "creations.json",
        "handshakes.json",
        "membership.json",
        "structure.json",
        "aws_doc_examples.json",
    ]
    .iter()
    .flat_map(|name| records(name))
    .collect()
}

#[test]
fn rich_history_is_consistent() {
    let history = rich_history();
    let report = run(&history);
    assert_links(&report);
    for list in [
        report.membership.iter().map(|m| m.time).collect::<Vec<_>>(),
        report.changes.iter().map(|c| c.time).collect::<Vec<_>>(),
    ] {
        let mut sorted = list.clone();
        sorted.sort();
        assert_eq!(list, sorted);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_order_and_duplication_give_the_same_report(
        seed in prop::collection::vec(any::<u32>(), 80),
        dups in prop::collection::vec(any::<prop::sample::Index>(), 0..30),
    ) {
        let history = rich_history();
        let ctx = context(&history);
        let expected = reconstruct(&history, &ctx);
        let mut keyed: Vec<(u32, Value)> = history
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, r)| (seed.get(i).copied().unwrap_or(i as u32), r))
            .collect();
        keyed.extend(dups.iter().map(|d| (d.index(1 << 20) as u32, d.get(&history).clone())));
        keyed.sort_by_key(|(k, _)| *k);
        let shuffled: Vec<Value> = keyed.into_iter().map(|(_, r)| r).collect();
        let got = reconstruct(&shuffled, &ctx);
        prop_assert_eq!(&got, &expected);
        for at in ["2020-01-10T00:00:00Z", "2020-02-10T00:00:00Z", "2022-03-10T00:00:00Z"] {
            prop_assert_eq!(org_tree_at(&got, t(at)), org_tree_at(&expected, t(at)));
        }
    }
}
