//! The Web Worker: decodes a [`Request`], runs it on the session, answers. No logic.

use gloo::worker::{HandlerId, Worker, WorkerScope};

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
        scope.respond(id, self.session.handle(request));
    }
}
