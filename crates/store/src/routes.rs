//! Which call a request is: the contract's paths, parsed once into a [`Route`].
use store_contract::{Method, StoreRequest};

/// Something a signed-in shopper does in a sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaleCall {
    Register,
    Cancel,
    Join,
    Prefer,
    Extend,
    Checkout,
}

/// Something the operator does (`/api/operator/*`); the sale's id where there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorCall {
    /// Signs in with the key.
    Session,
    /// Sets the key's hash: the store server's own call at its start, refused from outside.
    Key,
    Sales,
    Create,
    Drop(String),
    Change(String),
    Cancel(String),
    Live(String),
    Steer(String),
    Orders(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Time,
    SendCode,
    Verify,
    Sales,
    Sale(String),
    Report(String),
    /// The sale's draw record, to check the draw with.
    Draw(String),
    Me(String),
    Shopper(String, SaleCall),
    Orders,
    Order(String),
    DevInbox,
    /// Codes for many numbers at once, for load runs.
    DevCodes,
    DevState,
    DevNotices,
    DevReset,
    DevSettings,
    DevClock,
    Operator(OperatorCall),
}

impl Route {
    /// The route a request names; `None` when the contract has nothing there.
    pub fn of(request: &StoreRequest) -> Option<Route> {
        let path = request.path.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = path.strip_prefix("/api/")?.split('/').collect();
        use Method::*;
        let id = |s: &str| s.to_string();
        Some(match (request.method, parts.as_slice()) {
            (Get, ["time"]) => Route::Time,
            (Post, ["auth", "code"]) => Route::SendCode,
            (Post, ["auth", "verify"]) => Route::Verify,
            (Get, ["sales"]) => Route::Sales,
            (Get, ["sales", sale]) => Route::Sale(id(sale)),
            (Get, ["sales", sale, "report"]) => Route::Report(id(sale)),
            (Get, ["sales", sale, "draw"]) => Route::Draw(id(sale)),
            (Get, ["sales", sale, "me"]) => Route::Me(id(sale)),
            (Post, ["sales", sale, "registration"]) => Route::Shopper(id(sale), SaleCall::Register),
            (Delete, ["sales", sale, "registration"]) => Route::Shopper(id(sale), SaleCall::Cancel),
            (Post, ["sales", sale, "queue"]) => Route::Shopper(id(sale), SaleCall::Join),
            (Put, ["sales", sale, "preference"]) => Route::Shopper(id(sale), SaleCall::Prefer),
            (Post, ["sales", sale, "hold", "extend"]) => Route::Shopper(id(sale), SaleCall::Extend),
            (Post, ["sales", sale, "checkout"]) => Route::Shopper(id(sale), SaleCall::Checkout),
            (Get, ["orders"]) => Route::Orders,
            (Get, ["orders", number]) => Route::Order(id(number)),
            (Get, ["dev", "inbox"]) => Route::DevInbox,
            (Post, ["dev", "codes"]) => Route::DevCodes,
            (Get, ["dev", "state"]) => Route::DevState,
            (Get, ["dev", "notices"]) => Route::DevNotices,
            (Post, ["dev", "reset"]) => Route::DevReset,
            (Put, ["dev", "settings"]) => Route::DevSettings,
            (Post, ["dev", "clock"]) => Route::DevClock,
            (method, ["operator", rest @ ..]) => Route::Operator(operator_call(method, rest)?),
            _ => return None,
        })
    }
}

fn operator_call(method: Method, parts: &[&str]) -> Option<OperatorCall> {
    use Method::*;
    let id = |s: &str| s.to_string();
    Some(match (method, parts) {
        (Post, ["session"]) => OperatorCall::Session,
        (Put, ["key"]) => OperatorCall::Key,
        (Get, ["sales"]) => OperatorCall::Sales,
        (Post, ["sales"]) => OperatorCall::Create,
        (Get, ["sales", sale]) => OperatorCall::Drop(id(sale)),
        (Put, ["sales", sale]) => OperatorCall::Change(id(sale)),
        (Delete, ["sales", sale]) => OperatorCall::Cancel(id(sale)),
        (Get, ["sales", sale, "live"]) => OperatorCall::Live(id(sale)),
        (Post, ["sales", sale, "steer"]) => OperatorCall::Steer(id(sale)),
        (Get, ["sales", sale, "orders.csv"]) => OperatorCall::Orders(id(sale)),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: Method, path: &str) -> Option<Route> {
        Route::of(&StoreRequest {
            method,
            path: path.into(),
            bearer: None,
            idempotency_key: None,
            body: None,
        })
    }

    #[test]
    fn paths_name_their_calls() {
        assert_eq!(
            route(Method::Get, "/api/sales/k7/me?x=1"),
            Some(Route::Me("k7".into()))
        );
        assert_eq!(
            route(Method::Post, "/api/sales/k7/hold/extend"),
            Some(Route::Shopper("k7".into(), SaleCall::Extend))
        );
        assert_eq!(
            route(Method::Delete, "/api/sales/k7/registration"),
            Some(Route::Shopper("k7".into(), SaleCall::Cancel))
        );
    }

    #[test]
    fn the_draw_record_has_its_own_path() {
        assert_eq!(
            route(Method::Get, "/api/sales/k7/draw"),
            Some(Route::Draw("k7".into()))
        );
        assert_eq!(
            route(Method::Post, "/api/sales/k7/draw"),
            None,
            "nobody but the store writes the draw"
        );
    }

    #[test]
    fn unknown_paths_and_methods_name_nothing() {
        assert_eq!(route(Method::Get, "/api/sales/k7/registration"), None);
        assert_eq!(route(Method::Get, "/elsewhere"), None);
        assert_eq!(route(Method::Delete, "/api/time"), None);
    }
}
