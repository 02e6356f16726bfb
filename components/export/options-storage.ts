// The options a user applied to a dataset, kept in the browser (local storage, one entry
// per dataset) so a reload finds them still applied. What is read back is checked with
// the export options schema and against the dataset as it is now: a column that is gone
// is dropped without a word, anything unreadable is ignored.
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { ZExportOptionsSchema, type TExportOptions, type TExportOptionsInput } from "@/lib/export/options";
import { activeOptionCount, optionsToDraft, type OptionsDraft } from "./options-draft";

type Dataset = Pick<DatasetJson, "id" | "columns" | "date_column">;

export function optionsStorageKey(datasetId: number): string {
  return `outport.export-options.${datasetId}`;
}

/** Options kept from an earlier visit, made to fit the dataset; null when there are none fit to use. */
export function restoreOptions(raw: string | null, dataset: Dataset, isAdmin: boolean): TExportOptions | null {
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = ZExportOptionsSchema.safeParse(json);
  if (!parsed.success) return null;
  const options = parsed.data;
  const known = new Map(dataset.columns.map((c) => [c.key, c]));
  // Only what an export may filter on: no sensitive column for whoever may not see it.
  const filterable = (key: string) => {
    const column = known.get(key);
    return !!column && (isAdmin || !column.sensitive);
  };
  const columns = options.columns?.filter((key) => known.has(key));
  const rename = Object.fromEntries(
    Object.entries(options.rename ?? {}).filter(([key]) => columns?.includes(key) ?? known.has(key)),
  );
  const range = options.date_range;
  const rangeColumn = range?.column ?? dataset.date_column;
  const rangeFits =
    !!rangeColumn && filterable(rangeColumn) && ["date", "datetime"].includes(known.get(rangeColumn)?.type ?? "");
  return {
    ...options,
    columns: columns && columns.length > 0 ? columns : undefined,
    rename: Object.keys(rename).length > 0 ? rename : undefined,
    date_range: range && rangeFits ? range : undefined,
    filters: options.filters.filter((f) => filterable(f.column)),
    include_sensitive: options.include_sensitive && isAdmin,
    chart_images: undefined,
  };
}

/** The draft kept for a dataset, or null (none kept, unreadable, or local storage unavailable). */
export function loadDraft(dataset: Dataset, isAdmin: boolean): OptionsDraft | null {
  try {
    const options = restoreOptions(window.localStorage.getItem(optionsStorageKey(dataset.id)), dataset, isAdmin);
    return options ? optionsToDraft(options, dataset) : null;
  } catch {
    return null; // storage refused (a private window, a policy): the defaults apply
  }
}

/**
 * Keeps the applied options (nothing when they are the defaults: the browser's own zone is
 * one, though the options carry it, so a reader who moves on to another zone starts in it).
 */
export function saveOptions(datasetId: number, options: TExportOptionsInput): void {
  try {
    const key = optionsStorageKey(datasetId);
    if (activeOptionCount(options) === 0) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(options));
  } catch {
    // Not kept: the options still apply until the page is left.
  }
}
