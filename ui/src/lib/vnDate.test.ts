import { describe, expect, it } from "vitest";
import { formatVnDate, isoDay, parseVnDate, rangeOk } from "./vnDate";

const TODAY = new Date(2026, 10, 22);

/** What officers type, and the ISO date it means. */
const READ: [string, string, string][] = [
  ["day first, month second", "22/11/2026", "2026-11-22"],
  ["two-digit parts", "01/02/2026", "2026-02-01"],
  ["one-digit parts, spaces around", " 3/4/2026 ", "2026-04-03"],
  ["dashes", "5-6-2026", "2026-06-05"],
  ["dots", "05.06.2026", "2026-06-05"],
  ["a two-digit year of this century", "1/1/26", "2026-01-01"],
  ["a two-digit year at the century's start", "1/1/00", "2000-01-01"],
  ["a two-digit year ahead of today: last century", "1/1/27", "1927-01-01"],
  ["an old paper's two-digit year", "1/1/98", "1998-01-01"],
  ["a leap day", "29/02/2024", "2024-02-29"],
  ["a leap day of a 400th year", "29/02/2000", "2000-02-29"],
  ["the year's last day", "31/12/2026", "2026-12-31"],
];

/** Shaped like dates, but not on the calendar (or outside the years the app holds). */
const IMPOSSIBLE = ["31/02/2026", "29/02/2026", "29/02/1900", "31/04/2026", "00/01/2026", "12/13/2026", "01/00/2026", "1/1/1899", "1/1/2100"];

/** Not shaped like a day/month/year date at all. */
const MALFORMED = ["", "  ", "abc", "22/11", "22112026", "2026-11-22", "22/11/202", "22/11/20266", "22 / 11 / 2026", "2a/11/2026", "05/06-2026", "١/١/٢٠٢٦"];

describe("parseVnDate", () => {
  it.each(READ)("reads %s", (_what, text, iso) => {
    expect(parseVnDate(text, TODAY)).toEqual({ ok: true, iso });
  });

  it.each(IMPOSSIBLE)("refuses %s as not on the calendar", (text) => {
    expect(parseVnDate(text, TODAY)).toEqual({ ok: false, problem: "impossible" });
  });

  it.each(MALFORMED)("refuses %j as not a date", (text) => {
    expect(parseVnDate(text, TODAY)).toEqual({ ok: false, problem: "format" });
  });
});

describe("formatVnDate, isoDay and rangeOk", () => {
  it("shows ISO dates day first and leaves anything else as it is", () => {
    expect(["2026-02-01", "", "hôm qua"].map(formatVnDate)).toEqual(["01/02/2026", "", "hôm qua"]);
  });

  it("gives the local calendar day", () => {
    expect(isoDay(new Date(2026, 0, 5, 23, 59))).toBe("2026-01-05");
  });

  it("refuses a period that ends before it starts or lacks an end", () => {
    const periods: [string, string][] = [["2026-11-01", "2026-11-22"], ["2026-11-22", "2026-11-22"], ["2026-11-23", "2026-11-22"], ["", "2026-11-22"]];
    expect(periods.map(([from, to]) => rangeOk(from, to))).toEqual([true, true, false, false]);
  });
});
