//! Payments in flight and the orders they make. The demo's test cards settle after a delay
//! (2 s, or 45 s for the slow card) as their names say; the unit stays held while the bank
//! thinks.
use serde::{Deserialize, Serialize};
use store_contract::{CheckoutRequest, OrderView, PaymentMethod, PaymentState, PaymentView};

use sale_engine::Millis;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payment {
    pub sale: String,
    pub account: u32,
    pub key: u64,
    pub request: CheckoutRequest,
    pub settle_at: Millis,
    pub state: PaymentState,
}

impl Payment {
    pub fn new(
        sale: String,
        account: u32,
        key: u64,
        request: CheckoutRequest,
        now: Millis,
    ) -> Self {
        let delay = match request.payment {
            PaymentMethod::CardApproves | PaymentMethod::CardDeclines => 2_000,
            PaymentMethod::CardSlow => 45_000,
        };
        Self {
            sale,
            account,
            key,
            request,
            settle_at: now + delay,
            state: PaymentState::Pending,
        }
    }

    /// What the bank answers when the payment settles.
    pub fn approved(&self) -> bool {
        self.request.payment != PaymentMethod::CardDeclines
    }

    fn view(&self) -> PaymentView {
        let message = match self.state {
            PaymentState::Pending => {
                "Waiting for your bank. Your unit stays held until it answers."
            }
            PaymentState::Declined => {
                "Your bank declined the payment. Your unit is still held: try another card."
            }
            PaymentState::Approved => "Payment approved.",
        };
        PaymentView {
            state: self.state.clone(),
            method: self.request.payment,
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredOrder {
    pub account: u32,
    pub view: OrderView,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Payments {
    pub payments: Vec<Payment>,
    pub orders: Vec<StoredOrder>,
}

impl Payments {
    /// Indexes of the payments whose bank answers by `now`.
    pub fn due(&self, now: Millis) -> Vec<usize> {
        (0..self.payments.len())
            .filter(|&i| {
                self.payments[i].state == PaymentState::Pending && self.payments[i].settle_at <= now
            })
            .collect()
    }

    /// The shopper's latest payment in a sale.
    pub fn latest(&self, sale: &str, account: u32) -> Option<PaymentView> {
        self.payments
            .iter()
            .rev()
            .find(|p| p.sale == sale && p.account == account)
            .map(Payment::view)
    }

    pub fn order_in(&self, sale: &str, account: u32) -> Option<&OrderView> {
        self.orders
            .iter()
            .find(|o| o.account == account && o.view.sale_id == sale)
            .map(|o| &o.view)
    }

    /// Every order in `sale`, oldest first.
    pub fn orders_in<'a>(&'a self, sale: &'a str) -> impl Iterator<Item = &'a OrderView> + 'a {
        self.orders
            .iter()
            .filter(move |o| o.view.sale_id == sale)
            .map(|o| &o.view)
    }

    pub fn orders_of(&self, account: u32) -> Vec<&OrderView> {
        self.orders
            .iter()
            .filter(|o| o.account == account)
            .map(|o| &o.view)
            .collect()
    }
}
