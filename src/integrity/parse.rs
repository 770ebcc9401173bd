//! The three kinds of evidence file, read: digests, public-key lists
//! (`aws cloudtrail list-public-keys`) and head-object outputs (`aws s3api head-object`).
//!
//! Every error names the file and, for JSON, the line and column.

use std::io::Read;

use base64::Engine;
use md5::Md5;
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::time::{parse_json_timestamp, EpochMillis};

/// Largest digest accepted, uncompressed (real ones list at most a few thousand files).
const MAX_DIGEST_BYTES: u64 = 64 << 20;

/// A digest file as CloudTrail writes it (the fields validation reads).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DigestJson {
    pub aws_account_id: String,
    pub digest_start_time: String,
    pub digest_end_time: String,
    pub digest_s3_bucket: String,
    pub digest_s3_object: String,
    #[serde(default)]
    pub digest_public_key_fingerprint: Option<String>,
    #[serde(default)]
    pub previous_digest_s3_bucket: Option<String>,
    #[serde(default)]
    pub previous_digest_s3_object: Option<String>,
    #[serde(default)]
    pub previous_digest_hash_value: Option<String>,
    #[serde(default)]
    pub previous_digest_signature: Option<String>,
    #[serde(default)]
    pub log_files: Vec<LogFileJson>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFileJson {
    pub s3_bucket: String,
    pub s3_object: String,
    pub hash_value: String,
}

/// A digest file read: what it says, and the SHA-256 of its uncompressed bytes.
#[derive(Clone, Debug)]
pub struct DigestFile {
    pub json: DigestJson,
    pub sha256: [u8; 32],
    pub start: EpochMillis,
    pub end: EpochMillis,
}

/// Reads a digest file (gzip or not). Its hash is of the first gzip member, as CloudTrail
/// computes it.
pub fn read_digest(path: &str, bytes: &[u8]) -> Result<DigestFile, String> {
    let mut text = Vec::new();
    if bytes.starts_with(&[0x1f, 0x8b]) {
        // GzDecoder reads the first member only: what CloudTrail hashed.
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_DIGEST_BYTES)
            .read_to_end(&mut text)
            .map_err(|e| format!("{path}: gzip: {e}"))?;
    } else {
        text.extend_from_slice(bytes);
    }
    let json: DigestJson = serde_json::from_slice(&text).map_err(|e| json_error(path, &e))?;
    let time = |field: &str, text: &str| {
        crate::time::parse_timestamp(text)
            .ok_or_else(|| format!("{path}: {field} is not a time: {text:?}"))
    };
    let start = time("digestStartTime", &json.digest_start_time)?;
    let end = time("digestEndTime", &json.digest_end_time)?;
    Ok(DigestFile {
        sha256: Sha256::digest(&text).into(),
        json,
        start,
        end,
    })
}

fn json_error(path: &str, e: &serde_json::Error) -> String {
    format!("{path}: line {}, column {}: {e}", e.line(), e.column())
}

/// One public key of a key file.
#[derive(Clone, Debug)]
pub struct PublicKey {
    /// Hex MD5 of the key's DER bytes as given: what digests name.
    pub fingerprint: String,
    /// Hex MD5 of its PKCS#1 DER, which AWS fingerprints: matches digests even when the
    /// key was given as SPKI.
    pub pkcs1_fingerprint: String,
    /// The key, ready to verify with.
    pub verifier: super::verify::Verifier,
    pub valid_from: Option<EpochMillis>,
    pub valid_to: Option<EpochMillis>,
}

impl PublicKey {
    /// True when a digest naming `fingerprint` was signed with this key's private half.
    pub fn matches(&self, fingerprint: &str) -> bool {
        self.fingerprint.eq_ignore_ascii_case(fingerprint)
            || self.pkcs1_fingerprint.eq_ignore_ascii_case(fingerprint)
    }
}

/// `list-public-keys` output (or its camel-cased form).
#[derive(Deserialize)]
struct KeyFileJson {
    #[serde(rename = "PublicKeyList", alias = "publicKeyList")]
    keys: Vec<KeyJson>,
}

#[derive(Deserialize)]
struct KeyJson {
    #[serde(rename = "Value", alias = "value")]
    value: String,
    #[serde(default, rename = "Fingerprint", alias = "fingerprint")]
    fingerprint: Option<String>,
    #[serde(default, rename = "ValidityStartTime", alias = "validityStartTime")]
    start: Option<serde_json::Value>,
    #[serde(default, rename = "ValidityEndTime", alias = "validityEndTime")]
    end: Option<serde_json::Value>,
}

/// True when `bytes` look like a key file (checked before reading it as one).
pub fn looks_like_key_file(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    has(b"\"PublicKeyList\"") || has(b"\"publicKeyList\"")
}

/// Reads a key file: its keys, and notes on keys that could not be used (each naming the
/// key by its place in the list).
pub fn read_keys(path: &str, bytes: &[u8]) -> Result<(Vec<PublicKey>, Vec<String>), String> {
    let file: KeyFileJson = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    let mut keys = Vec::new();
    let mut notes = Vec::new();
    for (i, k) in file.keys.into_iter().enumerate() {
        let n = i + 1;
        let clean: String = k.value.chars().filter(|c| !c.is_whitespace()).collect();
        let der = match base64::engine::general_purpose::STANDARD.decode(clean.as_bytes()) {
            Ok(der) => der,
            Err(e) => {
                notes.push(format!("{path}: key {n}: Value is not base64 ({e})"));
                continue;
            }
        };
        let Some(key) = super::der::rsa_public_key(&der) else {
            notes.push(format!(
                "{path}: key {n}: Value is neither a PKCS#1 nor an SPKI RSA public key"
            ));
            continue;
        };
        let Some(verifier) = super::verify::Verifier::new(key.modulus, key.exponent) else {
            notes.push(format!(
                "{path}: key {n}: an RSA key no AWS digest is signed with (an even modulus, over 8192 bits, or an exponent over 64 bits)"
            ));
            continue;
        };
        let fingerprint = hex(&Md5::digest(&der));
        let pkcs1_fingerprint = hex(&Md5::digest(key.pkcs1));
        if let Some(claimed) = &k.fingerprint {
            if !claimed.eq_ignore_ascii_case(&fingerprint)
                && !claimed.eq_ignore_ascii_case(&pkcs1_fingerprint)
            {
                notes.push(format!(
                    "{path}: key {n}: Fingerprint says {claimed} but the key's MD5 is {fingerprint}; the key is used under its MD5"
                ));
            }
        }
        let time = |v: &Option<serde_json::Value>, field: &str, notes: &mut Vec<String>| {
            let v = v.as_ref()?;
            let t = parse_json_timestamp(v);
            if t.is_none() {
                notes.push(format!("{path}: key {n}: {field} is not a time: {v}"));
            }
            t
        };
        let valid_from = time(&k.start, "ValidityStartTime", &mut notes);
        let valid_to = time(&k.end, "ValidityEndTime", &mut notes);
        keys.push(PublicKey {
            verifier,
            fingerprint,
            pkcs1_fingerprint,
            valid_from,
            valid_to,
        });
    }
    Ok((keys, notes))
}

/// The suffix that names a head-object file after the digest it describes.
pub const HEAD_OBJECT_SUFFIX: &str = ".head-object.json";

#[derive(Deserialize)]
struct HeadJson {
    #[serde(rename = "Metadata", alias = "metadata")]
    metadata: std::collections::BTreeMap<String, String>,
}

/// Reads `aws s3api head-object` output: the digest's signature (`Metadata.signature`).
pub fn read_head_object(path: &str, bytes: &[u8]) -> Result<String, String> {
    let head: HeadJson = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    head.metadata
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("signature"))
        .map(|(_, v)| v.trim().to_owned())
        .ok_or_else(|| format!("{path}: Metadata has no signature"))
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Hex (either case) to bytes; `None` if it is not hex.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().as_bytes();
    if text.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16);
    text.chunks(2)
        .map(|p| Some((digit(p[0])? * 16 + digit(p[1])?) as u8))
        .collect()
}

/// The part of an S3 key or a dropped path from `AWSLogs/` on (what is the same wherever
/// the bucket was downloaded to); the path itself when it has no `AWSLogs/`.
pub fn from_awslogs(path: &str) -> &str {
    let path = path.trim_start_matches('/');
    match path.find("AWSLogs/") {
        Some(i) if i == 0 || path.as_bytes()[i - 1] == b'/' => &path[i..],
        _ => path,
    }
}

/// The last path segment.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// What a CloudTrail object's name says: `ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_…`
/// (logs) or `ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOME_YYYYMMDDTHHMMSSZ…` (digests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectName {
    pub account: String,
    pub region: String,
    pub time: EpochMillis,
}

/// Reads a log object's name.
pub fn log_name(path: &str) -> Option<ObjectName> {
    let name = file_name(path);
    let mut parts = name.split('_');
    let account = parts.next()?;
    if !matches!(parts.next()?, "CloudTrail" | "CloudTrail-Insight") {
        return None;
    }
    let region = parts.next()?;
    let stamp = parts.next()?;
    Some(ObjectName {
        account: account.to_owned(),
        region: region.to_owned(),
        time: compact_time(stamp)?,
    })
}

/// `20260101T0105Z` or `20260101T010531Z`.
fn compact_time(stamp: &str) -> Option<EpochMillis> {
    let s = stamp.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    if date.len() != 8 || !(time.len() == 4 || time.len() == 6) {
        return None;
    }
    let secs = if time.len() == 6 { &time[4..6] } else { "00" };
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &date[..4],
        &date[4..6],
        &date[6..8],
        &time[..2],
        &time[2..4],
        secs
    );
    crate::time::parse_timestamp(&iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        let n = log_name("x/AWSLogs/o-1/111122223333/CloudTrail/us-east-1/2026/01/01/111122223333_CloudTrail_us-east-1_20260101T0105Z_abc.json.gz");
        assert_eq!(
            n,
            Some(ObjectName {
                account: "111122223333".into(),
                region: "us-east-1".into(),
                time: crate::time::parse_timestamp("2026-01-01T01:05:00Z").unwrap_or(0),
            })
        );
        assert_eq!(
            log_name("111_CloudTrail-Digest_us-east-1_t_us-east-1_20260101T010000Z.json.gz"),
            None
        );
        assert_eq!(from_awslogs("dl/bucket/AWSLogs/1/a"), "AWSLogs/1/a");
        assert_eq!(from_awslogs("xAWSLogs/1"), "xAWSLogs/1");
        assert_eq!(unhex("0aFf"), Some(vec![10, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(hex(&[10, 255]), "0aff");
    }
}
