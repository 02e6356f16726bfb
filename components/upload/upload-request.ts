// Sends a multipart form with XMLHttpRequest rather than fetch: only XHR reports how many
// bytes of the body have gone out, which the upload page shows while a large file travels.
export type UploadProgress = { sent: number; total: number };

/** What the server answered: its status and its JSON body (null when it sent none). */
export type UploadAnswer = { status: number; body: unknown };

/** The request never got an answer (network down, or cancelled by the caller). */
export class UploadFailedError extends Error {
  constructor(readonly aborted: boolean) {
    super(aborted ? "upload cancelled" : "upload failed");
    this.name = "UploadFailedError";
  }
}

export function uploadForm(
  method: "POST" | "PUT",
  url: string,
  form: FormData,
  { onProgress, signal, size }: { onProgress?: (progress: UploadProgress) => void; signal?: AbortSignal; size: number },
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      // Without a computable total the file's own size is the best estimate of the body.
      const total = event.lengthComputable && event.total > 0 ? event.total : size;
      onProgress?.({ sent: Math.min(event.loaded, total), total });
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null; // an HTML error page from a proxy: the caller shows its fallback words
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new UploadFailedError(false));
    xhr.onabort = () => reject(new UploadFailedError(true));
    if (signal) {
      if (signal.aborted) {
        reject(new UploadFailedError(true));
        return;
      }
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    onProgress?.({ sent: 0, total: size });
    xhr.send(form);
  });
}

type ErrorBody = { detail?: unknown; errors?: Array<{ field?: unknown; message?: unknown }> };

/** A refusal in words: the server's detail, then each field and its reason. */
export function refusalLines(body: unknown, fallback: string): { detail: string; fields: string[] } {
  const error = (body && typeof body === "object" ? body : {}) as ErrorBody;
  const detail = typeof error.detail === "string" && error.detail ? error.detail : fallback;
  const fields = (Array.isArray(error.errors) ? error.errors : [])
    .filter((e) => typeof e?.message === "string")
    .map((e) => (typeof e.field === "string" && e.field ? `${e.field}: ${String(e.message)}` : String(e.message)));
  return { detail, fields };
}
