//! The page's state: one [`AppState`], changed only through [`Action`]s (Yew's todomvc
//! pattern).

use std::rc::Rc;

use yew::prelude::*;

use crate::ingest::FileReport;
use crate::protocol::Summary;
use crate::web::browser::address::hash_items;
use crate::web::shared::Shared;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadState {
    Idle,
    Loading,
    Done,
}

impl LoadState {
    pub fn as_str(self) -> &'static str {
        match self {
            LoadState::Idle => "idle",
            LoadState::Loading => "loading",
            LoadState::Done => "done",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Events,
    Organization,
    Rules,
    Integrity,
}

impl Tab {
    /// In the address as `tab=…` (the Events tab is the default and writes nothing).
    pub(super) const KEY: &'static str = "tab";

    pub(super) fn key(self) -> Option<&'static str> {
        match self {
            Tab::Events => None,
            Tab::Organization => Some("organization"),
            Tab::Rules => Some("rules"),
            Tab::Integrity => Some("integrity"),
        }
    }

    pub(super) fn from_hash(items: &[String]) -> Tab {
        match crate::web::browser::address::item(items, Tab::KEY).as_deref() {
            Some("organization") => Tab::Organization,
            Some("rules") => Tab::Rules,
            Some("integrity") => Tab::Integrity,
            _ => Tab::Events,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub tab: Tab,
    /// The worker's generation when rows last changed without the events changing.
    pub rows_generation: u32,
    pub load: LoadState,
    pub files_total: u32,
    pub files_done: u32,
    pub bytes_total: u64,
    pub bytes_done: u64,
    pub events: u32,
    /// Ledger entries with problems received while this load runs (all entries arrive
    /// with the summary; keeping only these keeps each progress step O(batch)).
    pub problems: Shared<Vec<FileReport>>,
    /// Records or files skipped so far in this load.
    pub skipped: u32,
    /// Every file's ledger entry, as of the last finished load.
    pub ledger: Shared<Vec<FileReport>>,
    pub summary: Option<Rc<Summary>>,
    pub cancelled: bool,
    /// The last load stopped at the worker's memory budget: (held, budget) in bytes.
    pub over_budget: Option<(u64, u64)>,
    /// The last load was cancelled: (files read, files picked).
    pub interrupted: Option<(u32, u32)>,
    /// The built-in sample is among the loaded data / real files are.
    pub has_sample: bool,
    pub has_files: bool,
    /// "Load sample data" over real files asks first.
    pub confirm_sample: bool,
    pub dragging: bool,
}

impl Default for AppState {
    fn default() -> Self {
        AppState {
            tab: Tab::from_hash(&hash_items()),
            rows_generation: 0,
            load: LoadState::Idle,
            files_total: 0,
            files_done: 0,
            bytes_total: 0,
            bytes_done: 0,
            events: 0,
            problems: Shared::default(),
            skipped: 0,
            ledger: Shared::default(),
            summary: None,
            cancelled: false,
            over_budget: None,
            interrupted: None,
            has_sample: false,
            has_files: false,
            confirm_sample: false,
            dragging: false,
        }
    }
}

pub enum Action {
    LoadStarted {
        files: u32,
        bytes: u64,
        sample: bool,
    },
    Progress {
        reports: Vec<FileReport>,
        bytes: u64,
        events: u32,
    },
    Loaded(Summary),
    Cancel,
    /// The worker refused more: (held, budget) in bytes.
    OverBudget(u64, u64),
    Cleared,
    Dragging(bool),
    /// The address says this tab (a click, Back, Forward, a drill-down).
    ShowTab(Tab),
    /// Ask before mixing the invented sample into real files (or stop asking).
    ConfirmSample(bool),
    /// The same events, different rows (rule badges): cached rows are stale.
    RowsChanged(u32),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::LoadStarted {
                files,
                bytes,
                sample,
            } => {
                // Loads add to what is loaded: counters restart, data stays.
                s.load = LoadState::Loading;
                s.interrupted = None;
                s.confirm_sample = false;
                if sample {
                    s.has_sample = true;
                } else {
                    s.has_files = true;
                }
                s.files_total = files;
                s.files_done = 0;
                s.bytes_total = bytes;
                s.bytes_done = 0;
                s.cancelled = false;
                s.over_budget = None;
                s.problems = Shared::default();
                s.skipped = 0;
            }
            Action::Progress {
                reports,
                bytes,
                events,
            } => {
                s.files_done += reports.len() as u32;
                s.bytes_done += bytes;
                s.events = events;
                s.skipped += reports.iter().map(|r| r.skipped).sum::<u32>();
                let problems: Vec<FileReport> = reports
                    .into_iter()
                    .filter(|r| !r.issues.is_empty())
                    .collect();
                if !problems.is_empty() {
                    let mut all = (*s.problems.0).clone();
                    all.extend(problems);
                    s.problems = Shared(Rc::new(all));
                }
            }
            Action::Loaded(mut summary) => {
                s.load = LoadState::Done;
                s.events = summary.stats.events;
                s.interrupted = s.cancelled.then_some((s.files_done, s.files_total));
                s.problems = Shared::default();
                s.ledger = Shared(Rc::new(std::mem::take(&mut summary.ledger)));
                s.summary = Some(Rc::new(summary));
            }
            Action::Cancel => s.cancelled = true,
            Action::OverBudget(held, budget) => s.over_budget = Some((held, budget)),
            Action::Cleared => s = AppState::default(),
            Action::Dragging(on) => s.dragging = on,
            Action::ShowTab(tab) => s.tab = tab,
            Action::ConfirmSample(on) => s.confirm_sample = on,
            Action::RowsChanged(generation) => s.rows_generation = generation,
        }
        Rc::new(s)
    }
}
