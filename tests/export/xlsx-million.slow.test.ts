// 1,048,576 rows: one more than a sheet holds under its header, so the writer must start
// "Data (2)" for the very last row. Too big for exceljs: the sheets are streamed out of
// the zip with yauzl and read with a SAX parser, row by row.
import { StringDecoder } from "node:string_decoder";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn, RowBatch } from "@/lib/export/types";
import { collect, context } from "./helpers";
import { zipEntries, type ZipEntry } from "./zip-entries";

const TOTAL = 1_048_576;
const BATCH = 5_000;
const COLUMNS: ExportColumn[] = [
  { key: "id", header: "ID", type: "integer" },
  { key: "tag", header: "Tag", type: "string" },
];

async function* generated(): AsyncGenerator<RowBatch> {
  for (let start = 1; start <= TOTAL; start += BATCH) {
    const batch: unknown[][] = [];
    for (let id = start; id < Math.min(start + BATCH, TOTAL + 1); id++) batch.push([String(id), `t${id % 7}`]);
    yield batch;
  }
}

type SheetSummary = { rows: number; rowNumbers: { first: number; last: number }; lastCells: string[]; rowTags: number };

/** Counts a sheet's rows (SAX, streamed), checks they are numbered 1, 2, 3 …, and keeps the last row's values. */
async function summarise(entry: ZipEntry): Promise<SheetSummary> {
  const parser = new SaxesParser();
  const errors: string[] = [];
  let rows = 0;
  let first = 0;
  let expected = 1;
  let misnumbered = 0;
  let cells: string[] = [];
  let lastCells: string[] = [];
  let inValue = false;
  parser.on("error", (error) => errors.push(error.message));
  parser.on("opentag", (tag) => {
    if (tag.name === "row") {
      const r = Number(tag.attributes.r);
      if (rows === 0) first = r;
      if (r !== expected) misnumbered++;
      expected = r + 1;
      rows++;
      cells = [];
    } else if (tag.name === "v" || tag.name === "t") {
      inValue = true;
      cells.push("");
    }
  });
  parser.on("text", (text) => {
    if (inValue) cells[cells.length - 1] += text;
  });
  parser.on("closetag", (tag) => {
    if (tag.name === "v" || tag.name === "t") inValue = false;
    else if (tag.name === "row") lastCells = cells;
  });
  // And the raw count the brief asks for: `<row ` occurrences, across chunk boundaries.
  let rowTags = 0;
  let carry = "";
  const utf8 = new StringDecoder("utf8");
  for await (const chunk of await entry.open()) {
    const text = carry + (chunk as Buffer).toString("latin1");
    rowTags += text.split("<row ").length - 1;
    carry = text.slice(-4);
    parser.write(utf8.write(chunk as Buffer));
  }
  parser.write(utf8.end()).close();
  expect(errors, entry.name).toEqual([]);
  expect(misnumbered, `${entry.name}: rows numbered in order`).toBe(0);
  return { rows, rowNumbers: { first, last: expected - 1 }, lastCells, rowTags };
}

describe("a 1,048,576-row export", () => {
  it("fills the first sheet to Excel's last row and carries the last row on to a second", async () => {
    const ctx = context(COLUMNS);
    const buffer = await collect(
      writeXlsx(generated(), {
        ...ctx,
        info: { datasetTitle: "A million", filters: "none", user: "test", generatedAt: new Date(Date.UTC(2025, 0, 1)) },
      }),
    );
    expect(ctx.warnings).toEqual([]);
    const { entries, close } = await zipEntries(buffer);
    try {
      const byName = new Map(entries.map((e) => [e.name, e]));
      const workbookXml = (await collect(await byName.get("xl/workbook.xml")!.open())).toString("utf8");
      const names = [...workbookXml.matchAll(/<sheet name="([^"]*)"/g)].map((m) => m[1]);
      expect(names).toEqual(["Data", "Data (2)", "Export info"]);
      // Only the data sheets have autofilters, each over its own rows.
      expect(workbookXml).toContain("'Data'!$A$1:$B$1048576");
      expect(workbookXml).toContain("'Data (2)'!$A$1:$B$2");

      const first = await summarise(byName.get("xl/worksheets/sheet1.xml")!);
      expect(first.rows).toBe(1_048_576);
      expect(first.rowTags).toBe(1_048_576);
      expect(first.rowNumbers).toEqual({ first: 1, last: 1_048_576 });
      expect(first.lastCells).toEqual(["1048575", "t" + (1_048_575 % 7)]);

      const second = await summarise(byName.get("xl/worksheets/sheet2.xml")!);
      expect(second.rows).toBe(2);
      expect(second.rowTags).toBe(2);
      expect(second.rowNumbers).toEqual({ first: 1, last: 2 });
      expect(second.lastCells).toEqual(["1048576", "t" + (1_048_576 % 7)]);
      const sheet2 = (await collect(await byName.get("xl/worksheets/sheet2.xml")!.open())).toString("utf8");
      // The header again, styled, and the autofilter over it and the one row.
      expect(sheet2).toMatch(
        /<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>ID<\/t><\/is><\/c><c r="B1" s="1" t="inlineStr"><is><t>Tag<\/t>/,
      );
      expect(sheet2).toContain('<autoFilter ref="A1:B2"/>');
      expect(sheet2).toContain('state="frozen"');

      const info = (await collect(await byName.get("xl/worksheets/sheet3.xml")!.open())).toString("utf8");
      expect(info).toMatch(/<t>Rows<\/t><\/is><\/c><c r="B4"[^>]*><v>1048576<\/v>/);
    } finally {
      close();
    }
  }, 120_000);
});
