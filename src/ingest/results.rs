//! Query results loaded back: the CSV an Athena (or CloudTrail Lake) query writes when it
//! is the `SELECT` from "Run this elsewhere" ([`crate::sql`]). Its columns carry
//! CloudTrail's names and nested fields as JSON text, so each row becomes the record
//! again: Athena lower-cases struct keys (`useridentity.sessioncontext…`), and those are
//! given back their CloudTrail spelling from [`crate::event::schema`]; nulls are dropped.

use serde_json::{Map, Value};

use super::csv::Rows;
use super::{text_position, ErrorKind, Sink};
use crate::event::schema::{self, Col, Ty};
use crate::event::Record;

/// Column names that every result of the generated `SELECT` has (any case).
const REQUIRED: [&str; 3] = ["eventID", "eventTime", "userIdentity"];

/// Whether the text is such a result: its header names these columns.
pub(super) fn looks_like_results(text: &str) -> bool {
    let trimmed = text.trim_start_matches('\u{feff}');
    if trimmed.starts_with(['{', '[']) {
        return false;
    }
    let Some((_, header)) = Rows::new(trimmed).next() else {
        return false;
    };
    REQUIRED
        .iter()
        .all(|r| header.iter().any(|h| h.trim().eq_ignore_ascii_case(r)))
}

pub(super) fn read(text: &str, sink: &mut Sink) {
    let mut rows = Rows::new(text);
    let Some((_, header)) = rows.next() else {
        return;
    };
    let columns: Vec<Option<&'static Col>> = header
        .iter()
        .map(|h| schema::find(schema::COLUMNS, h.trim()))
        .collect();
    while let Some((at, fields)) = rows.next_full(columns.len(), sink) {
        let mut record = Map::new();
        for (col, field) in columns.iter().zip(fields) {
            let Some(col) = col else { continue };
            if field.is_empty() {
                continue;
            }
            let value = match col.ty {
                Ty::Str if col.name == "readOnly" => match field.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::String(field),
                },
                Ty::Str => Value::String(field),
                ty => match serde_json::from_str::<Value>(&field) {
                    Ok(Value::Null) => continue,
                    Ok(v) => restore(v, ty),
                    Err(_) => Value::String(field),
                },
            };
            record.insert(col.name.to_owned(), value);
        }
        let raw = Value::Object(record).to_string();
        match Record::from_json(&raw) {
            Ok(r) => sink.records.push(r.into_owned()),
            Err(e) => sink.issue(
                text_position(text, at),
                ErrorKind::CsvRow {
                    detail: e.to_string(),
                },
            ),
        }
    }
}

/// A struct's JSON with CloudTrail's key names and without nulls.
fn restore(value: Value, ty: Ty) -> Value {
    match (value, ty) {
        (Value::Object(map), Ty::Struct(cols)) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| match schema::find(cols, &k) {
                    Some(c) => (c.name.to_owned(), restore(v, c.ty)),
                    None => (k, v),
                })
                .collect(),
        ),
        (Value::Array(items), Ty::Array(cols)) => Value::Array(
            items
                .into_iter()
                .map(|v| restore(v, Ty::Struct(cols)))
                .collect(),
        ),
        (v, _) => v,
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::{ingest_file, Format, Limits};

    #[test]
    fn athena_rows_become_records_with_cloudtrail_key_names() {
        let csv = "\"eventVersion\",\"userIdentity\",\"eventTime\",\"eventName\",\"requestParameters\",\"eventID\",\"readOnly\",\"resources\"\n\
            \"1.08\",\"{\"\"type\"\":\"\"AssumedRole\"\",\"\"principalid\"\":null,\"\"sessioncontext\"\":{\"\"sessionissuer\"\":{\"\"username\"\":\"\"Admin\"\"}}}\",\"2024-03-01T10:00:00Z\",\"GetObject\",\"{\"\"bucketName\"\":\"\"logs\"\"}\",\"e-1\",\"true\",\"[{\"\"arn\"\":\"\"arn:aws:s3:::logs\"\",\"\"accountid\"\":null,\"\"type\"\":\"\"AWS::S3::Bucket\"\"}]\"\n\
            \"1.08\",,\"2024-03-01T10:01:00Z\",\"ListBuckets\",,\"e-2\",\"false\",\n";
        let got = ingest_file("results.csv", csv.as_bytes(), &Limits::default());
        assert_eq!(got.report.format, Format::QueryResults);
        assert!(got.report.issues.is_empty(), "{:?}", got.report.issues);
        assert_eq!(got.records.len(), 2);
        let raw: serde_json::Value = serde_json::from_str(&got.records[0].raw).unwrap_or_default();
        assert_eq!(
            raw["userIdentity"]["sessionContext"]["sessionIssuer"]["userName"],
            "Admin"
        );
        assert!(raw["userIdentity"].get("principalId").is_none());
        assert_eq!(raw["resources"][0]["ARN"], "arn:aws:s3:::logs");
        assert_eq!(raw["readOnly"], true);
        assert_eq!(raw["requestParameters"]["bucketName"], "logs");
        assert_eq!(got.records[1].event_id.as_deref(), Some("e-2"));
    }

    #[test]
    fn a_bad_row_names_its_line() {
        let csv = "eventID,eventTime,userIdentity\ne-1,2024-03-01T10:00:00Z,\ne-2\n";
        let got = ingest_file("r.csv", csv.as_bytes(), &Limits::default());
        assert_eq!(got.records.len(), 1);
        assert_eq!(
            got.report.issues[0].to_string(),
            "line 3, column 1 (byte 57): CSV row skipped: expected 3 columns, found 1"
        );
    }
}
