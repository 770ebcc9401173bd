//! The page address's hash: `&`-separated items that several parts of the page own
//! (`sample`, `rules=…`, the Events tab's `q=…&from=…`); each reads and rewrites only
//! its own items and keeps the others as they are.

use wasm_bindgen::JsValue;

/// The page address's fragment, `#` included (empty when there is none).
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The hash's items, as written.
pub fn hash_items() -> Vec<String> {
    hash()
        .trim_start_matches('#')
        .split('&')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A test setting `NAME=VALUE` among the items of `hash` (a page's or a worker's address's
/// fragment, `#` included or not), parsed.
pub fn setting<T: std::str::FromStr>(hash: &str, name: &str) -> Option<T> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|item| item.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}

/// Puts `items` in the address: a new history entry, or in place (`replace`); nothing
/// when the address already says this (in any order).
pub fn write_hash_items(items: &[String], replace: bool) {
    let hash = format!("#{}", items.join("&"));
    let Some(window) = web_sys::window() else {
        return;
    };
    // The same items in another order say the same: no new history entry for that.
    let mut now = hash_items();
    let mut want = items.to_vec();
    now.sort();
    want.sort();
    if now == want {
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

/// Moves to the view `items` describe as a new history entry (or in place), and tells
/// every part of the page to read the address again, as Back and Forward do: a drill-down
/// from another tab is one entry, and the address stays the one source of truth.
pub fn navigate(items: &[String], replace: bool) {
    write_hash_items(items, replace);
    if let Some(window) = web_sys::window() {
        if let Ok(event) = web_sys::PopStateEvent::new("popstate") {
            let _ = window.dispatch_event(&event);
        }
    }
}

/// The value of `key=` among the items, percent-decoded.
pub fn item(items: &[String], key: &str) -> Option<String> {
    items
        .iter()
        .find_map(|i| i.strip_prefix(key)?.strip_prefix('='))
        .map(crate::present::link::decode)
}

/// The items with `key=value` set (or removed, for `None`), in place of any before.
pub fn set_item(items: &mut Vec<String>, key: &str, value: Option<&str>) {
    let at = items.iter().position(|i| i.split('=').next() == Some(key));
    let new = value.map(|v| format!("{key}={}", crate::present::link::encode(v)));
    match (at, new) {
        (Some(i), Some(n)) => items[i] = n,
        (Some(i), None) => {
            items.remove(i);
        }
        (None, Some(n)) => items.push(n),
        (None, None) => {}
    }
}
