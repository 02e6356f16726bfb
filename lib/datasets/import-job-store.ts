// The one owner of the import_jobs table: every query on it is here. The lifecycle columns
// of a job row — status, attempts, heartbeat, progress — are written by the job runtime
// (lib/jobs/job-table.ts) for the table named here; everything else about an import is
// read and written below.
import type pg from "pg";
import { currentRequestId, currentTokenId } from "../auth/request-context";
import { pgPool, type Db } from "../data/pg";
import type { ImportMode, ImportStatus } from "../generated/prisma/enums";
import type { Attempt } from "../jobs/job-definition";
import { ACTIVE_STATUSES } from "../jobs/job-table";

/** The job runtime's name for this table and for the queue of its jobs. */
export const IMPORT_JOBS_TABLE = "import_jobs";
export const IMPORT_QUEUE = "import";

/** A rejected row as the job lists it: where it was in the file, and why. */
export type RejectedRow = { line: number; reason: string };

export type ImportJobRow = {
  id: string;
  userId: number;
  datasetId: number | null;
  mode: ImportMode;
  status: ImportStatus;
  progress: number;
  processedRows: number;
  totalRows: number | null;
  etaSeconds: number | null;
  errorMessage: string | null;
  errorParams: Record<string, string | number>;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
  uploadKey: string;
  fileName: string;
  fileSize: number;
  sha256: string;
  settings: unknown;
  maxRejectedRows: number;
  rejectedRows: number;
  rejected: RejectedRow[];
  rejectedFile: string | null;
  importedRows: number;
  committedAt: Date | null;
  locale: string;
};

const SELECT_SQL = `
  SELECT id, user_id AS "userId", dataset_id AS "datasetId", mode, status, progress,
         processed_rows AS "processedRows", total_rows AS "totalRows", eta_seconds AS "etaSeconds",
         error_message AS "errorMessage", error_params AS "errorParams", attempts,
         created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
         heartbeat_at AS "heartbeatAt", upload_key AS "uploadKey", file_name AS "fileName",
         file_size::float8 AS "fileSize", sha256, settings, max_rejected_rows AS "maxRejectedRows",
         rejected_rows AS "rejectedRows", rejected, rejected_file AS "rejectedFile",
         imported_rows AS "importedRows", committed_at AS "committedAt", locale
    FROM import_jobs`;

// Namespace of the per-user advisory locks taken while an import job is created.
const CREATE_LOCK = 4_211_002;

export type NewImportJob = {
  userId: number;
  datasetId: number;
  mode: ImportMode;
  uploadKey: string;
  fileName: string;
  fileSize: number;
  sha256: string;
  settings: unknown;
  maxRejectedRows: number;
  locale: string;
};

/**
 * A pending import, unless the user already has `activeLimit` waiting or running: then
 * null. Inside the caller's transaction, under a per-user lock, so racing requests cannot
 * both slip under the limit.
 */
export async function insertImportJob(
  client: pg.PoolClient,
  job: NewImportJob,
  activeLimit: number,
): Promise<{ id: string; createdAt: Date } | null> {
  await client.query("SELECT pg_advisory_xact_lock($1, $2)", [CREATE_LOCK, job.userId]);
  const { rows } = await client.query<{ id: string; created_at: Date }>(
    `INSERT INTO import_jobs (id, user_id, dataset_id, mode, upload_key, file_name, file_size, sha256,
                              settings, max_rejected_rows, locale, token_id, request_id)
     SELECT gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $13::uuid, $14
      WHERE (SELECT count(*) FROM import_jobs WHERE user_id = $1 AND status = ANY($12::"ImportStatus"[])) < $11
     RETURNING id, created_at`,
    [
      job.userId,
      job.datasetId,
      job.mode,
      job.uploadKey,
      job.fileName,
      job.fileSize,
      job.sha256,
      JSON.stringify(job.settings),
      job.maxRejectedRows,
      job.locale,
      activeLimit,
      [...ACTIVE_STATUSES],
      currentTokenId() ?? null,
      currentRequestId() ?? null,
    ],
  );
  const row = rows[0];
  return row ? { id: row.id, createdAt: row.created_at } : null;
}

export async function findImportJob(id: string, db: Db = pgPool()): Promise<ImportJobRow | null> {
  const { rows } = await db.query<ImportJobRow>(`${SELECT_SQL} WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Cancels a waiting or running import whose rows are not committed yet (one committed is
 * as good as completed: its worker only has to say so). Returns the row as it was before,
 * or null when it was neither.
 */
export async function cancelImportJob(
  id: string,
  db: Db = pgPool(),
): Promise<{ was: ImportStatus; uploadKey: string; datasetId: number | null; mode: ImportMode } | null> {
  const { rows } = await db.query<{
    was: ImportStatus;
    upload_key: string;
    dataset_id: number | null;
    mode: ImportMode;
  }>(
    `UPDATE import_jobs j SET status = 'cancelled', finished_at = now(), eta_seconds = NULL
       FROM import_jobs old
      WHERE j.id = $1 AND old.id = j.id AND j.status = ANY($2::"ImportStatus"[]) AND j.committed_at IS NULL
      RETURNING old.status AS was, j.upload_key, j.dataset_id, j.mode`,
    [id, [...ACTIVE_STATUSES]],
  );
  const row = rows[0];
  return row ? { was: row.was, uploadKey: row.upload_key, datasetId: row.dataset_id, mode: row.mode } : null;
}

/** The active imports of a dataset (a delete cancels them first). */
export async function activeImportsOf(datasetId: number, db: Db = pgPool()): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM import_jobs WHERE dataset_id = $1 AND status = ANY($2::"ImportStatus"[])`,
    [datasetId, [...ACTIVE_STATUSES]],
  );
  return rows.map((row) => row.id);
}

/**
 * Inside the transaction that commits an attempt's rows: marks them committed, fenced by
 * the attempt like the runtime's writes (the row stays locked until the commit, so a
 * cancel racing it waits and then finds it committed). False when the attempt lost the
 * job: the caller rolls back.
 */
export async function markImportCommitted(
  client: pg.PoolClient,
  job: Attempt,
  result: { importedRows: number; rejectedRows: number; rejected: RejectedRow[]; rejectedFile: string | null },
): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE import_jobs
        SET committed_at = now(), imported_rows = $3, rejected_rows = $4, rejected = $5::jsonb, rejected_file = $6
      WHERE id = $1 AND attempts = $2 AND status = 'processing' AND committed_at IS NULL`,
    [
      job.id,
      job.attempt,
      result.importedRows,
      result.rejectedRows,
      JSON.stringify(result.rejected),
      result.rejectedFile,
    ],
  );
  return rowCount === 1;
}

/** Whether the job's rows were committed (by this attempt or an earlier one). */
export async function importCommitted(id: string): Promise<boolean> {
  const { rows } = await pgPool().query<{ committed: boolean }>(
    `SELECT committed_at IS NOT NULL AS committed FROM import_jobs WHERE id = $1`,
    [id],
  );
  return rows[0]?.committed ?? false;
}

/** The job's status now (the worker asks after an abort: cancelled, or only handed back?). */
export async function importStatusOf(id: string): Promise<ImportStatus | null> {
  const { rows } = await pgPool().query<{ status: ImportStatus }>(`SELECT status FROM import_jobs WHERE id = $1`, [id]);
  return rows[0]?.status ?? null;
}

/** The columns a failed attempt leaves: what was rejected before it, and the failure's parameters. */
export async function recordImportFailure(
  job: Attempt,
  columns: {
    rejectedRows: number;
    rejected: RejectedRow[];
    rejectedFile: string | null;
    errorParams: Record<string, string | number>;
  },
): Promise<boolean> {
  const { rowCount } = await pgPool().query(
    `UPDATE import_jobs SET rejected_rows = $3, rejected = $4::jsonb, rejected_file = $5, error_params = $6::jsonb
      WHERE id = $1 AND attempts = $2 AND status = 'processing'`,
    [
      job.id,
      job.attempt,
      columns.rejectedRows,
      JSON.stringify(columns.rejected),
      columns.rejectedFile,
      JSON.stringify(columns.errorParams),
    ],
  );
  return rowCount === 1;
}

/** Import jobs that are over and whose dataset is still `importing` (the sweep deletes those datasets). */
export async function finishedImportsOfImportingDatasets(db: Db = pgPool()): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT d.id FROM datasets d
      WHERE d.status = 'importing'
        AND NOT EXISTS (SELECT 1 FROM import_jobs j
                         WHERE j.dataset_id = d.id AND j.status = ANY($1::"ImportStatus"[]))`,
    [[...ACTIVE_STATUSES]],
  );
  return rows.map((row) => row.id);
}

/** Upload keys of imports that are over (the sweep removes any file left of them). */
export async function finishedUploadKeys(keys: readonly string[]): Promise<Set<string>> {
  const { rows } = await pgPool().query<{ upload_key: string }>(
    `SELECT upload_key FROM import_jobs WHERE upload_key = ANY($1::text[]) AND status <> ALL($2::"ImportStatus"[])`,
    [keys, [...ACTIVE_STATUSES]],
  );
  return new Set(rows.map((row) => row.upload_key));
}

/**
 * Of these rejected-rows files, the ones to keep: named by an import that is still active
 * or finished after `finishedAfter`. The rest (kept long enough, or named by no import: a
 * killed attempt's) may go.
 */
export async function rejectedFilesToKeep(keys: readonly string[], finishedAfter: Date): Promise<Set<string>> {
  const { rows } = await pgPool().query<{ rejected_file: string }>(
    `SELECT rejected_file FROM import_jobs
      WHERE rejected_file = ANY($1::text[]) AND (finished_at IS NULL OR finished_at > $2)`,
    [keys, finishedAfter],
  );
  return new Set(rows.map((row) => row.rejected_file));
}

/**
 * Forgets the rejected rows' files of a dataset's imports that are over (a deleted
 * dataset's rows go with it, those it rejected too); returns their keys, for the caller to
 * remove the files once its transaction commits. A running import discards its own.
 */
export async function takeRejectedFilesOf(datasetId: number, db: Db = pgPool()): Promise<string[]> {
  const { rows } = await db.query<{ rejected_file: string }>(
    `UPDATE import_jobs j SET rejected_file = NULL
       FROM import_jobs old
      WHERE j.dataset_id = $1 AND old.id = j.id AND j.rejected_file IS NOT NULL
        AND j.status <> ALL($2::"ImportStatus"[])
      RETURNING old.rejected_file`,
    [datasetId, [...ACTIVE_STATUSES]],
  );
  return rows.map((row) => row.rejected_file);
}

/** Forgets rejected-rows files that were removed, so no status offers a link to them. */
export async function forgetRejectedFiles(keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await pgPool().query(`UPDATE import_jobs SET rejected_file = NULL WHERE rejected_file = ANY($1::text[])`, [keys]);
}

/**
 * Export jobs of a dataset still in the history (what its deletion takes with it: their
 * files). Direct downloads stored nothing, so there is nothing of theirs to take.
 */
export async function exportsOfDataset(
  datasetId: number,
  db: Db = pgPool(),
): Promise<Array<{ id: string; storageKey: string | null }>> {
  const { rows } = await db.query<{ id: string; storage_key: string | null }>(
    `SELECT id, storage_key FROM export_jobs WHERE dataset_id = $1 AND deleted_at IS NULL AND delivery = 'job'`,
    [datasetId],
  );
  return rows.map((row) => ({ id: row.id, storageKey: row.storage_key }));
}
