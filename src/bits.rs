//! Bitsets over dense indexes (event ids, interned symbols, sketch bits) kept as plain
//! `u64` words: the one place that does their word-and-shift arithmetic.

/// Whether bit `i` is set (false past the end).
pub fn get(words: &[u64], i: usize) -> bool {
    words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// Sets bit `i` (nothing past the end: the caller sized the words).
pub fn insert(words: &mut [u64], i: usize) {
    if let Some(w) = words.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Sets or clears bit `i`, growing `words` to hold it.
pub fn set(words: &mut Vec<u64>, i: usize, on: bool) {
    if words.len() <= i / 64 {
        words.resize(i / 64 + 1, 0);
    }
    if on {
        words[i / 64] |= 1 << (i % 64);
    } else {
        words[i / 64] &= !(1 << (i % 64));
    }
}

/// The set bits, in increasing order.
pub fn ones(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(wi, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                wi * 64 + bit
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_insert_and_ones_agree() {
        let mut words = Vec::new();
        for i in [0, 63, 64, 130, 1000] {
            set(&mut words, i, true);
        }
        set(&mut words, 130, false);
        insert(&mut words, 5);
        insert(&mut words, 100_000); // past the end: ignored
        assert_eq!(ones(&words).collect::<Vec<_>>(), [0, 5, 63, 64, 1000]);
        assert!(get(&words, 63) && !get(&words, 130) && !get(&words, 100_000));
    }
}
