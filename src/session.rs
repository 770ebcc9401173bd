//! The pure façade over ingest and the store: what the worker runs, and what native tests
//! and benchmarks drive. One [`Session`] per worker.
//!
//! Entry points: [`Session::handle`] (a [`Request`] in, a [`Response`] out) and the typed
//! methods it dispatches to.

use crate::ingest::{self, FileReport, Limits};
use crate::protocol::{Request, Response, Summary};
use crate::store::{Added, EventId, FileId, Store};

#[derive(Default)]
pub struct Session {
    store: Store,
    ledger: Vec<FileReport>,
    limits: Limits,
    /// Bumped whenever the loaded data changes.
    generation: u32,
}

impl Session {
    pub fn with_limits(limits: Limits) -> Self {
        Session {
            limits,
            ..Session::default()
        }
    }

    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Reset => {
                *self = Session::with_limits(self.limits.clone());
                Response::Reset
            }
            Request::AddFiles(files) => {
                let reports = files
                    .into_iter()
                    .map(|f| match f.read_error {
                        None => self.add_file(&f.path, &f.bytes).clone(),
                        Some(error) => self.add_unreadable(&f.path, error).clone(),
                    })
                    .collect();
                Response::Added {
                    reports,
                    events: self.store.len() as u32,
                }
            }
            Request::LoadSample => {
                let (path, text) = crate::sample::org_history();
                let report = self.add_file(path, text.as_bytes()).clone();
                Response::Added {
                    reports: vec![report],
                    events: self.store.len() as u32,
                }
            }
            Request::Finish => Response::Loaded(self.finish()),
            Request::Rows { offset, len } => {
                let rows = self
                    .store
                    .sorted()
                    .iter()
                    .skip(offset as usize)
                    .take(len.min(1000) as usize)
                    .filter_map(|&id| self.store.row(id))
                    .collect();
                Response::Rows {
                    generation: self.generation,
                    offset,
                    total: self.store.len() as u32,
                    rows,
                }
            }
            Request::Detail { id } => Response::Detail {
                generation: self.generation,
                id,
                raw: self.store.raw(id).map(str::to_owned),
            },
        }
    }

    /// Ingests one file into the store and returns its ledger entry.
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) -> &FileReport {
        let file = FileId(self.ledger.len() as u32);
        let ingested = ingest::ingest_file(path, bytes, &self.limits);
        let mut report = ingested.report;
        for record in ingested.records {
            match self.store.add(record, file) {
                Added::New(_) | Added::Upgraded(_) => report.kept += 1,
                Added::Duplicate(_) => report.duplicates += 1,
            }
        }
        self.generation += 1;
        self.ledger.push(report);
        &self.ledger[self.ledger.len() - 1]
    }

    /// A ledger entry for a file the browser could not read.
    pub fn add_unreadable(&mut self, path: &str, error: String) -> &FileReport {
        let mut report = ingest::ingest_file(path, b"", &self.limits).report;
        report.issues = vec![ingest::IngestError::new(
            ingest::Position::File,
            ingest::ErrorKind::Unreadable { detail: error },
        )];
        report.format = ingest::Format::Unrecognized;
        report.skipped = 1;
        self.ledger.push(report);
        &self.ledger[self.ledger.len() - 1]
    }

    /// Sorts the store and summarises the load.
    pub fn finish(&mut self) -> Summary {
        self.store.finish();
        self.generation += 1;
        let ledger = self.ledger.clone();
        Summary {
            generation: self.generation,
            files: ledger.len() as u32,
            files_with_issues: ledger.iter().filter(|r| !r.issues.is_empty()).count() as u32,
            duplicates: ledger.iter().map(|r| r.duplicates).sum(),
            skipped: ledger.iter().map(|r| r.skipped).sum(),
            stats: self.store.stats(),
            ledger,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn ledger(&self) -> &[FileReport] {
        &self.ledger
    }

    pub fn event(&self, id: EventId) -> Option<&str> {
        self.store.raw(id)
    }
}
