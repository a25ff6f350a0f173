import { afterEach, beforeEach, describe, expect, it, vi as mock } from "vitest";
import { createIdleLock, throttle } from "./idle";

describe("createIdleLock", () => {
  beforeEach(() => mock.useFakeTimers());
  afterEach(() => mock.useRealTimers());

  it("fires once after the idle time, and activity postpones it", () => {
    const onIdle = mock.fn();
    const lock = createIdleLock(600_000, onIdle);
    mock.advanceTimersByTime(599_000);
    lock.activity();
    mock.advanceTimersByTime(599_000);
    expect(onIdle).not.toHaveBeenCalled();
    mock.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    lock.activity();
    mock.advanceTimersByTime(600_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it("never fires once stopped", () => {
    const onIdle = mock.fn();
    createIdleLock(1_000, onIdle).stop();
    mock.advanceTimersByTime(5_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});

describe("throttle", () => {
  it("passes the first call and then one per interval", () => {
    let now = 0;
    const fn = mock.fn();
    const t = throttle(30_000, fn, () => now);
    t();
    t();
    now = 29_999;
    t();
    expect(fn).toHaveBeenCalledTimes(1);
    now = 30_000;
    t();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
