//! What's measured: the heap the worker's query paths need on top of the loaded store.
//! Loads a folder as the worker does, runs the starter rules, then the browser
//! benchmark's typed queries (e2e/bench.mjs) twice over through `Session::handle`, each
//! as the page asks it: the suggestions for the word typed, the timeline, the first page
//! of rows; then the box cleared (timeline and rows again). For each: the resident size
//! after it and its peak during it (VmHWM, reset before each query through
//! /proc/self/clear_refs), above the loaded store with its rules. Large blocks are mapped
//! and unmapped by the allocator, so a transient buffer shows in the peak. (The wasm heap
//! never shrinks: there, a transient peak stays for good.)
//!
//! Run with: cargo run --profile bench --example queries -- DIR
//! (DIR from `cargo run --release --example generate -- DIR EVENTS`; Linux only)
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only measurement

use std::path::PathBuf;
use std::time::Instant;

use trailglass::protocol::{Request, Response, RuleSpec, ViewFilter};
use trailglass::query::complete::at_cursor;
use trailglass::session::Session;
use trailglass::timeline::TimelineQuery;

mod support;
use support::status_kb;

/// The queries of e2e/bench.mjs, in its order.
const QUERIES: &[&str] = &[
    "eventName:ConsoleLogin",
    "eventname:consolelogin",
    "eventName:Describe*",
    "eventName:*Role*",
    "(eventSource:iam.amazonaws.com OR source:sts*) AND NOT readOnly:true -errorCode:*",
    "region:eu-west-1",
    "identityType:Root",
    "errorCode:*",
    "NOT readOnly:true",
    "eventID:0000*",
    "userIdentity.userName:carol",
    "userIdentity.sessionContext.sessionIssuer.userName:OrgAdmin",
    "eventName:CreateRole AND userIdentity.userName:alice",
    "denied",
    "zzzz",
    "errorCode:AccessDenied AND \"perform CreateRole\"",
    "eventSource:organizations.amazonaws.com",
    "eventName:Create* AND NOT errorCode:*",
    "source:s3* OR source:ec2*",
    "_exists_:errorCode",
];

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: queries DIR"));
    let (mut session, _) = support::load(&support::gz_files(&dir));
    session.handle(Request::SetRules(RuleSpec::starters()));
    let store = status_kb("VmRSS");
    println!(
        "{} events, rules run: resident {:.1} MB, peak so far {:.1} MB",
        session.store().len(),
        mb(store),
        mb(status_kb("VmHWM"))
    );

    let ask = |session: &mut Session, query: &str, suggest: bool| -> (u32, u64, f64) {
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let start = Instant::now();
        if suggest {
            if let Some(c) = at_cursor(query, query.len()) {
                session.handle(Request::Suggest {
                    field: c.field,
                    prefix: c.prefix,
                });
            }
        }
        let Response::Timeline { answer, .. } = session.handle(Request::Timeline {
            scope: ViewFilter::All,
            query: TimelineQuery {
                query: query.to_owned(),
                time: None,
                descending: false,
                sort: None,
            },
            // The first page of rows comes with the answer.
            rows: 200,
        }) else {
            unreachable!()
        };
        (
            answer.total,
            status_kb("VmHWM"),
            start.elapsed().as_secs_f64(),
        )
    };
    let above = |kb: u64| mb(kb) - mb(store);
    let mut worst = 0;
    for round in 1..=2 {
        println!("round {round}: MB above the store, resident after / peak during (clearing)");
        for q in QUERIES {
            let (total, peak, secs) = ask(&mut session, q, true);
            let after = status_kb("VmRSS");
            let (_, clear_peak, _) = ask(&mut session, "", false);
            worst = worst.max(peak).max(clear_peak);
            println!(
                "  {:>6.1} / {:>6.1} ({:>6.1})  {total:>8} {:>6.0} ms  {q}",
                above(after),
                above(peak),
                above(clear_peak),
                secs * 1e3
            );
        }
        println!(
            "  resident after the round: {:.1}",
            above(status_kb("VmRSS"))
        );
    }
    println!(
        "worst peak during a query: {:.1} MB ({:.1} MB above the store)",
        mb(worst),
        above(worst)
    );
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1e3
}
