// The move from release 1's storage: every dataset whose rows are still JSON objects in
// `records` gets its typed table, and its records move into it batch by batch, each batch
// in one transaction that inserts the rows (keeping their ids) and deletes the records. An
// interrupted move resumes where it stopped; a finished one leaves `records` empty. A value
// that does not fit its column's type becomes null in the row, with a warning in the log
// and a `row_value_dropped` audit event that names the row and keeps the value. A record
// that is not a JSON object (release 1 skipped those in every export) becomes no row, and
// its audit event keeps it whole. Run after the migrations by openDatabase (bootstrap.ts).
import type pg from "pg";
import { recordAudit } from "../audit/audit";
import { storedColumns } from "../datasets/dataset-rows";
import { appendIdentifiedRows, type IdentifiedRow, type UnfitValue } from "../sources/typed/append-rows";
import { createRowsTable, finishLoad, ROWS_SCHEMA, rowsTableName, tableSql } from "../sources/typed/rows-table";
import { safeJson } from "../export/values";
import { inTransaction, pgPool } from "./pg";

const BATCH_SIZE = 10_000;
/** Warnings written to the log per dataset; the audit trail has every one. */
const LOGGED_WARNINGS = 20;
/** A dropped value longer than this is kept in its event cut to this many characters. */
const KEPT_VALUE_CHARS = 2000;

export type MoveReport = { datasets: number; rows: number; droppedValues: number; skippedRecords: number };

function keptValue(value: unknown): string {
  const text = typeof value === "string" ? value : safeJson(value);
  return text.length > KEPT_VALUE_CHARS ? `${text.slice(0, KEPT_VALUE_CHARS)}…` : text;
}

async function tableExists(db: Pick<pg.PoolClient, "query">, rowsTable: string): Promise<boolean> {
  const { rows } = await db.query<{ found: string | null }>(`SELECT to_regclass($1) AS found`, [
    `${ROWS_SCHEMA}."${rowsTable}"`,
  ]);
  return rows[0]?.found != null;
}

async function moveDataset(
  dataset: { id: number; title: string; date_column: string | null },
  log: (line: string) => void,
  report: MoveReport,
): Promise<void> {
  const pool = pgPool();
  const columns = await storedColumns(pool, dataset.id);
  const rowsTable = rowsTableName(dataset.id);
  if (!(await tableExists(pool, rowsTable))) {
    await inTransaction((client) => createRowsTable(client, dataset.id, columns, dataset.date_column));
  }
  const table = { rowsTable, columns };
  let logged = 0;
  const warn = (line: string) => {
    if (logged++ < LOGGED_WARNINGS) log(`  ${dataset.title}: ${line}`);
  };
  for (;;) {
    const moved = await inTransaction(async (client) => {
      const { rows } = await client.query<{ id: number; data: unknown }>(
        `SELECT id, data FROM records WHERE dataset_id = $1 ORDER BY id LIMIT $2`,
        [dataset.id, BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      const objects: IdentifiedRow[] = [];
      for (const row of rows) {
        if (row.data !== null && typeof row.data === "object" && !Array.isArray(row.data)) {
          objects.push({ rowId: row.id, data: row.data as Record<string, unknown> });
          continue;
        }
        report.skippedRecords++;
        warn(`record ${row.id} is not a JSON object and becomes no row (kept in the audit trail)`);
        await recordAudit(
          {
            action: "row_value_dropped",
            targetId: dataset.id,
            details: { row_id: row.id, column: null, value: keptValue(row.data), reason: "not a JSON object" },
          },
          client,
        );
      }
      const unfit: UnfitValue[] = [];
      await appendIdentifiedRows(client, table, [objects], { onUnfit: (u) => unfit.push(u) });
      for (const u of unfit) {
        report.droppedValues++;
        warn(`row ${u.rowId}, column ${u.column}: ${u.reason}; stored as empty (the value is in the audit trail)`);
        await recordAudit(
          {
            action: "row_value_dropped",
            targetId: dataset.id,
            details: { row_id: u.rowId, column: u.column, value: keptValue(u.value), reason: u.reason },
          },
          client,
        );
      }
      const lastId = rows[rows.length - 1]!.id;
      await client.query(`DELETE FROM records WHERE dataset_id = $1 AND id <= $2`, [dataset.id, lastId]);
      report.rows += objects.length;
      return rows.length;
    });
    if (moved === 0) break;
  }
  await inTransaction(async (client) => {
    await client.query(
      `UPDATE datasets SET rows_table = $2, record_count = (SELECT count(*) FROM ${tableSql(rowsTable)}) WHERE id = $1`,
      [dataset.id, rowsTable],
    );
  });
  await finishLoad(pool, rowsTable);
  if (logged > LOGGED_WARNINGS)
    log(`  ${dataset.title}: … and ${logged - LOGGED_WARNINGS} more (all in the audit trail)`);
  report.datasets++;
}

/** Moves every dataset still in `records` into its typed table. Safe to run at every start. */
export async function moveRecordsToTypedTables(log: (line: string) => void): Promise<MoveReport> {
  const report: MoveReport = { datasets: 0, rows: 0, droppedValues: 0, skippedRecords: 0 };
  const { rows } = await pgPool().query<{ id: number; title: string; date_column: string | null }>(
    `SELECT id, title, date_column FROM datasets WHERE rows_table IS NULL ORDER BY id`,
  );
  if (rows.length === 0) return report;
  const started = Date.now();
  log(`Moving the rows of ${rows.length} dataset(s) into typed tables …`);
  for (const dataset of rows) await moveDataset(dataset, log, report);
  log(
    `Moved ${report.rows.toLocaleString("en")} rows in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (report.droppedValues + report.skippedRecords > 0
        ? ` (${report.droppedValues} values did not fit their columns, ${report.skippedRecords} records were not objects; see the audit trail).`
        : "."),
  );
  return report;
}
