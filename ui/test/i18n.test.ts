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
  tCode,
  translate,
  translateCode,
  isKey,
  readableCode,
  type Key,
} from "../src/lib/i18n.svelte";
import { STRING_PARTS } from "../src/lib/strings";

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

test("each part of the tables has the same keys in both languages, and no key is in two parts", () => {
  const seen = new Map<string, string>();
  for (const [part, tables] of Object.entries(STRING_PARTS)) {
    const zh = Object.keys(tables["zh-TW"]).sort();
    const en = Object.keys(tables.en).sort();
    assert.deepEqual(en, zh, `${part}: English and zh-TW keys differ`);
    for (const key of zh) {
      assert.equal(seen.get(key), undefined, `${key} is in both ${seen.get(key)} and ${part}`);
      seen.set(key, part);
    }
  }
  assert.equal(seen.size, Object.keys(STRINGS["zh-TW"]).length, "STRINGS is exactly its parts");
});

test("no string is empty, and zh-TW strings are not left in English", () => {
  for (const lang of LANGS) {
    for (const [key, text] of Object.entries(STRINGS[lang])) assert.notEqual(text.trim(), "", `${lang}: ${key}`);
  }
  // Keys whose zh-TW text may be Latin only (codes, names of formats, the toggle).
  const latin = new Set(["lang.toggle", "lang.toggle.lang", "source.pdf", "err.kind"]);
  for (const [key, text] of Object.entries(STRINGS["zh-TW"])) {
    if (!latin.has(key)) assert.match(text, /[\u3000-\u9fff\uff00-\uffef]/, `zh-TW ${key}: ${text}`);
  }
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
  assert.equal(translate("en", "no.such.key" as Key), "no.such.key");
});

test("a code's label comes from its family of keys, in the current language", () => {
  assert.equal(tCode("action", "view"), "閱覽");
  assert.equal(translateCode("en", "action", "ledger_grant"), "Ledger key grant");
  assert.equal(translateCode("en", "trace.via", "body_qr"), "a QR code on the page");
  assert.equal(
    translateCode("zh-TW", "ledger.anchor", "desk_witness", { seq: 7, at: "115/01/01", after: 2 }),
    "錨定於本機見證（第 7 筆，115/01/01），其後 2 筆。",
  );
  try {
    setLang("en");
    assert.equal(tCode("request.status", "awaiting_endorsement"), "Awaiting the clerk");
  } finally {
    setLang("zh-TW");
  }
});

test("a code without a label is shown readable, never as the raw key", () => {
  for (const lang of LANGS) {
    assert.equal(translateCode(lang, "action", "brand_new_action"), "brand new action");
    assert.equal(translateCode(lang, "trace.via", "ultra_violet"), "ultra violet");
    assert.equal(translateCode(lang, "action", "toString"), "toString");
  }
  assert.equal(tCode("pii", undefined), "");
  assert.equal(tCode("outcome", null), "");
  assert.equal(readableCode("login_failed"), "login failed");
  assert.equal(isKey("action.view"), true);
  assert.equal(isKey("action.brand_new_action"), false);
  assert.equal(isKey("constructor"), false);
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
