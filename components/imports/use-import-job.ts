"use client";
// Polls one import job's status for the progress modal: every 2 s while it waits or runs,
// never once it has finished, been closed or unmounted (the same rhythm as exports).
import { useQuery } from "@tanstack/react-query";
import type { ImportStatus, TImportStatusResponse } from "@/lib/datasets/dataset-schemas";
import { fetchJobStatus, JOB_POLL_INTERVAL_MS, shouldRetry } from "../export/use-export-job";

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

function fetchImport(jobId: string, fallbackError: string, signal: AbortSignal): Promise<TImportStatusResponse> {
  return fetchJobStatus<TImportStatusResponse>(importStatusUrl(jobId), fallbackError, signal);
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
