//! The timeline: one query (the search box, facet choices written into it, a time range)
//! over the store, answered with the matching events, their histogram and facet counts.
//!
//! Entry points: [`Timeline::run`] (what the worker does on every facet click, keystroke
//! or brush), [`toggle`] (a facet click, as a query edit), [`export`].
//!
//! Implementation note: the query is split into the conditions on no facet ("rest") and
//! each facet's own ([`facets::split`]). The rest runs over the store once and is cached,
//! so a facet click or a brush re-runs only integer column tests over the cached hits;
//! typing a longer word rescans only the previous hits ([`crate::query::Ast::narrows`]).
//! Every facet's counts then come from one pass per facet over those hits, with each
//! hit's set of failed facet conditions as a small bitmask.

pub mod axis;
mod export;
mod facets;
mod histogram;
pub mod link;

use serde::{Deserialize, Serialize};

pub use export::{export, ExportFormat};
pub use facets::{choices, split, toggle, Choice, Facet, Split};
pub use histogram::{histogram, Bucket, Histogram};

use crate::intern::Sym;
use crate::query::{self, Ast};
use crate::store::{EventId, Store};
use crate::time::EpochMillis;

/// What the page asks of the timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineQuery {
    /// The query language's text; facet choices are part of it.
    pub query: String,
    /// `[from, to)` in epoch milliseconds (the histogram's brush); `None` is all time.
    pub time: Option<(EpochMillis, EpochMillis)>,
    /// Newest first.
    pub descending: bool,
}

/// One value of a facet with its count among the events every other condition keeps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetValue {
    pub value: String,
    pub count: u32,
    /// `Some(false)` when the query includes it, `Some(true)` when it excludes it.
    pub chosen: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCounts {
    pub facet: Facet,
    /// The most frequent values (ties by value), then any chosen value not among them.
    pub values: Vec<FacetValue>,
    /// Distinct values among the counted events.
    pub distinct: u32,
    /// Counted events without a value.
    pub missing: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineAnswer {
    pub total: u32,
    /// Why the query is invalid (it then matches nothing).
    pub error: Option<String>,
    pub histogram: Histogram,
    pub facets: Vec<FacetCounts>,
}

/// Values listed per facet.
pub const FACET_VALUES: usize = 12;
/// Histogram bars at most.
pub const HISTOGRAM_BUCKETS: usize = 120;

/// The timeline's state between questions: the cached hits of the last query's rest,
/// and scratch space for counting.
#[derive(Default)]
pub struct Timeline {
    cached: Option<Cached>,
    /// Counts by symbol, all zero between uses.
    scratch: Vec<u32>,
}

struct Cached {
    /// What the hits depend on: the data and scope (a key the caller gives) and the rest.
    scope: u64,
    rest: Ast,
    hits: Vec<EventId>,
}

impl Timeline {
    /// Runs `q` over `scope` (event ids in time order, timeless last) and returns the
    /// matching events in time order with the answer. `scope_key` must change whenever
    /// the data or the scope does.
    pub fn run(
        &mut self,
        store: &Store,
        scope: &[EventId],
        scope_key: u64,
        q: &TimelineQuery,
    ) -> (Vec<EventId>, TimelineAnswer) {
        let ast = match query::parse(&q.query) {
            Ok(ast) => ast,
            Err(e) => {
                let answer = TimelineAnswer {
                    error: Some(e.to_string()),
                    ..TimelineAnswer::default()
                };
                return (Vec::new(), answer);
            }
        };
        let Split { rest, own } = split(&ast);
        self.refresh(store, scope, scope_key, rest);
        let base: &[EventId] = self.cached.as_ref().map_or(&[], |c| &c.hits);

        // Bit k of masks[j]: base[j] fails facet own[k]'s conditions.
        let plans: Vec<_> = own.iter().map(|(_, a)| query::compile(a, store)).collect();
        let mut masks = vec![0u16; base.len()];
        for (k, plan) in plans.iter().enumerate().take(16) {
            for (m, &id) in masks.iter_mut().zip(base) {
                if !plan.matches(store, id) {
                    *m |= 1 << k;
                }
            }
        }
        let times = store.time_column();
        let (lo, hi) = match q.time {
            None => (0, base.len()),
            Some((from, to)) => (
                base.partition_point(|id| times[id.0 as usize] < from),
                base.partition_point(|id| times[id.0 as usize] < to),
            ),
        };
        let all_facets: Vec<EventId> = base
            .iter()
            .zip(&masks)
            .filter(|(_, &m)| m == 0)
            .map(|(&id, _)| id)
            .collect();
        let hist = histogram(store, &all_facets, q.time, HISTOGRAM_BUCKETS);
        let result: Vec<EventId> = base[lo..hi]
            .iter()
            .zip(&masks[lo..hi])
            .filter(|(_, &m)| m == 0)
            .map(|(&id, _)| id)
            .collect();

        let chosen = choices(&ast);
        let facets = Facet::ALL
            .into_iter()
            .map(|facet| {
                let ignore = own
                    .iter()
                    .position(|(f, _)| *f == facet)
                    .filter(|&k| k < 16)
                    .map_or(0, |k| 1u16 << k);
                let counted = base[lo..hi]
                    .iter()
                    .zip(&masks[lo..hi])
                    .filter(|(_, &m)| m & !ignore == 0)
                    .map(|(&id, _)| id);
                count(&mut self.scratch, store, facet, counted, &chosen)
            })
            .collect();
        let answer = TimelineAnswer {
            total: result.len() as u32,
            error: None,
            histogram: hist,
            facets,
        };
        (result, answer)
    }

    /// Counts by symbol, all zeros (for callers that count symbols too: suggestions).
    pub fn scratch(&mut self) -> &mut Vec<u32> {
        &mut self.scratch
    }

    /// Caches the events of `scope` the rest of the query matches (reusing the cache
    /// when it can).
    fn refresh(&mut self, store: &Store, scope: &[EventId], scope_key: u64, rest: Ast) {
        let cached = self.cached.take().filter(|c| c.scope == scope_key);
        let hits = match cached {
            Some(c) if c.rest == rest => c.hits,
            _ if rest == Ast::All => scope.to_vec(),
            Some(c) if rest.narrows(&c.rest) => {
                query::filter_within(store, &query::compile(&rest, store), &c.hits)
            }
            _ if scope.len() == store.len() => query::filter(store, &query::compile(&rest, store)),
            _ => query::filter_within(store, &query::compile(&rest, store), scope),
        };
        self.cached = Some(Cached {
            scope: scope_key,
            rest,
            hits,
        });
    }
}

/// Counts a facet's values over `ids` with `scratch` (all zeros before and after).
fn count(
    scratch: &mut Vec<u32>,
    store: &Store,
    facet: Facet,
    ids: impl Iterator<Item = EventId>,
    chosen: &[Choice],
) -> FacetCounts {
    let column = store.column(facet.column());
    if scratch.len() < store.symbol_count() {
        scratch.resize(store.symbol_count(), 0);
    }
    let mut touched: Vec<Sym> = Vec::new();
    for id in ids {
        let s = column[id.0 as usize];
        let slot = &mut scratch[s.0 as usize];
        if *slot == 0 {
            touched.push(s);
        }
        *slot += 1;
    }
    let mut missing = 0;
    let mut values: Vec<(&str, u32)> = Vec::with_capacity(touched.len());
    for s in touched {
        let n = std::mem::take(&mut scratch[s.0 as usize]);
        if s.is_none() {
            missing = n;
        } else {
            values.push((store.resolve(s), n));
        }
    }
    let distinct = values.len() as u32;
    values.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mine: Vec<&Choice> = chosen.iter().filter(|c| c.facet == facet).collect();
    let choice_of = |v: &str| {
        mine.iter()
            .find(|c| c.value.eq_ignore_ascii_case(v))
            .map(|c| c.exclude)
    };
    let mut listed: Vec<FacetValue> = values
        .iter()
        .take(FACET_VALUES)
        .map(|&(v, count)| FacetValue {
            value: v.to_owned(),
            count,
            chosen: choice_of(v),
        })
        .collect();
    // Chosen values stay listed (so they can be unchosen) even at zero.
    for c in mine {
        if !listed
            .iter()
            .any(|l| l.value.eq_ignore_ascii_case(&c.value))
        {
            let count = values
                .iter()
                .filter(|(v, _)| v.eq_ignore_ascii_case(&c.value))
                .map(|(_, n)| n)
                .sum();
            listed.push(FacetValue {
                value: c.value.clone(),
                count,
                chosen: Some(c.exclude),
            });
        }
    }
    FacetCounts {
        facet,
        values: listed,
        distinct,
        missing,
    }
}
