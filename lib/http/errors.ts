// One typed error for everything a request can be refused for, and the one place that
// turns errors into HTTP responses: `{ detail, errors? }`, never internals.
import { ZodError } from "zod";
import { ExportOptionsError } from "../export/plan";
import { translate, type Locale, type MessageKey, type MessageParams } from "../i18n";

export const STATUS_BY_CODE = {
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  invalid: 422,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;
export type FieldError = { field: string; message: string };

const DEFAULT_MESSAGE: Record<ErrorCode, MessageKey> = {
  unauthenticated: "error.unauthenticated",
  forbidden: "error.forbidden",
  not_found: "error.notFound",
  conflict: "error.invalid",
  gone: "error.notFound",
  invalid: "error.invalid",
  rate_limited: "error.rateLimited",
  internal: "error.internal",
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: MessageKey = DEFAULT_MESSAGE[code],
    readonly options: { params?: MessageParams; errors?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = "AppError";
  }

  get status(): number {
    return STATUS_BY_CODE[this.code];
  }
}

export function fieldErrorsFromZod(error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, message: "is not a known option" }));
    }
    return [{ field: path || "(body)", message: issue.message }];
  });
}

export type ErrorBody = { detail: string; errors?: FieldError[] };
export type MappedError = { status: number; body: ErrorBody; retryAfterSeconds?: number };

/** The one mapping from an error to a status and a body a person can read. */
export function mapError(error: unknown, locale: Locale): MappedError {
  if (error instanceof ZodError) {
    return { status: 422, body: { detail: translate(locale, "error.invalid"), errors: fieldErrorsFromZod(error) } };
  }
  if (error instanceof ExportOptionsError) {
    return { status: 422, body: { detail: translate(locale, "error.invalid"), errors: error.errors } };
  }
  if (error instanceof AppError) {
    const { params, errors, retryAfterSeconds } = error.options;
    const detail = translate(locale, error.messageKey, { seconds: retryAfterSeconds ?? "", ...params });
    return { status: error.status, body: errors ? { detail, errors } : { detail }, retryAfterSeconds };
  }
  // Unexpected: logged with its stack here, answered without internals.
  console.error("Unhandled error in a request:", error);
  return { status: 500, body: { detail: translate(locale, "error.internal") } };
}

export function errorResponse(error: unknown, locale: Locale): Response {
  const { status, body, retryAfterSeconds } = mapError(error, locale);
  const headers = new Headers();
  if (retryAfterSeconds !== undefined) headers.set("Retry-After", String(retryAfterSeconds));
  return Response.json(body, { status, headers });
}

/** What a server action returns instead of throwing to the client. */
export type ActionError = { error: string; errors?: FieldError[]; status: number };

export function actionError(error: unknown, locale: Locale): ActionError {
  const { status, body } = mapError(error, locale);
  return { error: body.detail, ...(body.errors ? { errors: body.errors } : {}), status };
}
