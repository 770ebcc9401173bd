//! Reading a record's JSON text for the two conditions columns cannot answer: free text
//! (every string value) and dotted paths (the values at a path).
//!
//! Entry points: [`any_string_value`], [`any_path_value`], [`may_contain`].
//!
//! Implementation note: neither builds a `serde_json::Value` or runs serde over the whole
//! record. Both walk the bytes (the store only holds text that parsed, so quotes delimit
//! strings and brackets nest), jump over strings with a two-byte scan, decode only the
//! strings they test, and stop at the first hit.

use serde_json::Number;

use super::matcher::{find_either, Finder, Scan};

/// Whether `f` holds for some string value of the record (keys are not values). Strings
/// with escapes are decoded first.
pub(crate) fn any_string_value(raw: &str, f: &mut dyn FnMut(&[u8]) -> bool) -> bool {
    let b = raw.as_bytes();
    Strings { b, at: 0 }.filter(|t| !t.key).any(|t| {
        if t.escaped {
            raw.get(t.start..=t.end)
                .and_then(|quoted| serde_json::from_str::<String>(quoted).ok())
                .is_some_and(|s| f(s.as_bytes()))
        } else {
            b.get(t.start + 1..t.end).is_some_and(&mut *f)
        }
    })
}

/// Whether the text may hold all of `anchors` once JSON escapes are decoded: false only
/// when it certainly does not. Anchors must be [`anchor_safe`]: free of the characters
/// short escapes (`\"`, `\n`, `\/`…) produce, so only a `\u` escape could hide one, and
/// a `\u` makes the answer "maybe".
pub(crate) fn may_contain(raw: &str, anchors: &[Finder]) -> bool {
    anchors
        .iter()
        .all(|a| a.find_or_escape(raw.as_bytes(), 0) != Scan::Missing)
}

/// Free text for a literal, [`anchor_safe`] needle: the same answer as
/// `any_string_value(raw, |s| needle.is_in(s))`, driven by the needle's occurrences in
/// the raw text instead of by every string: most records are rejected by one fast scan,
/// and a hit is confirmed by finding the string around it.
pub(crate) fn needle_in_values(raw: &str, needle: &Finder) -> bool {
    let b = raw.as_bytes();
    let mut strings = Strings { b, at: 0 };
    let mut current: Option<StrToken> = None;
    let mut from = 0;
    loop {
        let p = match needle.find_or_escape(b, from) {
            Scan::Missing => return false,
            // A `\u` escape may hide the needle: read every string properly.
            Scan::Escape => return any_string_value(raw, &mut |s| needle.is_in(s)),
            Scan::At(p) => p,
        };
        // The string token around `p`, if any: tokens come in order and `p` only grows.
        while current.as_ref().is_none_or(|t| t.end < p) {
            match strings.next() {
                Some(t) => current = Some(t),
                None => return false,
            }
        }
        let Some(t) = current.as_ref() else {
            return false;
        };
        if t.start >= p {
            // Outside any string (a number, a literal): look further.
            from = p + 1;
            continue;
        }
        // Inside string `t`; the needle has no quote, so it ends inside too.
        if !t.key {
            if !t.escaped {
                return true;
            }
            let decoded = raw
                .get(t.start..=t.end)
                .and_then(|quoted| serde_json::from_str::<String>(quoted).ok());
            if decoded.is_some_and(|s| needle.is_in(s.as_bytes())) {
                return true;
            }
        }
        from = t.end + 1;
    }
}

/// One string in the JSON text: `start` and `end` are the positions of its quotes.
struct StrToken {
    start: usize,
    end: usize,
    escaped: bool,
    /// Followed by `:`.
    key: bool,
}

/// The string tokens of a JSON text, in order.
struct Strings<'a> {
    b: &'a [u8],
    at: usize,
}

impl Iterator for Strings<'_> {
    type Item = StrToken;
    fn next(&mut self) -> Option<StrToken> {
        let b = self.b;
        let start = self.at + find_either(b.get(self.at..)?, b'"', b'"')?;
        let mut j = start + 1;
        let mut escaped = false;
        let end = loop {
            let k = j + find_either(b.get(j..)?, b'"', b'\\')?;
            if b.get(k) == Some(&b'\\') {
                escaped = true;
                j = k + 2;
            } else {
                break k;
            }
        };
        self.at = end + 1;
        let key = b
            .get(end + 1..)
            .and_then(|rest| rest.iter().find(|c| !c.is_ascii_whitespace()))
            == Some(&b':');
        Some(StrToken {
            start,
            end,
            escaped,
            key,
        })
    }
}

/// Whether an anchor built from `bytes` is safe for [`may_contain`].
pub(crate) fn anchor_safe(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&c| !matches!(c, b'"' | b'\\' | b'/') && !c.is_ascii_control())
}

/// One value reached by a path.
#[derive(Debug)]
pub(crate) enum Reached<'a> {
    Str(&'a str),
    Number(Number),
    Bool(bool),
    Null,
    /// An object (arrays are walked through, never reached).
    Object,
}

/// Whether `f` holds for some value at `path` in the record. At each step every key equal
/// to the segment ignoring ASCII case is followed, and arrays are walked through (a step
/// applies to each element; an array at the end yields its elements).
pub(crate) fn any_path_value(
    raw: &str,
    path: &[String],
    f: &mut dyn FnMut(Reached) -> bool,
) -> bool {
    let mut w = PathWalk {
        raw,
        b: raw.as_bytes(),
        f,
    };
    matches!(w.value(0, path, 0), Err(Stop::Found))
}

/// Nesting beyond this is not followed (serde_json refuses it too, so no stored record
/// has it).
const MAX_NESTING: usize = 128;

enum Stop {
    Found,
    /// Text that is not JSON (never stored, but never trusted either).
    Malformed,
}

/// A walk over JSON bytes that follows one path and skips everything else without
/// decoding it: strings are jumped over with a two-byte scan, containers by counting
/// brackets.
struct PathWalk<'a, 'f> {
    raw: &'a str,
    b: &'a [u8],
    f: &'f mut dyn FnMut(Reached) -> bool,
}

impl PathWalk<'_, '_> {
    fn ws(&self, mut i: usize) -> usize {
        while self.b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    }

    /// The string starting at quote `i`: (index past its closing quote, had escapes).
    fn string(&self, i: usize) -> Result<(usize, bool), Stop> {
        let mut j = i + 1;
        let mut escaped = false;
        loop {
            let rest = self.b.get(j..).ok_or(Stop::Malformed)?;
            let k = j + find_either(rest, b'"', b'\\').ok_or(Stop::Malformed)?;
            if self.b.get(k) == Some(&b'\\') {
                escaped = true;
                j = k + 2;
            } else {
                return Ok((k + 1, escaped));
            }
        }
    }

    fn report(&mut self, r: Reached) -> Result<(), Stop> {
        if (self.f)(r) {
            return Err(Stop::Found);
        }
        Ok(())
    }

    /// Walks the value at `i` with `rest` of the path still to follow; returns the index
    /// past the value.
    fn value(&mut self, i: usize, rest: &[String], depth: usize) -> Result<usize, Stop> {
        if depth > MAX_NESTING {
            return Err(Stop::Malformed);
        }
        let i = self.ws(i);
        match self.b.get(i) {
            Some(b'{') if !rest.is_empty() => self.object(i, rest, depth),
            Some(b'{') => {
                self.report(Reached::Object)?;
                self.skip(i)
            }
            Some(b'[') => {
                let mut j = self.ws(i + 1);
                if self.b.get(j) == Some(&b']') {
                    return Ok(j + 1);
                }
                loop {
                    let end = self.value(j, rest, depth + 1)?;
                    j = self.ws(end);
                    match self.b.get(j) {
                        Some(b',') => j += 1,
                        Some(b']') => return Ok(j + 1),
                        _ => return Err(Stop::Malformed),
                    }
                }
            }
            Some(b'"') => {
                let (end, escaped) = self.string(i)?;
                if rest.is_empty() {
                    if escaped {
                        let text = self.raw.get(i..end).ok_or(Stop::Malformed)?;
                        let s: String = serde_json::from_str(text).map_err(|_| Stop::Malformed)?;
                        self.report(Reached::Str(&s))?;
                    } else {
                        let s = self.raw.get(i + 1..end - 1).ok_or(Stop::Malformed)?;
                        self.report(Reached::Str(s))?;
                    }
                }
                Ok(end)
            }
            Some(_) => {
                let end = self.scalar_end(i);
                if rest.is_empty() {
                    let token = self.raw.get(i..end).ok_or(Stop::Malformed)?;
                    let r = match token {
                        "true" => Reached::Bool(true),
                        "false" => Reached::Bool(false),
                        "null" => Reached::Null,
                        _ => Reached::Number(
                            serde_json::from_str(token).map_err(|_| Stop::Malformed)?,
                        ),
                    };
                    self.report(r)?;
                }
                Ok(end)
            }
            None => Err(Stop::Malformed),
        }
    }

    fn object(&mut self, i: usize, rest: &[String], depth: usize) -> Result<usize, Stop> {
        let (head, tail) = rest.split_first().ok_or(Stop::Malformed)?;
        let mut j = self.ws(i + 1);
        if self.b.get(j) == Some(&b'}') {
            return Ok(j + 1);
        }
        loop {
            if self.b.get(j) != Some(&b'"') {
                return Err(Stop::Malformed);
            }
            let (key_end, escaped) = self.string(j)?;
            let same = if escaped {
                let text = self.raw.get(j..key_end).ok_or(Stop::Malformed)?;
                serde_json::from_str::<String>(text).is_ok_and(|k| k.eq_ignore_ascii_case(head))
            } else {
                self.raw
                    .get(j + 1..key_end - 1)
                    .is_some_and(|k| k.eq_ignore_ascii_case(head))
            };
            j = self.ws(key_end);
            if self.b.get(j) != Some(&b':') {
                return Err(Stop::Malformed);
            }
            j = if same {
                self.value(j + 1, tail, depth + 1)?
            } else {
                let start = self.ws(j + 1);
                self.skip(start)?
            };
            j = self.ws(j);
            match self.b.get(j) {
                Some(b',') => j = self.ws(j + 1),
                Some(b'}') => return Ok(j + 1),
                _ => return Err(Stop::Malformed),
            }
        }
    }

    /// Where a number or literal starting at `i` ends.
    fn scalar_end(&self, i: usize) -> usize {
        let mut j = i;
        while self
            .b
            .get(j)
            .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
        {
            j += 1;
        }
        j
    }

    /// Skips the value at `i` (no leading whitespace); returns the index past it.
    fn skip(&self, i: usize) -> Result<usize, Stop> {
        match self.b.get(i) {
            Some(b'"') => Ok(self.string(i)?.0),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                let mut j = i;
                loop {
                    match self.b.get(j) {
                        Some(b'"') => j = self.string(j)?.0,
                        Some(b'{' | b'[') => {
                            depth += 1;
                            j += 1;
                        }
                        Some(b'}' | b']') => {
                            depth -= 1;
                            j += 1;
                            if depth == 0 {
                                return Ok(j);
                            }
                        }
                        Some(_) => j += 1,
                        None => return Err(Stop::Malformed),
                    }
                }
            }
            Some(_) => Ok(self.scalar_end(i)),
            None => Err(Stop::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(raw: &str) -> Vec<String> {
        let mut out = Vec::new();
        any_string_value(raw, &mut |s| {
            out.push(String::from_utf8_lossy(s).into_owned());
            false
        });
        out
    }

    #[test]
    fn string_values_skip_keys_and_decode_escapes() {
        let raw = r#"{"a": "x", "b" : ["y\"z", 1, {"c":"w\u00e9"}], "d":null, "e\"":"v"}"#;
        assert_eq!(strings(raw), ["x", "y\"z", "wé", "v"]);
    }

    fn at(raw: &str, path: &[&str]) -> Vec<String> {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        any_path_value(raw, &path, &mut |r| {
            out.push(match r {
                Reached::Str(s) => format!("{s:?}"),
                Reached::Number(n) => n.to_string(),
                other => format!("{other:?}"),
            });
            false
        });
        out
    }

    #[test]
    fn paths_fold_case_and_walk_arrays() {
        let raw = r#"{"R":[{"arn":"a"},{"ARN":"b"},{"x":1}],"n":[[1,2.5],null],"o":{"p":{}}}"#;
        assert_eq!(at(raw, &["r", "arn"]), ["\"a\"", "\"b\""]);
        assert_eq!(at(raw, &["n"]), ["1", "2.5", "Null"]);
        assert_eq!(at(raw, &["o", "p"]), ["Object"]);
        assert!(at(raw, &["o", "p", "q"]).is_empty());
        assert!(at("not json", &["a"]).is_empty());
    }
}
