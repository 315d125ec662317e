//! Hex text for seeds and fingerprints, as published.

use alloc::string::String;
use alloc::vec::Vec;
use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of `bytes`: the fingerprint of a seed is `sha256_hex(&seed)`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`, two digits per byte.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Parses a revealed seed: exactly 64 hex digits (either case).
pub fn seed_from_hex(hex: &str) -> Option<[u8; 32]> {
    bytes_from_hex(hex)
}

/// Parses exactly `2 * N` hex digits (either case) into `N` bytes.
pub fn bytes_from_hex<const N: usize>(hex: &str) -> Option<[u8; N]> {
    from_hex(hex)?.try_into().ok()
}

/// Parses hex digits (either case), two per byte.
pub fn from_hex(hex: &str) -> Option<Vec<u8>> {
    let digits = hex.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn sha256_of_abc_is_the_standard_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn seed_hex_round_trips_and_rejects_junk() {
        let seed: [u8; 32] = core::array::from_fn(|i| (i * 7) as u8);
        assert_eq!(seed_from_hex(&to_hex(&seed)), Some(seed));
        assert_eq!(seed_from_hex(&to_hex(&seed).to_uppercase()), Some(seed));
        assert_eq!(seed_from_hex("00"), None);
        assert_eq!(seed_from_hex(&"zz".repeat(32)), None);
        assert_eq!(to_hex(&[0x00, 0x0f, 0xa5]), "000fa5".to_string());
    }
}
