// The 政風 report's two charts as grids of counts: lookups per user per day
// (flagged days outlined) and per hour of the week. The HTML file the back
// end writes draws the same grids; here they are drawn as SVG elements.

import type { AuditReport, FlagKind } from "./bindings";

export interface Grid {
  rows: string[];
  cols: string[];
  /** `values[row][col]`. */
  values: number[][];
  /** `row:col` of the outlined cells. */
  outlined: Set<string>;
}

/** The kinds whose day marks a cell of the per-day chart. */
const DAY_FLAGS: readonly FlagKind[] = ["daily_volume", "off_hours", "on_leave", "untied", "denied"];

/** Every ISO day from `from` to `to`, at most 400. */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (Number.isNaN(start) || Number.isNaN(end)) return [];
  const out: string[] = [];
  for (let t = start; t <= end && out.length < 400; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export function perUserDayGrid(r: AuditReport): Grid {
  const cols = daysBetween(r.from, r.to);
  const rows = [...new Set(r.findings.counts.per_user_day.map(([u]) => u))].sort();
  const values = rows.map(() => cols.map(() => 0));
  for (const [u, d, n] of r.findings.counts.per_user_day) {
    const i = rows.indexOf(u);
    const j = cols.indexOf(d);
    const row = values[i];
    if (row && j >= 0) row[j] = n;
  }
  const outlined = new Set<string>();
  for (const f of r.findings.flags) {
    if (!DAY_FLAGS.includes(f.kind) || !f.day) continue;
    const i = rows.indexOf(f.user);
    const j = cols.indexOf(f.day);
    if (i >= 0 && j >= 0) outlined.add(`${i}:${j}`);
  }
  return { rows, cols, values, outlined };
}

export const WEEKDAYS = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"];

export function hourOfWeekGrid(r: AuditReport): Grid {
  return {
    rows: WEEKDAYS,
    cols: Array.from({ length: 24 }, (_, h) => `${h}時`),
    values: r.findings.counts.hour_of_week.map((hours) => [...hours]),
    outlined: new Set(),
  };
}

/** A cell's fill by its share of the largest count: light to deep blue. */
export function shade(n: number, max: number): string {
  if (n <= 0 || max <= 0) return "#f4f6f8";
  const t = Math.min(1, n / max);
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * t);
  const hex = (v: number) => v.toString(16).padStart(2, "0");
  return `#${hex(lerp(198, 8))}${hex(lerp(219, 48))}${hex(lerp(239, 107))}`;
}
