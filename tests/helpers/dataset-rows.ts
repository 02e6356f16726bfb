// A dataset's rows read straight from its typed table, as the expected side of a test:
// plain objects keyed by column key, each value in the shape release 1 kept it in JSON
// (numbers as numbers, booleans, dates `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SSZ` in
// UTC, JSON parsed, text as it is). Plain SQL on the table, none of the export path's code,
// so a test compares what the app wrote with what PostgreSQL holds.
import type { ColumnType } from "@/lib/export/types";
import { pgPool } from "@/lib/data/pg";
import { columnSql, tableSql } from "@/lib/sources/typed/rows-table";

export type StoredRow = Record<string, unknown>;

export type DatasetTable = {
  datasetId: number;
  /** `dataset_rows."d42"`, ready for SQL. */
  table: string;
  columns: Array<{ key: string; type: ColumnType; position: number }>;
  /** `"c3"`: the SQL name of the column with this key (throws on an unknown key). */
  column: (key: string) => string;
};

/** Where a dataset's rows are: its typed table and its columns, by id or by title. */
export async function datasetTable(dataset: number | string): Promise<DatasetTable> {
  const pool = pgPool();
  const found = await pool.query<{ id: number; rows_table: string | null }>(
    typeof dataset === "number"
      ? "SELECT id, rows_table FROM datasets WHERE id = $1"
      : "SELECT id, rows_table FROM datasets WHERE title = $1",
    [dataset],
  );
  if (found.rows.length !== 1) throw new Error(`expected one dataset ${JSON.stringify(dataset)}`);
  const { id, rows_table } = found.rows[0]!;
  if (!rows_table) throw new Error(`dataset ${id} has no rows table`);
  const { rows: columns } = await pool.query<{ key: string; type: ColumnType; position: number }>(
    "SELECT key, type::text AS type, position FROM dataset_columns WHERE dataset_id = $1 ORDER BY position",
    [id],
  );
  return {
    datasetId: id,
    table: tableSql(rows_table),
    columns,
    column(key) {
      const found = columns.find((c) => c.key === key);
      if (!found) throw new Error(`dataset ${id} has no column ${JSON.stringify(key)}`);
      return columnSql(found.position);
    },
  };
}

/** The SQL that gives a column's value as text (or JSON) whose shape `storedValue` finishes. */
function selectSql(type: ColumnType, column: string): string {
  switch (type) {
    case "integer":
    case "number":
      return `${column}::text`;
    case "date":
      return `to_char(${column}, 'YYYY-MM-DD')`;
    case "datetime":
      return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    case "boolean":
    case "json":
    case "string":
      return column;
  }
}

function storedValue(type: ColumnType, value: unknown): unknown {
  if (value === null) return null;
  if (type === "integer" || type === "number") return Number(value);
  // A fraction of a second only when there is one (release 1's values had none).
  if (type === "datetime") return `${String(value).replace(/\.?0+$/, "")}Z`;
  return value;
}

/** Every row of a dataset in row id order, each with its `row_id` kept aside. */
export async function storedRowsWithIds(dataset: number | string): Promise<Array<{ rowId: number; data: StoredRow }>> {
  const { table, columns } = await datasetTable(dataset);
  const list = columns.map((c, i) => `${selectSql(c.type, columnSql(c.position))} AS v${i}`);
  const { rows } = await pgPool().query<Record<string, unknown>>(
    `SELECT row_id${list.map((s) => `, ${s}`).join("")} FROM ${table} ORDER BY row_id`,
  );
  return rows.map((row) => ({
    rowId: Number(row.row_id),
    data: Object.fromEntries(columns.map((c, i) => [c.key, storedValue(c.type, row[`v${i}`])])),
  }));
}

/** Every row of a dataset in row id order (the export order). */
export async function storedRows(dataset: number | string): Promise<StoredRow[]> {
  return (await storedRowsWithIds(dataset)).map((r) => r.data);
}
