// Export jobs as their owners (and admins) see them: found by id only when the caller may
// (anyone else gets 404, as if it did not exist), presented in SPEC §9's snake_case shape,
// cancelled, retried.
import { z } from "zod";
import { recordAudit } from "../audit/audit";
import { canManageExport, canSeeExport } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { prepareExport, type PreparedExport } from "../data/export-request";
import { prisma } from "../data/prisma";
import { isExportFormat, type ExportFormat } from "../export/formats";
import type { ExportJob } from "../generated/prisma/client";
import { config } from "../config";
import { AppError } from "../errors";
import { translateStored, type Locale } from "../i18n";
import { enqueueExport, type CreatedJob } from "./create";
import { signedDownloadUrl } from "./signed-url";
import type { JobWarning } from "./store";

export const ACTIVE_STATUSES = ["pending", "processing"] as const;
const ZJobIdSchema = z.uuid();

type JobWithDataset = ExportJob & { dataset: { title: string } };

/**
 * The job, if the caller may see it (a deleted one never): otherwise 404 whatever the
 * reason, so ids cannot be probed. `manage` (download, delete, cancel, retry) also needs
 * the role to allow it: 403 for a job one may see but not touch.
 */
export async function findJobFor(
  user: CurrentUser,
  rawId: string,
  need: "see" | "manage" = "see",
): Promise<JobWithDataset> {
  const id = ZJobIdSchema.safeParse(rawId);
  if (!id.success) throw new AppError("not_found", "error.notFound");
  const job = await prisma().exportJob.findUnique({
    where: { id: id.data },
    include: { dataset: { select: { title: true } } },
  });
  if (!job || job.deletedAt || !canSeeExport(user, job)) throw new AppError("not_found", "error.notFound");
  if (need === "manage" && !canManageExport(user, job)) throw new AppError("forbidden", "job.manageForbidden");
  return job;
}

/** Whether a job's file may still be downloaded (completed and not past its expiry). */
function isDownloadable(job: Pick<ExportJob, "status" | "expiresAt">, now = new Date()): boolean {
  return job.status === "completed" && !(job.expiresAt && job.expiresAt <= now);
}

/** Expired: marked so by the cleanup, or completed and past its expiry (not yet purged). */
export function isExpired(job: Pick<ExportJob, "status" | "expiresAt">, now = new Date()): boolean {
  return job.status === "expired" || (job.status === "completed" && !!job.expiresAt && job.expiresAt <= now);
}

function presentWarnings(locale: Locale, warnings: unknown): JobWarning[] {
  if (!Array.isArray(warnings)) return [];
  return warnings.flatMap((item: unknown) => {
    if (!item || typeof item !== "object") return [];
    const warning = item as JobWarning;
    return typeof warning.message === "string"
      ? [{ ...warning, message: translateStored(locale, warning.message) }]
      : [];
  });
}

/**
 * A running job whose worker has not written a heartbeat for a while: it probably died,
 * and the job will run again once its lease runs out. Its last ETA is no longer true.
 */
function isStalled(job: Pick<ExportJob, "status" | "heartbeatAt">, now = new Date()): boolean {
  const quietFor = Math.max(5000, config.jobs.heartbeatMs * 5);
  return (
    job.status === "processing" && job.heartbeatAt !== null && now.getTime() - job.heartbeatAt.getTime() > quietFor
  );
}

/**
 * SPEC §9's status shape. `viewer` is who asks: the signed URL is theirs (it stays valid
 * for `config.export.signedUrlMinutes`, for the browser's download manager or a script).
 */
export function presentJob(
  job: JobWithDataset,
  viewer: Pick<CurrentUser, "id" | "role">,
  locale: Locale,
  now = new Date(),
) {
  const stalled = isStalled(job, now);
  const mayDownload = isDownloadable(job, now) && canManageExport(viewer, job);
  const signed = mayDownload ? signedDownloadUrl(job.id, viewer.id, now.getTime()) : null;
  return {
    job_id: job.id,
    status: job.status,
    format: job.format,
    dataset_id: job.datasetId,
    dataset_title: job.dataset.title,
    progress: job.progress,
    processed_rows: job.processedRows,
    total_rows: job.totalRows,
    skipped_rows: job.skippedRows,
    eta_seconds: job.status === "processing" && !stalled ? job.etaSeconds : job.status === "completed" ? 0 : null,
    stalled,
    download_url: mayDownload ? `/api/export/download/${job.id}` : null,
    signed_download_url: signed?.url ?? null,
    signed_url_expires_at: signed?.expiresAt.toISOString() ?? null,
    error_message: job.errorMessage ? translateStored(locale, job.errorMessage) : null,
    warnings: presentWarnings(locale, job.warnings),
    file_name: job.fileName,
    file_size: job.fileSize === null ? null : Number(job.fileSize),
    sha256: job.sha256,
    attempts: job.attempts,
    download_count: job.downloadCount,
    retry_of: job.retryOfId,
    created_at: job.createdAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    completed_at: job.status === "completed" ? (job.finishedAt?.toISOString() ?? null) : null,
    finished_at: job.finishedAt?.toISOString() ?? null,
    expires_at: job.expiresAt?.toISOString() ?? null,
    expired: isExpired(job, now),
  };
}

export type ExportJobJson = ReturnType<typeof presentJob>;

export function statusUrl(jobId: string): string {
  return `/api/export/status/${jobId}`;
}

/** Cancels a waiting or running job; a running one stops within a heartbeat or two. */
export async function cancelJob(user: CurrentUser, rawId: string, ip: string | null): Promise<JobWithDataset> {
  const job = await findJobFor(user, rawId, "manage");
  const { count } = await prisma().exportJob.updateMany({
    where: { id: job.id, status: { in: [...ACTIVE_STATUSES] } },
    data: { status: "cancelled", finishedAt: new Date(), etaSeconds: null },
  });
  if (count === 0) throw new AppError("conflict", "job.notCancellable");
  await recordAudit({
    action: "export_cancelled",
    actorId: user.id,
    targetType: "export_job",
    targetId: job.id,
    ip,
    details: { format: job.format, dataset_id: job.datasetId, was: job.status, processed_rows: job.processedRows },
  });
  return findJobFor(user, job.id);
}

/** A new job with the same dataset, format and options as a failed or cancelled one. */
export async function retryJob(
  user: CurrentUser,
  rawId: string,
  ip: string | null,
  locale?: Locale,
): Promise<{ created: CreatedJob; prepared: PreparedExport }> {
  const job = await findJobFor(user, rawId, "manage");
  if (job.status !== "failed" && job.status !== "cancelled") throw new AppError("conflict", "job.notRetryable");
  const format: ExportFormat = isExportFormat(job.format) ? job.format : "csv";
  // Checked again as a new request: the caller's role, the dataset and the options now.
  const prepared = await prepareExport({ user, ip }, job.datasetId, format, job.options);
  const created = await enqueueExport({ user, ip, locale }, prepared, { retryOf: job.id });
  return { created, prepared };
}
