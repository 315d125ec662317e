//! The drop rules: every problem a drop or a change can have, each named by its field.
use base64::Engine;
use store_contract::drop_rules::*;
use store_contract::operator::*;

fn drop() -> Drop {
    Drop {
        id: "k8-drop".into(),
        product: "Kestrel K8".into(),
        product_zh_cn: "Kestrel K8".into(),
        tagline: "New.".into(),
        tagline_zh_cn: "新品。".into(),
        description: "A phone.".into(),
        description_zh_cn: "一部手机。".into(),
        image: SHIPPED_IMAGES[0].into(),
        currency: "CNY".into(),
        variants: vec![DropVariant {
            id: "k8-black".into(),
            name: "Black".into(),
            name_zh_cn: "黑色".into(),
            colour: "#101010".into(),
            stock: 5,
            price_cents: 199_900,
        }],
        registration_opens: 1_000,
        registration_closes: 2_000,
        starts_at: 3_000,
        ends_at: 4_000,
        hold_seconds: 180,
        hold_extension_seconds: Some(60),
        per_account_limit: 1,
        admission_per_second: 10,
    }
}

fn data_url(media_type: &str, bytes: &[u8]) -> String {
    format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[test]
fn a_good_drop_has_no_problems() {
    assert_eq!(check_drop(&drop()), vec![]);
    assert_eq!(check_new_drop(&drop(), 2_999), vec![]);
    assert_eq!(
        check_new_drop(&drop(), 3_000),
        vec![DropProblem::StartPassed]
    );
}

#[test]
fn each_problem_names_its_field() {
    let mut bad = drop();
    bad.id = "K8!".into();
    bad.product_zh_cn = " ".into();
    bad.currency = "yuan".into();
    bad.variants[0].colour = "black".into();
    bad.variants.push(bad.variants[0].clone());
    bad.variants[1].colour = "#000000".into();
    bad.registration_closes = 500;
    bad.per_account_limit = 0;
    let fields: Vec<String> = check_drop(&bad).iter().map(DropProblem::field).collect();
    assert_eq!(
        fields,
        [
            "id",
            "product_zh-CN",
            "currency",
            "variants.0.colour",
            "variants.1.id",
            "registration_closes",
            "per_account_limit"
        ]
    );
}

#[test]
fn images_are_shipped_or_uploads_that_are_what_they_say() {
    let mut d = drop();
    d.image = "/etc/passwd".into();
    assert_eq!(check_drop(&d), vec![DropProblem::ImageUnknown]);
    d.image = data_url("image/png", b"\x89PNG\r\n\x1a\n....");
    assert_eq!(check_drop(&d), vec![]);
    d.image = data_url(
        "image/svg+xml",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    );
    assert_eq!(check_drop(&d), vec![]);
    d.image = data_url("image/webp", b"GIF89a.......");
    assert_eq!(check_drop(&d), vec![DropProblem::ImageNotWhatItSays]);
    d.image = data_url("image/gif", b"GIF89a");
    assert_eq!(check_drop(&d), vec![DropProblem::ImageType]);
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(MAX_IMAGE_BYTES + 1, 0);
    d.image = data_url("image/png", &big);
    assert_eq!(
        check_drop(&d),
        vec![DropProblem::ImageTooBig(MAX_IMAGE_BYTES + 1)]
    );
}

#[test]
fn stock_may_grow_but_never_below_what_is_taken() {
    let taken = Taken {
        by_variant: vec![4],
        ..Taken::default()
    };
    let mut more = drop();
    more.variants[0].stock = 50;
    assert_eq!(check_change(&drop(), &more, &taken, false), vec![]);
    more.variants[0].stock = 3;
    assert_eq!(
        check_change(&drop(), &more, &taken, false),
        vec![ChangeRefusal::StockBelowTaken {
            variant: 0,
            taken: 4
        }]
    );
}

#[test]
fn the_schedule_moves_only_later_with_a_note_and_never_once_the_draw_is_fixed() {
    let mut later = drop();
    later.starts_at += 600_000;
    later.ends_at += 600_000;
    let open = Taken::default();
    assert_eq!(
        check_change(&drop(), &later, &open, false),
        vec![ChangeRefusal::NoteNeeded]
    );
    assert_eq!(check_change(&drop(), &later, &open, true), vec![]);
    let mut earlier = drop();
    earlier.starts_at -= 100;
    assert_eq!(
        check_change(&drop(), &earlier, &open, true),
        vec![ChangeRefusal::ScheduleEarlier]
    );
    let published = Taken {
        fingerprint_published: true,
        ..Taken::default()
    };
    assert_eq!(
        check_change(&drop(), &later, &published, true),
        vec![ChangeRefusal::DrawPublished]
    );
    let started = Taken {
        fingerprint_published: true,
        started: true,
        ..Taken::default()
    };
    assert_eq!(
        check_change(&drop(), &later, &started, true),
        vec![ChangeRefusal::ScheduleAfterStart]
    );
}

#[test]
fn what_shoppers_registered_for_is_fixed() {
    let mut dearer = drop();
    dearer.variants[0].price_cents += 1;
    assert_eq!(
        check_change(&drop(), &dearer, &Taken::default(), true),
        vec![ChangeRefusal::Fixed("price")]
    );
}
