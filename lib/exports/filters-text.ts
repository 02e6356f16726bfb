// The filters of an export as its reports print them (the PDF's summary, the Excel "Export
// info" sheet, the history's line about a row's options): the plan's description, or
// "none" in the requester's words when the export has neither filters nor a date range.
import type { ExportPlan } from "../export/plan";
import type { ExportInfo } from "../export/types";
import { translate, type Locale } from "../i18n";

export function filtersText(
  locale: Locale,
  { plan, info }: { plan: Pick<ExportPlan, "filters" | "dateRange">; info: Pick<ExportInfo, "filters"> },
): string {
  const filtered = plan.filters.length > 0 || plan.dateRange !== null;
  return filtered ? info.filters : translate(locale, "pdf.noFilters");
}
