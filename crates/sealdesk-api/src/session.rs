//! Login, sessions and the idle lock.

use sealdesk_core::crypto::{self, UserPublicKey, UserSecretKey};
use sealdesk_core::domain::{self, Role, RoleSet};
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;
use sealdesk_store::UserRow;
use serde::Serialize;

use crate::ledger::{Action, Event};
use crate::{ApiError, Result, Vault};

/// An unlocked login. Holds the user's private key until it locks.
#[derive(Debug)]
pub struct Session {
    user_id: String,
    name: String,
    key: Option<UserSecretKey>,
    last_active: Timestamp,
}

impl Session {
    pub fn user_name(&self) -> &str {
        &self.name
    }

    pub fn is_locked(&self) -> bool {
        self.key.is_none()
    }

    /// Drops the private key (zeroized). Shells call `Vault::lock`, which
    /// also records the lock.
    pub(crate) fn lock(&mut self) {
        self.key = None;
    }
}

/// The caller of one API call, freshly read from the store.
#[derive(Debug, Clone)]
pub(crate) struct Actor {
    pub id: String,
    pub name: String,
    pub roles: RoleSet,
    pub unit: Option<String>,
    pub public_key: UserPublicKey,
}

impl Actor {
    pub fn require_any(&self, roles: &[Role], what: &str) -> Result<()> {
        if roles.iter().any(|r| self.roles.contains(*r)) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Denied(format!(
                "{what} needs one of the roles {}",
                names.join(", ")
            )))
        }
    }
}

/// Who is logged in, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Me {
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: Option<String>,
    pub idle_timeout_secs: i64,
}

pub(crate) fn parse_roles(row: &UserRow) -> Result<RoleSet> {
    RoleSet::parse_list(&row.roles)
        .map_err(|e| ApiError::Integrity(format!("roles of {}: {e}", row.name)))
}

impl Vault {
    /// Unlocks a user's private key with their passphrase.
    ///
    /// Wrong passphrases are kept (`login_failures` and the ledger) and, after
    /// three, each further attempt waits twice as long as the last. An unknown
    /// name costs the same Argon2id work as a known one, so timing does not
    /// tell which names exist.
    pub fn login(&mut self, name: &str, passphrase: &Passphrase) -> Result<Session> {
        let now = self.now();
        let row = self.store.read(|db| db.user_by_name(name))?;
        let failed = |why: &str| Event::new(name, None, Action::LoginFailed).denied(why);
        let Some(row) = row else {
            // Spend the same work as a real attempt; the result is discarded.
            let _ = crypto::open_user_secret_key(&decoy_sealed_key(), passphrase, name);
            self.store
                .write(|db| db.record_login_failure(name, now.unix_millis()))?;
            return self.deny(failed("unknown user name"), ApiError::BadCredentials);
        };
        if let Some(last) = row.last_failed_at {
            let allowed = domain::next_login_allowed_at(
                u32::try_from(row.failed_logins).unwrap_or(u32::MAX),
                Timestamp::from_unix_millis(last),
            );
            if now < allowed {
                let retry_after_secs = (allowed.unix_millis() - now.unix_millis() + 999) / 1000;
                return self.deny(
                    failed("throttled"),
                    ApiError::Throttled { retry_after_secs },
                );
            }
        }
        let key = match crypto::open_user_secret_key(&row.sealed_secret_key, passphrase, &row.id) {
            Ok(k) => k,
            Err(_) => {
                self.store
                    .write(|db| db.record_login_failure(name, now.unix_millis()))?;
                return self.deny(failed("wrong passphrase"), ApiError::BadCredentials);
            }
        };
        // The passphrase was right; only now say that the account is off, so
        // that a guesser learns nothing about disabled accounts.
        if row.disabled {
            return self.deny(failed("account disabled"), ApiError::UserDisabled);
        }
        if key.public_key().as_bytes().as_slice() != row.public_key.as_slice() {
            return Err(ApiError::Integrity(
                "account key pair does not match".into(),
            ));
        }
        if row.failed_logins > 0 {
            self.store.write(|db| db.reset_login_failures(&row.id))?;
        }
        let roles = parse_roles(&row)?;
        self.record(
            Event::new(&row.name, roles.iter().next(), Action::Login),
            Some((&row.id, &key)),
        )?;
        Ok(Session {
            user_id: row.id,
            name: row.name,
            key: Some(key),
            last_active: now,
        })
    }

    /// Starts every call made for a person: enforces the idle lock, re-reads
    /// the account and refreshes the activity time when `activity` is true.
    pub(crate) fn begin(&mut self, session: &mut Session, activity: bool) -> Result<Actor> {
        self.sweep_lapsed()?;
        let now = self.now();
        if session.key.is_none() {
            return Err(ApiError::Locked);
        }
        let idle = self.idle_timeout_secs()?;
        if now.secs_since(session.last_active) >= idle {
            self.lock_with(session, "idle");
            return Err(ApiError::Locked);
        }
        let row = self
            .store
            .read(|db| db.user_by_id(&session.user_id))?
            .ok_or(ApiError::Locked)?;
        if row.disabled {
            self.lock_with(session, "account disabled");
            return Err(ApiError::UserDisabled);
        }
        let roles = parse_roles(&row)?;
        let public_key = UserPublicKey::from_slice(&row.public_key)
            .ok_or_else(|| ApiError::Integrity("public key malformed".into()))?;
        // An admin reset replaced the key pair: this session's key is stale.
        if session.key.as_ref().map(|k| k.public_key()) != Some(public_key) {
            session.lock();
            return Err(ApiError::Locked);
        }
        if activity {
            session.last_active = now;
        }
        Ok(Actor {
            id: row.id,
            name: row.name,
            roles,
            unit: row.unit,
            public_key,
        })
    }

    /// The session's private key, after `begin` has checked it.
    pub(crate) fn session_key<'s>(&self, session: &'s Session) -> Result<&'s UserSecretKey> {
        session.key.as_ref().ok_or(ApiError::Locked)
    }

    /// Who is logged in. Does not count as activity, so that a UI polling it
    /// does not keep an unattended session open.
    pub fn whoami(&mut self, session: &mut Session) -> Result<Me> {
        let actor = self.begin(session, false)?;
        Ok(Me {
            name: actor.name,
            roles: actor.roles.iter().collect(),
            unit: actor.unit,
            idle_timeout_secs: self.idle_timeout_secs()?,
        })
    }

    /// Locks on demand: records the lock, signs a checkpoint at the ledger's
    /// head, and drops the private key. Locking itself never fails.
    pub fn lock(&mut self, session: &mut Session) {
        self.lock_with(session, "on demand");
    }

    fn lock_with(&mut self, session: &mut Session, why: &str) {
        if let Some(key) = session.key.take() {
            let ev = Event::new(&session.name, None, Action::Lock).detail(why);
            if let Err(e) = self.record(ev, Some((&session.user_id, &key))) {
                tracing::error!(error = %e, "could not record a lock");
            }
            if let Err(e) = self.checkpoint_now(&session.user_id, &key) {
                tracing::error!(error = %e, "could not sign a checkpoint at lock");
            }
        }
    }

    /// Changes the caller's passphrase: re-seals only the private key.
    pub fn change_passphrase(
        &mut self,
        session: &mut Session,
        old: &Passphrase,
        new: &Passphrase,
    ) -> Result<()> {
        let actor = self.begin(session, true)?;
        domain::check_new_passphrase(new.expose())?;
        let row = self
            .store
            .read(|db| db.user_by_id(&actor.id))?
            .ok_or(ApiError::Locked)?;
        let key = match crypto::open_user_secret_key(&row.sealed_secret_key, old, &row.id) {
            Ok(k) => k,
            Err(_) => {
                let ev = Event::new(&actor.name, None, Action::UserAdmin);
                return self.deny(ev, ApiError::BadCredentials);
            }
        };
        // Keep the stored cost, but never below today's floor.
        let stored = crypto::sealed_user_key_params(&row.sealed_secret_key)
            .unwrap_or(crypto::KdfParams::DEFAULT);
        let params = crypto::KdfParams {
            m_kib: stored.m_kib.max(crypto::KdfParams::DEFAULT.m_kib),
            t: stored.t.max(crypto::KdfParams::DEFAULT.t),
            p: stored.p.max(1),
        };
        let sealed = crypto::seal_user_secret_key(&key, new, &params, &row.id, &mut self.rng)
            .map_err(ApiError::from_crypto("sealing the private key"))?;
        self.store
            .write(|db| db.set_user_keys(&row.id, &row.public_key, &sealed))?;
        self.record(
            Event::new(&actor.name, None, Action::UserAdmin).detail("changed own passphrase"),
            Some((&actor.id, &key)),
        )?;
        Ok(())
    }
}

/// A well-formed sealed key that no passphrase opens, for the unknown-user
/// path of `login` (same Argon2id cost as a real one).
fn decoy_sealed_key() -> Vec<u8> {
    let p = crypto::KdfParams::DEFAULT;
    let mut v = vec![crypto::USER_KEY_V1];
    v.extend_from_slice(&p.m_kib.to_be_bytes());
    v.extend_from_slice(&p.t.to_be_bytes());
    v.extend_from_slice(&p.p.to_be_bytes());
    v.extend_from_slice(&[0u8; 16 + 12 + 48]);
    v
}
