//! The pure façade over ingest and the store: what the worker runs, and what native tests
//! and benchmarks drive. One [`Session`] per worker.
//!
//! Entry points: [`Session::handle`] (a [`Request`] in, a [`Response`] out) and the typed
//! methods it dispatches to.

mod intake;
mod org_texts;
mod schedule;
mod view;
mod watch;

use crate::event::Record;
use crate::ingest::{self, FileReport, Limits, Streamer};
use crate::orgs::{OrgContext, OrgReport};
use crate::protocol::{
    Chunk, InputFile, Request, Response, RuleResult, RuleSpec, Summary, ViewFilter,
};
use crate::store::{EventId, FileId, RawText, Row, Store};
use crate::timeline::{ExportFormat, Exporter, TimelineQuery};
use intake::{Counts, Intake, OpenFile};
use org_texts::OrgTexts;
pub use schedule::Scheduler;
use schedule::{Job, Started};
use view::View;
use watch::Watch;

/// Rows served per request at most.
const MAX_ROWS: u32 = 1000;

#[derive(Default)]
pub struct Session {
    store: Store,
    /// The texts of the Organizations records, which the org report reads.
    org_texts: OrgTexts,
    ledger: Vec<FileReport>,
    limits: Limits,
    /// Bumped whenever the loaded data or the view changes: answers carry it so the page
    /// can drop stale ones.
    generation: u32,
    /// What the table shows, and the timeline that answers the Events tab.
    view: View,
    /// "Load only what matches": records of files added from now on must match this.
    load_filter: Option<crate::query::Ast>,
    /// Field paths seen in the data, for autocomplete, at a data version.
    fields: Option<(u32, Vec<String>)>,
    /// Bumped only when the loaded data changes (not the view).
    data_version: u32,
    /// The org report of the data at a version (it is costly and asked for often).
    orgs: Option<(u32, OrgReport)>,
    /// Watch rules and their matches.
    watch: Watch,
    /// The file being streamed in slices ([`Request::AddChunk`]), if one is open.
    open: Option<OpenFile>,
    /// Digests, keys, head-object signatures and log hashes, for validation.
    evidence: crate::integrity::Evidence,
    /// The validation of the data at a version, and each file's vouch.
    integrity: Option<(u32, crate::integrity::Report, Vec<crate::integrity::Vouch>)>,
    /// The export in progress and the data version it was started at.
    export: Option<(u32, Exporter)>,
}

impl Session {
    pub fn with_limits(limits: Limits) -> Self {
        Session {
            limits,
            ..Session::default()
        }
    }

    /// Answers one request at once (the worker cuts the long ones into slices instead:
    /// [`Scheduler`]; the answers are the same).
    pub fn handle(&mut self, request: Request) -> Response {
        match self.start(request) {
            Started::Answered(response) => response,
            Started::Job(mut job) => loop {
                if let Some(response) = self.work(&mut job, &mut || true) {
                    break response;
                }
            },
        }
    }

    /// Answers a request, or for a long one ([`Job`]) does what must happen in its turn and
    /// leaves the rest to [`Session::work`]: each arm is a typed method.
    fn start(&mut self, request: Request) -> Started {
        let response = match request {
            Request::Reset => {
                self.reset();
                Response::Reset
            }
            Request::AddFiles(files) => self.add_files(files),
            Request::AddChunk(chunk) => {
                let reports = self.add_chunk(chunk).into_iter().cloned().collect();
                self.added(reports)
            }
            Request::Finish => Response::Loaded(self.finish()),
            Request::SetLoadFilter(text) => Response::LoadFilter {
                error: self.set_load_filter(text.as_deref()).err(),
            },
            Request::Orgs => return Started::Job(Job::Orgs),
            Request::SetRules(specs) => {
                self.replace_rules(specs);
                return Started::Job(Job::Rules);
            }
            Request::Timeline { scope, query, rows } => {
                let answer = self.timeline(scope, &query);
                Response::Timeline {
                    generation: self.generation,
                    answer: Box::new(answer),
                    rows: self.rows(0, rows),
                }
            }
            Request::Export(format) => {
                let events = self.start_export(format);
                Response::ExportStarted {
                    generation: self.generation,
                    name: format!("cloudtrail-export.{}", format.extension()),
                    mime: format.mime().to_owned(),
                    events,
                }
            }
            Request::ExportPart { max_bytes } => match self.export_part(max_bytes as usize) {
                Some((bytes, exported, done)) => Response::ExportPart {
                    generation: self.generation,
                    bytes,
                    exported,
                    done,
                },
                None => Response::ExportStale,
            },
            Request::Locate(event_id) => Response::Located {
                generation: self.generation,
                index: self.locate(&event_id),
            },
            Request::Suggest { field, prefix } => Response::Suggest {
                items: self.suggest(field.as_deref(), &prefix),
            },
            Request::Rows { offset, len } => Response::Rows {
                rows: self.rows(offset, len),
                generation: self.generation,
                offset,
                total: self.view.ids(&self.store).len() as u32,
            },
            Request::Validate => return Started::Job(Job::Validate(None)),
            Request::Integrity => return Started::Job(Job::Integrity(None)),
            Request::Vouch { id } => Response::Vouch {
                id,
                vouch: self.vouch(id),
            },
            Request::Detail { id } => Response::Detail {
                generation: self.generation,
                file: self.file_path(id),
                id,
                raw: self.store.raw(id).map(|r| String::from(&*r)),
            },
        };
        Started::Answered(response)
    }

    /// Does some of a long request's work: at least one step (a signature check, 64 events
    /// for the rules; the org report is one), then more while `more()` says so. Its answer
    /// once done, for the data as it is then: newer data restarts what it made stale.
    fn work(&mut self, job: &mut Job, more: &mut dyn FnMut() -> bool) -> Option<Response> {
        let generation = self.generation;
        match job {
            Job::Orgs => Some(Response::Orgs {
                generation,
                report: Box::new(self.orgs().clone()),
            }),
            Job::Rules => {
                self.watch.start(&self.store, self.data_version);
                self.watch
                    .advance(&self.store, more)
                    .then(|| Response::Rules {
                        generation,
                        results: self.watch.results(&self.store),
                    })
            }
            Job::Validate(checks) | Job::Integrity(checks) => {
                if !self.validation_current() {
                    let todo = checks.get_or_insert_with(|| self.evidence.unverified());
                    while let Some(check) = todo.pop() {
                        self.evidence.verify(&check);
                        if todo.is_empty() || !more() {
                            break;
                        }
                    }
                    if !todo.is_empty() {
                        return None;
                    }
                }
                Some(match job {
                    Job::Integrity(_) => Response::Integrity {
                        generation,
                        report: Box::new(self.integrity().clone()),
                    },
                    _ => {
                        self.validated();
                        Response::Validated { generation }
                    }
                })
            }
        }
    }

    /// Forgets everything loaded. Generations keep counting across a reset: answers
    /// cached by the page under an old number must never look current again.
    pub fn reset(&mut self) {
        let generation = self.generation + 1;
        *self = Session {
            generation,
            ..Session::with_limits(self.limits.clone())
        };
    }

    /// Ingests a batch of files (a browser read error becomes the file's ledger entry).
    pub fn add_files(&mut self, files: Vec<InputFile>) -> Response {
        let reports = files
            .into_iter()
            .map(|f| match f.read_error {
                None => self.add_file(&f.path, &f.bytes).clone(),
                Some(error) => self.add_unreadable(&f.path, error).clone(),
            })
            .collect();
        self.added(reports)
    }

    fn added(&self, reports: Vec<FileReport>) -> Response {
        Response::Added {
            reports,
            events: self.store.len() as u32,
        }
    }

    /// Rows `offset..offset + len` of the view (at most `MAX_ROWS`), in the order they
    /// are served, with their rule badges, file and vouch.
    pub fn rows(&mut self, offset: u32, len: u32) -> Vec<Row> {
        if len == 0 {
            return Vec::new();
        }
        // Badges do not wait for the rules to run over everything (see `names_matching`).
        self.watch.start(&self.store, self.data_version);
        let settled = self.integrity_settled();
        let page = self
            .view
            .page(&self.store, offset as usize, len.min(MAX_ROWS) as usize);
        let mut rows = Vec::with_capacity(page.len());
        for id in page {
            let Some(mut row) = self.store.row(id) else {
                continue;
            };
            row.file = self.file_path(id);
            row.rules = self.watch.names_matching(&self.store, id);
            row.vouch = settled.then(|| self.vouch(id));
            rows.push(row);
        }
        rows
    }

    /// Ingests one file into the store and returns its ledger entry.
    pub fn add_file(&mut self, path: &str, bytes: &[u8]) -> &FileReport {
        let file = FileId(self.ledger.len() as u32);
        // The streamer reads a whole file as it reads slices (the same records and issues
        // as `ingest::ingest_file`, tests/stream.rs), and each record goes to the store
        // while its text is still the streamer's: nothing is copied but the text itself.
        let mut streamer = Streamer::new(path, &self.limits);
        let (mut report, counts) = self.ingest(file, |emit| {
            streamer.push(bytes, emit);
            streamer.finish(emit)
        });
        counts.write_to(&mut report);
        self.take_evidence(file, Some(bytes), &mut report);
        self.ledger.push(report);
        &self.ledger[self.ledger.len() - 1]
    }

    /// What a file brings to validation: evidence (a whole file's bytes: digests, keys
    /// and head-object files are small, never streamed), and a log's hash.
    fn take_evidence(&mut self, file: FileId, bytes: Option<&[u8]>, report: &mut FileReport) {
        use crate::integrity::Taken;
        if let Some(bytes) = bytes {
            let format = match self.evidence.offer(&report.path.clone(), bytes, report) {
                Taken::Keys => ingest::Format::DigestPublicKeys,
                Taken::HeadObject => ingest::Format::DigestHeadObject,
                Taken::Digest | Taken::No => return self.evidence.loaded(file, report),
            };
            // Not a CloudTrail file's problems: what it is.
            report.format = format;
            report.issues.clear();
            report.skipped = 0;
        }
        self.evidence.loaded(file, report);
    }

    /// Validates everything loaded (once per data version).
    pub fn integrity(&mut self) -> &crate::integrity::Report {
        self.validated().0
    }

    /// What the loaded digests say about an event's file.
    pub fn vouch(&mut self, id: EventId) -> crate::integrity::Vouch {
        let file = self.store.file(id);
        let (_, vouch) = self.validated();
        match file {
            Some(file) => vouch.get(file.0 as usize).cloned().unwrap_or_default(),
            None => crate::integrity::Vouch::NotVouched,
        }
    }

    /// Whether the integrity column and the vouches answer for the data loaded now:
    /// validated since it last changed, or nothing to validate. Validation is the costly
    /// part of a load with digests (an RSA signature each), so the Events tab's first
    /// answer does not wait for it unless its query names the integrity field; the
    /// page asks for it next ([`Request::Validate`]) and then asks again.
    fn integrity_settled(&self) -> bool {
        self.evidence.is_empty() || self.validation_current()
    }

    /// Whether the data as it is now is validated.
    fn validation_current(&self) -> bool {
        matches!(&self.integrity, Some((v, _, _)) if *v == self.data_version)
    }

    /// Validates if the data changed, and writes each event's integrity column (only
    /// once a digest is loaded: without one it would say "not-vouched" of everything).
    fn validated(&mut self) -> (&crate::integrity::Report, &[crate::integrity::Vouch]) {
        let version = self.data_version;
        if self
            .integrity
            .as_ref()
            .is_some_and(|(v, _, _)| *v != version)
        {
            self.integrity = None;
        }
        let (evidence, store, files) = (&self.evidence, &mut self.store, self.ledger.len());
        let (_, report, vouch) = self.integrity.get_or_insert_with(|| {
            let (report, vouch) = evidence.validate(files);
            let labels: Vec<&str> = vouch.iter().map(|v| v.as_str()).collect();
            store.set_integrity((!report.digests.is_empty()).then_some(&labels[..]));
            (version, report, vouch)
        });
        (report, vouch)
    }

    /// Ingests the next slice of a file read in slices; records go to the store as they
    /// are read. Returns the file's ledger entry once it ends (`last`, or a read error).
    /// A slice at offset 0 opens a new file (ending one left open).
    pub fn add_chunk(&mut self, chunk: Chunk) -> Option<&FileReport> {
        if chunk.offset == 0 || self.open.as_ref().is_none_or(|o| o.path != chunk.path) {
            self.end_open_file();
            let file = FileId(self.ledger.len() as u32);
            // Hold its place: files added meanwhile must not take its FileId.
            self.ledger
                .push(FileReport::new(&chunk.path, ingest::Format::Empty));
            self.open = Some(OpenFile {
                path: chunk.path.clone(),
                file,
                streamer: Streamer::new(&chunk.path, &self.limits),
                received: 0,
                counts: Counts::default(),
            });
        }
        let mut open = self.open.take()?;
        let ((), counts) = self.ingest(open.file, |emit| open.streamer.push(&chunk.bytes, emit));
        open.counts.add(counts);
        open.received += chunk.bytes.len() as u64;
        if !chunk.last && chunk.read_error.is_none() {
            self.open = Some(open);
            return None;
        }
        let (index, file) = (open.file.0 as usize, open.file);
        let mut report = self.close(open);
        self.evidence.loaded(file, &report);
        if let Some(detail) = chunk.read_error {
            report.issues.push(ingest::IngestError::new(
                ingest::Position::File,
                ingest::ErrorKind::Unreadable { detail },
            ));
            report.skipped += 1;
        }
        self.ledger[index] = report;
        Some(&self.ledger[index])
    }

    /// Ends a file still open (its last slice never came: a cancelled load), noting so.
    fn end_open_file(&mut self) {
        let Some(open) = self.open.take() else {
            return;
        };
        let (index, received) = (open.file.0 as usize, open.received);
        let mut report = self.close(open);
        report.notes.push(format!(
            "loading stopped after {received} bytes: the rest of the file was not read"
        ));
        self.ledger[index] = report;
    }

    /// Finishes a streamed file: its last records stored, its ledger entry.
    fn close(&mut self, mut open: OpenFile) -> FileReport {
        let streamer =
            std::mem::replace(&mut open.streamer, Streamer::new(&open.path, &self.limits));
        let (mut report, counts) = self.ingest(open.file, |emit| streamer.finish(emit));
        open.counts.add(counts);
        open.counts.write_to(&mut report);
        report
    }

    /// Runs `read` with somewhere to put the records of `file` as they are read (the
    /// store, or the load filter first), then marks the data changed: what `read`
    /// returned and what became of the records.
    fn ingest<R>(
        &mut self,
        file: FileId,
        read: impl FnOnce(&mut dyn FnMut(Record<'_>)) -> R,
    ) -> (R, Counts) {
        let mut intake = Intake {
            store: &mut self.store,
            org_texts: &mut self.org_texts,
            filter: self.load_filter.as_ref(),
            upgraded: &mut self.watch.stale_records,
            file,
            pending: Vec::new(),
            counts: Counts::default(),
        };
        let out = read(&mut |r| intake.take(r));
        let counts = intake.close();
        // Views and caches built on the old data are out of date.
        self.generation += 1;
        self.data_version += 1;
        (out, counts)
    }

    /// Sets (or, with `None` or a blank query, clears) the load filter; a query that does
    /// not parse is refused with its error and leaves the filter as it was.
    pub fn set_load_filter(&mut self, query: Option<&str>) -> Result<(), crate::query::QueryError> {
        self.load_filter = match query.map(str::trim).filter(|q| !q.is_empty()) {
            None => None,
            Some(q) => Some(crate::query::parse(q)?),
        };
        Ok(())
    }

    /// A ledger entry for a file the browser could not read.
    pub fn add_unreadable(&mut self, path: &str, error: String) -> &FileReport {
        let mut report = FileReport::new(path, ingest::Format::Unrecognized);
        report.issues = vec![ingest::IngestError::new(
            ingest::Position::File,
            ingest::ErrorKind::Unreadable { detail: error },
        )];
        report.skipped = 1;
        self.ledger.push(report);
        &self.ledger[self.ledger.len() - 1]
    }

    /// Sorts the store and summarises the load.
    pub fn finish(&mut self) -> Summary {
        self.end_open_file();
        self.store.finish();
        self.view.show_all();
        self.generation += 1;
        let ledger = self.ledger.clone();
        Summary {
            generation: self.generation,
            files: ledger.len() as u32,
            files_with_issues: ledger.iter().filter(|r| !r.issues.is_empty()).count() as u32,
            duplicates: ledger.iter().map(|r| r.duplicates).sum(),
            filtered: ledger.iter().map(|r| r.filtered).sum(),
            skipped: ledger.iter().map(|r| r.skipped).sum(),
            stats: self.store.stats(),
            ledger,
        }
    }

    /// Runs the timeline's query over a scope; its matches become the view.
    ///
    /// `lifecycle:ID` and `rule:NAME` conditions (joined to the rest with AND) narrow
    /// the scope to what the Organization and Rules tabs reconstruct: a drill-down is a
    /// query the user can read, edit and share like any other.
    pub fn timeline(
        &mut self,
        scope: ViewFilter,
        query: &TimelineQuery,
    ) -> crate::timeline::TimelineAnswer {
        let (scope, rest) = match crate::timeline::drill::split(&query.query) {
            Ok((None, _)) => (scope, None),
            Ok((Some(clause), rest)) => (clause.into(), Some(rest)),
            Err(error) => {
                self.view.show_none();
                self.generation += 1;
                return crate::timeline::TimelineAnswer {
                    error: Some(error),
                    ..Default::default()
                };
            }
        };
        let rewritten;
        let query = match rest {
            Some(text) => {
                rewritten = TimelineQuery {
                    query: text,
                    ..query.clone()
                };
                &rewritten
            }
            None => query,
        };
        let mut answer = self.timeline_over(scope, query);
        if answer.total == 0 && answer.error.is_none() {
            answer.warnings = self.unknown_fields(&query.query);
        }
        let ordered = query
            .sort
            .as_deref()
            .and_then(crate::timeline::SortKey::from_key)
            .map(|key| {
                let ledger = &self.ledger;
                let name = |f: FileId| {
                    ledger
                        .get(f.0 as usize)
                        .map_or_else(String::new, |r| r.path.clone())
                };
                crate::timeline::by_column(&self.store, self.view.timeline.view(), key, &name)
            });
        self.view.sort(ordered);
        answer
    }

    /// Warnings for the fields of `text` that no loaded event has.
    fn unknown_fields(&mut self, text: &str) -> Vec<crate::query::QueryNote> {
        let Ok(ast) = crate::query::parse(text) else {
            return Vec::new();
        };
        let known = self.field_names().to_vec();
        crate::query::unknown_fields(text, &ast, &known, &[])
    }

    fn timeline_over(
        &mut self,
        scope: ViewFilter,
        query: &TimelineQuery,
    ) -> crate::timeline::TimelineAnswer {
        use crate::timeline::Facet;
        let names_integrity = crate::query::parse(&query.query)
            .is_ok_and(|ast| crate::query::names_column(&ast, crate::store::Column::Integrity));
        if names_integrity {
            self.validated();
        }
        let version = self.data_version;
        if !self.view.has_scope(&scope, version) {
            let ids = self.scope_ids(&scope);
            self.view.set_scope(scope, version, ids);
        }
        let mut answer = self.view.run(&self.store, query);
        if !self.integrity_settled() {
            // Counted from an old validation (or none): not an answer yet.
            answer.facets.retain(|f| f.facet != Facet::Integrity);
            answer.pending.push(Facet::Integrity);
        }
        self.generation += 1;
        answer
    }

    /// The row index of an event (by eventID) in the view, in the order rows are served.
    pub fn locate(&self, event_id: &str) -> Option<u32> {
        let id = self.store.find(event_id)?;
        self.view.position(&self.store, id)
    }

    /// The view as a file, in the order rows are served, in one piece.
    pub fn export(&self, format: ExportFormat) -> Vec<u8> {
        crate::timeline::export(&self.store, self.view_in_order(), format)
    }

    /// Starts exporting the view as it is now (in the order rows are served), replacing
    /// any export in progress: the number of events the file holds.
    pub fn start_export(&mut self, format: ExportFormat) -> u32 {
        let exporter = Exporter::new(self.view_in_order(), format);
        let events = exporter.events() as u32;
        self.export = Some((self.data_version, exporter));
        events
    }

    /// The next part of the export (about `max_bytes`), the events written so far, and
    /// whether the file is done. `None` when there is none to continue: the data changed
    /// since it started (a reset drops it, a load changes the version), or it is done.
    pub fn export_part(&mut self, max_bytes: usize) -> Option<(Vec<u8>, u32, bool)> {
        let Some((version, exporter)) = &mut self.export else {
            return None;
        };
        if *version != self.data_version {
            self.export = None;
            return None;
        }
        let bytes = exporter.next_part(&self.store, max_bytes)?;
        let (exported, done) = (exporter.written() as u32, exporter.is_done());
        if done {
            self.export = None;
        }
        Some((bytes, exported, done))
    }

    /// The view's events in the order rows are served.
    pub fn view_in_order(&self) -> Vec<EventId> {
        self.view.in_order(&self.store)
    }

    /// Autocomplete: field names, or a field's frequent values, starting with `prefix`
    /// (ignoring ASCII case).
    pub fn suggest(&mut self, field: Option<&str>, prefix: &str) -> Vec<(String, u32)> {
        const LIMIT: usize = 15;
        const SAMPLE: usize = 4000;
        let starts = |text: &str| crate::query::complete::has_prefix(text, prefix);
        let Some(field) = field else {
            return self
                .field_names()
                .iter()
                .filter(|n| starts(n) && n.len() > prefix.len())
                .take(LIMIT)
                .map(|n| (n.clone(), 0))
                .collect();
        };
        let Some(field) = crate::query::Field::parse(field) else {
            return Vec::new();
        };
        // The integrity column's values are written by validation; other fields' need
        // none (so a suggestion does not wait for a validation under way).
        let asked = crate::query::Ast::Exists {
            field: field.clone(),
        };
        if crate::query::names_column(&asked, crate::store::Column::Integrity) {
            self.validated();
        }
        crate::query::top_values_with(
            &self.store,
            &field,
            SAMPLE,
            200,
            self.view.timeline.scratch(),
        )
        .into_iter()
        .filter(|(v, _)| starts(v))
        .take(LIMIT)
        .collect()
    }

    /// The path of the file an event was read from (the first, for a merged duplicate).
    fn file_path(&self, id: EventId) -> String {
        self.store
            .file(id)
            .and_then(|f| self.ledger.get(f.0 as usize))
            .map_or_else(String::new, |r| r.path.clone())
    }

    /// The aliases, the session's own fields and every field path seen in a sample of
    /// the data (cached per data version): autocomplete's names and the unknown-field
    /// check's vocabulary.
    fn field_names(&mut self) -> &[String] {
        const SAMPLE: usize = 4000;
        let version = self.data_version;
        if !matches!(&self.fields, Some((v, _)) if *v == version) {
            let mut names: Vec<String> = crate::query::aliases()
                .chain(crate::timeline::drill::FIELDS)
                .map(str::to_owned)
                .collect();
            for info in crate::query::fields_in(&self.store, SAMPLE) {
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&info.path)) {
                    names.push(info.path);
                }
            }
            self.fields = Some((version, names));
        }
        self.fields.as_ref().map_or(&[][..], |(_, n)| n)
    }

    /// The events of a scope in time order; `None` for all of them.
    fn scope_ids(&mut self, filter: &ViewFilter) -> Option<Vec<EventId>> {
        match filter {
            ViewFilter::All => None,
            ViewFilter::Rule(name) => {
                self.watch.refresh(&self.store, self.data_version);
                Some(self.watch.events_of(&self.store, name))
            }
            ViewFilter::Lifecycle(id) => {
                let report = self.orgs();
                let ids = report
                    .creations
                    .iter()
                    .find(|c| c.request_id.as_deref() == Some(id.as_str()))
                    .map(|c| c.event_ids.clone())
                    .or_else(|| {
                        report
                            .handshakes
                            .iter()
                            .find(|h| h.handshake_id.as_deref() == Some(id.as_str()))
                            .map(|h| h.event_ids.clone())
                    })
                    .unwrap_or_default();
                self.scope_ids(&ViewFilter::EventIds(ids))
            }
            ViewFilter::EventIds(ids) => {
                let mut ids: Vec<EventId> =
                    ids.iter().flat_map(|id| self.store.find_all(id)).collect();
                // A lifecycle's few events: the shared cold sort is enough.
                crate::sort::sort(&mut ids);
                ids.dedup();
                // Keep time order: filter the sorted list rather than sort the subset.
                let wanted: std::collections::HashSet<EventId> = ids.into_iter().collect();
                Some(
                    self.store
                        .sorted()
                        .iter()
                        .copied()
                        .filter(|id| wanted.contains(id))
                        .collect(),
                )
            }
        }
    }

    /// Organizations lifecycles over everything loaded (cached until the data changes).
    pub fn orgs(&mut self) -> &OrgReport {
        let version = self.data_version;
        let report = match self.orgs.take() {
            Some((v, report)) if v == version => report,
            _ => self.org_report(),
        };
        &self.orgs.insert((version, report)).1
    }

    fn org_report(&self) -> OrgReport {
        let store = &self.store;
        let (accounts_seen, regions_seen) = store.accounts_and_regions();
        let ctx = OrgContext {
            latest_event_time: store.time_span().map(|(_, last)| last),
            accounts_seen,
            regions_seen,
        };
        self.org_texts.report(store, &ctx)
    }

    /// The texts [`Session::orgs`] reads: how many, and the i-th (public for measurements).
    pub fn org_texts<'s>(&'s self) -> (usize, impl Fn(usize) -> Option<RawText<'s>> + 's) {
        self.org_texts.texts(&self.store)
    }

    /// Heap bytes held by [`Session::org_texts`] (for memory measurements).
    pub fn org_texts_heap_bytes(&self) -> usize {
        self.org_texts.heap_bytes()
    }

    /// Replaces the rules, compiles each once and evaluates the enabled ones.
    pub fn set_rules(&mut self, specs: Vec<RuleSpec>) -> Vec<RuleResult> {
        self.replace_rules(specs);
        self.rule_results()
    }

    /// Replaces the rules and starts evaluating them ([`Session::rule_results`] ends it).
    fn replace_rules(&mut self, specs: Vec<RuleSpec>) {
        self.watch.set(specs);
        // A rule's scope holds its matches, which may have changed.
        self.view.forget_scope();
        // Rows carry their rules' badges: rows cached by the page are stale now.
        self.generation += 1;
        self.watch.start(&self.store, self.data_version);
    }

    /// Each rule's matches and sparkline over everything loaded.
    pub fn rule_results(&mut self) -> Vec<RuleResult> {
        self.watch.refresh(&self.store, self.data_version);
        self.watch.results(&self.store)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn ledger(&self) -> &[FileReport] {
        &self.ledger
    }

    pub fn event(&self, id: EventId) -> Option<RawText<'_>> {
        self.store.raw(id)
    }
}
