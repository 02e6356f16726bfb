// Release 1's read of a dataset's rows, reproduced for comparison only: the move of its
// `records` into typed tables (lib/data/move-records.ts) is proven by exporting a dataset
// from these reads before the move and from the typed source after it. As release 1 did:
// each column is the field's text (`data->>'key'`), a JSON column its JSON text
// (`data->'key'`), a column the plan redacts the stand-in where the field has a value;
// records in id order, those whose data is not a JSON object skipped; every value as the
// server sent it (no type parsing: the export engine types the text).
import type pg from "pg";
import { REDACTED, type ExportPlan } from "@/lib/export/plan";
import type { RowBatch } from "@/lib/export/types";

const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

export async function* release1Rows(
  pool: pg.Pool,
  datasetId: number,
  plan: Pick<ExportPlan, "columns">,
  batchSize = 3,
): AsyncGenerator<RowBatch> {
  const values: unknown[] = [datasetId];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const select = plan.columns.map((column) => {
    if (column.redacted) return `CASE WHEN data->>${param(column.key)} IS NOT NULL THEN '${REDACTED}' END`;
    return column.type === "json" ? `(data->${param(column.key)})` : `(data->>${param(column.key)})`;
  });
  const after = param(0);
  const limit = param(batchSize);
  const text =
    `SELECT id, jsonb_typeof(data) = 'object'${select.map((s) => `, ${s}`).join("")} FROM records ` +
    `WHERE dataset_id = $1 AND id > ${after} ORDER BY id LIMIT ${limit}`;
  let lastId = 0;
  for (;;) {
    values[values.length - 2] = lastId;
    const { rows } = await pool.query<string[]>({
      text,
      values,
      rowMode: "array",
      types: TEXT_TYPES,
    } as pg.QueryArrayConfig);
    if (rows.length === 0) return;
    lastId = Number(rows[rows.length - 1]![0]);
    const batch = rows.filter((row) => row[1] === "t").map((row) => (row as unknown[]).slice(2));
    if (batch.length > 0) yield batch;
    if (rows.length < batchSize) return;
  }
}
