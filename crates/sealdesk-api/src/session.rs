//! Login, sessions and the idle lock.

use sealdesk_core::crypto::{self, UserSecretKey};
use sealdesk_core::domain::{self, Role, RoleSet};
use sealdesk_core::secret::Passphrase;
use sealdesk_core::Timestamp;
use sealdesk_store::UserRow;
use serde::Serialize;

use crate::actor::Actor;
use crate::ledger::{actor_of, Action, Ctx, Event};
use crate::{ApiError, Result, Vault};
use sealdesk_core::directory::Change;

/// An unlocked login. Holds the user's private key until it locks.
#[derive(Debug)]
pub struct Session {
    user_id: String,
    name: String,
    /// Random per login: the ledger entries this session writes carry it,
    /// and its attestations list them.
    session_id: [u8; 16],
    key: Option<UserSecretKey>,
    last_active: Timestamp,
    warnings: Vec<String>,
    /// Ledger entries this login verified (the rest this process, or this
    /// desk's sealed state, had verified before).
    verified_at_login: u64,
}

impl Session {
    /// How many ledger entries the login verified: all of them on a desk's
    /// first login, only those appended since on later ones.
    pub fn entries_verified_at_login(&self) -> u64 {
        self.verified_at_login
    }

    pub fn user_name(&self) -> &str {
        &self.name
    }

    /// Integrity warnings found at login (a ledger shorter than, or forked
    /// from, what this desk saw last). Shells show them to the user.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn is_locked(&self) -> bool {
        self.key.is_none()
    }
}

/// Who is logged in, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Me {
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: Option<String>,
    pub idle_timeout_secs: i64,
    /// Integrity warnings found at login (see [`Session::warnings`]).
    pub warnings: Vec<String>,
}

pub(crate) fn parse_roles(row: &UserRow) -> Result<RoleSet> {
    RoleSet::parse_list(&row.roles)
        .map_err(|e| ApiError::Integrity(format!("roles of {}: {e}", row.name)))
}

/// The throttling bucket of a name that is no account: 16 bits of a hash
/// salted with the vault id. A passphrase typed into the name field is not
/// kept; 16 bits of its hash tell nothing useful about it.
fn unknown_bucket(vault_id: &str, name: &str) -> u16 {
    let mut m = b"sealdesk.throttle.v1\0".to_vec();
    m.extend_from_slice(vault_id.as_bytes());
    m.push(0);
    m.extend_from_slice(name.as_bytes());
    let h = crypto::sha256(&m);
    u16::from_be_bytes([h[0], h[1]])
}

/// Seconds to wait before the next attempt, if it must wait.
fn throttled(failures: i64, last: Option<i64>, now: Timestamp) -> Option<i64> {
    let last = last?;
    let allowed = domain::next_login_allowed_at(
        u32::try_from(failures).unwrap_or(u32::MAX),
        Timestamp::from_unix_millis(last),
    );
    (now < allowed).then(|| (allowed.unix_millis() - now.unix_millis() + 999) / 1000)
}

impl Vault {
    /// Unlocks a user's private key with their passphrase.
    ///
    /// Wrong passphrases are kept (`login_failures` and the ledger) and, after
    /// three, each further attempt waits twice as long as the last — for a
    /// name that is no account too, so the login screen does not tell which
    /// names exist. An unknown name costs the same Argon2id work as a known
    /// one. A sealed key whose cost header is outside the bounds Sealdesk
    /// writes, or whose pinned root is not this vault's, is an integrity
    /// failure (not counted as a wrong passphrase). The account must be in
    /// the certified directory, its row must match its certificate, and the
    /// ledger must extend what this desk saw last (else a warning).
    pub fn login(&mut self, name: &str, passphrase: &Passphrase) -> Result<Session> {
        self.ctx = None;
        let now = self.now();
        let vault_id = self.genesis()?.genesis.vault_id;
        let row = self.store.read(|db| db.user_by_name(name))?;
        let Some(row) = row else {
            let bucket = unknown_bucket(&vault_id, name);
            let failed = |why: &str| Event::new(None, Action::LoginFailed).denied(why);
            // One decision per attempt, across processes: the check and the
            // count are one write transaction, before any Argon2 work.
            let decided = self.store.write(|db| {
                let fails = db.unknown_failures(bucket)?;
                if let Some((n, last)) = fails {
                    if let Some(wait) = throttled(n, Some(last), now) {
                        return Ok::<_, ApiError>(Some(wait));
                    }
                }
                db.record_unknown_failure(bucket, now.unix_millis())?;
                Ok(None)
            })?;
            if let Some(retry_after_secs) = decided {
                return self.deny(
                    failed("throttled"),
                    ApiError::Throttled { retry_after_secs },
                );
            }
            // Spend the same work as a real attempt; the result is discarded.
            let _ = crypto::open_user_secret_key(&decoy_sealed_key(), passphrase, name);
            return self.deny(failed("unknown user name"), ApiError::BadCredentials);
        };
        // A failed login names no one: nothing authenticates it, and anyone
        // could write one (T10).
        let failed = |why: &str| Event::new(None, Action::LoginFailed).denied(why);
        // A sealed key no passphrase could open (another format, another
        // length, costs outside the bounds) was altered: integrity, not a
        // wrong passphrase, and not counted.
        match crypto::sealed_user_key_params(&row.sealed_secret_key) {
            Ok(p) if p.within_bounds() => {}
            Ok(_) => {
                return self.deny(
                    failed("sealed key header altered"),
                    ApiError::Integrity(format!(
                        "the sealed key of {name} asks for key-derivation costs outside {}..{} MiB, {}..{} passes: the row was altered",
                        crypto::KdfParams::FLOOR.m_kib / 1024,
                        crypto::KdfParams::CEILING.m_kib / 1024,
                        crypto::KdfParams::FLOOR.t,
                        crypto::KdfParams::CEILING.t
                    )),
                );
            }
            Err(crypto::CryptoError::UnsupportedVersion(v)) => {
                return self.deny(
                    failed("sealed key of another format"),
                    ApiError::Integrity(format!(
                        "the sealed key of {name} has format {v}, which this Sealdesk does not open (a vault from before the vault root, or an altered row)"
                    )),
                );
            }
            Err(_) => {
                return self.deny(
                    failed("sealed key malformed"),
                    ApiError::Integrity(format!(
                        "the sealed key of {name} is {} bytes, not the {} its format has: the row was altered",
                        row.sealed_secret_key.len(),
                        crypto::SEALED_USER_KEY_LEN
                    )),
                );
            }
        }
        // One decision per attempt, across processes: the attempt is
        // counted as a failure in the same write transaction that checks
        // the throttle (so parallel tries each see the ones before), and a
        // right passphrase takes it back.
        let decided = self.store.write(|db| {
            let (n, last) = db.login_failure_state(&row.id)?;
            if let Some(wait) = throttled(n, last, now) {
                return Ok::<_, ApiError>(Err(wait));
            }
            Ok(Ok(db.record_login_failure(&row.id, now.unix_millis())?))
        })?;
        let attempt = match decided {
            Ok(attempt) => attempt,
            Err(retry_after_secs) => {
                return self.deny(
                    failed("throttled"),
                    ApiError::Throttled { retry_after_secs },
                );
            }
        };
        let opened = match crypto::open_user_secret_key(&row.sealed_secret_key, passphrase, &row.id)
        {
            Ok(k) => k,
            Err(crypto::CryptoError::Decrypt) => {
                return self.deny(failed("wrong passphrase"), ApiError::BadCredentials);
            }
            Err(e) => {
                return self.deny(
                    failed("sealed key refused"),
                    ApiError::Integrity(format!("the sealed key of {name} was refused: {e}")),
                );
            }
        };
        // The passphrase was right: the attempt was not a failure.
        self.store
            .write(|db| db.take_back_login_failure(&row.id, attempt))?;
        let genesis_hash = self.genesis()?.hash();
        if opened.genesis_hash != genesis_hash {
            // Not recorded: this genesis's ledger key is not to be trusted.
            return Err(ApiError::Integrity(
                "this vault's root is not the one your key was sealed under: the vault file was altered (its recovery, ledger or root keys were replaced)".into(),
            ));
        }
        let key = opened.key;
        self.load_desk_state(&row.id, &key)?;
        let verified_before = self.fold.as_ref().map_or(0, |f| f.seq);
        let checked = match self.refresh_directory() {
            Ok(_) => self.check_row(&row),
            Err(e) => Err(e),
        };
        let cert = match checked {
            Ok(c) => c,
            Err(e) => return self.deny(failed("directory check failed"), e),
        };
        // A passphrase change pinned the sealed key: an older one put back
        // (with the passphrase it was sealed under) is refused.
        let pinned = self
            .directory()?
            .sealed_key_hash(&row.id)
            .map(str::to_owned);
        if let Some(pinned) = pinned {
            if hex::encode(crypto::sha256(&row.sealed_secret_key)) != pinned {
                return self.deny(
                    failed("sealed key not the pinned one"),
                    ApiError::Integrity(format!(
                        "the sealed key of {name} is not the one its last passphrase change pinned: an older copy was put back"
                    )),
                );
            }
        }
        // The passphrase was right; only now say that the account is off, so
        // that a guesser learns nothing about disabled accounts.
        if cert.disabled {
            return self.deny(failed("account disabled"), ApiError::UserDisabled);
        }
        if key.public_key().0 != cert.encryption_key {
            return self.deny(
                failed("key pair does not match its certificate"),
                ApiError::Integrity("account key pair does not match its certificate".into()),
            );
        }
        let verified_at_login = self
            .fold
            .as_ref()
            .map_or(0, |f| f.seq.saturating_sub(verified_before));
        let roles = cert
            .role_set()
            .ok_or_else(|| ApiError::Integrity(format!("roles of {name}")))?;
        // A desk that saw a longer ledger than the server now holds refuses
        // a server vault outright (a restored backup or a forked log: every
        // desk would otherwise go on writing on the cut-back history); a
        // SQLite file is one desk's own, and is only warned about.
        let witness_warning = self.check_witness(&row.id)?;
        if let Some(w) = &witness_warning {
            if self.store.backend() == sealdesk_store::Backend::Postgres {
                return Err(ApiError::Integrity(format!(
                    "{w}: the server's ledger no longer extends what this desk verified (a restored backup or a forked log). This desk refuses the server and wrote nothing; tell the auditor (政風). This desk's record is kept as evidence."
                )));
            }
        }
        let mut session_id = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut self.rng, &mut session_id);
        self.ctx = Some(Ctx {
            actor: actor_of(&row.id),
            name: row.name.clone(),
            session: session_id,
            signing: key.user_signing_key(),
        });
        let mut warnings = Vec::new();
        if let Some(w) = witness_warning {
            self.record(
                Event::new(roles.iter().next(), Action::IntegrityWarning).detail(w.clone()),
            )?;
            warnings.push(w);
        }
        self.record(Event::new(roles.iter().next(), Action::Login))?;
        if warnings.is_empty() {
            self.write_witness(&row.id)?;
        }
        if let Err(e) = self.save_desk_state(&row.id, &key) {
            tracing::warn!(error = %e, "could not keep this desk's verified state");
        }
        // What this clerk was drafting when they were locked out.
        self.restore_drafts_of(&row.id, &key);
        Ok(Session {
            user_id: row.id,
            name: row.name,
            session_id,
            key: Some(key),
            last_active: now,
            warnings,
            verified_at_login,
        })
    }

    fn set_ctx(&mut self, session: &Session) {
        self.ctx = session.key.as_ref().map(|k| Ctx {
            actor: actor_of(&session.user_id),
            name: session.name.clone(),
            session: session.session_id,
            signing: k.user_signing_key(),
        });
    }

    /// Starts every call made for a person: enforces the idle lock, folds
    /// the directory forward, checks the account against its certificate
    /// and refreshes the activity time when `activity` is true. Roles and
    /// unit come from the certificate, never from a raw row.
    pub(crate) fn begin(&mut self, session: &mut Session, activity: bool) -> Result<Actor> {
        let now = self.now();
        if session.key.is_none() {
            return Err(ApiError::Locked);
        }
        self.set_ctx(session);
        let idle = self.idle_timeout_secs()?;
        if now.secs_since(session.last_active) >= idle {
            self.lock_with(session, "idle");
            return Err(ApiError::Locked);
        }
        self.refresh_directory()?;
        // The account is certified (it logged in): its row gone or moved
        // is an altered file, not a reason to just lock.
        let row = self
            .store
            .read(|db| db.user_by_id(&session.user_id))?
            .ok_or_else(|| {
                ApiError::Integrity(format!(
                    "the stored row of certified account {} is missing",
                    session.name
                ))
            })?;
        let cert = self.cert(&row.id)?;
        if cert.disabled {
            self.lock_with(session, "account disabled");
            return Err(ApiError::UserDisabled);
        }
        // An admin reset replaced the key pair: this session's key is stale.
        if session.key.as_ref().map(|k| k.public_key().0) != Some(cert.encryption_key) {
            self.lock_with(session, "key pair replaced");
            return Err(ApiError::Locked);
        }
        self.check_row(&row)?;
        let roles = cert
            .role_set()
            .ok_or_else(|| ApiError::Integrity(format!("roles of {}", cert.name)))?;
        self.sweep_lapsed()?;
        if activity {
            session.last_active = now;
        }
        Ok(Actor {
            id: cert.id.clone(),
            name: cert.name.clone(),
            roles,
            unit: cert.unit.clone(),
            public_key: cert.encryption_public_key(),
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
            warnings: session.warnings.clone(),
        })
    }

    /// The person is at the desk (typing, reading, scrolling): counts as
    /// activity for the idle lock, like any other call, without recording
    /// anything. A locked session stays locked.
    pub fn keep_alive(&mut self, session: &mut Session) -> Result<()> {
        self.begin(session, true).map(|_| ())
    }

    /// Locks on demand: records the lock, signs a checkpoint at the ledger's
    /// head, and drops the private key. Locking itself never fails.
    pub fn lock(&mut self, session: &mut Session) {
        self.lock_with(session, "on demand");
    }

    /// Records the lock, attests the session's entries with the account's
    /// own key, remembers the head for this desk, and drops the key.
    fn lock_with(&mut self, session: &mut Session, why: &str) {
        if session.key.is_some() {
            self.set_ctx(session);
            let ev = Event::new(None, Action::Lock).detail(why);
            if let Err(e) = self.record(ev) {
                tracing::error!(error = %e, "could not record a lock");
            }
            if let Err(e) = self.attest_now() {
                tracing::error!(error = %e, "could not attest at lock");
            }
            // A desk that warned at login keeps the head it saw before, as
            // evidence, until someone looks into it.
            if session.warnings.is_empty() {
                if let Err(e) = self.write_witness(&session.user_id) {
                    tracing::error!(error = %e, "could not keep this desk's witness");
                }
            }
            if let Some(key) = session.key.as_ref() {
                if let Err(e) = self.save_desk_state(&session.user_id, key) {
                    tracing::warn!(error = %e, "could not keep this desk's verified state");
                }
            }
            self.pending.remove(&session.session_id);
            // Drafts outlive the lock sealed to the clerk's own key: the
            // next login of that clerk opens them; nobody else can.
            match session.key.as_ref() {
                Some(key) => {
                    let key = key.clone();
                    self.seal_drafts_of(&session.user_id, &key);
                }
                None => self.drop_drafts_of(&session.user_id),
            }
            self.ctx = None;
            session.key = None;
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
            Ok(k) if k.genesis_hash == self.genesis()?.hash() => k.key,
            Ok(_) => return Err(ApiError::Integrity("vault root replaced".into())),
            Err(_) => {
                let ev = Event::new(None, Action::UserAdmin);
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
        let genesis_hash = self.genesis()?.hash();
        let sealed =
            crypto::seal_user_secret_key(&key, &genesis_hash, new, &params, &row.id, &mut self.rng)
                .map_err(ApiError::from_crypto("sealing the private key"))?;
        // The new sealed key is pinned by a statement the account signs, so
        // that putting the old one back does not let the old passphrase in.
        let st = self.statement(
            &actor.id,
            Change::SealedKey {
                user: actor.id.clone(),
                sealed_hash: crypto::sha256(&sealed),
            },
        )?;
        let signing = key.user_signing_key();
        let ev = Event::new(None, Action::UserAdmin).detail("changed own passphrase");
        self.commit_recorded(|db, ap| {
            db.set_user_keys(&row.id, &row.public_key, &sealed)?;
            ap.directory(db, &st, &signing)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }
}

/// A well-formed sealed key that no passphrase opens, for the unknown-user
/// path of `login` (same Argon2id cost as a real one).
fn decoy_sealed_key() -> Vec<u8> {
    let p = crypto::KdfParams::DEFAULT;
    let mut v = vec![crypto::USER_KEY_V2];
    v.extend_from_slice(&p.m_kib.to_be_bytes());
    v.extend_from_slice(&p.t.to_be_bytes());
    v.extend_from_slice(&p.p.to_be_bytes());
    v.extend_from_slice(&[0u8; 16 + 12 + 64 + 16]);
    v
}
