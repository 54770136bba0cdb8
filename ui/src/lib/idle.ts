// Idle timer: calls onIdle once after `timeoutMs` with no poke().
// poke() only records a time stamp (cheap enough for mousemove); a single timer
// re-arms itself for the remaining time when it fires early.
// No DOM access; clock and timer functions can be injected for tests.

const MAX_DELAY_MS = 2_147_483_647; // setTimeout's upper limit

export type TimerHandle = ReturnType<typeof setTimeout> | number;

export interface IdleOptions {
  timeoutMs: number;
  onIdle: () => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
}

export interface IdleTimer {
  start(): void;
  poke(): void;
  checkNow(): void;
  stop(): void;
  readonly running: boolean;
}

export function createIdleTimer({
  timeoutMs,
  onIdle,
  now = () => Date.now(),
  setTimer = (fn, ms) => setTimeout(fn, ms),
  clearTimer = (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}: IdleOptions): IdleTimer {
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new RangeError("timeoutMs must be a positive number");
  }
  let last = 0;
  let handle: TimerHandle | null = null;
  let running = false;

  function disarm() {
    if (handle !== null) clearTimer(handle);
    handle = null;
  }

  function arm(delay: number) {
    disarm();
    handle = setTimer(check, Math.min(Math.max(0, delay), MAX_DELAY_MS));
  }

  function check() {
    handle = null;
    if (!running) return;
    const idleFor = now() - last;
    if (idleFor >= timeoutMs) {
      running = false;
      onIdle();
    } else {
      arm(timeoutMs - idleFor);
    }
  }

  return {
    start() {
      running = true;
      last = now();
      arm(timeoutMs);
    },
    poke() {
      if (running) last = now();
    },
    /** Check right now (e.g. when the window becomes visible after sleep). */
    checkNow() {
      if (running) {
        disarm();
        check();
      }
    },
    stop() {
      running = false;
      disarm();
    },
    get running() {
      return running;
    },
  };
}
