// The formula corpus opened the way a person opens it: LibreOffice Calc imports Outport's
// CSV (with the separator it was written with and with others, spaces trimmed, formulas
// evaluated) and Excel files, and the converted spreadsheet must hold no formula. The same
// corpus written naively is the control: LibreOffice must find formulas in it, so a check
// that counts nothing cannot pass by accident. Needs `soffice` (Debian's
// libreoffice-calc-nogui, which .ci/run installs); without it the file is skipped, saying so.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCsv } from "@/lib/export/formats/csv";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { FORMULA_PAYLOADS } from "../helpers/formula-payloads";
import { batchesOf, collect, context } from "./helpers";

// Skipped only on a machine without LibreOffice (Debian libreoffice-calc-nogui); .ci/run
// installs it, so CI always runs these.
const SOFFICE = ["/usr/bin/soffice", "/usr/bin/libreoffice"].find((file) => existsSync(file));
const run = promisify(execFile);

const COLUMNS: ExportColumn[] = [
  { key: "text", header: "Text", type: "string" },
  { key: "amount", header: "Amount", type: "number" },
];
const ROWS = FORMULA_PAYLOADS.map((p, i) => [p.text, i % 2 ? -12.5 : 3]);

/** CSV import options: separator, quote, UTF-8, from line 1, English, trim spaces, evaluate formulas. */
const csvFilter = (separator: string) =>
  `CSV:${separator.charCodeAt(0)},34,76,1,,1033,false,true,false,false,true,,true`;

let dir = "";
let profile = "";

/** Converts a file to a flat OpenDocument spreadsheet and counts its formula cells. */
async function formulasAfterImport(file: string, filter?: string): Promise<number> {
  const out = path.join(dir, `out-${path.basename(file)}-${filter ? filter.split(":")[1]!.split(",")[0] : "x"}`);
  const args = ["--headless", `-env:UserInstallation=file://${profile}`, "--convert-to", "fods", "--outdir", out];
  if (filter) args.push(`--infilter=${filter}`);
  await run(SOFFICE!, [...args, file], { timeout: 90_000 });
  const fods = await readFile(path.join(out, `${path.parse(file).name}.fods`), "utf8");
  // Rows must have arrived, or zero formulas would prove nothing.
  expect(fods.split("<table:table-row").length).toBeGreaterThan(FORMULA_PAYLOADS.length / 2);
  return fods.split("table:formula=").length - 1;
}

describe.skipIf(!SOFFICE)("the formula corpus in LibreOffice Calc", () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "outport-lo-"));
    profile = path.join(dir, "profile");
    for (const [name, delimiter] of [
      ["comma", ","],
      ["semicolon", ";"],
    ] as const) {
      const csv = await collect(writeCsv(batchesOf(ROWS, 100), { ...context(COLUMNS), delimiter, bom: true }));
      await writeFile(path.join(dir, `${name}.csv`), csv);
    }
    const xlsx = writeXlsx(batchesOf(ROWS, 100), {
      ...context(COLUMNS),
      info: { datasetTitle: "=cmd|' /C calc'!A0", filters: "@SUM(1+1)", user: "x", generatedAt: new Date(0) },
    });
    await writeFile(path.join(dir, "workbook.xlsx"), await collect(xlsx));
    // The control: the payloads as a careless writer would put them, quoted only where CSV needs it.
    const naive = FORMULA_PAYLOADS.map(({ text }) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text));
    await writeFile(path.join(dir, "naive.csv"), ["Text", ...naive].join("\r\n"));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("finds the formulas of the naively written control file", async () => {
    expect(await formulasAfterImport(path.join(dir, "naive.csv"), csvFilter(","))).toBeGreaterThan(20);
    expect(await formulasAfterImport(path.join(dir, "naive.csv"), csvFilter(";"))).toBeGreaterThan(20);
  }, 180_000);

  it("finds no formula in a comma-separated export opened with commas, semicolons or tabs", async () => {
    for (const separator of [",", ";", "\t"]) {
      expect(await formulasAfterImport(path.join(dir, "comma.csv"), csvFilter(separator)), separator).toBe(0);
    }
  }, 270_000);

  it("finds no formula in a semicolon-separated export opened with commas, and none in the workbook", async () => {
    expect(await formulasAfterImport(path.join(dir, "semicolon.csv"), csvFilter(","))).toBe(0);
    expect(await formulasAfterImport(path.join(dir, "workbook.xlsx"))).toBe(0);
  }, 180_000);
});
