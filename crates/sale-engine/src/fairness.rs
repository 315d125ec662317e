//! The publicly checkable draw of the pre-queue.
//!
//! Before the start only `sha256(seed)` is published (the commitment), so nobody, the shop
//! included, can pick a seed after seeing who is in the pre-queue. After the sale the seed
//! is revealed and anyone can check the commitment and recompute the order.

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

/// The pre-queue order for `seed`: anyone can recompute the draw with this.
///
/// The algorithm, precisely enough to reimplement elsewhere:
/// 1. Sort the ticket numbers ascending (the input order does not matter).
/// 2. Create ChaCha20 (20 rounds, RFC 8439 block function, 64-bit block counter starting at
///    0, nonce/stream 0) keyed by the 32 seed bytes: `rand_chacha` 0.9 `ChaCha20Rng::from_seed`.
///    `next_u64` takes the next two 32-bit little-endian words `lo`, `hi` of the keystream and
///    returns `hi << 32 | lo`.
/// 3. Fisher–Yates from the last index down: for `i` = n-1, n-2, …, 1, draw `j` uniformly
///    in `0..=i` (below) and swap positions `i` and `j`.
/// 4. Uniform draw of `j` in `0..bound` with `bound = i + 1` (Lemire's method): take
///    `x = next_u64()`, `m = x * bound` as a 128-bit product, `low = m mod 2^64`.
///    If `low < (2^64 - bound) mod bound`, reject and draw a new `x`; otherwise `j = m >> 64`.
///
/// ```
/// let order = sale_engine::shuffle_tickets(&[7; 32], &[3, 1, 2]);
/// let mut sorted = order.clone();
/// sorted.sort();
/// assert_eq!(sorted, vec![1, 2, 3]);
/// ```
pub fn shuffle_tickets(seed: &[u8; 32], tickets: &[u32]) -> Vec<u32> {
    let mut order = tickets.to_vec();
    order.sort_unstable();
    shuffle_in_place(seed, &mut order);
    order
}

/// The Fisher–Yates pass of [`shuffle_tickets`] on any slice, so the engine can shuffle the
/// pre-queue's accounts (held in ticket order) without building a ticket list.
pub(crate) fn shuffle_in_place<T>(seed: &[u8; 32], items: &mut [T]) {
    let mut rng = ChaCha20Rng::from_seed(*seed);
    for i in (1..items.len()).rev() {
        let j = below(&mut rng, i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// Unbiased draw in `0..bound` (Lemire); written out because rand's helpers may change.
fn below(rng: &mut ChaCha20Rng, bound: u64) -> u64 {
    let threshold = bound.wrapping_neg() % bound;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(bound);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Parses a revealed seed: exactly 64 hex digits (either case).
pub fn seed_from_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut seed = [0u8; 32];
    for (out, pair) in seed.iter_mut().zip(bytes.chunks_exact(2)) {
        *out = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Some(seed)
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
    }

    #[test]
    fn shuffle_is_a_permutation_independent_of_input_order() {
        let seed = [42; 32];
        let a = shuffle_tickets(&seed, &(1..=100).collect::<Vec<_>>());
        let b = shuffle_tickets(&seed, &(1..=100).rev().collect::<Vec<_>>());
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (1..=100).collect::<Vec<_>>());
        assert_ne!(a, sorted, "100 tickets should not stay in order");
        assert_ne!(a, shuffle_tickets(&[43; 32], &sorted));
    }

    /// Pins the algorithm: if this changes, published draws can no longer be verified.
    #[test]
    fn shuffle_matches_the_documented_algorithm() {
        let mut rng = ChaCha20Rng::from_seed([0; 32]);
        let mut expected: Vec<u32> = (1..=10).collect();
        for i in (1..10usize).rev() {
            let bound = i as u128 + 1;
            let j = loop {
                let m = u128::from(rng.next_u64()) * bound;
                if (m as u64) as u128 >= (((1u128 << 64) - bound) % bound) {
                    break (m >> 64) as usize;
                }
            };
            expected.swap(i, j);
        }
        assert_eq!(
            shuffle_tickets(&[0; 32], &(1..=10).collect::<Vec<_>>()),
            expected
        );
    }

    #[test]
    fn tiny_inputs() {
        assert!(shuffle_tickets(&[1; 32], &[]).is_empty());
        assert_eq!(shuffle_tickets(&[1; 32], &[9]), vec![9]);
    }
}
