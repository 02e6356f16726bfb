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

// Far beyond any job: the lease, not pg-boss' expiry, detects dead workers.
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
    creating = boss.createQueue(name, { name, ...options });
    queues.set(name, creating);
    creating.catch(() => queues.delete(name));
  }
  await creating;
  return boss;
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
