//! What every shopper of a sale is told about how its operator steers it, and the short
//! texts in both languages an operator writes for them. Shown in the shopper's views
//! ([`crate::SaleDetail`], [`crate::ShopperView`]) and set through [`crate::operator`].
use serde::{Deserialize, Serialize};

use crate::Millis;

/// A short text in both languages: an announcement, the reason for a change or an end.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub en: String,
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
}

impl Note {
    /// The text in the language tagged `language`, the English one if it has none.
    pub fn in_language(&self, language: &str) -> &str {
        match language {
            "zh-CN" if !self.zh_cn.is_empty() => &self.zh_cn,
            _ => &self.en,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.en.trim().is_empty() && self.zh_cn.trim().is_empty()
    }
}

/// What the store shows every shopper about how the operator steers a sale.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleNews {
    /// Admission is paused, since then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_since: Option<Millis>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcement: Option<Note>,
    /// The schedule moved: the start it had before, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescheduled: Option<Rescheduled>,
    /// The operator ended the sale early (or cancelled it before its start): when, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Stopped>,
}

impl SaleNews {
    pub fn is_quiet(&self) -> bool {
        *self == SaleNews::default()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rescheduled {
    pub was_starts_at: Millis,
    pub note: Note,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stopped {
    pub at: Millis,
    /// Before its start: the drop is cancelled, nobody was admitted.
    pub before_start: bool,
    pub note: Note,
}
