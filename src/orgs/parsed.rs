//! Organizations records parsed once, as they arrive, and kept compact: the fields every
//! lifecycle reads as interned symbols and a text arena, the five objects only for records
//! that have any. A report then parses nothing; the record's text is read again only for
//! the rare ties [`super::record::prepare`] compares whole and the actors of rows.
//!
//! Entry points: [`OrgRecords::push`], [`OrgRecords::set`], [`super::reconstruct_parsed`].
//!
//! Implementation note: the symbols are the strings [`Fields`] read (trimmed, numbers as
//! text), so a record read from here is the record [`super::record::read`] makes of its
//! `Value` (tests/orgs_golden.rs, and `reconstruct_texts` is this path).

use std::borrow::Cow;

use serde_json::Value;

use super::record::{Fields, Identity, Parsed, Rec, Reread, Whole};
use crate::store::intern::{Interner, Sym};
use crate::time::EpochMillis;

static NULL: Value = Value::Null;

#[derive(Default)]
pub struct OrgRecords {
    /// eventSource, eventName, awsRegion, errorCode, recipientAccountId and the caller's
    /// account: few distinct values.
    symbols: Interner,
    /// eventIDs and error messages (nearly all distinct: no hash map).
    texts: Arena,
    slots: Vec<Slot>,
    /// The five objects of each record with any, as compact JSON `[req, resp, service,
    /// additional, resources]`: a `Value` each would cost ~700 bytes for the two-key
    /// objects of a `List*` call (a B-tree node per map), the text ~40.
    objects: Arena,
    /// Records the typed parse refused, whole.
    wholes: Vec<Value>,
}

enum Slot {
    Typed(Row),
    Whole(u32),
    Unreadable,
}

struct Row {
    event_id: Option<u32>,
    error_message: Option<u32>,
    source: Sym,
    name: Sym,
    region: Sym,
    error_code: Sym,
    recipient: Sym,
    caller_account: Sym,
    time: Option<EpochMillis>,
    /// Index in `objects`, for records with any of the five objects.
    objects: Option<u32>,
}

/// The objects lifecycles read (null where absent), parsed for one report.
#[derive(serde::Deserialize)]
struct Objects(Value, Value, Value, Value, Value);

/// The [`Objects`] of each record that has any, in `OrgRecords::objects` order.
pub(crate) struct ParsedObjects(Vec<Objects>);

/// Strings end to end, each named by its index.
#[derive(Default)]
struct Arena {
    text: String,
    ends: Vec<u32>,
}

impl Arena {
    fn push(&mut self, s: Option<String>) -> Option<u32> {
        let s = s?;
        self.text.push_str(&s);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        Some(self.ends.len() as u32 - 1)
    }

    fn len(&self) -> u32 {
        self.ends.len() as u32
    }

    fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4
    }

    fn get(&self, at: u32) -> &str {
        let at = at as usize;
        let start = at.checked_sub(1).map_or(0, |i| self.ends[i]) as usize;
        self.text.get(start..self.ends[at] as usize).unwrap_or("")
    }
}

impl OrgRecords {
    /// Parses a record's text and keeps what the report reads of it; its index is the
    /// number of records pushed before it.
    pub fn push(&mut self, text: &str) {
        let slot = self.slot(text);
        self.slots.push(slot);
    }

    /// Replaces record `at` (a summary upgraded to its full record).
    pub fn set(&mut self, at: usize, text: &str) {
        let slot = self.slot(text);
        if let Some(old) = self.slots.get_mut(at) {
            *old = slot;
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    fn slot(&mut self, text: &str) -> Slot {
        let f = match Fields::parse(text) {
            Parsed::Fields(f) => f,
            Parsed::Whole(v) => {
                self.wholes.push(v);
                return Slot::Whole(self.wholes.len() as u32 - 1);
            }
            Parsed::Unreadable => return Slot::Unreadable,
        };
        let five = [&f.req, &f.resp, &f.service, &f.additional, &f.resources];
        let objects = match five.iter().any(|v| !v.is_null()) {
            // Serializing a `Value` cannot fail (its keys are strings).
            true => self.objects.push(serde_json::to_string(&five).ok()),
            false => None,
        };
        let mut sym = |s: Option<String>| self.symbols.intern(s.as_deref());
        Slot::Typed(Row {
            source: sym(f.source),
            name: sym(f.name),
            region: sym(f.region),
            error_code: sym(f.error_code),
            recipient: sym(f.recipient),
            caller_account: sym(f.caller_account),
            event_id: self.texts.push(f.event_id),
            error_message: self.texts.push(f.error_message),
            time: f.time,
            objects,
        })
    }

    /// Record `at` as the report reads it: `None` for records that are not Organizations
    /// records, or not JSON.
    pub(crate) fn read<'a>(
        &'a self,
        at: usize,
        parsed: &'a ParsedObjects,
        reread: Reread<'a>,
    ) -> Option<Rec<'a>> {
        let row = match self.slots.get(at)? {
            Slot::Typed(row) => row,
            Slot::Whole(i) => return super::record::read(self.wholes.get(*i as usize)?),
            Slot::Unreadable => return None,
        };
        let sym = |s: Sym| self.symbols.resolve_opt(s).map(Cow::Borrowed);
        let (source, name) = (sym(row.source)?, sym(row.name)?);
        if !super::is_org_event(&source, &name) {
            return None;
        }
        let objects = row.objects.and_then(|i| parsed.0.get(i as usize));
        let object = |f: fn(&Objects) -> &Value| objects.map_or(&NULL, f);
        Some(Rec {
            event_id: row.event_id.map(|i| Cow::Borrowed(self.texts.get(i))),
            time: row.time,
            region: sym(row.region),
            error_code: sym(row.error_code),
            error_message: row.error_message.map(|i| Cow::Borrowed(self.texts.get(i))),
            caller_account: sym(row.caller_account),
            identity: Identity::Reread(at, reread),
            recipient: sym(row.recipient),
            req: object(|o| &o.0),
            resp: object(|o| &o.1),
            service: object(|o| &o.2),
            additional: object(|o| &o.3),
            resources: object(|o| &o.4),
            source,
            name,
            whole: Whole::At(at),
            canonical: None,
        })
    }

    /// The objects of every record that has any, parsed for one report (a few ms per
    /// 100,000 records: they are small).
    pub(crate) fn parse_objects(&self) -> ParsedObjects {
        let parse = |i| serde_json::from_str(self.objects.get(i)).ok();
        let null = || {
            Objects(
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            )
        };
        ParsedObjects(
            (0..self.objects.len())
                .map(|i| parse(i).unwrap_or_else(null))
                .collect(),
        )
    }

    /// Heap bytes held (for memory measurements).
    pub fn heap_bytes(&self) -> usize {
        // The interner's share is small (few distinct values), and the records parsed
        // whole (nearly never) are counted by their slots only.
        [&self.texts, &self.objects]
            .iter()
            .map(|a| a.heap_bytes())
            .sum::<usize>()
            + self.slots.capacity() * size_of::<Slot>()
            + self.wholes.capacity() * size_of::<Value>()
    }
}
