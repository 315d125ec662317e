//! Every random choice the store makes (SMS codes, session tokens, network faults, the crowd,
//! each sale's draw seed) comes from one 32-byte secret: the n-th value for a purpose is
//! `sha256(secret ‖ purpose ‖ n)`. The same secret replays the same run, failures included.
//! A demo started with `?seed=N` uses a secret anyone can derive from N; otherwise the secret
//! comes from the platform's cryptographic source and never leaves the store, so nobody can
//! know a sale's draw before its seed is revealed at the end.
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Randomness {
    secret: [u8; 32],
}

impl Randomness {
    /// The replayable secret for `?seed=seed`.
    pub fn from_seed(seed: u64) -> Self {
        Self::from_entropy(sha256(&[b"kestrel-demo-seed", &seed.to_be_bytes()]))
    }

    /// A secret from a cryptographic source (the caller's: the store does no I/O).
    pub fn from_entropy(secret: [u8; 32]) -> Self {
        Self { secret }
    }

    fn bytes(&self, purpose: &str, n: u64) -> [u8; 32] {
        sha256(&[&self.secret, purpose.as_bytes(), &n.to_be_bytes()])
    }

    fn word(&self, purpose: &str, n: u64) -> u64 {
        u64::from_be_bytes(self.bytes(purpose, n)[..8].try_into().expect("8 bytes"))
    }

    /// The seed of a sale's draw: committed to before the start, revealed after the end.
    pub fn draw_seed(&self, sale_id: &str) -> [u8; 32] {
        self.bytes(&format!("draw:{sale_id}"), 0)
    }

    /// The seed of a sale's simulated crowd.
    pub fn crowd_seed(&self, sale_id: &str) -> u64 {
        self.word(&format!("crowd:{sale_id}"), 0)
    }

    /// The n-th SMS code: six digits.
    pub fn code(&self, n: u64) -> String {
        format!("{:06}", self.word("code", n) % 1_000_000)
    }

    /// The n-th session token: 128 bits as hex.
    pub fn token(&self, n: u64) -> String {
        self.bytes("token", n)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The n-th operator session token: 128 bits as hex, from a stream of its own so it is
    /// never a shopper's token.
    pub fn operator_token(&self, n: u64) -> String {
        self.bytes("operator-token", n)[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// A number in `[0, 1)` for the n-th call on `route`.
    pub fn unit(&self, route: &str, n: u64) -> f64 {
        (self.word(route, n) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A fresh secret for a demo reset without a seed: mixes the platform entropy the store was
    /// opened with, so it is as unguessable as that.
    pub fn successor(&self, entropy: &[u8; 32], resets: u64) -> Self {
        Self::from_entropy(sha256(&[&self.secret, entropy, &resets.to_be_bytes()]))
    }
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        // Length-prefixed, so no two different part lists hash the same bytes.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_replays_every_choice_and_another_does_not() {
        let (a, b, c) = (
            Randomness::from_seed(42),
            Randomness::from_seed(42),
            Randomness::from_seed(43),
        );
        assert_eq!(
            (a.code(0), a.token(3), a.draw_seed("s")),
            (b.code(0), b.token(3), b.draw_seed("s"))
        );
        assert_ne!(a.draw_seed("s"), c.draw_seed("s"));
        assert_ne!(
            a.draw_seed("s"),
            a.draw_seed("t"),
            "each sale has its own draw"
        );
        assert_ne!(a.code(0), a.code(1));
    }

    #[test]
    fn values_have_their_shapes() {
        let r = Randomness::from_seed(7);
        for n in 0..200 {
            assert_eq!(r.code(n).len(), 6);
            assert!(r.code(n).chars().all(|c| c.is_ascii_digit()));
            assert_eq!(r.token(n).len(), 32);
            let u = r.unit("GET /api/time", n);
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn a_reset_without_a_seed_cannot_be_derived_from_the_old_secret_alone() {
        let seeded = Randomness::from_seed(1);
        assert_ne!(seeded.successor(&[1; 32], 1), seeded.successor(&[2; 32], 1));
    }
}
