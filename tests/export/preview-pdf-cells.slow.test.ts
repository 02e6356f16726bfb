// The dataset preview and the PDF show a record's values alike: the same row, read back
// out of the PDF, holds exactly the texts the preview table shows for it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatCell } from "@/components/datasets/format-cell";
import { writePdf } from "@/lib/export/formats/pdf";
import type { ExportColumn } from "@/lib/export/types";
import { pdfLabels } from "@/lib/exports/pdf-report";
import type { Locale } from "@/lib/i18n";
import { batchesOf, collect, context } from "./helpers";
import { options, summary } from "./pdf-fixtures";

const COLUMNS: ExportColumn[] = [
  { key: "order", header: "Order", type: "string" },
  { key: "qty", header: "Qty", type: "integer" },
  { key: "amount", header: "Amount", type: "number" },
  { key: "paid", header: "Paid", type: "boolean" },
  { key: "day", header: "Day", type: "date" },
  { key: "at", header: "At", type: "datetime" },
];
// As the database hands them to both (numeric and bigint as text, instants in UTC).
const ROWS: unknown[][] = [
  ["SO-1", "1200", "154.9", true, "2026-12-01", "2026-11-30T22:32:00Z"],
  ["SO-2", "3", "95", false, "2026-12-02", "2026-12-01T10:05:09Z"],
];

async function pdfText(locale: Locale, timezone: string): Promise<string> {
  const records = {
    ...summary(ROWS.length),
    columnCount: COLUMNS.length,
    numeric: [],
    byCategory: null,
    byMonth: null,
  };
  const input = options(ROWS.length, { summary: records, charts: false, labels: pdfLabels(locale, 2026) });
  const bytes = await collect(writePdf(batchesOf(ROWS), { ...context(COLUMNS, timezone), ...input }));
  const file = join(mkdtempSync(join(tmpdir(), "outport-preview-pdf-")), "cells.pdf");
  writeFileSync(file, bytes);
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

describe("preview and PDF cells", () => {
  it.each([
    ["en", "UTC"],
    ["ko", "Asia/Seoul"],
  ] as const)("read the same for every column type (%s, %s)", async (locale, timezone) => {
    const text = await pdfText(locale, timezone);
    // A table row as pdftotext reads it: the cells in order, spaces between them.
    const lines = text.split("\n").map((line) => line.trim().replace(/\s+/g, " "));
    for (const row of ROWS) {
      const preview = COLUMNS.map((column, i) => formatCell(row[i], column.type, locale, timezone));
      expect(lines).toContain(preview.join(" "));
    }
  });
});
