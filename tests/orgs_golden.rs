//! The Organizations report over a generated trail with every oddity the record reading
//! and deduplication must keep exact, against golden reports written by the code before
//! records were read from text (`tests/golden/orgs-*.json`; `BLESS=1` rewrites them).
//! Three paths: `reconstruct` over `Value`s, `reconstruct_texts` over the same texts, and
//! a `Session` over files of them (its ingest, store and `Session::orgs`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::path::PathBuf;

use serde_json::{json, Value};
use trailglass::orgs::{self, OrgContext, OrgReport};
use trailglass::sample::Generator;
use trailglass::session::Session;

/// The texts: org stories among noise, then copies and variants of some of them.
fn texts() -> Vec<String> {
    let mut g = Generator::new(11);
    let mut records = g.org_story(1_700_000_000_000);
    records.extend(g.org_story(1_700_500_000_000));
    for _ in 0..3000 {
        records.push(g.noise());
    }
    let mut texts: Vec<String> = records.iter().map(Value::to_string).collect();
    for (i, r) in records.iter().enumerate().filter(|(i, _)| i % 7 == 0) {
        let name = r["eventName"].as_str().unwrap_or("").to_string();
        // An exact copy, and one pretty-printed (other whitespace, same content).
        texts.push(r.to_string());
        texts.push(serde_json::to_string_pretty(r).unwrap());
        let mut v = r.clone();
        match i % 5 {
            // The same event, other content: the smaller canonical form must win.
            0 => v["userAgent"] = json!(format!("copy-{i}")),
            // The eventID reused by a different event.
            1 => v["eventName"] = json!(format!("{name}X")),
            // No eventID: copies are one by content, whatever their key order.
            2 => {
                v.as_object_mut().unwrap().remove("eventID");
                texts.push(v.to_string());
                let mut keys: Vec<(String, Value)> =
                    v.as_object().unwrap().clone().into_iter().collect();
                keys.reverse();
                let body: Vec<String> = keys
                    .iter()
                    .map(|(k, x)| format!("{}:{x}", Value::String(k.clone())))
                    .collect();
                texts.push(format!("{{{}}}", body.join(",")));
            }
            // Accounts as numbers, padded and escaped strings.
            3 => {
                v["recipientAccountId"] = json!(111111111111u64);
                v["awsRegion"] = json!(" us-east-1 ");
            }
            _ => v["errorMessage"] = json!("quote \" and \u{e9}"),
        }
        texts.push(v.to_string());
    }
    texts.extend(
        [
            // An escaped eventName that is an Organizations call.
            r#"{"eventID":"esc-1","eventTime":"2023-11-15T00:00:00Z","eventSource":"organizations.amazonaws.com","eventName":"Create\u0041ccount","userIdentity":{"accountId":"111111111111"},"requestParameters":{"accountName":"esc","email":"e@x"}}"#,
            // A repeated key: the last one counts.
            r#"{"eventID":"dup-1","eventTime":"2023-11-15T00:00:01Z","eventSource":"organizations.amazonaws.com","eventName":"DescribeOrganization","eventName":"CreateOrganizationalUnit","responseElements":{"organizationalUnit":{"id":"ou-dup","name":"Dup"}}}"#,
            // Not an object; a string where an object belongs; a number for eventTime.
            r#"["organizations.amazonaws.com","CreateAccount"]"#,
            r#"{"eventID":"odd-1","eventTime":1700100000000,"eventSource":"organizations.amazonaws.com","eventName":"ListAccounts","userIdentity":"root"}"#,
            r#"{"eventID":"odd-2","eventTime":"not a time","eventSource":"organizations.amazonaws.com","eventName":"LeaveOrganization","errorCode":"  "}"#,
            // Not JSON.
            r#"{"eventID":"bad","#,
        ]
        .map(String::from),
    );
    texts
}

fn golden(name: &str, report: &OrgReport) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let got = serde_json::to_string_pretty(report).unwrap() + "\n";
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(got == want, "{name} differs from the golden report");
}

#[test]
fn reconstruct_matches_its_golden_report() {
    let values: Vec<Value> = texts()
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect();
    let report = orgs::reconstruct(&values, &OrgContext::from_records(&values));
    assert!(report.org_event_count > 100);
    golden("orgs-values.json", &report);
}

#[test]
fn reconstruct_texts_reads_texts_as_values() {
    let texts = texts();
    let values: Vec<Value> = texts
        .iter()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect();
    let ctx = OrgContext::from_records(&values);
    let from_texts = orgs::reconstruct_texts(texts.len(), |i| texts.get(i), &ctx);
    golden("orgs-values.json", &from_texts);
}

#[test]
fn session_matches_its_golden_report() {
    let mut session = Session::default();
    for (i, chunk) in texts().chunks(500).enumerate() {
        let file = format!("{{\"Records\":[{}]}}", chunk.join(","));
        session.add_file(&format!("part-{i}.json"), file.as_bytes());
    }
    session.finish();
    golden("orgs-session.json", session.orgs());
}

/// The org report reads texts the session set aside at load: console CSV summaries (with
/// and without an eventSource column) upgraded by their full records, repeated files and
/// summaries after the full records must give the report of the full records alone.
#[test]
fn session_reads_full_records_after_summaries_and_copies() {
    let mut g = Generator::new(5);
    let mut records = g.org_story(1_700_000_000_000);
    for _ in 0..200 {
        records.push(g.noise());
    }
    let json = format!(
        "{{\"Records\":[{}]}}",
        records
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let csv = |with_source: bool| {
        let field = |r: &Value, k: &str| r[k].as_str().unwrap_or("").to_string();
        let mut out = String::from("Event ID,Event time,Event name,AWS region");
        out += if with_source { ",Event source\n" } else { "\n" };
        for r in &records {
            out += &[field(r, "eventID"), field(r, "eventTime")].join(",");
            out += &format!(",{},{}", field(r, "eventName"), field(r, "awsRegion"));
            if with_source {
                out += &format!(",{}", field(r, "eventSource"));
            }
            out += "\n";
        }
        out
    };
    let report = |files: &[(&str, &str)]| {
        let mut session = Session::default();
        for (name, text) in files {
            session.add_file(name, text.as_bytes());
        }
        session.finish();
        session.orgs().clone()
    };
    let (with, without) = (csv(true), csv(false));
    let full = report(&[("a.json", &json)]);
    assert!(full.org_event_count > 10 && !full.creations.is_empty());
    let summaries = report(&[("s.csv", &with)]);
    assert_eq!(summaries.org_event_count, full.org_event_count);
    assert_ne!(summaries, full, "summaries say less than the full records");
    for files in [
        &[("s.csv", &with[..]), ("a.json", &json)][..],
        &[("n.csv", &without), ("a.json", &json)],
        &[("a.json", &json), ("s.csv", &with), ("n.csv", &without)],
        &[("a.json", &json), ("b.json", &json)],
    ] {
        let names: Vec<&str> = files.iter().map(|f| f.0).collect();
        assert!(report(files) == full, "{names:?}");
    }
}

/// Identities and times read from text without a `Value` read as the `Value`s do: the
/// caller's account (a management-only call names it) and the actor, in odd shapes.
#[test]
fn odd_identities_and_times_read_as_values() {
    let identities = [
        r#"{"accountId":111111111111,"type":"IAMUser","userName":"n"}"#,
        r#"{"accountId":" 222222222222 ","type":"Root"}"#,
        r#"{"accountId":"333333333333","accountId":"444444444444","type":"Root"}"#,
        r#"{"accountId":"55555555555\u0035","arn":"arn:aws:sts::5:assumed-role/R/s\u00e9"}"#,
        r#"{"accountId":1.5e11,"type":"AWSAccount","principalId":"p"}"#,
        r#"{"accountId":["666666666666"],"sessionContext":{"sessionIssuer":{"userName":"x"}}}"#,
        r#"["777777777777"]"#,
        r#""root""#,
        r#"null"#,
        r#"{"accountId":"","type":"AWSService","invokedBy":"a.amazonaws.com"}"#,
    ];
    let times = [
        r#""2023-11-15T00:00:00Z""#,
        "1700100000000",
        "1700100000.5",
        r#""2023-11-15T00:00:0\u0031Z""#,
        r#"{"t":1}"#,
        "true",
        r#""Sep 16, 99999999999 9:20 PM""#,
    ];
    let texts: Vec<String> = identities
        .iter()
        .enumerate()
        .flat_map(|(i, identity)| {
            times.iter().enumerate().map(move |(j, time)| {
                format!(
                    r#"{{"eventID":"e-{i}-{j}","eventTime":{time},"eventSource":"organizations.amazonaws.com","eventName":"CreateAccount","userIdentity":{identity},"requestParameters":{{"accountName":"n{i}","email":"e{i}@x"}}}}"#
                )
            })
        })
        .collect();
    let values: Vec<Value> = texts
        .iter()
        .map(|t| serde_json::from_str(t).unwrap())
        .collect();
    let ctx = OrgContext::from_records(&values);
    let from_values = orgs::reconstruct(&values, &ctx);
    assert_eq!(from_values.org_event_count as usize, texts.len());
    assert!(from_values == orgs::reconstruct_texts(texts.len(), |i| texts.get(i), &ctx));
}
