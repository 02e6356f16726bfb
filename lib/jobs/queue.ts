// pg-boss on the app's own PostgreSQL (schema "pgboss") dispatches export work. A queue
// message carries only the ExportJob id; the export_jobs row stays the source of truth
// for status and progress, and its heartbeat lease (lib/jobs/lease.ts) decides when a
// dead worker's job runs again — pg-boss itself never retries an export.
import PgBoss from "pg-boss";
import type pg from "pg";
import { z } from "zod";
import { databaseUrl } from "../config";

export const EXPORT_QUEUE = "export";

/** What an export message carries: unknown until parsed. */
export const ZExportMessageSchema = z.object({ jobId: z.uuid() });
export type TExportMessage = z.infer<typeof ZExportMessageSchema>;

// Far beyond any export: the lease, not pg-boss' expiry, detects dead workers.
const EXPIRE_SECONDS = 23 * 60 * 60;

const globalForBoss = globalThis as unknown as { outportBoss?: Promise<PgBoss> };

async function startBoss(): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl(),
    schema: "pgboss",
    max: 4,
    application_name: "outport-jobs",
    // Keep a day of finished messages for diagnosis; the export_jobs rows are the history.
    deleteAfterDays: 1,
    archiveCompletedAfterSeconds: 60 * 60,
  });
  boss.on("error", (error: Error) => console.error("job queue error:", error.message));
  await boss.start();
  await boss.createQueue(EXPORT_QUEUE, {
    name: EXPORT_QUEUE,
    policy: "standard",
    retryLimit: 0,
    expireInSeconds: EXPIRE_SECONDS,
  });
  return boss;
}

/** The process's pg-boss, started (and its schema installed) on first use. */
export function jobQueue(): Promise<PgBoss> {
  if (!globalForBoss.outportBoss) {
    const starting = startBoss();
    globalForBoss.outportBoss = starting;
    starting.catch(() => {
      if (globalForBoss.outportBoss === starting) globalForBoss.outportBoss = undefined;
    });
  }
  return globalForBoss.outportBoss;
}

export async function stopJobQueue(options: { graceful?: boolean; timeout?: number } = {}): Promise<void> {
  const starting = globalForBoss.outportBoss;
  if (!starting) return;
  globalForBoss.outportBoss = undefined;
  const boss = await starting.catch(() => null);
  await boss?.stop({ graceful: options.graceful ?? true, timeout: options.timeout ?? 10_000, wait: true, close: true });
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

/** Queues an export job's message inside the caller's transaction. */
export async function dispatchExport(
  client: pg.PoolClient | pg.Pool,
  jobId: string,
  startAfterSeconds = 0,
): Promise<void> {
  const boss = await jobQueue();
  const message: TExportMessage = { jobId };
  await boss.send(EXPORT_QUEUE, message, {
    db: onClient(client),
    expireInSeconds: EXPIRE_SECONDS,
    retryLimit: 0,
    ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}),
  });
}
