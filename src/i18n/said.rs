//! Sentences said now and shown later (notices): a text and its facts, put together in the
//! language the page speaks when it shows them, so a switch of language translates them too.
use store_contract::demo::{notice_codes, SettingProblem, StoreNotice};
use store_contract::ApiError;

use super::words::{fill, Text, Words};

/// A sentence said now and shown later (a notice): its text and facts, put together in
/// whatever language the page speaks when it shows them.
#[derive(Clone, Debug)]
pub struct Said {
    pub text: Text,
    pub facts: Vec<Fact>,
}

/// A fact in a [`Said`] sentence.
#[derive(Clone, Debug)]
pub enum Fact {
    /// Figures, names and codes: the same in every language.
    Plain(String),
    /// A store's refusal, said as [`Words::store_error`] says it.
    Error(ApiError),
}

impl Said {
    pub fn new(text: Text, facts: impl IntoIterator<Item = String>) -> Said {
        let facts = facts.into_iter().map(Fact::Plain).collect();
        Said { text, facts }
    }

    /// A scenario modifier or demo setting that could not be used.
    pub fn setting_problem(problem: &SettingProblem) -> Said {
        match problem {
            SettingProblem::Unknown { name } => {
                Said::new(|t| t.not_a_setting, [name.clone(), SettingProblem::known()])
            }
            SettingProblem::Ignored {
                name,
                value,
                least,
                most,
                ..
            } => Said::new(
                |t| t.setting_ignored,
                [
                    name.clone(),
                    value.clone(),
                    least.to_string(),
                    most.to_string(),
                ],
            ),
        }
    }

    /// A notice from the demo store, in this language when the page knows its code.
    pub fn store_notice(notice: &StoreNotice) -> Said {
        let detail = notice.detail.clone().unwrap_or_default();
        let text: Text = match notice.code.as_deref() {
            Some(notice_codes::DATA_AFRESH) => |t| t.store_data_afresh,
            Some(notice_codes::SAVE_REFUSED) => |t| t.store_save_refused,
            Some(notice_codes::CANNOT_SAVE) => |t| t.store_cannot_save,
            _ => return Said::new(|_| "{0}", [notice.text.clone()]),
        };
        Said::new(text, [detail])
    }

    /// The sentence in the language of `t`.
    pub fn say(&self, t: &Words) -> String {
        let facts: Vec<String> = self
            .facts
            .iter()
            .map(|fact| match fact {
                Fact::Plain(text) => text.clone(),
                Fact::Error(error) => t.store_error(error),
            })
            .collect();
        let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
        fill((self.text)(t), &facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};
    use store_contract::ErrorCode;

    #[test]
    fn notices_are_said_in_the_language_shown() {
        let notice = StoreNotice {
            id: 1,
            text: "This browser refused to save the demo store's data (QuotaExceeded), so…".into(),
            code: Some(notice_codes::SAVE_REFUSED.into()),
            detail: Some("QuotaExceeded".into()),
        };
        let said = Said::store_notice(&notice);
        assert!(said
            .say(&ZH)
            .starts_with("此浏览器拒绝保存演示商店的数据（QuotaExceeded）"));
        assert!(said
            .say(&EN)
            .starts_with("This browser refused to save the demo store's data (QuotaExceeded)"));
        let unknown = StoreNotice {
            code: Some("new_kind".into()),
            ..notice
        };
        assert_eq!(Said::store_notice(&unknown).say(&ZH), unknown.text);
        let busy = ApiError::new(429, ErrorCode::Busy, "busy");
        let stopped = Said {
            text: |t| t.scenario_stopped,
            facts: vec![Fact::Plain("live".into()), Fact::Error(busy)],
        };
        assert_eq!(
            stopped.say(&ZH),
            "“live”场景提前停止：抢购人数太多，商店正忙。"
        );
    }
}
