//! Ingests the files given on the command line and prints each ledger entry and a summary.
//! Run with: cargo run --release --example ingest -- FILE...
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly
fn main() {
    let mut session = trailglass::session::Session::default();
    for path in std::env::args().skip(1) {
        match std::fs::read(&path) {
            Ok(bytes) => {
                let r = session.add_file(&path, &bytes);
                println!(
                    "{} [{}] records={} kept={} dup={} skipped={}",
                    r.path,
                    r.format.as_str(),
                    r.records,
                    r.kept,
                    r.duplicates,
                    r.skipped
                );
                for i in &r.issues {
                    println!("    issue: {i}");
                }
                for n in &r.notes {
                    println!("    note: {n}");
                }
            }
            Err(e) => eprintln!("{path}: {e}"),
        }
    }
    let s = session.finish();
    println!(
        "files={} events={} skipped={} dups={}",
        s.files, s.stats.events, s.skipped, s.duplicates
    );
}
