// The one place that turns any value into what a file holds: text for CSV, JSON values,
// Excel cells, Parquet values. It never throws: a value that does not fit its column
// type is written as faithfully as possible and reported through `warn`.
import { neutralizeCsvText } from "./formula";
import type { ColumnType } from "./types";

export type Warn = (message: string) => void;
const ignore: Warn = () => {};

/** JSON.stringify that survives cycles ("[Circular]") and bigint (digits). */
export function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, function replacer(_key, v: unknown) {
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[Circular]";
      seen.add(v);
    }
    return v;
  });
  return text ?? "";
}

/** Decimal.js, Prisma.Decimal and friends: exact through their own toString(). */
function isDecimalLike(value: object): value is { toString(): string } {
  const candidate = value as { toFixed?: unknown; constructor?: { name?: string } };
  return typeof candidate.toFixed === "function" && /decimal/i.test(candidate.constructor?.name ?? "");
}

const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A year as four digits (0999), as ISO 8601 and PostgreSQL write it. */
function pad4(n: number): string {
  return n >= 1000 ? String(n) : String(n).padStart(4, "0");
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock parts of an instant in a time zone. */
export function zonedParts(date: Date, timezone: string) {
  if (timezone === "UTC") {
    return {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
  }
  let formatter = zoneFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    zoneFormatters.set(timezone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(date)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** Whether a string names a time zone this runtime knows. */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return null;
    // The parser rolls 2025-02-30 over into March: a day that does not exist is no date.
    const day = typeof value === "string" ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
    if (day && Number.isNaN(utcDayMs(Number(day[1]), Number(day[2]), Number(day[3])))) return null;
    return date;
  }
  return null;
}

/** `YYYY-MM-DD HH:MM:SS` in the time zone. */
export function formatDateTime(date: Date, timezone: string): string {
  const p = zonedParts(date, timezone);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
}

/**
 * How far a zone's clocks are ahead of UTC at an instant, in milliseconds (whole seconds:
 * the local mean times before standard time had offsets such as +8:27:52).
 */
export function zoneOffsetMs(date: Date, timezone: string): number {
  if (timezone === "UTC") return 0;
  return wallClockMs(zonedParts(date, timezone)) - Math.floor(date.getTime() / 1000) * 1000;
}

/** ISO 8601 with the zone's offset, e.g. 2025-05-12T16:28:37+09:00 (Z for UTC). */
export function isoDateTime(date: Date, timezone: string): string {
  if (timezone === "UTC") return date.toISOString().replace(/\.\d{3}Z$/, "Z");
  const p = zonedParts(date, timezone);
  const wall = wallClockMs(p);
  const offsetMinutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

function dateOnly(value: unknown, timezone: string, warn: Warn): string | null {
  if (typeof value === "string" && ISO_DATE.test(value)) return value;
  const date = toDate(value);
  if (!date) {
    warn(`not a date: ${describe(value)}`);
    return null;
  }
  const p = zonedParts(date, timezone);
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}

function describe(value: unknown): string {
  const text =
    typeof value === "string" ? JSON.stringify(value) : typeof value === "object" ? safeJson(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** Any value as plain text (no formula handling): the basis of every text cell. */
function anyToText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Number.isFinite(value) ? String(value) : "";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "";
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
      if (isDecimalLike(value)) return value.toString();
      return safeJson(value);
    default:
      return String(value);
  }
}

type NumberValue = number | bigint | string; // string: an exact decimal kept as text

function toNumber(value: unknown, integer: boolean, warn: Warn): NumberValue | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      warn(`not a finite number: ${value}`);
      return null;
    }
    if (integer && !Number.isInteger(value)) warn(`not a whole number: ${value}`);
    return value;
  }
  if (typeof value === "bigint") return value;
  if (typeof value === "string" && PLAIN_NUMBER.test(value.trim())) {
    const text = value.trim();
    if (integer && /^[-+]?\d+$/.test(text)) {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    return Number(text);
  }
  if (typeof value === "object" && value !== null && isDecimalLike(value)) return value.toString();
  if (typeof value === "boolean") return value ? 1 : 0;
  warn(`not a number: ${describe(value)}`);
  return anyToText(value);
}

function toBoolean(value: unknown, warn: Warn): boolean | string | null {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (["true", "t", "yes", "y", "1"].includes(text)) return true;
    if (["false", "f", "no", "n", "0"].includes(text)) return false;
  }
  if (typeof value === "number") return value !== 0;
  warn(`not a boolean: ${describe(value)}`);
  return anyToText(value);
}

export type ValueOptions = { timezone: string; warn?: Warn };

/** A bigint as a JSON/Excel number when that is exact, else as its digits. */
function numberOrDigits(n: bigint): number | string {
  return Number.isSafeInteger(Number(n)) ? Number(n) : n.toString();
}

/** The instant a date-time value names, or null after a warning. */
function dateTimeOrWarn(value: unknown, warn: Warn): Date | null {
  const date = toDate(value);
  if (!date) warn(`not a date-time: ${describe(value)}`);
  return date;
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * A value as plain text, as a person reads it: ISO dates, `YYYY-MM-DD HH:MM:SS` in the
 * time zone, true/false, "" for null, JSON for objects. No formula handling (PDF text).
 */
export function displayText(value: unknown, type: ColumnType, { timezone, warn = ignore }: ValueOptions): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") {
    if (type === "string") return value;
    if (type === "datetime" && timezone === "UTC" && CANONICAL_UTC.test(value))
      return `${value.slice(0, 10)} ${value.slice(11, 19)}`;
  }
  switch (type) {
    case "integer":
    case "number": {
      const n = toNumber(value, type === "integer", warn);
      return n === null ? "" : String(n);
    }
    case "boolean": {
      const b = toBoolean(value, warn);
      return typeof b === "boolean" ? (b ? "true" : "false") : (b ?? "");
    }
    case "date":
      return dateOnly(value, timezone, warn) ?? anyToText(value);
    case "datetime": {
      const date = dateTimeOrWarn(value, warn);
      return date ? formatDateTime(date, timezone) : anyToText(value);
    }
    case "json":
      return typeof value === "string" ? value : anyToText(value);
    default:
      return anyToText(value);
  }
}

/** CSV text of a value: the display text, formulas neutralised (formula.ts); numbers are never altered. */
export function csvText(value: unknown, type: ColumnType, options: ValueOptions): string {
  // The common case, as the database hands it over, without the general machinery.
  if (typeof value === "string" && type === "string") return neutralizeCsvText(value);
  const text = displayText(value, type, options);
  return (type === "integer" || type === "number") && PLAIN_NUMBER.test(text) ? text : neutralizeCsvText(text);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A value for JSON/NDJSON: typed, ISO dates, objects as objects, never a cycle. */
export function jsonValue(value: unknown, type: ColumnType, { timezone, warn = ignore }: ValueOptions): JsonValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer":
    case "number": {
      const n = toNumber(value, type === "integer", warn);
      return typeof n === "bigint" ? numberOrDigits(n) : n;
    }
    case "boolean":
      return toBoolean(value, warn);
    case "date":
      return dateOnly(value, timezone, warn) ?? anyToText(value);
    case "datetime": {
      const date = dateTimeOrWarn(value, warn);
      return date ? isoDateTime(date, timezone) : anyToText(value);
    }
    case "json": {
      if (typeof value === "string") {
        try {
          return JSON.parse(value) as JsonValue;
        } catch {
          return value;
        }
      }
      return JSON.parse(safeJson(value)) as JsonValue;
    }
    default:
      return anyToText(value);
  }
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Midnight UTC of a calendar day (month 1–12), or NaN when there is no such day. Not
 * Date.UTC, which maps the years 0–99 to 1900–1999 and turns 2025-02-30 into 2 March.
 */
export function utcDayMs(year: number, month: number, day: number): number {
  if (!(month >= 1 && month <= 12 && day >= 1)) return NaN;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return NaN;
  if (year >= 100) return Date.UTC(year, month - 1, day);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/** Zoned wall-clock parts as the UTC instant of the same reading (years 0–99 included). */
function wallClockMs(p: { year: number; month: number; day: number; hour: number; minute: number; second: number }) {
  return utcDayMs(p.year, p.month, p.day) + p.hour * 3_600_000 + p.minute * 60_000 + p.second * 1000;
}

export type ExcelValue = string | number | boolean | Date | null;

/**
 * A value for an Excel cell: numbers as numbers, dates as real dates (wall-clock time in
 * the time zone, as Excel has none), text as text — never a formula. Text a spreadsheet
 * could take for one is kept as it is and given the Text cell format by the writer
 * (formats/xlsx.ts), so it stays text even when someone edits the cell.
 */
export function excelValue(value: unknown, type: ColumnType, { timezone, warn = ignore }: ValueOptions): ExcelValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer":
    case "number": {
      const n = toNumber(value, type === "integer", warn);
      if (typeof n === "bigint") return numberOrDigits(n);
      return typeof n === "string" && PLAIN_NUMBER.test(n) ? Number(n) : n;
    }
    case "boolean":
      return toBoolean(value, warn);
    case "date": {
      const text = dateOnly(value, timezone, warn);
      const match = text ? ISO_DATE.exec(text) : null;
      if (!match) return anyToText(value);
      const ms = utcDayMs(Number(match[1]), Number(match[2]), Number(match[3]));
      if (Number.isNaN(ms)) {
        warn(`not a date: ${describe(value)}`);
        return anyToText(value);
      }
      return new Date(ms);
    }
    case "datetime": {
      const date = dateTimeOrWarn(value, warn);
      if (!date) return anyToText(value);
      const p = zonedParts(date, timezone);
      return new Date(wallClockMs(p));
    }
    default:
      return anyToText(value);
  }
}

export type ParquetValue = string | number | bigint | boolean | Date | null;

/** A value for a typed Parquet column (see formats/parquet.ts for the column types). */
export function parquetValue(
  value: unknown,
  type: ColumnType,
  { timezone, warn = ignore }: ValueOptions,
): ParquetValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer": {
      const n = toNumber(value, true, warn);
      if (typeof n === "bigint") return n;
      if (typeof n === "number" && Number.isInteger(n)) return BigInt(n);
      return null; // not representable in an INT64 column; already warned
    }
    case "number": {
      const n = toNumber(value, false, warn);
      if (typeof n === "number") return n;
      if (typeof n === "bigint" || (typeof n === "string" && PLAIN_NUMBER.test(n))) return Number(n);
      return null;
    }
    case "boolean": {
      const b = toBoolean(value, warn);
      return typeof b === "boolean" ? b : null;
    }
    case "date":
      return dateOnly(value, timezone, warn);
    case "datetime":
      return dateTimeOrWarn(value, warn);
    default:
      return anyToText(value);
  }
}
