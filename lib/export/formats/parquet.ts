// Parquet: typed columns, written one row group at a time so that memory stays bounded by
// a row group rather than the dataset (building the whole file with parquetWriteBuffer
// peaks near 900 MB for a million rows).
//
// hyparquet-writer's ParquetWriter writes the "PAR1" header on construction, a complete
// row group (column chunks and pages) on every write(), and the indexes and footer on
// finish(); it remembers the row-group metadata but never reads back what it wrote. Its
// positions in the file come from `writer.offset`, while a ByteWriter appends at
// `writer.index`, so rewinding `index` to 0 after taking the bytes out (as the library's
// own fileWriter does) keeps the buffer at about one row group without breaking offsets.
import { ByteWriter, ParquetWriter, type ColumnSource, type SchemaElement } from "hyparquet-writer";
import type { ColumnType, ExportColumn, FormatWriter, WriterContext } from "../types";
import { unescapeCopyText } from "./json-copy";
import { parquetValue, utcDayMs, type ParquetValue, type Warn } from "../values";
import { columnValueOptions } from "../warnings";

export type ParquetOptions = {
  /** Rows per row group; also how often bytes leave the writer. */
  rowGroupSize?: number;
};

export const DEFAULT_ROW_GROUP_SIZE = 50_000;

/** What a column array holds once converted for hyparquet-writer. */
type Cell = string | number | bigint | boolean | Date | null;

type ColumnPlan = {
  /** The element the footer declares. */
  element: SchemaElement;
  /** The element the column chunks are encoded with (differs for JSON only, see below). */
  encodeAs: SchemaElement;
  /** Column-specific options for ParquetWriter.write. */
  source: Omit<ColumnSource, "name" | "data">;
  toCell: (value: ParquetValue, warn: Warn) => Cell;
};

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DAY_MS = 86_400_000;
const YMD = /^(-?\d+)-(\d{2})-(\d{2})$/;

function daysSinceEpoch(text: string): number | null {
  const match = YMD.exec(text);
  if (!match) return null;
  const ms = utcDayMs(Number(match[1]), Number(match[2]), Number(match[3]));
  return Number.isNaN(ms) ? null : Math.round(ms / DAY_MS);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function optional(name: string, rest: Omit<SchemaElement, "name" | "repetition_type">): SchemaElement {
  return { name, repetition_type: "OPTIONAL", ...rest };
}

function planColumn(type: ColumnType, name: string): ColumnPlan {
  switch (type) {
    case "integer": {
      const element = optional(name, { type: "INT64" });
      return {
        element,
        encodeAs: element,
        source: {},
        toCell(value, warn) {
          if (typeof value !== "bigint") return null;
          // The writer throws on an out-of-range INT64, which would abort the whole export.
          if (value < INT64_MIN || value > INT64_MAX) {
            warn(`out of the 64-bit integer range: ${value}`);
            return null;
          }
          return value;
        },
      };
    }
    case "number": {
      const element = optional(name, { type: "DOUBLE" });
      return { element, encodeAs: element, source: {}, toCell: (value) => (typeof value === "number" ? value : null) };
    }
    case "boolean": {
      const element = optional(name, { type: "BOOLEAN" });
      return { element, encodeAs: element, source: {}, toCell: (value) => (typeof value === "boolean" ? value : null) };
    }
    case "date": {
      // hyparquet-writer writes DATE (INT32 days since the epoch) and passes numbers through.
      const element = optional(name, { type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } });
      return {
        element,
        encodeAs: element,
        source: {},
        toCell(value, warn) {
          if (typeof value !== "string") return null;
          const days = daysSinceEpoch(value);
          if (days === null) warn(`not a calendar date: ${JSON.stringify(value)}`);
          return days;
        },
      };
    }
    case "datetime": {
      // An instant: stored as UTC milliseconds whatever the export's time zone.
      const element = optional(name, {
        type: "INT64",
        converted_type: "TIMESTAMP_MILLIS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
      });
      return { element, encodeAs: element, source: {}, toCell: (value) => (value instanceof Date ? value : null) };
    }
    case "json": {
      const element = optional(name, { type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } });
      return {
        element,
        // For converted_type JSON the writer runs JSON.stringify on each value, which would
        // quote our text a second time. Without it, the writer stores the text verbatim
        // (exact numbers, original spacing); the footer still declares JSON (see the
        // schema swap before finish()).
        encodeAs: optional(name, { type: "BYTE_ARRAY", logical_type: { type: "JSON" } }),
        // Statistics would be truncated as plain bytes (JSON bounds never are), leaving
        // unparseable JSON in the footer; min/max of documents help no reader anyway.
        source: { statistics: false },
        toCell(value, warn) {
          if (typeof value !== "string") return null;
          // Readers parse a JSON column, so text that is not JSON would break the whole file.
          if (isJsonText(value)) return value;
          warn(
            `not valid JSON, written as a JSON string: ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value)}`,
          );
          return JSON.stringify(value);
        },
      };
    }
    default: {
      const element = optional(name, { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } });
      return { element, encodeAs: element, source: {}, toCell: (value) => (typeof value === "string" ? value : null) };
    }
  }
}

const DIGITS = /^-?\d{1,18}$/;

/** Days since 1970-01-01 of a proleptic Gregorian date (the civil-calendar formula). */
function civilDays(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitsAt(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The cell of a value already in the shape the database hands over (digits, a number's
 * text, true/false, `YYYY-MM-DD`, a UTC `…T…Z`, text), without the general conversion;
 * undefined for anything else, which then goes through parquetValue and warns as it must.
 */
function fastCell(type: ColumnType): (value: unknown) => Cell | undefined {
  switch (type) {
    case "integer":
      return (value) => (typeof value === "string" && DIGITS.test(value) ? BigInt(value) : undefined);
    case "number":
      return (value) => {
        if (typeof value !== "string" || value === "") return undefined;
        const n = +value;
        return Number.isFinite(n) ? n : undefined;
      };
    case "boolean":
      return (value) => (typeof value === "boolean" ? value : value === "t" ? true : value === "f" ? false : undefined);
    case "date":
      return (value) => (typeof value === "string" && value.length === 10 ? dateDays(value, 0) : undefined);
    case "datetime":
      return (value) => (typeof value === "string" ? utcMillis(value, 0, value.length) : undefined);
    case "string":
      return (value) => (typeof value === "string" ? value : undefined);
    default:
      return () => undefined;
  }
}

const BACKSLASH = 0x5c;

/**
 * A cell read straight from a COPY text field (`text` from `start` to `end`) without making
 * a string of it, for the shapes COPY writes in UTC: `\N`, digits, t/f, `YYYY-MM-DD`,
 * `YYYY-MM-DD HH:MM:SS+00`; undefined for anything else (then the field goes the long way).
 */
function directCell(type: ColumnType): ((text: string, start: number, end: number) => Cell | undefined) | null {
  const isNull = (text: string, start: number, end: number) =>
    end - start === 2 && text.charCodeAt(start) === BACKSLASH && text.charCodeAt(start + 1) === 0x4e;
  switch (type) {
    case "integer":
      return (text, start, end) => {
        if (isNull(text, start, end)) return null;
        const negative = text.charCodeAt(start) === 0x2d;
        const from = negative ? start + 1 : start;
        if (end - from < 1 || end - from > 15) return undefined;
        const n = digitsAt(text, from, end - from);
        return n < 0 ? undefined : BigInt(negative ? -n : n);
      };
    case "boolean":
      return (text, start, end) => {
        if (isNull(text, start, end)) return null;
        if (end - start !== 1) return undefined;
        const c = text.charCodeAt(start);
        return c === 0x74 ? true : c === 0x66 ? false : undefined;
      };
    case "date":
      return (text, start, end) => {
        if (isNull(text, start, end)) return null;
        if (end - start !== 10) return undefined;
        return dateDays(text, start);
      };
    case "datetime":
      return (text, start, end) => (isNull(text, start, end) ? null : utcMillis(text, start, end));
    default:
      return (text, start, end) => (isNull(text, start, end) ? null : undefined);
  }
}

/**
 * UTC milliseconds of a date-time as the engine has it (`YYYY-MM-DDTHH:MM:SS[.f…]Z`) or as
 * COPY writes it in UTC (`YYYY-MM-DD HH:MM:SS[.f…]+00`), from `start` to `end`; undefined
 * for anything else. A fraction is cut to milliseconds, as a Date would.
 */
function utcMillis(text: string, start: number, end: number): number | undefined {
  const zone =
    text.charCodeAt(end - 1) === 0x5a
      ? 1
      : text.charCodeAt(end - 3) === 0x2b && text.charCodeAt(end - 2) === 0x30 && text.charCodeAt(end - 1) === 0x30
        ? 3
        : 0;
  const separator = text.charCodeAt(start + 10);
  if (zone === 0 || end - start < 19 + zone || (separator !== 0x54 && separator !== 0x20)) return undefined;
  if (text.charCodeAt(start + 13) !== 0x3a || text.charCodeAt(start + 16) !== 0x3a) return undefined;
  const days = dateDays(text, start);
  const hours = digitsAt(text, start + 11, 2);
  const minutes = digitsAt(text, start + 14, 2);
  const seconds = digitsAt(text, start + 17, 2);
  if (days === undefined || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59)
    return undefined;
  let ms = 0;
  const fractionEnd = end - zone;
  if (fractionEnd > start + 19) {
    const digits = fractionEnd - start - 20;
    if (text.charCodeAt(start + 19) !== 0x2e || digits < 1 || digits > 9 || digitsAt(text, start + 20, digits) < 0)
      return undefined;
    const kept = Math.min(3, digits);
    ms = digitsAt(text, start + 20, kept) * 10 ** (3 - kept);
  }
  return days * DAY_MS + (hours * 3600 + minutes * 60 + seconds) * 1000 + ms;
}

/** Days since the epoch of a valid `YYYY-MM-DD` at `at`, else undefined. */
function dateDays(text: string, at: number): number | undefined {
  if (text.charCodeAt(at + 4) !== 0x2d || text.charCodeAt(at + 7) !== 0x2d) return undefined;
  const year = digitsAt(text, at, 4);
  const month = digitsAt(text, at + 5, 2);
  const day = digitsAt(text, at + 8, 2);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > (month === 2 && !leap ? 28 : MONTH_DAYS[month - 1]!))
    return undefined;
  return civilDays(year, month, day);
}

/** ParquetWriter finds a column by name (first match wins), so names must be unique. */
function uniqueNames(headers: readonly string[]): string[] {
  const used = new Set<string>();
  return headers.map((header) => {
    let name = header;
    for (let n = 2; used.has(name); n++) name = `${header} (${n})`;
    used.add(name);
    return name;
  });
}

function rootElement(children: number): SchemaElement {
  return { name: "root", num_children: children };
}

/** One .parquet file being written: cells in, a row group's bytes out when it is full. */
function parquetFile(context: WriterContext & ParquetOptions) {
  const { columns, timezone, onWarning, rowGroupSize = DEFAULT_ROW_GROUP_SIZE } = context;
  if (!Number.isSafeInteger(rowGroupSize) || rowGroupSize < 1) {
    throw new RangeError(`rowGroupSize must be a positive integer, got ${rowGroupSize}`);
  }
  if (columns.length === 0) throw new Error("a Parquet file needs at least one column");

  const names = uniqueNames(columns.map((column) => column.header));
  const plans = columns.map((column, i) => planColumn(column.type, names[i] as string));
  const fileSchema = [rootElement(plans.length), ...plans.map((plan) => plan.element)];
  const encodeSchema = [rootElement(plans.length), ...plans.map((plan) => plan.encodeAs)];

  const writer = new ByteWriter();
  // No column statistics: they cost a tenth of a large export's time, and no reader here uses them.
  const parquet = new ParquetWriter({ writer, schema: encodeSchema, createdBy: "Outport", statistics: false });

  const cellOptions = columnValueOptions(columns, { timezone, onWarning });
  const fast = columns.map((column) => fastCell(column.type));
  let cells: Cell[][] = plans.map(() => []);
  let buffered = 0;

  const takeBytes = (): Uint8Array => {
    const bytes = writer.getBytes().slice();
    writer.index = 0;
    return bytes;
  };
  // Both calls are synchronous with a ByteWriter (it has no async flush); awaiting keeps
  // that an implementation detail.
  const writeRowGroup = async () => {
    await parquet.write({
      columnData: plans.map((plan, i) => ({ ...plan.source, name: names[i] as string, data: cells[i] as Cell[] })),
      // The whole buffer as one group: we decide the group boundaries, not the library.
      rowGroupSize: buffered,
    });
    cells = plans.map(() => []);
    buffered = 0;
  };

  return {
    width: plans.length,
    /** Starts the next row (numbering the warnings of its values). */
    startRow() {
      cellOptions.current.row++;
    },
    /** A cell already made (by directCell). */
    addCell(i: number, cell: Cell) {
      cells[i]!.push(cell);
    },
    add(i: number, value: unknown) {
      const cell = fast[i]!(value);
      if (cell !== undefined) {
        cells[i]!.push(cell);
        return;
      }
      const options = cellOptions.options[i]!;
      const typed = parquetValue(value, (columns[i] as ExportColumn).type, options);
      (cells[i] as Cell[]).push((plans[i] as ColumnPlan).toCell(typed, options.warn));
    },
    /** Ends the row; the row group's bytes when it is full. */
    async endRow(): Promise<Uint8Array | null> {
      if (++buffered < rowGroupSize) return null;
      await writeRowGroup();
      return takeBytes();
    },
    /** The last row group and the footer. */
    async finish(): Promise<Uint8Array> {
      if (buffered > 0) await writeRowGroup();
      // finish() writes this.schema into the footer and uses it for nothing else, so JSON
      // columns get their converted_type back there, for readers (hyparquet among them) that
      // recognise JSON only by it.
      parquet.schema = fileSchema;
      await parquet.finish();
      return takeBytes();
    },
  };
}

/**
 * Rows in, .parquet bytes out, one chunk per row group plus one for the footer. Every
 * column is nullable: a value that does not fit its type becomes null and a warning.
 */
export const writeParquet: FormatWriter<ParquetOptions> = async function* writeParquet(batches, context) {
  const file = parquetFile(context);
  for await (const batch of batches) {
    for (const values of batch) {
      file.startRow();
      for (let i = 0; i < file.width; i++) file.add(i, values[i]);
      const bytes = await file.endRow();
      if (bytes) yield bytes;
    }
  }
  yield await file.finish();
};

/**
 * The same file from PostgreSQL's COPY text format (in UTC, ISO dates), parsed a chunk at a
 * time straight into the row group's columns: no row arrays between the two.
 */
export async function* writeParquetFromCopy(
  chunks: AsyncIterable<Uint8Array>,
  context: WriterContext & ParquetOptions & { redacted: readonly boolean[]; onRows?: (rows: number) => void },
): AsyncGenerator<Uint8Array> {
  const file = parquetFile(context);
  const width = file.width;
  const textual = context.columns.map((c, i) => context.redacted[i] || c.type === "string" || c.type === "json");
  const direct = context.columns.map((c, i) => (context.redacted[i] ? null : directCell(c.type)));
  let rows = 0;
  let rest: Buffer | null = null;
  for await (const chunk of chunks) {
    const buf: Buffer = rest
      ? Buffer.concat([rest, chunk])
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = buf.lastIndexOf(10);
    if (end < 0) {
      rest = buf;
      continue;
    }
    rest = end + 1 < buf.length ? buf.subarray(end + 1) : null;
    const text = buf.toString("utf8", 0, end + 1);
    let pos = 0;
    while (pos < text.length) {
      const lineEnd = text.indexOf("\n", pos);
      file.startRow();
      let fieldStart = pos;
      for (let i = 0; i < width; i++) {
        let fieldEnd = i === width - 1 ? lineEnd : text.indexOf("\t", fieldStart);
        if (fieldEnd < 0 || fieldEnd > lineEnd) fieldEnd = lineEnd;
        const cell = direct[i]?.(text, fieldStart, fieldEnd);
        if (cell !== undefined) file.addCell(i, cell);
        else {
          const field = text.slice(fieldStart, fieldEnd);
          file.add(i, field === "\\N" ? null : textual[i] ? unescapeCopyText(field) : field);
        }
        fieldStart = fieldEnd + 1;
      }
      pos = lineEnd + 1;
      rows++;
      const bytes = await file.endRow();
      if (bytes) yield bytes;
    }
    context.onRows?.(rows);
  }
  if (rest && rest.length > 0) throw new Error("PostgreSQL's COPY ended inside a row");
  yield await file.finish();
}
