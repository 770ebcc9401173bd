//! Events over time: buckets of a size that suits the span, with errors and writes
//! counted apart, and outliers (epoch 0, year 2099) left beside the chart instead of
//! flattening it.
//!
//! Entry point: [`histogram`].

use serde::{Deserialize, Serialize};

use crate::store::{Column, EventId, Store};
use crate::time::{EpochMillis, DAY, HOUR, MINUTE, SECOND};

/// One bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pub total: u32,
    /// Events with an errorCode.
    pub errors: u32,
    /// Events with `readOnly: false`.
    pub writes: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    /// Where the first bucket starts (aligned to the bucket size).
    pub start: EpochMillis,
    pub bucket_ms: i64,
    pub buckets: Vec<Bucket>,
    /// Events before the first / after the last bucket: outside the zoom, or outliers.
    pub before: u32,
    pub after: u32,
    /// Events without a usable eventTime.
    pub timeless: u32,
    /// First and last time of all the events counted (outliers included).
    pub span: Option<(EpochMillis, EpochMillis)>,
}

impl Histogram {
    /// The end of the last bucket.
    pub fn end(&self) -> EpochMillis {
        self.start
            .saturating_add(self.bucket_ms.saturating_mul(self.buckets.len() as i64))
    }
}

/// Bucket sizes people read easily.
const SIZES: [i64; 26] = [
    1,
    10,
    100,
    SECOND,
    2 * SECOND,
    5 * SECOND,
    10 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    30 * DAY,
    91 * DAY,
    365 * DAY,
];

/// Share of events at each end that may be called outliers.
/// - Good (bigger): a few stray timestamps never squash the chart.
/// - Bad (bigger): real but sparse early or late activity moves beside the chart (it
///   stays counted and one click away).
const OUTLIER_SHARE: f64 = 0.001;

/// Counts `ids` (in time order, timeless last, as [`Store::sorted`] keeps them) into at
/// most `max_buckets` buckets over `range` (`[from, to)`), or over the events' own span
/// without outliers when `range` is `None`.
pub fn histogram(
    store: &Store,
    ids: &[EventId],
    range: Option<(EpochMillis, EpochMillis)>,
    max_buckets: usize,
) -> Histogram {
    let times = store.time_column();
    let time = |id: &EventId| times[id.0 as usize];
    let timed = ids.partition_point(|id| time(id) != Store::TIMELESS);
    let (ids, timeless) = ids.split_at(timed);
    let mut h = Histogram {
        timeless: timeless.len() as u32,
        bucket_ms: HOUR,
        ..Histogram::default()
    };
    let (Some(first), Some(last)) = (ids.first().map(time), ids.last().map(time)) else {
        if let Some((from, to)) = range {
            h.start = from;
            h.bucket_ms = to.saturating_sub(from).max(1);
        }
        return h;
    };
    h.span = Some((first, last));
    let (from, to) = range.unwrap_or_else(|| robust_span(ids, &time));
    let width = to.saturating_sub(from).max(1);
    let max_buckets = max_buckets.max(1) as i64;
    let size = SIZES
        .into_iter()
        .find(|&s| ceil_div(width, s) <= max_buckets)
        .unwrap_or_else(|| ceil_div(width, max_buckets));
    let start = from.div_euclid(size) * size;
    let count = ceil_div(to.saturating_sub(start).max(1), size) as usize;
    h.start = start;
    h.bucket_ms = size;
    h.buckets = vec![Bucket::default(); count];
    let lo = ids.partition_point(|id| time(id) < from);
    let hi = ids.partition_point(|id| time(id) < to);
    h.before = lo as u32;
    h.after = (ids.len() - hi) as u32;
    let errors = store.column(Column::ErrorCode);
    let read_only = store.column(Column::ReadOnly);
    let no = store.lookup("false");
    for id in &ids[lo..hi] {
        let i = id.0 as usize;
        let b = ((times[i] - start) / size) as usize;
        let Some(bucket) = h.buckets.get_mut(b) else {
            continue;
        };
        bucket.total += 1;
        bucket.errors += u32::from(!errors[i].is_none());
        bucket.writes += u32::from(no.is_some_and(|no| read_only[i] == no));
    }
    h
}

/// `[from, to)` covering the events, leaving out at each end up to [`OUTLIER_SHARE`] of
/// them when they lie further than the rest's width from the rest.
fn robust_span(ids: &[EventId], time: &impl Fn(&EventId) -> EpochMillis) -> (i64, i64) {
    let n = ids.len();
    // At least one event at each end once there are a few: a lone epoch-0 record among a
    // hundred is as flattening as ten among ten thousand.
    let k = if n < 10 {
        0
    } else {
        ((n as f64) * OUTLIER_SHARE).ceil() as usize
    };
    let (inner_lo, inner_hi) = (time(&ids[k]), time(&ids[n - 1 - k]));
    let width = (inner_hi - inner_lo).max(MINUTE);
    // The outermost events still within one width of the rest.
    let lo = ids.partition_point(|id| time(id) < inner_lo.saturating_sub(width));
    let hi = ids.partition_point(|id| time(id) <= inner_hi.saturating_add(width));
    (time(&ids[lo]), time(&ids[hi - 1]).saturating_add(1))
}

/// `a / b` rounded up, for positive `b` (`i64::div_ceil` is not stable).
fn ceil_div(a: i64, b: i64) -> i64 {
    a / b + i64::from(a % b > 0)
}
