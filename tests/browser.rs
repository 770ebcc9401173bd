//! The core and the browser glue in real headless Chromium (wasm-bindgen-test).
//! Run with scripts/test (it sets the runner and CHROMEDRIVER).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly
#![cfg(target_arch = "wasm32")]

use trailglass::ingest::{ingest_file, Format, Limits};
use trailglass::protocol::{InputFile, Request, Response};
use trailglass::session::Session;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GZ: &[u8] = include_bytes!("fixtures/real/loki/cloudtrail-log-file.json.gz");
const TRUNCATED: &[u8] = include_bytes!("fixtures/damaged/truncated.json.gz");
const CSV: &[u8] = include_bytes!("fixtures/real/gi11rl-CloudGoat/event_history.csv");

#[wasm_bindgen_test]
fn gzip_and_csv_ingest_in_wasm() {
    let gz = ingest_file("a.json.gz", GZ, &Limits::default());
    assert_eq!(gz.report.format, Format::CloudTrailRecords);
    assert_eq!(gz.records.len(), 2);
    let cut = ingest_file("t.json.gz", TRUNCATED, &Limits::default());
    assert_eq!(cut.records.len(), 5);
    assert_eq!(cut.report.skipped, 2);
    let csv = ingest_file("e.csv", CSV, &Limits::default());
    assert_eq!(csv.records.len(), 157);
}

#[wasm_bindgen_test]
fn hostile_nesting_does_not_overflow_the_wasm_stack() {
    // wasm's stack is far smaller than a native thread's: nothing may recurse per level.
    let deep = format!(
        "{{\"Records\":[{{\"eventID\":\"d\",\"x\":{}{}}}]}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let got = ingest_file("deep.json", deep.as_bytes(), &Limits::default());
    assert_eq!(got.records.len(), 1);
    let pretty = trailglass::display::pretty_json(&got.records[0].raw);
    assert!(pretty.len() > 100_000);
}

#[wasm_bindgen_test]
fn the_session_answers_through_the_protocol() {
    let mut session = Session::default();
    let files = vec![InputFile {
        path: "a.json.gz".into(),
        bytes: GZ.to_vec(),
        read_error: None,
    }];
    let Response::Added { events, .. } = session.handle(Request::AddFiles(files)) else {
        panic!()
    };
    assert_eq!(events, 2);
    session.handle(Request::LoadSample);
    let Response::Loaded(summary) = session.handle(Request::Finish) else {
        panic!()
    };
    assert!(summary.stats.events > 400);
    let Response::Orgs { report, .. } = session.handle(Request::Orgs) else {
        panic!()
    };
    assert!(report.creations.len() >= 4);
}

#[wasm_bindgen_test]
async fn a_browser_file_is_read_back_byte_for_byte() {
    let file = gloo::file::File::new("x.json.gz", GZ);
    let bytes = gloo::file::futures::read_as_bytes(&file).await.unwrap();
    assert_eq!(bytes, GZ);
}

#[path = "support/vectors.rs"]
mod vectors;

#[wasm_bindgen_test]
fn every_eventbridge_vector_passes_in_the_browser_build() {
    let report = vectors::check(include_str!("fixtures/eventbridge/vectors.json"));
    assert!(report.vectors > 200, "{} vectors", report.vectors);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert!(
        report.fast_checked > 0,
        "the record fast path was never checked"
    );
}
