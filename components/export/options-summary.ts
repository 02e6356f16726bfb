// The summary line of applied options, as a reader checks it before downloading:
// "3 of 11 columns · Sale date 2025-06-01 → · Region equals East · ≈ 1,234 records".
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import type { TExportOptionsInput } from "@/lib/export/options";
import { formatNumber, type Locale, type MessageKey, type MessageParams } from "@/lib/i18n";
import type { ExportCount } from "./use-export-count";

type Dataset = Pick<DatasetJson, "columns" | "date_column" | "record_count">;
type T = (key: MessageKey, params?: MessageParams) => string;

/** The Options button's badge: how many settings differ from a plain export, pluralised. */
export function badgeText(count: number, t: T, locale: Locale): string {
  return count === 1
    ? t("exportOptions.badge.one")
    : t("exportOptions.badge.other", { count: formatNumber(locale, count) });
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(valueText).join(", ");
  return typeof value === "string" ? `"${value}"` : String(value);
}

/**
 * The PDF cap note, once the count shows the export holds more records than a report may
 * (`cap` null: no cap known to this page); null otherwise. Said next to the PDF choice on the
 * page and in the options dialog.
 */
export function pdfCapText(count: ExportCount, cap: number | null, t: T, locale: Locale): string | null {
  if (cap === null || count.status !== "done" || count.count <= cap) return null;
  return t("exportOptions.pdfCap", { cap: formatNumber(locale, cap), count: formatNumber(locale, count.count) });
}

/** What the line says of the records: how many, still counting, or none at all. */
export function countText(count: ExportCount, t: T, locale: Locale): string {
  switch (count.status) {
    case "pending":
      return t("exportOptions.summary.counting");
    case "error":
      return t("exportOptions.summary.countFailed");
    case "done":
      if (count.count === 0) return t("exportOptions.summary.none");
      return count.count === 1
        ? t("exportOptions.summary.count.one")
        : t("exportOptions.summary.count.other", { count: formatNumber(locale, count.count) });
  }
}

/** The parts of the line, in order; the record count last. */
export function summaryParts(
  options: TExportOptionsInput,
  dataset: Dataset,
  count: ExportCount,
  t: T,
  locale: Locale,
): string[] {
  const parts: string[] = [];
  const label = (key: string) => dataset.columns.find((c) => c.key === key)?.label ?? key;
  const total = dataset.columns.length;
  if (options.columns) {
    parts.push(
      options.columns.length < total
        ? t("exportOptions.summary.columns", {
            selected: formatNumber(locale, options.columns.length),
            total: formatNumber(locale, total),
          })
        : t("exportOptions.summary.columnsReordered", { total: formatNumber(locale, total) }),
    );
  }
  const range = options.date_range;
  if (range && (range.start || range.end)) {
    const column = range.column ?? dataset.date_column;
    parts.push(
      t("exportOptions.summary.range", {
        column: column ? label(column) : "",
        start: range.start ?? "",
        end: range.end ?? "",
      }).trim(),
    );
  }
  const filters = (options.filters ?? []).map((f) =>
    f.op === "is_null"
      ? t("exportOptions.summary.filterEmpty", { column: label(f.column) })
      : t("exportOptions.summary.filter", { column: label(f.column), op: t(`op.${f.op}`), value: valueText(f.value) }),
  );
  if (filters.length > 0) {
    parts.push(
      filters.join(t(options.filter_mode === "any" ? "exportOptions.summary.or" : "exportOptions.summary.and")),
    );
  }
  parts.push(countText(count, t, locale));
  return parts;
}
