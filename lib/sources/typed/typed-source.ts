// The DatasetSource over a dataset's typed table. Rows leave PostgreSQL through COPY …
// TO STDOUT: as its CSV for CSV files (finished by lib/export/formats/csv-copy.ts), or as
// its text format parsed per chunk for every other format. Filters, counts, figures, charts
// and the preview are SQL on the typed columns. A read holds one pooled connection in a
// read-only transaction and gives it back when done, aborted or abandoned; a snapshot holds
// one REPEATABLE READ transaction for all its reads.
import type pg from "pg";
import { pgPool } from "../../data/pg";
import type { CopyCsvDialect } from "../../export/formats/csv-copy";
import type { ExportPlan } from "../../export/plan";
import type { ColumnExtent, RowBatch } from "../../export/types";
import type {
  CategorySeries,
  ChartSeries,
  DatasetReader,
  DatasetSource,
  ExportSummary,
  ReadRowsOptions,
  SourceDataset,
} from "../dataset-source";
import { copyOut, type CopyState } from "./copy-out";
import { copyTextRows } from "./copy-text-rows";
import type { RowsTableRef, StoredColumn } from "./rows-table";
import {
  categoryQuery,
  countQuery,
  exportQuery,
  extentsQuery,
  monthQuery,
  previewAroundQuery,
  previewQuery,
  statisticsQuery,
  type SelectStyle,
} from "./typed-sql";

export const DEFAULT_BATCH_SIZE = 5000;
const MAX_CATEGORIES = 10;

type Queryable = Pick<pg.PoolClient, "query">;

/** Every read's session: UTC and ISO dates, whatever the server's defaults. */
const SESSION_SQL = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'";

/** The COPY option text of each delimiter the export options allow (never the option's own text). */
const COPY_DELIMITERS: Readonly<Record<string, string>> = { ",": "','", ";": "';'", "\t": "E'\\t'" };

type Copier = (client: pg.PoolClient, state: CopyState) => AsyncGenerator<Buffer>;

/** A COPY of a plan's rows on a client already in a transaction: settings first, then the stream. */
function planCopy(table: RowsTableRef, plan: ExportPlan, style: SelectStyle, options: string, signal?: AbortSignal) {
  const query = exportQuery(table, plan, style);
  return async function* (client: pg.PoolClient, state: CopyState): AsyncGenerator<Buffer> {
    if (query.settings) await client.query(query.settings);
    yield* copyOut(client, query.text, options, { signal, state });
  };
}

/**
 * Runs a COPY inside a snapshot's transaction, under a savepoint: a read stopped half-way
 * (its COPY cancelled) rolls back to it, so the snapshot's transaction stays usable for
 * the reads after it and still commits.
 */
async function* inSnapshot(client: pg.PoolClient, copier: Copier, state: CopyState): AsyncGenerator<Buffer> {
  await client.query("SAVEPOINT outport_read");
  let done = false;
  try {
    yield* copier(client, state);
    done = true;
  } finally {
    if (!state.broken) {
      await client
        .query(done ? "RELEASE SAVEPOINT outport_read" : "ROLLBACK TO SAVEPOINT outport_read")
        .catch(() => (state.broken = true));
    }
  }
}

/** Runs a COPY on its own pooled connection, in a read-only transaction ended when it is. */
async function* onPool(pool: pg.Pool, copier: Copier, signal?: AbortSignal): AsyncGenerator<Buffer> {
  signal?.throwIfAborted();
  const client = await pool.connect();
  const state: CopyState = { broken: false };
  let open = false;
  try {
    await client.query("BEGIN READ ONLY");
    open = true;
    await client.query(SESSION_SQL);
    yield* copier(client, state);
  } finally {
    if (open && !state.broken) {
      // After a cancelled COPY the transaction is aborted: ROLLBACK ends it either way.
      await client.query("ROLLBACK").catch(() => (state.broken = true));
    }
    client.release(state.broken);
  }
}

function csvStyle(table: RowsTableRef, plan: ExportPlan, dialect: CopyCsvDialect, signal?: AbortSignal) {
  const delimiter = COPY_DELIMITERS[dialect.delimiter];
  if (!delimiter) throw new Error(`no COPY delimiter for ${JSON.stringify(dialect.delimiter)}`);
  return planCopy(table, plan, { kind: "csv" }, `(FORMAT csv, DELIMITER ${delimiter})`, signal);
}

function valueRows(
  chunks: AsyncIterable<Buffer>,
  plan: ExportPlan,
  batchSize = DEFAULT_BATCH_SIZE,
): AsyncGenerator<RowBatch> {
  return copyTextRows(
    chunks,
    plan.columns.map((c) => (c.redacted ? "redacted" : c.type)),
    batchSize,
  );
}

async function charts(
  db: Queryable,
  table: RowsTableRef,
  plan: ExportPlan | null,
  columns: { category: string | null; date: string | null },
): Promise<{ byCategory: CategorySeries | null; byMonth: ChartSeries | null }> {
  let byCategory: CategorySeries | null = null;
  if (columns.category) {
    const { rows } = await db.query<{ label: string | null; n: string }>(categoryQuery(table, plan, columns.category));
    const series: CategorySeries = { labels: [], counts: [], otherCount: 0 };
    rows.forEach((row, index) => {
      if (index < MAX_CATEGORIES) {
        series.labels.push(row.label ?? "—");
        series.counts.push(Number(row.n));
      } else {
        series.otherCount += Number(row.n);
      }
    });
    byCategory = series;
  }
  let byMonth: ChartSeries | null = null;
  if (columns.date) {
    const { rows } = await db.query<{ month: string; n: string }>(monthQuery(table, plan, columns.date));
    byMonth = { labels: rows.map((r) => r.month), counts: rows.map((r) => Number(r.n)) };
  }
  return { byCategory, byMonth };
}

/** The summary of exactly the rows a plan selects: count, numeric statistics, charts. */
async function summarise(
  db: Queryable,
  dataset: SourceDataset,
  table: RowsTableRef,
  plan: ExportPlan,
): Promise<ExportSummary> {
  const numericColumns = plan.columns.filter((c) => !c.redacted && (c.type === "integer" || c.type === "number"));
  const { rows } = await db.query<unknown[]>({
    ...statisticsQuery(
      table,
      plan,
      numericColumns.map((c) => c.key),
    ),
    rowMode: "array",
  });
  const row = rows[0] ?? [];
  const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  // A sensitive category or date column the reader may not see is not charted either.
  const visible = (key: string | null) => {
    if (!key) return null;
    const column = dataset.columns.find((c) => c.key === key);
    const hidden = column?.sensitive && !plan.columns.some((c) => c.key === key && !c.redacted);
    return column && !hidden ? key : null;
  };
  const figures = await charts(db, table, plan, {
    category: visible(dataset.categoryColumn),
    date: visible(dataset.dateColumn),
  });
  return {
    records: Number(row[0] ?? 0),
    numeric: numericColumns.map((column, i) => ({
      key: column.key,
      header: column.header,
      type: column.type,
      min: num(row[1 + 3 * i]),
      avg: num(row[2 + 3 * i]),
      max: num(row[3 + 3 * i]),
    })),
    ...figures,
  };
}

async function count(db: Queryable, table: RowsTableRef, plan: ExportPlan): Promise<number> {
  const { rows } = await db.query<{ n: string }>(countQuery(table, plan));
  return Number(rows[0]?.n ?? 0);
}

/** Per plan column, the measure of the values the plan selects (extentsQuery). */
async function extents(db: Queryable, table: RowsTableRef, plan: ExportPlan): Promise<ColumnExtent[]> {
  const query = extentsQuery(table, plan);
  if (!query) return [];
  const { rows } = await db.query<Record<string, unknown>>(query);
  const row = rows[0] ?? {};
  const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return plan.columns.map((_, i) => {
    const chars = num(row[`c${i}`]);
    const min = num(row[`lo${i}`]);
    return { hasValues: row[`h${i}`] === true || chars !== null || min !== null, chars, min, max: num(row[`hi${i}`]) };
  });
}

/** A preview value as the page and the API show it: numbers, true/false, text, JSON. */
function previewValue(column: StoredColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case "integer": {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case "number":
      return Number(value);
    case "boolean":
      return value === "true";
    default:
      return value;
  }
}

/** The typed storage of a dataset that has a rows table. */
export function tableRef(dataset: SourceDataset): RowsTableRef {
  if (!dataset.rowsTable) throw new Error(`dataset ${dataset.id} has no rows table yet`);
  return { rowsTable: dataset.rowsTable, columns: dataset.columns };
}

export function typedSource(dataset: SourceDataset, pool: pg.Pool = pgPool()): DatasetSource {
  const table = tableRef(dataset);
  return {
    count: (plan) => count(pool, table, plan),
    rows: (plan, { batchSize, signal }: ReadRowsOptions = {}) =>
      valueRows(onPool(pool, planCopy(table, plan, { kind: "values" }, "", signal), signal), plan, batchSize),
    text: (plan, { signal } = {}) => onPool(pool, planCopy(table, plan, { kind: "values" }, "", signal), signal),
    csv: (plan, dialect, { signal } = {}) => onPool(pool, csvStyle(table, plan, dialect, signal), signal),
    summary: (plan) => summarise(pool, dataset, table, plan),
    extents: (plan) => extents(pool, table, plan),
    charts: (columns) => charts(pool, table, null, columns),

    async snapshot(work) {
      const client = await pool.connect();
      const state: CopyState = { broken: false };
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        await client.query(SESSION_SQL);
        const reader: DatasetReader = {
          count: (plan) => count(client, table, plan),
          rows: (plan, { batchSize, signal }: ReadRowsOptions = {}) =>
            valueRows(
              inSnapshot(client, planCopy(table, plan, { kind: "values" }, "", signal), state),
              plan,
              batchSize,
            ),
          text: (plan, { signal } = {}) =>
            inSnapshot(client, planCopy(table, plan, { kind: "values" }, "", signal), state),
          csv: (plan, dialect, { signal } = {}) => inSnapshot(client, csvStyle(table, plan, dialect, signal), state),
          summary: (plan) => summarise(client, dataset, table, plan),
          extents: (plan) => extents(client, table, plan),
        };
        const result = await work(reader);
        if (state.broken) throw new Error("a read inside the snapshot left its connection unusable");
        await client.query("COMMIT");
        return result;
      } catch (error) {
        // A failed or abandoned read leaves the transaction open: the connection is not reused.
        state.broken = true;
        throw error;
      } finally {
        client.release(state.broken);
      }
    },

    async preview({ after, before, limit, plan = null }) {
      const backwards = before !== undefined;
      const page = previewQuery(
        table,
        backwards ? "backward" : "forward",
        plan,
        backwards ? before : (after ?? 0),
        limit,
      );
      const { rows } = await pool.query<Record<string, unknown> & { id: string }>(page.text, page.values);
      if (backwards) rows.reverse();
      const first = rows[0]?.id;
      const last = rows.at(-1)?.id;
      if (first === undefined || last === undefined) return { rows: [], precedingRows: 0, hasNext: false };
      const around = previewAroundQuery(table, plan, Number(first), Number(last));
      const { rows: counts } = await pool.query<{ before: string; has_next: boolean }>(around.text, around.values);
      return {
        rows: rows.map((row) => {
          const data: Record<string, unknown> = {};
          table.columns.forEach((column, i) => (data[column.key] = previewValue(column, row[`v${i}`])));
          return { id: Number(row.id), data };
        }),
        precedingRows: Number(counts[0]?.before ?? 0),
        hasNext: counts[0]?.has_next ?? false,
      };
    },
  };
}
