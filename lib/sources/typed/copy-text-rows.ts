// PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash escapes) parsed
// into batches of row values, one pass per chunk: each run of complete rows is decoded once
// and split, instead of the driver's one string per value. The values take the shapes the
// export engine reads (lib/export/values.ts): text as text, numbers as their digits, true and
// false, dates `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the session is in UTC).
import { copyTextConverter } from "../../export/formats/json-copy";
import type { ColumnType, RowBatch } from "../../export/types";

/**
 * Turns COPY text chunks into batches of about `batchSize` rows (row boundaries may fall
 * anywhere in a chunk). A plan of no columns reads one null per row, giving empty rows.
 */
export async function* copyTextRows(
  chunks: AsyncIterable<Buffer>,
  types: ReadonlyArray<ColumnType | "redacted">,
  batchSize: number,
): AsyncGenerator<RowBatch> {
  const converters = types.map(copyTextConverter);
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
