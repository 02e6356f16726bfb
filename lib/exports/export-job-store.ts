// The one owner of the export_jobs table (and of export_downloads, the record of each
// download): every query on them is here. The lifecycle columns of a job row — status,
// attempts, heartbeat, progress — are written by the job runtime (lib/jobs/job-table.ts)
// for the table named here; everything else about an export is read and written below.
import type pg from "pg";
import { currentRequestId, currentTokenId } from "../auth/request-context";
import { pgPool, type Db } from "../data/pg";
import { prisma } from "../data/prisma";
import type { ExportFormat } from "../export/formats";
import type { TExportOptions } from "../export/options";
import type { ExportJob, Prisma } from "../generated/prisma/client";
import type { ExportDelivery, ExportStatus } from "../generated/prisma/enums";
import { ACTIVE_STATUSES } from "../jobs/job-table";

/** The job runtime's name for this table and for the queue of its jobs. */
export const EXPORT_JOBS_TABLE = "export_jobs";
export const EXPORT_QUEUE = "export";

/**
 * SQL text of the ids (as text) of every export of one dataset, for another table's query
 * to filter by (the audit trail's dataset filter). `datasetParam` is a placeholder such as `$1`.
 */
export function exportJobIdsOfDatasetSql(datasetParam: string): string {
  return `SELECT j.id::text FROM export_jobs j WHERE j.dataset_id = ${datasetParam}::int`;
}

/**
 * SQL text joining the export named by a uuid expression (NULL joins nothing) under `alias`,
 * for another table's list query to read its dataset and format.
 */
export function leftJoinExportJobSql(alias: string, idExpression: string): string {
  return `LEFT JOIN export_jobs ${alias} ON ${alias}.id = ${idExpression}`;
}

export type ExportJobRow = ExportJob & { dataset: { title: string; deletedAt: Date | null } };
export type ExportJobWithUser = ExportJobRow & { user: { id: number; name: string; email: string } };

/** An item of a job's `warnings`: a skipped record, or a value written other than typed. */
export type JobWarning = { record_id?: number; row?: number; column?: string; message: string };

// Namespace of the per-user advisory locks taken while a job is created.
const CREATE_LOCK = 4_211_001;

export type NewExportJob = {
  userId: number;
  datasetId: number;
  format: ExportFormat;
  options: TExportOptions;
  totalRows: number | null;
  retryOf: string | null;
  locale: string;
};

/**
 * A pending job, unless the user already has `activeLimit` waiting or running: then null.
 * Inside the caller's transaction, under a per-user lock, so racing requests cannot both
 * slip under the limit.
 */
export async function insertExportJob(
  client: pg.PoolClient,
  job: NewExportJob,
  activeLimit: number,
): Promise<{ id: string; createdAt: Date } | null> {
  // The lock comes first, in a statement of its own: the count below must see every job
  // committed by a request that held the lock before us.
  await client.query("SELECT pg_advisory_xact_lock($1, $2)", [CREATE_LOCK, job.userId]);
  const { rows } = await client.query<{ id: string; created_at: Date }>(
    `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, total_rows, retry_of_id, locale, token_id,
                              request_id)
     SELECT gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, $6, $7, $10::uuid, $11
      WHERE (SELECT count(*) FROM export_jobs
              WHERE user_id = $1 AND delivery = 'job' AND status = ANY($9::"ExportStatus"[])) < $8
     RETURNING id, created_at`,
    [
      job.userId,
      job.datasetId,
      job.format,
      JSON.stringify(job.options),
      job.totalRows,
      job.retryOf,
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

export type NewDirectExport = Omit<NewExportJob, "retryOf">;

/**
 * A direct download as a history row, running from now. It is never pending and never
 * gets a heartbeat, so the job runtime neither claims nor reaps it (both look only at
 * pending rows and at heartbeats gone stale), and it does not count as an active job.
 */
export async function insertDirectExport(job: NewDirectExport): Promise<string> {
  const { rows } = await pgPool().query<{ id: string }>(
    `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, total_rows, locale, token_id,
                              request_id, delivery, status, started_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, $6, $7::uuid, $8, 'direct', 'processing', now())
     RETURNING id`,
    [
      job.userId,
      job.datasetId,
      job.format,
      JSON.stringify(job.options),
      job.totalRows,
      job.locale,
      currentTokenId() ?? null,
      currentRequestId() ?? null,
    ],
  );
  return rows[0]!.id;
}

/** How a direct download ended, with what went out until then. */
export type DirectOutcome = { rows: number; skipped: number } & (
  | { status: "completed"; fileName: string; bytes: number; sha256: string }
  | { status: "failed"; errorMessage: string }
  | { status: "cancelled" }
);

/** Ends a running direct download's row; a row already ended stays as it is. */
export async function finishDirectExport(id: string, outcome: DirectOutcome): Promise<void> {
  const done = outcome.status === "completed";
  await pgPool().query(
    `UPDATE export_jobs
        SET status = $2::"ExportStatus", finished_at = now(), processed_rows = $3, skipped_rows = $4,
            progress = CASE WHEN $5 THEN 100 ELSE progress END,
            file_name = $6, file_size = $7, sha256 = $8, error_message = $9
      WHERE id = $1 AND delivery = 'direct' AND status = 'processing'`,
    [
      id,
      outcome.status,
      outcome.rows,
      outcome.skipped,
      done,
      done ? outcome.fileName : null,
      done ? outcome.bytes : null,
      done ? outcome.sha256 : null,
      outcome.status === "failed" ? outcome.errorMessage : null,
    ],
  );
}

/**
 * Direct downloads still running long after they started: their process died mid-stream
 * (a live one ends its row as its response ends). They fail with `message`.
 */
export async function failAbandonedDirectExports(startedBefore: Date, message: string): Promise<number> {
  const { rowCount } = await pgPool().query(
    `UPDATE export_jobs SET status = 'failed', error_message = $2, finished_at = now()
      WHERE delivery = 'direct' AND status = 'processing' AND started_at < $1`,
    [startedBefore, message],
  );
  return rowCount ?? 0;
}

/** A job with its dataset's title, deleted or not. */
export async function findExportJob(id: string): Promise<ExportJobRow | null> {
  return prisma().exportJob.findUnique({
    where: { id },
    include: { dataset: { select: { title: true, deletedAt: true } } },
  });
}

export type ExportJobFilter = {
  /** One user's exports, or everyone's. */
  userId?: number;
  format?: ExportFormat;
  /** One status, or any of several. */
  status?: ExportStatus | readonly ExportStatus[];
  delivery?: ExportDelivery;
  hideExpired: boolean;
  now: Date;
};

/**
 * Expired as the history says it: marked so by the cleanup, or past its expiry and not yet
 * purged. A row without an expiry (a direct download) never is: the explicit "not null"
 * keeps SQL's NULL out of the NOT this is used in, which would hide such rows.
 */
function expiredWhere(now: Date): Prisma.ExportJobWhereInput[] {
  return [{ status: "expired" }, { status: "completed", expiresAt: { not: null, lte: now } }];
}

/** Whether the filter names several statuses (`status=active`), not one. */
function isStatusList(status: ExportJobFilter["status"]): status is readonly ExportStatus[] {
  return Array.isArray(status);
}

/** A page of exports, newest first, with how many match and how many expired ones are left out. */
export async function listExportJobs(
  filter: ExportJobFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: ExportJobWithUser[]; total: number; hiddenExpired: number }> {
  const matching: Prisma.ExportJobWhereInput = {
    deletedAt: null,
    userId: filter.userId,
    format: filter.format,
    status: isStatusList(filter.status) ? { in: [...filter.status] } : filter.status,
    delivery: filter.delivery,
  };
  const expired = expiredWhere(filter.now);
  const where: Prisma.ExportJobWhereInput = filter.hideExpired ? { ...matching, NOT: expired } : matching;
  const [rows, total, hiddenExpired] = await Promise.all([
    prisma().exportJob.findMany({
      where,
      include: {
        dataset: { select: { title: true, deletedAt: true } },
        user: { select: { id: true, name: true, email: true } },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: page.offset,
      take: page.limit,
    }),
    prisma().exportJob.count({ where }),
    filter.hideExpired ? prisma().exportJob.count({ where: { ...matching, OR: expired } }) : Promise.resolve(0),
  ]);
  return { rows, total, hiddenExpired };
}

/** Everyone who has an export in the history. */
export async function exportingUsers(): Promise<Array<{ id: number; name: string; email: string }>> {
  const { rows } = await pgPool().query<{ id: number; name: string; email: string }>(
    `SELECT u.id, u.name, u.email FROM users u
      WHERE EXISTS (SELECT 1 FROM export_jobs j WHERE j.user_id = u.id AND j.deleted_at IS NULL)
      ORDER BY u.name, u.id`,
  );
  return rows;
}

/** Hides a finished job everywhere (the row stays for the audit trail). Null when it is active or already gone. */
export async function softDeleteExportJob(id: string): Promise<{ storageKey: string | null } | null> {
  const { rows } = await pgPool().query<{ storage_key: string | null }>(
    `UPDATE export_jobs SET deleted_at = now()
      WHERE id = $1 AND deleted_at IS NULL AND status <> ALL($2::"ExportStatus"[])
      RETURNING storage_key`,
    [id, [...ACTIVE_STATUSES]],
  );
  const row = rows[0];
  return row ? { storageKey: row.storage_key } : null;
}

/** Counts a download and records who took it, inside the caller's transaction. */
export async function recordDownload(
  db: Db,
  download: { jobId: string; userId: number; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db.query(
    `WITH counted AS (UPDATE export_jobs SET download_count = download_count + 1 WHERE id = $1 RETURNING id)
     INSERT INTO export_downloads (job_id, user_id, ip, user_agent) SELECT id, $2, $3, $4 FROM counted`,
    [download.jobId, download.userId, download.ip, download.userAgent],
  );
}

/** Marks completed jobs past their expiry `expired` (one statement: two cleanups never both take one). */
export async function expireExportJobs(now: Date): Promise<Array<{ id: string; storageKey: string | null }>> {
  const { rows } = await pgPool().query<{ id: string; storage_key: string | null }>(
    `UPDATE export_jobs SET status = 'expired' WHERE status = 'completed' AND expires_at <= $1
     RETURNING id, storage_key`,
    [now],
  );
  return rows.map((row) => ({ id: row.id, storageKey: row.storage_key }));
}

/**
 * For each storage key some job knows: whether a live export still uses it (completed and
 * not deleted, or still being written: a running attempt records its key before its first
 * byte, and a later attempt removes a killed one's file itself).
 */
export async function storageKeysInUse(keys: readonly string[]): Promise<Map<string, boolean>> {
  const { rows } = await pgPool().query<{ storage_key: string; live: boolean }>(
    `SELECT storage_key,
            bool_or(status IN ('completed', 'pending', 'processing') AND deleted_at IS NULL) AS live
       FROM export_jobs WHERE storage_key = ANY($1::text[]) GROUP BY storage_key`,
    [keys],
  );
  return new Map(rows.map((row) => [row.storage_key, row.live]));
}

/** What a schedule's run shows of the export it asked for. */
export type ExportFileState = {
  id: string;
  status: ExportJob["status"];
  errorMessage: string | null;
  fileName: string | null;
  fileSize: number | null;
  processedRows: number;
  sha256: string | null;
  storageKey: string | null;
  deletedAt: Date | null;
};

export async function exportFileStates(
  ids: readonly string[],
  db: Db = pgPool(),
): Promise<Map<string, ExportFileState>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<ExportFileState>(
    `SELECT id, status, error_message AS "errorMessage", file_name AS "fileName", file_size::float8 AS "fileSize",
            processed_rows AS "processedRows", sha256, storage_key AS "storageKey", deleted_at AS "deletedAt"
       FROM export_jobs WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** A user's export jobs waiting or running (what the limit of jobs at once counts). */
export async function activeExportJobCount(userId: number, db: Db = pgPool()): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM export_jobs
      WHERE user_id = $1 AND delivery = 'job' AND status = ANY($2::"ExportStatus"[])`,
    [userId, [...ACTIVE_STATUSES]],
  );
  return rows[0]?.n ?? 0;
}
