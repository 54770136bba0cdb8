//! Ed25519 signatures (a workstation signs its ledger checkpoints).

use std::fmt;

use ed25519_dalek::Signer;
use rand_core::CryptoRngCore;

use super::CryptoError;
use crate::secret::SecretBytes32;

pub const SIGNATURE_LEN: usize = 64;

pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    pub fn make(rng: &mut impl CryptoRngCore) -> Self {
        Self(ed25519_dalek::SigningKey::generate(rng))
    }

    pub fn from_secret(secret: &SecretBytes32) -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(secret.expose()))
    }

    pub fn to_secret(&self) -> SecretBytes32 {
        SecretBytes32::new(self.0.to_bytes())
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([REDACTED])")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VerifyingKey(#[serde(with = "crate::directory::hex32")] pub [u8; 32]);

pub fn verify_signature(
    key: &VerifyingKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), CryptoError> {
    let vk =
        ed25519_dalek::VerifyingKey::from_bytes(&key.0).map_err(|_| CryptoError::BadSignature)?;
    let sig =
        ed25519_dalek::Signature::from_slice(signature).map_err(|_| CryptoError::BadSignature)?;
    vk.verify_strict(message, &sig)
        .map_err(|_| CryptoError::BadSignature)
}

/// Verifies many signatures at once with ed25519-dalek's batch verification
/// (one multiscalar multiplication: about half the cost per signature of
/// checking them one by one). `true` only if every one verifies; a caller
/// that needs to know which failed checks them one by one then.
pub fn verify_batch(keys: &[VerifyingKey], messages: &[&[u8]], signatures: &[[u8; 64]]) -> bool {
    if keys.len() != messages.len() || keys.len() != signatures.len() {
        return false;
    }
    let Ok(vks) = keys
        .iter()
        .map(|k| ed25519_dalek::VerifyingKey::from_bytes(&k.0))
        .collect::<Result<Vec<_>, _>>()
    else {
        return false;
    };
    let sigs: Vec<ed25519_dalek::Signature> = signatures
        .iter()
        .map(ed25519_dalek::Signature::from_bytes)
        .collect();
    ed25519_dalek::verify_batch(messages, &sigs, &vks).is_ok()
}
