//! JSON text → records: shape detection, wrapper unwrapping, NDJSON, and record-level
//! recovery from damaged or truncated files.
//!
//! Three passes at most, each only when the one before fails:
//! 1. the whole text as one JSON value (the common case: one S3 delivery file);
//! 2. one value per line (NDJSON forms);
//! 3. recovery: every `{...}` region (string-aware brace matching, one linear scan) that
//!    parses and is a record or a known wrapper is kept; the damage between them becomes
//!    positioned issues. This is how a cut-off `{"Records":[...]}` keeps all its complete
//!    records, and how a file cut off at the *start* still yields the records after the cut.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::{text_position_at, ErrorKind, Format, Origin, Sink};
use crate::event::Record;

mod recover;

/// Wrappers nest (an SQS body holding an EventBridge envelope holding a record); more
/// than this is hostile input, not a real file.
const MAX_WRAP_DEPTH: u8 = 4;

/// Records of a top-level value at most this long are tried as one record first; longer
/// ones are only probed for their keys (a 1 GB `{"Records":[...]}` is never one record).
pub(super) const TOP_RECORD_MAX: usize = 64 * 1024;

pub(super) fn read(text: &str, sink: &mut Sink) -> Format {
    let mut reader = Reader {
        text,
        sink,
        origin: Origin::default(),
    };
    let start = text.len() - text.trim_start().len();
    if !matches!(text.as_bytes().get(start), Some(b'{' | b'[')) {
        return reader.recover(start).unwrap_or(Format::Unrecognized);
    }
    match serde_json::from_str::<&RawValue>(text) {
        Ok(raw) => {
            let shape = reader.take(raw, start, 0, Context::Top);
            format_of(shape, Layout::Single)
        }
        Err(_) if first_line_is_a_value(text) => reader.lines(),
        Err(e) if e.to_string().starts_with("trailing characters") => reader.stream(start),
        Err(_) => reader.recover(start).unwrap_or(Format::Unrecognized),
    }
}

fn first_line_is_a_value(text: &str) -> bool {
    let first = text.trim_start().lines().next().unwrap_or("");
    first.len() < text.trim().len() && serde_json::from_str::<&RawValue>(first).is_ok()
}

/// One line of an NDJSON file, read on its own: the line's format, if it held one. The
/// line begins at `origin` in the file (positions in issues are the file's).
pub(super) fn read_line(line: &str, origin: Origin, sink: &mut Sink) -> Option<Format> {
    Reader {
        text: line,
        sink,
        origin,
    }
    .line(line, 0, origin)
}

struct Reader<'t, 's> {
    text: &'t str,
    sink: &'s mut Sink,
    /// Where `text` begins in the file.
    origin: Origin,
}

/// What a JSON value turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Record,
    Records,
    Sqs,
    LookupEvents,
    LookupEvent,
    EventBridge,
    CloudWatchSubscription,
    CloudWatchEvents,
    Digest,
    /// Splunk / Cribl exports: the record(s) in `_raw`.
    Siem,
    S3Notification,
    Array(Option<Inner>),
    Unknown,
}

/// The shape of an array's first recognised element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inner {
    Record,
    LookupEvent,
    EventBridge,
    Siem,
    S3Notification,
    Other,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    Single,
    Lines,
}

/// Where a value sits, which decides how quiet to be about values that aren't records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Top,
    Item,
    /// A `{...}` region found by recovery: nested fragments of a damaged record are
    /// expected there and skipped silently.
    Recovery,
}

fn format_of(shape: Shape, layout: Layout) -> Format {
    match shape {
        Shape::Record if layout == Layout::Lines => Format::RecordLines,
        Shape::Record => Format::SingleRecord,
        Shape::Records => Format::CloudTrailRecords,
        Shape::Sqs => Format::SqsBatch,
        Shape::LookupEvents => Format::LookupEvents,
        Shape::LookupEvent => Format::LookupEventsLines,
        Shape::EventBridge => Format::EventBridge,
        Shape::CloudWatchSubscription => Format::CloudWatchLogsSubscription,
        Shape::CloudWatchEvents => Format::CloudWatchLogsEvents,
        Shape::Digest => Format::CloudTrailDigest,
        Shape::Siem | Shape::Array(Some(Inner::Siem)) => Format::SiemExport,
        Shape::S3Notification | Shape::Array(Some(Inner::S3Notification)) => Format::S3Notification,
        Shape::Array(Some(Inner::Record)) => Format::RecordArray,
        Shape::Array(Some(Inner::LookupEvent)) => Format::LookupEvents,
        Shape::Array(Some(Inner::EventBridge)) => Format::EventBridge,
        Shape::Array(_) | Shape::Unknown => Format::Unrecognized,
    }
}

/// Whether a parsed object is a CloudTrail record (rather than a wrapper or anything else).
pub(super) fn is_recordish(r: &Record) -> bool {
    // S3 event notifications (`"eventSource": "aws:s3"`) look like records but are not.
    r.event_source.as_deref() != Some("aws:s3") && is_recordish_shape(r)
}

fn is_recordish_shape(r: &Record) -> bool {
    r.event_version.is_some()
        || r.event_time.is_some()
        || r.event_name.is_some()
        || r.event_id.is_some()
        || r.identity != Default::default()
}

type Probe<'a> = BTreeMap<Cow<'a, str>, &'a RawValue>;

impl Reader<'_, '_> {
    /// Handles one value at byte offset `at`; returns what it was.
    fn take(&mut self, raw: &RawValue, at: usize, depth: u8, cx: Context) -> Shape {
        let text = raw.get();
        if depth > MAX_WRAP_DEPTH {
            self.issue_at(
                at,
                ErrorKind::NotCloudTrail {
                    what: format!("wrappers nested more than {MAX_WRAP_DEPTH} deep"),
                },
            );
            return Shape::Unknown;
        }
        if text.starts_with('[') {
            return self.array(raw, at, depth, cx);
        }
        if !text.starts_with('{') {
            if cx != Context::Recovery {
                self.issue_at(
                    at,
                    ErrorKind::NotCloudTrail {
                        what: format!("a JSON {}", json_kind(text)),
                    },
                );
            }
            return Shape::Unknown;
        }
        // Items are nearly always plain records: read them directly, and only probe the
        // keys of the rare ones that turn out not to be.
        if cx != Context::Top || text.len() < TOP_RECORD_MAX {
            match Record::from_json(text) {
                Ok(record) if is_recordish(&record) => {
                    self.sink.records.push(record.into_owned());
                    return Shape::Record;
                }
                Ok(_) => {}
                Err(e) => {
                    self.syntax_at(at, text, &e);
                    return Shape::Unknown;
                }
            }
        }
        let probe: Probe = match serde_json::from_str(text) {
            Ok(p) => p,
            Err(e) => {
                self.syntax_at(at, text, &e);
                return Shape::Unknown;
            }
        };
        self.wrapper(&probe, at, depth, cx)
    }

    fn wrapper(&mut self, p: &Probe, at: usize, depth: u8, cx: Context) -> Shape {
        let has = |k: &str| p.contains_key(k);
        if let Some(records) = p.get("Records") {
            let shape = self.array(records, self.offset_of(records, at), depth, Context::Item);
            return match shape {
                Shape::Array(Some(Inner::Other)) => Shape::Sqs,
                Shape::Array(Some(Inner::S3Notification)) => Shape::S3Notification,
                _ => Shape::Records,
            };
        }
        if let Some(events) = p.get("Events") {
            self.array(events, self.offset_of(events, at), depth, Context::Item);
            return Shape::LookupEvents;
        }
        if let Some(inner) = p.get("CloudTrailEvent") {
            self.embedded(inner, "CloudTrailEvent", at, depth);
            return Shape::LookupEvent;
        }
        if let Some(log_events) = p.get("logEvents") {
            let control = p
                .get("messageType")
                .is_some_and(|m| m.get().contains("CONTROL_MESSAGE"));
            if control {
                self.sink.note(
                    "CONTROL_MESSAGE skipped (a CloudWatch Logs connectivity check, not an event)",
                );
            } else {
                self.messages(log_events, at, depth);
            }
            return Shape::CloudWatchSubscription;
        }
        if let Some(events) = p.get("events").filter(|e| e.get().starts_with('[')) {
            self.messages(events, at, depth);
            return Shape::CloudWatchEvents;
        }
        if let Some(detail) = p
            .get("detail")
            .filter(|_| has("detail-type") || has("source"))
        {
            self.take(detail, self.offset_of(detail, at), depth + 1, Context::Item);
            return Shape::EventBridge;
        }
        // Splunk and Cribl exports: the event in `_raw` (a string holding a record or a
        // whole `{"Records":[...]}` file, or the object itself), beside the exporter's
        // own fields (`_time`, `host`, `sourcetype`, `cribl_*`...), which are ignored.
        if let Some(inner) = p.get("_raw") {
            self.embedded(inner, "_raw", at, depth);
            return Shape::Siem;
        }
        // Splunk's JSON export: one `{"preview":false,"result":{..."_raw":...}}` per line.
        if let Some(result) = p
            .get("result")
            .filter(|r| has("preview") && r.get().starts_with('{'))
        {
            let shape = self.take(result, self.offset_of(result, at), depth + 1, Context::Item);
            return if shape == Shape::Unknown {
                shape
            } else {
                Shape::Siem
            };
        }
        // The event S3 sends to Lambda, SQS and SNS: `"eventSource": "aws:s3"`.
        if p.get("eventSource")
            .is_some_and(|s| s.get() == "\"aws:s3\"")
        {
            let name = p
                .get("eventName")
                .and_then(|n| serde_json::from_str::<String>(n.get()).ok())
                .unwrap_or_default();
            self.issue_at(
                at,
                ErrorKind::NotCloudTrail {
                    what: format!("an S3 event notification ({name})"),
                },
            );
            return Shape::S3Notification;
        }
        if has("messageId") {
            if let Some(body) = p.get("body") {
                self.embedded(body, "body", at, depth);
                return Shape::Array(Some(Inner::Other));
            }
        }
        if has("logFiles") || has("digestStartTime") {
            let files = p
                .get("logFiles")
                .and_then(|f| serde_json::from_str::<Vec<&RawValue>>(f.get()).ok())
                .map_or(0, |f| f.len());
            self.sink.note(format!(
                "CloudTrail digest file: lists {files} log files (hashes for validation), no events"
            ));
            return Shape::Digest;
        }
        if cx != Context::Recovery {
            let keys: Vec<&str> = p.keys().take(6).map(|k| &**k).collect();
            let what = if keys.is_empty() {
                "an empty object".to_owned()
            } else {
                format!("an object with keys {}", keys.join(", "))
            };
            self.issue_at(at, ErrorKind::NotCloudTrail { what });
        }
        Shape::Unknown
    }

    fn array(&mut self, raw: &RawValue, at: usize, depth: u8, cx: Context) -> Shape {
        let items: Vec<&RawValue> = match serde_json::from_str(raw.get()) {
            Ok(items) => items,
            Err(e) => {
                if cx != Context::Recovery {
                    self.syntax_at(at, raw.get(), &e);
                }
                return Shape::Unknown;
            }
        };
        let mut inner = None;
        for item in items {
            let shape = self.take(item, self.offset_of(item, at), depth + 1, Context::Item);
            inner = inner.or(match shape {
                Shape::Record => Some(Inner::Record),
                Shape::LookupEvent => Some(Inner::LookupEvent),
                Shape::EventBridge => Some(Inner::EventBridge),
                Shape::Siem => Some(Inner::Siem),
                Shape::S3Notification => Some(Inner::S3Notification),
                Shape::Unknown => None,
                _ => Some(Inner::Other),
            });
        }
        Shape::Array(inner)
    }

    /// CloudWatch Logs `[{"message": "<record>"}]`.
    fn messages(&mut self, raw: &RawValue, at: usize, depth: u8) {
        #[derive(serde::Deserialize)]
        struct Message<'a> {
            #[serde(borrow)]
            message: Option<&'a RawValue>,
        }
        match serde_json::from_str::<Vec<Message>>(raw.get()) {
            Ok(messages) => {
                for m in messages {
                    match m.message {
                        Some(inner) => self.embedded(inner, "message", at, depth),
                        None => self.issue_at(
                            at,
                            ErrorKind::NotCloudTrail {
                                what: "a log event without `message`".to_owned(),
                            },
                        ),
                    }
                }
            }
            Err(e) => self.syntax_at(self.offset_of(raw, at), raw.get(), &e),
        }
    }

    /// A string field whose content is a record (lookup-events, CloudWatch Logs, SQS).
    fn embedded(&mut self, raw: &RawValue, field: &str, at: usize, depth: u8) {
        let at = self.offset_of(raw, at);
        let bad = |detail: String| ErrorKind::BadEmbeddedRecord {
            field: field.to_owned(),
            detail,
        };
        // Some producers put the object itself rather than a string: accept both.
        let inner: Cow<str> = if raw.get().starts_with('"') {
            match serde_json::from_str::<Cow<str>>(raw.get()) {
                Ok(s) => s,
                Err(e) => return self.issue_at(at, bad(e.to_string())),
            }
        } else {
            Cow::Borrowed(raw.get())
        };
        match serde_json::from_str::<&RawValue>(&inner) {
            Ok(value) => {
                // Offsets inside an unescaped string don't map onto the file: report at
                // the field itself.
                let before = self.sink.issues.len();
                self.take(value, at, depth + 1, Context::Item);
                let position = text_position_at(self.text, at, self.origin);
                for issue in &mut self.sink.issues[before..] {
                    issue.position = position.clone();
                }
            }
            Err(e) => self.issue_at(at, bad(format!("{e}"))),
        }
    }

    /// NDJSON: each line on its own, an error costs only its line.
    fn lines(&mut self) -> Format {
        let mut format = None;
        let mut line_start = 0;
        for (i, line) in self.text.split_inclusive('\n').enumerate() {
            let at = line_start;
            line_start += line.len();
            // Where the line begins in the file (the text is the file or one line of it).
            let origin = if at == 0 {
                self.origin
            } else {
                Origin {
                    offset: self.origin.offset + at as u64,
                    lines: self.origin.lines + i as u64,
                    column: 0,
                }
            };
            if let Some(f) = self.line(line, at, origin) {
                format = format.or(Some(f));
            }
        }
        format.unwrap_or(Format::Unrecognized)
    }

    /// One NDJSON line at byte `at` (`origin` in the file): its format, if it held
    /// something known. A line that does not parse is recovered on its own: records glued
    /// into it (a lost newline) are kept.
    fn line(&mut self, line: &str, at: usize, origin: Origin) -> Option<Format> {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            return None;
        }
        let lead = line.len() - line.trim_start().len();
        match serde_json::from_str::<&RawValue>(trimmed) {
            Ok(raw) => {
                let shape = self.take(raw, at + lead, 0, Context::Item);
                (shape != Shape::Unknown).then(|| format_of(shape, Layout::Lines))
            }
            Err(e) => {
                let (issues, dropped) = (self.sink.issues.len(), self.sink.dropped_issues);
                let records = self.sink.records.len();
                let format = Reader {
                    text: line,
                    sink: self.sink,
                    origin,
                }
                .recover(lead);
                if self.sink.records.len() == records {
                    // Nothing whole in it: the line's own error says it best.
                    self.sink.issues.truncate(issues);
                    self.sink.dropped_issues = dropped;
                    self.syntax_at(at + lead, trimmed, &e);
                    return None;
                }
                // The damage is within the line, not at the file's start or end.
                for issue in &mut self.sink.issues[issues..] {
                    issue.kind = match std::mem::replace(&mut issue.kind, ErrorKind::Empty) {
                        ErrorKind::Truncated => ErrorKind::Syntax {
                            detail: "a record cut off at the end of its line".to_owned(),
                        },
                        ErrorKind::CutAtStart { skipped } => {
                            ErrorKind::BetweenRecords { length: skipped }
                        }
                        kind => kind,
                    };
                }
                format.map(|f| match f {
                    Format::JsonFragment => Format::RecordLines,
                    f => f,
                })
            }
        }
    }

    /// Several pretty-printed values one after another; recovery after the first error.
    fn stream(&mut self, start: usize) -> Format {
        let mut format = None;
        let mut stream =
            serde_json::Deserializer::from_str(&self.text[start..]).into_iter::<&RawValue>();
        let mut good_end = start;
        // After the last value kept, and the issues then: recovery starts there, as a
        // value that is no record (a string, say) may have swallowed a record's start.
        let mut kept_end = (start, self.sink.issues.len(), self.sink.dropped_issues);
        while let Some(next) = stream.next() {
            match next {
                Ok(raw) => {
                    let at = self.offset_of(raw, good_end);
                    let shape = self.take(raw, at, 0, Context::Top);
                    good_end = start + stream.byte_offset();
                    if shape != Shape::Unknown {
                        format = format.or(Some(format_of(shape, Layout::Lines)));
                        kept_end = (good_end, self.sink.issues.len(), self.sink.dropped_issues);
                    }
                }
                Err(_) => {
                    let (good_end, issues, dropped) = kept_end;
                    self.sink.issues.truncate(issues);
                    self.sink.dropped_issues = dropped;
                    let recovered = self.recover(good_end);
                    return format.or(recovered).unwrap_or(Format::Unrecognized);
                }
            }
        }
        format.unwrap_or(Format::Unrecognized)
    }

    fn offset_of(&self, raw: &RawValue, fallback: usize) -> usize {
        let base = self.text.as_ptr() as usize;
        let ptr = raw.get().as_ptr() as usize;
        if ptr >= base && ptr < base + self.text.len() {
            ptr - base
        } else {
            fallback
        }
    }

    fn issue_at(&mut self, at: usize, kind: ErrorKind) {
        let position = text_position_at(self.text, at, self.origin);
        self.sink.issue(position, kind);
    }

    /// A parse error inside `slice`, which starts at byte `at` of the file when it lies in
    /// the file (embedded strings are re-positioned by the caller).
    fn syntax_at(&mut self, at: usize, slice: &str, e: &serde_json::Error) {
        let inner = byte_offset(slice, e.line(), e.column());
        self.issue_at(
            at + inner,
            ErrorKind::Syntax {
                detail: strip_position(e),
            },
        );
    }
}

/// serde_json's message without its " at line L column C" (we report our own position).
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg,
    }
}

/// Byte offset in `text` of serde_json's 1-based line / column (column 0 = line start).
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn json_kind(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'"') => "string",
        Some(b't' | b'f') => "boolean",
        Some(b'n') => "null",
        _ => "number",
    }
}
