//! Exporting events: JSON the app (and CloudTrail tooling) reads back, NDJSON, and CSV
//! for spreadsheets.
//!
//! Entry point: [`export`].

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
const CSV_HEADER: &str = "Event ID,Event time,Event name,Event source,AWS region,Principal,Identity type,Recipient account ID,Source IP address,User agent,Error code,Read-only,Event type";

/// The events `ids`, in that order, as a file's bytes. An iterator: the session exports
/// its view (up to every event) newest first without a reversed copy of it.
pub fn export(
    store: &Store,
    ids: impl IntoIterator<Item = EventId>,
    format: ExportFormat,
) -> Vec<u8> {
    let mut out = String::new();
    match format {
        ExportFormat::Json => {
            out.push_str("{\"Records\":[");
            for (n, id) in ids.into_iter().enumerate() {
                if n > 0 {
                    out.push_str(",\n");
                }
                out.push_str(store.raw(id).as_deref().unwrap_or("{}"));
            }
            out.push_str("]}\n");
        }
        ExportFormat::Ndjson => {
            for id in ids {
                // JSON strings cannot hold raw line breaks, so every one in a record's
                // text is whitespace between tokens: a space keeps the record valid.
                let raw = store.raw(id);
                out.extend(raw.as_deref().unwrap_or("{}").chars().map(|c| match c {
                    '\n' | '\r' => ' ',
                    c => c,
                }));
                out.push('\n');
            }
        }
        ExportFormat::Csv => {
            out.push_str(CSV_HEADER);
            out.push_str("\r\n");
            for id in ids {
                let Some(row) = store.row(id) else { continue };
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
                    csv_field(&mut out, field);
                }
                out.push_str("\r\n");
            }
        }
    }
    out.into_bytes()
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
