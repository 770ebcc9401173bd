//! What's measured: the starter watch rules over a folder of S3 files (an organization
//! trail, unlike the bench's noise events), loaded through `Session` as the worker does:
//! their first run after the load, then re-runs as after an edit (the median of those), in
//! wall and CPU milliseconds (CPU time is what other jobs on the machine disturb least).
//!
//! Run with: cargo run --profile bench --example rules -- DIR [RUNS]
//! (DIR from `cargo run --release --example generate -- DIR EVENTS`)
#![allow(clippy::unwrap_used, clippy::expect_used)] // a tool: fail loudly
#![allow(clippy::disallowed_methods)] // Instant::now: native-only measurement

use std::time::Instant;

use trailglass::protocol::RuleSpec;

mod support;
use support::cpu_seconds;

fn main() {
    let (dir, runs) = support::dir_and_runs("usage: rules DIR [RUNS]");
    let (mut session, summary) = support::load(&support::gz_files(&dir));
    let events = summary.stats.events;

    // Each run edits every rule (a trailing space), so none keeps its matches.
    let mut specs = RuleSpec::starters();
    let mut run = || {
        specs.iter_mut().for_each(|s| s.pattern.push(' '));
        let (start, cpu) = (Instant::now(), cpu_seconds());
        let results = session.set_rules(specs.clone());
        let ms = (
            start.elapsed().as_secs_f64() * 1e3,
            (cpu_seconds() - cpu) * 1e3,
        );
        let matches: Vec<u32> = results.iter().map(|r| r.matches).collect();
        (ms, matches)
    };
    let ((first, first_cpu), matches) = run();
    let (mut wall, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs).map(|_| run().0).unzip();
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    // One rule edited, the others unchanged (they keep their matches).
    let alone: Vec<String> = (0..10)
        .map(|i| {
            let mut specs = RuleSpec::starters();
            session.set_rules(specs.clone());
            specs[i].pattern.push(' ');
            let start = Instant::now();
            session.set_rules(specs);
            format!(
                "{:?} {:.0} ms",
                RuleSpec::starters()[i].name,
                start.elapsed().as_secs_f64() * 1e3
            )
        })
        .collect();
    println!(
        "{} starter rules over {events} events: first {first:.0} ms ({first_cpu:.0} ms CPU), \
         again {:.0} ms ({:.0} ms CPU; median of {runs}), matches {matches:?}",
        RuleSpec::starters().len(),
        wall[runs / 2],
        cpu[runs / 2],
    );
    println!("one rule edited: {}", alone.join(", "));
}
