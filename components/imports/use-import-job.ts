"use client";
// Polls one import job's status for the progress modal: every 2 s while it waits or runs,
// never once it has finished, been closed or unmounted (the same rhythm as exports).
import { useQuery } from "@tanstack/react-query";
import type { ImportStatus, TImportStatusResponse } from "@/lib/datasets/dataset-schemas";
import { JOB_POLL_INTERVAL_MS, JobStatusError } from "../export/use-export-job";

const TERMINAL = new Set<ImportStatus>(["completed", "failed", "cancelled"]);

export function isImportDone(job: Pick<TImportStatusResponse, "status"> | null | undefined): boolean {
  return job ? TERMINAL.has(job.status) : false;
}

export function importJobQueryKey(jobId: string) {
  return ["import-job", jobId] as const;
}

export function importStatusUrl(jobId: string): string {
  return `/api/imports/${encodeURIComponent(jobId)}`;
}

async function fetchImport(jobId: string, fallbackError: string, signal: AbortSignal): Promise<TImportStatusResponse> {
  let response: Response;
  try {
    response = await fetch(importStatusUrl(jobId), {
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
  return (await response.json()) as TImportStatusResponse;
}

/** Network hiccups and 5xx are tried twice more; a 4xx stops at once. */
function shouldRetry(failureCount: number, error: Error): boolean {
  const status = error instanceof JobStatusError ? error.status : 0;
  return (status === 0 || status >= 500) && failureCount < 2;
}

export function useImportJob(jobId: string, { enabled, fallbackError }: { enabled: boolean; fallbackError: string }) {
  return useQuery<TImportStatusResponse, Error>({
    queryKey: importJobQueryKey(jobId),
    queryFn: ({ signal }) => fetchImport(jobId, fallbackError, signal),
    enabled,
    staleTime: 0,
    gcTime: 0,
    retry: shouldRetry,
    refetchOnWindowFocus: false,
    refetchIntervalInBackground: true,
    refetchInterval: (query) =>
      query.state.status === "error" || isImportDone(query.state.data) ? false : JOB_POLL_INTERVAL_MS,
  });
}
