//! The built-in starter rules: AWS Organizations changes worth an alert, as EventBridge
//! patterns a user can edit here and paste into AWS unchanged.
//!
//! Organizations is a global service whose CloudTrail records (and EventBridge events)
//! appear in us-east-1 only; the patterns do not filter on region so they also match logs
//! gathered elsewhere.

/// One editable starter rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterRule {
    pub name: String,
    pub description: String,
    /// A valid EventBridge event pattern (JSON text, pretty-printed).
    pub pattern_json: String,
}

fn rule(name: &str, description: &str, pattern_json: &str) -> StarterRule {
    StarterRule {
        name: name.to_owned(),
        description: description.to_owned(),
        pattern_json: pattern_json.trim().to_owned(),
    }
}

/// The starter set, in the order the UI lists it.
pub fn starter_rules() -> Vec<StarterRule> {
    vec![
        rule(
            "Account created",
            "A new member account was requested (CreateAccount, the API call) or finished being \
             created (CreateAccountResult, the service event Organizations sends when the \
             asynchronous creation completes).",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail", "AWS Service Event via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["CreateAccount", "CreateAccountResult"]
  }
}"#,
        ),
        rule(
            "Account left or was removed from the organization",
            "A member account left (LeaveOrganization, including attempts that were denied — \
             those carry an errorCode), was removed by the management account \
             (RemoveAccountFromOrganization), or was reported as departed \
             (AccountDepartedOrganization).",
            r#"
{
  "source": ["aws.organizations"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["LeaveOrganization", "RemoveAccountFromOrganization", "AccountDepartedOrganization"]
  }
}"#,
        ),
        rule(
            "Invitation sent or accepted",
            "An account was invited to join the organization (InviteAccountToOrganization) or \
             accepted a handshake (AcceptHandshake).",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["InviteAccountToOrganization", "AcceptHandshake"]
  }
}"#,
        ),
        rule(
            "Policy detached or policy type disabled",
            "A policy (for example an SCP) was detached from a root, OU or account, or a policy \
             type was disabled for a root — both can remove guardrails.",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["DetachPolicy", "DisablePolicyType"]
  }
}"#,
        ),
        rule(
            "Organizational unit deleted",
            "An organizational unit was deleted (DeleteOrganizationalUnit).",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["DeleteOrganizationalUnit"]
  }
}"#,
        ),
        rule(
            "All features enabled",
            "The organization was asked to enable all features (EnableAllFeatures), which starts \
             a handshake with every member account.",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["EnableAllFeatures"]
  }
}"#,
        ),
        rule(
            "Delegated administrator changed",
            "A member account was registered or deregistered as delegated administrator for a \
             service (RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator).",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": ["RegisterDelegatedAdministrator", "DeregisterDelegatedAdministrator"]
  }
}"#,
        ),
        rule(
            "AWS Organizations changes (CIS)",
            "The event list of the CIS AWS Foundations Benchmark control \"Ensure AWS Organizations \
             changes are monitored\" (4.15 in v1.5 and v3.0).",
            r#"
{
  "source": ["aws.organizations"],
  "detail-type": ["AWS API Call via CloudTrail"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "eventName": [
      "AcceptHandshake",
      "AttachPolicy",
      "CreateAccount",
      "CreateOrganizationalUnit",
      "CreatePolicy",
      "DeclineHandshake",
      "DeleteOrganization",
      "DeleteOrganizationalUnit",
      "DeletePolicy",
      "DetachPolicy",
      "DisablePolicyType",
      "EnablePolicyType",
      "InviteAccountToOrganization",
      "LeaveOrganization",
      "MoveAccount",
      "RemoveAccountFromOrganization",
      "UpdatePolicy",
      "UpdateOrganizationalUnit"
    ]
  }
}"#,
        ),
        rule(
            "Root user activity",
            "Anything done with an account's root user credentials, in any service — the CIS \
             \"root account usage\" filter: calls AWS services make on the root's behalf \
             (invokedBy set) and service events are left out.",
            r#"
{
  "detail": {
    "userIdentity": {
      "type": ["Root"],
      "invokedBy": [{ "exists": false }]
    },
    "eventType": [{ "anything-but": "AwsServiceEvent" }]
  }
}"#,
        ),
        rule(
            "Failed Organizations calls",
            "Any Organizations API call that failed (it carries an errorCode): denied attempts \
             to leave, invite or change policies show up here first.",
            r#"
{
  "source": ["aws.organizations"],
  "detail": {
    "eventSource": ["organizations.amazonaws.com"],
    "errorCode": [{ "exists": true }]
  }
}"#,
        ),
    ]
}
