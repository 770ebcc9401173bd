//! The coverage map: account × region × hour, from log file names and digests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::parse::{log_name, DigestFile};
use super::{digest_region, LogRow, LogStatus};
use crate::time::{format_iso, HOUR};

/// Most hours drawn (a year); a longer span keeps its latest hours.
const MAX_HOURS: i64 = 24 * 366;

/// What is known of one hour of one account and region, weakest first. The map's cells
/// are these as characters: `.` `e` `f` `m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mark {
    /// No file, no digest: nothing is known.
    None,
    /// A digest covers the hour and lists no loaded or missing file in it: nothing was
    /// delivered.
    Empty,
    /// A loaded log file was delivered in the hour.
    Files,
    /// A digest lists a file of this hour that is not loaded.
    Missing,
}

impl Mark {
    fn cell(self) -> char {
        match self {
            Mark::None => '.',
            Mark::Empty => 'e',
            Mark::Files => 'f',
            Mark::Missing => 'm',
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// The first hour drawn (epoch milliseconds, on the hour).
    pub start: i64,
    pub hours: u32,
    pub rows: Vec<CoverageRow>,
    pub gaps: Vec<Gap>,
    /// The span was longer than the map: only its latest hours are drawn.
    pub cut: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub account: String,
    pub region: String,
    /// One character per hour from `start`: `.` no evidence, `e` a digest proves it
    /// empty, `f` files loaded, `m` a listed file is not loaded.
    pub cells: String,
}

/// Hours with no evidence inside a stream that has evidence before and after them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    pub account: String,
    pub region: String,
    /// Start of the first hour, and end of the last (ISO-8601).
    pub from: String,
    pub to: String,
}

pub(super) fn build(
    digests: &[(&String, &DigestFile)],
    loaded: &[&str],
    logs: &[LogRow],
) -> Coverage {
    let mut marks: BTreeMap<(String, String), BTreeMap<i64, Mark>> = BTreeMap::new();
    let mut mark = |account: &str, region: &str, hour: i64, m: Mark| {
        let cell = marks
            .entry((account.to_owned(), region.to_owned()))
            .or_default()
            .entry(hour)
            .or_insert(Mark::None);
        *cell = (*cell).max(m);
    };
    for name in loaded {
        if let Some(n) = log_name(name) {
            mark(&n.account, &n.region, n.time.div_euclid(HOUR), Mark::Files);
        }
    }
    for row in logs.iter().filter(|l| l.status == LogStatus::NotLoaded) {
        if let Some(n) = log_name(&row.file) {
            mark(
                &n.account,
                &n.region,
                n.time.div_euclid(HOUR),
                Mark::Missing,
            );
        }
    }
    for (found, d) in digests {
        let region = digest_region(found);
        let first = d.start.div_euclid(HOUR);
        let last = (d.end - 1).max(d.start).div_euclid(HOUR);
        // A digest covers about an hour; a longer span is not one (guard the loop).
        for hour in first..=last.min(first + 48) {
            mark(&d.json.aws_account_id, &region, hour, Mark::Empty);
        }
    }
    let (Some(&lo), Some(&hi)) = (
        marks.values().filter_map(|m| m.keys().next()).min(),
        marks.values().filter_map(|m| m.keys().next_back()).max(),
    ) else {
        return Coverage::default();
    };
    let start = lo.max(hi - MAX_HOURS + 1);
    let hours = hi - start + 1;
    let mut coverage = Coverage {
        start: start * HOUR,
        hours: hours as u32,
        cut: start > lo,
        ..Coverage::default()
    };
    for ((account, region), hours_marked) in marks {
        let cells: Vec<Mark> = (start..=hi)
            .map(|h| hours_marked.get(&h).copied().unwrap_or(Mark::None))
            .collect();
        let known: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i] != Mark::None)
            .collect();
        if let (Some(&first), Some(&last)) = (known.first(), known.last()) {
            let mut i = first;
            while i < last {
                if cells[i] == Mark::None {
                    let from = i;
                    while cells[i] == Mark::None {
                        i += 1;
                    }
                    coverage.gaps.push(Gap {
                        account: account.clone(),
                        region: region.clone(),
                        from: format_iso((start + from as i64) * HOUR),
                        to: format_iso((start + i as i64) * HOUR),
                    });
                }
                i += 1;
            }
        }
        coverage.rows.push(CoverageRow {
            account,
            region,
            cells: cells.into_iter().map(Mark::cell).collect(),
        });
    }
    coverage
}
