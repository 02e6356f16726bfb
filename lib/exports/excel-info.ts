// The words of an Excel export's "Export info" sheet in the requester's language: the sheet's
// name, its labels, the filters ("none" in their words when there are none), and when the
// export was made, in the export's time zone followed by the zone's name.
import type { XlsxInfoSheet } from "../export/formats/xlsx";
import { formatDateTime } from "../export/values";
import { translate, type Locale } from "../i18n";
import { filtersText } from "./filters-text";
import type { PreparedExport } from "./prepare-export";

export function excelInfoSheet(
  locale: Locale,
  prepared: Pick<PreparedExport, "plan" | "options" | "info">,
): XlsxInfoSheet {
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  const { options, info } = prepared;
  return {
    name: t("excel.info.sheet"),
    labels: {
      dataset: t("excel.info.dataset"),
      filters: t("excel.info.filters"),
      columns: t("excel.info.columns"),
      rows: t("excel.info.rows"),
      exportedBy: t("excel.info.exportedBy"),
      exportedAt: t("excel.info.exportedAt"),
    },
    filters: filtersText(locale, prepared),
    exportedAt: `${formatDateTime(info.generatedAt, options.timezone)} ${options.timezone}`,
  };
}
