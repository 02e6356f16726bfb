// How a PDF report is laid out: page geometry, column widths, rows a page, summary pages
// and cell text — computed without writing a report.
import { groupDigits, presentValue } from "@/lib/export/present-value";
import {
  BODY_GAP,
  FOOTER_HEIGHT,
  HEADER_HEIGHT,
  MARGIN,
  fitColumnWidths,
  pageGeometry,
  summaryPages,
  tableGrid,
} from "@/lib/export/pdf/layout";
import { tableHeight } from "@/lib/export/pdf/table-canvas";
import { COLUMNS } from "./pdf-fixtures";

describe("PDF layout", () => {
  it("keeps a full page of rows inside the body, above the footer", () => {
    for (const landscape of [false, true]) {
      const page = pageGeometry(landscape);
      const grid = tableGrid(COLUMNS, page);
      expect(tableHeight(grid, grid.rowsPerPage)).toBeLessThanOrEqual(page.bodyHeight);
      expect(tableHeight(grid, grid.rowsPerPage + 1)).toBeGreaterThan(page.bodyHeight);
      expect(2 * MARGIN + HEADER_HEIGHT + BODY_GAP + page.bodyHeight + FOOTER_HEIGHT).toBeCloseTo(page.height, 6);
    }
  });

  it("fits column widths to what the columns hold: ids and numbers on one line, free text sharing the rest", () => {
    const page = pageGeometry(false);
    const grid = tableGrid(COLUMNS, page);
    const pad = 7; // padding on both sides and the rule
    const sum = (widths: number[]) => widths.reduce((a, b) => a + b, 0);
    const needs = (widths: number[], keep: boolean[] = widths.map(() => false), word = 20) =>
      widths.map((width, i) => ({ width, word, keep: keep[i] ?? false }));

    // Room for everything: each column gets its natural width and more, in proportion.
    const natural = [40, 60, 20, 40, 40, 20];
    const roomy = fitColumnWidths(grid, needs(natural), page);
    expect(sum(roomy.widths)).toBeCloseTo(page.contentWidth, 3);
    roomy.widths.forEach((w, i) => expect(w).toBeGreaterThanOrEqual(Math.max(34, (natural[i] ?? 0) + pad)));

    // Long names: the ids, numbers and dates keep their natural widths, the names take the rest.
    const keep = [true, false, true, true, true, true];
    const tight = fitColumnWidths(grid, needs([50, 2000, 20, 45, 40, 20], keep), page);
    expect(sum(tight.widths)).toBeCloseTo(page.contentWidth, 3);
    expect(tight.widths[0]).toBeCloseTo(50 + pad, 3);
    expect(tight.widths[3]).toBeCloseTo(45 + pad, 3);
    expect(tight.widths[2]).toBeCloseTo(34, 3); // the narrowest column a table has
    expect(tight.widths[1]).toBeGreaterThan(300);

    // Two long free-text columns share equally; kept columns too wide for the page share as well.
    const shared = fitColumnWidths(grid, needs([900, 900, 20, 20, 20, 20]), page);
    expect(shared.widths[0]).toBeCloseTo(shared.widths[1] ?? 0, 3);
    const overfull = fitColumnWidths(
      grid,
      needs([400, 400, 400, 20, 20, 20], [true, true, true, true, true, true]),
      page,
    );
    expect(sum(overfull.widths)).toBeCloseTo(page.contentWidth, 3);
    // Each column at least fits its header's longest word; with too many columns for that,
    // the floors shrink alike and the table still fits the page.
    const worded = fitColumnWidths(grid, needs([900, 900, 20, 20, 20, 20], undefined, 60), page);
    worded.widths.forEach((w) => expect(w).toBeGreaterThanOrEqual(60 + pad - 1e-6));
    const crowded = tableGrid(
      Array.from({ length: 14 }, () => ({ type: "string" as const })),
      page,
    );
    const squeezed = fitColumnWidths(
      crowded,
      needs(
        Array.from({ length: 14 }, () => 500),
        undefined,
        60,
      ),
      page,
    );
    expect(sum(squeezed.widths)).toBeCloseTo(page.contentWidth, 3);
    squeezed.widths.forEach((w) => expect(w).toBeCloseTo(page.contentWidth / 14, 3));
  });

  it("moves statistics and charts to further pages when there are many numeric columns", () => {
    const page = pageGeometry(false);
    const few = summaryPages({ numericColumns: 4, charts: true, images: [] }, page);
    expect(few).toHaveLength(1);
    const many = summaryPages({ numericColumns: 120, charts: true, images: [{ width: 800, height: 400 }] }, page);
    expect(many.length).toBeGreaterThan(2);
    const stats = many.flat().filter((b) => b.kind === "stats");
    expect(stats.map((b) => (b.kind === "stats" ? b.to - b.from : 0)).reduce((a, b) => a + b, 0)).toBe(120);
    expect(stats.slice(1).every((b) => b.kind === "stats" && b.continued)).toBe(true);
    expect(many.flat().filter((b) => b.kind === "charts")).toHaveLength(1);
  });

  it("formats cells as a reader expects", () => {
    const labels = { yes: "Yes", no: "No" };
    expect(groupDigits("1234567.125")).toBe("1,234,567.125");
    expect(groupDigits("-1500")).toBe("-1,500");
    expect(groupDigits("999")).toBe("999");
    expect(presentValue("=1+1", "string", { timezone: "UTC", labels })).toBe("=1+1");
    expect(presentValue("true", "boolean", { timezone: "UTC", labels })).toBe("Yes");
    expect(presentValue("2025-05-12T07:28:37Z", "datetime", { timezone: "Asia/Seoul", labels })).toBe(
      "2025-05-12 16:28:37 +09:00",
    );
    expect(presentValue(null, "number", { timezone: "UTC", labels })).toBe("");
  });
});
