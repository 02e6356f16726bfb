// The routes that take a file as their body, named once for the edge (which lets them past
// its body size and time limits) and for withUser (which skips its JSON checks for them).

/** What a multipart body may carry besides the file: the form's boundaries and its metadata part. */
export const UPLOAD_OVERHEAD_BYTES = 1024 * 1024;

const UPLOAD_PATHS = /^\/api\/datasets(?:\/inspect|\/\d{1,10}\/import)?$/;

/** `POST /api/datasets`, `POST /api/datasets/inspect`, `POST /api/datasets/{id}/import`. */
export function isUploadRoute(method: string, path: string): boolean {
  return method === "POST" && UPLOAD_PATHS.test(path);
}
