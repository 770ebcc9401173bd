//! Offline digest validation over a generated, signed trail and its tampered copies
//! (tests/fixtures/integrity/, made by scripts/integrity-fixtures.py), each read through
//! the real session like a dropped folder.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::path::PathBuf;

use trailglass::ingest::{Format, Limits};
use trailglass::integrity::{DigestStatus, LogStatus, Report, Vouch};
use trailglass::protocol::{Chunk, Request, Response};
use trailglass::session::Session;

#[path = "support/fixtures.rs"]
mod support;

fn root(case: &str) -> PathBuf {
    support::fixtures().join("integrity").join(case)
}

/// Every file of a case, as (path relative to the case, bytes), sorted.
fn tree(case: &str) -> Vec<(String, Vec<u8>)> {
    let base = root(case);
    let paths = support::all_files(&base);
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (format!("{case}/{rel}"), std::fs::read(&p).unwrap())
        })
        .collect()
}

fn load(case: &str) -> Session {
    let mut session = Session::default();
    for (path, bytes) in tree(case) {
        session.add_file(&path, &bytes);
    }
    session.finish();
    session
}

const D: &str = "AWSLogs/o-exampleorg1/111122223333/CloudTrail-Digest/us-east-1/2026/01/01/111122223333_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20260101T";

fn digest(hour: u32) -> String {
    format!("{D}{hour:02}0000Z.json.gz")
}

fn log(name: &str) -> String {
    let (t, unique) = name.split_once('_').unwrap();
    format!("AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T{t}_{unique}.json.gz")
}

fn log_status(report: &Report, file: &str) -> Option<LogStatus> {
    report
        .logs
        .iter()
        .find(|l| l.file == file)
        .map(|l| l.status)
}

/// Every digest but the listed ones is valid; every listed log but these is valid.
fn assert_only(report: &Report, digests: &[(String, DigestStatus)], logs: &[(String, LogStatus)]) {
    for row in &report.digests {
        let want = digests
            .iter()
            .find(|(f, _)| *f == row.file)
            .map_or(DigestStatus::Valid, |(_, s)| *s);
        assert_eq!(row.status, want, "{}: {}", row.file, row.reason);
    }
    for row in &report.logs {
        let want = logs
            .iter()
            .find(|(f, _)| *f == row.file)
            .map_or(LogStatus::Valid, |(_, s)| *s);
        assert_eq!(row.status, want, "{}", row.file);
    }
}

/// The vouch of an event, by the start of its eventID (`REGION-HHMM`, or with `-N`).
fn vouch_of(session: &mut Session, prefix: &str) -> Vouch {
    let n = if prefix.matches('-').count() > 3 {
        ""
    } else {
        "-0"
    };
    let event_id = format!("{prefix}{n}-0000-000000000000");
    let Response::Located {
        index: Some(index), ..
    } = session.handle(Request::Locate(event_id.clone()))
    else {
        panic!("no event {event_id}")
    };
    let Response::Rows { rows, .. } = session.handle(Request::Rows {
        offset: index,
        len: 1,
    }) else {
        panic!("no rows")
    };
    session.vouch(rows[0].id)
}

#[test]
fn the_untouched_trail_is_valid_and_its_coverage_has_the_one_real_gap() {
    let mut session = load("trail");
    let report = session.integrity().clone();
    assert_eq!(report.digests.len(), 7, "6 hourly digests and a backfill");
    assert_only(&report, &[], &[]);
    assert_eq!(report.logs.len(), 7);
    let s = &report.summary;
    assert_eq!(
        (s.digests_valid, s.digests_invalid, s.digests_unverifiable),
        (7, 0, 0)
    );
    assert_eq!((s.logs_valid, s.logs_invalid, s.logs_not_loaded), (7, 0, 0));
    assert_eq!(s.logs_unvouched, 3, "the us-west-2 files have no digest");
    assert!(report.chain.is_empty(), "{:?}", report.chain);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    // The empty digest (hour 3) proves its hour empty; us-west-2 has no evidence at 2-3.
    let cov = &report.coverage;
    assert_eq!(cov.hours, 6);
    let cells: Vec<(&str, &str)> = cov
        .rows
        .iter()
        .map(|r| (r.region.as_str(), r.cells.as_str()))
        .collect();
    assert_eq!(cells, [("us-east-1", "fffeff"), ("us-west-2", "ff..f.")]);
    assert_eq!(cov.gaps.len(), 1);
    let gap = &cov.gaps[0];
    assert_eq!(
        (gap.region.as_str(), gap.from.as_str(), gap.to.as_str()),
        ("us-west-2", "2026-01-01T02:00:00Z", "2026-01-01T04:00:00Z")
    );
    // Events: vouched for by the digest that lists their file, or not.
    assert_eq!(
        vouch_of(&mut session, "us-east-1-0110"),
        Vouch::Vouched { digest: digest(1) }
    );
    assert_eq!(vouch_of(&mut session, "us-west-2-0107"), Vouch::NotVouched);
    // The backfill digest vouches for the late file.
    assert!(
        matches!(vouch_of(&mut session, "us-east-1-0250"), Vouch::Vouched { digest } if digest.ends_with("_backfill.json.gz"))
    );
}

#[test]
fn files_picked_one_by_one_validate_by_their_names() {
    let mut session = Session::default();
    for (path, bytes) in tree("trail") {
        let name = path.rsplit('/').next().unwrap().to_owned();
        session.add_file(&name, &bytes);
    }
    session.finish();
    let report = session.integrity().clone();
    assert_eq!(report.summary.digests_valid, 7, "{:#?}", report.digests);
    assert_eq!(report.summary.logs_valid, 7);
}

#[test]
fn key_and_head_object_files_are_recognised_not_reported_as_damage() {
    let mut session = Session::default();
    for (path, bytes) in tree("trail") {
        let report = session.add_file(&path, &bytes).clone();
        if path.ends_with(".head-object.json") {
            assert_eq!(report.format, Format::DigestHeadObject);
            assert!(report.issues.is_empty());
        } else if path.ends_with("public-keys-us-east-1.json") {
            assert_eq!(report.format, Format::DigestPublicKeys);
            assert!(report.issues.is_empty(), "{:?}", report.issues);
        }
    }
}

#[test]
fn an_edited_log_is_a_hash_mismatch_and_its_events_are_altered() {
    let mut session = load("edited-log");
    let report = session.integrity().clone();
    assert_only(
        &report,
        &[],
        &[(log("0110Z_BBBB"), LogStatus::HashMismatch)],
    );
    assert_eq!(report.summary.logs_invalid, 1);
    assert_eq!(
        vouch_of(&mut session, "us-east-1-0110"),
        Vouch::Altered { digest: digest(1) }
    );
}

#[test]
fn a_left_out_log_is_not_loaded_and_its_hour_is_marked() {
    let mut session = load("missing-log");
    let report = session.integrity().clone();
    assert_only(&report, &[], &[(log("0215Z_CCCC"), LogStatus::NotLoaded)]);
    assert_eq!(report.summary.logs_not_loaded, 1);
    assert_eq!(report.coverage.rows[0].cells, "ffmeff");
}

#[test]
fn an_appended_gzip_member_is_trailing_data_and_its_records_still_show() {
    let mut session = load("appended-member");
    let report = session.integrity().clone();
    assert_only(
        &report,
        &[],
        &[(log("0420Z_DDDD"), LogStatus::TrailingData)],
    );
    assert!(matches!(
        vouch_of(&mut session, "us-east-1-0459-9"),
        Vouch::Altered { .. }
    ));
}

#[test]
fn an_edited_digest_fails_its_signature_and_only_it() {
    let mut session = load("edited-digest");
    let report = session.integrity().clone();
    assert_only(&report, &[(digest(2), DigestStatus::SignatureInvalid)], &[]);
    // Its listing is not trusted: the file it dropped is simply not listed, and the
    // events of hour 2 are not vouched for.
    assert_eq!(log_status(&report, &log("0215Z_CCCC")), None);
    assert_eq!(vouch_of(&mut session, "us-east-1-0215"), Vouch::NotVouched);
}

#[test]
fn a_wrong_previous_hash_breaks_the_chain_there() {
    let mut session = load("broken-chain");
    let report = session.integrity().clone();
    assert_only(&report, &[(digest(3), DigestStatus::HashChainBroken)], &[]);
}

#[test]
fn a_digest_recorded_for_another_path_is_moved() {
    let mut session = load("moved-digest");
    let report = session.integrity().clone();
    assert_only(&report, &[(digest(1), DigestStatus::Moved)], &[]);
    let row = report.digests.iter().find(|d| d.file == digest(1)).unwrap();
    assert!(row.reason.contains("another-bucket"), "{}", row.reason);
}

#[test]
fn a_key_file_with_another_key_leaves_everything_unverifiable() {
    let mut session = load("wrong-key");
    let report = session.integrity().clone();
    let all: Vec<(String, DigestStatus)> = report
        .digests
        .iter()
        .map(|d| (d.file.clone(), DigestStatus::Unverifiable))
        .collect();
    assert_only(&report, &all, &[]);
    assert_eq!(report.summary.digests_unverifiable, 7);
    assert!(
        report.notes.iter().any(|n| n.contains("Fingerprint says")),
        "{:?}",
        report.notes
    );
    assert_eq!(vouch_of(&mut session, "us-east-1-0110"), Vouch::NotVouched);
}

#[test]
fn spki_keys_camel_case_and_iso_or_string_times_are_accepted() {
    let mut session = load("spki-key");
    let report = session.integrity().clone();
    assert_only(&report, &[], &[]);
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn the_newest_digest_without_its_head_object_is_unverifiable() {
    let mut session = load("no-head-object");
    let report = session.integrity().clone();
    assert_only(&report, &[(digest(5), DigestStatus::Unverifiable)], &[]);
    let row = report.digests.iter().find(|d| d.file == digest(5)).unwrap();
    assert!(row.reason.contains(".head-object.json"), "{}", row.reason);
}

#[test]
fn a_missing_digest_is_a_chain_gap_with_its_span() {
    let mut session = load("missing-digest");
    let report = session.integrity().clone();
    // Hour 1's signature was in hour 2's digest.
    assert_only(&report, &[(digest(1), DigestStatus::Unverifiable)], &[]);
    assert_eq!(report.chain.len(), 1, "{:?}", report.chain);
    assert_eq!(report.chain[0].kind, "gap");
    assert!(report.chain[0]
        .text
        .contains("no digest chain between 2026-01-01T02:00:00Z and 2026-01-01T03:00:00Z"));
}

#[test]
fn a_restarted_chain_is_valid_and_said() {
    let mut session = load("restarted-chain");
    let report = session.integrity().clone();
    assert_only(&report, &[], &[]);
    assert_eq!(report.chain.len(), 1, "{:?}", report.chain);
    assert!(report.chain[0]
        .text
        .contains("validation restarted at 2026-01-01T04:00:00Z"));
}

#[test]
fn the_same_trail_loaded_twice_is_counted_once_and_still_vouched() {
    let mut session = Session::default();
    for _ in 0..2 {
        for (path, bytes) in tree("trail") {
            session.add_file(&path, &bytes);
        }
        session.finish();
    }
    let report = session.integrity().clone();
    assert_eq!(report.summary.logs_valid, 7);
    assert_eq!(report.summary.logs_unvouched, 3);
    assert_eq!(
        vouch_of(&mut session, "us-east-1-0110"),
        Vouch::Vouched { digest: digest(1) }
    );
}

#[test]
fn keys_dropped_later_rerun_validation() {
    let mut session = Session::default();
    let (keys, rest): (Vec<_>, Vec<_>) = tree("trail")
        .into_iter()
        .partition(|(p, _)| p.ends_with("public-keys-us-east-1.json"));
    for (path, bytes) in &rest {
        session.add_file(path, bytes);
    }
    session.finish();
    assert_eq!(session.integrity().summary.digests_unverifiable, 7);
    for (path, bytes) in &keys {
        session.add_file(path, bytes);
    }
    session.finish();
    assert_eq!(session.integrity().summary.digests_valid, 7);
}

#[test]
fn a_log_streamed_in_slices_hashes_as_read_whole() {
    // Files over the page's slice size arrive as chunks: the hash is taken in the same pass.
    let mut session = Session::default();
    for (path, bytes) in tree("appended-member") {
        if path.contains("_CloudTrail_") {
            for (i, piece) in bytes.chunks(7).enumerate() {
                session.add_chunk(Chunk {
                    path: path.clone(),
                    offset: (i * 7) as u64,
                    bytes: piece.to_vec(),
                    last: (i + 1) * 7 >= bytes.len(),
                    read_error: None,
                });
            }
        } else {
            session.add_file(&path, &bytes);
        }
    }
    session.finish();
    let report = session.integrity().clone();
    assert_only(
        &report,
        &[],
        &[(log("0420Z_DDDD"), LogStatus::TrailingData)],
    );
}

#[test]
fn plain_and_gzip_logs_hash_the_same_uncompressed_bytes() {
    let gz = tree("trail")
        .into_iter()
        .find(|(p, _)| p.ends_with("_BBBB.json.gz"))
        .unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz.1[..]), &mut plain).unwrap();
    let limits = Limits::default();
    let read = |path: &str, bytes: &[u8]| {
        let mut s = trailglass::ingest::Streamer::new(path, &limits);
        s.push(bytes, &mut |_| {});
        s.finish(&mut |_| {}).content.unwrap()
    };
    let name = "111122223333_CloudTrail_us-east-1_20260101T0110Z_BBBB.json";
    assert_eq!(read(name, &plain), read(&format!("{name}.gz"), &gz.1));
    assert!(!read(name, &plain).trailing);
    // Other files are not hashed at all.
    let mut s = trailglass::ingest::Streamer::new("export.json", &limits);
    s.push(&plain, &mut |_| {});
    assert_eq!(s.finish(&mut |_| {}).content, None);
}

#[test]
fn bad_evidence_files_are_named_with_their_position() {
    let mut session = Session::default();
    let report = session
        .add_file(
            "x.json.gz.head-object.json",
            b"{\"Metadata\": {\"signature\": 5}}",
        )
        .clone();
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("x.json.gz.head-object.json: line 1, column")),
        "{:?}",
        report.notes
    );
    let report = session
        .add_file(
            "keys.json",
            br#"{"PublicKeyList":[{"Value":"not base64!"}]}"#,
        )
        .clone();
    assert_eq!(report.format, Format::DigestPublicKeys);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("keys.json: key 1: Value is not base64")),
        "{:?}",
        report.notes
    );
    assert!(session.integrity().notes.len() >= 2);
}

#[test]
fn each_event_carries_its_file_state_as_a_facet_and_a_query_field() {
    use trailglass::protocol::ViewFilter;
    use trailglass::timeline::{Facet, TimelineQuery};
    let mut session = load("edited-log");
    let ask = |session: &mut Session, query: &str| {
        session.timeline(
            ViewFilter::All,
            &TimelineQuery {
                query: query.to_owned(),
                time: None,
                descending: false,
                sort: None,
            },
        )
    };
    // The first answer does not wait for the signatures: the facet is pending and the
    // rows say nothing yet; validation is the page's next request.
    let first = ask(&mut session, "");
    assert_eq!(first.pending, [Facet::Integrity]);
    assert!(first.facets.iter().all(|f| f.facet != Facet::Integrity));
    assert!(session.rows(0, 20).iter().all(|r| r.vouch.is_none()));
    let validated = session.handle(trailglass::protocol::Request::Validate);
    assert!(
        matches!(validated, trailglass::protocol::Response::Validated { .. }),
        "{}",
        validated.name()
    );
    let all = ask(&mut session, "");
    assert!(all.pending.is_empty());
    assert_eq!(all.total, first.total);
    let rows = session.rows(0, 20);
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| r.vouch.is_some()), "{rows:?}");
    let facet = all
        .facets
        .iter()
        .find(|f| f.facet == Facet::Integrity)
        .unwrap();
    let counts: Vec<(&str, u32)> = facet
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.count))
        .collect();
    // 7 listed files of 2 events (one altered), 3 us-west-2 files of 2 events.
    assert_eq!(
        counts,
        [("vouched", 12), ("not-vouched", 6), ("altered", 2)]
    );
    assert_eq!(ask(&mut session, "integrity:altered").total, 2);
    assert_eq!(ask(&mut session, "-integrity:vouched").total, 8);

    // A query that names the field is answered validated, with no wait in between.
    let mut fresh = load("edited-log");
    let altered = ask(&mut fresh, "integrity:altered");
    assert_eq!((altered.total, altered.pending.len()), (2, 0));

    // Without any digest loaded, no event has a value (the facet stays empty).
    let mut plain = Session::default();
    for (path, bytes) in tree("trail") {
        if path.contains("/CloudTrail/") {
            plain.add_file(&path, &bytes);
        }
    }
    plain.finish();
    let all = ask(&mut plain, "");
    let facet = all
        .facets
        .iter()
        .find(|f| f.facet == Facet::Integrity)
        .unwrap();
    assert!(facet.values.is_empty(), "{:?}", facet.values);
}

#[test]
fn own_key_reading_and_verification_agree_with_the_rsa_crate() {
    use base64::Engine;
    use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;
    use rsa::{Pkcs1v15Sign, RsaPublicKey};
    use sha2::{Digest, Sha256};
    use trailglass::integrity::der::rsa_public_key;
    use trailglass::integrity::parse::{hex, read_digest, read_keys, unhex};
    let files = tree("trail");
    let get = |suffix: &str| &files.iter().find(|(p, _)| p.ends_with(suffix)).unwrap().1;
    let key_file = get("public-keys-us-east-1.json");
    let (keys, _) = read_keys("k", key_file).unwrap();
    let key = &keys[0];

    // The key's DER, as PKCS#1 (as AWS gives it) and as SPKI: both readers find the same
    // modulus, exponent and PKCS#1 bytes.
    let listed: serde_json::Value = serde_json::from_slice(key_file).unwrap();
    let value = listed["PublicKeyList"][0]["Value"].as_str().unwrap();
    let der = base64::engine::general_purpose::STANDARD
        .decode(value)
        .unwrap();
    let theirs = RsaPublicKey::from_pkcs1_der(&der)
        .or_else(|_| RsaPublicKey::from_public_key_der(&der))
        .unwrap();
    let spki = rsa::pkcs8::EncodePublicKey::to_public_key_der(&theirs).unwrap();
    let pkcs1 = theirs.to_pkcs1_der().unwrap();
    for form in [pkcs1.as_bytes(), spki.as_bytes()] {
        let ours = rsa_public_key(form).unwrap();
        assert_eq!(ours.modulus, theirs.n().to_bytes_be());
        assert_eq!(ours.exponent, theirs.e().to_bytes_be());
        assert_eq!(ours.pkcs1, pkcs1.as_bytes());
    }
    let d0 = read_digest("d0", get("20260101T000000Z.json.gz")).unwrap();
    let d1 = read_digest("d1", get("20260101T010000Z.json.gz")).unwrap();
    let signature = unhex(d1.json.previous_digest_signature.as_deref().unwrap()).unwrap();
    let j = &d0.json;
    let signed = format!(
        "{}\n{}/{}\n{}\nnull",
        j.digest_end_time,
        j.digest_s3_bucket,
        j.digest_s3_object,
        hex(&d0.sha256)
    );
    let verifier = &key.verifier;
    let crate_says = |message: &[u8], sig: &[u8]| {
        let hashed = Sha256::digest(message);
        theirs
            .verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, sig)
            .is_ok()
    };
    assert!(verifier.verify(signed.as_bytes(), &signature));
    assert!(crate_says(signed.as_bytes(), &signature));
    // Single-bit changes of the signature fail both ways.
    for i in (0..signature.len() * 8).step_by(97) {
        let mut bad = signature.clone();
        bad[i / 8] ^= 1 << (i % 8);
        assert!(!verifier.verify(signed.as_bytes(), &bad));
        assert!(!crate_says(signed.as_bytes(), &bad));
    }
    let other = signed.replacen("2026", "2027", 1);
    assert!(!verifier.verify(other.as_bytes(), &signature));
    assert!(!crate_says(other.as_bytes(), &signature));
    assert!(!verifier.verify(signed.as_bytes(), &signature[1..]));
    assert!(!verifier.verify(signed.as_bytes(), &[0xff; 256]));
}
