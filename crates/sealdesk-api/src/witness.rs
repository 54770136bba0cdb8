//! Every desk a witness: what this desk last saw of the ledger, kept in the
//! user's own data directory (outside the vault folder), checked at login
//! and read by `ledger verify` as an anchor. Beside it, the desk's verified
//! state: the fold it last verified, sealed to the account, so that a login
//! verifies only what is new.

use std::path::PathBuf;

use sealdesk_core::crypto::UserSecretKey;
use sealdesk_core::ledger::{DeskBinding, VerifiedState, Witness};

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

    fn state_path(&self, vault_id: &str, user_id: &str) -> Option<PathBuf> {
        self.witness_dir
            .as_ref()
            .map(|d| d.join(vault_id).join(format!("{user_id}.state")))
    }

    pub(crate) fn local_witnesses(&self, vault_id: &str) -> Vec<Witness> {
        let Some(dir) = self.witness_dir.as_ref().map(|d| d.join(vault_id)) else {
            return Vec::new();
        };
        let Ok(rd) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        rd.filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
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
        write_replacing(&path, &serde_json::to_vec_pretty(&w).unwrap_or_default());
        Ok(())
    }

    /// Starts this process's fold from the state this account's desk last
    /// verified, when it has one that opens with the account's key and whose
    /// head is still in the ledger. Anything else (none, another account's,
    /// altered, too large, a head no longer there) is ignored: the fold then
    /// verifies from genesis, and the witness says whether the ledger was
    /// cut back.
    pub(crate) fn load_desk_state(&mut self, user_id: &str, key: &UserSecretKey) -> Result<()> {
        if self.fold.is_some() {
            return Ok(());
        }
        let Some(place) = self.desk_place(user_id)? else {
            return Ok(());
        };
        let Some(bytes) = read_bounded(&place.path, MAX_DESK_STATE) else {
            return Ok(());
        };
        let Some(state) = VerifiedState::open(key, &place.binding(user_id), &bytes) else {
            tracing::warn!(path = %place.path.display(), "this desk's verified state does not open; verifying from genesis");
            return Ok(());
        };
        if state.seq > 0 && !self.ledger_has(state.seq, &state.hash)? {
            return Ok(());
        }
        self.fold = Some(state);
        self.fold_behind = true;
        Ok(())
    }

    /// Keeps the fold as verified now, sealed to this account, beside the
    /// witness. Failing to keep it costs only time at the next login.
    pub(crate) fn save_desk_state(&mut self, user_id: &str, key: &UserSecretKey) -> Result<()> {
        let Some(place) = self.desk_place(user_id)? else {
            return Ok(());
        };
        if self.fold.is_none() || self.fold_behind {
            self.refresh_directory()?;
        }
        let Some(fold) = self.fold.as_ref() else {
            return Ok(());
        };
        let sealed = fold.seal(key, &place.binding(user_id), &mut self.rng);
        write_replacing(&place.path, &sealed);
        Ok(())
    }

    /// Where this account's desk state lives and what it is bound to (none
    /// when this desk keeps no witness).
    fn desk_place(&mut self, user_id: &str) -> Result<Option<DeskPlace>> {
        let genesis = self.genesis()?;
        let vault_id = genesis.genesis.vault_id.clone();
        Ok(self.state_path(&vault_id, user_id).map(|path| DeskPlace {
            path,
            vault_id,
            genesis_hash: genesis.hash(),
        }))
    }
}

struct DeskPlace {
    path: PathBuf,
    vault_id: String,
    genesis_hash: [u8; 32],
}

impl DeskPlace {
    fn binding<'a>(&'a self, account: &'a str) -> DeskBinding<'a> {
        DeskBinding {
            vault_id: &self.vault_id,
            account,
            genesis_hash: &self.genesis_hash,
        }
    }
}

/// The largest desk state read: far above a busy vault's (it grows with
/// letters and requests, not with ledger entries), and a bound on what a
/// planted file can make a login read.
const MAX_DESK_STATE: u64 = 256 << 20;

fn read_bounded(path: &std::path::Path, max: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path).ok()?;
    let mut out = Vec::new();
    f.take(max + 1).read_to_end(&mut out).ok()?;
    (out.len() as u64 <= max).then_some(out)
}

/// Writes a desk file whole or not at all (a temporary file renamed over).
fn write_replacing(path: &std::path::Path, bytes: &[u8]) {
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_extension(format!("{ext}.{}.tmp", std::process::id()));
    if std::fs::write(&tmp, bytes).is_ok() {
        let _ = std::fs::rename(&tmp, path);
    }
}
