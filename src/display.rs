//! Display helpers for the UI: numbers, sizes and times as people read them. Pure, so
//! they are tested natively.

use crate::time::{format_iso, EpochMillis};

/// `1,234,567`.
pub fn count(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `12.3 MB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `2020-09-16 21:20:50` (UTC), or an em dash for no time.
pub fn time(t: Option<EpochMillis>) -> String {
    t.map_or_else(
        || "—".to_owned(),
        |t| {
            format_iso(t)
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_owned()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_numbers() {
        assert_eq!(count(0u32), "0");
        assert_eq!(count(999u32), "999");
        assert_eq!(count(1_234_567u32), "1,234,567");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1_500_000), "1.5 MB");
        assert_eq!(time(Some(1_600_291_250_000)), "2020-09-16 21:20:50");
        assert_eq!(time(None), "—");
    }
}
