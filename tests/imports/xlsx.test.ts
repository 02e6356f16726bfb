import ExcelJS from "exceljs";
import { readFileSync } from "node:fs";
import { strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { serialToDate } from "@/lib/imports/xlsx-reader";
import { LIMITS, allRows, fixtures, importError, inspect } from "./helpers";

const { file, dir } = fixtures();

async function workbookFile(build: (workbook: ExcelJS.Workbook) => void): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return file("book.xlsx", new Uint8Array(await workbook.xlsx.writeBuffer()));
}

describe("XLSX", () => {
  it("lists sheets in order, reads the chosen one with cached formula values, dates, rich text and hyperlinks", async () => {
    const path = await workbookFile((workbook) => {
      workbook.addWorksheet("Notes").addRows([
        ["just", "notes"],
        ["a", "b"],
      ]);
      const sheet = workbook.addWorksheet("Sales");
      sheet.addRow(["Item", "Price", "Total", "Sold on", "At", "Paid", "Note", "Link", "Bad"]);
      sheet.addRow([
        "Tea",
        2.5,
        { formula: "B2*2", result: 5 },
        new Date(Date.UTC(2024, 4, 6)),
        new Date(Date.UTC(2024, 4, 6, 13, 30)),
        true,
        { richText: [{ text: "bold", font: { bold: true } }, { text: " plain" }] },
        { text: "site", hyperlink: "http://example.test/" },
        { error: "#N/A" },
      ]);
      sheet.addRow([
        "Coffee",
        3,
        { formula: "B3*2", result: 6 },
        new Date(Date.UTC(2024, 4, 7)),
        new Date(Date.UTC(2024, 4, 7, 8, 0)),
        false,
        "x",
        "y",
        null,
      ]);
    });
    const first = await inspect(path, "book.xlsx");
    expect(first.format).toBe("xlsx");
    expect(first.sheets).toEqual(["Notes", "Sales"]);
    expect(first.sheet).toBe("Notes");

    const result = await inspect(path, "book.xlsx", { overrides: { sheet: "Sales" } });
    expect(result.header).toBe(true);
    expect(result.columns.map((c) => c.type)).toEqual([
      "string",
      "number",
      "integer",
      "date",
      "datetime",
      "boolean",
      "string",
      "string",
      "string",
    ]);
    expect(result.sampleRows[0]).toEqual([
      "Tea",
      2.5,
      5,
      new Date(Date.UTC(2024, 4, 6)),
      new Date(Date.UTC(2024, 4, 6, 13, 30)),
      true,
      "bold plain",
      "site",
      null,
    ]);
    const rows = await allRows(path, result);
    expect(rows.map((r) => r.line)).toEqual([2, 3]);
    expect(rows[1]?.values.slice(0, 3)).toEqual(["Coffee", 3, 6]);

    const missing = await importError(inspect(path, "book.xlsx", { overrides: { sheet: "Nope" } }));
    expect(missing.options.field).toBe("sheet");
  });

  it("converts serial numbers in both date systems", () => {
    expect(serialToDate(45418, false)).toEqual(new Date(Date.UTC(2024, 4, 6)));
    expect(serialToDate(45418.5, false)).toEqual(new Date(Date.UTC(2024, 4, 6, 12)));
    expect(serialToDate(1, false)).toEqual(new Date(Date.UTC(1900, 0, 1)));
    expect(serialToDate(0, true)).toEqual(new Date(Date.UTC(1904, 0, 1)));
    expect(serialToDate(43956, true)).toEqual(new Date(Date.UTC(2024, 4, 6)));
  });

  it("reads dates of a 1904 workbook", async () => {
    const path = await workbookFile((workbook) => {
      workbook.properties.date1904 = true;
      const sheet = workbook.addWorksheet("S");
      sheet.addRow(["When"]);
      sheet.addRow([new Date(Date.UTC(2024, 4, 6))]);
    });
    const parts = unzipSync(readFileSync(path));
    expect(new TextDecoder().decode(parts["xl/workbook.xml"])).toContain("date1904");
    const result = await inspect(path, "b.xlsx");
    expect(result.sampleRows).toEqual([[new Date(Date.UTC(2024, 4, 6))]]);
  });

  it("refuses a zip bomb by declared sizes, and by inflated bytes when sizes lie", async () => {
    const path = await workbookFile((workbook) => workbook.addWorksheet("S").addRow(["a"]));
    const parts = unzipSync(readFileSync(path));
    parts["xl/media/huge.bin"] = new Uint8Array(4 * 1024 * 1024);
    const bomb = file("bomb.xlsx", zipSync(parts, { level: 1 }));
    const small = { ...LIMITS, maxUncompressedBytes: 1024 * 1024 };
    const error = await importError(inspect(bomb, "bomb.xlsx", { limits: small }));
    expect(error.messageKey).toBe("import.error.workbookTooLarge");
    expect(error.options).toMatchObject({ status: 422, field: "file" });

    // A sheet of 2 MB that the central directory declares as 100 bytes.
    const rows = Array.from(
      { length: 40_000 },
      (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`,
    ).join("");
    const lying = unzipSync(readFileSync(path));
    lying["xl/worksheets/sheet1.xml"] = strToU8(
      `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`,
    );
    const bytes = zipSync(lying, { level: 1 });
    const view = Buffer.from(bytes);
    // Patch the uncompressed size of the sheet in the central directory and local header.
    const name = Buffer.from("xl/worksheets/sheet1.xml");
    for (let at = view.indexOf(name); at !== -1; at = view.indexOf(name, at + 1)) {
      if (view.readUInt32LE(at - 46) === 0x02014b50) view.writeUInt32LE(100, at - 46 + 24);
      if (view.readUInt32LE(at - 30) === 0x04034b50) view.writeUInt32LE(100, at - 30 + 22);
    }
    const liar = file("liar.xlsx", view);
    const lie = await importError(
      allRows(liar, { format: "xlsx", encoding: null, delimiter: null, sheet: "S", header: true }, small),
    );
    expect(["import.error.workbookTooLarge", "import.error.damagedWorkbook"]).toContain(lie.messageKey);
  });

  it("refuses entity declarations in the shared strings", async () => {
    const path = await workbookFile((workbook) => workbook.addWorksheet("S").addRows([["name"], ["x"]]));
    const parts = unzipSync(readFileSync(path));
    parts["xl/sharedStrings.xml"] = strToU8(
      '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>',
    );
    const error = await importError(inspect(file("ent.xlsx", zipSync(parts)), "ent.xlsx"));
    expect(error.messageKey).toBe("import.error.workbookEntities");
  });

  it("refuses a truncated workbook and a zip that is no workbook", async () => {
    const path = await workbookFile((workbook) => workbook.addWorksheet("S").addRows([["name"], ["x"]]));
    const bytes = readFileSync(path);
    const error = await importError(
      inspect(file("cut.xlsx", bytes.subarray(0, Math.floor(bytes.length / 2))), "cut.xlsx"),
    );
    expect(error.messageKey).toBe("import.error.damagedWorkbook");
    expect(error.options).toMatchObject({ status: 422, field: "file" });
    const other = await importError(inspect(file("other.zip", zipSync({ "a.txt": strToU8("hi") })), "other.xlsx"));
    expect(other.messageKey).toBe("import.error.notWorkbook");
    void dir;
  });

  it("refuses a sheet with more columns than the limit", async () => {
    const path = await workbookFile((workbook) => {
      const sheet = workbook.addWorksheet("S");
      sheet.addRow(Array.from({ length: 50 }, (_, i) => `c${i}`));
      sheet.addRow(Array.from({ length: 50 }, (_, i) => i));
    });
    const error = await importError(inspect(path, "w.xlsx", { limits: { ...LIMITS, maxColumns: 20 } }));
    expect(error.messageKey).toBe("import.error.tooManyColumns");
  });
});
