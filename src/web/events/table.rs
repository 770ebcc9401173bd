//! The event table: virtualised (only the visible rows are in the DOM, fetched from the
//! worker a page at a time) with keyboard navigation and a detail pane.
//!
//! Every column sorts (a header click; again, the other way) and resizes (drag its
//! header's right edge); the table scrolls sideways when the columns are wider than it.
//! The detail pane opens with a selection, closes (×, Escape) and resizes (drag its edge).
//! `data-stale="true"` on `[data-testid=event-table]` says the rows do not answer the query
//! in the box (typed but not run, or invalid: then no rows are drawn).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, KeyboardEvent, PointerEvent};
use yew::prelude::*;

use crate::display;
use crate::store::Row;
use crate::web::events::detail::Detail;
use crate::web::orgs::{lifecycle_links, use_org_report, ShowEvents};
use crate::web::worker::engine::{Engine, Page};

/// Row height in CSS pixels; must match `.event-row` in the stylesheet.
const ROW_HEIGHT: f64 = 26.0;
/// Rows per worker request (the first page comes with the timeline's answer).
pub const PAGE: u32 = 200;
/// Rows drawn above and below the viewport so fast scrolling doesn't show gaps.
const OVERSCAN: u32 = 20;

#[derive(Properties, PartialEq)]
pub struct EventTableProps {
    pub engine: Engine,
    pub total: u32,
    /// Changes whenever the loaded data does; cached pages are then stale.
    pub generation: u32,
    /// The first page of the view at `generation`, when it came with the timeline's
    /// answer (`None`: ask for it).
    #[prop_or_default]
    pub first_rows: Option<Rc<Vec<Row>>>,
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
    /// Rows are newest first, or Z→A by `sort` (the worker serves them so; this only
    /// draws the arrow).
    #[prop_or_default]
    pub descending: bool,
    /// The column the rows are sorted by (its key); `None`: time.
    #[prop_or_default]
    pub sort: Option<String>,
    /// A header was clicked: sort by that column's key.
    #[prop_or_default]
    pub on_sort: Callback<String>,
    /// Times in the browser's zone instead of UTC.
    #[prop_or_default]
    pub local_time: bool,
    /// The rows do not answer the query in the box (typed, not run yet, or invalid).
    #[prop_or_default]
    pub stale: bool,
    /// The query in the box is invalid: no rows answer it.
    #[prop_or_default]
    pub invalid: bool,
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
    /// Width in CSS pixels until the user drags it (wide enough for typical values).
    pub width: u32,
    pub value: fn(&Row) -> String,
}

/// Every column, in the order the menu lists them.
pub const COLUMNS: &[ColumnDef] = &[
    ColumnDef {
        key: "time",
        label: "Time (UTC)",
        class: "c-time",
        default: true,
        width: 150,
        value: |r| display::time(r.time),
    },
    ColumnDef {
        key: "name",
        label: "Event",
        class: "c-name",
        default: true,
        width: 220,
        value: |r| r.name.clone(),
    },
    ColumnDef {
        key: "source",
        label: "Source",
        class: "c-source",
        default: true,
        width: 120,
        value: |r| r.source.trim_end_matches(".amazonaws.com").to_owned(),
    },
    ColumnDef {
        key: "principal",
        label: "Principal",
        class: "c-principal",
        default: true,
        width: 200,
        value: |r| r.principal.clone(),
    },
    ColumnDef {
        key: "identity",
        label: "Identity type",
        class: "c-identity",
        default: false,
        width: 110,
        value: |r| r.identity_type.clone(),
    },
    ColumnDef {
        key: "account",
        label: "Account",
        class: "c-account",
        default: true,
        width: 110,
        value: |r| r.account.clone(),
    },
    ColumnDef {
        key: "region",
        label: "Region",
        class: "c-region",
        default: true,
        width: 100,
        value: |r| r.region.clone(),
    },
    ColumnDef {
        key: "error",
        label: "Error",
        class: "c-error",
        default: true,
        width: 140,
        value: |r| r.error_code.clone(),
    },
    ColumnDef {
        key: "ip",
        label: "Source IP",
        class: "c-ip",
        default: false,
        width: 120,
        value: |r| r.source_ip.clone(),
    },
    ColumnDef {
        key: "agent",
        label: "User agent",
        class: "c-agent",
        default: false,
        width: 200,
        value: |r| r.user_agent.clone(),
    },
    ColumnDef {
        key: "readonly",
        label: "Read only",
        class: "c-readonly",
        default: false,
        width: 80,
        value: |r| r.read_only.clone(),
    },
    ColumnDef {
        key: "type",
        label: "Event type",
        class: "c-type",
        default: false,
        width: 120,
        value: |r| r.event_type.clone(),
    },
    ColumnDef {
        key: "file",
        label: "File",
        class: "c-file",
        default: false,
        width: 320,
        value: |r| r.file.clone(),
    },
    ColumnDef {
        key: "eventid",
        label: "Event ID",
        class: "c-eventid",
        default: false,
        width: 290,
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
    let detail = use_state(|| None::<Shown>);
    // Column widths the user dragged, by key; the detail pane's width.
    let widths = use_state(HashMap::<&'static str, u32>::new);
    let col_drag = use_mut_ref(|| None::<ColumnDrag>);
    let pane_width = use_state(|| None::<u32>);

    // A new view: forget cached pages and the selection (row numbers mean other rows now).
    // The detail pane keeps its event, so that filtering by one of its values leaves it
    // in sight for the next; only new data (the event may be gone) closes it.
    {
        let (pages, selected) = (pages.clone(), selected.clone());
        let first = props.first_rows.clone();
        use_effect_with(props.generation, move |_| {
            let mut fresh = Pages::new();
            if let Some(rows) = first {
                fresh.insert(0, rows);
            }
            pages.set(fresh);
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
        // The first page of a new view comes with it: never asked for.
        let seeded = props.first_rows.is_some();
        let needed: Vec<u32> = (first / PAGE..=last.saturating_sub(1) / PAGE)
            .filter(|&p| !(pages.contains_key(&p) || seeded && p == 0))
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
                    if let Ok(Some((raw, file))) = engine.detail(row.id).await {
                        let mut row = row;
                        row.file = file;
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
    // …and an event named by a link (or kept across a new view: the "±5 min" actions) is
    // found in the view, selected and scrolled to.
    {
        let current = selected.and_then(&row_at).map(|r| r.event_id.clone());
        let located = use_mut_ref(|| None::<u32>);
        let (engine, selected, viewport) =
            (props.engine.clone(), selected.clone(), viewport.clone());
        use_effect_with(
            (props.selected_event.clone(), props.generation),
            move |(wanted, generation)| {
                // A new view numbers its rows anew: find the event again even if the old
                // row number still shows it.
                let new_view = located.borrow_mut().replace(*generation) != Some(*generation);
                let Some(wanted) = wanted
                    .clone()
                    .filter(|w| new_view || Some(w) != current.as_ref())
                else {
                    return;
                };
                spawn_local(async move {
                    if let Ok(Some(i)) = engine.locate(wanted).await {
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

    let close_detail = {
        let (selected, detail, on_select) =
            (selected.clone(), detail.clone(), props.on_select.clone());
        Callback::from(move |()| {
            selected.set(None);
            detail.set(None);
            on_select.emit(None);
        })
    };
    let on_key = {
        let (selected, viewport, total, close_detail) = (
            selected.clone(),
            viewport.clone(),
            props.total,
            close_detail.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                close_detail.emit(());
                return;
            }
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
    let width_of = |c: &ColumnDef| widths.get(c.key).copied().unwrap_or(c.width);
    // Rows are as wide as their columns (plus gaps and padding): wider than the pane, the
    // table scrolls sideways.
    let row_width: u32 = columns.iter().map(|c| width_of(c) + 8).sum::<u32>() + 24;
    let local_time = props.local_time;
    let draw = !props.invalid;
    let rows = (first..last).filter(|_| draw).map(|i| {
        let top = format!("top:{}px", f64::from(i) * ROW_HEIGHT);
        let is_selected = *selected == Some(i);
        let onclick = {
            let selected = selected.clone();
            Callback::from(move |_| selected.set(Some(i)))
        };
        match row_at(i) {
            Some(r) => html! {
                <div key={i} class={classes!("event-row", is_selected.then_some("selected"), (!r.error_code.is_empty()).then_some("error"))}
                     style={top} data-testid="event-row" data-event-id={r.event_id.clone()} aria-selected={is_selected.to_string()}
                     role="row" aria-rowindex={(i + 2).to_string()}
                     data-time={r.time.map(crate::time::format_iso).unwrap_or_default()} onclick={onclick}>
                    { for columns.iter().map(|c| cell(c, r, width_of(c), local_time)) }
                </div>
            },
            None => html! { <div key={i} class="event-row loading" style={top} role="row" aria-rowindex={(i + 2).to_string()}><span role="gridcell">{"…"}</span></div> },
        }
    });

    let sort_key = props.sort.clone().unwrap_or_else(|| "time".to_owned());
    let head = columns.iter().map(|c| {
        let sorted = sort_key == c.key;
        let order = match (sorted, props.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let arrow = match order {
            "ascending" => " ↑",
            "descending" => " ↓",
            _ => "",
        };
        let label = if c.key == "time" {
            if local_time { "Time (local)" } else { c.label }
        } else {
            c.label
        };
        let key = c.key;
        let on_sort = props.on_sort.reform(move |_: MouseEvent| key.to_owned());
        let drag = drag_width(&widths, &col_drag, key, width_of(c));
        html! {
            <span class={classes!(c.class, "head-cell")} role="columnheader" aria-sort={order}
                  data-column={c.key} style={format!("width:{}px", width_of(c))}>
                <button class="sort" data-testid="sort-toggle" data-column={c.key}
                        data-order={if sorted { if props.descending { "desc" } else { "asc" } } else { "" }}
                        title={format!("Sort by {label}; again to reverse")} onclick={on_sort}>
                    {label}{arrow}
                </button>
                <span class="col-resize" data-testid="column-resize" data-column={c.key} title="Drag to resize"
                      onpointerdown={drag.0} onpointermove={drag.1} onpointerup={drag.2.clone()} onpointercancel={drag.2}></span>
            </span>
        }
    }).collect::<Html>();

    let pane_drag = {
        let pane_width = pane_width.clone();
        let start = use_mut_ref(|| None::<(i32, u32)>);
        let down = {
            let (start, pane_width) = (Rc::clone(&start), pane_width.clone());
            Callback::from(move |e: PointerEvent| {
                if let Some(el) = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<Element>(t).ok())
                {
                    let _ = el.set_pointer_capture(e.pointer_id());
                    let now = el
                        .parent_element()
                        .map_or(400, |p| p.get_bounding_client_rect().width() as u32);
                    *start.borrow_mut() = Some((e.client_x(), pane_width.unwrap_or(now)));
                }
            })
        };
        let moved = {
            let (start, pane_width) = (Rc::clone(&start), pane_width.clone());
            Callback::from(move |e: PointerEvent| {
                if let Some((x0, w0)) = *start.borrow() {
                    // The pane is on the right: dragging its left edge left widens it.
                    let w = (i64::from(w0) + i64::from(x0 - e.client_x())).clamp(220, 1400);
                    pane_width.set(Some(w as u32));
                }
            })
        };
        let up = Callback::from(move |_: PointerEvent| *start.borrow_mut() = None);
        (down, moved, up)
    };

    html! {
        <div class="events">
            <div class="table">
                // A grid (rows are selectable: j/k, arrows, Enter); only the drawn rows are in
                // it, so it says how many there are in all.
                <div class="viewport" ref={viewport} onscroll={on_scroll} onkeydown={on_key} tabindex="0"
                     role="grid" aria-label="Events" aria-rowcount={(props.total + 1).to_string()}
                     aria-colcount={columns.len().to_string()}
                     data-testid="event-table" data-total={props.total.to_string()}
                     data-stale={props.stale.to_string()} aria-busy={props.stale.to_string()}>
                    <div class="event-head" role="row" aria-rowindex="1" style={format!("min-width:{row_width}px")}>{ head }</div>
                    <div class={classes!("spacer", props.stale.then_some("stale"))} role="rowgroup"
                         style={format!("height:{}px;min-width:{row_width}px", if draw { f64::from(props.total) * ROW_HEIGHT } else { 0.0 })}>
                        { for rows }
                    </div>
                </div>
                if props.invalid {
                    <p class="invalid-note" data-testid="invalid-note" role="status">{"The query has an error (see above): no events are shown until it is fixed."}</p>
                }
            </div>
            if let Some(shown) = (*detail).clone() {
                <div class="detail-pane" data-testid="detail-pane"
                     style={pane_width.map(|w| format!("width:{w}px;max-width:none")).unwrap_or_default()}>
                    <span class="pane-resize" data-testid="detail-resize" title="Drag to resize"
                          onpointerdown={pane_drag.0} onpointermove={pane_drag.1} onpointerup={pane_drag.2.clone()}
                          onpointercancel={pane_drag.2}></span>
                    <button class="pane-close" data-testid="detail-close" title="Close (Escape)" aria-label="Close the detail pane"
                            onclick={close_detail.reform(|_| ())}>{"×"}</button>
                    <Detail detail={Some(shown)} part_of={part_of} on_show_events={props.on_show_events.clone()}
                            on_add_clause={props.on_add_clause.clone()} on_set_query={props.on_set_query.clone()} />
                </div>
            }
        </div>
    }
}

/// The selected row and its record text.
type Shown = (Row, Rc<str>);

/// A column being resized: its key, where the pointer went down, its width then.
type ColumnDrag = (&'static str, i32, u32);

/// Pointer down, move, and up (or cancel).
type DragHandlers = (
    Callback<PointerEvent>,
    Callback<PointerEvent>,
    Callback<PointerEvent>,
);

/// Pointer handlers that resize column `key` (now `start` px wide) by dragging its edge;
/// `drag` holds the drag in progress (key, pointer x, width) across the handlers.
fn drag_width(
    widths: &UseStateHandle<HashMap<&'static str, u32>>,
    drag: &Rc<RefCell<Option<ColumnDrag>>>,
    key: &'static str,
    start: u32,
) -> DragHandlers {
    let down = {
        let drag = Rc::clone(drag);
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            if let Some(el) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<Element>(t).ok())
            {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            *drag.borrow_mut() = Some((key, e.client_x(), start));
        })
    };
    let moved = {
        let (drag, widths) = (Rc::clone(drag), widths.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some((k, x0, w0)) = *drag.borrow() {
                let w = (i64::from(w0) + i64::from(e.client_x() - x0)).clamp(40, 1200) as u32;
                let mut next = (*widths).clone();
                next.insert(k, w);
                widths.set(next);
            }
        })
    };
    let drag = Rc::clone(drag);
    let up = Callback::from(move |_: PointerEvent| *drag.borrow_mut() = None);
    (down, moved, up)
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
        let answer = engine.rows(page * PAGE, PAGE).await;
        in_flight.borrow_mut().remove(&(generation, page));
        if let Ok(Page {
            rows,
            generation: g,
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
fn cell(c: &ColumnDef, r: &Row, width: u32, local_time: bool) -> Html {
    let style = format!("width:{width}px");
    if c.key == "time" && local_time {
        let text = local(r.time);
        return html! { <span class={c.class} style={style} role="gridcell" title={format!("{} UTC", display::time(r.time))}>{text}</span> };
    }
    if c.key != "name" {
        let text = (c.value)(r);
        return html! { <span class={c.class} style={style} role="gridcell" title={text.clone()}>{text}</span> };
    }
    let csv = if r.summary_only { " ·csv" } else { "" };
    if r.rules.is_empty() {
        html! { <span class="c-name" style={style} role="gridcell" title={r.name.clone()}>{&r.name}{csv}</span> }
    } else {
        // Watch rules the event matches, as small badges in the rule's own colour with its
        // initial, the name in the tooltip and for screen readers (styles/rules.css): the
        // event name keeps the room.
        html! {
            <span class="c-name with-rules" style={style} role="gridcell" title={format!("{} · rules: {}", r.name, r.rules.join(", "))}>
                <span class="name">{&r.name}{csv}</span>
                { for r.rules.iter().map(|rule| html! {
                    <span class="rule-badge" data-testid="rule-badge" title={format!("rule: {rule}")}
                          data-initial={rule.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default()}
                          style={format!("--rule-hue:{}", rule_hue(rule))}>
                        <span class="rule-name">{rule}</span>
                    </span>
                }) }
            </span>
        }
    }
}

/// A stable hue for a rule's badge, from its name.
pub fn rule_hue(name: &str) -> u32 {
    name.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    }) % 360
}

/// A time in the browser's time zone, as `YYYY-MM-DD hh:mm:ss` and the offset.
pub fn local(t: Option<crate::time::EpochMillis>) -> String {
    let Some(t) = t else {
        return "—".to_owned();
    };
    // Minutes behind UTC at that instant (daylight saving included).
    let offset =
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t as f64)).get_timezone_offset();
    let minutes = -(offset as i64);
    let shifted = display::time(Some(t + minutes * 60_000));
    let sign = if minutes < 0 { '-' } else { '+' };
    format!(
        "{shifted} {sign}{:02}:{:02}",
        minutes.abs() / 60,
        minutes.abs() % 60
    )
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
