// Dataset queries for pages and the datasets API: the list, one dataset with its ordered
// columns, a keyset-paged preview and the two chart aggregates.
import { exportDenial, canSeeSensitive, type Actor, type ExportDenial } from "../auth/permissions";
import { REDACTED } from "../export/plan";
import type { ColumnType } from "../generated/prisma/enums";
import { chartSeries, type ChartSeries } from "./export-summary";
import { pgPool } from "./pg";

export type DatasetColumnInfo = { key: string; label: string; type: ColumnType; sensitive: boolean };

export type DatasetInfo = {
  id: number;
  title: string;
  description: string;
  ownerId: number;
  owner: { id: number; email: string; name: string };
  recordCount: number;
  dateColumn: string | null;
  categoryColumn: string | null;
  columns: DatasetColumnInfo[];
  createdAt: Date;
};

// Plain SQL on the pg pool: these run on every dataset page, API call and export
// request, where Prisma's query compilation cost more CPU than the query itself.
const DATASET_SQL = `
  SELECT d.id, d.title, d.description, d.owner_id AS "ownerId", d.record_count AS "recordCount",
         d.date_column AS "dateColumn", d.category_column AS "categoryColumn", d.created_at AS "createdAt",
         json_build_object('id', u.id, 'email', u.email, 'name', u.name) AS owner,
         COALESCE((SELECT json_agg(json_build_object('key', c.key, 'label', c.label, 'type', c.type, 'sensitive', c.sensitive)
                                   ORDER BY c.position)
                     FROM dataset_columns c WHERE c.dataset_id = d.id), '[]'::json) AS columns
    FROM datasets d JOIN users u ON u.id = d.owner_id`;

export async function listDatasets(): Promise<DatasetInfo[]> {
  const { rows } = await pgPool().query<DatasetInfo>(`${DATASET_SQL} ORDER BY d.title, d.id`);
  return rows;
}

export async function findDataset(id: number): Promise<DatasetInfo | null> {
  const { rows } = await pgPool().query<DatasetInfo>(`${DATASET_SQL} WHERE d.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The datasets API's JSON shape (SPEC §9), with what the caller may do. */
export function presentDataset(dataset: DatasetInfo, actor: Actor) {
  const denial: ExportDenial | null = exportDenial(actor, dataset);
  return {
    id: dataset.id,
    title: dataset.title,
    description: dataset.description,
    owner_id: dataset.ownerId,
    owner_email: dataset.owner.email,
    owner_name: dataset.owner.name,
    record_count: dataset.recordCount,
    date_column: dataset.dateColumn,
    category_column: dataset.categoryColumn,
    columns: dataset.columns.map((c) => ({ key: c.key, label: c.label, type: c.type, sensitive: c.sensitive })),
    can_export: denial === null,
    export_denied_reason: denial,
    created_at: dataset.createdAt.toISOString(),
  };
}

export type DatasetJson = ReturnType<typeof presentDataset>;

export type PreviewPage = {
  rows: Array<{ id: number; values: Record<string, unknown> }>;
  /** 1-based position of the first row on this page within the dataset. */
  firstPosition: number;
  hasPrevious: boolean;
  hasNext: boolean;
};

/** Sensitive values hidden from whoever may not see them. */
export function redactValues(
  data: Record<string, unknown>,
  columns: readonly DatasetColumnInfo[],
  showSensitive: boolean,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const column of columns) {
    const value = data[column.key] ?? null;
    values[column.key] = column.sensitive && !showSensitive && value !== null ? REDACTED : value;
  }
  return values;
}

/**
 * One page of records in id order. `after` pages forward from an id, `before` pages back;
 * neither gives the first page. Keyset pagination: cost does not grow with the position.
 */
export async function previewRecords(
  dataset: DatasetInfo,
  actor: Actor,
  { after, before, limit }: { after?: number; before?: number; limit: number },
): Promise<PreviewPage> {
  const pool = pgPool();
  const backwards = before !== undefined;
  const { rows } = await pool.query<{ id: number; data: Record<string, unknown> }>(
    backwards
      ? `SELECT id, data FROM records WHERE dataset_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`
      : `SELECT id, data FROM records WHERE dataset_id = $1 AND id > $2 ORDER BY id ASC LIMIT $3`,
    [dataset.id, backwards ? before : (after ?? 0), limit],
  );
  if (backwards) rows.reverse();
  const first = rows[0]?.id;
  const last = rows.at(-1)?.id;
  if (first === undefined || last === undefined) {
    return { rows: [], firstPosition: 0, hasPrevious: false, hasNext: false };
  }
  const { rows: around } = await pool.query<{ before: string; has_next: boolean }>(
    `SELECT (SELECT count(*) FROM records WHERE dataset_id = $1 AND id < $2) AS before,
            EXISTS (SELECT 1 FROM records WHERE dataset_id = $1 AND id > $3) AS has_next`,
    [dataset.id, first, last],
  );
  const precedingRows = Number(around[0]?.before ?? 0);
  const showSensitive = canSeeSensitive(actor);
  return {
    rows: rows.map((row) => ({ id: row.id, values: redactValues(row.data, dataset.columns, showSensitive) })),
    firstPosition: precedingRows + 1,
    hasPrevious: precedingRows > 0,
    hasNext: around[0]?.has_next ?? false,
  };
}

export type { ChartSeries };

const NO_SERIES: ChartSeries = { labels: [], counts: [] };

/** Records per category (top ten, the rest as one "other" bar) and per month, over the whole dataset. */
export async function datasetChartData(
  dataset: DatasetInfo,
): Promise<{ byCategory: ChartSeries & { otherCount: number }; byMonth: ChartSeries }> {
  const { byCategory, byMonth } = await chartSeries(pgPool(), dataset.id, null, {
    category: dataset.categoryColumn,
    date: dataset.dateColumn,
  });
  return { byCategory: byCategory ?? { ...NO_SERIES, otherCount: 0 }, byMonth: byMonth ?? NO_SERIES };
}
