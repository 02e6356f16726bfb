// The one rule for what a value becomes in a typed column, for every way rows come in
// (demo data, the benchmark dataset, the move of release 1's records, imports): a field of
// PostgreSQL's COPY text format, or null with the reason the value does not fit. It never
// throws and never lets a value PostgreSQL would refuse through, so one bad value cannot
// fail a load of a million rows.
import { safeJson } from "../../export/values";
import type { ColumnType } from "../../export/types";

export type FittedValue = { text: string } | { text: null; reason: string | null };

/** Why a value does not fit its column (copyField's answer for such a value). */
export class Unfit {
  constructor(readonly reason: string) {}
}

/** A COPY text field (`\N` for null), or why the value does not fit. */
export type CopyField = string | Unfit;

/** The COPY text format's null. */
export const NULL_FIELD = "\\N";

/** JSON text PostgreSQL already holds as jsonb (it goes in as it is, every digit kept). */
export class JsonText {
  constructor(readonly text: string) {}
}

const NULL_VALUE: FittedValue = { text: null, reason: null };
// An integer written as BigInt would write it, that a bigint always holds (at most 18
// digits): passed through without a BigInt.
const SHORT_INTEGER = /^(?:-?[1-9]\d{0,17}|0)$/;
const INTEGER = /^[-+]?\d+$/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BIGINT_MAX = 9223372036854775807n;
const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0"]);
// PostgreSQL's numeric keeps up to 131072 digits before the point and 16383 after; a
// longer number is refused, so it is refused here first.
const NUMERIC_MAX_LENGTH = 1000;
// …and an exponent like 1e-20000 it cannot scale to, even when the digits are few.
const MAX_EXPONENT = 1000;

/** COPY text escaping: backslash, and the characters that end a field or a row. */
export function copyText(text: string): string {
  if (!/[\\\n\r\t]/.test(text)) return text;
  return text.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

function refuse(reason: string): Unfit {
  return new Unfit(reason);
}

function describe(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : safeJson(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function validDate(year: number, month: number, day: number): boolean {
  if (year < 1 || year > 9999) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text without NUL (PostgreSQL's text cannot hold it) and with U+FFFD for an unpaired surrogate. */
function storable(text: string): string {
  const withoutNul = text.includes("\u0000") ? text.replaceAll("\u0000", "") : text;
  // isWellFormed is a native scan, far cheaper than the look-around pattern on every value.
  return withoutNul.isWellFormed() ? withoutNul : withoutNul.replace(LONE_SURROGATES, "\uFFFD");
}

const INTEGRAL_DECIMAL = /^([-+]?\d+)\.0*$/;

function integerText(value: unknown): CopyField {
  if (typeof value === "string" && SHORT_INTEGER.test(value)) return value;
  let digits: string | null = null;
  if (typeof value === "number") digits = Number.isInteger(value) ? BigInt(value).toString() : null;
  else if (typeof value === "bigint") digits = value.toString();
  else if (typeof value === "string") {
    const text = value.trim();
    const integral = INTEGRAL_DECIMAL.exec(text)?.[1];
    if (INTEGER.test(text)) digits = BigInt(text).toString();
    else if (integral !== undefined)
      digits = BigInt(integral).toString(); // 12.000: exactly 12
    else if (PLAIN_NUMBER.test(text) && text.length < 40 && Number.isSafeInteger(Number(text)))
      digits = BigInt(Number(text)).toString(); // 1.2e3; beyond 2^53 a double could not say which
  }
  if (digits === null) return refuse(`not a whole number: ${describe(value)}`);
  const n = BigInt(digits);
  if (n > BIGINT_MAX || n < -BIGINT_MAX - 1n) return refuse(`out of the 64-bit range: ${describe(value)}`);
  return digits;
}

function numberText(value: unknown): CopyField {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : refuse("not finite");
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") {
    const text = value.trim();
    const exponent = /[eE]([-+]?\d+)$/.exec(text)?.[1];
    if (
      PLAIN_NUMBER.test(text) &&
      text.length <= NUMERIC_MAX_LENGTH &&
      Number.isFinite(Number(text)) &&
      (exponent === undefined || Math.abs(Number(exponent)) <= MAX_EXPONENT)
    )
      return text;
  }
  return refuse(`not a number: ${describe(value)}`);
}

// The common shapes of dates and UTC date-times, checked by arithmetic instead of a Date
// (a Date per value cost a second or two per million): the same answers as the general
// path below, which takes everything else.
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PLAIN_UTC = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{3})?Z$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function plainDateValid(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!);
}

function dateText(value: unknown): CopyField {
  if (typeof value === "string") {
    const plain = PLAIN_DATE.exec(value);
    if (plain && plainDateValid(Number(plain[1]), Number(plain[2]), Number(plain[3]))) return value;
    const match = ISO_DATE.exec(value.trim());
    if (match) {
      return validDate(Number(match[1]), Number(match[2]), Number(match[3]))
        ? value.trim()
        : refuse(`not a calendar date: ${describe(value)}`);
    }
  }
  const date = instant(value);
  if (date) return date.toISOString().slice(0, 10);
  return refuse(`not a date: ${describe(value)}`);
}

/** The instant a value names, within years 1–9999, or null. */
// An ISO date-time that names no zone (`2024-01-01 10:00`): read as UTC, as the rest of
// Outport shows date-times, never in whatever zone the server happens to run in.
const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

function instant(value: unknown): Date | null {
  let date: Date | null = null;
  if (value instanceof Date) date = value;
  else if (typeof value === "string" && value.trim() !== "") {
    const text = value.trim();
    date = new Date(ZONELESS.test(text) ? `${text.replace(" ", "T")}Z` : text);
  } else if (typeof value === "number" && Number.isFinite(value)) date = new Date(value);
  if (!date || Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : null;
}

function dateTimeText(value: unknown): CopyField {
  if (typeof value === "string") {
    const plain = PLAIN_UTC.exec(value);
    if (plain && plainDateValid(Number(plain[1]), Number(plain[2]), Number(plain[3]))) {
      return plain[7] ? value : `${value.slice(0, -1)}.000Z`;
    }
  }
  const date = instant(value);
  return date ? date.toISOString() : refuse(`not a date-time: ${describe(value)}`);
}

function booleanText(value: unknown): CopyField {
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number" && Number.isFinite(value)) return value !== 0 ? "t" : "f";
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return "t";
    if (FALSE_WORDS.has(word)) return "f";
  }
  return refuse(`not true or false: ${describe(value)}`);
}

function stringText(value: unknown): CopyField {
  if (typeof value === "string") return copyText(storable(value));
  if (typeof value === "object") return copyText(storable(safeJson(value)));
  return copyText(String(value));
}

/** A value as JSON PostgreSQL's jsonb takes: strings and keys without NUL or unpaired surrogates, no cycles. */
function storableJsonText(value: unknown): string {
  const seen = new WeakSet<object>();
  const clean = (v: unknown): unknown => {
    if (typeof v === "string") return storable(v);
    if (typeof v === "bigint") return v.toString();
    if (v === null || typeof v !== "object") return v;
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (seen.has(v)) return "[Circular]";
    seen.add(v);
    if (Array.isArray(v)) return v.map(clean);
    return Object.fromEntries(Object.entries(v).map(([key, inner]) => [storable(key), clean(inner)]));
  };
  return JSON.stringify(clean(value)) ?? "";
}

function jsonText(value: unknown): CopyField {
  if (value instanceof JsonText) return copyText(value.text);
  const text = storableJsonText(value);
  return text === "" ? refuse(`not JSON: ${describe(value)}`) : copyText(text);
}

const FITTERS: Readonly<Record<ColumnType, (value: unknown) => CopyField>> = {
  string: stringText,
  integer: integerText,
  number: numberText,
  date: dateText,
  datetime: dateTimeText,
  boolean: booleanText,
  json: jsonText,
};

/** A value as a COPY text field of its column's type; null (missing or JSON null) is `\N` with no reason. */
export function fitValue(value: unknown, type: ColumnType): FittedValue {
  if (value === null || value === undefined) return NULL_VALUE;
  const field = FITTERS[type](value);
  return typeof field === "string" ? { text: field } : { text: null, reason: field.reason };
}

/**
 * The same rule as fitValue for the COPY paths, where it runs for every value of a load:
 * the field itself (`\N` for null), or an Unfit with the reason. Nothing is allocated for
 * a value that fits as it is.
 */
export function copyField(value: unknown, type: ColumnType): CopyField {
  if (value === null || value === undefined) return NULL_FIELD;
  return FITTERS[type](value);
}
