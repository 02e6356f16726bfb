// Checks withUser makes on a request before its handler runs: that a state-changing call
// comes from our own pages (CSRF), that its body is JSON, and that the body is no larger
// than the route accepts — declared up front (Content-Length) or counted while it is read.
import { AppError } from "../errors";

/** What a JSON API body may weigh unless its route declares more. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isStateChanging(method: string): boolean {
  return STATE_CHANGING.has(method.toUpperCase());
}

function hostOf(protocol: string, host: string | null | undefined): string | null {
  if (!host) return null;
  try {
    return new URL(`${protocol}//${host.split(",")[0]?.trim()}`).host;
  } catch {
    return null;
  }
}

/**
 * Refuses (403) a request a browser sent from another site. A browser names the page's
 * origin in `Origin` on every POST, PUT, PATCH and DELETE; it must be the host this request
 * was sent to (Host, or X-Forwarded-Host from a proxy; a page cannot set either across
 * sites) or NEXTAUTH_URL's. Without Origin, `Sec-Fetch-Site` must not say another site.
 * A client that sends neither (curl, a script) is no browser and not at risk.
 */
export function checkSameOrigin(req: Request): void {
  const refuse = () => new AppError("forbidden", "error.http.crossSite", { reason: "cross-site request" });
  const origin = req.headers.get("origin");
  if (origin === null) {
    const site = req.headers.get("sec-fetch-site");
    if (site !== null && site !== "same-origin" && site !== "none") throw refuse();
    return;
  }
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw refuse(); // "null" (a sandboxed or privacy-sensitive context) and junk
  }
  const own = [req.headers.get("host"), req.headers.get("x-forwarded-host")].map((host) => hostOf(url.protocol, host));
  if (process.env.NEXTAUTH_URL) {
    try {
      const configured = new URL(process.env.NEXTAUTH_URL);
      if (configured.origin === url.origin) return;
    } catch {
      // a malformed NEXTAUTH_URL is next-auth's to report
    }
  }
  if (!own.includes(url.host)) throw refuse();
}

/** Whether the request carries a body (a declared length above 0, or a chunked one). */
export function hasBody(req: Request): boolean {
  const length = req.headers.get("content-length");
  if (length !== null) return length.trim() !== "0";
  return req.headers.get("transfer-encoding") !== null;
}

/** 415 unless a request with a body says it is JSON (application/json or a +json type). */
export function checkJsonBody(req: Request): void {
  if (!hasBody(req)) return;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type)) return;
  throw new AppError("unsupported_media_type", "error.http.jsonOnly");
}

export function bodyTooLarge(limit: number): AppError {
  return new AppError("payload_too_large", "error.http.tooLarge", { params: { limit } });
}

/** 413 when the declared Content-Length is past the limit (or not a length at all: 400). */
export function checkDeclaredLength(
  req: Request,
  limit: number,
  tooLarge: (limit: number) => AppError = bodyTooLarge,
): void {
  const declared = req.headers.get("content-length");
  if (declared === null) return;
  if (!/^\s*\d+\s*$/.test(declared)) throw new AppError("bad_request", "error.http.badRequest");
  if (Number(declared) > limit) throw tooLarge(limit);
}

/**
 * The same request with its body counted as it is read: reading past `limit` bytes fails
 * with a 413 and stops the upload. Everything else (headers, URL, abort signal) is kept.
 */
export function limitBody(req: Request, limit: number): Request {
  if (req.body === null) return req;
  let seen = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) throw bodyTooLarge(limit);
      controller.enqueue(chunk);
    },
  });
  // `duplex` is required for a streamed body but missing from the DOM RequestInit type.
  return new Request(req, { body: req.body.pipeThrough(counter), duplex: "half" } as RequestInit);
}
