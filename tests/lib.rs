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
        static TLS: std::sync::OnceLock<(PathBuf, String)> = std::sync::OnceLock::new();
        TLS.get_or_init(|| {
            let mut c = admin();
            let cert: String = c
                .query_one("SHOW ssl_cert_file", &[])
                .expect("ssl_cert_file")
                .get(0);
            let names = dns_names(Path::new(&cert));
            // The certificate Debian gives the server names this machine;
            // when that name does not lead back to the server here, the
            // throwaway server gets a certificate of its own for localhost.
            // (SEALDESK_TEST_OWN_CERT=1 takes that way on any machine.)
            let own = std::env::var_os("SEALDESK_TEST_OWN_CERT").is_some();
            if let Some(name) = names.iter().find(|n| !own && reaches_loopback(n)) {
                return (PathBuf::from(cert), name.clone());
            }
            (own_certificate(&mut c), "localhost".to_owned())
        })
        .clone()
    }

    fn dns_names(cert: &Path) -> Vec<String> {
        let out = std::process::Command::new("openssl")
            .args(["x509", "-noout", "-ext", "subjectAltName", "-in"])
            .arg(cert)
            .output()
            .expect("openssl");
        String::from_utf8_lossy(&out.stdout)
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter_map(|w| w.strip_prefix("DNS:"))
            .map(str::to_owned)
            .collect()
    }

    fn reaches_loopback(name: &str) -> bool {
        use std::net::ToSocketAddrs;
        (name, 5432)
            .to_socket_addrs()
            .map(|mut a| a.any(|a| a.ip() == std::net::Ipv4Addr::LOCALHOST))
            .unwrap_or(false)
    }

    /// A self-signed certificate for localhost, made with openssl and put
    /// in place on the throwaway server (its data folder is the tests').
    fn own_certificate(c: &mut postgres::Client) -> PathBuf {
        let data: String = c
            .query_one("SHOW data_directory", &[])
            .expect("data dir")
            .get(0);
        let dir = Path::new(&data);
        let (crt, key) = (dir.join("sealdesk-test.crt"), dir.join("sealdesk-test.key"));
        let made = std::process::Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost",
                // An end entity, as Debian's own (a CA used as one is refused).
                "-addext",
                "basicConstraints=critical,CA:FALSE",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&crt)
            .output()
            .expect("openssl req");
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        // The server reads its key only if it owns it, mode 0600.
        let owner = std::process::Command::new("stat")
            .args(["-c", "%U"])
            .arg(dir)
            .output()
            .expect("stat");
        let owner = String::from_utf8_lossy(&owner.stdout).trim().to_owned();
        let _ = std::process::Command::new("chown")
            .arg(&owner)
            .arg(&crt)
            .arg(&key)
            .status();
        let _ = std::process::Command::new("chmod")
            .arg("600")
            .arg(&key)
            .status();
        for (setting, file) in [("ssl_cert_file", &crt), ("ssl_key_file", &key)] {
            c.batch_execute(&format!(
                "ALTER SYSTEM SET {setting} = '{}'",
                file.display()
            ))
            .expect("point the server at it");
        }
        c.batch_execute("SELECT pg_reload_conf()").expect("reload");
        std::thread::sleep(std::time::Duration::from_millis(500));
        crt
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
