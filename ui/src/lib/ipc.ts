// The one door to the back end. Every call goes through `call` (or
// `callWithFile` for a file's bytes), typed by the generated `Commands` map:
// a command's name, its arguments and its result come from the Rust types,
// so a renamed field breaks `npm run check`, not the user.
//
// The back end decides every permission on every call; nothing here is a
// check, only a way to ask.

import { invoke } from "@tauri-apps/api/core";
import type { Commands } from "./bindings";
import { normalizeError, type UiError } from "./errors";

export type CommandName = keyof Commands;
export type ArgsOf<K extends CommandName> = Commands[K]["args"];
export type ResultOf<K extends CommandName> = Commands[K]["result"];

/** Calls `cmd` with its arguments (none for commands whose args are `null`). */
export async function call<K extends CommandName>(
  cmd: K,
  ...args: ArgsOf<K> extends null ? [] : [ArgsOf<K>]
): Promise<ResultOf<K>> {
  const payload = args.length === 0 ? {} : { args: args[0] };
  return (await invoke(cmd, payload)) as ResultOf<K>;
}

/**
 * Sends a file's bytes as the raw request body (no JSON of numbers), its
 * name in a header (percent-encoded: headers carry ASCII only).
 */
export async function callWithFile<K extends CommandName>(
  cmd: K,
  bytes: Uint8Array,
  fileName: string,
): Promise<ResultOf<K>> {
  return (await invoke(cmd, bytes, {
    headers: { "x-file-name": encodeURIComponent(fileName) },
  })) as ResultOf<K>;
}

/** A call's outcome without a throw: what a screen keeps as its state. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: UiError };

export async function attempt<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, error: normalizeError(err) };
  }
}
