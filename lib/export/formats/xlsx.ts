// The XLSX writer: a streaming SpreadsheetML workbook. Each sheet's XML goes into its zip
// entry's deflate stream as rows arrive (zip-stream: data descriptors, ZIP64 when a file
// needs it), so bytes leave while rows come in and memory holds about one batch of XML.
// Back-pressure runs through the streams: a reader that stops pulling stops the rows.
//
// Entry order: the fixed parts first (so the first bytes leave at once), then the data
// sheets, the "Export info" sheet, and last the parts that name the sheets — the workbook,
// its relationships and the content types — since only the end knows how many there are.
// Readers go by the zip's central directory, so the order is free.
import { once } from "node:events";
import { PassThrough } from "node:stream";
import ZipStream from "zip-stream";
import type { ColumnExtent, ExportInfo, FormatWriter, RowBatch } from "../types";
import { formatDateTime } from "../values";
import { columnValueOptions } from "../warnings";
import {
  APP_XML,
  contentTypesXml,
  coreXml,
  ROOT_RELS_XML,
  sheetPath,
  STYLES_XML,
  workbookRelsXml,
  workbookXml,
  type SheetEntry,
} from "./xlsx-parts";
import {
  cellText,
  DataSheet,
  EXCEL_MAX_DATA_ROWS,
  infoSheetXml,
  widthsFromExtents,
  widthsFromRows,
  xmlText,
} from "./xlsx-sheet";

export { EXCEL_MAX_DATA_ROWS } from "./xlsx-sheet";

/** The "Export info" sheet's words, in the requester's language (lib/exports/excel-info.ts). */
export type XlsxInfoSheet = {
  name: string;
  labels: { dataset: string; filters: string; columns: string; rows: string; exportedBy: string; exportedAt: string };
  /** The filters as the requester reads them ("none" in their words when there are none). */
  filters: string;
  /** When the export was made, as the requester reads it. */
  exportedAt: string;
};

export type XlsxOptions = {
  info: ExportInfo;
  /** In English, with the time in UTC, unless given. */
  infoSheet?: XlsxInfoSheet;
  /** Name of the first data sheet; later ones get " (2)", " (3)", … */
  sheetName?: string;
  /** Data rows per sheet (header excluded). Excel's own limit by default; lower it in tests. */
  maxRowsPerSheet?: number;
  /**
   * The source's measure of every value of each column, for exact column widths. Without
   * it the header and the first batch decide, and a longer value later is cut off on
   * screen (the cell keeps all of it).
   */
  extents?: () => Promise<readonly ColumnExtent[]>;
  /** Deflate level, 1 (fastest, the default) to 9 (smallest). */
  compressionLevel?: number;
};

const EXCEL_MAX_SHEET_NAME = 31;
const DEFAULT_SHEET = "Data";
/** Deflate output per hop between the thread pool and JavaScript. */
const DEFLATE_CHUNK = 64 * 1024;

export function englishInfoSheet(info: ExportInfo): XlsxInfoSheet {
  return {
    name: "Export info",
    labels: {
      dataset: "Dataset",
      filters: "Filters",
      columns: "Columns",
      rows: "Rows",
      exportedBy: "Exported by",
      exportedAt: "Exported at",
    },
    filters: info.filters,
    exportedAt: `${formatDateTime(info.generatedAt, "UTC")} UTC`,
  };
}

/** Excel's rules: no : \ / ? * [ ], at most 31 characters, no leading/trailing apostrophe. */
function baseSheetName(requested: string | undefined, reserved: string): string {
  const cleaned = (requested ?? "")
    .replace(/[:\\/?*[\]]/g, " ")
    .replace(/^'+|'+$/g, "")
    .trim();
  const lower = cleaned.toLowerCase();
  // "History" is reserved by Excel; the info sheet's name must stay free for the info sheet.
  if (!cleaned || lower === "history" || lower === reserved.toLowerCase()) return DEFAULT_SHEET;
  return cleaned;
}

function numberedSheetName(base: string, index: number): string {
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

function deflateLevel(requested: number | undefined): number {
  if (requested === undefined) return 1;
  if (!Number.isInteger(requested) || requested < 1 || requested > 9)
    throw new RangeError(`compressionLevel must be 1 to 9, not ${requested}`);
  return requested;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

export const writeXlsx: FormatWriter<XlsxOptions> = async function* writeXlsx(batches, context) {
  const { columns, info } = context;
  const maxRows = rowLimit(context.maxRowsPerSheet);
  const infoSheet = context.infoSheet ?? englishInfoSheet(info);
  const baseName = baseSheetName(context.sheetName, infoSheet.name);
  const { current, options: valueOptions } = columnValueOptions(columns, context);
  // Sheet names and the title are shown by Excel: the same rules as any cell's text.
  const quiet = () => {};
  const zip = new ZipStream({ zlib: { level: deflateLevel(context.compressionLevel), chunkSize: DEFLATE_CHUNK } });
  const date = info.generatedAt;
  const stop = new AbortController();

  // An entry is done when the zip has taken all of it, or never, once the zip is gone.
  const entry = (source: string | PassThrough, name: string) =>
    new Promise<void>((resolve, reject) => {
      const { signal } = stop;
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      zip.entry(source, { name, date }, (error?: Error | null) => {
        signal.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve();
      });
    });

  const write = async (stream: PassThrough, xml: string | Buffer) => {
    stop.signal.throwIfAborted();
    if (!stream.write(xml)) await once(stream, "drain", { signal: stop.signal });
  };

  async function produce(): Promise<void> {
    // Asked for at once, so the source measures while the first rows are on their way.
    const measured = context.extents ? settle(context.extents()) : null;
    await entry(ROOT_RELS_XML, "_rels/.rels");
    await entry(APP_XML, "docProps/app.xml");
    await entry(coreXml(xmlText(cellText(info.datasetTitle, quiet)), info.generatedAt), "docProps/core.xml");
    await entry(STYLES_XML, "xl/styles.xml");

    const sheets: SheetEntry[] = [];
    let widths: number[] | undefined;
    let sheet: { xml: DataSheet; stream: PassThrough; done: Promise<void> } | undefined;
    let rowsWritten = 0;

    const decideWidths = async (firstBatch: RowBatch): Promise<number[]> => {
      const result = measured ? await measured : null;
      if (result && !result.ok) throw result.error;
      return result ? widthsFromExtents(columns, result.value) : widthsFromRows(columns, firstBatch);
    };
    const openSheet = async () => {
      const xml = new DataSheet({ columns, widths: widths ?? [], valueOptions, current });
      const stream = new PassThrough();
      const index = sheets.length + 1;
      sheets.push({ name: numberedSheetName(baseName, index), filterRange: null });
      const done = entry(stream, sheetPath(index));
      // Awaited when the sheet closes; a stop before that is reported by what stopped it.
      done.catch(() => {});
      sheet = { xml, stream, done };
      await write(stream, xml.head(index === 1));
    };
    const closeSheet = async () => {
      if (!sheet) return;
      await write(sheet.stream, sheet.xml.tail());
      sheet.stream.end();
      await sheet.done;
      sheets[sheets.length - 1]!.filterRange = sheet.xml.filterRange();
      sheet = undefined;
    };

    try {
      for await (const batch of batches) {
        stop.signal.throwIfAborted();
        widths ??= await decideWidths(batch);
        let from = 0;
        while (from < batch.length) {
          if (!sheet || sheet.xml.rows >= maxRows) {
            await closeSheet();
            await openSheet();
          }
          const open = sheet!;
          const { xml, taken } = open.xml.write(batch, from, maxRows - open.xml.rows, rowsWritten + 1);
          from += taken;
          rowsWritten += taken;
          await write(open.stream, xml);
        }
      }
      widths ??= await decideWidths([]);
      if (!sheet) await openSheet();
      await closeSheet();
    } finally {
      // Stopped half-way: the open entry is dropped with the zip.
      sheet?.stream.destroy();
    }

    const { labels } = infoSheet;
    await entry(
      infoSheetXml([
        [labels.dataset, info.datasetTitle],
        [labels.filters, infoSheet.filters],
        [labels.columns, columns.map((column) => column.header).join(", ")],
        [labels.rows, rowsWritten],
        [labels.exportedBy, info.user],
        [labels.exportedAt, infoSheet.exportedAt],
      ]),
      sheetPath(sheets.length + 1),
    );
    sheets.push({ name: numberedSheetName(infoSheet.name, 1), filterRange: null });
    await entry(workbookXml(sheets), "xl/workbook.xml");
    await entry(workbookRelsXml(sheets.length), "xl/_rels/workbook.xml.rels");
    await entry(contentTypesXml(sheets.length), "[Content_Types].xml");
    zip.finalize();
  }

  // A failure anywhere (the rows, the source's measure, the zip) ends the output with it.
  const production = produce().catch((error: unknown) => {
    if (!stop.signal.aborted) zip.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  try {
    for await (const chunk of zip as AsyncIterable<Buffer>) yield chunk;
  } finally {
    // The reader stopped early, or the zip failed: stop producing, close the rows, and
    // wait for that, so no read of the database outlives the export.
    stop.abort();
    zip.destroy();
    await production;
  }
};
