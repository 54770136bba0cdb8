//! The attacker's toolkit: what a reader or writer of the vault file (T5,
//! T6, T10 in ../shared/threat-model.md) does with it, without the API —
//! open the SQLite file, read and rewrite rows, take one's own key from the
//! `users` row, rebuild the ledger. Every file-level attack test uses these,
//! so each attack is written once.

use std::path::Path;

use sealdesk_core::crypto::{self, SigningKey};
use sealdesk_core::directory::Genesis;

use crate::pass;

/// The vault file opened directly, as a writer of it would (no API).
pub fn raw(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(sealdesk_store::DB_FILE)).expect("raw open")
}

/// [`raw`], with the ledger's append-only triggers dropped (anyone with
/// write access to the file can do that; `IF EXISTS` because some tests
/// open the file more than once).
pub fn raw_ledger(dir: &Path) -> rusqlite::Connection {
    let db = raw(dir);
    db.execute_batch(
        "DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete;",
    )
    .expect("drop triggers");
    db
}

/// An account's id, read from the file.
pub fn user_id(db: &rusqlite::Connection, name: &str) -> String {
    db.query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .expect("user id")
}

/// What a user who knows their own passphrase can take from a copy of the
/// vault file: their account id and their own private key, opened straight
/// from the `users` row (not through the API).
pub fn own_key_from_file(
    db: &rusqlite::Connection,
    user: &str,
) -> (String, sealdesk_core::crypto::UserSecretKey) {
    let (id, sealed): (String, Vec<u8>) = db
        .query_row(
            "SELECT id, sealed_secret_key FROM users WHERE name = ?1",
            [user],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("user row");
    let own = sealdesk_core::crypto::open_user_secret_key(&sealed, &pass(user), &id)
        .expect("own key opens with own passphrase")
        .key;
    (id, own)
}

/// The vault's store opened below the API — the SQLite file, or the
/// server's database when the folder names one — as a reader of it reads
/// it: with the store's own queries, no key and no permission check. The
/// readers below work on either store, so the tests that use them run on
/// both (scripts/test.sh).
pub fn store_of(dir: &Path) -> sealdesk_store::Store {
    sealdesk_store::Store::open(dir).expect("the store opens")
}

/// [`own_key_from_file`], from whichever store the vault is on.
pub fn own_key_in_store(dir: &Path, user: &str) -> (String, sealdesk_core::crypto::UserSecretKey) {
    let row = store_of(dir)
        .read(|db| db.user_by_name(user))
        .expect("read")
        .expect("user row");
    let own =
        sealdesk_core::crypto::open_user_secret_key(&row.sealed_secret_key, &pass(user), &row.id)
            .expect("own key opens with own passphrase")
            .key;
    (row.id, own)
}

/// Every wrapped data key in the store (of one letter, if named), as
/// `(key id, purpose, wrap)`.
pub fn key_wraps_in_store(dir: &Path, letter: Option<&str>) -> Vec<(String, String, Vec<u8>)> {
    store_of(dir)
        .read(|db| {
            let mut out = Vec::new();
            for k in db.list_data_keys()? {
                if letter.is_some_and(|l| l != k.letter_id) {
                    continue;
                }
                for r in db.recipients_of(&k.id)? {
                    if let Some(w) = db.wrap_for(&k.id, &r)? {
                        out.push((k.id.clone(), k.purpose.clone(), w));
                    }
                }
            }
            Ok(out)
        })
        .expect("wraps")
}

/// The purposes of the records under `key_id` that open with `dk`.
pub fn records_opening_in_store(
    dir: &Path,
    dk: &sealdesk_core::crypto::DataKey,
    key_id: &str,
) -> Vec<String> {
    store_of(dir)
        .read(|db| db.records_under(key_id))
        .expect("records")
        .into_iter()
        .filter(|r| {
            sealdesk_core::crypto::open_record(
                dk,
                &sealdesk_core::crypto::RecordBinding {
                    record_id: &r.id,
                    purpose: &r.purpose,
                },
                &r.sealed,
            )
            .is_ok()
        })
        .map(|r| r.purpose)
        .collect()
}

/// Every wrapped data key in the file, as `(key id, purpose, wrap)`.
pub fn all_key_wraps(db: &rusqlite::Connection) -> Vec<(String, String, Vec<u8>)> {
    let mut st = db
        .prepare("SELECT w.key_id, k.purpose, w.wrapped FROM key_wraps w JOIN data_keys k ON k.id = w.key_id")
        .expect("prepare");
    let wraps = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    wraps
}

/// One `ledger` row as it sits in the file (or in an export's chain.jsonl).
#[derive(Debug, Clone)]
pub struct Row {
    pub seq: u64,
    pub prev: [u8; 32],
    pub sealed: Vec<u8>,
    pub hash: [u8; 32],
}

pub fn h32(v: &[u8]) -> [u8; 32] {
    v.try_into().expect("32 bytes")
}

pub fn read_rows(db: &rusqlite::Connection) -> Vec<Row> {
    db.prepare("SELECT seq, prev_hash, sealed, hash FROM ledger ORDER BY seq")
        .expect("prep")
        .query_map([], |r| {
            Ok(Row {
                seq: u64::try_from(r.get::<_, i64>(0)?).expect("seq"),
                prev: h32(&r.get::<_, Vec<u8>>(1)?),
                sealed: r.get(2)?,
                hash: h32(&r.get::<_, Vec<u8>>(3)?),
            })
        })
        .expect("q")
        .collect::<Result<_, _>>()
        .expect("rows")
}

pub fn insert_row(db: &rusqlite::Connection, r: &Row) {
    db.execute(
        "INSERT INTO ledger (seq, prev_hash, sealed, hash) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            i64::try_from(r.seq).expect("seq"),
            r.prev.to_vec(),
            r.sealed,
            r.hash.to_vec()
        ],
    )
    .expect("insert");
}

/// Replaces the whole ledger table with `rows`, in one transaction.
pub fn replace_ledger(db: &mut rusqlite::Connection, rows: &[Row]) {
    let tx = db.transaction().expect("tx");
    tx.execute("DELETE FROM ledger", []).expect("clear");
    for r in rows {
        insert_row(&tx, r);
    }
    tx.commit().expect("commit");
}

/// The genesis as stored in `meta` (public: vault id, root and reader keys).
pub fn genesis_of(db: &rusqlite::Connection) -> Genesis {
    let json: Vec<u8> = db
        .query_row("SELECT value FROM meta WHERE key = 'genesis'", [], |r| {
            r.get(0)
        })
        .expect("genesis row");
    serde_json::from_slice(&json).expect("genesis json")
}

/// What a user who knows their own passphrase can derive: their account id
/// and their own Ed25519 signing key (the key their attestations carry).
pub fn own_signing_key(db: &rusqlite::Connection, name: &str) -> (String, SigningKey) {
    let (id, own) = own_key_from_file(db, name);
    let key = own.derive_signing_key(crypto::USER_SIGNING_LABEL);
    (id, key)
}

/// Reads an export's chain.jsonl.
pub fn read_chain(dir: &Path) -> Vec<Row> {
    std::fs::read_to_string(dir.join("chain.jsonl"))
        .expect("chain.jsonl")
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("line");
            let hx = |k: &str| hex::decode(v[k].as_str().expect("hex")).expect("hex");
            Row {
                seq: v["seq"].as_u64().expect("seq"),
                prev: h32(&hx("prev_hash")),
                sealed: hx("sealed"),
                hash: h32(&hx("hash")),
            }
        })
        .collect()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read").flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}
