//! Bytes → text: gzip (with a size cap), byte-order marks, UTF-8 / UTF-16.

use std::borrow::Cow;

use super::gzip::{GzError, GzStream};
use super::{Content, ErrorKind, Limits, Position, Sink};
use sha2::{Digest, Sha256};

pub(super) struct Decoded<'a> {
    /// `None` when the bytes can't be read as text at all.
    pub text: Option<Cow<'a, str>>,
    pub compressed: bool,
    /// The content's hash, for files named as log objects ([`super::is_log_object`]).
    pub content: Option<Content>,
}

pub(super) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(super) fn decode<'a>(
    path: &str,
    bytes: &'a [u8],
    limits: &Limits,
    sink: &mut Sink,
) -> Decoded<'a> {
    let hashing = super::is_log_object(path);
    if bytes.starts_with(&GZIP_MAGIC) {
        let (plain, content) = gunzip(bytes, limits, sink, hashing);
        return Decoded {
            text: Some(Cow::Owned(to_text(&plain, sink).into_owned())),
            compressed: true,
            content,
        };
    }
    if path.to_ascii_lowercase().ends_with(".gz") {
        if looks_textual(bytes) {
            sink.note("named .gz but not gzip-compressed: read as plain text");
        } else {
            let first_bytes = bytes
                .iter()
                .take(4)
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(" ");
            sink.issue(Position::File, ErrorKind::NotGzip { first_bytes });
            return Decoded {
                text: None,
                compressed: false,
                content: None,
            };
        }
    }
    Decoded {
        text: Some(to_text(bytes, sink)),
        compressed: false,
        content: hashing.then(|| Content {
            sha256: Sha256::digest(bytes).into(),
            trailing: false,
        }),
    }
}

/// The decompressed bytes (up to the cap), and with `hashing` their [`Content`] (none
/// when cut at the cap: the hash would be of part of the file).
fn gunzip(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut Sink,
    hashing: bool,
) -> (Vec<u8>, Option<Content>) {
    let cap = limits.max_decompressed_bytes;
    // Decode one byte past the cap so "exactly at the cap" and "over it" differ.
    let limit = usize::try_from(cap.saturating_add(1)).unwrap_or(usize::MAX);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8).min(limit));
    let mut gz = if hashing {
        GzStream::hashing()
    } else {
        GzStream::new()
    };
    let mut rest = bytes;
    while !rest.is_empty() && out.len() < limit {
        let used = gz.push(rest, &mut out, limit);
        if used == 0 {
            break; // no progress (never seen): the stream counts as cut off here
        }
        rest = &rest[used..];
    }
    if out.len() as u64 > cap {
        out.truncate(cap as usize);
        sink.issue(
            Position::Decompressed { offset: cap },
            ErrorKind::TooLarge { cap },
        );
        return (out, None);
    }
    if let Err(e) = gz.finish() {
        sink.issue(
            Position::Decompressed {
                offset: out.len() as u64,
            },
            gzip_error(e),
        );
    }
    let content = gz
        .content()
        .map(|(sha256, trailing)| Content { sha256, trailing });
    (out, content)
}

/// The ledger's words for a gzip stream that stopped early.
pub(super) fn gzip_error(e: GzError) -> ErrorKind {
    match e {
        GzError::Truncated => ErrorKind::GzipTruncated,
        GzError::Corrupt(detail) => ErrorKind::GzipCorrupt {
            detail: detail.to_owned(),
        },
    }
}

/// Text with any byte-order mark removed; UTF-16 (Excel's "Unicode text") is converted.
fn to_text<'a>(bytes: &'a [u8], sink: &mut Sink) -> Cow<'a, str> {
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return utf8(rest, sink);
    }
    let utf16 = |rest: &[u8], from: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| from([c[0], c[1]])).collect();
        Cow::Owned(String::from_utf16_lossy(&units))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        return utf16(rest, u16::from_be_bytes);
    }
    utf8(bytes, sink)
}

fn utf8<'a>(bytes: &'a [u8], sink: &mut Sink) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(e) => {
            sink.issue(
                Position::Decompressed {
                    offset: e.valid_up_to() as u64,
                },
                ErrorKind::InvalidUtf8,
            );
            String::from_utf8_lossy(bytes)
        }
    }
}

/// Plain text (JSON or CSV) rather than binary: no NULs or control bytes in the first KiB.
pub(super) fn looks_textual(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .take(1024)
        .all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'))
}
