// Every demo dataset exported as Excel and as CSV through the real export path (the
// guard, the typed source, the engine), the workbook read back with exceljs and the CSV
// with papaparse: the two files must hold the same values, cell by cell, and the workbook
// must carry the workbook's styling (docs/product.md, "Excel") on every cell.
import ExcelJS from "exceljs";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { loadActiveUser } from "@/lib/auth/current-user";
import { DEMO_DATASETS } from "@/lib/data/seed/demo-datasets";
import { prisma } from "@/lib/data/prisma";
import { neutralizeCsvText } from "@/lib/export/formula";
import type { ExportColumn } from "@/lib/export/types";
import { openExport } from "@/lib/exports/open-export";
import { prepareExport } from "@/lib/exports/prepare-export";
import { datasetSource } from "@/lib/sources";
import { demoUser } from "../helpers/auth";

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

async function exported(title: string, format: "excel" | "csv"): Promise<{ bytes: Buffer; columns: ExportColumn[] }> {
  const admin = await loadActiveUser((await demoUser("admin")).id);
  if (!admin) throw new Error("no active admin");
  const dataset = await prisma().dataset.findFirstOrThrow({ where: { title } });
  const prepared = await prepareExport(admin, dataset.id, format, { include_sensitive: true });
  const opened = openExport(prepared, datasetSource(prepared.dataset));
  return { bytes: await bytesOf(opened.bytes), columns: prepared.columns };
}

/** exceljs does not decode SpreadsheetML's `_xHHHH_` escape in inline strings; Excel does. */
function decodeEscapes(text: string): string {
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function fillOf(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  return fill?.type === "pattern" && fill.pattern === "solid" ? fill.fgColor?.argb : undefined;
}

function columnLetters(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const isoDay = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
const isoSecond = (d: Date) =>
  `${isoDay(d)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;

const NUMBER_FORMAT: Partial<Record<ExportColumn["type"], string>> = {
  number: "#,##0.00",
  integer: "#,##0",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm:ss",
};

const twoDecimals = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** How many characters a spreadsheet shows for a cell's value in its column's format. */
function shownLength(value: ExcelJS.CellValue, type: ExportColumn["type"]): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "boolean") return value ? 4 : 5;
  if (value instanceof Date) return type === "datetime" ? 19 : 10;
  if (typeof value === "number") return (type === "number" ? twoDecimals : wholeNumber).format(value).length;
  return Array.from(decodeEscapes(String(value))).length;
}

type Tally = { cells: number; neutralised: number; nulls: number; byType: Record<string, number> };

/**
 * One data cell of the workbook against the CSV's field for it. Returns whether the CSV
 * field carried the formula apostrophe (so the caller can prove the rule was met).
 */
/** A check that records what differs instead of failing at once: a million cells, one assertion. */
type Same = (actual: unknown, expected: unknown, where: string) => boolean;

function collector(): { same: Same; problems: string[]; checks: () => number } {
  const problems: string[] = [];
  let checks = 0;
  const same: Same = (actual, expected, where) => {
    checks++;
    if (Object.is(actual, expected)) return true;
    if (problems.length < 50) problems.push(`${where}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
    return false;
  };
  return { same, problems, checks: () => checks };
}

function compareCell(
  cell: ExcelJS.Cell,
  field: string,
  column: ExportColumn,
  where: string,
  tally: Tally,
  same: Same,
): void {
  const value = cell.value;
  tally.cells++;
  if (field === "") {
    // CSV writes null as an empty field; the workbook has no value there (an empty string
    // is an empty cell too, by the writer's rule).
    same(value ?? null, null, where);
    tally.nulls++;
    return;
  }
  tally.byType[column.type] = (tally.byType[column.type] ?? 0) + 1;
  switch (column.type) {
    case "string":
    case "json": {
      same(typeof value, "string", `${where}: ${JSON.stringify(value)}`);
      const text = decodeEscapes(String(value));
      // The CSV neutralises formula-looking text (a leading apostrophe, and one after any
      // separator a spreadsheet could cut at); the workbook keeps the text as it is.
      same(neutralizeCsvText(text), field, where);
      if (field !== text) {
        tally.neutralised++;
        same(field.replace(/'/g, ""), text.replace(/'/g, ""), where);
      }
      return;
    }
    case "number":
    case "integer":
      same(typeof value, "number", `${where}: ${JSON.stringify(value)}`);
      same(/^-?\d+(\.\d+)?$/.test(field), true, `${where}: ${field} is a number`);
      same(value, Number(field), where);
      return;
    case "boolean":
      same(typeof value, "boolean", where);
      same(String(value), field, where);
      return;
    case "date":
      if (!same(value instanceof Date, true, `${where}: a date`)) return;
      same((value as Date).getTime() % 86_400_000, 0, `${where}: at UTC midnight`);
      same(isoDay(value as Date), field, where);
      return;
    case "datetime":
      if (!same(value instanceof Date, true, `${where}: a date-time`)) return;
      same((value as Date).getUTCMilliseconds(), 0, where);
      same(isoSecond(value as Date), field, where);
      return;
  }
}

/** Per dataset: the workbook's column widths, and what its longest values ask for. */
const measured = new Map<string, { widths: Array<number | undefined>; expected: number[] }>();

describe("every demo dataset's workbook equals its CSV, cell by cell", () => {
  for (const demo of DEMO_DATASETS) {
    it(`${demo.title}`, async () => {
      const [excel, csv] = await Promise.all([exported(demo.title, "excel"), exported(demo.title, "csv")]);
      const { columns } = excel;
      expect(columns.map((c) => c.header)).toEqual(demo.columns.map((c) => c.label));

      const parsed = Papa.parse<string[]>(csv.bytes.toString("utf8").replace(/^\uFEFF/, ""), {
        header: false,
        skipEmptyLines: false,
      });
      expect(parsed.errors).toEqual([]);
      const records = parsed.data;
      // The CSV ends with CRLF: papaparse gives one empty record for it.
      if (records.at(-1)?.length === 1 && records.at(-1)?.[0] === "") records.pop();
      expect(records).toHaveLength(demo.rows + 1);
      expect(records[0]).toEqual(columns.map((c) => c.header));

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(new Uint8Array(excel.bytes).buffer);
      expect(workbook.worksheets.map((w) => w.name)).toEqual(["Data", "Export info"]);
      const ws = workbook.getWorksheet("Data")!;
      const last = columnLetters(columns.length - 1);
      const lastRow = demo.rows + 1;
      expect(ws.actualRowCount).toBe(lastRow);
      expect(ws.rowCount).toBe(lastRow);

      // The header: the labels, blue, bold white, frozen, the autofilter over everything.
      for (let c = 1; c <= columns.length; c++) {
        const cell = ws.getCell(1, c);
        expect(cell.value).toBe(columns[c - 1]!.header);
        expect(fillOf(cell), `header ${c}`).toBe("FF4472C4");
        expect(cell.font?.bold, `header ${c}`).toBe(true);
        expect(cell.font?.color?.argb, `header ${c}`).toBe("FFFFFFFF");
      }
      expect(ws.getCell(1, columns.length + 1).value).toBeNull();
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.autoFilter).toBe(`A1:${last}${lastRow}`);

      // Widths: the longest value + 2, kept between 8 and 50.
      for (let c = 1; c <= columns.length; c++) {
        const width = ws.getColumn(c).width;
        expect(width, `width of ${columns[c - 1]!.header}`).toBeGreaterThanOrEqual(8);
        expect(width, `width of ${columns[c - 1]!.header}`).toBeLessThanOrEqual(50);
        // At least the header's own length + 2 (within the cap).
        expect(width!, `width of ${columns[c - 1]!.header}`).toBeGreaterThanOrEqual(
          Math.min(50, Array.from(columns[c - 1]!.header).length + 2),
        );
      }

      const tally: Tally = { cells: 0, neutralised: 0, nulls: 0, byType: {} };
      const { same, problems, checks } = collector();
      let formulaTextCells = 0;
      const longest = columns.map((column) => Array.from(column.header).length);
      for (let r = 2; r <= lastRow; r++) {
        const fields = records[r - 1]!;
        same(fields.length, columns.length, `CSV row ${r}`);
        const row = ws.getRow(r);
        same(row.cellCount <= columns.length, true, `row ${r} has no cell past the last column`);
        const even = r % 2 === 0;
        for (let c = 1; c <= columns.length; c++) {
          const column = columns[c - 1]!;
          const cell = row.getCell(c);
          const where = `${demo.title} ${columnLetters(c - 1)}${r} (${column.header})`;
          compareCell(cell, fields[c - 1]!, column, where, tally, same);
          longest[c - 1] = Math.max(longest[c - 1]!, shownLength(cell.value, column.type));
          // Zebra on even sheet rows, every cell (empty ones too); none on odd rows.
          same(fillOf(cell), even ? "FFF2F2F2" : undefined, `${where} fill`);
          same(cell.font?.bold ?? false, false, `${where} bold`);
          same(cell.type === ExcelJS.ValueType.Formula, false, `${where} is no formula`);
          const format = NUMBER_FORMAT[column.type];
          if (format && cell.value !== null) same(cell.numFmt, format, `${where} numFmt`);
          if ((column.type === "string" || column.type === "json") && typeof cell.value === "string") {
            const text = decodeEscapes(cell.value);
            if (neutralizeCsvText(text).startsWith("'") && !text.startsWith("'")) {
              // Text a spreadsheet could take for a formula: the Text format, so it stays text.
              same(cell.numFmt, "@", `${where} Text format`);
              formulaTextCells++;
            }
          }
        }
      }
      expect(problems).toEqual([]);
      // The checks ran: a dozen or so per cell.
      expect(checks()).toBeGreaterThan(demo.rows * columns.length * 5);

      measured.set(demo.title, {
        widths: columns.map((_, c) => ws.getColumn(c + 1).width),
        expected: longest.map((length) => Math.min(50, Math.max(8, length + 2))),
      });

      // Every cell was compared, and the comparison met every kind of value the dataset has.
      expect(tally.cells).toBe(demo.rows * columns.length);
      for (const column of columns) expect(tally.byType[column.type], column.type).toBeGreaterThan(0);
      // Every demo dataset carries formula probes in its text.
      expect(tally.neutralised).toBeGreaterThan(0);
      expect(formulaTextCells).toBeGreaterThan(0);

      // The info sheet counts the rows.
      const info = workbook.getWorksheet("Export info")!;
      const entries = new Map<string, ExcelJS.CellValue>();
      info.eachRow((row) => entries.set(String(row.getCell(1).value), row.getCell(2).value));
      expect(entries.get("Rows")).toBe(demo.rows);
      expect(entries.get("Dataset")).toBe(demo.title);
    }, 300_000);

    // The longest value as shown, + 2, within 8 and 50 — over every row, not the
    // first batch only. Measured by the test above, while it read every cell.
    it(`${demo.title}: each column as wide as its longest value + 2`, () => {
      const widths = measured.get(demo.title);
      if (!widths) throw new Error("the cell-by-cell test did not get to measure the columns");
      expect(widths.widths).toEqual(widths.expected);
    });
  }
});
