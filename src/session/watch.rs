//! Watch rules over the loaded events: each rule compiled once, its matches kept as a
//! bitset over [`EventId`]s and re-evaluated only when the data or its pattern changes. A
//! run reads the record text only of the events the store's columns leave as candidates
//! ([`rules::candidates`]).

use crate::bits;
use crate::protocol::{RuleResult, RuleSpec};
use crate::rules::{self, EnvelopeFields, EnvelopeParts, Pattern};
use crate::store::{EventId, Store};

/// Sparkline resolution.
const SPARK_BUCKETS: usize = 48;

/// Events a run evaluates between asking whether to go on: most are passed over by the
/// candidate bits in nanoseconds, so asking (a clock read in the worker) each time would
/// cost more than the work.
const EVENTS_PER_STEP: usize = 64;

/// The session's watch rules and what they matched.
#[derive(Default)]
pub(super) struct Watch {
    rules: Vec<ActiveRule>,
    /// The data version the rules' matches were computed at (`None`: never, or the rules
    /// changed since).
    version: Option<u32>,
    /// Whether each event's record [is plain](rules::is_plain), a bit per event: `known`
    /// says which were read (only those a rule needed), `plain` the answer. Kept between
    /// runs, so a record is read for it once.
    known: Vec<u64>,
    plain: Vec<u64>,
    /// The re-evaluation under way, if any.
    run: Option<Run>,
    /// Events whose record was replaced (a CSV summary upgraded to the full record).
    pub(super) stale_records: Vec<EventId>,
}

/// A watch rule, compiled once, with its matches as a bitset over [`EventId`]s.
struct ActiveRule {
    spec: RuleSpec,
    compiled: Result<Pattern, String>,
    matched: Vec<u64>,
    /// The data version `matched` is for (`None`: never computed).
    at: Option<u32>,
}

/// A re-evaluation under way ([`Watch::start`]).
struct Run {
    /// The rules it evaluates (indices into [`Watch::rules`]).
    due: Vec<usize>,
    filter: Filter,
    /// Each due rule's matches among the events before `next`.
    matched: Vec<Vec<u64>>,
    next: usize,
}

/// The events the due rules may match: each one's candidates, and any's.
struct Filter {
    candidates: Vec<rules::Candidates>,
    any: rules::Candidates,
    /// For rules that read no envelope field. (Stored texts are JSON: ingest parsed them.)
    blank: EnvelopeFields,
}

impl ActiveRule {
    fn matches(&self, id: EventId) -> bool {
        self.spec.enabled && bits::get(&self.matched, id.0 as usize)
    }

    /// The ids of its matches, in id order (none while it is off).
    fn matched_ids(&self) -> impl Iterator<Item = EventId> + '_ {
        let matched = if self.spec.enabled {
            &self.matched[..]
        } else {
            &[]
        };
        bits::ones(matched).map(|i| EventId(i as u32))
    }
}

impl Watch {
    /// Replaces the rules, compiling each once; they run at the next [`Watch::refresh`].
    /// A rule whose pattern is unchanged keeps its matches, so an edit, a rename or turning
    /// a rule on or off re-runs only the rules whose pattern it changed.
    pub(super) fn set(&mut self, specs: Vec<RuleSpec>) {
        // The matches of a run cut short are not for any version.
        for r in self.run.take().map(|run| run.due).unwrap_or_default() {
            self.rules[r].at = None;
        }
        let mut old = std::mem::take(&mut self.rules);
        self.rules = specs
            .into_iter()
            .map(
                |spec| match old.iter().position(|r| r.spec.pattern == spec.pattern) {
                    Some(i) => ActiveRule {
                        spec,
                        ..old.swap_remove(i)
                    },
                    None => ActiveRule {
                        compiled: rules::compile(&spec.pattern).map_err(|e| e.to_string()),
                        spec,
                        matched: Vec::new(),
                        at: None,
                    },
                },
            )
            .collect();
        self.version = None;
    }

    /// The names of the rules that match an event (its row's badges). The rules of a run
    /// under way are evaluated over this one event, as the run will: a row is answered
    /// without waiting for the run.
    pub(super) fn names_matching(&mut self, store: &Store, id: EventId) -> Vec<String> {
        let i = id.0 as usize;
        let mut running = vec![None; self.rules.len()];
        if let Some(run) = &self.run {
            let patterns = patterns(&self.rules, &run.due);
            let mut hit = |k: usize| running[run.due[k]] = Some(true);
            hits(
                &mut self.known,
                &mut self.plain,
                store,
                &patterns,
                &run.filter,
                i,
                &mut hit,
            );
            for &r in &run.due {
                running[r].get_or_insert(false);
            }
        }
        self.rules
            .iter()
            .zip(running)
            .filter(|(r, running)| match running {
                Some(hit) => *hit,
                None => r.matches(id),
            })
            .map(|(r, _)| r.spec.name.clone())
            .collect()
    }

    /// The events of a rule (by name) in time order; none for an unknown rule.
    pub(super) fn events_of(&self, store: &Store, name: &str) -> Vec<EventId> {
        let Some(rule) = self.rules.iter().find(|r| r.spec.name == name) else {
            return Vec::new();
        };
        store
            .sorted()
            .iter()
            .copied()
            .filter(|&id| rule.matches(id))
            .collect()
    }

    /// Re-evaluates the rules whose matches are not for the data at `version`.
    pub(super) fn refresh(&mut self, store: &Store, version: u32) {
        self.start(store, version);
        self.advance(store, &mut || true);
    }

    /// Starts re-evaluating the rules whose matches are not for the data at `version`
    /// (nothing to do when they are, or when that is under way): [`Watch::advance`] runs
    /// it, a few events at a time.
    pub(super) fn start(&mut self, store: &Store, version: u32) {
        if self.version == Some(version) {
            return;
        }
        self.version = Some(version);
        let mut due = Vec::new();
        for (i, rule) in self.rules.iter_mut().enumerate() {
            // A rule turned off keeps its matches for when it is turned back on.
            if rule.spec.enabled && rule.compiled.is_ok() && rule.at != Some(version) {
                rule.at = Some(version);
                due.push(i);
            }
        }
        for id in self.stale_records.drain(..) {
            bits::set(&mut self.known, id.0 as usize, false);
        }
        self.run = None;
        if due.is_empty() {
            return;
        }
        let candidates = rules::candidates(&patterns(&self.rules, &due), store);
        self.run = Some(Run {
            filter: Filter {
                any: rules::Candidates::union(&candidates, store.len()),
                candidates,
                blank: EnvelopeFields::new(&EnvelopeParts::default()),
            },
            matched: vec![vec![0u64; store.len().div_ceil(64)]; due.len()],
            due,
            next: 0,
        });
    }

    /// Evaluates the run under way over a step of events, then more while `more()` says so;
    /// true once the rules' matches are complete.
    pub(super) fn advance(&mut self, store: &Store, more: &mut dyn FnMut() -> bool) -> bool {
        let Some(mut run) = self.run.take() else {
            return true;
        };
        let patterns = patterns(&self.rules, &run.due);
        // In id order: record texts are stored in blocks of consecutive ids.
        while run.next < store.len() {
            let i = run.next;
            run.next += 1;
            let matched = &mut run.matched;
            let mut hit = |k: usize| bits::insert(&mut matched[k], i);
            hits(
                &mut self.known,
                &mut self.plain,
                store,
                &patterns,
                &run.filter,
                i,
                &mut hit,
            );
            if run.next % EVENTS_PER_STEP == 0 && !more() {
                break;
            }
        }
        if run.next < store.len() {
            self.run = Some(run);
            return false;
        }
        for (&r, hits) in run.due.iter().zip(run.matched) {
            self.rules[r].matched = hits;
        }
        true
    }

    /// Each rule's matches and sparkline (as of the last [`Watch::refresh`]).
    pub(super) fn results(&self, store: &Store) -> Vec<RuleResult> {
        let span = store.time_span();
        self.rules
            .iter()
            .map(|rule| {
                let mut sparkline = vec![0u32; SPARK_BUCKETS];
                let mut matches = 0;
                for id in rule.matched_ids() {
                    matches += 1;
                    if let (Some((first, last)), Some(t)) = (span, store.time(id)) {
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
}

/// The compiled patterns of rules `due` (each compiled: [`Watch::start`] picks only those).
fn patterns<'r>(rules: &'r [ActiveRule], due: &[usize]) -> Vec<&'r Pattern> {
    due.iter()
        .filter_map(|&r| rules[r].compiled.as_ref().ok())
        .collect()
}

/// Calls `hit(k)` for each pattern `k` that matches event `i` (`filter` is theirs).
fn hits(
    known: &mut Vec<u64>,
    plain_bits: &mut Vec<u64>,
    store: &Store,
    patterns: &[&Pattern],
    filter: &Filter,
    i: usize,
    hit: &mut dyn FnMut(usize),
) {
    // A record not read yet counts as unsure.
    let read_plain = || bits::get(known, i) && bits::get(plain_bits, i);
    if !filter.any.contains(i, read_plain) {
        return;
    }
    let id = EventId(i as u32);
    let Some(raw) = store.raw(id) else {
        return;
    };
    let mut plain = || {
        if !bits::get(known, i) {
            bits::set(plain_bits, i, rules::is_plain(store, id, &raw));
            bits::set(known, i, true);
        }
        bits::get(plain_bits, i)
    };
    let mut full = None;
    for (k, (pattern, c)) in patterns.iter().zip(&filter.candidates).enumerate() {
        if !c.contains(i, &mut plain) {
            continue;
        }
        let envelope = if c.envelope {
            // Text that is not JSON has no envelope and matches no rule.
            match full.get_or_insert_with(|| EnvelopeFields::from_record_json(&raw).ok()) {
                Some(envelope) => envelope,
                None => break,
            }
        } else {
            &filter.blank
        };
        if pattern.matches_record(&raw, envelope) {
            hit(k);
        }
    }
}
