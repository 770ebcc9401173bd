//! The facet panel: each facet's most frequent values with live counts. Click a value to
//! include it (again to drop it), the ⊘ button or Alt/Shift-click to exclude it; several
//! values and facets combine. Choices are written into the query text by the app, so
//! the panel only draws what the worker counted.
//!
//! By keyboard each facet's values are a toolbar of toggle buttons with one tab stop
//! (the value last focused in it): ↑ ↓ Home End move between values, Enter or Space
//! includes (again: undoes), `x` or Delete excludes (again: undoes), → and ← go to the
//! value's ⊘ button and back. Focus stays on the same value when the answer redraws the
//! list.

use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::display;
use crate::timeline::{Facet, FacetCounts};

#[derive(Properties, PartialEq)]
pub struct FacetsProps {
    pub facets: Rc<Vec<FacetCounts>>,
    /// Facets still being worked out (integrity, while the digests are validated).
    #[prop_or_default]
    pub pending: Vec<Facet>,
    /// (facet, value, exclude): switch that choice.
    pub on_toggle: Callback<(Facet, String, bool)>,
}

/// The id of the hidden note that tells screen readers the keys.
const KEYS_NOTE: &str = "facet-keys";
const VALUE: &str = "[data-testid=facet-value]";

/// The value (or its ⊘ button) that has focus.
#[derive(Clone, Debug)]
struct Focused {
    field: String,
    value: String,
    exclude: bool,
    /// Its place in its facet's list, for when the value is no longer listed.
    index: u32,
}

#[function_component(FacetsPanel)]
pub fn facets_panel(props: &FacetsProps) -> Html {
    let panel = use_node_ref();
    // Each facet's tab stop: the value last focused in it (else its first value).
    let stops = use_state(BTreeMap::<String, String>::new);
    // Focus as this render starts: a key press's answer redraws the values (in another
    // order, or without the focused one), and focus must stay on the same value so that
    // Enter can be pressed on several in a row.
    let before = focused(&panel);
    {
        let panel = panel.clone();
        use_effect(move || {
            if let Some(f) = before {
                restore(&panel, &f);
            }
        });
    }
    let on_focus = {
        let stops = stops.clone();
        Callback::from(move |e: FocusEvent| {
            let Some(f) = e.target_dyn_into::<Element>().as_ref().and_then(describe) else {
                return;
            };
            if stops.get(&f.field) != Some(&f.value) {
                let mut next = (*stops).clone();
                next.insert(f.field, f.value);
                stops.set(next);
            }
        })
    };
    html! {
        <section class="facets" data-testid="facets" aria-label="Facets" ref={panel} onfocusin={on_focus}>
            <p id={KEYS_NOTE} hidden=true>
                {"Up and down arrows move between values. Enter shows only this value, x or Delete hides it; again undoes."}
            </p>
            { for props.facets.iter().map(|f| facet_group(f, stops.get(f.facet.field()), &props.on_toggle)) }
            { for props.pending.iter().map(|f| html! {
                <div class="facet pending" data-testid="facet-pending" data-field={f.field()} aria-busy="true">
                    <span class="facet-label">{f.label()}</span>
                    <p class="muted">{"Checking the digests…"}</p>
                </div>
            }) }
        </section>
    }
}

fn facet_group(
    counts: &FacetCounts,
    stop: Option<&String>,
    on_toggle: &Callback<(Facet, String, bool)>,
) -> Html {
    let facet = counts.facet;
    let max = counts
        .values
        .iter()
        .map(|v| v.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let shown = counts.values.len() as u32;
    let more = counts.distinct.saturating_sub(shown);
    let stop = stop
        .and_then(|s| counts.values.iter().position(|v| &v.value == s))
        .unwrap_or(0);
    html! {
        <details class="facet" open=true data-testid="facet" data-field={facet.field()}>
            <summary>
                <span class="facet-label">{facet.label()}</span>
                <span class="facet-distinct muted" title="distinct values">{display::count(counts.distinct)}</span>
            </summary>
            <div role="toolbar" aria-orientation="vertical" aria-label={format!("{} values", facet.label())}
                 aria-describedby={KEYS_NOTE}>
            <ul>
            { for counts.values.iter().enumerate().map(|(i, v)| {
                let (value, chosen) = (v.value.clone(), v.chosen);
                let include = {
                    let (on_toggle, value) = (on_toggle.clone(), value.clone());
                    Callback::from(move |e: MouseEvent| {
                        // Alt/Shift-click excludes, as in most log tools.
                        let exclude = e.alt_key() || e.shift_key();
                        on_toggle.emit((facet, value.clone(), exclude || chosen == Some(true)));
                    })
                };
                let exclude = {
                    let (on_toggle, value) = (on_toggle.clone(), value.clone());
                    Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        on_toggle.emit((facet, value.clone(), true));
                    })
                };
                let on_key = {
                    let (on_toggle, value) = (on_toggle.clone(), value.clone());
                    Callback::from(move |e: KeyboardEvent| {
                        if e.ctrl_key() || e.meta_key() || e.alt_key() {
                            return;
                        }
                        if on_value_key(&e, &e.key()) {
                            e.prevent_default();
                        } else if matches!(e.key().as_str(), "x" | "X" | "Delete") {
                            e.prevent_default();
                            on_toggle.emit((facet, value.clone(), true));
                        }
                    })
                };
                let (state, said) = match chosen {
                    Some(false) => ("include", ", included"),
                    Some(true) => ("exclude", ", excluded"),
                    None => ("", ""),
                };
                let shown = if value.is_empty() { "(empty)" } else { value.as_str() };
                let noun = if v.count == 1 { "event" } else { "events" };
                // The name is the visible value, then what only a screen reader needs.
                let spoken = format!(": {} {noun}{said}", display::count(v.count));
                let tabindex = if i == stop { "0" } else { "-1" };
                let width = format!("width:{:.1}%", f64::from(v.count) * 100.0 / f64::from(max));
                html! {
                    <li class={classes!("facet-value", (!state.is_empty()).then_some(state))}
                        data-testid="facet-value" data-field={facet.field()} data-value={value.clone()}
                        data-count={v.count.to_string()} data-chosen={state}
                        title={format!("{value}: click or Enter to show only these (again to undo), Alt/Shift-click, ⊘ or x to hide them")}
                        onclick={include} onkeydown={on_key}>
                        <span class="bar" style={width}></span>
                        <button class="pick" tabindex={tabindex} aria-pressed={(chosen == Some(false)).to_string()}>
                            <span class="value">{shown}</span>
                            <span class="sr-only">{spoken}</span>
                        </button>
                        <span class="count" aria-hidden="true">{display::count(v.count)}</span>
                        <button class="exclude" data-testid="facet-exclude" title="Hide these events (x)" tabindex="-1"
                                aria-label={format!("exclude {shown}")} aria-pressed={(chosen == Some(true)).to_string()}
                                onclick={exclude}>{"⊘"}</button>
                    </li>
                }
            }) }
            </ul>
            </div>
            if more > 0 {
                <p class="facet-more muted">{format!("+{} more values (type {}:… in the query)", display::count(more), facet.field())}</p>
            }
            if counts.missing > 0 {
                <p class="facet-missing muted">{format!("{} without a value", display::count(counts.missing))}</p>
            }
        </details>
    }
}

/// Moves focus for a navigation key pressed on a value or its ⊘ button; false for
/// other keys.
fn on_value_key(e: &KeyboardEvent, key: &str) -> bool {
    let Some(item) = e
        .target_dyn_into::<Element>()
        .and_then(|t| t.closest(VALUE).ok().flatten())
    else {
        return false;
    };
    let list = item.parent_element();
    let (to, part) = match key {
        "ArrowDown" => (item.next_element_sibling(), ".pick"),
        "ArrowUp" => (item.previous_element_sibling(), ".pick"),
        "Home" => (list.and_then(|l| l.first_element_child()), ".pick"),
        "End" => (list.and_then(|l| l.last_element_child()), ".pick"),
        "ArrowRight" => (Some(item), ".exclude"),
        "ArrowLeft" => (Some(item), ".pick"),
        _ => return false,
    };
    if let Some(to) = to {
        focus(&to, part);
    }
    true
}

fn focus(item: &Element, part: &str) {
    if let Some(el) = item
        .query_selector(part)
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Which value `el` (a value's button) is, if it is one.
fn describe(el: &Element) -> Option<Focused> {
    let item = el.closest(VALUE).ok().flatten()?;
    let mut index = 0;
    let mut at = item.previous_element_sibling();
    while let Some(e) = at {
        index += 1;
        at = e.previous_element_sibling();
    }
    Some(Focused {
        field: item.get_attribute("data-field")?,
        value: item.get_attribute("data-value")?,
        exclude: el.matches(".exclude").unwrap_or(false),
        index,
    })
}

fn active() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// The value in the panel that has focus, if one has.
fn focused(panel: &NodeRef) -> Option<Focused> {
    let (panel, el) = (panel.cast::<Element>()?, active()?);
    panel.contains(Some(&el)).then(|| describe(&el)).flatten()
}

/// Puts focus back on the value `was` (the same part of it) after a redraw, or on the
/// one now in its place when it is no longer listed. Focus that has gone elsewhere than
/// the panel or the page itself is left alone.
fn restore(panel: &NodeRef, was: &Focused) {
    let Some(panel) = panel.cast::<Element>() else {
        return;
    };
    let now = active();
    let same =
        |f: &Focused| f.field == was.field && f.value == was.value && f.exclude == was.exclude;
    if now.as_ref().and_then(describe).is_some_and(|f| same(&f)) {
        return;
    }
    if now
        .as_ref()
        .is_some_and(|n| !panel.contains(Some(n)) && n.tag_name() != "BODY")
    {
        return;
    }
    // The facet's list, then the value in it by name, else by place.
    let mut group = panel.first_element_child();
    while let Some(g) = &group {
        if g.get_attribute("data-field").as_deref() == Some(was.field.as_str()) {
            break;
        }
        group = g.next_element_sibling();
    }
    let Some(list) = group.and_then(|g| g.query_selector("ul").ok().flatten()) else {
        return;
    };
    let mut item = list.first_element_child();
    let mut fallback = None;
    let mut i = 0;
    while let Some(it) = item {
        if it.get_attribute("data-value").as_deref() == Some(was.value.as_str()) {
            fallback = Some(it);
            break;
        }
        if i <= was.index {
            fallback = Some(it.clone());
        }
        i += 1;
        item = it.next_element_sibling();
    }
    if let Some(it) = fallback {
        focus(&it, if was.exclude { ".exclude" } else { ".pick" });
    }
}
