// The auditor's filters over ledger entries. Pure, so they are tested.

import type { LedgerEntry } from "./bindings";
import { taiwanDayRange } from "./format";

export interface LedgerFilter {
  user: string;
  action: string;
  /** A Taiwan calendar day "YYYY-MM-DD" (from), or "". */
  from: string;
  /** A Taiwan calendar day "YYYY-MM-DD" (to, inclusive), or "". */
  to: string;
  /** Receipt number or letter id, any part of it. */
  letter: string;
  outcome: string;
}

export const EMPTY_LEDGER_FILTER: LedgerFilter = { user: "", action: "", from: "", to: "", letter: "", outcome: "" };

export function filterEntries(entries: readonly LedgerEntry[], f: LedgerFilter): LedgerEntry[] {
  const from = f.from ? taiwanDayRange(f.from)?.[0] ?? null : null;
  const to = f.to ? taiwanDayRange(f.to)?.[1] ?? null : null;
  const letter = f.letter.trim().toLowerCase();
  return entries.filter((e) => {
    if (f.user !== "" && e.user !== f.user) return false;
    if (f.action !== "" && e.action !== f.action) return false;
    if (f.outcome !== "" && e.outcome !== f.outcome) return false;
    if (from !== null && e.at < from) return false;
    if (to !== null && e.at >= to) return false;
    if (letter !== "") {
      const hay = `${e.receipt_no ?? ""} ${e.letter_id ?? ""}`.toLowerCase();
      if (!hay.includes(letter)) return false;
    }
    return true;
  });
}
