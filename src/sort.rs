//! Sorting short lists off the hot paths, with one compiled sort for all of them.
//!
//! Every `sort_by` with its own closure or element type compiles its own copy of the
//! standard library's sort, 3–11 KB of wasm each at opt-level 3: ~150 KB over the worker.
//! These sort indices through a `dyn` comparison instead, so all their callers share one
//! copy. Each comparison costs an indirect call more, so they are for short lists only
//! (the orgs report, compiling rules and queries); hot sorts keep `slice::sort*`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Stable, like [`slice::sort_by`].
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = sorted_order(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// Stable, like [`slice::sort_by_key`].
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Stable, like [`slice::sort`].
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `iter.collect()` into a set, inserting one by one: `FromIterator` sorts first (a sort
/// compiled per element type) to build the tree in bulk.
pub fn set_of<T: Ord>(iter: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(iter);
    set
}

/// `iter.collect()` into a map, inserting one by one (see [`set_of`]); a later value for
/// a key wins, as with `collect`.
pub fn map_of<K: Ord, V>(iter: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(iter);
    map
}

/// The indices `0..len` in the order `cmp` puts them. Not generic: the one copy of the sort.
#[inline(never)]
fn sorted_order(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Moves `v[order[i]]` to `i`, walking each cycle of the permutation once (done places
/// are marked by pointing to themselves).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_library(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..200)) {
            // Equal keys with different payloads: stability shows.
            let mut ours = v.clone();
            super::sort_by_key(&mut ours, |p| p.0);
            let mut std = v.clone();
            std.sort_by_key(|p| p.0);
            prop_assert_eq!(&ours, &std);

            let mut ours = v.clone();
            super::sort(&mut ours);
            let mut std = v.clone();
            std.sort();
            prop_assert_eq!(ours, std);

            prop_assert_eq!(super::set_of(v.iter().copied()), v.iter().copied().collect());
            prop_assert_eq!(super::map_of(v.iter().copied()), v.iter().copied().collect());
        }
    }
}
