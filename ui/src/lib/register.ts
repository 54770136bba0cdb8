// The register's search and filters, kept out of the component so they can
// be tested. Nothing here decides who sees what: the back end sends only
// the lines (and, per line, only the fields) the caller may see.

import type { LetterSummary, Secrecy } from "./bindings";
import { isoDateInRoc } from "./format";
import type { Lang } from "./i18n.svelte";

export interface RegisterFilter {
  /** Free text: receipt number, subject, sender agency, document number, holder. */
  query: string;
  category: string;
  /** A routing status, or "" for any. */
  status: string;
  level: string;
}

export const EMPTY_FILTER: RegisterFilter = { query: "", category: "", status: "", level: "" };

/** Lower-cased, full-width ASCII folded to half-width, spaces dropped. */
export function fold(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]+/g, "")
    .toLowerCase();
}

function haystack(l: LetterSummary): string {
  const r = l.register;
  return fold(
    [
      l.receipt_no,
      r?.subject ?? "",
      r?.sender_agency ?? "",
      r?.sender_doc_no ?? "",
      l.routing.holder ?? "",
      l.routing.unit ?? "",
    ].join("\u0000"),
  );
}

export function filterLetters(letters: readonly LetterSummary[], f: RegisterFilter): LetterSummary[] {
  const words = f.query.split(/[\s\u3000]+/).map(fold).filter((w) => w !== "");
  return letters.filter((l) => {
    if (f.category !== "" && l.category !== f.category) return false;
    if (f.status !== "" && l.routing.status !== f.status) return false;
    if (f.level !== "" && l.level !== f.level) return false;
    if (words.length === 0) return true;
    const h = haystack(l);
    return words.every((w) => h.includes(w));
  });
}

/** 保密期限 (a date) or 解密條件 (a condition), as the register shows it. */
export function secrecyText(
  s: Secrecy | null | undefined,
  untilLabel: string,
  conditionLabel: string,
  lang?: Lang,
): string {
  if (!s) return "";
  // 民國 in zh-TW, as every date a person reads.
  if ("until" in s) return `${untilLabel} ${isoDateInRoc(s.until, lang) || s.until}`;
  return `${conditionLabel} ${s.condition}`;
}

/** The distinct values of a field, sorted, for a filter's options. */
export function distinct(letters: readonly LetterSummary[], pick: (l: LetterSummary) => string): string[] {
  return [...new Set(letters.map(pick).filter((v) => v !== ""))].sort();
}

/** The longest subject a register row shows; the whole one is its title. */
export const SUBJECT_SHOWN = 60;

/**
 * A subject as a register row shows it: at most SUBJECT_SHOWN characters
 * (counted as people count them, not UTF-16 units), then "…". A 4,000-
 * character 主旨 must not push every other column off the screen.
 */
export function shortSubject(subject: string): string {
  const chars = [...subject.replace(/\s+/g, " ").trim()];
  return chars.length <= SUBJECT_SHOWN ? chars.join("") : `${chars.slice(0, SUBJECT_SHOWN).join("")}…`;
}
