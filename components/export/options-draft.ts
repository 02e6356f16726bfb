// The options dialog's editable state and its translation to the export options that
// the API validates (lib/export/options.ts). Only what differs from the defaults is sent.
import type { FilterOp, TExportOptions, TExportOptionsInput } from "@/lib/export/options";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { isValidTimezone } from "@/lib/export/values";
import type { MessageKey } from "@/lib/i18n";
import { browserTimeZone } from "../i18n/local-time";

export type DraftColumn = { key: string; label: string; selected: boolean; rename: string };
export type DraftFilter = { id: number; column: string; op: FilterOp; value: string; value2: string };

export type OptionsDraft = {
  columns: DraftColumn[];
  dateColumn: string;
  start: string;
  end: string;
  filters: DraftFilter[];
  filterMode: "all" | "any";
  delimiter: "," | ";" | "tab";
  bom: boolean;
  gzip: boolean;
  timezone: string;
  includeSensitive: boolean;
  /** PDF: the charts (server-drawn, plus this page's canvases). */
  includeCharts: boolean;
  /** PDF: A4 landscape. */
  landscape: boolean;
};

type Dataset = Pick<DatasetJson, "columns" | "date_column">;

/**
 * The time zone an export uses unless the user picks another: the browser's own, when the
 * server takes it (any IANA zone; isValidTimezone is the server's check), else UTC. On the
 * server there is no browser: UTC.
 */
export function defaultTimeZone(): string {
  if (typeof window === "undefined") return "UTC";
  const zone = browserTimeZone();
  return isValidTimezone(zone) ? zone : "UTC";
}

export function initialDraft(dataset: Dataset, timezone = defaultTimeZone()): OptionsDraft {
  return {
    columns: dataset.columns.map((c) => ({ key: c.key, label: c.label, selected: true, rename: "" })),
    dateColumn:
      dataset.date_column ?? dataset.columns.find((c) => c.type === "date" || c.type === "datetime")?.key ?? "",
    start: "",
    end: "",
    filters: [],
    filterMode: "all",
    delimiter: ",",
    bom: true,
    gzip: false,
    timezone,
    includeSensitive: false,
    includeCharts: true,
    landscape: false,
  };
}

function typed(text: string, type: string): unknown {
  const trimmed = text.trim();
  if (type === "integer" || type === "number")
    return trimmed === "" || Number.isNaN(Number(trimmed)) ? trimmed : Number(trimmed);
  if (type === "boolean") return trimmed === "true" ? true : trimmed === "false" ? false : trimmed;
  return text;
}

/** The options a draft stands for; the server names whatever is still wrong. */
export function draftToOptions(draft: OptionsDraft, dataset: Dataset): TExportOptionsInput {
  const options: TExportOptionsInput = {};
  const typeOf = new Map(dataset.columns.map((c) => [c.key, c.type]));
  const selected = draft.columns.filter((c) => c.selected);
  const reordered = selected.some((c, i) => c.key !== dataset.columns[i]?.key);
  if (selected.length !== dataset.columns.length || reordered) options.columns = selected.map((c) => c.key);
  const rename = Object.fromEntries(selected.filter((c) => c.rename.trim()).map((c) => [c.key, c.rename.trim()]));
  if (Object.keys(rename).length > 0) options.rename = rename;
  if (draft.start || draft.end) {
    options.date_range = {
      ...(draft.dateColumn && draft.dateColumn !== dataset.date_column ? { column: draft.dateColumn } : {}),
      ...(draft.start ? { start: draft.start } : {}),
      ...(draft.end ? { end: draft.end } : {}),
    };
  }
  if (draft.filters.length > 0) {
    options.filters = draft.filters.map((f) => {
      const type = typeOf.get(f.column) ?? "string";
      if (f.op === "is_null") return { column: f.column, op: f.op };
      if (f.op === "in")
        return {
          column: f.column,
          op: f.op,
          value: f.value
            .split(",")
            .map((v) => typed(v.trim(), type))
            .filter((v) => v !== ""),
        };
      if (f.op === "between")
        return { column: f.column, op: f.op, value: [typed(f.value, type), typed(f.value2, type)] };
      return { column: f.column, op: f.op, value: typed(f.value, type) };
    });
    if (draft.filterMode === "any") options.filter_mode = "any";
  }
  if (draft.delimiter !== ",") options.delimiter = draft.delimiter;
  if (!draft.bom) options.bom = false;
  if (draft.gzip) options.compression = "gzip";
  // The server writes UTC unless told otherwise, and the dialog starts at the browser's zone:
  // the zone is sent unless both are UTC, so a reader elsewhere who picks UTC gets UTC, and the
  // preview reads the same zone from the options.
  if (draft.timezone && (draft.timezone !== "UTC" || defaultTimeZone() !== "UTC")) options.timezone = draft.timezone;
  if (draft.includeSensitive) options.include_sensitive = true;
  if (!draft.includeCharts) options.include_charts = false;
  if (draft.landscape) options.landscape = true;
  return options;
}

/**
 * How many settings differ from a plain full export (shown on the Options button). The
 * default time zone is no setting the user made, though the options carry it.
 */
export function activeOptionCount(options: TExportOptionsInput, timezone = defaultTimeZone()): number {
  return Object.keys(options).filter(
    (key) => key !== "filter_mode" && !(key === "timezone" && options.timezone === timezone),
  ).length;
}

/** What is wrong in a draft, per field, before it is applied: the server holds the same rules. */
export type DraftErrors = {
  end?: MessageKey;
  /** Per filter id: its first value, and its second (between). */
  filters: Record<number, { value?: MessageKey; value2?: MessageKey }>;
};

export function draftErrors(draft: OptionsDraft): DraftErrors {
  const errors: DraftErrors = { filters: {} };
  // ISO dates compare as text.
  if (draft.start && draft.end && draft.end < draft.start) errors.end = "options.error.endBeforeStart";
  for (const filter of draft.filters) {
    if (filter.op === "is_null") continue;
    const problem: { value?: MessageKey; value2?: MessageKey } = {};
    if (filter.value.trim() === "") problem.value = "options.error.valueRequired";
    if (filter.op === "between" && filter.value2.trim() === "") problem.value2 = "options.error.valueRequired";
    if (problem.value || problem.value2) errors.filters[filter.id] = problem;
  }
  return errors;
}

export function hasDraftErrors(errors: DraftErrors): boolean {
  return errors.end !== undefined || Object.keys(errors.filters).length > 0;
}

/** The text box's form of a filter value the options hold. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : String(value);
}

/**
 * The draft that stands for options (the inverse of draftToOptions): how options kept in
 * the browser come back into the dialog. The options must fit the dataset (restoreOptions).
 */
export function optionsToDraft(options: TExportOptions, dataset: Dataset): OptionsDraft {
  const draft = initialDraft(dataset);
  const byKey = new Map(draft.columns.map((c) => [c.key, c]));
  const rename = options.rename ?? {};
  if (options.columns) {
    const chosen = options.columns.flatMap((key) => {
      const column = byKey.get(key);
      return column ? [{ ...column, selected: true }] : [];
    });
    const rest = draft.columns.filter((c) => !options.columns?.includes(c.key)).map((c) => ({ ...c, selected: false }));
    draft.columns = [...chosen, ...rest];
  }
  draft.columns = draft.columns.map((c) => ({ ...c, rename: rename[c.key] ?? "" }));
  if (options.date_range) {
    if (options.date_range.column) draft.dateColumn = options.date_range.column;
    draft.start = options.date_range.start ?? "";
    draft.end = options.date_range.end ?? "";
  }
  draft.filters = options.filters.map((filter, index) => {
    const base = { id: index + 1, column: filter.column, op: filter.op, value: "", value2: "" };
    if (filter.op === "is_null") return base;
    if (Array.isArray(filter.value)) {
      const values = filter.value.map(valueText);
      return filter.op === "between"
        ? { ...base, value: values[0] ?? "", value2: values[1] ?? "" }
        : { ...base, value: values.join(", ") };
    }
    return { ...base, value: valueText(filter.value) };
  });
  draft.filterMode = options.filter_mode;
  draft.delimiter = options.delimiter === "\t" ? "tab" : options.delimiter === ";" ? ";" : ",";
  draft.bom = options.bom;
  draft.gzip = options.compression === "gzip";
  draft.timezone = options.timezone;
  draft.includeSensitive = options.include_sensitive;
  draft.includeCharts = options.include_charts;
  draft.landscape = options.landscape;
  return draft;
}

/** Whether options leave records out (a date range or a filter): only then is a count asked for. */
export function selectsRows(options: TExportOptionsInput): boolean {
  return (options.filters?.length ?? 0) > 0 || !!options.date_range?.start || !!options.date_range?.end;
}

/**
 * The options that decide which records and columns an export carries, as a GET query
 * (the form lib/export/options.ts `optionsFromQuery` reads): for the count (`columns`
 * false: they do not change it) and for the preview. File settings are left out.
 */
export function selectionQuery(options: TExportOptionsInput, { columns }: { columns: boolean }): URLSearchParams {
  const query = new URLSearchParams();
  if (columns && options.columns) query.set("columns", options.columns.join(","));
  if (columns && options.rename) query.set("rename", JSON.stringify(options.rename));
  if (options.date_range) query.set("date_range", JSON.stringify(options.date_range));
  if (options.filters && options.filters.length > 0) query.set("filters", JSON.stringify(options.filters));
  if (options.filter_mode === "any") query.set("filter_mode", "any");
  if (options.include_sensitive) query.set("include_sensitive", "true");
  return query;
}
