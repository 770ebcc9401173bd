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
//! chosen facet's conditions as a bitset over the hits (facets without conditions count
//! the view itself). The buffers for all this are kept and reused ([`Timeline`]).

pub mod drill;
mod export;
mod facets;
mod histogram;
mod order;

use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use export::{export, ExportFormat, Exporter};
pub use facets::{choices, split, toggle, Choice, Facet, Split};
pub use histogram::{histogram, Bucket, Histogram};
pub use order::{by_column, SortKey};

use crate::query::{self, Ast};
use crate::store::intern::Sym;
use crate::store::{EventId, Store};
use crate::time::EpochMillis;

/// What the page asks of the timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineQuery {
    /// The query language's text; facet choices are part of it.
    pub query: String,
    /// `[from, to)` in epoch milliseconds (the histogram's brush); `None` is all time.
    pub time: Option<(EpochMillis, EpochMillis)>,
    /// Newest first (with `sort`: Z→A).
    pub descending: bool,
    /// A table column's key to order by instead of time (`None`: time).
    #[serde(default)]
    pub sort: Option<String>,
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
    /// Why the query is invalid (it then matches nothing), and where.
    pub error: Option<crate::query::QueryError>,
    /// Words of a valid query that nothing answers (an unknown field), when it matched
    /// nothing: what to fix, where.
    #[serde(default)]
    pub warnings: Vec<crate::query::QueryNote>,
    pub histogram: Histogram,
    pub facets: Vec<FacetCounts>,
    /// Facets whose values are still being worked out (the integrity facet while the
    /// digests are validated): counted once the page asks again.
    #[serde(default)]
    pub pending: Vec<Facet>,
}

/// Values listed per facet.
pub const FACET_VALUES: usize = 12;
/// Histogram bars at most.
pub const HISTOGRAM_BUCKETS: usize = 120;

/// The timeline's state between questions: the cached hits of the last query's rest,
/// the last answer's events, and scratch space for counting.
///
/// The buffers keep their capacity between questions. The worker's wasm memory never
/// shrinks, so a million-event answer allocated afresh per question (hits, masks, the
/// view and its copies: ~20 MB) grew it for good whenever the old ones had not been
/// freed yet or their holes did not fit; reused, its size stays what the largest answer
/// needed.
#[derive(Default)]
pub struct Timeline {
    cached: Option<Cached>,
    /// A hits buffer not in use (the cache holds the scope itself, or nothing).
    spare: Vec<EventId>,
    /// The last answer's events that pass every facet condition (in time order, for the
    /// histogram); the view is `kept[view]`, those within its time range.
    kept: Vec<EventId>,
    view: Range<usize>,
    /// Per facet with conditions, a bitset over the positions of the hits: which pass.
    pass: Vec<u64>,
    /// Counts by symbol, all zero between uses.
    scratch: Vec<u32>,
    /// Symbols counted in one facet pass.
    touched: Vec<Sym>,
}

struct Cached {
    /// What the hits depend on: the data and scope (a key the caller gives) and the rest.
    scope: u64,
    rest: Ast,
    hits: Hits,
}

enum Hits {
    /// All of the scope (the rest matches everything): nothing copied.
    Scope,
    Own(Vec<EventId>),
}

impl Timeline {
    /// Runs `q` over `scope` (event ids in time order, timeless last) and answers; the
    /// matching events, in time order, are [`Timeline::view`] until the next run.
    /// `scope_key` must change whenever the data or the scope does.
    pub fn run(
        &mut self,
        store: &Store,
        scope: &[EventId],
        scope_key: u64,
        q: &TimelineQuery,
    ) -> TimelineAnswer {
        self.kept.clear();
        self.view = 0..0;
        let ast = match query::parse(&q.query) {
            Ok(ast) => ast,
            Err(e) => {
                return TimelineAnswer {
                    error: Some(e),
                    ..TimelineAnswer::default()
                };
            }
        };
        let Split { rest, own } = split(&ast);
        self.refresh(store, scope, scope_key, rest);
        let base: &[EventId] = match &self.cached {
            Some(Cached {
                hits: Hits::Own(hits),
                ..
            }) => hits,
            _ => scope,
        };
        let times = store.time_column();
        let (lo, hi) = match q.time {
            None => (0, base.len()),
            Some((from, to)) => (
                base.partition_point(|id| times[id.0 as usize] < from),
                base.partition_point(|id| times[id.0 as usize] < to),
            ),
        };

        // Facet conditions as one bitset per chosen facet over base positions: a bit per
        // hit and chosen facet (usually one or two), where a u16 mask per hit took 16.
        let own = &own[..own.len().min(16)];
        let words = base.len().div_ceil(64);
        self.pass.clear();
        self.pass.resize(words * own.len(), 0);
        for (k, (_, ast)) in own.iter().enumerate() {
            let plan = query::compile(ast, store);
            let bits = &mut self.pass[k * words..(k + 1) * words];
            for (w, chunk) in bits.iter_mut().zip(base.chunks(64)) {
                for (b, &id) in chunk.iter().enumerate() {
                    *w |= u64::from(plan.matches(store, id)) << b;
                }
            }
        }
        let pass = &self.pass;
        // Whether base[j] passes every facet condition but facet `skip`'s, 64 at a time.
        let passes = |w: usize, skip: Option<usize>| -> u64 {
            (0..own.len())
                .filter(|&k| Some(k) != skip)
                .fold(u64::MAX, |acc, k| acc & pass[k * words + w])
        };
        if own.is_empty() {
            self.kept.extend_from_slice(base);
        } else {
            for w in 0..words {
                let mut bits = passes(w, None);
                while bits != 0 {
                    self.kept
                        .push(base[w * 64 + bits.trailing_zeros() as usize]);
                    bits &= bits - 1;
                }
            }
        }
        let kept = &self.kept;
        let hist = histogram(store, kept, q.time, HISTOGRAM_BUCKETS);
        // `kept` is a time-ordered subset of `base`: the same time bounds cut it.
        self.view = match q.time {
            None => 0..kept.len(),
            Some((from, to)) => {
                kept.partition_point(|id| times[id.0 as usize] < from)
                    ..kept.partition_point(|id| times[id.0 as usize] < to)
            }
        };
        let in_view = &kept[self.view.clone()];

        let chosen = choices(&ast);
        let (scratch, touched) = (&mut self.scratch, &mut self.touched);
        let facets = Facet::ALL
            .into_iter()
            .map(|facet| match own.iter().position(|(f, _)| *f == facet) {
                // Every facet condition applies: the view itself.
                None => count(
                    scratch,
                    touched,
                    store,
                    facet,
                    in_view.iter().copied(),
                    &chosen,
                ),
                // Its own conditions are the only ones: every base event in the time range.
                Some(_) if own.len() == 1 => count(
                    scratch,
                    touched,
                    store,
                    facet,
                    base[lo..hi].iter().copied(),
                    &chosen,
                ),
                // All but its own: base positions in the time range passing the others.
                Some(k) => {
                    let counted = (lo / 64..hi.div_ceil(64)).flat_map(|w| {
                        let mut bits = passes(w, Some(k)) & range_mask(w, lo, hi);
                        std::iter::from_fn(move || {
                            (bits != 0).then(|| {
                                let b = bits.trailing_zeros() as usize;
                                bits &= bits - 1;
                                base[w * 64 + b]
                            })
                        })
                    });
                    count(scratch, touched, store, facet, counted, &chosen)
                }
            })
            .collect();
        TimelineAnswer {
            total: in_view.len() as u32,
            error: None,
            warnings: Vec::new(),
            histogram: hist,
            facets,
            pending: Vec::new(),
        }
    }

    /// Empties the view (a question that could not be asked matches nothing).
    pub fn clear_view(&mut self) {
        self.kept.clear();
        self.view = 0..0;
    }

    /// The last run's matching events, in time order (empty before the first).
    pub fn view(&self) -> &[EventId] {
        self.kept.get(self.view.clone()).unwrap_or_default()
    }

    /// Counts by symbol, all zeros (for callers that count symbols too: suggestions).
    pub fn scratch(&mut self) -> &mut Vec<u32> {
        &mut self.scratch
    }

    /// Caches the events of `scope` the rest of the query matches (reusing the cache,
    /// and its buffer, when it can).
    fn refresh(&mut self, store: &Store, scope: &[EventId], scope_key: u64, rest: Ast) {
        let mut old = self.cached.take();
        if old.as_ref().is_some_and(|c| c.scope != scope_key) {
            self.recycle(old.take());
        }
        if let Some(c) = old.take() {
            if c.rest == rest {
                self.cached = Some(c);
                return;
            }
            old = Some(c);
        }
        let hits = if rest == Ast::All {
            self.recycle(old);
            Hits::Scope
        } else {
            let plan = query::compile(&rest, store);
            match old {
                Some(Cached {
                    rest: before,
                    hits: Hits::Own(mut hits),
                    ..
                }) if rest.narrows(&before) => {
                    query::retain_matching(store, &plan, &mut hits);
                    Hits::Own(hits)
                }
                old => {
                    self.recycle(old);
                    let mut hits = std::mem::take(&mut self.spare);
                    if scope.len() == store.len() {
                        query::filter_into(store, &plan, &mut hits);
                    } else {
                        query::filter_within_into(store, &plan, scope, &mut hits);
                    }
                    Hits::Own(hits)
                }
            }
        };
        self.cached = Some(Cached {
            scope: scope_key,
            rest,
            hits,
        });
    }

    /// Keeps a stale cache's buffer for the next hits.
    fn recycle(&mut self, cached: Option<Cached>) {
        if let Some(Cached {
            hits: Hits::Own(mut hits),
            ..
        }) = cached
        {
            hits.clear();
            self.spare = hits;
        }
    }
}

/// Bits of word `w` for positions in `lo..hi`.
fn range_mask(w: usize, lo: usize, hi: usize) -> u64 {
    let (start, end) = (w * 64, w * 64 + 64);
    let from = lo.clamp(start, end) - start;
    let to = hi.clamp(start, end) - start;
    let upto = |n: usize| if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
    upto(to) & !upto(from)
}

/// Counts a facet's values over `ids` with `scratch` (all zeros before and after).
fn count(
    scratch: &mut Vec<u32>,
    touched: &mut Vec<Sym>,
    store: &Store,
    facet: Facet,
    ids: impl Iterator<Item = EventId>,
    chosen: &[Choice],
) -> FacetCounts {
    let column = store.column(facet.column());
    if scratch.len() < store.symbol_count() {
        scratch.resize(store.symbol_count(), 0);
    }
    touched.clear();
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
    for &s in touched.iter() {
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
