//! The page's own storage (the signed-in session, drafts of what the shopper types):
//! localStorage when the browser allows it, memory when it throws (quota, private mode, blocked
//! storage), with a notice the app shows instead of failing. The store keeps its data itself.
use std::{cell::RefCell, collections::HashMap};

use crate::i18n::Text;

/// Every key the app writes starts with this, so foreign data under other keys is never touched.
pub const NAMESPACE: &str = "kestrel.v1.";

pub struct PageStorage {
    local: Option<web_sys::Storage>,
    /// Every value when there is no localStorage; otherwise those it refused to keep.
    memory: RefCell<HashMap<String, String>>,
    degraded: RefCell<Option<Text>>,
}

impl PageStorage {
    /// localStorage if it can be read and written, memory otherwise.
    pub fn open() -> Self {
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        let probe = format!("{NAMESPACE}probe");
        let usable = local
            .as_ref()
            .is_some_and(|s| s.set_item(&probe, "1").is_ok() && s.remove_item(&probe).is_ok());
        let storage = Self::memory();
        if usable {
            Self { local, ..storage }
        } else {
            storage.degrade(|t| t.storage_blocked);
            storage
        }
    }

    /// Memory only: what tests and a blocked localStorage get.
    pub fn memory() -> Self {
        Self {
            local: None,
            memory: RefCell::default(),
            degraded: RefCell::default(),
        }
    }

    /// Wraps a given Storage object (tests use it to share one storage between two clients).
    pub fn with_local(local: web_sys::Storage) -> Self {
        Self {
            local: Some(local),
            ..Self::memory()
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        let key = format!("{NAMESPACE}{key}");
        // What localStorage refused to keep is only in memory, and is the newest value.
        if let Some(value) = self.memory.borrow().get(&key) {
            return Some(value.clone());
        }
        let local = self.local.as_ref()?;
        local.get_item(&key).unwrap_or_else(|_| {
            self.degrade(|t| t.storage_unreadable);
            None
        })
    }

    pub fn set(&self, key: &str, value: &str) {
        let key = format!("{NAMESPACE}{key}");
        let saved = self
            .local
            .as_ref()
            .map(|local| local.set_item(&key, value).is_ok());
        if saved == Some(true) {
            self.memory.borrow_mut().remove(&key);
        } else {
            if saved == Some(false) {
                self.degrade(|t| t.storage_full);
            }
            self.memory.borrow_mut().insert(key, value.to_string());
        }
    }

    pub fn remove(&self, key: &str) {
        let key = format!("{NAMESPACE}{key}");
        self.memory.borrow_mut().remove(&key);
        if let Some(local) = &self.local {
            let _ = local.remove_item(&key);
        }
    }

    fn degrade(&self, why: Text) {
        self.degraded.borrow_mut().get_or_insert(why);
    }

    /// Why storage fell back to memory, if it did.
    pub fn degraded(&self) -> Option<Text> {
        *self.degraded.borrow()
    }

    /// True for a key this app owns, as named in a `storage` event from another tab.
    pub fn owns(full_key: &str, key: &str) -> bool {
        full_key.strip_prefix(NAMESPACE) == Some(key)
    }
}
