// Static checks that keep the page compatible with a strict CSP and in step with i18n.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { STRINGS } from "../src/i18n.js";

const root = new URL("../", import.meta.url);
const html = readFileSync(new URL("index.html", root), "utf8");
const sources = readdirSync(new URL("src/", root))
  .filter((f) => f.endsWith(".js"))
  .map((f) => [f, readFileSync(new URL(`src/${f}`, root), "utf8")]);

test("index.html has no inline script, inline style, or remote resource", () => {
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    assert.match(m[1], /\bsrc=/, "every <script> has a src");
    assert.equal(m[2].trim(), "", "no inline script body");
  }
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "no inline event handlers");
  assert.doesNotMatch(html, /(src|href)\s*=\s*"(https?:)?\/\//i, "no remote resources");
});

test("the required element ids exist", () => {
  for (const id of [
    "lang-toggle",
    "login-name",
    "login-passphrase",
    "login-submit",
    "login-error",
    "me-name",
    "me-roles",
    "me-unit",
    "lock-button",
    "letters-table",
    "letters-none",
    "assignments-table",
  ]) {
    assert.match(html, new RegExp(`id="${id}"`), id);
  }
  assert.match(html, /id="login-error"[^>]*role="alert"[^>]*hidden/);
  assert.match(html, /id="login-passphrase"[^>]*type="password"/);
  assert.match(html, /for="login-name"/);
  assert.match(html, /for="login-passphrase"/);
});

test("every data-i18n key exists", () => {
  for (const m of html.matchAll(/data-i18n="([^"]+)"/g)) {
    for (const lang of Object.keys(STRINGS)) assert.ok(m[1] in STRINGS[lang], `${lang}: ${m[1]}`);
  }
});

test("sources never set inline styles or HTML, nor store secrets", () => {
  for (const [name, text] of sources) {
    assert.doesNotMatch(text, /\.style\b|setAttribute\(\s*["']style/, `${name}: inline style`);
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/, `${name}: HTML injection`);
    assert.doesNotMatch(text, /\beval\(|new Function\(/, `${name}: eval`);
    const stores = [...text.matchAll(/(localStorage|sessionStorage)\.setItem\(([^,]+),/g)];
    for (const s of stores) assert.match(s[2], /LANG_STORAGE_KEY/, `${name}: only the language is stored`);
  }
});
