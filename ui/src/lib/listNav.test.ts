import { describe, expect, it } from "vitest";
import { nextIndex } from "./listNav";

describe("nextIndex", () => {
  it("moves down and up one row, stopping at the ends", () => {
    expect(nextIndex(0, "ArrowDown", 3)).toBe(1);
    expect(nextIndex(2, "ArrowDown", 3)).toBe(2);
    expect(nextIndex(2, "ArrowUp", 3)).toBe(1);
    expect(nextIndex(0, "ArrowUp", 3)).toBe(0);
  });

  it("lands on the first row when nothing was selected", () => {
    expect(nextIndex(-1, "ArrowDown", 3)).toBe(0);
    expect(nextIndex(-1, "ArrowUp", 3)).toBe(0);
    expect(nextIndex(-1, "PageDown", 30, 10)).toBe(10);
  });

  it("pages and jumps", () => {
    expect(nextIndex(5, "PageDown", 30, 10)).toBe(15);
    expect(nextIndex(25, "PageDown", 30, 10)).toBe(29);
    expect(nextIndex(5, "PageUp", 30, 10)).toBe(0);
    expect(nextIndex(12, "Home", 30)).toBe(0);
    expect(nextIndex(12, "End", 30)).toBe(29);
  });

  it("clamps a selection left over from a longer list", () => {
    expect(nextIndex(40, "ArrowUp", 5)).toBe(3);
  });

  it("ignores other keys and empty lists", () => {
    expect(nextIndex(1, "Enter", 3)).toBeNull();
    expect(nextIndex(1, "a", 3)).toBeNull();
    expect(nextIndex(-1, "ArrowDown", 0)).toBeNull();
  });
});
