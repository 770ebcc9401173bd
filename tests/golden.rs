//! Golden answers: every real fixture (tests/fixtures/real, orgs, seed, wrappers) loaded
//! into one session, then a set of queries of every kind the Events tab asks, each answer
//! (count, and the first rows: time, eventName, eventID, principal, file) compared with
//! tests/golden/queries.txt. A refactor that changes any answer fails here, loudly, with
//! the query named.
//!
//! When an answer changes on purpose, rewrite the file with
//! `TRAILGLASS_BLESS=1 cargo test --test golden` and say why in the commit.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

#[path = "support/fixtures.rs"]
mod support;

use trailglass::protocol::{InputFile, Request, Response, ViewFilter};
use trailglass::session::Session;
use trailglass::time::format_iso;
use trailglass::timeline::TimelineQuery;

/// Rows kept per answer: enough to catch an order change, few enough to read a diff.
const ROWS: u32 = 5;

const QUERIES: &[&str] = &[
    "",
    "eventSource:organizations.amazonaws.com",
    "eventName:CreateAccount OR eventName:CreateAccountResult",
    "eventName:Create*",
    "NOT eventSource:ec2.amazonaws.com",
    "-readOnly:true",
    "errorCode:*",
    "errorCode:AccessDenied*",
    "userIdentity.type:Root",
    "identityType:AssumedRole account:111111111111",
    "sourceIPAddress:203.0.113.*",
    "requestParameters.accountName:*",
    "denied",
    "\"AccessDenied\"",
    "eventTime>=2023-07-10T12:00:00Z eventTime<2023-07-10T13:00:00Z",
    "eventName:/Delete.*/",
    "awsRegion:us-east-1 (eventName:Describe* OR eventName:List*)",
    "eventID:*",
    "userAgent:*terraform*",
    "eventName:InviteAccountToOrganization OR eventName:AcceptHandshake",
];

fn load() -> Session {
    let root = support::fixtures();
    let mut files = Vec::new();
    for dir in ["real", "orgs", "seed", "wrappers"] {
        for path in support::all_files(&root.join(dir)) {
            // (all_files leaves the Markdown notes out.)
            files.push(InputFile {
                path: path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                bytes: std::fs::read(&path).unwrap(),
                read_error: None,
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut session = Session::default();
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

fn answer(session: &mut Session, query: &str) -> String {
    let asked = TimelineQuery {
        query: query.into(),
        ..TimelineQuery::default()
    };
    let response = session.handle(Request::Timeline {
        scope: ViewFilter::All,
        query: asked,
        rows: ROWS,
    });
    let mut out = format!("query: {query}\n");
    match response {
        Response::Timeline { answer, rows, .. } => {
            out += &format!("  total: {}\n", answer.total);
            if let Some(error) = &answer.error {
                out += &format!("  error: {error:?}\n");
            }
            for note in &answer.warnings {
                out += &format!("  note: {note:?}\n");
            }
            for row in rows {
                let time = row.time.map(format_iso).unwrap_or_default();
                out += &format!(
                    "  {time} {} {} {} {}\n",
                    row.name, row.event_id, row.principal, row.file
                );
            }
        }
        other => panic!("{query}: a {} answer", other.name()),
    }
    out
}

#[test]
fn answers_over_the_real_fixtures_are_unchanged() {
    let mut session = load();
    let got: String = QUERIES.iter().map(|q| answer(&mut session, q)).collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/queries.txt");
    if std::env::var_os("TRAILGLASS_BLESS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &got).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("tests/golden/queries.txt (bless it)");
    // Compared per query, so a failure names the first answer that changed.
    for (want, got) in want.split("query: ").zip(got.split("query: ")) {
        assert_eq!(got, want, "an answer changed");
    }
    assert_eq!(want.len(), got.len(), "a query was added or removed: bless");
    // The answers must be worth keeping: most queries match something.
    let empty = got.matches("  total: 0\n").count();
    assert!(
        empty * 4 < QUERIES.len(),
        "{empty} queries match nothing:\n{got}"
    );
}
