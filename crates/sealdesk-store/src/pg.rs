//! The agency's store: one PostgreSQL database holding exactly what the
//! SQLite file holds (sealed records, wraps, certificates, the sealed
//! ledger), with the server's own guards on the ledger:
//!
//! * the desks' role may `SELECT` and `INSERT` ledger rows, never `UPDATE`,
//!   `DELETE` or `TRUNCATE` them (privileges, and triggers against the
//!   owner's own mistakes); only the owner role changes the schema;
//! * the server checks the chain itself: a row's `(seq − 1, prev_hash)` must
//!   be an existing `(seq, hash)` (a foreign key on a generated column), and
//!   its `hash` must be SHA-256 over the chain label, `seq`, `prev_hash` and
//!   the sealed bytes, as `sealdesk_core::ledger::chain_hash` computes it;
//! * every write transaction first takes one advisory lock, in its own
//!   statement under READ COMMITTED, so writes from all desks are serialized
//!   as SQLite serializes them (one chain, consecutive sequence numbers);
//!   `lock_timeout` and `idle_in_transaction_session_timeout` are set on the
//!   database, so a desk that holds the lock and stalls is cut off.
//!
//! A superuser can still rewrite rows: the desks' witnesses catch that.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use postgres::types::{to_sql_checked, IsNull, ToSql, Type};

use crate::sql::{Param, Row, Val};
use crate::{Result, StoreError};

/// The advisory lock every write takes first (any constant; "SEALDESK" in
/// ASCII, so a DBA reading `pg_locks` can tell whose it is).
pub(crate) const WRITE_LOCK: i64 = 0x5345_414c_4445_534b;

/// The schema this store keeps its tables in.
pub(crate) const SCHEMA: &str = "sealdesk";

/// The role desks connect as (members of it); granted what a desk needs.
pub const DESK_ROLE: &str = "sealdesk_desk";

/// How long a desk waits for another desk's write before it says `busy`,
/// and how long a transaction may sit idle holding the write lock.
const LOCK_TIMEOUT: &str = "5s";
const IDLE_TIMEOUT: &str = "30s";

/// The server's schema, at [`crate::SCHEMA_VERSION`]: the same tables and
/// columns as the SQLite file's, in PostgreSQL's types.
const SCHEMA_SQL: &str = include_str!("pg_schema.sql");

/// The tables a desk writes in full (all but the ledger).
pub(crate) const TABLES: &[&str] = &[
    "meta",
    "users",
    "letters",
    "data_keys",
    "key_wraps",
    "records",
    "secret_wraps",
    "inquiries",
    "inquiry_slips",
    "requests",
    "grant_layers",
    "assignments",
    "login_failures",
    "login_throttle",
    "copies",
];

/// How a desk reaches the server: the parsed URL and the TLS it demands.
#[derive(Clone)]
pub(crate) struct Target {
    config: postgres::Config,
    tls: Option<Arc<rustls::ClientConfig>>,
    /// The URL without its password, for messages.
    shown: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.shown)
    }
}

/// Parses a store URL (`postgresql://user@host:port/db?sslmode=…`).
///
/// `sslmode` is Sealdesk's, not the driver's: `verify-full` (the default)
/// demands TLS with the server's certificate checked against
/// `sslrootcert` (default `~/.postgresql/root.crt`, as libpq) and its name
/// against the host; `disable` is accepted only for a local socket (a
/// `host` that is a path). Anything weaker over a network is refused: the
/// driver would otherwise take any certificate.
pub(crate) fn parse_target(url: &str) -> Result<Target> {
    let bad = |why: String| StoreError::BadStoreUrl(why);
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (url, ""),
    };
    let mut sslmode = None;
    let mut rootcert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => sslmode = Some(percent_decode(v)),
            "sslrootcert" => rootcert = Some(percent_decode(v)),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config: postgres::Config = rest
        .parse()
        .map_err(|e| bad(format!("cannot read the store URL: {e}")))?;
    if config.get_user().is_none() {
        if let Ok(user) = std::env::var("PGUSER") {
            config.user(&user);
        }
    }
    if config.get_password().is_none() {
        if let Ok(p) = std::env::var("PGPASSWORD") {
            config.password(p);
        }
    }
    config.connect_timeout(std::time::Duration::from_secs(10));
    config.application_name("sealdesk");
    let local = !config.get_hosts().is_empty()
        && config
            .get_hosts()
            .iter()
            .all(|h| matches!(h, postgres::config::Host::Unix(_)));
    let mode = sslmode.unwrap_or_else(|| {
        if local {
            "disable".into()
        } else {
            "verify-full".into()
        }
    });
    let tls = match mode.as_str() {
        "disable" if local => None,
        "disable" => {
            return Err(bad(
                "sslmode=disable is allowed only over a local socket (host=/path); a desk reaches a server over the network with sslmode=verify-full".into(),
            ))
        }
        "verify-full" => {
            let path = match rootcert {
                Some(p) => std::path::PathBuf::from(p),
                None => dirs_home()
                    .map(|h| h.join(".postgresql").join("root.crt"))
                    .ok_or_else(|| bad("sslmode=verify-full needs sslrootcert=FILE (the CA that signed the server's certificate)".into()))?,
            };
            Some(Arc::new(tls_config(&path)?))
        }
        other => {
            return Err(bad(format!(
                "sslmode={other} does not verify the server; Sealdesk takes verify-full (or disable over a local socket)"
            )))
        }
    };
    if tls.is_some() {
        config.ssl_mode(postgres::config::SslMode::Require);
    } else {
        config.ssl_mode(postgres::config::SslMode::Disable);
    }
    Ok(Target {
        config,
        tls,
        shown: redact_url(url),
    })
}

fn dirs_home() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(Into::into)
}

/// The URL with any password taken out (`postgresql://desk:***@host/db`).
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (auth, tail) = match rest.split_once('@') {
        Some((a, t)) => (Some(a), t),
        None => (None, rest),
    };
    let tail = tail
        .split('&')
        .map(|kv| {
            if kv.starts_with("password=") || kv.contains("?password=") {
                let (k, _) = kv.split_once("password=").unwrap_or((kv, ""));
                format!("{k}password=***")
            } else {
                kv.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    match auth {
        Some(a) => {
            let user = a
                .split_once(':')
                .map(|(u, _)| format!("{u}:***"))
                .unwrap_or_else(|| a.to_owned());
            format!("{scheme}://{user}@{tail}")
        }
        None => format!("{scheme}://{tail}"),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn tls_config(rootcert: &std::path::Path) -> Result<rustls::ClientConfig> {
    use rustls_pki_types::pem::PemObject;
    let bad = |why: String| StoreError::BadStoreUrl(why);
    let certs: Vec<_> = rustls_pki_types::CertificateDer::pem_file_iter(rootcert)
        .map_err(|e| {
            bad(format!(
                "cannot read the server's CA certificate {}: {e}",
                rootcert.display()
            ))
        })?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| {
            bad(format!(
                "cannot read the server's CA certificate {}: {e}",
                rootcert.display()
            ))
        })?;
    let mut roots = rustls::RootCertStore::empty();
    for c in certs {
        roots.add(c).map_err(|e| {
            bad(format!(
                "{} holds an unusable certificate: {e}",
                rootcert.display()
            ))
        })?;
    }
    if roots.is_empty() {
        return Err(bad(format!("{} holds no certificate", rootcert.display())));
    }
    // ring, not aws-lc-rs (rustls's default), which would add a CMake build
    // of a C library to every machine that builds Sealdesk; ring lacks only
    // the post-quantum key exchange, which PostgreSQL does not offer.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Opens a connection, in the vault's schema, with the desk's timeouts.
pub(crate) fn connect(target: &Target) -> Result<postgres::Client> {
    let client = match &target.tls {
        Some(cfg) => target
            .config
            .connect(tokio_postgres_rustls::MakeRustlsConnect::new(
                (**cfg).clone(),
            )),
        None => target.config.connect(postgres::NoTls),
    };
    let mut client = client.map_err(|e| connect_error(&target.shown, e))?;
    client
        .batch_execute(&format!(
            "SET search_path TO {SCHEMA};
             SET lock_timeout = '{LOCK_TIMEOUT}';
             SET idle_in_transaction_session_timeout = '{IDLE_TIMEOUT}';"
        ))
        .map_err(error)?;
    Ok(client)
}

fn connect_error(shown: &str, e: postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let c = db.code();
        use postgres::error::SqlState as S;
        if *c == S::INVALID_PASSWORD || *c == S::INVALID_AUTHORIZATION_SPECIFICATION {
            return StoreError::Refused(format!(
                "the vault server at {shown} refused this desk's credentials ({})",
                db.message()
            ));
        }
        if *c == S::INVALID_CATALOG_NAME {
            return StoreError::Refused(format!(
                "the vault server at {shown} has no such database ({})",
                db.message()
            ));
        }
    }
    let mut why = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        why = format!("{why}: {s}");
        src = s.source();
    }
    if why.contains("certificate") || why.contains("Certificate") || why.contains("tls") {
        return StoreError::Refused(format!(
            "the vault server at {shown} did not prove who it is (TLS: {why}); nothing was sent"
        ));
    }
    StoreError::Unreachable(format!("cannot reach the vault server at {shown}: {why}"))
}

/// A driver error as the store's.
pub(crate) fn error(e: postgres::Error) -> StoreError {
    use postgres::error::SqlState as S;
    if let Some(db) = e.as_db_error() {
        let c = db.code();
        if *c == S::UNIQUE_VIOLATION {
            return StoreError::Duplicate("row");
        }
        if *c == S::LOCK_NOT_AVAILABLE
            || *c == S::T_R_SERIALIZATION_FAILURE
            || *c == S::T_R_DEADLOCK_DETECTED
            || *c == S::QUERY_CANCELED
        {
            return StoreError::Busy;
        }
        if *c == S::ADMIN_SHUTDOWN || *c == S::CRASH_SHUTDOWN || *c == S::CANNOT_CONNECT_NOW {
            return StoreError::Unreachable(format!(
                "the vault server ended this desk's connection ({}); nothing of this act was written",
                db.message()
            ));
        }
        if *c == S::INSUFFICIENT_PRIVILEGE {
            return StoreError::Refused(format!("the vault server refused: {}", db.message()));
        }
        if *c == S::UNDEFINED_TABLE || *c == S::INVALID_SCHEMA_NAME {
            return StoreError::Corrupt(format!(
                "the server's database holds no Sealdesk vault ({})",
                db.message()
            ));
        }
        return StoreError::Sqlite(format!("the vault server: {}", db.message()));
    }
    if e.is_closed() || std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>()) {
        return StoreError::Unreachable(format!(
            "the connection to the vault server was lost ({e}); nothing of this act was written"
        ));
    }
    StoreError::Unreachable(format!("the vault server: {e}"))
}

/// A result row as the store's values.
pub(crate) fn row(r: &postgres::Row) -> Result<Row> {
    let mut vals = Vec::with_capacity(r.len());
    for (i, col) in r.columns().iter().enumerate() {
        let ty = col.type_();
        let v = if *ty == Type::INT8 {
            r.try_get::<_, Option<i64>>(i)
                .map(|v| v.map_or(Val::Null, Val::Int))
        } else if *ty == Type::INT4 {
            r.try_get::<_, Option<i32>>(i)
                .map(|v| v.map_or(Val::Null, |v| Val::Int(i64::from(v))))
        } else if *ty == Type::INT2 {
            r.try_get::<_, Option<i16>>(i)
                .map(|v| v.map_or(Val::Null, |v| Val::Int(i64::from(v))))
        } else if *ty == Type::BOOL {
            r.try_get::<_, Option<bool>>(i)
                .map(|v| v.map_or(Val::Null, |v| Val::Int(i64::from(v))))
        } else if *ty == Type::BYTEA {
            r.try_get::<_, Option<Vec<u8>>>(i)
                .map(|v| v.map_or(Val::Null, Val::Blob))
        } else if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::NAME {
            r.try_get::<_, Option<String>>(i)
                .map(|v| v.map_or(Val::Null, Val::Text))
        } else {
            return Err(StoreError::Corrupt(format!(
                "the server returned a column of type {ty}, which Sealdesk never stores"
            )));
        };
        vals.push(
            v.map_err(|e| StoreError::Corrupt(format!("a stored value cannot be read: {e}")))?,
        );
    }
    Ok(Row(vals))
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            Param::Null => Ok(IsNull::Yes),
            Param::Int(v) => {
                if *ty == Type::INT8 {
                    v.to_sql(ty, out)
                } else if *ty == Type::INT4 {
                    i32::try_from(v)?.to_sql(ty, out)
                } else if *ty == Type::INT2 {
                    i16::try_from(v)?.to_sql(ty, out)
                } else if *ty == Type::BOOL {
                    (v != 0).to_sql(ty, out)
                } else {
                    Err(format!("an integer where the server expects {ty}").into())
                }
            }
            Param::Text(s) => s.to_sql(ty, out),
            Param::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A connection that reconnects after the server went away, with the
/// statements it prepared.
pub(crate) struct PgStore {
    target: Target,
    client: RefCell<Option<postgres::Client>>,
    pub(crate) cache: RefCell<HashMap<String, postgres::Statement>>,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgStore({})", self.target.shown)
    }
}

impl PgStore {
    pub(crate) fn open(target: Target) -> Result<PgStore> {
        let client = connect(&target)?;
        Ok(PgStore {
            target,
            client: RefCell::new(Some(client)),
            cache: RefCell::new(HashMap::new()),
        })
    }

    pub(crate) fn shown(&self) -> &str {
        &self.target.shown
    }

    /// The live client, reconnecting when the last one was lost.
    pub(crate) fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        let mut slot = self.client.borrow_mut();
        if slot.as_ref().is_none_or(|c| c.is_closed()) {
            *slot = None;
            self.cache.borrow_mut().clear();
            *slot = Some(connect(&self.target)?);
        }
        std::cell::RefMut::filter_map(slot, Option::as_mut).map_err(|_| {
            StoreError::Unreachable(format!(
                "no connection to the vault server at {}",
                self.target.shown
            ))
        })
    }

    /// Forgets the connection after an error that may have broken it.
    pub(crate) fn drop_if_closed(&self) {
        let mut slot = self.client.borrow_mut();
        if slot.as_ref().is_some_and(|c| c.is_closed()) {
            *slot = None;
            self.cache.borrow_mut().clear();
        }
    }
}

/// The schema version the server's database holds (0: none yet).
pub(crate) fn schema_version(client: &mut postgres::Client) -> Result<i64> {
    let exists = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_info'",
            &[&SCHEMA],
        )
        .map_err(error)?;
    if exists.get::<_, i64>(0) == 0 {
        return Ok(0);
    }
    let row = client
        .query_opt(&format!("SELECT version FROM {SCHEMA}.schema_info"), &[])
        .map_err(error)?;
    Ok(row.map(|r| r.get::<_, i64>(0)).unwrap_or(0))
}

/// Creates the vault's schema on an empty database, as its owner, and
/// grants the desks' role what a desk does: everything on the working
/// tables, only `SELECT` and `INSERT` on the ledger.
pub(crate) fn create_schema(client: &mut postgres::Client, version: i64) -> Result<()> {
    if schema_version(client)? != 0 {
        return Err(StoreError::Refused(
            "the server's database already holds a Sealdesk vault".into(),
        ));
    }
    // The desks' role: made if this owner may, else the DBA made it.
    let role_exists = |client: &mut postgres::Client| -> Result<bool> {
        Ok(client
            .query_one(
                "SELECT count(*) FROM pg_roles WHERE rolname = $1",
                &[&DESK_ROLE],
            )
            .map_err(error)?
            .get::<_, i64>(0)
            > 0)
    };
    if !role_exists(client)? {
        if let Err(e) = client.batch_execute(&format!("CREATE ROLE {DESK_ROLE} NOLOGIN")) {
            // Another vault on the same server may have made it at the same
            // moment (the server then says so in one of several ways): it
            // is an error only if the role is still not there.
            if !role_exists(client)? {
                return Err(StoreError::Refused(format!(
                    "cannot create the desks' role {DESK_ROLE} ({e}); ask the database administrator to run CREATE ROLE {DESK_ROLE} NOLOGIN"
                )));
            }
        }
    }
    let mut tx = client.transaction().map_err(error)?;
    let db: String = tx
        .query_one("SELECT current_database()", &[])
        .map_err(error)?
        .get(0);
    tx.batch_execute(&format!(
        "CREATE SCHEMA {SCHEMA};
         SET LOCAL search_path TO {SCHEMA};
         {SCHEMA_SQL}
         INSERT INTO schema_info (version) VALUES ({version});
         REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
         GRANT USAGE ON SCHEMA {SCHEMA} TO {DESK_ROLE};
         GRANT SELECT ON schema_info TO {DESK_ROLE};
         GRANT SELECT, INSERT ON ledger TO {DESK_ROLE};
         GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {DESK_ROLE};
         GRANT USAGE ON SEQUENCE login_failures_id_seq TO {DESK_ROLE};
         ALTER DATABASE \"{}\" SET lock_timeout = '{LOCK_TIMEOUT}';
         ALTER DATABASE \"{}\" SET idle_in_transaction_session_timeout = '{IDLE_TIMEOUT}';",
        TABLES.join(", "),
        db.replace('"', "\"\""),
        db.replace('"', "\"\""),
    ))
    .map_err(error)?;
    tx.commit().map_err(error)?;
    client
        .batch_execute(&format!("SET search_path TO {SCHEMA}"))
        .map_err(error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_url_without_verification_is_refused() {
        for url in [
            "postgresql://desk@db.example/vault?sslmode=disable",
            "postgresql://desk@db.example/vault?sslmode=require",
            "postgresql://desk@db.example/vault?sslmode=prefer",
        ] {
            let e = parse_target(url).expect_err(url);
            assert!(matches!(e, StoreError::BadStoreUrl(_)), "{url}: {e}");
        }
        // A local socket may go without TLS, and does by default.
        let t = parse_target("postgresql://desk@/vault?host=/run/postgresql").expect("socket");
        assert!(t.tls.is_none());
        // verify-full with a CA file that is not there: a clear error.
        let e = parse_target("postgresql://desk@db.example/vault?sslrootcert=/no/such.crt")
            .expect_err("missing CA");
        assert!(e.to_string().contains("/no/such.crt"), "{e}");
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact_url("postgresql://desk:s3cret@db/vault?sslmode=verify-full"),
            "postgresql://desk:***@db/vault?sslmode=verify-full"
        );
        assert_eq!(
            redact_url("postgresql://db/vault?user=desk&password=s3cret"),
            "postgresql://db/vault?user=desk&password=***"
        );
    }
}
