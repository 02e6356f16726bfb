// The export flags as the API's options object: `--filter 'amount<0'` → {column, op, value}
// (values typed by the column's type when the dataset is known), `--rename a=A`, the date
// range, gzip. The server checks the result; this only has to say what was meant.
import { CliError, EXIT } from "./errors";
import { t } from "./messages";

export const FORMATS = ["csv", "excel", "pdf", "json", "ndjson", "parquet"] as const;
export type Format = (typeof FORMATS)[number];

const OPS = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "contains", "starts_with", "is_null", "between"] as const;
type Op = (typeof OPS)[number];

export type Filter = { column: string; op: Op; value?: unknown };
export type ColumnInfo = { key: string; type: string };

/** Symbols, longest first so `<=` is not read as `<`. */
const SYMBOLS: ReadonlyArray<[string, Op]> = [
  ["<=", "lte"],
  [">=", "gte"],
  ["!=", "ne"],
  ["==", "eq"],
  ["^=", "starts_with"],
  ["<", "lt"],
  [">", "gt"],
  ["=", "eq"],
  ["~", "contains"],
];

export function parseFormats(text: string): Format[] {
  const formats = text
    .split(",")
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)
    .map((f) => (f === "xlsx" ? "excel" : f));
  if (formats.length === 0) throw new CliError(t("cli.error.badFormat", { format: text }), EXIT.usage);
  for (const format of formats) {
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new CliError(t("cli.error.badFormat", { format }), EXIT.usage);
    }
  }
  return [...new Set(formats)] as Format[];
}

/**
 * One `--filter`: `column<value` (and `<= > >= = == != ~ ^=`), or `column:op[:value]` for
 * any operator, where `in` and `between` take comma-separated values and `is_null` an
 * optional true/false. A value in double quotes is text as it stands.
 */
export function parseFilter(text: string, columns: readonly ColumnInfo[] = []): Filter {
  const generic = /^([^:<>=!~^\s]+):([a-z_]+)(?::(.*))?$/s.exec(text.trim());
  if (generic) {
    const [, column = "", opText = "", raw] = generic;
    if (!(OPS as readonly string[]).includes(opText))
      throw new CliError(t("cli.error.badOp", { op: opText }), EXIT.usage);
    const op = opText as Op;
    const type = columns.find((c) => c.key === column)?.type;
    if (op === "is_null") return raw === undefined ? { column, op } : { column, op, value: toBoolean(raw) ?? raw };
    if (raw === undefined) throw new CliError(t("cli.error.badFilter", { filter: text }), EXIT.usage);
    if (op === "in" || op === "between") {
      return { column, op, value: splitList(raw).map((v) => typed(v, type)) };
    }
    return { column, op, value: typed(raw, type) };
  }
  for (let i = 0; i < text.length; i++) {
    const match = SYMBOLS.find(([symbol]) => text.startsWith(symbol, i));
    if (!match) continue;
    const [symbol, op] = match;
    const column = text.slice(0, i).trim();
    const raw = text.slice(i + symbol.length).trim();
    if (!column || raw === "") break;
    const type = columns.find((c) => c.key === column)?.type;
    // contains and starts_with are text operators: the value stays text.
    return { column, op, value: op === "contains" || op === "starts_with" ? unquote(raw) : typed(raw, type) };
  }
  throw new CliError(t("cli.error.badFilter", { filter: text }), EXIT.usage);
}

function splitList(text: string): string[] {
  return text.split(",").map((v) => v.trim());
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function toBoolean(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === "true" || lower === "yes" || lower === "1") return true;
  if (lower === "false" || lower === "no" || lower === "0") return false;
  return undefined;
}

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A value as the column's type takes it; without the type, numbers and booleans are guessed. */
export function typed(raw: string, type: string | undefined): unknown {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) return raw.slice(1, -1);
  switch (type) {
    case "integer":
    case "number":
      return NUMERIC.test(raw) ? Number(raw) : raw;
    case "boolean":
      return toBoolean(raw) ?? raw;
    case "string":
    case "date":
    case "datetime":
    case "json":
      return raw;
    default:
      if (NUMERIC.test(raw)) return Number(raw);
      return raw === "true" ? true : raw === "false" ? false : raw;
  }
}

export function parseRename(items: readonly string[]): Record<string, string> | undefined {
  if (items.length === 0) return undefined;
  const rename: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf("=");
    const key = item.slice(0, at).trim();
    const header = item.slice(at + 1);
    if (at <= 0 || !key || !header.trim()) throw new CliError(t("cli.error.badRename", { rename: item }), EXIT.usage);
    rename[key] = header;
  }
  return rename;
}

export type ExportFlags = {
  columns?: string;
  rename?: string[];
  filter?: string[];
  any?: boolean;
  from?: string;
  to?: string;
  dateColumn?: string;
  gzip?: boolean;
  delimiter?: string;
  timezone?: string;
  includeSensitive?: boolean;
};

/** The options object for POST /api/export/async (only what the flags set: the rest is the server's default). */
export function buildOptions(flags: ExportFlags, columns: readonly ColumnInfo[] = []): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (flags.columns) {
    options.columns = flags.columns
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
  }
  const rename = parseRename(flags.rename ?? []);
  if (rename) options.rename = rename;
  if (flags.from || flags.to || flags.dateColumn) {
    options.date_range = {
      ...(flags.dateColumn ? { column: flags.dateColumn } : {}),
      ...(flags.from ? { start: flags.from } : {}),
      ...(flags.to ? { end: flags.to } : {}),
    };
  }
  const filters = (flags.filter ?? []).map((f) => parseFilter(f, columns));
  if (filters.length > 0) options.filters = filters;
  if (flags.any) options.filter_mode = "any";
  if (flags.gzip) options.compression = "gzip";
  if (flags.delimiter) options.delimiter = flags.delimiter;
  if (flags.timezone) options.timezone = flags.timezone;
  if (flags.includeSensitive) options.include_sensitive = true;
  return options;
}
