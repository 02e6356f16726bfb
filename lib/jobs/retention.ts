// Retention (SPEC §6): exports are kept `config.export.retentionDays`. The cleanup marks
// completed jobs past their expiry `expired` and deletes their files, deletes the files of
// exports deleted from the history whose removal failed, and files no job refers to (left
// by a crash between publishing a file and recording it) once they are old enough. Every
// run leaves one audit event. It runs at start and daily (pg-boss schedule, 02:00).
import type PgBoss from "pg-boss";
import { recordAudit } from "../audit/audit";
import { config } from "../config";
import { pgPool } from "../data/pg";
import { exportStore, type ExportStore } from "../files/storage";

export const RETENTION_QUEUE = "export-retention";

export type PurgeTrigger = "startup" | "schedule" | "manual";

export type PurgeResult = {
  expired_jobs: number;
  files_removed: number;
  bytes_freed: number;
  orphans_removed: number;
  errors: number;
};

export type PurgeOptions = { now?: Date; store?: ExportStore; orphanMinutes?: number; trigger?: PurgeTrigger };

export async function purgeExpiredExports(options: PurgeOptions = {}): Promise<PurgeResult> {
  const {
    now = new Date(),
    store = exportStore(),
    orphanMinutes = config.retention.orphanMinutes,
    trigger = "manual",
  } = options;
  const result: PurgeResult = { expired_jobs: 0, files_removed: 0, bytes_freed: 0, orphans_removed: 0, errors: 0 };

  const remove = async (key: string): Promise<boolean> => {
    try {
      const bytes = await store.remove(key);
      if (bytes === null) return false;
      result.files_removed++;
      result.bytes_freed += bytes;
      return true;
    } catch (error) {
      result.errors++;
      console.error(`retention: could not remove an export file (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      return false;
    }
  };

  // 1. Expired jobs: marked first (one statement, so two cleanups never both take a job),
  //    then their files go; a file that cannot be removed now is an orphan next time.
  const { rows: expired } = await pgPool().query<{ id: string; storage_key: string | null }>(
    `UPDATE export_jobs SET status = 'expired'
      WHERE status = 'completed' AND expires_at <= $1
      RETURNING id, storage_key`,
    [now],
  );
  result.expired_jobs = expired.length;
  for (const job of expired) if (job.storage_key) await remove(job.storage_key);

  // 2. Every stored file that no live export refers to: one of an expired or deleted job
  //    at once, one no job knows only once it is old enough (it may be being recorded).
  const orphanBefore = now.getTime() - orphanMinutes * 60_000;
  const batch: Array<{ key: string; modifiedAt: Date }> = [];
  const sweep = async () => {
    const { rows } = await pgPool().query<{ storage_key: string; live: boolean }>(
      `SELECT storage_key, bool_or(status = 'completed' AND deleted_at IS NULL) AS live
         FROM export_jobs WHERE storage_key = ANY($1::text[]) GROUP BY storage_key`,
      [batch.map((file) => file.key)],
    );
    const known = new Map(rows.map((row) => [row.storage_key, row.live]));
    for (const file of batch) {
      const live = known.get(file.key);
      if (live === true) continue;
      if (live === undefined && file.modifiedAt.getTime() > orphanBefore) continue;
      if ((await remove(file.key)) && live === undefined) result.orphans_removed++;
    }
    batch.length = 0;
  };
  for await (const file of store.list()) {
    batch.push(file);
    if (batch.length >= 500) await sweep();
  }
  if (batch.length > 0) await sweep();

  await recordAudit({
    action: "retention_purge",
    actorId: null,
    targetType: "export_files",
    details: { ...result, trigger },
  });
  return result;
}

/**
 * Schedules the daily cleanup on the queue (every process may call this: pg-boss keeps one
 * schedule per name and sends one message per tick), works its messages, and runs one now.
 */
export async function startRetention(boss: PgBoss, log: (line: string) => void = console.log): Promise<void> {
  await boss.createQueue(RETENTION_QUEUE, {
    name: RETENTION_QUEUE,
    policy: "singleton",
    retryLimit: 1,
    expireInSeconds: 60 * 60,
  });
  await boss.schedule(
    RETENTION_QUEUE,
    config.retention.cron,
    { trigger: "schedule" },
    { tz: config.retention.timeZone },
  );
  await boss.work(RETENTION_QUEUE, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => {
    const result = await purgeExpiredExports({ trigger: "schedule" });
    log(`retention: ${JSON.stringify(result)}`);
  });
  const result = await purgeExpiredExports({ trigger: "startup" });
  if (result.expired_jobs + result.files_removed > 0) log(`retention at start: ${JSON.stringify(result)}`);
}
