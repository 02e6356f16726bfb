// How a dataset's rows are reached, whatever stores them: counted and read in export order
// for a plan, summarised for a report, charted and previewed for the dataset page. The
// export use cases, the job and the pages talk to this type only; lib/sources/index.ts
// picks the implementation for a dataset.
import type { CopyCsvDialect } from "../export/formats/csv-copy";
import type { ExportPlan } from "../export/plan";
import type { ColumnExtent, ColumnType, RowBatch } from "../export/types";

/** What a source needs to know of its dataset. */
export type SourceDataset = {
  id: number;
  /** The typed table of its rows (lib/sources/typed/rows-table.ts). */
  rowsTable: string | null;
  categoryColumn: string | null;
  dateColumn: string | null;
  columns: ReadonlyArray<{ key: string; type: ColumnType; position: number; sensitive: boolean }>;
};

export type ReadRowsOptions = {
  batchSize?: number;
  signal?: AbortSignal;
};

export type ChartSeries = { labels: string[]; counts: number[] };
/** The largest categories, and how many records the rest hold together. */
export type CategorySeries = ChartSeries & { otherCount: number };

export type ExportSummary = {
  records: number;
  numeric: Array<{
    key: string;
    header: string;
    type: ColumnType;
    min: number | null;
    avg: number | null;
    max: number | null;
  }>;
  byCategory: CategorySeries | null;
  byMonth: ChartSeries | null;
};

export type PreviewPage = {
  rows: Array<{ id: number; data: Record<string, unknown> }>;
  /** Rows before the first one on this page. */
  precedingRows: number;
  hasNext: boolean;
};

/** The reads an export makes: on the pool, or inside one snapshot. */
export type DatasetReader = {
  /** The rows a plan selects. */
  count(plan: ExportPlan): Promise<number>;
  /** Batches of rows in export order, values in the plan's column order; stops on abort or return(). */
  rows(plan: ExportPlan, options?: ReadRowsOptions): AsyncGenerator<RowBatch>;
  /** The same rows in PostgreSQL's COPY text format, in UTC with ISO dates (lib/export/formats/json-copy.ts). */
  text(plan: ExportPlan, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array>;
  /** The same rows as PostgreSQL's CSV, as lib/export/formats/csv-copy.ts expects it. */
  csv(plan: ExportPlan, dialect: CopyCsvDialect, options?: { signal?: AbortSignal }): AsyncGenerator<Uint8Array>;
  /** Figures of exactly the rows a plan selects: count, numeric statistics, charts. */
  summary(plan: ExportPlan): Promise<ExportSummary>;
  /** Per plan column, the measure of the values the plan selects (longest text, smallest and largest number). */
  extents(plan: ExportPlan): Promise<ColumnExtent[]>;
};

export type DatasetSource = DatasetReader & {
  /**
   * Runs `work` on one consistent view of the data: what it reads first (a summary) and
   * what it reads after (the rows) describe the same records. Ends the view when `work`
   * settles.
   */
  snapshot<T>(work: (reader: DatasetReader) => Promise<T>): Promise<T>;
  /** Records per category and per month over the whole dataset (the dataset page). */
  charts(columns: { category: string | null; date: string | null }): Promise<{
    byCategory: CategorySeries | null;
    byMonth: ChartSeries | null;
  }>;
  /**
   * One page in row order of the rows a plan selects (every row without one): `after`
   * pages forward from a row id, `before` back; neither gives the first.
   */
  preview(page: { after?: number; before?: number; limit: number; plan?: ExportPlan | null }): Promise<PreviewPage>;
};
