//! Evaluation: does a set of leaves satisfy a path's matcher list, and does a sub-pattern
//! (one `$or` combination) match with array-consistent choices?

use std::collections::HashSet;

use super::ip::Block;
use super::leaves::{Leaf, Membership, Scalar};
use super::text::{Folded, Glob};

/// One element of a path's matcher list (other than `exists: false`, see [`Cond`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Matcher {
    /// A plain string that is an IP address: equal to other spellings of the address too.
    Address {
        text: String,
        block: Block,
    },
    /// A number: compared numerically when comparable, else by its literal text.
    Number {
        raw: String,
        value: Option<f64>,
    },
    Bool(bool),
    Null,
    Prefix(String),
    Suffix(String),
    PrefixIgnoreCase(Folded),
    SuffixIgnoreCase(Folded),
    EqualsIgnoreCase(Folded),
    Wildcard(Glob),
    Cidr(Block),
    Numeric(Range),
    Exists,
    AnythingBut(AnythingBut),
}

/// A numeric interval; `None` bounds are unbounded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Range {
    pub(crate) low: Option<(f64, bool)>,
    pub(crate) high: Option<(f64, bool)>,
}

impl Range {
    fn contains(&self, x: f64) -> bool {
        let above = match self.low {
            None => true,
            Some((b, open)) => x > b || (!open && x == b),
        };
        let below = match self.high {
            None => true,
            Some((b, open)) => x < b || (!open && x == b),
        };
        above && below
    }
}

/// The `anything-but` forms. Each is satisfied by any leaf it does not exclude, including
/// leaves of other JSON types.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AnythingBut {
    Strings(Vec<String>),
    Numbers(Vec<f64>),
    Prefixes(Vec<String>),
    Suffixes(Vec<String>),
    IgnoreCase(Vec<Folded>),
    Wildcards(Vec<Glob>),
}

impl AnythingBut {
    fn excludes(&self, value: &Scalar<'_>) -> bool {
        match (self, value) {
            (AnythingBut::Strings(list), Scalar::Str(s)) => list.iter().any(|x| x == s),
            (AnythingBut::Numbers(list), Scalar::Num(n)) => {
                n.comparable().is_some_and(|v| list.contains(&v))
            }
            (AnythingBut::Prefixes(list), Scalar::Str(s)) => {
                list.iter().any(|p| s.starts_with(p.as_str()))
            }
            (AnythingBut::Suffixes(list), Scalar::Str(s)) => {
                list.iter().any(|p| s.ends_with(p.as_str()))
            }
            (AnythingBut::IgnoreCase(list), Scalar::Str(s)) => list.iter().any(|f| f.equals(s)),
            (AnythingBut::Wildcards(list), Scalar::Str(s)) => list.iter().any(|g| g.matches(s)),
            _ => false,
        }
    }
}

impl Matcher {
    /// Whether some number or bool may satisfy it.
    pub(crate) fn accepts_non_strings(&self) -> bool {
        matches!(
            self,
            Matcher::Number { .. }
                | Matcher::Bool(_)
                | Matcher::Numeric(_)
                | Matcher::Exists
                | Matcher::AnythingBut(_)
        )
    }

    fn accepts(&self, value: &Scalar<'_>) -> bool {
        match (self, value) {
            (Matcher::Exists, _) => true,
            (Matcher::AnythingBut(a), v) => !a.excludes(v),
            (Matcher::Address { text, block }, Scalar::Str(s)) => {
                s == text || block.contains_text(s)
            }
            (Matcher::Number { raw, value }, Scalar::Num(n)) => match value {
                Some(v) => n.comparable() == Some(*v),
                // Not comparable: only the same literal matches, and only integers keep theirs.
                None => n.integer_text().is_some_and(|t| &t == raw),
            },
            (Matcher::Bool(b), Scalar::Bool(v)) => b == v,
            (Matcher::Null, Scalar::Null) => true,
            (Matcher::Prefix(p), Scalar::Str(s)) => s.starts_with(p.as_str()),
            (Matcher::Suffix(p), Scalar::Str(s)) => s.ends_with(p.as_str()),
            (Matcher::PrefixIgnoreCase(f), Scalar::Str(s)) => f.is_prefix_of(s),
            (Matcher::SuffixIgnoreCase(f), Scalar::Str(s)) => f.is_suffix_of(s),
            (Matcher::EqualsIgnoreCase(f), Scalar::Str(s)) => f.equals(s),
            (Matcher::Wildcard(g), Scalar::Str(s)) => g.matches(s),
            (Matcher::Cidr(block), Scalar::Str(s)) => block.contains_text(s),
            (Matcher::Numeric(range), Scalar::Num(n)) => {
                n.comparable().is_some_and(|x| range.contains(x))
            }
            _ => false,
        }
    }
}

/// The compiled matcher list of one path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cond {
    /// Plain string values, sorted for binary search (a list of 18 event names is common).
    pub(crate) strings: Vec<String>,
    pub(crate) matchers: Vec<Matcher>,
    /// The list contains `{"exists": false}`: absence satisfies it.
    pub(crate) absent_ok: bool,
}

impl Cond {
    pub(crate) fn new(mut strings: Vec<String>, matchers: Vec<Matcher>, absent_ok: bool) -> Cond {
        crate::sort::sort(&mut strings);
        strings.dedup();
        Cond {
            strings,
            matchers,
            absent_ok,
        }
    }

    /// Whether a present leaf satisfies one of the positive matchers.
    pub(crate) fn accepts(&self, value: &Scalar<'_>) -> bool {
        if let Scalar::Str(s) = value {
            if self.strings.binary_search_by(|x| x.as_str().cmp(s)).is_ok() {
                return true;
            }
        }
        self.matchers.iter().any(|m| m.accepts(value))
    }

    /// The decision when array consistency cannot matter (no leaf sits in an array element).
    pub(crate) fn decide_alone<'v, 'a: 'v, I>(&self, values: I) -> bool
    where
        I: IntoIterator<Item = &'v Scalar<'a>>,
    {
        let mut any = false;
        for v in values {
            if self.accepts(v) {
                return true;
            }
            any = true;
        }
        self.absent_ok && !any
    }
}

/// Decides one sub-pattern given its conditions with their leaves, in path order.
///
/// Conditions whose leaves carry no array membership are decided on their own (the common
/// case, and cheap); the rest go through [`walk`], which chooses one leaf per path such
/// that no two chosen leaves come from different elements of the same array, and checks
/// `exists: false` against the leaves still consistent with the choices made so far.
pub(crate) fn decide(conds: &[(&Cond, &[Leaf<'_>])]) -> bool {
    let mut entangled: Vec<(&Cond, &[Leaf<'_>])> = Vec::new();
    for &(cond, leaves) in conds {
        if leaves.iter().all(|l| l.membership.is_empty()) {
            if !cond.decide_alone(leaves.iter().map(|l| &l.value)) {
                return false;
            }
        } else {
            entangled.push((cond, leaves));
        }
    }
    if entangled.is_empty() {
        return true;
    }
    // Only conditions with array leaves constrain each other; membership-free leaves are
    // consistent with everything, so dropping those conditions does not change the rest.
    let later_ids = later_array_ids(&entangled);
    let mut walker = Walker {
        conds: &entangled,
        later_ids: &later_ids,
        chosen: Vec::new(),
        failed: HashSet::new(),
    };
    walker.walk(0)
}

/// For each position `i`, the array ids used by leaves of conditions `i..`; only those can
/// still make a choice matter.
fn later_array_ids(conds: &[(&Cond, &[Leaf<'_>])]) -> Vec<HashSet<usize>> {
    let mut out = vec![HashSet::new(); conds.len() + 1];
    for i in (0..conds.len()).rev() {
        let mut ids = out[i + 1].clone();
        for leaf in conds[i].1 {
            ids.extend(leaf.membership.iter().map(|&(id, _)| id));
        }
        out[i] = ids;
    }
    out
}

struct Walker<'w, 'c, 'l> {
    conds: &'w [(&'c Cond, &'l [Leaf<'l>])],
    later_ids: &'w [HashSet<usize>],
    chosen: Vec<&'l Membership>,
    /// `(position, relevant part of the choices)` already known to fail: keeps hostile
    /// events with many arrays polynomial.
    failed: HashSet<(usize, Vec<(usize, u32)>)>,
}

impl<'l> Walker<'_, '_, 'l> {
    fn consistent(&self, m: &Membership) -> bool {
        m.iter().all(|&(id, index)| {
            self.chosen
                .iter()
                .all(|c| c.iter().all(|&(cid, cindex)| cid != id || cindex == index))
        })
    }

    /// The chosen (array, index) pairs that can still influence positions `i..`.
    fn relevant(&self, i: usize, extra: Option<&Membership>) -> Vec<(usize, u32)> {
        let ids = &self.later_ids[i];
        let mut key: Vec<(usize, u32)> = self
            .chosen
            .iter()
            .copied()
            .chain(extra)
            .flat_map(|m| m.iter().copied())
            .filter(|(id, _)| ids.contains(id))
            .collect();
        key.sort_unstable();
        key.dedup();
        key
    }

    fn walk(&mut self, i: usize) -> bool {
        let Some(&(cond, leaves)) = self.conds.get(i) else {
            return true;
        };
        let memo_key = (i, self.relevant(i, None));
        if self.failed.contains(&memo_key) {
            return false;
        }
        let mut any_consistent = false;
        let mut tried: HashSet<Vec<(usize, u32)>> = HashSet::new();
        for leaf in leaves {
            if !self.consistent(&leaf.membership) {
                continue;
            }
            any_consistent = true;
            if !cond.accepts(&leaf.value) {
                continue;
            }
            // Choices that agree on every array still ahead lead to the same outcome.
            if !tried.insert(self.relevant(i + 1, Some(&leaf.membership))) {
                continue;
            }
            self.chosen.push(&leaf.membership);
            let ok = self.walk(i + 1);
            self.chosen.pop();
            if ok {
                return true;
            }
        }
        if cond.absent_ok && !any_consistent && self.walk(i + 1) {
            return true;
        }
        self.failed.insert(memo_key);
        false
    }
}
