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

use sealdesk_core::crypto::{self, SigningKey, UserSecretKey, WrapBinding};
use sealdesk_core::directory::id_bytes;
use sealdesk_core::domain::Role;
use sealdesk_core::ledger::{self, Attestation, ChainRow, EntryBody, VerifyReport};
use sealdesk_core::secret::SecretBytes32;
use sealdesk_store::{Db, LedgerRow};
use serde::Serialize;

mod read;

use crate::{ApiError, ApiRng, Result, Session, Vault};

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
        sealdesk_store::StoreError::Busy | sealdesk_store::StoreError::Unreachable(_) => {
            ApiError::Store(e)
        }
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

    /// The vault root's public key: what an auditor keeps to verify exports
    /// (`ledger key` calls it the workstation key, for the CLI contract).
    pub fn workstation_public_key(&mut self) -> Result<crypto::VerifyingKey> {
        Ok(self.genesis()?.genesis.root())
    }

    /// A short id of this vault, from its root key.
    pub fn workstation_id(&mut self) -> Result<String> {
        Ok(workstation_id_of(&self.genesis()?.genesis.root_public_key))
    }

    pub(crate) fn session_key_owned(&self, session: &Session) -> Result<UserSecretKey> {
        Ok(self.session_key(session)?.clone())
    }
}

fn workstation_id_of(root: &[u8; 32]) -> String {
    format!("ws-{}", hex::encode(&crypto::sha256(root)[..6]))
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
