//! Records and rules of the field that do not depend on storage: roles and
//! their separation, user names, and the wrong-passphrase delay.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A role a user holds. The string forms are a stable contract (CLI, JSON,
/// the UI's translations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Accounts and settings; reads no letter.
    Admin,
    /// 密件分文人員: registers and routes letters, keeps identities.
    Clerk,
    /// 主管: approves need-to-know for their unit.
    Supervisor,
    /// 承辦人: reads and works letters routed to them.
    Handler,
    /// 政風: reads and verifies the ledger, never letters.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Clerk,
        Role::Supervisor,
        Role::Handler,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Handler => "handler",
            Role::Auditor => "auditor",
        }
    }

    /// Roles whose holders may be given letter keys.
    pub fn reads_letters(self) -> bool {
        matches!(self, Role::Clerk | Role::Supervisor | Role::Handler)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("unknown role {0:?} (expected admin, clerk, supervisor, handler or auditor)")]
    UnknownRole(String),
    #[error("a user needs at least one role")]
    NoRole,
    #[error("separation of duties: {0} cannot be combined with {1}")]
    SeparationOfDuties(Role, Role),
    #[error("user name must be 1 to 64 characters without spaces or control characters")]
    BadUserName,
    #[error("unit name must be 1 to 64 characters without control characters")]
    BadUnit,
    #[error("passphrase must be at least {0} characters")]
    WeakPassphrase(usize),
}

impl FromStr for Role {
    type Err = RuleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| RuleError::UnknownRole(s.to_owned()))
    }
}

/// The roles of one user, checked for separation of duties when built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleSet(BTreeSet<Role>);

impl RoleSet {
    /// Separation of duties:
    /// * an auditor watches the people who read letters, so cannot be one of
    ///   them (clerk, supervisor, handler) — the rule;
    /// * an admin manages accounts and must never hold letter keys (threat
    ///   T4), so cannot be a clerk, supervisor or handler either; and an admin
    ///   who could read the ledger could also cover their own tracks, so admin
    ///   and auditor are kept apart too.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Result<Self, RuleError> {
        let set: BTreeSet<Role> = roles.into_iter().collect();
        if set.is_empty() {
            return Err(RuleError::NoRole);
        }
        for watcher in [Role::Auditor, Role::Admin] {
            if set.contains(&watcher) {
                if let Some(other) = set.iter().find(|r| **r != watcher) {
                    return Err(RuleError::SeparationOfDuties(watcher, *other));
                }
            }
        }
        Ok(Self(set))
    }

    pub fn parse_list(s: &str) -> Result<Self, RuleError> {
        let roles = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(Role::from_str)
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(roles)
    }

    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// The stored form: `clerk,handler`.
    pub fn to_list(&self) -> String {
        self.iter().map(Role::as_str).collect::<Vec<_>>().join(",")
    }
}

/// Validates a user name (the login name).
pub fn check_user_name(name: &str) -> Result<(), RuleError> {
    let n = name.chars().count();
    if n == 0 || n > 64 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RuleError::BadUserName);
    }
    Ok(())
}

/// Validates a unit (科/室) name.
pub fn check_unit(unit: &str) -> Result<(), RuleError> {
    let n = unit.trim().chars().count();
    if n == 0 || n > 64 || unit.chars().any(char::is_control) {
        return Err(RuleError::BadUnit);
    }
    Ok(())
}

/// Minimum passphrase length. Argon2id makes each guess cost 64 MiB and a
/// fraction of a second, but a short passphrase still falls to a dictionary.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

pub fn check_new_passphrase(p: &str) -> Result<(), RuleError> {
    if p.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(RuleError::WeakPassphrase(MIN_PASSPHRASE_CHARS));
    }
    Ok(())
}

/// The growing delay after wrong passphrases, counted per user since their
/// last successful login: the first 3 failures cost nothing, then each one
/// doubles the wait (1 s, 2 s, 4 s …) up to 15 minutes.
pub fn login_delay_secs(consecutive_failures: u32) -> i64 {
    const FREE: u32 = 3;
    const CAP: i64 = 15 * 60;
    if consecutive_failures < FREE {
        return 0;
    }
    let exp = (consecutive_failures - FREE).min(20);
    (1i64 << exp).min(CAP)
}

/// When the next login attempt is allowed, given the last failure.
pub fn next_login_allowed_at(consecutive_failures: u32, last_failure: Timestamp) -> Timestamp {
    last_failure.plus_secs(login_delay_secs(consecutive_failures))
}

/// Default idle time before a session locks, in seconds.
pub const DEFAULT_IDLE_TIMEOUT_SECS: i64 = 10 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    fn check_roles(list: &str, ok: bool) {
        assert_eq!(RoleSet::parse_list(list).is_ok(), ok, "{list}");
    }

    #[test]
    fn separation_of_duties() {
        check_roles("admin", true);
        check_roles("clerk", true);
        check_roles("clerk,supervisor", true);
        check_roles("supervisor,handler", true);
        check_roles("auditor", true);
        check_roles("auditor,clerk", false);
        check_roles("auditor,supervisor", false);
        check_roles("handler,auditor", false);
        check_roles("admin,clerk", false);
        check_roles("admin,auditor", false);
        check_roles("", false);
        check_roles("root", false);
    }

    #[test]
    fn delay_grows_and_is_capped() {
        let d: Vec<i64> = (0..8).map(login_delay_secs).collect();
        assert_eq!(d, vec![0, 0, 0, 1, 2, 4, 8, 16]);
        assert_eq!(login_delay_secs(1000), 900);
    }

    #[test]
    fn user_names() {
        assert!(check_user_name("lin.clerk").is_ok());
        assert!(check_user_name("林承辦").is_ok());
        assert!(check_user_name("").is_err());
        assert!(check_user_name("a b").is_err());
        assert!(check_user_name(&"x".repeat(65)).is_err());
    }
}
