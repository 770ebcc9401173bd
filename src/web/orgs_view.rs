//! The Organization view (being written): lifecycles reconstructed by [`crate::orgs`].

use yew::prelude::*;

use super::engine::Engine;

#[derive(Properties, PartialEq)]
pub struct OrgsViewProps {
    pub engine: Engine,
    /// The loaded data's generation: ask again when it changes.
    pub generation: u32,
    /// Show these events in the table: (what they are, their eventIDs; `None` = all).
    pub on_show_events: Callback<(Option<String>, Option<Vec<String>>)>,
}

#[function_component(OrgsView)]
pub fn orgs_view(_props: &OrgsViewProps) -> Html {
    html! { <section class="orgs" data-testid="orgs-view">{"Organization view"}</section> }
}
