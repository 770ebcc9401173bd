//! What's measured: the cost of digest validation on a generated trail signed with
//! `python3 scripts/integrity-fixtures.py --sign DIR`:
//! - the log files read as the worker reads them, with their hashes taken in the same
//!   pass, against the same bytes read under a name that is not hashed (CPU seconds);
//! - the whole load through a session (logs, digests, keys, head-object files), then one
//!   validation of everything (RSA verification of every digest, every listed hash,
//!   the coverage map).
//!
//! Run with: cargo run --profile bench --example integrity -- DIR
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only measurement

use std::path::PathBuf;
use std::time::Instant;

use trailglass::ingest::{Limits, Streamer};
use trailglass::session::Session;

mod support;
use support::cpu_seconds;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: integrity DIR"));
    let files = support::all_files(&dir);
    let logs: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .filter(|f| trailglass::ingest::is_log_object(f))
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap();
            (f, bytes)
        })
        .collect();
    let limits = Limits::default();
    let read = |rename: bool| {
        let cpu = cpu_seconds();
        let mut records = 0u64;
        for (path, bytes) in &logs {
            let name = if rename { "unhashed.json.gz" } else { path };
            let mut s = Streamer::new(name, &limits);
            // The page's slice size for big files; small ones arrive whole.
            for piece in bytes.chunks(4 << 20) {
                s.push(piece, &mut |_| records += 1);
            }
            let report = s.finish(&mut |_| records += 1);
            assert_eq!(report.content.is_some(), !rename);
        }
        (cpu_seconds() - cpu, records)
    };
    // Alternate to even out the machine's noise; best of three each.
    let (mut plain, mut hashed) = (f64::MAX, f64::MAX);
    let mut records = 0;
    for _ in 0..3 {
        plain = plain.min(read(true).0);
        let (t, n) = read(false);
        hashed = hashed.min(t);
        records = n;
    }
    let json: u64 = logs.iter().map(|(_, b)| b.len() as u64).sum();
    println!(
        "{} log files, {records} records, {:.1} MB gzipped: ingest {plain:.2} s CPU, with hashing {hashed:.2} s (+{:.2} s, +{:.0}%)",
        logs.len(),
        json as f64 / 1e6,
        hashed - plain,
        (hashed - plain) / plain * 100.0
    );

    let (start, cpu) = (Instant::now(), cpu_seconds());
    let (mut session, summary) = support::load(&files);
    println!(
        "session load: {} files, {} events in {:.2} s ({:.2} s CPU)",
        files.len(),
        summary.stats.events,
        start.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
    let validate = |session: &mut Session| {
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let digests = session.integrity().digests.len();
        (digests, start.elapsed().as_secs_f64(), cpu_seconds() - cpu)
    };
    // The same without the keys: everything but the RSA verifications.
    let (mut keyless, _) = support::load(files.iter().filter(|f| !f.ends_with("public-keys.json")));
    let (n, wall, cpu) = validate(&mut keyless);
    println!("validation without keys (no RSA): {n} digests in {wall:.3} s ({cpu:.3} s CPU)");
    drop(keyless);

    let (start, cpu) = (Instant::now(), cpu_seconds());
    let report = session.integrity();
    let s = &report.summary;
    println!(
        "validation: {} digests ({} valid, {} invalid, {} unverifiable), {} listed logs ({} valid), coverage {} rows x {} hours, in {:.3} s ({:.3} s CPU)",
        report.digests.len(),
        s.digests_valid,
        s.digests_invalid,
        s.digests_unverifiable,
        report.logs.len(),
        s.logs_valid,
        report.coverage.rows.len(),
        report.coverage.hours,
        start.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
}
