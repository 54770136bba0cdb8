// The UI's own logic: the role → screens table, the register's filters,
// the clerk's review of findings, the auditor's ledger filters.
import { test } from "vitest";
import assert from "node:assert/strict";
import { SCREENS, homeScreen, screensFor } from "../src/lib/roles";
import { filterLetters, fold, secrecyText, shortSubject, EMPTY_FILTER, SUBJECT_SHOWN } from "../src/lib/register";
import { keptCounts, reviewResult, segments } from "../src/lib/review";
import { filterEntries, EMPTY_LEDGER_FILTER } from "../src/lib/ledger";
import type { DraftFinding, LedgerEntry, LetterSummary } from "../src/lib/bindings";

test("each role gets its screens, and everyone the account screen", () => {
  const ids = (roles: string[]) => screensFor(roles).map((s) => s.id);
  assert.deepEqual(ids(["clerk"]), ["register", "intake", "routing", "account"]);
  assert.deepEqual(ids(["supervisor"]), ["decisions", "unit", "account"]);
  assert.deepEqual(ids(["handler"]), ["assignments", "account"]);
  assert.deepEqual(ids(["auditor"]), ["ledger", "report", "account"]);
  assert.deepEqual(ids(["admin"]), ["users", "settings", "account"]);
  assert.deepEqual(ids([]), ["account"]);
  // Two roles: the union, in tab order, once each.
  assert.deepEqual(ids(["handler", "supervisor"]), ["decisions", "unit", "assignments", "account"]);
  assert.equal(homeScreen(["auditor"]), "ledger");
  // A supervisor starts at what waits for a decision, not at the register.
  assert.equal(homeScreen(["supervisor"]), "decisions");
  assert.equal(homeScreen(["handler", "clerk"]), "register");
  assert.equal(homeScreen(null), "account");
  // No role reads letters it should not: the auditor and admin get no letter screen.
  for (const role of ["auditor", "admin"]) {
    for (const s of screensFor([role])) assert.ok(!["register", "assignments", "intake"].includes(s.id), `${role}: ${s.id}`);
  }
  assert.equal(new Set(SCREENS.map((s) => s.id)).size, SCREENS.length);
});

function letter(over: Partial<LetterSummary> & { subject?: string; sender?: string }): LetterSummary {
  return {
    id: over.id ?? "L1",
    receipt_no: over.receipt_no ?? "SD-115-00001",
    level: over.level ?? "密",
    category: over.category ?? "petition",
    registered_at: 0,
    can_read: true,
    register: {
      subject: over.subject ?? "道路施工噪音陳情",
      sender_agency: over.sender ?? "臺北市政府",
      sender_doc_no: null,
      secrecy: { condition: "結案後解密" },
      received_at: 0,
      source: "pdf",
      pages: 1,
      deadline: null,
      addressee: "agency",
      opened_by: "clerk",
      seal_intact: true,
      attachments: [],
      retention_years: 10,
    },
    routing: over.routing ?? { status: "new", holder: null, unit: null, until: null },
    state: over.state ?? "registered",
    holders: over.holders ?? [],
  };
}

test("the register's search folds full-width and case, and every word must match", () => {
  const ls = [
    letter({ id: "a", receipt_no: "SD-115-00001", subject: "ＡＢＣ採購案異議" }),
    letter({ id: "b", receipt_no: "SD-115-00002", subject: "陳情案", sender: "新北市政府" }),
    letter({
      id: "c",
      receipt_no: "SD-115-00003",
      category: "whistleblower",
      routing: { status: "assigned", holder: "handler", unit: "稅務管理科", until: 1 },
    }),
  ];
  const ids = (q: Partial<typeof EMPTY_FILTER>) => filterLetters(ls, { ...EMPTY_FILTER, ...q }).map((l) => l.id);
  assert.deepEqual(ids({}), ["a", "b", "c"]);
  assert.deepEqual(ids({ query: "abc" }), ["a"]);
  assert.deepEqual(ids({ query: "00002" }), ["b"]);
  assert.deepEqual(ids({ query: "新北 陳情" }), ["b"]);
  assert.deepEqual(ids({ query: "新北 採購" }), []);
  assert.deepEqual(ids({ query: "稅務" }), ["c"]);
  assert.deepEqual(ids({ status: "assigned" }), ["c"]);
  assert.deepEqual(ids({ category: "whistleblower" }), ["c"]);
  assert.deepEqual(ids({ category: "petition", query: "SD-115" }), ["a", "b"]);
  assert.equal(fold("Ａ１　b"), "a1b");
});

test("a line without a register (no key) is found by receipt number only", () => {
  const sealed = { ...letter({ id: "s" }), can_read: false, register: null };
  assert.deepEqual(filterLetters([sealed], { ...EMPTY_FILTER, query: "00001" }).length, 1);
  assert.deepEqual(filterLetters([sealed], { ...EMPTY_FILTER, query: "道路" }).length, 0);
});

test("secrecy shows the date or the condition", () => {
  assert.equal(secrecyText({ until: "2030-12-31" }, "保密至", "解密條件：", "zh-TW"), "保密至 民國119年12月31日");
  assert.equal(secrecyText({ until: "2030-12-31" }, "Secret until", "Condition:", "en"), "Secret until 2030-12-31");
  assert.equal(secrecyText({ condition: "結案後" }, "保密至", "解密條件："), "解密條件： 結案後");
  assert.equal(secrecyText(null, "a", "b"), "");
});

const f = (kind: DraftFinding["kind"], value: string, start: number, end: number): DraftFinding => ({
  kind,
  value,
  start,
  end,
  confidence: 1,
  placed: true,
  writer: true,
});

test("segments cover the text exactly, findings marked, overlaps and bad spans ignored", () => {
  const text = "陳情人王大明，電話0912345678。";
  const fs = [f("person", "王大明", 3, 6), f("phone", "0912345678", 9, 19), f("person", "大明", 4, 6), f("email", "x", 40, 45)];
  const segs = segments(text, fs);
  assert.equal(segs.map((s) => s.text).join(""), text);
  assert.deepEqual(
    segs.filter((s) => s.finding !== null).map((s) => [s.text, s.finding]),
    [["王大明", 0], ["0912345678", 1]],
  );
  assert.deepEqual(segments("", fs), []);
});

test("the review drops a value only when no kept finding has it, and adds each pair once", () => {
  const fs = [f("person", "王大明", 0, 3), f("person", "王大明", 10, 13), f("organization", "本公司", 20, 23)];
  assert.deepEqual(reviewResult(fs, { dropped: new Set([2]), added: [] }), { drop: ["本公司"], add: [] });
  // One of two occurrences dropped: the value stays masked.
  assert.deepEqual(reviewResult(fs, { dropped: new Set([0]), added: [] }).drop, []);
  assert.deepEqual(reviewResult(fs, { dropped: new Set([0, 1]), added: [] }).drop, ["王大明"]);
  assert.deepEqual(
    reviewResult(fs, { dropped: new Set(), added: [["person", " 粘小華 "], ["person", "粘小華"], ["phone", "  "]] }).add,
    [["person", "粘小華"]],
  );
  assert.deepEqual([...keptCounts(fs, new Set([2]))], [["person", 2]]);
});

function entry(over: Partial<LedgerEntry>): LedgerEntry {
  return {
    seq: 1,
    at: 1795795200000,
    user: "handler",
    role: "handler",
    workstation: "w",
    action: "view",
    letter_id: "L1",
    receipt_no: "SD-115-00001",
    level: "密",
    reason: "辦理",
    assignment: null,
    outcome: "allowed",
    detail: null,
    forged: null,
    ...over,
  };
}

test("ledger filters: user, action, outcome, letter and Taiwan days", () => {
  const es = [
    entry({ seq: 1 }),
    entry({ seq: 2, user: "clerk", action: "register", receipt_no: "SD-115-00002" }),
    entry({ seq: 3, outcome: "denied", at: 1795795200000 - 1 }), // 23:59:59.999 on the 27th, Taiwan time
  ];
  const seqs = (q: Partial<typeof EMPTY_LEDGER_FILTER>) =>
    filterEntries(es, { ...EMPTY_LEDGER_FILTER, ...q }).map((e) => e.seq);
  assert.deepEqual(seqs({}), [1, 2, 3]);
  assert.deepEqual(seqs({ user: "clerk" }), [2]);
  assert.deepEqual(seqs({ action: "view" }), [1, 3]);
  assert.deepEqual(seqs({ outcome: "denied" }), [3]);
  assert.deepEqual(seqs({ letter: "00002" }), [2]);
  assert.deepEqual(seqs({ from: "2026-11-28" }), [1, 2]);
  assert.deepEqual(seqs({ to: "2026-11-27" }), [3]);
  assert.deepEqual(seqs({ from: "2026-11-27", to: "2026-11-27" }), [3]);
});

test("a drag on a scaled page becomes a box in the image's pixels, either way round, clamped", async () => {
  const { dragToBox } = await import("../src/lib/pagebox");
  // A 1240×1754 page shown at half size, 100 px from the left, 50 from the top.
  const shown = { left: 100, top: 50, width: 620, height: 877 };
  assert.deepEqual(dragToBox({ x: 110, y: 60 }, { x: 160, y: 70 }, shown, 1240, 1754), {
    x0: 20,
    y0: 20,
    x1: 120,
    y1: 40,
  });
  // Dragged up and to the left: the same box.
  assert.deepEqual(dragToBox({ x: 160, y: 70 }, { x: 110, y: 60 }, shown, 1240, 1754), {
    x0: 20,
    y0: 20,
    x1: 120,
    y1: 40,
  });
  // Past the page's edge: clamped to the image.
  assert.deepEqual(dragToBox({ x: 700, y: 900 }, { x: 900, y: 2000 }, shown, 1240, 1754), {
    x0: 1200,
    y0: 1700,
    x1: 1240,
    y1: 1754,
  });
  // A click, not a drag; a page not laid out yet.
  assert.equal(dragToBox({ x: 110, y: 60 }, { x: 111, y: 61 }, shown, 1240, 1754), null);
  assert.equal(dragToBox({ x: 110, y: 60 }, { x: 160, y: 70 }, { ...shown, width: 0 }, 1240, 1754), null);
});

test("a box drawn by keyboard: arrows move it, Shift+arrows size it, it stays on the page", async () => {
  const { keyBox, startBox, MIN_BOX_PX } = await import("../src/lib/pagebox");
  const start = startBox(1240, 1754);
  assert.deepEqual(start, { x0: 310, y0: 439, x1: 434, y1: 527 });
  // A step is a hundredth of the page; ten with Ctrl.
  assert.deepEqual(keyBox(start, "ArrowRight", {}, 1240, 1754), { x0: 322, y0: 439, x1: 446, y1: 527 });
  assert.deepEqual(keyBox(start, "ArrowDown", { big: true }, 1240, 1754), { x0: 310, y0: 619, x1: 434, y1: 707 });
  // Shift grows from the right and bottom edges, and shrinks no smaller than the minimum.
  assert.deepEqual(keyBox(start, "ArrowRight", { shift: true }, 1240, 1754), { x0: 310, y0: 439, x1: 446, y1: 527 });
  const thin = keyBox(start, "ArrowUp", { shift: true, big: true }, 1240, 1754);
  assert.equal(thin?.y1, 439 + MIN_BOX_PX);
  // Moved past the edge: it stops at the edge, its size kept.
  let b = start;
  for (let i = 0; i < 20; i++) b = keyBox(b, "ArrowLeft", { big: true }, 1240, 1754) ?? b;
  assert.deepEqual(b, { x0: 0, y0: 439, x1: 124, y1: 527 });
  // Another key does nothing.
  assert.equal(keyBox(start, "Enter", {}, 1240, 1754), null);
});

test("the review's zoom: the column, the whole page in the view's height, or larger", async () => {
  const { zoomWidth, ZOOMS } = await import("../src/lib/pagebox");
  assert.deepEqual([...ZOOMS], ["fit", "page", "150", "200"]);
  assert.equal(zoomWidth("fit", 1240, 1754), "100%");
  assert.equal(zoomWidth("page", 1240, 1754), "calc(80vh * 0.7070)");
  assert.equal(zoomWidth("200", 1240, 1754), "200%");
  assert.equal(zoomWidth("page", 1240, 0), "100%");
});

test("a long subject is capped for the register row, counted in characters", () => {
  assert.equal(shortSubject("代號甲：道路坑洞"), "代號甲：道路坑洞");
  const long = "陳".repeat(4200);
  const shown = shortSubject(long);
  assert.equal([...shown].length, SUBJECT_SHOWN + 1);
  assert.ok(shown.endsWith("…"));
  // A character outside the BMP is one character, never cut in half.
  const astral = "𠮷".repeat(SUBJECT_SHOWN + 5);
  assert.equal([...shortSubject(astral)].length, SUBJECT_SHOWN + 1);
  assert.equal(shortSubject("  a\n b  "), "a b");
});

test("a ledger entry's detail reads in zh-TW; an unknown one is shown as written, in parentheses", async () => {
  const { ledgerDetail } = await import("../src/lib/ledger");
  assert.equal(ledgerDetail("on demand", "zh-TW"), "使用者自行鎖定");
  assert.equal(ledgerDetail("approved request r1 (export)", "zh-TW"), "核准申請 r1（匯出）");
  assert.equal(ledgerDetail("request q9: route to handler of 稅務管理科", "zh-TW"), "申請 q9：分派 稅務管理科 handler");
  assert.equal(ledgerDetail("run request r2; mark ABCD-1234", "zh-TW"), "執行申請 r2；標記碼 ABCD-1234");
  assert.equal(ledgerDetail("affirmed no relationship with the letter's 2 part(ies)", "zh-TW"), "聲明與本件 2 位當事人無利害關係");
  assert.equal(ledgerDetail("something new", "zh-TW"), "（something new）");
  assert.equal(ledgerDetail("on demand", "en"), "on demand");
  assert.equal(ledgerDetail(null, "zh-TW"), "");
});

test("whose data: the clerk's choice, else the suggestion; an objector is the handler's; a value the writer owns stays masked", async () => {
  const { isWriter, shownValues } = await import("../src/lib/review");
  const mk = (kind: DraftFinding["kind"], value: string, writer: boolean): DraftFinding =>
    ({ kind, value, start: 0, end: 1, confidence: 1, placed: true, writer });
  const fs = [mk("person", "許俊宏", true), mk("person", "廖雅君", false), mk("organization", "立穩工程", true), mk("person", "許俊宏", false)];
  const none = new Map<number, boolean>();
  assert.equal(isWriter(fs[2]!, 2, "petition", none), true);
  assert.equal(isWriter(fs[2]!, 2, "procurement_objection", none), false, "the objector is answered");
  assert.equal(isWriter(fs[1]!, 1, "petition", new Map([[1, true]])), true, "the clerk decides");
  // 許俊宏 is the writer's at index 0, so the unticked index 3 does not unmask it.
  assert.deepEqual(shownValues(fs, new Set(), "petition", none), ["廖雅君"]);
  assert.deepEqual(shownValues(fs, new Set([1]), "petition", none), [], "a dropped finding is not shown either");
  assert.deepEqual(shownValues(fs, new Set(), "procurement_objection", none), ["廖雅君", "立穩工程"]);
});

test("what the clerk adds by hand is marked wherever it is written", async () => {
  const { addedMarks, segments } = await import("../src/lib/review");
  const text = "王大明說，王大明住中山路";
  const marks = addedMarks(text, [["person", "王大明"], ["address", " "]]);
  assert.deepEqual(marks.map((m) => [m.start, m.end]), [[0, 3], [5, 8]]);
  const pieces = segments(text, marks);
  assert.deepEqual(pieces.map((p) => p.finding), [0, null, 1, null]);
});

test("the report's charts: a user-by-day grid with flagged days outlined, and the hours of the week", async () => {
  const { perUserDayGrid, hourOfWeekGrid, shade, daysBetween } = await import("../src/lib/report");
  assert.deepEqual(daysBetween("2026-11-29", "2026-12-02"), ["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]);
  assert.deepEqual(daysBetween("x", "2026-12-02"), []);
  const how = Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d === 2 && h === 22 ? 15 : 0)));
  const report = {
    from: "2026-11-30",
    to: "2026-12-02",
    findings: {
      counts: { per_user_day: [["乙", "2026-12-01", 3], ["甲", "2026-12-02", 15], ["甲", "2026-11-30", 2]], hour_of_week: how },
      flags: [
        { kind: "off_hours", user: "甲", day: "2026-12-02", count: 15, detail: "", seqs: [] },
        { kind: "peer_volume", user: "乙", day: null, count: 3, detail: "", seqs: [] },
      ],
      sample: { seed: "1", users: [], lookups: [] },
    },
  } as unknown as import("../src/lib/bindings").AuditReport;
  const g = perUserDayGrid(report);
  assert.deepEqual(g.rows, ["乙", "甲"]);
  assert.deepEqual(g.values, [[0, 3, 0], [2, 0, 15]]);
  // Only a flag with a day outlines a cell.
  assert.deepEqual([...g.outlined], ["1:2"]);
  const h = hourOfWeekGrid(report);
  assert.equal(h.rows.length, 7);
  assert.equal(h.values[2]?.[22], 15);
  assert.equal(shade(0, 15), "#f4f6f8");
  assert.equal(shade(15, 15), "#08306b");
  assert.notEqual(shade(3, 15), shade(12, 15));
});
