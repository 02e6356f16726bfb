// Fetches an export and hands it to the browser as a download, keeping the server's
// file name; a refusal comes back as the server's own words.
import type { ExportFormat } from "@/lib/export/formats";
import type { TExportOptionsInput } from "@/lib/export/options";

export type DownloadResult = { ok: true; fileName: string } | { ok: false; message: string; status: number };

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
  genericError?: string,
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
    return {
      ok: false,
      message: errorMessage(body, fallbackError, { generic: genericError }),
      status: response.status,
    };
  }
  const blob = await response.blob();
  const fileName = fileNameFromDisposition(response.headers.get("content-disposition")) ?? `export.${format}`;
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
