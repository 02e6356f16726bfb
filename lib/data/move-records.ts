// The move from release 1's storage: every dataset whose rows are still JSON objects in
// `records` gets its typed table, and its records move into it batch by batch, each batch
// in one transaction that inserts the rows (keeping their ids) and deletes the records. An
// interrupted move resumes where it stopped; a finished one leaves `records` empty. A value
// that does not fit its column's type becomes null in the row, with a warning in the log
// and a `row_value_dropped` audit event that names the row and keeps the value. A record
// that is not a JSON object (release 1 skipped those in every export) becomes no row, and
// its audit event keeps it whole. Fields are read as the text release 1 exported, so a big
// number keeps its digits; a warning on a sensitive column does not print the value (the
// audit trail, for admins, keeps it). Each batch holds an advisory lock on its dataset, so
// two processes starting at once take turns. Run after the migrations by openDatabase (bootstrap.ts).
import type pg from "pg";
import { recordAudit } from "../audit/audit";
import { storedColumns } from "../datasets/dataset-rows";
import type { ColumnType } from "../export/types";
import { appendIdentifiedRows, type IdentifiedRow, type UnfitValue } from "../sources/typed/append-rows";
import { JsonText } from "../sources/typed/row-values";
import {
  createRowsTable,
  finishLoad,
  ROWS_SCHEMA,
  rowsTableName,
  tableSql,
  type StoredColumn,
} from "../sources/typed/rows-table";
import { safeJson } from "../export/values";
import { inTransaction, pgPool } from "./pg";

const BATCH_SIZE = 10_000;
export type MoveOptions = { /** Records per transaction (tests take small batches). */ batchSize?: number };
/** Warnings written to the log per dataset; the audit trail has every one. */
const LOGGED_WARNINGS = 20;
/** A dropped value longer than this is kept in its event cut to this many characters. */
const KEPT_VALUE_CHARS = 2000;

export type MoveReport = { datasets: number; rows: number; droppedValues: number; skippedRecords: number };

function keptValue(value: unknown): string {
  const text = typeof value === "string" ? value : safeJson(value);
  return text.length > KEPT_VALUE_CHARS ? `${text.slice(0, KEPT_VALUE_CHARS)}…` : text;
}

/** Advisory lock namespace of the move (with the dataset id): two processes starting at once take turns. */
const MOVE_LOCK = 0x6d6f7665; // "move"

// Text mode: each field as PostgreSQL wrote it, so a number keeps every digit.
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/**
 * The next batch of a dataset's records (the moved ones are deleted, so always the first):
 * the id, the record's JSON text when it is not an object, then per column the field's
 * JSON type and its text as release 1 exported it (`data->>'key'`).
 */
function batchQuery(datasetId: number, columns: readonly StoredColumn[], batchSize: number) {
  const fields = columns.map((_, i) => `, jsonb_typeof(data->$${i + 3}), data->>$${i + 3}`).join("");
  return {
    text:
      `SELECT id, CASE WHEN jsonb_typeof(data) <> 'object' THEN data::text END${fields} ` +
      `FROM records WHERE dataset_id = $1 ORDER BY id LIMIT $2`,
    values: [datasetId, batchSize, ...columns.map((c) => c.key)],
  };
}

/**
 * A field as the value its column is fitted from. Numbers stay their digits where the
 * column takes digits (integer, number, and text, which shows them as release 1 did), so a
 * big integer or a long decimal is not rounded through a double; objects and arrays stay
 * JSON text except in a JSON column. JSON null and a missing key are both null.
 */
function fieldValue(kind: string | null, text: string | null, type: ColumnType): unknown {
  if (kind === null || kind === "null" || text === null) return null;
  // A JSON column takes the stored JSON as it is: no number inside it goes through a double.
  if (type === "json") return new JsonText(kind === "string" ? JSON.stringify(text) : text);
  switch (kind) {
    case "string":
      return text;
    case "boolean":
      return text === "true";
    case "number":
      return type === "integer" || type === "number" || type === "string" ? text : Number(text);
    default:
      // Objects and arrays, in a column that is not JSON: their JSON text.
      return text;
  }
}

function recordData(columns: readonly StoredColumn[], row: readonly (string | null)[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    data[column.key] = fieldValue(row[2 + 2 * i] ?? null, row[3 + 2 * i] ?? null, column.type);
  });
  return data;
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
  batchSize: number,
): Promise<void> {
  const pool = pgPool();
  const columns = await storedColumns(pool, dataset.id);
  const rowsTable = rowsTableName(dataset.id);
  await inTransaction(async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [MOVE_LOCK, dataset.id]);
    if (!(await tableExists(client, rowsTable)))
      await createRowsTable(client, dataset.id, columns, dataset.date_column);
  });
  const { rows: hidden } = await pool.query<{ key: string }>(
    `SELECT key FROM dataset_columns WHERE dataset_id = $1 AND sensitive`,
    [dataset.id],
  );
  const sensitive = new Set(hidden.map((c) => c.key));
  const table = { rowsTable, columns };
  let logged = 0;
  const warn = (line: string) => {
    if (logged++ < LOGGED_WARNINGS) log(`  ${dataset.title}: ${line}`);
  };
  const batch = batchQuery(dataset.id, columns, batchSize);
  for (;;) {
    const moved = await inTransaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1, $2)", [MOVE_LOCK, dataset.id]);
      const { rows } = await client.query<string[]>({
        ...batch,
        rowMode: "array",
        types: TEXT_TYPES,
      } as pg.QueryArrayConfig);
      if (rows.length === 0) return 0;
      const objects: IdentifiedRow[] = [];
      for (const row of rows) {
        const id = Number(row[0]);
        const whole = row[1];
        if (whole === null || whole === undefined) {
          objects.push({ rowId: id, data: recordData(columns, row) });
          continue;
        }
        report.skippedRecords++;
        warn(`record ${id} is not a JSON object and becomes no row (kept in the audit trail)`);
        await recordAudit(
          {
            action: "row_value_dropped",
            targetId: dataset.id,
            details: { row_id: id, column: null, value: keptValue(whole), reason: "not a JSON object" },
          },
          client,
        );
      }
      const unfit: UnfitValue[] = [];
      await appendIdentifiedRows(client, table, [objects], { onUnfit: (u) => unfit.push(u) });
      for (const u of unfit) {
        report.droppedValues++;
        // The reason quotes the value: not for a sensitive column, whose values only admins see.
        const why = sensitive.has(u.column) ? "does not fit the column (sensitive: the value is not logged)" : u.reason;
        warn(`row ${u.rowId}, column ${u.column}: ${why}; stored as empty (the value is in the audit trail)`);
        await recordAudit(
          {
            action: "row_value_dropped",
            targetId: dataset.id,
            details: { row_id: u.rowId, column: u.column, value: keptValue(u.value), reason: u.reason },
          },
          client,
        );
      }
      const lastId = Number(rows[rows.length - 1]![0]);
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
export async function moveRecordsToTypedTables(
  log: (line: string) => void,
  { batchSize = BATCH_SIZE }: MoveOptions = {},
): Promise<MoveReport> {
  const report: MoveReport = { datasets: 0, rows: 0, droppedValues: 0, skippedRecords: 0 };
  const { rows } = await pgPool().query<{ id: number; title: string; date_column: string | null }>(
    `SELECT id, title, date_column FROM datasets WHERE rows_table IS NULL ORDER BY id`,
  );
  if (rows.length === 0) return report;
  const started = Date.now();
  log(`Moving the rows of ${rows.length} dataset(s) into typed tables …`);
  for (const dataset of rows) await moveDataset(dataset, log, report, batchSize);
  log(
    `Moved ${report.rows.toLocaleString("en")} rows in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (report.droppedValues + report.skippedRecords > 0
        ? ` (${report.droppedValues} values did not fit their columns, ${report.skippedRecords} records were not objects; see the audit trail).`
        : "."),
  );
  return report;
}
