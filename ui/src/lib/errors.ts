// Back-end error → what the user reads. Decided by `kind` only, never by
// the message text; the kinds are generated from the Rust side
// (`ErrorKind` in bindings.ts), so a kind without a message fails `npm run
// check`, not the user.

import type { ErrorKind } from "./bindings";
import { getLang, translate, type Key, type Lang } from "./i18n.svelte";

/** What the page works with: a kind the UI knows, and the back end's text. */
export type UiError = {
  kind: ErrorKind | "unknown";
  message: string;
  /** For `throttled`: seconds until the next try. */
  retry_after_secs?: number | null;
  /** The kind as the back end sent it, when the UI does not know it. */
  code?: string;
};

/**
 * Each kind's message key: what happened and what to do, in plain words.
 * A `Record` over `ErrorKind`, so adding a kind in Rust without a message
 * here is a type error.
 */
const KIND_TO_KEY: Record<ErrorKind | "unknown", Key> = {
  usage: "err.other",
  no_vault: "err.no_vault",
  vault_exists: "err.vault_exists",
  bad_credentials: "err.bad_credentials",
  throttled: "err.throttled",
  user_disabled: "err.user_disabled",
  locked: "err.locked",
  not_logged_in: "err.not_logged_in",
  denied: "err.denied",
  separation_of_duties: "err.separation_of_duties",
  invalid: "err.invalid",
  bad_input: "err.bad_input",
  exists: "err.exists",
  not_found: "err.not_found",
  affirmation_required: "err.affirmation_required",
  bad_recovery_code: "err.bad_recovery_code",
  bad_file: "err.bad_file",
  worker_unavailable: "err.worker_unavailable",
  integrity: "err.integrity",
  ledger_unavailable: "err.ledger_unavailable",
  schema_too_new: "err.schema_too_new",
  busy: "err.busy",
  vault: "err.vault",
  internal: "err.internal",
  server_unreachable: "err.server_unreachable",
  server_refused: "err.server_refused",
  unknown: "err.other",
};

/** Kinds whose back-end text adds something the user needs (a wait, a field). */
const DETAIL_KINDS: ReadonlySet<string> = new Set([
  "throttled",
  "invalid",
  "bad_input",
  "bad_file",
  "not_found",
  "exists",
  "separation_of_duties",
  "affirmation_required",
]);

/** Kinds that mean "there is no open session: show the login screen". */
export const SESSION_GONE_KINDS: readonly string[] = ["locked", "not_logged_in"];

/**
 * Whatever invoke() rejected with → { kind, message }.
 * The back end rejects with { kind, message }; anything else (a bare string,
 * an Error when not running inside Tauri, …) becomes kind "unknown".
 */
export function normalizeError(err: unknown): UiError {
  if (err && typeof err === "object" && "kind" in err) {
    const e = err as { kind: unknown; message?: unknown };
    if (typeof e.kind === "string" && e.kind !== "") {
      const message = typeof e.message === "string" ? e.message : "";
      if (Object.prototype.hasOwnProperty.call(KIND_TO_KEY, e.kind)) {
        const retry = (err as { retry_after_secs?: unknown }).retry_after_secs;
        return typeof retry === "number" && Number.isFinite(retry)
          ? { kind: e.kind as ErrorKind, message, retry_after_secs: retry }
          : { kind: e.kind as ErrorKind, message };
      }
      return { kind: "unknown", message, code: e.kind };
    }
  }
  let message = "";
  if (typeof err === "string") message = err;
  else if (err instanceof Error) message = err.message;
  return { kind: "unknown", message };
}

export function isSessionGone(err: unknown): boolean {
  return SESSION_GONE_KINDS.includes(normalizeError(err).kind);
}

/** The text to show the user for a rejected invoke(). */
export function errorMessage(err: unknown, lang: Lang = getLang()): string {
  const { kind, message, code, retry_after_secs } = normalizeError(err);
  let text = translate(lang, KIND_TO_KEY[kind]);
  // The wait after wrong passphrases, in the user's language.
  // Said as it is: a short pause is a pause of seconds, not a locked account.
  if (kind === "throttled" && typeof retry_after_secs === "number") {
    const secs = Math.max(1, Math.ceil(retry_after_secs));
    if (secs < 60) return translate(lang, "err.throttledShort", { n: secs });
    return text + translate(lang, "err.retryAfterMinutes", { n: Math.ceil(secs / 60) });
  }
  if (kind === "unknown") text += translate(lang, "err.kind", { kind: code ?? kind });
  if (DETAIL_KINDS.has(kind) && message.trim() !== "") {
    text += translate(lang, "err.detail", { detail: message.trim() });
  }
  return text;
}
