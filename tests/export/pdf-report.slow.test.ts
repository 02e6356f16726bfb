// The PDF report writer end to end: reports written and read back with pdf.js (a slow
// round trip, so it runs in the full suite, not in test:fast).
import { decodeChartImage } from "@/lib/export/chart-images";
import { writePdf, PdfRowCountError, type PdfWriterOptions } from "@/lib/export/formats/pdf";
import { pageGeometry, tableGrid, tablePageCount } from "@/lib/export/pdf/layout";
import type { ExportColumn } from "@/lib/export/types";
import { pdfLabels } from "@/lib/exports/pdf-report";
import { chartPng, readPdf } from "../helpers/pdf";
import { COLUMNS, options, rows, summary } from "./pdf-fixtures";
import { batchesOf, collect, context } from "./helpers";

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
    expect(pages[1]?.text).toMatch(/STU-00001\s+김민준\s+0\s+-2,500\.00\s+2024-03-01\s+Yes/);
    expect(pages.at(-1)?.text).toMatch(/STU-00300\s+Zoë Müller\s+19\s+296,649\.50\s+2024-03-20\s+No/);
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
