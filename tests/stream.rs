//! The streaming ingester against the whole-file one: every fixture, generated records
//! files (valid, cut off, damaged, gzipped, cut gzip) and arbitrary bytes, each pushed in
//! arbitrary slices, give the same records and the same ledger entry (issues, positions
//! and all); plus what only streaming does (no total cap, bounded memory, the per-record
//! guard).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

use std::io::Write;
use std::sync::OnceLock;

#[path = "support/fixtures.rs"]
mod support;

#[path = "support/invariants.rs"]
mod invariants;

use invariants::stream;
use proptest::prelude::*;
use support::{all_files, fixtures};
use trailglass::ingest::{ingest_file, ErrorKind, Format, Limits, Streamer};

/// Streamed and whole give the same records and the same report.
fn same_as_whole(name: &str, bytes: &[u8], sizes: &[usize]) -> Result<(), TestCaseError> {
    let limits = Limits::default();
    let whole = ingest_file(name, bytes, &limits);
    let (records, report) = stream(name, bytes, sizes, &limits);
    prop_assert_eq!(
        &report,
        &whole.report,
        "report of {} in slices {:?}",
        name,
        sizes
    );
    prop_assert_eq!(records.len(), whole.records.len());
    prop_assert!(records == whole.records, "records of {name}");
    Ok(())
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

#[test]
fn every_fixture_streams_as_it_reads_whole() {
    for path in all_files(&fixtures()) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        for sizes in [&[1][..], &[7, 3], &[100], &[4096], &[1 << 20]] {
            if sizes == [1] && bytes.len() > 200_000 {
                continue; // byte by byte is slow in debug builds; 7/3 covers it
            }
            same_as_whole(&name, &bytes, sizes).unwrap();
        }
    }
}

/// Compact record texts from the real fixtures.
fn pool() -> &'static [String] {
    static POOL: OnceLock<Vec<String>> = OnceLock::new();
    POOL.get_or_init(|| {
        let dir = fixtures().join("real/invictus-aws_dataset");
        let mut out = Vec::new();
        for path in all_files(&dir).into_iter().take(3) {
            let got = ingest_file("f", &std::fs::read(path).unwrap(), &Limits::default());
            out.extend(got.records.into_iter().take(60).map(|r| {
                serde_json::from_str::<serde_json::Value>(&r.raw)
                    .unwrap()
                    .to_string()
            }));
        }
        // A few odd but valid records: escapes, unicode, nesting.
        out.push(r#"{"eventVersion":"1.08","eventID":"esc","eventName":"A\"b\\c\u00e9 \ud83d\ude00","requestParameters":{"a":[{"b":"}]{["}]}}"#.to_owned());
        out.push(r#"{"eventVersion":"1.08","eventID":"ünï","eventName":"Ümlaut ✓","userIdentity":{"type":"Root"}}"#.to_owned());
        out
    })
}

#[derive(Clone, Debug)]
enum Damage {
    None,
    /// Cut the text at this fraction.
    Cut(f64),
    /// Overwrite one byte.
    Replace(f64, u8),
    /// Insert a piece of JSON-ish soup.
    Insert(f64, &'static str),
    /// Delete some bytes.
    Delete(f64, usize),
    /// An item that is not a record.
    Item(usize, &'static str),
    /// Something after the closing brace.
    After(&'static str),
}

fn damage() -> impl Strategy<Value = Damage> {
    let soup = prop_oneof![
        Just("{"),
        Just("}"),
        Just("["),
        Just("]"),
        Just(","),
        Just("\""),
        Just("\\"),
        Just(":"),
        Just("\n"),
        Just("x"),
        Just("{\"eventVersion\":\"1\"}"),
        Just("\u{e9}")
    ];
    let item = prop_oneof![
        Just("1"),
        Just("null"),
        Just("{}"),
        Just("{\"foo\":1}"),
        Just("[{\"eventID\":\"in-array\"}]"),
        Just("{\"messageId\":\"m\",\"body\":\"{\\\"eventID\\\":\\\"sqs\\\"}\"}"),
        Just("\"text\"")
    ];
    let after = prop_oneof![
        Just("\n{\"eventID\":\"next-line\"}\n"),
        Just(" garbage"),
        Just("\n\n  \t"),
        Just("{\"Records\":[{\"eventID\":\"second\"}]}"),
        Just(",\"eventName\":\"Top\"}"),
        Just("\u{a0}")
    ];
    prop_oneof![
        2 => Just(Damage::None),
        3 => (0.0..1.0f64).prop_map(Damage::Cut),
        2 => (0.0..1.0f64, any::<u8>()).prop_map(|(p, b)| Damage::Replace(p, b)),
        2 => (0.0..1.0f64, soup).prop_map(|(p, s)| Damage::Insert(p, s)),
        1 => (0.0..1.0f64, 1..40usize).prop_map(|(p, n)| Damage::Delete(p, n)),
        1 => (0..200usize, item).prop_map(|(i, s)| Damage::Item(i, s)),
        1 => after.prop_map(Damage::After),
    ]
}

/// A records file: `picks` from the pool, laid out compact or pretty, then damaged.
fn records_file(picks: &[usize], pretty: bool, lead: &str, d: &Damage) -> Vec<u8> {
    let pool = pool();
    let mut items: Vec<String> = picks
        .iter()
        .map(|&i| pool[i % pool.len()].clone())
        .collect();
    if let Damage::Item(at, text) = d {
        let at = at % (items.len() + 1);
        items.insert(at, (*text).to_owned());
    }
    let mut text = if pretty {
        format!(
            "{lead}{{\n  \"Records\": [\n    {}\n  ]\n}}\n",
            items.join(",\n    ")
        )
    } else {
        format!("{lead}{{\"Records\":[{}]}}", items.join(","))
    };
    let at = |f: f64, len: usize| ((len as f64 * f) as usize).min(len);
    let mut bytes = std::mem::take(&mut text).into_bytes();
    match d {
        Damage::Cut(f) => bytes.truncate(at(*f, bytes.len())),
        Damage::Replace(f, b) => {
            let i = at(*f, bytes.len().saturating_sub(1));
            if let Some(x) = bytes.get_mut(i) {
                *x = *b;
            }
        }
        Damage::Insert(f, s) => {
            let i = at(*f, bytes.len());
            bytes.splice(i..i, s.bytes());
        }
        Damage::Delete(f, n) => {
            let i = at(*f, bytes.len());
            let j = (i + n).min(bytes.len());
            bytes.drain(i..j);
        }
        Damage::After(s) => bytes.extend_from_slice(s.as_bytes()),
        Damage::None | Damage::Item(..) => {}
    }
    bytes
}

/// How a gzipped file is damaged.
#[derive(Clone, Debug)]
enum Gz {
    Whole,
    Cut(f64),
    /// A compressed byte changed (corrupt data, header or checksum).
    Flip(f64, u8),
}

fn sizes() -> impl Strategy<Value = Vec<usize>> {
    prop_oneof![
        proptest::collection::vec(1..64usize, 1..8),
        proptest::collection::vec(1..20_000usize, 1..8),
        Just(vec![usize::MAX]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Small files (under 64 KiB: read verbatim) and big ones (the stand-in path).
    #[test]
    fn records_files_stream_as_they_read_whole(
        picks in prop_oneof![
            proptest::collection::vec(0..1000usize, 0..12),
            proptest::collection::vec(0..1000usize, 40..140),
        ],
        pretty in any::<bool>(),
        lead in prop_oneof![Just(""), Just("\n "), Just("\u{feff}")],
        d in damage(),
        gz in prop_oneof![
            Just(None),
            Just(Some(Gz::Whole)),
            (0.0..1.0f64).prop_map(|f| Some(Gz::Cut(f))),
            (0.0..1.0f64, 1..=255u8).prop_map(|(f, m)| Some(Gz::Flip(f, m))),
        ],
        sizes in sizes(),
    ) {
        let mut bytes = records_file(&picks, pretty, "", &d);
        if lead == "\u{feff}" {
            bytes.splice(0..0, [0xef, 0xbb, 0xbf]);
        } else {
            bytes.splice(0..0, lead.bytes());
        }
        let (name, bytes) = match gz {
            None => ("f.json", bytes),
            Some(how) => {
                let mut z = gzip(&bytes);
                let at = |f: f64| ((z.len() as f64) * f) as usize;
                match how {
                    Gz::Whole => {}
                    Gz::Cut(f) => z.truncate(at(f)),
                    Gz::Flip(f, mask) => {
                        let i = at(f).min(z.len() - 1);
                        z[i] ^= mask;
                    }
                }
                ("f.json.gz", z)
            }
        };
        same_as_whole(name, &bytes, &sizes)?;
    }

    #[test]
    fn ndjson_streams_as_it_reads_whole(
        picks in proptest::collection::vec(0..1000usize, 1..30),
        bad in proptest::option::of((0..30usize, damage())),
        crlf in any::<bool>(),
        sizes in sizes(),
    ) {
        let pool = pool();
        let mut lines: Vec<String> = picks.iter().map(|&i| pool[i % pool.len()].clone()).collect();
        if let Some((at, d)) = bad {
            let at = at % lines.len();
            let damaged = records_file(&[picks[at]], false, "", &d);
            lines[at] = String::from_utf8_lossy(&damaged).into_owned();
        }
        let text = lines.join(if crlf { "\r\n" } else { "\n" });
        same_as_whole("f.ndjson", text.as_bytes(), &sizes)?;
    }

    #[test]
    fn arbitrary_bytes_stream_as_they_read_whole(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        gz in any::<bool>(),
        sizes in sizes(),
    ) {
        let name = if gz { "x.json.gz" } else { "x.json" };
        same_as_whole(name, &bytes, &sizes)?;
    }

    #[test]
    fn json_soup_streams_as_it_reads_whole(parts in proptest::collection::vec(
        prop_oneof![Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("\""), Just("\\"),
                    Just("\"Records\""), Just("{\"Records\":["), Just("\"eventVersion\":\"1\""), Just("\"eventID\":\"a\""),
                    Just("\n"), Just("null"), Just(" "), Just("\u{e9}")],
        0..200), sizes in sizes()) {
        same_as_whole("soup.json", parts.concat().as_bytes(), &sizes)?;
    }
}

/// A big records file, damaged past the first 64 KiB in each way the stand-in must
/// reproduce (a cut, a bad item, keys after the array, trailing lines).
#[test]
fn damage_after_the_verbatim_start_reads_as_whole() {
    let picks: Vec<usize> = (0..150).collect();
    for pretty in [false, true] {
        for d in [
            Damage::None,
            Damage::Cut(0.8),
            Damage::Cut(0.999),
            Damage::Replace(0.7, b'"'),
            Damage::Replace(0.7, b'{'),
            Damage::Insert(0.9, "}"),
            Damage::Delete(0.6, 3),
            Damage::Item(120, "{\"foo\":1}"),
            Damage::Item(120, "[{\"eventID\":\"in-array\"}]"),
            Damage::After(" garbage"),
            Damage::After("\n{\"eventID\":\"next-line\"}\n"),
            Damage::After(",\"eventName\":\"Top\"}"),
        ] {
            let bytes = records_file(&picks, pretty, "", &d);
            assert!(bytes.len() > 100_000);
            for sizes in [&[4096][..], &[1000, 77]] {
                same_as_whole("big.json", &bytes, sizes)
                    .unwrap_or_else(|e| panic!("{d:?} pretty={pretty}: {e}"));
                same_as_whole("big.json.gz", &gzip(&bytes), sizes)
                    .unwrap_or_else(|e| panic!("{d:?} pretty={pretty} gz: {e}"));
            }
        }
    }
}

/// Many records pushed through in slices: what is held stays about one slice's worth,
/// and there is no total size cap.
#[test]
fn a_big_records_file_streams_in_bounded_memory_without_a_total_cap() {
    let limits = Limits {
        max_decompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    let pool = pool();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"{\"Records\":[").unwrap();
    let n = 20_000;
    let mut json = 0;
    for i in 0..n {
        let r = &pool[i % pool.len()];
        if i > 0 {
            gz.write_all(b",").unwrap();
        }
        gz.write_all(r.as_bytes()).unwrap();
        json += r.len();
    }
    gz.write_all(b"]}").unwrap();
    let bytes = gz.finish().unwrap();
    assert!(json > 20 << 20, "{json}");
    let mut s = Streamer::new("big.json.gz", &limits);
    let (mut count, mut most) = (0, 0);
    for chunk in bytes.chunks(256 << 10) {
        s.push(chunk, &mut |_| count += 1);
        most = most.max(s.held_bytes());
    }
    let report = s.finish(&mut |_| count += 1);
    assert_eq!(count, n);
    assert_eq!(report.records as usize, n);
    assert_eq!(report.format, Format::CloudTrailRecords);
    assert!(report.issues.is_empty(), "{:?}", report.issues);
    assert_eq!(report.decoded_bytes as usize, json + n + 13);
    // The gzip slice decompresses in 1 MiB pieces; a piece plus a partial record.
    assert!(most < 4 << 20, "held {most} bytes");
    // The whole-file path stops at the cap.
    let whole = ingest_file("big.json.gz", &bytes, &limits);
    assert!(whole
        .report
        .issues
        .iter()
        .any(|i| matches!(i.kind, ErrorKind::TooLarge { .. })));
}

#[test]
fn one_absurd_record_is_skipped_and_the_rest_kept() {
    let limits = Limits {
        max_record_bytes: 1 << 20,
        ..Limits::default()
    };
    let big = "x".repeat(3 << 20);
    let text = format!(
        r#"{{"Records":[{{"eventVersion":"1.08","eventID":"a"}},{{"eventID":"big","blob":"{big}"}},{{"eventVersion":"1.08","eventID":"b"}}]}}"#
    );
    let mut s = Streamer::new("f.json", &limits);
    let mut ids = Vec::new();
    let mut most = 0;
    for chunk in text.as_bytes().chunks(64 << 10) {
        s.push(chunk, &mut |r| ids.push(r.event_id.unwrap().into_owned()));
        most = most.max(s.held_bytes());
    }
    let report = s.finish(&mut |r| ids.push(r.event_id.unwrap().into_owned()));
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(report.skipped, 1);
    let at = text.find("{\"eventID\":\"big\"").unwrap();
    let place = format!("line 1, column {} (byte {at})", at + 1);
    assert!(
        report.issues[0].to_string().contains(&place),
        "{}",
        report.issues[0]
    );
    assert!(report.issues[0]
        .to_string()
        .contains("passes the 1 MiB limit"));
    assert!(most < 3 << 20, "held {most}");
    // NDJSON lines have the same guard.
    let lines = format!("{{\"eventID\":\"a\"}}\n{{\"eventID\":\"big\",\"blob\":\"{big}\"}}\n{{\"eventID\":\"b\"}}\n");
    let (records, report) = stream("f.ndjson", lines.as_bytes(), &[64 << 10], &limits);
    assert_eq!(records.len(), 2);
    assert_eq!(report.format, Format::RecordLines);
    assert!(report.issues[0].to_string().contains("line 2, column 1"));
}
