// Parquet files through hyparquet, read one row group at a time from ranges of the file
// (an fs file handle behind hyparquet's AsyncBuffer), so only the row group being read is
// in memory, never the whole file. Values come as hyparquet gives them: 64-bit integers as
// bigint, timestamps and dates as Date, nested columns as objects and arrays; raw bytes
// (binary columns that are not text) become base64 text. Records are numbered from 1.
import { open, type FileHandle } from "node:fs/promises";
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from "hyparquet";
import { ImportFileError, type ImportLimits, type SourceRow, type SourceValue } from "./types";

type Options = { limits: ImportLimits; signal?: AbortSignal; onBytes?: (bytes: number) => void };

function invalid(error: unknown): ImportFileError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ImportFileError("import.error.invalidParquet", { reason }, { status: 422, field: "file" });
}

async function fileBuffer(file: FileHandle, onRead?: (end: number) => void): Promise<AsyncBuffer> {
  const { size } = await file.stat();
  return {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const buffer = new ArrayBuffer(Math.max(0, stop - start));
      if (buffer.byteLength > 0) await file.read(new Uint8Array(buffer), 0, buffer.byteLength, start);
      onRead?.(stop);
      return buffer;
    },
  };
}

async function metadataOf(file: AsyncBuffer): Promise<FileMetaData> {
  try {
    return await parquetMetadataAsync(file);
  } catch (error) {
    throw invalid(error);
  }
}

const DEFAULT_ROW_GROUP_BYTES = 256 * 1024 * 1024;

/**
 * Refuses a file whose row groups would inflate past the limits, before any is read: a row
 * group is decoded whole, so its size is what reading it costs (the Parquet zip bomb). A
 * dictionary-encoded column counts its dictionary, which its decoded values only refer to.
 */
function checkSizes(metadata: FileMetaData, limits: ImportLimits): void {
  const perGroup = limits.maxRowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
  let total = 0;
  for (const group of metadata.row_groups) {
    const bytes = Number(group.total_byte_size);
    total += bytes;
    if (bytes > perGroup || total > limits.maxUncompressedBytes) {
      const limit = bytes > perGroup ? perGroup : limits.maxUncompressedBytes;
      throw new ImportFileError(
        "import.error.parquetTooLarge",
        { limit: Math.round(limit / (1024 * 1024)) },
        { status: 422, field: "file" },
      );
    }
  }
}

function topColumns(metadata: FileMetaData): string[] {
  return parquetSchema(metadata).children.map((child) => child.element.name);
}

/** The names of the file's top-level columns, in schema order. */
export async function parquetColumns(path: string): Promise<string[]> {
  const file = await open(path, "r");
  try {
    return topColumns(await metadataOf(await fileBuffer(file)));
  } finally {
    await file.close();
  }
}

function sourceValue(value: unknown): SourceValue {
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  return value as SourceValue;
}

export async function* parquetRecords(path: string, options: Options): AsyncGenerator<SourceRow[]> {
  const file = await open(path, "r");
  try {
    let furthest = 0;
    const buffer = await fileBuffer(file, (end) => {
      if (end > furthest) {
        furthest = end;
        options.onBytes?.(end);
      }
    });
    const metadata = await metadataOf(buffer);
    checkSizes(metadata, options.limits);
    const columns = topColumns(metadata);
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      options.signal?.throwIfAborted();
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      try {
        await parquetRead({
          file: buffer,
          metadata,
          columns,
          rowStart,
          rowEnd,
          onComplete: (read: unknown[][]) => {
            rows = read;
          },
        });
      } catch (error) {
        throw invalid(error);
      }
      const start = rowStart;
      yield rows.map((row, index) => {
        const values = new Array<SourceValue>(columns.length);
        let problem: string | undefined;
        for (let i = 0; i < columns.length; i++) {
          const value = sourceValue(row[i]);
          values[i] = value;
          if (typeof value === "string" && value.length > options.limits.maxCellChars)
            problem = `column ${i + 1} has ${value.length} characters, more than the limit of ${options.limits.maxCellChars}`;
        }
        return problem === undefined
          ? { line: start + index + 1, values }
          : { line: start + index + 1, values, problem };
      });
      rowStart = rowEnd;
    }
  } finally {
    await file.close();
  }
}
