//! Prints the ledger figures the ledger issue asks for, each beside its peer
//! measured in the same run on the same disk:
//! * fully verifying N entries (default 1,000,000; `LEDGER_BENCH_ENTRIES`) —
//!   the chain, the directory and every attestation signature — beside
//!   `sha256sum` over the same sealed bytes, at three attestation densities;
//! * durable append p50/p99 beside a bare SQLite WAL insert+commit of a row
//!   of the same size.
//!
//! `cargo bench -p sealdesk-tests --bench ledger_figures`

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sealdesk_api::{seeded_rng, ManualClock, Vault};
use sealdesk_core::ledger::{chain_hash, EntryBody};
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn body(seq: u64) -> EntryBody {
    EntryBody {
        seq,
        at: 1_795_741_200_000 + seq as i64,
        user: "handler".into(),
        role: Some("handler".parse().expect("a role")),
        workstation: "ws-0123456789ab".into(),
        action: "view".parse().expect("an action"),
        letter_id: Some("0123456789abcdef0123456789abcdef".into()),
        receipt_no: Some("SD-115-00001".into()),
        level: Some("密".into()),
        reason: Some("辦理 SD-115-00001 陳情案".into()),
        assignment: Some("fedcba9876543210fedcba9876543210".into()),
        outcome: "allowed".parse().expect("an outcome"),
        detail: None,
    }
}

fn main() {
    let n: u64 = std::env::var("LEDGER_BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let vdir = dir.path().join("vault");
    let clock = ManualClock::at(Timestamp::from_unix_secs(1_795_741_200));
    let init = Vault::init(
        &vdir,
        "admin",
        &Passphrase::from("bench-admin-pass"),
        Arc::new(clock.clone()),
        seeded_rng(1),
    )
    .expect("init");
    let mut vault = init.vault;

    // ---- durable append vs bare SQLite insert+commit
    let mut s = vault
        .login("admin", &Passphrase::from("bench-admin-pass"))
        .expect("login");
    let rounds = 2000;
    let mut appends = vault.bench_record(&mut s, rounds).expect("append");
    let sample_len = {
        let mut len = 0;
        let db = rusqlite::Connection::open(vdir.join(sealdesk_store::DB_FILE)).expect("raw");
        db.query_row(
            "SELECT length(sealed) FROM ledger ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map(|l| len = l as usize)
        .expect("len");
        len
    };
    let bare = rusqlite::Connection::open(dir.path().join("bare.sqlite")).expect("bare");
    bare.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE t (seq INTEGER PRIMARY KEY, prev_hash BLOB, sealed BLOB, hash BLOB);",
    )
    .expect("bare schema");
    let row = vec![0x5au8; sample_len];
    let mut bare_times = Vec::with_capacity(rounds);
    for i in 0..rounds {
        let t = Instant::now();
        bare.execute_batch("BEGIN IMMEDIATE").expect("begin");
        bare.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![i as i64 + 1, [0u8; 32].to_vec(), row, [1u8; 32].to_vec()],
        )
        .expect("insert");
        bare.execute_batch("COMMIT").expect("commit");
        bare_times.push(t.elapsed());
    }
    appends.sort();
    bare_times.sort();
    let (a50, a99, b50, b99) = (
        pct(&appends, 0.5),
        pct(&appends, 0.99),
        pct(&bare_times, 0.5),
        pct(&bare_times, 0.99),
    );
    println!(
        "durable append ({} B sealed): p50 {:.3} ms  p99 {:.3} ms  |  bare SQLite WAL insert+commit: p50 {:.3} ms  p99 {:.3} ms  |  ratio p50 {:.2}x  p99 {:.2}x",
        sample_len,
        a50.as_secs_f64() * 1e3,
        a99.as_secs_f64() * 1e3,
        b50.as_secs_f64() * 1e3,
        b99.as_secs_f64() * 1e3,
        a50.as_secs_f64() / b50.as_secs_f64(),
        a99.as_secs_f64() / b99.as_secs_f64()
    );
    vault.lock(&mut s);
    drop(vault);

    // ---- verify N entries (chain, directory and every attestation) vs
    // sha256sum over the same sealed bytes, for three attestation densities:
    // one attestation per 64 events (a long app session: the design), per 8
    // (CLI-sized sessions), and per event (the per-entry-signature design,
    // measured on a tenth of N and scaled).
    for (per, count) in [(64u64, n), (8, n), (1, n / 10)] {
        verify_figure(dir.path(), &clock, per, count);
    }

    // ---- a desk's login at 1,000 and at N entries: it verifies only what
    // is new since its sealed state.
    let small = login_figure(dir.path(), &clock, 1000);
    let big = login_figure(dir.path(), &clock, n);
    println!(
        "next login at {n} entries vs at 1000: {:.3} s vs {:.3} s  |  ratio {:.2}x",
        big.as_secs_f64(),
        small.as_secs_f64(),
        big.as_secs_f64() / small.as_secs_f64()
    );
}

/// Appends `n` entries to a vault's ledger the way busy desks would: the
/// admin's sessions, one attestation per `per` events, each signed with
/// the admin's real key. Writes the sealed bytes to `raw` too, when given.
/// Returns how many attestations it wrote.
fn append_signed(vdir: &std::path::Path, per: u64, n: u64, raw: Option<&std::path::Path>) -> u64 {
    use sealdesk_core::crypto::{self, USER_SIGNING_LABEL};
    use sealdesk_core::ledger::Attestation;

    let db = rusqlite::Connection::open(vdir.join(sealdesk_store::DB_FILE)).expect("raw");
    // The admin's own key, as its desk holds it after login: its attestation
    // key signs the sessions below.
    let (uid, sealed_key): (String, Vec<u8>) = db
        .query_row(
            "SELECT id, sealed_secret_key FROM users WHERE name = 'admin'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("admin row");
    let own =
        crypto::open_user_secret_key(&sealed_key, &Passphrase::from("bench-admin-pass"), &uid)
            .expect("admin key")
            .key;
    let signing = own.derive_signing_key(USER_SIGNING_LABEL);
    let actor: [u8; 16] = hex::decode(&uid).expect("hex").try_into().expect("16");
    let genesis: serde_json::Value = serde_json::from_slice(
        &db.query_row("SELECT value FROM meta WHERE key = 'genesis'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .expect("genesis"),
    )
    .expect("json");
    let vault_id: [u8; 16] = hex::decode(genesis["vault_id"].as_str().expect("id"))
        .expect("hex")
        .try_into()
        .expect("16");
    let reader_pk = crypto::UserPublicKey(
        hex::decode(genesis["ledger_public_key"].as_str().expect("pk"))
            .expect("hex")
            .try_into()
            .expect("32"),
    );
    let start_seq: u64 = db
        .query_row("SELECT max(seq) FROM ledger", [], |r| r.get::<_, i64>(0))
        .expect("max") as u64;
    let mut prev: [u8; 32] = db
        .query_row(
            "SELECT hash FROM ledger WHERE seq = ?1",
            [start_seq as i64],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .expect("head")
        .try_into()
        .expect("32");
    let mut rng = ChaCha20Rng::seed_from_u64(7 + start_seq);
    let wrapper = crypto::Wrapper::make(&reader_pk, &mut rng);
    let mut raw = raw.map(|p| std::io::BufWriter::new(std::fs::File::create(p).expect("raw file")));
    db.execute_batch("BEGIN").expect("begin");
    let mut attestations = 0u64;
    {
        let mut st = db
            .prepare("INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (?1, ?2, ?3, ?4)")
            .expect("prep");
        let mut seq = start_seq;
        let mut session = [0u8; 16];
        session[8..].copy_from_slice(&start_seq.to_be_bytes());
        let mut mine: Vec<u64> = Vec::new();
        while seq < start_seq + n {
            seq += 1;
            let sealed = if mine.len() as u64 == per {
                attestations += 1;
                let att = Attestation {
                    seq,
                    prev_hash: prev,
                    actor,
                    session,
                    at: 1_795_741_200_000,
                    seqs: std::mem::take(&mut mine),
                };
                session[..8].copy_from_slice(&seq.to_be_bytes());
                att.seal(&signing, &vault_id)
            } else {
                mine.push(seq);
                sealdesk_core::ledger::seal_event(&wrapper, actor, session, &body(seq), &mut rng)
            };
            let hash = chain_hash(seq, &prev, &sealed);
            if let Some(raw) = raw.as_mut() {
                std::io::Write::write_all(raw, &sealed).expect("write raw");
            }
            st.execute(rusqlite::params![
                seq as i64,
                prev.to_vec(),
                sealed,
                hash.to_vec()
            ])
            .expect("insert");
            prev = hash;
        }
    }
    db.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("commit");
    attestations
}

fn new_vault(vdir: &std::path::Path, clock: &ManualClock) {
    let init = Vault::init(
        vdir,
        "admin",
        &Passphrase::from("bench-admin-pass"),
        Arc::new(clock.clone()),
        seeded_rng(2),
    )
    .expect("init");
    drop(init.vault);
}

/// A desk's login in a new process, with its witness folder: the Argon2id
/// unlock and whatever verification the desk still owes.
fn timed_login(vdir: &std::path::Path, witness: &std::path::Path, seed: u64) -> (Duration, u64) {
    let mut desk =
        Vault::open(vdir, Arc::new(ManualClock::default()), seeded_rng(seed)).expect("open");
    desk.set_witness_dir(Some(witness.to_path_buf()));
    let t = Instant::now();
    let mut s = desk
        .login("admin", &Passphrase::from("bench-admin-pass"))
        .expect("login");
    let took = t.elapsed();
    let verified = s.entries_verified_at_login();
    desk.lock(&mut s);
    (took, verified)
}

/// Login at `n` entries: the desk's first login (verifies all), then, after
/// other desks appended 1,000 entries, its next login. Returns the next
/// login's time.
fn login_figure(root: &std::path::Path, clock: &ManualClock, n: u64) -> Duration {
    let vdir = root.join(format!("login-{n}"));
    let witness = root.join(format!("witness-{n}"));
    new_vault(&vdir, clock);
    append_signed(&vdir, 64, n, None);
    let (first, all) = timed_login(&vdir, &witness, 5);
    append_signed(&vdir, 64, 1000, None);
    let (next, new) = timed_login(&vdir, &witness, 6);
    println!(
        "login at {n} entries: first on this desk {:.3} s (verified {all}) | next, after 1000 appended by others {:.3} s (verified {new})",
        first.as_secs_f64(),
        next.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&vdir);
    let _ = std::fs::remove_dir_all(&witness);
    next
}

fn verify_figure(root: &std::path::Path, clock: &ManualClock, per: u64, n: u64) {
    let vdir = root.join(format!("vault-{per}"));
    new_vault(&vdir, clock);
    let raw_path = root.join(format!("sealed-{per}.bin"));
    let t = Instant::now();
    let attestations = append_signed(&vdir, per, n, Some(&raw_path));
    println!(
        "(one attestation per {per} event(s): filled {n} entries, {attestations} attestations, in {:.1} s)",
        t.elapsed().as_secs_f64()
    );

    let mut vault =
        Vault::open(&vdir, Arc::new(ManualClock::default()), seeded_rng(3)).expect("open");
    let t = Instant::now();
    let report = vault.ledger_verify(None).expect("verify");
    let verify_time = t.elapsed();
    assert!(report.intact, "{report:?}");
    assert!(report.checkpoints_verified >= attestations);
    let t = Instant::now();
    let out = std::process::Command::new("sha256sum")
        .arg(&raw_path)
        .output()
        .expect("sha256sum");
    let sha_time = t.elapsed();
    assert!(out.status.success());
    let bytes = std::fs::metadata(&raw_path).map(|m| m.len()).unwrap_or(0);
    println!(
        "full verify of {} entries (chain + {} attestation signatures, 1 per {per}; {:.0} MB sealed): {:.2} s  |  sha256sum over the same bytes: {:.2} s  |  ratio {:.2}x",
        report.entries,
        report.checkpoints_verified,
        bytes as f64 / 1e6,
        verify_time.as_secs_f64(),
        sha_time.as_secs_f64(),
        verify_time.as_secs_f64() / sha_time.as_secs_f64()
    );
    // A desk's first login verifies the same history (chain, statements,
    // attestations) before it lets anyone work; Argon2id is part of it.
    let mut desk =
        Vault::open(&vdir, Arc::new(ManualClock::default()), seeded_rng(4)).expect("open");
    let t = Instant::now();
    let mut s = desk
        .login("admin", &Passphrase::from("bench-admin-pass"))
        .expect("login");
    println!(
        "first login on that vault (Argon2id unlock + full verification from genesis): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    desk.lock(&mut s);
    let _ = std::fs::remove_file(&raw_path);
    let _ = std::fs::remove_dir_all(&vdir);
}
