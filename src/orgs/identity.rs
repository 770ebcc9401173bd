//! Readable principals from a CloudTrail `userIdentity`. Entry point: [`describe_identity`].

use serde_json::Value;

use crate::event::Identity;

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
    // One implementation for the whole app: the timeline's principal column uses it too.
    Identity::from_value(user_identity)
        .principal()
        .map_or_else(|| "unknown".to_owned(), |p| p.into_owned())
}
