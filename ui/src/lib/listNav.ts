// Keyboard movement of the selection in a list, kept pure so every key and edge is unit-tested.

/** Rows that PageUp/PageDown skip: about one screen of the record list at 1366×768. */
export const PAGE_ROWS = 10;

/**
 * The index the selection moves to for `key`, or null when the key is not a navigation key (so the caller
 * leaves the event alone). `current` is -1 when nothing is selected yet; the first press then lands on a row.
 */
export function nextIndex(current: number, key: string, count: number, page: number = PAGE_ROWS): number | null {
  if (count <= 0) return null;
  const last = count - 1;
  const from = Math.min(current, last);
  switch (key) {
    case "ArrowDown":
      return from < 0 ? 0 : Math.min(from + 1, last);
    case "ArrowUp":
      return from < 0 ? 0 : Math.max(from - 1, 0);
    case "PageDown":
      return Math.min(Math.max(from, 0) + page, last);
    case "PageUp":
      return Math.max(from - page, 0);
    case "Home":
      return 0;
    case "End":
      return last;
    default:
      return null;
  }
}
