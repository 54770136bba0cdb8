//! The key model: only holders of a wrap read a record, through the API and
//! straight from the database file (T1, T4, T9), and the recovery code opens
//! everything.

use sealdesk_api::ApiError;
use sealdesk_api::ErrorKind;
use sealdesk_core::crypto::{self, RecoveryCode, WrapBinding};

use crate::{pass, World};

const BODY: &str = "檢舉人王小明 A123456789 住花蓮市中山路1號";

/// Everything an attacker with the vault file and one user's passphrase can
/// try: open the user's own sealed key, then every wrap of every data key,
/// then every record with any key so obtained. Returns how many records
/// opened.
fn records_opened_with_own_keys(w: &World, user: &str) -> usize {
    let (_, own) = crate::attacker::own_key_in_store(w.dir(), user);
    let wraps = crate::attacker::key_wraps_in_store(w.dir(), None);
    assert!(!wraps.is_empty());
    let mut opened = 0;
    for (key_id, purpose, wrapped) in &wraps {
        let Ok(dk) = crypto::unwrap_data_key(
            &own,
            &WrapBinding {
                record_id: key_id,
                purpose,
            },
            wrapped,
        ) else {
            continue;
        };
        opened += crate::attacker::records_opening_in_store(w.dir(), &dk, key_id).len();
    }
    opened
}

#[test]
fn t1_user_not_on_the_list_cannot_read_through_the_api() {
    let mut w = World::new();
    let id = w.register(BODY);
    for user in ["handler", "supervisor", "clerk2"] {
        let mut s = w.login(user);
        let err = w
            .vault
            .open_letter(&mut s, &id, "查核")
            .expect_err("not on the list");
        assert!(matches!(err, ApiError::Denied(_)), "{user}: {err:?}");
    }
    let mut clerk = w.login("clerk");
    let c = w
        .vault
        .open_letter(&mut clerk, &id, "登記")
        .expect("registering clerk reads");
    // What anyone reads is the working copy: the petitioner is masked.
    assert!(c.text.starts_with("檢舉人"), "{}", c.text);
    assert!(
        !c.text.contains("A123456789") && !c.text.contains("王小明"),
        "{}",
        c.text
    );
}

#[test]
fn t1_user_not_on_the_list_cannot_decrypt_from_the_database_file() {
    let mut w = World::new();
    w.register(BODY);
    assert_eq!(
        records_opened_with_own_keys(&w, "clerk"),
        6,
        "the registering clerk opens register, working copy, handler copy, original, full text and identity"
    );
    for user in ["handler", "supervisor", "clerk2"] {
        assert_eq!(
            records_opened_with_own_keys(&w, user),
            0,
            "{user} opened a record"
        );
    }
}

#[test]
fn t4_admin_holds_no_data_key() {
    let mut w = World::new();
    let id = w.register(BODY);
    let mut admin = w.login("admin");
    assert!(matches!(
        w.vault.open_letter(&mut admin, &id, "管理"),
        Err(ApiError::Denied(_))
    ));
    assert_eq!(records_opened_with_own_keys(&w, "admin"), 0);
}

#[test]
fn t9_auditor_holds_no_data_key() {
    let mut w = World::new();
    let id = w.register(BODY);
    let mut auditor = w.login("auditor");
    assert!(matches!(
        w.vault.open_letter(&mut auditor, &id, "稽核"),
        Err(ApiError::Denied(_))
    ));
    assert!(matches!(
        w.vault.list_letters(&mut auditor),
        Err(ApiError::Denied(_))
    ));
    assert_eq!(records_opened_with_own_keys(&w, "auditor"), 0);
}

#[test]
fn recovery_code_opens_every_key_and_a_wrong_one_is_refused() {
    let mut w = World::new();
    w.register(BODY);
    w.register("第二封");
    let code = RecoveryCode::parse(&w.recovery_code).expect("parses");
    let report = w.vault.recover_check(&code).expect("recovers");
    // Per letter: letter, identity and original keys; six records.
    assert_eq!((report.data_keys, report.records), (6, 12));
    let other = RecoveryCode::from_secret_key(crypto::UserSecretKey::make(
        &mut sealdesk_api::seeded_rng(99),
    ));
    assert!(matches!(
        w.vault.recover_check(&other),
        Err(ApiError::BadRecoveryCode)
    ));
}

#[test]
fn tampered_record_is_an_integrity_error_not_content() {
    let mut w = World::new();
    let id = w.register(BODY);
    {
        let db =
            rusqlite::Connection::open(w.dir().join(sealdesk_store::DB_FILE)).expect("raw open");
        let mut sealed: Vec<u8> = db
            .query_row(
                "SELECT sealed FROM records WHERE purpose = 'working'",
                [],
                |r| r.get(0),
            )
            .expect("row");
        sealed[20] ^= 0x01;
        db.execute(
            "UPDATE records SET sealed = ?1 WHERE purpose = 'handler'",
            [sealed],
        )
        .expect("tamper");
    }
    let mut clerk = w.login("clerk");
    let err = w
        .vault
        .open_letter(&mut clerk, &id, "登記")
        .expect_err("tampered");
    assert_eq!(err.kind(), "integrity");
}

#[test]
fn admin_reset_gives_a_new_key_and_drops_old_grants() {
    let mut w = World::new();
    let id = w.register(BODY);
    let mut admin = w.login("admin");
    let dropped = w
        .vault
        .reset_user(&mut admin, "clerk", &pass("clerk-new"))
        .expect("reset");
    // The letter, identity and original keys: afterwards only the recovery
    // key opens this letter's identity compartment.
    assert_eq!(dropped, 3);
    assert!(w
        .vault
        .login("clerk", &pass("clerk"))
        .is_err_and(|e| e.kind() == ErrorKind::BadCredentials));
    let mut clerk = w
        .vault
        .login("clerk", &pass("clerk-new"))
        .expect("new passphrase");
    assert!(matches!(
        w.vault.open_letter(&mut clerk, &id, "登記"),
        Err(ApiError::Denied(_))
    ));
}
