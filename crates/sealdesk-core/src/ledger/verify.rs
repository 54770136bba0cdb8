//! The ledger verifier: one streaming pass over the rows checks the chain,
//! folds the directory, and (in full mode) checks every attestation, then
//! names the first damage. Pure: rows in, a report out.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{
    chain_hash, checkpoint_signer, directory_parts, fact_parts, header, verify_checkpoint, Action,
    Attestation, ChainRow, Checkpoint, EntryBody, EntryKind, Header, ANONYMOUS, ROOT_ACTOR,
};
use crate::crypto::{self, UserSecretKey, VerifyingKey, SIGNATURE_LEN};
use crate::directory::{hex32, Directory, Genesis};
use crate::facts::Facts;
use crate::CryptoRngCore;

/// The only event an entry with no actor may be: a failed login, which needs
/// no account and grants nothing.
pub const ANONYMOUS_ACTION: Action = Action::LoginFailed;
/// The name events written by the vault root (with the recovery code) carry.
pub const ROOT_USER: &str = "recovery";

/// Whether an opened event names only its own author: the body's `user` is
/// the certified name of the header's actor (`recovery` for the root); an
/// entry with no actor is a failed login naming no one. `Err` says what it
/// claims instead — the verifier calls such an entry forged.
pub fn body_names_actor(
    directory: &Directory,
    header: &Header,
    body: &EntryBody,
) -> Result<(), String> {
    if header.actor == ANONYMOUS {
        if body.action != ANONYMOUS_ACTION || !body.user.is_empty() {
            return Err(format!(
                "an entry with no authenticated actor claims to be {:?} by {:?}",
                body.action.as_str(),
                body.user
            ));
        }
        return Ok(());
    }
    let expected = if header.actor == ROOT_ACTOR {
        Some(ROOT_USER.to_owned())
    } else {
        directory
            .user_by_id_bytes(&header.actor)
            .map(|c| c.name.clone())
    };
    match expected {
        Some(name) if name == body.user => Ok(()),
        Some(name) => Err(format!(
            "entry written by {name} names {:?} as its actor",
            body.user
        )),
        None => Err(format!(
            "entry written by {}, whom the directory does not certify",
            hex::encode(header.actor)
        )),
    }
}

/// What damage the verifier found. The string forms are a CLI contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    Edited,
    Missing,
    Reordered,
    Inserted,
    Truncated,
    RolledBack,
    BadSignature,
    /// An entry in someone's name that their attestation does not list, or
    /// a statement or attestation by an account the directory does not certify.
    Forged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "LedgerDamage"))]
pub struct Finding {
    pub kind: Damage,
    /// The first bad sequence number.
    pub seq: u64,
    pub detail: String,
}

/// Entries of one session that no attestation covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Unattested {
    /// The account the entries claim (its name when certified, else its id).
    pub user: String,
    pub session: String,
    pub first_seq: u64,
    pub entries: u64,
}

/// The verifier's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyReport {
    pub intact: bool,
    pub entries: u64,
    #[serde(with = "hex32")]
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub head_hash: [u8; 32],
    /// Attestations whose signature was checked, plus a kept checkpoint.
    pub checkpoints_verified: u64,
    /// Entries after the last attestation.
    pub unsigned_tail: u64,
    pub damage: Option<Finding>,
    /// Directory statements folded.
    pub directory_statements: u64,
    /// Sessions with entries no attestation covers (a crash leaves one; many
    /// users' look like tampering).
    pub unattested: Vec<Unattested>,
    /// Entries no session wrote (failed logins).
    pub anonymous_entries: u64,
    /// Signed facts (requests, decisions, assignment ends, affirmations,
    /// copies, registrations) folded.
    pub facts: u64,
    /// Who signed the kept checkpoint that anchors this verification (the
    /// root, or a certified auditor's name); none when no checkpoint was
    /// given or it was refused.
    pub anchor_signer: Option<String>,
}

/// Entries of one session that no attestation has listed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct OpenSession {
    #[serde(with = "hex::serde")]
    actor: [u8; 16],
    #[serde(with = "hex::serde")]
    session: [u8; 16],
    seqs: Vec<u64>,
}

/// Everything a full verification knows at the end of a verified prefix —
/// the head, the directory, the facts, the sessions still open — enough to
/// go on from there exactly as a pass from genesis would. A desk keeps it,
/// sealed to its account ([`VerifiedState::seal`]), and at its next login
/// verifies only what came after.
///
/// Field order is part of the sealed desk-state format (golden test
/// `desk_state_format_v1_is_frozen`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VerifiedState {
    pub seq: u64,
    #[serde(with = "hex32")]
    pub hash: [u8; 32],
    pub directory: Directory,
    pub facts: Facts,
    open_sessions: Vec<OpenSession>,
    last_attested: u64,
    anonymous: u64,
    anonymous_tail: Vec<u64>,
}

/// What a sealed desk state is bound to: another vault's, another
/// account's or another root's state does not open.
#[derive(Debug, Clone, Copy)]
pub struct DeskBinding<'a> {
    pub vault_id: &'a str,
    pub account: &'a str,
    pub genesis_hash: &'a [u8; 32],
}

impl DeskBinding<'_> {
    fn fields(&self) -> [&[u8]; 3] {
        [
            self.vault_id.as_bytes(),
            self.account.as_bytes(),
            self.genesis_hash.as_slice(),
        ]
    }
}

impl VerifiedState {
    /// The state before the first entry.
    pub fn genesis(genesis: &Genesis) -> Self {
        Self {
            seq: 0,
            hash: [0u8; 32],
            directory: Directory::new(genesis),
            facts: Facts::default(),
            open_sessions: Vec::new(),
            last_attested: 0,
            anonymous: 0,
            anonymous_tail: Vec::new(),
        }
    }

    /// Seals the state to the account's key (see
    /// [`crypto::seal_desk_state`]); the JSON inside never touches disk in
    /// clear.
    pub fn seal(
        &self,
        key: &UserSecretKey,
        binding: &DeskBinding<'_>,
        rng: &mut impl CryptoRngCore,
    ) -> Vec<u8> {
        let json = zeroize::Zeroizing::new(serde_json::to_vec(self).unwrap_or_default());
        crypto::seal_desk_state(key, &binding.fields(), &json, rng)
    }

    /// Opens a sealed state. `None` when it is not this account's state for
    /// this vault, was altered, or does not parse: the desk then verifies
    /// from genesis.
    pub fn open(key: &UserSecretKey, binding: &DeskBinding<'_>, sealed: &[u8]) -> Option<Self> {
        let pt = crypto::open_desk_state(key, &binding.fields(), sealed).ok()?;
        let state: Self = serde_json::from_slice(pt.expose()).ok()?;
        (state.directory.vault_id() == binding.vault_id).then_some(state)
    }
}

/// One signature to check at the end, in a batch.
#[derive(Debug)]
struct PendingSig {
    key: VerifyingKey,
    message: Vec<u8>,
    signature: [u8; SIGNATURE_LEN],
    seq: u64,
}

/// Streaming verifier: feed rows in `seq` order, then `finish`.
///
/// In *fold* mode it checks the chain and folds the directory (what a login
/// needs); in *full* mode it also checks every attestation (what `ledger
/// verify` and `verify-export` do). It can resume from a folded prefix.
#[derive(Debug)]
pub struct LedgerVerifier {
    full: bool,
    vault_id: [u8; 16],
    expected: u64,
    prev: [u8; 32],
    chain_ok: bool,
    findings: Vec<Finding>,
    misplaced: Option<(u64, u64)>,
    partner: Option<u64>,
    wanted: HashSet<u64>,
    hashes_at: HashMap<u64, [u8; 32]>,
    count: u64,
    directory: Directory,
    facts: Facts,
    pending: BTreeMap<([u8; 16], [u8; 16]), Vec<u64>>,
    sigs: Vec<PendingSig>,
    /// Attestation signatures checked so far (by `settle`).
    verified: u64,
    last_attested: u64,
    anonymous: u64,
    /// Anonymous entries after the last attestation: nothing vouches for
    /// them, so they are listed as unattested (a writer who re-seals a
    /// session's entries as failed logins leaves such a tail).
    anonymous_tail: Vec<u64>,
}

impl LedgerVerifier {
    pub fn new(genesis: &Genesis, full: bool, wanted: impl IntoIterator<Item = u64>) -> Self {
        Self::from_state(VerifiedState::genesis(genesis), genesis, full, wanted)
    }

    /// Continues from a verified prefix: what [`Self::into_state`] (or a
    /// desk's sealed state) says of it.
    pub fn from_state(
        state: VerifiedState,
        genesis: &Genesis,
        full: bool,
        wanted: impl IntoIterator<Item = u64>,
    ) -> Self {
        let pending = state
            .open_sessions
            .into_iter()
            .map(|o| ((o.actor, o.session), o.seqs))
            .collect();
        Self {
            full,
            vault_id: genesis.vault_id_bytes(),
            expected: state.seq + 1,
            prev: state.hash,
            chain_ok: true,
            findings: Vec::new(),
            misplaced: None,
            partner: None,
            wanted: wanted.into_iter().collect(),
            hashes_at: HashMap::new(),
            count: state.seq,
            directory: state.directory,
            facts: state.facts,
            pending,
            sigs: Vec::new(),
            verified: 0,
            last_attested: state.last_attested,
            anonymous: state.anonymous,
            anonymous_tail: state.anonymous_tail,
        }
    }

    /// Checks the attestation signatures queued so far, now (they are
    /// otherwise checked at `finish`), recording any bad one as damage.
    pub fn settle(&mut self) {
        let total = self.sigs.len() as u64;
        let bad = self.check_signatures();
        self.verified += total - bad.len() as u64;
        for seq in bad {
            self.found(
                Damage::BadSignature,
                seq,
                format!("the attestation at {seq} has a bad signature"),
            );
        }
    }

    /// What this pass knows, to go on from later. Only meaningful for a
    /// `settle`d pass with no damage (callers check `first_damage` first).
    pub fn into_state(self) -> VerifiedState {
        let (seq, hash) = self.head();
        VerifiedState {
            seq,
            hash,
            directory: self.directory,
            facts: self.facts,
            open_sessions: self
                .pending
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|((actor, session), seqs)| OpenSession {
                    actor,
                    session,
                    seqs,
                })
                .collect(),
            last_attested: self.last_attested,
            anonymous: self.anonymous,
            anonymous_tail: self.anonymous_tail,
        }
    }

    /// The facts folded so far (up to the first damage).
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    fn found(&mut self, kind: Damage, seq: u64, detail: String) {
        self.findings.push(Finding { kind, seq, detail });
    }

    fn chain_damage(&mut self, kind: Damage, seq: u64, detail: String) {
        self.chain_ok = false;
        self.found(kind, seq, detail);
    }

    /// The directory folded so far (up to the first damage).
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// Whether every row so far linked.
    pub fn chain_ok(&self) -> bool {
        self.chain_ok
    }

    /// The last linked entry and its hash.
    pub fn head(&self) -> (u64, [u8; 32]) {
        (self.expected - 1, self.prev)
    }

    /// The first damage found so far.
    pub fn first_damage(&self) -> Option<&Finding> {
        self.findings.iter().min_by_key(|f| f.seq)
    }

    pub fn push(&mut self, row: &ChainRow) {
        self.count += 1;
        if !self.chain_ok {
            if let Some((_, embedded)) = self.misplaced {
                if row.seq == embedded {
                    self.partner = header(&row.sealed).map(|h| h.seq);
                }
            }
            return;
        }
        if row.seq != self.expected {
            let at = self.expected;
            self.chain_damage(
                Damage::Missing,
                at,
                format!("entry {at} is missing (next stored entry is {})", row.seq),
            );
            return;
        }
        let Some(h) = header(&row.sealed) else {
            self.chain_damage(
                Damage::Edited,
                row.seq,
                "sealed bytes are not an entry".into(),
            );
            return;
        };
        if chain_hash(h.seq, &row.prev_hash, &row.sealed) != row.hash {
            self.chain_damage(
                Damage::Edited,
                row.seq,
                "entry bytes do not match their hash".into(),
            );
            return;
        }
        if h.seq != row.seq {
            self.misplaced = Some((row.seq, h.seq));
            self.chain_ok = false;
            return;
        }
        if row.prev_hash != self.prev {
            let at = row.seq.saturating_sub(1).max(1);
            self.chain_damage(
                Damage::Edited,
                at,
                format!(
                    "entry {} does not link to entry {at}; entry {at} was replaced",
                    row.seq
                ),
            );
            return;
        }
        self.entry(&h, row);
        if self.wanted.contains(&row.seq) {
            self.hashes_at.insert(row.seq, row.hash);
        }
        self.prev = row.hash;
        self.expected += 1;
    }

    fn entry(&mut self, h: &Header, row: &ChainRow) {
        match h.kind {
            EntryKind::Directory => {
                let applied = directory_parts(&row.sealed)
                    .ok_or(crate::directory::DirectoryError::Malformed)
                    .and_then(|(json, sig)| self.directory.apply(json, sig, h.seq, &row.prev_hash));
                if let Err(e) = applied {
                    self.found(
                        Damage::Forged,
                        h.seq,
                        format!("directory statement at {} refused: {e}", h.seq),
                    );
                }
            }
            EntryKind::Fact => {
                let applied = fact_parts(&row.sealed)
                    .ok_or(crate::facts::FactError::Malformed)
                    .and_then(|(json, sig)| {
                        self.facts.apply(
                            &self.directory,
                            &h.actor,
                            json,
                            sig,
                            h.seq,
                            &row.prev_hash,
                        )
                    });
                if let Err(e) = applied {
                    self.found(
                        Damage::Forged,
                        h.seq,
                        format!("fact at {} refused: {e}", h.seq),
                    );
                }
            }
            EntryKind::Event => {
                if h.actor == ANONYMOUS {
                    self.anonymous += 1;
                    if self.full {
                        self.anonymous_tail.push(h.seq);
                    }
                } else if h.actor != ROOT_ACTOR
                    && self.directory.user_by_id_bytes(&h.actor).is_none()
                {
                    // No account wrote it: it cannot stand where an
                    // account's entries would, attested or not.
                    self.found(
                        Damage::Forged,
                        h.seq,
                        format!(
                            "entry {} claims an actor the directory does not certify",
                            h.seq
                        ),
                    );
                } else if self.full {
                    self.pending
                        .entry((h.actor, h.session))
                        .or_default()
                        .push(h.seq);
                }
            }
            EntryKind::Attestation if self.full => self.attestation(h, row),
            EntryKind::Attestation => {}
        }
    }

    fn attestation(&mut self, h: &Header, row: &ChainRow) {
        let Some((att, sig)) = Attestation::parse(&row.sealed, row.prev_hash) else {
            self.found(Damage::Edited, h.seq, "attestation does not parse".into());
            return;
        };
        let key = if h.actor == ROOT_ACTOR {
            Some(*self.directory.root())
        } else {
            self.directory
                .user_by_id_bytes(&h.actor)
                .map(|c| c.verifying_key())
        };
        let Some(key) = key else {
            self.found(
                Damage::Forged,
                h.seq,
                format!(
                    "attestation at {} by {}, whom the directory does not certify",
                    h.seq,
                    hex::encode(h.actor)
                ),
            );
            return;
        };
        let pending = self
            .pending
            .remove(&(h.actor, h.session))
            .unwrap_or_default();
        let listed: HashSet<u64> = att.seqs.iter().copied().collect();
        if let Some(extra) = pending.iter().find(|s| !listed.contains(s)) {
            let who = self.user_label(&h.actor);
            self.found(
                Damage::Forged,
                *extra,
                format!(
                    "entry {extra} claims a session of {who}, whose attestation at {} does not list it",
                    h.seq
                ),
            );
        }
        let have: HashSet<u64> = pending.iter().copied().collect();
        if let Some(gone) = att.seqs.iter().find(|s| !have.contains(s)) {
            self.found(
                Damage::Edited,
                *gone,
                format!(
                    "the attestation at {} lists entry {gone}, which is not that session's",
                    h.seq
                ),
            );
        }
        // The attestation signs the head before it and its own bytes, so the
        // ledger is attested up to and including it.
        self.last_attested = self.last_attested.max(h.seq);
        self.anonymous_tail.clear();
        self.sigs.push(PendingSig {
            key,
            message: att.message(&self.vault_id),
            signature: sig,
            seq: h.seq,
        });
    }

    fn user_label(&self, actor: &[u8; 16]) -> String {
        if *actor == ROOT_ACTOR {
            return "root".into();
        }
        self.directory
            .user_by_id_bytes(actor)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| hex::encode(actor))
    }

    /// Checks the queued signatures on every core available. Returns the
    /// sequence numbers of the ones that fail.
    fn check_signatures(&mut self) -> Vec<u64> {
        let sigs = std::mem::take(&mut self.sigs);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(8);
        let chunk = sigs.len().div_ceil(threads).max(1);
        let mut bad = Vec::new();
        std::thread::scope(|s| {
            let handles: Vec<_> = sigs
                .chunks(chunk)
                .map(|part| {
                    s.spawn(move || {
                        let mut bad = Vec::new();
                        // Batches of 64: a failed batch is checked one by one
                        // to name the bad signature.
                        for batch in part.chunks(64) {
                            let keys: Vec<VerifyingKey> = batch.iter().map(|p| p.key).collect();
                            let msgs: Vec<&[u8]> =
                                batch.iter().map(|p| p.message.as_slice()).collect();
                            let sigs: Vec<[u8; SIGNATURE_LEN]> =
                                batch.iter().map(|p| p.signature).collect();
                            if crypto::verify_batch(&keys, &msgs, &sigs) {
                                continue;
                            }
                            bad.extend(
                                batch
                                    .iter()
                                    .filter(|p| {
                                        crypto::verify_signature(&p.key, &p.message, &p.signature)
                                            .is_err()
                                    })
                                    .map(|p| p.seq),
                            );
                        }
                        bad
                    })
                })
                .collect();
            for h in handles {
                if let Ok(v) = h.join() {
                    bad.extend(v);
                }
            }
        });
        bad
    }

    /// Finishes, with a checkpoint kept outside the vault if given. Its
    /// `seq` must have been among the `wanted` ones: the verifier keeps only
    /// those hashes, and any other is reported as a differing history.
    pub fn finish(mut self, kept: Option<&Checkpoint>) -> (VerifyReport, Directory) {
        if let Some((pos, embedded)) = self.misplaced {
            let (kind, seq, detail) = if embedded > pos && self.partner == Some(pos) {
                (
                    Damage::Reordered,
                    pos,
                    format!("entry {pos} holds entry {embedded}'s bytes; rows were swapped"),
                )
            } else if embedded < pos {
                (
                    Damage::Inserted,
                    embedded,
                    format!("a row was inserted at {embedded}; later entries moved up"),
                )
            } else {
                (
                    Damage::Missing,
                    pos,
                    format!("entry {pos} was removed and later entries renumbered"),
                )
            };
            self.found(kind, seq, detail);
        }
        if self.full {
            self.settle();
        }
        let mut verified = self.verified;
        let last = self.expected - 1;
        let mut anchor_signer = None;
        if let Some(cp) = kept {
            if verify_checkpoint(cp, &self.directory).is_err() {
                // Named by its key (the checkpoint's `signer` id is not
                // what its signature covers).
                let who = self
                    .directory
                    .users()
                    .find(|u| u.signing_key == cp.signer_public_key)
                    .map_or_else(
                        || "a key this vault does not certify".to_owned(),
                        |u| u.name.clone(),
                    );
                self.found(
                    Damage::BadSignature,
                    cp.seq,
                    format!("the kept checkpoint is not signed by this vault's root or one of its auditors (signed by {who})"),
                );
            } else if cp.seq > last {
                // Entries after the last attestation mean the ledger was cut
                // in the middle of a session (truncated); a ledger that ends
                // cleanly is an older copy put back (rolled back).
                let kind = if last > self.last_attested {
                    Damage::Truncated
                } else {
                    Damage::RolledBack
                };
                self.found(
                    kind,
                    last + 1,
                    format!(
                        "the kept checkpoint names entry {} but the ledger ends at {last}",
                        cp.seq
                    ),
                );
            } else if self.hashes_at.get(&cp.seq) != Some(&cp.head_hash) {
                self.found(
                    Damage::RolledBack,
                    cp.seq,
                    format!(
                        "the ledger's history at {} differs from the kept checkpoint",
                        cp.seq
                    ),
                );
            } else {
                verified += 1;
                anchor_signer = checkpoint_signer(cp, &self.directory);
            }
        }
        let mut unattested: Vec<Unattested> = self
            .pending
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|((actor, session), v)| Unattested {
                user: self.user_label(actor),
                session: hex::encode(session),
                first_seq: v.iter().copied().min().unwrap_or(0),
                entries: v.len() as u64,
            })
            .collect();
        if self.full && !self.anonymous_tail.is_empty() {
            unattested.push(Unattested {
                user: "(anonymous)".into(),
                session: hex::encode([0u8; 16]),
                first_seq: self.anonymous_tail[0],
                entries: self.anonymous_tail.len() as u64,
            });
        }
        unattested.sort_by_key(|u| u.first_seq);
        let damage = self.first_damage().cloned();
        (
            VerifyReport {
                intact: damage.is_none(),
                entries: self.count,
                head_hash: self.prev,
                checkpoints_verified: verified,
                unsigned_tail: last.saturating_sub(self.last_attested),
                damage,
                directory_statements: self.directory.statements(),
                unattested,
                anonymous_entries: self.anonymous,
                facts: self.facts.count(),
                anchor_signer,
            },
            self.directory,
        )
    }

    /// [`Self::finish`], keeping the facts folded too.
    pub fn finish_fold(mut self, kept: Option<&Checkpoint>) -> (VerifyReport, Directory, Facts) {
        let facts = std::mem::take(&mut self.facts);
        let (mut report, directory) = self.finish(kept);
        report.facts = facts.count();
        (report, directory, facts)
    }

    /// The hash at a sequence number named in `wanted`, once passed.
    pub fn hash_at(&self, seq: u64) -> Option<[u8; 32]> {
        self.hashes_at.get(&seq).copied()
    }
}
