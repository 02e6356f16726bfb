// The export row source: records of one dataset in id order, read in keyset batches
// (`WHERE id > last ORDER BY id LIMIT n`, never OFFSET) on the `pg` driver with type
// parsing off, filters compiled to parameterised SQL. The next batch is already being
// read while the previous one is written. A record whose data is not a JSON object is
// skipped and reported, never turned into a row of blanks. On abort, or when the consumer stops, the
// connection goes back to the pool.
import type pg from "pg";
import type { ExportPlan, FilterValue, PlannedFilter } from "../export/plan";
import { REDACTED } from "../export/plan";
import type { RowBatch } from "../export/types";

export const DEFAULT_BATCH_SIZE = 5000;

/** Collects positional parameters so no value is ever pasted into SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The JSON field as text, and as a number only where it really is one (no cast errors). */
function fieldText(key: string, params: SqlParams): string {
  return `(data->>${params.add(key)})`;
}

function fieldNumber(key: string, params: SqlParams): string {
  const k = params.add(key);
  return `(CASE WHEN jsonb_typeof(data->${k}) = 'number' THEN (data->>${k})::numeric END)`;
}

const COMPARATORS = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

function compileFilter(filter: PlannedFilter, params: SqlParams): string {
  const numeric = filter.type === "integer" || filter.type === "number";
  const field = () => (numeric ? fieldNumber(filter.column, params) : fieldText(filter.column, params));
  const value = (v: FilterValue) => (numeric ? `${params.add(v)}::numeric` : params.add(String(v)));
  switch (filter.op) {
    case "is_null": {
      const k = params.add(filter.column);
      const isNull = `(data->${k} IS NULL OR data->${k} = 'null'::jsonb)`;
      return filter.isNull ? isNull : `NOT ${isNull}`;
    }
    case "in":
      return numeric
        ? `${field()} = ANY(${params.add(filter.values)}::numeric[])`
        : `${field()} = ANY(${params.add(filter.values.map(String))}::text[])`;
    case "between": {
      const f = field();
      return `(${f} >= ${value(filter.values[0])} AND ${f} <= ${value(filter.values[1])})`;
    }
    case "contains":
      return `strpos(lower(${field()}), lower(${params.add(String(filter.value))})) > 0`;
    case "starts_with":
      return `starts_with(lower(${field()}), lower(${params.add(String(filter.value))}))`;
    case "ne":
      // "not equal" keeps records where the field is missing, as a person would expect.
      return `${field()} IS DISTINCT FROM ${value(filter.value)}`;
    default:
      return `${field()} ${COMPARATORS[filter.op]} ${value(filter.value)}`;
  }
}

function nextDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * The WHERE clause of a plan (after `dataset_id = $1`), as SQL text and parameters.
 * Dates and datetimes are stored as ISO text, so they compare as text; an end date is
 * inclusive (a datetime column takes the whole end day).
 */
export function compileWhere(plan: ExportPlan, params: SqlParams): string {
  const clauses: string[] = [];
  if (plan.dateRange) {
    const { column, type, start, end } = plan.dateRange;
    if (start) clauses.push(`${fieldText(column, params)} >= ${params.add(start)}`);
    if (end) {
      clauses.push(
        type === "datetime"
          ? `${fieldText(column, params)} < ${params.add(nextDay(end))}`
          : `${fieldText(column, params)} <= ${params.add(end)}`,
      );
    }
  }
  if (plan.filters.length > 0) {
    const parts = plan.filters.map((filter) => compileFilter(filter, params));
    clauses.push(`(${parts.join(plan.filterMode === "any" ? " OR " : " AND ")})`);
  }
  return clauses.length > 0 ? clauses.join(" AND ") : "TRUE";
}

type Query = { text: string; values: unknown[] };

function selectList(plan: ExportPlan, params: SqlParams): string {
  return plan.columns
    .map((column) => {
      if (column.redacted) return `CASE WHEN data->>${params.add(column.key)} IS NOT NULL THEN '${REDACTED}' END`;
      // JSON columns keep their JSON text; everything else is the field's text.
      return column.type === "json" ? `(data->${params.add(column.key)})` : `(data->>${params.add(column.key)})`;
    })
    .join(", ");
}

/** The count of records a plan selects (for the row cap and progress totals). */
export async function countRecords(db: pg.Pool, datasetId: number, plan: ExportPlan): Promise<number> {
  const params = new SqlParams();
  const dataset = params.add(datasetId);
  const where = compileWhere(plan, params);
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM records WHERE dataset_id = ${dataset} AND ${where}`,
    params.values,
  );
  return Number(rows[0]?.n ?? 0);
}

function batchQuery(datasetId: number, plan: ExportPlan, batchSize: number): (afterId: number) => Query {
  const params = new SqlParams();
  const dataset = params.add(datasetId);
  const columns = selectList(plan, params);
  const where = compileWhere(plan, params);
  const after = params.add(0);
  const limit = params.add(batchSize);
  const text = `SELECT id, jsonb_typeof(data) = 'object', ${columns} FROM records WHERE dataset_id = ${dataset} AND id > ${after} AND ${where} ORDER BY id LIMIT ${limit}`;
  const afterIndex = params.values.length - 2;
  return (afterId) => {
    const values = [...params.values];
    values[afterIndex] = afterId;
    return { text, values };
  };
}

// Text mode: every value arrives as the server sent it; the values module types it.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

export type ReadRowsOptions = {
  batchSize?: number;
  signal?: AbortSignal;
  /** Called for a record that is not a JSON object (it cannot become a row) and is skipped. */
  onSkip?: (recordId: number) => void;
};

/**
 * Batches of rows (values in the plan's column order) for an export. Holds one pooled
 * connection while it runs and returns it when done, aborted, or abandoned.
 */
export async function* readExportRows(
  db: pg.Pool,
  datasetId: number,
  plan: ExportPlan,
  options: ReadRowsOptions = {},
): AsyncGenerator<RowBatch> {
  options.signal?.throwIfAborted();
  const client = await db.connect();
  const state = { broken: false };
  try {
    yield* readRowsOn(client, datasetId, plan, options, state);
  } catch (error) {
    state.broken = true;
    throw error;
  } finally {
    client.release(state.broken);
  }
}

/**
 * The same batches, read on a connection the caller holds — inside its transaction, so a
 * summary computed first in a REPEATABLE READ snapshot describes exactly these rows.
 */
export async function* readRowsOn(
  client: pg.PoolClient,
  datasetId: number,
  plan: ExportPlan,
  { batchSize = DEFAULT_BATCH_SIZE, signal, onSkip }: ReadRowsOptions = {},
  state: { broken: boolean } = { broken: false },
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
  } finally {
    if (pending) {
      // An abandoned read-ahead: let it finish (or fail) before the connection is reused.
      await pending.catch(() => {
        state.broken = true;
      });
    }
  }
}
