//! String interning: each distinct string is stored once and named by a dense [`Sym`].
//!
//! Entry point: [`Interner`]. Symbols are numbered in first-seen order, which is NOT
//! alphabetical: sort by [`Interner::resolve`], never by `Sym` (Perfetto learnt this the
//! hard way in its JSON diff tests).

use std::collections::HashMap;
use std::sync::Arc;

/// A dense id for an interned string; `Sym::NONE` stands for "no value".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

impl Sym {
    /// The absent value. Interning never hands it out.
    pub const NONE: Sym = Sym(0);

    pub fn is_none(self) -> bool {
        self == Sym::NONE
    }
}

/// A per-store interner (not global: a cleared store frees its strings).
#[derive(Debug)]
pub struct Interner {
    /// foldhash rather than SipHash: interning is a tenth of ingest (13 strings per
    /// event), and foldhash is seeded per map, so crafted strings can't collide on purpose.
    ids: HashMap<Arc<str>, Sym, foldhash::fast::RandomState>,
    strings: Vec<Arc<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        // Slot 0 is `Sym::NONE`, resolving to "".
        Interner {
            ids: HashMap::default(),
            strings: vec![Arc::from("")],
        }
    }
}

impl Interner {
    /// Interns `s`; `None` and "" become `Sym::NONE`.
    pub fn intern(&mut self, s: Option<&str>) -> Sym {
        let Some(s) = s.filter(|s| !s.is_empty()) else {
            return Sym::NONE;
        };
        if let Some(&sym) = self.ids.get(s) {
            return sym;
        }
        let sym = Sym(u32::try_from(self.strings.len()).unwrap_or(u32::MAX));
        let shared: Arc<str> = Arc::from(s);
        self.strings.push(Arc::clone(&shared));
        self.ids.insert(shared, sym);
        sym
    }

    /// The symbol of `s` if it was ever interned.
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.ids.get(s).copied()
    }

    pub fn resolve(&self, sym: Sym) -> &str {
        self.strings.get(sym.0 as usize).map_or("", |s| s)
    }

    /// `None` for `Sym::NONE`.
    pub fn resolve_opt(&self, sym: Sym) -> Option<&str> {
        (!sym.is_none()).then(|| self.resolve(sym))
    }

    /// Number of distinct strings, "" included.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.strings.len() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn behaves_like_a_map(words in proptest::collection::vec("[a-c]{0,3}", 0..60)) {
            let mut interner = Interner::default();
            let mut model: HashMap<String, Sym> = HashMap::new();
            for w in &words {
                let sym = interner.intern(Some(w));
                if w.is_empty() {
                    prop_assert_eq!(sym, Sym::NONE);
                    continue;
                }
                let expected = *model.entry(w.clone()).or_insert(sym);
                prop_assert_eq!(sym, expected);
                prop_assert_eq!(interner.resolve(sym), w.as_str());
            }
            prop_assert_eq!(interner.len(), model.len() + 1);
        }
    }

    #[test]
    fn none_is_empty() {
        let mut interner = Interner::default();
        assert_eq!(interner.intern(None), Sym::NONE);
        assert_eq!(interner.resolve_opt(Sym::NONE), None);
        assert!(interner.is_empty());
    }
}
