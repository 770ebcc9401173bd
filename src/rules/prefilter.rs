//! Narrowing the events a pattern may match with the store's columns, before any record
//! text is read: most rules name an event source, name or type, and the store already
//! keeps those per event as interned symbols, so each distinct value is judged once and
//! only the events left (the candidates) go through [`Pattern::matches_record`].
//!
//! Exactly conservative: an event left out cannot match. A column holds a record field as
//! `Record::from_json` reads it: a string, a number or bool spelled as text, and no value
//! for an absent key, `""`, `null`, an array or an object. So a value stands for the
//! leaves it can come from, and a condition must reject them all:
//! - text that reads as a number or bool may be that number or bool (for an envelope
//!   field, which only a string sets: no field);
//! - no value is no leaf when the record is [plain](is_plain), else any leaves at all (an
//!   array holds anything; an array of one string also sets the envelope field it feeds);
//! - a path with a dot (`userIdentity.type`) also has the leaves of a top-level key spelled
//!   with that dot (`{"userIdentity.type": "Root"}`), which no column shows: outside plain
//!   records, it may hold anything.
//!
//! Whether a record is plain takes its text, so a caller asks only for events that the
//! columns alone leave as candidates of an unsure record ([`Candidates::contains`]), and
//! keeps the answer.

use super::envelope::{detail_type, source, EnvelopeKey, Place};
use super::leaves::Scalar;
use super::matcher::{Cond, Matcher};
use super::pattern::Pattern;
use crate::store::intern::Sym;
use crate::store::{Column, EventId, Store};

/// The record paths the prefilter reads from columns, and the key whose absence from the
/// text shows that a column without value means no leaf.
const COLUMNS: &[(&str, Column, &str)] = &[
    ("eventSource", Column::EventSource, "\"eventSource\""),
    ("eventName", Column::EventName, "\"eventName\""),
    ("eventType", Column::EventType, "\"eventType\""),
    ("awsRegion", Column::Region, "\"awsRegion\""),
    ("errorCode", Column::ErrorCode, "\"errorCode\""),
    ("sourceIPAddress", Column::SourceIp, "\"sourceIPAddress\""),
    ("userAgent", Column::UserAgent, "\"userAgent\""),
    (
        "userIdentity.type",
        Column::IdentityType,
        "\"userIdentity\"",
    ),
];

/// Which events a pattern may match (see [`candidates`]); bits by `EventId`, `None` when
/// some `$or` combination names no column (every event is a candidate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    /// Events the columns leave possible if the record is [plain](is_plain) ...
    pub plain: Option<Vec<u64>>,
    /// ... and if it is not (a superset).
    pub unsure: Option<Vec<u64>>,
    /// The pattern reads an envelope field (other than the constant `version`), so it needs
    /// each candidate's [`EnvelopeFields`](super::EnvelopeFields); without, an envelope
    /// that knows nothing decides it from the record text alone (a cheaper, narrower read).
    pub envelope: bool,
}

impl Candidates {
    /// Whether event `i` is a candidate; `plain` says whether its record [is
    /// plain](is_plain), asked only when that decides it.
    pub fn contains(&self, i: usize, plain: impl FnOnce() -> bool) -> bool {
        has(&self.plain, i) || (has(&self.unsure, i) && !plain())
    }

    /// The candidates of any of `all`, over `events` events.
    pub fn union(all: &[Candidates], events: usize) -> Candidates {
        let mut out = Candidates {
            plain: Some(vec![0; events.div_ceil(64)]),
            unsure: Some(vec![0; events.div_ceil(64)]),
            envelope: false,
        };
        for c in all {
            or_into(&mut out.plain, c.plain.as_deref());
            or_into(&mut out.unsure, c.unsure.as_deref());
            out.envelope |= c.envelope;
        }
        out
    }
}

/// `acc |= bits`, where `None` is every event.
fn or_into(acc: &mut Option<Vec<u64>>, bits: Option<&[u64]>) {
    match (acc.as_mut(), bits) {
        (Some(acc), Some(bits)) => acc.iter_mut().zip(bits).for_each(|(a, b)| *a |= b),
        (_, None) => *acc = None,
        (None, Some(_)) => {}
    }
}

fn has(bits: &Option<Vec<u64>>, i: usize) -> bool {
    bits.as_ref().is_none_or(|b| crate::bits::get(b, i))
}

/// Whether the store's columns describe event `id`'s record (its text `record_json`)
/// exactly, as far as the prefilter reads them: no key spelled with a `\u` escape (the
/// only escape these key names can use) or with a dot after `userIdentity`, and, for
/// each column without value, no such key anywhere in the text.
pub fn is_plain(store: &Store, id: EventId, record_json: &str) -> bool {
    !record_json.contains("\\u")
        && !record_json.contains("userIdentity.")
        && COLUMNS.iter().all(|&(_, column, key)| {
            store
                .column(column)
                .get(id.0 as usize)
                .is_none_or(|s| !s.is_none())
                || !record_json.contains(key)
        })
}

/// The candidates of each pattern over the store's events. Conditions shared by several
/// patterns (the starter rules all name `aws.organizations`) are judged once.
pub fn candidates(patterns: &[&Pattern], store: &Store) -> Vec<Candidates> {
    let words = store.len().div_ceil(64);
    let mut terms: Vec<(Term<'_>, [Vec<u64>; 2])> = Vec::new();
    patterns
        .iter()
        .map(|pattern| {
            // [plain, unsure], each the union over combinations.
            let mut events = [Some(vec![0u64; words]), Some(vec![0u64; words])];
            for sub in &pattern.subs {
                // The intersection over the combination's column conditions.
                let mut sub_bits: Option<[Vec<u64>; 2]> = None;
                let mut impossible = false;
                for &(p, c) in sub {
                    let (Some(spec), Some(cond)) = (pattern.paths.get(p), pattern.conds.get(c))
                    else {
                        continue;
                    };
                    let field = match Field::of(&spec.place) {
                        Some(Field::Fixed(value)) => {
                            impossible |= !cond.decide_alone(value.as_ref());
                            continue;
                        }
                        Some(field) => field,
                        None => continue,
                    };
                    let term = Term { field, cond };
                    let index = match terms.iter().position(|(t, _)| *t == term) {
                        Some(i) => i,
                        None => {
                            let bits = term.events(store);
                            terms.push((term, bits));
                            terms.len() - 1
                        }
                    };
                    let bits = &terms[index].1;
                    match &mut sub_bits {
                        Some(acc) => {
                            for (a, b) in acc.iter_mut().zip(bits) {
                                a.iter_mut().zip(b).for_each(|(a, b)| *a &= b);
                            }
                        }
                        None => sub_bits = Some(bits.clone()),
                    }
                }
                if impossible {
                    continue;
                }
                for (k, acc) in events.iter_mut().enumerate() {
                    or_into(acc, sub_bits.as_ref().map(|sub| &sub[k][..]));
                }
            }
            let [plain, unsure] = events;
            Candidates {
                plain,
                unsure,
                envelope: pattern.paths.iter().any(
                    |p| matches!(p.place, Place::Envelope(key) if key != EnvelopeKey::Version),
                ),
            }
        })
        .collect()
}

/// Where a path's leaves can be told without the record text.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    /// The same for every record (`version`, paths no wrapped record has).
    Fixed(Option<Scalar<'static>>),
    /// An envelope field computed from a column.
    Envelope(EnvelopeKey, Column),
    /// A record field a column holds; `true` when its path has a dot.
    Record(Column, bool),
}

impl Field {
    fn of(place: &Place) -> Option<Field> {
        Some(match place {
            Place::Nowhere => Field::Fixed(None),
            Place::Envelope(EnvelopeKey::Version) => Field::Fixed(Some(Scalar::Str("0".into()))),
            Place::Envelope(key @ EnvelopeKey::Source) => {
                Field::Envelope(*key, Column::EventSource)
            }
            Place::Envelope(key @ EnvelopeKey::DetailType) => {
                Field::Envelope(*key, Column::EventType)
            }
            Place::Envelope(key @ EnvelopeKey::Region) => Field::Envelope(*key, Column::Region),
            // `account` falls back on userIdentity.accountId in ways no column shows.
            Place::Envelope(_) => return None,
            Place::Detail { rest, .. } => {
                let rest = rest.as_deref()?;
                let &(path, column, _) = COLUMNS.iter().find(|(path, ..)| *path == rest)?;
                Field::Record(column, path.contains('.'))
            }
        })
    }
}

/// One condition on one column.
#[derive(PartialEq)]
struct Term<'p> {
    field: Field,
    cond: &'p Cond,
}

impl Term<'_> {
    /// The events whose column value the condition does not rule out, if their record is
    /// plain and if it is not.
    fn events(&self, store: &Store) -> [Vec<u64>; 2] {
        let words = store.len().div_ceil(64);
        let column = match self.field {
            Field::Envelope(_, column) | Field::Record(column, _) => column,
            Field::Fixed(_) => return [vec![u64::MAX; words], vec![u64::MAX; words]],
        };
        // Per symbol: 0 not judged yet, else 1 + possible if plain + 2 × possible if not.
        let mut verdicts = vec![0u8; store.symbol_count()];
        let mut bits = [vec![0u64; words], vec![0u64; words]];
        for (i, &sym) in store.column(column).iter().enumerate() {
            let slot = sym.0 as usize;
            let v = match verdicts.get(slot) {
                Some(&v) if v != 0 => v,
                _ => {
                    let v = 1
                        + u8::from(self.possible(store, sym, true))
                        + 2 * u8::from(self.possible(store, sym, false));
                    if let Some(cell) = verdicts.get_mut(slot) {
                        *cell = v;
                    }
                    v
                }
            };
            for (k, b) in bits.iter_mut().enumerate() {
                if (v - 1) >> k & 1 == 1 {
                    crate::bits::insert(b, i);
                }
            }
        }
        bits
    }

    /// Whether a record whose column holds `sym` may satisfy the condition.
    fn possible(&self, store: &Store, sym: Sym, plain: bool) -> bool {
        let text = store.resolve(sym);
        let cond = self.cond;
        let decide =
            |value: Option<&str>| cond.decide_alone(value.map(|v| Scalar::Str(v.into())).as_ref());
        if text.is_empty() {
            return !plain || decide(None);
        }
        let other_type = text.parse::<f64>().is_ok() || text == "true" || text == "false";
        match &self.field {
            Field::Fixed(_) => true,
            Field::Envelope(key, _) => {
                let value = match key {
                    EnvelopeKey::Source => source(text),
                    EnvelopeKey::DetailType => detail_type(text).map(str::to_owned),
                    _ => Some(text.to_owned()),
                };
                decide(value.as_deref()) || (other_type && decide(None))
            }
            Field::Record(_, dotted) => {
                (*dotted && !plain)
                    || cond.accepts(&Scalar::Str(text.into()))
                    || (other_type && cond.matchers.iter().any(Matcher::accepts_non_strings))
            }
        }
    }
}
