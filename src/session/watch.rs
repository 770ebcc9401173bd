//! Watch rules over the loaded events: each rule compiled once, its matches kept as a
//! bitset over [`EventId`]s and re-evaluated only when the data changes; each event's
//! EventBridge envelope cached between runs (up to [`ENVELOPE_CACHE_EVENTS`] events).

use crate::protocol::{RuleResult, RuleSpec};
use crate::rules::{self, EnvelopeFields, Pattern};
use crate::store::{EventId, Store};

/// Events up to which each one's EventBridge envelope is kept between rule runs.
/// - Good (bigger): an edited rule re-runs over kept envelopes (≈ 0.45 s per million events
///   natively) instead of re-reading every record (≈ 4 s per million in the browser).
/// - Bad (bigger): ≈ 570 bytes per event (`examples/memory`), more than the whole store;
///   past this size, memory matters more than how fast an edit re-runs.
const ENVELOPE_CACHE_EVENTS: usize = 250_000;

/// Sparkline resolution.
const SPARK_BUCKETS: usize = 48;

/// The session's watch rules and what they matched.
#[derive(Default)]
pub(super) struct Watch {
    rules: Vec<ActiveRule>,
    /// The data version the rules' matches were computed at (`None`: never, or the rules
    /// changed since).
    version: Option<u32>,
    /// Each event's EventBridge envelope, by [`EventId`], built the first time rules run
    /// and extended as events arrive (`None`: the record text is not valid JSON); kept
    /// only up to [`ENVELOPE_CACHE_EVENTS`] events.
    envelopes: Vec<Option<EnvelopeFields>>,
    /// Events whose record was replaced (a CSV summary upgraded to the full record).
    pub(super) stale_envelopes: Vec<EventId>,
    /// Overrides [`ENVELOPE_CACHE_EVENTS`] (tests use a small store).
    envelope_cache_events: Option<usize>,
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

impl Watch {
    /// Keeps envelopes for at most `events` events (see [`ENVELOPE_CACHE_EVENTS`]).
    pub(super) fn set_envelope_cache_events(&mut self, events: usize) {
        self.envelope_cache_events = Some(events);
        self.version = None;
    }

    /// Replaces the rules, compiling each once; they run at the next [`Watch::refresh`].
    pub(super) fn set(&mut self, specs: Vec<RuleSpec>) {
        self.rules = specs
            .into_iter()
            .map(|spec| ActiveRule {
                compiled: rules::compile(&spec.pattern).map_err(|e| e.to_string()),
                spec,
                matched: Vec::new(),
            })
            .collect();
        self.version = None;
    }

    /// The names of the rules that match an event (its row's badges).
    pub(super) fn names_matching(&self, id: EventId) -> Vec<String> {
        self.rules
            .iter()
            .filter(|r| r.matches(id))
            .map(|r| r.spec.name.clone())
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

    /// Re-evaluates the rules if the data (at `version`) changed since they last ran.
    pub(super) fn refresh(&mut self, store: &Store, version: u32) {
        if self.version == Some(version) {
            return;
        }
        self.version = Some(version);
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

    /// Each rule's matches and sparkline (as of the last [`Watch::refresh`]).
    pub(super) fn results(&self, store: &Store) -> Vec<RuleResult> {
        let span = store.time_span();
        self.rules
            .iter()
            .map(|rule| {
                let mut sparkline = vec![0u32; SPARK_BUCKETS];
                let mut matches = 0;
                for &id in store.sorted() {
                    if !rule.matches(id) {
                        continue;
                    }
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
