//! Exporting events: JSON the app (and CloudTrail tooling) reads back, NDJSON, and CSV
//! for spreadsheets.
//!
//! Entry points: [`Exporter`] (a file a part at a time) and [`export`] (in one piece).

use serde::{Deserialize, Serialize};

use crate::store::{EventId, Store};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportFormat {
    /// `{"Records":[...]}`, as CloudTrail writes to S3.
    Json,
    /// One record per line.
    Ndjson,
    /// The table's fields, one event per row, with the console export's header names.
    Csv,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Csv => "csv",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ExportFormat::Json => "application/json",
            ExportFormat::Ndjson => "application/x-ndjson",
            ExportFormat::Csv => "text/csv",
        }
    }
}

/// CSV columns: the console's header names where it has one, so the file loads back.
const CSV_HEADER: &str = "Event ID,Event time,Event name,Event source,AWS region,Principal,Identity type,Recipient account ID,Source IP address,User agent,Error code,Read-only,Event type\r\n";

/// The events `ids`, in that order, as a file's bytes, in one piece (see [`Exporter`]).
pub fn export(
    store: &Store,
    ids: impl IntoIterator<Item = EventId>,
    format: ExportFormat,
) -> Vec<u8> {
    let mut exporter = Exporter::new(ids.into_iter().collect(), format);
    exporter.next_part(store, usize::MAX).unwrap_or_default()
}

/// A file of events written a part at a time, so that neither side of the worker
/// boundary ever holds the whole file (1M events are ~850 MB of JSON): it keeps only the
/// events' ids (4 bytes each) and where it is.
#[derive(Clone, Debug)]
pub struct Exporter {
    ids: Vec<EventId>,
    format: ExportFormat,
    /// What is written so far.
    at: Step,
}

/// Where an [`Exporter`] is in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Header,
    /// The record of `ids[n]` is next.
    Record(usize),
    Footer,
    Done,
}

impl Exporter {
    /// The events `ids`, in that order, as a file of `format`.
    pub fn new(ids: Vec<EventId>, format: ExportFormat) -> Self {
        Exporter {
            ids,
            format,
            at: Step::Header,
        }
    }

    /// The events the file holds.
    pub fn events(&self) -> usize {
        self.ids.len()
    }

    /// The events written so far.
    pub fn written(&self) -> usize {
        match self.at {
            Step::Header => 0,
            Step::Record(n) => n,
            Step::Footer | Step::Done => self.ids.len(),
        }
    }

    /// True once the whole file is out.
    pub fn is_done(&self) -> bool {
        self.at == Step::Done
    }

    /// The file's next bytes: whole pieces (the header, records, the footer) until the
    /// part holds `max_bytes` or more, so it passes that by less than one record and
    /// holds at least one piece. `None` once the file is done.
    pub fn next_part(&mut self, store: &Store, max_bytes: usize) -> Option<Vec<u8>> {
        if self.is_done() {
            return None;
        }
        let mut out = String::new();
        while !self.is_done() && (out.is_empty() || out.len() < max_bytes) {
            self.at = self.step(store, &mut out);
        }
        Some(out.into_bytes())
    }

    /// Writes the piece at `self.at` (the header, one record, or the footer) to `out`;
    /// where the file is after it.
    fn step(&self, store: &Store, out: &mut String) -> Step {
        let record = |n: usize| match n < self.ids.len() {
            true => Step::Record(n),
            false => Step::Footer,
        };
        match self.at {
            Step::Header => {
                out.push_str(match self.format {
                    ExportFormat::Json => "{\"Records\":[",
                    ExportFormat::Ndjson => "",
                    ExportFormat::Csv => CSV_HEADER,
                });
                record(0)
            }
            Step::Record(n) => {
                self.record(store, n, out);
                record(n + 1)
            }
            Step::Footer => {
                out.push_str(match self.format {
                    ExportFormat::Json => "]}\n",
                    ExportFormat::Ndjson | ExportFormat::Csv => "",
                });
                Step::Done
            }
            Step::Done => Step::Done,
        }
    }

    /// The `n`th event's record, with the separator before it.
    fn record(&self, store: &Store, n: usize, out: &mut String) {
        let id = self.ids[n];
        match self.format {
            ExportFormat::Json => {
                if n > 0 {
                    out.push_str(",\n");
                }
                out.push_str(store.raw(id).as_deref().unwrap_or("{}"));
            }
            ExportFormat::Ndjson => {
                // JSON strings cannot hold raw line breaks, so every one in a record's
                // text is whitespace between tokens: a space keeps the record valid.
                let raw = store.raw(id);
                out.extend(raw.as_deref().unwrap_or("{}").chars().map(|c| match c {
                    '\n' | '\r' => ' ',
                    c => c,
                }));
                out.push('\n');
            }
            ExportFormat::Csv => csv_row(store, id, out),
        }
    }
}

/// One event's CSV row (nothing for an event the store does not hold).
fn csv_row(store: &Store, id: EventId, out: &mut String) {
    let Some(row) = store.row(id) else { return };
    let time = row.time.map(crate::time::format_iso).unwrap_or_default();
    let fields = [
        &row.event_id,
        &time,
        &row.name,
        &row.source,
        &row.region,
        &row.principal,
        &row.identity_type,
        &row.account,
        &row.source_ip,
        &row.user_agent,
        &row.error_code,
        &row.read_only,
        &row.event_type,
    ];
    for (n, field) in fields.into_iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        csv_field(out, field);
    }
    out.push_str("\r\n");
}

/// RFC 4180 quoting; a leading `=`, `+`, `-` or `@` is prefixed with `'` so that a
/// spreadsheet never runs a logged value as a formula (CSV injection).
fn csv_field(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err();
    let quote = formula || value.contains([',', '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in value.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}
