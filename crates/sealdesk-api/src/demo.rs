//! The demo vault a newcomer explores: one user per role, known passphrases,
//! and two invented letters. Never for real use: the passphrases are printed.

use std::path::Path;
use std::sync::Arc;

use sealdesk_core::domain::{Role, RoleSet};
use sealdesk_core::secret::Passphrase;
use serde::Serialize;

use crate::{ApiRng, Category, Clock, NewTypedLetter, NewUser, Result, Secrecy, Vault};

#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub passphrase: String,
}

#[derive(Debug, Serialize)]
pub struct DemoVault {
    pub vault: String,
    pub users: Vec<DemoUser>,
    pub letters: Vec<String>,
    pub recovery_code: String,
}

const LETTERS: [(&str, Category, &str); 2] = [
    (
        "代號:花蓮甲案",
        Category::Whistleblower,
        include_str!("../../../assets/demo/letter-1.txt"),
    ),
    (
        "代號:設備乙案",
        Category::ProcurementObjection,
        include_str!("../../../assets/demo/letter-2.txt"),
    ),
];

fn demo_users() -> Vec<DemoUser> {
    let u = |name: &str, role, unit: Option<&str>| DemoUser {
        name: name.into(),
        role,
        unit: unit.map(Into::into),
        passphrase: format!("demo-{name}-pass"),
    };
    vec![
        u("admin", Role::Admin, None),
        u("clerk", Role::Clerk, Some("秘書室")),
        u("supervisor", Role::Supervisor, Some("稅務管理科")),
        u("handler", Role::Handler, Some("稅務管理科")),
        u("auditor", Role::Auditor, Some("政風室")),
    ]
}

/// Creates the demo vault in `dir`.
pub fn create_demo_vault(dir: &Path, clock: Arc<dyn Clock>, rng: ApiRng) -> Result<DemoVault> {
    let users = demo_users();
    let admin = &users[0];
    let init = Vault::init(
        dir,
        &admin.name,
        &Passphrase::new(admin.passphrase.clone()),
        clock,
        rng,
    )?;
    let mut vault = init.vault;
    let mut session = vault.login(&admin.name, &Passphrase::new(admin.passphrase.clone()))?;
    for u in &users[1..] {
        vault.add_user(
            &mut session,
            &NewUser {
                name: u.name.clone(),
                roles: RoleSet::new([u.role])?,
                unit: u.unit.clone(),
                passphrase: Passphrase::new(u.passphrase.clone()),
            },
        )?;
    }
    vault.lock(&mut session);
    let clerk = &users[1];
    let mut session = vault.login(&clerk.name, &Passphrase::new(clerk.passphrase.clone()))?;
    let mut letters = Vec::new();
    for (subject, category, body) in LETTERS {
        let l = vault.register_typed_letter(
            &mut session,
            &NewTypedLetter {
                subject: subject.into(),
                body: body.into(),
                category,
                secrecy: Secrecy::Condition("結案後解密".into()),
            },
        )?;
        letters.push(l.receipt_no);
    }
    // Something to explore in every role: the complaint routed to the
    // handler and approved; the procurement objection out as an inquiry.
    let request = vault.route(
        &mut session,
        &letters[0],
        "稅務管理科",
        "handler",
        None,
        "示範分文：請貴科辦理",
    )?;
    vault.inquire(&mut session, &letters[1], &["稅務管理科".to_owned()], None)?;
    vault.lock(&mut session);
    let supervisor = &users[2];
    let mut session = vault.login(
        &supervisor.name,
        &Passphrase::new(supervisor.passphrase.clone()),
    )?;
    vault.approve(&mut session, &request.id, "示範核准")?;
    vault.lock(&mut session);
    // The first auditor gets the ledger key from the recovery code, as in a
    // real agency; an admin never holds it.
    vault.recover_grant_ledger(&init.recovery_code, "auditor")?;
    Ok(DemoVault {
        vault: dir.display().to_string(),
        users,
        letters,
        recovery_code: init.recovery_code.to_printable().to_string(),
    })
}
