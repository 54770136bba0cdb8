//! Vaults on a server: naming one (`vault.toml`), pinning its root, and
//! setting up a desk to join it.

use std::path::Path;
use std::sync::Arc;

use sealdesk_core::directory::SignedGenesis;
use sealdesk_store::{Backend, StoreError, VaultConfig};

use crate::clock::Clock;
use crate::{ApiError, ApiRng, Result, Vault};

/// The vault root's fingerprint: SHA-256 of its public key, hex. What a
/// desk's `vault.toml` pins.
pub fn root_fingerprint(g: &SignedGenesis) -> String {
    hex::encode(sealdesk_core::crypto::sha256(&g.genesis.root_public_key))
}

/// Names a server for a vault about to be made in `dir`
/// (`sealdesk init --store URL`): writes `vault.toml` with the URL; the
/// root is pinned once the vault is made.
pub fn name_server(dir: &Path, url: &str) -> Result<()> {
    if dir.join(sealdesk_store::DB_FILE).exists() || VaultConfig::read(dir)?.is_some() {
        return Err(StoreError::AlreadyExists(dir.to_owned()).into());
    }
    VaultConfig {
        store: url.to_owned(),
        root: String::new(),
    }
    .write(dir)?;
    Ok(())
}

/// What a desk is connected to, for people (`sealdesk vault info`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoreInfo {
    /// `sqlite` or `postgresql`.
    pub backend: String,
    /// The folder, or the server's URL without its password.
    pub location: String,
    /// The vault root's fingerprint.
    pub root: String,
}

impl Vault {
    /// Sets up this desk on a server vault from the config file an
    /// administrator gave (`sealdesk vault join FILE`): the file must pin a
    /// root, and the server must hold that vault. Nothing is written on the
    /// server; the config is kept in `dir` only when it checks out.
    pub fn join(file: &Path, dir: &Path, clock: Arc<dyn Clock>, rng: ApiRng) -> Result<Vault> {
        let config = VaultConfig::read_file(file)?;
        if config.root.is_empty() {
            return Err(ApiError::BadInput(format!(
                "{} pins no vault root (root = \"…\"); ask for the file `sealdesk vault info` prints on a desk of the vault",
                file.display()
            )));
        }
        if dir.join(sealdesk_store::DB_FILE).exists() || VaultConfig::read(dir)?.is_some() {
            return Err(StoreError::AlreadyExists(dir.to_owned()).into());
        }
        config.write(dir)?;
        match Vault::open(dir, clock, rng) {
            Ok(v) => Ok(v),
            Err(e) => {
                let _ = std::fs::remove_file(VaultConfig::path(dir));
                Err(e)
            }
        }
    }

    /// The store this desk talks to.
    pub fn store_info(&mut self) -> Result<StoreInfo> {
        let root = root_fingerprint(self.load_genesis()?);
        Ok(StoreInfo {
            backend: self.store.backend().name().to_owned(),
            location: self.store.location(),
            root,
        })
    }

    /// The config a new desk joins this vault with (a server vault only):
    /// the URL as this desk has it and the root.
    pub fn join_config(&mut self) -> Result<String> {
        if self.store.backend() != Backend::Postgres {
            return Err(ApiError::BadInput(
                "this vault is a folder on this machine; other desks join a vault on a server (sealdesk vault migrate --to postgresql://…)".into(),
            ));
        }
        let root = root_fingerprint(self.load_genesis()?);
        let mut c = VaultConfig::read(self.store.dir())?
            .ok_or_else(|| ApiError::Store(StoreError::NotAVault(self.store.dir().to_owned())))?;
        c.root = root;
        Ok(format!(
            "store = {}\nroot = {}\n",
            toml_string(&sealdesk_store::redact_url(&c.store)),
            toml_string(&c.root)
        ))
    }

    /// Refuses a server that holds another vault than the one this desk
    /// pinned (another root), before anything is written.
    pub(crate) fn check_pinned_root(&self, g: &SignedGenesis) -> Result<()> {
        if let Some(pinned) = self.store.pinned_root() {
            let found = root_fingerprint(g);
            if found != pinned {
                return Err(ApiError::Integrity(format!(
                    "the server at {} holds another vault (root {}…), not the one this desk joined (root {}…); nothing was written",
                    self.store.location(),
                    &found[..12.min(found.len())],
                    &pinned[..12.min(pinned.len())]
                )));
            }
        }
        Ok(())
    }
}

/// What `sealdesk vault migrate` did: the rows copied per table, counted
/// again on both sides, and the ledger head both stores hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Migration {
    pub from: String,
    pub to: String,
    /// `(table, rows)` as copied.
    pub tables: Vec<(String, i64)>,
    pub ledger_entries: u64,
    /// The head's hash, hex; the same on both stores.
    pub ledger_head: String,
}

/// Copies the vault in `from` into a new store named by `to`: a folder with
/// a `vault.toml` naming an empty server database (`sealdesk init`'s
/// `name_server`), or a new folder for a SQLite file. Verified by a count
/// of every table on both sides and the ledger head, and by verifying the
/// copy's ledger; the new folder's config then pins the vault's root.
pub fn migrate_vault(from: &Path, to: &Path) -> Result<Migration> {
    let source = sealdesk_store::Store::open(from)?;
    let mut target = sealdesk_store::Store::create(to)?;
    let copied = sealdesk_store::copy_vault(&source, &mut target)?;
    let (a, b) = (
        sealdesk_store::table_counts(&source)?,
        sealdesk_store::table_counts(&target)?,
    );
    if a != b || a != copied {
        return Err(ApiError::Integrity(format!(
            "the copy's rows differ from the vault's: {a:?} against {b:?}"
        )));
    }
    let heads = (
        source.read(|db| db.ledger_head())?,
        target.read(|db| db.ledger_head())?,
    );
    let Some((seq, hash)) = heads.0.clone().filter(|_| heads.0 == heads.1) else {
        return Err(ApiError::Integrity(
            "the copy's ledger head differs from the vault's".into(),
        ));
    };
    let (from_shown, to_shown) = (source.location(), target.location());
    drop(target);
    let mut copy = Vault::open(
        to,
        Arc::new(crate::clock::SystemClock),
        crate::clock::os_seeded_rng(),
    )?;
    let report = copy.ledger_verify(None)?;
    if !report.intact {
        return Err(ApiError::Integrity(
            "the copy's ledger does not verify".into(),
        ));
    }
    let root = root_fingerprint(copy.load_genesis()?);
    copy.store.pin_root(&root)?;
    Ok(Migration {
        from: from_shown,
        to: to_shown,
        tables: copied,
        ledger_entries: u64::try_from(seq).unwrap_or(0),
        ledger_head: hex::encode(hash),
    })
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
