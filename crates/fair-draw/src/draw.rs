//! The draw: a SHA-256 counter-mode stream of 64-bit words driving Fisher–Yates.

use alloc::vec::Vec;
use sha2::{Digest, Sha256};

/// Domain-separation text hashed after the seed in every block, so the stream cannot be
/// confused with any other use of SHA-256 over the same seed.
pub const DOMAIN: &[u8] = b"kestrel-draw";

/// The waiting-room order of the checked-in `tickets` for `seed`.
///
/// The algorithm, precisely enough to reimplement with nothing but SHA-256:
/// 1. Sort the tickets ascending (the input order does not matter).
/// 2. Block `k` (k = 0, 1, 2, …) of the stream is
///    `SHA-256(seed (32 bytes) ‖ "kestrel-draw" (12 ASCII bytes) ‖ k as 8 bytes big-endian)`.
///    Each block gives four 64-bit words, read big-endian from bytes 0–7, 8–15, 16–23 and
///    24–31; words are used in that order, block after block, never skipped or reused.
/// 3. To draw `j` uniformly in `0..bound`: `rem = 2^64 mod bound`; take the next word `x`;
///    if `x >= 2^64 - rem`, discard it and take the next one; otherwise `j = x mod bound`.
/// 4. Fisher–Yates from the back: for `i` = n-1, n-2, …, 1, draw `j` in `0..i+1` and swap
///    positions `i` and `j`.
///
/// ```
/// let order = fair_draw::shuffle_tickets(&[7; 32], &[3, 1, 2]);
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

/// Steps 2–4 of [`shuffle_tickets`] on any slice, taken in its current order: a caller
/// holding something else per ticket (sorted by ticket) gets the same permutation.
pub fn shuffle_in_place<T>(seed: &[u8; 32], items: &mut [T]) {
    let mut stream = Stream::new(seed);
    for i in (1..items.len()).rev() {
        let j = stream.below(i as u64 + 1) as usize;
        items.swap(i, j);
    }
}

/// The word stream of step 2.
struct Stream {
    /// SHA-256 state after `seed ‖ DOMAIN`, cloned per block instead of rehashed.
    prefix: Sha256,
    block: u64,
    words: [u64; 4],
    used: usize,
}

impl Stream {
    fn new(seed: &[u8; 32]) -> Stream {
        let mut prefix = Sha256::new();
        prefix.update(seed);
        prefix.update(DOMAIN);
        Stream {
            prefix,
            block: 0,
            words: [0; 4],
            used: 4,
        }
    }

    fn next_word(&mut self) -> u64 {
        if self.used == 4 {
            self.refill();
        }
        self.used += 1;
        self.words[self.used - 1]
    }

    fn refill(&mut self) {
        let digest = self
            .prefix
            .clone()
            .chain_update(self.block.to_be_bytes())
            .finalize();
        for (word, bytes) in self.words.iter_mut().zip(digest.chunks_exact(8)) {
            *word = u64::from_be_bytes(bytes.try_into().expect("8-byte chunk"));
        }
        self.block += 1;
        self.used = 0;
    }

    /// Step 3. Rejection keeps every residue equally likely; `x mod bound` needs no
    /// 128-bit product, so any language with 64-bit (or big) integers can follow.
    fn below(&mut self, bound: u64) -> u64 {
        loop {
            let x = self.next_word();
            // rem < bound, so words this low are always accepted: this skips the second
            // division on all but about bound/2^64 of the draws.
            if x <= u64::MAX - (bound - 1) {
                return x % bound;
            }
            let rem = bound.wrapping_neg() % bound; // 2^64 mod bound
            if x <= u64::MAX - rem {
                return x % bound;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// SHA-256 of the ASCII text "kestrel": the seed of the published known-answer vectors.
    const KESTREL_SEED: &str = "07f15cde5b181425db8524becd96263d600c9652c7de5b89fe1a644f8fd0724b";

    /// Known-answer vectors, also computed by an independent Python script written from
    /// the prose in `docs/fair-draw.md`: if these change, published draws no longer verify.
    #[test]
    fn known_answer_ten_tickets() {
        let seed = crate::seed_from_hex(KESTREL_SEED).unwrap();
        assert_eq!(crate::sha256_hex(b"kestrel"), KESTREL_SEED);
        let tickets: Vec<u32> = (1..=10).collect();
        assert_eq!(
            shuffle_tickets(&seed, &tickets),
            [2, 3, 10, 4, 7, 6, 1, 5, 8, 9]
        );
    }

    #[test]
    fn known_answer_hundred_thousand_tickets() {
        let seed = crate::seed_from_hex(KESTREL_SEED).unwrap();
        let tickets: Vec<u32> = (1..=100_000).collect();
        assert_eq!(
            shuffle_tickets(&seed, &tickets)[..20],
            [
                85676, 29600, 97551, 72805, 79269, 89664, 29234, 66359, 55032, 72026, 47591, 67399,
                87027, 77180, 68574, 56532, 22816, 97211, 67606, 95291
            ]
        );
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

    #[test]
    fn tiny_inputs() {
        assert!(shuffle_tickets(&[1; 32], &[]).is_empty());
        assert_eq!(shuffle_tickets(&[1; 32], &[9]), vec![9]);
    }

    #[test]
    fn words_are_the_big_endian_quarters_of_each_block() {
        let seed = [5; 32];
        let mut stream = Stream::new(&seed);
        for block in 0u64..2 {
            let mut input = Vec::from(seed);
            input.extend_from_slice(b"kestrel-draw");
            input.extend_from_slice(&block.to_be_bytes());
            let digest = Sha256::digest(&input);
            for quarter in digest.chunks_exact(8) {
                let expected = u64::from_be_bytes(quarter.try_into().unwrap());
                assert_eq!(stream.next_word(), expected);
            }
        }
    }

    /// Drives the draw with chosen words, to pin the rejection boundary exactly.
    fn stream_of(words: [u64; 4]) -> Stream {
        let mut stream = Stream::new(&[0; 32]);
        stream.words = words;
        stream.used = 0;
        stream
    }

    #[test]
    fn only_words_in_the_incomplete_top_copy_are_rejected() {
        // 2^64 mod 3 = 1: u64::MAX alone is rejected, u64::MAX - 1 is the last accepted.
        let mut stream = stream_of([u64::MAX, u64::MAX - 1, 0, 0]);
        assert_eq!(stream.below(3), (u64::MAX - 1) % 3);
        assert_eq!(stream.used, 2);
        // 2^64 mod 2^63 = 0: nothing is rejected.
        let mut stream = stream_of([u64::MAX, 0, 0, 0]);
        assert_eq!(stream.below(1 << 63), u64::MAX % (1 << 63));
        // 2^64 mod (2^64 - 1) = 1: u64::MAX is rejected twice, then 10 is taken.
        let mut stream = stream_of([u64::MAX, u64::MAX, 10, 0]);
        assert_eq!(stream.below(u64::MAX), 10);
        assert_eq!(stream.used, 3);
    }
}
