//! Every input the fuzz targets (`fuzz/`, `bash scripts/fuzz`) found breaking a promise,
//! run through the same checks (`support/invariants.rs`) on every `cargo test`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

#[path = "support/invariants.rs"]
mod invariants;

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|d| {
            d.map(|e| {
                let path = e.unwrap().path();
                (path.display().to_string(), std::fs::read(&path).unwrap())
            })
            .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn ingest_inputs_the_fuzzer_found_keep_every_promise() {
    let found = inputs("ingest");
    assert!(!found.is_empty());
    for (name, bytes) in found {
        eprintln!("{name}");
        invariants::check_fuzz_input(&bytes);
    }
}

/// Writes the built file of a fuzz input (for a look with `examples/ingest`):
/// `FUZZ_DUMP=path cargo test --test fuzz_regressions dump -- --ignored`.
#[test]
#[ignore]
fn dump() {
    let src = std::env::var("FUZZ_DUMP").unwrap();
    let data = std::fs::read(&src).unwrap();
    let (file, _) = invariants::build(data[0] % 5, &data[1..]);
    std::fs::write("/tmp/fuzz-built.json", file).unwrap();
}
