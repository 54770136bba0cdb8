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

mod access;
mod accounts;
mod actor;
mod clock;
mod copies;
pub mod demo;
mod desk;
mod directory;
mod drafts;
mod error;
mod export;
mod intake;
mod ledger;
mod letters;
mod life;
mod marks;
mod records;
mod report;
mod routing;
mod server;
mod session;
mod trace;
mod witness;

use std::path::Path;
use std::sync::Arc;

use sealdesk_core::crypto::{self, RecoveryCode, UserPublicKey, UserSecretKey};
use sealdesk_core::directory::{Genesis, SignedGenesis};
use sealdesk_core::domain::{self, RoleSet};
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;
use sealdesk_store::Store;

pub use accounts::{NewUser, UserInfo};
pub use clock::{os_seeded_rng, seeded_rng, ApiRng, Clock, ManualClock, SystemClock};
pub use copies::{
    Approved, CopyFormat, CopyInfo, CopyKind, ExportDone, PrintJob, COPY_APPROVAL_DAYS,
};
pub use desk::{
    Draft, DraftBox, DraftFinding, DraftPage, RegisterLine, RoutingDirectory, RoutingState,
    RoutingStatus, Settings, UnitPeople,
};
pub use error::{ApiError, ErrorKind, Result};
pub use export::{verify_export, ExportAnchor, ExportSummary, ExportVerifyReport};
pub use intake::{scan_file, Registered, ScanReport};
pub use ledger::{
    Action, Anchor, LedgerEntry, LedgerReadout, LedgerReport, Outcome, Unreadable, CHECKPOINT_EVERY,
};
pub use letters::{LetterContent, LetterSummary, NewTypedLetter, RecoveryReport};
pub use life::{DeclassifyRecord, LifeStep, Shredded};
pub use records::{
    AddresseeType, Category, DrawnBox, Level, PageImage, RegisterMeta, Review, Secrecy, LEVELS,
};
pub use report::{
    parse_holidays, parse_leave, parse_office_hours, parse_roster, write_report, AccountLine,
    AuditReport, ClassifiedLetter, LongAccess, ReportRequest, ReviewedAct, UnattestedSession,
    REPORT_FILES,
};
pub use routing::{
    AssignmentInfo, IdentityView, InquiryInfo, RequestInfo, RoutingSlip, DEFAULT_ACCESS_DAYS,
    DEFAULT_REVEAL_DAYS, MAX_ACCESS_DAYS,
};
pub use sealdesk_core::audit::{Calendar as AuditCalendar, Settings as AuditSettings};
pub use sealdesk_core::domain::Role;
pub use sealdesk_core::facts::DeclassifyBasis;
pub use sealdesk_core::facts::{EndKind, Ended, InquiryAnswer, RequestKind, RequestStatus};
pub use sealdesk_core::ledger::{Checkpoint, Damage, Finding, Unattested, VerifyReport, Witness};
pub use sealdesk_core::life::LetterState;
pub use sealdesk_core::pii::{Finding as PiiFinding, PiiKind};
pub use sealdesk_intake::{
    worker_main as parse_worker_main, IntakeError, WorkerCommand, WORKER_ARG,
};
pub use server::{migrate_vault, name_server, root_fingerprint, Migration, StoreInfo};
pub use session::{Me, Session};
pub use trace::{TraceCandidate, TraceReading, TraceReport, TracedEntry};

/// Meta keys.
const META_VAULT_ID: &str = "vault_id";
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
    /// The signed genesis, read and checked once.
    genesis: Option<SignedGenesis>,
    /// The certified directory, folded up to a prefix of the ledger.
    fold: Option<directory::Fold>,
    /// This desk appended to the ledger since the fold was last refreshed:
    /// the next read of the facts folds its own writes in first.
    fold_behind: bool,
    /// Assignments the facts say are over whose keys this process has seen
    /// gone (so the sweep looks at each once).
    swept: std::collections::HashSet<String>,
    /// The session the current call writes for.
    ctx: Option<ledger::Ctx>,
    /// Entries each session wrote that it has not attested yet.
    pending: ledger::Pending,
    /// Where this desk keeps its witness of the ledger.
    witness_dir: Option<std::path::PathBuf>,
    /// Letters read for registering, not sealed yet (memory only).
    drafts: drafts::Drafts,
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
    /// Creates a vault: the recovery key pair and the root derived from it,
    /// the ledger reader key, the signed genesis, and the first
    /// administrator, certified by the root.
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
        let root = recovery_code
            .secret_key()
            .derive_signing_key(crypto::ROOT_SIGNING_LABEL);
        let mut vault_id = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rng, &mut vault_id);
        let reader = UserSecretKey::make(&mut rng);
        let recovery_pk = recovery_code.public_key();
        let reader_wrap = crypto::wrap_to(
            &recovery_pk,
            &ledger::READER_BINDING,
            reader.secret_bytes().expose(),
            &mut rng,
        );
        let genesis = Genesis {
            format: Genesis::FORMAT,
            vault_id: hex::encode(vault_id),
            created_at: clock.now().unix_millis(),
            root_public_key: root.verifying_key().0,
            recovery_public_key: recovery_pk.0,
            ledger_public_key: reader.public_key().0,
        }
        .sign(&root);
        let mut store = Store::create(dir)?;
        store.write(|db| {
            db.meta_set(META_VAULT_ID, genesis.genesis.vault_id.as_bytes())?;
            db.meta_set(directory::META_GENESIS, &genesis.json)?;
            db.meta_set(directory::META_GENESIS_SIG, &genesis.signature)?;
            db.meta_set(META_RECEIPT_PREFIX, b"SD")?;
            db.put_secret_wrap(
                ledger::SECRET_LEDGER_READER,
                RECOVERY_RECIPIENT,
                &reader_wrap,
            )?;
            Ok::<_, ApiError>(())
        })?;
        store.pin_root(&server::root_fingerprint(&genesis))?;
        let mut vault = Vault {
            store,
            clock,
            rng,
            ledger: None,
            worker: None,
            genesis: Some(genesis),
            fold: None,
            fold_behind: false,
            swept: Default::default(),
            ctx: None,
            pending: Default::default(),
            witness_dir: None,
            drafts: Default::default(),
        };
        vault.act_as_root(&recovery_code)?;
        let made = vault.create_user(
            &NewUser {
                name: admin_name.to_owned(),
                roles: RoleSet::new([Role::Admin])?,
                unit: None,
                passphrase: admin_passphrase.clone(),
            },
            (sealdesk_core::directory::ROOT_ISSUER, &root),
            ledger::Event::new(None, ledger::Action::UserAdmin)
                .detail(format!("vault created; first administrator {admin_name}")),
        );
        vault.end_root_act();
        let admin = made?;
        Ok(Initialized {
            vault,
            recovery_code,
            admin,
        })
    }

    /// Opens an existing vault and checks its genesis signature.
    pub fn open(dir: &Path, clock: Arc<dyn Clock>, rng: ApiRng) -> Result<Vault> {
        let store = Store::open(dir)?;
        let mut vault = Vault {
            store,
            clock,
            rng,
            ledger: None,
            worker: None,
            genesis: None,
            fold: None,
            fold_behind: false,
            swept: Default::default(),
            ctx: None,
            pending: Default::default(),
            witness_dir: None,
            drafts: Default::default(),
        };
        vault.load_genesis()?;
        Ok(vault)
    }

    /// Replaces the source of randomness, as [`Vault::open`] takes it: tests
    /// that compare two runs action by action give each action the same
    /// seed, so that one action's ids do not depend on what ran before.
    pub fn set_rng(&mut self, rng: ApiRng) {
        self.rng = rng;
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

    /// The recovery public key, as the root certifies it.
    pub(crate) fn recovery_public_key(&mut self) -> Result<UserPublicKey> {
        Ok(self.genesis()?.genesis.recovery_key())
    }

    /// `PRAGMA integrity_check` over the vault file.
    pub fn integrity_check(&self) -> Result<()> {
        Ok(self.store.integrity_check()?)
    }
}

/// A UTC time for messages (`2026-11-28 09:00 UTC`).
pub(crate) fn format_utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| ms.to_string())
}

/// `$VAR` when set, else `<user data dir>/sealdesk/<leaf>`.
fn env_or_data_dir(var: &str, leaf: &str) -> std::path::PathBuf {
    if let Some(v) = std::env::var_os(var) {
        return v.into();
    }
    dirs::data_dir()
        .unwrap_or_else(|| std::path::PathBuf::from("."))
        .join("sealdesk")
        .join(leaf)
}

/// How long a revoke waits for other desks' reads to end before it reports
/// that the revoked wrap's old bytes are still in the write-ahead log.
pub const WAL_PURGE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Where each desk keeps its witness of the ledger when none is named:
/// `$SEALDESK_WITNESS_DIR`, else the user's data directory
/// (`~/.local/share/sealdesk/witness` on Linux), outside any vault folder.
pub fn default_witness_dir() -> std::path::PathBuf {
    env_or_data_dir("SEALDESK_WITNESS_DIR", "witness")
}

/// Where the vault lives when no folder is named: `$SEALDESK_VAULT`, else
/// the user's data directory (`~/.local/share/sealdesk/vault` on Linux).
pub fn default_vault_dir() -> std::path::PathBuf {
    env_or_data_dir("SEALDESK_VAULT", "vault")
}
