// Gives a dataset its rows: its typed table is created, filled through COPY (every value
// fitted to its column, lib/sources/typed/row-values.ts) and recorded on the dataset with
// the row count, all in one transaction, so an interrupted load leaves no table and no
// half-filled dataset. Demo data, the benchmark dataset and imports all come in here.
import type pg from "pg";
import type { ColumnType } from "../export/types";
import { inTransaction, pgPool } from "../data/pg";
import { appendRows, type AppendOptions, type IncomingRow } from "../sources/typed/append-rows";
import { createRowsTable, finishLoad, type StoredColumn } from "../sources/typed/rows-table";

/** A dataset's columns as stored: key, type and position. */
export async function storedColumns(db: Pick<pg.PoolClient, "query">, datasetId: number): Promise<StoredColumn[]> {
  const { rows } = await db.query<{ key: string; type: ColumnType; position: number }>(
    `SELECT key, type::text AS type, position FROM dataset_columns WHERE dataset_id = $1 ORDER BY position`,
    [datasetId],
  );
  return rows;
}

/** Creates the dataset's rows table and loads `batches` into it; returns the row count. */
export async function loadDatasetRows(
  datasetId: number,
  batches: Iterable<readonly IncomingRow[]> | AsyncIterable<readonly IncomingRow[]>,
  options: AppendOptions = {},
): Promise<number> {
  const { rowsTable, count } = await inTransaction(async (client) => {
    const { rows } = await client.query<{ date_column: string | null; rows_table: string | null }>(
      `SELECT date_column, rows_table FROM datasets WHERE id = $1 FOR UPDATE`,
      [datasetId],
    );
    const dataset = rows[0];
    if (!dataset) throw new Error(`dataset ${datasetId} does not exist`);
    if (dataset.rows_table) throw new Error(`dataset ${datasetId} already has its rows`);
    const columns = await storedColumns(client, datasetId);
    const rowsTable = await createRowsTable(client, datasetId, columns, dataset.date_column);
    const count = await appendRows(client, { rowsTable, columns }, batches, options);
    await client.query(`UPDATE datasets SET rows_table = $2, record_count = $3 WHERE id = $1`, [
      datasetId,
      rowsTable,
      count,
    ]);
    return { rowsTable, count };
  });
  await finishLoad(pgPool(), rowsTable);
  return count;
}
