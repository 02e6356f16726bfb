"use client";
// The export history (docs/product.md): newest first, filtered on the server, paged. Completed,
// unexpired rows have a download button that first asks the server (HEAD) whether the file
// passes its checks, then hands the signed URL to the browser's download manager, so the
// file streams to disk and a refused file gets a message here instead of a broken
// download. Delete asks for confirmation. Rows still running refresh every 2 s; a waiting or
// running job can be cancelled. A direct download is a row too ("Downloaded directly", with
// its rows, size and SHA-256) with nothing to download again; every row can be exported
// again with its dataset, format and options (a small export downloads, a large one runs
// as a job in the progress modal). Each row says which columns and filters it had.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { EXPORT_FORMATS, FORMATS, isExportFormat } from "@/lib/export/formats";
import { formatNumber, type MessageKey } from "@/lib/i18n";
import type { HistoryItem, HistoryPage } from "@/lib/exports/list-exports";
import { ExportProgressModal } from "../export/export-progress-modal";
import { noteRateLimit } from "../export/rate-limit";
import { useFormatWhen } from "../i18n/local-time";
import { useI18n } from "../i18n/i18n-provider";
import { Dialog } from "../ui/dialog";
import { useToast } from "../ui/toast";
import { formatFileSize } from "@/lib/format-size";
import { exportAgain } from "./export-again";
import {
  cancelJob,
  checkDownload,
  DEFAULT_FILTERS,
  deleteExport,
  getHistory,
  HISTORY_PAGE_SIZE,
  HistoryRequestError,
  startBrowserDownload,
  type HistoryFilters,
} from "./history-api";

export const HISTORY_POLL_MS = 2000;
/** After a download starts, the list is read again to show the server's count. */
export const RECOUNT_AFTER_MS = 3000;

type Status = "pending" | "processing" | "completed" | "failed" | "cancelled" | "expired";

/** A format's name as the registry has it (a format no longer known is shown as stored). */
function formatLabel(format: string): string {
  return isExportFormat(format) ? FORMATS[format].label : format;
}

const BADGES: Record<Status, string> = {
  pending: "bg-sky-100 text-sky-800",
  processing: "bg-sky-100 text-sky-800",
  completed: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-100 text-slate-700",
  expired: "bg-amber-100 text-amber-800",
};

/** Why the server refused a download, from the HEAD request's status (it has no body). */
const REFUSALS: Record<number, MessageKey> = {
  403: "job.manageForbidden",
  404: "error.notFound",
  409: "job.integrityFailure",
  410: "job.expired",
};

const isActive = (item: HistoryItem) => item.status === "pending" || item.status === "processing";
const historyKey = (filters: HistoryFilters) => ["export-history", filters] as const;
const isDefaultView = (filters: HistoryFilters) => JSON.stringify(filters) === JSON.stringify(DEFAULT_FILTERS);

export type HistoryUser = { id: number; name: string; email: string };

export function ExportHistory({
  isAdmin,
  canDelete,
  canExport = false,
  users = [],
  retentionDays,
  initial,
}: {
  isAdmin: boolean;
  /** Whether the role may delete exports (viewers may not). */
  canDelete: boolean;
  /** Whether the role may export (viewers may not): "Export again". */
  canExport?: boolean;
  users?: HistoryUser[];
  retentionDays: number;
  /** The first page as the server rendered it (default filters). */
  initial?: HistoryPage;
}) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<HistoryFilters>(DEFAULT_FILTERS);
  const [confirming, setConfirming] = useState<HistoryItem | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [exporting, setExporting] = useState<string | null>(null);
  const [job, setJob] = useState<{ id: string; warning?: string } | null>(null);
  const recountTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (recountTimer.current) clearTimeout(recountTimer.current);
    },
    [],
  );

  const fallback = t("history.loadFailed");
  const fetchPage = useCallback(
    (wanted: HistoryFilters, signal?: AbortSignal) => getHistory(wanted, HISTORY_PAGE_SIZE, fallback, signal),
    [fallback],
  );
  const query = useQuery({
    queryKey: historyKey(filters),
    queryFn: ({ signal }) => fetchPage(filters, signal),
    initialData: initial && isDefaultView(filters) ? initial : undefined,
    staleTime: 0,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some(isActive) ? HISTORY_POLL_MS : false),
  });
  const page = query.data;

  // A link to one export (`?job=<id>`, from a schedule's run) scrolls to its row and marks
  // it, once the row is on the page shown.
  const [linkedJob, setLinkedJob] = useState<string | null>(null);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the address is read once, after hydration
    setLinkedJob(new URLSearchParams(window.location.search).get("job"));
  }, []);
  const linkedOnPage = !!linkedJob && !!page?.items.some((item) => item.job_id === linkedJob);
  useEffect(() => {
    if (!linkedOnPage || !linkedJob) return;
    const row = [...document.querySelectorAll<HTMLElement>('[data-testid="history-row"]')].find(
      (element) => element.dataset.jobId === linkedJob,
    );
    row?.scrollIntoView?.({ block: "center" });
  }, [linkedOnPage, linkedJob]);

  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: ["export-history"] }), [queryClient]);
  const patchItem = (jobId: string, patch: (item: HistoryItem) => HistoryItem) =>
    queryClient.setQueryData<HistoryPage>(historyKey(filters), (old) =>
      old ? { ...old, items: old.items.map((item) => (item.job_id === jobId ? patch(item) : item)) } : old,
    );

  const setFilter = (patch: Partial<HistoryFilters>) =>
    setFilters((old) => ({ ...old, ...patch, page: patch.page ?? 1 }));

  const download = async (item: HistoryItem) => {
    setDownloading(item.job_id);
    try {
      let url = item.signed_download_url;
      let status = url ? await checkDownload(url) : 403;
      if (status === 403) {
        // The signed link may have expired while the page stood open: get fresh ones.
        const fresh = await queryClient.fetchQuery({
          queryKey: historyKey(filters),
          queryFn: () => fetchPage(filters),
          staleTime: 0,
        });
        url = fresh.items.find((other) => other.job_id === item.job_id)?.signed_download_url ?? null;
        status = url ? await checkDownload(url) : 404;
      }
      if (status === 200 && url) {
        startBrowserDownload(url, item.file_name);
        // The server counts the download before its first byte; show it at once, then
        // read the list again to be sure.
        patchItem(item.job_id, (old) => ({ ...old, download_count: old.download_count + 1 }));
        if (recountTimer.current) clearTimeout(recountTimer.current);
        recountTimer.current = setTimeout(() => void refresh(), RECOUNT_AFTER_MS);
      } else {
        const reason = t(REFUSALS[status] ?? "error.internal");
        toast.show(t("history.downloadFailed", { reason }), "error");
        void refresh();
      }
    } finally {
      setDownloading(null);
    }
  };

  const again = async (item: HistoryItem) => {
    if (exporting) return;
    setExporting(item.job_id);
    try {
      const result = await exportAgain(item, t("error.internal"));
      if (result.kind === "job") setJob({ id: result.jobId, warning: result.warning });
      else if (result.kind === "downloaded")
        toast.show(t("history.exportAgainDone", { file: result.fileName }), "success");
      else if (result.kind === "rate-limited") {
        // As the dataset page's buttons do: every export button waits out the limit.
        noteRateLimit(result.retryAfter);
        toast.show(result.message, "error", { key: "rate-limit" });
      } else toast.show(t("export.failed", { reason: result.message }), "error");
    } finally {
      setExporting(null);
      // The new export is a row of the history too.
      void refresh();
    }
  };

  const cancel = useMutation({
    mutationFn: (item: HistoryItem) => cancelJob(item.job_id, t("error.internal")),
    onSuccess: (_data, item) => {
      patchItem(item.job_id, (old) => ({ ...old, status: "cancelled", eta_seconds: null }));
      toast.show(t("history.cancelled"), "success");
      void refresh();
    },
    onError: (error) => {
      toast.show(error instanceof HistoryRequestError ? error.message : t("error.internal"), "error");
      void refresh();
    },
  });

  const copySha = async (sha256: string) => {
    try {
      await navigator.clipboard.writeText(sha256);
      toast.show(t("history.shaCopied"), "success");
    } catch {
      toast.show(t("error.internal"), "error");
    }
  };

  const remove = useMutation({
    mutationFn: (item: HistoryItem) => deleteExport(item.job_id, t("error.internal")),
    onSuccess: (_data, item) => {
      queryClient.setQueryData<HistoryPage>(historyKey(filters), (old) =>
        old
          ? {
              ...old,
              items: old.items.filter((other) => other.job_id !== item.job_id),
              total: Math.max(0, old.total - 1),
            }
          : old,
      );
      setConfirming(null);
      toast.show(t("history.deleted"), "success");
      void refresh();
    },
    onError: (error) => {
      setConfirming(null);
      toast.show(error instanceof HistoryRequestError ? error.message : t("error.internal"), "error");
      void refresh();
    },
  });

  const formatWhen = useFormatWhen();
  const when = (iso: string | null) => formatWhen(iso);
  const filtered = filters.format !== "" || filters.user !== "";

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("history.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {t(isAdmin ? "history.subtitleAll" : "history.subtitleOwn", { days: retentionDays })}
        </p>
      </div>

      <div className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
        <FilterSelect
          label={t("history.formatFilter")}
          value={filters.format}
          onChange={(format) => setFilter({ format })}
          options={[
            { value: "", label: t("history.allFormats") },
            ...EXPORT_FORMATS.map((format) => ({ value: format, label: FORMATS[format].label })),
          ]}
        />
        {isAdmin ? (
          <FilterSelect
            label={t("history.userFilter")}
            value={filters.user}
            onChange={(user) => setFilter({ user })}
            options={[
              { value: "", label: t("history.allUsers") },
              ...users.map((user) => ({ value: String(user.id), label: `${user.name} (${user.email})` })),
            ]}
          />
        ) : null}
        <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700">
          <input
            type="checkbox"
            className="h-4 w-4 rounded border-slate-300"
            checked={filters.includeExpired}
            onChange={(event) => setFilter({ includeExpired: event.target.checked })}
          />
          {t("history.showExpired")}
        </label>
        {!filters.includeExpired && page && page.hidden_expired > 0 ? (
          <span className="pb-1.5 text-xs text-slate-500" data-testid="hidden-expired">
            {t("history.hiddenExpired", { count: formatNumber(locale, page.hidden_expired) })}
          </span>
        ) : null}
      </div>

      {query.isError && !page ? (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
          {query.error instanceof HistoryRequestError ? query.error.message : t("history.loadFailed")}
        </p>
      ) : !page ? (
        <p role="status" className="p-8 text-center text-sm text-slate-500">
          {t("history.loading")}
        </p>
      ) : page.items.length === 0 ? (
        <p
          className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500"
          data-testid="history-empty"
        >
          {t(filtered ? "history.emptyFiltered" : "history.empty")}
        </p>
      ) : (
        // relative: the screen-reader-only texts in the table are placed against this box; without
        // it they were placed against the page, at the table's far right, and widened the page.
        <div className="relative min-w-0 overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm" data-testid="history-table" aria-busy={query.isFetching}>
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th scope="col" className="px-4 py-3">
                  {t("history.col.dataset")}
                </th>
                {isAdmin ? (
                  <th scope="col" className="px-4 py-3">
                    {t("history.col.user")}
                  </th>
                ) : null}
                <th scope="col" className="px-4 py-3">
                  {t("history.col.format")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("history.col.created")}
                </th>
                <th scope="col" className="px-4 py-3 text-right">
                  {t("history.col.size")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("history.col.status")}
                </th>
                <th scope="col" className="px-4 py-3">
                  {t("history.col.downloads")}
                </th>
                {/* On a phone the actions stay pinned to the card's right edge while the table scrolls under them; wider, nothing covers the other columns. */}
                <th scope="col" className="bg-slate-100 px-4 py-3 text-right max-sm:sticky max-sm:right-0">
                  <span className="sr-only">{t("history.col.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.items.map((item) => {
                const status = item.status as Status;
                const expired = item.expired;
                const direct = item.delivery === "direct";
                // What the file holds once written; before that, what was counted to come.
                const rows = status === "completed" ? item.processed_rows : item.total_rows;
                const summary = item.options_summary;
                const named = { dataset: item.dataset_title, format: formatLabel(item.format) };
                return (
                  <tr
                    key={item.job_id}
                    data-testid="history-row"
                    data-job-id={item.job_id}
                    data-status={status}
                    data-delivery={item.delivery}
                    data-linked={item.job_id === linkedJob ? "true" : undefined}
                    aria-current={item.job_id === linkedJob ? "true" : undefined}
                    className={`align-top ${item.job_id === linkedJob ? "bg-amber-50 outline outline-2 -outline-offset-2 outline-amber-400" : ""}`}
                  >
                    <td className="px-4 py-3">
                      {item.dataset_deleted ? (
                        // Its page is gone: the title stays, as plain text, with the marker.
                        <span className="font-medium text-slate-500">{item.dataset_title}</span>
                      ) : (
                        <Link
                          href={`/datasets/${item.dataset_id}`}
                          className={`font-medium hover:underline ${expired ? "text-slate-500" : "text-brand-700"}`}
                        >
                          {item.dataset_title}
                        </Link>
                      )}
                      {item.dataset_deleted ? (
                        <span className="ml-1.5 text-xs text-slate-500" data-testid="history-dataset-deleted">
                          {t("upload.historyDeleted")}
                        </span>
                      ) : null}
                      {rows !== null ? (
                        <p className="mt-0.5 text-xs text-slate-500" data-testid="history-rows">
                          {t("history.rows", { count: formatNumber(locale, rows) })}
                        </p>
                      ) : null}
                      {summary ? (
                        <p className="mt-0.5 max-w-xs text-xs break-words text-slate-500" data-testid="history-options">
                          {summary.columns === summary.total_columns
                            ? t("history.optionsColumnsAll", { total: formatNumber(locale, summary.total_columns) })
                            : t("history.optionsColumnsSome", {
                                count: formatNumber(locale, summary.columns),
                                total: formatNumber(locale, summary.total_columns),
                              })}
                          {summary.filtered ? ` · ${t("history.optionsFilters", { filters: summary.filters })}` : null}
                        </p>
                      ) : null}
                    </td>
                    {isAdmin ? (
                      <td className="px-4 py-3" data-testid="history-user">
                        <span className="block">{item.user_name}</span>
                        <span className="block text-xs text-slate-500">{item.user_email}</span>
                      </td>
                    ) : null}
                    <td className="px-4 py-3 font-medium">{formatLabel(item.format)}</td>
                    <td className="whitespace-nowrap px-4 py-3 tabular-nums">
                      <time dateTime={item.created_at} suppressHydrationWarning>
                        {when(item.created_at)}
                      </time>
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 text-right tabular-nums" data-testid="history-size">
                      {item.file_size === null ? "—" : formatFileSize(item.file_size)}
                    </td>
                    <td className="max-w-xs px-4 py-3">
                      <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${BADGES[status]}`}>
                        {t(`history.status.${status}`)}
                      </span>
                      {/* A direct download is not counted as it goes: it says it is under way, no percentage. */}
                      {status === "processing" ? (
                        <span className="ml-2 text-xs tabular-nums text-slate-500" data-testid="history-progress">
                          {direct ? t("history.downloading") : `${item.progress}%`}
                        </span>
                      ) : null}
                      {direct ? (
                        <p
                          className="mt-1 text-xs font-medium text-slate-700"
                          data-testid="history-direct"
                          title={t("history.directHint")}
                        >
                          {t("delivery.direct")}
                        </p>
                      ) : null}
                      {status === "completed" && item.sha256 ? (
                        <p className="mt-1 flex items-center gap-1 text-xs text-slate-500">
                          <span>{t("history.sha256")}</span>
                          <code className="font-mono" title={item.sha256} data-testid="history-sha256">
                            {item.sha256.slice(0, 12)}…
                          </code>
                          <button
                            type="button"
                            onClick={() => void copySha(item.sha256 as string)}
                            className="rounded px-1 font-medium text-brand-700 hover:bg-slate-100 hover:underline"
                            aria-label={t("history.copySha")}
                            title={t("history.copySha")}
                          >
                            {t("history.copy")}
                          </button>
                        </p>
                      ) : null}
                      {status === "failed" && item.error_message ? (
                        <p className="mt-1 text-xs text-red-700" data-testid="history-error">
                          {item.error_message}
                        </p>
                      ) : null}
                      {expired ? (
                        <p className="mt-1 text-xs text-amber-800" data-testid="history-expired">
                          {t("history.fileExpired")}
                        </p>
                      ) : status === "completed" && item.expires_at && !direct ? (
                        <p className="mt-1 text-xs text-slate-500" suppressHydrationWarning>
                          {t("history.keptUntil", { date: when(item.expires_at) })}
                        </p>
                      ) : null}
                    </td>
                    <td className="whitespace-nowrap px-4 py-3 text-slate-700" data-testid="history-downloads">
                      {direct
                        ? "—"
                        : item.download_count === 0
                          ? t("history.downloadsNone")
                          : item.download_count === 1
                            ? t("history.downloadsOne")
                            : t("history.downloadsMany", { count: formatNumber(locale, item.download_count) })}
                    </td>
                    <td className="whitespace-nowrap px-3 py-3 text-right max-sm:sticky max-sm:right-0 max-sm:bg-white/95 max-sm:shadow-[-6px_0_6px_-6px_rgba(15,23,42,0.25)] sm:px-4">
                      <div className="flex flex-wrap justify-end gap-2 lg:flex-nowrap">
                        {canDelete && isActive(item) && !direct ? (
                          <button
                            type="button"
                            aria-label={t("history.cancelJobLabel", named)}
                            disabled={cancel.isPending && cancel.variables?.job_id === item.job_id}
                            onClick={() => cancel.mutate(item)}
                            className="rounded-md border border-slate-300 px-3 py-1.5 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60"
                          >
                            {t("history.cancelJob")}
                          </button>
                        ) : null}
                        {canExport && !item.dataset_deleted && !item.options_masked && !isActive(item) ? (
                          <button
                            type="button"
                            aria-label={t("history.exportAgainLabel", named)}
                            disabled={exporting !== null}
                            onClick={() => void again(item)}
                            className="rounded-md border border-brand-300 px-3 py-1.5 text-xs font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-60"
                          >
                            {t("history.exportAgain")}
                          </button>
                        ) : null}
                        {item.signed_download_url && !expired ? (
                          <button
                            type="button"
                            aria-label={t("history.download")}
                            disabled={downloading === item.job_id}
                            onClick={() => void download(item)}
                            className="rounded-md bg-brand-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-brand-700 disabled:opacity-60"
                          >
                            {t("history.download")}
                          </button>
                        ) : null}
                        {!canDelete || isActive(item) ? null : (
                          <button
                            type="button"
                            onClick={() => setConfirming(item)}
                            className="rounded-md border border-slate-300 px-3 py-1.5 text-xs font-medium text-slate-700 hover:border-red-300 hover:bg-red-50 hover:text-red-700"
                          >
                            {t("history.delete")}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {page && page.pages > 1 ? (
        <nav
          className="flex items-center justify-between text-sm"
          aria-label={t("history.page", { page: page.page, pages: page.pages })}
        >
          <button
            type="button"
            disabled={page.page <= 1}
            onClick={() => setFilter({ page: page.page - 1 })}
            className="rounded-md border border-slate-300 px-3 py-1.5 disabled:opacity-50"
          >
            {t("history.previous")}
          </button>
          <span className="text-slate-600">{t("history.page", { page: page.page, pages: page.pages })}</span>
          <button
            type="button"
            disabled={page.page >= page.pages}
            onClick={() => setFilter({ page: page.page + 1 })}
            className="rounded-md border border-slate-300 px-3 py-1.5 disabled:opacity-50"
          >
            {t("history.next")}
          </button>
        </nav>
      ) : null}

      {job ? (
        <ExportProgressModal
          jobId={job.id}
          warning={job.warning}
          onClose={() => {
            setJob(null);
            void refresh();
          }}
          onRetried={(id, warning) => setJob({ id, warning })}
        />
      ) : null}

      <Dialog
        open={confirming !== null}
        onClose={() => (remove.isPending ? undefined : setConfirming(null))}
        title={t("history.deleteTitle")}
        footer={
          <>
            <button
              type="button"
              onClick={() => setConfirming(null)}
              disabled={remove.isPending}
              className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              {t("history.cancel")}
            </button>
            <button
              type="button"
              onClick={() => confirming && remove.mutate(confirming)}
              disabled={remove.isPending}
              className="rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60"
            >
              {remove.isPending ? t("history.deleting") : t("history.deleteConfirm")}
            </button>
          </>
        }
      >
        {confirming ? (
          <p className="text-sm text-slate-700">
            {t("history.deleteBody", {
              dataset: confirming.dataset_title,
              format: formatLabel(confirming.format),
              date: when(confirming.created_at),
            })}
          </p>
        ) : null}
      </Dialog>
    </div>
  );
}

function FilterSelect({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: string }>;
}) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-slate-600">
      {label}
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
