//! The two DER forms `list-public-keys` gives a key in, read just far enough to verify
//! with it: PKCS#1 `RSAPublicKey` (`SEQUENCE { INTEGER n, INTEGER e }`, what AWS sends)
//! and SPKI (`SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING { PKCS#1 } }`).
//!
//! Why not the `rsa` crate, which parsed keys before: a key's two integers are all this
//! needs, and the crate (with its bignum and ASN.1 stack) was ~90 KB of the worker's
//! gzipped wasm. It stays a native dev-dependency: tests/integrity.rs checks both read
//! the same keys and agree on every signature.

/// An RSA public key as found in DER: big-endian magnitudes, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RsaKey<'a> {
    pub modulus: &'a [u8],
    pub exponent: &'a [u8],
    /// The PKCS#1 `RSAPublicKey` bytes (inside the SPKI's BIT STRING when given as SPKI):
    /// AWS fingerprints these.
    pub pkcs1: &'a [u8],
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
/// `NULL`, the only parameter rsaEncryption takes.
const NULL: [u8; 2] = [0x05, 0x00];
/// 1.2.840.113549.1.1.1 (rsaEncryption), its content bytes.
const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Reads a key in either form; `None` when `der` is neither, exactly (no bytes after it).
pub fn rsa_public_key(der: &[u8]) -> Option<RsaKey<'_>> {
    pkcs1(der).or_else(|| spki(der))
}

fn pkcs1(der: &[u8]) -> Option<RsaKey<'_>> {
    let (body, []) = element(der, SEQUENCE)? else {
        return None;
    };
    let (modulus, rest) = element(body, INTEGER)?;
    let (exponent, []) = element(rest, INTEGER)? else {
        return None;
    };
    Some(RsaKey {
        modulus: positive(modulus)?,
        exponent: positive(exponent)?,
        pkcs1: der,
    })
}

fn spki(der: &[u8]) -> Option<RsaKey<'_>> {
    let (body, []) = element(der, SEQUENCE)? else {
        return None;
    };
    let (algorithm, rest) = element(body, SEQUENCE)?;
    let (oid, parameters) = element(algorithm, OID)?;
    if oid != RSA_ENCRYPTION || !(parameters.is_empty() || parameters == NULL) {
        return None;
    }
    // A BIT STRING's first byte counts the unused bits of its last: none here.
    let ([0, key @ ..], []) = element(rest, BIT_STRING)? else {
        return None;
    };
    pkcs1(key)
}

/// The content of the element of type `tag` at the start of `der`, and what follows it.
/// Definite lengths only (DER has no other), at most four length bytes.
fn element(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&[found, first], rest) = der.split_first_chunk::<2>()?;
    if found != tag {
        return None;
    }
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81..=0x84 => {
            let (bytes, rest) = rest.split_at_checked(usize::from(first & 0x7f))?;
            (
                bytes.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)),
                rest,
            )
        }
        _ => return None,
    };
    rest.split_at_checked(len)
}

/// A non-negative INTEGER's magnitude without its sign byte; `None` when negative or empty.
fn positive(int: &[u8]) -> Option<&[u8]> {
    match int {
        [] => None,
        [first, ..] if first & 0x80 != 0 => None,
        [0, rest @ ..] => Some(rest),
        _ => Some(int),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // n = 0x00c5 (sign byte, then 197), e = 65537, by hand.
    const PKCS1: [u8; 11] = [
        0x30, 0x09, 0x02, 0x02, 0x00, 0xc5, 0x02, 0x03, 0x01, 0x00, 0x01,
    ];

    fn spki_of(pkcs1: &[u8]) -> Vec<u8> {
        let mut bits = vec![BIT_STRING, pkcs1.len() as u8 + 1, 0];
        bits.extend_from_slice(pkcs1);
        let mut alg = vec![SEQUENCE, 13, OID, 9];
        alg.extend_from_slice(&RSA_ENCRYPTION);
        alg.extend_from_slice(&NULL);
        let mut out = vec![SEQUENCE, (alg.len() + bits.len()) as u8];
        out.extend(alg);
        out.extend(bits);
        out
    }

    #[test]
    fn both_forms_give_the_same_key_and_pkcs1_bytes() {
        let want = RsaKey {
            modulus: &[0xc5],
            exponent: &[1, 0, 1],
            pkcs1: &PKCS1,
        };
        assert_eq!(rsa_public_key(&PKCS1), Some(want));
        assert_eq!(rsa_public_key(&spki_of(&PKCS1)), Some(want));
    }

    #[test]
    fn long_form_lengths_are_read() {
        let modulus = [0x7fu8; 300];
        let mut der = vec![SEQUENCE, 0x82, 0x01, 0x35, INTEGER, 0x82, 0x01, 0x2c];
        der.extend_from_slice(&modulus);
        der.extend_from_slice(&[INTEGER, 0x03, 0x01, 0x00, 0x01]);
        assert_eq!(der.len(), 4 + 0x135);
        let key = rsa_public_key(&der).unwrap_or_else(|| panic!("a key"));
        assert_eq!(key.modulus, &modulus[..]);
    }

    #[test]
    fn anything_else_is_refused() {
        let mut trailing = PKCS1.to_vec();
        trailing.push(0);
        let mut negative = PKCS1;
        negative[4] = 0x80;
        let mut other_oid = spki_of(&PKCS1);
        other_oid[12] ^= 1;
        let indefinite = [SEQUENCE, 0x80, 0, 0];
        let cases: [&[u8]; 7] = [
            &[],
            &trailing,
            &negative,
            &other_oid,
            &indefinite,
            &PKCS1[..PKCS1.len() - 1],
            &[SEQUENCE, 0x85, 0, 0, 0, 0, 1],
        ];
        for der in cases {
            assert_eq!(rsa_public_key(der), None, "{der:02x?}");
        }
    }
}
