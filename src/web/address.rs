//! The page address's hash: `&`-separated items that several parts of the page own
//! (`sample`, `rules=…`, the Events tab's `q=…&from=…`); each reads and rewrites only
//! its own items and keeps the others as they are.

use wasm_bindgen::JsValue;

/// The hash's items, as written.
pub fn hash_items() -> Vec<String> {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    hash.trim_start_matches('#')
        .split('&')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Puts `items` in the address: a new history entry, or in place (`replace`); nothing
/// when the address already says this.
pub fn write_hash_items(items: &[String], replace: bool) {
    let hash = format!("#{}", items.join("&"));
    let Some(window) = web_sys::window() else {
        return;
    };
    let current = window.location().hash().unwrap_or_default();
    // An empty hash reads back as "", not "#".
    if current == hash || (hash == "#" && current.is_empty()) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&hash))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&hash))
        };
    }
}
