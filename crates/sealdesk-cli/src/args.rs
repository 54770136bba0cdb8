//! The command line's arguments: every command, its flags and their help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "sealdesk",
    version,
    about = "Sealdesk: confidential letters, need-to-know, and a ledger of every view"
)]
pub(crate) struct Cli {
    /// The vault folder (else $SEALDESK_VAULT, else the user's data dir).
    #[arg(long, global = true, env = "SEALDESK_VAULT")]
    pub(crate) vault: Option<PathBuf>,
    /// Who acts (else $SEALDESK_USER). The passphrase comes from
    /// $SEALDESK_PASSPHRASE or a prompt without echo.
    #[arg(long, global = true, env = "SEALDESK_USER")]
    pub(crate) user: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a vault with its first administrator; prints the recovery code once.
    Init {
        #[arg(long)]
        admin: String,
        /// Make the vault on an agency's PostgreSQL server instead of a SQLite
        /// file: `postgresql://OWNER@HOST/DB?sslrootcert=CA.crt` (TLS with the
        /// server's certificate verified is the default; `sslmode=disable` only
        /// over a local socket). The --vault folder then holds `vault.toml`.
        #[arg(long)]
        store: Option<String>,
    },
    /// Where this desk's vault is kept; join a vault on a server; move one.
    #[command(subcommand)]
    Vault(VaultCommand),
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
    /// 政風 reports over the ledger (auditor).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Marked copies of a letter: request, run, list (the copy register).
    #[command(subcommand)]
    Export(crate::copies::ExportCommand),
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
pub(crate) enum AuditCommand {
    /// The misuse report over a period: lookups per user against their own
    /// and their peers' medians, off-hours and on-leave lookups, lookups not
    /// tied to an assignment, reasons used mechanically, a reproducible
    /// random sample, dormant accounts, reveals and copies, role changes.
    /// Writes CSV files and report.html into --out; recorded in the ledger.
    Report(Box<ReportArgs>),
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// First day (民國 115/11/01 or 2026-11-01), Taiwan time.
    #[arg(long)]
    pub(crate) from: String,
    /// Last day, included.
    #[arg(long)]
    pub(crate) to: String,
    /// The folder the report's files are written to (created if missing).
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// The random sample's seed (printed and recorded); drawn when absent.
    #[arg(long)]
    pub(crate) seed: Option<u64>,
    /// Office hours, HH:MM-HH:MM (Taiwan time) on workdays.
    #[arg(long, default_value = "08:00-18:00")]
    pub(crate) office_hours: String,
    /// Duty roster CSV: 帳號,日期,開始,結束 (user,date,start,end).
    #[arg(long)]
    pub(crate) roster: Option<PathBuf>,
    /// Leave calendar CSV: 帳號,起日,迄日 (user,first day,last day).
    #[arg(long)]
    pub(crate) leave: Option<PathBuf>,
    /// Holidays CSV: 日期 (one weekday off a line).
    #[arg(long)]
    pub(crate) holidays: Option<PathBuf>,
    /// Flag a count above this many times the median it is compared with.
    #[arg(long, default_value_t = 3.0)]
    pub(crate) multiple: f64,
    /// A count below this never flags for volume.
    #[arg(long, default_value_t = 10)]
    pub(crate) min_lookups: u64,
    /// One user's same reason on this many letters is flagged.
    #[arg(long, default_value_t = 15)]
    pub(crate) reason_letters: usize,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
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
pub(crate) struct RegisterArgs {
    pub(crate) file: PathBuf,
    /// petition, whistleblower, procurement_objection or other.
    #[arg(long)]
    pub(crate) category: String,
    /// 保密期限: secret until this date (YYYY-MM-DD). One of --until and --condition is required.
    #[arg(
        long,
        required_unless_present = "condition",
        conflicts_with = "condition"
    )]
    pub(crate) until: Option<String>,
    /// 解密條件: secret until this condition is met.
    #[arg(long)]
    pub(crate) condition: Option<String>,
    /// 案由; may be a code name.
    #[arg(long)]
    pub(crate) subject: Option<String>,
    /// 密等 (default 密).
    #[arg(long, default_value = "密")]
    pub(crate) level: String,
    /// A sending agency (shown in the register).
    #[arg(long)]
    pub(crate) sender_agency: Option<String>,
    /// A sending person or company (sealed in the identity compartment, never shown in the register).
    #[arg(long)]
    pub(crate) sender: Option<String>,
    /// The sending agency's document number.
    #[arg(long)]
    pub(crate) sender_doc_no: Option<String>,
    /// agency, head or person.
    #[arg(long, default_value = "agency")]
    pub(crate) addressee: String,
    /// Who opened the inner envelope (default: you).
    #[arg(long)]
    pub(crate) opened_by: Option<String>,
    /// The seal was broken on arrival.
    #[arg(long)]
    pub(crate) seal_broken: bool,
    /// Pages as counted (default: the file's own count).
    #[arg(long)]
    pub(crate) pages: Option<u32>,
    /// A party named in the letter (procurement: companies); repeat for more.
    #[arg(long = "party")]
    pub(crate) parties: Vec<String>,
    /// 保存年限 in years.
    #[arg(long, default_value_t = 10)]
    pub(crate) retention_years: u32,
    /// Review: a detected value that is not personal data; repeat for more.
    #[arg(long = "drop-finding")]
    pub(crate) drop_findings: Vec<String>,
    /// Review: a missed value, as KIND=VALUE (e.g. person=王小明); repeat for more.
    #[arg(long = "add-finding")]
    pub(crate) add_findings: Vec<String>,
    /// Review: a box to black out on a page image, as PAGE:X0,Y0,X1,Y1 or
    /// PAGE:X0,Y0,X1,Y1:KIND (pixels of the page as rendered, 150 dpi; the
    /// kind defaults to person). Text read under it becomes a finding.
    #[arg(long = "redact-box")]
    pub(crate) redact_boxes: Vec<String>,
    /// Review: a page OCR read poorly or not at all (handwriting, a photo,
    /// a seal), released to handlers after you looked at it and boxed what
    /// identifies (--redact-box). Without it such a page is withheld.
    #[arg(long = "release-page")]
    pub(crate) release_pages: Vec<u32>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum LedgerCommand {
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
pub(crate) enum RevealCommand {
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
pub(crate) enum LettersCommand {
    /// Register lines you may see.
    List,
    /// One register line.
    Show { id: String },
    /// Close a letter (結案): a supervisor of a unit it was routed to.
    Close {
        /// Its id or receipt number.
        letter: String,
        #[arg(long)]
        reason: String,
    },
    /// Declassify a letter: `period_ended` (註銷, the handling unit, once its
    /// 保密期限 has come) or `condition_met` (解密, the supervisor who
    /// approved its level).
    Declassify {
        letter: String,
        #[arg(long)]
        basis: String,
        #[arg(long)]
        reason: String,
    },
    /// Clerk: put a declassified letter past its retention on a destruction list (銷毀目錄).
    DestroyList {
        letter: String,
        /// The destruction list's document number.
        #[arg(long)]
        list_no: String,
        #[arg(long)]
        reason: String,
    },
    /// Supervisor: approve a listed letter's destruction.
    DestroyApprove {
        letter: String,
        #[arg(long)]
        reason: String,
    },
    /// Auditor (監銷): witness and carry out an approved destruction (crypto-shredding).
    Destroy {
        letter: String,
        /// Destroy the identity compartment too (its own decision).
        #[arg(long)]
        identity: bool,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum VaultCommand {
    /// The store this desk uses (sqlite or postgresql), where, and the vault
    /// root's fingerprint; on a server vault, also the file other desks join with.
    Info,
    /// Set up this desk on a vault on a server, from the `vault.toml` an
    /// administrator gave (its store URL and the root it pins). Refused,
    /// keeping nothing, when the server holds another vault.
    Join { file: PathBuf },
    /// Copy this vault into a new store: `--to postgresql://…` (an empty
    /// database; `--into DIR` is the new desk folder naming it) or `--to DIR`
    /// (a new SQLite folder). Verified by a count of every table and the
    /// ledger head on both sides.
    Migrate {
        #[arg(long)]
        to: String,
        #[arg(long)]
        into: Option<PathBuf>,
    },
}
