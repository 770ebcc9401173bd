//! String operators: `wildcard` globs and the case-insensitive forms.

/// A compiled `wildcard` value: literal pieces separated by `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Glob {
    /// `pieces.len() - 1` stars sit between the pieces; pieces may be empty.
    pieces: Vec<String>,
}

impl Glob {
    /// Parses with event-ruler's rules: `\*` and `\\` are literals, any other backslash and
    /// `**` are errors. Positions are UTF-8 byte offsets plus one, because event-ruler
    /// parses the value with a leading quote.
    pub(crate) fn parse(value: &str) -> Result<Glob, String> {
        let bytes = value.as_bytes();
        let mut pieces = vec![String::new()];
        let mut literal_start = 0;
        let mut i = 0;
        // Bytes are scanned, but cuts only happen at ASCII `*` and `\`, so pieces stay UTF-8.
        let mut current: Vec<u8> = Vec::new();
        while i < bytes.len() {
            match bytes[i] {
                b'*' => {
                    if bytes.get(i + 1) == Some(&b'*') {
                        return Err(format!("Consecutive wildcard characters at pos {}", i + 1));
                    }
                    current.extend_from_slice(&bytes[literal_start..i]);
                    push_piece(&mut pieces, &mut current);
                    pieces.push(String::new());
                    i += 1;
                    literal_start = i;
                }
                b'\\' => match bytes.get(i + 1) {
                    Some(&next @ (b'*' | b'\\')) => {
                        current.extend_from_slice(&bytes[literal_start..i]);
                        current.push(next);
                        i += 2;
                        literal_start = i;
                    }
                    _ => return Err(format!("Invalid escape character at pos {}", i + 1)),
                },
                _ => i += 1,
            }
        }
        current.extend_from_slice(&bytes[literal_start..]);
        push_piece(&mut pieces, &mut current);
        Ok(Glob { pieces })
    }

    /// Whether the whole of `s` matches (anchored at both ends).
    pub(crate) fn matches(&self, s: &str) -> bool {
        let (first, rest) = match self.pieces.split_first() {
            Some(split) => split,
            None => return s.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            return s == first;
        };
        if s.len() < first.len() + last.len()
            || !s.starts_with(first.as_str())
            || !s.ends_with(last.as_str())
        {
            return false;
        }
        // Leftmost-first placement of the middle pieces is optimal when `*` is the only
        // metacharacter.
        let mut window = &s[first.len()..s.len() - last.len()];
        for piece in middle {
            match window.find(piece.as_str()) {
                Some(at) => window = &window[at + piece.len()..],
                None => return false,
            }
        }
        true
    }

    /// The value as tokens for the complexity estimate: `None` is a `*`.
    pub(crate) fn tokens(&self) -> Vec<Option<u8>> {
        let mut out = Vec::new();
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                out.push(None);
            }
            out.extend(piece.bytes().map(Some));
        }
        out
    }
}

fn push_piece(pieces: &mut [String], current: &mut Vec<u8>) {
    // Only ASCII bytes were removed from valid UTF-8, so this cannot fail; lossy keeps it
    // panic-free regardless.
    let text = String::from_utf8_lossy(current).into_owned();
    if let Some(last) = pieces.last_mut() {
        last.push_str(&text);
    }
    current.clear();
}

/// A value for `equals-ignore-case` and the ignore-case prefix/suffix forms.
///
/// event-ruler's rule: at each position of the pattern character `c`, the event must hold
/// `lowercase(c)` or `uppercase(c)` (full Unicode mappings, so `ß` also accepts `SS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Folded {
    text: String,
    /// `(lowercase, uppercase)` per character; empty when `text` is ASCII (fast path).
    alternatives: Vec<(String, String)>,
}

impl Folded {
    pub(crate) fn new(text: &str) -> Folded {
        let alternatives = if text.is_ascii() {
            Vec::new()
        } else {
            text.chars()
                .map(|c| (c.to_lowercase().collect(), c.to_uppercase().collect()))
                .collect()
        };
        Folded {
            text: text.to_owned(),
            alternatives,
        }
    }

    /// Characters outside the Basic Multilingual Plane, where event-ruler's per-UTF-16-unit
    /// loop misbehaves (the spec's "EventBridge behaviour uncertain").
    pub(crate) fn has_non_bmp(&self) -> bool {
        self.text.chars().any(|c| u32::from(c) > 0xFFFF)
    }

    pub(crate) fn equals(&self, s: &str) -> bool {
        if self.alternatives.is_empty() {
            return s.len() == self.text.len() && s.eq_ignore_ascii_case(&self.text);
        }
        self.forward_ends(s).contains(&s.len())
    }

    pub(crate) fn is_prefix_of(&self, s: &str) -> bool {
        if self.alternatives.is_empty() {
            let n = self.text.len();
            return s.len() >= n && s.as_bytes()[..n].eq_ignore_ascii_case(self.text.as_bytes());
        }
        !self.forward_ends(s).is_empty()
    }

    pub(crate) fn is_suffix_of(&self, s: &str) -> bool {
        if self.alternatives.is_empty() {
            let n = self.text.len();
            return s.len() >= n
                && s.as_bytes()[s.len() - n..].eq_ignore_ascii_case(self.text.as_bytes());
        }
        let mut starts = vec![s.len()];
        for (lower, upper) in self.alternatives.iter().rev() {
            let mut next = Vec::new();
            for &end in &starts {
                for alt in [lower, upper] {
                    if s[..end].ends_with(alt.as_str()) {
                        let start = end - alt.len();
                        if !next.contains(&start) {
                            next.push(start);
                        }
                    }
                }
            }
            if next.is_empty() {
                return false;
            }
            starts = next;
        }
        true
    }

    /// Every byte offset where a match of the whole pattern, started at 0, can end.
    fn forward_ends(&self, s: &str) -> Vec<usize> {
        let mut ends = vec![0];
        for (lower, upper) in &self.alternatives {
            let mut next = Vec::new();
            for &start in &ends {
                for alt in [lower, upper] {
                    if s[start..].starts_with(alt.as_str()) {
                        let end = start + alt.len();
                        if !next.contains(&end) {
                            next.push(end);
                        }
                    }
                }
            }
            if next.is_empty() {
                return next;
            }
            ends = next;
        }
        ends
    }
}
