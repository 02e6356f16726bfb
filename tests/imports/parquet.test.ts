import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { allRows, fixtures, importError, inspect, LIMITS } from "./helpers";

const { file } = fixtures();

describe("Parquet", () => {
  it("reads every row group with bigint, timestamps and text, numbered from 1", async () => {
    const count = 2500;
    const buffer = parquetWriteBuffer({
      columnData: [
        {
          name: "id",
          data: BigInt64Array.from({ length: count }, (_, i) => BigInt(i) * 10_000_000_000n),
          type: "INT64",
        },
        { name: "name", data: Array.from({ length: count }, (_, i) => `name ${i}`), type: "STRING" },
        {
          name: "at",
          data: Array.from({ length: count }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 1000)),
          type: "TIMESTAMP",
        },
        { name: "score", data: Float64Array.from({ length: count }, (_, i) => i / 4), type: "DOUBLE" },
      ],
      rowGroupSize: 1000,
    });
    const path = file("t.parquet", new Uint8Array(buffer));
    const result = await inspect(path, "t.parquet");
    expect(result).toMatchObject({ format: "parquet", encoding: null, header: true });
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "integer"],
      ["name", "string"],
      ["at", "datetime"],
      ["score", "number"],
    ]);
    expect(result.sampleRows[1]).toEqual([10_000_000_000n, "name 1", new Date(Date.UTC(2024, 0, 1, 0, 0, 1)), 0.25]);
    const seen: number[] = [];
    const rows = await allRows(path, result, undefined, 700);
    for (const row of rows) seen.push(row.line);
    expect(rows).toHaveLength(count);
    expect(seen[count - 1]).toBe(count);
    expect(rows[2499]?.values[1]).toBe("name 2499");
  });

  it("refuses a damaged file", async () => {
    const error = await importError(
      inspect(file("bad.parquet", "PAR1 this is not parquet at all PAR1"), "bad.parquet"),
    );
    expect(error.messageKey).toBe("import.error.invalidParquet");
    expect(error.options.field).toBe("file");
  });

  it("refuses row groups that would inflate past the limits before reading any (a Parquet bomb)", async () => {
    const count = 20_000;
    // Highly compressible: long texts that differ only at the end.
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: "pad", data: Array.from({ length: count }, (_, i) => `${"x".repeat(100)}${i}`), type: "STRING" },
      ],
      rowGroupSize: 10_000,
    });
    const path = file("bomb.parquet", new Uint8Array(buffer));
    const perGroup = await importError(
      inspect(path, "bomb.parquet", { limits: { ...LIMITS, maxRowGroupBytes: 500_000 } }),
    );
    expect(perGroup.messageKey).toBe("import.error.parquetTooLarge");
    expect(perGroup.options).toMatchObject({ status: 422, field: "file" });
    const total = await importError(
      inspect(path, "bomb.parquet", { limits: { ...LIMITS, maxUncompressedBytes: 1_500_000 } }),
    );
    expect(total.messageKey).toBe("import.error.parquetTooLarge");
    // Within the limits the same file reads.
    expect((await inspect(path, "bomb.parquet")).columns.map((c) => c.name)).toEqual(["pad"]);
  });
});
