//! Ingest: one file's bytes → CloudTrail [`Record`]s plus a [`FileReport`] for the ledger.
//!
//! Entry points: [`ingest_file`] (a whole file's bytes) and [`Streamer`] (a file pushed a
//! slice at a time, records out as they are read). The format is detected from the
//! content, never the name:
//! gzip or not, then JSON (S3 delivery files, console exports, `lookup-events`,
//! EventBridge and CloudWatch Logs envelopes, SQS batches, NDJSON, arrays, single records,
//! digests) or the console's CSV export.
//!
//! Partial failure is not failure: every problem becomes an [`IngestError`] with a
//! position in the file, and every good record around it is kept (Perfetto's import log,
//! rerun's warning reporter).

mod csv;
mod decode;
mod gzip;
mod json;
mod results;
mod stream;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::event::Record;

pub use stream::Streamer;

/// Tunables for one file.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest decompressed size accepted for one file.
    /// - Good: a gzip bomb stops with a clear message instead of exhausting the tab.
    /// - Bad: a genuine file larger than this is cut there (its records up to the cap are
    ///   kept and the ledger says so). wasm32 has 4 GiB in all, so keep it well below that.
    pub max_decompressed_bytes: u64,
    /// Most issues kept per file; the rest are counted (a garbage file can't flood memory).
    pub max_issues_per_file: usize,
    /// Largest single record (or line) a [`Streamer`] holds while reading it.
    /// - Good: a hostile file (`{"Records":[{"a":"` and a gigabyte of `x`) can't exhaust
    ///   the tab; streamed files have no total size cap, so this bounds their memory.
    /// - Bad: a genuine record larger than this is skipped (CloudTrail's own are at most
    ///   a few hundred KiB).
    pub max_record_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_decompressed_bytes: 768 << 20,
            max_issues_per_file: 200,
            max_record_bytes: 64 << 20,
        }
    }
}

/// What a file turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Format {
    /// `{"Records":[...]}`: S3 delivery files and the console's JSON export.
    CloudTrailRecords,
    CloudTrailDigest,
    /// `aws cloudtrail list-public-keys` output: keys for digest validation.
    DigestPublicKeys,
    /// `aws s3api head-object` output for a digest (`NAME.head-object.json`): its signature.
    DigestHeadObject,
    ConsoleCsv,
    /// The CSV result of the Athena or CloudTrail Lake query "Run this elsewhere" writes.
    QueryResults,
    /// `aws cloudtrail lookup-events` output: `{"Events":[{"CloudTrailEvent":"..."}]}`.
    LookupEvents,
    /// One lookup-events `Event` per line.
    LookupEventsLines,
    /// One bare record per line.
    RecordLines,
    /// `[record, record, ...]`.
    RecordArray,
    SingleRecord,
    /// EventBridge envelopes with the record in `detail` (one, an array, or one per line).
    EventBridge,
    /// `{"messageType":"DATA_MESSAGE","logEvents":[{"message":"..."}]}`.
    CloudWatchLogsSubscription,
    /// `aws logs filter-log-events` output: `{"events":[{"message":"..."}]}`.
    CloudWatchLogsEvents,
    /// An SQS (Lambda) batch whose message bodies hold records.
    SqsBatch,
    /// Splunk / Cribl exports: each event in `_raw` (string or object; top level, arrays,
    /// NDJSON, Splunk's `{"preview":...,"result":{...}}` lines).
    SiemExport,
    /// S3 event notifications (`"eventSource":"aws:s3"`): not CloudTrail, reported.
    S3Notification,
    /// Damaged JSON (cut off at the start, say) from which records were recovered.
    JsonFragment,
    Empty,
    Unrecognized,
}

impl Format {
    /// Stable kebab-case name (the ledger's `data-format`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CloudTrailRecords => "cloudtrail-records",
            Format::CloudTrailDigest => "cloudtrail-digest",
            Format::DigestPublicKeys => "cloudtrail-public-keys",
            Format::DigestHeadObject => "digest-head-object",
            Format::ConsoleCsv => "console-csv",
            Format::QueryResults => "query-results-csv",
            Format::LookupEvents => "lookup-events",
            Format::LookupEventsLines => "lookup-events-ndjson",
            Format::RecordLines => "ndjson-records",
            Format::RecordArray => "json-array",
            Format::SingleRecord => "single-record",
            Format::EventBridge => "eventbridge",
            Format::CloudWatchLogsSubscription => "cloudwatch-logs-subscription",
            Format::CloudWatchLogsEvents => "cloudwatch-logs-events",
            Format::SqsBatch => "sqs-batch",
            Format::SiemExport => "siem-raw",
            Format::S3Notification => "s3-event-notification",
            Format::JsonFragment => "json-fragment",
            Format::Empty => "empty",
            Format::Unrecognized => "unrecognized",
        }
    }

    /// Human wording for the ledger.
    pub fn describe(self) -> &'static str {
        match self {
            Format::CloudTrailRecords => "CloudTrail log file ({\"Records\": [...]})",
            Format::CloudTrailDigest => "CloudTrail digest file (no events)",
            Format::DigestPublicKeys => "CloudTrail public keys (for digest validation)",
            Format::DigestHeadObject => "a digest's S3 metadata: its signature",
            Format::ConsoleCsv => "Console Event history CSV (summary only)",
            Format::QueryResults => "Athena / CloudTrail Lake query result (CSV)",
            Format::LookupEvents => "lookup-events output",
            Format::LookupEventsLines => "lookup-events output, one event per line",
            Format::RecordLines => "NDJSON records",
            Format::RecordArray => "JSON array of records",
            Format::SingleRecord => "single record",
            Format::EventBridge => "EventBridge event(s)",
            Format::CloudWatchLogsSubscription => "CloudWatch Logs subscription payload",
            Format::CloudWatchLogsEvents => "CloudWatch Logs filter-log-events output",
            Format::SqsBatch => "SQS batch wrapping records",
            Format::SiemExport => "Splunk / Cribl export (records in _raw)",
            Format::S3Notification => "S3 event notification (not CloudTrail)",
            Format::JsonFragment => "damaged JSON, records recovered",
            Format::Empty => "empty file",
            Format::Unrecognized => "not a CloudTrail file",
        }
    }
}

/// Where in a file something happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Position {
    /// The file as a whole.
    File,
    /// A place in the (decompressed) text; line and column are 1-based.
    Text { offset: u64, line: u32, column: u32 },
    /// A place in the decompressed stream of a gzip file.
    Decompressed { offset: u64 },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::File => f.write_str("file"),
            Position::Text {
                offset,
                line,
                column,
            } => write!(f, "line {line}, column {column} (byte {offset})"),
            Position::Decompressed { offset } => {
                write!(f, "after {offset} decompressed bytes")
            }
        }
    }
}

/// The ingest module's one error type: a position and a readable reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestError {
    pub position: Position,
    pub kind: ErrorKind,
}

/// What went wrong. Each message says what was lost and, where there is one, what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A 0-byte (or all-whitespace) file.
    Empty,
    /// Named `.gz` but neither gzip nor text.
    NotGzip { first_bytes: String },
    /// The gzip stream ends early; what was decompressed before is kept.
    GzipTruncated,
    /// The gzip stream is damaged.
    GzipCorrupt { detail: String },
    /// Decompression passed [`Limits::max_decompressed_bytes`].
    TooLarge { cap: u64 },
    /// One record (or line) of a streamed file passed [`Limits::max_record_bytes`].
    RecordTooLarge { cap: u64 },
    /// Bytes that are not UTF-8 were replaced with U+FFFD.
    InvalidUtf8,
    /// JSON that does not parse; `detail` is the parser's message.
    Syntax { detail: String },
    /// The file ends early (inside a record, or before its closing brackets): the
    /// records before the cut are kept.
    Truncated,
    /// A record is cut off (or damaged) `damage_after` bytes in and complete records
    /// follow: reading resumed at the next one, `resumed_after` bytes on.
    RecordCut {
        damage_after: u64,
        resumed_after: u64,
        detail: String,
    },
    /// Text between records that is no record (garbage, NUL bytes, a stray brace, prose),
    /// `length` bytes of it, skipped.
    BetweenRecords { length: u64 },
    /// Recovery of a damaged (hostile?) file spent its budget; the last `skipped` bytes
    /// are not read.
    RecoveryBudget { skipped: u64 },
    /// Damage repaired in a kept record (e.g. a timestamp printed without quotes).
    Repaired { detail: String },
    /// The file begins inside a record (cut off at the start): the bytes before the first
    /// whole record are skipped.
    CutAtStart { skipped: u64 },
    /// A well-formed value that is not a CloudTrail record or a known wrapper.
    NotCloudTrail { what: String },
    /// A wrapper's string field that should hold a record does not.
    BadEmbeddedRecord { field: String, detail: String },
    /// A CSV row that can't be read.
    CsvRow { detail: String },
    /// A value damaged by a spreadsheet; the record is kept with the field blanked/repaired.
    DamagedField { detail: String },
    /// No format matched the file at all.
    Unrecognized { start: String },
    /// The browser could not read the file at all.
    Unreadable { detail: String },
    /// More issues than [`Limits::max_issues_per_file`]; only counted.
    MoreIssues { count: u32 },
}

impl IngestError {
    pub fn new(position: Position, kind: ErrorKind) -> Self {
        IngestError { position, kind }
    }

    /// True when data was lost (a record or more); false for warnings on kept records.
    pub fn loses_data(&self) -> bool {
        !matches!(
            self.kind,
            ErrorKind::DamagedField { .. }
                | ErrorKind::Repaired { .. }
                | ErrorKind::InvalidUtf8
                | ErrorKind::MoreIssues { .. }
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Empty => f.write_str("empty file: no bytes to read"),
            ErrorKind::NotGzip { first_bytes } => write!(
                f,
                "named .gz but not gzip (starts with {first_bytes}) and not text either"
            ),
            ErrorKind::GzipTruncated => f.write_str(
                "gzip stream is cut off (incomplete download?); records decompressed before the cut are kept",
            ),
            ErrorKind::GzipCorrupt { detail } => write!(
                f,
                "gzip data is corrupt ({detail}); records decompressed before it are kept"
            ),
            ErrorKind::TooLarge { cap } => write!(
                f,
                "decompressed size passes the {} MiB limit (gzip bomb?); the rest of the file is skipped",
                cap >> 20
            ),
            ErrorKind::RecordTooLarge { cap } => write!(
                f,
                "a single record here passes the {} MiB limit; it is skipped",
                cap >> 20
            ),
            ErrorKind::InvalidUtf8 => {
                f.write_str("bytes that are not UTF-8 were replaced with \u{FFFD}")
            }
            ErrorKind::Syntax { detail } => write!(f, "invalid JSON: {detail}; skipped"),
            ErrorKind::Truncated => f.write_str(
                "file is cut off here (truncated); the records before it are kept",
            ),
            ErrorKind::RecordCut {
                damage_after,
                resumed_after,
                detail,
            } => write!(
                f,
                "record cut off or damaged {damage_after} bytes in ({detail}); recovered {resumed_after} bytes on, at the next record"
            ),
            ErrorKind::BetweenRecords { length } => {
                write!(f, "text between records ({length} bytes) skipped")
            }
            ErrorKind::RecoveryBudget { skipped } => write!(
                f,
                "damage too dense to recover within a linear budget (hostile file?); the last {skipped} bytes are skipped"
            ),
            ErrorKind::Repaired { detail } => f.write_str(detail),
            ErrorKind::CutAtStart { skipped } => write!(
                f,
                "file starts in the middle of a record (cut off at the start); the first {skipped} bytes are skipped"
            ),
            ErrorKind::NotCloudTrail { what } => {
                write!(f, "not a CloudTrail record: {what}; skipped")
            }
            ErrorKind::BadEmbeddedRecord { field, detail } => {
                write!(f, "`{field}` does not hold a CloudTrail record: {detail}; skipped")
            }
            ErrorKind::CsvRow { detail } => write!(f, "CSV row skipped: {detail}"),
            ErrorKind::DamagedField { detail } => f.write_str(detail),
            ErrorKind::Unrecognized { start } => write!(
                f,
                "not a CloudTrail file: neither JSON nor the console's CSV (starts with {start})"
            ),
            ErrorKind::Unreadable { detail } => write!(f, "could not read the file: {detail}"),
            ErrorKind::MoreIssues { count } => write!(f, "{count} more issues not listed"),
        }
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Where damage ends is named in bytes of the file, like where it starts.
        if let Position::Text { offset, .. } = self.position {
            match &self.kind {
                ErrorKind::RecordCut {
                    damage_after,
                    resumed_after,
                    detail,
                } => {
                    return write!(
                        f,
                        "{}: record cut off at byte {} ({detail}); recovered at byte {}",
                        self.position,
                        offset + damage_after,
                        offset + resumed_after
                    )
                }
                ErrorKind::BetweenRecords { length } => {
                    return write!(
                        f,
                        "{}: text between records at bytes {offset}–{} skipped",
                        self.position,
                        offset + length
                    )
                }
                _ => {}
            }
        }
        write!(f, "{}: {}", self.position, self.kind)
    }
}

impl std::error::Error for IngestError {}

/// The ledger entry for one input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileReport {
    /// Name or relative path, as the user gave it.
    pub path: String,
    pub format: Format,
    pub compressed: bool,
    /// Size as given (compressed, if it was).
    pub bytes: u64,
    /// Size after decompression.
    pub decoded_bytes: u64,
    /// Records read from the file.
    pub records: u32,
    /// Records that were new to the store (set by the store; the rest were duplicates).
    pub kept: u32,
    pub duplicates: u32,
    /// Kept records whose eventID a different record (other time, name or source) already
    /// had: both are kept (set by the store).
    #[serde(default)]
    pub reused_ids: u32,
    /// Good records left out by the load filter ("load only what matches").
    #[serde(default)]
    pub filtered: u32,
    /// Records (or rows, lines, damaged regions) skipped.
    pub skipped: u32,
    pub issues: Vec<IngestError>,
    /// Things worth knowing that lost nothing (e.g. "CONTROL_MESSAGE skipped").
    pub notes: Vec<String>,
    /// What a digest vouches for, for files named as CloudTrail log objects
    /// ([`is_log_object`]); computed while the file is read.
    #[serde(default)]
    pub content: Option<Content>,
}

impl FileReport {
    /// The entry of a file of which nothing has been read (yet): no bytes, no records,
    /// no issues.
    pub fn new(path: &str, format: Format) -> FileReport {
        FileReport {
            path: path.to_owned(),
            format,
            compressed: false,
            bytes: 0,
            decoded_bytes: 0,
            records: 0,
            kept: 0,
            duplicates: 0,
            reused_ids: 0,
            filtered: 0,
            skipped: 0,
            issues: Vec::new(),
            notes: Vec::new(),
            content: None,
        }
    }
}

/// What a CloudTrail digest's `hashValue` is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// SHA-256 of the uncompressed bytes (a gzip file's first member).
    pub sha256: [u8; 32],
    /// Bytes follow the first gzip member: records no digest hash covers.
    pub trailing: bool,
}

/// Files named as CloudTrail delivers log objects (`ACCOUNT_CloudTrail_REGION_…`) are
/// hashed as they are read, so a digest loaded before or after them can vouch for them;
/// other files are not (hashing costs CPU and no digest can name them).
pub fn is_log_object(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    (name.contains("_CloudTrail_") || name.contains("_CloudTrail-Insight_"))
        && !name.contains("_CloudTrail-Digest_")
}

/// A file's records and its report.
#[derive(Debug)]
pub struct Ingested {
    pub report: FileReport,
    pub records: Vec<Record<'static>>,
}

/// Reads one file. Never fails: problems are in `report.issues`.
pub fn ingest_file(path: &str, bytes: &[u8], limits: &Limits) -> Ingested {
    let mut sink = Sink::new(limits);
    let decoded = decode::decode(path, bytes, limits, &mut sink);
    let format = match &decoded.text {
        Some(text) if !text.trim().is_empty() => {
            let format = if results::looks_like_results(text) {
                results::read(text, &mut sink);
                Format::QueryResults
            } else if csv::looks_like_csv(text) {
                csv::read(text, &mut sink);
                Format::ConsoleCsv
            } else {
                json::read(text, &mut sink)
            };
            let records = sink.records.len();
            sink.settle(format, text, records)
        }
        Some(_) => {
            if sink.issues.is_empty() {
                sink.issue(Position::File, ErrorKind::Empty);
            }
            Format::Empty
        }
        None => Format::Unrecognized,
    };
    let records = std::mem::take(&mut sink.records);
    let report = sink.report(Summary {
        path,
        format,
        compressed: decoded.compressed,
        bytes: bytes.len() as u64,
        decoded_bytes: decoded.text.as_ref().map_or(0, |t| t.len() as u64),
        records: records.len() as u64,
    });
    let report = FileReport {
        content: decoded.content,
        ..report
    };
    Ingested { report, records }
}

/// What a report says besides the sink's issues and notes.
struct Summary<'a> {
    path: &'a str,
    format: Format,
    compressed: bool,
    bytes: u64,
    decoded_bytes: u64,
    records: u64,
}

/// Where the readers put what they find.
struct Sink {
    max_issues: usize,
    records: Vec<Record<'static>>,
    issues: Vec<IngestError>,
    dropped_issues: u32,
    notes: Vec<String>,
}

impl Sink {
    fn new(limits: &Limits) -> Self {
        Sink {
            max_issues: limits.max_issues_per_file,
            records: Vec::new(),
            issues: Vec::new(),
            dropped_issues: 0,
            notes: Vec::new(),
        }
    }

    fn issue(&mut self, position: Position, kind: ErrorKind) {
        if self.issues.len() < self.max_issues {
            self.issues.push(IngestError::new(position, kind));
        } else {
            self.dropped_issues += 1;
        }
    }

    /// The final word on a JSON or CSV text's format: nothing recognised is an issue
    /// (naming how `text` starts), unless some records were found anyway.
    fn settle(&mut self, mut format: Format, text: &str, records: usize) -> Format {
        if format == Format::Unrecognized && self.issues.is_empty() {
            let start: String = text.chars().take(24).collect();
            self.issue(
                Position::File,
                ErrorKind::Unrecognized {
                    start: format!("{start:?}"),
                },
            );
        }
        if format == Format::Unrecognized && records > 0 {
            format = Format::JsonFragment;
        }
        format
    }

    /// The ledger entry: the issues (with a count of those left out), what they skipped.
    fn report(self, s: Summary) -> FileReport {
        let skipped = self.issues.iter().filter(|i| i.loses_data()).count() as u32;
        let mut issues = self.issues;
        if self.dropped_issues > 0 {
            issues.push(IngestError::new(
                Position::File,
                ErrorKind::MoreIssues {
                    count: self.dropped_issues,
                },
            ));
        }
        FileReport {
            compressed: s.compressed,
            bytes: s.bytes,
            decoded_bytes: s.decoded_bytes,
            records: s.records.min(u64::from(u32::MAX)) as u32,
            skipped: skipped + self.dropped_issues,
            issues,
            notes: self.notes,
            ..FileReport::new(s.path, s.format)
        }
    }

    fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

/// 1-based line and column of a byte offset in `text`.
fn text_position(text: &str, offset: usize) -> Position {
    text_position_at(text, offset, Origin::default())
}

/// Where a piece of text begins in the file: a streamed line or tail is read on its own,
/// and its positions are the file's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Origin {
    /// Byte offset of the piece's first byte in the (decoded) file.
    offset: u64,
    /// Newlines in the file before the piece.
    lines: u64,
    /// Bytes between the last newline before the piece and the piece.
    column: u64,
}

/// [`text_position`] of a piece of text that begins at `origin` in the file.
fn text_position_at(text: &str, offset: usize, origin: Origin) -> Position {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let newlines = before.iter().filter(|&&b| b == b'\n').count() as u64;
    let column = match before.iter().rposition(|&b| b == b'\n') {
        Some(p) => (offset - p - 1) as u64,
        None => origin.column + offset as u64,
    };
    Position::Text {
        offset: origin.offset + offset as u64,
        line: (origin.lines + newlines + 1) as u32,
        column: (column + 1) as u32,
    }
}
