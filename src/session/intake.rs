//! A file's records on their way into the store: counted, held for the load filter,
//! and the file's ledger entry written from the counts.

use crate::event::Record;
use crate::ingest::{FileReport, Streamer};
use crate::store::{Added, EventId, FileId, Store};

use super::org_texts::{self, OrgTexts};

/// A file arriving in slices: its streamer, and what the store made of its records so far.
pub(super) struct OpenFile {
    pub(super) path: String,
    /// Its place in the ledger (held by a placeholder until it ends).
    pub(super) file: FileId,
    pub(super) streamer: Streamer,
    /// Bytes received.
    pub(super) received: u64,
    pub(super) counts: Counts,
}

/// What became of a file's records.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Counts {
    pub(super) kept: u32,
    pub(super) duplicates: u32,
    /// Kept records whose eventID a different record already had.
    pub(super) reused_ids: u32,
    /// Left out by the load filter.
    pub(super) filtered: u32,
    /// Not stored: the store was full.
    pub(super) full: u32,
}

impl Counts {
    pub(super) fn add(&mut self, other: Counts) {
        self.kept += other.kept;
        self.duplicates += other.duplicates;
        self.reused_ids += other.reused_ids;
        self.filtered += other.filtered;
        self.full += other.full;
    }

    /// Into a file's ledger entry.
    pub(super) fn write_to(self, report: &mut FileReport) {
        (report.kept, report.duplicates, report.filtered) =
            (self.kept, self.duplicates, self.filtered);
        report.reused_ids = self.reused_ids;
        if self.reused_ids > 0 {
            report.notes.push(format!(
                "eventID reused by a different record (other time, name or source): kept both ({} records)",
                self.reused_ids
            ));
        }
        if self.full > 0 {
            report.skipped += self.full;
            report.notes.push(format!(
                "the store is full: {} records not loaded",
                self.full
            ));
        }
    }
}

/// Takes a file's records as the ingester reads them: straight into the store, or, with
/// a load filter, held (owned) until [`Intake::close`] runs the filter over them.
pub(super) struct Intake<'s> {
    pub(super) store: &'s mut Store,
    pub(super) org_texts: &'s mut OrgTexts,
    pub(super) filter: Option<&'s crate::query::Ast>,
    /// Events whose summary-only record was replaced by a full one (their envelopes).
    pub(super) upgraded: &'s mut Vec<EventId>,
    pub(super) file: FileId,
    pub(super) pending: Vec<Record<'static>>,
    pub(super) counts: Counts,
}

impl Intake<'_> {
    pub(super) fn take(&mut self, record: Record<'_>) {
        if self.filter.is_some() {
            self.pending.push(record.into_owned());
        } else {
            self.store(record);
        }
    }

    fn store(&mut self, record: Record<'_>) {
        // Borrowed from the streamer: a copy only with a load filter (and for CSV rows).
        let org_text = org_texts::is_org(&record).then(|| record.raw.clone());
        let summary = record.summary_only;
        let added = self.store.add(record, self.file);
        self.org_texts.note(added, org_text.as_deref(), summary);
        match added {
            Added::New(_) => self.counts.kept += 1,
            Added::Reused(_) => {
                self.counts.kept += 1;
                self.counts.reused_ids += 1;
            }
            Added::Upgraded(id) => {
                self.counts.kept += 1;
                self.upgraded.push(id);
            }
            Added::Duplicate(_) => self.counts.duplicates += 1,
            Added::Full => self.counts.full += 1,
        }
    }

    /// Stores what the load filter keeps of the held records; the counts.
    pub(super) fn close(mut self) -> Counts {
        if let Some(filter) = self.filter {
            let pending = std::mem::take(&mut self.pending);
            let all = pending.len();
            let kept = matching(filter, pending);
            self.counts.filtered += (all - kept.len()) as u32;
            for record in kept {
                self.store(record);
            }
        }
        self.counts
    }
}

/// The records `filter` matches, in their order. The query runs as it does over the
/// loaded data: over a scratch store of this file's records (so its plan binds to their
/// strings), which is then dropped.
fn matching(filter: &crate::query::Ast, records: Vec<Record<'static>>) -> Vec<Record<'static>> {
    let mut scratch = Store::default();
    // Which record each scratch event came from (duplicates within the file share one).
    let mut origin = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        if let Added::New(_) | Added::Reused(_) = scratch.add(record.clone(), FileId(0)) {
            origin.push(i);
        }
    }
    scratch.finish();
    let plan = crate::query::compile(filter, &scratch);
    let mut keep = vec![false; records.len()];
    for id in crate::query::filter(&scratch, &plan) {
        keep[origin[id.0 as usize]] = true;
    }
    records
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Format;

    #[test]
    fn a_full_store_is_reported_as_skipped_records_not_duplicates() {
        let mut report = FileReport::new("a.json", Format::CloudTrailRecords);
        Counts {
            kept: 2,
            full: 3,
            ..Counts::default()
        }
        .write_to(&mut report);
        assert_eq!((report.kept, report.duplicates, report.skipped), (2, 0, 3));
        assert!(report.notes.iter().any(|n| n.contains("store is full")));
    }
}
