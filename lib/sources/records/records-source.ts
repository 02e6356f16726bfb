// The DatasetSource over the `records` table: rows read in keyset batches
// (`WHERE id > last ORDER BY id LIMIT n`, never OFFSET) on the `pg` driver with type
// parsing off, the next batch already being read while the previous one is written. A
// record whose data is not a JSON object is skipped and reported, never turned into a row
// of blanks. A read holds one pooled connection and gives it back when done, aborted or
// abandoned; a snapshot holds one REPEATABLE READ transaction for all its reads.
import type pg from "pg";
import { pgPool } from "../../data/pg";
import type { ExportPlan } from "../../export/plan";
import type { RowBatch } from "../../export/types";
import type {
  CategorySeries,
  ChartSeries,
  DatasetReader,
  DatasetSource,
  ExportSummary,
  ReadRowsOptions,
  SourceDataset,
} from "../dataset-source";
import {
  batchQuery,
  categoryQuery,
  countQuery,
  monthQuery,
  PREVIEW_AROUND_SQL,
  PREVIEW_BACKWARD_SQL,
  PREVIEW_FORWARD_SQL,
  statisticsQuery,
} from "./records-sql";

export const DEFAULT_BATCH_SIZE = 5000;
const MAX_CATEGORIES = 10;

type Queryable = Pick<pg.PoolClient, "query">;

// Text mode: every value arrives as the server sent it; lib/export/values types it.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/** Reads on a connection the caller holds (inside its transaction, for a snapshot). */
async function* readRowsOn(
  client: pg.PoolClient,
  datasetId: number,
  plan: ExportPlan,
  { batchSize = DEFAULT_BATCH_SIZE, signal, onSkip }: ReadRowsOptions,
  state: { broken: boolean },
): AsyncGenerator<RowBatch> {
  signal?.throwIfAborted();
  const query = batchQuery(datasetId, plan, batchSize);
  const fetch = (afterId: number) =>
    client.query<string[]>({ ...query(afterId), rowMode: "array", types: TEXT_TYPES } as pg.QueryArrayConfig);
  let pending: Promise<pg.QueryArrayResult<string[]>> | null = fetch(0);
  try {
    while (pending) {
      const result: pg.QueryArrayResult<string[]> = await pending;
      pending = null;
      signal?.throwIfAborted();
      const rows = result.rows;
      if (rows.length === 0) return;
      const lastId = Number(rows[rows.length - 1]?.[0]);
      // Read ahead: PostgreSQL prepares the next batch while this one is written.
      if (rows.length === batchSize) pending = fetch(lastId);
      const batch: unknown[][] = [];
      for (const row of rows) {
        if (row[1] === "t") batch.push((row as unknown[]).slice(2));
        else onSkip?.(Number(row[0]));
      }
      if (batch.length > 0) yield batch;
    }
  } catch (error) {
    state.broken = true;
    throw error;
  } finally {
    if (pending) {
      // An abandoned read-ahead: let it finish (or fail) before the connection is reused.
      await pending.catch(() => {
        state.broken = true;
      });
    }
  }
}

async function* readRowsOnPool(
  pool: pg.Pool,
  datasetId: number,
  plan: ExportPlan,
  options: ReadRowsOptions,
): AsyncGenerator<RowBatch> {
  options.signal?.throwIfAborted();
  const client = await pool.connect();
  const state = { broken: false };
  try {
    yield* readRowsOn(client, datasetId, plan, options, state);
  } finally {
    client.release(state.broken);
  }
}

async function charts(
  db: Queryable,
  datasetId: number,
  plan: ExportPlan | null,
  columns: { category: string | null; date: string | null },
): Promise<{ byCategory: CategorySeries | null; byMonth: ChartSeries | null }> {
  let byCategory: CategorySeries | null = null;
  if (columns.category) {
    const { rows } = await db.query<{ label: string | null; n: string }>(
      categoryQuery(datasetId, plan, columns.category),
    );
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
    const { rows } = await db.query<{ month: string; n: string }>(monthQuery(datasetId, plan, columns.date));
    byMonth = { labels: rows.map((r) => r.month), counts: rows.map((r) => Number(r.n)) };
  }
  return { byCategory, byMonth };
}

/**
 * The summary of exactly the records a plan selects (records that are not JSON objects are
 * skipped by the row read, so they are not counted here either). Numeric statistics ignore
 * values that are not JSON numbers (they are reported as warnings when the rows are written).
 */
async function summarise(db: Queryable, dataset: SourceDataset, plan: ExportPlan): Promise<ExportSummary> {
  const numericColumns = plan.columns.filter((c) => !c.redacted && (c.type === "integer" || c.type === "number"));
  const { rows } = await db.query<unknown[]>({
    ...statisticsQuery(
      dataset.id,
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
  const figures = await charts(db, dataset.id, plan, {
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

async function count(db: Queryable, datasetId: number, plan: ExportPlan): Promise<number> {
  const { rows } = await db.query<{ n: string }>(countQuery(datasetId, plan));
  return Number(rows[0]?.n ?? 0);
}

export function recordsSource(dataset: SourceDataset, pool: pg.Pool = pgPool()): DatasetSource {
  return {
    count: (plan) => count(pool, dataset.id, plan),
    rows: (plan, options = {}) => readRowsOnPool(pool, dataset.id, plan, options),
    summary: (plan) => summarise(pool, dataset, plan),
    charts: (columns) => charts(pool, dataset.id, null, columns),

    async snapshot(work) {
      const client = await pool.connect();
      const state = { broken: false };
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const reader: DatasetReader = {
          count: (plan) => count(client, dataset.id, plan),
          rows: (plan, options = {}) => readRowsOn(client, dataset.id, plan, options, state),
          summary: (plan) => summarise(client, dataset, plan),
        };
        const result = await work(reader);
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

    async preview({ after, before, limit }) {
      const backwards = before !== undefined;
      const { rows } = await pool.query<{ id: number; data: Record<string, unknown> }>(
        backwards ? PREVIEW_BACKWARD_SQL : PREVIEW_FORWARD_SQL,
        [dataset.id, backwards ? before : (after ?? 0), limit],
      );
      if (backwards) rows.reverse();
      const first = rows[0]?.id;
      const last = rows.at(-1)?.id;
      if (first === undefined || last === undefined) return { rows: [], precedingRows: 0, hasNext: false };
      const { rows: around } = await pool.query<{ before: string; has_next: boolean }>(PREVIEW_AROUND_SQL, [
        dataset.id,
        first,
        last,
      ]);
      return {
        rows,
        precedingRows: Number(around[0]?.before ?? 0),
        hasNext: around[0]?.has_next ?? false,
      };
    },
  };
}
