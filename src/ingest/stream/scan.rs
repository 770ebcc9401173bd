//! Scanning decoded text for complete items: the `{"Records":[...]}` scanner (string- and
//! escape-aware depth counting), the NDJSON line splitter, and UTF-8 boundaries across
//! slices.

use super::{Expect, Mode, Scan, Streamer, Tail, MAX_PREFIX};
use crate::event::Record;
use crate::ingest::json::{self, is_recordish, TOP_RECORD_MAX};
use crate::ingest::{text_position_at, ErrorKind, Origin};

impl Streamer {
    /// Reads the items of `{"Records":[...]}` completed in `buf`; returns how much of
    /// `buf` is done with.
    pub(super) fn scan_records(&mut self, emit: &mut dyn FnMut(Record<'_>)) -> usize {
        let Mode::Records(scan) = &mut self.mode else {
            return 0;
        };
        let b = self.buf.as_bytes();
        let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        // Out of text (false), or something a plain records file does not have (true).
        let anomaly = loop {
            if scan.expect == Expect::InItem {
                let (closed, at) = scan_value(b, scan.pos, scan);
                scan.pos = at;
                if !closed {
                    if !scan.skipping
                        && (scan.pos - scan.item) as u64 > self.limits.max_record_bytes
                    {
                        // Too big to hold: skip it, say so, and read on after it.
                        if !release(scan, &self.buf, emit, &mut self.records) {
                            break true;
                        }
                        scan.skipping = true;
                        let position = text_position_at(&self.buf, scan.item, self.at);
                        let cap = self.limits.max_record_bytes;
                        self.sink.issue(position, ErrorKind::RecordTooLarge { cap });
                    }
                    if scan.skipping {
                        scan.done = scan.pos;
                    }
                    break false;
                }
                if scan.skipping {
                    scan.skipping = false;
                } else if scan.verbatim {
                    scan.held.push((scan.item, scan.pos));
                } else {
                    match Record::from_json(&self.buf[scan.item..scan.pos]) {
                        Ok(record) if is_recordish(&record) => {
                            self.records += 1;
                            emit(record);
                        }
                        _ => break true,
                    }
                }
                scan.done = scan.pos;
                scan.expect = Expect::AfterItem;
                let read = self.at.offset + scan.done as u64 - scan.top;
                if scan.verbatim
                    && read >= TOP_RECORD_MAX as u64
                    && !release(scan, &self.buf, emit, &mut self.records)
                {
                    break true;
                }
                continue;
            }
            let Some(skip) = b[scan.pos..].iter().position(|&c| !ws(c)) else {
                scan.pos = b.len();
                break false;
            };
            scan.pos += skip;
            scan.expect = match (scan.expect, b[scan.pos]) {
                (Expect::FirstItem | Expect::Item, b'{') => {
                    scan.item = scan.pos;
                    scan.depth = 0;
                    Expect::InItem
                }
                (Expect::FirstItem | Expect::AfterItem, b']') => {
                    scan.pos += 1;
                    Expect::AfterArray
                }
                (Expect::AfterItem, b',') => {
                    scan.pos += 1;
                    Expect::Item
                }
                (Expect::AfterArray, b'}') => {
                    scan.pos += 1;
                    Expect::AfterTop
                }
                _ => break true,
            };
        };
        if anomaly {
            self.keep_tail();
            0
        } else if scan.verbatim {
            0
        } else {
            scan.done
        }
    }

    /// The rest of a records file is kept to be read whole at the end (records held back
    /// are read again from the kept text).
    pub(super) fn keep_tail(&mut self) {
        let Mode::Records(scan) = std::mem::replace(&mut self.mode, Mode::Whole) else {
            return;
        };
        // What the stand-in must reproduce: a newline after the top-level `{`.
        let newline = !scan.verbatim && {
            let before = self.buf.as_bytes()[..scan.done]
                .iter()
                .filter(|&&c| c == b'\n')
                .count() as u64;
            self.at.lines + before > scan.top_lines
        };
        self.mode = Mode::Tail(Box::new(Tail {
            verbatim: scan.verbatim,
            newline,
            full: false,
        }));
        if !scan.verbatim && scan.done > 0 {
            self.drain(scan.done);
        }
        self.cap_tail();
    }

    /// Reads the lines completed in `buf`; returns how much of `buf` is done with.
    pub(super) fn scan_lines(&mut self, emit: &mut dyn FnMut(Record<'_>)) -> usize {
        let Mode::Lines(lines) = &mut self.mode else {
            return 0;
        };
        // `buf` starts a line (or the rest of a line being skipped).
        let mut origin = self.at;
        let mut start = 0;
        loop {
            let from = lines.searched.max(start);
            let Some(nl) = self.buf.as_bytes()[from..].iter().position(|&c| c == b'\n') else {
                lines.searched = self.buf.len();
                let len = (self.buf.len() - start) as u64;
                if !lines.skipping && len > self.limits.max_record_bytes {
                    lines.skipping = true;
                    let cap = self.limits.max_record_bytes;
                    self.sink.issue(
                        text_position_at("", 0, origin),
                        ErrorKind::RecordTooLarge { cap },
                    );
                }
                // Nothing of a skipped line is kept (`at` still counts its bytes).
                return if lines.skipping {
                    self.buf.len()
                } else {
                    start
                };
            };
            let end = from + nl + 1;
            if lines.skipping {
                lines.skipping = false;
            } else {
                let line = &self.buf[start..end];
                if let Some(f) = json::read_line(line, origin, &mut self.sink) {
                    lines.format = lines.format.or(Some(f));
                }
                for record in self.sink.records.drain(..) {
                    self.records += 1;
                    emit(record);
                }
            }
            origin = Origin {
                offset: self.at.offset + end as u64,
                lines: origin.lines + 1,
                column: 0,
            };
            start = end;
            lines.searched = end;
        }
    }
}

/// Reads the items held back while the start of the file was kept verbatim (`buf` holds
/// it), hands their records out and stops holding; false, handing out nothing, when one
/// of them is not a plain record (the whole-file reader must read the file then).
pub(super) fn release(
    scan: &mut Scan,
    buf: &str,
    emit: &mut dyn FnMut(Record<'_>),
    count: &mut u64,
) -> bool {
    let mut records = Vec::with_capacity(scan.held.len());
    for &(start, end) in &scan.held {
        match Record::from_json(&buf[start..end]) {
            Ok(record) if is_recordish(&record) => records.push(record),
            _ => return false,
        }
    }
    scan.verbatim = false;
    scan.held.clear();
    for record in records {
        *count += 1;
        emit(record);
    }
    true
}

/// Scans a JSON value from `pos` (its first byte is at `scan.item`), string- and
/// escape-aware, counting `{[` and `}]`: whether it closed, and where the scan stopped
/// (after the closing byte, or at the end of `b`).
fn scan_value(b: &[u8], mut pos: usize, scan: &mut Scan) -> (bool, usize) {
    let (mut depth, mut in_string, mut escaped) = (scan.depth, scan.in_string, scan.escaped);
    let mut closed = false;
    while pos < b.len() {
        if in_string {
            if escaped {
                escaped = false;
                pos += 1;
                continue;
            }
            // Fast path: jump to the next quote or backslash.
            match b[pos..].iter().position(|&c| c == b'"' || c == b'\\') {
                Some(k) => {
                    pos += k;
                    if b[pos] == b'\\' {
                        escaped = true;
                    } else {
                        in_string = false;
                    }
                    pos += 1;
                }
                None => pos = b.len(),
            }
            continue;
        }
        match b[pos] {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    pos += 1;
                    closed = true;
                    break;
                }
            }
            _ => {}
        }
        pos += 1;
    }
    scan.depth = depth;
    scan.in_string = in_string;
    scan.escaped = escaped;
    (closed, pos)
}

pub(super) enum Prefix {
    /// `{"Records":[` of this many bytes.
    Yes(usize),
    NeedMore,
    No,
}

/// Whether `b` (starting at `{`) opens a records file: `{`, `"Records"` ending within
/// the first 64 characters, `:`, `[`, with JSON white space between.
pub(super) fn records_prefix(b: &[u8]) -> Prefix {
    const KEY: &[u8] = b"\"Records\"";
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    let skip = |from: usize| from + b[from.min(b.len())..].iter().take_while(|c| ws(c)).count();
    let at = skip(1);
    let key_end = at + KEY.len();
    if key_end > 64 {
        return Prefix::No;
    }
    if b.len() < key_end {
        return if KEY.starts_with(&b[at.min(b.len())..]) {
            Prefix::NeedMore
        } else {
            Prefix::No
        };
    }
    if &b[at..key_end] != KEY {
        return Prefix::No;
    }
    let colon = skip(key_end);
    let bracket = skip(colon + 1);
    if bracket >= MAX_PREFIX {
        return Prefix::No;
    }
    match (b.get(colon), b.get(bracket)) {
        (None, _) => Prefix::NeedMore,
        (Some(b':'), None) => Prefix::NeedMore,
        (Some(b':'), Some(b'[')) => Prefix::Yes(bracket + 1),
        _ => Prefix::No,
    }
}
