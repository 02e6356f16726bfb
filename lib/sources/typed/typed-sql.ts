// SQL over a dataset's typed table (rows-table.ts). A plan compiles to a WHERE clause of
// real typed comparisons; no value is ever pasted into SQL text. Values are bound as `$n`
// parameters, or — for COPY, which takes no parameters — set as transaction-local settings
// and read back once per statement (`(SELECT current_setting('outport.p1')::numeric)` is
// an init plan, evaluated once, not per row).
import type { ExportPlan, FilterValue, PlannedFilter } from "../../export/plan";
import { REDACTED } from "../../export/plan";
import type { ColumnType } from "../../export/types";
import { columnSql, tableSql, type RowsTableRef, type StoredColumn } from "./rows-table";

export type Query = { text: string; values: unknown[] };

/** How a statement takes its values: bound parameters, or settings a COPY reads. */
export type ParamMode = "bind" | "settings";

const SQL_CASTS = new Set(["text", "text[]", "numeric", "numeric[]", "date", "date[]", "timestamptz", "boolean"]);

/** A PostgreSQL array literal of values (each element quoted, `\` and `"` escaped). */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => `"${String(v).replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}

/** Collects a statement's values so no value is ever pasted into SQL text. */
export class SqlParams {
  readonly values: unknown[] = [];
  constructor(readonly mode: ParamMode = "bind") {}

  /** The SQL that reads `value` as `cast` (one of a fixed set of types). */
  add(value: unknown, cast: string): string {
    if (!SQL_CASTS.has(cast)) throw new Error(`unexpected cast ${cast}`);
    if (this.mode === "bind") {
      this.values.push(value);
      return `$${this.values.length}::${cast}`;
    }
    this.values.push(Array.isArray(value) ? arrayLiteral(value) : String(value));
    return `(SELECT current_setting('outport.p${this.values.length}')::${cast})`;
  }

  /** For settings: the statement that sets them, to run first in the same transaction. */
  settingsQuery(): Query | null {
    if (this.mode !== "settings" || this.values.length === 0) return null;
    const sets = this.values.map((_, i) => `set_config('outport.p${i + 1}', $${i + 1}, true)`);
    return { text: `SELECT ${sets.join(", ")}`, values: this.values };
  }
}

/** The stored column of a key, by the dataset's column list. */
export function storedColumn(table: RowsTableRef, key: string): StoredColumn {
  const column = table.columns.find((c) => c.key === key);
  if (!column) throw new Error(`no stored column for ${JSON.stringify(key)}`);
  return column;
}

const VALUE_CASTS: Readonly<Record<ColumnType, string>> = {
  string: "text",
  integer: "numeric", // a filter's whole number may be compared to any bigint without overflow
  number: "numeric",
  date: "date",
  datetime: "timestamptz",
  boolean: "boolean",
  json: "text",
};

const COMPARATORS = { eq: "=", ne: "<>", lt: "<", lte: "<=", gt: ">", gte: ">=" } as const;

/** A datetime filter value, already `YYYY-MM-DDTHH:MM:SSZ` (plan.ts), or a date read as UTC midnight. */
function instantText(value: FilterValue, type: ColumnType): FilterValue {
  return type === "datetime" && typeof value === "string" && value.length === 10 ? `${value}T00:00:00Z` : value;
}

function compileFilter(table: RowsTableRef, filter: PlannedFilter, params: SqlParams): string {
  const stored = storedColumn(table, filter.column);
  const field = stored.type === "json" ? `(${columnSql(stored.position)} #>> '{}')` : columnSql(stored.position);
  const cast = VALUE_CASTS[stored.type];
  const value = (v: FilterValue) => params.add(instantText(v, stored.type), cast);
  switch (filter.op) {
    case "is_null":
      return filter.isNull ? `${field} IS NULL` : `${field} IS NOT NULL`;
    case "in": {
      const list = params.add(
        filter.values.map((v) => instantText(v, stored.type)),
        `${cast}[]`,
      );
      // A setting is read by a subquery, and `= ANY ((SELECT …))` compares with the subquery's
      // rows (text = text[]: an error), not the array's elements: the cast makes it an array.
      return `${field} = ANY(${params.mode === "settings" ? `${list}::${cast}[]` : list})`;
    }
    case "between":
      return `(${field} >= ${value(filter.values[0])} AND ${field} <= ${value(filter.values[1])})`;
    case "contains":
      return `strpos(lower(${field}), lower(${params.add(String(filter.value), "text")})) > 0`;
    case "starts_with":
      return `starts_with(lower(${field}), lower(${params.add(String(filter.value), "text")}))`;
    case "ne":
      // "not equal" keeps rows where the value is missing, as a person would expect.
      return `${field} IS DISTINCT FROM ${value(filter.value)}`;
    default:
      return `${field} ${COMPARATORS[filter.op]} ${value(filter.value)}`;
  }
}

/** The WHERE clause of a plan. An end date is inclusive (a datetime column takes the whole end day, in UTC). */
export function compileWhere(table: RowsTableRef, plan: ExportPlan | null, params: SqlParams): string {
  const clauses: string[] = [];
  if (plan?.dateRange) {
    const { column, type, start, end } = plan.dateRange;
    const field = columnSql(storedColumn(table, column).position);
    const bound = (day: string) =>
      type === "datetime" ? params.add(`${day}T00:00:00Z`, "timestamptz") : params.add(day, "date");
    if (start) clauses.push(`${field} >= ${bound(start)}`);
    // The whole end day: before the next midnight, counted in SQL (9999-12-31 has one too).
    if (end)
      clauses.push(
        type === "datetime"
          ? `${field} < ((${params.add(end, "date")} + 1)::timestamp AT TIME ZONE 'UTC')`
          : `${field} <= ${bound(end)}`,
      );
  }
  if (plan && plan.filters.length > 0) {
    const parts = plan.filters.map((filter) => compileFilter(table, filter, params));
    clauses.push(`(${parts.join(plan.filterMode === "any" ? " OR " : " AND ")})`);
  }
  return clauses.length > 0 ? clauses.join(" AND ") : "TRUE";
}

/** How the selected columns are written out of the table. */
export type SelectStyle =
  /** As PostgreSQL's text output has them (UTC, ISO dates): for rows parsed in Node. */
  | { kind: "values" }
  /**
   * As the CSV holds them: true/false, datetimes as `YYYY-MM-DD HH:MM:SS` in UTC (another
   * time zone is Node's to apply: it knows zones PostgreSQL reads otherwise, or not at all).
   */
  | { kind: "csv" };

function selectList(table: RowsTableRef, plan: ExportPlan, style: SelectStyle): string {
  if (plan.columns.length === 0) return "";
  return plan.columns
    .map((column) => {
      const stored = storedColumn(table, column.key);
      const field = columnSql(stored.position);
      if (column.redacted) return `CASE WHEN ${field} IS NOT NULL THEN '${REDACTED}' END`;
      if (style.kind === "values") return field;
      switch (stored.type) {
        case "boolean":
          return `${field}::text`;
        case "datetime":
          return `date_trunc('second', ${field} AT TIME ZONE 'UTC')`;
        default:
          return field;
      }
    })
    .join(", ");
}

/** The plan's rows in row-id order, for COPY (its values as settings). */
export function exportQuery(
  table: RowsTableRef,
  plan: ExportPlan,
  style: SelectStyle,
): { text: string; settings: Query | null } {
  const params = new SqlParams("settings");
  const columns = selectList(table, plan, style);
  const where = compileWhere(table, plan, params);
  return {
    // A plan of no columns still has its rows (as empty lines).
    text: `SELECT ${columns || "NULL"} FROM ${tableSql(table.rowsTable)} WHERE ${where} ORDER BY row_id`,
    settings: params.settingsQuery(),
  };
}

export function countQuery(table: RowsTableRef, plan: ExportPlan): Query {
  const params = new SqlParams();
  const where = compileWhere(table, plan, params);
  return { text: `SELECT count(*) AS n FROM ${tableSql(table.rowsTable)} WHERE ${where}`, values: params.values };
}

/** Count, and min/avg/max of each numeric column, of the rows a plan selects. */
export function statisticsQuery(table: RowsTableRef, plan: ExportPlan, numericKeys: readonly string[]): Query {
  const params = new SqlParams();
  const aggregates = numericKeys.map((key) => {
    const field = columnSql(storedColumn(table, key).position);
    return `, min(${field})::float8, avg(${field})::float8, max(${field})::float8`;
  });
  const where = compileWhere(table, plan, params);
  return {
    text: `SELECT count(*)::float8${aggregates.join("")} FROM ${tableSql(table.rowsTable)} WHERE ${where}`,
    values: params.values,
  };
}

/**
 * Per plan column, the measure of the values the plan selects, for exact Excel widths: one
 * row of aliased aggregates (`h<i>` any value; `c<i>` the longest text; `lo<i>`/`hi<i>` the
 * smallest and largest number), read back by position in the plan (typed-source.ts). Text is
 * measured as the export writes it: JSON as its text form, a redacted column as REDACTED
 * (never the hidden value's length). A plan of no columns needs no query: null.
 */
export function extentsQuery(table: RowsTableRef, plan: ExportPlan): Query | null {
  if (plan.columns.length === 0) return null;
  const params = new SqlParams();
  const aggregates = plan.columns.map((column, i) => {
    const field = columnSql(storedColumn(table, column.key).position);
    // A column's longest text or smallest number is null exactly when it holds no value:
    // only the others count theirs (every aggregate is a cost on the scan).
    if (column.redacted) return `CASE WHEN count(${field}) > 0 THEN ${REDACTED.length} END AS "c${i}"`;
    switch (column.type) {
      case "string":
        return `max(char_length(${field})) AS "c${i}"`;
      case "json":
        return `max(char_length(${field}::text)) AS "c${i}"`;
      case "integer":
      case "number":
        // As the numbers themselves (text to the driver): a numeric past float8's range
        // would make a cast fail the export over its column widths.
        return `min(${field}) AS "lo${i}", max(${field}) AS "hi${i}"`;
      default:
        return `count(${field}) > 0 AS "h${i}"`;
    }
  });
  const where = compileWhere(table, plan, params);
  return {
    text: `SELECT ${aggregates.join(", ")} FROM ${tableSql(table.rowsTable)} WHERE ${where}`,
    values: params.values,
  };
}

/** A column's value as text the way release 1 stored it (the chart labels and the preview keep it). */
function labelText(stored: StoredColumn): string {
  const field = columnSql(stored.position);
  switch (stored.type) {
    case "datetime":
      return `to_char(${field} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
    case "json":
      return `(${field} #>> '{}')`;
    case "date":
      return `to_char(${field}, 'YYYY-MM-DD')`;
    default:
      return `${field}::text`;
  }
}

/** Rows per value of a column, largest first (a plan narrows them, or none for all). */
export function categoryQuery(table: RowsTableRef, plan: ExportPlan | null, key: string): Query {
  const params = new SqlParams();
  const where = compileWhere(table, plan, params);
  return {
    text: `SELECT ${labelText(storedColumn(table, key))} AS label, count(*) AS n FROM ${tableSql(table.rowsTable)}
            WHERE ${where} GROUP BY 1 ORDER BY count(*) DESC, 1 ASC`,
    values: params.values,
  };
}

/** Rows per month (YYYY-MM, in UTC) of a date, date-time or ISO-text column. */
export function monthQuery(table: RowsTableRef, plan: ExportPlan | null, key: string): Query {
  const stored = storedColumn(table, key);
  const field = columnSql(stored.position);
  const month =
    stored.type === "datetime"
      ? `to_char(${field} AT TIME ZONE 'UTC', 'YYYY-MM')`
      : stored.type === "date"
        ? `to_char(${field}, 'YYYY-MM')`
        : `substr(${labelText(stored)}, 1, 7)`;
  const params = new SqlParams();
  const where = compileWhere(table, plan, params);
  return {
    text: `SELECT ${month} AS month, count(*) AS n FROM ${tableSql(table.rowsTable)}
            WHERE ${where} AND ${field} IS NOT NULL GROUP BY 1 ORDER BY 1`,
    values: params.values,
  };
}

/** Every column, for the preview, in the form the page shows (labelText, and JSON as JSON). */
function previewColumns(table: RowsTableRef): string {
  return table.columns
    .map((c) => (c.type === "json" ? columnSql(c.position) : labelText(c)))
    .map((sql, i) => `, ${sql} AS "v${i}"`)
    .join("");
}

/**
 * One preview page of the rows a plan selects (all rows without one), after or before a
 * row id. The cursor and the limit are bound after the plan's own values.
 */
export function previewQuery(
  table: RowsTableRef,
  direction: "forward" | "backward",
  plan: ExportPlan | null,
  cursor: number,
  limit: number,
): Query {
  const params = new SqlParams();
  const where = compileWhere(table, plan, params);
  const values = [...params.values, cursor, limit];
  const [c, l] = [`$${values.length - 1}`, `$${values.length}`];
  const t = tableSql(table.rowsTable);
  const text =
    direction === "forward"
      ? `SELECT row_id AS id${previewColumns(table)} FROM ${t} WHERE row_id > ${c} AND ${where} ORDER BY row_id ASC LIMIT ${l}`
      : `SELECT row_id AS id${previewColumns(table)} FROM ${t} WHERE row_id < ${c} AND ${where} ORDER BY row_id DESC LIMIT ${l}`;
  return { text, values };
}

/** How many selected rows precede a page, and whether any selected row follows it. */
export function previewAroundQuery(table: RowsTableRef, plan: ExportPlan | null, first: number, last: number): Query {
  const params = new SqlParams();
  const where = compileWhere(table, plan, params);
  const values = [...params.values, first, last];
  const [f, l] = [`$${values.length - 1}`, `$${values.length}`];
  const t = tableSql(table.rowsTable);
  return {
    text: `SELECT (SELECT count(*) FROM ${t} WHERE row_id < ${f} AND ${where}) AS before,
                  EXISTS (SELECT 1 FROM ${t} WHERE row_id > ${l} AND ${where}) AS has_next`,
    values,
  };
}
