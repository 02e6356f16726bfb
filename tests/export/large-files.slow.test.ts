// Writers on files of 100,000 rows and more, parsed back whole (slow round trips: the
// full suite runs them, test:fast does not).
import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { writeJson } from "@/lib/export/formats/json";
import { writeParquet } from "@/lib/export/formats/parquet";
import type { ExportColumn, ValueWarning } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";

describe("a 100,000-row JSON export", () => {
  it("is one valid JSON array of every row", async () => {
    const columns: ExportColumn[] = [
      { key: "id", header: "ID", type: "integer", jsonKey: "id" },
      { key: "name", header: "Name", type: "string", jsonKey: "full_name" },
    ];
    const rows = Array.from({ length: 100_000 }, (_, i) => [String(i), `=name ${i} "q"\n`]);
    const text = (await collect(writeJson(batchesOf(rows, 5000), context(columns)))).toString("utf8");
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(100_000);
    expect(parsed[0]).toEqual({ id: 0, full_name: '=name 0 "q"\n' });
    expect(parsed.at(-1)?.id).toBe(99_999);
  });
});

describe("a 120,001-row Parquet export", () => {
  it("uses 50,000-row groups by default", async () => {
    const rows = Array.from({ length: 120_001 }, (_, i): unknown[] => [i]);
    const cols: ExportColumn[] = [{ key: "n", header: "n", type: "integer" }];
    const warnings: ValueWarning[] = [];
    const chunks: Uint8Array[] = [];
    for await (const chunk of writeParquet(batchesOf(rows, 1000), {
      columns: cols,
      timezone: "UTC",
      onWarning: (w) => warnings.push(w),
    })) {
      chunks.push(chunk);
    }
    const file = Buffer.concat(chunks);
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
    expect(parquetMetadata(buffer).row_groups.map((group) => group.num_rows)).toEqual([50_000n, 50_000n, 20_001n]);
    expect(chunks).toHaveLength(3);
    expect(warnings).toEqual([]);
  });
});
