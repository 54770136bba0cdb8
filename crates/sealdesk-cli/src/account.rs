//! Accounts and the vault itself: init, demo, users, passphrases, recovery,
//! settings and the routing directory.

use std::path::PathBuf;
use std::sync::Arc;

use sealdesk_api::{os_seeded_rng, ApiError, NewUser, SystemClock, Vault};
use sealdesk_core::crypto::RecoveryCode;
use sealdesk_core::domain::RoleSet;
use serde_json::json;

use crate::args::{Cli, UserCommand, VaultCommand};
use crate::context::{
    new_passphrase, open_vault, secret_from_env_or_prompt, to_json, vault_dir, Ctx,
};
use crate::failure::{usage, CliResult};

pub(crate) fn init(cli: &Cli, _ctx: &mut Ctx, admin: &str, store: Option<&str>) -> CliResult {
    let dir = vault_dir(cli)?;
    if let Some(url) = store {
        sealdesk_api::name_server(&dir, url)?;
    }
    let pass = new_passphrase(&format!("New passphrase for {admin}: "))?;
    let init = Vault::init(&dir, admin, &pass, Arc::new(SystemClock), os_seeded_rng())?;
    let code = init.recovery_code.to_printable();
    let human = format!(
        "Vault created at {}\nAdministrator: {}\n\nRECOVERY CODE (shown once; print it and lock it away, it is never stored):\n\n    {}\n",
        dir.display(),
        init.admin.name,
        code.as_str()
    );
    Ok((
        json!({"vault": dir.display().to_string(), "admin": to_json(&init.admin), "recovery_code": code.as_str()}),
        human,
    ))
}

pub(crate) fn vault_command(cli: &Cli, cmd: &VaultCommand) -> CliResult {
    match cmd {
        VaultCommand::Info => {
            let mut vault = open_vault(cli)?;
            let info = vault.store_info()?;
            let join = vault.join_config().ok();
            let mut human = format!(
                "store: {}\nlocation: {}\nroot: {}",
                info.backend, info.location, info.root
            );
            if let Some(j) = &join {
                human.push_str(&format!(
                    "\n\nA new desk joins with this file (`sealdesk vault join FILE`; its password comes from PGPASSWORD):\n\n{j}"
                ));
            }
            Ok((json!({"store": info, "join_config": join}), human))
        }
        VaultCommand::Join { file } => {
            let dir = vault_dir(cli)?;
            let mut vault = Vault::join(file, &dir, Arc::new(SystemClock), os_seeded_rng())?;
            let info = vault.store_info()?;
            let human = format!(
                "This desk now uses the vault at {} (root {}), through {}",
                info.location,
                info.root,
                dir.display()
            );
            Ok((
                json!({"vault": dir.display().to_string(), "store": info}),
                human,
            ))
        }
        VaultCommand::Migrate { to, into } => {
            let from = vault_dir(cli)?;
            let target = if to.starts_with("postgresql://") || to.starts_with("postgres://") {
                let dir = into.clone().ok_or_else(|| {
                    usage("--to postgresql://… needs --into DIR, the new desk folder that names the server")
                })?;
                sealdesk_api::name_server(&dir, to)?;
                dir
            } else {
                PathBuf::from(to)
            };
            let m = sealdesk_api::migrate_vault(&from, &target)?;
            let mut human = format!("Copied {} to {}\n", m.from, m.to);
            for (t, n) in &m.tables {
                human.push_str(&format!("  {t:<15} {n}\n"));
            }
            human.push_str(&format!(
                "ledger: {} entries, head {} on both; the copy verifies. The new desk folder is {}.",
                m.ledger_entries,
                m.ledger_head,
                target.display()
            ));
            Ok((to_json(&m), human))
        }
    }
}

pub(crate) fn demo(cli: &Cli, _ctx: &mut Ctx) -> CliResult {
    let dir = vault_dir(cli)?;
    let demo = sealdesk_api::demo::create_demo_vault(&dir, Arc::new(SystemClock), os_seeded_rng())?;
    let mut human = format!(
        "Demo vault created at {}\n\n  user        role        passphrase\n",
        demo.vault
    );
    for u in &demo.users {
        human.push_str(&format!(
            "  {:<11} {:<11} {}\n",
            u.name,
            u.role.as_str(),
            u.passphrase
        ));
    }
    human.push_str(&format!(
        "\nLetters: {}\nRecovery code (demo only): {}",
        demo.letters.join(", "),
        demo.recovery_code
    ));
    Ok((to_json(&demo), human))
}

pub(crate) fn user(cli: &Cli, ctx: &mut Ctx, cmd: &UserCommand) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    match cmd {
        UserCommand::Add { name, role, unit } => {
            let roles = RoleSet::parse_list(role).map_err(ApiError::from)?;
            let passphrase = new_passphrase(&format!("First passphrase for {name}: "))?;
            let info = vault.add_user(
                s,
                &NewUser {
                    name: name.clone(),
                    roles,
                    unit: unit.clone(),
                    passphrase,
                },
            )?;
            Ok((to_json(&info), format!("Added {} ({})", info.name, role)))
        }
        UserCommand::List => {
            let users = vault.list_users(s)?;
            let human = users
                .iter()
                .map(|u| {
                    let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                    format!(
                        "{:<16} {:<24} {:<12} {}",
                        u.name,
                        roles.join(","),
                        u.unit.as_deref().unwrap_or("-"),
                        if u.disabled { "disabled" } else { "active" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"users": to_json(&users)}), human))
        }
        UserCommand::Disable { name } => {
            let info = vault.set_user_disabled(s, name, true)?;
            Ok((to_json(&info), format!("Disabled {name}")))
        }
        UserCommand::Enable { name } => {
            let info = vault.set_user_disabled(s, name, false)?;
            Ok((to_json(&info), format!("Enabled {name}")))
        }
        UserCommand::Reset { name } => {
            let passphrase = new_passphrase(&format!("New passphrase for {name}: "))?;
            let dropped = vault.reset_user(s, name, &passphrase)?;
            Ok((
                json!({"name": name, "dropped_grants": dropped}),
                format!("Reset {name}: new key pair; {dropped} old grant(s) dropped and must be granted again"),
            ))
        }
        UserCommand::Roles { name, role, unit } => {
            let roles = RoleSet::parse_list(role).map_err(ApiError::from)?;
            let info = vault.set_user_roles(s, name, &roles, unit.as_deref())?;
            Ok((
                to_json(&info),
                format!(
                    "{}: roles {} (unit {})",
                    info.name,
                    roles.to_list(),
                    info.unit.as_deref().unwrap_or("-")
                ),
            ))
        }
    }
}

pub(crate) fn passwd(cli: &Cli, _ctx: &mut Ctx) -> CliResult {
    let mut vault = open_vault(cli)?;
    let name = cli
        .user
        .clone()
        .ok_or_else(|| usage("pass --user NAME or set SEALDESK_USER"))?;
    let old = secret_from_env_or_prompt(
        "SEALDESK_PASSPHRASE",
        &format!("Current passphrase for {name}: "),
    )?;
    let mut s = vault.login(&name, &old)?;
    let new = new_passphrase("New passphrase: ")?;
    let changed = vault.change_passphrase(&mut s, &old, &new);
    vault.lock(&mut s);
    changed?;
    Ok((
        json!({"name": name, "changed": true}),
        "Passphrase changed".into(),
    ))
}

pub(crate) fn whoami(cli: &Cli, ctx: &mut Ctx) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let me = vault.whoami(s)?;
    let roles: Vec<&str> = me.roles.iter().map(|r| r.as_str()).collect();
    let human = format!(
        "{} ({}){}",
        me.name,
        roles.join(","),
        me.unit
            .as_deref()
            .map(|u| format!(", {u}"))
            .unwrap_or_default()
    );
    Ok((to_json(&me), human))
}

pub(crate) fn recover(cli: &Cli, _ctx: &mut Ctx, grant_ledger: Option<&str>) -> CliResult {
    let mut vault = open_vault(cli)?;
    let text = secret_from_env_or_prompt("SEALDESK_RECOVERY_CODE", "Recovery code: ")?;
    let code = RecoveryCode::parse(text.expose()).map_err(|_| ApiError::BadRecoveryCode)?;
    let report = vault.recover_check(&code)?;
    let mut human = format!(
        "Recovery code verified: it opens {} data key(s) and {} record(s)",
        report.data_keys, report.records
    );
    let mut value = to_json(&report);
    if let Some(name) = grant_ledger {
        vault.recover_grant_ledger(&code, name)?;
        human.push_str(&format!("\nLedger key granted to {name}"));
        value["ledger_granted_to"] = json!(name);
    }
    Ok((value, human))
}

pub(crate) fn directory(cli: &Cli, ctx: &mut Ctx) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    let dir = vault.routing_directory(s)?;
    let human = dir
        .units
        .iter()
        .map(|u| {
            format!(
                "{}  supervisors: {}  handlers: {}",
                u.unit,
                u.supervisors.join(","),
                u.handlers.join(",")
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Ok((to_json(&dir), human))
}

pub(crate) fn settings(
    cli: &Cli,
    ctx: &mut Ctx,
    idle_timeout: Option<i64>,
    max_access_days: Option<i64>,
) -> CliResult {
    let (vault, s) = ctx.login(cli)?;
    if let (Some(secs), None) = (idle_timeout, max_access_days) {
        vault.set_idle_timeout(s, secs)?;
        return Ok((
            json!({"idle_timeout_secs": secs}),
            format!("Sessions now lock after {secs} s idle"),
        ));
    }
    if let Some(secs) = idle_timeout {
        vault.set_idle_timeout(s, secs)?;
    }
    if let Some(days) = max_access_days {
        vault.set_max_access_days(s, days)?;
    }
    let settings = vault.settings(s)?;
    Ok((
        to_json(&settings),
        format!(
            "Sessions lock after {} s idle; an approval grants at most {} days",
            settings.idle_timeout_secs, settings.max_access_days
        ),
    ))
}
