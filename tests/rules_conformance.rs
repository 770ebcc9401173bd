//! EventBridge conformance: every vector in `tests/fixtures/eventbridge/vectors.json` must give
//! the expected outcome (match, no match, or invalid pattern with AWS's message), and the
//! record fast path (`Pattern::matches_record`) must agree with `Pattern::matches` on every
//! vector event. Also holds the `#[ignore]`d throughput benchmark:
//!
//! `cargo test --release --test rules_conformance -- --ignored --nocapture bench`
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

use serde_json::Value;
#[path = "support/vectors.rs"]
mod vectors;

use trailglass::rules::{compile, starter_rules, wrap, EnvelopeFields, Pattern};

fn read_vectors() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/eventbridge/vectors.json"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[test]
fn every_vector_passes() {
    let report = vectors::check(&read_vectors());
    assert!(report.vectors > 0, "no vectors read");
    println!(
        "{} vectors checked, {} failures; fast path checked against the expected outcome on {} wrapped CloudTrail records",
        report.vectors,
        report.failures.len(),
        report.fast_checked
    );
    for f in &report.failures {
        println!("FAIL {f}");
    }
    assert!(
        report.failures.is_empty(),
        "{} of {} vectors failed (see output above)",
        report.failures.len(),
        report.vectors
    );
}

#[test]
fn starter_rules_are_valid_eventbridge_patterns() {
    let rules = starter_rules();
    assert!(rules.len() >= 9);
    for r in rules {
        let pattern = compile(&r.pattern_json).unwrap_or_else(|e| panic!("{}: {e}", r.name));
        assert!(
            pattern.notes().is_empty(),
            "{}: uses event-ruler-only behaviour",
            r.name
        );
        assert!(r.pattern_json.chars().count() <= 2048);
        // Plain JSON: parseable by any JSON reader, so pasting into AWS works.
        let _: Value =
            serde_json::from_str(&r.pattern_json).unwrap_or_else(|e| panic!("{}: {e}", r.name));
    }
}

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// A realistic CloudTrail record, 1–2 KB, from a mix of services (`org_percent` of them
/// Organizations calls; some are root activity, some failed).
fn generated_record(rng: &mut Rng, n: u64, org_percent: u64) -> String {
    const ORG: &[&str] = &[
        "CreateAccount",
        "LeaveOrganization",
        "InviteAccountToOrganization",
        "AcceptHandshake",
        "DetachPolicy",
        "AttachPolicy",
        "ListAccounts",
        "DescribeOrganization",
        "MoveAccount",
        "RegisterDelegatedAdministrator",
    ];
    const OTHER: &[(&str, &str)] = &[
        ("s3.amazonaws.com", "GetObject"),
        ("ec2.amazonaws.com", "DescribeInstances"),
        ("sts.amazonaws.com", "AssumeRole"),
        ("kms.amazonaws.com", "Decrypt"),
        ("iam.amazonaws.com", "ListRoles"),
        ("lambda.amazonaws.com", "Invoke"),
        ("signin.amazonaws.com", "ConsoleLogin"),
        ("monitoring.amazonaws.com", "PutMetricData"),
    ];
    let roll = rng.next() % 100;
    let (source, name) = if roll < org_percent {
        ("organizations.amazonaws.com", rng.pick(ORG))
    } else {
        OTHER[(rng.next() % OTHER.len() as u64) as usize]
    };
    let root = rng.next() % 50 == 0;
    let failed = rng.next() % 10 == 0;
    let account = rng.pick(&["111122223333", "444455556666", "777788889999"]);
    let identity = if root {
        format!(
            r#"{{"type":"Root","principalId":"{account}","arn":"arn:aws:iam::{account}:root","accountId":"{account}","accessKeyId":""}}"#
        )
    } else {
        format!(
            r#"{{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID:user{n}","arn":"arn:aws:sts::{account}:assumed-role/Admin/user{n}","accountId":"{account}","accessKeyId":"ASIAEXAMPLEKEY{n:06}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"AROAEXAMPLEROLEID","arn":"arn:aws:iam::{account}:role/Admin","accountId":"{account}","userName":"Admin"}},"webIdFederationData":{{}},"attributes":{{"creationDate":"2024-03-05T14:01:07Z","mfaAuthenticated":"true"}}}}}}"#
        )
    };
    let error = if failed {
        r#""errorCode":"AccessDeniedException","errorMessage":"You don't have permissions to access this resource.","#
    } else {
        ""
    };
    let event_type = if name == "ConsoleLogin" {
        "AwsConsoleSignIn"
    } else {
        "AwsApiCall"
    };
    format!(
        r#"{{"eventVersion":"1.09","userIdentity":{identity},"eventTime":"2024-03-{day:02}T{hour:02}:{min:02}:{sec:02}Z","eventSource":"{source}","eventName":"{name}","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.{ip}","userAgent":"aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.11.8 md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#{name}",{error}"requestParameters":{{"maxResults":20,"filter":{{"tags":[{{"key":"team","value":"platform"}},{{"key":"env","value":"prod"}}]}},"nextToken":"eyJ2IjoxLCJjIjoiZXhhbXBsZSB0b2tlbiBmb3IgcGFnaW5hdGlvbiJ9"}},"responseElements":{{"items":[{{"id":"r-{n}","state":"ACTIVE","arn":"arn:aws:organizations::{account}:root/o-exampleorg1/r-{n}"}}],"requestedTimestamp":"Mar 5, 2024, 2:22:31 PM"}},"requestID":"5b8f0c1e-aaaa-4bbb-8ccc-{n:012}","eventID":"0f1e2d3c-bbbb-4ccc-8ddd-{n:012}","readOnly":false,"eventType":"{event_type}","managementEvent":true,"recipientAccountId":"{account}","eventCategory":"Management","tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"organizations.us-east-1.amazonaws.com"}}}}"#,
        day = 1 + n % 28,
        hour = n % 24,
        min = n % 60,
        sec = (n / 60) % 60,
        ip = n % 250,
    )
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Throughput of the starter rules over generated records. Records are distinct; the set is
/// swept several times so a million evaluations per rule need only ~150 MB of records.
/// Sizes: RULES_BENCH_RECORDS (default 100000) × RULES_BENCH_PASSES (default 10);
/// RULES_BENCH_ORG_PERCENT (default 20) of the records are Organizations calls.
#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
#[allow(clippy::disallowed_methods)] // Instant::now: native-only benchmark, never built for wasm
fn bench_starter_rules_over_generated_records() {
    use std::time::Instant;

    let records_n = env_number("RULES_BENCH_RECORDS", 100_000);
    let passes = env_number("RULES_BENCH_PASSES", 10);
    let org_percent = env_number("RULES_BENCH_ORG_PERCENT", 20) as u64;
    let rules: Vec<Pattern> = starter_rules()
        .iter()
        .map(|r| compile(&r.pattern_json).expect("starter rules compile"))
        .collect();

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let records: Vec<String> = (0..records_n as u64)
        .map(|n| generated_record(&mut rng, n, org_percent))
        .collect();
    let avg_len = records.iter().map(String::len).sum::<usize>() / records.len().max(1);

    // Baseline: the cheapest possible full read of each record with serde_json.
    let t = Instant::now();
    for r in &records {
        let _: serde::de::IgnoredAny = serde_json::from_str(r).expect("JSON");
    }
    let skip_time = t.elapsed();

    let t = Instant::now();
    let envelopes: Vec<EnvelopeFields> = records
        .iter()
        .map(|r| EnvelopeFields::from_record_json(r).expect("generated records are JSON"))
        .collect();
    let envelope_time = t.elapsed();

    let t = Instant::now();
    let mut hits = vec![0usize; rules.len()];
    for _ in 0..passes {
        for (record, envelope) in records.iter().zip(&envelopes) {
            for (rule, hit) in rules.iter().zip(hits.iter_mut()) {
                if rule.matches_record(record, envelope) {
                    *hit += 1;
                }
            }
        }
    }
    let match_time = t.elapsed();
    let events = records_n * passes;

    // The slow path on a sample, to show what the fast path saves and that they agree.
    let sample = records_n.min(20_000);
    let t = Instant::now();
    let mut disagreements = 0;
    for (record, envelope) in records.iter().zip(&envelopes).take(sample) {
        let value: Value = serde_json::from_str(record).expect("JSON");
        let event = wrap(&value);
        for rule in &rules {
            if rule.matches(&event) != rule.matches_record(record, envelope) {
                disagreements += 1;
            }
        }
    }
    let slow_time = t.elapsed();

    println!(
        "records: {records_n} distinct ({org_percent}% Organizations), avg {avg_len} bytes; {passes} passes = {events} events; {} rules",
        rules.len()
    );
    println!(
        "EnvelopeFields::from_record_json: {:.2} µs/record ({:.0} records/s), once per record; \
         serde_json skipping the whole record (IgnoredAny): {:.2} µs/record",
        envelope_time.as_secs_f64() * 1e6 / records_n as f64,
        records_n as f64 / envelope_time.as_secs_f64(),
        skip_time.as_secs_f64() * 1e6 / records_n as f64
    );
    println!(
        "matches_record, {} rules × {events} events: {:.3} s = {:.0} events/s for all rules ({:.1} ns per rule-event)",
        rules.len(),
        match_time.as_secs_f64(),
        events as f64 / match_time.as_secs_f64(),
        match_time.as_secs_f64() * 1e9 / (events * rules.len()) as f64
    );
    println!(
        "slow path (parse + wrap + matches) on {sample} records: {:.0} events/s for all rules; disagreements: {disagreements}",
        sample as f64 / slow_time.as_secs_f64()
    );
    println!(
        "matches per rule per pass: {:?}",
        hits.iter().map(|h| h / passes).collect::<Vec<_>>()
    );
    assert_eq!(disagreements, 0);
}
