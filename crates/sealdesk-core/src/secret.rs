//! Wrappers for secrets: zeroized on drop, `[REDACTED]` in `Debug`, and read
//! only through an explicit `expose()` so every use is easy to find.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

/// 32 secret bytes: a data key, a key-encryption key, an X25519 private key.
#[derive(Clone)]
pub struct SecretBytes32(Zeroizing<[u8; 32]>);

impl SecretBytes32 {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// Takes the bytes out of a buffer and wipes the buffer.
    pub fn from_slice_wiping(bytes: &mut [u8]) -> Option<Self> {
        if bytes.len() != 32 {
            bytes.zeroize();
            return None;
        }
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(bytes);
        bytes.zeroize();
        Some(Self(out))
    }

    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SecretBytes32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBytes32([REDACTED])")
    }
}

/// A passphrase typed by a person.
#[derive(Clone)]
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    pub fn new(s: String) -> Self {
        Self(Zeroizing::new(s))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Passphrase {
    fn from(s: &str) -> Self {
        Self::new(s.to_owned())
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase([REDACTED])")
    }
}

/// Decrypted content (a letter's text, an identity). Kept zeroizing so that a
/// letter does not linger in freed memory after it was shown.
#[derive(Clone, PartialEq, Eq)]
pub struct Plaintext(Zeroizing<Vec<u8>>);

impl Plaintext {
    pub fn new(bytes: Vec<u8>) -> Self {
        Self(Zeroizing::new(bytes))
    }

    pub fn from_zeroizing(bytes: Zeroizing<Vec<u8>>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The content as UTF-8 text, if it is text.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Plaintext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Plaintext([REDACTED; {} bytes])", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_secret_material() {
        let k = SecretBytes32::new([0x41; 32]);
        let p = Passphrase::from("correct horse");
        let t = Plaintext::new(b"A123456789".to_vec());
        let all = format!("{k:?} {p:?} {t:?}");
        assert!(!all.contains("AAAA"), "{all}");
        assert!(!all.contains("horse"), "{all}");
        assert!(!all.contains("A123456789"), "{all}");
        assert!(all.contains("REDACTED"));
    }

    #[test]
    fn from_slice_wiping_wipes_the_source() {
        let mut buf = vec![7u8; 32];
        let k = SecretBytes32::from_slice_wiping(&mut buf).expect("32 bytes");
        assert_eq!(k.expose(), &[7u8; 32]);
        assert_eq!(buf, vec![0u8; 32]);
        let mut short = vec![1u8; 5];
        assert!(SecretBytes32::from_slice_wiping(&mut short).is_none());
        assert_eq!(short, vec![0u8; 5]);
    }
}
