import { describe, expect, it } from "vitest";
import { fitValue } from "@/lib/sources/typed/row-values";
import type { ColumnType } from "@/lib/export/types";
import { inferType, valueFits } from "@/lib/imports/infer-types";

describe("inferType", () => {
  it.each<[string, unknown[], ColumnType]>([
    ["integers", ["1", " 22 ", "-3", null, ""], "integer"],
    ["numbers", ["1", "2.5", "1e3"], "number"],
    ["booleans as words", ["true", "No", "YES", "false"], "boolean"],
    ["0/1 are integers, not booleans", ["0", "1"], "integer"],
    ["ISO dates", ["2024-01-02", "1999-12-31"], "date"],
    ["dates and date-times", ["2024-01-02", "2024-01-02T03:04:05Z"], "datetime"],
    ["JS dates at midnight", [new Date(Date.UTC(2024, 0, 1))], "date"],
    ["JS dates with a time", [new Date(Date.UTC(2024, 0, 1, 5))], "datetime"],
    ["objects and JSON text", [{ a: 1 }, "[1,2]"], "json"],
    ["leading zeros", ["007", "12"], "string"],
    ["an impossible date", ["2024-02-30"], "string"],
    ["mixed", ["1", "x"], "string"],
    ["all empty", [null, "", "  "], "string"],
    ["bigints", [1n, 2n], "integer"],
    ["non-integral numbers", [1, 2.5], "number"],
    ["a local date text", ["01/02/2024"], "string"],
  ])("%s", (_, values, type) => {
    expect(inferType(values as never[])).toBe(type);
  });

  it("never proposes a type that fitValue would refuse for a sampled value", () => {
    const samples: unknown[] = [
      "1",
      "2.5",
      "true",
      "2024-01-02",
      "2024-01-02T03:04:05Z",
      "[1]",
      "x",
      3,
      2.5,
      true,
      new Date(),
      { a: 1 },
      "99999999999999999999",
    ];
    for (const value of samples) {
      const type = inferType([value as never]);
      expect(fitValue(value, type).text, `${String(value)} as ${type}`).not.toBeNull();
      expect(valueFits(value as never, type)).toBe(true);
    }
  });
});
