//! Scenario tests live in `it/`; this library holds what they and the
//! benches share: the throwaway PostgreSQL server.

pub mod pg {
    //! The suite's second store. `scripts/test.sh` starts a throwaway
    //! PostgreSQL 15 with Debian's `pg_virtualenv` (which sets `PGHOST`,
    //! `PGPORT`, `PGUSER` and `PGPASSWORD`) and runs the API's scenario
    //! tests again with `SEALDESK_TEST_STORE=postgresql`: every `World` is
    //! then made on a new database of that server, reached over TCP with
    //! `sslmode=verify-full` against the server's own certificate. Nothing here reaches a server the tests did not start.

    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Whether this run puts its vaults on the server.
    pub fn wanted() -> bool {
        std::env::var("SEALDESK_TEST_STORE").is_ok_and(|v| v == "postgresql")
    }

    /// A superuser connection to the throwaway server over TCP.
    pub fn admin() -> postgres::Client {
        let port = std::env::var("PGPORT").expect(
            "PGPORT: the PostgreSQL tests run under pg_virtualenv (scripts/test.sh starts it)",
        );
        let user = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
        let password = std::env::var("PGPASSWORD").unwrap_or_default();
        postgres::Config::new()
            .host("localhost")
            .port(port.parse().expect("PGPORT is a number"))
            .user(&user)
            .password(password)
            .dbname("postgres")
            .connect(postgres::NoTls)
            .expect("the throwaway PostgreSQL server answers")
    }

    /// The server's certificate (self-signed, so also its CA) and the name
    /// it is issued to: desks reach the server as they would in an agency,
    /// over TCP with `sslmode=verify-full`.
    pub fn tls() -> (PathBuf, String) {
        let mut c = admin();
        let cert: String = c
            .query_one("SHOW ssl_cert_file", &[])
            .expect("ssl_cert_file")
            .get(0);
        let out = std::process::Command::new("openssl")
            .args(["x509", "-noout", "-ext", "subjectAltName", "-in", &cert])
            .output()
            .expect("openssl");
        let text = String::from_utf8_lossy(&out.stdout);
        let name = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .find_map(|w| w.strip_prefix("DNS:"))
            .unwrap_or("localhost")
            .to_owned();
        (PathBuf::from(cert), name)
    }

    /// A new empty database; its URL, as `user`.
    pub fn new_database_as(user: &str) -> (String, String) {
        static N: AtomicU32 = AtomicU32::new(0);
        // A random part (std's per-process hash keys), so two runs on one
        // server never meet.
        let salt = {
            use std::hash::{BuildHasher, Hasher};
            std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish()
                & 0xffff_ffff
        };
        let name = format!(
            "sd_{}_{}_{salt:x}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut c = admin();
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        (url_for(&name, user), name)
    }

    /// The URL of a database, as `user` (the password comes from
    /// `PGPASSWORD`, as libpq takes it).
    pub fn url_for(db: &str, user: &str) -> String {
        let port = std::env::var("PGPORT").unwrap_or_else(|_| "5432".into());
        let (cert, host) = tls();
        format!(
            "postgresql://{user}@{host}:{port}/{db}?sslmode=verify-full&sslrootcert={}",
            cert.display()
        )
    }

    /// Makes `dir` name a new database on the server (`vault.toml` with
    /// its URL, no root yet), for a vault about to be made there. Returns
    /// the database's name.
    pub fn server_vault_dir(dir: &Path) -> String {
        let user = std::env::var("PGUSER").unwrap_or_else(|_| "postgres".into());
        let (url, name) = new_database_as(&user);
        sealdesk_store::VaultConfig {
            store: url,
            root: String::new(),
        }
        .write(dir)
        .expect("vault.toml");
        name
    }
}
