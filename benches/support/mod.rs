//! What the query and timeline benchmarks share: their size argument and their store.
#![allow(dead_code)] // each benchmark uses part of it

use std::time::Duration;

use trailglass::sample::Generator;
use trailglass::session::Session;

/// The first numeric argument: how many events to generate (default a million).
pub fn events_arg() -> usize {
    std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000)
}

/// `events` everyday events (`Generator::noise`, seed 42) loaded through a `Session` as
/// the worker loads them, in files of 10,000 records, not yet finished; and the bytes of
/// JSON read.
pub fn noise_session(events: usize) -> (Session, usize) {
    let mut session = Session::default();
    let mut bytes = 0;
    for (n, text) in Generator::new(42).noise_files(events, 10_000).enumerate() {
        bytes += text.len();
        session.add_file(&format!("f{n}.json"), text.as_bytes());
    }
    (session, bytes)
}

/// The middle of some timings.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// `12.3 ms`.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
