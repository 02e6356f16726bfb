// What a history row says about the options an export was asked with: how many of the
// dataset's columns it carried, and its filters and date range as the reports print them.
// Null when the dataset is gone or has changed so that the stored options no longer fit.
import type { DatasetInfo } from "../datasets/dataset-store";
import { ZExportOptionsSchema } from "../export/options";
import { describeFilters, planExport } from "../export/plan";
import type { Locale } from "../i18n";
import { filtersText } from "./filters-text";

export type OptionsSummary = {
  /** Columns exported, of `total_columns`. */
  columns: number;
  total_columns: number;
  filtered: boolean;
  /** The filters and date range, or "none" in the viewer's words. */
  filters: string;
};

export function summarizeOptions(
  locale: Locale,
  stored: unknown,
  dataset: Pick<DatasetInfo, "columns" | "dateColumn"> | null,
  /** Whether the viewer may read filter values on sensitive columns. */
  seesSensitive: boolean,
): OptionsSummary | null {
  if (!dataset) return null;
  const options = ZExportOptionsSchema.safeParse(stored ?? {});
  if (!options.success) return null;
  let plan;
  try {
    // The options were accepted when asked for; this only describes them.
    plan = planExport(options.data, dataset, { mayIncludeSensitive: true });
  } catch {
    return null;
  }
  const sensitive = new Set(dataset.columns.filter((c) => c.sensitive).map((c) => c.key));
  const described = describeFilters(plan, (key) => !seesSensitive && sensitive.has(key));
  return {
    columns: plan.columns.length,
    total_columns: dataset.columns.length,
    filtered: plan.filters.length > 0 || plan.dateRange !== null,
    filters: filtersText(locale, { plan, info: { filters: described } }),
  };
}
