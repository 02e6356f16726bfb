// The import job type: an uploaded file's rows into a dataset, all or nothing. One attempt
// reads the file from its start (lib/imports), fits every value to its column (the rule of
// lib/sources/typed/row-values.ts: a value that does not fit rejects its whole row, as does
// a row the reader flagged or one with more values than the file has columns), and streams
// the rest through COPY — all inside ONE transaction that ends by pointing the dataset at
// its rows and marking them committed. A `create` makes the dataset's table and turns the
// dataset `ready`; an append adds to its table; a replace fills a new table and switches to
// it at commit, so an export already reading the old one reads it to its end, and the old
// table is dropped after. Cancel, a failure or a dead worker roll back: no table is left,
// a `create`'s dataset is deleted, and the upload is removed once the job is over.
import { setTimeout as delay } from "node:timers/promises";
import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { loadActiveUser } from "../auth/current-user";
import { canManageDataset } from "../auth/permissions";
import { config, uploadDir } from "../config";
import { inTransaction, pgPool } from "../data/pg";
import type { ColumnType } from "../export/types";
import { isMessageKey, type MessageKey, type MessageParams } from "../i18n";
import { ImportFileError, readFileRows, type SourceRow } from "../imports";
import { defineJob, JobFailure, type JobDefinition, type JobHelpers } from "../jobs/job-definition";
import { copyLines, fittedLine } from "../sources/typed/append-rows";
import {
  createRowsTable,
  dropRowsTable,
  finishLoad,
  nextRowsTableName,
  type StoredColumn,
} from "../sources/typed/rows-table";
import { removeUpload, uploadPath } from "../uploads/upload-files";
import { storedColumns } from "./dataset-rows";
import { findDatasetAnyState } from "./dataset-store";
import { discardImportingDataset } from "./import-cleanup";
import {
  IMPORT_JOBS_TABLE,
  IMPORT_QUEUE,
  importStatusOf,
  markImportCommitted,
  recordImportFailure,
  type RejectedRow,
} from "./import-job-store";
import { ZImportSettings, type ImportSettings } from "./import-settings";
import { RejectedRowsWriter } from "./rejected-rows";
import { importLimits } from "./request-import";

/** The columns of an import job's row the work needs (unknown until parsed). */
export const ZImportJobPayload = z.object({
  user_id: z.number().int(),
  dataset_id: z.number().int().nullable(),
  mode: z.enum(["create", "append", "replace"]),
  upload_key: z.string(),
  file_name: z.string(),
  file_size: z.coerce.number(),
  sha256: z.string(),
  settings: z.unknown(),
  max_rejected_rows: z.number().int(),
  committed_at: z.string().nullable(),
  locale: z.string(),
});
export type TImportJobPayload = z.infer<typeof ZImportJobPayload>;

/** Where uploads are; tests point it at a folder of their own. Rows per batch read from the file. */
export type ImportJobSettings = { dir?: string; batchSize?: number; dropDelayMs?: number };

// Namespace of the per-dataset advisory locks an import holds for its transaction: two
// imports into one dataset take turns (a replace's next table name must be its own).
const DATASET_LOCK = 4_211_003;

/** A failure with the parameters its message needs, recorded on the job before it fails. */
class ImportFailure extends JobFailure {
  constructor(
    messageKey: MessageKey,
    readonly params: MessageParams = {},
    /** Keep the rejected rows' file (it says what to fix). */
    readonly keepRejected = false,
  ) {
    super(messageKey);
  }
}

function readerFailure(error: ImportFileError): ImportFailure {
  const params: MessageParams = { ...error.params };
  if (error.options.line !== undefined) params.line = error.options.line;
  return isMessageKey(error.messageKey)
    ? new ImportFailure(error.messageKey, params)
    : new ImportFailure("import.job.error.unreadable", params);
}

type Target = {
  datasetId: number;
  columns: StoredColumn[];
  /** Each column's label, as the rejected rows' reasons name it. */
  labels: string[];
  /** The table the rows go to, and the one a replace leaves behind. */
  table: string;
  oldTable: string | null;
};

/** The dataset and its table, checked again: roles and datasets may have changed since the request. */
async function prepareTarget(
  client: Parameters<Parameters<typeof inTransaction>[0]>[0],
  payload: TImportJobPayload,
  settings: ImportSettings,
): Promise<Target> {
  const datasetId = payload.dataset_id;
  if (datasetId === null) throw new ImportFailure("import.job.error.datasetGone");
  await client.query("SELECT pg_advisory_xact_lock($1, $2)", [DATASET_LOCK, datasetId]);
  const dataset = await findDatasetAnyState(datasetId, client);
  if (!dataset || dataset.deletedAt) throw new ImportFailure("import.job.error.datasetGone");
  const user = await loadActiveUser(payload.user_id);
  if (!user) throw new ImportFailure("import.job.error.notAllowed");
  if (payload.mode === "create") {
    if (dataset.status !== "importing") throw new ImportFailure("import.job.error.datasetGone");
  } else if (dataset.status !== "ready" || !dataset.rowsTable) {
    throw new ImportFailure("import.job.error.datasetGone");
  } else if (!canManageDataset(user, dataset)) throw new ImportFailure("import.job.error.notAllowed");

  const columns = await storedColumns(client, datasetId);
  const labelOf = new Map(dataset.columns.map((column) => [column.key, column.label]));
  const labels = columns.map((column) => labelOf.get(column.key) ?? column.key);
  const keys = new Set(columns.map((column) => column.key));
  if (Object.keys(settings.sources).some((key) => !keys.has(key))) {
    throw new ImportFailure("import.job.error.columnsChanged");
  }
  if (payload.mode === "append") return { datasetId, columns, labels, table: dataset.rowsTable!, oldTable: null };
  const name = payload.mode === "create" ? undefined : nextRowsTableName(dataset.rowsTable, datasetId);
  const table = await createRowsTable(client, datasetId, columns, dataset.dateColumn, name);
  return { datasetId, columns, labels, table, oldTable: payload.mode === "replace" ? dataset.rowsTable : null };
}

/** A row the reader could read only in part says why (`problem`): it is rejected. */
type ReadRow = SourceRow & { problem?: string };

/**
 * Formats whose cells are only ever text (or numbers, dates, booleans): a JSON column's
 * cell there holds JSON text, as inspect read it when it proposed json. JSON, NDJSON and
 * Parquet give objects as objects, and a string there is a string.
 */
const TEXT_CELL_FORMATS: ReadonlySet<string> = new Set(["csv", "xlsx"]);

/** The JSON a text cell holds (parsed, so jsonb takes it as fitValue cleans it), or the cell as it is. */
function jsonCell(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

type Counts = { imported: number; rejected: number; listed: RejectedRow[] };

/**
 * The COPY text of the file's rows, a chunk per batch. Rejected rows go to `rejectedFile`
 * and the first few to `counts.listed`; past the limits it throws, which aborts the COPY.
 */
async function* copyChunks(
  rows: AsyncIterable<ReadRow[]>,
  target: Target,
  settings: ImportSettings,
  limits: { maxRejected: number; maxRows: number },
  counts: Counts,
  rejectedFile: RejectedRowsWriter,
  progress: (processed: number) => void,
): AsyncGenerator<string> {
  const types: ColumnType[] = target.columns.map((column) => column.type);
  const sources: number[] = target.columns.map((column) =>
    Object.hasOwn(settings.sources, column.key) ? settings.sources[column.key]! : -1,
  );
  const width = settings.fileColumns;
  const jsonSources = TEXT_CELL_FORMATS.has(settings.choices.format)
    ? sources.filter((source, i) => source >= 0 && types[i] === "json")
    : [];
  const reject = async (row: ReadRow, reason: string) => {
    counts.rejected++;
    if (counts.listed.length < config.imports.listedRejectedRows) counts.listed.push({ line: row.line, reason });
    await rejectedFile.add(row.line, reason, row.values);
    if (counts.rejected > limits.maxRejected) {
      throw new ImportFailure(
        "import.job.error.tooManyRejected",
        { limit: limits.maxRejected, line: row.line, rejected: counts.rejected },
        true,
      );
    }
  };
  for await (const batch of rows) {
    let chunk = "";
    for (const row of batch) {
      if (counts.imported + counts.rejected >= limits.maxRows) {
        throw new ImportFailure("import.job.error.tooManyRows", { max: limits.maxRows });
      }
      if (row.problem !== undefined) {
        await reject(row, row.problem);
        continue;
      }
      if (row.values.length > width) {
        await reject(row, `${row.values.length} values, more than the file's ${width} columns`);
        continue;
      }
      let values: readonly unknown[] = row.values;
      if (jsonSources.length > 0) {
        const parsed: unknown[] = [...row.values];
        for (const source of jsonSources) parsed[source] = jsonCell(parsed[source]);
        values = parsed;
      }
      const line = fittedLine(values, sources, types);
      if (typeof line === "string") {
        chunk += `${line}\n`;
        counts.imported++;
      } else await reject(row, `${target.labels[line.index]!}: ${line.reason}`);
    }
    progress(counts.imported + counts.rejected);
    if (chunk) yield chunk;
  }
}

async function run(payload: TImportJobPayload, helpers: JobHelpers, options: ImportJobSettings): Promise<void> {
  const { job, signal } = helpers;
  const dir = options.dir ?? uploadDir();
  const started = Date.now();
  if (payload.committed_at !== null) {
    // An earlier attempt committed the rows and died before it could say so.
    await helpers.complete();
    await removeUpload(payload.upload_key, dir);
    return;
  }
  const parsed = ZImportSettings.safeParse(payload.settings);
  if (!parsed.success) throw new ImportFailure("import.job.error.settings");
  const settings = parsed.data as ImportSettings;
  const limits = importLimits();
  const counts: Counts = { imported: 0, rejected: 0, listed: [] };
  const rejectedFile = new RejectedRowsWriter(settings.columnNames, dir);
  let estimate: number | null = null;
  let bytesRead = 0;
  const fileSize = payload.file_size;

  let committed: { target: Target; rejectedKey: string | null };
  try {
    committed = await inTransaction(async (client) => {
      // A connection that dies mid-COPY fails the COPY (and the attempt); without a listener
      // its error event would also be thrown at the process.
      const onLost = (error: Error) => console.error(`import job ${job.id}: its connection failed:`, error.message);
      client.on("error", onLost);
      signal.addEventListener("abort", () => client.off("error", onLost), { once: true });
      const target = await prepareTarget(client, payload, settings);
      helpers.progress(0, null);
      await helpers.beat();
      const rows = readFileRows(uploadPath(payload.upload_key, dir), settings.choices, {
        limits,
        signal,
        batchSize: options.batchSize ?? 2000,
        onBytes: (bytes) => (bytesRead = bytes),
      });
      const chunks = copyChunks(
        rows,
        target,
        settings,
        { maxRejected: payload.max_rejected_rows, maxRows: limits.maxRows },
        counts,
        rejectedFile,
        (processed) => {
          if (bytesRead > 0 && fileSize > 0)
            estimate = Math.max(processed, Math.round((processed * fileSize) / bytesRead));
          helpers.progress(processed, estimate);
        },
      );
      await copyLines(
        client,
        target.table,
        target.columns.map((column) => column.position),
        chunks,
        signal,
      );
      signal.throwIfAborted();
      const { rowCount } = await client.query(
        payload.mode === "create"
          ? `UPDATE datasets SET rows_table = $2, record_count = $3, status = 'ready', updated_at = now()
              WHERE id = $1 AND status = 'importing'`
          : payload.mode === "append"
            ? `UPDATE datasets SET record_count = record_count + $3, updated_at = now()
                WHERE id = $1 AND rows_table = $2 AND deleted_at IS NULL`
            : `UPDATE datasets SET rows_table = $2, record_count = $3, updated_at = now()
                WHERE id = $1 AND deleted_at IS NULL`,
        [target.datasetId, target.table, counts.imported],
      );
      if (rowCount !== 1) throw new ImportFailure("import.job.error.datasetGone");
      const rejectedKey = await rejectedFile.close();
      const owned = await markImportCommitted(client, job, {
        importedRows: counts.imported,
        rejectedRows: counts.rejected,
        rejected: counts.listed,
        rejectedFile: rejectedKey,
      });
      // Cancelled (or taken over) in the last instant: nothing is committed.
      if (!owned) throw new Error("the import is no longer this attempt's");
      await recordAudit(
        {
          action: "dataset_imported",
          actorId: payload.user_id,
          targetId: target.datasetId,
          details: {
            job_id: job.id,
            mode: payload.mode,
            rows: counts.imported,
            rejected: counts.rejected,
            bytes: fileSize,
            sha256: payload.sha256,
            file_name: payload.file_name,
            attempt: job.attempt,
            duration_ms: Date.now() - started,
          },
        },
        client,
      );
      return { target, rejectedKey };
    });
  } catch (error) {
    const failure =
      error instanceof ImportFileError ? readerFailure(error) : error instanceof ImportFailure ? error : null;
    // Asked of the job, not of the signal: a cancel that lands just before the commit's fence
    // stops the attempt before any heartbeat has aborted its signal.
    const cancelled = (await importStatusOf(job.id).catch(() => null)) === "cancelled";
    if (failure?.keepRejected && !signal.aborted && !cancelled) {
      const key = await rejectedFile.close().catch(() => null);
      await recordImportFailure(job, {
        rejectedRows: counts.rejected,
        rejected: counts.listed,
        rejectedFile: key,
        errorParams: failure.params,
      });
    } else {
      await rejectedFile.discard().catch(() => {});
      if (failure) {
        await recordImportFailure(job, {
          rejectedRows: counts.rejected,
          rejected: counts.listed,
          rejectedFile: null,
          errorParams: failure.params,
        });
      }
    }
    if (cancelled) await cleanUp(payload, dir);
    throw failure ?? error;
  }
  const { target } = committed;
  await helpers.complete({
    processed_rows: counts.imported + counts.rejected,
    total_rows: counts.imported + counts.rejected,
  });
  await removeUpload(payload.upload_key, dir);
  await finishLoad(pgPool(), target.table);
  if (target.oldTable) {
    // A reader that took the old name just before the commit still finds its table; the
    // drop then waits for exports still reading it. Not on the job's signal, which the
    // completed job no longer holds: a process that stops first leaves the table to the
    // sweep at its next start.
    await delay(options.dropDelayMs ?? config.imports.replaceDropDelayMs);
    await dropRowsTable(pgPool(), target.oldTable);
  }
}

/** What an import that is over without its rows leaves: a `create`'s dataset, and the upload. */
async function cleanUp(payload: Pick<TImportJobPayload, "mode" | "dataset_id" | "upload_key">, dir: string) {
  if (payload.mode === "create" && payload.dataset_id !== null) await discardImportingDataset(payload.dataset_id);
  await removeUpload(payload.upload_key, dir);
}

/** The import job type; `options` only for tests that point it at a folder of their own. */
export function defineImportJob(options: ImportJobSettings = {}): JobDefinition<TImportJobPayload> {
  return defineJob({
    name: IMPORT_QUEUE,
    table: IMPORT_JOBS_TABLE,
    payload: ZImportJobPayload,
    run: (payload, helpers) => run(payload, helpers, options),
    onFailed: async (job) => {
      if (job.payload) {
        await cleanUp(job.payload, options.dir ?? uploadDir()).catch((error: unknown) =>
          console.error(`import job ${job.id}: not cleaned up after its failure:`, error),
        );
      }
    },
    recordFailure: async (job, failure, db) => {
      await recordAudit(
        {
          action: "dataset_import_failed",
          actorId: job.payload?.user_id ?? null,
          targetId: job.payload?.dataset_id ?? null,
          details: {
            job_id: job.id,
            mode: job.payload?.mode ?? null,
            outcome: "failed",
            error: failure.message,
            rows: failure.processed,
            attempt: failure.attempt,
            duration_ms: failure.durationMs,
          },
        },
        db,
      );
    },
  });
}

export const importJob = defineImportJob();
