// Deleting an export from the history: the row is hidden everywhere (and kept for the
// audit trail), its file removed at once. A waiting or running export must be cancelled first.
import { recordAudit } from "../audit/audit";
import { AppError } from "../errors";
import { exportStore } from "../files/export-store";
import { ACTIVE_STATUSES } from "../jobs/job-table";
import { softDeleteExportJob } from "./export-job-store";
import { findExportFor } from "./find-export";
import type { ExportCaller } from "./request-export";

export async function deleteExport(caller: ExportCaller, rawId: string): Promise<void> {
  const job = await findExportFor(caller.user, rawId, "manage");
  const deleted = await softDeleteExportJob(job.id);
  if (!deleted) {
    if ((ACTIVE_STATUSES as readonly string[]).includes(job.status)) {
      throw new AppError("conflict", "history.deleteActive");
    }
    throw new AppError("not_found", "error.notFound"); // deleted meanwhile
  }
  let bytesFreed: number | null = null; // null: there was no file (failed, or already purged)
  if (deleted.storageKey) {
    try {
      bytesFreed = await exportStore().remove(deleted.storageKey);
    } catch (error) {
      // The row is deleted; the next retention run removes the file (it is nobody's now).
      console.error(`Could not remove the file of deleted export ${job.id}:`, (error as Error).message);
    }
  }
  await recordAudit({
    action: "export_deleted",
    actorId: caller.user.id,
    targetId: job.id,
    ip: caller.ip,
    details: {
      format: job.format,
      dataset_id: job.datasetId,
      owner_id: job.userId,
      status: job.status,
      file_removed: bytesFreed !== null,
      bytes_freed: bytesFreed,
    },
  });
}
