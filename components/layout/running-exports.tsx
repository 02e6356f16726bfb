"use client";
// The running-exports indicator of the top bar: the signed-in user's background exports
// that wait or run, each with its progress and a Cancel, polled every 2 s while any of them
// runs. It lives in the layout, so it outlives the progress modal and page navigation: a
// job that finishes after its modal was closed is announced by a toast with a Download
// button and stays here as "Ready" until downloaded or dismissed. The button opens a panel
// (a disclosure: Escape or a click outside closes it, Escape returning the focus).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { FORMATS } from "@/lib/export/formats";
import type { ExportJobJson } from "@/lib/exports/present-export";
import { formatNumber } from "@/lib/i18n";
import { forgetExportJob, isWatched, useTrackedExportJobs } from "../export/running-exports-store";
import { fetchJobStatus, isTerminal, JOB_POLL_INTERVAL_MS, JobStatusError } from "../export/use-export-job";
import { cancelJob, HistoryRequestError } from "../history/history-api";
import { useI18n } from "../i18n/i18n-provider";
import { ProgressBar } from "../ui/progress-modal";
import { useToast } from "../ui/toast";

type Poll = { active: ExportJobJson[]; followed: ExportJobJson[]; gone: string[] };

export function runningExportsQueryKey(userId: number) {
  return ["running-exports", userId] as const;
}

export function RunningExports({ userId }: { userId: number }) {
  const { locale, t } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const tracked = useTrackedExportJobs();
  const [entries, setEntries] = useState<Record<string, ExportJobJson>>({});
  const [open, setOpen] = useState(false);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const announced = useRef(new Set<string>());
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  // The query function reads the latest entries and tracked jobs without being recreated.
  const latest = useRef({ entries, tracked });
  useEffect(() => {
    latest.current = { entries, tracked };
  });

  const running =
    tracked.some((id) => !entries[id] || !isTerminal(entries[id])) ||
    Object.values(entries).some((job) => !isTerminal(job));

  const { data } = useQuery<Poll>({
    queryKey: runningExportsQueryKey(userId),
    queryFn: async ({ signal }) => {
      const fallback = t("error.internal");
      const page = await fetchJobStatus<{ items: ExportJobJson[] }>(
        `/api/export/history?status=active&delivery=job&user=${userId}&page_size=50`,
        fallback,
        signal,
      );
      // Jobs followed here that the list no longer has have ended: ask each how.
      const listed = new Set(page.items.map((job) => job.job_id));
      const { entries: known, tracked: started } = latest.current;
      const follow = new Set([
        ...started.filter((id) => !known[id] || !isTerminal(known[id])),
        ...Object.values(known)
          .filter((job) => !isTerminal(job))
          .map((job) => job.job_id),
      ]);
      const followed: ExportJobJson[] = [];
      const gone: string[] = [];
      await Promise.all(
        [...follow]
          .filter((id) => !listed.has(id))
          .map(async (id) => {
            try {
              followed.push(
                await fetchJobStatus<ExportJobJson>(`/api/export/status/${encodeURIComponent(id)}`, fallback, signal),
              );
            } catch (error) {
              if (error instanceof JobStatusError && error.status === 404) gone.push(id);
              else throw error;
            }
          }),
      );
      return { active: page.items, followed, gone };
    },
    staleTime: 0,
    retry: 2,
    refetchOnWindowFocus: true,
    refetchIntervalInBackground: true,
    refetchInterval: running ? JOB_POLL_INTERVAL_MS : false,
  });

  // A job started on this page: look at once instead of at the next tick.
  useEffect(() => {
    if (tracked.length > 0) void queryClient.invalidateQueries({ queryKey: runningExportsQueryKey(userId) });
  }, [tracked, queryClient, userId]);

  const remove = (jobId: string) => {
    forgetExportJob(jobId);
    setEntries((all) => {
      const { [jobId]: _removed, ...rest } = all;
      void _removed;
      return rest;
    });
  };

  // Each answer: running jobs are updated, ended ones announced once and kept or dropped.
  useEffect(() => {
    if (!data) return;
    const next = { ...latest.current.entries };
    for (const id of data.gone) {
      delete next[id];
      forgetExportJob(id);
    }
    for (const job of [...data.active, ...data.followed]) {
      const id = job.job_id;
      const named = { dataset: job.dataset_title, format: FORMATS[job.format].label };
      if (!isTerminal(job)) {
        next[id] = job;
        continue;
      }
      // The open progress modal downloads (or explains) this one itself.
      if (isWatched(id) || job.status === "cancelled" || job.status === "expired") {
        delete next[id];
        forgetExportJob(id);
        continue;
      }
      next[id] = job;
      if (announced.current.has(id)) continue;
      announced.current.add(id);
      if (job.status === "completed" && job.download_url) {
        toast.show(t("runningExports.readyToast", named), "success", {
          key: `export-ready:${id}`,
          action: {
            label: t("runningExports.download"),
            href: job.download_url,
            download: job.file_name ?? "",
            onClick: () => remove(id),
          },
        });
      } else if (job.status === "failed") {
        toast.show(t("runningExports.failedToast", named), "error", { key: `export-failed:${id}` });
      }
    }
    setEntries(next);
    // `remove` and `toast` are stable enough: only a new answer should run this.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  async function cancel(jobId: string) {
    setCancelling(jobId);
    try {
      const job = await cancelJob(jobId, t("error.internal"));
      if (isTerminal(job)) remove(jobId);
      else setEntries((all) => ({ ...all, [jobId]: job }));
    } catch (error) {
      const reason = error instanceof HistoryRequestError ? error.message : t("error.internal");
      toast.show(t("runningExports.cancelFailed", { reason }), "error");
    } finally {
      setCancelling(null);
    }
  }

  const list = Object.values(entries).sort((a, b) => b.created_at.localeCompare(a.created_at));
  if (list.length === 0 && !open) return null;
  const active = list.filter((job) => !isTerminal(job)).length;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (open && event.key === "Escape") {
      event.preventDefault();
      setOpen(false);
      button.current?.focus();
    }
  };

  const small =
    "rounded-md border border-slate-300 px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60";

  return (
    <div ref={container} className="relative" data-testid="running-exports" onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((was) => !was)}
        className="flex items-center gap-2 rounded-md border border-current/30 px-2.5 py-1 text-sm hover:bg-white/10"
      >
        <span>{t("runningExports.button")}</span>
        <span
          data-testid="running-exports-count"
          className={`min-w-5 rounded-full px-1.5 text-center text-xs font-semibold ${
            active > 0 ? "bg-brand-500 text-white" : "bg-green-600 text-white"
          }`}
        >
          <span className="sr-only">{t("runningExports.buttonLabel", { count: String(list.length) })}</span>
          <span aria-hidden="true">{list.length}</span>
        </span>
      </button>
      {/* On a phone the panel is pinned just below the bar, as tall as the bar is now. */}
      {open ? (
        // Above the toasts (z-50): while open, the panel already shows what a toast would say.
        <div
          id={panelId}
          role="region"
          aria-label={t("runningExports.title")}
          className="fixed inset-x-2 top-[var(--topbar-h,4rem)] z-[60] max-h-[70vh] overflow-y-auto rounded-lg border border-slate-200 bg-white p-3 text-slate-900 shadow-xl sm:absolute sm:inset-x-auto sm:right-0 sm:top-full sm:mt-2 sm:w-96"
        >
          <h2 className="mb-2 text-sm font-semibold">{t("runningExports.title")}</h2>
          {list.length === 0 ? <p className="text-sm text-slate-600">{t("runningExports.empty")}</p> : null}
          <ul className="divide-y divide-slate-100">
            {list.map((job) => {
              const percent = Math.min(100, Math.max(0, Math.round(job.progress ?? 0)));
              const detail = t("runningExports.progress", {
                percent: String(percent),
                done: formatNumber(locale, job.processed_rows),
              });
              return (
                <li key={job.job_id} className="space-y-1.5 py-2 text-sm" data-testid="running-export">
                  <p className="min-w-0 break-words font-medium">
                    {t("runningExports.entryName", { dataset: job.dataset_title, format: FORMATS[job.format].label })}
                  </p>
                  {job.status === "pending" || job.status === "processing" ? (
                    <>
                      <ProgressBar percent={percent} label={t("progress.label")} detail={detail} tone="running" />
                      <div className="flex flex-wrap items-center justify-between gap-2">
                        <span className="text-xs text-slate-600">
                          {job.status === "pending" ? t("runningExports.waiting") : detail}
                        </span>
                        <button
                          type="button"
                          className={small}
                          disabled={cancelling === job.job_id}
                          onClick={() => void cancel(job.job_id)}
                        >
                          {cancelling === job.job_id ? t("runningExports.cancelling") : t("runningExports.cancel")}
                        </button>
                      </div>
                    </>
                  ) : (
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <span
                        className={`text-xs font-medium ${job.status === "failed" ? "text-red-700" : "text-green-800"}`}
                      >
                        {job.status === "completed" ? t("runningExports.ready") : t("runningExports.failed")}
                      </span>
                      <span className="flex gap-2">
                        {job.status === "completed" && job.download_url ? (
                          <a
                            href={job.download_url}
                            download={job.file_name ?? ""}
                            onClick={() => remove(job.job_id)}
                            className="rounded-md bg-brand-500 px-2 py-1 text-xs font-medium text-white hover:bg-brand-600"
                          >
                            {t("runningExports.download")}
                          </a>
                        ) : null}
                        <button type="button" className={small} onClick={() => remove(job.job_id)}>
                          {t("runningExports.dismiss")}
                        </button>
                      </span>
                    </div>
                  )}
                  {job.status === "failed" && job.error_message ? (
                    <p className="whitespace-pre-line break-words text-xs text-red-800">{job.error_message}</p>
                  ) : null}
                </li>
              );
            })}
          </ul>
          <Link
            href="/export/history"
            onClick={() => setOpen(false)}
            className="mt-2 inline-block text-sm text-brand-700 underline"
          >
            {t("runningExports.history")}
          </Link>
        </div>
      ) : null}
    </div>
  );
}
