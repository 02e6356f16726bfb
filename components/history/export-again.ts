// "Export again" from a history row: the row's dataset, format and stored options asked
// for through the normal export path, so the server decides as for a button on the
// dataset's page — a small export downloads directly, a large one becomes a job (shown in
// the progress modal by the caller).
import { startExport } from "@/app/actions/export";
import { downloadExport, errorMessage } from "@/components/export/download-export";
import type { TExportOptionsInput } from "@/lib/export/options";
import type { HistoryItem } from "@/lib/exports/list-exports";

export type ExportAgainResult =
  | { kind: "job"; jobId: string; warning?: string }
  | { kind: "downloaded"; fileName: string }
  | { kind: "error"; message: string }
  /** The export rate limit: the server's words, and the seconds before exporting is allowed again. */
  | { kind: "rate-limited"; message: string; retryAfter: number };

export async function exportAgain(
  item: Pick<HistoryItem, "dataset_id" | "format" | "options">,
  fallbackError: string,
): Promise<ExportAgainResult> {
  // Stored as validated; the schema reads its own output back the same.
  const options = item.options as TExportOptionsInput;
  let started: Awaited<ReturnType<typeof startExport>>;
  try {
    started = await startExport({ dataset_id: item.dataset_id, format: item.format, options });
  } catch {
    return { kind: "error", message: fallbackError };
  }
  if ("error" in started) {
    if (started.status === 429)
      return { kind: "rate-limited", message: started.error, retryAfter: started.retry_after ?? 1 };
    return { kind: "error", message: errorMessage({ detail: started.error, errors: started.errors }, fallbackError) };
  }
  if (started.mode === "job") return { kind: "job", jobId: started.job_id, warning: started.warning };
  const result = await downloadExport(item.dataset_id, item.format, options, fallbackError);
  if (result.ok) return { kind: "downloaded", fileName: result.fileName };
  if (result.status === 429)
    return { kind: "rate-limited", message: result.message, retryAfter: result.retryAfter ?? 1 };
  return { kind: "error", message: result.message };
}
