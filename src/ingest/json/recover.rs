//! Recovery from damage: every `{...}` region that parses and is a record or a known
//! wrapper is kept, and the damage between them becomes positioned issues. Linear: trial
//! parses are charged to a budget, and repairs are bounded.

use serde_json::value::RawValue;

use super::{byte_offset, format_of, strip_position, Context, Layout, Reader, Shape};
use crate::ingest::{ErrorKind, Format};

impl Reader<'_, '_> {
    /// Resynchronising recovery: from `from` on, every place a record can start (`{`
    /// then a key) is tried with the real parser, in order; a value that parses whole and
    /// is a record or a known wrapper is kept and the scan resumes after it, whatever the
    /// damage before it did to quote parity. Each stretch of damage between kept values
    /// gets one issue naming what it was and where it ends. Returns the format of the
    /// first value kept.
    ///
    /// Linear: trial parses are charged to a budget of [`TRIAL_BUDGET_FACTOR`] times the
    /// text (plus a MiB); a hostile file that spends it has the rest skipped, and said so.
    pub(super) fn recover(&mut self, from: usize) -> Option<Format> {
        let text = self.text;
        // Cut off at the start? Begin at the first thing that looks like an object's
        // start, `{"`.
        let rest = &text[from..];
        let start = if rest.trim_start().starts_with(['{', '[']) {
            from
        } else {
            let start = next_candidate(text, from)?;
            let skipped = (start - from) as u64;
            let kind = if text[..from].trim().is_empty() {
                ErrorKind::CutAtStart { skipped }
            } else {
                ErrorKind::BetweenRecords { length: skipped }
            };
            self.issue_at(from, kind);
            start
        };
        let mut format = None;
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut failed: Vec<Failure> = Vec::new();
        let mut budget = text.len().saturating_mul(TRIAL_BUDGET_FACTOR) + (1 << 20);
        let mut repairs_left = MAX_REPAIRS;
        let mut at = start;
        let mut gave_up = None;
        let (mut in_gap, mut containers) = (0, 0);
        while let Some(open) = next_candidate(text, at) {
            at = open + 1;
            let Some(trial) = self.trial(open, &mut budget, &mut repairs_left) else {
                gave_up = Some(open);
                break;
            };
            match trial {
                Trial::Value { end, shape } => {
                    if shape != Shape::Unknown {
                        format = format.or(Some(match format_of(shape, Layout::Lines) {
                            Format::RecordLines => Format::JsonFragment,
                            f => f,
                        }));
                        kept.push((open, end));
                        at = end;
                        in_gap = 0;
                    }
                }
                // The report needs the first few failures of each gap and the
                // containers' (few): a hostile file can't fill memory with them.
                Trial::Failed(f) => {
                    if is_container(text, open) {
                        if containers < MAX_FAILURES_PER_GAP {
                            containers += 1;
                            failed.push(f);
                        }
                    } else if in_gap < MAX_FAILURES_PER_GAP {
                        in_gap += 1;
                        failed.push(f);
                    }
                }
            }
        }
        let any_issue_before = !self.sink.issues.is_empty();
        self.report_gaps(start, &kept, &failed);
        if let Some(open) = gave_up {
            self.issue_at(
                open,
                ErrorKind::RecoveryBudget {
                    skipped: (text.len() - open) as u64,
                },
            );
        }
        if format.is_none() && !any_issue_before && self.sink.issues.is_empty() {
            return None;
        }
        // A damaged `{"Records": [...]}` is still a CloudTrail log file.
        let head: String = text[start..].chars().take(64).collect();
        if format == Some(Format::JsonFragment)
            && head.starts_with('{')
            && head.contains("\"Records\"")
        {
            return Some(Format::CloudTrailRecords);
        }
        Some(format.unwrap_or(Format::JsonFragment))
    }

    /// Parses the value starting at `open` (repairing unquoted documentation timestamps);
    /// `None` when the budget is spent.
    fn trial(&mut self, open: usize, budget: &mut usize, repairs_left: &mut u32) -> Option<Trial> {
        let text = self.text;
        let mut repaired: Option<String> = None;
        let mut fixes: Vec<(usize, String)> = Vec::new();
        loop {
            let body: &str = repaired.as_deref().unwrap_or(&text[open..]);
            let mut values = serde_json::Deserializer::from_str(body).into_iter::<&RawValue>();
            let result = values.next();
            // What the parse read: the value, or up to where it failed.
            let scanned = match &result {
                Some(Ok(raw)) => raw.get().len(),
                Some(Err(e)) => byte_offset(body, e.line(), e.column()) + 1,
                None => body.len(),
            };
            *budget = budget.checked_sub(scanned)?;
            match result {
                Some(Ok(raw)) => {
                    let shape = self.take(raw, open, 0, Context::Recovery);
                    if shape != Shape::Unknown {
                        for (at, stamp) in &fixes {
                            self.issue_at(
                                *at,
                                ErrorKind::Repaired {
                                    detail: format!(
                                        "unquoted timestamp {stamp} (a documentation example's damage) read as the string \"{stamp}\"; the record is kept"
                                    ),
                                },
                            );
                        }
                    }
                    // In the original text, the value ends where it ends less the quotes added.
                    let end = (open + raw.get().len() - 2 * fixes.len()).min(text.len());
                    return Some(Trial::Value { end, shape });
                }
                Some(Err(e)) => {
                    let mut bad = byte_offset(body, e.line(), e.column());
                    while !body.is_char_boundary(bad) {
                        bad -= 1;
                    }
                    if *repairs_left > 0 {
                        if let Some(len) = unquoted_timestamp(&body[bad..]) {
                            *repairs_left -= 1;
                            let stamp = body[bad..bad + len].to_owned();
                            let original = open + bad - 2 * fixes.len();
                            fixes.push((original, stamp));
                            let window = (bad + MAX_REPAIR_WINDOW).min(body.len());
                            let mut fixed = String::with_capacity(window + 2);
                            fixed.push_str(&body[..bad]);
                            fixed.push('"');
                            fixed.push_str(&body[bad..bad + len]);
                            fixed.push('"');
                            fixed.push_str(&body[bad + len..window]);
                            repaired = Some(fixed);
                            continue;
                        }
                    }
                    let bad = (open + bad - 2 * fixes.len()).min(text.len());
                    return Some(Trial::Failed(Failure {
                        open,
                        bad,
                        eof: e.is_eof(),
                        error: Some(e),
                    }));
                }
                None => {
                    return Some(Trial::Failed(Failure {
                        open,
                        bad: text.len(),
                        eof: true,
                        error: None,
                    }))
                }
            }
        }
    }

    /// One issue per stretch of damage between the kept values (`kept`, in order), from
    /// the failures of the trial parses (`failed`, in order of their start).
    fn report_gaps(&mut self, start: usize, kept: &[(usize, usize)], failed: &[Failure]) {
        let text = self.text;
        let mut gap_start = start;
        let mut f = 0;
        let ends = kept
            .iter()
            .copied()
            .chain(std::iter::once((text.len(), text.len())));
        for (next, next_end) in ends {
            let last = next == text.len() && next_end == text.len();
            // Failures that start in this gap; skip those that start before it (inside a
            // kept value: an inner object that failed before its container parsed).
            while f < failed.len() && failed[f].open < gap_start {
                f += 1;
            }
            let here: Vec<&Failure> = failed[f..].iter().take_while(|x| x.open < next).collect();
            // A failure whose parse ran over a whole kept value was its container (a
            // damaged `{"Records":[`): its prefix is not damage.
            let cut = here
                .iter()
                .find(|x| !is_container(text, x.open) && (last || x.bad < next_end));
            let junk = first_junk(text, gap_start, next, &here);
            let gap_end = if last { text.len() } else { next };
            if let Some(c) = cut {
                if last {
                    self.issue_at(c.open, ErrorKind::Truncated);
                } else {
                    self.issue_at(
                        c.open,
                        ErrorKind::RecordCut {
                            damage_after: (c.bad.min(next) - c.open) as u64,
                            resumed_after: (next - c.open) as u64,
                            detail: c.detail(),
                        },
                    );
                }
            } else if let Some(j) = junk {
                self.issue_at(
                    j,
                    ErrorKind::BetweenRecords {
                        length: (gap_end - j) as u64,
                    },
                );
            } else if let Some(e) = failed.iter().find(|x| {
                if x.eof {
                    last
                } else {
                    x.bad >= gap_start && (x.bad < next_end || last)
                }
            }) {
                if e.eof {
                    // The container never closes, and nothing else explains it.
                    self.issue_at(text.len(), ErrorKind::Truncated);
                } else {
                    self.issue_at(e.bad.min(gap_end), ErrorKind::Syntax { detail: e.detail() });
                }
            }
            gap_start = next_end;
        }
    }
}

/// Trial parses may scan at most this many times the text (plus a MiB) in all.
/// - Good: a hostile file (a million nested unclosed arrays of objects) stays linear.
/// - Bad: past it, the rest of a (hostile) file is skipped, and the ledger says so.
const TRIAL_BUDGET_FACTOR: usize = 16;
/// Failed trial parses remembered per stretch of damage (and containers per file).
const MAX_FAILURES_PER_GAP: usize = 8;
/// Unquoted timestamps repaired per file at most.
const MAX_REPAIRS: u32 = 64;
/// A repaired record is re-read from a copy of at most this much text.
const MAX_REPAIR_WINDOW: usize = 1 << 20;

/// What a trial parse from a candidate found.
enum Trial {
    /// A value that parses whole, ending at `end`, and what it was.
    Value {
        end: usize,
        shape: Shape,
    },
    Failed(Failure),
}

/// A candidate whose trial parse failed.
struct Failure {
    /// Where the candidate starts.
    open: usize,
    /// Where the parser gave up.
    bad: usize,
    /// The text ended first.
    eof: bool,
    /// The parser's error (formatted only for the few that are reported).
    error: Option<serde_json::Error>,
}

impl Failure {
    fn detail(&self) -> String {
        self.error
            .as_ref()
            .map_or_else(|| "EOF while parsing".to_owned(), strip_position)
    }
}

/// The next place at or after `at` where a record can start: `{`, white space, then a
/// key. A value of a key (`"userIdentity": {...}`) is never a record of its own, even when
/// a missing brace lets it swallow the rest of its record, unless it starts as records do
/// (a record glued after a cut that ended in `:`).
fn next_candidate(text: &str, mut at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        let open = at + memchr_brace(&bytes[at.min(bytes.len())..])?;
        at = open + 1;
        let after = text[open + 1..].trim_start();
        if !after.starts_with('"') {
            continue;
        }
        if text[..open].trim_end().ends_with(':') && !after.starts_with("\"eventVersion\"") {
            continue;
        }
        return Some(open);
    }
}

fn memchr_brace(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'{')
}

/// Whether the object at `open` is a records container (`{"Records": [`).
fn is_container(text: &str, open: usize) -> bool {
    container_prefix(text, open).is_some()
}

/// The length of `{ "Records" : [` at `open`, if it is there.
fn container_prefix(text: &str, open: usize) -> Option<usize> {
    let rest = &text[open + 1..];
    let after_key = rest.trim_start().strip_prefix("\"Records\"")?;
    let after_colon = after_key.trim_start().strip_prefix(':')?;
    let after_bracket = after_colon.trim_start().strip_prefix('[')?;
    Some(text.len() - open - after_bracket.len())
}

/// The first byte in `from..to` that is neither white space nor punctuation between
/// records (`,` `[` `]`, a closing `}` at the very end), nor a container's own opening.
fn first_junk(text: &str, from: usize, to: usize, failed: &[&Failure]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        if let Some(len) = failed
            .iter()
            .find(|f| f.open == i)
            .and_then(|f| container_prefix(text, f.open))
        {
            i += len;
            continue;
        }
        match bytes[i] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' => i += 1,
            b'}' if text[i + 1..to].trim().is_empty() || text[i + 1..to].trim() == "}" => i += 1,
            _ => return Some(i),
        }
    }
    None
}

/// The length of an unquoted month-name timestamp at the start of `text` (as AWS's
/// documentation prints some: `Jun 21, 2018 10:06:27 PM`), if one is there and a value
/// would end after it.
fn unquoted_timestamp(text: &str) -> Option<usize> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let head = text.get(..40).unwrap_or(text);
    if !MONTHS.iter().any(|m| head.starts_with(m)) {
        return None;
    }
    let end = ["AM", "PM"]
        .iter()
        .filter_map(|m| head.find(m).map(|i| i + 2))
        .min()?;
    let stamp = &text[..end];
    // Digit runs longer than a year's are not a date (and would overflow the parser).
    let short_numbers = stamp
        .split(|c: char| !c.is_ascii_digit())
        .all(|run| run.len() <= 4);
    let ok = short_numbers
        && stamp
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" ,:".contains(&b))
        && text[end..].trim_start().starts_with([',', '}']);
    (ok && crate::time::parse_timestamp(stamp).is_some()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_positions_to_offsets() {
        let text = "ab\ncd\nef";
        assert_eq!(byte_offset(text, 1, 1), 0);
        assert_eq!(byte_offset(text, 2, 2), 4);
        assert_eq!(byte_offset(text, 3, 0), 6);
    }

    #[test]
    fn candidates_skip_a_cut_off_prefix_and_values_of_keys() {
        let text = r#"me":"x","p":{"a":1}},{"eventVersion":1} "k": {"eventVersion":2}"#;
        assert_eq!(next_candidate(text, 0), Some(21));
        assert_eq!(next_candidate(text, 22), Some(45));
        assert_eq!(next_candidate("no objects {1}", 0), None);
    }

    #[test]
    fn unquoted_documentation_timestamps_are_found() {
        assert_eq!(
            unquoted_timestamp("Jun 21, 2018 10:06:27 PM, \"x\": 1"),
            Some(24)
        );
        assert_eq!(unquoted_timestamp("Jun 21, 2018 10:06:27 PM }"), Some(24));
        assert_eq!(unquoted_timestamp("Jun 21, 2018 10:06:27 PM x"), None);
        assert_eq!(unquoted_timestamp("Jun 99999999999 1:00 PM }"), None);
        assert_eq!(unquoted_timestamp("June is nice"), None);
    }
}
