//! Case-insensitive value matching: equality, wildcards, and substring search, all on
//! bytes with ASCII case folding (non-ASCII characters must match exactly).
//!
//! Entry points: [`Matcher`] (one value against a term) and [`Finder`] (a substring in a
//! long text, the prefilter that keeps free text and paths off the JSON parser).
//!
//! Implementation note: no `memchr` crate, so [`Finder`] scans 8 bytes at a time with the
//! classic SWAR zero-byte trick, on the needle's rarest byte. That works the same on
//! wasm32 (no SIMD assumed).

use super::ast::Value;

/// Matches one whole value (or, built with [`Matcher::within`], any part of it).
#[derive(Clone, Debug)]
pub(crate) enum Matcher {
    /// Equal ignoring ASCII case (needle lowercased).
    Exact(Vec<u8>),
    Prefix(Vec<u8>),
    Suffix(Vec<u8>),
    Contains(Finder),
    /// Any non-empty value (a pattern of only `*`).
    Any,
    Glob(Vec<Glob>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Glob {
    /// A lowercased byte.
    Byte(u8),
    /// `?`: one character.
    One,
    /// `*`: any run of characters.
    Star,
}

impl Matcher {
    /// The whole value must match: `Create*` is a prefix, `ConsoleLogin` equality.
    pub(crate) fn whole(value: &Value) -> Matcher {
        Matcher::from_globs(globs(value))
    }

    /// Some part of the value must match: free text (`denied` is `*denied*`).
    pub(crate) fn within(value: &Value) -> Matcher {
        let mut g = vec![Glob::Star];
        g.extend(globs(value));
        g.push(Glob::Star);
        Matcher::from_globs(g)
    }

    fn from_globs(mut g: Vec<Glob>) -> Matcher {
        g.dedup_by(|a, b| *a == Glob::Star && *b == Glob::Star);
        let literal = |g: &[Glob]| -> Option<Vec<u8>> {
            g.iter()
                .map(|t| match t {
                    Glob::Byte(b) => Some(*b),
                    _ => None,
                })
                .collect()
        };
        let star_first = g.first() == Some(&Glob::Star);
        let star_last = g.len() > 1 && g.last() == Some(&Glob::Star);
        let inner = &g[usize::from(star_first)..g.len() - usize::from(star_last)];
        if g == [Glob::Star] {
            return Matcher::Any;
        }
        match (star_first, star_last, literal(inner)) {
            (false, false, Some(lit)) => Matcher::Exact(lit),
            (false, true, Some(lit)) => Matcher::Prefix(lit),
            (true, false, Some(lit)) => Matcher::Suffix(lit),
            (true, true, Some(lit)) => Matcher::Contains(Finder::new(lit)),
            _ => Matcher::Glob(g),
        }
    }

    pub(crate) fn is_match(&self, s: &[u8]) -> bool {
        match self {
            Matcher::Exact(lit) => s.eq_ignore_ascii_case(lit),
            Matcher::Prefix(lit) => s
                .get(..lit.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(lit)),
            Matcher::Suffix(lit) => s
                .len()
                .checked_sub(lit.len())
                .and_then(|start| s.get(start..))
                .is_some_and(|p| p.eq_ignore_ascii_case(lit)),
            Matcher::Contains(finder) => finder.is_in(s),
            Matcher::Any => !s.is_empty(),
            Matcher::Glob(g) => glob_match(g, s),
        }
    }

    /// The longest run of literal bytes every match must contain (lowercased), if any.
    pub(crate) fn literal_hint(&self) -> Option<&[u8]> {
        let run = match self {
            Matcher::Exact(lit) | Matcher::Prefix(lit) | Matcher::Suffix(lit) => lit.as_slice(),
            Matcher::Contains(f) => f.needle(),
            Matcher::Any => return None,
            Matcher::Glob(_) => return None,
        };
        (!run.is_empty()).then_some(run)
    }

    /// Like [`Matcher::literal_hint`], also for wildcard patterns (owned).
    pub(crate) fn longest_literal(&self) -> Option<Vec<u8>> {
        if let Matcher::Glob(g) = self {
            let mut best: Vec<u8> = Vec::new();
            let mut cur: Vec<u8> = Vec::new();
            for t in g.iter().chain([&Glob::Star]) {
                match t {
                    Glob::Byte(b) => cur.push(*b),
                    _ => {
                        if cur.len() > best.len() {
                            best = std::mem::take(&mut cur);
                        }
                        cur.clear();
                    }
                }
            }
            return (!best.is_empty()).then_some(best);
        }
        self.literal_hint().map(<[u8]>::to_vec)
    }
}

/// A value's glob tokens: `*`, `?` and lowercased bytes (escapes resolved).
fn globs(value: &Value) -> Vec<Glob> {
    let mut out = Vec::new();
    let push_char = |out: &mut Vec<Glob>, c: char| {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            out.push(Glob::Byte(b.to_ascii_lowercase()));
        }
    };
    match value {
        Value::Text(text) => {
            for c in text.chars() {
                push_char(&mut out, c);
            }
        }
        Value::Pattern(p) => {
            let mut chars = p.chars();
            while let Some(c) = chars.next() {
                match c {
                    '*' => out.push(Glob::Star),
                    '?' => out.push(Glob::One),
                    '\\' => {
                        if let Some(n) = chars.next() {
                            push_char(&mut out, n);
                        }
                    }
                    c => push_char(&mut out, c),
                }
            }
        }
    }
    out
}

/// Length of the UTF-8 character starting with byte `b` (1 for a stray continuation byte).
fn char_len(b: u8) -> usize {
    match b {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// Wildcard matching with one-star backtracking: linear for one `*`, O(n·m) at worst.
fn glob_match(g: &[Glob], s: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < s.len() {
        match g.get(p) {
            Some(Glob::Star) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Glob::One) => {
                p += 1;
                t += char_len(s[t]);
                continue;
            }
            Some(Glob::Byte(b)) if s[t].to_ascii_lowercase() == *b => {
                p += 1;
                t += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                let next = st + char_len(s[st]);
                star = Some((sp, next));
                p = sp + 1;
                t = next;
            }
            None => return false,
        }
    }
    // `?` may have stepped past the end on a truncated character.
    t == s.len()
        && g.get(p..)
            .is_some_and(|rest| rest.iter().all(|x| *x == Glob::Star))
}

// --- substring search

/// A lowercased needle, found ignoring ASCII case by scanning for two of its rarest
/// bytes at once (memchr's "packed pair" idea, 8 bytes per step without SIMD).
#[derive(Clone, Debug)]
pub(crate) struct Finder {
    needle: Vec<u8>,
    /// Positions in the needle of its two rarest bytes (equal for a one-byte needle).
    pair: (usize, usize),
}

/// What [`Finder::find_or_escape`] stopped at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The needle starts here.
    At(usize),
    /// A `\u` (a JSON escape that could hide any character) comes first.
    Escape,
    Missing,
}

impl Finder {
    pub(crate) fn new(needle: Vec<u8>) -> Finder {
        let needle: Vec<u8> = needle.iter().map(u8::to_ascii_lowercase).collect();
        let by_rarity = |skip: Option<usize>| {
            (0..needle.len())
                .filter(|&i| Some(i) != skip)
                .max_by_key(|&i| (rarity(needle[i]), std::cmp::Reverse(i)))
        };
        let first = by_rarity(None).unwrap_or(0);
        let second = by_rarity(Some(first)).unwrap_or(first);
        Finder {
            needle,
            pair: (first.min(second), first.max(second)),
        }
    }

    pub(crate) fn needle(&self) -> &[u8] {
        &self.needle
    }

    /// Whether the needle occurs in `hay`, ignoring ASCII case.
    pub(crate) fn is_in(&self, hay: &[u8]) -> bool {
        self.scan::<false>(hay, 0) != Scan::Missing
    }

    /// The first occurrence at or after `from`, or the first `\u` if that comes first.
    pub(crate) fn find_or_escape(&self, hay: &[u8], from: usize) -> Scan {
        self.scan::<true>(hay, from)
    }

    fn at(&self, hay: &[u8], start: usize) -> bool {
        hay.get(start..start + self.needle.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(&self.needle))
    }

    fn scan<const ESCAPES: bool>(&self, hay: &[u8], from: usize) -> Scan {
        let n = self.needle.len();
        if n == 0 {
            return Scan::At(from);
        }
        let (a1, a2) = self.pair;
        let (p1, p2) = (Lane::new(self.needle[a1]), Lane::new(self.needle[a2]));
        let backslash = Lane::exact(b'\\');
        let escape_at = |k: usize| ESCAPES && hay.get(k..k + 2) == Some(b"\\u");
        // Blocks of 32 candidate starts i..i+32: per 8-byte word, lanes flag where the
        // needle's pair of bytes sits (and, when looking for escapes, backslashes). The
        // window is one slice, so the compiler drops per-load bounds checks (and
        // vectorises natively).
        let last_start = hay.len().saturating_sub(n);
        let mut i = from;
        while i + BLOCK <= last_start + 1 {
            let Some(w) = hay.get(i..i + a2 + BLOCK) else {
                break;
            };
            let word = |o: usize| {
                w.get(o..o + 8)
                    .and_then(|b| <[u8; 8]>::try_from(b).ok())
                    .map_or(0, u64::from_le_bytes)
            };
            let mut lanes = [0u64; BLOCK / 8];
            let mut any = 0;
            for (q, m) in lanes.iter_mut().enumerate() {
                *m = p1.hits(word(q * 8 + a1)) & p2.hits(word(q * 8 + a2));
                if ESCAPES {
                    *m |= backslash.hits(word(q * 8));
                }
                any |= *m;
            }
            if any != 0 {
                for (q, &lane) in lanes.iter().enumerate() {
                    let mut m = lane;
                    while m != 0 {
                        let k = i + q * 8 + (m.trailing_zeros() / 8) as usize;
                        if escape_at(k) {
                            return Scan::Escape;
                        }
                        if self.at(hay, k) {
                            return Scan::At(k);
                        }
                        m &= m - 1;
                    }
                }
            }
            i += BLOCK;
        }
        while i < hay.len() {
            if escape_at(i) {
                return Scan::Escape;
            }
            if self.at(hay, i) {
                return Scan::At(i);
            }
            i += 1;
        }
        Scan::Missing
    }
}

/// Candidate starts examined per step of [`Finder`]'s scan.
const BLOCK: usize = 32;

/// One byte compared across the 8 lanes of a word, optionally ignoring ASCII case.
#[derive(Clone, Copy)]
struct Lane {
    fold: u64,
    target: u64,
}

impl Lane {
    fn new(lower: u8) -> Lane {
        let fold = if lower.is_ascii_lowercase() { 0x20 } else { 0 };
        Lane {
            fold: LO * fold,
            target: LO * u64::from(lower),
        }
    }

    fn exact(b: u8) -> Lane {
        Lane {
            fold: 0,
            target: LO * u64::from(b),
        }
    }

    /// The high bit of every lane that may hold the byte (no false negatives; verify).
    #[inline]
    fn hits(self, x: u64) -> u64 {
        zero_bytes((x | self.fold) ^ self.target)
    }
}

#[inline]
fn load(hay: &[u8], at: usize) -> Option<u64> {
    let bytes = hay.get(at..at + 8)?;
    <[u8; 8]>::try_from(bytes).ok().map(u64::from_le_bytes)
}

/// How rare a (lowercased) byte is in CloudTrail JSON: higher is rarer. The order is the
/// byte frequency measured over the real fixtures (most common first).
fn rarity(b: u8) -> u8 {
    const BY_FREQUENCY: &[u8] =
        b"\"eatsrn:ico-d2,1mu30.p7lv8fbwh49g/y 65}{qzkxj()+;_][\\%=*&'?!$@~";
    BY_FREQUENCY
        .iter()
        .position(|&c| c == b)
        .map_or(u8::MAX, |p| p as u8)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Flags zero bytes: every zero byte is flagged; a byte above a zero may be too.
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(LO) & !v & HI
}

/// First byte equal to `a` or `b` (exact).
pub(crate) fn find_either(hay: &[u8], a: u8, b: u8) -> Option<usize> {
    let (la, lb) = (Lane::exact(a), Lane::exact(b));
    let mut i = 0;
    while let Some(x) = load(hay, i) {
        let m = la.hits(x) | lb.hits(x);
        if m != 0 {
            // The lowest flag is always a real match.
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    hay.get(i..)?
        .iter()
        .position(|&c| c == a || c == b)
        .map(|p| i + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn finder_equals_naive(hay in "[aAbB\\\\u\"x]{0,120}", needle in "[aAbBx]{1,4}", from in 0usize..8) {
            let f = Finder::new(needle.as_bytes().to_vec());
            let h = hay.as_bytes();
            let naive_at = (from..h.len()).find(|&i| {
                h.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
            });
            let naive_esc = (from..h.len()).find(|&i| h.get(i..i + 2) == Some(b"\\u"));
            let want = match (naive_at, naive_esc) {
                (Some(a), Some(e)) if e <= a => Scan::Escape,
                (Some(a), _) => Scan::At(a),
                (None, Some(_)) => Scan::Escape,
                (None, None) => Scan::Missing,
            };
            prop_assert_eq!(f.find_or_escape(h, from), want);
            prop_assert_eq!(f.is_in(h), (0..h.len()).any(|i| h.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle.as_bytes()))));
        }
    }

    fn pat(p: &str) -> Matcher {
        Matcher::whole(&Value::Pattern(p.into()))
    }

    #[test]
    fn globs_fold_ascii_case_only() {
        assert!(pat("create*").is_match(b"CreateUser"));
        assert!(pat("*USER").is_match(b"CreateUser"));
        assert!(pat("c?eate*r").is_match(b"CreateUser"));
        assert!(!pat("c?eate*r").is_match(b"CreateUsers"));
        assert!(pat("*a*b*").is_match(b"xxaxxbxx"));
        assert!(!pat("*a*b*").is_match(b"xxbxxaxx"));
        assert!(pat("?").is_match("é".as_bytes()));
        assert!(!pat("??").is_match("é".as_bytes()));
        assert!(!pat("É*").is_match("é".as_bytes()));
        assert!(pat(r"a\*").is_match(b"A*"));
        assert!(!pat(r"a\*").is_match(b"Ab"));
        assert!(pat("*").is_match(b"x"));
        assert!(!pat("*").is_match(b""));
    }

    #[test]
    fn finder_agrees_with_naive_search() {
        let hay = b"{\"eventName\":\"ConsoleLogin\",\"x\":\"AccessDENIED by policy\"}";
        for needle in [
            "denied",
            "consolelogin",
            "{",
            "}",
            "x\":",
            "zzz",
            "policy}",
            "\"}",
        ] {
            let naive = hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert_eq!(Finder::new(needle.into()).is_in(hay), naive, "{needle}");
        }
        let f = Finder::new(b"ab".to_vec());
        assert_eq!(f.find_or_escape(b"xx\\u ab", 0), Scan::Escape);
        assert_eq!(f.find_or_escape(b"xx AB \\u", 0), Scan::At(3));
        assert_eq!(f.find_or_escape(b"xx AB \\u", 4), Scan::Escape);
        assert_eq!(f.find_or_escape(b"xx", 0), Scan::Missing);
        assert_eq!(find_either(b"abcdefghij\"k", b'"', b'\\'), Some(10));
        assert_eq!(find_either(b"abc", b'"', b'\\'), None);
    }
}
