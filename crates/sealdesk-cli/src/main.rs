//! `sealdesk`: the command line. A contract that auditors script and tests
//! drive: commands and `--json` shapes are added to, never renamed.
//!
//! Exit codes: 0 ok; 1 usage or invalid input; 2 denied or bad credentials;
//! 3 integrity failure; 4 bad input file.

mod copies;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use sealdesk_api::{
    os_seeded_rng, AddresseeType, ApiError, Category, DrawnBox, NewUser, PiiKind, RegisterMeta,
    Review, Secrecy, Session, SystemClock, Vault, WorkerCommand,
};
use sealdesk_core::crypto::RecoveryCode;
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Parser)]
#[command(
    name = "sealdesk",
    version,
    about = "Sealdesk: confidential letters, need-to-know, and a ledger of every view"
)]
struct Cli {
    /// The vault folder (else $SEALDESK_VAULT, else the user's data dir).
    #[arg(long, global = true, env = "SEALDESK_VAULT")]
    vault: Option<PathBuf>,
    /// Who acts (else $SEALDESK_USER). The passphrase comes from
    /// $SEALDESK_PASSPHRASE or a prompt without echo.
    #[arg(long, global = true, env = "SEALDESK_USER")]
    user: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a vault with its first administrator; prints the recovery code once.
    Init {
        #[arg(long)]
        admin: String,
    },
    /// Create a demo vault with one user per role and two invented letters.
    Demo,
    /// Manage accounts (admin).
    #[command(subcommand)]
    User(UserCommand),
    /// Change your passphrase (new one from $SEALDESK_NEW_PASSPHRASE or a prompt).
    Passwd,
    /// Show who you are.
    Whoami,
    /// Prove the recovery code (from $SEALDESK_RECOVERY_CODE or a prompt) opens every key.
    Recover {
        /// Also give this auditor the ledger key (how a vault's first auditor gets it).
        #[arg(long, value_name = "AUDITOR")]
        grant_ledger: Option<String>,
    },
    /// The ledger: verify, checkpoint, read, export.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Marked copies of a letter: request, run, list (the copy register).
    #[command(subcommand)]
    Export(copies::ExportCommand),
    /// Register a letter from a PDF, scan (JPEG/PNG/TIFF), e-mail (.eml), ODF/Word document (.odt, .ods, .odp, .docx) or text file (clerk).
    Register(Box<RegisterArgs>),
    /// Read a file and list the personal data found in it. Needs no vault.
    Scan { file: PathBuf },
    /// Read the mark on a photo or scan of a page Sealdesk showed or gave out,
    /// and name the view or export it came from (auditor).
    Trace { image: PathBuf },
    /// The register.
    #[command(subcommand)]
    Letters(LettersCommand),
    /// Open a letter assigned to you (or that you registered), stating why; prints the working copy.
    Open {
        letter: String,
        #[arg(long)]
        reason: String,
        /// Affirm you have no relationship with the letter's parties (asked at first open).
        #[arg(long)]
        affirm_no_conflict: bool,
    },
    /// Clerk: ask units' supervisors "is this yours?" with a routing slip only.
    Inquire {
        letter: String,
        /// One or more units, comma-separated.
        #[arg(long, value_delimiter = ',')]
        unit: Vec<String>,
        /// The reply deadline shown on the slip.
        #[arg(long)]
        deadline: Option<String>,
    },
    /// Supervisor: inquiries to your unit. Clerk: the ones you sent, with answers.
    Inquiries,
    /// Supervisor: answer an inquiry.
    Answer {
        inquiry: String,
        #[arg(
            long,
            conflicts_with = "not_ours",
            required_unless_present = "not_ours"
        )]
        ours: bool,
        #[arg(long)]
        not_ours: bool,
    },
    /// Clerk: route a letter to a handler of a unit, for the unit supervisor's approval.
    Route {
        letter: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        handler: String,
        /// End of access (YYYY-MM-DD); 30 days when absent, at most 90.
        #[arg(long)]
        until: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Supervisor: pending requests of your unit. Clerk: reveal requests awaiting your endorsement.
    Requests,
    /// Supervisor: approve a request (routing or identity reveal).
    Approve {
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// Supervisor: deny a request; the prepared grant is destroyed.
    Deny {
        request: String,
        #[arg(long)]
        reason: String,
    },
    /// Supervisor: end an assignment now.
    Revoke {
        assignment: String,
        #[arg(long)]
        reason: String,
    },
    /// Handler: your assignments. Supervisor, with --unit: your unit's assignments.
    Assignments {
        /// Supervisor: every assignment of your unit (active and ended), to revoke from.
        #[arg(long)]
        unit: bool,
    },
    /// Clerk: the units and the supervisors and handlers routing can name.
    Directory,
    /// Clerk: the routing slip of a letter, as the supervisor will see it (reveals no one).
    Slip { letter: String },
    /// Handler: hand an assignment back to the supervisor (e.g. a conflict of interest).
    Decline {
        assignment: String,
        #[arg(long)]
        reason: String,
    },
    /// Identity reveals: request (handler), endorse (clerk), show (handler, once approved).
    #[command(subcommand)]
    Reveal(RevealCommand),
    /// Vault settings (admin): change the given ones; with none, show them.
    Settings {
        /// Seconds of inactivity before a session locks (60 to 28800).
        #[arg(long)]
        idle_timeout: Option<i64>,
        /// The longest access an approval may grant, in days (1 to 90).
        #[arg(long)]
        max_access_days: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user (first passphrase from $SEALDESK_NEW_PASSPHRASE or a prompt).
    Add {
        name: String,
        /// One or more of admin, clerk, supervisor, handler, auditor, comma-separated.
        #[arg(long)]
        role: String,
        /// The user's unit (科/室); required for supervisors and handlers.
        #[arg(long)]
        unit: Option<String>,
    },
    /// List accounts (admin, auditor).
    List,
    /// Disable an account; its open sessions stop at their next call.
    Disable { name: String },
    /// Re-enable an account.
    Enable { name: String },
    /// Give a user a new key pair and passphrase ($SEALDESK_NEW_PASSPHRASE); their old grants are dropped.
    Reset { name: String },
    /// Change a user's roles and unit (their certificate is signed again).
    Roles {
        name: String,
        /// One or more of admin, clerk, supervisor, handler, auditor, comma-separated.
        #[arg(long)]
        role: String,
        /// The user's unit; required for supervisors and handlers.
        #[arg(long)]
        unit: Option<String>,
    },
}

#[derive(Debug, Args)]
struct RegisterArgs {
    file: PathBuf,
    /// petition, whistleblower, procurement_objection or other.
    #[arg(long)]
    category: String,
    /// 保密期限: secret until this date (YYYY-MM-DD). One of --until and --condition is required.
    #[arg(
        long,
        required_unless_present = "condition",
        conflicts_with = "condition"
    )]
    until: Option<String>,
    /// 解密條件: secret until this condition is met.
    #[arg(long)]
    condition: Option<String>,
    /// 案由; may be a code name.
    #[arg(long)]
    subject: Option<String>,
    /// 密等 (default 密).
    #[arg(long, default_value = "密")]
    level: String,
    /// A sending agency (shown in the register).
    #[arg(long)]
    sender_agency: Option<String>,
    /// A sending person or company (sealed in the identity compartment, never shown in the register).
    #[arg(long)]
    sender: Option<String>,
    /// The sending agency's document number.
    #[arg(long)]
    sender_doc_no: Option<String>,
    /// agency, head or person.
    #[arg(long, default_value = "agency")]
    addressee: String,
    /// Who opened the inner envelope (default: you).
    #[arg(long)]
    opened_by: Option<String>,
    /// The seal was broken on arrival.
    #[arg(long)]
    seal_broken: bool,
    /// Pages as counted (default: the file's own count).
    #[arg(long)]
    pages: Option<u32>,
    /// A party named in the letter (procurement: companies); repeat for more.
    #[arg(long = "party")]
    parties: Vec<String>,
    /// 保存年限 in years.
    #[arg(long, default_value_t = 10)]
    retention_years: u32,
    /// Review: a detected value that is not personal data; repeat for more.
    #[arg(long = "drop-finding")]
    drop_findings: Vec<String>,
    /// Review: a missed value, as KIND=VALUE (e.g. person=王小明); repeat for more.
    #[arg(long = "add-finding")]
    add_findings: Vec<String>,
    /// Review: a box to black out on a page image, as PAGE:X0,Y0,X1,Y1 or
    /// PAGE:X0,Y0,X1,Y1:KIND (pixels of the page as rendered, 150 dpi; the
    /// kind defaults to person). Text read under it becomes a finding.
    #[arg(long = "redact-box")]
    redact_boxes: Vec<String>,
    /// Review: a page OCR read poorly or not at all (handwriting, a photo,
    /// a seal), released to handlers after you looked at it and boxed what
    /// identifies (--redact-box). Without it such a page is withheld.
    #[arg(long = "release-page")]
    release_pages: Vec<u32>,
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Check the chain and every signature; needs no passphrase. Exit 3 on damage.
    Verify {
        /// A checkpoint kept outside the workstation (from `ledger checkpoint`).
        #[arg(long)]
        checkpoint: Option<PathBuf>,
        /// Auditor (--user): also open every entry and check that it names
        /// only the account that wrote it; one naming anyone else is forged.
        #[arg(long)]
        entries: bool,
    },
    /// Sign a checkpoint at the ledger's head and write it for safekeeping.
    Checkpoint {
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the workstation's public key (what verify-export needs).
    Key,
    /// Auditor: read every entry.
    Entries,
    /// Auditor: give another auditor the ledger key.
    Grant { name: String },
    /// Auditor: write entries (JSONL, CSV), the sealed chain, a signed checkpoint and a manifest.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify an export on any machine, with only the workstation's public key. Exit 3 on damage.
    VerifyExport {
        dir: PathBuf,
        /// The workstation's public key (hex), as `ledger key` prints it.
        #[arg(long, required_unless_present = "checkpoint")]
        workstation_key: Option<String>,
        /// Or a checkpoint kept earlier; its key is used.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum RevealCommand {
    /// Handler: ask for the petitioner's identity, with a reason.
    Request {
        letter: String,
        #[arg(long)]
        reason: String,
    },
    /// Clerk holding the identity: endorse a reveal request for the supervisor's decision.
    Endorse { request: String },
    /// Handler: show the identity once the reveal is approved.
    Show { letter: String },
}

#[derive(Debug, Subcommand)]
enum LettersCommand {
    /// Register lines you may see.
    List,
    /// One register line.
    Show { id: String },
}

/// A failure with its stable kind and exit code.
#[derive(Debug)]
struct Failure {
    kind: &'static str,
    message: String,
    code: u8,
    /// A report still printed on stdout (a verifier's findings).
    report: Option<(serde_json::Value, String)>,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        let kind = e.kind();
        let code = match kind {
            "bad_credentials"
            | "throttled"
            | "user_disabled"
            | "locked"
            | "denied"
            | "separation_of_duties"
            | "bad_recovery_code"
            | "affirmation_required" => 2,
            "integrity" | "schema_too_new" | "ledger_unavailable" => 3,
            "bad_file" => 4,
            _ => 1,
        };
        Failure {
            kind,
            message: e.to_string(),
            code,
            report: None,
        }
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        kind: "usage",
        message: message.into(),
        code: 1,
        report: None,
    }
}

fn bad_file(message: impl Into<String>) -> Failure {
    Failure {
        kind: "bad_file",
        message: message.into(),
        code: 4,
        report: None,
    }
}

type CliResult = Result<(serde_json::Value, String), Failure>;

fn main() -> ExitCode {
    // Untrusted files are parsed by this same binary in a limited child process.
    if std::env::args().nth(1).as_deref() == Some(sealdesk_api::WORKER_ARG) {
        return ExitCode::from(u8::try_from(sealdesk_api::parse_worker_main()).unwrap_or(1));
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 1,
            };
            // Under --json a script reads stderr as JSON, usage errors too.
            if code != 0 && std::env::args().any(|a| a == "--json") {
                let message = e.render().to_string();
                eprintln!(
                    "{}",
                    json!({"error": {"kind": "usage", "message": message.trim_end()}})
                );
            } else {
                let _ = e.print();
            }
            return ExitCode::from(code);
        }
    };
    let json_out = cli.json;
    ending::install();
    let mut ctx = Ctx::default();
    let result = run(cli, &mut ctx);
    ctx.finish();
    if let Some(code) = ending::signalled() {
        // The command in hand finished and the session attested; the
        // signal's exit status is what the sender waits for.
        return ExitCode::from(code);
    }
    match result {
        Ok((value, human)) => {
            if json_out {
                println!("{value}");
            } else if !human.is_empty() {
                println!("{human}");
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            if let Some((value, human)) = &f.report {
                if json_out {
                    println!("{value}");
                } else {
                    println!("{human}");
                }
            }
            if json_out {
                eprintln!(
                    "{}",
                    json!({"error": {"kind": f.kind, "message": f.message}})
                );
            } else {
                eprintln!("sealdesk: error[{}]: {}", f.kind, f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

fn vault_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    if let Some(v) = &cli.vault {
        return Ok(v.clone());
    }
    dirs::data_dir()
        .map(|d| d.join("sealdesk").join("vault"))
        .ok_or_else(|| usage("no --vault given and no user data directory; pass --vault DIR"))
}

fn open_vault(cli: &Cli) -> Result<Vault, Failure> {
    let mut vault = Vault::open(&vault_dir(cli)?, Arc::new(SystemClock), os_seeded_rng())?;
    // This desk keeps what it last saw of the ledger in the user's own data
    // directory, and checks at every login that the ledger extends it.
    vault.set_witness_dir(Some(sealdesk_api::default_witness_dir()));
    Ok(vault)
}

fn secret_from_env_or_prompt(var: &str, prompt: &str) -> Result<Passphrase, Failure> {
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

fn new_passphrase(prompt: &str) -> Result<Passphrase, Failure> {
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

fn login(cli: &Cli, vault: &mut Vault) -> Result<Session, Failure> {
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
struct Ctx {
    vault: Option<Vault>,
    session: Option<Session>,
}

impl Ctx {
    fn login(&mut self, cli: &Cli) -> Result<(&mut Vault, &mut Session), Failure> {
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

    fn finish(&mut self) {
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
mod ending {
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

fn read_input(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| bad_file(format!("{}: {e}", path.display())))
}

/// `PAGE:X0,Y0,X1,Y1[:KIND]` as a drawn box.
fn parse_box(arg: &str) -> Result<DrawnBox, Failure> {
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

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

fn run(cli: Cli, ctx: &mut Ctx) -> CliResult {
    match &cli.command {
        Command::Init { admin } => {
            let dir = vault_dir(&cli)?;
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
        Command::Demo => {
            let dir = vault_dir(&cli)?;
            let demo = sealdesk_api::demo::create_demo_vault(
                &dir,
                Arc::new(SystemClock),
                os_seeded_rng(),
            )?;
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
        Command::User(cmd) => {
            let (vault, s) = ctx.login(&cli)?;
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
        Command::Passwd => {
            let mut vault = open_vault(&cli)?;
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
        Command::Whoami => {
            let (vault, s) = ctx.login(&cli)?;
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
        Command::Recover { grant_ledger } => {
            let mut vault = open_vault(&cli)?;
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
        Command::Ledger(cmd) => ledger_command(&cli, cmd, ctx),
        Command::Export(cmd) => copies::export_command(&cli, cmd, ctx),
        Command::Register(args) => {
            let bytes = read_input(&args.file)?;
            let secrecy = match (&args.until, &args.condition) {
                (Some(d), None) => Secrecy::Until(d.clone()),
                (None, Some(c)) => Secrecy::Condition(c.clone()),
                _ => return Err(usage("give exactly one of --until or --condition")),
            };
            let mut meta = RegisterMeta::new(Category::parse(&args.category)?, secrecy);
            meta.subject = args.subject.clone().unwrap_or_default();
            meta.level = args.level.clone();
            meta.sender = args.sender.clone();
            meta.sender_agency = args.sender_agency.clone();
            meta.sender_doc_no = args.sender_doc_no.clone();
            meta.addressee = match args.addressee.as_str() {
                "agency" => AddresseeType::Agency,
                "head" => AddresseeType::Head,
                "person" => AddresseeType::Person,
                other => {
                    return Err(usage(format!(
                        "--addressee {other:?}: agency, head or person"
                    )))
                }
            };
            meta.opened_by = args.opened_by.clone();
            meta.seal_intact = !args.seal_broken;
            meta.pages = args.pages;
            meta.parties = args.parties.clone();
            meta.retention_years = args.retention_years;
            let mut review = Review {
                drop: args.drop_findings.clone(),
                release: args.release_pages.clone(),
                ..Review::default()
            };
            for b in &args.redact_boxes {
                review.boxes.push(parse_box(b)?);
            }
            for a in &args.add_findings {
                let (k, v) = a
                    .split_once('=')
                    .ok_or_else(|| usage(format!("--add-finding {a:?}: expected KIND=VALUE")))?;
                let kind: PiiKind = serde_json::from_value(json!(k))
                    .map_err(|_| usage(format!("unknown finding kind {k:?}")))?;
                review.add.push((kind, v.to_owned()));
            }
            let name = file_name(&args.file);
            let (vault, s) = ctx.login(&cli)?;
            vault.set_parse_worker(WorkerCommand::current_exe().map_err(ApiError::BadFile)?);
            let r = vault.register_file(s, &bytes, &name, &meta, &review)?;
            let mut human = format!("Registered {} ({}) from {} ({} page(s), {} characters); {} finding(s) sealed in the identity compartment",
                r.receipt_no, r.letter_id, r.source.as_str(), r.pages, r.text_chars, r.findings.len());
            for n in &r.notices {
                human.push_str(&format!("\n  {n}"));
            }
            Ok((to_json(&r), human))
        }
        Command::Trace { image } => {
            let bytes = read_input(image)?;
            let (vault, s) = ctx.login(&cli)?;
            let r = vault.trace(s, &bytes)?;
            let mut human = format!(
                "{}: code {} read from the {} (confidence {:.2})",
                image.display(),
                r.code,
                r.channel,
                r.confidence
            );
            match &r.entry {
                Some(e) => human.push_str(&format!(
                    "\n  ledger entry #{}: {} {} by {} at {}{}",
                    e.seq,
                    e.action,
                    e.receipt_no.as_deref().unwrap_or("-"),
                    e.user,
                    e.at,
                    e.reason
                        .as_deref()
                        .map(|r| format!(", reason: {r}"))
                        .unwrap_or_default()
                )),
                None if r.verdict == "footer_only" => human.push_str(
                    "\n  only the footer's QR code was read: a footer can be pasted from another copy, so it names no one on its own",
                ),
                None if r.verdict == "conflict" => human.push_str(
                    "\n  CONFLICT: the page carries more than one code (a composite of copies, a pasted footer, or collusion); no one is named",
                ),
                None => human.push_str("\n  no entry in this vault's ledger carries this code"),
            }
            if !r.certain {
                for c in &r.candidates {
                    human.push_str(&format!(
                        "\n  candidate {} (read from {}): {}",
                        c.code,
                        c.channels.join(", "),
                        c.entry
                            .as_ref()
                            .map(|e| format!("ledger entry #{} {} by {}", e.seq, e.action, e.user))
                            .unwrap_or_else(|| "no entry in this vault".into())
                    ));
                }
            }
            if let Some(c) = &r.copy {
                human.push_str(&format!(
                    "\n  copy 第{}份 ({}) for {}, made by {}, approved by {}{}",
                    c.copy_no,
                    c.kind,
                    c.recipient,
                    c.made_by,
                    c.approved_by,
                    if c.verified { "" } else { " [NOT VERIFIED]" }
                ));
            }
            Ok((to_json(&r), human))
        }
        Command::Scan { file } => {
            let bytes = read_input(file)?;
            let worker = WorkerCommand::current_exe().map_err(ApiError::BadFile)?;
            let r = sealdesk_api::scan_file(&worker, &bytes, &file_name(file))?;
            let mut human = format!(
                "{}: {} ({} characters, {} page(s), read by {})",
                file.display(),
                r.source.as_str(),
                r.text_chars,
                r.pages,
                r.extractor
            );
            for f in &r.findings {
                human.push_str(&format!(
                    "\n  {:<15} {}  [{}..{}] {:.2}",
                    f.kind.as_str(),
                    f.value,
                    f.start,
                    f.end,
                    f.confidence
                ));
            }
            for n in &r.notices {
                human.push_str(&format!("\n  {n}"));
            }
            let value = json!({
                "source": file.display().to_string(),
                "kind": r.source,
                "text_chars": r.text_chars,
                "pages": r.pages,
                "extractor": r.extractor,
                "findings": to_json(&r.findings),
                "notices": r.notices,
            });
            Ok((value, human))
        }
        Command::Letters(cmd) => {
            let (vault, s) = ctx.login(&cli)?;
            let letters = vault.list_letters(s)?;
            match cmd {
                LettersCommand::List => {
                    let human = letters
                        .iter()
                        .map(|l| {
                            format!(
                                "{}  {}  {}  {}",
                                l.receipt_no,
                                l.level,
                                l.category,
                                if l.can_read { "readable" } else { "-" }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n");
                    Ok((json!({"letters": to_json(&letters)}), human))
                }
                LettersCommand::Show { id } => {
                    let l = letters
                        .into_iter()
                        .find(|l| &l.id == id || &l.receipt_no == id)
                        .ok_or_else(|| Failure::from(ApiError::NotFound(format!("letter {id}"))))?;
                    let human = format!("{}  {}  {}", l.receipt_no, l.level, l.category);
                    Ok((to_json(&l), human))
                }
            }
        }
        Command::Open {
            letter,
            reason,
            affirm_no_conflict,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            let c = vault.open_letter_affirming(s, letter, reason, *affirm_no_conflict)?;
            let human = format!("{}  {}  {}\n\n{}", c.receipt_no, c.level, c.subject, c.text);
            Ok((to_json(&c), human))
        }
        Command::Inquire {
            letter,
            unit,
            deadline,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            let qs = vault.inquire(s, letter, unit, deadline.as_deref())?;
            let human = qs
                .iter()
                .map(|q| format!("inquiry {} to {}", q.id, q.unit))
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"inquiries": to_json(&qs)}), human))
        }
        Command::Inquiries => {
            let (vault, s) = ctx.login(&cli)?;
            let qs = vault.inquiries(s)?;
            let human = qs
                .iter()
                .map(|q| {
                    format!(
                        "{}  {}  {}  {}",
                        q.id,
                        q.receipt_no,
                        q.unit,
                        q.answer.as_deref().unwrap_or("(unanswered)")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"inquiries": to_json(&qs)}), human))
        }
        Command::Answer { inquiry, ours, .. } => {
            let (vault, s) = ctx.login(&cli)?;
            let q = vault.answer_inquiry(s, inquiry, *ours)?;
            Ok((
                to_json(&q),
                format!("Answered {}: {}", q.id, q.answer.as_deref().unwrap_or("")),
            ))
        }
        Command::Route {
            letter,
            unit,
            handler,
            until,
            reason,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            let r = vault.route(s, letter, unit, handler, until.as_deref(), reason)?;
            Ok((
                to_json(&r),
                format!(
                    "Request {} ({} to {} of {}) awaits the supervisor",
                    r.id, r.receipt_no, r.handler, r.unit
                ),
            ))
        }
        Command::Requests => {
            let (vault, s) = ctx.login(&cli)?;
            let rs = vault.requests(s)?;
            let human = rs
                .iter()
                .map(|r| {
                    format!(
                        "{}  {}  {}  {} -> {}  {}  {}",
                        r.id, r.kind, r.receipt_no, r.requested_by, r.handler, r.status, r.reason
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"requests": to_json(&rs)}), human))
        }
        Command::Approve { request, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            match vault.approve_any(s, request, reason)? {
                sealdesk_api::Approved::Assignment(a) => Ok((
                    to_json(&a),
                    format!(
                        "Approved: assignment {} ({}) until {}",
                        a.id, a.receipt_no, a.until
                    ),
                )),
                sealdesk_api::Approved::Copy(r) => Ok((
                    to_json(&r),
                    format!(
                        "Approved: {} of {} for {} (request {}), to be made by {} before {}",
                        r.kind, r.receipt_no, r.handler, r.id, r.requested_by, r.until
                    ),
                )),
            }
        }
        Command::Deny { request, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            let r = vault.deny_request(s, request, reason)?;
            Ok((to_json(&r), format!("Denied request {}", r.id)))
        }
        Command::Revoke { assignment, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            let a = vault.revoke(s, assignment, reason)?;
            let mut human = format!("Revoked assignment {}", a.id);
            if let Some(n) = &a.notice {
                human.push_str(&format!("\n  {n}"));
            }
            Ok((to_json(&a), human))
        }
        Command::Assignments { unit } => {
            let (vault, s) = ctx.login(&cli)?;
            let xs = if *unit {
                vault.unit_assignments(s)?
            } else {
                vault.assignments(s)?
            };
            let human = xs
                .iter()
                .map(|a| {
                    format!(
                        "{}  {}  {}  {}  {}",
                        a.id,
                        a.kind,
                        a.receipt_no,
                        a.unit,
                        if a.active {
                            "active"
                        } else {
                            a.ended.as_deref().unwrap_or("expired")
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"assignments": to_json(&xs)}), human))
        }
        Command::Decline { assignment, reason } => {
            let (vault, s) = ctx.login(&cli)?;
            let a = vault.decline(s, assignment, reason)?;
            Ok((to_json(&a), format!("Declined assignment {}", a.id)))
        }
        Command::Reveal(cmd) => {
            let (vault, s) = ctx.login(&cli)?;
            match cmd {
                RevealCommand::Request { letter, reason } => {
                    let r = vault.reveal_request(s, letter, reason)?;
                    Ok((
                        to_json(&r),
                        format!("Reveal request {} awaits the clerk's endorsement", r.id),
                    ))
                }
                RevealCommand::Endorse { request } => {
                    let r = vault.reveal_endorse(s, request)?;
                    Ok((
                        to_json(&r),
                        format!("Endorsed {}; awaits the supervisor", r.id),
                    ))
                }
                RevealCommand::Show { letter } => {
                    let v = vault.reveal_show(s, letter)?;
                    let human = v
                        .findings
                        .iter()
                        .map(|f| format!("{:<15} {}", f.kind.as_str(), f.value))
                        .collect::<Vec<_>>()
                        .join("\n");
                    Ok((to_json(&v), human))
                }
            }
        }
        Command::Settings {
            idle_timeout: Some(idle_timeout),
            max_access_days: None,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            vault.set_idle_timeout(s, *idle_timeout)?;
            Ok((
                json!({"idle_timeout_secs": idle_timeout}),
                format!("Sessions now lock after {idle_timeout} s idle"),
            ))
        }
        Command::Settings {
            idle_timeout,
            max_access_days,
        } => {
            let (vault, s) = ctx.login(&cli)?;
            if let Some(secs) = idle_timeout {
                vault.set_idle_timeout(s, *secs)?;
            }
            if let Some(days) = max_access_days {
                vault.set_max_access_days(s, *days)?;
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
        Command::Directory => {
            let (vault, s) = ctx.login(&cli)?;
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
        Command::Slip { letter } => {
            let (vault, s) = ctx.login(&cli)?;
            let slip = vault.routing_slip(s, letter)?;
            let human = format!(
                "{}  {}  {}  {}  deadline {}\n{}",
                slip.receipt_no,
                slip.level,
                slip.category,
                slip.subject,
                slip.deadline.as_deref().unwrap_or("-"),
                slip.summary
            );
            Ok((to_json(&slip), human))
        }
    }
}

fn read_checkpoint(path: &std::path::Path) -> Result<sealdesk_api::Checkpoint, Failure> {
    let bytes = std::fs::read(path).map_err(|e| bad_file(format!("{}: {e}", path.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| bad_file(format!("{}: not a checkpoint: {e}", path.display())))
}

fn damage_failure(value: serde_json::Value, damage: &sealdesk_api::Finding) -> Failure {
    let kind = serde_json::to_value(damage.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let human = format!(
        "LEDGER DAMAGED: {kind} at entry {}: {}",
        damage.seq, damage.detail
    );
    Failure {
        kind: "integrity",
        message: format!("ledger damaged: {kind} at entry {}", damage.seq),
        code: 3,
        report: Some((value, human)),
    }
}

fn ledger_command(cli: &Cli, cmd: &LedgerCommand, ctx: &mut Ctx) -> CliResult {
    match cmd {
        LedgerCommand::Verify {
            checkpoint,
            entries,
        } => {
            let kept = checkpoint.as_deref().map(read_checkpoint).transpose()?;
            let report = if *entries {
                let (vault, s) = ctx.login(cli)?;
                vault.ledger_verify_entries(s, kept.as_ref())?
            } else {
                open_vault(cli)?.ledger_verify(kept.as_ref())?
            };
            let value = to_json(&report);
            if let Some(d) = &report.report.damage {
                return Err(damage_failure(value, d));
            }
            Ok((
                value,
                format!(
                    "Ledger {}; head {}",
                    report.summary,
                    hex::encode(report.report.head_hash)
                ),
            ))
        }
        LedgerCommand::Key => {
            let mut vault = open_vault(cli)?;
            let key = hex::encode(vault.workstation_public_key()?.0);
            let id = vault.workstation_id()?;
            Ok((
                json!({"workstation_public_key": key, "workstation_id": id, "root_public_key": key}),
                key,
            ))
        }
        LedgerCommand::Checkpoint { out } => {
            let (vault, s) = ctx.login(cli)?;
            let cp = vault.ledger_checkpoint(s)?;
            let bytes = serde_json::to_vec_pretty(&cp).map_err(|e| usage(e.to_string()))?;
            std::fs::write(out, bytes).map_err(|e| bad_file(format!("{}: {e}", out.display())))?;
            Ok((
                to_json(&cp),
                format!(
                    "Checkpoint at entry {} written to {}; keep it off this workstation",
                    cp.seq,
                    out.display()
                ),
            ))
        }
        LedgerCommand::Entries => {
            let (vault, s) = ctx.login(cli)?;
            let entries = vault.ledger_entries(s)?;
            let human = entries
                .iter()
                .map(|e| {
                    let b = &e.body;
                    format!(
                        "{:>6}  {}  {:<12} {:<14} {:<8} {} {}",
                        b.seq,
                        b.at,
                        b.user,
                        b.action,
                        b.outcome,
                        b.receipt_no.as_deref().unwrap_or("-"),
                        b.reason.as_deref().or(b.detail.as_deref()).unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            Ok((json!({"entries": to_json(&entries)}), human))
        }
        LedgerCommand::Grant { name } => {
            let (vault, s) = ctx.login(cli)?;
            vault.ledger_grant(s, name)?;
            Ok((
                json!({"granted_to": name}),
                format!("Ledger key granted to {name}"),
            ))
        }
        LedgerCommand::Export { out } => {
            let (vault, s) = ctx.login(cli)?;
            let summary = vault.ledger_export(s, out)?;
            Ok((
                to_json(&summary),
                format!(
                    "Exported {} entries to {} (checkpoint at entry {})",
                    summary.entries, summary.dir, summary.checkpoint.seq
                ),
            ))
        }
        LedgerCommand::VerifyExport {
            dir,
            workstation_key,
            checkpoint,
        } => {
            let root = match workstation_key {
                Some(h) => Some(
                    hex::decode(h.trim())
                        .ok()
                        .and_then(|v| <[u8; 32]>::try_from(v).ok())
                        .ok_or_else(|| usage("--workstation-key must be 64 hex digits"))?,
                ),
                None => None,
            };
            let anchor = match (root, checkpoint) {
                (root, Some(p)) => {
                    let cp = read_checkpoint(p)?;
                    if root.is_some_and(|r| r != cp.workstation_public_key) {
                        return Err(usage(
                            "the checkpoint is of another vault than --workstation-key",
                        ));
                    }
                    sealdesk_api::ExportAnchor::Checkpoint(cp)
                }
                (Some(r), None) => {
                    sealdesk_api::ExportAnchor::RootKey(sealdesk_core::crypto::VerifyingKey(r))
                }
                (None, None) => return Err(usage("give --workstation-key or --checkpoint")),
            };
            let report = sealdesk_api::verify_export(dir, &anchor)?;
            let value = to_json(&report);
            if let Some(d) = &report.damage {
                return Err(damage_failure(value, d));
            }
            Ok((
                value,
                format!(
                    "Export intact: {} entries match the sealed chain and its signed checkpoint at {}",
                    report.entries, report.checkpoint_seq
                ),
            ))
        }
    }
}
