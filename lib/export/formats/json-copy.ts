// JSON and NDJSON straight from PostgreSQL's COPY text format, one pass per chunk, to the
// exact bytes writeJson/writeNdjson (./json.ts) make from values. The query writes the
// rows in UTC with ISO dates (lib/sources/typed/typed-source.ts), so most fields become
// JSON by copying bytes: digits stay digits, t/f become true/false, a date gets quotes, a
// UTC date-time `2024-03-05 12:34:56+00` becomes "2024-03-05T12:34:56Z", and text is
// copied with JSON's escapes — COPY's own `\n` `\r` `\t` `\b` `\f` `\\` already are JSON
// escapes, so only `"`, `\v` and raw control characters change. Any field outside those
// shapes (a long or unusual number, a date-time with a fraction or in another zone, JSON)
// goes through jsonValue, like the value writer, and warns the same way.
import type { ColumnType, ExportColumn, ValueWarning } from "../types";
import { jsonValue, type ValueOptions } from "../values";
import { columnValueOptions } from "../warnings";

export type CopyTextInput = {
  columns: readonly ExportColumn[];
  /** Which columns hold a redacted stand-in. */
  redacted: readonly boolean[];
  timezone: string;
  onWarning: (warning: ValueWarning) => void;
  /** Rows written so far, after each chunk. */
  onRows?: (rows: number) => void;
};

const TAB = 0x09;
const LF = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const HEX = "0123456789abcdef";

type Kind = "text" | "integer" | "number" | "boolean" | "date" | "datetime" | "other";

const COPY_ESCAPES: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** A COPY text field as the text it stands for. */
export function unescapeCopyText(field: string): string {
  if (!field.includes("\\")) return field;
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code.length > 1 && code[0] === "x") return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return COPY_ESCAPES[code] ?? code;
  });
}

/** `2024-03-05 12:34:56.5+00` (COPY in UTC) → `2024-03-05T12:34:56.5Z`; anything else as it is. */
export function utcDateTimeText(field: string): string {
  return field.endsWith("+00") && field[10] === " " ? `${field.slice(0, 10)}T${field.slice(11, -3)}Z` : field;
}

/**
 * How a COPY text field (not `\N`) becomes the value the engine reads (lib/export/values.ts):
 * text unescaped, numbers as their digits, true and false, dates `YYYY-MM-DD`, date-times
 * `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the session is in UTC). The typed source's value rows and
 * the writers that read COPY text themselves both go by it.
 */
export function copyTextConverter(type: ColumnType | "redacted"): (field: string) => unknown {
  switch (type) {
    case "boolean":
      return (field) => (field === "t" ? true : field === "f" ? false : field);
    case "datetime":
      return utcDateTimeText;
    case "string":
    case "json":
    case "redacted":
      return unescapeCopyText;
    default:
      return (field) => field;
  }
}

class JsonRewriter {
  rows = 0;
  private out: Buffer = Buffer.allocUnsafe(0);
  private length = 0;
  private rest: Buffer | null = null;
  private readonly kinds: Kind[];
  private readonly prefixes: Buffer[];
  /** The bytes of every key prefix together, plus the braces: what a row adds besides its values. */
  private readonly rowOverhead: number;
  private readonly current: { row: number };
  private readonly options: Array<Required<ValueOptions>>;

  constructor(
    private readonly input: CopyTextInput,
    private readonly separator: (rowNumber: number) => string,
  ) {
    const utc = input.timezone === "UTC";
    this.kinds = input.columns.map((column, i): Kind => {
      if (input.redacted[i]) return "text";
      switch (column.type) {
        case "string":
          return "text";
        case "integer":
        case "number":
        case "boolean":
        case "date":
          return column.type;
        case "datetime":
          return utc ? "datetime" : "other";
        default:
          return "other";
      }
    });
    this.prefixes = input.columns.map((column, i) =>
      Buffer.from(`${i === 0 ? "{" : ","}${JSON.stringify(column.jsonKey ?? column.key)}:`, "utf8"),
    );
    this.rowOverhead = this.prefixes.reduce((n, p) => n + p.length, 0) + 64;
    const { current, options } = columnValueOptions(input.columns, input);
    this.current = current;
    this.options = options;
  }

  private reserve(n: number) {
    if (this.length + n <= this.out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.length + n));
    this.out.copy(grown, 0, 0, this.length);
    this.out = grown;
  }

  private writeString(text: string) {
    this.reserve(text.length * 3);
    this.length += this.out.write(text, this.length, "utf8");
  }

  private writeAscii(text: string) {
    for (let i = 0; i < text.length; i++) this.out[this.length++] = text.charCodeAt(i);
  }

  /** A field through jsonValue, as writeJson writes it. */
  private general(buf: Buffer, start: number, end: number, column: number) {
    const type = this.input.redacted[column] ? "string" : this.input.columns[column]!.type;
    let value: string = unescapeCopyText(buf.toString("utf8", start, end));
    if (type === "datetime") value = utcDateTimeText(value);
    const boolean = type === "boolean" ? (value === "t" ? true : value === "f" ? false : value) : value;
    this.writeString(JSON.stringify(jsonValue(boolean, type, this.options[column]!)));
  }

  /** Text as JSON.stringify writes it, from COPY text bytes; false if it holds an escape it does not know. */
  private text(buf: Buffer, start: number, end: number): boolean {
    const out = this.out;
    let o = this.length;
    out[o++] = QUOTE;
    for (let i = start; i < end; i++) {
      const b = buf[i]!;
      if (b >= 0x20 && b !== QUOTE && b !== BACKSLASH) {
        out[o++] = b;
      } else if (b === QUOTE) {
        out[o++] = BACKSLASH;
        out[o++] = QUOTE;
      } else if (b === BACKSLASH) {
        const c = buf[++i];
        // n r t b f \ are the same escape in JSON
        if (c === 0x6e || c === 0x72 || c === 0x74 || c === 0x62 || c === 0x66 || c === BACKSLASH) {
          out[o++] = BACKSLASH;
          out[o++] = c;
        } else if (c === 0x76) {
          o = this.unicodeEscape(o, 0x0b);
        } else {
          return false;
        }
      } else {
        o = this.unicodeEscape(o, b);
      }
    }
    out[o++] = QUOTE;
    this.length = o;
    return true;
  }

  private unicodeEscape(o: number, code: number): number {
    const out = this.out;
    out[o++] = BACKSLASH;
    out[o++] = 0x75; // u
    out[o++] = 0x30;
    out[o++] = 0x30;
    out[o++] = HEX.charCodeAt(code >> 4);
    out[o++] = HEX.charCodeAt(code & 15);
    return o;
  }

  /** Whether a numeric's digits are exactly what String(Number(digits)) gives. */
  private static canonicalNumber(buf: Buffer, start: number, end: number): boolean {
    let i = start;
    if (buf[i] === 0x2d) i++;
    let digits = 0;
    const intStart = i;
    while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
    const intDigits = i - intStart;
    if (intDigits === 0 || (intDigits > 1 && buf[intStart] === 0x30)) return false;
    digits += buf[intStart] === 0x30 ? 0 : intDigits;
    if (i === end) return digits <= 15 && !(buf[start] === 0x2d && intDigits === 1 && buf[intStart] === 0x30);
    if (buf[i] !== 0x2e) return false;
    i++;
    const fracStart = i;
    while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) i++;
    if (i !== end || i === fracStart || buf[end - 1] === 0x30) return false;
    if (digits === 0) {
      // 0.000001 is written by JavaScript as 1e-7 below it: leave those to Number
      let zeros = 0;
      while (buf[fracStart + zeros] === 0x30) zeros++;
      if (zeros >= 6) return false;
      digits = end - fracStart - zeros;
    } else {
      digits += end - fracStart;
    }
    return digits <= 15;
  }

  private field(buf: Buffer, start: number, end: number, column: number) {
    const width = end - start;
    if (width === 2 && buf[start] === BACKSLASH && buf[start + 1] === 0x4e) {
      this.writeAscii("null"); // \N
      return;
    }
    switch (this.kinds[column]) {
      case "text": {
        const at = this.length;
        if (!this.text(buf, start, end)) {
          this.length = at;
          this.general(buf, start, end, column);
        }
        return;
      }
      case "integer":
        if (width <= 15) {
          buf.copy(this.out, this.length, start, end);
          this.length += width;
        } else this.general(buf, start, end, column);
        return;
      case "number":
        if (JsonRewriter.canonicalNumber(buf, start, end)) {
          buf.copy(this.out, this.length, start, end);
          this.length += width;
        } else this.general(buf, start, end, column);
        return;
      case "boolean":
        if (width === 1 && buf[start] === 0x74) this.writeAscii("true");
        else if (width === 1 && buf[start] === 0x66) this.writeAscii("false");
        else this.general(buf, start, end, column);
        return;
      case "date":
        if (width === 10) {
          const out = this.out;
          out[this.length++] = QUOTE;
          buf.copy(out, this.length, start, end);
          this.length += 10;
          out[this.length++] = QUOTE;
        } else this.general(buf, start, end, column);
        return;
      case "datetime":
        // 2024-03-05 12:34:56+00
        if (width === 22 && buf[start + 10] === 0x20 && buf[start + 19] === 0x2b && buf[start + 20] === 0x30) {
          const out = this.out;
          out[this.length++] = QUOTE;
          buf.copy(out, this.length, start, start + 10);
          this.length += 10;
          out[this.length++] = 0x54; // T
          buf.copy(out, this.length, start + 11, start + 19);
          this.length += 8;
          out[this.length++] = 0x5a; // Z
          out[this.length++] = QUOTE;
        } else this.general(buf, start, end, column);
        return;
      default:
        this.general(buf, start, end, column);
    }
  }

  /** The JSON of every complete row so far; a partial row waits for the next chunk. */
  push(chunk: Buffer, last: boolean): Buffer | null {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let end = buf.lastIndexOf(LF) + 1;
    if (last && end < buf.length) throw new Error("PostgreSQL's COPY ended inside a row");
    this.rest = end < buf.length ? buf.subarray(end) : null;
    if (end === 0) return null;
    // Fresh per chunk (the one returned is handed on); grown where a row needs more.
    this.out = Buffer.allocUnsafe(end * 2 + 1024);
    this.length = 0;
    const width = this.kinds.length;
    let pos = 0;
    end = end - 1; // the last line end
    while (pos <= end) {
      const lineEnd = buf.indexOf(LF, pos);
      this.rows++;
      this.current.row = this.rows;
      const separator = this.separator(this.rows);
      // every byte may at most become \u00XX (6), plus the keys and the separators
      this.reserve((lineEnd - pos) * 6 + this.rowOverhead + separator.length);
      this.writeAscii(separator);
      if (width === 0) this.writeAscii("{}");
      let fieldStart = pos;
      for (let column = 0; column < width; column++) {
        let fieldEnd = column === width - 1 ? lineEnd : buf.indexOf(TAB, fieldStart);
        if (fieldEnd < 0 || fieldEnd > lineEnd) fieldEnd = lineEnd;
        const prefix = this.prefixes[column]!;
        prefix.copy(this.out, this.length);
        this.length += prefix.length;
        this.field(buf, fieldStart, fieldEnd, column);
        fieldStart = fieldEnd + 1;
      }
      if (width > 0) this.out[this.length++] = 0x7d; // }
      pos = lineEnd + 1;
    }
    return this.out.subarray(0, this.length);
  }
}

async function* rewrite(
  chunks: AsyncIterable<Uint8Array>,
  input: CopyTextInput,
  separator: (rowNumber: number) => string,
  after: (rows: number) => string,
): AsyncGenerator<Uint8Array> {
  const rewriter = new JsonRewriter(input, separator);
  for await (const chunk of chunks) {
    const bytes = rewriter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk), false);
    input.onRows?.(rewriter.rows);
    if (bytes) yield bytes;
  }
  rewriter.push(Buffer.alloc(0), true);
  const tail = after(rewriter.rows);
  if (tail) yield Buffer.from(tail, "utf8");
}

/** One JSON array of objects: `[`, rows one per line, `]`. */
export async function* writeJsonFromCopy(chunks: AsyncIterable<Uint8Array>, input: CopyTextInput) {
  yield Buffer.from("[", "utf8");
  yield* rewrite(
    chunks,
    input,
    (n) => (n === 1 ? "\n" : ",\n"),
    (rows) => (rows === 0 ? "]\n" : "\n]\n"),
  );
}

/** One JSON object per line. */
export function writeNdjsonFromCopy(chunks: AsyncIterable<Uint8Array>, input: CopyTextInput) {
  return rewrite(
    chunks,
    input,
    (n) => (n === 1 ? "" : "\n"),
    (rows) => (rows === 0 ? "" : "\n"),
  );
}
