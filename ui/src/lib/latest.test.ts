import { describe, expect, it } from "vitest";
import { createLatest } from "./latest";
import { deferred } from "../test/deferred";

describe("createLatest", () => {
  it("drops an answer that arrives after a newer request's", async () => {
    const latest = createLatest();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = latest.run(() => slow.promise);
    const second = latest.run(() => fast.promise);
    fast.resolve("Nguyễn");
    slow.resolve("Ng");
    expect(await second).toEqual({ stale: false, value: "Nguyễn" });
    expect(await first).toEqual({ stale: true });
  });

  it("passes failures of the newest request through", async () => {
    const latest = createLatest();
    await expect(latest.run(() => Promise.reject(new Error("db")))).rejects.toThrow("db");
  });
});
