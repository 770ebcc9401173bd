//! The event side: the *leaves* (scalar values) found at a flattened path.
//!
//! An event is seen as `(path, value, array membership)` triples: objects add a `.`-joined
//! path segment, arrays add none (their elements sit at the array's own path), and every
//! array element that is an object or array records `(array id, index)` so a match can
//! refuse leaves taken from different elements of one array. Keys containing dots join like
//! nested keys, so `{"a.b": 1}` and `{"a": {"b": 1}}` both have a leaf at `a.b`.
//!
//! Two producers give the same leaves: [`collect`] walks a `serde_json::Value`, and
//! [`extract`] reads JSON text in one pass, building only the values at the requested
//! paths and skipping everything else with `IgnoredAny`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::number;

/// A JSON number as serde_json reads it (both producers go through serde_json, so an event
/// number is the same `Num` on both paths).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Num {
    U(u64),
    I(i64),
    F(f64),
}

impl Num {
    fn of(n: &serde_json::Number) -> Num {
        if let Some(u) = n.as_u64() {
            Num::U(u)
        } else if let Some(i) = n.as_i64() {
            Num::I(i)
        } else {
            // serde_json numbers are u64, i64 or finite f64 (no arbitrary_precision here).
            Num::F(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    /// The binary64 value when event-ruler would treat the number as comparable. A float's
    /// literal text is gone by now, so any finite float counts as comparable.
    pub(crate) fn comparable(self) -> Option<f64> {
        match self {
            Num::U(u) => number::comparable_u64(u),
            Num::I(i) => number::comparable_i64(i),
            Num::F(f) => f.is_finite().then_some(f),
        }
    }

    /// The literal text, known exactly only for integers.
    pub(crate) fn integer_text(self) -> Option<String> {
        match self {
            Num::U(u) => Some(u.to_string()),
            Num::I(i) => Some(i.to_string()),
            Num::F(_) => None,
        }
    }
}

/// A leaf value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    Str(Cow<'a, str>),
    Num(Num),
    Bool(bool),
    Null,
}

/// `(array id, element index)` for each enclosing array element that is an object or
/// array, outermost first.
pub(crate) type Membership = Vec<(usize, u32)>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf<'a> {
    pub(crate) value: Scalar<'a>,
    pub(crate) membership: Membership,
}

/// Appends the leaves of `value` found at `path` (relative to `value`; `None` is `value`
/// itself, `Some("")` a key named `""` inside it).
pub(crate) fn collect<'a>(value: &'a Value, path: Option<&str>, out: &mut Vec<Leaf<'a>>) {
    let mut membership = Vec::new();
    collect_into(value, path, &mut membership, out);
}

fn collect_into<'a>(
    value: &'a Value,
    rest: Option<&str>,
    membership: &mut Membership,
    out: &mut Vec<Leaf<'a>>,
) {
    let scalar = match value {
        Value::Object(map) => {
            // An object is not a leaf, so only a path continuing into it can find leaves.
            let Some(rest) = rest else { return };
            // Every split of `rest` at a dot names a candidate key: "a.b.c" → "a", "a.b", "a.b.c".
            for (i, _) in rest.match_indices('.') {
                if let Some(child) = map.get(&rest[..i]) {
                    collect_into(child, Some(&rest[i + 1..]), membership, out);
                }
            }
            if let Some(child) = map.get(rest) {
                collect_into(child, None, membership, out);
            }
            return;
        }
        Value::Array(items) => {
            // The Vec's address identifies the array for as long as the event is borrowed.
            let id = items as *const Vec<Value> as usize;
            for (index, item) in items.iter().enumerate() {
                let nested = matches!(item, Value::Object(_) | Value::Array(_));
                if nested {
                    membership.push((id, index_u32(index)));
                }
                collect_into(item, rest, membership, out);
                if nested {
                    membership.pop();
                }
            }
            return;
        }
        Value::String(s) => Scalar::Str(Cow::Borrowed(s.as_str())),
        Value::Number(n) => Scalar::Num(Num::of(n)),
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Null => Scalar::Null,
    };
    if rest.is_none() {
        out.push(Leaf {
            value: scalar,
            membership: membership.clone(),
        });
    }
}

fn index_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// A path to extract: `slot` says where its leaves go, `rest` is the path still to walk
/// (`None` once the current value is the one the path names).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'p> {
    pub(crate) slot: usize,
    pub(crate) rest: Option<&'p str>,
}

/// Reads `text` once and returns, for each slot `0..slots`, the leaves at the targets'
/// paths. Duplicate keys behave as in `serde_json::Value`: the last occurrence wins.
pub(crate) fn extract<'de>(
    text: &'de str,
    targets: &[Target<'_>],
    slots: usize,
) -> Result<Vec<Vec<Leaf<'de>>>, serde_json::Error> {
    let mut state = Extraction {
        leaves: vec![Vec::new(); slots],
        membership: Vec::new(),
        next_array: 0,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    NodeSeed {
        targets,
        state: &mut state,
        element: None,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(state.leaves)
}

struct Extraction<'de> {
    leaves: Vec<Vec<Leaf<'de>>>,
    membership: Membership,
    next_array: usize,
}

impl<'de> Extraction<'de> {
    fn push(&mut self, targets: &[Target<'_>], value: Scalar<'de>) {
        for t in targets.iter().filter(|t| t.rest.is_none()) {
            if let Some(slot) = self.leaves.get_mut(t.slot) {
                slot.push(Leaf {
                    value: value.clone(),
                    membership: self.membership.clone(),
                });
            }
        }
    }
}

/// Deserializes one JSON value, recording leaves for `targets`.
struct NodeSeed<'s, 't, 'p, 'de> {
    targets: &'t [Target<'p>],
    state: &'s mut Extraction<'de>,
    /// Set when this value is an array element: `(array id, index)`, recorded only if the
    /// value turns out to be an object or array.
    element: Option<(usize, u32)>,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_, '_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_, '_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.state.push(self.targets, Scalar::Bool(v));
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        // serde_json's Value stores non-negative integers as u64; mirror it.
        let n = u64::try_from(v).map_or(Num::I(v), Num::U);
        self.state.push(self.targets, Scalar::Num(n));
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.state.push(self.targets, Scalar::Num(Num::U(v)));
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.state.push(self.targets, Scalar::Num(Num::F(v)));
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        self.state.push(self.targets, Scalar::Str(Cow::Borrowed(v)));
        Ok(())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.state
            .push(self.targets, Scalar::Str(Cow::Owned(v.to_owned())));
        Ok(())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.state.push(self.targets, Scalar::Str(Cow::Owned(v)));
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.state.push(self.targets, Scalar::Null);
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.state;
        if let Some(element) = self.element {
            state.membership.push(element);
        }
        let id = state.next_array;
        state.next_array += 1;
        let mut index = 0u32;
        loop {
            let seed = NodeSeed {
                targets: self.targets,
                state: &mut *state,
                element: Some((id, index)),
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            index = index.saturating_add(1);
        }
        if self.element.is_some() {
            state.membership.pop();
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let state = self.state;
        if let Some(element) = self.element {
            state.membership.push(element);
        }
        // Keys of this object that fed some slot, and the leaf ranges each produced, so a
        // later duplicate key can take back what an earlier one contributed. Buffers are
        // per object, reused across its keys.
        let mut fed_keys: Vec<Cow<'de, str>> = Vec::new();
        let mut fed_ranges: Vec<(usize, LeafRange)> = Vec::new();
        let mut sub: Vec<Target<'_>> = Vec::new();
        let mut before: Vec<usize> = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            sub.clear();
            for t in self.targets {
                let Some(rest) = t.rest else { continue };
                // Cheap rejection first: most keys share nothing with most targets.
                if rest.len() < key.len()
                    || (!key.is_empty() && rest.as_bytes()[0] != key.as_bytes()[0])
                {
                    continue;
                }
                if rest == key {
                    sub.push(Target {
                        slot: t.slot,
                        rest: None,
                    });
                } else if let Some(after) = rest
                    .strip_prefix(key.as_ref())
                    .and_then(|r| r.strip_prefix('.'))
                {
                    sub.push(Target {
                        slot: t.slot,
                        rest: Some(after),
                    });
                }
            }
            if sub.is_empty() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let key_index = match fed_keys.iter().position(|k| *k == key) {
                Some(i) => {
                    forget(state, i, &mut fed_ranges);
                    i
                }
                None => {
                    fed_keys.push(key);
                    fed_keys.len() - 1
                }
            };
            before.clear();
            before.extend(
                sub.iter()
                    .map(|t| state.leaves.get(t.slot).map_or(0, Vec::len)),
            );
            map.next_value_seed(NodeSeed {
                targets: &sub,
                state: &mut *state,
                element: None,
            })?;
            for (t, &start) in sub.iter().zip(&before) {
                let end = state.leaves.get(t.slot).map_or(0, Vec::len);
                if end > start {
                    fed_ranges.push((key_index, (t.slot, start, end)));
                }
            }
        }
        if self.element.is_some() {
            state.membership.pop();
        }
        Ok(())
    }
}

/// `(slot, start, end)`: leaves `start..end` of `slot` came from one key's value.
type LeafRange = (usize, usize, usize);

/// Removes the leaves that key `key_index` produced (its earlier occurrence), shifting the
/// recorded ranges of the object's other keys that came after them.
fn forget(state: &mut Extraction<'_>, key_index: usize, ranges: &mut Vec<(usize, LeafRange)>) {
    let mine: Vec<LeafRange> = ranges
        .iter()
        .filter(|(k, _)| *k == key_index)
        .map(|&(_, r)| r)
        .collect();
    ranges.retain(|(k, _)| *k != key_index);
    for (slot, start, end) in mine {
        if let Some(leaves) = state.leaves.get_mut(slot) {
            leaves.drain(start..end.min(leaves.len()));
        }
        let removed = end - start;
        for (_, r) in ranges.iter_mut().filter(|(_, r)| r.0 == slot && r.1 >= end) {
            r.1 -= removed;
            r.2 -= removed;
        }
    }
}

/// Reads an object key, borrowing from the input when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}
