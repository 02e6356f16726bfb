// An audit event's details as a reviewer reads them, in the reader's language: sizes as
// "582.6 KB", durations as "1.2 s", counts with thousands separators, formats by their
// registry label, message keys translated, booleans as Yes / No and a change as
// "before → after". A key this module does not know is still shown, as key: value.
import { FORMATS } from "../export/formats";
import { formatFileSize } from "../format-size";
import { formatNumber, isMessageKey, translate, type Locale, type MessageKey } from "../i18n";

export type DetailLine = { key: string; label: string; text: string };

type Kind = "size" | "duration" | "seconds" | "count" | "format" | "filters" | "message" | "delivery" | "role";

const KINDS: Readonly<Record<string, Kind>> = {
  bytes: "size",
  bytes_freed: "size",
  duration_ms: "duration",
  retryAfterSeconds: "seconds",
  rows: "count",
  records: "count",
  processed_rows: "count",
  skipped: "count",
  rejected: "count",
  warnings: "count",
  columns: "count",
  exports: "count",
  files: "count",
  limit: "count",
  events: "count",
  format: "format",
  filters: "filters",
  error: "message",
  reason: "message",
  delivery: "delivery",
  role: "role",
};

/** The keys this module has words for, in the order a reviewer reads them (the rest follow by name). */
const ORDER = [
  "format",
  "delivery",
  "filters",
  "rows",
  "records",
  "processed_rows",
  "skipped",
  "rejected",
  "warnings",
  "columns",
  "bytes",
  "bytes_freed",
  "duration_ms",
  "error",
  "reason",
  "outcome",
  "status",
  "was",
  "title",
  "name",
  "email",
  "role",
  "active",
  "scope",
  "expires_at",
  "file_name",
  "mode",
  "exports",
  "files",
  "events",
  "job_id",
  "retry_of",
  "attempt",
  "one_time_password",
  "file_removed",
  "required",
  "trigger",
  "limit",
  "retryAfterSeconds",
  "changes",
  "cron",
  "timezone",
  "recipients",
  "enabled",
  "slot_at",
  "run_id",
  "attempts",
  "attached",
  "dataset_title",
  "dataset_id",
  "owner_id",
  "user_id",
  "token_id",
] as const;

const LABELS: Readonly<Record<string, MessageKey>> = Object.fromEntries(
  ORDER.map((key) => [key, `audit.detail.${key}` satisfies MessageKey]),
);
const RANK: Readonly<Record<string, number>> = Object.fromEntries(ORDER.map((key, i) => [key, i]));

function byReadingOrder([a]: [string, unknown], [b]: [string, unknown]): number {
  return (RANK[a] ?? ORDER.length) - (RANK[b] ?? ORDER.length) || a.localeCompare(b);
}

/** A duration as people read it: "350 ms", "1.2 s", "2 min 5 s". */
export function formatDuration(locale: Locale, ms: number): string {
  if (ms < 1000) return translate(locale, "audit.duration.ms", { value: formatNumber(locale, Math.round(ms)) });
  if (ms < 60_000) {
    const seconds = new Intl.NumberFormat(locale === "ko" ? "ko-KR" : "en-US", {
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    }).format(ms / 1000);
    return translate(locale, "audit.duration.s", { value: seconds });
  }
  const total = Math.round(ms / 1000);
  return translate(locale, "audit.duration.min", {
    minutes: formatNumber(locale, Math.floor(total / 60)),
    seconds: total % 60,
  });
}

function plainText(locale: Locale, value: unknown): string {
  if (value === null || value === undefined) return translate(locale, "audit.value.none");
  if (typeof value === "boolean") return translate(locale, value ? "value.yes" : "value.no");
  if (typeof value === "string") return isMessageKey(value) ? translate(locale, value) : value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map((item) => plainText(locale, item)).join(", ");
  return JSON.stringify(value) ?? "";
}

function valueText(locale: Locale, kind: Kind | undefined, value: unknown): string {
  if (typeof value === "number" && Number.isFinite(value)) {
    if (kind === "size") return formatFileSize(value);
    if (kind === "duration") return formatDuration(locale, value);
    if (kind === "seconds") return formatDuration(locale, value * 1000);
    if (kind === "count") return formatNumber(locale, value);
  }
  if (kind === "filters" && isRecord(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return translate(locale, "pdf.noFilters");
    return entries.map(([key, item]) => `${key}: ${plainText(locale, item)}`).join(", ");
  }
  if (typeof value === "string") {
    if (kind === "format" && Object.hasOwn(FORMATS, value)) return FORMATS[value as keyof typeof FORMATS].label;
    if (kind === "filters" && (value === "" || value === "none")) return translate(locale, "pdf.noFilters");
    if (kind === "delivery" && (value === "direct" || value === "job")) return translate(locale, `delivery.${value}`);
    if (kind === "role" && (value === "admin" || value === "manager" || value === "viewer")) {
      return translate(locale, `role.${value}`);
    }
  }
  return plainText(locale, value);
}

function labelOf(locale: Locale, key: string): string {
  const label = LABELS[key];
  return label ? translate(locale, label) : key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `{ before: {role: "manager"}, after: {role: "viewer"} }` → one line per field changed. */
function changeLines(locale: Locale, before: Record<string, unknown>, after: Record<string, unknown>): DetailLine[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((key) => {
    const kind = KINDS[key];
    return {
      key,
      label: labelOf(locale, key),
      text: `${valueText(locale, kind, before[key])} → ${valueText(locale, kind, after[key])}`,
    };
  });
}

type Change = { before: unknown; after: unknown };

/** Whether a value is one change: `{ before, after }` and nothing else. */
function isChange(value: unknown): value is Change {
  return isRecord(value) && Object.keys(value).length === 2 && "before" in value && "after" in value;
}

/** Whether a value maps fields to their changes (a dataset's `changes`). */
function isChanges(value: unknown): value is Record<string, Change> {
  return isRecord(value) && Object.values(value).every(isChange);
}

/**
 * The details of one event, one line per key (a change of several fields gives a line each);
 * an id `names` has a name for (a user, a dataset) shows that name.
 */
export function presentDetails(
  locale: Locale,
  details: unknown,
  names: Readonly<Record<string, string>> = {},
): DetailLine[] {
  if (details === null || details === undefined) return [];
  if (!isRecord(details)) return [{ key: "", label: "", text: plainText(locale, details) }];
  const lines: DetailLine[] = [];
  const { before, after, ...rest } = details;
  if (isRecord(before) && isRecord(after)) lines.push(...changeLines(locale, before, after));
  else {
    if (before !== undefined) rest.before = before;
    if (after !== undefined) rest.after = after;
  }
  for (const [key, value] of Object.entries(rest).sort(byReadingOrder)) {
    if (key === "changes" && isChanges(value)) {
      for (const [field, change] of Object.entries(value)) {
        const kind = KINDS[field];
        const text = `${valueText(locale, kind, change.before)} → ${valueText(locale, kind, change.after)}`;
        lines.push({ key: `changes.${field}`, label: labelOf(locale, field), text });
      }
      continue;
    }
    const name = Object.hasOwn(names, key) ? names[key] : undefined;
    lines.push({ key, label: labelOf(locale, key), text: name ?? valueText(locale, KINDS[key], value) });
  }
  return lines;
}

/** The details as one line of text ("Rows: 3,500; Size: 582.6 KB"), for the CSV export. */
export function detailsText(locale: Locale, details: unknown, names?: Readonly<Record<string, string>>): string {
  return presentDetails(locale, details, names)
    .map((line) => (line.label ? `${line.label}: ${line.text}` : line.text))
    .join("; ");
}
