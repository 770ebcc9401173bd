//! Saving a file the page made (an export, the rule set): a Blob, an object URL and a
//! temporary `<a download>`. Nothing leaves the machine: the URL is `blob:` and local.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement};

/// Offers `bytes` as a download named `file_name`.
pub fn download(file_name: &str, mime: &str, bytes: &[u8]) -> Result<(), JsValue> {
    save(file_name, &blob(bytes, mime)?)
}

/// A Blob of a copy of `bytes`: the caller may drop them at once.
pub fn blob(bytes: &[u8], mime: &str) -> Result<Blob, JsValue> {
    // A view of the bytes in wasm memory rather than a copy in the JS heap: the Blob
    // takes its own copy at once, before anything here can allocate (and so move or
    // grow that memory).
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().dyn_into()?;
    let view = js_sys::Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        bytes.as_ptr() as u32,
        bytes.len() as u32,
    );
    Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&view), &options(mime))
}

/// One Blob of the Blobs `parts`, in order: the browser joins them by reference, so a
/// file made in parts is never copied whole into either heap.
pub fn join(parts: &js_sys::Array, mime: &str) -> Result<Blob, JsValue> {
    Blob::new_with_blob_sequence_and_options(parts, &options(mime))
}

fn options(mime: &str) -> BlobPropertyBag {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    options
}

/// Offers `blob` as a download named `file_name`.
pub fn save(file_name: &str, blob: &Blob) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let document = gloo::utils::document();
    let a: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(file_name);
    a.set_hidden(true);
    gloo::utils::body().append_child(&a)?;
    a.click();
    a.remove();
    // Revoke once the download has started.
    gloo::timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
