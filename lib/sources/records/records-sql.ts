// SQL over the release-1 storage: every row of every dataset is one JSONB object in the
// `records` table. Plans compile to parameterised WHERE clauses (no value is ever pasted
// into SQL text); fields are read as text, and as numbers only where they really are JSON
// numbers, so a stray string never makes a cast fail.
import type { ExportPlan, FilterValue, PlannedFilter } from "../../export/plan";
import { REDACTED } from "../../export/plan";

/** Collects positional parameters so no value is ever pasted into SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export type Query = { text: string; values: unknown[] };

function fieldText(key: string, params: SqlParams): string {
  return `(data->>${params.add(key)})`;
}

/** A field as a number where it is a JSON number, else NULL. */
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

function selectList(plan: ExportPlan, params: SqlParams): string {
  return plan.columns
    .map((column) => {
      if (column.redacted) return `CASE WHEN data->>${params.add(column.key)} IS NOT NULL THEN '${REDACTED}' END`;
      // JSON columns keep their JSON text; everything else is the field's text.
      return column.type === "json" ? `(data->${params.add(column.key)})` : `(data->>${params.add(column.key)})`;
    })
    .join(", ");
}

export function countQuery(datasetId: number, plan: ExportPlan): Query {
  const params = new SqlParams();
  const dataset = params.add(datasetId);
  const where = compileWhere(plan, params);
  return {
    text: `SELECT count(*) AS n FROM records WHERE dataset_id = ${dataset} AND ${where}`,
    values: params.values,
  };
}

/**
 * One keyset batch after a record id: `id`, whether the record is a JSON object, then the
 * plan's columns. The same text for every batch; only the id moves.
 */
export function batchQuery(datasetId: number, plan: ExportPlan, batchSize: number): (afterId: number) => Query {
  const params = new SqlParams();
  const dataset = params.add(datasetId);
  const columns = selectList(plan, params);
  const where = compileWhere(plan, params);
  const after = params.add(0);
  const limit = params.add(batchSize);
  const text =
    `SELECT id, jsonb_typeof(data) = 'object', ${columns} FROM records ` +
    `WHERE dataset_id = ${dataset} AND id > ${after} AND ${where} ORDER BY id LIMIT ${limit}`;
  const afterIndex = params.values.length - 2;
  return (afterId) => {
    const values = [...params.values];
    values[afterIndex] = afterId;
    return { text, values };
  };
}

/** Count, and min/avg/max of each numeric column, of the records a plan selects. */
export function statisticsQuery(datasetId: number, plan: ExportPlan, numericKeys: readonly string[]): Query {
  const params = new SqlParams();
  const dataset = params.add(datasetId);
  const aggregates = numericKeys.map((key) => {
    const value = fieldNumber(key, params);
    return `, min(${value})::float8, avg(${value})::float8, max(${value})::float8`;
  });
  const where = compileWhere(plan, params);
  return {
    text:
      `SELECT count(*)::float8${aggregates.join("")} FROM records ` +
      `WHERE dataset_id = ${dataset} AND jsonb_typeof(data) = 'object' AND ${where}`,
    values: params.values,
  };
}

/** The records of one dataset a plan selects (or all of them), with one column's key as a parameter. */
function columnScope(datasetId: number, plan: ExportPlan | null, column: string) {
  const params = new SqlParams();
  const dataset = params.add(datasetId);
  const key = params.add(column);
  const where = plan ? compileWhere(plan, params) : "TRUE";
  return {
    key,
    values: params.values,
    from: `FROM records WHERE dataset_id = ${dataset} AND jsonb_typeof(data) = 'object' AND ${where}`,
  };
}

/** Records per value of a column, largest first (a plan narrows them, or none for all). */
export function categoryQuery(datasetId: number, plan: ExportPlan | null, column: string): Query {
  const { key, values, from } = columnScope(datasetId, plan, column);
  return {
    text: `SELECT data->>${key} AS label, count(*) AS n ${from} GROUP BY 1 ORDER BY count(*) DESC, 1 ASC`,
    values,
  };
}

/** Records per month of a date column (its first seven characters, YYYY-MM). */
export function monthQuery(datasetId: number, plan: ExportPlan | null, column: string): Query {
  const { key, values, from } = columnScope(datasetId, plan, column);
  return {
    text: `SELECT substr(data->>${key}, 1, 7) AS month, count(*) AS n ${from} AND data->>${key} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    values,
  };
}

export const PREVIEW_FORWARD_SQL = `SELECT id, data FROM records WHERE dataset_id = $1 AND id > $2 ORDER BY id ASC LIMIT $3`;
export const PREVIEW_BACKWARD_SQL = `SELECT id, data FROM records WHERE dataset_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`;
export const PREVIEW_AROUND_SQL = `SELECT (SELECT count(*) FROM records WHERE dataset_id = $1 AND id < $2) AS before,
        EXISTS (SELECT 1 FROM records WHERE dataset_id = $1 AND id > $3) AS has_next`;
