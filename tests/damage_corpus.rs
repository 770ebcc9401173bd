//! The damage corpus: one intact file of 20 records damaged in each way real files are
//! (cut inside a string, cut between keys, missing comma, stray brace, garbage, a NUL run,
//! two files glued, a file cut mid-record followed by another, multi-member gzip, NDJSON
//! with a cut line, invalid UTF-8 inside a record). Every intact record is kept, whole and
//! streamed, and the ledger names the right kind of damage.
//!
//! The files are also in tests/fixtures/damage/ for the browser test (e2e/damage.test.mjs):
//! this test checks they are what the generator makes (`TRAILGLASS_WRITE_DAMAGE=1`
//! rewrites them).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

#[path = "support/invariants.rs"]
mod invariants;

use std::io::Write;
use std::path::PathBuf;

use trailglass::ingest::{ingest_file, ErrorKind, Limits};

const N: usize = 20;

fn record(i: usize) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDADAMAGE{i:02}","arn":"arn:aws:iam::111122223333:user/dana","accountId":"111122223333","userName":"dana"}},"eventTime":"2024-03-01T09:{i:02}:00Z","eventSource":"organizations.amazonaws.com","eventName":"TagResource","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.{i}","userAgent":"aws-cli/2.15.0","requestParameters":{{"resourceId":"ou-ab12-cd34ef{i:02}","tags":[{{"key":"note","value":"say \"hi\" {{not a brace}} [{i}]"}}]}},"responseElements":null,"requestID":"d{i:03}","eventID":"dmg-{i:02}","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}}"#
    )
}

fn records_file(range: std::ops::Range<usize>) -> String {
    let items: Vec<String> = range.map(record).collect();
    format!("{{\"Records\":[{}]}}", items.join(","))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Records 0..8, record 8 cut where `cut` (a piece of its text) ends, then 9..20.
fn cut_record_then_rest(cut: &str, rest: &str) -> String {
    let r8 = record(8);
    let at = r8.find(cut).unwrap() + cut.len();
    let head: Vec<String> = (0..8).map(record).collect();
    format!("{{\"Records\":[{},{}{rest}", head.join(","), &r8[..at])
}

fn tail_items(from: usize) -> String {
    let items: Vec<String> = (from..N).map(record).collect();
    format!("{}]}}", items.join(","))
}

/// (file name, bytes, eventIDs lost to the damage, the kind of damage named)
fn corpus() -> Vec<(&'static str, Vec<u8>, Vec<usize>, &'static str)> {
    let items: Vec<String> = (0..N).map(record).collect();
    let joined = |sep: &str, at: usize, insert: &str| {
        let mut out = String::from("{\"Records\":[");
        for (i, r) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            if i == at {
                out.push_str(insert);
            }
            out.push_str(r);
        }
        out.push_str("]}");
        out
    };
    let mut ndjson: Vec<String> = items.clone();
    ndjson[8] = ndjson[8][..ndjson[8].find("\"userName\":\"da").unwrap() + 14].to_owned();
    let mut bad_utf8 = records_file(0..N).into_bytes();
    let at = bad_utf8.windows(7).position(|w| w == b"dmg-05\"").unwrap() - 40;
    bad_utf8[at] = 0xff;
    vec![
        (
            "cut-inside-string.json",
            cut_record_then_rest("\"principalId\":\"AIDADAM", &tail_items(9)).into(),
            vec![8],
            "record-cut",
        ),
        (
            "cut-between-keys.json",
            cut_record_then_rest("\"awsRegion\":\"us-east-1\",", &tail_items(9)).into(),
            vec![8],
            "record-cut",
        ),
        (
            "missing-comma.json",
            joined(",", 6, "")
                .replacen(&format!(",{}", items[6]), &items[6], 1)
                .into(),
            vec![],
            "syntax",
        ),
        (
            "stray-brace.json",
            joined(",", 6, "},").into(),
            vec![],
            "between-records",
        ),
        (
            "garbage.json",
            joined(",", 6, "#!garbage$$ ~~~,").into(),
            vec![],
            "between-records",
        ),
        (
            "nul-run.json",
            joined(",", 6, &"\0".repeat(64)).into(),
            vec![],
            "between-records",
        ),
        (
            "two-files-glued.json",
            format!("{}\n{}", records_file(0..10), records_file(10..N)).into(),
            vec![],
            "none",
        ),
        (
            "cut-file-then-another.json",
            format!(
                "{}{}",
                cut_record_then_rest("\"sourceIPAddress\":\"203.0", "").trim_end_matches(','),
                records_file(9..N)
            )
            .into(),
            vec![8],
            "record-cut",
        ),
        (
            "multi-member.json.gz",
            [
                gzip(records_file(0..10).as_bytes()),
                gzip(records_file(10..N).as_bytes()),
            ]
            .concat(),
            vec![],
            "none",
        ),
        (
            "cut-line.ndjson",
            (ndjson.join("\n") + "\n").into(),
            vec![8],
            "syntax",
        ),
        ("invalid-utf8.json", bad_utf8, vec![], "invalid-utf8"),
    ]
}

fn kind_name(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::RecordCut { .. } => "record-cut",
        ErrorKind::BetweenRecords { .. } => "between-records",
        ErrorKind::Syntax { .. } => "syntax",
        ErrorKind::InvalidUtf8 => "invalid-utf8",
        ErrorKind::Truncated => "truncated",
        _ => "other",
    }
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/damage")
}

#[test]
fn every_intact_record_survives_every_kind_of_damage() {
    let write = std::env::var_os("TRAILGLASS_WRITE_DAMAGE").is_some();
    if write {
        std::fs::create_dir_all(dir()).unwrap();
    }
    for (name, bytes, lost, kind) in corpus() {
        let path = dir().join(name);
        if write {
            std::fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{name} is not what the generator makes"
        );
        let got = ingest_file(name, &bytes, &Limits::default());
        let ids: Vec<String> = got
            .records
            .iter()
            .map(|r| r.event_id.clone().unwrap().into_owned())
            .collect();
        let expected: Vec<String> = (0..N)
            .filter(|i| !lost.contains(i))
            .map(|i| format!("dmg-{i:02}"))
            .collect();
        assert_eq!(ids, expected, "{name}: {:#?}", got.report.issues);
        let kinds: Vec<&str> = got
            .report
            .issues
            .iter()
            .map(|i| kind_name(&i.kind))
            .collect();
        if kind == "none" {
            assert!(kinds.is_empty(), "{name}: {:#?}", got.report.issues);
        } else {
            assert_eq!(kinds, [kind], "{name}: {:#?}", got.report.issues);
        }
        assert!(
            got.report
                .issues
                .iter()
                .all(|i| !i.to_string().contains("file is cut off")),
            "{name}: says cut off with records after it"
        );
        invariants::check(&bytes, &[], &[1 + name.len(), 4096]);
    }
}

#[test]
fn the_seed_page_shows_its_six_example_records() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed/aws-organizations-logging-ja.txt");
    let bytes = std::fs::read(path).unwrap();
    let got = ingest_file("seed.txt", &bytes, &Limits::default());
    let names: Vec<&str> = got
        .records
        .iter()
        .map(|r| r.event_name.as_deref().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "CreateAccount",
            "CreateAccountResult",
            "CreateAccountResult",
            "CreateOrganizationalUnit",
            "InviteAccountToOrganization",
            "AttachPolicy"
        ]
    );
    // The FAILED example's unquoted timestamps were repaired, and the ledger says so.
    let repaired = got
        .report
        .issues
        .iter()
        .filter(|i| matches!(i.kind, ErrorKind::Repaired { .. }))
        .count();
    assert_eq!(repaired, 2, "{:#?}", got.report.issues);
    let mut session = trailglass::session::Session::default();
    let report = session.add_file("seed.txt", &bytes).clone();
    assert_eq!(
        (report.kept, report.duplicates, report.reused_ids),
        (6, 0, 5)
    );
}
