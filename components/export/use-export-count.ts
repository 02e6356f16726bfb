"use client";
// The live count of the records an export with these options would carry. Options that
// leave no record out are counted by the dataset's own size (no request); others are
// asked of the server (GET /api/datasets/{id}/count), once the options have stood still
// for a moment while someone edits them.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TExportOptionsInput } from "@/lib/export/options";
import { selectionQuery, selectsRows } from "./options-draft";

export type ExportCount = { status: "pending" } | { status: "error" } | { status: "done"; count: number };

/** How long options must stay unchanged before they are counted. */
export const COUNT_DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

async function fetchCount(datasetId: number, query: string): Promise<number> {
  const response = await fetch(`/api/datasets/${datasetId}/count?${query}`);
  if (!response.ok) throw new Error(`count: HTTP ${response.status}`);
  return ((await response.json()) as { count: number }).count;
}

export function useExportCount(
  dataset: { id: number; record_count: number },
  options: TExportOptionsInput,
  { enabled = true }: { enabled?: boolean } = {},
): ExportCount {
  const counted = enabled && selectsRows(options);
  const query = counted ? selectionQuery(options, { columns: false }).toString() : "";
  const settled = useDebounced(query, COUNT_DEBOUNCE_MS);
  const { data, isError } = useQuery({
    queryKey: ["export-count", dataset.id, settled],
    queryFn: () => fetchCount(dataset.id, settled),
    enabled: counted && settled === query,
    staleTime: 30_000,
  });
  if (!counted) return { status: "done", count: dataset.record_count };
  if (settled !== query) return { status: "pending" };
  if (isError) return { status: "error" };
  return data === undefined ? { status: "pending" } : { status: "done", count: data };
}
