// An export job as the API, the progress modal and the history show it (snake_case), in
// the viewer's language; and the 202 answer of a queued export.
import { z } from "zod";
import type { CurrentUser } from "../auth/current-user";
import { canManageExport, canSeeSensitive } from "../auth/permissions";
import { config } from "../config";
import { findDataset, type DatasetInfo } from "../datasets/dataset-store";
import { signDownload } from "../files/signed-url";
import { EXPORT_FORMATS } from "../export/formats";
import type { ExportJob } from "../generated/prisma/client";
import { ExportStatus } from "../generated/prisma/enums";
import { formatNumber, translate, translateStored, type Locale } from "../i18n";
import type { ExportJobRow, JobWarning } from "./export-job-store";
import { presentOptions } from "./present-options";
import type { ExportRequestResult } from "./request-export";

type Lifecycle = Pick<ExportJob, "status" | "expiresAt">;

/** Whether a job's file may still be downloaded (a stored file, completed and not past its expiry). */
export function isDownloadable(job: Lifecycle & Pick<ExportJob, "delivery">, now = new Date()): boolean {
  return job.delivery === "job" && job.status === "completed" && !(job.expiresAt && job.expiresAt <= now);
}

/** Expired: marked so by the cleanup, or completed and past its expiry (not yet purged). */
export function isExpired(job: Lifecycle, now = new Date()): boolean {
  return job.status === "expired" || (job.status === "completed" && !!job.expiresAt && job.expiresAt <= now);
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

export function statusUrl(jobId: string): string {
  return `/api/export/status/${jobId}`;
}

export function downloadUrl(jobId: string): string {
  return `/api/export/download/${jobId}`;
}

/**
 * The status shape. `viewer` is who asks: the signed URL is theirs (it stays valid for
 * `config.export.signedUrlMinutes`, for the browser's download manager or a script), and
 * the options are shown as they may read them. `dataset` tells which of its columns are
 * sensitive (null when it is gone, or when the viewer may see sensitive values anyway).
 */
export function presentExport(
  job: ExportJobRow,
  viewer: Pick<CurrentUser, "id" | "role">,
  locale: Locale,
  dataset: Pick<DatasetInfo, "columns" | "dateColumn"> | null,
  now = new Date(),
) {
  const shown = presentOptions(job.options, viewer, dataset);
  const stalled = isStalled(job, now);
  const mayDownload = isDownloadable(job, now) && canManageExport(viewer, job) && job.dataset.deletedAt === null;
  const signed = mayDownload ? signDownload(job.id, viewer.id, now.getTime()) : null;
  return {
    job_id: job.id,
    /** direct: streamed in its request's response, nothing stored (no download link, ever). */
    delivery: job.delivery,
    status: job.status,
    format: job.format,
    dataset_id: job.datasetId,
    dataset_title: job.dataset.title,
    /** The dataset was deleted: the history keeps its title, nothing can be downloaded. */
    dataset_deleted: job.dataset.deletedAt !== null,
    progress: job.progress,
    processed_rows: job.processedRows,
    total_rows: job.totalRows,
    skipped_rows: job.skippedRows,
    eta_seconds: job.status === "processing" && !stalled ? job.etaSeconds : job.status === "completed" ? 0 : null,
    stalled,
    download_url: mayDownload ? downloadUrl(job.id) : null,
    signed_download_url: signed ? `${downloadUrl(job.id)}?token=${signed.token}` : null,
    signed_url_expires_at: signed?.expiresAt.toISOString() ?? null,
    error_message: job.errorMessage ? translateStored(locale, job.errorMessage) : null,
    warnings: presentWarnings(locale, job.warnings),
    file_name: job.fileName,
    file_size: job.fileSize === null ? null : Number(job.fileSize),
    sha256: job.sha256,
    /**
     * The options it was asked for with, as validated: without the PDF's chart images, and
     * with the values of filters on sensitive columns hidden from those who may not see them.
     */
    options: shown.options,
    /** Some value in `options` is hidden: they cannot be asked for again as they stand. */
    options_masked: shown.masked,
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

export type ExportJobJson = ReturnType<typeof presentExport>;

/** `presentExport` for one job, its dataset's columns read only when the viewer needs them masked. */
export async function showExport(
  job: ExportJobRow,
  viewer: Pick<CurrentUser, "id" | "role">,
  locale: Locale,
): Promise<ExportJobJson> {
  const dataset = canSeeSensitive(viewer) ? null : await findDataset(job.datasetId);
  return presentExport(job, viewer, locale, dataset);
}

/** The large-dataset notice a 202 carries, when the export is big enough for one. */
function largeExportWarning(result: Extract<ExportRequestResult, { delivery: "job" }>, locale: Locale) {
  const { prepared } = result;
  if (prepared.rowCount === null || prepared.rowBound <= config.export.largeExportRows) return {};
  return { warning: translate(locale, "job.largeWarning", { rows: formatNumber(locale, prepared.rowCount) }) };
}

/** The 202 body of a queued export: `{job_id, status, status_url, total_rows, warning?}`. */
export function presentAccepted(result: Extract<ExportRequestResult, { delivery: "job" }>, locale: Locale) {
  const { job } = result;
  return {
    job_id: job.id,
    status: "pending" as const,
    status_url: statusUrl(job.id),
    total_rows: job.totalRows,
    ...largeExportWarning(result, locale),
  };
}

export type AcceptedExportJson = ReturnType<typeof presentAccepted>;

// The same shapes as zod schemas, for the API document (lib/http/openapi): the presenters
// above are what the routes answer; lib/http/openapi/shape-checks.ts keeps the two in step.

const ZJobWarning = z.object({
  record_id: z.number().int().optional(),
  row: z.number().int().optional(),
  column: z.string().optional(),
  message: z.string(),
});

/** `GET /api/export/status/{jobId}`, the cancel answer, and each item of the history. */
export const ZExportJobResponse = z.object({
  job_id: z.string(),
  delivery: z.enum(["job", "direct"]),
  status: z.enum(Object.values(ExportStatus) as [ExportStatus, ...ExportStatus[]]),
  format: z.enum(EXPORT_FORMATS),
  dataset_id: z.number().int(),
  dataset_title: z.string(),
  dataset_deleted: z.boolean(),
  progress: z.number(),
  processed_rows: z.number().int(),
  total_rows: z.number().int().nullable(),
  skipped_rows: z.number().int(),
  eta_seconds: z.number().nullable(),
  stalled: z.boolean(),
  download_url: z.string().nullable(),
  signed_download_url: z.string().nullable(),
  signed_url_expires_at: z.string().nullable(),
  error_message: z.string().nullable(),
  warnings: z.array(ZJobWarning),
  file_name: z.string().nullable(),
  file_size: z.number().int().nullable(),
  sha256: z.string().nullable(),
  options: z.record(z.string(), z.unknown()).meta({
    description:
      "The options it was asked for with, as validated: no chart_images, and filter values on sensitive columns hidden from those who may not see them.",
  }),
  options_masked: z
    .boolean()
    .meta({ description: "Some value in options is hidden: not to be sent back as they stand." }),
  attempts: z.number().int(),
  download_count: z.number().int(),
  retry_of: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  expired: z.boolean(),
});

/** The 202 of a queued export (`Location` names `status_url` too). */
export const ZExportAccepted = z.object({
  job_id: z.string(),
  status: z.literal("pending"),
  status_url: z.string(),
  total_rows: z.number().int().nullable(),
  warning: z.string().optional(),
});
