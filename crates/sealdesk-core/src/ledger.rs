//! The ledger's formats and the chain verifier. Pure: rows come in, a report
//! comes out; the store and the API do the I/O.
//!
//! * An entry body is JSON with a fixed field order ([`EntryBody`]). It is
//!   sealed to the ledger *reader key* (an X25519 key whose private half only
//!   auditors and the recovery key hold), so any session can append and only
//!   auditors can read.
//! * Sealed entry v1: `01 ‖ seq (u64 BE) ‖ commitment (32) ‖ wrap_to(reader,
//!   nonce (32) ‖ body)`, where `commitment = SHA-256(nonce ‖ body)`. The
//!   commitment lets a verifier with no key check that an exported, decrypted
//!   entry is the one in the chain; the random nonce keeps it from being
//!   guessed from likely bodies.
//! * Chain: `hash = SHA-256("sealdesk.ledger.v1\0" ‖ seq ‖ prev_hash ‖ sealed)`,
//!   `prev_hash` of entry 1 is 32 zero bytes. Computed over sealed bytes, so
//!   anyone can check integrity without reading contents.
//! * Checkpoint v1: `(seq, head_hash, at)` signed by the workstation's Ed25519
//!   key over `"sealdesk.checkpoint.v1\0" ‖ seq ‖ head_hash ‖ at ‖ workstation pk`.
//!
//! All three are pinned by golden tests.

use std::collections::{HashMap, HashSet};

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::{
    self, CryptoError, SigningKey, UserPublicKey, UserSecretKey, VerifyingKey, WrapBinding,
};

pub const ENTRY_V1: u8 = 1;
const ENTRY_HEADER_LEN: usize = 1 + 8 + 32;
const CHAIN_LABEL: &[u8] = b"sealdesk.ledger.v1\0";
const CHECKPOINT_LABEL: &[u8] = b"sealdesk.checkpoint.v1\0";

/// One ledger entry. Field order is the canonical JSON and part of the
/// stored format (the commitment covers these exact bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryBody {
    pub seq: u64,
    /// UTC milliseconds.
    pub at: i64,
    pub user: String,
    /// The role the action was taken in.
    pub role: Option<String>,
    pub workstation: String,
    pub action: String,
    pub letter_id: Option<String>,
    pub receipt_no: Option<String>,
    /// 密等 of the letter.
    pub level: Option<String>,
    /// The stated reason.
    pub reason: Option<String>,
    /// The assignment (receipt number or request) the reason is tied to.
    pub assignment: Option<String>,
    /// `allowed` or `denied`.
    pub outcome: String,
    /// Why denied, or what changed.
    pub detail: Option<String>,
}

impl EntryBody {
    pub fn canonical_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

fn binding(seq: u64) -> (String, &'static str) {
    (format!("ledger/{seq}"), "ledger-entry")
}

pub fn commitment(nonce: &[u8; 32], body_json: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(nonce);
    h.update(body_json);
    h.finalize().into()
}

/// Seals an entry body to the reader key.
pub fn seal_entry(
    reader: &UserPublicKey,
    body: &EntryBody,
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let mut nonce = [0u8; 32];
    rng.fill_bytes(&mut nonce);
    let wrapper = crypto::Wrapper::make(reader, rng);
    seal_with_nonce(&wrapper, body, &nonce, rng)
}

/// Seals an entry with a [`crypto::Wrapper`] kept across appends: one
/// AES-GCM seal instead of two scalar multiplications per entry. The layout
/// is that of [`seal_entry`].
pub fn seal_entry_with(
    wrapper: &crypto::Wrapper,
    body: &EntryBody,
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let mut nonce = [0u8; 32];
    rng.fill_bytes(&mut nonce);
    seal_with_nonce(wrapper, body, &nonce, rng)
}

fn seal_with_nonce(
    wrapper: &crypto::Wrapper,
    body: &EntryBody,
    nonce: &[u8; 32],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let json = body.canonical_json();
    let commit = commitment(nonce, &json);
    let mut payload = Vec::with_capacity(32 + json.len());
    payload.extend_from_slice(nonce);
    payload.extend_from_slice(&json);
    let (rid, purpose) = binding(body.seq);
    let wrapped = wrapper.wrap(
        &WrapBinding {
            record_id: &rid,
            purpose,
        },
        &payload,
        rng,
    );
    let mut out = Vec::with_capacity(ENTRY_HEADER_LEN + wrapped.len());
    out.push(ENTRY_V1);
    out.extend_from_slice(&body.seq.to_be_bytes());
    out.extend_from_slice(&commit);
    out.extend_from_slice(&wrapped);
    out
}

/// The clear header of a sealed entry: its sequence number and commitment.
pub fn entry_header(sealed: &[u8]) -> Option<(u64, [u8; 32])> {
    if sealed.len() < ENTRY_HEADER_LEN || sealed[0] != ENTRY_V1 {
        return None;
    }
    let seq = u64::from_be_bytes(sealed[1..9].try_into().ok()?);
    let commit: [u8; 32] = sealed[9..41].try_into().ok()?;
    Some((seq, commit))
}

/// An opened entry and the nonce of its commitment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedEntry {
    pub body: EntryBody,
    pub nonce: [u8; 32],
}

pub fn open_entry(reader: &UserSecretKey, sealed: &[u8]) -> Result<OpenedEntry, CryptoError> {
    let (seq, commit) = entry_header(sealed).ok_or(CryptoError::Decrypt)?;
    let (rid, purpose) = binding(seq);
    let payload = crypto::unwrap_with(
        reader,
        &WrapBinding {
            record_id: &rid,
            purpose,
        },
        &sealed[ENTRY_HEADER_LEN..],
    )?;
    let p = payload.expose();
    if p.len() < 32 {
        return Err(CryptoError::Decrypt);
    }
    let nonce: [u8; 32] = p[..32].try_into().map_err(|_| CryptoError::Decrypt)?;
    if commitment(&nonce, &p[32..]) != commit {
        return Err(CryptoError::Decrypt);
    }
    let body: EntryBody = serde_json::from_slice(&p[32..]).map_err(|_| CryptoError::Decrypt)?;
    if body.seq != seq {
        return Err(CryptoError::Decrypt);
    }
    Ok(OpenedEntry { body, nonce })
}

pub fn chain_hash(seq: u64, prev: &[u8; 32], sealed: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(CHAIN_LABEL);
    h.update(seq.to_be_bytes());
    h.update(prev);
    h.update(sealed);
    h.finalize().into()
}

/// A stored chain row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub seq: u64,
    pub prev_hash: [u8; 32],
    pub sealed: Vec<u8>,
    pub hash: [u8; 32],
}

/// A signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: u64,
    #[serde(with = "hex32")]
    pub head_hash: [u8; 32],
    /// UTC milliseconds.
    pub at: i64,
    #[serde(with = "hex32")]
    pub workstation_public_key: [u8; 32],
    #[serde(with = "hex_vec")]
    pub signature: Vec<u8>,
}

pub fn checkpoint_message(seq: u64, head: &[u8; 32], at: i64, ws: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(CHECKPOINT_LABEL.len() + 8 + 32 + 8 + 32);
    m.extend_from_slice(CHECKPOINT_LABEL);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(head);
    m.extend_from_slice(&at.to_be_bytes());
    m.extend_from_slice(ws);
    m
}

pub fn sign_checkpoint(key: &SigningKey, seq: u64, head_hash: [u8; 32], at: i64) -> Checkpoint {
    let ws = key.verifying_key().0;
    let signature = key
        .sign(&checkpoint_message(seq, &head_hash, at, &ws))
        .to_vec();
    Checkpoint {
        seq,
        head_hash,
        at,
        workstation_public_key: ws,
        signature,
    }
}

pub fn verify_checkpoint(cp: &Checkpoint, workstation: &VerifyingKey) -> Result<(), CryptoError> {
    if cp.workstation_public_key != workstation.0 {
        return Err(CryptoError::BadSignature);
    }
    crypto::verify_signature(
        workstation,
        &checkpoint_message(cp.seq, &cp.head_hash, cp.at, &cp.workstation_public_key),
        &cp.signature,
    )
}

/// What damage the verifier found. The string forms are a CLI contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    Edited,
    Missing,
    Reordered,
    Inserted,
    Truncated,
    RolledBack,
    BadSignature,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: Damage,
    /// The first bad sequence number.
    pub seq: u64,
    pub detail: String,
}

/// The verifier's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub intact: bool,
    pub entries: u64,
    #[serde(with = "hex32")]
    pub head_hash: [u8; 32],
    pub checkpoints_verified: u64,
    /// Entries after the last signed checkpoint (covered by the chain, not yet by a signature).
    pub unsigned_tail: u64,
    pub damage: Option<Finding>,
}

/// Streaming chain verifier: feed rows in `seq` order, then `finish`.
#[derive(Debug)]
pub struct ChainVerifier {
    expected: u64,
    prev: [u8; 32],
    finding: Option<Finding>,
    /// A row whose content belongs elsewhere: (position, embedded seq).
    misplaced: Option<(u64, u64)>,
    /// For a misplaced row at `pos` holding entry `e > pos`: what the row at
    /// position `e` holds. `pos` there means two rows were swapped.
    partner: Option<u64>,
    /// Hashes at the sequence numbers a checkpoint names.
    wanted: HashSet<u64>,
    hashes_at: HashMap<u64, [u8; 32]>,
    count: u64,
}

impl ChainVerifier {
    /// `checkpoint_seqs`: the sequence numbers whose hash a checkpoint names.
    pub fn new(checkpoint_seqs: impl IntoIterator<Item = u64>) -> Self {
        Self {
            expected: 1,
            prev: [0u8; 32],
            finding: None,
            misplaced: None,
            partner: None,
            wanted: checkpoint_seqs.into_iter().collect(),
            hashes_at: HashMap::new(),
            count: 0,
        }
    }

    fn found(&mut self, kind: Damage, seq: u64, detail: String) {
        if self.finding.is_none() {
            self.finding = Some(Finding { kind, seq, detail });
        }
    }

    pub fn push(&mut self, row: &ChainRow) {
        self.count += 1;
        if self.finding.is_some() {
            if let Some((_, embedded)) = self.misplaced {
                if row.seq == embedded {
                    self.partner = entry_header(&row.sealed).map(|(e, _)| e);
                }
            }
            return;
        }
        if row.seq != self.expected {
            let at = self.expected;
            self.found(
                Damage::Missing,
                at,
                format!("entry {at} is missing (next stored entry is {})", row.seq),
            );
            return;
        }
        let Some((embedded, _)) = entry_header(&row.sealed) else {
            self.found(
                Damage::Edited,
                row.seq,
                "sealed bytes are not an entry".into(),
            );
            return;
        };
        if chain_hash(embedded, &row.prev_hash, &row.sealed) != row.hash {
            self.found(
                Damage::Edited,
                row.seq,
                "entry bytes do not match their hash".into(),
            );
            return;
        }
        if embedded != row.seq {
            self.misplaced = Some((row.seq, embedded));
            self.found(Damage::Reordered, row.seq, String::new());
            return;
        }
        if row.prev_hash != self.prev {
            let at = row.seq.saturating_sub(1).max(1);
            self.found(
                Damage::Edited,
                at,
                format!(
                    "entry {} does not link to entry {at}; entry {at} was replaced",
                    row.seq
                ),
            );
            return;
        }
        if self.wanted.contains(&row.seq) {
            self.hashes_at.insert(row.seq, row.hash);
        }
        self.prev = row.hash;
        self.expected += 1;
    }

    /// Finishes with the checkpoints stored in the vault and, optionally, a
    /// checkpoint the auditor kept outside it.
    pub fn finish(
        mut self,
        stored: &[Checkpoint],
        kept: Option<&Checkpoint>,
        workstation: &VerifyingKey,
    ) -> VerifyReport {
        if let Some((pos, embedded)) = self.misplaced {
            // The row at `pos` holds entry `embedded`'s bytes. If entry `pos`
            // turns up later, rows were swapped; else rows were shifted by an
            // insertion (embedded < pos) or a deletion (embedded > pos).
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
            self.finding = Some(Finding { kind, seq, detail });
        }
        let last = self.expected - 1;
        let mut verified = 0u64;
        let mut last_signed = 0u64;
        let mut sorted: Vec<&Checkpoint> = stored.iter().collect();
        sorted.sort_by_key(|c| c.seq);
        for cp in sorted {
            if verify_checkpoint(cp, workstation).is_err() {
                self.found(
                    Damage::BadSignature,
                    cp.seq,
                    format!("checkpoint at {} has a bad signature", cp.seq),
                );
                continue;
            }
            if cp.seq > last {
                if self.finding.is_none() {
                    self.found(
                        Damage::Truncated,
                        last + 1,
                        format!(
                            "a signed checkpoint names entry {} but the ledger ends at {last}",
                            cp.seq
                        ),
                    );
                }
                continue;
            }
            match self.hashes_at.get(&cp.seq) {
                Some(h) if *h == cp.head_hash => {
                    verified += 1;
                    last_signed = last_signed.max(cp.seq);
                }
                Some(_) => self.found(
                    Damage::Edited,
                    cp.seq,
                    format!(
                        "the chain up to {} differs from its signed checkpoint",
                        cp.seq
                    ),
                ),
                None => {}
            }
        }
        if let Some(cp) = kept {
            if verify_checkpoint(cp, workstation).is_err() {
                self.found(
                    Damage::BadSignature,
                    cp.seq,
                    "the kept checkpoint is not signed by this workstation".into(),
                );
            } else if cp.seq > last {
                let internal_beyond = stored.iter().any(|c| c.seq > last);
                let kind = if internal_beyond {
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
                last_signed = last_signed.max(cp.seq);
            }
        }
        VerifyReport {
            intact: self.finding.is_none(),
            entries: self.count,
            head_hash: self.prev,
            checkpoints_verified: verified,
            unsigned_tail: last.saturating_sub(last_signed),
            damage: self.finding,
        }
    }
}

mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let v = hex::decode(s).map_err(serde::de::Error::custom)?;
        v.try_into()
            .map_err(|_| serde::de::Error::custom("expected 32 bytes"))
    }
}

mod hex_vec {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        hex::decode(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
