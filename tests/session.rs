//! The session end to end, natively: real files in, rows, views and org lifecycles out.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

use trailglass::ingest::FileReport;
use trailglass::protocol::{Chunk, InputFile, Request, Response, RuleSpec, Summary, ViewFilter};
use trailglass::session::Session;
use trailglass::timeline::TimelineQuery;

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Shows `query` over `scope` in the table, as the Events tab asks; the match count.
fn view(session: &mut Session, scope: ViewFilter, query: &str) -> u32 {
    let query = TimelineQuery {
        query: query.into(),
        ..TimelineQuery::default()
    };
    match session.handle(Request::Timeline {
        scope,
        query,
        rows: 0,
    }) {
        Response::Timeline { answer, .. } => answer.total,
        _ => panic!(),
    }
}

fn load(session: &mut Session, paths: &[&str]) {
    load_files(session, paths);
    assert!(matches!(
        session.handle(Request::Finish),
        Response::Loaded(_)
    ));
}

#[test]
fn the_sample_tells_the_org_story() {
    let mut session = Session::default();
    session.handle(Request::sample());
    let Response::Loaded(summary) = session.handle(Request::Finish) else {
        panic!()
    };
    assert_eq!(summary.skipped, 0);
    let report = session.orgs().clone();
    let states: Vec<String> = report
        .creations
        .iter()
        .map(|c| format!("{:?}", c.state))
        .collect();
    for state in ["Succeeded", "Failed", "InProgress", "FailedCall"] {
        assert!(states.iter().any(|s| s == state), "{state} in {states:?}");
    }
    let handshakes: Vec<String> = report
        .handshakes
        .iter()
        .map(|h| format!("{:?}", h.state))
        .collect();
    for state in ["Accepted", "Declined", "Canceled", "Expired", "Open"] {
        assert!(
            handshakes.iter().any(|s| s == state),
            "{state} in {handshakes:?}"
        );
    }
    // A lifecycle's events become the table's view, in time order.
    let ids = report.creations[0].event_ids.clone();
    let total = view(&mut session, ViewFilter::EventIds(ids.clone()), "");
    assert_eq!(total as usize, ids.len());
    let Response::Rows { rows, .. } = session.handle(Request::Rows { offset: 0, len: 50 }) else {
        panic!()
    };
    assert!(rows.windows(2).all(|w| w[0].time <= w[1].time));
    assert!(rows.iter().all(|r| ids.contains(&r.event_id)));
    assert_eq!(
        view(&mut session, ViewFilter::All, ""),
        summary.stats.events
    );
}

#[test]
fn overlapping_deliveries_are_one_event_whatever_the_order() {
    let a = "real/stratus-red-team/aws.defense-evasion.organizations-leave.json";
    let b = "real/invictus-aws_dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_zs3JGxETHr59VpkX.json";
    let mut one = Session::default();
    load(&mut one, &[a, b, a]);
    let mut two = Session::default();
    load(&mut two, &[b, a, b]);
    assert_eq!(one.store().len(), two.store().len());
    let ids = |s: &Session| {
        s.store()
            .sorted()
            .iter()
            .map(|&id| s.store().row(id).unwrap().event_id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&one), ids(&two));
    assert_eq!(one.ledger()[2].duplicates, one.ledger()[0].records);
}

#[test]
fn watch_rules_match_unique_events_and_become_views() {
    use trailglass::protocol::RuleSpec;
    let mut session = Session::default();
    session.handle(Request::sample());
    // The same sample twice: every event is delivered twice, and must count once.
    session.handle(Request::sample());
    session.handle(Request::Finish);
    let specs = vec![
        RuleSpec {
            name: "account created".into(),
            pattern: r#"{"source":["aws.organizations"],"detail":{"eventName":["CreateAccountResult"],"serviceEventDetails":{"createAccountStatus":{"state":["SUCCEEDED"]}}}}"#.into(),
            enabled: true,
        },
        RuleSpec { name: "leave attempts".into(), pattern: r#"{"detail":{"eventName":["LeaveOrganization"]}}"#.into(), enabled: true },
        RuleSpec { name: "off".into(), pattern: r#"{"detail":{"eventName":[{"prefix":""}]}}"#.into(), enabled: false },
        RuleSpec { name: "broken".into(), pattern: r#"{"detail":{"eventName":"CreateAccount"}}"#.into(), enabled: true },
    ];
    let Response::Rules { results, .. } = session.handle(Request::SetRules(specs)) else {
        panic!()
    };
    assert_eq!(
        results[0].matches, 2,
        "two SUCCEEDED creations in the sample"
    );
    assert_eq!(results[1].matches, 1, "one denied leave");
    assert_eq!(results[2].matches, 0, "disabled rules match nothing");
    assert!(
        results[3].error.as_deref().unwrap_or("").contains("array"),
        "{:?}",
        results[3].error
    );
    assert_eq!(results[0].sparkline.iter().sum::<u32>(), 2);
    assert_eq!(
        view(&mut session, ViewFilter::Rule("account created".into()), ""),
        2
    );
    let Response::Rows { rows, .. } = session.handle(Request::Rows { offset: 0, len: 10 }) else {
        panic!()
    };
    assert!(rows
        .iter()
        .all(|r| r.name == "CreateAccountResult" && r.rules == ["account created"]));
}

#[test]
fn a_query_becomes_the_view_and_an_invalid_one_matches_nothing() {
    let mut session = Session::default();
    session.handle(Request::sample());
    session.handle(Request::Finish);
    let q = |s: &mut Session, text: &str| view(s, ViewFilter::All, text);
    assert_eq!(q(&mut session, "eventName:CreateAccountResult"), 3);
    assert_eq!(q(&mut session, "eventName:CreateAccountResult AND serviceEventDetails.createAccountStatus.state:FAILED"), 1);
    assert_eq!(q(&mut session, "eventName:(CreateAccount OR"), 0);
    let Response::Rows { rows, .. } = session.handle(Request::Rows { offset: 0, len: 10 }) else {
        panic!()
    };
    assert!(rows.is_empty());
}

/// Sends a file in slices as the page does for big files; the answers' reports.
fn send_chunks(session: &mut Session, path: &str, bytes: &[u8], slice: usize) -> Vec<FileReport> {
    let mut reports = Vec::new();
    let pieces: Vec<&[u8]> = bytes.chunks(slice.max(1)).collect();
    let mut offset = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let chunk = Chunk {
            path: path.to_owned(),
            offset,
            bytes: piece.to_vec(),
            last: i + 1 == pieces.len(),
            read_error: None,
        };
        offset += piece.len() as u64;
        let Response::Added { reports: r, events } = session.handle(Request::AddChunk(chunk))
        else {
            panic!()
        };
        assert_eq!(events as usize, session.store().len());
        reports.extend(r);
    }
    reports
}

#[test]
fn files_sent_in_slices_load_like_whole_files() {
    let files = [
        "real/aws-cloudtrail-processing-library/SerializerTestFileCompact.json.gz",
        "damaged/truncated.json.gz",
        "real/plaso/aws_cloudtrail.jsonl",
        "real/bob-cloudgoat-ass/event_history.csv",
        "real/invictus-aws_dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json",
    ];
    let mut whole = Session::default();
    let mut sliced = Session::default();
    for f in files {
        let bytes = fixture(f);
        let want = whole.add_file(f, &bytes).clone();
        let got = send_chunks(&mut sliced, f, &bytes, 997);
        assert_eq!(got, [want], "{f}");
    }
    let (a, b) = (whole.finish(), sliced.finish());
    assert_eq!(
        a,
        Summary {
            generation: a.generation,
            ..b
        }
    );
    // The same events, in the same order, with the same text.
    for (x, y) in whole.store().sorted().iter().zip(sliced.store().sorted()) {
        assert_eq!(
            whole.event(*x).map(|r| r.to_string()),
            sliced.event(*y).map(|r| r.to_string())
        );
    }
}

#[test]
fn a_sliced_file_keeps_its_place_and_ends_on_cancel_or_read_error() {
    let mut session = Session::default();
    let big = fixture("real/aws-cloudtrail-processing-library/SerializerTestFile.json");
    let piece = |offset: usize, len: usize, last: bool, read_error: Option<&str>| {
        Request::AddChunk(Chunk {
            path: "big.json".into(),
            offset: offset as u64,
            bytes: big[offset..offset + len].to_vec(),
            last,
            read_error: read_error.map(str::to_owned),
        })
    };
    // Half the file, then small files in between: they get their own ledger places.
    let half = big.len() / 2;
    session.handle(piece(0, half, false, None));
    load_files(&mut session, &["real/loki/cloudtrail-log-file.json.gz"]);
    // The load is finished (cancelled) before the last slice: what arrived is kept.
    let Response::Loaded(summary) = session.handle(Request::Finish) else {
        panic!()
    };
    assert_eq!(summary.ledger.len(), 2);
    let cut = &summary.ledger[0];
    assert_eq!(cut.path, "big.json");
    assert!(cut.kept > 0 && cut.kept < 6, "{cut:?}");
    assert!(
        cut.notes
            .iter()
            .any(|n| n.contains("loading stopped after")),
        "{cut:?}"
    );
    assert!(cut.issues.iter().any(|i| i.loses_data()));
    assert_eq!(summary.ledger[1].kept, 2);
    assert_eq!(summary.stats.events, cut.kept + 2);
    // A read error ends the file with what was read.
    session.handle(piece(0, half, false, None));
    let Response::Added { reports, .. } =
        session.handle(piece(half, 0, false, Some("NotReadableError")))
    else {
        panic!()
    };
    assert_eq!(reports.len(), 1);
    assert!(reports[0]
        .issues
        .iter()
        .any(|i| i.to_string().contains("NotReadableError")));
}

/// Sends the fixtures as one batch, as the page does.
fn load_files(session: &mut Session, paths: &[&str]) {
    let files = paths
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
}

#[test]
fn the_load_filter_applies_to_sliced_files() {
    let bytes = fixture("real/invictus-aws_dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json");
    let mut whole = Session::default();
    let mut sliced = Session::default();
    for s in [&mut whole, &mut sliced] {
        s.set_load_filter(Some("eventName:Decrypt OR eventName:PutParameter"))
            .unwrap();
    }
    let want = whole.add_file("f.json", &bytes).clone();
    let got = send_chunks(&mut sliced, "f.json", &bytes, 4096);
    assert!(want.filtered > 0 && want.kept > 0, "{want:?}");
    assert_eq!(got, [want]);
}

/// The whole answer to a query (with a column order), as the Events tab asks.
fn answer(
    session: &mut Session,
    query: &str,
    sort: Option<&str>,
) -> trailglass::timeline::TimelineAnswer {
    let query = TimelineQuery {
        query: query.into(),
        sort: sort.map(str::to_owned),
        ..TimelineQuery::default()
    };
    match session.handle(Request::Timeline {
        scope: ViewFilter::All,
        query,
        rows: 0,
    }) {
        Response::Timeline { answer, .. } => *answer,
        _ => panic!(),
    }
}

fn rows(session: &mut Session) -> Vec<trailglass::store::Row> {
    let Response::Rows { rows, .. } = session.handle(Request::Rows {
        offset: 0,
        len: 1000,
    }) else {
        panic!()
    };
    rows
}

#[test]
fn drill_downs_are_queries_that_mean_what_the_scopes_mean() {
    let mut session = Session::default();
    session.handle(Request::sample());
    session.handle(Request::Finish);
    session.handle(Request::SetRules(RuleSpec::starters()));
    let report = session.orgs().clone();
    let creation = &report.creations[0];
    let car = creation.request_id.clone().unwrap();
    let by_scope = view(
        &mut session,
        ViewFilter::EventIds(creation.event_ids.clone()),
        "",
    );
    let a = answer(&mut session, &format!("lifecycle:{car}"), None);
    assert_eq!(a.total, by_scope);
    assert_eq!(a.error, None);
    // And with more conditions, ANDed.
    let a = answer(
        &mut session,
        &format!("lifecycle:{car} eventName:CreateAccount"),
        None,
    );
    assert_eq!(a.total, 1);
    let h = report
        .handshakes
        .iter()
        .find(|h| h.handshake_id.is_some())
        .unwrap();
    let a = answer(
        &mut session,
        &format!("lifecycle:{}", h.handshake_id.as_deref().unwrap()),
        None,
    );
    assert_eq!(a.total as usize, h.event_ids.len());
    let rule = "Account created";
    let by_scope = view(&mut session, ViewFilter::Rule(rule.into()), "");
    assert!(by_scope > 0);
    assert_eq!(
        answer(&mut session, r#"rule:"Account created""#, None).total,
        by_scope
    );
    // Out of place: an error, and no rows.
    let a = answer(
        &mut session,
        &format!("lifecycle:{car} OR eventName:X"),
        None,
    );
    let error = a.error.unwrap();
    assert!(error.to_string().contains("stand on their own"));
    // Underlined where it stands: the clause and its value.
    assert_eq!(error.span, 0..format!("lifecycle:{car}").len());
    assert!(rows(&mut session).is_empty());
}

#[test]
fn unknown_fields_are_warned_about_only_when_nothing_matched() {
    let mut session = Session::default();
    session.handle(Request::sample());
    session.handle(Request::Finish);
    let a = answer(&mut session, "eventNmae:CreateAccount", None);
    assert_eq!(a.total, 0);
    assert_eq!(a.warnings.len(), 1);
    assert_eq!(a.warnings[0].span, 0..9);
    assert!(a.warnings[0].message.contains("did you mean eventName?"));
    let a = answer(&mut session, "requestParameters.accountName:*", None);
    assert!(a.total > 0);
    assert!(a.warnings.is_empty());
    // A known field with no match: no warning, an honest 0.
    let a = answer(&mut session, "eventName:Nothing", None);
    assert_eq!((a.total, a.warnings.len()), (0, 0));
}

#[test]
fn any_column_orders_the_rows_and_the_file_is_named() {
    let mut session = Session::default();
    session.handle(Request::sample());
    session.handle(Request::Finish);
    let total = answer(&mut session, "", Some("account")).total;
    let got = rows(&mut session);
    assert_eq!(got.len(), total.min(1000) as usize);
    let accounts: Vec<&str> = got
        .iter()
        .map(|r| r.account.as_str())
        .filter(|a| !a.is_empty())
        .collect();
    assert!(accounts.windows(2).all(|w| w[0] <= w[1]), "{accounts:?}");
    assert!(got.iter().all(|r| r.file == "sample/org-history.json"));
    // Same account: time order kept.
    assert!(got
        .windows(2)
        .filter(|w| w[0].account == w[1].account)
        .all(|w| w[0].time <= w[1].time));
    // Descending reverses; time again when no column is named.
    session.handle(Request::Timeline {
        scope: ViewFilter::All,
        query: TimelineQuery {
            sort: Some("account".into()),
            descending: true,
            ..TimelineQuery::default()
        },
        rows: 0,
    });
    let down = rows(&mut session);
    assert!(down.first().unwrap().account >= down.last().unwrap().account);
    answer(&mut session, "", None);
    let by_time = rows(&mut session);
    assert!(by_time.windows(2).all(|w| w[0].time <= w[1].time));
}
