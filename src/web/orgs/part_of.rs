//! The event detail pane's "Part of: …" line: the Organizations lifecycles an event belongs
//! to ([`crate::orgs::sections::lifecycle_links`]), each a button that shows its events.

use yew::prelude::*;

use super::ShowEvents;
use crate::orgs::sections::LifecycleLink;

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
