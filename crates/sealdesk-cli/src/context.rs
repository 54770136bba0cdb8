//! What every command needs: the vault, the passphrase, the session, and
//! how a command ends when the system asks it to.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use sealdesk_api::{os_seeded_rng, DrawnBox, PiiKind, Session, SystemClock, Vault};
use sealdesk_core::secret::Passphrase;
use serde::Serialize;
use serde_json::json;

use crate::args::Cli;
use crate::failure::{bad_file, usage, Failure};

pub(crate) fn vault_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(v) = &cli.vault {
        return Ok(v.clone());
    }
    dirs::data_dir()
        .map(|d| d.join("sealdesk").join("vault"))
        .ok_or_else(|| usage("no --vault given and no user data directory; pass --vault DIR"))
}

pub(crate) fn open_vault(cli: &Cli) -> Result<Vault, Failure> {
    let mut vault = Vault::open(&vault_dir(cli)?, Arc::new(SystemClock), os_seeded_rng())?;
    // This desk keeps what it last saw of the ledger in the user's own data
    // directory, and checks at every login that the ledger extends it.
    vault.set_witness_dir(Some(sealdesk_api::default_witness_dir()));
    Ok(vault)
}

pub(crate) fn secret_from_env_or_prompt(var: &str, prompt: &str) -> Result<Passphrase, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Passphrase::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(usage(format!(
            "{var} is not set and there is no terminal to ask on"
        )));
    }
    rpassword::prompt_password(prompt)
        .map(Passphrase::new)
        .map_err(|e| usage(format!("cannot read the passphrase: {e}")))
}

pub(crate) fn new_passphrase(prompt: &str) -> Result<Passphrase, Failure> {
    if let Ok(v) = std::env::var("SEALDESK_NEW_PASSPHRASE") {
        return Ok(Passphrase::new(v));
    }
    let first = secret_from_env_or_prompt("SEALDESK_NEW_PASSPHRASE", prompt)?;
    let again = secret_from_env_or_prompt("SEALDESK_NEW_PASSPHRASE", "Again: ")?;
    if first.expose() != again.expose() {
        return Err(usage("the two passphrases differ"));
    }
    Ok(first)
}

pub(crate) fn login(cli: &Cli, vault: &mut Vault) -> Result<Session, Failure> {
    let name = cli
        .user
        .clone()
        .ok_or_else(|| usage("who are you? pass --user NAME or set SEALDESK_USER"))?;
    let pass =
        secret_from_env_or_prompt("SEALDESK_PASSPHRASE", &format!("Passphrase for {name}: "))?;
    let session = vault.login(&name, &pass)?;
    for w in session.warnings() {
        eprintln!("sealdesk: warning[integrity]: {w}");
    }
    Ok(session)
}

/// The vault and session of one command. The session is locked when the
/// command ends, which records the lock and signs a ledger checkpoint.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    pub(crate) vault: Option<Vault>,
    pub(crate) session: Option<Session>,
}

impl Ctx {
    pub(crate) fn login(&mut self, cli: &Cli) -> Result<(&mut Vault, &mut Session), Failure> {
        if self.vault.is_none() {
            self.vault = Some(open_vault(cli)?);
        }
        let vault = self.vault.as_mut().ok_or_else(|| usage("no vault"))?;
        if self.session.is_none() {
            self.session = Some(login(cli, vault)?);
            ending::session_open(true);
        }
        let session = self.session.as_mut().ok_or_else(|| usage("no session"))?;
        Ok((vault, session))
    }

    pub(crate) fn finish(&mut self) {
        if let (Some(v), Some(s)) = (self.vault.as_mut(), self.session.as_mut()) {
            v.lock(s);
        }
        ending::session_open(false);
    }
}

/// How a command ends when the system asks it to (SIGTERM, SIGINT,
/// SIGHUP): with no session open, at once; with one, after the command in
/// hand, so that the session locks and attests its entries like any other
/// end — only a real crash leaves a session unattested. A command that does
/// not end within [`ending::GRACE`] is ended anyway.
pub(crate) mod ending {
    use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

    static OPEN: AtomicBool = AtomicBool::new(false);
    static SIGNAL: AtomicU8 = AtomicU8::new(0);
    pub const GRACE: std::time::Duration = std::time::Duration::from_secs(30);

    pub fn session_open(open: bool) {
        OPEN.store(open, Ordering::SeqCst);
    }

    /// The exit status to end with, when a signal came.
    pub fn signalled() -> Option<u8> {
        match SIGNAL.load(Ordering::SeqCst) {
            0 => None,
            s => Some(128u8.saturating_add(s)),
        }
    }

    #[cfg(unix)]
    pub fn install() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            for sig in signals.forever() {
                let code = 128 + u8::try_from(sig).unwrap_or(15);
                if !OPEN.load(Ordering::SeqCst) || SIGNAL.load(Ordering::SeqCst) != 0 {
                    // Nothing to attest, or asked twice: end now.
                    std::process::exit(i32::from(code));
                }
                SIGNAL.store(code - 128, Ordering::SeqCst);
                std::thread::spawn(move || {
                    std::thread::sleep(GRACE);
                    eprintln!("sealdesk: the command did not end within {} s of the signal; its session stays unattested", GRACE.as_secs());
                    std::process::exit(i32::from(code));
                });
            }
        });
    }

    #[cfg(not(unix))]
    pub fn install() {}
}

pub(crate) fn read_input(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| bad_file(format!("{}: {e}", path.display())))
}

/// `PAGE:X0,Y0,X1,Y1[:KIND]` as a drawn box.
pub(crate) fn parse_box(arg: &str) -> Result<DrawnBox, Failure> {
    let bad = || {
        usage(format!(
            "--redact-box {arg:?}: expected PAGE:X0,Y0,X1,Y1[:KIND]"
        ))
    };
    let mut parts = arg.split(':');
    let page: u32 = parts
        .next()
        .and_then(|p| p.trim().parse().ok())
        .ok_or_else(bad)?;
    let corners: Vec<u32> = parts
        .next()
        .ok_or_else(bad)?
        .split(',')
        .map(|n| n.trim().parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [x0, y0, x1, y1] = corners[..] else {
        return Err(bad());
    };
    let kind: PiiKind = match parts.next() {
        Some(k) => serde_json::from_value(json!(k))
            .map_err(|_| usage(format!("unknown finding kind {k:?}")))?,
        None => PiiKind::Person,
    };
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(DrawnBox {
        page,
        x0,
        y0,
        x1,
        y1,
        kind,
    })
}

pub(crate) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
