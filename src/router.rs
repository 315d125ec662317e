//! Which page the address bar shows: the shop's six routes in one `match`, and links that are
//! plain `<a href>`, whose clicks become history entries instead of page loads.
//!
//! Written here rather than taken from leptos_router: the shop needs six fixed routes and
//! same-origin links, and the crate's general machinery (nested routes, matching generic over
//! every route's segments, its `<A>` and `<Routes>` views) cost the first screen 43.5 KB gzip,
//! against the 150 KB it may weigh in all (measured with `make build`; README, "Known limits").
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The pages of the shop, as the address names them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Page {
    /// `/`: the sales.
    Home,
    /// `/sale/:id`
    Sale,
    /// `/account`
    Account,
    /// `/orders/:id`
    Order,
    /// `/preview`: every screen state, for designers.
    PreviewGallery,
    /// `/preview/:state`
    PreviewScreen,
    /// `/operator`: the operator console (its key may come as `#key=…`).
    Operator,
    NotFound,
}

impl Page {
    /// The page at `path`, and the sale, order or screen state its last segment names.
    pub fn at(path: &str) -> (Page, Option<String>) {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // A segment that is not valid percent-encoding names itself, as typed.
        let named = |segment: &str| {
            js_sys::decode_uri_component(segment)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| segment.to_owned())
        };
        match segments.as_slice() {
            [] => (Page::Home, None),
            ["sale", id] => (Page::Sale, Some(named(id))),
            ["account"] => (Page::Account, None),
            ["orders", id] => (Page::Order, Some(named(id))),
            ["preview"] => (Page::PreviewGallery, None),
            ["preview", state] => (Page::PreviewScreen, Some(named(state))),
            ["operator"] => (Page::Operator, None),
            _ => (Page::NotFound, None),
        }
    }
}

/// Where the shopper is: the address bar's path, followed as they click links and go back.
#[derive(Clone, Copy)]
pub struct Address {
    path: RwSignal<String>,
}

impl Address {
    /// Follows the address bar for as long as the calling view lives, and gives it to the views
    /// inside it ([`use_address`]). The shop's shell calls it once.
    pub fn follow() -> Address {
        let path = RwSignal::new(current_path());
        let address = Address { path };
        let back_or_forward =
            window_event_listener(ev::popstate, move |_| path.set(current_path()));
        let click = window_event_listener(ev::click, move |click| address.follow_link(click));
        on_cleanup(move || {
            back_or_forward.remove();
            click.remove();
        });
        provide_context(address);
        address
    }

    /// The page the address shows.
    pub fn page(self) -> Page {
        self.path.with(|p| Page::at(p).0)
    }

    /// The sale, order or screen state the address names while it shows a `page` (the one
    /// calling). It keeps the last one while the address shows another page, so a page on its
    /// way out never acts on another page's id, whichever of them the switch reaches first.
    pub fn named(self, page: Page) -> Memo<String> {
        let path = self.path;
        Memo::new(
            move |last: Option<&String>| match path.with(|p| Page::at(p)) {
                (shown, Some(named)) if shown == page => named,
                _ => last.cloned().unwrap_or_default(),
            },
        )
    }

    /// Whether the address is `href` (a trailing `/` aside).
    pub fn shows(self, href: &str) -> bool {
        self.path
            .with(|p| p.trim_end_matches('/') == href.trim_end_matches('/'))
    }

    /// A click on a link to a page of the shop shows that page without loading the app again,
    /// as a browser does with a page load: a new history entry and the top of the page. Clicks
    /// the browser should handle itself (another site, a new tab or window, a download, a link
    /// within this page) are left to it.
    fn follow_link(self, click: web_sys::MouseEvent) {
        if click.default_prevented()
            || click.button() != 0
            || click.meta_key()
            || click.alt_key()
            || click.ctrl_key()
            || click.shift_key()
        {
            return;
        }
        let Some(link) = click
            .composed_path()
            .iter()
            .find_map(|target| target.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let location = window().location();
        let elsewhere = link.origin() != location.origin().unwrap_or_default()
            || !matches!(link.target().as_str(), "" | "_self")
            || link.has_attribute("download")
            || link.rel().split_whitespace().any(|rel| rel == "external");
        let same_page = link.pathname() == location.pathname().unwrap_or_default()
            && link.search() == location.search().unwrap_or_default();
        if elsewhere || (same_page && !link.hash().is_empty()) {
            return;
        }
        click.prevent_default();
        let url = format!("{}{}{}", link.pathname(), link.search(), link.hash());
        if let Ok(history) = window().history() {
            let _ = if same_page {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
            } else {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
            };
        }
        self.path.set(link.pathname());
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The address the shop's shell follows ([`Address::follow`]).
pub fn use_address() -> Address {
    expect_context::<Address>()
}

fn current_path() -> String {
    window().location().pathname().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn each_route_names_its_page() {
        assert_eq!(Page::at("/"), (Page::Home, None));
        assert_eq!(Page::at(""), (Page::Home, None));
        assert_eq!(Page::at("/account"), (Page::Account, None));
        assert_eq!(Page::at("/preview"), (Page::PreviewGallery, None));
        assert_eq!(Page::at("/operator"), (Page::Operator, None));
        assert_eq!(Page::at("/sale/mi-13/extra"), (Page::NotFound, None));
        assert_eq!(Page::at("/sales"), (Page::NotFound, None));
    }
}
