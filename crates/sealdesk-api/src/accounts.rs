//! Accounts and roles. The admin manages accounts but is given no data keys.

use sealdesk_core::crypto::{self, KdfParams, SigningKey, UserSecretKey};
use sealdesk_core::directory::{Change, UserCert, SETTING_IDLE_TIMEOUT, SETTING_MAX_ACCESS_DAYS};
use sealdesk_core::domain::{self, Role, RoleSet};
use sealdesk_core::secret::Passphrase;
use sealdesk_store::UserRow;
use serde::Serialize;

use crate::actor::Actor;
use crate::desk::Settings;
use crate::ledger::{Action, Event};
use crate::session::parse_roles;
use crate::{ApiError, Result, Session, Vault, MAX_ACCESS_DAYS};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub name: String,
    pub roles: RoleSet,
    pub unit: Option<String>,
    pub passphrase: Passphrase,
}

/// An account as listed (no key material).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    pub name: String,
    pub roles: Vec<Role>,
    pub unit: Option<String>,
    pub disabled: bool,
    /// Creation time, UTC milliseconds.
    pub created_at: i64,
    /// Wrong passphrases since the last successful login.
    pub failed_logins: i64,
}

impl UserInfo {
    fn from_row(row: &UserRow) -> Result<Self> {
        Ok(Self {
            name: row.name.clone(),
            roles: parse_roles(row)?.iter().collect(),
            unit: row.unit.clone(),
            disabled: row.disabled,
            created_at: row.created_at,
            failed_logins: row.failed_logins,
        })
    }
}

impl Vault {
    /// Creates the account: a key pair, its certificate signed by `issuer`
    /// (the root for the first administrator, else an administrator), its
    /// private key sealed under its passphrase and the vault's genesis hash.
    /// The row, the directory statement and `ev` commit together.
    pub(crate) fn create_user(
        &mut self,
        new: &NewUser,
        issuer: (&str, &SigningKey),
        ev: Event,
    ) -> Result<UserInfo> {
        domain::check_user_name(&new.name)?;
        domain::check_new_passphrase(new.passphrase.expose())?;
        if let Some(unit) = &new.unit {
            domain::check_unit(unit)?;
        }
        // Routing needs to know whose unit a letter goes to.
        if new.unit.is_none()
            && (new.roles.contains(Role::Supervisor) || new.roles.contains(Role::Handler))
        {
            return Err(ApiError::BadInput(
                "a supervisor or handler needs a unit (--unit)".into(),
            ));
        }
        if self.directory()?.user_by_name(&new.name).is_some() {
            return Err(ApiError::Store(sealdesk_store::StoreError::Duplicate(
                "user name",
            )));
        }
        let id = self.make_id();
        let key = UserSecretKey::make(&mut self.rng);
        let genesis_hash = self.genesis()?.hash();
        let sealed = crypto::seal_user_secret_key(
            &key,
            &genesis_hash,
            &new.passphrase,
            &KdfParams::DEFAULT,
            &id,
            &mut self.rng,
        )
        .map_err(ApiError::from_crypto("sealing the private key"))?;
        let cert = UserCert {
            id: id.clone(),
            name: new.name.clone(),
            roles: new.roles.to_list(),
            unit: new.unit.as_ref().map(|u| u.trim().to_owned()),
            disabled: false,
            encryption_key: key.public_key().0,
            signing_key: key.user_signing_key().verifying_key().0,
        };
        let row = UserRow {
            id,
            name: cert.name.clone(),
            unit: cert.unit.clone(),
            roles: cert.roles.clone(),
            public_key: cert.encryption_key.to_vec(),
            sealed_secret_key: sealed,
            disabled: false,
            created_at: self.now().unix_millis(),
            failed_logins: 0,
            last_failed_at: None,
        };
        let st = self.statement(issuer.0, Change::User { cert })?;
        self.commit_recorded(|db, ap| {
            db.insert_user(&row)?;
            ap.directory(db, &st, issuer.1)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        UserInfo::from_row(&row)
    }

    /// The calling administrator's signing key.
    fn admin_key(&self, session: &Session) -> Result<SigningKey> {
        Ok(self.session_key(session)?.user_signing_key())
    }

    fn admin_event(&self, detail: String) -> Event {
        Event::new(Some(Role::Admin), Action::UserAdmin).detail(detail)
    }

    /// Admin: creates an account with its own key pair.
    pub fn add_user(&mut self, session: &mut Session, new: &NewUser) -> Result<UserInfo> {
        let actor = self.begin_as(session, &[Role::Admin], Action::UserAdmin, "adding a user")?;
        let key = self.admin_key(session)?;
        let ev = self.admin_event(format!(
            "added {} ({}, unit {})",
            new.name,
            new.roles.to_list(),
            new.unit.as_deref().unwrap_or("-")
        ));
        self.create_user(new, (&actor.id, &key), ev)
    }

    /// Admin and auditor (account reviews): every account, each checked
    /// against its certificate.
    pub fn list_users(&mut self, session: &mut Session) -> Result<Vec<UserInfo>> {
        let _actor = self.begin_as(
            session,
            &[Role::Admin, Role::Auditor],
            Action::UserAdmin,
            "listing users",
        )?;
        // Every stored row must be certified and match its certificate, and
        // every certified account must have its row.
        let rows = self.store.read(|db| db.list_users())?;
        for row in &rows {
            self.check_row(row)?;
        }
        let certs: Vec<String> = self.directory()?.users().map(|c| c.id.clone()).collect();
        let mut out = Vec::new();
        for id in certs {
            self.check_id(&id)?;
            let row = rows
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| ApiError::Integrity(format!("account {id} has no row")))?;
            let mut info = UserInfo::from_row(row)?;
            // When the account was made is its first certificate's time,
            // not a column anyone could edit.
            if let Some(since) = self.directory()?.certified_since(&id) {
                info.created_at = since;
            }
            out.push(info);
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn user_row(&self, name: &str) -> Result<UserRow> {
        self.store
            .read(|db| db.user_by_name(name))?
            .ok_or_else(|| ApiError::NotFound(format!("user {name}")))
    }

    /// Signs a new certificate for an account and commits it with the row
    /// change and the admin's entry.
    fn recertify(
        &mut self,
        session: &Session,
        actor: &Actor,
        cert: UserCert,
        row_change: impl FnOnce(&sealdesk_store::Db<'_>) -> Result<()>,
        detail: String,
    ) -> Result<()> {
        let key = self.admin_key(session)?;
        let st = self.statement(&actor.id, Change::User { cert })?;
        let ev = self.admin_event(detail);
        self.commit_recorded(|db, ap| {
            row_change(db)?;
            ap.directory(db, &st, &key)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// Admin: disables or re-enables an account. Takes effect on the user's
    /// next call, even in an open session.
    pub fn set_user_disabled(
        &mut self,
        session: &mut Session,
        name: &str,
        disabled: bool,
    ) -> Result<UserInfo> {
        let actor = self.begin_as(
            session,
            &[Role::Admin],
            Action::UserAdmin,
            "disabling a user",
        )?;
        let mut row = self.user_row(name)?;
        let mut cert = self.check_row(&row)?;
        if row.id == actor.id {
            return Err(ApiError::Denied(
                "an administrator cannot disable their own account".into(),
            ));
        }
        cert.disabled = disabled;
        let id = row.id.clone();
        self.recertify(
            session,
            &actor,
            cert,
            |db| Ok(db.set_user_disabled(&id, disabled)?),
            format!("{} {name}", if disabled { "disabled" } else { "enabled" }),
        )?;
        row.disabled = disabled;
        UserInfo::from_row(&row)
    }

    /// Admin: changes a user's roles and unit. A signed statement like any
    /// account change; an administrator cannot remove their own admin role
    /// (the vault would be left without one who can act).
    pub fn set_user_roles(
        &mut self,
        session: &mut Session,
        name: &str,
        roles: &RoleSet,
        unit: Option<&str>,
    ) -> Result<UserInfo> {
        let actor = self.begin_as(
            session,
            &[Role::Admin],
            Action::UserAdmin,
            "changing a user's roles",
        )?;
        let unit = unit.map(str::trim).filter(|u| !u.is_empty());
        if roles
            .iter()
            .any(|r| matches!(r, Role::Supervisor | Role::Handler))
            && unit.is_none()
        {
            return Err(ApiError::BadInput(
                "supervisors and handlers belong to a unit".into(),
            ));
        }
        let mut row = self.user_row(name)?;
        let mut cert = self.check_row(&row)?;
        if row.id == actor.id && !roles.contains(Role::Admin) {
            return Err(ApiError::Denied(
                "an administrator cannot remove their own admin role".into(),
            ));
        }
        let list = roles.to_list();
        cert.roles = list.clone();
        cert.unit = unit.map(str::to_owned);
        let id = row.id.clone();
        self.recertify(
            session,
            &actor,
            cert,
            |db| Ok(db.set_user_roles(&id, &list, unit)?),
            format!(
                "roles of {name} set to {list} (unit {})",
                unit.unwrap_or("-")
            ),
        )?;
        row.roles = list;
        row.unit = unit.map(str::to_owned);
        UserInfo::from_row(&row)
    }

    /// Admin: the settings as certified.
    pub fn settings(&mut self, session: &mut Session) -> Result<Settings> {
        let _actor = self.begin_as(
            session,
            &[Role::Admin],
            Action::UserAdmin,
            "reading the settings",
        )?;
        Ok(Settings {
            idle_timeout_secs: self.idle_timeout_secs()?,
            max_access_days: self.max_access_days()?,
        })
    }

    /// Admin: sets the longest access an approval may grant (1 to
    /// [`MAX_ACCESS_DAYS`] days). A signed setting, like the idle time.
    pub fn set_max_access_days(&mut self, session: &mut Session, days: i64) -> Result<()> {
        let actor = self.begin_as(
            session,
            &[Role::Admin],
            Action::UserAdmin,
            "changing the access period limit",
        )?;
        if !(1..=MAX_ACCESS_DAYS).contains(&days) {
            return Err(ApiError::BadInput(format!(
                "the access period limit must be between 1 and {MAX_ACCESS_DAYS} days"
            )));
        }
        let key = self.admin_key(session)?;
        let st = self.statement(
            &actor.id,
            Change::Setting {
                key: SETTING_MAX_ACCESS_DAYS.into(),
                value: days,
            },
        )?;
        let ev = self.admin_event(format!("access period limit set to {days} days"));
        self.commit_recorded(|db, ap| {
            ap.directory(db, &st, &key)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// Admin: gives a user who forgot their passphrase a new key pair and
    /// passphrase. The admin never learns the old key, so every wrap to it is
    /// dropped: the user must be granted their letters again (by a clerk, a
    /// supervisor, or the recovery key), and an auditor their ledger key.
    /// Returns how many letter grants were dropped.
    pub fn reset_user(
        &mut self,
        session: &mut Session,
        name: &str,
        passphrase: &Passphrase,
    ) -> Result<usize> {
        let actor = self.begin_as(
            session,
            &[Role::Admin],
            Action::UserAdmin,
            "resetting a user",
        )?;
        domain::check_new_passphrase(passphrase.expose())?;
        let row = self.user_row(name)?;
        let mut cert = self.check_row(&row)?;
        let key = UserSecretKey::make(&mut self.rng);
        let genesis_hash = self.genesis()?.hash();
        let sealed = crypto::seal_user_secret_key(
            &key,
            &genesis_hash,
            passphrase,
            &KdfParams::DEFAULT,
            &row.id,
            &mut self.rng,
        )
        .map_err(ApiError::from_crypto("sealing the private key"))?;
        let pk = key.public_key();
        cert.encryption_key = pk.0;
        cert.signing_key = key.user_signing_key().verifying_key().0;
        let dropped = std::cell::Cell::new(0usize);
        let id = row.id.clone();
        self.recertify(
            session,
            &actor,
            cert,
            |db| {
                db.set_user_keys(&id, pk.as_bytes(), &sealed)?;
                db.reset_login_failures(&id)?;
                let n = db.delete_secret_wraps_to(&id)? + db.delete_wraps_to(&id)?;
                dropped.set(n);
                Ok(())
            },
            format!("reset {name}: new key pair, old grants dropped"),
        )?;
        self.store.purge_wal(crate::WAL_PURGE_WAIT)?;
        Ok(dropped.get())
    }

    /// Admin: sets the idle time before sessions lock (60 s to 8 h). A
    /// signed setting: a writer of the file cannot lengthen it.
    pub fn set_idle_timeout(&mut self, session: &mut Session, secs: i64) -> Result<()> {
        let actor = self.begin_as(
            session,
            &[Role::Admin],
            Action::UserAdmin,
            "changing the idle timeout",
        )?;
        if !(60..=8 * 3600).contains(&secs) {
            return Err(ApiError::BadInput(
                "idle timeout must be between 60 and 28800 seconds".into(),
            ));
        }
        let key = self.admin_key(session)?;
        let st = self.statement(
            &actor.id,
            Change::Setting {
                key: SETTING_IDLE_TIMEOUT.into(),
                value: secs,
            },
        )?;
        let ev = self.admin_event(format!("idle timeout set to {secs} s"));
        self.commit_recorded(|db, ap| {
            ap.directory(db, &st, &key)?;
            ap.event(db, &ev)
        })?;
        self.refresh_directory()?;
        Ok(())
    }

    /// Wrong-passphrase attempts kept for an account (UTC milliseconds).
    /// Names that are no account are not kept.
    pub fn login_failures(&mut self, session: &mut Session, name: &str) -> Result<Vec<i64>> {
        let _actor = self.begin_as(
            session,
            &[Role::Admin, Role::Auditor],
            Action::UserAdmin,
            "reading login failures",
        )?;
        let Some(row) = self.store.read(|db| db.user_by_name(name))? else {
            return Ok(Vec::new());
        };
        Ok(self.store.read(|db| db.login_failures_of(&row.id))?)
    }
}
