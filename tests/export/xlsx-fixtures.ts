// Columns, rows and a write-then-read-back helper shared by the XLSX writer tests.
import ExcelJS from "exceljs";
import { writeXlsx, type XlsxOptions } from "@/lib/export/formats/xlsx";
import type { ExportColumn, RowBatch, ValueWarning } from "@/lib/export/types";

export const INFO: XlsxOptions["info"] = {
  datasetTitle: "Q1 Sales",
  filters: "region = North",
  user: "manager@outport.local",
  generatedAt: new Date(Date.UTC(2025, 4, 12, 7, 28, 37)),
};

export const COLUMNS: ExportColumn[] = [
  { key: "name", header: "Name", type: "string" },
  { key: "amount", header: "Amount", type: "number" },
  { key: "qty", header: "Qty", type: "integer" },
  { key: "day", header: "Day", type: "date" },
  { key: "at", header: "At", type: "datetime" },
  { key: "ok", header: "OK", type: "boolean" },
];

export async function* batchesOf(
  rows: readonly unknown[][],
  size: number,
  onBatch?: (index: number) => void,
): AsyncGenerator<RowBatch> {
  for (let i = 0, index = 0; i < rows.length; i += size, index++) {
    onBatch?.(index);
    yield rows.slice(i, i + size);
  }
}

export type Written = { buffer: Buffer; chunks: Uint8Array[]; warnings: ValueWarning[]; workbook: ExcelJS.Workbook };

export async function writeAndRead(
  columns: readonly ExportColumn[],
  rows: readonly unknown[][],
  options: {
    batchSize?: number;
    maxRowsPerSheet?: number;
    timezone?: string;
    onBatch?: (index: number, chunksSoFar: readonly Uint8Array[]) => void;
  } = {},
): Promise<Written> {
  const chunks: Uint8Array[] = [];
  const warnings: ValueWarning[] = [];
  const batches = batchesOf(rows, options.batchSize ?? 100, (index) => options.onBatch?.(index, chunks));
  const output = writeXlsx(batches, {
    columns,
    timezone: options.timezone ?? "UTC",
    onWarning: (warning) => warnings.push(warning),
    info: INFO,
    maxRowsPerSheet: options.maxRowsPerSheet,
  });
  for await (const chunk of output) chunks.push(chunk);
  const buffer = Buffer.concat(chunks);
  const workbook = new ExcelJS.Workbook();
  // exceljs types load()'s argument as its own ArrayBuffer-shaped Buffer, which Node's
  // Buffer<ArrayBufferLike> no longer satisfies; a plain ArrayBuffer copy does, and works.
  await workbook.xlsx.load(new Uint8Array(buffer).buffer);
  return { buffer, chunks, warnings, workbook };
}

export function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = workbook.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}; have ${workbook.worksheets.map((w) => w.name).join(", ")}`);
  return ws;
}

export function fgColor(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  return fill?.pattern === "solid" ? fill.fgColor?.argb : undefined;
}

/** Key → value of the "Export info" sheet. */
export function infoOf(workbook: ExcelJS.Workbook): Map<string, ExcelJS.CellValue> {
  const entries = new Map<string, ExcelJS.CellValue>();
  sheet(workbook, "Export info").eachRow((row) => {
    entries.set(String(row.getCell(1).value), row.getCell(2).value);
  });
  return entries;
}

export const SAMPLE: unknown[][] = [
  ["Alice", 1234.5, 42, "2025-01-31", new Date(Date.UTC(2025, 0, 31, 13, 45, 10)), true],
  ["Bob", -17.25, -3, new Date(Date.UTC(2024, 1, 29)), "2025-02-01T00:00:00Z", false],
  ["=1+1", 0, 0, null, null, null],
  ["@SUM(A1:A2)", null, null, null, null, "yes"],
  ["한글 中文 é €", 1e6, 1_000_000, "2000-01-01", "2000-01-01T12:00:00Z", false],
];
