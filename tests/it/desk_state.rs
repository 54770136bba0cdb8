//! A desk's verified state (threat rows T5 and T10): each account's desk
//! keeps the fold it last verified, sealed to that account, beside its
//! witness; a login verifies only the entries appended since. A writer of
//! the desk's folder or of the vault file cannot make a desk start from a
//! state it did not verify itself.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sealdesk_api::{seeded_rng, ManualClock, Vault};
use sealdesk_core::ledger::{self, EntryKind};

use crate::{pass, raw_ledger, user_id, World, T0};

/// Another process on this desk opening the vault.
fn desk(dir: &Path, witness: &Path, seed: u64) -> Vault {
    let mut v = Vault::open(dir, Arc::new(ManualClock::at(T0)), seeded_rng(seed)).expect("open");
    v.set_witness_dir(Some(witness.to_path_buf()));
    v
}

fn head(dir: &Path) -> u64 {
    raw_ledger(dir)
        .query_row("SELECT max(seq) FROM ledger", [], |r| r.get::<_, i64>(0))
        .map(|s| u64::try_from(s).expect("seq"))
        .expect("head")
}

fn state_file(dir: &Path, witness: &Path, name: &str) -> PathBuf {
    let db = raw_ledger(dir);
    let genesis: serde_json::Value = serde_json::from_slice(
        &db.query_row("SELECT value FROM meta WHERE key = 'genesis'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .expect("genesis"),
    )
    .expect("json");
    witness
        .join(genesis["vault_id"].as_str().expect("vault id"))
        .join(format!("{}.state", user_id(&db, name)))
}

/// A login verifies only what is new since this account's desk last
/// verified; a state the account did not seal — another account's, an
/// altered one, one whose head the ledger no longer holds — is ignored and
/// the desk verifies from genesis (T10: the desk's folder is writable by
/// others; T5: the ledger cut back).
#[test]
fn t5_t10_a_login_verifies_only_what_is_new_and_only_from_its_own_state() {
    let wtmp = tempfile::tempdir().expect("witness dir");
    let wdir = wtmp.path().to_owned();
    let mut w = World::new();
    let dir = w.dir().to_owned();
    w.vault.set_witness_dir(Some(wdir.clone()));
    let mut c = w.login("clerk");
    let letter = w.register_as(&mut c, "檢舉內容");
    w.vault.lock(&mut c);
    let clerk_state = state_file(&dir, &wdir, "clerk");
    assert!(clerk_state.exists(), "the lock keeps the desk's state");
    let bytes = std::fs::read(&clerk_state).expect("state");
    assert!(
        !bytes.windows(5).any(|x| x == b"clerk") && !bytes.windows(3).any(|x| x == b"SD-"),
        "the state is sealed, not in clear"
    );

    // The clerk's next login, in another process: nothing new to verify.
    let mut v = desk(&dir, &wdir, 2);
    let mut c = v.login("clerk", &pass("clerk")).expect("login");
    assert_eq!(c.entries_verified_at_login(), 0);
    v.lock(&mut c);
    // The admin has no state on this desk yet: everything.
    let before_admin = head(&dir);
    let mut v = desk(&dir, &wdir, 3);
    let mut a = v.login("admin", &pass("admin")).expect("login");
    assert_eq!(a.entries_verified_at_login(), before_admin);
    v.set_idle_timeout(&mut a, 1200).expect("setting");
    v.lock(&mut a);
    // The clerk's desk verifies exactly what the admin appended.
    let mut v = desk(&dir, &wdir, 4);
    let mut c = v.login("clerk", &pass("clerk")).expect("login");
    assert_eq!(c.entries_verified_at_login(), head(&dir) - before_admin - 1);
    assert_eq!(v.idle_timeout_secs().expect("setting"), 1200);
    v.lock(&mut c);

    // Another account's sealed state, put in the clerk's place: ignored.
    let admin_state = state_file(&dir, &wdir, "admin");
    std::fs::copy(&admin_state, &clerk_state).expect("copy");
    let mut v = desk(&dir, &wdir, 5);
    let all = head(&dir);
    let mut c = v.login("clerk", &pass("clerk")).expect("login");
    assert_eq!(c.entries_verified_at_login(), all, "verified from genesis");
    v.lock(&mut c);
    // An altered one, or one too large to be a state: ignored.
    let mut x = std::fs::read(&clerk_state).expect("state");
    let mid = x.len() / 2;
    x[mid] ^= 1;
    std::fs::write(&clerk_state, &x).expect("alter");
    let mut v = desk(&dir, &wdir, 6);
    let all = head(&dir);
    let mut c = v.login("clerk", &pass("clerk")).expect("login");
    assert_eq!(c.entries_verified_at_login(), all);
    v.lock(&mut c);
    std::fs::File::create(&clerk_state)
        .and_then(|f| f.set_len((256 << 20) + 1))
        .expect("sparse file");
    let mut v = desk(&dir, &wdir, 7);
    let all = head(&dir);
    let mut c = v.login("clerk", &pass("clerk")).expect("login");
    assert_eq!(c.entries_verified_at_login(), all);
    v.lock(&mut c);
    assert!(
        std::fs::metadata(&clerk_state).expect("state").len() < 1 << 20,
        "replaced by the state this login verified"
    );

    // A row edited behind the state's head (its hash column left as it
    // was): the desk goes on from what it verified — the letter's signed
    // 密等 — and the auditor's full verification names the edit.
    let db = raw_ledger(&dir);
    let (seq, sealed): (i64, Vec<u8>) = db
        .prepare("SELECT seq, sealed FROM ledger ORDER BY seq")
        .expect("prep")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("q")
        .map(|r| r.expect("row"))
        .find(|(_, s): &(i64, Vec<u8>)| {
            ledger::header(s).map(|h| h.kind) == Some(EntryKind::Fact)
                && s.windows(letter.len()).any(|x| x == letter.as_bytes())
        })
        .expect("the letter's registration");
    let text = String::from_utf8_lossy(&sealed).into_owned();
    assert!(text.contains(r#""level":"密""#), "{text}");
    let mut edited = sealed.clone();
    let at = edited
        .windows(r#""level":"密""#.len())
        .position(|x| x == r#""level":"密""#.as_bytes())
        .expect("level");
    edited.splice(
        at..at + r#""level":"密""#.len(),
        r#""level":"普"  "#.bytes(),
    );
    db.execute(
        "UPDATE ledger SET sealed = ?1 WHERE seq = ?2",
        rusqlite::params![edited, seq],
    )
    .expect("edit");
    let mut v = desk(&dir, &wdir, 8);
    let mut c = v.login("clerk", &pass("clerk")).expect("login from state");
    let lines = v.list_letters(&mut c).expect("letters");
    let line = lines.iter().find(|l| l.id == letter).expect("listed");
    assert_eq!(line.level, "密", "the signed level, not the edited row");
    v.lock(&mut c);
    let r = desk(&dir, &wdir, 9)
        .ledger_verify(None)
        .expect("verify")
        .report;
    let d = r.damage.expect("damage named");
    assert_eq!(d.seq, u64::try_from(seq).expect("seq"), "{}", d.detail);
    // A desk without a state of its own verifies from genesis: refused.
    let mut fresh = Vault::open(&dir, Arc::new(ManualClock::at(T0)), seeded_rng(10)).expect("open");
    let e = fresh
        .login("handler", &pass("handler"))
        .expect_err("damaged");
    assert!(matches!(e, sealdesk_api::ApiError::Integrity(_)), "{e:?}");

    // The ledger cut back below the state's head: the state is ignored,
    // the desk verifies what is left from genesis and its witness warns.
    db.execute(
        "UPDATE ledger SET sealed = ?1 WHERE seq = ?2",
        rusqlite::params![sealed, seq],
    )
    .expect("restore");
    let cut = head(&dir) - 3;
    db.execute(
        "DELETE FROM ledger WHERE seq > ?1",
        [i64::try_from(cut).expect("seq")],
    )
    .expect("cut");
    let mut v = desk(&dir, &wdir, 11);
    let c = v.login("clerk", &pass("clerk")).expect("login");
    assert_eq!(c.entries_verified_at_login(), cut);
    assert!(!c.warnings().is_empty(), "the witness warns of the cut");
}
