//! The light / dark switch. The styles follow the system (`prefers-color-scheme`) by
//! themselves (`light-dark()` colours under `color-scheme: light dark`); a choice here pins
//! one theme by setting `data-theme` on the root element, and is kept in localStorage.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::web::rules::local_storage;

/// localStorage key of the chosen theme: `light` or `dark`; absent means the system's.
const STORAGE_KEY: &str = "trailglass.theme";

/// The choices, as stored and as set on `<html data-theme>` ("" = follow the system).
const CHOICES: [(&str, &str); 3] = [("", "System"), ("light", "Light"), ("dark", "Dark")];

fn saved() -> String {
    local_storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .filter(|t| CHOICES.iter().any(|(v, _)| v == t))
        .unwrap_or_default()
}

fn apply(theme: &str) {
    let Some(root) = gloo::utils::document().document_element() else {
        return;
    };
    let _ = if theme.is_empty() {
        root.remove_attribute("data-theme")
    } else {
        root.set_attribute("data-theme", theme)
    };
}

#[function_component(ThemeSwitch)]
pub fn theme_switch() -> Html {
    let theme = use_state(saved);
    {
        let theme = (*theme).clone();
        use_effect_with(theme, |t| apply(t));
    }
    let onchange = {
        let theme = theme.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(storage) = local_storage() {
                // Storage refused (private mode, full): the choice holds for this visit.
                let _ = if value.is_empty() {
                    storage.remove_item(STORAGE_KEY)
                } else {
                    storage.set_item(STORAGE_KEY, &value)
                };
            }
            theme.set(value);
        })
    };
    html! {
        <label class="theme-switch">
            {"Theme "}
            <select data-testid="theme" {onchange}>
                { for CHOICES.iter().map(|(value, label)| html! {
                    <option value={*value} selected={*theme == *value}>{*label}</option>
                }) }
            </select>
        </label>
    }
}
