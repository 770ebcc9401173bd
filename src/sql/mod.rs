//! The Events tab's question as SQL that runs elsewhere: Athena over the trail's bucket
//! (the documented `cloudtrail_logs_pp` table with partition projection, single-location
//! or organization), CloudTrail Lake, and DuckDB over the folder the user loaded.
//!
//! Entry points: [`translate`] (query text + time brush → one dialect's `SELECT`),
//! [`create_table`] with [`TrailLayout`] (Athena's DDL from the loaded paths),
//! [`SourceFile`] (what DuckDB reads), [`schema`](crate::event::schema) (the table's columns).
//!
//! Every construct of the query language either translates or is refused with a
//! [`SqlError`] naming the clause and why; where the SQL is close but not exactly the
//! viewer's meaning (free text over JSON columns, paths into JSON text) the
//! [`Translation`] says so in its notes. The DuckDB form is exact: it walks each record's
//! JSON as the viewer does (`json_tree`), and `tests/sql/equivalence.py` proves it
//! against the viewer's own answers.
//!
//! Results come back: the DuckDB `SELECT` yields each matching record's own JSON, one per
//! row (`duckdb -noheader -list` prints NDJSON the viewer loads), and the Athena and Lake
//! `SELECT`s name their columns as CloudTrail does, with nested fields as JSON text, which
//! the ingest's query-result reader turns back into records.

mod cond;
mod ddl;
mod orgs;

use std::fmt;

use crate::ingest::{ErrorKind, FileReport, Format};
use crate::query::{self, range_kind, resolve, time_range, Ast, RangeKind, Target};
use crate::time::{EpochMillis, DAY};

use crate::event::schema::{Col, Ty, COLUMNS};
use cond::{day_folder, quote, Where};
pub use ddl::{create_table, TrailLayout};
pub use orgs::account_creations;

/// Which engine the SQL is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// Amazon Athena (Trino SQL) over the CloudTrail table in S3.
    Athena,
    /// CloudTrail Lake (Trino-flavoured SQL over an event data store).
    Lake,
    /// DuckDB over the loaded folder's files.
    DuckDb,
}

/// One loaded file, for DuckDB's `FROM`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub format: Format,
    /// Decompressed size: a `{"Records":[…]}` file is one JSON object to DuckDB.
    pub decoded_bytes: u64,
    /// Valid JSON as it stands (no recovery, repair or invalid UTF-8: only field-level
    /// notes) and compressed as its name says: DuckDB neither recovers damaged files as
    /// the viewer does nor sniffs gzip, so the others are left out and named.
    pub complete: bool,
}

impl SourceFile {
    pub fn from_report(r: &FileReport) -> SourceFile {
        SourceFile {
            path: r.path.clone(),
            format: r.format,
            decoded_bytes: r.decoded_bytes,
            complete: r
                .issues
                .iter()
                .all(|i| matches!(i.kind, ErrorKind::DamagedField { .. }))
                && r.compressed == r.path.ends_with(".gz"),
        }
    }

    /// Whether the DuckDB SQL reads this file (digests, other forms and damaged files
    /// are left out).
    pub fn read_by_duckdb(&self) -> bool {
        self.duck_form().is_some()
    }

    /// How DuckDB reads this file, if it does.
    fn duck_form(&self) -> Option<DuckForm> {
        match self.format {
            Format::CloudTrailRecords => Some(DuckForm::Records),
            Format::RecordLines => Some(DuckForm::Lines),
            Format::RecordArray => Some(DuckForm::Array),
            Format::SingleRecord => Some(DuckForm::Single),
            _ => None,
        }
        .filter(|_| self.complete)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DuckForm {
    Records,
    Lines,
    Array,
    Single,
}

/// Where the SQL reads from.
#[derive(Clone, Debug)]
pub struct Options {
    /// Athena's table (`cloudtrail_logs_pp`).
    pub athena_table: String,
    /// CloudTrail Lake's event data store id.
    pub lake_store: String,
    /// The loaded files (DuckDB).
    pub files: Vec<SourceFile>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            athena_table: "cloudtrail_logs_pp".into(),
            lake_store: "EVENT_DATA_STORE_ID".into(),
            files: Vec::new(),
        }
    }
}

/// SQL text and what it does not do exactly as the viewer does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Translation {
    pub sql: String,
    pub notes: Vec<String>,
}

/// A part of the query with no SQL equivalent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    /// The clause, as query text.
    pub part: String,
    pub reason: String,
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` has no SQL equivalent: {}", self.part, self.reason)
    }
}

impl std::error::Error for SqlError {}

/// The query (facet choices are part of its text) and the histogram's brush
/// (`[from, to)` in epoch milliseconds) as one dialect's `SELECT`.
pub fn translate(
    query: &str,
    time: Option<(EpochMillis, EpochMillis)>,
    dialect: Dialect,
    options: &Options,
) -> Result<Translation, SqlError> {
    let ast = query::parse(query).map_err(|e| SqlError {
        part: query.get(e.span.clone()).unwrap_or(query).to_owned(),
        reason: e.to_string(),
    })?;
    let mut notes = Vec::new();
    let mut w = Where {
        dialect,
        notes: &mut notes,
    };
    let mut conds = vec![w.node(&ast, false)?];
    if let Some((lo, hi)) = time {
        conds.push(w.brush(lo, hi));
    }
    let event_time = w.event_time();
    let comment = format!(
        "-- trailglass: {}{}\n",
        query.replace(['\n', '\r'], " ").trim(),
        time.map_or(String::new(), |(lo, hi)| format!(
            " (brushed {} to {})",
            crate::time::format_iso(lo),
            crate::time::format_iso(hi)
        ))
    );
    let sql = match dialect {
        Dialect::Athena => {
            if let Some(p) = partition_window(&ast, time) {
                conds.insert(0, p);
            } else {
                notes.push(
                    "no time range: Athena reads every day's partition (set one to scan less)"
                        .into(),
                );
            }
            format!(
                "{comment}SELECT\n{}\nFROM {}\nWHERE {}\nORDER BY {event_time}, eventid",
                select_list(dialect),
                options.athena_table,
                conds.join("\n  AND ")
            )
        }
        Dialect::Lake => format!(
            "{comment}SELECT\n{}\nFROM {}\nWHERE {}\nORDER BY eventTime, eventID",
            select_list(dialect),
            options.lake_store,
            conds.join("\n  AND ")
        ),
        Dialect::DuckDb => {
            let (events, run_in) = duck_events(&options.files, &mut notes);
            format!(
                "{comment}-- run from {run_in}: duckdb -noheader -list < query.sql > results.ndjson (NDJSON the viewer loads back)\n\
                 {events}\n\
                 SELECT rec AS record\nFROM events\nWHERE {}\n\
                 ORDER BY {event_time}, (rec ->> '$.eventID');",
                conds.join("\n  AND ")
            )
        }
    };
    Ok(Translation { sql, notes })
}

impl Where<'_> {
    fn brush(&mut self, lo: EpochMillis, hi: EpochMillis) -> String {
        let ast = Ast::Range {
            field: query::Field::new(["eventTime"]),
            lower: query::Bound::Included(crate::time::format_iso(lo)),
            upper: query::Bound::Excluded(crate::time::format_iso(hi)),
        };
        // A range of valid timestamps always translates.
        self.node(&ast, false).unwrap_or_else(|_| "TRUE".into())
    }
}

/// Athena's partition predicate: the days the query's time range touches, widened by a
/// day on each side (a day folder holds what was *delivered* that day, up to ~15 minutes
/// after the event, and in UTC).
fn partition_window(ast: &Ast, brush: Option<(EpochMillis, EpochMillis)>) -> Option<String> {
    let (mut lo, mut hi) = brush.unwrap_or((i64::MIN, i64::MAX));
    let conjuncts: Vec<&Ast> = match ast {
        Ast::And(items) => items.iter().collect(),
        other => vec![other],
    };
    for c in conjuncts {
        let span = match c {
            Ast::Term {
                field,
                value: query::Value::Text(t),
            } if resolve(field) == Target::Time => query::time_span(t),
            Ast::Range {
                field,
                lower,
                upper,
            } if resolve(field) == Target::Time
                && matches!(range_kind(field, lower, upper), Ok(RangeKind::Time)) =>
            {
                Some(time_range(lower, upper))
            }
            _ => None,
        };
        if let Some((l, h)) = span {
            lo = lo.max(l);
            hi = hi.min(h);
        }
    }
    let from = (lo != i64::MIN).then(|| format!("\"timestamp\" >= '{}'", day_folder(lo - DAY)));
    let to = (hi != i64::MAX).then(|| format!("\"timestamp\" <= '{}'", day_folder(hi + DAY)));
    let parts: Vec<String> = from.into_iter().chain(to).collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// The columns under CloudTrail's names, nested ones as JSON text: what the result
/// reader loads back.
fn select_list(dialect: Dialect) -> String {
    let item = |c: &Col| {
        let name = match dialect {
            Dialect::Athena => c.name.to_ascii_lowercase(),
            _ => c.name.into(),
        };
        let value = match (c.ty, dialect) {
            (Ty::Str, _) | (Ty::Json, Dialect::Athena) => name,
            _ => format!("json_format(CAST({name} AS JSON))"),
        };
        format!("  {value} AS \"{}\"", c.name)
    };
    COLUMNS.iter().map(item).collect::<Vec<_>>().join(",\n")
}

/// DuckDB's `WITH records AS (…), events AS (…)` over the loaded files (one row per
/// event, its JSON in `rec`), and where to run it from.
fn duck_events(files: &[SourceFile], notes: &mut Vec<String>) -> (String, String) {
    let (from, run_in) = duck_source(files, notes);
    let events = format!(
        "WITH records AS (\n{from}\n),\n\
         -- one event is one eventID, eventTime, eventName and eventSource (the viewer's\n\
         -- definition): the first copy by file name (records without an eventID: by text);\n\
         -- json() writes each record on one line\n\
         events AS (\n  SELECT json(rec) AS rec FROM records WHERE json_type(rec) = 'OBJECT'\n  \
         QUALIFY row_number() OVER (PARTITION BY coalesce(rec ->> '$.eventID', CAST(rec AS VARCHAR)), \
         coalesce(CAST(TRY_CAST(rec ->> '$.eventTime' AS TIMESTAMPTZ) AS VARCHAR), rec ->> '$.eventTime'), \
         rec ->> '$.eventName', rec ->> '$.eventSource' ORDER BY filename, i) = 1\n)"
    );
    (events, run_in)
}

/// DuckDB's records CTE over the loaded files, and where to run it from.
fn duck_source(files: &[SourceFile], notes: &mut Vec<String>) -> (String, String) {
    let left_out: Vec<&str> = files
        .iter()
        .filter(|f| f.duck_form().is_none() && !matches!(f.format, Format::CloudTrailDigest))
        .map(|f| f.path.as_str())
        .collect();
    if !left_out.is_empty() {
        let shown: Vec<&str> = left_out.iter().take(5).copied().collect();
        notes.push(format!(
            "DuckDB reads CloudTrail JSON (S3 files, NDJSON, arrays, single records); left out {} file(s) in other forms or damaged: {}{}",
            left_out.len(),
            shown.join(", "),
            if left_out.len() > shown.len() { ", …" } else { "" }
        ));
    }
    let used: Vec<(&SourceFile, DuckForm)> = files
        .iter()
        .filter_map(|f| Some((f, f.duck_form()?)))
        .collect();
    if used.is_empty() {
        notes.push("no loaded file DuckDB reads: the SQL reads every CloudTrail file under the folder it runs in".into());
        let sql = format!(
            "  SELECT unnest(json_extract(json, '$.Records[*]')) AS rec, filename, generate_subscripts(json_extract(json, '$.Records[*]'), 1) AS i\n  FROM read_json_objects('**/*_CloudTrail_*.json.gz', format = 'auto', maximum_object_size = {}, filename = true)",
            16u64 << 20
        );
        return (sql, "the folder of CloudTrail files".into());
    }
    // Paths as loaded start with the picked folder's name: run from inside it.
    let top = used
        .first()
        .and_then(|(f, _)| f.path.split_once('/'))
        .map(|(t, _)| t);
    let strip = top.filter(|t| {
        used.iter()
            .all(|(f, _)| f.path.strip_prefix(t).is_some_and(|r| r.starts_with('/')))
    });
    let path = |f: &SourceFile| match strip {
        Some(t) => f.path[t.len() + 1..].to_owned(),
        None => f.path.clone(),
    };
    let biggest = used.iter().map(|(f, _)| f.decoded_bytes).max().unwrap_or(0);
    let max_object = (biggest + 1).div_ceil(1 << 20).max(16) << 20;
    let mut parts = Vec::new();
    for (form, select, format) in [
        (
            DuckForm::Records,
            "unnest(json_extract(json, '$.Records[*]')) AS rec, filename, generate_subscripts(json_extract(json, '$.Records[*]'), 1) AS i",
            "auto",
        ),
        (DuckForm::Lines, "json AS rec, filename, 0 AS i", "newline_delimited"),
        (DuckForm::Array, "json AS rec, filename, 0 AS i", "array"),
        (DuckForm::Single, "json AS rec, filename, 0 AS i", "auto"),
    ] {
        let list: Vec<String> = used
            .iter()
            .filter(|(_, f)| *f == form)
            .map(|(f, _)| quote(&path(f)))
            .collect();
        if list.is_empty() {
            continue;
        }
        parts.push(format!(
            "  SELECT {select}\n  FROM read_json_objects([{}], format = '{format}', maximum_object_size = {max_object}, filename = true)",
            list.join(", ")
        ));
    }
    let run_in = match strip {
        Some(t) => format!("inside the folder {t}"),
        None => "the folder the files were loaded from".into(),
    };
    (parts.join("\n  UNION ALL\n"), run_in)
}

#[cfg(test)]
mod tests;
