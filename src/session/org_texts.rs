//! The Organizations records, set aside as they are stored: parsed once into the compact
//! form the report reads ([`OrgRecords`]). Their texts stay in the store, read again only
//! for the rare records the report compares whole and the actors of its rows.
//!
//! Entry points: [`OrgTexts::note`] (after each [`Store::add`]), [`OrgTexts::report`].
//!
//! Implementation note: each record is the store's text of its event. The store is the
//! authority on which events are org events: [`OrgTexts::report`] asks its columns again,
//! so a record kept here for an event that an upgrade made something else is left out,
//! exactly as if the report had searched the store.

use std::collections::HashMap;

use crate::event::Record;
use crate::orgs::{self, OrgContext, OrgRecords, OrgReport};
use crate::store::{Added, EventId, RawText, Store};

#[derive(Default)]
pub(super) struct OrgTexts {
    /// What the report reads of each record, in the order they were stored.
    records: OrgRecords,
    /// The event of each record.
    events: Vec<EventId>,
    /// The records of summary-only events (CSV rows): only they can be upgraded to a full
    /// record, once. Empty on JSON trails.
    summaries: HashMap<EventId, usize, foldhash::fast::RandomState>,
}

/// Whether the report reads `record` (the store's columns hold these very strings).
pub(super) fn is_org(record: &Record<'_>) -> bool {
    orgs::is_org_event(
        record.event_source.as_deref().unwrap_or_default(),
        record.event_name.as_deref().unwrap_or_default(),
    )
}

impl OrgTexts {
    /// Keeps the text of a record the store just took, as the store kept it: a new
    /// event's, or the full record that replaced a summary. `text`: the record's, for an
    /// org event ([`is_org`]) only; `summary`: whether the record is a summary.
    pub(super) fn note(&mut self, added: Added, text: Option<&str>, summary: bool) {
        match (added, text) {
            (Added::New(id) | Added::Reused(id), Some(text)) => self.push(id, text, summary),
            (Added::Upgraded(id), text) => match (self.summaries.remove(&id), text) {
                (Some(at), Some(text)) => self.records.set(at, text),
                // The summary did not say it was an org event (no eventSource).
                (None, Some(text)) => self.push(id, text, false),
                // Never in practice (a summary agrees with its full record on source and
                // name); the store's columns leave the old text out of the report.
                (_, None) => {}
            },
            _ => {}
        }
    }

    fn push(&mut self, id: EventId, text: &str, summary: bool) {
        if summary {
            self.summaries.insert(id, self.events.len());
        }
        self.records.push(text);
        self.events.push(id);
    }

    /// Whether the store still holds text `at` as an org event's.
    fn current(&self, store: &Store, at: usize) -> bool {
        let id = self.events[at];
        orgs::is_org_event(store.event_source(id), store.event_name(id))
    }

    /// The Organizations report of the org events.
    pub(super) fn report(&self, store: &Store, ctx: &OrgContext) -> OrgReport {
        let reread = |at: usize| serde_json::from_str(&store.raw(self.events[at])?).ok();
        orgs::reconstruct_parsed(&self.records, |at| self.current(store, at), &reread, ctx)
    }

    /// The org events' texts, in the order they were stored (from the store's blocks).
    pub(super) fn texts<'s>(
        &'s self,
        store: &'s Store,
    ) -> (usize, impl Fn(usize) -> Option<RawText<'s>>) {
        let ids: Vec<EventId> = (0..self.events.len())
            .filter(|&at| self.current(store, at))
            .map(|at| self.events[at])
            .collect();
        (ids.len(), move |i| store.raw(*ids.get(i)?))
    }

    /// Heap bytes held (for memory measurements).
    pub(super) fn heap_bytes(&self) -> usize {
        self.records.heap_bytes()
            + self.events.capacity() * size_of::<EventId>()
            + self.summaries.capacity() * (size_of::<(EventId, usize)>() + 1)
    }
}
