import type { ExportColumn, RowBatch, ValueWarning, WriterContext } from "@/lib/export/types";

export async function* batchesOf(rows: unknown[][], size = 1000): AsyncGenerator<RowBatch> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

export function context(columns: ExportColumn[], timezone = "UTC"): WriterContext & { warnings: ValueWarning[] } {
  const warnings: ValueWarning[] = [];
  return { columns, timezone, onWarning: (w) => warnings.push(w), warnings };
}
