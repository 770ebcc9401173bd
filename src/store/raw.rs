//! Every record's JSON text, stored compactly: the store's largest column by far (about
//! 850 bytes per event on an organization trail, against ~200 for all the others).
//!
//! Entry points: [`RawStore::push`], [`RawStore::set`] (an upgrade: the new text is
//! appended and the record repointed) and [`RawStore::get`].
//!
//! Implementation note: texts are appended, in arrival order, to an open block of plain
//! text. Once it holds [`BLOCK_BYTES`] the block is sealed: lz4-compressed into large
//! chunks ([`CHUNK_BYTES`], never reallocated, so loading never needs a second copy of
//! everything) and a new block opens. Reading a sealed text decompresses its whole block
//! into a small cache, so reads in id order (queries, rules) decompress each block once.
//! - Good: about 6x smaller on CloudTrail JSON than a `Box<str>` per record (BENCHMARKS.md),
//!   and no allocation per record.
//! - Bad: one read of a cold record decompresses its block (~64 KiB, tens of µs); a
//!   replaced text stays in its block as dead bytes (upgrades are rare: CSV summaries).
//! - Why lz4 (pure Rust `lz4_flex`): decompression ~4 GB/s natively, so a free-text scan of
//!   every record pays little for it; deflate is ~1.6x smaller but ~5x slower to read
//!   and ~6x slower to write (measured on generated and real trails, BENCHMARKS.md).
//!
//! Each sealed block also keeps a [`Sketch`] of the lowercased byte trigrams in its text,
//! so a search for a word ([`RawStore::blocks_holding`]) skips the blocks that cannot
//! hold it without decompressing them: a rare term (an access key id, an IP address)
//! reads a few blocks instead of all of them.

use std::cell::RefCell;
use std::ops::{Deref, Range};
use std::rc::Rc;

/// Texts are gathered into blocks of at least this much before compression: smaller
/// blocks compress worse (16 KiB: 4.6x, 64 KiB: 5.9x, 256 KiB: 6.2x), bigger ones cost
/// more per cold read.
pub const BLOCK_BYTES: usize = 64 << 10;

/// Compressed blocks are packed into buffers of this capacity (a block larger than that
/// gets a buffer of its own size).
pub const CHUNK_BYTES: usize = 1 << 20;

/// Decompressed blocks kept for repeated reads (the detail pane, a query's matches).
const CACHED_BLOCKS: usize = 4;

/// Bits in a block's trigram [`Sketch`].
/// - Good (bigger): fewer false "maybe"s. A 64 KiB block of CloudTrail JSON holds 4,000
///   (generated trails) to 16,000 (real, id-heavy ones) distinct trigrams, setting about
///   40 % to 85 % of 8,192 bits; a needle passes a block it is not in only if its
///   sketched trigrams' bits are all set, so a rare IP address or key id skips most
///   blocks on a generated trail and still many on a dense real one.
/// - Bad (bigger): memory, 1/64 of the decompressed text at 8,192 bits (1 KiB a block,
///   13 MB for a million generated events), and a longer scan per query.
const SKETCH_BITS: usize = 8192;
const SKETCH_WORDS: usize = SKETCH_BITS / 64;

/// Only the trigrams starting at every `STRIDE`-th byte of a block are sketched, which
/// halves the cost of building sketches as records arrive (BENCHMARKS.md); a needle is
/// then looked for once per way it can lie against the sketched positions, with every
/// `STRIDE`-th of its trigrams, which barely weakens the filter for needles of 8 bytes
/// and more.
const STRIDE: usize = 2;

/// A stored text's id, dense from 0 in [`RawStore::push`] order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RawId(pub u32);

/// A block's index in `RawStore::sealed`; the open block's id is `sealed.len()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BlockId(u32);

/// Where a text lives: a byte range of its block's decompressed text.
#[derive(Clone, Copy, Debug)]
struct Span {
    block: BlockId,
    /// Below `BLOCK_BYTES`: a block is sealed as soon as it reaches that size.
    start: u32,
    len: u32,
}

/// A sealed block: `len` compressed bytes at `start` in `chunks[chunk]`.
#[derive(Clone, Copy, Debug)]
struct Sealed {
    chunk: u32,
    start: u32,
    len: u32,
    /// Decompressed size (lz4 blocks do not record it).
    text_len: u32,
    /// The text holds a `\u` escape, which may hide any character from a byte search: a
    /// block with one is never skipped.
    escapes: bool,
}

/// Which lowercased byte trigrams a block's text holds, hashed into [`SKETCH_BITS`] bits:
/// a clear bit proves every trigram hashed to it absent, a set bit proves nothing.
type Sketch = [u64; SKETCH_WORDS];

/// The bit of a trigram (three bytes in the low 24 bits): Fibonacci hashing, whose top
/// bits are well mixed.
fn trigram_bit(window: u32) -> usize {
    (window.wrapping_mul(0x9E37_79B1) >> (32 - SKETCH_BITS.trailing_zeros())) as usize
}

/// Sets the bit of the trigram (ASCII lowercased) at every [`STRIDE`]-th byte of `text`
/// in `sketch`; returns whether the text holds a `\u` escape.
fn sketch_into(text: &[u8], sketch: &mut Sketch) -> bool {
    // Lowercased first, then each trigram read straight from the bytes (no dependency
    // from one to the next), a byte per bit (plain stores, not a read-modify-write chain
    // through memory): ~3x faster than a rolling window setting bits.
    let lower = text.to_ascii_lowercase();
    // `\U` lowercases to `\u` too, and is not valid JSON: flagging it only costs a skip.
    // Backslashes are rare: a plain byte search first.
    let escapes = lower.contains(&b'\\') && lower.windows(2).any(|w| w == b"\\u");
    let mut seen = [0u8; SKETCH_BITS];
    for t in lower.windows(3).step_by(STRIDE) {
        seen[trigram(t)] = 1;
    }
    for (word, bytes) in sketch.iter_mut().zip(seen.chunks_exact(64)) {
        *word |= bytes
            .iter()
            .enumerate()
            .fold(0, |w, (i, &b)| w | u64::from(b) << i);
    }
    escapes
}

/// A (lowercased) trigram's bit.
fn trigram(t: &[u8]) -> usize {
    match t {
        [a, b, c, ..] => trigram_bit(u32::from_be_bytes([0, *a, *b, *c])),
        _ => 0,
    }
}

/// Whether a sketch may hold `needle` (lowercased): true unless, for each of the
/// [`STRIDE`] ways the needle can lie against the sketched positions, one of the
/// trigrams that would then have been sketched is certainly absent. Needles shorter than
/// `STRIDE + 2` bytes always may.
fn may_hold(sketch: &Sketch, needle: &[u8]) -> bool {
    let present = |bit: usize| crate::bits::get(sketch, bit);
    let trigrams: Vec<usize> = needle.windows(3).map(trigram).collect();
    trigrams.len() < STRIDE
        || (0..STRIDE).any(|r| trigrams.iter().skip(r).step_by(STRIDE).all(|&b| present(b)))
}

/// Which blocks a search must read ([`RawStore::blocks_holding`]).
pub struct BlockFilter<'a> {
    spans: &'a [Span],
    /// By block id; the open block, past the end, is always read.
    read: Vec<bool>,
}

impl BlockFilter<'_> {
    /// Whether text `id` may hold the needles (false: certainly not).
    pub fn may_hold(&self, id: RawId) -> bool {
        self.spans
            .get(id.0 as usize)
            .is_none_or(|s| self.read.get(s.block.0 as usize).is_none_or(|&r| r))
    }
}

#[derive(Default)]
pub struct RawStore {
    spans: Vec<Span>,
    sealed: Vec<Sealed>,
    /// By block id, one per sealed block.
    sketches: Vec<Sketch>,
    chunks: Vec<Vec<u8>>,
    open: String,
    /// Most recently used first. `Rc`: a text handed out keeps its block alive after
    /// eviction, so readers never copy it.
    cache: RefCell<Vec<(u32, Rc<String>)>>,
}

/// One stored text: borrowed from the open block, or a range of a shared decompressed
/// block. Dereferences to `&str`.
pub struct RawText<'a>(Text<'a>);

enum Text<'a> {
    Plain(&'a str),
    Block(Rc<String>, Range<usize>),
}

impl Deref for RawText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Text::Plain(s) => s,
            Text::Block(block, range) => block.get(range.clone()).unwrap_or_default(),
        }
    }
}

impl AsRef<str> for RawText<'_> {
    fn as_ref(&self) -> &str {
        self
    }
}

impl std::fmt::Debug for RawText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl RawStore {
    /// Stores a new text. Callers keep the count below `u32::MAX` (the store does).
    pub fn push(&mut self, text: &str) -> RawId {
        let id = RawId(u32::try_from(self.spans.len()).unwrap_or(u32::MAX));
        let span = self.append(text);
        self.spans.push(span);
        id
    }

    /// Replaces a text: the new one is appended and `id` points at it (no-op for an id
    /// never pushed).
    pub fn set(&mut self, id: RawId, text: &str) {
        if (id.0 as usize) < self.spans.len() {
            let span = self.append(text);
            self.spans[id.0 as usize] = span;
        }
    }

    /// The text of `id`; `None` for an id never pushed (or, only through a bug, a block
    /// that does not decompress).
    pub fn get(&self, id: RawId) -> Option<RawText<'_>> {
        let span = *self.spans.get(id.0 as usize)?;
        let range = span.start as usize..span.start as usize + span.len as usize;
        if span.len == 0 {
            return Some(RawText(Text::Plain("")));
        }
        if span.block.0 as usize == self.sealed.len() {
            return self.open.get(range).map(|s| RawText(Text::Plain(s)));
        }
        Some(RawText(Text::Block(self.block(span.block)?, range)))
    }

    /// Which texts may hold every one of `needles` (lowercased bytes, found ignoring ASCII
    /// case) once JSON escapes are decoded: the blocks whose sketch lacks a needle's
    /// trigram, and have no `\u` escape, cannot.
    pub fn blocks_holding(&self, needles: &[&[u8]]) -> BlockFilter<'_> {
        let read = self
            .sealed
            .iter()
            .zip(&self.sketches)
            .map(|(sealed, sketch)| sealed.escapes || needles.iter().all(|n| may_hold(sketch, n)))
            .collect();
        BlockFilter {
            spans: &self.spans,
            read,
        }
    }

    /// Heap bytes held (capacities, not lengths: what the allocator gave out).
    pub fn heap_bytes(&self) -> usize {
        self.spans.capacity() * size_of::<Span>()
            + self.sealed.capacity() * size_of::<Sealed>()
            + self.sketches.capacity() * size_of::<Sketch>()
            + self.chunks.iter().map(Vec::capacity).sum::<usize>()
            + self.chunks.capacity() * size_of::<Vec<u8>>()
            + self.open.capacity()
            + self
                .cache
                .borrow()
                .iter()
                .map(|(_, b)| b.capacity())
                .sum::<usize>()
    }

    fn append(&mut self, text: &str) -> Span {
        // Unreachable in practice: ingest caps a file at 768 MiB. Stored as "" rather
        // than cut inside a character.
        let Ok(len) = u32::try_from(text.len()) else {
            return Span {
                block: BlockId(0),
                start: 0,
                len: 0,
            };
        };
        let span = Span {
            block: BlockId(u32::try_from(self.sealed.len()).unwrap_or(u32::MAX)),
            start: u32::try_from(self.open.len()).unwrap_or(u32::MAX),
            len,
        };
        self.open.push_str(text);
        if self.open.len() >= BLOCK_BYTES {
            self.seal();
        }
        span
    }

    fn seal(&mut self) {
        let compressed = lz4_flex::block::compress(self.open.as_bytes());
        let mut sketch = [0; SKETCH_WORDS];
        let escapes = sketch_into(self.open.as_bytes(), &mut sketch);
        self.sketches.push(sketch);
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= compressed.len());
        if !fits {
            self.chunks
                .push(Vec::with_capacity(CHUNK_BYTES.max(compressed.len())));
        }
        let chunk_index = self.chunks.len() - 1;
        let chunk = &mut self.chunks[chunk_index];
        // A chunk is at most max(CHUNK_BYTES, one block) and a block's text fits a u32
        // (see `append`), so these conversions never saturate.
        let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.sealed.push(Sealed {
            chunk: as_u32(chunk_index),
            start: as_u32(chunk.len()),
            len: as_u32(compressed.len()),
            text_len: as_u32(self.open.len()),
            escapes,
        });
        chunk.extend_from_slice(&compressed);
        self.open.clear();
        // After a huge record, give its room back rather than keep it for every block.
        if self.open.capacity() > 4 * BLOCK_BYTES {
            self.open.shrink_to(2 * BLOCK_BYTES);
        }
    }

    /// A sealed block's text, from the cache or decompressed into it.
    fn block(&self, id: BlockId) -> Option<Rc<String>> {
        let mut cache = self.cache.borrow_mut();
        if let Some(i) = cache.iter().position(|(b, _)| *b == id.0) {
            cache[..=i].rotate_right(1);
            return Some(Rc::clone(&cache[0].1));
        }
        let sealed = self.sealed.get(id.0 as usize)?;
        let start = sealed.start as usize;
        let compressed = self
            .chunks
            .get(sealed.chunk as usize)?
            .get(start..start + sealed.len as usize)?;
        // Reuse the evicted block's buffer unless a reader still holds it: a fresh 64 KiB
        // allocation per block made whole-store scans ~1.5x slower.
        let mut bytes = match cache.len() >= CACHED_BLOCKS {
            true => cache.pop().and_then(|(_, b)| Rc::try_unwrap(b).ok()),
            false => None,
        }
        .map(String::into_bytes)
        .unwrap_or_default();
        let len = sealed.text_len as usize;
        bytes.resize(len, 0);
        if lz4_flex::block::decompress_into(compressed, &mut bytes).ok()? != len {
            return None;
        }
        // Checked, not assumed: the crate forbids `unsafe`, and it is cheap next to lz4.
        let text = Rc::new(String::from_utf8(bytes).ok()?);
        cache.insert(0, (id.0, Rc::clone(&text)));
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic texts of varied sizes (some non-ASCII, some empty), about 40 KiB
    /// apart in a 64 KiB block on average so blocks hold a few each.
    fn text(i: usize) -> String {
        match i % 7 {
            0 => String::new(),
            1 => format!("{{\"n\":{i},\"name\":\"é→日本語🦀\"}}"),
            2 => "x".repeat(i * 97 % 20_000),
            _ => format!(
                "{{\"eventID\":\"{i:08}\",\"pad\":\"{}\"}}",
                "ab".repeat(i % 5000)
            ),
        }
    }

    #[test]
    fn round_trips_many_texts_across_blocks() {
        let mut store = RawStore::default();
        let texts: Vec<String> = (0..2000).map(text).collect();
        for (i, t) in texts.iter().enumerate() {
            assert_eq!(store.push(t), RawId(i as u32));
        }
        assert!(store.sealed.len() > 10, "several blocks were sealed");
        assert!(!store.open.is_empty(), "and one is still open");
        // In order, backwards, and strided (cache misses and hits).
        for i in (0..texts.len())
            .chain((0..texts.len()).rev())
            .chain((0..2000).step_by(37))
        {
            assert_eq!(&*store.get(RawId(i as u32)).unwrap(), texts[i], "text {i}");
        }
        assert!(store.get(RawId(2000)).is_none());
        // Compressible text really is compressed.
        let total: usize = texts.iter().map(String::len).sum();
        let stored: usize = store.chunks.iter().map(Vec::len).sum();
        assert!(stored * 4 < total, "{stored} of {total} bytes");
    }

    #[test]
    fn empty_and_huge_texts() {
        let mut store = RawStore::default();
        let huge = "€".repeat(3 * BLOCK_BYTES); // 9 blocks' worth, multi-byte chars
        let a = store.push("");
        let b = store.push("small");
        let c = store.push(&huge);
        let d = store.push("after");
        let e = store.push("");
        assert_eq!(&*store.get(a).unwrap(), "");
        assert_eq!(&*store.get(b).unwrap(), "small");
        assert_eq!(&*store.get(c).unwrap(), huge);
        assert_eq!(&*store.get(d).unwrap(), "after");
        assert_eq!(&*store.get(e).unwrap(), "");
        // The huge record sealed its block on its own, and its room was given back.
        assert_eq!(store.sealed.len(), 1);
        assert!(store.open.capacity() <= 4 * BLOCK_BYTES);
    }

    #[test]
    fn set_appends_and_repoints() {
        let mut store = RawStore::default();
        let ids: Vec<RawId> = (0..500).map(|i| store.push(&text(i))).collect();
        // Replace texts in sealed blocks and in the open one, some twice.
        for &i in &[3usize, 250, 498, 3] {
            store.set(ids[i], &format!("{{\"upgraded\":{i},\"ü\":true}}"));
        }
        store.set(RawId(10_000), "ignored");
        assert_eq!(store.spans.len(), 500);
        for (i, &id) in ids.iter().enumerate() {
            let want = if [3, 250, 498].contains(&i) {
                format!("{{\"upgraded\":{i},\"ü\":true}}")
            } else {
                text(i)
            };
            assert_eq!(&*store.get(id).unwrap(), want, "text {i}");
        }
    }

    #[test]
    fn searches_skip_only_blocks_that_cannot_hold_the_word() {
        let mut store = RawStore::default();
        let filler = |i: usize| {
            format!(
                "{{\"eventName\":\"DescribeInstances\",\"n\":{i},\"pad\":\"{}\"}}",
                "xyz ".repeat(200)
            )
        };
        let mut ids = Vec::new();
        for i in 0..2000 {
            let text = match i {
                100 => r#"{"key":"AKIAIOSFODNN7EXAMPLE"}"#.to_string(),
                900 => r#"{"key":"\u0041KIAIOSFODNN7EXAMPLE"}"#.to_string(),
                _ => filler(i),
            };
            ids.push(store.push(&text));
        }
        assert!(store.sealed.len() > 20);
        let block_of = |id: RawId| store.spans[id.0 as usize].block.0 as usize;
        let open = ids
            .iter()
            .copied()
            .find(|&id| block_of(id) == store.sealed.len());
        let filter = store.blocks_holding(&[b"akiaiosfodnn7example"]);
        let read: Vec<RawId> = ids
            .iter()
            .copied()
            .filter(|&id| filter.may_hold(id))
            .collect();
        // The block of the plain key, the block with an escape, the open block: nothing else.
        let mut blocks: Vec<usize> = read.iter().map(|&id| block_of(id)).collect();
        blocks.dedup();
        assert!(blocks.contains(&block_of(ids[100])) && blocks.contains(&block_of(ids[900])));
        assert!(blocks.len() <= 3, "{blocks:?}");
        assert!(open.is_none_or(|id| filter.may_hold(id)));
        // Case is ignored, and words under three bytes, or in every block, skip nothing.
        assert!(store.blocks_holding(&[b"akiaiosfodnn7"]).may_hold(ids[100]));
        for everywhere in [&b"describeinstances"[..], b"xy", b""] {
            let f = store.blocks_holding(&[everywhere]);
            assert!(ids.iter().all(|&id| f.may_hold(id)));
        }
        // Every needle must be there: one absent word skips the block.
        let both = store.blocks_holding(&[b"describeinstances", b"akiaiosfodnn7example"]);
        assert!(!both.may_hold(ids[1500]) || block_of(ids[1500]) == store.sealed.len());
    }

    #[test]
    fn a_text_outlives_its_block_in_the_cache() {
        let mut store = RawStore::default();
        let ids: Vec<RawId> = (0..3000).map(|i| store.push(&text(i))).collect();
        let first = store.get(ids[5]).unwrap();
        // Read enough other blocks to evict the first one from the cache.
        for &id in ids.iter().rev().take(2000) {
            store.get(id);
        }
        assert!(store.cache.borrow().len() <= CACHED_BLOCKS);
        assert_eq!(&*first, text(5));
    }
}
