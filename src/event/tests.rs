use serde_json::json;

use super::*;

fn explain(user_identity: serde_json::Value) -> String {
    Identity::from_value(&user_identity).explain()
}

// Shapes from tests/fixtures/real and AWS's CloudTrail userIdentity documentation.

#[test]
fn root_user() {
    assert_eq!(
        explain(json!({"type": "Root", "principalId": "222222222222",
            "arn": "arn:aws:iam::222222222222:root", "accountId": "222222222222",
            "accessKeyId": "ASIAEXAMPLEROOTKEY12"})),
        "The root user of account 222222222222."
    );
    // No accountId: the ARN's account.
    assert_eq!(
        explain(json!({"type": "Root", "arn": "arn:aws:iam::619193117841:root"})),
        "The root user of account 619193117841."
    );
}

#[test]
fn iam_user() {
    assert_eq!(
        explain(
            json!({"type": "IAMUser", "principalId": "AIDATFQR7NSC5AU2ZV3IE",
            "arn": "arn:aws:iam::123837392027:user/bert-jan", "accountId": "123837392027",
            "accessKeyId": "ASIATFQR7NSCVDQK5XKV", "userName": "bert-jan",
            "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                "attributes": {"creationDate": "2023-07-10T12:27:45Z", "mfaAuthenticated": "true"}}})
        ),
        "IAM user bert-jan in account 123837392027."
    );
    // No userName: the ARN's last segment (paths dropped).
    assert_eq!(
        explain(
            json!({"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/ops/carol",
            "accountId": "111122223333"})
        ),
        "IAM user carol in account 111122223333."
    );
}

#[test]
fn service_acting_for_a_user_or_root() {
    assert_eq!(
        explain(json!({"type": "IAMUser", "principalId": "AIDATFQR7NSC5AU2ZV3IE",
            "arn": "arn:aws:iam::123837392027:user/bert-jan", "accountId": "123837392027",
            "userName": "bert-jan", "invokedBy": "secretsmanager.amazonaws.com"})),
        "Called by AWS service secretsmanager.amazonaws.com on behalf of IAM user bert-jan in account 123837392027."
    );
    assert_eq!(
        explain(json!({"type": "Root", "principalId": "619193117841",
            "arn": "arn:aws:iam::619193117841:root", "accountId": "619193117841",
            "invokedBy": "autoscaling.amazonaws.com"})),
        "Called by AWS service autoscaling.amazonaws.com on behalf of the root user of account 619193117841."
    );
    // No type, only an account (seen in Organizations records).
    assert_eq!(
        explain(json!({"accountId": "111111111111", "invokedBy": "AWS Internal"})),
        "Called by AWS internally for account 111111111111."
    );
}

#[test]
fn assumed_role() {
    assert_eq!(
        explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLEID:deploy-1700000000",
            "arn": "arn:aws:sts::111122223333:assumed-role/Deployer/deploy-1700000000",
            "accountId": "111122223333", "accessKeyId": "ASIAEXAMPLE",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEID",
                "arn": "arn:aws:iam::111122223333:role/ci/Deployer", "accountId": "111122223333",
                "userName": "Deployer"}, "webIdFederationData": {},
                "attributes": {"creationDate": "2023-11-14T22:13:20Z", "mfaAuthenticated": "false"}}})),
        "Assumed role Deployer (session deploy-1700000000) in account 111122223333, role arn:aws:iam::111122223333:role/ci/Deployer."
    );
    // tests/fixtures/real: an instance profile, called through AWS internally.
    assert_eq!(
        explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:i-0123456789abcdef0",
            "arn": "arn:aws:sts::123456789012:assumed-role/web/i-0123456789abcdef0",
            "accountId": "123456789012",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                "arn": "arn:aws:iam::123456789012:role/web", "accountId": "123456789012",
                "userName": "web"}, "ec2RoleDelivery": "2.0"},
            "invokedBy": "AWS Internal"})),
        "Called by AWS internally on behalf of EC2 instance i-0123456789abcdef0 using role web in account 123456789012, role arn:aws:iam::123456789012:role/web."
    );
    // No ARN: the issuer's name and the principal id's session.
    assert_eq!(
        explain(
            json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:nightly",
            "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "Backup"}}})
        ),
        "Assumed role Backup (session nightly)."
    );
}

#[test]
fn identity_center_permission_sets() {
    assert_eq!(
        explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLEROLEID1234:alice@example.com",
            "arn": "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com",
            "accountId": "111111111111", "accessKeyId": "ASIAEXAMPLEKEY123456",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEROLEID1234",
                "arn": "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef",
                "accountId": "111111111111", "userName": "AWSReservedSSO_AdministratorAccess_0123456789abcdef"},
                "webIdFederationData": {}, "attributes": {"creationDate": "2020-01-01T00:00:00Z", "mfaAuthenticated": "true"}}})),
        "IAM Identity Center user alice@example.com via permission set AdministratorAccess in account 111111111111 (role AWSReservedSSO_AdministratorAccess_0123456789abcdef)."
    );
    // tests/fixtures/real (anonymised): the reserved path alone marks it.
    assert_eq!(
        explain(json!({"type": "AssumedRole", "principalId": "ARxxxxyyyyzzzzP3XWQIX:john.foo@example.com",
            "arn": "arn:aws:sts::111111111111:assumed-role/AWSAdministratorAccess/john.foo@example.com",
            "accountId": "111111111111",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "ARxxxxyyyyzzzzP26DQHT",
                "arn": "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSAdministratorAccess",
                "accountId": "111111111111", "userName": "AWSAdministratorAccess"}}})),
        "IAM Identity Center user john.foo@example.com via permission set AWSAdministratorAccess in account 111111111111 (role AWSAdministratorAccess)."
    );
}

#[test]
fn service_linked_and_web_identity_roles() {
    assert_eq!(
        explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:AutoScaling",
            "arn": "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                "arn": "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                "accountId": "111122223333", "userName": "AWSServiceRoleForAutoScaling"}},
            "invokedBy": "autoscaling.amazonaws.com"})),
        "Called by AWS service autoscaling.amazonaws.com on behalf of service-linked role AWSServiceRoleForAutoScaling used by AWS service autoscaling.amazonaws.com (session AutoScaling) in account 111122223333."
    );
    assert_eq!(
        explain(json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:GitHubActions",
            "arn": "arn:aws:sts::111122223333:assumed-role/gha-deploy/GitHubActions",
            "accountId": "111122223333",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
                "arn": "arn:aws:iam::111122223333:role/gha-deploy", "accountId": "111122223333",
                "userName": "gha-deploy"},
                "webIdFederationData": {"federatedProvider": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                    "attributes": {}}}})),
        "Role gha-deploy assumed with a web identity from arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com (session GitHubActions) in account 111122223333, role arn:aws:iam::111122223333:role/gha-deploy."
    );
}

#[test]
fn federated_saml_and_web_identity_users() {
    assert_eq!(
        explain(json!({"type": "FederatedUser", "principalId": "123456789012:Bob",
            "arn": "arn:aws:sts::123456789012:federated-user/Bob", "accountId": "123456789012",
            "accessKeyId": "ASIAEXAMPLE",
            "sessionContext": {"sessionIssuer": {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
                "arn": "arn:aws:iam::123456789012:user/Alice", "accountId": "123456789012",
                "userName": "Alice"}}})),
        "Federated user Bob in account 123456789012 (GetFederationToken) with temporary credentials from IAM user Alice."
    );
    assert_eq!(
        explain(
            json!({"type": "SAMLUser", "principalId": "SampleUkh1i4+ExamplexL/jEvs=:SamlExample",
            "userName": "SamlExample", "identityProvider": "bdGOnTesti4+ExamplexL/jEvs="})
        ),
        "SAML-federated user SamlExample (identity provider bdGOnTesti4+ExamplexL/jEvs=)."
    );
    assert_eq!(
        explain(json!({"type": "WebIdentityUser",
            "principalId": "accounts.google.com:app-id.apps.googleusercontent.com:user-id",
            "userName": "user-id", "identityProvider": "accounts.google.com"})),
        "Web identity user user-id signed in with accounts.google.com."
    );
}

#[test]
fn services_accounts_and_identity_center() {
    assert_eq!(
        explain(json!({"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"})),
        "AWS service cloudtrail.amazonaws.com."
    );
    assert_eq!(
        explain(
            json!({"type": "AWSAccount", "principalId": "AIDAEXAMPLE", "accountId": "444455556666"})
        ),
        "A principal in another AWS account, 444455556666 (principal AIDAEXAMPLE)."
    );
    assert_eq!(
        explain(json!({"type": "AWSAccount", "accountId": "444455556666", "invokedBy": "s3.amazonaws.com"})),
        "Called by AWS service s3.amazonaws.com on behalf of a principal in another AWS account, 444455556666."
    );
    assert_eq!(
        explain(
            json!({"type": "IdentityCenterUser", "accountId": "111122223333",
            "onBehalfOf": {"userId": "906a0554-0061-7022-4b1e-EXAMPLE11111",
                "identityStoreArn": "arn:aws:identitystore::111122223333:identitystore/d-1234567890"},
            "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE"})
        ),
        "IAM Identity Center user 906a0554-0061-7022-4b1e-EXAMPLE11111 in account 111122223333."
    );
}

#[test]
fn unknown_and_missing_identities() {
    assert_eq!(
        explain(
            json!({"type": "Unknown", "principalId": "111122223333", "accountId": "111122223333",
            "userName": "alice"})
        ),
        "An identity CloudTrail records as Unknown (alice) in account 111122223333."
    );
    assert_eq!(explain(json!({})), "An unidentified caller.");
    assert_eq!(explain(json!(null)), "An unidentified caller.");
    assert_eq!(
        explain(json!({"type": "userIdentityType3", "userName": "userIdentityUserName3",
            "accountId": "userIdentityAccountId3"})),
        "A caller of type userIdentityType3 (userIdentityUserName3) in account userIdentityAccountId3."
    );
}
