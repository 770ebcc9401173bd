//! Messages between the page and the worker: plain serde values, no browser types.
//!
//! The page sends [`Request`]s and gets exactly one [`Response`] per request. Answers that
//! depend on the loaded data carry the `generation` they were computed from, so the page
//! can drop answers that a newer load made stale.

use serde::{Deserialize, Serialize};

use crate::ingest::FileReport;
use crate::orgs::OrgReport;
pub use crate::rules::RuleSpec;
use crate::store::{EventId, Row, Stats};
use crate::timeline::{ExportFormat, TimelineAnswer, TimelineQuery};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Request {
    /// Forget everything loaded.
    Reset,
    /// Ingest a batch of files (several small ones per message: an org trail is tens of
    /// thousands of files of a few KiB).
    AddFiles(Vec<InputFile>),
    /// One slice of a large file, in order: the page reads big files in slices and the
    /// worker streams them through the ingester, storing records as they are read, so
    /// neither side ever holds the whole file. A slice at `offset` 0 opens the file,
    /// `last` ends it. Answered with [`Response::Added`]: no reports until the last
    /// slice, then the file's.
    AddChunk(Chunk),
    /// Keep only the records this query matches in the files loaded from now on
    /// (`None`: keep everything): to scan more logs than fit in memory. Answered with
    /// [`Response::LoadFilter`].
    SetLoadFilter(Option<String>),
    /// The load is complete: sort, index, and summarise.
    Finish,
    /// Rows `offset..offset+len` of the view, in time order.
    Rows { offset: u32, len: u32 },
    /// The reconstructed Organizations lifecycles of everything loaded.
    Orgs,
    /// Replace the watch rules; every enabled one is evaluated over everything loaded.
    SetRules(Vec<RuleSpec>),
    /// One event's full record.
    Detail { id: EventId },
    /// The Events tab's question: which events of `scope` match the query and time
    /// range, their histogram and facet counts, and the first `rows` rows of them. The
    /// matches become the view [`Rows`] pages through, in the order asked for: the first
    /// page comes with the answer, so a query is one round trip.
    ///
    /// [`Rows`]: Request::Rows
    Timeline {
        scope: ViewFilter,
        query: TimelineQuery,
        rows: u32,
    },
    /// Starts a file of the view's events as they are now, sent in parts (the file may be
    /// far bigger than either side should hold at once). Answered with
    /// [`Response::ExportStarted`]; replaces any export in progress.
    Export(ExportFormat),
    /// The next part of the export in progress, of about `max_bytes` (the asker bounds
    /// what it takes in at once). Answered with [`Response::ExportPart`], or with
    /// [`Response::ExportStale`] once the data has changed since the export started.
    ExportPart { max_bytes: u32 },
    /// Where an event (by eventID) is in the view, as a row index.
    Locate(String),
    /// Autocomplete: field names starting with `prefix` (no `field`), or frequent values
    /// of `field` starting with it.
    Suggest {
        field: Option<String>,
        prefix: String,
    },
    /// Validate the digests against everything loaded, if not done since it changed
    /// (the Events tab asks once its first answer says the integrity facet is pending).
    Validate,
    /// Digest validation of everything loaded, and the coverage map (rerun whenever
    /// files, keys or head-object files have arrived since).
    Integrity,
    /// What the loaded digests say about one event's file.
    Vouch { id: EventId },
}

impl Request {
    /// The built-in sample history, as a file to add: the page makes it (the worker
    /// carries no generator, ~15 KB of its gzipped wasm) and it is read like any other.
    pub fn sample() -> Request {
        let (path, text) = crate::sample::org_history();
        Request::AddFiles(vec![InputFile {
            path: path.to_owned(),
            bytes: text.into_bytes(),
            read_error: None,
        }])
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InputFile {
    /// The name, or the path relative to a dropped or picked folder.
    pub path: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// Set when the browser could not read the file (permissions, file gone).
    pub read_error: Option<String>,
}

/// A slice of a file sent with [`Request::AddChunk`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Chunk {
    /// The name, or the path relative to a dropped or picked folder.
    pub path: String,
    /// Where the slice begins in the file (0 opens the file).
    pub offset: u64,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
    /// The file ends with this slice.
    pub last: bool,
    /// Set when the browser could not read this slice: the file ends here.
    pub read_error: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Response {
    Reset,
    /// Reports of the files just ingested, and the running event count.
    Added {
        reports: Vec<FileReport>,
        events: u32,
    },
    Loaded(Summary),
    Rows {
        generation: u32,
        offset: u32,
        total: u32,
        rows: Vec<Row>,
    },
    Detail {
        generation: u32,
        id: EventId,
        /// The file it was read from (the path in the dropped folder).
        file: String,
        raw: Option<String>,
    },
    Rules {
        generation: u32,
        results: Vec<RuleResult>,
    },
    Orgs {
        generation: u32,
        report: Box<OrgReport>,
    },
    Timeline {
        generation: u32,
        answer: Box<TimelineAnswer>,
        /// The view's first rows (as many as asked for): [`Response::Rows`] at offset 0.
        rows: Vec<Row>,
    },
    /// An export is under way: the file's name and type, and how many events it holds.
    ExportStarted {
        generation: u32,
        name: String,
        mime: String,
        events: u32,
    },
    /// The next bytes of the file; `exported` events are written so far, and `done` says
    /// this is the last part.
    ExportPart {
        generation: u32,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
        exported: u32,
        done: bool,
    },
    /// No export to continue: the data changed (a load or a reset) since it started, so
    /// what would follow belongs to other data. Nothing more of it is sent.
    ExportStale,
    /// The load filter is in place, or why the query is refused.
    LoadFilter {
        error: Option<crate::query::QueryError>,
    },
    /// The row index of the event asked for; `None` when the view does not hold it.
    Located {
        generation: u32,
        index: Option<u32>,
    },
    /// (text, events having it), most frequent first; counts are 0 for field names.
    Suggest {
        items: Vec<(String, u32)>,
    },
    /// The digests are validated: rows and the integrity facet answer for the data now.
    Validated {
        generation: u32,
    },
    Integrity {
        generation: u32,
        report: Box<crate::integrity::Report>,
    },
    Vouch {
        id: EventId,
        vouch: crate::integrity::Vouch,
    },
    /// The answer to [`Request::AddFiles`] or [`Request::AddChunk`] when taking it in
    /// would pass the worker's memory budget: nothing of it was read, everything loaded
    /// before is kept. `held` is the worker's memory in bytes, `budget` the limit.
    OverBudget {
        held: u64,
        budget: u64,
    },
}

impl Request {
    /// The request's kind, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Reset => "Reset",
            Request::AddFiles(_) => "AddFiles",
            Request::AddChunk(_) => "AddChunk",
            Request::SetLoadFilter(_) => "SetLoadFilter",
            Request::Finish => "Finish",
            Request::Rows { .. } => "Rows",
            Request::Orgs => "Orgs",
            Request::SetRules(_) => "SetRules",
            Request::Detail { .. } => "Detail",
            Request::Timeline { .. } => "Timeline",
            Request::Export(_) => "Export",
            Request::ExportPart { .. } => "ExportPart",
            Request::Locate(_) => "Locate",
            Request::Suggest { .. } => "Suggest",
            Request::Validate => "Validate",
            Request::Integrity => "Integrity",
            Request::Vouch { .. } => "Vouch",
        }
    }
}

impl Response {
    /// The answer's kind, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Response::Reset => "Reset",
            Response::Added { .. } => "Added",
            Response::Loaded(_) => "Loaded",
            Response::Rows { .. } => "Rows",
            Response::Detail { .. } => "Detail",
            Response::Rules { .. } => "Rules",
            Response::Orgs { .. } => "Orgs",
            Response::Timeline { .. } => "Timeline",
            Response::ExportStarted { .. } => "ExportStarted",
            Response::ExportPart { .. } => "ExportPart",
            Response::ExportStale => "ExportStale",
            Response::LoadFilter { .. } => "LoadFilter",
            Response::Located { .. } => "Located",
            Response::Suggest { .. } => "Suggest",
            Response::Validated { .. } => "Validated",
            Response::Integrity { .. } => "Integrity",
            Response::Vouch { .. } => "Vouch",
            Response::OverBudget { .. } => "OverBudget",
        }
    }
}

/// A restriction of the table to some events.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViewFilter {
    All,
    /// Exactly these events (a lifecycle's, say), by eventID.
    EventIds(Vec<String>),
    /// The events a watch rule matches, by rule name.
    Rule(String),
    /// An Organizations lifecycle's events, by its id (`car-…`, `h-…`).
    Lifecycle(String),
}

impl From<crate::timeline::drill::Clause> for ViewFilter {
    fn from(clause: crate::timeline::drill::Clause) -> Self {
        use crate::timeline::drill::Clause;
        match clause {
            Clause::Lifecycle(id) => ViewFilter::Lifecycle(id),
            Clause::Rule(name) => ViewFilter::Rule(name),
        }
    }
}

/// A rule over the loaded history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleResult {
    pub name: String,
    pub enabled: bool,
    /// Unique events matched (one eventID counts once).
    pub matches: u32,
    /// Why the pattern is invalid, with its position; `None` when it compiled.
    pub error: Option<String>,
    /// Matches per time bucket over the loaded span, oldest first.
    pub sparkline: Vec<u32>,
}

/// What the page shows when a load is done.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub generation: u32,
    pub files: u32,
    pub files_with_issues: u32,
    pub duplicates: u32,
    /// Good records the load filter left out, over all files.
    pub filtered: u32,
    /// Records, lines, rows or regions skipped, over all files.
    pub skipped: u32,
    pub stats: Stats,
    /// One entry per input file, in the order they were read.
    pub ledger: Vec<FileReport>,
}

/// A message between the page and the worker: a [`Request`] or its [`Response`], with the
/// number the page gave the request. The worker answers interactive requests ahead of
/// long work ([`crate::session::Scheduler`]), so the page matches answers by number.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Numbered<T> {
    pub number: u32,
    pub body: T,
}
