//! The operator's side of a drop, end to end: the console at `/operator` makes a drop from
//! scratch, shoppers register and buy in it, the operator pauses, resumes and ends it early,
//! and the orders and the draw record tell what happened.
use e2e::{ensure, Browser, Result};
use serde_json::{json, Value};

use super::{fill_address, pay_until_confirmed, position, secs, sign_in, wait_for_polls, Ctx};

/// The drop the operator makes: its address is `/sale/{DROP}`.
const DROP: &str = "e2e-lumen-lamp";
/// Who buys the first unit, and who waits in the paused line.
const FIRST_SHOPPER: &str = "+44 7700 900123";
const SECOND_SHOPPER: &str = "+44 7700 900456";
/// The operator's session, as the console keeps it in its tab (`src/operator/console.rs`).
const OPERATOR_SESSION: &str = "kestrel.v1.operator.session";

/// An operator signs in to the console and makes a drop (5 units, registration open now, the
/// start minutes later, one shopper let through a second). Two shoppers register. The start
/// lets the shopper already in the waiting room through, and the operator pauses the line:
/// that shopper buys while it is paused, as holds and payments go on. The second shopper
/// joins the paused line later (the turns the rate allowed while nobody waited are gone),
/// where their place stays put and the page says why; once the operator resumes, they are
/// let through. The operator ends the sale early; the orders CSV holds the first shopper's
/// order, and the draw record lists the pause and verifies.
pub(super) async fn an_operator_runs_a_drop(ctx: &Ctx, b: &Browser) -> Result<()> {
    // A fresh demo first: a scenario resets the store, which forgets the operator's drops.
    ctx.scenario(b, "demo=fresh").await?;
    let shopper_tab = b.client.window().await?;
    let operator_tab = b.client.new_window(true).await?.handle;
    b.client.switch_to_window(operator_tab.clone()).await?;
    make_the_drop(ctx, b).await?;

    // The second shopper registers first, then the first one, who stays signed in.
    b.client.switch_to_window(shopper_tab.clone()).await?;
    sign_in(ctx, b, SECOND_SHOPPER).await?;
    register(ctx, b).await?;
    sign_out(ctx, b).await?;
    sign_in(ctx, b, FIRST_SHOPPER).await?;
    register(ctx, b).await?;

    b.client.switch_to_window(operator_tab.clone()).await?;
    watch_live(ctx, b).await?;

    // Registration closes: the first shopper's open page checks them in to the waiting room.
    b.client.switch_to_window(shopper_tab.clone()).await?;
    jump_clock(b, "registration_closes", 500).await?;
    b.client.refresh().await?;
    b.wait_state(&["pre-queue"], secs(30)).await?;
    b.wait_js(
        &format!(
            "{ME} .then(me => me.status && me.status.PreQueue ? 'checked in' : null)",
            ME = me_js()
        ),
        secs(20),
        "the first shopper checked in to the waiting room",
    )
    .await?;

    // The start lets the shopper in the waiting room through; then the operator pauses.
    b.client.switch_to_window(operator_tab.clone()).await?;
    jump_clock(b, "starts_at", 0).await?;
    let live_path = format!("/api/operator/sales/{DROP}/live");
    b.wait_js(
        &format!(
            "{}.then(r => r.json()).then(l => l.admitted === 1 && l.counters.held === 1)",
            operator_fetch_js(&live_path)
        ),
        secs(20),
        "the shopper of the waiting room let through at the start",
    )
    .await?;
    b.wait_js(
        "(() => { const p = document.querySelector('[data-testid=pause]'); return p && !p.disabled; })()",
        secs(10),
        "the pause button",
    )
    .await?;
    b.click("[data-testid=pause]", secs(10)).await?;
    let state = b
        .wait_js(
            "(() => { const s = document.querySelector('[data-testid=line-state]'); return s && s.textContent.startsWith('Paused since') && s.textContent; })()",
            secs(10),
            "the console to show the line paused",
        )
        .await?;
    let problem = b.testid("steer-problem").await?.unwrap_or_default();
    ensure!(problem.is_empty(), "pausing said {problem:?} ({state})");
    let live = operator_get(b, &live_path).await?;
    let starts_at = sale_moment(b, "starts_at").await?;
    let pause = &live["actions"][0];
    ensure!(
        pause["action"] == json!("pause") && pause["at"].as_u64().is_some_and(|at| at >= starts_at),
        "the pause came at {} for a start at {starts_at}; actions {}",
        pause["at"],
        live["actions"]
    );
    ensure!(
        live["admitted"] == json!(1) && live["counters"]["held"] == json!(1),
        "at the pause the console counts {} admitted and {} holding, not the one shopper of the waiting room",
        live["admitted"],
        live["counters"]["held"]
    );
    ctx.shoot(b, "operator-paused").await?;

    // The first shopper was let through at the start and buys while the line is paused.
    b.client.switch_to_window(shopper_tab.clone()).await?;
    b.client.refresh().await?;
    b.wait_state(&["your-turn"], secs(30)).await?;
    let paused = b.wait_testid("news-paused", secs(10)).await?;
    ensure!(
        paused.starts_with("The store paused the line at"),
        "the holding shopper's page says {paused:?} about the pause"
    );
    b.click("[data-testid=go-checkout]", secs(10)).await?;
    b.wait_state(&["checkout"], secs(10)).await?;
    fill_address(b, true).await?;
    let order = pay_until_confirmed(ctx, b, secs(60)).await?;

    // The second shopper joins the paused line: their place does not move.
    sign_out(ctx, b).await?;
    sign_in(ctx, b, SECOND_SHOPPER).await?;
    open_the_drop(ctx, b).await?;
    let state = b.wait_state(&["live-queue"], secs(30)).await?;
    ensure!(
        state == "live-queue",
        "the second shopper's page after the start: {state}"
    );
    b.click("[data-testid=join]", secs(10)).await?;
    let place = position(b).await?;
    let said = b.wait_testid("news-paused", secs(10)).await?;
    ensure!(
        said.starts_with("The store paused the line at") && said.ends_with("your place is kept."),
        "the paused line's page says {said:?}"
    );
    let wait = b.testid("estimated-wait").await?;
    ensure!(
        wait.as_deref() == Some("unknown"),
        "the paused line's page estimates the wait as {wait:?}, though nobody knows when it moves"
    );
    ctx.shoot(b, "live-queue-paused").await?;
    // Three answers of the store later (a second apart for the front of a line), the place
    // is the same and the shopper still waits, though the rate alone would have let them
    // through within a second.
    let me = format!("/api/sales/{DROP}/me");
    for poll in 1..=3 {
        wait_for_polls(b, &me, 1, secs(15)).await?;
        let now = b.state().await.unwrap_or_default();
        let shown = b.testid("queue-position").await?;
        ensure!(
            now == "live-queue" && shown.as_deref() == place.as_str(),
            "after {poll} answers in the paused line the page is {now} at place {shown:?}, not still at {place}: {}",
            b.describe().await
        );
        let status = b.js(&format!("return {};", me_js()), vec![]).await?;
        ensure!(
            status["status"]["Waiting"].is_object(),
            "the store has the second shopper as {} in the paused line",
            status["status"]
        );
    }

    // The operator resumes: the second shopper is let through.
    b.client.switch_to_window(operator_tab.clone()).await?;
    b.click("[data-testid=resume]", secs(10)).await?;
    b.wait_js(
        "(() => { const s = document.querySelector('[data-testid=line-state]'); return s && s.textContent === 'Admitting'; })()",
        secs(10),
        "the console to show the line admitting again",
    )
    .await?;
    b.client.switch_to_window(shopper_tab.clone()).await?;
    b.wait_state(&["your-turn"], secs(30)).await?;
    b.wait_js(
        "!document.querySelector('[data-testid=news-paused]')",
        secs(10),
        "the pause sentence to go once the line was resumed",
    )
    .await?;

    // The operator ends the sale early, with a note shoppers read.
    b.client.switch_to_window(operator_tab.clone()).await?;
    b.click("[data-testid=steering] > button.danger", secs(10))
        .await?;
    b.type_into("#end-note-en", "Thank you: the lamps are spoken for.")
        .await?;
    b.type_into("#end-note-zh", "谢谢：台灯已经售罄。").await?;
    b.click("[data-testid=end-early] button.danger", secs(10))
        .await?;
    b.wait_js(
        "(() => { const s = document.querySelector('section.live'); return s && s.querySelector('h2 .badge').textContent === 'Ended'; })()",
        secs(10),
        "the console to show the sale ended",
    )
    .await?;
    b.wait_js(
        "[...document.querySelectorAll('[data-testid=operator-actions] li')].length === 3",
        secs(10),
        "the pause, the resume and the end among the operator's actions",
    )
    .await?;
    // The shot shows the actions on the record, not the steering the clicks scrolled to.
    b.js(
        "document.querySelector('[data-testid=operator-actions]').scrollIntoView(); return true;",
        vec![],
    )
    .await?;
    ctx.shoot(b, "operator-ended").await?;
    b.client.switch_to_window(shopper_tab.clone()).await?;
    let stopped = b.wait_testid("news-stopped", secs(40)).await?;
    ensure!(
        stopped.starts_with("The store ended the sale early at")
            && stopped.ends_with("Thank you: the lamps are spoken for."),
        "the shopper's page says {stopped:?} about the early end"
    );

    // The orders CSV, as the console's link fetches it with the operator's session.
    b.client.switch_to_window(operator_tab.clone()).await?;
    orders_csv_holds(b, &order).await?;

    // The draw record from the page's origin verifies, with the operator's actions beside it.
    draw_record_verifies(b, starts_at).await
}

/// Signs in with the store's operator address, makes the drop in the console's form, and
/// waits until the list shows it open for registration.
async fn make_the_drop(ctx: &Ctx, b: &Browser) -> Result<()> {
    b.goto(&ctx.operator).await?;
    // The list of drops: the catalog's, and not yet this one.
    b.wait_js(
        "document.querySelector('[data-testid=new-drop]') && document.querySelector('tr[data-drop]')",
        secs(30),
        "the console's list of drops",
    )
    .await?;
    let listed = b
        .js(
            &format!("return !!document.querySelector('tr[data-drop=\"{DROP}\"]');"),
            vec![],
        )
        .await?;
    ensure!(
        listed == json!(false),
        "{DROP} is listed before it was made"
    );
    let address = b.js("return location.href;", vec![]).await?;
    ensure!(
        !address.as_str().unwrap_or_default().contains("key="),
        "the operator key stays in the address bar: {address}"
    );
    ctx.shoot(b, "operator-drops").await?;
    b.click("[data-testid=new-drop]", secs(10)).await?;
    b.wait_js(
        "document.querySelector('form[data-state=operator-form]')",
        secs(20),
        "the new drop's form",
    )
    .await?;
    for (field, text) in [
        ("#f-id", DROP),
        ("#f-product", "Lumen desk lamp"),
        ("#f-product_zh-CN", "流明台灯"),
        ("#f-tagline", "Five lamps, one evening."),
        ("#f-tagline_zh-CN", "五盏台灯，一个晚上。"),
        (
            "#f-description",
            "A brass desk lamp with a warm dimmable light.",
        ),
        ("#f-description_zh-CN", "黄铜台灯，暖光可调。"),
        ("#f-variants-0-id", "brass"),
        ("#f-variants-0-name", "Brass"),
        ("#f-variants-0-name_zh-CN", "黄铜"),
        ("#f-variants-0-stock", "5"),
        ("#f-variants-0-price", "1999.00"),
        ("#f-admission_per_second", "1"),
    ] {
        b.type_into(field, text).await?;
    }
    // The schedule in store time, written as the `datetime-local` fields read it (the device's
    // time zone, whole minutes): registration open since the minute before, closing in about
    // three minutes, the start a minute after that.
    let times = b
        .js(
            "return fetch('/api/time').then(r => r.json()).then(t => { \
                const offset = t.now_ms - Date.now(); \
                const two = n => String(n).padStart(2, '0'); \
                const local = ms => { const d = new Date(ms - offset); return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`; }; \
                const minute = 60000; \
                return [local(t.now_ms - minute), local(t.now_ms + 4 * minute), local(t.now_ms + 5 * minute), local(t.now_ms + 60 * minute)]; });",
            vec![],
        )
        .await?;
    let times: Vec<String> = serde_json::from_value(times)?;
    for (field, text) in [
        "#f-registration_opens",
        "#f-registration_closes",
        "#f-starts_at",
        "#f-ends_at",
    ]
    .into_iter()
    .zip(&times)
    {
        set_time(b, field, text).await?;
    }
    ctx.shoot(b, "operator-new-drop").await?;
    b.click("[data-testid=save-drop]", secs(10)).await?;
    let row = format!("tr[data-drop=\"{DROP}\"]");
    let made = b
        .wait_js(
            &format!(
                "(() => {{ const o = document.querySelector('[data-testid=form-outcome]'); if (o && o.textContent.trim()) return 'refused: ' + o.textContent.trim(); \
                 const p = document.querySelector({}); return p && p.textContent.trim(); }})()",
                json!(format!("{row} [data-testid=drop-phase]"))
            ),
            secs(20),
            "the new drop in the list",
        )
        .await?;
    // A drop made with registration already open opens it at the store's next tick, which
    // the list, fetched at once, may not have reached yet.
    ensure!(
        made == json!("Registration open") || made == json!("Announced"),
        "the new drop {DROP} with the schedule {times:?}: {made}"
    );
    b.wait_js(
        &format!("fetch('/api/sales/{DROP}').then(r => r.json()).then(d => d.summary.phase === 'RegistrationOpen')"),
        secs(10),
        "registration for the new drop to be open",
    )
    .await?;
    ctx.shoot(b, "operator-drop-made").await?;
    Ok(())
}

/// Opens the drop's live screen from the list of drops.
async fn watch_live(ctx: &Ctx, b: &Browser) -> Result<()> {
    b.wait_js(
        &format!("document.querySelector('tr[data-drop=\"{DROP}\"]')"),
        secs(20),
        "the drop in the list",
    )
    .await?;
    // Its buttons: edit, duplicate, watch live, cancel.
    b.click(
        &format!("tr[data-drop=\"{DROP}\"] td.row button:nth-of-type(3)"),
        secs(10),
    )
    .await?;
    b.wait_js(
        "(() => { const s = document.querySelector('[data-testid=live-registered]'); return s && s.textContent.trim() === '2'; })()",
        secs(20),
        "the live screen counting both registrations",
    )
    .await?;
    b.wait_testid("steering", secs(10)).await?;
    ctx.shoot(b, "operator-live").await?;
    Ok(())
}

/// Sets a `datetime-local` field as a picker does (a value, then an `input` event): what
/// WebDriver types into one depends on the browser's locale.
async fn set_time(b: &Browser, css: &str, text: &str) -> Result<()> {
    let got = b
        .js(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('input', { bubbles: true })); return e.value;",
            vec![json!(css), json!(text)],
        )
        .await?;
    ensure!(got == json!(text), "{css} holds {got} after setting {text}");
    Ok(())
}

/// The drop's page, loaded.
async fn open_the_drop(ctx: &Ctx, b: &Browser) -> Result<()> {
    b.goto(&format!("{}/sale/{DROP}", ctx.base)).await?;
    b.wait_js(
        "document.querySelector('section[data-state]')",
        secs(30),
        "the drop's sale page",
    )
    .await?;
    Ok(())
}

/// The signed-in shopper registers for the drop on its page.
async fn register(ctx: &Ctx, b: &Browser) -> Result<()> {
    open_the_drop(ctx, b).await?;
    b.wait_state(&["registration-open"], secs(20)).await?;
    b.click("[data-testid=register]", secs(10)).await?;
    b.wait_state(&["registered"], secs(20)).await?;
    Ok(())
}

/// Signs the shopper out on /account.
async fn sign_out(ctx: &Ctx, b: &Browser) -> Result<()> {
    b.goto(&format!("{}/account", ctx.base)).await?;
    b.click(".page.account .lede button.link", secs(20)).await?;
    b.wait_js(
        "document.querySelector('input#phone') && !localStorage.getItem('kestrel.v1.session')",
        secs(10),
        "the sign-in form after signing out",
    )
    .await?;
    Ok(())
}

/// A promise of the signed-in shopper's view of the drop, fetched with their saved session.
fn me_js() -> String {
    format!(
        "fetch('/api/sales/{DROP}/me', {{ headers: {{ Authorization: 'Bearer ' + JSON.parse(localStorage.getItem('kestrel.v1.session')).token }} }}).then(r => r.json())"
    )
}

/// Moves the demo store's clock to `after_ms` past the drop's `moment` (a field of its summary).
async fn jump_clock(b: &Browser, moment: &str, after_ms: u64) -> Result<()> {
    let jumped = b
        .js(
            "return fetch(`/api/sales/${arguments[0]}`).then(r => r.json()).then(d => fetch('/api/dev/clock', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jump_to_ms: d.summary[arguments[1]] + arguments[2], speed: null }) })).then(r => r.status);",
            vec![json!(DROP), json!(moment), json!(after_ms)],
        )
        .await?;
    ensure!(
        jumped == json!(200),
        "jumping the store clock to {moment} answered {jumped}"
    );
    Ok(())
}

/// The drop's `moment` (a field of its summary), in store time.
async fn sale_moment(b: &Browser, moment: &str) -> Result<u64> {
    let at = b
        .js(
            "return fetch(`/api/sales/${arguments[0]}`).then(r => r.json()).then(d => d.summary[arguments[1]]);",
            vec![json!(DROP), json!(moment)],
        )
        .await?;
    at.as_u64()
        .ok_or_else(|| format!("the drop's {moment} reads {at}").into())
}

/// A GET of the operator's, with the session the console keeps in this tab: the status and
/// the body's text.
async fn operator_fetch(b: &Browser, path: &str) -> Result<(u64, String)> {
    let answer = b
        .js(
            &format!(
                "return {}.then(r => r.text().then(t => [r.status, t]));",
                operator_fetch_js(path)
            ),
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(answer)?)
}

/// The page's own fetch of `path` with the signed-in operator's token, as a JS expression.
fn operator_fetch_js(path: &str) -> String {
    format!(
        "fetch('{path}', {{ headers: {{ Authorization: 'Bearer ' + sessionStorage.getItem('{OPERATOR_SESSION}') }} }})"
    )
}

/// An operator's GET answered 200 with JSON.
async fn operator_get(b: &Browser, path: &str) -> Result<Value> {
    let (status, body) = operator_fetch(b, path).await?;
    ensure!(status == 200, "GET {path} answered {status}: {body}");
    Ok(serde_json::from_str(&body)?)
}

/// The orders CSV holds the header and one row: the first shopper's order.
async fn orders_csv_holds(b: &Browser, order: &str) -> Result<()> {
    let path = format!("/api/operator/sales/{DROP}/orders.csv");
    let (status, csv) = operator_fetch(b, &path).await?;
    ensure!(status == 200, "GET {path} answered {status}: {csv}");
    let lines: Vec<&str> = csv.lines().collect();
    ensure!(
        lines.first()
            == Some(&"number,variant,price,currency,time,name,address,district,city,province,postcode,market"),
        "the orders CSV starts {:?}",
        lines.first()
    );
    let rows = &lines[1..];
    ensure!(
        rows.len() == 1
            && rows[0].starts_with(&format!("{order},Brass,1999.00,CNY,"))
            && rows[0].contains(",Ada Lovelace,12 St James's Square,"),
        "the orders CSV has {rows:?}, not the one order {order} of Ada Lovelace for Brass at 1999.00 CNY"
    );
    Ok(())
}

/// The draw record as anyone fetches it, checked with the draw's own verifier: the seed is out,
/// both shoppers were let through in the drawn order, and the pause, the resume and the end
/// are on it.
async fn draw_record_verifies(b: &Browser, starts_at: u64) -> Result<()> {
    let record = b
        .js(
            "return fetch(`/api/sales/${arguments[0]}/draw`).then(r => r.json());",
            vec![json!(DROP)],
        )
        .await?;
    let record: fair_draw::DrawRecord = serde_json::from_value(record.clone())
        .map_err(|e| format!("the draw record {record} does not read: {e}"))?;
    let verdict = fair_draw::verify(&record, None);
    ensure!(
        matches!(verdict, fair_draw::Verdict::Verified { admissions: 2, .. }),
        "the draw record does not verify with two admissions: {verdict} ({record:?})"
    );
    let actions: Vec<&str> = record
        .operator_actions
        .iter()
        .map(|a| a.action.as_str())
        .collect();
    ensure!(
        actions == ["pause", "resume", "end"]
            && record.operator_actions[0].at >= starts_at
            && record
                .operator_actions
                .windows(2)
                .all(|w| w[0].at <= w[1].at),
        "the draw record's operator actions: {:?}",
        record.operator_actions
    );
    Ok(())
}
