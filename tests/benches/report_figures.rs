//! Prints the 政風 report's figures beside its peer in the same run, on the
//! same vault: `sealdesk audit report` over N lookups (default 1,000,000;
//! `REPORT_BENCH_ENTRIES`) by 30 handlers, each in their own attested
//! sessions and tied to a live assignment, beside `sealdesk ledger export`
//! of the same ledger — wall time and peak memory of each process
//! (`/usr/bin/time`).
//!
//! `cargo build --release -p sealdesk-cli && cargo bench -p sealdesk-tests --bench report_figures`
//!
//! The lookups span 60 days, not a year: an access lasts at most 90 days,
//! and lookups outside a live assignment would be flagged one by one (a
//! defect, not a workload).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sealdesk_api::{
    seeded_rng, Category, ManualClock, NewTypedLetter, NewUser, Role, Secrecy, Vault,
};
use sealdesk_core::crypto::{self, USER_SIGNING_LABEL};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::ledger::{chain_hash, Attestation, EntryBody};
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;

const UNITS: [&str; 3] = ["稅務管理科", "地價稅科", "房屋稅科"];
/// 2026-09-01 09:00 Taiwan.
const T0: i64 = 1_788_224_400;
const DAY_MS: i64 = 86_400_000;

fn pass(name: &str) -> Passphrase {
    Passphrase::new(format!("bench-{name}-pass"))
}

fn cli() -> PathBuf {
    let exe = std::env::current_exe().expect("exe");
    let target = exe
        .ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .expect("target dir")
        .to_path_buf();
    for profile in ["release", "debug"] {
        let bin = target.join(profile).join("sealdesk");
        if bin.is_file() {
            return bin;
        }
    }
    panic!("build the CLI first: cargo build --release -p sealdesk-cli");
}

/// One handler as the bench appends for them: their certified id, signing
/// key, letter and assignment.
struct Desk {
    name: String,
    id: [u8; 16],
    signing: sealdesk_core::crypto::SigningKey,
    letter: String,
    receipt: String,
    assignment: String,
}

fn main() {
    let n: u64 = std::env::var("REPORT_BENCH_ENTRIES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let vdir = dir.path().join("vault");
    let clock = ManualClock::at(Timestamp::from_unix_secs(T0 - 86_400));
    let init = Vault::init(
        &vdir,
        "admin",
        &pass("admin"),
        Arc::new(clock.clone()),
        seeded_rng(1),
    )
    .expect("init");
    let mut v = init.vault;
    let code = init.recovery_code.to_printable().to_string();
    let mut admin = v.login("admin", &pass("admin")).expect("admin");
    v.set_max_access_days(&mut admin, 90).expect("limit");
    let mut add = |v: &mut Vault, name: &str, role: Role, unit: Option<&str>| {
        v.add_user(
            &mut admin,
            &NewUser {
                name: name.into(),
                roles: RoleSet::new([role]).expect("roles"),
                unit: unit.map(Into::into),
                passphrase: pass(name),
            },
        )
        .expect("add user");
    };
    add(&mut v, "clerk", Role::Clerk, Some("秘書室"));
    add(&mut v, "auditor", Role::Auditor, Some("政風室"));
    for u in UNITS {
        add(&mut v, &format!("sup-{u}"), Role::Supervisor, Some(u));
    }
    let handlers: Vec<(String, &str)> = (0..30)
        .map(|i| (format!("h{i:02}"), UNITS[i % 3]))
        .collect();
    for (h, u) in &handlers {
        add(&mut v, h, Role::Handler, Some(u));
    }
    let rc = sealdesk_core::crypto::RecoveryCode::parse(&code).expect("code");
    v.recover_grant_ledger(&rc, "auditor").expect("ledger key");
    // One letter each, routed and approved for 70 days.
    let mut clerk = v.login("clerk", &pass("clerk")).expect("clerk");
    let mut desks = Vec::new();
    let db = rusqlite::Connection::open(vdir.join(sealdesk_store::DB_FILE)).expect("raw");
    for (h, u) in &handlers {
        let l = v
            .register_typed_letter(
                &mut clerk,
                &NewTypedLetter {
                    subject: format!("代號:{h}案"),
                    body: "陳情道路坑洞未修補，請派員查處。".into(),
                    category: Category::Petition,
                    secrecy: Secrecy::Condition("結案後解密".into()),
                },
            )
            .expect("register");
        let until = sealdesk_core::date::taiwan_date((T0 + 70 * 86_400) * 1000).to_string();
        let req = v
            .route(&mut clerk, &l.id, u, h, Some(&until), "請查處")
            .expect("route");
        let mut sup = v
            .login(&format!("sup-{u}"), &pass(&format!("sup-{u}")))
            .expect("supervisor");
        let a = v.approve(&mut sup, &req.id, "同意").expect("approve");
        v.lock(&mut sup);
        let (uid, sealed): (String, Vec<u8>) = db
            .query_row(
                "SELECT id, sealed_secret_key FROM users WHERE name = ?1",
                [h],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("user row");
        let own = crypto::open_user_secret_key(&sealed, &pass(h), &uid)
            .expect("own key")
            .key;
        desks.push(Desk {
            name: h.clone(),
            id: hex::decode(&uid).expect("hex").try_into().expect("16"),
            signing: own.derive_signing_key(USER_SIGNING_LABEL),
            letter: l.id.clone(),
            receipt: l.receipt_no.clone(),
            assignment: a.id.clone(),
        });
    }
    v.lock(&mut clerk);
    v.lock(&mut admin);
    drop(v);

    let t = Instant::now();
    append_lookups(&vdir, &db, &desks, n);
    println!(
        "(filled {n} lookups by 30 handlers in attested sessions of 64, over 60 days, in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    drop(db);

    // A first login on this desk verifies the whole ledger once; both runs
    // below start from that, as an auditor's desk would.
    let witness = dir.path().join("witness");
    let run = |args: &[&str]| -> (f64, f64, String) {
        let out = Command::new("/usr/bin/time")
            .args(["-f", "%e %M"])
            .arg(cli())
            .arg("--vault")
            .arg(&vdir)
            .args(["--user", "auditor", "--json"])
            .args(args)
            .env("SEALDESK_PASSPHRASE", "bench-auditor-pass")
            .env("SEALDESK_WITNESS_DIR", &witness)
            .output()
            .expect("run the CLI");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{args:?}: {err}");
        let last = err.lines().last().unwrap_or_default().to_owned();
        let mut it = last.split_whitespace();
        let secs: f64 = it.next().and_then(|s| s.parse().ok()).expect("seconds");
        let kib: f64 = it.next().and_then(|s| s.parse().ok()).expect("max RSS");
        (
            secs,
            kib / 1024.0,
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (warm, _, _) = run(&["whoami"]);
    println!("(the auditor's first login on this desk, verifying the ledger: {warm:.1} s)");
    let (e_s, e_mb, _) = run(&[
        "ledger",
        "export",
        "--out",
        &dir.path().join("export").display().to_string(),
    ]);
    let (r_s, r_mb, out) = run(&[
        "audit",
        "report",
        "--from",
        "2026-09-01",
        "--to",
        "2026-10-31",
        "--seed",
        "1",
        "--out",
        &dir.path().join("report").display().to_string(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("report JSON");
    assert!(
        report["lookups"].as_u64().unwrap_or(0) >= n,
        "{}",
        report["lookups"]
    );
    println!(
        "audit report over {} lookups: {r_s:.1} s, peak {r_mb:.0} MB  |  ledger export of the same ledger: {e_s:.1} s, peak {e_mb:.0} MB  |  ratio {:.2}x time, {:.2}x memory  ({} flags)",
        report["lookups"],
        r_s / e_s,
        r_mb / e_mb,
        report["findings"]["flags"].as_array().map_or(0, Vec::len)
    );
}

/// Appends `n` view entries round-robin over the desks, each desk's in
/// sessions of 64 closed by that desk's own attestation, timed across 60
/// days of office hours.
fn append_lookups(vdir: &Path, db: &rusqlite::Connection, desks: &[Desk], n: u64) {
    let _ = vdir;
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
    let mut seq: u64 = db
        .query_row("SELECT max(seq) FROM ledger", [], |r| r.get::<_, i64>(0))
        .expect("max") as u64;
    let mut prev: [u8; 32] = db
        .query_row(
            "SELECT hash FROM ledger WHERE seq = ?1",
            [seq as i64],
            |r| r.get::<_, Vec<u8>>(0),
        )
        .expect("head")
        .try_into()
        .expect("32");
    let mut rng = ChaCha20Rng::seed_from_u64(11);
    let wrapper = crypto::Wrapper::make(&reader_pk, &mut rng);
    db.execute_batch("BEGIN").expect("begin");
    let mut st = db
        .prepare("INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (?1, ?2, ?3, ?4)")
        .expect("prep");
    let start = T0 * 1000 + DAY_MS;
    let span = 60 * DAY_MS;
    let mut written = 0u64;
    let mut k = 0usize;
    let mut put = |seq: u64, sealed: Vec<u8>, prev: &mut [u8; 32]| {
        let hash = chain_hash(seq, prev, &sealed);
        st.execute(rusqlite::params![
            seq as i64,
            prev.to_vec(),
            sealed,
            hash.to_vec()
        ])
        .expect("insert");
        *prev = hash;
    };
    while written < n {
        let d = &desks[k % desks.len()];
        k += 1;
        let mut session = [0u8; 16];
        session[..8].copy_from_slice(&(k as u64).to_be_bytes());
        let mut mine = Vec::with_capacity(64);
        for _ in 0..64.min(n - written) {
            seq += 1;
            written += 1;
            // Spread over the span, within office hours (09:00–17:00).
            let day = ((written - 1) as i64 * span / n as i64) / DAY_MS;
            let within = (written as i64 * 7919) % (8 * 3_600_000);
            let at = start + day * DAY_MS + within;
            let body = EntryBody {
                seq,
                at,
                user: d.name.clone(),
                role: Some(Role::Handler),
                workstation: "ws-0123456789ab".into(),
                action: sealdesk_core::ledger::Action::View,
                letter_id: Some(d.letter.clone()),
                receipt_no: Some(d.receipt.clone()),
                level: Some("密".into()),
                reason: Some(format!("辦理 {} 第{}次", d.receipt, written / 30)),
                assignment: Some(d.assignment.clone()),
                outcome: sealdesk_core::ledger::Outcome::Allowed,
                detail: None,
            };
            mine.push(seq);
            let sealed =
                sealdesk_core::ledger::seal_event(&wrapper, d.id, session, &body, &mut rng);
            put(seq, sealed, &mut prev);
        }
        seq += 1;
        let att = Attestation {
            seq,
            prev_hash: prev,
            actor: d.id,
            session,
            at: start,
            seqs: mine,
        };
        put(seq, att.seal(&d.signing, &vault_id), &mut prev);
    }
    drop(st);
    db.execute_batch("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("commit");
}
