//! What's measured: one big file read whole (as `AddFiles` does: the file's bytes in
//! memory, decompressed whole, every record parsed, then stored) against the same file
//! streamed in slices (as `AddChunk` does): time, and the process's peak resident memory
//! (VmHWM from /proc/self/status). One mode per run, since the peak is the process's.
//!
//! Run with: cargo run --profile bench --example stream -- MODE FILE [SLICE_MIB]
//!   MODE: `whole` or `stream` (through the Session, records stored), or `ingest-whole` or
//!   `ingest-stream` (ingest only: records counted and dropped).
//! (FILE from `cargo run --release --example generate -- DIR EVENTS EVENTS` (one file);
//! Linux only)
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only measurement

use std::io::Read;
use std::time::Instant;

use trailglass::ingest::{ingest_file, FileReport, Limits, Streamer};
use trailglass::protocol::Chunk;
use trailglass::session::Session;

mod support;
use support::status_kb;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: stream whole|stream|ingest-whole|ingest-stream FILE [SLICE_MIB]";
    let mode = args.next().expect(usage);
    let path = args.next().expect(usage);
    let slice = args
        .next()
        .map_or(4, |s| s.parse::<usize>().expect("SLICE_MIB"))
        << 20;
    let size = std::fs::metadata(&path).unwrap().len();
    let before = status_kb("VmRSS");
    let start = Instant::now();
    let (report, events) = match mode.as_str() {
        "whole" => {
            let bytes = std::fs::read(&path).unwrap();
            let mut session = Session::default();
            let report = session.add_file(&path, &bytes).clone();
            drop(bytes);
            (report, session.finish().stats.events)
        }
        "stream" => {
            let mut session = Session::default();
            let mut report = None;
            slices(&path, slice, |offset, bytes, last| {
                let chunk = Chunk {
                    path: path.clone(),
                    offset,
                    bytes,
                    last,
                    read_error: None,
                };
                if let Some(r) = session.add_chunk(chunk) {
                    report = Some(r.clone());
                }
            });
            (report.unwrap(), session.finish().stats.events)
        }
        "ingest-whole" => {
            let bytes = std::fs::read(&path).unwrap();
            let got = ingest_file(&path, &bytes, &Limits::default());
            let n = got.records.len() as u32;
            (got.report, n)
        }
        "ingest-stream" => {
            let mut streamer = Some(Streamer::new(&path, &Limits::default()));
            let (mut n, mut report, mut held) = (0u32, None, 0);
            slices(&path, slice, |_, bytes, last| {
                let s = streamer.as_mut().unwrap();
                s.push(&bytes, &mut |_| n += 1);
                held = held.max(s.held_bytes());
                if last {
                    report = Some(streamer.take().unwrap().finish(&mut |_| n += 1));
                }
            });
            println!(
                "most held by the streamer at once: {:.1} MB",
                held as f64 / 1e6
            );
            (report.unwrap(), n)
        }
        _ => panic!("{usage}"),
    };
    let secs = start.elapsed().as_secs_f64();
    summary(&mode, size, &report, events, secs, before);
}

/// Reads `path` in slices of `slice` bytes: (offset, bytes, last).
fn slices(path: &str, slice: usize, mut each: impl FnMut(u64, Vec<u8>, bool)) {
    let size = std::fs::metadata(path).unwrap().len();
    let mut file = std::fs::File::open(path).unwrap();
    let mut offset = 0u64;
    loop {
        let mut buf = vec![0; slice];
        let mut got = 0;
        while got < slice {
            match file.read(&mut buf[got..]).unwrap() {
                0 => break,
                n => got += n,
            }
        }
        buf.truncate(got);
        let last = offset + got as u64 >= size;
        each(offset, buf, last);
        offset += got as u64;
        if last {
            break;
        }
    }
}

fn summary(mode: &str, size: u64, r: &FileReport, events: u32, secs: f64, before: u64) {
    let (peak, rss) = (status_kb("VmHWM"), status_kb("VmRSS"));
    let mb = |kb: u64| kb as f64 / 1e3;
    println!(
        "{mode}: {:.1} MB file, {:.1} MB of JSON read, {} records, {} events out, {} issues, {:.2} s ({:.0} events/s, {:.0} MB/s of JSON)",
        size as f64 / 1e6,
        r.decoded_bytes as f64 / 1e6,
        r.records,
        events,
        r.issues.len(),
        secs,
        f64::from(r.records) / secs,
        r.decoded_bytes as f64 / 1e6 / secs,
    );
    for issue in &r.issues {
        println!("    issue: {issue}");
    }
    println!(
        "{mode}: resident {:.1} MB before, {:.1} MB after, peak {:.1} MB ({:.2}x the JSON)",
        mb(before),
        mb(rss),
        mb(peak),
        peak as f64 * 1e3 / r.decoded_bytes.max(1) as f64,
    );
}
