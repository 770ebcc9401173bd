//! What's measured: the query language over a store of generated events (default
//! 1,000,000, `Generator::noise` through the same `Session` the worker runs): for a few
//! typical queries (a column term, a wildcard, a NOT/OR combination, a time range, dotted
//! paths, free text), the median latency of "query text changed → matching ids", i.e.
//! `parse` + `compile` + `filter` (wall-clock medians of 7 runs), and how many events
//! matched.
//!
//! Run with: cargo bench --bench query [-- EVENTS]
//! (needs `[[bench]] name = "query" harness = false` in Cargo.toml)
#![allow(clippy::disallowed_methods)] // Instant::now: native-only benchmark
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use trailglass::query;

mod support;
use support::{median, ms};

const QUERIES: &[(&str, &str)] = &[
    ("column term", "eventName:ConsoleLogin"),
    ("column term, other case", "eventname:consolelogin"),
    ("wildcard", "eventName:Describe*"),
    ("wildcard inside", "eventName:*Role*"),
    (
        "NOT/OR combination",
        "(eventSource:iam.amazonaws.com OR source:sts*) AND NOT readOnly:true -errorCode:*",
    ),
    ("time range", "eventTime:[2024-01-01 TO 2024-01-31]"),
    (
        "time range AND column",
        "eventTime:>=2024-03 region:eu-west-1 identityType:Root",
    ),
    ("eventID (all distinct)", "eventID:0000*"),
    ("dotted path, selective", "userIdentity.userName:carol"),
    ("dotted path, number", "requestParameters.maxResults:50"),
    (
        "dotted path, on every event",
        "userIdentity.sessionContext.sessionIssuer.userName:OrgAdmin",
    ),
    (
        "dotted path behind a column",
        "eventName:CreateRole AND userIdentity.userName:alice",
    ),
    ("free text, 4% of events", "denied"),
    ("free text, no hit", "zzzz"),
    ("free text, everywhere", "amazonaws"),
    (
        "free text behind a column",
        "errorCode:AccessDenied AND \"perform CreateRole\"",
    ),
];

fn main() {
    let events = support::events_arg();

    let start = Instant::now();
    let (mut session, bytes) = support::noise_session(events);
    let summary = session.finish();
    println!(
        "store: {} events, {:.0} MB of JSON, ingested in {:.1} s",
        summary.stats.events,
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    let store = session.store();
    // Rare terms (issue 18: ≤ 100 ms in the worker): one event's id, whole and in part.
    let middle = store.sorted()[store.len() / 2];
    let id = store.row(middle).unwrap().event_id;
    let tail = id
        .get(id.len().saturating_sub(12)..)
        .unwrap_or_default()
        .to_string();
    let queries: Vec<(&str, String)> = QUERIES
        .iter()
        .map(|&(what, text)| (what, text.to_string()))
        .chain([
            ("free text, rare: an eventID", format!("\"{id}\"")),
            ("free text, rare: 12 hex chars", tail),
            ("free text, rare: an IP, no hit", "203.0.113.99".to_string()),
        ])
        .collect();
    // One untimed pass: the first large allocations after a big ingest are slow (the
    // allocator consolidates freed memory), which would charge the first query.
    for (_, text) in &queries {
        query::filter(store, &query::compile(&query::parse(text).unwrap(), store));
    }

    println!(
        "{:<30} {:>8} {:>9} {:>9} {:>9}",
        "query", "matches", "compile", "filter", "total"
    );
    for (what, text) in &queries {
        let (mut compile, mut filter, mut total) = (vec![], vec![], vec![]);
        let mut matches = 0;
        for _ in 0..7 {
            let t0 = Instant::now();
            let ast = query::parse(text).unwrap();
            let plan = query::compile(&ast, store);
            let t1 = Instant::now();
            let ids = query::filter(store, &plan);
            let t2 = Instant::now();
            matches = ids.len();
            compile.push(t1 - t0);
            filter.push(t2 - t1);
            total.push(t2 - t0);
        }
        println!(
            "{what:<30} {matches:>8} {:>9} {:>9} {:>9}   {text}",
            ms(median(compile)),
            ms(median(filter)),
            ms(median(total)),
        );
    }
}
