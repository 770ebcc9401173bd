//! What the measuring examples share: the generated files under a folder, and this
//! process's memory and CPU time from /proc (Linux only).
#![allow(dead_code)] // each example uses some of these

use std::path::{Path, PathBuf};

use trailglass::protocol::Summary;
use trailglass::session::Session;

/// A session with `files` added in order and finished, as the worker loads a folder.
pub fn load<'a>(files: impl IntoIterator<Item = &'a PathBuf>) -> (Session, Summary) {
    let mut session = Session::default();
    for f in files {
        session.add_file(&f.to_string_lossy(), &std::fs::read(f).unwrap());
    }
    let summary = session.finish();
    (session, summary)
}

/// The folder and the number of runs of a timing example: `DIR [RUNS]` (RUNS default 5).
pub fn dir_and_runs(usage: &str) -> (PathBuf, usize) {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect(usage));
    let runs = args.next().map_or(5, |r| r.parse().unwrap());
    (dir, runs)
}

/// Every `.json.gz` file under `dir`, sorted (the order the page reads a folder in).
pub fn gz_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = all_files(dir);
    files.retain(|p| p.to_string_lossy().ends_with(".json.gz"));
    files
}

/// Every file under `dir`, sorted.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
}

/// A `kB` line of /proc/self/status (0 where there is none).
pub fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// CPU time of this process so far (user + system), which other jobs on the machine
/// disturb far less than wall time.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime and stime are the
    // 12th and 13th, in clock ticks (100 per second on Linux).
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}
