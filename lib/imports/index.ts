// Reading uploaded files: inspect (what the file looks like and the columns it proposes)
// and the rows themselves, streamed in batches. See types.ts for the contract. Each format
// has its reader (csv-reader, json-reader, xlsx-reader, parquet-reader) giving records;
// rows.ts turns records into rows the same way for both functions, so the numbering and
// the columns of inspect are those of the import.
import { csvRecords, sniffDelimiter } from "./csv-reader";
import { jsonArrayRecords, ndjsonRecords } from "./json-reader";
import { parquetColumns, parquetRecords } from "./parquet-reader";
import {
  SAMPLE_ROWS,
  describeSample,
  fitWidth,
  looksLikeHeader,
  objectLayout,
  objectRow,
  tabularLayout,
  tooManyRows,
  type Layout,
  type ObjectRecord,
} from "./rows";
import { decodeSample, headBytes, notText, sniffFile } from "./sniff";
import {
  ImportFileError,
  type Delimiter,
  type FileFormat,
  type ImportLimits,
  type InspectResult,
  type ReadChoices,
  type ReadOverrides,
  type SourceRow,
  type TextEncoding,
} from "./types";
import { openWorkbook, sheetRecords } from "./xlsx-reader";

export * from "./types";

export type InspectInput = {
  /** The name the file was uploaded with: its extension is a hint to the format. */
  fileName: string;
  overrides?: ReadOverrides;
  /** Only the start of the file was sent: a cut last record is dropped, not refused. */
  partial?: boolean;
  limits: ImportLimits;
  signal?: AbortSignal;
};

export type ReadInput = {
  limits: ImportLimits;
  signal?: AbortSignal;
  /** Rows per batch (default 1000). */
  batchSize?: number;
  /** Bytes of the file read so far (for progress while the row count is unknown). */
  onBytes?: (bytesRead: number) => void;
};

type StreamOptions = {
  limits: ImportLimits;
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
  partial?: boolean;
};

/** A file opened for its records: tabular ones (a header row maybe among them), objects, or rows whose names the file's schema gives. */
type Opened =
  | { kind: "tabular"; records: AsyncGenerator<SourceRow[]> }
  | { kind: "objects"; records: AsyncGenerator<ObjectRecord[]> }
  | { kind: "named"; names: string[]; records: AsyncGenerator<SourceRow[]> };

const TEXT_FORMATS: readonly FileFormat[] = ["csv", "json", "ndjson"];

function open(path: string, choices: ReadChoices, options: StreamOptions): Opened {
  const encoding = choices.encoding ?? "utf-8";
  switch (choices.format) {
    case "csv":
      return {
        kind: "tabular",
        records: csvRecords(path, { ...options, encoding, delimiter: choices.delimiter ?? "," }),
      };
    case "json":
      return { kind: "objects", records: jsonArrayRecords(path, encoding, options) };
    case "ndjson":
      return { kind: "objects", records: ndjsonRecords(path, encoding, options) };
    case "xlsx":
      if (choices.sheet === null)
        throw new ImportFileError("import.error.noSheets", {}, { status: 422, field: "sheet" });
      return { kind: "tabular", records: sheetRecords(path, choices.sheet, options) };
    case "parquet":
      throw new Error("parquet is opened by openParquet");
  }
}

/** The first `count` records of a generator, and the generator itself to go on with. */
async function head<T>(records: AsyncGenerator<T[]>, count: number): Promise<{ first: T[]; rest: T[]; done: boolean }> {
  const first: T[] = [];
  let rest: T[] = [];
  while (first.length < count) {
    const next = await records.next();
    if (next.done) return { first, rest, done: true };
    const room = count - first.length;
    if (next.value.length <= room) first.push(...next.value);
    else {
      first.push(...next.value.slice(0, room));
      rest = next.value.slice(room);
    }
  }
  return { first, rest, done: false };
}

/**
 * How many fields a row has, measured against the header's `width`: empty fields past the
 * header do not count as extra ("1,2,3," under three names is fine), but an empty last
 * field within it is still a field ("1,2," under three names is not short).
 */
function fieldWidth(row: SourceRow, width: number): number {
  let length = row.values.length;
  while (length > width && row.values[length - 1] === null) length--;
  return length;
}

async function openParquet(path: string, options: StreamOptions): Promise<Opened> {
  return { kind: "named", names: await parquetColumns(path), records: parquetRecords(path, options) };
}

async function opened(path: string, choices: ReadChoices, options: StreamOptions): Promise<Opened> {
  return choices.format === "parquet" ? openParquet(path, options) : open(path, choices, options);
}

export async function inspectFile(path: string, input: InspectInput): Promise<InspectResult> {
  const sniffed = await sniffFile(path, input.fileName);
  const overrides = input.overrides ?? {};
  const format = overrides.format ?? sniffed.format;
  const text = TEXT_FORMATS.includes(format);
  if (text && sniffed.binary && !overrides.encoding) throw notText();
  const encoding: TextEncoding | null = text ? (overrides.encoding ?? sniffed.encoding ?? "utf-8") : null;
  const detectedDelimiter: Delimiter | null =
    sniffed.format === "csv" && sniffed.text !== null ? sniffDelimiter(sniffed.text, sniffed.extension) : null;
  let delimiter: Delimiter | null = null;
  if (format === "csv") {
    const sample =
      encoding === sniffed.encoding ? sniffed.text : decodeSample(await headBytes(path), encoding ?? "utf-8");
    delimiter = overrides.delimiter ?? (sample === null ? "," : sniffDelimiter(sample, sniffed.extension));
  }
  let sheets: string[] = [];
  let sheet: string | null = null;
  if (format === "xlsx") {
    sheets = (await openWorkbook(path, input.limits)).sheets.map((s) => s.name);
    if (sheets.length === 0) throw new ImportFileError("import.error.noSheets", {}, { status: 422, field: "file" });
    sheet = overrides.sheet ?? sheets[0] ?? "";
    if (!sheets.includes(sheet))
      throw new ImportFileError("import.error.noSheet", { sheet }, { status: 422, field: "sheet" });
  }
  const choices: ReadChoices = { format, encoding, delimiter, sheet, header: true };
  const source = await opened(path, choices, { limits: input.limits, signal: input.signal, partial: input.partial });
  const detected = { format: sniffed.format, encoding: sniffed.encoding, delimiter: detectedDelimiter };
  const base = { ...choices, sheets, detected };
  try {
    if (source.kind === "tabular") {
      const { first } = await head(source.records, SAMPLE_ROWS + 1);
      if (first.length === 0) throw new ImportFileError("import.error.empty", {}, { status: 422, field: "file" });
      const guess = looksLikeHeader(first[0] as SourceRow, first.slice(1));
      const header = overrides.header ?? guess.header;
      const layout = tabularLayout(first, header);
      const records = header ? first.slice(1) : first.slice(0, SAMPLE_ROWS);
      const rawWidths = records.map((row) => fieldWidth(row, layout.names.length));
      const rows = records.map((row) => fitWidth(row, layout.names.length));
      const described = describeSample(layout.names, rows, { partial: input.partial, rawWidths });
      if (guess.guess && overrides.header === undefined) described.warnings.push({ key: "import.warning.headerGuess" });
      return { ...base, header, ...described };
    }
    if (source.kind === "objects") {
      const { first } = await head(source.records, SAMPLE_ROWS);
      if (first.length === 0) throw new ImportFileError("import.error.empty", {}, { status: 422, field: "file" });
      const layout = objectLayout(first);
      checkWidth(layout, input.limits);
      const rows = first.map((record) => objectRow(record, layout.keys ?? []));
      return { ...base, ...describeSample(layout.names, rows, { partial: input.partial }) };
    }
    checkWidth({ names: source.names }, input.limits);
    const { first } = await head(source.records, SAMPLE_ROWS);
    return { ...base, ...describeSample(source.names, first, { partial: input.partial }) };
  } finally {
    await source.records.return(undefined);
  }
}

function checkWidth(layout: Layout, limits: ImportLimits): void {
  if (layout.names.length > limits.maxColumns)
    throw new ImportFileError(
      "import.error.tooManyColumns",
      { count: layout.names.length, limit: limits.maxColumns },
      { status: 422, field: "file" },
    );
}

/**
 * The rows of the file (the header row left out), in batches, values by source column as
 * inspectFile numbers them (for JSON, NDJSON and Parquet: the keys in the order inspect
 * finds them, the same for the same file). Throws ImportFileError for a file that cannot
 * be read; checks the limits as it goes. A CSV or XLSX row shorter than the columns is
 * padded with nulls; a longer one keeps its extra values and carries a `problem`
 * ("N fields, expected M"), so the job rejects it; empty trailing fields do not count.
 * Keys of an object format that none of the first 1,000 records has are not imported.
 */
export async function* readFileRows(path: string, choices: ReadChoices, input: ReadInput): AsyncGenerator<SourceRow[]> {
  const { limits, signal } = input;
  const batchSize = input.batchSize ?? 1000;
  const source = await opened(path, choices, { limits, signal, onBytes: input.onBytes });
  try {
    const sample = await head<SourceRow | ObjectRecord>(
      source.records as AsyncGenerator<(SourceRow | ObjectRecord)[]>,
      source.kind === "tabular" ? SAMPLE_ROWS + 1 : SAMPLE_ROWS,
    );
    let toRow: (record: SourceRow | ObjectRecord) => SourceRow;
    let skip = 0;
    if (source.kind === "tabular") {
      const first = sample.first as SourceRow[];
      const width = tabularLayout(first, choices.header).names.length;
      skip = choices.header ? 1 : 0;
      toRow = (record) => fitWidth(record as SourceRow, width);
    } else if (source.kind === "objects") {
      const layout = objectLayout(sample.first as ObjectRecord[]);
      checkWidth(layout, limits);
      const keys = layout.keys ?? [];
      toRow = (record) => objectRow(record as ObjectRecord, keys);
    } else {
      checkWidth({ names: source.names }, limits);
      toRow = (record) => record as SourceRow;
    }
    let count = 0;
    let batch: SourceRow[] = [];
    const take = (records: readonly (SourceRow | ObjectRecord)[]): void => {
      for (const record of records) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (++count > limits.maxRows) throw tooManyRows(limits);
        batch.push(toRow(record));
      }
    };
    take(sample.first);
    take(sample.rest);
    let pending = sample.done ? null : source.records;
    while (true) {
      if (batch.length >= batchSize) {
        let at = 0;
        for (; batch.length - at >= batchSize; at += batchSize) {
          signal?.throwIfAborted();
          yield batch.slice(at, at + batchSize);
        }
        batch = batch.slice(at);
      }
      if (!pending) break;
      const next = await pending.next();
      if (next.done) pending = null;
      else take(next.value as (SourceRow | ObjectRecord)[]);
    }
    if (batch.length) yield batch;
  } finally {
    await source.records.return(undefined);
  }
}
