//! Offline CloudTrail log file validation: what `aws cloudtrail validate-logs` checks,
//! from downloaded files alone, and what the loaded logs do and do not cover.
//!
//! Entry points: [`Evidence`] (collects digests, public keys, head-object signatures and
//! the loaded log files' hashes as files arrive, in any order) and [`Evidence::validate`]
//! (the [`Report`] and each file's [`Vouch`]; rerun whenever evidence arrives).
//!
//! The checks (AWS, "CloudTrail digest file structure" and "Custom implementations of
//! CloudTrail log file integrity validation"):
//! - A digest is signed (RSASSA-PKCS1-v1_5, SHA-256) over
//!   `digestEndTime \n bucket/object \n hex(SHA-256(digest)) \n previousDigestSignature`
//!   (`null` for a chain's first). Its own signature is S3 metadata a download loses, but
//!   the next digest repeats it as `previousDigestSignature`; the newest needs the saved
//!   `aws s3api head-object` output.
//! - The key is the one whose MD5 of DER is `digestPublicKeyFingerprint`.
//! - `previousDigestHashValue` is the SHA-256 of the previous digest's bytes; each
//!   `logFiles[].hashValue` the SHA-256 of a log's uncompressed bytes (first gzip member:
//!   anything after it is trailing data, records no hash covers).

mod coverage;
pub mod der;
pub mod parse;
pub mod verify;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::ingest::{Content, FileReport};
use crate::store::FileId;
pub use crate::store::Vouch;
use crate::time::format_iso;
pub use coverage::{Coverage, CoverageRow, Gap};
use parse::{file_name, from_awslogs, hex, unhex, DigestFile, PublicKey};

/// A digest's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DigestStatus {
    Valid,
    SignatureInvalid,
    /// Its signature holds, but `previousDigestHashValue` is not the hash of the loaded
    /// previous digest (itself authentic or unverifiable).
    HashChainBroken,
    /// No key for its fingerprint, or no signature (the newest, without head-object).
    Unverifiable,
    /// Its recorded bucket/key is not where it was found.
    Moved,
}

impl DigestStatus {
    /// The page's `data-status`.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestStatus::Valid => "valid",
            DigestStatus::SignatureInvalid => "signature-invalid",
            DigestStatus::HashChainBroken => "hash-chain-broken",
            DigestStatus::Unverifiable => "unverifiable",
            DigestStatus::Moved => "moved",
        }
    }
}

/// A listed log file's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogStatus {
    Valid,
    HashMismatch,
    /// The first gzip member matches, and more follows it.
    TrailingData,
    NotLoaded,
}

impl LogStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LogStatus::Valid => "valid",
            LogStatus::HashMismatch => "hash-mismatch",
            LogStatus::TrailingData => "trailing-data",
            LogStatus::NotLoaded => "not-loaded",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub digests_valid: u32,
    /// Signature invalid, chain broken or moved.
    pub digests_invalid: u32,
    pub digests_unverifiable: u32,
    pub logs_valid: u32,
    /// Hash mismatch or trailing data.
    pub logs_invalid: u32,
    pub logs_not_loaded: u32,
    /// Loaded files with events that no valid loaded digest vouches for.
    pub logs_unvouched: u32,
    pub keys: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DigestRow {
    /// Where it was found, from `AWSLogs/`.
    pub file: String,
    pub status: DigestStatus,
    pub account: String,
    pub region: String,
    pub start: String,
    pub end: String,
    pub logs: u32,
    /// Why, in words.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogRow {
    /// The listed object, from `AWSLogs/`.
    pub file: String,
    /// The digest that lists it.
    pub digest: String,
    pub status: LogStatus,
}

/// A break in a digest chain, in words ("no digest chain between … and …").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainNote {
    pub account: String,
    pub region: String,
    /// `gap` or `restart`.
    pub kind: String,
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub summary: Summary,
    pub digests: Vec<DigestRow>,
    pub logs: Vec<LogRow>,
    pub chain: Vec<ChainNote>,
    pub coverage: Coverage,
    /// Evidence files that could not be read or used, each naming the file.
    pub notes: Vec<String>,
}

/// A loaded file with events, as validation sees it.
#[derive(Clone, Debug)]
struct Loaded {
    file: FileId,
    name: String,
    content: Option<Content>,
}

/// Everything loaded that validation reads, gathered as files arrive.
#[derive(Default)]
pub struct Evidence {
    /// Digests by where they were found (from `AWSLogs/`); a repeat replaces nothing.
    digests: BTreeMap<String, DigestFile>,
    keys: Vec<PublicKey>,
    /// Head-object signatures by digest file name.
    heads: HashMap<String, String>,
    loaded: Vec<Loaded>,
    notes: Vec<String>,
    /// Signature checks already done, by (digest hash, signature, key fingerprint):
    /// validation reruns whenever files arrive, and each RSA check is done once.
    verified: std::cell::RefCell<HashMap<CheckKey, bool>>,
}

/// (digest hash, signature hex, key fingerprint).
type CheckKey = ([u8; 32], String, String);

/// What became of a file offered to [`Evidence::offer`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taken {
    Digest,
    Keys,
    HeadObject,
    /// Not evidence (or unreadable as such: the error is in the report's notes).
    No,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty() && self.keys.is_empty() && self.heads.is_empty()
    }

    /// Takes what a whole file holds for validation: a digest (the ingester's
    /// `CloudTrailDigest`), a key file, or a head-object file (`NAME.head-object.json`).
    /// Problems go to the report's notes and to the validation report.
    pub fn offer(&mut self, path: &str, bytes: &[u8], report: &mut FileReport) -> Taken {
        let mut fail = |this: &mut Self, e: String| {
            report.notes.push(format!("not usable for validation: {e}"));
            this.notes.push(e);
            Taken::No
        };
        if report.format == crate::ingest::Format::CloudTrailDigest {
            return match parse::read_digest(path, bytes) {
                Ok(d) => {
                    self.digests.insert(from_awslogs(path).to_owned(), d);
                    Taken::Digest
                }
                Err(e) => fail(self, e),
            };
        }
        if path
            .to_ascii_lowercase()
            .ends_with(parse::HEAD_OBJECT_SUFFIX)
        {
            return match parse::read_head_object(path, bytes) {
                Ok(sig) => {
                    let name = file_name(path);
                    let digest = &name[..name.len() - parse::HEAD_OBJECT_SUFFIX.len()];
                    self.heads.insert(digest.to_owned(), sig);
                    Taken::HeadObject
                }
                Err(e) => fail(self, e),
            };
        }
        if parse::looks_like_key_file(bytes) {
            return match parse::read_keys(path, bytes) {
                Ok((keys, notes)) => {
                    report.notes.extend(notes.iter().cloned());
                    self.notes.extend(notes);
                    for key in keys {
                        if !self.keys.iter().any(|k| k.fingerprint == key.fingerprint) {
                            self.keys.push(key);
                        }
                    }
                    Taken::Keys
                }
                Err(e) => fail(self, e),
            };
        }
        Taken::No
    }

    /// Notes a loaded file that holds events (its hash, if it was hashed).
    pub fn loaded(&mut self, file: FileId, report: &FileReport) {
        if report.records > 0 {
            self.loaded.push(Loaded {
                file,
                name: file_name(&report.path).to_owned(),
                content: report.content,
            });
        }
    }

    /// Validates everything loaded: the report, and each file's [`Vouch`] by [`FileId`]
    /// (`files` long).
    pub fn validate(&self, files: usize) -> (Report, Vec<Vouch>) {
        let Chain {
            digests,
            previous,
            next,
        } = self.chain();

        // Pass 1: place and signature.
        let mut rows: Vec<DigestRow> = digests
            .iter()
            .enumerate()
            .map(|(i, (found, d))| {
                let (status, reason) = match self.prepare(&digests, &next, i) {
                    Ok(check) => self.verdict(&check),
                    Err(verdict) => verdict,
                };
                DigestRow {
                    file: (*found).clone(),
                    status,
                    account: d.json.aws_account_id.clone(),
                    region: digest_region(found),
                    start: format_iso(d.start),
                    end: format_iso(d.end),
                    logs: d.json.log_files.len() as u32,
                    reason,
                }
            })
            .collect();
        // Pass 2: the chain, for digests whose own signature holds.
        for (i, (_, d)) in digests.iter().enumerate() {
            let (Some(p), Some(claimed)) = (previous[i], &d.json.previous_digest_hash_value) else {
                continue;
            };
            let actual = hex(&digests[p].1.sha256);
            if rows[i].status == DigestStatus::Valid
                && rows[p].status != DigestStatus::SignatureInvalid
                && !claimed.trim().eq_ignore_ascii_case(&actual)
            {
                rows[i].status = DigestStatus::HashChainBroken;
                rows[i].reason = format!(
                    "previousDigestHashValue {claimed} is not the hash of {} ({actual})",
                    digests[p].0
                );
            }
        }

        // Listed log files, one row each (the first digest to list one names it).
        // A file loaded twice (the same folder again) is one name with two FileIds.
        let mut by_name: HashMap<&str, Vec<&Loaded>> = HashMap::new();
        for l in &self.loaded {
            by_name.entry(l.name.as_str()).or_default().push(l);
        }
        let mut vouch = vec![Vouch::NotVouched; files];
        let mut logs = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, (found, d)) in digests.iter().enumerate() {
            for lf in &d.json.log_files {
                let name = file_name(&lf.s3_object);
                let loaded = by_name.get(name).map_or(&[][..], Vec::as_slice);
                let status = match loaded.first() {
                    None => LogStatus::NotLoaded,
                    Some(l) => match (l.content, unhex(&lf.hash_value)) {
                        (Some(c), Some(h)) if h == c.sha256 && c.trailing => {
                            LogStatus::TrailingData
                        }
                        (Some(c), Some(h)) if h == c.sha256 => LogStatus::Valid,
                        _ => LogStatus::HashMismatch,
                    },
                };
                for l in loaded {
                    let Some(slot) = vouch.get_mut(l.file.0 as usize) else {
                        continue;
                    };
                    let digest = (*found).clone();
                    match status {
                        LogStatus::HashMismatch | LogStatus::TrailingData
                            if rows[i].status != DigestStatus::SignatureInvalid =>
                        {
                            *slot = Vouch::Altered { digest }
                        }
                        LogStatus::Valid
                            if rows[i].status == DigestStatus::Valid
                                && *slot == Vouch::NotVouched =>
                        {
                            *slot = Vouch::Vouched { digest }
                        }
                        _ => {}
                    }
                }
                if seen.insert(name) {
                    logs.push(LogRow {
                        file: from_awslogs(&lf.s3_object).to_owned(),
                        digest: (*found).clone(),
                        status,
                    });
                }
            }
        }

        let mut summary = Summary {
            keys: self.keys.len() as u32,
            ..Summary::default()
        };
        for r in &rows {
            match r.status {
                DigestStatus::Valid => summary.digests_valid += 1,
                DigestStatus::Unverifiable => summary.digests_unverifiable += 1,
                _ => summary.digests_invalid += 1,
            }
        }
        for l in &logs {
            match l.status {
                LogStatus::Valid => summary.logs_valid += 1,
                LogStatus::NotLoaded => summary.logs_not_loaded += 1,
                _ => summary.logs_invalid += 1,
            }
        }
        summary.logs_unvouched = by_name
            .values()
            .filter(|l| vouch.get(l[0].file.0 as usize) == Some(&Vouch::NotVouched))
            .count() as u32;

        let report = Report {
            summary,
            chain: chain_notes(&digests, &previous),
            coverage: coverage::build(&digests, &self.loaded_names(), &logs),
            digests: rows,
            logs,
            notes: self.notes.clone(),
        };
        (report, vouch)
    }

    fn loaded_names(&self) -> Vec<&str> {
        self.loaded.iter().map(|l| l.name.as_str()).collect()
    }

    /// The digests in validation order, and each one's previous and next loaded digest.
    fn chain(&self) -> Chain<'_> {
        let digests: Vec<(&String, &DigestFile)> = self.digests.iter().collect();
        let by_object: HashMap<&str, usize> = digests
            .iter()
            .enumerate()
            .map(|(i, (_, d))| (from_awslogs(&d.json.digest_s3_object), i))
            .collect();
        let previous: Vec<Option<usize>> = digests
            .iter()
            .map(|(_, d)| {
                let object = d.json.previous_digest_s3_object.as_deref()?;
                by_object.get(from_awslogs(object)).copied()
            })
            .collect();
        let mut next: Vec<Option<usize>> = vec![None; digests.len()];
        for (i, p) in previous.iter().enumerate() {
            if let Some(p) = *p {
                next[p] = Some(i);
            }
        }
        Chain {
            digests,
            previous,
            next,
        }
    }

    /// The signature checks [`Evidence::validate`] will make that were not made before:
    /// the costly part of validation (an RSA verification each), to make a few at a time
    /// with [`Evidence::verify`] before validating.
    pub fn unverified(&self) -> Vec<Check> {
        let Chain { digests, next, .. } = self.chain();
        (0..digests.len())
            .filter_map(|i| self.prepare(&digests, &next, i).ok())
            .filter(|c| !self.verified.borrow().contains_key(&c.key))
            .collect()
    }

    /// Makes a signature check (once: the answer is kept for validation).
    pub fn verify(&self, check: &Check) -> bool {
        let cached = self.verified.borrow().get(&check.key).copied();
        cached.unwrap_or_else(|| {
            let key = self.keys.iter().find(|k| k.fingerprint == check.key.2);
            let ok =
                key.is_some_and(|k| k.verifier.verify(check.signed.as_bytes(), &check.signature));
            self.verified.borrow_mut().insert(check.key.clone(), ok);
            ok
        })
    }

    /// A digest's status and why, once its signature check is made.
    fn verdict(&self, check: &Check) -> (DigestStatus, String) {
        let fingerprint = &check.key.2;
        match self.verify(check) {
            true => (DigestStatus::Valid, format!("signed by key {fingerprint}")),
            false => (
                DigestStatus::SignatureInvalid,
                format!("the signature does not match its content (key {fingerprint})"),
            ),
        }
    }

    /// Digest `i`'s place and signature: the check its signature needs, or (when its place
    /// or a missing signature or key already decides it) its status and why.
    fn prepare(
        &self,
        digests: &[(&String, &DigestFile)],
        next: &[Option<usize>],
        i: usize,
    ) -> Result<Check, (DigestStatus, String)> {
        let (found, d) = digests[i];
        let has_next = next[i].is_some();
        let signature = match next[i] {
            Some(n) => digests[n].1.json.previous_digest_signature.as_deref(),
            None => self.heads.get(file_name(found)).map(String::as_str),
        };
        let j = &d.json;
        let recorded = from_awslogs(&j.digest_s3_object);
        // Files picked one by one arrive with bare names: then only the name can differ.
        let moved = if found.starts_with("AWSLogs/") {
            recorded != found
        } else {
            file_name(recorded) != file_name(found)
        };
        if moved {
            return Err((
                DigestStatus::Moved,
                format!(
                    "recorded as s3://{}/{}, found at {found}",
                    j.digest_s3_bucket, j.digest_s3_object
                ),
            ));
        }
        let Some(signature) = signature else {
            let why = if has_next {
                "the next digest carries no previousDigestSignature".to_owned()
            } else {
                format!(
                    "newest digest loaded: its signature is in S3 metadata only; add {}{}",
                    file_name(found),
                    parse::HEAD_OBJECT_SUFFIX
                )
            };
            return Err((DigestStatus::Unverifiable, why));
        };
        let fingerprint = j.digest_public_key_fingerprint.as_deref().unwrap_or("");
        let Some(key) = self.keys.iter().find(|k| k.matches(fingerprint)) else {
            return Err((
                DigestStatus::Unverifiable,
                format!("no public key with fingerprint {fingerprint} is loaded (aws cloudtrail list-public-keys)"),
            ));
        };
        let Some(signature) = unhex(signature) else {
            return Err((
                DigestStatus::SignatureInvalid,
                "its signature is not hex".to_owned(),
            ));
        };
        let signed = format!(
            "{}\n{}/{}\n{}\n{}",
            j.digest_end_time,
            j.digest_s3_bucket,
            j.digest_s3_object,
            hex(&d.sha256),
            j.previous_digest_signature.as_deref().unwrap_or("null")
        );
        Ok(Check {
            key: (d.sha256, hex(&signature), key.fingerprint.clone()),
            signed,
            signature,
        })
    }
}

/// The loaded digests, linked: see [`Evidence::chain`].
struct Chain<'e> {
    digests: Vec<(&'e String, &'e DigestFile)>,
    previous: Vec<Option<usize>>,
    next: Vec<Option<usize>>,
}

/// One digest's signature check: what is signed, the signature, and the key's fingerprint
/// (in `key`, the check's identity).
pub struct Check {
    key: CheckKey,
    signed: String,
    signature: Vec<u8>,
}

/// The region in a digest's name (`ACCOUNT_CloudTrail-Digest_REGION_…`).
fn digest_region(path: &str) -> String {
    file_name(path).split('_').nth(2).unwrap_or("").to_owned()
}

/// A digest's delivery stream: account, region and trail (backfills are outside it).
fn stream_of(path: &str) -> Option<(String, String, String)> {
    let name = file_name(path);
    if name.contains("_backfill") {
        return None;
    }
    let parts: Vec<&str> = name.split('_').collect();
    if parts.len() < 6 || parts[1] != "CloudTrail-Digest" {
        return None;
    }
    let trail = parts[3..parts.len() - 2].join("_");
    Some((parts[0].to_owned(), parts[2].to_owned(), trail))
}

/// Gaps and restarts in each stream's chain, oldest first.
fn chain_notes(digests: &[(&String, &DigestFile)], previous: &[Option<usize>]) -> Vec<ChainNote> {
    let mut streams: BTreeMap<(String, String, String), Vec<usize>> = BTreeMap::new();
    for (i, (found, _)) in digests.iter().enumerate() {
        if let Some(key) = stream_of(found) {
            streams.entry(key).or_default().push(i);
        }
    }
    let mut notes = Vec::new();
    for ((account, region, trail), mut members) in streams {
        members.sort_by_key(|&i| digests[i].1.start);
        for w in members.windows(2) {
            let (before, d) = (digests[w[0]].1, digests[w[1]].1);
            let note = |kind: &str, text: String| ChainNote {
                account: account.clone(),
                region: region.clone(),
                kind: kind.to_owned(),
                text,
            };
            if d.json.previous_digest_s3_object.is_none() {
                notes.push(note(
                    "restart",
                    format!(
                        "trail {trail}: validation restarted at {} (a digest with no previous digest)",
                        format_iso(d.start)
                    ),
                ));
            } else if previous[w[1]].is_none() {
                notes.push(note(
                    "gap",
                    format!(
                        "trail {trail}: no digest chain between {} and {} (the previous digest is not loaded)",
                        format_iso(before.end),
                        format_iso(d.start)
                    ),
                ));
            }
        }
    }
    notes
}
