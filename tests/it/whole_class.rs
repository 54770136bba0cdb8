//! The class as a whole (threat row T10): a writer of the vault file edits
//! any column of any row, or puts back any row from an earlier copy of the
//! file, in a vault in the middle of a full workflow; then every role takes
//! its next actions. Each action ends as it did without the edit, or in
//! `integrity` — never a new grant, a changed mark, a skipped step or a
//! wrong name. Once an action has said `integrity`, the later ones may
//! refuse (the desk stops trusting the file), but none may succeed
//! differently.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::types::Value;
use sealdesk_api::{
    seeded_rng, ApiError, Category, CopyFormat, CopyKind, ManualClock, RegisterMeta, Review,
    Secrecy, Session, Vault,
};
use sealdesk_core::crypto::{self, RecoveryCode};

use crate::{World, T0};

const PETITION: &str = include_str!("../../crates/sealdesk-core/tests/data/samples/sample-01.txt");

/// What one action ended in: a summary of what it returned, or the error's
/// kind.
type Outcome = Result<String, String>;

fn summary<T: std::fmt::Debug>(r: Result<T, ApiError>) -> Outcome {
    match r {
        Ok(v) => Ok(format!("{v:?}")),
        Err(e) => Err(e.kind().to_string()),
    }
}

/// The vault between two moments of one working day, and who is at work.
struct Scene {
    _tmp: tempfile::TempDir,
    /// The file as it was earlier that day.
    earlier: PathBuf,
    /// The file now.
    now: PathBuf,
    sessions: HashMap<&'static str, Session>,
    ids: HashMap<&'static str, String>,
}

fn register(w: &mut World, clerk: &mut Session, category: Category, parties: &[&str]) -> String {
    let mut meta = RegisterMeta::new(category, Secrecy::Condition("結案後解密".into()));
    meta.subject = "代號:甲案".into();
    meta.parties = parties.iter().map(|p| p.to_string()).collect();
    w.vault
        .register_text(clerk, PETITION, &meta, &Review::default())
        .expect("register")
        .letter_id
}

/// Copies the vault's database file (its WAL folded in first).
fn snapshot(from: &Path, to: &Path) {
    let db = crate::raw(from);
    db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    drop(db);
    std::fs::create_dir_all(to).expect("mkdir");
    std::fs::copy(
        from.join(sealdesk_store::DB_FILE),
        to.join(sealdesk_store::DB_FILE),
    )
    .expect("copy");
}

fn scene() -> Scene {
    let mut w = World::new();
    let tmp = tempfile::tempdir().expect("tmp");
    let mut clerk = w.login("clerk");
    let mut sup = w.login("supervisor");
    let mut h = w.login("handler");
    let mut ids = HashMap::new();
    let a = register(&mut w, &mut clerk, Category::Whistleblower, &["王小明"]);
    let b = register(&mut w, &mut clerk, Category::ProcurementObjection, &[]);
    let c = register(&mut w, &mut clerk, Category::Petition, &[]);
    let d = register(&mut w, &mut clerk, Category::Petition, &[]);
    let route = |w: &mut World, clerk: &mut Session, l: &str| {
        w.vault
            .route(clerk, l, "稅務管理科", "handler", None, "請貴科辦理")
            .expect("route")
            .id
    };
    let ra = route(&mut w, &mut clerk, &a);
    let rd = route(&mut w, &mut clerk, &d);
    let rc = route(&mut w, &mut clerk, &c);
    w.vault
        .inquire(&mut clerk, &b, &["稅務管理科".into()], None)
        .expect("inquire");
    w.vault.approve(&mut sup, &ra, "同意").expect("approve a");
    let ad = w
        .vault
        .approve(&mut sup, &rd, "同意")
        .expect("approve d")
        .id;
    w.vault
        .open_letter_affirming(&mut h, &a, "辦理", true)
        .expect("open a");
    let cp1 = w
        .vault
        .request_copy(&mut h, &a, "handler", CopyKind::Export, "會議使用")
        .expect("copy request")
        .id;
    w.vault
        .approve_copy(&mut sup, &cp1, "同意")
        .expect("approve copy");
    let earlier = tmp.path().join("earlier");
    snapshot(w.dir(), &earlier);
    // Since then: a revoke, a copy made, an identity asked for.
    w.vault.revoke(&mut sup, &ad, "改分").expect("revoke d");
    w.vault
        .run_export(&mut h, &cp1, CopyFormat::Pdf, &tmp.path().join("cp1.pdf"))
        .expect("copy 1");
    let rr = w
        .vault
        .reveal_request(&mut h, &a, "需通知陳情人補件")
        .expect("reveal request")
        .id;
    let code = RecoveryCode::parse(&w.recovery_code).expect("code");
    w.vault
        .recover_grant_ledger(&code, "auditor")
        .expect("auditor's ledger key");
    for s in [&mut clerk, &mut sup, &mut h] {
        w.vault.lock(s);
    }
    let mut sessions = HashMap::new();
    for who in ["admin", "clerk", "supervisor", "handler", "auditor"] {
        sessions.insert(who, w.login(who));
    }
    let now = tmp.path().join("now");
    snapshot(w.dir(), &now);
    for (k, v) in [
        ("a", a),
        ("b", b),
        ("c", c),
        ("d", d),
        ("rc", rc),
        ("rr", rr),
        ("cp1", cp1),
    ] {
        ids.insert(k, v);
    }
    Scene {
        _tmp: tmp,
        earlier,
        now,
        sessions,
        ids,
    }
}

/// Every role's next actions on the vault at `dir`, in order.
fn next_actions(scene: &mut Scene, dir: &Path, out: &Path) -> Vec<(&'static str, Outcome)> {
    let mut v = match Vault::open(dir, Arc::new(ManualClock::at(T0)), seeded_rng(77)) {
        Ok(v) => v,
        Err(e) => return vec![("open the vault", Err(e.kind().to_string()))],
    };
    let ids = scene.ids.clone();
    let s = &mut scene.sessions;
    let mut got: Vec<(&'static str, Outcome)> = Vec::new();
    let mut session = |who: &str| s.remove(who).expect("session");
    let (mut admin, mut clerk, mut sup, mut h, mut aud) = (
        session("admin"),
        session("clerk"),
        session("supervisor"),
        session("handler"),
        session("auditor"),
    );
    v.set_rng(seeded_rng(1001));
    got.push((
        "auditor: ledger entries",
        summary(v.ledger_entries(&mut aud).map(|es| {
            es.iter()
                .map(|e| {
                    format!(
                        "{} {} {} {} {:?}",
                        e.body.seq, e.body.user, e.body.action, e.body.outcome, e.forged
                    )
                })
                .collect::<Vec<_>>()
        })),
    ));
    v.set_rng(seeded_rng(1002));
    got.push(("admin: users", summary(v.list_users(&mut admin))));
    v.set_rng(seeded_rng(1003));
    got.push(("clerk: letters", summary(v.list_letters(&mut clerk))));
    v.set_rng(seeded_rng(1004));
    got.push(("clerk: requests", summary(v.requests(&mut clerk))));
    v.set_rng(seeded_rng(1005));
    got.push(("clerk: inquiries", summary(v.inquiries(&mut clerk))));
    v.set_rng(seeded_rng(1006));
    got.push((
        "clerk: endorse the reveal",
        summary(v.reveal_endorse(&mut clerk, &ids["rr"])),
    ));
    v.set_rng(seeded_rng(1007));
    got.push(("supervisor: requests", summary(v.requests(&mut sup))));
    v.set_rng(seeded_rng(1008));
    got.push(("supervisor: inquiries", summary(v.inquiries(&mut sup))));
    v.set_rng(seeded_rng(1009));
    got.push((
        "supervisor: unit assignments",
        summary(v.unit_assignments(&mut sup)),
    ));
    v.set_rng(seeded_rng(1010));
    got.push((
        "supervisor: approve the reveal",
        summary(v.approve(&mut sup, &ids["rr"], "同意")),
    ));
    v.set_rng(seeded_rng(1011));
    got.push((
        "supervisor: approve letter c",
        summary(v.approve(&mut sup, &ids["rc"], "同意")),
    ));
    v.set_rng(seeded_rng(1012));
    got.push(("handler: assignments", summary(v.assignments(&mut h))));
    for (name, letter) in [
        ("handler: open a", "a"),
        ("handler: open c", "c"),
        ("handler: open d", "d"),
        ("handler: open b", "b"),
    ] {
        v.set_rng(seeded_rng(1013));
        got.push((
            name,
            summary(v.open_letter_affirming(&mut h, &ids[letter], "辦理", true)),
        ));
    }
    v.set_rng(seeded_rng(1014));
    got.push((
        "handler: the identity of a",
        summary(v.reveal_show(&mut h, &ids["a"])),
    ));
    v.set_rng(seeded_rng(1015));
    got.push(("handler: copy requests", summary(v.copy_requests(&mut h))));
    v.set_rng(seeded_rng(1016));
    got.push((
        "handler: copy 1 again",
        summary(v.run_export(&mut h, &ids["cp1"], CopyFormat::Pdf, &out.join("again.pdf"))),
    ));
    v.set_rng(seeded_rng(1017));
    let cp2 = v.request_copy(
        &mut h,
        &ids["a"],
        "handler",
        CopyKind::Export,
        "再次會議使用",
    );
    let cp2_id = cp2.as_ref().ok().map(|r| r.id.clone());
    v.set_rng(seeded_rng(1018));
    got.push(("handler: ask for copy 2", summary(cp2)));
    match cp2_id {
        Some(id) => {
            got.push((
                "supervisor: approve copy 2",
                summary(v.approve_copy(&mut sup, &id, "同意")),
            ));
            let pdf = out.join("cp2.pdf");
            v.set_rng(seeded_rng(1019));
            let made = v.run_export(&mut h, &id, CopyFormat::Pdf, &pdf).map(|d| {
                let bytes = std::fs::read(&pdf).unwrap_or_default();
                (d.copy, hex::encode(crypto::sha256(&bytes)))
            });
            got.push(("handler: make copy 2 (its marks)", summary(made)));
        }
        None => {
            got.push(("supervisor: approve copy 2", Err("skipped".into())));
            got.push(("handler: make copy 2 (its marks)", Err("skipped".into())));
        }
    }
    v.set_rng(seeded_rng(1020));
    got.push((
        "clerk: copy register",
        summary(v.copy_register(&mut clerk, &ids["a"])),
    ));
    for (who, sess) in [
        ("admin", admin),
        ("clerk", clerk),
        ("supervisor", sup),
        ("handler", h),
        ("auditor", aud),
    ] {
        s.insert(who, sess);
    }
    got
}

/// One row of a table, by rowid, as the file holds it.
fn rows(db: &rusqlite::Connection, table: &str) -> BTreeMap<i64, Vec<Value>> {
    let n: usize = db
        .prepare(&format!("SELECT * FROM {table} LIMIT 0"))
        .expect("prep")
        .column_count();
    let mut st = db
        .prepare(&format!("SELECT rowid, * FROM {table}"))
        .expect("prep");
    let mut out = BTreeMap::new();
    let mut q = st.query([]).expect("q");
    while let Some(r) = q.next().expect("row") {
        let id: i64 = r.get(0).expect("rowid");
        let vals = (1..=n)
            .map(|i| r.get::<_, Value>(i).expect("value"))
            .collect();
        out.insert(id, vals);
    }
    out
}

fn columns(db: &rusqlite::Connection, table: &str) -> Vec<String> {
    db.prepare(&format!("SELECT * FROM {table} LIMIT 0"))
        .expect("prep")
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

fn tables(db: &rusqlite::Connection) -> Vec<String> {
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("prep")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("tables")
}

/// Other values a writer would put in a column: another row's, and a
/// nearby one of the same type.
fn edits(value: &Value, others: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    if let Some(o) = others.iter().find(|o| *o != value) {
        out.push(o.clone());
    }
    out.push(match value {
        Value::Null => Value::Integer(1),
        Value::Integer(i) if i.abs() > 1_000_000_000 => Value::Integer(i + 30 * 86_400_000),
        Value::Integer(i) => Value::Integer(if *i == 0 { 1 } else { 0 }),
        Value::Real(r) => Value::Real(r + 1.0),
        Value::Text(t) => Value::Text(format!("{t}改")),
        Value::Blob(b) => {
            let mut b = b.clone();
            if let Some(x) = b.last_mut() {
                *x ^= 1;
            } else {
                b.push(1);
            }
            Value::Blob(b)
        }
    });
    out.dedup();
    out
}

/// The file as the writer leaves it: a fresh copy of `now` with `edit`
/// applied (foreign keys, CHECKs and the ledger's triggers are no bar to
/// someone who writes the file).
fn edited(scene: &Scene, case: &Path, edit: impl FnOnce(&rusqlite::Connection) -> bool) -> bool {
    let _ = std::fs::remove_dir_all(case);
    std::fs::create_dir_all(case).expect("mkdir");
    std::fs::copy(
        scene.now.join(sealdesk_store::DB_FILE),
        case.join(sealdesk_store::DB_FILE),
    )
    .expect("copy");
    let db = crate::raw_ledger(case);
    db.execute_batch("PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF;")
        .expect("pragmas");
    edit(&db)
}

fn judge(case: &str, base: &[(&str, Outcome)], got: &[(&str, Outcome)], bad: &mut Vec<String>) {
    if let [("open the vault", kind)] = got {
        if kind.as_ref().err().map(String::as_str) != Some("integrity") {
            bad.push(format!("{case}: opening the vault: {kind:?}"));
        }
        return;
    }
    let mut integrity = false;
    for ((name, want), (_, have)) in base.iter().zip(got) {
        if have == want {
            continue;
        }
        if have.as_ref().err().map(String::as_str) == Some("integrity") {
            integrity = true;
            continue;
        }
        // After `integrity` the desk stops trusting the file: later steps
        // may be refused or differ, but nothing the reference refused may
        // now succeed.
        if integrity && (have.is_err() || want.is_ok()) {
            continue;
        }
        bad.push(format!("{case}: {name}: {}", difference(want, have)));
        // What follows a first difference differs because of it.
        return;
    }
}

/// Where two outcomes part, with some context.
fn difference(want: &Outcome, have: &Outcome) -> String {
    match (want, have) {
        (Ok(a), Ok(b)) => {
            let at = a
                .char_indices()
                .zip(b.chars())
                .find(|((_, x), y)| x != y)
                .map_or(0, |((i, _), _)| i);
            let from = a[..at].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
            let cut = |s: &str| s[from.min(s.len())..].chars().take(160).collect::<String>();
            format!("was …{}\n      now …{}", cut(a), cut(b))
        }
        _ => format!(
            "{have:?} where it was {}",
            match want {
                Ok(a) => format!("Ok({})", a.chars().take(120).collect::<String>()),
                Err(e) => format!("Err({e})"),
            }
        ),
    }
}

/// What this test leaves to others, and why:
/// * the throttling counters (`users.failed_logins`, `users.last_failed_at`,
///   `login_failures`, `login_throttle`) are unsigned by nature: they only
///   slow online guessing by people who cannot write the file; a writer can
///   already guess offline against the sealed key, which Argon2id bounds
///   (T6). Raising them delays a login; they grant nothing.
/// * the ledger's last entries deleted or renumbered: a clean cut of the
///   tail is a rollback (T5), which a desk's witness and verified state and
///   an auditor's kept checkpoint catch (`desk_state`, `ledger_attacks`);
///   the sessions here are reused across fresh processes that have neither.
fn left_to_others(table: &str, column: Option<&str>, rowid: i64, last_ledger_rows: &[i64]) -> bool {
    match (table, column) {
        ("users", Some("failed_logins" | "last_failed_at")) => true,
        ("login_failures" | "login_throttle", _) => true,
        ("ledger", None | Some("seq")) => last_ledger_rows.contains(&rowid),
        _ => false,
    }
}

#[test]
fn t10_any_edit_or_restored_row_ends_in_integrity_or_changes_nothing() {
    let mut scene = scene();
    let work = scene._tmp.path().join("cases");
    let mut bad = Vec::new();
    let mut cases = 0usize;
    let mut integrity_cases = 0usize;
    let now_db = rusqlite::Connection::open(scene.now.join(sealdesk_store::DB_FILE)).expect("now");
    let earlier_db =
        rusqlite::Connection::open(scene.earlier.join(sealdesk_store::DB_FILE)).expect("earlier");
    // The reference: the same actions on an unedited copy (twice: they
    // must be reproducible for the comparison to mean anything).
    let run = |scene: &mut Scene, edit: &dyn Fn(&rusqlite::Connection) -> bool| {
        let case = work.join("case");
        if !edited(scene, &case, |db| edit(db)) {
            return None;
        }
        let out = work.join("case-out");
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).expect("mkdir");
        Some(next_actions(scene, &case, &out))
    };
    let reference = run(&mut scene, &|_| true).expect("reference");
    let again = run(&mut scene, &|_| true).expect("reference");
    assert_eq!(reference, again, "the actions are reproducible");
    assert!(
        reference.iter().filter(|(_, o)| o.is_ok()).count() >= 15,
        "the workflow's next steps work: {reference:#?}"
    );
    for table in tables(&now_db) {
        let cols = columns(&now_db, &table);
        let now_rows = rows(&now_db, &table);
        let picked: Vec<i64> = {
            let keys: Vec<i64> = now_rows.keys().copied().collect();
            let mut p: Vec<i64> = keys.iter().take(3).copied().collect();
            p.extend(keys.iter().rev().take(3));
            p.sort();
            p.dedup();
            p
        };
        let last_ledger: Vec<i64> = if table == "ledger" {
            now_rows.keys().rev().take(3).copied().collect()
        } else {
            Vec::new()
        };
        for (ci, col) in cols.iter().enumerate() {
            let column_values: Vec<Value> = now_rows.values().map(|r| r[ci].clone()).collect();
            for rowid in &picked {
                if left_to_others(&table, Some(col), *rowid, &last_ledger) {
                    continue;
                }
                let value = now_rows[rowid][ci].clone();
                for new in edits(&value, &column_values) {
                    let label = format!("{table}.{col} of row {rowid} := {}", short(&new));
                    let sql = format!("UPDATE {table} SET \"{col}\" = ?1 WHERE rowid = ?2");
                    let got = run(&mut scene, &|db| {
                        db.execute(&sql, rusqlite::params![new, rowid]).is_ok()
                    });
                    if let Some(got) = got {
                        cases += 1;
                        if got
                            .iter()
                            .any(|(_, o)| o.as_ref().err().map(String::as_str) == Some("integrity"))
                        {
                            integrity_cases += 1;
                        }
                        judge(&label, &reference, &got, &mut bad);
                    }
                }
            }
        }
        // Rows put back from the earlier copy, or taken out because they
        // were not there yet.
        let earlier_rows = if tables(&earlier_db).contains(&table) {
            rows(&earlier_db, &table)
        } else {
            BTreeMap::new()
        };
        let placeholders = vec!["?"; cols.len() + 1].join(", ");
        let names = cols
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        for (rowid, old) in &earlier_rows {
            if now_rows.get(rowid) == Some(old)
                || left_to_others(&table, None, *rowid, &last_ledger)
            {
                continue;
            }
            let label = format!("{table} row {rowid} put back from earlier");
            let sql =
                format!("INSERT OR REPLACE INTO {table} (rowid, {names}) VALUES ({placeholders})");
            let got = run(&mut scene, &|db| {
                let mut vals: Vec<Value> = vec![Value::Integer(*rowid)];
                vals.extend(old.iter().cloned());
                db.execute(&sql, rusqlite::params_from_iter(vals)).is_ok()
            });
            if let Some(got) = got {
                cases += 1;
                judge(&label, &reference, &got, &mut bad);
            }
        }
        for rowid in now_rows
            .keys()
            .filter(|r| !earlier_rows.contains_key(r))
            .filter(|r| !left_to_others(&table, None, **r, &last_ledger))
        {
            let label = format!("{table} row {rowid} taken out (not there earlier)");
            let sql = format!("DELETE FROM {table} WHERE rowid = ?1");
            let got = run(&mut scene, &|db| db.execute(&sql, [rowid]).is_ok());
            if let Some(got) = got {
                cases += 1;
                judge(&label, &reference, &got, &mut bad);
            }
        }
    }
    eprintln!(
        "{cases} edits, {integrity_cases} ended in integrity; {} broke the promise",
        bad.len()
    );
    assert!(cases > 200, "{cases} cases");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

fn short(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("{:?}", t.chars().take(24).collect::<String>()),
        Value::Blob(b) => format!("<{} bytes>", b.len()),
    }
}
