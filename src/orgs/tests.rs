//! Unit tests on hand-written histories: every lifecycle state and edge.

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::time::parse_timestamp;

const MGMT: &str = "111111111111";
const ORG: &str = "o-exampleorgid";

fn t(iso: &str) -> i64 {
    parse_timestamp(iso).unwrap()
}

fn diego() -> Value {
    json!({"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": format!("arn:aws:iam::{MGMT}:user/diego"),
           "accountId": MGMT, "userName": "diego"})
}

fn alice() -> Value {
    json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:alice",
           "arn": format!("arn:aws:sts::{MGMT}:assumed-role/Admin/alice"), "accountId": MGMT})
}

fn root(account: &str) -> Value {
    json!({"type": "Root", "principalId": account, "arn": format!("arn:aws:iam::{account}:root"), "accountId": account})
}

/// An Organizations API call by diego in the management account.
fn call(id: &str, name: &str, time: &str, req: Value, resp: Value) -> Value {
    json!({"eventVersion": "1.08", "userIdentity": diego(), "eventTime": time,
           "eventSource": "organizations.amazonaws.com", "eventName": name, "awsRegion": "us-east-1",
           "requestParameters": req, "responseElements": resp, "eventID": id,
           "eventType": "AwsApiCall", "recipientAccountId": MGMT})
}

/// An Organizations service event in the management account.
fn service(id: &str, name: &str, time: &str, details: Value) -> Value {
    json!({"eventVersion": "1.08", "userIdentity": {"accountId": MGMT, "invokedBy": "AWS Internal"},
           "eventTime": time, "eventSource": "organizations.amazonaws.com", "eventName": name,
           "awsRegion": "us-east-1", "requestParameters": null, "responseElements": null,
           "eventID": id, "eventType": "AwsServiceEvent", "recipientAccountId": MGMT,
           "serviceEventDetails": details})
}

fn set(mut v: Value, key: &str, value: Value) -> Value {
    v[key] = value;
    v
}

fn failed(v: Value, code: &str) -> Value {
    let v = set(v, "errorCode", json!(code));
    set(v, "errorMessage", json!(format!("{code} message")))
}

/// As `account`: caller identity and recipient.
fn by(v: Value, who: Value) -> Value {
    let account = who["accountId"].clone();
    let v = set(v, "userIdentity", who);
    set(v, "recipientAccountId", account)
}

fn ctx_of(records: &[Value]) -> OrgContext {
    OrgContext::from_records(records)
}

fn run(records: &[Value]) -> OrgReport {
    reconstruct(records, &ctx_of(records))
}

fn warning_kinds(report: &OrgReport) -> BTreeSet<WarningKind> {
    report.warnings.iter().map(|w| w.kind).collect()
}

// --- creations

fn create_request(id: &str, car: &str, time: &str, requested: Value) -> Value {
    by(
        call(
            id,
            "CreateAccount",
            time,
            json!({"email": "new@example.com", "accountName": "new-account"}),
            json!({"createAccountStatus": {"id": car, "state": "IN_PROGRESS", "accountName": "new-account",
                                           "requestedTimestamp": requested}}),
        ),
        alice(),
    )
}

fn create_result(id: &str, car: &str, time: &str, status: Value) -> Value {
    let mut status = status;
    status["id"] = json!(car);
    service(
        id,
        "CreateAccountResult",
        time,
        json!({"createAccountStatus": status}),
    )
}

#[test]
fn creation_succeeded_with_result_before_request() {
    let result = create_result(
        "e2",
        "car-ok",
        "2020-09-16T21:20:53Z",
        json!({"state": "SUCCEEDED", "accountId": "444455556666", "accountName": "new-account",
               "requestedTimestamp": "Sep 16, 2020 9:20:50 PM", "completedTimestamp": "Sep 16, 2020 9:20:53 PM"}),
    );
    let request = create_request(
        "e1",
        "car-ok",
        "2020-09-16T21:20:50Z",
        json!("Sep 16, 2020 9:20:50 PM"),
    );
    let report = run(&[result, request]);
    assert_eq!(report.creations.len(), 1);
    let c = &report.creations[0];
    assert_eq!(c.request_id.as_deref(), Some("car-ok"));
    assert_eq!(c.state, CreationState::Succeeded);
    assert!(c.request_seen && c.result_seen);
    assert_eq!(c.account_id.as_deref(), Some("444455556666"));
    assert_eq!(c.account_name.as_deref(), Some("new-account"));
    assert_eq!(c.email.as_deref(), Some("new@example.com"));
    assert_eq!(c.requester.as_deref(), Some("Admin/alice"));
    assert_eq!(c.requester_account_id.as_deref(), Some(MGMT));
    assert_eq!(c.requested_time, Some(t("2020-09-16T21:20:50Z")));
    assert_eq!(c.completed_time, Some(t("2020-09-16T21:20:53Z")));
    assert_eq!(c.duration_ms, Some(3000));
    assert_eq!(c.event_ids, vec!["e1", "e2"]);
    assert!(c.remarks.is_empty(), "{:?}", c.remarks);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // The creation is also a membership change and a tree fact.
    assert_eq!(report.membership.len(), 1);
    assert_eq!(report.membership[0].kind, MembershipKind::Created);
    assert_eq!(
        report.membership[0].account_name.as_deref(),
        Some("new-account")
    );
    assert_eq!(report.management_account_ids, vec![MGMT]);
}

#[test]
fn creation_failed_with_several_reasons() {
    let cases = [
        ("EMAIL_ALREADY_EXISTS", true),
        ("ACCOUNT_LIMIT_EXCEEDED", true),
        ("INVALID_EMAIL", true),
        ("CONCURRENT_ACCOUNT_MODIFICATION", true),
        ("MISSING_PAYMENT_INSTRUMENT", true),
        ("PENDING_BUSINESS_VALIDATION", true),
        ("SOMETHING_NEW", false),
    ];
    let mut records = Vec::new();
    for (i, (reason, _)) in cases.iter().enumerate() {
        let car = format!("car-{i}");
        let day = format!("2021-03-0{}T10:00:00Z", i + 1);
        records.push(create_request(&format!("q{i}"), &car, &day, json!(day)));
        records.push(create_result(
            &format!("r{i}"),
            &car,
            &day,
            json!({"state": "FAILED", "failureReason": reason, "completedTimestamp": day}),
        ));
    }
    let report = run(&records);
    assert_eq!(report.creations.len(), cases.len());
    for (row, (reason, known)) in report.creations.iter().zip(cases) {
        assert_eq!(row.state, CreationState::Failed);
        assert_eq!(row.failure_reason.as_deref(), Some(reason));
        assert_eq!(row.failure_explanation.is_some(), known, "{reason}");
        assert_eq!(row.account_id, None);
        assert_eq!(row.duration_ms, Some(0));
    }
    assert!(report.membership.is_empty());
}

#[test]
fn every_failure_reason_is_explained() {
    for code in [
        "ACCOUNT_LIMIT_EXCEEDED",
        "EMAIL_ALREADY_EXISTS",
        "INVALID_ADDRESS",
        "INVALID_EMAIL",
        "CONCURRENT_ACCOUNT_MODIFICATION",
        "INTERNAL_FAILURE",
        "GOVCLOUD_ACCOUNT_ALREADY_EXISTS",
        "MISSING_BUSINESS_VALIDATION",
        "FAILED_BUSINESS_VALIDATION",
        "PENDING_BUSINESS_VALIDATION",
        "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION",
        "UNKNOWN_BUSINESS_VALIDATION",
        "MISSING_PAYMENT_INSTRUMENT",
        "INVALID_PAYMENT_INSTRUMENT",
        "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED",
    ] {
        assert!(
            explain_create_failure(code).is_some_and(|s| s.len() > 20),
            "{code}"
        );
    }
    assert_eq!(explain_create_failure("NOT_A_REASON"), None);
}

#[test]
fn creation_in_progress_and_stale() {
    let request = create_request(
        "e1",
        "car-wait",
        "2021-06-01T08:00:00Z",
        json!("Jun 1, 2021 8:00:00 AM"),
    );
    let later = call(
        "e9",
        "ListAccounts",
        "2021-06-01T10:00:00Z",
        json!(null),
        json!(null),
    );
    let report = run(&[request.clone(), later]);
    let c = &report.creations[0];
    assert_eq!(c.state, CreationState::InProgress);
    assert!(c.request_seen && !c.result_seen);
    assert_eq!(c.completed_time, None);
    assert_eq!(c.duration_ms, None);
    assert!(warning_kinds(&report).contains(&WarningKind::CreationWithoutResult));
    // Not stale when the data ends right after the request.
    let report = run(&[request]);
    assert!(!warning_kinds(&report).contains(&WarningKind::CreationWithoutResult));
}

#[test]
fn creation_result_only() {
    let result = create_result(
        "e2",
        "car-orphan",
        "2021-07-01T09:30:04Z",
        json!({"state": "SUCCEEDED", "accountId": "888800001111", "accountName": "orphan",
               "requestedTimestamp": "Jul 1, 2021, 9:30:00\u{202F}AM",
               "completedTimestamp": "Jul 1, 2021, 9:30:04\u{202F}AM"}),
    );
    let report = run(&[result]);
    let c = &report.creations[0];
    assert!(!c.request_seen && c.result_seen);
    assert_eq!(c.state, CreationState::Succeeded);
    assert_eq!(c.requester, None);
    assert_eq!(c.duration_ms, Some(4000));
    assert_eq!(c.account_name.as_deref(), Some("orphan"));
    assert!(c.remarks.iter().any(|r| r.contains("not loaded")));
    assert!(warning_kinds(&report).contains(&WarningKind::ResultWithoutRequest));
}

#[test]
fn creation_duplicates_collapse() {
    let request = create_request(
        "e1",
        "car-dup",
        "2021-01-01T00:00:00Z",
        json!(1_609_459_200),
    );
    let result = create_result(
        "e2",
        "car-dup",
        "2021-01-01T00:00:05Z",
        json!({"state": "SUCCEEDED", "accountId": "444455556666", "requestedTimestamp": 1_609_459_200,
               "completedTimestamp": 1_609_459_205.0}),
    );
    // The same record again, with its keys in another order.
    let mut reordered = serde_json::Map::new();
    if let Value::Object(map) = &result {
        for (k, v) in map.iter().rev() {
            reordered.insert(k.clone(), v.clone());
        }
    }
    let report = run(&[
        request.clone(),
        result.clone(),
        Value::Object(reordered),
        request,
        result,
    ]);
    assert_eq!(report.org_event_count, 2);
    assert_eq!(report.creations.len(), 1);
    assert_eq!(report.creations[0].event_ids, vec!["e1", "e2"]);
    assert_eq!(report.creations[0].duration_ms, Some(5000));
    assert!(report.creations[0].remarks.is_empty());
}

#[test]
fn creation_govcloud() {
    let request = set(
        create_request(
            "e1",
            "car-gov",
            "2021-05-01T12:00:00Z",
            json!("May 1, 2021 12:00:00 PM"),
        ),
        "eventName",
        json!("CreateGovCloudAccount"),
    );
    let result = create_result(
        "e2",
        "car-gov",
        "2021-05-01T12:04:10Z",
        json!({"state": "SUCCEEDED", "accountId": "777700001111", "govCloudAccountId": "777700002222",
               "completedTimestamp": "May 1, 2021 12:04:10 PM"}),
    );
    let report = run(&[request, result]);
    let c = &report.creations[0];
    assert!(c.govcloud);
    assert_eq!(c.state, CreationState::Succeeded);
    assert_eq!(c.govcloud_account_id.as_deref(), Some("777700002222"));
    assert_eq!(c.duration_ms, Some(250_000));
    assert!(report.membership[0]
        .details
        .contains("CreateGovCloudAccount"));
}

#[test]
fn creation_failed_call_is_its_own_row() {
    let denied = failed(
        call(
            "e1",
            "CreateAccount",
            "2021-08-01T15:00:00Z",
            json!({"accountName": "shadow"}),
            json!(null),
        ),
        "AccessDeniedException",
    );
    let report = run(&[denied]);
    let c = &report.creations[0];
    assert_eq!(c.state, CreationState::FailedCall);
    assert_eq!(c.request_id, None);
    assert_eq!(c.error_code.as_deref(), Some("AccessDeniedException"));
    assert_eq!(c.account_name.as_deref(), Some("shadow"));
    assert_eq!(c.requester.as_deref(), Some("diego"));
    assert!(warning_kinds(&report).contains(&WarningKind::FailedWriteCalls));
}

#[test]
fn creation_conflicting_results_are_remarked() {
    let report = run(&[
        create_request(
            "e1",
            "car-x",
            "2021-01-01T00:00:00Z",
            json!("2021-01-01T00:00:00Z"),
        ),
        create_result(
            "e2",
            "car-x",
            "2021-01-01T00:01:00Z",
            json!({"state": "SUCCEEDED", "accountId": "444455556666"}),
        ),
        create_result(
            "e3",
            "car-x",
            "2021-01-01T00:02:00Z",
            json!({"state": "FAILED", "failureReason": "INTERNAL_FAILURE"}),
        ),
    ]);
    let c = &report.creations[0];
    assert_eq!(c.state, CreationState::Succeeded, "the first result wins");
    assert!(c.remarks.iter().any(|r| r.contains("Conflicting")));
    assert_eq!(c.event_ids.len(), 3);
}

// --- handshakes

fn handshake_object(
    id: &str,
    target_type: &str,
    target: &str,
    requested: &str,
    expires: &str,
    action: &str,
) -> Value {
    json!({"id": id, "state": "OPEN", "action": action,
           "arn": format!("arn:aws:organizations::{MGMT}:handshake/{ORG}/invite/{id}"),
           "parties": [{"type": "ORGANIZATION", "id": ORG}, {"type": target_type, "id": target}],
           "requestedTimestamp": requested, "expirationTimestamp": expires,
           "resources": [{"type": "ORGANIZATION", "value": ORG, "resources": []},
                         {"type": "NOTES", "value": "hello"}]})
}

fn invite(id: &str, handshake: &str, target: &str, time: &str, expires: &str) -> Value {
    let target_type = if target.contains('@') {
        "EMAIL"
    } else {
        "ACCOUNT"
    };
    call(
        id,
        "InviteAccountToOrganization",
        time,
        json!({"target": {"type": target_type, "id": target}, "notes": "hello"}),
        json!({"handshake": handshake_object(handshake, target_type, target, time, expires, "invite")}),
    )
}

fn respond(id: &str, name: &str, handshake: &str, time: &str, who: Value) -> Value {
    by(
        call(
            id,
            name,
            time,
            json!({"handshakeId": handshake}),
            json!({"handshake": {"id": handshake}}),
        ),
        who,
    )
}

fn handshake_row<'a>(report: &'a OrgReport, id: &str) -> &'a Handshake {
    report
        .handshakes
        .iter()
        .find(|h| h.handshake_id.as_deref() == Some(id))
        .unwrap()
}

#[test]
fn handshake_accepted() {
    let report = run(&[
        invite(
            "i1",
            "h-1",
            "222222222222",
            "2021-01-10T09:00:00Z",
            "Jan 25, 2021 9:00:00 AM",
        ),
        respond(
            "a1",
            "AcceptHandshake",
            "h-1",
            "2021-01-11T08:00:00Z",
            root("222222222222"),
        ),
    ]);
    let h = handshake_row(&report, "h-1");
    assert_eq!(h.state, HandshakeState::Accepted);
    assert_eq!(
        h.action.as_deref(),
        Some("INVITE"),
        "CloudTrail writes `invite`"
    );
    assert_eq!(h.organization_id.as_deref(), Some(ORG));
    assert_eq!(h.target.as_deref(), Some("222222222222"));
    assert_eq!(h.target_type.as_deref(), Some("ACCOUNT"));
    assert_eq!(h.invitation_notes.as_deref(), Some("hello"));
    assert_eq!(h.parties.len(), 2);
    assert_eq!(h.requester.as_deref(), Some("diego"));
    assert_eq!(h.resolved_by.as_deref(), Some("root"));
    assert_eq!(h.resolved_account_id.as_deref(), Some("222222222222"));
    assert_eq!(h.resolved_time, Some(t("2021-01-11T08:00:00Z")));
    assert_eq!(h.expiration_time, Some(t("2021-01-25T09:00:00Z")));
    assert_eq!(h.invited_account_loaded, Some(true));
    assert!(h.request_seen);
    assert_eq!(h.event_ids, vec!["a1", "i1"]);
    assert!(h.remarks.is_empty(), "{:?}", h.remarks);
    let m = &report.membership[0];
    assert_eq!(m.kind, MembershipKind::InvitedJoined);
    assert_eq!(m.account_id.as_deref(), Some("222222222222"));
    assert_eq!(m.lifecycle_id.as_deref(), Some("h-1"));
    // Both events link back to the handshake, and the acceptance to the membership row.
    assert!(report.event_links["a1"].contains(&LifecycleRef::Handshake(0)));
    assert!(report.event_links["a1"].contains(&LifecycleRef::Membership(0)));
}

#[test]
fn handshake_declined_after_failed_accept() {
    let report = run(&[
        invite(
            "i1",
            "h-2",
            "333333333333",
            "2021-01-12T09:00:00Z",
            "Jan 27, 2021 9:00:00 AM",
        ),
        failed(
            respond(
                "a1",
                "AcceptHandshake",
                "h-2",
                "2021-01-13T11:00:00Z",
                root("333333333333"),
            ),
            "AccessDeniedException",
        ),
        respond(
            "d1",
            "DeclineHandshake",
            "h-2",
            "2021-01-13T12:00:00Z",
            root("333333333333"),
        ),
    ]);
    let h = handshake_row(&report, "h-2");
    assert_eq!(h.state, HandshakeState::Declined);
    assert_eq!(h.failed_attempts.len(), 1);
    let attempt = &h.failed_attempts[0];
    assert_eq!(attempt.event_name, "AcceptHandshake");
    assert_eq!(attempt.error_code, "AccessDeniedException");
    assert_eq!(attempt.account_id.as_deref(), Some("333333333333"));
    assert_eq!(h.event_ids, vec!["a1", "d1", "i1"]);
    assert!(report.membership.is_empty());
}

#[test]
fn handshake_canceled() {
    let report = run(&[
        invite(
            "i1",
            "h-3",
            "555555555555",
            "2021-01-14T09:00:00Z",
            "Jan 29, 2021 9:00:00 AM",
        ),
        respond(
            "c1",
            "CancelHandshake",
            "h-3",
            "2021-01-15T09:00:00Z",
            diego(),
        ),
    ]);
    let h = handshake_row(&report, "h-3");
    assert_eq!(h.state, HandshakeState::Canceled);
    assert_eq!(h.resolved_by.as_deref(), Some("diego"));
    assert_eq!(h.resolved_time, Some(t("2021-01-15T09:00:00Z")));
    // The invited account's trail is not loaded, but a canceled handshake needs no answer.
    assert_eq!(h.invited_account_loaded, Some(false));
    assert!(!warning_kinds(&report).contains(&WarningKind::InvitedAccountNotLoaded));
}

#[test]
fn handshake_expired_and_invited_account_absent() {
    let records = [invite(
        "i1",
        "h-4",
        "666666666666",
        "2021-01-16T09:00:00Z",
        "Jan 31, 2021, 9:00:00 AM",
    )];
    let mut ctx = ctx_of(&records);
    ctx.latest_event_time = Some(t("2021-02-01T00:00:00Z"));
    let report = reconstruct(&records, &ctx);
    let h = handshake_row(&report, "h-4");
    assert_eq!(h.state, HandshakeState::Expired);
    assert_eq!(h.invited_account_loaded, Some(false));
    assert!(h.remarks.iter().any(|r| r.contains("not loaded")));
    assert!(warning_kinds(&report).contains(&WarningKind::InvitedAccountNotLoaded));
    // Expiration exactly at the end of the data counts as expired ("at or before").
    ctx.latest_event_time = Some(t("2021-01-31T09:00:00Z"));
    assert_eq!(
        handshake_row(&reconstruct(&records, &ctx), "h-4").state,
        HandshakeState::Expired
    );
    // A millisecond earlier it is still open; with the account's events loaded, no remark.
    ctx.latest_event_time = Some(t("2021-01-31T08:59:59.999Z"));
    ctx.accounts_seen.insert("666666666666".to_string());
    let report = reconstruct(&records, &ctx);
    let h = handshake_row(&report, "h-4");
    assert_eq!(h.state, HandshakeState::Open);
    assert_eq!(h.invited_account_loaded, Some(true));
    assert!(h.remarks.is_empty(), "{:?}", h.remarks);
}

#[test]
fn handshake_open_to_email() {
    let records = [invite(
        "i1",
        "h-5",
        "bob@example.com",
        "2021-02-20T10:00:00Z",
        "Mar 7, 2021, 10:00:00\u{202F}AM",
    )];
    let report = run(&records);
    let h = handshake_row(&report, "h-5");
    assert_eq!(h.state, HandshakeState::Open);
    assert_eq!(h.expiration_time, Some(t("2021-03-07T10:00:00Z")));
    assert_eq!(h.target.as_deref(), Some("bob@example.com"));
    assert_eq!(h.target_type.as_deref(), Some("EMAIL"));
    assert_eq!(h.invited_account_loaded, None);
    assert!(h.remarks.iter().any(|r| r.contains("email")));
    assert_eq!(report.reference_time, Some(t("2021-02-20T10:00:00Z")));
}

#[test]
fn handshake_unknown_when_only_a_failed_response_is_loaded() {
    let report = run(&[failed(
        respond(
            "a1",
            "AcceptHandshake",
            "h-6",
            "2021-02-22T10:00:00Z",
            root("999999999999"),
        ),
        "HandshakeConstraintViolationException",
    )]);
    let h = handshake_row(&report, "h-6");
    assert_eq!(h.state, HandshakeState::Unknown);
    assert!(!h.request_seen);
    assert!(h.parties.is_empty());
    assert_eq!(h.failed_attempts.len(), 1);
    assert!(warning_kinds(&report).contains(&WarningKind::ResponseWithoutInvitation));
}

#[test]
fn failed_invitation_without_handshake_is_its_own_row() {
    let denied = failed(
        call(
            "i0",
            "InviteAccountToOrganization",
            "2021-01-10T08:59:00Z",
            json!({"target": {"type": "ACCOUNT", "id": "222222222222"}}),
            json!(null),
        ),
        "DuplicateHandshakeException",
    );
    let report = run(&[denied]);
    assert_eq!(report.handshakes.len(), 1);
    let h = &report.handshakes[0];
    assert_eq!(h.handshake_id, None);
    assert_eq!(h.state, HandshakeState::FailedCall);
    assert_eq!(h.action.as_deref(), Some("INVITE"));
    assert_eq!(h.target.as_deref(), Some("222222222222"));
    assert_eq!(
        h.failed_attempts[0].error_code,
        "DuplicateHandshakeException"
    );
    assert_eq!(h.event_ids, vec!["i0"]);
}

#[test]
fn acceptance_without_parties_or_invitation() {
    let accept = by(
        call(
            "a1",
            "AcceptHandshake",
            "2021-02-01T11:00:00Z",
            json!({"handshakeId": "h-7"}),
            json!({"handshake": {"id": "h-7", "state": "ACCEPTED", "action": "INVITE"}}),
        ),
        root("121212121212"),
    );
    let report = run(&[accept]);
    let h = handshake_row(&report, "h-7");
    assert_eq!(h.state, HandshakeState::Accepted);
    assert!(h.parties.is_empty());
    assert_eq!(h.target, None);
    assert_eq!(h.organization_id, None);
    assert!(h.remarks.iter().any(|r| r.contains("parties")));
    assert!(h
        .remarks
        .iter()
        .any(|r| r.contains("invitation is not loaded")));
    // The accepting account joined.
    assert_eq!(
        report.membership[0].account_id.as_deref(),
        Some("121212121212")
    );
}

#[test]
fn enable_all_features_is_a_handshake_and_a_change() {
    let enable = call(
        "x1",
        "EnableAllFeatures",
        "2021-02-01T10:00:00Z",
        json!({}),
        json!({"handshake": {"id": "h-all", "action": "Enable_All_Features", "state": "REQUESTED",
                             "parties": [{"type": "ORGANIZATION", "id": ORG}],
                             "requestedTimestamp": "Feb 1, 2021 10:00:00 AM",
                             "expirationTimestamp": "May 2, 2021 10:00:00 AM"}}),
    );
    let report = run(&[enable]);
    let h = handshake_row(&report, "h-all");
    assert_eq!(h.action.as_deref(), Some("ENABLE_ALL_FEATURES"));
    assert_eq!(h.state, HandshakeState::Open);
    assert!(h.request_seen);
    assert_eq!(report.changes[0].kind, ChangeKind::EnableAllFeatures);
    assert_eq!(
        report.event_links["x1"],
        vec![LifecycleRef::Handshake(0), LifecycleRef::Change(0)]
    );
}

// --- membership

fn leave(id: &str, account: &str, time: &str) -> Value {
    by(
        call(id, "LeaveOrganization", time, json!(null), json!(null)),
        root(account),
    )
}

#[test]
fn left_merged_with_departed_event() {
    let report = run(&[
        service(
            "s1",
            "AccountDepartedOrganization",
            "2022-03-01T10:00:02Z",
            json!({"accountId": "222222222222", "departedMethod": "Left",
                       "departedTime": "Mar 1, 2022 10:00:00 AM"}),
        ),
        leave("l1", "222222222222", "2022-03-01T10:00:00Z"),
    ]);
    assert_eq!(report.membership.len(), 1, "{:?}", report.membership);
    let m = &report.membership[0];
    assert_eq!(m.kind, MembershipKind::Left);
    assert_eq!(m.outcome, ChangeOutcome::Done);
    assert_eq!(m.event_ids, vec!["l1", "s1"]);
    assert_eq!(m.method.as_deref(), Some("Left"));
    assert_eq!(m.actor.as_deref(), Some("root"));
    assert_eq!(m.time, Some(t("2022-03-01T10:00:00Z")));
    assert!(warning_kinds(&report).contains(&WarningKind::AccountsDeparted));
}

#[test]
fn left_denied_is_a_strong_signal() {
    let report = run(&[failed(
        leave("l1", "444455556666", "2022-03-02T08:00:00Z"),
        "AccessDenied",
    )]);
    let m = &report.membership[0];
    assert_eq!(m.kind, MembershipKind::LeftDenied);
    assert_eq!(m.outcome, ChangeOutcome::Failed);
    assert_eq!(m.account_id.as_deref(), Some("444455556666"));
    assert_eq!(m.error_code.as_deref(), Some("AccessDenied"));
    assert!(warning_kinds(&report).contains(&WarningKind::LeaveDenied));
    assert!(!warning_kinds(&report).contains(&WarningKind::FailedWriteCalls));
}

#[test]
fn removed_merged_across_both_spellings() {
    let remove = |id: &str, account: &str, time: &str| {
        call(
            id,
            "RemoveAccountFromOrganization",
            time,
            json!({"accountId": account}),
            json!(null),
        )
    };
    let report = run(&[
        remove("r1", "101010101010", "2022-03-03T09:00:00Z"),
        service(
            "s1",
            "AccountDepartedOrganization",
            "2022-03-03T09:00:01Z",
            json!({"accountId": "101010101010", "departureMethod": "REMOVED", "departureTime": "2022-03-03T09:00:00Z"}),
        ),
        remove("r2", "161616161616", "2022-03-08T00:00:00Z"),
        service(
            "s2",
            "AccountDepartedOrganization",
            "2022-03-08T00:00:03Z",
            json!({"nested": {"memberAccountId": "161616161616", "DepartedMethod": "removed"}}),
        ),
    ]);
    assert_eq!(report.membership.len(), 2, "{:?}", report.membership);
    for m in &report.membership {
        assert_eq!(m.kind, MembershipKind::Removed);
        assert_eq!(m.event_ids.len(), 2);
        assert!(m
            .details
            .contains("Confirmed by AccountDepartedOrganization"));
    }
    assert_eq!(report.membership[1].method.as_deref(), Some("removed"));
}

#[test]
fn departure_far_from_the_call_is_not_merged() {
    let report = run(&[
        call(
            "r1",
            "RemoveAccountFromOrganization",
            "2022-03-03T09:00:00Z",
            json!({"accountId": "101010101010"}),
            json!(null),
        ),
        service(
            "s1",
            "AccountDepartedOrganization",
            "2022-03-06T09:00:00Z",
            json!({"accountId": "101010101010", "departedMethod": "Removed"}),
        ),
    ]);
    assert_eq!(report.membership.len(), 2);
    assert!(report
        .membership
        .iter()
        .all(|m| m.kind == MembershipKind::Removed));
}

#[test]
fn closed_with_and_without_result_and_cleaned() {
    let close = |id: &str, account: &str, time: &str| {
        by(
            call(
                id,
                "CloseAccount",
                time,
                json!({"accountId": account}),
                json!(null),
            ),
            alice(),
        )
    };
    let report = run(&[
        close("c1", "121212121212", "2022-03-04T09:00:00Z"),
        service(
            "c2",
            "CloseAccountResult",
            "2022-03-04T09:05:00Z",
            json!({"closeAccountStatus": {"accountId": "121212121212", "state": "SUCCEEDED",
                       "completedTimestamp": "Mar 4, 2022 9:05:00 AM"}}),
        ),
        close("c3", "131313131313", "2022-03-05T09:00:00Z"),
        service(
            "c4",
            "AccountDepartedOrganization",
            "2022-03-06T00:00:00Z",
            json!({"accountId": "141414141414", "departedMethod": "Cleaned"}),
        ),
    ]);
    let closed: Vec<&MembershipChange> = report.membership.iter().collect();
    assert_eq!(closed.len(), 3);
    assert!(closed.iter().all(|m| m.kind == MembershipKind::Closed));
    assert_eq!(closed[0].outcome, ChangeOutcome::Done);
    assert_eq!(closed[0].event_ids, vec!["c1", "c2"]);
    assert_eq!(closed[1].outcome, ChangeOutcome::Pending);
    assert!(closed[1].details.contains("no CloseAccountResult"));
    assert_eq!(closed[2].account_id.as_deref(), Some("141414141414"));
    assert_eq!(closed[2].method.as_deref(), Some("Cleaned"));
}

#[test]
fn account_console_close_is_a_closure_of_the_caller() {
    let close = json!({"eventVersion": "1.08", "userIdentity": root("454545454545"),
        "eventTime": "2022-04-01T00:00:00Z", "eventSource": "account.amazonaws.com", "eventName": "CloseAccount",
        "awsRegion": "us-east-1", "requestParameters": null, "responseElements": null,
        "eventID": "k1", "recipientAccountId": "454545454545"});
    assert!(is_org_event("account.amazonaws.com", "CloseAccount"));
    assert!(!is_org_event(
        "account.amazonaws.com",
        "PutAlternateContact"
    ));
    let report = run(&[close]);
    assert_eq!(report.membership[0].kind, MembershipKind::Closed);
    assert_eq!(
        report.membership[0].account_id.as_deref(),
        Some("454545454545")
    );
}

#[test]
fn joined_events_merge_with_creation_and_invitation() {
    let report = run(&[
        create_request(
            "c1",
            "car-a",
            "2020-01-05T00:00:00Z",
            json!("2020-01-05T00:00:00Z"),
        ),
        create_result(
            "c2",
            "car-a",
            "2020-01-05T00:01:00Z",
            json!({"state": "SUCCEEDED", "accountId": "444455556666"}),
        ),
        // Logged much later: a creation is merged whatever the distance.
        service(
            "j1",
            "AccountJoinedOrganization",
            "2020-01-07T00:00:00Z",
            json!({"accountId": "444455556666", "joinedMethod": "CREATED"}),
        ),
        invite(
            "i1",
            "h-1",
            "222222222222",
            "2021-01-10T09:00:00Z",
            "Jan 25, 2021 9:00:00 AM",
        ),
        respond(
            "a1",
            "AcceptHandshake",
            "h-1",
            "2021-01-11T08:00:00Z",
            root("222222222222"),
        ),
        service(
            "j2",
            "AccountJoinedOrganization",
            "2021-01-11T08:00:01Z",
            json!({"accountId": "222222222222", "joinedMethod": "Invited", "joinedTime": "Jan 11, 2021 8:00:00 AM"}),
        ),
        // A join with no loaded cause stands alone.
        service(
            "j3",
            "AccountJoinedOrganization",
            "2021-02-01T00:00:00Z",
            json!({"accountId": "151515151515", "joinedMethod": "Created"}),
        ),
    ]);
    assert_eq!(report.membership.len(), 3, "{:?}", report.membership);
    assert_eq!(report.membership[0].kind, MembershipKind::Created);
    assert_eq!(report.membership[0].event_ids, vec!["c1", "c2", "j1"]);
    assert_eq!(report.membership[1].kind, MembershipKind::InvitedJoined);
    assert_eq!(report.membership[1].event_ids, vec!["a1", "i1", "j2"]);
    assert_eq!(report.membership[2].kind, MembershipKind::Created);
    assert_eq!(report.membership[2].event_ids, vec!["j3"]);
}

// --- structure and tree

fn structure_history() -> Vec<Value> {
    let ou = |id: &str, name: &str, parent: &str, time: &str, eid: &str| {
        call(
            eid,
            "CreateOrganizationalUnit",
            time,
            json!({"name": name, "parentId": parent}),
            json!({"organizationalUnit": {"id": id, "name": name,
                    "arn": format!("arn:aws:organizations::{MGMT}:ou/{ORG}/{id}")}}),
        )
    };
    let mv = |eid: &str, account: &str, from: &str, to: &str, time: &str| {
        call(
            eid,
            "MoveAccount",
            time,
            json!({"accountId": account, "sourceParentId": from, "destinationParentId": to}),
            json!(null),
        )
    };
    vec![
        call(
            "s01",
            "CreateOrganization",
            "2019-12-31T23:00:00Z",
            json!({"featureSet": "ALL"}),
            json!({"organization": {"id": ORG, "masterAccountId": MGMT, "featureSet": "ALL"}}),
        ),
        ou(
            "ou-exmp-dev11111",
            "Dev",
            "r-exmp",
            "2020-01-02T00:00:00Z",
            "s02",
        ),
        call(
            "s03",
            "CreatePolicy",
            "2020-01-03T00:00:00Z",
            json!({"name": "DenyLeave", "type": "SERVICE_CONTROL_POLICY", "content": "{}"}),
            json!({"policy": {"policySummary": {"id": "p-deny", "name": "DenyLeave", "type": "SERVICE_CONTROL_POLICY"}}}),
        ),
        call(
            "s04",
            "AttachPolicy",
            "2020-01-04T00:00:00Z",
            json!({"policyId": "p-deny", "targetId": "ou-exmp-dev11111"}),
            json!(null),
        ),
        failed(
            call(
                "s05",
                "AttachPolicy",
                "2020-01-04T01:00:00Z",
                json!({"policyId": "p-tag", "targetId": "ou-exmp-dev11111"}),
                json!(null),
            ),
            "PolicyTypeNotEnabledException",
        ),
        create_request(
            "s06",
            "car-tree",
            "2020-01-05T00:00:00Z",
            json!("Jan 5, 2020 12:00:00 AM"),
        ),
        create_result(
            "s07",
            "car-tree",
            "2020-01-05T00:01:00Z",
            json!({"state": "SUCCEEDED", "accountId": "444455556666", "accountName": "sandbox"}),
        ),
        mv(
            "s08",
            "444455556666",
            "r-exmp",
            "ou-exmp-dev11111",
            "2020-01-06T00:00:00Z",
        ),
        ou(
            "ou-exmp-prod2222",
            "Prod",
            "r-exmp",
            "2020-02-01T00:00:00Z",
            "s09",
        ),
        mv(
            "s10",
            "444455556666",
            "ou-exmp-dev11111",
            "ou-exmp-prod2222",
            "2020-02-02T00:00:00Z",
        ),
        mv(
            "s11",
            "777788889999",
            "ou-exmp-legacy99",
            "ou-exmp-prod2222",
            "2020-02-03T00:00:00Z",
        ),
        call(
            "s12",
            "UpdateOrganizationalUnit",
            "2020-02-04T00:00:00Z",
            json!({"organizationalUnitId": "ou-exmp-dev11111", "name": "Development"}),
            json!({"organizationalUnit": {"id": "ou-exmp-dev11111", "name": "Development"}}),
        ),
        ou(
            "ou-exmp-temp3333",
            "Temp",
            "ou-exmp-prod2222",
            "2020-02-07T00:00:00Z",
            "s13",
        ),
        call(
            "s14",
            "DeleteOrganizationalUnit",
            "2020-02-08T00:00:00Z",
            json!({"organizationalUnitId": "ou-exmp-temp3333"}),
            json!(null),
        ),
        call(
            "s15",
            "DetachPolicy",
            "2020-02-09T00:00:00Z",
            json!({"policyId": "p-deny", "targetId": "ou-exmp-dev11111"}),
            json!(null),
        ),
        call(
            "s16",
            "RegisterDelegatedAdministrator",
            "2020-02-10T00:00:00Z",
            json!({"accountId": "444455556666", "servicePrincipal": "guardduty.amazonaws.com"}),
            json!(null),
        ),
        call(
            "s17",
            "EnablePolicyType",
            "2020-01-01T00:00:00Z",
            json!({"rootId": "r-exmp", "policyType": "SERVICE_CONTROL_POLICY"}),
            json!(null),
        ),
        call(
            "s18",
            "DescribeOrganization",
            "2020-02-10T00:00:00Z",
            json!(null),
            json!(null),
        ),
    ]
}

#[test]
fn structure_changes_are_listed_in_order() {
    let report = run(&structure_history());
    let kinds: Vec<ChangeKind> = report.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ChangeKind::CreateOrganization,
            ChangeKind::EnablePolicyType,
            ChangeKind::CreateOrganizationalUnit,
            ChangeKind::CreatePolicy,
            ChangeKind::AttachPolicy,
            ChangeKind::AttachPolicy,
            ChangeKind::MoveAccount,
            ChangeKind::CreateOrganizationalUnit,
            ChangeKind::MoveAccount,
            ChangeKind::MoveAccount,
            ChangeKind::UpdateOrganizationalUnit,
            ChangeKind::CreateOrganizationalUnit,
            ChangeKind::DeleteOrganizationalUnit,
            ChangeKind::DetachPolicy,
            ChangeKind::RegisterDelegatedAdministrator,
        ]
    );
    let by_id = |id: &str| {
        report
            .changes
            .iter()
            .find(|c| c.event_ids == vec![id.to_string()])
            .unwrap()
    };
    let attach = by_id("s04");
    assert!(attach.succeeded);
    assert_eq!(
        attach.details,
        "Attached policy DenyLeave (p-deny) to Dev (ou-exmp-dev11111)."
    );
    let denied = by_id("s05");
    assert!(!denied.succeeded);
    assert_eq!(
        denied.error_code.as_deref(),
        Some("PolicyTypeNotEnabledException")
    );
    assert!(
        denied.details.starts_with("Tried to attach policy p-tag"),
        "{}",
        denied.details
    );
    let moved = by_id("s10");
    assert_eq!(
        moved.details,
        "Moved account 444455556666 from Dev (ou-exmp-dev11111) to Prod (ou-exmp-prod2222)."
    );
    assert_eq!(moved.targets.len(), 3);
    assert_eq!(moved.targets[1].kind, TargetKind::OrganizationalUnit);
    assert_eq!(moved.actor, "diego");
    let renamed = by_id("s12");
    assert_eq!(
        renamed.details,
        "Renamed OU ou-exmp-dev11111 from Dev to Development."
    );
    assert!(warning_kinds(&report).contains(&WarningKind::GuardrailsWeakened));
    assert_eq!(report.organization_ids, vec![ORG]);
    assert_eq!(report.management_account_ids, vec![MGMT]);
}

fn find<'a>(nodes: &'a [TreeNode], id: &str) -> Option<&'a TreeNode> {
    nodes.iter().find_map(|n| {
        if n.id == id {
            Some(n)
        } else {
            find(&n.children, id)
        }
    })
}

fn child_ids(node: &TreeNode) -> Vec<&str> {
    node.children.iter().map(|c| c.id.as_str()).collect()
}

#[test]
fn org_tree_at_two_times() {
    let report = run(&structure_history());

    // Early: Dev holds the sandbox; Prod does not exist yet; the account that later moves
    // out of an OU never seen created was already there (both inferred).
    let early = org_tree_at(&report, t("2020-01-10T00:00:00Z"));
    assert_eq!(early.organization_id.as_deref(), Some(ORG));
    assert_eq!(early.roots.len(), 1);
    let root = &early.roots[0];
    assert_eq!(root.id, "r-exmp");
    assert!(!root.inferred);
    assert_eq!(
        child_ids(root),
        vec!["ou-exmp-dev11111", "ou-exmp-legacy99", MGMT]
    );
    let dev = find(&early.roots, "ou-exmp-dev11111").unwrap();
    assert_eq!(dev.name.as_deref(), Some("Dev"));
    assert!(!dev.inferred);
    assert_eq!(child_ids(dev), vec!["444455556666"]);
    // The request's account name wins over the result's copy.
    assert_eq!(dev.children[0].name.as_deref(), Some("new-account"));
    assert!(!dev.children[0].inferred);
    let legacy = find(&early.roots, "ou-exmp-legacy99").unwrap();
    assert!(legacy.inferred);
    assert_eq!(child_ids(legacy), vec!["777788889999"]);
    assert!(legacy.children[0].inferred);
    assert!(find(&early.roots, "ou-exmp-prod2222").is_none());

    // Later: Dev renamed and empty, both accounts in Prod, Temp created and deleted.
    let late = org_tree_at(&report, t("2020-02-08T12:00:00Z"));
    let dev = find(&late.roots, "ou-exmp-dev11111").unwrap();
    assert_eq!(dev.name.as_deref(), Some("Development"));
    assert!(dev.children.is_empty());
    let prod = find(&late.roots, "ou-exmp-prod2222").unwrap();
    assert_eq!(child_ids(prod), vec!["444455556666", "777788889999"]);
    assert!(prod.children.iter().all(|a| !a.inferred));
    assert!(find(&late.roots, "ou-exmp-temp3333").is_none());
    let legacy = find(&late.roots, "ou-exmp-legacy99").unwrap();
    assert!(legacy.inferred && legacy.children.is_empty());

    // While Temp existed it sat under Prod.
    let mid = org_tree_at(&report, t("2020-02-07T12:00:00Z"));
    let prod = find(&mid.roots, "ou-exmp-prod2222").unwrap();
    assert_eq!(
        child_ids(prod),
        vec!["ou-exmp-temp3333", "444455556666", "777788889999"]
    );

    // Before the organization existed there is nothing.
    let before = org_tree_at(&report, t("2019-06-01T00:00:00Z"));
    assert!(before.roots.is_empty());
    assert!(before.notes[0].contains("created later"));
}

#[test]
fn org_tree_infers_from_moves_alone() {
    let report = run(&[call(
        "m1",
        "MoveAccount",
        "2022-01-06T14:50:17Z",
        json!({"accountId": "242424242424", "sourceParentId": "ou-ab12-aaaaaaaa", "destinationParentId": "ou-ab12-bbbbbbbb"}),
        json!(null),
    )]);
    let before = org_tree_at(&report, t("2022-01-01T00:00:00Z"));
    assert_eq!(
        before.roots[0].id, "r-ab12",
        "the root id is read from the OU ids"
    );
    assert!(before.roots[0].inferred);
    let source = find(&before.roots, "ou-ab12-aaaaaaaa").unwrap();
    assert!(source.inferred);
    assert_eq!(child_ids(source), vec!["242424242424"]);
    let after = org_tree_at(&report, t("2022-02-01T00:00:00Z"));
    let destination = find(&after.roots, "ou-ab12-bbbbbbbb").unwrap();
    assert!(destination.inferred, "never seen created");
    assert_eq!(child_ids(destination), vec!["242424242424"]);
    assert!(!destination.children[0].inferred, "the move was observed");
}

#[test]
fn org_tree_survives_cycles_and_departures() {
    let ou = |eid: &str, id: &str, parent: &str| {
        call(
            eid,
            "CreateOrganizationalUnit",
            "2022-01-01T00:00:00Z",
            json!({"name": id, "parentId": parent}),
            json!({"organizationalUnit": {"id": id, "name": id}}),
        )
    };
    let report = run(&[
        ou("o1", "ou-r1-aaaa", "ou-r1-bbbb"),
        ou("o2", "ou-r1-bbbb", "ou-r1-aaaa"),
        leave("l1", "252525252525", "2022-01-02T00:00:00Z"),
    ]);
    let tree = org_tree_at(&report, t("2022-01-01T12:00:00Z"));
    let a = find(&tree.roots, "ou-r1-aaaa").unwrap();
    let b = find(&tree.roots, "ou-r1-bbbb").unwrap();
    assert!(a.inferred || b.inferred, "the cut is marked");
    // The account that leaves later was a member until then.
    assert!(find(&tree.roots, "252525252525").is_some());
    let after = org_tree_at(&report, t("2022-01-03T00:00:00Z"));
    assert!(find(&after.roots, "252525252525").is_none());
}

// --- warnings, identities, robustness

#[test]
fn us_east_1_warning() {
    let elsewhere = set(
        leave("l1", "307578594326", "2024-08-02T08:30:00Z"),
        "awsRegion",
        json!("eu-west-1"),
    );
    let report = run(std::slice::from_ref(&elsewhere));
    assert!(warning_kinds(&report).contains(&WarningKind::NoUsEast1Events));
    let mut ctx = ctx_of(std::slice::from_ref(&elsewhere));
    ctx.regions_seen.insert("us-east-1".to_string());
    let report = reconstruct([&elsewhere], &ctx);
    assert!(!warning_kinds(&report).contains(&WarningKind::NoUsEast1Events));
    // No Organizations events, no warning.
    let ec2 = json!({"eventSource": "ec2.amazonaws.com", "eventName": "RunInstances", "awsRegion": "eu-west-1",
                     "eventID": "x", "eventTime": "2024-01-01T00:00:00Z"});
    let report = run(&[ec2]);
    assert_eq!(
        report,
        OrgReport {
            reference_time: report.reference_time,
            ..OrgReport::default()
        }
    );
}

#[test]
fn shared_event_ids_are_kept_apart_and_warned() {
    let a = call(
        "same",
        "CreateOrganizationalUnit",
        "2020-01-01T00:00:00Z",
        json!({"name": "A", "parentId": "r-x"}),
        json!(null),
    );
    let b = call(
        "same",
        "AttachPolicy",
        "2020-01-02T00:00:00Z",
        json!({"policyId": "p-1", "targetId": "r-x"}),
        json!(null),
    );
    let report = run(&[a, b]);
    assert_eq!(report.changes.len(), 2);
    assert!(warning_kinds(&report).contains(&WarningKind::ConflictingEventIds));
    assert_eq!(
        report.event_links["same"],
        vec![LifecycleRef::Change(0), LifecycleRef::Change(1)]
    );
}

#[test]
fn records_without_event_id_dedupe_by_content() {
    let mut a = leave("x", "222222222222", "2022-03-01T10:00:00Z");
    a.as_object_mut().unwrap().remove("eventID");
    let report = run(&[a.clone(), a]);
    assert_eq!(report.org_event_count, 1);
    assert_eq!(report.membership.len(), 1);
    assert!(report.membership[0].event_ids.is_empty());
}

#[test]
fn identities_are_readable() {
    let cases = [
        (diego(), "diego"),
        (alice(), "Admin/alice"),
        (
            json!({"type": "AssumedRole", "principalId": "AROA1:bob",
                "sessionContext": {"sessionIssuer": {"userName": "Deployer"}}}),
            "Deployer/bob",
        ),
        (root("222222222222"), "root"),
        (
            json!({"type": "AWSService", "invokedBy": "sso.amazonaws.com"}),
            "sso.amazonaws.com",
        ),
        (
            json!({"accountId": MGMT, "invokedBy": "AWS Internal"}),
            "AWS Internal",
        ),
        (
            json!({"type": "AWSAccount", "accountId": "333333333333", "principalId": "AIDA:x"}),
            "account 333333333333",
        ),
        (
            json!({"type": "FederatedUser", "arn": "arn:aws:sts::1:federated-user/carol"}),
            "federated-user/carol",
        ),
        (
            json!({"type": "IdentityCenterUser", "onBehalfOf": {"userId": "u-1"}}),
            "identity-center user u-1",
        ),
        (
            json!({"type": "IAMUser", "arn": "arn:aws:iam::1:user/team/dave"}),
            "dave",
        ),
        (
            json!({"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/Exec/s1",
                "invokedBy": "cloudformation.amazonaws.com"}),
            "Exec/s1 via cloudformation.amazonaws.com",
        ),
        (json!({}), "unknown"),
        (json!(null), "unknown"),
        (json!(42), "unknown"),
    ];
    for (identity, expected) in cases {
        assert_eq!(describe_identity(&identity), expected, "{identity}");
    }
}

#[test]
fn malformed_records_never_panic() {
    let org = "organizations.amazonaws.com";
    let records = vec![
        json!(null),
        json!(42),
        json!([1, 2]),
        json!({"eventSource": org}),
        json!({"eventSource": org, "eventName": 7}),
        json!({"eventSource": org, "eventName": "CreateAccount", "requestParameters": null, "responseElements": "oops"}),
        json!({"eventSource": org, "eventName": "CreateAccountResult", "serviceEventDetails": {"createAccountStatus": []}}),
        json!({"eventSource": org, "eventName": "CreateAccountResult", "serviceEventDetails": {"createAccountStatus": {"id": 5, "state": null}}}),
        json!({"eventSource": org, "eventName": "InviteAccountToOrganization", "responseElements": {"handshake": {"id": "h-x", "parties": "nope", "resources": {"a": 1}}}}),
        json!({"eventSource": org, "eventName": "AcceptHandshake", "requestParameters": {"handshakeId": ["h"]}, "userIdentity": 3}),
        json!({"eventSource": org, "eventName": "MoveAccount", "eventTime": true, "requestParameters": {"accountId": {}}}),
        json!({"eventSource": org, "eventName": "AccountDepartedOrganization", "serviceEventDetails": "Left"}),
        json!({"eventSource": org, "eventName": "AccountJoinedOrganization", "resources": [{"ARN": 1}, null]}),
        json!({"eventSource": org, "eventName": "CloseAccountResult", "serviceEventDetails": {"closeAccountStatus": 1}}),
        json!({"eventSource": org, "eventName": "UpdateOrganizationalUnit", "eventTime": "Feb 30, 2021 99:00:00 PM"}),
        json!({"eventSource": org, "eventName": "TagResource", "requestParameters": {"tags": [null, {"key": 1}]}}),
        json!({"eventSource": org, "eventName": "LeaveOrganization", "errorCode": "", "eventTime": -5}),
        // crate::time overflows on such years; the module refuses them first.
        json!({"eventSource": org, "eventName": "LeaveOrganization", "eventTime": "Sep 16, 99999999999 9:20:50 PM"}),
        json!({"eventSource": org, "eventName": "CreateAccountResult", "eventTime": "Sep 16, -9223372036854775808 9:20:50 PM",
               "serviceEventDetails": {"createAccountStatus": {"id": "car-y", "state": "SUCCEEDED",
               "requestedTimestamp": "Sep 16, 9223372036854775807 9:20:50 PM", "completedTimestamp": "Jan 1, 99999999 1:00:00 AM"}}}),
    ];
    let report = run(&records);
    assert!(warning_kinds(&report).contains(&WarningKind::MissingEventTime));
    let _ = org_tree_at(&report, 0);
    let _ = org_tree_at(&report, i64::MAX);
    let _ = org_tree_at(&report, i64::MIN);
}

#[test]
fn report_round_trips_through_serde() {
    let mut records = structure_history();
    records.push(invite(
        "i1",
        "h-1",
        "222222222222",
        "2021-01-10T09:00:00Z",
        "Jan 25, 2021 9:00:00 AM",
    ));
    let report = run(&records);
    let text = serde_json::to_string(&report).unwrap();
    let back: OrgReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    let tree = org_tree_at(&report, t("2020-02-08T12:00:00Z"));
    let back: OrgTree = serde_json::from_str(&serde_json::to_string(&tree).unwrap()).unwrap();
    assert_eq!(back, tree);
}

// --- properties

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("h-1".to_string()),
            Just("car-1".to_string()),
            Just("222222222222".to_string()),
            Just("ou-ab-cd".to_string()),
            Just("r-ab".to_string()),
            Just("Sep 16, 2020 9:20:50 PM".to_string()),
            Just("SUCCEEDED".to_string()),
            ".{0,8}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("accountId".to_string()),
                    Just("handshakeId".to_string()),
                    Just("handshake".to_string()),
                    Just("createAccountStatus".to_string()),
                    Just("closeAccountStatus".to_string()),
                    Just("parties".to_string()),
                    Just("state".to_string()),
                    Just("departedMethod".to_string()),
                    Just("destinationParentId".to_string()),
                    Just("sourceParentId".to_string()),
                    Just("organizationalUnit".to_string()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..5,
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_record() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "CreateAccount",
        "CreateAccountResult",
        "InviteAccountToOrganization",
        "AcceptHandshake",
        "DeclineHandshake",
        "CancelHandshake",
        "LeaveOrganization",
        "RemoveAccountFromOrganization",
        "CloseAccount",
        "CloseAccountResult",
        "AccountJoinedOrganization",
        "AccountDepartedOrganization",
        "MoveAccount",
        "CreateOrganizationalUnit",
        "UpdateOrganizationalUnit",
        "DeleteOrganizationalUnit",
        "AttachPolicy",
        "EnableAllFeatures",
        "CreateOrganization",
        "Whatever",
    ]);
    (names, arb_json(), arb_json(), arb_json(), arb_json(), any::<bool>(), 0u8..4)
        .prop_map(|(name, req, resp, service, identity, error, id)| {
            let mut r = json!({"eventSource": "organizations.amazonaws.com", "eventName": name,
                "eventTime": format!("2021-01-0{}T00:00:00Z", id + 1), "eventID": format!("id-{id}"),
                "requestParameters": req, "responseElements": resp, "serviceEventDetails": service,
                "userIdentity": identity, "recipientAccountId": "222222222222"});
            if error {
                r["errorCode"] = json!("AccessDenied");
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_records_never_panic(records in prop::collection::vec(arb_record(), 0..12), at in any::<i64>()) {
        let report = run(&records);
        let _ = org_tree_at(&report, at);
        for (id, refs) in &report.event_links {
            prop_assert!(!refs.is_empty(), "{id}");
        }
    }

    #[test]
    fn order_and_duplication_never_matter(
        order in Just((0..structure_history().len()).collect::<Vec<usize>>()).prop_shuffle(),
        dups in prop::collection::vec(0usize..18, 0..6),
    ) {
        let history = structure_history();
        let ctx = ctx_of(&history);
        let expected = reconstruct(&history, &ctx);
        let mut shuffled: Vec<Value> = order.iter().map(|&i| history[i].clone()).collect();
        shuffled.extend(dups.iter().map(|&i| history[i % history.len()].clone()));
        let got = reconstruct(&shuffled, &ctx);
        prop_assert_eq!(&got, &expected);
        let at = t("2020-01-10T00:00:00Z");
        prop_assert_eq!(org_tree_at(&got, at), org_tree_at(&expected, at));
    }
}
