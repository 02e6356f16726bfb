// The workbook as a package, checked without a spreadsheet library: a sound zip (every
// entry's CRC-32 and size against its bytes), every part well-formed XML 1.0 (saxes,
// strict), the content types and relationships naming exactly the parts there are, and no
// character XML forbids anywhere — for values chosen to break a careless writer.
import { crc32 } from "node:zlib";
import path from "node:path/posix";
import { SaxesParser, type SaxesTagNS } from "saxes";
import { beforeAll, describe, expect, it } from "vitest";
import { writeXlsx } from "@/lib/export/formats/xlsx";
import type { ExportColumn } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";
import { entryBytes, zipEntries } from "./zip-entries";

const COLUMNS: ExportColumn[] = [
  { key: "text", header: 'Text <&> "quoted" \u0001', type: "string" },
  { key: "n", header: "=Amount", type: "number" },
  { key: "day", header: "Day", type: "date" },
  { key: "at", header: "At", type: "datetime" },
  { key: "ok", header: "OK", type: "boolean" },
  { key: "meta", header: "Meta", type: "json" },
];

const NASTY_TEXT = [
  "\rstarts with CR",
  "line 1\r\nline 2",
  "a\u0000b\u0001c\u0008d\u000Be\u000Cf\u001Fg",
  "\uFFFE\uFFFF",
  "_x0041_ stays literal",
  "_x005F_ and _xZZZZ_",
  "]]> & < > \" '",
  "lone \uD800 surrogate",
  "lone \uDC00 low",
  "한글 😀 中文",
  "=1+1",
  "  padded  ",
  "\t",
  "",
  "x".repeat(40_000),
];

const ROWS: unknown[][] = NASTY_TEXT.map((text, i) => [
  text,
  i % 2 ? -1234.5 : 1e15,
  i % 3 ? "1900-03-01" : "1899-12-31",
  i % 2 ? "9999-12-31T23:59:59Z" : new Date(Date.UTC(1850, 0, 1)),
  i % 2 === 0,
  { text, n: i },
]);

/** Characters XML 1.0 allows: tab, LF, CR, and from U+0020 on, but no surrogate, U+FFFE or U+FFFF. */
const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

type Part = {
  name: string;
  bytes: Buffer;
  crc32: number;
  size: number;
  root: SaxesTagNS;
  texts: string[];
  tags: SaxesTagNS[];
};

function parseXml(name: string, xml: string): Omit<Part, "bytes" | "crc32" | "size"> {
  const errors: string[] = [];
  const texts: string[] = [];
  const tags: SaxesTagNS[] = [];
  let root: SaxesTagNS | undefined;
  const parser = new SaxesParser({ xmlns: true, position: true });
  parser.on("error", (error) => errors.push(error.message));
  parser.on("opentag", (tag) => {
    root ??= tag;
    tags.push(tag);
  });
  parser.on("text", (text) => texts.push(text));
  parser.on("cdata", (text) => texts.push(text));
  parser.write(xml).close();
  expect(errors, name).toEqual([]);
  expect(root, name).toBeDefined();
  return { name, root: root!, texts, tags };
}

const attr = (tag: SaxesTagNS, name: string) => tag.attributes[name]?.value;

let parts: Map<string, Part>;
let warnings: string[];

beforeAll(async () => {
  const ctx = context(COLUMNS);
  const buffer = await collect(
    writeXlsx(batchesOf(ROWS, 4), {
      ...ctx,
      // Three data sheets, so that the parts naming the sheets are put to work.
      maxRowsPerSheet: 6,
      info: {
        datasetTitle: "Title <&> \u0002 \uD83D",
        filters: "name = \u0007\r\n]]>",
        user: "u <u@example.com>",
        generatedAt: new Date(Date.UTC(2025, 4, 12, 7, 28, 37)),
      },
    }),
  );
  warnings = ctx.warnings.map((w) => w.message);
  const { entries, close } = await zipEntries(buffer);
  parts = new Map();
  try {
    for (const entry of entries) {
      expect(entry.name, "no directory entries").not.toMatch(/\/$/);
      expect(parts.has(entry.name), `${entry.name} only once`).toBe(false);
      const bytes = await entryBytes(entry);
      parts.set(entry.name, {
        ...parseXml(entry.name, bytes.toString("utf8")),
        bytes,
        crc32: entry.crc32,
        size: entry.uncompressedSize,
      });
    }
  } finally {
    close();
  }
});

describe("the written workbook as a package", () => {
  it("holds the parts of a workbook with three data sheets and the info sheet", () => {
    expect([...parts.keys()].sort()).toEqual(
      [
        "[Content_Types].xml",
        "_rels/.rels",
        "docProps/app.xml",
        "docProps/core.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet3.xml",
        "xl/worksheets/sheet4.xml",
      ].sort(),
    );
    // The lone surrogates were told about.
    expect(warnings.filter((w) => /surrogate/.test(w)).length).toBeGreaterThanOrEqual(2);
  });

  it("has every entry's size and CRC-32 right, and every part is UTF-8 XML (well-formed: parsed strictly on reading)", () => {
    expect(parts.size).toBe(11);
    for (const part of parts.values()) {
      expect(part.bytes.length, part.name).toBeGreaterThan(0);
      expect(part.bytes.length, `${part.name} size`).toBe(part.size);
      expect(crc32(part.bytes) >>> 0, `${part.name} CRC-32`).toBe(part.crc32 >>> 0);
      const xml = part.bytes.toString("utf8");
      // Valid UTF-8: decoding and encoding again changes nothing.
      expect(Buffer.from(xml, "utf8").equals(part.bytes), `${part.name} is UTF-8`).toBe(true);
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"'), part.name).toBe(true);
    }
  });

  it("has no character XML 1.0 forbids in any text or attribute, nor as a character reference", () => {
    let checked = 0;
    for (const part of parts.values()) {
      for (const text of part.texts) {
        expect(XML_CHAR.test(text), `${part.name}: ${JSON.stringify(text.slice(0, 80))}`).toBe(true);
        checked++;
      }
      for (const tag of part.tags) {
        for (const attribute of Object.values(tag.attributes)) {
          expect(XML_CHAR.test(attribute.value), `${part.name} ${tag.name}@${attribute.name}`).toBe(true);
        }
      }
      // saxes decodes references, but a raw look costs nothing: no &#0; … &#31; other than tab, LF, CR.
      const raw = part.bytes.toString("utf8");
      const refs = [...raw.matchAll(/&#(x[0-9a-fA-F]+|\d+);/g)].map((m) =>
        m[1]!.startsWith("x") ? parseInt(m[1]!.slice(1), 16) : Number(m[1]),
      );
      for (const code of refs)
        expect([0x9, 0xa, 0xd].includes(code) || code >= 0x20, `${part.name} &#${code};`).toBe(true);
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("names in [Content_Types].xml every part there is, and only parts there are", () => {
    const types = parts.get("[Content_Types].xml")!;
    expect(types.root.local).toBe("Types");
    const defaults = new Map(
      types.tags
        .filter((t) => t.local === "Default")
        .map((t) => [attr(t, "Extension")!.toLowerCase(), attr(t, "ContentType")]),
    );
    const overrides = new Map(
      types.tags.filter((t) => t.local === "Override").map((t) => [attr(t, "PartName")!, attr(t, "ContentType")]),
    );
    for (const name of overrides.keys()) expect(parts.has(name.replace(/^\//, "")), `${name} exists`).toBe(true);
    for (const name of parts.keys()) {
      if (name === "[Content_Types].xml") continue;
      const extension = (name.split("/").pop()!.split(".").pop() ?? "").toLowerCase();
      const type = overrides.get(`/${name}`) ?? defaults.get(extension);
      expect(type, `${name} has a content type`).toBeDefined();
      // An XML part of the workbook needs its own type: application/xml would not do.
      if (extension === "xml") expect(overrides.has(`/${name}`), `${name} has an Override`).toBe(true);
    }
    expect(defaults.get("rels")).toBe("application/vnd.openxmlformats-package.relationships+xml");
    const main = "application/vnd.openxmlformats-officedocument.spreadsheetml";
    expect(overrides.get("/xl/workbook.xml")).toBe(`${main}.sheet.main+xml`);
    expect(overrides.get("/xl/styles.xml")).toBe(`${main}.styles+xml`);
    for (let i = 1; i <= 4; i++) expect(overrides.get(`/xl/worksheets/sheet${i}.xml`)).toBe(`${main}.worksheet+xml`);
  });

  it("has every relationship's target there, and the workbook's sheets each on its relationship", () => {
    const targets = (relsName: string, base: string) => {
      const rels = parts.get(relsName)!;
      expect(rels.root.local).toBe("Relationships");
      const found = rels.tags
        .filter((t) => t.local === "Relationship")
        .map((t) => ({
          id: attr(t, "Id")!,
          type: attr(t, "Type")!,
          target: path.normalize(path.join(base, attr(t, "Target")!)),
        }));
      expect(new Set(found.map((r) => r.id)).size, `${relsName}: ids unique`).toBe(found.length);
      for (const { target } of found) expect(parts.has(target), `${relsName} → ${target}`).toBe(true);
      return found;
    };
    const root = targets("_rels/.rels", "");
    expect(root.find((r) => r.type.endsWith("/officeDocument"))?.target).toBe("xl/workbook.xml");
    const rels = targets("xl/_rels/workbook.xml.rels", "xl");
    expect(rels.filter((r) => r.type.endsWith("/styles")).map((r) => r.target)).toEqual(["xl/styles.xml"]);

    const workbook = parts.get("xl/workbook.xml")!;
    const sheets = workbook.tags.filter((t) => t.local === "sheet");
    expect(sheets.map((s) => attr(s, "name"))).toEqual(["Data", "Data (2)", "Data (3)", "Export info"]);
    const byId = new Map(rels.map((r) => [r.id, r]));
    const sheetTargets = sheets.map((s) => {
      const rel = byId.get(attr(s, "r:id")!);
      expect(rel?.type, attr(s, "name")).toMatch(/\/worksheet$/);
      return rel!.target;
    });
    expect(new Set(sheetTargets).size).toBe(4);
    expect(sheetTargets.every((t) => parts.get(t)?.root.local === "worksheet")).toBe(true);
    // Every worksheet part is some sheet's.
    const worksheetParts = [...parts.keys()].filter((name) => name.startsWith("xl/worksheets/"));
    expect(worksheetParts.sort()).toEqual([...sheetTargets].sort());
  });

  it("keeps the nasty text, read back as a SpreadsheetML reader reads it", () => {
    // Text of each data sheet's column A, in order, `_xHHHH_` decoded as Excel does.
    const decode = (text: string) =>
      text.replace(/_x([0-9A-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    const read: string[] = [];
    for (const name of ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"]) {
      const xml = parts.get(name)!.bytes.toString("utf8");
      const cells = [...xml.matchAll(/<row r="(\d+)"[^>]*>(.*?)<\/row>/gs)].filter((m) => m[1] !== "1");
      for (const [, r, cells_] of cells) {
        const a = new RegExp(`<c r="A${r}"[^>]*?(?:/>|>(.*?)</c>)`, "s").exec(cells_!);
        const t = a?.[1] ? /<t(?: [^>]*)?>(.*?)<\/t>/s.exec(a[1])?.[1] : undefined;
        read.push(t === undefined ? "" : decode(parseXml(name, `<t>${t}</t>`).texts.join("")));
      }
    }
    const expected = NASTY_TEXT.map((text) => text.toWellFormed().slice(0, 32_767));
    expect(read).toEqual(expected);
  });
});
