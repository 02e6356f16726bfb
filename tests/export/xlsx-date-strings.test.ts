// Date and date-time columns given strings the typed source would never hand over: the
// workbook must hold what the CSV holds — the same day and time, or the text as it was
// (with a warning when it is no date) — never another day. (The writer turns the shapes
// `YYYY-MM-DD` and `YYYY-MM-DDTHH:MM:SSZ` into serials directly; this is that fast path
// against the general one the CSV takes.)
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { writeCsv } from "@/lib/export/formats/csv";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";

const INFO = { datasetTitle: "t", filters: "none", user: "u", generatedAt: new Date(Date.UTC(2025, 0, 1)) };
const pad = (n: number) => String(n).padStart(2, "0");
const isoDay = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const isoSecond = (d: Date) =>
  `${isoDay(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

async function bothWays(column: ExportColumn, values: string[]) {
  const rows = values.map((value) => [value]);
  const csvContext = context([column]);
  const xlsxContext = context([column]);
  const csv = await collect(writeCsv(batchesOf(rows), { ...csvContext, delimiter: ",", bom: false }));
  const xlsx = await collect(writeXlsx(batchesOf(rows), { ...xlsxContext, info: INFO }));
  const fields = Papa.parse<string[]>(csv.toString("utf8"), { delimiter: ",", newline: "\r\n" }).data.slice(
    1,
    values.length + 1,
  );
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(xlsx).buffer);
  const ws = workbook.getWorksheet("Data")!;
  const cells = values.map((_, i) => ws.getCell(i + 2, 1).value);
  return {
    fields: fields.map((f) => f[0]),
    cells,
    csvWarnings: csvContext.warnings,
    xlsxWarnings: xlsxContext.warnings,
  };
}

/** A cell as the CSV would show it: a date in the column's format, text as it is. */
function shown(value: ExcelJS.CellValue, type: "date" | "datetime"): unknown {
  if (value instanceof Date) return type === "date" ? isoDay(value) : isoSecond(value);
  return value;
}

describe("malformed date strings in the workbook", () => {
  it("a date column keeps a string's day, or its text — never another day", async () => {
    const values = ["2025-02-28", "2024-02-29", "2025-02-30", "2025-13-01", "2025-1x-01", "0000-00-00", "2025-00-10"];
    const { fields, cells, csvWarnings, xlsxWarnings } = await bothWays(
      { key: "d", header: "D", type: "date" },
      values,
    );
    expect(fields[0]).toBe("2025-02-28");
    expect(cells.map((cell) => shown(cell, "date"))).toEqual(fields);
    // What the CSV warns about, the workbook warns about too.
    for (const warning of csvWarnings) expect(xlsxWarnings.map((w) => w.row)).toContain(warning.row);
  });

  it("a date-time column keeps a string's time, or its text — never another time", async () => {
    const values = ["2025-01-31T13:45:10Z", "2025-01-31T25:61:00Z", "2025-02-30T10:00:00Z", "2025-01-31T1x:45:10Z"];
    const { fields, cells, csvWarnings, xlsxWarnings } = await bothWays(
      { key: "t", header: "T", type: "datetime" },
      values,
    );
    expect(fields[0]).toBe("2025-01-31 13:45:10");
    // A time the workbook holds is the CSV's time; one that is no time stays the text it was.
    cells.forEach((cell, i) => {
      if (cell instanceof Date) expect(shown(cell, "datetime")).toBe(fields[i]);
      else expect(cell).toBe(values[i]);
    });
    expect(cells.filter((cell) => cell instanceof Date)).toHaveLength(1);
    for (const warning of csvWarnings) expect(xlsxWarnings.map((w) => w.row)).toContain(warning.row);
  });
});
