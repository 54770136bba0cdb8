//! Scenario tests: the API driven as users drive it, and the vault file read
//! as an attacker who copied it would (threat-model rows named per test).

mod attacker;

pub use attacker::{all_key_wraps, own_key_from_file, raw, raw_ledger, user_id};
mod copies;
mod desk;
mod desk_state;
mod edges;
mod house;
mod key_model;
mod ledger;
mod ledger_attacks;
mod life;
mod misuse;
mod pages;
mod plaintext_scan;
mod routing;
mod server;
mod sessions;
mod signed_facts;
mod whole_class;
mod writer;

use std::path::Path;
use std::sync::Arc;

use sealdesk_api::{
    seeded_rng, Category, ManualClock, NewTypedLetter, NewUser, Role, Secrecy, Session, Vault,
};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;

/// A helper binary of this package (`tests/examples/`), built beside the
/// test binary.
pub fn example_bin(name: &str) -> std::path::PathBuf {
    let bin = std::env::current_exe()
        .expect("exe")
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("examples").join(name))
        .expect("examples dir");
    assert!(bin.is_file(), "{} not built", bin.display());
    bin
}

/// 2026-11-27T09:00:00+08:00.
pub const T0: Timestamp = Timestamp::from_unix_secs(1_795_741_200);

pub fn pass(name: &str) -> Passphrase {
    Passphrase::new(format!("pass-of-{name}-0123"))
}

/// A vault with one user per letter-reading role plus admin and auditor.
#[allow(missing_debug_implementations)] // holds a Vault, whose Debug is enough for tests
pub struct World {
    pub vault: Vault,
    pub clock: ManualClock,
    pub recovery_code: String,
    pub _dir: tempfile::TempDir,
}

impl World {
    #[allow(clippy::new_without_default)]
    pub fn new() -> World {
        Self::with_seed(1)
    }

    /// A world whose keys come from another seed (another agency's vault).
    pub fn with_seed(seed: u64) -> World {
        Self::made(seed, sealdesk_tests::pg::wanted())
    }

    /// A world on a new database of the throwaway PostgreSQL server, in any
    /// run (the server tests).
    pub fn on_server(seed: u64) -> World {
        Self::made(seed, true)
    }

    fn made(seed: u64, on_server: bool) -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = ManualClock::at(T0);
        if on_server {
            sealdesk_tests::pg::server_vault_dir(&dir.path().join("vault"));
        }
        let init = Vault::init(
            &dir.path().join("vault"),
            "admin",
            &pass("admin"),
            Arc::new(clock.clone()),
            seeded_rng(seed),
        )
        .expect("init");
        let mut vault = init.vault;
        let mut admin = vault.login("admin", &pass("admin")).expect("admin login");
        for (name, role, unit) in [
            ("clerk", Role::Clerk, Some("秘書室")),
            ("clerk2", Role::Clerk, Some("秘書室")),
            ("supervisor", Role::Supervisor, Some("稅務管理科")),
            ("handler", Role::Handler, Some("稅務管理科")),
            ("auditor", Role::Auditor, Some("政風室")),
        ] {
            vault
                .add_user(
                    &mut admin,
                    &NewUser {
                        name: name.into(),
                        roles: RoleSet::new([role]).expect("roles"),
                        unit: unit.map(Into::into),
                        passphrase: pass(name),
                    },
                )
                .expect("add user");
        }
        World {
            vault,
            clock,
            recovery_code: init.recovery_code.to_printable().to_string(),
            _dir: dir,
        }
    }

    pub fn login(&mut self, name: &str) -> Session {
        self.vault.login(name, &pass(name)).expect("login")
    }

    pub fn dir(&self) -> &Path {
        self.vault.dir()
    }

    /// The clerk registers a letter; returns its id.
    pub fn register(&mut self, body: &str) -> String {
        let mut clerk = self.login("clerk");
        self.register_as(&mut clerk, body)
    }

    /// Registers a letter in an open clerk session (which stays open).
    pub fn register_as(&mut self, clerk: &mut Session, body: &str) -> String {
        self.vault
            .register_typed_letter(
                clerk,
                &NewTypedLetter {
                    subject: "代號:測試案".into(),
                    body: body.into(),
                    category: Category::Whistleblower,
                    secrecy: Secrecy::Until("2027-12-31".into()),
                },
            )
            .expect("register")
            .id
    }
}

impl World {
    /// The clerk routes `letter` to `handler` of 稅務管理科 and its
    /// supervisor approves: the handler holds it for 30 days.
    pub fn route_to_handler(&mut self, letter: &str) {
        let mut clerk = self.login("clerk");
        let req = self
            .vault
            .route(&mut clerk, letter, "稅務管理科", "handler", None, "請辦理")
            .expect("route")
            .id;
        let mut sup = self.login("supervisor");
        self.vault.approve(&mut sup, &req, "同意").expect("approve");
    }

    /// The handler asks for a print of `letter` for themself, the
    /// supervisor approves, and the handler prints it.
    pub fn print_for_handler(&mut self, letter: &str) -> sealdesk_api::PrintJob {
        let mut h = self.login("handler");
        let r = self
            .vault
            .request_copy(
                &mut h,
                letter,
                "handler",
                sealdesk_api::CopyKind::Print,
                "陳報",
            )
            .expect("request a print");
        let mut sup = self.login("supervisor");
        self.vault
            .approve_copy(&mut sup, &r.id, "同意")
            .expect("approve the print");
        self.vault.run_print(&mut h, &r.id).expect("print")
    }

    /// The ledger's reader key granted to `auditor` with the recovery code
    /// (as an agency does for its first auditor).
    pub fn grant_auditor(&mut self) {
        let code = sealdesk_core::crypto::RecoveryCode::parse(&self.recovery_code).expect("code");
        self.vault
            .recover_grant_ledger(&code, "auditor")
            .expect("ledger key via the recovery code");
    }
}
