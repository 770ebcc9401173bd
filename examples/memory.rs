//! What's measured: the memory the core needs for a folder of generated S3 files, read one
//! file at a time as the worker does (resident size from /proc/self/status before and after
//! the load, and its high-water mark), per event and against the JSON size; the time of one
//! pass over every stored record's text (what free-text queries do); then the memory the
//! starter watch rules add (the app runs them as soon as a load is done).
//!
//! Run with: cargo run --profile bench --example memory -- DIR
//! (DIR from `cargo run --release --example generate -- DIR EVENTS`; Linux only)
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only measurement

use std::path::PathBuf;
use std::time::Instant;

use trailglass::session::Session;
use trailglass::store::EventId;

mod support;
use support::{cpu_seconds, status_kb};

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: memory DIR"));
    let files = support::gz_files(&dir);

    let before = status_kb("VmRSS");
    let (start, cpu_start) = (Instant::now(), cpu_seconds());
    let mut session = Session::default();
    let mut json_bytes = 0u64;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        json_bytes += session.add_file(&f.to_string_lossy(), &bytes).decoded_bytes;
    }
    let summary = session.finish();
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_start;
    let (rss, peak) = (status_kb("VmRSS"), status_kb("VmHWM"));
    let events = f64::from(summary.stats.events);
    let mb = |kb: u64| kb as f64 / 1e3;
    println!(
        "{} files, {} events, {:.1} MB of JSON ({:.0} B/event), loaded in {:.2} s ({:.0} events/s, {:.2} s of CPU)",
        files.len(),
        summary.stats.events,
        json_bytes as f64 / 1e6,
        json_bytes as f64 / events,
        secs,
        events / secs,
        cpu
    );
    println!(
        "resident: {:.1} MB before, {:.1} MB after ({:.0} B/event, {:.2}x the JSON), peak {:.1} MB ({:.2}x the JSON)",
        mb(before),
        mb(rss),
        (rss - before) as f64 * 1e3 / events,
        (rss - before) as f64 * 1e3 / json_bytes as f64,
        mb(peak),
        peak as f64 * 1e3 / json_bytes as f64,
    );

    let store = session.store();
    println!(
        "record texts: {:.1} MB held ({:.0} B/event)",
        store.raw_heap_bytes() as f64 / 1e6,
        store.raw_heap_bytes() as f64 / events
    );
    // A second copy of the Organizations records' texts, for the org report.
    println!(
        "org events, parsed for the report: {:.1} MB held ({:.1} B/event)",
        session.org_texts_heap_bytes() as f64 / 1e6,
        session.org_texts_heap_bytes() as f64 / events
    );

    // One pass over every record's text, in id order, as a free-text query does.
    let start = Instant::now();
    let (mut bytes, mut hits) = (0usize, 0usize);
    for i in 0..store.len() {
        let Some(raw) = store.raw(EventId(i as u32)) else {
            continue;
        };
        bytes += raw.len();
        hits += usize::from(raw.contains("zzzz"));
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "scan of every record: {:.0} ms, {:.0} MB/s of record text ({:.0} B/event, {hits} hits)",
        secs * 1e3,
        bytes as f64 / secs / 1e6,
        bytes as f64 / events
    );

    let specs = trailglass::protocol::RuleSpec::starters();
    let start = Instant::now();
    session.set_rules(specs);
    let secs = start.elapsed().as_secs_f64();
    let (with_rules, peak) = (status_kb("VmRSS"), status_kb("VmHWM"));
    println!(
        "starter rules: {:.2} s, resident {:.1} MB (+{:.0} B/event; {:.2}x the JSON in all), peak {:.1} MB ({:.2}x)",
        secs,
        mb(with_rules),
        (with_rules - rss) as f64 * 1e3 / events,
        (with_rules - before) as f64 * 1e3 / json_bytes as f64,
        mb(peak),
        peak as f64 * 1e3 / json_bytes as f64,
    );
}
