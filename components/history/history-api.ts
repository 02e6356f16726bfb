// What the history page asks the server: a page of the history, a delete, a cancel, and whether a
// file may be downloaded (HEAD: the same checks as the download, nothing sent or counted).
import type { HistoryPage } from "@/lib/exports/list-exports";
import type { ExportJobJson } from "@/lib/exports/present-export";

export const HISTORY_PAGE_SIZE = 25;

export type HistoryFilters = {
  format: string;
  user: string;
  includeExpired: boolean;
  page: number;
};

export const DEFAULT_FILTERS: HistoryFilters = { format: "", user: "", includeExpired: false, page: 1 };

export class HistoryRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "HistoryRequestError";
  }
}

export function historyQueryString(filters: HistoryFilters, pageSize: number): string {
  const params = new URLSearchParams();
  if (filters.format) params.set("format", filters.format);
  if (filters.user) params.set("user", filters.user);
  if (filters.includeExpired) params.set("include_expired", "true");
  params.set("page", String(filters.page));
  params.set("page_size", String(pageSize));
  return params.toString();
}

async function failure(response: Response, fallback: string): Promise<HistoryRequestError> {
  const body = (await response.json().catch(() => null)) as { detail?: string } | null;
  return new HistoryRequestError(body?.detail ?? fallback, response.status);
}

export async function getHistory(
  filters: HistoryFilters,
  pageSize: number,
  fallbackError: string,
  signal?: AbortSignal,
): Promise<HistoryPage> {
  let response: Response;
  try {
    response = await fetch(`/api/export/history?${historyQueryString(filters, pageSize)}`, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new HistoryRequestError(fallbackError, 0);
  }
  if (!response.ok) throw await failure(response, fallbackError);
  return (await response.json()) as HistoryPage;
}

export async function deleteExport(jobId: string, fallbackError: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`/api/export/history/${encodeURIComponent(jobId)}`, { method: "DELETE" });
  } catch {
    throw new HistoryRequestError(fallbackError, 0);
  }
  if (!response.ok) throw await failure(response, fallbackError);
}

/** The download's HTTP status without downloading: 200 when the file may be fetched. */
export async function checkDownload(url: string): Promise<number> {
  try {
    return (await fetch(url, { method: "HEAD", cache: "no-store" })).status;
  } catch {
    return 0;
  }
}

/** Hands a URL to the browser's download manager, which streams the file to disk. */
export function startBrowserDownload(url: string, fileName: string | null): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName ?? "";
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * Cancels a waiting or running job (the same API the CLI uses); the job as it now stands.
 * The history page and the top bar's running exports both cancel through it.
 */
export async function cancelJob(jobId: string, fallbackError: string): Promise<ExportJobJson> {
  let response: Response;
  try {
    response = await fetch(`/api/export/jobs/${encodeURIComponent(jobId)}/cancel`, {
      method: "POST",
      headers: { Accept: "application/json" },
    });
  } catch {
    throw new HistoryRequestError(fallbackError, 0);
  }
  if (!response.ok) throw await failure(response, fallbackError);
  const job = (await response.json().catch(() => null)) as ExportJobJson | null;
  if (!job) throw new HistoryRequestError(fallbackError, response.status);
  return job;
}
