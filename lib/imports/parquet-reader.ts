// Parquet files (in progress).
import { ImportFileError, type ImportLimits, type SourceRow } from "./types";

export async function parquetColumns(path: string): Promise<string[]> {
  void path;
  throw new ImportFileError("import.error.unreadable", {}, { status: 422, field: "file" });
}

export async function* parquetRecords(path: string, options: { limits: ImportLimits }): AsyncGenerator<SourceRow[]> {
  void path;
  void options;
  throw new ImportFileError("import.error.unreadable", {}, { status: 422, field: "file" });
}
