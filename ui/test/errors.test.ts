import { test } from "vitest";
import assert from "node:assert/strict";
import { errorMessage, isSessionGone, normalizeError } from "../src/lib/errors";
import { setLang, STRINGS } from "../src/lib/i18n.svelte";
import type { ErrorKind } from "../src/lib/bindings";

const err = (kind: string, message = "back-end text") => ({ kind, message });

// Every kind the Rust side can send (bindings.ts is generated from it).
const KINDS: ErrorKind[] = [
  "usage", "no_vault", "vault_exists", "bad_credentials", "throttled", "user_disabled", "locked",
  "not_logged_in", "denied", "separation_of_duties", "invalid", "bad_input", "exists", "not_found",
  "affirmation_required", "bad_recovery_code", "bad_file", "worker_unavailable", "integrity",
  "ledger_unavailable", "schema_too_new", "busy", "vault", "internal", "server_unreachable",
  "server_refused",
];

test("every kind has its own plain message in both languages, never the bare fallback", () => {
  for (const kind of KINDS) {
    for (const lang of ["zh-TW", "en"] as const) {
      const text = errorMessage(err(kind, ""), lang);
      assert.ok(!text.includes("[") && !text.includes("err."), `${lang} ${kind}: ${text}`);
      if (kind !== "usage") assert.notEqual(text, STRINGS[lang]["err.other"], `${lang} ${kind} is specific`);
    }
    // zh-TW text is Chinese, not English.
    assert.match(errorMessage(err(kind, ""), "zh-TW"), /[\u4e00-\u9fff]/, kind);
  }
});

test("integrity and no_vault say what happened and what to do", () => {
  const integrity = errorMessage(err("integrity", "ledger entry 7 edited"), "zh-TW");
  assert.match(integrity, /竄改/);
  assert.match(integrity, /政風/);
  assert.doesNotMatch(integrity, /ledger entry 7/, "no raw back-end text for integrity");
  assert.match(errorMessage(err("no_vault"), "zh-TW"), /SEALDESK_VAULT/);
});

test("bad_credentials", () => {
  assert.equal(errorMessage(err("bad_credentials"), "zh-TW"), "使用者名稱或密碼錯誤");
  assert.equal(errorMessage(err("bad_credentials"), "en"), "Wrong user name or passphrase");
});

test("throttled appends the back-end wait in parentheses", () => {
  const e = err("throttled", "retry in 30 s");
  assert.equal(errorMessage(e, "zh-TW"), "密碼錯誤次數過多，帳號暫時鎖住，請稍後再試（retry in 30 s）");
  assert.equal(errorMessage(e, "en"), "Too many attempts; please wait and try again (retry in 30 s)");
  assert.equal(errorMessage(err("throttled", ""), "en"), "Too many attempts; please wait and try again");
});

test("throttled says the wait as it is: seconds are a pause, minutes a locked account", () => {
  const short = { kind: "throttled", message: "too many wrong passphrases; try again in 1 s", retry_after_secs: 1 };
  assert.equal(errorMessage(short, "zh-TW"), "密碼錯誤，請等 1 秒後再試（連續錯誤時，每次等待會加長）");
  assert.doesNotMatch(errorMessage(short, "zh-TW"), /鎖住/, "a 1-second wait is not a locked account");
  assert.equal(errorMessage({ ...short, retry_after_secs: 30 }, "en"),
    "Wrong passphrase; wait 30 s and try again (each wrong try in a row makes the wait longer)");
  const long = { kind: "throttled", message: "try again in 900 s", retry_after_secs: 900 };
  assert.equal(errorMessage(long, "zh-TW"), "密碼錯誤次數過多，帳號暫時鎖住，請稍後再試（約 15 分鐘後可再試）");
  assert.equal(errorMessage(long, "en"), "Too many attempts; please wait and try again (try again in about 15 min)");
  assert.doesNotMatch(errorMessage(short, "zh-TW"), /[a-z]{3}/, "no English in the zh-TW message");
});

test("locked and not_logged_in", () => {
  assert.equal(errorMessage(err("locked"), "zh-TW"), "工作階段已鎖定，請重新登入");
  assert.equal(errorMessage(err("locked"), "en"), "Session locked; please log in again");
  assert.equal(errorMessage(err("not_logged_in"), "en"), "Not logged in; please log in.");
});

test("unknown kind falls back with the kind in brackets", () => {
  assert.equal(errorMessage(err("io"), "zh-TW"), "發生錯誤 [io]");
  assert.equal(errorMessage(err("io"), "en"), "Something went wrong [io]");
  assert.equal(errorMessage(err("constructor"), "en"), "Something went wrong [constructor]");
});

test("mapping is by kind only, never by message text", () => {
  assert.equal(errorMessage(err("vault", "bad_credentials"), "en"), STRINGS.en["err.vault"]);
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
    assert.equal(errorMessage(err("bad_credentials")), "Wrong user name or passphrase");
  } finally {
    setLang("zh-TW");
  }
  assert.equal(errorMessage(err("bad_credentials")), "使用者名稱或密碼錯誤");
});
