// The window's session: idle lock after the vault's idle time, not before;
// the lock button clears the page first.
import { afterEach, beforeEach, test, vi } from "vitest";
import assert from "node:assert/strict";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
const { session, begin, end, lockNow } = await import("../src/lib/session.svelte");

const user = { name: "clerk", roles: ["clerk" as const], unit: null, idle_timeout_secs: 60, warnings: [] };

beforeEach(() => {
  vi.useFakeTimers();
  invoke.mockReset();
  // whoami answers whoever the page thinks is logged in.
  invoke.mockImplementation(async (cmd: string) => (cmd === "whoami" ? { ...session.user } : null));
});
afterEach(() => {
  end();
  vi.useRealTimers();
});

test("the idle lock comes after the vault's idle time, and not before", async () => {
  begin(user);
  await vi.advanceTimersByTimeAsync(59_000);
  assert.equal(session.user?.name, "clerk", "still logged in at 59 s");
  assert.ok(!invoke.mock.calls.some((c) => c[0] === "lock"));
  await vi.advanceTimersByTimeAsync(2_000);
  assert.equal(session.user, null, "locked at 60 s");
  assert.deepEqual(invoke.mock.calls.at(-1), ["lock", {}]);
  assert.deepEqual(session.notice, { key: "login.idleLocked" });
});

test("a second login restarts the idle time", async () => {
  begin(user);
  await vi.advanceTimersByTimeAsync(50_000);
  await lockNow();
  begin({ ...user, name: "handler" });
  await vi.advanceTimersByTimeAsync(30_000);
  assert.equal(session.user?.name, "handler", "the first session's timer is gone");
});
