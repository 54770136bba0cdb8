//! The ledger: what is recorded, who can read it (T9, T4), tamper evidence
//! against SQLite edits (T5), fail closed, and SIGKILL in the middle of
//! appends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sealdesk_api::{seeded_rng, ApiError, Checkpoint, Damage, ErrorKind, ManualClock, Vault};
use sealdesk_core::crypto::{self, WrapBinding};

use crate::{pass, raw_ledger, World, T0};

fn actions(w: &mut World) -> Vec<(String, String, String, Option<String>)> {
    let mut a = w.login("auditor");
    w.vault
        .ledger_entries(&mut a)
        .expect("auditor reads")
        .into_iter()
        .map(|e| {
            (
                e.body.user,
                e.body.action.to_string(),
                e.body.outcome.to_string(),
                e.body.reason,
            )
        })
        .collect()
}

#[test]
fn views_denials_logins_and_admin_actions_are_recorded() {
    let mut w = World::new();
    let id = w.register("內容");
    let mut h = w.login("handler");
    assert!(w
        .vault
        .open_letter(&mut h, &id, "好奇")
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
    let mut c = w.login("clerk");
    w.vault
        .open_letter(&mut c, &id, "核對登記")
        .expect("clerk opens");
    w.vault.lock(&mut c);
    assert!(w
        .vault
        .login(
            "handler",
            &sealdesk_core::secret::Passphrase::from("wrong-passphrase")
        )
        .is_err_and(|e| e.kind() == ErrorKind::BadCredentials));
    let mut admin = w.login("admin");
    assert!(w
        .vault
        .open_letter(&mut admin, &id, "管理")
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
    w.grant_auditor();
    let all = actions(&mut w);
    let has = |user: &str, action: &str, outcome: &str| {
        all.iter()
            .any(|(u, a, o, _)| u == user && a == action && o == outcome)
    };
    assert!(has("admin", "user_admin", "allowed"), "{all:#?}");
    assert!(has("clerk", "register", "allowed"));
    assert!(has("handler", "view", "denied"));
    assert!(has("clerk", "view", "allowed"));
    // A failed login names no one (nothing authenticates it).
    assert!(has("", "login_failed", "denied"));
    assert!(!all
        .iter()
        .any(|(u, a, _, _)| a == "login_failed" && !u.is_empty()));
    assert!(has("admin", "view", "denied"));
    assert!(has("recovery", "ledger_grant", "allowed"));
    assert!(has("auditor", "ledger_read", "allowed"));
    let view = all
        .iter()
        .find(|(u, a, o, _)| u == "clerk" && a == "view" && o == "allowed")
        .expect("view");
    assert_eq!(
        view.3.as_deref(),
        Some("核對登記"),
        "the stated reason is kept"
    );
    let report = w.vault.ledger_verify(None).expect("verify");
    assert!(report.intact, "{report:?}");
    assert!(
        report.checkpoints_verified >= 1,
        "locks sign checkpoints: {report:?}"
    );
}

#[test]
fn t9_t4_only_auditors_read_the_ledger() {
    let mut w = World::new();
    w.register("內容");
    for user in ["handler", "clerk", "supervisor", "admin"] {
        let mut s = w.login(user);
        assert!(
            matches!(w.vault.ledger_entries(&mut s), Err(ApiError::Denied(_))),
            "{user}"
        );
    }
    // An auditor is not given the ledger key by the admin who created them.
    let mut a = w.login("auditor");
    assert!(matches!(
        w.vault.ledger_entries(&mut a),
        Err(ApiError::Denied(_))
    ));
    // Straight from the file: nobody but the recovery key holds a wrap of
    // the reader key yet, and no user's own key opens it.
    let db = rusqlite::Connection::open(w.dir().join(sealdesk_store::DB_FILE)).expect("raw");
    let wraps: Vec<(String, Vec<u8>)> = db
        .prepare("SELECT recipient, wrapped FROM secret_wraps WHERE secret = 'ledger_reader'")
        .expect("prep")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        wraps.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(),
        vec!["recovery"]
    );
    for user in ["handler", "clerk", "supervisor", "admin", "auditor"] {
        let (_, own) = crate::own_key_from_file(&db, user);
        for (_, wrapped) in &wraps {
            assert!(crypto::unwrap_with(
                &own,
                &WrapBinding {
                    record_id: "ledger",
                    purpose: "reader"
                },
                wrapped
            )
            .is_err());
        }
    }
    w.grant_auditor();
    let mut a = w.login("auditor");
    assert!(!w
        .vault
        .ledger_entries(&mut a)
        .expect("granted auditor reads")
        .is_empty());
}

#[test]
fn a_new_auditor_gets_the_past_from_an_existing_auditor() {
    let mut w = World::new();
    w.grant_auditor();
    let mut admin = w.login("admin");
    w.vault
        .add_user(
            &mut admin,
            &sealdesk_api::NewUser {
                name: "auditor2".into(),
                roles: sealdesk_core::domain::RoleSet::new([sealdesk_api::Role::Auditor])
                    .expect("r"),
                unit: None,
                passphrase: pass("auditor2"),
            },
        )
        .expect("add");
    let mut a2 = w.login("auditor2");
    assert!(w
        .vault
        .ledger_entries(&mut a2)
        .is_err_and(|e| e.kind() == ErrorKind::Denied));
    let mut a1 = w.login("auditor");
    assert!(
        matches!(
            w.vault.ledger_grant(&mut a1, "handler"),
            Err(ApiError::Denied(_))
        ),
        "only auditors receive it"
    );
    w.vault.ledger_grant(&mut a1, "auditor2").expect("grant");
    let mut a2 = w.login("auditor2");
    let entries = w.vault.ledger_entries(&mut a2).expect("reads the past");
    // Entry 1 is the root's statement certifying the first administrator;
    // the first event, the vault's creation, follows it.
    assert_eq!(entries[0].body.seq, 2);
    assert!(
        entries[0]
            .body
            .detail
            .as_deref()
            .is_some_and(|d| d.starts_with("vault created")),
        "{:?}",
        entries[0]
    );
}

#[test]
fn fail_closed_no_content_when_the_ledger_cannot_be_written() {
    let mut w = World::new();
    let id = w.register("不可外洩的內容");
    let mut clerk = w.login("clerk");
    {
        let db = rusqlite::Connection::open(w.dir().join(sealdesk_store::DB_FILE)).expect("raw");
        // Stands in for a full disk or a locked file: every append fails.
        db.execute_batch("CREATE TRIGGER ledger_broken BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
            .expect("break ledger");
    }
    let err = w
        .vault
        .open_letter(&mut clerk, &id, "核對")
        .expect_err("must fail closed");
    assert_eq!(err.kind(), "ledger_unavailable");
    assert!(!format!("{err:?}").contains("不可外洩"));
}

// ---------------------------------------------------------------- damage (T5)

/// A vault with some history, closed, and a checkpoint kept outside it.
struct Base {
    _dir: tempfile::TempDir,
    vault_dir: PathBuf,
    kept: Checkpoint,
}

fn base() -> Base {
    base_with_seed(1)
}

fn base_with_seed(seed: u64) -> Base {
    let mut w = World::with_seed(seed);
    let id = w.register("內容");
    for i in 0..12 {
        let mut c = w.login("clerk");
        w.vault
            .open_letter(&mut c, &id, &format!("第{i}次核對"))
            .expect("open");
        w.vault.lock(&mut c);
    }
    let mut a = w.login("auditor");
    let kept = w.vault.ledger_checkpoint(&mut a).expect("checkpoint");
    w.vault.lock(&mut a);
    let dir = tempfile::tempdir().expect("tempdir");
    let vault_dir = dir.path().join("vault");
    std::fs::create_dir_all(&vault_dir).expect("mkdir");
    let src = w.dir().to_owned();
    drop(w.vault);
    crate::attacker::copy_dir(&src, &vault_dir);
    Base {
        _dir: dir,
        vault_dir,
        kept,
    }
}

fn verify(dir: &Path, kept: Option<&Checkpoint>) -> sealdesk_api::VerifyReport {
    let mut v = Vault::open(dir, Arc::new(ManualClock::at(T0)), seeded_rng(9)).expect("open");
    v.ledger_verify(kept).expect("verify runs").report
}

fn check_damage(b: &Base, kind: Damage, seq: u64) {
    let r = verify(&b.vault_dir, Some(&b.kept));
    let d = r
        .damage
        .unwrap_or_else(|| panic!("expected {kind:?} at {seq}, got intact"));
    assert_eq!((d.kind, d.seq), (kind, seq), "{}", d.detail);
    assert!(!r.intact);
}

#[test]
fn t5_intact_ledger_verifies_with_the_kept_checkpoint() {
    let b = base();
    let r = verify(&b.vault_dir, Some(&b.kept));
    assert!(r.intact, "{r:?}");
    assert!(r.entries > 20);
    assert!(r.checkpoints_verified > 10);
}

#[test]
fn t5_flipped_byte_is_edited_at_that_entry() {
    let b = base();
    let db = raw_ledger(&b.vault_dir);
    let mut sealed: Vec<u8> = db
        .query_row("SELECT sealed FROM ledger WHERE seq = 10", [], |r| r.get(0))
        .expect("row");
    sealed[60] ^= 1;
    db.execute("UPDATE ledger SET sealed = ?1 WHERE seq = 10", [sealed])
        .expect("tamper");
    check_damage(&b, Damage::Edited, 10);
}

#[test]
fn t5_deleted_row_is_missing() {
    let b = base();
    raw_ledger(&b.vault_dir)
        .execute("DELETE FROM ledger WHERE seq = 10", [])
        .expect("delete");
    check_damage(&b, Damage::Missing, 10);
}

#[test]
fn t5_swapped_rows_are_reordered() {
    let b = base();
    let db = raw_ledger(&b.vault_dir);
    db.execute_batch(
        "UPDATE ledger SET seq = -1 WHERE seq = 10;
         UPDATE ledger SET seq = 10 WHERE seq = 20;
         UPDATE ledger SET seq = 20 WHERE seq = -1;",
    )
    .expect("swap");
    check_damage(&b, Damage::Reordered, 10);
}

#[test]
fn t5_inserted_forged_row_is_found() {
    let b = base();
    let db = raw_ledger(&b.vault_dir);
    let max: i64 = db
        .query_row("SELECT max(seq) FROM ledger", [], |r| r.get(0))
        .expect("max");
    for s in (11..=max).rev() {
        db.execute("UPDATE ledger SET seq = seq + 1 WHERE seq = ?1", [s])
            .expect("shift");
    }
    // A forger who knows the format makes a row that is consistent in itself.
    let (prev, sample): (Vec<u8>, Vec<u8>) = db
        .query_row("SELECT hash, sealed FROM ledger WHERE seq = 10", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row 10");
    let mut forged = sample.clone();
    forged[1..9].copy_from_slice(&11u64.to_be_bytes());
    let prev32: [u8; 32] = prev.clone().try_into().expect("32");
    let hash = sealdesk_core::ledger::chain_hash(11, &prev32, &forged);
    db.execute(
        "INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (11, ?1, ?2, ?3)",
        rusqlite::params![prev, forged, hash.to_vec()],
    )
    .expect("insert");
    check_damage(&b, Damage::Inserted, 11);
}

#[test]
fn t5_truncated_tail_is_found() {
    let b = base();
    let db = raw_ledger(&b.vault_dir);
    let max: i64 = db
        .query_row("SELECT max(seq) FROM ledger", [], |r| r.get(0))
        .expect("max");
    db.execute("DELETE FROM ledger WHERE seq > ?1", [max - 3])
        .expect("truncate");
    check_damage(&b, Damage::Truncated, (max - 2) as u64);
    // Without the kept checkpoint the cut is still visible: it took the last
    // session's attestation, so that session's remaining entries are listed
    // as unattested with the user they claim.
    let r = verify(&b.vault_dir, None);
    assert!(r.intact, "{r:?}");
    assert!(
        r.unattested.iter().any(|u| u.first_seq <= (max - 3) as u64),
        "{:?}",
        r.unattested
    );
}

#[test]
fn t5_older_copy_of_the_whole_vault_is_rolled_back() {
    // Keep a copy early, work on, take a checkpoint, then put the copy back.
    let mut w = World::new();
    let id = w.register("內容");
    let mut c = w.login("clerk");
    w.vault.lock(&mut c);
    let dir = tempfile::tempdir().expect("tempdir");
    let old = dir.path().join("old");
    std::fs::create_dir_all(&old).expect("mkdir");
    {
        let db = rusqlite::Connection::open(w.dir().join(sealdesk_store::DB_FILE)).expect("raw");
        db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .expect("checkpoint wal");
        db.execute(
            "VACUUM INTO ?1",
            [old.join(sealdesk_store::DB_FILE).to_str().expect("utf8")],
        )
        .expect("copy");
    }
    let old_max = verify(&old, None).entries;
    for _ in 0..3 {
        let mut c = w.login("clerk");
        w.vault.open_letter(&mut c, &id, "再核對").expect("open");
        w.vault.lock(&mut c);
    }
    let mut s = w.login("auditor");
    let kept = w.vault.ledger_checkpoint(&mut s).expect("kept");
    let r = verify(&old, Some(&kept));
    let d = r.damage.expect("rollback found");
    assert_eq!(
        (d.kind, d.seq),
        (Damage::RolledBack, old_max + 1),
        "{}",
        d.detail
    );
    // Without the kept checkpoint the old copy is self-consistent: that is
    // why auditors keep one off the workstation.
    assert!(verify(&old, None).intact);
}

#[test]
fn t5_checkpoint_from_another_vault_is_a_bad_signature() {
    let b = base();
    let other = base_with_seed(2);
    let r = verify(&b.vault_dir, Some(&other.kept));
    assert_eq!(r.damage.map(|d| d.kind), Some(Damage::BadSignature));
}

// ---------------------------------------------------------------- crash

/// A child appends (opens a letter) in a loop and is killed with SIGKILL at
/// pseudo-random moments, 50 times. After each kill the file passes
/// `PRAGMA integrity_check`, the ledger verifies, and every entry whose
/// append the child reported is there.
/// The sequence numbers of the attestation rows, in order.
fn attestation_seqs(db: &rusqlite::Connection) -> Vec<i64> {
    let mut st = db
        .prepare("SELECT seq, sealed FROM ledger ORDER BY seq")
        .expect("prepare");
    let rows: Vec<(i64, Vec<u8>)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows.into_iter()
        .filter(|(_, sealed)| {
            sealdesk_core::ledger::header(sealed)
                .is_some_and(|h| h.kind == sealdesk_core::ledger::EntryKind::Attestation)
        })
        .map(|(seq, _)| seq)
        .collect()
}

#[test]
fn t5_flipped_attestation_signature_is_a_bad_signature_at_that_entry() {
    let b = base();
    let db = raw_ledger(&b.vault_dir);
    let seq = attestation_seqs(&db)[3];
    let (prev, mut sealed): (Vec<u8>, Vec<u8>) = db
        .query_row(
            "SELECT prev_hash, sealed FROM ledger WHERE seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    // Flip a bit of the signature and recompute this row's hash and every
    // later link, so the chain itself is sound: only the signature is wrong.
    let last = sealed.len() - 1;
    sealed[last] ^= 0x01;
    let prev: [u8; 32] = prev.try_into().expect("32");
    let mut hash = sealdesk_core::ledger::chain_hash(seq as u64, &prev, &sealed);
    db.execute(
        "UPDATE ledger SET sealed = ?2, hash = ?3 WHERE seq = ?1",
        rusqlite::params![seq, sealed, hash.to_vec()],
    )
    .expect("tamper");
    let later: Vec<(i64, Vec<u8>)> = {
        let mut st = db
            .prepare("SELECT seq, sealed FROM ledger WHERE seq > ?1 ORDER BY seq")
            .expect("prepare");
        let rows = st
            .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("q")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows
    };
    for (s, sealed) in later {
        let h = sealdesk_core::ledger::chain_hash(s as u64, &hash, &sealed);
        db.execute(
            "UPDATE ledger SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            rusqlite::params![s, hash.to_vec(), h.to_vec()],
        )
        .expect("relink");
        hash = h;
    }
    let r = verify(&b.vault_dir, None);
    let d = r.damage.expect("damage");
    // The flipped signature, and every later attestation (they signed the
    // old heads), fail; the first bad one is named.
    assert_eq!(
        (d.kind, d.seq),
        (Damage::BadSignature, seq as u64),
        "{}",
        d.detail
    );
}

#[test]
fn t5_a_row_replaced_with_a_consistent_hash_does_not_link() {
    let b = base();
    let db = raw_ledger(&b.vault_dir);
    // Replace entry 10 by other bytes with their own correct hash: entry 10
    // checks out alone, entry 11 no longer links to it.
    let (prev, mut sealed): (Vec<u8>, Vec<u8>) = db
        .query_row(
            "SELECT prev_hash, sealed FROM ledger WHERE seq = 10",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("row");
    let last = sealed.len() - 1;
    sealed[last] ^= 0x01;
    let prev: [u8; 32] = prev.try_into().expect("32");
    let hash = sealdesk_core::ledger::chain_hash(10, &prev, &sealed);
    db.execute(
        "UPDATE ledger SET sealed = ?1, hash = ?2 WHERE seq = 10",
        rusqlite::params![sealed, hash.to_vec()],
    )
    .expect("tamper");
    let r = verify(&b.vault_dir, None);
    let d = r.damage.expect("damage");
    assert_eq!((d.kind, d.seq), (Damage::Edited, 10), "{}", d.detail);
    assert!(d.detail.contains("does not link"), "{}", d.detail);
}

#[test]
fn t5_kept_checkpoint_with_a_flipped_signature_is_refused() {
    let b = base();
    let mut kept = b.kept.clone();
    kept.signature[10] ^= 0x01;
    let r = verify(&b.vault_dir, Some(&kept));
    let d = r.damage.expect("damage");
    assert_eq!(
        (d.kind, d.seq),
        (Damage::BadSignature, kept.seq),
        "{}",
        d.detail
    );
    // The same checkpoint, signed by no account of this vault (its signer
    // key replaced), is refused too.
    let mut other = b.kept.clone();
    other.signer_public_key = [0x42; 32];
    let r = verify(&b.vault_dir, Some(&other));
    assert_eq!(
        r.damage.map(|d| d.kind),
        Some(Damage::BadSignature),
        "an uncertified signer"
    );
}

#[test]
fn t5_sigkill_during_appends_loses_no_acknowledged_entry() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let mut w = World::new();
    let id = w.register("內容");
    let dir = w.dir().to_owned();
    drop(w.vault);
    let appender = crate::example_bin("ledger_appender");
    let mut seed: u64 = 0x5eed;
    let mut acknowledged_total = 0u64;
    let mut all_acked: Vec<(i64, Vec<u8>)> = Vec::new();
    let mut entries_before = verify(&dir, None).entries;
    for kill in 0..50 {
        let mut child = Command::new(&appender)
            .arg(&dir)
            .arg(&id)
            .env("SEALDESK_PASSPHRASE", pass("clerk").expose())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn appender");
        let stdout = child.stdout.take().expect("stdout");
        // Every acknowledged view: the ledger head (seq, hash) the child saw
        // right after its entry was committed.
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| {
                    let mut parts = l.strip_prefix("ok ")?.split(' ');
                    let seq: i64 = parts.next()?.parse().ok()?;
                    let hash = hex::decode(parts.next()?).ok()?;
                    Some((seq, hash))
                })
                .collect::<Vec<(i64, Vec<u8>)>>()
        });
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait_ms = 300 + (seed >> 33) % 900;
        std::thread::sleep(Duration::from_millis(wait_ms));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let acked = reader.join().expect("reader");
        let acknowledged = acked.len() as u64;
        acknowledged_total += acknowledged;
        all_acked.extend(acked);
        let mut v = Vault::open(&dir, Arc::new(ManualClock::at(T0)), seeded_rng(kill))
            .expect("reopens after SIGKILL");
        v.integrity_check().expect("integrity_check after SIGKILL");
        let r = v.ledger_verify(None).expect("verify");
        assert!(r.intact, "kill {kill}: {r:?}");
        assert!(
            r.entries >= entries_before + acknowledged,
            "kill {kill}: {} entries, {} before + {acknowledged} acknowledged",
            r.entries,
            entries_before
        );
        entries_before = r.entries;
        // Not one acknowledged entry lost or changed, in this round or any before.
        // Read from the store itself (the SQLite file or the server), not
        // through the API.
        let db = sealdesk_store::Store::open(&dir).expect("store");
        for (seq, hash) in &all_acked {
            let stored: Vec<u8> = db
                .read(|db| db.ledger_hash_at(*seq))
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("kill {kill}: acknowledged entry {seq} is gone"));
            assert_eq!(
                &stored, hash,
                "kill {kill}: acknowledged entry {seq} changed"
            );
        }
    }
    assert!(
        acknowledged_total > 50,
        "the appender made progress: {acknowledged_total}"
    );
}
