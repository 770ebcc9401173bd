//! Timestamps: every dialect CloudTrail and AWS Organizations write, to and from
//! milliseconds since the Unix epoch (UTC).
//!
//! Entry points: [`parse_timestamp`], [`parse_json_timestamp`], [`format_iso`].
//!
//! Dialects accepted (all seen in real logs):
//! - ISO-8601 / RFC 3339: `2020-09-16T21:20:50Z`, fractional seconds, `+11:00` / `+1100`
//!   offsets, a space instead of `T` (`2022-02-08 09:23:37+11:00`, lookup-events), and a
//!   bare date `2020-09-16`; a missing zone means UTC.
//! - Organizations' embedded times: `Sep 16, 2020 9:20:50 PM`, `Jul 17, 2025, 2:53:40 PM`,
//!   with a plain, no-break or narrow no-break space (U+202F) before `AM`/`PM`; UTC.
//! - Epoch numbers: seconds (possibly fractional), or milliseconds when the value is too
//!   large to be seconds (beyond year 5000).

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type EpochMillis = i64;

/// Durations in milliseconds.
pub const SECOND: i64 = 1000;
pub const MINUTE: i64 = 60 * SECOND;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;

/// Epoch values above this are read as milliseconds (1e11 s is the year 5138).
const SECONDS_CEILING: f64 = 1e11;

/// Parses any supported dialect; `None` when the text is not a timestamp.
pub fn parse_timestamp(text: &str) -> Option<EpochMillis> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(ms) = parse_iso(text) {
        return Some(ms);
    }
    if let Some(ms) = parse_month_name(text) {
        return Some(ms);
    }
    text.parse::<f64>().ok().and_then(epoch_number)
}

/// Parses a JSON value holding a timestamp: a string in any dialect, or an epoch number.
pub fn parse_json_timestamp(value: &serde_json::Value) -> Option<EpochMillis> {
    match value {
        serde_json::Value::String(s) => parse_timestamp(s),
        serde_json::Value::Number(n) => n.as_f64().and_then(epoch_number),
        _ => None,
    }
}

fn epoch_number(n: f64) -> Option<EpochMillis> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let ms = if n >= SECONDS_CEILING { n } else { n * 1000.0 };
    // Guard the cast: anything past year ~292 million is not a timestamp.
    (ms < 9.0e15).then_some(ms.round() as i64)
}

/// Formats as `2020-09-16T21:20:50Z`, adding `.123` only when there are milliseconds.
pub fn format_iso(ms: EpochMillis) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
    }
}

// --- ISO-8601

fn parse_iso(text: &str) -> Option<EpochMillis> {
    let b = text.as_bytes();
    let mut p = Cursor { b, i: 0 };
    let year = p.digits(4)?;
    p.expect(b'-')?;
    let month = p.digits(2)?;
    p.expect(b'-')?;
    let day = p.digits(2)?;
    let date_ms = days_from_civil(year, month, day)? * 86_400_000;
    if p.done() {
        return Some(date_ms);
    }
    match p.next()? {
        b'T' | b't' | b' ' => {}
        _ => return None,
    }
    let hour = p.digits(2)?;
    p.expect(b':')?;
    let minute = p.digits(2)?;
    let second = if p.peek() == Some(b':') {
        p.i += 1;
        p.digits(2)?
    } else {
        0
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut millis = 0;
    if matches!(p.peek(), Some(b'.' | b',')) {
        p.i += 1;
        let start = p.i;
        let mut scale = 100;
        while let Some(c @ b'0'..=b'9') = p.peek() {
            millis += i64::from(c - b'0') * scale;
            scale /= 10;
            p.i += 1;
        }
        if p.i == start {
            return None;
        }
    }
    let offset_min = match p.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            p.i += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            p.i += 1;
            let oh = p.digits(2)?;
            if p.peek() == Some(b':') {
                p.i += 1;
            }
            let om = if p.done() { 0 } else { p.digits(2)? };
            let total = oh * 60 + om;
            if sign == b'-' {
                -total
            } else {
                total
            }
        }
        Some(_) => return None,
    };
    if !p.done() {
        return None;
    }
    Some(date_ms + (hour * 3600 + minute * 60 + second - offset_min * 60) * 1000 + millis)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0;
        for _ in 0..n {
            let c = self.next()?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
        }
        Some(v)
    }
}

// --- `Sep 16, 2020 9:20:50 PM`

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn parse_month_name(text: &str) -> Option<EpochMillis> {
    // Normalise the separators: commas and every kind of space become one space.
    let normal: String = text
        .chars()
        .map(|c| match c {
            ',' | '\u{00A0}' | '\u{202F}' | '\u{2009}' => ' ',
            c => c,
        })
        .collect();
    let mut parts = normal.split_whitespace();
    let month_word = parts.next()?.to_ascii_lowercase();
    let month = MONTHS
        .iter()
        .position(|m| month_word.starts_with(m))
        .map(|i| i as i64 + 1)?;
    let day: i64 = parts.next()?.parse().ok()?;
    let year: i64 = parts.next()?.parse().ok()?;
    // Four-digit years only: keeps the arithmetic below far from overflow on hostile input.
    if !(1..=9999).contains(&year) {
        return None;
    }
    let clock = parts.next()?;
    let meridiem = parts.next().map(str::to_ascii_uppercase);
    if parts.next().is_some() {
        return None;
    }
    let mut hms = clock.split(':');
    let mut hour: i64 = hms.next()?.parse().ok()?;
    let minute: i64 = hms.next()?.parse().ok()?;
    let second: i64 = hms.next().map_or(Some(0), |s| s.parse().ok())?;
    match meridiem.as_deref() {
        Some("AM") if hour == 12 => hour = 0,
        Some("PM") if hour < 12 => hour += 12,
        Some("AM" | "PM") | None => {}
        Some(_) => return None,
    }
    if !(0..=23).contains(&hour) || !(0..=59).contains(&minute) || !(0..=60).contains(&second) {
        return None;
    }
    Some(
        days_from_civil(year, month, day)? * 86_400_000
            + (hour * 3600 + minute * 60 + second) * 1000,
    )
}

// --- calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days)

fn days_from_civil(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEP16: EpochMillis = 1_600_291_250_000; // 2020-09-16T21:20:50Z

    #[test]
    fn every_dialect_agrees() {
        for text in [
            "2020-09-16T21:20:50Z",
            "2020-09-16T21:20:50.000Z",
            "2020-09-16t21:20:50z",
            "2020-09-17T08:20:50+11:00",
            "2020-09-17T08:20:50+1100",
            "2020-09-17 08:20:50+11:00",
            "2020-09-16T16:20:50-05:00",
            "Sep 16, 2020 9:20:50 PM",
            "Sep 16, 2020, 9:20:50 PM",
            "Sep 16, 2020, 9:20:50\u{202F}PM",
            "Sep 16, 2020 9:20:50\u{00A0}PM",
            "September 16, 2020 9:20:50 PM",
            "1600291250",
            "1600291250.0",
            "1600291250000",
        ] {
            assert_eq!(parse_timestamp(text), Some(SEP16), "{text}");
        }
    }

    #[test]
    fn organizations_2025_form() {
        assert_eq!(
            parse_timestamp("Jul 17, 2025, 2:53:40 PM")
                .map(format_iso)
                .as_deref(),
            Some("2025-07-17T14:53:40Z")
        );
        assert_eq!(
            parse_timestamp("Jan 1, 2021 12:05:00 AM")
                .map(format_iso)
                .as_deref(),
            Some("2021-01-01T00:05:00Z")
        );
    }

    #[test]
    fn fractions_and_dates() {
        assert_eq!(parse_timestamp("2020-09-16T21:20:50.5Z"), Some(SEP16 + 500));
        assert_eq!(parse_timestamp("2020-09-16"), Some(1_600_214_400_000));
        assert_eq!(format_iso(SEP16 + 7), "2020-09-16T21:20:50.007Z");
        assert_eq!(format_iso(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn json_numbers() {
        assert_eq!(
            parse_json_timestamp(&serde_json::json!(1_600_291_250)),
            Some(SEP16)
        );
        assert_eq!(
            parse_json_timestamp(&serde_json::json!(1_600_291_250.0)),
            Some(SEP16)
        );
        assert_eq!(parse_json_timestamp(&serde_json::json!(null)), None);
    }

    #[test]
    fn rejects_non_timestamps() {
        for text in [
            "",
            "hello",
            "2020-13-01",
            "2020-09-16T25:00:00Z",
            "Sep 16",
            "-5",
            "2020-09-16Tx",
            "Sep 16, 99999999999 9:20:50 PM",
            "Sep 16, -9223372036854775808 9:20:50 PM",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn round_trip_over_centuries() {
        for ms in [-86_400_000_i64 * 400, 0, 951_782_400_000, 4_102_444_800_123] {
            assert_eq!(parse_timestamp(&format_iso(ms)), Some(ms));
        }
    }
}
