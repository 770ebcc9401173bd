//! The only code that holds the worker, and the page's one typed API to it: a method per
//! request, each returning that request's own answer type. Requests go out numbered, and
//! the worker answers each exactly once with its number: not always in order (a query is
//! answered ahead of long work, src/session/schedule.rs).
//!
//! No component matches [`Response`] variants: an answer of the wrong kind (a protocol
//! bug) or a worker gone becomes an [`EngineError`], logged here, once; callers only
//! decide what to draw without it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use gloo::worker::{Spawnable, WorkerBridge};
use yew::platform::pinned::oneshot;

use crate::ingest::FileReport;
use crate::integrity::{Report, Vouch};
use crate::orgs::OrgReport;
use crate::protocol::ViewFilter;
use crate::protocol::{
    Chunk, InputFile, Numbered, Request, Response, RuleResult, RuleSpec, Summary,
};
use crate::store::{EventId, Row};
use crate::timeline::{ExportFormat, TimelineAnswer, TimelineQuery};
use crate::web::browser::download;
use crate::web::worker::TrailWorker;

/// The worker's entry, relative to the page (works under any sub-path): it loads Trunk's
/// `worker.js` and `worker_bg.wasm`. A file of the site rather than gloo's `blob:` loader,
/// so the Content-Security-Policy allows workers and scripts from 'self' only.
const WORKER_LOADER: &str = "./worker-loader.js";

/// The single-file build (scripts/single-file) has no files beside the page: it puts a
/// `blob:` URL of the worker, wasm inlined, in this global before the app starts.
const INLINE_WORKER_GLOBAL: &str = "trailglassWorkerUrl";

/// The most bytes of an export the page takes in at once: each part becomes a Blob as it
/// arrives, so this (not the file) bounds the page's memory while exporting.
/// - Good (bigger): fewer round trips. Bad: more memory in both wasm heaps, which never
///   give it back.
const EXPORT_PART: u32 = 4 << 20;

/// The export part size: [`EXPORT_PART`], or for tests `export-part=BYTES` in the page's
/// address, read once at start (the view rewrites the address).
fn export_part() -> u32 {
    let address = crate::web::browser::address::hash();
    crate::web::browser::address::setting(&address, "export-part").unwrap_or(EXPORT_PART)
}

/// The worker's address. Test-only `memory-budget=BYTES` and `slice=N` in the page's
/// fragment go on to the worker's, which reads them there (src/web/worker/mod.rs).
fn worker_loader() -> String {
    let loader = js_sys::Reflect::get(&js_sys::global(), &INLINE_WORKER_GLOBAL.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| WORKER_LOADER.to_owned());
    let settings: Vec<String> = crate::web::browser::address::hash_items()
        .into_iter()
        .filter(|item| item.starts_with("memory-budget=") || item.starts_with("slice="))
        .collect();
    match settings.is_empty() {
        true => loader,
        false => format!("{loader}#{}", settings.join("&")),
    }
}

/// The requests not answered yet, by number, oldest first.
type Waiting = Rc<RefCell<VecDeque<(u32, oneshot::Sender<Response>)>>>;

#[derive(Clone)]
pub struct Engine {
    inner: Rc<Inner>,
}

struct Inner {
    bridge: WorkerBridge<TrailWorker>,
    waiting: Waiting,
    /// The next request's number.
    next: std::cell::Cell<u32>,
    /// See [`export_part`].
    export_part: u32,
}

impl PartialEq for Engine {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Engine {
    pub fn spawn() -> Engine {
        let waiting: Waiting = Rc::default();
        let queue = Rc::clone(&waiting);
        let bridge = TrailWorker::spawner()
            .callback(move |answer: Numbered<Response>| {
                let mut queue = queue.borrow_mut();
                let at = queue.iter().position(|(n, _)| *n == answer.number);
                if let Some((_, tx)) = at.and_then(|at| queue.remove(at)) {
                    // The receiver may be gone (its view was replaced): nothing to do.
                    let _ = tx.send(answer.body);
                }
            })
            .spawn_with_loader(&worker_loader());
        Engine {
            inner: Rc::new(Inner {
                bridge,
                waiting,
                next: std::cell::Cell::new(0),
                export_part: export_part(),
            }),
        }
    }

    /// Sends a request now and returns where its answer will arrive.
    fn send(&self, request: Request) -> oneshot::Receiver<Response> {
        let (tx, rx) = oneshot::channel();
        let number = self.inner.next.get();
        self.inner.next.set(number.wrapping_add(1));
        self.inner.waiting.borrow_mut().push_back((number, tx));
        self.inner.bridge.send(Numbered {
            number,
            body: request,
        });
        rx
    }

    /// Sends a request now; its answer, read by `read`, arrives through the [`Pending`].
    fn start<T>(&self, request: Request, read: Read<T>) -> Pending<T> {
        Pending {
            asked: request.name(),
            answer: self.send(request),
            read,
        }
    }

    async fn call<T>(&self, request: Request, read: Read<T>) -> Result<T, EngineError> {
        self.start(request, read).wait().await
    }

    /// Forgets everything loaded.
    pub async fn reset(&self) -> Result<(), EngineError> {
        self.call(Request::Reset, |r| match r {
            Response::Reset => Ok(()),
            other => Err(other),
        })
        .await
    }

    /// Sends a batch of files now: the caller reads the next while the worker parses.
    pub fn add_files(&self, files: Vec<InputFile>) -> Pending<Added> {
        self.start(Request::AddFiles(files), Added::read)
    }

    /// Sends a slice of a big file now (see [`Engine::add_files`]).
    pub fn add_chunk(&self, chunk: Chunk) -> Pending<Added> {
        self.start(Request::AddChunk(chunk), Added::read)
    }

    /// Adds the built-in sample history.
    pub async fn add_sample(&self) -> Result<Added, EngineError> {
        self.call(Request::sample(), Added::read).await
    }

    /// Sets the load filter for the loads that follow (the worker answers in order). Not
    /// awaited: a refused query is one the page already refused to send.
    pub fn set_load_filter(&self, query: Option<String>) {
        let pending = self.start(Request::SetLoadFilter(query), |r| match r {
            Response::LoadFilter { error } => Ok(error),
            other => Err(other),
        });
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(Some(error)) = pending.wait().await {
                log(&format!("the load filter was refused: {error}"));
            }
        });
    }

    /// Ends a load: the store sorted and indexed, the load summarised.
    pub async fn finish(&self) -> Result<Summary, EngineError> {
        self.call(Request::Finish, |r| match r {
            Response::Loaded(summary) => Ok(summary),
            other => Err(other),
        })
        .await
    }

    /// The Events tab's question, answered with the view's first `rows` rows.
    pub async fn timeline(
        &self,
        scope: ViewFilter,
        query: TimelineQuery,
        rows: u32,
    ) -> Result<Timeline, EngineError> {
        let request = Request::Timeline { scope, query, rows };
        self.call(request, |r| match r {
            Response::Timeline {
                generation,
                answer,
                rows,
            } => Ok(Timeline {
                generation,
                answer,
                rows,
            }),
            other => Err(other),
        })
        .await
    }

    /// Rows `offset..offset + len` of the view the last [`Engine::timeline`] made.
    pub async fn rows(&self, offset: u32, len: u32) -> Result<Page, EngineError> {
        self.call(Request::Rows { offset, len }, |r| match r {
            Response::Rows {
                generation, rows, ..
            } => Ok(Page { generation, rows }),
            other => Err(other),
        })
        .await
    }

    /// One event's full record and the file it was read from (`None`: no such event).
    pub async fn detail(&self, id: EventId) -> Result<Option<(String, String)>, EngineError> {
        self.call(Request::Detail { id }, |r| match r {
            Response::Detail { raw, file, .. } => Ok(raw.map(|raw| (raw, file))),
            other => Err(other),
        })
        .await
    }

    /// Where an event (by eventID) is in the view, as a row index.
    pub async fn locate(&self, event_id: String) -> Result<Option<u32>, EngineError> {
        self.call(Request::Locate(event_id), |r| match r {
            Response::Located { index, .. } => Ok(index),
            other => Err(other),
        })
        .await
    }

    /// Autocomplete: (text, events having it), most frequent first.
    pub async fn suggest(
        &self,
        field: Option<String>,
        prefix: String,
    ) -> Result<Vec<(String, u32)>, EngineError> {
        self.call(Request::Suggest { field, prefix }, |r| match r {
            Response::Suggest { items } => Ok(items),
            other => Err(other),
        })
        .await
    }

    /// The view as a file, fetched in parts: each part becomes a Blob as it arrives (its
    /// bytes dropped at once) and the Blobs are joined into one at the end, so neither
    /// the page's wasm memory nor its JS heap ever holds the whole file. `progress` is
    /// told (events written, events in all) after each part.
    pub async fn export(
        &self,
        format: ExportFormat,
        progress: impl Fn(u32, u32),
    ) -> Result<Exported, ExportError> {
        let (name, mime, events) = self
            .call(Request::Export(format), |r| match r {
                Response::ExportStarted {
                    name, mime, events, ..
                } => Ok((name, mime, events)),
                other => Err(other),
            })
            .await?;
        let max_bytes = self.inner.export_part;
        let parts = js_sys::Array::new();
        loop {
            let part = self.call(Request::ExportPart { max_bytes }, |r| match r {
                Response::ExportPart {
                    bytes,
                    exported,
                    done,
                    ..
                } => Ok(Some((bytes, exported, done))),
                Response::ExportStale => Ok(None),
                other => Err(other),
            });
            let Some((bytes, exported, done)) = part.await? else {
                return Err(ExportError::DataChanged);
            };
            let blob = download::blob(&bytes, &mime)?;
            parts.push(&blob);
            drop(bytes);
            progress(exported, events);
            if done {
                break;
            }
        }
        let blob = download::join(&parts, &mime)?;
        Ok(Exported { name, blob })
    }

    /// Validates the digests against everything loaded (if not done since it changed):
    /// the worker's generation after.
    pub async fn validate(&self) -> Result<u32, EngineError> {
        self.call(Request::Validate, |r| match r {
            Response::Validated { generation } => Ok(generation),
            other => Err(other),
        })
        .await
    }

    /// Digest validation of everything loaded.
    pub async fn integrity(&self) -> Result<Report, EngineError> {
        self.call(Request::Integrity, |r| match r {
            Response::Integrity { report, .. } => Ok(*report),
            other => Err(other),
        })
        .await
    }

    /// What the loaded digests say about one event's file.
    pub async fn vouch(&self, id: EventId) -> Result<Vouch, EngineError> {
        self.call(Request::Vouch { id }, |r| match r {
            Response::Vouch { vouch, .. } => Ok(vouch),
            other => Err(other),
        })
        .await
    }

    /// The Organizations lifecycles of everything loaded.
    pub async fn orgs(&self) -> Result<OrgReport, EngineError> {
        self.call(Request::Orgs, |r| match r {
            Response::Orgs { report, .. } => Ok(*report),
            other => Err(other),
        })
        .await
    }

    /// Replaces the watch rules: (the worker's generation after, each rule's result).
    pub async fn set_rules(
        &self,
        rules: Vec<RuleSpec>,
    ) -> Result<(u32, Vec<RuleResult>), EngineError> {
        self.call(Request::SetRules(rules), |r| match r {
            Response::Rules {
                generation,
                results,
            } => Ok((generation, results)),
            other => Err(other),
        })
        .await
    }
}

/// How a request's answer is read: its value, or the response back if it is another kind.
type Read<T> = fn(Response) -> Result<T, Response>;

/// An answer on its way (the request is sent).
pub struct Pending<T> {
    asked: &'static str,
    answer: oneshot::Receiver<Response>,
    read: Read<T>,
}

impl<T> Pending<T> {
    /// The answer; an error (logged) if the worker is gone or answered something else.
    pub async fn wait(self) -> Result<T, EngineError> {
        let answer = match self.answer.await {
            Ok(response) => (self.read)(response).map_err(|other| EngineError::Mismatch {
                asked: self.asked,
                got: other.name(),
            }),
            Err(_) => Err(EngineError::Gone { asked: self.asked }),
        };
        if let Err(e) = &answer {
            log(&e.to_string());
        }
        answer
    }
}

/// Why a request has no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EngineError {
    /// The worker went away before answering.
    Gone { asked: &'static str },
    /// The worker answered another kind of request: a protocol bug.
    Mismatch {
        asked: &'static str,
        got: &'static str,
    },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Gone { asked } => {
                write!(f, "the worker went away before answering {asked}")
            }
            EngineError::Mismatch { asked, got } => {
                write!(f, "the worker answered {asked} with {got}")
            }
        }
    }
}

fn log(message: &str) {
    web_sys::console::error_1(&message.into());
}

/// What became of files sent to the worker.
pub enum Added {
    /// Their reports (none until a sliced file's last slice) and the running event count.
    Files {
        reports: Vec<FileReport>,
        events: u32,
    },
    /// Over the worker's memory budget: nothing of them was read (bytes held, budget).
    OverBudget { held: u64, budget: u64 },
}

impl Added {
    fn read(response: Response) -> Result<Added, Response> {
        match response {
            Response::Added { reports, events } => Ok(Added::Files { reports, events }),
            Response::OverBudget { held, budget } => Ok(Added::OverBudget { held, budget }),
            other => Err(other),
        }
    }
}

/// A finished export: the file's name and its contents.
pub struct Exported {
    pub name: String,
    pub blob: web_sys::Blob,
}

/// Why an export made no file.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportError {
    /// Files were loaded or the data reset while it ran: the rest would not match.
    DataChanged,
    Engine(EngineError),
    /// The browser would not make the Blob (out of memory or disk, say).
    Browser(String),
}

impl From<EngineError> for ExportError {
    fn from(e: EngineError) -> Self {
        ExportError::Engine(e)
    }
}

impl From<wasm_bindgen::JsValue> for ExportError {
    fn from(e: wasm_bindgen::JsValue) -> Self {
        ExportError::Browser(
            e.as_string()
                .or_else(|| js_sys::Error::from(e).message().as_string())
                .unwrap_or_default(),
        )
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::DataChanged => {
                write!(f, "the data changed during the export; export again")
            }
            ExportError::Engine(e) => write!(f, "the export failed: {e}"),
            ExportError::Browser(e) => write!(f, "the browser could not make the file: {e}"),
        }
    }
}

/// The timeline's answer with the view's first rows.
pub struct Timeline {
    /// The worker's generation: rows are numbered in this view.
    pub generation: u32,
    pub answer: Box<TimelineAnswer>,
    pub rows: Vec<Row>,
}

/// A page of rows of the view at `generation`.
pub struct Page {
    pub generation: u32,
    pub rows: Vec<Row>,
}
