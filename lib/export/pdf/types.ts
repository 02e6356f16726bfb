// What the PDF writer is given besides the rows: the summary (computed by the caller over
// exactly the rows it will stream), the words in the reader's language, and the images.
import type { ColumnType } from "../types";

export type PdfSeries = { column: string; labels: string[]; counts: number[] };

export type NumericStat = {
  header: string;
  type: ColumnType;
  min: number | null;
  avg: number | null;
  max: number | null;
};

export type PdfSummary = {
  /** The number of rows the writer will receive: the table's page count is based on it. */
  records: number;
  columnCount: number;
  /** Per numeric column of the export. */
  numeric: NumericStat[];
  /** Records per category (top ten plus "other"); null when the dataset has no category column. */
  byCategory: PdfSeries | null;
  /** Records per month; null when the dataset has no date column. */
  byMonth: PdfSeries | null;
};

/** A browser chart, already checked (./chart-images.ts): PNG bytes and their pixel size. */
export type PdfChartImage = { data: Buffer; width: number; height: number };

/** Every word the report prints, in the reader's language. */
export type PdfLabels = {
  page: (page: number, pages: number) => string;
  copyright: string;
  generated: (date: string) => string;
  summary: string;
  records: string;
  filters: string;
  exportedBy: string;
  columns: string;
  statsTitle: string;
  statsContinued: string;
  column: string;
  min: string;
  average: string;
  max: string;
  byCategory: (column: string) => string;
  byMonth: (column: string) => string;
  peak: (count: string) => string;
  noChartData: string;
  /** The bar of every category past the top ten. */
  other: string;
  browserChart: (n: number) => string;
  noRecords: string;
  yes: string;
  no: string;
  formatInteger: (n: number) => string;
  formatStat: (n: number | null, type: ColumnType) => string;
};
