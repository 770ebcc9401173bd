//! The Events tab: the query bar, the histogram, the facets and the event table, over one
//! question to the worker ([`crate::web::worker::engine::Engine::timeline`], answered with the table's
//! first page) that is asked again whenever the query, the time range, the order, the
//! scope or the data change.
//!
//! The view's state ([`ViewState`]: query, time range, selected event, order, columns) and
//! the last answer are one reducer (`Events`), changed by `Intent`s; the view also
//! lives in the page address: every change is written to the hash (a new
//! history entry, except for the selection, which replaces the current one), and
//! back/forward read it back. Facet clicks, the detail pane's actions and the other tabs'
//! drill-downs (`lifecycle:…`, `rule:…`, [`crate::timeline::drill`]) are edits of the
//! query text, so the query box always says what the table shows, and the table says
//! (`data-stale`) when it does not answer the box.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::display;
use crate::ingest::FileReport;
use crate::present::link::ViewState;
use crate::protocol::ViewFilter;
use crate::store::Row;
use crate::timeline::{
    self, drill, ExportFormat, Facet, FacetCounts, Histogram, TimelineAnswer, TimelineQuery,
};
use crate::web::browser::address::{hash_items, write_hash_items};
use crate::web::events::facets::FacetsPanel;
use crate::web::events::histogram::HistogramView;
use crate::web::events::query_bar::{Draft, QueryBar};
use crate::web::events::sql_view::SqlPanel;
use crate::web::events::table::{default_columns, ColumnsMenu, EventTable, PAGE};
use crate::web::orgs::ShowEvents;
use crate::web::shared::Shared;
use crate::web::worker::engine::{Engine, ExportError};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub engine: Engine,
    /// The loaded data's generation: new data asks again.
    pub data_generation: u32,
    /// The worker's generation after rows changed without the events changing (watch
    /// rules' badges): cached rows older than it are stale.
    #[prop_or_default]
    pub rows_generation: u32,
    #[prop_or_default]
    pub on_show_events: ShowEvents,
    /// The loaded files, for "Run this elsewhere" (DuckDB's paths, Athena's location).
    #[prop_or_default]
    pub ledger: Shared<Vec<FileReport>>,
}

/// The export buttons' state: the file is made in parts, so it takes a while.
#[derive(Clone, PartialEq)]
enum Exporting {
    Idle,
    /// Percent of the events written.
    Running(u8),
    /// Why the last export made no file.
    Failed(String),
}

/// What an answer answers: the data and the question.
type AnswerKey = (u32, String, Option<(i64, i64)>, bool, Option<String>);

/// The worker's answer, in the pieces the children compare cheaply.
struct Answer {
    key: AnswerKey,
    generation: u32,
    /// Its total and error (the histogram and facets are moved to their own fields).
    answer: Rc<TimelineAnswer>,
    histogram: Rc<Histogram>,
    facets: Rc<Vec<FacetCounts>>,
    /// The view's first page of rows.
    first_rows: Rc<Vec<Row>>,
}

/// The Events tab's state: the view (also in the address) and the worker's last answer.
/// Changed only by [`Intent`]s: the components' and the engine's (its answers).
#[derive(Clone)]
struct Events {
    view: ViewState,
    answer: Option<Rc<Answer>>,
    /// Bumped when the worker has validated the digests an answer left pending: the
    /// same question is asked again for the counts and vouches that waited on it.
    validated: u32,
}

/// What a component (or the engine, with an answer) asks of the Events tab.
enum Intent {
    /// Run this query (the box): the selection goes.
    Query(String),
    /// A facet value chosen or excluded (again: undone).
    Toggle(Facet, String, bool),
    /// AND a clause onto the query (the detail pane's filter / exclude).
    AddClause(String),
    /// Replace the query and drop the time range (the detail pane's "±5 min" actions).
    SetQuery(String),
    /// The histogram's brush (`None`: all time).
    Range(Option<(i64, i64)>),
    Select(Option<String>),
    /// A header click: sort by that column (time: the view's own order); again, reverse.
    Sort(String),
    LocalTime(bool),
    Columns(Vec<String>),
    /// Back or Forward: the view the address says.
    FromAddress(ViewState),
    /// The worker's answer to the question it was asked for.
    Answered(Answer),
    /// The digests an answer left pending are validated.
    Validated,
}

impl Reducible for Events {
    type Action = Intent;

    fn reduce(self: Rc<Self>, intent: Intent) -> Rc<Self> {
        let mut next = (*self).clone();
        let s = &mut next.view;
        match intent {
            Intent::Query(query) => {
                s.query = query;
                s.selected = None;
            }
            Intent::Toggle(facet, value, exclude) => {
                s.query = timeline::toggle(&s.query, facet, &value, exclude);
                s.selected = None;
            }
            Intent::AddClause(clause) => {
                s.query = crate::present::detail::add_clause(&s.query, &clause)
            }
            Intent::SetQuery(query) => {
                s.query = query;
                s.time = None;
            }
            Intent::Range(range) => {
                s.time = range;
                s.selected = None;
            }
            Intent::Select(event_id) => s.selected = event_id,
            Intent::Sort(column) => {
                let by = (column != "time").then_some(column);
                if s.sort == by {
                    s.descending = !s.descending;
                } else {
                    s.sort = by;
                    s.descending = false;
                }
                s.selected = None;
            }
            Intent::LocalTime(local) => s.local_time = local,
            Intent::Columns(columns) => s.columns = columns,
            Intent::FromAddress(view) => *s = view,
            Intent::Answered(answer) => next.answer = Some(Rc::new(answer)),
            Intent::Validated => next.validated += 1,
        }
        Rc::new(next)
    }
}

/// A callback that dispatches the intent `f` makes of its value.
fn intent<T: 'static>(d: &UseReducerDispatcher<Events>, f: fn(T) -> Intent) -> Callback<T> {
    let d = d.clone();
    Callback::from(move |value| d.dispatch(f(value)))
}

/// Writes the view into the address: a new history entry, or in place (`replace`).
fn write_hash(state: &ViewState, replace: bool) {
    let mut items = hash_items();
    state.write(&mut items);
    write_hash_items(&items, replace);
}

#[function_component(TimelineView)]
pub fn timeline_view(props: &TimelineProps) -> Html {
    let events = use_reducer(|| Events {
        view: ViewState::read(&hash_items()),
        answer: None,
        validated: 0,
    });
    let state = &events.view;
    let draft = use_state(|| Draft::Current);
    let exporting = use_state_eq(|| Exporting::Idle);

    // Ask the worker whenever the question changes (or validation brought what an answer
    // left pending). Answers come back in order, so the last one set is the last
    // question's.
    let key: AnswerKey = (
        props.data_generation,
        state.query.clone(),
        state.time,
        state.descending,
        state.sort.clone(),
    );
    {
        let (engine, dispatcher) = (props.engine.clone(), events.dispatcher());
        use_effect_with((key.clone(), events.validated), move |(key, _)| {
            let (_, query, time, descending, sort) = key.clone();
            let query = TimelineQuery {
                query,
                time,
                descending,
                sort,
            };
            let key = key.clone();
            spawn_local(async move {
                // The table's first page comes with the answer: one round trip.
                if let Ok(mut a) = engine.timeline(ViewFilter::All, query, PAGE).await {
                    let pending = !a.answer.pending.is_empty();
                    // Moved out, not cloned: the page kept two copies of every answer's
                    // facets and histogram.
                    dispatcher.dispatch(Intent::Answered(Answer {
                        key,
                        generation: a.generation,
                        histogram: Rc::new(std::mem::take(&mut a.answer.histogram)),
                        facets: Rc::new(std::mem::take(&mut a.answer.facets)),
                        first_rows: Rc::new(a.rows),
                        answer: Rc::from(a.answer),
                    }));
                    // The table is drawn; the digests' signatures are checked next, and
                    // the question asked again (a query typed meanwhile is answered ahead
                    // of the validation, its integrity facet still pending).
                    if pending && engine.validate().await.is_ok() {
                        dispatcher.dispatch(Intent::Validated);
                    }
                }
            });
        });
    }

    // The address follows the view; back and forward bring views back.
    // Set when the state was read from the address (Back, Forward, a drill-down): the
    // address already says it, and writing it again would cut the forward history.
    let from_address = use_mut_ref(|| false);
    // The state as last drawn (a handle's value is the one of the render that made it).
    let last = use_mut_ref(|| state.clone());
    {
        let (last, from_address) = (Rc::clone(&last), Rc::clone(&from_address));
        use_effect_with(state.clone(), move |now| {
            if std::mem::take(&mut *from_address.borrow_mut()) {
                *last.borrow_mut() = now.clone();
                return;
            }
            let only_selection = {
                let before = last.borrow();
                ViewState {
                    selected: None,
                    ..before.clone()
                } == ViewState {
                    selected: None,
                    ..now.clone()
                }
            };
            write_hash(now, only_selection);
            *last.borrow_mut() = now.clone();
        });
    }
    {
        let (dispatcher, from_address) = (events.dispatcher(), Rc::clone(&from_address));
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "popstate", move |_| {
                    let next = ViewState::read(&hash_items());
                    if *last.borrow() != next {
                        *from_address.borrow_mut() = true;
                        dispatcher.dispatch(Intent::FromAddress(next));
                    }
                })
            });
            move || drop(listener)
        });
    }

    // Components dispatch intents; each callback names one.
    let d = events.dispatcher();
    let on_query = intent(&d, Intent::Query);
    let on_toggle = intent(&d, |(facet, value, exclude)| {
        Intent::Toggle(facet, value, exclude)
    });
    let on_add_clause = intent(&d, Intent::AddClause);
    let on_set_query = intent(&d, Intent::SetQuery);
    let on_range = intent(&d, Intent::Range);
    let on_select = intent(&d, Intent::Select);
    let on_sort = intent(&d, Intent::Sort);
    let on_local_time = intent(&d, Intent::LocalTime);
    let on_columns = intent(&d, Intent::Columns);
    let on_draft = {
        let draft = draft.clone();
        Callback::from(move |d: Draft| {
            if *draft != d {
                draft.set(d)
            }
        })
    };
    let export = |format: ExportFormat| {
        let (engine, exporting) = (props.engine.clone(), exporting.clone());
        Callback::from(move |_| {
            let (engine, exporting) = (engine.clone(), exporting.clone());
            exporting.set(Exporting::Running(0));
            spawn_local(async move {
                let progress = {
                    let exporting = exporting.clone();
                    move |done: u32, events: u32| {
                        let percent = (u64::from(done) * 100 / u64::from(events.max(1))) as u8;
                        exporting.set(Exporting::Running(percent));
                    }
                };
                let saved = match engine.export(format, progress).await {
                    Ok(file) => crate::web::browser::download::save(&file.name, &file.blob)
                        .map_err(|e| ExportError::from(e).to_string()),
                    Err(e) => Err(e.to_string()),
                };
                exporting.set(match saved {
                    Ok(()) => Exporting::Idle,
                    Err(e) => Exporting::Failed(e),
                });
            });
        })
    };
    let busy = matches!(*exporting, Exporting::Running(_));
    let export_status = match &*exporting {
        Exporting::Idle => html! {},
        Exporting::Running(percent) => html! {
            <span class="muted" data-testid="export-status" data-state="running" role="status">{format!("Exporting… {percent}%")}</span>
        },
        Exporting::Failed(error) => html! {
            <span class="error" data-testid="export-status" data-state="failed" role="status">{error.clone()}</span>
        },
    };

    let Some(Answer {
        key: answered,
        generation,
        answer,
        histogram,
        facets,
        first_rows,
    }) = events.answer.as_deref()
    else {
        return html! { <div class="timeline" data-testid="timeline"><p class="muted">{"Counting…"}</p></div> };
    };
    // The rows answer the box only when the box holds the query they were asked for.
    let invalid = *draft == Draft::Invalid || answer.error.is_some();
    let stale = invalid || *draft != Draft::Current || *answered != key;
    let drilled = drill::split(&state.query)
        .ok()
        .and_then(|(clause, rest)| clause.map(|c| (c, rest)));
    let columns: Vec<String> = if state.columns.is_empty() {
        default_columns()
    } else {
        state.columns.clone()
    };
    html! {
        <div class="timeline" data-testid="timeline">
            <QueryBar total={(!invalid).then_some(answer.total)} query={state.query.clone()} on_query={on_query.clone()}
                      on_draft={on_draft} engine={props.engine.clone()}
                      error={(*answered == key).then(|| answer.error.clone()).flatten()}
                      warnings={Rc::new(if *answered == key { answer.warnings.clone() } else { Vec::new() })} />
            <div class="timeline-tools">
                if let Some((clause, rest)) = &drilled {
                    <span class="view-filter" data-testid="view-filter">
                        {format!("Showing {} events: {clause}", display::count(answer.total))}
                        <button class="button small" data-testid="show-all" title="Remove the drill-down from the query"
                                onclick={let (q, rest) = (on_query.clone(), rest.clone()); move |_| q.emit(rest.clone())}>{"Show all"}</button>
                    </span>
                }
                if let Some((from, to)) = state.time {
                    <span class="time-chip" data-testid="time-chip"
                          data-from={crate::time::format_iso(from)} data-to={crate::time::format_iso(to)}>
                        {format!("{} → {} UTC", display::time(Some(from)), display::time(Some(to)))}
                        <button data-testid="clear-time" title="All time" onclick={on_range.reform(|_| None)}>{"×"}</button>
                    </span>
                }
                <span class="spacer"></span>
                <label class="tz-switch" title="Show times in UTC or in this browser's time zone">
                    <input type="checkbox" data-testid="local-time" checked={state.local_time}
                           onchange={let f = on_local_time.clone(); let now = state.local_time; move |_| f.emit(!now)} />
                    {" Local time"}
                </label>
                <ColumnsMenu columns={columns.clone()} on_columns={on_columns} />
                <span class="muted">{"Export:"}</span>
                <button class="button small" data-testid="export-json" onclick={export(ExportFormat::Json)} disabled={busy}
                        title="{&quot;Records&quot;:[…]}: loads back into trailglass and CloudTrail tools">{"JSON"}</button>
                <button class="button small" data-testid="export-ndjson" onclick={export(ExportFormat::Ndjson)} disabled={busy}>{"NDJSON"}</button>
                <button class="button small" data-testid="export-csv" onclick={export(ExportFormat::Csv)} disabled={busy}>{"CSV"}</button>
                {export_status}
            </div>
            <SqlPanel query={state.query.clone()} time={state.time} ledger={props.ledger.clone()} />
            <HistogramView histogram={Rc::clone(histogram)} range={state.time} on_range={on_range} />
            <div class="timeline-body">
                <FacetsPanel facets={Rc::clone(facets)} pending={answer.pending.clone()} on_toggle={on_toggle} />
                <EventTable engine={props.engine.clone()} total={answer.total}
                            generation={(*generation).max(props.rows_generation)}
                            first_rows={(*generation >= props.rows_generation).then(|| Rc::clone(first_rows))}
                            data_generation={props.data_generation}
                            on_show_events={props.on_show_events.clone()}
                            on_add_clause={on_add_clause} on_set_query={on_set_query}
                            columns={columns} stale={stale} invalid={invalid}
                            sort={state.sort.clone()} local_time={state.local_time}
                            descending={state.descending} on_sort={on_sort}
                            selected_event={state.selected.clone()} on_select={on_select} />
            </div>
        </div>
    }
}
