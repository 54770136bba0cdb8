//! The vault's storage: one SQLite file (`vault.sqlite`) in the vault
//! folder, the embedded default; or, for an agency, one PostgreSQL database
//! named by the folder's `vault.toml` (see [`config`]).
//!
//! Architecture Invariant: this is the only crate that names `rusqlite` or
//! `postgres`. It stores bytes it cannot read: every secret column holds a
//! sealed blob made by `sealdesk-core`, and no function here takes a key. It
//! decides nothing about who may do what; `sealdesk-api` does. Both stores
//! run the same queries (`sql`): [`Store`] is an enum over the two
//! connections, and [`Db`] one statement runner over either, so the API,
//! the CLI and the app never learn which one they talk to.

pub mod config;
mod copies;
mod copy;
mod ledger;
mod migrations;
mod pg;
mod routing;
mod rows;
mod sql;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use config::{VaultConfig, CONFIG_FILE};
pub use copies::*;
pub use copy::{copy_vault, table_counts};
pub use ledger::*;
pub use migrations::SCHEMA_VERSION;
pub use pg::{redact_url, DESK_ROLE};
pub use routing::*;
pub use rows::*;

use sql::{p, Conn};

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
    #[error("{0}")]
    BadStoreUrl(String),
    /// The server cannot be reached (stopped, network down): nothing of the
    /// act was written; try again when it is back.
    #[error("{0}")]
    Unreachable(String),
    /// The server said no: credentials, its certificate, a privilege.
    #[error("{0}")]
    Refused(String),
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
                C::ConstraintViolation
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
                {
                    return StoreError::Duplicate("row")
                }
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

/// Which store a vault is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// One SQLite file in the vault folder.
    Sqlite,
    /// An agency's PostgreSQL server.
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

#[derive(Debug)]
enum Inner {
    Sqlite(Connection),
    Postgres(Box<pg::PgStore>),
}

/// An open vault database.
#[derive(Debug)]
pub struct Store {
    inner: Inner,
    dir: PathBuf,
    /// The server vault's config (`None` for a SQLite folder).
    config: Option<VaultConfig>,
    /// A purge of the WAL was asked for and could not finish (another
    /// connection was reading): retried after each write and at close.
    purge_pending: std::cell::Cell<bool>,
}

impl Store {
    /// Creates a new vault: a folder and SQLite file, or, when the folder
    /// holds a `vault.toml` naming a server (and no root yet), the vault's
    /// schema on that server's empty database.
    pub fn create(dir: &Path) -> Result<Store> {
        if let Some(config) = VaultConfig::read(dir)? {
            if !config.root.is_empty() {
                return Err(StoreError::AlreadyExists(dir.to_owned()));
            }
            let target = pg::parse_target(&config.store)?;
            let store = pg::PgStore::open(target)?;
            {
                let mut client = store.client()?;
                pg::create_schema(&mut client, SCHEMA_VERSION)?;
            }
            return Ok(Store {
                inner: Inner::Postgres(Box::new(store)),
                dir: dir.to_owned(),
                config: Some(config),
                purge_pending: std::cell::Cell::new(false),
            });
        }
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

    /// Opens an existing vault, migrating an older SQLite schema forward.
    pub fn open(dir: &Path) -> Result<Store> {
        if let Some(config) = VaultConfig::read(dir)? {
            let target = pg::parse_target(&config.store)?;
            let store = pg::PgStore::open(target)?;
            let found = pg::schema_version(&mut *store.client()?)?;
            if found == 0 {
                return Err(StoreError::NotAVault(dir.to_owned()));
            }
            if found > SCHEMA_VERSION {
                return Err(StoreError::SchemaTooNew {
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            return Ok(Store {
                inner: Inner::Postgres(Box::new(store)),
                dir: dir.to_owned(),
                config: Some(config),
                purge_pending: std::cell::Cell::new(false),
            });
        }
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
            inner: Inner::Sqlite(conn),
            dir: dir.to_owned(),
            config: None,
            purge_pending: std::cell::Cell::new(false),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// Where the vault is, for people: the folder, or the server's URL
    /// without its password.
    pub fn location(&self) -> String {
        match &self.inner {
            Inner::Sqlite(_) => self.dir.display().to_string(),
            Inner::Postgres(p) => p.shown().to_owned(),
        }
    }

    /// The vault root this desk pins (a server vault's `vault.toml`).
    pub fn pinned_root(&self) -> Option<&str> {
        self.config
            .as_ref()
            .map(|c| c.root.as_str())
            .filter(|r| !r.is_empty())
    }

    /// Pins the vault root in the folder's `vault.toml` (at creation).
    pub fn pin_root(&mut self, root: &str) -> Result<()> {
        if let Some(c) = &mut self.config {
            c.root = root.to_owned();
            c.write(&self.dir)?;
        }
        Ok(())
    }

    /// The connection's protective settings as SQLite reports them (a test
    /// asserts each one: no temp files, overwritten deletes, WAL, full sync).
    pub fn protections(&self) -> Result<Protections> {
        let Inner::Sqlite(conn) = &self.inner else {
            return Err(StoreError::Sqlite(
                "a server vault has no file settings".into(),
            ));
        };
        let get = |pragma: &str| -> Result<String> {
            Ok(conn.query_row(&format!("PRAGMA {pragma}"), [], |r| {
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
        match &self.inner {
            Inner::Sqlite(conn) => Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?),
            Inner::Postgres(p) => pg::schema_version(&mut *p.client()?),
        }
    }

    /// Reads in one consistent snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        match &self.inner {
            Inner::Sqlite(conn) => f(&Db(Conn::Lite(conn))),
            Inner::Postgres(p) => in_server_transaction(p, false, f),
        }
    }

    /// Runs `f` in one write transaction, committed (durably) only if it
    /// returns `Ok`. On SQLite an IMMEDIATE transaction; on PostgreSQL one
    /// that first takes the vault's write lock, so writes from every desk
    /// are serialized alike.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Db<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        match &mut self.inner {
            Inner::Sqlite(conn) => {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?;
                let out = f(&Db(Conn::Lite(&tx)))?;
                tx.commit().map_err(StoreError::from)?;
                if self.purge_pending.get() {
                    // Best effort, without waiting: the next write or the
                    // close tries again.
                    let _ = self.purge_wal(std::time::Duration::ZERO);
                }
                Ok(out)
            }
            Inner::Postgres(p) => in_server_transaction(p, true, f),
        }
    }

    /// Leaves no older copy of rows just deleted where this store can
    /// reach it. SQLite: moves every committed page into the file and
    /// truncates the WAL to zero bytes (`secure_delete` zeroed the rows in
    /// the file); waits at most `within` for readers on other connections
    /// and returns whether the WAL was emptied (when not, the store tries
    /// again after each write and when it closes). PostgreSQL: `VACUUM FULL`
    /// of the tables that hold key wraps and sealed private keys, which
    /// rewrites them into new files (a plain VACUUM frees a dead row's slot
    /// but leaves its bytes in the page: measured); the old files are
    /// unlinked. The server's WAL, replicas and base backups keep the old row
    /// versions until they age out, which no desk can reach (ARCHITECTURE.md,
    /// "Erasure on each store"). Returns whether it ran: it needs the tables'
    /// owner (a desk's role is not: the owner's scheduled `VACUUM FULL` then
    /// does it), and their lock within the desk's `lock_timeout`; its cost
    /// grows with the tables. Sealed records are not rewritten: without a
    /// wrap their key is gone.
    pub fn purge_wal(&self, within: std::time::Duration) -> Result<bool> {
        let conn = match &self.inner {
            Inner::Sqlite(conn) => conn,
            Inner::Postgres(p) => {
                let mut client = p.client()?;
                // VACUUM skips, with only a warning, a table whose owner the
                // caller is not: ask first (a desk's role is not the owner).
                let owns = client
                    .query_one(
                        "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()
                           AND tablename IN ('key_wraps', 'secret_wraps', 'grant_layers', 'users')
                           AND pg_has_role(current_user, tableowner, 'USAGE')",
                        &[],
                    )
                    .map_err(pg::error)?
                    .get::<_, i64>(0)
                    == 4;
                return Ok(owns
                    && client
                        .batch_execute("VACUUM FULL key_wraps, secret_wraps, grant_layers, users")
                        .is_ok());
            }
        };
        let deadline = std::time::Instant::now() + within;
        conn.busy_timeout(std::time::Duration::from_millis(20))?;
        let done = loop {
            let step = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
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
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let done = done?;
        self.purge_pending.set(!done);
        Ok(done)
    }

    /// The store's own consistency check: SQLite's `PRAGMA
    /// integrity_check`; on a server, the ledger's chain as the server
    /// itself checks it (every row's predecessor present, no gap).
    pub fn integrity_check(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(conn) => {
                let msg: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                if msg == "ok" {
                    Ok(())
                } else {
                    Err(StoreError::Corrupt(msg))
                }
            }
            Inner::Postgres(_) => self.read(|db| {
                let (n, max) = db.ledger_count()?;
                if n != max {
                    return Err(StoreError::Corrupt(format!(
                        "the server's ledger holds {n} entries numbered up to {max}: rows are missing"
                    )));
                }
                Ok(())
            }),
        }
    }
}

/// Runs `f` on the server. A write is one transaction, committed only if it
/// returns `Ok`, that first takes
/// the vault's write lock in its own statement, so that under READ
/// COMMITTED each later statement sees every write committed before the
/// lock was granted. A connection the server ended is dropped, to be made
/// again at the next call.
fn in_server_transaction<T, E: From<StoreError>>(
    p: &pg::PgStore,
    write: bool,
    f: impl FnOnce(&Db<'_>) -> Result<T, E>,
) -> Result<T, E> {
    let out = (|| {
        let mut client = p.client()?;
        let conn = if write {
            let mut tx = client.transaction().map_err(pg::error)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&pg::WRITE_LOCK])
                .map_err(pg::error)?;
            sql::PgConn::Tx(tx)
        } else {
            sql::PgConn::Client(&mut client)
        };
        let db = Db(Conn::Pg {
            tx: std::cell::RefCell::new(conn),
            cache: &p.cache,
        });
        let out = f(&db)?;
        if let Some(tx) = db.into_pg() {
            tx.commit().map_err(pg::error)?;
        }
        Ok(out)
    })();
    p.drop_if_closed();
    out
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.purge_pending.get() {
            let _ = self.purge_wal(std::time::Duration::from_secs(2));
        }
    }
}

#[cfg(unix)]
pub(crate) fn restrict_permissions(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // Best effort: the vault is sealed anyway, but no other local user needs
    // to list it.
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
pub(crate) fn restrict_permissions(_dir: &Path) {}

/// A connection inside a read or a write; every query lives on it.
#[derive(Debug)]
pub struct Db<'c>(Conn<'c>);

impl<'c> Db<'c> {
    /// The server transaction to commit (`None` for SQLite's, which its
    /// caller commits).
    fn into_pg(self) -> Option<postgres::Transaction<'c>> {
        match self.0 {
            Conn::Pg { tx, .. } => match tx.into_inner() {
                sql::PgConn::Tx(t) => Some(t),
                sql::PgConn::Client(_) => None,
            },
            Conn::Lite(_) => None,
        }
    }

    pub fn meta_get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        self.0
            .one("SELECT value FROM meta WHERE key = ?1", p![key], |r| {
                r.get(0)
            })
    }

    pub fn meta_set(&self, key: &str, value: &[u8]) -> Result<()> {
        self.0.exec(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            p![key, value],
        )?;
        Ok(())
    }
}
