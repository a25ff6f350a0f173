// Page reordering as the strip does it (drag and drop, Alt+Arrow): pure functions over the list of page
// ordinals, so what the engine receives (one `editPages` call with the whole new order) is testable alone.

/**
 * The order after moving the page at `from` to the gap `gap` (0 = before the first page, n = after the last),
 * and where the page now is. Dropping a page next to itself changes nothing.
 */
export function moveToGap(order: number[], from: number, gap: number): { order: number[]; index: number } {
  if (from < 0 || from >= order.length) return { order: [...order], index: from };
  const to = Math.max(0, Math.min(gap, order.length));
  const next = [...order];
  const [page] = next.splice(from, 1);
  const index = to > from ? to - 1 : to;
  next.splice(index, 0, page as number);
  return { order: next, index };
}

/** One step left/up (`by` = -1) or right/down (+1); at either end, nothing moves. */
export function moveBy(order: number[], from: number, by: -1 | 1): { order: number[]; index: number } | null {
  const to = from + by;
  if (from < 0 || from >= order.length || to < 0 || to >= order.length) return null;
  return moveToGap(order, from, by > 0 ? to + 1 : to);
}

export function sameOrder(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
