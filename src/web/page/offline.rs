//! Offline use: registers the service worker (`web/sw.js`, copied beside the page by
//! Trunk) that keeps the app shell, so the page opens and works with no network after
//! the first visit.

use wasm_bindgen::JsValue;

/// The service worker's script, relative to the page: its scope is the page's folder, so
/// the site works offline from any sub-path.
const SERVICE_WORKER: &str = "./sw.js";

/// Registers the service worker where the browser allows one (http or https; not a page
/// opened from disk, such as the single-file build). Failure only means no offline use.
pub fn register() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let web = matches!(
        window.location().protocol().as_deref(),
        Ok("http:") | Ok("https:")
    );
    let navigator = window.navigator();
    let has_workers =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    if web && has_workers {
        // The promise's result is of no use here; a refusal is not an error of the page.
        let _ = navigator.service_worker().register(SERVICE_WORKER);
    }
}
