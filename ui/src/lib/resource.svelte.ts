// A list or record a screen loads from the back end, with its loading and
// error state. A refused or failed call never leaves stale data on screen.

import type { UiError } from "./errors";
import { onCallError } from "./session.svelte";

export interface Resource<T> {
  readonly loading: boolean;
  readonly value: T | null;
  readonly error: UiError | null;
  reload(): Promise<void>;
}

/**
 * How often a queue is read again while its screen is open: a request or
 * decision made at another desk (a vault on a server) shows within this.
 * Each read is one call; the back end verifies only the ledger entries
 * appended since its last read.
 */
export const LIVE_QUEUE_MS = 10_000;

/**
 * A resource; with `liveMs`, read again every `liveMs` while the screen that
 * made it is shown, quietly (no loading state, and a failed re-read keeps
 * what is shown unless the session is gone).
 */
export function resource<T>(fetch: () => Promise<T>, liveMs?: number): Resource<T> {
  const r = $state<{ loading: boolean; value: T | null; error: UiError | null }>({
    loading: true,
    value: null,
    error: null,
  });
  let generation = 0;
  /** Reads again; `quiet` keeps what is shown while it reads, and on a failure. */
  async function load(quiet: boolean) {
    if (quiet && r.loading) return;
    const mine = ++generation;
    if (!quiet) r.loading = true;
    try {
      const value = await fetch();
      if (mine !== generation) return;
      r.value = value;
      r.error = null;
    } catch (err) {
      if (mine !== generation) return;
      const e = onCallError(err);
      if (!quiet) {
        r.value = null;
        r.error = e;
      }
    } finally {
      if (mine === generation && !quiet) r.loading = false;
    }
  }
  const reload = () => load(false);
  const refresh = () => load(true);
  void reload();
  if (liveMs) {
    $effect(() => {
      const handle = setInterval(() => void refresh(), liveMs);
      return () => clearInterval(handle);
    });
  }
  return {
    get loading() {
      return r.loading;
    },
    get value() {
      return r.value;
    },
    get error() {
      return r.error;
    },
    reload,
  };
}

/** Runs one action (approve, revoke, …): its error, or null when it worked. */
export async function act(p: Promise<unknown>): Promise<UiError | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return onCallError(err);
  }
}
