// The one place errors become HTTP answers: a status from the error's code and a body a
// person can read, `{ detail, errors? }`, never internals.
import { ZodError } from "zod";
import { AppError, fieldErrorsFromZod, type ErrorCode, type FieldError } from "../errors";
import { ExportOptionsError } from "../export/plan";
import { isMessageKey, translate, type Locale } from "../i18n";
import { ImportFileError } from "../imports/types";

export const STATUS_BY_CODE = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  invalid: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  bad_request: 400,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
} as const satisfies Record<ErrorCode, number>;

export type ErrorBody = { detail: string; errors?: FieldError[] };
export type MappedError = { status: number; body: ErrorBody; retryAfterSeconds?: number; wwwAuthenticate?: string };

/** The challenge of a 401 for a bearer token that is malformed, unknown, revoked or expired (RFC 6750). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/** The one mapping from an error to a status and a body a person can read. */
export function mapError(error: unknown, locale: Locale): MappedError {
  if (error instanceof ZodError) {
    return { status: 422, body: { detail: translate(locale, "error.invalid"), errors: fieldErrorsFromZod(error) } };
  }
  if (error instanceof ExportOptionsError) {
    return { status: 422, body: { detail: translate(locale, "error.invalid"), errors: error.errors } };
  }
  if (error instanceof ImportFileError) {
    // A file that cannot be read as asked: 413 for a limit of size, 422 for the rest, with
    // the setting to change (the file itself when there is none to name).
    const key = isMessageKey(error.messageKey) ? error.messageKey : "upload.error.invalidFile";
    const detail = translate(locale, key, error.params);
    const status = error.options.status ?? 422;
    return { status, body: { detail, errors: [{ field: error.options.field ?? "file", message: detail }] } };
  }
  if (error instanceof AppError) {
    const { params, errors, retryAfterSeconds } = error.options;
    const detail = translate(locale, error.messageKey, { seconds: retryAfterSeconds ?? "", ...params });
    const status = STATUS_BY_CODE[error.code];
    const body = errors ? { detail, errors } : { detail };
    if (error.code === "unauthenticated" && error.messageKey === "error.token.invalid") {
      return { status, body, wwwAuthenticate: INVALID_TOKEN_CHALLENGE };
    }
    return { status, body, retryAfterSeconds };
  }
  // Unexpected: logged with its stack here, answered without internals.
  console.error("Unhandled error in a request:", error);
  return { status: 500, body: { detail: translate(locale, "error.internal") } };
}

export function errorResponse(error: unknown, locale: Locale): Response {
  const { status, body, retryAfterSeconds, wwwAuthenticate } = mapError(error, locale);
  const headers = new Headers();
  if (retryAfterSeconds !== undefined) headers.set("Retry-After", String(retryAfterSeconds));
  if (wwwAuthenticate !== undefined) headers.set("WWW-Authenticate", wwwAuthenticate);
  return Response.json(body, { status, headers });
}

/** What a server action returns instead of throwing to the client. */
/** `retry_after`: the seconds a rate-limited caller should wait, as Retry-After says over HTTP. */
export type ActionError = { error: string; errors?: FieldError[]; status: number; retry_after?: number };

export function actionError(error: unknown, locale: Locale): ActionError {
  const { status, body, retryAfterSeconds } = mapError(error, locale);
  return {
    error: body.detail,
    ...(body.errors ? { errors: body.errors } : {}),
    status,
    ...(retryAfterSeconds !== undefined ? { retry_after: retryAfterSeconds } : {}),
  };
}
