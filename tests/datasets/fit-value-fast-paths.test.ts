// The arithmetic shortcuts for plain dates and UTC date-times in row-values.ts give exactly
// what the general path (a Date) gives, for valid and invalid values alike: every day of
// leap and common years, impossible days, the edges of the year range and of the clock.
import { describe, expect, it } from "vitest";
import { fitValue } from "@/lib/sources/typed/row-values";

/** The general rule, written out: what a Date makes of the text. */
function viaDate(text: string, type: "date" | "datetime") {
  const date = new Date(text);
  const year = date.getUTCFullYear();
  if (Number.isNaN(date.getTime()) || year < 1 || year > 9999) return null;
  if (type === "datetime") return date.toISOString();
  const [y, m, d] = text.split("-").map(Number);
  const exact = date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
  return exact ? text : null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

describe("plain dates and UTC date-times", () => {
  const years = [1, 4, 100, 400, 1900, 2000, 2023, 2024, 9999];
  it("fit as a Date would say, for every month and day (and some that do not exist)", () => {
    for (const year of years) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          expect(fitValue(date, "date").text, date).toBe(viaDate(date, "date"));
          const at = `${date}T23:59:59Z`;
          expect(fitValue(at, "datetime").text, at).toBe(viaDate(at, "datetime"));
          const exact = `${date}T00:00:00.123Z`;
          expect(fitValue(exact, "datetime").text, exact).toBe(viaDate(exact, "datetime"));
        }
      }
    }
  });

  it("leave the year 0 and clock times past the day to the general rule", () => {
    expect(fitValue("0000-01-01", "date").text).toBeNull();
    expect(fitValue("0000-01-01T00:00:00Z", "datetime").text).toBeNull();
    expect(fitValue("2026-01-01T24:00:00Z", "datetime").text).toBe(viaDate("2026-01-01T24:00:00Z", "datetime"));
    expect(fitValue("2026-01-01T10:60:00Z", "datetime").text).toBeNull();
  });
});
