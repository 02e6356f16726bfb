// Cancelling a waiting or running export: a running one stops within a heartbeat or two
// (its worker finds the job no longer its own) and removes its temporary file.
import { recordAudit } from "../audit/audit";
import { AppError } from "../errors";
import { cancelJob } from "../jobs/job-table";
import { EXPORT_JOBS_TABLE, type ExportJobRow } from "./export-job-store";
import { findExportFor } from "./find-export";
import type { ExportCaller } from "./request-export";

export async function cancelExport(caller: ExportCaller, rawId: string): Promise<ExportJobRow> {
  const job = await findExportFor(caller.user, rawId, "manage");
  // A direct download ends with its response: only its client can stop it.
  if (job.delivery === "direct") throw new AppError("conflict", "job.notCancellable");
  if (!(await cancelJob(EXPORT_JOBS_TABLE, job.id))) throw new AppError("conflict", "job.notCancellable");
  await recordAudit({
    action: "export_cancelled",
    actorId: caller.user.id,
    targetId: job.datasetId,
    ip: caller.ip,
    details: {
      format: job.format,
      delivery: "job",
      job_id: job.id,
      was: job.status,
      processed_rows: job.processedRows,
    },
  });
  return findExportFor(caller.user, job.id);
}
