// The export_jobs row through a job's life, in SQL on the `pg` pool. Every write by a
// worker is fenced by (status = 'processing', attempts = its attempt): a worker that lost
// its job — cancelled, or taken over after its lease ran out — changes nothing and learns
// so from the empty result.
import type pg from "pg";
import { config } from "../config";
import { pgPool } from "../data/pg";
import type { ExportFormat } from "../export/formats";
import { dispatchExport } from "./queue";

export type ClaimedJob = {
  id: string;
  userId: number;
  datasetId: number;
  format: ExportFormat;
  options: unknown;
  attempt: number;
  totalRows: number | null;
  /** The requester's language (the words of a PDF report). */
  locale: string;
};

/** An item of a job's `warnings`: a skipped record, or a value written other than typed. */
export type JobWarning = { record_id?: number; row?: number; column?: string; message: string };

export type JobProgress = { processedRows: number; totalRows: number | null; etaSeconds: number | null };

/** A single attempt's identity: the fence of every write it makes. */
export type Attempt = { id: string; attempt: number };

type Db = pg.Pool | pg.PoolClient;

/** Takes a pending job for this worker. Null when someone else has it, or it is no longer pending. */
export async function claimJob(jobId: string, db: Db = pgPool()): Promise<ClaimedJob | null> {
  const { rows } = await db.query<{
    id: string;
    user_id: number;
    dataset_id: number;
    format: ExportFormat;
    options: unknown;
    attempts: number;
    total_rows: number | null;
    locale: string;
  }>(
    `UPDATE export_jobs
        SET status = 'processing', attempts = attempts + 1, started_at = now(), heartbeat_at = now(),
            error_message = NULL, eta_seconds = NULL
      WHERE id = $1 AND status = 'pending'
      RETURNING id, user_id, dataset_id, format, options, attempts, total_rows, locale`,
    [jobId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    userId: row.user_id,
    datasetId: row.dataset_id,
    format: row.format,
    options: row.options,
    attempt: row.attempts,
    totalRows: row.total_rows,
    locale: row.locale,
  };
}

function percent(processed: number, total: number | null): number {
  if (!total || total <= 0) return 0;
  // 100 is kept for "completed": a running job shows at most 99.
  return Math.min(99, Math.floor((processed / total) * 100));
}

/**
 * Writes progress and the heartbeat. Progress and rows never go down (a retried attempt
 * catches up silently). False when the attempt no longer owns the job.
 */
export async function reportProgress(job: Attempt, progress: JobProgress, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs
        SET processed_rows = GREATEST(processed_rows, $3), progress = GREATEST(progress, $4),
            total_rows = COALESCE($5, total_rows), eta_seconds = $6, heartbeat_at = now()
      WHERE id = $1 AND attempts = $2 AND status = 'processing'`,
    [
      job.id,
      job.attempt,
      progress.processedRows,
      percent(progress.processedRows, progress.totalRows),
      progress.totalRows,
      progress.etaSeconds,
    ],
  );
  return rowCount === 1;
}

export type CompletedFile = {
  storageKey: string;
  fileName: string;
  size: number;
  sha256: string;
  md5: string;
  rows: number;
  skippedRows: number;
  warnings: JobWarning[];
};

/** Marks the job completed with its published file. False when the attempt lost the job. */
export async function completeJob(job: Attempt, file: CompletedFile, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs
        SET status = 'completed', progress = 100, processed_rows = $3, total_rows = $3, skipped_rows = $4,
            warnings = $5::jsonb, storage_key = $6, file_name = $7, file_size = $8, sha256 = $9, md5 = $10,
            eta_seconds = 0, finished_at = now(), heartbeat_at = now(),
            expires_at = now() + make_interval(days => $11)
      WHERE id = $1 AND attempts = $2 AND status = 'processing'`,
    [
      job.id,
      job.attempt,
      file.rows,
      file.skippedRows,
      JSON.stringify(file.warnings),
      file.storageKey,
      file.fileName,
      file.size,
      file.sha256,
      file.md5,
      config.export.retentionDays,
    ],
  );
  return rowCount === 1;
}

/** Fails the job for good with a message key (lib/i18n `job.error.*`) or plain words. */
export async function failJob(
  job: Attempt,
  message: string,
  extra: { skippedRows?: number; warnings?: JobWarning[] } = {},
  db: Db = pgPool(),
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE export_jobs
        SET status = 'failed', error_message = $3, eta_seconds = NULL, finished_at = now(),
            skipped_rows = COALESCE($4, skipped_rows), warnings = COALESCE($5::jsonb, warnings)
      WHERE id = $1 AND attempts = $2 AND status = 'processing'`,
    [job.id, job.attempt, message, extra.skippedRows ?? null, extra.warnings ? JSON.stringify(extra.warnings) : null],
  );
  return rowCount === 1;
}

async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pgPool().connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Hands a job back to the queue: after a shutdown (the attempt is not counted) or a
 * transient failure (it is, and the job waits a little before it runs again).
 */
export async function releaseJob(
  job: Attempt,
  { countAttempt, delaySeconds = 0 }: { countAttempt: boolean; delaySeconds?: number },
): Promise<boolean> {
  return inTransaction(async (client) => {
    const { rowCount } = await client.query(
      `UPDATE export_jobs
          SET status = 'pending', eta_seconds = NULL, heartbeat_at = NULL,
              attempts = CASE WHEN $3 THEN attempts ELSE attempts - 1 END
        WHERE id = $1 AND attempts = $2 AND status = 'processing'`,
      [job.id, job.attempt, countAttempt],
    );
    if (rowCount !== 1) return false;
    await dispatchExport(client, job.id, delaySeconds);
    return true;
  });
}

export type ReapResult = { requeued: string[]; failed: string[]; redispatched: string[] };

/**
 * Finds the jobs of dead workers: running jobs whose heartbeat is older than the lease go
 * back to pending (or fail after the last attempt), and pending jobs whose queue message
 * was lost (a worker died between taking the message and claiming the row) are sent again.
 */
export async function reapJobs(leaseSeconds: number, maxAttempts: number): Promise<ReapResult> {
  return inTransaction(async (client) => {
    const { rows: expired } = await client.query<{ id: string; status: "pending" | "failed" }>(
      `UPDATE export_jobs
          SET status = (CASE WHEN attempts >= $2 THEN 'failed' ELSE 'pending' END)::"ExportStatus",
              error_message = CASE WHEN attempts >= $2 THEN 'job.error.workerLost' ELSE error_message END,
              finished_at = CASE WHEN attempts >= $2 THEN now() END,
              eta_seconds = NULL, heartbeat_at = NULL
        WHERE status = 'processing' AND heartbeat_at < now() - make_interval(secs => $1)
        RETURNING id, status`,
      [leaseSeconds, maxAttempts],
    );
    const { rows: lost } = await client.query<{ id: string }>(
      `SELECT e.id FROM export_jobs e
        WHERE e.status = 'pending' AND e.created_at < now() - make_interval(secs => $1)
          AND NOT EXISTS (
            SELECT 1 FROM pgboss.job q
             WHERE q.name = 'export' AND q.data->>'jobId' = e.id::text
               AND (q.state IN ('created', 'retry')
                    OR (q.state = 'active' AND q.started_on > now() - make_interval(secs => $1))))
        FOR UPDATE OF e SKIP LOCKED`,
      [leaseSeconds],
    );
    const requeued = expired.filter((row) => row.status === "pending").map((row) => row.id);
    const redispatched = lost.map((row) => row.id).filter((id) => !requeued.includes(id));
    for (const id of [...requeued, ...redispatched]) await dispatchExport(client, id);
    return { requeued, failed: expired.filter((row) => row.status === "failed").map((row) => row.id), redispatched };
  });
}

/** Whether the job still belongs to this attempt (a cheap check between heartbeats). */
export async function stillOwned(job: Attempt, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM export_jobs WHERE id = $1 AND attempts = $2 AND status = 'processing'`,
    [job.id, job.attempt],
  );
  return rowCount === 1;
}

export { inTransaction };
