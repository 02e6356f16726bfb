// Runtime configuration, read from the environment at call time (the launcher, the test
// setup and the worker set it). Defaults are the product's documented defaults.
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

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides it.");
  return url;
}

export const config = {
  /** Failed sign-ins per e-mail within the window before answers are slowed down. */
  loginThrottle: {
    windowMinutes: intFromEnv("OUTPORT_LOGIN_WINDOW_MINUTES", 15),
    freeAttempts: intFromEnv("OUTPORT_LOGIN_FREE_ATTEMPTS", 3),
    maxDelayMs: intFromEnv("OUTPORT_LOGIN_MAX_DELAY_MS", 8000),
  },
  previewPageSize: 25,
  export: {
    /** Most rows one export may carry (SPEC §4). */
    rowCap: intFromEnv("OUTPORT_EXPORT_ROW_CAP", 1_000_000),
    /** Above this, the 202 of a job carries a large-dataset warning. */
    largeExportRows: intFromEnv("OUTPORT_LARGE_EXPORT_ROWS", 100_000),
    /** The UI downloads CSV/JSON directly up to this many rows, larger ones become jobs. */
    directRowsText: intFromEnv("OUTPORT_DIRECT_ROWS_TEXT", 10_000),
    /** Excel is built in memory by exceljs: only this many rows are served directly. */
    directRowsExcel: intFromEnv("OUTPORT_DIRECT_ROWS_EXCEL", 5_000),
    /** Export requests per user per minute. */
    requestsPerMinute: intFromEnv("OUTPORT_EXPORTS_PER_MINUTE", 10),
  },
  organisation: process.env.OUTPORT_ORGANISATION ?? "Outport",
};
