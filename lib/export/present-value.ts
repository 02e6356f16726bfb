// How a value reads to a person: the one rule for the dataset preview and the PDF (both
// call presentValue), and the date-time formatting of pages (formatWhen). Files meant for
// programs keep machine values (values.ts): CSV and JSON write true/false, the exact
// number and ISO dates; Excel holds real booleans, numbers and dates.
//
// Pure and free of the runtime's locale data: Node may carry English-only ICU, a browser
// carries all of it, and a page rendered on one and hydrated on the other must read the
// same. So the words and patterns are written here, and Intl is used only for the time
// zone arithmetic, which every build has.
import { displayText, isoDateTime, zonedParts, type ValueOptions } from "./values";
import type { ColumnType } from "./types";

export type PresentLabels = { yes: string; no: string };
export type PresentOptions = ValueOptions & { labels: PresentLabels };

const PLAIN_DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Decimal columns show at least this many decimals (Excel's `#,##0.00` shows the same). */
export const DECIMAL_SCALE = 2;

/** "1234567.5" → "1,234,567.5": digits grouped, the value's own decimals kept. */
export function groupDigits(text: string): string {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return text;
  const whole = match[2]!.length > 3 ? match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : match[2]!;
  return match[3] === undefined ? `${match[1]}${whole}` : `${match[1]}${whole}.${match[3]}`;
}

/** "154.9" → "154.90", "95" → "95.00"; more decimals than the scale are kept, never rounded away. */
export function withScale(text: string, scale = DECIMAL_SCALE): string {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return text; // 1e+21, or text that is no number: shown as it is
  const decimals = (match[3] ?? "").padEnd(scale, "0");
  return `${match[1]}${match[2]}.${decimals}`;
}

/** "+09:00" style offset of an instant in a zone; "UTC" for UTC itself. */
function zoneMarker(iso: string): string {
  return iso.endsWith("Z") ? "UTC" : iso.slice(-6);
}

/** A date-time cell: `YYYY-MM-DD HH:MM:SS` in the zone, then the zone ("UTC" or "+09:00"). */
function presentDateTime(text: string, value: unknown, timezone: string): string {
  const date =
    value instanceof Date ? value : new Date(typeof value === "string" || typeof value === "number" ? value : NaN);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text)) return text;
  return `${text} ${zoneMarker(isoDateTime(date, timezone))}`;
}

/** A value as the preview and the PDF show it. */
export function presentValue(value: unknown, type: ColumnType, options: PresentOptions): string {
  if (value === null || value === undefined) return "";
  const text = displayText(value, type, options);
  switch (type) {
    case "integer":
      return groupDigits(text);
    case "number":
      return groupDigits(withScale(text));
    case "boolean":
      return text === "true" ? options.labels.yes : text === "false" ? options.labels.no : text;
    case "datetime":
      return presentDateTime(text, value, options.timezone);
    default:
      return text;
  }
}

const EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A moment as pages show it, in the reader's language and zone:
 * en "Dec 1, 2026, 7:32 AM", ko "2026년 12월 1일 오전 7:32". "" for no or a broken value.
 */
export function formatWhen(
  value: Date | string | number | null | undefined,
  locale: string,
  timeZone: string,
  { seconds = false }: { seconds?: boolean } = {},
): string {
  if (value === null || value === undefined) return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const p = zonedParts(date, timeZone);
  const minute = String(p.minute).padStart(2, "0") + (seconds ? `:${String(p.second).padStart(2, "0")}` : "");
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  if (locale === "ko")
    return `${p.year}년 ${p.month}월 ${p.day}일 ${p.hour < 12 ? "오전" : "오후"} ${hour12}:${minute}`;
  return `${EN_MONTHS[p.month - 1]} ${p.day}, ${p.year}, ${hour12}:${minute} ${p.hour < 12 ? "AM" : "PM"}`;
}
