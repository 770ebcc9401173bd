//! Readable principals from a CloudTrail `userIdentity`. Entry point: [`describe_identity`].

use serde_json::Value;

use super::record::{get, text_at};

/// A short readable name for the principal of a `userIdentity` object: the IAM user name,
/// `role/session` for assumed roles, `root`, the service for AWS services. Never empty:
/// `unknown` when nothing identifies the caller.
///
/// ```
/// let who = serde_json::json!({
///     "type": "AssumedRole",
///     "arn": "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com"
/// });
/// assert_eq!(trailglass::orgs::describe_identity(&who), "Admin/alice@example.com");
/// ```
pub fn describe_identity(user_identity: &Value) -> String {
    let ty = text_at(user_identity, "type");
    let invoked_by = text_at(user_identity, "invokedBy");
    let account = text_at(user_identity, "accountId");
    let principal = match ty.as_deref() {
        Some("Root") => Some("root".to_string()),
        Some("IAMUser") => text_at(user_identity, "userName").or_else(|| arn_tail(user_identity)),
        Some("AssumedRole") => assumed_role(user_identity),
        Some("FederatedUser") => arn_resource(user_identity)
            .or_else(|| issuer_session(user_identity).map(|s| format!("federated-user/{s}"))),
        Some("AWSService") => invoked_by
            .clone()
            .or_else(|| Some("AWS service".to_string())),
        Some("AWSAccount") => account
            .clone()
            .or_else(|| text_at(user_identity, "principalId"))
            .map(|a| format!("account {a}")),
        Some("IdentityCenterUser") => text_at(get(user_identity, "onBehalfOf"), "userId")
            .map(|u| format!("identity-center user {u}")),
        _ => None,
    };
    let principal = principal
        .or_else(|| text_at(user_identity, "userName"))
        .or_else(|| arn_tail(user_identity))
        .or_else(|| invoked_by.clone())
        .or_else(|| text_at(user_identity, "principalId"))
        .or_else(|| account.as_ref().map(|a| format!("account {a}")));
    let Some(principal) = principal else {
        return "unknown".to_string();
    };
    // A principal acting through a service (CloudFormation, Control Tower…) says so.
    match invoked_by {
        Some(via) if via != principal && via.ends_with(".amazonaws.com") => {
            format!("{principal} via {via}")
        }
        _ => principal,
    }
}

/// `ROLE/SESSION` of an assumed role, from its ARN or its session issuer.
fn assumed_role(user_identity: &Value) -> Option<String> {
    if let Some(resource) = arn_resource(user_identity) {
        if let Some(rest) = resource.strip_prefix("assumed-role/") {
            return Some(rest.to_string());
        }
    }
    issuer_session(user_identity)
}

/// `ISSUER/SESSION` from `sessionContext.sessionIssuer.userName` and the principal id
/// (`AROA…:session`).
fn issuer_session(user_identity: &Value) -> Option<String> {
    let issuer = text_at(
        get(get(user_identity, "sessionContext"), "sessionIssuer"),
        "userName",
    );
    let session = text_at(user_identity, "principalId")
        .and_then(|p| p.split_once(':').map(|(_, s)| s.to_string()));
    match (issuer, session) {
        (Some(i), Some(s)) => Some(format!("{i}/{s}")),
        (Some(i), None) => Some(i),
        (None, Some(s)) => Some(s),
        (None, None) => None,
    }
}

/// The resource part of the ARN: `user/path/name`, `assumed-role/role/session`.
fn arn_resource(user_identity: &Value) -> Option<String> {
    let arn = text_at(user_identity, "arn")?;
    let resource = arn.splitn(6, ':').nth(5)?;
    (!resource.is_empty()).then(|| resource.to_string())
}

/// The last path segment of the ARN's resource (`user/path/NAME` → `NAME`).
fn arn_tail(user_identity: &Value) -> Option<String> {
    let resource = arn_resource(user_identity)?;
    if resource == "root" {
        return Some("root".to_string());
    }
    let tail = resource.rsplit('/').next()?;
    (!tail.is_empty()).then(|| tail.to_string())
}
