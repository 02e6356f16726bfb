// CSV from PostgreSQL's own CSV output (COPY … TO STDOUT (FORMAT csv)), finished in one
// pass per chunk to the exact file writeCsv (./csv.ts) makes from values. The query has
// already written every non-text column as the file holds it (numbers, ISO dates, true/false,
// date-times as `YYYY-MM-DD HH:MM:SS` in UTC, redacted values, empty for null), so those
// bytes pass through untouched — but for date-times asked for in another zone, which are
// moved into it here, as every other writer does (Node's zones, not PostgreSQL's: they do
// not agree on names such as IST or PST). Only the text and JSON columns are looked at: a
// field whose every piece starts like plain text (a letter, a digit, common punctuation, a
// Hangul or CJK character …) and that needs no other quoting is copied as it is; any other
// goes through the same rule as writeCsv (formula.ts, then csvEscaper) — so no file differs
// by which path made it. Line ends become CRLF.
import { neutralizeCsvText } from "../formula";
import { formatDateTime } from "../values";
import type { ExportColumn } from "../types";
import { csvEscaper, csvHeader } from "./csv";

/** What the query that feeds this writer was told. */
export type CopyCsvDialect = { delimiter: string };

export type CopyCsvInput = {
  columns: readonly ExportColumn[];
  /** Which columns hold a redacted stand-in (final as written). */
  redacted: readonly boolean[];
  delimiter: string;
  bom: boolean;
  /** The zone the file's date-times are in; the query writes them in UTC. */
  timezone: string;
  /** Rows written so far, after each chunk. */
  onRows?: (rows: number) => void;
};

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

// Byte classes of the fast check.
const PLAIN = 0; // ends nothing, starts a piece safely
const UNSAFE_START = 1; // may start a formula, or is skipped before one: ask formula.ts
const SEPARATOR = 2; // , ; tab | CR LF: a piece starts after it, and it needs quoting
const BYTE_CLASS = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  if (b < 0x20 || b === 0x7f || b === SPACE || b === QUOTE || b >= 0x80) BYTE_CLASS[b] = UNSAFE_START;
  for (const c of "=+-@") BYTE_CLASS[c.charCodeAt(0)] = UNSAFE_START;
}
for (const c of ",;\t|\r\n") BYTE_CLASS[c.charCodeAt(0)] = SEPARATOR;

/** Whether the UTF-8 character at `at` is a letter of a script that cannot start a formula. */
function safeLetterAt(buf: Uint8Array, at: number, end: number): boolean {
  const b0 = buf[at]!;
  if (b0 >= 0xc3 && b0 <= 0xcb && at + 1 < end) return true; // U+00C0–U+02FF: Latin letters, IPA
  if (b0 >= 0xce && b0 <= 0xd3 && at + 1 < end) return true; // U+0380–U+04FF: Greek, Cyrillic
  if (b0 >= 0xe4 && b0 <= 0xe9 && at + 2 < end) return true; // U+4000–U+9FFF: CJK ideographs
  if (b0 >= 0xea && b0 <= 0xed && at + 2 < end) {
    // U+A000–U+DFFF: Yi, Hangul syllables (U+AC00–U+D7A3) … surrogates never appear in UTF-8
    const cp = ((b0 & 0x0f) << 12) | ((buf[at + 1]! & 0x3f) << 6) | (buf[at + 2]! & 0x3f);
    return cp >= 0xac00 && cp <= 0xd7a3;
  }
  return false;
}

/** Whether a piece starting at `at` (up to `end`) starts like plain text (formula.ts would leave it). */
function safePieceStart(buf: Uint8Array, at: number, end: number): boolean {
  let i = at;
  while (i < end && buf[i] === SPACE) i++;
  if (i >= end) return true; // only spaces: no formula
  const cls = BYTE_CLASS[buf[i]!];
  if (cls === PLAIN) return true;
  if (cls === SEPARATOR) return false; // a tab, CR or LF starting a piece is a threat; , ; | ask the rule
  return buf[i]! >= 0x80 && safeLetterAt(buf, i, end);
}

/**
 * Whether a text field's content (unquoted bytes, or a quoted field's inside with `""`
 * for quotes) can be copied as it is: every piece starts safely and — for an unquoted
 * field — nothing in it needs quoting.
 */
function fastText(buf: Uint8Array, start: number, end: number, quoted: boolean): boolean {
  if (!safePieceStart(buf, start, end)) return false;
  let triggers = false;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      triggers = true;
      continue;
    }
    if (BYTE_CLASS[b] !== SEPARATOR) continue;
    triggers = true;
    if (!quoted) return false;
    const next = b === CR && buf[i + 1] === LF ? i + 2 : i + 1;
    if (next < end && !safePieceStart(buf, next, end)) return false;
  }
  // A quoted field must still need its quotes by writeCsv's rule (PostgreSQL also quotes "" and \.).
  return quoted ? triggers : true;
}

/** Splits PostgreSQL CSV into fields, one pass, and writes the finished file's bytes. */
class CopyCsvRewriter {
  rows = 0;
  private rest: Buffer | null = null;
  private out: Buffer = Buffer.allocUnsafe(0);
  private length = 0;
  private readonly text: boolean[];
  /** Date-time columns to move from UTC into the export's zone. */
  private readonly zoned: boolean[];
  private readonly timezone: string;
  private readonly delimiter: number;
  private readonly escape: (field: string) => string;

  constructor(input: CopyCsvInput) {
    this.text = input.columns.map((c, i) => (c.type === "string" || c.type === "json") && !input.redacted[i]);
    this.zoned = input.columns.map((c, i) => c.type === "datetime" && !input.redacted[i] && input.timezone !== "UTC");
    this.timezone = input.timezone;
    this.delimiter = input.delimiter.charCodeAt(0);
    this.escape = csvEscaper(input.delimiter);
  }

  private reserve(n: number) {
    if (this.length + n <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + n, 64 * 1024));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }

  private copy(buf: Buffer, start: number, end: number) {
    if (end <= start) return;
    this.reserve(end - start);
    buf.copy(this.out, this.length, start, end);
    this.length += end - start;
  }

  private write(text: string) {
    this.reserve(Buffer.byteLength(text) + 4);
    this.length += this.out.write(text, this.length, "utf8");
  }

  private crlf() {
    this.reserve(2);
    this.out[this.length++] = CR;
    this.out[this.length++] = LF;
  }

  /** The finished bytes of every complete row so far; a partial row waits for the next chunk. */
  push(chunk: Buffer, last: boolean): Buffer | null {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const end = buf.length;
    const width = this.text.length;
    const delimiter = this.delimiter;
    // A fresh buffer per chunk: the one returned is handed on, never written again.
    this.out = Buffer.allocUnsafe(end + (end >> 4) + 16);
    this.length = 0;
    let rowOut = 0; // where the current row's bytes begin in `out`
    let rowStart = 0;
    let pos = 0;
    let copyFrom = 0;
    let column = 0;
    let rows = 0;
    // A table of no columns writes one empty field per row.
    rowLoop: while (pos < end) {
      const fieldStart = pos;
      let fieldEnd: number;
      let quoted = false;
      if (buf[pos] === QUOTE) {
        quoted = true;
        let i = pos + 1;
        for (;;) {
          const q = buf.indexOf(QUOTE, i);
          if (q < 0 || (q + 1 >= end && !last)) break rowLoop; // the field goes on in the next chunk
          if (buf[q + 1] === QUOTE) {
            i = q + 2;
            continue;
          }
          fieldEnd = q + 1;
          break;
        }
      } else {
        let i = pos;
        while (i < end) {
          const b = buf[i]!;
          if (b === delimiter || b === LF) break;
          i++;
        }
        if (i >= end && !last) break rowLoop;
        fieldEnd = i;
      }
      if (column < width && this.text[column]) {
        const contentStart = quoted ? fieldStart + 1 : fieldStart;
        const contentEnd = quoted ? fieldEnd - 1 : fieldEnd;
        if (contentEnd > contentStart && !fastText(buf, contentStart, contentEnd, quoted)) {
          let value = buf.toString("utf8", contentStart, contentEnd);
          if (quoted) value = value.replaceAll('""', '"');
          this.copy(buf, copyFrom, fieldStart);
          this.write(this.escape(neutralizeCsvText(value)));
          copyFrom = fieldEnd;
        } else if (quoted && contentEnd === contentStart) {
          // "" is an empty text, written as an empty field like any other
          this.copy(buf, copyFrom, fieldStart);
          copyFrom = fieldEnd;
        }
      }
      if (column < width && this.zoned[column] && fieldEnd > fieldStart && !quoted) {
        // `YYYY-MM-DD HH:MM:SS` in UTC, as the query wrote it
        const utc = buf.toString("latin1", fieldStart, fieldEnd);
        const date = new Date(`${utc.replace(" ", "T")}Z`);
        if (!Number.isNaN(date.getTime())) {
          this.copy(buf, copyFrom, fieldStart);
          this.write(formatDateTime(date, this.timezone));
          copyFrom = fieldEnd;
        }
      }
      if (fieldEnd >= end) {
        // The last row of the stream, without its line end.
        this.copy(buf, copyFrom, fieldEnd);
        this.crlf();
        rows++;
        rowStart = pos = copyFrom = end;
        rowOut = this.length;
        break;
      }
      if (buf[fieldEnd] === LF) {
        this.copy(buf, copyFrom, fieldEnd);
        this.crlf();
        rows++;
        column = 0;
        rowStart = pos = copyFrom = fieldEnd + 1;
        rowOut = this.length;
      } else {
        column++;
        pos = fieldEnd + 1;
      }
    }
    // A row cut off by the chunk's end is written again, whole, from the next chunk.
    this.length = rowOut;
    this.rest = rowStart < end ? buf.subarray(rowStart) : null;
    if (last && this.rest) throw new Error("PostgreSQL's CSV ended inside a field");
    this.rows += rows;
    return this.length > 0 ? this.out.subarray(0, this.length) : null;
  }
}

/** The CSV file: BOM and header, then the rows from PostgreSQL's CSV, finished. */
export async function* writeCsvFromCopy(
  chunks: AsyncIterable<Uint8Array>,
  input: CopyCsvInput,
): AsyncGenerator<Uint8Array> {
  yield Buffer.from(`${input.bom ? "\uFEFF" : ""}${csvHeader(input.columns, input.delimiter)}\r\n`, "utf8");
  const rewriter = new CopyCsvRewriter(input);
  for await (const chunk of chunks) {
    const bytes = rewriter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), false);
    input.onRows?.(rewriter.rows);
    if (bytes) yield bytes;
  }
  const tail = rewriter.push(Buffer.alloc(0), true);
  input.onRows?.(rewriter.rows);
  if (tail) yield tail;
}
