//! The vault root and the certified directory, as the API uses them.
//!
//! The genesis is read from `meta` and its root signature checked at open;
//! what makes it trusted is the hash every user's sealed key pins (checked
//! at login). The directory is the fold over the signed statements in the
//! ledger, refreshed incrementally at every call. Permission checks and key
//! wraps use only [`Directory`] (certified state), never a raw users row; a
//! row that differs from its certificate is an integrity failure.

use sealdesk_core::directory::{
    Change, Directory, SignedGenesis, Statement, UserCert, SETTING_IDLE_TIMEOUT,
};
use sealdesk_core::domain::{self, Role};
use sealdesk_core::facts::{Fact, FactStatement, Facts};
use sealdesk_core::ledger::{LedgerVerifier, VerifiedState};
use sealdesk_store::UserRow;

use crate::ledger::chain_row;
use crate::{ApiError, Result, Vault};

pub(crate) const META_GENESIS: &str = "genesis";
pub(crate) const META_GENESIS_SIG: &str = "genesis_signature";

/// The directory and the signed facts, folded (and every attestation
/// checked) up to a linked prefix of the ledger.
pub(crate) type Fold = VerifiedState;

/// Whether a users row says exactly what its certificate says.
pub(crate) fn row_matches(row: &UserRow, cert: &UserCert) -> bool {
    row.id == cert.id
        && row.name == cert.name
        && row.roles == cert.roles
        && row.unit == cert.unit
        && row.disabled == cert.disabled
        && row.public_key.as_slice() == cert.encryption_key.as_slice()
}

impl Vault {
    /// Reads the genesis from `meta` and checks its root signature.
    pub(crate) fn load_genesis(&mut self) -> Result<&SignedGenesis> {
        if self.genesis.is_none() {
            let (json, sig) = self
                .store
                .read(|db| Ok((db.meta_get(META_GENESIS)?, db.meta_get(META_GENESIS_SIG)?)))?;
            let (Some(json), Some(sig)) = (json, sig) else {
                return Err(ApiError::Integrity(
                    "this vault has no signed genesis: it was made by an older Sealdesk, or its root was removed; it cannot be opened".into(),
                ));
            };
            let g = SignedGenesis::parse(&json, &sig).map_err(|_| {
                ApiError::Integrity("the vault's genesis statement is not validly signed".into())
            })?;
            self.check_pinned_root(&g)?;
            self.genesis = Some(g);
        }
        self.genesis
            .as_ref()
            .ok_or_else(|| ApiError::Integrity("genesis missing".into()))
    }

    pub(crate) fn genesis(&mut self) -> Result<SignedGenesis> {
        Ok(self.load_genesis()?.clone())
    }

    /// Verifies the ledger entries not yet seen and folds them in: chain,
    /// directory statements, facts and every attestation signature. The
    /// first call of a process starts from genesis — or from this desk's
    /// sealed state, which [`Vault::login`] loads when the account has one —
    /// so a desk works only on a history its users signed; later calls
    /// check that the prefix already verified is still there (same hash at
    /// the same sequence number) and verify what was appended since. Any
    /// break is an integrity failure.
    pub(crate) fn refresh_directory(&mut self) -> Result<&Directory> {
        let genesis = self.genesis()?;
        let start = match self.fold.take() {
            Some(f) => {
                if f.seq > 0 && !self.ledger_has(f.seq, &f.hash)? {
                    // Keep what was verified: the desk refuses to go on.
                    let seq = f.seq;
                    self.fold = Some(f);
                    return Err(ApiError::Integrity(format!(
                        "the ledger was rewritten or cut back at entry {seq} while this desk had it open; run `sealdesk ledger verify`"
                    )));
                }
                f
            }
            None => VerifiedState::genesis(&genesis.genesis),
        };
        let from = start.seq;
        let v = if from == 0 {
            // From genesis: stream every row (a first login may read a
            // million); the state to keep on a failed read is genesis's.
            let kept = start.clone();
            let mut v = LedgerVerifier::from_state(start, &genesis.genesis, true, []);
            let read = self
                .store
                .read(|db| db.for_each_ledger_row_after(0, |r| v.push(&chain_row(r))));
            if let Err(e) = read {
                self.fold = Some(kept);
                return Err(e.into());
            }
            v
        } else {
            // Incremental: read the few new rows first, the fold untouched,
            // so a failed read (a server gone) leaves it as it was without a
            // copy of it (a copy per call grew with the vault: measured as
            // the largest cost of a call with twenty desks).
            let mut rows = Vec::new();
            let read = self.store.read(|db| {
                db.for_each_ledger_row_after(i64::try_from(from).unwrap_or(i64::MAX), |r| {
                    rows.push(chain_row(r))
                })
            });
            if let Err(e) = read {
                self.fold = Some(start);
                return Err(e.into());
            }
            if rows.is_empty() {
                self.fold = Some(start);
                self.fold_behind = false;
                return self
                    .fold
                    .as_ref()
                    .map(|f| &f.directory)
                    .ok_or_else(|| ApiError::Integrity("directory".into()));
            }
            let mut v = LedgerVerifier::from_state(start, &genesis.genesis, true, []);
            for r in &rows {
                v.push(r);
            }
            v
        };
        let mut v = v;
        v.settle();
        let broken = if let Some(d) = v.first_damage() {
            Some(ApiError::Integrity(format!(
                "the ledger is damaged at entry {} ({}); run `sealdesk ledger verify`",
                d.seq, d.detail
            )))
        } else if !v.chain_ok() {
            Some(ApiError::Integrity(
                "the ledger's rows are out of order; run `sealdesk ledger verify`".into(),
            ))
        } else {
            None
        };
        if let Some(e) = broken {
            // The fold that went into this pass is spent: the next call
            // verifies from genesis again, and meets the same damage.
            self.fold = None;
            return Err(e);
        }
        self.fold = Some(v.into_state());
        self.fold_behind = false;
        self.fold
            .as_ref()
            .map(|f| &f.directory)
            .ok_or_else(|| ApiError::Integrity("directory".into()))
    }

    /// Whether the ledger still holds entry `seq` with hash `hash`.
    pub(crate) fn ledger_has(&self, seq: u64, hash: &[u8; 32]) -> Result<bool> {
        let stored = self
            .store
            .read(|db| db.ledger_hash_at(i64::try_from(seq).unwrap_or(i64::MAX)))?;
        Ok(stored.as_deref() == Some(hash.as_slice()))
    }

    /// The directory as last folded (refreshing it if never folded).
    pub(crate) fn directory(&mut self) -> Result<&Directory> {
        if self.fold.is_none() {
            self.refresh_directory()?;
        }
        self.fold
            .as_ref()
            .map(|f| &f.directory)
            .ok_or_else(|| ApiError::Integrity("directory".into()))
    }

    /// The fold as `begin` refreshed it, with this desk's own writes since
    /// then folded in (no read of the file otherwise: every call that acts
    /// for a person has just refreshed it).
    fn current_fold(&mut self) -> Result<&Fold> {
        if self.fold.is_none() || self.fold_behind {
            self.refresh_directory()?;
        }
        self.fold
            .as_ref()
            .ok_or_else(|| ApiError::Integrity("facts".into()))
    }

    /// The signed facts, as of this call.
    pub(crate) fn facts(&mut self) -> Result<&Facts> {
        Ok(&self.current_fold()?.facts)
    }

    /// A fact by `author` at `at`, checked against the directory and the
    /// facts before anything is written: a fact the fold would refuse never
    /// reaches the ledger. Where the tables allowed the act but the signed
    /// facts do not, the tables were edited: `integrity`.
    pub(crate) fn fact(&mut self, author: &str, at: i64, fact: Fact) -> Result<FactStatement> {
        let vault_id = self.genesis()?.genesis.vault_id;
        let st = FactStatement {
            vault_id,
            at,
            author: author.to_owned(),
            fact,
        };
        let fold = self.current_fold()?;
        fold.facts.check(&fold.directory, &st).map_err(|e| {
            ApiError::Integrity(format!(
                "the vault's signed facts do not allow this ({e}); its tables say otherwise, so they were edited"
            ))
        })?;
        Ok(st)
    }

    /// The certificate of an account, by id.
    pub(crate) fn cert(&mut self, id: &str) -> Result<UserCert> {
        self.directory()?.user(id).cloned().ok_or_else(|| {
            ApiError::Integrity(format!(
                "account {id} is not in the certified directory (a row added by hand?)"
            ))
        })
    }

    /// The certificate of an account, by name; `NotFound` if none.
    pub(crate) fn cert_by_name(&mut self, name: &str) -> Result<UserCert> {
        let cert = self
            .directory()?
            .user_by_name(name)
            .cloned()
            .ok_or_else(|| ApiError::NotFound(format!("user {name}")))?;
        self.check_id(&cert.id)
    }

    /// Checks the stored row of a certified account against its
    /// certificate; returns the certificate.
    pub(crate) fn check_id(&mut self, id: &str) -> Result<UserCert> {
        let row = self.store.read(|db| db.user_by_id(id))?.ok_or_else(|| {
            ApiError::Integrity(format!(
                "the stored row of certified account {id} is missing"
            ))
        })?;
        self.check_row(&row)
    }

    /// Checks a users row against its certificate.
    pub(crate) fn check_row(&mut self, row: &UserRow) -> Result<UserCert> {
        let cert = self.cert(&row.id)?;
        if !row_matches(row, &cert) {
            return Err(ApiError::Integrity(format!(
                "the stored account {} differs from its certificate (name, roles, unit, status or key was edited)",
                row.name
            )));
        }
        Ok(cert)
    }

    /// The active, certified supervisors of a unit other than `except`.
    pub(crate) fn certified_supervisors(
        &mut self,
        unit: &str,
        except: &str,
    ) -> Result<Vec<UserCert>> {
        let out: Vec<UserCert> = self
            .directory()?
            .users()
            .filter(|u| {
                !u.disabled
                    && u.id != except
                    && u.unit.as_deref() == Some(unit)
                    && u.has_role(Role::Supervisor)
            })
            .cloned()
            .collect();
        // Their stored rows must say what their certificates say: a key put
        // in a row by hand is a tampered vault, refused before any wrap.
        for c in &out {
            self.check_id(&c.id)?;
        }
        if out.is_empty() {
            return Err(ApiError::BadInput(format!(
                "unit {unit} has no other active supervisor to decide"
            )));
        }
        Ok(out)
    }

    /// The access period limit in days, as certified (the hard limit
    /// [`crate::MAX_ACCESS_DAYS`] until an admin sets a shorter one).
    pub fn max_access_days(&mut self) -> Result<i64> {
        Ok(self
            .directory()?
            .setting(sealdesk_core::directory::SETTING_MAX_ACCESS_DAYS)
            .unwrap_or(crate::MAX_ACCESS_DAYS)
            .clamp(1, crate::MAX_ACCESS_DAYS))
    }

    /// The idle timeout, as certified (the default until an admin sets one).
    pub fn idle_timeout_secs(&mut self) -> Result<i64> {
        Ok(self
            .directory()?
            .setting(SETTING_IDLE_TIMEOUT)
            .unwrap_or(domain::DEFAULT_IDLE_TIMEOUT_SECS))
    }

    /// Makes a statement of a change, issued by `issuer` (an account id,
    /// or the root), checked against the directory before anything is
    /// written: a statement the fold would refuse never reaches the ledger.
    /// It is signed inside the write transaction, at the entry it becomes
    /// ([`crate::ledger::Appender::directory`]).
    pub(crate) fn statement(&mut self, issuer: &str, change: Change) -> Result<Statement> {
        let vault_id = self.genesis()?.genesis.vault_id;
        let st = Statement {
            vault_id,
            at: self.now().unix_millis(),
            issuer: issuer.to_owned(),
            change,
        };
        self.directory()?
            .check_content(&st)
            .map_err(|e| ApiError::Denied(e.to_string()))?;
        Ok(st)
    }
}
