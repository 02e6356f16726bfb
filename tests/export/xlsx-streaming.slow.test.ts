// The XLSX writer on 20,000-row workbooks: bytes leave while rows still come in, and a
// slow reader still gets every byte (slow round trips: the full suite, not test:fast).
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { INFO, COLUMNS, batchesOf, writeAndRead, sheet } from "./xlsx-fixtures";

describe("writeXlsx streaming", () => {
  it("streams: most of the file comes out before the last batch goes in", async () => {
    const columns: ExportColumn[] = [
      { key: "id", header: "ID", type: "integer" },
      { key: "name", header: "Name", type: "string" },
      { key: "amount", header: "Amount", type: "number" },
    ];
    const rows = Array.from({ length: 20_000 }, (_, i) => [i + 1, `customer ${i * 7919}`, (i * 31) / 7]);
    let chunksBeforeLastBatch = -1;
    let bytesBeforeLastBatch = -1;
    const { chunks, buffer, workbook } = await writeAndRead(columns, rows, {
      batchSize: 2_000,
      onBatch: (index, soFar) => {
        if (index !== 9) return;
        chunksBeforeLastBatch = soFar.length;
        bytesBeforeLastBatch = soFar.reduce((sum, chunk) => sum + chunk.length, 0);
      },
    });
    expect(chunksBeforeLastBatch).toBeGreaterThan(1);
    expect(chunks.length).toBeGreaterThan(chunksBeforeLastBatch);
    // A writer that held the sheet's XML until the end would have ~5% of the file out by
    // now; one that streams has everything out but what the zip still compresses.
    expect(bytesBeforeLastBatch / buffer.length).toBeGreaterThan(0.25);
    expect(sheet(workbook, "Data").actualRowCount).toBe(20_001);
  }, 15_000);
});

describe("writeXlsx with a slow reader", () => {
  it("hands out every byte even when the zip ends while the reader is busy with a chunk", async () => {
    // A reader like a file on a slow disk: each chunk takes a while, during which the
    // writer finishes the archive. The last chunks must still come out.
    const rows = Array.from({ length: 20_000 }, (_, i) => [
      `name ${i}`,
      i * 1.5,
      i,
      "2025-01-02",
      "2025-01-02T03:04:05Z",
      i % 2 === 0,
    ]);
    const chunks: Buffer[] = [];
    for await (const chunk of writeXlsx(batchesOf(rows, 5000), {
      columns: COLUMNS,
      timezone: "UTC",
      onWarning: () => {},
      info: INFO,
    })) {
      chunks.push(Buffer.from(chunk));
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.rowCount).toBe(20_001);
    expect(workbook.worksheets[0]?.getRow(20_001).getCell(1).value).toBe("name 19999");
  });
});
