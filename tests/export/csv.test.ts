import { describe, expect, it } from "vitest";
import { writeCsv } from "@/lib/export/formats/csv";
import type { ExportColumn } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";

const columns: ExportColumn[] = [
  { key: "name", header: "Name", type: "string" },
  { key: "amount", header: "Amount", type: "number" },
  { key: "day", header: "Day", type: "date" },
];

async function csv(rows: unknown[][], options: { delimiter?: string; bom?: boolean } = {}, cols = columns) {
  const ctx = context(cols);
  const bytes = await collect(
    writeCsv(batchesOf(rows, 2), { ...ctx, delimiter: options.delimiter ?? ",", bom: options.bom ?? true }),
  );
  return { text: bytes.toString("utf8"), bytes, warnings: ctx.warnings };
}

describe("writeCsv (RFC 4180)", () => {
  it("starts with a BOM, ends lines with CRLF, and writes the header labels", async () => {
    const { text, bytes } = await csv([["Ada", 1.5, "2025-01-02"]]);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text).toBe("\uFEFFName,Amount,Day\r\nAda,1.5,2025-01-02\r\n");
  });

  it("drops the BOM on request", async () => {
    const { text } = await csv([], { bom: false });
    expect(text).toBe("Name,Amount,Day\r\n");
  });

  it("quotes fields with the delimiter, quotes, CR or LF and doubles quotes", async () => {
    const { text } = await csv([
      ["Smith, Jones & Co", -1229.28, null],
      ['say "hi"', 0, null],
      ["two\nlines", 1, null],
      ["cr\rhere", 2, null],
    ]);
    expect(text.split("\r\n").slice(1, 5)).toEqual([
      '"Smith, Jones & Co",-1229.28,',
      '"say ""hi""",0,',
      '"two\nlines",1,',
      '"cr\rhere",2,',
    ]);
  });

  it("uses semicolon and tab delimiters, quoting what contains them", async () => {
    expect((await csv([["a;b", 1, null]], { delimiter: ";", bom: false })).text).toBe(
      'Name;Amount;Day\r\n"a;b";1;\r\n',
    );
    expect((await csv([["a\tb", 1, null]], { delimiter: "\t", bom: false })).text).toBe(
      'Name\tAmount\tDay\r\n"a\tb"\t1\t\r\n',
    );
  });

  it("neutralises formulas in text but never in numbers; a tab payload is neutralised then quoted", async () => {
    const { text } = await csv(
      [
        ["=1+1", -5, null],
        ["\tx", -1.5, null],
        ["@SUM(A1)", 3, null],
      ],
      { bom: false },
    );
    expect(text).toBe("Name,Amount,Day\r\n'=1+1,-5,\r\n\"'\tx\",-1.5,\r\n'@SUM(A1),3,\r\n");
  });

  it("neutralises a header renamed to a formula", async () => {
    const { text } = await csv([], { bom: false }, [{ key: "a", header: "=cmd", type: "string" }]);
    expect(text).toBe("'=cmd\r\n");
  });

  it("keeps Unicode intact", async () => {
    const { text } = await csv([["김민준 王伟 Chloé €£", 1, null]], { bom: false });
    expect(text).toContain("김민준 王伟 Chloé €£,1,");
  });

  it("does not abort on values it cannot convert; it warns with row and column", async () => {
    const { text, warnings } = await csv([["ok", "abc", "not-a-date"]], { bom: false });
    expect(text).toBe("Name,Amount,Day\r\nok,abc,not-a-date\r\n");
    expect(warnings.map((w) => [w.row, w.column])).toEqual([
      [1, "amount"],
      [1, "day"],
    ]);
  });

  it("streams one chunk per batch", async () => {
    const ctx = context(columns);
    let chunks = 0;
    for await (const _chunk of writeCsv(
      batchesOf(
        Array.from({ length: 10 }, () => ["x", 1, null]),
        2,
      ),
      { ...ctx, delimiter: ",", bom: true },
    ))
      chunks++;
    expect(chunks).toBe(6); // header + 5 batches
  });
});
