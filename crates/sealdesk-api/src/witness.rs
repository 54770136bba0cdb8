//! Every desk a witness: what this desk last saw of the ledger, kept in the
//! user's own data directory (outside the vault folder), checked at login
//! and read by `ledger verify` as an anchor.

use std::path::PathBuf;

use sealdesk_core::ledger::Witness;

use crate::ledger::h32;
use crate::{Result, Vault};

impl Vault {
    /// Where this desk keeps what it last saw of the ledger: a folder in the
    /// user's own data directory, outside the vault folder. Unset, no
    /// witness is kept (tests that do not test it).
    pub fn set_witness_dir(&mut self, dir: Option<PathBuf>) {
        self.witness_dir = dir;
    }

    fn witness_path(&self, vault_id: &str, user_id: &str) -> Option<PathBuf> {
        self.witness_dir
            .as_ref()
            .map(|d| d.join(vault_id).join(format!("{user_id}.json")))
    }

    pub(crate) fn local_witnesses(&self, vault_id: &str) -> Vec<Witness> {
        let Some(dir) = self.witness_dir.as_ref().map(|d| d.join(vault_id)) else {
            return Vec::new();
        };
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        rd.filter_map(|e| e.ok())
            .filter_map(|e| std::fs::read(e.path()).ok())
            .filter_map(|b| serde_json::from_slice::<Witness>(&b).ok())
            .filter(|w| w.vault_id == vault_id)
            .collect()
    }

    /// Checks that the ledger extends what this user's desk saw last.
    /// Returns a warning to show when it does not (and the witness is then
    /// left as it was, as evidence).
    pub(crate) fn check_witness(&mut self, user_id: &str) -> Result<Option<String>> {
        let vault_id = self.genesis()?.genesis.vault_id;
        let Some(path) = self.witness_path(&vault_id, user_id) else {
            return Ok(None);
        };
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(None);
        };
        let Ok(w) = serde_json::from_slice::<Witness>(&bytes) else {
            return Ok(Some(format!(
                "this desk's record of the ledger ({}) is unreadable",
                path.display()
            )));
        };
        let stored = self
            .store
            .read(|db| db.ledger_hash_at(i64::try_from(w.seq).unwrap_or(i64::MAX)))?;
        match stored {
            Some(h) if h.as_slice() == w.head_hash.as_slice() => Ok(None),
            Some(_) => Ok(Some(format!(
                "the ledger has forked: entry {} differs from what this desk saw on {}",
                w.seq,
                crate::format_utc(w.at)
            ))),
            None => Ok(Some(format!(
                "the ledger is shorter than this desk saw: entry {} (seen {}) is gone",
                w.seq,
                crate::format_utc(w.at)
            ))),
        }
    }

    /// Remembers the current head for this user's desk.
    pub(crate) fn write_witness(&mut self, user_id: &str) -> Result<()> {
        let vault_id = self.genesis()?.genesis.vault_id;
        let Some(path) = self.witness_path(&vault_id, user_id) else {
            return Ok(());
        };
        let Some((seq, hash)) = self.store.read(|db| db.ledger_head())? else {
            return Ok(());
        };
        let w = Witness {
            vault_id,
            seq: u64::try_from(seq).unwrap_or(0),
            head_hash: h32(&hash)?,
            at: self.now().unix_millis(),
        };
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let tmp = path.with_extension("json.tmp");
        let bytes = serde_json::to_vec_pretty(&w).unwrap_or_default();
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &path);
        }
        Ok(())
    }
}
