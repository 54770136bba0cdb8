//! The ledger as a use case: recording every view, export, reveal, decision
//! and account action; auditors reading and exporting it; anyone verifying it
//! without a passphrase.
//!
//! Fail closed: a method that shows content calls [`Vault::record`] first and
//! shows nothing if it fails.

use std::path::Path;

use sealdesk_core::crypto::{
    self, SigningKey, UserPublicKey, UserSecretKey, VerifyingKey, WrapBinding,
};
use sealdesk_core::domain::Role;
use sealdesk_core::ledger::{self, ChainRow, ChainVerifier, Checkpoint, EntryBody, VerifyReport};
use sealdesk_core::secret::SecretBytes32;
use sealdesk_store::{CheckpointRow, Db, LedgerRow};
use serde::Serialize;

use crate::session::Actor;
use crate::{ApiError, Result, Session, Vault, RECOVERY_RECIPIENT};

pub(crate) const SECRET_LEDGER_READER: &str = "ledger_reader";
pub(crate) const SECRET_WORKSTATION: &str = "workstation_signing";
pub(crate) const META_LEDGER_PK: &str = "ledger_public_key";
pub(crate) const META_WORKSTATION_PK: &str = "workstation_public_key";

/// A checkpoint is signed every this many entries (and at every lock).
pub const CHECKPOINT_EVERY: u64 = 64;

/// What an entry records. The string forms are a contract (reports, CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Lock,
    Register,
    View,
    Export,
    Print,
    IdentityReveal,
    RouteRequest,
    RouteDecision,
    Declassify,
    Destroy,
    UserAdmin,
    Recover,
    LedgerRead,
    LedgerExport,
    LedgerGrant,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Lock => "lock",
            Action::Register => "register",
            Action::View => "view",
            Action::Export => "export",
            Action::Print => "print",
            Action::IdentityReveal => "identity_reveal",
            Action::RouteRequest => "route_request",
            Action::RouteDecision => "route_decision",
            Action::Declassify => "declassify",
            Action::Destroy => "destroy",
            Action::UserAdmin => "user_admin",
            Action::Recover => "recover",
            Action::LedgerRead => "ledger_read",
            Action::LedgerExport => "ledger_export",
            Action::LedgerGrant => "ledger_grant",
        }
    }
}

/// What every append needs and never changes while a vault is open.
#[derive(Debug)]
pub(crate) struct LedgerCache {
    wrapper: crypto::Wrapper,
    workstation: String,
}

/// One thing to record.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    pub user: String,
    pub role: Option<Role>,
    pub action: Action,
    pub letter_id: Option<String>,
    pub receipt_no: Option<String>,
    pub level: Option<String>,
    pub reason: Option<String>,
    pub assignment: Option<String>,
    /// `Some(why)` when the attempt was denied.
    pub denied: Option<String>,
    pub detail: Option<String>,
}

impl Event {
    pub fn new(user: &str, role: Option<Role>, action: Action) -> Self {
        Self {
            user: user.to_owned(),
            role,
            action,
            letter_id: None,
            receipt_no: None,
            level: None,
            reason: None,
            assignment: None,
            denied: None,
            detail: None,
        }
    }

    pub fn detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    pub fn denied(mut self, why: impl Into<String>) -> Self {
        self.denied = Some(why.into());
        self
    }
}

/// A decrypted entry as an auditor reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    #[serde(flatten)]
    pub body: EntryBody,
}

fn h32(v: &[u8]) -> Result<[u8; 32]> {
    v.try_into()
        .map_err(|_| ApiError::Integrity("a ledger hash is not 32 bytes".into()))
}

pub(crate) fn chain_row(r: &LedgerRow) -> ChainRow {
    ChainRow {
        seq: u64::try_from(r.seq).unwrap_or(0),
        prev_hash: r.prev_hash.as_slice().try_into().unwrap_or([0xff; 32]),
        sealed: r.sealed.clone(),
        hash: r.hash.as_slice().try_into().unwrap_or([0xff; 32]),
    }
}

pub(crate) fn checkpoint_of(r: &CheckpointRow, ws: &VerifyingKey) -> Checkpoint {
    Checkpoint {
        seq: u64::try_from(r.seq).unwrap_or(0),
        head_hash: r.head_hash.as_slice().try_into().unwrap_or([0xff; 32]),
        at: r.at,
        workstation_public_key: ws.0,
        signature: r.signature.clone(),
    }
}

const WS_BINDING: WrapBinding<'static> = WrapBinding {
    record_id: "workstation",
    purpose: "signing",
};
const READER_BINDING: WrapBinding<'static> = WrapBinding {
    record_id: "ledger",
    purpose: "reader",
};

fn unwrap_secret(
    own: &UserSecretKey,
    binding: &WrapBinding<'_>,
    wrapped: &[u8],
) -> Result<SecretBytes32> {
    let pt =
        crypto::unwrap_with(own, binding, wrapped).map_err(ApiError::from_crypto("a vault key"))?;
    let mut bytes = pt.expose().to_vec();
    SecretBytes32::from_slice_wiping(&mut bytes)
        .ok_or_else(|| ApiError::Integrity("a vault key has the wrong length".into()))
}

fn workstation_key_in(db: &Db<'_>, user_id: &str, own: &UserSecretKey) -> Result<SigningKey> {
    let wrapped = db
        .secret_wrap(SECRET_WORKSTATION, user_id)?
        .ok_or_else(|| ApiError::Integrity("this account holds no workstation key".into()))?;
    Ok(SigningKey::from_secret(&unwrap_secret(
        own,
        &WS_BINDING,
        &wrapped,
    )?))
}

fn sign_head(db: &Db<'_>, key: &SigningKey, at: i64) -> Result<Option<u64>> {
    let Some((seq, hash)) = db.ledger_head()? else {
        return Ok(None);
    };
    let cp = ledger::sign_checkpoint(key, u64::try_from(seq).unwrap_or(0), h32(&hash)?, at);
    db.insert_checkpoint(&CheckpointRow {
        seq,
        head_hash: hash,
        at,
        signature: cp.signature,
    })?;
    Ok(Some(cp.seq))
}

impl Vault {
    /// Makes the ledger reader key and the workstation signing key of a new
    /// vault; both are wrapped to the recovery key. Returns the signing key so
    /// that `init` can wrap it to the first administrator.
    pub(crate) fn init_ledger_keys(&mut self, recovery: &UserPublicKey) -> Result<SigningKey> {
        let reader = UserSecretKey::make(&mut self.rng);
        let ws = SigningKey::make(&mut self.rng);
        let reader_wrap = crypto::wrap_to(
            recovery,
            &READER_BINDING,
            reader.secret_bytes().expose(),
            &mut self.rng,
        );
        let ws_wrap = crypto::wrap_to(
            recovery,
            &WS_BINDING,
            ws.to_secret().expose(),
            &mut self.rng,
        );
        let reader_pk = reader.public_key();
        let ws_pk = ws.verifying_key();
        self.store.write(|db| {
            db.meta_set(META_LEDGER_PK, reader_pk.as_bytes())?;
            db.meta_set(META_WORKSTATION_PK, &ws_pk.0)?;
            db.put_secret_wrap(SECRET_LEDGER_READER, RECOVERY_RECIPIENT, &reader_wrap)?;
            db.put_secret_wrap(SECRET_WORKSTATION, RECOVERY_RECIPIENT, &ws_wrap)?;
            Ok::<_, ApiError>(())
        })?;
        Ok(ws)
    }

    pub(crate) fn wrap_workstation_key_to(
        &mut self,
        ws: &SigningKey,
        user_id: &str,
        pk: &UserPublicKey,
    ) -> Result<()> {
        let wrapped = crypto::wrap_to(pk, &WS_BINDING, ws.to_secret().expose(), &mut self.rng);
        self.store
            .write(|db| db.put_secret_wrap(SECRET_WORKSTATION, user_id, &wrapped))?;
        Ok(())
    }

    pub(crate) fn workstation_key(&self, user_id: &str, own: &UserSecretKey) -> Result<SigningKey> {
        self.store
            .read(|db| Ok(workstation_key_in(db, user_id, own)))?
    }

    fn meta_key32(&self, key: &str) -> Result<[u8; 32]> {
        let v = self
            .store
            .read(|db| db.meta_get(key))?
            .ok_or_else(|| ApiError::Integrity(format!("{key} missing")))?;
        h32(&v)
    }

    /// The workstation's public key: what an auditor keeps to verify exports.
    pub fn workstation_public_key(&self) -> Result<VerifyingKey> {
        Ok(VerifyingKey(self.meta_key32(META_WORKSTATION_PK)?))
    }

    /// A short id of this workstation, from its signing key.
    pub fn workstation_id(&self) -> Result<String> {
        let pk = self.meta_key32(META_WORKSTATION_PK)?;
        Ok(format!("ws-{}", hex::encode(&crypto::sha256(&pk)[..6])))
    }

    /// Appends one entry, durably, before returning. With a signer (a
    /// session's key), a checkpoint is signed every [`CHECKPOINT_EVERY`]
    /// entries. Any failure is `ApiError::LedgerUnavailable`, and callers
    /// must then show nothing.
    pub(crate) fn record(
        &mut self,
        ev: Event,
        signer: Option<(&str, &UserSecretKey)>,
    ) -> Result<u64> {
        let now = self.now().unix_millis();
        if self.ledger.is_none() {
            let reader = UserPublicKey(self.meta_key32(META_LEDGER_PK)?);
            let workstation = self.workstation_id()?;
            let wrapper = crypto::Wrapper::make(&reader, &mut self.rng);
            self.ledger = Some(LedgerCache {
                wrapper,
                workstation,
            });
        }
        let Vault {
            store,
            rng,
            ledger: Some(cache),
            ..
        } = self
        else {
            return Err(ApiError::LedgerUnavailable("ledger keys not loaded".into()));
        };
        let workstation = &cache.workstation;
        let out = store.write(|db| {
            let (seq, prev) = match db.ledger_head()? {
                Some((s, h)) => (u64::try_from(s).unwrap_or(0) + 1, h32(&h)?),
                None => (1, [0u8; 32]),
            };
            let body = EntryBody {
                seq,
                at: now,
                user: ev.user.clone(),
                role: ev.role.map(|r| r.as_str().to_owned()),
                workstation: workstation.clone(),
                action: ev.action.as_str().to_owned(),
                letter_id: ev.letter_id.clone(),
                receipt_no: ev.receipt_no.clone(),
                level: ev.level.clone(),
                reason: ev.reason.clone(),
                assignment: ev.assignment.clone(),
                outcome: if ev.denied.is_some() {
                    "denied"
                } else {
                    "allowed"
                }
                .to_owned(),
                detail: ev.denied.clone().or_else(|| ev.detail.clone()),
            };
            let sealed = ledger::seal_entry_with(&cache.wrapper, &body, rng);
            let hash = ledger::chain_hash(seq, &prev, &sealed);
            db.append_ledger(&LedgerRow {
                seq: seq as i64,
                prev_hash: prev.to_vec(),
                sealed,
                hash: hash.to_vec(),
            })?;
            if let Some((uid, sk)) = signer {
                if seq % CHECKPOINT_EVERY == 0 {
                    let key = workstation_key_in(db, uid, sk)?;
                    sign_head(db, &key, now)?;
                }
            }
            Ok::<_, ApiError>(seq)
        });
        out.map_err(|e| match e {
            ApiError::Store(s) => ApiError::LedgerUnavailable(s.to_string()),
            other => other,
        })
    }

    /// Records a denial, then returns the error that caused it. A denial that
    /// cannot be recorded is still a denial.
    pub(crate) fn deny<T>(&mut self, ev: Event, err: ApiError) -> Result<T> {
        let ev = ev.denied(err.to_string());
        if let Err(e) = self.record(ev, None) {
            tracing::error!(error = %e, "could not record a denied attempt");
        }
        Err(err)
    }

    /// Checks a role, recording the attempt if it is denied.
    pub(crate) fn require_role(
        &mut self,
        actor: &Actor,
        roles: &[Role],
        action: Action,
        what: &str,
    ) -> Result<Role> {
        if let Some(r) = roles.iter().find(|r| actor.roles.contains(**r)) {
            return Ok(*r);
        }
        let err = actor
            .require_any(roles, what)
            .err()
            .unwrap_or_else(|| ApiError::Denied(what.into()));
        self.deny(
            Event::new(&actor.name, actor.roles.iter().next(), action),
            err,
        )
    }

    /// Signs a checkpoint at the current head with the session's workstation key.
    pub(crate) fn checkpoint_now(
        &mut self,
        user_id: &str,
        own: &UserSecretKey,
    ) -> Result<Option<Checkpoint>> {
        let now = self.now().unix_millis();
        let ws_pk = self.workstation_public_key()?;
        let key = self.workstation_key(user_id, own)?;
        let seq = self.store.write(|db| sign_head(db, &key, now))?;
        let Some(seq) = seq else { return Ok(None) };
        let cps = self.store.read(|db| db.list_checkpoints())?;
        Ok(cps
            .iter()
            .find(|c| c.seq as u64 == seq)
            .map(|c| checkpoint_of(c, &ws_pk)))
    }

    /// Verifies the chain and every stored checkpoint (and a kept one, if
    /// given). Needs no passphrase and reads no entry.
    pub fn ledger_verify(&self, kept: Option<&Checkpoint>) -> Result<VerifyReport> {
        let ws = self.workstation_public_key()?;
        let stored: Vec<Checkpoint> = self
            .store
            .read(|db| db.list_checkpoints())?
            .iter()
            .map(|c| checkpoint_of(c, &ws))
            .collect();
        let mut wanted: Vec<u64> = stored.iter().map(|c| c.seq).collect();
        if let Some(k) = kept {
            wanted.push(k.seq);
        }
        let mut v = ChainVerifier::new(wanted);
        self.store
            .read(|db| db.for_each_ledger_row(|r| v.push(&chain_row(&r))))?;
        Ok(v.finish(&stored, kept, &ws))
    }

    /// Signs and returns a checkpoint at the current head, for the auditor to
    /// keep outside the workstation.
    pub fn ledger_checkpoint(&mut self, session: &mut Session) -> Result<Checkpoint> {
        let actor = self.begin(session, true)?;
        let own = self.session_key_owned(session)?;
        self.checkpoint_now(&actor.id, &own)?
            .ok_or_else(|| ApiError::NotFound("the ledger is empty".into()))
    }

    fn reader_key(
        &mut self,
        actor: &Actor,
        own: &UserSecretKey,
        action: Action,
    ) -> Result<UserSecretKey> {
        let wrapped = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, &actor.id))?;
        let Some(wrapped) = wrapped else {
            return self.deny(
                Event::new(&actor.name, Some(Role::Auditor), action),
                ApiError::Denied(
                    "you hold no ledger key yet: an auditor who has one runs `sealdesk ledger grant YOU`, or the holder of the recovery code runs `sealdesk recover --grant-ledger YOU`".into(),
                ),
            );
        };
        Ok(UserSecretKey::from_secret(unwrap_secret(
            own,
            &READER_BINDING,
            &wrapped,
        )?))
    }

    /// Auditor: every entry, decrypted. The reading itself is recorded first.
    pub fn ledger_entries(&mut self, session: &mut Session) -> Result<Vec<LedgerEntry>> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Auditor],
            Action::LedgerRead,
            "reading the ledger",
        )?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, Action::LedgerRead)?;
        self.record(
            Event::new(&actor.name, Some(Role::Auditor), Action::LedgerRead),
            Some((&actor.id, &own)),
        )?;
        self.decrypt_all(&reader).map(|v| {
            v.into_iter()
                .map(|(body, _)| LedgerEntry { body })
                .collect()
        })
    }

    fn decrypt_all(&self, reader: &UserSecretKey) -> Result<Vec<(EntryBody, [u8; 32])>> {
        let mut out = Vec::new();
        let mut bad = None;
        self.store.read(|db| {
            db.for_each_ledger_row(|r| match ledger::open_entry(reader, &r.sealed) {
                Ok(o) => out.push((o.body, o.nonce)),
                Err(_) => {
                    bad.get_or_insert(r.seq);
                }
            })
        })?;
        if let Some(seq) = bad {
            return Err(ApiError::Integrity(format!(
                "ledger entry {seq} does not decrypt; run `sealdesk ledger verify`"
            )));
        }
        Ok(out)
    }

    /// Auditor: gives another auditor the ledger reader key.
    pub fn ledger_grant(&mut self, session: &mut Session, auditor: &str) -> Result<()> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Auditor],
            Action::LedgerGrant,
            "granting the ledger key",
        )?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, Action::LedgerGrant)?;
        self.grant_reader_to(&reader, auditor)?;
        self.record(
            Event::new(&actor.name, Some(Role::Auditor), Action::LedgerGrant)
                .detail(format!("ledger key granted to {auditor}")),
            Some((&actor.id, &own)),
        )?;
        Ok(())
    }

    fn grant_reader_to(&mut self, reader: &UserSecretKey, auditor: &str) -> Result<()> {
        let row = self
            .store
            .read(|db| db.user_by_name(auditor))?
            .ok_or_else(|| ApiError::NotFound(format!("user {auditor}")))?;
        let roles = crate::session::parse_roles(&row)?;
        if !roles.contains(Role::Auditor) || row.disabled {
            return Err(ApiError::Denied(format!(
                "{auditor} is not an active auditor"
            )));
        }
        let pk = UserPublicKey::from_slice(&row.public_key)
            .ok_or_else(|| ApiError::Integrity("public key malformed".into()))?;
        let wrapped = crypto::wrap_to(
            &pk,
            &READER_BINDING,
            reader.secret_bytes().expose(),
            &mut self.rng,
        );
        self.store
            .write(|db| db.put_secret_wrap(SECRET_LEDGER_READER, &row.id, &wrapped))?;
        Ok(())
    }

    /// Recovery-code holder: gives an auditor the ledger reader key (the
    /// first auditor of a vault gets it this way; an admin never can).
    pub fn recover_grant_ledger(
        &mut self,
        code: &crypto::RecoveryCode,
        auditor: &str,
    ) -> Result<()> {
        if code.public_key() != self.recovery_public_key()? {
            return Err(ApiError::BadRecoveryCode);
        }
        let wrapped = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, RECOVERY_RECIPIENT))?
            .ok_or_else(|| ApiError::Integrity("the ledger key has no recovery wrap".into()))?;
        let reader = UserSecretKey::from_secret(unwrap_secret(
            code.secret_key(),
            &READER_BINDING,
            &wrapped,
        )?);
        self.grant_reader_to(&reader, auditor)?;
        self.record(
            Event::new("recovery", None, Action::LedgerGrant).detail(format!(
                "ledger key granted to {auditor} with the recovery code"
            )),
            None,
        )?;
        Ok(())
    }

    /// Auditor: writes the decrypted entries (JSONL, CSV), the sealed chain,
    /// a fresh signed checkpoint and a manifest of hashes into `dir`.
    pub fn ledger_export(
        &mut self,
        session: &mut Session,
        dir: &Path,
    ) -> Result<crate::export::ExportSummary> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Auditor],
            Action::LedgerExport,
            "exporting the ledger",
        )?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, Action::LedgerExport)?;
        self.record(
            Event::new(&actor.name, Some(Role::Auditor), Action::LedgerExport)
                .detail(format!("to {}", dir.display())),
            Some((&actor.id, &own)),
        )?;
        let checkpoint = self
            .checkpoint_now(&actor.id, &own)?
            .ok_or_else(|| ApiError::Integrity("ledger empty after recording the export".into()))?;
        let entries = self.decrypt_all(&reader)?;
        let mut chain = Vec::new();
        self.store
            .read(|db| db.for_each_ledger_row(|r| chain.push(chain_row(&r))))?;
        crate::export::write_export(dir, &entries, &chain, &checkpoint)
    }

    pub(crate) fn session_key_owned(&self, session: &Session) -> Result<UserSecretKey> {
        Ok(self.session_key(session)?.clone())
    }
}

impl Vault {
    /// Appends one fixed entry as the session's user. Only for the ledger
    /// benchmark, which measures the durable append on its own.
    /// Returns the time of each durable append.
    #[doc(hidden)]
    pub fn bench_record(
        &mut self,
        session: &mut Session,
        rounds: usize,
    ) -> Result<Vec<std::time::Duration>> {
        let actor = self.begin(session, true)?;
        let own = self.session_key_owned(session)?;
        let mut ev =
            Event::new(&actor.name, actor.roles.iter().next(), Action::View).detail("benchmark");
        ev.reason = Some("辦理 SD-115-00001 陳情案".into());
        ev.receipt_no = Some("SD-115-00001".into());
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = std::time::Instant::now();
            self.record(ev.clone(), Some((&actor.id, &own)))?;
            times.push(t.elapsed());
        }
        Ok(times)
    }
}
