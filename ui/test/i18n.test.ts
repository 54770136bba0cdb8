import { test } from "vitest";
import assert from "node:assert/strict";
import {
  DEFAULT_LANG,
  LANGS,
  STRINGS,
  formatRoles,
  getLang,
  normalizeLang,
  otherLang,
  roleName,
  setLang,
  t,
  translate,
} from "../src/lib/i18n.svelte";

test("default language is zh-TW", () => {
  assert.equal(DEFAULT_LANG, "zh-TW");
  assert.equal(getLang(), "zh-TW");
  assert.equal(t("login.submit"), "登入");
});

test("both languages define exactly the same keys", () => {
  const zh = Object.keys(STRINGS["zh-TW"]).sort();
  const en = Object.keys(STRINGS.en).sort();
  assert.deepEqual(en, zh);
  assert.deepEqual(Object.keys(STRINGS).sort(), [...LANGS].sort());
});

test("normalizeLang falls back to zh-TW", () => {
  assert.equal(normalizeLang("en"), "en");
  assert.equal(normalizeLang("zh-TW"), "zh-TW");
  assert.equal(normalizeLang(null), "zh-TW");
  assert.equal(normalizeLang("fr"), "zh-TW");
});

test("setLang / t switch languages; toggle label names the other language", () => {
  try {
    assert.equal(setLang("en"), "en");
    assert.equal(t("login.submit"), "Log in");
    assert.equal(t("lang.toggle"), "中文");
    assert.equal(otherLang(), "zh-TW");
    setLang("zh-TW");
    assert.equal(t("lang.toggle"), "English");
    assert.equal(otherLang(), "en");
    assert.equal(setLang("xx"), "zh-TW");
  } finally {
    setLang("zh-TW");
  }
});

test("login screen strings", () => {
  assert.equal(translate("zh-TW", "login.heading"), "Sealdesk 密件管理");
  assert.equal(translate("en", "login.heading"), "Sealdesk confidential letters");
  assert.equal(translate("zh-TW", "login.notice"), "所有檢視皆留有紀錄");
  assert.equal(translate("en", "login.notice"), "Every view is recorded");
  assert.equal(translate("zh-TW", "home.lock"), "鎖定");
  assert.equal(translate("en", "home.lock"), "Lock");
});

test("unknown key falls back to the key itself", () => {
  assert.equal(translate("en", "no.such.key"), "no.such.key");
});

test("interpolation", () => {
  assert.equal(translate("zh-TW", "err.detail", { detail: "30 s" }), "（30 s）");
  assert.equal(translate("en", "err.kind", { kind: "io" }), " [io]");
});

test("role names", () => {
  const zh = { admin: "系統管理員", clerk: "密件分文人員", supervisor: "主管", handler: "承辦人", auditor: "政風人員" };
  const en = { admin: "Administrator", clerk: "Dispatch clerk", supervisor: "Supervisor", handler: "Handler", auditor: "Auditor" };
  for (const [code, name] of Object.entries(zh)) assert.equal(roleName(code, "zh-TW"), name);
  for (const [code, name] of Object.entries(en)) assert.equal(roleName(code, "en"), name);
  assert.equal(roleName("janitor", "zh-TW"), "janitor");
  assert.equal(roleName("toString", "en"), "toString");
});

test("roles join with 、 in zh-TW and ', ' in en", () => {
  assert.equal(formatRoles(["clerk", "handler"], "zh-TW"), "密件分文人員、承辦人");
  assert.equal(formatRoles(["admin", "auditor", "supervisor"], "zh-TW"), "系統管理員、政風人員、主管");
  assert.equal(formatRoles(["clerk", "handler"], "en"), "Dispatch clerk, Handler");
  assert.equal(formatRoles(["admin"], "en"), "Administrator");
  assert.equal(formatRoles([], "zh-TW"), "（無）");
  assert.equal(formatRoles(undefined, "en"), "(none)");
});

test("formatRoles uses the current language by default", () => {
  try {
    setLang("en");
    assert.equal(formatRoles(["supervisor", "handler"]), "Supervisor, Handler");
  } finally {
    setLang("zh-TW");
  }
  assert.equal(formatRoles(["supervisor", "handler"]), "主管、承辦人");
});

test("every kind of personal data has its name in both languages", async () => {
  const { PII_KINDS } = await import("../src/lib/review");
  for (const kind of PII_KINDS) {
    for (const lang of LANGS) {
      const name = (STRINGS[lang] as Record<string, string>)[`pii.${kind}`];
      assert.ok(name && name !== `pii.${kind}`, `${lang}: pii.${kind}`);
    }
  }
  assert.equal(STRINGS["zh-TW"]["pii.bank_account" as keyof (typeof STRINGS)["zh-TW"]], "帳號");
});
