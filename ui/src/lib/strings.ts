// Every user-visible string, zh-TW first. The strings shared by several
// screens are here; each screen's own live in ./strings/ and are merged
// below into one table per language.
//
// The zh-TW table defines the keys (`Key`); every English table is typed
// by its zh-TW one, so a key missing from either language fails
// `npm run check`, and `t(...)` accepts only a `Key`. A test checks that
// no key is defined in two parts.

import { ADMIN_STRINGS } from "./strings/admin";
import { COPY_STRINGS } from "./strings/copies";
import { INTAKE_STRINGS } from "./strings/intake";
import { LEDGER_STRINGS } from "./strings/ledger";
import { READING_STRINGS } from "./strings/reading";
import { REGISTER_STRINGS } from "./strings/register";
import { ROUTING_STRINGS } from "./strings/routing";
import { SUPERVISOR_STRINGS } from "./strings/supervisor";

const BASE_ZH = {
  "app.title": "Sealdesk 密件管理",
  "lang.toggle": "English",
  "lang.toggle.lang": "en",

  "banner.badge": "密",
  "banner.label": "密件",

  "login.heading": "Sealdesk 密件管理",
  "login.notice": "所有檢視皆留有紀錄",
  "login.name": "使用者名稱",
  "login.passphrase": "密碼",
  "login.submit": "登入",
  "login.submitting": "登入中…",
  "login.missing": "請輸入使用者名稱與密碼",
  "login.idleLocked": "閒置過久，已自動鎖定。請重新登入。",
  "form.required": "請填寫「{field}」",
  "form.tooShort": "「{field}」至少需要 {n} 個字元",
  "form.notNumber": "「{field}」請填數字",
  "form.range": "「{field}」須介於 {min} 與 {max} 之間",
  "form.thisField": "此欄位",
  "idle.warning": "閒置將於約 {n} 秒後自動鎖定；鎖定時，尚未登記的草稿與已輸入的欄位會清除。移動滑鼠、按任一鍵或按「繼續工作」即可繼續。",
  "idle.continue": "繼續工作",

  "home.lock": "鎖定",
  "home.me.heading": "目前使用者",
  "home.integrityWarning": "完整性警告：本機上次所見的稽核紀錄與目前不符，已記錄，請通知政風人員。",
  "home.me.name": "帳號名稱",
  "home.me.roles": "角色",
  "home.me.unit": "單位",
  "home.letters.heading": "密件清單",
  "home.letters.loading": "載入中…",
  "home.letters.empty": "目前沒有可列出的密件",
  "home.letters.none": "此角色不能閱覽密件清單",
  "home.assignments.heading": "我的分辦",
  "home.assignments.empty": "目前沒有分辦",

  "letters.col.receipt": "收文號",
  "letters.col.level": "密等",
  "letters.col.category": "類別",
  "letters.col.registered": "登記時間",
  "letters.col.readable": "可閱覽",
  "assignments.col.receipt": "收文號",
  "assignments.col.unit": "單位",
  "assignments.col.until": "期限",
  "assignments.col.status": "狀態",

  "category.petition": "陳情",
  "category.whistleblower": "檢舉",
  "category.procurement_objection": "採購異議",
  "category.other": "其他",

  "assignment.status.active": "有效",
  "assignment.status.expired": "已到期",
  "assignment.status.revoked": "已撤銷",
  "assignment.status.declined": "已退回",

  "common.yes": "是",
  "date.placeholder": "例：115/12/31",
  "date.understood": "即 {date}",
  "date.invalid": "看不懂這個日期。請寫成 115/12/31、民國115年12月31日或 2026-12-31。",
  "common.no": "否",
  "home.notice": "所有檢視皆留有紀錄",

  "role.admin": "系統管理員",
  "role.clerk": "密件分文人員",
  "role.supervisor": "主管",
  "role.handler": "承辦人",
  "role.auditor": "政風人員",
  "roles.separator": "、",
  "roles.none": "（無）",

  "err.bad_credentials": "使用者名稱或密碼錯誤",
  "err.throttled": "密碼錯誤次數過多，帳號暫時鎖住，請稍後再試",
  "err.user_disabled": "此帳號已停用",
  "err.locked": "工作階段已鎖定，請重新登入",
  "err.vault": "無法開啟密件庫，請確認磁碟與檔案權限，或洽系統管理員",
  "err.other": "發生錯誤",
  "err.detail": "（{detail}）",
  "err.retryAfter": "（請於 {n} 秒後再試）",
  "err.throttledShort": "密碼錯誤，請等 {n} 秒後再試（連續錯誤時，每次等待會加長）",
  "err.retryAfterMinutes": "（約 {n} 分鐘後可再試）",
  "err.kind": " [{kind}]",

  "nav.label": "工作項目",
  "screen.register": "收文登記簿",
  "screen.intake": "登記來文",
  "screen.routing": "分文",
  "screen.decisions": "待決事項",
  "screen.unit": "本單位分辦",
  "screen.assignments": "我的分辦",
  "screen.ledger": "稽核紀錄",
  "screen.users": "帳號管理",
  "screen.settings": "系統設定",
  "screen.account": "我的帳號",

  "common.actions": "操作",
  "common.all": "全部",
  "common.cancel": "取消",
  "common.loading": "載入中…",
  "common.reasonRequired": "請填寫理由",
  "common.refresh": "重新整理",
  "common.remove": "移除",
  "common.save": "儲存",

  "err.no_vault": "找不到密件庫。請先執行示範或初始化指令（見說明文件），或設定 SEALDESK_VAULT 指向密件庫資料夾。",
  "err.vault_exists": "此處已有密件庫。",
  "err.not_logged_in": "尚未登入，請先登入。",
  "err.denied": "您的角色或分辦不允許這項操作（已記錄）。如需權限，請洽主管。",
  "err.separation_of_duties": "職務分離：同一人不能申請又核准。請由另一位主管決定。",
  "err.invalid": "此操作不符合規則",
  "err.bad_input": "輸入內容有誤，請檢查後再試",
  "err.exists": "已經存在",
  "err.not_found": "找不到指定的項目，可能已被處理，請重新整理",
  "err.affirmation_required": "首次閱覽前需聲明無利益衝突",
  "err.bad_recovery_code": "復原碼錯誤或不屬於此密件庫",
  "err.bad_file": "無法讀取這個檔案（可能損毀或格式不支援）。請確認檔案，或改以紙本掃描登記。",
  "err.worker_unavailable": "讀檔程序無法啟動。請重新啟動 Sealdesk；若仍失敗，請洽系統管理員。",
  "err.integrity": "密件庫檔案的完整性檢查失敗：檔案可能遭竄改或損毀。為安全起見不顯示內容。請勿再寫入，保全檔案並通知政風人員與系統管理員。",
  "err.ledger_unavailable": "稽核紀錄無法寫入，因此不顯示內容。請確認磁碟空間後再試，或洽系統管理員。",
  "err.schema_too_new": "密件庫由較新版本的 Sealdesk 建立，請更新本程式。",
  "err.busy": "密件庫正由另一個視窗或程式使用，請稍候再試。",
  "err.internal": "程式內部錯誤，請重新啟動 Sealdesk",
} satisfies Record<string, string>;

const BASE_EN: Record<keyof typeof BASE_ZH, string> = {
  "app.title": "Sealdesk confidential letters",
  "lang.toggle": "中文",
  "lang.toggle.lang": "zh-TW",

  "banner.badge": "密",
  "banner.label": "Confidential",

  "login.heading": "Sealdesk confidential letters",
  "login.notice": "Every view is recorded",
  "login.name": "User name",
  "login.passphrase": "Passphrase",
  "login.submit": "Log in",
  "login.submitting": "Logging in…",
  "login.missing": "Enter your user name and passphrase",
  "login.idleLocked": "Session locked after being idle; please log in again.",
  "form.required": "Fill in “{field}”",
  "form.tooShort": "“{field}” needs at least {n} characters",
  "form.notNumber": "“{field}” must be a number",
  "form.range": "“{field}” must be between {min} and {max}",
  "form.thisField": "this field",
  "idle.warning": "The session locks in about {n} s for being idle; a draft not yet registered and the fields typed are cleared at the lock. Move the mouse, press a key or Continue to keep working.",
  "idle.continue": "Continue",

  "home.lock": "Lock",
  "home.me.heading": "Signed in",
  "home.integrityWarning": "Integrity warning: the ledger differs from what this desk saw last. This has been recorded; tell the auditors (政風).",
  "home.me.name": "Account name",
  "home.me.roles": "Roles",
  "home.me.unit": "Unit",
  "home.letters.heading": "Letters",
  "home.letters.loading": "Loading…",
  "home.letters.empty": "No letters to show",
  "home.letters.none": "This role does not read letters",
  "home.assignments.heading": "My assignments",
  "home.assignments.empty": "No assignments",

  "letters.col.receipt": "Receipt no.",
  "letters.col.level": "Level",
  "letters.col.category": "Category",
  "letters.col.registered": "Registered",
  "letters.col.readable": "Readable",
  "assignments.col.receipt": "Receipt no.",
  "assignments.col.unit": "Unit",
  "assignments.col.until": "Until",
  "assignments.col.status": "Status",

  "category.petition": "Petition",
  "category.whistleblower": "Whistleblower complaint",
  "category.procurement_objection": "Procurement objection",
  "category.other": "Other",

  "assignment.status.active": "Active",
  "assignment.status.expired": "Expired",
  "assignment.status.revoked": "Revoked",
  "assignment.status.declined": "Declined",

  "common.yes": "Yes",
  "date.placeholder": "e.g. 2026-12-31",
  "date.understood": "Read as {date}",
  "date.invalid": "Not a date. Write it as 2026-12-31, or in the ROC calendar as 115/12/31.",
  "common.no": "No",
  "home.notice": "Every view is recorded",

  "role.admin": "Administrator",
  "role.clerk": "Dispatch clerk",
  "role.supervisor": "Supervisor",
  "role.handler": "Handler",
  "role.auditor": "Auditor",
  "roles.separator": ", ",
  "roles.none": "(none)",

  "err.bad_credentials": "Wrong user name or passphrase",
  "err.throttled": "Too many attempts; please wait and try again",
  "err.user_disabled": "This account is disabled",
  "err.locked": "Session locked; please log in again",
  "err.vault": "Cannot open the vault; check the disk and file permissions, or ask the administrator",
  "err.other": "Something went wrong",
  "err.detail": " ({detail})",
  "err.retryAfter": " (try again in {n} s)",
  "err.throttledShort": "Wrong passphrase; wait {n} s and try again (each wrong try in a row makes the wait longer)",
  "err.retryAfterMinutes": " (try again in about {n} min)",
  "err.kind": " [{kind}]",

  "nav.label": "Work",
  "screen.register": "Register",
  "screen.intake": "Register a letter",
  "screen.routing": "Routing",
  "screen.decisions": "Decisions",
  "screen.unit": "Unit assignments",
  "screen.assignments": "My assignments",
  "screen.ledger": "Ledger",
  "screen.users": "Users",
  "screen.settings": "Settings",
  "screen.account": "My account",

  "common.actions": "Actions",
  "common.all": "All",
  "common.cancel": "Cancel",
  "common.loading": "Loading…",
  "common.reasonRequired": "State a reason",
  "common.refresh": "Refresh",
  "common.remove": "Remove",
  "common.save": "Save",

  "err.no_vault": "No vault here. Run the demo or init command first (see the README), or point SEALDESK_VAULT at the vault folder.",
  "err.vault_exists": "A vault already exists here.",
  "err.not_logged_in": "Not logged in; please log in.",
  "err.denied": "Your role or assignment does not allow this (recorded). Ask your supervisor if you need it.",
  "err.separation_of_duties": "Separation of duties: the requester cannot also approve. Another supervisor must decide.",
  "err.invalid": "This breaks a rule",
  "err.bad_input": "Something you entered is not valid; check and try again",
  "err.exists": "It already exists",
  "err.not_found": "Not found; it may have been handled already. Refresh.",
  "err.affirmation_required": "Affirm no conflict of interest before the first reading",
  "err.bad_recovery_code": "The recovery code is wrong or belongs to another vault",
  "err.bad_file": "This file cannot be read (damaged or an unsupported format). Check it, or scan the paper letter instead.",
  "err.worker_unavailable": "The file reader could not start. Restart Sealdesk; if it still fails, ask the administrator.",
  "err.integrity": "The vault failed its integrity check: the files may have been altered or damaged. Nothing is shown. Stop writing to it, preserve the files and tell the auditors and the administrator.",
  "err.ledger_unavailable": "The ledger cannot be written, so nothing is shown. Check the disk space and try again, or ask the administrator.",
  "err.schema_too_new": "This vault was made by a newer Sealdesk; update this program.",
  "err.busy": "The vault is in use by another window or program; wait a moment and try again.",
  "err.internal": "Internal error; restart Sealdesk",
};

const BASE_STRINGS = { "zh-TW": BASE_ZH, en: BASE_EN };

/** The parts merged into STRINGS, by name (a test checks they are disjoint). */
export const STRING_PARTS = {
  base: BASE_STRINGS,
  admin: ADMIN_STRINGS,
  copies: COPY_STRINGS,
  intake: INTAKE_STRINGS,
  ledger: LEDGER_STRINGS,
  reading: READING_STRINGS,
  register: REGISTER_STRINGS,
  routing: ROUTING_STRINGS,
  supervisor: SUPERVISOR_STRINGS,
};

const zhTW = {
  ...BASE_STRINGS["zh-TW"],
  ...ADMIN_STRINGS["zh-TW"],
  ...COPY_STRINGS["zh-TW"],
  ...INTAKE_STRINGS["zh-TW"],
  ...LEDGER_STRINGS["zh-TW"],
  ...READING_STRINGS["zh-TW"],
  ...REGISTER_STRINGS["zh-TW"],
  ...ROUTING_STRINGS["zh-TW"],
  ...SUPERVISOR_STRINGS["zh-TW"],
};

/** A translation key: one of the zh-TW table's keys. */
export type Key = keyof typeof zhTW;

const en: Record<Key, string> = {
  ...BASE_STRINGS.en,
  ...ADMIN_STRINGS.en,
  ...COPY_STRINGS.en,
  ...INTAKE_STRINGS.en,
  ...LEDGER_STRINGS.en,
  ...READING_STRINGS.en,
  ...REGISTER_STRINGS.en,
  ...ROUTING_STRINGS.en,
  ...SUPERVISOR_STRINGS.en,
};

export const STRINGS: Record<"zh-TW" | "en", Readonly<Record<Key, string>>> = { "zh-TW": zhTW, en };
