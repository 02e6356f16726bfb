// Reading uploaded files: inspect (what the file looks like and the columns it proposes)
// and the rows themselves, streamed in batches. See types.ts for the contract.
//
// PLACEHOLDER until the readers land: NDJSON in UTF-8 only, no inference. The readers'
// branch replaces this file whole.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import {
  ImportFileError,
  type ImportLimits,
  type InspectResult,
  type ReadChoices,
  type ReadOverrides,
  type SourceRow,
  type SourceValue,
} from "./types";

export * from "./types";

export type InspectInput = {
  /** The name the file was uploaded with: its extension is a hint to the format. */
  fileName: string;
  overrides?: ReadOverrides;
  /** Only the start of the file was sent: a cut last record is dropped, not refused. */
  partial?: boolean;
  limits: ImportLimits;
  signal?: AbortSignal;
};

export async function inspectFile(path: string, input: InspectInput): Promise<InspectResult> {
  void path;
  void input;
  throw new ImportFileError("import.error.unreadable");
}

export type ReadInput = {
  limits: ImportLimits;
  signal?: AbortSignal;
  /** Rows per batch (default 1000). */
  batchSize?: number;
  /** Bytes of the file read so far (for progress while the row count is unknown). */
  onBytes?: (bytesRead: number) => void;
};

/**
 * The rows of the file (the header row left out), in batches, values by source column as
 * inspectFile numbers them (for JSON, NDJSON and Parquet: the keys in the order inspect
 * finds them, the same for the same file). Throws ImportFileError for a file that cannot
 * be read; checks the limits as it goes.
 */
export async function* readFileRows(path: string, choices: ReadChoices, input: ReadInput): AsyncGenerator<SourceRow[]> {
  if (choices.format !== "ndjson") throw new ImportFileError("import.error.unreadable");
  let keys: string[] | null = null;
  const lines = createInterface({ input: createReadStream(path, { signal: input.signal }), crlfDelay: Infinity });
  let batch: SourceRow[] = [];
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === "") continue;
    const record = JSON.parse(text) as Record<string, unknown>;
    keys ??= Object.keys(record);
    batch.push({ line, values: keys.map((key) => (record[key] ?? null) as SourceValue) });
    if (batch.length >= (input.batchSize ?? 1000)) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
