//! The Sealdesk desktop app: window glue over `sealdesk-api`.
//!
//! Architecture Invariant: this is the only crate that names `tauri`, and it
//! decides nothing. Every command forwards to one `Vault` method, which does
//! its own permission checks; the UI only reflects their outcome.

mod commands;
pub mod dto;
mod webview;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sealdesk_api::{Clock, Session, SystemClock, Vault};

pub use dto::CommandError;

/// What the app holds between commands: the vault (opened on first login)
/// and at most one session.
pub struct AppState {
    vault_dir: PathBuf,
    /// Where this desk keeps its witness of the ledger.
    witness_dir: PathBuf,
    /// The wall clock; tests give a manual one to reach the idle lock.
    clock: Arc<dyn Clock>,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("vault_dir", &self.vault_dir)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Inner {
    vault: Option<Vault>,
    session: Option<Session>,
}

impl AppState {
    pub fn new(vault_dir: PathBuf) -> Self {
        Self {
            vault_dir,
            witness_dir: sealdesk_api::default_witness_dir(),
            clock: Arc::new(SystemClock),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The app's state with another clock (tests), keeping this desk's
    /// witness beside the vault folder rather than in the user's data
    /// directory, so that tests never share one.
    pub fn with_clock(vault_dir: PathBuf, clock: Arc<dyn Clock>) -> Self {
        Self {
            witness_dir: vault_dir.with_file_name("witness"),
            vault_dir,
            clock,
            inner: Mutex::new(Inner::default()),
        }
    }
}

include!("command_list.rs");

/// Registers the state and the commands on a builder (the real one, or
/// `tauri::test::mock_builder()` in tests).
pub fn setup<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    use commands::*;
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            login,
            whoami,
            lock,
            change_passphrase,
            letters,
            draft_file,
            draft_text,
            register_draft,
            discard_draft,
            draft_text_under,
            directory,
            routing_slip,
            route,
            inquire,
            inquiries,
            answer_inquiry,
            requests,
            approve,
            deny,
            unit_assignments,
            revoke,
            assignments,
            decline,
            open_letter,
            reveal_request,
            reveal_endorse,
            reveal_show,
            copy_recorded,
            ledger_verify,
            ledger_entries,
            ledger_export,
            trace_image,
            copy_request,
            approve_copy,
            copy_requests,
            run_export,
            run_print,
            copy_register,
            users,
            add_user,
            set_user_disabled,
            reset_user,
            set_user_roles,
            settings,
            set_settings
        ])
}

/// The app's context (config, capabilities, embedded UI), shared with tests.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

pub fn run() {
    webview::prepare_environment();
    let dir = sealdesk_api::default_vault_dir();
    let app = setup(tauri::Builder::default(), AppState::new(dir))
        .setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                webview::tune(&window);
            }
            Ok(())
        })
        .run(context());
    if let Err(e) = app {
        eprintln!("sealdesk-app: {e}");
        std::process::exit(1);
    }
}
