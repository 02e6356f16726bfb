// Reading datasets with their ordered columns: the list and one by id. Plain SQL on the
// pg pool: these run on every dataset page, API call and export request, where Prisma's
// query compilation cost more CPU than the query itself. Only ready datasets are seen: one
// an import is still creating, or one deleted, is invisible to every user-facing path.
import { pgPool, type Db } from "../data/pg";
import type { ColumnType } from "../generated/prisma/enums";

export type DatasetColumnInfo = { key: string; label: string; type: ColumnType; sensitive: boolean; position: number };

export type DatasetInfo = {
  id: number;
  title: string;
  description: string;
  ownerId: number;
  owner: { id: number; email: string; name: string };
  recordCount: number;
  dateColumn: string | null;
  categoryColumn: string | null;
  /** The typed table of its rows (null only before release 1's records are moved). */
  rowsTable: string | null;
  columns: DatasetColumnInfo[];
  createdAt: Date;
};

const DATASET_SQL = `
  SELECT d.id, d.title, d.description, d.owner_id AS "ownerId", d.record_count AS "recordCount",
         d.date_column AS "dateColumn", d.category_column AS "categoryColumn", d.rows_table AS "rowsTable", d.created_at AS "createdAt",
         json_build_object('id', u.id, 'email', u.email, 'name', u.name) AS owner,
         COALESCE((SELECT json_agg(json_build_object('key', c.key, 'label', c.label, 'type', c.type,
                                                     'sensitive', c.sensitive, 'position', c.position)
                                     ORDER BY c.position)
                     FROM dataset_columns c WHERE c.dataset_id = d.id), '[]'::json) AS columns
    FROM datasets d JOIN users u ON u.id = d.owner_id`;

const VISIBLE = `d.status = 'ready' AND d.deleted_at IS NULL`;

/** A dataset as a picker over history lists it: deleted ones too, since their records stay. */
export type DatasetChoice = { id: number; title: string; deleted: boolean };

/** Every dataset, the live ones first, by title. */
export async function listDatasetChoices(): Promise<DatasetChoice[]> {
  const { rows } = await pgPool().query<DatasetChoice>(
    `SELECT d.id, d.title, d.deleted_at IS NOT NULL AS deleted
       FROM datasets d
      ORDER BY d.deleted_at IS NOT NULL, d.title, d.id`,
  );
  return rows;
}

/**
 * SQL text joining the dataset named by an integer expression (NULL joins nothing) under
 * `alias`, whatever its state, for another table's list query to read its title.
 */
export function leftJoinDatasetSql(alias: string, idExpression: string): string {
  return `LEFT JOIN datasets ${alias} ON ${alias}.id = ${idExpression}`;
}

export async function listDatasets(): Promise<DatasetInfo[]> {
  const { rows } = await pgPool().query<DatasetInfo>(`${DATASET_SQL} WHERE ${VISIBLE} ORDER BY d.title, d.id`);
  return rows;
}

export async function findDataset(id: number): Promise<DatasetInfo | null> {
  const { rows } = await pgPool().query<DatasetInfo>(`${DATASET_SQL} WHERE d.id = $1 AND ${VISIBLE}`, [id]);
  return rows[0] ?? null;
}

/** A dataset whatever its state (importing, deleted): for the import job and the sweep only. */
export async function findDatasetAnyState(
  id: number,
  db: Db = pgPool(),
): Promise<(DatasetInfo & { status: "importing" | "ready"; deletedAt: Date | null }) | null> {
  const { rows } = await db.query<DatasetInfo & { status: "importing" | "ready"; deletedAt: Date | null }>(
    `${DATASET_SQL.replace("SELECT d.id,", `SELECT d.status, d.deleted_at AS "deletedAt", d.id,`)} WHERE d.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}
