// The window's session: idle lock after the vault's idle time, not before;
// the lock button clears the page first.
import { afterEach, beforeEach, test, vi } from "vitest";
import assert from "node:assert/strict";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...a: unknown[]) => invoke(...a) }));
const { session, begin, end, lockNow, poke, warnLeadSecs } = await import("../src/lib/session.svelte");

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

test("the window warns before the idle lock, and activity ends the warning", async () => {
  const u = { ...user, idle_timeout_secs: 600 };
  assert.equal(warnLeadSecs(600), 60);
  assert.equal(warnLeadSecs(60), 12);
  begin(u);
  await vi.advanceTimersByTimeAsync(539_000);
  assert.equal(session.idleWarning, null, "no warning at 539 s");
  await vi.advanceTimersByTimeAsync(2_000);
  assert.equal(session.idleWarning, 60, "warned a minute before the lock");
  assert.equal(session.user?.name, "clerk", "not locked yet");
  poke();
  assert.equal(session.idleWarning, null, "activity ends the warning");
  // The idle time starts over from the activity: no lock at the old time.
  await vi.advanceTimersByTimeAsync(100_000);
  assert.equal(session.user?.name, "clerk");
  // Left alone again, it warns again and then locks.
  await vi.advanceTimersByTimeAsync(450_000);
  assert.equal(session.idleWarning, 60);
  await vi.advanceTimersByTimeAsync(61_000);
  assert.equal(session.user, null);
  assert.equal(session.idleWarning, null, "the warning goes with the session");
});

test("unlocking returns to the screen the work was on; another user starts at home", async () => {
  const clerk = { ...user, roles: ["clerk" as const] };
  begin(clerk);
  session.screen = "intake";
  await lockNow();
  begin(clerk);
  assert.equal(session.screen, "intake", "back where the draft waits");
  session.screen = "routing";
  await lockNow();
  begin({ ...user, name: "auditor", roles: ["auditor" as const] });
  assert.equal(session.screen, "ledger", "someone else starts at their home");
});
