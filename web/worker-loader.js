// The worker's entry (src/web/engine.rs): a file of this site instead of gloo's blob: URL,
// so the page's Content-Security-Policy needs no blob: for scripts or workers.
importScripts('./worker.js');
wasm_bindgen({ module_or_path: './worker_bg.wasm' });
