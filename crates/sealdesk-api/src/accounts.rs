//! Accounts and roles. The admin manages accounts but is given no data keys.

use sealdesk_core::crypto::{self, KdfParams, SigningKey, UserSecretKey};
use sealdesk_core::domain::{self, Role, RoleSet};
use sealdesk_core::secret::Passphrase;
use sealdesk_store::UserRow;
use serde::Serialize;

use crate::ledger::{Action, Event};
use crate::session::parse_roles;
use crate::{ApiError, Result, Session, Vault, META_IDLE_TIMEOUT};

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
    /// Creates the account and wraps the workstation signing key to it, so
    /// that its sessions can sign ledger checkpoints.
    pub(crate) fn create_user(
        &mut self,
        new: &NewUser,
        workstation: Option<&SigningKey>,
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
        let id = self.make_id();
        let key = UserSecretKey::make(&mut self.rng);
        let sealed = crypto::seal_user_secret_key(
            &key,
            &new.passphrase,
            &KdfParams::DEFAULT,
            &id,
            &mut self.rng,
        )
        .map_err(ApiError::from_crypto("sealing the private key"))?;
        let row = UserRow {
            id,
            name: new.name.clone(),
            unit: new.unit.as_ref().map(|u| u.trim().to_owned()),
            roles: new.roles.to_list(),
            public_key: key.public_key().as_bytes().to_vec(),
            sealed_secret_key: sealed,
            disabled: false,
            created_at: self.now().unix_millis(),
            failed_logins: 0,
            last_failed_at: None,
        };
        self.store.write(|db| db.insert_user(&row))?;
        if let Some(ws) = workstation {
            self.wrap_workstation_key_to(ws, &row.id, &key.public_key())?;
        }
        UserInfo::from_row(&row)
    }

    fn admin_event(&self, actor_name: &str, detail: String) -> Event {
        Event::new(actor_name, Some(Role::Admin), Action::UserAdmin).detail(detail)
    }

    /// Admin: creates an account with its own key pair.
    pub fn add_user(&mut self, session: &mut Session, new: &NewUser) -> Result<UserInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(&actor, &[Role::Admin], Action::UserAdmin, "adding a user")?;
        let own = self.session_key_owned(session)?;
        let ws = self.workstation_key(&actor.id, &own)?;
        let info = self.create_user(new, Some(&ws))?;
        let ev = self.admin_event(
            &actor.name,
            format!(
                "added {} ({}, unit {})",
                info.name,
                new.roles.to_list(),
                info.unit.as_deref().unwrap_or("-")
            ),
        );
        self.record(ev, Some((&actor.id, &own)))?;
        Ok(info)
    }

    /// Admin and auditor (account reviews): every account.
    pub fn list_users(&mut self, session: &mut Session) -> Result<Vec<UserInfo>> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Admin, Role::Auditor],
            Action::UserAdmin,
            "listing users",
        )?;
        let rows = self.store.read(|db| db.list_users())?;
        rows.iter().map(UserInfo::from_row).collect()
    }

    fn user_row(&self, name: &str) -> Result<UserRow> {
        self.store
            .read(|db| db.user_by_name(name))?
            .ok_or_else(|| ApiError::NotFound(format!("user {name}")))
    }

    /// Admin: disables or re-enables an account. Takes effect on the user's
    /// next call, even in an open session.
    pub fn set_user_disabled(
        &mut self,
        session: &mut Session,
        name: &str,
        disabled: bool,
    ) -> Result<UserInfo> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Admin],
            Action::UserAdmin,
            "disabling a user",
        )?;
        let mut row = self.user_row(name)?;
        if row.id == actor.id {
            return Err(ApiError::Denied(
                "an administrator cannot disable their own account".into(),
            ));
        }
        let own = self.session_key_owned(session)?;
        self.store
            .write(|db| db.set_user_disabled(&row.id, disabled))?;
        let ev = self.admin_event(
            &actor.name,
            format!("{} {name}", if disabled { "disabled" } else { "enabled" }),
        );
        self.record(ev, Some((&actor.id, &own)))?;
        row.disabled = disabled;
        UserInfo::from_row(&row)
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
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Admin],
            Action::UserAdmin,
            "resetting a user",
        )?;
        domain::check_new_passphrase(passphrase.expose())?;
        let row = self.user_row(name)?;
        let own = self.session_key_owned(session)?;
        let ws = self.workstation_key(&actor.id, &own)?;
        let key = UserSecretKey::make(&mut self.rng);
        let sealed = crypto::seal_user_secret_key(
            &key,
            passphrase,
            &KdfParams::DEFAULT,
            &row.id,
            &mut self.rng,
        )
        .map_err(ApiError::from_crypto("sealing the private key"))?;
        let pk = key.public_key();
        let dropped = self.store.write(|db| {
            db.set_user_keys(&row.id, pk.as_bytes(), &sealed)?;
            db.reset_login_failures(&row.id)?;
            db.delete_secret_wraps_to(&row.id)?;
            db.delete_wraps_to(&row.id)
        })?;
        self.wrap_workstation_key_to(&ws, &row.id, &pk)?;
        let ev = self.admin_event(
            &actor.name,
            format!("reset {name}: new key pair, {dropped} grant(s) dropped"),
        );
        self.record(ev, Some((&actor.id, &own)))?;
        Ok(dropped)
    }

    /// Admin: sets the idle time before sessions lock (60 s to 8 h).
    pub fn set_idle_timeout(&mut self, session: &mut Session, secs: i64) -> Result<()> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Admin],
            Action::UserAdmin,
            "changing the idle timeout",
        )?;
        if !(60..=8 * 3600).contains(&secs) {
            return Err(ApiError::BadInput(
                "idle timeout must be between 60 and 28800 seconds".into(),
            ));
        }
        let own = self.session_key_owned(session)?;
        self.store
            .write(|db| db.meta_set(META_IDLE_TIMEOUT, secs.to_string().as_bytes()))?;
        let ev = self.admin_event(&actor.name, format!("idle timeout set to {secs} s"));
        self.record(ev, Some((&actor.id, &own)))?;
        Ok(())
    }

    /// Wrong-passphrase attempts kept for a user name (UTC milliseconds).
    pub fn login_failures(&mut self, session: &mut Session, name: &str) -> Result<Vec<i64>> {
        let actor = self.begin(session, true)?;
        self.require_role(
            &actor,
            &[Role::Admin, Role::Auditor],
            Action::UserAdmin,
            "reading login failures",
        )?;
        Ok(self.store.read(|db| db.login_failures_of(name))?)
    }
}
