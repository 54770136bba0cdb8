// The clerk's review of detected personal data before a letter is sealed:
// the text cut into plain and found pieces, and the review's result.
// Offsets are UTF-16 code units (what JavaScript strings count); the back
// end converts its byte offsets before sending a draft.

import type { DraftFinding, PiiKind } from "./bindings";

export const PII_KINDS: readonly PiiKind[] = [
  "person",
  "national_id",
  "phone",
  "email",
  "address",
  "organization",
  "company_tax_id",
  "bank_account",
  "passport",
  "line_id",
  "birth_date",
];

export type Segment = { text: string; finding: number | null };

/**
 * Cuts `text` into pieces; a piece covered by a finding carries the
 * finding's index. Overlapping findings: the earlier-starting one wins the
 * overlap; findings outside the text are ignored.
 */
export function segments(text: string, findings: readonly DraftFinding[]): Segment[] {
  const order = findings
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => f.start >= 0 && f.end <= text.length && f.start < f.end)
    .sort((a, b) => a.f.start - b.f.start || b.f.end - a.f.end);
  const out: Segment[] = [];
  let at = 0;
  for (const { f, i } of order) {
    if (f.end <= at) continue;
    const start = Math.max(f.start, at);
    if (start > at) out.push({ text: text.slice(at, start), finding: null });
    out.push({ text: text.slice(start, f.end), finding: i });
    at = f.end;
  }
  if (at < text.length) out.push({ text: text.slice(at), finding: null });
  return out;
}

/**
 * What the clerk added by hand, as findings to highlight in the text: every
 * place the value is written (UTF-16 offsets, as the text is shown).
 */
export function addedMarks(text: string, added: ReadonlyArray<[PiiKind, string]>): DraftFinding[] {
  const out: DraftFinding[] = [];
  for (const [kind, raw] of added) {
    const value = raw.trim();
    if (value === "") continue;
    for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + value.length)) {
      out.push({ kind, value, start: at, end: at + value.length, confidence: 1, placed: true, writer: true });
    }
  }
  return out;
}

export interface ReviewState {
  /** Indexes of findings the clerk dropped (not personal data). */
  dropped: ReadonlySet<number>;
  /** What the clerk added: a kind and the text as written in the letter. */
  added: ReadonlyArray<[PiiKind, string]>;
}

/** The review as the back end takes it: values to drop, pairs to add. */
export function reviewResult(
  findings: readonly DraftFinding[],
  state: ReviewState,
): { drop: string[]; add: Array<[PiiKind, string]> } {
  const kept = new Set(findings.filter((_, i) => !state.dropped.has(i)).map((f) => f.value));
  // A value is dropped only if no kept finding has it: dropping one
  // occurrence must not unmask the others.
  const drop = [...new Set(findings.filter((_, i) => state.dropped.has(i)).map((f) => f.value))].filter(
    (v) => !kept.has(v),
  );
  const seen = new Set<string>();
  const add: Array<[PiiKind, string]> = [];
  for (const [kind, value] of state.added) {
    const v = value.trim();
    const key = `${kind}\u0000${v}`;
    if (v === "" || seen.has(key)) continue;
    seen.add(key);
    add.push([kind, v]);
  }
  return { drop, add };
}

/** Counts of kept findings by kind, for the summary line. */
export function keptCounts(findings: readonly DraftFinding[], dropped: ReadonlySet<number>): Map<PiiKind, number> {
  const m = new Map<PiiKind, number>();
  findings.forEach((f, i) => {
    if (!dropped.has(i)) m.set(f.kind, (m.get(f.kind) ?? 0) + 1);
  });
  return m;
}

/**
 * Whether a finding is the writer's own (sealed, masked for the handler)
 * rather than another person's named in the letter (shown to the assigned
 * handler): the clerk's choice when made, else the back end's suggestion,
 * except that a procurement objection's objecting company is the handler's
 * to answer by default.
 */
export function isWriter(
  f: Pick<DraftFinding, "kind" | "writer">,
  i: number,
  category: string,
  chosen: ReadonlyMap<number, boolean>,
): boolean {
  const choice = chosen.get(i);
  if (choice !== undefined) return choice;
  if (category === "procurement_objection" && (f.kind === "organization" || f.kind === "company_tax_id")) return false;
  return f.writer;
}

/**
 * The values to show the handler (the review's `shown`): kept findings that
 * are not the writer's, less any value that is the writer's elsewhere (one
 * occurrence the clerk protects keeps every occurrence masked).
 */
export function shownValues(
  findings: readonly DraftFinding[],
  dropped: ReadonlySet<number>,
  category: string,
  chosen: ReadonlyMap<number, boolean>,
): string[] {
  const kept = findings.map((f, i) => ({ f, i })).filter(({ i }) => !dropped.has(i));
  const own = new Set(kept.filter(({ f, i }) => isWriter(f, i, category, chosen)).map(({ f }) => f.value));
  return [...new Set(kept.filter(({ f, i }) => !isWriter(f, i, category, chosen)).map(({ f }) => f.value))].filter(
    (v) => !own.has(v),
  );
}
