//! The ledger's formats and its verifier. Pure: rows come in, a report comes
//! out; the store and the API do the I/O.
//!
//! One hash chain holds three kinds of entry, each with a clear header naming
//! its sequence number, its kind, the account whose client wrote it (the
//! *actor*) and that client's login session:
//!
//! * **event** — what happened (a view, a denial, a registration …): a JSON
//!   [`EntryBody`] sealed to the ledger *reader key*, so any session appends
//!   and only auditors read, with a commitment `SHA-256(nonce ‖ body)` in
//!   clear so that an exported, decrypted entry can be checked without a key;
//! * **attestation** — the actor's own Ed25519 signature (its key certified in
//!   the directory) over the chain head before it and the list of entries its
//!   session wrote since its last attestation. Written at every lock and every
//!   [`ATTEST_EVERY`] entries of a session. An entry is *attested* when an
//!   attestation of its own session lists it; deleting or editing any entry
//!   changes every later head and so breaks the attestation of everyone who
//!   signed after it, with keys a forger does not hold;
//! * **directory** — a signed directory statement, in clear
//!   ([`crate::directory`]);
//! * **fact** — a signed fact about a letter or a request, in clear
//!   ([`crate::facts`]), signed by its header actor.
//!
//! Layouts (v2, pinned by golden tests):
//! * header: `02 ‖ seq (u64 BE) ‖ kind (1) ‖ actor (16) ‖ session (16)`;
//! * event: header `‖ commitment (32) ‖ wrap_to(reader, nonce (32) ‖ body)`,
//!   the wrap bound to `("ledger/SEQ/ACTOR/SESSION", "ledger-entry")` (hex);
//! * attestation: header `‖ at (i64 BE) ‖ n (u32 BE) ‖ n × seq (u64 BE) ‖ signature (64)`
//!   over `"sealdesk.attest.v2\0" ‖ vault id (16) ‖ seq ‖ prev_hash ‖ actor ‖
//!   session ‖ at ‖ n ‖ seqs`;
//! * directory: header `‖ signature (64) ‖ statement JSON`, the signature
//!   over `"sealdesk.directory.v1\0" ‖ seq ‖ prev_hash ‖ json`;
//! * fact: the same layout, the signature over `"sealdesk.fact.v1\0" ‖ seq
//!   ‖ prev_hash ‖ json`, by the header actor's certified key;
//! * chain: `hash = SHA-256("sealdesk.ledger.v2\0" ‖ seq ‖ prev_hash ‖ sealed)`,
//!   entry 1's `prev_hash` is 32 zero bytes;
//! * checkpoint v2: a head `(seq, hash, at)` signed by a certified auditor
//!   (or the root) over `"sealdesk.checkpoint.v2\0" ‖ root pk ‖ seq ‖ head ‖ at ‖ signer pk`.

use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::crypto::{
    self, CryptoError, SigningKey, UserPublicKey, UserSecretKey, VerifyingKey, WrapBinding,
    SIGNATURE_LEN,
};
use crate::directory::{hex32, Directory};
use crate::domain::Role;

mod verify;
pub use verify::{
    body_names_actor, Damage, DeskBinding, Finding, LedgerVerifier, Unattested, VerifiedState,
    VerifyReport, ANONYMOUS_ACTION, ROOT_USER,
};

pub const ENTRY_V2: u8 = 2;
pub const HEADER_LEN: usize = 1 + 8 + 1 + 16 + 16;
const CHAIN_LABEL: &[u8] = b"sealdesk.ledger.v2\0";
const CHECKPOINT_LABEL: &[u8] = b"sealdesk.checkpoint.v2\0";
const ATTEST_LABEL: &[u8] = b"sealdesk.attest.v2\0";

/// A session attests at every lock and after this many of its own entries.
pub const ATTEST_EVERY: usize = 64;

/// The actor of entries no authenticated session wrote (a failed login).
pub const ANONYMOUS: [u8; 16] = [0u8; 16];
/// The actor of entries the vault root wrote (acts with the recovery code).
pub const ROOT_ACTOR: [u8; 16] = [0xffu8; 16];

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Event = 1,
    Attestation = 2,
    Directory = 3,
    Fact = 4,
}

impl EntryKind {
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            1 => Some(Self::Event),
            2 => Some(Self::Attestation),
            3 => Some(Self::Directory),
            4 => Some(Self::Fact),
            _ => None,
        }
    }
}

/// The clear header of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub seq: u64,
    pub kind: EntryKind,
    pub actor: [u8; 16],
    pub session: [u8; 16],
}

impl Header {
    fn write(&self, out: &mut Vec<u8>) {
        out.push(ENTRY_V2);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.push(self.kind as u8);
        out.extend_from_slice(&self.actor);
        out.extend_from_slice(&self.session);
    }
}

/// Reads an entry's clear header.
pub fn header(sealed: &[u8]) -> Option<Header> {
    if sealed.len() < HEADER_LEN || sealed[0] != ENTRY_V2 {
        return None;
    }
    Some(Header {
        seq: u64::from_be_bytes(sealed[1..9].try_into().ok()?),
        kind: EntryKind::from_byte(sealed[9])?,
        actor: sealed[10..26].try_into().ok()?,
        session: sealed[26..42].try_into().ok()?,
    })
}

/// What an entry records. The string forms (serde names) are a contract:
/// the stored entry, reports, CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Login,
    LoginFailed,
    Lock,
    Register,
    View,
    /// Masked text copied from the reading room.
    Copy,
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
    /// A desk found the ledger shorter than, or forked from, what it saw last.
    IntegrityWarning,
    /// An auditor ran the 政風 report over a period.
    AuditReport,
    /// A letter closed (結案).
    Close,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Login => "login",
            Action::LoginFailed => "login_failed",
            Action::Lock => "lock",
            Action::Register => "register",
            Action::View => "view",
            Action::Copy => "copy",
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
            Action::IntegrityWarning => "integrity_warning",
            Action::AuditReport => "audit_report",
            Action::Close => "close",
        }
    }

    /// Takes a copy of the letter's content out of the vault (what the copy
    /// register lists).
    pub fn makes_a_copy(self) -> bool {
        matches!(self, Action::Export | Action::Print)
    }
}

/// Whether the act was allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allowed,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::Denied => "denied",
        }
    }
}

str_forms!(Action, Outcome);

/// Parsed by their serde names, the one list of them (the stored form).
fn from_serde_name<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T, String> {
    use serde::de::IntoDeserializer;
    T::deserialize(s.into_deserializer())
        .map_err(|_: serde::de::value::Error| format!("unknown {what} {s:?}"))
}

impl std::str::FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        from_serde_name(s, "ledger action")
    }
}

impl std::str::FromStr for Outcome {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        from_serde_name(s, "outcome")
    }
}

/// One event. Field order is the canonical JSON and part of the stored
/// format (the commitment covers these exact bytes; the typed fields keep
/// their string forms, pinned by the golden test). An entry whose action,
/// role or outcome is none of the closed set does not open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntryBody {
    pub seq: u64,
    /// UTC milliseconds.
    pub at: i64,
    pub user: String,
    /// The role the permission check granted (or the caller's first role
    /// when the check denied).
    pub role: Option<Role>,
    pub workstation: String,
    pub action: Action,
    pub letter_id: Option<String>,
    pub receipt_no: Option<String>,
    /// 密等 of the letter.
    pub level: Option<String>,
    /// The stated reason.
    pub reason: Option<String>,
    /// The assignment (or request) id the act is tied to.
    pub assignment: Option<String>,
    pub outcome: Outcome,
    /// Why denied, or what changed.
    pub detail: Option<String>,
}

impl EntryBody {
    pub fn canonical_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The wrap binding of an event: its sequence number, actor and session, so
/// that a header moved to another actor no longer opens.
fn binding(seq: u64, actor: &[u8; 16], session: &[u8; 16]) -> (String, &'static str) {
    (
        format!(
            "ledger/{seq}/{}/{}",
            hex::encode(actor),
            hex::encode(session)
        ),
        "ledger-entry",
    )
}

pub fn commitment(nonce: &[u8; 32], body_json: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(nonce);
    h.update(body_json);
    h.finalize().into()
}

/// Seals an event to the reader key with a [`crypto::Wrapper`] kept across
/// appends (one AES-GCM seal per entry instead of two scalar
/// multiplications).
pub fn seal_event(
    wrapper: &crypto::Wrapper,
    actor: [u8; 16],
    session: [u8; 16],
    body: &EntryBody,
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let mut nonce = [0u8; 32];
    rng.fill_bytes(&mut nonce);
    seal_event_with_nonce(wrapper, actor, session, body, &nonce, rng)
}

fn seal_event_with_nonce(
    wrapper: &crypto::Wrapper,
    actor: [u8; 16],
    session: [u8; 16],
    body: &EntryBody,
    nonce: &[u8; 32],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let json = body.canonical_json();
    let commit = commitment(nonce, &json);
    let mut payload = Vec::with_capacity(32 + json.len());
    payload.extend_from_slice(nonce);
    payload.extend_from_slice(&json);
    let (rid, purpose) = binding(body.seq, &actor, &session);
    let wrapped = wrapper.wrap(
        &WrapBinding {
            record_id: &rid,
            purpose,
        },
        &payload,
        rng,
    );
    let mut out = Vec::with_capacity(HEADER_LEN + 32 + wrapped.len());
    Header {
        seq: body.seq,
        kind: EntryKind::Event,
        actor,
        session,
    }
    .write(&mut out);
    out.extend_from_slice(&commit);
    out.extend_from_slice(&wrapped);
    out
}

/// The commitment in an event's header.
pub fn event_commitment(sealed: &[u8]) -> Option<[u8; 32]> {
    match header(sealed) {
        Some(h) if h.kind == EntryKind::Event && sealed.len() >= HEADER_LEN + 32 => {
            sealed[HEADER_LEN..HEADER_LEN + 32].try_into().ok()
        }
        _ => None,
    }
}

/// An opened event, the nonce of its commitment, and its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedEntry {
    pub body: EntryBody,
    pub nonce: [u8; 32],
    pub header: Header,
}

/// Opens an event with the reader key. Attestations and directory entries
/// are not sealed: `Ok(None)`.
pub fn open_entry(
    reader: &UserSecretKey,
    sealed: &[u8],
) -> Result<Option<OpenedEntry>, CryptoError> {
    let h = header(sealed).ok_or(CryptoError::Decrypt)?;
    if h.kind != EntryKind::Event {
        return Ok(None);
    }
    let commit = event_commitment(sealed).ok_or(CryptoError::Decrypt)?;
    let (rid, purpose) = binding(h.seq, &h.actor, &h.session);
    let payload = crypto::unwrap_with(
        reader,
        &WrapBinding {
            record_id: &rid,
            purpose,
        },
        &sealed[HEADER_LEN + 32..],
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
    if body.seq != h.seq {
        return Err(CryptoError::Decrypt);
    }
    Ok(Some(OpenedEntry {
        body,
        nonce,
        header: h,
    }))
}

/// What an attestation signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    pub seq: u64,
    pub prev_hash: [u8; 32],
    pub actor: [u8; 16],
    pub session: [u8; 16],
    /// UTC milliseconds.
    pub at: i64,
    /// The entries of this session since its last attestation.
    pub seqs: Vec<u64>,
}

impl Attestation {
    pub fn message(&self, vault_id: &[u8; 16]) -> Vec<u8> {
        let mut m = Vec::with_capacity(ATTEST_LABEL.len() + 100 + 8 * self.seqs.len());
        m.extend_from_slice(ATTEST_LABEL);
        m.extend_from_slice(vault_id);
        m.extend_from_slice(&self.seq.to_be_bytes());
        m.extend_from_slice(&self.prev_hash);
        m.extend_from_slice(&self.actor);
        m.extend_from_slice(&self.session);
        m.extend_from_slice(&self.at.to_be_bytes());
        m.extend_from_slice(&(self.seqs.len() as u32).to_be_bytes());
        for s in &self.seqs {
            m.extend_from_slice(&s.to_be_bytes());
        }
        m
    }

    /// The signed entry.
    pub fn seal(&self, key: &SigningKey, vault_id: &[u8; 16]) -> Vec<u8> {
        let sig = key.sign(&self.message(vault_id));
        let mut out = Vec::with_capacity(HEADER_LEN + 12 + 8 * self.seqs.len() + SIGNATURE_LEN);
        Header {
            seq: self.seq,
            kind: EntryKind::Attestation,
            actor: self.actor,
            session: self.session,
        }
        .write(&mut out);
        out.extend_from_slice(&self.at.to_be_bytes());
        out.extend_from_slice(&(self.seqs.len() as u32).to_be_bytes());
        for s in &self.seqs {
            out.extend_from_slice(&s.to_be_bytes());
        }
        out.extend_from_slice(&sig);
        out
    }

    /// Parses an attestation entry (its `prev_hash` comes from the chain row).
    pub fn parse(sealed: &[u8], prev_hash: [u8; 32]) -> Option<(Self, [u8; SIGNATURE_LEN])> {
        let h = header(sealed)?;
        if h.kind != EntryKind::Attestation {
            return None;
        }
        let rest = &sealed[HEADER_LEN..];
        if rest.len() < 12 + SIGNATURE_LEN {
            return None;
        }
        let at = i64::from_be_bytes(rest[..8].try_into().ok()?);
        let n = u32::from_be_bytes(rest[8..12].try_into().ok()?) as usize;
        if rest.len() != 12 + n.checked_mul(8)? + SIGNATURE_LEN {
            return None;
        }
        let seqs = (0..n)
            .map(|i| u64::from_be_bytes(rest[12 + 8 * i..20 + 8 * i].try_into().unwrap_or([0; 8])))
            .collect();
        let sig: [u8; SIGNATURE_LEN] = rest[12 + 8 * n..].try_into().ok()?;
        Some((
            Self {
                seq: h.seq,
                prev_hash,
                actor: h.actor,
                session: h.session,
                at,
                seqs,
            },
            sig,
        ))
    }
}

/// A directory entry: the statement JSON and its signature.
pub fn seal_directory(
    seq: u64,
    actor: [u8; 16],
    session: [u8; 16],
    statement_json: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> Vec<u8> {
    seal_signed(
        EntryKind::Directory,
        seq,
        actor,
        session,
        statement_json,
        signature,
    )
}

/// A fact entry: the fact JSON and its author's signature (the author is
/// the header actor).
pub fn seal_fact(
    seq: u64,
    actor: [u8; 16],
    session: [u8; 16],
    fact_json: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> Vec<u8> {
    seal_signed(EntryKind::Fact, seq, actor, session, fact_json, signature)
}

fn seal_signed(
    kind: EntryKind,
    seq: u64,
    actor: [u8; 16],
    session: [u8; 16],
    json: &[u8],
    signature: &[u8; SIGNATURE_LEN],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + SIGNATURE_LEN + json.len());
    Header {
        seq,
        kind,
        actor,
        session,
    }
    .write(&mut out);
    out.extend_from_slice(signature);
    out.extend_from_slice(json);
    out
}

fn signed_parts(sealed: &[u8], kind: EntryKind) -> Option<(&[u8], &[u8])> {
    match header(sealed) {
        Some(h) if h.kind == kind && sealed.len() > HEADER_LEN + SIGNATURE_LEN => {
            let rest = &sealed[HEADER_LEN..];
            Some((&rest[SIGNATURE_LEN..], &rest[..SIGNATURE_LEN]))
        }
        _ => None,
    }
}

/// The statement JSON and signature of a directory entry.
pub fn directory_parts(sealed: &[u8]) -> Option<(&[u8], &[u8])> {
    signed_parts(sealed, EntryKind::Directory)
}

/// The fact JSON and signature of a fact entry.
pub fn fact_parts(sealed: &[u8]) -> Option<(&[u8], &[u8])> {
    signed_parts(sealed, EntryKind::Fact)
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

/// A chain head signed by a certified account: what an auditor keeps off
/// the workstation, and what an export carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: u64,
    #[serde(with = "hex32")]
    pub head_hash: [u8; 32],
    /// UTC milliseconds.
    pub at: i64,
    /// The vault root's public key (the vault's identity; named so for the
    /// CLI contract, which predates the root).
    #[serde(with = "hex32")]
    pub workstation_public_key: [u8; 32],
    /// The signing account's id.
    #[serde(default)]
    pub signer: String,
    #[serde(with = "hex32", default)]
    pub signer_public_key: [u8; 32],
    #[serde(with = "hex_vec")]
    pub signature: Vec<u8>,
}

pub fn checkpoint_message(
    root: &[u8; 32],
    seq: u64,
    head: &[u8; 32],
    at: i64,
    signer: &[u8; 32],
) -> Vec<u8> {
    let mut m = Vec::with_capacity(CHECKPOINT_LABEL.len() + 112);
    m.extend_from_slice(CHECKPOINT_LABEL);
    m.extend_from_slice(root);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(head);
    m.extend_from_slice(&at.to_be_bytes());
    m.extend_from_slice(signer);
    m
}

pub fn sign_checkpoint(
    key: &SigningKey,
    signer: &str,
    root: &VerifyingKey,
    seq: u64,
    head_hash: [u8; 32],
    at: i64,
) -> Checkpoint {
    let spk = key.verifying_key().0;
    let signature = key
        .sign(&checkpoint_message(&root.0, seq, &head_hash, at, &spk))
        .to_vec();
    Checkpoint {
        seq,
        head_hash,
        at,
        workstation_public_key: root.0,
        signer: signer.to_owned(),
        signer_public_key: spk,
        signature,
    }
}

/// Who signed an anchor (a kept or an export's checkpoint): the vault root
/// or the name of a certified auditor. Anyone else's checkpoint anchors
/// nothing (`None`): a handler who drops his own entries from an export and
/// re-signs what is left must not be able to vouch for it.
pub fn checkpoint_signer(cp: &Checkpoint, directory: &Directory) -> Option<String> {
    if cp.signer_public_key == directory.root().0 {
        return Some(crate::directory::ROOT_ISSUER.to_owned());
    }
    directory
        .users()
        .find(|u| {
            u.signing_key == cp.signer_public_key
                && !u.disabled
                && u.has_role(crate::domain::Role::Auditor)
        })
        .map(|u| u.name.clone())
}

/// Checks a checkpoint's signature and that its signer is the root or a
/// certified auditor (see [`checkpoint_signer`]).
pub fn verify_checkpoint(cp: &Checkpoint, directory: &Directory) -> Result<(), CryptoError> {
    if cp.workstation_public_key != directory.root().0 {
        return Err(CryptoError::BadSignature);
    }
    if checkpoint_signer(cp, directory).is_none() {
        return Err(CryptoError::BadSignature);
    }
    crypto::verify_signature(
        &VerifyingKey(cp.signer_public_key),
        &checkpoint_message(
            &cp.workstation_public_key,
            cp.seq,
            &cp.head_hash,
            cp.at,
            &cp.signer_public_key,
        ),
        &cp.signature,
    )
}

/// What a desk remembers of the ledger it last saw, in its user's own data
/// directory (outside the vault folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Witness {
    pub vault_id: String,
    pub seq: u64,
    #[serde(with = "hex32")]
    pub head_hash: [u8; 32],
    /// UTC milliseconds.
    pub at: i64,
}

#[doc(hidden)]
/// Deterministic encoders for the golden tests.
pub mod fixed {
    use super::*;

    pub fn seal_event_with_nonce(
        wrapper: &crypto::Wrapper,
        actor: [u8; 16],
        session: [u8; 16],
        body: &EntryBody,
        nonce: &[u8; 32],
        rng: &mut impl CryptoRngCore,
    ) -> Vec<u8> {
        super::seal_event_with_nonce(wrapper, actor, session, body, nonce, rng)
    }

    pub fn reader_wrapper(reader: &UserPublicKey, rng: &mut impl CryptoRngCore) -> crypto::Wrapper {
        crypto::Wrapper::make(reader, rng)
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
