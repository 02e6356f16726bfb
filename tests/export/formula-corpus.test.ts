// Every payload of tests/fixtures/formula-payloads.txt through the CSV and Excel writers,
// read back as spreadsheets would read them. The check of "could this cell run" is written
// here on its own (NFKC folding, a wide set of invisible characters), not borrowed from
// lib/export/formula.ts, so that a gap in the writer's rules is not hidden by the same gap
// in the test.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { writeCsv } from "@/lib/export/formats/csv";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { parseCsv } from "../helpers/csv-parse";
import { FORMULA_PAYLOADS } from "../helpers/formula-payloads";
import { batchesOf, collect, context } from "./helpers";

const PAYLOADS = FORMULA_PAYLOADS;

// Blank, control, format (zero-width, bidi, BOM), private-use and unassigned characters,
// invisible fillers and variation selectors, and quotes a confused parser leaves behind.
const INVISIBLE = /^[\s\p{C}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0"]+/u;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * Whether a spreadsheet could run this cell: its first visible character, folded, is a
 * trigger, and the cell is not simply a number. (A leading tab or CR counts as invisible
 * here; that the writer also marks plain text starting with one is tested in values.test.ts.)
 */
function couldRun(cell: string): boolean {
  const visible = cell.replace(INVISIBLE, "");
  if (visible === "" || PLAIN_NUMBER.test(visible.trim())) return false;
  const first = String.fromCodePoint(visible.codePointAt(0) as number);
  return /^[=+\-@]/.test(first.normalize("NFKC")) || first === "\u2212";
}

/**
 * How a spreadsheet told to use `separator` cuts a file: a quote opens a quoted field only
 * at a field's start, `""` inside is a quote, a lone quote ends the quoting and the rest of
 * the field is taken as it is; a line break outside quotes ends the row.
 */
function splitAs(text: string, separator: string): string[] {
  const cells: string[] = [];
  let field = "";
  let quoted = false;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
      continue;
    }
    if (c === '"' && atStart) {
      quoted = true;
      atStart = false;
    } else if (c === separator || c === "\r" || c === "\n") {
      cells.push(field);
      field = "";
      atStart = true;
    } else {
      field += c;
      atStart = false;
    }
  }
  cells.push(field);
  return cells;
}

/** A parser that ignores quotes altogether: every separator and line break cuts. */
function splitNaively(text: string, separator: string): string[] {
  return text.split(/\r\n|\r|\n/).flatMap((line) => line.split(separator));
}

const COLUMNS: ExportColumn[] = [
  { key: "text", header: "Text", type: "string" },
  { key: "amount", header: "Amount", type: "number" },
  { key: "text2", header: "Again", type: "string" },
];

// Numbers next to every payload: negatives and signs must come out as they went in.
const NUMBERS: Array<[unknown, string]> = [
  [-12.5, "-12.5"],
  ["-12.5", "-12.5"],
  [-100000, "-100000"],
  ["-1e5", "-1e5"],
  [1, "1"],
  ["+1", "1"],
];

const rows = PAYLOADS.map((p, i) => [p.text, NUMBERS[i % NUMBERS.length]![0], p.text]);

async function csvOf(delimiter: string): Promise<string> {
  const output = writeCsv(batchesOf(rows, 50), { ...context(COLUMNS), delimiter, bom: false });
  return (await collect(output)).toString("utf8");
}

describe("the formula payload corpus", () => {
  it("holds a few hundred payloads of every kind", () => {
    expect(PAYLOADS.length).toBeGreaterThan(300);
    const texts = PAYLOADS.map((p) => p.text);
    for (const expected of ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-1+1", "\uFF1D1+1"])
      expect(texts).toContain(expected);
    expect(texts.some((t) => t.startsWith("\uFEFF="))).toBe(true);
    expect(texts.some((t) => t.includes(";=1+1"))).toBe(true);
    // The check itself: every payload not marked safe is one it flags, somewhere.
    // (A number written as text is no threat, yet a text column still marks it as text.)
    for (const p of PAYLOADS.filter((p) => !p.safe && !PLAIN_NUMBER.test(p.text))) {
      const flagged = [",", ";", "\t", "|"].some((s) => splitNaively(p.text, s).some(couldRun)) || couldRun(p.text);
      expect(flagged, `line ${p.line}: ${JSON.stringify(p.text)}`).toBe(true);
    }
  });

  for (const [name, delimiter] of [
    ["comma", ","],
    ["semicolon", ";"],
    ["tab", "\t"],
  ] as const) {
    it(`CSV with ${name}s: read back, every text keeps its characters and no cell could run`, async () => {
      const text = await csvOf(delimiter);
      const parsed = parseCsv(text, delimiter);
      expect(parsed).toHaveLength(PAYLOADS.length + 1);
      PAYLOADS.forEach((p, i) => {
        const [first, amount, second] = parsed[i + 1]!;
        const where = `line ${p.line}: ${JSON.stringify(p.text)} → ${JSON.stringify(first)}`;
        expect(first, where).toBe(second);
        // Only apostrophes are ever added, and a safe payload gets none.
        expect(first!.replaceAll("'", ""), where).toBe(p.text.replaceAll("'", ""));
        if (p.safe) expect(first, where).toBe(p.text);
        expect(couldRun(first!), where).toBe(false);
        expect(amount).toBe(NUMBERS[i % NUMBERS.length]![1]);
      });
    });

    it(`CSV with ${name}s opened with another separator: no cell could run`, async () => {
      const text = await csvOf(delimiter);
      const lines = text.split("\r\n");
      for (const separator of [",", ";", "\t", "|"]) {
        const cells = [...splitAs(text, separator), ...splitNaively(text, separator)];
        const running = cells.filter(couldRun);
        expect(running, `opened with ${JSON.stringify(separator)}`).toEqual([]);
      }
      // Negative numbers stay numbers, whatever the separator.
      expect(lines.some((line) => line.includes(`${delimiter}-12.5${delimiter}`))).toBe(true);
    });
  }

  it("Excel: no formula cell, every text cell safe, numbers still numbers", async () => {
    const chunks = writeXlsx(batchesOf(rows, 50), {
      ...context(COLUMNS),
      info: {
        datasetTitle: "=cmd|' /C calc'!A0",
        filters: "@SUM(1+1)",
        user: "\uFF1D1+1 <x@example.com>",
        generatedAt: new Date(Date.UTC(2025, 0, 1)),
      },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(await collect(chunks)).buffer);
    const data = workbook.getWorksheet("Data")!;
    const problems: string[] = [];
    for (const ws of workbook.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) problems.push(`${ws.name}!${cell.address} is a formula`);
          // Text that could run is kept as it is, in a Text-format cell (still text when edited).
          if (typeof cell.value === "string" && couldRun(cell.value) && cell.numFmt !== "@")
            problems.push(`${ws.name}!${cell.address} ${JSON.stringify(cell.value)} is not a Text cell`);
        }),
      );
    }
    expect(problems).toEqual([]);
    PAYLOADS.forEach((p, i) => {
      const value = data.getCell(i + 2, 1).value;
      if (p.text === "") return; // an empty text is an empty cell
      expect(typeof value).toBe("string");
      // Every character comes back: CR as written (a reference), the C0 controls XML
      // cannot hold in SpreadsheetML's `_xHHHH_`, which exceljs leaves for its reader.
      const text = (value as string).replace(/_x([0-9A-F]{4})_/g, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
      expect(text).toBe(p.text);
      expect(data.getCell(i + 2, 2).value).toBe(Number(NUMBERS[i % NUMBERS.length]![1]));
    });
  });
});
