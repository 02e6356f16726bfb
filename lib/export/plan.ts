// Options checked against the dataset they apply to: every column named must exist,
// every filter must suit its column's type, sensitive columns stay redacted unless the
// caller may and asks to see them. The result is the plan the row source executes.
import type { FilterOp, TExportOptions, TFilter } from "./options";
import { FILTER_OPS_BY_TYPE, ZIsoDateSchema } from "./options";
import type { ColumnType, ExportColumn } from "./types";

export type FieldError = { field: string; message: string };

/** Options that do not fit the dataset: answered 422 with every field named. */
export class ExportOptionsError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "ExportOptionsError";
  }
}

export type DatasetColumnDef = { key: string; label: string; type: ColumnType; sensitive: boolean };

export type PlannedColumn = ExportColumn & {
  /** Read as "[REDACTED]" and never fetched from the database. */
  redacted: boolean;
};

export type FilterValue = string | number | boolean;

export type PlannedFilter =
  | { column: string; type: ColumnType; op: Exclude<FilterOp, "in" | "between" | "is_null">; value: FilterValue }
  | { column: string; type: ColumnType; op: "in"; values: FilterValue[] }
  | { column: string; type: ColumnType; op: "between"; values: [FilterValue, FilterValue] }
  | { column: string; type: ColumnType; op: "is_null"; isNull: boolean };

export type PlannedDateRange = { column: string; type: "date" | "datetime"; start?: string; end?: string };

export type ExportPlan = {
  columns: PlannedColumn[];
  filters: PlannedFilter[];
  filterMode: "all" | "any";
  dateRange: PlannedDateRange | null;
};

export const REDACTED = "[REDACTED]";

const ORDERED_TYPES: ReadonlySet<ColumnType> = new Set(["integer", "number", "date", "datetime", "string"]);

const MAX_IN_VALUES = 1000;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Normalises a datetime filter value to the stored form, `YYYY-MM-DDTHH:MM:SSZ` (UTC). */
function normalizeDateTime(text: string): string | null {
  if (!ISO_DATETIME.test(text) && !ZIsoDateSchema.safeParse(text).success) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text);
  const date = new Date(hasZone ? text : `${text.replace(" ", "T")}${text.length === 10 ? "T00:00:00" : ""}Z`);
  if (Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString().replace(/\.\d{3}Z$/, "Z");
  // In UTC still within years 0001–9999 (the range a date-time column holds).
  return /^\d{4}-/.test(iso) && !iso.startsWith("0000") ? iso : null;
}

/** A filter value of the column's type, or the reason it is not one. */
function typedValue(
  value: unknown,
  type: ColumnType,
): { ok: true; value: FilterValue } | { ok: false; reason: string } {
  switch (type) {
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value)
        ? { ok: true, value }
        : { ok: false, reason: "must be a whole number" };
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, reason: "must be a number" };
    case "boolean":
      return typeof value === "boolean" ? { ok: true, value } : { ok: false, reason: "must be true or false" };
    case "date":
      return typeof value === "string" && ZIsoDateSchema.safeParse(value).success
        ? { ok: true, value }
        : { ok: false, reason: "must be a date (YYYY-MM-DD)" };
    case "datetime": {
      const normalized = typeof value === "string" ? normalizeDateTime(value) : null;
      return normalized
        ? { ok: true, value: normalized }
        : { ok: false, reason: "must be a date-time (ISO 8601, years 0001–9999 in UTC)" };
    }
    case "string":
      return typeof value === "string" ? { ok: true, value } : { ok: false, reason: "must be text" };
    default:
      return { ok: false, reason: `cannot filter a ${type} column by value` };
  }
}

function compare(a: FilterValue, b: FilterValue): number {
  return typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b));
}

function planFilter(
  filter: TFilter,
  index: number,
  column: DatasetColumnDef,
  errors: FieldError[],
): PlannedFilter | null {
  const field = `filters.${index}`;
  const { op, value } = filter;
  if (!FILTER_OPS_BY_TYPE[column.type].includes(op)) {
    errors.push({ field: `${field}.op`, message: `${op} does not apply to ${column.type} column "${column.key}"` });
    return null;
  }
  if ((op === "contains" || op === "starts_with") && column.type !== "string") {
    errors.push({ field: `${field}.op`, message: `${op} applies to text columns only` });
    return null;
  }
  if (["lt", "lte", "gt", "gte", "between"].includes(op) && !ORDERED_TYPES.has(column.type)) {
    errors.push({ field: `${field}.op`, message: `${column.type} values cannot be ordered` });
    return null;
  }
  const base = { column: column.key, type: column.type };
  if (op === "is_null") {
    if (value !== undefined && typeof value !== "boolean") {
      errors.push({ field: `${field}.value`, message: "must be true, false or left out" });
      return null;
    }
    return { ...base, op, isNull: value !== false };
  }
  if (op === "in" || op === "between") {
    const expected =
      op === "between" ? "must be a list of two values [low, high]" : `must be a list of 1 to ${MAX_IN_VALUES} values`;
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      value.length > MAX_IN_VALUES ||
      (op === "between" && value.length !== 2)
    ) {
      errors.push({ field: `${field}.value`, message: expected });
      return null;
    }
    const values: FilterValue[] = [];
    for (const [i, item] of value.entries()) {
      const typed = typedValue(item, column.type);
      if (!typed.ok) {
        errors.push({ field: `${field}.value.${i}`, message: typed.reason });
        return null;
      }
      values.push(typed.value);
    }
    if (op === "between") {
      const [low, high] = values as [FilterValue, FilterValue];
      if (compare(low, high) > 0) {
        errors.push({ field: `${field}.value`, message: "the low end must not be above the high end" });
        return null;
      }
      return { ...base, op, values: [low, high] };
    }
    return { ...base, op, values };
  }
  if (value === undefined || value === null) {
    errors.push({ field: `${field}.value`, message: "is required" });
    return null;
  }
  const typed = typedValue(value, column.type);
  if (!typed.ok) {
    errors.push({ field: `${field}.value`, message: typed.reason });
    return null;
  }
  // An empty text is a value a dataset can hold, and `eq ""` finds it; "contains nothing"
  // means nothing. (The options dialog asks for a value whatever the operator: an empty box
  // there is a value forgotten, as `Student ID equals ""` once was.)
  if ((op === "contains" || op === "starts_with") && String(typed.value).length === 0) {
    errors.push({ field: `${field}.value`, message: "must not be empty" });
    return null;
  }
  return { ...base, op, value: typed.value };
}

export function planExport(
  options: TExportOptions,
  dataset: { columns: readonly DatasetColumnDef[]; dateColumn: string | null },
  access: { mayIncludeSensitive: boolean },
): ExportPlan {
  const errors: FieldError[] = [];
  const byKey = new Map(dataset.columns.map((column) => [column.key, column]));
  const showSensitive = access.mayIncludeSensitive && options.include_sensitive;

  const keys = options.columns ?? dataset.columns.map((column) => column.key);
  const seen = new Set<string>();
  keys.forEach((key, index) => {
    if (!byKey.has(key)) errors.push({ field: `columns.${index}`, message: `unknown column "${key}"` });
    else if (seen.has(key)) errors.push({ field: `columns.${index}`, message: `column "${key}" is named twice` });
    seen.add(key);
  });
  for (const key of Object.keys(options.rename ?? {})) {
    if (!byKey.has(key)) errors.push({ field: `rename.${key}`, message: `unknown column "${key}"` });
    else if (!seen.has(key)) errors.push({ field: `rename.${key}`, message: `column "${key}" is not exported` });
  }

  const filters: PlannedFilter[] = [];
  options.filters.forEach((filter, index) => {
    const column = byKey.get(filter.column);
    if (!column) {
      errors.push({ field: `filters.${index}.column`, message: `unknown column "${filter.column}"` });
      return;
    }
    if (column.sensitive && !showSensitive) {
      errors.push({
        field: `filters.${index}.column`,
        message: `"${filter.column}" is sensitive and cannot be filtered on`,
      });
      return;
    }
    const planned = planFilter(filter, index, column, errors);
    if (planned) filters.push(planned);
  });

  let dateRange: PlannedDateRange | null = null;
  const range = options.date_range;
  if (range && (range.start || range.end)) {
    const key = range.column ?? dataset.dateColumn;
    const column = key ? byKey.get(key) : undefined;
    if (!key) errors.push({ field: "date_range.column", message: "this dataset has no default date column: name one" });
    else if (!column) errors.push({ field: "date_range.column", message: `unknown column "${key}"` });
    else if (column.type !== "date" && column.type !== "datetime") {
      errors.push({ field: "date_range.column", message: `"${key}" is not a date or date-time column` });
    } else if (column.sensitive && !showSensitive) {
      // Row counts over chosen ranges would tell a sensitive column's values one by one.
      errors.push({ field: "date_range.column", message: `"${key}" is sensitive and cannot be filtered on` });
    } else {
      dateRange = { column: key, type: column.type, start: range.start, end: range.end };
    }
  }

  if (errors.length > 0) throw new ExportOptionsError(errors);
  return {
    columns: keys.map((key) => {
      const column = byKey.get(key) as DatasetColumnDef;
      const redacted = column.sensitive && !showSensitive;
      return {
        key,
        header: options.rename?.[key] ?? column.label,
        type: redacted ? "string" : column.type,
        redacted,
      };
    }),
    filters,
    filterMode: options.filter_mode,
    dateRange,
  };
}

/**
 * A one-line, human summary of what was filtered, for the "Export info" sheet, the PDF and
 * the audit trail. Values compared with a column `masked` names are written `[REDACTED]`
 * (the audit keeps no sensitive value, whoever filtered on it).
 */
export function describeFilters(plan: ExportPlan, masked: (column: string) => boolean = () => false): string {
  const parts: string[] = [];
  if (plan.dateRange) {
    const hide = masked(plan.dateRange.column);
    const end = (value: string | undefined) => (value === undefined ? "…" : hide ? REDACTED : value);
    parts.push(`${plan.dateRange.column} ${end(plan.dateRange.start)} – ${end(plan.dateRange.end)}`);
  }
  const shown = plan.filters.map((f) => {
    if (f.op === "is_null") return `${f.column} ${f.isNull ? "is empty" : "is not empty"}`;
    const v = (value: FilterValue) => (masked(f.column) ? REDACTED : value);
    if (f.op === "in") return `${f.column} in (${masked(f.column) ? REDACTED : f.values.join(", ")})`;
    if (f.op === "between") return `${f.column} between ${v(f.values[0])} and ${v(f.values[1])}`;
    return `${f.column} ${f.op} ${v(f.value)}`;
  });
  if (shown.length > 0) parts.push(shown.join(plan.filterMode === "any" ? " OR " : " AND "));
  return parts.length > 0 ? parts.join("; ") : "none";
}
