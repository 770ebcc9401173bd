//! The organization tree as of a chosen time: a slider over the times the tree changes
//! ([`TreeStops`]), step buttons, a free UTC time box, and the tree [`org_tree_at`] builds.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::sections::{section, SectionProps};
use crate::display;
use crate::orgs::sections::{tree_changes_at, TreeStops, TREE};
use crate::orgs::{org_tree_at, NodeKind, OrgReport, TreeNode};
use crate::time::{format_iso, parse_timestamp, EpochMillis};
use crate::web::shared::Shared;

/// Hooks: `[data-testid=tree-time]` (a range over the times the tree changes),
/// `[data-testid=tree-time-text]` (any UTC time; applied on change), `[data-testid=org-tree]`
/// with `data-at` (ISO), and `[data-testid=tree-node]` with `data-node-id`, `data-kind`
/// (ROOT | OU | ACCOUNT), `data-inferred` and `data-closed`.
#[function_component(TreeSection)]
pub fn tree_section(props: &SectionProps) -> Html {
    let stops = use_memo(props.report.clone(), |r| TreeStops::new(r));
    // The chosen time, for the report it was chosen in (a new report starts at its end).
    let chosen = use_state(|| None::<(Shared<OrgReport>, EpochMillis)>);
    let bad_time = use_state(|| None::<String>);
    let at = chosen
        .as_ref()
        .filter(|(r, _)| *r == props.report)
        .map(|(_, t)| *t)
        .or_else(|| stops.last());
    let tree = use_memo((props.report.clone(), at), |(r, at)| {
        at.map(|t| org_tree_at(r, t))
    });
    let Some(at) = at else {
        return section(&TREE, None, html! { <p class="muted">{TREE.empty}</p> });
    };
    let steps = &stops.0;
    let index = stops.index(at);
    let set = {
        let (chosen, report) = (chosen.clone(), props.report.clone());
        move |t: EpochMillis| chosen.set(Some((report.clone(), t)))
    };
    let on_slide = {
        let (stops, set) = (Rc::clone(&stops), set.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(t) = input
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| stops.0.get(i))
            {
                set(*t);
            }
        })
    };
    let on_text = {
        let (set, bad_time) = (set.clone(), bad_time.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match parse_timestamp(&input.value()) {
                Some(t) => {
                    bad_time.set(None);
                    set(t);
                }
                None => bad_time.set(Some(input.value())),
            }
        })
    };
    let step_button = |label: &str, title: &str, target: Option<EpochMillis>| {
        let set = set.clone();
        html! {
            <button class="button small" title={title.to_owned()} disabled={target.is_none()}
                    onclick={Callback::from(move |_: MouseEvent| if let Some(t) = target { set(t) })}>{label}</button>
        }
    };
    let here = tree_changes_at(&props.report, at);
    let body = html! {
        <>
        <div class="tree-controls">
            <label class="muted" for="tree-time">{"As of"}</label>
            <input id="tree-time" type="range" data-testid="tree-time" min="0"
                   max={steps.len().saturating_sub(1).to_string()} step="1" value={index.to_string()}
                   disabled={steps.len() < 2} oninput={on_slide}
                   title="Each stop is a time the tree changed; the last is the end of the loaded data" />
            { step_button("◀", "Previous change", stops.previous(at)) }
            { step_button("▶", "Next change", stops.next(at)) }
            { step_button("Latest", "The end of the loaded data", stops.last()) }
            <input type="text" class="tree-time-text" data-testid="tree-time-text" value={display::time(Some(at))}
                   aria-label="Tree as of this UTC time"
                   onchange={on_text} title="Any UTC time, e.g. 2023-11-15 12:00:00; press Enter" />
            <span class="muted">{"UTC"}</span>
            if let Some(bad) = &*bad_time { <span class="error">{format!("Not a time: {bad}")}</span> }
        </div>
        if !here.is_empty() {
            <p class="muted small">{"At this time: "}{here.join("; ")}</p>
        }
        if let Some(tree) = &*tree {
            <div class="org-tree" data-testid="org-tree" data-at={format_iso(at)}>
                if let Some(org) = &tree.organization_id { <div class="muted small">{"Organization "}<span class="id">{org}</span></div> }
                if tree.roots.is_empty() {
                    <p class="muted">{"No root, OU or account is known at this time."}</p>
                } else {
                    <ul class="tree">{ for tree.roots.iter().map(tree_node) }</ul>
                }
                { for tree.notes.iter().map(|n| html! { <p class="remark">{n}</p> }) }
                <p class="legend muted small">
                    <span class="tree-node-sample inferred">{"inferred"}</span>
                    {" = not seen being created, joined or moved: its existence or place comes from other events."}
                </p>
            </div>
        }
        </>
    };
    section(&TREE, None, body)
}

fn tree_node(node: &TreeNode) -> Html {
    let (kind, icon, class) = match node.kind {
        NodeKind::Root => ("ROOT", "◆", "root"),
        NodeKind::OrganizationalUnit => ("OU", "▣", "ou"),
        NodeKind::Account => ("ACCOUNT", "•", "account"),
    };
    let title = if node.inferred {
        "inferred: not seen being created, joined or moved in the loaded events; its existence or place comes from other events"
    } else {
        ""
    };
    html! {
        <li class={classes!("tree-node", class, node.inferred.then_some("inferred"), node.closed.then_some("closed"))}
            data-testid="tree-node" data-node-id={node.id.clone()} data-kind={kind}
            data-inferred={node.inferred.to_string()} data-closed={node.closed.to_string()}>
            <span class="node-label" title={title}>
                <span class="node-icon" aria-hidden="true">{icon}</span>
                if let Some(name) = &node.name { <span class="node-name">{name}</span> }
                <span class="id">{&node.id}</span>
                if node.inferred { <span class="tag inferred-tag">{"inferred"}</span> }
                if node.closed { <span class="tag closed-tag">{"closed (suspended)"}</span> }
            </span>
            if !node.children.is_empty() {
                <ul>{ for node.children.iter().map(tree_node) }</ul>
            }
        </li>
    }
}
