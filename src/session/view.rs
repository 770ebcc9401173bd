//! What the table shows: the timeline's last matches (or, after a load, everything), in
//! time order or sorted by a column, served oldest or newest first; and the scope the
//! timeline last ran over.

use crate::protocol::ViewFilter;
use crate::store::{EventId, Store};
use crate::timeline::{Timeline, TimelineAnswer, TimelineQuery};

#[derive(Default)]
pub(super) struct View {
    pub(super) timeline: Timeline,
    /// The table's events are the timeline's last answer ([`Timeline::view`]); when
    /// false, all of them.
    is_timeline: bool,
    /// Rows are served newest first (or Z→A by the sort column).
    descending: bool,
    /// The view sorted by a column ([`TimelineQuery::sort`]); `None`: in time order.
    ordered: Option<Vec<EventId>>,
    /// The timeline's scope (a lifecycle's events, a rule's) at a data version, with its
    /// events (`None`: all).
    scope: Option<(ViewFilter, u32, Option<Vec<EventId>>)>,
    /// Counts scope changes: the timeline's cache key.
    scope_epoch: u32,
}

impl View {
    /// Everything loaded, in time order (a load just finished).
    pub(super) fn show_all(&mut self) {
        self.is_timeline = false;
        self.ordered = None;
    }

    /// Nothing (the query is refused).
    pub(super) fn show_none(&mut self) {
        self.ordered = None;
        self.timeline.clear_view();
        self.is_timeline = true;
    }

    /// The scope's events must be computed again (a rule's matches changed).
    pub(super) fn forget_scope(&mut self) {
        self.scope = None;
    }

    /// Whether the timeline's scope is `scope` at data `version` already.
    pub(super) fn has_scope(&self, scope: &ViewFilter, version: u32) -> bool {
        matches!(&self.scope, Some((f, v, _)) if f == scope && *v == version)
    }

    /// Sets the timeline's scope and its events (`None`: all).
    pub(super) fn set_scope(&mut self, scope: ViewFilter, version: u32, ids: Option<Vec<EventId>>) {
        self.scope = Some((scope, version, ids));
        // The timeline's cached hits were of the old scope.
        self.scope_epoch += 1;
    }

    /// Runs the query over the scope; its matches become the view.
    pub(super) fn run(&mut self, store: &Store, query: &TimelineQuery) -> TimelineAnswer {
        let key = u64::from(self.scope_epoch);
        let events = match &self.scope {
            Some((_, _, Some(ids))) => ids,
            _ => store.sorted(),
        };
        let answer = self.timeline.run(store, events, key, query);
        self.is_timeline = true;
        self.descending = query.descending;
        self.ordered = None;
        answer
    }

    /// Sorts the view by a column (after [`View::run`]).
    pub(super) fn sort(&mut self, ordered: Option<Vec<EventId>>) {
        self.ordered = ordered;
    }

    /// The view's events in time (or column) order.
    pub(super) fn ids<'a>(&'a self, store: &'a Store) -> &'a [EventId] {
        if let Some(ordered) = &self.ordered {
            return ordered;
        }
        match self.is_timeline {
            true => self.timeline.view(),
            false => store.sorted(),
        }
    }

    /// Events `offset..offset + len` in the order rows are served.
    pub(super) fn page(&self, store: &Store, offset: usize, len: usize) -> Vec<EventId> {
        let view = self.ids(store);
        if self.descending {
            let end = view.len().saturating_sub(offset);
            view[end.saturating_sub(len)..end]
                .iter()
                .rev()
                .copied()
                .collect()
        } else {
            view.iter().skip(offset).take(len).copied().collect()
        }
    }

    /// The row index of an event in the order rows are served.
    pub(super) fn position(&self, store: &Store, id: EventId) -> Option<u32> {
        let view = self.ids(store);
        let at = view.iter().position(|&v| v == id)?;
        let index = if self.descending {
            view.len() - 1 - at
        } else {
            at
        };
        Some(index as u32)
    }

    /// The view's events in the order rows are served.
    pub(super) fn in_order(&self, store: &Store) -> Vec<EventId> {
        let mut ids = self.ids(store).to_vec();
        if self.descending {
            ids.reverse();
        }
        ids
    }
}
