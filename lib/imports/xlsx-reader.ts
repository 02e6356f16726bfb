// XLSX workbooks (in progress).
import { ImportFileError, type ImportLimits, type SourceRow } from "./types";

export type WorkbookInfo = { sheets: { name: string; part: string }[] };

export async function openWorkbook(path: string, limits: ImportLimits): Promise<WorkbookInfo> {
  void path;
  void limits;
  throw new ImportFileError("import.error.unreadable", {}, { status: 422, field: "file" });
}

export async function* sheetRecords(
  path: string,
  sheet: string,
  options: { limits: ImportLimits },
): AsyncGenerator<SourceRow[]> {
  void path;
  void sheet;
  void options;
  throw new ImportFileError("import.error.unreadable", {}, { status: 422, field: "file" });
}
