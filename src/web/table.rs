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
                     style={top} data-testid="event-row" data-event-id={r.event_id.clone()} onclick={onclick}>
                    <span class="c-time">{display::time(r.time)}</span>
                    if r.rules.is_empty() {
                        <span class="c-name">{&r.name}{ if r.summary_only { " ·csv" } else { "" } }</span>
                    } else {
                        // Watch rules the event matches, as badges (styles/rules.css).
                        <span class="c-name with-rules" title={format!("{} · rules: {}", r.name, r.rules.join(", "))}>
                            <span class="name">{&r.name}{ if r.summary_only { " ·csv" } else { "" } }</span>
                            { for r.rules.iter().map(|rule| html! { <span class="rule-badge" data-testid="rule-badge">{rule}</span> }) }
                        </span>
                    }
                    <span class="c-source">{r.source.trim_end_matches(".amazonaws.com")}</span>
                    <span class="c-principal" title={r.identity_type.clone()}>{&r.principal}</span>
                    <span class="c-account">{&r.account}</span>
                    <span class="c-region">{&r.region}</span>
                    <span class="c-error">{&r.error_code}</span>
                </div>
            },
            None => html! { <div key={i} class="event-row loading" style={top}>{"…"}</div> },
        }
    });

    html! {
        <div class="events">
            <div class="table">
                <div class="event-head">
                    <span class="c-time">{"Time (UTC)"}</span><span class="c-name">{"Event"}</span>
                    <span class="c-source">{"Source"}</span><span class="c-principal">{"Principal"}</span>
                    <span class="c-account">{"Account"}</span><span class="c-region">{"Region"}</span>
                    <span class="c-error">{"Error"}</span>
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
