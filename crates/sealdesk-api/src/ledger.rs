//! The ledger as a use case: recording every view, export, reveal, decision
//! and account action; auditors reading and exporting it; anyone verifying it
//! without a passphrase.
//!
//! Fail closed: a method that shows content calls [`Vault::record`] first and
//! shows nothing if it fails.
//!
//! Every entry names the session whose client wrote it; the session signs an
//! attestation of its entries at every lock and every
//! [`ledger::ATTEST_EVERY`] entries, with the account's own certified key.
//! An act and its entry are committed in one transaction
//! ([`Vault::commit_recorded`]).

use std::collections::HashMap;
use std::path::Path;

use sealdesk_core::crypto::{self, SigningKey, UserSecretKey, WrapBinding};
use sealdesk_core::directory::{id_bytes, Change};
use sealdesk_core::domain::Role;
use sealdesk_core::ledger::{
    self, Attestation, ChainRow, Checkpoint, EntryBody, LedgerVerifier, VerifyReport,
};
use sealdesk_core::secret::SecretBytes32;
use sealdesk_store::{Db, LedgerRow};
use serde::Serialize;

use crate::actor::Actor;
use crate::{ApiError, ApiRng, Result, Session, Vault, RECOVERY_RECIPIENT};

pub(crate) const SECRET_LEDGER_READER: &str = "ledger_reader";

/// A session attests its entries every this many (and at every lock).
pub const CHECKPOINT_EVERY: u64 = ledger::ATTEST_EVERY as u64;

/// What an entry records: the closed set lives in the domain core, with
/// the entry it is part of.
pub use sealdesk_core::ledger::{Action, Outcome};

/// A store failure while recording is the ledger being unavailable: the
/// caller shows and writes nothing.
pub(crate) fn ledger_unavailable(e: ApiError) -> ApiError {
    match e {
        ApiError::Store(s) => ApiError::LedgerUnavailable(s.to_string()),
        other => other,
    }
}

/// What every append needs and never changes while a vault is open.
#[derive(Debug)]
pub(crate) struct LedgerCache {
    wrapper: crypto::Wrapper,
    workstation: String,
    vault_id: [u8; 16],
}

/// The session on whose behalf the current call writes: set by `login`,
/// `begin` and the recovery acts, cleared at lock. Entries carry its actor
/// and session id; its key signs the attestations.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub actor: [u8; 16],
    /// The actor's certified name (`recovery` for the root): the only name
    /// an entry of this session may carry.
    pub name: String,
    pub session: [u8; 16],
    pub signing: SigningKey,
}

/// One thing to record.
///
/// It names no user: the appender writes the session's own certified name
/// (an entry's actor is its author).
#[derive(Debug, Clone)]
pub(crate) struct Event {
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
    pub fn new(role: Option<Role>, action: Action) -> Self {
        Self {
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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerEntry {
    #[serde(flatten)]
    pub body: EntryBody,
    /// Set when the entry's body names someone other than the account that
    /// wrote and attested it (or an entry with no actor claims more than a
    /// failed login): what it claims, for the auditor to see as forged.
    pub forged: Option<String>,
}

impl From<Opened> for LedgerEntry {
    fn from(o: Opened) -> Self {
        LedgerEntry {
            body: o.body,
            forged: o.forged,
        }
    }
}

/// An entry in the verified chain whose sealed body does not open with the
/// ledger key: altered, or planted by a writer of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unreadable {
    pub seq: u64,
    pub detail: String,
}

/// The ledger as an auditor reads it: every entry that opens, and each one
/// that does not.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerReadout {
    pub entries: Vec<LedgerEntry>,
    pub unreadable: Vec<Unreadable>,
}

/// What `ledger verify` found, and what it is anchored to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LedgerReport {
    #[serde(flatten)]
    pub report: VerifyReport,
    /// The newest head something outside the vault file vouches for.
    pub anchor: Option<Anchor>,
    /// The same, said in words.
    pub summary: String,
}

impl std::ops::Deref for LedgerReport {
    type Target = VerifyReport;

    fn deref(&self) -> &VerifyReport {
        &self.report
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Anchor {
    pub seq: u64,
    /// `kept_checkpoint` or `desk_witness`.
    pub source: String,
    /// UTC milliseconds of the checkpoint or witness.
    pub at: i64,
    /// Entries after the anchor (attested or not, not anchored).
    pub after: u64,
}

pub(crate) fn h32(v: &[u8]) -> Result<[u8; 32]> {
    v.try_into()
        .map_err(|_| ApiError::Integrity("a ledger hash is not 32 bytes".into()))
}

/// A stored row as the verifier reads it (taken by value: the sealed bytes
/// move, they are not copied, on the verification path).
pub(crate) fn chain_row(r: LedgerRow) -> ChainRow {
    ChainRow {
        seq: u64::try_from(r.seq).unwrap_or(0),
        prev_hash: r.prev_hash.as_slice().try_into().unwrap_or([0xff; 32]),
        hash: r.hash.as_slice().try_into().unwrap_or([0xff; 32]),
        sealed: r.sealed,
    }
}

pub(crate) const READER_BINDING: WrapBinding<'static> = WrapBinding {
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

/// Appends entries inside one write transaction.
pub(crate) struct Appender<'a> {
    cache: &'a LedgerCache,
    rng: &'a mut ApiRng,
    ctx: Option<&'a Ctx>,
    now: i64,
    /// Events this session wrote in the transaction.
    written: Vec<u64>,
}

impl std::fmt::Debug for Appender<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Appender")
    }
}

fn next_seq(db: &Db<'_>) -> Result<(u64, [u8; 32])> {
    Ok(match db.ledger_head()? {
        Some((s, h)) => (u64::try_from(s).unwrap_or(0) + 1, h32(&h)?),
        None => (1, [0u8; 32]),
    })
}

/// Appends one sealed row. An act whose entry cannot be written is not
/// done, and says why: `ledger_unavailable`, not "the vault" (a busy file
/// stays `busy`: try again).
fn append_row(db: &Db<'_>, seq: u64, prev: [u8; 32], sealed: Vec<u8>) -> Result<()> {
    let hash = ledger::chain_hash(seq, &prev, &sealed);
    db.append_ledger(&LedgerRow {
        seq: i64::try_from(seq).unwrap_or(i64::MAX),
        prev_hash: prev.to_vec(),
        sealed,
        hash: hash.to_vec(),
    })
    .map_err(|e| match e {
        sealdesk_store::StoreError::Busy => ApiError::Store(e),
        e => ledger_unavailable(ApiError::Store(e)),
    })
}

impl Appender<'_> {
    fn who(&self) -> ([u8; 16], [u8; 16]) {
        self.ctx
            .map(|c| (c.actor, c.session))
            .unwrap_or((ledger::ANONYMOUS, [0u8; 16]))
    }

    /// Appends an event. Its `user` is the session's own account (an entry's
    /// actor is its author); with no session only a failed login is
    /// recorded, and it names no one.
    pub fn event(&mut self, db: &Db<'_>, ev: &Event) -> Result<u64> {
        let user = match self.ctx {
            Some(c) => c.name.clone(),
            None if ev.action == Action::LoginFailed => String::new(),
            None => {
                return Err(ApiError::Integrity(format!(
                    "a {} entry needs a signed-in session",
                    ev.action.as_str()
                )))
            }
        };
        let (seq, prev) = next_seq(db)?;
        let body = EntryBody {
            seq,
            at: self.now,
            user,
            role: ev.role,
            workstation: self.cache.workstation.clone(),
            action: ev.action,
            letter_id: ev.letter_id.clone(),
            receipt_no: ev.receipt_no.clone(),
            level: ev.level.clone(),
            reason: ev.reason.clone(),
            assignment: ev.assignment.clone(),
            outcome: if ev.denied.is_some() {
                Outcome::Denied
            } else {
                Outcome::Allowed
            },
            detail: ev.denied.clone().or_else(|| ev.detail.clone()),
        };
        let (actor, session) = self.who();
        let sealed = ledger::seal_event(&self.cache.wrapper, actor, session, &body, self.rng);
        append_row(db, seq, prev, sealed)?;
        if self.ctx.is_some() {
            self.written.push(seq);
        }
        Ok(seq)
    }

    /// Appends a directory statement, signed by `key` at the entry it
    /// becomes (its sequence number and predecessor's hash).
    pub fn directory(
        &mut self,
        db: &Db<'_>,
        statement: &sealdesk_core::directory::Statement,
        key: &SigningKey,
    ) -> Result<u64> {
        let (seq, prev) = next_seq(db)?;
        let (json, sig) = statement.sign_at(key, seq, &prev);
        let (actor, session) = self.who();
        append_row(
            db,
            seq,
            prev,
            ledger::seal_directory(seq, actor, session, &json, &sig),
        )?;
        Ok(seq)
    }

    /// Appends a signed fact. Its author must be the session's account: an
    /// entry's actor is its author.
    pub fn fact(
        &mut self,
        db: &Db<'_>,
        statement: &sealdesk_core::facts::FactStatement,
    ) -> Result<u64> {
        let ctx = self
            .ctx
            .ok_or_else(|| ApiError::Integrity("a fact needs a signed-in session".into()))?;
        if ctx.actor != id_bytes(&statement.author) {
            return Err(ApiError::Integrity(
                "a fact can only be signed by its author's own session".into(),
            ));
        }
        let (seq, prev) = next_seq(db)?;
        let (json, sig) = statement.sign_at(&ctx.signing, seq, &prev);
        append_row(
            db,
            seq,
            prev,
            ledger::seal_fact(seq, ctx.actor, ctx.session, &json, &sig),
        )?;
        Ok(seq)
    }

    fn attestation(&mut self, db: &Db<'_>, seqs: Vec<u64>) -> Result<Option<u64>> {
        let Some(ctx) = self.ctx else {
            return Ok(None);
        };
        let (seq, prev) = next_seq(db)?;
        let att = Attestation {
            seq,
            prev_hash: prev,
            actor: ctx.actor,
            session: ctx.session,
            at: self.now,
            seqs,
        };
        append_row(db, seq, prev, att.seal(&ctx.signing, &self.cache.vault_id))?;
        Ok(Some(seq))
    }
}

impl Vault {
    fn ledger_cache(&mut self) -> Result<()> {
        if self.ledger.is_none() {
            let g = self.genesis()?;
            let wrapper = crypto::Wrapper::make(&g.genesis.ledger_key(), &mut self.rng);
            self.ledger = Some(LedgerCache {
                wrapper,
                workstation: workstation_id_of(&g.genesis.root_public_key),
                vault_id: g.genesis.vault_id_bytes(),
            });
        }
        Ok(())
    }

    /// Runs `f` with an appender in one write transaction; returns its
    /// result and the events this session wrote.
    fn write_with_appender<T>(
        &mut self,
        f: impl FnOnce(&Db<'_>, &mut Appender<'_>) -> Result<T>,
    ) -> Result<(T, Vec<u64>)> {
        self.ledger_cache()?;
        let now = self.now().unix_millis();
        let Vault {
            store,
            rng,
            ledger: Some(cache),
            ctx,
            ..
        } = self
        else {
            return Err(ApiError::LedgerUnavailable("ledger keys not loaded".into()));
        };
        let out = store.write(|db| {
            let mut ap = Appender {
                cache,
                rng,
                ctx: ctx.as_ref(),
                now,
                written: Vec::new(),
            };
            let out = f(db, &mut ap)?;
            Ok::<_, ApiError>((out, ap.written))
        })?;
        self.fold_behind = true;
        Ok(out)
    }

    /// Runs `f` and the ledger entries it appends in one transaction: the
    /// act and its record are durable together or not at all. Afterwards,
    /// a session that has written [`CHECKPOINT_EVERY`] entries attests them.
    pub(crate) fn commit_recorded<T>(
        &mut self,
        f: impl FnOnce(&Db<'_>, &mut Appender<'_>) -> Result<T>,
    ) -> Result<T> {
        let (out, written) = self.write_with_appender(f)?;
        if let Some(session) = self.ctx.as_ref().map(|c| c.session) {
            let list = self.pending.entry(session).or_default();
            list.extend(written);
            if list.len() >= ledger::ATTEST_EVERY {
                if let Err(e) = self.attest_now() {
                    tracing::error!(error = %e, "could not attest a session's entries");
                }
            }
        }
        Ok(out)
    }

    /// Appends one entry, durably, before returning. Any failure is
    /// `ApiError::LedgerUnavailable`, and callers must then show nothing.
    pub(crate) fn record(&mut self, ev: Event) -> Result<u64> {
        self.commit_recorded(|db, ap| ap.event(db, &ev))
            .map_err(ledger_unavailable)
    }

    /// Signs an attestation of the current session's entries not yet
    /// attested (nothing when there are none).
    pub(crate) fn attest_now(&mut self) -> Result<Option<u64>> {
        let Some(session) = self.ctx.as_ref().map(|c| c.session) else {
            return Ok(None);
        };
        let seqs = self.pending.get(&session).cloned().unwrap_or_default();
        if seqs.is_empty() {
            return Ok(None);
        }
        let (seq, _) = self.write_with_appender(|db, ap| ap.attestation(db, seqs))?;
        self.pending.remove(&session);
        Ok(seq)
    }

    /// Records a denial, then returns the error that caused it. A denial that
    /// cannot be recorded is still a denial.
    /// Checks a role, recording the attempt if it is denied. Returns the
    /// role the check granted (what the ledger records).
    /// The vault root's public key: what an auditor keeps to verify exports
    /// (`ledger key` calls it the workstation key, for the CLI contract).
    pub fn workstation_public_key(&mut self) -> Result<crypto::VerifyingKey> {
        Ok(self.genesis()?.genesis.root())
    }

    /// A short id of this vault, from its root key.
    pub fn workstation_id(&mut self) -> Result<String> {
        Ok(workstation_id_of(&self.genesis()?.genesis.root_public_key))
    }

    /// Verifies the whole ledger: the chain, every directory statement and
    /// every attestation, and that it extends a checkpoint the auditor kept
    /// and the witnesses the desks of this machine keep. Needs no passphrase
    /// and reads no entry.
    pub fn ledger_verify(&mut self, kept: Option<&Checkpoint>) -> Result<LedgerReport> {
        let genesis = self.genesis()?;
        let witnesses = self.local_witnesses(&genesis.genesis.vault_id);
        let mut wanted: Vec<u64> = witnesses.iter().map(|w| w.seq).collect();
        if let Some(k) = kept {
            wanted.push(k.seq);
        }
        let mut v = LedgerVerifier::new(&genesis.genesis, true, wanted);
        self.store
            .read(|db| db.for_each_ledger_row(|r| v.push(&chain_row(r))))?;
        let mut bad_witness = None;
        for w in &witnesses {
            if v.head().0 < w.seq || v.hash_at(w.seq) != Some(w.head_hash) {
                bad_witness.get_or_insert(w.clone());
            }
        }
        let (mut report, _) = v.finish(kept);
        if let Some(w) = bad_witness {
            let finding = ledger::Finding {
                kind: ledger::Damage::RolledBack,
                seq: w.seq.min(report.entries + 1),
                detail: format!(
                    "a desk on this machine saw entry {} with another head (or a longer ledger)",
                    w.seq
                ),
            };
            if report.damage.as_ref().is_none_or(|d| d.seq > finding.seq) {
                report.damage = Some(finding);
            }
            report.intact = false;
        }
        let mut anchor: Option<Anchor> = None;
        if let Some(k) = kept {
            anchor = Some(Anchor {
                seq: k.seq,
                source: "kept_checkpoint".into(),
                at: k.at,
                after: 0,
            });
        }
        for w in &witnesses {
            if anchor.as_ref().is_none_or(|a| w.seq > a.seq) {
                anchor = Some(Anchor {
                    seq: w.seq,
                    source: "desk_witness".into(),
                    at: w.at,
                    after: 0,
                });
            }
        }
        if let Some(a) = anchor.as_mut() {
            a.after = report.entries.saturating_sub(a.seq);
        }
        let summary = summarize(&report, anchor.as_ref());
        Ok(LedgerReport {
            report,
            anchor,
            summary,
        })
    }

    /// Signs and returns a checkpoint at the current head, for the auditor to
    /// keep outside the workstation. The session attests its own entries
    /// first, so the head is covered.
    pub fn ledger_checkpoint(&mut self, session: &mut Session) -> Result<Checkpoint> {
        // Only an auditor's (or the root's) checkpoint anchors anything.
        let actor = self.begin_as(
            session,
            &[Role::Auditor],
            Action::LedgerExport,
            "signing a ledger checkpoint",
        )?;
        self.attest_now()?;
        let own = self.session_key_owned(session)?;
        let root = self.genesis()?.genesis.root();
        let head = self.store.read(|db| db.ledger_head())?;
        let Some((seq, hash)) = head else {
            return Err(ApiError::NotFound("the ledger is empty".into()));
        };
        Ok(ledger::sign_checkpoint(
            &own.user_signing_key(),
            &actor.id,
            &root,
            u64::try_from(seq).unwrap_or(0),
            h32(&hash)?,
            self.now().unix_millis(),
        ))
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
            if self.directory()?.is_ledger_reader(&actor.id) {
                return Err(ApiError::Integrity(
                    "the ledger key granted to you (a signed statement says so) is gone from the file"
                        .into(),
                ));
            }
            return self.deny(
                Event::new(Some(Role::Auditor), action),
                ApiError::Denied(
                    "you hold no ledger key yet: an auditor who has one runs `sealdesk ledger grant YOU`, or the holder of the recovery code runs `sealdesk recover --grant-ledger YOU`".into(),
                ),
            );
        };
        let reader = UserSecretKey::from_secret(unwrap_secret(own, &READER_BINDING, &wrapped)?);
        if reader.public_key() != self.genesis()?.genesis.ledger_key() {
            return Err(ApiError::Integrity(
                "the ledger key you hold is not the one this vault's root certifies".into(),
            ));
        }
        Ok(reader)
    }

    /// The last entry's sequence number and stored hash (no passphrase:
    /// the chain is not secret).
    pub fn ledger_head(&self) -> Result<Option<(u64, [u8; 32])>> {
        match self.store.read(|db| db.ledger_head())? {
            Some((seq, hash)) => Ok(Some((u64::try_from(seq).unwrap_or(0), h32(&hash)?))),
            None => Ok(None),
        }
    }

    /// Auditor: every event, decrypted. The reading itself is recorded first.
    pub fn ledger_entries(&mut self, session: &mut Session) -> Result<Vec<LedgerEntry>> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerRead,
            "reading the ledger",
        )?;
        let ev = Event::new(Some(role), Action::LedgerRead);
        Ok(self
            .read_ledger(session, &actor, ev)?
            .into_iter()
            .map(LedgerEntry::from)
            .collect())
    }

    /// Auditor: every entry of the ledger, as [`Self::ledger_entries`], but
    /// an entry whose row is in the verified chain and does not open is
    /// listed as unreadable instead of hiding every other entry.
    pub fn ledger_readout(&mut self, session: &mut Session) -> Result<LedgerReadout> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerRead,
            "reading the ledger",
        )?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, Action::LedgerRead)?;
        self.record(Event::new(Some(role), Action::LedgerRead))?;
        let (opened, unreadable) = self.decrypt_each(&reader)?;
        Ok(LedgerReadout {
            entries: opened.into_iter().map(LedgerEntry::from).collect(),
            unreadable,
        })
    }

    /// Auditor: `ledger_verify`, and then every entry opened and checked
    /// to name only the account that wrote it (T10): the first that names
    /// anyone else is `forged` damage at its sequence number. The reading
    /// is recorded first, like any other.
    pub fn ledger_verify_entries(
        &mut self,
        session: &mut Session,
        kept: Option<&Checkpoint>,
    ) -> Result<LedgerReport> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerRead,
            "verifying the ledger's entries",
        )?;
        let held = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, &actor.id))?
            .is_some();
        if !held {
            // The chain and signatures need no key; the bodies do.
            let mut report = self.ledger_verify(kept)?;
            report
                .summary
                .push_str("; entries not opened (you hold no ledger key yet)");
            return Ok(report);
        }
        let ev = Event::new(Some(role), Action::LedgerRead).detail("verify entries");
        let opened = self.read_ledger(session, &actor, ev)?;
        let mut report = self.ledger_verify(kept)?;
        let first_forged = opened
            .into_iter()
            .find_map(|o| o.forged.map(|why| (o.body.seq, why)));
        if let Some((seq, detail)) = first_forged {
            if report.report.damage.as_ref().is_none_or(|d| d.seq > seq) {
                report.report.damage = Some(ledger::Finding {
                    kind: ledger::Damage::Forged,
                    seq,
                    detail,
                });
            }
            report.report.intact = false;
            report.summary = summarize(&report.report, report.anchor.as_ref());
        }
        Ok(report)
    }

    /// Every entry, for an auditor whose role was checked, after `ev` (the
    /// read) is recorded.
    pub(crate) fn read_ledger(
        &mut self,
        session: &mut Session,
        actor: &Actor,
        ev: Event,
    ) -> Result<Vec<Opened>> {
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(actor, &own, Action::LedgerRead)?;
        self.record(ev)?;
        self.decrypt_all(&reader)
    }

    /// Every event of the verified ledger (entries 1 to the head this desk
    /// verified, re-linked as they are read), opened, each checked against
    /// the certified directory to name only its author.
    fn decrypt_all(&mut self, reader: &UserSecretKey) -> Result<Vec<Opened>> {
        let (opened, unreadable) = self.decrypt_each(reader)?;
        match unreadable.first() {
            Some(u) => Err(ApiError::Integrity(format!(
                "ledger entry {} does not decrypt; run `sealdesk ledger verify`",
                u.seq
            ))),
            None => Ok(opened),
        }
    }

    /// [`Self::decrypt_all`], with the entries whose rows link into the
    /// verified chain but do not open listed one by one (a planted row
    /// hides none of the others from the auditor).
    fn decrypt_each(&mut self, reader: &UserSecretKey) -> Result<(Vec<Opened>, Vec<Unreadable>)> {
        self.refresh_directory()?;
        let (directory, head, head_hash) = {
            let f = self
                .fold
                .as_ref()
                .ok_or_else(|| ApiError::Integrity("fold".into()))?;
            (f.directory.clone(), f.seq, f.hash)
        };
        let mut out = Vec::new();
        let mut unreadable = Vec::new();
        let mut bad = None;
        let mut expected = 1u64;
        let mut prev = [0u8; 32];
        self.store.read(|db| {
            db.for_each_ledger_row_after(0, |r| {
                let seq = u64::try_from(r.seq).unwrap_or(0);
                if bad.is_some() || seq > head {
                    return;
                }
                let hash = ledger::chain_hash(seq, &prev, &r.sealed);
                let linked = seq == expected
                    && r.prev_hash.as_slice() == prev.as_slice()
                    && hash.as_slice() == r.hash.as_slice();
                if !linked {
                    bad = Some(seq);
                    return;
                }
                prev = hash;
                expected += 1;
                match ledger::open_entry(reader, &r.sealed) {
                    Ok(Some(o)) => out.push(Opened {
                        forged: ledger::body_names_actor(&directory, &o.header, &o.body).err(),
                        body: o.body,
                        nonce: o.nonce,
                    }),
                    Ok(None) => {}
                    Err(e) => unreadable.push(Unreadable {
                        seq,
                        detail: e.to_string(),
                    }),
                }
            })
        })?;
        if bad.is_none() && (expected != head + 1 || prev != head_hash) {
            bad = Some(expected);
        }
        if let Some(seq) = bad {
            return Err(ApiError::Integrity(format!(
                "ledger entry {seq} is not what this desk verified; run `sealdesk ledger verify`"
            )));
        }
        Ok((out, unreadable))
    }

    /// Auditor: gives another auditor the ledger reader key.
    pub fn ledger_grant(&mut self, session: &mut Session, auditor: &str) -> Result<()> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerGrant,
            "granting the ledger key",
        )?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, Action::LedgerGrant)?;
        let wrap = self.reader_wrap_for(&reader, auditor)?;
        // The grant is a statement the granting auditor signs: whom the
        // reader key was given to is never only a row.
        let st = self.statement(
            &actor.id,
            Change::LedgerReader {
                user: wrap.0.clone(),
            },
        )?;
        let signing = own.user_signing_key();
        let ev = Event::new(Some(role), Action::LedgerGrant)
            .detail(format!("ledger key granted to {auditor}"));
        self.commit_recorded(|db, ap| {
            db.put_secret_wrap(SECRET_LEDGER_READER, &wrap.0, &wrap.1)?;
            ap.directory(db, &st, &signing)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// The reader key wrapped to an active auditor's certified key.
    fn reader_wrap_for(
        &mut self,
        reader: &UserSecretKey,
        auditor: &str,
    ) -> Result<(String, Vec<u8>)> {
        let cert = self.cert_by_name(auditor)?;
        if !cert.has_role(Role::Auditor) || cert.disabled {
            return Err(ApiError::Denied(format!(
                "{auditor} is not an active auditor"
            )));
        }
        let wrapped = crypto::wrap_to(
            &cert.encryption_public_key(),
            &READER_BINDING,
            reader.secret_bytes().expose(),
            &mut self.rng,
        );
        Ok((cert.id, wrapped))
    }

    /// Recovery-code holder: gives an auditor the ledger reader key (the
    /// first auditor of a vault gets it this way; an admin never can). The
    /// act is written and attested by the vault root.
    pub fn recover_grant_ledger(
        &mut self,
        code: &crypto::RecoveryCode,
        auditor: &str,
    ) -> Result<()> {
        self.act_as_root(code)?;
        let out = self.recover_grant_ledger_inner(code, auditor);
        self.end_root_act();
        out
    }

    fn recover_grant_ledger_inner(
        &mut self,
        code: &crypto::RecoveryCode,
        auditor: &str,
    ) -> Result<()> {
        let wrapped = self
            .store
            .read(|db| db.secret_wrap(SECRET_LEDGER_READER, RECOVERY_RECIPIENT))?
            .ok_or_else(|| ApiError::Integrity("the ledger key has no recovery wrap".into()))?;
        let reader = UserSecretKey::from_secret(unwrap_secret(
            code.secret_key(),
            &READER_BINDING,
            &wrapped,
        )?);
        if reader.public_key() != self.genesis()?.genesis.ledger_key() {
            return Err(ApiError::Integrity(
                "the ledger key's recovery wrap is not the key this vault's root certifies".into(),
            ));
        }
        let wrap = self.reader_wrap_for(&reader, auditor)?;
        let st = self.statement(
            sealdesk_core::directory::ROOT_ISSUER,
            Change::LedgerReader {
                user: wrap.0.clone(),
            },
        )?;
        let root = code
            .secret_key()
            .derive_signing_key(crypto::ROOT_SIGNING_LABEL);
        let ev = Event::new(None, Action::LedgerGrant).detail(format!(
            "ledger key granted to {auditor} with the recovery code"
        ));
        self.commit_recorded(|db, ap| {
            db.put_secret_wrap(SECRET_LEDGER_READER, &wrap.0, &wrap.1)?;
            ap.directory(db, &st, &root)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// Acts as the vault root (the recovery-code holder): entries written
    /// until [`Vault::end_root_act`] are the root's and attested by it.
    pub(crate) fn act_as_root(&mut self, code: &crypto::RecoveryCode) -> Result<()> {
        let g = self.genesis()?;
        if code.public_key() != g.genesis.recovery_key() {
            return Err(ApiError::BadRecoveryCode);
        }
        let signing = code
            .secret_key()
            .derive_signing_key(crypto::ROOT_SIGNING_LABEL);
        if signing.verifying_key() != g.genesis.root() {
            return Err(ApiError::Integrity(
                "the recovery code does not derive this vault's root".into(),
            ));
        }
        self.refresh_directory()?;
        let mut session = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut self.rng, &mut session);
        self.ctx = Some(Ctx {
            actor: ledger::ROOT_ACTOR,
            name: ledger::ROOT_USER.to_owned(),
            session,
            signing,
        });
        Ok(())
    }

    pub(crate) fn end_root_act(&mut self) {
        if let Err(e) = self.attest_now() {
            tracing::error!(error = %e, "could not attest the root's entries");
        }
        self.ctx = None;
    }

    /// Auditor: writes the decrypted entries (JSONL, CSV), the sealed chain
    /// (with the directory statements and attestations in clear), the signed
    /// genesis, a checkpoint the auditor signs after the export was recorded,
    /// and a manifest of hashes into `dir`.
    pub fn ledger_export(
        &mut self,
        session: &mut Session,
        dir: &Path,
    ) -> Result<crate::export::ExportSummary> {
        let (actor, role) = self.begin_with_role(
            session,
            &[Role::Auditor],
            Action::LedgerExport,
            "exporting the ledger",
        )?;
        let own = self.session_key_owned(session)?;
        let reader = self.reader_key(&actor, &own, Action::LedgerExport)?;
        self.record(
            Event::new(Some(role), Action::LedgerExport).detail(format!("to {}", dir.display())),
        )?;
        let checkpoint = self.ledger_checkpoint(session)?;
        let entries = self.decrypt_all(&reader)?;
        let mut chain = Vec::new();
        self.store.read(|db| {
            db.for_each_ledger_row(|r| {
                if u64::try_from(r.seq).unwrap_or(u64::MAX) <= checkpoint.seq {
                    chain.push(chain_row(r))
                }
            })
        })?;
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|o| o.body.seq <= checkpoint.seq)
            .map(|o| (o.body, o.nonce))
            .collect();
        let genesis = self.genesis()?;
        crate::export::write_export(dir, &genesis, &entries, &chain, &checkpoint)
    }

    pub(crate) fn session_key_owned(&self, session: &Session) -> Result<UserSecretKey> {
        Ok(self.session_key(session)?.clone())
    }
}

fn workstation_id_of(root: &[u8; 32]) -> String {
    format!("ws-{}", hex::encode(&crypto::sha256(root)[..6]))
}

fn summarize(r: &VerifyReport, anchor: Option<&Anchor>) -> String {
    let mut s = if let Some(d) = &r.damage {
        format!("DAMAGED at entry {}: {}", d.seq, d.detail)
    } else {
        format!(
            "intact: {} entries, {} attestations verified",
            r.entries, r.checkpoints_verified
        )
    };
    match anchor {
        Some(a) => s.push_str(&format!(
            "; anchored at seq {} by a {} of {}; {} entries after it attested but not anchored",
            a.seq,
            if a.source == "kept_checkpoint" {
                "kept checkpoint"
            } else {
                "desk witness"
            },
            crate::format_utc(a.at),
            a.after
        )),
        None => s.push_str("; not anchored (no kept checkpoint or desk witness): a rollback of the whole file would not show"),
    }
    if !r.unattested.is_empty() {
        let users: Vec<String> = r
            .unattested
            .iter()
            .map(|u| format!("{} ({} from entry {})", u.user, u.entries, u.first_seq))
            .collect();
        s.push_str(&format!("; unattested: {}", users.join(", ")));
    }
    s
}

/// An event as an auditor opens it.
pub(crate) struct Opened {
    pub body: EntryBody,
    pub nonce: [u8; 32],
    /// Why it is forged, if its body names someone other than its author.
    pub forged: Option<String>,
}

/// The entries that name only their author: what a trace or a register
/// may name a person from (a forged entry names no one there).
pub(crate) fn authored(opened: Vec<Opened>) -> Vec<EntryBody> {
    opened
        .into_iter()
        .filter(|o| o.forged.is_none())
        .map(|o| o.body)
        .collect()
}

/// Sessions that have written entries not yet attested, by session id.
pub(crate) type Pending = HashMap<[u8; 16], Vec<u64>>;

/// The ledger actor bytes of an account id.
pub(crate) fn actor_of(user_id: &str) -> [u8; 16] {
    id_bytes(user_id)
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
        let mut ev = Event::new(actor.roles.iter().next(), Action::View).detail("benchmark");
        ev.reason = Some("辦理 SD-115-00001 陳情案".into());
        ev.receipt_no = Some("SD-115-00001".into());
        let mut times = Vec::with_capacity(rounds);
        for _ in 0..rounds {
            let t = std::time::Instant::now();
            self.record(ev.clone())?;
            times.push(t.elapsed());
        }
        Ok(times)
    }
}
