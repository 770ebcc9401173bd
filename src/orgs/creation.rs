//! Account creations: CreateAccount / CreateGovCloudAccount requests joined with their
//! CreateAccountResult service events by `car-` id. Entry point: [`build`].

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{AccountCreation, CreationState};
use super::record::{get, get_any, owned, text_at, timestamp, Rec};

/// Plain words for every `CreateAccountFailureReason`; `None` for codes not known here.
pub fn explain_create_failure(code: &str) -> Option<&'static str> {
    Some(match code {
        "ACCOUNT_LIMIT_EXCEEDED" => {
            "The organization already has as many accounts as its quota allows."
        }
        "EMAIL_ALREADY_EXISTS" => "Another AWS account already uses this email address.",
        "INVALID_ADDRESS" => "The address given for the new account is not valid.",
        "INVALID_EMAIL" => "The email address given for the new account is not valid.",
        "CONCURRENT_ACCOUNT_MODIFICATION" => {
            "A request with the same details was already being processed."
        }
        "INTERNAL_FAILURE" => {
            "AWS failed internally; try again later, and contact AWS Support if it persists."
        }
        "GOVCLOUD_ACCOUNT_ALREADY_EXISTS" => {
            "An AWS GovCloud (US) account with this email address already exists."
        }
        "MISSING_BUSINESS_VALIDATION" => {
            "The management account has not completed business license validation."
        }
        "FAILED_BUSINESS_VALIDATION" => {
            "The management account failed business license validation."
        }
        "PENDING_BUSINESS_VALIDATION" => {
            "The management account's business license validation is still in progress."
        }
        "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION" | "IDENTITY_INVALID_BUSINESS_VALIDATION" => {
            "The management account lacks valid identity data for business license validation."
        }
        "UNKNOWN_BUSINESS_VALIDATION" => {
            "The management account has an unknown problem with business license validation."
        }
        "MISSING_PAYMENT_INSTRUMENT" => "The management account has no payment method.",
        "INVALID_PAYMENT_INSTRUMENT" => {
            "The management account's payment method is not supported or not valid."
        }
        "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED" => {
            "Tags were given for a resource policy that already exists; they cannot be added this way."
        }
        _ => return None,
    })
}

/// A request or result seen for one `car-` id, in processing order.
#[derive(Default)]
struct Acc {
    row: Option<AccountCreation>,
    result_states: Vec<String>,
}

fn empty_row(request_id: Option<String>) -> AccountCreation {
    AccountCreation {
        request_id,
        govcloud: false,
        account_name: None,
        email: None,
        requester: None,
        requester_account_id: None,
        requested_time: None,
        completed_time: None,
        duration_ms: None,
        state: CreationState::Unknown,
        result_state: None,
        request_seen: false,
        result_seen: false,
        account_id: None,
        govcloud_account_id: None,
        failure_reason: None,
        failure_explanation: None,
        error_code: None,
        error_message: None,
        remarks: Vec::new(),
        event_ids: Vec::new(),
    }
}

pub(crate) fn is_request(rec: &Rec) -> bool {
    rec.name == "CreateAccount" || rec.name == "CreateGovCloudAccount"
}

/// Builds one row per `car-` id (plus failed calls), sorted by time then id.
pub(crate) fn build(recs: &[Rec]) -> Vec<AccountCreation> {
    let mut by_id: BTreeMap<String, Acc> = BTreeMap::new();
    let mut loose: Vec<AccountCreation> = Vec::new();
    for rec in recs {
        if is_request(rec) {
            let status = get(rec.resp, "createAccountStatus");
            match text_at(status, "id") {
                Some(car) => {
                    let acc = by_id.entry(car.clone()).or_default();
                    let row = acc.row.get_or_insert_with(|| empty_row(Some(car)));
                    apply_request(row, rec, status);
                }
                None => {
                    let mut row = empty_row(None);
                    apply_request(&mut row, rec, status);
                    if !rec.failed() {
                        row.remarks.push(
                            "The response carries no car- request id, so no result can be joined to it."
                                .to_string(),
                        );
                    }
                    loose.push(row);
                }
            }
        } else if rec.name == "CreateAccountResult" {
            let status = get_any(rec.service, &["createAccountStatus", "CreateAccountStatus"]);
            let status = if status.is_null() {
                get(rec.resp, "createAccountStatus")
            } else {
                status
            };
            match text_at(status, "id") {
                Some(car) => {
                    let acc = by_id.entry(car.clone()).or_default();
                    let row = acc.row.get_or_insert_with(|| empty_row(Some(car)));
                    if let Some(state) = apply_result(row, rec, status) {
                        acc.result_states.push(state);
                    }
                }
                None => {
                    let mut row = empty_row(None);
                    apply_result(&mut row, rec, status);
                    row.remarks
                        .push("The result carries no car- request id.".to_string());
                    loose.push(row);
                }
            }
        }
    }
    let mut rows: Vec<AccountCreation> = Vec::new();
    for (_, acc) in by_id {
        let Some(mut row) = acc.row else { continue };
        let mut states = acc.result_states.clone();
        crate::sort::sort(&mut states);
        states.dedup();
        if states.len() > 1 {
            row.remarks.push(format!(
                "Conflicting results were logged for this request: {}.",
                states.join(", ")
            ));
        }
        rows.push(row);
    }
    rows.extend(loose);
    for row in &mut rows {
        finish(row);
    }
    crate::sort::sort_by(&mut rows, |a, b| sort_key(a).cmp(&sort_key(b)));
    rows
}

fn sort_key(row: &AccountCreation) -> (Option<i64>, Option<&String>, Option<&String>) {
    (
        row.requested_time.or(row.completed_time),
        row.request_id.as_ref(),
        row.event_ids.first(),
    )
}

fn apply_request(row: &mut AccountCreation, rec: &Rec, status: &Value) {
    row.request_seen = true;
    row.govcloud |= rec.name == "CreateGovCloudAccount";
    push_id(row, rec);
    // Of several copies of one request (two trails), the first in time order wins.
    if row.requester.is_none() {
        row.requester = Some(rec.actor());
        row.requester_account_id = rec.account();
    }
    // The request names the account as asked; it wins over a result's copy.
    row.account_name = text_at(rec.req, "accountName")
        .or_else(|| text_at(status, "accountName"))
        .or(row.account_name.take());
    row.email = row.email.take().or_else(|| text_at(rec.req, "email"));
    // The request's own timestamp is the authoritative request time.
    let requested = timestamp(get(status, "requestedTimestamp")).or(rec.time);
    if requested.is_some() {
        row.requested_time = requested;
    }
    if rec.failed() {
        row.error_code = owned(&rec.error_code);
        row.error_message = owned(&rec.error_message);
    }
    if let Some(state) = text_at(status, "state") {
        // Rarely the response already carries a final state.
        if !row.result_seen && state != "IN_PROGRESS" {
            row.result_state = Some(state);
            row.account_id = row
                .account_id
                .take()
                .or_else(|| text_at(status, "accountId"));
            row.failure_reason = row
                .failure_reason
                .take()
                .or_else(|| text_at(status, "failureReason"));
        }
    }
}

/// Applies a result; returns its state for conflict detection.
fn apply_result(row: &mut AccountCreation, rec: &Rec, status: &Value) -> Option<String> {
    let first = !row.result_seen;
    row.result_seen = true;
    push_id(row, rec);
    let state = text_at(status, "state");
    if first {
        row.result_state = state.clone();
        row.account_id = text_at(status, "accountId").or(row.account_id.take());
        row.govcloud_account_id = text_at(status, "govCloudAccountId");
        row.failure_reason = text_at(status, "failureReason");
        row.completed_time = timestamp(get(status, "completedTimestamp"));
        if row.completed_time.is_none() {
            row.completed_time = rec.time;
            if rec.time.is_some() {
                row.remarks.push(
                    "The result has no completedTimestamp; its event time is used instead."
                        .to_string(),
                );
            }
        }
    }
    row.govcloud |= text_at(status, "govCloudAccountId").is_some();
    row.account_name = row
        .account_name
        .take()
        .or_else(|| text_at(status, "accountName"));
    if !row.request_seen || row.requested_time.is_none() {
        row.requested_time = timestamp(get(status, "requestedTimestamp")).or(row.requested_time);
    }
    state
}

fn push_id(row: &mut AccountCreation, rec: &Rec) {
    if let Some(id) = &rec.event_id {
        row.event_ids.push(id.to_string());
    }
}

fn finish(row: &mut AccountCreation) {
    crate::sort::sort(&mut row.event_ids);
    row.event_ids.dedup();
    row.state = if row.error_code.is_some() && row.request_id.is_none() && !row.result_seen {
        CreationState::FailedCall
    } else {
        match row
            .result_state
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("SUCCEEDED") => CreationState::Succeeded,
            Some("FAILED") => CreationState::Failed,
            Some("IN_PROGRESS") => CreationState::InProgress,
            None if row.request_seen => CreationState::InProgress,
            _ => CreationState::Unknown,
        }
    };
    row.failure_explanation = row
        .failure_reason
        .as_deref()
        .and_then(explain_create_failure)
        .map(str::to_string);
    if let (Some(done), Some(asked)) = (row.completed_time, row.requested_time) {
        if done >= asked {
            row.duration_ms = done.checked_sub(asked);
        } else {
            row.remarks.push(
                "The completion time is before the request time; no duration is shown.".to_string(),
            );
        }
    }
    if row.result_seen && !row.request_seen {
        row.remarks
            .push("The CreateAccount request is not loaded; its requester is unknown.".to_string());
    }
    if row.state == CreationState::Unknown {
        row.remarks
            .push("The result does not say whether the account was created.".to_string());
    }
}
