//! The page: toolbar, drop zone, tabs, and where the load's progress and summary go
//! ([`crate::web::page::summary`]).
//!
//! State is one [`AppState`] changed only through [`Action`]s (Yew's todomvc pattern);
//! loads run as async tasks ([`crate::web::page::load`]) that talk to the worker through the
//! [`Engine`]'s typed methods and dispatch actions as answers arrive.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

use crate::display;
use crate::web::browser::address::{hash_items, navigate};
use crate::web::browser::files::{self, DroppedItems, PickedFile};
use crate::web::events::timeline_view::TimelineView;
use crate::web::integrity_view::IntegrityView;
use crate::web::orgs::OrgsView;
use crate::web::page::load::{finish, load_files};
use crate::web::page::state::{Action, AppState, LoadState, Tab};
use crate::web::page::summary::{Ledger, LoadStatus, SummaryView};
use crate::web::page::theme::ThemeSwitch;
use crate::web::rules::RulesView;
use crate::web::worker::engine::{Added, Engine};

/// The view keys of the Events tab a drill-down replaces (it starts a fresh view).
const VIEW_KEYS: [&str; 4] = ["q", "from", "to", "sel"];

/// Opens a tab: a new history entry, so Back returns to the one before.
fn open_tab(tab: Tab) {
    let mut items = hash_items();
    crate::web::browser::address::set_item(&mut items, Tab::KEY, tab.key());
    navigate(&items, false);
}

/// Shows a query's events in the Events tab: one history entry for the tab and the query.
fn show_query(query: &str) {
    let mut items = hash_items();
    crate::web::browser::address::set_item(&mut items, Tab::KEY, None);
    for key in VIEW_KEYS {
        crate::web::browser::address::set_item(&mut items, key, None);
    }
    crate::web::browser::address::set_item(&mut items, "q", Some(query));
    navigate(&items, false);
}

#[function_component(App)]
pub fn app() -> Html {
    let engine = use_memo((), |_| Engine::spawn());
    let state = use_reducer(AppState::default);
    let cancel = use_memo((), |_| Rc::new(Cell::new(false)));

    // "Load only what matches": the query every record of the next loads must match.
    let load_only = use_state(String::new);
    let load_only_valid = crate::query::parse(&load_only).is_ok();
    // Sent ahead of a load (the worker answers in order, so it applies to what follows).
    let send_load_filter = {
        let (engine, load_only) = ((*engine).clone(), load_only.clone());
        move || {
            // An invalid query is ignored (the box says so), never a stale filter kept.
            let text = load_only.trim().to_owned();
            let valid = !text.is_empty() && crate::query::parse(&text).is_ok();
            engine.set_load_filter(valid.then_some(text));
        }
    };
    let start_load = {
        let (engine, dispatcher, cancel) =
            ((*engine).clone(), state.dispatcher(), (*cancel).clone());
        let send_load_filter = send_load_filter.clone();
        Callback::from(move |files: Vec<PickedFile>| {
            if files.is_empty() {
                return;
            }
            // The data stays in this document: Back should not leave it (see below).
            guard_history();
            send_load_filter();
            cancel.set(false);
            spawn_local(load_files(
                engine.clone(),
                files,
                dispatcher.clone(),
                Rc::clone(&cancel),
            ));
        })
    };

    let on_pick = {
        let start_load = start_load.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(list) = input.files() {
                start_load.emit(files::from_file_list(&list));
            }
            // Let the same file be picked again later.
            input.set_value("");
        })
    };

    // The sample, added to what is loaded (`replace`: instead of it).
    let load_sample = {
        let (engine, dispatcher) = ((*engine).clone(), state.dispatcher());
        Callback::from(move |replace: bool| {
            send_load_filter();
            guard_history();
            let (engine, dispatcher) = (engine.clone(), dispatcher.clone());
            spawn_local(async move {
                if replace {
                    // Cleared even without an answer: the page must not show data the
                    // worker may have dropped.
                    let _ = engine.reset().await;
                    dispatcher.dispatch(Action::Cleared);
                }
                dispatcher.dispatch(Action::LoadStarted {
                    files: 1,
                    bytes: 0,
                    sample: true,
                });
                if let Ok(Added::Files { reports, events }) = engine.add_sample().await {
                    dispatcher.dispatch(Action::Progress {
                        reports,
                        bytes: 0,
                        events,
                    });
                }
                finish(&engine, &dispatcher).await;
            });
        })
    };
    // The sample is an invented organization: over real files, ask before mixing it in.
    let on_sample = {
        let (load_sample, dispatcher) = (load_sample.clone(), state.dispatcher());
        let real = state.has_files && state.events > 0;
        Callback::from(move |()| {
            if real {
                dispatcher.dispatch(Action::ConfirmSample(true));
            } else {
                load_sample.emit(false);
            }
        })
    };

    // `#sample` in the address (the hash is `&`-separated keys) loads the built-in sample
    // at once: the README's link.
    {
        let on_sample = on_sample.clone();
        use_effect_with((), move |_| {
            if crate::web::browser::address::hash_items()
                .iter()
                .any(|k| k == "sample")
            {
                on_sample.emit(());
            }
        });
    }

    // `/` jumps to the query box, `?` shows the shortcuts (not while typing in a field).
    let help = use_state(|| false);
    {
        let (help, dispatcher) = (help.clone(), state.dispatcher());
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                let active = gloo::events::EventListenerOptions::enable_prevent_default();
                gloo::events::EventListener::new_with_options(&w, "keydown", active, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || typing(e) {
                        return;
                    }
                    match e.key().as_str() {
                        "/" => {
                            e.prevent_default();
                            if Tab::from_hash(&hash_items()) != Tab::Events {
                                open_tab(Tab::Events);
                                dispatcher.dispatch(Action::ShowTab(Tab::Events));
                            }
                            focus_by_id("query");
                        }
                        "?" => {
                            e.prevent_default();
                            help.set(true);
                        }
                        _ => {}
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Back and Forward (and drill-downs, which navigate) change the tab.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "popstate", move |_| {
                    dispatcher.dispatch(Action::ShowTab(Tab::from_hash(&hash_items())));
                })
            });
            move || drop(listener)
        });
    }
    // Leaving the page throws the loaded data away: the browser asks first.
    {
        let loaded = state.events > 0 || state.load == LoadState::Loading;
        use_effect_with(loaded, move |loaded| {
            let listener = (*loaded).then(web_sys::window).flatten().map(|w| {
                gloo::events::EventListener::new_with_options(
                    &w,
                    "beforeunload",
                    gloo::events::EventListenerOptions::enable_prevent_default(),
                    |e| {
                        e.prevent_default();
                        if let Some(e) = e.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                            e.set_return_value("");
                        }
                    },
                )
            });
            move || drop(listener)
        });
    }

    let on_clear = {
        let (engine, dispatcher) = ((*engine).clone(), state.dispatcher());
        Callback::from(move |_| {
            let (engine, dispatcher) = (engine.clone(), dispatcher.clone());
            spawn_local(async move {
                let _ = engine.reset().await;
                dispatcher.dispatch(Action::Cleared);
            });
        })
    };

    let on_cancel = {
        let (dispatcher, cancel) = (state.dispatcher(), (*cancel).clone());
        Callback::from(move |_| {
            cancel.set(true);
            dispatcher.dispatch(Action::Cancel);
        })
    };

    // Drill-downs from the other tabs are queries in the Events tab.
    let show_events = Callback::from(|query: String| show_query(&query));
    let rows_changed = {
        let dispatcher = state.dispatcher();
        Callback::from(move |generation: u32| dispatcher.dispatch(Action::RowsChanged(generation)))
    };
    let show_rule = Callback::from(|name: String| {
        show_query(&crate::timeline::drill::Clause::Rule(name).query())
    });

    let on_dragover = {
        let dispatcher = state.dispatcher();
        let dragging = state.dragging;
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !dragging {
                dispatcher.dispatch(Action::Dragging(true));
            }
        })
    };
    let on_dragleave = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: DragEvent| {
            // Only when leaving the window, not when moving between children.
            if e.related_target().is_none() {
                dispatcher.dispatch(Action::Dragging(false));
            }
        })
    };
    let on_drop = {
        let (start_load, dispatcher) = (start_load.clone(), state.dispatcher());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dispatcher.dispatch(Action::Dragging(false));
            let Some(dt) = e.data_transfer() else { return };
            let dropped = DroppedItems::take(&dt);
            let start_load = start_load.clone();
            spawn_local(async move { start_load.emit(dropped.collect().await) });
        })
    };

    let s = &*state;
    let loading = s.load == LoadState::Loading;
    let total_events = s.summary.as_ref().map_or(0, |x| x.stats.events);
    let tab_button = |tab: Tab, label: &str, testid: &str| {
        let current = s.tab;
        let selected = s.tab == tab;
        html! {
            <button class={classes!("tab", selected.then_some("active"))} data-testid={testid.to_owned()}
                    id={testid.to_owned()} role="tab" aria-selected={selected.to_string()}
                    aria-controls={format!("panel-{}", tab.key().unwrap_or("events"))}
                    tabindex={if selected { "0" } else { "-1" }}
                    onclick={Callback::from(move |_| if current != tab { open_tab(tab) })}>{label}</button>
        }
    };
    // Arrow keys move between tabs (the WAI-ARIA tabs pattern), opening each.
    let on_tab_key = {
        let current = s.tab;
        Callback::from(move |e: KeyboardEvent| {
            const ORDER: [Tab; 4] = [Tab::Events, Tab::Organization, Tab::Rules, Tab::Integrity];
            let at = ORDER.iter().position(|t| *t == current).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => ORDER[(at + 1) % ORDER.len()],
                "ArrowLeft" => ORDER[(at + ORDER.len() - 1) % ORDER.len()],
                "Home" => ORDER[0],
                "End" => ORDER[ORDER.len() - 1],
                _ => return,
            };
            e.prevent_default();
            open_tab(next);
            let id = match next {
                Tab::Events => "tab-events",
                Tab::Organization => "tab-organization",
                Tab::Rules => "tab-rules",
                Tab::Integrity => "tab-integrity",
            };
            focus_by_id(id);
        })
    };
    // A link to a view (a query, a range, a selection, a tab) opened before its files.
    let waiting_view = {
        let items = hash_items();
        let view = crate::present::link::ViewState::read(&items);
        (view != crate::present::link::ViewState::default()
            || Tab::from_hash(&items) != Tab::Events)
            .then_some(view)
    };
    html! {
        <div class={classes!("app", s.dragging.then_some("dragging"))}
             ondragover={on_dragover} ondragenter={|e: DragEvent| e.prevent_default()}
             ondragleave={on_dragleave} ondrop={on_drop}>
            <header class="toolbar">
                <h1 class="brand">{"trailglass"}</h1>
                <label class="button primary" title="CloudTrail .json, .json.gz, NDJSON, CSV exports…">
                    {"Open files"}
                    <input type="file" multiple=true data-testid="file-input" class="hidden-input"
                           onchange={on_pick.clone()} />
                </label>
                <label class="button" title="A downloaded AWSLogs/ folder, read recursively">
                    {"Open folder"}
                    <input type="file" multiple=true webkitdirectory=true data-testid="folder-input"
                           class="hidden-input" onchange={on_pick} />
                </label>
                <button class="button" data-testid="load-sample" onclick={move |_| on_sample.emit(())} disabled={loading}>
                    {"Load sample data"}
                </button>
                <button class="button" data-testid="clear" onclick={on_clear} disabled={loading}>{"Clear"}</button>
                <span class="load-only" title="Keep only the events this query matches from the files loaded next: scan more logs than fit in memory">
                    <input type="text" data-testid="load-filter" placeholder="Load only: query (optional)" spellcheck="false"
                           value={(*load_only).clone()} class={classes!((!load_only_valid).then_some("invalid"))}
                           oninput={let l = load_only.clone(); move |e: InputEvent| l.set(e.target_unchecked_into::<HtmlInputElement>().value())} />
                    <button class="button small" data-testid="load-filter-orgs" title="Only AWS Organizations events"
                            onclick={let l = load_only.clone(); move |_| l.set("eventSource:organizations.amazonaws.com".to_owned())}>{"Organizations only"}</button>
                    if !load_only_valid { <span class="warn" data-testid="load-filter-error">{"not a valid query: it will be ignored"}</span> }
                </span>
                <span class="privacy">{"Files are read in this tab only: nothing is uploaded."}</span>
                <ThemeSwitch />
            </header>
            <main class="main">
            <LoadStatus load={s.load} files_done={s.files_done} files_total={s.files_total}
                        bytes_done={s.bytes_done} bytes_total={s.bytes_total} events={s.events}
                        skipped={s.summary.as_ref().filter(|_| s.load == LoadState::Done).map_or(s.skipped, |x| x.skipped)}
                        files={s.summary.as_ref().filter(|_| s.load == LoadState::Done).map_or(s.files_done, |x| x.files)}
                        cancelled={s.cancelled} interrupted={s.interrupted} on_cancel={on_cancel} />
            if s.confirm_sample {
                <div class="confirm" role="alertdialog" aria-labelledby="confirm-sample-text" data-testid="confirm-sample">
                    <span id="confirm-sample-text">
                        {"The sample is an invented organization. Loading it would mix it with your "}
                        {display::count(s.events)}{" events."}
                    </span>
                    <button class="button primary" data-testid="sample-replace"
                            onclick={let l = load_sample.clone(); move |_| l.emit(true)}>{"Replace them with the sample"}</button>
                    <button class="button" data-testid="sample-cancel"
                            onclick={let d = state.dispatcher(); move |_| d.dispatch(Action::ConfirmSample(false))}>{"Keep my files"}</button>
                </div>
            }
            if let Some((held, budget)) = s.over_budget {
                <p class="over-budget" role="alert" data-testid="over-budget" data-held={held.to_string()}
                   data-files-left={s.files_total.saturating_sub(s.files_done).to_string()}>
                    {format!("Load stopped: this tab holds {} and its memory budget is {}. {} of {} files were read and are kept; \
                              the other {} were not. Load fewer files, or use \"Load only\" to keep only the events you need.",
                        display::bytes(held), display::bytes(budget), display::count(s.files_done), display::count(s.files_total),
                        display::count(s.files_total.saturating_sub(s.files_done)))}
                </p>
            }
            if let Some(summary) = &s.summary {
                <SummaryView summary={Rc::clone(summary)} />
                <Ledger reports={s.ledger.clone()} />
            } else if !s.problems.is_empty() {
                <Ledger reports={s.problems.clone()} />
            } else if !loading {
                if let Some(view) = &waiting_view {
                    <div class="waiting-view" data-testid="waiting-view" role="status">
                        <b>{"This link opens a view"}</b>
                        { if view.query.is_empty() { String::new() } else { format!(" of the query {}", view.query) } }
                        {": load the same files (or folder) it was made from to see it. Nothing in the link leaves this page."}
                    </div>
                }
                <div class="empty-state">
                    <p class="big">{"Drop CloudTrail files or folders anywhere on this page"}</p>
                    <p>{"S3 log files (.json.gz), console exports (JSON or CSV), lookup-events output, EventBridge and CloudWatch Logs forms. Or try the "}
                       <b>{"sample data"}</b>{"."}</p>
                </div>
            }
            if total_events > 0 {
                <nav class="tabs" aria-label="Views">
                    <div role="tablist" aria-label="Views" class="tablist" onkeydown={on_tab_key}>
                        { tab_button(Tab::Events, "Events", "tab-events") }
                        { tab_button(Tab::Organization, "Organization", "tab-organization") }
                        { tab_button(Tab::Rules, "Rules", "tab-rules") }
                        { tab_button(Tab::Integrity, "Integrity", "tab-integrity") }
                    </div>
                    <button class="button small help-button" data-testid="shortcuts-button" title="Keyboard shortcuts (?)"
                            aria-haspopup="dialog" onclick={let h = help.clone(); move |_| h.set(true)}>{"?"}</button>
                </nav>
                // Always mounted (hidden when another tab shows) so the saved rules reach
                // the worker at once: badges and counts exist before the tab is opened.
                <div class="rules-tab" hidden={s.tab != Tab::Rules} role="tabpanel" id="panel-rules" aria-labelledby="tab-rules">
                    <RulesView engine={(*engine).clone()} generation={s.summary.as_ref().map_or(0, |x| x.generation)}
                               on_show_rule={show_rule} on_applied={rows_changed} />
                </div>
                // Always mounted too: its view (query, range, selection, scroll) survives a
                // visit to another tab, and nothing is asked again on the way back.
                <div class="events-tab" hidden={s.tab != Tab::Events} role="tabpanel" id="panel-events" aria-labelledby="tab-events">
                    <TimelineView engine={(*engine).clone()} data_generation={s.summary.as_ref().map_or(0, |x| x.generation)}
                                  rows_generation={s.rows_generation}
                                  on_show_events={show_events.clone()} ledger={s.ledger.clone()} />
                </div>
                if s.tab == Tab::Integrity {
                    <div class="integrity-tab" role="tabpanel" id="panel-integrity" aria-labelledby="tab-integrity">
                        <IntegrityView engine={(*engine).clone()} generation={s.summary.as_ref().map_or(0, |x| x.generation)} />
                    </div>
                }
                if s.tab == Tab::Organization {
                    <div class="orgs-tab" role="tabpanel" id="panel-organization" aria-labelledby="tab-organization">
                        <OrgsView engine={(*engine).clone()} generation={s.summary.as_ref().map_or(0, |x| x.generation)}
                                  on_show_events={show_events.clone()} />
                    </div>
                }
            }
            if *help {
                <ShortcutHelp on_close={let h = help.clone(); Callback::from(move |()| h.set(false))} />
            }
            </main>
            <div class="drop-overlay">{"Drop files or folders to load them"}</div>
        </div>
    }
}

/// Once data is loaded, an extra history entry in this document, so that Back from the
/// first view stays in the app instead of leaving it (and the data) behind.
fn guard_history() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    thread_local! {
        static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !GUARDED.with(|g| g.replace(true)) {
        let _ = history.push_state(&wasm_bindgen::JsValue::NULL, "");
    }
}

/// Whether a key event goes to a text field (where `/` and `?` are characters).
fn typing(e: &KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.get_attribute("contenteditable").is_some()
        })
}

/// Focuses the element with this id, once it is drawn.
fn focus_by_id(id: &'static str) {
    // After this event's re-render: the element may be in a tab just opened.
    gloo::timers::callback::Timeout::new(0, move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    })
    .forget();
}

#[derive(Properties, PartialEq)]
struct ShortcutHelpProps {
    on_close: Callback<()>,
}

/// The keyboard shortcuts, as a modal dialog (Escape or the button closes it).
#[function_component(ShortcutHelp)]
fn shortcut_help(props: &ShortcutHelpProps) -> Html {
    let close = props.on_close.clone();
    let on_key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            close.emit(());
        }
    });
    let dialog = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |_| {
            if let Some(el) = dialog.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    // (where, [(keys, what they do)]): the keys by the part of the page they work in.
    let groups: [(&str, &[(&str, &str)]); 5] = [
        (
            "Anywhere",
            &[
                ("/", "Jump to the query box"),
                ("?", "This help"),
                ("Escape", "Close the detail pane or this help"),
            ],
        ),
        (
            "Query box",
            &[
                ("Enter", "Run the query as typed"),
                ("Tab", "Take the highlighted suggestion"),
                ("↓ ↑", "Open or move through the suggestions"),
                ("Escape", "Close the suggestions"),
            ],
        ),
        (
            "Histogram chart",
            &[
                ("← →", "Move the cursor one bar"),
                ("Home / End", "To the first or last bar"),
                (
                    "Shift + ← → Home End",
                    "Select several bars from where you started",
                ),
                ("Enter", "Show the chosen bars' time range"),
                ("Escape", "Drop the keyboard selection"),
            ],
        ),
        (
            "Facets",
            &[
                (
                    "↓ ↑, Home / End",
                    "Next / previous value, or the first or last",
                ),
                (
                    "Enter or Space",
                    "Show only events with this value (again to undo)",
                ),
                ("x or Delete", "Hide events with this value (again to undo)"),
                ("→ ←", "To the value's ⊘ (hide) button and back"),
            ],
        ),
        (
            "Event table and tab bar",
            &[
                ("j / k, ↓ ↑", "Next / previous event in the table"),
                (
                    "PageDown / PageUp, Home / End",
                    "Move a page, or to the first or last event",
                ),
                ("← →", "Previous / next tab, in the tab bar"),
            ],
        ),
    ];
    html! {
        <div class="modal-backdrop" onclick={props.on_close.reform(|_| ())}>
            <div class="modal" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" tabindex="-1"
                 data-testid="shortcuts" ref={dialog} onkeydown={on_key}
                 onclick={|e: MouseEvent| e.stop_propagation()}>
                <h2 id="shortcuts-title">{"Keyboard shortcuts"}</h2>
                <table>
                    <thead><tr><th scope="col">{"Keys"}</th><th scope="col">{"What they do"}</th></tr></thead>
                    { for groups.iter().map(|(place, rows)| html! {
                        <tbody>
                            <tr><th scope="rowgroup" colspan="2" class="shortcut-group">{*place}</th></tr>
                            { for rows.iter().map(|(k, v)| html! { <tr><td><kbd>{*k}</kbd></td><td>{*v}</td></tr> }) }
                        </tbody>
                    }) }
                </table>
                <button class="button" data-testid="shortcuts-close" onclick={props.on_close.reform(|_| ())}>{"Close"}</button>
            </div>
        </div>
    }
}
