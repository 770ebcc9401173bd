//! Decoding slices to text: UTF-8 (and UTF-16 with a BOM) split anywhere, invalid bytes
//! replaced and reported once.

use crate::ingest::{ErrorKind, IngestError, Position};

/// UTF-8 decoding across slices, the way `String::from_utf8_lossy` decodes a whole file:
/// a byte-order mark is dropped, invalid bytes become U+FFFD (the first one is an issue at
/// its offset after the mark), a character split between slices is joined.
#[derive(Default)]
pub(super) struct Utf8 {
    /// The first bytes, until there are enough to look for a byte-order mark.
    pub(super) start: Vec<u8>,
    pub(super) started: bool,
    /// An incomplete character at the end of the last slice.
    pub(super) carry: Vec<u8>,
    /// Bytes decoded after the mark.
    pub(super) consumed: u64,
    /// Decompressed bytes so far (for positions of gzip errors).
    pub(super) gz_out: u64,
    /// Text bytes produced.
    pub(super) decoded: u64,
    pub(super) invalid_seen: bool,
    /// The file is UTF-16 (read whole instead).
    pub(super) utf16: bool,
}

impl Utf8 {
    pub(super) fn push(&mut self, bytes: &[u8], out: &mut String, issues: &mut Vec<IngestError>) {
        if !self.started {
            self.start.extend_from_slice(bytes);
            if self.start.len() < 3 {
                return;
            }
            let start = std::mem::take(&mut self.start);
            self.begin(&start, out, issues, false);
            return;
        }
        self.decode(bytes, out, issues, false);
    }

    pub(super) fn finish(&mut self, out: &mut String, issues: &mut Vec<IngestError>) {
        if !self.started {
            let start = std::mem::take(&mut self.start);
            self.begin(&start, out, issues, true);
        } else {
            self.decode(&[], out, issues, true);
        }
    }

    fn begin(&mut self, start: &[u8], out: &mut String, issues: &mut Vec<IngestError>, last: bool) {
        self.started = true;
        if start.starts_with(&[0xff, 0xfe]) || start.starts_with(&[0xfe, 0xff]) {
            self.utf16 = true;
            return;
        }
        match start.strip_prefix(&[0xef, 0xbb, 0xbf]) {
            Some(rest) => self.decode(rest, out, issues, last),
            None => self.decode(start, out, issues, last),
        }
    }

    fn decode(
        &mut self,
        bytes: &[u8],
        out: &mut String,
        issues: &mut Vec<IngestError>,
        last: bool,
    ) {
        let joined;
        let mut rest = if self.carry.is_empty() {
            bytes
        } else {
            let mut j = std::mem::take(&mut self.carry);
            j.extend_from_slice(bytes);
            joined = j;
            &joined[..]
        };
        let before = out.len();
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    out.push_str(text);
                    self.consumed += rest.len() as u64;
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    if let Ok(text) = std::str::from_utf8(&rest[..good]) {
                        out.push_str(text);
                    }
                    let bad = match e.error_len() {
                        None if !last => {
                            self.carry = rest[good..].to_vec();
                            self.consumed += good as u64;
                            break;
                        }
                        None => rest.len() - good,
                        Some(n) => n,
                    };
                    if !self.invalid_seen {
                        self.invalid_seen = true;
                        issues.push(IngestError::new(
                            Position::Decompressed {
                                offset: self.consumed + good as u64,
                            },
                            ErrorKind::InvalidUtf8,
                        ));
                    }
                    out.push(char::REPLACEMENT_CHARACTER);
                    self.consumed += (good + bad) as u64;
                    rest = &rest[good + bad..];
                }
            }
        }
        self.decoded += (out.len() - before) as u64;
    }
}
