import { describe, expect, it } from "vitest";
import { formatCell } from "@/components/datasets/format-cell";

describe("formatCell", () => {
  it("shows each column type readably", () => {
    expect(formatCell(1234567, "integer", "en")).toBe("1,234,567");
    expect(formatCell(-1092.62, "number", "en")).toBe("-1,092.62");
    expect(formatCell("154.9", "number", "en")).toBe("154.90");
    expect(formatCell(95, "number", "en")).toBe("95.00");
    expect(formatCell(true, "boolean", "en")).toBe("Yes");
    expect(formatCell(false, "boolean", "en")).toBe("No");
    expect(formatCell("2025-05-12T07:28:37Z", "datetime", "en")).toBe("2025-05-12 07:28:37 UTC");
    expect(formatCell({ a: [1] }, "json", "en")).toBe('{"a":[1]}');
    expect(formatCell(null, "string", "en")).toBe("");
    expect(formatCell("=1+1", "string", "en")).toBe("=1+1");
  });

  it("speaks the reader's language and shows the zone it uses", () => {
    expect(formatCell(true, "boolean", "ko")).toBe("예");
    expect(formatCell(false, "boolean", "ko")).toBe("아니요");
    expect(formatCell("2026-11-30T22:32:00.000Z", "datetime", "ko", "Asia/Seoul")).toBe("2026-12-01 07:32:00 +09:00");
    expect(formatCell("2026-07-01T12:00:00Z", "datetime", "en", "America/New_York")).toBe("2026-07-01 08:00:00 -04:00");
  });
});
