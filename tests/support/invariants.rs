//! What ingest promises for any input, checked by the fuzz targets (`fuzz/`) and by the
//! regression tests of the inputs they found (`tests/fuzz_regressions.rs`):
//! - streamed in slices = read whole (same records, same ledger entry);
//! - no record is both kept and reported (no data-losing issue points inside a kept
//!   record's text);
//! - every kept record's text is a substring of the input (for plain UTF-8 JSON without
//!   escapes: unescaped embedded records and repaired ones are new text);
//! - every intact record placed between damage is kept (built inputs).
//!
//! Panics (with the input) on a broken promise; no `unwrap`: this file is also built by
//! the fuzz crate.
#![allow(dead_code)] // each test (and the fuzz crate) uses a part of it

use trailglass::event::Record;
use trailglass::ingest::{ingest_file, ErrorKind, FileReport, Limits, Position, Streamer};

/// Streams `bytes` cut into slices of the given sizes (cycled).
pub fn stream(
    name: &str,
    bytes: &[u8],
    sizes: &[usize],
    limits: &Limits,
) -> (Vec<Record<'static>>, FileReport) {
    let mut s = Streamer::new(name, limits);
    let mut records = Vec::new();
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        let n = sizes
            .get(i % sizes.len().max(1))
            .copied()
            .unwrap_or(rest.len());
        let n = n.clamp(1, rest.len());
        s.push(&rest[..n], &mut |r| records.push(r.into_owned()));
        rest = &rest[n..];
        i += 1;
    }
    let report = s.finish(&mut |r| records.push(r.into_owned()));
    (records, report)
}

/// One fuzz input: its first byte picks raw or built (see `fuzz/fuzz_targets/ingest.rs`).
pub fn check_fuzz_input(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let sizes = [1 + usize::from(mode >> 3), 61, 4093];
    match mode % 5 {
        0 => check(rest, &[], &sizes),
        layout => {
            let (file, intact) = build(layout, rest);
            check(&file, &intact, &sizes);
        }
    }
}

/// An intact record with a marker eventID of its own.
fn intact_record(i: usize) -> String {
    format!(
        r#"{{"eventVersion":"1.08","userIdentity":{{"type":"IAMUser","principalId":"AIDA{i}","arn":"arn:aws:iam::111122223333:user/u{i}","accountId":"111122223333","userName":"u{i}"}},"eventTime":"2024-05-0{d}T10:00:0{i}Z","eventSource":"organizations.amazonaws.com","eventName":"CreateOrganizationalUnit","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.{i}","userAgent":"aws-cli/2","requestParameters":{{"parentId":"r-ab12","name":"ou {i} \"quoted\" {{braces}}"}},"responseElements":null,"eventID":"fz-intact-{i}","readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#,
        d = 1 + i % 9
    )
}

/// Intact records with `damage` cut in three between them, in one of four layouts.
pub fn build(layout: u8, damage: &[u8]) -> (Vec<u8>, Vec<String>) {
    let third = damage.len().div_ceil(3);
    let pieces: Vec<&[u8]> = if damage.is_empty() {
        vec![]
    } else {
        damage.chunks(third.max(1)).collect()
    };
    let records: Vec<String> = (0..4).map(intact_record).collect();
    let (open, sep, close): (&[u8], &[u8], &[u8]) = match layout {
        1 => (b"{\"Records\":[", b",", b"]}"),
        2 => (b"[", b",\n", b"]"),
        3 => (b"", b"\n", b"\n"),
        _ => (b"", b"", b""),
    };
    let mut file = open.to_vec();
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            file.extend_from_slice(sep);
            if let Some(d) = pieces.get(i - 1) {
                file.extend_from_slice(d);
                if layout == 3 {
                    file.push(b'\n');
                }
            }
        }
        file.extend_from_slice(r.as_bytes());
    }
    file.extend_from_slice(close);
    let markers = (0..4).map(|i| format!("\"fz-intact-{i}\"")).collect();
    (file, markers)
}

/// Checks every promise for `bytes`; `intact` are texts each kept record set must hold.
pub fn check(bytes: &[u8], intact: &[String], sizes: &[usize]) {
    let limits = Limits::default();
    let name = "fuzz.json";
    let whole = ingest_file(name, bytes, &limits);
    let (records, report) = stream(name, bytes, sizes, &limits);
    assert_eq!(report, whole.report, "streamed in {sizes:?} ≠ whole");
    assert!(records == whole.records, "streamed records ≠ whole");
    let report = &whole.report;
    for marker in intact {
        assert!(
            whole
                .records
                .iter()
                .any(|r| r.raw.contains(marker.as_str())),
            "intact record {marker} lost: {:#?}",
            report.issues
        );
    }
    // Positions and substrings only mean something when the text is the input as is.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let plain = report.decoded_bytes == bytes.len() as u64
        && !report.compressed
        && !text.starts_with('\u{feff}')
        && !report.format.as_str().contains("csv");
    if !plain {
        return;
    }
    let repaired = report
        .issues
        .iter()
        .any(|i| matches!(i.kind, ErrorKind::Repaired { .. }));
    let mut spans = Vec::new();
    for r in &whole.records {
        match text.find(&*r.raw) {
            Some(start) => spans.push((start, start + r.raw.len())),
            None => assert!(
                repaired || text.contains('\\'),
                "kept record is not in the input: {}",
                r.raw
            ),
        }
    }
    for issue in report.issues.iter().filter(|i| i.loses_data()) {
        if let Position::Text { offset, .. } = issue.position {
            let offset = offset as usize;
            for &(start, end) in &spans {
                assert!(
                    !(start < offset && offset + 1 < end),
                    "issue inside kept record at {start}..{end}: {issue}"
                );
            }
        }
    }
}
