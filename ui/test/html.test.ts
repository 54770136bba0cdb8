// Static checks that keep the page compatible with a strict CSP, keep every
// string in i18n, and keep secrets out of storage.
import { test } from "vitest";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { STRINGS } from "../src/lib/i18n.svelte";

// Vitest runs in ui/.
const root = join(process.cwd(), "/");
const html = readFileSync(join(root, "index.html"), "utf8");

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const sources: Array<[string, string]> = walk(join(root, "src"))
  .filter((f) => /\.(ts|svelte)$/.test(f))
  .map((f) => [f.slice(root.length), readFileSync(f, "utf8")]);

test("index.html has no inline script, inline style, or remote resource", () => {
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    assert.match(m[1] ?? "", /\bsrc=/, "every <script> has a src");
    assert.equal((m[2] ?? "").trim(), "", "no inline script body");
  }
  assert.doesNotMatch(html, /<style\b/i);
  assert.doesNotMatch(html, /\sstyle\s*=/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, "no inline event handlers");
  assert.doesNotMatch(html, /(src|href)\s*=\s*"(https?:)?\/\//i, "no remote resources");
});

test("every literal i18n key used in the sources exists in both languages", () => {
  const used = new Set<string>();
  for (const [, text] of sources) {
    for (const m of text.matchAll(/\bt\("([a-zA-Z0-9_.]+)"/g)) used.add(m[1] as string);
  }
  assert.ok(used.size > 100, `found ${used.size} keys`);
  for (const key of used) {
    for (const lang of ["zh-TW", "en"] as const) assert.ok(key in STRINGS[lang], `${lang}: ${key}`);
  }
});

test("keys built from back-end codes exist for every code", () => {
  const families: Record<string, string[]> = {
    "routing.status": ["new", "inquiring", "requested", "assigned", "ended"],
    "request.status": ["pending", "awaiting_endorsement", "approved", "denied", "done"],
    "request.kind": ["access", "reveal", "inquiry", "export", "print"],
    "assignment.kind": ["access", "reveal"],
    "inquiry.answer": ["ours", "not_ours", "pending"],
    pii: ["person", "national_id", "phone", "email", "address", "organization", "company_tax_id"],
    source: ["pdf", "image", "email", "text", "document"],
    "trace.channel": ["qr", "invisible", "tiled_text", "body_qr"],
    "trace.via": ["qr", "invisible", "tiled_text", "body_qr"],
    "trace.verdict": ["confirmed", "body", "footer_only", "conflict"],
    outcome: ["allowed", "denied"],
    "ledger.anchor": ["kept_checkpoint", "desk_witness"],
    action: [
      "login", "login_failed", "lock", "register", "view", "copy", "export", "print", "identity_reveal",
      "route_request", "route_decision", "declassify", "destroy", "user_admin", "recover", "ledger_read",
      "ledger_export", "ledger_grant", "integrity_warning",
    ],
  };
  for (const [prefix, codes] of Object.entries(families)) {
    for (const code of codes) {
      for (const lang of ["zh-TW", "en"] as const) assert.ok(`${prefix}.${code}` in STRINGS[lang], `${lang}: ${prefix}.${code}`);
    }
  }
});

test("sources never set inline styles or HTML, nor store anything but the language", () => {
  for (const [name, text] of sources) {
    assert.doesNotMatch(text, /\.style\b|setAttribute\(\s*["']style|\sstyle=/, `${name}: inline style`);
    assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\{@html/, `${name}: HTML injection`);
    assert.doesNotMatch(text, /\beval\(|new Function\(/, `${name}: eval`);
    for (const s of text.matchAll(/(localStorage|sessionStorage)\.setItem\(([^,]+),/g)) {
      assert.match(s[2] ?? "", /sealdesk\.lang/, `${name}: only the language is stored`);
    }
  }
});

test("only ipc.ts talks to Tauri", () => {
  for (const [name, text] of sources) {
    if (name.endsWith("lib/ipc.ts")) continue;
    assert.doesNotMatch(text, /@tauri-apps\/api|__TAURI/, `${name} calls Tauri directly`);
  }
});

test("the window uses every command its capability allows, and no other", () => {
  const bindings = readFileSync(join(root, "src/lib/bindings.ts"), "utf8");
  const map = bindings.slice(bindings.indexOf("export type Commands"));
  const commands = [...map.matchAll(/^\s+([a-z_]+): \{ args:/gm)].map((m) => m[1] as string);
  assert.ok(commands.length > 30, `found ${commands.length} commands`);
  const all = sources.map(([, text]) => text).join("\n");
  const called = new Set([...all.matchAll(/\b(?:call|callWithFile)\(\s*"([a-z_]+)"/g)].map((m) => m[1] as string));
  for (const c of commands) assert.ok(called.has(c), `${c} is allowed but never called: drop it from the capability`);
  for (const c of called) assert.ok(commands.includes(c), `${c} is called but not a command`);
});
