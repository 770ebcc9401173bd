//! The pure façade over ingest and the store: what the worker runs, and what native tests
//! and benchmarks drive. One [`Session`] per worker.
//!
//! Entry points: [`Session::handle`] (a [`Request`] in, a [`Response`] out) and the typed
//! methods it dispatches to.

use crate::ingest::{self, FileReport, Limits};
use crate::orgs::{self, OrgContext, OrgReport};
use crate::protocol::{Request, Response, RuleResult, RuleSpec, Summary, ViewFilter};
use crate::rules::{self, EnvelopeFields, Pattern};
use crate::store::{Added, EventId, FileId, RawText, Store};

#[derive(Default)]
pub struct Session {
    store: Store,
    ledger: Vec<FileReport>,
    limits: Limits,
    /// Bumped whenever the loaded data or the view changes: answers carry it so the page
    /// can drop stale ones.
    generation: u32,
    /// The table's events in time order; `None` is all of them.
    view: Option<Vec<EventId>>,
    /// Bumped only when the loaded data changes (not the view).
    data_version: u32,
    /// The org report of the data at a version (it is costly and asked for often).
    orgs: Option<(u32, OrgReport)>,
    rules: Vec<ActiveRule>,
    /// The data version the rules' matches were computed at.
    rules_version: u32,
    /// Each event's EventBridge envelope, by [`EventId`], built the first time rules run
    /// and extended as events arrive (`None`: the record text is not valid JSON).
    /// - Good: re-evaluating 10 rules over a million events takes well under a second.
    /// - Bad: about 250 bytes per event, paid only once rules are used.
    envelopes: Vec<Option<EnvelopeFields>>,
    /// Events whose record was replaced (a CSV summary upgraded to the full record).
    stale_envelopes: Vec<EventId>,
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

/// Sparkline resolution.
const SPARK_BUCKETS: usize = 48;

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
            Request::LoadSample => {
                let (path, text) = crate::sample::org_history();
                let report = self.add_file(path, text.as_bytes()).clone();
                Response::Added {
                    reports: vec![report],
                    events: self.store.len() as u32,
                }
            }
            Request::Finish => Response::Loaded(self.finish()),
            Request::SetView(filter) => {
                self.set_view(&filter);
                Response::View {
                    generation: self.generation,
                    total: self.view_ids().len() as u32,
                }
            }
            Request::Orgs => Response::Orgs {
                generation: self.generation,
                report: Box::new(self.orgs().clone()),
            },
            Request::SetRules(specs) => {
                let results = self.set_rules(specs);
                // Rows carry their rules' badges: rows cached by the page are stale now.
                self.generation += 1;
                Response::Rules {
                    generation: self.generation,
                    results,
                }
            }
            Request::Rows { offset, len } => {
                self.refresh_rules();
                let rows = self
                    .view_ids()
                    .iter()
                    .skip(offset as usize)
                    .take(len.min(1000) as usize)
                    .filter_map(|&id| {
                        let mut row = self.store.row(id)?;
                        row.rules = self
                            .rules
                            .iter()
                            .filter(|r| r.matches(id))
                            .map(|r| r.spec.name.clone())
                            .collect();
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
            Request::Detail { id } => Response::Detail {
                generation: self.generation,
                id,
                raw: self.store.raw(id).map(|r| String::from(&*r)),
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
                Added::New(_) => report.kept += 1,
                Added::Upgraded(id) => {
                    report.kept += 1;
                    self.stale_envelopes.push(id);
                }
                Added::Duplicate(_) => report.duplicates += 1,
            }
        }
        self.generation += 1;
        self.data_version += 1;
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
        self.view = None;
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

    pub fn set_view(&mut self, filter: &ViewFilter) {
        self.refresh_rules();
        self.view = match filter {
            ViewFilter::All => None,
            ViewFilter::Rule(name) => {
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
            ViewFilter::Query(text) => Some(match crate::query::parse(text) {
                Ok(ast) => {
                    crate::query::filter(&self.store, &crate::query::compile(&ast, &self.store))
                }
                Err(_) => Vec::new(),
            }),
            ViewFilter::EventIds(ids) => {
                let mut ids: Vec<EventId> =
                    ids.iter().filter_map(|id| self.store.find(id)).collect();
                ids.sort_unstable();
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
        };
        self.generation += 1;
    }

    fn view_ids(&self) -> &[EventId] {
        self.view.as_deref().unwrap_or(self.store.sorted())
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
        // One pass over each record for its envelope, kept for every later evaluation.
        let envelope = |id: EventId| {
            store
                .raw(id)
                .and_then(|raw| EnvelopeFields::from_record_json(&raw).ok())
        };
        for id in self.stale_envelopes.drain(..) {
            if let Some(slot) = self.envelopes.get_mut(id.0 as usize) {
                *slot = envelope(id);
            }
        }
        let known = self.envelopes.len();
        self.envelopes
            .extend((known..store.len()).map(|i| envelope(EventId(i as u32))));
        for (i, envelope) in self.envelopes.iter().enumerate() {
            let Some(envelope) = envelope else {
                continue;
            };
            let raw = || store.raw(EventId(i as u32));
            for &r in &live {
                let rule = &mut self.rules[r];
                if rule
                    .compiled
                    .as_ref()
                    .is_ok_and(|p| p.matches_record_with(raw, envelope))
                {
                    rule.matched[i / 64] |= 1 << (i % 64);
                }
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
