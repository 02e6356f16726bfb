// XLSX writer on exceljs's streaming WorkbookWriter. exceljs builds each sheet's XML in a
// 64 KiB buffer and hands full buffers to its zip (archiver → deflate), which pushes
// compressed bytes into our PassThrough asynchronously; we hand out whatever has arrived
// after each batch, so memory stays bounded by roughly one batch plus exceljs's buffers.
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import type { ColumnType, ExportColumn, ExportInfo, FormatWriter } from "../types";
import { startsFormula } from "../formula";
import { excelValue, formatDateTime, type ExcelValue } from "../values";
import { columnValueOptions } from "../warnings";

export type XlsxOptions = {
  info: ExportInfo & { filters: string };
  /** Name of the first data sheet; later ones get " (2)", " (3)", … */
  sheetName?: string;
  /** Data rows per sheet (header excluded). Excel's own limit by default; lower it in tests. */
  maxRowsPerSheet?: number;
};

/** 1,048,576 rows in a sheet, one of them the header. */
export const EXCEL_MAX_DATA_ROWS = 1_048_575;
const EXCEL_MAX_CELL_TEXT = 32_767;
const EXCEL_MAX_SHEET_NAME = 31;
const INFO_SHEET = "Export info";
const DEFAULT_SHEET = "Data";

const MIN_WIDTH = 8;
const MAX_WIDTH = 50;
const WIDTH_PADDING = 2;

const HEADER_FILL = "FF4472C4";
const HEADER_FONT = "FFFFFFFF";
const ZEBRA_FILL = "FFF2F2F2";

const NUM_FMT: Partial<Record<ColumnType, string>> = {
  number: "#,##0.00",
  integer: "#,##0",
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm:ss",
};

type CellStyle = Partial<ExcelJS.Style>;

function solid(argb: string): ExcelJS.Fill {
  return { type: "pattern", pattern: "solid", fgColor: { argb } };
}

const HEADER_STYLE: CellStyle = { font: { bold: true, color: { argb: HEADER_FONT } }, fill: solid(HEADER_FILL) };
const INFO_KEY_STYLE: CellStyle = { font: { bold: true } };
const INFO_COUNT_STYLE: CellStyle = { numFmt: NUM_FMT.integer };
// Text a spreadsheet could take for a formula (lib/export/formula.ts) gets the Text cell
// format ("@"): shown as it is, and still text when someone edits the cell — what CSV
// can only do with a visible apostrophe.
const TEXT_FORMAT = "@";
const HEADER_TEXT_STYLE: CellStyle = { ...HEADER_STYLE, numFmt: TEXT_FORMAT };
const INFO_TEXT_STYLE: CellStyle = { numFmt: TEXT_FORMAT };

/**
 * Per column, the style of an odd sheet row and of an even (zebra) one. The same objects
 * are given to every cell on purpose: exceljs caches style ids by object identity, so
 * shared objects skip its per-cell style serialisation. They must never be mutated.
 */
function dataStyles(columns: readonly ExportColumn[]): {
  odd: CellStyle[];
  even: CellStyle[];
  textOdd: CellStyle;
  textEven: CellStyle;
} {
  const zebra = solid(ZEBRA_FILL);
  const odd: CellStyle[] = [];
  const even: CellStyle[] = [];
  for (const column of columns) {
    const numFmt = NUM_FMT[column.type];
    odd.push(numFmt ? { numFmt } : {});
    even.push(numFmt ? { numFmt, fill: zebra } : { fill: zebra });
  }
  return { odd, even, textOdd: { numFmt: TEXT_FORMAT }, textEven: { numFmt: TEXT_FORMAT, fill: zebra } };
}

const twoDecimals = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function textLength(text: string): number {
  // Code points, not UTF-16 units, so "한글" or an emoji is not counted double; past the
  // width cap the exact count no longer matters and long texts skip the split.
  return text.length > 4 * MAX_WIDTH ? text.length : Array.from(text).length;
}

/** Length of the value as Excel will display it with the column's number format. */
function displayLength(value: ExcelValue, type: ColumnType): number {
  if (value === null) return 0;
  if (typeof value === "boolean") return value ? 4 : 5; // TRUE / FALSE
  if (value instanceof Date) return type === "datetime" ? 19 : 10;
  if (typeof value === "number") {
    if (type === "number") return twoDecimals.format(value).length;
    if (type === "integer") return wholeNumber.format(value).length;
    return String(value).length;
  }
  return textLength(value);
}

function clampWidth(length: number): number {
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, length + WIDTH_PADDING));
}

/**
 * A streaming sheet writes its <cols> before its first row, so widths cannot wait for the
 * whole dataset: they come from the header and the first batch only. A longer value in a
 * later batch is simply cut off on screen (the cell keeps all of it).
 */
function columnWidths(columns: readonly ExportColumn[], firstRows: readonly ExcelValue[][]): number[] {
  return columns.map((column, i) => {
    let longest = textLength(column.header);
    for (const row of firstRows) longest = Math.max(longest, displayLength(row[i] ?? null, column.type));
    return clampWidth(longest);
  });
}

/** Excel refuses (or "repairs") cells holding more than 32,767 characters. */
function fitCell(value: ExcelValue, warn?: (message: string) => void): ExcelValue {
  if (typeof value !== "string" || value.length <= EXCEL_MAX_CELL_TEXT) return value;
  warn?.(`text of ${value.length} characters cut to Excel's limit of ${EXCEL_MAX_CELL_TEXT}`);
  let cut = value.slice(0, EXCEL_MAX_CELL_TEXT);
  // Never leave half a surrogate pair, which would be an invalid character in the XML.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut;
}

/** Excel's rules: no : \ / ? * [ ], at most 31 characters, no leading/trailing apostrophe. */
function baseSheetName(requested: string | undefined): string {
  const cleaned = (requested ?? "")
    .replace(/[:\\/?*[\]]/g, " ")
    .replace(/^'+|'+$/g, "")
    .trim();
  const lower = cleaned.toLowerCase();
  // "History" is reserved by Excel; the info sheet's name must stay free for the info sheet.
  if (!cleaned || lower === "history" || lower === INFO_SHEET.toLowerCase()) return DEFAULT_SHEET;
  return cleaned;
}

function sheetName(base: string, index: number): string {
  const suffix = index === 1 ? "" : ` (${index})`;
  return Array.from(base)
    .slice(0, EXCEL_MAX_SHEET_NAME - suffix.length)
    .join("")
    .trimEnd()
    .concat(suffix);
}

function rowLimit(requested: number | undefined): number {
  if (requested === undefined) return EXCEL_MAX_DATA_ROWS;
  if (!Number.isInteger(requested) || requested < 1)
    throw new RangeError(`maxRowsPerSheet must be a positive integer, not ${requested}`);
  return Math.min(requested, EXCEL_MAX_DATA_ROWS);
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Uncompressed sheet XML we let queue up in front of the zip before we stop taking batches. */
const MAX_XML_BACKLOG = 1024 * 1024;

type StreamState = { length?: unknown };
type StreamInternals = { _readableState?: StreamState; _writableState?: StreamState };

/**
 * Bytes of a sheet's XML that exceljs has written but the zip has not compressed yet, or
 * undefined if exceljs's internals are not what we expect (then we simply do not wait).
 *
 * Why this digs into internals: exceljs writes sheet XML with no backpressure at all. Its
 * sheet stream pipes into a PassThrough that archiver adds, and from there into zlib,
 * which takes one chunk per event-loop turn. A producer that converts batches faster than
 * that (a quick database, CPU-bound conversion) piles the whole sheet's XML up in that
 * PassThrough: measured, 200,000 rows emitted 84 KB of a 5.4 MB file before the last batch.
 * Its buffered length is the only signal of how far behind the zip is.
 */
function xmlBacklog(worksheet: ExcelJS.Worksheet): number | undefined {
  // `_stream` rather than the `stream` getter, which would open a new zip entry if absent.
  const sheetStream = (worksheet as unknown as { _stream?: { pipes?: unknown } })._stream;
  const pipes = sheetStream?.pipes;
  if (!Array.isArray(pipes) || pipes.length !== 1) return undefined;
  const target = pipes[0] as StreamInternals | null;
  const written = target?._writableState?.length;
  const readable = target?._readableState?.length;
  if (typeof written !== "number" || typeof readable !== "number") return undefined;
  return written + readable;
}

export const writeXlsx: FormatWriter<XlsxOptions> = async function* writeXlsx(batches, context) {
  const { columns, timezone, onWarning, info } = context;
  const maxRows = rowLimit(context.maxRowsPerSheet);
  const baseName = baseSheetName(context.sheetName);
  const styles = dataStyles(columns);

  const sink = new PassThrough();
  const pending: Buffer[] = [];
  let discard = false;
  let sinkEnded = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  // Flowing mode rather than read(): backpressure is applied upstream of the zip (see
  // xmlBacklog), and what reaches here is at most about a batch, since batches are only
  // pulled when our reader pulls.
  sink.on("data", (chunk: Buffer) => {
    if (!discard) pending.push(chunk);
    notify();
  });
  sink.on("end", () => {
    sinkEnded = true;
    notify();
  });
  sink.on("error", (error: unknown) => {
    failure ??= { error };
    notify();
  });

  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  workbook.creator = "Outport";
  workbook.created = info.generatedAt;
  workbook.modified = info.generatedAt;
  // exceljs only listens for archiver errors inside commit(); one earlier would be an
  // unhandled 'error' event and take the process down. `zip` is not in its typings.
  (workbook as unknown as { zip?: NodeJS.EventEmitter }).zip?.on("error", (error: unknown) => {
    failure ??= { error };
    notify();
  });

  const takePending = (): Buffer | undefined => {
    if (pending.length === 0) return undefined;
    return Buffer.concat(pending.splice(0, pending.length));
  };

  let commitStarted = false;
  let completed = false;
  let widths: number[] | undefined;
  let sheet: ExcelJS.Worksheet | undefined;
  let sheetCount = 0;
  let rowsInSheet = 0;
  let rowsWritten = 0;

  const openDataSheet = (): ExcelJS.Worksheet => {
    sheetCount += 1;
    // Views are written when the sheet is created, so they must be options, not set later.
    const ws = workbook.addWorksheet(sheetName(baseName, sheetCount), { views: [{ state: "frozen", ySplit: 1 }] });
    if (columns.length > 0) {
      ws.columns = (widths ?? columnWidths(columns, [])).map((width) => ({ width }));
      ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    }
    const header = ws.getRow(1);
    columns.forEach((column, i) => {
      const cell = header.getCell(i + 1);
      cell.value = fitCell(column.header);
      cell.style = startsFormula(column.header) ? HEADER_TEXT_STYLE : HEADER_STYLE;
    });
    header.commit();
    rowsInSheet = 0;
    return ws;
  };

  const writeInfoSheet = () => {
    const ws = workbook.addWorksheet(INFO_SHEET);
    const entries: [string, ExcelValue][] = [
      ["Dataset", info.datasetTitle],
      ["Filters", info.filters],
      ["Columns", columns.map((column) => column.header).join(", ")],
      ["Rows", rowsWritten],
      ["Exported by", info.user],
      ["Exported at", `${formatDateTime(info.generatedAt, "UTC")} UTC`],
    ];
    const keyWidth = clampWidth(Math.max(...entries.map(([key]) => key.length)));
    const valueWidth = clampWidth(
      Math.max(...entries.map(([, value]) => displayLength(value, typeof value === "number" ? "integer" : "string"))),
    );
    ws.columns = [{ width: keyWidth }, { width: valueWidth }];
    for (const [key, value] of entries) {
      const row = ws.addRow([]);
      const keyCell = row.getCell(1);
      keyCell.value = key;
      keyCell.style = INFO_KEY_STYLE;
      const valueCell = row.getCell(2);
      valueCell.value = fitCell(value);
      if (typeof value === "number") valueCell.style = INFO_COUNT_STYLE;
      // A title, a filter or a name is text a user chose: kept as text like the data.
      else if (typeof value === "string" && startsFormula(value)) valueCell.style = INFO_TEXT_STYLE;
      row.commit();
    }
    ws.commit();
  };

  const cellOptions = columnValueOptions(columns, { timezone, onWarning });
  try {
    for await (const batch of batches) {
      // Convert the whole batch first: the first batch's values decide the column widths,
      // and converting once keeps each warning reported once.
      const values = batch.map((record, r) => {
        cellOptions.current.row = rowsWritten + r + 1;
        return columns.map((column, c) => {
          const options = cellOptions.options[c]!;
          return fitCell(excelValue(record[c], column.type, options), options.warn);
        });
      });
      widths ??= columnWidths(columns, values);

      for (const rowValues of values) {
        if (!sheet || rowsInSheet >= maxRows) {
          // Committing ends the sheet's zip entry; archiver writes entries one after the
          // other, so the next sheet's XML would otherwise pile up in memory behind it.
          sheet?.commit();
          sheet = openDataSheet();
        }
        const even = (rowsInSheet + 2) % 2 === 0;
        const rowStyles = even ? styles.even : styles.odd;
        const row = sheet.getRow(rowsInSheet + 2);
        rowValues.forEach((value, c) => {
          const cell = row.getCell(c + 1);
          cell.value = value;
          cell.style =
            typeof value === "string" && startsFormula(value)
              ? even
                ? styles.textEven
                : styles.textOdd
              : (rowStyles[c] as CellStyle);
        });
        row.commit();
        rowsInSheet += 1;
        rowsWritten += 1;
      }

      // Backpressure exceljs does not give us: hold the next batch until the zip has caught up.
      // Polled, because none of those streams emits an event when its buffer shrinks.
      while (!failure && sheet && (xmlBacklog(sheet) ?? 0) > MAX_XML_BACKLOG) await sleep(1);
      // zlib deflates on the thread pool; one turn of the event loop lets finished work
      // reach the PassThrough even when batches arrive without any I/O in between.
      await nextMacrotask();
      if (failure) throw failure.error;
      const chunk = takePending();
      if (chunk) yield chunk;
    }

    (sheet ?? openDataSheet()).commit();
    writeInfoSheet();

    commitStarted = true;
    workbook.commit().catch((error: unknown) => {
      failure ??= { error };
      notify();
    });
    // commit() resolves when the PassThrough's writable side finishes, which needs its
    // readable side drained: hand bytes out while it runs instead of awaiting it first.
    for (;;) {
      if (failure) throw failure.error;
      const chunk = takePending();
      if (chunk) {
        // More may arrive (and the sink may end) while the reader is busy with this chunk:
        // look again before deciding that everything has been handed out.
        yield chunk;
        continue;
      }
      if (sinkEnded) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    completed = true;
  } finally {
    if (!completed) {
      // Stopped early (reader returned, input or exceljs threw). Let exceljs finish into
      // the void so every stream it opened ends normally; the bytes are dropped. What is
      // left is at most one sheet buffer, so this is cheap, and it is not awaited so that
      // return() is never held up by it.
      discard = true;
      pending.length = 0;
      if (!commitStarted) {
        commitStarted = true;
        // A workbook broken by the original error may fail here too; that first error is
        // the one that matters, and it is already on its way to the caller.
        workbook.commit().catch(() => {});
      }
    }
  }
};
