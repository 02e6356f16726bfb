import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { readFileRows } from "@/lib/imports";
import { LIMITS, allRows, fixtures, importError, inspect } from "./helpers";

const { file } = fixtures();

describe("CSV inspect", () => {
  it("detects comma, header and types, and numbers rows by physical line", async () => {
    const path = file(
      "people.csv",
      'id,name,joined,active\n1,"Kim, Minji",2024-01-05,yes\n2,"Line\nbreak",2024-02-06,no\n\n3,Lee,2024-03-07,true\n',
    );
    const result = await inspect(path, "people.csv");
    expect(result).toMatchObject({ format: "csv", encoding: "utf-8", delimiter: ",", header: true });
    expect(result.detected).toEqual({ format: "csv", encoding: "utf-8", delimiter: "," });
    expect(result.columns.map((c) => [c.key, c.label, c.type])).toEqual([
      ["id", "id", "integer"],
      ["name", "name", "string"],
      ["joined", "joined", "date"],
      ["active", "active", "boolean"],
    ]);
    expect(result.sampleRows).toEqual([
      ["1", "Kim, Minji", "2024-01-05", "yes"],
      ["2", "Line\nbreak", "2024-02-06", "no"],
      ["3", "Lee", "2024-03-07", "true"],
    ]);
    const rows = await allRows(path, result);
    // The quoted newline puts row 3 on line 5, and the blank line 5 pushes it to 6.
    expect(rows.map((r) => r.line)).toEqual([2, 3, 6]);
  });

  it.each([
    ["semicolon", ";", "a;b;c\n1;2;3\n4;5;6\n"],
    ["tab", "\t", "a\tb\tc\n1\t2\t3\n4\t5\t6\n"],
    ["pipe", "|", "a|b|c\n1|2,5|3\n4|5|6\n"],
  ])("sniffs the %s delimiter", async (_, delimiter, text) => {
    const result = await inspect(file("d.csv", text), "d.csv");
    expect(result.delimiter).toBe(delimiter);
    expect(result.columns.map((c) => c.name)).toEqual(["a", "b", "c"]);
  });

  it("reads CRLF files without a stray carriage return", async () => {
    const path = file("crlf.csv", 'a,b\r\n1,x\r\n2,"y\r\nz"\r\n3,w\r\n');
    const result = await inspect(path, "crlf.csv");
    const rows = await allRows(path, result);
    expect(rows).toEqual([
      { line: 2, values: ["1", "x"] },
      { line: 3, values: ["2", "y\r\nz"] },
      { line: 5, values: ["3", "w"] },
    ]);
  });

  it("lets overrides win and keeps what was detected", async () => {
    const path = file("o.csv", "a;b\n1;2\n");
    const result = await inspect(path, "o.csv", { overrides: { delimiter: ",", header: false } });
    expect(result.delimiter).toBe(",");
    expect(result.header).toBe(false);
    expect(result.detected.delimiter).toBe(";");
    expect(result.sampleRows).toEqual([["a;b"], ["1;2"]]);
    expect(result.columns[0]).toMatchObject({ key: "column_1", label: "Column 1" });
  });

  it("takes an all-number first row as data", async () => {
    const result = await inspect(file("n.csv", "1,2\n3,4\n"), "n.csv");
    expect(result.header).toBe(false);
    expect(result.columns.map((c) => c.type)).toEqual(["integer", "integer"]);
  });

  it("keeps leading zeros as text and says so", async () => {
    const result = await inspect(file("z.csv", "zip,n\n01234,1\n02345,2\n"), "z.csv");
    expect(result.columns[0]?.type).toBe("string");
    expect(result.warnings).toContainEqual({
      key: "import.warning.leadingZeros",
      params: { column: "zip", example: "01234" },
    });
  });

  it("proposes sensitive columns and unique keys", async () => {
    const result = await inspect(file("k.csv", "Password,API Key,이름,Name,name,2020 sales\nx,y,z,a,b,1\n"), "k.csv");
    expect(result.columns.map((c) => c.key)).toEqual([
      "password",
      "api_key",
      "column_3",
      "name",
      "name_2",
      "c_2020_sales",
    ]);
    expect(result.columns.map((c) => c.sensitive)).toEqual([true, true, false, false, false, false]);
  });

  it("does not count an empty last field as a missing one", async () => {
    const result = await inspect(file("e.csv", "a,b,c\n1,2,\n3,4,x\n5,,\n"), "e.csv");
    expect(result.warnings.filter((w) => typeof w !== "string" && w.key === "import.warning.fieldCount")).toEqual([]);
  });

  it("pads short rows and marks rows with extra fields", async () => {
    const path = file("w.csv", "a,b,c\n1,2\n1,2,3,4\n1,2,3,\n");
    const result = await inspect(path, "w.csv");
    expect(result.warnings).toContainEqual({ key: "import.warning.fieldCount", params: { count: 2, line: 2 } });
    const rows = await allRows(path, result);
    expect(rows).toEqual([
      { line: 2, values: ["1", "2", null] },
      { line: 3, values: ["1", "2", "3", "4"], problem: "4 fields, expected 3" },
      { line: 4, values: ["1", "2", "3"] },
    ]);
  });
});

describe("CSV encodings", () => {
  const korean = "이름,도시\n김민지,서울\n이서준,부산\n";
  it("detects CP949", async () => {
    const path = file("ko.csv", iconv.encode(korean, "cp949"));
    const result = await inspect(path, "ko.csv");
    expect(result.encoding).toBe("cp949");
    expect(result.sampleRows).toEqual([
      ["김민지", "서울"],
      ["이서준", "부산"],
    ]);
  });

  it("detects CP949 in a file too short for a statistical guess (two Korean words)", async () => {
    const path = file("short.csv", iconv.encode("region,amount\n서울,12.5\n부산,-3\n", "cp949"));
    const result = await inspect(path, "short.csv");
    expect(result.encoding).toBe("cp949");
    expect(result.sampleRows).toEqual([
      ["서울", "12.5"],
      ["부산", "-3"],
    ]);
  });

  it("keeps short Western text Western, accented letters beside each other included", async () => {
    const path = file("short-eu.csv", iconv.encode("name,price\nCafé,€5\nÀÉ,€1\n", "windows-1252"));
    expect((await inspect(path, "short-eu.csv")).encoding).toBe("windows-1252");
  });

  it("detects Windows-1252 with the euro sign", async () => {
    const path = file("eu.csv", iconv.encode("item,price\nCafé,€5\nCrème brûlée,€7\nNaïve,€3\n", "windows-1252"));
    const result = await inspect(path, "eu.csv");
    expect(result.encoding).toBe("windows-1252");
    expect(result.sampleRows[0]).toEqual(["Café", "€5"]);
  });

  it.each([
    ["utf-8", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(korean)])],
    ["utf-16le", Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(korean, "utf-16le")])],
    ["utf-16be", Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(korean, "utf-16be")])],
  ])("reads %s with a byte-order mark", async (encoding, bytes) => {
    const path = file("bom.csv", bytes);
    const result = await inspect(path, "bom.csv");
    expect(result.encoding).toBe(encoding);
    expect(result.columns.map((c) => c.name)).toEqual(["이름", "도시"]);
    expect((await allRows(path, result)).map((r) => r.values)).toEqual([
      ["김민지", "서울"],
      ["이서준", "부산"],
    ]);
  });

  it("refuses invalid UTF-8 declared as UTF-8, naming the line", async () => {
    const path = file(
      "bad.csv",
      Buffer.concat([Buffer.from("a,b\n1,2\n3,"), iconv.encode("김", "cp949"), Buffer.from("\n")]),
    );
    const error = await importError(inspect(path, "bad.csv", { overrides: { encoding: "utf-8" } }));
    expect(error.messageKey).toBe("import.error.invalidEncoding");
    expect(error.options).toMatchObject({ status: 422, field: "encoding", line: 3 });
  });

  it("refuses a binary file named .csv", async () => {
    const bytes = Buffer.alloc(2000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
    const error = await importError(inspect(file("bin.csv", bytes), "bin.csv"));
    expect(error.messageKey).toBe("import.error.notText");
    expect(error.options.field).toBe("file");
  });
});

describe("CSV refusals and limits", () => {
  it("refuses an empty file and a header-only file", async () => {
    expect((await importError(inspect(file("e.csv", ""), "e.csv"))).messageKey).toBe("import.error.empty");
    const error = await importError(inspect(file("h.csv", "a,b,c\n"), "h.csv", { overrides: { header: true } }));
    expect(error.messageKey).toBe("import.error.noRows");
    expect(error.options).toMatchObject({ status: 422, field: "file" });
  });

  it("refuses duplicate and empty header names with header on", async () => {
    const duplicate = await importError(
      inspect(file("dup.csv", "a,b,a\n1,2,3\n"), "dup.csv", { overrides: { header: true } }),
    );
    expect(duplicate.messageKey).toBe("import.error.headerDuplicate");
    expect(duplicate.params.columns).toBe("“a” (#1, #3)");
    expect(duplicate.options.field).toBe("header");
    const empty = await importError(
      inspect(file("emp.csv", "a,,c\n1,2,3\n"), "emp.csv", { overrides: { header: true } }),
    );
    expect(empty.messageKey).toBe("import.error.headerEmpty");
    expect(empty.params.columns).toBe("#2");
  });

  it("refuses 10,000 columns quickly", async () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(",");
    const line = Array.from({ length: 10_000 }, (_, i) => i).join(",");
    const path = file("wide.csv", `${header}\n${`${line}\n`.repeat(200)}`);
    const started = performance.now();
    const error = await importError(inspect(path, "wide.csv"));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.messageKey).toBe("import.error.tooManyColumns");
    expect(error.params).toEqual({ count: 10_000, limit: 1000 });
  });

  it("makes an over-long cell a row problem and refuses too many rows", async () => {
    const path = file("long.csv", `a,b\n1,${"x".repeat(50)}\n2,y\n3,z\n`);
    const limits = { ...LIMITS, maxCellChars: 10 };
    const rows = await allRows(
      path,
      { format: "csv", encoding: "utf-8", delimiter: ",", sheet: null, header: true },
      limits,
    );
    expect(rows[0]?.problem).toBe("field 2 has 50 characters, more than the limit of 10");
    expect(rows[1]?.problem).toBeUndefined();
    const error = await importError(
      allRows(
        path,
        { format: "csv", encoding: "utf-8", delimiter: ",", sheet: null, header: true },
        { ...LIMITS, maxRows: 2 },
      ),
    );
    expect(error.messageKey).toBe("import.error.tooManyRows");
    expect(error.params).toEqual({ limit: 2 });
  });

  it("makes an unclosed quote at the end a row problem", async () => {
    const rows = await allRows(file("q.csv", 'a,b\n1,"open\n2,3\n'), {
      format: "csv",
      encoding: "utf-8",
      delimiter: ",",
      sheet: null,
      header: true,
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.problem).toBe("a quoted field is not closed");
  });

  it("reads a quoted field that spans many chunks, and the rows after it, numbered right", async () => {
    const long = `${"x".repeat(99)}\n`.repeat(30_000); // 3 MB, about 46 chunks
    const path = file("long.csv", `a,b\n1,"${long}"\n2,after\n`);
    const rows = await allRows(
      path,
      { format: "csv", encoding: "utf-8", delimiter: ",", sheet: null, header: true },
      { ...LIMITS, maxCellChars: 4_000_000 },
    );
    expect(rows.map((row) => row.line)).toEqual([2, 30_003]);
    expect(rows[0]?.values[1]).toBe(long);
    expect(rows[0]?.problem).toBeUndefined();
    expect(rows[1]?.values).toEqual(["2", "after"]);
  });

  it("refuses a quote left open in a large file, past the longest record the limits allow", async () => {
    // 40 MB after an open quote: past the longest record the default limits allow.
    const path = file("open.csv", `a,b\n1,2\n3,"x${`${"y".repeat(99)}\n`.repeat(420_000)}`);
    const error = await importError(inspect(path, "open.csv"));
    expect(error.messageKey).toBe("import.error.recordTooLong");
    expect(error.params).toMatchObject({ line: 3 });
  });

  it("drops the cut last record of a partial file", async () => {
    const path = file("part.csv", 'a,b\n1,x\n2,y\n3,"cut in the mid');
    const result = await inspect(path, "part.csv", { partial: true });
    expect(result.sampleRows).toEqual([
      ["1", "x"],
      ["2", "y"],
    ]);
    expect(result.warnings).toContainEqual({ key: "import.warning.partial" });
  });
});

describe("CSV rows", () => {
  it("streams batches across chunks with the same numbering, and stops on abort", async () => {
    const lines = ["id,text"];
    for (let i = 1; i <= 30_000; i++)
      lines.push(i % 1000 === 0 ? `${i},"multi\nline ${"z".repeat(100)}"` : `${i},row ${i}`);
    const path = file("many.csv", `${lines.join("\n")}\n`);
    const choices = { format: "csv", encoding: "utf-8", delimiter: ",", sheet: null, header: true } as const;
    const rows = await allRows(path, choices, LIMITS, 500);
    expect(rows).toHaveLength(30_000);
    // Each multi-line record before row i adds one line.
    expect(rows[29_998]).toEqual({ line: 29_999 + 1 + 29, values: ["29999", "row 29999"] });
    expect(rows[999]?.values[1]).toBe(`multi\nline ${"z".repeat(100)}`);

    const controller = new AbortController();
    let batches = 0;
    await expect(async () => {
      for await (const batch of readFileRows(path, choices, {
        limits: LIMITS,
        signal: controller.signal,
        batchSize: 100,
      })) {
        void batch;
        if (++batches === 2) controller.abort();
      }
    }).rejects.toThrow();
    expect(batches).toBe(2);
  });
});
