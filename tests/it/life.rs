//! A letter's life under Taiwan's rules, through the API: 密等 with its
//! 保密期限 or 解密條件 (refused clearly when the law does not allow it).

use sealdesk_api::{
    ApiError, Category, DeclassifyBasis, LetterState, Level, RegisterMeta, Review, Secrecy,
};

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

const DAY: i64 = 86_400;

fn kind<T: std::fmt::Debug>(r: Result<T, ApiError>) -> String {
    match r {
        Err(e) => format!("{}: {e}", e.kind()),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

/// Bytes of every wrap and record of the letter's keys of `purposes`, read
/// straight from the file.
fn key_material(w: &World, letter: &str, purposes: &[&str]) -> Vec<Vec<u8>> {
    let db = crate::attacker::raw(w.dir());
    let mut out = Vec::new();
    for p in purposes {
        let key: String = db
            .query_row(
                "SELECT id FROM data_keys WHERE letter_id = ?1 AND purpose = ?2",
                [letter, p],
                |r| r.get(0),
            )
            .expect("key row");
        for sql in [
            "SELECT wrapped FROM key_wraps WHERE key_id = ?1",
            "SELECT sealed FROM records WHERE key_id = ?1",
        ] {
            let mut st = db.prepare(sql).expect("prepare");
            let rows: Vec<Vec<u8>> = st
                .query_map([&key], |r| r.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            out.extend(rows);
        }
    }
    out
}

/// Whether any of `needles` (at least 32 bytes of each) is anywhere in the
/// vault folder's files: the database, its WAL and shared memory.
fn anywhere_in_files(w: &World, needles: &[Vec<u8>]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(w.dir()).expect("dir") {
        let path = entry.expect("entry").path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        for n in needles {
            let probe = &n[n.len().saturating_sub(48)..];
            if bytes.windows(probe.len()).any(|win| win == probe) {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

/// The letter's life through the API (T1, T7): each move by whoever is
/// entitled, each state refusing what the table says, and destruction as
/// crypto-shredding that leaves nothing in the file that opens the letter,
/// the recovery code included, while the ledger still verifies.
#[test]
fn a_letter_is_closed_declassified_and_destroyed_by_those_entitled_and_nothing_else() {
    let mut w = World::new();
    let mut clerk = w.login("clerk");
    let mut m = meta(Level::Mi, Secrecy::Until("2027-01-31".into()));
    m.retention_years = 1;
    let id = w
        .vault
        .register_text(&mut clerk, PETITION, &m, &Review::default())
        .expect("register")
        .letter_id;
    w.route_to_handler(&id);
    let mut sup = w.login("supervisor");
    let mut h = w.login("handler");
    w.vault
        .open_letter(&mut h, &id, "調查")
        .expect("open while handling");
    w.print_for_handler(&id);

    // Nothing is destroyed before it is declassified; a period not yet
    // ended is not cancelled; a handler closes nothing.
    assert!(kind(
        w.vault
            .destroy_propose(&mut clerk, &id, "銷字第1號", "逾保存年限")
    )
    .contains("未解密者不得銷毀"));
    assert!(kind(
        w.vault
            .declassify(&mut sup, &id, DeclassifyBasis::PeriodEnded, "屆滿")
    )
    .contains("尚未屆滿"));
    assert!(kind(w.vault.close_letter(&mut h, &id, "辦結")).starts_with("denied"));
    let closed = w
        .vault
        .close_letter(&mut sup, &id, "已函復陳情人")
        .expect("close");
    assert_eq!(closed.state, LetterState::Closed);
    // Closed: still read by its handler, not routed again, no reveal.
    w.vault
        .open_letter(&mut h, &id, "補充說明")
        .expect("a closed letter is still read");
    assert!(kind(
        w.vault
            .route(&mut clerk, &id, "稅務管理科", "handler", None, "再辦")
    )
    .contains("已結案"));
    assert!(kind(w.vault.reveal_request(&mut h, &id, "需聯繫")).contains("已結案"));

    // The date comes: the handling unit cancels the secrecy (註銷); the
    // earlier copy's recipient is listed for notice.
    w.clock.advance_secs(70 * DAY);
    let mut sup = w.login("supervisor");
    let mut clerk = w.login("clerk");
    // The auditor's yearly review list shows it, due (its date has come).
    w.grant_auditor();
    let mut auditor = w.login("auditor");
    let review = w
        .vault
        .audit_report(
            &mut auditor,
            &sealdesk_api::ReportRequest {
                from: "2027-02-01".into(),
                to: "2027-02-05".into(),
                seed: Some(1),
                settings: sealdesk_api::AuditSettings::default(),
                calendar: sealdesk_api::AuditCalendar::default(),
            },
        )
        .expect("report");
    let line = review
        .classified
        .iter()
        .find(|c| c.state == LetterState::Closed)
        .expect("the closed letter is on the review list");
    assert!(
        line.due && line.secret_until.as_deref() == Some("2027-01-31"),
        "{line:?}"
    );
    let step = w
        .vault
        .declassify(&mut sup, &id, DeclassifyBasis::PeriodEnded, "保密期限屆滿")
        .expect("declassify");
    assert_eq!(step.state, LetterState::Declassified);
    let record = step.declassified.expect("change record");
    assert!(record.old_marking.contains("2027-01-31") && record.new_marking.contains("已註銷"));
    assert_eq!(record.notify, vec!["第1份：handler".to_owned()]);
    assert!(kind(
        w.vault
            .declassify(&mut sup, &id, DeclassifyBasis::PeriodEnded, "再")
    )
    .starts_with("denied"));

    // Destruction: not before the retention ends, then listed by the
    // clerk, approved by the supervisor, witnessed by the auditor.
    assert!(kind(
        w.vault
            .destroy_propose(&mut clerk, &id, "銷字第1號", "逾保存年限")
    )
    .contains("保存年限"));
    w.clock.advance_secs(300 * DAY);
    let (mut clerk, mut sup, mut h) = (w.login("clerk"), w.login("supervisor"), w.login("handler"));
    let receipt = step.receipt_no.clone();
    let mut auditor = w.login("auditor");
    assert!(kind(w.vault.destroy(&mut auditor, &id, false, "監銷")).contains("尚未核准"));
    w.vault
        .destroy_propose(&mut clerk, &receipt, "銷字第1號", "逾保存年限")
        .expect("listed");
    assert!(kind(w.vault.destroy(&mut auditor, &id, false, "監銷")).contains("尚未核准"));
    w.vault
        .destroy_approve(&mut sup, &id, "同意銷毀")
        .expect("approved");
    let before = key_material(&w, &id, &["letter", "original"]);
    let identity_before = key_material(&w, &id, &["identity"]);
    assert!(before.len() >= 6, "{} wraps and records", before.len());
    let done = w
        .vault
        .destroy(&mut auditor, &id, false, "監銷完畢")
        .expect("destroy");
    assert_eq!(done.state, LetterState::Destroyed);
    let shredded = done.shredded.expect("shredded");
    assert!(
        shredded.wraps >= 4 && shredded.records >= 4 && shredded.wal_emptied,
        "{shredded:?}"
    );

    // From the file: no wrap or record of those keys in the database, its
    // WAL or shared memory; the identity compartment, not decided, stays.
    assert!(key_material(&w, &id, &["letter", "original"]).is_empty());
    let hits = anywhere_in_files(&w, &before);
    assert!(hits.is_empty(), "shredded bytes found in {hits:?}");
    assert_eq!(key_material(&w, &id, &["identity"]), identity_before);
    // The recovery code opens every key left, and none of them is this
    // letter's (its records are gone with their keys' wraps).
    let code = sealdesk_core::crypto::RecoveryCode::parse(&w.recovery_code).expect("code");
    let check = w
        .vault
        .recover_check(&code)
        .expect("recovery still opens what is left");
    assert!(check.data_keys >= 1);
    // Nothing opens it any more; the register line and the ledger stay.
    assert!(kind(w.vault.open_letter(&mut h, &id, "再看")).contains("已銷毀"));
    assert!(kind(w.vault.open_letter(&mut clerk, &id, "再看")).contains("已銷毀"));
    let line = w
        .vault
        .list_letters(&mut clerk)
        .expect("register")
        .into_iter()
        .find(|l| l.id == id)
        .expect("the register line stays");
    assert_eq!((line.state, line.can_read), (LetterState::Destroyed, false));
    let verdict = w.vault.ledger_verify(None).expect("verify");
    assert!(verdict.damage.is_none(), "{}", verdict.summary);
}

/// Who approved the level decides its condition is met; a letter never
/// routed has no such approver.
#[test]
fn a_condition_is_found_met_only_by_who_approved_the_level() {
    let mut w = World::new();
    let mut clerk = w.login("clerk");
    let id = w
        .vault
        .register_text(
            &mut clerk,
            PETITION,
            &meta(Level::Mi, Secrecy::Condition("結案後".into())),
            &Review::default(),
        )
        .expect("register")
        .letter_id;
    assert!(kind(
        w.vault
            .declassify(&mut clerk, &id, DeclassifyBasis::ConditionMet, "結案")
    )
    .contains("尚未經主管核定密等"));
    assert!(kind(
        w.vault
            .declassify(&mut clerk, &id, DeclassifyBasis::PeriodEnded, "屆滿")
    )
    .contains("解密條件"));
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route")
        .id;
    let mut sup = w.login("supervisor");
    w.vault.approve(&mut sup, &req, "同意").expect("approve");
    assert!(kind(
        w.vault
            .declassify(&mut clerk, &id, DeclassifyBasis::ConditionMet, "結案")
    )
    .starts_with("denied"));
    let step = w
        .vault
        .declassify(
            &mut sup,
            &id,
            DeclassifyBasis::ConditionMet,
            "已結案，條件成就",
        )
        .expect("declassify");
    assert!(step
        .declassified
        .expect("record")
        .new_marking
        .contains("已解密"));
}

/// The addressee rule: a letter addressed to a named person is opened by
/// that person (named as 拆封人, an account here); one addressed to the
/// agency or its head by the head's designee, a 密件分文人員.
#[test]
fn the_addressee_decides_who_may_be_its_opener() {
    let mut w = World::new();
    let mut m = meta(Level::Mi, Secrecy::Condition("結案後".into()));
    m.addressee = sealdesk_api::AddresseeType::Person;
    let msg = refused(&mut w, &m);
    assert!(msg.contains("應由其本人拆封"), "{msg}");
    m.opened_by = Some("某甲".into());
    assert!(refused(&mut w, &m).contains("不是本系統的帳號"));
    m.opened_by = Some("handler".into());
    let mut clerk = w.login("clerk");
    w.vault
        .register_text(&mut clerk, PETITION, &m, &Review::default())
        .expect("opened by its addressee");
    // Addressed to the agency: a clerk opens it, not a handler.
    m.addressee = sealdesk_api::AddresseeType::Agency;
    let msg = refused(&mut w, &m);
    assert!(msg.contains("不是分文人員"), "{msg}");
    m.opened_by = Some("clerk2".into());
    w.vault
        .register_text(&mut clerk, PETITION, &m, &Review::default())
        .expect("opened by another clerk (the head's designee)");
}
