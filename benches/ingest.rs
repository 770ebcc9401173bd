//! What's measured: native ingest throughput (decompress → detect → parse → store) of
//! (1) the largest real fixture, read repeatedly, and (2) generated S3-style `.json.gz` files
//! of an organization trail, through the same `Session` the worker runs, and (3) the starter
//! watch rules evaluated over them.
//!
//! Run with: cargo bench --bench ingest [-- EVENTS]   (default 200000 generated events)
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only benchmark

use std::io::Write;
use std::time::Instant;

use trailglass::sample::Generator;
use trailglass::session::Session;

fn main() {
    let events: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000);

    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real/invictus-aws_dataset/CloudTrail"
    );
    let largest = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max_by_key(|p| p.metadata().unwrap().len())
        .unwrap();
    let bytes = std::fs::read(&largest).unwrap();
    let rounds = 50;
    let start = Instant::now();
    let mut records = 0;
    for _ in 0..rounds {
        let got = trailglass::ingest::ingest_file("f.json", &bytes, &Default::default());
        records += got.records.len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "largest fixture ({}, {} KB, {} records): {:.0} events/s, {:.1} MB/s",
        largest.file_name().unwrap().to_string_lossy(),
        bytes.len() / 1000,
        records / rounds,
        records as f64 / secs,
        (bytes.len() * rounds) as f64 / secs / 1e6
    );

    // Generated S3 files: ~100 records each, gzipped, as CloudTrail delivers them.
    let mut gen = Generator::new(42);
    let mut files = Vec::new();
    let (mut raw_bytes, mut gz_bytes) = (0, 0);
    for chunk in 0..events.div_ceil(100) {
        let records: Vec<_> = (0..100.min(events - chunk * 100))
            .map(|_| gen.noise())
            .collect();
        let text = serde_json::json!({ "Records": records }).to_string();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        raw_bytes += text.len();
        gz_bytes += gz.len();
        files.push(gz);
    }
    let start = Instant::now();
    let mut session = Session::default();
    for (i, f) in files.iter().enumerate() {
        session.add_file(&format!("f{i}.json.gz"), f);
    }
    let summary = session.finish();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "generated: {} files, {} events, {:.1} MB gz / {:.1} MB JSON: {:.2} s, {:.0} events/s, {:.1} MB/s of JSON",
        files.len(),
        summary.stats.events,
        gz_bytes as f64 / 1e6,
        raw_bytes as f64 / 1e6,
        secs,
        f64::from(summary.stats.events) / secs,
        raw_bytes as f64 / secs / 1e6
    );

    // Watch rules: the starter set, evaluated by the session over everything loaded; then
    // every rule edited (a rule keeps its matches while its pattern is unchanged).
    let specs = trailglass::protocol::RuleSpec::starters();
    let mut edited = specs.clone();
    edited.iter_mut().for_each(|s| s.pattern.push(' '));
    let n = specs.len();
    for (pass, specs) in [("first", &specs), ("again (every rule edited)", &edited)] {
        let start = Instant::now();
        let results = session.set_rules(specs.clone());
        let secs = start.elapsed().as_secs_f64();
        let matches: u32 = results.iter().map(|r| r.matches).sum();
        println!(
            "rules, {pass}: {n} starter rules over {} events: {:.2} s ({:.0} events/s, {matches} matches)",
            summary.stats.events,
            secs,
            f64::from(summary.stats.events) / secs
        );
    }
}
