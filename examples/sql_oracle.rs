//! The viewer's own answers for the SQL equivalence test (tests/sql/equivalence.py):
//! loads a folder as the page does, keeps the files the DuckDB SQL reads, and for each
//! query read from stdin (a JSON array of strings) prints the three SQL forms, their
//! notes or refusal, and the eventIDs the viewer matches. Also prints the table schema
//! and the Athena DDL for the folder.
//!
//! Run with: cargo run --release --example sql_oracle -- DIR < queries.json > answers.json
//!           cargo run --release --example sql_oracle -- --load FILE   (eventIDs read)
//! Paths are given as the page gives a picked folder's: starting with the folder's name.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

mod support;
use trailglass::event::schema::{Col, Ty, COLUMNS};
use trailglass::query;
use trailglass::session::Session;
use trailglass::sql::{
    account_creations, create_table, translate, Dialect, Options, SourceFile, TrailLayout,
};
use trailglass::store::{Column, Store};

fn event_ids(store: &Store, ids: &[trailglass::store::EventId]) -> (Vec<String>, usize) {
    let col = store.column(Column::EventId);
    let mut out: Vec<String> = ids
        .iter()
        .filter_map(|id| col.get(id.0 as usize))
        .filter(|s| !s.is_none())
        .map(|&s| store.resolve(s).to_owned())
        .collect();
    let without = ids.len() - out.len();
    out.sort();
    (out, without)
}

fn schema(cols: &[Col]) -> Value {
    cols.iter()
        .map(|c| {
            let ty = match c.ty {
                Ty::Str => json!("string"),
                Ty::Json => json!("json"),
                Ty::Struct(f) => json!({ "struct": schema(f) }),
                Ty::Array(f) => json!({ "array": schema(f) }),
            };
            json!({ "name": c.name, "type": ty })
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--load") {
        let path = &args[1];
        let mut s = Session::default();
        s.add_file(path, &std::fs::read(path).unwrap());
        s.finish();
        let all: Vec<_> = s.store().sorted().to_vec();
        let (ids, without) = event_ids(s.store(), &all);
        let report = &s.ledger()[0];
        println!(
            "{}",
            json!({ "format": report.format.as_str(), "issues": report.issues.len(), "ids": ids, "without_id": without })
        );
        return;
    }
    let root = PathBuf::from(args.first().expect("usage: sql_oracle DIR < queries.json"));
    let name = root.file_name().unwrap().to_string_lossy().into_owned();
    let mut files = support::all_files(&root);
    let given = |p: &Path| format!("{name}/{}", p.strip_prefix(&root).unwrap().display());
    // Loaded in the order of the paths as text: DuckDB's dedupe keeps the first copy of an
    // eventID by file name, the viewer the first one loaded.
    files.sort_by_key(|p| given(p));
    // First pass: what each file is, as the ledger says.
    let mut probe = Session::default();
    for f in &files {
        probe.add_file(&given(f), &std::fs::read(f).unwrap());
    }
    let sources: Vec<SourceFile> = probe.ledger().iter().map(SourceFile::from_report).collect();
    // Second pass: the files the DuckDB SQL reads, loaded as the page would.
    let mut session = Session::default();
    for (f, source) in files.iter().zip(&sources) {
        if source.read_by_duckdb() {
            session.add_file(&given(f), &std::fs::read(f).unwrap());
        }
    }
    session.finish();
    let viewer_creations: Vec<Value> = session
        .orgs()
        .creations
        .iter()
        .filter_map(|c| {
            Some(json!({
                "request_id": c.request_id.as_ref()?,
                "result_state": c.result_state,
                "account_id": c.account_id,
            }))
        })
        .collect();
    let store = session.store();
    let options = Options {
        files: sources.clone(),
        ..Options::default()
    };
    let queries: Vec<String> = serde_json::from_reader(std::io::stdin()).unwrap();
    let answers: Vec<Value> = queries
        .iter()
        .map(|q| {
            let sql = |d| match translate(q, None, d, &options) {
                Ok(t) => json!({ "sql": t.sql, "notes": t.notes }),
                Err(e) => json!({ "error": e.to_string() }),
            };
            let (ids, without) = match query::parse(q) {
                Ok(ast) => event_ids(store, &query::filter(store, &query::compile(&ast, store))),
                Err(_) => (Vec::new(), 0),
            };
            json!({
                "query": q,
                "duckdb": sql(Dialect::DuckDb),
                "athena": sql(Dialect::Athena),
                "lake": sql(Dialect::Lake),
                "ids": ids,
                "without_id": without,
            })
        })
        .collect();
    let creations_sql = |d| account_creations(d, &options).sql;
    let creations = json!({
        "duckdb": creations_sql(Dialect::DuckDb),
        "athena": creations_sql(Dialect::Athena),
        "lake": creations_sql(Dialect::Lake),
        "viewer": viewer_creations,
    });
    let layout = TrailLayout::from_paths(sources.iter().map(|s| s.path.as_str()));
    let read: Vec<&str> = sources
        .iter()
        .filter(|s| s.read_by_duckdb())
        .map(|s| s.path.as_str())
        .collect();
    println!(
        "{}",
        json!({
            "root": name,
            "files": read,
            "events": store.len(),
            "schema": schema(COLUMNS),
            "ddl": create_table(&layout, "trail-bucket", "cloudtrail_logs_pp").sql,
            "answers": answers,
            "creations": creations,
        })
    );
}
