//! What's measured: the Events tab's round trip in the worker, natively, over a store of
//! generated events (default 1,000,000): for each user action, the median latency of
//! `Session::timeline` (query + facet counts over 11 facets + histogram) plus the first
//! page of rows, i.e. everything the page waits for before it can redraw. Each action
//! runs after its natural predecessor (a facet click after the query it refines), so
//! the timeline's cache helps exactly as it does for a user.
//!
//! Run with: cargo bench --bench timeline [-- EVENTS]
#![allow(clippy::disallowed_methods)] // Instant::now: native-only benchmark
#![allow(clippy::unwrap_used)]

use std::time::Instant;

use trailglass::protocol::{Request, Response, ViewFilter};
use trailglass::session::Session;
use trailglass::timeline::TimelineQuery;

mod support;
use support::{median, ms};

/// A brush as shares of the loaded span.
type Brush = Option<(f64, f64)>;

/// (what, the query before, the query timed, brush).
const ACTIONS: &[(&str, &str, &str, Brush)] = &[
    ("everything", "zzzz", "", None),
    ("facet click", "", "eventName:DescribeInstances", None),
    (
        "second facet (exclude)",
        "eventName:DescribeInstances",
        "eventName:DescribeInstances -awsRegion:us-east-1",
        None,
    ),
    (
        "facet widen (OR)",
        "eventName:DescribeInstances",
        "eventName:(DescribeInstances OR ListBuckets)",
        None,
    ),
    ("brush a range", "", "", Some((0.25, 0.5))),
    (
        "brush + facet",
        "",
        "eventSource:iam.amazonaws.com",
        Some((0.25, 0.5)),
    ),
    (
        "query: column term",
        "",
        "eventSource:iam.amazonaws.com",
        None,
    ),
    (
        "query: NOT/OR",
        "",
        "(eventSource:iam.amazonaws.com OR source:sts*) AND NOT readOnly:true",
        None,
    ),
    (
        "query: dotted path",
        "",
        "userIdentity.userName:carol",
        None,
    ),
    ("free text, 4%", "", "denied", None),
    ("free text, no hit", "", "zzzz", None),
    (
        "facet click after free text",
        "denied",
        "denied errorCode:AccessDenied",
        None,
    ),
    ("typing: den → deni", "den", "deni", None),
];

fn main() {
    let start = Instant::now();
    let (mut session, _) = support::noise_session(support::events_arg());
    session.finish();
    println!(
        "store: {} events, ingested in {:.1} s",
        session.store().len(),
        start.elapsed().as_secs_f64()
    );
    let (first, last) = session.store().time_span().unwrap();
    let ask = |session: &mut Session, query: &str, brush: Option<(f64, f64)>| {
        let time = brush.map(|(a, b)| {
            let at = |f: f64| first + ((last - first) as f64 * f) as i64;
            (at(a), at(b))
        });
        let q = TimelineQuery {
            query: query.to_owned(),
            time,
            descending: false,
            sort: None,
        };
        let answer = session.timeline(ViewFilter::All, &q);
        let Response::Rows { rows, .. } = session.handle(Request::Rows {
            offset: 0,
            len: 200,
        }) else {
            unreachable!()
        };
        (answer.total, rows.len())
    };
    // Untimed: warm the allocator after the ingest.
    ask(&mut session, "", None);

    println!("{:<30} {:>9} {:>10}   query", "action", "matches", "median");
    for &(what, before, query, brush) in ACTIONS {
        let mut times = Vec::new();
        let mut matches = 0;
        for _ in 0..7 {
            ask(&mut session, before, None);
            let t0 = Instant::now();
            matches = ask(&mut session, query, brush).0;
            times.push(t0.elapsed());
        }
        println!(
            "{what:<30} {matches:>9} {:>10}   {query}{}",
            ms(median(times)),
            brush.map_or(String::new(), |(a, b)| format!(
                " [brush {a}..{b} of the span]"
            ))
        );
    }
}
