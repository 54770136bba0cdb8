import { test } from "vitest";
import assert from "node:assert/strict";
import { createIdleTimer } from "../src/lib/idle";

// A hand-driven clock and timer queue.
function fakeClock() {
  let time = 0;
  let nextId = 1;
  const timers = new Map<number, { fn: () => void; at: number }>();
  return {
    now: () => time,
    setTimer: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.set(id, { fn, at: time + ms });
      return id;
    },
    clearTimer: (id: unknown) => void timers.delete(id as number),
    advance(ms: number) {
      const end = time + ms;
      for (;;) {
        let due: [number, { fn: () => void; at: number }] | null = null;
        for (const [id, t] of timers) if (t.at <= end && (due === null || t.at < due[1].at)) due = [id, t];
        if (due === null) break;
        timers.delete(due[0]);
        time = due[1].at;
        due[1].fn();
      }
      time = end;
    },
    pending: () => timers.size,
  };
}

function make(timeoutMs: number) {
  const clock = fakeClock();
  let fired = 0;
  const idle = createIdleTimer({ timeoutMs, onIdle: () => fired++, ...clock });
  return { clock, idle, fired: () => fired };
}

test("fires once after the timeout with no activity", () => {
  const { clock, idle, fired } = make(1000);
  idle.start();
  clock.advance(999);
  assert.equal(fired(), 0);
  clock.advance(1);
  assert.equal(fired(), 1);
  assert.equal(idle.running, false);
  clock.advance(5000);
  assert.equal(fired(), 1);
  assert.equal(clock.pending(), 0);
});

test("activity postpones it", () => {
  const { clock, idle, fired } = make(1000);
  idle.start();
  clock.advance(800);
  idle.poke();
  clock.advance(800);
  assert.equal(fired(), 0);
  idle.poke();
  clock.advance(999);
  assert.equal(fired(), 0);
  clock.advance(1);
  assert.equal(fired(), 1);
});

test("stop cancels; poke after stop does nothing", () => {
  const { clock, idle, fired } = make(1000);
  idle.start();
  idle.stop();
  idle.poke();
  clock.advance(10_000);
  assert.equal(fired(), 0);
  assert.equal(clock.pending(), 0);
});

test("checkNow fires when the deadline passed while timers were held back", () => {
  let time = 0;
  let fired = 0;
  const idle = createIdleTimer({
    timeoutMs: 1000,
    onIdle: () => fired++,
    now: () => time,
    setTimer: () => 1, // never runs: like a sleeping machine
    clearTimer: () => {},
  });
  idle.start();
  time = 5000;
  idle.checkNow();
  assert.equal(fired, 1);
});

test("rejects a bad timeout", () => {
  assert.throws(() => createIdleTimer({ timeoutMs: 0, onIdle() {} }), RangeError);
  assert.throws(() => createIdleTimer({ timeoutMs: NaN, onIdle() {} }), RangeError);
});
