//! The Tauri commands. Each one forwards to a single `Vault` method, which
//! checks who may do it; nothing here decides anything.
//! (They live in a module: a `pub` command in the crate root collides with
//! the macro-generated items, E0255.)

use std::path::PathBuf;
use std::sync::MutexGuard;

use sealdesk_api::{
    os_seeded_rng, ApiError, AssignmentInfo, CopyInfo, Draft, ExportAnchor, ExportDone,
    IdentityView, InquiryInfo, LedgerReadout, LedgerReport, LetterContent, LetterSummary, Me,
    NewUser, PrintJob, RegisterMeta, Registered, RequestInfo, Review, Role, RoutingDirectory,
    RoutingSlip, Session, Settings, TraceReport, UserInfo, Vault,
};
use sealdesk_core::domain::RoleSet;
use sealdesk_core::secret::Passphrase;
use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use crate::dto::*;
use crate::{AppState, CommandError, Inner};

fn inner<'a>(state: &'a State<'_, AppState>) -> Result<MutexGuard<'a, Inner>, CommandError> {
    state
        .inner
        .lock()
        .map_err(|_| CommandError::internal("state poisoned; restart Sealdesk"))
}

fn roles(list: &[Role]) -> Result<RoleSet, CommandError> {
    RoleSet::new(list.iter().copied()).map_err(|e| ApiError::Rule(e).into())
}

#[tauri::command]
pub async fn login(state: State<'_, AppState>, args: LoginArgs) -> Result<Me, CommandError> {
    // Into a zeroizing wrapper at once; the IPC layer's own copy is beyond reach.
    let passphrase = Passphrase::new(args.passphrase);
    let mut guard = inner(&state)?;
    let g = &mut *guard;
    // Whoever logs in next at this desk must not inherit the last session.
    if let (Some(v), Some(mut s)) = (g.vault.as_mut(), g.session.take()) {
        v.lock(&mut s);
    }
    if g.vault.is_none() {
        let mut vault = Vault::open(&state.vault_dir, state.clock.clone(), os_seeded_rng())?;
        vault.set_witness_dir(Some(state.witness_dir.clone()));
        g.vault = Some(vault);
    }
    let vault = g
        .vault
        .as_mut()
        .ok_or_else(|| CommandError::internal("vault not open"))?;
    let mut session = vault.login(args.name.trim(), &passphrase)?;
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

#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> Result<(), CommandError> {
    let mut guard = inner(&state)?;
    let g = &mut *guard;
    if let (Some(v), Some(mut s)) = (g.vault.as_mut(), g.session.take()) {
        v.lock(&mut s);
    }
    Ok(())
}

#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    args: ChangePassphraseArgs,
) -> Result<(), CommandError> {
    let (old, new) = (Passphrase::new(args.old), Passphrase::new(args.new));
    with_session(&state, |v, s| v.change_passphrase(s, &old, &new))
}

// ------------------------------------------------------------ register

/// The register lines the caller may see (clerk: all; supervisor and
/// handler: those they hold a key to). Admin and auditor get `denied`.
#[tauri::command]
pub async fn letters(state: State<'_, AppState>) -> Result<Vec<LetterSummary>, CommandError> {
    with_session(&state, |v, s| v.list_letters(s))
}

/// A command's raw request body: a file's bytes, sent without JSON.
fn raw_body<'r>(request: &'r Request<'_>) -> Result<&'r [u8], CommandError> {
    match request.body() {
        InvokeBody::Raw(bytes) => Ok(bytes),
        _ => Err(CommandError::bad_input("expected the file's bytes")),
    }
}

/// The file's bytes come as the raw request body, its name in the
/// `x-file-name` header (percent-encoded).
#[tauri::command]
pub async fn draft_file(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<Draft, CommandError> {
    let bytes = raw_body(&request)?;
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8_lossy()
                .into_owned()
        })
        .unwrap_or_else(|| "letter".into());
    with_session(&state, |v, s| v.draft_file(s, bytes, &name))
}

#[tauri::command]
pub async fn draft_text(
    state: State<'_, AppState>,
    args: DraftTextArgs,
) -> Result<Draft, CommandError> {
    with_session(&state, |v, s| v.draft_text(s, &args.text))
}

#[tauri::command]
pub async fn register_draft(
    state: State<'_, AppState>,
    args: RegisterDraftArgs,
) -> Result<Registered, CommandError> {
    let mut meta = RegisterMeta::new(args.category, args.secrecy);
    meta.subject = args.subject;
    meta.set_level(&args.level)?;
    meta.sender_agency = args.sender_agency;
    meta.sender = args.sender;
    meta.sender_doc_no = args.sender_doc_no;
    meta.received_at = args.received_at;
    meta.deadline = args.deadline.filter(|d| !d.trim().is_empty());
    meta.parties = args.parties;
    let review = Review {
        drop: args.drop,
        add: args.add,
        boxes: args.boxes,
        release: args.release.unwrap_or_default(),
        shown: args.shown,
    };
    with_session(&state, |v, s| {
        v.register_draft(s, &args.draft_id, &meta, &review)
    })
}

/// The clerk's open drafts, those open before a lock included.
#[tauri::command]
pub async fn open_drafts(state: State<'_, AppState>) -> Result<Vec<Draft>, CommandError> {
    with_session(&state, |v, s| v.open_drafts(s))
}

#[tauri::command]
pub async fn discard_draft(
    state: State<'_, AppState>,
    args: DraftArgs,
) -> Result<(), CommandError> {
    with_session(&state, |v, s| v.discard_draft(s, &args.draft_id))
}

/// The text under a box drawn on a draft's page.
#[tauri::command]
pub async fn draft_text_under(
    state: State<'_, AppState>,
    args: TextUnderArgs,
) -> Result<String, CommandError> {
    with_session(&state, |v, s| {
        v.draft_text_under(s, &args.draft_id, &args.area)
    })
}

// ------------------------------------------------------------ routing

#[tauri::command]
pub async fn directory(state: State<'_, AppState>) -> Result<RoutingDirectory, CommandError> {
    with_session(&state, |v, s| v.routing_directory(s))
}

#[tauri::command]
pub async fn routing_slip(
    state: State<'_, AppState>,
    args: LetterArgs,
) -> Result<RoutingSlip, CommandError> {
    with_session(&state, |v, s| v.routing_slip(s, &args.letter))
}

#[tauri::command]
pub async fn route(
    state: State<'_, AppState>,
    args: RouteArgs,
) -> Result<RequestInfo, CommandError> {
    with_session(&state, |v, s| {
        v.route(
            s,
            &args.letter,
            &args.unit,
            &args.handler,
            args.until.as_deref(),
            &args.reason,
        )
    })
}

#[tauri::command]
pub async fn inquire(
    state: State<'_, AppState>,
    args: InquireArgs,
) -> Result<Vec<InquiryInfo>, CommandError> {
    with_session(&state, |v, s| {
        v.inquire(s, &args.letter, &args.units, args.deadline.as_deref())
    })
}

#[tauri::command]
pub async fn inquiries(state: State<'_, AppState>) -> Result<Vec<InquiryInfo>, CommandError> {
    with_session(&state, |v, s| v.inquiries(s))
}

#[tauri::command]
pub async fn answer_inquiry(
    state: State<'_, AppState>,
    args: AnswerArgs,
) -> Result<InquiryInfo, CommandError> {
    with_session(&state, |v, s| v.answer_inquiry(s, &args.inquiry, args.ours))
}

#[tauri::command]
pub async fn requests(state: State<'_, AppState>) -> Result<Vec<RequestInfo>, CommandError> {
    with_session(&state, |v, s| v.requests(s))
}

#[tauri::command]
pub async fn approve(
    state: State<'_, AppState>,
    args: DecideArgs,
) -> Result<AssignmentInfo, CommandError> {
    with_session(&state, |v, s| v.approve(s, &args.request, &args.reason))
}

#[tauri::command]
pub async fn deny(
    state: State<'_, AppState>,
    args: DecideArgs,
) -> Result<RequestInfo, CommandError> {
    with_session(&state, |v, s| {
        v.deny_request(s, &args.request, &args.reason)
    })
}

#[tauri::command]
pub async fn unit_assignments(
    state: State<'_, AppState>,
) -> Result<Vec<AssignmentInfo>, CommandError> {
    with_session(&state, |v, s| v.unit_assignments(s))
}

#[tauri::command]
pub async fn revoke(
    state: State<'_, AppState>,
    args: EndAssignmentArgs,
) -> Result<AssignmentInfo, CommandError> {
    with_session(&state, |v, s| v.revoke(s, &args.assignment, &args.reason))
}

// ------------------------------------------------------------ handler

/// A handler's assignments, active and ended. Other roles get `denied`.
#[tauri::command]
pub async fn assignments(state: State<'_, AppState>) -> Result<Vec<AssignmentInfo>, CommandError> {
    with_session(&state, |v, s| v.assignments(s))
}

#[tauri::command]
pub async fn decline(
    state: State<'_, AppState>,
    args: EndAssignmentArgs,
) -> Result<AssignmentInfo, CommandError> {
    with_session(&state, |v, s| v.decline(s, &args.assignment, &args.reason))
}

#[tauri::command]
pub async fn open_letter(
    state: State<'_, AppState>,
    args: OpenArgs,
) -> Result<LetterContent, CommandError> {
    with_session(&state, |v, s| {
        v.open_letter_affirming(s, &args.letter, &args.reason, args.affirm_no_conflict)
    })
}

#[tauri::command]
pub async fn reveal_request(
    state: State<'_, AppState>,
    args: RevealRequestArgs,
) -> Result<RequestInfo, CommandError> {
    with_session(&state, |v, s| {
        v.reveal_request(s, &args.letter, &args.reason)
    })
}

#[tauri::command]
pub async fn reveal_endorse(
    state: State<'_, AppState>,
    args: EndorseArgs,
) -> Result<RequestInfo, CommandError> {
    with_session(&state, |v, s| v.reveal_endorse(s, &args.request))
}

#[tauri::command]
pub async fn reveal_show(
    state: State<'_, AppState>,
    args: LetterArgs,
) -> Result<IdentityView, CommandError> {
    with_session(&state, |v, s| v.reveal_show(s, &args.letter))
}

#[tauri::command]
pub async fn copy_recorded(state: State<'_, AppState>, args: CopyArgs) -> Result<(), CommandError> {
    with_session(&state, |v, s| v.record_copy(s, &args.letter, args.chars))
}

// ------------------------------------------------------------ auditor

#[tauri::command]
pub async fn ledger_verify(state: State<'_, AppState>) -> Result<LedgerReport, CommandError> {
    // The screen is the auditor's: the chain, every signature, and every
    // entry opened to check that it names only its author.
    with_session(&state, |v, s| v.ledger_verify_entries(s, None))
}

/// The ledger's entries, with each one that does not open listed apart.
#[tauri::command]
pub async fn ledger_readout(state: State<'_, AppState>) -> Result<LedgerReadout, CommandError> {
    with_session(&state, |v, s| v.ledger_readout(s))
}

/// Handler or registering clerk: asks for a marked copy for one recipient.
#[tauri::command]
pub async fn copy_request(
    state: State<'_, AppState>,
    args: CopyRequestArgs,
) -> Result<RequestInfo, CommandError> {
    with_session(&state, |v, s| {
        v.request_copy(s, &args.letter, &args.to, args.kind, &args.reason)
    })
}

/// Supervisor: approves an export or print request (signed).
#[tauri::command]
pub async fn approve_copy(
    state: State<'_, AppState>,
    args: DecideArgs,
) -> Result<RequestInfo, CommandError> {
    with_session(&state, |v, s| {
        v.approve_copy(s, &args.request, &args.reason)
    })
}

#[tauri::command]
pub async fn copy_requests(state: State<'_, AppState>) -> Result<Vec<RequestInfo>, CommandError> {
    with_session(&state, |v, s| v.copy_requests(s))
}

/// The requester: writes an approved export to a new file or folder.
#[tauri::command]
pub async fn run_export(
    state: State<'_, AppState>,
    args: RunExportArgs,
) -> Result<ExportDone, CommandError> {
    let path = PathBuf::from(args.path.trim());
    if !path.is_absolute() {
        return Err(CommandError::bad_input(
            "give the file as a full path (e.g. /home/name/copy-1.pdf)",
        ));
    }
    with_session(&state, |v, s| {
        v.run_export(s, &args.request, args.format, &path)
    })
}

/// The platform's save dialog, opened by the app (not by the page): where
/// to put a copy or a ledger export. `null` when the person cancels. The
/// path it gives goes to `run_export` or `ledger_export`, which check it
/// before anything is recorded.
#[tauri::command]
pub async fn choose_save_path(
    state: State<'_, AppState>,
    args: SaveAsArgs,
) -> Result<Option<String>, CommandError> {
    let kind = match args.kind.as_str() {
        "pdf" | "folder" => args.kind.as_str(),
        other => {
            return Err(CommandError::bad_input(&format!(
                "no save dialog for {other:?}"
            )))
        }
    };
    Ok(state
        .pick_save_path(&args.suggested_name, kind)?
        .map(|p| p.display().to_string()))
}

/// The requester: the marked pages of an approved print, recorded before
/// they are returned to the print view.
#[tauri::command]
pub async fn run_print(
    state: State<'_, AppState>,
    args: RequestArgs,
) -> Result<PrintJob, CommandError> {
    with_session(&state, |v, s| v.run_print(s, &args.request))
}

#[tauri::command]
pub async fn copy_register(
    state: State<'_, AppState>,
    args: LetterArgs,
) -> Result<Vec<CopyInfo>, CommandError> {
    with_session(&state, |v, s| v.copy_register(s, &args.letter))
}

/// Auditor: the image's bytes come as the raw request body.
#[tauri::command]
pub async fn trace_image(
    state: State<'_, AppState>,
    request: Request<'_>,
) -> Result<TraceReport, CommandError> {
    let bytes = raw_body(&request)?;
    with_session(&state, |v, s| v.trace(s, bytes))
}

#[tauri::command]
pub async fn ledger_export(
    state: State<'_, AppState>,
    args: ExportArgs,
) -> Result<LedgerExportResult, CommandError> {
    let dir = PathBuf::from(args.dir.trim());
    if !dir.is_absolute() {
        return Err(CommandError::bad_input(
            "give the export folder as a full path (e.g. /home/name/ledger-export)",
        ));
    }
    let summary = with_session(&state, |v, s| v.ledger_export(s, &dir))?;
    let report = sealdesk_api::verify_export(&dir, &ExportAnchor::Checkpoint(summary.checkpoint))?;
    Ok(LedgerExportResult {
        dir: summary.dir,
        entries: summary.entries,
        verified: report.intact && report.damage.is_none(),
        summary: match &report.damage {
            Some(d) => format!("{:?} at entry {}: {}", d.kind, d.seq, d.detail),
            None => format!(
                "{} entries, checkpoint at {}",
                report.entries, report.checkpoint_seq
            ),
        },
    })
}

// ------------------------------------------------------------ admin

#[tauri::command]
pub async fn users(state: State<'_, AppState>) -> Result<Vec<UserInfo>, CommandError> {
    with_session(&state, |v, s| v.list_users(s))
}

#[tauri::command]
pub async fn add_user(
    state: State<'_, AppState>,
    args: AddUserArgs,
) -> Result<UserInfo, CommandError> {
    let new = NewUser {
        name: args.name.trim().to_owned(),
        roles: roles(&args.roles)?,
        unit: args.unit.filter(|u| !u.trim().is_empty()),
        passphrase: Passphrase::new(args.passphrase),
    };
    with_session(&state, |v, s| v.add_user(s, &new))
}

#[tauri::command]
pub async fn set_user_disabled(
    state: State<'_, AppState>,
    args: SetDisabledArgs,
) -> Result<UserInfo, CommandError> {
    with_session(&state, |v, s| {
        v.set_user_disabled(s, &args.name, args.disabled)
    })
}

#[tauri::command]
pub async fn reset_user(
    state: State<'_, AppState>,
    args: ResetArgs,
) -> Result<usize, CommandError> {
    let passphrase = Passphrase::new(args.passphrase);
    with_session(&state, |v, s| v.reset_user(s, &args.name, &passphrase))
}

#[tauri::command]
pub async fn set_user_roles(
    state: State<'_, AppState>,
    args: SetRolesArgs,
) -> Result<UserInfo, CommandError> {
    let set = roles(&args.roles)?;
    with_session(&state, |v, s| {
        v.set_user_roles(s, &args.name, &set, args.unit.as_deref())
    })
}

#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<Settings, CommandError> {
    with_session(&state, |v, s| v.settings(s))
}

/// Sets both settings; each is its own signed statement, made only when it
/// changes.
#[tauri::command]
pub async fn set_settings(
    state: State<'_, AppState>,
    args: SettingsArgs,
) -> Result<Settings, CommandError> {
    with_session(&state, |v, s| {
        let now = v.settings(s)?;
        if now.idle_timeout_secs != args.idle_timeout_secs {
            v.set_idle_timeout(s, args.idle_timeout_secs)?;
        }
        if now.max_access_days != args.max_access_days {
            v.set_max_access_days(s, args.max_access_days)?;
        }
        v.settings(s)
    })
}

/// Closes a letter (結案).
#[tauri::command]
pub async fn close_letter(
    state: State<'_, AppState>,
    args: LifeArgs,
) -> Result<sealdesk_api::LifeStep, CommandError> {
    with_session(&state, |v, s| v.close_letter(s, &args.letter, &args.reason))
}

/// Declassifies (解密) or cancels (註銷) a letter's classification.
#[tauri::command]
pub async fn declassify(
    state: State<'_, AppState>,
    args: DeclassifyArgs,
) -> Result<sealdesk_api::LifeStep, CommandError> {
    with_session(&state, |v, s| {
        v.declassify(s, &args.letter, args.basis, &args.reason)
    })
}

/// Clerk: puts a letter on a destruction list.
#[tauri::command]
pub async fn destroy_propose(
    state: State<'_, AppState>,
    args: DestroyListArgs,
) -> Result<sealdesk_api::LifeStep, CommandError> {
    with_session(&state, |v, s| {
        v.destroy_propose(s, &args.letter, &args.list_no, &args.reason)
    })
}

/// Supervisor: approves a listed letter's destruction.
#[tauri::command]
pub async fn destroy_approve(
    state: State<'_, AppState>,
    args: LifeArgs,
) -> Result<sealdesk_api::LifeStep, CommandError> {
    with_session(&state, |v, s| {
        v.destroy_approve(s, &args.letter, &args.reason)
    })
}

/// Auditor (監銷): witnesses and carries out a destruction.
#[tauri::command]
pub async fn destroy(
    state: State<'_, AppState>,
    args: DestroyArgs,
) -> Result<sealdesk_api::LifeStep, CommandError> {
    with_session(&state, |v, s| {
        v.destroy(s, &args.letter, args.identity, &args.reason)
    })
}

/// Auditor: the 政風 report over a period (recorded), its charts, and its
/// files when a folder is given.
#[tauri::command]
pub async fn audit_report(
    state: State<'_, AppState>,
    args: AuditReportArgs,
) -> Result<AuditReportView, CommandError> {
    let mut settings = sealdesk_api::AuditSettings::default();
    if let Some(h) = args
        .office_hours
        .as_deref()
        .filter(|h| !h.trim().is_empty())
    {
        (settings.office_start, settings.office_end) = sealdesk_api::parse_office_hours(h)?;
    }
    let mut calendar = sealdesk_api::AuditCalendar::default();
    let some = |s: &Option<String>| s.clone().filter(|t| !t.trim().is_empty());
    if let Some(t) = some(&args.roster_csv) {
        calendar.duty = sealdesk_api::parse_roster(&t)?;
    }
    if let Some(t) = some(&args.leave_csv) {
        calendar.leave = sealdesk_api::parse_leave(&t)?;
    }
    if let Some(t) = some(&args.holidays_csv) {
        calendar.holidays = sealdesk_api::parse_holidays(&t)?.into_iter().collect();
    }
    let seed = match some(&args.seed) {
        Some(s) => Some(
            s.trim()
                .parse::<u64>()
                .map_err(|_| CommandError::bad_input("抽樣種子須為非負整數"))?,
        ),
        None => None,
    };
    let req = sealdesk_api::ReportRequest {
        from: args.from.clone(),
        to: args.to.clone(),
        seed,
        settings,
        calendar,
    };
    let out = some(&args.out).map(PathBuf::from);
    if out.as_ref().is_some_and(|p| !p.is_absolute()) {
        return Err(CommandError::bad_input(
            "請以資料夾選擇視窗選擇報表資料夾（完整路徑）",
        ));
    }
    let report = with_session(&state, |v, s| v.audit_report(s, &req))?;
    let files = match &out {
        Some(dir) => sealdesk_api::write_report(dir, &report)?,
        None => Vec::new(),
    };
    Ok(AuditReportView { report, files })
}
