//! The vault's storage: one SQLite file (`vault.sqlite`) in the vault folder.
//!
//! Architecture Invariant: this is the only crate that names `rusqlite`. It
//! stores bytes it cannot read: every secret column holds a sealed blob made
//! by `sealdesk-core`, and no function here takes a key. It decides nothing
//! about who may do what; `sealdesk-api` does.

mod copies;
mod ledger;
mod migrations;
mod routing;
mod rows;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

pub use copies::*;
pub use ledger::*;
pub use migrations::SCHEMA_VERSION;
pub use routing::*;
pub use rows::*;

/// The database file's name inside a vault folder.
pub const DB_FILE: &str = "vault.sqlite";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no vault at {0} (create one with `sealdesk init`)")]
    NotAVault(PathBuf),
    #[error("a vault already exists at {0}")]
    AlreadyExists(PathBuf),
    #[error("the vault was written by a newer Sealdesk (schema {found}, this one knows up to {supported}); update Sealdesk")]
    SchemaTooNew { found: i64, supported: i64 },
    #[error("the vault database is damaged: {0}")]
    Corrupt(String),
    #[error("the vault is busy (another Sealdesk is writing); try again")]
    Busy,
    #[error("cannot create the vault folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("storage error: {0}")]
    Sqlite(String),
    #[error("a row with this {0} already exists")]
    Duplicate(&'static str),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        // A value of another type than the column's (SQLite does not
        // enforce types): only someone who wrote the file puts one there.
        if let rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::IntegralValueOutOfRange(..) = e
        {
            return StoreError::Corrupt(format!(
                "a stored value has the wrong type ({e}): the vault file was altered"
            ));
        }
        if let rusqlite::Error::SqliteFailure(f, ref msg) = e {
            match f.code {
                C::DatabaseCorrupt | C::NotADatabase => {
                    return StoreError::Corrupt(msg.clone().unwrap_or_else(|| f.to_string()))
                }
                C::DatabaseBusy | C::DatabaseLocked => return StoreError::Busy,
                C::TooBig => {
                    return StoreError::Corrupt(format!(
                        "a stored value is larger than Sealdesk ever writes (over {} MiB): the vault file was altered",
                        MAX_VALUE_BYTES >> 20
                    ))
                }
                _ => {}
            }
        }
        StoreError::Sqlite(e.to_string())
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The largest value (string or blob) this store reads or writes: above the
/// largest sealed original a letter can have (64 MiB of file), and a bound
/// on what an altered row can make any read load into memory. SQLite
/// refuses a larger value when the row is read, before anything parses it.
pub const MAX_VALUE_BYTES: i32 = 96 << 20;

/// The largest ledger entry: events, statements, facts and attestations
/// are a few KiB at most (a session attests every few dozen entries). An
/// entry above it is refused before it is read, so one planted row cannot
/// make every login slow (the whole ledger is read at a desk's first login).
pub const MAX_LEDGER_ENTRY: usize = 1 << 20;

/// SQLite's settings that keep plaintext and deleted keys off the disk, as
/// read back from a connection (`PRAGMA` values: `temp_store` 2 is memory,
/// `synchronous` 2 is full, `secure_delete` 1 is on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protections {
    pub journal_mode: String,
    pub synchronous: String,
    pub secure_delete: String,
    pub temp_store: String,
}

/// An open vault database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    dir: PathBuf,
    /// A purge of the WAL was asked for and could not finish (another
    /// connection was reading): retried after each write and at close.
    purge_pending: std::cell::Cell<bool>,
}

impl Store {
    /// Creates a new vault folder and database, migrated to the current schema.
    pub fn create(dir: &Path) -> Result<Store> {
        let db = dir.join(DB_FILE);
        if db.exists() {
            return Err(StoreError::AlreadyExists(dir.to_owned()));
        }
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_owned(),
            source,
        })?;
        restrict_permissions(dir);
        let conn = Connection::open_with_flags(
            &db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        Self::finish_open(conn, dir)
    }

    /// Opens an existing vault, migrating an older schema forward.
    pub fn open(dir: &Path) -> Result<Store> {
        let db = dir.join(DB_FILE);
        if !db.is_file() {
            return Err(StoreError::NotAVault(dir.to_owned()));
        }
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        Self::finish_open(conn, dir)
    }

    fn finish_open(mut conn: Connection, dir: &Path) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_limit(
            rusqlite::limits::Limit::SQLITE_LIMIT_LENGTH,
            MAX_VALUE_BYTES,
        );
        // WAL for concurrent readers; FULL sync so a committed row survives
        // power loss (the ledger's fail-closed rule depends on it);
        // secure_delete so revoked wraps are overwritten, not left in free
        // pages; temp_store in memory so SQLite writes no temp files.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA secure_delete = ON;
             PRAGMA temp_store = MEMORY;",
        )?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            dir: dir.to_owned(),
            purge_pending: std::cell::Cell::new(false),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The connection's protective settings as SQLite reports them (a test
    /// asserts each one: no temp files, overwritten deletes, WAL, full sync).
    pub fn protections(&self) -> Result<Protections> {
        let get = |pragma: &str| -> Result<String> {
            Ok(self.conn.query_row(&format!("PRAGMA {pragma}"), [], |r| {
                r.get::<_, rusqlite::types::Value>(0).map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })?)
        };
        Ok(Protections {
            journal_mode: get("journal_mode")?,
            synchronous: get("synchronous")?,
            secure_delete: get("secure_delete")?,
            temp_store: get("temp_store")?,
        })
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Reads in one consistent snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        f(&Db(&self.conn))
    }

    /// Runs `f` in one IMMEDIATE transaction, committed (durably) only if it
    /// returns `Ok`.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Db<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let out = f(&Db(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        if self.purge_pending.get() {
            // Best effort, without waiting: the next write or the close
            // tries again.
            let _ = self.purge_wal(std::time::Duration::ZERO);
        }
        Ok(out)
    }

    /// Moves every committed page into the database file and truncates the
    /// WAL to zero bytes, so that rows just deleted (with `secure_delete`
    /// zeroing them in the file) leave no older copy in the WAL. Waits at
    /// most `within` for readers on other connections; returns whether the
    /// WAL was emptied. When it was not, the store tries again after each
    /// write and when it closes.
    pub fn purge_wal(&self, within: std::time::Duration) -> Result<bool> {
        let deadline = std::time::Instant::now() + within;
        self.conn
            .busy_timeout(std::time::Duration::from_millis(20))?;
        let done = loop {
            let step = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    r.get::<_, i64>(0)
                });
            match step.map_err(StoreError::from) {
                Ok(0) => break Ok(true),
                Ok(_) | Err(StoreError::Busy) => {}
                Err(e) => break Err(e),
            }
            if std::time::Instant::now() >= deadline {
                break Ok(false);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        self.conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let done = done?;
        self.purge_pending.set(!done);
        Ok(done)
    }

    /// `PRAGMA integrity_check`: `Ok(())` or the first problem reported.
    pub fn integrity_check(&self) -> Result<()> {
        let msg: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if msg == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(msg))
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.purge_pending.get() {
            let _ = self.purge_wal(std::time::Duration::from_secs(2));
        }
    }
}

#[cfg(unix)]
fn restrict_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: the vault is sealed anyway, but no other local user needs
    // to list it.
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn restrict_permissions(_dir: &Path) {}

/// A connection inside a read or a write; every query lives on it.
#[derive(Debug)]
pub struct Db<'c>(&'c Connection);

impl Db<'_> {
    pub fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .0
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn meta_set(&self, key: &str, value: &[u8]) -> Result<()> {
        self.0.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            rusqlite::params![key, value],
        )?;
        Ok(())
    }
}
