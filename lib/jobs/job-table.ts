// The lifecycle of a job row, in SQL on whichever table a job type names. Every job table
// has these columns, and they are the runtime's:
//   id uuid, status ('pending' | 'processing' | 'completed' | 'failed' | 'cancelled', and
//   any of the type's own), attempts, created_at, started_at, heartbeat_at, finished_at,
//   error_message, progress, processed_rows, total_rows, eta_seconds.
// The type's store owns every other column. Every write by a worker is fenced by
// (status = 'processing', attempts = its attempt): a worker that lost its job — cancelled,
// or taken over after its lease ran out — changes nothing and learns so from the result.
import { inTransaction, pgPool, type Db } from "../data/pg";
import type { Attempt } from "./job-definition";
import { dispatchJob, failDeadMessages, QUEUE_SCHEMA } from "./queue";
import { log } from "../log";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A table or column name from code (never from a request), checked and quoted. */
function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`Not an identifier: ${name}`);
  return `"${name}"`;
}

const FENCE = "id = $1 AND attempts = $2 AND status = 'processing'";

/** The failure of a job whose every attempt's worker died (lib/i18n). */
export const WORKER_LOST = "job.error.workerLost";

/** The statuses of a job that is not over yet: waiting for a worker, or running. */
export const ACTIVE_STATUSES = ["pending", "processing"] as const;

export type ClaimedRow = Attempt & { totalRows: number | null; row: unknown };

/** Takes a pending job for this worker. Null when someone else has it, or it is no longer pending. */
export async function claimJob(table: string, jobId: string, db: Db = pgPool()): Promise<ClaimedRow | null> {
  const { rows } = await db.query<{ attempts: number; total_rows: number | null; row: unknown }>(
    `UPDATE ${identifier(table)} AS t
        SET status = 'processing', attempts = attempts + 1, started_at = now(), heartbeat_at = now(),
            error_message = NULL, eta_seconds = NULL
      WHERE id = $1 AND status = 'pending'
      RETURNING t.attempts, t.total_rows, to_jsonb(t) AS row`,
    [jobId],
  );
  const claimed = rows[0];
  return claimed ? { id: jobId, attempt: claimed.attempts, totalRows: claimed.total_rows, row: claimed.row } : null;
}

export type JobProgress = { processed: number; total: number | null; etaSeconds: number | null };

function percent(processed: number, total: number | null): number {
  if (!total || total <= 0) return 0;
  // 100 is kept for "completed": a running job shows at most 99.
  return Math.min(99, Math.floor((processed / total) * 100));
}

/** Writes progress and the heartbeat; progress never goes down. False when the attempt lost the job. */
export async function reportProgress(table: string, job: Attempt, progress: JobProgress): Promise<boolean> {
  const { rowCount } = await pgPool().query(
    `UPDATE ${identifier(table)}
        SET processed_rows = GREATEST(processed_rows, $3), progress = GREATEST(progress, $4),
            total_rows = COALESCE($5, total_rows), eta_seconds = $6, heartbeat_at = now()
      WHERE ${FENCE}`,
    [
      job.id,
      job.attempt,
      progress.processed,
      percent(progress.processed, progress.total),
      progress.total,
      progress.etaSeconds,
    ],
  );
  return rowCount === 1;
}

function assignments(columns: Record<string, unknown>, firstParam: number): { sql: string; values: unknown[] } {
  const entries = Object.entries(columns);
  return {
    sql: entries.map(([name], i) => `, ${identifier(name)} = $${firstParam + i}`).join(""),
    values: entries.map(([, value]) => value),
  };
}

/**
 * Marks the job completed with the type's own columns. False when the attempt lost the job.
 * `alongside` (say, the completion's audit event) is written in the same transaction, only
 * when the attempt still owned the job: a process killed in between leaves neither.
 */
export async function completeJob(
  table: string,
  job: Attempt,
  columns: Record<string, unknown> = {},
  alongside?: (db: Db) => Promise<void>,
): Promise<boolean> {
  const extra = assignments(columns, 3);
  const complete = async (db: Db) => {
    const { rowCount } = await db.query(
      `UPDATE ${identifier(table)}
          SET status = 'completed', progress = 100, eta_seconds = 0, finished_at = now(), heartbeat_at = now()${extra.sql}
        WHERE ${FENCE}`,
      [job.id, job.attempt, ...extra.values],
    );
    return rowCount === 1;
  };
  if (!alongside) return complete(pgPool());
  return inTransaction(async (client) => {
    const owned = await complete(client);
    if (owned) await alongside(client);
    return owned;
  });
}

/** Writes the type's own columns while the attempt still owns the job. */
export async function updateJob(table: string, job: Attempt, columns: Record<string, unknown>): Promise<boolean> {
  const extra = assignments(columns, 3);
  if (!extra.sql) return true;
  const { rowCount } = await pgPool().query(`UPDATE ${identifier(table)} SET ${extra.sql.slice(2)} WHERE ${FENCE}`, [
    job.id,
    job.attempt,
    ...extra.values,
  ]);
  return rowCount === 1;
}

/**
 * Fails the job for good with a message key (lib/i18n `job.error.*`), writing the work the
 * attempt had done (progress is otherwise written only with a heartbeat, so the row would
 * show less than was done). The rows the job row now says were processed, which whoever
 * records the failure should report; null when the attempt lost the job. `alongside` writes
 * that record in the same transaction.
 */
export async function failJob(
  table: string,
  job: Attempt,
  message: string,
  processed = 0,
  alongside?: (db: Db, processed: number) => Promise<void>,
): Promise<number | null> {
  const fail = async (db: Db) => {
    const { rows } = await db.query<{ processed_rows: number }>(
      `UPDATE ${identifier(table)}
          SET status = 'failed', error_message = $3, eta_seconds = NULL, finished_at = now(),
              processed_rows = GREATEST(processed_rows, $4)
        WHERE ${FENCE}
        RETURNING processed_rows`,
      [job.id, job.attempt, message, processed],
    );
    return rows[0]?.processed_rows ?? null;
  };
  if (!alongside) return fail(pgPool());
  return inTransaction(async (client) => {
    const done = await fail(client);
    if (done !== null) await alongside(client, done);
    return done;
  });
}

/**
 * Hands a job back to the queue: after a shutdown (the attempt is not counted) or a
 * transient failure (it is, and the job waits a little before it runs again).
 */
export async function releaseJob(
  table: string,
  queue: string,
  job: Attempt,
  { countAttempt, delaySeconds = 0 }: { countAttempt: boolean; delaySeconds?: number },
): Promise<boolean> {
  return inTransaction(async (client) => {
    const { rowCount } = await client.query(
      `UPDATE ${identifier(table)}
          SET status = 'pending', eta_seconds = NULL, heartbeat_at = NULL,
              attempts = CASE WHEN $3 THEN attempts ELSE attempts - 1 END
        WHERE ${FENCE}`,
      [job.id, job.attempt, countAttempt],
    );
    if (rowCount !== 1) return false;
    await dispatchJob(client, queue, job.id, delaySeconds);
    return true;
  });
}

/** Cancels a waiting or running job; a running one stops at its next heartbeat. False when it was neither. */
export async function cancelJob(table: string, jobId: string, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${identifier(table)} SET status = 'cancelled', finished_at = now(), eta_seconds = NULL
      WHERE id = $1 AND status::text = ANY($2::text[])`,
    [jobId, [...ACTIVE_STATUSES]],
  );
  return rowCount === 1;
}

/** A job failed by the reaper: its last attempt's worker died. */
export type LostJob = Attempt & { processed: number; startedAt: Date | null; row: unknown };

export type ReapResult = {
  requeued: string[];
  failed: LostJob[];
  redispatched: string[];
  /** Queue messages of dead attempts that were still active, now ended. */
  endedMessages: number;
};

/**
 * Finds the jobs of dead workers: running jobs whose heartbeat is older than the lease go
 * back to pending (or fail after the last attempt), and pending jobs whose queue message
 * was lost (a worker died between taking the message and claiming the row) are sent again.
 * The queue messages those dead attempts had taken are ended as they are found.
 */
export async function reapJobs(
  table: string,
  queue: string,
  leaseSeconds: number,
  maxAttempts: number,
  /** The record of each job failed for good, written in the reaper's transaction. */
  recordLost?: (db: Db, job: LostJob) => Promise<void>,
): Promise<ReapResult> {
  const t = identifier(table);
  const stale = `status = 'processing' AND heartbeat_at < now() - make_interval(secs => $1)`;
  return inTransaction(async (client) => {
    const { rows: failed } = await client.query<{
      id: string;
      attempts: number;
      processed_rows: number;
      started_at: Date | null;
      row: unknown;
    }>(
      `UPDATE ${t} AS t SET status = 'failed', error_message = '${WORKER_LOST}', finished_at = now(),
              eta_seconds = NULL, heartbeat_at = NULL
        WHERE ${stale} AND attempts >= $2
        RETURNING t.id, t.attempts, t.processed_rows, t.started_at, to_jsonb(t) AS row`,
      [leaseSeconds, maxAttempts],
    );
    const { rows: requeued } = await client.query<{ id: string }>(
      `UPDATE ${t} SET status = 'pending', eta_seconds = NULL, heartbeat_at = NULL
        WHERE ${stale} AND attempts < $2 RETURNING id`,
      [leaseSeconds, maxAttempts],
    );
    const { rows: lost } = await client.query<{ id: string }>(
      `SELECT e.id FROM ${t} e
        WHERE e.status = 'pending' AND e.created_at < now() - make_interval(secs => $1)
          AND NOT EXISTS (
            SELECT 1 FROM ${QUEUE_SCHEMA}.job q
             WHERE q.name = $2 AND q.data->>'jobId' = e.id::text
               AND (q.state IN ('created', 'retry')
                    OR (q.state = 'active' AND q.started_on > now() - make_interval(secs => $1))))
        FOR UPDATE OF e SKIP LOCKED`,
      [leaseSeconds, queue],
    );
    const requeuedIds = requeued.map((row) => row.id);
    const redispatched = lost.map((row) => row.id).filter((id) => !requeuedIds.includes(id));
    // The dead attempts' messages end now, not when the queue's expiry comes round.
    const endedMessages = await failDeadMessages(client, queue, {
      jobIds: [...failed.map((row) => row.id), ...requeuedIds, ...redispatched],
      table: t,
      olderThanSeconds: leaseSeconds,
    });
    for (const id of [...requeuedIds, ...redispatched]) await dispatchJob(client, queue, id);
    const lostJobs: LostJob[] = failed.map((job) => ({
      id: job.id,
      attempt: job.attempts,
      processed: job.processed_rows,
      startedAt: job.started_at,
      row: job.row,
    }));
    // Each record on a savepoint of its own: one that cannot be written is logged, and the
    // reap (the others' records, the requeues) still commits.
    if (recordLost) {
      for (const job of lostJobs) {
        await client.query("SAVEPOINT record_lost");
        try {
          await recordLost(client, job);
          await client.query("RELEASE SAVEPOINT record_lost");
        } catch (error) {
          await client.query("ROLLBACK TO SAVEPOINT record_lost");
          log.error("the record of a job failed by the reaper was not written", { job_id: job.id, error });
        }
      }
    }
    return { endedMessages, requeued: requeuedIds, failed: lostJobs, redispatched };
  });
}

export type QueueDepth = { pending: number; processing: number };

/**
 * The jobs of one table waiting for a worker and running on one. A running job is one a
 * worker claimed (it has a heartbeat): rows that are "processing" without one — a direct
 * export streaming in its own request — are no queue's.
 */
export async function countQueuedJobs(table: string, db: Db = pgPool()): Promise<QueueDepth> {
  const { rows } = await db.query<{ pending: string; processing: string }>(
    `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
            count(*) FILTER (WHERE status = 'processing' AND heartbeat_at IS NOT NULL) AS processing
       FROM ${identifier(table)} WHERE status IN ('pending', 'processing')`,
  );
  return { pending: Number(rows[0]?.pending ?? 0), processing: Number(rows[0]?.processing ?? 0) };
}
