import { render, screen } from "@testing-library/svelte";
import { flushSync } from "svelte";
import { describe, expect, it, vi as mock } from "vitest";
import type { FileView } from "../lib/api/types";
import PageStrip from "./PageStrip.svelte";

// Three page images, each followed by its OCR words (as the engine stores them): only images are pages.
const files: FileView[] = [1, 2, 3].flatMap((n) => [
  { ordinal: 2 * n - 1, name: `page-000${n}.png`, media_type: "image/png", size: 10, sha256: `${n}`.repeat(64), signed_copy: false },
  { ordinal: 2 * n, name: `page-000${n}.png.ocr.json`, media_type: "application/json", size: 5, sha256: `${n}f`.repeat(32), signed_copy: false },
]);

/** jsdom has no DragEvent: a mouse event of the drag type carries what the strip reads (clientY). */
function drag(el: Element, type: string, clientY = 0) {
  flushSync(() => el.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, clientY })));
}

function setup(props: Record<string, unknown> = {}) {
  const onedit = mock.fn();
  render(PageStrip, { props: { record: "rec-1", version: 2, files, onedit, ...props } });
  return { onedit, items: screen.getAllByTestId("page-item"), thumbs: screen.getAllByTestId("page-thumb") };
}

describe("PageStrip", () => {
  it("shows only the page images, in order", () => {
    const { thumbs } = setup();
    expect(thumbs.map((t) => t.dataset.ordinal)).toEqual(["1", "3", "5"]);
  });

  it("drops a dragged page where the marker shows, as one edit with the whole new order", () => {
    const { onedit, items } = setup();
    const [first, second, third] = items as [HTMLElement, HTMLElement, HTMLElement];
    drag(first, "dragstart");
    expect(first.classList.contains("dragging")).toBe(true);
    // Over the upper half of the second page: the marker is above it.
    drag(second, "dragover", 0);
    expect(second.classList.contains("drop-before")).toBe(true);
    // Over the lower half of the last page: the marker is below it.
    drag(third, "dragover", 1);
    expect(second.classList.contains("drop-before")).toBe(false);
    expect(third.classList.contains("drop-after")).toBe(true);
    drag(third, "drop", 1);
    expect(onedit).toHaveBeenCalledTimes(1);
    expect(onedit).toHaveBeenCalledWith({ order: [3, 5, 1], turns: [] });
    expect(third.classList.contains("drop-after")).toBe(false);
  });

  it("sends nothing when a page is dropped back in its own place", () => {
    const { onedit, items } = setup();
    drag(items[1] as Element, "dragstart");
    drag(items[1] as Element, "dragover", 0);
    drag(items[1] as Element, "drop", 0);
    expect(onedit).not.toHaveBeenCalled();
  });

  it("moves the selected page with Alt+Arrow and keeps it selected", async () => {
    const { onedit, thumbs } = setup();
    const [first, second] = thumbs as [HTMLElement, HTMLElement];
    flushSync(() => first.click());
    first.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    expect(onedit).not.toHaveBeenCalled();
    first.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", altKey: true, bubbles: true }));
    expect(onedit).not.toHaveBeenCalled();
    flushSync(() => first.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", altKey: true, bubbles: true })));
    expect(onedit).toHaveBeenLastCalledWith({ order: [3, 1, 5], turns: [] });
    expect(second.getAttribute("aria-current")).toBe("true");
    expect(first.getAttribute("aria-current")).toBeNull();
    flushSync(() => second.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowLeft", altKey: true, bubbles: true })));
    expect(onedit).toHaveBeenLastCalledWith({ order: [3, 1, 5], turns: [] });
    expect(onedit).toHaveBeenCalledTimes(2);
  });

  it("neither drags nor moves while the record is busy", () => {
    const { onedit, items, thumbs } = setup({ disabled: true });
    expect((items[0] as HTMLElement).getAttribute("draggable")).toBe("false");
    drag(items[0] as Element, "dragstart");
    drag(items[2] as Element, "dragover", 1);
    drag(items[2] as Element, "drop", 1);
    (thumbs[0] as HTMLElement).dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", altKey: true, bubbles: true }));
    expect(onedit).not.toHaveBeenCalled();
  });
});
