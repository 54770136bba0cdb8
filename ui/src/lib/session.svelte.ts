// Who is logged in at this window, the idle lock and the lock button.
// The back end keeps the real session and its own idle limit; this module
// only mirrors it, and clears the page first whenever the session ends, so
// nothing confidential stays on screen while a call runs.

import type { Me } from "./bindings";
import { call } from "./ipc";
import { isSessionGone, normalizeError, type UiError } from "./errors";
import { createIdleTimer, type IdleTimer } from "./idle";
import { homeScreen, screensFor, type ScreenId } from "./roles";
import type { Key } from "./strings";

const POLL_INTERVAL_MS = 30_000;
// Used only if the back end sends no usable idle_timeout_secs; it enforces its own limit anyway.
const FALLBACK_IDLE_SECS = 300;

/** What the login screen says: a back-end error, or a local message key. */
export type Notice = { err: UiError } | { key: Key } | null;

export const session = $state<{
  user: Me | null;
  screen: ScreenId;
  notice: Notice;
  /** The name field's value to keep after a lock. */
  lastName: string;
  /** Bumped on every session change; late results of an older epoch are dropped. */
  epoch: number;
  booted: boolean;
  /** Seconds left before the idle lock, while the warning shows; else null. */
  idleWarning: number | null;
}>({ user: null, screen: "account", notice: null, lastName: "", epoch: 0, booted: false, idleWarning: null });

let idle: IdleTimer | null = null;
let warn: IdleTimer | null = null;
/** The screen a session ended on, to return to when the same user unlocks. */
let lastScreen: ScreenId | null = null;
let idleSecs = 0;
let pollHandle: ReturnType<typeof setInterval> | null = null;
let polling = false;

export function idleSecsOf(user: Pick<Me, "idle_timeout_secs"> | null): number {
  const secs = Number(user?.idle_timeout_secs);
  return Number.isFinite(secs) && secs > 0 ? secs : FALLBACK_IDLE_SECS;
}

/**
 * How long before the idle lock the window warns: a minute, or a fifth of
 * a short limit (KeePassXC warns too). Whatever was typed and not saved
 * (a draft under review, a reason) is lost at the lock; the warning is the
 * chance to keep working.
 */
export function warnLeadSecs(idleSecs: number): number {
  return Math.max(1, Math.min(60, Math.floor(idleSecs / 5)));
}

function startIdle(secs: number) {
  idle?.stop();
  warn?.stop();
  idleSecs = secs;
  session.idleWarning = null;
  idle = createIdleTimer({
    timeoutMs: secs * 1000,
    onIdle: () => void lockNow({ key: "login.idleLocked" }),
  });
  const lead = warnLeadSecs(secs);
  warn = createIdleTimer({
    timeoutMs: Math.max(1, secs - lead) * 1000,
    onIdle: () => {
      session.idleWarning = lead;
    },
  });
  idle.start();
  warn.start();
}

function endTimers() {
  session.epoch += 1;
  idle?.stop();
  idle = null;
  warn?.stop();
  warn = null;
  session.idleWarning = null;
  if (pollHandle !== null) clearInterval(pollHandle);
  pollHandle = null;
}

/** Shows the workspace for a user who just logged in (or was already). */
export function begin(user: Me) {
  endTimers();
  const same = user.name === session.lastName && lastScreen !== null;
  const back = same && screensFor(user.roles).some((x) => x.id === lastScreen);
  session.user = user;
  session.lastName = user.name;
  session.notice = null;
  // Unlocking goes back to where the work was (a restored draft waits
  // there); anyone else starts at their own home screen.
  session.screen = back && lastScreen ? lastScreen : homeScreen(user.roles);
  startIdle(idleSecsOf(user));
  pollHandle = setInterval(() => void poll(), POLL_INTERVAL_MS);
}

/** Back to the login screen; the page forgets the user and what was shown. */
export function end(notice: Notice = null) {
  endTimers();
  if (session.user) {
    session.lastName = session.user.name;
    lastScreen = session.screen;
  }
  session.user = null;
  session.notice = notice;
}

/** Activity in the window keeps the idle timer from firing. */
export function poke() {
  idle?.poke();
  if (warn && !warn.running) {
    // The warning fired; activity ends it and arms it again.
    session.idleWarning = null;
    warn.start();
  } else {
    warn?.poke();
  }
}

/** After sleep or a hidden window the timers may be late: check now. */
export function wake() {
  if (!session.user) return;
  idle?.checkNow();
  warn?.checkNow();
  void poll();
}

async function poll() {
  if (polling || !session.user) return;
  const epoch = session.epoch;
  polling = true;
  try {
    const user = await call("whoami");
    if (epoch !== session.epoch) return;
    session.user = user;
    const secs = idleSecsOf(user);
    if (secs !== idleSecs) startIdle(secs);
  } catch (err) {
    if (epoch === session.epoch && isSessionGone(err)) end({ err: normalizeError(err) });
  } finally {
    polling = false;
  }
}

/** A call failed: if the session is gone, go to the login screen. */
export function onCallError(err: unknown): UiError {
  const e = normalizeError(err);
  if (isSessionGone(e)) end({ err: e });
  return e;
}

/** The page is cleared first; then the back end locks. */
export async function lockNow(notice: Notice = null) {
  end(notice);
  const epoch = session.epoch;
  try {
    await call("lock");
  } catch (err) {
    // Already locked is fine; anything else is worth telling the user.
    if (epoch === session.epoch && !isSessionGone(err) && notice === null) {
      session.notice = { err: normalizeError(err) };
    }
  }
}

export async function logIn(name: string, passphrase: string): Promise<UiError | null> {
  const epoch = session.epoch;
  try {
    const user = await call("login", { name, passphrase });
    if (epoch === session.epoch) begin(user);
    return null;
  } catch (err) {
    return normalizeError(err);
  }
}

/** At start: the back end may still hold a session (a reloaded window). */
export async function boot() {
  try {
    const user = await call("whoami");
    begin(user);
  } catch {
    // not logged in: the login screen
  } finally {
    session.booted = true;
  }
}
