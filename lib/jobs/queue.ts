// pg-boss on the app's own PostgreSQL (schema "pgboss") hands out the work. A message
// carries only a job's id; the job's row stays the source of truth for status and
// progress, and its heartbeat lease (job-table.ts) decides when a dead worker's job runs
// again — pg-boss itself never retries a job.
import PgBoss from "pg-boss";
import type pg from "pg";
import { z } from "zod";
import { databaseUrl } from "../config";

export const QUEUE_SCHEMA = "pgboss";

/** What every job message carries: unknown until parsed. */
export const ZJobMessageSchema = z.object({ jobId: z.uuid() });
export type TJobMessage = z.infer<typeof ZJobMessageSchema>;

// pg-boss' expiry of an active message is also how long its handler may run before
// pg-boss gives up on it, so it stays far beyond any job. It is not how a dead worker is
// found: the lease is, and when the reaper finds one (job-table.ts) it ends the dead
// attempt's message at once (failDeadMessages), rather than leaving it active for this long.
const EXPIRE_SECONDS = 23 * 60 * 60;

type Boss = { boss: PgBoss; queues: Map<string, Promise<void>> };
const globalForBoss = globalThis as unknown as { outportBoss?: Promise<Boss> };

async function startBoss(): Promise<Boss> {
  const boss = new PgBoss({
    connectionString: databaseUrl(),
    schema: QUEUE_SCHEMA,
    max: 4,
    application_name: "outport-jobs",
    // Keep a day of finished messages for diagnosis; the job rows are the history.
    deleteAfterDays: 1,
    archiveCompletedAfterSeconds: 60 * 60,
  });
  boss.on("error", (error: Error) => console.error("job queue error:", error.message));
  await boss.start();
  return { boss, queues: new Map() };
}

function started(): Promise<Boss> {
  if (!globalForBoss.outportBoss) {
    const starting = startBoss();
    globalForBoss.outportBoss = starting;
    starting.catch(() => {
      if (globalForBoss.outportBoss === starting) globalForBoss.outportBoss = undefined;
    });
  }
  return globalForBoss.outportBoss;
}

/** The process's pg-boss, started (and its schema installed) on first use. */
export async function jobQueue(): Promise<PgBoss> {
  return (await started()).boss;
}

/**
 * The queue of a job type, created on first use in this process (creating is idempotent,
 * so processes that start together agree). Messages are never retried by pg-boss.
 */
export async function ensureQueue(
  name: string,
  options: Omit<PgBoss.Queue, "name"> = { policy: "standard", retryLimit: 0, expireInSeconds: EXPIRE_SECONDS },
): Promise<PgBoss> {
  const { boss, queues } = await started();
  let creating = queues.get(name);
  if (!creating) {
    creating = createQueueRetrying(boss, name, options);
    queues.set(name, creating);
    creating.catch(() => queues.delete(name));
  }
  await creating;
  return boss;
}

/**
 * Errors of processes creating queues at the same moment (workers started together on a new
 * database): pg-boss's create_queue can deadlock with another's, or find what the other just
 * made. Another try sees the queue there.
 */
const RACE_CODES = new Set(["40P01", "23505", "42P07"]);

export async function createQueueRetrying(
  boss: Pick<PgBoss, "createQueue">,
  name: string,
  options: Omit<PgBoss.Queue, "name">,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name, { name, ...options });
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== "string" || !RACE_CODES.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

export async function stopJobQueue(options: { graceful?: boolean; timeout?: number } = {}): Promise<void> {
  const starting = globalForBoss.outportBoss;
  if (!starting) return;
  globalForBoss.outportBoss = undefined;
  const current = await starting.catch(() => null);
  await current?.boss.stop({
    graceful: options.graceful ?? true,
    timeout: options.timeout ?? 10_000,
    wait: true,
    close: true,
  });
}

/** pg-boss statements run on the caller's connection, so a message commits with its job row. */
function onClient(client: pg.PoolClient | pg.Pool): PgBoss.Db {
  return {
    executeSql: async (text, values) => {
      // pg-boss hands over its own parameter arrays; pg types them itself.
      const result = await client.query(text, values as unknown[]);
      return { rows: result.rows };
    },
  };
}

/** Queues a job's message inside the caller's transaction. */
export async function dispatchJob(
  client: pg.PoolClient | pg.Pool,
  queue: string,
  jobId: string,
  startAfterSeconds = 0,
): Promise<void> {
  const boss = await ensureQueue(queue);
  const message: TJobMessage = { jobId };
  await boss.send(queue, message, {
    db: onClient(client),
    expireInSeconds: EXPIRE_SECONDS,
    retryLimit: 0,
    ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
  });
}

/**
 * Ends the messages of attempts the reaper found dead, in the caller's transaction: those
 * still `active` (taken by a worker) for longer than `olderThanSeconds`, for the given
 * jobs, or for jobs of `table` that ended that long ago (a worker that died between
 * finishing a job and acknowledging its message). They are failed, never retried (the
 * reaper has already sent a new message for what must run again). `table` is the job
 * table as job-table.ts writes it (checked and quoted). Returns how many.
 */
export async function failDeadMessages(
  client: pg.PoolClient,
  queue: string,
  { jobIds, table, olderThanSeconds }: { jobIds: string[]; table: string; olderThanSeconds: number },
): Promise<number> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT q.id FROM ${QUEUE_SCHEMA}.job q
      WHERE q.name = $1 AND q.state = 'active' AND q.started_on < now() - make_interval(secs => $2)
        AND (q.data->>'jobId' = ANY($3::text[])
             OR EXISTS (SELECT 1 FROM ${table} e
                         WHERE e.id::text = q.data->>'jobId' AND e.status::text <> ALL($4::text[])
                           AND e.finished_at < now() - make_interval(secs => $2)))
      FOR UPDATE OF q SKIP LOCKED`,
    [queue, olderThanSeconds, jobIds, ["pending", "processing"]],
  );
  if (rows.length === 0) return 0;
  const boss = await ensureQueue(queue);
  // One at a time: pg-boss reads a list of ids' third argument as the output, not the
  // connection, whatever its typings say; the single-id form takes both.
  const output = { reason: "the worker that took this message stopped; its job's lease ran out" };
  for (const { id } of rows) await boss.fail(queue, id, output, { db: onClient(client) });
  return rows.length;
}
