// The export engine's contract. The engine is pure: it knows nothing of HTTP, Prisma or
// users. Rows arrive in batches of values already in column order; writers turn them
// into bytes, batch by batch, so no writer ever holds a whole dataset.

export const COLUMN_TYPES = ["string", "integer", "number", "date", "datetime", "boolean", "json"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export type ExportColumn = {
  key: string;
  /** The header written to the file (the column's label, or its rename). */
  header: string;
  type: ColumnType;
  /** The property name in JSON/NDJSON (the rename, else the key). */
  jsonKey?: string;
};

/** One record's values, in the order of the export's columns. */
export type ExportRow = readonly unknown[];
export type RowBatch = readonly ExportRow[];

export type ValueWarning = {
  /** 1-based position of the row in the export. */
  row: number;
  column: string;
  message: string;
};

export type WriterContext = {
  columns: readonly ExportColumn[];
  /** IANA time zone for datetimes; "UTC" unless the caller asked for another. */
  timezone: string;
  /** Called for every value that could not be converted as its column type says. */
  onWarning: (warning: ValueWarning) => void;
};

/**
 * What the source measured of one column's values across the whole export, before the
 * rows are read (an Excel sheet states its column widths before its first row).
 */
export type ColumnExtent = {
  /** Whether the export holds any non-null value in the column. */
  hasValues: boolean;
  /** The longest value's length in characters, for text (and JSON as text); else null. */
  chars: number | null;
  /** The smallest and largest value of a numeric column; else null. */
  min: number | null;
  max: number | null;
};

/** Facts for the "Export info" sheet (and PDF summary): all plain text. */
export type ExportInfo = {
  datasetTitle: string;
  filters: string;
  user: string;
  generatedAt: Date;
};

/** A streaming sink: batches in, bytes out. Pull-based: it works only as fast as it is read. */
export type FormatWriter<Options extends object = object> = (
  batches: AsyncIterable<RowBatch>,
  context: WriterContext & Options,
) => AsyncIterable<Uint8Array>;
