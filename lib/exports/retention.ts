// Retention: exports are kept `config.export.retentionDays`. The cleanup marks completed
// exports past their expiry `expired` and deletes their files, deletes the files of
// exports deleted from the history whose removal failed, and files no export refers to
// (left by a crash between publishing a file and recording it) once they are old enough.
// Every run leaves one audit event. It runs at start and daily (02:00 by default), in one
// process at a time.
import { recordAudit } from "../audit/audit";
import { config } from "../config";
import { whileHoldingLock } from "../data/pg";
import { exportStore, type ExportStore } from "../files/export-store";
import type { ScheduledTask } from "../jobs/schedules";
import { expireExportJobs, failAbandonedDirectExports, storageKeysInUse } from "./export-job-store";

export type PurgeTrigger = "startup" | "schedule" | "manual";

export type PurgeResult = {
  expired_jobs: number;
  /** Direct downloads whose process died mid-stream, failed now. */
  abandoned_direct: number;
  files_removed: number;
  bytes_freed: number;
  orphans_removed: number;
  errors: number;
};

export type PurgeOptions = { now?: Date; store?: ExportStore; orphanMinutes?: number; trigger?: PurgeTrigger };

const SWEEP_BATCH = 500;

/** Namespace of the advisory lock held while a process runs the cleanup. */
export const RETENTION_LOCK = 4_211_004;

/** A direct download still running after this long lost its process (a live one ends with its response). */
const ABANDONED_DIRECT_HOURS = 24;

export async function purgeExpiredExports(options: PurgeOptions = {}): Promise<PurgeResult> {
  const {
    now = new Date(),
    store = exportStore(),
    orphanMinutes = config.retention.orphanMinutes,
    trigger = "manual",
  } = options;
  const result: PurgeResult = {
    expired_jobs: 0,
    abandoned_direct: 0,
    files_removed: 0,
    bytes_freed: 0,
    orphans_removed: 0,
    errors: 0,
  };

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

  // 1. Expired exports: marked first, then their files go; a file that cannot be removed
  //    now is an orphan next time.
  const expired = await expireExportJobs(now);
  result.expired_jobs = expired.length;
  for (const job of expired) if (job.storageKey) await remove(job.storageKey);

  // Direct downloads have no file: only a row left running by a process that died.
  result.abandoned_direct = await failAbandonedDirectExports(
    new Date(now.getTime() - ABANDONED_DIRECT_HOURS * 3_600_000),
    "job.error.directLost",
  );

  // 2. Every stored file that no live export refers to: one of an expired or deleted export
  //    at once, one no export knows only once it is old enough (it may be being recorded).
  const orphanBefore = now.getTime() - orphanMinutes * 60_000;
  const batch: Array<{ key: string; modifiedAt: Date }> = [];
  const sweep = async () => {
    const known = await storageKeysInUse(batch.map((file) => file.key));
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
    if (batch.length >= SWEEP_BATCH) await sweep();
  }
  if (batch.length > 0) await sweep();

  await recordAudit({ action: "retention_purge", actorId: null, details: { ...result, trigger } });
  return result;
}

/** The daily cleanup, as a schedule of the job runtime. */
export function retentionSchedule(log: (line: string) => void = console.log): ScheduledTask {
  return {
    name: "export-retention",
    cron: config.retention.cron,
    timeZone: config.retention.timeZone,
    runAtStart: true,
    run: async (trigger) => {
      // One cleanup at a time across the installation: every process runs it at start.
      const result = await whileHoldingLock(RETENTION_LOCK, 0, () => purgeExpiredExports({ trigger }));
      if (result === null) {
        log(`retention (${trigger}): another process is running it`);
        return;
      }
      if (trigger === "schedule" || result.expired_jobs + result.files_removed > 0) {
        log(`retention (${trigger}): ${JSON.stringify(result)}`);
      }
    },
  };
}
