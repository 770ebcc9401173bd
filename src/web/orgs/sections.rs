//! The Organization tab's sections: one skeleton (a collapsible section; for a table, its
//! headings, a page of rows and "show more") and the warnings plus the four tables drawn
//! on it. Words, labels and columns come from [`crate::orgs::sections`].

use yew::prelude::*;

use super::ShowEvents;
use crate::display;
use crate::orgs::sections::{
    change_label, creation_badge, creation_failure, creation_label, drill_query, handshake_badge,
    handshake_label, handshake_resolution, handshake_wait, human_duration, invited_loaded,
    invited_not_loaded_note, membership_badge, membership_label, outcome_words,
    warning_is_about_data, warning_title, Section, CHANGES, CREATIONS, HANDSHAKES, MEMBERSHIP,
};
use crate::orgs::{
    AccountCreation, ChangeKind, ChangeOutcome, CreationState, Handshake, HandshakeState,
    MembershipChange, OrgChange, OrgReport,
};
use crate::time::format_iso;
use crate::web::shared::Shared;

/// Rows drawn per section before a "show more" button (the DOM stays small for big orgs).
pub const PAGE_ROWS: usize = 250;

#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub report: Shared<OrgReport>,
    pub show: ShowEvents,
}

// --- the skeleton

/// A collapsible section with a heading and a count.
pub fn section(spec: &Section, count: Option<usize>, body: Html) -> Html {
    html! {
        <details class="org-section" id={spec.id} data-testid={spec.testid} open=true>
            <summary>
                <h2>{spec.title}</h2>
                if let Some(n) = count { <span class="count">{display::count(n as u64)}</span> }
            </summary>
            {body}
        </details>
    }
}

/// A section holding a table of `rows`: its columns, the first `limit` rows drawn by `row`,
/// then "show more"; or the section's empty text.
fn table_section<T>(
    spec: &Section,
    limit: &UseStateHandle<usize>,
    rows: &[T],
    row: impl Fn(&T) -> Html,
) -> Html {
    let body = if rows.is_empty() {
        html! { <p class="muted">{spec.empty}</p> }
    } else {
        html! {
            <>
            <div class="table-wrap">
                <table class="org-table">
                    <thead><tr>
                        { for spec.columns.iter().map(|c| html! { <th>{*c}</th> }) }
                        <th><span class="sr-only">{"Events"}</span></th>
                    </tr></thead>
                    <tbody>{ for rows.iter().take(**limit).map(row) }</tbody>
                </table>
            </div>
            { more_button(limit, rows.len()) }
            </>
        }
    };
    section(spec, Some(rows.len()), body)
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
pub fn more_button(limit: &UseStateHandle<usize>, total: usize) -> Html {
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

fn or_dash(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "—".to_owned())
}

// --- warnings

/// Hook: `[data-testid=org-warning]` with `data-kind` (the model's `WarningKind` name).
#[function_component(Warnings)]
pub fn warnings(props: &SectionProps) -> Html {
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
pub fn creations(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    table_section(&CREATIONS, &limit, &props.report.creations, |c| {
        creation_row(c, &props.show)
    })
}

fn creation_row(c: &AccountCreation, show: &ShowEvents) -> Html {
    let state = creation_badge(c.state);
    let failed_call = c.state == CreationState::FailedCall;
    html! {
        <tr data-testid="account-creation" data-request-id={c.request_id.clone().unwrap_or_default()}
            data-state={state.attr} data-request-seen={c.request_seen.to_string()}
            data-account-id={c.account_id.clone().unwrap_or_default()}
            data-account-name={c.account_name.clone().unwrap_or_default()}
            data-failure-reason={creation_failure(c)} data-failed-call={failed_call.to_string()}>
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
                <span class={classes!("badge", state.class)}>{state.text}</span>
                if let Some(raw) = c.result_state.as_deref().filter(|s| !s.eq_ignore_ascii_case(state.attr)) {
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
pub fn handshakes(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    table_section(&HANDSHAKES, &limit, &props.report.handshakes, |h| {
        handshake_row(h, &props.show)
    })
}

fn handshake_row(h: &Handshake, show: &ShowEvents) -> Html {
    let state = handshake_badge(h.state);
    let action = h.action.clone().unwrap_or_default().to_ascii_uppercase();
    let failed_call = h.state == HandshakeState::FailedCall;
    html! {
        <tr data-testid="handshake" data-handshake-id={h.handshake_id.clone().unwrap_or_default()}
            data-action={action.clone()} data-state={state.attr} data-target={h.target.clone().unwrap_or_default()}
            data-request-seen={h.request_seen.to_string()} data-failed-call={failed_call.to_string()}
            data-invited-loaded={invited_loaded(h)}>
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
                <span class={classes!("badge", state.class)}>{state.text}</span>
                if let Some(text) = handshake_resolution(h) { <div class="small">{text}</div> }
                if let Some(text) = handshake_wait(h) { <div class="muted small">{text}</div> }
            </td>
            <td>
                {h.requester.clone().unwrap_or_else(|| "unknown".to_owned())}
                if let Some(account) = &h.requester_account_id { <div class="id">{account}</div> }
            </td>
            <td class="notes">
                if h.invited_account_loaded == Some(false) {
                    <span class="badge warn-badge" data-testid="invited-not-loaded" title={invited_not_loaded_note(h)}>{"invited account not loaded"}</span>
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
pub fn membership(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    table_section(&MEMBERSHIP, &limit, &props.report.membership, |m| {
        membership_row(m, &props.show)
    })
}

fn membership_row(m: &MembershipChange, show: &ShowEvents) -> Html {
    let kind = membership_badge(m.kind);
    let (outcome_attr, outcome_text) = outcome_words(m.outcome);
    html! {
        <tr data-testid="membership-change" data-account-id={m.account_id.clone().unwrap_or_default()}
            data-kind={kind.attr} data-time={m.time.map(format_iso).unwrap_or_default()}
            data-outcome={outcome_attr}
            class={classes!((m.outcome == ChangeOutcome::Failed).then_some("failed"))}>
            <td class="time">{display::time(m.time)}</td>
            <td>
                <span class="id">{or_dash(&m.account_id)}</span>
                if let Some(name) = &m.account_name { <div class="muted small">{name}</div> }
            </td>
            <td>
                <span class={classes!("badge", kind.class)}>{kind.text}</span>
                if m.outcome != ChangeOutcome::Done { <div class="small muted">{outcome_text}</div> }
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
pub fn changes(props: &SectionProps) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    table_section(&CHANGES, &limit, &props.report.changes, |c| {
        change_row(c, &props.show)
    })
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
