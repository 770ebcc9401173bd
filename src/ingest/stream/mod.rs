//! Streaming ingest: a file pushed a slice at a time, each record handed out as soon as it
//! is whole, so a 1.5 GB `{"Records":[...]}` never sits in memory at once.
//!
//! Entry point: [`Streamer`] (`new`, `push` slices in order, `finish`).
//!
//! What streams, and how it stays the same as [`ingest_file`](super::ingest_file) on the
//! whole file (same records, same issues at the same line, column and byte):
//! - **`{"Records":[...]}`** (S3 delivery files and console exports, by far the biggest):
//!   the decompressed text is scanned once (string- and escape-aware, depth counting) and
//!   each item of the array is parsed as it closes. While the file is exactly
//!   `{"Records":[record, ...]}` with each item a CloudTrail record, the whole-file reader
//!   would read each item the same way, so the records go out at once and their text is
//!   dropped. At the first thing that is not (damage, a cut, a wrapper or non-record item,
//!   keys after the array), the rest of the text is kept and, at the end, read by the
//!   whole-file reader behind a short stand-in for the part already read: the same parser
//!   state (inside the array, after an item), the same length class and the same lines, so
//!   the reader takes the same path it takes over the whole file. A file cut off at the
//!   end (an incomplete download) keeps only the partial record. The first 64 KiB are kept
//!   verbatim instead, and their records held back, so a small file is read exactly as a
//!   whole.
//! - **NDJSON** (one value per line): each line is read on its own, as the whole-file
//!   reader does.
//! - **Everything else** (CSV, digests, wrappers, arrays, single records, damaged starts,
//!   UTF-16): the input is kept as given and read whole at the end (these files are small).
//!
//! Gzip is decoded incrementally ([`GzStream`], shared with the whole-file path), and
//! UTF-8 is decoded across slice boundaries (a character split between two slices, byte
//! order marks, invalid bytes replaced as `String::from_utf8_lossy` does).
//!
//! Memory: the largest record (or line) plus a slice, for streamed forms; streamed files
//! have no total size cap ([`Limits::max_decompressed_bytes`] still bounds what is kept
//! whole), and one record larger than [`Limits::max_record_bytes`] is skipped with an issue.

use super::decode::{gzip_error, looks_textual, GZIP_MAGIC};
use super::gzip::GzStream;
use super::json::{self, TOP_RECORD_MAX};
use super::{
    ingest_file, text_position_at, Content, ErrorKind, FileReport, Format, IngestError, Limits,
    Origin, Position, Sink, Summary,
};
use crate::event::Record;
use scan::{records_prefix, release, Prefix};
use sha2::{Digest, Sha256};
use utf8::Utf8;

mod scan;
mod utf8;

/// Decompressed bytes handled at a time (a gzip slice can hold a thousand times more).
const PIECE: usize = 1 << 20;
/// Longest `{ "Records" : [` accepted as the start of a records file.
const MAX_PREFIX: usize = 4096;
/// The stand-in record that ends the stand-in for the part already read.
const STAND_IN: &str = r#"{"eventVersion":"0"}"#;

/// Reads one file pushed in slices. Never fails and never panics: problems end up in the
/// [`FileReport`] that [`finish`](Streamer::finish) returns.
pub struct Streamer {
    path: String,
    limits: Limits,
    /// Input bytes so far.
    bytes: u64,
    /// The input as given, kept while the format is unknown (and for files read whole).
    raw: Vec<u8>,
    /// The input passed [`Limits::max_decompressed_bytes`] while kept whole.
    raw_cut: bool,
    source: Source,
    text: Utf8,
    /// Decoded text not consumed yet.
    buf: String,
    /// Where `buf` begins in the decoded text.
    at: Origin,
    mode: Mode,
    /// Problems decoding (gzip, UTF-8): the whole-file path lists them first.
    decode_issues: Vec<IngestError>,
    sink: Sink,
    /// Records handed out.
    records: u64,
    /// How the text starts (for "not a CloudTrail file: starts with ...").
    head: String,
    /// Bytes of `buf` searched for the first line's end while detecting.
    searched: usize,
    /// Hash the content ([`super::is_log_object`]): gzip in [`GzStream`], plain text here.
    hashing: bool,
    plain_hash: Option<Box<Sha256>>,
}

enum Source {
    /// Not known yet whether it is gzip.
    Sniff,
    Plain,
    Gzip(Box<GzStream>),
}

enum Mode {
    /// The text's form is not known yet (`buf` holds it all, `raw` the input).
    Detect,
    Records(Box<Scan>),
    Lines(Lines),
    /// The rest of a records file, kept to be read whole at the end.
    Tail(Box<Tail>),
    /// The whole input is kept and read at the end.
    Whole,
}

/// The state of a `{"Records":[...]}` scan; positions are in `buf`.
struct Scan {
    expect: Expect,
    /// Next byte to look at.
    pos: usize,
    /// Where the current item began.
    item: usize,
    depth: u32,
    in_string: bool,
    escaped: bool,
    /// The end of the last item read (or of `[`): everything before it is done with.
    done: usize,
    /// Offset of the top-level `{` in the text, and the newlines before it.
    top: u64,
    top_lines: u64,
    /// The text is still all in `buf` from its first byte (the first 64 KiB of the array),
    /// and its items are held back in `held` (where they are in `buf`), to be read once
    /// it is known whether the whole-file reader would read them the same way.
    verbatim: bool,
    held: Vec<(usize, usize)>,
    /// The current item passed the size limit: it is skipped to its end.
    skipping: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    FirstItem,
    Item,
    InItem,
    AfterItem,
    AfterArray,
    AfterTop,
}

struct Lines {
    format: Option<Format>,
    /// Bytes of `buf` already searched for the end of the line.
    searched: usize,
    /// The current line passed the size limit: skipped to its end.
    skipping: bool,
}

struct Tail {
    /// `buf` holds the text from its first byte (else from the end of the last item read).
    verbatim: bool,
    /// Whether the part already read has a newline after the top-level `{`.
    newline: bool,
    /// The tail passed [`Limits::max_decompressed_bytes`]: the rest is dropped.
    full: bool,
}

impl Streamer {
    pub fn new(path: &str, limits: &Limits) -> Streamer {
        Streamer {
            path: path.to_owned(),
            limits: limits.clone(),
            bytes: 0,
            raw: Vec::new(),
            raw_cut: false,
            source: Source::Sniff,
            text: Utf8::default(),
            buf: String::new(),
            at: Origin::default(),
            mode: Mode::Detect,
            decode_issues: Vec::new(),
            sink: Sink::new(limits),
            records: 0,
            head: String::new(),
            searched: 0,
            hashing: super::is_log_object(path),
            plain_hash: None,
        }
    }

    /// Reads the next slice of the file; every record completed by it goes to `emit`.
    pub fn push(&mut self, chunk: &[u8], emit: &mut dyn FnMut(Record<'_>)) {
        self.bytes += chunk.len() as u64;
        if matches!(self.mode, Mode::Detect | Mode::Whole) {
            self.keep_raw(chunk);
        }
        if matches!(self.mode, Mode::Whole) {
            return;
        }
        if matches!(self.source, Source::Sniff) {
            match self.sniff() {
                None => return,
                Some(None) => {
                    self.mode = Mode::Whole;
                    return;
                }
                Some(Some(source)) => {
                    self.source = source;
                    let raw = std::mem::take(&mut self.raw);
                    self.input(&raw, emit);
                    if matches!(self.mode, Mode::Detect | Mode::Whole) {
                        self.raw = raw;
                    }
                    return;
                }
            }
        }
        self.input(chunk, emit);
        if !matches!(self.mode, Mode::Detect | Mode::Whole) {
            self.raw = Vec::new();
        }
    }

    /// Bytes held for this file right now (text not yet consumed, input kept whole).
    pub fn held_bytes(&self) -> usize {
        self.buf.capacity() + self.raw.capacity()
    }

    /// The file is over: the last records go to `emit`; returns the ledger entry.
    pub fn finish(mut self, emit: &mut dyn FnMut(Record<'_>)) -> FileReport {
        if matches!(self.source, Source::Sniff) {
            self.mode = Mode::Whole;
        }
        if !matches!(self.mode, Mode::Whole) {
            if let Source::Gzip(gz) = &mut self.source {
                if let Err(e) = gz.finish() {
                    // Where the whole-file path puts it: first, at the decompressed length.
                    let offset = self.text.gz_out;
                    let issue = IngestError::new(Position::Decompressed { offset }, gzip_error(e));
                    self.decode_issues.insert(0, issue);
                }
            }
            let before = self.buf.len();
            self.text.finish(&mut self.buf, &mut self.decode_issues);
            if self.text.utf16 {
                self.mode = Mode::Whole;
            } else if self.buf.len() > before || matches!(self.mode, Mode::Detect) {
                self.note_head(before);
                self.advance(emit);
            }
        }
        if matches!(self.mode, Mode::Detect) {
            self.mode = Mode::Whole;
        }
        let content = self.content();
        let mut report = match std::mem::replace(&mut self.mode, Mode::Whole) {
            Mode::Whole | Mode::Detect => return self.finish_whole(emit),
            Mode::Records(scan) => self.finish_records(*scan, emit),
            Mode::Lines(lines) => self.finish_lines(lines, emit),
            Mode::Tail(tail) => self.finish_tail(*tail, emit),
        };
        report.content = content;
        report
    }

    /// The content's hash ([`Content`]) of a file streamed (one read whole has it from
    /// [`ingest_file`]), once the input is over.
    fn content(&mut self) -> Option<Content> {
        let (sha256, trailing) = match &self.source {
            Source::Gzip(gz) => gz.content()?,
            Source::Plain => (self.plain_hash.take()?.finalize().into(), false),
            Source::Sniff => return None,
        };
        Some(Content { sha256, trailing })
    }

    fn keep_raw(&mut self, chunk: &[u8]) {
        let cap = usize::try_from(self.limits.max_decompressed_bytes).unwrap_or(usize::MAX);
        let room = cap.saturating_sub(self.raw.len());
        self.raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
        self.raw_cut |= chunk.len() > room;
    }

    /// Gzip or plain text, from the first bytes (`raw`): `None` until it can tell,
    /// `Some(None)` for input to read whole (named `.gz`, neither gzip nor text).
    fn sniff(&mut self) -> Option<Option<Source>> {
        if self.raw.len() < 2 {
            return None;
        }
        if self.raw.starts_with(&GZIP_MAGIC) {
            let gz = if self.hashing {
                GzStream::hashing()
            } else {
                GzStream::new()
            };
            return Some(Some(Source::Gzip(Box::new(gz))));
        }
        if self.hashing {
            self.plain_hash = Some(Box::default());
        }
        if self.path.to_ascii_lowercase().ends_with(".gz") {
            if self.raw.len() < 1024 {
                return None;
            }
            if !looks_textual(&self.raw) {
                return Some(None);
            }
            self.sink
                .note("named .gz but not gzip-compressed: read as plain text");
        }
        Some(Some(Source::Plain))
    }

    /// Decodes input into `buf` and reads what it completes.
    fn input(&mut self, mut input: &[u8], emit: &mut dyn FnMut(Record<'_>)) {
        match &mut self.source {
            Source::Sniff => {}
            Source::Plain => {
                if let Some(hash) = &mut self.plain_hash {
                    hash.update(input);
                }
                for piece in input.chunks(PIECE) {
                    self.decoded(piece, emit);
                }
            }
            Source::Gzip(_) => {
                let mut out = Vec::with_capacity(PIECE + 64 * 1024);
                // A piece at a time: a slice of a gzip bomb never sits decompressed whole.
                loop {
                    let Source::Gzip(gz) = &mut self.source else {
                        return;
                    };
                    out.clear();
                    let used = gz.push(input, &mut out, PIECE);
                    input = &input[used..];
                    if !out.is_empty() {
                        self.text.gz_out += out.len() as u64;
                        self.decoded(&out, emit);
                        if matches!(self.mode, Mode::Whole) {
                            break;
                        }
                    }
                    // `push` stops early only when the piece is full.
                    if input.is_empty() || out.is_empty() {
                        break;
                    }
                }
            }
        }
    }

    /// Decompressed bytes: into text, then read.
    fn decoded(&mut self, bytes: &[u8], emit: &mut dyn FnMut(Record<'_>)) {
        if matches!(self.mode, Mode::Whole) {
            return;
        }
        if let Mode::Tail(tail) = &self.mode {
            if tail.full {
                return;
            }
        }
        let before = self.buf.len();
        self.text
            .push(bytes, &mut self.buf, &mut self.decode_issues);
        if self.text.utf16 {
            self.mode = Mode::Whole;
            self.buf = String::new();
            return;
        }
        self.note_head(before);
        self.advance(emit);
    }

    /// Reads as far as the text in `buf` allows, then drops what is done with.
    fn advance(&mut self, emit: &mut dyn FnMut(Record<'_>)) {
        if matches!(self.mode, Mode::Detect) {
            self.detect();
        }
        let done = match &self.mode {
            Mode::Detect => return,
            Mode::Whole => {
                self.buf = String::new();
                return;
            }
            Mode::Records(_) => self.scan_records(emit),
            Mode::Lines(_) => self.scan_lines(emit),
            Mode::Tail(_) => {
                self.cap_tail();
                0
            }
        };
        if done > 0 {
            self.drain(done);
        }
    }

    /// The kept tail is read whole, so it has the whole-file cap.
    fn cap_tail(&mut self) {
        let Mode::Tail(tail) = &mut self.mode else {
            return;
        };
        let cap = self.limits.max_decompressed_bytes;
        if tail.full || self.buf.len() as u64 <= cap {
            return;
        }
        tail.full = true;
        let mut cut = usize::try_from(cap).unwrap_or(usize::MAX);
        while !self.buf.is_char_boundary(cut) {
            cut -= 1;
        }
        self.buf.truncate(cut);
        let offset = self.at.offset + cut as u64;
        self.decode_issues.push(IngestError::new(
            Position::Decompressed { offset },
            ErrorKind::TooLarge { cap },
        ));
    }

    /// How the text starts, for the "not a CloudTrail file" issue: the first 24
    /// characters, gathered from the text added to `buf` since `from` (lines already read
    /// may have been drained from `buf` before the head was complete).
    fn note_head(&mut self, from: usize) {
        let have = self.head.chars().count();
        if have < 24 {
            let added = self.buf.get(from..).unwrap_or_default();
            self.head.extend(added.chars().take(24 - have));
        }
    }

    /// Drops the first `n` bytes of `buf`, keeping track of where `buf` begins.
    fn drain(&mut self, n: usize) {
        let gone = &self.buf.as_bytes()[..n];
        let newlines = gone.iter().filter(|&&b| b == b'\n').count() as u64;
        // S3 files are one line: look for the last newline only when there is one (the
        // count is vectorised, a backward search byte by byte is not).
        let last = if newlines == 0 {
            None
        } else {
            gone.iter().rposition(|&b| b == b'\n')
        };
        self.at.column = match last {
            Some(p) => (n - p - 1) as u64,
            None => self.at.column + n as u64,
        };
        self.at.lines += newlines;
        self.at.offset += n as u64;
        self.buf.drain(..n);
        match &mut self.mode {
            Mode::Records(scan) => {
                scan.pos = scan.pos.saturating_sub(n);
                scan.item = scan.item.saturating_sub(n);
                scan.done = scan.done.saturating_sub(n);
            }
            Mode::Lines(lines) => lines.searched = lines.searched.saturating_sub(n),
            _ => {}
        }
    }

    /// Decides the text's form from its start (in `buf`), or leaves it undecided.
    fn detect(&mut self) {
        let b = self.buf.as_bytes();
        let lead = b
            .iter()
            .position(|c| !matches!(c, b' ' | b'\t' | b'\n' | b'\r'));
        let too_long = b.len() as u64 > self.limits.max_record_bytes;
        let Some(start) = lead else {
            if too_long {
                self.mode = Mode::Whole;
            }
            return;
        };
        let rest = &b[start..];
        match rest[0] {
            b'{' => match records_prefix(rest) {
                Prefix::Yes(len) => {
                    let top_lines = b[..start].iter().filter(|&&c| c == b'\n').count() as u64;
                    self.mode = Mode::Records(Box::new(Scan {
                        expect: Expect::FirstItem,
                        pos: start + len,
                        item: 0,
                        depth: 0,
                        in_string: false,
                        escaped: false,
                        done: start + len,
                        top: start as u64,
                        top_lines,
                        verbatim: true,
                        held: Vec::new(),
                        skipping: false,
                    }));
                    return;
                }
                Prefix::NeedMore if !too_long => return,
                Prefix::NeedMore | Prefix::No => {}
            },
            b'[' => {}
            _ => {
                self.mode = Mode::Whole;
                return;
            }
        }
        // One value per line? The whole-file reader reads lines when the first line is a
        // value and something other than white space follows it.
        let from = self.searched.saturating_sub(start);
        let Some(nl) = rest[from..].iter().position(|&c| c == b'\n') else {
            self.searched = b.len();
            if too_long {
                self.mode = Mode::Whole;
            }
            return;
        };
        let nl = from + nl;
        let first = &self.buf[start..start + nl];
        let first = first.strip_suffix('\r').unwrap_or(first);
        if serde_json::from_str::<&serde_json::value::RawValue>(first).is_err() {
            self.mode = Mode::Whole;
            return;
        }
        if self.buf[start + nl..].trim_start().is_empty() {
            if too_long {
                self.mode = Mode::Whole;
            }
            return;
        }
        self.mode = Mode::Lines(Lines {
            format: None,
            searched: 0,
            skipping: false,
        });
    }

    /// The sink for the end: the decoding issues first, then those found while reading.
    fn final_sink(&mut self) -> Sink {
        let mut sink = Sink::new(&self.limits);
        let found = std::mem::replace(&mut self.sink, Sink::new(&self.limits));
        for issue in self.decode_issues.drain(..).chain(found.issues) {
            sink.issue(issue.position, issue.kind);
        }
        sink.dropped_issues += found.dropped_issues;
        sink.notes = found.notes;
        sink
    }

    fn report(&self, sink: Sink, format: Format) -> FileReport {
        sink.report(Summary {
            path: &self.path,
            format,
            compressed: matches!(self.source, Source::Gzip(_)),
            bytes: self.bytes,
            decoded_bytes: self.text.decoded,
            records: self.records,
        })
    }

    fn finish_whole(mut self, emit: &mut dyn FnMut(Record<'_>)) -> FileReport {
        let got = ingest_file(&self.path, &self.raw, &self.limits);
        let mut report = got.report;
        for record in got.records {
            emit(record);
        }
        report.bytes = self.bytes;
        if self.raw_cut {
            // The hash would be of part of the file.
            report.content = None;
            let cap = self.limits.max_decompressed_bytes;
            report.issues.insert(
                0,
                IngestError::new(Position::File, ErrorKind::TooLarge { cap }),
            );
            report.skipped += 1;
        }
        self.raw = Vec::new();
        report
    }

    fn finish_records(mut self, mut scan: Scan, emit: &mut dyn FnMut(Record<'_>)) -> FileReport {
        let ended = scan.expect == Expect::AfterTop || scan.skipping;
        if ended && release(&mut scan, &self.buf, emit, &mut self.records) {
            let sink = self.final_sink();
            return self.report(sink, Format::CloudTrailRecords);
        }
        // Cut off, or an item the whole-file reader reads differently: the rest is read
        // whole.
        self.mode = Mode::Records(Box::new(scan));
        self.keep_tail();
        match std::mem::replace(&mut self.mode, Mode::Whole) {
            Mode::Tail(tail) => self.finish_tail(*tail, emit),
            _ => {
                let sink = self.final_sink();
                self.report(sink, Format::CloudTrailRecords)
            }
        }
    }

    fn finish_lines(mut self, mut lines: Lines, emit: &mut dyn FnMut(Record<'_>)) -> FileReport {
        if !lines.skipping && !self.buf.is_empty() {
            let origin = self.at;
            let line = std::mem::take(&mut self.buf);
            if let Some(f) = json::read_line(&line, origin, &mut self.sink) {
                lines.format = lines.format.or(Some(f));
            }
            for record in self.sink.records.drain(..) {
                self.records += 1;
                emit(record);
            }
        }
        let mut sink = self.final_sink();
        let head = std::mem::take(&mut self.head);
        let format = sink.settle(
            lines.format.unwrap_or(Format::Unrecognized),
            &head,
            self.records as usize,
        );
        self.report(sink, format)
    }

    fn finish_tail(mut self, tail: Tail, emit: &mut dyn FnMut(Record<'_>)) -> FileReport {
        let kept = std::mem::take(&mut self.buf);
        // Verbatim: `kept` is the whole text. Otherwise a stand-in goes before it: the
        // array opened, on a line of its own if the real one had a newline, padded to the
        // length at which the reader stops trying the top-level value as one record, and
        // a record, so the reader is where it was in the real file: after an item.
        let (text, stand_in) = if tail.verbatim {
            (kept, 0)
        } else {
            let mut text = String::with_capacity(TOP_RECORD_MAX + 64 + kept.len());
            text.push_str("{\"Records\":[");
            if tail.newline {
                text.push('\n');
            }
            text.extend(std::iter::repeat_n(' ', TOP_RECORD_MAX));
            text.push_str(STAND_IN);
            let len = text.len();
            text.push_str(&kept);
            (text, len)
        };
        let mut sink = self.final_sink();
        let first_new = sink.issues.len();
        let format = json::read(&text, &mut sink);
        let records = std::mem::take(&mut sink.records);
        let skip = usize::from(stand_in > 0);
        self.records += records.len().saturating_sub(skip) as u64;
        for record in records.into_iter().skip(skip) {
            emit(record);
        }
        if stand_in > 0 {
            // Positions in the stand-in's text → positions in the file.
            let origin = self.at;
            for issue in &mut sink.issues[first_new..] {
                if let Position::Text { offset, .. } = issue.position {
                    let at = (offset as usize).saturating_sub(stand_in);
                    issue.position = text_position_at(&text[stand_in..], at, origin);
                }
            }
        }
        let head = std::mem::take(&mut self.head);
        let records = self.records as usize;
        let format = sink.settle(format, &head, records);
        self.report(sink, format)
    }
}
