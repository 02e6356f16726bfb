"use client";
// The progress modal of a background export: polls the job every 2 s, shows the
// percent, the records processed and the time left, starts the download once the file is
// ready and closes itself 2 s later; a failed job can be retried in place, a running one
// cancelled. Closing the modal only stops the polling, never the export: the job is handed
// to the running-exports indicator of the top bar, and a toast says so. The frame and
// the bar are the ones the import modal uses too (components/ui/progress-modal).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useEffectEvent, useRef, useState } from "react";
import { cancelExport, retryExport } from "@/app/actions/export";
import { FORMATS } from "@/lib/export/formats";
import { formatNumber } from "@/lib/i18n";
import type { ExportJobJson } from "@/lib/exports/present-export";
import { useI18n } from "../i18n/i18n-provider";
import { useToast } from "../ui/toast";
import {
  etaText,
  PROGRESS_BUTTON,
  PROGRESS_PRIMARY_BUTTON,
  ProgressBar,
  ProgressCounts,
  ProgressDialog,
  useProgressDialog,
} from "../ui/progress-modal";
import { errorMessage } from "./download-export";
import { trackExportJob, unwatchExportJob } from "./running-exports-store";
import { exportJobQueryKey, isTerminal, useExportJob } from "./use-export-job";

/** How long "Download complete" stays up before the modal closes itself. */
export const AUTO_CLOSE_MS = 2000;

type Props = {
  jobId: string;
  /** The large-dataset notice that came with the job, if any. */
  warning?: string;
  onClose: () => void;
  /** A retry created a new job: the parent shows it in this same modal. */
  onRetried: (newJobId: string, warning?: string) => void;
};

/** The modal's title for a job as the polling last saw it: what is exported, and how it ended. */
export function exportProgressTitle(job: ExportJobJson | undefined, t: ReturnType<typeof useI18n>["t"]): string {
  if (!job) return t("progress.title");
  const named = { dataset: job.dataset_title, format: FORMATS[job.format].label };
  switch (job.status) {
    case "completed":
      return t("progress.titleCompleted", named);
    case "failed":
      return t("progress.titleFailed", named);
    case "cancelled":
      return t("progress.titleCancelled", named);
    default:
      return t("progress.titleNamed", named);
  }
}

export function ExportProgressModal({ jobId, warning, onClose, onRetried }: Props) {
  const { t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  // The title follows the job as the polling below caches it (this reads, never fetches).
  const { data: job } = useQuery<ExportJobJson>({ queryKey: exportJobQueryKey(jobId), enabled: false });

  // While open, this modal downloads the file itself; once closed, the top bar takes over.
  useEffect(() => {
    trackExportJob(jobId, { watch: true });
    return () => unwatchExportJob(jobId);
  }, [jobId]);

  const close = () => {
    unwatchExportJob(jobId);
    const latest = queryClient.getQueryData<ExportJobJson>(exportJobQueryKey(jobId));
    if (!latest || !isTerminal(latest))
      toast.show(t("runningExports.stillExporting"), "info", { key: "still-exporting" });
    onClose();
  };

  return (
    <ProgressDialog title={exportProgressTitle(job, t)} testId="export-progress" onClose={close}>
      {/* Keyed by job: a retry starts from a clean slate (no stale download or error). */}
      <JobProgress key={jobId} jobId={jobId} warning={warning} onRetried={onRetried} />
    </ProgressDialog>
  );
}

function JobProgress({
  jobId,
  warning,
  onRetried,
}: {
  jobId: string;
  warning?: string;
  onRetried: Props["onRetried"];
}) {
  const { locale, t } = useI18n();
  const { polling, close: onClose } = useProgressDialog();
  const queryClient = useQueryClient();
  const { data: job, error } = useExportJob(jobId, { enabled: polling, fallbackError: t("error.internal") });
  const [pending, setPending] = useState<"cancel" | "retry" | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const downloaded = useRef(false);

  const status = job?.status;
  const completed = status === "completed";
  const downloadUrl = job?.download_url ?? null;

  // Start the download once: the browser streams the file straight to disk.
  useEffect(() => {
    if (!completed || !downloadUrl || downloaded.current) return;
    downloaded.current = true;
    const link = document.createElement("a");
    link.href = downloadUrl;
    link.download = job?.file_name ?? "";
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  }, [completed, downloadUrl, job?.file_name]);

  const closeNow = useEffectEvent(() => onClose());
  useEffect(() => {
    if (!completed) return;
    const timer = setTimeout(() => closeNow(), AUTO_CLOSE_MS);
    return () => clearTimeout(timer);
  }, [completed]);

  async function cancel() {
    setPending("cancel");
    setActionError(null);
    try {
      const result = await cancelExport(jobId);
      if ("error" in result) {
        setActionError(errorMessage({ detail: result.error, errors: result.errors }, t("error.internal")));
      } else {
        // An answer to a poll sent before the cancel must not bring "processing" back.
        await queryClient.cancelQueries({ queryKey: exportJobQueryKey(jobId) });
        queryClient.setQueryData<ExportJobJson>(exportJobQueryKey(jobId), result.job);
      }
    } catch {
      setActionError(t("error.internal"));
    } finally {
      setPending(null);
    }
  }

  async function retry() {
    setPending("retry");
    setActionError(null);
    try {
      const result = await retryExport(jobId);
      if ("error" in result) {
        setActionError(errorMessage({ detail: result.error, errors: result.errors }, t("error.internal")));
      } else if (result.mode === "job") {
        onRetried(result.job_id, result.warning);
      }
    } catch {
      setActionError(t("error.internal"));
    } finally {
      setPending(null);
    }
  }

  const progress = completed ? 100 : Math.min(100, Math.max(0, Math.round(job?.progress ?? 0)));
  const running = !isTerminal(job) && !error;
  const waiting = !job || status === "pending";

  const records =
    job && !waiting
      ? job.total_rows === null
        ? t("progress.recordsNoTotal", { done: formatNumber(locale, job.processed_rows) })
        : t("progress.records", {
            done: formatNumber(locale, job.processed_rows),
            total: formatNumber(locale, job.total_rows),
          })
      : t("progress.waiting");

  const stalled = status === "processing" && job?.stalled === true;
  const eta =
    status === "processing" && !stalled ? etaText(job?.eta_seconds ?? null, locale, t, job?.progress ?? 0) : null;

  const buttonClass = PROGRESS_BUTTON;
  const primaryClass = PROGRESS_PRIMARY_BUTTON;

  return (
    <>
      <div className="space-y-3 px-6 py-4 text-sm">
        {warning ? (
          <p
            className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900"
            data-testid="export-warning"
          >
            {warning}
          </p>
        ) : null}

        <ProgressBar
          percent={progress}
          label={t("progress.label")}
          detail={records}
          tone={status === "failed" ? "failed" : completed ? "done" : "running"}
        />

        <ProgressCounts counts={records} eta={eta} testIdPrefix="export" />

        {stalled ? (
          <p
            className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-amber-900"
            data-testid="export-stalled"
          >
            {t("progress.stalled")}
          </p>
        ) : null}

        {job && job.skipped_rows > 0 ? (
          <p className="text-amber-800">{t("progress.skipped", { count: formatNumber(locale, job.skipped_rows) })}</p>
        ) : null}

        {completed ? (
          <div className="space-y-1">
            <p role="status" className="font-medium text-green-800">
              {t("progress.done")}
            </p>
            {downloadUrl ? (
              <a
                href={downloadUrl}
                download={job?.file_name ?? ""}
                className="text-brand-700 underline hover:text-brand-800"
              >
                {t("progress.downloadAgain")}
              </a>
            ) : null}
          </div>
        ) : null}

        {status === "failed" ? (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-900">
            <p className="font-medium">{t("progress.failed")}</p>
            {job?.error_message ? <p className="mt-1 whitespace-pre-line">{job.error_message}</p> : null}
          </div>
        ) : null}

        {status === "cancelled" ? (
          <p role="status" className="font-medium text-slate-700">
            {t("progress.cancelled")}
          </p>
        ) : null}

        {status === "expired" ? <p className="text-slate-700">{t("job.expired")}</p> : null}

        {error ? (
          <p role="alert" className="whitespace-pre-line text-red-700">
            {error.message}
          </p>
        ) : null}

        {actionError ? (
          <p role="alert" className="whitespace-pre-line text-red-700" data-testid="export-action-error">
            {actionError}
          </p>
        ) : null}

        {running ? <p className="text-xs text-slate-500">{t("progress.closeHint")}</p> : null}
      </div>

      <div className="flex justify-end gap-2 border-t border-slate-200 px-6 py-3">
        {running ? (
          <button type="button" onClick={() => void cancel()} disabled={pending !== null} className={buttonClass}>
            {pending === "cancel" ? t("progress.cancelling") : t("progress.cancel")}
          </button>
        ) : null}
        {status === "failed" ? (
          <button type="button" onClick={() => void retry()} disabled={pending !== null} className={primaryClass}>
            {t("progress.retry")}
          </button>
        ) : null}
        <button type="button" onClick={onClose} className={buttonClass}>
          {t("progress.close")}
        </button>
      </div>
    </>
  );
}
