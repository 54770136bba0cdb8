//! The vault root and the certified directory: who the vault's accounts are,
//! with which roles and keys, as signed statements a writer of the vault file
//! cannot forge.
//!
//! * The **genesis** statement, signed by the vault **root** (an Ed25519 key
//!   derived from the recovery secret, so only the holder of the printed
//!   recovery code can act as root), names the vault and its vault-wide
//!   public keys (recovery, ledger reader). Its hash is sealed inside every
//!   user's private key (`crypto::seal_user_secret_key`), so a replaced
//!   genesis is noticed at the next login with a right passphrase.
//! * Every account change is a **directory statement**: the account's whole
//!   certified state (name, roles, unit, disabled, encryption and signing
//!   public keys), signed by the root (the first administrator) or by an
//!   administrator whose own state is certified. Settings that weaken
//!   protection (the idle lock) are statements too. Statements are ledger
//!   entries in clear (`ledger::EntryKind::Directory`), so rolling the
//!   directory back is rolling the ledger back, which witnesses catch.
//! * [`Directory`] is the fold over those statements. Permission checks and
//!   every key wrap use it, never a raw database row.
//!
//! Byte layouts (pinned by golden tests): genesis and statements are JSON with
//! a fixed field order. The genesis signature covers `label ‖ json`; a
//! statement's covers `label ‖ seq ‖ prev_hash ‖ json`, binding it to the one
//! place in the ledger where it was written, so a copy of an old statement
//! (say, an account's "enabled" state) appended later does not verify.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::crypto::{self, CryptoError, SigningKey, UserPublicKey, VerifyingKey};
use crate::domain::{Role, RoleSet};

const GENESIS_LABEL: &[u8] = b"sealdesk.genesis.v1\0";
const STATEMENT_LABEL: &[u8] = b"sealdesk.directory.v1\0";

/// The issuer name of a statement signed by the vault root.
pub const ROOT_ISSUER: &str = "root";

/// The vault's founding statement. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    pub format: u32,
    /// 128-bit vault id, hex.
    pub vault_id: String,
    /// UTC milliseconds.
    pub created_at: i64,
    #[serde(with = "hex32")]
    pub root_public_key: [u8; 32],
    #[serde(with = "hex32")]
    pub recovery_public_key: [u8; 32],
    #[serde(with = "hex32")]
    pub ledger_public_key: [u8; 32],
}

/// A genesis statement with its root signature, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedGenesis {
    pub json: Vec<u8>,
    pub signature: Vec<u8>,
    pub genesis: Genesis,
}

fn label_then(label: &[u8], json: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(label.len() + json.len());
    m.extend_from_slice(label);
    m.extend_from_slice(json);
    m
}

impl Genesis {
    pub const FORMAT: u32 = 1;

    pub fn canonical_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn sign(&self, root: &SigningKey) -> SignedGenesis {
        let json = self.canonical_json();
        let signature = root.sign(&label_then(GENESIS_LABEL, &json)).to_vec();
        SignedGenesis {
            json,
            signature,
            genesis: self.clone(),
        }
    }

    pub fn root(&self) -> VerifyingKey {
        VerifyingKey(self.root_public_key)
    }

    pub fn recovery_key(&self) -> UserPublicKey {
        UserPublicKey(self.recovery_public_key)
    }

    pub fn ledger_key(&self) -> UserPublicKey {
        UserPublicKey(self.ledger_public_key)
    }

    /// The vault id as the 16 bytes it is.
    pub fn vault_id_bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        if let Ok(v) = hex::decode(&self.vault_id) {
            if v.len() == 16 {
                out.copy_from_slice(&v);
            }
        }
        out
    }
}

impl SignedGenesis {
    /// Parses stored bytes and checks the root's signature over them. This
    /// proves only that the genesis is self-consistent; what makes it *this*
    /// vault's is the hash pinned in each user's sealed key, or a root key an
    /// auditor kept.
    pub fn parse(json: &[u8], signature: &[u8]) -> Result<Self, CryptoError> {
        let genesis: Genesis = serde_json::from_slice(json).map_err(|_| CryptoError::Decrypt)?;
        if genesis.format != Genesis::FORMAT || genesis.canonical_json() != json {
            return Err(CryptoError::UnsupportedVersion(
                u8::try_from(genesis.format).unwrap_or(u8::MAX),
            ));
        }
        crypto::verify_signature(&genesis.root(), &label_then(GENESIS_LABEL, json), signature)?;
        Ok(Self {
            json: json.to_vec(),
            signature: signature.to_vec(),
            genesis,
        })
    }

    /// `SHA-256(label ‖ json)`: what every sealed private key pins.
    pub fn hash(&self) -> [u8; 32] {
        crypto::sha256(&label_then(GENESIS_LABEL, &self.json))
    }
}

/// An account's certified state. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCert {
    /// 128-bit account id, hex.
    pub id: String,
    pub name: String,
    /// Comma-separated role list (`RoleSet::to_list`).
    pub roles: String,
    pub unit: Option<String>,
    pub disabled: bool,
    /// X25519: what keys are wrapped to.
    #[serde(with = "hex32")]
    pub encryption_key: [u8; 32],
    /// Ed25519: what the account's attestations are checked with.
    #[serde(with = "hex32")]
    pub signing_key: [u8; 32],
}

impl UserCert {
    pub fn role_set(&self) -> Option<RoleSet> {
        RoleSet::parse_list(&self.roles).ok()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.role_set().is_some_and(|r| r.contains(role))
    }

    pub fn encryption_public_key(&self) -> UserPublicKey {
        UserPublicKey(self.encryption_key)
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.signing_key)
    }

    /// The account id as the 16 bytes a ledger header carries.
    pub fn id_bytes(&self) -> [u8; 16] {
        id_bytes(&self.id)
    }
}

/// A 128-bit hex id as 16 bytes (zeros when malformed).
pub fn id_bytes(id: &str) -> [u8; 16] {
    let mut out = [0u8; 16];
    if let Ok(v) = hex::decode(id) {
        if v.len() == 16 {
            out.copy_from_slice(&v);
        }
    }
    out
}

/// What a statement changes. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Change {
    /// The whole certified state of one account (added, changed, disabled,
    /// enabled, or reset with new keys).
    User { cert: UserCert },
    /// A vault setting.
    Setting { key: String, value: i64 },
    /// The account's sealed private key is now the one with this SHA-256
    /// (a passphrase change, signed by the account itself): a login refuses
    /// any other, so an older sealed key put back does not let an old
    /// passphrase in. Cleared when an admin reset replaces the key pair.
    SealedKey {
        user: String,
        #[serde(with = "hex32")]
        sealed_hash: [u8; 32],
    },
    /// The ledger reader key is wrapped to this auditor: granted by the
    /// root (the recovery code) or by an auditor who holds it. An auditor
    /// it names whose wrap is missing finds an altered file. Cleared when a
    /// reset replaces the auditor's key pair.
    LedgerReader { user: String },
}

/// A signed directory statement's content. Field order is part of the format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    pub vault_id: String,
    /// UTC milliseconds.
    pub at: i64,
    /// The signing account's id, or [`ROOT_ISSUER`].
    pub issuer: String,
    pub change: Change,
}

impl Statement {
    pub fn canonical_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// What the issuer signs: the statement at ledger entry `seq`, whose
    /// predecessor has hash `prev_hash`.
    pub fn signing_message(json: &[u8], seq: u64, prev_hash: &[u8; 32]) -> Vec<u8> {
        placed_message(STATEMENT_LABEL, json, seq, prev_hash)
    }

    /// The JSON and its signature, for ledger entry `seq` after `prev_hash`.
    pub fn sign_at(
        &self,
        key: &SigningKey,
        seq: u64,
        prev_hash: &[u8; 32],
    ) -> (Vec<u8>, [u8; crypto::SIGNATURE_LEN]) {
        sign_placed(key, STATEMENT_LABEL, self.canonical_json(), seq, prev_hash)
    }
}

/// What a statement signed at its place in the ledger signs: `label ‖ seq ‖
/// prev_hash ‖ json` (directory statements and facts alike), so the same
/// bytes at another entry do not verify.
pub(crate) fn placed_message(label: &[u8], json: &[u8], seq: u64, prev_hash: &[u8; 32]) -> Vec<u8> {
    let mut m = Vec::with_capacity(label.len() + 40 + json.len());
    m.extend_from_slice(label);
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(prev_hash);
    m.extend_from_slice(json);
    m
}

/// `json` and its signature at ledger entry `seq` after `prev_hash`.
pub(crate) fn sign_placed(
    key: &SigningKey,
    label: &[u8],
    json: Vec<u8>,
    seq: u64,
    prev_hash: &[u8; 32],
) -> (Vec<u8>, [u8; crypto::SIGNATURE_LEN]) {
    let sig = key.sign(&placed_message(label, &json, seq, prev_hash));
    (json, sig)
}

/// Why a statement was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("statement does not parse")]
    Malformed,
    #[error("statement is for another vault")]
    OtherVault,
    #[error("statement issuer {0} is not an active, certified administrator")]
    NotAnAdministrator(String),
    #[error("statement signature does not verify")]
    BadSignature,
    #[error("statement certifies an invalid account: {0}")]
    InvalidAccount(String),
    #[error("a sealed key is pinned only by its own active account, not by {0}")]
    NotTheAccount(String),
}

/// Settings a statement may set.
pub const SETTING_IDLE_TIMEOUT: &str = "idle_timeout_secs";
/// The longest access an approval may grant, in days.
pub const SETTING_MAX_ACCESS_DAYS: &str = "max_access_days";

/// The fold over directory statements: the certified accounts and settings.
/// Serialized only inside a desk's sealed state (field order is part of
/// that format).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Directory {
    vault_id: String,
    root: VerifyingKey,
    users: BTreeMap<String, UserCert>,
    settings: BTreeMap<String, i64>,
    /// Account id → hex SHA-256 of the sealed key its last passphrase
    /// change pinned.
    sealed_keys: BTreeMap<String, String>,
    /// Account id → when its first certificate was signed (UTC ms).
    since: BTreeMap<String, i64>,
    /// Accounts the ledger reader key was granted to.
    ledger_readers: std::collections::BTreeSet<String>,
    statements: u64,
}

impl Directory {
    pub fn new(genesis: &Genesis) -> Self {
        Self {
            vault_id: genesis.vault_id.clone(),
            root: genesis.root(),
            users: BTreeMap::new(),
            settings: BTreeMap::new(),
            sealed_keys: BTreeMap::new(),
            since: BTreeMap::new(),
            ledger_readers: std::collections::BTreeSet::new(),
            statements: 0,
        }
    }

    /// Parses and checks a statement against the directory as it stands,
    /// then applies it. Nothing changes when it is refused.
    pub fn apply(
        &mut self,
        json: &[u8],
        signature: &[u8],
        seq: u64,
        prev_hash: &[u8; 32],
    ) -> Result<Statement, DirectoryError> {
        let st = self.check(json, signature, seq, prev_hash)?;
        self.statements += 1;
        match &st.change {
            Change::User { cert } => {
                let rekeyed = self
                    .users
                    .get(&cert.id)
                    .is_some_and(|old| old.encryption_key != cert.encryption_key);
                if rekeyed {
                    self.sealed_keys.remove(&cert.id);
                    self.ledger_readers.remove(&cert.id);
                }
                self.since.entry(cert.id.clone()).or_insert(st.at);
                self.users.insert(cert.id.clone(), cert.clone());
            }
            Change::Setting { key, value } => {
                self.settings.insert(key.clone(), *value);
            }
            Change::SealedKey { user, sealed_hash } => {
                self.sealed_keys
                    .insert(user.clone(), hex::encode(sealed_hash));
            }
            Change::LedgerReader { user } => {
                self.ledger_readers.insert(user.clone());
            }
        }
        Ok(st)
    }

    /// Checks a signed statement at ledger entry `seq` without applying it.
    pub fn check(
        &self,
        json: &[u8],
        signature: &[u8],
        seq: u64,
        prev_hash: &[u8; 32],
    ) -> Result<Statement, DirectoryError> {
        let st: Statement = serde_json::from_slice(json).map_err(|_| DirectoryError::Malformed)?;
        if st.canonical_json() != json {
            return Err(DirectoryError::Malformed);
        }
        let key = self.check_content(&st)?;
        crypto::verify_signature(
            &key,
            &Statement::signing_message(json, seq, prev_hash),
            signature,
        )
        .map_err(|_| DirectoryError::BadSignature)?;
        Ok(st)
    }

    /// Checks what a statement says against the directory as it stands (its
    /// vault, its issuer, the account it certifies) and returns the key its
    /// signature must verify with.
    pub fn check_content(&self, st: &Statement) -> Result<VerifyingKey, DirectoryError> {
        if st.vault_id != self.vault_id {
            return Err(DirectoryError::OtherVault);
        }
        if let Change::SealedKey { user, .. } = &st.change {
            // Only the account itself pins its sealed key.
            return match self.users.get(&st.issuer) {
                Some(c) if !c.disabled && *user == st.issuer => Ok(c.verifying_key()),
                _ => Err(DirectoryError::NotTheAccount(st.issuer.clone())),
            };
        }
        if let Change::LedgerReader { user } = &st.change {
            match self.users.get(user) {
                Some(c) if !c.disabled && c.has_role(Role::Auditor) => {}
                _ => {
                    return Err(DirectoryError::InvalidAccount(format!(
                        "the ledger key goes only to an active auditor, not {user}"
                    )))
                }
            }
            if st.issuer == ROOT_ISSUER {
                return Ok(self.root);
            }
            return match self.users.get(&st.issuer) {
                Some(c)
                    if !c.disabled
                        && c.has_role(Role::Auditor)
                        && self.ledger_readers.contains(&st.issuer) =>
                {
                    Ok(c.verifying_key())
                }
                _ => Err(DirectoryError::NotAnAdministrator(st.issuer.clone())),
            };
        }
        let key = if st.issuer == ROOT_ISSUER {
            self.root
        } else {
            match self.users.get(&st.issuer) {
                Some(c) if !c.disabled && c.has_role(Role::Admin) => c.verifying_key(),
                _ => return Err(DirectoryError::NotAnAdministrator(st.issuer.clone())),
            }
        };
        if let Change::User { cert } = &st.change {
            if cert.role_set().is_none() {
                return Err(DirectoryError::InvalidAccount(format!(
                    "roles {:?} of {}",
                    cert.roles, cert.name
                )));
            }
            if self
                .users
                .values()
                .any(|u| u.name == cert.name && u.id != cert.id)
            {
                return Err(DirectoryError::InvalidAccount(format!(
                    "name {} already belongs to another account",
                    cert.name
                )));
            }
        }
        Ok(key)
    }

    pub fn user(&self, id: &str) -> Option<&UserCert> {
        self.users.get(id)
    }

    pub fn user_by_name(&self, name: &str) -> Option<&UserCert> {
        self.users.values().find(|u| u.name == name)
    }

    /// The account whose id has these 16 bytes.
    pub fn user_by_id_bytes(&self, id: &[u8; 16]) -> Option<&UserCert> {
        self.users.get(&hex::encode(id))
    }

    pub fn users(&self) -> impl Iterator<Item = &UserCert> {
        self.users.values()
    }

    pub fn setting(&self, key: &str) -> Option<i64> {
        self.settings.get(key).copied()
    }

    /// Whether the ledger reader key was granted to the account (and not
    /// cleared by a reset since).
    pub fn is_ledger_reader(&self, id: &str) -> bool {
        self.ledger_readers.contains(id)
    }

    /// When the account's first certificate was signed (UTC ms).
    pub fn certified_since(&self, id: &str) -> Option<i64> {
        self.since.get(id).copied()
    }

    /// The SHA-256 (hex) of the sealed key the account's last passphrase
    /// change pinned, if it made one since its key pair was set.
    pub fn sealed_key_hash(&self, id: &str) -> Option<&str> {
        self.sealed_keys.get(id).map(String::as_str)
    }

    pub fn root(&self) -> &VerifyingKey {
        &self.root
    }

    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// How many statements were applied.
    pub fn statements(&self) -> u64 {
        self.statements
    }
}

pub(crate) mod hex32 {
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
