// Pure helpers for the letters and assignments tables: labels and Taiwan-time formatting.
// No DOM access, so node:test can import this file directly.

import { getLang, translate } from "./i18n.js";

/** Taiwan's offset from UTC. Taiwan has no daylight saving time. */
const TAIWAN_OFFSET_MS = 8 * 3600 * 1000;

const CATEGORIES = ["petition", "whistleblower", "procurement_objection", "other"];
const STATUSES = ["active", "expired", "revoked", "declined"];

/** Category code → display name; unknown codes are shown as they are. */
export function categoryName(code, lang = getLang()) {
  return CATEGORIES.includes(code) ? translate(lang, `category.${code}`) : String(code ?? "");
}

/** true → 是 / Yes, false → 否 / No. */
export function yesNo(value, lang = getLang()) {
  return translate(lang, value === true ? "common.yes" : "common.no");
}

const pad = (n) => String(n).padStart(2, "0");

function taiwanParts(ms) {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return null;
  // Shift by the fixed offset and read the UTC fields: the machine's own zone never enters.
  const d = new Date(ms + TAIWAN_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return null;
  return {
    date: `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

/** UTC milliseconds → "YYYY-MM-DD HH:mm" in Taiwan time (UTC+8); "" if not a time. */
export function formatTaiwanDateTime(ms) {
  const p = taiwanParts(ms);
  return p ? `${p.date} ${p.time}` : "";
}

/** UTC milliseconds → "YYYY-MM-DD" in Taiwan time (UTC+8); "" if not a time. */
export function formatTaiwanDate(ms) {
  const p = taiwanParts(ms);
  return p ? p.date : "";
}

/**
 * An assignment's status code: "active" while it is live, else how it ended
 * ("expired", "revoked", "declined"). An assignment past its end time that has
 * not been swept yet has no `ended` and counts as expired.
 */
export function assignmentStatus(a) {
  if (a && a.active === true) return "active";
  const ended = a && typeof a.ended === "string" ? a.ended : "";
  return ended === "" ? "expired" : ended;
}

/** Status code → display name; unknown codes are shown as they are. */
export function statusName(code, lang = getLang()) {
  return STATUSES.includes(code) ? translate(lang, `assignment.status.${code}`) : String(code ?? "");
}

// Which roles the back end lets list letters / assignments (sealdesk-api's
// `list_letters` and `assignments`). The back end checks on every call; the UI
// uses this only to avoid asking for what would be refused, since every
// refusal is a ledger entry.
const LETTER_ROLES = ["clerk", "supervisor", "handler"];

/** Whether a user with these roles may list letters. */
export function mayListLetters(roles) {
  return Array.isArray(roles) && roles.some((r) => LETTER_ROLES.includes(r));
}

/** Whether a user with these roles has assignments to list. */
export function mayListAssignments(roles) {
  return Array.isArray(roles) && roles.includes("handler");
}
