//! Scenario tests: the API driven as users drive it, and the vault file read
//! as an attacker who copied it would (threat-model rows named per test).

mod copies;
mod desk;
mod desk_state;
mod edges;
mod key_model;
mod ledger;
mod ledger_attacks;
mod plaintext_scan;
mod routing;
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

/// The vault file opened directly, as a writer of it would (no API).
pub fn raw(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(sealdesk_store::DB_FILE)).expect("raw open")
}

/// [`raw`], with the ledger's append-only triggers dropped (anyone with
/// write access to the file can do that; `IF EXISTS` because some tests
/// open the file more than once).
pub fn raw_ledger(dir: &Path) -> rusqlite::Connection {
    let db = raw(dir);
    db.execute_batch(
        "DROP TRIGGER IF EXISTS ledger_no_update; DROP TRIGGER IF EXISTS ledger_no_delete;",
    )
    .expect("drop triggers");
    db
}

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

/// An account's id, read from the file.
pub fn user_id(db: &rusqlite::Connection, name: &str) -> String {
    db.query_row("SELECT id FROM users WHERE name = ?1", [name], |r| r.get(0))
        .expect("user id")
}

/// 2026-11-27T09:00:00+08:00.
pub const T0: Timestamp = Timestamp::from_unix_secs(1_795_741_200);

pub fn pass(name: &str) -> Passphrase {
    Passphrase::new(format!("pass-of-{name}-0123"))
}

/// What a user who knows their own passphrase can take from a copy of the
/// vault file: their account id and their own private key, opened straight
/// from the `users` row (not through the API).
pub fn own_key_from_file(
    db: &rusqlite::Connection,
    user: &str,
) -> (String, sealdesk_core::crypto::UserSecretKey) {
    let (id, sealed): (String, Vec<u8>) = db
        .query_row(
            "SELECT id, sealed_secret_key FROM users WHERE name = ?1",
            [user],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("user row");
    let own = sealdesk_core::crypto::open_user_secret_key(&sealed, &pass(user), &id)
        .expect("own key opens with own passphrase")
        .key;
    (id, own)
}

/// Every wrapped data key in the file, as `(key id, purpose, wrap)`.
pub fn all_key_wraps(db: &rusqlite::Connection) -> Vec<(String, String, Vec<u8>)> {
    let mut st = db
        .prepare("SELECT w.key_id, k.purpose, w.wrapped FROM key_wraps w JOIN data_keys k ON k.id = w.key_id")
        .expect("prepare");
    let wraps = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    wraps
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
        let dir = tempfile::tempdir().expect("tempdir");
        let clock = ManualClock::at(T0);
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
