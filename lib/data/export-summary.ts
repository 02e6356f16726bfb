// What a PDF report's first page says about the records it exports: how many, min/avg/max
// of each numeric column, records per category and per month. One aggregate query per
// figure set, with the export's own WHERE clause, run inside the same REPEATABLE READ
// snapshot as the row read so the summary and the table can never disagree.
import type pg from "pg";
import type { ExportPlan } from "../export/plan";
import type { ColumnType } from "../export/types";
import { compileWhere, SqlParams } from "./export-source";

export type ChartSeries = { labels: string[]; counts: number[] };

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
  byCategory: (ChartSeries & { otherCount: number }) | null;
  byMonth: ChartSeries | null;
};

type Queryable = Pick<pg.PoolClient, "query">;

const MAX_CATEGORIES = 10;

/** Records per category (the ten largest, the rest counted as "other") and per month. */
export async function chartSeries(
  db: Queryable,
  datasetId: number,
  plan: ExportPlan | null,
  columns: { category: string | null; date: string | null },
): Promise<{ byCategory: (ChartSeries & { otherCount: number }) | null; byMonth: ChartSeries | null }> {
  const scope = (extra: (params: SqlParams) => string) => {
    const params = new SqlParams();
    const dataset = params.add(datasetId);
    const where = plan ? compileWhere(plan, params) : "TRUE";
    return { sql: extra(params), dataset, where, params };
  };
  let byCategory: (ChartSeries & { otherCount: number }) | null = null;
  if (columns.category) {
    const q = scope((p) => p.add(columns.category));
    const { rows } = await db.query<{ label: string | null; n: string }>(
      `SELECT data->>${q.sql} AS label, count(*) AS n FROM records WHERE dataset_id = ${q.dataset} AND jsonb_typeof(data) = 'object' AND ${q.where}
        GROUP BY 1 ORDER BY count(*) DESC, 1 ASC`,
      q.params.values,
    );
    byCategory = { labels: [], counts: [], otherCount: 0 };
    rows.forEach((row, index) => {
      if (index < MAX_CATEGORIES) {
        byCategory?.labels.push(row.label ?? "—");
        byCategory?.counts.push(Number(row.n));
      } else if (byCategory) {
        byCategory.otherCount += Number(row.n);
      }
    });
  }
  let byMonth: ChartSeries | null = null;
  if (columns.date) {
    const q = scope((p) => p.add(columns.date));
    const { rows } = await db.query<{ month: string; n: string }>(
      `SELECT substr(data->>${q.sql}, 1, 7) AS month, count(*) AS n FROM records
        WHERE dataset_id = ${q.dataset} AND jsonb_typeof(data) = 'object' AND data->>${q.sql} IS NOT NULL AND ${q.where} GROUP BY 1 ORDER BY 1`,
      q.params.values,
    );
    byMonth = { labels: rows.map((r) => r.month), counts: rows.map((r) => Number(r.n)) };
  }
  return { byCategory, byMonth };
}

/**
 * The summary of exactly the records a plan selects (records that are not JSON objects are
 * skipped by the row read, so they are not counted here either). Numeric statistics ignore values
 * that are not JSON numbers (they are reported as warnings when the rows are written).
 */
export async function summariseExport(
  db: Queryable,
  dataset: {
    id: number;
    categoryColumn: string | null;
    dateColumn: string | null;
    columns: ReadonlyArray<{ key: string; sensitive: boolean }>;
  },
  plan: ExportPlan,
): Promise<ExportSummary> {
  const numericColumns = plan.columns.filter((c) => !c.redacted && (c.type === "integer" || c.type === "number"));
  const params = new SqlParams();
  const datasetParam = params.add(dataset.id);
  const aggregates = numericColumns.map((column) => {
    const k = params.add(column.key);
    const value = `(CASE WHEN jsonb_typeof(data->${k}) = 'number' THEN (data->>${k})::numeric END)`;
    return `min(${value})::float8, avg(${value})::float8, max(${value})::float8`;
  });
  const where = compileWhere(plan, params);
  const { rows } = await db.query<unknown[]>({
    text: `SELECT count(*)::float8${aggregates.map((a) => `, ${a}`).join("")} FROM records WHERE dataset_id = ${datasetParam} AND jsonb_typeof(data) = 'object' AND ${where}`,
    values: params.values,
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
  const charts = await chartSeries(db, dataset.id, plan, {
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
    ...charts,
  };
}
