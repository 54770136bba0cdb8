//! The caller of one API call, as the store and the certified directory
//! give them: what every permission check is made against.

use sealdesk_core::crypto::UserPublicKey;
use sealdesk_core::domain::{Role, RoleSet};

use crate::{ApiError, Result};

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
