//! The table's order: time (the view's own order), or any column's text, A→Z (ties keep
//! time order).
//!
//! Entry point: [`by_column`].

use crate::store::intern::Sym;
use crate::store::{Column, EventId, FileId, Store};

/// What a table column sorts by, from its key in links (`sort=account`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Column(Column),
    /// The file the event was read from.
    File,
}

impl SortKey {
    /// `None` for time (and unknown keys): the view is already in time order.
    pub fn from_key(key: &str) -> Option<SortKey> {
        let column = match key {
            "name" => Column::EventName,
            "source" => Column::EventSource,
            "principal" => Column::Principal,
            "identity" => Column::IdentityType,
            "account" => Column::Account,
            "region" => Column::Region,
            "error" => Column::ErrorCode,
            "ip" => Column::SourceIp,
            "agent" => Column::UserAgent,
            "readonly" => Column::ReadOnly,
            "type" => Column::EventType,
            "eventid" => Column::EventId,
            "file" => return Some(SortKey::File),
            _ => return None,
        };
        Some(SortKey::Column(column))
    }
}

/// `view` (in time order) sorted by `key`'s text, A→Z, a stable sort so that equal
/// values stay in time order; missing values last. `file_name` names a file by id.
pub fn by_column(
    store: &Store,
    view: &[EventId],
    key: SortKey,
    file_name: &dyn Fn(FileId) -> String,
) -> Vec<EventId> {
    // Rank each distinct value once (a million events share a few thousand values), then
    // sort the events by rank.
    let value_of: Box<dyn Fn(EventId) -> u32> = match key {
        SortKey::Column(column) => {
            let col = store.column(column);
            Box::new(move |id| col.get(id.0 as usize).map_or(Sym::NONE.0, |s| s.0))
        }
        SortKey::File => Box::new(move |id| store.file(id).map_or(u32::MAX, |f| f.0)),
    };
    let mut distinct: Vec<u32> = view.iter().map(|&id| value_of(id)).collect();
    distinct.sort_unstable();
    distinct.dedup();
    let text = |v: u32| -> Option<String> {
        match key {
            SortKey::Column(_) if v == Sym::NONE.0 => None,
            SortKey::Column(_) => Some(store.resolve(Sym(v)).to_owned()),
            SortKey::File if v == u32::MAX => None,
            SortKey::File => Some(file_name(FileId(v))),
        }
    };
    let mut named: Vec<(Option<String>, u32)> = distinct.iter().map(|&v| (text(v), v)).collect();
    // Missing or empty values last; then by text, ignoring ASCII case first.
    named.sort_by(|(a, _), (b, _)| {
        let blank = |t: &Option<String>| t.as_deref().is_none_or(str::is_empty);
        blank(a).cmp(&blank(b)).then_with(|| {
            let (a, b) = (a.as_deref().unwrap_or(""), b.as_deref().unwrap_or(""));
            a.to_ascii_lowercase()
                .cmp(&b.to_ascii_lowercase())
                .then_with(|| a.cmp(b))
        })
    });
    let mut ranks = vec![0u32; distinct.len()];
    for (rank, (_, v)) in named.iter().enumerate() {
        if let Ok(i) = distinct.binary_search(v) {
            ranks[i] = rank as u32;
        }
    }
    let rank_of = |v: u32| -> u32 {
        distinct
            .binary_search(&v)
            .ok()
            .and_then(|i| ranks.get(i).copied())
            .unwrap_or(u32::MAX)
    };
    let mut keyed: Vec<(u32, EventId)> =
        view.iter().map(|&id| (rank_of(value_of(id)), id)).collect();
    // Stable: equal values keep the view's time order.
    keyed.sort_by_key(|&(rank, _)| rank);
    keyed.into_iter().map(|(_, id)| id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_text_keeps_time_order_within_a_value_and_puts_blanks_last() {
        let mut session = crate::session::Session::default();
        let rec = |id: &str, t: &str, region: &str| {
            let region = if region.is_empty() {
                String::new()
            } else {
                format!(r#","awsRegion":"{region}""#)
            };
            format!(
                r#"{{"eventVersion":"1.08","eventID":"{id}","eventTime":"{t}","eventName":"X","eventSource":"s3.amazonaws.com"{region}}}"#
            )
        };
        let text = format!(
            r#"{{"Records":[{},{},{},{}]}}"#,
            rec("a", "2024-01-01T00:00:04Z", "us-east-1"),
            rec("b", "2024-01-01T00:00:01Z", ""),
            rec("c", "2024-01-01T00:00:02Z", "eu-west-1"),
            rec("d", "2024-01-01T00:00:03Z", "US-east-1"),
        );
        session.add_file("f.json", text.as_bytes());
        session.finish();
        let store = session.store();
        let sorted = by_column(
            store,
            store.sorted(),
            SortKey::Column(Column::Region),
            &|_| String::new(),
        );
        let ids: Vec<String> = sorted
            .iter()
            .map(|&id| store.row(id).unwrap().event_id)
            .collect();
        assert_eq!(ids, ["c", "d", "a", "b"]);
    }
}
