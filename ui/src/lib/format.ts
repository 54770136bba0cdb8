// Pure helpers for tables: labels and Taiwan-time formatting. No DOM access.

import { getLang, isKey, translate, type Lang } from "./i18n.svelte";

/** Taiwan's offset from UTC. Taiwan has no daylight saving time. */
const TAIWAN_OFFSET_MS = 8 * 3600 * 1000;
/** 民國 year 1 is 1912. */
const ROC_OFFSET_YEARS = 1911;

const CATEGORIES = ["petition", "whistleblower", "procurement_objection", "other"];
const STATUSES = ["active", "expired", "revoked", "declined"];

/** Category code → display name; unknown codes are shown as they are. */
export function categoryName(code: unknown, lang: Lang = getLang()): string {
  const key = `category.${String(code)}`;
  return typeof code === "string" && CATEGORIES.includes(code) && isKey(key) ? translate(lang, key) : String(code ?? "");
}

/** true → 是 / Yes, false → 否 / No. */
export function yesNo(value: unknown, lang: Lang = getLang()): string {
  return translate(lang, value === true ? "common.yes" : "common.no");
}

const pad = (n: number) => String(n).padStart(2, "0");

interface Parts {
  year: number;
  month: number;
  day: number;
  date: string;
  time: string;
}

function taiwanParts(ms: unknown): Parts | null {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return null;
  // Shift by the fixed offset and read the UTC fields: the machine's own zone never enters.
  const d = new Date(ms + TAIWAN_OFFSET_MS);
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return {
    year,
    month,
    day,
    date: `${String(year).padStart(4, "0")}-${pad(month)}-${pad(day)}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

/** UTC milliseconds → "YYYY-MM-DD HH:mm" in Taiwan time (UTC+8); "" if not a time. */
export function formatTaiwanDateTime(ms: unknown): string {
  const p = taiwanParts(ms);
  return p ? `${p.date} ${p.time}` : "";
}

/** UTC milliseconds → "YYYY-MM-DD" in Taiwan time (UTC+8); "" if not a time. */
export function formatTaiwanDate(ms: unknown): string {
  const p = taiwanParts(ms);
  return p ? p.date : "";
}

/**
 * UTC milliseconds → the date as people here read it: 民國115年11月28日 in
 * zh-TW, 2026-11-28 in English; "" if not a time. Before 民國 1 the
 * Gregorian date is shown in both.
 */
export function formatRocDate(ms: unknown, lang: Lang = getLang()): string {
  const p = taiwanParts(ms);
  if (!p) return "";
  if (lang !== "zh-TW" || p.year <= ROC_OFFSET_YEARS) return p.date;
  return `民國${p.year - ROC_OFFSET_YEARS}年${p.month}月${p.day}日`;
}

/** As `formatRocDate`, with the time of day (Taiwan time). */
export function formatRocDateTime(ms: unknown, lang: Lang = getLang()): string {
  const p = taiwanParts(ms);
  return p ? `${formatRocDate(ms, lang)} ${p.time}` : "";
}

/** A Taiwan calendar day "YYYY-MM-DD" → [start, end) in UTC milliseconds. */
export function taiwanDayRange(day: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - TAIWAN_OFFSET_MS;
  return Number.isFinite(start) ? [start, start + 24 * 3600 * 1000] : null;
}

/**
 * An assignment's status code: "active" while it is live, else how it ended
 * ("expired", "revoked", "declined"). An assignment past its end time that has
 * not been swept yet has no `ended` and counts as expired.
 */
export function assignmentStatus(a: { active?: boolean; ended?: string | null } | null | undefined): string {
  if (a && a.active === true) return "active";
  const ended = a && typeof a.ended === "string" ? a.ended : "";
  return ended === "" ? "expired" : ended;
}

/** Status code → display name; unknown codes are shown as they are. */
export function statusName(code: string, lang: Lang = getLang()): string {
  const key = `assignment.status.${code}`;
  return STATUSES.includes(code) && isKey(key) ? translate(lang, key) : String(code ?? "");
}

/** Whole days from `now` until `until` (ms), rounded up; negative when past. */
export function daysLeft(until: number, now: number): number {
  return Math.ceil((until - now) / (24 * 3600 * 1000));
}

/** What a typed date means: a calendar date ("YYYY-MM-DD"), nothing, or not a date. */
export type DateEntry = { kind: "empty" } | { kind: "date"; iso: string } | { kind: "invalid" };

function calendarDate(year: number, month: number, day: number): DateEntry {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (year < 1912 || year > 9999 || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return { kind: "invalid" };
  }
  return { kind: "date", iso: `${year}-${pad(month)}-${pad(day)}` };
}

/**
 * Reads a date as people here type it. 民國 dates: 115/12/31, 115.12.31,
 * 115-12-31, 1151231 (seven digits, as on forms), 民國115年12月31日 or
 * 115年12月31日. Gregorian dates: 2026-12-31, 2026/12/31, 20261231.
 * Full-width digits and punctuation are read as their ASCII forms. A date
 * that does not exist (115/2/30) is invalid, never rolled over.
 */
export function parseDateEntry(text: string): DateEntry {
  const s = text.normalize("NFKC").replace(/\s+/g, "");
  if (s === "") return { kind: "empty" };
  let m = /^(?:民國)?(\d{1,3})年(\d{1,2})月(\d{1,2})日?$/.exec(s);
  if (m) return calendarDate(Number(m[1]) + ROC_OFFSET_YEARS, Number(m[2]), Number(m[3]));
  m = /^(\d{1,3})([/.-])(\d{1,2})\2(\d{1,2})$/.exec(s);
  if (m) return calendarDate(Number(m[1]) + ROC_OFFSET_YEARS, Number(m[3]), Number(m[4]));
  m = /^(\d{4})([/.-])(\d{1,2})\2(\d{1,2})$/.exec(s);
  if (m) return calendarDate(Number(m[1]), Number(m[3]), Number(m[4]));
  m = /^(\d{3})(\d{2})(\d{2})$/.exec(s);
  if (m) return calendarDate(Number(m[1]) + ROC_OFFSET_YEARS, Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return { kind: "invalid" };
}

/** "YYYY-MM-DD" → 民國115年12月31日 (zh-TW) or the same ISO date (English). */
export function isoDateInRoc(iso: string, lang: Lang = getLang()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return "";
  const year = Number(m[1]);
  if (lang !== "zh-TW" || year <= ROC_OFFSET_YEARS) return iso;
  return `民國${year - ROC_OFFSET_YEARS}年${Number(m[2])}月${Number(m[3])}日`;
}
