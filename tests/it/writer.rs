//! Integrity against anyone who can *write* the vault file (T10, with T1,
//! T4, T6, T9): each test edits the SQLite file directly, as an attacker with
//! `sqlite3` and their own code for the formats would, then acts as the
//! victim through the API. Every substitution must end in `integrity` before
//! anything is wrapped to the substituted key. Also the defects review found
//! (recovery after inquiries, reasons and typed names in clear, Argon2 header
//! costs, unknown-name throttling, revoked wraps left in the WAL, ledger
//! fields).

use std::path::Path;
use std::sync::Arc;

use sealdesk_api::{seeded_rng, ApiError, ErrorKind, ManualClock, Vault};
use sealdesk_core::crypto::{self, RecoveryCode, UserSecretKey, WrapBinding};
use sealdesk_core::directory::{Genesis, SignedGenesis};
use sealdesk_core::secret::Passphrase;

use crate::{pass, raw, World, T0};

fn integrity<T: std::fmt::Debug>(r: Result<T, ApiError>, what: &str) {
    match r {
        Err(e) => assert_eq!(e.kind(), "integrity", "{what}: {e}"),
        Ok(v) => panic!("{what}: expected integrity, got {v:?}"),
    }
}

fn count(db: &rusqlite::Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |r| r.get(0)).expect("count")
}

fn user_row(db: &rusqlite::Connection, name: &str) -> (String, Vec<u8>, Vec<u8>) {
    db.query_row(
        "SELECT id, public_key, sealed_secret_key FROM users WHERE name = ?1",
        [name],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .expect("user row")
}

/// What the attacker writes: a genesis of their own making, signed by a root
/// they hold, with one vault-wide key replaced by theirs.
fn swap_genesis(w: &World, edit: impl FnOnce(&mut Genesis)) {
    let db = raw(w.dir());
    let json: Vec<u8> = db
        .query_row("SELECT value FROM meta WHERE key = 'genesis'", [], |r| {
            r.get(0)
        })
        .expect("genesis");
    let mut g: Genesis = serde_json::from_slice(&json).expect("parse");
    let mut rng = seeded_rng(666);
    let attacker_root =
        UserSecretKey::make(&mut rng).derive_signing_key(crypto::ROOT_SIGNING_LABEL);
    g.root_public_key = attacker_root.verifying_key().0;
    edit(&mut g);
    let signed = g.sign(&attacker_root);
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'genesis'",
        [&signed.json],
    )
    .expect("write genesis");
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'genesis_signature'",
        [&signed.signature],
    )
    .expect("write signature");
}

fn reopen(w: &World) -> Vault {
    Vault::open(w.dir(), Arc::new(w.clock.clone()), seeded_rng(77)).expect("reopen")
}

fn no_wrap_opens_with(db: &rusqlite::Connection, key: &UserSecretKey) {
    let wraps = crate::all_key_wraps(db);
    assert!(!wraps.is_empty());
    for (key_id, purpose, wrapped) in &wraps {
        assert!(
            crypto::unwrap_data_key(
                key,
                &WrapBinding {
                    record_id: key_id,
                    purpose
                },
                wrapped
            )
            .is_err(),
            "the attacker's key opens the {purpose} key {key_id}"
        );
    }
}

#[test]
fn t10_t4_t6_swapped_recovery_key_fails_every_login_and_nothing_is_wrapped_to_it() {
    let mut w = World::new();
    w.register("第一封");
    let mut rng = seeded_rng(667);
    let attacker = UserSecretKey::make(&mut rng);
    let wraps_before = count(&raw(w.dir()), "SELECT count(*) FROM key_wraps");
    swap_genesis(&w, |g| g.recovery_public_key = attacker.public_key().0);
    let mut v = reopen(&w);
    integrity(v.login("clerk", &pass("clerk")), "clerk login");
    integrity(v.login("admin", &pass("admin")), "admin login");
    // Nothing could be registered, so nothing new was wrapped, and nothing
    // that exists opens with the attacker's key.
    let db = raw(w.dir());
    assert_eq!(count(&db, "SELECT count(*) FROM key_wraps"), wraps_before);
    no_wrap_opens_with(&db, &attacker);
}

#[test]
fn t10_genesis_edited_without_the_root_key_is_refused_at_open() {
    let w = World::new();
    let db = raw(w.dir());
    let json: Vec<u8> = db
        .query_row("SELECT value FROM meta WHERE key = 'genesis'", [], |r| {
            r.get(0)
        })
        .expect("genesis");
    let mut g: Genesis = serde_json::from_slice(&json).expect("parse");
    g.ledger_public_key = [0x11; 32];
    db.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'genesis'",
        [g.canonical_json()],
    )
    .expect("edit");
    let r = Vault::open(w.dir(), Arc::new(ManualClock::at(T0)), seeded_rng(3));
    integrity(r, "open");
}

#[test]
fn t9_t10_swapped_ledger_reader_key_fails_login_and_seals_nothing_to_the_attacker() {
    let w = World::new();
    let mut rng = seeded_rng(668);
    let attacker = UserSecretKey::make(&mut rng);
    let before: i64 = count(&raw(w.dir()), "SELECT max(seq) FROM ledger");
    swap_genesis(&w, |g| g.ledger_public_key = attacker.public_key().0);
    let mut v = reopen(&w);
    for u in ["clerk", "auditor", "supervisor"] {
        integrity(v.login(u, &pass(u)), u);
    }
    // Whatever was appended after the swap does not open with its key.
    let db = raw(w.dir());
    let mut st = db
        .prepare("SELECT sealed FROM ledger WHERE seq > ?1")
        .expect("prepare");
    let rows: Vec<Vec<u8>> = st
        .query_map([before], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("rows");
    for sealed in rows {
        assert!(!matches!(
            sealdesk_core::ledger::open_entry(&attacker, &sealed),
            Ok(Some(_))
        ));
    }
}

#[test]
fn t1_t10_handler_key_in_a_supervisors_row_is_refused_before_any_grant() {
    let mut w = World::new();
    let id = w.register("檢舉內容");
    let db = raw(w.dir());
    let (_, handler_pk, handler_sealed) = user_row(&db, "handler");
    let handler_id: String = user_row(&db, "handler").0;
    db.execute(
        "UPDATE users SET public_key = ?1 WHERE name = 'supervisor'",
        [&handler_pk],
    )
    .expect("swap");
    let mut clerk = w.login("clerk");
    integrity(
        w.vault
            .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理"),
        "routing to a unit whose supervisor row was edited",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM grant_layers"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM requests"), 0);
    integrity(
        w.vault.login("supervisor", &pass("supervisor")),
        "supervisor login",
    );
    // And the handler's key opens nothing but what it held before.
    let own = crypto::open_user_secret_key(&handler_sealed, &pass("handler"), &handler_id)
        .expect("own")
        .key;
    no_wrap_opens_with(&db, &own);
}

#[test]
fn t1_t4_t10_edited_role_column_is_refused() {
    let mut w = World::new();
    w.register("內容");
    raw(w.dir())
        .execute(
            "UPDATE users SET roles = 'clerk' WHERE name = 'handler'",
            [],
        )
        .expect("edit role");
    integrity(w.vault.login("handler", &pass("handler")), "handler login");
    // A session opened before the edit stops at its next call.
    raw(w.dir())
        .execute(
            "UPDATE users SET roles = 'handler' WHERE name = 'handler'",
            [],
        )
        .expect("put back");
    let mut h = w.login("handler");
    raw(w.dir())
        .execute(
            "UPDATE users SET roles = 'clerk' WHERE name = 'handler'",
            [],
        )
        .expect("edit again");
    integrity(
        w.vault.list_letters(&mut h),
        "listing letters as an edited clerk",
    );
}

#[test]
fn t4_t10_account_inserted_by_hand_is_refused_and_never_wrapped_to() {
    let mut w = World::new();
    let id = w.register("內容");
    let db = raw(w.dir());
    // The attacker even seals their key under the vault's real genesis hash.
    let (json, sig): (Vec<u8>, Vec<u8>) = db
        .query_row(
            "SELECT (SELECT value FROM meta WHERE key = 'genesis'), (SELECT value FROM meta WHERE key = 'genesis_signature')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("genesis");
    let genesis_hash = SignedGenesis::parse(&json, &sig).expect("genesis").hash();
    let mut rng = seeded_rng(669);
    let key = UserSecretKey::make(&mut rng);
    let mallory_id = "00000000000000000000000000000bad";
    let sealed = crypto::seal_user_secret_key(
        &key,
        &genesis_hash,
        &pass("mallory"),
        &crypto::KdfParams::DEFAULT,
        mallory_id,
        &mut rng,
    )
    .expect("seal");
    db.execute(
        "INSERT INTO users (id, name, unit, roles, public_key, sealed_secret_key, disabled, created_at, failed_logins) VALUES (?1, 'mallory', '稅務管理科', 'supervisor', ?2, ?3, 0, 0, 0)",
        rusqlite::params![mallory_id, key.public_key().0.to_vec(), sealed],
    )
    .expect("insert");
    integrity(w.vault.login("mallory", &pass("mallory")), "mallory login");
    // Routing goes on, and only to the certified supervisor.
    let mut clerk = w.login("clerk");
    w.vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM grant_layers WHERE supervisor = '00000000000000000000000000000bad'"
        ),
        0
    );
    no_wrap_opens_with(&db, &key);
}

#[test]
fn t10_older_row_put_back_after_disable_or_reset_is_refused() {
    let mut w = World::new();
    let db = raw(w.dir());
    let snapshot = |name: &str| -> (i64, Vec<u8>, Vec<u8>) {
        db.query_row(
            "SELECT disabled, public_key, sealed_secret_key FROM users WHERE name = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("row")
    };
    let sup_before = snapshot("supervisor");
    let handler_before = snapshot("handler");
    let mut admin = w.login("admin");
    w.vault
        .set_user_disabled(&mut admin, "supervisor", true)
        .expect("disable");
    w.vault
        .reset_user(
            &mut admin,
            "handler",
            &Passphrase::from("a-new-passphrase-1"),
        )
        .expect("reset");
    for (name, (disabled, pk, sealed)) in [("supervisor", sup_before), ("handler", handler_before)]
    {
        db.execute(
            "UPDATE users SET disabled = ?2, public_key = ?3, sealed_secret_key = ?4 WHERE name = ?1",
            rusqlite::params![name, disabled, pk, sealed],
        )
        .expect("restore");
    }
    integrity(
        w.vault.login("supervisor", &pass("supervisor")),
        "disabled supervisor with the old row",
    );
    integrity(
        w.vault.login("handler", &pass("handler")),
        "reset handler with the old key",
    );
}

#[test]
fn t8_t10_idle_timeout_written_into_meta_is_ignored() {
    let mut w = World::new();
    raw(w.dir())
        .execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('idle_timeout_secs', CAST('28800' AS BLOB))",
            [],
        )
        .expect("write");
    let mut c = w.login("clerk");
    assert_eq!(
        w.vault.whoami(&mut c).expect("whoami").idle_timeout_secs,
        sealdesk_core::domain::DEFAULT_IDLE_TIMEOUT_SECS
    );
    w.clock.advance_secs(601);
    assert!(matches!(w.vault.whoami(&mut c), Err(ApiError::Locked)));
    // The signed setting does take effect.
    let mut admin = w.login("admin");
    w.vault.set_idle_timeout(&mut admin, 1200).expect("set");
    let mut c = w.login("clerk");
    assert_eq!(
        w.vault.whoami(&mut c).expect("whoami").idle_timeout_secs,
        1200
    );
}

// ---------------------------------------------------------------- defects

/// Registers, inquires, routes and approves, asks for, endorses and approves
/// a reveal, and grants the ledger key: every kind of key a vault holds.
fn busy_world() -> (World, String) {
    let mut w = World::new();
    let id = w.register("檢舉人許先生 電話 0912345678");
    let mut clerk = w.login("clerk");
    w.vault
        .inquire(&mut clerk, &id, &["稅務管理科".to_owned()], None)
        .expect("inquire");
    let req = w
        .vault
        .route(
            &mut clerk,
            &id,
            "稅務管理科",
            "handler",
            None,
            "需電話聯絡檢舉人許先生",
        )
        .expect("route");
    let mut sup = w.login("supervisor");
    w.vault
        .approve(&mut sup, &req.id, "同意:主管核定理由甲乙丙")
        .expect("approve");
    let mut h = w.login("handler");
    let rr = w
        .vault
        .reveal_request(&mut h, &id, "需通知檢舉人補正")
        .expect("reveal request");
    w.vault.reveal_endorse(&mut clerk, &rr.id).expect("endorse");
    w.vault
        .approve(&mut sup, &rr.id, "同意揭露七日")
        .expect("approve reveal");
    let code = RecoveryCode::parse(&w.recovery_code).expect("code");
    w.vault
        .recover_grant_ledger(&code, "auditor")
        .expect("grant ledger");
    (w, id)
}

#[test]
fn recover_opens_every_key_of_a_vault_with_inquiries_reveals_and_ledger_grants() {
    let (mut w, _) = busy_world();
    let code = RecoveryCode::parse(&w.recovery_code).expect("code");
    let report = w.vault.recover_check(&code).expect("recover");
    // letter + identity, slip, two request keys.
    assert!(report.data_keys >= 5, "{report:?}");
    // After an admin reset of the only auditor, the recovery code gives the
    // ledger back.
    let mut admin = w.login("admin");
    w.vault
        .reset_user(&mut admin, "auditor", &pass("auditor"))
        .expect("reset");
    let mut a = w.login("auditor");
    assert!(w
        .vault
        .ledger_entries(&mut a)
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
    w.vault
        .recover_grant_ledger(&code, "auditor")
        .expect("grant again");
    let mut a = w.login("auditor");
    assert!(!w.vault.ledger_entries(&mut a).expect("reads").is_empty());
}

fn files_contain(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let bytes = std::fs::read(e.path()).unwrap_or_default();
        if bytes.windows(needle.len()).any(|w| w == needle) {
            hits.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    hits
}

#[test]
fn t6_reasons_decisions_and_typed_names_are_not_in_clear() {
    let (mut w, _) = busy_world();
    // A passphrase typed into the name field is not kept anywhere.
    let _ = w
        .vault
        .login("MyOwnSecretPassphrase9", &Passphrase::from("whatever-else"));
    for needle in [
        "需電話聯絡檢舉人許先生",
        "主管核定理由甲乙丙",
        "需通知檢舉人補正",
        "MyOwnSecretPassphrase9",
    ] {
        let hits = files_contain(w.dir(), needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} in clear in {hits:?}");
    }
    // Those who decide still read the reason.
    let mut clerk = w.login("clerk");
    let mut sup = w.login("supervisor");
    let mut h = w.login("handler");
    let letter = w_letter(&mut w, &mut clerk);
    let rr = w
        .vault
        .reveal_request(&mut h, &letter, "再次需要聯絡")
        .expect("another reveal");
    let listed = w.vault.requests(&mut clerk).expect("clerk lists");
    assert!(listed
        .iter()
        .any(|r| r.id == rr.id && r.reason == "再次需要聯絡"));
    w.vault.reveal_endorse(&mut clerk, &rr.id).expect("endorse");
    let pending = w.vault.requests(&mut sup).expect("supervisor lists");
    assert!(pending
        .iter()
        .any(|r| r.id == rr.id && r.reason == "再次需要聯絡"));
}

fn w_letter(w: &mut World, clerk: &mut sealdesk_api::Session) -> String {
    w.vault.list_letters(clerk).expect("letters")[0].id.clone()
}

#[test]
fn t6_t10_costly_argon2_header_is_integrity_refused_at_once_and_not_counted() {
    let mut w = World::new();
    let db = raw(w.dir());
    let (_, _, mut sealed) = user_row(&db, "supervisor");
    sealed[1..5].copy_from_slice(&(4u32 * 1024 * 1024).to_be_bytes());
    db.execute(
        "UPDATE users SET sealed_secret_key = ?1 WHERE name = 'supervisor'",
        [&sealed],
    )
    .expect("tamper");
    let t = std::time::Instant::now();
    integrity(
        w.vault.login("supervisor", &pass("supervisor")),
        "4 GiB header",
    );
    assert!(
        t.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        t.elapsed()
    );
    let failed: i64 = db
        .query_row(
            "SELECT failed_logins FROM users WHERE name = 'supervisor'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(failed, 0, "a tampered header is not a wrong passphrase");
}

#[test]
fn unknown_names_are_throttled_like_known_ones() {
    let mut w = World::new();
    let wrong = Passphrase::from("not-the-passphrase");
    for name in ["handler", "nobody-here"] {
        for _ in 0..3 {
            assert!(matches!(
                w.vault.login(name, &wrong),
                Err(ApiError::BadCredentials)
            ));
        }
        assert!(
            matches!(
                w.vault.login(name, &wrong),
                Err(ApiError::Throttled {
                    retry_after_secs: 1
                })
            ),
            "{name}"
        );
    }
}

#[test]
fn t1_revoked_wrap_leaves_no_copy_in_db_wal_or_shm_while_another_connection_is_open() {
    let (mut w, id) = busy_world();
    // A second desk (as the app) holds the vault open, and has read from it.
    let mut other =
        Vault::open(w.dir(), Arc::new(ManualClock::at(T0)), seeded_rng(5)).expect("open");
    let mut s2 = other.login("clerk", &pass("clerk")).expect("other login");
    other.list_letters(&mut s2).expect("reads");
    let db = raw(w.dir());
    let (handler_id, _, _) = user_row(&db, "handler");
    let wrapped: Vec<u8> = db
        .query_row(
            "SELECT w.wrapped FROM key_wraps w JOIN data_keys k ON k.id = w.key_id WHERE k.letter_id = ?1 AND k.purpose = 'letter' AND w.recipient = ?2",
            [&id, &handler_id],
            |r| r.get(0),
        )
        .expect("the handler's wrap");
    drop(db);
    let mut h = w.login("handler");
    let a = w
        .vault
        .assignments(&mut h)
        .expect("assignments")
        .into_iter()
        .find(|a| a.kind == "access" && a.active)
        .expect("active access");
    let mut sup = w.login("supervisor");
    w.vault.revoke(&mut sup, &a.id, "結案").expect("revoke");
    let hits = files_contain(w.dir(), &wrapped);
    assert!(hits.is_empty(), "revoked wrap still in {hits:?}");
    other.lock(&mut s2);
}

#[test]
fn ledger_records_the_assignment_id_the_granting_role_and_slip_views() {
    let (mut w, id) = busy_world();
    let mut h = w.login("handler");
    let a = w
        .vault
        .assignments(&mut h)
        .expect("assignments")
        .into_iter()
        .find(|a| a.kind == "access")
        .expect("access");
    w.vault.open_letter(&mut h, &id, "辦理").expect("open");
    let mut clerk = w.login("clerk");
    w.vault
        .reveal_show(&mut clerk, &id)
        .expect("clerk identity view");
    let mut sup = w.login("supervisor");
    w.vault.inquiries(&mut sup).expect("slips");
    let mut aud = w.login("auditor");
    let entries = w.vault.ledger_entries(&mut aud).expect("entries");
    let view = entries
        .iter()
        .rev()
        .find(|e| e.body.user == "handler" && e.body.action == "view")
        .expect("handler view");
    assert_eq!(view.body.assignment.as_deref(), Some(a.id.as_str()));
    assert_eq!(view.body.role, Some(sealdesk_api::Role::Handler));
    let approve = entries
        .iter()
        .find(|e| {
            e.body.user == "supervisor"
                && e.body
                    .detail
                    .as_deref()
                    .is_some_and(|d| d.starts_with("approved request") && d.ends_with("(access)"))
        })
        .expect("approval");
    assert_eq!(approve.body.assignment.as_deref(), Some(a.id.as_str()));
    let identity = entries
        .iter()
        .rev()
        .find(|e| e.body.user == "clerk" && e.body.action == "identity_reveal")
        .expect("clerk identity view");
    assert_eq!(identity.body.role, Some(sealdesk_api::Role::Clerk));
    assert!(entries.iter().any(|e| e.body.user == "supervisor"
        && e.body.action == "view"
        && e.body
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("routing slip"))));
}

#[test]
fn an_act_and_its_entry_commit_together() {
    let mut w = World::new();
    let id = w.register("內容");
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let mut sup = w.login("supervisor");
    raw(w.dir())
        .execute_batch("CREATE TRIGGER ledger_broken BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
        .expect("break ledger");
    assert!(w
        .vault
        .approve(&mut sup, &req.id, "同意")
        .is_err_and(|e| e.kind() == ErrorKind::LedgerUnavailable));
    let db = raw(w.dir());
    let status: String = db
        .query_row(
            "SELECT status FROM requests WHERE id = ?1",
            [&req.id],
            |r| r.get(0),
        )
        .expect("status");
    assert_eq!(status, "pending", "the approval rolled back with its entry");
    assert_eq!(count(&db, "SELECT count(*) FROM assignments"), 0);
}

#[test]
fn t10_an_old_directory_statement_replayed_at_the_tail_is_refused() {
    let mut w = World::new();
    let mut admin = w.login("admin");
    w.vault
        .set_user_disabled(&mut admin, "supervisor", true)
        .expect("disable");
    w.vault.lock(&mut admin);
    let db = raw(w.dir());
    db.execute_batch("DROP TRIGGER ledger_no_update; DROP TRIGGER ledger_no_delete;")
        .expect("drop triggers");
    // The statement that made the supervisor (enabled), validly signed by
    // the administrator: copy it to the end of the ledger, with the chain
    // recomputed, and put the row back to enabled.
    let mut st = db
        .prepare("SELECT sealed FROM ledger ORDER BY seq")
        .expect("prepare");
    let rows: Vec<Vec<u8>> = st
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("rows");
    let enabled = rows
        .iter()
        .find(|s| {
            sealdesk_core::ledger::directory_parts(s).is_some_and(|(json, _)| {
                let j = String::from_utf8_lossy(json);
                j.contains("\"name\":\"supervisor\"") && j.contains("\"disabled\":false")
            })
        })
        .expect("the supervisor's first statement")
        .clone();
    let (max, head): (i64, Vec<u8>) = db
        .query_row(
            "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("head");
    let seq = max as u64 + 1;
    let mut replay = enabled;
    replay[1..9].copy_from_slice(&seq.to_be_bytes());
    let prev: [u8; 32] = head.clone().try_into().expect("32");
    let hash = sealdesk_core::ledger::chain_hash(seq, &prev, &replay);
    db.execute(
        "INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![seq as i64, head, replay, hash.to_vec()],
    )
    .expect("append replay");
    db.execute(
        "UPDATE users SET disabled = 0 WHERE name = 'supervisor'",
        [],
    )
    .expect("enable row");
    let mut v = reopen(&w);
    integrity(
        v.login("supervisor", &pass("supervisor")),
        "supervisor re-enabled by a replayed statement",
    );
    let r = v.ledger_verify(None).expect("verify");
    let d = r.damage.clone().expect("damage");
    assert_eq!(
        (d.kind, d.seq),
        (sealdesk_api::Damage::Forged, seq),
        "{}",
        d.detail
    );
}

#[test]
fn t1_t10_access_period_lengthened_in_the_file_is_refused() {
    let mut w = World::new();
    let id = w.register("內容");
    let mut clerk = w.login("clerk");
    // Before approval: the clerk's grant signs the end date.
    let req = w
        .vault
        .route(&mut clerk, &id, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    let db = raw(w.dir());
    db.execute(
        "UPDATE requests SET until = until + 86400000 * 365 WHERE id = ?1",
        [&req.id],
    )
    .expect("lengthen the request");
    let mut sup = w.login("supervisor");
    integrity(
        w.vault.approve(&mut sup, &req.id, "同意"),
        "approving a request whose period was edited",
    );
    assert_eq!(count(&db, "SELECT count(*) FROM assignments"), 0);
    // After approval: the supervisor's signature covers the assignment.
    db.execute(
        "UPDATE requests SET until = until - 86400000 * 365 WHERE id = ?1",
        [&req.id],
    )
    .expect("put back");
    w.vault.approve(&mut sup, &req.id, "同意").expect("approve");
    let mut h = w.login("handler");
    w.vault.open_letter(&mut h, &id, "辦理").expect("opens");
    db.execute("UPDATE assignments SET until = until + 86400000 * 365", [])
        .expect("lengthen the assignment");
    integrity(
        w.vault.open_letter(&mut h, &id, "辦理"),
        "opening on an assignment whose period was edited",
    );
}

/// T10: a writer replaces a supervisor's grant layer with one of their own,
/// wrapped to the supervisor's public key (anyone can wrap to it) around a
/// payload too short to be a grant. Approving must fail with `integrity`,
/// not panic and not activate anything.
#[test]
fn t10_a_forged_short_grant_layer_is_integrity_not_a_panic() {
    let mut w = World::new();
    let letter = w.register("陳情人王小明,電話0912345678。");
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &letter, "稅務管理科", "handler", None, "請辦理")
        .expect("route")
        .id;
    let db = raw(w.dir());
    let (sup_id, sup_pk, _) = user_row(&db, "supervisor");
    let pk = crypto::UserPublicKey(<[u8; 32]>::try_from(sup_pk.as_slice()).expect("32 bytes"));
    for len in [0usize, 40, 95] {
        let forged = crypto::wrap_to(
            &pk,
            &WrapBinding {
                record_id: &req,
                purpose: "grant",
            },
            &vec![0x41; len],
            &mut seeded_rng(len as u64),
        );
        db.execute(
            "UPDATE grant_layers SET wrapped = ?1 WHERE request_id = ?2 AND supervisor = ?3",
            rusqlite::params![forged, req, sup_id],
        )
        .expect("replace the layer");
        let mut sup = w.login("supervisor");
        integrity(
            w.vault.approve(&mut sup, &req, "同意"),
            &format!("a {len}-byte grant"),
        );
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM assignments"),
        0,
        "nothing was activated"
    );
}
