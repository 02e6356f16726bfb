// What kind of failure of the object storage an error is, in the few categories a person
// can act on: the storage is full (or the file is larger than it takes), it refuses the
// app (credentials, permissions, a bucket that is not there: a setting to fix), or it
// cannot be reached (the network, the service down or overloaded). Only errors the S3
// client returned are considered (it marks them with `$metadata`): a connection reset of
// the database must not read as the storage's.
//
// Full and refused are not mended by running the job again soon; unreachable may be, so
// that one is left to the job runtime's retries (see STORAGE_FAILURE_RETRIED).

export type StorageFailure = "storage_full" | "storage_refused" | "storage_unreachable";

/** Whether running the job again may mend the failure (the runtime's retries then apply). */
export const STORAGE_FAILURE_RETRIED: Record<StorageFailure, boolean> = {
  storage_full: false,
  storage_refused: false,
  storage_unreachable: true,
};

/** Error codes of S3 and S3-compatible stores (MinIO, Ceph), by what they mean here. */
const CODES: Record<string, StorageFailure> = {
  InsufficientStorage: "storage_full",
  QuotaExceeded: "storage_full",
  EntityTooLarge: "storage_full",
  XMinioStorageFull: "storage_full",
  XMinioAdminBucketQuotaExceeded: "storage_full",
  AccessDenied: "storage_refused",
  AllAccessDisabled: "storage_refused",
  AccountProblem: "storage_refused",
  InvalidAccessKeyId: "storage_refused",
  SignatureDoesNotMatch: "storage_refused",
  ExpiredToken: "storage_refused",
  InvalidToken: "storage_refused",
  NoSuchBucket: "storage_refused",
  PermanentRedirect: "storage_refused", // the bucket is in another region than configured
  AuthorizationHeaderMalformed: "storage_refused", // likewise
  SlowDown: "storage_unreachable",
  ServiceUnavailable: "storage_unreachable",
  InternalError: "storage_unreachable",
  RequestTimeout: "storage_unreachable",
  TimeoutError: "storage_unreachable", // the client's name for a connection cut or timed out
};

/** Network failures (Node's codes), after the S3 client's own retries. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

type S3ishError = {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: unknown };
};

function classify(error: S3ishError): StorageFailure | null {
  for (const code of [error.Code, error.name]) {
    if (typeof code === "string" && Object.hasOwn(CODES, code)) return CODES[code]!;
  }
  if (typeof error.code === "string" && NETWORK_CODES.has(error.code)) return "storage_unreachable";
  const status = error.$metadata?.httpStatusCode;
  if (typeof status !== "number") return null;
  if (status === 507) return "storage_full";
  if (status === 401 || status === 403) return "storage_refused";
  if (status >= 500) return "storage_unreachable";
  return null;
}

/** The kind of storage failure an error of the S3 client is, or null when it is none of them. */
export function storageFailure(error: unknown): StorageFailure | null {
  // The error itself, or what it was caused by (a few levels, never a cycle).
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === "object"; depth++) {
    const candidate = current as S3ishError;
    if (candidate.$metadata !== null && typeof candidate.$metadata === "object") {
      const kind = classify(candidate);
      if (kind) return kind;
    }
    current = candidate.cause;
  }
  return null;
}
