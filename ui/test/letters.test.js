import { test } from "node:test";
import assert from "node:assert/strict";
import {
  assignmentStatus,
  categoryName,
  formatTaiwanDate,
  formatTaiwanDateTime,
  mayListAssignments,
  mayListLetters,
  statusName,
  yesNo,
} from "../src/letters.js";
import { setLang } from "../src/i18n.js";

test("categories in zh-TW and en", () => {
  const zh = { petition: "陳情", whistleblower: "檢舉", procurement_objection: "採購異議", other: "其他" };
  const en = {
    petition: "Petition",
    whistleblower: "Whistleblower complaint",
    procurement_objection: "Procurement objection",
    other: "Other",
  };
  for (const [code, name] of Object.entries(zh)) assert.equal(categoryName(code, "zh-TW"), name);
  for (const [code, name] of Object.entries(en)) assert.equal(categoryName(code, "en"), name);
});

test("unknown categories are shown as they are", () => {
  assert.equal(categoryName("lawsuit", "zh-TW"), "lawsuit");
  assert.equal(categoryName("toString", "en"), "toString");
  assert.equal(categoryName(undefined, "en"), "");
});

test("categoryName uses the current language by default", () => {
  try {
    setLang("en");
    assert.equal(categoryName("petition"), "Petition");
  } finally {
    setLang("zh-TW");
  }
  assert.equal(categoryName("petition"), "陳情");
});

test("times are shown in Taiwan time (UTC+8)", () => {
  // 2026-11-27T01:00:00Z
  assert.equal(formatTaiwanDateTime(1795741200000), "2026-11-27 09:00");
  // 2026-11-27T13:05:00Z
  assert.equal(formatTaiwanDateTime(1795784700000), "2026-11-27 21:05");
  // 2026-11-27T16:00:00Z is already the next day in Taipei.
  assert.equal(formatTaiwanDateTime(1795795200000), "2026-11-28 00:00");
  // 2026-11-27T15:59:59.999Z is still the 27th.
  assert.equal(formatTaiwanDateTime(1795795199999), "2026-11-27 23:59");
  // Year end: 2025-12-31T16:00:00Z is New Year in Taipei.
  assert.equal(formatTaiwanDateTime(1767196800000), "2026-01-01 00:00");
  assert.equal(formatTaiwanDateTime(0), "1970-01-01 08:00");
});

test("dates are Taiwan dates", () => {
  assert.equal(formatTaiwanDate(1795741200000), "2026-11-27");
  assert.equal(formatTaiwanDate(1795795200000), "2026-11-28");
});

test("the machine's time zone does not matter", () => {
  // Whatever TZ this runs under, the result is the same: only UTC fields are read.
  const before = process.env.TZ;
  try {
    for (const tz of ["UTC", "America/Los_Angeles", "Asia/Taipei", "Pacific/Kiritimati"]) {
      process.env.TZ = tz;
      assert.equal(formatTaiwanDateTime(1795741200000), "2026-11-27 09:00", tz);
    }
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
});

test("non-times format as empty", () => {
  for (const v of [undefined, null, "1795741200000", NaN, Infinity, 1e20]) {
    assert.equal(formatTaiwanDateTime(v), "", String(v));
    assert.equal(formatTaiwanDate(v), "", String(v));
  }
});

test("yes / no", () => {
  assert.equal(yesNo(true, "zh-TW"), "是");
  assert.equal(yesNo(false, "zh-TW"), "否");
  assert.equal(yesNo(true, "en"), "Yes");
  assert.equal(yesNo(false, "en"), "No");
  assert.equal(yesNo("true", "zh-TW"), "否", "only a real true reads as yes");
});

test("assignment status", () => {
  assert.equal(assignmentStatus({ active: true, ended: null }), "active");
  assert.equal(assignmentStatus({ active: false, ended: "revoked" }), "revoked");
  assert.equal(assignmentStatus({ active: false, ended: "declined" }), "declined");
  assert.equal(assignmentStatus({ active: false, ended: "expired" }), "expired");
  // Past its end time but not swept yet.
  assert.equal(assignmentStatus({ active: false, ended: null }), "expired");
  assert.equal(assignmentStatus(undefined), "expired");
});

test("assignment status names", () => {
  const zh = { active: "有效", expired: "已到期", revoked: "已撤銷", declined: "已退回" };
  const en = { active: "Active", expired: "Expired", revoked: "Revoked", declined: "Declined" };
  for (const [code, name] of Object.entries(zh)) assert.equal(statusName(code, "zh-TW"), name);
  for (const [code, name] of Object.entries(en)) assert.equal(statusName(code, "en"), name);
  assert.equal(statusName("archived", "zh-TW"), "archived");
});

test("which roles have lists", () => {
  for (const r of ["clerk", "supervisor", "handler"]) assert.equal(mayListLetters([r]), true, r);
  for (const r of ["admin", "auditor"]) assert.equal(mayListLetters([r]), false, r);
  assert.equal(mayListLetters([]), false);
  assert.equal(mayListLetters(undefined), false);
  assert.equal(mayListAssignments(["handler"]), true);
  assert.equal(mayListAssignments(["supervisor", "handler"]), true);
  assert.equal(mayListAssignments(["clerk"]), false);
  assert.equal(mayListAssignments(null), false);
});
