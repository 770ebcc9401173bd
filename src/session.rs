//! The pure façade over ingest and the store: what the worker runs, and what native tests
//! and benchmarks drive. One [`Session`] per worker.
//!
//! Entry points: [`Session::handle`] (a [`Request`] in, a [`Response`] out) and the typed
//! methods it dispatches to.

use crate::event::Record;
use crate::ingest::{self, FileReport, Limits, Streamer};
use crate::orgs::{self, OrgContext, OrgReport};
use crate::protocol::{Chunk, Request, Response, RuleResult, RuleSpec, Summary, ViewFilter};
use crate::rules::{self, EnvelopeFields, Pattern};
use crate::store::{Added, EventId, FileId, RawText, Store};
use crate::timeline::{Timeline, TimelineQuery};

#[derive(Default)]
pub struct Session {
    store: Store,
    ledger: Vec<FileReport>,
    limits: Limits,
    /// Bumped whenever the loaded data or the view changes: answers carry it so the page
    /// can drop stale ones.
    generation: u32,
    /// The table's events are the timeline's last answer ([`Timeline::view`]); when
    /// false, all of them.
    view_is_timeline: bool,
    /// Rows are served newest first (or Z→A by the sort column).
    descending: bool,
    /// The view sorted by a column ([`TimelineQuery::sort`]); `None`: in time order.
    ordered: Option<Vec<EventId>>,
    /// The timeline's scope (a lifecycle's events, a rule's) at a data version, with its
    /// events (`None`: all).
    scope: Option<(ViewFilter, u32, Option<Vec<EventId>>)>,
    timeline: Timeline,
    /// Counts scope changes: the timeline's cache key.
    scope_epoch: u32,
    /// "Load only what matches": records of files added from now on must match this.
    load_filter: Option<crate::query::Ast>,
    /// Field paths seen in the data, for autocomplete, at a data version.
    fields: Option<(u32, Vec<String>)>,
    /// Bumped only when the loaded data changes (not the view).
    data_version: u32,
    /// The org report of the data at a version (it is costly and asked for often).
    orgs: Option<(u32, OrgReport)>,
    rules: Vec<ActiveRule>,
    /// The data version the rules' matches were computed at.
    rules_version: u32,
    /// Each event's EventBridge envelope, by [`EventId`], built the first time rules run
    /// and extended as events arrive (`None`: the record text is not valid JSON); kept
    /// only up to [`ENVELOPE_CACHE_EVENTS`] events.
    envelopes: Vec<Option<EnvelopeFields>>,
    /// Events whose record was replaced (a CSV summary upgraded to the full record).
    stale_envelopes: Vec<EventId>,
    /// Overrides [`ENVELOPE_CACHE_EVENTS`] (tests use a small store).
    envelope_cache_events: Option<usize>,
    /// The file being streamed in slices ([`Request::AddChunk`]), if one is open.
    open: Option<OpenFile>,
    /// Digests, keys, head-object signatures and log hashes, for validation.
    evidence: crate::integrity::Evidence,
    /// The validation of the data at a version, and each file's vouch.
    integrity: Option<(u32, crate::integrity::Report, Vec<crate::integrity::Vouch>)>,
}

/// A file arriving in slices: its streamer, and what the store made of its records so far.
struct OpenFile {
    path: String,
    /// Its place in the ledger (held by a placeholder until it ends).
    file: FileId,
    streamer: Streamer,
    /// Bytes received.
    received: u64,
    counts: Counts,
}

/// What became of a file's records.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    kept: u32,
    duplicates: u32,
    /// Kept records whose eventID a different record already had.
    reused_ids: u32,
    /// Left out by the load filter.
    filtered: u32,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.kept += other.kept;
        self.duplicates += other.duplicates;
        self.reused_ids += other.reused_ids;
        self.filtered += other.filtered;
    }

    /// Into a file's ledger entry.
    fn write_to(self, report: &mut FileReport) {
        (report.kept, report.duplicates, report.filtered) =
            (self.kept, self.duplicates, self.filtered);
        report.reused_ids = self.reused_ids;
        if self.reused_ids > 0 {
            report.notes.push(format!(
                "eventID reused by a different record (other time, name or source): kept both ({} records)",
                self.reused_ids
            ));
        }
    }
}

/// Takes a file's records as the ingester reads them: straight into the store, or, with
/// a load filter, held (owned) until [`Intake::close`] runs the filter over them.
struct Intake<'s> {
    store: &'s mut Store,
    filter: Option<&'s crate::query::Ast>,
    /// Events whose summary-only record was replaced by a full one (their envelopes).
    upgraded: &'s mut Vec<EventId>,
    file: FileId,
    pending: Vec<Record<'static>>,
    counts: Counts,
}

impl Intake<'_> {
    fn take(&mut self, record: Record<'_>) {
        if self.filter.is_some() {
            self.pending.push(record.into_owned());
        } else {
            self.store(record);
        }
    }

    fn store(&mut self, record: Record<'_>) {
        match self.store.add(record, self.file) {
            Added::New(_) => self.counts.kept += 1,
            Added::Reused(_) => {
                self.counts.kept += 1;
                self.counts.reused_ids += 1;
            }
            Added::Upgraded(id) => {
                self.counts.kept += 1;
                self.upgraded.push(id);
            }
            Added::Duplicate(_) => self.counts.duplicates += 1,
        }
    }

    /// Stores what the load filter keeps of the held records; the counts.
    fn close(mut self) -> Counts {
        if let Some(filter) = self.filter {
            let pending = std::mem::take(&mut self.pending);
            let all = pending.len();
            let kept = matching(filter, pending);
            self.counts.filtered += (all - kept.len()) as u32;
            for record in kept {
                self.store(record);
            }
        }
        self.counts
    }
}

/// A watch rule, compiled once, with its matches as a bitset over [`EventId`]s.
struct ActiveRule {
    spec: RuleSpec,
    compiled: Result<Pattern, String>,
    matched: Vec<u64>,
}

impl ActiveRule {
    fn matches(&self, id: EventId) -> bool {
        let i = id.0 as usize;
        self.matched
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }
}

/// Events up to which each one's EventBridge envelope is kept between rule runs.
/// - Good (bigger): an edited rule re-runs over kept envelopes (≈ 0.45 s per million events
///   natively) instead of re-reading every record (≈ 4 s per million in the browser).
/// - Bad (bigger): ≈ 570 bytes per event (`examples/memory`), more than the whole store;
///   past this size, memory matters more than how fast an edit re-runs.
const ENVELOPE_CACHE_EVENTS: usize = 250_000;

/// Sparkline resolution.
const SPARK_BUCKETS: usize = 48;

impl Session {
    pub fn with_limits(limits: Limits) -> Self {
        Session {
            limits,
            ..Session::default()
        }
    }

    /// Keeps envelopes for at most `events` events (see [`ENVELOPE_CACHE_EVENTS`]).
    pub fn set_envelope_cache_events(&mut self, events: usize) {
        self.envelope_cache_events = Some(events);
        self.rules_version = u32::MAX;
    }

    pub fn handle(&mut self, request: Request) -> Response {
        match request {
            Request::Reset => {
                // Generations keep counting across a reset: answers cached by the page
                // under an old number must never look current again.
                let generation = self.generation + 1;
                *self = Session {
                    generation,
                    ..Session::with_limits(self.limits.clone())
                };
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
            Request::AddChunk(chunk) => {
                let reports = self.add_chunk(chunk).into_iter().cloned().collect();
                Response::Added {
                    reports,
                    events: self.store.len() as u32,
                }
            }
            Request::Finish => Response::Loaded(self.finish()),
            Request::SetLoadFilter(text) => Response::LoadFilter {
                error: self.set_load_filter(text.as_deref()).err(),
            },
            Request::Orgs => Response::Orgs {
                generation: self.generation,
                report: Box::new(self.orgs().clone()),
            },
            Request::SetRules(specs) => {
                let results = self.set_rules(specs);
                // A rule's scope holds its matches, which may have changed.
                self.scope = None;
                // Rows carry their rules' badges: rows cached by the page are stale now.
                self.generation += 1;
                Response::Rules {
                    generation: self.generation,
                    results,
                }
            }
            Request::Timeline { scope, query } => {
                let answer = self.timeline(scope, &query);
                Response::Timeline {
                    generation: self.generation,
                    answer: Box::new(answer),
                }
            }
            Request::Export(format) => Response::Export {
                name: format!("cloudtrail-export.{}", format.extension()),
                mime: format.mime().to_owned(),
                bytes: self.export(format),
            },
            Request::Locate(event_id) => Response::Located {
                generation: self.generation,
                index: self.locate(&event_id),
            },
            Request::Suggest { field, prefix } => Response::Suggest {
                // The integrity column's values are written by validation.
                items: {
                    self.validated();
                    self.suggest(field.as_deref(), &prefix)
                },
            },
            Request::Rows { offset, len } => {
                self.refresh_rules();
                self.validated();
                let view = self.view_ids();
                let (skip, take) = (offset as usize, len.min(1000) as usize);
                let page: Vec<EventId> = if self.descending {
                    let end = view.len().saturating_sub(skip);
                    view[end.saturating_sub(take)..end]
                        .iter()
                        .rev()
                        .copied()
                        .collect()
                } else {
                    view.iter().skip(skip).take(take).copied().collect()
                };
                let rows = page
                    .into_iter()
                    .filter_map(|id| {
                        let mut row = self.store.row(id)?;
                        row.file = self.file_path(id);
                        row.rules = self
                            .rules
                            .iter()
                            .filter(|r| r.matches(id))
                            .map(|r| r.spec.name.clone())
                            .collect();
                        row.vouch = self.vouch(id);
                        Some(row)
                    })
                    .collect();
                Response::Rows {
                    generation: self.generation,
                    offset,
                    total: self.view_ids().len() as u32,
                    rows,
                }
            }
            Request::Integrity => Response::Integrity {
                generation: self.generation,
                report: Box::new(self.integrity().clone()),
            },
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
        }
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
        self.validated();
        match &self.integrity {
            Some((_, report, _)) => report,
            None => unreachable!("validated() just set it"),
        }
    }

    /// What the loaded digests say about an event's file.
    pub fn vouch(&mut self, id: EventId) -> crate::integrity::Vouch {
        self.validated();
        let file = self.store.file(id);
        match (&self.integrity, file) {
            (Some((_, _, vouch)), Some(file)) => {
                vouch.get(file.0 as usize).cloned().unwrap_or_default()
            }
            _ => crate::integrity::Vouch::NotVouched,
        }
    }

    /// Validates if the data changed, and writes each event's integrity column (only
    /// once a digest is loaded: without one it would say "not-vouched" of everything).
    fn validated(&mut self) {
        if !matches!(&self.integrity, Some((v, _, _)) if *v == self.data_version) {
            let (report, vouch) = self.evidence.validate(self.ledger.len());
            let labels: Vec<&str> = vouch.iter().map(|v| v.as_str()).collect();
            self.store
                .set_integrity((!report.digests.is_empty()).then_some(&labels[..]));
            self.integrity = Some((self.data_version, report, vouch));
        }
    }

    /// Ingests the next slice of a file read in slices; records go to the store as they
    /// are read. Returns the file's ledger entry once it ends (`last`, or a read error).
    /// A slice at offset 0 opens a new file (ending one left open).
    pub fn add_chunk(&mut self, chunk: Chunk) -> Option<&FileReport> {
        if chunk.offset == 0 || self.open.as_ref().is_none_or(|o| o.path != chunk.path) {
            self.end_open_file();
            let file = FileId(self.ledger.len() as u32);
            // Hold its place: files added meanwhile must not take its FileId.
            let placeholder = ingest::ingest_file(&chunk.path, b"", &self.limits).report;
            self.ledger.push(placeholder);
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
            filter: self.load_filter.as_ref(),
            upgraded: &mut self.stale_envelopes,
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
    pub fn set_load_filter(&mut self, query: Option<&str>) -> Result<(), String> {
        self.load_filter = match query.map(str::trim).filter(|q| !q.is_empty()) {
            None => None,
            Some(q) => Some(crate::query::parse(q).map_err(|e| e.to_string())?),
        };
        Ok(())
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
        self.end_open_file();
        self.store.finish();
        self.view_is_timeline = false;
        self.ordered = None;
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
                self.ordered = None;
                self.timeline.clear_view();
                self.view_is_timeline = true;
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
        self.ordered = query
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
                crate::timeline::by_column(&self.store, self.timeline.view(), key, &name)
            });
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
        self.validated();
        let version = self.data_version;
        if !matches!(&self.scope, Some((f, v, _)) if *f == scope && *v == version) {
            let ids = self.scope_ids(&scope);
            self.scope = Some((scope, version, ids));
            // The timeline's cached hits were of the old scope.
            self.scope_epoch += 1;
        }
        let Some((_, _, ids)) = &self.scope else {
            unreachable!("the scope was just set")
        };
        let key = u64::from(self.scope_epoch);
        let ids = ids.as_deref().unwrap_or(self.store.sorted());
        let answer = self.timeline.run(&self.store, ids, key, query);
        self.view_is_timeline = true;
        self.descending = query.descending;
        self.generation += 1;
        answer
    }

    /// The row index of an event (by eventID) in the view, in the order rows are served.
    pub fn locate(&self, event_id: &str) -> Option<u32> {
        let id = self.store.find(event_id)?;
        let view = self.view_ids();
        let at = view.iter().position(|&v| v == id)?;
        let index = if self.descending {
            view.len() - 1 - at
        } else {
            at
        };
        Some(index as u32)
    }

    /// The view as a file, in the order rows are served.
    pub fn export(&self, format: crate::timeline::ExportFormat) -> Vec<u8> {
        let view = self.view_ids();
        match self.descending {
            true => crate::timeline::export(&self.store, view.iter().rev().copied(), format),
            false => crate::timeline::export(&self.store, view.iter().copied(), format),
        }
    }

    /// The view's events in the order rows are served.
    pub fn view_in_order(&self) -> Vec<EventId> {
        let mut ids = self.view_ids().to_vec();
        if self.descending {
            ids.reverse();
        }
        ids
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
        let Ok(crate::query::Ast::Exists { field }) = crate::query::parse(&format!("{field}:*"))
        else {
            return Vec::new();
        };
        crate::query::top_values_with(&self.store, &field, SAMPLE, 200, self.timeline.scratch())
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
                self.refresh_rules();
                let rule = self.rules.iter().find(|r| &r.spec.name == name);
                Some(
                    self.store
                        .sorted()
                        .iter()
                        .copied()
                        .filter(|&id| rule.is_some_and(|r| r.matches(id)))
                        .collect(),
                )
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

    fn view_ids(&self) -> &[EventId] {
        if let Some(ordered) = &self.ordered {
            return ordered;
        }
        match self.view_is_timeline {
            true => self.timeline.view(),
            false => self.store.sorted(),
        }
    }

    /// Organizations lifecycles over everything loaded (cached until the data changes).
    pub fn orgs(&mut self) -> &OrgReport {
        let version = self.data_version;
        if self.orgs.as_ref().is_some_and(|(v, _)| *v != version) {
            self.orgs = None;
        }
        let store = &self.store;
        &self
            .orgs
            .get_or_insert_with(|| (version, org_report(store)))
            .1
    }

    /// Replaces the rules, compiles each once and evaluates the enabled ones.
    pub fn set_rules(&mut self, specs: Vec<RuleSpec>) -> Vec<RuleResult> {
        self.rules = specs
            .into_iter()
            .map(|spec| ActiveRule {
                compiled: rules::compile(&spec.pattern).map_err(|e| e.to_string()),
                spec,
                matched: Vec::new(),
            })
            .collect();
        self.rules_version = u32::MAX;
        self.refresh_rules();
        self.rule_results()
    }

    /// Re-evaluates the rules if the data changed since they last ran.
    fn refresh_rules(&mut self) {
        if self.rules_version == self.data_version {
            return;
        }
        self.rules_version = self.data_version;
        let store = &self.store;
        let words = store.len().div_ceil(64);
        let live: Vec<usize> = (0..self.rules.len())
            .filter(|&i| self.rules[i].spec.enabled && self.rules[i].compiled.is_ok())
            .collect();
        for rule in &mut self.rules {
            rule.matched = vec![0; words];
        }
        if live.is_empty() {
            return;
        }
        let envelope = |id: EventId| {
            store
                .raw(id)
                .and_then(|raw| EnvelopeFields::from_record_json(&raw).ok())
        };
        let rules = &mut self.rules;
        let mut evaluate = |i: usize, envelope: &EnvelopeFields| {
            let raw = || store.raw(EventId(i as u32));
            for &r in &live {
                let rule = &mut rules[r];
                if rule
                    .compiled
                    .as_ref()
                    .is_ok_and(|p| p.matches_record_with(raw, envelope))
                {
                    rule.matched[i / 64] |= 1 << (i % 64);
                }
            }
        };
        if store.len() > self.envelope_cache_events.unwrap_or(ENVELOPE_CACHE_EVENTS) {
            // Too many to keep: each envelope lives for one evaluation.
            self.envelopes = Vec::new();
            self.stale_envelopes.clear();
            for i in 0..store.len() {
                if let Some(e) = envelope(EventId(i as u32)) {
                    evaluate(i, &e);
                }
            }
            return;
        }
        // One pass over each record for its envelope, kept for every later evaluation.
        for id in self.stale_envelopes.drain(..) {
            if let Some(slot) = self.envelopes.get_mut(id.0 as usize) {
                *slot = envelope(id);
            }
        }
        let known = self.envelopes.len();
        self.envelopes
            .extend((known..store.len()).map(|i| envelope(EventId(i as u32))));
        for (i, e) in self.envelopes.iter().enumerate() {
            if let Some(e) = e {
                evaluate(i, e);
            }
        }
    }

    pub fn rule_results(&mut self) -> Vec<RuleResult> {
        self.refresh_rules();
        let span = self.store.time_span();
        self.rules
            .iter()
            .map(|rule| {
                let mut sparkline = vec![0u32; SPARK_BUCKETS];
                let mut matches = 0;
                for &id in self.store.sorted() {
                    if !rule.matches(id) {
                        continue;
                    }
                    matches += 1;
                    if let (Some((first, last)), Some(t)) = (span, self.store.time(id)) {
                        let width = (last - first).max(1);
                        let b = ((t - first) as i128 * SPARK_BUCKETS as i128 / (width as i128 + 1))
                            as usize;
                        sparkline[b.min(SPARK_BUCKETS - 1)] += 1;
                    }
                }
                RuleResult {
                    name: rule.spec.name.clone(),
                    enabled: rule.spec.enabled,
                    matches,
                    error: rule.compiled.as_ref().err().cloned(),
                    sparkline,
                }
            })
            .collect()
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

/// The records `filter` matches, in their order. The query runs as it does over the
/// loaded data: over a scratch store of this file's records (so its plan binds to their
/// strings), which is then dropped.
fn matching(filter: &crate::query::Ast, records: Vec<Record<'static>>) -> Vec<Record<'static>> {
    let mut scratch = Store::default();
    // Which record each scratch event came from (duplicates within the file share one).
    let mut origin = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        if let Added::New(_) | Added::Reused(_) = scratch.add(record.clone(), FileId(0)) {
            origin.push(i);
        }
    }
    scratch.finish();
    let plan = crate::query::compile(filter, &scratch);
    let mut keep = vec![false; records.len()];
    for id in crate::query::filter(&scratch, &plan) {
        keep[origin[id.0 as usize]] = true;
    }
    records
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect()
}

fn org_report(store: &Store) -> OrgReport {
    let records: Vec<serde_json::Value> = store
        .sorted()
        .iter()
        .filter(|&&id| orgs::is_org_event(store.event_source(id), store.event_name(id)))
        .filter_map(|&id| serde_json::from_str(&store.raw(id)?).ok())
        .collect();
    let (accounts_seen, regions_seen) = store.accounts_and_regions();
    let ctx = OrgContext {
        latest_event_time: store.time_span().map(|(_, last)| last),
        accounts_seen,
        regions_seen,
    };
    orgs::reconstruct(&records, &ctx)
}
