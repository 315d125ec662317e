//! A store's refusal said in the shopper's language: one sentence per [`ErrorCode`], with the
//! facts the store answers beside its code (the wait, the tries left, what was asked for).
use store_contract::{ApiError, ErrorCode};

use super::words::{fill, Words};

impl Words {
    /// The store's refusal as a sentence in this language. The store keeps its stable `code`
    /// and English `message` for API clients; a code this page does not know shows that message.
    pub fn store_error(&self, error: &ApiError) -> String {
        let sentence = self.refusal(error).unwrap_or_else(|| error.message.clone());
        match error.retry_after_ms {
            Some(ms) => sentence + &fill(self.try_again_in, &[&crate::format::duration(ms, self)]),
            None => sentence,
        }
    }

    /// The sentence for a refusal, with the facts the store answers beside its code, in any
    /// language; `None` for a code this page does not know. Every known code has its arm, so a
    /// code added to the contract does not compile until it has a sentence.
    fn refusal(&self, error: &ApiError) -> Option<String> {
        use ErrorCode::*;
        let n = |n: u32| n.to_string();
        let sentence = match &error.code {
            WrongCode => match (error.tries_left, error.locks_for_ms) {
                (Some(left), Some(lock_ms)) => {
                    let lock = crate::format::duration(lock_ms, self);
                    return Some(fill(self.wrong_code_tries_left, &[&n(left), &lock]));
                }
                (Some(left), None) => {
                    return Some(fill(self.wrong_code_tries_left_plain, &[&n(left)]))
                }
                (None, _) => self.wrong_code,
            },
            WrongKey => match (error.tries_left, error.locks_for_ms) {
                (Some(left), Some(lock_ms)) => {
                    let lock = crate::format::duration(lock_ms, self);
                    return Some(fill(self.wrong_key_tries_left, &[&n(left), &lock]));
                }
                _ => self.wrong_key,
            },
            UnknownSale => match &error.subject {
                Some(sale) => return Some(fill(self.unknown_sale_named, &[sale])),
                None => self.unknown_sale,
            },
            UnknownOrder => match &error.subject {
                Some(order) => return Some(fill(self.unknown_order_numbered, &[order])),
                None => self.unknown_order,
            },
            HttpError => return Some(fill(self.store_answered, &[&error.status.to_string()])),
            Busy => self.store_busy,
            Unavailable => self.store_unavailable,
            NoAnswer => self.no_answer,
            BadResponse => self.bad_response,
            SignIn => self.sign_in_first,
            NoCode => self.no_code,
            CodeExpired => self.code_expired,
            TooSoon => self.code_too_soon,
            Locked => self.number_locked,
            BadRequest => self.bad_request,
            DrawNotPublished => self.draw_not_published,
            InvalidPhone => self.invalid_phone,
            InvalidCode => self.invalid_code,
            InvalidAddress => self.invalid_address,
            IdempotencyKeyReused => self.request_conflicts,
            OperatorSignIn => self.operator_sign_in_first,
            NotOperator => self.not_operator,
            DropExists => self.drop_exists,
            // A refusal whose reason is a rule only the store knows keeps the store's words
            // (its sentence has them at `{0}`).
            NotFound => self.not_found,
            BadSettings => self.bad_settings,
            InvalidDrop => self.invalid_drop,
            ChangeRefused => self.change_refused,
            SteerRefused => self.steer_refused,
            OperatorKeySet => self.operator_key_set,
            NotRegistered => self.not_registered,
            AlreadyRegistered => self.already_registered,
            RegistrationNotOpen => self.registration_not_open,
            RegistrationClosed => self.registration_has_closed,
            QueueNotOpen => self.queue_not_open,
            SaleNotStarted => self.sale_not_started,
            SaleEnded => self.sale_ended_title,
            AlreadyInQueue => self.already_in_queue,
            NotInQueue => self.not_in_queue,
            OnWaitlist => self.on_waitlist,
            LimitReached => self.limit_reached,
            NoHold => self.no_hold,
            HoldExpired => self.hold_expired,
            ExtensionUsed => self.extension_used,
            NoExtension => self.no_extension,
            UnknownVariant => self.unknown_variant,
            PaymentInFlight => self.payment_already_in_flight,
            PaymentDeclined => self.payment_declined,
            NoPaymentInFlight => self.no_payment_in_flight,
            SoldOut => self.sold_out,
            Unknown(_) => return None,
        };
        Some(fill(sentence, &[&error.message]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    #[test]
    fn a_store_refusal_reads_in_the_shoppers_language_with_its_wait() {
        let busy = ApiError::new(429, ErrorCode::Busy, "The store is busy with the rush.")
            .retry_after(3_000);
        assert_eq!(
            ZH.store_error(&busy),
            "抢购人数太多，商店正忙。请在 3秒后重试。"
        );
        assert_eq!(
            EN.store_error(&busy),
            "The store is busy with the rush. Try again in 3 s."
        );
        let sold_out = ApiError::new(409, ErrorCode::SoldOut, "Sorry, this sale is sold out.");
        assert_eq!(ZH.store_error(&sold_out), "已售罄");
    }

    #[test]
    fn the_facts_a_refusal_carries_are_said_in_both_languages() {
        let wrong = ApiError::new(401, ErrorCode::WrongCode, "That code is not right.")
            .tries_left_then_lock(3, 600_000);
        assert_eq!(
            EN.store_error(&wrong),
            "That code is not right. Tries left: 3; then this number is locked for 10 min."
        );
        assert_eq!(
            ZH.store_error(&wrong),
            "验证码不正确。还可以再试 3 次，之后此号码将被锁定10分钟。"
        );
        let briefly = wrong.clone().tries_left_then_lock(1, 90_000);
        assert_eq!(
            EN.store_error(&briefly),
            "That code is not right. Tries left: 1; then this number is locked for 1 min 30 s."
        );
        let without_the_lock = ApiError {
            locks_for_ms: None,
            ..wrong.clone()
        };
        assert_eq!(
            ZH.store_error(&without_the_lock),
            "验证码不正确。还可以再试 3 次。"
        );
        let settings = ApiError::new(400, ErrorCode::BadSettings, "skew can only grow.");
        assert_eq!(
            ZH.store_error(&settings),
            "商店拒绝了这些演示设置：skew can only grow.",
            "a rule only the store knows keeps its words"
        );
        let order = ApiError::new(
            404,
            ErrorCode::UnknownOrder,
            "No order K-7 on this account.",
        )
        .about("K-7");
        assert_eq!(EN.store_error(&order), "No order K-7 on this account.");
        assert_eq!(ZH.store_error(&order), "此账户没有订单 K-7。");
        let sale =
            ApiError::new(404, ErrorCode::UnknownSale, "There is no sale called “x”.").about("x");
        assert_eq!(ZH.store_error(&sale), "没有名为“x”的抢购。");
        // An older store without the fact still gets a sentence in the shopper's language.
        let old = ApiError::new(401, ErrorCode::WrongCode, "That code is not right.");
        assert_eq!(ZH.store_error(&old), ZH.wrong_code);
    }

    #[test]
    fn every_error_code_has_a_sentence_in_both_languages() {
        let message = "The store's own English.";
        for code in ErrorCode::ALL {
            let error = ApiError::new(400, code.clone(), message);
            for (language, words) in [("English", *EN), ("Chinese", *ZH)] {
                let said = words.refusal(&error);
                assert!(
                    said.as_deref()
                        .is_some_and(|s| !s.is_empty() && s != message),
                    "{code} has no sentence of its own in {language}"
                );
            }
            let zh = ZH.store_error(&error);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{code}: “{zh}” is not Chinese"
            );
        }
        let newer = ApiError::new(409, ErrorCode::parse("queue_paused"), message);
        assert_eq!(
            ZH.store_error(&newer),
            message,
            "an unknown code shows the store's words"
        );
        assert_eq!(EN.store_error(&newer), message);
    }
}
