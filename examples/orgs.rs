//! Times the Organization tab's report after a load: `Session::orgs()` over a folder of
//! generated S3 files, the first call after the load as the worker makes it, then again
//! after each of a few empty files (each marks the data changed, so the report is rebuilt
//! from the store, with nothing else changed). Then the same work in parts: finding the
//! org events' texts, reading them alone (decompression), the context, and
//! `reconstruct_texts`.
//!
//! Run with: cargo run --profile bench --example orgs -- DIR [RUNS]
//! (DIR from `cargo run --release --example generate -- DIR EVENTS`; RUNS default 5)
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only measurement

use std::time::Instant;

use trailglass::orgs::{self, OrgContext};

mod support;

fn main() {
    let (dir, runs) = support::dir_and_runs("usage: orgs DIR [RUNS]");
    let files = support::gz_files(&dir);

    let start = Instant::now();
    let (mut session, summary) = support::load(&files);
    println!(
        "{} files, {} events, loaded in {:.2} s",
        files.len(),
        summary.stats.events,
        start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let report = session.orgs();
    let first = start.elapsed().as_secs_f64() * 1e3;
    let (count, rows) = (
        report.org_event_count,
        report.creations.len()
            + report.handshakes.len()
            + report.membership.len()
            + report.changes.len(),
    );
    // CPU time too (10 ms ticks): on a shared machine the wall clock says more about
    // the neighbours.
    let (mut again, mut cpu) = (Vec::new(), Vec::new());
    for run in 0..runs {
        session.add_file(&format!("empty-{run}.json"), b"");
        session.finish();
        let (start, cpu_start) = (Instant::now(), support::cpu_seconds());
        let report = session.orgs();
        again.push(start.elapsed().as_secs_f64() * 1e3);
        cpu.push((support::cpu_seconds() - cpu_start) * 1e3);
        assert_eq!(
            report.org_event_count, count,
            "an empty file changed the report"
        );
    }
    println!(
        "Session::orgs: {first:.1} ms the first time, median {:.1} ms of {runs} rebuilds \
         (CPU {:.0} ms; {count} org events, {rows} rows)",
        median(&mut again),
        median(&mut cpu)
    );

    // The parts, as Session::orgs does them; reading the texts alone is timed apart (it
    // is part of reconstruct_texts).
    let store = session.store();
    let mut parts: [Vec<f64>; 4] = Default::default();
    for _ in 0..runs {
        let mut lap = Lap::new();
        let (n, text) = session.org_texts();
        parts[0].push(lap.ms());
        let bytes: usize = (0..n).filter_map(|i| Some(text(i)?.len())).sum();
        parts[1].push(lap.ms());
        let (accounts_seen, regions_seen) = store.accounts_and_regions();
        let ctx = OrgContext {
            latest_event_time: store.time_span().map(|(_, last)| last),
            accounts_seen,
            regions_seen,
        };
        parts[2].push(lap.ms());
        let report = orgs::reconstruct_texts(n, text, &ctx);
        parts[3].push(lap.ms());
        assert_eq!(report.org_event_count, count);
        assert!(bytes > 0);
    }
    let names = [
        "find org events' texts",
        "read their texts alone",
        "context",
        "reconstruct_texts (read, parse, reconstruct)",
    ];
    for (name, times) in names.iter().zip(&mut parts) {
        println!("  {name}: median {:.1} ms", median(times));
    }
}

/// Milliseconds since the last call.
struct Lap(Instant);

impl Lap {
    fn new() -> Lap {
        Lap(Instant::now())
    }

    fn ms(&mut self) -> f64 {
        let now = Instant::now();
        let ms = (now - self.0).as_secs_f64() * 1e3;
        self.0 = now;
        ms
    }
}

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
