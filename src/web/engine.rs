//! The only code that holds the worker: requests go out in order, and since the worker
//! answers each request exactly once, in order, answers are matched first-in first-out.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use gloo::worker::{Spawnable, WorkerBridge};
use yew::platform::pinned::oneshot;

use super::worker::TrailWorker;
use crate::protocol::{Request, Response};

/// Where Trunk puts the worker script, relative to the page (works under any sub-path).
const WORKER_PATH: &str = "./worker.js";

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
            .spawn(WORKER_PATH);
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
