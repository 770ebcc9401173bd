//! The detail pane: the selected event's header (name, time, source, caller in words,
//! error, "Part of" lifecycles), context actions (±5 min, same principal or account),
//! "Copy JSON", and the record as a collapsible tree whose values filter the table.
//!
//! The tree, what starts open and every clause come from [`crate::present::detail`] (pure, tested
//! natively); this file only draws them. Closed containers draw nothing below them, and
//! open ones draw [`CHILDREN_PAGE`] children at a time, so an 8 MB record costs what is on
//! screen. Every string from the record is a Yew text node, never HTML. Records the tree
//! can't read (not JSON, or nested past serde_json's limit) show as re-indented text.
//!
//! Hooks for tests: `[data-testid=detail]` (`data-event-id`), `json-tree`, `json-node`
//! (`data-path`, `data-open`), `json-toggle`, `json-value`, `filter-value` and
//! `exclude-value` (`data-path`, `data-value`), `copy-json` (`data-state`),
//! `context-principal`, `context-account`, `identity-explained`, `detail-text` (the
//! fallback).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use yew::prelude::*;

use crate::display;
use crate::event::Record;
use crate::integrity::Vouch;
use crate::json_layout::{relayout, JsonLayout};
use crate::present::detail::{
    around_clause, json_string, value_clause, value_text, Around, Json, Node, CHILDREN_PAGE,
    LONG_TEXT,
};
use crate::store::Row;
use crate::web::orgs::{LifecycleLink, PartOf, ShowEvents};

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    /// The selected event's row and record text.
    pub detail: Option<(Row, Rc<str>)>,
    /// The Organizations lifecycles the event belongs to.
    #[prop_or_default]
    pub part_of: Vec<LifecycleLink>,
    #[prop_or_default]
    pub on_show_events: ShowEvents,
    /// AND this clause onto the query (filter by a value, or exclude it).
    #[prop_or_default]
    pub on_add_clause: Callback<String>,
    /// Replace the query (the context actions).
    #[prop_or_default]
    pub on_set_query: Callback<String>,
}

#[function_component(Detail)]
pub fn detail(props: &DetailProps) -> Html {
    let Some((row, raw)) = &props.detail else {
        return html! {
            <section class="detail empty" aria-label="Event detail">{"Select an event (click, or j/k and arrows) to see its whole record."}</section>
        };
    };
    // Keyed by event: open/closed state starts afresh for each record.
    html! {
        <EventDetail key={row.id.0} row={row.clone()} raw={Rc::clone(raw)}
                     part_of={props.part_of.clone()} on_show_events={props.on_show_events.clone()}
                     on_add_clause={props.on_add_clause.clone()} on_set_query={props.on_set_query.clone()} />
    }
}

#[derive(Properties, PartialEq)]
struct EventDetailProps {
    row: Row,
    raw: Rc<str>,
    part_of: Vec<LifecycleLink>,
    on_show_events: ShowEvents,
    on_add_clause: Callback<String>,
    on_set_query: Callback<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Failed,
}

#[function_component(EventDetail)]
fn event_detail(props: &EventDetailProps) -> Html {
    let row = &props.row;
    let tree = use_memo(Rc::clone(&props.raw), |raw| Node::parse(raw).map(Rc::new));
    let explained = use_memo(Rc::clone(&props.raw), |raw| {
        Record::from_json(raw).ok().map(|r| r.identity.explain())
    });
    let fallback = use_memo((Rc::clone(&props.raw), tree.is_none()), |(raw, none)| {
        none.then(|| relayout(raw, JsonLayout::EXPANDED))
    });
    let copy = use_state(|| CopyState::Idle);

    let on_copy = {
        let (raw, copy) = (Rc::clone(&props.raw), copy.clone());
        Callback::from(move |_: MouseEvent| {
            // Exact values and key order, re-indented.
            let text = relayout(&raw, JsonLayout::EXPANDED);
            let copy = copy.clone();
            spawn_local(async move {
                let copied = match clipboard() {
                    Some(clipboard) => JsFuture::from(clipboard.write_text(&text)).await.is_ok(),
                    None => false,
                };
                copy.set(if copied {
                    CopyState::Copied
                } else {
                    CopyState::Failed
                });
                TimeoutFuture::new(2_000).await;
                copy.set(CopyState::Idle);
            });
        })
    };

    let context = |by: Around, value: &str, testid: &'static str, label: &'static str| {
        let clause = row.time.and_then(|t| around_clause(t, by, value));
        let title = clause
            .clone()
            .unwrap_or_else(|| "Not known for this event".to_owned());
        let on_set_query = props.on_set_query.clone();
        html! {
            <button class="button small" data-testid={testid} title={title} disabled={clause.is_none()}
                    onclick={move |_| if let Some(c) = &clause { on_set_query.emit(c.clone()) }}>{label}</button>
        }
    };

    let (copy_label, copy_state) = match *copy {
        CopyState::Idle => ("Copy JSON", "idle"),
        CopyState::Copied => ("Copied", "copied"),
        CopyState::Failed => ("Copy failed (clipboard unavailable)", "failed"),
    };
    let vouch_state = row.vouch.as_ref().map_or("checking", Vouch::as_str);
    html! {
        <section class="detail" aria-label="Event detail" data-testid="detail" data-event-id={row.event_id.clone()}>
            <h2>{&row.name}</h2>
            <p class="muted">{display::time(row.time)}{" UTC · "}{&row.source}</p>
            <p>{"By "}<b>{ if row.principal.is_empty() { "unknown" } else { &row.principal } }</b>
               { if row.identity_type.is_empty() { String::new() } else { format!(" ({})", row.identity_type) } }
               { if row.account.is_empty() { String::new() } else { format!(" in account {}", row.account) } }</p>
            if !row.file.is_empty() {
                <p class="muted file" data-testid="detail-file" title={row.file.clone()}>{"From "}<code>{&row.file}</code></p>
            }
            if let Some(sentence) = &*explained {
                <p class="identity" data-testid="identity-explained">{sentence}</p>
            }
            if !row.error_code.is_empty() { <p class="error">{"Error: "}{&row.error_code}</p> }
            if row.summary_only { <p class="muted">{"From a CSV export: summary only."}</p> }
            <p class={classes!("vouch", vouch_state)} data-testid="detail-integrity" data-state={vouch_state}>
                { match &row.vouch {
                    Some(Vouch::Vouched { digest }) => format!("Its log file is vouched for by digest {digest}"),
                    Some(Vouch::Altered { digest }) => format!("Its log file was altered: it does not match digest {digest} (or has bytes after the hashed part)"),
                    Some(Vouch::NotVouched) => "Its file is not vouched for by any valid loaded digest".to_owned(),
                    None => "Checking its file against the loaded digests…".to_owned(),
                } }
            </p>
            <PartOf links={props.part_of.clone()} on_show_events={props.on_show_events.clone()} />
            <div class="detail-actions">
                <span class="muted">{"±5 min around this event, same "}</span>
                { context(Around::Principal, &row.principal, "context-principal", "principal") }
                { context(Around::Account, &row.account, "context-account", "account") }
                <button class="button small copy-json" data-testid="copy-json" data-state={copy_state}
                        onclick={on_copy}>{copy_label}</button>
            </div>
            if let Some(root) = &*tree {
                <JsonTree root={Rc::clone(root)} on_add_clause={props.on_add_clause.clone()} />
            } else if let Some(text) = &*fallback {
                <p class="muted">{"Shown as text: the record is not JSON the tree can read (too deeply nested, or invalid)."}</p>
                <pre class="json" data-testid="detail-text">{text}</pre>
            }
        </section>
    }
}

/// The page's clipboard, if it has one (only secure contexts do: https, localhost).
pub(super) fn clipboard() -> Option<web_sys::Clipboard> {
    let navigator = web_sys::window()?.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    (!clipboard.is_undefined() && !clipboard.is_null()).then(|| navigator.clipboard())
}

// --- the tree

#[derive(Properties, PartialEq)]
struct JsonTreeProps {
    root: Rc<Node>,
    on_add_clause: Callback<String>,
}

/// Open/closed state: the nodes the reader toggled away from their default, and how many
/// children (or, for long strings, characters) each node shows beyond the first page.
struct TreeState<'a> {
    toggled: &'a UseStateHandle<HashSet<u32>>,
    more: &'a UseStateHandle<HashMap<u32, usize>>,
    on_add_clause: &'a Callback<String>,
}

#[function_component(JsonTree)]
fn json_tree(props: &JsonTreeProps) -> Html {
    let toggled = use_state(HashSet::<u32>::new);
    let more = use_state(HashMap::<u32, usize>::new);
    let view = TreeState {
        toggled: &toggled,
        more: &more,
        on_add_clause: &props.on_add_clause,
    };
    html! {
        <div class="json-tree" data-testid="json-tree">
            { view.node(&props.root, None, &[], true) }
        </div>
    }
}

impl TreeState<'_> {
    fn is_open(&self, node: &Node) -> bool {
        node.open_by_default != self.toggled.contains(&node.id)
    }

    fn toggle(&self, id: u32) -> Callback<MouseEvent> {
        let toggled = self.toggled.clone();
        Callback::from(move |_| {
            let mut next = (*toggled).clone();
            if !next.remove(&id) {
                next.insert(id);
            }
            toggled.set(next);
        })
    }

    fn show_more(&self, id: u32, to: usize) -> Callback<MouseEvent> {
        let more = self.more.clone();
        Callback::from(move |_| {
            let mut next = (*more).clone();
            next.insert(id, to);
            more.set(next);
        })
    }

    /// One value, with its key when it is in an object; `path` is the object keys from
    /// the record down to it (array indices left out, as the query language walks arrays).
    fn node(&self, node: &Node, key: Option<&str>, path: &[String], last: bool) -> Html {
        let comma = if last { "" } else { "," };
        let path_text = path.join(".");
        if !node.is_container() {
            return self.leaf(node, key, path, path_text, comma);
        }
        let open = self.is_open(node);
        let (open_bracket, close_bracket, noun) = match node.value {
            Json::Array(_) => ("[", "]", "item"),
            _ => ("{", "}", "key"),
        };
        let count = node.child_count();
        let toggle = self.toggle(node.id);
        let what = key.map_or_else(|| "the record".to_owned(), json_string);
        let key_html = key.map(|k| {
            html! {
                <>
                    <span class="jt-key clickable" onclick={toggle.clone()}>{json_string(k)}</span>
                    <span class="jt-punct">{": "}</span>
                </>
            }
        });
        let line = html! {
            <div class="jt-line">
                if count > 0 {
                    <button class="jt-toggle" data-testid="json-toggle" aria-expanded={open.to_string()}
                            aria-label={format!("{} {what}", if open { "Collapse" } else { "Expand" })}
                            onclick={toggle.clone()} />
                } else {
                    <span class="jt-toggle-space" />
                }
                { key_html }
                <span class="jt-punct">{open_bracket}</span>
                if count == 0 {
                    <span class="jt-punct">{close_bracket}{comma}</span>
                } else if !open {
                    <span class="jt-summary clickable" onclick={toggle}>
                        {format!("… {count} {noun}{}", if count == 1 { "" } else { "s" })}
                    </span>
                    <span class="jt-punct">{close_bracket}{comma}</span>
                }
            </div>
        };
        let body = (open && count > 0).then(|| {
            let limit = self.more.get(&node.id).copied().unwrap_or(CHILDREN_PAGE);
            let shown = count.min(limit);
            let children = node.children().take(shown).enumerate().map(|(i, (k, child))| {
                let child_path: Vec<String> = match k {
                    Some(k) => path.iter().cloned().chain([k.to_owned()]).collect(),
                    None => path.to_vec(),
                };
                self.node(child, k, &child_path, i + 1 == count)
            });
            html! {
                <>
                    <div class="jt-children">
                        { for children }
                        if shown < count {
                            <button class="button small jt-more" data-testid="json-more"
                                    onclick={self.show_more(node.id, shown + CHILDREN_PAGE)}>
                                {format!("Show {} more of {}", (count - shown).min(CHILDREN_PAGE), display::count(count as u64))}
                            </button>
                        }
                    </div>
                    <div class="jt-line"><span class="jt-toggle-space" /><span class="jt-punct">{close_bracket}{comma}</span></div>
                </>
            }
        });
        html! {
            <div class="jt-node" data-testid="json-node" data-path={path_text} data-open={open.to_string()}>
                { line }
                { body.unwrap_or_default() }
            </div>
        }
    }

    fn leaf(
        &self,
        node: &Node,
        key: Option<&str>,
        path: &[String],
        path_text: String,
        comma: &'static str,
    ) -> Html {
        let (class, text, cut) = match &node.value {
            Json::Null => ("jt-null", "null".to_owned(), None),
            Json::Bool(b) => ("jt-bool", b.to_string(), None),
            Json::Number(n) => ("jt-number", n.clone(), None),
            Json::Str(s) => {
                let limit = self.more.get(&node.id).copied().unwrap_or(LONG_TEXT);
                match s.char_indices().nth(limit) {
                    Some((at, _)) => {
                        let total = s.chars().count();
                        // The literal without its closing quote: it goes on.
                        let mut literal = json_string(s.get(..at).unwrap_or_default());
                        literal.pop();
                        literal.push('…');
                        ("jt-string", literal, Some(total))
                    }
                    None => ("jt-string", json_string(s), None),
                }
            }
            Json::Array(_) | Json::Object(_) => ("", String::new(), None),
        };
        let filter = value_clause(path, &node.value, false);
        let exclude = value_clause(path, &node.value, true);
        let value = value_text(&node.value).unwrap_or_default();
        let action =
            |clause: Option<String>, testid: &'static str, class: &'static str, verb: &str| {
                clause.map(|clause| {
                    let on_add_clause = self.on_add_clause.clone();
                    let title = format!("{verb}: {clause}");
                    html! {
                        <button class={classes!("jt-action", class)} data-testid={testid}
                                data-path={path_text.clone()} data-value={value.clone()}
                                title={title.clone()} aria-label={title}
                                onclick={move |_| on_add_clause.emit(clause.clone())} />
                    }
                })
            };
        html! {
            <div class="jt-line jt-leaf">
                <span class="jt-toggle-space" />
                if let Some(k) = key {
                    <span class="jt-key">{json_string(k)}</span><span class="jt-punct">{": "}</span>
                }
                <span class={classes!("jt-value", class)} data-testid="json-value" data-path={path_text.clone()}>{text}</span>
                if let Some(total) = cut {
                    <button class="button small jt-more" data-testid="json-more"
                            onclick={self.show_more(node.id, usize::MAX)}>
                        {format!("show all {} characters", display::count(total as u64))}
                    </button>
                }
                <span class="jt-punct">{comma}</span>
                <span class="jt-actions">
                    { action(filter, "filter-value", "filter", "Filter") }
                    { action(exclude, "exclude-value", "exclude", "Exclude") }
                </span>
            </div>
        }
    }
}
