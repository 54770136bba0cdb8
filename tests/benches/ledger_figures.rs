//! Prints the ledger figures the ledger issue asks for, each beside its peer
//! measured in the same run on the same disk:
//! * verifying N entries (default 1,000,000; `LEDGER_BENCH_ENTRIES`) beside
//!   `sha256sum` over the same sealed bytes;
//! * durable append p50/p99 beside a bare SQLite WAL insert+commit of a row
//!   of the same size.
//!
//! `cargo bench -p sealdesk-tests --bench ledger_figures`

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sealdesk_api::{seeded_rng, ManualClock, Vault};
use sealdesk_core::ledger::{chain_hash, seal_entry, EntryBody};
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
        role: Some("handler".into()),
        workstation: "ws-0123456789ab".into(),
        action: "view".into(),
        letter_id: Some("0123456789abcdef0123456789abcdef".into()),
        receipt_no: Some("SD-115-00001".into()),
        level: Some("密".into()),
        reason: Some("辦理 SD-115-00001 陳情案".into()),
        assignment: Some("SD-115-00001".into()),
        outcome: "allowed".into(),
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

    // ---- verify N entries vs sha256sum over the same sealed bytes
    // Fill a fresh vault's ledger with N real sealed entries in one
    // transaction (sealing through the API one commit at a time would take
    // hours); the verifier reads them back through the real store.
    let vdir2 = dir.path().join("vault2");
    let init = Vault::init(
        &vdir2,
        "admin",
        &Passphrase::from("bench-admin-pass"),
        Arc::new(clock),
        seeded_rng(2),
    )
    .expect("init");
    drop(init.vault);
    let db = rusqlite::Connection::open(vdir2.join(sealdesk_store::DB_FILE)).expect("raw");
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
    let reader_pk = sealdesk_core::crypto::UserPublicKey(
        db.query_row(
            "SELECT value FROM meta WHERE key = 'ledger_public_key'",
            [],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .expect("pk")
        .try_into()
        .expect("32"),
    );
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let raw_path = dir.path().join("sealed.bin");
    let mut raw = std::io::BufWriter::new(std::fs::File::create(&raw_path).expect("raw file"));
    let t = Instant::now();
    db.execute_batch("BEGIN").expect("begin");
    {
        let mut st = db
            .prepare("INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (?1, ?2, ?3, ?4)")
            .expect("prep");
        for seq in start_seq + 1..=start_seq + n {
            let sealed = seal_entry(&reader_pk, &body(seq), &mut rng);
            let hash = chain_hash(seq, &prev, &sealed);
            std::io::Write::write_all(&mut raw, &sealed).expect("write raw");
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
    drop(raw);
    drop(db);
    println!(
        "(filled {n} sealed entries in {:.1} s)",
        t.elapsed().as_secs_f64()
    );

    let vault = Vault::open(&vdir2, Arc::new(ManualClock::default()), seeded_rng(3)).expect("open");
    let t = Instant::now();
    let report = vault.ledger_verify(None).expect("verify");
    let verify_time = t.elapsed();
    assert!(report.intact, "{report:?}");
    let t = Instant::now();
    let out = std::process::Command::new("sha256sum")
        .arg(&raw_path)
        .output()
        .expect("sha256sum");
    let sha_time = t.elapsed();
    assert!(out.status.success());
    let bytes = std::fs::metadata(&raw_path).map(|m| m.len()).unwrap_or(0);
    println!(
        "verify {} entries ({:.0} MB sealed): {:.2} s  |  sha256sum over the same bytes: {:.2} s  |  ratio {:.2}x",
        report.entries,
        bytes as f64 / 1e6,
        verify_time.as_secs_f64(),
        sha_time.as_secs_f64(),
        verify_time.as_secs_f64() / sha_time.as_secs_f64()
    );
}
