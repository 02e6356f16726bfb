// The app's log lines: one line per event, JSON (one object: time, level, msg, then the
// event's own fields such as request_id, job_id, type) when the output goes to a collector,
// or plain text for a person at a terminal, under tests and `npm run dev`
// (OUTPORT_LOG_FORMAT chooses either).
// Fields named like credentials are never written, whatever a caller passes.
import { randomUUID } from "node:crypto";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const SECRET_FIELD = /^(authorization|cookie|set-cookie|password|secret|token|api[_-]?key)$/i;

/** A request id we accept from a caller: a short token of safe characters. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's X-Request-Id when it is a sane token, else a fresh one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && REQUEST_ID.test(header) ? header : randomUUID();
}

export function isRequestId(value: unknown): value is string {
  return typeof value === "string" && REQUEST_ID.test(value);
}

/**
 * OUTPORT_LOG_FORMAT, else text for a person (under tests, in development, or when the
 * output is a terminal) and JSON for a log collector (a service manager, a container).
 */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  terminal: boolean = process.stdout.isTTY === true,
): "json" | "text" {
  const chosen = env.OUTPORT_LOG_FORMAT;
  if (chosen === "json" || chosen === "text") return chosen;
  if (env.NODE_ENV === "test" || env.VITEST || env.NODE_ENV === "development" || terminal) return "text";
  return "json";
}

function clean(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || SECRET_FIELD.test(key)) continue;
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

/** The line for one event, as it is written (without the newline). */
export function formatLine(
  level: LogLevel,
  msg: string,
  fields: LogFields = {},
  format = logFormat(),
  time = new Date(),
): string {
  const own = clean(fields);
  if (format === "json") return JSON.stringify({ time: time.toISOString(), level, msg, ...own });
  const rest = Object.entries(own)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${time.toISOString()} ${level.toUpperCase()} ${msg}${rest ? ` ${rest}` : ""}`;
}

type Sink = (line: string, level: LogLevel) => void;

const defaultSink: Sink = (line, level) => {
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

let sink: Sink = defaultSink;

/** Sends every line to `next` instead (tests); returns the way back. */
export function setLogSink(next: Sink): () => void {
  sink = next;
  return () => (sink = defaultSink);
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The least level written: OUTPORT_LOG_LEVEL, else info (warn under tests, to keep their output short). */
export function minLevel(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const chosen = env.OUTPORT_LOG_LEVEL;
  if (chosen === "debug" || chosen === "info" || chosen === "warn" || chosen === "error") return chosen;
  return env.NODE_ENV === "test" || env.VITEST ? "warn" : "info";
}

function write(level: LogLevel, msg: string, fields?: LogFields): void {
  if (sink === defaultSink && LEVELS[level] < LEVELS[minLevel()]) return;
  try {
    sink(formatLine(level, msg, fields), level);
  } catch {
    // A log line that cannot be written never breaks the work it describes.
  }
}

export const log = {
  debug: (msg: string, fields?: LogFields) => write("debug", msg, fields),
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => write("error", msg, fields),
};
