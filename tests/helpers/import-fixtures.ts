// Files to upload, built from one table of values: the same rows as CSV in every encoding
// and delimiter the importer reads, as an XLSX workbook, as JSON, NDJSON and Parquet, and
// the broken files it must refuse. A test compares what the import stored (and what an
// export gives back) with the table the file was made from.
import ExcelJS from "exceljs";
import { strToU8, unzipSync, zipSync } from "fflate";
import { parquetWriteBuffer } from "hyparquet-writer";
import iconv from "iconv-lite";

/** One row as the dataset should hold it (dates and date-times as ISO text, as storedRows gives them). */
export type TruthRow = {
  name: string | null;
  code: string | null;
  qty: number | null;
  price: number | null;
  day: string | null;
  at: string | null;
  ok: boolean | null;
  note: string | null;
  doc: unknown;
};

export const COLUMN_KEYS = ["name", "code", "qty", "price", "day", "at", "ok", "note", "doc"] as const;

/** The types inspect should propose for the table's columns. */
export const TRUTH_TYPES: Record<(typeof COLUMN_KEYS)[number], string> = {
  name: "string",
  // Leading zeros: stays text.
  code: "string",
  qty: "integer",
  price: "number",
  day: "date",
  at: "datetime",
  // yes/no in text files.
  ok: "boolean",
  // "1" and "abc": mixed, so text.
  note: "string",
  doc: "json",
};

/** Three rows (the last one empty but for its name), named by `names`. */
export function truthRows(names: [string, string, string]): TruthRow[] {
  return [
    {
      name: names[0],
      code: "007",
      qty: 12,
      price: 3.5,
      day: "2025-01-02",
      at: "2025-01-02T03:04:05Z",
      ok: true,
      note: "1",
      doc: { a: 1, b: "x" },
    },
    {
      name: names[1],
      code: "0123",
      qty: -3,
      price: 0.25,
      day: "2025-02-28",
      at: "2025-02-28T23:59:00Z",
      ok: false,
      note: "abc",
      doc: [1, 2],
    },
    { name: names[2], code: null, qty: null, price: null, day: null, at: null, ok: null, note: null, doc: null },
  ];
}

/** A value as a text file writes it (empty for null). */
function textCell(key: (typeof COLUMN_KEYS)[number], value: unknown): string {
  if (value === null || value === undefined) return "";
  if (key === "ok") return value ? "yes" : "no";
  if (key === "doc") return JSON.stringify(value);
  return String(value);
}

function quoted(cell: string, delimiter: string): string {
  return cell.includes(delimiter) || /["\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The table as delimited text with a header row. */
export function delimitedText(rows: TruthRow[], delimiter = ",", lineEnd = "\r\n"): string {
  const lines = [COLUMN_KEYS.join(delimiter)];
  for (const row of rows) {
    lines.push(COLUMN_KEYS.map((key) => quoted(textCell(key, row[key]), delimiter)).join(delimiter));
  }
  return lines.join(lineEnd) + lineEnd;
}

/** Text in an encoding, with its byte order mark when asked. */
export function encoded(text: string, encoding: string, bom = false): Uint8Array {
  return new Uint8Array(iconv.encode(text, encoding, { addBOM: bom }));
}

/** The table as JS objects a JSON file would carry: the JSON types where there are some. */
export function jsonRecords(rows: TruthRow[]): Array<Record<string, unknown>> {
  return rows.map((row) => ({ ...row }));
}

const toDate = (text: string) => new Date(text.length === 10 ? `${text}T00:00:00Z` : text);

/**
 * A workbook whose FIRST sheet is notes and whose second, "Data", holds the table with
 * typed cells (numbers, dates, booleans) and a formula column `total` = qty * 2 with its
 * cached value; `doc` is left out (a workbook has no objects).
 */
export async function workbookBytes(rows: TruthRow[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet("Notes").addRows([["Read me"], ["The data is on the next sheet"]]);
  const sheet = workbook.addWorksheet("Data");
  sheet.addRow(["name", "code", "qty", "price", "day", "at", "ok", "note", "total"]);
  rows.forEach((row, i) => {
    sheet.addRow([
      row.name,
      row.code,
      row.qty,
      row.price,
      row.day === null ? null : toDate(row.day),
      row.at === null ? null : toDate(row.at),
      row.ok,
      row.note,
      row.qty === null ? null : { formula: `C${i + 2}*2`, result: row.qty * 2 },
    ]);
  });
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** The table as Parquet (no `doc`, no `note`): INT64, DOUBLE, BOOLEAN, TIMESTAMP and STRING columns. */
export function parquetBytes(rows: TruthRow[]): Uint8Array {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "name", data: rows.map((r) => r.name), type: "STRING" },
      { name: "code", data: rows.map((r) => r.code), type: "STRING" },
      { name: "qty", data: rows.map((r) => (r.qty === null ? null : BigInt(r.qty))), type: "INT64" },
      { name: "price", data: rows.map((r) => r.price), type: "DOUBLE" },
      { name: "day", data: rows.map((r) => r.day), type: "STRING" },
      { name: "at", data: rows.map((r) => (r.at === null ? null : new Date(r.at))), type: "TIMESTAMP" },
      { name: "ok", data: rows.map((r) => r.ok), type: "BOOLEAN" },
    ],
  });
  return new Uint8Array(buffer);
}

/** A small valid workbook with its parts, to damage. */
export async function workbookParts(): Promise<Record<string, Uint8Array>> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet("S").addRows([["name"], ["x"]]);
  return unzipSync(new Uint8Array(await workbook.xlsx.writeBuffer()));
}

/** A workbook carrying a part of `bytes` zeros: small zipped, large inflated. */
export async function zipBomb(bytes: number): Promise<Uint8Array> {
  const parts = await workbookParts();
  parts["xl/media/huge.bin"] = new Uint8Array(bytes);
  return zipSync(parts, { level: 9 });
}

/** A workbook whose shared strings declare entities (a billion-laughs start). */
export async function entityWorkbook(): Promise<Uint8Array> {
  const parts = await workbookParts();
  parts["xl/sharedStrings.xml"] = strToU8(
    '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' +
      '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol2;</t></si></sst>',
  );
  return zipSync(parts);
}

/** A multipart body of a `metadata` JSON part (when given) and the file. */
export function multipartBody(
  file: Uint8Array | string,
  fileName: string,
  metadata?: unknown,
): { body: Uint8Array<ArrayBuffer>; type: string } {
  const boundary = "----outport-import-files";
  const parts: Uint8Array[] = [];
  if (metadata !== undefined) {
    parts.push(
      strToU8(
        `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n`,
      ),
    );
  }
  parts.push(
    strToU8(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  parts.push(typeof file === "string" ? strToU8(file) : file);
  parts.push(strToU8(`\r\n--${boundary}--\r\n`));
  return { body: new Uint8Array(Buffer.concat(parts)), type: `multipart/form-data; boundary=${boundary}` };
}
