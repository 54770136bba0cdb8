// A form's own checks, said in the window's language. Forms are marked
// `novalidate` so the browser never shows its own bubbles (WebKit's are in
// the system's language, "Value must be…"); a submit handler calls
// `formProblem` first and shows what it returns.

import type { UiError } from "./errors";
import { getLang, translate } from "./i18n.svelte";

type Field = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** The label a person sees for a field: its <label>'s first <span>, or its own label text. */
function labelOf(el: Field): string {
  const label = el.closest("label");
  const span = label?.querySelector("span");
  const text = (span?.textContent ?? label?.textContent ?? el.getAttribute("aria-label") ?? el.name ?? "").trim();
  return text === "" ? translate(getLang(), "form.thisField") : text;
}

/**
 * The first field that breaks its own constraints (required, minlength,
 * min, max, a number), as a bad-input error in the current language; null
 * when every field is fine.
 */
export function formProblem(form: HTMLFormElement | EventTarget | null): UiError | null {
  if (!(form instanceof HTMLFormElement)) return null;
  const lang = getLang();
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) continue;
    if (el.disabled) continue;
    const field = labelOf(el);
    const value = el.value;
    const say = (key: Parameters<typeof translate>[1], params: Record<string, string | number> = {}): UiError => ({
      kind: "bad_input",
      message: translate(lang, key, { field, ...params }),
    });
    if (el.required && value.trim() === "" && !(el instanceof HTMLInputElement && el.type === "checkbox")) {
      return say("form.required");
    }
    if (value === "") continue;
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
      const min = el.minLength;
      if (min > 0 && [...value].length < min) return say("form.tooShort", { n: min });
    }
    if (el instanceof HTMLInputElement && el.type === "number") {
      const n = Number(value);
      if (!Number.isFinite(n)) return say("form.notNumber");
      const lo = el.min === "" ? null : Number(el.min);
      const hi = el.max === "" ? null : Number(el.max);
      if ((lo !== null && n < lo) || (hi !== null && n > hi)) {
        return say("form.range", { min: lo ?? "", max: hi ?? "" });
      }
    }
  }
  return null;
}
