//! The query language end to end.
//!
//! - A differential property test: random queries over random records, where
//!   `filter(store, compile(parse(q)))` (and `Plan::matches`) must equal a naive scan that
//!   evaluates the tree against each stored record's `serde_json::Value`. The reference
//!   evaluator below is written from the language's documentation (`trailglass::query`
//!   module docs), independently of the planner: its own alias table, its own wildcard
//!   matcher (dynamic programming rather than backtracking), its own JSON walk.
//! - The same comparison, plus absolute expectations, over every real fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use proptest::prelude::*;
use serde_json::{json, Value as Json};
use trailglass::event::Record;
use trailglass::query::{self, parse_number, time_span, Ast, Bound, Field, Plan, Value};
use trailglass::session::Session;
use trailglass::store::{EventId, Store};
use trailglass::time::{parse_json_timestamp, parse_timestamp};

// --- the reference evaluator

enum Alias {
    Time,
    Text(fn(&Record) -> Option<String>),
}

fn alias(field: &Field) -> Option<Alias> {
    let name = field.segments().join(".").to_ascii_lowercase();
    Some(match name.as_str() {
        "eventtime" | "time" => Alias::Time,
        "eventname" => Alias::Text(|r| r.event_name.as_deref().map(str::to_owned)),
        "eventsource" | "source" => Alias::Text(|r| r.event_source.as_deref().map(str::to_owned)),
        "awsregion" | "region" => Alias::Text(|r| r.aws_region.as_deref().map(str::to_owned)),
        "errorcode" => Alias::Text(|r| r.error_code.as_deref().map(str::to_owned)),
        "principal" => Alias::Text(|r| r.identity.principal().map(|p| p.into_owned())),
        "account" => Alias::Text(|r| r.account().map(str::to_owned)),
        "identitytype" | "useridentity.type" => {
            Alias::Text(|r| r.identity.kind.as_deref().map(str::to_owned))
        }
        "sourceipaddress" | "ip" => Alias::Text(|r| r.source_ip.as_deref().map(str::to_owned)),
        "useragent" => Alias::Text(|r| r.user_agent.as_deref().map(str::to_owned)),
        "readonly" => Alias::Text(|r| r.read_only.map(|b| b.to_string())),
        "eventtype" => Alias::Text(|r| r.event_type.as_deref().map(str::to_owned)),
        "eventid" => Alias::Text(|r| r.event_id.as_deref().map(str::to_owned)),
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum G {
    C(char),
    One,
    Star,
}

fn globs(value: &Value) -> Vec<G> {
    match value {
        Value::Text(t) => t.chars().map(G::C).collect(),
        Value::Pattern(p) => {
            let mut out = Vec::new();
            let mut chars = p.chars();
            while let Some(c) = chars.next() {
                out.push(match c {
                    '*' => G::Star,
                    '?' => G::One,
                    '\\' => G::C(chars.next().unwrap()),
                    c => G::C(c),
                });
            }
            out
        }
    }
}

/// Wildcard matching by dynamic programming over (pattern prefix, text prefix).
fn glob(p: &[G], s: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let n = s.len();
    let mut dp = vec![false; n + 1];
    dp[0] = true;
    for t in p {
        let mut next = vec![false; n + 1];
        match t {
            G::Star => {
                let mut any = false;
                for j in 0..=n {
                    any |= dp[j];
                    next[j] = any;
                }
            }
            G::One => next[1..].copy_from_slice(&dp[..n]),
            G::C(c) => {
                for j in 1..=n {
                    next[j] = dp[j - 1] && s[j - 1].eq_ignore_ascii_case(c);
                }
            }
        }
        dp = next;
    }
    dp[n]
}

fn whole(value: &Value, s: &str) -> bool {
    glob(&globs(value), s)
}

fn within(value: &Value, s: &str) -> bool {
    let mut p = vec![G::Star];
    p.extend(globs(value));
    p.push(G::Star);
    glob(&p, s)
}

/// Values at a path: keys compared ignoring ASCII case, arrays walked through.
fn reach<'a>(v: &'a Json, path: &[String], out: &mut Vec<&'a Json>) {
    if let Json::Array(items) = v {
        for item in items {
            reach(item, path, out);
        }
        return;
    }
    match path.split_first() {
        None => out.push(v),
        Some((head, rest)) => {
            if let Json::Object(map) = v {
                for (k, x) in map {
                    if k.eq_ignore_ascii_case(head) {
                        reach(x, rest, out);
                    }
                }
            }
        }
    }
}

fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn all_strings<'a>(v: &'a Json, out: &mut Vec<&'a str>) {
    match v {
        Json::String(s) => out.push(s),
        Json::Array(items) => items.iter().for_each(|i| all_strings(i, out)),
        Json::Object(map) => map.values().for_each(|i| all_strings(i, out)),
        _ => {}
    }
}

enum Kind {
    Time(i64, i64),
    Number(Bound, Bound),
    Any,
}

fn range_kind(time_field: bool, lower: &Bound, upper: &Bound) -> Kind {
    let texts: Vec<&str> = [lower, upper].iter().filter_map(|b| b.text()).collect();
    if texts.is_empty() {
        return Kind::Any;
    }
    if !time_field && texts.iter().all(|t| parse_number(t).is_some()) {
        return Kind::Number(lower.clone(), upper.clone());
    }
    let lo = match lower {
        Bound::Unbounded => i64::MIN,
        Bound::Included(t) => time_span(t).unwrap().0,
        Bound::Excluded(t) => time_span(t).unwrap().1,
    };
    let hi = match upper {
        Bound::Unbounded => i64::MAX,
        Bound::Included(t) => time_span(t).unwrap().1,
        Bound::Excluded(t) => time_span(t).unwrap().0,
    };
    Kind::Time(lo, hi)
}

fn number_in(n: f64, lower: &Bound, upper: &Bound) -> bool {
    let lo = match lower {
        Bound::Unbounded => true,
        Bound::Included(t) => n >= parse_number(t).unwrap(),
        Bound::Excluded(t) => n > parse_number(t).unwrap(),
    };
    let hi = match upper {
        Bound::Unbounded => true,
        Bound::Included(t) => n <= parse_number(t).unwrap(),
        Bound::Excluded(t) => n < parse_number(t).unwrap(),
    };
    lo && hi
}

/// A value (column string or JSON scalar) against a range.
fn in_range(kind: &Kind, v: &Json) -> bool {
    match kind {
        Kind::Any => true,
        Kind::Time(lo, hi) => {
            let t = match v {
                Json::String(s) => parse_timestamp(s),
                Json::Number(_) => parse_json_timestamp(v),
                _ => None,
            };
            t.is_some_and(|t| *lo <= t && t < *hi)
        }
        Kind::Number(lower, upper) => {
            let n = match v {
                Json::String(s) => parse_number(s),
                Json::Number(n) => n.as_f64(),
                _ => None,
            };
            n.is_some_and(|n| number_in(n, lower, upper))
        }
    }
}

fn reference(ast: &Ast, json: &Json, record: &Record) -> bool {
    let in_time = |lo: i64, hi: i64| record.event_time.is_some_and(|t| lo <= t && t < hi);
    let at = |field: &Field| {
        let mut out = Vec::new();
        reach(json, field.segments(), &mut out);
        out
    };
    match ast {
        Ast::All => true,
        Ast::And(items) => items.iter().all(|a| reference(a, json, record)),
        Ast::Or(items) => items.iter().any(|a| reference(a, json, record)),
        Ast::Not(inner) => !reference(inner, json, record),
        Ast::Term { field, value } => match alias(field) {
            Some(Alias::Time) => {
                let Value::Text(t) = value else { return false };
                let (lo, hi) = time_span(t).unwrap();
                in_time(lo, hi)
            }
            Some(Alias::Text(get)) => get(record).is_some_and(|s| whole(value, &s)),
            None => at(field)
                .into_iter()
                .filter_map(scalar_text)
                .any(|s| whole(value, &s)),
        },
        Ast::Exists { field } => match alias(field) {
            Some(Alias::Time) => record.event_time.is_some(),
            Some(Alias::Text(get)) => get(record).is_some(),
            None => at(field)
                .into_iter()
                .any(|v| !v.is_null() && v.as_str() != Some("")),
        },
        Ast::Range {
            field,
            lower,
            upper,
        } => match alias(field) {
            Some(Alias::Time) => match range_kind(true, lower, upper) {
                Kind::Time(lo, hi) => in_time(lo, hi),
                _ => record.event_time.is_some(),
            },
            Some(Alias::Text(get)) => {
                let kind = range_kind(false, lower, upper);
                get(record).is_some_and(|s| in_range(&kind, &Json::String(s)))
            }
            None => {
                let kind = range_kind(false, lower, upper);
                at(field).into_iter().any(|v| match kind {
                    Kind::Any => !v.is_null() && v.as_str() != Some(""),
                    _ => in_range(&kind, v),
                })
            }
        },
        Ast::Text { value } => {
            let mut strings = Vec::new();
            all_strings(json, &mut strings);
            strings.into_iter().any(|s| within(value, s))
        }
    }
}

/// Every stored event the reference accepts, in time order.
fn naive(store: &Store, ast: &Ast) -> Vec<EventId> {
    store
        .sorted()
        .iter()
        .copied()
        .filter(|&id| {
            let raw = store.raw(id).unwrap();
            let json: Json = serde_json::from_str(&raw).unwrap();
            let record = Record::from_json(&raw).unwrap();
            reference(ast, &json, &record)
        })
        .collect()
}

/// The events `plan` matches asked one at a time ([`Plan::matches`]: each record read
/// whole, no block skipped), in time order.
fn one_by_one(store: &Store, plan: &Plan) -> Vec<EventId> {
    store
        .sorted()
        .iter()
        .copied()
        .filter(|&id| plan.matches(store, id))
        .collect()
}

fn check(store: &Store, ast: &Ast) -> Result<Vec<EventId>, TestCaseError> {
    let plan = query::compile(ast, store);
    let got = query::filter(store, &plan);
    let want = naive(store, ast);
    prop_assert_eq!(&got, &want, "query {}", ast);
    prop_assert_eq!(
        &one_by_one(store, &plan),
        &want,
        "Plan::matches, query {}",
        ast
    );
    Ok(got)
}

// --- random records

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const NAMES: &[&str] = &[
    "ConsoleLogin",
    "consolelogin",
    "CreateUser",
    "CreateAccessKey",
    "DeleteUser",
    "GetObject",
    "ListBuckets",
    "Décrire",
];
const SOURCES: &[&str] = &[
    "iam.amazonaws.com",
    "s3.amazonaws.com",
    "signin.amazonaws.com",
    "sts.amazonaws.com",
];
const REGIONS: &[&str] = &["us-east-1", "US-EAST-1", "eu-west-1", "ap-northeast-1"];
const ERRORS: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "Client.UnauthorizedOperation",
    "",
];
const IPS: &[&str] = &[
    "198.51.100.7",
    "10.0.0.1",
    "AWS Internal",
    "ec2.amazonaws.com",
];
const AGENTS: &[&str] = &[
    "aws-cli/2.15.0 Python/3.11",
    "console.amazonaws.com",
    "Boto3/1.34 [x]",
    "Mozilla/5.0 (X11)",
];
const ACCOUNTS: &[&str] = &["111122223333", "111199998888", "222233334444"];
const PEOPLE: &[&str] = &["alice", "Bob", "deploy-bot", "Admin"];
const BUCKETS: &[&str] = &["logs-bucket", "Secret-Bucket", "public.assets", "x*y?"];
const NOTES: &[&str] = &[
    "Access denied by policy",
    "x \"quoted\" y",
    "back\\slash",
    "unicode é and ÉCOLE",
    "path a/b/c",
    "tab\there",
    "",
    "CreateUser was called",
    "emoji 😀 here",
    "AND or NOT",
    "bell\u{7}ring",
];
const TIMES: &[&str] = &[
    "2020-09-16T21:20:50Z",
    "2020-09-16T00:00:00Z",
    "2020-09-17T23:59:59.999Z",
    "2020-09-18T00:00:00.500Z",
    "2020-09-17T08:20:50+11:00",
    "Sep 16, 2020 9:20:50 PM",
    "2020-09-15 12:00:00",
    "2021-01-01T00:00:00Z",
    "garbage",
];

fn identity(rng: &mut Rng) -> Json {
    let account = rng.pick(ACCOUNTS);
    let person = rng.pick(PEOPLE);
    match rng.below(6) {
        0 => Json::Null,
        1 => {
            json!({"type": "Root", "accountId": account, "arn": format!("arn:aws:iam::{account}:root")})
        }
        2 => json!({"type": "IAMUser", "userName": person, "accountId": account,
                    "arn": format!("arn:aws:iam::{account}:user/{person}")}),
        3 => json!({"type": "AssumedRole", "accountId": account,
                    "arn": format!("arn:aws:sts::{account}:assumed-role/Role/{person}"),
                    "sessionContext": {"sessionIssuer": {"type": "Role", "userName": rng.pick(&["Admin", "OrgAdmin"]),
                        "arn": format!("arn:aws:iam::{account}:role/Admin")},
                        "attributes": {"mfaAuthenticated": "false", "creationDate": rng.pick(TIMES)}}}),
        4 => json!({"type": "AWSService", "invokedBy": "cloudformation.amazonaws.com"}),
        _ => json!({"type": "IAMUser", "principalId": "AIDAEXAMPLE"}),
    }
}

fn request(rng: &mut Rng) -> Json {
    match rng.below(5) {
        0 => Json::Null,
        1 => json!({}),
        _ => {
            let mut m = serde_json::Map::new();
            if rng.chance(2) {
                m.insert("bucketName".into(), json!(rng.pick(BUCKETS)));
            }
            if rng.chance(2) {
                let max = rng.pick(&[
                    json!(5),
                    json!(50),
                    json!(100),
                    json!(2.5),
                    json!("50"),
                    json!("x"),
                    json!(-3),
                ]);
                m.insert("maxResults".into(), max);
            }
            if rng.chance(2) {
                m.insert("accountId".into(), json!(rng.pick(ACCOUNTS)));
            }
            if rng.chance(3) {
                m.insert(
                    "filter".into(),
                    json!({"key": rng.pick(PEOPLE), "when": rng.pick(TIMES)}),
                );
            }
            if rng.chance(3) {
                let arn = format!("arn:aws:s3:::{}", rng.pick(BUCKETS));
                m.insert(
                    "items".into(),
                    json!([{"arn": arn}, {"ARN": rng.pick(ACCOUNTS)}, [{"arn": null}]]),
                );
            }
            if rng.chance(3) {
                m.insert("tags".into(), json!([rng.pick(NOTES), rng.pick(PEOPLE)]));
            }
            if rng.chance(4) {
                m.insert("Key With Spaces".into(), json!(rng.pick(NOTES)));
            }
            Json::Object(m)
        }
    }
}

fn record(rng: &mut Rng) -> Json {
    let mut m = serde_json::Map::new();
    m.insert("eventVersion".into(), json!("1.08"));
    if !rng.chance(8) {
        m.insert("eventID".into(), json!(format!("id-{}", rng.below(60))));
    }
    match rng.below(8) {
        0 => {}
        1 => {
            m.insert(
                "eventTime".into(),
                json!(1_600_291_250 + rng.below(200_000) as i64),
            );
        }
        _ => {
            m.insert("eventTime".into(), json!(rng.pick(TIMES)));
        }
    }
    match rng.below(12) {
        0 => {}
        1 => {
            m.insert("eventName".into(), json!(5));
        }
        2 => {
            m.insert("eventName".into(), json!(""));
        }
        _ => {
            m.insert("eventName".into(), json!(rng.pick(NAMES)));
        }
    }
    m.insert("eventSource".into(), json!(rng.pick(SOURCES)));
    if !rng.chance(6) {
        m.insert("awsRegion".into(), json!(rng.pick(REGIONS)));
    }
    if rng.chance(3) {
        m.insert("errorCode".into(), json!(rng.pick(ERRORS)));
        m.insert("errorMessage".into(), json!(rng.pick(NOTES)));
    }
    m.insert("sourceIPAddress".into(), json!(rng.pick(IPS)));
    if !rng.chance(5) {
        m.insert("userAgent".into(), json!(rng.pick(AGENTS)));
    }
    let read_only = [
        json!(true),
        json!(false),
        json!("true"),
        json!("FALSE"),
        json!("maybe"),
        Json::Null,
    ];
    if !rng.chance(7) {
        m.insert("readOnly".into(), rng.pick(&read_only));
    }
    m.insert(
        "eventType".into(),
        json!(rng.pick(&["AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent"])),
    );
    if !rng.chance(4) {
        m.insert("recipientAccountId".into(), json!(rng.pick(ACCOUNTS)));
    }
    m.insert("userIdentity".into(), identity(rng));
    m.insert("requestParameters".into(), request(rng));
    if rng.chance(3) {
        m.insert(
            "responseElements".into(),
            json!({"ok": true, "credentials": {"accessKeyId": "ASIAEXAMPLE"}}),
        );
    }
    if rng.chance(2) {
        m.insert("note".into(), json!(rng.pick(NOTES)));
    }
    Json::Object(m)
}

fn store_of(records: &[Json]) -> Session {
    let mut session = Session::default();
    // serde_json escapes only quotes, backslashes and control characters; real files
    // also carry `\u` escapes of ordinary letters, which must not hide them.
    let text = json!({ "Records": records })
        .to_string()
        .replace("deploy-bot", "deploy\\u002dbot")
        .replace("Secret-Bucket", "\\u0053ecret-Bucket")
        .replace("\"Admin\"", "\"\\u0041dmin\"");
    session.add_file("generated.json", text.as_bytes());
    session.finish();
    session
}

// --- random queries

const FIELDS: &[&str] = &[
    "eventName",
    "EVENTNAME",
    "eventSource",
    "source",
    "awsRegion",
    "region",
    "errorCode",
    "principal",
    "account",
    "identityType",
    "userIdentity.type",
    "ip",
    "sourceIPAddress",
    "userAgent",
    "readOnly",
    "eventType",
    "eventID",
    "requestParameters.bucketName",
    "requestParameters.maxResults",
    "requestparameters.ACCOUNTID",
    "requestParameters.items.arn",
    "requestParameters.filter",
    "requestParameters.filter.key",
    "requestParameters.tags",
    "requestParameters",
    "userIdentity.userName",
    "userIdentity.sessionContext.sessionIssuer.userName",
    "userIdentity.sessionContext.attributes.mfaAuthenticated",
    "responseElements.ok",
    "recipientAccountId",
    "note",
    "errorMessage",
    "missing.path",
];

/// Words seen in the data, for values.
fn vocabulary() -> Vec<String> {
    let mut words: Vec<String> = [
        NAMES, SOURCES, REGIONS, ERRORS, IPS, AGENTS, ACCOUNTS, PEOPLE, BUCKETS, NOTES,
    ]
    .iter()
    .flat_map(|list| list.iter().map(|s| s.to_string()))
    .filter(|s| !s.is_empty())
    .collect();
    words.extend(
        [
            "true",
            "false",
            "5",
            "50",
            "2.5",
            "-3",
            "x",
            "Root",
            "IAMUser",
            "AssumedRole",
            "AWSService",
            "Role/alice",
            "root",
            "AwsApiCall",
            "id-7",
            "id-42",
            "alice",
        ]
        .map(String::from),
    );
    words
}

/// A value: a vocabulary word, its case shuffled, maybe cut or made a pattern.
fn value_strategy() -> impl Strategy<Value = Value> {
    let words = vocabulary();
    (0..words.len(), any::<u64>(), 0..6u8)
        .prop_map(move |(i, bits, shape)| {
            let word: String = words[i]
                .chars()
                .enumerate()
                .map(|(k, c)| {
                    if bits >> (k % 64) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c.to_ascii_lowercase()
                    }
                })
                .collect();
            let chars: Vec<char> = word.chars().collect();
            let escape = |s: &[char]| -> String {
                s.iter()
                    .flat_map(|&c| {
                        if matches!(c, '*' | '?' | '\\') {
                            vec!['\\', c]
                        } else {
                            vec![c]
                        }
                    })
                    .collect()
            };
            let cut = (bits as usize >> 8) % chars.len().max(1);
            match shape {
                0 | 1 => Value::Text(word),
                2 => Value::Pattern(format!("{}*", escape(&chars[..cut]))),
                3 => Value::Pattern(format!("*{}", escape(&chars[cut..]))),
                4 if chars.len() > 1 => {
                    let mut p = escape(&chars[..cut]);
                    p.push('?');
                    p.push_str(&escape(&chars[cut + 1..]));
                    Value::Pattern(p)
                }
                _ => Value::Pattern(format!(
                    "*{}*",
                    escape(&chars[cut / 2..cut.max(cut / 2 + 1).min(chars.len())])
                )),
            }
        })
        .prop_filter("not only stars", |v| match v {
            Value::Pattern(p) => !p.chars().all(|c| c == '*'),
            Value::Text(t) => !t.is_empty(),
        })
}

const BOUND_TIMES: &[&str] = &[
    "2020",
    "2020-09",
    "2020-09-16",
    "2020-09-17",
    "2020-09-16T21",
    "2020-09-16T21:20",
    "2020-09-16T21:20:50Z",
    "2020-09-17T08:20+11:00",
    "Sep 16, 2020 9:20:50 PM",
    "1600291250",
    "2021",
];

fn bound_strategy(texts: &'static [&'static str]) -> impl Strategy<Value = Bound> {
    prop_oneof![
        1 => Just(Bound::Unbounded),
        3 => prop::sample::select(texts).prop_map(|t| Bound::Included(t.to_owned())),
        3 => prop::sample::select(texts).prop_map(|t| Bound::Excluded(t.to_owned())),
    ]
}

fn field_of(name: &str) -> Field {
    Field::new(name.split('.'))
}

fn leaf() -> impl Strategy<Value = Ast> {
    prop_oneof![
        6 => (prop::sample::select(FIELDS), value_strategy())
            .prop_map(|(f, value)| Ast::Term { field: field_of(f), value }),
        2 => prop::sample::select(FIELDS).prop_map(|f| Ast::Exists { field: field_of(f) }),
        2 => (prop::sample::select(&["eventTime", "time"][..]), bound_strategy(BOUND_TIMES), bound_strategy(BOUND_TIMES))
            .prop_map(|(f, lower, upper)| Ast::Range { field: field_of(f), lower, upper }),
        1 => prop::sample::select(BOUND_TIMES)
            .prop_map(|t| Ast::Term { field: field_of("eventTime"), value: Value::Text(t.to_owned()) }),
        1 => (bound_strategy(&["-3", "5", "2.5", "50", "100", "1e2"]), bound_strategy(&["-3", "5", "2.5", "50", "100", "1e2"]))
            .prop_map(|(lower, upper)| Ast::Range { field: field_of("requestParameters.maxResults"), lower, upper }),
        1 => (bound_strategy(BOUND_TIMES), bound_strategy(BOUND_TIMES))
            .prop_map(|(lower, upper)| Ast::Range { field: field_of("requestParameters.filter.when"), lower, upper }),
        3 => value_strategy().prop_map(|value| Ast::Text { value }),
    ]
}

fn ast_strategy() -> impl Strategy<Value = Ast> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Ast::And),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Ast::Or),
            inner.prop_map(|a| Ast::Not(Box::new(a))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// filter(compile(parse(print(ast)))) equals the naive scan of `ast`, and printing
    /// round-trips. And `narrows` is sound: a narrower query's hits are a subset of the
    /// wider one's, and refining the wider hits gives the same answer as a full filter.
    #[test]
    fn filter_equals_naive_scan(seed in 1u64.., n in 0usize..40, asts in prop::collection::vec(ast_strategy(), 1..6)) {
        let mut rng = Rng(seed);
        let records: Vec<Json> = (0..n).map(|_| record(&mut rng)).collect();
        let session = store_of(&records);
        let store = session.store();
        let mut results = Vec::new();
        for ast in &asts {
            let text = ast.to_string();
            let parsed = query::parse(&text);
            prop_assert_eq!(parsed.as_ref(), Ok(ast), "printed {}", text);
            results.push(check(store, ast)?);
        }
        for (x, hx) in asts.iter().zip(&results) {
            for (y, hy) in asts.iter().zip(&results) {
                let both = Ast::And(vec![x.clone(), y.clone()]);
                prop_assert!(both.narrows(x) && both.narrows(y));
                for (narrow, wide, wide_hits) in [(x, y, hy), (&both, x, hx)] {
                    if !narrow.narrows(wide) {
                        continue;
                    }
                    let plan = query::compile(narrow, store);
                    let full = query::filter(store, &plan);
                    prop_assert!(full.iter().all(|id| wide_hits.contains(id)), "{} narrows {}", narrow, wide);
                    prop_assert_eq!(query::filter_within(store, &plan, wide_hits), full);
                }
            }
        }
    }
}

#[test]
fn typing_a_longer_word_narrows() {
    let q = |s: &str| query::parse(s).unwrap();
    assert!(q("denied").narrows(&q("deni")));
    assert!(q("eventName:X DENIED").narrows(&q("deni")));
    assert!(q("a b").narrows(&q("b")));
    assert!(q("a").narrows(&q("a OR b")));
    assert!(q("x").narrows(&q("")));
    assert!(!q("deni").narrows(&q("denied")));
    assert!(!q("eventName:CreateU").narrows(&q("eventName:Create")));
    assert!(!q("a OR b").narrows(&q("a")));
}

// --- real fixtures

#[path = "support/fixtures.rs"]
mod support;
use support::all_files;

fn real_session(only: Option<&str>) -> Session {
    let dir = support::fixtures().join("real");
    let mut session = Session::default();
    for path in all_files(&dir) {
        let name = path.to_string_lossy().into_owned();
        if only.is_some_and(|o| !name.contains(o)) {
            continue;
        }
        session.add_file(&name, &std::fs::read(&path).unwrap());
    }
    session.finish();
    session
}

fn run(store: &Store, q: &str) -> Vec<EventId> {
    let ast = query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    check(store, &ast).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn console_logins_in_the_csv_exports() {
    let session = real_session(Some(".csv"));
    let store = session.store();
    let hits = run(store, "eventName:ConsoleLogin");
    // bob-cloudgoat-ass has two ConsoleLogin rows (one is the header-free data row
    // count from `grep`), gi11rl-CloudGoat one.
    assert_eq!(hits.len(), 3, "{hits:?}");
    for &id in &hits {
        assert_eq!(store.event_name(id), "ConsoleLogin");
        assert!(store.row(id).unwrap().summary_only);
    }
    assert_eq!(run(store, "eventname:consolelogin"), hits);
    assert_eq!(run(store, "eventName:Console*"), hits);
    assert!(run(store, "eventName:Console").is_empty());
    // Their CSV rows hold the console's user agent; free text finds it in the JSON the
    // CSV reader built.
    assert!(!run(store, "eventName:ConsoleLogin AND Mozilla").is_empty());
}

#[test]
fn errors_and_time_ranges_over_every_real_fixture() {
    let session = real_session(None);
    let store = session.store();
    let stats = store.stats();
    assert!(stats.events > 1000, "{}", stats.events);

    let denied = run(store, "errorCode:AccessDenied*");
    assert!(!denied.is_empty());
    assert!(denied.iter().all(|&id| store
        .row(id)
        .unwrap()
        .error_code
        .to_ascii_lowercase()
        .starts_with("accessdenied")));

    let with_error = run(store, "_exists_:errorCode");
    assert_eq!(with_error.len() as u32, stats.with_error);
    assert_eq!(run(store, "errorCode:*"), with_error);
    let without = run(store, "-_exists_:errorCode");
    assert_eq!(with_error.len() + without.len(), store.len());

    // The invictus dataset is 2023-07-10 between 11:45 and 12:40 UTC.
    let hour = run(store, "eventTime:[2023-07-10T12:00 TO 2023-07-10T12:59]");
    let by_hand: Vec<EventId> = store
        .sorted()
        .iter()
        .copied()
        .filter(|&id| {
            store
                .time(id)
                .is_some_and(|t| (1_688_990_400_000..1_688_994_000_000).contains(&t))
        })
        .collect();
    assert!(!hour.is_empty());
    assert_eq!(hour, by_hand);
    assert_eq!(run(store, "eventTime:2023-07-10T12"), by_hand);
    assert_eq!(run(store, "time:[2023-07-10T12 TO 2023-07-10T13}"), by_hand);
    // Everything with a time is in one of: before, within, after.
    let before = run(store, "eventTime:<2023-07-10T12");
    let after = run(store, "eventTime:>=2023-07-10T13");
    let timed = run(store, "_exists_:eventTime");
    assert_eq!(before.len() + hour.len() + after.len(), timed.len());
    assert_eq!(timed.len() as u32, stats.events - stats.without_time);
}

#[test]
fn every_kind_of_condition_over_the_real_fixtures_equals_the_naive_scan() {
    let session = real_session(None);
    let store = session.store();
    for q in [
        "eventSource:s3.amazonaws.com -readOnly:true",
        "(eventName:Create* OR eventName:Delete*) AND NOT errorCode:*",
        "region:us-east-1 identityType:AssumedRole",
        "userIdentity.sessionContext.sessionIssuer.userName:*admin*",
        "requestParameters.bucketName:* -eventName:Get*",
        "requestParameters.instancesSet.items.instanceId:i-0*",
        "_exists_:responseElements.credentials",
        "userIdentity.sessionContext.attributes.creationDate:[2023 TO *]",
        "ip:AWS* OR userAgent:*boto*",
        "principal:root account:218007301253",
        "denied",
        "\"not authorized\"",
        "Create*Role",
        "eventType:AwsConsoleSignIn OR signin",
        "resources.ARN:arn\\:aws\\:iam*",
        "eventID:0* OR eventID:*f",
        "eventTime:{2023-07-10T12:05 TO 2023-07-10T12:10}",
    ] {
        run(store, q);
    }
}

/// Free text and dotted paths skip the record blocks whose trigram sketch lacks a word
/// (the store seals a block every 64 KiB): over a store of many blocks, rare words, words
/// only behind a `\u` escape, patterns and everyday queries give the naive scan's answer.
#[test]
fn searches_that_skip_blocks_equal_the_naive_scan() {
    let mut rng = Rng(11);
    let mut records: Vec<Json> = (0..4000).map(|_| record(&mut rng)).collect();
    // Times in arrival order, so reading in time order reads each block once (the naive
    // checks are slow enough in a debug build without a block decompressed per record).
    for (i, r) in records.iter_mut().enumerate() {
        r["eventTime"] = json!(1_600_000_000 + i as i64);
    }
    for (i, r) in records.iter_mut().enumerate().step_by(331) {
        r["eventID"] = json!(format!("marked-{i}"));
        r["requestParameters"] =
            json!({"marker": format!("needle-{i}x"), "ip": format!("203.0.113.{}", i % 250)});
    }
    // A few of them only as escaped text: a sketch of that block cannot see the word.
    let text = json!({ "Records": records })
        .to_string()
        .replace("needle-993x", "n\\u0065edle-993x")
        .replace("needle-2979x", "needle\\u002d2979x");
    let mut session = Session::default();
    session.add_file("many-blocks.json", text.as_bytes());
    session.finish();
    let store = session.store();
    assert!(
        text.len() > 30 * 65_536,
        "{} bytes: too few blocks",
        text.len()
    );
    // `Plan::matches` reads each record without the sketches: the oracle here (the naive
    // scan, in a debug build, is too slow to run for every query).
    let filter = |q: &str| {
        let plan = query::compile(&query::parse(q).unwrap(), store);
        let got = query::filter(store, &plan);
        assert_eq!(got, one_by_one(store, &plan), "{q}");
        got
    };
    for i in (0..4000).step_by(331) {
        let hits = filter(&format!("needle-{i}x"));
        assert_eq!(hits.len(), 1, "needle-{i}x");
        assert_eq!(
            filter(&format!("requestParameters.marker:needle-{i}x")),
            hits
        );
        assert_eq!(filter(&format!("\"NEEDLE-{i}X\"")), hits);
    }
    for q in [
        "needle-1*",
        "*edle-29*",
        "203.0.113.7",
        "requestParameters.ip:203.0.113.*",
        "nothing-anywhere-at-all",
        "denied",
        "ASIAEXAMPLE",
        "userIdentity.userName:alice",
        "eventName:CreateUser AND needle*",
        "NOT needle* AND ip:198.51.100.7",
    ] {
        filter(q);
    }
    for q in ["needle-993x", "needle-2979x", "203.0.113.7", "needle-1*"] {
        run(store, q);
    }
}

#[test]
fn readonly_accepts_booleans_and_strings() {
    let records = [
        json!({"eventVersion": "1", "eventID": "a", "readOnly": true}),
        json!({"eventVersion": "1", "eventID": "b", "readOnly": "FALSE"}),
        json!({"eventVersion": "1", "eventID": "c", "readOnly": "True"}),
        json!({"eventVersion": "1", "eventID": "d"}),
    ];
    let session = store_of(&records);
    let store = session.store();
    let ids = |q: &str| -> Vec<String> {
        run(store, q)
            .into_iter()
            .map(|id| store.row(id).unwrap().event_id)
            .collect()
    };
    assert_eq!(ids("readOnly:true"), ["a", "c"]);
    assert_eq!(ids("readonly:FALSE"), ["b"]);
    assert_eq!(ids("-readOnly:true"), ["b", "d"]);
    assert_eq!(ids("_exists_:readOnly"), ["a", "b", "c"]);
}
