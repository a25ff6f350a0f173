import { afterEach, describe, expect, it, vi as mock } from "vitest";
import type { OwnerIdCheck } from "./api/types";
import { validOwnerId } from "../test/owner";
import { OWNER_CHECK_PAUSE_MS, ownerIdChecker, sexFromId } from "./ownerCheck";
import { deferred } from "../test/deferred";

const verdict = validOwnerId;

afterEach(() => mock.useRealTimers());

describe("ownerIdChecker", () => {
  it("checks once per pause, with the text as it is when the pause ends", async () => {
    mock.useFakeTimers();
    let text = "0";
    const check = mock.fn(async (t: string) => verdict({ normalized: t }));
    const onresult = mock.fn();
    const recheck = ownerIdChecker({ text: () => text, onresult, onerror: mock.fn() }, check);
    recheck();
    text = "036";
    recheck();
    text = "036090004567";
    await mock.advanceTimersByTimeAsync(OWNER_CHECK_PAUSE_MS - 1);
    expect(check).not.toHaveBeenCalled();
    await mock.advanceTimersByTimeAsync(1);
    expect(check).toHaveBeenCalledExactlyOnceWith("036090004567");
    expect(onresult).toHaveBeenCalledWith(verdict(), "036090004567");
  });

  it("clears the verdict for a blank field without asking the engine, and can be cancelled", async () => {
    mock.useFakeTimers();
    const check = mock.fn(async () => verdict());
    const onresult = mock.fn();
    const recheck = ownerIdChecker({ text: () => "  ", onresult, onerror: mock.fn() }, check);
    recheck();
    await mock.advanceTimersByTimeAsync(OWNER_CHECK_PAUSE_MS);
    expect(onresult).toHaveBeenCalledExactlyOnceWith(null, "  ");
    recheck();
    recheck.cancel();
    await mock.advanceTimersByTimeAsync(OWNER_CHECK_PAUSE_MS);
    expect(onresult).toHaveBeenCalledTimes(1);
    expect(check).not.toHaveBeenCalled();
  });

  it("drops an answer overtaken by a newer check and reports failures as command errors", async () => {
    mock.useFakeTimers();
    let text = "036";
    const slow = deferred<OwnerIdCheck>();
    const answers = [slow.promise, Promise.resolve(verdict())];
    const onresult = mock.fn();
    const onerror = mock.fn();
    const recheck = ownerIdChecker({ text: () => text, onresult, onerror }, () => answers.shift()!);
    recheck();
    await mock.advanceTimersByTimeAsync(OWNER_CHECK_PAUSE_MS);
    text = "036090004567";
    recheck();
    await mock.advanceTimersByTimeAsync(OWNER_CHECK_PAUSE_MS);
    slow.resolve(verdict({ valid: false, normalized: null }));
    await slow.promise;
    expect(onresult.mock.calls).toEqual([[verdict(), "036090004567"]]);

    const failing = ownerIdChecker({ text: () => "1", onresult, onerror }, () =>
      Promise.reject({ code: "engine.busy", message: "Đang bận", message_en: "Busy" }),
    );
    failing();
    await mock.advanceTimersByTimeAsync(OWNER_CHECK_PAUSE_MS);
    expect(onerror).toHaveBeenCalledOnce();
    expect(onerror.mock.calls[0]![0]).toMatchObject({ code: "engine.busy", messageVi: "Đang bận" });
  });
});

describe("sexFromId", () => {
  it("reads the sex a valid ID states, in the field's spelling", () => {
    expect(sexFromId(verdict())).toBe("nam");
    expect(sexFromId(verdict({ sex: "nu" }))).toBe("nữ");
    expect(sexFromId(verdict({ valid: false }))).toBeNull();
    expect(sexFromId(verdict({ sex: null }))).toBeNull();
    expect(sexFromId(null)).toBeNull();
  });
});
