import { test } from "node:test";
import assert from "node:assert/strict";
import { errorMessage, isSessionGone, normalizeError } from "../src/errors.js";
import { setLang } from "../src/i18n.js";

const err = (kind, message = "back-end text") => ({ kind, message });

test("bad_credentials", () => {
  assert.equal(errorMessage(err("bad_credentials"), "zh-TW"), "使用者名稱或密碼錯誤");
  assert.equal(errorMessage(err("bad_credentials"), "en"), "Wrong user name or passphrase");
});

test("throttled appends the back-end message in parentheses", () => {
  const e = err("throttled", "retry in 30 s");
  assert.equal(errorMessage(e, "zh-TW"), "嘗試次數過多，請稍後再試（retry in 30 s）");
  assert.equal(errorMessage(e, "en"), "Too many attempts; please wait and try again (retry in 30 s)");
  assert.equal(errorMessage(err("throttled", ""), "en"), "Too many attempts; please wait and try again");
});

test("user_disabled, vault", () => {
  assert.equal(errorMessage(err("user_disabled"), "zh-TW"), "此帳號已停用");
  assert.equal(errorMessage(err("user_disabled"), "en"), "This account is disabled");
  assert.equal(errorMessage(err("vault"), "zh-TW"), "無法開啟密件庫");
  assert.equal(errorMessage(err("vault"), "en"), "Cannot open the vault");
});

test("locked and not_logged_in share one message", () => {
  for (const kind of ["locked", "not_logged_in"]) {
    assert.equal(errorMessage(err(kind), "zh-TW"), "工作階段已鎖定，請重新登入");
    assert.equal(errorMessage(err(kind), "en"), "Session locked; please log in again");
  }
});

test("unknown kind falls back with the kind in brackets", () => {
  assert.equal(errorMessage(err("io"), "zh-TW"), "發生錯誤 [io]");
  assert.equal(errorMessage(err("io"), "en"), "Something went wrong [io]");
  assert.equal(errorMessage(err("constructor"), "en"), "Something went wrong [constructor]");
});

test("mapping is by kind only, never by message text", () => {
  // A message that looks like another kind must not change the result.
  assert.equal(errorMessage(err("vault", "bad_credentials"), "en"), "Cannot open the vault");
  assert.equal(errorMessage(err("io", "locked"), "en"), "Something went wrong [io]");
  assert.equal(errorMessage(err("bad_credentials", "throttled: wait 5 s"), "en"), "Wrong user name or passphrase");
});

test("non-object rejections become kind unknown", () => {
  assert.deepEqual(normalizeError("boom"), { kind: "unknown", message: "boom" });
  assert.deepEqual(normalizeError(new TypeError("no tauri")), { kind: "unknown", message: "no tauri" });
  assert.deepEqual(normalizeError(undefined), { kind: "unknown", message: "" });
  assert.deepEqual(normalizeError({ message: "x" }), { kind: "unknown", message: "" });
  assert.equal(errorMessage("bad_credentials", "zh-TW"), "發生錯誤 [unknown]");
});

test("isSessionGone", () => {
  assert.equal(isSessionGone(err("locked")), true);
  assert.equal(isSessionGone(err("not_logged_in")), true);
  assert.equal(isSessionGone(err("vault")), false);
  assert.equal(isSessionGone("locked"), false);
});

test("errorMessage defaults to the current language", () => {
  try {
    setLang("en");
    assert.equal(errorMessage(err("vault")), "Cannot open the vault");
  } finally {
    setLang("zh-TW");
  }
  assert.equal(errorMessage(err("vault")), "無法開啟密件庫");
});
