//! Low-level primitives. Private to `crypto`: everything outside goes through
//! the small typed API in `crypto/mod.rs`, which fixes the formats.

use aes_gcm::aead::{Aead, AeadInPlace, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hkdf::Hkdf;
use rand_core::CryptoRngCore;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::CryptoError;
use crate::secret::SecretBytes32;

pub(super) const NONCE_LEN: usize = 12;
pub(super) const TAG_LEN: usize = 16;

pub(super) fn make_nonce(rng: &mut impl CryptoRngCore) -> [u8; NONCE_LEN] {
    let mut n = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut n);
    n
}

pub(super) fn make_secret32(rng: &mut impl CryptoRngCore) -> SecretBytes32 {
    let mut b = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(b.as_mut());
    SecretBytes32::new(*b)
}

/// AES-256-GCM encryption; returns ciphertext followed by the 16-byte tag.
pub(super) fn aes_gcm_seal(
    key: &SecretBytes32,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    plaintext: &[u8],
) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.expose().into());
    // Encryption with a 32-byte key and 12-byte nonce fails only for inputs
    // beyond 64 GiB, which no caller can produce; map it rather than panic.
    cipher
        .encrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default()
}

/// AES-256-GCM in place: encrypts `buf[start..]` and appends the tag. Saves
/// the second buffer and copy that `aes_gcm_seal` costs on large records.
pub(super) fn aes_gcm_seal_in_place(
    key: &SecretBytes32,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    buf: &mut Vec<u8>,
    start: usize,
) {
    let cipher = Aes256Gcm::new(key.expose().into());
    // Fails only beyond 64 GiB of input, which no caller can produce.
    if let Ok(tag) =
        cipher.encrypt_in_place_detached(Nonce::from_slice(nonce), aad, &mut buf[start..])
    {
        buf.extend_from_slice(&tag);
    } else {
        buf.truncate(start);
    }
}

pub(super) fn aes_gcm_open(
    key: &SecretBytes32,
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    if nonce.len() != NONCE_LEN || ciphertext.len() < TAG_LEN {
        return Err(CryptoError::Decrypt);
    }
    let cipher = Aes256Gcm::new(key.expose().into());
    cipher
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| CryptoError::Decrypt)
}

/// HKDF-SHA256 to one 32-byte key.
pub(super) fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8]) -> SecretBytes32 {
    let hk = Hkdf::<Sha256>::new(Some(salt), ikm);
    let mut okm = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit.
    let _ = hk.expand(info, okm.as_mut());
    SecretBytes32::new(*okm)
}

/// Associated data: a domain-separation label, then each field prefixed by its
/// length (u32, big-endian) so that no two field lists share an encoding.
pub(super) fn associated_data(label: &[u8], fields: &[&[u8]]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(label.len() + fields.iter().map(|f| f.len() + 4).sum::<usize>());
    out.extend_from_slice(label);
    for f in fields {
        out.extend_from_slice(&(f.len() as u32).to_be_bytes());
        out.extend_from_slice(f);
    }
    out
}
