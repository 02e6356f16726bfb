// Creating an export job: the checked export (lib/data/export-request) becomes a pending
// export_jobs row, its export_requested audit event and a queue message in one
// transaction, under a per-user lock that keeps the number of active jobs within the limit
// even when requests race.
import { DEFAULT_LOCALE, type Locale } from "../i18n";
import { config } from "../config";
import type { PreparedExport } from "../data/export-request";
import { AppError } from "../errors";
import { dispatchExport } from "./queue";
import { inTransaction } from "./store";
import { nudgeLocalWorkers } from "./wake";

export type CreatedJob = { id: string; createdAt: Date; totalRows: number | null };

// Namespace of the per-user advisory locks taken while a job is created.
const CREATE_LOCK = 4_211_001;

export async function enqueueExport(
  caller: { user: { id: number }; ip: string | null; locale?: Locale },
  prepared: PreparedExport,
  { retryOf = null }: { retryOf?: string | null } = {},
): Promise<CreatedJob> {
  const { user } = caller;
  const limit = config.export.activeJobsPerUser;
  const audit = {
    format: prepared.format,
    delivery: "job",
    rows: prepared.rowCount,
    filters: prepared.info.filters,
    ...(retryOf ? { retry_of: retryOf } : {}),
  };
  const job = await inTransaction(async (client) => {
    // The lock comes first, in a statement of its own: the count below must see every job
    // committed by a request that held the lock before us.
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [CREATE_LOCK, user.id]);
    // Count, insert and audit in one round trip; no row back means the user is at the limit.
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      `WITH job AS (
         INSERT INTO export_jobs (id, user_id, dataset_id, format, options, total_rows, retry_of_id, locale)
         SELECT gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, $6, $11
          WHERE (SELECT count(*) FROM export_jobs WHERE user_id = $1 AND status IN ('pending', 'processing')) < $7
         RETURNING id, created_at
       ), audit AS (
         INSERT INTO audit_events (action, actor_id, target_type, target_id, details, ip)
         SELECT 'export_requested', $1, 'dataset', $10, $8::jsonb || jsonb_build_object('job_id', job.id), $9 FROM job
       )
       SELECT id, created_at FROM job`,
      [
        user.id,
        prepared.dataset.id,
        prepared.format,
        JSON.stringify(prepared.options),
        prepared.rowCount,
        retryOf,
        limit,
        JSON.stringify(audit),
        caller.ip,
        String(prepared.dataset.id),
        caller.locale ?? DEFAULT_LOCALE,
      ],
    );
    const row = rows[0];
    if (!row) throw new AppError("rate_limited", "job.concurrentLimit", { params: { limit } });
    await dispatchExport(client, row.id);
    return { id: row.id, createdAt: row.created_at, totalRows: prepared.rowCount };
  });
  nudgeLocalWorkers();
  return job;
}

/** The large-dataset notice a 202 carries, when the export is big enough for one. */
export function isLargeExport(prepared: PreparedExport): boolean {
  return prepared.rowBound > config.export.largeExportRows && prepared.rowCount !== null;
}
