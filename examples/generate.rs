//! Writes a deterministic organization trail as CloudTrail delivers it to S3: gzipped
//! `{"Records":[...]}` files of unordered records under `AWSLogs/<account>/CloudTrail/
//! <region>/YYYY/MM/DD/`, with Organizations lifecycles embedded among everyday calls.
//!
//! Run with: cargo run --release --example generate -- OUT_DIR [EVENTS] [EVENTS_PER_FILE]
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly

use std::io::Write;
use std::path::PathBuf;

use trailglass::sample::Generator;

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .expect("usage: generate OUT_DIR [EVENTS] [EVENTS_PER_FILE]"),
    );
    let events: usize = args.next().map_or(200_000, |a| a.parse().expect("EVENTS"));
    let per_file: usize = args
        .next()
        .map_or(100, |a| a.parse().expect("EVENTS_PER_FILE"));
    let mut gen = Generator::new(2026);
    // Made a file at a time: five million records held as `Value`s at once need ~25 GB.
    let mut story = gen.org_story(1_700_000_000_000).into_iter();
    let mut made = 0;
    let mut next_chunk = || {
        let len = per_file.min(events - made);
        made += len;
        let chunk: Vec<_> = (0..len)
            .map(|_| story.next().unwrap_or_else(|| gen.noise()))
            .collect();
        (!chunk.is_empty()).then_some(chunk)
    };
    let (mut files, mut json_bytes, mut gz_bytes) = (0, 0, 0);
    let mut n = 0;
    while let Some(mut chunk) = next_chunk() {
        // CloudTrail files hold records in no particular order.
        chunk.reverse();
        if n % 2 == 0 {
            let third = chunk.len() / 3;
            chunk.rotate_left(third);
        }
        let first = &chunk[0];
        let account = first["recipientAccountId"]
            .as_str()
            .unwrap_or("111111111111");
        let region = first["awsRegion"].as_str().unwrap_or("us-east-1");
        let time = first["eventTime"]
            .as_str()
            .unwrap_or("2023-11-14T00:00:00Z");
        let (date, clock) = time.split_once('T').unwrap_or(("2023-11-14", "00:00:00Z"));
        let dir = out.join(format!(
            "AWSLogs/{account}/CloudTrail/{region}/{}",
            date.replace('-', "/")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let stamp = format!(
            "{}T{}Z",
            date.replace('-', ""),
            &clock.replace(':', "")[..4]
        );
        let name = format!("{account}_CloudTrail_{region}_{stamp}_{n:08x}.json.gz");
        let text = serde_json::json!({ "Records": chunk }).to_string();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        std::fs::write(dir.join(name), &gz).unwrap();
        files += 1;
        json_bytes += text.len();
        gz_bytes += gz.len();
        n += 1;
    }
    println!(
        "{events} events in {files} files: {:.1} MB JSON, {:.1} MB gzipped, under {}",
        json_bytes as f64 / 1e6,
        gz_bytes as f64 / 1e6,
        out.display()
    );
}
