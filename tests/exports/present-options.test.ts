// The options as a status or history reader gets them, and as a direct download keeps them.
import { describe, expect, it } from "vitest";
import { presentOptions, withoutChartImages } from "@/lib/exports/present-options";

const dataset = {
  dateColumn: "secret_day",
  columns: [
    { key: "name", label: "Name", type: "string" as const, sensitive: false, position: 0 },
    { key: "secret_day", label: "Day", type: "date" as const, sensitive: true, position: 1 },
  ],
};
const manager = { id: 2, role: "manager" as const };
const admin = { id: 1, role: "admin" as const };

describe("stored export options", () => {
  it("a direct download keeps no chart images", () => {
    expect(withoutChartImages({ include_charts: true, chart_images: ["data:image/png;base64,AA=="] })).toEqual({
      include_charts: true,
    });
    expect(withoutChartImages({ filters: [] })).toEqual({ filters: [] });
  });

  it("hides a range on a sensitive date column, and everything when the dataset is gone", () => {
    const stored = { date_range: { start: "2025-01-01" }, filters: [{ column: "name", op: "eq", value: "Kim" }] };
    expect(presentOptions(stored, manager, dataset)).toEqual({
      masked: true,
      options: { date_range: { start: "[REDACTED]" }, filters: [{ column: "name", op: "eq", value: "Kim" }] },
    });
    expect(presentOptions(stored, manager, null).options.filters).toEqual([
      { column: "name", op: "eq", value: "[REDACTED]" },
    ]);
    expect(presentOptions(stored, admin, null)).toEqual({ masked: false, options: stored });
    expect(
      presentOptions({ filters: [{ column: "secret_day", op: "is_null", value: true }] }, manager, dataset).masked,
    ).toBe(false);
  });
});
