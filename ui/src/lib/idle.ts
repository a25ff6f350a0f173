// The page's half of the idle lock: after `timeoutMs` without keyboard or pointer input, `onIdle` runs once (the
// app then asks the shell to lock). The shell keeps its own clock as well, so a page that never fires this still
// gets its commands refused; this only makes the lock screen appear on time instead of at the next click.

export interface IdleLock {
  /** Input happened: start the countdown again. */
  activity(): void;
  stop(): void;
}

export function createIdleLock(timeoutMs: number, onIdle: () => void): IdleLock {
  let handle: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const arm = () => {
    clearTimeout(handle);
    if (stopped) return;
    handle = setTimeout(() => {
      stopped = true;
      onIdle();
    }, timeoutMs);
  };
  arm();
  return {
    activity: arm,
    stop() {
      stopped = true;
      clearTimeout(handle);
    },
  };
}

/**
 * Calls `fn` at most once per `intervalMs`: input events arrive many times a second, but telling the shell
 * "still here" (which resets its idle clock) once in a while is enough.
 */
export function throttle(intervalMs: number, fn: () => void, now: () => number = Date.now): () => void {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last >= intervalMs) {
      last = t;
      fn();
    }
  };
}
