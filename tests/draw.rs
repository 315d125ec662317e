//! The in-page check of the draw: the ended sale's Verify runs against the record the store
//! published, so a store that tampers with the admission order is caught and named.
#![cfg(target_arch = "wasm32")]

mod support;

use std::rc::Rc;

use flash_sale::api::transport::{Reply, Transport};
use flash_sale::api::*;
use flash_sale::device::{monotonic_ms, sleep_ms};
use flash_sale::shop::Shop;
use flash_sale::storage::PageStorage;
use support::dom::*;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A store that publishes its draw record with the first two admissions swapped: the order a
/// store would publish if it let the second shopper in first and hid it.
struct SwapsTwoAdmissions(Rc<dyn Transport>);

impl Transport for SwapsTwoAdmissions {
    fn send(&self, request: StoreRequest) -> Reply {
        let reply = self.0.send(request.clone());
        Box::pin(async move {
            let mut response = reply.await?;
            if request.path.ends_with("/draw") && response.status == 200 {
                let mut record: DrawRecord =
                    serde_json::from_str(&response.body).expect("a draw record");
                record.admitted.swap(0, 1);
                response.body = serde_json::to_string(&record).expect("serialises");
            }
            Ok(response)
        })
    }
}

/// A fresh store whose sale has ended, and the record it published (straight from the store).
async fn ended_sale() -> (InPageStore, DrawRecord) {
    let TestStore { store, client } = fresh_store(settings());
    let summary = detail(&client).await.summary;
    jump_to(&client, summary.ends_at + 1_000).await;
    let record: DrawRecord = client
        .get(&format!("/api/sales/{SALE}/draw"))
        .await
        .expect("the draw record");
    assert!(
        record.seed.is_some() && record.admitted.len() >= 2,
        "an ended sale with admissions: {record:?}"
    );
    (store, record)
}

/// Presses Verify on the ended sale's page and reads the verdict it shows.
async fn verdict_on(path: &str, shop: Shop) -> String {
    shop.client().sync_clock().await.unwrap();
    let (_handle, root) = mount(path, shop);
    wait_for(&root, "[data-testid=verify]", 10_000)
        .await
        .click();
    let verdict = wait_for(&root, "[data-testid=verdict]", 1_000).await;
    let started = monotonic_ms();
    while verdict.text_content().unwrap_or_default().is_empty() {
        assert!(
            monotonic_ms() - started < 5_000.0,
            "no verdict after Verify"
        );
        sleep_ms(20).await;
    }
    verdict.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_swapped_admission_order_is_named_by_the_in_page_verify() {
    let (store, genuine) = ended_sale().await;
    let transport: Rc<dyn Transport> = Rc::new(SwapsTwoAdmissions(transport(&store)));
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let shop = Shop::open(transport, Rc::new(PageStorage::memory()));
    assert_eq!(
        verdict_on(&format!("/sale/{SALE}"), shop).await,
        format!(
            "Mismatch at admission 1: the draw puts ticket {} there, the store admitted ticket {}.",
            genuine.admitted[0], genuine.admitted[1]
        )
    );
}

#[wasm_bindgen_test]
async fn an_untampered_sale_verifies_in_the_page() {
    let (store, genuine) = ended_sale().await;
    let shop = shop_on(&store, Rc::new(PageStorage::memory()));
    assert_eq!(
        verdict_on(&format!("/sale/{SALE}"), shop).await,
        format!(
            "Verified: {} admissions follow the draw.",
            genuine.admitted.len()
        )
    );
}

#[wasm_bindgen_test]
async fn the_verdict_is_said_in_the_shoppers_language() {
    let (store, genuine) = ended_sale().await;
    let shop = shop_on(&store, Rc::new(PageStorage::memory()));
    leptos::prelude::Set::set(&shop.locale, flash_sale::i18n::Locale::ZhCn);
    assert_eq!(
        verdict_on(&format!("/sale/{SALE}"), shop).await,
        format!("核验通过：{} 次入场符合抽签。", genuine.admitted.len())
    );
}

#[wasm_bindgen_test]
async fn the_download_link_carries_the_published_record() {
    let (store, genuine) = ended_sale().await;
    let shop = shop_on(&store, Rc::new(PageStorage::memory()));
    shop.client().sync_clock().await.unwrap();
    let (_handle, root) = mount(&format!("/sale/{SALE}"), shop);
    let link = wait_for(&root, "[data-testid=draw-download]", 10_000).await;
    assert_eq!(
        link.get_attribute("download").as_deref(),
        Some(format!("draw-{SALE}.json").as_str())
    );
    let href = link.get_attribute("href").unwrap();
    let json = href
        .strip_prefix("data:application/json;charset=utf-8,")
        .expect("a data: URL");
    let json = js_sys::decode_uri_component(json)
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(serde_json::from_str::<DrawRecord>(&json).unwrap(), genuine);
}

#[wasm_bindgen_test]
async fn the_ended_preview_screens_verify() {
    let shop = shop_on(&new_store(settings()), Rc::new(PageStorage::memory()));
    for name in ["sold-out", "sale-ended"] {
        assert_eq!(
            verdict_on(&format!("/preview/{name}"), shop).await,
            "Verified: 288 admissions follow the draw.",
            "{name}"
        );
    }
}
