import { describe, expect, it } from "vitest";
import {
  csvText,
  excelValue,
  formatDateTime,
  isoDateTime,
  jsonValue,
  parquetValue,
  safeJson,
  zoneOffsetMs,
} from "@/lib/export/values";
import { neutralizeFormula } from "@/lib/export/formula";

const utc = { timezone: "UTC" };

describe("formula neutralisation (OWASP CSV injection)", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1", "'+1"],
    ["-1+1", "'-1+1"],
    ["@SUM(A1:A2)", "'@SUM(A1:A2)"],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ["\tindented", "'\tindented"],
    ["\rcarriage", "'\rcarriage"],
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ["plain", "plain"],
    ["", ""],
    ["a=b", "a=b"],
  ])("%j → %j", (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
    expect(csvText(input, "string", utc)).toBe(expected);
  });

  it.each([
    ["\uFF1D1+1", "'\uFF1D1+1"],
    ["\uFF0B1", "'\uFF0B1"],
    ["\uFF0D1+1", "'\uFF0D1+1"],
    ["\uFF20SUM(1)", "'\uFF20SUM(1)"],
    ["  =1+1", "'  =1+1"],
    ["\u00A0=1+1", "'\u00A0=1+1"],
    ["\u200B=1+1", "'\u200B=1+1"],
    ["\uFEFF@SUM(1)", "'\uFEFF@SUM(1)"],
    ["\u200E\u2067-1+1", "'\u200E\u2067-1+1"],
    ["\n=1+1", "'\n=1+1"],
    ['"=1+1', `'"=1+1`],
    [" plain", " plain"],
    ["'=1+1", "'=1+1"],
  ])("full-width forms and invisible prefixes: %j → %j", (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
    // Excel keeps the text as it is (the writer gives it the Text format).
    expect(excelValue(input, "string", utc)).toBe(input);
  });

  it("in CSV, also neutralises what follows a separator a spreadsheet may split on", () => {
    expect(csvText("a;=1+1", "string", utc)).toBe("a;'=1+1");
    expect(csvText("a,+1+1|@SUM(1)\t-1+1", "string", utc)).toBe("a,'+1+1|'@SUM(1)\t'-1+1");
    expect(csvText("x\r\n \u200B=1", "string", utc)).toBe("x\r\n' \u200B=1");
    expect(csvText("a; b, c|d", "string", utc)).toBe("a; b, c|d");
    // In Excel a cell is never split: only its start matters.
    expect(excelValue("a;=1+1", "string", utc)).toBe("a;=1+1");
  });

  it("leaves negative numbers and signed numbers alone in Excel too", () => {
    expect(excelValue(-12.5, "number", utc)).toBe(-12.5);
    expect(excelValue("-1e5", "number", utc)).toBe(-100000);
    expect(excelValue("-123456789012345678901234", "integer", utc)).toBe("-123456789012345678901234");
    expect(excelValue("-x", "number", utc)).toBe("-x");
  });

  it("never alters numbers", () => {
    expect(csvText(-5, "integer", utc)).toBe("-5");
    expect(csvText(-1.5, "number", utc)).toBe("-1.5");
    expect(csvText("-5", "integer", utc)).toBe("-5");
    expect(csvText("-1.5", "number", utc)).toBe("-1.5");
    expect(csvText("+7", "number", utc)).toBe("7");
  });

  it("neutralises text that lands in a number column and is not a number", () => {
    const warnings: string[] = [];
    expect(csvText("=1+1", "number", { ...utc, warn: (m) => warnings.push(m) })).toBe("'=1+1");
    expect(warnings).toEqual(['not a number: "=1+1"']);
  });
});

describe("csvText for every value type", () => {
  it("writes dates ISO, datetimes in UTC or a time zone, booleans, null, objects", () => {
    expect(csvText("2025-03-31", "date", utc)).toBe("2025-03-31");
    expect(csvText(new Date("2025-03-31T23:30:00Z"), "date", utc)).toBe("2025-03-31");
    expect(csvText("2025-05-12T07:28:37Z", "datetime", utc)).toBe("2025-05-12 07:28:37");
    expect(csvText("2025-05-12T07:28:37Z", "datetime", { timezone: "Asia/Seoul" })).toBe("2025-05-12 16:28:37");
    expect(csvText(new Date("2025-01-01T00:00:00Z"), "datetime", { timezone: "America/New_York" })).toBe(
      "2024-12-31 19:00:00",
    );
    expect(csvText(true, "boolean", utc)).toBe("true");
    expect(csvText("false", "boolean", utc)).toBe("false");
    expect(csvText(null, "string", utc)).toBe("");
    expect(csvText(undefined, "number", utc)).toBe("");
    expect(csvText({ a: 1, b: [true] }, "json", utc)).toBe('{"a":1,"b":[true]}');
    expect(csvText({ a: 1 }, "string", utc)).toBe('{"a":1}');
  });

  it("keeps Decimal values exact and bigints as digits", () => {
    class Decimal {
      constructor(private readonly text: string) {}
      toFixed() {
        return this.text;
      }
      toString() {
        return this.text;
      }
    }
    expect(csvText(new Decimal("12345678901234567890.123456789"), "number", utc)).toBe(
      "12345678901234567890.123456789",
    );
    expect(csvText(12345678901234567890n, "integer", utc)).toBe("12345678901234567890");
    expect(csvText("12345678901234567890", "integer", utc)).toBe("12345678901234567890");
  });

  it("writes a circular value as [Circular] instead of failing", () => {
    const value: Record<string, unknown> = { name: "loop" };
    value.self = value;
    expect(csvText(value, "json", utc)).toBe('{"name":"loop","self":"[Circular]"}');
    expect(safeJson({ n: 1n })).toBe('{"n":"1"}');
  });

  it("warns, and still writes something, for values that do not fit", () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    expect(csvText("abc", "integer", { ...utc, warn })).toBe("abc");
    expect(csvText("not a date", "datetime", { ...utc, warn })).toBe("not a date");
    expect(csvText("maybe", "boolean", { ...utc, warn })).toBe("maybe");
    expect(csvText(Number.NaN, "number", { ...utc, warn })).toBe("");
    expect(warnings).toHaveLength(4);
  });
});

describe("jsonValue, excelValue and parquetValue", () => {
  it("types JSON values", () => {
    expect(jsonValue("117.91", "number", utc)).toBe(117.91);
    expect(jsonValue("42", "integer", utc)).toBe(42);
    expect(jsonValue("9007199254740993", "integer", utc)).toBe("9007199254740993");
    expect(jsonValue("true", "boolean", utc)).toBe(true);
    expect(jsonValue("2025-05-12T07:28:37Z", "datetime", utc)).toBe("2025-05-12T07:28:37Z");
    expect(jsonValue("2025-05-12T07:28:37Z", "datetime", { timezone: "Asia/Seoul" })).toBe("2025-05-12T16:28:37+09:00");
    expect(jsonValue('{"tags":["a"]}', "json", utc)).toEqual({ tags: ["a"] });
    expect(jsonValue("=1+1", "string", utc)).toBe("=1+1");
    expect(jsonValue(null, "string", utc)).toBeNull();
  });

  it("gives Excel numbers, real dates and text that stays text", () => {
    expect(excelValue("-1229.28", "number", utc)).toBe(-1229.28);
    expect(excelValue("2025-03-31", "date", utc)).toEqual(new Date(Date.UTC(2025, 2, 31)));
    expect(excelValue("2025-05-12T07:28:37Z", "datetime", { timezone: "Asia/Seoul" })).toEqual(
      new Date(Date.UTC(2025, 4, 12, 16, 28, 37)),
    );
    expect(excelValue("=1+1", "string", utc)).toBe("=1+1");
  });

  it("gives Parquet bigints for integers and nothing for what cannot fit", () => {
    const warnings: string[] = [];
    expect(parquetValue("42", "integer", utc)).toBe(42n);
    expect(parquetValue("abc", "integer", { ...utc, warn: (m) => warnings.push(m) })).toBeNull();
    expect(warnings).toHaveLength(1);
  });

  it("formats date-times with offsets", () => {
    const instant = new Date("2025-07-01T12:00:00Z");
    expect(formatDateTime(instant, "Europe/London")).toBe("2025-07-01 13:00:00");
    expect(isoDateTime(instant, "America/Los_Angeles")).toBe("2025-07-01T05:00:00-07:00");
  });

  it("tells a zone's offset at an instant, daylight saving and local mean time included", () => {
    expect(zoneOffsetMs(new Date("2026-07-01T12:00:00Z"), "UTC")).toBe(0);
    expect(zoneOffsetMs(new Date("2026-07-01T12:00:00Z"), "Asia/Seoul")).toBe(9 * 3_600_000);
    expect(zoneOffsetMs(new Date("2026-07-01T12:00:00Z"), "Asia/Kathmandu")).toBe((5 * 60 + 45) * 60_000);
    expect(zoneOffsetMs(new Date("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe(2 * 3_600_000);
    expect(zoneOffsetMs(new Date("2026-01-01T12:00:00Z"), "Europe/Berlin")).toBe(3_600_000);
    expect(zoneOffsetMs(new Date("2026-01-01T12:00:00.999Z"), "America/New_York")).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs(new Date("0050-06-15T00:00:00Z"), "Asia/Seoul")).toBe(((8 * 60 + 27) * 60 + 52) * 1000);
  });

  it("keeps the years 1–99 (which Date.UTC takes for 1900–1999) in zoned times and Excel dates", () => {
    const early = new Date("0050-06-15T00:00:00Z");
    // Seoul's local mean time then: +8:27:52.
    expect(isoDateTime(early, "Asia/Seoul")).toBe("0050-06-15T08:27:52+08:28");
    expect((excelValue(early, "datetime", { timezone: "Asia/Seoul" }) as Date).toISOString()).toBe(
      "0050-06-15T08:27:52.000Z",
    );
    expect((excelValue("0050-06-15", "date", utc) as Date).toISOString()).toBe("0050-06-15T00:00:00.000Z");
  });
});
