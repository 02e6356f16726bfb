"use client";
// Polls one background export's status for the progress modal: every 2 s while the job
// is waiting or running, never once it has finished, been closed or unmounted.
import { useQuery } from "@tanstack/react-query";
import type { ExportJobJson } from "@/lib/exports/present-export";

export const JOB_POLL_INTERVAL_MS = 2000;

export type ExportJobStatus = ExportJobJson["status"];

const TERMINAL = new Set<ExportJobStatus>(["completed", "failed", "cancelled", "expired"]);

export function isTerminal(job: Pick<ExportJobJson, "status"> | null | undefined): boolean {
  return job ? TERMINAL.has(job.status) : false;
}

/** A refused or failed status request; `status` is 0 when the network itself failed. */
export class JobStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "JobStatusError";
  }
}

export function exportJobQueryKey(jobId: string | null) {
  return ["export-job", jobId] as const;
}

/** A job's status JSON from `url`; a failure as a JobStatusError with the server's words (shared by imports). */
export async function fetchJobStatus<T>(url: string, fallbackError: string, signal: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new JobStatusError(fallbackError, 0);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { detail?: string } | null;
    throw new JobStatusError(body?.detail ?? fallbackError, response.status);
  }
  return (await response.json()) as T;
}

function fetchJob(jobId: string, fallbackError: string, signal: AbortSignal): Promise<ExportJobJson> {
  return fetchJobStatus<ExportJobJson>(`/api/export/status/${encodeURIComponent(jobId)}`, fallbackError, signal);
}

/** Network hiccups and 5xx are tried twice more; a 4xx (404: no such job) stops at once. */
export function shouldRetry(failureCount: number, error: Error): boolean {
  const status = error instanceof JobStatusError ? error.status : 0;
  return (status === 0 || status >= 500) && failureCount < 2;
}

export function useExportJob(
  jobId: string | null,
  { enabled = true, fallbackError = "Request failed" }: { enabled?: boolean; fallbackError?: string } = {},
) {
  return useQuery<ExportJobJson, Error>({
    queryKey: exportJobQueryKey(jobId),
    queryFn: ({ signal }) => fetchJob(jobId as string, fallbackError, signal),
    enabled: enabled && jobId !== null,
    // Always ask the server: a cached snapshot of a running job is already out of date.
    staleTime: 0,
    gcTime: 0,
    retry: shouldRetry,
    refetchOnWindowFocus: false,
    // Keep polling in a background tab, so the download starts as soon as the file is ready.
    refetchIntervalInBackground: true,
    refetchInterval: (query) =>
      query.state.status === "error" || isTerminal(query.state.data) ? false : JOB_POLL_INTERVAL_MS,
  });
}
