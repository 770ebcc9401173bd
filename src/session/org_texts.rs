//! The texts of the Organizations records, set aside as they are stored: the report reads
//! these (about 1/8 of the texts on an organization trail, far less on others) rather than
//! decompress every record's.
//!
//! Entry points: [`OrgTexts::note`] (after each [`Store::add`]) and [`OrgTexts::texts`].
//!
//! Implementation note: each text is the store's text of its event, copied into a
//! [`RawStore`] of its own. The store is the authority on which events are org events:
//! [`OrgTexts::texts`] asks its columns again, so a text kept here for an event that an
//! upgrade made something else is left out, exactly as if the report had searched the store.

use std::collections::HashMap;

use crate::event::Record;
use crate::orgs;
use crate::store::{Added, EventId, RawId, RawStore, RawText, Store};

#[derive(Default)]
pub(super) struct OrgTexts {
    texts: RawStore,
    /// The event of each text, in [`RawId`] order.
    events: Vec<EventId>,
    /// The texts of summary-only events (CSV rows): only they can be upgraded to a full
    /// record, once. Empty on JSON trails.
    summaries: HashMap<EventId, RawId, foldhash::fast::RandomState>,
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
                (Some(at), Some(text)) => self.texts.set(at, text),
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
        let at = self.texts.push(text);
        self.events.push(id);
        if summary {
            self.summaries.insert(id, at);
        }
    }

    /// The org events' texts, in the order they were stored (each read once, block by
    /// block).
    pub(super) fn texts<'s>(
        &'s self,
        store: &'s Store,
    ) -> (usize, impl Fn(usize) -> Option<RawText<'s>>) {
        let at: Vec<RawId> = (0..self.events.len() as u32)
            .map(RawId)
            .filter(|&at| {
                let id = self.events[at.0 as usize];
                orgs::is_org_event(store.event_source(id), store.event_name(id))
            })
            .collect();
        (at.len(), move |i| self.texts.get(*at.get(i)?))
    }

    /// Heap bytes held (for memory measurements).
    pub(super) fn heap_bytes(&self) -> usize {
        self.texts.heap_bytes()
            + self.events.capacity() * size_of::<EventId>()
            + self.summaries.capacity() * (size_of::<(EventId, RawId)>() + 1)
    }
}
