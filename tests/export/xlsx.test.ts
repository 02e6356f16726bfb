// The XLSX writer: styles, types, sheets and the info sheet, read back with exceljs.
import ExcelJS from "exceljs";
import { describe, expect, it, vi } from "vitest";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn, RowBatch } from "@/lib/export/types";
import { INFO, COLUMNS, batchesOf, writeAndRead, sheet, fgColor, infoOf, SAMPLE } from "./xlsx-fixtures";

describe("writeXlsx", () => {
  it("styles the header: blue fill, bold white font, frozen, with an autofilter", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const ws = sheet(workbook, "Data");
    expect(ws.getRow(1).values).toEqual([undefined, "Name", "Amount", "Qty", "Day", "At", "OK"]);
    for (let c = 1; c <= COLUMNS.length; c++) {
      const cell = ws.getCell(1, c);
      expect(fgColor(cell)).toBe("FF4472C4");
      expect(cell.font?.bold).toBe(true);
      expect(cell.font?.color?.argb).toBe("FFFFFFFF");
    }
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    // Over the header and every row written.
    expect(ws.autoFilter).toBe("A1:F6");
  });

  it("stripes even rows and leaves odd rows unfilled", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const ws = sheet(workbook, "Data");
    for (let c = 1; c <= COLUMNS.length; c++) {
      expect(fgColor(ws.getCell(2, c))).toBe("FFF2F2F2");
      expect(fgColor(ws.getCell(3, c))).toBeUndefined();
      expect(fgColor(ws.getCell(4, c))).toBe("FFF2F2F2");
    }
  });

  it("writes numbers as numbers with their formats, negatives included", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const ws = sheet(workbook, "Data");
    expect(ws.getCell("B2").value).toBe(1234.5);
    expect(ws.getCell("B2").numFmt).toBe("#,##0.00");
    expect(ws.getCell("C2").value).toBe(42);
    expect(ws.getCell("C2").numFmt).toBe("#,##0");
    expect(ws.getCell("B3").value).toBe(-17.25);
    expect(ws.getCell("C3").value).toBe(-3);
    expect(ws.getCell("C6").value).toBe(1_000_000);
  });

  it("writes dates and date-times as real Excel dates", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const ws = sheet(workbook, "Data");
    const day = ws.getCell("D2");
    expect(day.value).toBeInstanceOf(Date);
    expect((day.value as Date).toISOString()).toBe("2025-01-31T00:00:00.000Z");
    expect(day.numFmt).toBe("yyyy-mm-dd");
    expect((ws.getCell("D3").value as Date).toISOString()).toBe("2024-02-29T00:00:00.000Z");
    const at = ws.getCell("E2");
    expect(at.value).toBeInstanceOf(Date);
    expect((at.value as Date).toISOString()).toBe("2025-01-31T13:45:10.000Z");
    expect(at.numFmt).toBe("yyyy-mm-dd hh:mm:ss");
  });

  it("shows date-times as wall-clock time in the export's time zone", async () => {
    const columns: ExportColumn[] = [{ key: "at", header: "At", type: "datetime" }];
    const { workbook } = await writeAndRead(columns, [[new Date(Date.UTC(2025, 4, 12, 7, 28, 37))]], {
      timezone: "Asia/Seoul",
    });
    expect((sheet(workbook, "Data").getCell("A2").value as Date).toISOString()).toBe("2025-05-12T16:28:37.000Z");
  });

  it("keeps formula-looking text as it is, in a Text-format cell that stays text when edited", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const ws = sheet(workbook, "Data");
    for (const [address, text] of [
      ["A4", "=1+1"],
      ["A5", "@SUM(A1:A2)"],
    ] as const) {
      const cell = ws.getCell(address);
      expect(cell.value).toBe(text);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      expect(cell.numFmt).toBe("@");
    }
    // Other text keeps the column's own style.
    expect(ws.getCell("A6").numFmt).not.toBe("@");
    const formulaCells: string[] = [];
    for (const w of workbook.worksheets) {
      w.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) formulaCells.push(`${w.name}!${cell.address}`);
        }),
      );
    }
    expect(formulaCells).toEqual([]);
  });

  it("round-trips Unicode, booleans and nulls", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const ws = sheet(workbook, "Data");
    expect(ws.getCell("A6").value).toBe("한글 中文 é €");
    expect(ws.getCell("F2").value).toBe(true);
    expect(ws.getCell("F3").value).toBe(false);
    expect(ws.getCell("F5").value).toBe(true);
    expect(ws.getCell("D4").value).toBeNull();
    expect(ws.getCell("B5").value).toBeNull();
    expect(ws.getCell("B5").type).toBe(ExcelJS.ValueType.Null);
  });

  it("wraps text of several lines, keeping its stripe and its Text format", async () => {
    const columns: ExportColumn[] = [{ key: "note", header: "Note", type: "string" }];
    const { workbook } = await writeAndRead(columns, [["one\ntwo"], ["=1+1\nthen"], ["one line"], ["a\r\nb"]]);
    const ws = sheet(workbook, "Data");
    expect(ws.getCell("A2").value).toBe("one\ntwo");
    expect(ws.getCell("A2").alignment?.wrapText).toBe(true);
    expect(fgColor(ws.getCell("A2"))).toBe("FFF2F2F2");
    expect(ws.getCell("A3").alignment?.wrapText).toBe(true);
    expect(ws.getCell("A3").numFmt).toBe("@");
    expect(fgColor(ws.getCell("A3"))).toBeUndefined();
    expect(ws.getCell("A4").alignment?.wrapText).toBeFalsy();
    expect(ws.getCell("A5").value).toBe("a\r\nb");
    expect(ws.getCell("A5").alignment?.wrapText).toBe(true);
    // Rows tall enough for their lines (Excel and LibreOffice do not fit them on opening).
    expect(ws.getRow(2).height).toBe(30);
    expect(ws.getRow(4).height).toBeUndefined();
    expect(ws.getRow(5).height).toBe(30);
  });

  it("writes dates before 1 March 1900, years 1–99 among them, as their text with a warning", async () => {
    const columns: ExportColumn[] = [
      { key: "d", header: "D", type: "date" },
      { key: "t", header: "T", type: "datetime" },
    ];
    const rows = [
      ["0050-06-15", "0050-06-15T12:00:00Z"],
      ["1900-02-28", "1900-02-28T23:59:59Z"],
      ["1900-03-01", "1900-03-01T00:00:00Z"],
    ];
    const { workbook, warnings } = await writeAndRead(columns, rows);
    const ws = sheet(workbook, "Data");
    expect(ws.getCell("A2").value).toBe("0050-06-15");
    expect(ws.getCell("B2").value).toBe("0050-06-15 12:00:00");
    expect(ws.getCell("A3").value).toBe("1900-02-28");
    expect((ws.getCell("A4").value as Date).toISOString()).toBe("1900-03-01T00:00:00.000Z");
    expect((ws.getCell("B4").value as Date).toISOString()).toBe("1900-03-01T00:00:00.000Z");
    expect(warnings.map((w) => [w.row, w.column])).toEqual([
      [1, "d"],
      [1, "t"],
      [2, "d"],
      [2, "t"],
    ]);
  });

  it("continues on a new sheet before a sheet's XML grows past its limit", async () => {
    const columns: ExportColumn[] = [{ key: "s", header: "S", type: "string" }];
    const rows = Array.from({ length: 40 }, (_, i) => [`row ${i + 1} ${"x".repeat(80)}`]);
    const chunks: Uint8Array[] = [];
    for await (const chunk of writeXlsx(batchesOf(rows, 5), {
      columns,
      timezone: "UTC",
      onWarning: () => {},
      info: INFO,
      maxSheetBytes: 1_000,
    }))
      chunks.push(chunk);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(Buffer.concat(chunks)).buffer);
    const data = workbook.worksheets.filter((w) => w.name !== "Export info");
    expect(data.length).toBeGreaterThan(2);
    expect(data.map((w) => w.name).slice(0, 3)).toEqual(["Data", "Data (2)", "Data (3)"]);
    const values = data.flatMap((w) => {
      expect(w.getCell("A1").value).toBe("S");
      return w
        .getSheetValues()
        .slice(2)
        .map((row) => (row as unknown[])[1]);
    });
    expect(values).toEqual(rows.map((r) => r[0]));
  });

  it("does not wait for a measure that never comes once the reader stops", async () => {
    let inputClosed = false;
    async function* rows(): AsyncGenerator<RowBatch> {
      try {
        for (let i = 0; ; i++) yield [[`row ${i}`]];
      } finally {
        inputClosed = true;
      }
    }
    const output = writeXlsx(rows(), {
      columns: [{ key: "s", header: "S", type: "string" }],
      timezone: "UTC",
      onWarning: () => {},
      info: INFO,
      extents: () => new Promise(() => {}),
    })[Symbol.asyncIterator]();
    expect((await output.next()).done).toBe(false);
    // Rows are held while the widths are unknown: let some be taken, then walk away.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await output.return?.();
    // The writer's reading loop notices the stop at its next step, which a busy machine
    // may run after return() has settled: the input must be closed, soon, not at once.
    await vi.waitFor(() => expect(inputClosed).toBe(true), { timeout: 10_000 });
  }, 20_000); // longer than the wait above: the test's own 5 s ran out first on a loaded machine

  it("keeps sheet names Excel accepts: cut to 31 characters, never the info sheet's, no apostrophe at an end", async () => {
    const names = async (sheetName: string) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of writeXlsx(batchesOf([["a"]], 1), {
        columns: [{ key: "s", header: "S", type: "string" }],
        timezone: "UTC",
        onWarning: () => {},
        info: INFO,
        sheetName,
      }))
        chunks.push(chunk);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(new Uint8Array(Buffer.concat(chunks)).buffer);
      return workbook.worksheets.map((w) => w.name);
    };
    expect(await names(`Export info${" ".repeat(20)}x`)).toEqual(["Data", "Export info"]);
    expect(await names(`${"a".repeat(30)}'b`)).toEqual(["a".repeat(30), "Export info"]);
    expect(await names("History")).toEqual(["Data", "Export info"]);
    expect(await names("Q1: North/South")).toEqual(["Q1  North South", "Export info"]);
  });

  it("sizes columns from the header and first batch, between 8 and 50", async () => {
    const columns: ExportColumn[] = [
      { key: "a", header: "A", type: "string" },
      { key: "long", header: "Long", type: "string" },
      { key: "mid", header: "A header of 20 chars", type: "string" },
      { key: "n", header: "N", type: "number" },
    ];
    const { workbook } = await writeAndRead(columns, [["x", "y".repeat(300), "short", 1234567.891]]);
    const ws = sheet(workbook, "Data");
    expect(ws.getColumn(1).width).toBe(8);
    expect(ws.getColumn(2).width).toBe(50);
    expect(ws.getColumn(3).width).toBe(22);
    expect(ws.getColumn(4).width).toBe("1,234,567.89".length + 2);
  });

  it("continues on new sheets past maxRowsPerSheet, each with the header and its styling", async () => {
    const columns: ExportColumn[] = [
      { key: "i", header: "I", type: "integer" },
      { key: "s", header: "S", type: "string" },
    ];
    const rows = Array.from({ length: 7 }, (_, i) => [i + 1, `row ${i + 1}`]);
    const { workbook } = await writeAndRead(columns, rows, { maxRowsPerSheet: 3, batchSize: 2 });
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["Data", "Data (2)", "Data (3)", "Export info"]);
    const counts = ["Data", "Data (2)", "Data (3)"].map((name) => {
      const ws = sheet(workbook, name);
      expect(ws.getRow(1).values).toEqual([undefined, "I", "S"]);
      expect(fgColor(ws.getCell("A1"))).toBe("FF4472C4");
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(ws.autoFilter).toBe(`A1:B${ws.actualRowCount}`);
      expect(fgColor(ws.getCell("A2"))).toBe("FFF2F2F2");
      return ws.actualRowCount - 1;
    });
    expect(counts).toEqual([3, 3, 1]);
    expect(sheet(workbook, "Data (2)").getCell("A2").value).toBe(4);
    expect(sheet(workbook, "Data (3)").getCell("B2").value).toBe("row 7");
    expect(infoOf(workbook).get("Rows")).toBe(7);
  });

  it("adds an Export info sheet with bold keys", async () => {
    const { workbook } = await writeAndRead(COLUMNS, SAMPLE);
    const info = infoOf(workbook);
    expect([...info.keys()]).toEqual(["Dataset", "Filters", "Columns", "Rows", "Exported by", "Exported at"]);
    expect(info.get("Dataset")).toBe("Q1 Sales");
    expect(info.get("Filters")).toBe("region = North");
    expect(info.get("Columns")).toBe("Name, Amount, Qty, Day, At, OK");
    expect(info.get("Rows")).toBe(SAMPLE.length);
    expect(info.get("Exported by")).toBe("manager@outport.local");
    expect(info.get("Exported at")).toBe("2025-05-12 07:28:37 UTC");
    expect(sheet(workbook, "Export info").getCell("A1").font?.bold).toBe(true);
  });

  it("writes a valid workbook with just the header for 0 rows", async () => {
    const { workbook } = await writeAndRead(COLUMNS, []);
    const ws = sheet(workbook, "Data");
    expect(ws.getRow(1).values).toEqual([undefined, "Name", "Amount", "Qty", "Day", "At", "OK"]);
    expect(ws.actualRowCount).toBe(1);
    expect(ws.getColumn(1).width).toBe(8);
    expect(infoOf(workbook).get("Rows")).toBe(0);
  });

  it("reports unconvertible values through onWarning and carries on", async () => {
    const columns: ExportColumn[] = [
      { key: "name", header: "Name", type: "string" },
      { key: "qty", header: "Qty", type: "integer" },
    ];
    const rows = [
      ["a", 1],
      ["b", "abc"],
      ["c", 3],
    ];
    const { workbook, warnings } = await writeAndRead(columns, rows, { batchSize: 1 });
    expect(warnings).toEqual([{ row: 2, column: "qty", message: expect.stringContaining("not a number") }]);
    const ws = sheet(workbook, "Data");
    expect(ws.getCell("B3").value).toBe("abc");
    expect(ws.getCell("B4").value).toBe(3);
  });

  it("closes the input and leaves nothing dangling when the reader stops early", async () => {
    let inputClosed = false;
    let batchesTaken = 0;
    async function* endless(): AsyncGenerator<RowBatch> {
      try {
        for (let i = 0; ; i++) {
          batchesTaken++;
          yield Array.from({ length: 1_000 }, (_, j) => [i * 1_000 + j, `row ${j}`]);
        }
      } finally {
        inputClosed = true;
      }
    }
    const columns: ExportColumn[] = [
      { key: "id", header: "ID", type: "integer" },
      { key: "name", header: "Name", type: "string" },
    ];
    const output = writeXlsx(endless(), { columns, timezone: "UTC", onWarning: () => {}, info: INFO })[
      Symbol.asyncIterator
    ]();
    // Read until rows are flowing, then walk away.
    while (batchesTaken < 3) expect((await output.next()).done).toBe(false);
    await output.return?.();
    expect(inputClosed).toBe(true);
    expect((await output.next()).done).toBe(true);
    // Give the abandoned workbook time to wind down; vitest fails the run on any
    // unhandled rejection or error event raised meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it("rethrows an input error after cleaning up", async () => {
    async function* failing(): AsyncGenerator<RowBatch> {
      yield [["a"]];
      throw new Error("database went away");
    }
    const columns: ExportColumn[] = [{ key: "name", header: "Name", type: "string" }];
    const drain = async () => {
      for await (const _chunk of writeXlsx(failing(), { columns, timezone: "UTC", onWarning: () => {}, info: INFO }));
    };
    await expect(drain()).rejects.toThrow("database went away");
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});
