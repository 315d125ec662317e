//! The sale: every shopper polls their status and checks out when holding, until their sale
//! is over (an order, sold out, missed, or a hold run out).
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use store_contract::*;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::client::{call, json, try_call, Failure, Http};
use crate::phases::{percentiles, Shopper};
use crate::report::Checkouts;

/// Status polls in flight during the sale: the load generator cannot hold a connection for
/// each of hundreds of thousands of shoppers (ports, file descriptors), so the crowd's polls
/// queue here for one of these; checkouts do not wait for them.
const POLLS_IN_FLIGHT: usize = 256;
/// The longest a sale may run before the run gives up on it.
const SALE_WITHIN: Duration = Duration::from_secs(300);
/// The spread of the crowd's first polls after the sale moment: a shopper's first poll comes
/// `ticket % SPREAD_MS` after it, as the store's hint before the start asks.
const SPREAD_MS: u64 = 1_000;

/// How often a shopper polls during the sale.
#[derive(Clone, Copy)]
pub enum Pace {
    EverySecond,
    /// When the last answer's `poll_after_ms` says (every second when it says nothing).
    AsHinted,
}

/// How one shopper's sale ended.
pub struct Ended {
    pub order: Option<String>,
    pub ticket: Option<u32>,
    /// When their first poll was answered, from the sale moment.
    pub first_answer: Duration,
}

#[derive(Default)]
struct Tally {
    checkouts: Mutex<Vec<Duration>>,
    polls: Mutex<Vec<Duration>>,
    refused_retries: AtomicU64,
    already_taken: AtomicU64,
    answered_by_second: Vec<AtomicU64>,
}

/// The sale under way: every shopper polls their status and checks out when holding.
pub struct Sale {
    shoppers: JoinSet<Result<(usize, Ended), String>>,
    started: Instant,
    tally: Arc<Tally>,
}

/// What the sale came to.
pub struct SaleEnd {
    /// How each shopper's sale ended, by index.
    pub ended: Vec<Ended>,
    pub checkouts: Checkouts,
    pub polls: Vec<Duration>,
    pub answered_by_second: Vec<u64>,
    pub seconds: f64,
}

impl Sale {
    /// Starts the sale's crowd: shopper `i` polls first at `tickets[i] % SPREAD_MS` after now,
    /// then at `pace`, until their sale is over.
    pub fn start(
        http: &Http,
        urls: &[String],
        sale: &'static str,
        shoppers: &Arc<Vec<Shopper>>,
        tickets: &[u32],
        pace: Pace,
    ) -> Sale {
        let tally = Arc::new(Tally {
            answered_by_second: (0..=SALE_WITHIN.as_secs())
                .map(|_| AtomicU64::new(0))
                .collect(),
            ..Tally::default()
        });
        let permits = Arc::new(Semaphore::new(POLLS_IN_FLIGHT));
        let urls: Arc<[String]> = urls.into();
        let started = Instant::now();
        let mut crowd = JoinSet::new();
        for (i, ticket) in tickets.iter().enumerate() {
            let first_poll = Duration::from_millis(u64::from(*ticket) % SPREAD_MS);
            let (http, urls, shoppers, tally, permits) = (
                http.clone(),
                urls.clone(),
                shoppers.clone(),
                tally.clone(),
                permits.clone(),
            );
            crowd.spawn(async move {
                tokio::time::sleep(first_poll).await;
                let shopper = Shopping {
                    http: &http,
                    urls: &urls,
                    sale,
                    shopper: &shoppers[i],
                    tally: &tally,
                    started,
                };
                let ended = shopper.shop(&permits, pace).await?;
                Ok((i, ended))
            });
        }
        Sale {
            shoppers: crowd,
            started,
            tally,
        }
    }

    /// Waits for every shopper's sale to end.
    pub async fn end(mut self) -> Result<SaleEnd, String> {
        let mut ended = Vec::with_capacity(self.shoppers.len());
        while let Some(shopper) = self.shoppers.join_next().await {
            ended.push(shopper.map_err(|e| e.to_string())??);
        }
        let seconds = self.started.elapsed().as_secs_f64();
        ended.sort_by_key(|e| e.0);
        let tally = &self.tally;
        let checkouts = std::mem::take(&mut *tally.checkouts.lock().unwrap());
        let (p50_ms, p99_ms) = percentiles(checkouts.clone());
        let checkouts = Checkouts {
            count: checkouts.len(),
            per_s: checkouts.len() as f64 / seconds,
            p50_ms,
            p99_ms,
            retries_refused_after_the_first_acted: tally.refused_retries.load(Ordering::Relaxed),
            refused_as_already_taken_after_a_poll_from_behind: tally
                .already_taken
                .load(Ordering::Relaxed),
            sale_seconds: seconds,
        };
        println!(
            "  sale over in {seconds:.1} s: {} checkouts ({:.0}/s), p50 {p50_ms:.2} ms, p99 {p99_ms:.2} ms",
            checkouts.count, checkouts.per_s
        );
        let mut answered_by_second: Vec<u64> = tally
            .answered_by_second
            .iter()
            .map(|n| n.load(Ordering::Relaxed))
            .collect();
        answered_by_second.truncate(seconds.ceil() as usize);
        Ok(SaleEnd {
            ended: ended.into_iter().map(|e| e.1).collect(),
            checkouts,
            polls: std::mem::take(&mut *tally.polls.lock().unwrap()),
            answered_by_second,
            seconds,
        })
    }
}

/// One shopper in the sale.
struct Shopping<'a> {
    http: &'a Http,
    urls: &'a [String],
    sale: &'static str,
    shopper: &'a Shopper,
    tally: &'a Tally,
    started: Instant,
}

impl Shopping<'_> {
    async fn shop(&self, permits: &Semaphore, pace: Pace) -> Result<Ended, String> {
        let me = format!("/api/sales/{}/me", self.sale);
        let token = Some(self.shopper.token.as_str());
        let mut first_answer = None;
        loop {
            if self.started.elapsed() > SALE_WITHIN {
                return Err(format!(
                    "a shopper's sale had not ended after {} s",
                    SALE_WITHIN.as_secs()
                ));
            }
            let (view, took): (ShopperView, _) = {
                let _permit = permits.acquire().await.map_err(|e| e.to_string())?;
                call(
                    self.http,
                    self.urls,
                    self.shopper.home,
                    "GET",
                    &me,
                    token,
                    None,
                )
                .await?
            };
            let at = self.started.elapsed();
            let first_answer = *first_answer.get_or_insert(at);
            self.tally.polls.lock().unwrap().push(took);
            if let Some(second) = self.tally.answered_by_second.get(at.as_secs() as usize) {
                second.fetch_add(1, Ordering::Relaxed);
            }
            let mut hint = view.poll_after_ms;
            match view.status {
                ShopperStatus::Holding { hold } if !hold.paying => {
                    if let Some(paying) = self.check_out(hold.variant).await? {
                        hint = paying.poll_after_ms;
                    }
                }
                ShopperStatus::Ordered { .. }
                | ShopperStatus::SoldOut { .. }
                | ShopperStatus::Missed
                | ShopperStatus::HoldExpired { .. } => {
                    return Ok(Ended {
                        order: view.order.map(|o| o.number),
                        ticket: view.ticket,
                        first_answer,
                    });
                }
                _ => {}
            }
            let wait = match pace {
                Pace::EverySecond => 1_000,
                Pace::AsHinted => hint.unwrap_or(1_000),
            };
            tokio::time::sleep(Duration::from_millis(wait)).await;
        }
    }

    /// Checks out the held `variant`: the answer, or none when the store refused it for a
    /// reason the next poll explains.
    async fn check_out(&self, variant: u8) -> Result<Option<ShopperView>, String> {
        let checkout = CheckoutRequest {
            variant,
            address: Address {
                name: "Ada Load".into(),
                line1: "1 Long Street".into(),
                city: "Leeds".into(),
                postcode: "LS1 4AP".into(),
                ..Address::default()
            },
            payment: PaymentMethod::CardApproves,
        };
        let path = format!("/api/sales/{}/checkout", self.sale);
        let token = Some(self.shopper.token.as_str());
        let home = self.shopper.home;
        let sent = try_call::<ShopperView>(
            self.http,
            self.urls,
            home,
            "POST",
            &path,
            token,
            json(&checkout),
        );
        match sent.await {
            Ok((view, took)) => {
                self.tally.checkouts.lock().unwrap().push(took);
                Ok(Some(view))
            }
            // The store remembers answers by idempotency key for a while only: a retry after
            // a node could not confirm may come later than that and be refused though the
            // first attempt acted. The next poll tells.
            Err(Failure::Refused { attempts, .. }) if attempts > 1 => {
                self.tally.refused_retries.fetch_add(1, Ordering::Relaxed);
                Ok(None)
            }
            // A node answers reads from its own replica: one behind the stream (a node just
            // restarted, or the shopper's node was down and another answered) may show the
            // hold after its checkout was taken. The store refuses the second checkout (its
            // payment is in flight, or the order is made); the next polls show the order.
            Err(Failure::Refused { answer, .. })
                if answer.status == 409
                    && (answer.body.contains("\"limit_reached\"")
                        || answer.body.contains("\"payment_in_flight\"")) =>
            {
                self.tally.already_taken.fetch_add(1, Ordering::Relaxed);
                Ok(None)
            }
            Err(failure) => Err(failure.describe("POST", &path)),
        }
    }
}
