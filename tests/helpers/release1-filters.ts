// Release 1's filter compiler, kept as the reference the typed read path is checked against
// (tests/sources/typed-filters.db.test.ts). Release 1 kept every row as one JSONB object in
// the `records` table; this is its WHERE clause over that storage, copied unchanged from
// lib/sources/records/records-sql.ts as it was before the typed tables replaced it (`git show
// 2263980:lib/sources/records/records-sql.ts`), less its SELECT builders. Do not
// "fix" it: its answers are what "the same rows as before" means.
//
// Fields are read as text, and as numbers only where they really are JSON numbers, so a
// stray string never makes a cast fail. Values are parameters, never SQL text.
import type { ExportPlan, FilterValue, PlannedFilter } from "@/lib/export/plan";

/** Collects positional parameters so no value is ever pasted into SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function fieldText(key: string, params: SqlParams): string {
  return `(data->>${params.add(key)})`;
}

/** A field as a number where it is a JSON number, else NULL. */
export function fieldNumber(key: string, params: SqlParams): string {
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
