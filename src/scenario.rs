//! Scenario URLs: `?demo=<preset>` on any route starts the demo afresh in a given moment of a
//! sale, with modifiers such as `&crowd=5000&speed=10`. A preset plays the shopper's part
//! through the same API calls a person's clicks make, then the URL loses its scenario so a
//! reload keeps the place instead of starting over.
use leptos::prelude::Set;

use crate::api::demo::{ClockChange, DemoSettings, DevState, Sms};
use crate::api::{
    ApiError, CodeRequest, CodeSent, Method, Preference, SaleDetail, Session, ShopperView,
    StoreClient, VerifyRequest,
};
use crate::i18n::{Said, Text};

pub const PRESETS: &[(&str, &str)] = &[
    ("fresh", "the demo from its first moment: registration open"),
    (
        "countdown",
        "signed in and registered, 20 s before the start",
    ),
    ("live", "in line moments after the start"),
    ("your-turn", "holding a unit, ready to check out"),
    ("sold-out", "joined too late: the batch sold out first"),
    ("ended", "the sale that has ended, with its report"),
];

/// The sale every preset but `ended` plays in, and the one that has ended.
pub const DEMO_SALE: &str = "k7-first-drop";
pub const ENDED_SALE: &str = "k6-lite-drop";
/// The phone number presets sign in with.
pub const DEMO_PHONE: &str = "+447700900001";

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub preset: String,
    pub settings: DemoSettings,
    /// The clock speed asked for, held back until the shopper has registered: a `fresh` demo at
    /// 20x would otherwise close registration 6 s after the page opened, before anyone could
    /// sign in. Until then the store clock runs at real speed.
    pub speed_after_registering: Option<f64>,
}

/// Reads a query string. Unusable values are named in the returned notices and replaced by
/// defaults; `None` when the URL asks for no scenario.
pub fn parse(query: &str) -> Option<(Scenario, Vec<Said>)> {
    let pairs: Vec<(String, String)> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    let preset = pairs.iter().find(|(k, _)| k == "demo")?.1.clone();
    let mut notices = Vec::new();
    let preset = if PRESETS.iter().any(|(name, _)| *name == preset) {
        preset
    } else {
        let presets: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
        notices.push(Said::new(|t| t.not_a_preset, [preset, presets.join(", ")]));
        "fresh".to_string()
    };
    let mut settings = DemoSettings::default();
    if matches!(preset.as_str(), "your-turn" | "countdown") {
        // Everyone gets a unit, so the preset surely reaches its moment.
        settings.crowd = Some(200);
        settings.stock = Some(250);
    }
    if preset == "sold-out" {
        settings.crowd = Some(400);
        settings.stock = Some(20);
    }
    // What the preset forced, it needs: another crowd or stock could keep the shopper from the
    // moment the preset is named after (a crowd of 5,000 at your-turn never reaches the turn).
    let forced = (settings.crowd, settings.stock);
    // `dev` opens the demo controls and `lang` picks the page's language: both are read
    // elsewhere, beside a scenario, and are not demo settings.
    let settings_named = pairs
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "demo" | "dev" | "lang"));
    for (name, value) in settings_named {
        let needed = match name.as_str() {
            "crowd" => forced.0.map(|c| (c, (|t| t.preset_needs_crowd) as Text)),
            "stock" => forced.1.map(|s| (s, (|t| t.preset_needs_stock) as Text)),
            _ => None,
        };
        if let Some((figure, text)) = needed {
            let facts = [
                name.clone(),
                value.clone(),
                preset.clone(),
                figure.to_string(),
            ];
            notices.push(Said::new(text, facts));
        } else if let Err(problem) =
            settings.apply_reading_decimals(name, value, crate::format::parse_decimal)
        {
            notices.push(Said::setting_problem(&problem));
        }
    }
    let mut speed_after_registering = None;
    if preset == "fresh" && settings.speed > 1.0 {
        speed_after_registering = Some(settings.speed);
        notices.push(Said::new(
            |t| t.speed_after_registering,
            [crate::format::decimal(settings.speed)],
        ));
        settings.speed = 1.0;
    }
    Some((
        Scenario {
            preset,
            settings,
            speed_after_registering,
        },
        notices,
    ))
}

/// Form-style URL decoding (`+` and `%XX`); an undecodable sequence stays as typed.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where the preset leaves the shopper.
pub fn landing(preset: &str) -> String {
    match preset {
        "ended" => format!("/sale/{ENDED_SALE}"),
        _ => format!("/sale/{DEMO_SALE}"),
    }
}

/// Plays the preset's shopper steps through the API.
pub async fn play(client: &StoreClient, preset: &str) -> Result<(), ApiError> {
    if matches!(preset, "fresh" | "ended") {
        return Ok(());
    }
    sign_in_through_the_inbox(client, DEMO_PHONE).await?;
    let sale_path = format!("/api/sales/{DEMO_SALE}");
    let _: ShopperView = client
        .call(
            Method::Post,
            &format!("{sale_path}/registration"),
            None::<()>,
        )
        .await?;
    let detail: SaleDetail = client.get(&sale_path).await?;
    let starts = detail.summary.starts_at;
    let preference = Some(Preference {
        variant: 0,
        accept_other_variant: true,
    });
    match preset {
        "countdown" => jump(client, starts - 20_000).await,
        "live" => {
            // Just after the start, behind the waiting room's draw: surely still in line.
            jump(client, starts + 1_000).await?;
            let _: ShopperView = client.call(Method::Post, &format!("{sale_path}/queue"), preference).await?;
            Ok(())
        }
        "your-turn" => {
            jump(client, starts - 2_000).await?;
            let _: ShopperView = client.call(Method::Post, &format!("{sale_path}/queue"), preference).await?;
            // Far enough in for the whole line (smaller than the batch) to be let in.
            jump(client, starts + 12_000).await
        }
        _ /* sold-out */ => {
            jump(client, starts + 1_000).await?;
            let _: ShopperView = client.call(Method::Post, &format!("{sale_path}/queue"), preference).await?;
            // Long enough for every unit to find a buyer, however many holds run out on the way.
            jump(client, starts + 25 * 60_000).await
        }
    }?;
    client.sync_clock().await.map(|_| ())
}

/// Signs `phone` in as the demo lets anyone: asks for a code, reads it from the demo's SMS
/// inbox and sends it back. Presets use it, and so do the browser tests.
pub async fn sign_in_through_the_inbox(
    client: &StoreClient,
    phone: &str,
) -> Result<Session, ApiError> {
    let sent: CodeSent = client
        .call(
            Method::Post,
            "/api/auth/code",
            Some(CodeRequest {
                phone: phone.into(),
                language: None,
            }),
        )
        .await?;
    let inbox: Vec<Sms> = client.get("/api/dev/inbox").await?;
    let text = inbox
        .iter()
        .rev()
        .find(|m| m.phone == sent.phone)
        .map(|m| m.text.clone())
        .unwrap_or_default();
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    let session: Session = client
        .call(
            Method::Post,
            "/api/auth/verify",
            Some(VerifyRequest {
                phone: sent.phone,
                code,
            }),
        )
        .await?;
    client.session.set(Some(session.clone()));
    Ok(session)
}

async fn jump(client: &StoreClient, to: u64) -> Result<(), ApiError> {
    let _: DevState = client
        .call(
            Method::Post,
            "/api/dev/clock",
            Some(ClockChange {
                jump_to_ms: Some(to),
                speed: None,
            }),
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;

    #[test]
    fn no_demo_parameter_means_no_scenario() {
        assert!(parse("?crowd=5").is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn presets_and_modifiers_apply() {
        let (scenario, notices) = parse("?demo=live&crowd=5000&speed=10&faults=0.3").unwrap();
        assert_eq!(scenario.preset, "live");
        assert_eq!(scenario.settings.crowd, Some(5000));
        assert_eq!(scenario.settings.speed, 10.0);
        assert_eq!(scenario.settings.faults, 0.3);
        assert!(notices.is_empty());
    }

    #[test]
    fn a_fast_fresh_demo_leaves_real_time_to_sign_in_and_register() {
        let (scenario, notices) = parse("?demo=fresh&speed=20").unwrap();
        assert_eq!(
            scenario.settings.speed, 1.0,
            "registration runs on real time"
        );
        assert_eq!(scenario.speed_after_registering, Some(20.0));
        assert!(
            notices[0].say(&EN).contains("once you have registered"),
            "{notices:?}"
        );
        let (other, _) = parse("?demo=live&speed=20").unwrap();
        assert_eq!(
            (other.settings.speed, other.speed_after_registering),
            (20.0, None),
            "presets past registration run fast at once"
        );
    }

    #[test]
    fn a_preset_keeps_the_crowd_and_stock_it_needs_to_reach_its_moment() {
        let (scenario, notices) = parse("?demo=your-turn&crowd=5000&stock=10").unwrap();
        assert_eq!(
            (scenario.settings.crowd, scenario.settings.stock),
            (Some(200), Some(250))
        );
        assert!(
            notices
                .iter()
                .any(|n| n.say(&EN).contains("crowd=5000 was ignored")),
            "{notices:?}"
        );
        assert!(
            notices
                .iter()
                .any(|n| n.say(&EN).contains("stock=10 was ignored")),
            "{notices:?}"
        );
        let (free, _) = parse("?demo=live&crowd=5000").unwrap();
        assert_eq!(
            free.settings.crowd,
            Some(5000),
            "presets that force nothing take the URL's values"
        );
    }

    #[test]
    fn bad_values_fall_back_with_a_notice() {
        let (scenario, notices) = parse("?demo=lunch&faults=%32&speed=0").unwrap();
        assert_eq!(scenario.preset, "fresh");
        assert_eq!(scenario.settings.speed, 1.0);
        assert!(notices[0].say(&EN).contains("“lunch” is not a demo preset"));
        assert!(notices[1].say(&EN).contains("faults=2 was ignored"));
        assert!(notices[2].say(&EN).contains("speed=0 was ignored"));
    }
}
