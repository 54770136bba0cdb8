// Language state and lookup. The current language is a rune, so every
// `t(...)` in a component re-renders when the user switches language.

import { STRINGS } from "./strings";

export { STRINGS };

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

/**
 * Pure lookup in an explicit language. Falls back to the default language,
 * then to the key itself, so a missing string is visible rather than blank.
 */
export function translate(lang: Lang, key: string, params: Params = {}): string {
  const table = STRINGS[normalizeLang(lang)];
  let text = table[key];
  if (text === undefined) text = STRINGS[DEFAULT_LANG][key];
  if (text === undefined) return key;
  return interpolate(text, params);
}

/** Lookup in the current language. */
export function t(key: string, params: Params = {}): string {
  return translate(state.lang, key, params);
}

/** One role code → display name; unknown codes are shown as they are. */
export function roleName(role: string, lang: Lang = state.lang): string {
  const key = `role.${role}`;
  const table = STRINGS[normalizeLang(lang)];
  return Object.prototype.hasOwnProperty.call(table, key) ? (table[key] as string) : String(role);
}

/** Role codes → one display string, joined with 、 (zh-TW) or ", " (en). */
export function formatRoles(roles: readonly string[] | null | undefined, lang: Lang = state.lang): string {
  const list = Array.isArray(roles) ? roles : [];
  if (list.length === 0) return translate(lang, "roles.none");
  return list.map((r) => roleName(r, lang)).join(translate(lang, "roles.separator"));
}
