import { decodeChartImage } from "@/lib/export/chart-images";
import { groupDigits, pdfCellText, writePdf, PdfRowCountError, type PdfWriterOptions } from "@/lib/export/formats/pdf";
import {
  BODY_GAP,
  FOOTER_HEIGHT,
  HEADER_HEIGHT,
  MARGIN,
  fitColumnWidths,
  pageGeometry,
  summaryPages,
  tableGrid,
  tablePageCount,
} from "@/lib/export/pdf/layout";
import { tableHeight } from "@/lib/export/pdf/table-canvas";
import type { PdfSummary } from "@/lib/export/pdf/types";
import type { ExportColumn } from "@/lib/export/types";
import { pdfLabels } from "@/lib/exports/pdf-report";
import { chartPng, readPdf } from "../helpers/pdf";
import { batchesOf, collect, context } from "./helpers";

const COLUMNS: ExportColumn[] = [
  { key: "id", header: "Student ID", type: "string" },
  { key: "name", header: "Name", type: "string" },
  { key: "credits", header: "Credits", type: "integer" },
  { key: "balance", header: "Balance", type: "number" },
  { key: "enrolled", header: "Enrolled", type: "date" },
  { key: "active", header: "Active", type: "boolean" },
];

const NAMES = ["김민준", "王伟", "José Martínez", "Zoë Müller"];

function rows(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => [
    `STU-${String(i + 1).padStart(5, "0")}`,
    NAMES[i % NAMES.length],
    String(i % 140),
    String(i * 1000.5 - 2500),
    `2024-03-${String(1 + (i % 28)).padStart(2, "0")}`,
    i % 2 === 0 ? "true" : "false",
  ]);
}

function summary(records: number, extra: Partial<PdfSummary> = {}): PdfSummary {
  return {
    records,
    columnCount: COLUMNS.length,
    numeric: [
      { header: "Credits", type: "integer", min: 0, avg: 69.5, max: 139 },
      { header: "Balance", type: "number", min: -2500, avg: 1234567.891, max: 2497500 },
    ],
    byCategory: { column: "Department", labels: ["Computer Science", "수학", "物理"], counts: [50, 30, 20] },
    byMonth: { column: "Enrolled", labels: ["2024-01", "2024-02", "2024-03"], counts: [10, 40, 50] },
    ...extra,
  };
}

function options(records: number, overrides: Partial<PdfWriterOptions> = {}): PdfWriterOptions {
  const labels = pdfLabels("en", 2026);
  return {
    info: {
      datasetTitle: "Student Enrollment 2024",
      filters: "none",
      user: "Mina Manager <manager@outport.local>",
      generatedAt: new Date("2026-11-23T14:05:00Z"),
    },
    filters: "credits gte 0",
    summary: summary(records),
    labels,
    dateText: labels.generated("2026-11-23 14:05 UTC"),
    language: "en",
    landscape: false,
    charts: true,
    chartImages: [],
    logo: null,
    ...overrides,
  };
}

async function render(n: number, overrides: Partial<PdfWriterOptions> = {}) {
  const bytes = await collect(writePdf(batchesOf(rows(n), 250), { ...context(COLUMNS), ...options(n, overrides) }));
  return { bytes, ...(await readPdf(bytes)) };
}

describe("PDF report writer", () => {
  it("writes a valid PDF whose every page has the header, the date and 'Page i of N'", async () => {
    const { bytes, pages, title } = await render(300);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(bytes.subarray(-6).toString()).toContain("%%EOF");
    expect(title).toBe("Student Enrollment 2024");
    const table = tableGrid(COLUMNS, pageGeometry(false));
    expect(pages).toHaveLength(1 + tablePageCount(300, table));
    pages.forEach((page, i) => {
      expect(page.text).toContain("Student Enrollment 2024");
      expect(page.text).toContain("Generated 2026-11-23 14:05 UTC");
      expect(page.text).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page.text).toContain("© 2026 Outport");
      // A4 portrait, in points.
      expect(Math.round(page.width)).toBe(595);
      expect(Math.round(page.height)).toBe(842);
    });
  });

  it("opens with a summary: record count, filters, min/avg/max per numeric column and both charts", async () => {
    const { pages } = await render(300);
    const first = pages[0]?.text ?? "";
    expect(first).toContain("Summary");
    expect(first).toMatch(/300\s+records/);
    expect(first).toContain("credits gte 0");
    expect(first).toContain("Mina Manager <manager@outport.local>");
    expect(first).toMatch(/Credits\s+0\s+69\.5\s+139/);
    expect(first).toMatch(/Balance\s+-2,500\s+1,234,567\.89\s+2,497,500/);
    expect(first).toContain("Records by Department");
    expect(first).toContain("Records per month (Enrolled)");
    expect(first).toMatch(/Computer Science\s+50/);
  });

  it("prints the first and last rows, Korean and Chinese names intact, numbers grouped and booleans in words", async () => {
    const { pages } = await render(300);
    const all = pages.map((p) => p.text).join("\n");
    expect(pages[1]?.text).toMatch(/STU-00001\s+김민준\s+0\s+-2,500\s+2024-03-01\s+Yes/);
    expect(pages.at(-1)?.text).toMatch(/STU-00300\s+Zoë Müller\s+19\s+296,649\.5\s+2024-03-20\s+No/);
    expect(all).toContain("王伟");
    expect(all).toContain("José Martínez");
    // The header row is repeated on every table page.
    for (const page of pages.slice(1))
      expect(page.text).toMatch(/Student ID\s+Name\s+Credits\s+Balance\s+Enrolled\s+Active/);
  });

  it("writes the words in Korean for a Korean reader", async () => {
    const labels = pdfLabels("ko", 2026);
    const { pages } = await render(80, { labels, language: "ko", dateText: labels.generated("2026-11-23 14:05 UTC") });
    expect(pages[0]?.text).toContain("요약");
    expect(pages[0]?.text).toContain(`${pages.length}페이지 중 1페이지`);
    expect(pages.at(-1)?.text).toContain(`${pages.length}페이지 중 ${pages.length}페이지`);
    expect(pages[1]?.text).toContain("예");
  });

  it("embeds the browser's chart images, and no image without them", async () => {
    const images = [chartPng(640, 320), chartPng(800, 400)].map((url) => {
      const check = decodeChartImage(url);
      if (!check.ok) throw new Error(check.reason);
      return check.image;
    });
    const withImages = await render(40, { chartImages: images });
    expect(withImages.pages.reduce((n, p) => n + p.images, 0)).toBe(2);
    expect(withImages.pages.map((p) => p.text).join(" ")).toContain("Chart 2 from the dataset page");
    const without = await render(40);
    expect(without.pages.reduce((n, p) => n + p.images, 0)).toBe(0);
  });

  it("lays A4 out landscape when asked, with more columns' room and fewer rows a page", async () => {
    const { pages } = await render(120, { landscape: true });
    expect(Math.round(pages[0]?.width ?? 0)).toBe(842);
    const portrait = tableGrid(COLUMNS, pageGeometry(false));
    const landscape = tableGrid(COLUMNS, pageGeometry(true));
    expect(landscape.rowsPerPage).toBeLessThan(portrait.rowsPerPage);
    expect(pages).toHaveLength(1 + tablePageCount(120, landscape));
  });

  it("wraps long cells onto their second line, ends what does not fit in an ellipsis, and shows headers whole", async () => {
    const columns: ExportColumn[] = [
      { key: "email", header: "E-mail", type: "string" },
      { key: "notes", header: "Notes", type: "string" },
      { key: "amount", header: "Change vs. last term", type: "number" },
    ];
    const notes = `Scholarship recipient since the spring term, ${"renewed every year on condition of a grade average above 3.5, ".repeat(4)}and forty hours of service`;
    const data = [["student.12345678901@university.example.edu", notes, "1234.5"]];
    const bytes = await collect(
      writePdf(batchesOf(data), {
        ...context(columns),
        ...options(1, { summary: summary(1, { columnCount: 3, numeric: [] }) }),
      }),
    );
    const text = (await readPdf(bytes)).pages[1]?.text ?? "";
    expect(text).toContain("Scholarship recipient");
    expect(text).toContain("…");
    expect(text).not.toContain("forty hours of service");
    expect(text).toContain("student.12345678901@");
    expect(text).toContain("1,234.5");
    // A long header gets the width to show whole in its two lines.
    expect(text).toMatch(/Change vs\.\s+last term/);
  });

  it("draws characters no font has (emoji, control characters, Arabic) as boxes without failing the report", async () => {
    const columns: ExportColumn[] = [{ key: "note", header: "Note 😀", type: "string" }];
    const data = [["smile 😀 bell \u0007 tab\there مرحبا end"], ["line one\r\nline two"]];
    const bytes = await collect(
      writePdf(batchesOf(data), {
        ...context(columns),
        ...options(2, { summary: summary(2, { columnCount: 1, numeric: [] }) }),
      }),
    );
    const text = (await readPdf(bytes)).pages[1]?.text ?? "";
    expect(text).toContain("smile");
    expect(text).toMatch(/tab\s+here/);
    expect(text).toContain("end");
    expect(text).toMatch(/line one\s+line two/);
  });

  it("says so when no record matches, on a single table page", async () => {
    const { pages } = await render(0, { summary: summary(0, { byCategory: null, byMonth: null }) });
    expect(pages).toHaveLength(2);
    expect(pages[1]?.text).toContain("No records match this export.");
    expect(pages[0]?.text).toContain("Nothing to chart");
    expect(pages[1]?.text).toContain("Page 2 of 2");
  });

  it("refuses to write a report whose rows differ from the summary's count", async () => {
    await expect(
      collect(writePdf(batchesOf(rows(10)), { ...context(COLUMNS), ...options(12) })),
    ).rejects.toBeInstanceOf(PdfRowCountError);
    await expect(
      collect(writePdf(batchesOf(rows(12)), { ...context(COLUMNS), ...options(10) })),
    ).rejects.toBeInstanceOf(PdfRowCountError);
  });
});

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
    expect(pdfCellText("=1+1", "string", { timezone: "UTC" }, labels)).toBe("=1+1");
    expect(pdfCellText("true", "boolean", { timezone: "UTC" }, labels)).toBe("Yes");
    expect(pdfCellText("2025-05-12T07:28:37Z", "datetime", { timezone: "Asia/Seoul" }, labels)).toBe(
      "2025-05-12 16:28:37",
    );
    expect(pdfCellText(null, "number", { timezone: "UTC" }, labels)).toBe("");
  });
});
