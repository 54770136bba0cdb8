//! The key model, as formats and operations.
//!
//! * A secret record (a letter's original, its text, an identity
//!   compartment) is sealed with its own random 256-bit [`DataKey`] under
//!   AES-256-GCM, with the record id and purpose bound as associated data.
//! * A data key is stored only *wrapped* to each public key allowed to read
//!   the record: X25519 agreement with a fresh ephemeral key, HKDF-SHA256,
//!   AES-256-GCM ([`wrap_to`]). Users and the recovery key are recipients alike.
//! * A user's X25519 private key is sealed under a key derived from their
//!   passphrase with Argon2id ([`seal_user_secret_key`]); the parameters are
//!   stored inside the sealed blob so that they can be raised later.
//!
//! Every byte layout below is a stored format pinned by golden tests in
//! `tests/it/golden.rs` of this crate; changing one is a migration.
//! Decryption failures are one opaque [`CryptoError::Decrypt`]: a wrong key,
//! wrong associated data and a tampered byte are indistinguishable.

mod hazmat;
mod recovery;
mod signing;

use argon2::{Algorithm, Argon2, Params, Version};
use rand_core::CryptoRngCore;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

pub use recovery::RecoveryCode;
pub use signing::{verify_batch, verify_signature, SigningKey, VerifyingKey, SIGNATURE_LEN};

use crate::secret::{Passphrase, Plaintext, SecretBytes32};
use hazmat::{NONCE_LEN, TAG_LEN};

/// Why a cryptographic operation failed. Deliberately small and opaque.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Wrong key, wrong associated data, tampered or truncated ciphertext.
    #[error("decryption failed")]
    Decrypt,
    /// A blob written by a newer (or unknown) format version.
    #[error("unsupported format version {0}")]
    UnsupportedVersion(u8),
    /// Key-derivation parameters below the floor or not accepted by Argon2.
    #[error("key-derivation parameters not accepted")]
    KdfParams,
    /// A recovery code that does not parse or whose checksum does not match.
    #[error("recovery code is not valid (check for typing mistakes)")]
    BadRecoveryCode,
    /// A signature that does not verify, or a malformed key.
    #[error("signature does not verify")]
    BadSignature,
    /// A blob whose length its format does not allow: not a wrong key, an
    /// altered one.
    #[error("not a well-formed sealed blob")]
    Malformed,
}

// ---------------------------------------------------------------- records

/// Format version byte of a sealed record.
pub const RECORD_V1: u8 = 1;
const RECORD_LABEL: &[u8] = b"sealdesk.record.v1\0";

/// The random key of one secret record.
#[derive(Debug, Clone)]
pub struct DataKey(SecretBytes32);

impl DataKey {
    pub fn make(rng: &mut impl CryptoRngCore) -> Self {
        Self(hazmat::make_secret32(rng))
    }

    /// Rebuilds a data key from bytes that were unwrapped. Wipes the input.
    pub fn from_unwrapped(pt: Plaintext) -> Result<Self, CryptoError> {
        // `pt` zeroizes itself on drop; the copy is wiped by `from_slice_wiping`.
        let mut bytes = pt.expose().to_vec();
        SecretBytes32::from_slice_wiping(&mut bytes)
            .map(Self)
            .ok_or(CryptoError::Decrypt)
    }

    pub fn expose(&self) -> &[u8; 32] {
        self.0.expose()
    }
}

/// What a sealed record is bound to: it decrypts only under the same record id
/// and purpose, so a ciphertext cannot be moved to another row or role.
///
/// Field order is part of the stored format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordBinding<'a> {
    pub record_id: &'a str,
    pub purpose: &'a str,
}

impl RecordBinding<'_> {
    pub fn associated_data(&self) -> Vec<u8> {
        hazmat::associated_data(
            RECORD_LABEL,
            &[self.record_id.as_bytes(), self.purpose.as_bytes()],
        )
    }
}

/// Layout: `version (1) || nonce (12) || AES-256-GCM ciphertext || tag (16)`.
pub fn seal_record(
    key: &DataKey,
    binding: &RecordBinding<'_>,
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let nonce = hazmat::make_nonce(rng);
    seal_record_with_nonce(key, binding, plaintext, &nonce)
}

fn seal_record_with_nonce(
    key: &DataKey,
    binding: &RecordBinding<'_>,
    plaintext: &[u8],
    nonce: &[u8; NONCE_LEN],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
    out.push(RECORD_V1);
    out.extend_from_slice(nonce);
    out.extend_from_slice(plaintext);
    hazmat::aes_gcm_seal_in_place(
        &key.0,
        nonce,
        &binding.associated_data(),
        &mut out,
        1 + NONCE_LEN,
    );
    out
}

pub fn open_record(
    key: &DataKey,
    binding: &RecordBinding<'_>,
    sealed: &[u8],
) -> Result<Plaintext, CryptoError> {
    let (&version, rest) = sealed.split_first().ok_or(CryptoError::Decrypt)?;
    if version != RECORD_V1 {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Decrypt);
    }
    let (nonce, ct) = rest.split_at(NONCE_LEN);
    let pt = hazmat::aes_gcm_open(&key.0, nonce, &binding.associated_data(), ct)?;
    Ok(Plaintext::from_zeroizing(pt))
}

// --------------------------------------------------------- a desk's state

/// Version byte of a desk's sealed verified state.
pub const DESK_STATE_V1: u8 = 1;
const DESK_STATE_LABEL: &[u8] = b"sealdesk.desk-state.v1";

/// Seals what a desk last verified of the ledger under a key derived from
/// the account's own secret, so that only that account can produce (or
/// read) it. `binding` (vault, account, genesis) is authenticated with it.
///
/// Layout: `version (1) || nonce (12) || AES-256-GCM ciphertext || tag (16)`.
pub fn seal_desk_state(
    key: &UserSecretKey,
    binding: &[&[u8]],
    plaintext: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    let nonce = hazmat::make_nonce(rng);
    seal_desk_state_with_nonce(key, binding, plaintext, &nonce)
}

fn desk_state_key(key: &UserSecretKey) -> SecretBytes32 {
    hazmat::hkdf_sha256(b"sealdesk.derive.v1", key.0.expose(), DESK_STATE_LABEL)
}

fn seal_desk_state_with_nonce(
    key: &UserSecretKey,
    binding: &[&[u8]],
    plaintext: &[u8],
    nonce: &[u8; NONCE_LEN],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + TAG_LEN);
    out.push(DESK_STATE_V1);
    out.extend_from_slice(nonce);
    out.extend_from_slice(plaintext);
    hazmat::aes_gcm_seal_in_place(
        &desk_state_key(key),
        nonce,
        &hazmat::associated_data(DESK_STATE_LABEL, binding),
        &mut out,
        1 + NONCE_LEN,
    );
    out
}

/// Opens [`seal_desk_state`]'s output; anything else (another account's,
/// another vault's, altered) is `Decrypt`.
pub fn open_desk_state(
    key: &UserSecretKey,
    binding: &[&[u8]],
    sealed: &[u8],
) -> Result<Plaintext, CryptoError> {
    let (&version, rest) = sealed.split_first().ok_or(CryptoError::Decrypt)?;
    if version != DESK_STATE_V1 {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Decrypt);
    }
    let (nonce, ct) = rest.split_at(NONCE_LEN);
    let pt = hazmat::aes_gcm_open(
        &desk_state_key(key),
        nonce,
        &hazmat::associated_data(DESK_STATE_LABEL, binding),
        ct,
    )?;
    Ok(Plaintext::from_zeroizing(pt))
}

// ---------------------------------------------------------------- key pairs

/// An X25519 public key: a user's, or the vault's recovery key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserPublicKey(pub [u8; 32]);

impl UserPublicKey {
    pub fn from_slice(b: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(b).ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// An X25519 private key (a user's, or the recovery key once typed in).
#[derive(Debug, Clone)]
pub struct UserSecretKey(SecretBytes32);

impl UserSecretKey {
    pub fn make(rng: &mut impl CryptoRngCore) -> Self {
        Self(hazmat::make_secret32(rng))
    }

    pub fn from_secret(bytes: SecretBytes32) -> Self {
        Self(bytes)
    }

    pub fn public_key(&self) -> UserPublicKey {
        let s = StaticSecret::from(*self.0.expose());
        UserPublicKey(PublicKey::from(&s).to_bytes())
    }

    pub(crate) fn secret(&self) -> &SecretBytes32 {
        &self.0
    }

    /// The private key's bytes, to wrap it to someone else (the ledger
    /// reader key is handed from auditor to auditor this way).
    pub fn secret_bytes(&self) -> &SecretBytes32 {
        &self.0
    }

    /// The Ed25519 key this secret also stands for, derived with HKDF under
    /// a label of its own (`label`): a user's attestation key, or the vault
    /// root from the recovery secret. One secret to seal, and the two uses
    /// never share key material.
    pub fn derive_signing_key(&self, label: &[u8]) -> SigningKey {
        let seed = hazmat::hkdf_sha256(b"sealdesk.derive.v1", self.0.expose(), label);
        SigningKey::from_secret(&seed)
    }
}

/// HKDF label of a user's Ed25519 attestation key, derived from their X25519 secret.
pub const USER_SIGNING_LABEL: &[u8] = b"sealdesk.user-signing.v1";

impl UserSecretKey {
    /// The user's Ed25519 attestation key, derived from their X25519
    /// secret under [`USER_SIGNING_LABEL`].
    pub fn user_signing_key(&self) -> SigningKey {
        self.derive_signing_key(USER_SIGNING_LABEL)
    }
}
/// HKDF label of the vault root's Ed25519 key, derived from the recovery secret.
pub const ROOT_SIGNING_LABEL: &[u8] = b"sealdesk.root.v1";

// ---------------------------------------------------------------- wrapping

/// Format version byte of a wrapped payload.
pub const WRAP_V1: u8 = 1;
const WRAP_LABEL: &[u8] = b"sealdesk.wrap.v1\0";
const WRAP_KDF_INFO: &[u8] = b"sealdesk.wrap.v1 kek";

/// What a wrapped key is bound to. Field order is part of the stored format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrapBinding<'a> {
    pub record_id: &'a str,
    pub purpose: &'a str,
}

impl WrapBinding<'_> {
    fn associated_data(&self, recipient: &UserPublicKey) -> Vec<u8> {
        hazmat::associated_data(
            WRAP_LABEL,
            &[
                self.record_id.as_bytes(),
                self.purpose.as_bytes(),
                recipient.as_bytes(),
            ],
        )
    }
}

/// Seals `payload` so that only the holder of `recipient`'s private key opens
/// it (ECIES: ephemeral X25519, HKDF-SHA256, AES-256-GCM).
///
/// Layout: `version (1) || ephemeral public key (32) || nonce (12) ||
/// ciphertext || tag (16)`. The KEK is
/// `HKDF-SHA256(salt = ephemeral_pk || recipient_pk, ikm = X25519(e, R), info = "sealdesk.wrap.v1 kek")`.
pub fn wrap_to(
    recipient: &UserPublicKey,
    binding: &WrapBinding<'_>,
    payload: &[u8],
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    // A one-shot `Wrapper`: the same draws from `rng` (ephemeral key, then
    // nonce), so the same bytes; pinned by the golden wrap test.
    Wrapper::make(recipient, rng).wrap(binding, payload, rng)
}

fn derive_kek(
    own: &UserSecretKey,
    ephemeral_pk: &UserPublicKey,
    peer: &UserPublicKey,
    recipient_pk: &UserPublicKey,
) -> Result<SecretBytes32, CryptoError> {
    let s = StaticSecret::from(*own.secret().expose());
    let shared = s.diffie_hellman(&PublicKey::from(peer.0));
    // A low-order peer key makes the shared secret all zeros: refuse it.
    if !shared.was_contributory() {
        return Err(CryptoError::Decrypt);
    }
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral_pk.as_bytes());
    salt[32..].copy_from_slice(recipient_pk.as_bytes());
    Ok(hazmat::hkdf_sha256(&salt, shared.as_bytes(), WRAP_KDF_INFO))
}

/// Wraps many payloads to one recipient with one ephemeral key: the X25519
/// agreement and HKDF run once, each payload gets a fresh nonce. The output
/// of [`Wrapper::wrap`] has exactly the layout of [`wrap_to`] and opens with
/// [`unwrap_with`]. The ledger uses it so that an append costs one AES-GCM
/// seal instead of two scalar multiplications.
pub struct Wrapper {
    recipient: UserPublicKey,
    ephemeral_pk: UserPublicKey,
    kek: SecretBytes32,
}

impl Wrapper {
    pub fn make(recipient: &UserPublicKey, rng: &mut impl CryptoRngCore) -> Self {
        let ephemeral = UserSecretKey::make(rng);
        let ephemeral_pk = ephemeral.public_key();
        // Only a low-order recipient key fails here; such a key is never
        // stored (public keys come from `UserSecretKey::public_key`), and a
        // blob nobody can open is the safe outcome.
        let kek = derive_kek(&ephemeral, &ephemeral_pk, recipient, recipient)
            .unwrap_or_else(|_| SecretBytes32::new([0u8; 32]));
        Self {
            recipient: *recipient,
            ephemeral_pk,
            kek,
        }
    }

    pub fn recipient(&self) -> &UserPublicKey {
        &self.recipient
    }

    pub fn wrap(
        &self,
        binding: &WrapBinding<'_>,
        payload: &[u8],
        rng: &mut impl CryptoRngCore,
    ) -> Vec<u8> {
        let nonce = hazmat::make_nonce(rng);
        let mut out = Vec::with_capacity(1 + 32 + NONCE_LEN + payload.len() + TAG_LEN);
        out.push(WRAP_V1);
        out.extend_from_slice(self.ephemeral_pk.as_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(payload);
        hazmat::aes_gcm_seal_in_place(
            &self.kek,
            &nonce,
            &binding.associated_data(&self.recipient),
            &mut out,
            1 + 32 + NONCE_LEN,
        );
        out
    }
}

impl std::fmt::Debug for Wrapper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wrapper([REDACTED])")
    }
}

pub fn unwrap_with(
    own: &UserSecretKey,
    binding: &WrapBinding<'_>,
    wrapped: &[u8],
) -> Result<Plaintext, CryptoError> {
    let (&version, rest) = wrapped.split_first().ok_or(CryptoError::Decrypt)?;
    if version != WRAP_V1 {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    if rest.len() < 32 + NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Decrypt);
    }
    let epk = UserPublicKey::from_slice(&rest[..32]).ok_or(CryptoError::Decrypt)?;
    let nonce = &rest[32..32 + NONCE_LEN];
    let ct = &rest[32 + NONCE_LEN..];
    let own_pk = own.public_key();
    let kek = derive_kek(own, &epk, &epk, &own_pk)?;
    let pt = hazmat::aes_gcm_open(&kek, nonce, &binding.associated_data(&own_pk), ct)?;
    Ok(Plaintext::from_zeroizing(pt))
}

/// Wraps a data key to one recipient.
pub fn wrap_data_key(
    recipient: &UserPublicKey,
    binding: &WrapBinding<'_>,
    key: &DataKey,
    rng: &mut impl CryptoRngCore,
) -> Vec<u8> {
    wrap_to(recipient, binding, key.expose(), rng)
}

pub fn unwrap_data_key(
    own: &UserSecretKey,
    binding: &WrapBinding<'_>,
    wrapped: &[u8],
) -> Result<DataKey, CryptoError> {
    DataKey::from_unwrapped(unwrap_with(own, binding, wrapped)?)
}

// ---------------------------------------------------------------- passphrase sealing

/// Argon2id cost. Stored inside every sealed private key so that the cost can
/// be raised for new seals while old ones still open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// 64 MiB, 3 passes, 1 lane: the floor the threat model (T6) asks for.
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 64 * 1024,
        t: 3,
        p: 1,
    };

    /// Nothing weaker than this is sealed or opened.
    pub const FLOOR: KdfParams = Self::DEFAULT;

    /// Nothing costlier than this is sealed or opened: 256 MiB, 8 passes,
    /// 4 lanes, four times the memory and nearly three times the passes
    /// Sealdesk writes. A header beyond it was not written by Sealdesk, so
    /// it is refused before Argon2 allocates anything (a tampered row could
    /// otherwise cost seconds and gigabytes per login).
    pub const CEILING: KdfParams = KdfParams {
        m_kib: 256 * 1024,
        t: 8,
        p: 4,
    };

    /// Whether these parameters lie between [`Self::FLOOR`] and [`Self::CEILING`].
    pub fn within_bounds(&self) -> bool {
        (Self::FLOOR.m_kib..=Self::CEILING.m_kib).contains(&self.m_kib)
            && (Self::FLOOR.t..=Self::CEILING.t).contains(&self.t)
            && (1..=Self::CEILING.p).contains(&self.p)
    }

    fn check(&self) -> Result<Params, CryptoError> {
        if !self.within_bounds() {
            return Err(CryptoError::KdfParams);
        }
        Params::new(self.m_kib, self.t, self.p, Some(32)).map_err(|_| CryptoError::KdfParams)
    }
}

/// Format version byte of a sealed private key (v1, before the vault root
/// was pinned, is refused: [`CryptoError::UnsupportedVersion`]).
pub const USER_KEY_V2: u8 = 2;
const USER_KEY_LABEL: &[u8] = b"sealdesk.userkey.v2\0";
const SALT_LEN: usize = 16;
const USER_KEY_HEADER_LEN: usize = 1 + 12 + SALT_LEN + NONCE_LEN;

fn derive_passphrase_key(
    passphrase: &Passphrase,
    salt: &[u8],
    params: &KdfParams,
) -> Result<SecretBytes32, CryptoError> {
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.check()?);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.expose().as_bytes(), salt, out.as_mut())
        .map_err(|_| CryptoError::KdfParams)?;
    Ok(SecretBytes32::new(*out))
}

/// A private key opened with its passphrase, and the vault root it was
/// sealed under.
#[derive(Debug)]
pub struct OpenedUserKey {
    pub key: UserSecretKey,
    /// The hash of the vault's genesis statement when the key was sealed.
    pub genesis_hash: [u8; 32],
}

/// Seals a user's private key under their passphrase, pinning the vault root.
///
/// Layout: `version (1) || m_kib (u32 BE) || t (u32 BE) || p (u32 BE) ||
/// salt (16) || nonce (12) || AES-256-GCM(secret key (32) || genesis hash (32))
/// || tag (16)`; associated data is the label, the header bytes before the
/// ciphertext, and the user id, so the parameters cannot be lowered and the
/// blob cannot move to another user. The genesis hash is in the *plaintext*:
/// a wrong passphrase fails to open (bad credentials), while a right
/// passphrase on a vault whose root was replaced opens and then shows a
/// different root (an integrity failure the user is told about).
pub fn seal_user_secret_key(
    key: &UserSecretKey,
    genesis_hash: &[u8; 32],
    passphrase: &Passphrase,
    params: &KdfParams,
    user_id: &str,
    rng: &mut impl CryptoRngCore,
) -> Result<Vec<u8>, CryptoError> {
    let mut salt = [0u8; SALT_LEN];
    rng.fill_bytes(&mut salt);
    let nonce = hazmat::make_nonce(rng);
    let kek = derive_passphrase_key(passphrase, &salt, params)?;
    let mut out = Vec::with_capacity(USER_KEY_HEADER_LEN + 64 + TAG_LEN);
    out.push(USER_KEY_V2);
    out.extend_from_slice(&params.m_kib.to_be_bytes());
    out.extend_from_slice(&params.t.to_be_bytes());
    out.extend_from_slice(&params.p.to_be_bytes());
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    let aad = hazmat::associated_data(USER_KEY_LABEL, &[&out, user_id.as_bytes()]);
    let mut pt = Zeroizing::new([0u8; 64]);
    pt[..32].copy_from_slice(key.secret().expose());
    pt[32..].copy_from_slice(genesis_hash);
    let ct = hazmat::aes_gcm_seal(&kek, &nonce, &aad, pt.as_ref());
    out.extend_from_slice(&ct);
    Ok(out)
}

/// The length of every v2 sealed private key.
pub const SEALED_USER_KEY_LEN: usize = USER_KEY_HEADER_LEN + 64 + TAG_LEN;

/// Reads the Argon2id parameters a sealed private key was made with. A blob
/// of another length than the format's is [`CryptoError::Malformed`]: no
/// passphrase could open it, so it says nothing about the passphrase.
pub fn sealed_user_key_params(sealed: &[u8]) -> Result<KdfParams, CryptoError> {
    let Some(&version) = sealed.first() else {
        return Err(CryptoError::Malformed);
    };
    if version != USER_KEY_V2 {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    if sealed.len() != SEALED_USER_KEY_LEN {
        return Err(CryptoError::Malformed);
    }
    let u32_at =
        |i: usize| u32::from_be_bytes([sealed[i], sealed[i + 1], sealed[i + 2], sealed[i + 3]]);
    Ok(KdfParams {
        m_kib: u32_at(1),
        t: u32_at(5),
        p: u32_at(9),
    })
}

/// Opens a sealed private key. Parameters outside
/// [`KdfParams::FLOOR`]..[`KdfParams::CEILING`] are refused with
/// [`CryptoError::KdfParams`] before any work; a wrong passphrase is
/// [`CryptoError::Decrypt`].
pub fn open_user_secret_key(
    sealed: &[u8],
    passphrase: &Passphrase,
    user_id: &str,
) -> Result<OpenedUserKey, CryptoError> {
    let params = sealed_user_key_params(sealed)?;
    let header = &sealed[..USER_KEY_HEADER_LEN];
    let salt = &header[13..13 + SALT_LEN];
    let nonce = &header[13 + SALT_LEN..];
    let kek = derive_passphrase_key(passphrase, salt, &params)?;
    let aad = hazmat::associated_data(USER_KEY_LABEL, &[header, user_id.as_bytes()]);
    let pt = Zeroizing::new(hazmat::aes_gcm_open(
        &kek,
        nonce,
        &aad,
        &sealed[USER_KEY_HEADER_LEN..],
    )?);
    if pt.len() != 64 {
        return Err(CryptoError::Decrypt);
    }
    let mut secret = pt[..32].to_vec();
    let key = SecretBytes32::from_slice_wiping(&mut secret)
        .map(UserSecretKey)
        .ok_or(CryptoError::Decrypt)?;
    let mut genesis_hash = [0u8; 32];
    genesis_hash.copy_from_slice(&pt[32..]);
    Ok(OpenedUserKey { key, genesis_hash })
}

/// SHA-256 of some bytes (originals' fingerprints, chain hashes).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

#[doc(hidden)]
/// Deterministic variants used only by the golden-format tests and the
/// benchmark, which need to reproduce a frozen blob byte for byte.
pub mod fixed {
    use super::*;

    pub fn seal_record_with_nonce(
        key: &DataKey,
        binding: &RecordBinding<'_>,
        plaintext: &[u8],
        nonce: &[u8; 12],
    ) -> Vec<u8> {
        super::seal_record_with_nonce(key, binding, plaintext, nonce)
    }

    pub fn seal_desk_state_with_nonce(
        key: &UserSecretKey,
        binding: &[&[u8]],
        plaintext: &[u8],
        nonce: &[u8; 12],
    ) -> Vec<u8> {
        super::seal_desk_state_with_nonce(key, binding, plaintext, nonce)
    }

    pub fn data_key_from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(SecretBytes32::new(bytes))
    }

    pub fn raw_aes_gcm_seal(key: &[u8; 32], nonce: &[u8; 12], plaintext: &[u8]) -> Vec<u8> {
        hazmat::aes_gcm_seal(&SecretBytes32::new(*key), nonce, &[], plaintext)
    }

    pub fn raw_aes_gcm_open(key: &[u8; 32], nonce: &[u8; 12], ct: &[u8]) -> Option<usize> {
        hazmat::aes_gcm_open(&SecretBytes32::new(*key), nonce, &[], ct)
            .ok()
            .map(|p| p.len())
    }
}
