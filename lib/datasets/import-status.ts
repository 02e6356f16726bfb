// An import job as the one who started it (or an admin) sees it: its status in the API's
// shape, its cancel, and the CSV of the rows it rejected. Anyone else gets 404, as if it
// did not exist, so job ids cannot be probed.
import type { ReadStream } from "node:fs";
import { z } from "zod";
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { AppError } from "../errors";
import { isMessageKey, translate, translateStored, type Locale } from "../i18n";
import { WORKER_LOST } from "../jobs/job-table";
import { pathParam } from "../params";
import { removeUpload } from "../uploads/upload-files";
import type { TImportStatusResponse } from "./dataset-schemas";
import { cancelImportJob, findImportJob, type ImportJobRow } from "./import-job-store";
import { discardImportingDataset } from "./import-cleanup";
import { openRejectedRowsFile } from "./rejected-rows";
import type { ImportCaller } from "./request-import";

const ZJobId = z.uuid();

export function importStatusUrl(jobId: string): string {
  return `/api/imports/${jobId}`;
}

export function rejectedRowsUrl(jobId: string): string {
  return `/api/imports/${jobId}/rejected`;
}

export function datasetUrl(datasetId: number): string {
  return `/datasets/${datasetId}`;
}

/** The import job `rawId` names, when `user` started it or is an admin; 404 otherwise. */
export async function findImport(user: CurrentUser, rawId: string): Promise<ImportJobRow> {
  const id = ZJobId.safeParse(pathParam(rawId, "jobId"));
  if (!id.success) throw new AppError("not_found", "error.notFound");
  const job = await findImportJob(id.data);
  if (!job || (job.userId !== user.id && user.role !== "admin")) throw new AppError("not_found", "error.notFound");
  return job;
}

/** The stored failure in the viewer's words, with the parameters the job recorded. */
function errorText(job: ImportJobRow, locale: Locale): string | null {
  if (!job.errorMessage) return null;
  // The runtime's own words for a worker that kept dying speak of exports.
  const key = job.errorMessage === WORKER_LOST ? "import.job.error.workerLost" : job.errorMessage;
  return isMessageKey(key) ? translate(locale, key, job.errorParams) : translateStored(locale, key);
}

/** `GET /api/imports/{jobId}`, in the viewer's language. */
export function presentImport(job: ImportJobRow, locale: Locale = "en"): TImportStatusResponse {
  const completed = job.status === "completed";
  return {
    job_id: job.id,
    dataset_id: job.datasetId,
    mode: job.mode,
    status: job.status,
    progress: job.progress,
    processed_rows: job.processedRows,
    total_rows: job.totalRows,
    eta_seconds: job.status === "processing" ? job.etaSeconds : completed ? 0 : null,
    rejected_rows: job.rejectedRows,
    rejected: job.rejected,
    rejected_url: job.rejectedFile ? rejectedRowsUrl(job.id) : null,
    error_message: errorText(job, locale),
    file_name: job.fileName,
    file_size: job.fileSize,
    sha256: job.sha256,
    created_at: job.createdAt.toISOString(),
    completed_at: completed ? (job.finishedAt?.toISOString() ?? null) : null,
    dataset_url: completed && job.datasetId !== null ? datasetUrl(job.datasetId) : null,
  };
}

/**
 * Cancels a waiting or running import. A waiting one is cleaned up here (its upload, and
 * the dataset a create would have made); a running one stops at its next heartbeat, rolls
 * back and cleans up itself. 409 for one that is over (or whose rows are committed).
 */
export async function cancelImport(caller: CurrentUser | ImportCaller, rawId: string): Promise<ImportJobRow> {
  const user = "user" in caller ? caller.user : caller;
  const ip = "user" in caller ? caller.ip : null;
  const job = await findImport(user, rawId);
  const cancelled = await cancelImportJob(job.id);
  if (!cancelled) throw new AppError("conflict", "import.job.notCancellable");
  if (cancelled.was === "pending") {
    await removeUpload(cancelled.uploadKey);
    if (cancelled.mode === "create" && cancelled.datasetId !== null) await discardImportingDataset(cancelled.datasetId);
  }
  await recordAudit({
    action: "dataset_import_failed",
    actorId: user.id,
    targetId: job.datasetId,
    ip,
    details: { job_id: job.id, mode: job.mode, outcome: "cancelled", was: cancelled.was, file_name: job.fileName },
  });
  return (await findImportJob(job.id)) ?? job;
}

/** The CSV of every row the import rejected, and a name to download it as; 404 when there is none. */
export async function openRejectedRows(
  user: CurrentUser,
  rawId: string,
): Promise<{ stream: ReadStream; fileName: string }> {
  const job = await findImport(user, rawId);
  if (!job.rejectedFile) throw new AppError("not_found", "import.job.noRejectedRows");
  const stream = openRejectedRowsFile(job.rejectedFile);
  // A file removed since (its dataset deleted) is a 404, not a broken download.
  await new Promise<void>((resolve, reject) => {
    stream.once("open", () => resolve());
    stream.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new AppError("not_found", "import.job.noRejectedRows") : error),
    );
  });
  const base = job.fileName.replace(/\.[^.]*$/, "") || "import";
  return { stream, fileName: `${base}-rejected-rows.csv` };
}
