//! The Organization view: the lifecycles [`crate::orgs`] reconstructs from the loaded
//! events, drawn for a person who must answer "who created, invited, moved, removed or
//! closed which account, when, and did it work?".
//!
//! Entry points:
//! - [`OrgsView`]: the tab (warnings, account creations, handshakes, membership changes,
//!   structure and policy changes, the org tree as of a chosen time, per-account swimlanes);
//! - [`use_org_report`]: the report of the loaded data, asked of the worker once per data
//!   generation (the event table's detail pane uses it too);
//! - [`lifecycle_links`] and [`PartOf`]: the detail pane's "Part of: …" links back.
//!
//! Every row has a "show events" button that restricts the Events tab to exactly that row's
//! events. All log text is rendered as text nodes; nothing here builds HTML from strings.
//!
//! Test hooks (`data-testid`, with `data-*` attributes documented where each is rendered):
//! `orgs-view` (`data-state` loading | ready | empty | error), `orgs-empty`, `org-warning`,
//! `account-creation`, `handshake` (with `invited-not-loaded` and `failed-attempt` inside),
//! `membership-change`, `org-change`, `tree-time`, `tree-time-text`, `org-tree`,
//! `tree-node`, `swimlane`, `lane`, `axis-mode`, `show-events`, `show-all-rows`, and in
//! the event detail pane `part-of` / `lifecycle-link`.
//!
//! Long sections draw `PAGE_ROWS` (250) rows, then offer "show more" / "show all"; every
//! section is its own component, so moving the tree's time slider redraws only the tree.
//!
//! Mapping choices for the state hooks (the model has more states than the hooks):
//! - An account creation's `CreationState::FailedCall` (the CreateAccount call itself was
//!   refused, so there is no `car-` id) is `data-state="FAILED"` with the call's error code
//!   in `data-failure-reason`, and `data-failed-call="true"`.
//! - `CreationState::Unknown` means a result *was* logged but its state is missing or not
//!   one this version knows: the creation is not in progress, so it is
//!   `data-state="UNKNOWN"` (the only value outside SUCCEEDED | FAILED | IN_PROGRESS).
//! - A handshake's `HandshakeState::FailedCall` (a refused invitation or response that never
//!   produced an `h-` id) is `data-state="UNKNOWN"`: there is no handshake whose state could
//!   be known. `data-failed-call="true"` tells it apart from a real but undetermined one.

use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::engine::Engine;
use crate::display;
use crate::orgs::{
    org_tree_at, AccountCreation, ChangeKind, ChangeOutcome, CreationState, Handshake,
    HandshakeState, LifecycleRef, MembershipChange, MembershipKind, NodeKind, OrgChange, OrgReport,
    TreeNode, TreeOp, WarningKind,
};
use crate::protocol::{Request, Response};
use crate::time::{format_iso, parse_timestamp, EpochMillis};

/// Show the events of this query in the Events tab (a drill-down, written into the query
/// and the address; [`drill_query`] builds it).
pub type ShowEvents = Callback<String>;

/// The query that shows a row's events: its lifecycle (`lifecycle:car-…`, `lifecycle:h-…`)
/// when it has an id, else its events by eventID.
pub fn drill_query(lifecycle: Option<&str>, event_ids: &[String]) -> String {
    use crate::query::{Ast, Field, Value};
    if let Some(id) = lifecycle {
        return crate::timeline::drill::Clause::Lifecycle(id.to_owned()).query();
    }
    let term = |id: &String| Ast::Term {
        field: Field::new(["eventID"]),
        value: Value::Text(id.clone()),
    };
    match event_ids {
        [one] => term(one).to_string(),
        many => Ast::Or(many.iter().map(term).collect()).to_string(),
    }
}

/// Rows drawn per section before a "show more" button (the DOM stays small for big orgs).
const PAGE_ROWS: usize = 250;

// --- the report, fetched once per generation

/// A report shared between components; equal only to itself (comparing two reports field
/// by field on every render would cost more than drawing them).
#[derive(Clone, Debug)]
pub struct Shared(pub Rc<OrgReport>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Shared {
    type Target = OrgReport;
    fn deref(&self) -> &OrgReport {
        &self.0
    }
}

/// A report and the data generation it was asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    pub generation: u32,
    pub report: Shared,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportState {
    /// The newest report received (possibly of an older generation while a newer is asked).
    pub fetched: Option<Fetched>,
    /// The worker did not answer (it went away).
    pub failed: bool,
}

impl ReportState {
    /// The report of exactly this generation, if it has arrived.
    pub fn current(&self, generation: u32) -> Option<&Shared> {
        self.fetched
            .as_ref()
            .filter(|f| f.generation == generation)
            .map(|f| &f.report)
    }
}

/// Asks the worker for the Organizations report.
pub async fn fetch_report(engine: &Engine) -> Option<OrgReport> {
    match engine.ask(Request::Orgs).await? {
        Response::Orgs { report, .. } => Some(*report),
        _ => None,
    }
}

/// The report of the loaded data: asked for (once) when `wanted` and not yet held for
/// `generation`. Answers come back in request order, so the last one set is the newest.
#[hook]
pub fn use_org_report(engine: &Engine, generation: u32, wanted: bool) -> ReportState {
    let state = use_state(ReportState::default);
    let in_flight = use_mut_ref(|| None::<u32>);
    {
        let (engine, handle, in_flight) = (engine.clone(), state.clone(), Rc::clone(&in_flight));
        let have = state.fetched.as_ref().map(|f| f.generation);
        use_effect_with(
            (generation, wanted, have),
            move |&(generation, wanted, have)| {
                if wanted && have != Some(generation) && *in_flight.borrow() != Some(generation) {
                    *in_flight.borrow_mut() = Some(generation);
                    spawn_local(async move {
                        let answer = fetch_report(&engine).await;
                        if *in_flight.borrow() == Some(generation) {
                            *in_flight.borrow_mut() = None;
                        }
                        handle.set(match answer {
                            Some(report) => ReportState {
                                fetched: Some(Fetched {
                                    generation,
                                    report: Shared(Rc::new(report)),
                                }),
                                failed: false,
                            },
                            None => ReportState {
                                fetched: handle.fetched.clone(),
                                failed: true,
                            },
                        });
                    });
                }
            },
        );
    }
    (*state).clone()
}

// --- words for states and kinds

/// (`data-state`, badge text, badge class) of an account creation.
fn creation_state(state: CreationState) -> (&'static str, &'static str, &'static str) {
    match state {
        CreationState::Succeeded => ("SUCCEEDED", "SUCCEEDED", "ok"),
        CreationState::Failed => ("FAILED", "FAILED", "bad"),
        CreationState::InProgress => ("IN_PROGRESS", "IN PROGRESS", "pending"),
        CreationState::FailedCall => ("FAILED", "failed call", "bad"),
        CreationState::Unknown => ("UNKNOWN", "unknown", "unknown"),
    }
}

/// (`data-state`, badge text, badge class) of a handshake.
fn handshake_state(state: HandshakeState) -> (&'static str, &'static str, &'static str) {
    match state {
        HandshakeState::Open => ("OPEN", "OPEN", "pending"),
        HandshakeState::Accepted => ("ACCEPTED", "ACCEPTED", "ok"),
        HandshakeState::Declined => ("DECLINED", "DECLINED", "bad"),
        HandshakeState::Canceled => ("CANCELED", "CANCELED", "muted-badge"),
        HandshakeState::Expired => ("EXPIRED", "EXPIRED", "muted-badge"),
        HandshakeState::Unknown => ("UNKNOWN", "UNKNOWN", "unknown"),
        HandshakeState::FailedCall => ("UNKNOWN", "failed call", "bad"),
    }
}

/// (`data-kind`, words, badge class) of a membership change.
fn membership_kind(kind: MembershipKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        MembershipKind::Created => ("CREATED", "created", "ok"),
        MembershipKind::InvitedJoined => ("INVITED_JOINED", "joined (invited)", "ok"),
        MembershipKind::Left => ("LEFT", "left", "bad"),
        MembershipKind::LeftDenied => ("LEFT_DENIED", "leave denied", "warn-badge"),
        MembershipKind::Removed => ("REMOVED", "removed", "bad"),
        MembershipKind::Closed => ("CLOSED", "closed", "bad"),
    }
}

fn outcome(outcome: ChangeOutcome) -> (&'static str, &'static str) {
    match outcome {
        ChangeOutcome::Done => ("DONE", "done"),
        ChangeOutcome::Pending => ("PENDING", "requested, completion not loaded"),
        ChangeOutcome::Failed => ("FAILED", "failed"),
    }
}

fn warning_title(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::NoUsEast1Events => "No us-east-1 events",
        WarningKind::InvitedAccountNotLoaded => "Invited accounts' events not loaded",
        WarningKind::ResultWithoutRequest => "Results without their requests",
        WarningKind::CreationWithoutResult => "Creations without results",
        WarningKind::ResponseWithoutInvitation => "Responses without their invitations",
        WarningKind::LeaveDenied => "Denied attempts to leave",
        WarningKind::AccountsDeparted => "Accounts departed",
        WarningKind::FailedWriteCalls => "Rejected write calls",
        WarningKind::GuardrailsWeakened => "Guardrails weakened",
        WarningKind::ConflictingEventIds => "Conflicting eventIDs",
        WarningKind::MissingEventTime => "Events without a time",
        WarningKind::SeveralOrganizations => "Several organizations",
    }
}

/// Warnings about the load itself (what is missing) rather than about what happened.
fn warning_is_about_data(kind: WarningKind) -> bool {
    matches!(
        kind,
        WarningKind::NoUsEast1Events
            | WarningKind::InvitedAccountNotLoaded
            | WarningKind::ResultWithoutRequest
            | WarningKind::CreationWithoutResult
            | WarningKind::ResponseWithoutInvitation
            | WarningKind::ConflictingEventIds
            | WarningKind::MissingEventTime
            | WarningKind::SeveralOrganizations
    )
}

/// `1 min 35 s`, `2 h 5 min`, `3 d 4 h`.
pub fn human_duration(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    let s = ms / 1000;
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {m} min")
    } else if m > 0 {
        format!("{m} min {sec} s")
    } else {
        format!("{sec} s")
    }
}

fn or_dash(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "—".to_owned())
}

/// 12 digits: an account id (rather than an email address).
fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

// --- labels (the Events tab's banner, and the detail pane's links)

fn creation_label(c: &AccountCreation) -> String {
    let (_, state, _) = creation_state(c.state);
    match &c.request_id {
        Some(id) => format!("account creation {id} ({})", state.to_uppercase()),
        None => {
            let name = c
                .account_name
                .as_deref()
                .map(|n| format!(" for {n}"))
                .unwrap_or_default();
            let why = c
                .error_code
                .as_deref()
                .or(c.failure_reason.as_deref())
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            format!(
                "account creation call{name} ({}{why})",
                state.to_uppercase()
            )
        }
    }
}

fn handshake_label(h: &Handshake) -> String {
    let (_, state, _) = handshake_state(h.state);
    let action = h.action.as_deref().unwrap_or("handshake");
    let target = h
        .target
        .as_deref()
        .map(|t| format!(" → {t}"))
        .unwrap_or_default();
    match &h.handshake_id {
        Some(id) => format!("handshake {id} {action}{target} ({state})"),
        None => {
            let call = h
                .failed_attempts
                .first()
                .map(|a| format!("{} ({})", a.event_name, a.error_code))
                .unwrap_or_else(|| action.to_owned());
            format!("failed call {call}{target}")
        }
    }
}

fn membership_label(m: &MembershipChange) -> String {
    let (kind, _, _) = membership_kind(m.kind);
    let account = m.account_id.as_deref().unwrap_or("unknown account");
    format!(
        "membership change {kind} {account} at {} UTC",
        display::time(m.time)
    )
}

fn change_label(c: &OrgChange) -> String {
    format!(
        "{}{} at {} UTC",
        c.event_name,
        if c.succeeded { "" } else { " (failed)" },
        display::time(c.time)
    )
}

/// One lifecycle an event belongs to, for the detail pane.
#[derive(Clone, Debug, PartialEq)]
pub struct LifecycleLink {
    /// `creation`, `handshake`, `membership` or `change`.
    pub kind: &'static str,
    pub label: String,
    pub event_ids: Vec<String>,
    /// The query that shows them ([`drill_query`]).
    pub query: String,
}

/// The lifecycles built from the event with this eventID (none for other events).
pub fn lifecycle_links(report: &OrgReport, event_id: &str) -> Vec<LifecycleLink> {
    let Some(refs) = report.event_links.get(event_id) else {
        return Vec::new();
    };
    refs.iter()
        .filter_map(|r| {
            let (kind, label, id, ids) = match *r {
                LifecycleRef::Creation(i) => {
                    let c = report.creations.get(i as usize)?;
                    (
                        "creation",
                        creation_label(c),
                        c.request_id.as_deref(),
                        &c.event_ids,
                    )
                }
                LifecycleRef::Handshake(i) => {
                    let h = report.handshakes.get(i as usize)?;
                    (
                        "handshake",
                        handshake_label(h),
                        h.handshake_id.as_deref(),
                        &h.event_ids,
                    )
                }
                LifecycleRef::Membership(i) => {
                    let m = report.membership.get(i as usize)?;
                    ("membership", membership_label(m), None, &m.event_ids)
                }
                LifecycleRef::Change(i) => {
                    let c = report.changes.get(i as usize)?;
                    ("change", change_label(c), None, &c.event_ids)
                }
            };
            Some(LifecycleLink {
                kind,
                label,
                query: drill_query(id, ids),
                event_ids: ids.clone(),
            })
        })
        .collect()
}

#[derive(Properties, PartialEq)]
pub struct PartOfProps {
    pub links: Vec<LifecycleLink>,
    pub on_show_events: ShowEvents,
}

/// "Part of: account creation car-… (SUCCEEDED)": each link shows that lifecycle's events.
/// Hook: `[data-testid=lifecycle-link]` with `data-lifecycle` (the kind) and `data-count`.
#[function_component(PartOf)]
pub fn part_of(props: &PartOfProps) -> Html {
    if props.links.is_empty() {
        return Html::default();
    }
    html! {
        <div class="part-of" data-testid="part-of">
            <span class="muted">{"Part of: "}</span>
            { for props.links.iter().map(|link| {
                let (show, query) = (props.on_show_events.clone(), link.query.clone());
                let onclick = Callback::from(move |_: MouseEvent| show.emit(query.clone()));
                html! {
                    <button class="lifecycle-link" data-testid="lifecycle-link" data-lifecycle={link.kind}
                            data-count={link.event_ids.len().to_string()} onclick={onclick}
                            title={format!("Show this lifecycle's {} event(s)", link.event_ids.len())}>
                        {&link.label}
                    </button>
                }
            }) }
        </div>
    }
}

// --- the view

#[derive(Properties, PartialEq)]
pub struct OrgsViewProps {
    pub engine: Engine,
    /// The loaded data's generation: ask again when it changes.
    pub generation: u32,
    /// Show these events in the table: (what they are, their eventIDs; `None` = all).
    pub on_show_events: ShowEvents,
}

#[function_component(OrgsView)]
pub fn orgs_view(props: &OrgsViewProps) -> Html {
    let state = use_org_report(&props.engine, props.generation, true);
    let Some(fetched) = &state.fetched else {
        return if state.failed {
            html! {
                <section class="orgs" data-testid="orgs-view" data-state="error">
                    <p class="org-empty error">{"The worker did not answer; reload the page to try again."}</p>
                </section>
            }
        } else {
            html! {
                <section class="orgs" data-testid="orgs-view" data-state="loading">
                    <p class="org-empty muted">{"Reconstructing Organizations lifecycles…"}</p>
                </section>
            }
        };
    };
    let updating = fetched.generation != props.generation;
    let report = fetched.report.clone();
    let show = props.on_show_events.clone();
    if report.org_event_count == 0 {
        return html! {
            <section class="orgs" data-testid="orgs-view" data-state={if updating { "loading" } else { "empty" }}>
                <EmptyState />
            </section>
        };
    }
    html! {
        <section class="orgs" data-testid="orgs-view" data-state={if updating { "loading" } else { "ready" }}>
            <Header report={report.clone()} updating={updating} />
            <Warnings report={report.clone()} show={show.clone()} />
            <Creations report={report.clone()} show={show.clone()} />
            <Handshakes report={report.clone()} show={show.clone()} />
            <Membership report={report.clone()} show={show.clone()} />
            <Changes report={report.clone()} show={show.clone()} />
            <TreeSection report={report.clone()} show={show.clone()} />
            <Swimlanes report={report} show={show} />
        </section>
    }
}

#[function_component(EmptyState)]
fn empty_state() -> Html {
    html! {
        <div class="org-empty" data-testid="orgs-empty">
            <p class="big">{"No AWS Organizations events are loaded."}</p>
            <p>{"This view reconstructs account creations, invitations, departures, closures and the organization's structure from CloudTrail. To see them, load:"}</p>
            <ul>
                <li><b>{"us-east-1"}</b>{" logs: AWS Organizations is a global service and logs its events only in us-east-1."}</li>
                <li>{"The "}<b>{"management account"}</b>{"'s trail (or an organization trail): account creations, invitations, removals, OUs and policies are logged there."}</li>
                <li>{"The "}<b>{"member accounts"}</b>{"' own trails: accepting or declining an invitation, and leaving the organization, are logged in the member account."}</li>
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct HeaderProps {
    report: Shared,
    updating: bool,
}

#[function_component(Header)]
fn header(props: &HeaderProps) -> Html {
    let r = &props.report;
    let list = |items: &[String]| {
        if items.is_empty() {
            "unknown".to_owned()
        } else {
            items.join(", ")
        }
    };
    let sections = [
        ("#org-creations", "Account creations", r.creations.len()),
        ("#org-handshakes", "Handshakes", r.handshakes.len()),
        ("#org-membership", "Membership", r.membership.len()),
        ("#org-changes", "Structure and policy", r.changes.len()),
        ("#org-tree", "Tree", 0),
        ("#org-swimlanes", "Swimlanes", 0),
    ];
    html! {
        <header class="org-header">
            <div class="org-facts">
                <span>{"Organization "}<b class="id">{list(&r.organization_ids)}</b></span>
                <span>{"Management account "}<b class="id">{list(&r.management_account_ids)}</b></span>
                <span><b>{display::count(r.org_event_count)}</b>{" Organizations events"}</span>
                <span class="muted">{"State as of "}{display::time(r.reference_time)}{" UTC"}</span>
                if props.updating { <span class="muted">{"Updating…"}</span> }
            </div>
            <nav class="org-nav" aria-label="Organization sections">
                { for sections.iter().map(|&(selector, name, n)| html! {
                    // Not a `#` link: the page address's hash holds app state (sample, rules).
                    <button class="link" onclick={Callback::from(move |e: MouseEvent| scroll_to(&e, selector))}>
                        {name}{ if n > 0 { format!(" ({})", display::count(n as u64)) } else { String::new() } }
                    </button>
                }) }
            </nav>
        </header>
    }
}

/// Scrolls the view's element matching `selector` into view.
fn scroll_to(e: &MouseEvent, selector: &str) {
    let from: web_sys::Element = e.target_unchecked_into();
    if let Ok(Some(view)) = from.closest(".orgs") {
        if let Ok(Some(target)) = view.query_selector(selector) {
            target.scroll_into_view();
        }
    }
}

#[derive(Properties, PartialEq)]
struct SectionProps {
    report: Shared,
    show: ShowEvents,
}

/// The "show events" button of a row: its events in the Events tab, as a query
/// ([`drill_query`]; `lifecycle` is the row's id when it has one). Hook:
/// `[data-testid=show-events]` with `data-count` and `data-query`.
fn show_button(show: &ShowEvents, label: String, lifecycle: Option<&str>, ids: &[String]) -> Html {
    let n = ids.len();
    if n == 0 {
        return html! { <span class="muted" title="No eventID is known for this row">{"—"}</span> };
    }
    let query = drill_query(lifecycle, ids);
    let title = format!("Show these events in the Events tab: {label} ({query})");
    let (show, q) = (show.clone(), query.clone());
    let onclick = Callback::from(move |_: MouseEvent| show.emit(q.clone()));
    html! {
        <button class="button small show-events" data-testid="show-events" data-count={n.to_string()}
                data-query={query} onclick={onclick} title={title}>
            { if n == 1 { "1 event".to_owned() } else { format!("{n} events") } }
        </button>
    }
}

/// "Show 250 more of 1,234" under a long table.
fn more_button(limit: &UseStateHandle<usize>, total: usize) -> Html {
    if total <= **limit {
        return Html::default();
    }
    let shown = **limit;
    let next = (total - shown).min(PAGE_ROWS);
    let handle = limit.clone();
    html! {
        <p class="more">
            {format!("Showing {} of {}. ", display::count(shown as u64), display::count(total as u64))}
            <button class="button small" onclick={Callback::from(move |_: MouseEvent| handle.set(shown + next))}>
                {format!("Show {} more", display::count(next as u64))}
            </button>
            <button class="button small" data-testid="show-all-rows"
                    onclick={let handle = limit.clone(); Callback::from(move |_: MouseEvent| handle.set(total))}>
                {"Show all"}
            </button>
        </p>
    }
}

/// A collapsible section with a heading and a count.
fn section(
    id: &'static str,
    testid: &'static str,
    title: &str,
    count: Option<usize>,
    body: Html,
) -> Html {
    html! {
        <details class="org-section" id={id} data-testid={testid} open=true>
            <summary>
                <h2>{title}</h2>
                if let Some(n) = count { <span class="count">{display::count(n as u64)}</span> }
            </summary>
            {body}
        </details>
    }
}

// --- warnings

/// Hook: `[data-testid=org-warning]` with `data-kind` (the model's `WarningKind` name).
#[function_component(Warnings)]
fn warnings(props: &SectionProps) -> Html {
    let warnings = &props.report.warnings;
    if warnings.is_empty() {
        return html! { <p class="org-ok" data-testid="org-warnings-none">{"No warnings: nothing looks missing or alarming in the loaded Organizations events."}</p> };
    }
    html! {
        <div class="org-warnings" role="alert" data-testid="org-warnings">
            { for warnings.iter().map(|w| {
                let title = warning_title(w.kind);
                html! {
                    <div class={classes!("org-warning", warning_is_about_data(w.kind).then_some("data-gap"))}
                         data-testid="org-warning" data-kind={format!("{:?}", w.kind)}>
                        <span class="icon" aria-hidden="true">{"⚠"}</span>
                        <div class="text"><b>{title}</b>{": "}{&w.message}</div>
                        <div class="actions">{ show_button(&props.show, format!("warning: {title}"), None, &w.event_ids) }</div>
                    </div>
                }
            }) }
        </div>
    }
}

// --- account creations

/// Hook: `[data-testid=account-creation]` with `data-request-id` (the `car-` id, empty for a
/// refused call), `data-state` (SUCCEEDED | FAILED | IN_PROGRESS | UNKNOWN, see the module
/// notes), `data-request-seen`, `data-account-id`, `data-account-name`,
/// `data-failure-reason` (the failure reason, or a refused call's error code; empty when
/// none) and `data-failed-call`.
#[function_component(Creations)]
fn creations(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    let rows = &props.report.creations;
    let body = if rows.is_empty() {
        html! { <p class="muted">{"No CreateAccount request or CreateAccountResult is loaded."}</p> }
    } else {
        html! {
            <>
            <div class="table-wrap">
                <table class="org-table">
                    <thead><tr>
                        <th>{"Account"}</th><th>{"Requested by"}</th><th>{"Requested (UTC)"}</th>
                        <th>{"State"}</th><th>{"Request"}</th><th>{"New account"}</th>
                        <th>{"Failure / notes"}</th><th>{"Took"}</th><th><span class="sr-only">{"Events"}</span></th>
                    </tr></thead>
                    <tbody>{ for rows.iter().take(*limit).map(|c| creation_row(c, &props.show)) }</tbody>
                </table>
            </div>
            { more_button(&limit, rows.len()) }
            </>
        }
    };
    section(
        "org-creations",
        "creations",
        "Account creations",
        Some(rows.len()),
        body,
    )
}

fn creation_row(c: &AccountCreation, show: &ShowEvents) -> Html {
    let (state_attr, state_text, state_class) = creation_state(c.state);
    let failed_call = c.state == CreationState::FailedCall;
    let failure = c
        .failure_reason
        .clone()
        .or_else(|| c.error_code.clone())
        .unwrap_or_default();
    html! {
        <tr data-testid="account-creation" data-request-id={c.request_id.clone().unwrap_or_default()}
            data-state={state_attr} data-request-seen={c.request_seen.to_string()}
            data-account-id={c.account_id.clone().unwrap_or_default()}
            data-account-name={c.account_name.clone().unwrap_or_default()}
            data-failure-reason={failure} data-failed-call={failed_call.to_string()}>
            <td>
                <b>{or_dash(&c.account_name)}</b>
                if c.govcloud { <span class="tag">{"GovCloud"}</span> }
                <div class="id">{c.request_id.clone().unwrap_or_else(|| "no car- request id".to_owned())}</div>
                if let Some(email) = &c.email { <div class="muted small">{email}</div> }
            </td>
            <td>
                {c.requester.clone().unwrap_or_else(|| "unknown".to_owned())}
                if let Some(account) = &c.requester_account_id { <div class="id">{account}</div> }
            </td>
            <td class="time">{display::time(c.requested_time)}</td>
            <td>
                <span class={classes!("badge", state_class)}>{state_text}</span>
                if let Some(raw) = c.result_state.as_deref().filter(|s| !s.eq_ignore_ascii_case(state_attr)) {
                    <div class="muted small">{format!("logged as {raw}")}</div>
                }
            </td>
            <td>
                if c.request_seen {
                    <span class="muted">{"loaded"}</span>
                } else {
                    <span class="badge warn-badge" title="Only the CreateAccountResult is loaded: the CreateAccount request, and who made it, are not.">{"result only"}</span>
                }
                if c.request_seen && !c.result_seen && !failed_call {
                    <div class="muted small">{"no result loaded"}</div>
                }
            </td>
            <td class="id">
                {or_dash(&c.account_id)}
                if let Some(gov) = &c.govcloud_account_id { <div class="small">{format!("GovCloud {gov}")}</div> }
            </td>
            <td class="notes">
                if let Some(reason) = &c.failure_reason {
                    <div><code>{reason}</code></div>
                    <div class="explain">{c.failure_explanation.clone().unwrap_or_else(|| "A failure reason this version does not know.".to_owned())}</div>
                }
                if let Some(code) = &c.error_code {
                    <div class="error"><code>{code}</code>{c.error_message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()}</div>
                }
                { for c.remarks.iter().map(|r| html! { <div class="remark">{r}</div> }) }
            </td>
            <td class="num">{c.duration_ms.map(human_duration).unwrap_or_else(|| "—".to_owned())}</td>
            <td>{ show_button(show, creation_label(c), c.request_id.as_deref(), &c.event_ids) }</td>
        </tr>
    }
}

// --- handshakes

/// Hook: `[data-testid=handshake]` with `data-handshake-id` (empty for a refused call),
/// `data-action` (upper case), `data-state` (OPEN | ACCEPTED | DECLINED | CANCELED | EXPIRED
/// | UNKNOWN, see the module notes), `data-target`, `data-request-seen`,
/// `data-failed-call`, `data-invited-loaded` (true | false | unknown).
#[function_component(Handshakes)]
fn handshakes(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    let rows = &props.report.handshakes;
    let body = if rows.is_empty() {
        html! { <p class="muted">{"No invitation or handshake event is loaded."}</p> }
    } else {
        html! {
            <>
            <div class="table-wrap">
                <table class="org-table">
                    <thead><tr>
                        <th>{"Handshake"}</th><th>{"Target / parties"}</th><th>{"Invitation notes"}</th>
                        <th>{"Requested / expires (UTC)"}</th><th>{"State"}</th><th>{"Requested by"}</th>
                        <th>{"Notes"}</th><th><span class="sr-only">{"Events"}</span></th>
                    </tr></thead>
                    <tbody>{ for rows.iter().take(*limit).map(|h| handshake_row(h, &props.show)) }</tbody>
                </table>
            </div>
            { more_button(&limit, rows.len()) }
            </>
        }
    };
    section(
        "org-handshakes",
        "handshakes",
        "Handshakes",
        Some(rows.len()),
        body,
    )
}

fn handshake_row(h: &Handshake, show: &ShowEvents) -> Html {
    let (state_attr, state_text, state_class) = handshake_state(h.state);
    let action = h.action.clone().unwrap_or_default().to_ascii_uppercase();
    let failed_call = h.state == HandshakeState::FailedCall;
    let invited_loaded = match h.invited_account_loaded {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    };
    let resolution = match h.state {
        HandshakeState::Accepted | HandshakeState::Declined | HandshakeState::Canceled => {
            let by = h
                .resolved_by
                .clone()
                .unwrap_or_else(|| "unknown".to_owned());
            let account = h
                .resolved_account_id
                .as_deref()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            Some(format!(
                "by {by}{account} at {} UTC",
                display::time(h.resolved_time)
            ))
        }
        HandshakeState::Expired => Some(format!(
            "at {} UTC, unanswered",
            display::time(h.expiration_time)
        )),
        HandshakeState::Open => Some(format!(
            "unanswered; expires {} UTC",
            display::time(h.expiration_time)
        )),
        HandshakeState::Unknown | HandshakeState::FailedCall => None,
    };
    let waited = match (h.requested_time, h.resolved_time) {
        (Some(a), Some(b)) if b >= a => Some(format!("answered after {}", human_duration(b - a))),
        _ => None,
    };
    let not_loaded_note = if matches!(
        h.state,
        HandshakeState::Open | HandshakeState::Expired | HandshakeState::Unknown
    ) {
        "The invited account's events are not loaded: an acceptance or decline, logged in its own trail, would not be visible here."
    } else {
        "The invited account's events are not loaded."
    };
    html! {
        <tr data-testid="handshake" data-handshake-id={h.handshake_id.clone().unwrap_or_default()}
            data-action={action.clone()} data-state={state_attr} data-target={h.target.clone().unwrap_or_default()}
            data-request-seen={h.request_seen.to_string()} data-failed-call={failed_call.to_string()}
            data-invited-loaded={invited_loaded}>
            <td>
                <b>{ if action.is_empty() { "—".to_owned() } else { action.clone() } }</b>
                <div class="id">{h.handshake_id.clone().unwrap_or_else(|| "no handshake id".to_owned())}</div>
            </td>
            <td>
                <span class="id">{or_dash(&h.target)}</span>
                if let Some(t) = &h.target_type { <span class="muted small">{format!(" {t}")}</span> }
                { for h.parties.iter().filter(|p| h.target.as_deref() != Some(p.id.as_str())).map(|p| html! {
                    <div class="muted small">{format!("{}: {}", p.party_type.to_lowercase(), p.id)}</div>
                }) }
            </td>
            <td class="notes">{or_dash(&h.invitation_notes)}</td>
            <td class="time">
                <div>{display::time(h.requested_time)}</div>
                <div class="muted">{"expires "}{display::time(h.expiration_time)}</div>
            </td>
            <td>
                <span class={classes!("badge", state_class)}>{state_text}</span>
                if let Some(text) = resolution { <div class="small">{text}</div> }
                if let Some(text) = waited { <div class="muted small">{text}</div> }
            </td>
            <td>
                {h.requester.clone().unwrap_or_else(|| "unknown".to_owned())}
                if let Some(account) = &h.requester_account_id { <div class="id">{account}</div> }
            </td>
            <td class="notes">
                if h.invited_account_loaded == Some(false) {
                    <span class="badge warn-badge" data-testid="invited-not-loaded" title={not_loaded_note}>{"invited account not loaded"}</span>
                }
                if !h.request_seen && !failed_call {
                    <div class="warn-note">{"The invitation itself is not loaded (seen only through responses)."}</div>
                }
                { for h.failed_attempts.iter().map(|a| html! {
                    <div class="error small" data-testid="failed-attempt">
                        {format!("{} refused: ", a.event_name)}<code>{&a.error_code}</code>
                        {format!(" — by {}{} at {} UTC", a.actor, a.account_id.as_deref().map(|x| format!(" ({x})")).unwrap_or_default(), display::time(a.time))}
                    </div>
                }) }
                { for h.remarks.iter().map(|r| html! { <div class="remark">{r}</div> }) }
            </td>
            <td>{ show_button(show, handshake_label(h), h.handshake_id.as_deref(), &h.event_ids) }</td>
        </tr>
    }
}

// --- membership

/// Hook: `[data-testid=membership-change]` with `data-account-id`, `data-kind` (CREATED |
/// INVITED_JOINED | LEFT | LEFT_DENIED | REMOVED | CLOSED), `data-time` (ISO 8601 UTC,
/// empty when unknown) and `data-outcome` (DONE | PENDING | FAILED).
#[function_component(Membership)]
fn membership(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    let rows = &props.report.membership;
    let body = if rows.is_empty() {
        html! { <p class="muted">{"No account joined, left, was removed or closed in the loaded events."}</p> }
    } else {
        html! {
            <>
            <div class="table-wrap">
                <table class="org-table">
                    <thead><tr>
                        <th>{"Time (UTC)"}</th><th>{"Account"}</th><th>{"Change"}</th><th>{"By"}</th>
                        <th>{"Details"}</th><th><span class="sr-only">{"Events"}</span></th>
                    </tr></thead>
                    <tbody>{ for rows.iter().take(*limit).map(|m| membership_row(m, &props.show)) }</tbody>
                </table>
            </div>
            { more_button(&limit, rows.len()) }
            </>
        }
    };
    section(
        "org-membership",
        "membership",
        "Membership changes",
        Some(rows.len()),
        body,
    )
}

fn membership_row(m: &MembershipChange, show: &ShowEvents) -> Html {
    let (kind_attr, kind_words, kind_class) = membership_kind(m.kind);
    let (outcome_attr, outcome_words) = outcome(m.outcome);
    html! {
        <tr data-testid="membership-change" data-account-id={m.account_id.clone().unwrap_or_default()}
            data-kind={kind_attr} data-time={m.time.map(format_iso).unwrap_or_default()}
            data-outcome={outcome_attr}
            class={classes!((m.outcome == ChangeOutcome::Failed).then_some("failed"))}>
            <td class="time">{display::time(m.time)}</td>
            <td>
                <span class="id">{or_dash(&m.account_id)}</span>
                if let Some(name) = &m.account_name { <div class="muted small">{name}</div> }
            </td>
            <td>
                <span class={classes!("badge", kind_class)}>{kind_words}</span>
                if m.outcome != ChangeOutcome::Done { <div class="small muted">{outcome_words}</div> }
            </td>
            <td>{or_dash(&m.actor)}</td>
            <td class="notes">
                if !m.details.is_empty() { <div>{&m.details}</div> }
                if let Some(method) = &m.method { <div class="muted small">{format!("method: {method}")}</div> }
                if let Some(id) = m.lifecycle_id.as_ref().filter(|id| !m.details.contains(id.as_str())) {
                    <div class="id small">{id}</div>
                }
                if let Some(code) = &m.error_code {
                    <div class="error"><code>{code}</code>{m.error_message.as_deref().map(|x| format!(": {x}")).unwrap_or_default()}</div>
                }
            </td>
            <td>{ show_button(show, membership_label(m), None, &m.event_ids) }</td>
        </tr>
    }
}

// --- structure and policy changes

/// Hook: `[data-testid=org-change]` with `data-kind` (the model's `ChangeKind` name),
/// `data-event-name` and `data-succeeded`.
#[function_component(Changes)]
fn changes(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    let rows = &props.report.changes;
    let body = if rows.is_empty() {
        html! { <p class="muted">{"No OU, policy or other organization change is loaded."}</p> }
    } else {
        html! {
            <>
            <div class="table-wrap">
                <table class="org-table">
                    <thead><tr>
                        <th>{"Time (UTC)"}</th><th>{"Change"}</th><th>{"By"}</th><th>{"Targets"}</th>
                        <th>{"Details"}</th><th>{"Result"}</th><th><span class="sr-only">{"Events"}</span></th>
                    </tr></thead>
                    <tbody>{ for rows.iter().take(*limit).map(|c| change_row(c, &props.show)) }</tbody>
                </table>
            </div>
            { more_button(&limit, rows.len()) }
            </>
        }
    };
    section(
        "org-changes",
        "changes",
        "Structure and policy changes",
        Some(rows.len()),
        body,
    )
}

fn change_row(c: &OrgChange, show: &ShowEvents) -> Html {
    let other = c.kind == ChangeKind::Other;
    html! {
        <tr data-testid="org-change" data-kind={format!("{:?}", c.kind)} data-event-name={c.event_name.clone()}
            data-succeeded={c.succeeded.to_string()} class={classes!((!c.succeeded).then_some("failed"))}>
            <td class="time">{display::time(c.time)}</td>
            <td>
                <b>{&c.event_name}</b>
                if other { <div class="muted small">{"other write call"}</div> }
            </td>
            <td>
                {&c.actor}
                if let Some(account) = &c.account_id { <div class="id">{account}</div> }
            </td>
            <td>
                { for c.targets.iter().map(|t| html! {
                    <div class="target">
                        <span class="muted">{format!("{}: ", t.role)}</span>
                        if let Some(name) = &t.name { <span>{name}</span>{" "} }
                        <span class="id">{&t.id}</span>
                    </div>
                }) }
            </td>
            <td class="notes">{&c.details}</td>
            <td>
                if c.succeeded {
                    <span class="badge ok">{"ok"}</span>
                } else {
                    <span class="badge bad">{"FAILED"}</span>
                    if let Some(code) = &c.error_code { <div><code>{code}</code></div> }
                    if let Some(message) = &c.error_message { <div class="muted small">{message}</div> }
                }
            </td>
            <td>{ show_button(show, change_label(c), None, &c.event_ids) }</td>
        </tr>
    }
}

// --- the organization tree as of a time

/// The times the tree changes, then the end of the data: the slider's stops.
fn tree_steps(report: &OrgReport) -> Vec<EpochMillis> {
    let mut steps: Vec<EpochMillis> = report.tree_events.iter().filter_map(|e| e.time).collect();
    steps.extend(report.reference_time);
    steps.sort_unstable();
    steps.dedup();
    steps
}

fn describe_op(op: &TreeOp) -> String {
    let opt = |x: &Option<String>| x.clone().unwrap_or_else(|| "?".to_owned());
    match op {
        TreeOp::OrganizationCreated {
            organization_id, ..
        } => format!("organization {} created", opt(organization_id)),
        TreeOp::OrganizationDeleted => "organization deleted".to_owned(),
        TreeOp::OuCreated {
            ou_id,
            name,
            parent_id,
        } => format!(
            "OU {} ({ou_id}) created under {}",
            opt(name),
            opt(parent_id)
        ),
        TreeOp::OuRenamed { ou_id, name } => format!("OU {ou_id} renamed {name}"),
        TreeOp::OuDeleted { ou_id } => format!("OU {ou_id} deleted"),
        TreeOp::AccountMoved {
            account_id,
            source_parent_id,
            destination_parent_id,
        } => format!(
            "account {account_id} moved from {} to {}",
            opt(source_parent_id),
            opt(destination_parent_id)
        ),
        TreeOp::AccountJoined { account_id, .. } => format!("account {account_id} joined"),
        TreeOp::AccountDeparted { account_id } => format!("account {account_id} departed"),
        TreeOp::AccountClosed { account_id } => format!("account {account_id} closed"),
        TreeOp::Referenced { id } => format!("{id} seen"),
    }
}

/// Hooks: `[data-testid=tree-time]` (a range over the times the tree changes),
/// `[data-testid=tree-time-text]` (any UTC time; applied on change), `[data-testid=org-tree]`
/// with `data-at` (ISO), and `[data-testid=tree-node]` with `data-node-id`, `data-kind`
/// (ROOT | OU | ACCOUNT), `data-inferred` and `data-closed`.
#[function_component(TreeSection)]
fn tree_section(props: &SectionProps) -> Html {
    let steps = use_memo(props.report.clone(), |r| tree_steps(r));
    // The chosen time, for the report it was chosen in (a new report starts at its end).
    let chosen = use_state(|| None::<(Shared, EpochMillis)>);
    let bad_time = use_state(|| None::<String>);
    let at = chosen
        .as_ref()
        .filter(|(r, _)| *r == props.report)
        .map(|(_, t)| *t)
        .or_else(|| steps.last().copied());
    let tree = use_memo((props.report.clone(), at), |(r, at)| {
        at.map(|t| org_tree_at(r, t))
    });
    let Some(at) = at else {
        return section(
            "org-tree",
            "tree-section",
            "Organization tree",
            None,
            html! { <p class="muted">{"No loaded event has a time, so no tree can be drawn."}</p> },
        );
    };
    // The last stop at or before the chosen time.
    let index = steps.iter().rposition(|t| *t <= at).unwrap_or(0);
    let set = {
        let (chosen, report) = (chosen.clone(), props.report.clone());
        move |t: EpochMillis| chosen.set(Some((report.clone(), t)))
    };
    let on_slide = {
        let (steps, set) = (Rc::clone(&steps), set.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(t) = input
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| steps.get(i))
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
    let previous = if steps.get(index).is_some_and(|t| *t < at) {
        steps.get(index).copied()
    } else {
        index.checked_sub(1).and_then(|i| steps.get(i).copied())
    };
    let next = steps.iter().find(|t| **t > at).copied();
    let here: Vec<String> = props
        .report
        .tree_events
        .iter()
        .filter(|e| e.time == Some(at) && !matches!(e.op, TreeOp::Referenced { .. }))
        .map(|e| describe_op(&e.op))
        .collect();
    let body = html! {
        <>
        <div class="tree-controls">
            <label class="muted" for="tree-time">{"As of"}</label>
            <input id="tree-time" type="range" data-testid="tree-time" min="0"
                   max={steps.len().saturating_sub(1).to_string()} step="1" value={index.to_string()}
                   disabled={steps.len() < 2} oninput={on_slide}
                   title="Each stop is a time the tree changed; the last is the end of the loaded data" />
            { step_button("◀", "Previous change", previous) }
            { step_button("▶", "Next change", next) }
            { step_button("Latest", "The end of the loaded data", steps.last().copied()) }
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
    section("org-tree", "tree-section", "Organization tree", None, body)
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

// --- per-account swimlanes

#[derive(Clone, Copy, Debug, PartialEq)]
enum Shape {
    Dot,
    Ring,
    Square,
    Cross,
}

#[derive(Clone, Debug, PartialEq)]
struct Mark {
    t: EpochMillis,
    shape: Shape,
    class: &'static str,
    what: String,
}

#[derive(Clone, Debug, PartialEq)]
struct Span {
    /// `None`: from the start of the axis (before the loaded data).
    from: Option<EpochMillis>,
    /// `None`: to the end of the axis (still so at the end of the data).
    to: Option<EpochMillis>,
    class: &'static str,
    label: Option<String>,
    what: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Lane {
    account: String,
    name: Option<String>,
    marks: Vec<Mark>,
    spans: Vec<Span>,
    /// Latencies in words ("created in 1 min 35 s"), shown by the lane's name.
    latencies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Lanes {
    lanes: Vec<Lane>,
    /// Every time drawn, sorted and distinct (with the end of the data).
    times: Vec<EpochMillis>,
}

/// Where a time goes on a lane, in percent of the plot's width (a 2% margin at each end
/// keeps end marks whole). Linear in time, or evenly spaced by distinct time ("even"),
/// which keeps events minutes apart distinguishable on an axis of months.
#[derive(Clone, Copy)]
struct Axis<'a> {
    times: &'a [EpochMillis],
    even: bool,
}

impl Axis<'_> {
    fn min(&self) -> EpochMillis {
        self.times.first().copied().unwrap_or(0)
    }

    fn max(&self) -> EpochMillis {
        self.times.last().copied().unwrap_or(0)
    }

    fn x(&self, t: EpochMillis) -> f64 {
        let n = self.times.len();
        if self.even {
            if n < 2 {
                return 50.0;
            }
            let rank = self.times.partition_point(|x| *x < t).min(n - 1);
            return 2.0 + 96.0 * rank as f64 / (n - 1) as f64;
        }
        let span = self.max().saturating_sub(self.min());
        if span <= 0 {
            50.0
        } else {
            2.0 + 96.0 * t.saturating_sub(self.min()) as f64 / span as f64
        }
    }

    /// Up to five labelled times.
    fn ticks(&self) -> Vec<EpochMillis> {
        let (n, min, max) = (self.times.len(), self.min(), self.max());
        if n == 0 {
            Vec::new()
        } else if max <= min {
            vec![min]
        } else if self.even {
            let mut ticks: Vec<EpochMillis> = (0..5).map(|k| self.times[k * (n - 1) / 4]).collect();
            ticks.dedup();
            ticks
        } else {
            (0..=4).map(|k| min + (max - min) / 4 * k).collect()
        }
    }
}

fn when(t: EpochMillis) -> String {
    format!("{} UTC", display::time(Some(t)))
}

/// One lane per account id seen in a lifecycle, on one time axis.
fn build_lanes(r: &OrgReport) -> Lanes {
    let mut lanes: BTreeMap<String, Lane> = BTreeMap::new();
    fn lane<'a>(lanes: &'a mut BTreeMap<String, Lane>, id: &str) -> &'a mut Lane {
        lanes.entry(id.to_owned()).or_insert_with(|| Lane {
            account: id.to_owned(),
            ..Lane::default()
        })
    }
    for c in &r.creations {
        let Some(account) = c.account_id.as_deref() else {
            continue;
        };
        let l = lane(&mut lanes, account);
        if l.name.is_none() {
            l.name = c.account_name.clone();
        }
        if let Some(t) = c.requested_time {
            l.marks.push(Mark {
                t,
                shape: Shape::Ring,
                class: "m-request",
                what: format!(
                    "CreateAccount requested by {} at {}",
                    c.requester.as_deref().unwrap_or("unknown"),
                    when(t)
                ),
            });
        }
        if let (Some(a), Some(b)) = (c.requested_time, c.completed_time) {
            if b >= a {
                let took = human_duration(b - a);
                l.latencies.push(format!("created in {took}"));
                l.spans.push(Span {
                    from: Some(a),
                    to: Some(b),
                    class: "s-creating",
                    label: Some(took.clone()),
                    what: format!("creation: request → result in {took}"),
                });
            }
        }
    }
    for h in &r.handshakes {
        let account = h
            .target
            .as_deref()
            .filter(|t| is_account_id(t))
            .or(match h.state {
                HandshakeState::Accepted | HandshakeState::Declined => {
                    h.resolved_account_id.as_deref()
                }
                _ => None,
            });
        let Some(account) = account else { continue };
        let Some(asked) = h.requested_time else {
            continue;
        };
        let (_, state, _) = handshake_state(h.state);
        let l = lane(&mut lanes, account);
        l.marks.push(Mark {
            t: asked,
            shape: Shape::Ring,
            class: "m-invite",
            what: format!(
                "{} requested by {} at {}",
                h.action.as_deref().unwrap_or("handshake"),
                h.requester.as_deref().unwrap_or("unknown"),
                when(asked)
            ),
        });
        let (end, class) = match h.state {
            HandshakeState::Accepted => (h.resolved_time, "m-ok"),
            HandshakeState::Declined => (h.resolved_time, "m-bad"),
            HandshakeState::Canceled => (h.resolved_time, "m-muted"),
            HandshakeState::Expired => (h.expiration_time, "m-muted"),
            HandshakeState::Open => (None, "m-open"),
            HandshakeState::Unknown | HandshakeState::FailedCall => continue,
        };
        match end {
            Some(end) if end >= asked => {
                let took = human_duration(end - asked);
                l.latencies
                    .push(format!("invitation {} after {took}", state.to_lowercase()));
                l.spans.push(Span {
                    from: Some(asked),
                    to: Some(end),
                    class: "s-invite",
                    label: Some(took.clone()),
                    what: format!("invitation {state} after {took}"),
                });
                if h.state != HandshakeState::Accepted {
                    // An acceptance is drawn by the join below.
                    l.marks.push(Mark {
                        t: end,
                        shape: Shape::Dot,
                        class,
                        what: format!("invitation {state} at {}", when(end)),
                    });
                }
            }
            _ => l.spans.push(Span {
                from: Some(asked),
                to: None,
                class: "s-open",
                label: None,
                what: format!(
                    "invitation {state}: unanswered at the end of the data (expires {} UTC)",
                    display::time(h.expiration_time)
                ),
            }),
        }
    }
    // Membership, in time order: joins open a member band, departures close it.
    let mut open: BTreeMap<String, Option<EpochMillis>> = BTreeMap::new();
    for m in &r.membership {
        let Some(account) = m.account_id.as_deref() else {
            continue;
        };
        let (_, words, _) = membership_kind(m.kind);
        let l = lane(&mut lanes, account);
        if l.name.is_none() {
            l.name = m.account_name.clone();
        }
        let done = m.outcome != ChangeOutcome::Failed;
        if let Some(t) = m.time {
            let (shape, class) = match m.kind {
                MembershipKind::Created | MembershipKind::InvitedJoined => (Shape::Dot, "m-ok"),
                MembershipKind::LeftDenied => (Shape::Cross, "m-warn"),
                MembershipKind::Left | MembershipKind::Removed | MembershipKind::Closed => {
                    (Shape::Dot, "m-bad")
                }
            };
            let by = m
                .actor
                .as_deref()
                .map(|a| format!(" by {a}"))
                .unwrap_or_default();
            l.marks.push(Mark {
                t,
                shape,
                class,
                what: format!("{words}{by} at {}", when(t)),
            });
        }
        match m.kind {
            MembershipKind::Created | MembershipKind::InvitedJoined if done => {
                open.entry(account.to_owned()).or_insert(m.time);
            }
            MembershipKind::Left | MembershipKind::Removed | MembershipKind::Closed if done => {
                // A departure with no join loaded: a member since before the data.
                let from = open.remove(account).flatten();
                l.spans.push(Span {
                    from,
                    to: m.time,
                    class: if from.is_none() {
                        "s-member-before"
                    } else {
                        "s-member"
                    },
                    label: None,
                    what: format!("member until {words}"),
                });
            }
            _ => {}
        }
    }
    for (account, from) in open {
        lane(&mut lanes, &account).spans.push(Span {
            from,
            to: None,
            class: "s-member",
            label: None,
            what: "member at the end of the data".to_owned(),
        });
    }
    for c in &r.changes {
        if c.kind != ChangeKind::MoveAccount || !c.succeeded {
            continue;
        }
        let Some(t) = c.time else { continue };
        let destination = c
            .targets
            .iter()
            .find(|x| x.role == "destination")
            .map(|x| x.name.clone().unwrap_or_else(|| x.id.clone()))
            .unwrap_or_else(|| "?".to_owned());
        for target in c.targets.iter().filter(|x| x.role == "account") {
            lane(&mut lanes, &target.id).marks.push(Mark {
                t,
                shape: Shape::Square,
                class: "m-move",
                what: format!("moved to {destination} by {} at {}", c.actor, when(t)),
            });
        }
    }
    let mut lanes: Vec<Lane> = lanes.into_values().collect();
    let first = |l: &Lane| {
        l.marks
            .iter()
            .map(|m| m.t)
            .chain(l.spans.iter().filter_map(|s| s.from))
            .min()
    };
    lanes.sort_by(|a, b| {
        (first(a).unwrap_or(i64::MAX), &a.account).cmp(&(first(b).unwrap_or(i64::MAX), &b.account))
    });
    let mut times: Vec<EpochMillis> = lanes
        .iter()
        .flat_map(|l| {
            l.marks
                .iter()
                .map(|m| m.t)
                .chain(l.spans.iter().flat_map(|s| s.from.into_iter().chain(s.to)))
        })
        .collect();
    if !times.is_empty() {
        times.extend(r.reference_time);
    }
    times.sort_unstable();
    times.dedup();
    Lanes { lanes, times }
}

/// Hooks: `[data-testid=swimlane]`, and `[data-testid=lane]` with `data-account-id`.
#[function_component(Swimlanes)]
fn swimlanes(props: &SectionProps) -> Html {
    let lanes = use_memo(props.report.clone(), |r| build_lanes(r));
    let limit = use_state(|| PAGE_ROWS);
    let even = use_state(|| false);
    let axis_spec = Axis {
        times: &lanes.times,
        even: *even,
    };
    let (min, max) = (axis_spec.min(), axis_spec.max());
    let x = |t: EpochMillis| axis_spec.x(t);
    let pct = |v: f64| format!("{v:.3}%");
    let body = if lanes.lanes.is_empty() {
        html! { <p class="muted">{"No account has a lifecycle with a known time in the loaded events."}</p> }
    } else {
        let ticks = axis_spec.ticks();
        let scale_button = |label: &str, value: bool, title: &str| {
            let even = even.clone();
            html! {
                <button class={classes!("button", "small", (*even == value).then_some("active"))}
                        data-testid="axis-mode" data-even={value.to_string()} title={title.to_owned()}
                        onclick={Callback::from(move |_: MouseEvent| even.set(value))}>{label}</button>
            }
        };
        let controls = html! {
            <div class="axis-controls">
                <span class="muted small">{"Time axis:"}</span>
                { scale_button("linear", false, "Positions proportional to time") }
                { scale_button("even spacing", true, "Each distinct time one step apart: events minutes apart stay distinguishable on an axis of months") }
            </div>
        };
        let axis = html! {
            <div class="lane axis">
                <div class="lane-label muted">{"Account"}</div>
                <svg class="lane-plot" width="100%" height="22" aria-hidden="true">
                    { for ticks.iter().enumerate().map(|(i, t)| {
                        let anchor = if ticks.len() == 1 { "middle" } else if i == 0 { "start" } else if i + 1 == ticks.len() { "end" } else { "middle" };
                        html! {
                            <>
                            <line class="tick" x1={pct(x(*t))} x2={pct(x(*t))} y1="16" y2="22" />
                            <text class="tick-label" x={pct(x(*t))} y="12" text-anchor={anchor}>{display::time(Some(*t))}</text>
                            </>
                        }
                    }) }
                </svg>
            </div>
        };
        let lane_html = |l: &Lane| {
            html! {
                <div class="lane" data-testid="lane" data-account-id={l.account.clone()}>
                    <div class="lane-label" title={l.latencies.join("; ")}>
                        <span class="id">{&l.account}</span>
                        if let Some(name) = &l.name { <span class="muted">{format!(" {name}")}</span> }
                        if !l.latencies.is_empty() { <div class="latency">{l.latencies.join(" · ")}</div> }
                    </div>
                    <svg class="lane-plot" width="100%" height="30" role="img" aria-label={format!("lifecycle of account {}", l.account)}>
                        <line class="lane-base" x1="0%" x2="100%" y1="15" y2="15" />
                        { for l.spans.iter().map(|s| {
                            let (a, b) = (x(s.from.unwrap_or(min)), x(s.to.unwrap_or(max)));
                            html! {
                                <g class={classes!("span", s.class)}>
                                    <rect x={pct(a)} width={pct((b - a).max(0.0))} y="11" height="8" rx="2"><title>{&s.what}</title></rect>
                                    if let Some(label) = &s.label {
                                        <text class="span-label" x={pct(a)} dx="6" y="8">{label}</text>
                                    }
                                </g>
                            }
                        }) }
                        { for l.marks.iter().map(|m| {
                            let cx = pct(x(m.t));
                            match m.shape {
                                Shape::Dot => html! { <circle class={classes!("mark", m.class)} cx={cx} cy="15" r="5"><title>{&m.what}</title></circle> },
                                Shape::Ring => html! { <circle class={classes!("mark", "ring", m.class)} cx={cx} cy="15" r="4.5"><title>{&m.what}</title></circle> },
                                Shape::Square => html! { <rect class={classes!("mark", m.class)} x={cx} y="11" width="8" height="8" transform="translate(-4 0)"><title>{&m.what}</title></rect> },
                                Shape::Cross => html! { <text class={classes!("mark", "cross", m.class)} x={cx} y="20" text-anchor="middle"><title>{&m.what}</title>{"✕"}</text> },
                            }
                        }) }
                    </svg>
                </div>
            }
        };
        html! {
            <>
            {controls}
            <div class="swimlane" data-testid="swimlane" data-accounts={lanes.lanes.len().to_string()}>
                {axis}
                { for lanes.lanes.iter().take(*limit).map(lane_html) }
            </div>
            { more_button(&limit, lanes.lanes.len()) }
            <p class="legend muted small">
                <span class="key k-ring">{"○"}</span>{" requested / invited  "}
                <span class="key k-ok">{"●"}</span>{" created / joined  "}
                <span class="key k-bad">{"●"}</span>{" left / removed / closed / declined  "}
                <span class="key k-warn">{"✕"}</span>{" leave denied  "}
                <span class="key k-move">{"■"}</span>{" moved  "}
                <span class="key k-member">{"▬"}</span>{" member  "}
                <span class="key k-creating">{"▬"}</span>{" request → result (latency)  "}
                <span class="key k-invite">{"▬"}</span>{" invitation → answer"}
            </p>
            </>
        }
    };
    section(
        "org-swimlanes",
        "swimlanes",
        "Accounts over time",
        Some(lanes.lanes.len()),
        body,
    )
}
