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
import type { ColumnExtent, ExportInfo, ExportRow, FormatWriter, RowBatch, WriterContext } from "../types";
import { formatDateTime } from "../values";
import { columnValueOptions } from "../warnings";
import { CopyRowWriter } from "./xlsx-copy";
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
import { DataSheet, EXCEL_MAX_DATA_ROWS, infoSheetXml, widthsFromExtents, widthsFromRows } from "./xlsx-sheet";

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
  /** Sheet XML a sheet may hold before the next one starts: below ZIP's 4 GiB by default; lower it in tests. */
  maxSheetBytes?: number;
};

const EXCEL_MAX_SHEET_NAME = 31;
const DEFAULT_SHEET = "Data";
/**
 * A sheet's XML stays below 4 GiB, by a margin for the run that crosses this: a zip entry
 * of unknown size past that needs ZIP64 in its local header, which a streamed entry cannot
 * have (and Excel repairs the file). Past it the rows continue on a new sheet.
 */
const MAX_SHEET_BYTES = 3.5 * 1024 ** 3;
/** Sheet XML written while the source still measures the columns, at most (then it waits). */
const HELD_XML_BYTES = 4 * 1024 * 1024;
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
  const cleaned = (requested ?? "").replace(/[:\\/?*[\]]/g, " ");
  // Compared as Excel will show it, cut to its length: "History" is Excel's own, and the
  // info sheet's name must stay free for the info sheet.
  const shown = numberedSheetName(cleaned, 1).toLowerCase();
  if (shown === "history" || shown === numberedSheetName(reserved, 1).toLowerCase()) return DEFAULT_SHEET;
  return cleaned;
}

/** The index-th sheet's name: the base cut to leave room for " (2)" and so on. */
function numberedSheetName(base: string, index: number): string {
  const suffix = index === 1 ? "" : ` (${index})`;
  const cut = Array.from(base)
    .slice(0, EXCEL_MAX_SHEET_NAME - suffix.length)
    .join("")
    .replace(/^[\s']+|[\s']+$/g, "");
  return (cut || DEFAULT_SHEET) + suffix;
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

/** Rows on their way into sheets: a batch of values, or a run of COPY text lines. */
type RowRun = {
  /** Writes up to `room` of the rows not written yet; `exportRow` is the first one's position in the export. */
  write(sheet: DataSheet, room: number, exportRow: number): { xml: Buffer; taken: number };
  done(): boolean;
  /** The rows as values: widths from a first run when the source measured nothing. */
  values(): readonly ExportRow[];
};

async function* valueRuns(batches: AsyncIterable<RowBatch>): AsyncGenerator<RowRun> {
  for await (const batch of batches) {
    let from = 0;
    yield {
      write(sheet, room, exportRow) {
        const written = sheet.write(batch, from, room, exportRow);
        from += written.taken;
        return written;
      },
      done: () => from >= batch.length,
      values: () => batch,
    };
  }
}

/** COPY text gathered into runs of whole lines of about this many bytes. */
const COPY_RUN_BYTES = 256 * 1024;
const LF = 0x0a;

async function* copyRuns(chunks: AsyncIterable<Uint8Array>, writer: CopyRowWriter): AsyncGenerator<RowRun> {
  const run = (buf: Buffer, end: number): RowRun => {
    let at = 0;
    return {
      write(sheet, room, exportRow) {
        const written = writer.write(sheet, buf, at, end, room, exportRow);
        at = written.next;
        return written;
      },
      done: () => at >= end,
      values: () => writer.values(buf, 0, end),
    };
  };
  let pending: Buffer[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
    if (size < COPY_RUN_BYTES) continue;
    const joined = Buffer.concat(pending);
    const end = joined.lastIndexOf(LF) + 1;
    // The part of a line that has not ended yet waits for the next chunks.
    pending = end < joined.length ? [joined.subarray(end)] : [];
    size = joined.length - end;
    if (end > 0) yield run(joined, end);
  }
  const last = Buffer.concat(pending);
  if (last.length > 0) yield run(last, last.length);
}

export type XlsxCopyOptions = XlsxOptions & {
  /** Which columns hold a redacted stand-in. */
  redacted: readonly boolean[];
  /** Rows written so far, after each run. */
  onRows?: (rows: number) => void;
};

/** The same workbook as writeXlsx, from the rows' COPY text (lib/export/formats/xlsx-copy.ts). */
export function writeXlsxFromCopy(
  chunks: AsyncIterable<Uint8Array>,
  context: WriterContext & XlsxCopyOptions,
): AsyncGenerator<Uint8Array> {
  const writer = new CopyRowWriter(context.columns, context.redacted, context.timezone);
  return workbook(copyRuns(chunks, writer), context, context.onRows);
}

export const writeXlsx: FormatWriter<XlsxOptions> = (batches, context) => workbook(valueRuns(batches), context);

async function* workbook(
  runs: AsyncIterable<RowRun>,
  context: WriterContext & XlsxOptions,
  onRows?: (rows: number) => void,
): AsyncGenerator<Uint8Array> {
  const { columns, info } = context;
  const maxRows = rowLimit(context.maxRowsPerSheet);
  const maxSheetBytes = context.maxSheetBytes ?? MAX_SHEET_BYTES;
  const infoSheet = context.infoSheet ?? englishInfoSheet(info);
  const baseName = baseSheetName(context.sheetName, infoSheet.name);
  const { current, options: valueOptions } = columnValueOptions(columns, context);
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

  /** Settles (as a failed measure) when the export stops. */
  const stopped = new Promise<Settled<never>>((resolve) =>
    stop.signal.addEventListener("abort", () => resolve({ ok: false, error: stop.signal.reason }), { once: true }),
  );

  const write = async (stream: PassThrough, xml: string | Buffer) => {
    stop.signal.throwIfAborted();
    if (!stream.write(xml)) await once(stream, "drain", { signal: stop.signal });
  };

  async function produce(): Promise<void> {
    // Asked for at once, so the source measures while the first rows are on their way.
    const measured = context.extents ? settle(context.extents()) : null;
    await entry(ROOT_RELS_XML, "_rels/.rels");
    await entry(APP_XML, "docProps/app.xml");
    await entry(coreXml(info.datasetTitle, info.generatedAt), "docProps/core.xml");
    await entry(STYLES_XML, "xl/styles.xml");

    const sheets: SheetEntry[] = [];
    let widths: readonly number[] | undefined;
    let rowsWritten = 0;
    // The first sheet's rows are written while the source still measures the columns:
    // held (up to HELD_XML_BYTES) until the widths its head states are known.
    let measuredYet = false;
    void measured?.then(() => (measuredYet = true));
    let held: Buffer[] = [];
    let heldBytes = 0;

    /** A data sheet: its rows, its place, its zip entry once begun, the XML bytes written to it. */
    type Sheet = { xml: DataSheet; index: number; stream?: PassThrough; done?: Promise<void>; bytes: number };
    let sheet: Sheet | undefined;

    // The first run, whose rows decide the widths when the source has no measure of them
    // (let go once the widths are known).
    let firstRun: RowRun | null | undefined;
    const decideWidths = async (): Promise<readonly number[]> => {
      if (measured) {
        // A stop does not wait for the measure (its query ends on its own).
        const result = await Promise.race([measured, stopped]);
        if (result.ok) return widthsFromExtents(columns, result.value);
        // Widths are looks: a failed measure falls back to the first rows, not the export.
      }
      return widthsFromRows(columns, firstRun?.values() ?? []);
    };
    const begin = async (open: Sheet) => {
      widths ??= await decideWidths();
      firstRun = null;
      const stream = new PassThrough();
      const done = entry(stream, sheetPath(open.index));
      // Awaited when the sheet closes; a stop before that is reported by what stopped it.
      done.catch(() => {});
      Object.assign(open, { stream, done });
      await write(stream, open.xml.head(open.index === 1, widths));
      for (const xml of held) await write(stream, xml);
      held = [];
      heldBytes = 0;
    };
    const openSheet = async () => {
      const index = sheets.length + 1;
      sheets.push({ name: numberedSheetName(baseName, index), filterRange: null });
      sheet = { xml: new DataSheet({ columns, valueOptions, current }), index, bytes: 0 };
      if (widths) await begin(sheet);
    };
    const put = async (open: Sheet, xml: Buffer) => {
      open.bytes += xml.length;
      if (open.stream) return write(open.stream, xml);
      held.push(xml);
      heldBytes += xml.length;
      if (measuredYet || heldBytes >= HELD_XML_BYTES) await begin(open);
      // Nothing waits on I/O while rows are held: give the event loop (the measure's answer
      // among it) a turn, whatever pace the rows come at.
      else await new Promise((resolve) => setImmediate(resolve));
    };
    const closeSheet = async () => {
      if (!sheet) return;
      if (!sheet.stream) await begin(sheet);
      await write(sheet.stream!, sheet.xml.tail());
      sheet.stream!.end();
      await sheet.done;
      sheets[sheets.length - 1]!.filterRange = sheet.xml.filterRange();
      sheet = undefined;
    };

    try {
      for await (const run of runs) {
        stop.signal.throwIfAborted();
        if (firstRun === undefined) firstRun = run;
        // Without a measure, the first rows decide, before any is written.
        if (!measured) widths ??= await decideWidths();
        while (!run.done()) {
          if (!sheet || sheet.xml.rows >= maxRows || sheet.bytes >= maxSheetBytes) {
            await closeSheet();
            await openSheet();
          }
          const open = sheet!;
          const { xml, taken } = run.write(open.xml, maxRows - open.xml.rows, rowsWritten + 1);
          rowsWritten += taken;
          await put(open, xml);
        }
        onRows?.(rowsWritten);
      }
      if (!sheet) await openSheet();
      await closeSheet();
    } finally {
      // Stopped half-way: the open entry is dropped with the zip.
      sheet?.stream?.destroy();
      held = [];
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
}
