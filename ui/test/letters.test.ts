import { test } from "vitest";
import assert from "node:assert/strict";
import {
  assignmentStatus,
  categoryName,
  formatTaiwanDate,
  formatTaiwanDateTime,
  statusName,
  yesNo,
  formatRocDate,
  formatRocDateTime,
  taiwanDayRange,
  daysLeft,
  parseDateEntry,
  isoDateInRoc,
} from "../src/lib/format";
import { setLang } from "../src/lib/i18n.svelte";

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

test("ROC dates as people here read them", () => {
  // 2026-11-27T16:00:00Z is 2026-11-28 in Taipei: 民國115年11月28日.
  assert.equal(formatRocDate(1795795200000, "zh-TW"), "民國115年11月28日");
  assert.equal(formatRocDate(1795795199999, "zh-TW"), "民國115年11月27日");
  assert.equal(formatRocDate(1795795200000, "en"), "2026-11-28");
  // 民國1年 is 1912; before it, the Gregorian date.
  assert.equal(formatRocDate(Date.UTC(1912, 0, 1, 0, 0), "zh-TW"), "民國1年1月1日");
  assert.equal(formatRocDate(Date.UTC(1911, 5, 1), "zh-TW"), "1911-06-01");
  assert.equal(formatRocDate("soon", "zh-TW"), "");
  assert.equal(formatRocDateTime(1795741200000, "zh-TW"), "民國115年11月27日 09:00");
});

test("a Taiwan day is a UTC range starting at 16:00 the day before", () => {
  assert.deepEqual(taiwanDayRange("2026-11-28"), [1795795200000, 1795795200000 + 86400000]);
  assert.equal(taiwanDayRange("28/11/2026"), null);
});

test("days left round up and go negative when past", () => {
  const now = 1795795200000;
  assert.equal(daysLeft(now + 86400000, now), 1);
  assert.equal(daysLeft(now + 1, now), 1);
  assert.equal(daysLeft(now - 86400000 * 2, now), -2);
});

test("dates are read as people here type them, in the ROC calendar or the Gregorian one", () => {
  const iso = (text: string) => {
    const e = parseDateEntry(text);
    return e.kind === "date" ? e.iso : e.kind;
  };
  for (const text of ["115/12/31", "115.12.31", "115-12-31", "1151231", "民國115年12月31日", "115年12月31日", "民國 115 年 12 月 31 日", "１１５／１２／３１", "2026-12-31", "2026/12/31", "20261231"]) {
    assert.equal(iso(text), "2026-12-31", text);
  }
  assert.equal(iso("99/1/2"), "2010-01-02");
  assert.equal(iso("1/1/1"), "1912-01-01");
  assert.equal(iso(""), "empty");
  assert.equal(iso("   "), "empty");
  // Dates that do not exist are refused, never rolled over.
  for (const text of ["115/2/30", "113/2/30", "115/13/1", "115/0/10", "2026-02-29", "12/31", "明天", "115/12-31", "0/1/1"]) {
    assert.equal(iso(text), "invalid", text);
  }
  assert.equal(iso("113/2/29"), "2024-02-29");
  assert.equal(isoDateInRoc("2026-12-31", "zh-TW"), "民國115年12月31日");
  assert.equal(isoDateInRoc("2026-12-31", "en"), "2026-12-31");
  assert.equal(isoDateInRoc("nonsense", "zh-TW"), "");
});
