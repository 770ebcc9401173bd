//! What a field name means (an alias for a store column, the time column, or a path into
//! the record's JSON) and how range bounds read (timestamps as spans, numbers).
//!
//! Entry points: [`resolve`], [`time_span`], [`parse_number`], [`range_kind`].

use crate::store::Column;
use crate::time::{parse_timestamp, EpochMillis, DAY, HOUR};

use super::ast::{Bound, Field};
use super::error::QueryErrorKind;

/// Where a field's values come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The parsed eventTime column.
    Time,
    /// A store column of interned strings.
    Column(Column),
    /// Any other name or dotted path: read from the record's JSON.
    Path,
}

/// Aliases, matched ignoring ASCII case. One-segment names unless written with a dot.
const ALIASES: &[(&str, Target)] = &[
    ("eventTime", Target::Time),
    ("time", Target::Time),
    ("eventName", Target::Column(Column::EventName)),
    ("eventSource", Target::Column(Column::EventSource)),
    ("source", Target::Column(Column::EventSource)),
    ("awsRegion", Target::Column(Column::Region)),
    ("region", Target::Column(Column::Region)),
    ("errorCode", Target::Column(Column::ErrorCode)),
    ("principal", Target::Column(Column::Principal)),
    ("account", Target::Column(Column::Account)),
    ("identityType", Target::Column(Column::IdentityType)),
    ("userIdentity.type", Target::Column(Column::IdentityType)),
    ("sourceIPAddress", Target::Column(Column::SourceIp)),
    ("ip", Target::Column(Column::SourceIp)),
    ("userAgent", Target::Column(Column::UserAgent)),
    ("userAgentFamily", Target::Column(Column::AgentFamily)),
    ("agent", Target::Column(Column::AgentFamily)),
    ("readOnly", Target::Column(Column::ReadOnly)),
    ("eventType", Target::Column(Column::EventType)),
    // vouched | not-vouched | altered (crate::integrity::Vouch), once digests are loaded.
    ("integrity", Target::Column(Column::Integrity)),
    ("eventID", Target::Column(Column::EventId)),
];

/// The alias names, for documentation and autocomplete.
pub fn aliases() -> impl Iterator<Item = &'static str> {
    ALIASES.iter().map(|(name, _)| *name)
}

pub(crate) fn resolve(field: &Field) -> Target {
    let segments = field.segments();
    for (alias, target) in ALIASES {
        let mut parts = alias.split('.');
        let same = segments.len() == alias.split('.').count()
            && segments
                .iter()
                .all(|s| parts.next().is_some_and(|p| p.eq_ignore_ascii_case(s)));
        if same {
            return *target;
        }
    }
    Target::Path
}

pub(crate) fn is_time(field: &Field) -> bool {
    resolve(field) == Target::Time
}

// --- bounds

/// The span of time a timestamp names, as `[start, end)` in epoch milliseconds.
///
/// ISO forms name a span as long as their precision: `2020` a year, `2020-09` a month,
/// `2020-09-16` a day, `2020-09-16T21` an hour, `2020-09-16T21:20` a minute,
/// `2020-09-16T21:20:50Z` a second, `…50.5Z` a tenth of one (zone offsets allowed from
/// minutes on; none means UTC). Every other dialect [`parse_timestamp`] reads (month
/// names, epoch numbers) names a single millisecond. `None` when `text` is no timestamp.
pub fn time_span(text: &str) -> Option<(EpochMillis, EpochMillis)> {
    let text = text.trim();
    let b = text.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let number = |r: std::ops::Range<usize>| -> Option<i64> { text.get(r)?.parse().ok() };
    if b.len() == 4 && digits(0..4) {
        let y = number(0..4)?;
        let start = parse_timestamp(&format!("{y:04}-01-01"))?;
        let end = parse_timestamp(&format!("{:04}-01-01", y + 1)).unwrap_or(start + 366 * DAY);
        return Some((start, end));
    }
    if b.len() == 7 && digits(0..4) && b[4] == b'-' && digits(5..7) {
        let (y, m) = (number(0..4)?, number(5..7)?);
        let start = parse_timestamp(&format!("{y:04}-{m:02}-01"))?;
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let end = parse_timestamp(&format!("{ny:04}-{nm:02}-01")).unwrap_or(start + 31 * DAY);
        return Some((start, end));
    }
    let iso_date = b.len() >= 10 && digits(0..4) && b[4] == b'-' && b[7] == b'-';
    if iso_date && b.len() == 10 {
        let start = parse_timestamp(text)?;
        return Some((start, start + DAY));
    }
    let clock = iso_date && matches!(b.get(10), Some(b'T' | b't' | b' '));
    if clock && b.len() == 13 {
        let start = parse_timestamp(&format!("{text}:00"))?;
        return Some((start, start + HOUR));
    }
    let start = parse_timestamp(text)?;
    if !(clock && b.get(13) == Some(&b':')) {
        return Some((start, start + 1));
    }
    let mut width = 60_000;
    if b.get(16) == Some(&b':') {
        width = 1000;
        if matches!(b.get(19), Some(b'.' | b',')) {
            let places = b
                .get(20..)
                .unwrap_or_default()
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            width = match places {
                0 | 1 => 100,
                2 => 10,
                _ => 1,
            };
        }
    }
    Some((start, start.saturating_add(width)))
}

/// A number as JSON writes one (`-12`, `3.5`, `1e3`); `None` for anything else, including
/// `inf` and `NaN` that Rust's float parser would take.
pub fn parse_number(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let run = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !run(&mut i) {
        return None;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !run(&mut i) {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !run(&mut i) {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    text.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// How a range compares values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeKind {
    Time,
    Number,
    /// `[* TO *]`: any value at all, i.e. the field exists.
    Any,
}

/// Decides how a range on `field` compares: a time field's bounds must be timestamps;
/// elsewhere both bounds must be numbers, or both timestamps. On error: which bound
/// (0 lower, 1 upper) and why.
pub(crate) fn range_kind(
    field: &Field,
    lower: &Bound,
    upper: &Bound,
) -> Result<RangeKind, (usize, QueryErrorKind)> {
    let texts = [lower.text(), upper.text()];
    if texts.iter().all(Option::is_none) {
        return Ok(RangeKind::Any);
    }
    let given = || {
        texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, (*t)?)))
    };
    if is_time(field) {
        return match given().find(|(_, t)| time_span(t).is_none()) {
            Some((i, _)) => Err((i, QueryErrorKind::BadTimestamp)),
            None => Ok(RangeKind::Time),
        };
    }
    if given().all(|(_, t)| parse_number(t).is_some()) {
        return Ok(RangeKind::Number);
    }
    if given().all(|(_, t)| time_span(t).is_some()) {
        return Ok(RangeKind::Time);
    }
    let bad = given()
        .find(|(_, t)| parse_number(t).is_none())
        .map_or(0, |(i, _)| i);
    Err((bad, QueryErrorKind::BadBound))
}

/// A time range's `[lo, hi)` in epoch milliseconds (bounds already validated).
pub(crate) fn time_range(lower: &Bound, upper: &Bound) -> (EpochMillis, EpochMillis) {
    let lo = match lower {
        Bound::Unbounded => i64::MIN,
        Bound::Included(t) => time_span(t).map_or(i64::MAX, |s| s.0),
        Bound::Excluded(t) => time_span(t).map_or(i64::MAX, |s| s.1),
    };
    let hi = match upper {
        Bound::Unbounded => i64::MAX,
        Bound::Included(t) => time_span(t).map_or(i64::MIN, |s| s.1),
        Bound::Excluded(t) => time_span(t).map_or(i64::MIN, |s| s.0),
    };
    (lo, hi)
}
