//! RSASSA-PKCS1-v1_5 / SHA-256 signature verification, the public operation only, with
//! Montgomery multiplication over 32-bit limbs.
//!
//! Why not the `rsa` crate's `verify`: it measured ~360 µs a signature natively (its
//! bignum divides to enter Montgomery form on every call); a trail has a digest an hour
//! per account and region, ~10,000 for a day of a big organization. Here the key's
//! constants are computed once ([`Verifier::new`]) and a verification is 18 Montgomery
//! products (e = 65537). 32-bit limbs keep every product a native 64-bit multiply in
//! wasm32 as well. Verification handles only public data, so nothing needs constant time.
//! tests/integrity.rs checks it agrees with the `rsa` crate (a native dev-dependency).

use sha2::{Digest as _, Sha256};

/// DER of the SHA-256 `DigestInfo` before the hash (RFC 8017, section 9.2, note 1).
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// Largest modulus accepted: 8192 bits.
const MAX_MODULUS_BYTES: usize = 1024;

/// A public key ready to verify with.
#[derive(Clone, Debug)]
pub struct Verifier {
    /// The modulus, little-endian limbs.
    n: Vec<u32>,
    /// -n⁻¹ mod 2³².
    n0inv: u32,
    /// R² mod n, R = 2^(32·limbs): multiplying by it enters Montgomery form.
    r2: Vec<u32>,
    e: u64,
    /// The modulus's length in bytes (a signature's length).
    bytes: usize,
}

impl Verifier {
    /// `None` for an even modulus or an exponent wider than 64 bits (not RSA keys AWS
    /// issues).
    pub fn new(modulus_be: &[u8], exponent_be: &[u8]) -> Option<Verifier> {
        let modulus_be = trim(modulus_be);
        let exponent_be = trim(exponent_be);
        // Setting up costs the modulus's size squared: a hostile key file must not stall
        // the worker (AWS keys are 2048 bits).
        if modulus_be.is_empty()
            || modulus_be.len() > MAX_MODULUS_BYTES
            || modulus_be[modulus_be.len() - 1] & 1 == 0
        {
            return None;
        }
        if exponent_be.len() > 8 || exponent_be.is_empty() {
            return None;
        }
        let e = exponent_be.iter().fold(0u64, |e, &b| e << 8 | u64::from(b));
        let n = limbs(modulus_be, modulus_be.len().div_ceil(4));
        // Newton's iteration doubles the correct low bits each step: 1 → 32 in 5.
        let mut inv: u32 = 1;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        // R² mod n: 1 doubled 2·32·limbs times, reduced each time (x < n, so 2x < 2n).
        let mut r2 = vec![0u32; n.len()];
        r2[0] = 1;
        for _ in 0..64 * n.len() {
            let carry = shl1(&mut r2);
            if carry || !less(&r2, &n) {
                sub(&mut r2, &n);
            }
        }
        Some(Verifier {
            n0inv: inv.wrapping_neg(),
            n,
            r2,
            e,
            bytes: modulus_be.len(),
        })
    }

    /// True when `signature` is this key's RSASSA-PKCS1-v1_5 signature of SHA-256(`message`).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        if signature.len() != self.bytes {
            return false;
        }
        let s = limbs(signature, self.n.len());
        if !less(&s, &self.n) {
            return false;
        }
        let x = self.mul(&s, &self.r2);
        let mut acc = x.clone();
        for bit in (0..63 - self.e.leading_zeros()).rev() {
            acc = self.mul(&acc, &acc);
            if self.e >> bit & 1 == 1 {
                acc = self.mul(&acc, &x);
            }
        }
        let mut one = vec![0u32; self.n.len()];
        one[0] = 1;
        let m = self.mul(&acc, &one);
        let em = bytes_be(&m, self.bytes);
        // 00 01 FF…FF 00 DigestInfo hash
        let hash = Sha256::digest(message);
        let tail = SHA256_PREFIX.len() + hash.len();
        if em.len() < tail + 11 {
            return false;
        }
        let pad = em.len() - tail - 3;
        em[0] == 0
            && em[1] == 1
            && em[2..2 + pad].iter().all(|&b| b == 0xff)
            && em[2 + pad] == 0
            && em[3 + pad..3 + pad + SHA256_PREFIX.len()] == SHA256_PREFIX
            && em[em.len() - hash.len()..] == hash[..]
    }

    /// a·b·R⁻¹ mod n (CIOS), for a, b < n.
    fn mul(&self, a: &[u32], b: &[u32]) -> Vec<u32> {
        let (n, k) = (&self.n, self.n.len());
        let mut t = vec![0u32; k + 2];
        for &ai in a {
            let mut c = 0u64;
            for j in 0..k {
                let s = u64::from(t[j]) + u64::from(ai) * u64::from(b[j]) + c;
                t[j] = s as u32;
                c = s >> 32;
            }
            let s = u64::from(t[k]) + c;
            t[k] = s as u32;
            t[k + 1] = (s >> 32) as u32;
            let m = t[0].wrapping_mul(self.n0inv);
            let s = u64::from(t[0]) + u64::from(m) * u64::from(n[0]);
            let mut c = s >> 32;
            for j in 1..k {
                let s = u64::from(t[j]) + u64::from(m) * u64::from(n[j]) + c;
                t[j - 1] = s as u32;
                c = s >> 32;
            }
            let s = u64::from(t[k]) + c;
            t[k - 1] = s as u32;
            t[k] = t[k + 1] + (s >> 32) as u32;
            t[k + 1] = 0;
        }
        let top = t[k];
        t.truncate(k);
        if top != 0 || !less(&t, n) {
            sub(&mut t, n);
        }
        t
    }
}

fn trim(be: &[u8]) -> &[u8] {
    let zeros = be.iter().take_while(|&&b| b == 0).count();
    &be[zeros..]
}

/// Big-endian bytes → `len` little-endian limbs (the bytes must fit).
fn limbs(be: &[u8], len: usize) -> Vec<u32> {
    let mut out = vec![0u32; len];
    for (i, &b) in be.iter().rev().enumerate() {
        if let Some(limb) = out.get_mut(i / 4) {
            *limb |= u32::from(b) << (8 * (i % 4));
        }
    }
    out
}

/// Little-endian limbs → `len` big-endian bytes.
fn bytes_be(limbs: &[u32], len: usize) -> Vec<u8> {
    (0..len)
        .rev()
        .map(|i| limbs.get(i / 4).map_or(0, |l| (l >> (8 * (i % 4))) as u8))
        .collect()
}

/// a < b, same length.
fn less(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// a -= b (mod 2^(32·len)).
fn sub(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, &y) in a.iter_mut().zip(b) {
        let d = u64::from(*x)
            .wrapping_sub(u64::from(y))
            .wrapping_sub(borrow);
        *x = d as u32;
        borrow = (d >> 63) & 1;
    }
}

/// a <<= 1; the bit shifted out.
fn shl1(a: &mut [u32]) -> bool {
    let mut carry = 0;
    for x in a.iter_mut() {
        let next = *x >> 31;
        *x = *x << 1 | carry;
        carry = next;
    }
    carry == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Textbook RSA with n = 61·53 = 3233 is too small for PKCS#1 padding, so the
    /// arithmetic is checked on its own: m^e mod n against plain modular exponentiation.
    #[test]
    fn montgomery_power_matches_plain_arithmetic() {
        let n: u64 = 0xffff_fffb * 0xffff_ffef; // two primes below 2^32: a 64-bit odd modulus
        let be = n.to_be_bytes();
        let v = Verifier::new(&be, &[1, 0, 1]).unwrap_or_else(|| panic!("odd modulus"));
        for m in [2u64, 3, 12345, n - 2, 0x1234_5678_9abc] {
            let x = v.mul(&limbs(&m.to_be_bytes(), 2), &v.r2);
            let mut acc = x.clone();
            for bit in (0..16).rev() {
                acc = v.mul(&acc, &acc);
                if 65537u64 >> bit & 1 == 1 {
                    acc = v.mul(&acc, &x);
                }
            }
            let got = v.mul(&acc, &[1, 0]);
            let mut want: u128 = 1;
            for _ in 0..65537 {
                want = want * u128::from(m) % u128::from(n);
            }
            let got = u128::from(got[0]) | u128::from(got[1]) << 32;
            assert_eq!(got, want, "m = {m}");
        }
        assert!(Verifier::new(&[0x10], &[3]).is_none(), "even modulus");
        assert!(
            Verifier::new(&[0xff; 1025], &[3]).is_none(),
            "over 8192 bits"
        );
        assert!(Verifier::new(&[0xff; 1024], &[3]).is_some());
    }
}
