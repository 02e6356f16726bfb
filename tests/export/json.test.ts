import { describe, expect, it } from "vitest";
import { writeJson, writeNdjson } from "@/lib/export/formats/json";
import { gzip } from "@/lib/export/compress";
import type { ExportColumn } from "@/lib/export/types";
import { gunzipSync } from "node:zlib";
import { batchesOf, collect, context } from "./helpers";

const columns: ExportColumn[] = [
  { key: "id", header: "ID", type: "integer", jsonKey: "id" },
  { key: "name", header: "Name", type: "string", jsonKey: "full_name" },
  { key: "meta", header: "Meta", type: "json", jsonKey: "meta" },
];

const row = (i: number) => [String(i), `=name ${i} "q"\n`, i % 2 ? '{"a":1}' : null];

describe("writeJson", () => {
  it.each([0, 1, 5_001])("is valid JSON for %i rows", async (count) => {
    const rows = Array.from({ length: count }, (_, i) => row(i));
    const text = (await collect(writeJson(batchesOf(rows, 5000), context(columns)))).toString("utf8");
    const parsed = JSON.parse(text) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(count);
    if (count > 0) {
      expect(parsed[0]).toEqual({ id: 0, full_name: '=name 0 "q"\n', meta: null });
      expect(parsed.at(-1)?.id).toBe(count - 1);
    }
  });

  it("keeps objects as objects and text untouched (no spreadsheet here)", async () => {
    const text = (await collect(writeJson(batchesOf([row(1)]), context(columns)))).toString("utf8");
    expect(JSON.parse(text)).toEqual([{ id: 1, full_name: '=name 1 "q"\n', meta: { a: 1 } }]);
  });
});

describe("writeNdjson", () => {
  it("writes one JSON object per line", async () => {
    const text = (await collect(writeNdjson(batchesOf([row(1), row(2)]), context(columns)))).toString("utf8");
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 1, full_name: '=name 1 "q"\n', meta: { a: 1 } },
      { id: 2, full_name: '=name 2 "q"\n', meta: null },
    ]);
  });
});

describe("gzip", () => {
  it("compresses a stream that decompresses to the same bytes", async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => row(i));
    const plain = await collect(writeNdjson(batchesOf(rows), context(columns)));
    const zipped = await collect(gzip(writeNdjson(batchesOf(rows), context(columns))));
    expect(zipped.length).toBeLessThan(plain.length);
    expect(gunzipSync(zipped).equals(plain)).toBe(true);
  });

  it("passes a source failure on instead of hanging", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("abc");
      throw new Error("disk on fire");
    }
    await expect(collect(gzip(failing()))).rejects.toThrow("disk on fire");
  });
});
