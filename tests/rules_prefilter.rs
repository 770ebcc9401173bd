//! The column prefilter of watch rules (`rules::candidates`) never leaves out an event a
//! pattern matches: over real fixtures (CSV summaries included), generated trails and
//! records with odd field types, for the starter rules and patterns using every operator;
//! and the session's rule results equal evaluating every record without it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use trailglass::protocol::RuleSpec;
use trailglass::rules::{self, EnvelopeFields, Pattern};
use trailglass::sample::Generator;
use trailglass::session::Session;
use trailglass::store::{EventId, Store};

#[path = "support/fixtures.rs"]
mod support;

/// Records whose fields a column shows lossily or not at all (written as text: serde_json
/// values cannot hold duplicate keys or escaped key spellings).
const ODD_RECORDS: &[&str] = &[
    r#"{"eventID":"n1","eventTime":"2024-01-01T00:00:00Z","eventSource":5,"eventName":7,"awsRegion":9,"eventType":1}"#,
    r#"{"eventID":"n2","eventTime":"2024-01-01T00:00:01Z","eventSource":true,"eventName":false,"awsRegion":true,"errorCode":true}"#,
    r#"{"eventID":"n3","eventTime":"2024-01-01T00:00:02Z","eventSource":"","eventName":"","awsRegion":"","errorCode":"","eventType":""}"#,
    r#"{"eventID":"n4","eventTime":"2024-01-01T00:00:03Z","eventSource":null,"eventName":null,"awsRegion":null,"errorCode":null}"#,
    r#"{"eventID":"n5","eventTime":"2024-01-01T00:00:04Z","eventSource":["organizations.amazonaws.com"],"eventName":["CreateAccount","X"],"eventType":["AwsApiCall"],"errorCode":["Denied"],"userIdentity":{"type":["Root"]}}"#,
    r#"{"eventID":"n6","eventTime":"2024-01-01T00:00:05Z","eventSource":{"x":1},"eventName":{"y":"CreateAccount"},"awsRegion":{"r":1}}"#,
    r#"{"eventID":"n7","eventTime":"2024-01-01T00:00:06Z","eventSource":"ec2.amazonaws.com","eventSource":"organizations.amazonaws.com","eventName":"X","eventName":"CreateAccount","eventType":"AwsApiCall"}"#,
    r#"{"eventID":"n8","eventTime":"2024-01-01T00:00:07Z","eventSource":"monitoring.amazonaws.com","eventName":"PutMetricData","eventType":"AwsApiCall","userIdentity":{"type":"IAMUser"},"userIdentity.type":"Root"}"#,
    r#"{"eventID":"n9","eventTime":"2024-01-01T00:00:08Z","eventSource":"foo","eventName":"Bar","eventType":"AwsConsoleSignIn","userIdentity":{"type":"IAMUser"},"userIdentity\u002etype":"Root"}"#,
    r#"{"eventID":"n10","eventTime":"2024-01-01T00:00:09Z","eventSource":".amazonaws.com","eventType":"Unknown","userIdentity":[{"type":"Root"}],"sourceIPAddress":"10.0.0.1"}"#,
    r#"{"eventID":"n11","eventTime":"2024-01-01T00:00:10Z","eventSource":"organizations.amazonaws.com","eventName":"CreateAccount","eventType":"AwsApiCall","userIdentity":{"type":3,"type":"Root"},"errorCode":"AccessDenied","awsRegion":"us-east-1","recipientAccountId":"111111111111"}"#,
    r#"{"eventID":"n12","eventTime":"2024-01-01T00:00:11Z","eventSource":"organizations.amazonaws.com","userIdentity":{"type":"Root","type":4.5},"userIdentity":{"type":"Root"},"userIdentity":{"invokedBy":"x"},"eventType":"AwsServiceEvent"}"#,
    r#"{"eventID":"n13","eventTime":"2024-01-01T00:00:12Z","eventSource":"1e3","eventName":"12","awsRegion":"true","userIdentity":{"type":"false"},"sourceIPAddress":"2001:db8::1","userAgent":"aws-cli/2.0"}"#,
    r#"{"eventID":"n14","eventTime":"2024-01-01T00:00:13Z","eventSource":1e3,"eventName":12,"userIdentity":{"type":false},"errorCode":0}"#,
];

/// Patterns over every operator, on fields the columns hold and fields they do not.
const TRICKY: &[&str] = &[
    r#"{"detail":{"eventSource":[5]}}"#,
    r#"{"detail":{"eventSource":[{"numeric":[">",1]}]}}"#,
    r#"{"detail":{"eventName":[{"numeric":["=",12]}]}}"#,
    r#"{"detail":{"eventSource":[true]}}"#,
    r#"{"detail":{"eventName":[false, null]}}"#,
    r#"{"detail":{"eventSource":[""]}}"#,
    r#"{"detail":{"errorCode":[""]}}"#,
    r#"{"detail":{"errorCode":[{"exists":false}]}}"#,
    r#"{"detail":{"errorCode":[{"exists":true}]}}"#,
    r#"{"detail":{"errorCode":[{"anything-but":"AccessDenied"}]}}"#,
    r#"{"detail":{"errorCode":[{"anything-but":{"prefix":"Access"}}]}}"#,
    r#"{"detail":{"errorCode":[{"anything-but":[0]}]}}"#,
    r#"{"detail":{"eventName":[{"anything-but":{"equals-ignore-case":["createaccount"]}}]}}"#,
    r#"{"detail":{"eventName":[{"anything-but":{"wildcard":"Create*"}}]}}"#,
    r#"{"detail":{"eventName":[{"anything-but":{"suffix":"Account"}}]}}"#,
    r#"{"source":[{"exists":false}]}"#,
    r#"{"source":[{"anything-but":"aws.organizations"}]}"#,
    r#"{"source":["aws.cloudwatch","aws.foo","aws.5","aws.true","aws.1e3"]}"#,
    r#"{"source":[{"prefix":"aws.org"}],"detail":{"eventName":[{"prefix":"Create"}]}}"#,
    r#"{"source":[{"suffix":"tions"}]}"#,
    r#"{"source":[{"equals-ignore-case":"AWS.ORGANIZATIONS"}]}"#,
    r#"{"source":[{"wildcard":"aws.*ation*"}]}"#,
    r#"{"detail-type":[{"prefix":"AWS API"}]}"#,
    r#"{"detail-type":[{"exists":false}]}"#,
    r#"{"detail-type":[{"anything-but":["AWS API Call via CloudTrail"]}]}"#,
    r#"{"region":[""]}"#,
    r#"{"region":[{"exists":false}]}"#,
    r#"{"region":[{"anything-but":"us-east-1"}]}"#,
    r#"{"region":[{"equals-ignore-case":"US-EAST-1"}]}"#,
    r#"{"account":["111111111111"]}"#,
    r#"{"version":["0"],"detail":{"eventName":["CreateAccount"]}}"#,
    r#"{"version":["1"]}"#,
    r#"{"resources":[{"exists":false}],"detail":{"eventType":["AwsServiceEvent"]}}"#,
    r#"{"foo":["bar"]}"#,
    r#"{"detail":{"eventName":["CreateAccount"],"foo":[{"exists":false}]}}"#,
    r#"{"detail":{"eventName":["CreateAccount"]}}"#,
    r#"{"detail":{"eventType":[{"anything-but":"AwsServiceEvent"}]}}"#,
    r#"{"detail":{"userIdentity":{"type":["Root"]}}}"#,
    r#"{"detail":{"userIdentity":{"type":[{"numeric":["<",10]}]}}}"#,
    r#"{"detail":{"userIdentity":{"type":[{"exists":false}]}}}"#,
    r#"{"detail":{"userIdentity":{"type":[false]}}}"#,
    r#"{"detail":{"sourceIPAddress":[{"cidr":"10.0.0.0/8"}]}}"#,
    r#"{"detail":{"sourceIPAddress":["2001:db8:0::1"]}}"#,
    r#"{"detail":{"userAgent":[{"wildcard":"aws-cli/*"}]}}"#,
    r#"{"$or":[{"source":["aws.organizations"]},{"detail":{"userIdentity":{"arn":[{"exists":true}]}}}]}"#,
    r#"{"$or":[{"source":["aws.organizations"]},{"detail":{"eventName":["ConsoleLogin"]}}],"detail":{"errorCode":[{"exists":false}]}}"#,
    r#"{"detail":{"$or":[{"eventName":["CreateAccount"]},{"eventType":["AwsServiceEvent"]}]}}"#,
    r#"{"$or":[{"version":["1"]},{"region":["us-east-1"]}]}"#,
];

/// A store of real fixtures (CSV summaries and upgrades included), generated trails and
/// [`ODD_RECORDS`].
fn varied_session() -> Session {
    let mut session = Session::default();
    for path in support::all_files(&support::fixtures().join("real")) {
        session.add_file(&path.to_string_lossy(), &std::fs::read(&path).unwrap());
    }
    let mut gen = Generator::new(7);
    let story = gen.org_story(1_700_000_000_000);
    let text = serde_json::json!({ "Records": story }).to_string();
    session.add_file("story.json", text.as_bytes());
    for (i, text) in gen.noise_files(2000, 500).enumerate() {
        session.add_file(&format!("noise{i}.json"), text.as_bytes());
    }
    let odd = format!(r#"{{"Records":[{}]}}"#, ODD_RECORDS.join(","));
    session.add_file("odd.json", odd.as_bytes());
    session.finish();
    session
}

/// Whether `pattern` matches event `id`, reading its record in full.
fn matches_in_full(pattern: &Pattern, store: &Store, id: EventId) -> bool {
    let Some(raw) = store.raw(id) else {
        return false;
    };
    EnvelopeFields::from_record_json(&raw).is_ok_and(|e| pattern.matches_record(&raw, &e))
}

fn patterns() -> Vec<String> {
    RuleSpec::starters()
        .into_iter()
        .map(|r| r.pattern)
        .chain(TRICKY.iter().map(|p| (*p).to_owned()))
        .collect()
}

#[test]
fn candidates_hold_every_match() {
    let session = varied_session();
    let store = session.store();
    assert!(store.len() > 2000 + ODD_RECORDS.len());
    let texts = patterns();
    let compiled: Vec<Pattern> = texts.iter().map(|t| rules::compile(t).unwrap()).collect();
    let refs: Vec<&Pattern> = compiled.iter().collect();
    let candidates = rules::candidates(&refs, store);
    let mut kept_by_pattern = Vec::new();
    for ((text, pattern), c) in texts.iter().zip(&compiled).zip(&candidates) {
        let mut kept = 0;
        for i in 0..store.len() {
            let id = EventId(i as u32);
            let candidate = c.contains(i, || rules::is_plain(store, id, &store.raw(id).unwrap()));
            kept += usize::from(candidate);
            if matches_in_full(pattern, store, id) {
                let raw = store.raw(id).unwrap();
                assert!(candidate, "{text}: {} matches but was left out", &*raw);
            }
        }
        kept_by_pattern.push(kept);
    }
    // Every starter rule but "Root user activity" names the event source: few candidates.
    for (i, kept) in kept_by_pattern.iter().take(10).enumerate() {
        assert!(
            i == 8 || *kept < store.len() / 10,
            "starter {i}: {kept} candidates"
        );
    }
}

#[test]
fn the_odd_records_match_what_they_should() {
    let mut session = Session::default();
    let odd = format!(r#"{{"Records":[{}]}}"#, ODD_RECORDS.join(","));
    session.add_file("odd.json", odd.as_bytes());
    session.finish();
    let store = session.store();
    let count = |pattern: &str| {
        let p = rules::compile(pattern).unwrap();
        ODD_RECORDS
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                matches_in_full(&p, store, store.find(&format!("n{}", i + 1)).unwrap())
            })
            .count()
    };
    // Where the columns may not tell the leaves: keys with `""`, `null`, arrays or objects
    // (no value in the column), dotted or escaped keys.
    let unsure: Vec<usize> = (1..=ODD_RECORDS.len())
        .filter(|i| {
            let id = store.find(&format!("n{i}")).unwrap();
            !rules::is_plain(store, id, &store.raw(id).unwrap())
        })
        .collect();
    assert_eq!(unsure, [3, 4, 5, 6, 8, 9, 10, 12]);
    // Numbers, arrays, duplicate and dotted keys all reach the matcher as EventBridge sees them.
    assert_eq!(count(r#"{"detail":{"eventSource":[5]}}"#), 1);
    assert_eq!(count(r#"{"detail":{"eventName":["CreateAccount"]}}"#), 3);
    // n5 (an array), n8 and n9 (dotted keys), n10 (an array of objects), n11 (the last of
    // two keys); not n12, whose last userIdentity has no type.
    assert_eq!(count(r#"{"detail":{"userIdentity":{"type":["Root"]}}}"#), 5);
    assert_eq!(count(r#"{"source":["aws.cloudwatch","aws.foo"]}"#), 2);
    assert_eq!(count(r#"{"region":[""]}"#), 1);
}

#[test]
fn session_rules_equal_evaluating_every_record() {
    let mut session = varied_session();
    let specs: Vec<RuleSpec> = patterns()
        .into_iter()
        .enumerate()
        .map(|(i, pattern)| RuleSpec {
            name: format!("r{i}"),
            pattern,
            enabled: true,
        })
        .collect();
    let expected: Vec<u32> = specs
        .iter()
        .map(|s| {
            let p = rules::compile(&s.pattern).unwrap();
            let store = session.store();
            (0..store.len())
                .filter(|&i| matches_in_full(&p, store, EventId(i as u32)))
                .count() as u32
        })
        .collect();
    let counts = |session: &mut Session, specs: &[RuleSpec]| -> Vec<u32> {
        let results = session.set_rules(specs.to_vec());
        results.iter().map(|r| r.matches).collect()
    };
    assert_eq!(counts(&mut session, &specs), expected);
    assert!(expected.iter().sum::<u32>() > 100);
    // Edits: one rule changed, one turned off, the order changed; the others keep theirs.
    let mut edited = specs.clone();
    edited[0].pattern = edited[1].pattern.clone();
    edited[2].enabled = false;
    edited.swap(3, 4);
    let mut want = expected.clone();
    want[0] = expected[1];
    want[2] = 0;
    want.swap(3, 4);
    assert_eq!(counts(&mut session, &edited), want);
    assert_eq!(counts(&mut session, &specs), expected);
    // More data: every rule runs again, over the new events too.
    session.add_file("late.json", ODD_RECORDS_LATE.as_bytes());
    session.finish();
    let again = counts(&mut session, &specs);
    assert!(again.iter().zip(&expected).all(|(a, e)| a >= e));
    assert!(again.iter().zip(&expected).any(|(a, e)| a > e));
}

/// One more Organizations call, after the first load.
const ODD_RECORDS_LATE: &str = r#"{"Records":[{"eventID":"late1","eventTime":"2024-01-02T00:00:00Z","eventSource":"organizations.amazonaws.com","eventName":"CreateAccount","eventType":"AwsApiCall","awsRegion":"us-east-1","userIdentity":{"type":"Root"}}]}"#;
