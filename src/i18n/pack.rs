//! The Simplified Chinese texts: a pack the page fetches only to speak Chinese
//! (`public/i18n/zh-CN.txt`), one `key = text` a line, the key a key of [`Words`] and the text
//! everything after ` = `, spaces included. Lines may come in any order; empty lines and lines
//! starting with `#` are skipped. The native tests hold the pack to the keys: every key once,
//! no other key, and the same facts (`{0}`, `{1}`…) in each text as in its English one.
use super::words::Words;

/// Where the page fetches the Simplified Chinese texts: only a shopper who reads Chinese
/// downloads them (`make bench` reports that shopper's first load with them).
pub const ZH_PACK_URL: &str = "/public/i18n/zh-CN.txt";

static ZH_PACK: std::sync::OnceLock<&'static Words> = std::sync::OnceLock::new();

/// The Chinese texts, once their pack is in.
pub(super) fn chinese() -> Option<&'static Words> {
    ZH_PACK.get().copied()
}

/// The texts of a pack, and what in it does not fit the keys: a line that is not
/// `key = text`, a key [`Words`] does not have, a key twice, a key without a text. Each is a
/// test failure; the page still reads such a pack (a text it lacks stays English, lines it
/// cannot place are left out), so a pack and a page of different builds still show Chinese.
fn read(pack: &'static str) -> (Words, Vec<String>, usize) {
    let mut found: [Option<&'static str>; Words::COUNT] = [None; Words::COUNT];
    let mut problems = Vec::new();
    for line in pack
        .lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
    {
        let Some((key, text)) = line.split_once(" = ") else {
            problems.push(format!("not “key = text”: {line}"));
            continue;
        };
        match Words::KEYS.lines().position(|known| known == key) {
            None => problems.push(format!("no text is called {key}")),
            Some(at) if found[at].is_some() => problems.push(format!("{key} twice")),
            Some(at) => found[at] = Some(text),
        }
    }
    let mut texts = Words::english();
    let mut placed = 0;
    for ((text, found), key) in texts.iter_mut().zip(found).zip(Words::KEYS.lines()) {
        match found {
            Some(found) => {
                *text = found;
                placed += 1;
            }
            None => problems.push(format!("no text for {key}")),
        }
    }
    (Words::from_texts(texts), problems, placed)
}

/// Makes a fetched language pack ([`ZH_PACK_URL`]) the Chinese texts. A text without a key of
/// [`Words`] is refused (it is no pack); what else does not fit is logged for developers.
pub fn install_pack(pack: &str) -> Result<&'static Words, String> {
    let (words, problems, placed) = read(Box::leak(pack.to_owned().into_boxed_str()));
    if placed == 0 {
        return Err("no texts".into());
    }
    #[cfg(target_arch = "wasm32")]
    if !problems.is_empty() {
        let said = format!("{ZH_PACK_URL}: {}", problems.join("; "));
        web_sys::console::warn_1(&said.into());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = problems;
    Ok(ZH_PACK.get_or_init(|| Box::leak(Box::new(words))))
}

/// Fetches the Chinese texts through the page's own `fetch` transport (its time limit
/// included), and installs them.
pub(super) async fn fetch_chinese() -> Result<(), String> {
    use crate::api::{FetchTransport, Method, StoreRequest, Transport};
    let request = StoreRequest {
        method: Method::Get,
        path: ZH_PACK_URL.into(),
        bearer: None,
        idempotency_key: None,
        body: None,
    };
    match FetchTransport::default().send(request).await {
        Ok(answer) if answer.status == 200 => install_pack(&answer.body).map(|_| ()),
        Ok(answer) => Err(answer.status.to_string()),
        Err(_) => Err(store_contract::ErrorCode::NoAnswer.to_string()),
    }
}

/// The Chinese pack as the repository has it.
#[cfg(test)]
const PACK: &str = include_str!("../../public/i18n/zh-CN.txt");

/// The Chinese pack in the native tests (the page fetches it).
#[cfg(test)]
pub static ZH: std::sync::LazyLock<&'static Words> =
    std::sync::LazyLock::new(|| install_pack(PACK).expect("the pack has texts"));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::EN;

    #[test]
    fn the_chinese_pack_has_a_text_for_every_key_and_no_other() {
        let (_, problems, placed) = read(PACK);
        assert!(problems.is_empty(), "zh-CN.txt: {}", problems.join("; "));
        assert_eq!(placed, Words::COUNT);
    }

    #[test]
    fn a_missing_an_unknown_or_a_repeated_key_is_found() {
        let pack: String = PACK
            .lines()
            .filter(|line| !line.starts_with("sales = "))
            .chain([
                "saless = 抢购",
                "my_account = 我的账户",
                "主导航",
                "main_nav=主导航",
            ])
            .map(|line| format!("{line}\n"))
            .collect();
        let (words, mut problems, placed) = read(Box::leak(pack.into_boxed_str()));
        problems.sort();
        assert_eq!(
            problems,
            [
                "my_account twice",
                "no text for sales",
                "no text is called saless",
                "not “key = text”: main_nav=主导航",
                "not “key = text”: 主导航",
            ]
        );
        assert_eq!(placed, Words::COUNT - 1);
        assert_eq!(words.sales, EN.sales, "a missing text stays English");
        assert_eq!(
            words.my_account, ZH.my_account,
            "the first of a key twice counts"
        );
        assert!(install_pack("<!doctype html>\n<p>Not found</p>").is_err());
    }

    #[test]
    fn the_order_of_the_lines_changes_nothing() {
        let mut lines: Vec<&str> = PACK.lines().collect();
        lines.reverse();
        let (reversed, problems, _) = read(Box::leak(lines.join("\n").into_boxed_str()));
        assert!(problems.is_empty(), "{}", problems.join("; "));
        assert!(
            reversed.texts() == ZH.texts(),
            "a reordered pack reads the same"
        );
        assert_eq!(
            ZH.brand_suffix, " 限量抢购",
            "a text keeps its leading space"
        );
    }

    #[test]
    fn both_languages_have_every_text_with_the_same_facts() {
        let placeholders = |text: &str| {
            let mut found: Vec<String> = text
                .match_indices('{')
                .filter_map(|(i, _)| {
                    let rest = &text[i + 1..];
                    let close = rest.find('}')?;
                    rest[..close].parse::<usize>().ok().map(|n| n.to_string())
                })
                .collect();
            found.sort();
            found
        };
        let (en, zh) = (EN.texts(), ZH.texts());
        assert_eq!(en.len(), zh.len());
        for ((key, en), (zh_key, zh)) in en.into_iter().zip(zh) {
            assert_eq!(key, zh_key);
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "{key}: both languages must say the same facts"
            );
            assert_eq!(
                en.is_empty(),
                zh.is_empty(),
                "{key} is missing in one language"
            );
        }
    }

    #[test]
    fn chinese_texts_are_written_in_chinese() {
        // A Chinese text may be figures and punctuation only ("{0}%", "。"); any text with
        // letters in it must be Chinese (brand and unit names like "Kestrel" or "sha256" inside
        // a Chinese sentence are fine).
        for (key, zh) in ZH.texts() {
            let han = zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            let letters = zh.chars().any(|c| c.is_ascii_alphabetic());
            assert!(han || !letters, "{key}: “{zh}” is not Chinese");
        }
    }
}
