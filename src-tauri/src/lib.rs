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

/// Asks the person where to save a file: the platform's save dialog in the
/// real window (`None` when they cancel). Given a suggested name and the
/// kind of file (`pdf`, or `folder` for a folder the app creates).
pub type SavePicker = Box<dyn Fn(&str, &str) -> Option<PathBuf> + Send + Sync>;

/// What the app holds between commands: the vault (opened on first login)
/// and at most one session.
pub struct AppState {
    /// The save dialog; absent where there is no real window (tests drive
    /// the commands with a path).
    picker: Mutex<Option<SavePicker>>,
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
    /// Ends the open session, if any, the way a lock does: the lock is
    /// recorded and the session attests its entries. The app calls it when
    /// it exits (window closed, SIGTERM, SIGINT, SIGHUP, logout of the
    /// desktop), so that only a real crash leaves a session unattested.
    /// Waits for a command in hand to finish; a poisoned state (a command
    /// that panicked) is still locked.
    pub fn end_session(&self) {
        let mut guard = match self.inner.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let g = &mut *guard;
        if let (Some(v), Some(mut s)) = (g.vault.as_mut(), g.session.take()) {
            v.lock(&mut s);
        }
    }

    pub fn set_picker(&self, picker: SavePicker) {
        if let Ok(mut p) = self.picker.lock() {
            *p = Some(picker);
        }
    }

    /// Opens the save dialog; `Ok(None)` when the person cancels.
    pub(crate) fn pick_save_path(
        &self,
        name: &str,
        kind: &str,
    ) -> Result<Option<PathBuf>, CommandError> {
        let picker = self
            .picker
            .lock()
            .map_err(|_| CommandError::internal("the save dialog is unavailable"))?;
        match picker.as_ref() {
            Some(pick) => Ok(pick(name, kind)),
            None => Err(CommandError::internal("no save dialog in this window")),
        }
    }

    pub fn new(vault_dir: PathBuf) -> Self {
        Self {
            vault_dir,
            witness_dir: sealdesk_api::default_witness_dir(),
            clock: Arc::new(SystemClock),
            inner: Mutex::new(Inner::default()),
            picker: Mutex::new(None),
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
            picker: Mutex::new(None),
        }
    }
}

include!("command_list.rs");

macro_rules! command_handler {
    ($($name:ident($args:ty) -> $result:ty,)*) => {
        tauri::generate_handler![$($name),*]
    };
}

/// Registers the state and the commands on a builder (the real one, or
/// `tauri::test::mock_builder()` in tests).
pub fn setup<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    use commands::*;
    builder
        .manage(state)
        .invoke_handler(app_commands!(command_handler))
}

/// The app's context (config, capabilities, embedded UI), shared with tests.
pub fn context<R: tauri::Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

pub fn run() {
    webview::prepare_environment();
    let dir = sealdesk_api::default_vault_dir();
    let app = setup(tauri::Builder::default(), AppState::new(dir))
        // The save dialog, used from Rust only: the window's capability
        // grants none of the plugin's own commands.
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            use tauri::Manager;
            let handle = app.handle().clone();
            app.state::<AppState>()
                .set_picker(Box::new(move |name, kind| {
                    use tauri_plugin_dialog::DialogExt;
                    let mut dialog = handle.dialog().file().set_file_name(name);
                    if kind == "pdf" {
                        dialog = dialog.add_filter("PDF", &["pdf"]);
                    }
                    dialog.blocking_save_file()?.into_path().ok()
                }));
            if let Some(window) = app.get_webview_window("main") {
                webview::tune(&window);
            }
            end_on_signals(app.handle().clone());
            Ok(())
        })
        .build(context());
    match app {
        Ok(app) => app.run(|handle, event| {
            // The window closing, the last window gone, or a signal asking
            // the app to exit: the session locks and attests its entries
            // before anything else ends (an ordinary day's close leaves no
            // unsigned session for the auditor). Ending twice is harmless:
            // the second finds no session.
            use tauri::Manager;
            match event {
                // Only the main window's closing ends the session (a second
                // window, should one ever open, does not lock the desk).
                tauri::RunEvent::WindowEvent {
                    label,
                    event: tauri::WindowEvent::CloseRequested { .. } | tauri::WindowEvent::Destroyed,
                    ..
                } if label == "main" => handle.state::<AppState>().end_session(),
                tauri::RunEvent::ExitRequested { .. }
                | tauri::RunEvent::Exit => handle.state::<AppState>().end_session(),
                _ => {}
            }
        }),
        Err(e) => {
            eprintln!("sealdesk-app: {e}");
            std::process::exit(1);
        }
    }
}

/// SIGTERM, SIGINT and SIGHUP (a window manager's or the desktop's logout)
/// exit the app through its event loop, so that [`AppState::end_session`]
/// runs, rather than killing it mid-session.
#[cfg(unix)]
fn end_on_signals<R: tauri::Runtime>(handle: tauri::AppHandle<R>) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        let mut signals = signals.forever();
        let Some(sig) = signals.next() else { return };
        handle.exit(128 + sig);
        // An event loop that does not end within the grace, or a second
        // signal, ends the process anyway (the session then stays
        // unattested, as after a crash).
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(30));
            std::process::exit(128 + sig);
        });
        if let Some(again) = signals.next() {
            std::process::exit(128 + again);
        }
    });
}

#[cfg(not(unix))]
fn end_on_signals<R: tauri::Runtime>(_handle: tauri::AppHandle<R>) {}
