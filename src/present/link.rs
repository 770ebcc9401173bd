//! The Events tab's state in the page address, so a link (with the same files loaded)
//! restores the view: `#q=…&from=…&to=…&sel=…&by=account&sort=desc&cols=…&tz=local`.
//!
//! The hash is `&`-separated items; other items (`sample`, `rules=…`) belong to others
//! and are kept as they are. Values are percent-encoded UTF-8.
//!
//! Entry points: [`ViewState::read`], [`ViewState::write`].

use crate::time::{format_iso, parse_timestamp, EpochMillis};

/// What a link restores.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewState {
    pub query: String,
    /// The histogram's brush, `[from, to)`.
    pub time: Option<(EpochMillis, EpochMillis)>,
    /// The selected event, by eventID.
    pub selected: Option<String>,
    pub descending: bool,
    /// The column the table is sorted by (its key); `None`: time.
    pub sort: Option<String>,
    /// The table's columns by key, in order; empty means the default set.
    pub columns: Vec<String>,
    /// Times in the browser's time zone instead of UTC.
    pub local_time: bool,
}

const KEYS: [&str; 8] = ["q", "from", "to", "sel", "sort", "cols", "by", "tz"];

impl ViewState {
    /// Reads the state from the hash's items (without the `#`); anything unreadable is
    /// left at its default rather than refused: a damaged link still opens.
    pub fn read(items: &[String]) -> ViewState {
        let get = |key: &str| {
            items
                .iter()
                .find_map(|i| i.strip_prefix(key)?.strip_prefix('='))
                .map(decode)
        };
        let time = match (get("from"), get("to")) {
            (Some(from), Some(to)) => parse_timestamp(&from)
                .zip(parse_timestamp(&to))
                .filter(|(a, b)| a < b),
            _ => None,
        };
        ViewState {
            query: get("q").unwrap_or_default(),
            time,
            selected: get("sel").filter(|s| !s.is_empty()),
            descending: get("sort").as_deref() == Some("desc"),
            sort: get("by").filter(|s| !s.is_empty() && s != "time"),
            local_time: get("tz").as_deref() == Some("local"),
            columns: get("cols")
                .map(|c| {
                    c.split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Writes the state into the hash's items, replacing its own and keeping the others
    /// in place; defaults are left out so a plain view has a plain address.
    pub fn write(&self, items: &mut Vec<String>) {
        items.retain(|i| {
            let key = i.split('=').next().unwrap_or_default();
            !KEYS.contains(&key)
        });
        let mut put = |key: &str, value: &str| items.push(format!("{key}={}", encode(value)));
        if !self.query.is_empty() {
            put("q", &self.query);
        }
        if let Some((from, to)) = self.time {
            put("from", &format_iso(from));
            put("to", &format_iso(to));
        }
        if let Some(sel) = &self.selected {
            put("sel", sel);
        }
        if let Some(by) = &self.sort {
            put("by", by);
        }
        if self.descending {
            put("sort", "desc");
        }
        if !self.columns.is_empty() {
            put("cols", &self.columns.join(","));
        }
        if self.local_time {
            put("tz", "local");
        }
    }
}

/// Percent-encodes all but RFC 3986's unreserved characters (and `:` for readable times).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` (and `+` as a space, as forms write it); malformed escapes stay as
/// written and invalid UTF-8 becomes U+FFFD.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(hash: &str) -> Vec<String> {
        hash.split('&').map(str::to_owned).collect()
    }

    #[test]
    fn state_round_trips_through_the_hash_and_keeps_other_items() {
        let state = ViewState {
            query: "eventName:(\"A b\" OR c) & -x=1 é#%".into(),
            time: Some((1_600_000_000_000, 1_600_000_360_000)),
            selected: Some("0b6e-…".into()),
            descending: true,
            sort: Some("account".into()),
            columns: vec!["time".into(), "name".into()],
            local_time: true,
        };
        let mut hash = items("sample&rules=%5B%5D&q=old");
        state.write(&mut hash);
        assert_eq!(&hash[..2], ["sample", "rules=%5B%5D"]);
        assert!(hash
            .iter()
            .all(|i| !i.contains('#') && i.matches('&').count() == 0));
        assert!(hash.contains(&"from=2020-09-13T12:26:40Z".to_owned()));
        assert_eq!(ViewState::read(&hash), state);
        // Defaults write nothing of their own.
        let mut plain = items("sample");
        ViewState::default().write(&mut plain);
        assert_eq!(plain, ["sample"]);
    }

    #[test]
    fn damaged_links_still_open() {
        let s = ViewState::read(&items("q=%ZZ%4&from=yesterday&to=2020&sort=up&cols=,,a"));
        assert_eq!(s.query, "%ZZ%4");
        assert_eq!(s.time, None);
        assert!(!s.descending);
        assert_eq!(s.columns, ["a"]);
        assert_eq!(decode("%E2%82"), "\u{FFFD}");
        assert_eq!(decode("a+b%20c%"), "a b c%");
    }
}
