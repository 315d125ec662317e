//! Signing in by SMS: codes with expiry, a resend limit and a lock-out after wrong guesses;
//! accounts by phone number; sessions by token. The demo's SMS gateway is an inbox the dev
//! API reads.
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use store_contract::{
    codes, demo::Sms, ApiError, CodeRequest, CodeSent, Market, Session, VerifyRequest,
};

use crate::random::Randomness;
use sale_engine::Millis;
use store_contract::validation;

const CODE_VALID_MS: Millis = 5 * 60_000;
const CODE_RESEND_MS: Millis = 30_000;
const WRONG_CODES_BEFORE_LOCK: u32 = 5;
const LOCK_MS: Millis = 10 * 60_000;
const INBOX_SIZE: usize = 20;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct CodeState {
    phone: String,
    code: String,
    expires_at: Millis,
    resend_at: Millis,
    wrong: u32,
    locked_until: Millis,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SignIn {
    /// Phone numbers; an account's number is its index.
    accounts: Vec<String>,
    codes: Vec<CodeState>,
    inbox: Vec<Sms>,
    sessions: Sessions,
    /// Codes and tokens handed out so far: the index of the next random draw.
    drawn: u64,
}

/// Accounts by session token: every signed-in call looks its token up here. A binary search
/// of the sorted list touched about 14 tokens scattered in memory per call, and on the store
/// server (12,000 sessions, every replica applying every call) it was a tenth of a node's CPU.
/// Saved as the same list of `[token, account]` pairs sorted by token as before the index
/// (documents saved in any order read as well).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(from = "Vec<(String, u32)>", into = "Vec<(String, u32)>")]
struct Sessions(HashMap<String, u32>);

impl From<Vec<(String, u32)>> for Sessions {
    fn from(pairs: Vec<(String, u32)>) -> Self {
        Sessions(pairs.into_iter().collect())
    }
}

impl From<Sessions> for Vec<(String, u32)> {
    fn from(sessions: Sessions) -> Self {
        let mut pairs: Vec<(String, u32)> = sessions.0.into_iter().collect();
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
            .map_err(|m| ApiError::new(422, codes::INVALID_PHONE, m.to_string()))?;
        let wrong = match self.codes.iter().find(|c| c.phone == phone) {
            Some(state) if state.locked_until > now => {
                return Err(locked(state.locked_until - now))
            }
            Some(state) if state.resend_at > now => {
                let wait = state.resend_at - now;
                let message = format!(
                    "A code was just sent. You can ask for another in {} s.",
                    wait.div_ceil(1_000)
                );
                return Err(ApiError::new(429, codes::TOO_SOON, message).retry_after(wait));
            }
            // Wrong guesses count across codes until a lock-out has been served.
            Some(state) if state.locked_until == 0 => state.wrong,
            _ => 0,
        };
        self.drawn += 1;
        let code = random.code(self.drawn);
        self.codes.retain(|c| c.phone != phone);
        self.codes.push(CodeState {
            phone: phone.clone(),
            code: code.clone(),
            expires_at: now + CODE_VALID_MS,
            resend_at: now + CODE_RESEND_MS,
            wrong,
            locked_until: 0,
        });
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
            .map_err(|m| ApiError::new(422, codes::INVALID_PHONE, m.to_string()))?;
        let code = validation::sms_code(&request.code)
            .map_err(|m| ApiError::new(422, codes::INVALID_CODE, m.to_string()))?;
        let Some(state) = self.codes.iter_mut().find(|c| c.phone == phone) else {
            return Err(ApiError::new(
                404,
                codes::NO_CODE,
                "No code was sent to this number: ask for one first.",
            ));
        };
        if state.locked_until > now {
            return Err(locked(state.locked_until - now));
        }
        if state.expires_at <= now {
            return Err(ApiError::new(
                410,
                codes::CODE_EXPIRED,
                "That code has expired: ask for a new one.",
            ));
        }
        if state.code != code {
            state.wrong += 1;
            if state.wrong >= WRONG_CODES_BEFORE_LOCK {
                state.locked_until = now + LOCK_MS;
                return Err(locked(LOCK_MS));
            }
            let left = WRONG_CODES_BEFORE_LOCK - state.wrong;
            let message = format!(
                "That code is not right. Tries left: {left}; then this number is locked for {}.",
                minutes(LOCK_MS)
            );
            return Err(
                ApiError::new(401, codes::WRONG_CODE, message).tries_left_then_lock(left, LOCK_MS)
            );
        }
        self.codes.retain(|c| c.phone != phone);
        let account = match self.accounts.iter().position(|p| *p == phone) {
            Some(i) => i as u32,
            None => {
                self.accounts.push(phone.clone());
                self.accounts.len() as u32 - 1
            }
        };
        self.drawn += 1;
        let token = random.token(self.drawn);
        self.sessions.0.insert(token.clone(), account);
        Ok(Session { token, phone })
    }

    /// The account a bearer token belongs to.
    pub fn account(&self, bearer: Option<&str>) -> Result<u32, ApiError> {
        let token = bearer.unwrap_or_default();
        self.sessions.0.get(token).copied().ok_or_else(|| {
            ApiError::new(
                401,
                codes::SIGN_IN,
                "Sign in with your phone number to do this.",
            )
        })
    }

    /// The code last sent to `phone` and not yet used.
    pub fn code_for(&self, phone: &str) -> Option<String> {
        self.codes
            .iter()
            .find(|c| c.phone == phone)
            .map(|c| c.code.clone())
    }

    pub fn inbox(&self) -> &[Sms] {
        &self.inbox
    }
}

fn locked(for_ms: Millis) -> ApiError {
    ApiError::new(
        429,
        codes::LOCKED,
        format!(
            "Too many wrong codes: this number is locked for {} more.",
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
    fn sessions_saved_in_any_order_still_find_their_accounts() {
        let saved = r#"{"accounts":["+447700900001","+447700900002","+447700900003"],"codes":[],"inbox":[],
            "sessions":[["ccc",2],["aaa",0],["bbb",1]],"drawn":3}"#;
        let sign_in: SignIn = serde_json::from_str(saved).unwrap();
        for (token, account) in [("aaa", 0), ("bbb", 1), ("ccc", 2)] {
            assert_eq!(sign_in.account(Some(token)).unwrap(), account);
        }
        assert_eq!(sign_in.account(Some("abc")).unwrap_err().status, 401);
        assert_eq!(sign_in.account(None).unwrap_err().status, 401);
        // Saved as before the index: the pairs sorted by token.
        let again = serde_json::to_value(&sign_in).unwrap();
        assert_eq!(
            again["sessions"],
            serde_json::json!([["aaa", 0], ["bbb", 1], ["ccc", 2]])
        );
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
            (first.code.as_str(), first.tries_left, first.locks_for_ms),
            (codes::WRONG_CODE, Some(4), Some(LOCK_MS))
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
