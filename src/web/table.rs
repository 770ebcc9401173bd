//! The event table: virtualised (only the visible rows are in the DOM, fetched from the
//! worker a page at a time) with keyboard navigation and a detail pane.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, KeyboardEvent};
use yew::prelude::*;

use super::detail::Detail;
use super::engine::Engine;
use super::orgs_view::{lifecycle_links, use_org_report, ShowEvents};
use crate::display;
use crate::protocol::{Request, Response};
use crate::store::Row;

/// Row height in CSS pixels; must match `.event-row` in the stylesheet.
const ROW_HEIGHT: f64 = 26.0;
/// Rows per worker request.
const PAGE: u32 = 200;
/// Rows drawn above and below the viewport so fast scrolling doesn't show gaps.
const OVERSCAN: u32 = 20;

#[derive(Properties, PartialEq)]
pub struct EventTableProps {
    pub engine: Engine,
    pub total: u32,
    /// Changes whenever the loaded data does; cached pages are then stale.
    pub generation: u32,
    /// The loaded data's generation (not the view's): the Organizations report is asked
    /// for once per value, for the detail pane's "Part of" links.
    #[prop_or_default]
    pub data_generation: u32,
    /// Show these events (a lifecycle's) in the table.
    #[prop_or_default]
    pub on_show_events: ShowEvents,
    /// AND a clause onto the query (the detail pane's filter / exclude on a value).
    #[prop_or_default]
    pub on_add_clause: Callback<String>,
    /// Replace the query (the detail pane's "±5 min, same principal / account").
    #[prop_or_default]
    pub on_set_query: Callback<String>,
    /// The columns shown, by [`ColumnDef::key`], in order.
    #[prop_or_else(default_columns)]
    pub columns: Vec<String>,
    /// Rows are newest first (the worker serves them so; this only draws the arrow).
    #[prop_or_default]
    pub descending: bool,
    #[prop_or_default]
    pub on_sort: Callback<()>,
    /// The selected event by eventID (from a link): found in the view and scrolled to.
    #[prop_or_default]
    pub selected_event: Option<String>,
    /// The user selected an event.
    #[prop_or_default]
    pub on_select: Callback<Option<String>>,
}

/// A column of the table.
pub struct ColumnDef {
    /// Its name in links (`cols=`).
    pub key: &'static str,
    pub label: &'static str,
    /// CSS class of its cells (width).
    pub class: &'static str,
    /// Shown unless the user chose otherwise.
    pub default: bool,
    pub value: fn(&Row) -> String,
}

/// Every column, in the order the menu lists them.
pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef {
        key: "time",
        label: "Time (UTC)",
        class: "c-time",
        default: true,
        value: |r| display::time(r.time),
    },
    ColumnDef {
        key: "name",
        label: "Event",
        class: "c-name",
        default: true,
        value: |r| r.name.clone(),
    },
    ColumnDef {
        key: "source",
        label: "Source",
        class: "c-source",
        default: true,
        value: |r| r.source.trim_end_matches(".amazonaws.com").to_owned(),
    },
    ColumnDef {
        key: "principal",
        label: "Principal",
        class: "c-principal",
        default: true,
        value: |r| r.principal.clone(),
    },
    ColumnDef {
        key: "identity",
        label: "Identity type",
        class: "c-identity",
        default: false,
        value: |r| r.identity_type.clone(),
    },
    ColumnDef {
        key: "account",
        label: "Account",
        class: "c-account",
        default: true,
        value: |r| r.account.clone(),
    },
    ColumnDef {
        key: "region",
        label: "Region",
        class: "c-region",
        default: true,
        value: |r| r.region.clone(),
    },
    ColumnDef {
        key: "error",
        label: "Error",
        class: "c-error",
        default: true,
        value: |r| r.error_code.clone(),
    },
    ColumnDef {
        key: "ip",
        label: "Source IP",
        class: "c-ip",
        default: false,
        value: |r| r.source_ip.clone(),
    },
    ColumnDef {
        key: "agent",
        label: "User agent",
        class: "c-agent",
        default: false,
        value: |r| r.user_agent.clone(),
    },
    ColumnDef {
        key: "readonly",
        label: "Read only",
        class: "c-readonly",
        default: false,
        value: |r| r.read_only.clone(),
    },
    ColumnDef {
        key: "type",
        label: "Event type",
        class: "c-type",
        default: false,
        value: |r| r.event_type.clone(),
    },
    ColumnDef {
        key: "eventid",
        label: "Event ID",
        class: "c-eventid",
        default: false,
        value: |r| r.event_id.clone(),
    },
];

/// The columns shown until the user chooses.
pub fn default_columns() -> Vec<String> {
    COLUMNS
        .iter()
        .filter(|c| c.default)
        .map(|c| c.key.to_owned())
        .collect()
}

/// The shown columns' definitions, unknown keys (from an old link) left out.
fn shown(keys: &[String]) -> Vec<&'static ColumnDef> {
    let cols: Vec<&ColumnDef> = keys
        .iter()
        .filter_map(|k| COLUMNS.iter().find(|c| c.key == k))
        .collect();
    if cols.is_empty() {
        COLUMNS.iter().filter(|c| c.default).collect()
    } else {
        cols
    }
}

type Pages = HashMap<u32, Rc<Vec<Row>>>;

#[function_component(EventTable)]
pub fn event_table(props: &EventTableProps) -> Html {
    let viewport = use_node_ref();
    let scroll_top = use_state(|| 0.0_f64);
    let height = use_state(|| 600.0_f64);
    let pages = use_state(Pages::new);
    let in_flight = use_mut_ref(HashSet::<(u32, u32)>::new);
    let selected = use_state(|| None::<u32>);
    // The record text is shared, not copied, on each render (records reach 8 MB).
    let detail = use_state(|| None::<(Row, Rc<str>)>);

    // A new view: forget cached pages and the selection (row numbers mean other rows now).
    // The detail pane keeps its event, so that filtering by one of its values leaves it
    // in sight for the next; only new data (the event may be gone) closes it.
    {
        let (pages, selected) = (pages.clone(), selected.clone());
        use_effect_with(props.generation, move |_| {
            pages.set(Pages::new());
            selected.set(None);
        });
    }
    {
        let detail = detail.clone();
        use_effect_with(props.data_generation, move |_| detail.set(None));
    }

    let first = ((*scroll_top / ROW_HEIGHT) as u32).saturating_sub(OVERSCAN);
    let visible = (*height / ROW_HEIGHT).ceil() as u32 + 2 * OVERSCAN;
    let last = (first + visible).min(props.total);

    // Fetch the pages the viewport needs.
    {
        let (engine, pages, in_flight, generation) = (
            props.engine.clone(),
            pages.clone(),
            Rc::clone(&in_flight),
            props.generation,
        );
        let needed: Vec<u32> = (first / PAGE..=last.saturating_sub(1) / PAGE)
            .filter(|p| !pages.contains_key(p))
            .collect();
        use_effect_with((needed, generation), move |(needed, generation)| {
            for &page in needed {
                fetch_page(&engine, &pages, &in_flight, page, *generation);
            }
        });
    }

    let row_at = |i: u32| {
        pages
            .get(&(i / PAGE))
            .and_then(|p| p.get((i % PAGE) as usize))
    };

    // Selection → detail.
    {
        let selected_row = selected.and_then(|i| row_at(i).cloned());
        let (engine, detail) = (props.engine.clone(), detail.clone());
        use_effect_with(selected_row, move |row| {
            if let Some(row) = row.clone() {
                spawn_local(async move {
                    if let Some(Response::Detail { raw: Some(raw), .. }) =
                        engine.ask(Request::Detail { id: row.id }).await
                    {
                        detail.set(Some((row, Rc::from(raw))));
                    }
                });
            }
        });
    }

    // The selection, by eventID, goes up (into the link)…
    {
        let selected_id = selected.and_then(&row_at).map(|r| r.event_id.clone());
        let (on_select, wanted) = (props.on_select.clone(), props.selected_event.clone());
        use_effect_with(selected_id, move |id| {
            if id.is_some() && *id != wanted {
                on_select.emit(id.clone());
            }
        });
    }
    // …and an event named by a link is found in the view, selected and scrolled to.
    {
        let current = selected.and_then(&row_at).map(|r| r.event_id.clone());
        let (engine, selected, viewport) =
            (props.engine.clone(), selected.clone(), viewport.clone());
        use_effect_with(
            (props.selected_event.clone(), props.generation),
            move |(wanted, _)| {
                let Some(wanted) = wanted.clone().filter(|w| Some(w) != current.as_ref()) else {
                    return;
                };
                spawn_local(async move {
                    if let Some(Response::Located { index: Some(i), .. }) =
                        engine.ask(Request::Locate(wanted)).await
                    {
                        selected.set(Some(i));
                        if let Some(el) = viewport.cast::<Element>() {
                            let top =
                                f64::from(i) * ROW_HEIGHT - f64::from(el.client_height()) / 3.0;
                            el.set_scroll_top(top.max(0.0) as i32);
                        }
                    }
                });
            },
        );
    }

    // "Part of" links: the Organizations report, asked for once per data generation and only
    // once an Organizations event is shown.
    let shows_org_event = detail
        .as_ref()
        .is_some_and(|(row, _)| crate::orgs::is_org_event(&row.source, &row.name));
    let org_report = use_org_report(&props.engine, props.data_generation, shows_org_event);
    let part_of = match (&*detail, org_report.current(props.data_generation)) {
        (Some((row, _)), Some(report)) => lifecycle_links(report, &row.event_id),
        _ => Vec::new(),
    };

    let on_scroll = {
        let (scroll_top, height, viewport) = (scroll_top.clone(), height.clone(), viewport.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = viewport.cast::<Element>() {
                scroll_top.set(f64::from(el.scroll_top()));
                height.set(f64::from(el.client_height()));
            }
        })
    };

    let on_key = {
        let (selected, viewport, total) = (selected.clone(), viewport.clone(), props.total);
        Callback::from(move |e: KeyboardEvent| {
            let step: i64 = match e.key().as_str() {
                "j" | "ArrowDown" => 1,
                "k" | "ArrowUp" => -1,
                "PageDown" => 20,
                "PageUp" => -20,
                "Home" => -i64::from(total),
                "End" => i64::from(total),
                "Enter" => 0,
                _ => return,
            };
            e.prevent_default();
            let current = selected.map_or(-1, i64::from);
            let next = (current + step).clamp(0, i64::from(total) - 1) as u32;
            selected.set(Some(next));
            // Keep the selection in view.
            if let Some(el) = viewport.cast::<Element>() {
                let top = f64::from(next) * ROW_HEIGHT;
                let view_top = f64::from(el.scroll_top());
                let view_height = f64::from(el.client_height());
                if top < view_top {
                    el.set_scroll_top(top as i32);
                } else if top + ROW_HEIGHT > view_top + view_height {
                    el.set_scroll_top((top + ROW_HEIGHT - view_height) as i32);
                }
            }
        })
    };

    let columns = shown(&props.columns);
    let rows = (first..last).map(|i| {
        let top = format!("top:{}px", f64::from(i) * ROW_HEIGHT);
        let is_selected = *selected == Some(i);
        let onclick = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(Some(i)))
        };
        match row_at(i) {
            Some(r) => html! {
                <div key={i} class={classes!("event-row", is_selected.then_some("selected"), (!r.error_code.is_empty()).then_some("error"))}
                     style={top} data-testid="event-row" data-event-id={r.event_id.clone()}
                     data-time={r.time.map(crate::time::format_iso).unwrap_or_default()} onclick={onclick}>
                    { for columns.iter().map(|c| cell(c, r)) }
                </div>
            },
            None => html! { <div key={i} class="event-row loading" style={top}>{"…"}</div> },
        }
    });

    html! {
        <div class="events">
            <div class="table">
                <div class="event-head">
                    { for columns.iter().map(|c| if c.key == "time" {
                        html! {
                            <span class={classes!(c.class, "sort-toggle")} data-column={c.key} data-testid="sort-toggle"
                                  data-order={if props.descending { "desc" } else { "asc" }}
                                  title="Oldest or newest first" onclick={props.on_sort.reform(|_| ())}>
                                {c.label}{ if props.descending { " ↓" } else { " ↑" } }
                            </span>
                        }
                    } else {
                        html! { <span class={c.class} data-column={c.key}>{c.label}</span> }
                    }) }
                </div>
                <div class="viewport" ref={viewport} onscroll={on_scroll} onkeydown={on_key} tabindex="0"
                     data-testid="event-table" data-total={props.total.to_string()}>
                    <div class="spacer" style={format!("height:{}px", f64::from(props.total) * ROW_HEIGHT)}>
                        { for rows }
                    </div>
                </div>
            </div>
            <Detail detail={(*detail).clone()} part_of={part_of} on_show_events={props.on_show_events.clone()}
                    on_add_clause={props.on_add_clause.clone()} on_set_query={props.on_set_query.clone()} />
        </div>
    }
}

fn fetch_page(
    engine: &Engine,
    pages: &UseStateHandle<Pages>,
    in_flight: &Rc<RefCell<HashSet<(u32, u32)>>>,
    page: u32,
    generation: u32,
) {
    if !in_flight.borrow_mut().insert((generation, page)) {
        return;
    }
    let (engine, pages, in_flight) = (engine.clone(), pages.clone(), Rc::clone(in_flight));
    spawn_local(async move {
        let answer = engine
            .ask(Request::Rows {
                offset: page * PAGE,
                len: PAGE,
            })
            .await;
        in_flight.borrow_mut().remove(&(generation, page));
        if let Some(Response::Rows {
            rows,
            generation: g,
            ..
        }) = answer
        {
            if g == generation || generation == 0 {
                let mut next = (*pages).clone();
                next.insert(page, Rc::new(rows));
                pages.set(next);
            }
        }
    });
}

/// One cell; the event name carries the watch rules' badges.
fn cell(c: &ColumnDef, r: &Row) -> Html {
    if c.key != "name" {
        let text = (c.value)(r);
        return html! { <span class={c.class} title={text.clone()}>{text}</span> };
    }
    let csv = if r.summary_only { " ·csv" } else { "" };
    if r.rules.is_empty() {
        html! { <span class="c-name">{&r.name}{csv}</span> }
    } else {
        // Watch rules the event matches, as badges (styles/rules.css).
        html! {
            <span class="c-name with-rules" title={format!("{} · rules: {}", r.name, r.rules.join(", "))}>
                <span class="name">{&r.name}{csv}</span>
                { for r.rules.iter().map(|rule| html! { <span class="rule-badge" data-testid="rule-badge">{rule}</span> }) }
            </span>
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ColumnsMenuProps {
    pub columns: Vec<String>,
    pub on_columns: Callback<Vec<String>>,
}

/// Which columns show: a checkbox per column, kept in the table's order.
#[function_component(ColumnsMenu)]
pub fn columns_menu(props: &ColumnsMenuProps) -> Html {
    let open = use_state(|| false);
    let on = shown(&props.columns);
    let toggle = |key: &'static str| {
        let (on_columns, current) = (props.on_columns.clone(), on.clone());
        Callback::from(move |_| {
            let keep = !current.iter().any(|c| c.key == key);
            let next: Vec<String> = COLUMNS
                .iter()
                .filter(|c| {
                    if c.key == key {
                        keep
                    } else {
                        current.iter().any(|o| o.key == c.key)
                    }
                })
                .map(|c| c.key.to_owned())
                .collect();
            if !next.is_empty() {
                on_columns.emit(next);
            }
        })
    };
    html! {
        <span class="columns-menu">
            <button class="button small" data-testid="columns-button" title="Choose columns"
                    onclick={let open = open.clone(); move |_| open.set(!*open)}>{"Columns"}</button>
            if *open {
                <div class="menu">
                { for COLUMNS.iter().map(|c| html! {
                    <label>
                        <input type="checkbox" data-testid="column-option" data-column={c.key}
                               checked={on.iter().any(|o| o.key == c.key)} onchange={toggle(c.key)} />
                        {" "}{c.label}
                    </label>
                }) }
                </div>
            }
        </span>
    }
}
