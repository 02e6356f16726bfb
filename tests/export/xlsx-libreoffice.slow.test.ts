// The streamed workbook opened by a real spreadsheet: LibreOffice Calc converts it,
// headless, to CSV (UTF-8, every sheet) and to PDF, and every value must come back as it
// was written — text with CRs, controls, markup characters, literal `_x0041_`, Korean and
// emoji and formula-looking text; numbers; dates at both ends of Excel's range and before
// it; date-times; booleans; nulls — and LibreOffice must show the styling (in a flat ODF copy:
// header fill and font, stripes, autofilter). The PDF's first page is rendered to a PNG (under
// var/xlsx-libreoffice/) for a person to look at.
//
// What LibreOffice does with line breaks (7.4, checked here): it keeps a cell's text as
// paragraphs, so a CRLF inside a cell becomes one line break, LF. A CR on its own, at the
// start or inside, is kept. Its CSV export then writes that LF inside a quoted field.
//
// Needs `soffice` (Debian's libreoffice-calc-nogui, which .ci/run installs) and
// `pdftoppm` (poppler-utils) for the picture; without soffice the file is skipped, saying so.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Papa from "papaparse";
import { SaxesParser } from "saxes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";

// Skipped only on a machine without LibreOffice (Debian libreoffice-calc-nogui); .ci/run
// installs it, so CI always runs these.
const SOFFICE = ["/usr/bin/soffice", "/usr/bin/libreoffice"].find((file) => existsSync(file));
const PDFTOPPM = ["/usr/bin/pdftoppm"].find((file) => existsSync(file));
if (!SOFFICE)
  console.warn("xlsx-libreoffice.slow.test.ts skipped: no /usr/bin/soffice (apt install libreoffice-calc-nogui)");
const run = promisify(execFile);

const COLUMNS: ExportColumn[] = [
  { key: "text", header: "Text", type: "string" },
  { key: "n", header: "Number", type: "number" },
  { key: "i", header: "Integer", type: "integer" },
  { key: "day", header: "Day", type: "date" },
  { key: "at", header: "At", type: "datetime" },
  { key: "ok", header: "OK", type: "boolean" },
];

const TEXTS: Array<[written: string, readBack: string]> = [
  ["\rCR at the start", "\rCR at the start"],
  ["line 1\r\nline 2", "line 1\nline 2"], // CRLF folded to one LF (see above)
  ["lone\rCR inside", "lone\rCR inside"],
  ["", ""], // an empty cell, in a row with other values
  ["LF\nonly", "LF\nonly"],
  ["tab\there", "tab\there"],
  ["c\u0001d\u0008e\u000Bf\u000Cg\u001Fh", "c\u0001d\u0008e\u000Bf\u000Cg\u001Fh"],
  ["nul\u0000end", "nul\u0000end"],
  ["non-characters \uFFFE \uFFFF", "non-characters \uFFFE \uFFFF"],
  ["_x0041_ literal", "_x0041_ literal"],
  ["_x005F_x0041_ and _x00e9_", "_x005F_x0041_ and _x00e9_"],
  ["& < > \" ' ]]> &amp;", "& < > \" ' ]]> &amp;"],
  ["한글 中文 é € 😀 👩‍💻", "한글 中文 é € 😀 👩‍💻"],
  ["=1+1", "=1+1"],
  ["+1", "+1"],
  ["-1+1", "-1+1"],
  ["@SUM(A1:A2)", "@SUM(A1:A2)"],
  ['=HYPERLINK("http://evil.example","click me")', '=HYPERLINK("http://evil.example","click me")'],
  ["=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"],
  ["  padded  ", "  padded  "],
];

type Row = [
  text: string | null,
  n: number | null,
  i: number | string | null,
  day: unknown,
  at: unknown,
  ok: boolean | null,
];
/** The non-text values, with what LibreOffice's CSV gives back raw and as shown. */
const NUMBERS: Array<[number | null, string, string]> = [
  [-1234.5, "-1234.5", "-1,234.50"],
  [123456789012.25, "123456789012.25", "123,456,789,012.25"],
  [1e15, "1000000000000000", "1,000,000,000,000,000.00"],
  [0.1, "0.1", "0.10"],
  [-0.5, "-0.5", "-0.50"],
  [0, "0", "0.00"],
  [null, "", ""],
];
const INTEGERS: Array<[number | string | null, string, string]> = [
  [-42, "-42", "-42"],
  ["123456789012345", "123456789012345", "123,456,789,012,345"],
  [-999_999_999_999, "-999999999999", "-999,999,999,999"],
  [0, "0", "0"],
  [null, "", ""],
];
const DAYS: Array<[unknown, string]> = [
  ["1900-03-01", "1900-03-01"],
  ["9999-12-31", "9999-12-31"],
  ["2024-02-29", "2024-02-29"],
  [new Date(Date.UTC(2025, 0, 31)), "2025-01-31"],
  // Before 1900-03-01: text, read back the same.
  ["1900-02-28", "1900-02-28"],
  ["1899-12-31", "1899-12-31"],
  [new Date(Date.UTC(1850, 5, 15)), "1850-06-15"],
  [null, ""],
];
const TIMES: Array<[unknown, string]> = [
  ["2025-01-31T13:45:10Z", "2025-01-31 13:45:10"],
  ["9999-12-31T23:59:59Z", "9999-12-31 23:59:59"],
  ["1900-03-01T00:00:00Z", "1900-03-01 00:00:00"],
  // Truncated to the second, never rounded up.
  ["2024-02-29T23:59:59.999Z", "2024-02-29 23:59:59"],
  [new Date(Date.UTC(2025, 4, 12, 7, 28, 37, 600)), "2025-05-12 07:28:37"],
  [new Date(Date.UTC(1850, 0, 1, 12, 0, 0)), "1850-01-01 12:00:00"],
  [null, ""],
];
const BOOLEANS: Array<[boolean | null, string]> = [
  [true, "TRUE"],
  [false, "FALSE"],
  [null, ""],
];

const ROW_COUNT = TEXTS.length;
const at = <T>(list: T[], i: number): T | undefined => (i < list.length ? list[i] : undefined);
const ROWS: Row[] = Array.from({ length: ROW_COUNT }, (_, i) => [
  TEXTS[i]![0],
  at(NUMBERS, i)?.[0] ?? null,
  at(INTEGERS, i)?.[0] ?? null,
  at(DAYS, i)?.[0] ?? null,
  at(TIMES, i)?.[0] ?? null,
  at(BOOLEANS, i)?.[0] ?? null,
]);
const expectedRow = (i: number, shown: boolean): string[] => [
  TEXTS[i]![1],
  at(NUMBERS, i)?.[shown ? 2 : 1] ?? "",
  at(INTEGERS, i)?.[shown ? 2 : 1] ?? "",
  at(DAYS, i)?.[1] ?? "",
  at(TIMES, i)?.[1] ?? "",
  at(BOOLEANS, i)?.[1] ?? "",
];

const INFO = {
  datasetTitle: "Tricky 한글 & <values>",
  filters: "none",
  user: "Ada Admin <admin@outport.local>",
  generatedAt: new Date(Date.UTC(2025, 4, 12, 7, 28, 37)),
};

let dir = "";
let profile = "";
let workbook = "";
const warnings: string[] = [];
const PNG_DIR = path.resolve("var/xlsx-libreoffice");

/**
 * CSV export options: `,` `"` UTF-8 (76), from line 1, English, quoted text as text,
 * detect numbers, save as shown (or the raw value), no formulas, no BOM, every sheet (-1,
 * one file per sheet: LibreOffice 7.2 on).
 */
const csvFilter = (asShown: boolean) =>
  `csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,${asShown},false,false,-1`;

async function convert(target: string, outdir: string): Promise<void> {
  await run(
    SOFFICE!,
    ["--headless", `-env:UserInstallation=file://${profile}`, "--convert-to", target, "--outdir", outdir, workbook],
    { timeout: 120_000 },
  );
}

async function sheetCsv(asShown: boolean, sheet: string): Promise<string[][]> {
  const outdir = path.join(dir, asShown ? "shown" : "raw");
  const file = path.join(outdir, `workbook-${sheet}.csv`);
  if (!existsSync(file)) await convert(csvFilter(asShown), outdir);
  const text = await readFile(file, "utf8");
  const parsed = Papa.parse<string[]>(text, { delimiter: ",", newline: "\n", skipEmptyLines: false });
  expect(parsed.errors).toEqual([]);
  const rows = parsed.data;
  if (rows.at(-1)?.length === 1 && rows.at(-1)?.[0] === "") rows.pop();
  return rows;
}

describe.skipIf(!SOFFICE)("the workbook in LibreOffice Calc", () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "outport-xlsx-lo-"));
    profile = path.join(dir, "profile");
    workbook = path.join(dir, "workbook.xlsx");
    const ctx = context(COLUMNS);
    await writeFile(workbook, await collect(writeXlsx(batchesOf(ROWS as unknown[][], 7), { ...ctx, info: INFO })));
    warnings.push(...ctx.warnings.map((w) => w.message));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("gives every value back as written (raw values)", async () => {
    const rows = await sheetCsv(false, "Data");
    expect(rows[0]).toEqual(COLUMNS.map((c) => c.header));
    expect(rows).toHaveLength(ROW_COUNT + 1);
    for (let i = 0; i < ROW_COUNT; i++)
      expect(rows[i + 1], `row ${i + 2}: ${JSON.stringify(ROWS[i])}`).toEqual(expectedRow(i, false));
    // The dates Excel cannot hold alike were written as text, and told.
    expect(warnings.filter((w) => /outside the dates/.test(w))).toHaveLength(4);
  }, 180_000);

  it("shows the values in the workbook's formats (#,##0.00, #,##0, yyyy-mm-dd, TRUE/FALSE)", async () => {
    const rows = await sheetCsv(true, "Data");
    expect(rows).toHaveLength(ROW_COUNT + 1);
    for (let i = 0; i < ROW_COUNT; i++) expect(rows[i + 1], `row ${i + 2}`).toEqual(expectedRow(i, true));
  }, 180_000);

  it("reads the Export info sheet", async () => {
    const rows = await sheetCsv(false, "Export info");
    expect(rows).toEqual([
      ["Dataset", INFO.datasetTitle],
      ["Filters", "none"],
      ["Columns", "Text, Number, Integer, Day, At, OK"],
      ["Rows", String(ROW_COUNT)],
      ["Exported by", INFO.user],
      ["Exported at", "2025-05-12 07:28:37 UTC"],
    ]);
  }, 180_000);

  it("shows the header blue, bold and white, even rows striped, odd rows plain, and the autofilter over the rows", async () => {
    const outdir = path.join(dir, "fods");
    await convert("fods", outdir);
    const fods = await readFile(path.join(outdir, "workbook.fods"), "utf8");
    type Look = { background?: string; color?: string; bold?: boolean };
    const styles = new Map<string, Look>();
    const grid: Array<Array<string | undefined>> = [];
    const filters: Array<{ range?: string; buttons?: string }> = [];
    let style: Look | undefined;
    let table: string | undefined;
    let row: Array<string | undefined> | undefined;
    let rowRepeat = 1;
    const errors: string[] = [];
    const parser = new SaxesParser();
    parser.on("error", (error) => errors.push(error.message));
    parser.on("opentag", (tag) => {
      const a = tag.attributes as Record<string, string>;
      if (tag.name === "style:style" && a["style:family"] === "table-cell") {
        style = {};
        styles.set(a["style:name"]!, style);
      } else if (style && tag.name === "style:table-cell-properties" && a["fo:background-color"]) {
        style.background = a["fo:background-color"];
      } else if (style && tag.name === "style:text-properties") {
        if (a["fo:color"]) style.color = a["fo:color"];
        if (a["fo:font-weight"]) style.bold = a["fo:font-weight"] === "bold";
      } else if (tag.name === "table:table") {
        table = a["table:name"];
      } else if (table === "Data" && tag.name === "table:table-row") {
        row = [];
        rowRepeat = Number(a["table:number-rows-repeated"] ?? 1);
      } else if (row && (tag.name === "table:table-cell" || tag.name === "table:covered-table-cell")) {
        const repeat = Math.min(Number(a["table:number-columns-repeated"] ?? 1), COLUMNS.length + 1);
        for (let i = 0; i < repeat; i++) row.push(a["table:style-name"]);
      } else if (tag.name === "table:database-range") {
        filters.push({ range: a["table:target-range-address"], buttons: a["table:display-filter-buttons"] });
      }
    });
    parser.on("closetag", (tag) => {
      if (tag.name === "style:style") style = undefined;
      else if (tag.name === "table:table") table = undefined;
      else if (row && tag.name === "table:table-row") {
        for (let i = 0; i < Math.min(rowRepeat, 10); i++) grid.push(row);
        row = undefined;
      }
    });
    parser.write(fods).close();
    expect(errors).toEqual([]);
    const look = (name: string | undefined): Look => (name ? (styles.get(name) ?? {}) : {});

    expect(grid.length).toBeGreaterThanOrEqual(ROW_COUNT + 1);
    expect(filters).toEqual([{ range: `Data.A1:Data.F${ROW_COUNT + 1}`, buttons: "true" }]);
    for (let c = 0; c < COLUMNS.length; c++) {
      expect(look(grid[0]![c]), `header ${c + 1}`).toMatchObject({
        background: "#4472c4",
        color: "#ffffff",
        bold: true,
      });
    }
    for (let r = 2; r <= ROW_COUNT + 1; r++) {
      for (let c = 0; c < COLUMNS.length; c++) {
        const { background, bold } = look(grid[r - 1]?.[c]);
        expect(background, `row ${r} column ${c + 1}`).toBe(r % 2 === 0 ? "#f2f2f2" : undefined);
        expect(bold ?? false, `row ${r} column ${c + 1}`).toBe(false);
      }
    }
  }, 180_000);

  it("prints to PDF, and the first page renders to a PNG", async () => {
    const outdir = path.join(dir, "pdf");
    await convert("pdf", outdir);
    const pdf = path.join(outdir, "workbook.pdf");
    const bytes = await readFile(pdf);
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    if (!PDFTOPPM) {
      console.warn("no PNG of the PDF: no /usr/bin/pdftoppm (apt install poppler-utils)");
      return;
    }
    await mkdir(PNG_DIR, { recursive: true });
    const prefix = path.join(PNG_DIR, "workbook");
    await run(PDFTOPPM, ["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, prefix], { timeout: 60_000 });
    const png = `${prefix}.png`;
    const image = await readFile(png);
    expect(image.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    // An A4 page at 60 dpi is about 496 × 702 pixels; a page with a table on it is not a few hundred bytes.
    const width = image.readUInt32BE(16);
    const height = image.readUInt32BE(20);
    expect(Math.min(width, height)).toBeGreaterThan(300);
    expect((await stat(png)).size).toBeGreaterThan(5_000);
    console.info(`first page of the workbook's PDF: ${png}`);
  }, 180_000);
});
