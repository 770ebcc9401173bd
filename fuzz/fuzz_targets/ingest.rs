//! Ingest, whole and streamed in arbitrary slices. The input's first byte chooses a mode:
//! - raw: the rest of the input is the file;
//! - built: intact records with the input's bytes as damage between them, in a
//!   `{"Records":[...]}` file, an array, NDJSON, or glued together.
//!
//! Invariants (see `tests/support/invariants.rs`, shared with the regression tests):
//! streamed = whole; no record is both kept and reported; every kept record's text is a
//! substring of the input; and, for built files, every intact record is kept (within some
//! kept record's text: damage can make an intact record a value inside another one).
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    invariants::check_fuzz_input(data);
});
