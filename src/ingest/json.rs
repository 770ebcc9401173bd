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

    /// Resynchronising recovery: from `from` on, every place a record can start (`{`
    /// then a key) is tried with the real parser, in order; a value that parses whole and
    /// is a record or a known wrapper is kept and the scan resumes after it, whatever the
    /// damage before it did to quote parity. Each stretch of damage between kept values
    /// gets one issue naming what it was and where it ends. Returns the format of the
    /// first value kept.
    ///
    /// Linear: trial parses are charged to a budget of [`TRIAL_BUDGET_FACTOR`] times the
    /// text (plus a MiB); a hostile file that spends it has the rest skipped, and said so.
    fn recover(&mut self, from: usize) -> Option<Format> {
        let text = self.text;
        // Cut off at the start? Begin at the first thing that looks like an object's
        // start, `{"`.
        let rest = &text[from..];
        let start = if rest.trim_start().starts_with(['{', '[']) {
            from
        } else {
            let start = next_candidate(text, from)?;
            let skipped = (start - from) as u64;
            let kind = if text[..from].trim().is_empty() {
                ErrorKind::CutAtStart { skipped }
            } else {
                ErrorKind::BetweenRecords { length: skipped }
            };
            self.issue_at(from, kind);
            start
        };
        let mut format = None;
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut failed: Vec<Failure> = Vec::new();
        let mut budget = text.len().saturating_mul(TRIAL_BUDGET_FACTOR) + (1 << 20);
        let mut repairs_left = MAX_REPAIRS;
        let mut at = start;
        let mut gave_up = None;
        let (mut in_gap, mut containers) = (0, 0);
        while let Some(open) = next_candidate(text, at) {
            at = open + 1;
            let Some(trial) = self.trial(open, &mut budget, &mut repairs_left) else {
                gave_up = Some(open);
                break;
            };
            match trial {
                Trial::Value { end, shape } => {
                    if shape != Shape::Unknown {
                        format = format.or(Some(match format_of(shape, Layout::Lines) {
                            Format::RecordLines => Format::JsonFragment,
                            f => f,
                        }));
                        kept.push((open, end));
                        at = end;
                        in_gap = 0;
                    }
                }
                // The report needs the first few failures of each gap and the
                // containers' (few): a hostile file can't fill memory with them.
                Trial::Failed(f) => {
                    if is_container(text, open) {
                        if containers < MAX_FAILURES_PER_GAP {
                            containers += 1;
                            failed.push(f);
                        }
                    } else if in_gap < MAX_FAILURES_PER_GAP {
                        in_gap += 1;
                        failed.push(f);
                    }
                }
            }
        }
        let any_issue_before = !self.sink.issues.is_empty();
        self.report_gaps(start, &kept, &failed);
        if let Some(open) = gave_up {
            self.issue_at(
                open,
                ErrorKind::RecoveryBudget {
                    skipped: (text.len() - open) as u64,
                },
            );
        }
        if format.is_none() && !any_issue_before && self.sink.issues.is_empty() {
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

    /// Parses the value starting at `open` (repairing unquoted documentation timestamps);
    /// `None` when the budget is spent.
    fn trial(&mut self, open: usize, budget: &mut usize, repairs_left: &mut u32) -> Option<Trial> {
        let text = self.text;
        let mut repaired: Option<String> = None;
        let mut fixes: Vec<(usize, String)> = Vec::new();
        loop {
            let body: &str = repaired.as_deref().unwrap_or(&text[open..]);
            let mut values = serde_json::Deserializer::from_str(body).into_iter::<&RawValue>();
            let result = values.next();
            // What the parse read: the value, or up to where it failed.
            let scanned = match &result {
                Some(Ok(raw)) => raw.get().len(),
                Some(Err(e)) => byte_offset(body, e.line(), e.column()) + 1,
                None => body.len(),
            };
            *budget = budget.checked_sub(scanned)?;
            match result {
                Some(Ok(raw)) => {
                    let shape = self.take(raw, open, 0, Context::Recovery);
                    if shape != Shape::Unknown {
                        for (at, stamp) in &fixes {
                            self.issue_at(
                                *at,
                                ErrorKind::Repaired {
                                    detail: format!(
                                        "unquoted timestamp {stamp} (a documentation example's damage) read as the string \"{stamp}\"; the record is kept"
                                    ),
                                },
                            );
                        }
                    }
                    // In the original text, the value ends where it ends less the quotes added.
                    let end = (open + raw.get().len() - 2 * fixes.len()).min(text.len());
                    return Some(Trial::Value { end, shape });
                }
                Some(Err(e)) => {
                    let mut bad = byte_offset(body, e.line(), e.column());
                    while !body.is_char_boundary(bad) {
                        bad -= 1;
                    }
                    if *repairs_left > 0 {
                        if let Some(len) = unquoted_timestamp(&body[bad..]) {
                            *repairs_left -= 1;
                            let stamp = body[bad..bad + len].to_owned();
                            let original = open + bad - 2 * fixes.len();
                            fixes.push((original, stamp));
                            let window = (bad + MAX_REPAIR_WINDOW).min(body.len());
                            let mut fixed = String::with_capacity(window + 2);
                            fixed.push_str(&body[..bad]);
                            fixed.push('"');
                            fixed.push_str(&body[bad..bad + len]);
                            fixed.push('"');
                            fixed.push_str(&body[bad + len..window]);
                            repaired = Some(fixed);
                            continue;
                        }
                    }
                    let bad = (open + bad - 2 * fixes.len()).min(text.len());
                    return Some(Trial::Failed(Failure {
                        open,
                        bad,
                        eof: e.is_eof(),
                        error: Some(e),
                    }));
                }
                None => {
                    return Some(Trial::Failed(Failure {
                        open,
                        bad: text.len(),
                        eof: true,
                        error: None,
                    }))
                }
            }
        }
    }

    /// One issue per stretch of damage between the kept values (`kept`, in order), from
    /// the failures of the trial parses (`failed`, in order of their start).
    fn report_gaps(&mut self, start: usize, kept: &[(usize, usize)], failed: &[Failure]) {
        let text = self.text;
        let mut gap_start = start;
        let mut f = 0;
        let ends = kept
            .iter()
            .copied()
            .chain(std::iter::once((text.len(), text.len())));
        for (next, next_end) in ends {
            let last = next == text.len() && next_end == text.len();
            // Failures that start in this gap; skip those that start before it (inside a
            // kept value: an inner object that failed before its container parsed).
            while f < failed.len() && failed[f].open < gap_start {
                f += 1;
            }
            let here: Vec<&Failure> = failed[f..].iter().take_while(|x| x.open < next).collect();
            // A failure whose parse ran over a whole kept value was its container (a
            // damaged `{"Records":[`): its prefix is not damage.
            let cut = here
                .iter()
                .find(|x| !is_container(text, x.open) && (last || x.bad < next_end));
            let junk = first_junk(text, gap_start, next, &here);
            let gap_end = if last { text.len() } else { next };
            if let Some(c) = cut {
                if last {
                    self.issue_at(c.open, ErrorKind::Truncated);
                } else {
                    self.issue_at(
                        c.open,
                        ErrorKind::RecordCut {
                            damage_after: (c.bad.min(next) - c.open) as u64,
                            resumed_after: (next - c.open) as u64,
                            detail: c.detail(),
                        },
                    );
                }
            } else if let Some(j) = junk {
                self.issue_at(
                    j,
                    ErrorKind::BetweenRecords {
                        length: (gap_end - j) as u64,
                    },
                );
            } else if let Some(e) = failed.iter().find(|x| {
                if x.eof {
                    last
                } else {
                    x.bad >= gap_start && (x.bad < next_end || last)
                }
            }) {
                if e.eof {
                    // The container never closes, and nothing else explains it.
                    self.issue_at(text.len(), ErrorKind::Truncated);
                } else {
                    self.issue_at(e.bad.min(gap_end), ErrorKind::Syntax { detail: e.detail() });
                }
            }
            gap_start = next_end;
        }
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

/// Trial parses may scan at most this many times the text (plus a MiB) in all.
/// - Good: a hostile file (a million nested unclosed arrays of objects) stays linear.
/// - Bad: past it, the rest of a (hostile) file is skipped, and the ledger says so.
const TRIAL_BUDGET_FACTOR: usize = 16;
/// Failed trial parses remembered per stretch of damage (and containers per file).
const MAX_FAILURES_PER_GAP: usize = 8;
/// Unquoted timestamps repaired per file at most.
const MAX_REPAIRS: u32 = 64;
/// A repaired record is re-read from a copy of at most this much text.
const MAX_REPAIR_WINDOW: usize = 1 << 20;

/// What a trial parse from a candidate found.
enum Trial {
    /// A value that parses whole, ending at `end`, and what it was.
    Value {
        end: usize,
        shape: Shape,
    },
    Failed(Failure),
}

/// A candidate whose trial parse failed.
struct Failure {
    /// Where the candidate starts.
    open: usize,
    /// Where the parser gave up.
    bad: usize,
    /// The text ended first.
    eof: bool,
    /// The parser's error (formatted only for the few that are reported).
    error: Option<serde_json::Error>,
}

impl Failure {
    fn detail(&self) -> String {
        self.error
            .as_ref()
            .map_or_else(|| "EOF while parsing".to_owned(), strip_position)
    }
}

/// The next place at or after `at` where a record can start: `{`, white space, then a
/// key. A value of a key (`"userIdentity": {...}`) is never a record of its own, even when
/// a missing brace lets it swallow the rest of its record, unless it starts as records do
/// (a record glued after a cut that ended in `:`).
fn next_candidate(text: &str, mut at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        let open = at + memchr_brace(&bytes[at.min(bytes.len())..])?;
        at = open + 1;
        let after = text[open + 1..].trim_start();
        if !after.starts_with('"') {
            continue;
        }
        if text[..open].trim_end().ends_with(':') && !after.starts_with("\"eventVersion\"") {
            continue;
        }
        return Some(open);
    }
}

fn memchr_brace(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'{')
}

/// Whether the object at `open` is a records container (`{"Records": [`).
fn is_container(text: &str, open: usize) -> bool {
    container_prefix(text, open).is_some()
}

/// The length of `{ "Records" : [` at `open`, if it is there.
fn container_prefix(text: &str, open: usize) -> Option<usize> {
    let rest = &text[open + 1..];
    let after_key = rest.trim_start().strip_prefix("\"Records\"")?;
    let after_colon = after_key.trim_start().strip_prefix(':')?;
    let after_bracket = after_colon.trim_start().strip_prefix('[')?;
    Some(text.len() - open - after_bracket.len())
}

/// The first byte in `from..to` that is neither white space nor punctuation between
/// records (`,` `[` `]`, a closing `}` at the very end), nor a container's own opening.
fn first_junk(text: &str, from: usize, to: usize, failed: &[&Failure]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        if let Some(len) = failed
            .iter()
            .find(|f| f.open == i)
            .and_then(|f| container_prefix(text, f.open))
        {
            i += len;
            continue;
        }
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' => i += 1,
            b'}' if text[i + 1..to].trim().is_empty() || text[i + 1..to].trim() == "}" => i += 1,
            _ => return Some(i),
        }
    }
    None
}

/// The length of an unquoted month-name timestamp at the start of `text` (as AWS's
/// documentation prints some: `Jun 21, 2018 10:06:27 PM`), if one is there and a value
/// would end after it.
fn unquoted_timestamp(text: &str) -> Option<usize> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let head = text.get(..40).unwrap_or(text);
    if !MONTHS.iter().any(|m| head.starts_with(m)) {
        return None;
    }
    let end = ["AM", "PM"]
        .iter()
        .filter_map(|m| head.find(m).map(|i| i + 2))
        .min()?;
    let stamp = &text[..end];
    // Digit runs longer than a year's are not a date (and would overflow the parser).
    let short_numbers = stamp
        .split(|c: char| !c.is_ascii_digit())
        .all(|run| run.len() <= 4);
    let ok = short_numbers
        && stamp
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" ,:".contains(&b))
        && text[end..].trim_start().starts_with([',', '}']);
    (ok && crate::time::parse_timestamp(stamp).is_some()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_positions_to_offsets() {
        let text = "ab\ncd\nef";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 2), 4);
        assert_eq!(byte_offset(text, 3, 0), 6);
    }

    #[test]
    fn candidates_skip_a_cut_off_prefix_and_values_of_keys() {
        let text = r#"me":"x","p":{"a":1}},{"eventVersion":1} "k": {"eventVersion":2}"#;
        assert_eq!(next_candidate(text, 0), Some(21));
        assert_eq!(next_candidate(text, 22), Some(45));
        assert_eq!(next_candidate("no objects {1}", 0), None);
    }

    #[test]
    fn unquoted_documentation_timestamps_are_found() {
        assert_eq!(
            unquoted_timestamp("Jun 21, 2018 10:06:27 PM, \"x\": 1"),
            Some(24)
        );
        assert_eq!(unquoted_timestamp("Jun 21, 2018 10:06:27 PM }"), Some(24));
        assert_eq!(unquoted_timestamp("Jun 21, 2018 10:06:27 PM x"), None);
        assert_eq!(unquoted_timestamp("Jun 99999999999 1:00 PM }"), None);
        assert_eq!(unquoted_timestamp("June is nice"), None);
    }
}
