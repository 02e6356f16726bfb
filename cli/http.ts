// The one way the CLI talks to the app: fetch with `Authorization: Bearer <token>`, the
// caller's language, and every error answer turned into a CliError with its exit code
// (401 → 2 "run `outport login`", 403/404 → 3, 422 with the server's field reasons → 1, …).
import { CliError, EXIT, exitCodeForStatus, type FieldError } from "./errors";
import { cliLocale, t } from "./messages";

export type Query = Record<string, string | number | boolean | undefined>;

export type RequestOptions = {
  query?: Query;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses handed back as they are instead of thrown (e.g. 429 for the caller to wait). */
  pass?: number[];
};

export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  url(path: string, query?: Query): string {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return url.toString();
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    if (!this.token) throw new CliError(t("cli.error.notLoggedIn"), EXIT.auth);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      "accept-language": cliLocale(),
      ...options.headers,
    };
    let body = options.body;
    if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    let response: Response;
    try {
      response = await this.fetchImpl(this.url(path, options.query), {
        method,
        headers,
        body,
        signal: options.signal,
        redirect: "manual",
        // A stream body (an upload) is sent as it is read.
        ...(body && typeof body === "object" && "getReader" in body ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        t("cli.error.unreachable", { url: this.baseUrl, reason: cause?.code ?? cause?.message ?? String(error) }),
        EXIT.usage,
      );
    }
    if (response.ok || options.pass?.includes(response.status)) return response;
    throw await errorFrom(response);
  }

  /**
   * Follows a download's redirect to object storage: a presigned URL carries its own
   * permission, so the token is never sent along (nor anywhere but the app).
   */
  async followRedirect(redirect: Response, signal?: AbortSignal): Promise<Response> {
    const location = redirect.headers.get("location");
    const url = location ? new URL(location, this.baseUrl) : null;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) throw await errorFrom(redirect);
    let response: Response;
    try {
      response = await this.fetchImpl(url, { signal, redirect: "manual" });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        t("cli.error.unreachable", { url: url.origin, reason: cause?.code ?? cause?.message ?? String(error) }),
        EXIT.usage,
      );
    }
    if (response.ok) return response;
    throw await errorFrom(response);
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options);
    return (await response.json()) as T;
  }
}

/** The CliError an error answer means; 401 is always "run `outport login`". */
export async function errorFrom(response: Response): Promise<CliError> {
  const status = response.status;
  let detail = response.statusText;
  let fields: FieldError[] = [];
  try {
    const body = (await response.json()) as { detail?: unknown; errors?: unknown };
    if (typeof body.detail === "string") detail = body.detail;
    if (Array.isArray(body.errors)) {
      fields = body.errors.filter(
        (e): e is FieldError =>
          !!e && typeof e === "object" && typeof e.field === "string" && typeof e.message === "string",
      );
    }
  } catch {
    // not JSON: the status line says enough
  }
  const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
  let message = status === 401 ? t("cli.error.auth") : t("cli.error.status", { status, detail });
  if (status === 429 && retryAfter !== undefined) message += ` ${t("cli.error.retryIn", { seconds: retryAfter })}`;
  return new CliError(message, exitCodeForStatus(status), fields, status, retryAfter);
}

/** Retry-After in seconds (a number or an HTTP date), undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
