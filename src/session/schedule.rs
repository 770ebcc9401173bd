//! Which request the worker answers next: the user's questions ahead of long work.
//!
//! Entry points: [`Scheduler::push`] (a request, in the order received) and
//! [`Scheduler::step`] (answer one, or do a slice of the long one under way).
//!
//! Requests are taken in order. A long one (digest validation, the org report, rules: a
//! [`Job`]) does what must happen in its turn at once (rules are replaced) and the rest in
//! slices; while it is under way, the interactive requests queued behind it (the Events
//! tab's queries, rows, details: cheap, and someone is waiting) are answered first, passing
//! too the validations and org reports queued before them. Nothing else passes it: a
//! request that changes the data or the rules waits for it, and what follows that waits
//! too, so no answer depends on whether it was sliced. An
//! interactive request that passes a validation is answered as if it had come before it
//! (the integrity facet pending, as the page already handles); one that needs the job's
//! result (a `rule:` query, a vouch) finishes that part itself, and the job finds it done.

use std::collections::VecDeque;

use super::Session;
use crate::integrity::Check;
use crate::protocol::{Request, Response};

/// What is left of a long request (its state lives in the session: another request that
/// needs the same result finishes it there).
pub(super) enum Job {
    /// The signature checks left to make (`None`: not listed yet), then the answer.
    Validate(Option<Vec<Check>>),
    Integrity(Option<Vec<Check>>),
    /// The rules' run under way ([`super::watch::Watch::advance`]).
    Rules,
    /// The org report: one slice (src/orgs builds it in one go).
    Orgs,
}

/// What [`Session::start`] made of a request.
pub(super) enum Started {
    Answered(Response),
    Job(Job),
}

/// The user is waiting for these, and each is quick.
fn interactive(request: &Request) -> bool {
    matches!(
        request,
        Request::Timeline { .. }
            | Request::Rows { .. }
            | Request::Detail { .. }
            | Request::Locate(_)
            | Request::Suggest { .. }
            | Request::Vouch { .. }
    )
}

/// Long requests whose start changes nothing (unlike new rules): an interactive request may
/// pass them before they start too.
fn pure(request: &Request) -> bool {
    matches!(
        request,
        Request::Validate | Request::Integrity | Request::Orgs
    )
}

/// Requests waiting for their answer, each with its asker `T`.
pub struct Scheduler<T> {
    queue: VecDeque<(T, Request)>,
    /// The long request under way, and its asker.
    job: Option<(T, Job)>,
}

impl<T> Default for Scheduler<T> {
    fn default() -> Self {
        Scheduler {
            queue: VecDeque::new(),
            job: None,
        }
    }
}

impl<T> Scheduler<T> {
    pub fn push(&mut self, asker: T, request: Request) {
        self.queue.push_back((asker, request));
    }

    /// Nothing is waiting.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty() && self.job.is_none()
    }

    /// Where the first interactive request is that may pass the long one under way: only
    /// [`pure`] ones are queued before it.
    fn next_interactive(&self) -> Option<usize> {
        self.queue
            .iter()
            .position(|(_, r)| !pure(r))
            .filter(|&at| interactive(&self.queue[at].1))
    }

    /// Answers the first interactive request that may pass the long one under way, or
    /// does a slice of that (one step, then more while `more()` says so), or takes the
    /// next request. The answer made, if any, and its asker. `refuse` may answer a request
    /// in place of running it (the worker's memory budget).
    pub fn step(
        &mut self,
        session: &mut Session,
        more: &mut dyn FnMut() -> bool,
        refuse: &dyn Fn(&Request) -> Option<Response>,
    ) -> Option<(T, Response)> {
        let passing = self.next_interactive();
        if let Some((_, job)) = &mut self.job {
            let Some(at) = passing else {
                let response = session.work(job, more)?;
                let (asker, _) = self.job.take()?;
                return Some((asker, response));
            };
            let (asker, request) = self.queue.remove(at)?;
            return Some((asker, session.handle(request)));
        }
        let (asker, request) = self.queue.pop_front()?;
        if let Some(response) = refuse(&request) {
            return Some((asker, response));
        }
        match session.start(request) {
            Started::Answered(response) => Some((asker, response)),
            Started::Job(job) => {
                self.job = Some((asker, job));
                None
            }
        }
    }
}
