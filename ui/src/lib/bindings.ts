// Generated from the Rust types by src-tauri/tests/it/bindings.rs
// (scripts/gen-bindings.sh). Do not edit: change the Rust type.

export type Role = "admin" | "clerk" | "supervisor" | "handler" | "auditor";
export type Action = "login" | "login_failed" | "lock" | "register" | "view" | "copy" | "export" | "print" | "identity_reveal" | "route_request" | "route_decision" | "declassify" | "destroy" | "user_admin" | "recover" | "ledger_read" | "ledger_export" | "ledger_grant" | "integrity_warning" | "audit_report" | "close";
export type Outcome = "allowed" | "denied";
export type PiiKind = "national_id" | "company_tax_id" | "phone" | "email" | "address" | "person" | "organization" | "bank_account" | "passport" | "line_id" | "birth_date";
export type Category = "petition" | "whistleblower" | "procurement_objection" | "other";
export type Secrecy = { "until": string } | { "condition": string };
export type Me = { name: string, roles: Array<Role>, unit: string | null, idle_timeout_secs: number, 
/**
 * Integrity warnings found at login (see [`Session::warnings`]).
 */
warnings: Array<string>, };
export type AddresseeType = "agency" | "head" | "person";
export type RegisterLine = { 
/**
 * 案由 (may be a code name).
 */
subject: string, sender_agency: string | null, sender_doc_no: string | null, 
/**
 * 保密期限 or 解密條件.
 */
secrecy: Secrecy, 
/**
 * When the letter arrived, UTC milliseconds.
 */
received_at: number, 
/**
 * `pdf`, `image`, `email` or `text`.
 */
source: string, pages: number, 
/**
 * 辦理期限 (YYYY-MM-DD).
 */
deadline: string | null, 
/**
 * 受文者: the agency, its head, or a named person.
 */
addressee: AddresseeType, 
/**
 * 拆封人 (an account name).
 */
opened_by: string | null, 
/**
 * 封口完整 on arrival.
 */
seal_intact: boolean, 
/**
 * 附件, names masked.
 */
attachments: Array<string>, 
/**
 * 保存年限, in years.
 */
retention_years: number, };
export type RoutingStatus = "new" | "inquiring" | "requested" | "assigned" | "ended";
export type RoutingState = { 
/**
 * `new`, `inquiring`, `requested`, `assigned` or `ended`.
 */
status: RoutingStatus, 
/**
 * The handler holding it now (account name), when assigned.
 */
holder: string | null, 
/**
 * The unit it is with or asked of.
 */
unit: string | null, 
/**
 * End of the current access, UTC milliseconds.
 */
until: number | null, };
export type LetterSummary = { id: string, receipt_no: string, 
/**
 * 密等
 */
level: string, category: string, 
/**
 * UTC milliseconds.
 */
registered_at: number, 
/**
 * Whether the caller holds a key to this letter.
 */
can_read: boolean, 
/**
 * The register's fields, for a caller who holds the letter's key.
 */
register: RegisterLine | null, 
/**
 * Where the letter is in routing.
 */
routing: RoutingState, 
/**
 * Where it is in its life, as the signed facts say.
 */
state: LetterState, 
/**
 * 現持有人: handlers with live access to it now.
 */
holders: Array<string>, };
export type RoutingSlip = { receipt_no: string, level: string, subject: string, category: string, 
/**
 * The letter's 辦理期限, from its register.
 */
deadline: string | null, 
/**
 * For an inquiry: the date the clerk asks the unit to answer by
 * (回復期限), which is not the letter's deadline.
 */
reply_by?: string, 
/**
 * The start of the working copy, with every finding masked; for
 * procurement letters also every number (no counts, no reserve price).
 */
summary: string, };
export type InquiryAnswer = "ours" | "not_ours";
export type InquiryInfo = { id: string, receipt_no: string, unit: string, asked_at: number, answer: InquiryAnswer | null, slip: RoutingSlip | null, };
export type RequestKind = "access" | "reveal" | "export" | "print";
export type RequestStatus = "awaiting_endorsement" | "pending" | "approved" | "denied" | "done";
export type Ended = "revoked" | "declined" | "expired";
export type RequestInfo = { id: string, kind: RequestKind, letter_id: string, receipt_no: string, level: string, unit: string, handler: string, requested_by: string, requested_at: number, until: number, 
/**
 * The requester's reason (empty for a caller who may not read it).
 */
reason: string, status: RequestStatus, 
/**
 * The routing slip, for a caller who holds the request's key.
 */
slip: RoutingSlip | null, };
export type AssignmentInfo = { id: string, kind: RequestKind, letter_id: string, receipt_no: string, level: string, unit: string, 
/**
 * The handler's account name.
 */
handler: string, until: number, active: boolean, ended: Ended | null, affirmed: boolean, 
/**
 * 主旨 (its 代號) and 辦理期限, for the handler whose key opens the
 * letter's register (absent for others, and once access has ended).
 */
subject?: string, deadline?: string, 
/**
 * Something the person who acted should know (a revoke whose key wrap
 * waits for another desk's read to end before it is wiped from disk).
 */
notice?: string, };
export type LetterContent = { id: string, receipt_no: string, level: string, subject: string, secrecy: Secrecy, text: string, 
/**
 * The redacted page images (PNG, base64), in page order; empty for a
 * letter that came as text. Withheld pages are absent.
 */
pages?: Array<PageImage>, 
/**
 * Why the page images are not shown, when they are not.
 */
pages_withheld?: string, };
export type PageImage = { page: number, 
/**
 * PNG, base64.
 */
png_base64: string, };
export type Finding = { kind: PiiKind, 
/**
 * The normalized value: IDs in uppercase, phones as digits with the
 * leading 0, e-mail in lowercase, addresses without spaces.
 */
value: string, 
/**
 * Byte span in the text searched, always on char boundaries.
 */
start: number, end: number, 
/**
 * How sure the rule that found it is, from 0 to 1: a checksum or a cue
 * counts for more than shape alone.
 */
confidence: number, };
export type IdentityView = { receipt_no: string, findings: Array<Finding>, sender: string | null, email_from: string | null, };
export type DraftFinding = { kind: PiiKind, value: string, start: number, end: number, confidence: number, 
/**
 * Whether its place on the page images was found; when not, the page
 * it is on is withheld from handlers.
 */
placed: boolean, 
/**
 * Suggested as the writer's own (sealed, masked for handlers) rather
 * than another person's named in the letter (shown to the handler);
 * the clerk decides. For a procurement objection the UI shows the
 * objecting company as the handler's by default.
 */
writer: boolean, };
export type DraftPage = { 
/**
 * 1-based.
 */
page: number, png_base64: string, width: number, height: number, 
/**
 * Whether anything was read on the page (a text layer or OCR). A page
 * nothing was read from is withheld from handlers.
 */
read: boolean, boxes: Array<DraftBox>, 
/**
 * Boxes every scanned page gets whatever the review says: its red
 * seals and signature blocks (`finding` is unused: 0).
 */
standing: Array<DraftBox>, };
export type DraftBox = { 
/**
 * The index of the finding in the draft's findings.
 */
finding: number, x0: number, y0: number, x1: number, y1: number, };
export type DrawnBox = { 
/**
 * 1-based.
 */
page: number, x0: number, y0: number, x1: number, y1: number, kind: PiiKind, };
export type Draft = { draft_id: string, file_name: string, 
/**
 * `pdf`, `image`, `email` or `text`.
 */
source: string, pages: number, 
/**
 * The full text, for the clerk who is registering it.
 */
text: string, findings: Array<DraftFinding>, notices: Array<string>, sha256: string, 
/**
 * The receipt number of a letter already registered from the same
 * bytes, if the clerk holds its key.
 */
duplicate_of: string | null, 
/**
 * For a scan read by OCR: Tesseract's mean word confidence (weighted by
 * characters), 0 to 100,
 * so the clerk knows how closely to check the text.
 */
ocr_confidence: number | null, 
/**
 * The page images with the findings' boxes (none for text and e-mail).
 */
page_images: Array<DraftPage>, };
export type Registered = { letter_id: string, receipt_no: string, level: string, category: string, registered_at: number, source: string, pages: number, text_chars: number, has_text_layer: boolean, original_sha256: string, 
/**
 * For the registering clerk's review only.
 */
findings: Array<Finding>, notices: Array<string>, };
export type UnitPeople = { unit: string, supervisors: Array<string>, handlers: Array<string>, };
export type RoutingDirectory = { units: Array<UnitPeople>, };
export type UserInfo = { name: string, roles: Array<Role>, unit: string | null, disabled: boolean, 
/**
 * Creation time, UTC milliseconds.
 */
created_at: number, 
/**
 * Wrong passphrases since the last successful login.
 */
failed_logins: number, };
export type Settings = { idle_timeout_secs: number, 
/**
 * The longest access an approval may grant, in days.
 */
max_access_days: number, };
export type EntryBody = { seq: number, 
/**
 * UTC milliseconds.
 */
at: number, user: string, 
/**
 * The role the permission check granted (or the caller's first role
 * when the check denied).
 */
role: Role | null, workstation: string, action: Action, letter_id: string | null, receipt_no: string | null, 
/**
 * 密等 of the letter.
 */
level: string | null, 
/**
 * The stated reason.
 */
reason: string | null, 
/**
 * The assignment (or request) id the act is tied to.
 */
assignment: string | null, outcome: Outcome, 
/**
 * Why denied, or what changed.
 */
detail: string | null, };
export type LedgerEntry = { 
/**
 * Set when the entry's body names someone other than the account that
 * wrote and attested it (or an entry with no actor claims more than a
 * failed login): what it claims, for the auditor to see as forged.
 */
forged: string | null, seq: number, 
/**
 * UTC milliseconds.
 */
at: number, user: string, 
/**
 * The role the permission check granted (or the caller's first role
 * when the check denied).
 */
role: Role | null, workstation: string, action: Action, letter_id: string | null, receipt_no: string | null, 
/**
 * 密等 of the letter.
 */
level: string | null, 
/**
 * The stated reason.
 */
reason: string | null, 
/**
 * The assignment (or request) id the act is tied to.
 */
assignment: string | null, outcome: Outcome, 
/**
 * Why denied, or what changed.
 */
detail: string | null, };
export type Damage = "edited" | "missing" | "reordered" | "inserted" | "truncated" | "rolled_back" | "bad_signature" | "forged";
export type LedgerDamage = { kind: Damage, 
/**
 * The first bad sequence number.
 */
seq: number, detail: string, };
export type Unattested = { 
/**
 * The account the entries claim (its name when certified, else its id).
 */
user: string, session: string, first_seq: number, entries: number, };
export type VerifyReport = { intact: boolean, entries: number, head_hash: string, 
/**
 * Attestations whose signature was checked, plus a kept checkpoint.
 */
checkpoints_verified: number, 
/**
 * Entries after the last attestation.
 */
unsigned_tail: number, damage: LedgerDamage | null, 
/**
 * Directory statements folded.
 */
directory_statements: number, 
/**
 * Sessions with entries no attestation covers (a crash leaves one; many
 * users' look like tampering).
 */
unattested: Array<Unattested>, 
/**
 * Entries no session wrote (failed logins).
 */
anonymous_entries: number, 
/**
 * Signed facts (requests, decisions, assignment ends, affirmations,
 * copies, registrations) folded.
 */
facts: number, 
/**
 * Who signed the kept checkpoint that anchors this verification (the
 * root, or a certified auditor's name); none when no checkpoint was
 * given or it was refused.
 */
anchor_signer: string | null, };
export type Anchor = { seq: number, 
/**
 * `kept_checkpoint` or `desk_witness`.
 */
source: string, 
/**
 * UTC milliseconds of the checkpoint or witness.
 */
at: number, 
/**
 * Entries after the anchor (attested or not, not anchored).
 */
after: number, };
export type LedgerReport = { 
/**
 * The newest head something outside the vault file vouches for.
 */
anchor: Anchor | null, 
/**
 * The same, said in words.
 */
summary: string, intact: boolean, entries: number, head_hash: string, 
/**
 * Attestations whose signature was checked, plus a kept checkpoint.
 */
checkpoints_verified: number, 
/**
 * Entries after the last attestation.
 */
unsigned_tail: number, damage: LedgerDamage | null, 
/**
 * Directory statements folded.
 */
directory_statements: number, 
/**
 * Sessions with entries no attestation covers (a crash leaves one; many
 * users' look like tampering).
 */
unattested: Array<Unattested>, 
/**
 * Entries no session wrote (failed logins).
 */
anonymous_entries: number, 
/**
 * Signed facts (requests, decisions, assignment ends, affirmations,
 * copies, registrations) folded.
 */
facts: number, 
/**
 * Who signed the kept checkpoint that anchors this verification (the
 * root, or a certified auditor's name); none when no checkpoint was
 * given or it was refused.
 */
anchor_signer: string | null, };
export type Unreadable = { seq: number, detail: string, };
export type LedgerReadout = { entries: Array<LedgerEntry>, unreadable: Array<Unreadable>, };
export type TraceReport = { 
/**
 * The code read from the image (when `certain`, the code the ledger
 * gave out; otherwise the first reading's).
 */
code: string, 
/**
 * Which mark it was read from: `qr` (the footer's QR code),
 * `body_qr` (a QR code on the page's blank paper), `invisible` (the
 * mark spread faintly over the page) or `tiled_text` (the tiled mark,
 * by OCR).
 */
channel: string, 
/**
 * 0 to 1.
 */
confidence: number, 
/**
 * The ledger entry that gave out the page, if this vault has it and
 * the trace is `certain`.
 */
entry: TracedEntry | null, 
/**
 * The exported or printed copy the code was given to (copy number,
 * recipient, approver), when the page came from one and the trace is
 * `certain`.
 */
copy: CopyInfo | null, 
/**
 * `confirmed` (the footer and the page body carry the same code),
 * `body` (the page body alone, the footer gone), `footer_only` (only
 * the footer's QR code was read: it may have been pasted from another
 * copy, so it names no one on its own) or `conflict` (two codes on one
 * page: a composite of copies, a pasted footer, or collusion).
 */
verdict: string, 
/**
 * Whether `entry` names the source: `confirmed` or `body`.
 */
certain: boolean, 
/**
 * What each channel read, and the code given out it matches.
 */
readings: Array<TraceReading>, 
/**
 * Each code on the page and where it leads: one for a certain trace,
 * one for `footer_only`, two or more for a `conflict`.
 */
candidates: Array<TraceCandidate>, };
export type TracedEntry = { seq: number, letter_id: string | null, 
/**
 * UTC milliseconds.
 */
at: number, user: string, action: Action, receipt_no: string | null, reason: string | null, };
export type TraceReading = { 
/**
 * `qr`, `body_qr`, `invisible` or `tiled_text`.
 */
channel: string, 
/**
 * As read (a tiled reading may have a few characters wrong).
 */
code: string, 
/**
 * 0 to 1.
 */
confidence: number, 
/**
 * The code this vault gave out that the reading matches, if any.
 */
matched: string | null, };
export type TraceCandidate = { code: string, 
/**
 * The channels that read it.
 */
channels: Array<string>, entry: TracedEntry | null, copy: CopyInfo | null, };
export type CopyKind = "export" | "print";
export type CopyFormat = "pdf" | "png";
export type CopyInfo = { id: string, letter_id: string, receipt_no: string, 
/**
 * 第N份.
 */
copy_no: number, kind: CopyKind, 
/**
 * `pdf`, `png` or `print`.
 */
format: string, 
/**
 * Account names.
 */
recipient: string, made_by: string, approved_by: string, 
/**
 * UTC milliseconds.
 */
made_at: number, pages: number, 
/**
 * The code on every page of the copy.
 */
code: string, request_id: string, 
/**
 * The requester's reason, for a caller who may read it.
 */
reason: string | null, 
/**
 * The row is as its maker signed it, and its request as its
 * supervisor approved it.
 */
verified: boolean, };
export type ExportDone = { copy: CopyInfo, 
/**
 * The files written (one PDF, or one PNG a page).
 */
files: Array<string>, };
export type PrintJob = { copy: CopyInfo, pages: Array<PageImage>, };
export type CopyRequestArgs = { letter: string, 
/**
 * The one recipient's account name.
 */
to: string, kind: CopyKind, reason: string, };
export type RequestArgs = { request: string, };
export type RunExportArgs = { request: string, format: CopyFormat, 
/**
 * A full path that does not exist yet: the PDF file, or the folder
 * for PNG pages.
 */
path: string, };
export type LedgerExportResult = { dir: string, entries: number, 
/**
 * Whether the exported files verify against the export's own signed
 * checkpoint.
 */
verified: boolean, summary: string, };
export type ErrorKind = "usage" | "no_vault" | "vault_exists" | "bad_credentials" | "throttled" | "user_disabled" | "locked" | "not_logged_in" | "denied" | "separation_of_duties" | "invalid" | "bad_input" | "exists" | "not_found" | "affirmation_required" | "bad_recovery_code" | "bad_file" | "worker_unavailable" | "integrity" | "ledger_unavailable" | "schema_too_new" | "busy" | "vault" | "internal" | "server_unreachable" | "server_refused";
export type CommandError = { kind: ErrorKind, message: string, 
/**
 * For `throttled`: how many seconds until the next try is allowed (so
 * the UI says it in the user's language, not the back end's).
 */
retry_after_secs: number | null, };
export type LoginArgs = { name: string, passphrase: string, };
export type ChangePassphraseArgs = { old: string, new: string, };
export type DraftTextArgs = { text: string, };
export type RegisterDraftArgs = { draft_id: string, category: Category, level: string, secrecy: Secrecy, subject: string, sender_agency: string | null, sender: string | null, sender_doc_no: string | null, 
/**
 * UTC milliseconds.
 */
received_at: number | null, 
/**
 * 辦理期限, YYYY-MM-DD.
 */
deadline: string | null, parties: Array<string>, 
/**
 * Values that are not personal data.
 */
drop: Array<string>, 
/**
 * Missed ones: kind and value as written.
 */
add: Array<[PiiKind, string]>, 
/**
 * Boxes drawn on the page images over something missed.
 */
boxes: Array<DrawnBox>, 
/**
 * Pages read poorly that the clerk reviewed and releases.
 */
release?: Array<number>, 
/**
 * Values the clerk marks as another person's (shown to the handler);
 * absent, the suggestion stands.
 */
shown?: Array<string>, };
export type DraftArgs = { draft_id: string, };
export type TextUnderArgs = { draft_id: string, area: DrawnBox, };
export type LetterArgs = { letter: string, };
export type RouteArgs = { letter: string, unit: string, handler: string, 
/**
 * YYYY-MM-DD, Taiwan time; the default period when absent.
 */
until: string | null, reason: string, };
export type InquireArgs = { letter: string, units: Array<string>, 
/**
 * YYYY-MM-DD.
 */
deadline: string | null, };
export type AnswerArgs = { inquiry: string, ours: boolean, };
export type DecideArgs = { request: string, reason: string, };
export type EndAssignmentArgs = { assignment: string, reason: string, };
export type OpenArgs = { letter: string, reason: string, affirm_no_conflict: boolean, };
export type RevealRequestArgs = { letter: string, reason: string, };
export type EndorseArgs = { request: string, };
export type CopyArgs = { letter: string, 
/**
 * How many characters were copied.
 */
chars: number, };
export type ExportArgs = { 
/**
 * A folder that does not exist yet, or is empty.
 */
dir: string, };
export type AddUserArgs = { name: string, roles: Array<Role>, unit: string | null, passphrase: string, };
export type SetDisabledArgs = { name: string, disabled: boolean, };
export type ResetArgs = { name: string, passphrase: string, };
export type SetRolesArgs = { name: string, roles: Array<Role>, unit: string | null, };
export type SettingsArgs = { idle_timeout_secs: number, max_access_days: number, };
export type SaveAsArgs = { suggested_name: string, kind: string, };
export type LetterState = "registered" | "handling" | "closed" | "declassified" | "destroyed";
export type DeclassifyBasis = "period_ended" | "condition_met";
export type LifeStep = { letter_id: string, receipt_no: string, state: LetterState, 
/**
 * The ledger entry that records it.
 */
recorded_as: number, 
/**
 * 機密等級變更或註銷紀錄 of a declassification.
 */
declassified: DeclassifyRecord | null, 
/**
 * What a destruction removed.
 */
shredded: Shredded | null, };
export type DeclassifyRecord = { by: string, 
/**
 * UTC milliseconds.
 */
at: number, basis: DeclassifyBasis, reason: string, 
/**
 * The marking struck through on copies made from now on.
 */
old_marking: string, new_marking: string, 
/**
 * 第N份 and recipient of each earlier copy.
 */
notify: Array<string>, };
export type Shredded = { wraps: number, records: number, grant_layers: number, identity_destroyed: boolean, 
/**
 * Whether the WAL was emptied (another desk reading keeps it).
 */
wal_emptied: boolean, };
export type LifeArgs = { 
/**
 * Its id or receipt number.
 */
letter: string, reason: string, };
export type DeclassifyArgs = { letter: string, basis: DeclassifyBasis, reason: string, };
export type DestroyListArgs = { letter: string, 
/**
 * The destruction list's (銷毀目錄) document number.
 */
list_no: string, reason: string, };
export type DestroyArgs = { letter: string, 
/**
 * The identity compartment too (its own decision).
 */
identity: boolean, reason: string, };
export type AuditReportArgs = { 
/**
 * 民國 or Gregorian dates.
 */
from: string, to: string, 
/**
 * The sample's seed (decimal); drawn when empty.
 */
seed: string | null, 
/**
 * `HH:MM-HH:MM`; 08:00-18:00 when empty.
 */
office_hours: string | null, roster_csv: string | null, leave_csv: string | null, holidays_csv: string | null, 
/**
 * A folder to write the report's files into (from the folder dialog).
 */
out: string | null, };
export type AuditReportView = { report: AuditReport, files: Array<string>, };
export type AuditReport = { 
/**
 * ISO days, Taiwan.
 */
from: string, to: string, generated_at: number, generated_by: string, 
/**
 * Lookups and attempts in the period.
 */
lookups: number, findings: Findings, reviewed: Array<ReviewedAct>, role_changes: Array<ReviewedAct>, accounts: Array<AccountLine>, long_access: Array<LongAccess>, 
/**
 * The yearly review list: every letter still classified, with those
 * due for declassification within 30 days of the period's end marked.
 */
classified: Array<ClassifiedLetter>, 
/**
 * The ledger's verdict, in words.
 */
integrity: string, 
/**
 * Sessions never attested, those whose user attested later ones
 * marked.
 */
unattested: Array<UnattestedSession>, 
/**
 * Set when no checkpoint is kept or the newest is older than 30 days.
 */
keep_checkpoint: string | null, 
/**
 * The ledger entry that records this report.
 */
recorded_as: number, };
export type ReviewedAct = { seq: number, 
/**
 * UTC milliseconds.
 */
at: number, user: string, action: Action, receipt_no: string | null, reason: string | null, 
/**
 * Who approved it (the supervisor whose decision it rests on).
 */
approver: string | null, detail: string | null, };
export type AccountLine = { name: string, roles: Array<Role>, unit: string | null, disabled: boolean, 
/**
 * UTC milliseconds.
 */
certified_at: number | null, last_login: number | null, };
export type LongAccess = { assignment: string, handler: string, receipt_no: string, starts_at: number, until: number, days: number, };
export type ClassifiedLetter = { receipt_no: string, level: string, state: LetterState, registered_at: number, 
/**
 * The day its secrecy ends by itself (ISO), if it has one.
 */
secret_until: string | null, 
/**
 * It ends within 30 days of the period's end, or has ended.
 */
due: boolean, };
export type UnattestedSession = { user: string, session: string, first_seq: number, entries: number, 
/**
 * The same user has attested entries after it.
 */
attested_later: boolean, };
export type Findings = { flags: Array<Flag>, sample: Sample, counts: Counts, };
export type Flag = { kind: FlagKind, 
/**
 * The account, or the users sharing a reason, comma-separated.
 */
user: string, 
/**
 * The Taiwan day (or the week's Monday) it is about, ISO.
 */
day: string | null, count: number, 
/**
 * What was compared, in zh-TW.
 */
detail: string, 
/**
 * The ledger entries behind it.
 */
seqs: Array<number>, };
export type FlagKind = "daily_volume" | "weekly_volume" | "peer_volume" | "off_hours" | "on_leave" | "untied" | "denied" | "mechanical_reason" | "dormant_suspend" | "dormant_revoke";
export type Sample = { seed: string, users: Array<string>, lookups: Array<Sampled>, };
export type Sampled = { seq: number, at: number, user: string, receipt_no: string | null, reason: string | null, assignment: string | null, tie: Tie, 
/**
 * Drawn as one of a sampled user's lookups (else among all).
 */
by_user: boolean, };
export type Tie = "assignment" | "registrar" | "untied";
export type Counts = { 
/**
 * (user, ISO day, lookups), sorted.
 */
per_user_day: Array<[string, string, number]>, 
/**
 * `[weekday][hour]`, Monday first, Taiwan time.
 */
hour_of_week: Array<Array<number>>, };

/** The 密等 a letter may carry, lowest first (the API refuses any other). */
export const LEVELS = ["密", "機密", "極機密", "絕對機密"] as const;

/** Every command the window may call: its `args` and its result. */
export type Commands = {
  login: { args: LoginArgs; result: Me };
  whoami: { args: null; result: Me };
  lock: { args: null; result: null };
  change_passphrase: { args: ChangePassphraseArgs; result: null };
  letters: { args: null; result: Array<LetterSummary> };
  draft_file: { args: null; result: Draft };
  draft_text: { args: DraftTextArgs; result: Draft };
  register_draft: { args: RegisterDraftArgs; result: Registered };
  discard_draft: { args: DraftArgs; result: null };
  open_drafts: { args: null; result: Array<Draft> };
  draft_text_under: { args: TextUnderArgs; result: string };
  directory: { args: null; result: RoutingDirectory };
  routing_slip: { args: LetterArgs; result: RoutingSlip };
  route: { args: RouteArgs; result: RequestInfo };
  inquire: { args: InquireArgs; result: Array<InquiryInfo> };
  inquiries: { args: null; result: Array<InquiryInfo> };
  answer_inquiry: { args: AnswerArgs; result: InquiryInfo };
  requests: { args: null; result: Array<RequestInfo> };
  approve: { args: DecideArgs; result: AssignmentInfo };
  deny: { args: DecideArgs; result: RequestInfo };
  unit_assignments: { args: null; result: Array<AssignmentInfo> };
  revoke: { args: EndAssignmentArgs; result: AssignmentInfo };
  assignments: { args: null; result: Array<AssignmentInfo> };
  decline: { args: EndAssignmentArgs; result: AssignmentInfo };
  open_letter: { args: OpenArgs; result: LetterContent };
  reveal_request: { args: RevealRequestArgs; result: RequestInfo };
  reveal_endorse: { args: EndorseArgs; result: RequestInfo };
  reveal_show: { args: LetterArgs; result: IdentityView };
  copy_recorded: { args: CopyArgs; result: null };
  ledger_verify: { args: null; result: LedgerReport };
  ledger_readout: { args: null; result: LedgerReadout };
  ledger_export: { args: ExportArgs; result: LedgerExportResult };
  trace_image: { args: null; result: TraceReport };
  copy_request: { args: CopyRequestArgs; result: RequestInfo };
  approve_copy: { args: DecideArgs; result: RequestInfo };
  copy_requests: { args: null; result: Array<RequestInfo> };
  run_export: { args: RunExportArgs; result: ExportDone };
  run_print: { args: RequestArgs; result: PrintJob };
  choose_save_path: { args: SaveAsArgs; result: string | null };
  copy_register: { args: LetterArgs; result: Array<CopyInfo> };
  users: { args: null; result: Array<UserInfo> };
  add_user: { args: AddUserArgs; result: UserInfo };
  set_user_disabled: { args: SetDisabledArgs; result: UserInfo };
  reset_user: { args: ResetArgs; result: number };
  set_user_roles: { args: SetRolesArgs; result: UserInfo };
  settings: { args: null; result: Settings };
  set_settings: { args: SettingsArgs; result: Settings };
  close_letter: { args: LifeArgs; result: LifeStep };
  declassify: { args: DeclassifyArgs; result: LifeStep };
  destroy_propose: { args: DestroyListArgs; result: LifeStep };
  destroy_approve: { args: LifeArgs; result: LifeStep };
  destroy: { args: DestroyArgs; result: LifeStep };
  audit_report: { args: AuditReportArgs; result: AuditReportView };
};
