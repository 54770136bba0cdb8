//! `vault.toml`: what names a vault on a server. A desk's vault folder holds
//! it instead of `vault.sqlite`:
//!
//! ```toml
//! store = "postgresql://desk@db.agency.gov.tw/sealdesk?sslrootcert=/etc/sealdesk/ca.crt"
//! root = "3f1c…"   # SHA-256 of the vault root's public key, hex
//! ```
//!
//! The root pins the vault this desk expects: a server holding another
//! vault (another root) is refused before anything is written.

use std::path::{Path, PathBuf};

use crate::{Result, StoreError};

/// The config file's name inside a vault folder.
pub const CONFIG_FILE: &str = "vault.toml";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultConfig {
    /// The store's URL (`postgresql://…`).
    pub store: String,
    /// The vault root's fingerprint, hex; empty until the vault is made.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub root: String,
}

impl VaultConfig {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(CONFIG_FILE)
    }

    /// The config in a vault folder, if it has one.
    pub fn read(dir: &Path) -> Result<Option<VaultConfig>> {
        Self::read_file(&Self::path(dir))
            .map(Some)
            .or_else(|e| match e {
                StoreError::Io { ref source, .. }
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    Ok(None)
                }
                e => Err(e),
            })
    }

    /// A config file given to a desk (`sealdesk vault join FILE`).
    pub fn read_file(path: &Path) -> Result<VaultConfig> {
        let text = std::fs::read_to_string(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        let c: VaultConfig = toml::from_str(&text).map_err(|e| {
            StoreError::BadStoreUrl(format!("{} is not a vault config: {e}", path.display()))
        })?;
        if !c.store.starts_with("postgresql://") && !c.store.starts_with("postgres://") {
            return Err(StoreError::BadStoreUrl(format!(
                "{}: the store must be a postgresql:// URL",
                path.display()
            )));
        }
        Ok(c)
    }

    /// Writes the config into a vault folder (made if missing), readable
    /// only by this user (the URL may hold a password).
    pub fn write(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            path: dir.to_owned(),
            source,
        })?;
        crate::restrict_permissions(dir);
        let path = Self::path(dir);
        let text = format!(
            "# Sealdesk vault on a server. `store`: where; `root`: the vault this desk expects.\n{}",
            toml::to_string(self).map_err(|e| StoreError::BadStoreUrl(e.to_string()))?
        );
        let tmp = dir.join(".vault.toml.new");
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(|source| StoreError::Io { path, source })?;
        Ok(())
    }
}
