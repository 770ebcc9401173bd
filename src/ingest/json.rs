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
use std::collections::{BTreeMap, HashSet};

use serde_json::value::RawValue;

use super::{text_position_at, ErrorKind, Format, Origin, Sink};
use crate::event::Record;

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
    .line(line, 0)
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
    Array(Option<Inner>),
    Unknown,
}

/// The shape of an array's first recognised element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inner {
    Record,
    LookupEvent,
    EventBridge,
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
        Shape::Array(Some(Inner::Record)) => Format::RecordArray,
        Shape::Array(Some(Inner::LookupEvent)) => Format::LookupEvents,
        Shape::Array(Some(Inner::EventBridge)) => Format::EventBridge,
        Shape::Array(_) | Shape::Unknown => Format::Unrecognized,
    }
}

/// Whether a parsed object is a CloudTrail record (rather than a wrapper or anything else).
pub(super) fn is_recordish(r: &Record) -> bool {
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
        for line in self.text.split_inclusive('\n') {
            let at = line_start;
            line_start += line.len();
            if let Some(f) = self.line(line, at) {
                format = format.or(Some(f));
            }
        }
        format.unwrap_or(Format::Unrecognized)
    }

    /// One NDJSON line at byte `at`: its format, if it held something known.
    fn line(&mut self, line: &str, at: usize) -> Option<Format> {
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
                self.syntax_at(at + lead, trimmed, &e);
                None
            }
        }
    }

    /// Several pretty-printed values one after another; recovery after the first error.
    fn stream(&mut self, start: usize) -> Format {
        let mut format = None;
        let mut stream =
            serde_json::Deserializer::from_str(&self.text[start..]).into_iter::<&RawValue>();
        let mut good_end = start;
        while let Some(next) = stream.next() {
            match next {
                Ok(raw) => {
                    let at = self.offset_of(raw, good_end);
                    let shape = self.take(raw, at, 0, Context::Top);
                    if shape != Shape::Unknown {
                        format = format.or(Some(format_of(shape, Layout::Lines)));
                    }
                    good_end = start + stream.byte_offset();
                }
                Err(_) => {
                    let recovered = self.recover(good_end);
                    return format.or(recovered).unwrap_or(Format::Unrecognized);
                }
            }
        }
        format.unwrap_or(Format::Unrecognized)
    }

    /// Keeps every `{...}` region from `from` on that parses and is a record or a known
    /// wrapper. Returns the format of the first one found.
    fn recover(&mut self, from: usize) -> Option<Format> {
        let text = self.text;
        // Cut off at the start? Begin at the first thing that looks like an object's
        // start, `{"`, so we don't read the rest of the file with string parity flipped.
        let rest = &text[from..];
        let start = if rest.trim_start().starts_with(['{', '[']) {
            from
        } else {
            let start = from + find_object_start(rest)?;
            self.issue_at(
                from,
                ErrorKind::CutAtStart {
                    skipped: (start - from) as u64,
                },
            );
            start
        };
        let mut format = None;
        let mut free_from = start; // candidates before this lie inside a kept value
        let mut unclosed: Option<usize> = None; // innermost unclosed `{` since the last kept value
        let mut reported = HashSet::new();
        let mut any_unclosed = false;
        for (open, close) in match_braces(text.as_bytes(), start) {
            // A value of a key (`"userIdentity": {...}`) is never a record of its own, even
            // when a missing brace lets it swallow the rest of its record.
            if open < free_from || text[..open].trim_end().ends_with(':') {
                continue;
            }
            let Some(close) = close else {
                unclosed = Some(open);
                any_unclosed = true;
                continue;
            };
            let slice = &text[open..=close];
            match serde_json::from_str::<&RawValue>(slice) {
                Ok(raw) => {
                    let shape = self.take(raw, open, 0, Context::Recovery);
                    if shape != Shape::Unknown {
                        format = format.or(Some(match format_of(shape, Layout::Lines) {
                            Format::RecordLines => Format::JsonFragment,
                            f => f,
                        }));
                        free_from = close + 1;
                        unclosed = None;
                    }
                }
                Err(e) => {
                    // A damaged record fails at the same byte as every region holding
                    // it: report each bad byte once.
                    let bad = open + byte_offset(slice, e.line(), e.column());
                    if reported.insert(bad) {
                        self.issue_at(
                            bad,
                            ErrorKind::Syntax {
                                detail: strip_position(&e),
                            },
                        );
                    }
                }
            }
        }
        // Cut inside a record: point at the record. Cut between records (the container
        // never closes, and no syntax error explains the missing brace): point at the end.
        let cut_between = any_unclosed && reported.is_empty();
        if let Some(at) = unclosed.or(cut_between.then_some(text.len())) {
            self.issue_at(at, ErrorKind::Truncated);
        }
        if format.is_none() && self.sink.issues.is_empty() {
            return None;
        }
        // A damaged `{"Records": [...]}` is still a CloudTrail log file.
        let head: String = text[start..].chars().take(64).collect();
        if format == Some(Format::JsonFragment)
            && head.starts_with('{')
            && head.contains("\"Records\"")
        {
            return Some(Format::CloudTrailRecords);
        }
        Some(format.unwrap_or(Format::JsonFragment))
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

/// Offset of the first `{` followed (after white space) by `"`.
fn find_object_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().find_map(|(i, &b)| {
        (b == b'{'
            && bytes[i + 1..]
                .iter()
                .find(|c| !c.is_ascii_whitespace())
                .is_some_and(|&c| c == b'"'))
        .then_some(i)
    })
}

/// Every `{` from `start` on, with its matching `}` (`None` when the text ends first),
/// in order of the `{`. One linear, string-aware pass, so hostile nesting stays linear.
fn match_braces(bytes: &[u8], start: usize) -> Vec<(usize, Option<usize>)> {
    let mut out: Vec<(usize, Option<usize>)> = Vec::new();
    let mut stack = Vec::new();
    let (mut in_string, mut escaped) = (false, false);
    for (i, &b) in bytes.iter().enumerate().skip(start) {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => {
                stack.push(out.len());
                out.push((i, None));
            }
            b'}' => {
                if let Some(k) = stack.pop() {
                    out[k].1 = Some(i);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braces_match_and_ignore_strings() {
        let text = br#"x{"a":"}{","b":{"c":1}} {"#;
        assert_eq!(
            match_braces(text, 0),
            vec![(1, Some(22)), (15, Some(21)), (24, None)]
        );
    }

    #[test]
    fn serde_positions_to_offsets() {
        let text = "ab\ncd\nef";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 2), 4);
        assert_eq!(byte_offset(text, 3, 0), 6);
    }

    #[test]
    fn object_start_skips_a_cut_off_prefix() {
        assert_eq!(find_object_start(r#"me":"x"},{"eventVersion":1}"#), Some(9));
        assert_eq!(find_object_start("no objects"), None);
    }
}
