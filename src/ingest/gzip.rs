//! Gzip pushed a slice at a time: members one after another (RFC 1952), header checks,
//! and each member's CRC-32 and length checked against its trailer.
//!
//! The whole-file path and the streamed path both decode with this, and the bytes out and
//! the error are the same however the input is cut: each inflate call is given exactly the
//! room left in inflate's 32 KiB window, so everything decoded before a corrupt spot is
//! handed out (flate2's readers drop the part of the window decoded in the failing call,
//! an amount that depends on buffer sizes).

use flate2::{Crc, Decompress, FlushDecompress, Status};
use sha2::{Digest, Sha256};

/// Why a gzip stream stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum GzError {
    /// The input ends inside a member (header, data or trailer).
    Truncated,
    /// The data is damaged; the text says how (flate2's wording).
    Corrupt(&'static str),
}

/// inflate's window: output per call never passes its end.
const WINDOW: u64 = 32 * 1024;
/// Longest file name or comment in a header (flate2's limit).
const MAX_HEADER_FIELD: usize = 65_535;

const FHCRC: u8 = 1 << 1;
const FEXTRA: u8 = 1 << 2;
const FNAME: u8 = 1 << 3;
const FCOMMENT: u8 = 1 << 4;
const FRESERVED: u8 = 0xe0;

enum State {
    /// Collecting a member's header (the bytes so far).
    Header(Vec<u8>),
    Body,
    /// Collecting the 8-byte trailer.
    Trailer(Vec<u8>),
    /// A member ended cleanly: more input starts another one.
    Between,
    Failed(GzError),
}

pub(super) struct GzStream {
    state: State,
    inflate: Decompress,
    crc: Crc,
    /// Bytes the current member has decoded (where inflate's window is).
    member_out: u64,
    window: Box<[u8]>,
    /// SHA-256 of the first member's output, while it is being decoded (see [`hashing`]).
    ///
    /// [`hashing`]: GzStream::hashing
    hash: Option<Box<Sha256>>,
    /// The first member's SHA-256, once it has ended.
    first: Option<[u8; 32]>,
    /// Bytes came after the first member.
    trailing: bool,
}

impl GzStream {
    pub fn new() -> Self {
        GzStream {
            state: State::Header(Vec::new()),
            inflate: Decompress::new(false),
            crc: Crc::new(),
            member_out: 0,
            window: vec![0; WINDOW as usize].into_boxed_slice(),
            hash: None,
            first: None,
            trailing: false,
        }
    }

    /// Also hashes the first member's output as it is decoded: a digest's `hashValue`
    /// covers exactly that, and anything after it is what `validate-logs` calls trailing.
    pub fn hashing() -> Self {
        GzStream {
            hash: Some(Box::default()),
            ..GzStream::new()
        }
    }

    /// The first member's SHA-256 (of what it decoded so far, if it never ended) and
    /// whether bytes followed it; `None` unless made with [`GzStream::hashing`].
    pub fn content(&self) -> Option<([u8; 32], bool)> {
        let sha = match (&self.first, &self.hash) {
            (Some(first), _) => *first,
            (None, Some(hash)) => hash.as_ref().clone().finalize().into(),
            (None, None) => return None,
        };
        Some((sha, self.trailing))
    }

    /// Decodes from `input` into `out` until the input is used up or `out` holds at least
    /// `limit` bytes; returns how much input was used. After an error everything is
    /// "used" and nothing more comes out.
    pub fn push(&mut self, mut input: &[u8], out: &mut Vec<u8>, limit: usize) -> usize {
        let total = input.len();
        loop {
            match &mut self.state {
                State::Failed(_) => return total,
                State::Between => {
                    if input.is_empty() {
                        break;
                    }
                    self.trailing = true;
                    self.inflate.reset(false);
                    self.crc.reset();
                    self.member_out = 0;
                    self.state = State::Header(Vec::new());
                }
                State::Header(head) => {
                    if input.is_empty() {
                        break;
                    }
                    // Headers are a few bytes: collect them, re-parse until whole.
                    let had = head.len();
                    let take = input.len().min(1024);
                    head.extend_from_slice(&input[..take]);
                    match parse_header(head) {
                        Ok(None) => input = &input[take..],
                        Ok(Some(len)) => {
                            input = &input[len - had..];
                            self.state = State::Body;
                        }
                        Err(e) => self.state = State::Failed(e),
                    }
                }
                State::Body => {
                    if out.len() >= limit {
                        break;
                    }
                    let room = (WINDOW - self.member_out % WINDOW) as usize;
                    let (in0, out0) = (self.inflate.total_in(), self.inflate.total_out());
                    let result = self.inflate.decompress(
                        input,
                        &mut self.window[..room],
                        FlushDecompress::None,
                    );
                    let used = (self.inflate.total_in() - in0) as usize;
                    let made = (self.inflate.total_out() - out0) as usize;
                    out.extend_from_slice(&self.window[..made]);
                    self.crc.update(&self.window[..made]);
                    if let Some(hash) = &mut self.hash {
                        hash.update(&self.window[..made]);
                    }
                    self.member_out += made as u64;
                    input = &input[used..];
                    match result {
                        Err(_) => {
                            self.state = State::Failed(GzError::Corrupt("corrupt deflate stream"))
                        }
                        Ok(Status::StreamEnd) => self.state = State::Trailer(Vec::new()),
                        Ok(_) if used == 0 && made == 0 => break,
                        Ok(_) => {}
                    }
                }
                State::Trailer(tail) => {
                    if input.is_empty() {
                        break;
                    }
                    let take = input.len().min(8 - tail.len());
                    tail.extend_from_slice(&input[..take]);
                    input = &input[take..];
                    if tail.len() == 8 {
                        let crc = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
                        let len = u32::from_le_bytes([tail[4], tail[5], tail[6], tail[7]]);
                        if let Some(hash) = self.hash.take() {
                            self.first = Some(hash.finalize().into());
                        }
                        self.state = if crc == self.crc.sum() && len == self.crc.amount() {
                            State::Between
                        } else {
                            State::Failed(GzError::Corrupt(
                                "corrupt gzip stream does not have a matching checksum",
                            ))
                        };
                    }
                }
            }
        }
        total - input.len()
    }

    /// The input is over: `Ok` if the last member was whole.
    pub fn finish(&mut self) -> Result<(), GzError> {
        match &self.state {
            State::Between => Ok(()),
            State::Failed(e) => Err(e.clone()),
            _ => {
                self.state = State::Failed(GzError::Truncated);
                Err(GzError::Truncated)
            }
        }
    }
}

/// The header's length once `head` holds all of it (`None`: not yet).
fn parse_header(head: &[u8]) -> Result<Option<usize>, GzError> {
    let bad = GzError::Corrupt("invalid gzip header");
    if head.len() < 10 {
        // Check what is there already, so garbage fails at once.
        if head.first().is_some_and(|&b| b != 0x1f) || head.get(1).is_some_and(|&b| b != 0x8b) {
            return Err(bad);
        }
        return Ok(None);
    }
    let flags = head[3];
    if head[0] != 0x1f || head[1] != 0x8b || head[2] != 8 || flags & FRESERVED != 0 {
        return Err(bad);
    }
    let mut at = 10;
    if flags & FEXTRA != 0 {
        let Some(len) = head.get(at..at + 2) else {
            return Ok(None);
        };
        at += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let Some(field) = head.get(at..) else {
                return Ok(None);
            };
            match field.iter().position(|&b| b == 0) {
                Some(nul) if nul > MAX_HEADER_FIELD => {
                    return Err(GzError::Corrupt("gzip header field too long"))
                }
                Some(nul) => at += nul + 1,
                None if field.len() > MAX_HEADER_FIELD => {
                    return Err(GzError::Corrupt("gzip header field too long"))
                }
                None => return Ok(None),
            }
        }
    }
    if flags & FHCRC != 0 {
        let Some(stored) = head.get(at..at + 2) else {
            return Ok(None);
        };
        let mut crc = Crc::new();
        crc.update(&head[..at]);
        if u16::from_le_bytes([stored[0], stored[1]]) != crc.sum() as u16 {
            return Err(GzError::Corrupt(
                "corrupt gzip stream does not have a matching checksum",
            ));
        }
        at += 2;
    }
    Ok((at <= head.len()).then_some(at))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::io::{Read, Write};

    use super::*;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn decode(input: &[u8], piece: usize) -> (Vec<u8>, Result<(), GzError>) {
        let mut g = GzStream::new();
        let mut out = Vec::new();
        for chunk in input.chunks(piece.max(1)) {
            let mut rest = chunk;
            while !rest.is_empty() {
                let limit = out.len() + 1000;
                let used = g.push(rest, &mut out, limit);
                rest = &rest[used..];
            }
        }
        let end = g.finish();
        (out, end)
    }

    #[test]
    fn members_in_any_pieces_decode_like_flate2() {
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("{i} ").into_bytes())
            .collect();
        let mut two = gz(&text[..70_000]);
        two.extend(gz(&text[70_000..]));
        let mut want = Vec::new();
        flate2::read::MultiGzDecoder::new(&two[..])
            .read_to_end(&mut want)
            .unwrap();
        assert_eq!(want, text);
        for piece in [1, 7, 4096, 1 << 20] {
            let (out, end) = decode(&two, piece);
            assert_eq!(end, Ok(()), "piece {piece}");
            assert!(out == text, "piece {piece}");
        }
    }

    #[test]
    fn cuts_and_damage_are_errors_with_everything_before_them() {
        let text: Vec<u8> = (0..50_000u32)
            .flat_map(|i| format!("{i},").into_bytes())
            .collect();
        let whole = gz(&text);
        for cut in [
            1,
            5,
            10,
            11,
            100,
            whole.len() / 2,
            whole.len() - 8,
            whole.len() - 1,
        ] {
            let (out, end) = decode(&whole[..cut], 3);
            assert_eq!(end, Err(GzError::Truncated), "cut {cut}");
            assert!(text.starts_with(&out), "cut {cut}");
            // The same bytes come out in one piece.
            assert!(decode(&whole[..cut], cut).0 == out, "cut {cut}");
        }
        let mut bad = whole.clone();
        let n = bad.len();
        bad[n - 5] ^= 1; // length in the trailer
        assert!(matches!(decode(&bad, 100).1, Err(GzError::Corrupt(_))));
        let mut bad = whole.clone();
        bad[2] = 7; // not deflate
        assert_eq!(
            decode(&bad, 100),
            (Vec::new(), Err(GzError::Corrupt("invalid gzip header")))
        );
        let mut garbage_after = whole;
        garbage_after.extend_from_slice(b"\0\0\0");
        let (out, end) = decode(&garbage_after, 5);
        assert!(out == text);
        assert!(matches!(end, Err(GzError::Corrupt(_))));
    }

    #[test]
    fn header_fields_are_skipped() {
        let mut e = flate2::GzBuilder::new()
            .filename("a.json")
            .comment("hello")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), flate2::Compression::fast());
        e.write_all(b"{\"Records\":[]}").unwrap();
        let bytes = e.finish().unwrap();
        for piece in [1, 2, 64] {
            assert_eq!(
                decode(&bytes, piece),
                (b"{\"Records\":[]}".to_vec(), Ok(()))
            );
        }
    }
}
