// Fixtures for the readers' tests: files written into a temporary folder per test file,
// the default limits, and shortcuts to read every row of a file.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import {
  ImportFileError,
  inspectFile,
  readFileRows,
  type ImportLimits,
  type InspectInput,
  type InspectResult,
  type ReadChoices,
  type SourceRow,
} from "@/lib/imports";

export const LIMITS: ImportLimits = {
  maxColumns: 1000,
  maxRows: 10_000_000,
  maxCellChars: 32_767,
  maxUncompressedBytes: 2 * 1024 * 1024 * 1024,
};

/** A temporary folder removed after the test file; `file(name, bytes)` writes into it and gives the path. */
export function fixtures(): { file: (name: string, content: string | Uint8Array) => string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "outport-imports-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return {
    dir,
    file: (name, content) => {
      const path = join(dir, `${++n}-${name}`);
      writeFileSync(path, content);
      return path;
    },
  };
}

export function inspect(path: string, fileName: string, more: Partial<InspectInput> = {}): Promise<InspectResult> {
  return inspectFile(path, { fileName, limits: LIMITS, ...more });
}

export async function allRows(
  path: string,
  choices: ReadChoices,
  limits: ImportLimits = LIMITS,
  batchSize?: number,
): Promise<SourceRow[]> {
  const rows: SourceRow[] = [];
  for await (const batch of readFileRows(path, choices, { limits, batchSize })) rows.push(...batch);
  return rows;
}

/** The ImportFileError a promise rejects with (the test fails if it resolves or throws anything else). */
export async function importError(promise: Promise<unknown>): Promise<ImportFileError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImportFileError) return error;
    throw error;
  }
  throw new Error("expected an ImportFileError");
}
