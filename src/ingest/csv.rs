//! The console's Event history CSV export → summary-only records.
//!
//! Sixteen columns (matched by header name, so reordered or extra columns are fine), the
//! `Resources` column holding JSON. Files re-saved by a spreadsheet are common: account
//! ids turned into `5.28758E+11` have lost digits and are blanked with a warning; ids
//! that lost their leading zeros are padded back to 12 digits with a warning.

use serde_json::{Map, Value};

use super::{text_position, ErrorKind, Sink};
use crate::event::Record;

/// The export's header mentions both of these.
pub(super) fn looks_like_csv(text: &str) -> bool {
    let header = text
        .trim_start()
        .lines()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    !header.starts_with(['{', '['])
        && header.contains("event name")
        && header.contains("event time")
}

/// What a column means, by its normalised header.
#[derive(Clone, Copy)]
enum Column {
    Top(&'static str),
    Identity(&'static str),
    ReadOnly,
    Resources,
    Account,
    Ignored,
}

fn column(header: &str) -> Column {
    let key: String = header
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    match key.as_str() {
        "username" => Column::Identity("userName"),
        "awsaccesskey" | "accesskeyid" => Column::Identity("accessKeyId"),
        "eventtime" => Column::Top("eventTime"),
        "eventsource" => Column::Top("eventSource"),
        "eventname" => Column::Top("eventName"),
        "awsregion" => Column::Top("awsRegion"),
        "sourceipaddress" => Column::Top("sourceIPAddress"),
        "useragent" => Column::Top("userAgent"),
        "errorcode" => Column::Top("errorCode"),
        "errormessage" => Column::Top("errorMessage"),
        "requestid" => Column::Top("requestID"),
        "eventid" => Column::Top("eventID"),
        "eventtype" => Column::Top("eventType"),
        "eventcategory" => Column::Top("eventCategory"),
        "readonly" => Column::ReadOnly,
        "resources" => Column::Resources,
        "recipientaccountid" => Column::Account,
        _ => Column::Ignored,
    }
}

pub(super) fn read(text: &str, sink: &mut Sink) {
    let mut rows = Rows::new(text);
    let Some((_, header)) = rows.next() else {
        return;
    };
    let columns: Vec<Column> = header.iter().map(|h| column(h)).collect();
    let (mut mangled, mut padded) = (0u32, 0u32);
    let mut first_mangled = None;
    while let Some((at, fields)) = rows.next_full(columns.len(), sink) {
        let mut record = Map::new();
        let mut identity = Map::new();
        for (col, field) in columns.iter().zip(fields) {
            if field.is_empty() {
                continue;
            }
            match *col {
                Column::Top(key) => {
                    record.insert(key.to_owned(), Value::String(field));
                }
                Column::Identity(key) => {
                    identity.insert(key.to_owned(), Value::String(field));
                }
                Column::ReadOnly => {
                    let value = match field.to_ascii_lowercase().as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => Value::String(field),
                    };
                    record.insert("readOnly".to_owned(), value);
                }
                Column::Resources => {
                    let value = serde_json::from_str(&field).unwrap_or(Value::String(field));
                    record.insert("resources".to_owned(), value);
                }
                Column::Account => match repair_account(&field) {
                    Account::Intact => {
                        record.insert("recipientAccountId".to_owned(), Value::String(field));
                    }
                    Account::Padded(id) => {
                        padded += 1;
                        record.insert("recipientAccountId".to_owned(), Value::String(id));
                    }
                    Account::Mangled => {
                        mangled += 1;
                        first_mangled.get_or_insert((at, field));
                    }
                },
                Column::Ignored => {}
            }
        }
        if !identity.is_empty() {
            record.insert("userIdentity".to_owned(), Value::Object(identity));
        }
        let raw = Value::Object(record).to_string();
        match Record::from_json(&raw) {
            Ok(mut r) => {
                r.summary_only = true;
                sink.records.push(r.into_owned());
            }
            Err(e) => sink.issue(
                text_position(text, at),
                ErrorKind::CsvRow {
                    detail: e.to_string(),
                },
            ),
        }
    }
    if let Some((at, example)) = first_mangled {
        sink.issue(
            text_position(text, at),
            ErrorKind::DamagedField {
                detail: format!(
                    "{mangled} rows: Recipient Account Id like '{example}' was turned into scientific notation by a spreadsheet (digits lost); left blank. Re-export from the console and open it as text."
                ),
            },
        );
    }
    if padded > 0 {
        sink.note(format!(
            "{padded} rows: Recipient Account Id had lost its leading zeros (spreadsheet); padded back to 12 digits"
        ));
    }
    sink.note("CSV exports hold a summary of each event only: no request parameters or responses");
}

enum Account {
    Intact,
    Padded(String),
    Mangled,
}

fn repair_account(field: &str) -> Account {
    let field = field.trim();
    if field.len() == 12 && field.bytes().all(|b| b.is_ascii_digit()) {
        Account::Intact
    } else if !field.is_empty() && field.len() < 12 && field.bytes().all(|b| b.is_ascii_digit()) {
        Account::Padded(format!("{field:0>12}"))
    } else if field.to_ascii_lowercase().contains("e+") && field.parse::<f64>().is_ok() {
        Account::Mangled
    } else {
        // Something else (a 9-digit test id, a placeholder): keep it as it is.
        Account::Intact
    }
}

/// RFC 4180 rows: quoted fields may hold commas, `""` and line breaks; CRLF or LF; no
/// final newline needed. Yields each row with the byte offset where it starts.
pub(super) struct Rows<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Rows<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let start = text.len() - text.trim_start_matches('\u{feff}').len();
        Rows { text, pos: start }
    }

    /// The next row of `width` fields: blank lines are skipped, and rows of another width
    /// are skipped with an issue at their line.
    pub(super) fn next_full(
        &mut self,
        width: usize,
        sink: &mut Sink,
    ) -> Option<(usize, Vec<String>)> {
        loop {
            let (at, fields) = self.next()?;
            if fields.len() == 1 && fields[0].trim().is_empty() {
                continue;
            }
            if fields.len() == width {
                return Some((at, fields));
            }
            sink.issue(
                text_position(self.text, at),
                ErrorKind::CsvRow {
                    detail: format!("expected {width} columns, found {}", fields.len()),
                },
            );
        }
    }

    pub(super) fn next(&mut self) -> Option<(usize, Vec<String>)> {
        let bytes = self.text.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let start = self.pos;
        let mut fields = Vec::new();
        let mut field = String::new();
        let mut i = self.pos;
        let mut quoted = false;
        let mut field_start = i;
        loop {
            let Some(&b) = bytes.get(i) else {
                fields.push(std::mem::take(&mut field));
                break;
            };
            if quoted {
                if b == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        field.push('"');
                        i += 2;
                    } else {
                        quoted = false;
                        i += 1;
                    }
                    field_start = i;
                } else {
                    let end = self.text[i..].find('"').map_or(bytes.len(), |e| i + e);
                    field.push_str(&self.text[i..end]);
                    i = end;
                }
                continue;
            }
            match b {
                b'"' if i == field_start => {
                    quoted = true;
                    i += 1;
                }
                b',' => {
                    fields.push(std::mem::take(&mut field));
                    i += 1;
                    field_start = i;
                }
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    fields.push(std::mem::take(&mut field));
                    i += 2;
                    break;
                }
                b'\n' => {
                    fields.push(std::mem::take(&mut field));
                    i += 1;
                    break;
                }
                _ => {
                    let end = self.text[i..]
                        .find([',', '\n', '\r', '"'])
                        .map_or(bytes.len(), |e| i + e.max(1));
                    field.push_str(&self.text[i..end]);
                    i = end;
                }
            }
        }
        self.pos = i;
        Some((start, fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_rows(text: &str) -> Vec<Vec<String>> {
        let mut rows = Rows::new(text);
        std::iter::from_fn(|| rows.next().map(|(_, r)| r)).collect()
    }

    #[test]
    fn quoted_fields_commas_newlines_and_crlf() {
        let rows = all_rows("a,b,c\r\n\"x, y\",\"he said \"\"hi\"\"\",\"two\nlines\"\r\n1,,3");
        assert_eq!(
            rows,
            vec![
                vec!["a", "b", "c"],
                vec!["x, y", "he said \"hi\"", "two\nlines"],
                vec!["1", "", "3"],
            ]
        );
    }

    #[test]
    fn account_repair() {
        assert!(matches!(repair_account("493576923261"), Account::Intact));
        assert!(matches!(repair_account("5.28758E+11"), Account::Mangled));
        assert!(
            matches!(repair_account("12345678901"), Account::Padded(ref s) if s == "012345678901")
        );
    }
}
