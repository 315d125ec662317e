//! The operator's side of the store: the key (kept as its SHA-256 only), wrong keys locked
//! out as wrong SMS codes are, operator sessions (kept as hashes, as shoppers' are), the drops
//! the operator made, and the news every shopper of a sale sees.
use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store_contract::operator::{Drop, OperatorSession, SaleNews, KEY_TRIES};
use store_contract::{ApiError, ErrorCode};

use crate::random::Randomness;
use crate::sign_in::{token_hash, Guessed, LockOut, SignIn, TokenHash};
use sale_engine::Millis;

/// The demo store's operator key (the Service Worker's demo; never a server's).
pub const DEMO_KEY: &str = "demo-operator";

const OPERATOR_KEY: Guessed = Guessed {
    code: ErrorCode::WrongKey,
    wrong: "That operator key is not right",
    locked: "the operator's sign-in",
    plural: "keys",
};

/// The SHA-256 of an operator key, as lowercase hex: all the store keeps of it.
pub fn key_sha256(key: &str) -> String {
    fair_draw::to_hex(&Sha256::digest(key.as_bytes()))
}

/// A drop the operator made: as it was when its world was built (`base`, the engine's
/// configuration, which changes only before registration opens) and as it reads now
/// (`current`: texts, stock and schedule changed since, which the engine gets as logged
/// operations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeDrop {
    pub base: Drop,
    pub current: Drop,
}

/// Everything the operator's side keeps, in the saved document.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OperatorBook {
    /// Lowercase hex SHA-256 of the operator key; none until one is set.
    key_sha256: Option<String>,
    #[serde(default)]
    tries: LockOut,
    /// Hashes of operator session tokens, as hex.
    #[serde(default, with = "hashes")]
    sessions: HashSet<TokenHash>,
    /// Operator tokens handed out so far: the index of the next draw.
    #[serde(default)]
    drawn: u64,
    #[serde(default)]
    pub drops: Vec<MadeDrop>,
    /// By sale: the announcement, a moved schedule and an early end (the pause is the
    /// engine's, which replays it).
    #[serde(default)]
    pub news: BTreeMap<String, SaleNews>,
    /// By sale: calls the sale refused (sold out, limit reached, …).
    #[serde(default)]
    pub refusals: BTreeMap<String, u32>,
}

mod hashes {
    use std::collections::HashSet;

    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    use crate::sign_in::TokenHash;

    pub fn serialize<S: Serializer>(set: &HashSet<TokenHash>, to: S) -> Result<S::Ok, S::Error> {
        let mut hexes: Vec<String> = set.iter().map(|h| fair_draw::to_hex(h)).collect();
        hexes.sort();
        to.collect_seq(hexes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<HashSet<TokenHash>, D::Error> {
        Vec::<String>::deserialize(from)?
            .iter()
            .map(|hex| {
                fair_draw::bytes_from_hex(hex)
                    .ok_or_else(|| D::Error::custom("an operator session is not a hash"))
            })
            .collect()
    }
}

/// The key as the sign-in's body gives it: the key itself (the demo store, the page), or its
/// hash (a store server's log, which never holds the key; the server writes every sign-in's
/// key as its hash before logging it).
#[derive(Debug, Default, Deserialize)]
pub struct KeyGiven {
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub key_sha256: Option<String>,
}

/// The store server's own call that sets the key's hash (`PUT /api/operator/key`), which its
/// HTTP side refuses from outside.
#[derive(Debug, Serialize, Deserialize)]
pub struct KeySet {
    pub key_sha256: String,
    /// Replace a key already set (`--new-operator-key`); otherwise a set key stays.
    #[serde(default)]
    pub replace: bool,
}

impl OperatorBook {
    pub fn has_key(&self) -> bool {
        self.key_sha256.is_some()
    }

    /// Sets the key's hash: every operator session ends and the wrong keys are forgotten.
    pub fn set_key(&mut self, set: KeySet) -> Result<(), ApiError> {
        let shape = set.key_sha256.len() == 64
            && set
                .key_sha256
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !shape {
            return Err(ApiError::new(
                400,
                ErrorCode::BadRequest,
                "The key's hash is 64 lowercase hex digits.",
            ));
        }
        if self.key_sha256.is_some() && !set.replace {
            return Err(ApiError::new(
                409,
                ErrorCode::OperatorKeySet,
                "This store already has an operator key.",
            ));
        }
        self.key_sha256 = Some(set.key_sha256);
        self.sessions.clear();
        self.tries.clear();
        Ok(())
    }

    /// Operator tokens drawn so far: the last session's token is the draw of this number.
    pub fn drawn(&self) -> u64 {
        self.drawn
    }

    /// Signs the operator in with the key: a session, or the refusal of a wrong key (which
    /// counts towards a lock-out) or of a locked sign-in.
    pub fn sign_in(
        &mut self,
        given: KeyGiven,
        now: Millis,
        random: &Randomness,
    ) -> Result<OperatorSession, ApiError> {
        self.tries.check(now, &OPERATOR_KEY)?;
        let hash = match (given.key, given.key_sha256) {
            (Some(key), _) => key_sha256(&key),
            (None, Some(hash)) => hash.to_ascii_lowercase(),
            (None, None) => {
                return Err(ApiError::new(
                    400,
                    ErrorCode::BadRequest,
                    "Send the operator key as {\"key\": \"…\"}.",
                ))
            }
        };
        if self.key_sha256.as_deref() != Some(hash.as_str()) {
            return Err(self.tries.wrong_guess(now, KEY_TRIES, &OPERATOR_KEY));
        }
        self.tries.clear();
        self.drawn += 1;
        let token = random.operator_token(self.drawn);
        self.sessions.insert(token_hash(&token));
        Ok(OperatorSession { token })
    }

    /// Whether the session is the operator's: 401 `operator_sign_in` without one the store
    /// knows, 403 `not_operator` for a shopper's.
    pub fn check(&self, session: Option<TokenHash>, shoppers: &SignIn) -> Result<(), ApiError> {
        if session.is_some_and(|hash| self.sessions.contains(&hash)) {
            return Ok(());
        }
        if shoppers.account_of(session).is_ok() {
            return Err(ApiError::new(
                403,
                ErrorCode::NotOperator,
                "This is the operator's: a shopper's sign-in cannot do it.",
            ));
        }
        Err(ApiError::new(
            401,
            ErrorCode::OperatorSignIn,
            "Sign in with the operator key to do this.",
        ))
    }

    /// Whether `session` is an operator's.
    pub fn is_operator(&self, session: Option<TokenHash>) -> bool {
        session.is_some_and(|hash| self.sessions.contains(&hash))
    }

    /// The operator's drop called `id`, if they made it.
    pub fn made(&self, id: &str) -> Option<&MadeDrop> {
        self.drops.iter().find(|d| d.base.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashes_are_saved() {
        let mut book = OperatorBook::default();
        book.set_key(KeySet {
            key_sha256: key_sha256("k"),
            replace: false,
        })
        .unwrap();
        let random = Randomness::from_entropy([1; 32]);
        let given = KeyGiven {
            key: Some("k".into()),
            key_sha256: None,
        };
        let session = book.sign_in(given, 0, &random).unwrap();
        let saved = serde_json::to_string(&book).unwrap();
        assert!(!saved.contains(&session.token), "{saved}");
        assert!(!saved.contains("\"k\""), "{saved}");
        let read: OperatorBook = serde_json::from_str(&saved).unwrap();
        assert!(read.is_operator(Some(token_hash(&session.token))));
    }
}
