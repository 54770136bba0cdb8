//! The Tauri commands. Each one forwards to a single `Vault` method.
//! (They live in a module: a `pub` command in the crate root collides with
//! the macro-generated items, E0255.)

use std::sync::MutexGuard;

use sealdesk_api::{os_seeded_rng, ApiError, AssignmentInfo, LetterSummary, Me, Session, Vault};
use sealdesk_core::secret::Passphrase;
use tauri::State;

use crate::{AppState, CommandError, Inner};

fn inner<'a>(state: &'a State<'_, AppState>) -> Result<MutexGuard<'a, Inner>, CommandError> {
    state
        .inner
        .lock()
        .map_err(|_| CommandError::internal("state poisoned; restart Sealdesk"))
}

#[tauri::command]
pub async fn login(
    state: State<'_, AppState>,
    name: String,
    passphrase: String,
) -> Result<Me, CommandError> {
    // Into a zeroizing wrapper at once; the IPC layer's own copy is beyond reach.
    let passphrase = Passphrase::new(passphrase);
    let mut guard = inner(&state)?;
    let g = &mut *guard;
    // Whoever logs in next at this desk must not inherit the last session.
    if let (Some(v), Some(mut s)) = (g.vault.as_mut(), g.session.take()) {
        v.lock(&mut s);
    }
    if g.vault.is_none() {
        let mut vault = Vault::open(&state.vault_dir, state.clock.clone(), os_seeded_rng())?;
        vault.set_witness_dir(Some(sealdesk_api::default_witness_dir()));
        g.vault = Some(vault);
    }
    let vault = g
        .vault
        .as_mut()
        .ok_or_else(|| CommandError::internal("vault not open"))?;
    let mut session = vault.login(name.trim(), &passphrase)?;
    let me = vault.whoami(&mut session)?;
    g.session = Some(session);
    Ok(me)
}

/// Runs one `Vault` method with the open session, or fails with
/// `not_logged_in`. The method does its own permission checks.
fn with_session<T>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&mut Vault, &mut Session) -> Result<T, ApiError>,
) -> Result<T, CommandError> {
    let mut guard = inner(state)?;
    let g = &mut *guard;
    match (g.vault.as_mut(), g.session.as_mut()) {
        (Some(v), Some(s)) => Ok(f(v, s)?),
        _ => Err(CommandError::not_logged_in()),
    }
}

#[tauri::command]
pub async fn whoami(state: State<'_, AppState>) -> Result<Me, CommandError> {
    with_session(&state, |v, s| v.whoami(s))
}

/// The register lines the caller may see (clerk: all; supervisor and
/// handler: those they hold a key to). Admin and auditor get `denied`.
#[tauri::command]
pub async fn letters(state: State<'_, AppState>) -> Result<Vec<LetterSummary>, CommandError> {
    with_session(&state, |v, s| v.list_letters(s))
}

/// A handler's assignments, active and ended. Other roles get `denied`.
#[tauri::command]
pub async fn assignments(state: State<'_, AppState>) -> Result<Vec<AssignmentInfo>, CommandError> {
    with_session(&state, |v, s| v.assignments(s))
}

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> Result<(), CommandError> {
    let mut guard = inner(&state)?;
    let g = &mut *guard;
    if let (Some(v), Some(mut s)) = (g.vault.as_mut(), g.session.take()) {
        v.lock(&mut s);
    }
    Ok(())
}
