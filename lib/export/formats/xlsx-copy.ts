// Sheet rows straight from PostgreSQL's COPY text format, to the exact bytes DataSheet.write
// (./xlsx-sheet.ts) makes from values. The query writes rows in UTC with ISO dates
// (lib/sources/typed/typed-source.ts), so most fields become cells by copying bytes:
// digits stay digits, t/f become 1/0, a date or a UTC date-time becomes its serial, and
// text is copied with XML's escapes. A field outside those shapes — text that could look
// like a formula or needs `xml:space`, a long number, a date-time for another time zone —
// is decoded as the typed source decodes it (copyTextConverter) and written by the value
// encoder, so both paths write the same file (a test compares them).
import type { ColumnType, ExportColumn } from "../types";
import { utcDayMs } from "../values";
import { copyTextConverter } from "./json-copy";
import { dayFraction, excelDay, lineCount, MAX_DECIMAL_TEXT, rowOpenTag, type DataSheet } from "./xlsx-sheet";

const TAB = 0x09;
const LF = 0x0a;
const BACKSLASH = 0x5c;
const UNDERSCORE = 0x5f;
const HEX_UPPER = "0123456789ABCDEF";
/** Longest text copied as bytes: no longer than Excel's cell limit in characters, whatever they are. */
const MAX_TEXT_BYTES = 32_767;

type Kind = "text" | "integer" | "number" | "boolean" | "date" | "datetime" | "general";

/**
 * First bytes after which no spreadsheet reads a formula: printable ASCII but `=` `+` `-`
 * `@` `"` `\` (an escape: maybe a tab or line break), and UTF-8 lead bytes of ranges with
 * neither a formula sign nor anything a spreadsheet skips before one (lib/export/formula.ts):
 * U+00C0–U+033F, U+0380–U+05FF (Latin letters, Greek, Cyrillic, Hebrew), U+4000–U+DFFF
 * (CJK ideographs, Hangul). Any other first byte sends the text through startsFormula.
 */
const SAFE_FIRST = new Uint8Array(256);
for (let b = 0x21; b <= 0x7e; b++) SAFE_FIRST[b] = 1;
for (const b of [0x3d, 0x2b, 0x2d, 0x40, 0x22, BACKSLASH]) SAFE_FIRST[b] = 0;
for (let b = 0xc3; b <= 0xcc; b++) SAFE_FIRST[b] = 1;
for (let b = 0xce; b <= 0xd7; b++) SAFE_FIRST[b] = 1;
for (let b = 0xe4; b <= 0xed; b++) SAFE_FIRST[b] = 1;

/** Bytes text keeps as they are; the others are looked at (escapes, markup, `_x`, U+FFFE). */
const PLAIN = new Uint8Array(256);
for (let b = 0x20; b < 256; b++) PLAIN[b] = 1;
for (const b of [0x26, 0x3c, 0x3e, BACKSLASH, UNDERSCORE, 0xef]) PLAIN[b] = 0;

const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

function kinds(columns: readonly ExportColumn[], redacted: readonly boolean[], timezone: string): Kind[] {
  return columns.map((column, i): Kind => {
    if (redacted[i]) return "text";
    switch (column.type) {
      case "string":
      case "json":
        return "text";
      case "datetime":
        return timezone === "UTC" ? "datetime" : "general";
      default:
        return column.type;
    }
  });
}

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** A column's cell markup around the row number, as bytes: `<c r="B` … `" s="7"><v>`. */
type Frames = {
  ref: Uint8Array;
  /** Per parity (odd, even sheet row): what follows the row number. */
  number: readonly [Uint8Array, Uint8Array];
  boolean: readonly [Uint8Array, Uint8Array];
  text: readonly [Uint8Array, Uint8Array];
  /** A null's cell, or null for none (an odd row's plain style). */
  empty: readonly [Uint8Array | null, Uint8Array | null];
};

function sheetFrames(sheet: DataSheet): Frames[] {
  const attr = (style: number) => (style === 0 ? "" : ` s="${style}"`);
  const pair = (make: (e: 0 | 1) => string) => [bytes(make(0)), bytes(make(1))] as const;
  return sheet.letters.map((letters, c) => {
    const styles = sheet.styles[c]!;
    return {
      ref: bytes(`<c r="${letters}`),
      number: pair((e) => `"${attr(styles[e])}><v>`),
      boolean: pair((e) => `"${attr(styles[e])} t="b"><v>`),
      text: pair((e) => `"${attr(sheet.generalStyles[e])} t="inlineStr"><is><t>`),
      empty: [
        styles[0] === 0 ? null : bytes(`" s="${styles[0]}"/>`),
        styles[1] === 0 ? null : bytes(`" s="${styles[1]}"/>`),
      ],
    };
  });
}

const VALUE_END = bytes("</v></c>");
const TEXT_END = bytes("</t></is></c>");

/** Writes runs of COPY text lines as rows of one sheet after another. */
export class CopyRowWriter {
  private out = Buffer.allocUnsafe(1024 * 1024);
  private o = 0;
  private readonly kinds: Kind[];
  private readonly converters: Array<(field: string) => unknown>;
  private frames: Frames[] | undefined;
  /** The current row's number, as digits. */
  private readonly digits = new Uint8Array(8);
  private digitCount = 0;
  /** The most lines a cell of the current row has. */
  private rowLines = 1;

  constructor(columns: readonly ExportColumn[], redacted: readonly boolean[], timezone: string) {
    this.kinds = kinds(columns, redacted, timezone);
    this.converters = columns.map((column, i) =>
      copyTextConverter(redacted[i] ? "redacted" : (column.type as ColumnType)),
    );
  }

  /** A line's fields as the values the typed source would hand over (for widths from a first run). */
  values(buf: Buffer, start: number, end: number): unknown[][] {
    const rows: unknown[][] = [];
    const width = this.kinds.length;
    for (const line of buf.toString("utf8", start, end).split("\n")) {
      if (line === "") continue;
      const fields = line.split("\t");
      rows.push(width === 0 ? [] : fields.map((f, i) => (f === "\\N" ? null : this.converters[i]!(f))));
    }
    return rows;
  }

  /**
   * The sheet rows of the complete lines in buf[start, end), as many as `room` allows:
   * their XML, how many were taken, and where the next line starts.
   */
  write(
    sheet: DataSheet,
    buf: Buffer,
    start: number,
    end: number,
    room: number,
    exportRow: number,
  ): { xml: Buffer; taken: number; next: number } {
    this.o = 0;
    let at = start;
    let taken = 0;
    const width = this.kinds.length;
    while (at < end && taken < room) {
      let lineEnd = buf.indexOf(LF, at);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      sheet.options.current.row = exportRow + taken;
      this.row(sheet, buf, at, lineEnd, width);
      sheet.rows += 1;
      taken += 1;
      at = lineEnd + 1;
    }
    // Handed over as it is (the zip compresses it later); the next run writes into a new one.
    const xml = this.out.subarray(0, this.o);
    this.out = Buffer.allocUnsafe(this.out.length);
    return { xml, taken, next: Math.min(at, end) };
  }

  private reserve(n: number) {
    if (this.o + n <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.o + n));
    this.out.copy(grown, 0, 0, this.o);
    this.out = grown;
  }

  private ascii(text: string) {
    const out = this.out;
    let o = this.o;
    for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
    this.o = o;
  }

  private put(part: Uint8Array) {
    const out = this.out;
    let o = this.o;
    for (let i = 0; i < part.length; i++) out[o++] = part[i]!;
    this.o = o;
  }

  /** `<c r="B12` then what follows the row number. */
  private open(frame: Frames, after: Uint8Array) {
    this.put(frame.ref);
    const out = this.out;
    let o = this.o;
    for (let i = 0; i < this.digitCount; i++) out[o++] = this.digits[i]!;
    this.o = o;
    this.put(after);
  }

  private row(sheet: DataSheet, buf: Buffer, start: number, end: number, width: number) {
    // Worst case: every byte a 7-byte escape, plus each cell's markup.
    this.reserve((end - start) * 7 + width * 96 + 64);
    const frames = (this.frames ??= sheetFrames(sheet));
    const number = String(sheet.rows + 2);
    for (let i = 0; i < number.length; i++) this.digits[i] = number.charCodeAt(i);
    this.digitCount = number.length;
    const even = (sheet.rows & 1) === 0 ? 1 : 0; // sheet row rows + 2
    const rowStart = this.o;
    this.rowLines = 1;
    this.ascii(`<row r="${number}">`);
    const cellsStart = this.o;
    let at = start;
    for (let c = 0; c < width; c++) {
      const fieldEnd = c === width - 1 ? end : buf.indexOf(TAB, at);
      if (fieldEnd < 0 || fieldEnd > end) throw new Error(`a COPY line with fewer fields than the ${width} columns`);
      this.cell(sheet, frames[c]!, buf, at, fieldEnd, c, number, even);
      at = fieldEnd + 1;
    }
    if (this.o === cellsStart) {
      this.o = rowStart;
      this.ascii(`<row r="${number}"/>`);
      return;
    }
    if (this.rowLines > 1) {
      // A row of several lines (rare): its start tag names its height, the cells move up.
      const open = rowOpenTag(number, this.rowLines);
      const shift = open.length - (cellsStart - rowStart);
      const cellsEnd = this.o;
      this.reserve(shift);
      this.out.copyWithin(cellsStart + shift, cellsStart, cellsEnd);
      this.o = rowStart;
      this.ascii(open);
      this.o = cellsEnd + shift;
    }
    this.ascii("</row>");
  }

  private cell(
    sheet: DataSheet,
    frame: Frames,
    buf: Buffer,
    start: number,
    end: number,
    c: number,
    number: string,
    even: 0 | 1,
  ) {
    const cellStart = this.o;
    if (end - start === 2 && buf[start] === BACKSLASH && buf[start + 1] === 0x4e) {
      // \N: null
      const empty = frame.empty[even];
      if (empty) this.open(frame, empty);
      return;
    }
    let done = false;
    switch (this.kinds[c]) {
      case "text":
        done = this.text(frame, buf, start, end, even);
        break;
      case "integer":
        done = this.integer(frame, buf, start, end, even);
        break;
      case "number":
        done = this.decimal(frame, buf, start, end, even);
        break;
      case "boolean":
        done = this.boolean(frame, buf, start, end, even);
        break;
      case "date":
        done = this.date(frame, buf, start, end, even);
        break;
      case "datetime":
        done = this.datetime(frame, buf, start, end, even);
        break;
      default:
        break;
    }
    if (done) return;
    // Anything else: decoded as the typed source decodes it, and written by the value encoder.
    this.o = cellStart;
    const value = this.converters[c]!(buf.toString("utf8", start, end));
    const xml = sheet.encoders[c]!(value, sheet.letters[c]! + number, even);
    if (xml.includes("\n")) this.rowLines = Math.max(this.rowLines, lineCount(xml));
    this.reserve(xml.length * 3);
    this.o += this.out.write(xml, this.o);
  }

  /** An instant's serial as excelSerialText writes it (`second` of its day), without making the string. */
  private serial(frame: Frames, ms: number, second: number, even: 0 | 1): boolean {
    let day = excelDay(ms);
    if (day < 0) return false;
    this.open(frame, frame.number[even]);
    const out = this.out;
    let digits = 1;
    for (let rest = day; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let o = (this.o += digits);
    do {
      out[--o] = 0x30 + (day % 10);
      day = Math.floor(day / 10);
    } while (day > 0);
    if (second > 0) this.ascii(dayFraction(second));
    this.put(VALUE_END);
    return true;
  }

  private copyNumber(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    this.open(frame, frame.number[even]);
    const out = this.out;
    let o = this.o;
    for (let i = start; i < end; i++) out[o++] = buf[i]!;
    this.o = o;
    this.put(VALUE_END);
  }

  /** `-?\d{1,15}`, as the value encoder's INTEGER. */
  private integer(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    const digits = buf[start] === 0x2d ? start + 1 : start;
    if (end - digits < 1 || end - digits > 15) return false;
    for (let i = digits; i < end; i++) if (!isDigit(buf[i])) return false;
    this.copyNumber(frame, buf, start, end, even);
    return true;
  }

  /** `-?\d+(\.\d+)?` of at most MAX_DECIMAL_TEXT characters, as the value encoder's DECIMAL. */
  private decimal(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    if (end - start > MAX_DECIMAL_TEXT) return false;
    let i = buf[start] === 0x2d ? start + 1 : start;
    const intStart = i;
    while (i < end && isDigit(buf[i])) i++;
    if (i === intStart) return false;
    if (i < end) {
      if (buf[i] !== 0x2e) return false;
      const fracStart = ++i;
      while (i < end && isDigit(buf[i])) i++;
      if (i !== end || i === fracStart) return false;
    }
    this.copyNumber(frame, buf, start, end, even);
    return true;
  }

  private boolean(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    if (end - start !== 1 || (buf[start] !== 0x74 && buf[start] !== 0x66)) return false;
    this.open(frame, frame.boolean[even]);
    this.ascii(buf[start] === 0x74 ? "1</v></c>" : "0</v></c>");
    return true;
  }

  private static twoDigits(buf: Buffer, at: number): number {
    return (buf[at]! - 48) * 10 + (buf[at + 1]! - 48);
  }

  /** The `YYYY-MM-DD` at `start` as UTC milliseconds (the caller checked the shape). */
  private static dayMs(buf: Buffer, start: number): number {
    const two = CopyRowWriter.twoDigits;
    return utcDayMs(two(buf, start) * 100 + two(buf, start + 2), two(buf, start + 5), two(buf, start + 8));
  }

  private static isoDay(buf: Buffer, s: number): boolean {
    return (
      isDigit(buf[s]) &&
      isDigit(buf[s + 1]) &&
      isDigit(buf[s + 2]) &&
      isDigit(buf[s + 3]) &&
      buf[s + 4] === 0x2d &&
      isDigit(buf[s + 5]) &&
      isDigit(buf[s + 6]) &&
      buf[s + 7] === 0x2d &&
      isDigit(buf[s + 8]) &&
      isDigit(buf[s + 9])
    );
  }

  private date(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    if (end - start !== 10 || !CopyRowWriter.isoDay(buf, start)) return false;
    return this.serial(frame, CopyRowWriter.dayMs(buf, start), 0, even);
  }

  /** `YYYY-MM-DD HH:MM:SS[.f…]+00`, to the second, as the value encoder reads its ISO form. */
  private datetime(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    const length = end - start;
    if (length < 22 || buf[start + 10] !== 0x20 || !CopyRowWriter.isoDay(buf, start)) return false;
    if (buf[end - 3] !== 0x2b || buf[end - 2] !== 0x30 || buf[end - 1] !== 0x30) return false;
    if (length > 22 && buf[start + 19] !== 0x2e) return false;
    const s = start;
    if (!(isDigit(buf[s + 11]) && isDigit(buf[s + 12]) && buf[s + 13] === 0x3a && isDigit(buf[s + 14]))) return false;
    if (!(isDigit(buf[s + 15]) && buf[s + 16] === 0x3a && isDigit(buf[s + 17]) && isDigit(buf[s + 18]))) return false;
    const two = CopyRowWriter.twoDigits;
    const ms =
      CopyRowWriter.dayMs(buf, start) +
      two(buf, start + 11) * 3_600_000 +
      two(buf, start + 14) * 60_000 +
      two(buf, start + 17) * 1000;
    // The same fields as the value encoder computes them; hours past 23 and the
    // like never come from the database, but would differ: leave them to it.
    if (two(buf, start + 11) > 23 || two(buf, start + 14) > 59 || two(buf, start + 17) > 59) return false;
    return this.serial(frame, ms, two(buf, start + 11) * 3600 + two(buf, start + 14) * 60 + two(buf, start + 17), even);
  }

  /**
   * Text copied with XML's escapes, when the value encoder would write it so with no
   * `xml:space` and the column's plain style: false (nothing kept) for anything else.
   */
  private text(frame: Frames, buf: Buffer, start: number, end: number, even: 0 | 1) {
    if (end === start) return false; // "": the value encoder's empty cell
    if (end - start > MAX_TEXT_BYTES || !SAFE_FIRST[buf[start]!]) return false;
    this.open(frame, frame.text[even]);
    const out = this.out;
    let o = this.o;
    let last = 0;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (PLAIN[b]) {
        out[o++] = b;
        last = b;
        continue;
      }
      let char = b; // the character this byte (or escape) stands for, below 0x80
      if (b === BACKSLASH) {
        const e = buf[++i];
        if (e === BACKSLASH) char = BACKSLASH;
        else if (e === 0x74) char = TAB;
        else if (e === 0x72) char = 0x0d;
        else if (e === 0x62) char = 0x08;
        else if (e === 0x66) char = 0x0c;
        else if (e === 0x76) char = 0x0b;
        else return false; // \n needs xml:space; anything else is not what COPY writes
      }
      last = char;
      if (char === 0x26) o = this.putText(o, "&amp;");
      else if (char === 0x3c) o = this.putText(o, "&lt;");
      else if (char === 0x3e) o = this.putText(o, "&gt;");
      else if (char === 0x0d) o = this.putText(o, "&#13;");
      else if (char === TAB || char === BACKSLASH) out[o++] = char;
      else if (char < 0x20) o = this.putText(o, `_x00${HEX_UPPER[char >> 4]}${HEX_UPPER[char & 15]}_`);
      else if (char === UNDERSCORE) {
        // `_xHHHH_` in the text itself: its `_` escaped, so no reader decodes it.
        const escape =
          buf[i + 1] === 0x78 &&
          isHex(buf[i + 2]) &&
          isHex(buf[i + 3]) &&
          isHex(buf[i + 4]) &&
          isHex(buf[i + 5]) &&
          buf[i + 6] === UNDERSCORE;
        o = escape ? this.putText(o, "_x005F_") : ((out[o++] = UNDERSCORE), o);
      } else {
        // 0xEF: U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters.
        if (buf[i + 1] === 0xbf && (buf[i + 2] === 0xbe || buf[i + 2] === 0xbf)) {
          o = this.putText(o, buf[i + 2] === 0xbe ? "_xFFFE_" : "_xFFFF_");
          i += 2;
          last = 0xff;
        } else {
          out[o++] = b;
        }
      }
    }
    // Trailing white space (or a control) needs xml:space="preserve": the value encoder's.
    if (last <= 0x20) return false;
    this.o = o;
    this.put(TEXT_END);
    return true;
  }

  private putText(o: number, text: string): number {
    const out = this.out;
    for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
    return o;
  }
}
