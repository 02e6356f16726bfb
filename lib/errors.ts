// The one typed error a use case refuses with: a code saying what kind of refusal it is and
// a message key saying why, in words a person can act on. It knows nothing of HTTP: the
// transport maps codes to statuses (lib/http/error-response.ts), a job maps them to its
// failure message.
import type { ZodError } from "zod";
import type { MessageKey, MessageParams } from "./i18n";

export type ErrorCode =
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "gone"
  | "invalid"
  | "rate_limited"
  | "internal"
  // A service the request needs (the file storage) is out of reach or refuses: try again later.
  | "unavailable"
  // Refusals of the request itself, before any use case: its address, method or body.
  | "bad_request"
  | "method_not_allowed"
  | "payload_too_large"
  | "unsupported_media_type";

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
  unavailable: "error.storageUnavailable",
  bad_request: "error.http.badRequest",
  method_not_allowed: "error.http.methodNotAllowed",
  payload_too_large: "error.http.tooLarge",
  unsupported_media_type: "error.http.jsonOnly",
};

export type AppErrorOptions = {
  params?: MessageParams;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  /** Why, for the audit trail (e.g. the role that was refused); never shown. */
  reason?: string;
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: MessageKey = DEFAULT_MESSAGE[code],
    readonly options: AppErrorOptions = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = "AppError";
  }
}

/** A 422-kind refusal naming the fields and why. */
export function invalidFields(errors: FieldError[], messageKey: MessageKey = "error.invalid"): AppError {
  return new AppError("invalid", messageKey, { errors });
}

/** Every problem a zod schema found, as fields a person can find in their request. */
export function fieldErrorsFromZod(error: ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, message: "is not a known option" }));
    }
    return [{ field: path || "(body)", message: issue.message }];
  });
}
