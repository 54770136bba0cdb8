//! Prints the many-desks figures of the server-store issue: twenty desks
//! (threads, each its own connection and its own `Vault`) doing a clerk's,
//! a supervisor's and a handler's work — register, route, approve, open
//! with a reason — for `DESKS_BENCH_SECS` (default 60) against PostgreSQL,
//! beside the same mix on one SQLite vault with one desk, in the same run.
//!
//! Run it under a throwaway server with durable settings (pg_virtualenv
//! turns fsync off unless told):
//!
//! `pg_virtualenv -v 15 -o fsync=on -o synchronous_commit=on cargo bench -p sealdesk-tests --bench desks_figures`

use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sealdesk_api::{
    seeded_rng, Category, ManualClock, NewTypedLetter, NewUser, Role, Secrecy, Session, Vault,
};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;

const UNITS: usize = 4;
const CLERKS: usize = 4;
const HANDLERS_PER_UNIT: usize = 3;

fn pass(name: &str) -> Passphrase {
    Passphrase::new(format!("bench-pass-of-{name}-0123"))
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::at(Timestamp::from_unix_secs(1_795_741_200)))
}

fn unit(k: usize) -> String {
    format!("業務{}科", k + 1)
}

fn letter() -> NewTypedLetter {
    NewTypedLetter {
        subject: "代號:效能".into(),
        body: "檢舉某承包商於履約期間有違規情事，請查明。".into(),
        category: Category::Petition,
        secrecy: Secrecy::Until("2027-12-31".into()),
    }
}

/// A vault with 4 clerks, and per unit one supervisor and 3 handlers.
fn make_vault(dir: &Path) {
    let init = Vault::init(dir, "admin", &pass("admin"), clock(), seeded_rng(1)).expect("init");
    let mut v = init.vault;
    let mut admin = v.login("admin", &pass("admin")).expect("admin");
    let mut add = |v: &mut Vault, name: String, role: Role, unit: Option<String>| {
        v.add_user(
            &mut admin,
            &NewUser {
                passphrase: pass(&name),
                name,
                roles: RoleSet::new([role]).expect("roles"),
                unit,
            },
        )
        .expect("user");
    };
    for c in 0..CLERKS {
        add(
            &mut v,
            format!("clerk{c}"),
            Role::Clerk,
            Some("秘書室".into()),
        );
    }
    for k in 0..UNITS {
        add(&mut v, format!("sup{k}"), Role::Supervisor, Some(unit(k)));
        for h in 0..HANDLERS_PER_UNIT {
            add(&mut v, format!("h{k}{h}"), Role::Handler, Some(unit(k)));
        }
    }
}

fn open(dir: &Path, seed: u64) -> Vault {
    Vault::open(dir, clock(), seeded_rng(seed)).expect("open")
}

fn login(v: &mut Vault, name: &str) -> Session {
    v.login(name, &pass(name)).expect("login")
}

#[derive(Default)]
struct Times {
    register: Vec<Duration>,
    route: Vec<Duration>,
    approve: Vec<Duration>,
    open: Vec<Duration>,
}

impl Times {
    fn merge(&mut self, o: Times) {
        self.register.extend(o.register);
        self.route.extend(o.route);
        self.approve.extend(o.approve);
        self.open.extend(o.open);
    }
    fn all(&self) -> Vec<Duration> {
        let mut a: Vec<Duration> = [&self.register, &self.route, &self.approve, &self.open]
            .into_iter()
            .flatten()
            .copied()
            .collect();
        a.sort();
        a
    }
}

fn pct(v: &[Duration], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut v = v.to_vec();
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn timed<T>(out: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    out.push(t.elapsed());
    r
}

fn head(dir: &Path) -> (i64, i64) {
    let s = sealdesk_store::Store::open(dir).expect("store");
    s.read(|db| db.ledger_count()).expect("count")
}

/// One desk doing everyone's work in turn: register, route, approve, then
/// the handler opens each of its letters.
fn one_desk(dir: &Path, secs: u64) -> (Times, i64, f64) {
    let mut v = open(dir, 100);
    let mut c = login(&mut v, "clerk0");
    let mut s = login(&mut v, "sup0");
    let mut h = login(&mut v, "h00");
    let mut t = Times::default();
    let mut mine: Vec<String> = Vec::new();
    let (before, _) = head(dir);
    let start = Instant::now();
    let mut i = 0usize;
    while start.elapsed() < Duration::from_secs(secs) {
        if i.is_multiple_of(5) {
            let l = timed(&mut t.register, || {
                v.register_typed_letter(&mut c, &letter())
            })
            .expect("register")
            .id;
            let r = timed(&mut t.route, || {
                v.route(&mut c, &l, &unit(0), "h00", None, "請辦理")
            })
            .expect("route")
            .id;
            timed(&mut t.approve, || v.approve(&mut s, &r, "同意")).expect("approve");
            mine.push(l);
        } else {
            let l = &mine[i % mine.len()];
            timed(&mut t.open, || {
                v.open_letter_affirming(&mut h, l, "辦理本案", true)
            })
            .expect("open");
        }
        i += 1;
    }
    let took = start.elapsed().as_secs_f64();
    let (after, _) = head(dir);
    (t, after - before, took)
}

/// Twenty desks at once: 4 clerks, 4 supervisors and 12 handlers.
fn twenty_desks(dir: &Path, secs: u64) -> (Times, i64, f64) {
    let deadline = Instant::now() + Duration::from_secs(secs) + Duration::from_secs(20);
    // Requests to each unit's supervisor; approved letters to each handler.
    let mut to_sup = Vec::new();
    let mut sup_rx = Vec::new();
    for _ in 0..UNITS {
        let (tx, rx) = mpsc::sync_channel::<(String, usize)>(64);
        to_sup.push(tx);
        sup_rx.push(rx);
    }
    let mut to_handler = Vec::new();
    let mut handler_rx = Vec::new();
    for _ in 0..UNITS * HANDLERS_PER_UNIT {
        let (tx, rx) = mpsc::channel::<String>();
        to_handler.push(tx);
        handler_rx.push(rx);
    }
    let ready = Arc::new(std::sync::Barrier::new(
        CLERKS + UNITS + UNITS * HANDLERS_PER_UNIT + 1,
    ));
    let go = Arc::new(std::sync::OnceLock::<Instant>::new());
    let mut threads = Vec::new();
    for c in 0..CLERKS {
        let (dir, to_sup, ready, go) = (dir.to_owned(), to_sup.clone(), ready.clone(), go.clone());
        threads.push(std::thread::spawn(move || {
            let mut v = open(&dir, 200 + c as u64);
            let mut s = login(&mut v, &format!("clerk{c}"));
            let mut t = Times::default();
            ready.wait();
            let end = *go.wait() + Duration::from_secs(secs);
            let mut n = c;
            while Instant::now() < end {
                let k = n % UNITS;
                let h = (n / UNITS) % HANDLERS_PER_UNIT;
                let l = timed(&mut t.register, || {
                    v.register_typed_letter(&mut s, &letter())
                })
                .expect("register")
                .id;
                let r = timed(&mut t.route, || {
                    v.route(&mut s, &l, &unit(k), &format!("h{k}{h}"), None, "請辦理")
                })
                .expect("route")
                .id;
                if to_sup[k].send((r, k * HANDLERS_PER_UNIT + h)).is_err() {
                    break;
                }
                n += CLERKS;
            }
            t
        }));
    }
    for (k, rx) in sup_rx.into_iter().enumerate() {
        let (dir, to_handler, ready, go) = (
            dir.to_owned(),
            to_handler.clone(),
            ready.clone(),
            go.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let mut v = open(&dir, 300 + k as u64);
            let mut s = login(&mut v, &format!("sup{k}"));
            let mut t = Times::default();
            ready.wait();
            let end = *go.wait() + Duration::from_secs(secs);
            while Instant::now() < end {
                let Ok((r, h)) = rx.recv_timeout(Duration::from_millis(200)) else {
                    continue;
                };
                let a = timed(&mut t.approve, || v.approve(&mut s, &r, "同意")).expect("approve");
                let _ = to_handler[h].send(a.letter_id);
            }
            t
        }));
    }
    for (i, rx) in handler_rx.into_iter().enumerate() {
        let (dir, ready, go) = (dir.to_owned(), ready.clone(), go.clone());
        let name = format!("h{}{}", i / HANDLERS_PER_UNIT, i % HANDLERS_PER_UNIT);
        threads.push(std::thread::spawn(move || {
            let mut v = open(&dir, 400 + i as u64);
            let mut s = login(&mut v, &name);
            let mut t = Times::default();
            let mut mine: Vec<String> = Vec::new();
            ready.wait();
            let end = *go.wait() + Duration::from_secs(secs);
            let mut n = 0usize;
            while Instant::now() < end {
                while let Ok(l) = rx.try_recv() {
                    mine.push(l);
                }
                if mine.is_empty() {
                    if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
                        mine.push(l);
                    }
                    continue;
                }
                let l = mine[n % mine.len()].clone();
                timed(&mut t.open, || {
                    v.open_letter_affirming(&mut s, &l, "辦理本案", true)
                })
                .expect("open");
                n += 1;
            }
            t
        }));
    }
    ready.wait();
    let (before, _) = head(dir);
    let start = Instant::now();
    let _ = go.set(start);
    let mut t = Times::default();
    drop(to_sup);
    drop(to_handler);
    for th in threads {
        t.merge(th.join().expect("desk"));
    }
    let took = start.elapsed().as_secs_f64();
    assert!(Instant::now() < deadline, "the desks finished");
    let (after, _) = head(dir);
    (t, after - before, took)
}

/// The store's own append path with nothing of the API around it: 20
/// threads, each its own connection (TLS), appending chained rows through
/// `Store::write` (the advisory lock, the head read, the insert the server
/// checks) to a database of its own, for `secs`. The figure to set beside
/// the bare table the issue measured (1,330–1,500 appends/s for 20 desks).
fn store_appends(dir: &Path, secs: u64) {
    let mut store = sealdesk_store::Store::create(dir).expect("schema");
    store
        .write(|db| {
            db.append_ledger(&sealdesk_store::LedgerRow {
                seq: 1,
                prev_hash: vec![0; 32],
                sealed: vec![1; 300],
                hash: sealdesk_core::ledger::chain_hash(1, &[0; 32], &[1; 300]).to_vec(),
            })
        })
        .expect("first row");
    drop(store);
    let start = Instant::now() + Duration::from_millis(500);
    let end = start + Duration::from_secs(secs);
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let dir = dir.to_owned();
            std::thread::spawn(move || {
                let mut s = sealdesk_store::Store::open(&dir).expect("open");
                let mut t = Vec::new();
                while Instant::now() < start {
                    std::thread::sleep(Duration::from_millis(5));
                }
                while Instant::now() < end {
                    let began = Instant::now();
                    s.write(|db| {
                        let (seq, prev) = db.ledger_head()?.expect("a head");
                        let prev: [u8; 32] = prev.try_into().expect("32 bytes");
                        let seq = seq + 1;
                        let sealed = vec![2u8; 300];
                        let hash =
                            sealdesk_core::ledger::chain_hash(seq as u64, &prev, &sealed).to_vec();
                        db.append_ledger(&sealdesk_store::LedgerRow {
                            seq,
                            prev_hash: prev.to_vec(),
                            sealed,
                            hash,
                        })
                    })
                    .expect("append");
                    t.push(began.elapsed());
                }
                t
            })
        })
        .collect();
    let mut all = Vec::new();
    for th in threads {
        all.extend(th.join().expect("thread"));
    }
    let s = sealdesk_store::Store::open(dir).expect("open");
    let (n, max) = s.read(|db| db.ledger_count()).expect("count");
    println!(
        "PostgreSQL, the store's append alone, 20 connections: {} appends in {secs} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms; {n} rows numbered to {max} ({})",
        all.len(),
        all.len() as f64 / secs as f64,
        pct(&all, 0.5),
        pct(&all, 0.99),
        if n == max { "none lost or twice" } else { "GAP OR DUPLICATE" }
    );
}

fn report(label: &str, t: &Times, appends: i64, secs: f64) {
    let all = t.all();
    println!(
        "{label}: {} acts, {appends} ledger appends in {secs:.1} s = {:.0} appends/s; act latency p50 {:.1} ms, p99 {:.1} ms",
        all.len(),
        appends as f64 / secs,
        pct(&all, 0.5),
        pct(&all, 0.99)
    );
    for (name, v) in [
        ("register", &t.register),
        ("route", &t.route),
        ("approve", &t.approve),
        ("open", &t.open),
    ] {
        println!(
            "    {name:<9} n={:<6} p50 {:>6.1} ms  p99 {:>6.1} ms",
            v.len(),
            pct(v, 0.5),
            pct(v, 0.99)
        );
    }
}

fn main() {
    let secs: u64 = std::env::var("DESKS_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let single_secs = (secs / 3).max(5);
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tmp");

    let lite = tmp.path().join("lite");
    make_vault(&lite);
    let (t, n, took) = one_desk(&lite, single_secs);
    report("SQLite, 1 desk", &t, n, took);
    let lite_open = pct(&t.open, 0.5);

    let mut a = sealdesk_tests::pg::admin();
    let fsync: String = a.query_one("SHOW fsync", &[]).expect("fsync").get(0);
    let sync: String = a
        .query_one("SHOW synchronous_commit", &[])
        .expect("sync")
        .get(0);
    println!("PostgreSQL: fsync={fsync}, synchronous_commit={sync}");
    let server = tmp.path().join("server");
    sealdesk_tests::pg::server_vault_dir(&server);
    make_vault(&server);
    // The desks connect as desks do: a role that is a member of
    // sealdesk_desk, not the owner (so no desk rewrites the wrap tables
    // after an approval; the owner's scheduled VACUUM FULL does).
    let mut a = sealdesk_tests::pg::admin();
    a.batch_execute(
        "DO $$ BEGIN CREATE ROLE bench_desk LOGIN PASSWORD 'bench-desk-pw' IN ROLE sealdesk_desk;
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
    )
    .expect("desk role");
    let owner = sealdesk_store::VaultConfig::read(&server)
        .expect("config")
        .expect("a server vault");
    let user = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
    let desk_dir = tmp.path().join("desk");
    sealdesk_store::VaultConfig {
        store: owner
            .store
            .replacen(&format!("{user}@"), "bench_desk:bench-desk-pw@", 1),
        root: owner.root.clone(),
    }
    .write(&desk_dir)
    .expect("desk config");
    let (t, n, took) = one_desk(&desk_dir, single_secs);
    report("PostgreSQL, 1 desk", &t, n, took);
    let pg_open = pct(&t.open, 0.5);
    println!(
        "open p50: PostgreSQL {pg_open:.2} ms / SQLite {lite_open:.2} ms = {:.2}x (goal <= 5x)",
        pg_open / lite_open
    );

    let bare = tmp.path().join("appends");
    sealdesk_tests::pg::server_vault_dir(&bare);
    store_appends(&bare, (secs / 3).max(5));

    let (t, n, took) = twenty_desks(&desk_dir, secs);
    report("PostgreSQL, 20 desks", &t, n, took);
    let (count, max) = head(&desk_dir);
    let mut v = open(&desk_dir, 999);
    let r = v.ledger_verify(None).expect("verify");
    println!(
        "chain after the run: {count} entries, highest number {max} ({}), verifies: {}",
        if count == max {
            "none lost or twice"
        } else {
            "GAP OR DUPLICATE"
        },
        r.intact
    );
}
