// The options an export was asked with, as a reader of its status or its history row gets
// them: never the PDF's chart images (up to four large PNGs, polled every few seconds by
// the top bar), and never a filter's value on a sensitive column unless the reader may see
// sensitive data — the same rule as the row's options summary.
import { canSeeColumnValues, type Actor } from "../auth/permissions";
import type { DatasetInfo } from "../datasets/dataset-store";
import { REDACTED } from "../export/plan";

type Stored = Record<string, unknown>;
/** What tells which columns are sensitive; null when the dataset is gone. */
type Columns = Pick<DatasetInfo, "columns" | "dateColumn"> | null;

/** The options without the PDF's chart images: what a direct download keeps in its row. */
export function withoutChartImages<T>(options: T): T {
  if (!options || typeof options !== "object" || !("chart_images" in options)) return options;
  const { chart_images: _images, ...rest } = options as Stored;
  return rest as T;
}

function masksValuesOf(viewer: Actor, dataset: Columns): (column: unknown) => boolean {
  // Without the dataset's columns (it is gone) nothing tells which are sensitive: every value is hidden.
  if (!dataset) return () => !canSeeColumnValues(viewer, { sensitive: true });
  const sensitive = new Set(dataset.columns.filter((c) => c.sensitive).map((c) => c.key));
  return (column) => typeof column === "string" && !canSeeColumnValues(viewer, { sensitive: sensitive.has(column) });
}

/**
 * The stored options as `viewer` may read them. `masked` says a value was hidden: such
 * options are not the ones asked for any more, and must not be sent back as a request.
 */
export function presentOptions(stored: unknown, viewer: Actor, dataset: Columns): { options: Stored; masked: boolean } {
  const options = withoutChartImages(stored && typeof stored === "object" ? { ...(stored as Stored) } : {});
  const hides = masksValuesOf(viewer, dataset);
  let masked = false;
  if (Array.isArray(options.filters)) {
    options.filters = options.filters.map((filter: unknown) => {
      if (!filter || typeof filter !== "object") return filter;
      const { column, op } = filter as Stored;
      if (op === "is_null" || !("value" in filter) || !hides(column)) return filter;
      masked = true;
      const value = (filter as Stored).value;
      return { ...filter, value: Array.isArray(value) ? value.map(() => REDACTED) : REDACTED };
    });
  }
  const range = options.date_range as Stored | undefined;
  if (range && typeof range === "object" && (range.start !== undefined || range.end !== undefined)) {
    // A range without a column of its own is on the dataset's date column.
    if (hides(range.column ?? dataset?.dateColumn)) {
      masked = true;
      options.date_range = {
        ...range,
        ...(range.start !== undefined ? { start: REDACTED } : {}),
        ...(range.end !== undefined ? { end: REDACTED } : {}),
      };
    }
  }
  return { options, masked };
}
