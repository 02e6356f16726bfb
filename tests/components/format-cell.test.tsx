import { describe, expect, it } from "vitest";
import { formatCell } from "@/components/datasets/format-cell";

describe("formatCell", () => {
  it("shows each column type readably", () => {
    expect(formatCell(1234567, "integer", "en")).toBe("1,234,567");
    expect(formatCell(-1092.62, "number", "en")).toBe("-1,092.62");
    expect(formatCell(true, "boolean", "en")).toBe("true");
    expect(formatCell("2025-05-12T07:28:37Z", "datetime", "en")).toBe("2025-05-12 07:28:37 UTC");
    expect(formatCell({ a: [1] }, "json", "en")).toBe('{"a":[1]}');
    expect(formatCell(null, "string", "en")).toBe("");
    expect(formatCell("=1+1", "string", "en")).toBe("=1+1");
  });
});
