// Fetches an export and hands it to the browser as a download, keeping the server's
// file name; a refusal comes back as the server's own words (and, for a rate limit, how
// long to wait). `onStarted` is told as soon as the server has accepted the export and
// the file is on its way, not once all of it has arrived.
import type { ExportFormat } from "@/lib/export/formats";
import type { TExportOptionsInput } from "@/lib/export/options";
import { retryAfterSeconds } from "./rate-limit";

export type DownloadResult =
  { ok: true; fileName: string } | { ok: false; message: string; status: number; retryAfter?: number };

type ErrorBody = { detail?: string; errors?: Array<{ field: string; message: string }> };

export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null;
}

/**
 * A refusal in the server's words. The fields' messages are listed under a general
 * detail ("The request is not valid"); a detail of its own (a PDF past its row cap)
 * already says it all, and its field entry, for scripts, would only say it again.
 */
export function errorMessage(body: ErrorBody | null, fallback: string, { generic }: { generic?: string } = {}): string {
  const detail = body?.detail ?? fallback;
  const fieldLines = (body?.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  const specific = generic !== undefined && body?.detail !== undefined && body.detail !== generic;
  return (specific ? [detail] : [detail, ...fieldLines]).join("\n");
}

export async function downloadExport(
  datasetId: number,
  format: ExportFormat,
  options: TExportOptionsInput,
  fallbackError: string,
  extra: {
    /** Called once the response headers are in and the body starts arriving. */
    onStarted?: (fileName: string) => void;
    /** The server's generic "some fields are invalid" text, shown only when nothing better is. */
    genericError?: string;
  } = {},
): Promise<DownloadResult> {
  let response: Response;
  try {
    response = await fetch(`/api/export/${format}/${datasetId}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(options),
    });
  } catch {
    return { ok: false, message: fallbackError, status: 0 };
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ErrorBody | null;
    const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
    return {
      ok: false,
      message: errorMessage(body, fallbackError, { generic: extra.genericError }),
      status: response.status,
      ...(retryAfter !== null ? { retryAfter } : {}),
    };
  }
  const fileName = fileNameFromDisposition(response.headers.get("content-disposition")) ?? `export.${format}`;
  extra.onStarted?.(fileName);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { ok: true, fileName };
}
