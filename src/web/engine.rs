//! The only code that holds the worker: requests go out in order, and since the worker
//! answers each request exactly once, in order, answers are matched first-in first-out.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::worker::{Spawnable, WorkerBridge};
use yew::platform::pinned::oneshot;

use super::worker::TrailWorker;
use crate::protocol::{Request, Response};

/// The worker's entry, relative to the page (works under any sub-path): it loads Trunk's
/// `worker.js` and `worker_bg.wasm`. A file of the site rather than gloo's `blob:` loader,
/// so the Content-Security-Policy allows workers and scripts from 'self' only.
const WORKER_LOADER: &str = "./worker-loader.js";

/// The single-file build (scripts/single-file) has no files beside the page: it puts a
/// `blob:` URL of the worker, wasm inlined, in this global before the app starts.
const INLINE_WORKER_GLOBAL: &str = "trailglassWorkerUrl";

/// The worker's address. A test-only `memory-budget=BYTES` in the page's fragment goes on
/// to the worker's, which reads its budget there (src/web/worker.rs).
fn worker_loader() -> String {
    let loader = js_sys::Reflect::get(&js_sys::global(), &INLINE_WORKER_GLOBAL.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| WORKER_LOADER.to_owned());
    match super::address::hash_items()
        .into_iter()
        .find(|item| item.starts_with("memory-budget="))
    {
        Some(budget) => format!("{loader}#{budget}"),
        None => loader,
    }
}

#[derive(Clone)]
pub struct Engine {
    inner: Rc<Inner>,
}

struct Inner {
    bridge: WorkerBridge<TrailWorker>,
    waiting: Rc<RefCell<VecDeque<oneshot::Sender<Response>>>>,
}

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Engine {
    pub fn spawn() -> Engine {
        let waiting: Rc<RefCell<VecDeque<oneshot::Sender<Response>>>> = Rc::default();
        let queue = Rc::clone(&waiting);
        let bridge = TrailWorker::spawner()
            .callback(move |response| {
                if let Some(tx) = queue.borrow_mut().pop_front() {
                    // The receiver may be gone (its view was replaced): nothing to do.
                    let _ = tx.send(response);
                }
            })
            .spawn_with_loader(&worker_loader());
        Engine {
            inner: Rc::new(Inner { bridge, waiting }),
        }
    }

    /// Sends a request and waits for its answer; `None` if the worker went away.
    pub async fn ask(&self, request: Request) -> Option<Response> {
        self.send(request).await.ok()
    }

    /// Sends a request now and returns where its answer will arrive, so the caller can do
    /// other work (read the next files) while the worker is busy.
    pub fn send(&self, request: Request) -> oneshot::Receiver<Response> {
        let (tx, rx) = oneshot::channel();
        self.inner.waiting.borrow_mut().push_back(tx);
        self.inner.bridge.send(request);
        rx
    }
}
