//! The Web Worker: decodes each [`Request`], queues it, and answers in the order the
//! session's [`Scheduler`] picks (the user's questions ahead of long work, which runs in
//! slices between messages). No logic.

use gloo::worker::{HandlerId, Worker, WorkerScope};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{Numbered, Request, Response};
use crate::session::{Scheduler, Session};

pub mod engine;

pub struct TrailWorker {
    session: Session,
    /// Who asked each request: the bridge, and the request's number.
    scheduler: Scheduler<(HandlerId, u32)>,
    /// Most bytes of memory the worker may hold (see [`budget`]).
    budget: u64,
    /// A message on `wake.1` runs [`TrailWorker::pump`] as a task of its own, after the
    /// messages that arrived meanwhile (a timer would be clamped to 4 ms once nested).
    wake: Option<(web_sys::MessagePort, web_sys::MessagePort)>,
    /// A pump is on its way.
    woken: bool,
    /// Test hook `slice=N` in the address's fragment: each pump takes one step of at most
    /// N units of work (see [`Session`]'s jobs), so long work takes many pumps.
    slice: Option<usize>,
}

/// How long a pump works before it lets messages in.
/// - Good (shorter): a query waits less behind long work. Bad: more pumps, each a task.
const PUMP_MS: f64 = 10.0;

/// Runs a pump.
pub struct Pump;

/// The worker's memory budget. wasm32 memory ends at 4 GiB, and a browser tab may be
/// stopped well before: past this the worker refuses more files (the page stops the
/// load and says so) instead of dying with everything loaded.
/// - Good (bigger): more events in one tab. Bad: closer to a dead tab on a busy machine.
const MEMORY_BUDGET: u64 = 3 << 30;

/// A test setting `NAME=VALUE` in the worker's address's fragment, which the page copies
/// from its own (src/web/worker/engine.rs).
fn setting<T: std::str::FromStr>(name: &str) -> Option<T> {
    let hash = js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .map(|g| g.location().hash())
        .unwrap_or_default();
    crate::web::browser::address::setting(&hash, name)
}

/// The budget: [`MEMORY_BUDGET`], or for tests `memory-budget=BYTES`.
fn budget() -> u64 {
    setting("memory-budget").unwrap_or(MEMORY_BUDGET)
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

/// The answer in place of taking a request in, when what it brings needs at least its own
/// size and that passes the budget: refused whole, so what is loaded stays whole too.
/// Asked when its turn comes, for the memory held then.
fn over_budget(request: &Request, budget: u64) -> Option<Response> {
    let held = held();
    (held + incoming(request)? > budget).then_some(Response::OverBudget { held, budget })
}

/// A port whose messages send [`Pump`] to the worker, and its twin to post them on.
fn wake_ports(
    scope: &WorkerScope<TrailWorker>,
) -> Option<(web_sys::MessagePort, web_sys::MessagePort)> {
    let channel = web_sys::MessageChannel::new().ok()?;
    let scope = scope.clone();
    let pump = Closure::<dyn FnMut()>::new(move || scope.send_message(Pump));
    channel
        .port1()
        .set_onmessage(Some(pump.as_ref().unchecked_ref()));
    // Called for as long as the worker lives.
    pump.forget();
    Some((channel.port1(), channel.port2()))
}

impl Worker for TrailWorker {
    type Message = Pump;
    type Input = Numbered<Request>;
    type Output = Numbered<Response>;

    fn create(scope: &WorkerScope<Self>) -> Self {
        TrailWorker {
            session: Session::default(),
            scheduler: Scheduler::default(),
            budget: budget(),
            wake: wake_ports(scope),
            woken: false,
            slice: setting("slice"),
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, _msg: Pump) {
        self.woken = false;
        self.pump(scope);
    }

    fn received(&mut self, scope: &WorkerScope<Self>, request: Numbered<Request>, id: HandlerId) {
        self.scheduler.push((id, request.number), request.body);
        self.wake(scope);
    }
}

impl TrailWorker {
    /// Runs a pump soon, after the messages already received.
    fn wake(&mut self, scope: &WorkerScope<Self>) {
        if self.woken {
            return;
        }
        self.woken = true;
        match &self.wake {
            Some((_, port)) => _ = port.post_message(&JsValue::NULL),
            // No channel (never in practice): a microtask, after this message only.
            None => scope.send_message(Pump),
        }
    }

    /// Answers and works for about [`PUMP_MS`] (or one step, with the `slice` hook), then
    /// lets the messages that came meanwhile in before going on.
    fn pump(&mut self, scope: &WorkerScope<Self>) {
        let clock = performance();
        let now = || clock.as_ref().map_or(0.0, |p| p.now());
        let start = now();
        let budget = self.budget;
        let refuse = |request: &Request| over_budget(request, budget);
        loop {
            let answered = match self.slice {
                Some(units) => {
                    let mut left = units;
                    let mut more = || {
                        left = left.saturating_sub(1);
                        left > 0
                    };
                    self.scheduler.step(&mut self.session, &mut more, &refuse)
                }
                None => {
                    let mut more = || now() - start < PUMP_MS;
                    self.scheduler.step(&mut self.session, &mut more, &refuse)
                }
            };
            if let Some(((id, number), body)) = answered {
                scope.respond(id, Numbered { number, body });
            }
            if self.scheduler.is_idle() || self.slice.is_some() || now() - start >= PUMP_MS {
                break;
            }
        }
        busy(now() - start);
        if !self.scheduler.is_idle() {
            self.wake(scope);
        }
    }
}

fn performance() -> Option<web_sys::Performance> {
    js_sys::global()
        .dyn_into::<web_sys::WorkerGlobalScope>()
        .ok()
        .and_then(|g| g.performance())
}

/// Adds to `trailglassBusyMs` on the worker's global: the time spent answering requests
/// (pumps, long work included).
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
