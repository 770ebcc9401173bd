//! The histogram chart's arithmetic, kept pure so it is tested natively: time labels that
//! suit the bucket size, tick positions, a brushed span of the chart snapped to bucket
//! edges, the keyboard brush's moves, zooming out, and widening a range to take in the
//! events set aside.
//!
//! Every function takes the [`Histogram`](crate::timeline::Histogram)'s `start`, `bucket_ms` and
//! bucket count as plain numbers and never panics, whatever they are (a default
//! histogram has `bucket_ms == 0`).

use crate::display;
use crate::time::{format_iso, EpochMillis, DAY, HOUR, MINUTE, SECOND};

/// How finely times are written: enough to tell one bucket edge from the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// `21:20:50.123`
    Millis,
    /// `21:20:50`
    Seconds,
    /// `09-16 21:00`
    Minutes,
    /// `2020-09-16`
    Days,
}

/// The precision that tells buckets of `bucket_ms` apart.
pub fn precision(bucket_ms: i64) -> Precision {
    match bucket_ms {
        ..SECOND => Precision::Millis,
        SECOND..MINUTE => Precision::Seconds,
        MINUTE..DAY => Precision::Minutes,
        _ => Precision::Days,
    }
}

/// `("2020-09-16", "21:20:50", 123)`, in UTC.
fn parts(ms: EpochMillis) -> (String, String, i64) {
    let iso = format_iso(ms);
    let (date, rest) = iso.split_once('T').unwrap_or((&iso, ""));
    let time = rest.get(..8).unwrap_or(rest);
    (date.to_owned(), time.to_owned(), ms.rem_euclid(SECOND))
}

/// A short axis label for `ms` (UTC) on a chart of `bucket_ms` buckets:
/// `21:20:50.123`, `21:20:50`, `09-16 21:00` or `2020-09-16`.
pub fn tick_label(ms: EpochMillis, bucket_ms: i64) -> String {
    let (date, time, milli) = parts(ms);
    match precision(bucket_ms) {
        Precision::Millis => format!("{time}.{milli:03}"),
        Precision::Seconds => time,
        Precision::Minutes => {
            let month_day = date.get(date.len().saturating_sub(5)..).unwrap_or(&date);
            format!("{month_day} {}", time.get(..5).unwrap_or(&time))
        }
        Precision::Days => date,
    }
}

/// `ms` in full at `precision`: `2020-09-16 21:00`, `2020-09-16 21:20:50.123`, ...
fn full(ms: EpochMillis, precision: Precision) -> String {
    let (date, time, milli) = parts(ms);
    match precision {
        Precision::Millis => format!("{date} {time}.{milli:03}"),
        Precision::Seconds => format!("{date} {time}"),
        Precision::Minutes => format!("{date} {}", time.get(..5).unwrap_or(&time)),
        Precision::Days => date,
    }
}

/// `[from, to)` for people, in UTC: `2020-09-16 21:00 – 22:00 UTC` (the end's date only
/// when it differs), or whole days inclusively: `2020-09-16 UTC`,
/// `2020-09-14 – 2020-09-20 UTC`.
pub fn range_label(from: EpochMillis, to: EpochMillis, bucket_ms: i64) -> String {
    let p = precision(bucket_ms);
    if p == Precision::Days {
        let (first, last) = (full(from, p), full(to.saturating_sub(1).max(from), p));
        return if first == last {
            format!("{first} UTC")
        } else {
            format!("{first} – {last} UTC")
        };
    }
    let (a, b) = (full(from, p), full(to, p));
    match (a.split_once(' '), b.split_once(' ')) {
        (Some((da, _)), Some((db, tb))) if da == db => format!("{a} – {tb} UTC"),
        _ => format!("{a} – {b} UTC"),
    }
}

/// A bucket size in words: `1 hour`, `15 minutes`, `500 ms`.
pub fn duration_label(ms: i64) -> String {
    let units = [
        (DAY, "day"),
        (HOUR, "hour"),
        (MINUTE, "minute"),
        (SECOND, "second"),
    ];
    for (unit, name) in units {
        if ms >= unit && ms % unit == 0 {
            let n = ms / unit;
            return if n == 1 {
                format!("1 {name}")
            } else {
                format!("{n} {name}s")
            };
        }
    }
    format!("{ms} ms")
}

/// Tick steps people read easily (each is tried only when it is a multiple of the
/// bucket size, so ticks fall on bucket edges).
const STEPS: [i64; 36] = [
    1,
    2,
    5,
    10,
    20,
    50,
    100,
    200,
    500,
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
    14 * DAY,
    30 * DAY,
    91 * DAY,
    182 * DAY,
    365 * DAY,
    2 * 365 * DAY,
    5 * 365 * DAY,
];

/// Multiples of `step` in `[from, to)`.
fn multiples(from: i64, to: i64, step: i64) -> impl Iterator<Item = i64> {
    let first = from.div_euclid(step) + i64::from(from.rem_euclid(step) > 0);
    (first..=i64::MAX)
        .map_while(move |k| k.checked_mul(step))
        .take_while(move |&t| t < to)
}

/// Times in `[start, end)` of the chart to label: at most `max_ticks` (at least one),
/// on multiples of a readable step that is itself a multiple of the bucket size.
pub fn ticks(start: EpochMillis, bucket_ms: i64, buckets: usize, max_ticks: usize) -> Vec<i64> {
    let size = bucket_ms.max(1);
    let max_ticks = max_ticks.max(1);
    let end = start.saturating_add(size.saturating_mul(buckets as i64));
    if buckets == 0 {
        return Vec::new();
    }
    let fits = |step: i64| multiples(start, end, step).nth(max_ticks).is_none();
    let step = STEPS
        .into_iter()
        .filter(|&s| s >= size && s % size == 0)
        .find(|&s| fits(s))
        .unwrap_or_else(|| {
            // Buckets of an unusual size: every k-th edge.
            let k = (buckets as i64 + max_ticks as i64 - 1) / max_ticks as i64;
            size.saturating_mul(k.max(1))
        });
    let found: Vec<i64> = multiples(start, end, step).take(max_ticks).collect();
    if found.is_empty() {
        vec![start]
    } else {
        found
    }
}

/// The bucket under `fraction` (0 = left edge, 1 = right edge) of a chart of `buckets`.
fn bucket_at(fraction: f64, buckets: usize) -> usize {
    let f = if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    };
    ((f * buckets as f64).floor() as usize).min(buckets.saturating_sub(1))
}

/// The range a brush from `a` to `b` (fractions of the chart's width, either order)
/// selects: every bucket it touches, as `[from, to)` on bucket edges. A click (`a == b`)
/// selects its one bucket. `None` without buckets.
pub fn snap(
    start: EpochMillis,
    bucket_ms: i64,
    buckets: usize,
    a: f64,
    b: f64,
) -> Option<(EpochMillis, EpochMillis)> {
    snap_buckets(buckets, a, b).map(|(lo, hi)| bucket_edges(start, bucket_ms, lo, hi))
}

/// `[from, to)` of buckets `lo..hi`.
pub fn bucket_edges(start: EpochMillis, bucket_ms: i64, lo: usize, hi: usize) -> (i64, i64) {
    let size = bucket_ms.max(1);
    let edge = |i: usize| start.saturating_add(size.saturating_mul(i as i64));
    (edge(lo), edge(hi))
}

/// The buckets a brush from `a` to `b` covers, as `lo..hi` (for drawing it).
pub fn snap_buckets(buckets: usize, a: f64, b: f64) -> Option<(usize, usize)> {
    if buckets == 0 {
        return None;
    }
    let (i, j) = (bucket_at(a, buckets), bucket_at(b, buckets));
    Some((i.min(j), i.max(j) + 1))
}

/// A keyboard brush: the bucket the cursor is on, and the bucket the selection was
/// started from (the same bucket when nothing is selected beyond the cursor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyBrush {
    pub anchor: usize,
    pub cursor: usize,
}

/// A key that moves the keyboard brush's cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrushKey {
    /// One bucket earlier.
    Left,
    /// One bucket later.
    Right,
    /// The first bucket.
    Home,
    /// The last bucket.
    End,
}

impl BrushKey {
    /// The brush key a `KeyboardEvent.key` names, if any.
    pub fn from_key(key: &str) -> Option<BrushKey> {
        match key {
            "ArrowLeft" => Some(BrushKey::Left),
            "ArrowRight" => Some(BrushKey::Right),
            "Home" => Some(BrushKey::Home),
            "End" => Some(BrushKey::End),
            _ => None,
        }
    }
}

impl KeyBrush {
    /// The buckets selected, as `lo..hi`, kept within a chart of `buckets` (a chart
    /// redrawn with fewer buckets clamps the brush rather than dropping it). `None`
    /// without buckets.
    pub fn buckets(self, buckets: usize) -> Option<(usize, usize)> {
        let last = buckets.checked_sub(1)?;
        let (a, c) = (self.anchor.min(last), self.cursor.min(last));
        Some((a.min(c), a.max(c) + 1))
    }

    /// The cursor's bucket, kept within a chart of `buckets`.
    pub fn cursor_in(self, buckets: usize) -> Option<usize> {
        buckets.checked_sub(1).map(|last| self.cursor.min(last))
    }
}

/// Where `key` leaves a keyboard brush on a chart of `buckets`. Without a brush the
/// cursor appears on the first bucket (`Right`, `Home`) or the last (`Left`, `End`).
/// With `extend` (Shift held) the anchor stays and the selection grows or shrinks to the
/// cursor; without it the selection collapses onto the cursor. `None` without buckets.
pub fn move_brush(
    brush: Option<KeyBrush>,
    buckets: usize,
    key: BrushKey,
    extend: bool,
) -> Option<KeyBrush> {
    let last = buckets.checked_sub(1)?;
    let Some(b) = brush else {
        let at = match key {
            BrushKey::Right | BrushKey::Home => 0,
            BrushKey::Left | BrushKey::End => last,
        };
        return Some(KeyBrush {
            anchor: at,
            cursor: at,
        });
    };
    let (anchor, cursor) = (b.anchor.min(last), b.cursor.min(last));
    let cursor = match key {
        BrushKey::Left => cursor.saturating_sub(1),
        BrushKey::Right => (cursor + 1).min(last),
        BrushKey::Home => 0,
        BrushKey::End => last,
    };
    Some(KeyBrush {
        anchor: if extend { anchor } else { cursor },
        cursor,
    })
}

/// What the keyboard brush says of buckets `lo..hi` of a chart, holding `events`: their
/// time span and count, with the number of bars when it is more than one:
/// `2020-09-16 21:00 – 22:00 UTC: 12 events`,
/// `2020-09-16 21:00 – 23:00 UTC (2 bars): 1,204 events`.
pub fn brush_text(
    start: EpochMillis,
    bucket_ms: i64,
    (lo, hi): (usize, usize),
    events: u64,
) -> String {
    let (from, to) = bucket_edges(start, bucket_ms, lo, hi);
    let bars = hi.saturating_sub(lo);
    let noun = if events == 1 { "event" } else { "events" };
    let span = range_label(from, to, bucket_ms);
    if bars > 1 {
        format!("{span} ({bars} bars): {} {noun}", display::count(events))
    } else {
        format!("{span}: {} {noun}", display::count(events))
    }
}

/// `[from, to)` twice as wide around the same centre.
pub fn zoom_out((from, to): (EpochMillis, EpochMillis)) -> (EpochMillis, EpochMillis) {
    let width = to.saturating_sub(from).max(1);
    let half = width / 2;
    (
        from.saturating_sub(half),
        to.max(from).saturating_add(width - half),
    )
}

/// Which events set aside beside the chart to take in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Left of the chart (earlier).
    Before,
    /// Right of the chart (later).
    After,
}

/// The range that takes in the events on `side` of the chart: all of `span` (first and
/// last event time, inclusive) when there is no range, else `range` stretched to the
/// span's start or end.
pub fn widen(
    range: Option<(EpochMillis, EpochMillis)>,
    span: (EpochMillis, EpochMillis),
    side: Side,
) -> (EpochMillis, EpochMillis) {
    let (first, last) = span;
    let end = last.saturating_add(1);
    match (range, side) {
        (None, _) => (first.min(last), end.max(first)),
        (Some((from, to)), Side::Before) => (from.min(first), to),
        (Some((from, to)), Side::After) => (from, to.max(end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEP16: EpochMillis = 1_600_290_000_000; // 2020-09-16T21:00:00Z

    #[test]
    fn labels_suit_the_bucket_size() {
        assert_eq!(tick_label(SEP16, HOUR), "09-16 21:00");
        assert_eq!(tick_label(SEP16 + 5 * MINUTE, 5 * MINUTE), "09-16 21:05");
        assert_eq!(tick_label(SEP16, DAY), "2020-09-16");
        assert_eq!(tick_label(SEP16, 7 * DAY), "2020-09-16");
        assert_eq!(tick_label(SEP16 + 50 * SECOND, 10 * SECOND), "21:00:50");
        assert_eq!(tick_label(SEP16 + 7, 1), "21:00:00.007");
        assert_eq!(tick_label(0, DAY), "1970-01-01");
        assert_eq!(tick_label(-1, 100), "23:59:59.999");
    }

    #[test]
    fn ranges_read_naturally() {
        assert_eq!(
            range_label(SEP16, SEP16 + HOUR, HOUR),
            "2020-09-16 21:00 – 22:00 UTC"
        );
        assert_eq!(
            range_label(SEP16, SEP16 + 3 * HOUR, HOUR),
            "2020-09-16 21:00 – 2020-09-17 00:00 UTC"
        );
        let day = 1_600_214_400_000; // 2020-09-16T00:00:00Z
        assert_eq!(range_label(day, day + DAY, DAY), "2020-09-16 UTC");
        assert_eq!(
            range_label(day, day + 7 * DAY, 7 * DAY),
            "2020-09-16 – 2020-09-22 UTC"
        );
        assert_eq!(
            range_label(SEP16, SEP16 + 10, 10),
            "2020-09-16 21:00:00.000 – 21:00:00.010 UTC"
        );
        assert_eq!(duration_label(HOUR), "1 hour");
        assert_eq!(duration_label(15 * MINUTE), "15 minutes");
        assert_eq!(duration_label(7 * DAY), "7 days");
        assert_eq!(duration_label(500), "500 ms");
        assert_eq!(duration_label(90 * SECOND), "90 seconds");
    }

    #[test]
    fn ticks_fall_on_readable_bucket_edges() {
        // 48 hourly buckets from 21:00: every 12 hours, at 00:00 and 12:00.
        let t = ticks(SEP16, HOUR, 48, 6);
        assert_eq!(t.len(), 4, "{t:?}");
        assert_eq!(tick_label(t[0], HOUR), "09-17 00:00");
        assert!(t
            .iter()
            .all(|x| (x - SEP16) % HOUR == 0 && x % (12 * HOUR) == 0));
        // Few buckets: every edge.
        assert_eq!(
            ticks(SEP16, HOUR, 3, 6),
            vec![SEP16, SEP16 + HOUR, SEP16 + 2 * HOUR]
        );
        // One bucket, or a size no step is a multiple of.
        assert_eq!(ticks(SEP16, HOUR, 1, 6), vec![SEP16]);
        let odd = 7 * HOUR + 1;
        let t = ticks(0, odd, 120, 6);
        assert!(!t.is_empty() && t.len() <= 6 && t.iter().all(|x| x % odd == 0));
        assert!(ticks(SEP16, HOUR, 0, 6).is_empty());
        assert_eq!(ticks(SEP16, 0, 5, 0).len(), 1);
    }

    #[test]
    fn ticks_never_overflow() {
        let size = i64::MAX / 50;
        let t = ticks(i64::MAX - 10 * size, size, 120, 6);
        assert!(t.len() <= 6);
        let t = ticks(i64::MIN, 365 * DAY, 120, 6);
        assert!(!t.is_empty());
    }

    #[test]
    fn a_brush_snaps_to_the_buckets_it_touches() {
        let s = |a, b| snap(SEP16, HOUR, 10, a, b);
        assert_eq!(s(0.15, 0.35), Some((SEP16 + HOUR, SEP16 + 4 * HOUR)));
        // Either direction.
        assert_eq!(s(0.35, 0.15), s(0.15, 0.35));
        // A click: its bucket.
        assert_eq!(s(0.55, 0.55), Some((SEP16 + 5 * HOUR, SEP16 + 6 * HOUR)));
        // Off the edges, and the very right edge, stay within the chart.
        assert_eq!(s(-3.0, 9.0), Some((SEP16, SEP16 + 10 * HOUR)));
        assert_eq!(s(1.0, 1.0), Some((SEP16 + 9 * HOUR, SEP16 + 10 * HOUR)));
        assert_eq!(s(f64::NAN, 0.0), Some((SEP16, SEP16 + HOUR)));
        assert_eq!(snap(SEP16, HOUR, 0, 0.1, 0.2), None);
        assert_eq!(snap(SEP16, HOUR, 1, 0.1, 0.9), Some((SEP16, SEP16 + HOUR)));
        assert_eq!(snap_buckets(10, 0.35, 0.15), Some((1, 4)));
        assert_eq!(snap_buckets(0, 0.35, 0.15), None);
    }

    #[test]
    fn the_keyboard_brush_moves_extends_and_stays_on_the_chart() {
        use BrushKey::{End, Home, Left, Right};
        let at = |anchor, cursor| Some(KeyBrush { anchor, cursor });
        // Appears at either end.
        assert_eq!(move_brush(None, 10, Right, false), at(0, 0));
        assert_eq!(move_brush(None, 10, Home, true), at(0, 0));
        assert_eq!(move_brush(None, 10, Left, false), at(9, 9));
        assert_eq!(move_brush(None, 10, End, false), at(9, 9));
        // Moves one bucket, and stops at the edges.
        assert_eq!(move_brush(at(3, 3), 10, Right, false), at(4, 4));
        assert_eq!(move_brush(at(0, 0), 10, Left, false), at(0, 0));
        assert_eq!(move_brush(at(9, 9), 10, Right, false), at(9, 9));
        // Shift keeps the anchor; a plain move collapses the selection onto the cursor.
        assert_eq!(move_brush(at(3, 3), 10, Right, true), at(3, 4));
        assert_eq!(move_brush(at(3, 4), 10, Right, true), at(3, 5));
        assert_eq!(move_brush(at(3, 5), 10, Left, false), at(4, 4));
        assert_eq!(move_brush(at(3, 3), 10, Left, true), at(3, 2));
        assert_eq!(move_brush(at(3, 3), 10, End, true), at(3, 9));
        assert_eq!(move_brush(at(3, 3), 10, Home, false), at(0, 0));
        // A chart redrawn with fewer buckets clamps the brush.
        assert_eq!(move_brush(at(8, 12), 5, Left, true), at(4, 3));
        assert_eq!(move_brush(at(0, 0), 0, Right, false), None);
        assert_eq!(move_brush(None, 0, End, false), None);
        assert_eq!(move_brush(None, 1, Right, true), at(0, 0));
        assert_eq!(move_brush(at(0, 0), 1, Right, true), at(0, 0));
        assert_eq!(BrushKey::from_key("ArrowLeft"), Some(Left));
        assert_eq!(BrushKey::from_key("ArrowUp"), None);
    }

    #[test]
    fn the_keyboard_brush_selects_whole_buckets_either_way() {
        let b = |anchor, cursor| KeyBrush { anchor, cursor };
        assert_eq!(b(3, 5).buckets(10), Some((3, 6)));
        assert_eq!(b(5, 3).buckets(10), Some((3, 6)));
        assert_eq!(b(4, 4).buckets(10), Some((4, 5)));
        assert_eq!(b(2, 30).buckets(10), Some((2, 10)));
        assert_eq!(b(2, 3).buckets(0), None);
        assert_eq!(b(7, 30).cursor_in(10), Some(9));
        assert_eq!(b(0, 0).cursor_in(0), None);
        // The same edges as a pointer brush over the same buckets.
        let (lo, hi) = b(6, 4).buckets(10).unwrap();
        assert_eq!(
            Some(bucket_edges(SEP16, HOUR, lo, hi)),
            snap(SEP16, HOUR, 10, 0.45, 0.65)
        );
        assert_eq!(
            bucket_edges(SEP16, HOUR, lo, hi),
            (SEP16 + 4 * HOUR, SEP16 + 7 * HOUR)
        );
    }

    #[test]
    fn the_keyboard_brush_says_its_span_and_count() {
        assert_eq!(
            brush_text(SEP16, HOUR, (0, 1), 12),
            "2020-09-16 21:00 – 22:00 UTC: 12 events"
        );
        assert_eq!(
            brush_text(SEP16, HOUR, (1, 3), 1204),
            "2020-09-16 22:00 – 2020-09-17 00:00 UTC (2 bars): 1,204 events"
        );
        assert_eq!(
            brush_text(SEP16, HOUR, (2, 3), 1),
            "2020-09-16 23:00 – 2020-09-17 00:00 UTC: 1 event"
        );
    }

    #[test]
    fn zooming_out_doubles_around_the_centre() {
        assert_eq!(zoom_out((100, 200)), (50, 250));
        assert_eq!(
            zoom_out((SEP16, SEP16 + HOUR)),
            (SEP16 - HOUR / 2, SEP16 + 3 * HOUR / 2)
        );
        // Odd and empty widths still grow.
        assert_eq!(zoom_out((0, 3)), (-1, 5));
        assert_eq!(zoom_out((7, 7)), (7, 8));
        assert_eq!(zoom_out((i64::MIN + 1, i64::MAX)), (i64::MIN, i64::MAX));
    }

    #[test]
    fn widening_takes_in_the_events_set_aside() {
        let span = (0, 5000);
        assert_eq!(widen(None, span, Side::Before), (0, 5001));
        assert_eq!(widen(None, span, Side::After), (0, 5001));
        assert_eq!(widen(Some((1000, 2000)), span, Side::Before), (0, 2000));
        assert_eq!(widen(Some((1000, 2000)), span, Side::After), (1000, 5001));
        // Never narrows.
        assert_eq!(widen(Some((-5, 9000)), span, Side::Before), (-5, 9000));
        assert_eq!(widen(Some((-5, 9000)), span, Side::After), (-5, 9000));
        assert_eq!(widen(None, (7, i64::MAX), Side::After), (7, i64::MAX));
    }
}
