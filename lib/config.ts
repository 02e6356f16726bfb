// Runtime configuration from the environment (docs/configuration.md lists every variable
// and its default). The folders and the database URL are read at call time, since the
// launcher, the test setup and the worker set them; the `config` settings are read once,
// when this module loads.
import path from "node:path";

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export function varDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.OUTPORT_VAR_DIR ?? "var");
}

/** Where finished exports are kept; never derived from a request. */
export function exportDir(): string {
  return process.env.OUTPORT_EXPORT_DIR
    ? path.resolve(/*turbopackIgnore: true*/ process.env.OUTPORT_EXPORT_DIR)
    : path.join(varDir(), "exports");
}

/** Where uploaded files wait for their import; never derived from a request. */
export function uploadDir(): string {
  return process.env.OUTPORT_UPLOAD_DIR
    ? path.resolve(/*turbopackIgnore: true*/ process.env.OUTPORT_UPLOAD_DIR)
    : path.join(varDir(), "uploads");
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it.");
  return url;
}

/** A comma-separated list; blanks dropped. */
function listFromEnv(name: string, fallback: string[] = []): string[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  return raw
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function positiveIntFromEnv(name: string, fallback: number): number {
  const value = intFromEnv(name, fallback);
  if (value < 1) throw new Error(`${name} must be at least 1, got "${process.env[name]}"`);
  return value;
}

export const config = {
  /**
   * Sign-in attempts, counted in PostgreSQL before the password is checked (a successful
   * sign-in gives its attempt back). Past a limit the attempt is refused with 429 until the
   * window that counted it ends.
   */
  loginThrottle: {
    /** The window attempts are counted in, in seconds. */
    windowSeconds: positiveIntFromEnv("OUTPORT_LOGIN_WINDOW_SECONDS", 15 * 60),
    /** Attempts from one client address for one e-mail. */
    perAddressAndEmail: positiveIntFromEnv("OUTPORT_LOGIN_ATTEMPTS_PER_ADDRESS_EMAIL", 5),
    /** Attempts from one client address, whatever the e-mail. */
    perAddress: positiveIntFromEnv("OUTPORT_LOGIN_ATTEMPTS_PER_ADDRESS", 30),
    /** Distinct client addresses that failed for one e-mail before the account itself is held. */
    accountAddresses: positiveIntFromEnv("OUTPORT_LOGIN_ACCOUNT_ADDRESSES", 20),
  },
  previewPageSize: 25,
  export: {
    /** Most rows one export may carry. */
    rowCap: intFromEnv("OUTPORT_EXPORT_ROW_CAP", 1_000_000),
    /** Above this, the 202 of a job carries a large-dataset warning. */
    largeExportRows: intFromEnv("OUTPORT_LARGE_EXPORT_ROWS", 100_000),
    /** The UI downloads CSV/JSON directly up to this many rows, larger ones become jobs. */
    directRowsText: intFromEnv("OUTPORT_DIRECT_ROWS_TEXT", 10_000),
    /** The UI downloads Excel directly up to this many rows, larger ones become jobs. */
    directRowsExcel: intFromEnv("OUTPORT_DIRECT_ROWS_EXCEL", 5_000),
    /** Export requests per user per minute. */
    requestsPerMinute: intFromEnv("OUTPORT_EXPORTS_PER_MINUTE", 10),
    /** Background jobs one user may have pending or running at once. */
    activeJobsPerUser: intFromEnv("OUTPORT_ACTIVE_JOBS_PER_USER", 3),
    /** Days a finished export file is kept. */
    retentionDays: intFromEnv("OUTPORT_RETENTION_DAYS", 7),
    /** How long a signed download URL (`?token=`) stays valid. */
    signedUrlMinutes: Math.max(1, intFromEnv("OUTPORT_SIGNED_URL_MINUTES", 15)),
    /** Most rows a PDF report may hold; past it the request is refused with CSV/Excel suggested. */
    pdfRowCap: intFromEnv("OUTPORT_PDF_ROW_CAP", 20_000),
    /** A PNG or JPEG printed at the top left of every PDF page; the Outport mark when unset. */
    pdfLogo: process.env.OUTPORT_PDF_LOGO || null,
  },
  retention: {
    /** When the cleanup of expired exports runs (cron, in `timeZone`); it also runs at start. */
    cron: process.env.OUTPORT_RETENTION_CRON ?? "0 2 * * *",
    timeZone: process.env.OUTPORT_TIMEZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    /** A stored file no job refers to is removed once it is this old (a crash between
     * publishing a file and recording it leaves one). */
    orphanMinutes: intFromEnv("OUTPORT_ORPHAN_FILE_MINUTES", 60),
  },
  jobs: {
    /** Workers started inside the web process; 0 leaves the work to `npm run worker`. */
    inProcessWorkers: intFromEnv("OUTPORT_WORKERS", 2),
    /** Jobs one `npm run worker` process runs at once. */
    workerConcurrency: intFromEnv("OUTPORT_WORKER_CONCURRENCY", 2),
    /** A running job whose heartbeat is older than this is taken to be dead and retried. */
    leaseSeconds: intFromEnv("OUTPORT_JOB_LEASE_SECONDS", 30),
    /** How often a running job writes progress and heartbeat, and looks for a cancel. */
    heartbeatMs: intFromEnv("OUTPORT_JOB_HEARTBEAT_MS", 1000),
    /** Attempts before a job whose worker keeps dying is failed. */
    maxAttempts: intFromEnv("OUTPORT_JOB_MAX_ATTEMPTS", 3),
    /** On SIGTERM a running job gets this long to finish before it is handed back. */
    shutdownGraceMs: intFromEnv("OUTPORT_JOB_SHUTDOWN_GRACE_MS", 5000),
    /** How often idle workers look for new jobs (pg-boss polling; at least 500). */
    pollMs: Math.max(500, intFromEnv("OUTPORT_JOB_POLL_MS", 500)),
  },
  /** Datasets from uploaded files (docs/product.md, "Your own datasets"). */
  imports: {
    /** The largest file one upload may carry (413 past it). */
    maxFileBytes: intFromEnv("OUTPORT_IMPORT_MAX_BYTES", 1024 * 1024 * 1024),
    maxColumns: positiveIntFromEnv("OUTPORT_IMPORT_MAX_COLUMNS", 1000),
    maxRows: positiveIntFromEnv("OUTPORT_IMPORT_MAX_ROWS", 10_000_000),
    /** Characters one cell may hold (Excel's own limit by default). */
    maxCellChars: positiveIntFromEnv("OUTPORT_IMPORT_MAX_CELL_CHARS", 32_767),
    /** An XLSX whose parts together inflate past this is refused (a zip bomb). */
    maxUncompressedBytes: intFromEnv("OUTPORT_IMPORT_MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024 * 1024),
    /** A Parquet row group is read whole: one that inflates past this is refused. */
    maxRowGroupBytes: positiveIntFromEnv("OUTPORT_IMPORT_MAX_ROW_GROUP_BYTES", 256 * 1024 * 1024),
    /** How much of a text file the upload page sends to be inspected. */
    inspectSampleBytes: positiveIntFromEnv("OUTPORT_IMPORT_INSPECT_BYTES", 8 * 1024 * 1024),
    /**
     * After a replace commits, its old rows table is dropped this much later: a reader that
     * looked up the table just before the commit (a page, an export starting) still finds it.
     */
    replaceDropDelayMs: intFromEnv("OUTPORT_IMPORT_REPLACE_DROP_DELAY_MS", 10_000),
    /** Rejected rows listed on an import job (all of them go into its CSV). */
    listedRejectedRows: 100,
  },
  organisation: process.env.OUTPORT_ORGANISATION ?? "Outport",
  // Read when used, not at start: the mail settings are looked at per mail (tests change them).
  mail: {
    /** `smtp://user:password@host:port` or `smtps://…`; unset: mails are written under var/mail. */
    get smtpUrl(): string | null {
      return process.env.OUTPORT_SMTP_URL || null;
    },
    get from(): string {
      return process.env.OUTPORT_MAIL_FROM || "Outport <outport@localhost>";
    },
    /** Domains recipients may be at (lower case); empty: any. */
    get allowedDomains(): string[] {
      return listFromEnv("OUTPORT_MAIL_ALLOWED_DOMAINS").map((domain) => domain.toLowerCase());
    },
    /** The largest attachment, measured as sent (base64 included); past it the mail only links. */
    get attachmentMaxBytes(): number {
      return intFromEnv("OUTPORT_MAIL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024);
    },
    /** Days the download link in a mail works. */
    get linkDays(): number {
      return positiveIntFromEnv("OUTPORT_MAIL_LINK_DAYS", 7);
    },
    /** Seconds before each retry of a mail the server refused (so attempts = retries + 1). */
    get retryDelaysSeconds(): number[] {
      return listFromEnv("OUTPORT_MAIL_RETRY_SECONDS", ["10", "60", "300"]).map((value) => {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds < 0)
          throw new Error(`OUTPORT_MAIL_RETRY_SECONDS must list seconds, got "${value}"`);
        return seconds;
      });
    },
  },
  schedules: {
    /** How often each worker process looks for due schedules. */
    tickSeconds: positiveIntFromEnv("OUTPORT_SCHEDULE_TICK_SECONDS", 15),
    /** A slot found due later than this (the processes were down) runs as a catch-up. */
    lateMinutes: positiveIntFromEnv("OUTPORT_SCHEDULE_LATE_MINUTES", 10),
  },
};

/** The address links in mails point at: OUTPORT_PUBLIC_URL, else NEXTAUTH_URL, else where the app listens. */
export function publicBaseUrl(): string {
  const configured = process.env.OUTPORT_PUBLIC_URL || process.env.NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const host = process.env.HOST && !["0.0.0.0", "::"].includes(process.env.HOST) ? process.env.HOST : "127.0.0.1";
  return `http://${host.includes(":") ? `[${host}]` : host}:${process.env.PORT || "3000"}`;
}

/** Where mails are written when no SMTP server is configured. */
export function mailDir(): string {
  return path.join(varDir(), "mail");
}

export type StorageConfig =
  | { kind: "local" }
  | {
      kind: "s3";
      bucket: string;
      endpoint: string | undefined;
      region: string;
      forcePathStyle: boolean;
      prefix: string;
      /** Ask S3 for its own SHA-256 checksum of every part (off for servers that lack it). */
      checksum: boolean;
      /** Downloads answer 302 to a short-lived presigned URL instead of streaming. */
      presignedDownloads: boolean;
    };

function booleanFromEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new Error(`${name} must be true or false, got "${process.env[name]}"`);
}

/**
 * Where finished exports are stored (OUTPORT_STORAGE), read at call time so a bad setting
 * is named at first use. Credentials for S3 come from the AWS SDK's default chain
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, profiles, roles).
 */
export function storageConfig(): StorageConfig {
  const kind = (process.env.OUTPORT_STORAGE ?? "").trim() || "local";
  if (kind === "local") return { kind };
  if (kind !== "s3") throw new Error(`OUTPORT_STORAGE must be "local" or "s3", got "${process.env.OUTPORT_STORAGE}"`);
  const bucket = process.env.OUTPORT_S3_BUCKET?.trim() ?? "";
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(
      `OUTPORT_S3_BUCKET must name a bucket (3–63 lowercase letters, digits, dots, hyphens), got "${bucket}"`,
    );
  }
  const endpoint = process.env.OUTPORT_S3_ENDPOINT?.trim() || undefined;
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    throw new Error(`OUTPORT_S3_ENDPOINT must be a URL, got "${endpoint}"`);
  }
  const prefix = process.env.OUTPORT_S3_PREFIX ?? "exports/";
  if (!/^([A-Za-z0-9._-]+\/)*$/.test(prefix)) {
    throw new Error(`OUTPORT_S3_PREFIX must be empty or end with "/" (letters, digits, . _ -), got "${prefix}"`);
  }
  return {
    kind,
    bucket,
    endpoint,
    region: process.env.OUTPORT_S3_REGION?.trim() || "us-east-1",
    forcePathStyle: booleanFromEnv("OUTPORT_S3_FORCE_PATH_STYLE", false),
    prefix,
    checksum: booleanFromEnv("OUTPORT_S3_CHECKSUM", true),
    presignedDownloads: booleanFromEnv("OUTPORT_S3_PRESIGNED_DOWNLOADS", false),
  };
}
