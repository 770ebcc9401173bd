//! The store's dedupe alone: CPU time of `Store::add` for N generated records (already
//! parsed, so only the store is timed), best of three rounds; a second pass adds every
//! record again (all duplicates, as a file loaded twice).
//!
//! Run with: cargo run --profile bench --example dedupe [-- EVENTS]   (default 1000000)
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly

mod support;

use trailglass::event::Record;
use trailglass::sample::Generator;
use trailglass::store::{FileId, Store};

fn main() {
    let events: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut gen = Generator::new(42);
    let texts: Vec<String> = (0..events).map(|_| gen.noise().to_string()).collect();
    let records: Vec<Record> = texts
        .iter()
        .map(|t| Record::from_json(t).unwrap())
        .collect();
    let (mut first, mut again) = (f64::MAX, f64::MAX);
    for _ in 0..3 {
        let mut store = Store::default();
        let start = support::cpu_seconds();
        for r in &records {
            store.add(r.clone(), FileId(0));
        }
        let mid = support::cpu_seconds();
        for r in &records {
            store.add(r.clone(), FileId(1));
        }
        let end = support::cpu_seconds();
        assert_eq!(store.len(), events);
        first = first.min(mid - start);
        again = again.min(end - mid);
    }
    println!("Store::add of {events} new records: {first:.2} s CPU; again (all duplicates): {again:.2} s CPU");
}
