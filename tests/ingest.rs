//! Ingest over every real fixture and hand-made damaged and hostile input.
//!
//! Expected counts come from the fixtures' own descriptions (tests/fixtures/real/SOURCES.md),
//! not from our output.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

use std::io::Write;

#[path = "support/fixtures.rs"]
mod support;

use proptest::prelude::*;
use support::{all_files, fixtures};
use trailglass::ingest::{ingest_file, ErrorKind, Format, Ingested, Limits, Position};

fn read(rel: &str) -> Ingested {
    let bytes = std::fs::read(fixtures().join(rel)).unwrap();
    ingest_file(rel, &bytes, &Limits::default())
}

/// (file, format, records, data-losing issues)
const REAL: &[(&str, Format, usize, usize)] = &[
    (
        "real/loki/cloudtrail-log-file.json.gz",
        Format::CloudTrailRecords,
        2,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerTestFile.json",
        Format::CloudTrailRecords,
        6,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerTestFileCompact.json.gz",
        Format::CloudTrailRecords,
        6,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerAllFieldsNull.json",
        Format::CloudTrailRecords,
        2,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerTestFileMissField.json",
        Format::CloudTrailRecords,
        4,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerTestFileNewFieldsInRoot.json",
        Format::CloudTrailRecords,
        2,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerVariousUserIdentityTestFile.json",
        Format::CloudTrailRecords,
        1,
        0,
    ),
    (
        "real/aws-cloudtrail-processing-library/SerializerTestFileBadJsonFormat.json",
        Format::CloudTrailRecords,
        1,
        1,
    ),
    ("real/beats/insight-json.log", Format::SingleRecord, 1, 0),
    (
        "real/bob-cloudgoat-ass/event_history.csv",
        Format::ConsoleCsv,
        292,
        0,
    ),
    (
        "real/gi11rl-CloudGoat/event_history.csv",
        Format::ConsoleCsv,
        157,
        0,
    ),
    (
        "real/cloud-custodian/event-cloud-trail-create-bucket.json",
        Format::EventBridge,
        1,
        0,
    ),
    (
        "real/cloud-custodian/event-cloud-trail-run-instances.json",
        Format::SingleRecord,
        1,
        0,
    ),
    (
        "real/cloud-custodian/event-cloud-trail-update-distribution.json",
        Format::EventBridge,
        1,
        0,
    ),
    (
        "real/cloud-custodian/event-transit-gateway-delete-vpc-attachment.json",
        Format::EventBridge,
        1,
        0,
    ),
    (
        "real/elastic-integrations/test-cloudtrail-digest-json.log",
        Format::CloudTrailDigest,
        0,
        0,
    ),
    (
        "real/elastic-integrations/test-put-object-json.log",
        Format::SingleRecord,
        1,
        0,
    ),
    (
        "real/otel-collector-contrib/cloudtrail_log_cw.json",
        Format::CloudWatchLogsSubscription,
        1,
        0,
    ),
    (
        "real/plaso/aws_cloudtrail.jsonl",
        Format::LookupEventsLines,
        6,
        0,
    ),
    (
        "real/sekoia-intake-formats/invalid_characters.json",
        Format::Unrecognized,
        0,
        1,
    ),
    (
        "real/stratus-red-team/aws.credential-access.ec2-steal-instance-credentials.json",
        Format::RecordArray,
        45,
        0,
    ),
    (
        "real/stratus-red-team/aws.defense-evasion.organizations-leave.json",
        Format::RecordArray,
        3,
        0,
    ),
    (
        "real/stratus-red-team/aws.defense-evasion.cloudtrail-stop.json",
        Format::RecordArray,
        1,
        0,
    ),
    (
        "real/stratus-red-team/aws.initial-access.console-login-without-mfa.json",
        Format::RecordArray,
        1,
        0,
    ),
    (
        "real/stratus-red-team/aws.persistence.iam-create-admin-user.json",
        Format::RecordArray,
        3,
        0,
    ),
    (
        "real/stratus-red-team/aws.credential-access.secretsmanager-batch-retrieve-secrets.json",
        Format::RecordArray,
        5,
        0,
    ),
    (
        "real/sustainable-personal-accounts/tag-account-template.json",
        Format::EventBridge,
        1,
        0,
    ),
    (
        "real/stratus-red-team/aws.execution.ssm-send-command.json",
        Format::RecordArray,
        56,
        0,
    ),
    (
        "real/stratus-red-team/aws.impact.bedrock-invoke-model.json",
        Format::RecordArray,
        15,
        0,
    ),
    (
        "real/stratus-red-team/aws.persistence.rolesanywhere-create-trust-anchor.json",
        Format::RecordArray,
        2,
        0,
    ),
    (
        "real/sustainable-personal-accounts/move-account-template.json",
        Format::EventBridge,
        1,
        0,
    ),
    (
        "real/sustainable-personal-accounts/queued-event-template.json",
        Format::SqsBatch,
        1,
        0,
    ),
    (
        "real/sustainable-personal-accounts/sample-aws-organizations-event.json",
        Format::EventBridge,
        1,
        0,
    ),
    (
        "real/sustainable-personal-accounts/signin-console-login-for-account-root-template.json",
        Format::EventBridge,
        1,
        0,
    ),
    // Cut at the start, and a shell prompt pasted after the end (skipped, and said so).
    ("real/thm2024/cloudtrail.json", Format::JsonFragment, 37, 2),
];

#[test]
fn every_real_fixture_reads_as_described() {
    for &(file, format, records, losses) in REAL {
        let got = read(file);
        let r = &got.report;
        assert_eq!(r.format, format, "{file}");
        assert_eq!(got.records.len(), records, "{file}: {:?}", r.issues);
        assert_eq!(
            r.issues.iter().filter(|i| i.loses_data()).count(),
            losses,
            "{file}: {:?}",
            r.issues
        );
    }
}

#[test]
fn no_real_fixture_is_left_untested_or_panics() {
    let dir = fixtures().join("real");
    let mut events = 0;
    for path in all_files(&dir) {
        let rel = path
            .strip_prefix(fixtures())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let got = read(&rel);
        events += got.records.len();
        let listed = REAL.iter().any(|(f, ..)| *f == rel) || rel.contains("invictus-aws_dataset");
        assert!(listed, "{rel} has no expectation in REAL");
        if rel.contains("invictus-aws_dataset") {
            assert_eq!(got.report.format, Format::CloudTrailRecords, "{rel}");
            assert!(
                got.report.issues.is_empty(),
                "{rel}: {:?}",
                got.report.issues
            );
            assert!(!got.records.is_empty(), "{rel}");
        }
    }
    assert!(events > 3000, "{events}");
}

#[test]
fn typed_fields_are_read_from_each_form() {
    // lookup-events: the record is the CloudTrailEvent string; its time has an offset.
    let lookup = read("real/plaso/aws_cloudtrail.jsonl");
    let r = &lookup.records[0];
    assert_eq!(r.event_name.as_deref(), Some("DescribeInstances"));
    assert_eq!(r.identity.principal().as_deref(), Some("fakeusername"));
    assert!(r.raw.starts_with("{\"eventVersion\""));
    // EventBridge: detail is the record.
    let eb = read("real/sustainable-personal-accounts/sample-aws-organizations-event.json");
    assert_eq!(
        eb.records[0].event_name.as_deref(),
        Some("CreateAccountResult")
    );
    // CloudWatch Logs: the message string.
    let cw = read("real/otel-collector-contrib/cloudtrail_log_cw.json");
    assert_eq!(cw.records[0].event_name.as_deref(), Some("PutObject"));
    assert_eq!(cw.records[0].event_category.as_deref(), Some("Data"));
    // SQS: the body holds the record, the SQS message is not taken for one.
    let sqs = read("real/sustainable-personal-accounts/queued-event-template.json");
    assert_eq!(
        sqs.records[0].event_source.as_deref(),
        Some("organizations.amazonaws.com")
    );
    // Surrogate pairs and escapes in a record survive.
    let root = read("real/cloud-custodian/event-cloud-trail-create-bucket.json");
    assert_eq!(
        root.records[0].identity.principal().as_deref(),
        Some("root")
    );
    // Every null is tolerated.
    let nulls = read("real/aws-cloudtrail-processing-library/SerializerAllFieldsNull.json");
    assert!(nulls.records[0].event_time.is_none());
}

#[test]
fn csv_rows_are_summaries_and_spreadsheet_damage_is_flagged() {
    let clean = read("real/bob-cloudgoat-ass/event_history.csv");
    assert!(clean.records.iter().all(|r| r.summary_only));
    assert!(clean
        .records
        .iter()
        .all(|r| r.recipient_account_id.as_deref() == Some("493576923261")));
    let first = &clean.records[0];
    assert_eq!(first.event_name.as_deref(), Some("DeleteTrail"));
    assert!(first
        .user_agent
        .as_deref()
        .unwrap()
        .contains("KHTML, like Gecko"));
    let excel = read("real/gi11rl-CloudGoat/event_history.csv");
    assert!(excel
        .records
        .iter()
        .all(|r| r.recipient_account_id.is_none()));
    assert!(excel.records.iter().all(|r| r.read_only.is_some()));
    let damaged: Vec<_> = excel
        .report
        .issues
        .iter()
        .filter(|i| matches!(i.kind, ErrorKind::DamagedField { .. }))
        .collect();
    assert_eq!(damaged.len(), 1);
    assert!(damaged[0].to_string().contains("157 rows"));
}

#[test]
fn damaged_files_keep_every_good_record_and_say_where() {
    let cases: &[(&str, Format, usize, &str)] = &[
        ("damaged/empty.json", Format::Empty, 0, "empty file"),
        (
            "damaged/garbage.json.gz",
            Format::Unrecognized,
            0,
            "not gzip",
        ),
        (
            "damaged/invalid-record.json",
            Format::CloudTrailRecords,
            2,
            // The record starts at line 3, column 1 (byte 336); the damage is at column 61.
            "line 3, column 1 (byte 336): record cut off at byte 396 (expected `,` or `}`); recovered at byte 433",
        ),
        (
            "damaged/truncated-records.json",
            Format::CloudTrailRecords,
            2,
            "file is cut off here",
        ),
        (
            "damaged/truncated.json.gz",
            Format::CloudTrailRecords,
            5,
            "gzip stream is cut off",
        ),
        (
            "damaged/bad-line.ndjson",
            Format::RecordLines,
            2,
            "line 2, column",
        ),
        (
            "damaged/sqs-not-cloudtrail.json",
            Format::SqsBatch,
            0,
            "`body` does not hold a CloudTrail record",
        ),
    ];
    for &(file, format, records, message) in cases {
        let got = read(file);
        assert_eq!(got.report.format, format, "{file}");
        assert_eq!(got.records.len(), records, "{file}");
        let text: Vec<String> = got.report.issues.iter().map(ToString::to_string).collect();
        assert!(text.iter().any(|t| t.contains(message)), "{file}: {text:?}");
    }
    let ok = [
        "damaged/bom.json",
        "damaged/plain-text-named.json.gz",
        "damaged/deep-nesting.json",
        "damaged/script-in-strings.json",
    ];
    for file in ok {
        let got = read(file);
        assert!(
            got.report.issues.is_empty(),
            "{file}: {:?}",
            got.report.issues
        );
        assert!(!got.records.is_empty(), "{file}");
    }
}

#[test]
fn a_gzip_bomb_stops_at_the_cap_with_a_clear_message() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(b"{\"Records\":[").unwrap();
    gz.write_all(&vec![b' '; 8 << 20]).unwrap();
    gz.write_all(b"]}").unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 64 << 10);
    let limits = Limits {
        max_decompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    let got = ingest_file("bomb.json.gz", &bomb, &limits);
    let issue = got
        .report
        .issues
        .iter()
        .find(|i| matches!(i.kind, ErrorKind::TooLarge { .. }))
        .expect("size cap issue");
    assert_eq!(issue.position, Position::Decompressed { offset: 1 << 20 });
    assert!(issue.to_string().contains("gzip bomb"));
    assert_eq!(got.report.decoded_bytes, 1 << 20);
}

#[test]
fn a_huge_record_is_kept_whole() {
    let big = "x".repeat(8 << 20);
    let text = format!(
        r#"{{"Records":[{{"eventVersion":"1.08","eventID":"big","eventName":"Huge","requestParameters":{{"blob":"{big}"}}}},{{"eventID":"small","eventName":"Small"}}]}}"#
    );
    let got = ingest_file("huge.json", text.as_bytes(), &Limits::default());
    assert_eq!(got.records.len(), 2);
    assert!(got.records[0].raw.len() > 8 << 20);
}

#[test]
fn hostile_nesting_without_records_is_reported_not_crashed() {
    for text in [
        "[".repeat(200_000),
        "{\"a\":".repeat(100_000),
        format!("{{\"Records\":[{}", "{".repeat(100_000)),
    ] {
        let got = ingest_file("deep.json", text.as_bytes(), &Limits::default());
        assert!(got.records.is_empty());
        assert!(!got.report.issues.is_empty());
    }
}

#[test]
fn hostile_damage_keeps_recovery_linear() {
    // Each `{"a":"` is a place a record could start, and each fails in a few bytes.
    let quotes = "{\"a\":\"".repeat(100_000);
    let got = ingest_file("quotes.json", quotes.as_bytes(), &Limits::default());
    assert!(got.records.is_empty());
    assert!(got.report.issues.iter().any(|i| i.loses_data()));
    let unmatched = format!("{{\"Records\":[{}]}}", "\"".repeat(1_000_000));
    let got = ingest_file("unmatched.json", unmatched.as_bytes(), &Limits::default());
    assert!(got.records.is_empty());
    assert!(got.report.issues.iter().any(|i| i.loses_data()));
    // Every start here parses on to the end of the file: without a bound, trying them all
    // is quadratic. The budget stops it, says so, and a record before it is kept.
    let record = r#"{"eventVersion":"1.08","eventID":"kept","eventName":"X"}"#;
    let nested = format!(
        "[{record},{}",
        format!("{{\"a\":[{}", "0,".repeat(100)).repeat(5_000)
    );
    let got = ingest_file("nested.json", nested.as_bytes(), &Limits::default());
    assert_eq!(got.records.len(), 1);
    assert!(
        got.report
            .issues
            .iter()
            .any(|i| matches!(i.kind, ErrorKind::RecoveryBudget { .. })),
        "{:?}",
        got.report.issues
    );
}

#[test]
fn every_cut_of_a_records_file_keeps_the_whole_records_before_it() {
    let text = std::fs::read_to_string(
        fixtures().join("real/aws-cloudtrail-processing-library/SerializerTestFile.json"),
    )
    .unwrap();
    let full = ingest_file("f.json", text.as_bytes(), &Limits::default()).records;
    // Where each record's text ends in the file.
    let ends: Vec<usize> = full
        .iter()
        .map(|r| text.find(&*r.raw).unwrap() + r.raw.len())
        .collect();
    for cut in (0..text.len()).step_by(7) {
        let got = ingest_file("f.json", &text.as_bytes()[..cut], &Limits::default());
        let complete = ends.iter().filter(|&&e| e <= cut).count();
        assert_eq!(got.records.len(), complete, "cut at {cut}");
        assert_eq!(got.records[..], full[..complete], "cut at {cut}");
        if complete < full.len() && cut > 0 && !text[..cut].trim().is_empty() {
            assert!(
                got.report.issues.iter().any(|i| i.loses_data()),
                "cut at {cut} reports nothing"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), gz in any::<bool>()) {
        let name = if gz { "x.json.gz" } else { "x.json" };
        let got = ingest_file(name, &bytes, &Limits::default());
        prop_assert!(got.report.issues.len() <= Limits::default().max_issues_per_file + 1);
    }

    #[test]
    fn json_ish_soup_never_panics(parts in proptest::collection::vec(
        prop_oneof![Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("\""), Just("\\"),
                    Just("\"Records\""), Just("\"eventVersion\":\"1\""), Just("\"eventID\":\"a\""), Just("\n"), Just("null")],
        0..200)) {
        let text: String = parts.concat();
        ingest_file("soup.json", text.as_bytes(), &Limits::default());
    }
}

#[test]
fn gzip_is_found_by_content_not_name() {
    let bytes = std::fs::read(fixtures().join("real/loki/cloudtrail-log-file.json.gz")).unwrap();
    let got = ingest_file("renamed.json", &bytes, &Limits::default());
    assert!(got.report.compressed);
    assert_eq!(got.report.format, Format::CloudTrailRecords);
    assert_eq!(got.records.len(), 2);
}

#[test]
fn envelopes_come_one_per_file_in_arrays_or_one_per_line() {
    let one = std::fs::read_to_string(
        fixtures().join("real/cloud-custodian/event-cloud-trail-create-bucket.json"),
    )
    .unwrap();
    let two = std::fs::read_to_string(fixtures().join(
        "real/sustainable-personal-accounts/signin-console-login-for-account-root-template.json",
    ))
    .unwrap();
    let compact = |t: &str| {
        serde_json::from_str::<serde_json::Value>(t)
            .unwrap()
            .to_string()
    };
    let array = format!("[{one},{two}]");
    let lines = format!("{}\n{}\n", compact(&one), compact(&two));
    for (text, format) in [(array, Format::EventBridge), (lines, Format::EventBridge)] {
        let got = ingest_file("envelopes", text.as_bytes(), &Limits::default());
        assert_eq!(got.report.format, format);
        let names: Vec<_> = got
            .records
            .iter()
            .map(|r| r.event_name.clone().unwrap())
            .collect();
        assert_eq!(names, ["CreateBucket", "ConsoleLogin"]);
    }
}

#[test]
fn lookup_events_json_and_filter_log_events_forms() {
    let record = r#"{"eventVersion":"1.08","eventID":"e1","eventTime":"2024-01-01T00:00:00Z","eventName":"ListBuckets"}"#;
    let escaped = serde_json::to_string(record).unwrap();
    let lookup = format!(
        r#"{{"Events":[{{"EventId":"e1","EventName":"ListBuckets","EventTime":"2024-01-01 00:00:00+00:00","CloudTrailEvent":{escaped}}}],"NextToken":"x"}}"#
    );
    let got = ingest_file("lookup.json", lookup.as_bytes(), &Limits::default());
    assert_eq!(
        (got.report.format, got.records.len()),
        (Format::LookupEvents, 1)
    );
    let filter = format!(
        r#"{{"events":[{{"logStreamName":"s","timestamp":1,"message":{escaped},"ingestionTime":2,"eventId":"9"}}],"searchedLogStreams":[]}}"#
    );
    let got = ingest_file("filter.json", filter.as_bytes(), &Limits::default());
    assert_eq!(
        (got.report.format, got.records.len()),
        (Format::CloudWatchLogsEvents, 1)
    );
    let control = r#"{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}"#;
    let got = ingest_file("control.json", control.as_bytes(), &Limits::default());
    assert_eq!(
        (got.report.format, got.records.len()),
        (Format::CloudWatchLogsSubscription, 0)
    );
    assert!(got.report.issues.is_empty());
    assert!(got
        .report
        .notes
        .iter()
        .any(|n| n.contains("CONTROL_MESSAGE")));
}

#[test]
fn siem_exports_open_and_s3_notifications_are_reported() {
    // (file, records, first eventID): files written for these tests, in the shapes Splunk
    // and Cribl export (see tests/fixtures/wrappers/).
    let cases = [
        (
            "wrappers/splunk-export.json",
            3,
            "5b1c0001-1111-4222-8333-444455556666",
        ),
        (
            "wrappers/splunk-raw-single.json",
            1,
            "5b1c0030-1111-4222-8333-444455556666",
        ),
        (
            "wrappers/cribl-records-in-raw.ndjson",
            4,
            "5b1c0010-1111-4222-8333-444455556666",
        ),
        (
            "wrappers/cribl-raw-objects.json",
            3,
            "5b1c0020-1111-4222-8333-444455556666",
        ),
    ];
    for (file, records, first) in cases {
        let got = read(file);
        assert_eq!(got.report.format, Format::SiemExport, "{file}");
        assert_eq!(got.records.len(), records, "{file}");
        assert!(
            got.report.issues.is_empty(),
            "{file}: {:?}",
            got.report.issues
        );
        assert_eq!(got.records[0].event_id.as_deref(), Some(first), "{file}");
        // The record is the record, not the wrapper: none of the exporter's fields.
        for r in &got.records {
            assert!(r.raw.contains("\"eventVersion\""), "{file}: {}", r.raw);
            assert!(!r.raw.contains("sourcetype"), "{file}: {}", r.raw);
        }
    }
    let got = read("wrappers/s3-event-notification.json");
    assert_eq!(got.report.format, Format::S3Notification);
    assert!(got.records.is_empty());
    let text: Vec<String> = got.report.issues.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 1);
    assert!(
        text[0].contains("an S3 event notification (ObjectCreated:Put)"),
        "{text:?}"
    );
}
