//! The Rules panel (being written): EventBridge patterns over the loaded history.

use yew::prelude::*;

use super::engine::Engine;

#[derive(Properties, PartialEq)]
pub struct RulesViewProps {
    pub engine: Engine,
    /// The loaded data's generation.
    pub generation: u32,
    /// Show this rule's matches in the Events tab.
    pub on_show_rule: Callback<String>,
}

#[function_component(RulesView)]
pub fn rules_view(_props: &RulesViewProps) -> Html {
    html! { <section class="rules" data-testid="rules-view">{"Rules"}</section> }
}
