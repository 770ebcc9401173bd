//! The Organization view: the lifecycles [`crate::orgs`] reconstructs from the loaded
//! events, drawn for a person who must answer "who created, invited, moved, removed or
//! closed which account, when, and did it work?". What each part shows is decided in
//! [`crate::orgs::sections`] and [`crate::orgs::swimlane`]; these files only draw it.
//!
//! Entry points:
//! - [`OrgsView`]: the tab (warnings, account creations, handshakes, membership changes,
//!   structure and policy changes, the org tree as of a chosen time, per-account swimlanes);
//! - [`use_org_report`]: the report of the loaded data, asked of the worker once per data
//!   generation (the event table's detail pane uses it too);
//! - [`lifecycle_links`] and [`PartOf`]: the detail pane's "Part of: …" links back.
//!
//! Files: this one (the tab, its header and the report hook), `sections.rs` (the section
//! skeleton, warnings and the four tables), `tree.rs`, `swimlane.rs` and `part_of.rs`.
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
//! Long sections draw `PAGE_ROWS` (250) rows, then offer "show more" / "show
//! all"; every section is its own component, so moving the tree's time slider redraws only
//! the tree.
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

mod part_of;
mod sections;
mod swimlane;
mod tree;

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::display;
use crate::orgs::sections::nav;
use crate::orgs::OrgReport;
use crate::web::shared::Shared;
use crate::web::worker::engine::Engine;

pub use crate::orgs::sections::{lifecycle_links, LifecycleLink};
pub use part_of::PartOf;

use sections::{Changes, Creations, Handshakes, Membership, Warnings};
use swimlane::Swimlanes;
use tree::TreeSection;

/// Show the events of this query in the Events tab (a drill-down, written into the query
/// and the address; [`crate::orgs::sections::drill_query`] builds it).
pub type ShowEvents = Callback<String>;

// --- the report, fetched once per generation

/// A report and the data generation it was asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    pub generation: u32,
    pub report: Shared<OrgReport>,
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
    pub fn current(&self, generation: u32) -> Option<&Shared<OrgReport>> {
        self.fetched
            .as_ref()
            .filter(|f| f.generation == generation)
            .map(|f| &f.report)
    }
}

/// Asks the worker for the Organizations report (the engine has logged why when `None`).
pub async fn fetch_report(engine: &Engine) -> Option<OrgReport> {
    engine.orgs().await.ok()
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
    report: Shared<OrgReport>,
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
                { for nav(r).into_iter().map(|(section, n)| {
                    let selector = format!("#{}", section.id);
                    html! {
                        // Not a `#` link: the page address's hash holds app state (sample, rules).
                        <button class="link" onclick={Callback::from(move |e: MouseEvent| scroll_to(&e, &selector))}>
                            {section.nav}{ match n { Some(n) if n > 0 => format!(" ({})", display::count(n as u64)), _ => String::new() } }
                        </button>
                    }
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
