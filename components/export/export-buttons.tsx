"use client";

import { useState } from "react";
import { startExport, type StartExportResult } from "@/app/actions/export";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { EXPORT_FORMATS, FORMATS, type ExportFormat } from "@/lib/export/formats";
import { formatNumber } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";
import { ScheduleButton } from "../schedules/schedule-button";
import { MenuButton } from "../ui/menu-button";
import { Spinner } from "../ui/spinner";
import { useToast } from "../ui/toast";
import { captureChartImages } from "./chart-capture";
import { downloadExport, errorMessage } from "./download-export";
import { ExportOptionsDialog } from "./export-options-dialog";
import { ExportProgressModal } from "./export-progress-modal";
import { useAppliedOptions } from "./applied-options";
import { activeOptionCount } from "./options-draft";
import { badgeText, pdfCapText, summaryParts } from "./options-summary";
import { noteRateLimit, useRateLimit } from "./rate-limit";
import { useExportCount } from "./use-export-count";

type ExportDataset = Pick<
  DatasetJson,
  "id" | "title" | "columns" | "date_column" | "record_count" | "can_export" | "export_denied_reason"
>;

const BUTTONS = EXPORT_FORMATS.filter((format) => FORMATS[format].placement === "button");
const MENU = EXPORT_FORMATS.filter((format) => FORMATS[format].placement === "menu");

export function ExportButtons({
  dataset,
  isAdmin,
  pdfRowCap = null,
  scheduling = false,
}: {
  dataset: ExportDataset;
  isAdmin: boolean;
  /** The most records a PDF report holds (configuration), to say so before any request. */
  pdfRowCap?: number | null;
  /** Offer "Schedule…" too (the dataset page). */
  scheduling?: boolean;
}) {
  const { locale, t } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [job, setJob] = useState<{ id: string; warning?: string } | null>(null);
  const { draft, options, apply } = useAppliedOptions(dataset, isAdmin);
  const activeCount = activeOptionCount(options);
  const denied = dataset.can_export ? null : t(`export.denied.${dataset.export_denied_reason ?? "role"}`);
  // After a 429 the buttons wait, with the countdown as their reason, until the server allows again.
  const { limited, secondsLeft } = useRateLimit();
  const waitReason = limited ? t("rateLimit.waiting", { seconds: String(secondsLeft) }) : null;
  // Screen readers hear the wait begin and end, not every second of the countdown: a wait
  // seen once leaves "you can export again" in the live region when it is over.
  const [waited, setWaited] = useState(false);
  if (limited && !waited) setWaited(true);
  const waitAnnouncement = limited ? t("rateLimit.started") : waited ? t("rateLimit.over") : "";
  const count = useExportCount(dataset, options, { enabled: !denied });
  const parts = summaryParts(options, dataset, count, t, locale);
  const noRecords = count.status === "done" && count.count === 0;
  const pdfCap = pdfCapText(count, pdfRowCap, t, locale);

  async function start(format: ExportFormat) {
    if (denied) {
      toast.show(denied, "error");
      return;
    }
    if (busy || limited) return;
    if (format === "pdf" && pdfCap) {
      toast.show(pdfCap, "error");
      return;
    }
    setBusy(format);
    try {
      // gzip applies to the text formats only; the other settings are simply ignored.
      const { compression, ...rest } = options;
      const request = FORMATS[format].compressible ? options : rest;
      void compression;
      // A PDF with charts carries the page's own charts too, as the reader sees them.
      if (format === "pdf" && request.include_charts !== false) {
        const images = captureChartImages();
        if (images.length > 0) request.chart_images = images;
      }
      // The server decides: a small export is downloaded directly, a large one becomes a job.
      let started: StartExportResult;
      try {
        started = await startExport({ dataset_id: dataset.id, format, options: request });
      } catch {
        toast.show(t("export.failed", { reason: t("error.internal") }), "error");
        return;
      }
      if ("error" in started) {
        if (started.status === 429) {
          noteRateLimit(started.retry_after ?? 1);
          toast.show(started.error, "error", { key: "rate-limit" });
          return;
        }
        const reason = errorMessage({ detail: started.error, errors: started.errors }, t("error.internal"), {
          generic: t("error.invalid"),
        });
        toast.show(t("export.failed", { reason }), "error");
        return;
      }
      if (started.mode === "job") {
        setJob({ id: started.job_id, warning: started.warning });
        return;
      }
      const result = await downloadExport(dataset.id, format, request, t("error.internal"), {
        genericError: t("error.invalid"),
        onStarted: (file) => toast.show(t("export.done", { file }), "success"),
      });
      if (result.ok) return;
      if (result.status === 429) {
        noteRateLimit(result.retryAfter ?? 1);
        toast.show(result.message, "error", { key: "rate-limit" });
      } else toast.show(t("export.failed", { reason: result.message }), "error");
    } finally {
      setBusy(null);
    }
  }

  /** A format's button; in the "More formats" menu (`close` given) a menu item. */
  const button = (format: ExportFormat, close?: () => void) => {
    const blocked = denied;
    const inMenu = close !== undefined;
    const capped = format === "pdf" && pdfCap !== null && !blocked;
    return (
      <button
        key={format}
        type="button"
        role={inMenu ? "menuitem" : undefined}
        data-format={format}
        // aria-disabled rather than disabled: the click must still explain itself in a toast.
        aria-disabled={blocked ? true : undefined}
        disabled={(busy !== null || limited) && !blocked}
        title={blocked ?? waitReason ?? undefined}
        aria-describedby={capped ? "export-pdf-cap" : undefined}
        onClick={() => {
          close?.();
          void start(format);
        }}
        className={`text-sm font-medium transition ${
          inMenu
            ? `w-full px-3 py-2 text-left ${
                blocked ? "cursor-not-allowed text-slate-400" : "text-slate-700 hover:bg-slate-100 disabled:opacity-60"
              }`
            : `rounded-md px-4 py-2 ${
                blocked
                  ? "cursor-not-allowed bg-slate-200 text-slate-500"
                  : "bg-brand-500 text-white hover:bg-brand-600 disabled:opacity-60"
              }`
        }`}
      >
        {t("export.download", { format: FORMATS[format].label })}
      </button>
    );
  };

  return (
    <section aria-labelledby="export-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="export-heading" className="mr-2 text-lg font-semibold">
          {t("export.title")}
        </h2>
        {BUTTONS.map((format) => button(format))}
        <MenuButton label={t("export.moreFormats")} testId="more-formats">
          {(close) => MENU.map((format) => button(format, close))}
        </MenuButton>
        <button
          type="button"
          aria-disabled={denied ? true : undefined}
          title={denied ?? undefined}
          onClick={() => (denied ? toast.show(denied, "error") : setDialogOpen(true))}
          className={`rounded-md border px-4 py-2 text-sm ${
            denied
              ? "cursor-not-allowed border-slate-200 text-slate-400"
              : "border-slate-300 text-slate-700 hover:bg-slate-50"
          }`}
        >
          {t("export.options")}
          {activeCount > 0 ? (
            <span className="ml-2 rounded-full bg-brand-100 px-2 py-0.5 text-xs text-brand-700">
              {badgeText(activeCount, t, locale)}
            </span>
          ) : null}
        </button>
        {scheduling ? <ScheduleButton datasetId={dataset.id} denied={denied} /> : null}
        {busy ? <Spinner label={t("export.starting")} className="ml-2" /> : null}
      </div>
      <p
        className={`mt-2 text-sm ${noRecords && !denied ? "font-medium text-amber-800" : "text-slate-500"}`}
        data-testid="export-summary"
        aria-live="polite"
      >
        {denied ??
          (parts.length === 1 && count.status === "done" && count.count === dataset.record_count
            ? t("export.summaryAll", { count: formatNumber(locale, dataset.record_count) })
            : parts.join(" · "))}
      </p>
      <p aria-live="polite" aria-atomic="true" className="sr-only" data-testid="export-rate-limit-announcement">
        {denied ? "" : waitAnnouncement}
      </p>
      {waitReason && !denied ? (
        <p className="mt-1 text-sm text-amber-800" data-testid="export-rate-limit">
          {waitReason}
        </p>
      ) : null}
      {pdfCap && !denied ? (
        <p id="export-pdf-cap" className="mt-1 text-sm text-amber-800" data-testid="export-pdf-cap">
          {pdfCap}
        </p>
      ) : null}
      {dialogOpen ? (
        <ExportOptionsDialog
          open
          dataset={dataset}
          draft={draft}
          isAdmin={isAdmin}
          pdfRowCap={pdfRowCap}
          onClose={() => setDialogOpen(false)}
          onApply={(next) => {
            apply(next);
            setDialogOpen(false);
          }}
        />
      ) : null}
      {job ? (
        <ExportProgressModal
          jobId={job.id}
          warning={job.warning}
          onClose={() => setJob(null)}
          onRetried={(id, warning) => setJob({ id, warning })}
        />
      ) : null}
    </section>
  );
}
