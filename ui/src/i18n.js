// All user-visible strings, and pure lookup helpers.
// No DOM and no storage access here, so node:test can import this file directly.

export const DEFAULT_LANG = "zh-TW";
export const LANGS = ["zh-TW", "en"];

export const STRINGS = {
  "zh-TW": {
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

    "home.lock": "鎖定",
    "home.me.heading": "目前使用者",
    "home.integrityWarning": "完整性警告：本機上次所見的稽核紀錄與目前不符，已記錄，請通知政風人員。",
    "home.me.name": "姓名",
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
    "err.throttled": "嘗試次數過多，請稍後再試",
    "err.user_disabled": "此帳號已停用",
    "err.locked": "工作階段已鎖定，請重新登入",
    "err.vault": "無法開啟密件庫",
    "err.other": "發生錯誤",
    "err.detail": "（{detail}）",
    "err.kind": " [{kind}]",
  },
  en: {
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

    "home.lock": "Lock",
    "home.me.heading": "Signed in",
    "home.integrityWarning": "Integrity warning: the ledger differs from what this desk saw last. This has been recorded; tell the auditors (政風).",
    "home.me.name": "Name",
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
    "err.vault": "Cannot open the vault",
    "err.other": "Something went wrong",
    "err.detail": " ({detail})",
    "err.kind": " [{kind}]",
  },
};

let currentLang = DEFAULT_LANG;

/** Returns a supported language code, or the default for anything else. */
export function normalizeLang(lang) {
  return LANGS.includes(lang) ? lang : DEFAULT_LANG;
}

export function getLang() {
  return currentLang;
}

export function setLang(lang) {
  currentLang = normalizeLang(lang);
  return currentLang;
}

/** The language the toggle button switches to. */
export function otherLang(lang = currentLang) {
  return normalizeLang(lang) === "en" ? "zh-TW" : "en";
}

function interpolate(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/**
 * Pure lookup in an explicit language. Falls back to the default language,
 * then to the key itself, so a missing string is visible rather than blank.
 */
export function translate(lang, key, params = {}) {
  const table = STRINGS[normalizeLang(lang)];
  let text = table[key];
  if (text === undefined) text = STRINGS[DEFAULT_LANG][key];
  if (text === undefined) return key;
  return interpolate(text, params);
}

/** Lookup in the current language. */
export function t(key, params = {}) {
  return translate(currentLang, key, params);
}

/** One role code → display name; unknown codes are shown as they are. */
export function roleName(role, lang = currentLang) {
  const key = `role.${role}`;
  const table = STRINGS[normalizeLang(lang)];
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : String(role);
}

/** Role codes → one display string, joined with 、 (zh-TW) or ", " (en). */
export function formatRoles(roles, lang = currentLang) {
  const list = Array.isArray(roles) ? roles : [];
  if (list.length === 0) return translate(lang, "roles.none");
  return list.map((r) => roleName(r, lang)).join(translate(lang, "roles.separator"));
}
