//! Deterministic, realistic organization-trail data: the built-in sample, and the
//! generator behind the benchmarks.
//!
//! Entry points: [`org_history`] (the sample the "Load sample data" button ingests) and
//! [`Generator`] (any number of events, with Organizations lifecycles embedded among
//! everyday API noise, for benchmarks).
//!
//! Everything is derived from a seed with a small PRNG: the same call gives the same bytes
//! on every machine, so tests can compare against it.

use serde_json::{json, Value};

use crate::time::format_iso;

pub const MANAGEMENT: &str = "111111111111";
pub const ORG: &str = "o-a1b2c3d4e5";
const ROOT_ID: &str = "r-a1b2";

/// The sample's file name and text: a small organization's first weeks.
pub fn org_history() -> (&'static str, String) {
    let mut g = Generator::new(7);
    let mut records = g.org_story(1_700_000_000_000);
    for _ in 0..400 {
        records.push(g.noise());
    }
    let text = json!({ "Records": records }).to_string();
    ("sample/org-history.json", text)
}

/// xorshift64*: tiny, fast and good enough for shuffling test data.
pub struct Generator {
    state: u64,
    /// Milliseconds since the epoch of the next noise event.
    clock: i64,
    serial: u64,
}

const SERVICES: &[(&str, &[&str])] = &[
    (
        "ec2.amazonaws.com",
        &[
            "DescribeInstances",
            "RunInstances",
            "DescribeSecurityGroups",
            "TerminateInstances",
        ],
    ),
    (
        "s3.amazonaws.com",
        &[
            "GetBucketAcl",
            "ListBuckets",
            "PutBucketPolicy",
            "GetBucketLocation",
        ],
    ),
    (
        "iam.amazonaws.com",
        &[
            "ListRoles",
            "GetRole",
            "CreateRole",
            "AttachRolePolicy",
            "CreateAccessKey",
        ],
    ),
    ("sts.amazonaws.com", &["AssumeRole", "GetCallerIdentity"]),
    ("signin.amazonaws.com", &["ConsoleLogin"]),
    (
        "cloudtrail.amazonaws.com",
        &["LookupEvents", "DescribeTrails"],
    ),
    ("kms.amazonaws.com", &["Decrypt", "GenerateDataKey"]),
    (
        "organizations.amazonaws.com",
        &[
            "DescribeOrganization",
            "ListAccounts",
            "ListPoliciesForTarget",
        ],
    ),
];
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "ap-northeast-1",
];
const MEMBERS: &[&str] = &[
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
];
const PEOPLE: &[&str] = &["alice", "bob", "carol", "deploy-bot"];

impl Generator {
    pub fn new(seed: u64) -> Self {
        Generator {
            state: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            clock: 1_700_000_000_000,
            serial: 0,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    fn id(&mut self) -> String {
        self.serial += 1;
        let a = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            self.serial & 0xfff,
            (a >> 4) & 0xfff,
            self.next() & 0xffff_ffff_ffff
        )
    }

    fn role(&mut self, account: &str, person: &str) -> Value {
        json!({
            "type": "AssumedRole",
            "principalId": format!("AROAEXAMPLE{}:{person}", account.get(..4).unwrap_or("0000")),
            "arn": format!("arn:aws:sts::{account}:assumed-role/OrgAdmin/{person}"),
            "accountId": account,
            "accessKeyId": "ASIAEXAMPLEKEY",
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE", "arn": format!("arn:aws:iam::{account}:role/OrgAdmin"), "accountId": account, "userName": "OrgAdmin"},
                "attributes": {"creationDate": "2023-11-14T22:00:00Z", "mfaAuthenticated": "true"}
            }
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        at: i64,
        account: &str,
        identity: Value,
        source: &str,
        name: &str,
        region: &str,
        request: Value,
        response: Value,
    ) -> Value {
        json!({
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": format_iso(at - at % 1000),
            "eventSource": source,
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1",
            "requestParameters": request,
            "responseElements": response,
            "requestID": self.id(),
            "eventID": self.id(),
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": account,
            "eventCategory": "Management"
        })
    }

    fn service_event(&mut self, at: i64, account: &str, name: &str, details: Value) -> Value {
        json!({
            "eventVersion": "1.09",
            "userIdentity": {"accountId": account, "invokedBy": "organizations.amazonaws.com"},
            "eventTime": format_iso(at - at % 1000),
            "eventSource": "organizations.amazonaws.com",
            "eventName": name,
            "awsRegion": "us-east-1",
            "sourceIPAddress": "organizations.amazonaws.com",
            "userAgent": "organizations.amazonaws.com",
            "requestParameters": null,
            "responseElements": null,
            "eventID": self.id(),
            "readOnly": false,
            "eventType": "AwsServiceEvent",
            "managementEvent": true,
            "recipientAccountId": account,
            "serviceEventDetails": details,
            "eventCategory": "Management"
        })
    }

    /// Organizations' own timestamp dialect: `Nov 14, 2023, 10:13:20 PM`.
    fn org_time(at: i64) -> String {
        let iso = format_iso(at - at % 1000);
        let (date, clock) = iso
            .trim_end_matches('Z')
            .split_once('T')
            .unwrap_or(("1970-01-01", "00:00:00"));
        let mut d = date.split('-').map(|p| p.parse::<u32>().unwrap_or(1));
        let (y, m, day) = (
            d.next().unwrap_or(1970),
            d.next().unwrap_or(1),
            d.next().unwrap_or(1),
        );
        let mut c = clock.split(':').map(|p| p.parse::<u32>().unwrap_or(0));
        let (h, min, s) = (
            c.next().unwrap_or(0),
            c.next().unwrap_or(0),
            c.next().unwrap_or(0),
        );
        const M: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (h12, ampm) = match h {
            0 => (12, "AM"),
            1..=11 => (h, "AM"),
            12 => (12, "PM"),
            _ => (h - 12, "PM"),
        };
        format!(
            "{} {day}, {y}, {h12}:{min:02}:{s:02}\u{202F}{ampm}",
            M[(m - 1) as usize % 12]
        )
    }

    /// One organization's lifecycle stories starting at `t0`: account creations that
    /// succeed, fail and stay in progress, invitations in every end state, a denied and
    /// a real departure, a removal, OUs, policies.
    pub fn org_story(&mut self, t0: i64) -> Vec<Value> {
        const MIN: i64 = 60_000;
        const DAY: i64 = 86_400_000;
        let mut out = Vec::new();
        let admin = self.role(MANAGEMENT, "alice");
        let org = |s: &mut Self, at: i64, name: &str, req: Value, resp: Value| {
            s.call(
                at,
                MANAGEMENT,
                admin.clone(),
                "organizations.amazonaws.com",
                name,
                "us-east-1",
                req,
                resp,
            )
        };

        out.push(org(self, t0, "CreateOrganizationalUnit", json!({"parentId": ROOT_ID, "name": "Workloads"}),
            json!({"organizationalUnit": {"id": "ou-a1b2-workload", "arn": format!("arn:aws:organizations::{MANAGEMENT}:ou/{ORG}/ou-a1b2-workload"), "name": "Workloads"}})));

        // Account creations: (name, car id, outcome, new account id or failure reason)
        let creations = [
            (
                "prod",
                "car-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                Some(("SUCCEEDED", "222222222222")),
            ),
            (
                "staging",
                "car-1b2c3d4e5f60718293a4b5c6d7e8f90a",
                Some(("SUCCEEDED", "333333333333")),
            ),
            (
                "sandbox",
                "car-2c3d4e5f60718293a4b5c6d7e8f90a1b",
                Some(("FAILED", "EMAIL_ALREADY_EXISTS")),
            ),
            ("analytics", "car-3d4e5f60718293a4b5c6d7e8f90a1b2c", None),
        ];
        for (i, (name, car, outcome)) in creations.iter().enumerate() {
            let at = t0 + (i as i64 + 1) * 3 * MIN;
            out.push(org(self, at, "CreateAccount",
                json!({"accountName": name, "email": format!("aws+{name}@example.com"), "roleName": "OrganizationAccountAccessRole", "tags": []}),
                json!({"createAccountStatus": {"id": car, "accountName": name, "state": "IN_PROGRESS", "requestedTimestamp": Self::org_time(at)}})));
            if let Some((state, value)) = outcome {
                let done = at + 95_000;
                let mut status = json!({"id": car, "state": state, "accountName": name, "requestedTimestamp": Self::org_time(at), "completedTimestamp": Self::org_time(done)});
                let key = if *state == "SUCCEEDED" {
                    "accountId"
                } else {
                    "failureReason"
                };
                status[key] = json!(value);
                out.push(self.service_event(
                    done,
                    MANAGEMENT,
                    "CreateAccountResult",
                    json!({"createAccountStatus": status}),
                ));
            }
        }
        // A CreateAccount call refused outright.
        let mut refused = org(
            self,
            t0 + 20 * MIN,
            "CreateAccount",
            json!({"accountName": "shadow-it", "email": "shadow@example.com"}),
            Value::Null,
        );
        refused["errorCode"] = json!("AccessDeniedException");
        refused["errorMessage"] = json!("You don't have permissions to access this resource.");
        out.push(refused);

        // Invitations: (target account, handshake id, how it ends)
        let invites = [
            ("444444444444", "h-a1b2c3d4e5f6a7b8c9d0", "accept"),
            ("555555555555", "h-b2c3d4e5f6a7b8c9d0e1", "decline"),
            ("666666666666", "h-c3d4e5f6a7b8c9d0e1f2", "cancel"),
            ("777777777777", "h-d4e5f6a7b8c9d0e1f2a3", "expire"),
            ("888888888888", "h-e5f6a7b8c9d0e1f2a3b4", "open"),
        ];
        for (i, (target, h, end)) in invites.iter().enumerate() {
            let at = t0 + DAY + i as i64 * 10 * MIN;
            // Expired invitations were sent long ago (handshakes last 15 days).
            let at = if *end == "expire" { t0 - 20 * DAY } else { at };
            let handshake = |state: &str| {
                json!({
                    "id": h, "state": state, "action": "invite",
                    "arn": format!("arn:aws:organizations::{MANAGEMENT}:handshake/{ORG}/invite/{h}"),
                    "parties": [{"type": "ORGANIZATION", "id": ORG}, {"type": "ACCOUNT", "id": target}],
                    "requestedTimestamp": Self::org_time(at), "expirationTimestamp": Self::org_time(at + 15 * DAY),
                    "resources": [{"type": "ORGANIZATION", "value": ORG}, {"type": "ACCOUNT", "value": target}]
                })
            };
            out.push(org(self, at, "InviteAccountToOrganization",
                json!({"target": {"type": "ACCOUNT", "id": target}, "notes": format!("Join us, {target}")}),
                json!({"handshake": handshake("OPEN")})));
            let later = at + 2 * 3_600_000;
            match *end {
                "accept" | "decline" => {
                    let who = self.role(target, "owner");
                    let name = if *end == "accept" {
                        "AcceptHandshake"
                    } else {
                        "DeclineHandshake"
                    };
                    let state = if *end == "accept" {
                        "ACCEPTED"
                    } else {
                        "DECLINED"
                    };
                    out.push(self.call(
                        later,
                        target,
                        who,
                        "organizations.amazonaws.com",
                        name,
                        "us-east-1",
                        json!({"handshakeId": h}),
                        json!({"handshake": handshake(state)}),
                    ));
                }
                "cancel" => out.push(org(
                    self,
                    later,
                    "CancelHandshake",
                    json!({"handshakeId": h}),
                    json!({"handshake": handshake("CANCELED")}),
                )),
                _ => {}
            }
        }

        // Move the new production account into the OU, attach an SCP.
        out.push(org(self, t0 + 2 * DAY, "MoveAccount",
            json!({"accountId": "222222222222", "sourceParentId": ROOT_ID, "destinationParentId": "ou-a1b2-workload"}), Value::Null));
        out.push(org(self, t0 + 2 * DAY + MIN, "CreatePolicy",
            json!({"name": "DenyLeaveOrg", "type": "SERVICE_CONTROL_POLICY", "content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"organizations:LeaveOrganization\",\"Resource\":\"*\"}]}"}),
            json!({"policy": {"policySummary": {"id": "p-a1b2c3d4", "name": "DenyLeaveOrg", "type": "SERVICE_CONTROL_POLICY"}}})));
        out.push(org(
            self,
            t0 + 2 * DAY + 2 * MIN,
            "AttachPolicy",
            json!({"policyId": "p-a1b2c3d4", "targetId": "ou-a1b2-workload"}),
            Value::Null,
        ));

        // The staging account tries to leave (denied by the SCP), then is removed.
        let owner = self.role("333333333333", "owner");
        let mut denied = self.call(
            t0 + 3 * DAY,
            "333333333333",
            owner,
            "organizations.amazonaws.com",
            "LeaveOrganization",
            "us-east-1",
            Value::Null,
            Value::Null,
        );
        denied["errorCode"] = json!("AccessDenied");
        denied["errorMessage"] = json!("You don't have permissions to access this resource.");
        out.push(denied);
        out.push(org(
            self,
            t0 + 3 * DAY + 30 * MIN,
            "RemoveAccountFromOrganization",
            json!({"accountId": "333333333333"}),
            Value::Null,
        ));
        out.push(self.service_event(t0 + 3 * DAY + 31 * MIN, MANAGEMENT, "AccountDepartedOrganization",
            json!({"accountDepartedOrganization": {"accountId": "333333333333", "departureMethod": "REMOVED"}})));
        self.clock = self.clock.max(t0);
        out
    }

    /// `events` everyday events as `{"Records":[...]}` texts of at most `per_file`
    /// records: what the native benchmarks load.
    pub fn noise_files(mut self, events: usize, per_file: usize) -> impl Iterator<Item = String> {
        let per_file = per_file.max(1);
        (0..events.div_ceil(per_file)).map(move |chunk| {
            let records: Vec<Value> = (0..per_file.min(events - chunk * per_file))
                .map(|_| self.noise())
                .collect();
            serde_json::json!({ "Records": records }).to_string()
        })
    }

    /// One everyday API call in a member or management account.
    pub fn noise(&mut self) -> Value {
        self.clock += (self.next() % 40_000) as i64;
        let at = self.clock;
        let (source, names) = *self.pick(SERVICES);
        let name = *self.pick(names);
        let account = if self.next() % 3 == 0 {
            MANAGEMENT
        } else {
            *self.pick(MEMBERS)
        };
        let region = *self.pick(REGIONS);
        let person = *self.pick(PEOPLE);
        let identity = match self.next() % 10 {
            0 => {
                json!({"type": "Root", "principalId": account, "arn": format!("arn:aws:iam::{account}:root"), "accountId": account})
            }
            1 | 2 => {
                json!({"type": "IAMUser", "principalId": "AIDAEXAMPLE", "arn": format!("arn:aws:iam::{account}:user/{person}"), "accountId": account, "userName": person})
            }
            3 => json!({"type": "AWSService", "invokedBy": "cloudformation.amazonaws.com"}),
            _ => self.role(account, person),
        };
        let mut event = self.call(
            at,
            account,
            identity,
            source,
            name,
            region,
            json!({"maxResults": 50}),
            Value::Null,
        );
        event["readOnly"] = json!(
            name.starts_with("Describe") || name.starts_with("List") || name.starts_with("Get")
        );
        if self.next() % 25 == 0 {
            event["errorCode"] = json!("AccessDenied");
            event["errorMessage"] = json!(format!("User is not authorized to perform {name}"));
        }
        event
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_deterministic_and_parses() {
        let (name, a) = org_history();
        let (_, b) = org_history();
        assert_eq!(a, b);
        let ingested = crate::ingest::ingest_file(name, a.as_bytes(), &Default::default());
        assert!(
            ingested.report.issues.is_empty(),
            "{:?}",
            ingested.report.issues
        );
        assert!(ingested.records.len() > 400);
        assert!(ingested
            .records
            .iter()
            .any(|r| r.event_name.as_deref() == Some("CreateAccountResult")));
    }

    #[test]
    fn organizations_time_dialect_round_trips() {
        let t = 1_700_000_000_000;
        assert_eq!(
            crate::time::parse_timestamp(&Generator::org_time(t)),
            Some(t)
        );
        assert_eq!(
            crate::time::parse_timestamp(&Generator::org_time(t + 12 * 3_600_000)),
            Some(t + 12 * 3_600_000)
        );
    }
}
