//! The console's CSV export reader, through the real ingester: any body after a real
//! header never panics, never yields more records than lines, and streamed = whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailglass::ingest::{ingest_file, Limits, Streamer};

const HEADER: &str = "Event ID,Event time,User name,Event name,Resource type,Resource name,AWS access key,AWS region,Error code,Source IP address,Read-only,Event source,Recipient Account Id,Resources\n";

fuzz_target!(|data: &[u8]| {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(data);
    let limits = Limits::default();
    let whole = ingest_file("export.csv", &bytes, &limits);
    let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    assert!(whole.records.len() <= lines);
    let mut streamer = Streamer::new("export.csv", &limits);
    let mut records = Vec::new();
    for piece in bytes.chunks(7) {
        streamer.push(piece, &mut |r| records.push(r.into_owned()));
    }
    let report = streamer.finish(&mut |r| records.push(r.into_owned()));
    assert_eq!(report, whole.report);
    assert!(records == whole.records);
});
