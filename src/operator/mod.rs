//! `/operator`: the operator's console. Signing in with the operator key, the list of drops,
//! the form that makes and changes them, and a sale watched and steered live. In the release
//! build it is a module of its own (`pages/on_demand.rs`), so shoppers never download it; its
//! texts are its own too ([`words`]).
mod charts;
mod chinese;
mod console;
mod drops;
mod english;
mod fields;
mod form;
mod js;
mod live;
mod sign_in;
mod steer;
mod words;

use leptos::prelude::*;

pub use charts::Sample;
pub use chinese::ZH;
pub use console::{add_console_style, use_console, words_in, Console, Screen};
pub use drops::DropTable;
pub use english::EN;
pub use form::{DropForm, FormMode};
pub use live::LiveFigures;
pub use sign_in::OperatorSignIn;
pub use steer::Steering;
pub use words::Words;

/// The console: the sign-in until the operator has a session, then the screen they chose.
#[component]
pub fn OperatorConsole() -> impl IntoView {
    let console = Console::open();
    provide_context(console);
    add_console_style();
    let w = console.w();
    crate::attention::use_page_title(move || w.console.to_string());
    let signed_in = Memo::new(move |_| console.token.with(Option::is_some));
    view! {
        <div class="page operator" data-testid="operator-console">
            {move || match signed_in.get() {
                false => view! { <OperatorSignIn/> }.into_any(),
                true => view! { <ConsoleScreen/> }.into_any(),
            }}
        </div>
    }
}

/// The screen the operator chose, with the way back to the drops and out.
#[component]
fn ConsoleScreen() -> impl IntoView {
    let console = use_console();
    let w = console.w();
    let sign_out = move |_| {
        console.signed_out_because.set(None);
        console.token.set(None);
    };
    view! {
        <div class="row operator-bar">
            <h1>{w.console}</h1>
            <button type="button" class="link" on:click=sign_out>{w.sign_out}</button>
        </div>
        {move || match console.screen.get() {
            Screen::Drops => view! { <drops::Drops/> }.into_any(),
            Screen::New => view! { <form::FormLoader mode=FormMode::New/> }.into_any(),
            Screen::Edit(id) => view! { <form::FormLoader mode=FormMode::Edit(id)/> }.into_any(),
            Screen::Duplicate(id) => view! { <form::FormLoader mode=FormMode::Duplicate(id)/> }.into_any(),
            Screen::Live(id) => view! { <live::LiveSalePage id/> }.into_any(),
        }}
    }
}
