//! A compiled [`Pattern`] against one event: the two entry points, over a whole
//! EventBridge event or over a stored record and its envelope. The conditions themselves
//! are decided in [`super::matcher`]; this file only chooses which leaves they see.

use serde_json::Value;

use super::envelope::{EnvelopeFields, Place};
use super::leaves::{collect, extract, Leaf, Target};
use super::matcher::{decide, Cond};
use super::pattern::Pattern;

impl Pattern {
    /// Whether the pattern matches `event` (an EventBridge event: a JSON object; anything
    /// else matches nothing).
    pub fn matches(&self, event: &Value) -> bool {
        if !event.is_object() {
            return false;
        }
        // Leaves per path, computed on first use: most combinations fail on an early path.
        let mut table: Vec<Option<Vec<Leaf<'_>>>> = vec![None; self.paths.len()];
        'subs: for sub in &self.subs {
            let mut entangled = Vec::new();
            for &(p, c) in sub {
                let (Some(slot), Some(spec), Some(cond)) =
                    (table.get_mut(p), self.paths.get(p), self.conds.get(c))
                else {
                    continue 'subs; // indices come from compilation; never out of range
                };
                let leaves = slot.get_or_insert_with(|| {
                    let mut out = Vec::new();
                    collect(event, Some(&spec.text), &mut out);
                    out
                });
                if leaves.iter().all(|l| l.membership.is_empty()) {
                    if !cond.decide_alone(leaves.iter().map(|l| &l.value)) {
                        continue 'subs;
                    }
                } else {
                    entangled.push((p, c));
                }
            }
            let conds: Vec<(&Cond, &[Leaf<'_>])> = entangled
                .iter()
                .filter_map(|&(p, c)| Some((self.conds.get(c)?, table.get(p)?.as_deref()?)))
                .collect();
            if decide(&conds) {
                return true;
            }
        }
        false
    }

    /// Whether the pattern matches the CloudTrail record `record_json` as EventBridge would
    /// deliver it, with `envelope` computed from the same record. Gives the same answer as
    /// `self.matches(&wrap(&record))` without building that event: envelope conditions and
    /// the record fields `envelope` knows are decided first, and the record text is read
    /// (once, materialising only the paths still needed) only if that does not settle it.
    /// Text that is not valid JSON matches only when no record field had to be read.
    pub fn matches_record(&self, record_json: &str, envelope: &EnvelopeFields) -> bool {
        self.matches_record_with(|| Some(record_json), envelope)
    }

    /// [`Pattern::matches_record`] with the text fetched only if the envelope does not
    /// settle it (texts are stored compressed: most events never need theirs). `None`
    /// counts as text that is not JSON.
    pub fn matches_record_with<T: std::ops::Deref<Target = str>>(
        &self,
        record_json: impl FnOnce() -> Option<T>,
        envelope: &EnvelopeFields,
    ) -> bool {
        let mut pending = Vec::new();
        'subs: for (index, sub) in self.subs.iter().enumerate() {
            let mut needs_text = false;
            for &(p, c) in sub {
                let (Some(spec), Some(cond)) = (self.paths.get(p), self.conds.get(c)) else {
                    continue 'subs;
                };
                let decided = match &spec.place {
                    Place::Envelope(key) => cond.decide_alone(envelope.leaf(*key).as_ref()),
                    Place::Nowhere => cond.decide_alone(None),
                    Place::Detail { slot, .. } => match slot.and_then(|s| envelope.known(s)) {
                        Some(known) => cond.decide_alone(known.as_ref()),
                        None => {
                            needs_text = true;
                            true
                        }
                    },
                };
                if !decided {
                    continue 'subs;
                }
            }
            if !needs_text {
                return true;
            }
            pending.push(index);
        }
        if pending.is_empty() {
            return false;
        }

        // One pass over the text for every path the remaining combinations still need.
        // (Indices into `subs` and `paths` come from compilation and are always in range.)
        let mut slot_of = vec![usize::MAX; self.paths.len()];
        let mut targets = Vec::new();
        for &index in &pending {
            for &(p, _) in &self.subs[index] {
                if self.reads_text(p, envelope) && slot_of[p] == usize::MAX {
                    slot_of[p] = targets.len();
                    let rest = match &self.paths[p].place {
                        Place::Detail { rest, .. } => rest.as_deref(),
                        _ => None,
                    };
                    targets.push(Target {
                        slot: targets.len(),
                        rest,
                    });
                }
            }
        }
        let Some(text) = record_json() else {
            return false;
        };
        let Ok(leaves) = extract(&text, &targets, targets.len()) else {
            return false;
        };
        pending.iter().any(|&index| {
            let conds: Vec<(&Cond, &[Leaf<'_>])> = self.subs[index]
                .iter()
                .filter(|&&(p, _)| self.reads_text(p, envelope))
                .filter_map(|&(p, c)| {
                    Some((self.conds.get(c)?, leaves.get(*slot_of.get(p)?)?.as_slice()))
                })
                .collect();
            decide(&conds)
        })
    }

    /// Whether path `p` must be read from the record text (not settled by the envelope).
    fn reads_text(&self, p: usize, envelope: &EnvelopeFields) -> bool {
        match self.paths.get(p).map(|s| &s.place) {
            Some(Place::Detail { slot, .. }) => slot.and_then(|s| envelope.known(s)).is_none(),
            _ => false,
        }
    }
}
