// Dates as officers write them: day/month/year. The webview's `<input type="date">` follows the machine's locale
// (month first on an English system), so the app parses and shows dates itself and hands the engine ISO dates.

/** Why typed text is not a date: not shaped like one, or shaped like one that is not on the calendar (31/02). */
export type DateProblem = "format" | "impossible";

export type DateParse = { ok: true; iso: string } | { ok: false; problem: DateProblem };

/** Day and month of 1 or 2 digits, a year of 2 or 4, one separator used twice: 22/11/2026, 1-2-26, 01.02.2026. */
const SHAPE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{2}|\d{4})$/;

/** Years the app's periods and records can sensibly hold; anything else is a typo (20226, 0026). */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2099;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC so no time zone shifts the answer.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A two-digit year is this century unless that would be in the future, then the last one: nobody picks a period
 * or a birth date years ahead, while "98" on an old paper means 1998.
 */
function fullYear(twoDigits: number, today: Date): number {
  const thisYear = today.getFullYear();
  const year = Math.floor(thisYear / 100) * 100 + twoDigits;
  return year > thisYear ? year - 100 : year;
}

/** Reads `dd/mm/yyyy` (see {@link SHAPE}); `today` decides two-digit years. */
export function parseVnDate(text: string, today: Date = new Date()): DateParse {
  const m = SHAPE.exec(text.trim());
  if (!m) return { ok: false, problem: "format" };
  const day = Number(m[1]);
  const month = Number(m[3]);
  const year = m[4]!.length === 2 ? fullYear(Number(m[4]), today) : Number(m[4]);
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, problem: "impossible" };
  }
  return { ok: true, iso: `${pad(year, 4)}-${pad(month)}-${pad(day)}` };
}

/** `2026-11-22` → `22/11/2026`; anything not an ISO date is returned as it is, so nothing is lost on screen. */
export function formatVnDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** The local calendar day of `d` as ISO (not `toISOString`, which is UTC and can be yesterday in Vietnam). */
export function isoDay(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A period is usable when both ends are dates and it does not end before it starts (ISO strings sort as dates). */
export function rangeOk(from: string, to: string): boolean {
  return from !== "" && to !== "" && from <= to;
}
