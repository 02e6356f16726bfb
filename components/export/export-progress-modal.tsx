"use client";
// The progress modal of a background export: polls the job every 2 s, shows the
// percent, the records processed and the time left, starts the download once the file is
// ready and closes itself 2 s later; a failed job can be retried in place, a running one
// cancelled. Closing the modal only stops the polling, never the export.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useEffectEvent, useId, useRef, useState } from "react";
import { cancelExport, retryExport } from "@/app/actions/export";
import { formatNumber } from "@/lib/i18n";
import type { ExportJobJson } from "@/lib/exports/present-export";
import { useI18n } from "../i18n/i18n-provider";
import { errorMessage } from "./download-export";
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

export function ExportProgressModal({ jobId, warning, onClose, onRetried }: Props) {
  const { t } = useI18n();
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [closed, setClosed] = useState(false);
  const closing = useRef(false);

  // Escape may arrive both as a keydown and as the dialog's cancel event: close once.
  const requestClose = () => {
    if (closing.current) return;
    closing.current = true;
    setClosed(true); // stops the polling even if the parent keeps the modal mounted
    onClose();
  };

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) {
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
    }
    dialog.focus();
    return () => {
      if (dialog.open) {
        if (typeof dialog.close === "function") dialog.close();
        else dialog.removeAttribute("open");
      }
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      role="dialog"
      aria-modal="true"
      aria-labelledby={titleId}
      tabIndex={-1}
      data-testid="export-progress"
      onCancel={(event) => {
        // The browser's own Escape handling: keep React in charge of unmounting.
        event.preventDefault();
        requestClose();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          requestClose();
        }
      }}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-xl p-0 shadow-2xl outline-none backdrop:bg-slate-900/50"
    >
      <div className="flex flex-col">
        <h2 id={titleId} className="border-b border-slate-200 px-6 py-4 text-lg font-semibold">
          {t("progress.title")}
        </h2>
        {/* Keyed by job: a retry starts from a clean slate (no stale download or error). */}
        <JobProgress
          key={jobId}
          jobId={jobId}
          warning={warning}
          polling={!closed}
          onClose={requestClose}
          onRetried={onRetried}
        />
      </div>
    </dialog>
  );
}

function JobProgress({
  jobId,
  warning,
  polling,
  onClose,
  onRetried,
}: {
  jobId: string;
  warning?: string;
  polling: boolean;
  onClose: () => void;
  onRetried: Props["onRetried"];
}) {
  const { locale, t } = useI18n();
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
  const eta = status === "processing" && !stalled ? etaText(job?.eta_seconds ?? null, locale, t) : null;

  const buttonClass = "rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-60";
  const primaryClass =
    "rounded-md bg-brand-500 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-60";

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

        <div className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200">
          <div
            role="progressbar"
            aria-label={t("progress.label")}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress}
            aria-valuetext={`${progress}% – ${records}`}
            style={{ width: `${progress}%` }}
            className={`h-full rounded-full transition-[width] duration-500 ${
              status === "failed" ? "bg-red-500" : completed ? "bg-green-500" : "bg-brand-500"
            }`}
          />
        </div>

        <div className="flex flex-wrap items-baseline justify-between gap-2 text-slate-700">
          <span data-testid="export-records">{records}</span>
          {eta ? (
            <span className="text-slate-500" data-testid="export-eta">
              {eta}
            </span>
          ) : null}
        </div>

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

function etaText(
  seconds: number | null,
  locale: Parameters<typeof formatNumber>[0],
  t: ReturnType<typeof useI18n>["t"],
): string {
  if (seconds === null || !Number.isFinite(seconds)) return t("progress.etaUnknown");
  if (seconds < 60) return t("progress.etaSeconds", { seconds: formatNumber(locale, Math.max(1, Math.ceil(seconds))) });
  return t("progress.etaMinutes", { minutes: formatNumber(locale, Math.ceil(seconds / 60)) });
}
