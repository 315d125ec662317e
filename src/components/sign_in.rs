use leptos::prelude::*;

use crate::api::{
    validation, ApiError, CodeRequest, CodeSent, Method, Session, Sms, VerifyRequest,
};
use crate::hooks::{clear_draft, use_api, use_draft, use_polling};
use crate::i18n::fill;
use crate::shop::use_shop;

/// Where the code step's texted code went, kept so a reload stays on the code step.
const SENT_KEY: &str = "draft.sign-in.sent";

/// Where the sign-in form is.
#[derive(Clone, Debug, PartialEq)]
pub enum SignInStage {
    Phone,
    CodeSent(CodeSent),
}

/// Sign in or sign up with a phone number and a one-time code. The demo's SMS arrive in the
/// inbox shown under the form. What was typed is kept through errors and reloads.
///
/// Without a `stage`, the form is the shopper's own: it opens at the step they left it at and
/// keeps its step for a reload. Given one, it opens there and keeps nothing, so a form shown
/// at a set step leaves the shopper's own as it was.
#[component]
pub fn SignIn(
    #[prop(default = None)] stage: Option<SignInStage>,
    #[prop(optional)] error: Option<ApiError>,
) -> impl IntoView {
    let shop = use_shop();
    let t = move || shop.words();
    let market = move || shop.locale.get_untracked().market();
    let phone = use_draft("sign-in.phone");
    let code = use_draft("sign-in.code");
    // The code step survives a reload: the code already texted stays usable, where sending
    // another would be refused for a while.
    let kept = stage.is_none();
    let stage = RwSignal::new(stage.unwrap_or_else(|| {
        shop.storage()
            .get(SENT_KEY)
            .and_then(|raw| crate::json::from_str::<CodeSent>(&raw).ok())
            .map_or(SignInStage::Phone, SignInStage::CodeSent)
    }));
    Effect::new(move |_| match stage.get() {
        _ if !kept => {}
        SignInStage::CodeSent(sent) => shop.storage().set(SENT_KEY, &crate::json::to_string(&sent)),
        SignInStage::Phone => shop.storage().remove(SENT_KEY),
    });
    // Sentences, already in the shopper's language: a switch of language builds this form
    // again. (Plain strings also keep the wasm smaller than a signal type per kind of problem.)
    let phone_problem = RwSignal::new(None::<String>);
    let code_problem = RwSignal::new(None::<String>);
    let store_error = RwSignal::new(error.map(|e| t().store_error(&e)));
    let busy = RwSignal::new(false);
    let touched_phone = RwSignal::new(false);

    // Inline, as the shopper types once they have left the field or tried to send.
    Effect::new(move |_| {
        let text = phone.get();
        if touched_phone.get() {
            phone_problem.set(
                validation::phone(&text, market())
                    .err()
                    .map(|p| t().phone_problem(p)),
            );
        }
    });

    let send_code = move || {
        touched_phone.set(true);
        let number = match validation::phone(&phone.get_untracked(), market()) {
            Ok(n) => n,
            Err(problem) => return phone_problem.set(Some(t().phone_problem(problem))),
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result: Result<CodeSent, ApiError> = shop
                .client()
                .call(
                    Method::Post,
                    "/api/auth/code",
                    Some(CodeRequest {
                        phone: number,
                        language: Some(shop.locale.get_untracked().tag().into()),
                    }),
                )
                .await;
            busy.set(false);
            match result {
                Ok(sent) => {
                    store_error.set(None);
                    stage.set(SignInStage::CodeSent(sent));
                }
                Err(e) => store_error.set(Some(t().store_error(&e))),
            }
        });
    };

    let verify = move || {
        let SignInStage::CodeSent(sent) = stage.get_untracked() else {
            return;
        };
        let typed = match validation::sms_code(&code.get_untracked()) {
            Ok(c) => c,
            Err(problem) => return code_problem.set(Some(t().code_problem(problem))),
        };
        code_problem.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result: Result<Session, ApiError> = shop
                .client()
                .call(
                    Method::Post,
                    "/api/auth/verify",
                    Some(VerifyRequest {
                        phone: sent.phone,
                        code: typed,
                    }),
                )
                .await;
            busy.set(false);
            match result {
                Ok(session) => {
                    clear_draft(shop, "sign-in.code");
                    shop.storage().remove(SENT_KEY);
                    shop.client().session.set(Some(session));
                }
                Err(e) => {
                    code.set(String::new());
                    store_error.set(Some(t().store_error(&e)));
                }
            }
        });
    };

    view! {
        <div class="card sign-in" data-state=move || match stage.get() { SignInStage::Phone => "sign-in-phone", SignInStage::CodeSent(_) => "sign-in-code" }>
            {move || match stage.get() {
                SignInStage::Phone => view! {
                    <form class="form" novalidate on:submit=move |ev| { ev.prevent_default(); send_code(); }>
                        <h2>{t().sign_in_title}</h2>
                        <p class="hint">{t().one_account_per_phone}</p>
                        <label for="phone">{t().phone_label}</label>
                        <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
                            placeholder=t().phone_example bind:value=phone
                            on:blur=move |_| touched_phone.set(true)
                            aria-invalid=move || phone_problem.get().is_some().to_string()
                            aria-describedby="phone-problem"/>
                        <p id="phone-problem" class="field-problem" data-testid="phone-problem">{move || phone_problem.get()}</p>
                        <button class="button primary" type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { t().sending } else { t().text_me_a_code }}
                        </button>
                    </form>
                }.into_any(),
                SignInStage::CodeSent(sent) => view! {
                    <form class="form" novalidate on:submit=move |ev| { ev.prevent_default(); verify(); }>
                        <h2>{t().enter_the_code}</h2>
                        <p class="hint">{fill(t().sent_to, &[&sent.phone])}
                            <button type="button" class="link" on:click=move |_| stage.set(SignInStage::Phone)>{t().change_number}</button>
                        </p>
                        <label for="code">{fill(t().code_label, &[&sent.code_length.to_string()])}</label>
                        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7"
                            bind:value=code aria-describedby="code-problem"
                            aria-invalid=move || code_problem.get().is_some().to_string()/>
                        <p id="code-problem" class="field-problem" data-testid="code-problem">{move || code_problem.get()}</p>
                        <div class="row">
                            <button class="button primary" type="submit" disabled=move || busy.get()>{t().sign_in}</button>
                            <button class="button" type="button" disabled=move || busy.get() on:click=move |_| send_code()>{t().send_new_code}</button>
                        </div>
                    </form>
                    <Inbox phone=sent.phone.clone()/>
                }.into_any(),
            }}
            <p class="form-error" role="alert" data-testid="sign-in-error">{move || store_error.get()}</p>
        </div>
    }
}

/// The demo store's SMS gateway: the texts it sent to this number, newest first.
#[component]
fn Inbox(phone: String) -> impl IntoView {
    let shop = use_shop();
    let beat = use_polling(1_000);
    let inbox = use_api::<Vec<Sms>>(move || {
        beat.track();
        "/api/dev/inbox".into()
    });
    view! {
        // Busy until the store's first answer: what it shows before that is not yet the inbox.
        <aside class="inbox" aria-label=shop.words().demo_texts aria-busy=move || inbox.with(Option::is_none).to_string()>
            <h3>{shop.words().demo_phone}</h3>
            {move || {
                let messages: Vec<Sms> = inbox.get().and_then(Result::ok).unwrap_or_default().into_iter().rev().filter(|m| m.phone == phone).take(3).collect();
                if messages.is_empty() {
                    view! { <p class="hint">{shop.words().waiting_for_text}</p> }.into_any()
                } else {
                    messages.into_iter().map(|m| view! { <p class="sms" data-testid="sms">{m.text}</p> }).collect_view().into_any()
                }
            }}
        </aside>
    }
}
