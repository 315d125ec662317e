//! Signing in by SMS: codes with expiry, a resend limit and a lock-out after wrong guesses;
//! accounts by phone number; sessions by token. The demo's SMS gateway is an inbox the dev
//! API reads.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use store_contract::{
    demo::Sms, ApiError, CodeRequest, CodeSent, ErrorCode, Market, Session, VerifyRequest,
};

use crate::random::Randomness;
use sale_engine::Millis;
use store_contract::validation;

const CODE_VALID_MS: Millis = 5 * 60_000;
const CODE_RESEND_MS: Millis = 30_000;
const WRONG_CODES_BEFORE_LOCK: u32 = 5;
pub const LOCK_MS: Millis = 10 * 60_000;
const INBOX_SIZE: usize = 20;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CodeState {
    code: String,
    expires_at: Millis,
    resend_at: Millis,
    #[serde(flatten)]
    lock: LockOut,
}

/// Wrong guesses of a secret (an SMS code, the operator key) and the lock-out they earn:
/// after `tries` wrong ones, guessing is locked for [`LOCK_MS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockOut {
    pub wrong: u32,
    pub locked_until: Millis,
}

/// What a lock-out's refusals say: the secret's name and what is locked.
pub struct Guessed {
    /// The code of a wrong guess (`wrong_code`, `wrong_key`).
    pub code: ErrorCode,
    /// "That code is not right", as the start of the sentence.
    pub wrong: &'static str,
    /// "this number", as what is locked.
    pub locked: &'static str,
    /// "codes", "keys": what too many of were wrong.
    pub plural: &'static str,
}

impl LockOut {
    /// The refusal while locked at `now`.
    pub fn check(&self, now: Millis, guessed: &Guessed) -> Result<(), ApiError> {
        if self.locked_until > now {
            return Err(locked(self.locked_until - now, guessed));
        }
        Ok(())
    }

    /// Counts a wrong guess at `now` out of `tries`: the refusal says the tries left, or that
    /// guessing is now locked.
    pub fn wrong_guess(&mut self, now: Millis, tries: u32, guessed: &Guessed) -> ApiError {
        self.wrong += 1;
        if self.wrong >= tries {
            self.locked_until = now + LOCK_MS;
            return locked(LOCK_MS, guessed);
        }
        let left = tries - self.wrong;
        let message = format!(
            "{}. Tries left: {left}; then {} is locked for {}.",
            guessed.wrong,
            guessed.locked,
            minutes(LOCK_MS)
        );
        ApiError::new(401, guessed.code.clone(), message).tries_left_then_lock(left, LOCK_MS)
    }

    /// A right guess: the count starts again.
    pub fn clear(&mut self) {
        *self = LockOut::default();
    }
}

const SMS_CODE: Guessed = Guessed {
    code: ErrorCode::WrongCode,
    wrong: "That code is not right",
    locked: "this number",
    plural: "codes",
};

/// Accounts, codes and sessions, each found by hash: a sign-in costs the same for the
/// millionth shopper as for the first.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SignIn {
    accounts: Accounts,
    /// The code each number was last sent, until it is used; by number.
    codes: HashMap<String, CodeState>,
    inbox: Vec<Sms>,
    sessions: Sessions,
    /// Codes and tokens handed out so far: the index of the next random draw.
    drawn: u64,
}

/// Phone numbers; an account's number is its index. A validated E.164 number is at most 15
/// digits after its `+` and never starts with 0, so it is kept as that number: 8 bytes and
/// no allocation per account. Saved as the list of numbers as written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(from = "Vec<String>", into = "Vec<String>")]
struct Accounts {
    phones: Vec<u64>,
    by_phone: HashMap<u64, u32>,
}

/// The digits of an E.164 number as one integer.
fn phone_key(phone: &str) -> u64 {
    phone
        .trim_start_matches('+')
        .bytes()
        .fold(0, |n, d| n * 10 + u64::from(d - b'0'))
}

impl Accounts {
    /// The account of `phone`, opened on first sign-in.
    fn of(&mut self, phone: &str) -> u32 {
        let key = phone_key(phone);
        *self.by_phone.entry(key).or_insert_with(|| {
            self.phones.push(key);
            self.phones.len() as u32 - 1
        })
    }
}

impl From<Vec<String>> for Accounts {
    fn from(phones: Vec<String>) -> Self {
        let mut accounts = Accounts::default();
        for phone in phones {
            accounts.of(&phone);
        }
        accounts
    }
}

impl From<Accounts> for Vec<String> {
    fn from(accounts: Accounts) -> Self {
        accounts.phones.iter().map(|n| format!("+{n}")).collect()
    }
}

/// What the store keeps of a session token: the first 128 bits of its sha256. A copied
/// saved document or log holds no token that signs anyone in, and 128 bits keep two tokens
/// from ever sharing a key.
pub type TokenHash = [u8; 16];

pub fn token_hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes())[..16]
        .try_into()
        .expect("16 bytes")
}

/// Accounts by the hash of their session token: every signed-in call looks it up here.
/// Saved as a list of `[hash in hex, account]` pairs sorted by hash.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(try_from = "Vec<(String, u32)>", into = "Vec<(String, u32)>")]
struct Sessions(HashMap<TokenHash, u32>);

impl TryFrom<Vec<(String, u32)>> for Sessions {
    type Error = String;

    fn try_from(pairs: Vec<(String, u32)>) -> Result<Self, String> {
        pairs
            .into_iter()
            .map(|(hex, account)| {
                let bytes = fair_draw::bytes_from_hex(&hex)
                    .ok_or_else(|| format!("“{hex}” is not a session's hash"))?;
                Ok((bytes, account))
            })
            .collect::<Result<_, String>>()
            .map(Sessions)
    }
}

impl From<Sessions> for Vec<(String, u32)> {
    fn from(sessions: Sessions) -> Self {
        let mut pairs: Vec<(String, u32)> = sessions
            .0
            .into_iter()
            .map(|(hash, account)| (fair_draw::to_hex(&hash), account))
            .collect();
        pairs.sort();
        pairs
    }
}

impl SignIn {
    pub fn send_code(
        &mut self,
        request: CodeRequest,
        now: Millis,
        random: &Randomness,
    ) -> Result<CodeSent, ApiError> {
        // The page has already read a market's local form into E.164.
        let phone = validation::phone(&request.phone, Market::International)
            .map_err(|m| ApiError::new(422, ErrorCode::InvalidPhone, m.to_string()))?;
        let wrong = match self.codes.get(&phone) {
            Some(state) if state.lock.locked_until > now => {
                return Err(locked(state.lock.locked_until - now, &SMS_CODE))
            }
            Some(state) if state.resend_at > now => {
                let wait = state.resend_at - now;
                let message = format!(
                    "A code was just sent. You can ask for another in {} s.",
                    wait.div_ceil(1_000)
                );
                return Err(ApiError::new(429, ErrorCode::TooSoon, message).retry_after(wait));
            }
            // Wrong guesses count across codes until a lock-out has been served.
            Some(state) if state.lock.locked_until == 0 => state.lock.wrong,
            _ => 0,
        };
        self.drawn += 1;
        let code = random.code(self.drawn);
        self.codes.insert(
            phone.clone(),
            CodeState {
                code: code.clone(),
                expires_at: now + CODE_VALID_MS,
                resend_at: now + CODE_RESEND_MS,
                lock: LockOut {
                    wrong,
                    locked_until: 0,
                },
            },
        );
        self.inbox.push(Sms {
            phone: phone.clone(),
            text: match request.language.as_deref() {
                Some(tag) if tag.starts_with("zh") => {
                    format!("【Kestrel】您的验证码是 {code}，5 分钟内有效。")
                }
                _ => format!("Your Kestrel code is {code}. It expires in 5 minutes."),
            },
            at_ms: now,
        });
        let excess = self.inbox.len().saturating_sub(INBOX_SIZE);
        self.inbox.drain(..excess);
        Ok(CodeSent {
            phone,
            resend_at_ms: now + CODE_RESEND_MS,
            code_length: validation::CODE_LENGTH as u8,
        })
    }

    pub fn verify(
        &mut self,
        request: VerifyRequest,
        now: Millis,
        random: &Randomness,
    ) -> Result<Session, ApiError> {
        // The page has already read a market's local form into E.164.
        let phone = validation::phone(&request.phone, Market::International)
            .map_err(|m| ApiError::new(422, ErrorCode::InvalidPhone, m.to_string()))?;
        let code = validation::sms_code(&request.code)
            .map_err(|m| ApiError::new(422, ErrorCode::InvalidCode, m.to_string()))?;
        let Some(state) = self.codes.get_mut(&phone) else {
            return Err(ApiError::new(
                404,
                ErrorCode::NoCode,
                "No code was sent to this number: ask for one first.",
            ));
        };
        state.lock.check(now, &SMS_CODE)?;
        if state.expires_at <= now {
            return Err(ApiError::new(
                410,
                ErrorCode::CodeExpired,
                "That code has expired: ask for a new one.",
            ));
        }
        if state.code != code {
            return Err(state
                .lock
                .wrong_guess(now, WRONG_CODES_BEFORE_LOCK, &SMS_CODE));
        }
        self.codes.remove(&phone);
        let account = self.accounts.of(&phone);
        self.drawn += 1;
        let token = random.token(self.drawn);
        self.sessions.0.insert(token_hash(&token), account);
        Ok(Session { token, phone })
    }

    /// The account a bearer token belongs to.
    pub fn account(&self, bearer: Option<&str>) -> Result<u32, ApiError> {
        self.account_of(bearer.map(token_hash))
    }

    /// The account whose session token hashes to `hash`: how a replica that logs only
    /// hashes finds its caller.
    pub fn account_of(&self, hash: Option<TokenHash>) -> Result<u32, ApiError> {
        let found = hash.and_then(|hash| self.sessions.0.get(&hash).copied());
        found.ok_or_else(|| {
            ApiError::new(
                401,
                ErrorCode::SignIn,
                "Sign in with your phone number to do this.",
            )
        })
    }

    /// The phone number of `account`, as written.
    pub fn phone(&self, account: u32) -> String {
        format!("+{}", self.accounts.phones[account as usize])
    }

    /// Codes and tokens drawn so far: the last sign-in's token is the draw of this number.
    pub fn drawn(&self) -> u64 {
        self.drawn
    }

    /// The code last sent to `phone` and not yet used.
    pub fn code_for(&self, phone: &str) -> Option<String> {
        self.codes.get(phone).map(|c| c.code.clone())
    }

    pub fn inbox(&self) -> &[Sms] {
        &self.inbox
    }
}

fn locked(for_ms: Millis, guessed: &Guessed) -> ApiError {
    ApiError::new(
        429,
        ErrorCode::Locked,
        format!(
            "Too many wrong {}: {} is locked for {} more.",
            guessed.plural,
            guessed.locked,
            minutes(for_ms)
        ),
    )
    .retry_after(for_ms)
}

/// "10 minutes", "1 minute" (rounded up).
fn minutes(ms: Millis) -> String {
    match ms.div_ceil(60_000) {
        1 => "1 minute".into(),
        n => format!("{n} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_kept_as_hashes_and_saved_in_any_order_still_find_their_accounts() {
        let hash = |t: &str| fair_draw::to_hex(&token_hash(t));
        let saved = format!(
            r#"{{"accounts":["+447700900001","+447700900002","+447700900003"],"codes":{{}},"inbox":[],
            "sessions":[["{}",2],["{}",0],["{}",1]],"drawn":3}}"#,
            hash("ccc"),
            hash("aaa"),
            hash("bbb")
        );
        let sign_in: SignIn = serde_json::from_str(&saved).unwrap();
        for (token, account) in [("aaa", 0), ("bbb", 1), ("ccc", 2)] {
            assert_eq!(sign_in.account(Some(token)).unwrap(), account);
        }
        assert_eq!(sign_in.account(Some("abc")).unwrap_err().status, 401);
        assert_eq!(sign_in.account(None).unwrap_err().status, 401);
        // A hash is not a token: presenting one signs nobody in.
        assert_eq!(sign_in.account(Some(&hash("aaa"))).unwrap_err().status, 401);
        let again = serde_json::to_string(&sign_in).unwrap();
        assert!(!again.contains("\"aaa\""), "no token is saved: {again}");
        let mut sorted = vec![hash("aaa"), hash("bbb"), hash("ccc")];
        sorted.sort();
        let pairs: Vec<String> = serde_json::from_value::<serde_json::Value>(
            serde_json::from_str::<serde_json::Value>(&again).unwrap()["sessions"].clone(),
        )
        .map(|v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|p| p[0].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap();
        assert_eq!(pairs, sorted, "saved sorted by hash");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&again).unwrap()["accounts"],
            serde_json::json!(["+447700900001", "+447700900002", "+447700900003"])
        );
    }

    #[test]
    fn a_number_signing_in_again_keeps_its_account() {
        let (mut sign_in, random) = (SignIn::default(), Randomness::from_entropy([7; 32]));
        let mut sign_in_as = |phone: &str, at: Millis| {
            let request = CodeRequest {
                phone: phone.into(),
                language: None,
            };
            sign_in.send_code(request, at, &random).unwrap();
            let code = sign_in.code_for(phone).unwrap();
            let verify = VerifyRequest {
                phone: phone.into(),
                code,
            };
            let session = sign_in.verify(verify, at, &random).unwrap();
            sign_in.account(Some(&session.token)).unwrap()
        };
        let first = sign_in_as("+447700900001", 1_000);
        let other = sign_in_as("+8613800138000", 2_000);
        let again = sign_in_as("+447700900001", 100_000);
        assert_eq!((first, other, again), (0, 1, 0));
    }

    #[test]
    fn a_wrong_code_says_how_many_tries_are_left_as_a_fact() {
        let (mut sign_in, random) = (SignIn::default(), Randomness::from_entropy([7; 32]));
        let phone = "+447700900001".to_string();
        let request = CodeRequest {
            phone: phone.clone(),
            language: None,
        };
        sign_in.send_code(request, 1_000, &random).unwrap();
        let right = random.code(1); // the first code this sign-in draws
        let wrong = if right == "000000" {
            "111111"
        } else {
            "000000"
        };
        let guess = || VerifyRequest {
            phone: phone.clone(),
            code: wrong.into(),
        };
        let first = sign_in.verify(guess(), 2_000, &random).unwrap_err();
        assert_eq!(
            (first.code.clone(), first.tries_left, first.locks_for_ms),
            (ErrorCode::WrongCode, Some(4), Some(LOCK_MS))
        );
        assert!(
            first
                .message
                .ends_with("Tries left: 4; then this number is locked for 10 minutes."),
            "{}",
            first.message
        );
        let second = sign_in.verify(guess(), 3_000, &random).unwrap_err();
        assert_eq!(second.tries_left, Some(3));
    }
}
