"use client";
// The progress modal of an import, in the same frame as an export's: rows imported, time
// left, cancel. On completion it says how many rows came in and how many were rejected and
// hands the dataset's page to the parent after a moment; on failure it shows the reason,
// the first rejected rows with their lines, the rejected-rows CSV, and "Back" to change the
// choices.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useEffectEvent, useState } from "react";
import type { TImportStatusResponse } from "@/lib/datasets/dataset-schemas";
import { formatNumber } from "@/lib/i18n";
import { errorMessage } from "../export/download-export";
import { useI18n } from "../i18n/i18n-provider";
import {
  etaText,
  PROGRESS_BUTTON,
  PROGRESS_PRIMARY_BUTTON,
  ProgressBar,
  ProgressCounts,
  ProgressDialog,
  useProgressDialog,
} from "../ui/progress-modal";
import { importJobQueryKey, importStatusUrl, isImportDone, useImportJob } from "./use-import-job";

/** How long "Import complete" stays up before the dataset opens. */
export const OPEN_DATASET_AFTER_MS = 2000;

type Props = {
  jobId: string;
  onClose: () => void;
  /** The rows are in: the parent opens the dataset (its page URL). */
  onCompleted: (job: TImportStatusResponse) => void;
  /** "Back" after a failure or a cancel: the parent lets the choices be changed. */
  onBack?: () => void;
};

const TITLES = {
  completed: "upload.job.titleCompleted",
  failed: "upload.job.titleFailed",
  cancelled: "upload.job.titleCancelled",
} as const;

export function ImportProgressModal({ jobId, onClose, onCompleted, onBack }: Props) {
  const { t } = useI18n();
  // The title follows the job's status as the polling below caches it (this reads, never fetches).
  const { data: job } = useQuery<TImportStatusResponse>({ queryKey: importJobQueryKey(jobId), enabled: false });
  const status = job?.status;
  const title =
    status === "completed" || status === "failed" || status === "cancelled" ? t(TITLES[status]) : t("upload.job.title");
  return (
    <ProgressDialog title={title} testId="import-progress" onClose={onClose}>
      <ImportProgress key={jobId} jobId={jobId} onCompleted={onCompleted} onBack={onBack} />
    </ProgressDialog>
  );
}

function ImportProgress({ jobId, onCompleted, onBack }: Omit<Props, "onClose">) {
  const { locale, t } = useI18n();
  const { polling, close: onClose } = useProgressDialog();
  const queryClient = useQueryClient();
  const { data: job, error } = useImportJob(jobId, { enabled: polling, fallbackError: t("error.internal") });
  const [cancelling, setCancelling] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const status = job?.status;
  const completed = status === "completed";

  const completedEvent = useEffectEvent(() => {
    if (job) onCompleted(job);
  });
  useEffect(() => {
    if (!completed) return;
    const timer = setTimeout(() => completedEvent(), OPEN_DATASET_AFTER_MS);
    return () => clearTimeout(timer);
  }, [completed]);

  async function cancel() {
    setCancelling(true);
    setActionError(null);
    try {
      const response = await fetch(`${importStatusUrl(jobId)}/cancel`, {
        method: "POST",
        headers: { Accept: "application/json" },
      });
      const body = (await response.json().catch(() => null)) as unknown;
      if (!response.ok) {
        setActionError(errorMessage(body as { detail?: string }, t("error.internal")));
        return;
      }
      // An answer to a poll sent before the cancel must not bring "processing" back.
      await queryClient.cancelQueries({ queryKey: importJobQueryKey(jobId) });
      if (body && typeof body === "object" && "status" in body) {
        queryClient.setQueryData(importJobQueryKey(jobId), body as TImportStatusResponse);
      } else {
        await queryClient.invalidateQueries({ queryKey: importJobQueryKey(jobId) });
      }
    } catch {
      setActionError(t("error.internal"));
    } finally {
      setCancelling(false);
    }
  }

  const running = !isImportDone(job) && !error;
  const waiting = !job || status === "pending";
  const progress = completed ? 100 : (job?.progress ?? 0);
  const counts = waiting
    ? t("progress.waiting")
    : job.total_rows === null
      ? t("upload.job.rows", { count: formatNumber(locale, job.processed_rows) })
      : t("upload.job.rowsOf", {
          done: formatNumber(locale, job.processed_rows),
          total: formatNumber(locale, job.total_rows),
        });
  const eta = status === "processing" ? etaText(job?.eta_seconds ?? null, locale, t, job?.progress ?? 0) : null;
  const rejected = job?.rejected ?? [];

  return (
    <>
      <div className="space-y-3 overflow-y-auto px-6 py-4 text-sm">
        <ProgressBar
          percent={progress}
          label={t("upload.progress.label")}
          detail={counts}
          tone={status === "failed" ? "failed" : completed ? "done" : "running"}
        />
        <ProgressCounts counts={counts} eta={eta} testIdPrefix="import" />

        {running && job && job.rejected_rows > 0 ? (
          <p className="text-amber-800">
            {t("upload.job.rejectedSoFar", { count: formatNumber(locale, job.rejected_rows) })}
          </p>
        ) : null}

        {completed && job ? (
          <div className="space-y-1">
            <p role="status" className="font-medium text-green-800">
              {t("upload.job.done", {
                count: formatNumber(locale, job.processed_rows),
                rejected: formatNumber(locale, job.rejected_rows),
              })}
            </p>
            <p className="text-slate-500">{t("upload.job.opening")}</p>
          </div>
        ) : null}

        {status === "failed" ? (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-900">
            <p className="font-medium">{t("upload.job.failed")}</p>
            {job?.error_message ? <p className="mt-1 whitespace-pre-line">{job.error_message}</p> : null}
          </div>
        ) : null}

        {status === "cancelled" ? (
          <p role="status" className="font-medium text-slate-700">
            {t("upload.job.cancelled")}
          </p>
        ) : null}

        {job && !running && rejected.length > 0 ? (
          <div data-testid="import-rejected">
            <h3 className="font-medium text-slate-800">{t("upload.job.rejectedHeading")}</h3>
            {job.rejected_rows > rejected.length ? (
              <p className="text-xs text-slate-500">
                {t("upload.job.rejectedMore", {
                  shown: formatNumber(locale, rejected.length),
                  count: formatNumber(locale, job.rejected_rows),
                })}
              </p>
            ) : null}
            <ul className="mt-1 max-h-48 space-y-0.5 overflow-y-auto rounded-md border border-slate-200 px-3 py-2">
              {rejected.map((row, index) => (
                <li key={`${row.line}-${index}`} className="break-words">
                  <span className="font-medium tabular-nums">
                    {t("upload.job.rejectedLine", { line: formatNumber(locale, row.line) })}
                  </span>
                  : {row.reason}
                </li>
              ))}
            </ul>
            {job.rejected_url ? (
              <a href={job.rejected_url} download className="mt-1 inline-block text-brand-700 underline">
                {t("upload.job.rejectedDownload")}
              </a>
            ) : null}
          </div>
        ) : null}

        {error ? (
          <p role="alert" className="whitespace-pre-line text-red-700">
            {error.message}
          </p>
        ) : null}
        {actionError ? (
          <p role="alert" className="whitespace-pre-line text-red-700">
            {actionError}
          </p>
        ) : null}

        {running ? <p className="text-xs text-slate-500">{t("upload.job.closeHint")}</p> : null}
      </div>

      <div className="flex flex-wrap justify-end gap-2 border-t border-slate-200 px-6 py-3">
        {running ? (
          <button type="button" onClick={() => void cancel()} disabled={cancelling} className={PROGRESS_BUTTON}>
            {cancelling ? t("progress.cancelling") : t("progress.cancel")}
          </button>
        ) : null}
        {(status === "failed" || status === "cancelled") && onBack ? (
          <button type="button" onClick={onBack} className={PROGRESS_PRIMARY_BUTTON}>
            {t("upload.job.back")}
          </button>
        ) : null}
        <button type="button" onClick={onClose} className={PROGRESS_BUTTON}>
          {t("progress.close")}
        </button>
      </div>
    </>
  );
}
