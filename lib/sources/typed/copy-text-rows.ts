// PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash escapes) parsed
// into batches of row values, one pass per chunk: each run of complete rows is decoded once
// and split, instead of the driver's one string per value. The values take the shapes the
// export engine reads (lib/export/values.ts): text as text, numbers as their digits, true and
// false, dates `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the session is in UTC).
import type { ColumnType, RowBatch } from "../../export/types";

const ESCAPES: Readonly<Record<string, string>> = {
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

function unescape(field: string): string {
  return field.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, code: string) => {
    if (code.length > 1 && code[0] === "x") return String.fromCharCode(parseInt(code.slice(1), 16));
    if (/^[0-7]/.test(code)) return String.fromCharCode(parseInt(code, 8));
    return ESCAPES[code] ?? code;
  });
}

type Convert = (field: string) => unknown;

/** `2024-03-05 12:34:56.5+00` → `2024-03-05T12:34:56.5Z`. */
function utcDateTime(field: string): string {
  return field.endsWith("+00") ? `${field.slice(0, 10)}T${field.slice(11, -3)}Z` : field;
}

function converter(type: ColumnType | "redacted"): Convert {
  switch (type) {
    case "boolean":
      return (field) => (field === "t" ? true : field === "f" ? false : field);
    case "datetime":
      return utcDateTime;
    case "string":
    case "json":
    case "redacted":
      return (field) => (field.includes("\\") ? unescape(field) : field);
    default:
      return (field) => field;
  }
}

/**
 * Turns COPY text chunks into batches of about `batchSize` rows (row boundaries may fall
 * anywhere in a chunk). A plan of no columns reads one null per row, giving empty rows.
 */
export async function* copyTextRows(
  chunks: AsyncIterable<Buffer>,
  types: ReadonlyArray<ColumnType | "redacted">,
  batchSize: number,
): AsyncGenerator<RowBatch> {
  const converters = types.map(converter);
  const width = types.length;
  let rest: Buffer | null = null;
  let batch: unknown[][] = [];
  const take = (text: string) => {
    const lines = text.split("\n");
    for (let l = 0; l < lines.length; l++) {
      const line = lines[l]!;
      if (width === 0) {
        batch.push([]);
        continue;
      }
      const fields = width === 1 ? [line] : line.split("\t");
      const row = new Array<unknown>(width);
      for (let i = 0; i < width; i++) {
        const field = fields[i]!;
        row[i] = field === "\\N" ? null : converters[i]!(field);
      }
      batch.push(row);
    }
  };
  for await (const chunk of chunks) {
    const end = chunk.lastIndexOf(10);
    if (end < 0) {
      rest = rest ? Buffer.concat([rest, chunk]) : chunk;
      continue;
    }
    const head = rest ? Buffer.concat([rest, chunk.subarray(0, end)]) : chunk.subarray(0, end);
    rest = end + 1 < chunk.length ? chunk.subarray(end + 1) : null;
    take(head.toString("utf8"));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (rest && rest.length > 0) take(rest.toString("utf8").replace(/\n$/, ""));
  if (batch.length > 0) yield batch;
}
