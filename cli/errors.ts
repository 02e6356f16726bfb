// What a command's failure means to a script: the exit codes of the CLI, and the error
// that carries one (with the message already written for a person).

/** The environment as the CLI reads it (process.env, or a test's own). */
export type Env = Readonly<Record<string, string | undefined>>;

export const EXIT = {
  ok: 0,
  usage: 1,
  auth: 2,
  notFound: 3,
  failed: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A field the server (or the CLI) refused, and why. */
export type FieldError = { field: string; message: string };

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly fields: FieldError[] = [],
    /** The HTTP status that caused it, when it came from the server. */
    readonly status?: number,
    /** Seconds the server asked to wait (429 with Retry-After). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The exit code for an HTTP error status. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401) return EXIT.auth;
  if (status === 403 || status === 404) return EXIT.notFound;
  if (status === 400 || status === 405 || status === 413 || status === 415 || status === 422) return EXIT.usage;
  return EXIT.failed; // 408, 409, 410, 429 past its retries, 5xx
}
