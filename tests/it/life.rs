//! A letter's life under Taiwan's rules, through the API: 密等 with its
//! 保密期限 or 解密條件 (refused clearly when the law does not allow it).

use sealdesk_api::{ApiError, Category, Level, RegisterMeta, Review, Secrecy};

use crate::World;

const PETITION: &str = include_str!("../../crates/sealdesk-core/tests/data/samples/sample-01.txt");

fn meta(level: Level, secrecy: Secrecy) -> RegisterMeta {
    let mut m = RegisterMeta::new(Category::Whistleblower, secrecy);
    m.subject = "代號:等級案".into();
    m.level = level;
    m
}

fn refused(w: &mut World, m: &RegisterMeta) -> String {
    let mut clerk = w.login("clerk");
    match w
        .vault
        .register_text(&mut clerk, PETITION, m, &Review::default())
    {
        Err(ApiError::BadInput(msg)) => msg,
        other => panic!("expected bad_input for {m:?}, got {other:?}"),
    }
}

/// The world's clock stands at 2026-11-27 (Taiwan).
#[test]
fn each_level_with_its_period_as_the_law_allows_and_no_other() {
    let mut w = World::new();
    // Within each cap (10/20/30 years from today), and a 「密」 far ahead.
    for (level, until) in [
        (Level::Mi, "2090-01-01"),
        (Level::Jimi, "2036-11-27"),
        (Level::Jijimi, "135/11/27"),
        (Level::Juedui, "2056-11-27"),
    ] {
        let mut clerk = w.login("clerk");
        w.vault
            .register_text(
                &mut clerk,
                PETITION,
                &meta(level, Secrecy::Until(until.into())),
                &Review::default(),
            )
            .unwrap_or_else(|e| panic!("{level:?} until {until}: {e}"));
    }
    // A day past each cap.
    for (level, until, years) in [
        (Level::Jimi, "2036-11-28", "10"),
        (Level::Jijimi, "2046-11-28", "20"),
        (Level::Juedui, "2056-11-28", "30"),
    ] {
        let msg = refused(&mut w, &meta(level, Secrecy::Until(until.into())));
        assert!(
            msg.contains(&format!("最長 {years} 年")) && msg.contains(level.as_str()),
            "{msg}"
        );
    }
    // A past date, and today.
    for until in ["2026-01-01", "115/11/27"] {
        let msg = refused(&mut w, &meta(Level::Mi, Secrecy::Until(until.into())));
        assert!(msg.contains("保密期限") && msg.contains("已過"), "{msg}");
    }
    // Neither a date nor a condition.
    let msg = refused(&mut w, &meta(Level::Mi, Secrecy::Condition(" ".into())));
    assert!(msg.contains("須填保密期限或解密條件"), "{msg}");
    // An empty or unknown level never reaches registration.
    let mut m = meta(Level::Mi, Secrecy::Condition("結案後".into()));
    for bad in ["", "普通", "secret"] {
        match m.set_level(bad) {
            Err(ApiError::BadInput(msg)) => assert!(msg.contains("密等"), "{msg}"),
            other => panic!("level {bad:?}: {other:?}"),
        }
    }
    m.set_level("絕對機密").expect("a level");
    assert_eq!(m.level, Level::Juedui);
}
