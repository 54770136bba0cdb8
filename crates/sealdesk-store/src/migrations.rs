//! Schema migrations, from an empty file up. `PRAGMA user_version` holds the
//! schema version; each step runs in its own transaction.

use rusqlite::Connection;

use crate::{Result, StoreError};

/// Steps in order: `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: vault metadata, accounts, letters, sealed records and key wraps.
    "CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) STRICT;

    CREATE TABLE users (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL UNIQUE,
        unit              TEXT,
        roles             TEXT NOT NULL,
        public_key        BLOB NOT NULL CHECK (length(public_key) = 32),
        sealed_secret_key BLOB NOT NULL,
        disabled          INTEGER NOT NULL DEFAULT 0,
        created_at        INTEGER NOT NULL,
        failed_logins     INTEGER NOT NULL DEFAULT 0,
        last_failed_at    INTEGER
    ) STRICT;

    -- Every wrong passphrase, kept (the ledger records them too).
    CREATE TABLE login_failures (
        id        INTEGER PRIMARY KEY,
        user_name TEXT NOT NULL,
        at        INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE letters (
        id            TEXT PRIMARY KEY,
        receipt_no    TEXT NOT NULL UNIQUE,
        level         TEXT NOT NULL,
        category      TEXT NOT NULL,
        registered_by TEXT NOT NULL REFERENCES users(id),
        registered_at INTEGER NOT NULL
    ) STRICT;

    -- A data key exists only as wraps; this row names what it protects.
    CREATE TABLE data_keys (
        id        TEXT PRIMARY KEY,
        letter_id TEXT NOT NULL REFERENCES letters(id),
        purpose   TEXT NOT NULL,
        UNIQUE (letter_id, purpose)
    ) STRICT;

    CREATE TABLE key_wraps (
        key_id     TEXT NOT NULL REFERENCES data_keys(id),
        recipient  TEXT NOT NULL,
        wrapped    BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (key_id, recipient)
    ) STRICT;

    CREATE TABLE records (
        id         TEXT PRIMARY KEY,
        key_id     TEXT NOT NULL REFERENCES data_keys(id),
        purpose    TEXT NOT NULL,
        sealed     BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        UNIQUE (key_id, purpose)
    ) STRICT;",
    // 2: the ledger, its checkpoints, and the vault-wide secrets (ledger
    // reader key, workstation signing key) wrapped to their holders.
    "CREATE TABLE ledger (
        seq       INTEGER PRIMARY KEY,
        prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
        sealed    BLOB NOT NULL,
        hash      BLOB NOT NULL CHECK (length(hash) = 32)
    ) STRICT;

    -- Append-only, also against a bug in Sealdesk itself. (Someone with the
    -- file can drop these; the chain and signed checkpoints catch that.)
    CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

    CREATE TABLE ledger_checkpoints (
        seq       INTEGER PRIMARY KEY,
        head_hash BLOB NOT NULL CHECK (length(head_hash) = 32),
        at        INTEGER NOT NULL,
        signature BLOB NOT NULL
    ) STRICT;

    CREATE TABLE secret_wraps (
        secret    TEXT NOT NULL,
        recipient TEXT NOT NULL,
        wrapped   BLOB NOT NULL,
        PRIMARY KEY (secret, recipient)
    ) STRICT;",
    // 3: need-to-know routing: inquiries, requests with two-layer grants,
    // and time-boxed assignments.
    "CREATE TABLE inquiries (
        id          TEXT PRIMARY KEY,
        letter_id   TEXT NOT NULL REFERENCES letters(id),
        unit        TEXT NOT NULL,
        asked_by    TEXT NOT NULL REFERENCES users(id),
        asked_at    INTEGER NOT NULL,
        answer      TEXT,
        answered_by TEXT REFERENCES users(id),
        answered_at INTEGER
    ) STRICT;

    -- The routing slip of an inquiry, sealed under its own key.
    CREATE TABLE inquiry_slips (
        inquiry_id TEXT PRIMARY KEY REFERENCES inquiries(id),
        sealed     BLOB NOT NULL
    ) STRICT;

    CREATE TABLE requests (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('access', 'reveal')),
        letter_id    TEXT NOT NULL REFERENCES letters(id),
        unit         TEXT NOT NULL,
        handler      TEXT NOT NULL REFERENCES users(id),
        requested_by TEXT NOT NULL REFERENCES users(id),
        requested_at INTEGER NOT NULL,
        until        INTEGER NOT NULL,
        reason       TEXT NOT NULL,
        status       TEXT NOT NULL,
        decided_by   TEXT REFERENCES users(id),
        decided_at   INTEGER,
        decision     TEXT
    ) STRICT;

    -- A grant's outer layer: the inner wrap (data key to the handler)
    -- wrapped again to one supervisor of the unit.
    CREATE TABLE grant_layers (
        request_id TEXT NOT NULL REFERENCES requests(id),
        supervisor TEXT NOT NULL REFERENCES users(id),
        wrapped    BLOB NOT NULL,
        PRIMARY KEY (request_id, supervisor)
    ) STRICT;

    CREATE TABLE assignments (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL,
        letter_id   TEXT NOT NULL REFERENCES letters(id),
        key_id      TEXT NOT NULL REFERENCES data_keys(id),
        handler     TEXT NOT NULL REFERENCES users(id),
        unit        TEXT NOT NULL,
        request_id  TEXT NOT NULL REFERENCES requests(id),
        starts_at   INTEGER NOT NULL,
        until       INTEGER NOT NULL,
        ended_at    INTEGER,
        end_reason  TEXT,
        affirmed_at INTEGER
    ) STRICT;",
    // 4: integrity against a writer of the file. Checkpoints signed with a
    // key every account held give way to attestations in the ledger itself;
    // request reasons and decisions are sealed; failed logins keep only an
    // account id, and unknown names are throttled by a short hash bucket.
    "DROP TABLE ledger_checkpoints;

    ALTER TABLE requests DROP COLUMN reason;
    ALTER TABLE requests DROP COLUMN decision;
    -- The request's reason and decision, sealed under the request's key.
    ALTER TABLE requests ADD COLUMN sealed BLOB NOT NULL DEFAULT x'';

    -- The approving supervisor's signature over the assignment (handler,
    -- key, period), so an end date edited in the file is refused.
    ALTER TABLE assignments ADD COLUMN signature BLOB NOT NULL DEFAULT x'';

    DROP TABLE login_failures;
    CREATE TABLE login_failures (
        id      INTEGER PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        at      INTEGER NOT NULL
    ) STRICT;

    -- Wrong passphrases for names that are no account, by a 16-bit bucket of
    -- a salted hash of the name: enough to throttle, too little to read a
    -- passphrase typed into the name field back out of.
    CREATE TABLE login_throttle (
        bucket         INTEGER PRIMARY KEY,
        failures       INTEGER NOT NULL,
        last_failed_at INTEGER NOT NULL
    ) STRICT;",
    // 5: marked exports and prints. An export request's approval is signed
    // by the deciding supervisor; each copy made is registered, signed by
    // the person who made it, one row per recipient.
    // The kinds are widened by rebuilding the table (SQLite cannot alter a
    // CHECK); `migrate` runs this with foreign keys off and checks them
    // before commit.
    "CREATE TABLE requests_new (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('access', 'reveal', 'export', 'print')),
        letter_id    TEXT NOT NULL REFERENCES letters(id),
        unit         TEXT NOT NULL,
        handler      TEXT NOT NULL REFERENCES users(id),
        requested_by TEXT NOT NULL REFERENCES users(id),
        requested_at INTEGER NOT NULL,
        until        INTEGER NOT NULL,
        status       TEXT NOT NULL,
        decided_by   TEXT REFERENCES users(id),
        decided_at   INTEGER,
        sealed       BLOB NOT NULL DEFAULT x'',
        -- An export or print request's approval, signed by the supervisor.
        approval     BLOB NOT NULL DEFAULT x''
    ) STRICT;
    INSERT INTO requests_new (id, kind, letter_id, unit, handler, requested_by, requested_at,
                              until, status, decided_by, decided_at, sealed)
        SELECT id, kind, letter_id, unit, handler, requested_by, requested_at,
               until, status, decided_by, decided_at, sealed FROM requests;
    DROP TABLE requests;
    ALTER TABLE requests_new RENAME TO requests;

    CREATE TABLE copies (
        id          TEXT PRIMARY KEY,
        letter_id   TEXT NOT NULL REFERENCES letters(id),
        request_id  TEXT NOT NULL UNIQUE REFERENCES requests(id),
        copy_no     INTEGER NOT NULL CHECK (copy_no > 0),
        kind        TEXT NOT NULL,
        format      TEXT NOT NULL,
        recipient   TEXT NOT NULL,
        made_by     TEXT NOT NULL,
        approved_by TEXT NOT NULL,
        made_at     INTEGER NOT NULL,
        pages       INTEGER NOT NULL,
        code        TEXT NOT NULL UNIQUE,
        signature   BLOB NOT NULL,
        UNIQUE (letter_id, copy_no)
    ) STRICT;",
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    // Steps may rebuild a table that others reference (SQLite's documented
    // way to change a constraint): foreign keys are off while they run, and
    // checked before each step commits.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = (|| {
        for (i, step) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(step)?;
            let broken: i64 =
                tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if broken > 0 {
                return Err(StoreError::Corrupt(format!(
                    "step {} left {broken} broken reference(s)",
                    i + 1
                )));
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vault at schema 4 with a request, its grant layer and its
    /// assignment is taken to 5: the rows keep their values and
    /// references, and the new kinds are accepted (only those).
    #[test]
    fn schema_4_to_5_keeps_requests_and_what_references_them() {
        let mut conn = Connection::open_in_memory().expect("db");
        conn.execute_batch("PRAGMA foreign_keys = ON").expect("fk");
        for (i, step) in MIGRATIONS.iter().take(4).enumerate() {
            conn.execute_batch(step).expect("step");
            conn.pragma_update(None, "user_version", (i + 1) as i64)
                .expect("version");
        }
        conn.execute_batch(
            "INSERT INTO users (id, name, unit, roles, public_key, sealed_secret_key, created_at)
                 VALUES ('u1', 'lin', '秘書室', 'clerk', zeroblob(32), x'01', 1),
                        ('u2', 'wang', '稅務科', 'handler', zeroblob(32), x'01', 1);
             INSERT INTO letters (id, receipt_no, level, category, registered_by, registered_at)
                 VALUES ('l1', 'SD-115-00001', '密', 'petition', 'u1', 1);
             INSERT INTO data_keys (id, letter_id, purpose) VALUES ('k1', 'l1', 'letter');
             INSERT INTO requests (id, kind, letter_id, unit, handler, requested_by, requested_at,
                                   until, status, decided_by, decided_at, sealed)
                 VALUES ('r1', 'access', 'l1', '稅務科', 'u2', 'u1', 5, 9, 'approved', 'u1', 6, x'aabb');
             INSERT INTO grant_layers (request_id, supervisor, wrapped) VALUES ('r1', 'u1', x'01');
             INSERT INTO assignments (id, kind, letter_id, key_id, handler, unit, request_id,
                                      starts_at, until, signature)
                 VALUES ('a1', 'access', 'l1', 'k1', 'u2', '稅務科', 'r1', 6, 9, x'02');",
        )
        .expect("rows at schema 4");
        migrate(&mut conn).expect("to 5");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, SCHEMA_VERSION);
        let row: (String, String, i64, Vec<u8>, Vec<u8>) = conn
            .query_row(
                "SELECT kind, status, decided_at, sealed, approval FROM requests WHERE id = 'r1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .expect("request kept");
        assert_eq!(
            row,
            (
                "access".into(),
                "approved".into(),
                6,
                vec![0xaa, 0xbb],
                vec![]
            )
        );
        let fk: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .expect("check");
        assert_eq!(fk, 0);
        // Foreign keys are on again, and still point at `requests`.
        assert!(conn
            .execute(
                "INSERT INTO assignments (id, kind, letter_id, key_id, handler, unit, request_id,
                                          starts_at, until, signature)
                 VALUES ('a2', 'access', 'l1', 'k1', 'u2', '稅務科', 'no-such-request', 6, 9, x'02')",
                [],
            )
            .is_err());
        for (kind, ok) in [("export", true), ("print", true), ("bogus", false)] {
            let done = conn.execute(
                "INSERT INTO requests (id, kind, letter_id, unit, handler, requested_by,
                                       requested_at, until, status)
                 VALUES (?1, ?2, 'l1', '稅務科', 'u2', 'u2', 7, 9, 'pending')",
                [format!("r-{kind}"), kind.to_owned()],
            );
            assert_eq!(done.is_ok(), ok, "{kind}");
        }
    }
}
