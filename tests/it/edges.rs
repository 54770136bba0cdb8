//! The smaller edges of the integrity promise (threat rows T6 and T10):
//! throttling under parallel tries, a passphrase change that cannot be
//! rolled back, malformed and oversized rows, and a revoke that does not
//! wait on other desks' reads. Each attack edits the vault file directly.

use std::path::Path;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use sealdesk_api::{seeded_rng, ApiError, Ended, ErrorKind, ManualClock, Vault};
use sealdesk_core::secret::Passphrase;

use crate::{pass, raw, user_id, World, T0};

fn failed_logins(dir: &Path, name: &str) -> i64 {
    raw(dir)
        .query_row(
            "SELECT failed_logins FROM users WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .expect("row")
}

/// Eight desks (eight connections, as eight processes would have) try
/// wrong passphrases at the same moment.
fn parallel_tries(dir: &Path, name: &str) -> (usize, usize) {
    let n = 8;
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let dir = dir.to_owned();
            let name = name.to_owned();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut v = Vault::open(
                    &dir,
                    Arc::new(ManualClock::at(T0)),
                    seeded_rng(100 + i as u64),
                )
                .expect("open");
                barrier.wait();
                v.login(&name, &Passphrase::from("a wrong guess"))
                    .err()
                    .map(|e| e.kind())
            })
        })
        .collect();
    let kinds: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    let bad = kinds
        .iter()
        .filter(|k| **k == Some(ErrorKind::BadCredentials))
        .count();
    let throttled = kinds
        .iter()
        .filter(|k| **k == Some(ErrorKind::Throttled))
        .count();
    assert_eq!(bad + throttled, n, "{kinds:?}");
    (bad, throttled)
}

/// T6: a guesser with the app (or a script on the API) sends wrong
/// passphrases in parallel. Every attempt is decided in one write
/// transaction with the ones before it, so three are tried and the rest
/// wait — for an account and for a name that is no account alike.
#[test]
fn t6_parallel_wrong_passphrases_are_throttled_like_serial_ones() {
    let w = World::new();
    let dir = w.dir().to_owned();
    let _keep = w._dir;
    drop(w.vault);
    let (bad, throttled) = parallel_tries(&dir, "handler");
    assert_eq!((bad, throttled), (3, 5));
    assert_eq!(failed_logins(&dir, "handler"), 3, "each try counted once");
    let (bad, throttled) = parallel_tries(&dir, "nobody-at-all");
    assert_eq!((bad, throttled), (3, 5));
}

/// T10: a writer of the file puts back the sealed key from before the
/// user's passphrase change (to use the old passphrase they learned).
/// The change pinned the new sealed key by a statement the account
/// signed: the old one is refused as `integrity`, even with its right
/// passphrase. An admin reset (a new key pair) clears the pin.
#[test]
fn t10_a_sealed_key_put_back_after_a_passphrase_change_is_refused() {
    let mut w = World::new();
    let dir = w.dir().to_owned();
    let sealed = |dir: &Path| -> Vec<u8> {
        raw(dir)
            .query_row(
                "SELECT sealed_secret_key FROM users WHERE name = 'handler'",
                [],
                |r| r.get(0),
            )
            .expect("sealed")
    };
    let old = sealed(&dir);
    let new_pass = Passphrase::from("the handler's new passphrase 2026");
    let mut h = w.login("handler");
    w.vault
        .change_passphrase(&mut h, &pass("handler"), &new_pass)
        .expect("passwd");
    w.vault.lock(&mut h);
    let new = sealed(&dir);
    assert_ne!(old, new);
    let put = |dir: &Path, key: &[u8]| {
        raw(dir)
            .execute(
                "UPDATE users SET sealed_secret_key = ?1 WHERE name = 'handler'",
                [key],
            )
            .expect("put back");
    };
    put(&dir, &old);
    let mut v = Vault::open(&dir, Arc::new(ManualClock::at(T0)), seeded_rng(7)).expect("open");
    let e = v.login("handler", &pass("handler")).expect_err("refused");
    assert!(matches!(e, ApiError::Integrity(_)), "{e:?}");
    assert!(e.to_string().contains("older copy"), "{e}");
    assert!(matches!(
        v.login("handler", &new_pass),
        Err(ApiError::BadCredentials)
    ));
    put(&dir, &new);
    let mut h = v.login("handler", &new_pass).expect("the real key");
    v.lock(&mut h);
    // An admin reset replaces the key pair: its sealed key logs in.
    let reset_pass = Passphrase::from("reset by the admin 2026-12");
    let mut a = v.login("admin", &pass("admin")).expect("admin");
    v.reset_user(&mut a, "handler", &reset_pass).expect("reset");
    v.lock(&mut a);
    let mut h = v.login("handler", &reset_pass).expect("after reset");
    v.lock(&mut h);
    // …and the key sealed before the reset (the other key pair) does not.
    put(&dir, &new);
    assert!(matches!(
        v.login("handler", &new_pass),
        Err(ApiError::Integrity(_))
    ));
}

/// T10: a sealed key cut to any length no passphrase could open is an
/// altered row: `integrity`, and not counted as a wrong passphrase.
#[test]
fn t10_a_malformed_sealed_key_is_integrity_and_not_counted() {
    let w = World::new();
    let dir = w.dir().to_owned();
    drop(w.vault);
    let good: Vec<u8> = raw(&dir)
        .query_row(
            "SELECT sealed_secret_key FROM users WHERE name = 'handler'",
            [],
            |r| r.get(0),
        )
        .expect("sealed");
    for cut in [0, 1, 40, good.len() - 1] {
        raw(&dir)
            .execute(
                "UPDATE users SET sealed_secret_key = ?1 WHERE name = 'handler'",
                [&good[..cut]],
            )
            .expect("cut");
        let mut v = Vault::open(&dir, Arc::new(ManualClock::at(T0)), seeded_rng(8)).expect("open");
        let e = v.login("handler", &pass("handler")).expect_err("refused");
        assert!(matches!(e, ApiError::Integrity(_)), "cut {cut}: {e:?}");
    }
    assert_eq!(failed_logins(&dir, "handler"), 0);
}

fn probe(dir: &Path, user: &str) -> serde_json::Value {
    let out = std::process::Command::new(crate::example_bin("login_probe"))
        .arg(dir)
        .arg(user)
        .env("SEALDESK_PASSPHRASE", pass(user).expose())
        .output()
        .expect("run probe");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "probe output: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// T10: one oversized row — a 300 MB ledger entry, or a 200 MB users
/// column — is refused as `integrity` from its length, before it is read:
/// a fresh desk's login ends in bounded time and memory (measured in a
/// child process, beside an honest login on the same vault).
#[test]
fn t10_an_oversized_row_is_refused_in_bounded_time_and_memory() {
    let mut w = World::new();
    w.register("內容");
    let dir = w.dir().to_owned();
    drop(w.vault);
    let honest = probe(&dir, "clerk");
    assert_eq!(honest["outcome"], "ok", "{honest}");
    let base = honest["peak_rss_kib"].as_u64().expect("rss");
    let db = crate::raw_ledger(&dir);
    let mid: i64 = db
        .query_row("SELECT max(seq) / 2 FROM ledger", [], |r| r.get(0))
        .expect("mid");
    db.execute(
        "UPDATE ledger SET sealed = zeroblob(300 * 1024 * 1024) WHERE seq = ?1",
        [mid],
    )
    .expect("plant");
    let r = probe(&dir, "clerk");
    assert_eq!(r["outcome"], "integrity", "{r}");
    assert!(
        r["detail"]
            .as_str()
            .is_some_and(|d| d.contains(&format!("ledger entry {mid}"))),
        "{r}"
    );
    assert!(r["ms"].as_u64().expect("ms") < 20_000, "{r}");
    let rss = r["peak_rss_kib"].as_u64().expect("rss");
    eprintln!(
        "a 300 MB ledger row: {} ms, peak {rss} KiB | honest login: {} ms, peak {base} KiB",
        r["ms"], honest["ms"]
    );
    assert!(
        rss < base + 32 * 1024,
        "peak {rss} KiB vs honest {base} KiB"
    );
    db.execute("UPDATE ledger SET sealed = x'00' WHERE seq = ?1", [mid])
        .expect("shrink");
    drop(db);
    // A users column far over any value Sealdesk writes.
    raw(&dir)
        .execute_batch(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE users SET public_key = zeroblob(200 * 1024 * 1024) WHERE name = 'clerk';",
        )
        .expect("plant");
    let r = probe(&dir, "clerk");
    assert_eq!(r["outcome"], "integrity", "{r}");
    let rss = r["peak_rss_kib"].as_u64().expect("rss");
    assert!(
        rss < base + 32 * 1024,
        "peak {rss} KiB vs honest {base} KiB"
    );
}

/// T1/T6: a supervisor revokes while another desk holds a read open on the
/// vault. The revoke returns within a bounded wait and says the wrap's old
/// bytes wait for the next checkpoint; when the reader is done, this desk's
/// next write empties the WAL, and the wrap is nowhere in the files.
#[test]
fn t1_t6_revoke_waits_a_bounded_time_for_readers_then_wipes_later() {
    let mut w = World::new();
    let letter = w.register("內容");
    let mut clerk = w.login("clerk");
    let req = w
        .vault
        .route(&mut clerk, &letter, "稅務管理科", "handler", None, "請辦理")
        .expect("route");
    w.vault.lock(&mut clerk);
    let mut sup = w.login("supervisor");
    let a = w.vault.approve(&mut sup, &req.id, "同意").expect("approve");
    let dir = w.dir().to_owned();
    let handler = user_id(&raw(&dir), "handler");
    let wraps: Vec<Vec<u8>> = raw(&dir)
        .prepare("SELECT wrapped FROM key_wraps WHERE recipient = ?1")
        .expect("prep")
        .query_map([&handler], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("wraps");
    assert!(!wraps.is_empty());
    // Another desk's long read.
    let reader = raw(&dir);
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM ledger", [], |r| r.get(0))
        .expect("read");
    let t = Instant::now();
    let revoked = w.vault.revoke(&mut sup, &a.id, "不再需要").expect("revoke");
    let waited = t.elapsed();
    assert!(waited < Duration::from_secs(20), "waited {waited:?}");
    assert_eq!(revoked.ended, Some(Ended::Revoked));
    assert!(
        revoked
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("next checkpoint")),
        "{revoked:?}"
    );
    let wal = dir.join(format!("{}-wal", sealdesk_store::DB_FILE));
    let in_files = |wrap: &[u8]| {
        let mut files = std::fs::read(dir.join(sealdesk_store::DB_FILE)).expect("db");
        files.extend(std::fs::read(&wal).unwrap_or_default());
        files.windows(wrap.len()).any(|x| x == wrap)
    };
    assert!(
        wraps.iter().any(|w| in_files(w)),
        "while the reader holds the WAL, the old bytes are there (as the notice says)"
    );
    reader.execute_batch("COMMIT").expect("end read");
    drop(reader);
    let left: i64 = raw(&dir)
        .query_row(
            "SELECT count(*) FROM key_wraps WHERE recipient = ?1",
            [&handler],
            |r| r.get(0),
        )
        .expect("left");
    assert_eq!(left, 0, "the handler holds no wrap after the revoke");
    // This desk's next write (the lock) runs the checkpoint it owes.
    w.vault.lock(&mut sup);
    for wrap in &wraps {
        assert!(!in_files(wrap), "a revoked wrap is still in the files");
    }
}
