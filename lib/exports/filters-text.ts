// The filters of an export as its reports print them (the PDF's summary, the Excel "Export
// info" sheet): the plan's description, or "none" in the requester's words when the export
// has neither filters nor a date range.
import { translate, type Locale } from "../i18n";
import type { PreparedExport } from "./prepare-export";

export function filtersText(locale: Locale, { plan, info }: Pick<PreparedExport, "plan" | "info">): string {
  const filtered = plan.filters.length > 0 || plan.dateRange !== null;
  return filtered ? info.filters : translate(locale, "pdf.noFilters");
}
