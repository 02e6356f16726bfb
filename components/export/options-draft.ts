// The options dialog's editable state and its translation to the export options that
// the API validates (lib/export/options.ts). Only what differs from the defaults is sent.
import type { FilterOp, TExportOptionsInput } from "@/lib/export/options";
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
  if (draft.timezone && draft.timezone !== "UTC") options.timezone = draft.timezone;
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
