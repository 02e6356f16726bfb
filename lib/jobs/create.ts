// Creating an export job: the checked export (lib/data/export-request) becomes a pending
// export_jobs row and a queue message in one transaction, under a per-user lock that
// keeps the number of active jobs within the limit even when requests race.
import { recordAudit } from "../audit/audit";
import { config } from "../config";
import type { PreparedExport } from "../data/export-request";
import { AppError } from "../http/errors";
import { dispatchExport } from "./queue";
import { inTransaction } from "./store";
import { nudgeLocalWorkers } from "./wake";

export type CreatedJob = { id: string; createdAt: Date; totalRows: number | null };

// Namespace of the per-user advisory locks taken while a job is created.
const CREATE_LOCK = 4_211_001;

export async function enqueueExport(
  caller: { user: { id: number }; ip: string | null },
  prepared: PreparedExport,
  { retryOf = null }: { retryOf?: string | null } = {},
): Promise<CreatedJob> {
  const { user } = caller;
  const job = await inTransaction(async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [CREATE_LOCK, user.id]);
    const { rows: active } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM export_jobs WHERE user_id = $1 AND status IN ('pending', 'processing')",
      [user.id],
    );
    const limit = config.export.activeJobsPerUser;
    if ((active[0]?.n ?? 0) >= limit) {
      throw new AppError("rate_limited", "job.concurrentLimit", { params: { limit } });
    }
    const { rows } = await client.query<{ id: string; created_at: Date }>(
      `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, total_rows, retry_of_id)
       VALUES (gen_random_uuid(), $1, $2, $3, $4::jsonb, $5, $6)
       RETURNING id, created_at`,
      [user.id, prepared.dataset.id, prepared.format, JSON.stringify(prepared.options), prepared.rowCount, retryOf],
    );
    const row = rows[0];
    if (!row) throw new Error("INSERT … RETURNING gave no row");
    await dispatchExport(client, row.id);
    return { id: row.id, createdAt: row.created_at, totalRows: prepared.rowCount };
  });
  nudgeLocalWorkers();
  await recordAudit({
    action: "export_requested",
    actorId: user.id,
    targetType: "dataset",
    targetId: prepared.dataset.id,
    ip: caller.ip,
    details: {
      format: prepared.format,
      delivery: "job",
      job_id: job.id,
      rows: prepared.rowCount,
      filters: prepared.info.filters,
      ...(retryOf ? { retry_of: retryOf } : {}),
    },
  });
  return job;
}

/** The large-dataset notice a 202 carries, when the export is big enough for one. */
export function isLargeExport(prepared: PreparedExport): boolean {
  return prepared.rowBound > config.export.largeExportRows && prepared.rowCount !== null;
}
