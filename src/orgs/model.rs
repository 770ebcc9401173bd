//! Report types: what [`super::reconstruct`] returns and [`super::org_tree_at`] builds.
//!
//! Everything here crosses the worker boundary with bincode, so the types stay plain: no
//! `serde(flatten)`, no `skip_serializing_if`, no untagged enums, no `serde_json::Value`,
//! times as epoch milliseconds, indexes as `u32`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::time::EpochMillis;

/// What the caller knows about the whole load, not only the Organizations events.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct OrgContext {
    /// The latest `eventTime` of all loaded events: "now" for open/expired handshakes.
    pub latest_event_time: Option<EpochMillis>,
    /// `recipientAccountId` and `userIdentity.accountId` of all loaded events.
    pub accounts_seen: BTreeSet<String>,
    /// `awsRegion` of all loaded events.
    pub regions_seen: BTreeSet<String>,
}

impl OrgContext {
    /// The context of exactly these records (the app builds it from its store instead).
    pub fn from_records<'a>(
        records: impl IntoIterator<Item = &'a serde_json::Value>,
    ) -> OrgContext {
        let mut ctx = OrgContext::default();
        for r in records {
            if let Some(time) = crate::time::parse_json_timestamp(&r["eventTime"]) {
                ctx.latest_event_time = ctx.latest_event_time.max(Some(time));
            }
            for account in [&r["recipientAccountId"], &r["userIdentity"]["accountId"]] {
                if let Some(a) = account.as_str() {
                    ctx.accounts_seen.insert(a.to_owned());
                }
            }
            if let Some(region) = r["awsRegion"].as_str() {
                ctx.regions_seen.insert(region.to_owned());
            }
        }
        ctx
    }
}

/// Every lifecycle reconstructed from the Organizations events of one load.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct OrgReport {
    /// One row per `car-` request, plus one per failed CreateAccount call; by time, then id.
    pub creations: Vec<AccountCreation>,
    /// One row per `h-` handshake, plus one per failed call without one; by time, then id.
    pub handshakes: Vec<Handshake>,
    /// Accounts joining, leaving, being removed or closed; by time, then id.
    pub membership: Vec<MembershipChange>,
    /// Structure and policy changes (and failed membership calls); by time, then id.
    pub changes: Vec<OrgChange>,
    /// The facts [`super::org_tree_at`] replays; by time, in processing order within a time.
    pub tree_events: Vec<TreeEvent>,
    pub warnings: Vec<Warning>,
    /// eventID → the rows built from that event, so the timeline can link back.
    pub event_links: BTreeMap<String, Vec<LifecycleRef>>,
    /// `o-` ids seen (more than one means several organizations' trails are loaded).
    pub organization_ids: Vec<String>,
    /// Management accounts, as shown by management-only calls and organization records.
    pub management_account_ids: Vec<String>,
    /// Distinct Organizations records considered, after removing duplicates.
    pub org_event_count: u32,
    /// The time handshake expirations were compared with (the context's latest event time,
    /// else the latest Organizations event).
    pub reference_time: Option<EpochMillis>,
}

/// A row of one section of the report; the index is into that section's `Vec`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LifecycleRef {
    Creation(u32),
    Handshake(u32),
    Membership(u32),
    Change(u32),
}

// --- account creations

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CreationState {
    /// The request is loaded and no result is.
    InProgress,
    Succeeded,
    Failed,
    /// The CreateAccount call itself was rejected (errorCode, no `car-` id).
    FailedCall,
    /// Neither the request nor the result says (e.g. a result with no state).
    Unknown,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AccountCreation {
    /// The `car-` id; `None` for a failed call or a record that lost it.
    pub request_id: Option<String>,
    /// CreateGovCloudAccount rather than CreateAccount.
    pub govcloud: bool,
    pub account_name: Option<String>,
    pub email: Option<String>,
    /// Readable principal of the CreateAccount call.
    pub requester: Option<String>,
    /// The account the request was made from (the management account).
    pub requester_account_id: Option<String>,
    pub requested_time: Option<EpochMillis>,
    pub completed_time: Option<EpochMillis>,
    /// completed − requested, when both are known and in order.
    pub duration_ms: Option<i64>,
    pub state: CreationState,
    /// The state as logged by the result (`SUCCEEDED`, `FAILED`, …).
    pub result_state: Option<String>,
    pub request_seen: bool,
    pub result_seen: bool,
    pub account_id: Option<String>,
    pub govcloud_account_id: Option<String>,
    pub failure_reason: Option<String>,
    /// `failure_reason` in plain words (`None` for codes this version does not know).
    pub failure_explanation: Option<String>,
    /// The error of a failed call.
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub remarks: Vec<String>,
    pub event_ids: Vec<String>,
}

// --- handshakes

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandshakeState {
    Open,
    Accepted,
    Declined,
    Canceled,
    Expired,
    /// The loaded events do not say (no response and no expiration time).
    Unknown,
    /// A failed call that never produced a handshake id.
    FailedCall,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// `ORGANIZATION`, `ACCOUNT` or `EMAIL`.
    pub party_type: String,
    pub id: String,
}

/// A rejected InviteAccountToOrganization / AcceptHandshake / DeclineHandshake /
/// CancelHandshake call.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FailedAttempt {
    pub event_name: String,
    pub event_id: Option<String>,
    pub time: Option<EpochMillis>,
    pub actor: String,
    /// The account that made the call.
    pub account_id: Option<String>,
    pub error_code: String,
    pub error_message: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Handshake {
    /// The `h-` id; `None` for a failed call that never produced one.
    pub handshake_id: Option<String>,
    /// Upper case: `INVITE`, `ENABLE_ALL_FEATURES`, `APPROVE_ALL_FEATURES`,
    /// `ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE`, `TRANSFER_RESPONSIBILITY`, or as logged.
    pub action: Option<String>,
    pub organization_id: Option<String>,
    pub parties: Vec<Party>,
    /// The invited account id or email address.
    pub target: Option<String>,
    /// `ACCOUNT` or `EMAIL`.
    pub target_type: Option<String>,
    /// The invitation's notes.
    pub invitation_notes: Option<String>,
    pub requester: Option<String>,
    pub requester_account_id: Option<String>,
    pub requested_time: Option<EpochMillis>,
    pub expiration_time: Option<EpochMillis>,
    pub request_seen: bool,
    /// State as of the end of the loaded data.
    pub state: HandshakeState,
    /// Who accepted, declined or canceled, and when.
    pub resolved_by: Option<String>,
    pub resolved_account_id: Option<String>,
    pub resolved_time: Option<EpochMillis>,
    /// Whether any event of the invited account is loaded: `Some(false)` means an
    /// acceptance or decline would not be visible; `None` when the account is not known.
    pub invited_account_loaded: Option<bool>,
    pub failed_attempts: Vec<FailedAttempt>,
    pub remarks: Vec<String>,
    pub event_ids: Vec<String>,
}

// --- membership

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MembershipKind {
    Created,
    InvitedJoined,
    Left,
    /// A LeaveOrganization call that failed: a strong signal.
    LeftDenied,
    Removed,
    Closed,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeOutcome {
    Done,
    /// Requested, and the completion is not loaded (a closure without CloseAccountResult).
    Pending,
    Failed,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MembershipChange {
    pub kind: MembershipKind,
    pub account_id: Option<String>,
    pub account_name: Option<String>,
    pub time: Option<EpochMillis>,
    pub actor: Option<String>,
    pub outcome: ChangeOutcome,
    /// `joinedMethod` / `departedMethod` as logged by the membership service events.
    pub method: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// The handshake (invited joins) or `car-` request (creations) behind the change.
    pub lifecycle_id: Option<String>,
    pub details: String,
    pub event_ids: Vec<String>,
}

// --- structure and policy changes

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    CreateOrganization,
    DeleteOrganization,
    EnableAllFeatures,
    CreateOrganizationalUnit,
    UpdateOrganizationalUnit,
    DeleteOrganizationalUnit,
    MoveAccount,
    CreatePolicy,
    UpdatePolicy,
    DeletePolicy,
    AttachPolicy,
    DetachPolicy,
    EnablePolicyType,
    DisablePolicyType,
    RegisterDelegatedAdministrator,
    DeregisterDelegatedAdministrator,
    EnableAwsServiceAccess,
    DisableAwsServiceAccess,
    PutResourcePolicy,
    DeleteResourcePolicy,
    TagResource,
    UntagResource,
    /// A failed RemoveAccountFromOrganization (successful ones are membership changes).
    RemoveAccountFailed,
    /// A failed CloseAccount (successful ones are membership changes).
    CloseAccountFailed,
    /// Any other write call; `event_name` says which.
    Other,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TargetKind {
    Organization,
    Root,
    OrganizationalUnit,
    Account,
    Policy,
    Service,
    Other,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ChangeTarget {
    /// What the target is to the change: `ou`, `parent`, `source`, `destination`, `policy`,
    /// `target`, `account`, `root`, `service`, `organization`, `resource`.
    pub role: String,
    pub kind: TargetKind,
    pub id: String,
    /// The name as of the change, when an event in the load names it.
    pub name: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct OrgChange {
    pub kind: ChangeKind,
    pub event_name: String,
    pub time: Option<EpochMillis>,
    pub actor: String,
    pub account_id: Option<String>,
    pub targets: Vec<ChangeTarget>,
    pub details: String,
    pub succeeded: bool,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub event_ids: Vec<String>,
}

// --- organization tree

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum TreeOp {
    OrganizationCreated {
        organization_id: Option<String>,
        management_account_id: Option<String>,
    },
    OrganizationDeleted,
    OuCreated {
        ou_id: String,
        name: Option<String>,
        parent_id: Option<String>,
    },
    OuRenamed {
        ou_id: String,
        name: String,
    },
    OuDeleted {
        ou_id: String,
    },
    AccountMoved {
        account_id: String,
        source_parent_id: Option<String>,
        destination_parent_id: Option<String>,
    },
    /// Created or invited: it starts under the root.
    AccountJoined {
        account_id: String,
        name: Option<String>,
    },
    AccountDeparted {
        account_id: String,
    },
    /// Closed but still a (suspended) member until it is cleaned up.
    AccountClosed {
        account_id: String,
    },
    /// An event names this root, OU or account: it existed then.
    Referenced {
        id: String,
    },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TreeEvent {
    pub time: Option<EpochMillis>,
    pub op: TreeOp,
    pub event_ids: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Root,
    OrganizationalUnit,
    Account,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TreeNode {
    pub id: String,
    pub kind: NodeKind,
    pub name: Option<String>,
    /// Existence or parent inferred (e.g. an OU seen only as a MoveAccount destination)
    /// rather than observed being created, joined or moved.
    pub inferred: bool,
    /// A closed (suspended) account still in the organization.
    pub closed: bool,
    /// OUs first, then accounts, each by id.
    pub children: Vec<TreeNode>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct OrgTree {
    pub at: EpochMillis,
    pub organization_id: Option<String>,
    pub roots: Vec<TreeNode>,
    pub notes: Vec<String>,
}

// --- warnings

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// Organizations events are loaded but no us-east-1 event (Organizations logs only there).
    NoUsEast1Events,
    /// Handshakes whose invited account has no event in the load.
    InvitedAccountNotLoaded,
    /// CreateAccountResult without its CreateAccount request.
    ResultWithoutRequest,
    /// CreateAccount requests with no result long after.
    CreationWithoutResult,
    /// Handshake responses whose invitation is not loaded.
    ResponseWithoutInvitation,
    /// Denied LeaveOrganization calls.
    LeaveDenied,
    /// Accounts that left or were removed.
    AccountsDeparted,
    /// Rejected write calls to Organizations (often AccessDenied probing).
    FailedWriteCalls,
    /// Policy types disabled or policies detached.
    GuardrailsWeakened,
    /// One eventID shared by different events (sanitised or hand-made data).
    ConflictingEventIds,
    /// Records without a readable eventTime.
    MissingEventTime,
    /// More than one organization or management account in the load.
    SeveralOrganizations,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
    pub event_ids: Vec<String>,
}
