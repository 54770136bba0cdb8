// Language state and lookup. The current language is a rune, so every
// `t(...)` in a component re-renders when the user switches language.

import { STRINGS, type Key } from "./strings";

export { STRINGS, type Key };

export const DEFAULT_LANG = "zh-TW";
export const LANGS = ["zh-TW", "en"] as const;
export type Lang = (typeof LANGS)[number];

const state = $state<{ lang: Lang }>({ lang: DEFAULT_LANG });

/** Returns a supported language code, or the default for anything else. */
export function normalizeLang(lang: unknown): Lang {
  return (LANGS as readonly unknown[]).includes(lang) ? (lang as Lang) : DEFAULT_LANG;
}

export function getLang(): Lang {
  return state.lang;
}

export function setLang(lang: unknown): Lang {
  state.lang = normalizeLang(lang);
  return state.lang;
}

/** The language the toggle button switches to. */
export function otherLang(lang: Lang = state.lang): Lang {
  return normalizeLang(lang) === "en" ? "zh-TW" : "en";
}

export type Params = Record<string, string | number>;

function interpolate(text: string, params: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Whether a string built at run time is a key both tables define. */
export function isKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(STRINGS[DEFAULT_LANG], key);
}

/**
 * Pure lookup in an explicit language. Keys are checked by `npm run check`;
 * should one still be missing at run time (a cast), it falls back to the
 * default language, then to the key itself, so it is visible, not blank.
 */
export function translate(lang: Lang, key: Key, params: Params = {}): string {
  const table: Partial<Record<string, string>> = STRINGS[normalizeLang(lang)];
  let text = table[key];
  if (text === undefined) text = (STRINGS[DEFAULT_LANG] as Partial<Record<string, string>>)[key];
  if (text === undefined) return key;
  return interpolate(text, params);
}

/** Lookup in the current language. */
export function t(key: Key, params: Params = {}): string {
  return translate(state.lang, key, params);
}

/** Every dotted start of a key: `action`, `trace`, `trace.via`, … */
type Prefixes<S extends string> = S extends `${infer Head}.${infer Rest}` ? Head | `${Head}.${Prefixes<Rest>}` : never;
export type KeyPrefix = Prefixes<Key>;

/** A code without a label, made readable: `ledger_grant` → `ledger grant`. */
export function readableCode(code: unknown): string {
  return code === null || code === undefined ? "" : String(code).replace(/_/g, " ").trim();
}

/**
 * The label of a code the back end sends as a plain string, from its family
 * of keys: `translateCode(lang, "action", "view")` is `action.view`. A code
 * with no label shows as the code made readable, never as the raw key.
 * (A code whose type in bindings.ts is a closed union, such as `PiiKind` or
 * `RoutingStatus`, goes straight to `t(`pii.${kind}`)`: the compiler then
 * checks that every member has its key.)
 */
export function translateCode(lang: Lang, prefix: KeyPrefix, code: unknown, params: Params = {}): string {
  const key = `${prefix}.${String(code)}`;
  return isKey(key) ? translate(lang, key, params) : readableCode(code);
}

/** `translateCode` in the current language. */
export function tCode(prefix: KeyPrefix, code: unknown, params: Params = {}): string {
  return translateCode(state.lang, prefix, code, params);
}

/** One role code → display name; unknown codes are shown as they are. */
export function roleName(role: string, lang: Lang = state.lang): string {
  const key = `role.${role}`;
  return isKey(key) ? translate(lang, key) : String(role);
}

/** Role codes → one display string, joined with 、 (zh-TW) or ", " (en). */
export function formatRoles(roles: readonly string[] | null | undefined, lang: Lang = state.lang): string {
  const list = Array.isArray(roles) ? roles : [];
  if (list.length === 0) return translate(lang, "roles.none");
  return list.map((r) => roleName(r, lang)).join(translate(lang, "roles.separator"));
}
