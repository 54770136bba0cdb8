//! The vault on a PostgreSQL server (issue 24), against the throwaway server
//! `scripts/test.sh` starts with `pg_virtualenv`: what the server's
//! administrator or a desk's role can and cannot do (T5, T6, T10 in
//! ../shared/threat-model.md, with the server's operator as the writer of
//! the store), and the faults of a network store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sealdesk_api::{seeded_rng, ApiError, ErrorKind, ManualClock, Vault};
use sealdesk_store::VaultConfig;
use sealdesk_tests::pg;

use crate::{pass, World, T0};

/// A role that may log in, made once per name.
fn role(name: &str, password: &str, member_of_desks: bool) {
    let mut a = pg::admin();
    a.batch_execute(&format!(
        "DO $$ BEGIN CREATE ROLE sealdesk_desk NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
         DO $$ BEGIN CREATE ROLE {name} LOGIN PASSWORD '{password}'; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
    ))
    .expect("roles");
    if member_of_desks {
        a.batch_execute(&format!("GRANT sealdesk_desk TO {name}"))
            .expect("member");
    }
}

/// A URL with a password in it (each desk has its own role).
fn url_as(db: &str, user: &str, password: &str) -> String {
    pg::url_for(db, user).replacen(&format!("{user}@"), &format!("{user}:{password}@"), 1)
}

/// A desk's folder joined to the vault on `db` as `user`.
fn desk_dir(parent: &Path, name: &str, url: &str, root: &str) -> PathBuf {
    let dir = parent.join(name);
    VaultConfig {
        store: url.to_owned(),
        root: root.to_owned(),
    }
    .write(&dir)
    .expect("desk config");
    dir
}

fn open(dir: &Path, seed: u64) -> sealdesk_api::Result<Vault> {
    Vault::open(dir, Arc::new(ManualClock::at(T0)), seeded_rng(seed))
}

/// The database a server world's vault lives on.
fn db_of(w: &World) -> String {
    let c = VaultConfig::read(w.dir())
        .expect("read")
        .expect("a server vault");
    let tail = c.store.split_once('/').map(|(_, t)| t).unwrap_or_default();
    let path = tail.trim_start_matches('/');
    let path = path.split_once('/').map(|(_, p)| p).unwrap_or(path);
    path.split('?').next().unwrap_or_default().to_owned()
}

fn root_of(w: &World) -> String {
    VaultConfig::read(w.dir())
        .expect("read")
        .expect("config")
        .root
}

/// A connection to one vault's database as `user`, for SQL the API never
/// sends (what a desk's role could do by hand).
fn sql_as(db: &str, user: &str, password: &str) -> postgres::Client {
    let port: u16 = std::env::var("PGPORT")
        .expect("PGPORT")
        .parse()
        .expect("port");
    postgres::Config::new()
        .host("localhost")
        .port(port)
        .user(user)
        .password(password)
        .dbname(db)
        .connect(postgres::NoTls)
        .expect("connect as the role")
}

fn code(e: &postgres::Error) -> String {
    e.code().map(|c| c.code().to_owned()).unwrap_or_default()
}

/// T10 on a server: a desk's role may add ledger entries and nothing
/// else to the ledger — no UPDATE, DELETE or TRUNCATE, no schema change,
/// no dropped trigger (privileges: `42501`); and the server itself refuses
/// an entry that breaks the chain: a wrong hash (`23514`), a wrong previous
/// hash or a gap (`23503`). The vault's owner role is no superuser, and the
/// desk works through the API with only the desk role.
#[test]
fn t10_the_desk_role_cannot_rewrite_the_ledger_or_the_schema() {
    role("sd_owner", "owner-pw-1", false);
    role("sd_desk1", "desk-pw-1", true);
    let (_, db) = pg::new_database_as("postgres");
    pg::admin()
        .batch_execute(&format!("ALTER DATABASE {db} OWNER TO sd_owner"))
        .expect("owner");
    let tmp = tempfile::tempdir().expect("tmp");
    let made = tmp.path().join("made");
    sealdesk_api::name_server(&made, &url_as(&db, "sd_owner", "owner-pw-1")).expect("name");
    let init = Vault::init(
        &made,
        "admin",
        &pass("admin"),
        Arc::new(ManualClock::at(T0)),
        seeded_rng(7),
    )
    .expect("the owner role makes the vault");
    let mut v = init.vault;
    let mut admin = v.login("admin", &pass("admin")).expect("admin");
    v.add_user(
        &mut admin,
        &sealdesk_api::NewUser {
            name: "clerk".into(),
            roles: sealdesk_core::domain::RoleSet::new([sealdesk_api::Role::Clerk]).expect("roles"),
            unit: Some("秘書室".into()),
            passphrase: pass("clerk"),
        },
    )
    .expect("clerk");
    let root = VaultConfig::read(&made)
        .expect("read")
        .expect("config")
        .root;
    drop(v);

    // The desk, with the desk role only, does a clerk's work.
    let desk = desk_dir(
        tmp.path(),
        "desk",
        &url_as(&db, "sd_desk1", "desk-pw-1"),
        &root,
    );
    let mut d = open(&desk, 8).expect("the desk opens the vault");
    let mut clerk = d.login("clerk", &pass("clerk")).expect("clerk");
    d.register_typed_letter(
        &mut clerk,
        &sealdesk_api::NewTypedLetter {
            subject: "代號:伺服器".into(),
            body: "檢舉內容".into(),
            category: sealdesk_api::Category::Whistleblower,
            secrecy: sealdesk_api::Secrecy::Until("2027-12-31".into()),
        },
    )
    .expect("register through the desk role");
    drop(d);

    let mut c = sql_as(&db, "sd_desk1", "desk-pw-1");
    c.batch_execute("SET search_path TO sealdesk")
        .expect("path");
    let (head, hash): (i64, Vec<u8>) = {
        let r = c
            .query_one(
                "SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1",
                &[],
            )
            .expect("head");
        (r.get(0), r.get(1))
    };
    assert!(head > 3, "the desk wrote entries: {head}");
    for (what, sql) in [
        (
            "update an entry",
            "UPDATE ledger SET sealed = sealed WHERE seq = 2",
        ),
        (
            "delete the head",
            "DELETE FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)",
        ),
        ("truncate", "TRUNCATE ledger"),
        (
            "drop the trigger",
            "DROP TRIGGER ledger_no_update ON ledger",
        ),
        (
            "drop the chain check",
            "ALTER TABLE ledger DROP CONSTRAINT ledger_check1",
        ),
        ("add a table", "CREATE TABLE sealdesk.mine (a int)"),
        ("drop a table", "DROP TABLE copies"),
    ] {
        let e = c.batch_execute(sql).expect_err(what);
        assert_eq!(code(&e), "42501", "{what}: {e}");
    }
    // An entry with the right previous hash but a made-up hash.
    let e = c
        .execute(
            "INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES ($1, $2, $3, $4)",
            &[&(head + 1), &hash, &b"forged".to_vec(), &vec![7u8; 32]],
        )
        .expect_err("a wrong hash");
    assert_eq!(code(&e), "23514", "{e}");
    // A correct hash over a wrong previous hash, and one that skips a number.
    for (seq, prev) in [(head + 1, vec![9u8; 32]), (head + 2, hash.clone())] {
        let h = sealdesk_core::ledger::chain_hash(
            u64::try_from(seq).expect("seq"),
            &prev.clone().try_into().expect("32"),
            b"forged",
        );
        let e = c
            .execute(
                "INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES ($1, $2, $3, $4)",
                &[&seq, &prev, &b"forged".to_vec(), &h.to_vec()],
            )
            .expect_err("a broken chain");
        assert_eq!(code(&e), "23503", "seq {seq}: {e}");
    }
    // The owner (no superuser) cannot rewrite an entry either: the trigger.
    let mut o = sql_as(&db, "sd_owner", "owner-pw-1");
    let e = o
        .batch_execute("UPDATE sealdesk.ledger SET sealed = sealed WHERE seq = 2")
        .expect_err("owner update");
    assert!(format!("{e:?}").contains("append-only"), "{e:?}");
    // And the vault still verifies.
    let mut d = open(&desk, 9).expect("reopen");
    assert!(d.ledger_verify(None).expect("verify").intact);
}

/// T6 on a server: a plain dump of the vault's database after a whole
/// day's work holds no letter text, name, ID, address or typed reason, as
/// text or as the hex a dump writes bytes in.
#[test]
fn t6_a_dump_of_the_server_holds_no_plaintext() {
    let mut w = World::on_server(1);
    let marker = format!("標記伺服器{}", std::process::id() % 1000);
    let needles = crate::plaintext_scan::full_workflow(&mut w, &marker);
    let db = db_of(&w);
    let dump = std::process::Command::new("pg_dump")
        .args(["-h", "localhost", "-d", &db, "--no-owner"])
        .output()
        .expect("pg_dump runs");
    assert!(
        dump.status.success(),
        "{}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let text = String::from_utf8_lossy(&dump.stdout).to_lowercase();
    assert!(
        text.contains("copy sealdesk.ledger") && text.contains("\\\\x"),
        "a dump with the sealed rows"
    );
    for n in &needles {
        assert!(!text.contains(&n.to_lowercase()), "the dump holds {n:?}");
        let hex = hex::encode(n.as_bytes());
        assert!(!text.contains(&hex), "the dump holds {n:?} as bytes");
    }
}

/// T5 on a server: the administrator restores yesterday's dump (or forks
/// the log); a desk whose witness saw a longer ledger refuses the server
/// with a clear warning and writes nothing.
#[test]
fn t5_a_server_restored_from_an_older_dump_is_caught_by_a_desks_witness() {
    let wtmp = tempfile::tempdir().expect("witness");
    let mut w = World::on_server(2);
    w.vault.set_witness_dir(Some(wtmp.path().to_owned()));
    let db = db_of(&w);
    let mut c = w.login("clerk");
    w.vault.lock(&mut c);
    let old = std::process::Command::new("pg_dump")
        .args(["-h", "localhost", "-d", &db, "-Fc"])
        .output()
        .expect("pg_dump");
    assert!(old.status.success());
    // A day's work after the dump; the clerk's desk sees it.
    w.register("後來登記的檢舉");
    let mut c = w.login("clerk");
    w.vault.lock(&mut c);
    let dir = w.dir().to_owned();
    drop(w.vault);
    // The restore: the database as it was at the dump.
    {
        let mut a = pg::admin();
        for sql in [
            format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"),
            format!("DROP DATABASE {db}"),
            format!("CREATE DATABASE {db}"),
        ] {
            a.batch_execute(&sql).expect("drop and recreate");
        }
    }
    let dump_file = wtmp.path().join("old.dump");
    std::fs::write(&dump_file, &old.stdout).expect("dump file");
    let restored = std::process::Command::new("pg_restore")
        .args(["-h", "localhost", "-d", &db])
        .arg(&dump_file)
        .output()
        .expect("pg_restore");
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    let mut v = open(&dir, 3).expect("the vault opens");
    v.set_witness_dir(Some(wtmp.path().to_owned()));
    let before = v.ledger_head().expect("head");
    let e = v
        .login("clerk", &pass("clerk"))
        .expect_err("the desk refuses the server");
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    assert!(e.to_string().contains("shorter than this desk saw"), "{e}");
    assert_eq!(v.ledger_head().expect("head"), before, "nothing written");
    // Another desk, which never saw the later work, is not stopped.
    let mut other = open(&dir, 4).expect("other desk");
    other
        .login("clerk", &pass("clerk"))
        .expect("a desk without a witness logs in");
}

/// Wrong credentials, a server that does not prove its name, a store URL
/// that would not check the server, a server holding another vault: each a
/// clear error, and nothing written.
#[test]
fn wrong_credentials_certificates_and_vaults_are_refused_before_anything_is_written() {
    let a = World::on_server(3);
    let b = World::on_server(4);
    let (db_a, root_a) = (db_of(&a), root_of(&a));
    let db_b = db_of(&b);
    let head_a = a.vault.ledger_head().expect("head a");
    let head_b = b.vault.ledger_head().expect("head b");
    let tmp = tempfile::tempdir().expect("tmp");

    role("sd_desk2", "desk-pw-2", true);
    let wrong_pw = desk_dir(
        tmp.path(),
        "pw",
        &url_as(&db_a, "sd_desk2", "not-the-password"),
        &root_a,
    );
    let e = open(&wrong_pw, 1).expect_err("wrong password");
    assert_eq!(e.kind(), ErrorKind::ServerRefused, "{e}");
    assert!(e.to_string().contains("credentials"), "{e}");
    assert!(
        !e.to_string().contains("not-the-password"),
        "no password in the message: {e}"
    );

    // The server's certificate checked against another CA.
    let other_ca = std::fs::read_dir("/etc/ssl/certs")
        .expect("CA folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.extension().is_some_and(|x| x == "pem")
                && !p.to_string_lossy().contains("snakeoil")
                && std::fs::metadata(p).is_ok()
        })
        .expect("some other CA");
    let (cert, _) = pg::tls();
    let url = url_as(&db_a, "sd_desk2", "desk-pw-2")
        .replace(&cert.display().to_string(), &other_ca.display().to_string());
    let e = open(&desk_dir(tmp.path(), "ca", &url, &root_a), 2).expect_err("unknown CA");
    assert_eq!(e.kind(), ErrorKind::ServerRefused, "{e}");
    assert!(e.to_string().contains("did not prove who it is"), "{e}");
    // The right CA, but the server reached by a name its certificate does
    // not carry (127.0.0.1).
    let (_, host) = pg::tls();
    let url =
        url_as(&db_a, "sd_desk2", "desk-pw-2").replacen(&format!("@{host}:"), "@127.0.0.1:", 1);
    let e = open(&desk_dir(tmp.path(), "name", &url, &root_a), 3).expect_err("wrong name");
    assert_eq!(e.kind(), ErrorKind::ServerRefused, "{e}");
    // A URL that would take any certificate.
    let url = format!(
        "postgresql://sd_desk2@{host}:{}/{db_a}?sslmode=require",
        std::env::var("PGPORT").expect("port")
    );
    let e = open(&desk_dir(tmp.path(), "require", &url, &root_a), 4).expect_err("require");
    assert_eq!(e.kind(), ErrorKind::BadInput, "{e}");

    // A desk pinned to vault A pointed at vault B's server database.
    let swapped = desk_dir(
        tmp.path(),
        "swapped",
        &url_as(&db_b, "sd_desk2", "desk-pw-2"),
        &root_a,
    );
    let e = open(&swapped, 5).expect_err("another vault");
    assert_eq!(e.kind(), ErrorKind::Integrity, "{e}");
    assert!(e.to_string().contains("another vault"), "{e}");
    // `vault join` with a file for A into a fresh folder works, and checks.
    let file = tmp.path().join("join.toml");
    std::fs::write(
        &file,
        format!(
            "store = \"{}\"\nroot = \"{root_a}\"\n",
            url_as(&db_b, "sd_desk2", "desk-pw-2")
        ),
    )
    .expect("file");
    let e = Vault::join(
        &file,
        &tmp.path().join("joined"),
        Arc::new(ManualClock::at(T0)),
        seeded_rng(6),
    )
    .expect_err("join refuses a server with another vault");
    assert_eq!(e.kind(), ErrorKind::Integrity);
    assert!(
        VaultConfig::read(&tmp.path().join("joined"))
            .expect("read")
            .is_none(),
        "a refused join keeps no config"
    );
    assert_eq!(
        a.vault.ledger_head().expect("a"),
        head_a,
        "nothing written on A"
    );
    assert_eq!(
        b.vault.ledger_head().expect("b"),
        head_b,
        "nothing written on B"
    );
}

/// The server cuts desks off in the middle of their transactions (what a
/// server stop or a dropped network does to a desk: its backend ends):
/// each open either returns the letter with its view entry durable, or
/// fails with `server_unreachable` and leaves nothing; the desk reconnects
/// by itself when the server answers again.
#[test]
fn t5_connections_cut_mid_transaction_leave_no_view_without_its_entry() {
    let mut w = World::on_server(5);
    w.grant_auditor();
    let letter = w.register("檢舉內容：伺服器中斷測試");
    let db = db_of(&w);
    let mut clerk = w.login("clerk");
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let killer = {
        let stop = stop.clone();
        let db = db.clone();
        std::thread::spawn(move || {
            let mut a = pg::admin();
            let mut cuts = 0u32;
            let mut i = 0u64;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                i += 1;
                std::thread::sleep(std::time::Duration::from_millis(3 + i % 17));
                let n = a
                    .execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                         WHERE datname = $1 AND application_name = 'sealdesk' AND pid <> pg_backend_pid()",
                        &[&db],
                    )
                    .unwrap_or(0);
                cuts += u32::try_from(n).unwrap_or(0);
            }
            cuts
        })
    };
    let (mut shown, mut refused) = (0usize, 0usize);
    for _ in 0..150 {
        match w.vault.open_letter(&mut clerk, &letter, "核對內容") {
            Ok(c) => {
                assert!(c.text.contains("伺服器中斷測試"));
                shown += 1;
            }
            Err(ApiError::LedgerUnavailable(_)) => refused += 1,
            Err(e) => {
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::ServerUnreachable
                            | ErrorKind::Busy
                            | ErrorKind::LedgerUnavailable
                    ),
                    "a clear error: {e:?}"
                );
                refused += 1;
            }
        }
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let cuts = killer.join().expect("killer");
    assert!(
        cuts > 5 && refused > 0,
        "the server cut the desk off: {cuts} cuts, {refused} refused"
    );
    assert!(shown > 0, "and some opens went through between cuts");
    // The server answers again: the desk goes on, and every view shown is
    // in the ledger, once.
    // The first call after the last cut may be the one that finds its
    // connection gone (`server_unreachable`, nothing written); the next
    // one connects again.
    let mut again = w.vault.open_letter(&mut clerk, &letter, "核對內容");
    if let Err(e) = &again {
        assert_eq!(e.kind(), ErrorKind::ServerUnreachable, "{e}");
        refused += 1;
        again = w.vault.open_letter(&mut clerk, &letter, "核對內容");
    }
    again.expect("the desk reconnects");
    shown += 1;
    let mut a = w.login("auditor");
    let views = w
        .vault
        .ledger_entries(&mut a)
        .expect("entries")
        .into_iter()
        .filter(|e| {
            e.body.action == "view"
                && e.body.outcome == "allowed"
                && e.body.letter_id.as_deref() == Some(letter.as_str())
        })
        .count();
    // No view without its entry. An entry without its view happens only
    // when the server committed and the acknowledgement was lost on the
    // way (fail closed: the ledger then says more, never less).
    assert!(
        views >= shown && views - shown <= refused,
        "{shown} views shown, {views} recorded ({refused} refused)"
    );
    assert!(w.vault.ledger_verify(None).expect("verify").intact);
}

/// Desks in two processes append at the same moment: one chain, every
/// sequence number once, each process's acknowledged entries kept.
#[test]
fn t5_two_desk_processes_appending_at_once_make_one_chain() {
    let mut w = World::on_server(6);
    let letter = w.register("內容");
    let dir = w.dir().to_owned();
    drop(w.vault);
    let appender = crate::example_bin("ledger_appender");
    let spawn = || {
        std::process::Command::new(&appender)
            .arg(&dir)
            .arg(&letter)
            .env("SEALDESK_PASSPHRASE", pass("clerk").expose())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("appender")
    };
    let mut kids = [spawn(), spawn()];
    std::thread::sleep(std::time::Duration::from_secs(8));
    let mut acked = Vec::new();
    for k in &mut kids {
        k.kill().expect("kill");
        let _ = k.wait();
        let out = std::io::read_to_string(k.stdout.take().expect("out")).expect("read");
        let mine: Vec<i64> = out
            .lines()
            .filter_map(|l| l.strip_prefix("ok ")?.split(' ').next()?.parse().ok())
            .collect();
        assert!(mine.len() > 3, "each desk made progress: {}", mine.len());
        acked.push(mine);
    }
    let mut v = open(&dir, 9).expect("open");
    let r = v.ledger_verify(None).expect("verify");
    assert!(r.intact, "{r:?}");
    let store = sealdesk_store::Store::open(&dir).expect("store");
    let (n, max) = store.read(|db| db.ledger_count()).expect("count");
    assert_eq!(n, max, "no gap and no number twice");
    for mine in &acked {
        for seq in mine {
            assert!(*seq <= max, "acknowledged {seq} kept");
        }
    }
}

/// T1 on a server: a revoked wrap's bytes are gone from the table's file
/// on the server (the store rewrites the wrap tables after a revoke), so a
/// copy of the live data directory taken later holds no wrap to the revoked
/// handler. (The server's WAL keeps it until it is recycled: ARCHITECTURE.md
/// says so, and this test does not claim otherwise.)
#[test]
fn t1_a_revoked_wrap_is_gone_from_the_servers_table_file() {
    let mut w = World::on_server(7);
    let letter = w.register("檢舉內容：撤銷測試");
    w.route_to_handler(&letter);
    let dir = w.dir().to_owned();
    let store = sealdesk_store::Store::open(&dir).expect("store");
    let (key, handler, wrap) = store
        .read(|db| {
            let key = db.data_key_of(&letter, "letter")?.expect("key").id;
            let h = db.user_by_name("handler")?.expect("handler").id;
            let wrap = db.wrap_for(&key, &h)?.expect("the handler's wrap");
            Ok((key, h, wrap))
        })
        .expect("wrap");
    drop(store);
    let db = db_of(&w);
    let file_of = |table: &str| -> PathBuf {
        let mut a = pg::admin();
        let mut c = sql_as_admin(&db);
        a.batch_execute("CHECKPOINT").expect("checkpoint");
        let data: String = c
            .query_one("SELECT current_setting('data_directory')", &[])
            .expect("data dir")
            .get(0);
        let rel: String = c
            .query_one(
                &format!("SELECT pg_relation_filepath('sealdesk.{table}')"),
                &[],
            )
            .expect("relation file")
            .get(0);
        Path::new(&data).join(rel)
    };
    let holds = |p: &Path| {
        let bytes = std::fs::read(p).expect("read the table's file");
        bytes.windows(wrap.len()).any(|x| x == wrap.as_slice())
    };
    assert!(
        holds(&file_of("key_wraps")),
        "the wrap is in the table's file before"
    );
    let mut sup = w.login("supervisor");
    let a = w
        .vault
        .unit_assignments(&mut sup)
        .expect("assignments")
        .into_iter()
        .find(|a| a.letter_id == letter)
        .expect("the assignment");
    let info = w.vault.revoke(&mut sup, &a.id, "改派").expect("revoke");
    assert!(
        info.notice.is_none(),
        "the wrap tables were rewritten: {:?}",
        info.notice
    );
    let store = sealdesk_store::Store::open(&dir).expect("store");
    assert!(store
        .read(|db| db.wrap_for(&key, &handler))
        .expect("read")
        .is_none());
    assert!(
        !holds(&file_of("key_wraps")),
        "no byte of the revoked wrap in the table's file"
    );
}

fn sql_as_admin(db: &str) -> postgres::Client {
    let port: u16 = std::env::var("PGPORT")
        .expect("PGPORT")
        .parse()
        .expect("port");
    postgres::Config::new()
        .host("localhost")
        .port(port)
        .user(&std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into()))
        .password(std::env::var("PGPASSWORD").unwrap_or_default())
        .dbname(db)
        .connect(postgres::NoTls)
        .expect("connect")
}
