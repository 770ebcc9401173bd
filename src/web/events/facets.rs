//! The facet panel: each facet's most frequent values with live counts. Click a value to
//! include it (again to drop it), the ⊘ button or Alt/Shift-click to exclude it; several
//! values and facets combine. Choices are written into the query text by the app, so
//! the panel only draws what the worker counted.

use std::rc::Rc;

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

#[function_component(FacetsPanel)]
pub fn facets_panel(props: &FacetsProps) -> Html {
    html! {
        <section class="facets" data-testid="facets" aria-label="Facets">
            { for props.facets.iter().map(|f| facet_group(f, &props.on_toggle)) }
            { for props.pending.iter().map(|f| html! {
                <div class="facet pending" data-testid="facet-pending" data-field={f.field()} aria-busy="true">
                    <span class="facet-label">{f.label()}</span>
                    <p class="muted">{"Checking the digests…"}</p>
                </div>
            }) }
        </section>
    }
}

fn facet_group(counts: &FacetCounts, on_toggle: &Callback<(Facet, String, bool)>) -> Html {
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
    html! {
        <details class="facet" open=true data-testid="facet" data-field={facet.field()}>
            <summary>
                <span class="facet-label">{facet.label()}</span>
                <span class="facet-distinct muted" title="distinct values">{display::count(counts.distinct)}</span>
            </summary>
            <ul>
            { for counts.values.iter().map(|v| {
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
                let state = match chosen {
                    Some(false) => "include",
                    Some(true) => "exclude",
                    None => "",
                };
                let width = format!("width:{:.1}%", f64::from(v.count) * 100.0 / f64::from(max));
                html! {
                    <li class={classes!("facet-value", (!state.is_empty()).then_some(state))}
                        data-testid="facet-value" data-field={facet.field()} data-value={value.clone()}
                        data-count={v.count.to_string()} data-chosen={state}
                        title={format!("{value}: click to show only these (again to undo), Alt/Shift-click or ⊘ to hide them")}
                        onclick={include}>
                        <span class="bar" style={width}></span>
                        <span class="value">{ if value.is_empty() { "(empty)" } else { &value } }</span>
                        <span class="count">{display::count(v.count)}</span>
                        <button class="exclude" data-testid="facet-exclude" title="Hide these events"
                                aria-label={format!("exclude {value}")} onclick={exclude}>{"⊘"}</button>
                    </li>
                }
            }) }
            </ul>
            if more > 0 {
                <p class="facet-more muted">{format!("+{} more values (type {}:… in the query)", display::count(more), facet.field())}</p>
            }
            if counts.missing > 0 {
                <p class="facet-missing muted">{format!("{} without a value", display::count(counts.missing))}</p>
            }
        </details>
    }
}
