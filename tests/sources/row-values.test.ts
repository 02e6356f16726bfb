// What a value becomes in a typed column: never a field PostgreSQL's COPY would refuse
// (one such value would fail a whole load, or the start-up move at every start), and never
// a value changed without a word.
import { describe, expect, it } from "vitest";
import { fitValue, JsonText } from "@/lib/sources/typed/row-values";

const text = (value: unknown, type: Parameters<typeof fitValue>[1]) => fitValue(value, type).text;

describe("fitValue", () => {
  it("keeps a JSON string holding the six characters \\u0000, and drops a real NUL", () => {
    // JSON text {"p":"\\u0000"}, backslash doubled again for COPY's text format
    expect(text({ p: "\\u0000" }, "json")).toBe('{"p":"\\\\\\\\u0000"}');
    expect(text({ "k\u0000": "a\u0000b" }, "json")).toBe('{"k":"ab"}');
  });

  it("writes an unpaired surrogate in JSON as U+FFFD (jsonb refuses the escape)", () => {
    expect(text({ p: "\uDC00x" }, "json")).toBe('{"p":"\uFFFDx"}');
    expect(text("\uD800", "string")).toBe("\uFFFD");
  });

  it("passes stored JSON text through as it is, every digit kept", () => {
    expect(text(new JsonText('{"id": 12345678901234567890}'), "json")).toBe('{"id": 12345678901234567890}');
  });

  it("refuses a number PostgreSQL's numeric cannot hold, with the reason", () => {
    for (const bad of ["1e-20000", "0.0e-17000", "1e5000"]) {
      expect(fitValue(bad, "number")).toEqual({ text: null, reason: expect.stringContaining("not a number") });
    }
    expect(text("1e-300", "number")).toBe("1e-300");
    expect(text("-12.50", "number")).toBe("-12.50");
  });

  it("takes a whole number written with zero decimals exactly, past 2^53 too", () => {
    expect(text("9007199254740993.0", "integer")).toBe("9007199254740993");
    expect(text("-42.000", "integer")).toBe("-42");
    expect(text("1.2e3", "integer")).toBe("1200");
    expect(fitValue("9007199254740993.5", "integer").text).toBeNull();
    expect(fitValue("1e30", "integer").text).toBeNull();
    expect(fitValue(3.5, "integer")).toEqual({ text: null, reason: "not a whole number: 3.5" });
  });

  it("refuses dates and date-times outside years 1–9999 and impossible days", () => {
    expect(fitValue("2024-02-30", "date").text).toBeNull();
    expect(text("2024-02-29", "date")).toBe("2024-02-29");
    expect(fitValue(new Date(Date.UTC(10000, 0, 1)), "datetime").text).toBeNull();
    expect(text("0999-06-01T08:27:52.5Z", "datetime")).toBe("0999-06-01T08:27:52.500Z");
  });

  it("escapes what ends a COPY field or row", () => {
    expect(text("a\tb\nc\\d\re", "string")).toBe("a\\tb\\nc\\\\d\\re");
  });

  it("reads an ISO date-time without a zone as UTC, whatever zone the server runs in", () => {
    expect(text("2024-01-01 10:00", "datetime")).toBe("2024-01-01T10:00:00.000Z");
    expect(text("2024-06-30T23:59:59.5", "datetime")).toBe("2024-06-30T23:59:59.500Z");
    expect(text("2024-01-01T10:00:00+09:00", "datetime")).toBe("2024-01-01T01:00:00.000Z");
  });
});
