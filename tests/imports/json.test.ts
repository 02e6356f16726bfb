import { describe, expect, it } from "vitest";
import { allRows, fixtures, importError, inspect, LIMITS } from "./helpers";

const { file } = fixtures();

describe("JSON array", () => {
  it("streams objects, keys in first-seen order, nested values as objects, non-objects as problems", async () => {
    const path = file(
      "a.json",
      JSON.stringify(
        [
          { id: 1, name: "a", tags: ["x"] },
          { id: 2, extra: { deep: true } },
          5,
          { id: 3, name: "c", when: "2024-01-02T03:04:05Z" },
        ],
        null,
        2,
      ),
    );
    const result = await inspect(path, "a.json");
    expect(result).toMatchObject({ format: "json", encoding: "utf-8", header: true, delimiter: null });
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ["id", "integer"],
      ["name", "string"],
      ["tags", "json"],
      ["extra", "json"],
      ["when", "datetime"],
    ]);
    const rows = await allRows(path, result);
    expect(rows).toEqual([
      { line: 1, values: [1, "a", ["x"], null, null] },
      { line: 2, values: [2, null, null, { deep: true }, null] },
      { line: 3, values: [], problem: "not an object but a number" },
      { line: 4, values: [3, "c", null, null, "2024-01-02T03:04:05Z"] },
    ]);
    expect(result.warnings).toContainEqual({ key: "import.warning.rowProblems", params: { count: 1, line: 3 } });
  });

  it("refuses JSON that is not valid", async () => {
    const error = await importError(
      allRows(file("bad.json", '[{"a": 1}, {"a": ]'), {
        format: "json",
        encoding: "utf-8",
        delimiter: null,
        sheet: null,
        header: true,
      }),
    );
    expect(error.messageKey).toBe("import.error.invalidJson");
    expect(error.options.field).toBe("file");
  });

  it("reads a partial array up to its last complete element", async () => {
    const result = await inspect(file("p.json", '[{"a": 1}, {"a": 2}, {"a": 3'), "p.json", { partial: true });
    expect(result.sampleRows).toEqual([[1], [2]]);
  });
});

describe("NDJSON", () => {
  it("numbers by physical line, skips blank lines, and makes a bad line a problem", async () => {
    const path = file("n.ndjson", '{"a": 1, "b": "x"}\n\n{"a": 2}\nnot json\n{"b": "y", "a": 3}');
    const result = await inspect(path, "n.ndjson");
    expect(result.format).toBe("ndjson");
    expect(result.columns.map((c) => c.name)).toEqual(["a", "b"]);
    const rows = await allRows(path, result);
    expect(rows.map((r) => r.line)).toEqual([1, 3, 4, 5]);
    expect(rows[2]?.problem).toMatch(/^not JSON/);
    expect(rows[3]?.values).toEqual([3, "y"]);
  });

  it("reads a line that spans many chunks, and the lines after it, numbered right", async () => {
    const long = "x".repeat(3_000_000); // about 46 chunks
    const path = file("long.ndjson", `{"id":1,"text":"${long}"}\n{"id":2,"text":"after"}\n\n{"id":3}`);
    const rows = await allRows(
      path,
      { format: "ndjson", encoding: "utf-8", delimiter: null, sheet: null, header: true },
      { ...LIMITS, maxCellChars: 4_000_000 },
    );
    expect(rows.map((row) => [row.line, row.values[0]])).toEqual([
      [1, 1],
      [2, 2],
      [4, 3],
    ]);
    expect(rows[0]?.values[1]).toBe(long);
    expect(rows[1]?.values[1]).toBe("after");
  });

  it("refuses a line past the longest record the limits allow", async () => {
    const path = file("endless.ndjson", `{"id":1}\n{"text":"${"y".repeat(40 * 1024 * 1024)}"}\n`);
    const error = await importError(inspect(path, "endless.ndjson"));
    expect(error.messageKey).toBe("import.error.recordTooLong");
    expect(error.params).toMatchObject({ line: 2 });
  });

  it("refuses a JSON array element past the longest record the limits allow, instead of holding it whole", async () => {
    const small = { ...LIMITS, maxColumns: 2, maxCellChars: 100 };
    const path = file("huge.json", `[{"id":1},{"text":"${"y".repeat(1024 * 1024)}"}]`);
    const error = await importError(inspect(path, "huge.json", { limits: small }));
    expect(error.messageKey).toBe("import.error.recordTooLong");
    expect(error.params).toMatchObject({ line: 2 });
    // Within the limits, the same file reads (the long value is a row problem, not a refusal).
    const rows = await inspect(path, "huge.json", { limits: { ...LIMITS, maxCellChars: 2 * 1024 * 1024 } });
    expect(rows.sampleRows).toHaveLength(2);
  });

  it("drops the cut last line of a partial file", async () => {
    const result = await inspect(file("p.ndjson", '{"a": 1}\n{"a": 2}\n{"a": '), "p.ndjson", { partial: true });
    expect(result.sampleRows).toEqual([[1], [2]]);
  });
});
