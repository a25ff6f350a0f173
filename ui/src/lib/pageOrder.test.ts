import { describe, expect, it } from "vitest";
import { moveBy, moveToGap, sameOrder } from "./pageOrder";

describe("page order", () => {
  const order = [1, 3, 5, 7];

  it("moves a page into the gap it was dropped on", () => {
    expect(moveToGap(order, 0, 3)).toEqual({ order: [3, 5, 1, 7], index: 2 });
    expect(moveToGap(order, 3, 0)).toEqual({ order: [7, 1, 3, 5], index: 0 });
    expect(moveToGap(order, 1, 4)).toEqual({ order: [1, 5, 7, 3], index: 3 });
  });

  it("leaves the order alone when a page is dropped beside itself", () => {
    expect(sameOrder(moveToGap(order, 2, 2).order, order)).toBe(true);
    expect(sameOrder(moveToGap(order, 2, 3).order, order)).toBe(true);
  });

  it("moves one step with the keyboard and stops at the ends", () => {
    expect(moveBy(order, 1, 1)).toEqual({ order: [1, 5, 3, 7], index: 2 });
    expect(moveBy(order, 1, -1)).toEqual({ order: [3, 1, 5, 7], index: 0 });
    expect(moveBy(order, 0, -1)).toBeNull();
    expect(moveBy(order, 3, 1)).toBeNull();
  });
});
