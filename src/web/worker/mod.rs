//! The Web Worker: decodes a [`Request`], runs it on the session, answers. No logic.

use gloo::worker::{HandlerId, Worker, WorkerScope};
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{Request, Response};
use crate::session::Session;

pub mod engine;

pub struct TrailWorker {
    session: Session,
    /// Most bytes of memory the worker may hold (see [`budget`]).
    budget: u64,
}

/// The worker's memory budget. wasm32 memory ends at 4 GiB, and a browser tab may be
/// stopped well before: past this the worker refuses more files (the page stops the
/// load and says so) instead of dying with everything loaded.
/// - Good (bigger): more events in one tab. Bad: closer to a dead tab on a busy machine.
const MEMORY_BUDGET: u64 = 3 << 30;

/// The budget: [`MEMORY_BUDGET`], or for tests `memory-budget=BYTES` in the worker's
/// address's fragment, which the page copies from its own (src/web/worker/engine.rs).
fn budget() -> u64 {
    let hash = js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .map(|g| g.location().hash())
        .unwrap_or_default();
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|item| item.strip_prefix("memory-budget=")?.parse().ok())
        .unwrap_or(MEMORY_BUDGET)
}

/// The worker's memory now: its wasm memory, which only grows (the high-water mark).
fn held() -> u64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0, |b| b.byte_length() as u64)
}

/// The bytes a request brings in, when it is one that adds to what the worker holds.
fn incoming(request: &Request) -> Option<u64> {
    match request {
        Request::AddFiles(files) => Some(files.iter().map(|f| f.bytes.len() as u64).sum()),
        Request::AddChunk(chunk) => Some(chunk.bytes.len() as u64),
        _ => None,
    }
}

impl Worker for TrailWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        TrailWorker {
            session: Session::default(),
            budget: budget(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, request: Request, id: HandlerId) {
        let start = now();
        // What it brings needs at least its own size: refused whole if that passes the
        // budget, so what is loaded stays whole too.
        let over = incoming(&request)
            .map(|bytes| (held(), bytes))
            .filter(|(held, bytes)| held + bytes > self.budget);
        let response = match over {
            Some((held, _)) => Response::OverBudget {
                held,
                budget: self.budget,
            },
            None => self.session.handle(request),
        };
        busy(now() - start);
        scope.respond(id, response);
    }
}

fn now() -> f64 {
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|g| g.performance())
        .map_or(0.0, |p| p.now())
}

/// Adds to `trailglassBusyMs` on the worker's global: the time spent answering requests.
/// The benchmarks reset and read it to tell the worker's share of a round trip from the
/// page's (the timeline issue's latency targets are the worker's).
fn busy(ms: f64) {
    let global = js_sys::global();
    let key = JsValue::from_str("trailglassBusyMs");
    let before = js_sys::Reflect::get(&global, &key)
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let _ = js_sys::Reflect::set(&global, &key, &JsValue::from_f64(before + ms));
}
