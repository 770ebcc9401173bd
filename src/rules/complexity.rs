//! Wildcard complexity, for EventBridge's "Rule is too complex" rejection.
//!
//! The measure is event-ruler's `MachineComplexityEvaluator`: the largest number of
//! wildcard-pattern prefixes that one input can keep alive at the same time. For a single
//! pattern that is the largest set of simultaneously active NFA states (ignoring the start
//! state), maximised over all inputs. event-ruler computes the figure but enforces nothing;
//! EventBridge rejects above an undocumented threshold. `"*:*:*:*:*:event-bus/*"` (11,
//! quoted) is rejected on AWS while `"/Users/*/dir/dir/dir/dir/dir/doc.txt"` (7) is accepted;
//! the threshold 10 sits between them. It is inferred, not documented: treat a rejection
//! near the threshold as "EventBridge may reject this", not as certain.

use std::collections::{HashSet, VecDeque};

/// Bound on the subset states explored; past it the value found so far is returned (it is
/// a lower bound, so a pattern is never rejected wrongly, only perhaps accepted).
const MAX_STATES: usize = 20_000;

/// Complexity of the union of `patterns` (tokens: a byte, or `None` for `*`), stopping early
/// once it exceeds `stop_above`.
pub(crate) fn evaluate(patterns: &[Vec<Option<u8>>], stop_above: usize) -> usize {
    // Global NFA state ids: (pattern, position) flattened.
    let mut base = Vec::with_capacity(patterns.len());
    let mut total = 0usize;
    for p in patterns {
        base.push(total);
        total += p.len() + 1;
    }
    let closure = |set: &mut Vec<(usize, usize)>| {
        let mut i = 0;
        while i < set.len() {
            let (pi, k) = set[i];
            if patterns[pi].get(k) == Some(&None) && !set.contains(&(pi, k + 1)) {
                set.push((pi, k + 1));
            }
            i += 1;
        }
    };
    let mut alphabet: Vec<u8> = patterns.iter().flatten().flatten().copied().collect();
    crate::sort::sort(&mut alphabet);
    alphabet.dedup();
    // One byte standing for "any byte not in any pattern" (only stars consume it).
    let other = (0..=255u8).find(|b| !alphabet.contains(b));

    let mut start: Vec<(usize, usize)> = (0..patterns.len()).map(|pi| (pi, 0)).collect();
    closure(&mut start);
    let count = |set: &[(usize, usize)]| set.iter().filter(|&&(_, k)| k > 0).count();
    let key = |set: &[(usize, usize)]| {
        let mut ids: Vec<usize> = set.iter().map(|&(pi, k)| base[pi] + k).collect();
        crate::sort::sort(&mut ids);
        ids
    };
    let mut best = count(&start);
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    seen.insert(key(&start));
    let mut queue = VecDeque::from([start]);
    while let Some(set) = queue.pop_front() {
        for byte in alphabet
            .iter()
            .copied()
            .map(Some)
            .chain(std::iter::once(other))
        {
            let Some(byte) = byte else { continue };
            let mut next: Vec<(usize, usize)> = Vec::new();
            for &(pi, k) in &set {
                let tokens = &patterns[pi];
                // The state right after a `*` loops on every byte.
                if k > 0 && tokens[k - 1].is_none() && !next.contains(&(pi, k)) {
                    next.push((pi, k));
                }
                if tokens.get(k) == Some(&Some(byte)) && !next.contains(&(pi, k + 1)) {
                    next.push((pi, k + 1));
                }
            }
            if next.is_empty() {
                continue;
            }
            closure(&mut next);
            best = best.max(count(&next));
            if best > stop_above || seen.len() >= MAX_STATES {
                return best;
            }
            if seen.insert(key(&next)) {
                queue.push_back(next);
            }
        }
    }
    best
}
