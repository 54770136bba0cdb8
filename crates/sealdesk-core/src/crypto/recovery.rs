//! The recovery code: the private half of the vault's recovery key pair,
//! printed once at `init` and never stored.
//!
//! Text form: the 32 key bytes plus a 2-byte SHA-256 checksum, in RFC 4648
//! base32 without padding (55 characters), grouped by five with dashes. The
//! checksum catches a mistyped character before any decryption is tried.

use std::fmt;

use data_encoding::BASE32_NOPAD;
use zeroize::Zeroizing;

use super::{sha256, CryptoError, UserPublicKey, UserSecretKey};
use crate::secret::SecretBytes32;

const CHECKSUM_LEN: usize = 2;

/// The recovery private key in a form a person can write down.
pub struct RecoveryCode(UserSecretKey);

impl RecoveryCode {
    pub fn from_secret_key(key: UserSecretKey) -> Self {
        Self(key)
    }

    pub fn secret_key(&self) -> &UserSecretKey {
        &self.0
    }

    pub fn public_key(&self) -> UserPublicKey {
        self.0.public_key()
    }

    /// The printable code. A `String` because it must be shown; callers print
    /// it once and drop it.
    pub fn to_printable(&self) -> Zeroizing<String> {
        let key = self.0.secret().expose();
        let mut buf = Zeroizing::new(Vec::with_capacity(32 + CHECKSUM_LEN));
        buf.extend_from_slice(key);
        buf.extend_from_slice(&sha256(key)[..CHECKSUM_LEN]);
        let plain = Zeroizing::new(BASE32_NOPAD.encode(&buf));
        let mut out = Zeroizing::new(String::with_capacity(plain.len() + plain.len() / 5));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 5 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// Parses a code as typed: case, spaces and dashes do not matter.
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        let mut bytes = Zeroizing::new(
            BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| CryptoError::BadRecoveryCode)?,
        );
        if bytes.len() != 32 + CHECKSUM_LEN {
            return Err(CryptoError::BadRecoveryCode);
        }
        let (key, check) = bytes.split_at_mut(32);
        if sha256(key)[..CHECKSUM_LEN] != *check {
            return Err(CryptoError::BadRecoveryCode);
        }
        let secret = SecretBytes32::from_slice_wiping(key).ok_or(CryptoError::BadRecoveryCode)?;
        Ok(Self(UserSecretKey::from_secret(secret)))
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode([REDACTED])")
    }
}
