//! Bytes → text: gzip (with a size cap), byte-order marks, UTF-8 / UTF-16.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::MultiGzDecoder;

use super::{ErrorKind, Limits, Position, Sink};

pub(super) struct Decoded<'a> {
    /// `None` when the bytes can't be read as text at all.
    pub text: Option<Cow<'a, str>>,
    pub compressed: bool,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(super) fn decode<'a>(
    path: &str,
    bytes: &'a [u8],
    limits: &Limits,
    sink: &mut Sink,
) -> Decoded<'a> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let plain = gunzip(bytes, limits, sink);
        return Decoded {
            text: Some(Cow::Owned(to_text(&plain, sink).into_owned())),
            compressed: true,
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
            };
        }
    }
    Decoded {
        text: Some(to_text(bytes, sink)),
        compressed: false,
    }
}

fn gunzip(bytes: &[u8], limits: &Limits, sink: &mut Sink) -> Vec<u8> {
    let cap = limits.max_decompressed_bytes;
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8).min(cap as usize));
    // Read one byte past the cap so "exactly at the cap" and "over it" differ.
    let result = MultiGzDecoder::new(bytes)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out);
    let offset = out.len() as u64;
    match result {
        Ok(_) if offset > cap => {
            out.truncate(cap as usize);
            sink.issue(
                Position::Decompressed { offset: cap },
                ErrorKind::TooLarge { cap },
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            sink.issue(Position::Decompressed { offset }, ErrorKind::GzipTruncated);
        }
        Err(e) => {
            sink.issue(
                Position::Decompressed { offset },
                ErrorKind::GzipCorrupt {
                    detail: e.to_string(),
                },
            );
        }
    }
    out
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
fn looks_textual(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .take(1024)
        .all(|&b| b >= 0x20 || matches!(b, b'\n' | b'\r' | b'\t'))
}
