//! Numbers the way event-ruler compares them.
//!
//! A number literal is *comparable* when its nearest binary64 value `d` is finite and the
//! shortest decimal that round-trips `d` (Java's `Double.toString`, Rust's `{:e}`) is the same
//! decimal number as the literal. Comparable numbers compare as `f64`; others only by their
//! literal text (`123456789012345678` does not equal `123456789012345679`).

/// Returns the binary64 value of a JSON number literal when it is comparable.
pub(crate) fn comparable(text: &str) -> Option<f64> {
    let d: f64 = text.parse().ok()?;
    if !d.is_finite() {
        return None;
    }
    let shortest = format!("{d:e}");
    match (Decimal::parse(text), Decimal::parse(&shortest)) {
        (Some(a), Some(b)) if a == b => Some(d),
        _ => None,
    }
}

/// Comparable value of an integer event value.
pub(crate) fn comparable_u64(n: u64) -> Option<f64> {
    // Every integer up to 2^53 is exact in binary64 and is its own shortest representation.
    if n <= 1 << 53 {
        #[allow(clippy::cast_precision_loss)] // exact below 2^53
        return Some(n as f64);
    }
    comparable(&n.to_string())
}

pub(crate) fn comparable_i64(n: i64) -> Option<f64> {
    if n.unsigned_abs() <= 1 << 53 {
        #[allow(clippy::cast_precision_loss)] // exact below 2^53
        return Some(n as f64);
    }
    comparable(&n.to_string())
}

/// A decimal number in normal form: `digits × 10^exponent`, `digits` without leading or
/// trailing zeros; zero has no digits and no sign (`-0` equals `0`).
#[derive(Debug, PartialEq, Eq)]
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    /// Parses JSON-number syntax (also what Rust's `{:e}` prints).
    fn parse(text: &str) -> Option<Decimal> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let negative = bytes.first() == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut digits = Vec::new();
        let mut exponent: i64 = 0;
        let int_start = i;
        while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
            digits.push(b - b'0');
            i += 1;
        }
        if i == int_start {
            return None;
        }
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
                digits.push(b - b'0');
                exponent -= 1;
                i += 1;
            }
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            i += 1;
            let exp_negative = bytes.get(i) == Some(&b'-');
            if matches!(bytes.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let mut e: i64 = 0;
            let exp_start = i;
            while let Some(&b) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
                // Saturate: such exponents make the value overflow or underflow anyway.
                e = e
                    .saturating_mul(10)
                    .saturating_add(i64::from(b - b'0'))
                    .min(1 << 40);
                i += 1;
            }
            if i == exp_start {
                return None;
            }
            exponent += if exp_negative { -e } else { e };
        }
        if i != bytes.len() {
            return None;
        }
        let first = digits.iter().position(|&d| d != 0);
        let Some(first) = first else {
            return Some(Decimal {
                negative: false,
                digits: Vec::new(),
                exponent: 0,
            });
        };
        digits.drain(..first);
        while digits.last() == Some(&0) {
            digits.pop();
            exponent += 1;
        }
        Some(Decimal {
            negative,
            digits,
            exponent,
        })
    }
}
