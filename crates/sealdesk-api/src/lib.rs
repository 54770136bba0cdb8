//! Sealdesk's one API. The CLI (`sealdesk-cli`) and the desktop app
//! (`src-tauri`) are thin shells over [`Vault`]: they parse input, call one
//! method, and print or render the result.
//!
//! Architecture Invariant: every permission check lives here and runs on
//! every call. Each method that acts for a person takes `&mut Session` and
//! starts with [`Vault::begin`], which enforces the idle lock, re-reads the
//! account (a disabled account stops at once) and checks the role. Need-to-know
//! is then enforced again by keys: a caller without a wrap of a record's data
//! key cannot decrypt it, whatever a bug above might allow.

mod accounts;
mod clock;
pub mod demo;
mod error;
mod export;
mod intake;
mod ledger;
mod letters;
mod routing;
mod session;

use std::path::Path;
use std::sync::Arc;

use sealdesk_core::crypto::{RecoveryCode, UserPublicKey, UserSecretKey};
use sealdesk_core::domain::{self, RoleSet};
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;
use sealdesk_store::Store;

pub use accounts::{NewUser, UserInfo};
pub use clock::{os_seeded_rng, seeded_rng, ApiRng, Clock, ManualClock, SystemClock};
pub use error::{ApiError, Result};
pub use export::{verify_export, ExportSummary, ExportVerifyReport};
pub use intake::{scan_file, AddresseeType, RegisterMeta, Registered, Review, ScanReport};
pub use ledger::{Action, LedgerEntry, CHECKPOINT_EVERY};
pub use letters::{
    Category, LetterContent, LetterSummary, NewTypedLetter, RecoveryReport, Secrecy,
};
pub use routing::{
    AssignmentInfo, IdentityView, InquiryInfo, RequestInfo, RoutingSlip, DEFAULT_ACCESS_DAYS,
    DEFAULT_REVEAL_DAYS, MAX_ACCESS_DAYS,
};
pub use sealdesk_core::domain::Role;
pub use sealdesk_core::ledger::{Checkpoint, Damage, Finding, VerifyReport};
pub use sealdesk_core::pii::{Finding as PiiFinding, PiiKind};
pub use sealdesk_intake::{
    worker_main as parse_worker_main, IntakeError, WorkerCommand, WORKER_ARG,
};
pub use session::{Me, Session};

/// Meta keys.
const META_VAULT_ID: &str = "vault_id";
const META_RECOVERY_PK: &str = "recovery_public_key";
const META_IDLE_TIMEOUT: &str = "idle_timeout_secs";
const META_RECEIPT_PREFIX: &str = "receipt_prefix";

/// The wrap recipient name of the vault's recovery key.
pub(crate) const RECOVERY_RECIPIENT: &str = "recovery";

/// An open vault.
#[derive(Debug)]
pub struct Vault {
    store: Store,
    clock: Arc<dyn Clock>,
    rng: ApiRng,
    /// Read once per open vault: the ledger's sealing state.
    ledger: Option<ledger::LedgerCache>,
    /// How to start a parse worker; the running binary when unset.
    worker: Option<sealdesk_intake::WorkerCommand>,
}

/// What `init` hands back once: the open vault and the recovery code, which
/// is never stored.
#[derive(Debug)]
pub struct Initialized {
    pub vault: Vault,
    pub recovery_code: RecoveryCode,
    pub admin: UserInfo,
}

impl Vault {
    /// Creates a vault with its first administrator and a recovery key pair.
    pub fn init(
        dir: &Path,
        admin_name: &str,
        admin_passphrase: &Passphrase,
        clock: Arc<dyn Clock>,
        mut rng: ApiRng,
    ) -> Result<Initialized> {
        domain::check_user_name(admin_name)?;
        domain::check_new_passphrase(admin_passphrase.expose())?;
        let recovery_code = RecoveryCode::from_secret_key(UserSecretKey::make(&mut rng));
        let mut vault_id = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rng, &mut vault_id);
        let mut store = Store::create(dir)?;
        let recovery_pk = recovery_code.public_key();
        store.write(|db| {
            db.meta_set(META_VAULT_ID, hex::encode(vault_id).as_bytes())?;
            db.meta_set(META_RECOVERY_PK, recovery_pk.as_bytes())?;
            db.meta_set(
                META_IDLE_TIMEOUT,
                domain::DEFAULT_IDLE_TIMEOUT_SECS.to_string().as_bytes(),
            )?;
            db.meta_set(META_RECEIPT_PREFIX, b"SD")?;
            Ok::<_, ApiError>(())
        })?;
        let mut vault = Vault {
            store,
            clock,
            rng,
            ledger: None,
            worker: None,
        };
        let workstation = vault.init_ledger_keys(&recovery_pk)?;
        let admin = vault.create_user(
            &NewUser {
                name: admin_name.to_owned(),
                roles: RoleSet::new([Role::Admin])?,
                unit: None,
                passphrase: admin_passphrase.clone(),
            },
            Some(&workstation),
        )?;
        vault.record(
            ledger::Event::new(admin_name, Some(Role::Admin), ledger::Action::UserAdmin)
                .detail(format!("vault created; first administrator {admin_name}")),
            None,
        )?;
        Ok(Initialized {
            vault,
            recovery_code,
            admin,
        })
    }

    /// Opens an existing vault.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>, rng: ApiRng) -> Result<Vault> {
        let store = Store::open(dir)?;
        Ok(Vault {
            store,
            clock,
            rng,
            ledger: None,
            worker: None,
        })
    }

    pub fn dir(&self) -> &Path {
        self.store.dir()
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A fresh random id (128 bits, hex).
    pub(crate) fn make_id(&mut self) -> String {
        let mut b = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut self.rng, &mut b);
        hex::encode(b)
    }

    pub(crate) fn recovery_public_key(&self) -> Result<UserPublicKey> {
        let bytes = self
            .store
            .read(|db| db.meta_get(META_RECOVERY_PK))?
            .ok_or_else(|| ApiError::Integrity("recovery key missing".into()))?;
        UserPublicKey::from_slice(&bytes)
            .ok_or_else(|| ApiError::Integrity("recovery key malformed".into()))
    }

    fn meta_i64(&self, key: &str, default: i64) -> Result<i64> {
        let v = self.store.read(|db| db.meta_get(key))?;
        Ok(v.and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| s.parse().ok())
            .unwrap_or(default))
    }

    pub fn idle_timeout_secs(&self) -> Result<i64> {
        self.meta_i64(META_IDLE_TIMEOUT, domain::DEFAULT_IDLE_TIMEOUT_SECS)
    }

    /// `PRAGMA integrity_check` over the vault file.
    pub fn integrity_check(&self) -> Result<()> {
        Ok(self.store.integrity_check()?)
    }
}

/// Where the vault lives when no folder is named: `$SEALDESK_VAULT`, else
/// the user's data directory (`~/.local/share/sealdesk/vault` on Linux).
pub fn default_vault_dir() -> std::path::PathBuf {
    if let Some(v) = std::env::var_os("SEALDESK_VAULT") {
        return v.into();
    }
    dirs::data_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("sealdesk")
        .join("vault")
}
