//! The Web Worker: decodes a [`Request`], runs it on the session, answers. No logic.

use gloo::worker::{HandlerId, Worker, WorkerScope};
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{Request, Response};
use crate::session::Session;

pub struct TrailWorker {
    session: Session,
}

impl Worker for TrailWorker {
    type Message = ();
    type Input = Request;
    type Output = Response;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        TrailWorker {
            session: Session::default(),
        }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, request: Request, id: HandlerId) {
        let start = now();
        let response = self.session.handle(request);
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
