//! Structure and policy changes: OUs, MoveAccount, policies, policy types, delegated
//! administrators, trusted access, the organization itself. Entry point: [`build`], which
//! also yields the [`TreeEvent`]s these changes contribute to the organization tree.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::{ChangeKind, ChangeTarget, OrgChange, TargetKind, TreeEvent, TreeOp};
use super::record::{get, is_account_id, owned, text_at, Rec};
use crate::time::EpochMillis;

/// Calls whose lifecycle lives elsewhere (creations, handshakes, membership).
fn handled_elsewhere(rec: &Rec) -> bool {
    match &*rec.name {
        "CreateAccount"
        | "CreateGovCloudAccount"
        | "CreateAccountResult"
        | "InviteAccountToOrganization"
        | "InviteOrganizationToTransferResponsibility"
        | "AcceptHandshake"
        | "DeclineHandshake"
        | "CancelHandshake"
        | "LeaveOrganization"
        | "AccountJoinedOrganization"
        | "AccountDepartedOrganization"
        | "CloseAccountResult" => true,
        // Successful ones are membership changes; failed ones are listed here.
        "RemoveAccountFromOrganization" | "CloseAccount" => !rec.failed(),
        _ => false,
    }
}

fn kind_of(event_name: &str) -> ChangeKind {
    match event_name {
        "CreateOrganization" => ChangeKind::CreateOrganization,
        "DeleteOrganization" => ChangeKind::DeleteOrganization,
        "EnableAllFeatures" => ChangeKind::EnableAllFeatures,
        "CreateOrganizationalUnit" => ChangeKind::CreateOrganizationalUnit,
        "UpdateOrganizationalUnit" => ChangeKind::UpdateOrganizationalUnit,
        "DeleteOrganizationalUnit" => ChangeKind::DeleteOrganizationalUnit,
        "MoveAccount" => ChangeKind::MoveAccount,
        "CreatePolicy" => ChangeKind::CreatePolicy,
        "UpdatePolicy" => ChangeKind::UpdatePolicy,
        "DeletePolicy" => ChangeKind::DeletePolicy,
        "AttachPolicy" => ChangeKind::AttachPolicy,
        "DetachPolicy" => ChangeKind::DetachPolicy,
        "EnablePolicyType" => ChangeKind::EnablePolicyType,
        "DisablePolicyType" => ChangeKind::DisablePolicyType,
        "RegisterDelegatedAdministrator" => ChangeKind::RegisterDelegatedAdministrator,
        "DeregisterDelegatedAdministrator" => ChangeKind::DeregisterDelegatedAdministrator,
        "EnableAWSServiceAccess" => ChangeKind::EnableAwsServiceAccess,
        "DisableAWSServiceAccess" => ChangeKind::DisableAwsServiceAccess,
        "PutResourcePolicy" => ChangeKind::PutResourcePolicy,
        "DeleteResourcePolicy" => ChangeKind::DeleteResourcePolicy,
        "TagResource" => ChangeKind::TagResource,
        "UntagResource" => ChangeKind::UntagResource,
        "RemoveAccountFromOrganization" => ChangeKind::RemoveAccountFailed,
        "CloseAccount" => ChangeKind::CloseAccountFailed,
        _ => ChangeKind::Other,
    }
}

/// What an id looks like it names.
pub(crate) fn kind_of_id(id: &str) -> TargetKind {
    if id.starts_with("ou-") {
        TargetKind::OrganizationalUnit
    } else if id.starts_with("r-") {
        TargetKind::Root
    } else if id.starts_with("p-") || id.starts_with("aws-guardrails-") {
        TargetKind::Policy
    } else if id.starts_with("o-") {
        TargetKind::Organization
    } else if is_account_id(id) {
        TargetKind::Account
    } else if id.ends_with(".amazonaws.com") {
        TargetKind::Service
    } else {
        TargetKind::Other
    }
}

/// Names of OUs and policies over time, from every successful create/update in the load.
#[derive(Default)]
pub(crate) struct NameBook {
    names: BTreeMap<String, Vec<(Option<EpochMillis>, String)>>,
}

impl NameBook {
    pub fn collect(recs: &[Rec]) -> Self {
        let mut book = NameBook::default();
        for rec in recs.iter().filter(|r| !r.failed()) {
            let (id, name) = match &*rec.name {
                "CreateOrganizationalUnit" | "UpdateOrganizationalUnit" => {
                    let ou = get(rec.resp, "organizationalUnit");
                    (
                        text_at(ou, "id").or_else(|| text_at(rec.req, "organizationalUnitId")),
                        text_at(ou, "name").or_else(|| text_at(rec.req, "name")),
                    )
                }
                "CreatePolicy" | "UpdatePolicy" => {
                    let summary = get(get(rec.resp, "policy"), "policySummary");
                    (
                        text_at(summary, "id").or_else(|| text_at(rec.req, "policyId")),
                        text_at(summary, "name").or_else(|| text_at(rec.req, "name")),
                    )
                }
                _ => continue,
            };
            if let (Some(id), Some(name)) = (id, name) {
                book.names.entry(id).or_default().push((rec.time, name));
            }
        }
        book
    }

    /// The name as of `time`: the last one given at or before it, else the first one known.
    pub fn at(&self, id: &str, time: Option<EpochMillis>) -> Option<String> {
        let list = self.names.get(id)?;
        list.iter()
            .rev()
            .find(|(t, _)| t.is_some() && *t <= time)
            .or_else(|| list.first())
            .map(|(_, n)| n.clone())
    }

    /// The name just before `time` (what a rename at `time` replaced).
    fn before(&self, id: &str, time: Option<EpochMillis>) -> Option<String> {
        let list = self.names.get(id)?;
        list.iter()
            .rev()
            .find(|(t, _)| t.is_some() && *t < time)
            .map(|(_, n)| n.clone())
    }
}

struct Draft<'r, 'a> {
    rec: &'r Rec<'a>,
    names: &'r NameBook,
    targets: Vec<ChangeTarget>,
}

impl Draft<'_, '_> {
    fn target(&mut self, role: &str, id: Option<String>) -> Option<String> {
        let id = id?;
        let name = self.names.at(&id, self.rec.time);
        let shown = match &name {
            Some(n) => format!("{n} ({id})"),
            None => id.clone(),
        };
        self.targets.push(ChangeTarget {
            role: role.to_string(),
            kind: kind_of_id(&id),
            id,
            name,
        });
        Some(shown)
    }

    fn req(&self, key: &str) -> Option<String> {
        text_at(self.rec.req, key)
    }
}

fn or_unknown(s: Option<String>) -> String {
    s.unwrap_or_else(|| "(not in the event)".to_string())
}

/// Builds the change rows (sorted by time, then event id) and the tree facts they carry.
pub(crate) fn build(recs: &[Rec], names: &NameBook) -> (Vec<OrgChange>, Vec<TreeEvent>) {
    let mut changes = Vec::new();
    let mut tree = Vec::new();
    for rec in recs {
        if rec.read_only() || handled_elsewhere(rec) {
            continue;
        }
        let kind = kind_of(&rec.name);
        let mut draft = Draft {
            rec,
            names,
            targets: Vec::new(),
        };
        let (done, tried, what) = describe(kind, &mut draft, &mut tree);
        let details = if rec.failed() {
            format!(
                "Tried to {tried}{what}; rejected with {}.",
                rec.error_code.as_deref().unwrap_or("an error")
            )
        } else {
            format!("{done}{what}.")
        };
        changes.push(OrgChange {
            kind,
            event_name: rec.name.to_string(),
            time: rec.time,
            actor: rec.actor(),
            account_id: rec.account(),
            targets: draft.targets,
            details,
            succeeded: !rec.failed(),
            error_code: owned(&rec.error_code),
            error_message: owned(&rec.error_message),
            event_ids: rec.ids(),
        });
    }
    // Records come sorted by time then event id already; keep that order.
    (changes, tree)
}

/// `(past tense, infinitive, the rest)` of the sentence describing the change, and the tree
/// facts of a successful change.
fn describe(
    kind: ChangeKind,
    d: &mut Draft,
    tree: &mut Vec<TreeEvent>,
) -> (&'static str, &'static str, String) {
    let rec = d.rec;
    let ok = !rec.failed();
    let mut fact = |op: TreeOp| {
        if ok {
            tree.push(TreeEvent {
                time: rec.time,
                op,
                event_ids: rec.ids(),
            });
        }
    };
    match kind {
        ChangeKind::CreateOrganization => {
            let org = get(rec.resp, "organization");
            let org_id = text_at(org, "id");
            let management = text_at(org, "masterAccountId")
                .or_else(|| text_at(org, "managementAccountId"))
                .or_else(|| rec.account());
            let features = d.req("featureSet").or_else(|| text_at(org, "featureSet"));
            d.target("organization", org_id.clone());
            let shown_mgmt = d.target("account", management.clone());
            fact(TreeOp::OrganizationCreated {
                organization_id: org_id.clone(),
                management_account_id: management,
            });
            (
                "Created",
                "create",
                format!(
                    " organization {} with feature set {}, management account {}",
                    or_unknown(org_id),
                    features.unwrap_or_else(|| "ALL (default)".to_string()),
                    or_unknown(shown_mgmt)
                ),
            )
        }
        ChangeKind::DeleteOrganization => {
            fact(TreeOp::OrganizationDeleted);
            ("Deleted", "delete", " the organization".to_string())
        }
        ChangeKind::EnableAllFeatures => {
            let handshake = text_at(get(rec.resp, "handshake"), "id");
            let shown = d.target("handshake", handshake);
            (
                "Started",
                "start",
                format!(
                    " enabling all features{}; every member account must approve",
                    shown
                        .map(|h| format!(" (handshake {h})"))
                        .unwrap_or_default()
                ),
            )
        }
        ChangeKind::CreateOrganizationalUnit => {
            let ou = get(rec.resp, "organizationalUnit");
            let id = text_at(ou, "id");
            let name = d.req("name").or_else(|| text_at(ou, "name"));
            let parent = d.req("parentId");
            d.target("ou", id.clone());
            let shown_parent = d.target("parent", parent.clone());
            if let Some(ou_id) = id.clone() {
                fact(TreeOp::OuCreated {
                    ou_id,
                    name: name.clone(),
                    parent_id: parent.clone(),
                });
            } else if let Some(parent) = parent {
                fact(TreeOp::Referenced { id: parent });
            }
            (
                "Created",
                "create",
                format!(
                    " OU {}{} under {}",
                    or_unknown(name),
                    id.map(|i| format!(" ({i})")).unwrap_or_default(),
                    or_unknown(shown_parent)
                ),
            )
        }
        ChangeKind::UpdateOrganizationalUnit => {
            let id = d
                .req("organizationalUnitId")
                .or_else(|| text_at(get(rec.resp, "organizationalUnit"), "id"));
            let new = d
                .req("name")
                .or_else(|| text_at(get(rec.resp, "organizationalUnit"), "name"));
            let old = id.as_deref().and_then(|i| d.names.before(i, rec.time));
            d.target("ou", id.clone());
            if let (Some(ou_id), Some(name)) = (id.clone(), new.clone()) {
                fact(TreeOp::OuRenamed { ou_id, name });
            }
            (
                "Renamed",
                "rename",
                format!(
                    " OU {}{} to {}",
                    or_unknown(id),
                    old.map(|o| format!(" from {o}")).unwrap_or_default(),
                    or_unknown(new)
                ),
            )
        }
        ChangeKind::DeleteOrganizationalUnit => {
            let id = d.req("organizationalUnitId");
            let shown = d.target("ou", id.clone());
            if let Some(ou_id) = id {
                fact(TreeOp::OuDeleted { ou_id });
            }
            ("Deleted", "delete", format!(" OU {}", or_unknown(shown)))
        }
        ChangeKind::MoveAccount => {
            let account = d.req("accountId");
            let source = d.req("sourceParentId");
            let destination = d.req("destinationParentId");
            d.target("account", account.clone());
            let shown_source = d.target("source", source.clone());
            let shown_destination = d.target("destination", destination.clone());
            if let Some(account_id) = account.clone() {
                fact(TreeOp::AccountMoved {
                    account_id,
                    source_parent_id: source,
                    destination_parent_id: destination,
                });
            }
            (
                "Moved",
                "move",
                format!(
                    " account {} from {} to {}",
                    or_unknown(account),
                    or_unknown(shown_source),
                    or_unknown(shown_destination)
                ),
            )
        }
        ChangeKind::CreatePolicy | ChangeKind::UpdatePolicy | ChangeKind::DeletePolicy => {
            let summary = get(get(rec.resp, "policy"), "policySummary");
            let id = d.req("policyId").or_else(|| text_at(summary, "id"));
            let policy_type = d.req("type").or_else(|| text_at(summary, "type"));
            let shown = d.target("policy", id.clone()).or_else(|| d.req("name"));
            let shown = or_unknown(shown);
            // `SERVICE_CONTROL_POLICY` reads "service control policy".
            let kind_words = policy_type
                .map(|t| t.to_ascii_lowercase().replace('_', " "))
                .filter(|w| w.ends_with("policy"))
                .unwrap_or_else(|| "policy".to_string());
            match kind {
                ChangeKind::CreatePolicy => ("Created", "create", format!(" {kind_words} {shown}")),
                ChangeKind::UpdatePolicy => {
                    let parts: Vec<&str> = ["name", "description", "content"]
                        .into_iter()
                        .filter(|k| !get(rec.req, k).is_null())
                        .collect();
                    let what = if parts.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", parts.join(", "))
                    };
                    ("Updated", "update", format!(" policy {shown}{what}"))
                }
                _ => ("Deleted", "delete", format!(" policy {shown}")),
            }
        }
        ChangeKind::AttachPolicy | ChangeKind::DetachPolicy => {
            let policy = d.target("policy", d.req("policyId"));
            let target_id = d.req("targetId");
            let target = d.target("target", target_id.clone());
            if let Some(id) = target_id {
                fact(TreeOp::Referenced { id });
            }
            let (done, tried, word) = if kind == ChangeKind::AttachPolicy {
                ("Attached", "attach", "to")
            } else {
                ("Detached", "detach", "from")
            };
            (
                done,
                tried,
                format!(
                    " policy {} {word} {}",
                    or_unknown(policy),
                    or_unknown(target)
                ),
            )
        }
        ChangeKind::EnablePolicyType | ChangeKind::DisablePolicyType => {
            let root = d.req("rootId");
            let shown = d.target("root", root.clone());
            if let Some(id) = root {
                fact(TreeOp::Referenced { id });
            }
            let policy_type = or_unknown(d.req("policyType"));
            let (done, tried) = if kind == ChangeKind::EnablePolicyType {
                ("Enabled", "enable")
            } else {
                ("Disabled", "disable")
            };
            (
                done,
                tried,
                format!(" policy type {policy_type} on root {}", or_unknown(shown)),
            )
        }
        ChangeKind::RegisterDelegatedAdministrator
        | ChangeKind::DeregisterDelegatedAdministrator => {
            let account = d.req("accountId");
            let shown = d.target("account", account.clone());
            let service = d.req("servicePrincipal");
            d.target("service", service.clone());
            if let Some(id) = account {
                fact(TreeOp::Referenced { id });
            }
            let (done, tried, word) = if kind == ChangeKind::RegisterDelegatedAdministrator {
                ("Registered", "register", "as")
            } else {
                ("Deregistered", "deregister", "as")
            };
            (
                done,
                tried,
                format!(
                    " account {} {word} delegated administrator for {}",
                    or_unknown(shown),
                    or_unknown(service)
                ),
            )
        }
        ChangeKind::EnableAwsServiceAccess | ChangeKind::DisableAwsServiceAccess => {
            let service = d.req("servicePrincipal");
            d.target("service", service.clone());
            let (done, tried) = if kind == ChangeKind::EnableAwsServiceAccess {
                ("Enabled", "enable")
            } else {
                ("Disabled", "disable")
            };
            (
                done,
                tried,
                format!(" trusted access for {}", or_unknown(service)),
            )
        }
        ChangeKind::PutResourcePolicy => (
            "Set",
            "set",
            " the organization's resource policy".to_string(),
        ),
        ChangeKind::DeleteResourcePolicy => (
            "Deleted",
            "delete",
            " the organization's resource policy".to_string(),
        ),
        ChangeKind::TagResource | ChangeKind::UntagResource => {
            let resource = d.req("resourceId");
            let shown = d.target("resource", resource.clone());
            if let Some(id) = resource.filter(|r| kind_of_id(r) != TargetKind::Other) {
                fact(TreeOp::Referenced { id });
            }
            if kind == ChangeKind::TagResource {
                (
                    "Tagged",
                    "tag",
                    format!(" {} with {}", or_unknown(shown), tags(get(rec.req, "tags"))),
                )
            } else {
                (
                    "Untagged",
                    "untag",
                    format!(
                        " {} (keys {})",
                        or_unknown(shown),
                        tag_keys(get(rec.req, "tagKeys"))
                    ),
                )
            }
        }
        ChangeKind::RemoveAccountFailed => {
            let shown = d.target("account", d.req("accountId"));
            (
                "Removed",
                "remove",
                format!(" account {} from the organization", or_unknown(shown)),
            )
        }
        ChangeKind::CloseAccountFailed => {
            let shown = d.target("account", d.req("accountId").or_else(|| rec.account()));
            ("Closed", "close", format!(" account {}", or_unknown(shown)))
        }
        ChangeKind::Other => {
            for key in [
                "accountId",
                "organizationalUnitId",
                "policyId",
                "targetId",
                "parentId",
                "resourceId",
                "servicePrincipal",
            ] {
                let role = key.trim_end_matches("Id");
                d.target(role, d.req(key));
            }
            let ids: Vec<String> = d.targets.iter().map(|t| t.id.clone()).collect();
            let what = if ids.is_empty() {
                String::new()
            } else {
                format!(" on {}", ids.join(", "))
            };
            ("Called", "call", format!(" {}{what}", rec.name))
        }
    }
}

fn tags(v: &Value) -> String {
    let Value::Array(items) = v else {
        return "no tags".to_string();
    };
    let pairs: Vec<String> = items
        .iter()
        .filter_map(|t| {
            let key = text_at(t, "key").or_else(|| text_at(t, "Key"))?;
            let value = text_at(t, "value")
                .or_else(|| text_at(t, "Value"))
                .unwrap_or_default();
            Some(format!("{key}={value}"))
        })
        .collect();
    if pairs.is_empty() {
        "no tags".to_string()
    } else {
        pairs.join(", ")
    }
}

fn tag_keys(v: &Value) -> String {
    match v {
        Value::Array(items) => {
            let keys: Vec<String> = items.iter().filter_map(super::record::text).collect();
            keys.join(", ")
        }
        _ => "none listed".to_string(),
    }
}
