//! The event store: one row per unique event, columns of interned symbols, sorted by time.
//!
//! Entry points: [`Store::add`] (dedupes by [`EventKey`]), [`Store::finish`] (re-sorts), and
//! the read side ([`Store::sorted`], [`Store::row`], [`Store::raw`], [`Store::stats`]).
//!
//! Implementation note: ids are `u32` newtypes and columns are `Vec`s of `u32`/`i64`, never
//! `usize` or per-event `String`s: wasm32 has a 4 GiB address space, and a million events
//! must fit with room for the page. Record texts, the bulk of it, are kept in compressed
//! blocks (`raw`).

pub mod agent;
pub mod intern;
mod raw;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

// The session keeps a second, smaller text store of its own (the Organizations records).
use raw::BlockFilter;
pub use raw::{RawId, RawStore, RawText};

use crate::event::{EventKey, Record};
use crate::store::intern::{Interner, Sym};
use crate::time::EpochMillis;

/// A dense event id: an index into the store's columns, stable while the store lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventId(pub u32);

/// A dense id of an input file (its index in the ledger).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FileId(pub u32);

/// What [`Store::add`] did with a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    New(EventId),
    /// A new event whose eventID an event already stored has (a different record: other
    /// time, name or source).
    Reused(EventId),
    /// The same event ([`EventKey`]; without an eventID, the same text) as one already
    /// stored.
    Duplicate(EventId),
    /// A full record replaced the CSV summary of the same event.
    Upgraded(EventId),
    /// Not stored: the store holds as many events as an [`EventId`] can number.
    Full,
}

/// What [`Store::same_event`] found.
enum Found {
    Same(EventId),
    /// The eventID is new.
    Unseen,
    /// The eventID is stored, for different events only.
    Reused,
}

/// Time column value for "no usable eventTime"; sorts after every real time.
const NO_TIME: EpochMillis = i64::MAX;
/// No event (in [`Store::by_event_id`]).
const NO_EVENT: EventId = EventId(u32::MAX);

#[derive(Default)]
pub struct Store {
    strings: Interner,
    time: Vec<EpochMillis>,
    /// The string columns, one per [`Column`] (indexed by its discriminant).
    syms: [Vec<Sym>; Column::ALL.len()],
    summary_only: Vec<bool>,
    file: Vec<FileId>,
    raw: RawStore,
    /// The event of each eventID, indexed by the eventID's symbol ([`NO_EVENT`] for
    /// symbols that are not eventIDs): denser and faster than a map, as nearly every
    /// eventID is a string of its own.
    by_event_id: Vec<EventId>,
    /// The other events of an eventID reused by different records (rare: documentation
    /// examples, rule-test fixtures), by the eventID's symbol.
    reused: HashMap<Sym, Vec<EventId>, foldhash::fast::RandomState>,
    /// For records without an eventID: a hash of their text.
    by_text: HashMap<u64, EventId, foldhash::fast::RandomState>,
    sorted: Vec<EventId>,
}

/// One event's display fields, resolved to strings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub id: EventId,
    /// Names of the watch rules that match this event (filled by the session).
    pub rules: Vec<String>,
    pub event_id: String,
    pub time: Option<EpochMillis>,
    pub name: String,
    pub source: String,
    pub principal: String,
    pub identity_type: String,
    pub account: String,
    pub region: String,
    pub error_code: String,
    pub source_ip: String,
    pub user_agent: String,
    /// `"true"`, `"false"`, or `""` when the record does not say.
    pub read_only: String,
    pub event_type: String,
    pub summary_only: bool,
    /// The file it was read from (filled by the session; the first, for a duplicate).
    #[serde(default)]
    pub file: String,
    /// What the loaded digests say about the event's file (filled by the session;
    /// `None` while the digests are still being validated).
    #[serde(default)]
    pub vouch: Option<Vouch>,
}

/// Counts for the load summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub events: u32,
    pub first_time: Option<EpochMillis>,
    pub last_time: Option<EpochMillis>,
    pub without_time: u32,
    pub with_error: u32,
    pub summary_only: u32,
    /// (account, events), most events first.
    pub accounts: Vec<(String, u32)>,
    /// (region, events), most events first.
    pub regions: Vec<(String, u32)>,
}

impl Store {
    pub fn len(&self) -> usize {
        self.time.len()
    }

    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Adds a record unless the same event ([`EventKey`]) is already stored.
    pub fn add(&mut self, record: Record, file: FileId) -> Added {
        let s = &mut self.strings;
        let key = EventKey {
            event_id: s.intern(record.event_id.as_deref()),
            time: record.event_time,
            name: s.intern(record.event_name.as_deref()),
            source: s.intern(record.event_source.as_deref()),
        };
        let found = if key.event_id.is_none() {
            match self.by_text.get(&text_hash(&record.raw)) {
                Some(&id) => Found::Same(id),
                None => Found::Unseen,
            }
        } else {
            self.same_event(&key, record.summary_only)
        };
        match found {
            Found::Same(id) => {
                let i = id.0 as usize;
                if self.summary_only[i] && !record.summary_only {
                    self.write(i, record, file, key);
                    return Added::Upgraded(id);
                }
                return Added::Duplicate(id);
            }
            Found::Unseen | Found::Reused => {}
        }
        let Ok(index) = u32::try_from(self.len()) else {
            // 4 billion events cannot fit in wasm32 memory anyway.
            return Added::Full;
        };
        let id = EventId(index);
        if key.event_id.is_none() {
            self.by_text.insert(text_hash(&record.raw), id);
        } else if matches!(found, Found::Reused) {
            self.reused.entry(key.event_id).or_default().push(id);
        } else {
            let i = key.event_id.0 as usize;
            if self.by_event_id.len() <= i {
                self.by_event_id.resize(i + 1, NO_EVENT);
            }
            self.by_event_id[i] = id;
        }
        self.push_empty();
        self.write(index as usize, record, file, key);
        self.sorted.push(id);
        if matches!(found, Found::Reused) {
            Added::Reused(id)
        } else {
            Added::New(id)
        }
    }

    /// The stored event a record with this key is, if any. The dense path: the first
    /// event of an eventID is one array index away, and nearly always the answer; only
    /// eventIDs reused by different records have more to compare.
    fn same_event(&self, key: &EventKey<Sym>, summary: bool) -> Found {
        let Some(first) = self.event_of(key.event_id) else {
            return Found::Unseen;
        };
        let others = self
            .reused
            .get(&key.event_id)
            .map_or(&[][..], Vec::as_slice);
        for &id in std::iter::once(&first).chain(others) {
            let have = self.key_of(id);
            let same = have == *key
                || (self.summary_only[id.0 as usize] && have.summarises(key, &Sym::NONE))
                || (summary && key.summarises(&have, &Sym::NONE));
            if same {
                return Found::Same(id);
            }
        }
        Found::Reused
    }

    /// The [`EventKey`] of a stored event.
    fn key_of(&self, id: EventId) -> EventKey<Sym> {
        let i = id.0 as usize;
        EventKey {
            event_id: self.column(Column::EventId)[i],
            time: self.time(id),
            name: self.column(Column::EventName)[i],
            source: self.column(Column::EventSource)[i],
        }
    }

    fn event_of(&self, event_id: Sym) -> Option<EventId> {
        let id = *self.by_event_id.get(event_id.0 as usize)?;
        (id != NO_EVENT).then_some(id)
    }

    fn push_empty(&mut self) {
        self.time.push(NO_TIME);
        for col in &mut self.syms {
            col.push(Sym::NONE);
        }
        self.summary_only.push(false);
        self.file.push(FileId(0));
        self.raw.push("");
    }

    /// Writes row `i` from a record whose key is already interned as `key`.
    fn write(&mut self, i: usize, r: Record, file: FileId, key: EventKey<Sym>) {
        let s = &mut self.strings;
        self.time[i] = r.event_time.unwrap_or(NO_TIME);
        let agent_family = r
            .user_agent
            .as_deref()
            .and_then(crate::store::agent::family);
        let read_only = r.read_only.map(|b| if b { "true" } else { "false" });
        for (column, sym) in [
            (Column::EventId, key.event_id),
            (Column::EventName, key.name),
            (Column::EventSource, key.source),
            (Column::Region, s.intern(r.aws_region.as_deref())),
            (Column::Account, s.intern(r.account())),
            (
                Column::Principal,
                s.intern(r.identity.principal().as_deref()),
            ),
            (Column::IdentityType, s.intern(r.identity.kind.as_deref())),
            (Column::ErrorCode, s.intern(r.error_code.as_deref())),
            (Column::EventType, s.intern(r.event_type.as_deref())),
            (Column::SourceIp, s.intern(r.source_ip.as_deref())),
            (Column::UserAgent, s.intern(r.user_agent.as_deref())),
            (Column::AgentFamily, s.intern(agent_family)),
            (Column::ReadOnly, s.intern(read_only)),
        ] {
            self.syms[column as usize][i] = sym;
        }
        self.summary_only[i] = r.summary_only;
        self.file[i] = file;
        self.raw.set(RawId(i as u32), &r.raw);
    }

    /// Sets each event's [`Column::Integrity`] from its file's value (by [`FileId`];
    /// `None`: no value for any event).
    pub fn set_integrity(&mut self, by_file: Option<&[&str]>) {
        let syms: Vec<Sym> = by_file
            .unwrap_or_default()
            .iter()
            .map(|v| self.strings.intern(Some(v)))
            .collect();
        for (cell, file) in self.syms[Column::Integrity as usize]
            .iter_mut()
            .zip(&self.file)
        {
            *cell = syms.get(file.0 as usize).copied().unwrap_or(Sym::NONE);
        }
    }

    /// Re-sorts by (eventTime, eventID) so the order never depends on file order.
    pub fn finish(&mut self) {
        let event_id = &self.syms[Column::EventId as usize];
        let (time, strings) = (&self.time, &self.strings);
        self.sorted.sort_unstable_by(|a, b| {
            let (a, b) = (a.0 as usize, b.0 as usize);
            time[a]
                .cmp(&time[b])
                .then_with(|| {
                    strings
                        .resolve(event_id[a])
                        .cmp(strings.resolve(event_id[b]))
                })
                .then_with(|| a.cmp(&b))
        });
    }

    /// Ids in (eventTime, eventID) order, as of the last [`Store::finish`].
    pub fn sorted(&self) -> &[EventId] {
        &self.sorted
    }

    /// The (first loaded) event with this eventID, if loaded.
    pub fn find(&self, event_id: &str) -> Option<EventId> {
        self.event_of(self.strings.get(event_id)?)
    }

    /// Every event with this eventID (more than one when different records reuse it).
    pub fn find_all(&self, event_id: &str) -> Vec<EventId> {
        let Some(sym) = self.strings.get(event_id) else {
            return Vec::new();
        };
        let others = self.reused.get(&sym).map_or(&[][..], Vec::as_slice);
        self.event_of(sym)
            .into_iter()
            .chain(others.iter().copied())
            .collect()
    }

    /// Every account and region seen, sorted.
    pub fn accounts_and_regions(&self) -> (BTreeSet<String>, BTreeSet<String>) {
        let set = |col: &[Sym]| {
            let syms: HashSet<Sym> = col.iter().copied().filter(|s| !s.is_none()).collect();
            syms.into_iter()
                .map(|s| self.strings.resolve(s).to_owned())
                .collect()
        };
        (
            set(self.column(Column::Account)),
            set(self.column(Column::Region)),
        )
    }

    /// The event's record text (JSON). Reading events in id order is cheapest: texts are
    /// stored in compressed blocks of consecutive ids (see `raw.rs`).
    pub fn raw(&self, id: EventId) -> Option<RawText<'_>> {
        self.raw.get(RawId(id.0))
    }

    /// Which events' record texts may contain every one of `needles` (lowercased bytes,
    /// ignoring ASCII case, JSON escapes decoded): a search can skip the others unread.
    pub fn texts_holding(&self, needles: &[&[u8]]) -> TextFilter<'_> {
        TextFilter(self.raw.blocks_holding(needles))
    }

    /// Heap bytes held by the record texts (for memory measurements).
    pub fn raw_heap_bytes(&self) -> usize {
        self.raw.heap_bytes()
    }

    pub fn time(&self, id: EventId) -> Option<EpochMillis> {
        self.time
            .get(id.0 as usize)
            .copied()
            .filter(|&t| t != NO_TIME)
    }

    pub fn file(&self, id: EventId) -> Option<FileId> {
        self.file.get(id.0 as usize).copied()
    }

    pub fn event_source(&self, id: EventId) -> &str {
        self.sym(self.column(Column::EventSource), id)
    }

    pub fn event_name(&self, id: EventId) -> &str {
        self.sym(self.column(Column::EventName), id)
    }

    fn sym(&self, col: &[Sym], id: EventId) -> &str {
        col.get(id.0 as usize)
            .map_or("", |&s| self.strings.resolve(s))
    }

    pub fn row(&self, id: EventId) -> Option<Row> {
        let i = id.0 as usize;
        if i >= self.len() {
            return None;
        }
        let text = |col: Column| self.strings.resolve(self.column(col)[i]).to_owned();
        Some(Row {
            id,
            rules: Vec::new(),
            event_id: text(Column::EventId),
            time: self.time(id),
            name: text(Column::EventName),
            source: text(Column::EventSource),
            principal: text(Column::Principal),
            identity_type: text(Column::IdentityType),
            account: text(Column::Account),
            region: text(Column::Region),
            error_code: text(Column::ErrorCode),
            source_ip: text(Column::SourceIp),
            user_agent: text(Column::UserAgent),
            read_only: text(Column::ReadOnly),
            event_type: text(Column::EventType),
            summary_only: self.summary_only[i],
            file: String::new(),
            vouch: None,
        })
    }

    /// The first and last eventTime loaded (events without one left out). A scan of one
    /// column: cheap enough for hot paths that need only this, unlike [`Store::stats`].
    pub fn time_span(&self) -> Option<(EpochMillis, EpochMillis)> {
        self.time
            .iter()
            .filter(|&&t| t != NO_TIME)
            .fold(None, |span, &t| match span {
                None => Some((t, t)),
                Some((first, last)) => Some((first.min(t), last.max(t))),
            })
    }

    pub fn stats(&self) -> Stats {
        let mut stats = Stats {
            events: self.len() as u32,
            ..Stats::default()
        };
        let span = self.time_span();
        stats.first_time = span.map(|(first, _)| first);
        stats.last_time = span.map(|(_, last)| last);
        stats.without_time = self.time.iter().filter(|&&t| t == NO_TIME).count() as u32;
        stats.with_error = self
            .column(Column::ErrorCode)
            .iter()
            .filter(|s| !s.is_none())
            .count() as u32;
        stats.summary_only = self.summary_only.iter().filter(|&&s| s).count() as u32;
        stats.accounts = self.counts(self.column(Column::Account));
        stats.regions = self.counts(self.column(Column::Region));
        stats
    }

    /// Value counts of a column, most frequent first, ties by value (never by Sym order).
    fn counts(&self, col: &[Sym]) -> Vec<(String, u32)> {
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for &s in col.iter().filter(|s| !s.is_none()) {
            *counts.entry(self.strings.resolve(s)).or_default() += 1;
        }
        let mut out: Vec<(String, u32)> =
            counts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

fn text_hash(text: &str) -> u64 {
    // DefaultHasher::new() is SipHash with fixed keys: stable within a run, which is all
    // dedupe needs.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

// --- query support

/// A string column of the store, by the field it holds (see [`Store::column`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    EventId,
    EventName,
    EventSource,
    Region,
    /// recipientAccountId, else userIdentity.accountId.
    Account,
    /// [`crate::event::Identity::principal`].
    Principal,
    /// userIdentity.type.
    IdentityType,
    ErrorCode,
    EventType,
    SourceIp,
    UserAgent,
    /// [`crate::store::agent::family`] of the user agent.
    AgentFamily,
    /// `"true"` / `"false"`.
    ReadOnly,
    /// [`Vouch::as_str`] of the event's file.
    Integrity,
}

impl Column {
    /// Every column, in discriminant order (the store's column array is indexed by it).
    pub const ALL: [Column; 14] = [
        Column::EventId,
        Column::EventName,
        Column::EventSource,
        Column::Region,
        Column::Account,
        Column::Principal,
        Column::IdentityType,
        Column::ErrorCode,
        Column::EventType,
        Column::SourceIp,
        Column::UserAgent,
        Column::AgentFamily,
        Column::ReadOnly,
        Column::Integrity,
    ];
}

impl Store {
    /// The time column's value for events without a usable eventTime (sorts last).
    pub const TIMELESS: EpochMillis = NO_TIME;

    /// One string column, indexed by `EventId.0`; `Sym::NONE` where the field is absent.
    pub fn column(&self, column: Column) -> &[Sym] {
        &self.syms[column as usize]
    }

    /// The time column, indexed by `EventId.0`; [`Store::TIMELESS`] where there is none.
    pub fn time_column(&self) -> &[EpochMillis] {
        &self.time
    }

    /// The string a column symbol stands for ("" for `Sym::NONE` or an unknown symbol).
    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.resolve(sym)
    }

    /// The symbol of a string, if some column holds it.
    pub fn lookup(&self, text: &str) -> Option<Sym> {
        self.strings.get(text)
    }

    /// Number of interned strings, "" included: every `Sym` in a column is below it.
    pub fn symbol_count(&self) -> usize {
        self.strings.len()
    }
}

/// What the loaded digests say about one loaded file (so about each of its events). Kept
/// with the rows it describes; [`crate::integrity`] decides it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Vouch {
    /// No valid loaded digest lists it.
    #[default]
    NotVouched,
    /// A valid digest (named from `AWSLogs/`) lists it with this very hash.
    Vouched { digest: String },
    /// A digest lists it with another hash, or it has bytes after the hashed part.
    Altered { digest: String },
}

impl Vouch {
    /// The facet's and the query field's value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Vouch::NotVouched => "not-vouched",
            Vouch::Vouched { .. } => "vouched",
            Vouch::Altered { .. } => "altered",
        }
    }
}

/// The events a text search must read ([`Store::texts_holding`]).
pub struct TextFilter<'a>(BlockFilter<'a>);

impl TextFilter<'_> {
    /// Whether the record of `id` may hold the needles (false: certainly not).
    pub fn may_hold(&self, id: EventId) -> bool {
        self.0.may_hold(RawId(id.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: Option<&str>, time: &str, summary: bool) -> Record<'static> {
        let raw = match id {
            Some(id) => format!(r#"{{"eventID":"{id}","eventTime":"{time}","eventName":"X"}}"#),
            None => format!(r#"{{"eventTime":"{time}","eventName":"X"}}"#),
        };
        let mut r = Record::from_json(&raw).unwrap().into_owned();
        r.summary_only = summary;
        r
    }

    #[test]
    fn dedupes_by_event_id_and_upgrades_summaries() {
        let mut store = Store::default();
        assert_eq!(
            store.add(record(Some("a"), "2020-01-02T00:00:00Z", true), FileId(0)),
            Added::New(EventId(0))
        );
        assert_eq!(
            store.add(record(Some("a"), "2020-01-02T00:00:00Z", true), FileId(1)),
            Added::Duplicate(EventId(0))
        );
        assert_eq!(
            store.add(record(Some("a"), "2020-01-02T00:00:00Z", false), FileId(2)),
            Added::Upgraded(EventId(0))
        );
        assert_eq!(
            store.add(record(Some("a"), "2020-01-02T00:00:00Z", true), FileId(3)),
            Added::Duplicate(EventId(0))
        );
        assert!(!store.row(EventId(0)).unwrap().summary_only);
        assert_eq!(store.file(EventId(0)), Some(FileId(2)));
        // Without an eventID, identical text is one event, different text is two.
        assert!(matches!(
            store.add(record(None, "2020-01-01T00:00:00Z", false), FileId(0)),
            Added::New(_)
        ));
        assert!(matches!(
            store.add(record(None, "2020-01-01T00:00:00Z", false), FileId(0)),
            Added::Duplicate(_)
        ));
        assert!(matches!(
            store.add(record(None, "2020-01-03T00:00:00Z", false), FileId(0)),
            Added::New(_)
        ));
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn a_reused_event_id_with_other_time_name_or_source_is_another_event() {
        let mut store = Store::default();
        let add = |store: &mut Store, text: &str, summary: bool| {
            let mut r = Record::from_json(text).unwrap();
            r.summary_only = summary;
            store.add(r, FileId(0))
        };
        let a = r#"{"eventID":"e","eventTime":"2020-01-01T00:00:00Z","eventName":"A","eventSource":"s"}"#;
        assert_eq!(add(&mut store, a, false), Added::New(EventId(0)));
        // Same four fields, other text (another trail's copy): the same event.
        let a2 = r#"{"eventID":"e","eventTime":"2020-01-01T00:00:00Z","eventName":"A","eventSource":"s","x":1}"#;
        assert_eq!(add(&mut store, a2, false), Added::Duplicate(EventId(0)));
        for (i, other) in [
            r#"{"eventID":"e","eventTime":"2020-01-02T00:00:00Z","eventName":"A","eventSource":"s"}"#,
            r#"{"eventID":"e","eventTime":"2020-01-01T00:00:00Z","eventName":"B","eventSource":"s"}"#,
            r#"{"eventID":"e","eventTime":"2020-01-01T00:00:00Z","eventName":"A","eventSource":"t"}"#,
        ]
        .into_iter()
        .enumerate()
        {
            let id = EventId(i as u32 + 1);
            assert_eq!(add(&mut store, other, false), Added::Reused(id));
            assert_eq!(add(&mut store, other, false), Added::Duplicate(id));
        }
        assert_eq!(store.find_all("e").len(), 4);
        assert_eq!(store.find("e"), Some(EventId(0)));
        // A summary (the CSV has no source here) is upgraded by the full record it
        // describes, and is a duplicate of the full record when it comes second.
        let s = r#"{"eventID":"f","eventTime":"2020-01-01T00:00:00Z","eventName":"A"}"#;
        let f = r#"{"eventID":"f","eventTime":"2020-01-01T00:00:00Z","eventName":"A","eventSource":"s"}"#;
        let id = EventId(4);
        assert_eq!(add(&mut store, s, true), Added::New(id));
        assert_eq!(add(&mut store, f, false), Added::Upgraded(id));
        assert_eq!(add(&mut store, s, true), Added::Duplicate(id));
        // A summary of another time is not that event.
        let late = r#"{"eventID":"f","eventTime":"2021-01-01T00:00:00Z","eventName":"A"}"#;
        assert_eq!(add(&mut store, late, true), Added::Reused(EventId(5)));
    }

    #[test]
    fn upgrades_replace_the_text_of_events_in_sealed_blocks() {
        let mut store = Store::default();
        let text = |i: usize, summary: bool| {
            let pad = if summary {
                String::new()
            } else {
                "x".repeat(i % 300)
            };
            format!(
                r#"{{"eventID":"e{i}","eventTime":"2020-01-02T00:00:00Z","full":{},"pad":"{pad}"}}"#,
                !summary
            )
        };
        let add = |store: &mut Store, i: usize, summary: bool| {
            let text = text(i, summary);
            let mut r = Record::from_json(&text).unwrap();
            r.summary_only = summary;
            store.add(r, FileId(0))
        };
        for i in 0..3000 {
            add(&mut store, i, true);
        }
        for i in (0..3000).step_by(7) {
            assert_eq!(
                add(&mut store, i, false),
                Added::Upgraded(EventId(i as u32))
            );
        }
        for i in 0..3000 {
            let raw = store.raw(EventId(i as u32)).unwrap();
            assert_eq!(&*raw, text(i, i % 7 != 0), "event {i}");
        }
    }

    #[test]
    fn columns_are_listed_in_discriminant_order() {
        for (i, c) in Column::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c:?}");
        }
    }

    #[test]
    fn sorts_by_time_then_event_id_with_timeless_last() {
        let mut store = Store::default();
        for (id, time) in [
            ("c", "2020-01-02T00:00:00Z"),
            ("b", "x"),
            ("a", "2020-01-02T00:00:00Z"),
            ("d", "2019-12-31T00:00:00Z"),
        ] {
            store.add(record(Some(id), time, false), FileId(0));
        }
        store.finish();
        let order: Vec<String> = store
            .sorted()
            .iter()
            .map(|&id| store.row(id).unwrap().event_id)
            .collect();
        assert_eq!(order, ["d", "a", "c", "b"]);
        let stats = store.stats();
        assert_eq!(stats.without_time, 1);
        assert_eq!(stats.first_time, crate::time::parse_timestamp("2019-12-31"));
    }
}
