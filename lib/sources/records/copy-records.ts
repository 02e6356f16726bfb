// Bulk writes of dataset records with PostgreSQL's COPY: rows stream in as text lines,
// batch by batch, so 100k rows load in seconds and nothing large sits in memory.
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** One COPY text-format line: JSON has no raw tabs or newlines, only backslashes to double. */
function copyLine(datasetId: number, row: Record<string, unknown>): string {
  return `${datasetId}\t${JSON.stringify(row).replaceAll("\\", "\\\\")}\n`;
}

/** Appends every batch of rows to the dataset in one COPY, in order (ids follow it). */
export async function copyRecords(
  pool: pg.Pool,
  datasetId: number,
  batches: Iterable<readonly Record<string, unknown>[]> | AsyncIterable<readonly Record<string, unknown>[]>,
): Promise<number> {
  const client = await pool.connect();
  let count = 0;
  try {
    const sink = client.query(copyFrom("COPY records (dataset_id, data) FROM STDIN"));
    async function* lines() {
      for await (const batch of batches) {
        let chunk = "";
        for (const row of batch) chunk += copyLine(datasetId, row);
        count += batch.length;
        yield chunk;
      }
    }
    await pipeline(Readable.from(lines()), sink);
    return count;
  } finally {
    client.release();
  }
}
