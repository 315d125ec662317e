//! One call's trip through the demo store, the same wherever it runs: the network's delay and
//! fault, the store's answer, and the save that must finish before the answer leaves. The
//! caller supplies time and timers, so this stays free of I/O.
use std::{cell::RefCell, future::Future};

use store_contract::{StoreRequest, StoreResponse};

use crate::network::Fault;
use crate::persistence::Persistence;
use crate::store::Store;

/// The store acted (and saved), but the connection dropped before the answer arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnswerLost;

pub struct Service<P> {
    pub store: RefCell<Store>,
    pub persistence: P,
}

impl<P: Persistence> Service<P> {
    pub fn new(store: Store, persistence: P) -> Self {
        Self {
            store: RefCell::new(store),
            persistence,
        }
    }

    /// Writes the document if it changed. A refused write keeps the store running in memory and
    /// tells the shopper once.
    pub async fn save(&self, real_now: f64) {
        let Some(document) = self.store.borrow_mut().take_unsaved() else {
            return;
        };
        if let Err(problem) = self.persistence.save(document).await {
            let mut store = self.store.borrow_mut();
            if !store.storage_refused {
                store.storage_refused = true;
                let text = format!("This browser refused to save the demo store's data ({problem}), so your place is kept only while a tab stays open.");
                let about = (
                    store_contract::demo::notice_codes::SAVE_REFUSED,
                    Some(problem.to_string()),
                );
                store.notice(text, about, real_now);
            }
        }
    }

    /// Advances the sales for as long as `out_of_time` allows, saving what settled.
    pub async fn run_slice(&self, real_now: f64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        let done = self.store.borrow_mut().run_slice(real_now, out_of_time);
        self.save(real_now).await;
        done
    }

    /// Answers `request` as a store across a network would.
    pub async fn answer<S: Future<Output = ()>>(
        &self,
        request: &StoreRequest,
        real_now: impl Fn() -> f64,
        sleep: impl Fn(u64) -> S,
    ) -> Result<StoreResponse, AnswerLost> {
        let passage = self.store.borrow_mut().passage(request, real_now());
        sleep(passage.to_store_ms).await;
        if let Some(refused) = passage.fault.as_ref().and_then(Fault::response) {
            return Ok(refused);
        }
        let response = self.store.borrow_mut().handle(request, real_now());
        self.save(real_now()).await;
        if passage.fault == Some(Fault::AnswerLost) {
            return Err(AnswerLost);
        }
        sleep(passage.from_store_ms).await;
        Ok(response)
    }
}
