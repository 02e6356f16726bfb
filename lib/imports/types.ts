// What reading an uploaded file means to the rest of Outport: the choices that say how to
// read it (detected by inspect, confirmed or overridden by the person importing), the
// limits a file must keep, and what comes out — an inspection of the first rows, then the
// rows themselves in batches, each with the line (or sheet row) it came from. This folder
// is a pure streaming library like lib/export: no Next.js, Prisma or auth inside, and never
// a whole file in memory.
import type { ColumnType } from "../export/types";

export const FILE_FORMATS = ["csv", "xlsx", "json", "ndjson", "parquet"] as const;
/** csv covers TSV and every other delimiter. */
export type FileFormat = (typeof FILE_FORMATS)[number];

export const TEXT_ENCODINGS = ["utf-8", "utf-16le", "utf-16be", "cp949", "windows-1252"] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How a file is read. Fields that do not apply to the format are null. */
export type ReadChoices = {
  format: FileFormat;
  /** Text formats (csv, json, ndjson): the file's encoding. */
  encoding: TextEncoding | null;
  /** csv only. */
  delimiter: Delimiter | null;
  /** xlsx only: the sheet's name. */
  sheet: string | null;
  /** csv and xlsx: whether the first row names the columns (json, ndjson, parquet: always named). */
  header: boolean;
};

/** What the person importing may override; inspect detects the rest. */
export type ReadOverrides = Partial<Omit<ReadChoices, "header">> & { header?: boolean };

export type ImportLimits = {
  maxColumns: number;
  maxRows: number;
  /** Characters in one cell. */
  maxCellChars: number;
  /** XLSX: uncompressed bytes of all its parts together (zip bombs); Parquet: of all its row groups. */
  maxUncompressedBytes: number;
  /** Parquet: uncompressed bytes of one row group, which is read whole (default 256 MiB). */
  maxRowGroupBytes?: number;
};

/** A column as inspect proposes it. `key` is a unique slug of the header. */
export type ProposedColumn = {
  /** Position of the column in the file (0-based): the values' index in a SourceRow. */
  source: number;
  /** The header (or JSON key) as the file has it. */
  name: string;
  key: string;
  label: string;
  type: ColumnType;
  sensitive: boolean;
};

export type InspectResult = ReadChoices & {
  /** xlsx: every sheet's name, in workbook order; [] otherwise. */
  sheets: string[];
  /** What was detected, before overrides (shown beside the choice). */
  detected: { format: FileFormat; encoding: TextEncoding | null; delimiter: Delimiter | null };
  columns: ProposedColumn[];
  /** The first rows (at most 20), values by source column, as read (not yet typed). */
  sampleRows: SourceValue[][];
  /** Things worth saying that do not stop an import, as message keys with parameters. */
  warnings: ImportMessage[];
};

/**
 * A value as the file gave it: CSV cells are strings (an empty cell is null); XLSX gives
 * numbers, strings, booleans and dates (a formula's cached value, never the formula);
 * JSON and Parquet give their own values (objects and arrays for nested ones, bigint for
 * 64-bit integers, Date for timestamps).
 */
export type SourceValue = string | number | boolean | bigint | Date | null | SourceObject;
export type SourceObject = { readonly [key: string]: unknown } | readonly unknown[];

/** One row of the file: its values by source column, and where it was. */
export type SourceRow = {
  /** CSV/NDJSON: the 1-based line the row starts on; XLSX: the sheet row; JSON array/Parquet: the 1-based record. */
  line: number;
  values: SourceValue[];
  /**
   * Set when the row cannot be imported as it stands (not an object, not JSON, a cell over
   * the length limit, a field the parser could not close): the job rejects the row with
   * this reason and goes on. Its values are then whatever could be read, possibly none.
   */
  problem?: string;
};

/** A message for a person: a catalogue key (lib/i18n) and its parameters. */
export type ImportMessage = { key: string; params?: Record<string, string | number> };

/**
 * Why a file cannot be read as asked. `status` says how the HTTP layer answers: 413 for a
 * limit of size, 422 for everything else. `field` names what to change when there is one
 * (`file`, `encoding`, `delimiter`, `sheet`, `header`, `columns`).
 */
export class ImportFileError extends Error {
  constructor(
    readonly messageKey: string,
    readonly params: Record<string, string | number> = {},
    readonly options: { status?: 413 | 422; field?: string; line?: number } = {},
  ) {
    super(messageKey);
    this.name = "ImportFileError";
  }
}
