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

export function resource<T>(fetch: () => Promise<T>): Resource<T> {
  const r = $state<{ loading: boolean; value: T | null; error: UiError | null }>({
    loading: true,
    value: null,
    error: null,
  });
  let generation = 0;
  async function reload() {
    const mine = ++generation;
    r.loading = true;
    try {
      const value = await fetch();
      if (mine !== generation) return;
      r.value = value;
      r.error = null;
    } catch (err) {
      if (mine !== generation) return;
      r.value = null;
      r.error = onCallError(err);
    } finally {
      if (mine === generation) r.loading = false;
    }
  }
  void reload();
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
