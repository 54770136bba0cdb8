// Back-end error → user message. Decided by `kind` only, never by the message text.
// No DOM access, so node:test can import this file directly.

import { getLang, translate } from "./i18n.js";

const KIND_TO_KEY = {
  bad_credentials: "err.bad_credentials",
  throttled: "err.throttled",
  user_disabled: "err.user_disabled",
  locked: "err.locked",
  not_logged_in: "err.locked",
  vault: "err.vault",
};

/** Kinds that mean "there is no open session: show the login screen". */
export const SESSION_GONE_KINDS = ["locked", "not_logged_in"];

/**
 * Whatever invoke() rejected with → { kind, message }.
 * The back end rejects with { kind, message }; anything else (a bare string,
 * an Error when not running inside Tauri, …) becomes kind "unknown".
 */
export function normalizeError(err) {
  if (err && typeof err === "object" && typeof err.kind === "string" && err.kind !== "") {
    return {
      kind: err.kind,
      message: typeof err.message === "string" ? err.message : "",
    };
  }
  let message = "";
  if (typeof err === "string") message = err;
  else if (err instanceof Error) message = err.message;
  return { kind: "unknown", message };
}

export function isSessionGone(err) {
  return SESSION_GONE_KINDS.includes(normalizeError(err).kind);
}

/** The text to show the user for a rejected invoke(). */
export function errorMessage(err, lang = getLang()) {
  const { kind, message } = normalizeError(err);
  const key = Object.prototype.hasOwnProperty.call(KIND_TO_KEY, kind) ? KIND_TO_KEY[kind] : null;
  if (key === null) {
    return translate(lang, "err.other") + translate(lang, "err.kind", { kind });
  }
  let text = translate(lang, key);
  // Only for throttling is the back-end text shown: it says how long to wait.
  if (kind === "throttled" && message.trim() !== "") {
    text += translate(lang, "err.detail", { detail: message.trim() });
  }
  return text;
}
