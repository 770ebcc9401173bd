//! Past bugs, one test each, smallest reproduction first. Each test's `see:` line names
//! where the bug was reported (issue and item) and the commit that fixed it, so a test
//! that fails here says which old bug is back.
//!
//! Bugs found by the fuzzers are in tests/fuzz_regressions.rs (their inputs in
//! tests/fixtures/fuzz); damage of every kind is in tests/damage_corpus.rs; the page's
//! bugs (Back, Escape, Enter, the suggestion list) in e2e/surprises.test.mjs.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use trailglass::ingest::{ingest_file, Format, Limits};
use trailglass::protocol::{InputFile, Request, Response, ViewFilter};
use trailglass::query::QueryErrorKind;
use trailglass::session::Session;
use trailglass::timeline::{TimelineAnswer, TimelineQuery};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn session_with(files: &[&str]) -> Session {
    let mut session = Session::default();
    let files = files
        .iter()
        .map(|p| InputFile {
            path: (*p).to_owned(),
            bytes: fixture(p),
            read_error: None,
        })
        .collect();
    assert!(matches!(
        session.handle(Request::AddFiles(files)),
        Response::Added { .. }
    ));
    assert!(matches!(
        session.handle(Request::Finish),
        Response::Loaded(_)
    ));
    session
}

fn ask(session: &mut Session, query: &str) -> (TimelineAnswer, usize) {
    let query = TimelineQuery {
        query: query.into(),
        ..TimelineQuery::default()
    };
    match session.handle(Request::Timeline {
        scope: ViewFilter::All,
        query,
        rows: 50,
    }) {
        Response::Timeline { answer, rows, .. } => (*answer, rows.len()),
        other => panic!("a {} answer", other.name()),
    }
}

/// A CloudTrail record with its own eventID, time and name.
fn record(i: usize, event_id: &str) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","accountId":"111122223333","userName":"dana"}},"eventTime":"2024-03-01T09:{i:02}:00Z","eventSource":"organizations.amazonaws.com","eventName":"TagResource","awsRegion":"us-east-1","requestParameters":{{"note":"say \"hi\" {{not a brace}} {i}"}},"eventID":"{event_id}","recipientAccountId":"111122223333"}}"#
    )
}

#[test]
fn the_seed_pages_examples_are_six_events_not_one() {
    // see: issue #12 item 1 (examples reusing one eventID merged into 1 event); 95081e0.
    let mut session = session_with(&["seed/aws-organizations-logging-ja.txt"]);
    let (answer, rows) = ask(&mut session, "");
    assert_eq!((answer.total, rows), (6, 6));
    let (creations, _) = ask(&mut session, "eventName:CreateAccount*");
    assert_eq!(
        creations.total, 3,
        "CreateAccount and both of its CreateAccountResult"
    );
}

#[test]
fn records_sharing_an_event_id_but_not_a_time_or_name_are_kept() {
    // see: issue #12 item 1 (AWS's seven documentation examples showed as 2 events); 95081e0.
    let text = format!(
        "[{},{},{}]",
        record(1, "same"),
        record(2, "same"),
        record(1, "same")
    );
    let mut session = Session::default();
    session.handle(Request::AddFiles(vec![InputFile {
        path: "doc-examples.json".into(),
        bytes: text.into_bytes(),
        read_error: None,
    }]));
    let Response::Loaded(summary) = session.handle(Request::Finish) else {
        panic!()
    };
    // The third is the first again (same eventID, time, name and source): a duplicate.
    assert_eq!(summary.stats.events, 2);
    assert_eq!(summary.ledger[0].duplicates, 1);
}

#[test]
fn a_record_cut_inside_a_string_keeps_the_records_after_it() {
    // see: issue #12 item 2 (7 of 19 intact records kept, "file is cut off here"); dd3fdc6.
    let items: Vec<String> = (0..20).map(|i| record(i, &format!("id-{i}"))).collect();
    let eighth = &items[8];
    let cut = &eighth[..eighth.find("say \\\"hi").unwrap() + 6];
    let text = format!(
        "{{\"Records\":[{},{cut},{}]}}",
        items[..8].join(","),
        items[9..].join(",")
    );
    let got = ingest_file("cut.json", text.as_bytes(), &Limits::default());
    let ids: Vec<&str> = got
        .records
        .iter()
        .filter_map(|r| r.event_id.as_deref())
        .collect();
    let want: Vec<String> = (0..20)
        .filter(|&i| i != 8)
        .map(|i| format!("id-{i}"))
        .collect();
    assert_eq!(ids, want);
    assert!(!got.report.issues.is_empty(), "the damage is reported");
}

#[test]
fn an_s3_event_notification_is_not_loaded_as_1970_events() {
    // see: bd677f9 (S3 ObjectCreated notifications were read as records dated 1970).
    let got = ingest_file(
        "notification.json",
        &fixture("wrappers/s3-event-notification.json"),
        &Limits::default(),
    );
    assert_eq!(got.report.format, Format::S3Notification);
    assert!(got.records.is_empty());
}

#[test]
fn ndjson_records_glued_into_one_line_are_both_kept() {
    // see: a9144e1 (a lost newline lost both records; found by the ingest fuzz target).
    let text = format!("{}\n{}{}\n", record(1, "a"), record(2, "b"), record(3, "c"));
    let got = ingest_file("glued.ndjson", text.as_bytes(), &Limits::default());
    let ids: Vec<&str> = got
        .records
        .iter()
        .filter_map(|r| r.event_id.as_deref())
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
}

#[test]
fn a_misspelt_field_says_so_at_its_position() {
    // see: issue #14 item 5 (`eventNmae:CreateAccount` gave 0 events and no word); 2bfeeb4.
    let mut session = session_with(&["orgs/creations.json"]);
    let query = "eventNmae:CreateAccount";
    let (answer, _) = ask(&mut session, query);
    assert_eq!(answer.total, 0);
    let note = answer.warnings.first().expect("a note about the field");
    assert_eq!(&query[note.span.clone()], "eventNmae");
    assert!(note.message.contains("eventName"), "{}", note.message);
}

#[test]
fn a_broken_query_shows_its_error_not_the_previous_answer() {
    // see: issue #14 item 6 (the previous query's rows stayed under the error).
    let mut session = session_with(&["orgs/creations.json"]);
    let (before, rows) = ask(&mut session, "eventName:Create*");
    assert!(before.total > 0 && rows > 0);
    let query = "eventName:Create* errorCode:";
    let (answer, rows) = ask(&mut session, query);
    let error = answer.error.expect("an error");
    assert!(
        error.span.start >= query.find("errorCode").unwrap(),
        "{error:?}"
    );
    assert_eq!((answer.total, rows), (0, 0));
}

#[test]
fn a_regex_is_refused_where_it_starts() {
    // see: issue #14 item 5 (`eventName:/Delete.*/` silently matched nothing).
    let mut session = session_with(&["orgs/creations.json"]);
    let query = "eventName:/Delete.*/";
    let (answer, _) = ask(&mut session, query);
    let error = answer.error.expect("an error");
    assert_eq!(error.kind, QueryErrorKind::Regex);
    assert_eq!(error.span.start, query.find('/').unwrap());
}
