// XLSX workbooks, read from the zip's central directory (yauzl) with a SAX parser (saxes):
// only the parts needed are inflated — the workbook, its relationships, the styles (which
// say which numbers are dates), the shared strings (held: a sheet refers to them by index)
// and the chosen sheet, which is streamed and never held. Before anything is inflated the
// declared sizes are added up, and while reading the inflated bytes are counted too (a
// zip can lie about its sizes): past the limit the workbook is refused, like any part
// that declares XML entities (the "billion laughs" kind). A cell gives its cached value,
// never its formula; dates come from numbers in a date format (1900 or 1904 system).
import { SaxesParser, type SaxesTagPlain } from "saxes";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { ImportFileError, type ImportLimits, type SourceRow, type SourceValue } from "./types";

export type WorkbookInfo = { sheets: { name: string; part: string }[] };

type Options = { limits: ImportLimits; signal?: AbortSignal; onBytes?: (bytes: number) => void };

function damaged(): ImportFileError {
  return new ImportFileError("import.error.damagedWorkbook", {}, { status: 422, field: "file" });
}

function tooLarge(limits: ImportLimits): ImportFileError {
  return new ImportFileError(
    "import.error.workbookTooLarge",
    { limit: limits.maxUncompressedBytes },
    { status: 422, field: "file" },
  );
}

/** An open workbook zip: its entries by name, and a count of the bytes inflated so far. */
class WorkbookZip {
  private inflated = 0;

  private constructor(
    private readonly zip: ZipFile,
    readonly entries: Map<string, Entry>,
    private readonly limits: ImportLimits,
  ) {}

  static async open(path: string, limits: ImportLimits): Promise<WorkbookZip> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, opened) =>
        error || !opened ? reject(damaged()) : resolve(opened),
      ),
    );
    const entries = new Map<string, Entry>();
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on("entry", (entry: Entry) => {
          entries.set(entry.fileName, entry);
          zip.readEntry();
        });
        zip.on("end", () => resolve());
        zip.on("error", () => reject(damaged()));
        zip.readEntry();
      });
    } catch (error) {
      zip.close();
      throw error;
    }
    const workbook = new WorkbookZip(zip, entries, limits);
    let declared = 0;
    for (const entry of entries.values()) declared += entry.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) {
      workbook.close();
      throw tooLarge(limits);
    }
    if (!entries.has("xl/workbook.xml")) {
      workbook.close();
      throw new ImportFileError("import.error.notWorkbook", {}, { status: 422, field: "file" });
    }
    return workbook;
  }

  close(): void {
    this.zip.close();
  }

  /** A part's text, decoded as it inflates, in chunks; the inflated bytes count against the limit. */
  async *text(
    name: string,
    options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
  ): AsyncGenerator<string> {
    const entry = this.entries.get(name);
    if (!entry) return;
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, opened) => (error || !opened ? reject(damaged()) : resolve(opened))),
    );
    const decoder = new TextDecoder("utf-8");
    let compressed = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        options.signal?.throwIfAborted();
        this.inflated += chunk.length;
        if (this.inflated > this.limits.maxUncompressedBytes) throw tooLarge(this.limits);
        compressed = Math.min(entry.compressedSize, compressed + chunk.length);
        options.onBytes?.(compressed);
        yield decoder.decode(chunk, { stream: true });
      }
    } catch (error) {
      if (error instanceof ImportFileError || (error instanceof Error && error.name === "AbortError")) throw error;
      throw damaged();
    } finally {
      (stream as unknown as { destroy?: () => void }).destroy?.();
    }
    yield decoder.decode();
  }
}

type Handlers = {
  open?: (tag: SaxesTagPlain) => void;
  close?: (name: string) => void;
  text?: (text: string) => void;
};

/** Parses a part with the handlers; a DOCTYPE (where entities are declared) refuses the workbook. */
async function* parsePart(
  zip: WorkbookZip,
  name: string,
  handlers: Handlers,
  options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
): AsyncGenerator<void> {
  const parser = new SaxesParser({ position: false });
  let failure: Error | null = null;
  parser.on("doctype", () => {
    failure ??= new ImportFileError("import.error.workbookEntities", { part: name }, { status: 422, field: "file" });
  });
  parser.on("error", () => {
    failure ??= damaged();
  });
  // Without namespace handling every attribute is plain text.
  if (handlers.open) parser.on("opentag", handlers.open as (tag: unknown) => void);
  if (handlers.close) {
    const close = handlers.close;
    parser.on("closetag", (tag) => close(tag.name));
  }
  if (handlers.text) {
    parser.on("text", handlers.text);
    parser.on("cdata", handlers.text);
  }
  for await (const chunk of zip.text(name, options)) {
    // The check also catches a declaration the parser would only report later.
    if (chunk.includes("<!DOCTYPE") || chunk.includes("<!ENTITY"))
      throw new ImportFileError("import.error.workbookEntities", { part: name }, { status: 422, field: "file" });
    parser.write(chunk);
    if (failure) throw failure;
    yield;
  }
  parser.close();
  if (failure) throw failure;
}

async function parseWhole(zip: WorkbookZip, name: string, handlers: Handlers): Promise<void> {
  for await (const _ of parsePart(zip, name, handlers)) void _;
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon === -1 ? name : name.slice(colon + 1);
}

function attribute(tag: SaxesTagPlain, name: string): string | undefined {
  const direct = tag.attributes[name];
  if (direct !== undefined) return direct;
  for (const [key, value] of Object.entries(tag.attributes)) if (localName(key) === name) return value;
  return undefined;
}

type Relationships = Map<string, { type: string; target: string }>;

async function relationships(zip: WorkbookZip): Promise<Relationships> {
  const found: Relationships = new Map();
  await parseWhole(zip, "xl/_rels/workbook.xml.rels", {
    open: (tag) => {
      if (localName(tag.name) !== "Relationship") return;
      const id = tag.attributes.Id;
      const target = tag.attributes.Target;
      if (id && target) {
        const part = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
        found.set(id, { type: tag.attributes.Type ?? "", target: part.replace(/\/\.\//g, "/") });
      }
    },
  });
  return found;
}

type Workbook = { sheets: { name: string; part: string }[]; date1904: boolean; rels: Relationships };

async function readWorkbook(zip: WorkbookZip): Promise<Workbook> {
  const rels = await relationships(zip);
  const sheets: { name: string; part: string }[] = [];
  let date1904 = false;
  await parseWhole(zip, "xl/workbook.xml", {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === "workbookPr") {
        const value = tag.attributes.date1904;
        date1904 = value === "1" || value === "true";
      } else if (name === "sheet") {
        const id = attribute(tag, "id");
        const rel = id ? rels.get(id) : undefined;
        const sheetName = tag.attributes.name;
        if (sheetName !== undefined) sheets.push({ name: sheetName, part: rel?.target ?? "" });
      }
    },
  });
  return { sheets, date1904, rels };
}

export async function openWorkbook(path: string, limits: ImportLimits): Promise<WorkbookInfo> {
  const zip = await WorkbookZip.open(path, limits);
  try {
    return { sheets: (await readWorkbook(zip)).sheets };
  } finally {
    zip.close();
  }
}

// Number formats Excel builds in that show dates or times.
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81,
]);

/** A format code shows a date when, outside quotes, brackets and escapes, it has d, m, y, h or s. */
export function isDateFormatCode(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, "")
    .replace(/\\./g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/_.|\*./g, "");
  if (/general/i.test(bare)) return false;
  return /[dmyhs]/i.test(bare);
}

/** For each cell style index, whether its number format is a date. */
async function dateStyles(zip: WorkbookZip, rels: Relationships): Promise<boolean[]> {
  const part = [...rels.values()].find((rel) => rel.type.endsWith("/styles"))?.target ?? "xl/styles.xml";
  const custom = new Map<number, string>();
  const styles: number[] = [];
  let inCellXfs = false;
  await parseWhole(zip, part, {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === "numFmt") custom.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? "");
      else if (name === "cellXfs") inCellXfs = true;
      else if (name === "xf" && inCellXfs) styles.push(Number(tag.attributes.numFmtId ?? 0));
    },
    close: (name) => {
      if (localName(name) === "cellXfs") inCellXfs = false;
    },
  });
  return styles.map((id) => {
    const code = custom.get(id);
    return code !== undefined ? isDateFormatCode(code) : BUILT_IN_DATE_FORMATS.has(id);
  });
}

/** The shared strings, rich text as its plain text, phonetic runs left out. */
async function sharedStrings(zip: WorkbookZip, rels: Relationships): Promise<string[]> {
  const part = [...rels.values()].find((rel) => rel.type.endsWith("/sharedStrings"))?.target ?? "xl/sharedStrings.xml";
  const strings: string[] = [];
  let current = "";
  let inText = false;
  let phonetic = 0;
  await parseWhole(zip, part, {
    open: (tag) => {
      const name = localName(tag.name);
      if (name === "si") current = "";
      else if (name === "rPh") phonetic++;
      else if (name === "t" && phonetic === 0) inText = true;
    },
    close: (tag) => {
      const name = localName(tag);
      if (name === "si") strings.push(current);
      else if (name === "rPh") phonetic--;
      else if (name === "t") inText = false;
    },
    text: (text) => {
      if (inText) current += text;
    },
  });
  return strings;
}

const DAY_MS = 86_400_000;
// Day 0 of the 1900 system is 1899-12-31, but Excel counts 1900-02-29, which never was:
// from day 61 on, serials are one day ahead, hence the epoch of 1899-12-30.
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

export function serialToDate(serial: number, date1904: boolean): Date {
  const base = date1904 ? EPOCH_1904 : serial < 61 ? EPOCH_1900 + DAY_MS : EPOCH_1900;
  return new Date(base + Math.round(serial * DAY_MS));
}

function columnIndex(reference: string): number {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

/** The records of one sheet: one per row that has a value, `line` its sheet row number. */
export async function* sheetRecords(path: string, sheet: string, options: Options): AsyncGenerator<SourceRow[]> {
  const { limits } = options;
  const zip = await WorkbookZip.open(path, limits);
  try {
    const workbook = await readWorkbook(zip);
    const found = workbook.sheets.find((s) => s.name === sheet);
    if (!found) throw new ImportFileError("import.error.noSheet", { sheet }, { status: 422, field: "sheet" });
    if (!zip.entries.has(found.part)) throw damaged();
    const dates = await dateStyles(zip, workbook.rels);
    const strings = await sharedStrings(zip, workbook.rels);

    let rows: SourceRow[] = [];
    let values: SourceValue[] = [];
    let rowNumber = 0;
    let hasValue = false;
    let problem: string | undefined;
    let column = -1;
    let type = "n";
    let style = 0;
    let text = "";
    let inValue = false;
    let inInline = false;
    let phonetic = 0;
    let got = false;

    const cellValue = (): SourceValue => {
      if (!got) return null;
      switch (type) {
        case "s": {
          const value = strings[Number(text)];
          return value === undefined ? null : value;
        }
        case "str":
        case "inlineStr":
          return text;
        case "b":
          return text.trim() === "1" || text.trim() === "true";
        case "e":
          return null;
        case "d": {
          const date = new Date(text);
          return Number.isNaN(date.getTime()) ? text : date;
        }
        default: {
          if (text.trim() === "") return null;
          const number = Number(text);
          if (!Number.isFinite(number)) return text;
          return dates[style] ? serialToDate(number, workbook.date1904) : number;
        }
      }
    };

    const handlers: Handlers = {
      open: (tag) => {
        switch (tag.name.includes(":") ? localName(tag.name) : tag.name) {
          case "row":
            rowNumber = tag.attributes.r ? Number(tag.attributes.r) : rowNumber + 1;
            values = [];
            hasValue = false;
            problem = undefined;
            column = -1;
            break;
          case "c": {
            const reference = tag.attributes.r;
            column = reference ? columnIndex(reference) : column + 1;
            if (column >= limits.maxColumns)
              throw new ImportFileError(
                "import.error.tooManyColumns",
                { count: column + 1, limit: limits.maxColumns },
                { status: 422, field: "file" },
              );
            type = tag.attributes.t ?? "n";
            style = tag.attributes.s ? Number(tag.attributes.s) : 0;
            text = "";
            got = false;
            break;
          }
          case "v":
            inValue = true;
            got = true;
            break;
          case "is":
            inInline = true;
            got = true;
            break;
          case "rPh":
            phonetic++;
            break;
          case "t":
            if (inInline && phonetic === 0) inValue = true;
            break;
        }
      },
      close: (name) => {
        switch (name.includes(":") ? localName(name) : name) {
          case "v":
          case "t":
            inValue = false;
            break;
          case "is":
            inInline = false;
            break;
          case "rPh":
            phonetic--;
            break;
          case "c": {
            const value = cellValue();
            if (value !== null) {
              while (values.length < column) values.push(null);
              values[column] = value;
              hasValue = true;
              if (typeof value === "string" && value.length > limits.maxCellChars)
                problem = `cell ${column + 1} has ${value.length} characters, more than the limit of ${limits.maxCellChars}`;
            }
            break;
          }
          case "row":
            if (hasValue)
              rows.push(problem === undefined ? { line: rowNumber, values } : { line: rowNumber, values, problem });
            break;
        }
      },
      text: (chunk) => {
        if (inValue) text += chunk;
      },
    };
    for await (const _ of parsePart(zip, found.part, handlers, options)) {
      if (rows.length) {
        yield rows;
        rows = [];
      }
    }
    if (rows.length) yield rows;
  } finally {
    zip.close();
  }
}
