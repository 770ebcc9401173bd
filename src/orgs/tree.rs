//! The organization tree (root → OUs → accounts) as of a time, replayed from the report's
//! [`TreeEvent`](super::TreeEvent)s. Entry point: [`org_tree_at`].
//!
//! The loaded events rarely cover the organization's whole life, so the tree is partly
//! inferred: an OU seen only as a MoveAccount destination exists without a known parent, an
//! account first seen moving out of an OU was in it before. Such nodes are marked
//! `inferred`; nodes observed being created, joined or moved are not.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{NodeKind, OrgReport, OrgTree, TreeNode, TreeOp};
use super::record::is_account_id;
use crate::time::{format_iso, EpochMillis};

/// Used when no loaded event names the root.
pub const UNKNOWN_ROOT: &str = "(root)";

/// Deeper OU chains (or cycles, in hand-made data) are cut and hung under the root.
/// AWS allows five OU levels, so this never cuts a real organization.
const MAX_DEPTH: usize = 16;

#[derive(Clone, PartialEq, Eq, Debug)]
enum Parent {
    Root,
    Id(String),
    Unknown,
}

struct Account {
    present: bool,
    parent: Parent,
    inferred: bool,
    closed: bool,
    name: Option<String>,
}

struct Ou {
    parent: Option<String>,
    name: Option<String>,
    inferred: bool,
}

/// `r-abcd` from an OU id `ou-abcd-12345678`: OU ids embed their root's suffix.
fn root_of_ou(ou: &str) -> Option<String> {
    let rest = ou.strip_prefix("ou-")?;
    let (root, tail) = rest.split_once('-')?;
    (!root.is_empty() && !tail.is_empty()).then(|| format!("r-{root}"))
}

/// Every id an op mentions.
fn ids_of(op: &TreeOp) -> Vec<&str> {
    match op {
        TreeOp::OrganizationCreated {
            management_account_id,
            ..
        } => management_account_id.iter().map(String::as_str).collect(),
        TreeOp::OrganizationDeleted => Vec::new(),
        TreeOp::OuCreated {
            ou_id, parent_id, ..
        } => std::iter::once(ou_id.as_str())
            .chain(parent_id.as_deref())
            .collect(),
        TreeOp::OuRenamed { ou_id, .. } | TreeOp::OuDeleted { ou_id } => vec![ou_id.as_str()],
        TreeOp::AccountMoved {
            account_id,
            source_parent_id,
            destination_parent_id,
        } => std::iter::once(account_id.as_str())
            .chain(source_parent_id.as_deref())
            .chain(destination_parent_id.as_deref())
            .collect(),
        TreeOp::AccountJoined { account_id, .. }
        | TreeOp::AccountDeparted { account_id }
        | TreeOp::AccountClosed { account_id } => vec![account_id.as_str()],
        TreeOp::Referenced { id } => vec![id.as_str()],
    }
}

/// The tree as of `at`, as far as the loaded events allow.
pub fn org_tree_at(report: &OrgReport, at: EpochMillis) -> OrgTree {
    let ops: Vec<(EpochMillis, &TreeOp)> = report
        .tree_events
        .iter()
        .filter_map(|e| Some((e.time?, &e.op)))
        .collect();
    let mut tree = OrgTree {
        at,
        organization_id: None,
        roots: Vec::new(),
        notes: Vec::new(),
    };
    let created: Vec<(EpochMillis, &Option<String>)> = ops
        .iter()
        .filter_map(|(t, op)| match op {
            TreeOp::OrganizationCreated {
                organization_id, ..
            } => Some((*t, organization_id)),
            _ => None,
        })
        .collect();
    tree.organization_id = created
        .iter()
        .rev()
        .find(|(t, _)| *t <= at)
        .and_then(|(_, id)| (*id).clone())
        .or_else(|| report.organization_ids.first().cloned());
    let created_observed = created.iter().any(|(t, _)| *t <= at);
    if !created.is_empty() && !created_observed {
        if let Some((t, _)) = created.first() {
            tree.notes.push(format!(
                "The organization was created later, at {}.",
                format_iso(*t)
            ));
        }
        return tree;
    }
    let last_created = created.iter().map(|(t, _)| *t).filter(|t| *t <= at).max();
    let deleted = ops
        .iter()
        .filter(|(t, op)| *t <= at && matches!(op, TreeOp::OrganizationDeleted))
        .map(|(t, _)| *t)
        .max();
    if let Some(deleted_at) = deleted {
        if last_created.is_none_or(|c| c < deleted_at) {
            tree.notes.push(format!(
                "The organization was deleted at {}.",
                format_iso(deleted_at)
            ));
            return tree;
        }
    }

    // --- roots
    let mut roots: BTreeSet<String> = BTreeSet::new();
    for (_, op) in &ops {
        for id in ids_of(op) {
            if id.starts_with("r-") {
                roots.insert(id.to_string());
            } else if let Some(root) = root_of_ou(id) {
                roots.insert(root);
            }
        }
    }
    let default_root = roots
        .iter()
        .next()
        .cloned()
        .unwrap_or_else(|| UNKNOWN_ROOT.to_string());
    if roots.len() > 1 {
        tree.notes.push(format!(
            "Several roots are named ({}); nodes with an unknown parent are shown under {default_root}.",
            roots.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let root_for = |id: &str| -> String {
        root_of_ou(id)
            .filter(|r| roots.contains(r))
            .unwrap_or_else(|| default_root.clone())
    };

    // --- OUs
    let mut ous: BTreeMap<String, Ou> = BTreeMap::new();
    let mut ou_ids: BTreeSet<&str> = BTreeSet::new();
    for (_, op) in &ops {
        ou_ids.extend(ids_of(op).into_iter().filter(|id| id.starts_with("ou-")));
    }
    let op_ids: Vec<Vec<&str>> = ops.iter().map(|(_, op)| ids_of(op)).collect();
    for ou in &ou_ids {
        let mut created_at = None;
        let mut parent = None;
        let mut name = None;
        let mut deleted_at = None;
        let mut first_ref = None;
        for ((t, op), ids) in ops.iter().zip(&op_ids) {
            if !ids.contains(ou) {
                continue;
            }
            first_ref = first_ref.or(Some(*t));
            match op {
                TreeOp::OuCreated {
                    ou_id,
                    name: n,
                    parent_id,
                } if ou_id == ou && created_at.is_none() => {
                    created_at = Some(*t);
                    parent = parent_id.clone();
                    if *t <= at {
                        name = n.clone();
                    }
                }
                TreeOp::OuRenamed { ou_id, name: n } if ou_id == ou && *t <= at => {
                    name = Some(n.clone());
                }
                TreeOp::OuDeleted { ou_id } if ou_id == ou && deleted_at.is_none() => {
                    deleted_at = Some(*t);
                }
                _ => {}
            }
        }
        if deleted_at.is_some_and(|d| d <= at) {
            continue;
        }
        let exists = match created_at {
            Some(c) => c <= at,
            None => first_ref.is_some_and(|r| r <= at),
        };
        if exists {
            ous.insert(
                ou.to_string(),
                Ou {
                    parent,
                    name,
                    inferred: created_at.is_none(),
                },
            );
        }
    }

    // --- accounts
    let mut account_ids: BTreeSet<&str> = BTreeSet::new();
    for (_, op) in &ops {
        match op {
            TreeOp::AccountMoved { account_id, .. }
            | TreeOp::AccountJoined { account_id, .. }
            | TreeOp::AccountDeparted { account_id }
            | TreeOp::AccountClosed { account_id } => {
                account_ids.insert(account_id);
            }
            TreeOp::OrganizationCreated {
                management_account_id: Some(id),
                ..
            } => {
                account_ids.insert(id);
            }
            TreeOp::Referenced { id } if is_account_id(id) => {
                account_ids.insert(id);
            }
            _ => {}
        }
    }
    let mut accounts: BTreeMap<String, Account> = BTreeMap::new();
    for account in account_ids {
        if let Some(state) = account_at(&ops, account, at) {
            accounts.insert(account.to_string(), state);
        }
    }

    // A parent that an account or OU is in exists, even if nothing else says so.
    let mut wanted: Vec<String> = accounts
        .values()
        .filter_map(|a| match &a.parent {
            Parent::Id(p) if p.starts_with("ou-") => Some(p.clone()),
            _ => None,
        })
        .chain(ous.values().filter_map(|o| o.parent.clone()))
        .collect();
    let mut guard = 0;
    while let Some(id) = wanted.pop() {
        guard += 1;
        if guard > 10_000 {
            break;
        }
        if !id.starts_with("ou-") || ous.contains_key(&id) {
            continue;
        }
        ous.insert(
            id,
            Ou {
                parent: None,
                name: None,
                inferred: true,
            },
        );
    }

    // --- parent links
    let mut children: BTreeMap<String, Vec<(NodeKind, String)>> = BTreeMap::new();
    let mut ou_parent: BTreeMap<String, String> = BTreeMap::new();
    for (id, ou) in &ous {
        let parent = match &ou.parent {
            Some(p) if p.starts_with("r-") || ous.contains_key(p) => p.clone(),
            _ => root_for(id),
        };
        ou_parent.insert(id.clone(), parent);
    }
    // Cut cycles and over-deep chains: such OUs hang under their root instead.
    let mut cut: BTreeSet<String> = BTreeSet::new();
    for id in ous.keys() {
        let mut seen = BTreeSet::new();
        let mut at_id = id.clone();
        let mut depth = 0;
        while let Some(p) = ou_parent.get(&at_id) {
            if !seen.insert(at_id.clone()) || depth > MAX_DEPTH {
                cut.insert(id.clone());
                break;
            }
            at_id = p.clone();
            depth += 1;
        }
    }
    for id in &cut {
        ou_parent.insert(id.clone(), root_for(id));
    }
    for (id, parent) in &ou_parent {
        children
            .entry(parent.clone())
            .or_default()
            .push((NodeKind::OrganizationalUnit, id.clone()));
    }
    let mut unplaced = 0;
    for (id, account) in &mut accounts {
        let parent = match &account.parent {
            Parent::Id(p) if p.starts_with("r-") || ous.contains_key(p) => p.clone(),
            Parent::Root => default_root.clone(),
            _ => {
                unplaced += 1;
                account.inferred = true;
                default_root.clone()
            }
        };
        children
            .entry(parent)
            .or_default()
            .push((NodeKind::Account, id.clone()));
    }
    if unplaced > 0 {
        tree.notes.push(format!(
            "{unplaced} account(s) are shown under the root because no loaded event says where they were."
        ));
    }

    // --- nodes
    let show_roots: Vec<String> = crate::sort::set_of(
        roots
            .iter()
            .cloned()
            .chain(std::iter::once(default_root.clone())),
    )
    .into_iter()
    .filter(|r| {
        children.contains_key(r)
            || (created_observed && *r == default_root)
            || ops
                .iter()
                .any(|(t, op)| *t <= at && matches!(op, TreeOp::Referenced { id } if id == r))
    })
    .collect();
    let ctx = Build {
        ous: &ous,
        accounts: &accounts,
        children: &children,
        cut: &cut,
    };
    for root in show_roots {
        tree.roots.push(TreeNode {
            name: Some("Root".to_string()),
            kind: NodeKind::Root,
            inferred: !created_observed,
            closed: false,
            children: ctx.children_of(&root, 0),
            id: root,
        });
    }
    tree
}

struct Build<'a> {
    ous: &'a BTreeMap<String, Ou>,
    accounts: &'a BTreeMap<String, Account>,
    children: &'a BTreeMap<String, Vec<(NodeKind, String)>>,
    cut: &'a BTreeSet<String>,
}

impl Build<'_> {
    fn children_of(&self, id: &str, depth: usize) -> Vec<TreeNode> {
        let Some(list) = self.children.get(id) else {
            return Vec::new();
        };
        let mut list = list.clone();
        crate::sort::sort(&mut list);
        list.into_iter()
            .filter_map(|(kind, child)| match kind {
                NodeKind::OrganizationalUnit => {
                    let ou = self.ous.get(&child)?;
                    // The cycle cut above bounds the depth; this is a second guard.
                    let grandchildren = if depth < MAX_DEPTH + 2 {
                        self.children_of(&child, depth + 1)
                    } else {
                        Vec::new()
                    };
                    Some(TreeNode {
                        kind,
                        name: ou.name.clone(),
                        inferred: ou.inferred || self.cut.contains(&child),
                        closed: false,
                        children: grandchildren,
                        id: child,
                    })
                }
                NodeKind::Account => {
                    let account = self.accounts.get(&child)?;
                    Some(TreeNode {
                        kind,
                        name: account.name.clone(),
                        inferred: account.inferred,
                        closed: account.closed,
                        children: Vec::new(),
                        id: child,
                    })
                }
                NodeKind::Root => None,
            })
            .collect()
    }
}

/// Where `account` is at `at`, replaying its ops; `None` when it is not in the organization
/// (or nothing says it was).
fn account_at(ops: &[(EpochMillis, &TreeOp)], account: &str, at: EpochMillis) -> Option<Account> {
    let mine: Vec<(EpochMillis, &TreeOp)> = ops
        .iter()
        .filter(|(_, op)| match op {
            TreeOp::OrganizationCreated {
                management_account_id,
                ..
            } => management_account_id.as_deref() == Some(account),
            TreeOp::AccountMoved { account_id, .. }
            | TreeOp::AccountJoined { account_id, .. }
            | TreeOp::AccountDeparted { account_id }
            | TreeOp::AccountClosed { account_id } => account_id == account,
            TreeOp::Referenced { id } => id == account,
            _ => false,
        })
        .copied()
        .collect();
    let name = mine.iter().find_map(|(_, op)| match op {
        TreeOp::AccountJoined { name, .. } => name.clone(),
        _ => None,
    });
    let mut present: Option<bool> = None;
    let mut state = Account {
        present: false,
        parent: Parent::Unknown,
        inferred: true,
        closed: false,
        name,
    };
    for (_, op) in mine.iter().filter(|(t, _)| *t <= at) {
        match op {
            TreeOp::OrganizationCreated { .. } | TreeOp::AccountJoined { .. } => {
                present = Some(true);
                state.parent = Parent::Root;
                state.inferred = false;
                state.closed = false;
            }
            TreeOp::AccountMoved {
                destination_parent_id,
                ..
            } => {
                present = Some(true);
                match destination_parent_id {
                    Some(d) => {
                        state.parent = Parent::Id(d.clone());
                        state.inferred = false;
                    }
                    None => state.parent = Parent::Unknown,
                }
            }
            TreeOp::AccountDeparted { .. } => {
                present = Some(false);
                state.closed = false;
            }
            TreeOp::AccountClosed { .. } => {
                if present != Some(true) {
                    state.parent = Parent::Unknown;
                    state.inferred = true;
                }
                present = Some(true);
                state.closed = true;
            }
            TreeOp::Referenced { .. } => {
                if present != Some(true) {
                    state.parent = Parent::Unknown;
                    state.inferred = true;
                }
                present = Some(true);
            }
            _ => {}
        }
    }
    let next = mine.iter().find(|(t, _)| *t > at).map(|(_, op)| *op);
    match present {
        Some(false) => return None,
        None => match next {
            // It joins later: not a member yet.
            None | Some(TreeOp::AccountJoined { .. }) | Some(TreeOp::Referenced { .. }) => {
                return None
            }
            Some(TreeOp::OrganizationCreated { .. }) => return None,
            // It moves, leaves or closes later: it was a member already.
            Some(_) => {
                state.present = true;
                state.inferred = true;
            }
        },
        Some(true) => state.present = true,
    }
    if state.parent == Parent::Unknown {
        // A later move out of a parent says where the account was.
        let source = mine
            .iter()
            .filter(|(t, _)| *t > at)
            .find_map(|(_, op)| match op {
                TreeOp::AccountMoved {
                    source_parent_id, ..
                } => Some(source_parent_id.clone()),
                _ => None,
            })
            .flatten();
        if let Some(source) = source {
            state.parent = Parent::Id(source);
            state.inferred = true;
        }
    }
    Some(state)
}
