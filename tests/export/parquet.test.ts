import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData } from "hyparquet";
import { describe, expect, it } from "vitest";
import { writeParquet, type ParquetOptions } from "@/lib/export/formats/parquet";
import type { ExportColumn, ExportRow, RowBatch, ValueWarning } from "@/lib/export/types";

const columns: ExportColumn[] = [
  { key: "name", header: "Name", type: "string" },
  { key: "count", header: "Count", type: "integer" },
  { key: "score", header: "Score", type: "number" },
  { key: "active", header: "Active", type: "boolean" },
  { key: "day", header: "Day", type: "date" },
  { key: "at", header: "Created at", type: "datetime" },
  { key: "meta", header: "Meta", type: "json" },
];

async function* batchesOf(rows: readonly ExportRow[], batchSize = 2): AsyncGenerator<RowBatch> {
  for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
}

type Written = { chunks: Uint8Array[]; file: ArrayBuffer; warnings: ValueWarning[] };

async function write(
  rows: readonly ExportRow[],
  cols: readonly ExportColumn[] = columns,
  options: ParquetOptions & { timezone?: string } = {},
): Promise<Written> {
  const warnings: ValueWarning[] = [];
  const chunks: Uint8Array[] = [];
  const context = { columns: cols, timezone: "UTC", onWarning: (w: ValueWarning) => warnings.push(w), ...options };
  for await (const chunk of writeParquet(batchesOf(rows), context)) chunks.push(chunk);
  return { chunks, file: concat(chunks), warnings };
}

function concat(chunks: readonly Uint8Array[]): ArrayBuffer {
  const file = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    file.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return file.buffer;
}

function columnElements(metadata: FileMetaData) {
  return parquetSchema(metadata).children.map((child) => child.element);
}

const sampleRows: ExportRow[] = [
  ["한글 텍스트", 42, 3.5, true, "2024-02-29", new Date("2025-05-12T07:28:37.123Z"), { tags: ["a", "b"], n: 1 }],
  ["中文 café é", -7, -0.25, false, "1969-12-31", "2000-01-01T00:00:00+09:00", '{"raw": 12345678901234567890}'],
  [null, "9007199254740993", -1e300, "yes", new Date("2024-06-30T23:00:00Z"), 0, [1, 2]],
  [undefined, null, null, null, null, null, null],
];

describe("writeParquet", () => {
  it("declares every column with its Parquet type, nullable, named by its header", async () => {
    const { file } = await write(sampleRows);
    const elements = columnElements(parquetMetadata(file));

    expect(elements.map((e) => e.name)).toEqual(["Name", "Count", "Score", "Active", "Day", "Created at", "Meta"]);
    expect(elements.every((e) => e.repetition_type === "OPTIONAL")).toBe(true);
    const [name, count, score, active, day, at, meta] = elements;
    expect(name).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } });
    expect(count).toMatchObject({ type: "INT64" });
    expect(score).toMatchObject({ type: "DOUBLE" });
    expect(active).toMatchObject({ type: "BOOLEAN" });
    expect(day).toMatchObject({ type: "INT32", converted_type: "DATE", logical_type: { type: "DATE" } });
    expect(at).toMatchObject({
      type: "INT64",
      converted_type: "TIMESTAMP_MILLIS",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    });
    expect(meta).toMatchObject({ type: "BYTE_ARRAY", converted_type: "JSON", logical_type: { type: "JSON" } });
  });

  it("round-trips text, numbers, booleans, dates, instants, JSON and nulls", async () => {
    const { file, warnings } = await write(sampleRows, columns, { timezone: "Asia/Seoul" });
    const rows = await parquetReadObjects({ file });

    expect(warnings).toEqual([]);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      Name: "한글 텍스트",
      Count: 42n,
      Score: 3.5,
      Active: true,
      Day: new Date("2024-02-29T00:00:00Z"),
      "Created at": new Date("2025-05-12T07:28:37.123Z"),
      Meta: { tags: ["a", "b"], n: 1 },
    });
    expect(rows[1]).toMatchObject({
      Name: "中文 café é",
      Count: -7n,
      Score: -0.25,
      Active: false,
      Day: new Date("1969-12-31T00:00:00Z"),
      // Same instant, whatever zone the export is in.
      "Created at": new Date("1999-12-31T15:00:00Z"),
    });
    // 2024-06-30T23:00Z is already July 1st in Seoul: the date is the zone's calendar day.
    expect(rows[2]).toMatchObject({
      Name: null,
      Count: 9007199254740993n,
      Score: -1e300,
      Active: true,
      Day: new Date("2024-07-01T00:00:00Z"),
      "Created at": new Date(0),
      Meta: [1, 2],
    });
    expect(rows[3]).toEqual({
      Name: null,
      Count: null,
      Score: null,
      Active: null,
      Day: null,
      "Created at": null,
      Meta: null,
    });
  });

  it("keeps JSON text byte for byte, beyond what a double holds", async () => {
    const { file } = await write([['{"raw": 12345678901234567890}']], [{ key: "meta", header: "Meta", type: "json" }]);
    const rows = await parquetReadObjects({
      file,
      parsers: { jsonFromBytes: (bytes) => new TextDecoder().decode(bytes) },
    });
    expect(rows).toEqual([{ Meta: '{"raw": 12345678901234567890}' }]);
  });

  it("writes one row group per rowGroupSize rows", async () => {
    const rows = Array.from({ length: 10 }, (_, i): ExportRow => [`row ${i}`, i, i / 2, i % 2 === 0, null, null, null]);
    const { file } = await write(rows, columns, { rowGroupSize: 3 });
    const metadata = parquetMetadata(file);

    expect(metadata.row_groups.map((group) => group.num_rows)).toEqual([3n, 3n, 3n, 1n]);
    expect(metadata.num_rows).toBe(10n);
    const read = await parquetReadObjects({ file });
    expect(read.map((row) => row.Name)).toEqual(rows.map((row) => row[0]));
    expect(read.map((row) => row.Count)).toEqual(rows.map((_, i) => BigInt(i)));
  });

  it("streams: bytes leave after each row group, before the source is exhausted", async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<RowBatch> {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield [[`row ${i}`]];
      }
    }
    const output = writeParquet(source(), {
      columns: [{ key: "name", header: "Name", type: "string" }],
      timezone: "UTC",
      onWarning: () => {},
      rowGroupSize: 3,
    })[Symbol.asyncIterator]();

    const first = await output.next();
    expect(first.done).toBe(false);
    expect(pulled).toBe(3);
    // The first chunk opens the file: magic number, then the first row group.
    expect(new TextDecoder().decode(first.value?.subarray(0, 4))).toBe("PAR1");

    const rest: Uint8Array[] = [];
    for (let next = await output.next(); !next.done; next = await output.next()) rest.push(next.value);
    // Three full groups as they fill, then the last group together with the footer.
    expect(rest).toHaveLength(3);
  });

  it("yields several chunks for several row groups, one for a single group", async () => {
    const rows = Array.from({ length: 7 }, (_, i): ExportRow => [`r${i}`, i, i, true, null, null, null]);
    expect((await write(rows, columns, { rowGroupSize: 2 })).chunks.length).toBe(4);
    expect((await write(rows)).chunks.length).toBe(1);
  });

  it("releases the source when the consumer stops early", async () => {
    let closed = false;
    let pulled = 0;
    async function* source(): AsyncGenerator<RowBatch> {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield [[i]];
        }
      } finally {
        closed = true;
      }
    }
    const chunks = writeParquet(source(), {
      columns: [{ key: "n", header: "n", type: "integer" }],
      timezone: "UTC",
      onWarning: () => {},
      rowGroupSize: 5,
    });
    for await (const chunk of chunks) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    expect(closed).toBe(true);
    expect(pulled).toBe(5);
  });

  it("writes a valid file with the schema and no rows for an empty export", async () => {
    const { file, chunks, warnings } = await write([]);
    const metadata = parquetMetadata(file);

    expect(chunks).toHaveLength(1);
    expect(warnings).toEqual([]);
    expect(metadata.num_rows).toBe(0n);
    expect(metadata.row_groups).toEqual([]);
    expect(columnElements(metadata).map((e) => [e.name, e.type])).toEqual([
      ["Name", "BYTE_ARRAY"],
      ["Count", "INT64"],
      ["Score", "DOUBLE"],
      ["Active", "BOOLEAN"],
      ["Day", "INT32"],
      ["Created at", "INT64"],
      ["Meta", "BYTE_ARRAY"],
    ]);
    expect(await parquetReadObjects({ file })).toEqual([]);
  });

  it("writes null and warns, with the 1-based row, for values that do not fit their column", async () => {
    const rows: ExportRow[] = [
      ["ok", 1, 1, true, "2024-01-01", new Date(0), "{}"],
      ["bad", "abc", "n/a", "maybe", "2024-02-30", "not a time", "not json"],
      ["huge", 2n ** 70n, 1, true, "yesterday", null, null],
    ];
    const { file, warnings } = await write(rows, columns, { rowGroupSize: 2 });
    const read = await parquetReadObjects({ file });

    expect(read[1]).toEqual({
      Name: "bad",
      Count: null,
      Score: null,
      Active: null,
      Day: null,
      "Created at": null,
      // Kept, as a JSON string, so the column stays parseable.
      Meta: "not json",
    });
    expect(read[2]).toMatchObject({ Name: "huge", Count: null, Day: null });
    expect(warnings.map(({ row, column }) => [row, column])).toEqual([
      [2, "count"],
      [2, "score"],
      [2, "active"],
      [2, "day"],
      [2, "at"],
      [2, "meta"],
      [3, "count"],
      [3, "day"],
    ]);
    expect(warnings[0]?.message).toMatch(/abc/);
    expect(warnings.every((w) => w.message.length > 0)).toBe(true);
  });

  it("keeps columns apart when two headers are the same", async () => {
    const cols: ExportColumn[] = [
      { key: "a", header: "Name", type: "string" },
      { key: "b", header: "Name", type: "integer" },
    ];
    const { file } = await write([["x", 1]], cols);
    expect(await parquetReadObjects({ file })).toEqual([{ Name: "x", "Name (2)": 1n }]);
  });

  it("rejects a row group size that is not a positive integer", async () => {
    const run = async () => {
      for await (const _chunk of writeParquet(batchesOf([]), {
        columns,
        timezone: "UTC",
        onWarning: () => {},
        rowGroupSize: 0,
      })) {
        // unreachable
      }
    };
    await expect(run()).rejects.toThrow(RangeError);
  });
});
